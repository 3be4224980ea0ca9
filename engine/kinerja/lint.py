"""Lint: warnings about the document's own consistency, and the list of assumptions.

Each rule is a function from a plan to problems, listed in `RULES`; the rules are general (they apply to
any plan) and never change the plan: the document is scored as signed, and its inconsistencies are shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import Problem
from .numbers import format_id
from .periods import AGGREGATIONS, TARGET_FROM_QUARTERS

if TYPE_CHECKING:
    from .compiler import Node
    from .plan import Plan

PERCENT_NAME = re.compile(r"^\s*(\w\.\s*)?(persentas|presentas|prosentas)", re.I)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _fmt(x: float | None) -> str:
    return format_id(x, 2)


def quarters_vs_year(plan: Plan) -> list[Problem]:
    """Quarterly targets that do not give the annual target under the node's period semantics."""
    out = []
    for n in plan.nodes:
        if not isinstance(n.target, float):
            continue
        qs = [v for v in n.period_targets.values() if v is not None]
        if not qs:
            continue
        how = TARGET_FROM_QUARTERS[n.semantics]
        last = n.period_targets[plan.periods[-1]]
        derived = AGGREGATIONS[how][1](qs) if how != "terakhir" else last
        if derived is not None and _close(derived, n.target):
            continue
        fits = []
        for sem, h in TARGET_FROM_QUARTERS.items():
            d = AGGREGATIONS[h][1](qs) if h != "terakhir" else last
            if d is not None and _close(d, n.target) and sem not in fits:
                fits.append(sem)
        rule = AGGREGATIONS[how][0]
        out.append(
            Problem(
                "quarters-vs-year-fits" if fits else "quarters-vs-year",
                "warning",
                n.file,
                n.id,
                f"{n.path}.target_tw",
                {
                    "quarters": " / ".join(n.period_targets_text[p] or "-" for p in plan.periods),
                    "annual": n.target_text,
                    "semantics": n.semantics,
                    "derived": f"{rule} = {_fmt(derived)}",
                    "fits": ", ".join(fits),
                },
            )
        )
    return out


def _annual(plan: Plan, n: Node) -> float | None:
    """A node's annual target: as written, or derived from its quarters by its period semantics."""
    if isinstance(n.target, float):
        return n.target
    qs = [v for v in n.period_targets.values() if v is not None]
    if not qs or isinstance(n.target, tuple):
        return None
    how = TARGET_FROM_QUARTERS[n.semantics]
    if how == "terakhir":
        return n.period_targets[plan.periods[-1]]
    return AGGREGATIONS[how][1](qs)


def _measure(plan: Plan, n: Node) -> object:
    """The unit a node's targets are written in: the unit written after its target if any, else its own."""
    for key, unit in n.target_units:
        if key == "target":
            try:
                return plan.units.parse(unit)
            except ValueError:
                return None
    return n.unit_obj


def steps_vs_indicator(plan: Plan) -> list[Problem]:
    """Child targets (same dimension) that neither add up to the parent's nor each equal it: per quarter, and
    for the year."""
    out = []
    for n in plan.nodes:
        measure = _measure(plan, n)
        if measure is None or measure.dimensionless:  # type: ignore[attr-defined]
            continue
        kids = [plan.by_id[c] for c in n.children if plan.by_id[c].level == "langkah_aksi"]
        kids = [k for k in kids if k.unit_obj is not None and plan.units.compatible(k.unit_obj, measure)]
        if not kids:
            continue
        checks: list[tuple[str, str, float | None, list[tuple[Node, float | None]]]] = [
            (p, "target_tw", n.period_targets[p], [(k, k.period_targets[p]) for k in kids]) for p in plan.periods
        ]
        if isinstance(n.target, float):
            annual = [(k, _annual(plan, k)) for k in kids]
            if all(v is not None for _, v in annual):
                checks.append((str(plan.meta.year), "target", n.target, annual))
        for label, key, target, parts in checks:
            present = [v for _, v in parts if v is not None]
            if target is None or not present:
                continue
            total = sum(present)
            if _close(total, target) or all(_close(v, target) for v in present):
                continue  # the steps add up to the target, or each step is the whole target
            detail = " + ".join(f"{k.id} {_fmt(v)}" for k, v in parts if v is not None)
            shown = (n.target_text or _fmt(target)) if key == "target" else f"{_fmt(target)} ({label})"
            out.append(
                Problem(
                    "steps-vs-indicator",
                    "warning",
                    n.file,
                    n.id,
                    f"{n.path}.{key}",
                    {"detail": f"{label}: {detail}", "total": _fmt(total), "target": shown},
                )
            )
    return out


def target_units(plan: Plan) -> list[Problem]:
    """Targets written with a unit that does not fit the node's unit."""
    out = []
    for n in plan.nodes:
        for key, unit in n.target_units:
            written = (
                n.target_text
                if key == "target"
                else n.period_targets_text.get(
                    plan.periods[int(key[10:-1])] if key.startswith("target_tw[") else "", ""
                )
            )
            out.append(
                Problem(
                    "target-unit",
                    "warning",
                    n.file,
                    n.id,
                    f"{n.path}.{key}",
                    {"written": written, "got": unit, "want": n.unit or "-", "value": _number_of(n, key, plan)},
                )
            )
    return out


