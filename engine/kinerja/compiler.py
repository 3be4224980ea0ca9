"""Compile phase: schema models → frozen `Node` objects that run.

Resolves ids (unique, well-formed), kinds (a dispatch table: adding a kind is one function and one entry),
units (parsed once; formula dimensions checked once), written targets ("59,73%", "2.608 Giat"), period
semantics, profiles and dependency order (graphlib; a cycle is reported with its path). Every problem is
collected; nothing raises for bad input.
"""

from __future__ import annotations

import ast
import functools
import graphlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .choices import (
    NEGATIVE_METHOD_WORDS,
    POLARITY_WORDS,
    IndexMethod,
    IndexSource,
    Mode,
    NegativeMethod,
    Polarity,
    parse,
)
from .errors import Problem, close_matches, unknown_choice
from .formula import FUNCTIONS, Formula, UnitMixError, formula_unit, parse_formula, ratio
from .numbers import NumberFormatError, parse_written
from .periods import AGGREGATIONS, SEMANTICS
from .profile import Profile, holds, holds_array
from .schema import NodeSpec, Step
from .units import Units, UnitTextError

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = frozenset({"R", "T", "C", "and", "or", "not", "if", "else", "in", "is", "True", "False", "None"}) | set(
    FUNCTIONS
)


@dataclass(frozen=True)
class StepTable:
    """A lookup table from the rules (`tabel`): the first step whose bounds hold gives the value."""

    name: str
    steps: tuple[Step, ...]

    def __call__(self, x: float) -> float:
        for s in self.steps:
            if holds(s, x):
                return s.value
        raise ValueError(f"{x:g} falls in no step of table '{self.name}'")

    def over_array(self, x: Any) -> Any:
        """The same lookup over a numpy array: the first step whose bounds hold (`holds_array`, the same
        bounds); NaN where x is NaN or falls in no step (where the scalar call raises)."""
        import numpy as np

        out = np.full(np.shape(x), np.nan)
        open_ = ~np.isnan(x)
        for s in self.steps:
            hit = open_ & holds_array(s, x)
            out = np.where(hit, s.value, out)
            open_ &= ~hit
        return out


@dataclass(frozen=True)
class InputDef:
    """A declared input of a formula: unit, optional fixed value, its source and assumption."""

    name: str
    unit: Any
    unit_label: str
    value: float | None = None
    source: str | None = None
    assumption: str | None = None
    aggregation: str | None = None
    description: str | None = None
    monthly: bool = False


@dataclass(frozen=True)
class Node:
    """A compiled node (sasaran, indikator or langkah aksi). Immutable.

    Attributes follow the rule keys (see docs/glosarium.md): `target` is a number, a (low, high) range or
    None; `period_targets` maps each plan period to a number or None; `*_text` keep what was written.
    """

    id: str
    level: str
    name: str
    kind: str | None
    number: str | None
    unit: str
    target: float | tuple[float, float] | None
    target_text: str | None
    period_targets: dict[str, float | None]
    period_targets_text: dict[str, str]
    semantics: str
    aggregation: str
    polarity: Polarity
    owner: str | None
    remarks: str | None
    source: dict[str, str]
    assumptions: tuple[tuple[str, str, str | None], ...]
    children: tuple[str, ...]
    parent: str | None
    depth: int
    file: str
    path: str
    mode: Mode
    formula: Formula | None = field(default=None, repr=False)
    formula_text: str | None = None  # rendered from `formula.tree` when the kind composes it (rasio)
    # for a kind that composes its formula from parts: (rule key, the part as written and checked) per part
    formula_parts: tuple[tuple[str, Formula], ...] = field(default=(), repr=False)
    inputs: dict[str, InputDef] = field(default_factory=dict)
    refs: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()  # for an index: the weight of each component, aligned with refs
    weight: float | None = None
    index_from: str = IndexSource.ACHIEVEMENT  # an `IndexSource` value once the plan compiles without problems
    index_method: str = IndexMethod.WEIGHTED_MEAN  # an `IndexMethod` value, likewise
    per_period: bool = False  # `hitung_per_periode`: the formula is evaluated per quarter, then combined
    cap_contribution: bool = False
    max_target: bool = False
    profile: Profile | None = field(default=None, repr=False)
    method: NegativeMethod | None = None
    unit_obj: Any = field(default=None, repr=False, compare=False)
    target_units: tuple[tuple[str, str], ...] = ()  # (key, unit written) where it did not fit
    tables: dict[str, StepTable] = field(default_factory=dict, repr=False)
    included_from: str | None = None  # the rule set this node came from (`sertakan`)
    min_coverage: float | None = None  # `cakupan_minimal` (index): % of the weight that must have a value

    @property
    def components(self) -> tuple[str, ...]:
        """For an index: the ids of its weighted components."""
        return self.refs if self.mode == Mode.INDEX else ()


