"""Hypothesis strategies (named like the values they build) and small helpers that write plans to a folder.

Plans are built as plain dicts with the rule files' own keys (`id`, `nama`, `jenis`, `target_tw` ...) and
written as TOML text, so the properties exercise the whole path: load → schema → compile → evaluate.
Realisasi are mappings in the form `read_realisasi` accepts: `{"id": {"TW1": 3, ...}}`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

QUARTERS = ("TW1", "TW2", "TW3", "TW4")
SEMANTICS = ("jumlah", "kumulatif", "tetap", "batas", "bagi_rata")
# how realisasi over several quarters combine, per sifat_periode (docs/format-aturan.md §7)
YTD_RULE = {
    "jumlah": lambda xs: math.fsum(xs),
    "kumulatif": lambda xs: xs[-1],
    "tetap": lambda xs: math.fsum(xs) / len(xs),
    "batas": lambda xs: math.fsum(xs) / len(xs),
    "bagi_rata": lambda xs: math.fsum(xs),
}
FUNCTIONS = ("min", "max", "abs", "round", "sum", "mean", "clamp", "sqrt", "geomean")

RENCANA = {
    "id": "uji",
    "nama": "Rencana uji",
    "unit_kerja": "Satuan Uji",
    "tahun": 2025,
    "periode": "triwulan",
    "bahasa": "id",
    "profil": "permenpanrb-8-2021",
}


# ------------------------------------------------------------------------------------------ TOML text


def toml_value(v: Any) -> str:
    """One TOML value (inline: strings, numbers, booleans, arrays, inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Sequence):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"no TOML for {type(v).__name__}")


def toml_key(k: str) -> str:
    return k if k.replace("_", "a").isalnum() and k.isascii() else json.dumps(k)


