"""Evaluate and aggregate phases: bound realisasi → target, realisasi, capaian, nilai, predikat per node.

Stateless: `score_plan` reads the compiled plan and the bound values and returns new results; nothing is
mutated, so one plan can be scored from many threads. A node that cannot be computed gets a status and a
reason; nodes that depend on it say so; every other node is scored as usual.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .compiler import Node
from .data import Value
from .periods import AGGREGATIONS, TARGET_FROM_QUARTERS, Period, months_of
from .profile import ScoringError
from .result import NodeResult

if TYPE_CHECKING:
    from .plan import Plan

REASONS: dict[str, tuple[str, str]] = {
    "no-data": ("realisasi {periods} belum ada", "no realisasi for {periods}"),
    "no-target": ("tidak ada target untuk periode {period}", "no target for period {period}"),
    "group": ("sasaran tanpa target sendiri", "goal without a target of its own"),
    "dep": ("bergantung pada '{dep}' yang {status}", "depends on '{dep}' which is {status}"),
    "no-components": ("tidak ada komponen indeks yang bernilai", "no index component has a value"),
    "error": ("tidak dapat dihitung: {detail}", "cannot be computed: {detail}"),
}
STATUS_WORDS = {
    "id": {"no_data": "belum ada data", "no_target": "tanpa target", "error": "gagal dihitung", "scored": "dinilai"},
    "en": {"no_data": "without data", "no_target": "without a target", "error": "not computable", "scored": "scored"},
}


class _NotScored(Exception):
    def __init__(self, state: str, code: str, **args: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.args_ = state, code, args


def _reason(lang: str, code: str, **args: Any) -> str:
    t = REASONS[code][1 if lang == "en" else 0]
    return t.format(**args)


def with_targets(node: Node, overrides: Mapping[tuple[str, str], float]) -> Node:
    """`node` with a unit's own targets: `overrides` maps (node id, period or "TAHUN") to a number."""
    pt = {p: overrides.get((node.id, p), v) for p, v in node.period_targets.items()}
    changes: dict[str, Any] = {}
    if pt != node.period_targets:
        changes["period_targets"] = pt
        changes["period_targets_text"] = {
            p: (f"{pt[p]:g}" if (node.id, p) in overrides else t) for p, t in node.period_targets_text.items()
        }
    annual = overrides.get((node.id, "TAHUN"))
    if annual is not None:
        changes["target"] = annual
        changes["target_text"] = f"{annual:g}"
    return replace(node, **changes) if changes else node


def period_target_value(node: Node, period: Period) -> Any:
    """The target of `node` for `period` (fast path of `period_target`, same rules, no trace step)."""
    pt = node.period_targets
    if period.kind == "single":
        return pt[period.members[0]]
    if period.kind == "year" and node.target is not None:
        return node.target
    present = [v for p in period.members if (v := pt[p]) is not None]
    if not present:
        return None
    how = TARGET_FROM_QUARTERS[node.semantics]
    if how == "terakhir" and pt[period.members[-1]] is None:
        return None
    return AGGREGATIONS[how][1](present)


