"""A plan owns its caches (nothing else writes into it), a request's language cannot grow them, and English
output says "row", not "baris" (issue 11, 'while the core is open'; issue 12, finding 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kinerja

ROOT = Path(__file__).resolve().parents[1]
CONTOH = ROOT / "fixtures" / "contoh"


def test_scoring_and_binding_write_nothing_into_the_plan_but_its_own_cache() -> None:
    plan = kinerja.load_plan(CONTOH / "rencana")
    before = set(vars(plan))
    data = kinerja.read_realisasi(CONTOH / "realisasi.csv")
    for period in ("TW1", "sd-TW2", "2025"):
        plan.score(data, period, lang="en")
    plan.score_many([{"unit": "a", "id": "iku_patroli", "periode": "TW1", "realisasi": 3}], "TW1")
    assert set(vars(plan)) == before  # no module adds attributes behind the plan's back
    keys = set(plan._cache)
    assert ("program", "TW1", "en") in keys and "bind_keys" in keys


@pytest.mark.parametrize("lang", ["fr", "xx" * 1000, ""])
def test_an_unknown_language_is_refused_before_any_cache_grows(lang: str) -> None:
    plan = kinerja.load_plan(CONTOH / "rencana")
    data = kinerja.read_realisasi(CONTOH / "realisasi.csv")
    plan.score(data, "TW1")
    size = len(plan._cache)
    with pytest.raises(ValueError, match="unknown language") as e:
        plan.score(data, "TW1", lang=lang)
    assert len(str(e.value)) < 200  # a long value is not echoed whole
    with pytest.raises(ValueError, match="unknown language"):
        plan.score_many([{"unit": "a", "id": "iku_patroli", "periode": "TW1", "realisasi": 3}], "TW1", lang=lang)
    assert len(plan._cache) == size


def test_english_output_says_row(tmp_path: Path) -> None:
    plan = kinerja.load_plan(CONTOH / "rencana")
    path = tmp_path / "data.csv"
    path.write_text("id;periode;realisasi\niku_patroli;TW1;abc\niku_patroli;TW2;4\n", encoding="utf-8")
    card = plan.score(kinerja.read_realisasi(path), "sd-TW2", lang="en")
    problem = next(p for p in card.problems if p.row == 2)
    assert "row 2" in problem.render("en") and "baris" not in problem.render("en")
    assert "baris 2" in problem.render("id")
    good = plan.score(kinerja.read_realisasi(path), "TW2", lang="en")["iku_patroli"]
    sources = [s["source"] for step in good.trace for s in step.get("inputs", ()) if isinstance(s, dict)]
    assert sources and all(" row " in s and "baris" not in s for s in sources)