def goal_file_text(goals: Iterable[Mapping[str, Any]]) -> str:
    """A goal file: one `[[sasaran]]` per goal; children are written as arrays of inline tables."""
    parts = []
    for g in goals:
        lines = ["[[sasaran]]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in g.items()]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def rencana_text(**overrides: Any) -> str:
    meta = {**RENCANA, **overrides}
    return "[rencana]\n" + "\n".join(f"{k} = {toml_value(v)}" for k, v in meta.items()) + "\n"


def write_plan(
    folder: Path,
    goals: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Mapping[str, Any]]],
    **meta: Any,
) -> Path:
    """Write a plan folder: rencana.toml plus goal files. `goals` is a list (one file, 01-sasaran.toml)
    or a mapping file name → goals. Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rencana.toml").write_text(rencana_text(**meta), encoding="utf-8")
    files = goals if isinstance(goals, Mapping) else {"01-sasaran.toml": goals}
    for name, gs in files.items():
        (folder / name).write_text(goal_file_text(gs), encoding="utf-8")
    return folder


def one_indicator_plan(folder: Path, indicator: Mapping[str, Any], *others: Mapping[str, Any]) -> Path:
    """A plan with one goal holding `indicator` (and `others`)."""
    return write_plan(folder, [{"id": "ss_uji", "nama": "Sasaran uji", "indikator": [indicator, *others]}])


def fmt_plain(x: float) -> str:
    """A number as plain text ("12.5"), never in exponent notation."""
    s = f"{x:.10f}".rstrip("0").rstrip(".")
    return s or "0"


# ------------------------------------------------------------------------------------------ numbers

# Values as policy staff write them: up to two decimals, positive, never astronomically large.
HUNDREDTHS = st.integers(min_value=1, max_value=10_000_000).map(lambda n: n / 100)
POSITIVE = st.one_of(HUNDREDTHS, st.integers(min_value=1, max_value=100_000).map(float))
NONNEGATIVE = st.one_of(st.just(0.0), POSITIVE)
# any finite float of a sensible size, for the number formatting round trip
FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
QUARTER_VALUES = st.lists(POSITIVE, min_size=4, max_size=4)
POLARITY = st.sampled_from(("positif", "negatif"))
TARGET = st.one_of(
    POSITIVE,
    st.tuples(POSITIVE, POSITIVE).map(lambda t: (min(t), max(t))),  # a range [bawah, atas]
)


# ------------------------------------------------------------------------------------------ nodes


@st.composite
def _indicator(draw: st.DrawFn, node_id: str = "iku_a", weight: float | None = None) -> dict[str, Any]:
    kind, unit = draw(
        st.sampled_from((("jumlah", "giat"), ("langsung", "persen"), ("batas", "menit"), ("jumlah", "pers")))
    )
    d: dict[str, Any] = {
        "id": node_id,
        "nama": f"Indikator {node_id}",
        "jenis": kind,
        "satuan": unit,
        "sifat_periode": draw(st.sampled_from(SEMANTICS)),
        "polaritas": draw(POLARITY),
        "target_tw": [fmt_plain(x) for x in draw(QUARTER_VALUES)],
    }
    if weight is not None:
        d["bobot"] = weight
    return d


def indicator(node_id: str = "iku_a", weight: float | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """INDICATOR with a chosen id (and weight, for an index component)."""
    return _indicator(node_id, weight)


INDICATOR = indicator()


@st.composite
def _weights(draw: st.DrawFn, n: int) -> list[int]:
    """n positive integer weights adding up to 100."""
    cuts = draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True))
    edges = [0, *sorted(cuts), 100]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


WEIGHTS = st.integers(2, 6).flatmap(_weights)


@st.composite
def _index(draw: st.DrawFn, methods: tuple[str, ...] = ("rata_tertimbang", "geometrik")) -> dict[str, Any]:
    """INDEX: an `indeks` indicator whose components are direct indicators with weights adding up to 100."""
    weights = draw(WEIGHTS)
    comps = [draw(indicator(f"iku_k{i}", float(w))) for i, w in enumerate(weights)]
    return {
        "id": "iku_indeks",
        "nama": "Indeks uji",
        "jenis": "indeks",
        "metode": draw(st.sampled_from(methods)),
        "target_tw": ["100", "100", "100", "100"],
        "sifat_periode": "tetap",
        "indikator": comps,
    }


INDEX = _index()
WEIGHTED_MEAN_INDEX = _index(("rata_tertimbang",))


def quarter_realisasi(present: Sequence[bool] | None = None) -> st.SearchStrategy[dict[str, float]]:
    """Realisasi of one node: quarter → value (only the quarters marked present)."""
    mask = st.just(list(present)) if present is not None else st.lists(st.booleans(), min_size=4, max_size=4)
    return st.tuples(mask, QUARTER_VALUES).map(
        lambda t: {q: v for q, ok, v in zip(QUARTERS, t[0], t[1], strict=True) if ok}
    )


FULL_REALISASI = quarter_realisasi([True] * 4)


@st.composite
def _plan(
    draw: st.DrawFn, index: st.SearchStrategy[dict[str, Any]] = INDEX
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """PLAN with its REALISASI: a goal with an index (and its components) plus a free-standing indicator."""
    idx = draw(index)
    other = draw(indicator("iku_lain"))
    goals = [{"id": "ss_uji", "nama": "Sasaran uji", "indikator": [idx, other]}]
    data = {c["id"]: draw(FULL_REALISASI) for c in idx["indikator"]}
    data["iku_lain"] = draw(FULL_REALISASI)
    return goals, data


PLAN = _plan()
WEIGHTED_MEAN_PLAN = _plan(WEIGHTED_MEAN_INDEX)
PERIOD = st.sampled_from(("TW1", "TW2", "TW3", "TW4", "sd-TW2", "sd-TW3", "sd-TW4", "2025"))


# ------------------------------------------------------------------------------------------ formulas

NAMES = ("a", "b", "c")
NUMBER_TEXT = st.one_of(
    st.integers(0, 1000).map(str),
    st.integers(0, 100_000).map(lambda n: f"{n / 100:g}"),
)


def formula(names: Sequence[str] = NAMES, max_leaves: int = 10, booleans: bool = True) -> st.SearchStrategy[str]:
    """FORMULA: valid expressions of the formula language over `names` (small exponents only).

    With `booleans=False`, comparisons, `and`, `or` and `not` appear only as the condition of `a if c else b`,
    never as a number (the numpy evaluator treats truth values differently from Python).
    """
    leaf = st.one_of(st.sampled_from(list(names)), NUMBER_TEXT)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binop = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "//"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        power = st.tuples(inner, st.sampled_from(["2", "3", "0.5", "-1", "1"])).map(lambda t: f"({t[0]}) ** {t[1]}")
        negate = st.tuples(st.sampled_from(["-", "+"]), inner).map(lambda t: f"{t[0]}({t[1]})")
        compare = st.tuples(inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        boolop = st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        logical_not = inner.map(lambda x: f"(not ({x}))")
        if booleans:
            condition = inner
        else:
            condition = st.one_of(
                compare,
                st.tuples(compare, st.sampled_from(["and", "or"]), compare).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
                compare.map(lambda x: f"(not {x})"),
            )
        ifexp = st.tuples(inner, condition, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})")
        call = st.one_of(
            st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=4)),
            st.tuples(st.sampled_from(["sum", "mean", "geomean"]), st.lists(inner, min_size=1, max_size=4)),
            st.tuples(st.sampled_from(["abs", "sqrt", "round"]), st.lists(inner, min_size=1, max_size=1)),
            st.tuples(st.just("clamp"), st.lists(inner, min_size=3, max_size=3)),
        ).map(lambda t: f"{t[0]}({', '.join(t[1])})")
        parts = [binop, power, negate, ifexp, call]
        if booleans:
            parts += [compare, boolop, logical_not]
        return st.one_of(*parts)

    return st.recursive(leaf, extend, max_leaves=max_leaves)


FORMULA = formula(booleans=False)  # true/false values only as conditions: the language refuses the rest
ARITHMETIC_FORMULA = formula(booleans=False)

# Pieces of the language, pieces of Python it refuses, and plain junk, glued together at random.
TOKENS = (
    *NAMES, *FUNCTIONS, "0", "1", "2.5", "1e3", "1e999", "1_000", "0x1f", "1j", "16", "100000000000000000",
    "+", "-", "*", "/", "%", "//", "**", "<", "<=", ">", ">=", "==", "!=", "<<", ">>", "&", "|", "^", "~", "@",
    "(", ")", ",", ".", ":", ":=", "=", "!", "?", "and", "or", "not", "if", "else", "in", "is", "lambda", "for",
    "import", "yield", "await", "None", "True", "False", "__class__", "__import__", "os", "'", '"', "`", ";",
    "[", "]", "{", "}", "\\", "\n", "\t", " ", "\x00", "\x0c", "\u200b", "а", "ａ", "٣", "#", "9" * 400,
)  # fmt: skip
JUNK_FORMULA = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=15).map("".join),
    FORMULA.flatmap(
        lambda f: st.tuples(st.integers(0, len(f)), st.sampled_from(TOKENS)).map(lambda t: f[: t[0]] + t[1] + f[t[0] :])
    ),
    st.text(max_size=40),
)


# ------------------------------------------------------------------------------------------ equivalence plans
# Plans for the path-equivalence test (tests/test_equivalence.py): every kind of node and every rule that can
# make the per-unit and the batch path part ways. `spec` = (plan meta, goals, included rule set or None).

TARGET_TEXT = st.one_of(
    st.sampled_from(["-", "0", "1", "3", "50", "100"]),
    st.integers(1, 300).map(str),
    HUNDREDTHS.filter(lambda x: x < 400).map(fmt_plain),
)
AGGREGATION = st.sampled_from(("jumlah", "terakhir", "rata_rata", "maksimum", "minimum"))
COUNT_OR_NOT = st.sampled_from(("giat", "kasus", "persen", "menit", "poin"))


def _targets(draw: st.DrawFn, periods: int, gaps: bool = True) -> dict[str, Any]:
    """target_tw (with gaps: a period without target) and sometimes an annual target or range."""
    d: dict[str, Any] = {}
    text = TARGET_TEXT if gaps else TARGET_TEXT.filter(lambda t: t != "-")
    d["target_tw"] = draw(st.lists(text, min_size=periods, max_size=periods))
    annual = draw(st.sampled_from(("none", "number", "range")))
    if annual == "number":
        d["target"] = draw(st.integers(1, 300))
    elif annual == "range":
        lo = draw(st.integers(1, 200))
        d["target"] = [lo, lo + draw(st.integers(0, 100))]
    return d


@st.composite
def _table_steps(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A lookup table (`tabel`): 1-4 steps with bounds, sometimes a catch-all step at the end."""
    bounds = ("lebih_dari", "minimal", "kurang_dari", "maksimal", "sama_dengan")
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(bounds))
        steps.append(
            {key: draw(st.sampled_from([0, 1, 2, 5, 50, 100])), "nilai": draw(st.sampled_from([0, 25, 50, 100, 110]))}
        )
    if draw(st.booleans()):
        steps.append({"nilai": draw(st.sampled_from([0, 10, 75]))})
    return steps


