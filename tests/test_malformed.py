"""Malformed rule files and realisasi data: refused with a message that names where, never a traceback.

Rule files: a bad file makes `load_plan` raise one `RuleError` naming the file (and node and key when there
is one). Data: a bad row is listed in `Scorecard.problems` with file, row and column, and every other row
is still used.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja
from kinerja.data import ERROR_CELLS
from strategies import goal_file_text, one_indicator_plan, rencana_text, write_plan

INTERNALS = ("Traceback", 'File "', "pydantic", "errors.pydantic.dev", "constrained-str", "function-after")


def plain_text(error: kinerja.RuleError) -> str:
    return str(error) + "\n" + "\n".join(p.render("en") for p in error.problems)


def assert_readable(error: kinerja.RuleError) -> None:
    """No Python or library internals in what an author reads."""
    text = plain_text(error)
    for word in INTERNALS:
        assert word not in text, f"{word!r} in:\n{text}"


def load_error(folder: Path) -> kinerja.RuleError:
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.load_plan(folder)
    return e.value


def goal_folder(tmp_path: Path, goal_text: str | bytes, name: str = "01-sasaran.toml") -> Path:
    folder = tmp_path / "rencana"
    folder.mkdir()
    (folder / "rencana.toml").write_text(rencana_text(), encoding="utf-8")
    raw = goal_text if isinstance(goal_text, bytes) else goal_text.encode("utf-8")
    (folder / name).write_bytes(raw)
    return folder


GOOD = """
[[sasaran]]
id = "ss_uji"
nama = "Sasaran uji ‒ ketertiban"

  [[sasaran.indikator]]
  id = "iku_a"
  nama = "Jumlah patroli"
  satuan = "giat"
  target_tw = [3, 3, 3, 3]
"""


# ------------------------------------------------------------------------------------------ rule files


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, '[[sasaran]\nid = "ss_uji"\n')
    e = load_error(folder)
    (p,) = e.problems
    assert p.code == "toml-syntax" and p.file.endswith("01-sasaran.toml")
    assert "line 1" in p.message("en")
    assert_readable(e)


@pytest.mark.parametrize(
    "text",
    [
        'x = "unterminated\n',
        "[[sasaran]]\nid = \n",
        '[[sasaran]]\nid = "a"\nid = "b"\n',  # a key written twice
        "[[sasaran]]\n[sasaran]\n",
        "sasaran = [1, \n",
        "= 1\n",
        '[[sasaran]]\nnama = """tidak ditutup\n',
    ],
)
def test_toml_syntax_errors_are_problems(text: str, tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, text))
    assert [p.code for p in e.problems] == ["toml-syntax"]
    assert_readable(e)


@pytest.mark.parametrize(
    "key,value,node",
    [
        ("target", "2025-01-01", "iku_a"),
        ("target_tw", '"1,2,3,4"', "iku_a"),
        ("target_tw", "[1, [2], 3, 4]", "iku_a"),
        ("bobot", '"sepuluh"', "iku_a"),
        ("satuan", "5", "iku_a"),
        ("masukan", "5", "iku_a"),
        ("rumus", "5", "iku_a"),
        ("penilaian", '"invers"', "iku_a"),
        ("batas_kontribusi", '"ya"', "iku_a"),
        ("asumsi", "[1, 2]", "iku_a"),
        ("indikator", "5", "iku_a"),
    ],
)
def test_wrong_types_name_file_node_and_key(key: str, value: str, node: str, tmp_path: Path) -> None:
    bare = "\n".join(line for line in GOOD.splitlines() if not line.strip().startswith(("satuan", "target_tw")))
    e = load_error(goal_folder(tmp_path, bare + f"\n  {key} = {value}\n"))
    assert e.problems, str(e)
    p = e.problems[0]
    assert p.file.endswith("01-sasaran.toml") and p.node_id == node and key in p.path, p.render("en")
    assert all(p.severity == "error" for p in e.problems)


