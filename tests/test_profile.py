"""Capaian, nilai and predikat under the PermenPANRB 8/2021 profile: the worked examples of docs/sumber/domain.md §2."""

from __future__ import annotations

from pathlib import Path

import pytest

import kinerja
from kinerja.numbers import round_half_up, truncate


@pytest.fixture(scope="module")
def profile() -> kinerja.Profile:
    return kinerja.load_profile("permenpanrb-8-2021")


def test_range_target_below_uses_lower_bound() -> None:
    # range 80–90 %, R 70: below the range → 70 / 80 × 100 = 87.5
    assert kinerja.achievement(target=(80, 90), actual=70) == 87.5


def test_range_target_inside_is_full() -> None:
    assert kinerja.achievement(target=(80, 90), actual=85) == 100.0


def test_lower_is_better_range(profile: kinerja.Profile) -> None:
    # 7–8 months, R 6.5: below the range, negative polarity → (2 − 6.5 / 7) × 100 = 107.142… → 107.14
    assert profile.achievement((7, 8), 6.5, polarity="negative") == 107.14
    # R 9: above the range → (2 − 9 / 8) × 100 = 87.5
    assert profile.achievement((7, 8), 9, polarity="negatif") == 87.5


def test_t95_r93_gives_nilai_88(profile: kinerja.Profile) -> None:
    c = profile.achievement(95, 93)  # 93 / 95 × 100 = 97.894… → 97.89
    assert c == 97.89
    # rounded to 98 before banding: 70 + (89 − 70) / (99 − 80) × (98 − 80) = 70 + 18 = 88
    assert profile.score(c) == 88.0
    assert profile.grade(88.0) == "Baik"


def test_t85_r85_gives_109_and_120_for_a_maximum_target(profile: kinerja.Profile) -> None:
    c = profile.achievement(85, 85)
    assert c == 100.0
    assert profile.score(c) == 109.0
    assert profile.score(c, max_target=True) == 120.0


def test_inverse_method_is_explicit(profile: kinerja.Profile) -> None:
    # LKIP Polda NTB 2016: 60 / 129.03 = 46.50 (T / R), only when asked for
    assert profile.achievement(60, 129.03, polarity="negative", method="inverse") == 46.5
    assert profile.achievement(60, 129.03, polarity="negative") == pytest.approx(-15.05)


def test_rounding_matches_a_spreadsheet() -> None:
    assert round_half_up(2.675, 2) == 2.68  # binary float round() gives 2.67
    assert round(2.675, 2) == 2.67
    assert truncate(139.738, 2) == 139.73
    assert kinerja.achievement(65, 90.83, rounding="truncate:2") == 139.73


def test_bands_cover_the_scale(profile: kinerja.Profile) -> None:
    assert profile.score(150) == 120.0
    assert profile.score(105) == pytest.approx(110 + 10 / 9 * 4, abs=0.01)
    assert profile.score(70) == 60.0  # 50 + 19/19 × 10
    assert profile.score(59) == 49.0  # 59 / 59 × 49


def test_zero_target_is_an_error_not_a_number(profile: kinerja.Profile) -> None:
    from kinerja.profile import ScoringError

    with pytest.raises(ScoringError):
        profile.achievement(0, 5)


def test_unknown_profile_lists_problem() -> None:
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.load_profile("permenpanrb-2021")
    assert e.value.problems[0].code == "unknown-profile"
    assert "permenpanrb-8-2021" in e.value.problems[0].suggestions


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TARGETS = st.one_of(
    st.floats(0.5, 1000, allow_nan=False),
    st.tuples(st.floats(1, 100, allow_nan=False), st.floats(1, 100, allow_nan=False)),
)


@settings(max_examples=300, deadline=None)
@given(
    target=TARGETS,
    actual=st.floats(0, 2000, allow_nan=False),
    polarity=st.sampled_from(["positive", "negative"]),
    method=st.sampled_from([None, "inverse"]),
    max_target=st.booleans(),
)
def test_fast_scorer_equals_the_traced_rules(target, actual, polarity, method, max_target) -> None:  # noqa: ANN001
    from kinerja.profile import ScoringError

    profile = kinerja.load_profile()
    try:
        c = profile.achievement(target, actual, polarity, method)
        expected = (c, profile.score(c, max_target), None)
        s = profile.score(c, max_target)
        expected = (c, s, profile.grade(s if s is not None else c))
    except ScoringError:
        with pytest.raises(ScoringError):
            profile.scorer(polarity, method, max_target, "id")(target, actual)
        return
    assert profile.scorer(polarity, method, max_target, "id")(target, actual) == expected