@st.composite
def _equivalence_plan(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    monthly_plan = draw(st.booleans()) if draw(st.integers(0, 3)) == 0 else False
    n = 12 if monthly_plan else 4
    meta = {"periode": "bulan" if monthly_plan else "triwulan"}

    def direct(node_id: str, weight: float | None = None) -> dict[str, Any]:
        kind, unit = draw(
            st.sampled_from((("jumlah", "giat"), ("langsung", "persen"), ("batas", "menit"), ("jumlah", "pers")))
        )
        d = {
            "id": node_id,
            "nama": f"Indikator {node_id}",
            "jenis": kind,
            "satuan": unit,
            "sifat_periode": draw(st.sampled_from(SEMANTICS)),
            "polaritas": draw(POLARITY),
            **_targets(draw, n),
        }
        if draw(st.integers(0, 3)) == 0:
            d["agregasi"] = draw(AGGREGATION)
        if weight is not None:
            d["bobot"] = weight
        return d

    weights = draw(WEIGHTS)
    index = {
        "id": "iku_indeks",
        "nama": "Indeks",
        "jenis": "indeks",
        "metode": draw(st.sampled_from(("rata_tertimbang", "geometrik"))),
        "dari": draw(st.sampled_from(("capaian", "nilai", "realisasi"))),
        "batas_kontribusi": draw(st.booleans()),
        "sifat_periode": "tetap",
        **_targets(draw, n, gaps=False),
        "indikator": [direct(f"iku_k{i}", float(w)) for i, w in enumerate(weights)],
    }
    table = {
        "id": "iku_tabel",
        "nama": "Nilai menurut tabel",
        "jenis": "rumus",
        "satuan": "poin",
        "rumus": draw(
            st.sampled_from(("nilai_t(a / b * 100)", "nilai_t(a - b)", "nilai_t(a) + nilai_t(b)", "nilai_t(a / b) * 2"))
        ),
        "masukan": dict.fromkeys(("a", "b"), draw(COUNT_OR_NOT)),
        "tabel": {"nilai_t": draw(_table_steps())},
        "sifat_periode": draw(st.sampled_from(SEMANTICS)),
        **_targets(draw, n),
    }
    months = {
        "id": "iku_bulanan",
        "nama": "Serapan dari data bulanan",
        "jenis": "rasio",
        "satuan": "persen",
        "pembilang": "realisasi",
        "penyebut": "pagu",
        "masukan": {
            "realisasi": {"satuan": "juta_rupiah", "periode": "bulan", "agregasi": draw(AGGREGATION)},
            "pagu": {"satuan": "juta_rupiah", **({"nilai": 1200} if draw(st.booleans()) else {})},
        },
        "sifat_periode": draw(st.sampled_from(SEMANTICS)),
        **_targets(draw, n),
    }
    per_period = {
        "id": "iku_per_periode",
        "nama": "Dihitung per periode",
        "jenis": "rumus",
        "satuan": "persen",
        "rumus": draw(
            st.sampled_from(("min(x / y * 100, 120)", "nilai_p(x - y) if y > 0 else 0", "(x - y) / y * 100"))
        ),
        "masukan": {"x": "giat", "y": {"satuan": "giat", **({"nilai": 4} if draw(st.booleans()) else {})}},
        "hitung_per_periode": True,
        "tabel": {"nilai_p": draw(_table_steps())},
        "sifat_periode": draw(st.sampled_from(SEMANTICS)),
        **_targets(draw, n),
    }
    if draw(st.booleans()):
        per_period["agregasi"] = draw(AGGREGATION)
    free = {
        "id": "iku_bebas",
        "nama": "Rumus bebas",
        "jenis": "rumus",
        "satuan": "poin",
        "rumus": draw(formula(("a", "b", "iku_tabel"), max_leaves=6, booleans=False)),
        "masukan": {"a": "poin", "b": "poin"},
        "sifat_periode": draw(st.sampled_from(SEMANTICS)),
        **_targets(draw, n),
    }
    nodes = [index, table, months, per_period, free]
    included = None
    if not monthly_plan and draw(st.booleans()):
        nodes.append(
            {
                "id": "iku_sertakan",
                "nama": "Nilai dari aturan standar",
                "jenis": "rumus",
                "satuan": "poin",
                "sifat_periode": "tetap",
                **_targets(draw, n),
                "sertakan": {"aturan": "standar/mini", "versi": "v1"},
            }
        )
        included = {
            "steps": draw(_table_steps()),
            "method": draw(st.sampled_from(("rata_tertimbang", "geometrik"))),
        }
    goals = [{"id": "ss_uji", "nama": "Sasaran uji", "indikator": nodes}]
    return meta, goals, included  # fmt: skip


EQUIVALENCE_PLAN = _equivalence_plan()


def write_equivalence_plan(
    folder: Path, spec: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]
) -> Path:
    """Write an EQUIVALENCE_PLAN to `folder`/rencana (and its included rule set to `folder`/standar/mini)."""
    meta, goals, included = spec
    plan = write_plan(folder / "rencana", goals, **meta)
    if included is not None:
        mini = folder / "standar" / "mini"
        mini.mkdir(parents=True)
        (mini / "rencana.toml").write_text(
            rencana_text(id="mini", nama="Aturan standar uji", versi="v1", hasil="mini_hasil"), encoding="utf-8"
        )
        nodes = [
            {
                "id": "mini_hasil",
                "nama": "Hasil",
                "jenis": "indeks",
                "metode": included["method"],
                "dari": "realisasi",
                "satuan": "poin",
                "indikator": [
                    {"id": "mini_a", "nama": "A", "jenis": "langsung", "satuan": "poin", "bobot": 60},
                    {
                        "id": "mini_b",
                        "nama": "B",
                        "jenis": "rumus",
                        "satuan": "poin",
                        "bobot": 40,
                        "rumus": "nilai_m(jumlah)",
                        "masukan": {"jumlah": "kasus"},
                        "tabel": {"nilai_m": included["steps"]},
                    },
                ],
            },
        ]
        (mini / "01-mini.toml").write_text(
            goal_file_text([{"id": "mini", "nama": "Mini", "indikator": nodes}]), encoding="utf-8"
        )
    return plan  # fmt: skip


def data_keys(plan: Any) -> list[tuple[str, bool]]:
    """Every key a unit reports, and whether it is monthly."""
    keys = []
    for n in plan.nodes:
        if n.mode == "direct":
            keys.append((n.id, False))
        for name, inp in n.inputs.items():
            keys.append((f"{n.id}.{name}", inp.monthly))
    return keys
