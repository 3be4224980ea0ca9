"""Reports: formatting and math notation, renderers on small fake objects (they depend only on the
documented attributes), the LKIP workbook and the XLSX template round trip, and the HTML report opened
in a real headless chromium (charts drawn, traces one click away, no console error, no network)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kinerja
from kinerja.cli import app
from kinerja.report import ScoreReport, render
from kinerja.report.charts import GoalBar, QuarterPoint, goal_chart, quarter_chart
from kinerja.report.fmt import math_html, math_text, number, plain_number, step_text

ROOT = Path(__file__).resolve().parents[1]
BANJAR = ROOT / "rules" / "polres-banjar-2025"
ARTIFACTS = ROOT / "tests" / "artifacts"
runner = CliRunner()


def cli(*args: str | Path) -> Any:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, r.stdout + r.stderr
    return r


# ------------------------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("x", "lang", "text"),
    [
        (2608, "id", "2.608"),
        (59.73, "id", "59,73"),
        (1234567.891, "en", "1,234,567.89"),
        (100.0, "id", "100"),
        (None, "id", "-"),
        ((80, 90), "id", "80–90"),
        (float("-inf"), "id", "−∞"),
    ],
)
def test_number(x: Any, lang: str, text: str) -> None:
    assert number(x, lang) == text


def test_plain_number_has_no_grouping() -> None:
    assert (plain_number(2608.0), plain_number(59.73), plain_number(59.73, "en")) == ("2608", "59,73", "59.73")


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        ("kejahatan / penduduk * 100000", "kejahatan ÷ penduduk × 100.000"),
        ("(2 - R / T) * 100", "(2 − R ÷ T) × 100"),
        ("a - (b - c)", "a − (b − c)"),
        ("a / (b * c)", "a ÷ (b × c)"),
        ("x ** 2 + sqrt(y)", "x² + √(y)"),
        ("min(a, 0.5) if a > 0 else abs(b)", "min(a; 0,5) jika a > 0, selain itu |b|"),
        ("not a and b <= 3", "bukan a dan b ≤ 3"),
    ],
)
def test_math_text(formula: str, text: str) -> None:
    assert math_text(formula) == text


def test_math_html_draws_fractions_and_escapes() -> None:
    html = math_html("a / (b + 1) < 3")
    assert html == (
        '<span class="frac"><span class="num"><var>a</var></span>'
        '<span class="den"><var>b</var> + 1</span></span> &lt; 3'
    )
    assert math_text("(40 × capaian(x)) / 100") == "(40 × capaian(x)) / 100"  # not a formula: shown as is


def test_step_text_with_nested_entries() -> None:
    step = {
        "step": "actual",
        "formula": "a / b * 100",
        "unit": "%",
        "inputs": [
            {"name": "a", "value": 3.0, "unit": "kasus", "aggregation": "sum"},
            {"name": "b", "value": 4.0, "unit": "kasus", "fixed": True, "source": "BPS"},
        ],
        "value": 75.0,
    }
    assert step_text(step, "id", indent="  ") == (
        "realisasi: a ÷ b × 100; satuan = % → 75\n"
        "  masukan:\n"
        "    - a: 3 (satuan = kasus, agregasi = jumlah)\n"
        "    - b: 4 (satuan = kasus, nilai tetap = ya, sumber = BPS)"
    )
    assert step_text({"step": "achievement", "formula": "R / T * 100", "R": 93, "T": 95.0, "value": 97.89}, "en") == (
        "achievement: R ÷ T × 100; R = 93, T = 95 → 97.89"
    )


# ------------------------------------------------------------------------------------------- fakes


@dataclass
class FakeNode:
    id: str
    level: str
    name: str
    parent: str | None = None
    depth: int = 0
    number: str = ""
    kind: str | None = "jumlah"
    unit: str = "giat"
    target: Any = None
    target_text: str | None = None
    period_targets: dict[str, Any] = field(default_factory=dict)
    period_targets_text: dict[str, str] = field(default_factory=dict)
    semantics: str = "jumlah"
    polarity: str = "positive"
    owner: str | None = None
    remarks: str | None = None
    source: dict[str, str] = field(default_factory=dict)
    assumptions: tuple[tuple[str, str, str], ...] = ()
    children: tuple[str, ...] = ()
    formula_text: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    weight: float | None = None
    file: str = "01.toml"


@dataclass
class FakeResult:
    node_id: str
    target: Any
    actual: float | None
    achievement: float | None
    score: float | None
    grade: str | None
    status: str
    reason: str = ""
    unit: str = "giat"
    trace: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.node_id, "achievement": self.achievement, "status": self.status}


@dataclass
class FakeCard:
    period: str
    results: list[FakeResult]
    problems: tuple[Any, ...] = ()

    def __iter__(self) -> Any:
        return iter(self.results)

    def __getitem__(self, node_id: str) -> FakeResult:
        return next(r for r in self.results if r.node_id == node_id)

    def to_dict(self) -> dict[str, Any]:
        return {"plan": "fake", "period": self.period, "results": [r.to_dict() for r in self.results]}


@dataclass
class FakeMeta:
    name: str = "Rencana <Palsu> & Co"
    unit_name: str = "Polsek Uji"
    parent_unit: str = "Polres Uji"
    year: int = 2025
    profile: str = "uji"
    signature: Any = None


@dataclass
class FakePlan:
    nodes: tuple[FakeNode, ...]
    id: str = "palsu"
    meta: FakeMeta = field(default_factory=FakeMeta)
    periods: tuple[str, ...] = ("TW1", "TW2", "TW3", "TW4")
    language: str = "id"
    content_hash: str = "ab" * 32

    def node(self, node_id: str) -> FakeNode:
        return next(n for n in self.nodes if n.id == node_id)


def fake_report(fmt_lang: str = "id") -> ScoreReport:
    nodes = (
        FakeNode("ss_a", "sasaran", "Sasaran <A>", number="1.", children=("iku_a", "iku_b"), kind=None),
        FakeNode(
            "iku_a",
            "indikator",
            "Patroli",
            parent="ss_a",
            depth=1,
            target=12.0,
            target_text="12 Giat",
            period_targets={"TW1": 3.0, "TW2": 3.0, "TW3": 3.0, "TW4": 3.0},
        ),
        FakeNode(
            "iku_b",
            "indikator",
            "Rasio | uji",
            parent="ss_a",
            depth=1,
            kind="rasio",
            unit="%",
            formula_text="a / b * 100",
            target=(80.0, 90.0),
            target_text="80 – 90",
            inputs={"a": {"unit": "kasus", "value": None}, "b": {"unit": "kasus", "value": 10.0}},
        ),
    )
    trace = ({"step": "achievement", "formula": "R / T * 100", "R": 2.0, "T": 3.0, "value": 66.67},)
    results = [
        FakeResult("ss_a", None, None, None, None, None, "no_target", "tanpa target"),
        FakeResult("iku_a", 3.0, 2.0, 66.67, 57.0, "Kurang", "scored", trace=trace),
        FakeResult("iku_b", (80.0, 90.0), None, None, None, None, "no_data", "realisasi TW2 belum ada", "%"),
    ]
    plan = FakePlan(nodes)
    quarters = {q: FakeCard(q, results) for q in plan.periods}
    return ScoreReport(plan, FakeCard("TW2", results), fmt_lang, ("data.csv",), (), quarters)


def test_fake_markdown_and_csv() -> None:
    rep = fake_report()
    md = render(rep, "md")
    assert "| 1. | **Sasaran <A>** |" in md
    assert "| &nbsp;&nbsp;Patroli | giat | 3 | 2 | 66,67 % | 57 | Kurang |  |" in md
    assert "Rasio \\| uji" in md  # a pipe in a name does not break the table
    assert "| 80–90 | - | - | - |  | tidak ada data: realisasi TW2 belum ada |" in md
    csv_text = render(rep, "csv")
    assert (
        csv_text.splitlines()[2] == "iku_a;;indikator;Patroli;giat;TW2;3;2;66,67;57;Kurang;scored;;;"
    )  # no coverage: not an index
    assert json.loads(render(rep, "json"))["period"] == "TW2"


def test_fake_html_escapes_and_traces() -> None:
    html = render(fake_report(), "html")
    assert isinstance(html, str)
    assert "Rencana &lt;Palsu&gt; &amp; Co" in html and "<Palsu>" not in html
    assert html.count("<details>") == 3  # one trace per row
    assert '<span class="pred g-k">Kurang</span>' in html
    assert '<span class="frac"><span class="num"><var>R</var></span>' in html  # the trace's formula as math
    assert html.count('<svg class="chart quarter"') == 2 and '<svg class="chart goals"' in html


def test_fake_report_in_english_labels() -> None:
    md = render(fake_report("en"), "md")
    assert isinstance(md, str)
    assert md.startswith("# Performance Measurement: ")
    assert "| No | Name | Unit | Target | Actual | Achievement | Score | Grade | Remarks |" in md


def test_unknown_format_lists_choices() -> None:
    with pytest.raises(ValueError, match="pilihan: json, csv, md, html, xlsx"):
        render(fake_report(), "pdf")


def test_charts_are_well_formed_svg() -> None:
    pts = [QuarterPoint("TW1", 3.0, 2.0), QuarterPoint("TW2", (80.0, 90.0), None), QuarterPoint("TW3", None, -1.5)]
    svg = quarter_chart(pts, "Uji <&>", "giat")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    rects = root.findall("{http://www.w3.org/2000/svg}rect")
    assert len(rects) == 2 + 2 + 2  # legend, targets (a bar, a band), actuals (TW1, TW3)
    bars = [GoalBar("Sasaran", None, heading=True), GoalBar("IKU 1", 1667.0, "Sangat Baik"), GoalBar("IKU 2", None)]
    root = ET.fromstring(goal_chart(bars, "Capaian"))
    texts = "".join(root.itertext())
    assert "▶ 1.667 %" in texts  # beyond the scale: cut, with the real value written
    assert "tidak ada data" in texts


# ------------------------------------------------------------------------------------------- Banjar data


@pytest.fixture(scope="module")
def banjar_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Realisasi for every quarter made with the `template` command and filled by openpyxl."""
    import openpyxl

    from kinerja.numbers import parse_written

    tmp = tmp_path_factory.mktemp("banjar-xlsx")
    out = tmp / "realisasi-2025.xlsx"
    cli("template", BANJAR, "-p", "2025", "-o", out)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    head = [c.value for c in ws[1]]
    for i, row in enumerate(ws.iter_rows(min_row=2), start=1):
        cells = dict(zip(head, row, strict=True))
        try:
            target = parse_written(cells["target"].value or "").value
        except ValueError:
            target = None
        base = target if target is not None else 5
        places = 0 if float(base).is_integer() else 2  # counts (whole targets) stay whole: no 1.2 cases
        cells["realisasi"].value = round(base * (0.8 + (i % 7) * 0.05), places)
    wb.save(out)
    return out


