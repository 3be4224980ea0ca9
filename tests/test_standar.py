"""The standard budget-scoring rule sets (rules/standar/): IKPA PER-5/PB/2024, IKPA PER-5/PB/2022 and Nilai Kinerja
Anggaran PMK 22/PMK.02/2021.

Every worked example of docs/sumber/domain.md §4–5 is reproduced through the rule files themselves (loaded with
`kinerja.load_plan` on the rule-set folder, scored from mapping data), with the arithmetic in comments. The
assumption tests read the TOML files independently and check that `plan.check()` lists every `asumsi` declared.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kinerja

ROOT = Path(__file__).resolve().parents[1]
STANDAR = ROOT / "rules" / "standar"
FIXTURES = ROOT / "fixtures" / "standar"
RULE_SETS = {
    # folder: (versi, hasil, id prefix)
    "ikpa-2024": ("PER-5/PB/2024", "ikpa24_nilai_akhir", "ikpa24"),
    "ikpa-2022": ("PER-5/PB/2022", "ikpa22_nilai_akhir", "ikpa22"),
    "nka-2021": ("PMK 22/PMK.02/2021", "nka21_nka", "nka21"),
}
MONTHS = [f"B{m:02d}" for m in range(1, 13)]
TYPES = ("51", "52", "53", "57")


@pytest.fixture(scope="module")
def ikpa24() -> kinerja.Plan:
    return kinerja.load_plan(STANDAR / "ikpa-2024")


@pytest.fixture(scope="module")
def ikpa22() -> kinerja.Plan:
    return kinerja.load_plan(STANDAR / "ikpa-2022")


@pytest.fixture(scope="module")
def nka21() -> kinerja.Plan:
    return kinerja.load_plan(STANDAR / "nka-2021")


class Data(dict[str, dict[str, Any]]):
    """Realisasi as the mapping `{"id": {"TW1": value}}` that `Plan.score` accepts."""

    def put(self, key: str, period: str, value: Any) -> Data:
        self.setdefault(key, {})[period] = value
        return self


def budget(
    p: str, pagu: dict[str, int], months: dict[str, list[float]], rpd: dict[str, list[float]] | None = None
) -> Data:
    """Pagu (TW1..TW4), monthly realisation and RPD for every spending type; types not given are 0 (no budget)."""
    d = Data()
    for t in TYPES:
        for q in ("TW1", "TW2", "TW3", "TW4"):
            d.put(f"{p}_pagu_{t}.pagu", q, pagu.get(t, 0))
        real = months.get(t, [0.0] * 12)
        plan = (rpd or months).get(t, [0.0] * 12)
        for m, r, pl in zip(MONTHS, real, plan, strict=False):
            d.put(f"{p}_realisasi_{t}.realisasi", m, r)
            d.put(f"{p}_deviasi_{t}.rpd", m, pl)
    return d


# ------------------------------------------------------------------------------------------------ loading


@pytest.mark.parametrize("folder", RULE_SETS)
def test_rule_set_loads_with_its_version_and_result(folder: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)  # raises RuleError with every problem otherwise
    versi, hasil, prefix = RULE_SETS[folder]
    assert plan.meta.version == versi
    assert plan.meta.result == hasil and hasil in plan.by_id
    assert plan.meta.periods == "triwulan"
    assert plan.meta.source
    # ids are prefixed per rule set, so a plan can include two of them without clashes
    assert all(n.id == prefix or n.id.startswith(prefix + "_") for n in plan.nodes)


@pytest.mark.parametrize("folder", RULE_SETS)
def test_check_has_no_errors(folder: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)
    assert not [p for p in plan.check() if p.severity == "error"]


def _walk(specs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for s in specs:
        yield s
        yield from _walk(s.get("indikator", []) + s.get("langkah_aksi", []))


def _declared(folder: Path) -> set[tuple[str | None, str]]:
    """Every assumption written in the rule files (node `asumsi`, input `asumsi`, profile `predikat.asumsi`)."""
    out: set[tuple[str | None, str]] = set()
    for f in sorted(folder.glob("*.toml")):
        if f.name == "rencana.toml":
            continue
        for node in _walk(tomllib.loads(f.read_text(encoding="utf-8")).get("sasaran", [])):
            asm = node.get("asumsi")
            if isinstance(asm, str):
                out.add((node["id"], "simpul"))
            for a in asm or []:
                out.add((node["id"], a.get("kunci", "simpul")))
            for name, inp in (node.get("masukan") or {}).items():
                if isinstance(inp, dict) and inp.get("asumsi"):
                    out.add((node["id"], f"masukan.{name}"))
            for steps in (node.get("tabel") or {}).values():
                # a step's own `asumsi` is not listed by the engine: the rule sets keep them on the node
                assert not any("asumsi" in s for s in steps), f"{node['id']}: asumsi inside a tabel step"
    for f in sorted((folder / "profil").glob("*.toml")) if (folder / "profil").is_dir() else []:
        prof = tomllib.loads(f.read_text(encoding="utf-8"))["profil"]
        if prof.get("predikat", {}).get("asumsi"):
            out.add((None, "predikat"))
    return out


@pytest.mark.parametrize("folder", RULE_SETS)
def test_check_lists_every_declared_assumption(folder: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)
    listed = {(p.node_id, p.args["key"]) for p in plan.check() if p.code == "assumption"}
    declared = _declared(STANDAR / folder)
    assert declared, "every standard rule set declares assumptions"
    assert declared <= listed


# Each item tagged B or C in docs/sumber/domain.md §4–5 → the node and assumption key that declare it.
B_AND_C_ITEMS = {
    "ikpa-2024": [
        ("ikpa24_nilai_akhir", "rumus"),  # Nilai Akhir = Nilai Total / Konversi Bobot × 100 − deduction [B]
        ("ikpa24_nilai_total", "konversi_bobot"),  # indicators without objects drop out [B]
        ("ikpa24_revisi", "tabel.nilai_revisi"),  # per semester 110/100/50 [B]
        ("ikpa24_deviasi", "rumus"),  # ≤ 5 % → 100 [B]; curve above 5 % [C]
        ("ikpa24_penyerapan", "target"),  # cumulative targets per spending type [B]
        ("ikpa24_penyerapan", "tahun"),  # year = mean of quarters [B] (engine: last quarter)
        ("ikpa24_kontraktual", "komponen"),  # 20/40/40 [B]
        ("ikpa24_kontrak_distribusi", "tabel.distribusi"),  # buckets [B]
        ("ikpa24_tagihan", "rumus"),  # 17 working days [B]
        ("ikpa24_uptup", "komponen"),  # 90 (50/25/25) and KKP 10 [B]
        ("ikpa24_output", "komponen"),  # 30/70 [B]
        ("ikpa24_dispensasi", "tabel.potongan"),  # per-mille deduction [B]
    ],
    "ikpa-2022": [
        ("ikpa22_nilai_akhir", "konversi_bobot"),
        ("ikpa22_revisi", "tabel.nilai_revisi"),  # one revision per quarter; scores [C]
        ("ikpa22_deviasi", "rumus"),
        ("ikpa22_penyerapan", "target"),
        ("ikpa22_penyerapan", "versi"),  # methods taken from 2024 [C]
        ("ikpa22_dispensasi", "tabel.nilai_dispensasi"),  # dispensation score [C]
        (None, "predikat"),  # categories for 2022 [C]
    ],
    "nka-2021": [
        ("nka21_efisiensi", "rumus"),  # Nilai Efisiensi = 50 + E / 20 × 50 [B]
        ("nka21_efisiensi", "batas_e"),  # E capped to ±20 [C]
        ("nka21_konsistensi", "rumus"),  # Konsistensi [C]
        ("nka21_nka", "predikat"),  # category scale [C]
        ("nka21_nka", "versi"),  # PMK 62/2023 may supersede [C]
    ],
}


@pytest.mark.parametrize("folder", RULE_SETS)
def test_every_b_and_c_item_of_the_domain_is_an_assumption(folder: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)
    listed = {(p.node_id, p.args["key"]) for p in plan.check() if p.code == "assumption"}
    missing = [item for item in B_AND_C_ITEMS[folder] if item not in listed]
    assert not missing


@pytest.mark.parametrize("folder", ["ikpa-2024", "ikpa-2022"])
def test_every_weight_cites_its_source(folder: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)
    weighted = [n for n in plan.nodes if n.weight is not None]
    assert weighted
    assert all(n.source for n in weighted), [n.id for n in weighted if not n.source]


def test_ikpa_weights_are_those_of_the_regulations(ikpa24: kinerja.Plan, ikpa22: kinerja.Plan) -> None:
    top24 = ikpa24.node("ikpa24_nilai_total")
    assert dict(zip(top24.refs, top24.weights, strict=True)) == {
        "ikpa24_revisi": 10,
        "ikpa24_deviasi": 15,
        "ikpa24_penyerapan": 20,
        "ikpa24_kontraktual": 10,
        "ikpa24_tagihan": 10,
        "ikpa24_uptup": 10,
        "ikpa24_output": 25,
    }  # Dispensasi SPM has no weight in 2024: it is deducted
    top22 = ikpa22.node("ikpa22_nilai_akhir")
    assert dict(zip(top22.refs, top22.weights, strict=True)) == {
        "ikpa22_revisi": 10,
        "ikpa22_deviasi": 10,
        "ikpa22_penyerapan": 20,
        "ikpa22_kontraktual": 10,
        "ikpa22_tagihan": 10,
        "ikpa22_uptup": 10,
        "ikpa22_output": 25,
        "ikpa22_dispensasi": 5,
    }


# ------------------------------------------------------------------------------------ IKPA 2024: worked examples


def test_absorption_quarter_score_92_67(ikpa24: kinerja.Plan) -> None:
    # docs/sumber/domain.md §4: budgets 1000 and 1000; quarter 1 staff 200 → 20 % of the 20 % target → 100,
    # goods 128.01 → 12.80 % of the 15 % target → 85.34 (12.801 / 15 × 100 = 85.34);
    # budget-weighted: (1000 × 100 + 1000 × 85.34) / 2000 = 92.67
    d = budget("ikpa24", {"51": 1000, "52": 1000}, {"51": [60, 70, 70], "52": [30, 45, 53.01]})
    card = ikpa24.score(d, "TW1")
    assert card["ikpa24_serap_51"].actual == pytest.approx(20.0)
    assert card["ikpa24_serap_52"].actual == pytest.approx(12.801)
    assert card["ikpa24_penyerapan_tw1"].actual == pytest.approx(92.67)
    assert card["ikpa24_penyerapan"].actual == pytest.approx(92.67)
    # only the quarter-1 node is scored for TW1 (the others have no target in TW1)
    assert [card[f"ikpa24_penyerapan_tw{i}"].status for i in (1, 2, 3, 4)] == [
        "scored",
        "no_target",
        "no_target",
        "no_target",
    ]
    assert card["ikpa24_penyerapan_tw1"].grade == "Baik"  # 89 ≤ 92.67 < 95 (standalone IKPA profile)
    assert not card.problems


def test_absorption_uses_the_targets_of_the_quarter_asked(ikpa24: kinerja.Plan) -> None:
    # s.d. TW2, budgets 1000 and 1000: staff 200 + 300 = 500 → 50 % of 50 % → 100;
    # goods 128.01 + 271.99 = 400 → 40 % of 50 % → 80; (100 + 80) / 2 = 90
    d = budget(
        "ikpa24", {"51": 1000, "52": 1000}, {"51": [60, 70, 70, 100, 100, 100], "52": [30, 45, 53.01, 90, 90, 91.99]}
    )
    card = ikpa24.score(d, "sd-TW2")
    assert card["ikpa24_penyerapan"].actual == pytest.approx(90.0)
    # over-absorption is capped per spending type: min(100, …)
    d2 = budget("ikpa24", {"51": 1000, "52": 1000}, {"51": [100, 100, 100], "52": [30, 45, 53.01]})
    assert ikpa24.score(d2, "TW1")["ikpa24_penyerapan"].actual == pytest.approx(92.67)  # 30 % of 20 % → 100


def test_absorption_money_is_exact(ikpa24: kinerja.Plan) -> None:
    # budgets in rupiah as written in a DIPA; monthly sums stay exact integers
    pagu = {"51": 855_830_897_000, "52": 734_881_464_333}
    d = budget("ikpa24", pagu, {"51": [57_055_393_133, 57_055_393_133, 57_055_393_134], "52": [36_744_073_216] * 3})
    card = ikpa24.score(d, "TW1")
    assert card["ikpa24_realisasi_51"].actual == 171_166_179_400  # 20.000000… % of the budget
    assert card["ikpa24_realisasi_52"].actual == 110_232_219_648
    assert card["ikpa24_serap_51"].actual == pytest.approx(171_166_179_400 / 855_830_897_000 * 100)


def test_bills_13_of_15(ikpa24: kinerja.Plan) -> None:
    # docs/sumber/domain.md §4: 13 of 15 bills submitted within 17 working days → 13 / 15 × 100 = 86.67
    d = Data().put("ikpa24_tagihan.tepat", "TW1", 13).put("ikpa24_tagihan.semua", "TW1", 15)
    r = ikpa24.score(d, "TW1")["ikpa24_tagihan"]
    assert round(r.actual, 2) == 86.67


def _ninety(p: str) -> Data:
    """Three indicators at 90.00, the others without objects: Nilai Total / Konversi Bobot = 90.00."""
    d = Data()
    d.put(f"{p}_tagihan.tepat", "TW4", 18).put(f"{p}_tagihan.semua", "TW4", 20)  # 90
    d.put(f"{p}_output_pelaporan.tepat", "TW4", 9).put(f"{p}_output_pelaporan.wajib", "TW4", 10)  # 90
    d.put(f"{p}_output_capaian.capaian", "TW4", 90)  # 90 → output (30 × 90 + 70 × 90) / 100 = 90
    d.put(f"{p}_up_ketepatan.tepat", "TW4", 9).put(f"{p}_up_ketepatan.semua", "TW4", 10)  # 90 → UP 90 → UP/TUP 90
    return d


def test_dispensation_24_of_5200_deducts_0_75(ikpa24: kinerja.Plan) -> None:
    # docs/sumber/domain.md §4: 24 of 5,200 SPM = 4.615 ‰ → 1–5 ‰ → deduction 0.75, so 90.00 becomes 89.25
    d = _ninety("ikpa24")
    d.put("ikpa24_dispensasi.dispensasi", "TW4", 24).put("ikpa24_dispensasi.spm", "TW4", 5200)
    card = ikpa24.score(d, "TW4")
    # Nilai Total = 10 × 90 + 25 × 90 + 10 × 90 = 4050; Konversi Bobot = 10 + 25 + 10 = 45; 4050 / 45 = 90.00
    assert card["ikpa24_nilai_total"].actual == pytest.approx(90.0)
    assert card["ikpa24_dispensasi"].actual == 0.75
    assert card["ikpa24_nilai_akhir"].actual == pytest.approx(89.25)
    step = next(s for s in card["ikpa24_nilai_total"].trace if s["step"] == "index")
    assert step["weights_used"] == 45
    assert set(step["left_out"]) == {"ikpa24_revisi", "ikpa24_deviasi", "ikpa24_penyerapan", "ikpa24_kontraktual"}


@pytest.mark.parametrize(
    ("dispensed", "spm", "deduction"),
    [
        (0, 5200, 0.0),  # 0 ‰ → 0
        (1, 10_000, 0.25),  # 0.1 ‰ → up to 0.1 → 0.25
        (1, 5200, 0.5),  # 0.19 ‰ → 0.1–1 → 0.50
        (10, 10_000, 0.75),  # 1 ‰ → 1–5 → 0.75
        (24, 5200, 0.75),  # 4.615 ‰
        (26, 5200, 1.0),  # 5 ‰ → ≥ 5 → 1.00
        (0, 0, 0.0),  # no SPM at all: nothing to deduct
    ],
)
def test_dispensation_table(ikpa24: kinerja.Plan, dispensed: int, spm: int, deduction: float) -> None:
    d = Data().put("ikpa24_dispensasi.dispensasi", "TW4", dispensed).put("ikpa24_dispensasi.spm", "TW4", spm)
    assert ikpa24.score(d, "TW4")["ikpa24_dispensasi"].actual == deduction


def _all_indicators(contracts: int) -> Data:
    """Every 2024 indicator with simple scores; Belanja Kontraktual with `contracts` contracts (0 = no objects)."""
    d = budget("ikpa24", {"51": 1000, "52": 1000}, {"51": [60, 70, 70], "52": [50, 50, 50]})  # RPD = realisation
    d.put("ikpa24_revisi_s1.revisi", "TW1", 1)  # 0–1 revision in the semester → 110
    d.put("ikpa24_tagihan.tepat", "TW1", 4).put("ikpa24_tagihan.semua", "TW1", 5)  # 80
    d.put("ikpa24_up_ketepatan.tepat", "TW1", 3).put("ikpa24_up_ketepatan.semua", "TW1", 3)  # 100
    d.put("ikpa24_output_pelaporan.tepat", "TW1", 3).put("ikpa24_output_pelaporan.wajib", "TW1", 3)  # 100
    d.put("ikpa24_output_capaian.capaian", "TW1", 100)  # 100
    d.put("ikpa24_dispensasi.dispensasi", "TW1", 0).put("ikpa24_dispensasi.spm", "TW1", 900)  # 0
    d.put("ikpa24_kontrak.kontrak", "TW1", contracts)
    d.put("ikpa24_kontrak_distribusi.sd_tw2", "TW1", 0)  # 0 % registered → 0
    d.put("ikpa24_kontrak_dini.dini", "TW1", 0)  # 0
    d.put("ikpa24_kontrak_modal.modal", "TW1", 0).put("ikpa24_kontrak_modal.modal_tw1", "TW1", 0)  # no objects
    return d


def test_renormalisation_when_an_indicator_has_no_objects(ikpa24: kinerja.Plan) -> None:
    card = ikpa24.score(_all_indicators(contracts=0), "TW1")
    # revisi 110, deviasi 100 (realisation = RPD), penyerapan: staff 200 = 20 % of 20 % → 100, goods 150 = 15 % of
    # 15 % → 100 → 100; tagihan 4/5 = 80; UP/TUP 100; output 100. No contracts → Belanja Kontraktual drops out:
    # Nilai Total = 10 × 110 + 15 × 100 + 20 × 100 + 10 × 80 + 10 × 100 + 25 × 100 = 8900; Konversi Bobot = 90
    # → 8900 / 90 = 98.888…; no dispensation → 98.89
    assert [card[i].actual for i in ("ikpa24_revisi", "ikpa24_deviasi", "ikpa24_penyerapan", "ikpa24_tagihan")] == [
        110.0,
        100.0,
        100.0,
        80.0,
    ]
    assert card["ikpa24_kontraktual"].actual is None
    assert card["ikpa24_nilai_akhir"].actual == pytest.approx(8900 / 90)
    assert round(card["ikpa24_nilai_akhir"].actual, 2) == 98.89


def test_an_indicator_with_objects_but_score_zero_stays_in(ikpa24: kinerja.Plan) -> None:
    card = ikpa24.score(_all_indicators(contracts=5), "TW1")
    # 5 contracts, none registered by Q2 (distribution 0 % → 0), none early (0 / 5 → 0), no capital contracts
    # (component drops out inside the indicator): Belanja Kontraktual = (20 × 0 + 40 × 0) / 60 = 0 — and it stays
    # in: 8900 / 100 = 89.00
    assert card["ikpa24_kontraktual"].actual == 0.0
    assert card["ikpa24_nilai_akhir"].actual == pytest.approx(89.0)


def test_revisions_per_semester_and_the_year_mean(ikpa24: kinerja.Plan) -> None:
    d = Data()
    d.put("ikpa24_revisi_s1.revisi", "TW1", 1).put("ikpa24_revisi_s1.revisi", "TW2", 1)  # 2 in semester I → 100
    d.put("ikpa24_revisi_s2.revisi", "TW3", 2).put("ikpa24_revisi_s2.revisi", "TW4", 1)  # 3 in semester II → 50
    assert ikpa24.score(d, "TW1")["ikpa24_revisi"].actual == 110  # 1 so far → 110
    assert ikpa24.score(d, "sd-TW2")["ikpa24_revisi"].actual == 100
    assert ikpa24.score(d, "2024")["ikpa24_revisi"].actual == 75  # (100 + 50) / 2


def test_deviation_weighted_by_budget(ikpa24: kinerja.Plan) -> None:
    # staff: realisation 300 vs RPD 300 → 0 %; goods: 220 vs 200 → 10 %; budgets 3000 and 1000
    # → (3000 × 0 + 1000 × 10) / 4000 = 2.5 % ≤ 5 % → 100; goods 280 vs 200 → 40 % → 10 % → 100 − 10 = 90
    d = budget(
        "ikpa24", {"51": 3000, "52": 1000}, {"51": [100] * 3, "52": [70, 70, 80]}, {"51": [100] * 3, "52": [60, 70, 70]}
    )
    card = ikpa24.score(d, "TW1")
    assert card["ikpa24_deviasi_rata"].actual == pytest.approx(2.5)
    assert card["ikpa24_deviasi"].actual == 100
    d2 = budget(
        "ikpa24",
        {"51": 3000, "52": 1000},
        {"51": [100] * 3, "52": [90, 90, 100]},
        {"51": [100] * 3, "52": [60, 70, 70]},
    )
    assert ikpa24.score(d2, "TW1")["ikpa24_deviasi"].actual == pytest.approx(90.0)


def test_missing_month_is_not_zero(ikpa24: kinerja.Plan) -> None:
    d = budget("ikpa24", {"51": 1000, "52": 1000}, {"51": [60, 70, 70], "52": [30, 45, 53.01]})
    del d["ikpa24_realisasi_52.realisasi"]["B02"]
    card = ikpa24.score(d, "TW1")
    assert card["ikpa24_realisasi_52"].actual is None
    assert card["ikpa24_penyerapan"].actual is None


# ------------------------------------------------------------------------------------------------- IKPA 2022


def test_ikpa_2022_dispensation_is_a_weighted_indicator(ikpa22: kinerja.Plan) -> None:
    d = _ninety("ikpa22")
    d.put("ikpa22_dispensasi.dispensasi", "TW4", 24).put("ikpa22_dispensasi.spm", "TW4", 5200)
    card = ikpa22.score(d, "TW4")
    # 4.615 ‰ → score 25 [C]; Nilai Total = 4050 + 5 × 25 = 4175; Konversi Bobot = 45 + 5 = 50 → 83.50
    assert card["ikpa22_dispensasi"].actual == 25
    assert card["ikpa22_nilai_akhir"].actual == pytest.approx(83.5)


def test_ikpa_2022_revisions_at_most_one_per_quarter(ikpa22: kinerja.Plan) -> None:
    d = Data()
    for i, n in enumerate([1, 0, 2, 1], start=1):
        d.put(f"ikpa22_revisi_tw{i}.revisi", f"TW{i}", n)
    # per quarter ≤ 1 → 100, more → 50 [C]; not cumulative: the year is the mean (100 + 100 + 50 + 100) / 4
    assert ikpa22.score(d, "TW3")["ikpa22_revisi"].actual == 50
    assert ikpa22.score(d, "2022")["ikpa22_revisi"].actual == 87.5


def test_ikpa_2022_absorption_and_bills_match_the_worked_examples(ikpa22: kinerja.Plan) -> None:
    d = budget("ikpa22", {"51": 1000, "52": 1000}, {"51": [60, 70, 70], "52": [30, 45, 53.01]})
    d.put("ikpa22_tagihan.tepat", "TW1", 13).put("ikpa22_tagihan.semua", "TW1", 15)
    card = ikpa22.score(d, "TW1")
    assert card["ikpa22_penyerapan"].actual == pytest.approx(92.67)
    assert round(card["ikpa22_tagihan"].actual, 2) == 86.67


# ------------------------------------------------------------------------------------------------ NKA 2021


def _outputs() -> Data:
    d = Data()
    # program 1, RO 1: indicators 5/5 and 9/10; RO 2: 2/3, 4/6, 5/5; program 2: one RO at 100 %
    for ik, target, real in (
        ("p1_ro1_ik1", 5, 5),
        ("p1_ro1_ik2", 10, 9),
        ("p1_ro2_ik1", 3, 2),
        ("p1_ro2_ik2", 6, 4),
        ("p1_ro2_ik3", 5, 5),
        ("p2_ro1_ik1", 12, 12),
    ):
        d.put(f"nka21_{ik}.target", "TW4", target).put(f"nka21_{ik}.realisasi", "TW4", real)
    return d


def test_nested_geometric_means(nka21: kinerja.Plan) -> None:
    card = nka21.score(_outputs(), "2021")
    # domain summary §5: √(1.00 × 0.90) = 94.87 %; ∛(0.667 × 0.667 × 1.00) = 76.31 %; program √(0.9487 × 0.7631) =
    # 85.09 %; with a second program at 100 %: √(0.8509 × 1.00) = 92.24 %
    assert round(card["nka21_p1_ro1"].actual, 2) == 94.87
    assert round(card["nka21_p1_ro2"].actual, 2) == 76.31
    assert round(card["nka21_p1"].actual, 2) == 85.09
    assert round(card["nka21_capaian_ro"].actual, 2) == 92.24
    ro1 = math.sqrt(100 * 90)  # percent
    ro2 = (200 / 3 * 200 / 3 * 100) ** (1 / 3)
    assert card["nka21_capaian_ro"].actual == pytest.approx(math.sqrt(math.sqrt(ro1 * ro2) * 100))
    # unused slots have no data and drop out of the geometric means
    assert card["nka21_p3"].actual is None


def test_absorption_85_87_exact(nka21: kinerja.Plan) -> None:
    # docs/sumber/domain.md §5: 734,881,464,333 of 855,830,897,000 = 85.87 %; monthly realisation sums exactly
    real = [61_240_122_027] * 11
    real.append(734_881_464_333 - sum(real))
    d = Data().put("nka21_pagu.pagu", "TW4", 855_830_897_000)
    for m, v in zip(MONTHS, real, strict=True):
        d.put("nka21_realisasi.realisasi", m, v)
    card = nka21.score(d, "2021")
    assert card["nka21_realisasi"].actual == 734_881_464_333
    assert card["nka21_penyerapan"].actual == pytest.approx(734_881_464_333 / 855_830_897_000 * 100)
    assert round(card["nka21_penyerapan"].actual, 2) == 85.87


def test_efficiency_and_nka(nka21: kinerja.Plan) -> None:
    d = _outputs()
    # per RO: pagu × capaian − realisation; RO 1: 1,000 × 0.9487 = 948.68 vs 900 spent;
    # RO 2: 1,000 × 0.7631 = 763.14 vs 700; program 2 RO 1: 1,000 × 1.00 = 1,000 vs 950
    for ro, spent in (("p1_ro1", 900_000_000), ("p1_ro2", 700_000_000), ("p2_ro1", 950_000_000)):
        d.put(f"nka21_{ro}_seharusnya.pagu", "TW4", 1_000_000_000)
        d.put(f"nka21_{ro}_realisasi.realisasi", "TW4", spent)
        for q in ("TW1", "TW2", "TW3"):
            d.put(f"nka21_{ro}_realisasi.realisasi", q, 0)
    for m in MONTHS:
        d.put("nka21_realisasi.realisasi", m, 200).put("nka21_rpd.rpd", m, 250)
    d.put("nka21_pagu.pagu", "TW4", 3000)
    card = nka21.score(d, "2021")
    ro1, ro2 = math.sqrt(0.9), (2 / 3 * 2 / 3) ** (1 / 3)
    should = 1e9 * (ro1 + ro2 + 1.0)
    e = (should - 2.55e9) / should * 100  # (2,711.82 − 2,550) / 2,711.82 = 5.967 %
    assert card["nka21_efisiensi_e"].actual == pytest.approx(e)
    assert card["nka21_efisiensi"].actual == pytest.approx(50 + e / 20 * 50)  # 64.92
    # penyerapan 2,400 / 3,000 = 80 %; konsistensi 2,400 / 3,000 RPD = 80 % [C]
    assert card["nka21_penyerapan"].actual == pytest.approx(80.0)
    assert card["nka21_konsistensi"].actual == pytest.approx(80.0)
    cro = card["nka21_capaian_ro"].actual
    expected = 0.435 * cro + 0.097 * 80 + 0.286 * (50 + e / 20 * 50) + 0.182 * 80
    assert card["nka21_nka"].actual == pytest.approx(expected)  # 0.435 × 92.24 + 7.76 + 0.286 × 64.92 + 14.56 ≈ 81.0


def test_efficiency_is_capped_at_plus_minus_20(nka21: kinerja.Plan) -> None:
    d = _outputs()
    d.put("nka21_p2_ro1_seharusnya.pagu", "TW4", 1000).put("nka21_p2_ro1_realisasi.realisasi", "TW4", 500)
    for q in ("TW1", "TW2", "TW3"):
        d.put("nka21_p2_ro1_realisasi.realisasi", q, 0)
    card = nka21.score(d, "2021")
    assert card["nka21_efisiensi_e"].actual == pytest.approx(50.0)  # (1000 − 500) / 1000
    assert card["nka21_efisiensi"].actual == 100.0  # E capped to 20 [C] → 50 + 20 / 20 × 50


# ------------------------------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize(
    ("folder", "csv"),
    [("ikpa-2024", "ikpa-2024-contoh.csv"), ("ikpa-2022", "ikpa-2022-contoh.csv"), ("nka-2021", "nka-2021-contoh.csv")],
)
def test_fixture_binds_without_problems(folder: str, csv: str) -> None:
    plan = kinerja.load_plan(STANDAR / folder)
    bound = plan.bind(kinerja.read_realisasi(FIXTURES / csv))
    assert not bound.problems
    year = str(plan.meta.year)
    assert plan.score(bound, year)[plan.meta.result].actual is not None


def test_ikpa_2024_fixture_reproduces_the_worked_examples(ikpa24: kinerja.Plan) -> None:
    bound = ikpa24.bind(kinerja.read_realisasi(FIXTURES / "ikpa-2024-contoh.csv"))
    tw1 = ikpa24.score(bound, "TW1")
    assert tw1["ikpa24_penyerapan"].actual == pytest.approx(92.67)  # "128.010.000" read as 128,010,000 rupiah
    assert round(tw1["ikpa24_tagihan"].actual, 2) == 86.67
    year = ikpa24.score(bound, "2024")
    assert year["ikpa24_dispensasi"].actual == 0.75  # TW4: 24 of "5.200"
    assert year["ikpa24_nilai_akhir"].actual == pytest.approx(year["ikpa24_nilai_total"].actual - 0.75)


def test_nka_fixture_reproduces_the_worked_examples(nka21: kinerja.Plan) -> None:
    card = nka21.score(kinerja.read_realisasi(FIXTURES / "nka-2021-contoh.csv"), "2021")
    assert card["nka21_realisasi"].actual == 734_881_464_333
    assert round(card["nka21_penyerapan"].actual, 2) == 85.87
    assert round(card["nka21_capaian_ro"].actual, 2) == 92.24


# -------------------------------------------------------------------------------------- included by reference


def _including_plan(tmp_path: Path, includes: list[tuple[str, str, str]]) -> Path:
    (tmp_path / "rencana.toml").write_text(
        '[rencana]\nid = "uji"\nnama = "Uji penyertaan"\ntahun = 2025\n', encoding="utf-8"
    )
    lines = ['[[sasaran]]\nid = "ss_anggaran"\nnama = "Kinerja anggaran"\n']
    for node, folder, versi in includes:
        lines.append(
            f'[[sasaran.indikator]]\nid = "{node}"\nnama = "{folder}"\nsatuan = "poin"\ntarget = 92\n'
            f'target_tw = [92, 92, 92, 92]\nsifat_periode = "tetap"\n'
            # a name inside the bundled rules root (rules/standar/...): absolute paths are refused (issue 12)
            f'sertakan = {{ aturan = "standar/{folder}", versi = "{versi}" }}\n'
        )
    (tmp_path / "01.toml").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path


def test_included_rule_sets_score_through_the_including_node(tmp_path: Path) -> None:
    plan = kinerja.load_plan(
        _including_plan(
            tmp_path,
            [
                ("iku_ikpa", "ikpa-2024", "PER-5/PB/2024"),
                ("iku_ikpa_lama", "ikpa-2022", "PER-5/PB/2022"),
                ("iku_nka", "nka-2021", "PMK 22/PMK.02/2021"),
            ],
        )
    )  # three rule sets in one plan: no id clashes
    d = _ninety("ikpa24")
    d.put("ikpa24_dispensasi.dispensasi", "TW4", 24).put("ikpa24_dispensasi.spm", "TW4", 5200)
    r = plan.score(d, "TW4")["iku_ikpa"]
    assert r.actual == pytest.approx(89.25)  # the rule set's result is the including node's realisasi
    assert r.target == 92
    assert {i["rules"] for i in plan.included} == {f"standar/{f}" for f in RULE_SETS}


@pytest.mark.parametrize(
    ("folder", "wrong"),
    [("ikpa-2024", "PER-5/PB/2022"), ("ikpa-2022", "PER-5/PB/2024"), ("nka-2021", "PMK 62/2023")],
)
def test_including_with_the_wrong_version_is_refused(tmp_path: Path, folder: str, wrong: str) -> None:
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.load_plan(_including_plan(tmp_path, [("iku_x", folder, wrong)]))
    codes = [p.code for p in e.value.problems]
    assert "include-version" in codes
    p = next(p for p in e.value.problems if p.code == "include-version")
    assert p.args["got"] == RULE_SETS[folder][0] and p.args["want"] == wrong
