"""Safe to expose: the bounds and checks that stand between untrusted input (rule files, data, unit text,
output names) and the engine, in one place.

Everything a hostile or careless input could use to hang the process, exhaust its memory, read files outside
the rule folders, overwrite a user's file or plant a live formula in a spreadsheet is checked here:

- `Limits` holds every bound (one definition; docs/penolakan.md §5 lists them with their numbers);
  `LIMITS` is the one in force, `configure(...)` changes it for the whole process (a service sets its own).
- Rule files: `check_name` (no absolute paths, no `..` out of a root), `find_inside` (a name resolved only
  inside the declared rule roots), `read_checked` (regular files only, links must stay inside the roots,
  special files refused without opening them, bounded size).
- Spreadsheets: `formula_risk`, `csv_cell` / `csv_row` (CSV) and `neutralise_workbook` (XLSX) so that no text
  written by the engine starts a formula; `check_xlsx` inspects a workbook's zip before openpyxl loads it.
- Outputs: `write_output` writes atomically and never silently replaces a file.

Every refusal is a `Problem` with a code from `errors.MESSAGES` (raised as `Refused`, `RuleError` or
`DataError`), never a hang, a MemoryError or an internal exception.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any

from .errors import DataError, Problem, RuleError


@dataclass(frozen=True)
class Limits:
    """Every bound on untrusted input. Defaults are generous for real plans and data (the Banjar plan and its
    data are far inside each of them) and small enough that a served process cannot be frozen or exhausted.

    Attributes:
        unit_chars: characters in one unit text (`satuan = "kasus / penduduk"`, the unit after a number).
        unit_factors: unit names in one unit text (`a * b / c` has 3).
        unit_exponent: largest absolute power of a unit (`meter^2`).
        unit_cache: unit texts remembered per plan (beyond it, texts are checked again, never stored).
        unit_definitions_chars: size of a plan's own unit definitions file (`satuan.txt`).
        unit_definition_line_chars: one line of that file.
        rule_file_bytes: one rule file (TOML), a profile or a unit definitions file.
        xlsx_file_bytes: a data workbook as stored on disk.
        xlsx_uncompressed_bytes: the sum of the sizes its zip members declare once unpacked.
        xlsx_members: files inside the workbook's zip.
        xlsx_rows: rows of one sheet (the highest row number used).
        xlsx_columns: columns of one sheet (the highest column used, also as declared by the sheet).
        xlsx_cell_chars: characters in one cell (a shared or inline text, or a value).
    """

    unit_chars: int = 100
    unit_factors: int = 8
    unit_exponent: int = 4
    unit_cache: int = 1024
    unit_definitions_chars: int = 100_000
    unit_definition_line_chars: int = 200
    rule_file_bytes: int = 5 * 2**20
    xlsx_file_bytes: int = 20 * 2**20
    xlsx_uncompressed_bytes: int = 100 * 2**20
    xlsx_members: int = 1000
    xlsx_rows: int = 100_000
    xlsx_columns: int = 64
    xlsx_cell_chars: int = 10_000


LIMITS = Limits()


def configure(**changes: int) -> Limits:
    """Replace limits for the whole process, e.g. `configure(xlsx_rows=500_000)`; returns the limits now in
    force. Unknown names raise TypeError."""
    global LIMITS
    LIMITS = dataclasses.replace(LIMITS, **changes)
    return LIMITS


class Refused(Exception):
    """An input refused by a check of this module; `.problem` says which and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message("en"))


def shorten(text: object, keep: int = 60) -> str:
    """`text` for a message: at most `keep` characters, the rest counted, never echoed whole."""
    s = str(text)
    return s if len(s) <= keep else f"{s[:keep]}… (+{len(s) - keep})"


# ------------------------------------------------------------------------------------------- spreadsheets

# What a spreadsheet takes as the start of a formula (OWASP "CSV injection"): = + - @, tab and carriage return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number as the engine writes it (12 | -3,5 | 1.234,5 | -1e-05 | 45%): it stays a number, not escaped.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?%?")


