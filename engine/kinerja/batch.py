"""Evaluate phase, columnar: score many units against one compiled plan at once.

Every node is evaluated over numpy arrays with one row per unit, through the same compiled formulas and
profile rules as the per-unit path (`evaluate.py`), and gives the same numbers and statuses. Targets may
differ per unit. Traces are not built here (ask `Plan.score` for one unit when an auditor needs it).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError, Problem, close_matches
from .numbers import NumberFormatError, parse_written, round_half_up_array, truncate_array
from .periods import MONTHS, TARGET_FROM_QUARTERS, Period, months_of
from .result import NodeResult, Scorecard

if TYPE_CHECKING:
    from .compiler import Node
    from .plan import Plan
    from .profile import Profile

SCORED, NO_DATA, NO_TARGET, ERROR = 0, 1, 2, 3
STATUS_NAMES = ("scored", "no_data", "no_target", "error")
_AGG = {"jumlah": "sum", "terakhir": "last", "rata_rata": "mean", "maksimum": "max", "minimum": "min"}


@dataclass
class Table:
    """A long table of realisasi (and optional per-unit targets) for many units.

    Attributes:
        units: unit names in order of first appearance.
        values: (key, period) → array over units (NaN = missing); key is a node id or `node.input`.
        targets: (node id, period or "tahun") → array over units of per-unit targets (NaN = the plan's).
        problems: rows refused while reading.
        refused: (key, period) → {unit index: the problem of the row refused for that cell}; a result that
            reads such a cell is an error with the problem as its reason, as in the per-unit path.
    """

    units: list[str]
    values: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    targets: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused: dict[tuple[str, str], dict[int, Problem]] = field(default_factory=dict)


def read_table(source: str | Path | Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]]) -> Table:
    """Read a long table with columns `unit`, `id`, `periode`, `realisasi` and optional `target`.

    Accepts a CSV path (`;` with decimal comma, or `,`), a Parquet path (needs pyarrow), a dict of columns,
    or an iterable of row dicts. Numbers must be plain (no units): the batch path is for machine-made data.
    """
    cols: dict[str, list[Any]]
    display = "<tabel>"
    convention = "plain"
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
            convention = "id" if delim == ";" else "plain"
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
    for c in ("unit", "id", "periode"):
        if c not in cols:
            raise DataError([Problem("data-missing-column", file=display, args={"column": c})])
    units: dict[str, int] = {}
    for u in cols["unit"]:
        units.setdefault(str(u), len(units))
    n = len(units)
    table = Table(list(units))
    for colname, store in (("realisasi", table.values), ("target", table.targets)):
        if colname not in cols:
            continue
        for i, (u, key, per, raw) in enumerate(
            zip(cols["unit"], cols["id"], cols["periode"], cols[colname], strict=True)
        ):
            if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
                continue
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                value = float(raw)
            else:
                try:
                    w = parse_written(raw, convention)
                except NumberFormatError as e:
                    per_ = str(per).strip().upper()
                    prob = Problem(
                        "data-bad-value",
                        "error",
                        display,
                        str(key),
                        colname,
                        {"text": str(raw), "detail": e.detail, "unit": str(u), "period": per_},
                        row=i + 2,
                    )
                    table.problems.append(prob)
                    if colname == "realisasi":
                        table.refused.setdefault((str(key), per_), {})[units[str(u)]] = prob
                    continue
                if w.value is None:
                    continue
                value = w.value
            cell = (str(key), str(per).strip().upper())
            arr = store.get(cell)
            if arr is None:
                arr = store[cell] = np.full(n, np.nan)
            arr[units[str(u)]] = value
    return table


@dataclass(frozen=True)
class BatchResult:
    """Scores of many units: per node, arrays over units (target, actual, achievement, score, grade, status).

    `result(unit, node_id)` and `scorecard(unit)` give the same values `Plan.score` would (without trace).
    """

    plan: Plan = field(repr=False)
    period: str
    units: tuple[str, ...]
    columns: dict[str, dict[str, np.ndarray]] = field(repr=False)
    problems: tuple[Problem, ...] = ()
    refusals: dict[str, dict[int, Problem]] = field(default_factory=dict, repr=False)  # node → unit → refused row

    def result(self, unit: str, node_id: str) -> NodeResult:
        """One node's result for one unit."""
        i = self.units.index(unit)
        c = self.columns[node_id]
        node = self.plan.by_id[node_id]
        status = STATUS_NAMES[int(c["status"][i])]

        def val(name: str) -> float | None:
            v = float(c[name][i])
            return None if math.isnan(v) else v

        target: float | tuple[float, float] | None
        lo, hi = val("target"), val("target_high")
        target = (lo, hi) if lo is not None and hi is not None and isinstance(node.target, tuple) else lo
        g = int(c["grade"][i])
        grade = self.plan_grade(node, g)
        coverage, left_out = self._coverage(node, i)
        return NodeResult(
            node_id,
            target,
            val("actual"),
            val("achievement"),
            val("score"),
            grade,
            status,
            "",
            node.unit,
            (),
            coverage,
            left_out,
        )

    def _coverage(self, node: Node, i: int) -> tuple[float | None, tuple[str, ...]]:
        """An index's coverage for unit `i` and its components left out (None, () for other nodes)."""
        c = self.columns[node.id]
        if "coverage" not in c:
            return None, ()
        cov = float(c["coverage"][i])
        left = tuple(r for r, out in zip(node.refs, c["left_out"][i], strict=True) if out)
        return (None if math.isnan(cov) else cov), left

    def reason(self, unit: str, node_id: str) -> str:
        """Why a result is not scored, in the plan's language (refused rows by their own problem)."""
        from .evaluate import REASONS, STATUS_WORDS

        i = self.units.index(unit)
        return self._reason(i, self.plan.by_id[node_id], REASONS, STATUS_WORDS)

    def _reason(self, i: int, node: Node, reasons: Any, words: Any) -> str:
        lang = "en" if self.plan.language == "en" else "id"
        c = self.columns[node.id]
        st = int(c["status"][i])
        if st == SCORED:
            return ""
        prob = self.refusals.get(node.id, {}).get(i)
        if prob is not None:
            row = "row" if lang == "en" else "baris"
            where = f"{prob.file} {row} {prob.row}"
            return str(reasons["refused"][lang == "en"].format(where=where, detail=prob.message(lang)))
        text = str(words[lang][STATUS_NAMES[st]])
        cov, left = self._coverage(node, i)
        if cov is not None and left:
            from .evaluate import percent_text

            joined = ", ".join(left)
            text += (
                f"; cakupan {percent_text(cov, lang)} bobot, tidak dinilai: {joined}"
                if lang != "en"
                else (f"; coverage {percent_text(cov, lang)} of the weight, not scored: {joined}")
            )
        return text

    def plan_grade(self, node: Node, index: int) -> str | None:
        if index < 0 or node.profile is None:
            return None
        step = node.profile.spec.grades.steps[index]
        return step.grade_en if self.plan.language == "en" and step.grade_en else step.grade

    def scorecard(self, unit: str) -> Scorecard:
        """All node results for one unit (no trace)."""
        return Scorecard(self.plan, self.period, {n.id: self.result(unit, n.id) for n in self.plan.nodes}, ())

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
        """One dict per (unit, node), for CSV or JSON output, with the reason a result is not scored and, for
        an index, its coverage and the components left out."""
        from .evaluate import REASONS, STATUS_WORDS

        for i, u in enumerate(self.units):
            for n in self.plan.nodes:
                c = self.columns[n.id]
                coverage, left_out = self._coverage(n, i)
                yield {
                    "unit": u,
                    "id": n.id,
                    "target": _f(c["target"][i]),
                    "actual": _f(c["actual"][i]),
                    "achievement": _f(c["achievement"][i]),
                    "score": _f(c["score"][i]),
                    "grade": self.plan_grade(n, int(c["grade"][i])),
                    "status": STATUS_NAMES[int(c["status"][i])],
                    "reason": self._reason(i, n, REASONS, STATUS_WORDS),
                    "coverage": coverage,
                    "left_out": ", ".join(left_out),
                }


def _f(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


# ------------------------------------------------------------------------------------------- scoring


def score_many(plan: Plan, table: Table, period: Period) -> BatchResult:
    """Score every unit of `table` for `period`; see `Plan.score_many`."""
    n = len(table.units)
    problems = list(table.problems)
    keys = _known_keys(plan)
    for (key, per), _ in table.values.items():
        if key not in keys:
            problems.append(
                Problem(
                    "data-unknown-id", "error", "<tabel>", key, "id", {"id": key}, suggestions=close_matches(key, keys)
                )
            )
        elif per not in (MONTHS if keys[key] else plan.periods):
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
    cols: dict[str, dict[str, np.ndarray]] = {}
    refusals: dict[str, dict[int, Problem]] = {}
    for nid in plan.order:
        node = plan.by_id[nid]
        cols[nid] = _node(node, plan, table, period, cols, n)
        if table.refused:
            _refuse(node, table, period, cols[nid], refusals)
    return BatchResult(plan, period.label, tuple(table.units), cols, tuple(problems), refusals)


def _refuse(node: Node, table: Table, period: Period, out: dict[str, np.ndarray], refusals: dict) -> None:
    """A result that reads a cell whose row was refused is an error (mirrors evaluate._refused_or_nil)."""
    keys = [node.id] if node.mode == "direct" else []
    keys += [f"{node.id}.{name}" for name, inp in node.inputs.items() if node.formula and name in node.formula.names]
    found: dict[int, Problem] = {}
    for key in keys:
        inp = node.inputs.get(key.partition(".")[2]) if "." in key else None
        members = months_of(period.members) if inp is not None and inp.monthly else period.members
        for p in members:
            for i, prob in table.refused.get((key, p), {}).items():
                found.setdefault(i, prob)
    if not found:
        return
    rows = np.array(sorted(found))
    out["status"][rows] = ERROR
    for name in ("actual", "achievement", "score"):
        out[name][rows] = np.nan
    out["grade"][rows] = -1
    refusals[node.id] = found


def _known_keys(plan: Plan) -> dict[str, bool]:
    keys: dict[str, bool] = {}
    for node in plan.nodes:
        if node.mode == "direct":
            keys[node.id] = False
        for name, inp in node.inputs.items():
            keys[f"{node.id}.{name}"] = inp.monthly
    return keys


def _matrix(table: Table, key: str, members: Sequence[str], n: int) -> np.ndarray:
    out = np.full((n, len(members)), np.nan)
    for j, p in enumerate(members):
        a = table.values.get((key, p))
        if a is not None:
            out[:, j] = a
    return out


def _targets(node: Node, table: Table, periods: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-unit quarterly targets (n, P) and annual low/high (n,), the plan's unless the table overrides."""
    q = np.empty((n, len(periods)))
    for j, p in enumerate(periods):
        base = node.period_targets[p]
        q[:, j] = np.nan if base is None else base
        o = table.targets.get((node.id, p))
        if o is not None:
            q[:, j] = np.where(np.isnan(o), q[:, j], o)
    t = node.target
    lo = np.full(n, np.nan if t is None else (t[0] if isinstance(t, tuple) else t))
    hi = np.full(n, np.nan if t is None else (t[1] if isinstance(t, tuple) else t))
    for key in ("TAHUN", "YEAR"):
        o = table.targets.get((node.id, key))
        if o is not None:
            lo = np.where(np.isnan(o), lo, o)
            hi = np.where(np.isnan(o), hi, o)
    return q, lo, hi


def _aggregate(how: str, x: np.ndarray) -> np.ndarray:
    """Aggregate present values along axis 1 exactly as `periods.AGGREGATIONS` does per unit."""
    present = ~np.isnan(x)
    if how == "sum":
        acc = np.zeros(x.shape[0])
        for j in range(x.shape[1]):  # left to right, as the per-unit path
            acc = np.where(present[:, j], acc + np.where(present[:, j], x[:, j], 0.0), acc)
        return acc
    if how == "mean":
        acc = _aggregate("sum", x)
        with np.errstate(all="ignore"):
            return acc / present.sum(axis=1)
    if how == "last":
        idx = np.where(present, np.arange(x.shape[1]), -1).max(axis=1)
        return np.where(idx >= 0, x[np.arange(x.shape[0]), np.maximum(idx, 0)], np.nan)
    with np.errstate(all="ignore"):
        if how == "max":
            return np.where(present.any(axis=1), np.nanmax(np.where(present, x, -np.inf), axis=1), np.nan)
        return np.where(present.any(axis=1), np.nanmin(np.where(present, x, np.inf), axis=1), np.nan)


def _series(
    key: str, table: Table, members: Sequence[str], required: np.ndarray, fixed: float | None, how: str, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Aggregated value and missing-mask over units (mirrors evaluate._series + aggregation)."""
    x = _matrix(table, key, members, n)
    if fixed is not None:
        x = np.where(required & np.isnan(x), fixed, x)
    missing = (required & np.isnan(x)).any(axis=1) | np.isnan(x).all(axis=1)
    return _aggregate(how, x), missing


def _node(
    node: Node, plan: Plan, table: Table, period: Period, cols: Mapping[str, dict[str, np.ndarray]], n: int
) -> dict[str, np.ndarray]:
    nan = np.full(n, np.nan)
    status = np.full(n, NO_DATA, dtype=np.int8)
    out = {
        "target": nan.copy(),
        "target_high": nan.copy(),
        "actual": nan.copy(),
        "achievement": nan.copy(),
        "score": nan.copy(),
        "grade": np.full(n, -1, dtype=np.int8),
        "status": status,
    }
    if node.mode == "group":
        status[:] = NO_TARGET
        return out
    periods = plan.periods
    q, lo_year, hi_year = _targets(node, table, periods, n)
    idx = [periods.index(p) for p in period.members]
    tq = q[:, idx]
    # target for the period
    if period.kind == "single":
        t_lo = t_hi = tq[:, 0]
    elif period.kind == "year" and node.target is not None:
        t_lo, t_hi = lo_year, hi_year
    else:
        how_t = _AGG[TARGET_FROM_QUARTERS[node.semantics]]
        if how_t == "last":
            t_lo = tq[:, -1]
        else:
            t_lo = _aggregate(how_t, tq)
            t_lo = np.where(np.isnan(tq).all(axis=1), np.nan, t_lo)
        t_hi = t_lo
    # which periods need realisasi (mirrors evaluate._required)
    how = _AGG[node.aggregation]
    if period.kind == "single":
        required = np.ones((n, 1), dtype=bool)
    elif how == "last":
        required = np.zeros((n, len(idx)), dtype=bool)
        required[:, -1] = True
    else:
        has_t = ~np.isnan(tq)
        required = np.where(has_t.any(axis=1)[:, None], has_t, True)
    err = np.zeros(n, dtype=bool)
    if node.mode == "direct":
        actual, missing = _series(node.id, table, period.members, required, None, how, n)
    elif node.mode == "formula":
        assert node.formula is not None
        if node.per_period and period.kind != "single":
            # mirrors evaluate.py: quarter by quarter, the first failing quarter decides the status
            per = np.full((n, len(period.members)), np.nan)
            nd = np.zeros(n, dtype=bool)
            decided = np.zeros(n, dtype=bool)
            for j, p in enumerate(period.members):
                a_j, m_j, e_j = _formula_arrays(node, table, (p,), required[:, j : j + 1], cols, n)
                e_j = e_j | (~m_j & np.isnan(a_j))
                stop_nd = required[:, j] & m_j & ~decided
                nd |= stop_nd
                decided |= stop_nd
                stop_err = ~m_j & e_j & ~decided
                err |= stop_err
                decided |= stop_err
                per[:, j] = np.where(~m_j & ~e_j, a_j, np.nan)
            none = np.isnan(per).all(axis=1) & ~decided
            missing = nd | none
            actual = _aggregate(how, per)
        else:
            actual, missing, ferr = _formula_arrays(node, table, period.members, required, cols, n)
            err |= ferr
    else:  # index
        actual, missing, out["coverage"], out["left_out"] = _index(node, plan, cols, n)
    err |= ~missing & np.isnan(actual)
    out["actual"] = np.where(missing | err, np.nan, actual)
    no_target = np.isnan(t_lo)
    # errors are errors whatever the target (mirrors evaluate._score_node)
    status[:] = np.where(err & ~missing, ERROR, np.where(no_target, NO_TARGET, np.where(missing, NO_DATA, NO_TARGET)))
    ok = ~missing & ~err & ~np.isnan(t_lo)
    out["target"], out["target_high"] = t_lo, t_hi
    if ok.any():
        assert node.profile is not None
        ach, score, grade, bad = _profile_arrays(node, node.profile, t_lo, t_hi, out["actual"], ok)
        out["achievement"] = np.where(ok & ~bad, ach, np.nan)
        out["score"] = np.where(ok & ~bad, score, np.nan)
        out["grade"] = np.where(ok & ~bad, grade, -1).astype(np.int8)
        status[:] = np.where(ok, np.where(bad, ERROR, SCORED), status)
    return out


def _formula_arrays(
    node: Node,
    table: Table,
    period_members: tuple[str, ...],
    required: np.ndarray,
    cols: Mapping[str, dict[str, np.ndarray]],
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A formula over columns: value, no-data mask and error mask (mirrors evaluate._formula_value)."""
    assert node.formula is not None
    env: dict[str, np.ndarray] = {}
    missing = np.zeros(n, dtype=bool)
    err = np.zeros(n, dtype=bool)
    for name, inp in node.inputs.items():
        if name not in node.formula.names:
            continue
        ihow = _AGG[inp.aggregation or node.aggregation]
        key = f"{node.id}.{name}"
        members = months_of(period_members) if inp.monthly else period_members
        req = np.repeat(required, 3, axis=1) if inp.monthly else required
        any_data = ~np.isnan(_matrix(table, key, members, n)).all(axis=1)
        if inp.value is not None:
            v, m = _series(key, table, members, req, inp.value, ihow, n)
            env[name] = np.where(any_data, v, inp.value)
            missing |= np.where(any_data, m, False)
        else:
            v, m = _series(key, table, members, req, None, ihow, n)
            env[name] = v
            missing |= m
    for ref in node.refs:
        r = cols[ref]
        env[ref] = r["actual"]
        missing |= np.isnan(r["actual"]) & (r["status"] != ERROR)
        err |= np.isnan(r["actual"]) & (r["status"] == ERROR)
    with np.errstate(all="ignore"):
        actual = (
            node.formula.evaluate_array(env) if env or not node.formula.names else np.full(n, node.formula.evaluate({}))
        )
    return np.broadcast_to(actual, (n,)).astype(float), missing, err


def _index(
    node: Node, plan: Plan, cols: Mapping[str, dict[str, np.ndarray]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Value, no-data mask, coverage and left-out matrix (units × refs) of an index (mirrors evaluate._index)."""
    from .evaluate import min_coverage

    src = {"capaian": "achievement", "nilai": "score", "realisasi": "actual"}[node.index_from]
    left = np.zeros((n, len(node.refs)), dtype=bool)
    applicable = np.zeros(n)
    position = {ref: k for k, ref in enumerate(node.refs)}
    for ref, w in sorted(zip(node.refs, node.weights, strict=True)):  # id order, as evaluate sums the weights
        present = ~np.isnan(cols[ref][src])
        applies = present | (cols[ref]["status"] != NO_TARGET)  # no target: not planned for the period
        left[:, position[ref]] = applies & ~present
        applicable = np.where(applies, applicable + w, applicable)
    num = np.zeros(n)
    den = np.zeros(n)
    logs = np.zeros(n)
    zero = np.zeros(n, dtype=bool)
    neg = np.zeros(n, dtype=bool)
    for ref, w in sorted(zip(node.refs, node.weights, strict=True)):  # id order, as evaluate._index
        v = cols[ref][src]
        present = ~np.isnan(v)
        used = np.minimum(v, 100.0) if node.cap_contribution else v
        den = np.where(present, den + w, den)
        if node.index_method == "geometrik":
            zero |= present & (used == 0)
            neg |= present & (used < 0)
            with np.errstate(all="ignore"):
                lg = np.frompyfunc(lambda x: math.log(x) if x > 0 else 0.0, 1, 1)(np.where(present, used, 1.0)).astype(
                    float
                )
            logs = np.where(present, logs + w * lg, logs)
        else:
            num = np.where(present, num + w * np.where(present, used, 0.0), num)
    any_left = left.any(axis=1)
    with np.errstate(all="ignore"):
        coverage = np.where(any_left, np.where(applicable > 0, den / applicable, 0.0), 1.0)
    missing = (den == 0) | (any_left & (coverage * 100 < min_coverage(plan, node)))
    with np.errstate(all="ignore"):
        if node.index_method == "geometrik":
            val = np.asarray(
                np.frompyfunc(math.exp, 1, 1)(np.where(missing, 0.0, logs / np.where(missing, 1.0, den))), dtype=float
            )
            val = np.where(zero, 0.0, val)
            val = np.where(neg, np.nan, val)
        else:
            val = num / den
    return np.where(missing, np.nan, val), missing, coverage, left


def _profile_arrays(
    node: Node, prof: Profile, t_lo: np.ndarray, t_hi: np.ndarray, r: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Capaian, nilai, predikat index and an error mask, vectorised; mirrors Profile.achievement/score/grade."""
    spec = prof.spec
    rnd = round_half_up_array if spec.rounding.mode in ("setengah_ke_atas", "half-up") else truncate_array
    dec = spec.rounding.decimals
    with np.errstate(all="ignore"):
        if spec.rounding.actual_first:
            r = rnd(r, dec)
        is_range = isinstance(node.target, tuple)
        inside = is_range & (r >= t_lo) & (r <= t_hi)
        t = np.where(r < t_lo, t_lo, t_hi) if is_range else t_lo
        if node.polarity == "positive":
            f = prof.positive
        elif (node.method or spec.achievement.negative_method) in ("invers", "inverse"):
            f = prof.negative_inverse
        else:
            f = prof.negative
        c = f.evaluate_array({"R": r, "T": t})
        bad = ~np.isfinite(c) & ok & ~inside
        if spec.achievement.cap is not None:
            c = np.minimum(c, spec.achievement.cap)
        if spec.achievement.floor is not None:
            c = np.maximum(c, spec.achievement.floor)
        c = rnd(c, dec)
        c = np.where(inside, 100.0, c)
        score = np.full(r.shape, np.nan)
        if prof.bands:
            cb = round_half_up_array(c, spec.rounding.before_bands) if spec.rounding.before_bands is not None else c
            chosen = np.zeros(r.shape, dtype=bool)
            for band in prof.bands:
                b = band.spec
                m = ~chosen & np.isfinite(cb)
                if b.above is not None:
                    m &= cb > b.above
                if b.at_least is not None:
                    m &= cb >= b.at_least
                if b.below is not None:
                    m &= cb < b.below
                if b.at_most is not None:
                    m &= cb <= b.at_most
                if b.equals is not None:
                    m &= cb == b.equals
                if m.any():
                    v = band.formula.evaluate_array({"C": cb})
                    score = np.where(m, round_half_up_array(np.broadcast_to(v, r.shape), dec), score)
                chosen |= m
            mts = spec.score.max_target_score
            if node.max_target and mts is not None:
                score = np.where(cb == 100, mts, score)
                chosen |= cb == 100
            bad |= ok & ~chosen & ~bad
        grade_src = score if spec.grades.of == "nilai" and prof.bands else c
        grade = np.full(r.shape, -1)
        for k in range(len(spec.grades.steps) - 1, -1, -1):
            grade = np.where(grade_src >= spec.grades.steps[k].at_least, k, grade)
    return c, score, grade, bad