# Every rule the generated scorer writes out, against the step-by-step methods: rounding mode and places,
# rounding the realisasi first, rounding before the bands (or not), cap and floor, no bands at all,
# predicates of capaian or of nilai, and the IKPA profiles' own bands and categories.
ROOT = Path(__file__).resolve().parents[1]
PROFILES = (
    "permenpanrb-8-2021",
    str(ROOT / "rules/standar/ikpa-2024/profil/ikpa-2024.toml"),
    str(ROOT / "rules/standar/ikpa-2022/profil/ikpa-2022.toml"),
)


@st.composite
def profile_variant(draw: st.DrawFn) -> kinerja.Profile:
    from kinerja.profile import compile_profile

    spec = kinerja.load_profile(draw(st.sampled_from(PROFILES))).spec
    rounding = spec.rounding.model_copy(
        update={
            "mode": draw(st.sampled_from(["setengah_ke_atas", "potong"])),
            "decimals": draw(st.integers(0, 3)),
            "actual_first": draw(st.booleans()),
            "before_bands": draw(st.sampled_from([None, 0, 1])),
        }
    )
    achievement = spec.achievement.model_copy(
        update={"cap": draw(st.sampled_from([None, 120.0, 150.0])), "floor": draw(st.sampled_from([None, 0.0, -10.0]))}
    )
    score = spec.score if draw(st.booleans()) else spec.score.model_copy(update={"bands": []})
    grades = spec.grades.model_copy(update={"of": draw(st.sampled_from(["nilai", "capaian"]))})
    update = {"rounding": rounding, "achievement": achievement, "score": score, "grades": grades}
    variant = spec.model_copy(update=update)
    profile, problems = compile_profile(variant)
    assert not problems
    return profile


@settings(max_examples=400, deadline=None)
@given(
    profile=profile_variant(),
    target=st.one_of(TARGETS, st.sampled_from([100.0, 50.0, 200.0])),
    # thousandths against round targets: capaian lands on the halfway points where rounding rules differ
    actual=st.one_of(
        st.floats(0, 2000, allow_nan=False),
        st.floats(-50, 0, allow_nan=False),
        st.integers(0, 300_000).map(lambda k: k / 1000),
    ),
    polarity=st.sampled_from(["positive", "negative"]),
    method=st.sampled_from([None, "inverse"]),
    max_target=st.booleans(),
    lang=st.sampled_from(["id", "en"]),
)
def test_generated_scorer_equals_the_rules_under_every_profile_option(
    profile: kinerja.Profile,
    target: float | tuple[float, float],
    actual: float,
    polarity: str,
    method: str | None,
    max_target: bool,
    lang: str,
) -> None:
    from kinerja.profile import ScoringError

    scorer = profile.scorer(polarity, method, max_target, lang)
    try:
        c = profile.achievement(target, actual, polarity, method)
        s = profile.score(c, max_target)
        expected = (c, s, profile.grade(s if profile.spec.grades.of == "nilai" and s is not None else c, lang))
    except ScoringError as e:
        with pytest.raises(ScoringError) as got:
            scorer(target, actual)
        assert str(got.value) == str(e)
        return
    assert scorer(target, actual) == expected


def test_written_out_rounding_is_round_half_up_to_the_bit() -> None:
    """With capaian = R, the scorer's capaian is exactly `round_half_up(R, places)` (and `truncate` when the
    profile says so; the scorer calls them) over a dense grid of ten-thousandths, halfway points and near misses
    included."""
    from kinerja.profile import compile_profile

    spec = kinerja.load_profile().spec
    for places in range(4):
        for mode, reference in (("setengah_ke_atas", round_half_up), ("potong", truncate)):
            variant = spec.model_copy(
                update={
                    "achievement": spec.achievement.model_copy(update={"positive": "R", "cap": None, "floor": None}),
                    "rounding": spec.rounding.model_copy(update={"mode": mode, "decimals": places}),
                    "score": spec.score.model_copy(update={"bands": []}),
                }
            )
            profile, problems = compile_profile(variant)
            assert not problems
            scorer = profile.scorer("positive", None, False, "id")
            for k in range(-20_000, 2_000_000, 7):
                x = k / 10_000
                assert scorer(1.0, x)[0] == reference(x, places), (mode, places, x)