def formula_risk(text: str) -> bool:
    """True when a spreadsheet could read `text` as the start of a formula, also after leading spaces or line
    breaks that an import may trim (and it is not a plain number)."""
    starts = text.startswith(FORMULA_START) or text.lstrip(" \n\u00a0").startswith(FORMULA_START)
    return starts and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that would start a formula gets a leading `'` (OWASP); everything else,
    numbers and negative numbers included, is unchanged. A carriage return inside text becomes a line break
    (which the writer quotes; a bare CR would end the row for the reader)."""
    if isinstance(value, str):
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if formula_risk(value):
            return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """`csv_cell` of every value of a row: every CSV writer of the engine writes its rows through this."""
    return [csv_cell(v) for v in values]


class _SafeCsvWriter:
    """A `csv.writer` whose rows go through `csv_row`."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fh: Any, **options: Any) -> Any:
    """`csv.writer(fh, **options)` that writes every row through `csv_row`: the engine's CSV writers use it,
    so no text cell they write starts a formula."""
    import csv

    return _SafeCsvWriter(csv.writer(fh, **options))


def neutralise_workbook(wb: Any) -> Any:
    """Make every text cell of an openpyxl workbook plain text that no spreadsheet evaluates.

    openpyxl stores any text starting with `=` as a formula. The engine never writes formulas, so each such
    cell becomes an explicit text cell, and every text cell that a spreadsheet could take as a formula (see
    `formula_risk`; here also text that merely looks like a signed number, "+1") gets Excel's "quote prefix"
    style: it is shown and kept as text even when a user edits it. The text itself is not changed (an auditor
    sees exactly what the author wrote, and a filled template reads back the same). Numbers stay numbers.
    Called once, just before saving."""
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            value = cell.value
            if isinstance(value, str) and (value.startswith(FORMULA_START) or formula_risk(value)):
                cell.data_type = "s"  # openpyxl made it "f" if it starts with "="
                cell.quotePrefix = True
    return wb


# ------------------------------------------------------------------------------------------- paths


def check_name(name: str, display: str, key: str) -> None:
    """Refuse a path written in a rule file that is absolute or climbs out with `..` (or is not text at all).

    Raises:
        Refused: "path-outside".
    """
    text = str(name)
    bad = (
        not text.strip()
        or "\0" in text
        or PurePosixPath(text).is_absolute()
        or PureWindowsPath(text).is_absolute()
        or PureWindowsPath(text).drive != ""
        or text.startswith(("~", "\\"))
        or ".." in re.split(r"[\\/]", text)
    )
    if bad:
        raise Refused(Problem("path-outside", "error", display, None, key, {"name": shorten(text)}))


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """True when `path` (resolved, links followed) lies in one of `roots` (resolved)."""
    real = path.resolve()
    return any(real == r or real.is_relative_to(r) for r in roots)


def find_inside(name: str, bases: Sequence[Path], roots: Sequence[Path], want: str) -> Path | None:
    """The first `base / name` (a folder holding file `want`) that exists and, links followed, stays inside
    `roots`. `name` must have passed `check_name`. The process's working directory is never searched."""
    for base in bases:
        candidate = (base / name).resolve()
        if inside(candidate, roots) and (candidate / want).is_file():
            return candidate
    return None


def read_checked(path: Path, display: str, roots: Sequence[Path] | None = None, max_bytes: int | None = None) -> bytes:
    """The bytes of a rule file, after checking it without opening it: a regular file (a FIFO, a device, a
    socket or a folder is refused, so a FIFO named x.toml cannot block), not a link out of `roots`, not
    larger than `max_bytes` (default: `LIMITS.rule_file_bytes`).

    Raises:
        Refused: "file-missing", "file-special", "path-outside", "file-too-large".
    """
    limit = LIMITS.rule_file_bytes if max_bytes is None else max_bytes
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if roots is not None and not inside(path, roots):
                raise Refused(Problem("path-outside", "error", display, None, "", {"name": display}))
            st = os.stat(path)
    except FileNotFoundError:
        raise Refused(Problem("file-missing", "error", display, args={"detail": display})) from None
    except OSError as e:
        raise Refused(Problem("file-missing", "error", display, args={"detail": e.strerror or str(e)})) from None
    if not stat.S_ISREG(st.st_mode):
        raise Refused(Problem("file-special", "error", display))
    if st.st_size > limit:
        raise Refused(Problem("file-too-large", "error", display, args={"size": st.st_size, "max": limit}))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise Refused(Problem("file-missing", "error", display, args={"detail": e.strerror or str(e)})) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped for something else since the check
            raise Refused(Problem("file-special", "error", display))
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise Refused(Problem("file-too-large", "error", display, args={"size": len(raw), "max": limit}))
    return raw


