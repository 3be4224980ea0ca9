"""Capaian, nilai and predikat under the PermenPANRB 8/2021 profile: the worked examples of domain.md §2."""

from __future__ import annotations

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