@pytest.mark.parametrize(
    "node",
    [
        {"id": "iku_a", "nama": "a", "target": True, "target_tw": [1, 1, 1, 1]},
        {"id": "iku_a", "nama": "a", "target_tw": [True, False, True, True]},
        {
            "id": "iku_a",
            "nama": "a",
            "jenis": "rasio",
            "pembilang": "x",
            "penyebut": "y",
            "skala": True,
            "masukan": {"x": "giat", "y": "giat"},
            "target": 50,
        },
        {
            "id": "iku_a",
            "nama": "a",
            "jenis": "rasio",
            "pembilang": "x",
            "penyebut": "y",
            "masukan": {"x": "giat", "y": {"satuan": "giat", "nilai": True}},
            "target": 50,
        },
        {
            "id": "iku_i",
            "nama": "i",
            "jenis": "indeks",
            "target": 100,
            "indikator": [
                {"id": "iku_a", "nama": "a", "bobot": True, "target": 1},
                {"id": "iku_b", "nama": "b", "bobot": 99, "target": 1},
            ],
        },
    ],
    ids=["target", "target_tw", "skala", "masukan.nilai", "bobot"],
)
def test_booleans_are_not_numbers(node: dict[str, Any], tmp_path: Path) -> None:
    e = load_error(one_indicator_plan(tmp_path / "r", node))
    assert any(p.node_id == "iku_a" for p in e.problems), str(e)


def test_wrong_type_messages_carry_no_pydantic_internals(tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, GOOD + "  target = 2025-01-01\n"))
    assert_readable(e)
    assert len(e.problems) == 1


@pytest.mark.parametrize(
    "text,code",
    [
        ('sasaran = "x"\n', "wrong-type"),
        ("[[sasaran]]\nid = 5\nnama = 's'\n", "wrong-type"),
        ("[[sasaran]]\nnama = 's'\n", "missing-key"),
        ('[[sasaran]]\nid = "ss"\n', "missing-key"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntarget_tw = [1, 2, 3, 4, 5]\n', "period-count"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntarget = [1, 2, 3]\n', "wrong-type"),
        ('[[sasaran]]\nid = "SS-1"\nnama = "s"\n', "bad-id"),
        ('[[sasaran]]\nid = "ss_\u0430"\nnama = "s"\n', "bad-id"),  # Cyrillic а
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntarget = nan\n', "bad-number"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntarget_tw = [1, inf, 1, 1]\n', "bad-number"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntarget = "dua belas"\n', "bad-number"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\ntraget = 5\n', "unknown-key"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\njenis = "jumlh"\n', "unknown-choice"),
        ('[[sasaran]]\nid = "ss"\nnama = "s"\nsatuan = "gait"\ntarget = 1\n', "unknown-unit"),
    ],
)
def test_bad_values_are_problems(text: str, code: str, tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, text))
    assert code in [p.code for p in e.problems], [p.render("en") for p in e.problems]
    assert all(p.file.endswith("01-sasaran.toml") for p in e.problems)
    assert_readable(e)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, GOOD + '  penanggung_jawb = "KABAG OPS"\n'))
    (p,) = e.problems
    assert p.code == "unknown-key" and p.node_id == "iku_a" and p.suggestions == ("penanggung_jawab",)


def test_empty_goal_file_is_refused(tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, b""))
    assert [(p.code, Path(p.file).name) for p in e.problems] == [("file-empty", "01-sasaran.toml")]


def test_blank_goal_file_is_refused(tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, " \n\t\n"))
    assert [p.code for p in e.problems] == ["file-empty"]


def test_empty_rencana_is_refused(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, GOOD)
    (folder / "rencana.toml").write_bytes(b"")
    e = load_error(folder)
    assert any(p.code == "file-empty" and p.file.endswith("rencana.toml") for p in e.problems)


def test_missing_rencana_is_refused(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, GOOD)
    (folder / "rencana.toml").unlink()
    e = load_error(folder)
    assert [p.code for p in e.problems] == ["plan-missing"]


