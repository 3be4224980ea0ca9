"""Scoring the example plan (fixtures/contoh): kinds, polarities, period semantics, indices, traces."""

from __future__ import annotations

from pathlib import Path

import pytest

import kinerja

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "fixtures" / "contoh" / "rencana"
DATA = ROOT / "fixtures" / "contoh" / "realisasi.csv"


@pytest.fixture(scope="module")
def plan() -> kinerja.Plan:
    return kinerja.load_plan(PLAN)


@pytest.fixture(scope="module")
def data() -> kinerja.Realisasi:
    return kinerja.read_realisasi(DATA)


def test_count_quarter(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "TW2")["iku_patroli"]
    # T 3, R 2 → 2 / 3 × 100 = 66.666… → 66.67; banded on 67: 50 + 19/19 × 7 = 57
    assert (r.target, r.actual, r.achievement, r.score, r.grade) == (3.0, 2.0, 66.67, 57.0, "Kurang")


def test_count_year_to_date_sums(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "sd-TW2")["iku_patroli"]
    assert (r.target, r.actual, r.achievement) == (6.0, 5.0, 83.33)  # 3+3 and 3+2


def test_ceiling_converts_hours_and_uses_negative_polarity(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "TW2")["iku_response_time"]
    assert r.actual == pytest.approx(18.0)  # "0,3 jam" = 18 menit
    assert r.achievement == 110.0  # (2 − 18 / 20) × 100
    year = plan.score(data, "2025")["iku_response_time"]
    assert year.actual == pytest.approx(19.0)  # mean of 18, 18, 25, 15
    assert year.achievement == 105.0  # (2 − 19/20) × 100


def test_ratio_with_fixed_population(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "sd-TW2")["iku_crime_rate"]
    # (260 + 280) / 510000 × 100000 = 105.882…; target 50 + 50 = 100; lower is better: (2 − 1.05882) × 100
    assert r.actual == pytest.approx(105.88235294)
    assert r.achievement == 94.12
    inputs = {i["name"]: i for i in r.trace[1]["inputs"]}
    assert inputs["penduduk"]["fixed"] is True and inputs["penduduk"]["value"] == 510000
    assert inputs["kejahatan"]["aggregation"] == "sum"


def test_cumulative_takes_last_quarter(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "2025")["iku_dsp"]
    assert (r.target, r.actual, r.achievement) == (34.77, 36.0, 103.54)  # 36 / 34.77 = 1.03537…


def test_level_held_takes_mean(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "sd-TW2")["iku_siaga"]
    assert (r.target, r.actual) == (36.0, 35.0)  # mean of 36 and 34


def test_missing_is_not_zero(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "2025")["iku_kepuasan"]  # TW4 not reported
    assert r.status == "no_data" and r.actual is None and r.achievement is None
    assert "TW4" in r.reason


