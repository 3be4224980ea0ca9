"""The Polres Banjar plan scored on its illustrative fixtures: a handful of numbers worked out by hand.

The full scorecards for TW2 and the year are pinned in tests/golden/polres_banjar/; here the arithmetic is
shown for values an auditor would check first. Fixture rows are quoted from
fixtures/polres-banjar-2025/realisasi-2025.csv.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kinerja

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan() -> kinerja.Plan:
    return kinerja.load_plan(ROOT / "rules" / "polres-banjar-2025")


@pytest.fixture(scope="module", params=["realisasi-2025.csv", "realisasi-2025-plain.csv", "realisasi-2025.json"])
def data(request: pytest.FixtureRequest, plan: kinerja.Plan) -> kinerja.plan.BoundData:
    # the three fixture formats hold the same data: every hand check must hold for each
    return plan.bind(ROOT / "fixtures" / "polres-banjar-2025" / request.param)


def test_response_time_tw2_given_in_hours(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "TW2")["iku_response_time"]
    # row 144 of the ;-CSV: "0,3 jam" = 0.3 × 60 = 18 menit; lower is better: (2 − 18 / 20) × 100 = 110
    assert r.actual == pytest.approx(18.0)
    assert r.achievement == 110.0
    # band 101–110: 110 + (120 − 110) / (110 − 101) × (110 − 101) = 120
    assert r.score == 120.0 and r.grade == "Sangat Baik"


def test_response_time_year_is_the_mean_of_quarters(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "2025")["iku_response_time"]
    # (21,77 + 18 + 17,41 + 17,44) / 4 = 74,62 / 4 = 18,655 menit; (2 − 18,655 / 20) × 100 = 106,725 → 106,73
    assert r.actual == pytest.approx(18.655)
    assert r.achievement == 106.73


def test_late_correction_wins(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "TW1")["la_cp_door_to_door"]
    # row 13 says 2.738 (recorded 2025-04-07); row 244 says 2.796 (recorded 2025-08-15, "koreksi"): 2.796 counts
    assert r.actual == 2796.0
    source = next(s for s in r.trace if s["step"] == "actual")["inputs"][0]
    assert source["recorded"] == "2025-08-15"
    # CSV rows count the header line; JSON records count from 1
    assert source["source"].endswith("baris 244" if ".csv" in source["source"] else "baris 243")
    # 2.796 / 2.608 × 100 = 107,208… → 107,21; banded on 107: 110 + 10 / 9 × (107 − 101) = 116,67
    assert r.achievement == 107.21
    assert r.score == 116.67


def test_door_to_door_tw2(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "TW2")["la_cp_door_to_door"]
    # 1.752 / 2.608 × 100 = 67,177… → 67,18; banded on 67: 50 + 19 / 19 × (67 − 60) = 57 → Kurang
    assert (r.actual, r.achievement, r.score, r.grade) == (1752.0, 67.18, 57.0, "Kurang")


def test_vehicle_maintenance_formula(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "TW2")["iku_pemeliharaan_ranmor"]
    # row 197 of the ;-CSV: 75 repairs realised. The document's formula: realised / planned (319 unit) × 100 = 23,5110…
    assert r.actual == pytest.approx(75 / 319 * 100)
    # against the TW2 target 29 %: 23,5110 / 29 × 100 = 81,072… → 81,07; banded on 81: 70 + 1 = 71 → Cukup
    assert (r.target, r.achievement, r.score, r.grade) == (29.0, 81.07, 71.0, "Cukup")


def test_budget_score_comes_from_the_included_ikpa_rule_set(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    card = plan.score(data, "TW1")
    r = card["iku_nka"]
    # Nilai Kinerja Anggaran = the IKPA final value of standar/ikpa-2024: total / weights × 100 − deduction
    assert r.actual == card["ikpa24_nilai_akhir"].actual
    step = next(s for s in card["ikpa24_nilai_akhir"].trace if s["step"] == "actual")
    names = {i["name"]: i["value"] for i in step["inputs"]}
    assert r.actual == pytest.approx(names["ikpa24_nilai_total"] - names["ikpa24_dispensasi"])
    assert r.achievement == round(r.actual / 92 * 100 + 1e-9, 2)
    assert any(i["rules"] == "standar/ikpa-2024" and i["version"] == "PER-5/PB/2024" for i in plan.included)


def test_crime_rate_year_against_the_signed_target(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "2025")["iku_crime_rate"]
    # (233 + 348 + 216 + 194) = 991 crimes / 510.000 population × 100.000 = 194,3137…
    assert r.actual == pytest.approx(991 / 510_000 * 100_000)
    # signed target "263 Kasus" (the lint reports the unit), lower is better: (2 − 194,3137 / 263) × 100 = 126,12
    assert r.achievement == 126.12


def test_cumulative_percentage_year_takes_tw4(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    r = plan.score(data, "2025")["iku_dsp"]
    # cumulative: the year's realisasi is TW4's 38,14 %; 38,14 / 34,77 × 100 = 109,692… → 109,69 → banded 110 → 120
    assert (r.actual, r.achievement, r.score) == (38.14, 109.69, 120.0)


def test_missing_values_are_not_zero(plan: kinerja.Plan, data: kinerja.plan.BoundData) -> None:
    # fixtures README: la_rsi_dikmas TW3 is absent on purpose
    r = plan.score(data, "2025")["la_rsi_dikmas"]
    assert r.status == "no_data" and r.actual is None and "TW3" in r.reason


def test_every_assumption_is_listed(plan: kinerja.Plan) -> None:
    infos = [p for p in plan.check() if p.code == "assumption"]
    declared = sum(len(n.assumptions) for n in plan.nodes)
    assert len([p for p in infos if p.node_id]) == declared
    assert any(p.node_id == "iku_indeks_harkamtibmas" or "bobot" in p.path for p in infos)
