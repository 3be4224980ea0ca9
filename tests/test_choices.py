"""The closed choices (`kinerja.choices`) are StrEnums whose members are today's strings: results, JSON, repr and
the per-unit rollup read exactly as before, and every rule-file word maps to one member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kinerja
from kinerja.choices import (
    NEGATIVE_METHOD_WORDS,
    POLARITY_WORDS,
    IndexMethod,
    IndexSource,
    Mode,
    NegativeMethod,
    Polarity,
    Status,
    parse,
)
from kinerja.profile import NEGATIVE_METHODS, POLARITIES
from kinerja.result import STATUSES

ROOT = Path(__file__).resolve().parents[1]
PLAN = kinerja.load_plan(ROOT / "fixtures" / "contoh" / "rencana")
DATA = kinerja.read_realisasi(ROOT / "fixtures" / "contoh" / "realisasi.csv")


def test_values_are_the_strings_the_engine_has_always_used() -> None:
    assert list(STATUSES) == ["scored", "no_data", "no_target", "not_applicable", "error"]
    assert [str(m) for m in Mode] == ["direct", "formula", "index", "group"]
    assert [str(m) for m in Polarity] == ["positive", "negative"]
    assert [str(m) for m in NegativeMethod] == ["standard", "inverse"]
    assert [str(m) for m in IndexSource] == ["capaian", "nilai", "realisasi"]
    assert [str(m) for m in IndexMethod] == ["rata_tertimbang", "geometrik"]


def test_member_reads_as_its_value_everywhere() -> None:
    m = Status.NO_TARGET
    assert m == "no_target" and hash(m) == hash("no_target") and {"no_target": 1}[m] == 1
    assert (str(m), f"{m}", repr(m), json.dumps(m), json.dumps({m: 1})) == (
        "no_target",
        "no_target",
        "'no_target'",
        '"no_target"',
        '{"no_target": 1}',
    )


def test_rule_file_words_map_once_in_both_languages() -> None:
    assert POLARITIES is POLARITY_WORDS and NEGATIVE_METHODS is NEGATIVE_METHOD_WORDS
    assert POLARITY_WORDS["negatif"] is Polarity.NEGATIVE and POLARITY_WORDS["positive"] is Polarity.POSITIVE
    assert NEGATIVE_METHOD_WORDS["invers"] is NegativeMethod.INVERSE
    assert NEGATIVE_METHOD_WORDS["standard"] is NegativeMethod.STANDARD
    assert parse(IndexSource, "nilai") is IndexSource.SCORE and parse(IndexMethod, "median") is None


def test_compiled_nodes_carry_members() -> None:
    modes = {n.mode for n in PLAN.nodes}
    assert modes <= set(Mode) and all(type(n.mode) is Mode for n in PLAN.nodes)
    assert all(type(n.polarity) is Polarity for n in PLAN.nodes)
    assert Mode.INDEX in modes and Mode.DIRECT in modes


@pytest.mark.parametrize("period", ["TW1", "TW2", "2025"])
def test_results_and_json_keep_plain_status_strings(period: str) -> None:
    card = PLAN.score(DATA, period)
    statuses = {r.status for r in card}
    assert statuses <= set(STATUSES) and Status.SCORED in statuses
    for r in card:
        assert isinstance(r.status, str)
        assert f"status='{r.status}'" in repr(r)
        assert json.loads(json.dumps(r.to_dict()))["status"] == str(r.status)
    # the whole scorecard serialises, and every status in it is one of the five plain strings
    text = json.dumps(card.to_dict())
    assert "Status." not in text and "Mode." not in text


def test_rollup_keys_are_the_status_strings() -> None:
    rows = [{"unit": "a", "id": "iku_patroli", "periode": "TW1", "realisasi": 2}]
    roll = PLAN.score_many(rows, "TW1").rollup()["iku_patroli"]
    counts = {k: v for k, v in roll.items() if not k.endswith("achievement")}
    assert json.loads(json.dumps(counts)) == {"scored": 1, "no_data": 0, "no_target": 0, "error": 0}