def test_index_caps_contributions_and_renormalises(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    card = plan.score(data, "TW2")
    r = card["iku_indeks"]
    # components: patroli 66.67 (w 40), response 110 → capped 100 (w 30), crime 90.2 (w 30)
    expected = (40 * 66.67 + 30 * 100 + 30 * card["iku_crime_rate"].achievement) / 100
    assert r.actual == pytest.approx(expected)
    step = next(s for s in r.trace if s["step"] == "index")
    assert step["renormalised"] is False
    assert [c["capped"] for c in step["components"]] == [False, True, False]


def test_index_leaves_out_components_without_data() -> None:
    plan = kinerja.load_plan(PLAN)
    data = {"iku_patroli": {"TW1": 3}, "iku_response_time": {"TW1": 20}}  # crime rate has no data
    r = plan.score(data, "TW1")["iku_indeks"]
    assert r.actual == pytest.approx((40 * 100 + 30 * 100) / 70)
    step = next(s for s in r.trace if s["step"] == "index")
    assert step["renormalised"] is True and step["left_out"] == ["iku_crime_rate"]


def test_formula_over_other_indicators(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    card = plan.score(data, "2025")
    r = card["iku_gabungan"]
    assert r.actual == pytest.approx(0.5 * card["iku_indeks"].actual + 0.5 * card["iku_dsp"].actual)
    assert r.achievement == round(r.actual / 60 * 100, 1)  # this node overrides rounding to 1 decimal


def test_correction_later_row_wins(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    card = plan.score(data, "TW2")
    r = card["iku_ranmor"]
    assert r.actual == pytest.approx(88 / 91 * 100)  # the corrected 88, not the first 91
    assert any(p.code == "data-correction" for p in card.problems)


def test_range_target_year(plan: kinerja.Plan) -> None:
    data = {
        "iku_ranmor.diperbaiki": {"TW1": 50, "TW2": 60, "TW3": 70, "TW4": 45},
        "iku_ranmor.direncanakan": {"TW1": 64, "TW2": 91, "TW3": 89, "TW4": 75},
    }
    r = plan.score(data, "2025")["iku_ranmor"]
    assert r.actual == pytest.approx(225 / 319 * 100)  # 70.53 %, below the 80–90 range
    assert r.achievement == round(225 / 319 * 100 / 80 * 100, 2)


def test_error_in_one_node_does_not_touch_others(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    rows = [{"id": r.id, "periode": r.period, "realisasi": r.raw} for r in data.rows if r.period == "TW1"]
    base = plan.score(rows, "TW1")
    # a zero target would be an error; here the crime-rate input is refused (not a number)
    broken = [dict(r, realisasi="#DIV/0!") if r["id"] == "iku_crime_rate.kejahatan" else r for r in rows]
    card = plan.score(broken, "TW1")
    # a refused row is an error, with its reason (it was "no_data" before: the reason only on stderr)
    assert card["iku_crime_rate"].status == "error"
    assert "data ditolak" in card["iku_crime_rate"].reason and "#DIV/0!" in card["iku_crime_rate"].reason
    assert any(p.code == "data-bad-value" and p.node_id == "iku_crime_rate.kejahatan" for p in card.problems)
    affected = {"iku_crime_rate", "iku_indeks", "iku_gabungan"}
    for r in base:
        if r.node_id not in affected:
            assert card[r.node_id] == r, r.node_id
    # the index still scores, over the components that have data, and says so
    step = next(s for s in card["iku_indeks"].trace if s["step"] == "index")
    assert step["left_out"] == ["iku_crime_rate"]


def test_group_goal_is_not_scored(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    r = plan.score(data, "TW2")["ss_kamtibmas"]
    assert r.status == "no_target" and r.achievement is None


def test_to_dict_is_json(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    import json

    d = plan.score(data, "TW2").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["rules_hash"] == plan.content_hash and len(d["rules_hash"]) == 64
    assert [r["id"] for r in d["results"]] == [n.id for n in plan.nodes]


def test_unknown_period_lists_choices(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    with pytest.raises(ValueError, match="TW1"):
        plan.score(data, "TW5")


def test_formula_evaluated_per_quarter_then_combined(plan: kinerja.Plan, data: kinerja.Realisasi) -> None:
    card = plan.score(data, "sd-TW2")
    r = card["iku_serapan"]
    # TW1: B01..B03 = 80 + 95 + 110 = 285 juta of 1.200 → 23,75 % of a 25 % quarter target → 95
    # TW2: B04..B06 = 100 + 105,5 + 90 = 295,5 → 24,625 % → 98,5; the year so far is their mean: 96,75
    assert r.actual == pytest.approx((95 + 98.5) / 2)
    assert r.achievement == 101.84  # 96,75 / 95 × 100 = 101,842…
    step = next(s for s in r.trace if s["step"] == "actual")
    assert [p["period"] for p in step["per_period"]] == ["TW1", "TW2"]
    # evaluated on the half-year total instead, the score would be capped at 100: the two readings differ
    assert r.actual != 100.0