# ------------------------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class KindDef:
    """What a kind means: its evaluation mode, defaults and the function that fills in its parts."""

    mode: Mode
    semantics: str
    polarity: str = "positif"  # as a rule file writes it (`POLARITY_WORDS`)
    unit: str | None = None
    build: Callable[[NodeSpec, Ctx], dict[str, Any]] | None = None


@dataclass
class Ctx:
    """What a kind's build function may use and report to."""

    units: Units
    file: str
    node_id: str
    path: str
    problems: list[Problem]
    node_ids: set[str]
    tables: dict[str, StepTable] = field(default_factory=dict)

    def problem(self, code: str, at: str, severity: str = "error", **args: Any) -> None:
        """Record a problem at key path `at` under this node."""
        self.problems.append(
            Problem(code, severity, self.file, self.node_id, f"{self.path}.{at}" if at else self.path, args)  # type: ignore[arg-type]
        )


def _unknown_choice(ctx: Ctx, key: str, value: str, choices: Any) -> None:
    """Report a value of this node's `key` that is not one of `choices`."""
    ctx.problems.append(unknown_choice(ctx.file, ctx.node_id, f"{ctx.path}.{key}", value, choices))


def _inputs(spec: NodeSpec, ctx: Ctx) -> dict[str, InputDef]:
    out: dict[str, InputDef] = {}
    for name, raw in (spec.inputs or {}).items():
        key = f"masukan.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in RESERVED:
            ctx.problem("bad-id", key, id=name)
            continue
        d = raw if not isinstance(raw, str) else None
        unit_text = raw if isinstance(raw, str) else raw.unit
        try:
            unit = ctx.units.parse(unit_text)
        except UnitTextError as e:
            ctx.problems.append(e.problem(ctx.file, ctx.node_id, f"{ctx.path}.{key}"))
            continue
        except ValueError:
            ctx.problems.append(
                Problem(
                    "unknown-unit",
                    "error",
                    ctx.file,
                    ctx.node_id,
                    f"{ctx.path}.{key}",
                    {"unit": unit_text},
                    suggestions=close_matches(unit_text.lower(), ctx.units.names()),
                )
            )
            continue
        value = None
        if d is not None and d.value is not None:
            try:
                w = parse_written(d.value)
                value = w.value
                if w.unit:
                    value = ctx.units.convert(value, ctx.units.parse(w.unit), unit) if value is not None else None
            except (NumberFormatError, ValueError) as e:
                ctx.problem("bad-number", f"{key}.nilai", text=str(d.value), detail=str(e))
        if d is not None and d.aggregation is not None and d.aggregation not in AGGREGATIONS:
            _unknown_choice(ctx, f"{key}.agregasi", d.aggregation, AGGREGATIONS)
        monthly = False
        if d is not None and d.periods is not None:
            if d.periods not in ("bulan", "triwulan"):
                _unknown_choice(ctx, f"{key}.periode", d.periods, ("bulan", "triwulan"))
            monthly = d.periods == "bulan"
            if monthly and d.aggregation is None:
                # months of rupiah add up, monthly percentages do not: the author must say which
                ctx.problem("monthly-aggregation", f"{key}.agregasi", choices=", ".join(AGGREGATIONS))
        out[name] = InputDef(
            name,
            unit,
            ctx.units.label_of(unit),
            value,
            d.source if d else None,
            d.assumption if d else None,
            d.aggregation if d else None,
            d.description if d else None,
            monthly,
        )
    return out


