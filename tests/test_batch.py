"""The batch path (Plan.score_many) gives every unit exactly what Plan.score gives it alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja
from kinerja.numbers import round_decimal_reference, round_half_up, round_half_up_array, truncate, truncate_array

ROOT = Path(__file__).resolve().parents[1]
PLAN = kinerja.load_plan(ROOT / "fixtures" / "contoh" / "rencana")
KEYS = [
    "iku_patroli",
    "iku_response_time",
    "iku_crime_rate.kejahatan",
    "la_pendataan",
    "iku_dsp",
    "iku_siaga",
    "iku_kepuasan",
    "iku_ranmor.diperbaiki",
    "iku_ranmor.direncanakan",
]
QUARTERS = ["TW1", "TW2", "TW3", "TW4"]
VALUE = st.one_of(st.none(), st.integers(0, 400), st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 3)))
MONTHS = [f"B{m:02d}" for m in range(1, 13)]
UNIT = st.fixed_dictionaries(
    {**{(k, q): VALUE for k in KEYS for q in QUARTERS}, **{("iku_serapan.realisasi", m): VALUE for m in MONTHS}}
)
TARGET = st.one_of(st.none(), st.integers(0, 300).map(float))


def _same(a: kinerja.NodeResult, b: kinerja.NodeResult) -> bool:
    return (a.status, a.target, a.actual, a.achievement, a.score, a.grade) == (
        b.status,
        b.target,
        b.actual,
        b.achievement,
        b.score,
        b.grade,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(UNIT, min_size=1, max_size=6),
    period=st.sampled_from(["TW1", "TW3", "sd-TW2", "sd-TW4", "2025"]),
    patroli_target=TARGET,
)
def test_batch_equals_each_unit_alone(units: list[dict], period: str, patroli_target: float | None) -> None:
    rows = []
    for i, data in enumerate(units):
        for (key, q), v in data.items():
            if v is not None:
                rows.append({"unit": f"u{i}", "id": key, "periode": q, "realisasi": v})
        if patroli_target is not None:
            rows.append({"unit": f"u{i}", "id": "iku_patroli", "periode": "TW1", "target": patroli_target})
    if not rows:
        return
    batch = PLAN.score_many(rows, period)
    for i, data in enumerate(units):
        if f"u{i}" not in batch.units:
            continue
        alone = PLAN.score(
            {k: v for k, v in data.items() if v is not None},
            period,
            targets={("iku_patroli", "TW1"): patroli_target} if patroli_target is not None else None,
        )
        for n in PLAN.nodes:
            assert _same(alone[n.id], batch.result(f"u{i}", n.id)), (n.id, alone[n.id], batch.result(f"u{i}", n.id))


def test_rollup_counts_statuses() -> None:
    rows = [
        {"unit": "a", "id": "iku_patroli", "periode": "TW1", "realisasi": 3},
        {"unit": "b", "id": "iku_patroli", "periode": "TW1", "realisasi": 2},  # a count: whole
        {"unit": "c", "id": "iku_siaga", "periode": "TW1", "realisasi": 36},
    ]
    r = PLAN.score_many(rows, "TW1").rollup()["iku_patroli"]
    assert (r["scored"], r["no_data"]) == (2, 1)
    two = PLAN.score({"iku_patroli": {"TW1": 2}}, "TW1")["iku_patroli"].achievement
    assert r["mean_achievement"] == pytest.approx((100 + two) / 2)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(-1e9, 1e9, allow_nan=False), d=st.integers(0, 4))
def test_spreadsheet_rounding_matches_decimal_reference(x: float, d: int) -> None:
    assert round_half_up(x, d) == round_decimal_reference(x, d, "half-up")
    assert truncate(x, d) == round_decimal_reference(x, d, "truncate")
    assert round_half_up_array(np.array([x]), d)[0] == round_half_up(x, d)
    assert truncate_array(np.array([x]), d)[0] == truncate(x, d)
