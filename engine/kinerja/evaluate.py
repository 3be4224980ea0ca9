"""Evaluate and aggregate phases: bound realisasi → target, realisasi, capaian, nilai, predikat per node.

Stateless: `score_plan` reads the compiled plan and the bound values and returns new results; nothing is
mutated, so one plan can be scored from many threads. A node that cannot be computed gets a status and a
reason; nodes that depend on it say so; every other node is scored as usual.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from .choices import IndexMethod, IndexSource, Mode, Status
from .compiler import Node
from .data import Value
from .periods import AGGREGATIONS, TARGET_FROM_QUARTERS, Period, months_of
from .profile import ScoringError
from .result import NodeResult

if TYPE_CHECKING:
    from .plan import Plan

# the statuses and modes as module names: a member read from its enum class costs a slow class-attribute lookup
# (Python 3.11), and these are read per node in the hot loops
SCORED, NO_DATA, NO_TARGET = Status.SCORED, Status.NO_DATA, Status.NO_TARGET
NOT_APPLICABLE, ERROR = Status.NOT_APPLICABLE, Status.ERROR
_MODE_GROUP, _MODE_DIRECT, _MODE_FORMULA, _MODE_INDEX = Mode.GROUP, Mode.DIRECT, Mode.FORMULA, Mode.INDEX
_GEOMETRIC = IndexMethod.WEIGHTED_GEOMETRIC

REASONS: dict[str, tuple[str, str]] = {
    "no-data": ("realisasi {periods} belum ada", "no realisasi for {periods}"),
    "no-target": ("tidak ada target untuk periode {period}", "no target for period {period}"),
    "group": ("sasaran tanpa target sendiri", "goal without a target of its own"),
    "dep": ("bergantung pada '{dep}' yang {status}", "depends on '{dep}' which is {status}"),
    "no-components": ("tidak ada komponen indeks yang bernilai", "no index component has a value"),
    "error": ("tidak dapat dihitung: {detail}", "cannot be computed: {detail}"),
    "low-coverage": (
        "cakupan {coverage} bobot, di bawah minimal {minimum}; tidak dinilai: {left_out}",
        "coverage {coverage} of the weight, below the minimum of {minimum}; not scored: {left_out}",
    ),
    "refused": (
        "data ditolak ({where}): {detail}; perbaiki baris itu lalu nilai ulang",
        "data refused ({where}): {detail}; correct that row and score again",
    ),
    "nil": (
        "nihil (tidak ada objek) pada {periods}: tidak berlaku",
        "nil (nothing to measure) for {periods}: not applicable",
    ),
    "nil-mixed": (
        "{key} nihil pada {nil} tetapi berangka pada {other}: tulis angka (mis. 0) atau nihil untuk semua periode",
        "{key} is nil for {nil} but has numbers for {other}: write numbers (e.g. 0) or nil for every period",
    ),
    "all-nil": ("semua komponen indeks nihil: tidak berlaku", "every index component is nil: not applicable"),
}
STATUS_WORDS: dict[str, dict[str, str]] = {
    "id": {
        NO_DATA: "belum ada data",
        NO_TARGET: "tanpa target",
        ERROR: "gagal dihitung",
        SCORED: "dinilai",
        NOT_APPLICABLE: "tidak berlaku",
    },
    "en": {
        NO_DATA: "without data",
        NO_TARGET: "without a target",
        ERROR: "not computable",
        SCORED: "scored",
        NOT_APPLICABLE: "not applicable",
    },
}
# An index is scored only when the components with a value carry at least this share (in % of the weight
# that applies) unless the node (`cakupan_minimal`) or the plan (`[rencana] cakupan_minimal`) says otherwise.
# Half: below it, the index would say more about what was not measured than about what was.
DEFAULT_MIN_COVERAGE = 50.0


def min_coverage(plan: Plan | None, node: Node) -> float:
    """The minimum coverage (% of applicable weight) of an index node: its own, else the plan's, else 50."""
    if node.min_coverage is not None:
        return float(node.min_coverage)
    meta = getattr(plan, "meta", None)
    found = getattr(meta, "min_coverage", None)
    return DEFAULT_MIN_COVERAGE if found is None else float(found)