def _number_of(n: Node, key: str, plan: Plan) -> str:
    if key == "target":
        v = n.target
    elif key.startswith("target_tw["):
        v = n.period_targets.get(plan.periods[int(key[10:-1])])
    else:
        v = None
    return _fmt(v) if isinstance(v, float) else "-"


def name_unit(plan: Plan) -> list[Problem]:
    """A name that says "Persentase" on a node whose unit is not a percentage."""
    return [
        Problem("name-unit", "warning", n.file, n.id, f"{n.path}.satuan", {"unit": n.unit})
        for n in plan.nodes
        if PERCENT_NAME.match(n.name) and n.unit != "%"
    ]


def no_target(plan: Plan) -> list[Problem]:
    """Indicators with neither an annual nor a quarterly target, that nothing else builds on.

    A node read by a formula or an index (an intermediate value, such as a component score of IKPA) needs no
    target of its own, so it is not reported.
    """
    used = {ref for n in plan.nodes for ref in n.refs} | {plan.meta.result}
    return [
        Problem("no-target", "warning", n.file, n.id, n.path, {})
        for n in plan.nodes
        if n.level == "indikator"
        and n.mode != "group"
        and n.id not in used
        and n.target is None
        and all(v is None for v in n.period_targets.values())
    ]


def _assumption(file: str, node_id: str | None, path: str, key: str, reason: str, basis: str | None) -> Problem:
    return Problem(
        "assumption",
        "info",
        file,
        node_id,
        path,
        {
            "key": key,
            "reason": reason,
            "basis_id": f" [dasar: {basis}]" if basis else "",
            "basis_en": f" [basis: {basis}]" if basis else "",
        },
    )


def assumptions(plan: Plan) -> list[Problem]:
    """Every declared assumption: of nodes, inputs, lookup-table steps, and the plan's profile."""
    out = []
    for n in plan.nodes:
        for key, reason, basis in n.assumptions:
            out.append(_assumption(n.file, n.id, f"{n.path}.{key}" if key != "simpul" else n.path, key, reason, basis))
    seen_tables: set[int] = set()
    for n in plan.nodes:
        for name, table in n.tables.items():
            if id(table) in seen_tables:
                continue  # inherited by a descendant: listed once, where it is declared
            seen_tables.add(id(table))
            for i, step in enumerate(table.steps):
                if step.assumption:
                    path = f"{n.path}.tabel.{name}[{i}]"
                    out.append(_assumption(n.file, n.id, path, f"tabel.{name}", step.assumption, step.source))
    spec = plan.profile.spec
    pfile = f"profil {spec.id}"
    for i, b in enumerate(spec.score.bands):
        if b.assumption:
            out.append(_assumption(pfile, None, f"nilai.pita[{i}]", "pita nilai", b.assumption, b.source))
    if spec.grades.assumption:
        out.append(_assumption(pfile, None, "predikat", "predikat", spec.grades.assumption, spec.grades.source))
    return out


def index_share(plan: Plan) -> list[Problem]:
    """An index (a level, like a mean of capaian) set against quarterly targets that are shares of the year."""
    return [
        Problem(
            "index-share",
            "warning",
            n.file,
            n.id,
            f"{n.path}.sifat_periode",
            {"quarters": " / ".join(n.period_targets_text[p] or "-" for p in plan.periods), "semantics": n.semantics},
        )
        for n in plan.nodes
        if n.mode == "index"
        and n.semantics in ("bagi_rata", "jumlah")
        and any(v is not None for v in n.period_targets.values())
    ]


def weight_not_component(plan: Plan) -> list[Problem]:
    """A node with `bobot` that no index takes as a component (e.g. written one header level off, as a
    `langkah_aksi` of the index): its weight counts nowhere, and the index is computed without it."""
    components = {c for n in plan.nodes if n.mode == "index" for c in n.refs}
    return [
        Problem(
            "weight-not-component",
            "warning",
            n.file,
            n.id,
            f"{n.path}.bobot",
            {"weight": format_id(n.weight, 2), "parent": n.parent or "-"},
        )
        for n in plan.nodes
        if n.weight is not None and n.id not in components
    ]


def coverage_settings(plan: Plan) -> list[Problem]:
    """`cakupan_minimal` on a node that is no index (it has no effect), or a plan-wide value outside 0..100."""
    out = [
        Problem("coverage-not-index", "warning", n.file, n.id, f"{n.path}.cakupan_minimal", {})
        for n in plan.nodes
        if n.min_coverage is not None and n.mode != "index"
    ]
    m = getattr(plan.meta, "min_coverage", None)
    if m is not None and not (math.isfinite(m) and 0 <= m <= 100):
        out.append(
            Problem(
                "wrong-type",
                "warning",
                "rencana.toml",
                None,
                "rencana.cakupan_minimal",
                {"key": "cakupan_minimal", "detail": f"{m:g} (0..100 % bobot)"},
            )
        )
    return out


RULES: tuple[Callable[[Plan], list[Problem]], ...] = (
    quarters_vs_year,
    steps_vs_indicator,
    target_units,
    name_unit,
    no_target,
    index_share,
    weight_not_component,
    coverage_settings,
)


def lint(plan: Plan) -> list[Problem]:
    """Run every lint rule, then list the assumptions. Warnings first, in document order."""
    order = {n.id: i for i, n in enumerate(plan.nodes)}
    warnings = [p for rule in RULES for p in rule(plan)]
    warnings.sort(key=lambda p: order.get(p.node_id or "", -1))
    return warnings + assumptions(plan)
