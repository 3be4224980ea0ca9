"""The command line, driven for real: the Banjar plan, broken plans written here, exit codes, messages
(file and node named, no traceback), every command and format, both languages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kinerja
from kinerja.cli import app

ROOT = Path(__file__).resolve().parents[1]
BANJAR = ROOT / "rules" / "polres-banjar-2025"
BANJAR_DATA = ROOT / "fixtures" / "polres-banjar-2025" / "realisasi-2025.csv"

runner = CliRunner()


def run(*args: str | Path) -> Any:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    return runner.invoke(app, [str(a) for a in args])


def assert_clean(result: Any) -> None:
    """No Python traceback ever reaches the user without --debug."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture(scope="module")
def plan() -> kinerja.Plan:
    return kinerja.load_plan(BANJAR)


def _filled_template(tmp: Path, plan_dir: Path, periods: list[str]) -> Path:
    """Realisasi made with the `template` command itself: every row filled with its own target (or 1)."""
    from kinerja.numbers import parse_written

    out = tmp / "realisasi.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["id", "periode", "realisasi", "satuan"])
        for p in periods:
            sheet = tmp / f"template-{p}.csv"
            r = run("template", plan_dir, "-p", p, "-o", sheet)
            assert r.exit_code == 0, r.stderr
            for row in csv.DictReader(sheet.open(encoding="utf-8"), delimiter=";"):
                try:
                    v = parse_written(row["target"]).value
                except ValueError:
                    v = None
                w.writerow([row["id"], row["periode"], str(v if v is not None else 1).replace(".", ","), row["satuan"]])
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, plan: kinerja.Plan) -> Path:
    """The Banjar realisasi fixture when it exists, else data made from the plan's own templates."""
    if BANJAR_DATA.is_file():
        return BANJAR_DATA
    return _filled_template(tmp_path_factory.mktemp("banjar-data"), BANJAR, list(plan.periods))


def _first(plan: kinerja.Plan, **want: object) -> kinerja.Node:
    for n in plan.nodes:
        if all(getattr(n, k) == v for k, v in want.items()):
            return n
    pytest.skip(f"no node with {want} in the plan")


# ------------------------------------------------------------------------------------------- broken plans

PLAN_TOML = '[rencana]\nid = "rusak"\nnama = "Rencana rusak"\ntahun = 2025\n'

BROKEN = {
    "syntax": (
        '[[sasaran]]\nid = "ss_a"\nnama = "A"\n  [[sasaran.indikator]]\n  id = "iku_a"\n  nama = "A"\n'
        "  target = 10\n  target_tw = [1, 2, 3, 4\n",
        ["01-a.toml", "sintaks TOML salah"],
    ),
    "unknown-key": (
        '[[sasaran]]\nid = "ss_a"\nnama = "A"\n  [[sasaran.indikator]]\n  id = "iku_a"\n  nama = "A"\n'
        "  target = 10\n  targte_tw = [1, 2, 3, 4]\n",
        ["01-a.toml", "[iku_a]", "targte_tw", "maksud Anda 'target_tw'"],
    ),
    "unknown-name": (
        '[[sasaran]]\nid = "ss_a"\nnama = "A"\n  [[sasaran.indikator]]\n  id = "iku_a"\n  nama = "A"\n'
        '  jenis = "rumus"\n  satuan = "persen"\n  masukan = { selesai = "kasus", total = "kasus" }\n'
        '  rumus = "selesai / totl * 100"\n  target = 10\n',
        ["01-a.toml", "[iku_a]", "rumus", "'totl'", "maksud Anda 'total'", "              ^"],
    ),
    "cycle": (
        '[[sasaran]]\nid = "ss_a"\nnama = "A"\n'
        '  [[sasaran.indikator]]\n  id = "iku_a"\n  nama = "A"\n  jenis = "rumus"\n  satuan = "persen"\n'
        '  rumus = "iku_b * 1"\n  target = 10\n'
        '  [[sasaran.indikator]]\n  id = "iku_b"\n  nama = "B"\n  jenis = "rumus"\n  satuan = "persen"\n'
        '  rumus = "iku_a * 1"\n  target = 10\n',
        ["01-a.toml", "[iku_a]", "melingkar", "iku_a → iku_b → iku_a"],
    ),
}