def _formula(text: str, spec: NodeSpec, ctx: Ctx, inputs: dict[str, InputDef], key: str = "rumus") -> dict[str, Any]:
    names = set(inputs) | (ctx.node_ids - {spec.id})
    f, probs = parse_formula(text, names, file=ctx.file, node_id=spec.id, path=f"{ctx.path}.{key}", tables=ctx.tables)
    ctx.problems.extend(probs)
    refs = tuple(n for n in (f.names if f else ()) if n not in inputs)
    return {"formula": f, "formula_text": text, "inputs": inputs, "refs": refs}


def _build_direct(spec: NodeSpec, ctx: Ctx) -> dict[str, Any]:
    for key, val in (("rumus", spec.formula), ("masukan", spec.inputs), ("pembilang", spec.numerator)):
        if val:
            ctx.problem("unknown-key", key, key=f"{key} (jenis '{spec.kind or 'jumlah'}' dilaporkan langsung)")
    return {}


def _build_ratio(spec: NodeSpec, ctx: Ctx) -> dict[str, Any]:
    """`pembilang / penyebut × skala`: each part parsed and checked on its own (its problems at the key the
    author wrote, quoting what was written), then composed as one tree, `(pembilang) / (penyebut) * skala`,
    so `puas / (puas + tidak_puas)` is never read as `puas / puas + tidak_puas`."""
    inputs = _inputs(spec, ctx)
    if spec.formula and spec.include is None:  # a rumus next to pembilang/penyebut would be silently ignored
        ctx.problem("unknown-key", "rumus", key="rumus (jenis 'rasio' dihitung dari pembilang dan penyebut)")
    for key, val in (("pembilang", spec.numerator), ("penyebut", spec.denominator)):
        if not val:
            ctx.problem("kind-param", key, kind="rasio", key=key)
            return {"inputs": inputs}
    assert spec.numerator is not None and spec.denominator is not None
    num = _formula(spec.numerator, spec, ctx, inputs, "pembilang")["formula"]
    den = _formula(spec.denominator, spec, ctx, inputs, "penyebut")["formula"]
    if num is None or den is None:
        return {"inputs": inputs}
    scale = spec.scale if spec.scale is not None else 100
    f, probs = ratio(num, den, scale, file=ctx.file, node_id=spec.id, path=ctx.path)
    ctx.problems.extend(probs)
    refs = tuple(n for n in (f.names if f else ()) if n not in inputs)
    return {
        "formula": f,
        "formula_text": f.text if f else None,
        "formula_parts": (("pembilang", num), ("penyebut", den)),
        "inputs": inputs,
        "refs": refs,
    }


def _build_formula(spec: NodeSpec, ctx: Ctx) -> dict[str, Any]:
    inputs = _inputs(spec, ctx)
    for key, val in (("pembilang", spec.numerator), ("penyebut", spec.denominator), ("skala", spec.scale)):
        if val is not None:  # would be silently ignored: only `rumus` is computed
            ctx.problem("unknown-key", key, key=f"{key} (jenis 'rumus' dihitung dari rumus; pakai jenis 'rasio')")
    if not spec.formula:
        if spec.include is None:  # an include that failed is reported where it failed
            ctx.problem("kind-param", "rumus", kind="rumus", key="rumus")
        return {"inputs": inputs}
    return _formula(spec.formula, spec, ctx, inputs)


INDEX_FROM = tuple(IndexSource)
INDEX_METHODS = {IndexMethod.WEIGHTED_MEAN: "weighted mean", IndexMethod.WEIGHTED_GEOMETRIC: "weighted geometric mean"}


