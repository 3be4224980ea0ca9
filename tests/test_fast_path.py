"""The per-unit fast path of `score_plan` (steps resolved once per plan and period) gives exactly what the
general node-by-node path gives: the same numbers, status, reason and trace, for every node, period and
kind of gap in the data (missing quarters or months, zeros that divide, negative values, no target).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja
from kinerja.evaluate import score_plan, score_plan_general
from kinerja.periods import months_of
from strategies import PERIOD, PLAN, data_keys, write_plan

ROOT = Path(__file__).resolve().parents[1]
PLANS = {
    "contoh": ROOT / "fixtures" / "contoh" / "rencana",
    "banjar": ROOT / "rules" / "polres-banjar-2025",
    "ikpa-2024": ROOT / "rules" / "standar" / "ikpa-2024",
    "ikpa-2022": ROOT / "rules" / "standar" / "ikpa-2022",
    "nka-2021": ROOT / "rules" / "standar" / "nka-2021",
}


def random_unit(plan: kinerja.Plan, rnd: random.Random) -> dict[tuple[str, str], float]:
    """Realisasi with gaps: 15 % missing, 4 % zero, 2 % negative, otherwise 0..400."""
    out: dict[tuple[str, str], float] = {}
    for key, monthly in data_keys(plan):
        for p in months_of(plan.periods) if monthly else plan.periods:
            x = rnd.random()
            if x < 0.15:
                continue
            out[(key, p)] = 0.0 if x < 0.19 else -rnd.uniform(1, 50) if x < 0.21 else round(rnd.uniform(0, 400), 2)
    return out


def assert_same(fast: dict[str, kinerja.NodeResult], general: dict[str, kinerja.NodeResult]) -> None:
    assert list(fast) == list(general)
    for nid, a in fast.items():
        b = general[nid]
        assert a[:9] == b[:9], nid  # every field but the trace source
        assert (a.coverage, a.left_out) == (b.coverage, b.left_out), nid  # an index's coverage, in both paths
        assert a.trace == b.trace, nid


def statuses(results: dict[str, kinerja.NodeResult]) -> set[str]:
    return {r.status for r in results.values()}


@pytest.mark.parametrize("name", list(PLANS))
def test_fast_path_equals_general_path_on_the_bundled_plans(name: str) -> None:
    plan = kinerja.load_plan(PLANS[name])
    rnd = random.Random(name)
    seen: set[str] = set()
    shown: set[bool] = set()
    for _ in range(12):
        bound = plan.bind(random_unit(plan, rnd))
        for period in (*plan.periods, "sd-TW2", "sd-TW3", str(plan.meta.year)):
            p = plan.period(period)
            for lang in ("id", "en"):
                fast = score_plan(plan, bound.values, p, None, lang)
                assert_same(fast, score_plan_general(plan, bound.values, p, None, lang))
                seen |= statuses(fast)
                shown |= {r.actual is not None for r in fast.values()}
    # the data really reached the branches: values computed and values missing; scored and without data
    # wherever the plan has targets (nka-2021 computes a score without targets of its own)
    assert shown == {True, False}
    if any(n.target is not None or any(n.period_targets.values()) for n in plan.nodes):
        assert {"scored", "no_data"} <= seen


def test_fast_path_covers_formula_errors_and_fixed_inputs() -> None:
    """The example plan has a ratio with a fixed population and formulas over other indicators: zeros
    and negative values reach the error branch, and the fixed input is used when none is reported."""
    plan = kinerja.load_plan(PLANS["contoh"])
    rnd = random.Random(3)
    seen: set[str] = set()
    for _ in range(40):
        bound = plan.bind(random_unit(plan, rnd))
        for period in ("TW1", "sd-TW4", str(plan.meta.year)):
            fast = score_plan(plan, bound.values, plan.period(period))
            assert_same(fast, score_plan_general(plan, bound.values, plan.period(period)))
            seen |= statuses(fast)
    assert "error" in seen


@settings(max_examples=60, deadline=None)
@given(spec=PLAN, period=PERIOD, seed=st.integers(0, 10_000))
def test_fast_path_equals_general_path_on_generated_plans(
    tmp_path_factory: pytest.TempPathFactory, spec: Any, period: str, seed: int
) -> None:
    goals, _ = spec
    folder = write_plan(tmp_path_factory.mktemp("plan"), goals)
    plan = kinerja.load_plan(folder)
    bound = plan.bind(random_unit(plan, random.Random(seed)))
    p = plan.period(period)
    assert_same(score_plan(plan, bound.values, p), score_plan_general(plan, bound.values, p))


def test_a_dropped_scorecard_is_freed_without_the_cycle_collector() -> None:
    """Results point at their trace source, never back at the results: no reference cycle per scorecard."""
    import gc
    import weakref

    plan = kinerja.load_plan(PLANS["contoh"])
    bound = plan.bind(random_unit(plan, random.Random(1)))
    card = plan.score(bound, "TW2")
    some = next(r for r in card.results.values() if r.status == "scored")
    gone = weakref.ref(card)
    results = weakref.ref(card.results) if hasattr(card.results, "__weakref__") else None
    gc.disable()
    try:
        del card
        assert gone() is None
        assert results is None or results() is None
        assert some.trace  # a kept result still explains itself
    finally:
        gc.enable()