def percent_text(share: float, lang: str) -> str:
    """A share 0..1 as "8 %" / "8,5 %" (one decimal at most, in the reader's convention)."""
    v = math.floor(share * 1000 + 1e-9) / 10  # never rounded up: 99.96 % is not shown as 100 %
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return (text if lang == "en" else text.replace(".", ",")) + " %"


def _error_detail(e: BaseException, lang: str) -> str:
    if isinstance(e, ZeroDivisionError):
        return "pembagian dengan nol" if lang != "en" else "division by zero"
    return str(e) or type(e).__name__


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


_FIXED_SOURCE = ("nilai tetap (aturan)", "fixed value (rules)")


def _series(
    key: str,
    members: tuple[str, ...],
    required: tuple[str, ...],
    values: Mapping[tuple[str, str], Value],
    fixed: float | None,
    traced: bool = True,
    lang: str = "id",
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
                        sources.append({"period": p, "value": fixed, "source": _FIXED_SOURCE[lang == "en"]})
                else:
                    missing.append(p)
            continue
        xs.append(v.value)
        if traced:
            row = "row" if lang == "en" else "baris"
            s = {"period": p, "value": v.value, "source": f"{v.file} {row} {v.row}", "written": v.written}
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
    if targets or getattr(values, "refused", None) or getattr(values, "nil", None):
        # own targets, refused rows or "nihil" cells: node by node, where each of them is looked at
        return score_plan_general(plan, values, period, targets, lang)
    source = TraceSource(plan, values, period, lang, None)
    results: dict[str, NodeResult] = {}
    get = values.get
    for step in _program(plan, period, lang):
        code, nid = step[0], step[1]
        if code == _GROUP:
            results[nid] = step[2]
            continue
        if code == _GENERAL:
            results[nid] = _score_node(plan.by_id[nid], plan, values, period, results, lang, source=source)
            continue
        # the common cases, with every rule resolved once per plan and period (see `_step`); what the fast
        # path cannot say for sure (a formula or scoring error, missing inputs of a formula or an index with a
        # target) goes to the general path, which gives the same numbers plus the status and its reason
        _, _, target, scorer, unit, why, refs, how = step  # `how`: what the node's kind needs (see `_step`)
        lazy = partial(source, deps={r: results[r] for r in refs}) if refs else source
        try:
            if code == _DIRECT:
                keys, required, aggregate = how
                xs = []
                missing = None
                for k in keys:
                    v = get(k)
                    if v is not None:
                        xs.append(v.value)
                    elif k in required:
                        if missing is None:
                            missing = []
                        missing.append(k[1])
                if missing or not xs:
                    if scorer is None:
                        raise _Missing
                    no_data = _reason(lang, "no-data", periods=", ".join(missing or [k[1] for k in keys]))
                    results[nid] = NodeResult(nid, target, None, None, None, None, NO_DATA, no_data, unit, lazy)
                    continue
                actual = aggregate(xs)
            elif code == _FORMULA:
                inputs, function = how
                args = []
                for keys, required, fixed, aggregate in inputs:
                    xs = []
                    present = False
                    for k in keys:
                        v = get(k)
                        if v is not None:
                            xs.append(v.value)
                            present = True
                        elif k in required:
                            if fixed is None:
                                raise _Missing
                            xs.append(fixed)
                    if not present and fixed is not None:
                        args.append(fixed)  # a level from the rules, used once, as is
                    elif xs:
                        args.append(aggregate(xs))
                    else:
                        raise _Missing
                for r in refs:
                    dep = results[r].actual
                    if dep is None:
                        if results[r].status in (ERROR, NOT_APPLICABLE):
                            raise _Unusual  # said as such whatever the target, by the general path
                        raise _Missing
                    args.append(dep)
                actual = function(*args)
            else:  # _INDEX
                # components: (id, weight, position in the document) in id order, as `_index` sums them
                components, of, cap, geometric, minimum = how
                used: list[tuple[float, float]] = []
                left = None
                applicable = 0.0
                for r, w, pos in components:
                    res = results[r]
                    v = getattr(res, of)
                    if v is None:
                        if res.status == NO_TARGET or res.status == NOT_APPLICABLE:
                            continue  # not part of the index for this period (as in `_index`)
                        if left is None:
                            left = []
                        left.append((pos, r))
                    else:
                        used.append((w, min(v, 100.0) if cap else v))
                    applicable += w
                den = sum(w for w, _ in used)
                if den == 0:
                    raise _Unusual
                coverage = 1.0
                left_out: tuple[str, ...] = ()
                if left is not None:
                    coverage = den / applicable
                    if coverage * 100 < minimum:
                        raise _Unusual  # not scored: the general path words the reason
                    left_out = tuple(r for _, r in sorted(left))
                actual = _weighted_mean(used, den, geometric)
                if scorer is None:
                    results[nid] = NodeResult(
                        nid, None, actual, None, None, None, NO_TARGET, why, unit, lazy, coverage, left_out
                    )
                    continue
                ach, score, grade = scorer(target, actual)
                results[nid] = NodeResult(
                    nid, target, actual, ach, score, grade, SCORED, "", unit, lazy, coverage, left_out
                )
                continue
            if scorer is None:
                results[nid] = NodeResult(nid, None, actual, None, None, None, NO_TARGET, why, unit, lazy)
                continue
            ach, score, grade = scorer(target, actual)
            results[nid] = NodeResult(nid, target, actual, ach, score, grade, SCORED, "", unit, lazy)
            continue
        except _Missing:
            if scorer is None:
                # nothing to score against and no data to compute the realisasi from: shown as no target
                results[nid] = NodeResult(nid, None, None, None, None, None, NO_TARGET, why, unit, lazy)
                continue
        except (_Unusual, ScoringError, ArithmeticError, ValueError):
            pass  # errors are errors whatever the target: the general path says which, and why
        results[nid] = _score_node(plan.by_id[nid], plan, values, period, results, lang, source=source)
    return results


def score_plan_general(
    plan: Plan,
    values: Mapping[tuple[str, str], Value],
    period: Period,
    targets: Mapping[tuple[str, str], float] | None = None,
    lang: str | None = None,
) -> dict[str, NodeResult]:
    """`score_plan` node by node through the general path only: for units with their own targets, and the
    reference the fast path is tested against (same results, reasons and traces)."""
    lang = lang or plan.language
    source = TraceSource(plan, values, period, lang, targets)
    results: dict[str, NodeResult] = {}
    for nid in plan.order:
        results[nid] = _score_node(plan.by_id[nid], plan, values, period, results, lang, targets, source=source)
    return results


class _Unusual(Exception):
    """Raised inside the fast path of `score_plan`: the node goes to the general path."""


class _Missing(_Unusual):
    """Raised inside the fast path: data the node needs is missing (no error, nothing refused or "nihil")."""


_GROUP, _DIRECT, _FORMULA, _INDEX, _GENERAL = range(5)
# the NodeResult attribute an index reads per `IndexSource`
_INDEX_OF: dict[str, str] = {
    IndexSource.ACHIEVEMENT: "achievement",
    IndexSource.SCORE: "score",
    IndexSource.ACTUAL: "actual",
}


def _program(plan: Plan, period: Period, lang: str) -> list[tuple[Any, ...]]:
    """One step per node, in evaluation order, with everything that does not depend on the data resolved:
    the keys to read, which must be present, the target, the aggregation, the formula as a function and the
    profile's scorer. Worked out once per plan, period and language (plans are immutable) and reused for
    every unit scored. A node the fast path cannot take is a `_GENERAL` step.
    """
    return plan.cached(
        ("program", period.label, lang), lambda: [_step(plan, plan.by_id[n], period, lang) for n in plan.order]
    )


def _step(plan: Plan, node: Node, period: Period, lang: str) -> tuple[Any, ...]:
    """One node's step: `(_GROUP, id, result)`, `(_GENERAL, id)`, or `(kind, id, target, scorer, unit,
    no-target reason, refs, how)` where `how` is, for `_DIRECT`, (keys, required keys, aggregation); for
    `_FORMULA`, (inputs as (keys, required keys, fixed value, aggregation), function of inputs then refs);
    for `_INDEX`, ((id, weight, position) in id order, attribute averaged, cap, geometric, minimum
    coverage). `scorer` is None when the period has no target."""
    nid = node.id
    if node.mode == _MODE_GROUP:
        reason = _reason(lang, "group")
        return (_GROUP, nid, NodeResult(nid, None, None, None, None, None, NO_TARGET, reason, node.unit, ()))
    general = (_GENERAL, nid)
    if node.profile is None:
        return general
    target = period_target_value(node, period)
    # without a target the realisasi is still shown (status no_target); a scorer is needed only with one
    why = _reason(lang, "no-target", period=period.label) if target is None else ""
    scorer = None
    if target is not None:
        try:
            scorer = node.profile.scorer(node.polarity, node.method, node.max_target, lang)
        except ScoringError:
            return general
    required = _required(node, period)
    if node.mode == _MODE_DIRECT:
        keys = tuple((nid, p) for p in period.members)
        needed = frozenset((nid, p) for p in required)
        aggregate = AGGREGATIONS[node.aggregation][1]
        return (_DIRECT, nid, target, scorer, node.unit, why, (), (keys, needed, aggregate))
    if node.mode == _MODE_FORMULA and node.formula is not None:
        if node.per_period and period.kind != "single":
            return general
        inputs = []
        params = []
        for name, inp in node.inputs.items():
            if name not in node.formula.names:
                continue
            key = f"{nid}.{name}"
            members, req = (
                (months_of(period.members), months_of(required)) if inp.monthly else (period.members, required)
            )
            aggregate = AGGREGATIONS[inp.aggregation or node.aggregation][1]
            inputs.append((tuple((key, p) for p in members), frozenset((key, p) for p in req), inp.value, aggregate))
            params.append(name)
        try:
            fn = node.formula.function((*params, *node.refs))
        except ValueError:
            return general
        return (_FORMULA, nid, target, scorer, node.unit, why, node.refs, (tuple(inputs), fn))
    if node.mode == _MODE_INDEX:
        comps = tuple(sorted(zip(node.refs, node.weights, range(len(node.refs)), strict=True)))
        geometric = node.index_method == _GEOMETRIC
        of = _INDEX_OF[node.index_from]
        how = (comps, of, node.cap_contribution, geometric, min_coverage(plan, node))
        return (_INDEX, nid, target, scorer, node.unit, why, node.refs, how)
    return general


class TraceSource:
    """What a result needs to rebuild its trace on demand: the inputs of the `score_plan` call, and for a node
    that reads others, their results (passed per node: nothing here points back at the results, so a dropped
    scorecard is freed at once, without waiting for the cycle collector)."""

    __slots__ = ("plan", "values", "period", "lang", "targets", "traces")

    def __init__(
        self,
        plan: Plan,
        values: Mapping[tuple[str, str], Value],
        period: Period,
        lang: str,
        targets: Mapping[tuple[str, str], float] | None,
    ) -> None:
        self.plan, self.values, self.period, self.lang, self.targets = plan, values, period, lang, targets
        self.traces: dict[str, tuple[dict[str, Any], ...]] | None = None

    def __call__(self, node_id: str, deps: Mapping[str, NodeResult] | None = None) -> tuple[dict[str, Any], ...]:
        """The trace of `node_id`, built on first request and then kept."""
        if self.traces is None:
            self.traces = {}
        found = self.traces.get(node_id)
        if found is None:
            node = self.plan.by_id[node_id]
            found = _score_node(
                node, self.plan, self.values, self.period, deps or {}, self.lang, self.targets, True
            ).trace
            self.traces[node_id] = found
        return found


def _score_node(
    node: Node,
    plan: Plan,
    values: Mapping[tuple[str, str], Value],
    period: Period,
    results: Mapping[str, NodeResult],
    lang: str,
    targets: Mapping[tuple[str, str], float] | None = None,
    traced: bool = False,
    source: TraceSource | None = None,
) -> NodeResult:
    """Score one node. Untraced, the result's trace is recomputed on first access (same inputs, same steps)."""
    if targets:
        node = with_targets(node, targets)
    if node.mode == _MODE_GROUP:
        return NodeResult(node.id, None, None, None, None, None, NO_TARGET, _reason(lang, "group"), node.unit, ())
    trace: list[dict[str, Any]] | None = [] if traced else None
    if trace is not None:
        target, tstep = period_target(node, period, plan.periods)
        trace.append(tstep)
    else:
        target = period_target_value(node, period)

    # for an index: its minimum coverage; `_index` adds its coverage and the components left out
    info: dict[str, Any] = {"minimum": min_coverage(plan, node)} if node.mode == _MODE_INDEX else {}

    def result(
        nid: str, tgt: Any, act: float | None, ach: float | None, sc: float | None, gr: str | None, st: str, why: str
    ) -> NodeResult:
        cov, out = info.get("coverage"), info.get("left_out", ())
        if trace is not None:
            return NodeResult(nid, tgt, act, ach, sc, gr, st, why, node.unit, tuple(trace), cov, out)
        assert source is not None, "an untraced result needs the source that rebuilds its trace"
        lazy = partial(source, deps={r: results[r] for r in node.refs}) if node.refs else source
        return NodeResult(nid, tgt, act, ach, sc, gr, st, why, node.unit, lazy, cov, out)

    actual: float | None = None
    if target is None:
        # nothing to score against: say so, and still show the realisasi when it can be computed; but an
        # error (a division by zero, a refused row) or "nihil" is shown as such whatever the target
        no_target = _reason(lang, "no-target", period=period.label)
        try:
            actual = _actual(node, period, values, results, trace, lang, info)
        except _NotScored as e:
            if e.status in (ERROR, NOT_APPLICABLE):
                return result(node.id, None, None, None, None, None, e.status, _reason(lang, e.code, **e.args_))
            actual = None
        except (ScoringError, ArithmeticError, ValueError) as e:
            detail = _error_detail(e, lang)
            if trace is not None:
                trace.append({"step": "error", "detail": detail})
            return result(node.id, None, None, None, None, None, ERROR, _reason(lang, "error", detail=detail))
        return result(node.id, None, actual, None, None, None, NO_TARGET, no_target)
    prof = node.profile
    assert prof is not None
    try:
        actual = _actual(node, period, values, results, trace, lang, info)
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
        return result(node.id, target, actual, ach, score, grade, SCORED, "")
    except _NotScored as e:
        return result(node.id, target, actual, None, None, None, e.status, _reason(lang, e.code, **e.args_))
    except (ScoringError, ArithmeticError, ValueError) as e:
        detail = _error_detail(e, lang)
        if trace is not None:
            trace.append({"step": "error", "detail": detail})
        return result(node.id, target, actual, None, None, None, ERROR, _reason(lang, "error", detail=detail))


def _actual(
    node: Node,
    period: Period,
    values: Mapping[tuple[str, str], Value],
    results: Mapping[str, NodeResult],
    trace: list[dict[str, Any]] | None,
    lang: str,
    info: dict[str, Any] | None = None,
) -> float:
    required = _required(node, period)
    how = node.aggregation
    traced = trace is not None
    if node.mode == _MODE_DIRECT:
        _refused_or_nil(values, node.id, period.members, required, lang)
        xs, sources, missing = _series(node.id, period.members, required, values, None, traced, lang)
        if missing or not xs:
            raise _NotScored(NO_DATA, "no-data", periods=", ".join(missing or period.members))
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
    if node.mode == _MODE_FORMULA:
        assert node.formula is not None
        if node.per_period and period.kind != "single":
            # evaluate the formula for each quarter on its own, then combine the quarterly values
            per: list[float] = []
            steps: list[dict[str, Any]] = []
            for p in period.members:
                sub = Period(p, "single", (p,))
                try:
                    v, inputs = _formula_value(node, sub, (p,), values, results, traced, lang)
                except _NotScored as e:
                    if p in required or e.code == "refused":  # a refused row is never left out of a sum
                        raise
                    continue
                per.append(v)
                if traced:
                    steps.append({"period": p, "value": v, "inputs": inputs})
            if not per:
                raise _NotScored(NO_DATA, "no-data", periods=", ".join(period.members))
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
    if node.mode == _MODE_INDEX:
        return _index(node, results, trace, lang, info if info is not None else {})
    raise _NotScored(NO_TARGET, "group")


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
        if inp.value is not None and not any((key, p) in values for p in members) and not _marked(values, key, members):
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
        _refused_or_nil(values, key, members, req, lang)
        xs, sources, missing = _series(key, members, req, values, inp.value, traced, lang)
        if missing or not xs:
            raise _NotScored(NO_DATA, "no-data", periods=f"{key} " + ", ".join(missing or members))
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
                r.status if r.status in (ERROR, NOT_APPLICABLE) else NO_DATA,
                "dep",
                dep=ref,
                status=STATUS_WORDS[lang if lang == "en" else "id"][r.status],
            )
        env[ref] = r.actual
        if traced:
            inputs.append({"name": ref, "value": r.actual, "unit": r.unit, "source": f"realisasi {ref}"})
    return node.formula.evaluate(env), inputs


