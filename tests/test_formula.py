"""The formula language: what it computes, and what it deliberately refuses."""

from __future__ import annotations

import numpy as np
import pytest

import kinerja
from kinerja.formula import parse_formula


def ok(text: str, names: tuple[str, ...] = ("a", "b")) -> kinerja.Formula:
    f, problems = parse_formula(text, names)
    assert f is not None, [p.render("en") for p in problems]
    return f


def test_conditional_and_functions() -> None:
    f = ok("min(a / b * 100, 120) if b > 0 else 0")
    assert f.evaluate({"a": 3, "b": 4}) == 75.0
    assert f.evaluate({"a": 9, "b": 4}) == 120.0
    assert f.evaluate({"a": 3, "b": 0}) == 0.0


@pytest.mark.parametrize(
    "text,expected",
    [
        ("clamp(a, 0, 2)", 2.0),
        ("mean(a, b, 7)", 5.0),
        ("sum(a, b)", 8.0),
        ("abs(a - b)", 2.0),
        ("geomean(a, b) ** 2", pytest.approx(15.0)),
        ("round(a / b, 2)", 0.6),
        ("sqrt(b - 1)", 2.0),
        ("a % 2 + b // 2", 3.0),
        ("1 if a < b <= 5 else 0", 1.0),
        ("1 if not a > b else 0", 1.0),
        ("2 if a > 1 and (b < 1 or b > 4) else 0", 2.0),
    ],
)
def test_operators_and_table(text: str, expected: float) -> None:
    assert ok(text).evaluate({"a": 3, "b": 5}) == expected


def test_scalar_array_and_simpleeval_agree() -> None:
    f = ok("max(a - b, 0) / (b + 1) * 100 if a > 1 and b >= 0 else -1")
    a = np.array([0.0, 2.0, 5.0, 7.5])
    b = np.array([1.0, 1.0, 4.0, 0.0])
    arr = f.evaluate_array({"a": a, "b": b})
    for i in range(len(a)):
        vals = {"a": float(a[i]), "b": float(b[i])}
        assert arr[i] == pytest.approx(f.evaluate(vals))
        assert f.evaluate_reference(vals) == pytest.approx(f.evaluate(vals))


def test_division_by_zero_is_an_error_in_scalars_and_nan_in_arrays() -> None:
    f = ok("a / b")
    with pytest.raises(ZeroDivisionError):
        f.evaluate({"a": 1, "b": 0})
    out = f.evaluate_array({"a": np.array([1.0, 1.0]), "b": np.array([0.0, 2.0])})
    assert np.isnan(out[0]) and out[1] == 0.5


# What the language deliberately refuses (simpleeval's test_deliberately_missed_features, for us).
REFUSED = [
    "not a > b",  # true/false is not a number
    "(a > b) - (b > a)",
    "-(a > b)",
    "mean(a or 7.7, 100)",
    "a if b else 0",  # a number is not a condition
    "a / b * 100 # * 0",
    "# x",
    "a.__class__",
    "a.real",
    "().__class__",
    "open('x')",
    "__import__('os')",
    "eval('1')",
    "lambda: 1",
    "(lambda: 1)()",
    "[x for x in a]",
    "{x for x in a}",
    "(x for x in a)",
    "{1: 2}",
    "[1, 2]",
    "(1, 2)",
    "f'{a}'",
    "'text'",
    "b'bytes'",
    "a[0]",
    "(x := 1)",
    "min(*a)",
    "min(a=1, b=2)",
    "a ** 100",
    "a ** b",
    "2 ** 2 ** 10",
    "10 ** 20",
    "1 << 40",
    "a >> 2",
    "a & b",
    "a | b",
    "a ^ b",
    "~a",
    "9" * 40,
    "1e999",
    "a if b",
    "import os",
    "a = 1",
    "a; b",
    "a\nb",
    "ａ + b",
    "a + b\u200b",
    "a @ b",
    "a is b",
    "a in b",
    "None",
    "True",
    "...",
    "c",
    "minn(a, b)",
    "min",
    "(" * 60 + "a" + ")" * 60,
    "+".join(["a"] * 500),
    "a " * 2000,
    "",
]


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    f, problems = parse_formula(text, ("a", "b"))
    assert f is None
    assert problems and all(p.severity == "error" for p in problems)
    assert all(p.code in ("formula-refused", "formula-syntax", "unknown-name", "unknown-function") for p in problems)


def test_unknown_name_suggests_and_points() -> None:
    f, problems = parse_formula("selesai / dilaporan", ("selesai", "dilaporkan"))
    assert f is None
    p = problems[0]
    assert p.code == "unknown-name" and p.suggestions == ("dilaporkan",)
    assert p.position == 10
    assert p.render("id").splitlines()[-1] == " " * 14 + "^"


def test_compile_formula_checks_units() -> None:
    f = kinerja.compile_formula("a / b * 100", inputs={"a": "giat", "b": "giat"})
    assert f.evaluate({"a": 1, "b": 4}) == 25.0
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.compile_formula("a + b", inputs={"a": "kasus", "b": "menit"})
    assert e.value.problems


def test_formula_is_not_reparsed_and_is_reusable_across_calls() -> None:
    f = ok("a * b")
    results = [f.evaluate({"a": i, "b": 2}) for i in range(100)]
    assert results == [2.0 * i for i in range(100)]
