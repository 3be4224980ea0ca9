"""Indonesian number writing, as in the document and in spreadsheets exported on Indonesian machines."""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np
import pytest

import kinerja
from kinerja.numbers import (
    NumberFormatError,
    format_id,
    parse_written,
    round_decimal_reference,
    round_half_up,
    round_half_up_array,
    truncate,
    truncate_array,
)


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("59,73%", 59.73, "persen"),
        ("2.608 Giat", 2608.0, "Giat"),
        ("16, 67 %", 16.67, "persen"),
        ("0,3 jam", 0.3, "jam"),
        ("66.67 %", 66.67, "persen"),
        ("1.234,5", 1234.5, None),
        ("84 \nPers", 84.0, "Pers"),
        ("855.830.897.000", 855830897000.0, None),
        (12, 12.0, None),
        ("-", None, None),
        ("", None, None),
    ],
)
def test_document_figures(text: object, value: float | None, unit: str | None) -> None:
    w = parse_written(text)
    assert w.value == value
    assert w.unit == unit


def test_plain_convention_uses_decimal_point() -> None:
    assert parse_written("1.5", "plain").value == 1.5
    with pytest.raises(NumberFormatError):
        parse_written("1,5", "plain")


@pytest.mark.parametrize("bad", ["abc", "1,2,3", "1.23.4,5,6", "#DIV/0!"])
def test_refuses_what_is_not_a_number(bad: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_written(bad)


def test_format_round_trips() -> None:
    for x in (2608.0, 59.73, 0.5, 855830897000.0, 1234.5):
        assert parse_written(format_id(x)).value == x


# ------------------------------------------------------------------------------------------- rounding
# A spreadsheet keeps the same binary double but shows and rounds it at 15 significant digits. The reference
# below is written here, with `decimal`, independently of kinerja.numbers.


def _shown(x: float, places: int, rounding: str) -> float:
    return float(Decimal(format(x, ".15g")).quantize(Decimal(1).scaleb(-places), rounding=rounding))


MODES = (
    ("setengah_ke_atas", ROUND_HALF_UP, round_half_up, round_half_up_array),
    ("potong", ROUND_DOWN, truncate, truncate_array),
)


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Realistic (T, R) pairs: targets as plans write them (whole numbers, halves, two-decimal shares),
    realisasi with two decimals from 0 to twice the target."""
    targets = [float(t) for t in range(1, 121)]
    targets += [t / 2 for t in range(1, 200, 3)] + [t / 100 for t in range(101, 9999, 197)] + [250.0, 365.0, 500.0]
    ts: list[float] = []
    rs: list[float] = []
    for t in targets:
        top = int(t * 200)
        step = max(1, top // 500)
        for k in range(0, top + 1, step):
            ts.append(t)
            rs.append(k / 100)
    return np.array(ts), np.array(rs)


T_GRID, R_GRID = _grid()


def test_the_grid_is_dense_and_holds_the_cases_binary_rounding_gets_wrong() -> None:
    assert len(T_GRID) >= 100_000
    # how often rounding the binary value (not the shown one) would differ: the grid is not too easy
    wrong = dict.fromkeys((ROUND_HALF_UP, ROUND_DOWN), 0)
    for x in (R_GRID / T_GRID * 100, (2 - R_GRID / T_GRID) * 100):
        for rounding in wrong:
            q = Decimal("0.01")
            wrong[rounding] += sum(
                float(Decimal(v).quantize(q, rounding=rounding)) != _shown(v, 2, rounding) for v in x.tolist()
            )
    assert wrong[ROUND_HALF_UP] > 300 and wrong[ROUND_DOWN] > 10_000, wrong  # 383 and 17,999 on this grid


@pytest.mark.parametrize("mode", MODES, ids=[m[0] for m in MODES])
def test_scalar_and_array_rounding_equal_decimal_on_the_shown_value(mode: tuple) -> None:
    _, rounding, scalar, array = mode
    for x in (R_GRID / T_GRID * 100, (2 - R_GRID / T_GRID) * 100):
        want = np.array([_shown(float(v), 2, rounding) for v in x])
        got_scalar = np.array([scalar(float(v), 2) for v in x])
        assert int((got_scalar != want).sum()) == 0, x[got_scalar != want][:5]
        got_array = array(x, 2)
        assert int((got_array != want).sum()) == 0, x[got_array != want][:5]


@pytest.mark.parametrize("mode", MODES, ids=[m[0] for m in MODES])
def test_generated_scorer_rounds_like_decimal_on_the_shown_value(mode: tuple) -> None:
    from kinerja.profile import compile_profile

    name, rounding, _, _ = mode
    spec = kinerja.load_profile().spec
    variant = spec.model_copy(
        update={
            "achievement": spec.achievement.model_copy(update={"cap": None, "floor": None}),
            "rounding": spec.rounding.model_copy(update={"mode": name, "decimals": 2}),
            "score": spec.score.model_copy(update={"bands": []}),
        }
    )
    profile, problems = compile_profile(variant)
    assert not problems
    positive = profile.scorer("positive", None, False, "id")
    negative = profile.scorer("negative", "standard", False, "id")
    bad = []
    for t, r in zip(T_GRID.tolist(), R_GRID.tolist(), strict=True):
        if positive(t, r)[0] != _shown(r / t * 100, 2, rounding):
            bad.append(("positive", t, r))
        if negative(t, r)[0] != _shown((2 - r / t) * 100, 2, rounding):
            bad.append(("negative", t, r))
    assert bad == []


def test_finding_3_half_up_rounds_the_value_a_spreadsheet_shows() -> None:
    x = 40.18 / 80 * 100
    assert x == 50.224999999999994  # binary; a spreadsheet shows 50.225
    assert round_half_up(x, 2) == 50.23  # was 50.22
    assert round_half_up_array(np.array([x]), 2)[0] == 50.23
    assert kinerja.achievement(80, 40.18) == 50.23
    assert kinerja.load_profile().scorer("positive", None, False, "id")(80, 40.18)[0] == 50.23


def test_finding_3_truncation_cuts_the_value_a_spreadsheet_shows() -> None:
    x = 64.35 / 65 * 100
    assert x == 98.99999999999999  # binary; a spreadsheet shows 99
    assert truncate(x, 2) == 99.0  # was 98.99
    assert truncate_array(np.array([x]), 2)[0] == 99.0
    assert kinerja.achievement(65, 64.35, rounding="truncate:2") == 99.0


@pytest.mark.parametrize(
    "x,places,half_up,cut",
    [
        (2.675, 2, 2.68, 2.67),
        (-2.675, 2, -2.68, -2.67),
        (0.29, 2, 0.29, 0.29),  # 0.28999999999999998 in binary
        (0.1 + 0.2, 2, 0.3, 0.3),
        (1.005, 2, 1.01, 1.0),
        (0.5, 0, 1.0, 0.0),
        (1234.5, -2, 1200.0, 1200.0),
        (1e20, 2, 1e20, 1e20),  # nothing left to round
        (123.456, 20, 123.456, 123.456),
    ],
)
def test_rounding_examples(x: float, places: int, half_up: float, cut: float) -> None:
    assert round_half_up(x, places) == half_up == round_decimal_reference(x, places, "half-up")
    assert truncate(x, places) == cut == round_decimal_reference(x, places, "truncate")
    assert round_half_up_array(np.array([x]), places)[0] == half_up
    assert truncate_array(np.array([x]), places)[0] == cut


def test_non_finite_values_pass_through() -> None:
    for f in (round_half_up, truncate):
        assert math.isnan(f(math.nan, 2)) and f(math.inf, 2) == math.inf and f(-math.inf, 2) == -math.inf
    out = round_half_up_array(np.array([math.nan, math.inf, 1.005]), 2)
    assert math.isnan(out[0]) and out[1] == math.inf and out[2] == 1.01
