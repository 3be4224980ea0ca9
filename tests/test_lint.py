"""The lint rules are general: each finds its inconsistency in any plan, and stays quiet when it fits."""

from __future__ import annotations

from pathlib import Path

import kinerja

PLAN = """[rencana]
id = "lint"
nama = "Uji lint"
tahun = 2025
"""


def _check(tmp_path: Path, goals: str) -> list[kinerja.Problem]:
    (tmp_path / "rencana.toml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "01.toml").write_text(goals, encoding="utf-8")
    return [p for p in kinerja.load_plan(tmp_path).check() if p.severity == "warning"]


def test_quarters_that_do_not_give_the_year(tmp_path: Path) -> None:
    ws = _check(
        tmp_path,
        """[[sasaran]]
id = "ss"
nama = "S"
  [[sasaran.indikator]]
  id = "iku_a"
  nama = "A"
  target = 12
  target_tw = [3, 3, 3, 4]
  [[sasaran.indikator]]
  id = "iku_b"
  nama = "B"
  target = 3
  target_tw = [3, 3, 3, 3]
""",
    )
    a = [w for w in ws if w.node_id == "iku_a"]
    assert [w.code for w in a] == ["quarters-vs-year"]  # 3+3+3+4 = 13, and no other reading gives 12
    assert "13" in a[0].message("en")
    b = [w for w in ws if w.node_id == "iku_b"]
    assert [w.code for w in b] == ["quarters-vs-year-fits"]  # 3 each quarter is a level held: tetap fits
    assert "tetap" in b[0].message("id")


def test_steps_that_do_not_add_up(tmp_path: Path) -> None:
    ws = _check(
        tmp_path,
        """[[sasaran]]
id = "ss"
nama = "S"
  [[sasaran.indikator]]
  id = "iku_a"
  nama = "A"
  target = 10
  target_tw = [5, 5, "-", "-"]
    [[sasaran.indikator.langkah_aksi]]
    id = "la_1"
    nama = "Satu"
    target_tw = [2, 2, "-", "-"]
    [[sasaran.indikator.langkah_aksi]]
    id = "la_2"
    nama = "Dua"
    target_tw = [3, 1, "-", "-"]
  [[sasaran.indikator]]
  id = "iku_b"
  nama = "B"
  target = 4
  target_tw = [2, 2, "-", "-"]
    [[sasaran.indikator.langkah_aksi]]
    id = "la_3"
    nama = "Tiga"
    target_tw = [2, 2, "-", "-"]
""",
    )
    steps = [w for w in ws if w.code == "steps-vs-indicator"]
    # iku_a: TW1 2 + 3 = 5 fits; TW2 2 + 1 = 3 ≠ 5; the year 4 + 4 = 8 ≠ 10. iku_b: each step equals it: quiet
    assert {(w.node_id, w.path.rsplit(".", 1)[-1]) for w in steps} == {("iku_a", "target_tw"), ("iku_a", "target")}
    assert any("TW2: la_1 2 + la_2 1) add up to 3" in w.message("en") for w in steps)


def test_names_units_and_missing_targets(tmp_path: Path) -> None:
    ws = _check(
        tmp_path,
        """[[sasaran]]
id = "ss"
nama = "S"
  [[sasaran.indikator]]
  id = "iku_p"
  nama = "Persentase kegiatan"
  satuan = "giat"
  target = 4
  [[sasaran.indikator]]
  id = "iku_u"
  nama = "Waktu"
  satuan = "menit"
  target = "12 Giat"
  [[sasaran.indikator]]
  id = "iku_kosong"
  nama = "Tanpa target"
""",
    )
    codes = {(w.node_id, w.code) for w in ws}
    assert ("iku_p", "name-unit") in codes
    assert ("iku_u", "target-unit") in codes
    assert ("iku_kosong", "no-target") in codes


def test_an_index_against_quarterly_shares(tmp_path: Path) -> None:
    ws = _check(
        tmp_path,
        """[[sasaran]]
id = "ss"
nama = "S"
  [[sasaran.indikator]]
  id = "iku_indeks"
  nama = "Indeks"
  jenis = "indeks"
  target = 60
  target_tw = [15, 15, 15, 15]
  sifat_periode = "bagi_rata"
    [[sasaran.indikator.indikator]]
    id = "iku_k"
    nama = "Komponen"
    target = 10
    bobot = 100
""",
    )
    assert [w.code for w in ws if w.node_id == "iku_indeks"] == ["index-share"]