def _build_index(spec: NodeSpec, ctx: Ctx) -> dict[str, Any]:
    if spec.equal_weights:
        comps = list(spec.indicators)
        weights = [1.0] * len(comps)
        if any(c.weight is not None for c in comps):
            ctx.problem(
                "wrong-type", "bobot_sama", key="bobot_sama", detail="bobot_sama = true tetapi komponen memberi bobot"
            )
    else:
        comps = [c for c in spec.indicators if c.weight is not None]
        weights = [float(c.weight) for c in comps if c.weight is not None]
        bad = [c for c in comps if c.weight is not None and (not math.isfinite(c.weight) or c.weight < 0)]
        for c in bad:
            ctx.problem("bad-weight", "indikator", id=c.id, weight=str(c.weight))
        if bad:
            return {}
        total = sum(weights)
        if comps and abs(total - 100) > 1e-6:
            ctx.problem("weights-sum", "indikator", total=float(total))
    if not comps:
        ctx.problem("index-no-components", "indikator")
        return {}
    src: str = parse(IndexSource, spec.index_from or IndexSource.ACHIEVEMENT) or spec.index_from or ""
    if src not in INDEX_FROM:
        _unknown_choice(ctx, "dari", src, INDEX_FROM)
    method: str = parse(IndexMethod, spec.index_method or IndexMethod.WEIGHTED_MEAN) or spec.index_method or ""
    if method not in INDEX_METHODS:
        _unknown_choice(ctx, "metode", method, INDEX_METHODS)
    return {
        "refs": tuple(c.id for c in comps),
        "weights": tuple(weights),
        "formula_text": index_display(src, method, [c.id for c in comps], weights, bool(spec.cap_contribution)),
        "index_from": src,
        "index_method": method,
        "cap_contribution": bool(spec.cap_contribution),
        "min_coverage": _min_coverage(spec, ctx),
    }


def index_display(src: str, method: str, ids: list[str], weights: list[float], cap: bool) -> str:
    """What an index computes, for display only (`explain`, `catalogue`, `diff`): rendered from a syntax tree,
    e.g. `(50 * capaian(iku_a) + 50 * min(capaian(iku_b), 100)) / 100`, with the exact weights and the
    contribution cap. The number itself comes from `evaluate._weighted_mean` (one function for both paths),
    which also leaves out and reweights components without a value (shown in the trace)."""

    def num(x: float) -> ast.expr:
        return ast.Constant(int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x))

    def part(node_id: str) -> ast.expr:
        value: ast.expr = ast.Call(ast.Name(src, ast.Load()), [ast.Name(node_id, ast.Load())], [])
        return ast.Call(ast.Name("min", ast.Load()), [value, num(100)], []) if cap else value

    total = num(sum(weights))
    pairs = list(zip(ids, weights, strict=True))
    terms: list[ast.expr]
    if method == IndexMethod.WEIGHTED_GEOMETRIC:
        terms = [ast.BinOp(part(i), ast.Pow(), ast.BinOp(num(w), ast.Div(), total)) for i, w in pairs]
        tree = functools.reduce(lambda a, b: ast.BinOp(a, ast.Mult(), b), terms)
    else:
        terms = [ast.BinOp(num(w), ast.Mult(), part(i)) for i, w in pairs]
        tree = ast.BinOp(functools.reduce(lambda a, b: ast.BinOp(a, ast.Add(), b), terms), ast.Div(), total)
    return ast.unparse(tree)


def _min_coverage(spec: NodeSpec, ctx: Ctx) -> float | None:
    """`cakupan_minimal`: a share of the weight in %, 0..100."""
    m = spec.min_coverage
    if m is not None and not (math.isfinite(m) and 0 <= m <= 100):
        ctx.problem("wrong-type", "cakupan_minimal", key="cakupan_minimal", detail=f"{m:g} (0..100 % bobot)")
        return None
    return None if m is None else float(m)


