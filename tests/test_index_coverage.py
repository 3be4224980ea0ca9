"""Partial indices are visible (issue 11, finding 5): an index carries its coverage (the share of the weight
that applies and has a value) and what it left out; reports show both next to the number; below
`cakupan_minimal` (default 50 % of the weight) the index is not scored; lint warns about a weighted node that
is no component of any index; "nihil" in the data is not applicable, not missing.
"""

from __future__ import annotations

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
id = "cakupan"
nama = "Rencana uji cakupan"
tahun = 2025
{plan_extra}
"""

GOALS = """[[sasaran]]
id = "ss"
nama = "Sasaran"

  [[sasaran.indikator]]
  id = "idx"
  nama = "Indeks gabungan"
  jenis = "indeks"
  target = "80 %"
  target_tw = ["80 %", "80 %", "80 %", "80 %"]
  sifat_periode = "tetap"
  {index_extra}

    [[sasaran.indikator.indikator]]
    id = "kecil"
    nama = "Komponen kecil"
    satuan = "giat"
    target_tw = [10, 10, 10, 10]
    bobot = 8

    [[sasaran.indikator.indikator]]
    id = "sedang"
    nama = "Komponen sedang"
    satuan = "giat"
    target_tw = [10, 10, 10, 10]
    bobot = 42

    [[sasaran.indikator.indikator]]
    id = "besar"
    nama = "Komponen besar"
    satuan = "giat"
    target_tw = [10, 10, 10, 10]
    bobot = 50
{more}
"""


def make_plan(tmp_path: Path, plan_extra: str = "", index_extra: str = "", more: str = "") -> Path:
    folder = tmp_path / "rencana"
    folder.mkdir(parents=True)
    (folder / "rencana.toml").write_text(PLAN.format(plan_extra=plan_extra), encoding="utf-8")
    (folder / "01.toml").write_text(
        GOALS.format(index_extra=index_extra, more=more),
        encoding="utf-8",
    )
    return folder


def data(rows: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": k, "periode": "TW1", "realisasi": v} for k, v in rows.items()]


def report(plan: kinerja.Plan, card: Any, lang: str = "id") -> ScoreReport:
    return ScoreReport(plan=plan, card=card, lang=lang, problems=tuple(card.problems))


def test_an_index_over_a_tenth_of_its_weight_is_not_scored_and_says_why(tmp_path: Path) -> None:
    # before: "100 %, Sangat Baik", status scored, an empty Keterangan (only `explain` said it renormalised)
    plan = kinerja.load_plan(make_plan(tmp_path))
    card = plan.score(data({"kecil": 10}), "TW1")
    idx = card["idx"]
    assert idx.status == "no_data" and idx.actual is None and idx.achievement is None
    assert idx.coverage == pytest.approx(0.08)
    assert idx.left_out == ("sedang", "besar")
    assert "cakupan 8 % bobot, di bawah minimal 50 %" in idx.reason
    assert "sedang (belum ada data)" in idx.reason
    en = plan.score(data({"kecil": 10}), "TW1", lang="en")["idx"]
    assert "coverage 8 % of the weight, below the minimum of 50 %" in en.reason
    # the same in the batch path
    many = plan.score_many([{"unit": "u1", "id": "kecil", "periode": "TW1", "realisasi": 10}], "TW1")
    b = many.result("u1", "idx")
    assert (b.status, b.actual, b.coverage, b.left_out) == ("no_data", None, idx.coverage, idx.left_out)


def test_a_partial_index_above_the_minimum_is_scored_with_its_coverage_shown(tmp_path: Path) -> None:
    plan = kinerja.load_plan(make_plan(tmp_path))
    card = plan.score(data({"kecil": 10, "besar": 10}), "TW1")
    idx = card["idx"]
    assert idx.status == "scored" and idx.coverage == pytest.approx(0.58) and idx.left_out == ("sedang",)
    rows = {r.id: r for r in build_rows(plan, card)}
    assert note(rows["idx"], "id") == "cakupan 58 % bobot; tidak dinilai: sedang (tidak ada data)"
    assert note(rows["idx"], "en") == "coverage 58 % of the weight; not scored: sedang (no data)"
    rep = report(plan, card)
    md = render(rep, "md")
    assert "cakupan 58 % bobot; tidak dinilai: sedang (tidak ada data)" in md
    csv_line = next(line for line in str(render(rep, "csv")).splitlines() if line.startswith("idx;"))
    assert csv_line.endswith(";58;sedang")
    doc = json.loads(render(rep, "json"))
    res = next(r for r in doc["results"] if r["id"] == "idx")
    assert res["coverage"] == pytest.approx(0.58) and res["left_out"] == ["sedang"]
    html = str(render(rep, "html"))
    assert "cakupan 58 % bobot" in html
    # a full index: coverage 1, nothing left out, nothing added to the Keterangan
    full = plan.score(data({"kecil": 10, "sedang": 10, "besar": 10}), "TW1")["idx"]
    assert (full.coverage, full.left_out) == (1.0, ())


def test_the_minimum_is_a_rule_key_on_the_index_or_the_plan(tmp_path: Path) -> None:
    on_node = kinerja.load_plan(make_plan(tmp_path / "a", index_extra="cakupan_minimal = 0"))
    idx = on_node.score(data({"kecil": 10}), "TW1")["idx"]
    assert idx.status == "scored" and idx.coverage == pytest.approx(0.08)  # allowed, and still visible
    rows = {r.id: r for r in build_rows(on_node, on_node.score(data({"kecil": 10}), "TW1"))}
    assert note(rows["idx"], "id").startswith("cakupan 8 % bobot; tidak dinilai: sedang")
    on_plan = kinerja.load_plan(make_plan(tmp_path / "b", plan_extra="cakupan_minimal = 60"))
    assert on_plan.score(data({"kecil": 10, "besar": 10}), "TW1")["idx"].status == "no_data"  # 58 < 60
    both = kinerja.load_plan(
        make_plan(tmp_path / "c", plan_extra="cakupan_minimal = 60", index_extra="cakupan_minimal = 55")
    )
    assert both.score(data({"kecil": 10, "besar": 10}), "TW1")["idx"].status == "scored"  # the node's own wins
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.load_plan(make_plan(tmp_path / "d", index_extra="cakupan_minimal = 150"))
    assert any("cakupan_minimal" in p.path for p in e.value.problems)


def test_a_weighted_node_outside_every_index_is_a_lint_warning(tmp_path: Path) -> None:
    # a component written one header level off (a langkah_aksi of the index) dropped out silently before
    slip = """
    [[sasaran.indikator.langkah_aksi]]
    id = "tergelincir"
    nama = "Komponen yang salah tingkat"
    satuan = "giat"
    target_tw = [1, 1, 1, 1]
    bobot = 30
