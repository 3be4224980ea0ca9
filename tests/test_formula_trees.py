"""Formulas built from parts are composed as syntax trees, never pasted as text (issue 11, finding 1).

`jenis = "rasio"` used to paste `f"{pembilang} / {penyebut} * {skala}"`: `puas / puas + tidak_puas * 100`.
Now each part is parsed and checked on its own and `formula.ratio` composes `(pembilang) / (penyebut) * skala`
as one tree. The property: for random expressions a and b (written with no more brackets than they need),
the rasio computes exactly what the one `rumus` `(a) / (b) * skala` computes, through every evaluator.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja
from kinerja import formula as fm
from kinerja.report.fmt import math_text
from strategies import one_indicator_plan

NAMES = ("a", "b", "c")

# ------------------------------------------------------------------------------------ expressions


def _leaf() -> st.SearchStrategy[ast.expr]:
    return st.one_of(
        st.sampled_from(NAMES).map(lambda n: ast.Name(n, ast.Load())),
        st.integers(1, 500).map(ast.Constant),
        st.integers(1, 99_999).map(lambda n: ast.Constant(n / 100)),
    )


def _extend(inner: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
    return st.one_of(
        st.tuples(inner, st.sampled_from((ast.Add, ast.Sub, ast.Mult, ast.Div)), inner).map(
            lambda t: ast.BinOp(t[0], t[1](), t[2])
        ),
        inner.map(lambda x: ast.UnaryOp(ast.USub(), x)),
        st.tuples(st.sampled_from(("min", "max")), inner, inner).map(
            lambda t: ast.Call(ast.Name(t[0], ast.Load()), [t[1], t[2]], [])
        ),
    )


# Sums, differences, products, quotients, nested, with names; rendered by `ast.unparse`, so written with
# only the brackets they need (`a - b * c`, `a + b`): exactly the texts that pasting gets wrong.
EXPRESSION = st.recursive(_leaf(), _extend, max_leaves=8).map(ast.unparse)
SCALE = st.sampled_from((100, 1, 1000, 100_000, 0.5, 1_234_567, -100))
VALUE = st.one_of(st.just(0.0), st.integers(1, 1000).map(float), st.integers(1, 100_000).map(lambda n: n / 100))


def parsed(text: str, names: tuple[str, ...] = NAMES) -> fm.Formula:
    f, problems = fm.parse_formula(text, names)
    assert f is not None, [p.render("en") for p in problems]
    return f


def outcome(fn: Any) -> Any:
    """A value, or the kind of error it raised (both paths must raise alike)."""
    try:
        return fn()
    except (ZeroDivisionError, ValueError, OverflowError) as e:
        return type(e).__name__


@settings(max_examples=300, deadline=None)
@given(a=EXPRESSION, b=EXPRESSION, scale=SCALE, values=st.lists(st.tuples(VALUE, VALUE, VALUE), min_size=1, max_size=6))
def test_ratio_is_the_written_out_formula_in_every_evaluator(
    a: str, b: str, scale: float, values: list[tuple[float, float, float]]
) -> None:
    composed, problems = fm.ratio(parsed(a), parsed(b), scale)
    assert composed is not None and not problems
    written = parsed(f"({a}) / ({b}) * {scale!r}")
    # the same tree: not merely the same numbers on a few points
    assert ast.dump(composed.tree) == ast.dump(written.tree)
    assert set(composed.names) == set(written.names)
    # its display text is rendered from the tree and reads back as the same computation
    assert ast.dump(ast.parse(composed.text, mode="eval")) == ast.dump(written.tree)
    cols = {n: np.array([v[i] for v in values]) for i, n in enumerate(NAMES)}
    # a formula of constants only gives one value for all rows
    arr_c, arr_w = (np.broadcast_to(f.evaluate_array(cols), (len(values),)) for f in (composed, written))
    for row, v in enumerate(values):
        env = dict(zip(NAMES, v, strict=True))
        want = outcome(lambda env=env: written.evaluate(env))
        assert outcome(lambda env=env: composed.evaluate(env)) == want
        assert outcome(lambda env=env: composed.function(NAMES)(*(env[n] for n in NAMES))) == want
        ref = outcome(lambda env=env: composed.evaluate_reference(env))
        assert ref == outcome(lambda env=env: written.evaluate_reference(env))
        if isinstance(want, float):
            assert ref == want
            assert arr_c[row] == want and arr_w[row] == want
        else:  # an error for a scalar is NaN for that row of an array, in both
            assert math.isnan(arr_c[row]) and math.isnan(arr_w[row])


def _two_nodes(a: str, b: str, scale: float, per_period: bool) -> list[dict[str, Any]]:
    common = {
        "satuan": "persen",
        "target": 50,
        "sifat_periode": "tetap",
        "masukan": {n: "persen" for n in NAMES},
        **({"hitung_per_periode": True} if per_period else {}),
    }
    return [
        {"id": "iku_rasio", "nama": "Rasio", "jenis": "rasio", "pembilang": a, "penyebut": b, "skala": scale, **common},
        {"id": "iku_rumus", "nama": "Rumus", "jenis": "rumus", "rumus": f"({a}) / ({b}) * {scale!r}", **common},
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a=EXPRESSION,
    b=EXPRESSION,
    scale=SCALE,
    per_period=st.booleans(),
    data=st.lists(st.tuples(VALUE, VALUE, VALUE), min_size=4, max_size=4),
)
def test_rasio_kind_scores_as_the_written_out_rumus_per_unit_and_in_batch(
    a: str, b: str, scale: float, per_period: bool, data: list[tuple[float, float, float]], tmp_path: Path
) -> None:
    rasio, rumus = _two_nodes(a, b, scale, per_period)
    folder = one_indicator_plan(tmp_path / f"p{abs(hash((a, b, scale, per_period)))}", rasio, rumus)
    plan = kinerja.load_plan(folder)
    quarters = ("TW1", "TW2", "TW3", "TW4")
    realisasi = {
        f"{node}.{n}": {q: v[i] for q, v in zip(quarters, data, strict=True)}
        for node in ("iku_rasio", "iku_rumus")
        for i, n in enumerate(NAMES)
    }
    rows = [
        {"unit": "u", "id": key, "periode": q, "realisasi": v} for key, per in realisasi.items() for q, v in per.items()
    ]
    for period in ("TW1", "2025"):
        card = plan.score(realisasi, period)
        batch = plan.score_many(rows, period)
        got = [card["iku_rasio"], batch.result("u", "iku_rasio")]
        want = [card["iku_rumus"], batch.result("u", "iku_rumus")]
        for g, w in zip(got, want, strict=True):
            assert (g.status, g.actual, g.achievement, g.score, g.grade) == (
                w.status,
                w.actual,
                w.achievement,
                w.score,
                w.grade,
            ), (a, b, scale, period)
        if period == "TW1" and card["iku_rasio"].status == "scored":
            env = {n: data[0][i] for i, n in enumerate(NAMES)}
            assert plan.by_id["iku_rasio"].formula.evaluate_reference(env) == card["iku_rasio"].actual


# ------------------------------------------------------------------------------------ the findings


def _plan(tmp_path: Path, node: dict[str, Any]) -> Path:
    return one_indicator_plan(tmp_path / "rencana", {"id": "iku_r", "nama": "R", "jenis": "rasio", **node})


def test_ratio_of_a_sum_is_not_read_as_pasted_text(tmp_path: Path) -> None:
    """Finding 1: puas / (puas + tidak_puas), inputs in persen: 90 %, not `puas / puas + tidak_puas * 100`."""
    plan = kinerja.load_plan(
        _plan(
            tmp_path,
            {
                "masukan": {"puas": "persen", "tidak_puas": "persen"},
                "pembilang": "puas",
                "penyebut": "puas + tidak_puas",
                "target": 80,
            },
        )
    )
    r = plan.score({"iku_r.puas": {"TW1": 90}, "iku_r.tidak_puas": {"TW1": 10}}, "TW1")["iku_r"]
    assert r.actual == 90.0  # pasted: 90 / 90 + 10 * 100 = 1001
    rows = [
        {"unit": "u", "id": "iku_r.puas", "periode": "TW1", "realisasi": 90},
        {"unit": "u", "id": "iku_r.tidak_puas", "periode": "TW1", "realisasi": 10},
    ]
    assert plan.score_many(rows, "TW1").result("u", "iku_r").actual == 90.0
    node = plan.by_id["iku_r"]
    assert node.formula_text == "puas / (puas + tidak_puas) * 100"
    assert math_text(node.formula_text, "id") == "puas ÷ (puas + tidak_puas) × 100"


def test_ratio_of_a_difference_in_counts_loads_and_scores(tmp_path: Path) -> None:
    """Finding 1: `sisa_lalu - sisa_kini` as pembilang in counts was refused for a unit mix in a pasted rumus
    (`sisa_lalu - sisa_kini / total * 100`); it is a valid ratio."""
    plan = kinerja.load_plan(
        _plan(
            tmp_path,
            {
                "masukan": {"sisa_lalu": "kasus", "sisa_kini": "kasus", "total": "kasus"},
                "pembilang": "sisa_lalu - sisa_kini",
                "penyebut": "total",
                "target_tw": [50, 50, 50, 50],
            },
        )
    )
    data = {"iku_r.sisa_lalu": {"TW1": 50}, "iku_r.sisa_kini": {"TW1": 10}, "iku_r.total": {"TW1": 80}}
    r = plan.score(data, "TW1")["iku_r"]
    assert (r.actual, r.achievement, r.status) == (50.0, 100.0, "scored")
    step = next(s for s in r.trace if s["step"] == "actual")
    assert step["formula"] == "(sisa_lalu - sisa_kini) / total * 100"  # shown as computed, from the tree
    assert math_text(step["formula"], "id") == "(sisa_lalu − sisa_kini) ÷ total × 100"


def test_a_large_scale_is_used_exactly(tmp_path: Path) -> None:
    """`{skala:g}` pasted 1234567 as 1.23457e+06: a silently wrong realisasi."""
    plan = kinerja.load_plan(
        _plan(tmp_path, {"masukan": {"x": "kasus", "y": "kasus"}, "pembilang": "x", "penyebut": "y", "skala": 1234567})
    )
    r = plan.score({"iku_r.x": {"TW1": 1}, "iku_r.y": {"TW1": 1}}, "TW1")["iku_r"]
    assert r.actual == 1234567.0


def _problems(folder: Path) -> tuple[kinerja.Problem, ...]:
    with pytest.raises(kinerja.RuleError) as e:
        kinerja.load_plan(folder)
    return e.value.problems


@pytest.mark.parametrize(
    "key,written,code",
    [
        ("pembilang", "x +* y", "formula-syntax"),
        ("penyebut", "x +* y", "formula-syntax"),
        ("pembilang", "x + totl", "unknown-name"),
        ("penyebut", "y * totl", "unknown-name"),
        ("penyebut", "x.real", "formula-refused"),
    ],
)
def test_a_refused_part_is_reported_at_its_key_quoting_what_was_written(
    key: str, written: str, code: str, tmp_path: Path
) -> None:
    node = {"masukan": {"x": "kasus", "y": "kasus", "total": "kasus"}, "pembilang": "x", "penyebut": "y", key: written}
    problems = [p for p in _problems(_plan(tmp_path, node)) if p.severity == "error"]
    assert [p.code for p in problems] == [code]
    p = problems[0]
    assert p.path == f"sasaran[0].indikator[0].{key}", p.render("en")
    if p.position is not None:  # the caret points into the author's own text, never a pasted rumus
        assert p.formula == written
        assert 0 <= p.position < len(written)
    assert "rumus" not in p.path and "* 100" not in p.render("id") and "* 100" not in p.render("en")
    if code == "unknown-name":
        assert p.suggestions == ("total",)


def test_units_are_checked_per_part_then_on_the_composed_tree(tmp_path: Path) -> None:
    mix = {"masukan": {"x": "kasus", "y": "persen"}, "pembilang": "x + y", "penyebut": "y", "target": 1}
    problems = _problems(_plan(tmp_path / "mix", mix))
    assert [(p.code, p.path) for p in problems] == [("formula-unit-mix", "sasaran[0].indikator[0].pembilang")]
    wrong = {"masukan": {"x": "kasus", "y": "persen"}, "pembilang": "x", "penyebut": "y", "target": 1}
    problems = _problems(_plan(tmp_path / "wrong", wrong))
    assert [(p.code, p.path) for p in problems] == [("ratio-unit", "sasaran[0].indikator[0]")]
    assert "pembilang ÷ penyebut" in problems[0].message("id") and "rumus" not in problems[0].message("id")
    assert "numerator ÷ denominator" in problems[0].message("en")


# ------------------------------------------------------------------------------------ compose itself


def test_compose_folds_left_as_trees_and_renders_the_brackets_it_needs() -> None:
    a, b = parsed("a - b"), parsed("b + c")
    f, problems = fm.compose("-", a, b, -2.5)
    assert f is not None and not problems
    assert f.text == "a - b - (b + c) - -2.5"
    assert f.names == ("a", "b", "c")
    assert f.evaluate({"a": 10, "b": 1, "c": 2}) == 10 - 1 - (1 + 2) + 2.5
    g, _ = fm.compose("*", a, b)
    assert g is not None and g.text == "(a - b) * (b + c)"
    with pytest.raises(ValueError):
        fm.compose("^", a, b)
    with pytest.raises(TypeError):
        fm.compose("+", a, "1")  # type: ignore[arg-type]


def test_the_composed_tree_obeys_the_same_limits() -> None:
    # each part is within the node limit, together they are not
    wide = "sum(" + ", ".join(["a"] * fm.MAX_ARGS) + ")"
    part = parsed(" + ".join([wide] * 3 + ["sum(a, b)"]))  # 3 × 65 + 3 + 2 nodes: more than half the limit
    f, problems = fm.compose("+", part, part)
    assert f is None and [p.code for p in problems] == ["formula-refused"]
    assert "more than" in problems[0].args["detail"]
    # nesting: one part just within the depth limit, one level more when composed
    deep = "a"
    for _ in range(fm.MAX_DEPTH - 1):
        deep = f"-{deep}"
    d = parsed(deep)
    f, problems = fm.ratio(d, parsed("b"), 100, node_id="iku_x", path="sasaran[0].indikator[0]")
    assert f is None and "nested deeper" in problems[0].args["detail"]
    assert (problems[0].node_id, problems[0].path, problems[0].position) == ("iku_x", "sasaran[0].indikator[0]", None)
    # a constant out of range
    f, problems = fm.ratio(parsed("a"), parsed("b"), 1e16)
    assert f is None and "out of range" in problems[0].args["detail"]


def test_parts_with_lookup_tables_keep_them() -> None:
    def table(x: float) -> float:
        return 2.0 if x > 1 else 1.0

    num, _ = fm.parse_formula("t(a) + 1", ["a"], tables={"t": table})
    assert num is not None
    f, problems = fm.ratio(num, parsed("b"), 100)
    assert f is not None and not problems
    assert f.evaluate({"a": 5, "b": 4}) == (2.0 + 1) / 4 * 100
    assert f.evaluate_reference({"a": 5, "b": 4}) == (2.0 + 1) / 4 * 100
    assert f.evaluate_array({"a": np.array([5.0, 0.0]), "b": np.array([4.0, 4.0])}).tolist() == [75.0, 50.0]


# ------------------------------------------------------------------------------------ index display

BUNDLED = [
    ("rules/polres-banjar-2025", "fixtures/polres-banjar-2025/realisasi-2025.csv", "2025"),
    ("fixtures/contoh/rencana", "fixtures/contoh/realisasi.csv", "2025"),
    ("rules/standar/ikpa-2024", "fixtures/standar/ikpa-2024-contoh.csv", "TW4"),
    ("rules/standar/nka-2021", "fixtures/standar/nka-2021-contoh.csv", "2021"),
]


@pytest.mark.parametrize("plan_dir,data_file,period", BUNDLED, ids=[b[0] for b in BUNDLED])
def test_an_index_shows_the_formula_it_computes(plan_dir: str, data_file: str, period: str) -> None:
    """An index is computed by the weighted mean, and its formula is display only; the display is rendered
    from a tree with the exact weights, so evaluated on the components' values it gives the index value
    (it was pasted text with weights cut to 6 digits, `14.2857 × capaian(a)`, which no tool could read)."""
    root = Path(__file__).resolve().parents[1]
    plan = kinerja.load_plan(root / plan_dir)
    card = plan.score(kinerja.read_realisasi(root / data_file), period)
    checked = 0
    for node in plan.nodes:
        if node.mode != "index" or card[node.id].actual is None:
            continue
        comps = [card[c] for c in node.refs]
        if any(
            getattr(c, {"nilai": "score", "realisasi": "actual"}.get(node.index_from, "achievement")) is None
            for c in comps
        ):
            continue  # left out and reweighted: shown in the trace, not in the formula
        of = {"capaian": "achievement", "nilai": "score", "realisasi": "actual"}[node.index_from]
        tree = ast.parse(node.formula_text, mode="eval")
        assert {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} >= set(node.refs)
        shown = eval(  # noqa: S307 - our own display tree, names bound to plain numbers
            compile(tree, "<display>", "eval"),
            {"__builtins__": {}, "min": min, node.index_from: lambda x: x},
            {c: getattr(card[c], of) for c in node.refs},
        )
        assert shown == pytest.approx(card[node.id].actual, rel=1e-12, abs=1e-12), node.id
        assert ("min(" in node.formula_text) == node.cap_contribution
        checked += 1
    assert checked > 0


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.integers(1, 100).map(float) | st.just(100 / 7), st.integers(1, 20_000).map(lambda n: n / 100)),
        min_size=1,
        max_size=6,
    ),
    geometric=st.booleans(),
    cap=st.booleans(),
    src=st.sampled_from(("capaian", "nilai", "realisasi")),
)
def test_the_index_display_is_the_weighted_mean(
    parts: list[tuple[float, float]], geometric: bool, cap: bool, src: str
) -> None:
    from kinerja.compiler import index_display
    from kinerja.evaluate import _weighted_mean

    ids = [f"k{i}" for i in range(len(parts))]
    weights = [w for w, _ in parts]
    text = index_display(src, "geometrik" if geometric else "rata_tertimbang", ids, weights, cap)
    shown = eval(  # noqa: S307 - our own display tree, names bound to plain numbers
        compile(ast.parse(text, mode="eval"), "<display>", "eval"),
        {"__builtins__": {}, "min": min, src: lambda x: x},
        {i: v for i, (_, v) in zip(ids, parts, strict=True)},
    )
    used = [(w, min(v, 100.0) if cap else v) for w, v in parts]
    assert shown == pytest.approx(_weighted_mean(used, sum(weights), geometric), rel=1e-9)


@pytest.mark.parametrize(
    "node,key",
    [
        ({"jenis": "rasio", "pembilang": "x", "penyebut": "y", "rumus": "x / (x + y) * 100"}, "rumus"),
        ({"jenis": "rumus", "satuan": "persen", "rumus": "x / y * 100", "skala": 1000}, "skala"),
        ({"jenis": "rumus", "satuan": "persen", "rumus": "x / y * 100", "penyebut": "x + y"}, "penyebut"),
    ],
)
def test_a_part_the_kind_does_not_read_is_refused_not_ignored(node: dict[str, Any], key: str, tmp_path: Path) -> None:
    """A `rumus` next to pembilang/penyebut (or a `skala` on a rumus) was silently ignored: the author's
    formula was not the one computed."""
    folder = one_indicator_plan(
        tmp_path / "rencana", {"id": "iku_r", "nama": "R", "masukan": {"x": "kasus", "y": "kasus"}, **node}
    )
    problems = _problems(folder)
    assert [(p.code, p.path) for p in problems] == [("unknown-key", f"sasaran[0].indikator[0].{key}")]