def _tables(spec: NodeSpec, ctx: Ctx) -> dict[str, StepTable]:
    out = dict(ctx.tables)
    for name, steps in (spec.tables or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in RESERVED or name in (spec.inputs or {}):
            ctx.problem("bad-id", f"tabel.{name}", id=name)
            continue
        if not steps:
            ctx.problem("missing-key", f"tabel.{name}", key="nilai")
            continue
        out[name] = StepTable(name, tuple(steps))
    return out


KINDS: dict[str, KindDef] = {
    "jumlah": KindDef(Mode.DIRECT, "jumlah", build=_build_direct),
    "langsung": KindDef(Mode.DIRECT, "tetap", build=_build_direct),
    "persentase_kumulatif": KindDef(Mode.DIRECT, "kumulatif", unit="persen", build=_build_direct),
    "batas": KindDef(Mode.DIRECT, "batas", polarity="negatif", build=_build_direct),
    "rasio": KindDef(Mode.FORMULA, "jumlah", unit="persen", build=_build_ratio),
    "rumus": KindDef(Mode.FORMULA, "tetap", build=_build_formula),
    "indeks": KindDef(Mode.INDEX, "tetap", unit="persen", build=_build_index),
}


# ------------------------------------------------------------------------------------------- compile


@dataclass(frozen=True)
class IncludedFile:
    """Goals of one file of an included rule set, to graft under the including node."""

    name: str
    file: str
    goals: tuple[NodeSpec, ...]


@dataclass
class _Raw:
    spec: NodeSpec
    level: str
    file: str
    path: str
    parent: str | None
    depth: int
    ancestors: tuple[NodeSpec, ...] = ()
    included_from: str | None = None


def flatten(
    files: list[tuple[str, list[NodeSpec]]], includes: Mapping[str, tuple[IncludedFile, ...]] | None = None
) -> list[_Raw]:
    """Every node of every goal file in document order (file order, then order within the file).

    `includes` maps the id of a node with `sertakan` to the files of the rule set grafted under it.
    """
    includes = includes or {}
    out: list[_Raw] = []

    def walk(
        spec: NodeSpec,
        level: str,
        file: str,
        path: str,
        parent: str | None,
        depth: int,
        ancestors: tuple[NodeSpec, ...],
        included: str | None,
    ) -> None:
        out.append(_Raw(spec, level, file, path, parent, depth, ancestors, included))
        below = (*ancestors, spec)
        groups = [("indikator", spec.indicators), ("langkah_aksi", spec.steps)]
        for key, kids in reversed(groups) if spec.steps_first else groups:
            for i, c in enumerate(kids):
                walk(c, key, file, f"{path}.{key}[{i}]", spec.id, depth + 1, below, included)
        for inc in includes.get(spec.id, ()):
            for gi, g in enumerate(inc.goals):
                walk(g, "sasaran", inc.file, f"sasaran[{gi}]", spec.id, depth + 1, below, inc.name)

    for file, goals in files:
        for i, g in enumerate(goals):
            walk(g, "sasaran", file, f"sasaran[{i}]", None, 0, (), None)
    return out


def compile_nodes(
    files: list[tuple[str, list[NodeSpec]]],
    units: Units,
    profile: Profile,
    periods: tuple[str, ...],
    includes: Mapping[str, tuple[IncludedFile, ...]] | None = None,
    include_results: Mapping[str, str] | None = None,
) -> tuple[list[Node], list[str], list[Problem]]:
    """Compile all nodes; returns nodes in document order, evaluation order, and problems.

    `include_results` maps a node with `sertakan` to the result node of the included rule set: unless the
    node writes its own `rumus`, its realisasi is that node's.
    """
    problems: list[Problem] = []
    raws = flatten(files, includes)
    seen: dict[str, _Raw] = {}
    for r in raws:
        nid = r.spec.id
        if not ID_RE.match(nid) or nid in RESERVED:
            problems.append(Problem("bad-id", "error", r.file, nid, f"{r.path}.id", {"id": nid}))
        if nid in seen:
            o = seen[nid]
            problems.append(
                Problem(
                    "duplicate-id", "error", r.file, nid, f"{r.path}.id", {"id": nid, "other": f"{o.file} {o.path}"}
                )
            )
        else:
            seen[nid] = r
    ids = set(seen)
    nodes: list[Node] = []
    for r in raws:
        default = (include_results or {}).get(r.spec.id)
        if default and not r.spec.formula:
            r.spec = r.spec.model_copy(update={"formula": default, "kind": r.spec.kind or "rumus"})
        node = _compile_node(r, units, profile, periods, ids, problems)
        if node is not None:
            nodes.append(node)
    by_id = {n.id: n for n in nodes}
    # weights belong to index components only
    for n in nodes:
        if n.weight is not None and (
            n.parent is None or by_id.get(n.parent) is None or by_id[n.parent].mode != Mode.INDEX
        ):
            problems.append(Problem("weight-outside-index", "error", n.file, n.id, f"{n.path}.bobot", {}))
    # unit check of formulas, once
    for n in nodes:
        if n.formula is None:
            continue
        names_units = {k: v.unit for k, v in n.inputs.items()}
        for ref in n.refs:
            if ref in by_id and by_id[ref].unit_obj is not None:
                names_units[ref] = by_id[ref].unit_obj
        if not all(name in names_units for name in n.formula.names):
            continue
        # a composed formula (rasio): each part at the key it was written under, then the whole at the node
        whole = n.path if n.formula_parts else f"{n.path}.rumus"
        checks = [(f"{n.path}.{key}", part) for key, part in n.formula_parts] + [(whole, n.formula)]
        got = None
        for at, f in checks:
            try:
                got = formula_unit(f, names_units)
            except UnitMixError as e:
                args = {"what": e.what, "what_id": e.what_id, "a": e.a, "b": e.b}
                problems.append(Problem("formula-unit-mix", "error", n.file, n.id, at, args))
                break
        else:
            want = n.unit_obj
            ok = (got is None and want.dimensionless) or (got is not None and units.compatible(got, want))
            if not ok:
                problems.append(
                    Problem(
                        "ratio-unit" if n.formula_parts else "formula-unit",
                        "error",
                        n.file,
                        n.id,
                        whole,
                        {"got": Units.label(got) if got is not None else "tanpa satuan", "want": n.unit},
                    )
                )
    order = _order(nodes, problems)
    return nodes, order, problems


def _order(nodes: list[Node], problems: list[Problem]) -> list[str]:
    graph = {n.id: set(n.refs) for n in nodes}
    by_id = {n.id: n for n in nodes}
    ts = graphlib.TopologicalSorter(graph)
    try:
        return list(ts.static_order())
    except graphlib.CycleError as e:
        cycle = e.args[1]
        first = by_id.get(cycle[0])
        problems.append(
            Problem(
                "cycle",
                "error",
                first.file if first else "",
                cycle[0],
                f"{first.path}.rumus" if first else "",
                {"path": " → ".join(cycle)},
            )
        )
        return [n.id for n in nodes]


def _written(
    value: Any, key: str, ctx: Ctx, unit: Any, unit_label: str, target_units: list[tuple[str, str]]
) -> tuple[float | None, str]:
    try:
        w = parse_written(value)
    except NumberFormatError as e:
        ctx.problem("bad-number", key, text=str(value), detail=f": {e.detail}")
        return None, str(value)
    v = w.value
    if w.unit and v is not None and unit is not None:
        try:
            wu = ctx.units.parse(w.unit)
        except ValueError:
            wu = None
        if wu is not None and ctx.units.compatible(wu, unit):
            v = ctx.units.convert(v, wu, unit)
        else:
            target_units.append((key, w.unit))
    return v, w.text


def _node_tables(r: _Raw, units: Units, ids: set[str], ctx: Ctx) -> dict[str, StepTable]:
    """The step tables the node sees: its ancestors' (problems reported where they are written), then its own."""
    for anc in r.ancestors:
        ctx.tables = _tables(anc, Ctx(units, r.file, anc.id, r.path, [], ids, ctx.tables))
    return _tables(r.spec, ctx)


def _node_kind(r: _Raw, ctx: Ctx) -> tuple[str | None, KindDef | None, Mode] | None:
    """(kind name, its definition, mode): a sasaran without target, formula or kind is a group (no kind);
    otherwise `jumlah` unless written. None (reported) for an unknown kind."""
    s = r.spec
    has_target = s.target is not None or s.period_targets is not None
    kind_name = s.kind or ("jumlah" if (r.level != "sasaran" or has_target or s.formula) else None)
    if kind_name is None:
        return None, None, Mode.GROUP
    if kind_name not in KINDS:
        _unknown_choice(ctx, "jenis", kind_name, KINDS)
        return None
    kdef = KINDS[kind_name]
    return kind_name, kdef, kdef.mode


def _node_unit(r: _Raw, kdef: KindDef | None, mode: Mode, ctx: Ctx) -> tuple[Any, str]:
    """The node's unit (written, the kind's, or `giat`; `giat` after a reported problem) and its display label
    (none for a group that writes no unit)."""
    s, units = r.spec, ctx.units
    unit_text = s.unit or (kdef.unit if kdef else None) or "giat"
    try:
        unit_obj = units.parse(unit_text)
    except UnitTextError as e:
        ctx.problems.append(e.problem(r.file, s.id, f"{r.path}.satuan"))
        unit_obj = units.parse("giat")
    except ValueError:
        ctx.problems.append(
            Problem(
                "unknown-unit",
                "error",
                r.file,
                s.id,
                f"{r.path}.satuan",
                {"unit": unit_text},
                suggestions=close_matches(unit_text.lower(), units.names()),
            )
        )
        unit_obj = units.parse("giat")
    return unit_obj, units.label_of(unit_obj) if mode != Mode.GROUP or s.unit else ""


def _node_period_rules(s: NodeSpec, kdef: KindDef | None, ctx: Ctx) -> tuple[str, str]:
    """(sifat_periode, agregasi): written, else the kind's and the semantics' own; a default after a problem."""
    semantics = s.semantics or (kdef.semantics if kdef else "jumlah")
    if semantics not in SEMANTICS:
        _unknown_choice(ctx, "sifat_periode", semantics, SEMANTICS)
        semantics = "jumlah"
    aggregation = s.aggregation or SEMANTICS[semantics]
    if aggregation not in AGGREGATIONS:
        _unknown_choice(ctx, "agregasi", aggregation, AGGREGATIONS)
        aggregation = SEMANTICS[semantics]
    return semantics, aggregation


def _node_polarity(s: NodeSpec, kdef: KindDef | None, ctx: Ctx) -> Polarity:
    """The polarity written (either language), else the kind's; positive after a reported problem."""
    pol_text = s.polarity or (kdef.polarity if kdef else "positif")
    polarity = POLARITY_WORDS.get(pol_text)
    if polarity is None:
        _unknown_choice(ctx, "polaritas", pol_text, ("positif", "negatif"))
        polarity = Polarity.POSITIVE
    return polarity


def _node_target(
    s: NodeSpec, ctx: Ctx, unit_obj: Any, unit_label: str, target_units: list[tuple[str, str]]
) -> tuple[float | tuple[float, float] | None, str | None]:
    """The annual target (a number or a [low, high] range, converted to the node's unit) and its text."""
    target: float | tuple[float, float] | None = None
    target_text: str | None = None
    if isinstance(s.target, list):
        if len(s.target) != 2:
            ctx.problem("wrong-type", "target", key="target", detail="rentang ditulis [bawah, atas]")
        else:
            lo, t1 = _written(s.target[0], "target[0]", ctx, unit_obj, unit_label, target_units)
            hi, t2 = _written(s.target[1], "target[1]", ctx, unit_obj, unit_label, target_units)
            if lo is not None and hi is not None:
                target = (min(lo, hi), max(lo, hi))
            target_text = f"{t1} – {t2}"
    elif s.target is not None:
        v, target_text = _written(s.target, "target", ctx, unit_obj, unit_label, target_units)
        target = v
    return target, target_text


def _node_period_targets(
    s: NodeSpec,
    periods: tuple[str, ...],
    ctx: Ctx,
    unit_obj: Any,
    unit_label: str,
    target_units: list[tuple[str, str]],
) -> tuple[dict[str, float | None], dict[str, str]]:
    """`target_tw`: per period, the target (None when not written) and its text."""
    pt: dict[str, float | None] = {p: None for p in periods}
    ptt: dict[str, str] = {p: "" for p in periods}
    if s.period_targets is not None:
        if len(s.period_targets) != len(periods):
            ctx.problem("period-count", "target_tw", got=len(s.period_targets), want=len(periods))
        for i, (p, raw) in enumerate(zip(periods, s.period_targets, strict=False)):
            v, txt = _written(raw, f"target_tw[{i}]", ctx, unit_obj, unit_label, target_units)
            pt[p], ptt[p] = v, txt
    return pt, ptt


def _node_provenance(s: NodeSpec, parts: Mapping[str, Any]) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    """The node's sources and assumptions (its own, then its inputs')."""
    source: dict[str, str] = {}
    if isinstance(s.source, str):
        source["simpul"] = s.source
    elif isinstance(s.source, dict):
        source.update(s.source)
    assumptions: list[tuple[str, str, str | None]] = []
    if isinstance(s.assumptions, str):
        assumptions.append(("simpul", s.assumptions, None))
    elif s.assumptions:
        assumptions.extend((a.key, a.reason, a.basis) for a in s.assumptions)
    for name, inp in parts.get("inputs", {}).items():
        if inp.assumption:
            assumptions.append((f"masukan.{name}", inp.assumption, inp.source))
    return source, assumptions


def _check_per_period(s: NodeSpec, mode: Mode, kind_name: str | None, parts: Mapping[str, Any], ctx: Ctx) -> None:
    """`hitung_per_periode` applies to a formula that reads no other node."""
    if s.per_period and mode != Mode.FORMULA:
        ctx.problem("per-period", "hitung_per_periode", kind=kind_name or "-")
    elif s.per_period and parts.get("refs"):
        ctx.problem("per-period-refs", "hitung_per_periode", refs=", ".join(parts["refs"]))


def _node_scoring(r: _Raw, profile: Profile, problems: list[Problem]) -> tuple[Profile, NegativeMethod | None]:
    """The node's profile (the plan's, with `penilaian` overrides; their problems at the node's path) and its
    negative method (None: the profile's)."""
    s = r.spec
    node_profile = profile
    if s.scoring:
        node_profile, probs = profile.with_overrides(s.scoring, r.file, s.id)
        problems.extend(
            p if p.path.startswith(r.path) else Problem(**{**p.__dict__, "path": f"{r.path}.{p.path}"}) for p in probs
        )
    method = None
    if s.scoring and "metode_negatif" in s.scoring:
        method = NEGATIVE_METHOD_WORDS.get(str(s.scoring["metode_negatif"]))
    return node_profile, method


def _compile_node(
    r: _Raw, units: Units, profile: Profile, periods: tuple[str, ...], ids: set[str], problems: list[Problem]
) -> Node | None:
    """One node from its spec, in named steps, each reporting its problems in this order: step tables, kind
    (and the kind's parts), unit, period rules, polarity, targets, provenance, per-period use, scoring."""
    s = r.spec
    ctx = Ctx(units, r.file, s.id, r.path, problems, ids)
    ctx.tables = _node_tables(r, units, ids, ctx)
    kind = _node_kind(r, ctx)
    if kind is None:
        return None
    kind_name, kdef, mode = kind
    parts = kdef.build(s, ctx) if kdef and kdef.build else {}
    unit_obj, unit_label = _node_unit(r, kdef, mode, ctx)
    semantics, aggregation = _node_period_rules(s, kdef, ctx)
    polarity = _node_polarity(s, kdef, ctx)
    target_units: list[tuple[str, str]] = []
    target, target_text = _node_target(s, ctx, unit_obj, unit_label, target_units)
    pt, ptt = _node_period_targets(s, periods, ctx, unit_obj, unit_label, target_units)
    source, assumptions = _node_provenance(s, parts)
    _check_per_period(s, mode, kind_name, parts, ctx)
    node_profile, method = _node_scoring(r, profile, problems)

    return Node(
        id=s.id,
        level=r.level,
        name=" ".join(s.name.split()),
        kind=kind_name,
        number=s.number,
        unit=unit_label,
        target=target,
        target_text=target_text,
        period_targets=pt,
        period_targets_text=ptt,
        semantics=semantics,
        aggregation=aggregation,
        polarity=polarity,
        owner=s.owner,
        remarks=s.remarks,
        source=source,
        assumptions=tuple(assumptions),
        children=tuple(
            [c.id for c in s.steps] + [c.id for c in s.indicators]
            if s.steps_first
            else [c.id for c in s.indicators] + [c.id for c in s.steps]
        ),
        parent=r.parent,
        depth=r.depth,
        file=r.file,
        path=r.path,
        mode=mode,
        formula=parts.get("formula"),
        formula_text=parts.get("formula_text"),
        formula_parts=parts.get("formula_parts", ()),
        inputs=parts.get("inputs", {}),
        refs=tuple(parts.get("refs", ())),
        weights=tuple(parts.get("weights", ())),
        weight=s.weight,
        index_from=parts.get("index_from", IndexSource.ACHIEVEMENT),
        index_method=parts.get("index_method", IndexMethod.WEIGHTED_MEAN),
        per_period=bool(s.per_period),
        cap_contribution=parts.get("cap_contribution", False),
        max_target=bool(s.max_target),
        profile=node_profile,
        method=method,
        unit_obj=unit_obj,
        target_units=tuple(target_units),
        tables=ctx.tables,
        included_from=r.included_from,
        min_coverage=parts.get("min_coverage"),
    )