def _marked(values: Mapping[tuple[str, str], Value], key: str, members: tuple[str, ...]) -> bool:
    """Whether a row of `key` for one of `members` was refused or says "nihil"."""
    for marks in (getattr(values, "refused", None), getattr(values, "nil", None)):
        if marks and any((key, p) in marks for p in members):
            return True
    return False


def _refused_or_nil(
    values: Mapping[tuple[str, str], Value], key: str, members: tuple[str, ...], required: tuple[str, ...], lang: str
) -> None:
    """Raise when a row of `key` for a period read here was refused (an error: a refused row is never
    silently replaced by another row or left out of a sum), or when the data says "nihil" for the required
    periods (not applicable; "nihil" for some and numbers for others is an error)."""
    refused = getattr(values, "refused", None)
    if refused:
        for p in members:
            prob = refused.get((key, p))
            if prob is not None:
                row = "row" if lang == "en" else "baris"
                where = f"{prob.file} {row} {prob.row}" if prob.row is not None else prob.file
                raise _NotScored(ERROR, "refused", where=where, detail=prob.message(lang))
    nil = getattr(values, "nil", None)
    if nil:
        said = [p for p in required if (key, p) in nil]
        if said:
            other = [p for p in members if (key, p) in values]
            if other:
                raise _NotScored(ERROR, "nil-mixed", key=key, nil=", ".join(said), other=", ".join(other))
            if len(said) == len(required):
                raise _NotScored(NOT_APPLICABLE, "nil", periods=f"{key} " + ", ".join(said))


