"""Realisasi data: read what policy staff fill in (CSV from an Indonesian-locale spreadsheet, plain CSV,
JSON, the XLSX template, or a mapping) and bind it to a compiled plan: ids checked, numbers read by the
convention of the file and the unit of the column, units converted, corrections resolved.

A bad row is refused with a problem naming file, row and column; every other row is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from .choices import Mode
from .errors import DataError, Problem, close_matches
from .numbers import CONVENTIONS, Decision, NumberFormatError, decide_convention, parse_written
from .periods import MONTHS
from .safety import check_xlsx
from .units import UnitTextError

if TYPE_CHECKING:
    from .plan import Plan

COLUMNS = ("id", "periode", "realisasi", "satuan", "dicatat", "keterangan")
_ERROR_CELL = re.compile(r"#[A-Z0-9/]+[!?]")  # #DIV/0!, #CALC!, #NAME?... whatever a spreadsheet invents next
# What a realisasi cell may say instead of a number when there was nothing to measure in the period (no case,
# no object): "nihil". Not zero and not missing: the indicator is not applicable (docs/format-aturan.md).
NIL_WORDS = frozenset({"nihil", "tidak ada objek", "tidak ada obyek"})
ERROR_CELLS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")


class Row(NamedTuple):
    """One realisasi row as read (value still raw: text or number). Immutable; made once per cell."""

    file: str
    row: int
    id: str
    period: str
    raw: Any
    unit: str | None = None
    recorded: str | None = None
    remarks: str | None = None
    convention: str = "plain"


@dataclass
class Realisasi:
    """Rows read from one or more sources, plus the rows refused while reading.

    Attributes:
        rows: rows that could be read.
        problems: rows refused (each names file, row and column) and file-level problems.
        conventions: per file, how its numbers are read ("id", "en" or undecided) and why.
    """

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conventions: dict[str, Decision] = field(default_factory=dict)

    def __add__(self, other: Realisasi) -> Realisasi:
        return Realisasi(
            self.rows + other.rows, self.problems + other.problems, {**self.conventions, **other.conventions}
        )


class BoundValues(dict[tuple[str, str], "Value"]):
    """The bound values by (key, period), and what the data said about other cells:

    Attributes:
        refused: (key, period) -> the problem of a row refused for that cell (scored as an error, never
            silently replaced by another row or left out of a sum).
        nil: (key, period) -> (file, row) of a cell that says "nihil" (nothing to measure: not applicable).
    """

    def __init__(
        self,
        values: Mapping[tuple[str, str], Value] | None = None,
        refused: Mapping[tuple[str, str], Problem] | None = None,
        nil: Mapping[tuple[str, str], tuple[str, int]] | None = None,
    ) -> None:
        super().__init__(values or {})
        self.refused: dict[tuple[str, str], Problem] = dict(refused or {})
        self.nil: dict[tuple[str, str], tuple[str, int]] = dict(nil or {})

    def __reduce__(self) -> Any:
        return (BoundValues, (dict(self), self.refused, self.nil))


class Value(NamedTuple):
    """A bound realisasi: number in the node's (or input's) unit, with where it came from. Immutable."""

    value: float
    file: str
    row: int
    written: str
    recorded: str | None = None
    replaced: tuple[int, ...] = ()


def read_realisasi(
    source: str | Path | bytes | Mapping[str, Any] | Iterable[Mapping[str, Any]] | Realisasi,
    convention: str | None = None,
) -> Realisasi:
    """Read realisasi from a file path (.csv, .json, .xlsx), the bytes of such a file, or a mapping.

    Mappings may be `{"id": {"TW1": 12, ...}}`, `{("id", "TW1"): 12}`, `{"realisasi": [rows], "angka": "id"}`
    or a list of row dicts with the columns id, periode, realisasi (optional satuan, dicatat, keterangan).

    Args:
        convention: how numbers written as text are read: "id" (1.234,5), "en" (1,234.5) or None (the
            file's own unambiguous values decide, or a JSON file's `"angka"` key; see
            `numbers.decide_convention`). Values as such (JSON, XLSX numbers) need no convention.

    A `pathlib.Path` is a path; a plain `str` is also taken as a path (the command line's use). Text or bytes
    that come from a request must never be passed as `str`: pass `bytes` (the file's content, format
    recognised) or call `read_realisasi_content(content, fmt)`, which never opens a file.

    Raises:
        DataError: the file cannot be read at all (missing, not UTF-8, no header, unknown format, a workbook
            over the limits of `kinerja.safety.LIMITS`), or `convention` is not one of "id", "en".
    """
    if convention is not None and convention not in CONVENTIONS:
        raise DataError([Problem("data-angka", args={"value": convention})])
    if isinstance(source, Realisasi):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        return read_realisasi_content(bytes(source), convention=convention)
    if isinstance(source, str | Path):
        path = Path(source)
        display = str(source)
        if not path.is_file():
            raise DataError([Problem("file-missing", file=display, args={"detail": display})])
        suffix = path.suffix.lower()
        if suffix == ".csv" or suffix == ".txt":
            return _read_csv(path.read_bytes(), display, convention)
        if suffix == ".json":
            try:
                data = json.loads(_decode(path.read_bytes(), display))
            except json.JSONDecodeError as e:
                raise DataError([Problem("data-format", file=display, args={"detail": f"JSON: {e}"})]) from None
            return _from_mapping(data, display, convention)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, display, convention)
        raise DataError(
            [Problem("data-format", file=display, args={"detail": f"'{suffix}' (pakai .csv, .json, .xlsx)"})]
        )
    return _from_mapping(source, "<data>", convention)


def read_realisasi_content(
    content: str | bytes, fmt: str | None = None, name: str = "<data>", convention: str | None = None
) -> Realisasi:
    """Read realisasi from the content of a data file (a request body, an upload): never a path, never opens
    a file. `fmt` is "csv", "json" or "xlsx"; None recognises it (a zip is XLSX, `{` or `[` JSON, else CSV).
    `name` is how problems name the source; `convention` as for `read_realisasi`.

    Raises:
        DataError: as `read_realisasi`.
    """
    if convention is not None and convention not in CONVENTIONS:
        raise DataError([Problem("data-angka", args={"value": convention})])
    raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if fmt is None:
        head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        fmt = "xlsx" if raw.startswith(b"PK\x03\x04") else "json" if head in (b"{", b"[") else "csv"
    if fmt == "csv":
        return _read_csv(raw, name, convention)
    if fmt == "json":
        try:
            data = json.loads(_decode(raw, name))
        except json.JSONDecodeError as e:
            raise DataError([Problem("data-format", file=name, args={"detail": f"JSON: {e}"})]) from None
        return _from_mapping(data, name, convention)
    if fmt == "xlsx":
        return _read_xlsx(io.BytesIO(raw), name, convention)
    raise DataError([Problem("data-format", file=name, args={"detail": f"'{fmt}' (pakai csv, json, xlsx)"})])


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError([Problem("file-encoding", file=display, args={"detail": f"byte {e.start}"})]) from None


def _read_csv(raw: bytes, display: str, declared: str | None = None) -> Realisasi:
    text = _decode(raw, display)
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataError([Problem("file-empty", file=display)]) from None
    for col in ("id", "periode", "realisasi"):
        if col not in header:
            raise DataError([Problem("data-missing-column", file=display, args={"column": col})])
    records: list[tuple[str, int, dict[str, Any]]] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        records.append((display, n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    return _settle(records, display, declared)


def _settle(
    records: list[tuple[str, int, dict[str, Any]]], display: str, declared: str | None, out: Realisasi | None = None
) -> Realisasi:
    """The rows of one file, read by the one number convention decided for the whole file."""
    out = out if out is not None else Realisasi()
    decision = decide_convention(((n, rec.get("realisasi")) for _, n, rec in records), declared)
    out.conventions[display] = decision
    for where, n, rec in records:
        if where != display:
            out.conventions[where] = decision  # a sheet of a workbook: the workbook's convention
        _add(out, rec, where, n, decision.convention)
    return out


def _read_xlsx(path: Path | IO[bytes], display: str, declared: str | None = None) -> Realisasi:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise DataError([Problem("data-format", file=display, args={"detail": "openpyxl is not installed"})]) from None
    check_xlsx(path, display)  # size, rows, columns and cell limits, before anything is unpacked
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a broken file
        raise DataError([Problem("data-format", file=display, args={"detail": f"XLSX: {e}"})]) from None
    records: list[tuple[str, int, dict[str, Any]]] = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header: list[str] | None = None
        for n, cells in enumerate(rows, start=1):
            vals = ["" if c is None else c for c in cells]
            if header is None:
                low = [str(v).strip().lower() for v in vals]
                if "id" in low and "periode" in low and "realisasi" in low:
                    header = low
                continue
            if not any(str(v).strip() for v in vals):
                continue
            records.append(
                (f"{display}:{ws.title}", n, {h: vals[i] if i < len(vals) else "" for i, h in enumerate(header) if h})
            )
    wb.close()
    return _settle(records, display, declared)  # text cells follow the workbook's convention; numbers are numbers


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(value: Any) -> str | None:
    """A recorded date as ISO text (so that later sorts later): 2025-08-02, 02/08/2025 (day first, as
    written in Indonesia), 02-08-2025, a spreadsheet date; None when it cannot be read."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
        return text  # ISO text (with any time after it) already sorts in time order
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text[:10], fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _from_mapping(data: Any, display: str, declared: str | None = None) -> Realisasi:
    out = Realisasi()
    if isinstance(data, Mapping) and isinstance(data.get("angka"), str):
        data = dict(data)
        written = data.pop("angka").strip().lower()  # the file declares its own number convention
        if written not in CONVENTIONS:
            out.problems.append(Problem("data-angka", "error", display, None, "angka", {"value": written}))
        elif declared is not None and declared != written:
            out.problems.append(
                Problem("data-angka-conflict", "error", display, None, "angka", {"file": written, "given": declared})
            )
            declared = None  # two declarations disagree: neither is trusted, the values must decide
        elif declared is None:
            declared = written
    if isinstance(data, Mapping) and "realisasi" in data and isinstance(data["realisasi"], list):
        data = data["realisasi"]
    records: list[tuple[str, int, dict[str, Any]]] = []
    if isinstance(data, Mapping):
        n = 0
        for key, val in data.items():
            if isinstance(key, tuple) and len(key) == 2:
                n += 1
                records.append((display, n, {"id": key[0], "periode": key[1], "realisasi": val}))
            elif isinstance(val, Mapping):
                for period, v in val.items():
                    n += 1
                    records.append((display, n, {"id": key, "periode": period, "realisasi": v}))
            else:
                n += 1
                out.problems.append(Problem("data-format", file=display, row=n, args={"detail": f"'{key}'"}))
        return _settle(records, display, declared, out)
    if isinstance(data, list):
        for n, rec in enumerate(data, start=1):
            if not isinstance(rec, Mapping):
                out.problems.append(
                    Problem("data-format", file=display, row=n, args={"detail": "row is not an object"})
                )
                continue
            records.append((display, n, {str(k).lower(): v for k, v in rec.items()}))
        return _settle(records, display, declared, out)
    raise DataError([Problem("data-format", file=display, args={"detail": type(data).__name__})])


def _add(out: Realisasi, rec: Mapping[str, Any], display: str, n: int, convention: str) -> None:
    get = rec.get
    _add_cell(
        out, get("id"), get("periode"), get("realisasi"), display, n, convention,
        get("satuan"), get("dicatat"), get("keterangan"),
    )  # fmt: skip


def _add_cell(
    out: Realisasi,
    rid: Any,
    period: Any,
    raw: Any,
    display: str,
    n: int,
    convention: str,
    unit: Any = None,
    recorded: Any = None,
    remarks: Any = None,
) -> None:
    """One cell (id, periode, realisasi and the optional columns) as a `Row`, or a problem."""
    rid = str(rid or "").strip()
    period = str(period or "").strip().upper().replace(" ", "")
    if not rid:
        out.problems.append(Problem("data-missing-column", "warning", display, None, "id", {"column": "id"}, row=n))
        return
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-")):
        return  # blank = no data (never zero)
    if unit is None and recorded is None and remarks is None:  # the common case: nothing more to read
        out.rows.append(Row(display, n, rid, period, raw, None, None, None, convention))
        return
    if recorded not in (None, ""):
        iso = parse_date(recorded)
        if iso is None:
            out.problems.append(
                Problem(
                    "data-bad-date", "error", display, rid, "dicatat", {"text": str(recorded), "period": period}, row=n
                )
            )
            return
        recorded = iso
    out.rows.append(
        Row(
            display,
            n,
            rid,
            period,
            raw,
            str(unit).strip() or None if unit not in (None, "") else None,
            str(recorded).strip() or None if recorded not in (None, "") else None,
            str(remarks).strip() or None if remarks not in (None, "") else None,
            convention,
        )
    )


# ------------------------------------------------------------------------------------------- binding


# the value taken per (id, period) and the row it came from
_Chosen = dict[tuple[str, str], tuple[Row, float]]


def bind(plan: Plan, data: Realisasi) -> tuple[BoundValues, list[Problem]]:
    """Check every row against the plan and convert it to the unit of its node or input.

    Returns the values by (id, period), with the cells refused and those that say "nihil" (see
    `BoundValues`), and the problems (refused rows, corrections applied as info).
    """
    problems: list[Problem] = list(data.problems)
    chosen, repeated, nil = _read_rows(plan, data, problems)
    if repeated:
        _settle_repeats(chosen, repeated, problems)
    _drop_nil_clashes(chosen, nil, problems)
    return _bound_values(chosen, nil, problems), problems


def _read_rows(
    plan: Plan, data: Realisasi, problems: list[Problem]
) -> tuple[_Chosen, dict[tuple[str, str], list[tuple[Row, float]]], dict[tuple[str, str], Row]]:
    """Each row checked (known id, not computed, a period of its key) and converted: the first value per
    (id, period) in file order, every row of a key given more than once, and the cells that say "nihil"."""
    units = plan.units
    targets, computed, monthly, whole = _keys(plan)
    periods = plan.periods
    chosen: _Chosen = {}  # the first row per (id, period), in file order
    repeated: dict[tuple[str, str], list[tuple[Row, float]]] = {}  # every row of a key given more than once
    nil: dict[tuple[str, str], Row] = {}  # cells that say "nihil"
    for r in data.rows:
        if r.id not in targets:
            problems.append(
                Problem(
                    "data-unknown-id",
                    "error",
                    r.file,
                    r.id,
                    "id",
                    {"id": r.id},
                    row=r.row,
                    suggestions=close_matches(r.id, targets),
                )
            )
            continue
        if r.id in computed:
            inputs = [k for k in targets if k.startswith(r.id + ".")]
            problems.append(
                Problem(
                    "data-computed",
                    "error",
                    r.file,
                    r.id,
                    "id",
                    {"id": r.id, "inputs": ", ".join(inputs) or "-"},
                    row=r.row,
                )
            )
            continue
        allowed = MONTHS if r.id in monthly else periods
        if r.period not in allowed:
            problems.append(
                Problem(
                    "data-unknown-period",
                    "error",
                    r.file,
                    r.id,
                    "periode",
                    {"period": r.period, "choices": ", ".join(allowed)},
                    row=r.row,
                )
            )
            continue
        unit = targets[r.id]
        if isinstance(r.raw, str) and " ".join(r.raw.split()).lower() in NIL_WORDS:
            nil.setdefault((r.id, r.period), r)
            continue
        value = _value(r, unit, units, problems, whole.get(r.id), data.conventions.get(r.file))
        if value is None:
            continue
        key = (r.id, r.period)
        first = chosen.get(key)
        if first is None:
            chosen[key] = (r, value)
        else:
            repeated.setdefault(key, [first]).append((r, value))
    return chosen, repeated, nil


def _settle_repeats(
    chosen: _Chosen, repeated: dict[tuple[str, str], list[tuple[Row, float]]], problems: list[Problem]
) -> None:
    """Several rows for one id and period: the one recorded last wins when it is alone in being last (an info
    problem says which rows it replaced); otherwise no row wins and each clashing row is reported."""
    for key in [k for k in chosen if k in repeated]:
        items = repeated[key]
        # several rows for one id and period: the one recorded last wins, when it is alone in being last
        if all(r.recorded for r, _ in items):
            latest = max(str(r.recorded) for r, _ in items)
            winners = [(r, v) for r, v in items if r.recorded == latest]
            if len(winners) == 1:
                keep = winners[0][0]
                chosen[key] = winners[0]
                older = [str(r.row) for r, _ in items if r is not keep]
                replaced = ", ".join(older[:5]) + (f" … (+{len(older) - 5})" if len(older) > 5 else "")
                problems.append(
                    Problem(
                        "data-correction",
                        "info",
                        keep.file,
                        keep.id,
                        "dicatat",
                        {
                            "id": keep.id,
                            "period": keep.period,
                            "row": keep.row,
                            "other": replaced,
                            "date": keep.recorded,
                        },
                        row=keep.row,
                    )
                )
                continue
            clash = [r for r, _ in winners]
        else:
            clash = [r for r, _ in items]
        del chosen[key]  # no row wins: the key has no value, and each clashing row is reported
        rows_text = [str(o.row) for o in clash]
        for r in clash:
            others_list = [t for t in rows_text if t != str(r.row)]
            others = ", ".join(others_list[:5]) + (f" … (+{len(others_list) - 5})" if len(others_list) > 5 else "")
            problems.append(
                Problem(
                    "data-duplicate",
                    "error",
                    r.file,
                    r.id,
                    "id",
                    {"id": r.id, "period": r.period, "other": others},
                    row=r.row,
                )
            )


def _drop_nil_clashes(chosen: _Chosen, nil: dict[tuple[str, str], Row], problems: list[Problem]) -> None:
    """A cell given both "nihil" and a number: neither is taken, and both rows are reported."""
    for key in [k for k in nil if k in chosen]:  # "nihil" and a number for one cell: neither is taken
        r, _ = chosen.pop(key)
        for a, b in ((nil[key], r), (r, nil[key])):
            problems.append(
                Problem(
                    "data-duplicate",
                    "error",
                    a.file,
                    a.id,
                    "id",
                    {"id": a.id, "period": a.period, "other": str(b.row)},
                    row=a.row,
                )
            )
        del nil[key]


def _bound_values(chosen: _Chosen, nil: dict[tuple[str, str], Row], problems: list[Problem]) -> BoundValues:
    """The values taken, with every cell a refused row was meant for and the cells that say "nihil"."""
    values = BoundValues()
    for key, (r, v) in chosen.items():
        values[key] = Value(v, r.file, r.row, str(r.raw), r.recorded)
    # every cell a refused row was meant for (the problems of this data that name an id and a period)
    for p in problems:
        period = p.args.get("period") if p.severity == "error" and p.node_id and p.row is not None else None
        if period is not None and p.code != "data-unknown-period":
            values.refused.setdefault((p.node_id, str(period)), p)  # type: ignore[arg-type]
    values.nil.update({k: (r.file, r.row) for k, r in nil.items()})
    return values


def _keys(plan: Plan) -> tuple[dict[str, Any], set[str], set[str], dict[str, float]]:
    """The keys a unit may report, with the unit each is bound to; the computed nodes; the monthly keys;
    the keys counted in whole things, with the factor of their unit (see `_whole_factor`).

    Worked out once per plan (plans are immutable) and reused for every data set bound to it."""
    return plan.cached("bind_keys", lambda: _work_out_keys(plan))


def _work_out_keys(plan: Plan) -> tuple[dict[str, Any], set[str], set[str], dict[str, float]]:
    targets: dict[str, Any] = {}
    computed: set[str] = set()
    monthly: set[str] = set()
    for n in plan.nodes:
        targets[n.id] = n.unit_obj
        if n.mode != Mode.DIRECT:
            computed.add(n.id)
        for name, inp in n.inputs.items():
            targets[f"{n.id}.{name}"] = inp.unit
            if inp.monthly:
                monthly.add(f"{n.id}.{name}")
    whole: dict[str, float] = {}
    for key, unit in targets.items():
        factor = _whole_factor(unit, plan.units)
        if factor is not None:
            whole[key] = factor
    return targets, computed, monthly, whole


def _is_count(unit: Any) -> bool:
    dims = dict(unit.dimensionality)
    return len(dims) == 1 and next(iter(dims.values())) == 1 and next(iter(dims)) not in ("[waktu]", "[uang]", "[poin]")


class ValueCheck(NamedTuple):
    """A rule a number read for a key must pass: `applies` to the key's unit, `refuses` a value. `refuses` uses
    comparisons and `&`/`|` only, so it works on one number (bind) and on a numpy array (the batch path)."""

    code: str
    applies: Callable[[Any], bool]
    refuses: Callable[[Any], Any]


# every path that reads realisasi applies these (`bind` per value, `batch.score_many` per column)
VALUE_CHECKS: tuple[ValueCheck, ...] = (ValueCheck("data-negative", _is_count, lambda v: v < 0),)


def _whole_factor(unit: Any, units: Any) -> float | None:
    """For a unit whose things are counted one by one (kasus, giat, personel...; not time, money, points
    or months), the factor to its base unit ("ribu_penduduk" → 1000); None for every other unit."""
    if not _is_count(unit) or next(iter(dict(unit.dimensionality))) == "[bulan_kalender]":
        return None
    return float(units.registry.Quantity(1.0, unit).to_root_units().magnitude)


_WHOLE = 1e-9  # relative slack for a whole count that went through a unit conversion (0,25 lusin = 3)


def is_fractional_count(value: float, factor: float) -> bool:
    """True when `value`, in a unit with `_whole_factor` `factor`, is not a whole number of things."""
    counted = value * factor
    return abs(counted - round(counted)) > _WHOLE * max(1.0, abs(counted))


def fractional_count_mask(values: Any, factor: float) -> Any:
    """`is_fractional_count` over a numpy array (NaN is not fractional: it is missing)."""
    import numpy as np

    counted = values * factor
    with np.errstate(invalid="ignore"):
        return np.abs(counted - np.round(counted)) > _WHOLE * np.maximum(1.0, np.abs(counted))


def whole_count_keys(plan: Plan) -> dict[str, float]:
    """The keys (node ids and `node.input`) counted in whole things, with their unit's factor."""
    return _keys(plan)[3]


def _value(
    r: Row, unit: Any, units: Any, problems: list[Problem], whole: float | None = None, decision: Any = None
) -> float | None:
    """The number of one row in `unit`, or None with the reason added to `problems`.

    `whole` is the unit's `_whole_factor` (a count cannot be 1.2); `decision` the file's `numbers.Decision`,
    whose reason is quoted when a value has two readings."""
    raw = r.raw
    col = "realisasi"

    def refuse(code: str, **args: Any) -> None:
        problems.append(Problem(code, "error", r.file, r.id, col, {**args, "period": r.period}, row=r.row))

    if isinstance(raw, str) and (raw.strip().upper() in ERROR_CELLS or _ERROR_CELL.fullmatch(raw.strip().upper())):
        refuse("data-bad-value", text=raw, detail="sel galat spreadsheet / spreadsheet error cell")
        return None
    if type(raw) is float:  # a number as such (JSON, XLSX, a mapping): nothing to read
        if not math.isfinite(raw):
            refuse("data-bad-value", text=str(raw), detail="not a finite number")
            return None
        value = raw
        unit_text = r.unit
    else:
        try:
            w = parse_written(raw, r.convention)
        except NumberFormatError as e:
            if e.ambiguous:
                why = decision if isinstance(decision, Decision) else Decision(r.convention)
                refuse(
                    "data-ambiguous-number",
                    text=str(raw).strip(),
                    reason_id=why.reason("id"),
                    reason_en=why.reason("en"),
                )
            else:
                refuse("data-bad-value", text=str(raw), detail=e.detail)
            return None
        if w.value is None:
            return None
        value = w.value
        unit_text = w.unit or r.unit
    if unit_text:
        try:
            src = units.parse(unit_text)
            value = units.convert(value, src, unit)
        except UnitTextError as e:  # not a unit at all (too long, an expression): refused before pint sees it
            problems.append(e.problem(r.file, r.id, col, row=r.row))
            return None
        except ValueError:
            refuse("unit-mismatch", got=unit_text, want=units.label(unit))
            return None
    if not math.isfinite(value):
        refuse("data-bad-value", text=str(raw), detail="not finite")
        return None
    for check in VALUE_CHECKS:
        if check.applies(unit) and check.refuses(value):
            refuse(check.code, value=value, unit=units.label(unit))
            return None
    if whole is not None and is_fractional_count(value, whole):
        refuse(
            "data-fractional-count",
            text=str(raw).strip(),
            value=value,
            unit=units.label(unit),
            convention=r.convention if r.convention in ("id", "en") else "-",
        )
        return None
    return value
