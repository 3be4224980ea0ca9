"""Honest statuses everywhere (issue 11, finding 6): errors are errors whatever the target; a refused data row
shows as an error with its reason in every report format, `--by unit` included; `score --strict` exits 1
when the report holds refused rows or errors, and every `score` prints a summary line; reports show the
realisasi the capaian was computed from (`realisasi_dulu`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kinerja
from kinerja.cli import app
from kinerja.report import ScoreReport, render
from kinerja.report.tables import build_rows, note

PLAN = """[rencana]
id = "jujur"
nama = "Rencana uji status"
tahun = 2025
"""

GOALS = """[[sasaran]]
id = "ss"
nama = "Sasaran"

  [[sasaran.indikator]]
  id = "tanpa_target"
  nama = "Rasio tanpa target"
  jenis = "rumus"
  satuan = "persen"
  rumus = "a / b * 100"
  masukan.a = "kasus"
  masukan.b = "kasus"

  [[sasaran.indikator]]
  id = "giat"
  nama = "Jumlah giat"
  satuan = "giat"
  target_tw = [10, 10, 10, 10]

  [[sasaran.indikator]]
  id = "bulat"
  nama = "Persentase dibulatkan dulu"
  satuan = "persen"
  target_tw = ["80 %", "80 %", "80 %", "80 %"]
  sifat_periode = "tetap"
  penilaian = { realisasi_dulu = true }
