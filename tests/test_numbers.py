"""Indonesian number writing, as in the document and in spreadsheets exported on Indonesian machines."""

from __future__ import annotations

import pytest

from kinerja.numbers import NumberFormatError, format_id, parse_written


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
