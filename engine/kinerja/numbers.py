"""Numbers as people write them, and rounding as spreadsheets do it.

Used by the loader (targets written as in the document: "59,73%", "2.608 Giat") and by the data reader
(realisasi exported from an Indonesian-locale spreadsheet). Rounding is half away from zero on the decimal
text of the number, so 2.675 rounds to 2.68 as in a spreadsheet, not 2.67 as binary floats would.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_EXACT = 2.0**52  # from here on every double is an integer: nothing left to round
BLANKS = frozenset({"", "-", "–", "—", "_"})
_NUM = re.compile(r"^\s*([+-]?)\s*([0-9][0-9.,]*)\s*(.*?)\s*$", re.S)  # ASCII digits only: "١٢" is not 12
_THOUSANDS_DOT = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")


class NumberFormatError(ValueError):
    """Text that is not a number in the expected convention; `.ambiguous` is set when it could be two."""

    def __init__(self, text: str, detail: str, ambiguous: bool = False) -> None:
        super().__init__(detail)
        self.text = text
        self.detail = detail
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class Written:
    """A figure as written: its number, the unit text that followed it (if any) and the original text."""

    value: float | None
    unit: str | None
    text: str


def parse_written(text: object, convention: str = "id") -> Written:
    """Read a figure such as "59,73%", "2.608 Giat", "16, 67 %", "0,3 jam", 12, or "-".

    Args:
        text: the cell or TOML value; numbers pass through, blank or "-" means none.
        convention: "id" (decimal comma, thousands dot; a dot followed by other than groups of three
            digits is read as a decimal point, as the document sometimes writes "66.67 %"),
            "en" (decimal point, thousands comma) or "plain" (decimal point, no grouping).

    Raises:
        NumberFormatError: the text is not a number in that convention.
    """
    if isinstance(text, bool):
        raise NumberFormatError(str(text), "a true/false value is not a number")
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an integer beyond any float (JSON allows one)
            raise NumberFormatError(f"{str(text)[:20]}…", "not a finite number") from None
        if not math.isfinite(value):
            raise NumberFormatError(str(text), "not a finite number")
        return Written(value, None, str(text))
    if text is None:
        return Written(None, None, "")
    raw = str(text)
    s = " ".join(raw.split())
    if s.strip() in BLANKS:
        return Written(None, None, raw)
    # "16, 67 %": a space after a separator inside a number is a typing slip, not two numbers.
    s = re.sub(r"([0-9][.,])\s+(?=[0-9])", r"\1", s)
    m = _NUM.match(s)
    if not m:
        raise NumberFormatError(raw, "no number found")
    sign, digits, rest = m.groups()
    value = _digits(digits, convention, raw)
    unit = rest.strip() or None
    if unit == "%":
        unit = "persen"
    elif unit and unit.startswith("%"):
        unit = "persen" + unit[1:]
    if sign == "-":
        value = -value
    return Written(value, unit, raw)


def _digits(d: str, convention: str, raw: str) -> float:
    if len(d) > 1 and d[-1] in ".,":
        d = d[:-1]  # "1." as a list number, "12," before a unit
    if convention == "plain":
        if "," in d:
            raise NumberFormatError(raw, "comma in a plain number")
        return _to_float(d, raw)
    dec, grp = (",", ".") if convention == "id" else (".", ",")
    if dec in d and grp in d:
        if d.rfind(dec) < d.rfind(grp):
            raise NumberFormatError(raw, f"'{dec}' before '{grp}'")
        whole, frac = d.rsplit(dec, 1)
        if not (_THOUSANDS_DOT if grp == "." else _THOUSANDS_COMMA).match(whole):
            raise NumberFormatError(raw, f"misplaced '{grp}'")
        return _to_float(whole.replace(grp, "") + "." + frac, raw)
    if dec in d:
        if d.count(dec) > 1:
            raise NumberFormatError(raw, f"more than one '{dec}'")
        return _to_float(d.replace(dec, "."), raw)
    if grp in d:
        if (_THOUSANDS_DOT if grp == "." else _THOUSANDS_COMMA).match(d):
            return _to_float(d.replace(grp, ""), raw)
        if convention == "id" and d.count(".") == 1:
            return _to_float(d, raw)  # "66.67": not thousands, so a decimal point
        raise NumberFormatError(raw, f"misplaced '{grp}'")
    return _to_float(d, raw)


def _to_float(s: str, raw: str) -> float:
    try:
        v = float(s)
    except ValueError as e:
        raise NumberFormatError(raw, "not a number") from e
    if not math.isfinite(v):
        raise NumberFormatError(raw, "not a finite number")
    return v


def is_ambiguous_thousands(text: str) -> bool:
    """True for text like "1.234" that reads as 1234 (Indonesian) or 1.234 (English)."""
    return bool(_THOUSANDS_DOT.match(text.strip())) and text.count(".") == 1


def round_half_up(x: float, decimals: int) -> float:
    """Round half away from zero as a spreadsheet does (2.675 → 2.68, where binary `round` gives 2.67).

    A tie is decided on the number's shortest decimal text: x is a tie exactly when it is the double nearest
    to the decimal halfway point, which is what `Decimal(repr(x))` would see. Same algorithm as
    `round_half_up_array`, so the per-unit and the batch paths agree to the bit.
    """
    if not math.isfinite(x):
        return x
    p = 10.0**decimals
    a = abs(x)
    if a * p >= _EXACT:
        return x  # already an integer at this precision (and floor() of a huge number is not a float)
    f = math.floor(a * p)
    r = f + 1 if a >= (f + 0.5) / p else f
    return math.copysign(r / p, x)


def truncate(x: float, decimals: int) -> float:
    """Cut off after `decimals` digits (spreadsheet TRUNC), judged on the shortest decimal text of x."""
    if not math.isfinite(x):
        return x
    p = 10.0**decimals
    a = abs(x)
    if a * p >= _EXACT:
        return x
    f = math.floor(a * p)
    if a >= (f + 1) / p:
        f += 1
    elif a < f / p:
        f -= 1
    return math.copysign(f / p, x)


def round_half_up_array(x: Any, decimals: int) -> Any:
    """`round_half_up` over a numpy array (NaN stays NaN)."""
    import numpy as np

    p = 10.0**decimals
    a = np.abs(x)
    f = np.floor(a * p)
    r = np.where(a >= (f + 0.5) / p, f + 1, f)
    return np.where(a * p >= _EXACT, x, np.copysign(r / p, x))


def truncate_array(x: Any, decimals: int) -> Any:
    """`truncate` over a numpy array (NaN stays NaN)."""
    import numpy as np

    p = 10.0**decimals
    a = np.abs(x)
    f = np.floor(a * p)
    f = np.where(a >= (f + 1) / p, f + 1, np.where(a < f / p, f - 1, f))
    return np.where(a * p >= _EXACT, x, np.copysign(f / p, x))


def round_decimal_reference(x: float, decimals: int, mode: str = "half-up") -> float:
    """The slow reference: round the shortest decimal text of x with `decimal` (tests cross-check)."""
    if not math.isfinite(x):
        return x
    rounding = ROUND_HALF_UP if mode == "half-up" else ROUND_DOWN
    try:
        return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=rounding))
    except InvalidOperation:
        return x


def format_id(x: float | None, decimals: int = 2) -> str:
    """Format a number the Indonesian way: thousands dot, decimal comma, trailing zeros dropped."""
    if x is None:
        return "-"
    s = f"{x:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if "," in s:
        s = s.rstrip("0").rstrip(",")
    return s