def _index(
    node: Node, results: Mapping[str, NodeResult], trace: list[dict[str, Any]] | None, lang: str, info: dict[str, Any]
) -> float:
    """The index over its components with a value; fills `info` with its coverage (share of the applicable
    weight whose components have a value) and the components left out. Components that are "nihil" (not
    applicable) or without a target for the period (not planned then) leave the index and its coverage
    alike; below the minimum coverage the index is not scored."""
    comps: list[dict[str, Any]] = []
    used: list[tuple[float, float]] = []
    used_ids: list[str] = []
    dropped: list[str] = []
    applies: list[tuple[str, float]] = []  # the components that apply in the period, with their weights
    not_applicable = 0
    skipped: list[str] = []  # left out as not applicable for the period
    for ref, w in zip(node.refs, node.weights, strict=True):
        r = results[ref]
        v = getattr(r, _INDEX_OF[node.index_from])
        if r.status == NOT_APPLICABLE or (v is None and r.status == NO_TARGET):
            # nothing to measure ("nihil"), or nothing planned for this period (no target): not part of the
            # index for this period, and not missing either
            not_applicable += r.status == NOT_APPLICABLE
            comps.append(
                {"id": ref, "weight": w, "value": None, "status": r.status, "left_out": True, "applies": False}
            )
            skipped.append(ref)
            continue
        applies.append((ref, w))
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
        "renormalised": bool(dropped or skipped),
        "left_out": [r for r in node.refs if r in dropped or r in skipped],
        "missing": dropped,
        "cap_contribution": node.cap_contribution,
    }
    # summed in id order, so that the order components are written in never changes the last digit
    used = [u for _, u in sorted(zip(used_ids, used, strict=True))]
    den = sum(w for w, _ in used)
    applicable = sum(w for _, w in sorted(applies))  # id order, as the weights used
    info["left_out"] = tuple(dropped)
    if not_applicable == len(node.refs):
        if trace is not None:
            trace.append(step)
        raise _NotScored(NOT_APPLICABLE, "all-nil")
    # exactly 1 when nothing is left out (the sums of the same weights in two orders may differ in the last bit)
    coverage = 1.0 if not dropped else den / applicable if applicable > 0 else 0.0
    info["coverage"] = coverage
    step["coverage"] = coverage
    minimum = float(info.get("minimum", DEFAULT_MIN_COVERAGE))
    step["min_coverage"] = minimum
    if den == 0:
        if trace is not None:
            trace.append(step)
        raise _NotScored(NO_DATA, "no-components")
    if dropped and coverage * 100 < minimum:
        if trace is not None:
            trace.append(step)
        raise _NotScored(
            NO_DATA,
            "low-coverage",
            coverage=percent_text(coverage, lang),
            minimum=percent_text(minimum / 100, lang),
            left_out=_left_out_text(dropped, results, lang),
        )
    actual = _weighted_mean(used, den, node.index_method == _GEOMETRIC)
    step["weights_used"] = den
    step["value"] = actual
    if trace is not None:
        trace.append(step)
    return actual


def _left_out_text(ids: list[str] | tuple[str, ...], results: Mapping[str, NodeResult], lang: str) -> str:
    """ "a (belum ada data), b (gagal dihitung)": each component left out with what it is."""
    words = STATUS_WORDS["en" if lang == "en" else "id"]
    return ", ".join(f"{i} ({words.get(results[i].status, results[i].status)})" for i in ids)


def _weighted_mean(used: list[tuple[float, float]], den: float, geometric: bool) -> float:
    """The index over (weight, value) pairs already in id order, `den` their weight sum (both paths use it)."""
    if geometric:
        if any(v < 0 for _, v in used):
            raise ValueError("geometric mean of a negative value")
        if any(v == 0 for _, v in used):
            return 0.0
        return math.exp(sum(w * math.log(v) for w, v in used) / den)
    return sum(w * v for w, v in used) / den