"""
    plan = kinerja.load_plan(make_plan(tmp_path, more=slip))
    warnings = [p for p in plan.check() if p.code == "weight-not-component"]
    assert [p.node_id for p in warnings] == ["tergelincir"]
    assert warnings[0].severity == "warning" and "bukan komponen indeks" in warnings[0].message("id")
    assert "is a component of no index" in warnings[0].message("en")
    clean = kinerja.load_plan(make_plan(tmp_path / "clean"))
    assert not [p for p in clean.check() if p.code == "weight-not-component"]


def test_nihil_is_not_applicable_and_leaves_the_index_without_lowering_its_coverage(tmp_path: Path) -> None:
    plan = kinerja.load_plan(make_plan(tmp_path))
    card = plan.score(data({"kecil": 10, "sedang": "nihil", "besar": 10}), "TW1")
    assert card["sedang"].status == "not_applicable" and card["sedang"].actual is None
    assert "nihil" in card["sedang"].reason
    idx = card["idx"]
    assert idx.status == "scored" and idx.coverage == 1.0 and idx.left_out == ()
    assert idx.actual == pytest.approx(100.0)  # (8 × 100 + 50 × 100) / 58
    # not reported is not the same: the index is then partial
    assert plan.score(data({"kecil": 10, "besar": 10}), "TW1")["idx"].left_out == ("sedang",)
    # every component nihil: the index is not applicable either
    every = plan.score(data({"kecil": "nihil", "sedang": "Nihil", "besar": "tidak ada objek"}), "TW1")["idx"]
    assert every.status == "not_applicable"
    # nihil next to a number for one cell is refused, not guessed
    both = plan.score(data({"kecil": 10, "besar": 10}) + data({"kecil": "nihil"}), "TW1")
    assert both["kecil"].status == "error"
    assert any(p.code == "data-duplicate" and p.node_id == "kecil" for p in both.problems)


def test_by_unit_csv_and_json_carry_the_coverage(tmp_path: Path) -> None:
    folder = make_plan(tmp_path)
    table = tmp_path / "banyak.csv"
    table.write_text("unit;id;periode;realisasi\nA;kecil;TW1;10\nA;besar;TW1;10\nB;kecil;TW1;10\n", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["score", str(folder), "-d", str(table), "-p", "TW1", "--by", "unit", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = {(x["unit"], x["id"]): x for x in json.loads(r.stdout)["results"]}
    assert rows[("A", "idx")]["coverage"] == pytest.approx(0.58) and rows[("A", "idx")]["status"] == "scored"
    assert rows[("A", "idx")]["left_out"] == "sedang"
    assert rows[("B", "idx")]["status"] == "no_data" and "cakupan 8 % bobot" in rows[("B", "idx")]["reason"]