"""

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "rencana"
    f.mkdir()
    (f / "rencana.toml").write_text(PLAN, encoding="utf-8")
    (f / "01.toml").write_text(GOALS, encoding="utf-8")
    return f


@pytest.fixture
def plan(folder: Path) -> kinerja.Plan:
    return kinerja.load_plan(folder)


def rows(**cells: Any) -> list[dict[str, Any]]:
    return [{"id": k.replace("__", "."), "periode": "TW1", "realisasi": v} for k, v in cells.items()]


def test_a_division_by_zero_without_a_target_is_an_error_not_no_target(plan: kinerja.Plan) -> None:
    # before: "tanpa target" (no_target), the division by zero hidden
    card = plan.score(rows(tanpa_target__a=3, tanpa_target__b=0), "TW1")
    r = card["tanpa_target"]
    assert r.status == "error" and "pembagian dengan nol" in r.reason
    assert any(s["step"] == "error" for s in r.trace)
    # the batch path says the same
    many = plan.score_many(
        [
            {"unit": "u", "id": "tanpa_target.a", "periode": "TW1", "realisasi": 3},
            {"unit": "u", "id": "tanpa_target.b", "periode": "TW1", "realisasi": 0},
        ],
        "TW1",
    )
    assert many.result("u", "tanpa_target").status == "error"
    # without an error, a node without a target is still "no target", with its realisasi shown
    ok = plan.score(rows(tanpa_target__a=3, tanpa_target__b=4), "TW1")["tanpa_target"]
    assert ok.status == "no_target" and ok.actual == 75.0


def test_a_refused_row_is_an_error_with_its_reason_in_every_format(plan: kinerja.Plan) -> None:
    # before: "no_data" / "belum ada" in the table, the reason only on stderr
    card = plan.score(rows(giat="dua belas"), "TW1")
    r = card["giat"]
    assert r.status == "error" and r.actual is None
    assert "data ditolak" in r.reason and "dua belas" in r.reason and "perbaiki" in r.reason
    en = plan.score(rows(giat="dua belas"), "TW1", lang="en")["giat"]
    assert "data refused" in en.reason and "row" in en.reason
    rep = ScoreReport(plan=plan, card=card, lang="id", problems=tuple(card.problems))
    line = note({x.id: x for x in build_rows(plan, card)}["giat"], "id")
    assert line.startswith("galat: data ditolak")
    assert "galat: data ditolak" in str(render(rep, "md"))
    assert "data ditolak" in str(render(rep, "html"))
    got = next(x for x in csv.DictReader(io.StringIO(str(render(rep, "csv"))), delimiter=";") if x["id"] == "giat")
    assert got["status"] == "error" and "dua belas" in got["alasan"]
    doc = json.loads(render(rep, "json"))
    res = next(x for x in doc["results"] if x["id"] == "giat")
    assert res["status"] == "error" and "data ditolak" in res["reason"]
    assert doc["summary"]["refused_rows"] == 1 and doc["summary"]["error"] == 1


def test_a_refused_correction_is_not_replaced_by_the_row_it_corrects(plan: kinerja.Plan) -> None:
    # the later row (by `dicatat`) is refused: the earlier one must not silently win
    data = [
        {"id": "giat", "periode": "TW1", "realisasi": 7, "dicatat": "2025-04-01"},
        {"id": "giat", "periode": "TW1", "realisasi": "#DIV/0!", "dicatat": "2025-04-09"},
    ]
    assert plan.score(data, "TW1")["giat"].status == "error"


def test_score_prints_a_summary_and_strict_fails_on_refused_rows_or_errors(folder: Path, tmp_path: Path) -> None:
    good = tmp_path / "baik.csv"
    good.write_text("id;periode;realisasi\ngiat;TW1;9\nbulat;TW1;70\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(good), "-p", "TW1", "--strict"])
    assert r.exit_code == 0, r.output
    assert "ringkasan: 2 dinilai, 0 tanpa data, 2 tanpa target, 0 tidak berlaku, 0 galat; 0 baris data ditolak" in (
        r.stderr
    )
    bad = tmp_path / "buruk.csv"
    bad.write_text("id;periode;realisasi\ngiat;TW1;sembilan\nbulat;TW1;70\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(bad), "-p", "TW1"])
    assert r.exit_code == 0 and "1 galat; 1 baris data ditolak" in r.stderr  # said, without failing
    assert "galat: data ditolak" in r.stdout.replace("\n", " ") or "data ditolak" in r.stdout
    r = runner.invoke(app, ["score", str(folder), "-d", str(bad), "-p", "TW1", "--strict"])
    assert r.exit_code == 1 and "--strict" in r.stderr
    # an error result without any refused row fails --strict too
    zero = tmp_path / "nol.csv"
    zero.write_text("id;periode;realisasi\ntanpa_target.a;TW1;1\ntanpa_target.b;TW1;0\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(zero), "-p", "TW1", "--strict", "--lang", "en"])
    assert r.exit_code == 1 and "summary: " in r.stderr and "1 errors; 0 data rows refused" in r.stderr


def test_by_unit_csv_and_json_have_a_reason_column_and_refused_rows_as_errors(folder: Path, tmp_path: Path) -> None:
    table = tmp_path / "banyak.csv"
    table.write_text("unit;id;periode;realisasi\nA;giat;TW1;9\nB;giat;TW1;sembilan\nC;bulat;TW1;70\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "-f", "csv"])
    assert r.exit_code == 0, r.output
    got = {(x["unit"], x["id"]): x for x in csv.DictReader(io.StringIO(r.stdout), delimiter=";")}
    assert got[("A", "giat")]["status"] == "scored" and got[("A", "giat")]["reason"] == ""
    assert got[("B", "giat")]["status"] == "error" and "sembilan" in got[("B", "giat")]["reason"]
    assert got[("C", "giat")]["status"] == "no_data" and got[("C", "giat")]["reason"]
    assert "1 baris data ditolak" in r.stderr
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "-f", "json"])
    res = {(x["unit"], x["id"]): x for x in json.loads(r.stdout)["results"]}
    assert res[("B", "giat")]["status"] == "error" and "data ditolak" in res[("B", "giat")]["reason"]
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "--strict"])
    assert r.exit_code == 1


def test_reports_show_the_realisasi_the_capaian_used(plan: kinerja.Plan) -> None:
    # realisasi_dulu: 66.666 is rounded to 66.67 first; capaian 66.67 / 80 × 100 = 83.3375 → 83.34
    # (from the unrounded 66.666 it would be 83.33). The report printed 66,666 beside 83,34 before.
    card = plan.score(rows(bulat=66.666), "TW1")
    r = card["bulat"]
    assert r.achievement == 83.34
    row = {x.id: x for x in build_rows(plan, card)}["bulat"]
    assert row.actual == 66.67
    rep = ScoreReport(plan=plan, card=card, lang="id", problems=())
    md_line = next(x for x in str(render(rep, "md")).splitlines() if "dibulatkan dulu" in x)
    assert "66,67" in md_line and "66,666" not in md_line
    got = next(x for x in csv.DictReader(io.StringIO(str(render(rep, "csv"))), delimiter=";") if x["id"] == "bulat")
    assert got["realisasi"] == "66,67"
    res = next(x for x in json.loads(render(rep, "json"))["results"] if x["id"] == "bulat")
    assert res["actual_used"] == 66.67


def test_by_unit_shows_the_realisasi_the_capaian_used(folder: Path, tmp_path: Path) -> None:
    """`--by unit` printed the unrounded 66,6667 beside a capaian computed from 66,67 (found by a new-user
    recheck after the per-unit reports were fixed)."""
    table = tmp_path / "banyak.csv"
    table.write_text("unit;id;periode;realisasi\nA;bulat;TW1;66,6667\nB;giat;TW1;9\n", encoding="utf-8")
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "-f", "csv"])
    got = {(x["unit"], x["id"]): x for x in csv.DictReader(io.StringIO(r.stdout), delimiter=";")}
    assert got[("A", "bulat")]["actual_used"] == "66,67" and got[("A", "bulat")]["achievement"] == "83,34"
    assert got[("A", "giat")]["actual_used"] == ""  # nothing reported: missing, not zero
    assert got[("B", "giat")]["actual_used"] == got[("B", "giat")]["actual"]  # no realisasi_dulu: the same
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "-f", "json"])
    res = {(x["unit"], x["id"]): x for x in json.loads(r.stdout)["results"]}
    assert res[("A", "bulat")]["actual_used"] == 66.67 and res[("A", "bulat")]["actual"] == 66.6667
