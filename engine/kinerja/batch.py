"""Evaluate phase, columnar: score many units against one compiled plan at once.

Every node is evaluated over numpy arrays with one row per unit and gives what the per-unit path
(`evaluate.py`) gives that unit alone: the same numbers, statuses and reasons. Nothing here restates a rule:

- the target of a period and which periods must be reported are the per-unit functions themselves
  (`evaluate.period_target_value`, `evaluate._required`), called once per distinct set of targets (units
  with their own targets get `evaluate.with_targets`, as `Plan.score(..., targets=...)` does);
- aggregations are `periods.AGGREGATIONS` (each rule has its scalar form and its array twin side by side),
  months of a period come from `periods.months_of`;
- values are refused by `data.VALUE_CHECKS`, the checks `bind` applies per value;
- formulas and lookup tables run from the same checked trees (`Formula.evaluate_array`, `StepTable.over_array`);
- capaian, nilai and predikat use the profile's own formula choice (`Profile.capaian_formula`), the array twin
  of its rounding (`Profile.rounding_array`), the bands' bounds (`profile.holds_array`) and grade steps;
- reasons (and traces) of units that are not scored are asked of the per-unit path for that unit and node.

`tests/test_equivalence.py` holds the paths equal on every bundled plan and on generated ones.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .choices import IndexMethod, Mode, Status
from .data import VALUE_CHECKS, Value, _keys
from .errors import DataError, Problem, close_matches
from .numbers import CONVENTIONS, NumberFormatError, decide_convention, parse_written
from .periods import AGGREGATIONS, MONTHS, Period, month_columns, months_of
from .result import NodeResult, Scorecard

if TYPE_CHECKING:
    from .compiler import Node
    from .plan import Plan
    from .profile import Profile

# the status column's codes, and the `Status` each one stands for
SCORED, NO_DATA, NO_TARGET, ERROR = 0, 1, 2, 3
STATUS_NAMES = (Status.SCORED, Status.NO_DATA, Status.NO_TARGET, Status.ERROR)
_SCORED_STATUS, _NO_TARGET_STATUS = Status.SCORED, Status.NO_TARGET  # module names: read per (unit, node)
# the state of a computed realisasi, in the order the per-unit path finds them (the first one decides)
_OK, _MISSING, _DEP_ERROR, _CALC_ERROR, _REFUSED = 0, 1, 2, 3, 4
_FAILED = (_DEP_ERROR, _CALC_ERROR, _REFUSED)  # errors whatever the target (evaluate._score_node)
_ANNUAL_KEYS = ("TAHUN", "YEAR")  # a per-unit annual target in the table; `with_targets` reads "TAHUN"


@dataclass
class Table:
    """A long table of realisasi (and optional per-unit targets) for many units.

    Attributes:
        units: unit names in order of first appearance.
        values: (key, period) → array over units (NaN = missing); key is a node id or `node.input`.
        targets: (node id, period or "tahun") → array over units of per-unit targets (NaN = the plan's).
        problems: rows refused while reading.
    """

    units: list[str]
    values: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    targets: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # (key, period) → {unit index: the problem of the row refused for that cell}: a result that reads such a
    # cell is an error with that problem as its reason, as in the per-unit path
    refused: dict[tuple[str, str], dict[int, Problem]] = field(default_factory=dict)
    # the values checked against a plan (`_checked`): (plan, values, refusals)
    _checked: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)


def read_table(
    source: str | Path | Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]], convention: str | None = None
) -> Table:
    """Read a long table with columns `unit`, `id`, `periode`, `realisasi` and optional `target`.

    Accepts a CSV path (`;` or `,`), a Parquet path (needs pyarrow), a dict of columns, or an iterable of
    row dicts. Numbers must be plain (no units): the batch path is for machine-made data. Numbers written as
    text are read by one convention for the whole table, the same rule as `read_realisasi`
    (`numbers.decide_convention`): `convention` "id" or "en" as declared, else decided by the table's own
    unambiguous values; a value such as "1,200" that nothing decides is refused, row and column named.
    """
    if convention is not None and convention not in CONVENTIONS:
        raise DataError([Problem("data-angka", args={"value": convention})])
    display, cols = _columns(source)
    for c in ("unit", "id", "periode"):
        if c not in cols:
            raise DataError([Problem("data-missing-column", file=display, args={"column": c})])
    units: dict[str, int] = {}
    for u in cols["unit"]:
        units.setdefault(str(u), len(units))
    n = len(units)
    table = Table(list(units))
    Store = dict[tuple[str, str], np.ndarray]
    written: list[tuple[int, Any, Any, Any, Any, str, Store]] = []  # cells written as text, read below

    def put(store: Store, u: Any, key: Any, per: Any, value: float) -> None:
        cell = (str(key), str(per).strip().upper())
        arr = store.get(cell)
        if arr is None:
            arr = store[cell] = np.full(n, np.nan)
        arr[units[str(u)]] = value

    for colname, store in (("realisasi", table.values), ("target", table.targets)):
        if colname not in cols:
            continue
        for i, (u, key, per, raw) in enumerate(
            zip(cols["unit"], cols["id"], cols["periode"], cols[colname], strict=True)
        ):
            if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
                continue
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                put(store, u, key, per, float(raw))
            else:
                written.append((i, u, key, per, raw, colname, store))
    if not written:
        return table
    decision = decide_convention(((w[0] + 2, w[4]) for w in written), convention)
    for i, u, key, per, raw, colname, store in written:
        try:
            w = parse_written(raw, decision.convention)
        except NumberFormatError as e:
            if e.ambiguous:
                code, args = (
                    "data-ambiguous-number",
                    {
                        "text": str(raw).strip(),
                        "reason_id": decision.reason("id"),
                        "reason_en": decision.reason("en"),
                    },
                )
            else:
                code, args = "data-bad-value", {"text": str(raw), "detail": e.detail}
            per_ = str(per).strip().upper()
            args = {**args, "unit": str(u), "period": per_}
            prob = Problem(code, "error", display, str(key), colname, args, row=i + 2)
            table.problems.append(prob)
            if colname == "realisasi":
                table.refused.setdefault((str(key), per_), {})[units[str(u)]] = prob
            continue
        if w.value is not None:
            put(store, u, key, per, w.value)
    return table


def _columns(
    source: str | Path | Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
) -> tuple[str, dict[str, list[Any]]]:
    """The table's name for messages and its columns (lower-case names), from any accepted source."""
    cols: dict[str, list[Any]]
    display = "<tabel>"
    if isinstance(source, str | Path):
        path = Path(source)
        display = str(source)
        if not path.is_file():
            raise DataError([Problem("file-missing", file=display, args={"detail": display})])
        if path.suffix.lower() == ".parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:
                raise DataError(
                    [
                        Problem(
                            "data-format", file=display, args={"detail": "Parquet needs pyarrow (pip install pyarrow)"}
                        )
                    ]
                ) from None
            cols = {k.lower(): v for k, v in pq.read_table(path).to_pydict().items()}
        else:
            text = path.read_text(encoding="utf-8-sig")
            first = text.split("\n", 1)[0]
            delim = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(text.splitlines(), delimiter=delim)
            header = [h.strip().lower() for h in next(reader)]
            cols = {h: [] for h in header}
            for row in reader:
                for h, v in zip(header, row, strict=False):
                    cols[h].append(v)
    elif isinstance(source, Mapping):
        cols = {str(k).lower(): list(v) for k, v in source.items()}
    else:
        rows = list(source)
        keys = {str(k).lower() for r in rows for k in r}
        cols = {k: [] for k in keys}
        for r in rows:
            low = {str(k).lower(): v for k, v in r.items()}
            for k in keys:
                cols[k].append(low.get(k))
    return display, cols


@dataclass(frozen=True)
class BatchResult:
    """Scores of many units: per node, arrays over units (target, actual, achievement, score, grade, status).

    `result(unit, node_id)`, `scorecard(unit)` and `rows()` give what `Plan.score` gives that unit alone:
    numbers, status and reason (the reason of a unit that is not scored, and a trace when asked for, come
    from the per-unit path for that unit and node, from the same checked values).
    """

    plan: Plan = field(repr=False)
    period: str
    units: tuple[str, ...]
    columns: dict[str, dict[str, np.ndarray]] = field(repr=False)
    problems: tuple[Problem, ...] = ()
    lang: str = ""
    at: Period | None = field(default=None, repr=False, compare=False)
    values: Mapping[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    targets: Mapping[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    refused: Mapping[tuple[str, str], dict[int, Problem]] = field(default_factory=dict, repr=False, compare=False)
    _where: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.lang or self.plan.language

    def result(self, unit: str, node_id: str) -> NodeResult:
        """One node's result for one unit, with its reason (and a trace built on first access)."""
        return self._result(self._index(unit), node_id, True)

    def _index(self, unit: str) -> int:
        if not self._where:
            self._where.update((u, i) for i, u in enumerate(self.units))
        return self._where[unit]

    def _result(self, i: int, node_id: str, why: bool) -> NodeResult:
        c = self.columns[node_id]
        node = self.plan.by_id[node_id]
        status = STATUS_NAMES[int(c["status"][i])]

        def val(name: str) -> float | None:
            v = float(c[name][i])
            return None if math.isnan(v) else v

        lo = val("target")
        target: float | tuple[float, float] | None = lo
        if lo is not None and c["range"][i]:
            target = (lo, float(c["target_high"][i]))
        grade = self.plan_grade(node, int(c["grade"][i]))
        numbers = (node_id, target, val("actual"), val("achievement"), val("score"), grade, status)
        coverage, left_out = self._coverage(node, i)
        if status == _SCORED_STATUS or not why:
            source = self._trace_source(i, node) if why else ()
            return NodeResult(*numbers, "", node.unit, source, coverage, left_out)
        reason = self._reason(i, node, status)
        return NodeResult(*numbers, reason, node.unit, self._trace_source(i, node), coverage, left_out)

    def _coverage(self, node: Node, i: int) -> tuple[float | None, tuple[str, ...]]:
        """An index's coverage for unit `i` and its components left out (None, () for other nodes)."""
        c = self.columns[node.id]
        if "coverage" not in c:
            return None, ()
        left = tuple(r for r, out in zip(node.refs, c["left_out"][i], strict=True) if out)
        return float(c["coverage"][i]), left

    def _reason(self, i: int, node: Node, status: str) -> str:
        """The reason the per-unit path gives this unit for this node (its own function, its own words)."""
        from .evaluate import TraceSource, _reason, _score_node

        if node.mode == Mode.GROUP:
            return _reason(self.language, "group")
        if status == _NO_TARGET_STATUS:
            return _reason(self.language, "no-target", period=self.period)
        plan, values, period, deps, lang, targets = self._scalar_inputs(i, node)
        source = TraceSource(plan, values, period, lang, targets)
        return _score_node(node, plan, values, period, deps, lang, targets, source=source).reason

    def _scalar_inputs(self, i: int, node: Node) -> tuple[Any, ...]:
        """What `evaluate._score_node` needs for unit i: the plan, its values, the period, the results of the
        nodes `node` reads, the language and the unit's own targets."""
        assert self.at is not None
        deps = {r: self._result(i, r, False) for r in node.refs}
        values = _UnitValues(self.values, i, self.refused)
        return (self.plan, values, self.at, deps, self.language, self._unit_targets(i))

    def _unit_targets(self, i: int) -> dict[tuple[str, str], float] | None:
        out = {}
        for (nid, per), arr in self.targets.items():
            v = float(arr[i])
            if not math.isnan(v):
                out[(nid, "TAHUN" if per in _ANNUAL_KEYS else per)] = v
        return out or None

    def _trace_source(self, i: int, node: Node) -> Any:
        """What builds the trace on first access: the per-unit path run traced for this unit and node."""
        if self.at is None or node.mode == Mode.GROUP:
            return ()
        return partial(self._trace, i)

    def _trace(self, i: int, node_id: str) -> tuple[dict[str, Any], ...]:
        from .evaluate import TraceSource

        plan, values, period, deps, lang, targets = self._scalar_inputs(i, self.plan.by_id[node_id])
        return TraceSource(plan, values, period, lang, targets)(node_id, deps)

    def plan_grade(self, node: Node, index: int) -> str | None:
        if index < 0 or node.profile is None:
            return None
        step = node.profile.spec.grades.steps[index]
        return step.grade_en if self.language == "en" and step.grade_en else step.grade

    def scorecard(self, unit: str) -> Scorecard:
        """All node results for one unit (with reasons; traces built on first access)."""
        i = self._index(unit)
        return Scorecard(self.plan, self.period, {n.id: self._result(i, n.id, True) for n in self.plan.nodes}, ())

    def __len__(self) -> int:
        return len(self.units) * len(self.columns)

    def rollup(self) -> dict[str, dict[str, Any]]:
        """Per node: how many units are in each status, and the mean, min and max capaian of scored units."""
        out: dict[str, dict[str, Any]] = {}
        for nid, c in self.columns.items():
            st = c["status"]
            ach = c["achievement"][st == SCORED]
            out[nid] = {
                **{STATUS_NAMES[k]: int((st == k).sum()) for k in range(4)},
                "mean_achievement": float(ach.mean()) if ach.size else None,
                "min_achievement": float(ach.min()) if ach.size else None,
                "max_achievement": float(ach.max()) if ach.size else None,
            }
        return out

    def rows(self) -> Iterable[dict[str, Any]]:
        """One dict per (unit, node), for CSV or JSON output: the numbers, status and reason of `result`."""
        for i, u in enumerate(self.units):
            for n in self.plan.nodes:
                r = self._result(i, n.id, False)
                reason = self._reason(i, n, r.status) if r.status != _SCORED_STATUS else ""
                target = r.target
                yield {
                    "unit": u,
                    "id": n.id,
                    "target": list(target) if isinstance(target, tuple) else target,
                    "actual": r.actual,
                    # the realisasi the capaian used (`realisasi_dulu`), as the per-unit reports show it
                    "actual_used": n.profile.actual_used(r.actual)
                    if r.status == "scored" and r.actual is not None and n.profile is not None
                    else r.actual,
                    "achievement": r.achievement,
                    "score": r.score,
                    "grade": r.grade,
                    "status": r.status,
                    "reason": reason,
                    "coverage": r.coverage,
                    "left_out": ", ".join(r.left_out),
                }


class _UnitValues(Mapping[tuple[str, str], Value]):
    """One unit's checked values as the bound values the per-unit path reads (missing = absent)."""

    __slots__ = ("columns", "i", "refused", "nil")

    def __init__(
        self,
        columns: Mapping[tuple[str, str], np.ndarray],
        i: int,
        refused: Mapping[tuple[str, str], dict[int, Problem]] | None = None,
    ) -> None:
        self.columns, self.i = columns, i
        # the cells of this unit whose row was refused, as `data.BoundValues.refused` (the batch reads no "nihil")
        self.refused = {k: d[i] for k, d in (refused or {}).items() if i in d}
        self.nil: dict[tuple[str, str], tuple[str, int]] = {}

    def __getitem__(self, key: tuple[str, str]) -> Value:
        v = float(self.columns[key][self.i])
        if math.isnan(v):
            raise KeyError(key)
        return Value(v, "<tabel>", 0, f"{v!r}")

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (k for k, a in self.columns.items() if not math.isnan(a[self.i]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


# ------------------------------------------------------------------------------------------- scoring


def score_many(plan: Plan, table: Table, period: Period, lang: str | None = None) -> BatchResult:
    """Score every unit of `table` for `period`; see `Plan.score_many`."""
    n = len(table.units)
    problems = list(table.problems)
    _, _, monthly, _ = _keys(plan)
    reported = _reported(plan)
    known = set(reported)
    for key, per in table.values:
        if key not in known:
            problems.append(
                Problem(
                    "data-unknown-id",
                    "error",
                    "<tabel>",
                    key,
                    "id",
                    {"id": key},
                    suggestions=close_matches(key, reported),
                )
            )
        elif per not in (MONTHS if key in monthly else plan.periods):
            problems.append(
                Problem(
                    "data-unknown-period",
                    "error",
                    "<tabel>",
                    key,
                    "periode",
                    {"period": per, "choices": ", ".join(plan.periods)},
                )
            )
    values, refused, marks = _checked(plan, table, problems)
    cols: dict[str, dict[str, np.ndarray]] = {}
    for nid in plan.order:
        cols[nid] = _node(plan.by_id[nid], plan, values, marks, table.targets, period, cols, n)
    return BatchResult(
        plan, period.label, tuple(table.units), cols, tuple(problems), lang or plan.language, period, values,
        table.targets, refused,
    )  # fmt: skip


def _reported(plan: Plan) -> list[str]:
    """The keys a unit reports: direct nodes and formula inputs."""
    out = [nd.id for nd in plan.nodes if nd.mode == Mode.DIRECT]
    return out + [f"{nd.id}.{name}" for nd in plan.nodes for name in nd.inputs]


def _checked(
    plan: Plan, table: Table, problems: list[Problem]
) -> tuple[dict[tuple[str, str], np.ndarray], Refused, dict[tuple[str, str], np.ndarray]]:
    """The table's values with `data.VALUE_CHECKS` applied as `bind` applies them: a refused value is a
    problem (unit named) and missing for scoring. Worked out once per table and plan (every period reuses
    it); the table itself is not changed. Also returns every refused cell (the table's own and these), by
    (key, period) and unit index, and the same as a mask over units per cell."""
    found = table._checked
    if found is not None and found[0] is plan:
        problems.extend(found[2])
        return found[1], found[3], found[4]
    from .data import fractional_count_mask, whole_count_keys

    units_of = _keys(plan)[0]
    whole = whole_count_keys(plan)  # a count cannot be 1.2: refused as `bind` refuses it for one unit
    checks: dict[str, tuple[Any, ...]] = {}
    out = dict(table.values)
    refusals: list[Problem] = []
    refused_cells: Refused = {k: dict(v) for k, v in table.refused.items()}

    def refuse(i: Any, key: str, per: str, code: str, args: dict[str, Any]) -> None:
        prob = _refusal(table, i, key, per, code, args)
        refusals.append(prob)
        refused_cells.setdefault((key, per), {})[int(i)] = prob

    for (key, per), arr in table.values.items():
        unit = units_of.get(key)
        if unit is None:
            continue
        applying = checks.get(key)
        if applying is None:
            applying = checks[key] = tuple(c for c in VALUE_CHECKS if c.applies(unit))
        refused = np.isinf(arr)
        for i in np.flatnonzero(refused):
            refuse(i, key, per, "data-bad-value", {"text": str(arr[i]), "detail": "not finite"})
        for check in applying:
            with np.errstate(invalid="ignore"):
                hit = np.asarray(check.refuses(arr), dtype=bool) & ~refused & ~np.isnan(arr)
            if hit.any():
                label = plan.units.label(unit)
                for i in np.flatnonzero(hit):
                    refuse(i, key, per, check.code, {"value": float(arr[i]), "unit": label})
                refused |= hit
        factor = whole.get(key)
        if factor is not None:
            hit = fractional_count_mask(arr, factor) & ~refused & ~np.isnan(arr)
            if hit.any():
                label = plan.units.label(unit)
                for i in np.flatnonzero(hit):
                    args = {"text": f"{arr[i]:g}", "value": float(arr[i]), "unit": label, "convention": "-"}
                    refuse(i, key, per, "data-fractional-count", args)
                refused |= hit
        if refused.any():
            out[(key, per)] = np.where(refused, np.nan, arr)
    marks: dict[tuple[str, str], np.ndarray] = {}
    for cell, units in refused_cells.items():
        marks[cell] = np.zeros(len(table.units), dtype=bool)
        marks[cell][list(units)] = True
    table._checked = (plan, out, tuple(refusals), refused_cells, marks)
    problems.extend(refusals)
    return out, refused_cells, marks


def _refusal(table: Table, i: Any, key: str, per: str, code: str, args: dict[str, Any]) -> Problem:
    return Problem(code, "error", "<tabel>", key, f"realisasi[{table.units[i]}, {per}]", {**args, "period": per})


Refused = dict[tuple[str, str], dict[int, Problem]]


def _refused_any(refused: Mapping[tuple[str, str], np.ndarray], key: str, members: Sequence[str], n: int) -> np.ndarray:
    """Per unit: whether a row of `key` for one of `members` was refused (evaluate._refused_or_nil)."""
    out = np.zeros(n, dtype=bool)
    for p in members:
        m = refused.get((key, p))
        if m is not None:
            out |= m
    return out


def _matrix(values: Mapping[tuple[str, str], np.ndarray], key: str, members: Sequence[str], n: int) -> np.ndarray:
    out = np.full((n, len(members)), np.nan)
    for j, p in enumerate(members):
        a = values.get((key, p))
        if a is not None:
            out[:, j] = a
    return out


@dataclass
class _Targets:
    """Per unit: the period's target (low and high; NaN = none), whether it is a range, and which of the
    period's members must be reported (n × members)."""

    low: np.ndarray
    high: np.ndarray
    is_range: np.ndarray
    required: np.ndarray


def _period_targets(
    node: Node, plan: Plan, targets: Mapping[tuple[str, str], np.ndarray], period: Period, n: int
) -> _Targets:
    """The per-unit rules themselves, once per distinct set of a unit's own targets (usually one set)."""
    from .evaluate import _required, period_target_value, with_targets

    own = [
        (k, a)
        for k in (*plan.periods, *_ANNUAL_KEYS)
        if (a := targets.get((node.id, k))) is not None and not np.isnan(a).all()
    ]
    groups: dict[tuple[float | None, ...], list[int]] = {}
    if own:
        rows = np.column_stack([a for _, a in own]).tolist()
        for i, row in enumerate(rows):
            groups.setdefault(tuple(None if x != x else x for x in row), []).append(i)
    else:
        groups[()] = []
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    is_range = np.zeros(n, dtype=bool)
    required = np.zeros((n, len(period.members)), dtype=bool)
    for row, idx in groups.items():
        ov = {
            (node.id, "TAHUN" if k in _ANNUAL_KEYS else k): v
            for (k, _), v in zip(own, row, strict=True)
            if v is not None
        }
        nd = with_targets(node, ov) if ov else node
        t = period_target_value(nd, period)
        need = _required(nd, period)
        at = idx if own else slice(None)
        if isinstance(t, tuple):
            low[at], high[at], is_range[at] = t[0], t[1], True
        elif t is not None:
            low[at] = high[at] = t
        required[at] = [p in need for p in period.members]
    return _Targets(low, high, is_range, required)


def _series(values: Mapping[tuple[str, str], np.ndarray], key: str, members: Sequence[str], required: np.ndarray,
            fixed: float | None, how: str, n: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Aggregated value and no-data mask over units (evaluate._series + aggregation): required periods not
    reported take `fixed` if the rules give one, else the unit has no data; so has a unit with no value."""
    x = _matrix(values, key, members, n)
    if fixed is not None:
        x = np.where(required & np.isnan(x), fixed, x)
    absent = np.isnan(x)
    missing = (required & absent).any(axis=1) | absent.all(axis=1)
    return AGGREGATIONS[how].array(x), missing


def _node(
    node: Node,
    plan: Plan,
    values: Mapping[tuple[str, str], np.ndarray],
    refused: Mapping[tuple[str, str], np.ndarray],
    targets: Mapping[tuple[str, str], np.ndarray],
    period: Period,
    cols: Mapping[str, dict[str, np.ndarray]],
    n: int,
) -> dict[str, np.ndarray]:
    nan = np.full(n, np.nan)
    status = np.full(n, NO_TARGET, dtype=np.int8)
    out = {
        "target": nan,
        "target_high": nan,
        "range": np.zeros(n, dtype=bool),
        "actual": nan,
        "achievement": nan,
        "score": nan,
        "grade": np.full(n, -1, dtype=np.int8),
        "status": status,
    }
    if node.mode == Mode.GROUP or node.profile is None:
        return out
    tg = _period_targets(node, plan, targets, period, n)
    out["target"], out["target_high"], out["range"] = tg.low, tg.high, tg.is_range
    how = node.aggregation
    if node.mode == Mode.DIRECT:
        actual, missing = _series(values, node.id, period.members, tg.required, None, how, n)
        bad = _refused_any(refused, node.id, period.members, n)  # refused before missing, as per unit
        state = np.where(bad, _REFUSED, np.where(missing, _MISSING, _OK))
    elif node.mode == Mode.FORMULA:
        if node.per_period and period.kind != "single":
            actual, state = _per_period(node, values, refused, period, tg.required, cols, n)
        else:
            actual, state = _formula(node, values, refused, period.members, tg.required, cols, n)
    else:  # index
        actual, state, out["coverage"], out["left_out"] = _index(node, plan, cols, n)
    out["actual"] = np.where(state == _OK, actual, np.nan)
    has_target = ~np.isnan(tg.low)
    # errors are errors whatever the target; without a target nothing else is scored
    status[:] = np.where(
        np.isin(state, _FAILED),
        ERROR,
        np.where(~has_target, NO_TARGET, np.where(state == _MISSING, NO_DATA, SCORED)),
    )
    ok = has_target & (state == _OK)
    if ok.any():
        ach, score, grade, bad = _profile_arrays(node, node.profile, tg, out["actual"], ok)
        good = ok & ~bad
        out["achievement"] = np.where(good, ach, np.nan)
        out["score"] = np.where(good, score, np.nan)
        out["grade"] = np.where(good, grade, -1).astype(np.int8)
        status[:] = np.where(ok & bad, ERROR, status)
    return out


def _formula(
    node: Node,
    values: Mapping[tuple[str, str], np.ndarray],
    refused: Mapping[tuple[str, str], np.ndarray],
    members: tuple[str, ...],
    required: np.ndarray,
    cols: Mapping[str, dict[str, np.ndarray]],
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A formula over columns (evaluate._formula_value): the value and its state per unit, the first problem
    deciding as the per-unit path meets them: a missing input, then the nodes it reads in order, then the
    formula itself (an operation that raises for a scalar is NaN here)."""
    assert node.formula is not None
    env: dict[str, np.ndarray] = {}
    state = np.full(n, _OK, dtype=np.int8)
    for name, inp in node.inputs.items():
        if name not in node.formula.names:
            continue
        how = inp.aggregation or node.aggregation
        key = f"{node.id}.{name}"
        mem, req = (months_of(members), required[:, month_columns(members)]) if inp.monthly else (members, required)
        v, missing = _series(values, key, mem, req, inp.value, how, n)
        bad = _refused_any(refused, key, mem, n)
        if inp.value is not None:
            # a fixed value from the rules is a level, used once, as is, when the unit reports none of it (and
            # no row of it was refused)
            none = np.isnan(_matrix(values, key, mem, n)).all(axis=1) & ~bad
            v = np.where(none, inp.value, v)
            missing &= ~none
        env[name] = v
        state[(state == _OK) & bad] = _REFUSED
        state[(state == _OK) & missing] = _MISSING
    for ref in node.refs:
        r = cols[ref]
        failed = (state == _OK) & np.isnan(r["actual"])
        state[failed] = np.where(r["status"][failed] == ERROR, _DEP_ERROR, _MISSING)
        env[ref] = r["actual"]
    with np.errstate(all="ignore"):
        if env or node.formula.names:
            actual = np.broadcast_to(node.formula.evaluate_array(env), (n,)).astype(float)
        else:
            try:
                actual = np.full(n, node.formula.evaluate({}))
            except (ArithmeticError, ValueError):
                actual = np.full(n, np.nan)
    state[(state == _OK) & np.isnan(actual)] = _CALC_ERROR
    return actual, state


def _per_period(
    node: Node,
    values: Mapping[tuple[str, str], np.ndarray],
    refused: Mapping[tuple[str, str], np.ndarray],
    period: Period,
    required: np.ndarray,
    cols: Mapping[str, dict[str, np.ndarray]],
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`hitung_per_periode` (evaluate._actual): the formula for each member on its own, in order; a member that
    cannot be computed stops the node when it is required (or whenever the formula itself fails) and is left
    out otherwise; the values computed are then aggregated."""
    per = np.full((n, len(period.members)), np.nan)
    state = np.full(n, _OK, dtype=np.int8)
    decided = np.zeros(n, dtype=bool)
    each = np.ones((n, 1), dtype=bool)
    for j, p in enumerate(period.members):
        v, s = _formula(node, values, refused, (p,), each, cols, n)
        # a refused row is never left out of a sum
        stop = ~decided & (
            (s == _CALC_ERROR) | (s == _REFUSED) | (((s == _MISSING) | (s == _DEP_ERROR)) & required[:, j])
        )
        state[stop] = s[stop]
        decided |= stop
        per[:, j] = np.where(s == _OK, v, np.nan)
    none = ~decided & np.isnan(per).all(axis=1)
    state[none] = _MISSING
    return AGGREGATIONS[node.aggregation].array(per), state


def _index(
    node: Node, plan: Plan, cols: Mapping[str, dict[str, np.ndarray]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The weighted mean of the components that have a value (evaluate._index and `_weighted_mean`: summed in
    id order, contributions capped if the rules say so; geometric: 0 if any is 0, an error if any is negative),
    its state, its coverage (share of the applicable weight with a value) and which components were left out
    (units × refs). A component without a target and without a value is not planned for the period: it leaves
    the index and its coverage alike; below the minimum coverage the index is not scored."""
    from .evaluate import _INDEX_OF, min_coverage

    src = _INDEX_OF[node.index_from]
    num = np.zeros(n)
    den = np.zeros(n)
    logs = np.zeros(n)
    applicable = np.zeros(n)
    left = np.zeros((n, len(node.refs)), dtype=bool)
    position = {ref: k for k, ref in enumerate(node.refs)}
    zero = np.zeros(n, dtype=bool)
    neg = np.zeros(n, dtype=bool)
    geometric = node.index_method == IndexMethod.WEIGHTED_GEOMETRIC
    for ref, w in sorted(zip(node.refs, node.weights, strict=True)):
        v = cols[ref][src]
        present = ~np.isnan(v)
        applies = present | (cols[ref]["status"] != NO_TARGET)
        left[:, position[ref]] = applies & ~present
        applicable = np.where(applies, applicable + w, applicable)
        used = np.minimum(v, 100.0) if node.cap_contribution else v
        den = np.where(present, den + w, den)
        if geometric:
            zero |= present & (used == 0)
            neg |= present & (used < 0)
            # math.log itself, so that the last bit is the per-unit path's
            lg = np.frompyfunc(lambda x: math.log(x) if x > 0 else 0.0, 1, 1)(np.where(present, used, 1.0))
            logs = np.where(present, logs + w * lg.astype(float), logs)
        else:
            num = np.where(present, num + w * np.where(present, used, 0.0), num)
    any_left = left.any(axis=1)
    with np.errstate(all="ignore"):
        # exactly 1 when nothing is left out (as evaluate._index)
        coverage = np.where(any_left, np.where(applicable > 0, den / applicable, 0.0), 1.0)
    missing = (den == 0) | (any_left & (coverage * 100 < min_coverage(plan, node)))
    with np.errstate(all="ignore"):
        if geometric:
            mean = np.where(missing, 0.0, logs / np.where(missing, 1.0, den))
            val = np.asarray(np.frompyfunc(math.exp, 1, 1)(mean), dtype=float)
            val = np.where(neg, np.nan, np.where(zero, 0.0, val))
        else:
            val = num / den
    state = np.where(missing, _MISSING, np.where(np.isnan(val), _CALC_ERROR, _OK)).astype(np.int8)
    return val, state, coverage, left


def _profile_arrays(
    node: Node, prof: Profile, tg: _Targets, r: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Capaian, nilai, predikat index and an error mask (where the scalar scorer raises), over arrays: the
    steps of `Profile.scorer` in its order, from the profile's own choices (formula, rounding, bands, grades)."""
    from .numbers import round_half_up_array
    from .profile import holds_array

    spec = prof.spec
    rnd, dec = prof.rounding_array()
    f = prof.capaian_formula(node.polarity, node.method)
    with np.errstate(all="ignore"):
        if spec.rounding.actual_first:
            r = rnd(r, dec)
        low, high = np.minimum(tg.low, tg.high), np.maximum(tg.low, tg.high)
        inside = tg.is_range & (r >= low) & (r <= high)
        t = np.where(tg.is_range, np.where(r < low, low, high), tg.low)
        c = f.evaluate_array({"R": r, "T": t})
        bad = ok & ~inside & np.isnan(c)
        if spec.achievement.cap is not None:
            c = np.minimum(c, spec.achievement.cap)
        if spec.achievement.floor is not None:
            c = np.maximum(c, spec.achievement.floor)
        c = np.where(inside, 100.0, rnd(c, dec))
        score = np.full(r.shape, np.nan)
        if prof.bands:
            cb = round_half_up_array(c, spec.rounding.before_bands) if spec.rounding.before_bands is not None else c
            chosen = ~ok | bad
            mts = spec.score.max_target_score
            if node.max_target and mts is not None:
                top = ~chosen & (cb == 100)
                score = np.where(top, mts, score)
                chosen |= top
            for band in prof.bands:
                m = ~chosen & holds_array(band.spec, cb)
                if m.any():
                    v = round_half_up_array(np.broadcast_to(band.formula.evaluate_array({"C": cb}), r.shape), dec)
                    score = np.where(m, v, score)
                    bad |= m & np.isnan(v)
                chosen |= m
            bad |= ~chosen
        grade_src = np.where(np.isnan(score), c, score) if spec.grades.of == "nilai" and prof.bands else c
        grade = np.full(r.shape, -1)
        for k in range(len(spec.grades.steps) - 1, -1, -1):
            grade = np.where(grade_src >= spec.grades.steps[k].at_least, k, grade)
    return c, score, grade, bad
