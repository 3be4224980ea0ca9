"""Numbers as people write them, and rounding as spreadsheets do it.

Used by the loader (targets written as in the document: "59,73%", "2.608 Giat") and by the data reader
(realisasi exported from a spreadsheet, in whichever convention the file uses: `decide_convention`). Rounding
is a spreadsheet's: half away from zero (or truncation) of the number as a spreadsheet shows it, at 15
significant digits, so 2.675 rounds to 2.68 and 40.18 / 80 * 100 to 50.23, not 2.67 and 50.22 as binary
floats would.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

BLANKS = frozenset({"", "-", "–", "—", "_"})
_NUM = re.compile(r"^\s*([+-]?)\s*([0-9][0-9.,]*)\s*(.*?)\s*$", re.S)  # ASCII digits only: "١٢" is not 12
_THOUSANDS_DOT = re.compile(r"^[1-9][0-9]{0,2}(\.[0-9]{3})+$")  # "0.500" is no grouping of thousands
_THOUSANDS_COMMA = re.compile(r"^[1-9][0-9]{0,2}(,[0-9]{3})+$")
CONVENTIONS = ("id", "en")  # what a file or a user may declare (`--angka`, `angka` in JSON, `convention=`)
UNDECIDED = "auto"  # no convention: each value is read only if its writing allows one reading


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
            "en" (decimal point, thousands comma), "plain" (decimal point, no grouping) or "auto" (no
            convention known: a value is read only when its writing allows one reading; "1,200" and
            "1.234" raise with `.ambiguous` set). A data file's convention comes from `decide_convention`.

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
    parts = _split(raw)
    if parts is None:
        return Written(None, None, raw)
    sign, digits, rest = parts
    value = _digits(digits, convention, raw)
    unit = rest.strip() or None
    if unit == "%":
        unit = "persen"
    elif unit and unit.startswith("%"):
        unit = "persen" + unit[1:]
    if sign == "-":
        value = -value
    return Written(value, unit, raw)


def _split(raw: str) -> tuple[str, str, str] | None:
    """Sign, digits with their separators, and the rest (a unit) of a written figure; None when blank.

    Raises NumberFormatError when no number starts the text."""
    s = " ".join(raw.split())
    if s.strip() in BLANKS:
        return None
    # "16, 67 %": a space after a separator inside a number is a typing slip, not two numbers.
    s = re.sub(r"([0-9][.,])\s+(?=[0-9])", r"\1", s)
    m = _NUM.match(s)
    if not m:
        raise NumberFormatError(raw, "no number found")
    sign, digits, rest = m.groups()
    return sign, digits, rest


def _digits(d: str, convention: str, raw: str, lenient: bool = True) -> float:
    if len(d) > 1 and d[-1] in ".,":
        d = d[:-1]  # "1." as a list number, "12," before a unit
    if convention == UNDECIDED:
        if "," not in d and "." not in d:
            return _to_float(d, raw)
        as_id, as_en = _readings(d, raw)
        if as_id is not None and as_en is not None and as_id != as_en:
            raise NumberFormatError(raw, "thousands or decimal?", ambiguous=True)
        if as_id is None and as_en is None:
            return _digits(d, "id", raw)  # raises with the reason
        return as_id if as_id is not None else as_en  # type: ignore[return-value]
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
        if lenient and convention == "id" and d.count(".") == 1:
            return _to_float(d, raw)  # "66.67": not thousands, so a decimal point
        raise NumberFormatError(raw, f"misplaced '{grp}'")
    return _to_float(d, raw)


def _readings(d: str, raw: str) -> tuple[float | None, float | None]:
    """The value of digits `d` read strictly as Indonesian (decimal comma) and as English (decimal point);
    None where that reading is impossible. "12,5" → (12.5, None); "1,200" → (1.2, 1200.0)."""
    out: list[float | None] = []
    for convention in CONVENTIONS:
        try:
            out.append(_digits(d, convention, raw, lenient=False))
        except NumberFormatError:
            out.append(None)
    return out[0], out[1]


def reading_evidence(text: object) -> str | None:
    """What one written value says about its file's decimal mark: "id" ("12,5", "1.234,5", "1.234.567"),
    "en" ("0.25", "1,234.5", "1,234,567"), "ambiguous" ("1,200", "1.234": thousands or decimal), or None
    (no separator, a number as such, blank, or no valid reading at all)."""
    if type(text) is not str or ("," not in text and "." not in text):
        return None
    try:
        parts = _split(text)
    except NumberFormatError:
        return None
    if parts is None:
        return None
    d = parts[1]
    if len(d) > 1 and d[-1] in ".,":
        d = d[:-1]
    if "," not in d and "." not in d:
        return None
    as_id, as_en = _readings(d, text)
    if as_id is not None and as_en is not None:
        return "ambiguous" if as_id != as_en else None
    return "id" if as_id is not None else "en" if as_en is not None else None


@dataclass(frozen=True)
class Decision:
    """The number convention of one data file, and why.

    Attributes:
        convention: "id", "en", or `UNDECIDED` ("auto": nothing decides, or the file mixes both marks).
        declared: True when given by the user (`--angka`, `convention=`) or by the file (`"angka"` in JSON).
        id_example, en_example: the first value that proves a decimal comma / a decimal point, as
            (row, text), or None.
    """

    convention: str
    declared: bool = False
    id_example: tuple[int, str] | None = None
    en_example: tuple[int, str] | None = None

    def reason(self, lang: str = "id") -> str:
        """Why an ambiguous value of this file cannot be read, in `lang`."""
        if self.id_example and self.en_example:
            (ra, a), (rb, b) = self.id_example, self.en_example
            if lang == "en":
                return f"the file uses both a decimal comma ('{a}', row {ra}) and a decimal point ('{b}', row {rb})"
            return f"berkas memakai koma desimal ('{a}', baris {ra}) dan juga titik desimal ('{b}', baris {rb})"
        if lang == "en":
            return "no other value in the file shows its decimal mark (such as '12,5' or '0.25')"
        return "tidak ada angka lain di berkas yang memastikan tanda desimalnya (seperti '12,5' atau '0.25')"


def decide_convention(values: Iterable[tuple[int, object]], declared: str | None = None) -> Decision:
    """The one rule that decides how a data file's numbers are read: per file, never per value.

    A declared convention ("id" or "en") is used as declared. Otherwise the file's own unambiguous values
    decide: a decimal comma ("12,5", "1.234,5") makes it "id", a decimal point ("0.25", "1,234.5") makes
    it "en". With neither, or with both, it stays `UNDECIDED`: a value such as "1,200" or "1.234" then has
    two readings and is refused (`parse_written(..., "auto")` raises), every other value has one.
    (A CSV delimiter ';' hints at an Indonesian spreadsheet but proves nothing: it is not used.)

    Args:
        values: (row, cell) pairs of the number columns; cells that are not text are ignored.
        declared: "id", "en" or None.

    Raises:
        ValueError: `declared` is not one of `CONVENTIONS`.
    """
    if declared is not None:
        if declared not in CONVENTIONS:
            raise ValueError(f"unknown number convention '{declared}'; choices: {', '.join(CONVENTIONS)}")
        return Decision(declared, True)
    found: dict[str, tuple[int, str]] = {}
    for row, text in values:
        if type(text) is not str or ("," not in text and "." not in text):
            continue
        kind = reading_evidence(text)
        if kind in CONVENTIONS and kind not in found:
            found[kind] = (row, text.strip())
            if len(found) == 2:
                break
    chosen = next(iter(found)) if len(found) == 1 else UNDECIDED
    return Decision(chosen, False, found.get("id"), found.get("en"))


def _to_float(s: str, raw: str) -> float:
    try:
        v = float(s)
    except ValueError as e:
        raise NumberFormatError(raw, "not a number") from e
    if not math.isfinite(v):
        raise NumberFormatError(raw, "not a finite number")
    return v


# ------------------------------------------------------------------------------------------- rounding
#
# ONE definition: `_spreadsheet_round`. A spreadsheet stores the same binary double as Python but shows and
# rounds the number at 15 significant digits, so 40.18 / 80 * 100 = 50.224999999999994 is 50.225 on the
# screen and ROUND gives 50.23; 64.35 / 65 * 100 = 98.99999999999999 is 99 and TRUNC gives 99. Everything
# else here is a faster route to the same answer: the float fast path decides only when x is far (relative
# margin `_MARGIN`, a hundred times the largest gap between x and its 15-digit value plus the error of one
# multiplication) from every point where the answer changes, and calls the definition otherwise.

_SHOWN = 10.0**15  # |x| * 10**decimals from here on: the 15 digits a spreadsheet keeps leave nothing to round
_MARGIN = 1e-13  # > 5.1e-15: |x - x at 15 digits| <= 5e-15 |x|, plus 1.1e-16 for rounding x * 10**decimals
_POWERS = {d: 10.0**d for d in range(16)}  # exact: every power of ten up to 10**22 is a double


def _spreadsheet_round(x: float, decimals: int, rounding: str) -> float:
    """THE rounding rule: x as a spreadsheet shows it (15 significant digits), rounded with `decimal`.

    `rounding` is `decimal.ROUND_HALF_UP` (half away from zero) or `decimal.ROUND_DOWN` (toward zero). A
    value whose 15 shown digits end before the `decimals`-th place (|x| * 10**decimals >= 10**15, and every
    infinity or NaN) is returned as it is: nothing is left to round.
    """
    if not math.isfinite(x) or decimals > 300:
        return x
    if abs(x) * 10.0**decimals >= _SHOWN:
        return x
    shown = Decimal(format(x, ".15g"))
    return float(shown.quantize(Decimal(1).scaleb(-decimals), rounding=rounding))


def round_half_up(x: float, decimals: int) -> float:
    """Round half away from zero as a spreadsheet does: 2.675 → 2.68 (binary `round` gives 2.67), and
    40.18 / 80 * 100 (50.224999999999994 in binary, 50.225 on a spreadsheet's screen) → 50.23.

    The rule is `_spreadsheet_round` (the value at 15 significant digits, rounded with `decimal`); this is
    its fast path, exact because it hands every value near a halfway point to the rule itself.
    """
    p = _POWERS.get(decimals)
    if p is not None:
        a = x if x >= 0 else -x  # NaN fails every test below and goes to the rule
        y = a * p
        if y < _SHOWN:
            f = math.floor(y)
            d = y - f - 0.5
            if d > _MARGIN * y:
                return math.copysign((f + 1) / p, x)
            if d < -_MARGIN * y:
                return math.copysign(f / p, x)
    return _spreadsheet_round(x, decimals, ROUND_HALF_UP)


def truncate(x: float, decimals: int) -> float:
    """Cut off after `decimals` digits as spreadsheet TRUNC does, on the value it shows (15 significant
    digits): 139.738 → 139.73, and 64.35 / 65 * 100 (98.99999999999999 in binary, 99 on the screen) → 99.

    Fast path of `_spreadsheet_round` with `ROUND_DOWN`; values near a cut point go to the rule itself,
    except a value that is exactly the double of a number with `decimals` places, which is its own answer.
    """
    p = _POWERS.get(decimals)
    if p is not None:
        a = x if x >= 0 else -x
        y = a * p
        if y < _SHOWN:
            f = math.floor(y)
            d = y - f
            m = _MARGIN * y
            if m < d < 1.0 - m:
                return math.copysign(f / p, x)
            if f / p == a or (f + 1) / p == a:  # k / 10**d at <= 15 digits shows as exactly that
                return x
    return _spreadsheet_round(x, decimals, ROUND_DOWN)


def round_half_up_array(x: Any, decimals: int) -> Any:
    """`round_half_up` over a numpy array (NaN stays NaN): the same fast path vectorised; the elements
    near a halfway point go one by one to the rule itself."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    p = _POWERS.get(decimals)
    if p is None:
        return _elementwise(x, decimals, round_half_up)
    with np.errstate(invalid="ignore"):
        a = np.abs(x)
        y = a * p
        f = np.floor(y)
        d = y - f - 0.5
        m = _MARGIN * y
        big = ~(y < _SHOWN)  # NaN and infinities too: returned as they are, as by the rule
        out = np.where(big, x, np.copysign(np.where(d > 0, f + 1, f) / p, x))
        slow = ~((d > m) | (d < -m) | big)
    return _fix(out, x, slow, decimals, ROUND_HALF_UP)


def truncate_array(x: Any, decimals: int) -> Any:
    """`truncate` over a numpy array (NaN stays NaN); see `round_half_up_array`."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    p = _POWERS.get(decimals)
    if p is None:
        return _elementwise(x, decimals, truncate)
    with np.errstate(invalid="ignore"):
        a = np.abs(x)
        y = a * p
        f = np.floor(y)
        d = y - f
        m = _MARGIN * y
        big = ~(y < _SHOWN)
        exact = (f / p == a) | ((f + 1) / p == a)
        out = np.where(big | exact, x, np.copysign(f / p, x))
        slow = ~(((m < d) & (d < 1.0 - m)) | exact | big)
    return _fix(out, x, slow, decimals, ROUND_DOWN)


def _fix(out: Any, x: Any, slow: Any, decimals: int, rounding: str) -> Any:
    """Elements the fast path could not settle, from the rule itself (NaN and infinities pass through)."""
    import numpy as np

    if slow.any():
        out = np.array(out, dtype=float, copy=True)
        flat_out, flat_x = out.reshape(-1), x.reshape(-1)
        for i in np.flatnonzero(slow):
            flat_out[i] = _spreadsheet_round(float(flat_x[i]), decimals, rounding)
        out = flat_out.reshape(x.shape)
    return out


def _elementwise(x: Any, decimals: int, fn: Any) -> Any:
    import numpy as np

    return np.array([fn(float(v), decimals) for v in x.reshape(-1)], dtype=float).reshape(x.shape)


def round_decimal_reference(x: float, decimals: int, mode: str = "half-up") -> float:
    """The slow reference (the rule itself, no fast path): x at 15 significant digits, as a spreadsheet
    shows it, rounded half-up ("half-up") or truncated ("truncate") with `decimal`. Tests cross-check."""
    return _spreadsheet_round(x, decimals, ROUND_HALF_UP if mode == "half-up" else ROUND_DOWN)


def format_id(x: float | None, decimals: int = 2) -> str:
    """Format a number the Indonesian way: thousands dot, decimal comma, trailing zeros dropped."""
    if x is None:
        return "-"
    s = f"{x:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if "," in s:
        s = s.rstrip("0").rstrip(",")
    return s