def period_target(node: Node, period: Period, year_periods: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    """The target of `node` for `period`, and a trace step saying where it came from."""
    pt = node.period_targets
    if period.kind == "single":
        p = period.members[0]
        return pt[p], {
            "step": "target",
            "value": pt[p],
            "from": f"target_tw {p}",
            "written": node.period_targets_text[p],
        }
    if period.kind == "year" and node.target is not None:
        t = node.target
        return t, {
            "step": "target",
            "value": list(t) if isinstance(t, tuple) else t,
            "from": "target",
            "written": node.target_text,
        }
    present: list[tuple[str, float]] = [(p, v) for p in period.members if (v := pt[p]) is not None]
    if not present:
        return None, {"step": "target", "value": None, "from": "target_tw"}
    how = TARGET_FROM_QUARTERS[node.semantics]
    if how == "terakhir" and pt[period.members[-1]] is None:
        return None, {"step": "target", "value": None, "from": f"target_tw {period.members[-1]}"}
    value = AGGREGATIONS[how][1]([v for _, v in present])
    return value, {
        "step": "target",
        "value": value,
        "from": f"target_tw {', '.join(p for p, _ in present)}",
        "rule": f"{node.semantics}: {AGGREGATIONS[how][0]}",
        "derived": True,
    }


def _required(node: Node, period: Period) -> tuple[str, ...]:
    """The periods whose realisasi must be present: those with a target (all, when none has one)."""
    if period.kind == "single":
        return period.members
    if AGGREGATIONS[node.aggregation][0] == "last":
        return (period.members[-1],)
    withtarget = tuple(p for p in period.members if node.period_targets[p] is not None)
    return withtarget or period.members


def _series(
    key: str,
    members: tuple[str, ...],
    required: tuple[str, ...],
    values: Mapping[tuple[str, str], Value],
    fixed: float | None,
    traced: bool = True,
) -> tuple[list[float], list[dict[str, Any]], list[str]]:
    xs: list[float] = []
    sources: list[dict[str, Any]] = []
    missing: list[str] = []
    for p in members:
        v = values.get((key, p))
        if v is None:
            if p in required:
                if fixed is not None:
                    xs.append(fixed)
                    if traced:
                        sources.append({"period": p, "value": fixed, "source": "nilai tetap (aturan)"})
                else:
                    missing.append(p)
            continue
        xs.append(v.value)
        if traced:
            s = {"period": p, "value": v.value, "source": f"{v.file} baris {v.row}", "written": v.written}
            if v.recorded:
                s["recorded"] = v.recorded
            sources.append(s)
    return xs, sources, missing


def _aggregate(how: str, xs: list[float]) -> float:
    return AGGREGATIONS[how][1](xs)


def score_plan(
    plan: Plan,
    values: Mapping[tuple[str, str], Value],
    period: Period,
    targets: Mapping[tuple[str, str], float] | None = None,
    lang: str | None = None,
) -> dict[str, NodeResult]:
    """Score every node of `plan` for `period` from bound `values`; results keyed by node id.

    `targets` optionally overrides targets per (node id, period or "TAHUN"), for a unit with its own;
    `lang` chooses the language of predikat and reasons (default: the plan's).
    """
    lang = lang or plan.language
    by_id = plan.by_id
    results: dict[str, NodeResult] = {}
    direct = None if targets else _direct_plan(plan, period)
    group_reason = _reason(lang, "group")
    for nid in plan.order:
        node = by_id[nid]
        if node.mode == "group":
            results[nid] = NodeResult(nid, None, None, None, None, None, "no_target", group_reason, node.unit, ())
            continue
        if direct is not None and nid in direct:
            # the commonest case, a reported figure with a target, without the general machinery; anything
            # unusual (missing data, a scoring error) goes to the general path below for its status and reason
            target, required, aggregate, scorer = direct[nid]
            if target is None:
                # nothing to score against; the realisasi is still shown when every needed period has one
                xs = [v.value for p in period.members if (v := values.get((nid, p))) is not None]
                shown = aggregate(xs) if xs and all((nid, p) in values for p in required) else None
                reason = _reason(lang, "no-target", period=period.label)
                results[nid] = NodeResult(
                    nid,
                    None,
                    shown,
                    None,
                    None,
                    None,
                    "no_target",
                    reason,
                    node.unit,
                    None,
                    _lazy(node, plan, values, period, results, lang),
                )
                continue
            xs = []
            complete = True
            for p in period.members:
                v = values.get((nid, p))
                if v is not None:
                    xs.append(v.value)
                elif p in required:
                    complete = False
                    break
            if complete and xs:
                actual = aggregate(xs)
                try:
                    ach, score, grade = scorer(lang)(target, actual)
                except (ScoringError, ArithmeticError, ValueError):
                    pass
                else:
                    results[nid] = NodeResult(
                        nid,
                        target,
                        actual,
                        ach,
                        score,
                        grade,
                        "scored",
                        "",
                        node.unit,
                        None,
                        _lazy(node, plan, values, period, results, lang),
                    )
                    continue
        results[nid] = _score_node(node, plan, values, period, results, lang, targets)
    return results


def _direct_plan(plan: Plan, period: Period) -> dict[str, tuple[Any, tuple[str, ...], Any, Any]]:
    """Per reported node with a target in `period`: target, periods needing data, aggregation, scorer.

    Worked out once per plan and period (plans are immutable), reused for every unit scored.
    """
    cache = plan.__dict__.setdefault("_direct_cache", {})
    found = cache.get(period.label)
    if found is None:
        found = {}
        for node in plan.nodes:
            if node.mode != "direct" or node.profile is None:
                continue
            target = period_target_value(node, period)
            prof, pol, meth, mt = node.profile, node.polarity, node.method, node.max_target
            found[node.id] = (
                target,
                _required(node, period),
                AGGREGATIONS[node.aggregation][1],
                lambda lang, prof=prof, pol=pol, meth=meth, mt=mt: prof.scorer(pol, meth, mt, lang),
            )
        cache[period.label] = found
    return found


def _lazy(
    node: Node,
    plan: Plan,
    values: Mapping[tuple[str, str], Value],
    period: Period,
    results: Mapping[str, NodeResult],
    lang: str,
) -> Any:
    return lambda: _score_node(node, plan, values, period, results, lang, None, True).trace


def _score_node(
    node: Node,
    plan: Plan,
    values: Mapping[tuple[str, str], Value],
    period: Period,
    results: Mapping[str, NodeResult],
    lang: str,
    targets: Mapping[tuple[str, str], float] | None = None,
    traced: bool = False,
) -> NodeResult:
    """Score one node. Untraced, the result's trace is recomputed on first access (same inputs, same steps)."""
    if targets:
        node = with_targets(node, targets)
    if node.mode == "group":
        return NodeResult(node.id, None, None, None, None, None, "no_target", _reason(lang, "group"), node.unit, ())
    trace: list[dict[str, Any]] | None = [] if traced else None
    if trace is not None:
        target, tstep = period_target(node, period, plan.periods)
        trace.append(tstep)
    else:
        target = period_target_value(node, period)

    def result(
        nid: str, tgt: Any, act: float | None, ach: float | None, sc: float | None, gr: str | None, st: str, why: str
    ) -> NodeResult:
        if trace is not None:
            return NodeResult(nid, tgt, act, ach, sc, gr, st, why, node.unit, tuple(trace))
        return NodeResult(
            nid, tgt, act, ach, sc, gr, st, why, node.unit, None, _lazy(node, plan, values, period, results, lang)
        )

    actual: float | None = None
    if target is None:
        # nothing to score against: say so, and still show the realisasi when it can be computed
        try:
            actual = _actual(node, period, values, results, trace, lang)
        except (_NotScored, ScoringError, ArithmeticError, ValueError):
            actual = None
        return result(
            node.id, None, actual, None, None, None, "no_target", _reason(lang, "no-target", period=period.label)
        )
    prof = node.profile
    assert prof is not None
    try:
        actual = _actual(node, period, values, results, trace, lang)
        if trace is not None:
            ach, steps = prof.achievement_traced(target, actual, node.polarity, node.method)
            trace.extend(steps)
            score, ssteps = prof.score_traced(ach, node.max_target)
            trace.extend(ssteps)
            gsource = score if prof.spec.grades.of == "nilai" else ach
            grade = prof.grade(gsource if gsource is not None else ach, lang)
            trace.append({"step": "grade", "of": prof.spec.grades.of, "value": grade, "profile": prof.id})
        else:
            ach, score, grade = prof.scorer(node.polarity, node.method, node.max_target, lang)(target, actual)
        return result(node.id, target, actual, ach, score, grade, "scored", "")
    except _NotScored as e:
        return result(node.id, target, actual, None, None, None, e.status, _reason(lang, e.code, **e.args_))
    except (ScoringError, ArithmeticError, ValueError) as e:
        detail = str(e) or type(e).__name__
        if isinstance(e, ZeroDivisionError):
            detail = "pembagian dengan nol" if lang != "en" else "division by zero"
        if trace is not None:
            trace.append({"step": "error", "detail": detail})
        return result(node.id, target, actual, None, None, None, "error", _reason(lang, "error", detail=detail))


def _actual(
    node: Node,
    period: Period,
    values: Mapping[tuple[str, str], Value],
    results: Mapping[str, NodeResult],
    trace: list[dict[str, Any]] | None,
    lang: str,
) -> float:
    required = _required(node, period)
    how = node.aggregation
    traced = trace is not None
    if node.mode == "direct":
        xs, sources, missing = _series(node.id, period.members, required, values, None, traced)
        if missing or not xs:
            raise _NotScored("no_data", "no-data", periods=", ".join(missing or period.members))
        actual = _aggregate(how, xs)
        if trace is not None:
            trace.append(
                {
                    "step": "actual",
                    "value": actual,
                    "unit": node.unit,
                    "aggregation": AGGREGATIONS[how][0],
                    "inputs": sources,
                }
            )
        return actual
    if node.mode == "formula":
        assert node.formula is not None
        if node.per_period and period.kind != "single":
            # evaluate the formula for each quarter on its own, then combine the quarterly values
            per: list[float] = []
            steps: list[dict[str, Any]] = []
            for p in period.members:
                sub = Period(p, "single", (p,))
                try:
                    v, inputs = _formula_value(node, sub, (p,), values, results, traced, lang)
                except _NotScored:
                    if p in required:
                        raise
                    continue
                per.append(v)
                if traced:
                    steps.append({"period": p, "value": v, "inputs": inputs})
            if not per:
                raise _NotScored("no_data", "no-data", periods=", ".join(period.members))
            actual = _aggregate(how, per)
            if trace is not None:
                trace.append(
                    {
                        "step": "actual",
                        "formula": node.formula.text,
                        "per_period": steps,
                        "aggregation": AGGREGATIONS[how][0],
                        "value": actual,
                        "unit": node.unit,
                    }
                )
            return actual
        actual, inputs = _formula_value(node, period, required, values, results, traced, lang)
        if trace is not None:
            trace.append(
                {"step": "actual", "formula": node.formula.text, "inputs": inputs, "value": actual, "unit": node.unit}
            )
        return actual
    if node.mode == "index":
        return _index(node, results, trace)
    raise _NotScored("no_target", "group")


def _formula_value(
    node: Node,
    period: Period,
    required: tuple[str, ...],
    values: Mapping[tuple[str, str], Value],
    results: Mapping[str, NodeResult],
    traced: bool,
    lang: str,
) -> tuple[float, list[dict[str, Any]]]:
    """The formula over the period's inputs (each aggregated by its own rule) and the other nodes it reads."""
    assert node.formula is not None
    how = node.aggregation
    env: dict[str, float] = {}
    inputs: list[dict[str, Any]] = []
    for name, inp in node.inputs.items():
        if name not in node.formula.names:
            continue
        ihow = inp.aggregation or how
        key = f"{node.id}.{name}"
        members, req = (months_of(period.members), months_of(required)) if inp.monthly else (period.members, required)
        if inp.value is not None and not any((key, p) in values for p in members):
            # a fixed value from the rules is a level, not a per-period amount: used once, as is
            env[name] = inp.value
            if traced:
                inputs.append(
                    {
                        "name": name,
                        "value": inp.value,
                        "unit": inp.unit_label,
                        "fixed": True,
                        "source": inp.source,
                        "assumption": inp.assumption,
                    }
                )
            continue
        xs, sources, missing = _series(key, members, req, values, inp.value, traced)
        if missing or not xs:
            raise _NotScored("no_data", "no-data", periods=f"{key} " + ", ".join(missing or members))
        env[name] = _aggregate(ihow, xs)
        if traced:
            inputs.append(
                {
                    "name": name,
                    "value": env[name],
                    "unit": inp.unit_label,
                    "aggregation": AGGREGATIONS[ihow][0],
                    "values": sources,
                    "source": inp.source,
                    "assumption": inp.assumption,
                }
            )
    for ref in node.refs:
        r = results[ref]
        if r.actual is None:
            raise _NotScored(
                "no_data" if r.status != "error" else "error",
                "dep",
                dep=ref,
                status=STATUS_WORDS[lang if lang == "en" else "id"][r.status],
            )
        env[ref] = r.actual
        if traced:
            inputs.append({"name": ref, "value": r.actual, "unit": r.unit, "source": f"realisasi {ref}"})
    return node.formula.evaluate(env), inputs


def _index(node: Node, results: Mapping[str, NodeResult], trace: list[dict[str, Any]] | None) -> float:
    comps: list[dict[str, Any]] = []
    used: list[tuple[float, float]] = []
    used_ids: list[str] = []
    dropped: list[str] = []
    for ref, w in zip(node.refs, node.weights, strict=True):
        r = results[ref]
        v = {"capaian": r.achievement, "nilai": r.score, "realisasi": r.actual}[node.index_from]
        if v is None:
            dropped.append(ref)
            comps.append({"id": ref, "weight": w, "value": None, "status": r.status, "left_out": True})
            continue
        contrib_v = min(v, 100.0) if node.cap_contribution else v
        used.append((w, contrib_v))
        used_ids.append(ref)
        comps.append({"id": ref, "weight": w, "value": v, "used": contrib_v, "capped": contrib_v != v})
    step: dict[str, Any] = {
        "step": "index",
        "of": node.index_from,
        "method": node.index_method,
        "components": comps,
        "renormalised": bool(dropped),
        "left_out": dropped,
        "cap_contribution": node.cap_contribution,
    }
    # summed in id order, so that the order components are written in never changes the last digit
    used = [u for _, u in sorted(zip(used_ids, used, strict=True))]
    den = sum(w for w, _ in used)
    if den == 0:
        if trace is not None:
            trace.append(step)
        raise _NotScored("no_data", "no-components")
    if node.index_method == "geometrik":
        if any(v < 0 for _, v in used):
            raise ValueError("geometric mean of a negative value")
        if any(v == 0 for _, v in used):
            actual = 0.0
        else:
            actual = math.exp(sum(w * math.log(v) for w, v in used) / den)
    else:
        actual = sum(w * v for w, v in used) / den
    step["weights_used"] = den
    step["value"] = actual
    if trace is not None:
        trace.append(step)
    return actual
