"""Periods: the quarters (or months) of a plan, the periods a score can be asked for, and the period
semantics that say how quarterly targets and realisasi relate to the year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

QUARTERS = ("TW1", "TW2", "TW3", "TW4")
MONTHS = tuple(f"B{m:02d}" for m in range(1, 13))
PERIOD_SETS = {"triwulan": QUARTERS, "bulan": MONTHS}


def _last(xs: Sequence[float]) -> float:
    return xs[-1]


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


# aggregation name (Indonesian key) -> (English name, function)
AGGREGATIONS: dict[str, tuple[str, Callable[[Sequence[float]], float]]] = {
    # left-to-right sums, as the batch path does them: whole rupiah below 2**53 stay exact
    "jumlah": ("sum", lambda xs: float(sum(xs))),
    "terakhir": ("last", _last),
    "rata_rata": ("mean", _mean),
    "maksimum": ("max", max),
    "minimum": ("min", min),
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