def test_utf8_bom_loads_fine(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    (folder / "rencana.toml").write_bytes(b"\xef\xbb\xbf" + rencana_text().encode("utf-8"))
    plan = kinerja.load_plan(folder)
    assert [n.id for n in plan.nodes] == ["ss_uji", "iku_a"]
    assert plan.node("ss_uji").name == "Sasaran uji ‒ ketertiban"
    assert plan.id == "uji"


@pytest.mark.parametrize("which", ["01-sasaran.toml", "rencana.toml"])
def test_latin1_text_is_refused_with_its_byte(which: str, tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, GOOD)
    text = (folder / which).read_text(encoding="utf-8").replace("uji", "ujï")
    (folder / which).write_bytes(text.encode("latin-1", errors="replace"))
    e = load_error(folder)
    enc = [p for p in e.problems if p.code == "file-encoding"]
    assert enc and enc[0].file.endswith(which) and "byte" in enc[0].message("en")
    assert_readable(e)


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, GOOD)
    (folder / "02-sasaran.toml").write_text(GOOD.replace("ss_uji", "ss_dua"), encoding="utf-8")
    e = load_error(folder)
    (p,) = [p for p in e.problems if p.code == "duplicate-id"]
    assert p.node_id == "iku_a" and p.file.endswith("02-sasaran.toml") and "01-sasaran.toml" in p.message("en")
    assert_readable(e)


def test_every_broken_file_is_reported_in_one_error(tmp_path: Path) -> None:
    folder = goal_folder(tmp_path, GOOD + "  traget = 1\n")
    (folder / "02-rusak.toml").write_text("[[sasaran]\n", encoding="utf-8")
    (folder / "03-latin.toml").write_bytes('nama = "caf\xe9"\n'.encode("latin-1"))
    (folder / "04-kosong.toml").write_bytes(b"")
    e = load_error(folder)
    files = {Path(p.file).name for p in e.problems}
    assert files == {"01-sasaran.toml", "02-rusak.toml", "03-latin.toml", "04-kosong.toml"}


def test_a_cycle_names_its_path(tmp_path: Path) -> None:
    a = {"id": "iku_a", "nama": "a", "jenis": "rumus", "satuan": "giat", "rumus": "iku_b + 1", "target": 1}
    b = {"id": "iku_b", "nama": "b", "jenis": "rumus", "satuan": "giat", "rumus": "iku_a + 1", "target": 1}
    e = load_error(one_indicator_plan(tmp_path / "r", a, b))
    (p,) = [p for p in e.problems if p.code == "cycle"]
    assert "iku_a" in p.message("en") and "iku_b" in p.message("en")


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 3000 + "1" + "}" * 3000],
    ids=["arrays", "tables"],
)
def test_deeply_nested_toml_is_a_problem_not_a_crash(text: str, tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, text + "\n"))
    assert e.problems and e.problems[0].file.endswith("01-sasaran.toml")


def _index_plan(tmp_path: Path, weights: list[str]) -> Path:
    comps = "".join(
        f'\n    [[sasaran.indikator.indikator]]\n    id = "iku_k{i}"\n    nama = "k{i}"\n    bobot = {w}\n'
        f"    target_tw = [1, 1, 1, 1]\n"
        for i, w in enumerate(weights)
    )
    text = (
        '[[sasaran]]\nid = "ss"\nnama = "s"\n  [[sasaran.indikator]]\n  id = "iku_i"\n  nama = "i"\n'
        '  jenis = "indeks"\n  target_tw = [100, 100, 100, 100]\n' + comps
    )
    return goal_folder(tmp_path, text)


def test_nan_weight_is_refused(tmp_path: Path) -> None:
    e = load_error(_index_plan(tmp_path, ["nan", "100"]))
    assert any(p.node_id in ("iku_i", "iku_k0") for p in e.problems)


def test_negative_weight_is_refused(tmp_path: Path) -> None:
    e = load_error(_index_plan(tmp_path, ["-50", "150"]))
    assert any(p.node_id in ("iku_i", "iku_k0") for p in e.problems)


def test_infinite_weight_is_refused(tmp_path: Path) -> None:
    e = load_error(_index_plan(tmp_path, ["inf", "100"]))
    assert any(p.code in ("weights-sum", "bad-weight") for p in e.problems)


