"""Numbers read without guessing: one convention per data file (declared, or decided by the file's own
unambiguous values), the same rule for `read_realisasi` and `batch.read_table`; what stays ambiguous is
refused with row and column named, and a count is never fractional."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kinerja
from kinerja.batch import read_table
from kinerja.cli import app
from kinerja.errors import DataError
from kinerja.numbers import UNDECIDED, decide_convention, parse_written, reading_evidence
from strategies import write_plan

MONTHLY = [1200, 1350, 1410, 1275, 1390, 1520, 1480, 1405, 1330, 1450, 1560, 1580]  # 16,950 in the year

GOALS = [
    {
        "id": "ss_uji",
        "nama": "Sasaran uji",
        "indikator": [
            {
                "id": "iku_kunjungan",
                "nama": "Jumlah kunjungan warga",
                "jenis": "rumus",
                "satuan": "orang",
                "rumus": "kunjungan",
                "masukan": {"kunjungan": {"satuan": "orang", "periode": "bulan", "agregasi": "jumlah"}},
                "sifat_periode": "jumlah",
                "target_tw": [4000] * 4,
            },
            {"id": "iku_giat", "nama": "Jumlah giat", "jenis": "jumlah", "satuan": "giat", "target_tw": [4] * 4},
            {"id": "iku_persen", "nama": "Persentase", "jenis": "langsung", "satuan": "persen", "target_tw": [50] * 4},
        ],
    }
]


@pytest.fixture
def plan(tmp_path: Path) -> kinerja.Plan:
    return kinerja.load_plan(write_plan(tmp_path / "rencana", GOALS))


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _monthly_counts(tmp_path: Path, sep: str = ";") -> Path:
    def cell(x: int) -> str:
        text = f"{x:,}"  # English thousands separators, as published reports print them
        return f'"{text}"' if sep == "," else text

    rows = [f"iku_kunjungan.kunjungan{sep}B{m:02d}{sep}{cell(x)}" for m, x in enumerate(MONTHLY, start=1)]
    return _csv(tmp_path, f"id{sep}periode{sep}realisasi\n" + "\n".join(rows) + "\n")


# ------------------------------------------------------------------------------- finding 2 (regression)


@pytest.mark.parametrize("sep", [";", ","])
def test_finding_2_english_thousands_in_a_count_column_are_never_read_as_decimals(
    plan: kinerja.Plan, tmp_path: Path, sep: str
) -> None:
    """Was: 1,200 read as 1.2, the year summed to 966 instead of 16,950, no problem, exit 0."""
    path = _monthly_counts(tmp_path, sep)
    card = plan.score(kinerja.read_realisasi(path), "2025")
    assert card["iku_kunjungan"].actual is None and card["iku_kunjungan"].status == "error"  # refused rows
    refused = [p for p in card.problems if p.code == "data-ambiguous-number"]
    assert [(p.row, p.path, p.severity) for p in refused] == [(m + 1, "realisasi", "error") for m in range(1, 13)]
    assert "'1,200'" in refused[0].message("id") and "--angka" in refused[0].message("id")
    declared = plan.score(kinerja.read_realisasi(path, convention="en"), "2025")
    assert declared["iku_kunjungan"].actual == 16950.0 and not declared.problems


def test_finding_2_declared_wrongly_a_fractional_count_is_refused(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = plan.score(kinerja.read_realisasi(_monthly_counts(tmp_path), convention="id"), "2025")
    refused = [p for p in card.problems if p.code == "data-fractional-count"]
    assert len(refused) == 12 and refused[0].row == 2 and refused[0].path == "realisasi"
    assert "1,2" in refused[0].message("id") and "1.2" in refused[0].message("en")
    assert card["iku_kunjungan"].status == "error" and "1,2" in card["iku_kunjungan"].reason


def test_finding_2_cli_refuses_then_reads_with_angka(plan: kinerja.Plan, tmp_path: Path) -> None:
    path = _monthly_counts(tmp_path)
    folder = str(tmp_path / "rencana")
    runner = CliRunner()
    r = runner.invoke(app, ["score", folder, "-d", str(path), "-p", "2025", "-f", "json", "--strict"])
    assert r.exit_code == 1
    assert "baris 2" in r.stderr and "--angka" in r.stderr
    r = runner.invoke(app, ["score", folder, "-d", str(path), "-p", "2025", "-f", "json", "--angka", "en"])
    assert r.exit_code == 0, r.output
    got = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    assert got["iku_kunjungan"]["actual"] == 16950.0
    r = runner.invoke(app, ["explain", folder, "iku_kunjungan", "-d", str(path), "-p", "2025", "--angka", "en"])
    assert r.exit_code == 0 and "16" in r.stdout


# ------------------------------------------------------------------------------- the file decides


@pytest.mark.parametrize(
    "text,evidence",
    [
        ("12,5", "id"),
        ("1.234,5", "id"),
        ("1.234.567", "id"),
        ("0,500", "id"),
        ("0.25", "en"),
        ("1,234.5", "en"),
        ("1,234,567", "en"),
        ("66.67 %", "en"),
        ("1,200", "ambiguous"),
        ("1.234", "ambiguous"),
        ("-1.234 giat", "ambiguous"),
        ("12", None),
        ("abc", None),
        ("1,2,3", None),
        (12.5, None),
    ],
)
def test_what_one_value_says_about_its_file(text: Any, evidence: str | None) -> None:
    assert reading_evidence(text) == evidence


def test_decision_is_per_file_declared_first() -> None:
    assert decide_convention([(2, "1,200"), (3, "12,5")]).convention == "id"
    assert decide_convention([(2, "1,200"), (3, "0.25")]).convention == "en"
    assert decide_convention([(2, "1,200"), (3, "12")]).convention == UNDECIDED
    mixed = decide_convention([(2, "12,5"), (3, "0.25")])
    assert mixed.convention == UNDECIDED and "'12,5'" in mixed.reason("en") and "row 3" in mixed.reason("en")
    assert decide_convention([(2, "12,5")], declared="en").convention == "en"
    with pytest.raises(ValueError):
        decide_convention([], declared="de")


def test_undecided_reads_what_has_one_reading() -> None:
    assert parse_written("12,5", UNDECIDED).value == 12.5
    assert parse_written("0.25", UNDECIDED).value == 0.25
    with pytest.raises(kinerja.numbers.NumberFormatError) as e:
        parse_written("1,200", UNDECIDED)
    assert e.value.ambiguous


@pytest.mark.parametrize(
    "lines,giat",
    [
        (["iku_persen;TW1;12,5", "iku_giat;TW1;1.200"], 1200.0),  # decimal comma elsewhere: '1.200' is 1200
        (["iku_persen;TW1;12.5", "iku_giat;TW1;1,200"], 1200.0),  # decimal point elsewhere: '1,200' is 1200
    ],
)
def test_the_files_own_values_decide(plan: kinerja.Plan, tmp_path: Path, lines: list[str], giat: float) -> None:
    card = plan.score(kinerja.read_realisasi(_csv(tmp_path, "id;periode;realisasi\n" + "\n".join(lines))), "TW1")
    assert card["iku_giat"].actual == giat and card["iku_persen"].actual == 12.5
    assert not card.problems


def test_a_file_that_mixes_both_marks_refuses_only_the_ambiguous_value(plan: kinerja.Plan, tmp_path: Path) -> None:
    text = "id;periode;realisasi\niku_persen;TW1;12,5\niku_persen;TW2;12.5\niku_giat;TW1;1.200\n"
    card = plan.score(kinerja.read_realisasi(_csv(tmp_path, text)), "TW1")
    p = next(p for p in card.problems if p.code == "data-ambiguous-number")
    assert p.row == 4 and "'12,5'" in p.message("en") and "'12.5'" in p.message("en")
    assert card["iku_persen"].actual == 12.5 and card["iku_giat"].status == "error"


def test_the_semicolon_is_a_hint_not_a_proof(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = plan.score(kinerja.read_realisasi(_csv(tmp_path, "id;periode;realisasi\niku_giat;TW1;1.200\n")), "TW1")
    assert card["iku_giat"].status == "error" and "--angka" in card["iku_giat"].reason
    assert [p.code for p in card.problems] == ["data-ambiguous-number"]


# ------------------------------------------------------------------------------- JSON, mappings, XLSX


def test_json_declares_its_convention(plan: kinerja.Plan, tmp_path: Path) -> None:
    rows = [{"id": "iku_giat", "periode": "TW1", "realisasi": "1,200"}]
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"angka": "en", "realisasi": rows}), encoding="utf-8")
    assert plan.score(kinerja.read_realisasi(path), "TW1")["iku_giat"].actual == 1200.0
    card = plan.score(kinerja.read_realisasi(path, convention="id"), "TW1")  # two declarations disagree
    assert {p.code for p in card.problems} == {"data-angka-conflict", "data-ambiguous-number"}
    path.write_text(json.dumps({"angka": "de", "realisasi": rows}), encoding="utf-8")
    card = plan.score(kinerja.read_realisasi(path), "TW1")
    assert {p.code for p in card.problems} == {"data-angka", "data-ambiguous-number"}


def test_numbers_as_such_need_no_convention(plan: kinerja.Plan) -> None:
    card = plan.score({"iku_giat": {"TW1": 1200}, "iku_persen": {"TW1": 12.5}}, "TW1")
    assert card["iku_giat"].actual == 1200.0 and not card.problems


def test_a_mapping_follows_the_same_rule(plan: kinerja.Plan) -> None:
    card = plan.score({"iku_giat": {"TW1": "1,200"}}, "TW1")
    assert [p.code for p in card.problems] == ["data-ambiguous-number"]
    card = plan.score(kinerja.read_realisasi({"iku_giat": {"TW1": "1,200"}}, convention="en"), "TW1")
    assert card["iku_giat"].actual == 1200.0


def test_xlsx_text_cells_follow_the_rule_and_numbers_are_numbers(plan: kinerja.Plan, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "periode", "realisasi"])
    ws.append(["iku_giat", "TW1", "1.200"])  # text
    ws.append(["iku_giat", "TW2", 1.5])  # a number: read as it is, and refused as a count
    ws.append(["iku_persen", "TW1", 12.5])
    path = tmp_path / "data.xlsx"
    wb.save(path)
    card = plan.score(kinerja.read_realisasi(path), "TW1")
    assert [(p.code, p.row) for p in card.problems] == [("data-ambiguous-number", 2), ("data-fractional-count", 3)]
    assert card["iku_persen"].actual == 12.5
    assert plan.score(kinerja.read_realisasi(path, convention="id"), "TW1")["iku_giat"].actual == 1200.0


def test_an_unknown_declared_convention_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError) as e:
        kinerja.read_realisasi(_csv(tmp_path, "id;periode;realisasi\n"), convention="de")
    assert e.value.problems[0].code == "data-angka"
    with pytest.raises(DataError):
        read_table([], convention="de")


# ------------------------------------------------------------------------------- the batch reader: same rule


def test_read_table_applies_the_same_rule(plan: kinerja.Plan, tmp_path: Path) -> None:
    text = "unit;id;periode;realisasi\na;iku_giat;TW1;1,200\nb;iku_giat;TW1;3\n"
    table = read_table(_csv(tmp_path, text))
    assert [(p.code, p.row, p.path) for p in table.problems] == [("data-ambiguous-number", 2, "realisasi")]
    table = read_table(_csv(tmp_path, text), convention="en")
    assert not table.problems and table.values[("iku_giat", "TW1")].tolist() == [1200.0, 3.0]
    decided = read_table(_csv(tmp_path, text + "c;iku_persen;TW1;0.25\n"))
    assert not decided.problems and decided.values[("iku_giat", "TW1")][0] == 1200.0


def test_batch_and_per_unit_refuse_the_same_fractional_count(plan: kinerja.Plan) -> None:
    rows = [
        {"unit": "a", "id": "iku_giat", "periode": "TW1", "realisasi": 1.2},
        {"unit": "b", "id": "iku_giat", "periode": "TW1", "realisasi": 3},
        {"unit": "a", "id": "iku_persen", "periode": "TW1", "realisasi": 1.2},
    ]
    batch = plan.score_many(rows, "TW1")
    assert [(p.code, p.node_id) for p in batch.problems] == [("data-fractional-count", "iku_giat")]
    alone = plan.score({"iku_giat": {"TW1": 1.2}, "iku_persen": {"TW1": 1.2}}, "TW1")
    assert [p.code for p in alone.problems] == ["data-fractional-count"]
    for node in ("iku_giat", "iku_persen"):
        a, b = alone[node], batch.result("a", node)
        assert (a.status, a.actual, a.achievement) == (b.status, b.actual, b.achievement)
    assert batch.result("b", "iku_giat").actual == 3.0


def test_cli_by_unit_takes_angka(plan: kinerja.Plan, tmp_path: Path) -> None:
    path = _csv(tmp_path, "unit;id;periode;realisasi\na;iku_giat;TW1;1,200\n")
    folder = str(tmp_path / "rencana")
    r = CliRunner().invoke(app, ["score", folder, "--by", "unit", "-d", str(path), "-p", "TW1", "-f", "json"])
    assert r.exit_code == 0 and "--angka" in r.stderr
    r = CliRunner().invoke(
        app, ["score", folder, "--by", "unit", "-d", str(path), "-p", "TW1", "-f", "json", "--angka", "en"]
    )
    got = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    assert got["iku_giat"]["actual"] == 1200.0