def test_xlsx_template_round_trip(banjar_data: Path) -> None:
    """template → filled with openpyxl → read by `score` unchanged: every value arrives, nothing refused."""
    import openpyxl

    plan = kinerja.load_plan(BANJAR)
    ws = openpyxl.load_workbook(banjar_data).active
    head = [c.value for c in ws[1]]
    assert head == ["id", "nama", "satuan", "target", "periode", "realisasi", "keterangan"]
    filled = {(r[0], r[4]): r[5] for r in ws.iter_rows(min_row=2, values_only=True)}
    months = {f"B{m:02d}" for m in range(1, 13)}  # monthly inputs of the included IKPA rule set
    assert {p for _, p in filled} == set(plan.periods) | months
    realisasi = kinerja.read_realisasi(banjar_data)
    card = plan.score(realisasi, "TW2")
    assert [p.render() for p in card.problems if p.severity == "error"] == []
    r = runner.invoke(app, ["score", str(BANJAR), "-d", str(banjar_data), "-p", "TW2", "-f", "json"])
    assert r.exit_code == 0 and r.stderr.startswith("ringkasan: ") and "0 galat; 0 baris data ditolak" in r.stderr
    results = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    direct = [(i, v) for (i, p), v in filled.items() if p == "TW2" and "." not in i]
    assert direct
    for node_id, value in direct:
        assert results[node_id]["actual"] == pytest.approx(value), node_id