def bundled_rules_root() -> Path | None:
    """The `rules/` folder shipped beside the engine (standard rule sets, `rules/standar`), when present."""
    root = Path(__file__).resolve().parents[2] / "rules"
    return root if (root / "standar").is_dir() else None


# ------------------------------------------------------------------------------------------- outputs


def write_output(path: Path, content: str | bytes, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Write a report, catalogue or template atomically: a temporary file in the same folder, then a rename,
    so a failed or killed write never leaves a truncated file.

    Refused (a `RuleError` with one problem): writing over one of the inputs (a data file, a file of the plan
    folder) -- even with `force`; writing over any existing file unless `force` (a filled template or an earlier
    report is never replaced silently).
    """
    target = Path(path)
    for inp in inputs:
        p = Path(inp)
        try:
            same = target.exists() and p.exists() and os.path.samefile(target, p)
        except OSError:
            same = False
        if same or (p.is_dir() and target.exists() and inside(target, [p.resolve()])):
            raise RuleError([Problem("output-is-input", "error", str(target), args={"file": str(target)})])
    exists = os.path.lexists(target)
    if exists and not force:
        raise RuleError([Problem("output-exists", "error", str(target), args={"file": str(target)})])
    if exists and not os.path.isfile(target):
        raise RuleError([Problem("file-special", "error", str(target))])
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if force:
            os.replace(tmp, target)
        else:
            try:  # no clobbering even if the file appeared since the check: link fails on an existing name
                os.link(tmp, target)
            except FileExistsError:
                raise RuleError([Problem("output-exists", "error", str(target), args={"file": str(target)})]) from None
            except OSError:  # a file system without hard links
                os.replace(tmp, target)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


# ------------------------------------------------------------------------------------------- XLSX bombs


@functools.lru_cache(maxsize=4)
def _long_refs(letters: int, digits: int) -> re.Pattern[bytes]:
    """References with at least `letters` column letters or `digits` row digits: the only ones that can be over
    the limits. A literal start, so the scan runs in C; the attribute itself is checked in `_check_ref`."""
    return re.compile(rb'r="(?:([A-Z]{%d,3})([0-9]+)|([A-Z]{0,3})([0-9]{%d,}))"' % (letters, digits))


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{0,3})([0-9]*)(?::([A-Z]{1,3})([0-9]+))?"')
_TEXT = re.compile(rb"<(?:\w+:)?(?:t|v)\b[^>]*>([^<]*)<")
_CHUNK = 1 << 20


def _check_ref(body: bytes, col: bytes, row: bytes, display: str) -> None:
    """A large reference found by `_REF`: refused when it is an `r` attribute (not the end of another name)."""
    lim = LIMITS
    if not re.search(rb'\sr="' + col + row + b'"', body):
        return
    if int(row) > lim.xlsx_rows:
        raise _refuse_xlsx(display, "rows", int(row), lim.xlsx_rows)
    if col and _column_number(col) > lim.xlsx_columns:
        raise _refuse_xlsx(display, "columns", _column_number(col), lim.xlsx_columns)


def _column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


# each limit of `check_xlsx` as named in the message: (Indonesian, English)
_XLSX_WHAT = {
    "file_bytes": ("ukuran berkas (byte)", "file size (bytes)"),
    "members": ("jumlah bagian dalam zip", "number of parts in the zip"),
    "uncompressed_bytes": ("ukuran setelah dibuka (byte)", "unpacked size (bytes)"),
    "rows": ("jumlah baris satu lembar", "rows in one sheet"),
    "columns": ("jumlah kolom satu lembar", "columns in one sheet"),
    "cells": ("jumlah sel satu lembar", "cells in one sheet"),
    "cell_chars": ("panjang teks satu sel (karakter)", "text in one cell (characters)"),
    "dtd": ("DTD/ENTITY XML (tidak diizinkan)", "XML DTD/ENTITY (not allowed)"),
}


def _refuse_xlsx(display: str, what: str, got: int, limit: int) -> DataError:
    what_id, what_en = _XLSX_WHAT[what]
    args = {"what": what_en, "what_id": what_id, "got": got, "max": limit}
    return DataError([Problem("data-limit", "error", display, args=args)])


def check_xlsx(path: Path | IO[bytes], display: str) -> None:
    """Check a data workbook BEFORE openpyxl loads it: file size, zip members and the sizes they declare
    unpacked (zip reading never goes past a declared size), no DTD in any XML part, and, scanning each sheet
    and the shared strings in bounded chunks, the highest row and column used or declared and the longest
    cell text. A file that is not a zip is left to openpyxl (which refuses it with its own message).

    Raises:
        DataError: "data-limit", naming the limit, the number found and the bound.
    """
    lim = LIMITS
    if isinstance(path, str | Path):
        size = os.stat(path).st_size
    else:
        size = path.seek(0, os.SEEK_END)
        path.seek(0)
    if size > lim.xlsx_file_bytes:
        raise _refuse_xlsx(display, "file_bytes", size, lim.xlsx_file_bytes)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > lim.xlsx_members:
            raise _refuse_xlsx(display, "members", len(infos), lim.xlsx_members)
        total = sum(i.file_size for i in infos)
        if total > lim.xlsx_uncompressed_bytes:
            raise _refuse_xlsx(display, "uncompressed_bytes", total, lim.xlsx_uncompressed_bytes)
        for info in infos:
            name = info.filename.lower()
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            sheet = name.startswith("xl/worksheets/")
            strings = name.endswith("sharedstrings.xml")
            _scan_part(zf, info, display, sheet, strings)
    if not isinstance(path, str | Path):
        path.seek(0)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, sheet: bool, strings: bool) -> None:
    lim = LIMITS
    tail = b""
    first = True
    counts = [0, 0]  # row and cell elements (a sheet may leave out their numbers)
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            buf = tail + chunk
            if first and (b"<!DOCTYPE" in buf[:4096] or b"<!ENTITY" in buf[:4096]):
                raise _refuse_xlsx(display, "dtd", 1, 0)
            first = False
            # keep the last partial tag for the next chunk, so no reference is cut in two
            cut = max(buf.rfind(b"<"), 0)
            body, tail = buf[:cut], buf[cut:]
            if len(tail) > lim.xlsx_cell_chars * 4 + 1024:  # one endless tag or text
                raise _refuse_xlsx(display, "cell_chars", len(tail), lim.xlsx_cell_chars)
            _scan_body(body, display, sheet, strings, counts)
    _scan_body(tail, display, sheet, strings, counts)


def _scan_body(body: bytes, display: str, sheet: bool, strings: bool, counts: list[int]) -> None:
    lim = LIMITS
    if sheet:
        counts[0] += body.count(b"<row") + body.count(b":row ")
        counts[1] += body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>") + body.count(b":c ")
        if counts[0] > lim.xlsx_rows:
            raise _refuse_xlsx(display, "rows", counts[0], lim.xlsx_rows)
        if counts[1] > lim.xlsx_rows * lim.xlsx_columns:
            raise _refuse_xlsx(display, "cells", counts[1], lim.xlsx_rows * lim.xlsx_columns)
        for m in _DIMENSION.finditer(body):
            for col, row in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
                if col and _column_number(col) > lim.xlsx_columns:
                    raise _refuse_xlsx(display, "columns", _column_number(col), lim.xlsx_columns)
                if row and int(row) > lim.xlsx_rows:
                    raise _refuse_xlsx(display, "rows", int(row), lim.xlsx_rows)
        # every row and cell reference (r="12", r="AB12"), found in C loops; only long ones are looked at
        for m in _long_refs(len(_column_letters(lim.xlsx_columns)), len(str(lim.xlsx_rows))).finditer(body):
            _check_ref(body, m.group(1) or m.group(3) or b"", m.group(2) or m.group(4), display)
    if (sheet or strings) and max(map(len, body.split(b"<")), default=0) > lim.xlsx_cell_chars:
        for m in _TEXT.finditer(body):  # a long run without a tag: measure the texts themselves
            n = len(m.group(1))
            if n > lim.xlsx_cell_chars and (n := len(m.group(1).decode("utf-8", "replace"))) > lim.xlsx_cell_chars:
                raise _refuse_xlsx(display, "cell_chars", n, lim.xlsx_cell_chars)