def broken_plan(tmp: Path, name: str) -> Path:
    folder = tmp / name
    folder.mkdir()
    (folder / "rencana.toml").write_text(PLAN_TOML, encoding="utf-8")
    (folder / "01-a.toml").write_text(BROKEN[name][0], encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("command", ["check", "score", "catalogue", "template"])
def test_broken_plan_exits_1_naming_file_and_node(tmp_path: Path, name: str, command: str) -> None:
    folder = broken_plan(tmp_path, name)
    extra = {"score": ["-d", str(tmp_path / "x.csv"), "-p", "TW1"], "template": ["-p", "TW1"]}.get(command, [])
    (tmp_path / "x.csv").write_text("id;periode;realisasi\n", encoding="utf-8")
    r = run(command, folder, *extra)
    assert r.exit_code == 1, r.stdout + r.stderr
    for expected in BROKEN[name][1]:
        assert expected in r.stderr, (expected, r.stderr)
    assert r.stdout == ""
    assert_clean(r)


def test_broken_plan_messages_follow_lang(tmp_path: Path) -> None:
    r = run("check", broken_plan(tmp_path, "cycle"), "--lang", "en")
    assert r.exit_code == 1
    assert "error: formulas depend on each other in a cycle: iku_a → iku_b → iku_a" in r.stderr


def test_broken_plan_check_json_lists_problems(tmp_path: Path) -> None:
    r = run("check", broken_plan(tmp_path, "unknown-name"), "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False
    [p] = doc["problems"]
    assert (p["code"], p["node_id"], p["suggestions"]) == ("unknown-name", "iku_a", ["total"])


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it: exit 1, the message, nothing else."""
    folder = broken_plan(tmp_path, "unknown-key")
    p = subprocess.run(
        [sys.executable, "-m", "kinerja.cli", "check", str(folder)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 1
    assert "Traceback" not in p.stderr + p.stdout
    assert "[iku_a]" in p.stderr and "targte_tw" in p.stderr


def test_missing_plan_folder(tmp_path: Path) -> None:
    r = run("check", tmp_path / "tidak-ada")
    assert r.exit_code == 1
    assert "rencana.toml" in r.stderr
    assert_clean(r)


# ------------------------------------------------------------------------------------------- check


def test_check_banjar(plan: kinerja.Plan) -> None:
    r = run("check", BANJAR)
    assert r.exit_code == 0, r.stderr
    problems = plan.check()
    n_warn = sum(p.severity == "warning" for p in problems)
    n_info = sum(p.severity == "info" for p in problems)
    assert f"rencana polres-banjar-2025: 0 galat, {n_warn} peringatan, {n_info} asumsi" in r.stdout
    assert "Asumsi yang dinyatakan dalam aturan:" in r.stdout
    assert "ASUMSI (" in r.stdout
    assert_clean(r)


def test_check_strict_turns_warnings_into_errors(plan: kinerja.Plan) -> None:
    has_warnings = any(p.severity == "warning" for p in plan.check())
    r = run("check", BANJAR, "--strict", "-q")
    assert r.exit_code == (1 if has_warnings else 0)
    if has_warnings:
        assert "--strict" in r.stderr
    assert "ASUMSI" not in r.stdout  # -q hides the assumptions


def test_check_json_english() -> None:
    r = run("check", BANJAR, "--format", "json", "--lang", "en")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["ok"] is True and doc["plan"] == "polres-banjar-2025"
    assert doc["assumptions"] == sum(p["severity"] == "info" for p in doc["problems"])
    assert any(p["message"].startswith("ASSUMPTION") for p in doc["problems"])


# ------------------------------------------------------------------------------------------- score


def test_score_table(data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "TW2")
    assert r.exit_code == 0, r.stderr
    assert "Pengukuran Kinerja — Rencana Aksi Kinerja Polres Banjar T.A. 2025 — TW2" in r.stdout
    for head in ("Target", "Realisasi", "Capaian", "Nilai", "Predikat", "Keterangan"):
        assert head in r.stdout
    assert_clean(r)


def test_score_json_matches_engine(plan: kinerja.Plan, data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "sd-TW2", "-f", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    card = plan.score(kinerja.read_realisasi(data), "sd-TW2")
    assert doc["period"] == "sd-TW2" and doc["rules_hash"] == plan.content_hash
    assert [x["id"] for x in doc["results"]] == [x.node_id for x in card]
    assert [x["achievement"] for x in doc["results"]] == [x.achievement for x in card]
    assert sum(x["status"] == "scored" for x in doc["results"]) > 10


def test_score_csv_is_indonesian_spreadsheet_csv(plan: kinerja.Plan, data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "TW1", "-f", "csv")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout), delimiter=";"))
    assert len(rows) == len(plan.nodes)
    card = plan.score(kinerja.read_realisasi(data), "TW1")
    scored = next(x for x in card if x.achievement is not None and x.achievement % 1)
    row = next(x for x in rows if x["id"] == scored.node_id)
    assert float(row["capaian"].replace(",", ".")) == pytest.approx(scored.achievement)


def test_score_markdown(data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "TW3", "-f", "md")
    assert r.exit_code == 0
    assert r.stdout.startswith("# Pengukuran Kinerja: Rencana Aksi Kinerja Polres Banjar T.A. 2025")
    assert "| No | Nama | Satuan | Target | Realisasi | Capaian | Nilai | Predikat | Keterangan |" in r.stdout


@pytest.mark.parametrize("suffix", [".html", ".xlsx", ".md", ".json", ".csv"])
def test_score_format_follows_output_suffix(tmp_path: Path, data: Path, suffix: str) -> None:
    out = tmp_path / f"laporan{suffix}"
    r = run("score", BANJAR, "-d", data, "-p", "2025", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.stat().st_size > 500
    assert f"ditulis: {out}" in r.stderr
    head = out.read_bytes()[:20]
    expected = {".html": b"<!DOCTYPE html>", ".xlsx": b"PK", ".md": b"# ", ".json": b"{", ".csv": b"id;"}[suffix]
    assert head.startswith(expected)


def test_score_no_steps_keeps_goals_and_indicators(plan: kinerja.Plan, data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "TW1", "-f", "csv", "--no-steps")
    rows = list(csv.DictReader(io.StringIO(r.stdout), delimiter=";"))
    assert [x["id"] for x in rows] == [n.id for n in plan.nodes if n.level != "langkah_aksi"]


def test_score_english(data: Path) -> None:
    r = run("score", BANJAR, "-d", data, "-p", "TW2", "--lang", "en")
    assert r.exit_code == 0
    assert "Performance Measurement" in r.stdout and "Achievement" in r.stdout
    assert "Sangat Baik" not in r.stdout  # predicates come from the profile in English too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "TW5"], "periode 'TW5' tidak dikenal; pilihan: TW1, TW2, TW3, TW4, sd-TW2, 2025"),
        (["-p", "TW1", "-f", "xlsx"], "format xlsx memerlukan -o BERKAS"),
        (["-p", "TW1", "-f", "pdf"], "'pdf' is not one of"),
    ],
)
def test_score_usage_errors_exit_2(data: Path, args: list[str], message: str) -> None:
    r = run("score", BANJAR, "-d", data, *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert_clean(r)


def test_score_missing_data_file_is_usage_error(tmp_path: Path) -> None:
    r = run("score", BANJAR, "-d", tmp_path / "tidak-ada.csv")
    assert r.exit_code == 2
    # the usage box wraps a long path at its width: read it without the frame
    assert "tidak-ada.csv" in "".join(ch for ch in r.stderr if ch not in "│ \n")


def test_score_refused_rows_are_listed_and_strict_fails(tmp_path: Path, plan: kinerja.Plan) -> None:
    node = _first(plan, level="indikator", mode="direct", kind="jumlah")
    bad = tmp_path / "buruk.csv"
    bad.write_text(f"id;periode;realisasi\n{node.id};TW1;abc\niku_tidak_ada;TW1;3\n", encoding="utf-8")
    r = run("score", BANJAR, "-d", bad, "-p", "TW1")
    assert r.exit_code == 0
    assert f"buruk.csv [{node.id}] realisasi baris 2: galat: nilai 'abc' tidak dapat dibaca" in r.stderr
    assert "[iku_tidak_ada] id baris 3: galat: id 'iku_tidak_ada' tidak ada dalam rencana" in r.stderr
    r = run("score", BANJAR, "-d", bad, "-p", "TW1", "--strict")
    assert r.exit_code == 1


def test_score_unreadable_data_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "kosong.csv"
    bad.write_text("nama;nilai\nx;1\n", encoding="utf-8")
    r = run("score", BANJAR, "-d", bad)
    assert r.exit_code == 1
    assert "kosong.csv: galat: kolom wajib 'id' tidak ada" in r.stderr
    assert_clean(r)


def test_several_data_files_are_combined(tmp_path: Path, plan: kinerja.Plan) -> None:
    node = _first(plan, level="indikator", mode="direct", kind="jumlah")
    (tmp_path / "a.csv").write_text(f"id;periode;realisasi\n{node.id};TW1;2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"id;periode;realisasi\n{node.id};TW2;3\n", encoding="utf-8")
    r = run("score", BANJAR, "-d", tmp_path / "a.csv", "-d", tmp_path / "b.csv", "-p", "sd-TW2", "-f", "json")
    doc = json.loads(r.stdout)
    res = next(x for x in doc["results"] if x["id"] == node.id)
    values = [s for s in res["trace"] if s["step"] == "actual"][0]["inputs"]
    assert [v["source"].split(" ")[0] for v in values] == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]


# ------------------------------------------------------------------------------------------- explain


def test_explain_formula_node(plan: kinerja.Plan, data: Path) -> None:
    node = next(n for n in plan.nodes if n.mode == "formula" and n.inputs)
    r = run("explain", BANJAR, node.id, "-d", data, "-p", "TW2")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert out.startswith(f"Jejak perhitungan: {node.id} — {node.name}")
    assert f"Berkas: {node.file}" in out
    assert "Rumus: " in out and "÷" in out  # readable math
    for name in node.inputs:
        assert f"Masukan {node.id}.{name}" in out
    assert "Langkah:" in out and "1. target periode:" in out
    assert "Hasil: " in out
    assert_clean(r)


def test_explain_deep_follows_index_components(plan: kinerja.Plan, data: Path) -> None:
    node = next(n for n in plan.nodes if n.mode == "index")
    r = run("explain", BANJAR, node.id, "-d", data, "-p", "2025", "--deep")
    assert r.exit_code == 0
    for ref in node.refs:
        assert f"Jejak perhitungan: {ref} — " in r.stdout


def test_explain_json(plan: kinerja.Plan, data: Path) -> None:
    node = _first(plan, id="iku_response_time")
    r = run("explain", BANJAR, node.id, "-d", data, "-p", "TW1", "-f", "json")
    doc = json.loads(r.stdout)
    [entry] = doc["nodes"]
    assert entry["node"]["id"] == node.id and entry["node"]["polarity"] == "negative"
    assert entry["result"]["trace"][0]["step"] == "target"


def test_explain_unknown_node_suggests(data: Path) -> None:
    r = run("explain", BANJAR, "iku_respon_time", "-d", data)
    assert r.exit_code == 2
    assert "simpul 'iku_respon_time' tidak ada dalam rencana" in r.stderr
    assert "maksud Anda 'iku_response_time'" in r.stderr


# ------------------------------------------------------------------------------------------- catalogue


def test_catalogue_markdown(plan: kinerja.Plan) -> None:
    r = run("catalogue", BANJAR)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert out.startswith("# Katalog Rumus Indikator: Rencana Aksi Kinerja Polres Banjar T.A. 2025")
    assert "## Profil penilaian: permenpanrb-8-2021" in out
    assert "| Capaian — negatif | (2 − R ÷ T) × 100 |" in out
    rasio = next(n for n in plan.nodes if n.kind == "rasio")
    assert f"| id | {rasio.id} |" in out
    for n in plan.nodes:
        if n.level == "indikator":
            assert f"| id | {n.id} |" in out
    assert "**Asumsi**" in out


def test_catalogue_html(tmp_path: Path) -> None:
    out = tmp_path / "katalog.html"
    r = run("catalogue", BANJAR, "-o", out, "--lang", "en")
    assert r.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<title>Indicator Formula Catalogue" in html
    assert 'class="frac"' in html  # a division drawn as a fraction


# ------------------------------------------------------------------------------------------- diff


def _edited_copy(tmp: Path) -> Path:
    """The Banjar plan with a target changed and a goal added."""
    b = tmp / "banjar-revisi"
    shutil.copytree(BANJAR, b)
    rt = kinerja.load_plan(BANJAR).node("iku_response_time")
    f = b / Path(rt.file).name
    text = f.read_text(encoding="utf-8")
    assert text.count('target = "20 menit"') == 1
    f.write_text(text.replace('target = "20 menit"', 'target = "15 menit"'), encoding="utf-8")
    (b / "99-tambahan.toml").write_text('[[sasaran]]\nid = "ss_baru"\nnama = "Sasaran baru"\n', encoding="utf-8")
    return b


def test_diff_banjar(tmp_path: Path) -> None:
    b = _edited_copy(tmp_path)
    r = run("diff", BANJAR, b)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert (
        "~ iku_response_time  Response time kehadiran Polisi di TKP (diubah)\n    Target: 20 menit → 15 menit\n" in out
    )
    assert "+ ss_baru  Sasaran baru (ditambah)" in out
    assert out.rstrip().endswith("1 ditambah, 0 dihapus, 1 diubah")
    r = run("diff", b, BANJAR, "--exit-code", "-f", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["counts"] == {"added": 0, "removed": 1, "changed": 1}


MINI = """[[sasaran]]
id = "ss_a"
nama = "A"
  [[sasaran.indikator]]
  id = "iku_indeks"
  nama = "Indeks"
  jenis = "indeks"
  target = 80
    [[sasaran.indikator.indikator]]
    id = "iku_x"
    nama = "X"
    target_tw = [1, 1, 1, 1]
    bobot = {w_x}
    [[sasaran.indikator.indikator]]
    id = "iku_y"
    nama = "Y"
    jenis = "rasio"
    masukan = {{ a = "kasus", b = "kasus" }}
    pembilang = "a"
    penyebut = "b"
    skala = {scale}
    target = 5
    bobot = {w_y}
{extra}"""


def test_diff_weights_formula_units_nodes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, text in (
        (a, MINI.format(w_x=50, w_y=50, scale=100, extra='  [[sasaran.indikator]]\n  id = "iku_lama"\n  nama = "L"\n')),
        (
            b,
            MINI.format(w_x=60, w_y=40, scale=1000, extra="").replace(
                "target_tw = [1, 1, 1, 1]", 'target_tw = [1, 2, 1, 1]\n    satuan = "kasus"'
            ),
        ),
    ):
        folder.mkdir()
        (folder / "rencana.toml").write_text(PLAN_TOML, encoding="utf-8")
        (folder / "01.toml").write_text(text, encoding="utf-8")
    r = run("diff", a, b)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "~ iku_x  X (diubah)\n" in out
    assert "    Bobot: 50 → 60\n" in out and "    Bobot: 50 → 40\n" in out
    assert "    Satuan: giat → kasus\n    Target TW2: 1 → 2\n" in out
    assert "    Rumus: a ÷ b × 100 → a ÷ b × 1.000\n" in out
    assert "- iku_lama  L (dihapus, induk ss_a)" in out
    r = run("diff", a, b, "-f", "md", "--lang", "en")
    assert "| ~ | `iku_x` | X | Unit | giat | kasus |\n|  |  |  | Target TW2 | 1 | 2 |\n" in r.stdout
    assert r.stdout.count("\n") == 13


def test_diff_same_plan() -> None:
    r = run("diff", BANJAR, BANJAR, "--exit-code")
    assert r.exit_code == 0
    assert "tidak ada perbedaan" in r.stdout


# ------------------------------------------------------------------------------------------- template


def test_template_csv_is_read_back_unchanged(tmp_path: Path, plan: kinerja.Plan) -> None:
    data = _filled_template(tmp_path, BANJAR, ["TW3"])
    realisasi = kinerja.read_realisasi(data)
    card = plan.score(realisasi, "TW3")
    assert [p.render() for p in card.problems] == []
    sheet = (tmp_path / "template-TW3.csv").read_text(encoding="utf-8")
    assert sheet.splitlines()[0] == "id;nama;satuan;target;periode;realisasi;keterangan"
    # every node the engine asks data for in TW3 is in the sheet
    asked = {row.split(";")[0] for row in sheet.splitlines()[1:]}
    no_data = [r.node_id for r in card if r.status == "no_data" and plan.node(r.node_id).mode == "direct"]
    assert not [n for n in no_data if n in asked]


def test_template_to_stdout_and_bad_suffix(tmp_path: Path) -> None:
    r = run("template", BANJAR, "-p", "TW1")
    assert r.exit_code == 0 and r.stdout.startswith("id;nama;satuan;target;periode;realisasi;keterangan\n")
    r = run("template", BANJAR, "-p", "TW1", "-o", tmp_path / "x.pdf")
    assert r.exit_code == 2
    assert "berkas keluaran harus berakhiran .csv, .xlsx" in r.stderr


# ------------------------------------------------------------------------------------------- general


@pytest.mark.parametrize("command", ["check", "score", "explain", "catalogue", "diff", "template"])
def test_help_has_examples(command: str) -> None:
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "Contoh / examples" in r.stdout
    assert f"kinerja {command} " in r.stdout


def test_version() -> None:
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"kinerja {kinerja.__version__}"


def test_internal_error_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: object) -> list[object]:
        raise ZeroDivisionError("sengaja")

    monkeypatch.setattr(kinerja.Plan, "check", boom)
    r = run("check", BANJAR)
    assert r.exit_code == 3
    assert r.stderr.strip() == (
        "galat internal: ZeroDivisionError: sengaja (jalankan ulang dengan --debug untuk melihat traceback)"
    )
    r = run("check", BANJAR, "--debug")
    assert isinstance(r.exception, ZeroDivisionError)
    r = run("--debug", "check", BANJAR)
    assert isinstance(r.exception, ZeroDivisionError)