def test_lkip_workbook(tmp_path: Path, banjar_data: Path) -> None:
    import openpyxl

    out = tmp_path / "lkip.xlsx"
    cli("score", BANJAR, "-d", banjar_data, "-p", "sd-TW2", "-o", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["sd-TW2", "TW1", "TW2", "TW3", "TW4", "Rincian sd-TW2"]
    plan = kinerja.load_plan(BANJAR)
    card = plan.score(kinerja.read_realisasi(banjar_data), "TW2")
    ws = wb["TW2"]
    assert [c.value for c in ws[5]] == [
        "No",
        "Sasaran",
        "Indikator",
        "Satuan",
        "Target",
        "Realisasi",
        "Capaian (%)",
        "Keterangan",
        "Nilai",
        "Predikat",
    ]
    rows = {r[2].value.strip(): r for r in ws.iter_rows(min_row=7) if r[2].value}
    indicators = [n for n in plan.nodes if n.level == "indikator"]
    assert len(rows) == len(indicators)
    checked = 0
    for n in indicators:
        res = card[n.id]
        row = rows[f"{n.number} {n.name}".strip() if n.number else n.name]
        if res.achievement is not None:
            assert isinstance(row[6].value, float | int) and row[6].value == pytest.approx(res.achievement)
            assert isinstance(row[5].value, float | int) and row[5].value == pytest.approx(res.actual)
            checked += 1
    assert checked > 5
    goals = [n for n in plan.nodes if n.level == "sasaran"]
    assert [r[1].value for r in ws.iter_rows(min_row=7) if r[1].value] == [g.name for g in goals]
    detail = wb["Rincian sd-TW2"]
    assert detail.max_row == len(plan.nodes) + 1


# ------------------------------------------------------------------------------------------- HTML in chromium

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> str:
    """The distribution's chromium, installed by scripts/install-system (which the test command runs)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    message = "chromium is not installed: run `bash scripts/install-system` (or the test command `bash scripts/test`)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI runs the install script first: a missing browser there is a broken set-up
    pytest.skip(message)


def browse(exe: str, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url],
        capture_output=True,
        text=True,
        timeout=180,
    )


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to its console (errors, uncaught exceptions), from chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_console_errors_are_detected(chromium: str, tmp_path: Path) -> None:
    """The check below can fail: a page with a script error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>nosuch();</script></body></html>", encoding="utf-8")
    p = browse(chromium, tmp_path / "profile", bad.as_uri(), "--dump-dom")
    assert any("nosuch is not defined" in m for m in console_messages(p.stderr))


@pytest.fixture(scope="module")
def banjar_html(tmp_path_factory: pytest.TempPathFactory, banjar_data: Path) -> Path:
    out = tmp_path_factory.mktemp("html") / "laporan-sd-TW2.html"
    cli("score", BANJAR, "-d", banjar_data, "-p", "sd-TW2", "-o", out)
    return out


def test_html_is_self_contained(banjar_html: Path) -> None:
    html = banjar_html.read_text(encoding="utf-8")
    assert "<link" not in html and "<script src" not in html and "<img" not in html
    # nothing is fetched: no attribute points outside the page (links written in remarks are only text)
    refs = re.findall(r"""\b(?:src|href|action|poster|srcset)\s*=\s*["']([^"']*)""", html)
    assert all(r.startswith("#") for r in refs), refs
    assert "@import" not in html and "url(" not in html and "fetch(" not in html and "XMLHttpRequest" not in html


def test_html_in_chromium(chromium: str, banjar_html: Path, tmp_path: Path) -> None:
    plan = kinerja.load_plan(BANJAR)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "laporan-banjar-sd-TW2.png"
    shot.unlink(missing_ok=True)
    p = browse(chromium, tmp_path / "p1", banjar_html.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", p.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank page is a few kilobytes
    assert console_messages(p.stderr) == []

    # the DOM after scripts ran: charts drawn, one trace per row, the hash opens a row's trace
    target = next(n for n in plan.nodes if n.level == "indikator" and n.mode == "formula")
    p = browse(chromium, tmp_path / "p2", f"{banjar_html.as_uri()}#row-{target.id}", "--dump-dom")
    assert console_messages(p.stderr) == []
    dom = p.stdout
    indicators = [n for n in plan.nodes if n.level == "indikator"]
    assert dom.count('<svg class="chart goals"') == 1
    assert 0 < dom.count('<svg class="chart quarter"') <= len(indicators)
    assert dom.count("<rect") > 50
    rows = re.findall(r'<tr id="row-([a-z0-9_]+)"', dom)
    assert rows == [n.id for n in plan.nodes]
    assert dom.count("<details") == len(plan.nodes)
    opened = re.findall(r'<tr id="row-([a-z0-9_]+)"[^>]*>(?:(?!</tr>).)*<details open', dom, re.S)
    assert opened == [target.id]


def test_catalogue_html_in_chromium(chromium: str, tmp_path: Path) -> None:
    out = tmp_path / "katalog.html"
    cli("catalogue", BANJAR, "-o", out)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "katalog-banjar.png"
    p = browse(chromium, tmp_path / "p", out.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.is_file() and shot.stat().st_size > 30_000, p.stderr[-2000:]
    assert console_messages(p.stderr) == []
