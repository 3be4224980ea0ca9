"""Properties that must hold for every plan and every realisasi, checked with hypothesis.

Plans are written as TOML text into a temporary folder and loaded with `kinerja.load_plan`, so each
property runs the whole path (load → compile → bind → evaluate). Strategies live in tests/strategies.py.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import kinerja
from kinerja.numbers import format_id, parse_written
from strategies import (
    FINITE,
    FULL_REALISASI,
    INDEX,
    NONNEGATIVE,
    PERIOD,
    PLAN,
    POLARITY,
    POSITIVE,
    QUARTER_VALUES,
    QUARTERS,
    SEMANTICS,
    TARGET,
    WEIGHTED_MEAN_PLAN,
    YTD_RULE,
    fmt_plain,
    goal_file_text,
    write_plan,
)

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ROOT = Path(tempfile.mkdtemp(prefix="kinerja-props-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)
_COUNTER = itertools.count()


@functools.lru_cache(maxsize=256)
def _load_text(text: str) -> kinerja.Plan:
    folder = _ROOT / f"p{next(_COUNTER)}"
    folder.mkdir()
    (folder / "01-sasaran.toml").write_text(text, encoding="utf-8")
    write_plan(folder, {})  # rencana.toml only
    return kinerja.load_plan(folder)


def load(goals: list[dict[str, Any]]) -> kinerja.Plan:
    """Load a plan made of `goals` (cached by the goal file's text)."""
    return _load_text(goal_file_text(goals))


def goal(*indicators: dict[str, Any], gid: str = "ss_uji") -> dict[str, Any]:
    return {"id": gid, "nama": "Sasaran uji", "indikator": list(indicators)}


def index_trace(result: kinerja.NodeResult) -> dict[str, Any]:
    return next(s for s in result.trace if s.get("step") == "index")


def comparable(r: kinerja.NodeResult) -> dict[str, Any]:
    return r.to_dict()


# ------------------------------------------------------------------------------------------ indices


@PROPS
@given(PLAN, PERIOD)
def test_index_lies_between_its_components_extremes(plan_data: Any, period: str) -> None:
    goals, data = plan_data
    card = load(goals).score(data, period)
    idx = card["iku_indeks"]
    comps = [card[c["id"]].achievement for c in goals[0]["indikator"][0]["indikator"]]
    present = [c for c in comps if c is not None]
    assume(present and idx.actual is not None)
    lo, hi = min(present), max(present)
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    assert lo - tol <= idx.actual <= hi + tol


@PROPS
@given(PLAN, PERIOD, st.randoms(use_true_random=False))
def test_order_of_components_never_changes_an_index(plan_data: Any, period: str, rnd: Any) -> None:
    goals, data = plan_data
    comps = goals[0]["indikator"][0]["indikator"]
    shuffled = list(comps)
    rnd.shuffle(shuffled)
    assume(shuffled != comps)
    other = [{**goals[0], "indikator": [{**goals[0]["indikator"][0], "indikator": shuffled}, goals[0]["indikator"][1]]}]
    a = load(goals).score(data, period)
    b = load(other).score(data, period)
    ra, rb = a["iku_indeks"], b["iku_indeks"]
    assert ra.status == rb.status
    # exactly equal: components are summed in id order whatever order they are written in
    assert (ra.actual, ra.achievement, ra.score) == (rb.actual, rb.achievement, rb.score)


def test_order_of_components_never_changes_an_index_capaian() -> None:
    # found by hypothesis (test_order_of_components_never_changes_an_index)
    capaian = [32.81, 13.39, 62.84, 2590.27]
    weights = [30, 49, 6, 15]
    comps = [
        {
            "id": f"iku_k{i}",
            "nama": f"Komponen {i}",
            "jenis": "langsung",
            "satuan": "persen",
            "bobot": float(w),
            "target_tw": ["100"] * 4,
        }
        for i, w in enumerate(weights)
    ]
    data = {f"iku_k{i}": {"TW1": c} for i, c in enumerate(capaian)}

    def index(order: tuple[int, ...]) -> tuple[float | None, float | None]:
        idx = {"id": "iku_indeks", "nama": "Indeks", "jenis": "indeks", "target_tw": ["100"] * 4}
        idx["indikator"] = [comps[i] for i in order]
        r = load([goal(idx)]).score(data, "TW1")["iku_indeks"]
        return r.actual, r.achievement

    assert index((0, 1, 2, 3)) == index((0, 1, 3, 2))


@PROPS
@given(WEIGHTED_MEAN_PLAN, PERIOD)
def test_index_is_the_weighted_mean_of_its_components(plan_data: Any, period: str) -> None:
    goals, data = plan_data
    card = load(goals).score(data, period)
    comps = goals[0]["indikator"][0]["indikator"]
    pairs = [(c["bobot"], card[c["id"]].achievement) for c in comps]
    pairs = [(w, a) for w, a in pairs if a is not None]
    assume(pairs)
    idx = card["iku_indeks"]
    if idx.coverage is not None and idx.coverage < 0.5:  # a refused or missing component: below the minimum
        assert idx.actual is None and idx.left_out
        return
    expected = math.fsum(w * a for w, a in pairs) / math.fsum(w for w, _ in pairs)
    assert idx.actual == pytest.approx(expected, rel=1e-12, abs=1e-12)


@PROPS
@given(WEIGHTED_MEAN_PLAN, PERIOD, st.data())
def test_missing_components_renormalise_the_weights(plan_data: Any, period: str, draw: Any) -> None:
    goals, data = plan_data
    comps = [c["id"] for c in goals[0]["indikator"][0]["indikator"]]
    dropped = draw.draw(st.lists(st.sampled_from(comps), min_size=1, max_size=len(comps) - 1, unique=True))
    plan = load(goals)
    full = plan.score(data, period)
    # blanks rather than absent keys, so the row numbers in the traces stay the same
    part = plan.score({k: ({q: None for q in v} if k in dropped else v) for k, v in data.items()}, period)
    for c in comps:
        if c not in dropped:  # the components still reported are unchanged
            assert comparable(part[c]) == comparable(full[c])
        else:
            assert part[c].status == "no_data" and part[c].actual is None  # missing is not zero
    weights = {c["id"]: c["bobot"] for c in goals[0]["indikator"][0]["indikator"]}
    present = [(weights[c], part[c].achievement) for c in comps if part[c].achievement is not None]
    idx = part["iku_indeks"]
    if not present:
        assert idx.status in ("no_data", "no_target") and idx.actual is None
        return
    # the coverage is the share of the weight that applies (components with a target) and has a value
    applies = [c for c in comps if part[c].achievement is not None or part[c].status != "no_target"]
    coverage = sum(w for w, _ in present) / sum(weights[c] for c in applies)
    assert idx.coverage == pytest.approx(coverage, rel=1e-12)
    assert set(idx.left_out) == {c for c in applies if part[c].achievement is None}
    if coverage < 0.5:  # below the default minimum: not scored, and the reason says why
        assert idx.actual is None and (idx.status == "no_target" or "cakupan" in idx.reason)
        return
    expected = math.fsum(w * a for w, a in present) / math.fsum(w for w, _ in present)
    assert idx.actual == pytest.approx(expected, rel=1e-12, abs=1e-12)
    step = index_trace(idx)
    assert step["renormalised"] is True
    assert set(step["left_out"]) >= set(dropped)
    assert step["weights_used"] == pytest.approx(sum(w for w, _ in present))


# ------------------------------------------------------------------------------------------ capaian


@PROPS
@given(TARGET, NONNEGATIVE, NONNEGATIVE, POLARITY)
def test_capaian_is_monotone_in_realisasi(target: Any, r1: float, r2: float, polarity: str) -> None:
    profile = kinerja.load_profile()
    lo, hi = sorted((r1, r2))
    a_lo = profile.achievement(target, lo, polarity)
    a_hi = profile.achievement(target, hi, polarity)
    if polarity == "positif":
        assert a_lo <= a_hi
    else:
        assert a_lo >= a_hi


@PROPS
@given(TARGET, POSITIVE, POSITIVE)
def test_inverse_capaian_is_non_increasing_in_realisasi(target: Any, r1: float, r2: float) -> None:
    profile = kinerja.load_profile()
    lo, hi = sorted((r1, r2))
    assert profile.achievement(target, lo, "negatif", "invers") >= profile.achievement(target, hi, "negatif", "invers")


@FEW
@given(POSITIVE, NONNEGATIVE, NONNEGATIVE, POLARITY)
def test_capaian_in_a_plan_is_monotone_in_realisasi(target: float, r1: float, r2: float, polarity: str) -> None:
    ind = {
        "id": "iku_a",
        "nama": "a",
        "jenis": "langsung",
        "satuan": "persen",
        "polaritas": polarity,
        "target_tw": [fmt_plain(target)] * 4,
    }
    plan = load([goal(ind)])
    lo, hi = sorted((r1, r2))
    a_lo = plan.score({"iku_a": {"TW1": lo}}, "TW1")["iku_a"].achievement
    a_hi = plan.score({"iku_a": {"TW1": hi}}, "TW1")["iku_a"].achievement
    assert (a_lo <= a_hi) if polarity == "positif" else (a_lo >= a_hi)


# ------------------------------------------------------------------------------------------ periods


@PROPS
@given(st.sampled_from(SEMANTICS), QUARTER_VALUES, QUARTER_VALUES, st.integers(1, 4))
def test_year_to_date_agrees_with_the_quarters(
    semantics: str, targets: list[float], reals: list[float], k: int
) -> None:
    ind = {
        "id": "iku_a",
        "nama": "a",
        "jenis": "jumlah",
        "satuan": "poin",  # not a count: the generated values have decimals (a count would refuse 0.01)
        "sifat_periode": semantics,
        "target_tw": [fmt_plain(t) for t in targets],
    }
    plan = load([goal(ind)])
    data = {"iku_a": dict(zip(QUARTERS, reals, strict=True))}
    periods = [f"sd-TW{k}"] + (["2025"] if k == 4 else [])
    for period in periods:
        r = plan.score(data, period)["iku_a"]
        assert r.actual == pytest.approx(YTD_RULE[semantics](reals[:k]), rel=1e-12)
        want_target = math.fsum(targets[:k]) if semantics in ("jumlah", "bagi_rata") else targets[k - 1]
        assert r.target == pytest.approx(want_target, rel=1e-12)
    single = plan.score(data, f"TW{k}")["iku_a"]
    assert single.actual == reals[k - 1] and single.target == targets[k - 1]


@PROPS
@given(st.sampled_from(SEMANTICS), QUARTER_VALUES, st.integers(1, 4), st.integers(1, 4))
def test_a_missing_quarter_is_never_read_as_zero(semantics: str, reals: list[float], k: int, gap: int) -> None:
    assume(gap <= k)
    ind = {
        "id": "iku_a",
        "nama": "a",
        "jenis": "jumlah",
        "satuan": "poin",  # not a count: the generated values have decimals (a count would refuse 0.01)
        "sifat_periode": semantics,
        "target_tw": ["5"] * 4,
    }
    plan = load([goal(ind)])
    data = {"iku_a": {q: v for i, (q, v) in enumerate(zip(QUARTERS, reals, strict=True), start=1) if i != gap}}
    r = plan.score(data, f"sd-TW{k}")["iku_a"]
    if semantics == "kumulatif" and gap != k:
        # only the last quarter counts for a cumulative value: an earlier gap does not matter
        assert r.actual == reals[k - 1]
    else:
        assert r.status == "no_data" and r.actual is None and r.achievement is None
        assert f"TW{gap}" in r.reason


# ------------------------------------------------------------------------------------------ units


@PROPS
@given(st.lists(st.integers(1, 200).map(lambda n: n / 20), min_size=4, max_size=4), st.sampled_from(("TW2", "sd-TW4")))
def test_realisasi_in_another_compatible_unit_changes_nothing(hours: list[float], period: str) -> None:
    ind = {"id": "iku_rt", "nama": "Response time", "jenis": "batas", "satuan": "menit", "target_tw": ["20"] * 4}
    plan = load([goal(ind)])
    as_hours = {"iku_rt": {q: f"{fmt_plain(h)} jam" for q, h in zip(QUARTERS, hours, strict=True)}}
    as_minutes = {"iku_rt": {q: f"{fmt_plain(h * 60)} menit" for q, h in zip(QUARTERS, hours, strict=True)}}
    a = plan.score(as_hours, period)["iku_rt"]
    b = plan.score(as_minutes, period)["iku_rt"]
    assert a.status == b.status == "scored"
    assert a.actual == pytest.approx(b.actual, rel=1e-12)
    assert (a.achievement, a.score, a.grade) == (b.achievement, b.score, b.grade)


# ------------------------------------------------------------------------------------------ isolation


@PROPS
@given(PLAN, PERIOD, st.sampled_from(["0", "abc", "#DIV/0!", "-", "-3", "3 menit", "1e999", "nan"]))
def test_an_error_in_one_node_never_changes_an_unrelated_node(plan_data: Any, period: str, bad: str) -> None:
    goals, data = plan_data
    ratio = {
        "id": "iku_bagi",
        "nama": "Rumus yang dapat gagal",
        "jenis": "rumus",
        "satuan": "persen",
        "masukan": {"a": "giat", "b": "giat"},
        "rumus": "a / b * 100",
        "target_tw": ["50"] * 4,
    }
    plan = load([*goals, goal(ratio, gid="ss_lain")])
    good = {**data, "iku_bagi.a": {q: 1 for q in QUARTERS}, "iku_bagi.b": {q: 2 for q in QUARTERS}}
    broken = {**data, "iku_bagi.a": {q: 1 for q in QUARTERS}, "iku_bagi.b": {q: bad for q in QUARTERS}}
    a = plan.score(good, period)
    b = plan.score(broken, period)
    assert b["iku_bagi"].status != "scored"
    for n in plan.nodes:
        if n.id != "iku_bagi":
            assert comparable(a[n.id]) == comparable(b[n.id]), n.id


# ------------------------------------------------------------------------------------------ numbers


@settings(max_examples=100, deadline=None)
@given(FINITE, st.integers(0, 4))
@example(1234.5, 0)
@example(-0.001, 2)
@example(1234567.891, 2)
def test_indonesian_numbers_round_trip(x: float, decimals: int) -> None:
    text = format_id(x, decimals)
    assert parse_written(text, "id").value == float(f"{x:.{decimals}f}")
    w = parse_written(f"{text} %", "id")
    assert w.value == float(f"{x:.{decimals}f}") and w.unit == "persen"


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 99))
def test_thousands_dot_and_decimal_comma(whole: int, cents: int) -> None:
    grouped = f"{whole:,}".replace(",", ".")
    assert parse_written(f"{grouped},{cents:02d}", "id").value == pytest.approx(whole + cents / 100, rel=1e-15)
    assert parse_written(f"{whole:,}.{cents:02d}", "en").value == pytest.approx(whole + cents / 100, rel=1e-15)


# ------------------------------------------------------------------------------------------ the index strategy


@FEW
@given(INDEX, st.dictionaries(st.sampled_from(["iku_k0", "iku_k1", "iku_k2"]), FULL_REALISASI))
def test_scoring_never_raises_for_any_index_and_any_realisasi(index: dict[str, Any], data: Any) -> None:
    plan = load([goal(index)])
    for period in ("TW1", "sd-TW3", "2025"):
        card = plan.score(data, period)
        assert {r.status for r in card} <= {"scored", "no_data", "no_target", "error"}


@FEW
@given(PLAN)
def test_checking_a_plan_never_raises(plan_data: Any) -> None:
    goals, _ = plan_data
    for p in load(goals).check():
        assert p.severity in ("warning", "info") and p.render("id") and p.render("en")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=12))
def test_an_unknown_period_is_refused_with_the_choices(text: str) -> None:
    plan = load([goal({"id": "iku_a", "nama": "a", "target_tw": [1, 1, 1, 1]})])
    try:
        period = plan.period(text)
    except ValueError as e:
        assert "TW1" in str(e) and "2025" in str(e)
    else:
        assert period.members and set(period.members) <= set(QUARTERS)