def test_a_refused_penilaian_formula_names_its_node(tmp_path: Path) -> None:
    e = load_error(goal_folder(tmp_path, GOOD + '  penilaian = { positif = "__import__(1)" }\n'))
    assert any(p.node_id == "iku_a" and "penilaian" in p.path for p in e.problems), [p.render("en") for p in e.problems]


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOML_BITS = st.sampled_from(
    [
        "[[sasaran]]\n", "[[sasaran.indikator]]\n", 'id = "ss_a"\n', 'id = "iku_b"\n', 'nama = "x"\n',
        "target = 5\n", 'target = "59,73%"\n', "target_tw = [1, 2, 3, 4]\n", 'jenis = "rumus"\n',
        'rumus = "a / b"\n', 'masukan = { a = "giat", b = "giat" }\n', "bobot = 50\n", 'jenis = "indeks"\n',
        "[sasaran]\n", "= \n", '"\n', "[[\n", "\x00", "\xff", "ñ", "\ufeff", "\r\n", "target = nan\n",
    ]
)  # fmt: skip


@FUZZ
@given(st.one_of(st.lists(TOML_BITS, max_size=20).map("".join).map(str.encode), st.binary(max_size=200)))
def test_any_goal_file_loads_or_is_refused_never_crashes(raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "rencana.toml").write_text(rencana_text(), encoding="utf-8")
        (folder / "01-sasaran.toml").write_bytes(raw)
        try:
            kinerja.load_plan(folder)
        except kinerja.RuleError as e:
            assert e.problems
            assert_readable(e)


# ------------------------------------------------------------------------------------------ data

PLAN_GOALS = [
    {
        "id": "ss_uji",
        "nama": "Sasaran uji",
        "indikator": [
            {"id": "iku_giat", "nama": "Jumlah giat", "jenis": "jumlah", "satuan": "giat", "target_tw": [4] * 4},
            {"id": "iku_persen", "nama": "Persentase", "jenis": "langsung", "satuan": "persen", "target_tw": [50] * 4},
            {"id": "iku_waktu", "nama": "Response time", "jenis": "batas", "satuan": "menit", "target_tw": [20] * 4},
        ],
    }
]


@pytest.fixture
def plan(tmp_path: Path) -> kinerja.Plan:
    return kinerja.load_plan(write_plan(tmp_path / "rencana", PLAN_GOALS))


def score_csv(plan: kinerja.Plan, tmp_path: Path, text: str, period: str = "TW1", name: str = "data.csv") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return plan.score(kinerja.read_realisasi(path), period)


def only_problem(card: Any, code: str) -> kinerja.Problem:
    found = [p for p in card.problems if p.code == code]
    assert len(found) == 1, [p.render("en") for p in card.problems]
    return found[0]


def assert_row(p: kinerja.Problem, row: int, column: str) -> None:
    assert p.file.endswith(".csv") and p.row == row and p.path == column, (p.file, p.row, p.path)


