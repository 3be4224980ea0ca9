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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from .errors import DataError, Problem, close_matches
from .numbers import NumberFormatError, is_ambiguous_thousands, parse_written
from .periods import MONTHS
from .safety import check_xlsx
from .units import UnitTextError

if TYPE_CHECKING:
    from .plan import Plan

COLUMNS = ("id", "periode", "realisasi", "satuan", "dicatat", "keterangan")
_ERROR_CELL = re.compile(r"#[A-Z0-9/]+[!?]")  # #DIV/0!, #CALC!, #NAME?... whatever a spreadsheet invents next
_NUMBER_HEAD = re.compile(r"\s*[+-]?[0-9][0-9.,]*")
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
    """

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __add__(self, other: Realisasi) -> Realisasi:
        return Realisasi(self.rows + other.rows, self.problems + other.problems)


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
) -> Realisasi:
    """Read realisasi from a file path (.csv, .json, .xlsx), the bytes of such a file, or a mapping.

    Mappings may be `{"id": {"TW1": 12, ...}}`, `{("id", "TW1"): 12}`, `{"realisasi": [rows]}` or a list of
    row dicts with the columns id, periode, realisasi (optional satuan, dicatat, keterangan).

    A `pathlib.Path` is a path; a plain `str` is also taken as a path (the command line's use). Text or bytes
    that come from a request must never be passed as `str`: pass `bytes` (the file's content, format
    recognised) or call `read_realisasi_content(content, fmt)`, which never opens a file.

    Raises:
        DataError: the file cannot be read at all (missing, not UTF-8, no header, unknown format, a workbook
            over the limits of `kinerja.safety.LIMITS`).
    """
    if isinstance(source, Realisasi):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        return read_realisasi_content(bytes(source))
    if isinstance(source, str | Path):
        path = Path(source)
        display = str(source)
        if not path.is_file():
            raise DataError([Problem("file-missing", file=display, args={"detail": display})])
        suffix = path.suffix.lower()
        if suffix == ".csv" or suffix == ".txt":
            return _read_csv(path.read_bytes(), display)
        if suffix == ".json":
            try:
                data = json.loads(_decode(path.read_bytes(), display))
            except json.JSONDecodeError as e:
                raise DataError([Problem("data-format", file=display, args={"detail": f"JSON: {e}"})]) from None
            return _from_mapping(data, display)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, display)
        raise DataError(
            [Problem("data-format", file=display, args={"detail": f"'{suffix}' (pakai .csv, .json, .xlsx)"})]
        )
    return _from_mapping(source, "<data>")


def read_realisasi_content(content: str | bytes, fmt: str | None = None, name: str = "<data>") -> Realisasi:
    """Read realisasi from the content of a data file (a request body, an upload): never a path, never opens
    a file. `fmt` is "csv", "json" or "xlsx"; None recognises it (a zip is XLSX, `{` or `[` JSON, else CSV).
    `name` is how problems name the source.

    Raises:
        DataError: as `read_realisasi`.
    """
    raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if fmt is None:
        head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        fmt = "xlsx" if raw.startswith(b"PK\x03\x04") else "json" if head in (b"{", b"[") else "csv"
    if fmt == "csv":
        return _read_csv(raw, name)
    if fmt == "json":
        try:
            data = json.loads(_decode(raw, name))
        except json.JSONDecodeError as e:
            raise DataError([Problem("data-format", file=name, args={"detail": f"JSON: {e}"})]) from None
        return _from_mapping(data, name)
    if fmt == "xlsx":
        return _read_xlsx(io.BytesIO(raw), name)
    raise DataError([Problem("data-format", file=name, args={"detail": f"'{fmt}' (pakai csv, json, xlsx)"})])


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError([Problem("file-encoding", file=display, args={"detail": f"byte {e.start}"})]) from None


def _read_csv(raw: bytes, display: str) -> Realisasi:
    text = _decode(raw, display)
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    convention = "id" if delim == ";" else "plain"
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataError([Problem("file-empty", file=display)]) from None
    for col in ("id", "periode", "realisasi"):
        if col not in header:
            raise DataError([Problem("data-missing-column", file=display, args={"column": col})])
    out = Realisasi()
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        rec = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        _add(out, rec, display, n, convention)
    return out


def _read_xlsx(path: Path | IO[bytes], display: str) -> Realisasi:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise DataError([Problem("data-format", file=display, args={"detail": "openpyxl is not installed"})]) from None
    check_xlsx(path, display)  # size, rows, columns and cell limits, before anything is unpacked
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a broken file
        raise DataError([Problem("data-format", file=display, args={"detail": f"XLSX: {e}"})]) from None
    out = Realisasi()
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
            rec = {h: vals[i] if i < len(vals) else "" for i, h in enumerate(header) if h}
            _add(out, rec, f"{display}:{ws.title}", n, "id")
    wb.close()
    return out


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


def _from_mapping(data: Any, display: str) -> Realisasi:
    out = Realisasi()
    if isinstance(data, Mapping) and "realisasi" in data and isinstance(data["realisasi"], list):
        data = data["realisasi"]
    if isinstance(data, Mapping):
        n = 0
        for key, val in data.items():
            if isinstance(key, tuple) and len(key) == 2:
                n += 1
                _add_cell(out, key[0], key[1], val, display, n, "plain")
            elif isinstance(val, Mapping):
                for period, v in val.items():
                    n += 1
                    _add_cell(out, key, period, v, display, n, "plain")
            else:
                n += 1
                out.problems.append(Problem("data-format", file=display, row=n, args={"detail": f"'{key}'"}))
        return out
    if isinstance(data, list):
        for n, rec in enumerate(data, start=1):
            if not isinstance(rec, Mapping):
                out.problems.append(
                    Problem("data-format", file=display, row=n, args={"detail": "row is not an object"})
                )
                continue
            _add(out, {str(k).lower(): v for k, v in rec.items()}, display, n, "plain")
        return out
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
                Problem("data-bad-date", "error", display, rid, "dicatat", {"text": str(recorded)}, row=n)
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


def bind(plan: Plan, data: Realisasi) -> tuple[dict[tuple[str, str], Value], list[Problem]]:
    """Check every row against the plan and convert it to the unit of its node or input.

    Returns the values by (id, period) and the problems (refused rows, corrections applied as info).
    """
    problems: list[Problem] = list(data.problems)
    units = plan.units
    targets, computed, monthly = _keys(plan)
    periods = plan.periods
    chosen: dict[tuple[str, str], tuple[Row, float]] = {}  # the first row per (id, period), in file order
    repeated: dict[tuple[str, str], list[tuple[Row, float]]] = {}  # every row of a key given more than once
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
        value = _value(r, unit, units, problems)
        if value is None:
            continue
        key = (r.id, r.period)
        first = chosen.get(key)
        if first is None:
            chosen[key] = (r, value)
        else:
            repeated.setdefault(key, [first]).append((r, value))
    for key in [k for k in chosen if k in repeated] if repeated else ():
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
    values = {}
    for key, (r, v) in chosen.items():
        values[key] = Value(v, r.file, r.row, str(r.raw), r.recorded)
    return values, problems


def _keys(plan: Plan) -> tuple[dict[str, Any], set[str], set[str]]:
    """The keys a unit may report, with the unit each is bound to; the computed nodes; the monthly keys.

    Worked out once per plan (plans are immutable) and reused for every data set bound to it."""
    found = plan.__dict__.get("_bind_keys")
    if found is None:
        targets: dict[str, Any] = {}
        computed: set[str] = set()
        monthly: set[str] = set()
        for n in plan.nodes:
            targets[n.id] = n.unit_obj
            if n.mode != "direct":
                computed.add(n.id)
            for name, inp in n.inputs.items():
                targets[f"{n.id}.{name}"] = inp.unit
                if inp.monthly:
                    monthly.add(f"{n.id}.{name}")
        found = plan.__dict__["_bind_keys"] = (targets, computed, monthly)
    return found  # type: ignore[no-any-return]


def _is_count(unit: Any) -> bool:
    dims = dict(unit.dimensionality)
    return len(dims) == 1 and next(iter(dims.values())) == 1 and next(iter(dims)) not in ("[waktu]", "[uang]", "[poin]")


def _value(r: Row, unit: Any, units: Any, problems: list[Problem]) -> float | None:
    raw = r.raw
    col = "realisasi"

    def refuse(code: str, **args: Any) -> None:
        problems.append(Problem(code, "error", r.file, r.id, col, args, row=r.row))

    if isinstance(raw, str) and (raw.strip().upper() in ERROR_CELLS or _ERROR_CELL.fullmatch(raw.strip().upper())):
        refuse("data-bad-value", text=raw, detail="sel galat spreadsheet / spreadsheet error cell")
        return None
    if isinstance(raw, str) and r.convention == "id":
        m = _NUMBER_HEAD.match(raw)
        head = m.group(0) if m else ""
        if is_ambiguous_thousands(head) and not _is_count(unit):
            refuse(
                "data-bad-value",
                text=raw,
                detail="ambigu: ribuan atau desimal? tulis '1234' atau '1,234' / ambiguous: thousands or decimal?",
            )
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
    if value < 0 and _is_count(unit):
        refuse("data-negative", value=value, unit=units.label(unit))
        return None
    return value
