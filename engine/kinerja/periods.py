"""Periods: the quarters (or months) of a plan, the periods a score can be asked for, and the period
semantics that say how quarterly targets and realisasi relate to the year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

QUARTERS = ("TW1", "TW2", "TW3", "TW4")
MONTHS = tuple(f"B{m:02d}" for m in range(1, 13))
PERIOD_SETS = {"triwulan": QUARTERS, "bulan": MONTHS}


def _last(xs: Sequence[float]) -> float:
    return xs[-1]


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


# The array twins below aggregate the present (non-NaN) values of each row of a (units, periods) matrix with
# the same operations in the same order as the scalar forms over the present values (NaN when none is
# present); numpy is imported only when arrays are aggregated (`kinerja check` never does).


def _sum_array(x: Any) -> Any:
    import numpy as np

    present = ~np.isnan(x)
    acc = np.zeros(x.shape[0])
    for j in range(x.shape[1]):  # left to right, as `sum` over the list
        acc = np.where(present[:, j], acc + np.where(present[:, j], x[:, j], 0.0), acc)
    return np.where(present.any(axis=1), acc, np.nan)


def _last_array(x: Any) -> Any:
    import numpy as np

    present = ~np.isnan(x)
    idx = np.where(present, np.arange(x.shape[1]), -1).max(axis=1)
    return np.where(idx >= 0, x[np.arange(x.shape[0]), np.maximum(idx, 0)], np.nan)


def _mean_array(x: Any) -> Any:
    import numpy as np

    with np.errstate(all="ignore"):
        return _sum_array(x) / (~np.isnan(x)).sum(axis=1)


def _max_array(x: Any) -> Any:
    import numpy as np

    present = ~np.isnan(x)
    return np.where(present.any(axis=1), np.where(present, x, -np.inf).max(axis=1), np.nan)


def _min_array(x: Any) -> Any:
    import numpy as np

    present = ~np.isnan(x)
    return np.where(present.any(axis=1), np.where(present, x, np.inf).min(axis=1), np.nan)


class Aggregation(NamedTuple):
    """How the values of several periods combine: English name, the scalar form over a list of the present
    values, and its array twin over the rows of a matrix (NaN = not present). One entry per rule, so the
    per-unit and the batch path cannot have different sets of aggregations."""

    name: str
    scalar: Callable[[Sequence[float]], float]
    array: Callable[[Any], Any]


# aggregation name (Indonesian key) -> (English name, function, array function)
AGGREGATIONS: dict[str, Aggregation] = {
    # left-to-right sums, as the batch path does them: whole rupiah below 2**53 stay exact
    "jumlah": Aggregation("sum", lambda xs: float(sum(xs)), _sum_array),
    "terakhir": Aggregation("last", _last, _last_array),
    "rata_rata": Aggregation("mean", _mean, _mean_array),
    "maksimum": Aggregation("max", max, _max_array),
    "minimum": Aggregation("min", min, _min_array),
}

# semantics -> default aggregation of realisasi and of quarterly targets
SEMANTICS: dict[str, str] = {
    "jumlah": "jumlah",
    "kumulatif": "terakhir",
    "tetap": "rata_rata",
    "batas": "rata_rata",
    "bagi_rata": "jumlah",
}
# how the year's target follows from the quarters, for the lint and for plans without an annual target
TARGET_FROM_QUARTERS: dict[str, str] = {
    "jumlah": "jumlah",
    "kumulatif": "terakhir",
    "tetap": "terakhir",
    "batas": "terakhir",
    "bagi_rata": "jumlah",
}


@dataclass(frozen=True)
class Period:
    """A period a score is asked for: one quarter, year to date, or the whole year.

    Attributes:
        label: as asked ("TW2", "sd-TW2", "2025").
        kind: "single", "ytd" or "year".
        members: the plan periods it covers, in order.
    """

    label: str
    kind: str
    members: tuple[str, ...]


def parse_period(text: str, periods: Sequence[str], year: int) -> Period:
    """Read "TW2", "sd-TW2" (also "s.d. TW2", "YTD-TW2"), "2025" or "tahun".

    Raises ValueError listing the valid choices.
    """
    t = str(text).strip()
    up = t.upper().replace(" ", "")
    if up in periods:
        return Period(up, "single", (up,))
    m = re.fullmatch(r"(?:SD|S\.D\.|YTD)[-_.]?(\w+)", up)
    if m and m.group(1) in periods:
        end = periods.index(m.group(1)) + 1
        return Period(f"sd-{m.group(1)}", "ytd", tuple(periods[:end]))
    if up in (str(year), "TAHUN", "YEAR", "TAHUNAN"):
        return Period(str(year), "year", tuple(periods))
    choices = ", ".join([*periods, f"sd-{periods[1]}", str(year)])
    raise ValueError(f"unknown period '{text}'; choices: {choices}")


def months_of(periods: Sequence[str]) -> tuple[str, ...]:
    """The months (B01..B12) of quarters (TW1..TW4); months pass through unchanged."""
    out: list[str] = []
    for p in periods:
        if p in QUARTERS:
            k = QUARTERS.index(p)
            out.extend(MONTHS[3 * k : 3 * k + 3])
        else:
            out.append(p)
    return tuple(out)


def month_columns(periods: Sequence[str]) -> tuple[int, ...]:
    """For each month of `months_of(periods)`, the index in `periods` of the period it belongs to (to spread a
    per-period mask over the months, whatever the number of months in each period)."""
    return tuple(j for j, p in enumerate(periods) for _ in months_of((p,)))