def test_unknown_id_is_refused_with_a_suggestion_and_the_rest_is_kept(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_giat;TW1;4\niku_gait;TW1;3\niku_persen;TW1;50\n")
    p = only_problem(card, "data-unknown-id")
    assert_row(p, 3, "id")
    assert p.suggestions[0] == "iku_giat" and "iku_giat" in p.message("en")
    assert card["iku_giat"].actual == 4.0 and card["iku_persen"].actual == 50.0


def test_unknown_period_is_refused_with_the_choices(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_giat;TW5;4\niku_persen;TW1;50\n")
    p = only_problem(card, "data-unknown-period")
    assert_row(p, 2, "periode")
    assert "TW4" in p.message("en")
    assert card["iku_persen"].status == "scored"


def test_duplicate_rows_without_dicatat_are_refused(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_giat;TW1;4\niku_persen;TW1;50\niku_giat;TW1;5\n")
    dupes = sorted((p.row, p.args["other"]) for p in card.problems if p.code == "data-duplicate")
    assert dupes == [(2, "4"), (4, "2")]
    assert card["iku_giat"].status == "error" and card["iku_giat"].actual is None  # neither row is guessed
    assert card["iku_persen"].actual == 50.0


def test_a_later_dicatat_corrects_an_earlier_row(plan: kinerja.Plan, tmp_path: Path) -> None:
    text = "id;periode;realisasi;dicatat\niku_giat;TW1;4;2025-04-02\niku_giat;TW1;5;2025-04-20\n"
    card = score_csv(plan, tmp_path, text)
    assert card["iku_giat"].actual == 5.0
    p = only_problem(card, "data-correction")
    assert p.severity == "info" and p.row == 3


def test_dicatat_in_day_month_year_picks_the_later_row(plan: kinerja.Plan, tmp_path: Path) -> None:
    text = "id;periode;realisasi;dicatat\niku_giat;TW1;5;20/07/2025\niku_giat;TW1;7;02/08/2025\n"
    assert score_csv(plan, tmp_path, text)["iku_giat"].actual == 7.0


def test_a_later_correction_resolves_an_earlier_duplicate(plan: kinerja.Plan, tmp_path: Path) -> None:
    text = (
        "id;periode;realisasi;dicatat\n"
        "iku_giat;TW1;5;2025-07-20\niku_giat;TW1;6;2025-07-20\niku_giat;TW1;7;2025-08-02\n"
    )
    card = score_csv(plan, tmp_path, text)
    used = [p.row for p in card.problems if p.code == "data-correction"]
    assert used == [4]
    assert card["iku_giat"].actual == 7.0


@pytest.mark.parametrize("value", ["abc", "dua", "1,2,3", "--3", "1.234.5", "12 giat lebih", "inf", "NaN", "?"])
def test_non_numeric_values_are_refused(value: str, plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, f"id;periode;realisasi\niku_persen;TW1;50\niku_giat;TW1;{value}\n")
    bad = [p for p in card.problems if p.severity == "error"]
    assert len(bad) == 1 and bad[0].row == 3 and bad[0].path == "realisasi", [p.render("en") for p in bad]
    assert value in bad[0].message("en") or bad[0].code == "unit-mismatch"
    assert card["iku_giat"].status == "error"  # refused is not zero, and not "no data" either: an error with its reason
    assert card["iku_persen"].actual == 50.0


def test_negative_counts_are_refused(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_giat;TW1;-3\niku_persen;TW1;-3\n")
    p = only_problem(card, "data-negative")
    assert_row(p, 2, "realisasi")
    assert card["iku_persen"].actual == -3.0  # a percentage is not a count


def test_ambiguous_thousands_are_refused_when_nothing_in_the_file_decides(plan: kinerja.Plan, tmp_path: Path) -> None:
    """'1.234' is 1234 (Indonesian) or 1.234 (English): with no other value in the file to decide, both rows are
    refused, whatever the unit (the reading is per file, never per value); declared, both are read."""
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_persen;TW1;1.234\niku_giat;TW1;1.234\n")
    refused = [p for p in card.problems if p.code == "data-ambiguous-number"]
    assert [(p.row, p.path) for p in refused] == [(2, "realisasi"), (3, "realisasi")]
    assert "--angka" in refused[0].message("id") and "--angka" in refused[0].message("en")
    assert card["iku_giat"].status == card["iku_persen"].status == "error"  # a refused row is an error
    path = tmp_path / "data.csv"
    card = plan.score(kinerja.read_realisasi(path, convention="id"), "TW1")
    assert card["iku_giat"].actual == card["iku_persen"].actual == 1234.0 and not card.problems


def test_ambiguous_thousands_with_a_glued_unit_is_refused_too(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_persen;TW1;1.234%\n")
    assert card["iku_persen"].status == "error"


@pytest.mark.parametrize(
    "text,sep",
    [
        ("id;periode;realisasi\niku_persen;TW1;45,5\niku_giat;TW1;1.234\n", ";"),
        ("id,periode,realisasi\niku_persen,TW1,45.5\niku_giat,TW1,1234\n", ","),
        ("id;periode;realisasi\r\niku_persen;TW1;45,5\r\niku_giat;TW1;1234\r\n", ";"),
        ("\ufeffid;periode;realisasi\niku_persen;TW1;45,5\niku_giat;TW1;1.234\n", ";"),
    ],
)
def test_semicolon_and_comma_files(text: str, sep: str, plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, text)
    assert card["iku_persen"].actual == 45.5 and card["iku_giat"].actual == 1234.0
    assert not card.problems


def test_a_decimal_comma_in_a_comma_file_is_never_misread(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, 'id,periode,realisasi\niku_persen,TW1,"1,5"\niku_giat,TW1,3\n')
    assert card["iku_persen"].actual in (None, 1.5)
    if card["iku_persen"].actual is None:
        assert_row(only_problem(card, "data-bad-value"), 2, "realisasi")
    assert card["iku_giat"].actual == 3.0


@pytest.mark.parametrize(
    "node,written,expected",
    [
        ("iku_waktu", "18 menit", 18.0),
        ("iku_waktu", "0,3 jam", 18.0),
        ("iku_waktu", "1080 detik", 18.0),
        ("iku_persen", "45 %", 45.0),
        ("iku_persen", "45%", 45.0),
        ("iku_persen", "16, 67 %", 16.67),
        ("iku_giat", "3 Giat", 3.0),
        ("iku_giat", "3 kegiatan", 3.0),
    ],
)
def test_values_with_units(node: str, written: str, expected: float, plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, f"id;periode;realisasi\n{node};TW1;{written}\n")
    assert card[node].actual == pytest.approx(expected, rel=1e-12)
    assert not card.problems


def test_a_unit_from_the_satuan_column(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi;satuan\niku_waktu;TW1;0,5;jam\n")
    assert card["iku_waktu"].actual == pytest.approx(30.0)


@pytest.mark.parametrize("written", ["5 giat", "18 kasus", "3 rupiah", "2 bulan"])
def test_incompatible_units_are_refused(written: str, plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, f"id;periode;realisasi\niku_waktu;TW1;{written}\niku_giat;TW1;2\n")
    p = only_problem(card, "unit-mismatch")
    assert_row(p, 2, "realisasi")
    assert card["iku_waktu"].status == "error" and card["iku_giat"].actual == 2.0


@pytest.mark.parametrize("cell", ERROR_CELLS)
def test_spreadsheet_error_cells_are_refused(cell: str, plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, f"id;periode;realisasi\niku_persen;TW1;{cell}\niku_giat;TW1;2\n")
    p = only_problem(card, "data-bad-value")
    assert_row(p, 2, "realisasi")
    assert cell in p.message("en")
    assert card["iku_persen"].status == "error" and card["iku_giat"].actual == 2.0


def test_blank_values_are_no_data_not_zero(plan: kinerja.Plan, tmp_path: Path) -> None:
    card = score_csv(plan, tmp_path, "id;periode;realisasi\niku_giat;TW1;\niku_persen;TW1;-\n")
    assert not card.problems
    for node in ("iku_giat", "iku_persen"):
        assert card[node].status == "no_data" and card[node].actual is None


def test_json_non_finite_and_boolean_values_are_refused(plan: kinerja.Plan, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(
        '[{"id": "iku_giat", "periode": "TW1", "realisasi": NaN},'
        ' {"id": "iku_giat", "periode": "TW2", "realisasi": Infinity},'
        ' {"id": "iku_giat", "periode": "TW3", "realisasi": true},'
        ' {"id": "iku_giat", "periode": "TW4", "realisasi": 1' + "0" * 400 + "},"
        ' {"id": "iku_persen", "periode": "TW1", "realisasi": 50}]',
        encoding="utf-8",
    )
    card = plan.score(kinerja.read_realisasi(path), "TW1")
    rows = sorted(p.row for p in card.problems if p.code == "data-bad-value")
    assert rows == [1, 2, 3, 4]  # NaN, Infinity, true, and an integer beyond any float
    assert card["iku_persen"].actual == 50.0


def test_mapping_values_are_checked_like_file_rows(plan: kinerja.Plan) -> None:
    card = plan.score(
        {"iku_giat": {"TW1": "abc"}, "iku_persen": {"TW1": float("nan")}, "iku_waktu": {"TW1": 18}}, "TW1"
    )
    assert sorted(p.node_id for p in card.problems) == ["iku_giat", "iku_persen"]
    assert card["iku_waktu"].actual == 18.0


@pytest.mark.parametrize(
    "raw,code",
    [
        (b"", "file-empty"),
        (b"id;periode;nilai\niku_giat;TW1;3\n", "data-missing-column"),
        ("id;periode;realisasi;keterangan\niku_giat;TW1;3;caf\xe9\n".encode("latin-1"), "file-encoding"),
    ],
)
def test_unreadable_data_files_raise_a_data_error(raw: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(raw)
    with pytest.raises(kinerja.DataError) as e:
        kinerja.read_realisasi(path)
    assert [p.code for p in e.value.problems] == [code]
    assert e.value.problems[0].file.endswith("data.csv")
    assert "Traceback" not in str(e.value)


def test_missing_or_unknown_data_files_raise_a_data_error(tmp_path: Path) -> None:
    for path in (tmp_path / "tidak-ada.csv", tmp_path / "data.xml"):
        if path.suffix == ".xml":
            path.write_text("<x/>")
        with pytest.raises(kinerja.DataError):
            kinerja.read_realisasi(path)


def test_a_huge_file_is_read_in_reasonable_time(plan: kinerja.Plan, tmp_path: Path) -> None:
    """200,000 rows: every row a correction of the one before (dicatat grows), plus one bad row."""
    n = 200_000
    ids = ("iku_giat", "iku_persen", "iku_waktu")
    lines = ["id;periode;realisasi;dicatat"]
    for i in range(n):
        half = "" if i % 3 == 0 else ",5"  # iku_giat is a count: whole numbers
        lines.append(f"{ids[i % 3]};TW{(i // 3) % 4 + 1};{i % 40 + 1}{half};2025-01-01T{i:09d}")
    lines.append("iku_giat;TW2;abc;2030-01-01")
    path = tmp_path / "besar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    card = plan.score(kinerja.read_realisasi(path), "TW1")
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"{elapsed:.1f} s"
    last = max(i for i in range(n) if i % 3 == 0 and (i // 3) % 4 == 0)  # the latest iku_giat TW1 row
    assert card["iku_giat"].actual == last % 40 + 1
    bad = [p for p in card.problems if p.severity == "error"]
    assert len(bad) == 1 and bad[0].row == n + 2 and bad[0].path == "realisasi"


def test_goal_file_text_helper_round_trips(tmp_path: Path) -> None:
    """The helper that writes the plans above produces the TOML the loader reads back."""
    folder = write_plan(tmp_path / "r", PLAN_GOALS)
    assert (folder / "01-sasaran.toml").read_text(encoding="utf-8") == goal_file_text(PLAN_GOALS)
    assert [n.id for n in kinerja.load_plan(folder).nodes] == ["ss_uji", "iku_giat", "iku_persen", "iku_waktu"]


def test_the_same_refused_penilaian_in_two_nodes_is_reported_for_each(tmp_path: Path) -> None:
    """Overrides written alike are compiled once; each node that wrote them still gets its own problem."""
    second = '\n  [[sasaran.indikator]]\n  id = "iku_b"\n  nama = "Jumlah sambang"\n  satuan = "giat"\n  target = 10\n'
    bad = '  penilaian = { positif = "__import__(1)" }\n'
    e = load_error(goal_folder(tmp_path, GOOD + bad + second + bad))
    named = {p.node_id for p in e.problems if "penilaian" in p.path}
    assert named == {"iku_a", "iku_b"}, [p.render("en") for p in e.problems]


def test_the_same_valid_penilaian_in_two_nodes_shares_one_profile(tmp_path: Path) -> None:
    second = '\n  [[sasaran.indikator]]\n  id = "iku_b"\n  nama = "Jumlah sambang"\n  satuan = "giat"\n  target = 10\n'
    good = '  penilaian = { metode_negatif = "invers" }\n'
    plan = kinerja.load_plan(goal_folder(tmp_path, GOOD + good + second + good))
    a, b = plan.by_id["iku_a"].profile, plan.by_id["iku_b"].profile
    assert a is b and a is not None and a.spec.achievement.negative_method == "invers"
