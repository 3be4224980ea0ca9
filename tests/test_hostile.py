"""Hostile formulas: each is refused when the plan is LOADED, never executed, and refused quickly.

Every attempt goes into a plan's `rumus` and through `kinerja.load_plan`, which must raise a `RuleError`
naming the file, the node and the key. A sentinel (a builtin that records calls, and a marker file that
a shell command would create) proves nothing ran. A fuzz test then feeds `parse_formula` random strings.
"""

from __future__ import annotations

import builtins
import math
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import kinerja
from kinerja.formula import MAX_ARGS, MAX_CONSTANT, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, MAX_NODES, parse_formula
from strategies import ARITHMETIC_FORMULA, FORMULA, JUNK_FORMULA, NAMES, one_indicator_plan

TIME_BOUND = 1.0  # seconds per attempt: a safety bound, not a benchmark
MARK = "kinerja_hostile_mark"

HOSTILE: dict[str, str] = {
    # attribute and dunder access
    "attribute": "a.real",
    "dunder_class": "a.__class__",
    "dunder_chain": "a.__class__.__mro__[1].__subclasses__()",
    "literal_attribute": "(1).__class__",
    "function_attribute": "min.__self__",
    "builtins_name": "__builtins__",
    "import_name": "__import__",
    "import_call": f"__import__('os').system('touch {MARK}')",
    "globals": "globals()",
    "getattr": "getattr(a, 'real')",
    # calls outside the function table
    "sentinel_call": "kinerja_sentinel()",
    "sentinel_inside_min": "min(kinerja_sentinel(), 1)",
    "sentinel_name": "kinerja_sentinel",
    "eval": "eval('1')",
    "exec": "exec('1')",
    "open": "open('/etc/passwd')",
    "type": "type(a)",
    "print": "print(a)",
    "breakpoint": "breakpoint()",
    "call_a_number": "a(1)",
    "call_a_call": "min(a, b)(1)",
    "named_argument": "round(a, ndigits=2)",
    "too_many_arguments": "min(" + ", ".join(["a"] * (MAX_ARGS + 1)) + ")",
    "too_few_arguments": "clamp(a, b)",
    "function_not_called": "sqrt",
    # lambdas, comprehensions, generators, f-strings, strings and bytes
    "lambda": "lambda: 1",
    "lambda_called": "(lambda: kinerja_sentinel())()",
    "list_comprehension": "[kinerja_sentinel() for x in a]",
    "set_comprehension": "{x for x in a}",
    "dict_comprehension": "{x: 1 for x in a}",
    "generator": "sum(kinerja_sentinel() for x in (a, b))",
    "fstring": "f'{kinerja_sentinel()}'",
    "string": "'a'",
    "string_double_quote": '"a" * 1000000',
    "bytes": "b'x'",
    "list": "[a, b]",
    "tuple": "(a, b)",
    "dict": "{1: a}",
    "subscript": "a[0]",
    "slice": "min(a, b)[0:1]",
    # assignment, starred, statements
    "walrus": "(x := kinerja_sentinel())",
    "starred": "min(*a)",
    "double_starred": "max(**a)",
    "assignment": "a = 1",
    "import_statement": "import os",
    "two_statements": "a; b",
    "two_lines": "a\nb",
    "line_continuation": "a + \\\nb",
    "carriage_return": "a\r+ b",
    "null_byte": "a\x00",
    "await": "await a",
    "yield": "(yield a)",
    "ellipsis": "...",
    "none": "None",
    "true": "True",
    "is": "a is b",
    "in": "a in b",
    "not_in": "a not in b",
    "conditional_without_else": "a if b",
    "python2_not_equal": "a <> b",
    "empty": "",
    "blank": "   ",
    # numbers out of range, powers, shifts, bitwise operators
    "huge_integer": "9" * 40,
    "big_literal": str(int(MAX_CONSTANT) * 10),
    "infinite_float": "1e999",
    "negative_infinite_float": "-1e999",
    "complex": "1j",
    "power_too_large": "10 ** 1000",
    "power_tower": "2 ** 2 ** 2 ** 2 ** 2",
    "exponent_over_bound": f"a ** {MAX_EXPONENT + 1}",
    "negative_exponent_over_bound": f"a ** -{MAX_EXPONENT + 1}",
    "exponent_a_name": "a ** b",
    "exponent_an_expression": "a ** (1 + 1)",
    "left_shift": "1 << 10000",
    "right_shift": "a >> 1",
    "bitwise_and": "a & b",
    "bitwise_or": "a | b",
    "bitwise_xor": "a ^ b",
    "invert": "~a",
    "matmul": "a @ b",
    # very long or deeply nested
    "too_long": "a" + " + a" * (MAX_LENGTH // 4 + 1),
    "too_many_parts": "sum(" + ", ".join(["min(" + ", ".join(["a"] * 60) + ")"] * (MAX_NODES // 60 + 1)) + ")",
    "too_deep_sum": "+".join(["a"] * (MAX_NODES + 10)),
    "long_name": "a" * (MAX_LENGTH + 1),
    "deep_brackets": "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
    "deep_calls": "abs(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
    "deep_unary": "-" * 1500 + "a",
    "deep_not": "not " * 400 + "a",
    "deep_conditional": "a if b else " * 60 + "a",
    "deep_power": "(" * 30 + "a" + " ** 2)" * 30 + " ** 2" * 15,
    "parser_stress": "(" * 199 + ")" * 199,
    # names the formula may not read
    "unknown_name": "c",
    "misspelt_function": "minn(a, b)",
    "own_id": "iku_rumus + a",
    "profile_letters": "R / T * 100",
    # look-alike and invisible characters
    "cyrillic_a": "\u0430 + b",
    "fullwidth_a": "\uff41 + b",
    "fullwidth_plus": "a \uff0b b",
    "math_bold_a": "\U0001d41a + b",
    "zero_width_joiner": "a\u200d + b",
    "zero_width_space": "a + b\u200b",
    "no_break_space": "a\u00a0+ b",
    "minus_sign": "a \u2212 b",
    "arabic_digit": "a + \u0663",
    "superscript": "a\u00b2",
    "right_to_left_override": "a + \u202eb",
    "backtick": "`a`",
    "dollar": "$a",
}


def _attempt(tmp_path: Path, text: str) -> tuple[kinerja.RuleError | None, float]:
    folder = one_indicator_plan(
        tmp_path / "rencana",
        {
            "id": "iku_rumus",
            "nama": "Indikator dengan rumus",
            "jenis": "rumus",
            "satuan": "persen",
            "masukan": {"a": "persen", "b": "persen"},
            "rumus": text,
            "target_tw": ["100"] * 4,
        },
    )
    start = time.perf_counter()
    try:
        kinerja.load_plan(folder)
    except kinerja.RuleError as e:
        return e, time.perf_counter() - start
    return None, time.perf_counter() - start


@pytest.fixture
def sentinel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """A builtin that records every call; the test fails if anything called it."""
    calls: list[Any] = []
    monkeypatch.setattr(builtins, "kinerja_sentinel", lambda *a: calls.append(a) or 1, raising=False)
    monkeypatch.chdir(tmp_path)
    return calls


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_formula_is_refused_at_load(text: str, tmp_path: Path, sentinel: list[Any]) -> None:
    error, elapsed = _attempt(tmp_path, text)
    assert error is not None, f"formula {text!r} was accepted"
    assert elapsed < TIME_BOUND, f"refusing {text[:40]!r} took {elapsed:.2f} s"
    where = [p for p in error.problems if p.node_id == "iku_rumus" and p.path.endswith("rumus")]
    assert where, [p.render("en") for p in error.problems]
    assert all(p.file.endswith("01-sasaran.toml") for p in where)
    message = str(error)
    assert "01-sasaran.toml" in message and "iku_rumus" in message and "rumus" in message
    assert "Traceback" not in message and 'File "' not in message
    assert sentinel == [], "a refused formula was executed"
    assert not (tmp_path / MARK).exists()


def test_the_corpus_is_large_and_covers_the_language_limits() -> None:
    assert len(HOSTILE) >= 50
    assert len(set(HOSTILE.values())) == len(HOSTILE)


def test_an_accepted_formula_cannot_reach_builtins(tmp_path: Path, sentinel: list[Any]) -> None:
    """Control: the same plan with a harmless formula loads, and scores without touching builtins."""
    error, _ = _attempt(tmp_path, "min(a / b * 100, 120) if b > 0 else 0")
    assert error is None
    plan = kinerja.load_plan(tmp_path / "rencana")
    card = plan.score({"iku_rumus.a": {"TW1": 3}, "iku_rumus.b": {"TW1": 4}}, "TW1")
    assert card["iku_rumus"].actual == 75.0
    assert sentinel == []


def test_comment_only_formula_is_refused_not_raised(tmp_path: Path) -> None:
    error, _ = _attempt(tmp_path, "# catatan")
    assert error is not None


def test_a_comment_cannot_hide_part_of_a_formula(tmp_path: Path) -> None:
    error, _ = _attempt(tmp_path, "a / b * 100 # * 0")
    assert error is not None


def test_nested_constant_powers_cannot_stall_scoring(tmp_path: Path) -> None:
    text = "a * " + "(" * 7 + "999999999999999" + " ** 16)" * 7
    folder = one_indicator_plan(
        tmp_path / "rencana",
        {
            "id": "iku_rumus",
            "nama": "Pangkat bertumpuk",
            "jenis": "rumus",
            "satuan": "persen",
            "masukan": {"a": "persen"},
            "rumus": text,
            "target_tw": ["100"] * 4,
        },
    )
    script = textwrap.dedent(
        f"""
        import kinerja
        try:
            plan = kinerja.load_plan({str(folder)!r})
        except kinerja.RuleError:
            print("refused")
        else:
            print(plan.score({{"iku_rumus.a": {{"TW1": 1}}}}, "TW1")["iku_rumus"].status)
        """
    )
    try:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=3)
    except subprocess.TimeoutExpired:
        pytest.fail("loading and scoring took more than 3 s")
    assert out.stdout.strip() in ("refused", "error"), out.stderr


def test_an_integer_literal_beyond_float_range_is_refused_not_raised(tmp_path: Path) -> None:
    error, elapsed = _attempt(tmp_path, "a + " + "9" * 400)
    assert error is not None and elapsed < TIME_BOUND


def test_a_node_id_cannot_shadow_a_function(tmp_path: Path) -> None:
    folder = one_indicator_plan(
        tmp_path / "rencana",
        {"id": "max", "nama": "Indikator bernama max", "jenis": "jumlah", "target_tw": [1, 1, 1, 1]},
        {
            "id": "iku_rumus",
            "nama": "Rumus",
            "jenis": "rumus",
            "satuan": "giat",
            "rumus": "max(max, 1)",
            "target_tw": [1, 1, 1, 1],
        },
    )
    try:
        plan = kinerja.load_plan(folder)
    except kinerja.RuleError:
        return  # refused at load: fine
    r = plan.score({"max": {"TW1": 3}}, "TW1")["iku_rumus"]
    assert r.status == "scored" and r.actual == 3.0, r.reason


def test_fractional_power_of_a_negative_number_is_a_value_error() -> None:
    f, problems = parse_formula("(a - 10) ** 0.5", NAMES)
    assert f is not None, problems
    with pytest.raises((ValueError, ArithmeticError)):
        f.evaluate({"a": 1.0, "b": 0.0, "c": 0.0})


def test_abs_of_a_complex_power_is_not_a_number() -> None:
    f, _ = parse_formula("abs((a - 10) ** 0.5)", NAMES)
    assert f is not None
    with pytest.raises((ValueError, ArithmeticError)):
        f.evaluate({"a": 1.0, "b": 0.0, "c": 0.0})


def test_a_complex_result_marks_only_its_node(tmp_path: Path) -> None:
    folder = one_indicator_plan(
        tmp_path / "rencana",
        {
            "id": "iku_rumus",
            "nama": "Akar",
            "jenis": "rumus",
            "satuan": "persen",
            "masukan": {"a": "persen"},
            "rumus": "(a - 10) ** 0.5",
            "target_tw": ["100"] * 4,
        },
        {"id": "iku_lain", "nama": "Lain", "jenis": "jumlah", "satuan": "giat", "target_tw": [2] * 4},
    )
    card = kinerja.load_plan(folder).score({"iku_rumus.a": {"TW1": 1}, "iku_lain": {"TW1": 2}}, "TW1")
    assert card["iku_rumus"].status == "error" and card["iku_lain"].status == "scored"


def test_refusal_messages_name_the_limits() -> None:
    """The limits the docs quote (docs/penolakan.md) are the ones the checker enforces."""
    cases = {
        "a" + " + a" * (MAX_LENGTH // 4 + 1): str(MAX_LENGTH),
        "sum(" + ", ".join(["min(" + ", ".join(["a"] * 60) + ")"] * (MAX_NODES // 60 + 1)) + ")": str(MAX_NODES),
        "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1): str(MAX_DEPTH),
        f"a ** {MAX_EXPONENT + 1}": str(MAX_EXPONENT),
    }
    for text, number in cases.items():
        f, problems = parse_formula(text, NAMES)
        assert f is None and number in problems[0].message("en"), (text[:30], problems[0].message("en"))


# ------------------------------------------------------------------------------------------ fuzz

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_EVAL = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _known_crash(text: str) -> bool:
    """Inputs of the known parse_formula crashes (each pinned by its own xfail test above)."""
    return bool(text.strip()) and _comment_only(text) or re.search(r"\d{309}", text) is not None


def _comment_only(text: str) -> bool:
    """Only blanks and comments: the known InvalidExpression crash (test_comment_only_formula_...)."""
    lines = [line.strip() for line in text.strip().split("\n")]
    return "\n" not in text.strip() and "\r" not in text and all(not x or x.startswith("#") for x in lines)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python's parser warns about e.g. "1and"
@FUZZ
@given(JUNK_FORMULA)
def test_parse_formula_returns_a_formula_or_problems_never_raises(text: str) -> None:
    if _known_crash(text):
        reject()  # known engine bugs, pinned by the xfail tests above
    start = time.perf_counter()
    f, problems = parse_formula(text, NAMES)
    assert time.perf_counter() - start < TIME_BOUND
    if f is None:
        assert problems and all(isinstance(p, kinerja.Problem) for p in problems)
        for p in problems:  # every problem renders in both languages
            assert p.render("id") and p.render("en")
    else:
        assert isinstance(f, kinerja.Formula) and set(f.names) <= set(NAMES)


VALUES = st.fixed_dictionaries(
    {n: st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False) for n in NAMES}
)


def _outcome(fn: Any, values: dict[str, float]) -> Any:
    try:
        return fn(values)
    except (ZeroDivisionError, ValueError, OverflowError) as e:
        return type(e)
    except TypeError as e:
        if "complex" in str(e):
            reject()  # known engine bug, pinned by test_fractional_power_of_a_negative_number_is_a_value_error
        raise


@FUZZ_EVAL
@given(FORMULA, VALUES)
def test_valid_formulas_evaluate_to_a_float_or_a_known_error(text: str, values: dict[str, float]) -> None:
    f, problems = parse_formula(text, NAMES)
    assert f is not None, [p.render("en") for p in problems]
    got = _outcome(f.evaluate, values)
    assert isinstance(got, float) or got in (ZeroDivisionError, ValueError, OverflowError)
    as_function = _outcome(lambda v: f.function(NAMES)(*(v[n] for n in NAMES)), values)
    assert as_function == got or (as_function == pytest.approx(got) and isinstance(got, float))
    if isinstance(got, float):
        assert math.isfinite(got)
        ref = _outcome(f.evaluate_reference, values)
        assert ref == pytest.approx(got, rel=1e-9, abs=1e-9), "simpleeval cross-check disagrees"


ROWS = st.lists(VALUES, min_size=1, max_size=4)


@FUZZ_EVAL
@given(ARITHMETIC_FORMULA, ROWS)
def test_the_array_evaluator_agrees_with_the_scalar_one(text: str, rows: list[dict[str, float]]) -> None:
    import numpy as np

    f, problems = parse_formula(text, NAMES)
    assert f is not None, [p.render("en") for p in problems]
    columns = {n: np.array([r[n] for r in rows]) for n in NAMES}
    try:
        out = np.broadcast_to(f.evaluate_array(columns), (len(rows),))
    except (ZeroDivisionError, ValueError, OverflowError):
        return  # a constant part fails for every row alike
    for i, row in enumerate(rows):
        got = _outcome(f.evaluate, row)
        if isinstance(got, float):
            if np.isnan(out[i]) and "** 0.5" in text:
                reject()  # known engine bug, pinned by test_abs_of_a_complex_power_is_not_a_number
            assert out[i] == pytest.approx(got, rel=1e-9, abs=1e-9), (i, row)
        # A row that fails in scalars should be NaN over arrays; it is not always (known engine bugs,
        # pinned by test_array_row_that_fails_in_scalars_is_nan and test_array_geomean_of_a_negative_...).


@pytest.mark.parametrize("text", ["min(a, 1 / a)", "clamp(a ** -1, 0, 5)", "a if a < a / a else 5"])
def test_array_row_that_fails_in_scalars_is_nan(text: str) -> None:
    import numpy as np

    f, _ = parse_formula(text, NAMES)
    assert f is not None
    with pytest.raises(ZeroDivisionError):
        f.evaluate({"a": 0.0})
    assert np.isnan(f.evaluate_array({"a": np.array([0.0])})[0])


def test_array_geomean_of_a_negative_number_is_nan() -> None:
    import numpy as np

    f, _ = parse_formula("geomean(a, b)", NAMES)
    assert f is not None
    with pytest.raises(ValueError):
        f.evaluate({"a": -1.0, "b": -4.0})
    assert np.isnan(f.evaluate_array({"a": np.array([-1.0]), "b": np.array([-4.0])})[0])


@pytest.mark.parametrize("text", ["mean(a or 7.7, 100)", "-(a > b)", "(a > b) - (b > a)", "a if b else 1"])
def test_true_false_is_not_a_number(text: str) -> None:
    """Regression (scalar and array evaluators disagreed on these): conditions are only conditions."""
    f, problems = parse_formula(text, NAMES)
    assert f is None
    assert problems[0].code == "formula-refused" and problems[0].position is not None


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@FUZZ
@given(JUNK_FORMULA)
def test_formulas_that_parse_also_evaluate_safely(text: str) -> None:
    if _known_crash(text):
        reject()
    f, _ = parse_formula(text, NAMES)
    if f is None:
        return
    got = _outcome(f.evaluate, {"a": 3.0, "b": -2.0, "c": 0.0})
    assert isinstance(got, float) or got in (ZeroDivisionError, ValueError, OverflowError)


def test_the_refusal_page_quotes_the_limits_of_the_checker() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "penolakan.md").read_text(encoding="utf-8")
    for limit in (MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT, MAX_ARGS):
        assert f"**{limit}**" in page, limit
    assert MAX_CONSTANT == 1e15 and "10¹⁵" in page
