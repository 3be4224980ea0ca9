"""Compiled semantics, described: every setting of a compiled node (and of the plan) that can move a number.

`describe(node, plan)` turns a compiled `Node` and its effective `Profile` (after the node's `penilaian`
overrides) into one flat, deterministic mapping `key → value`; `describe_plan(plan)` does the same for the
plan-level settings (identity, periods, units, included rule sets, the plan's profile). The catalogue prints
these descriptions and `diff` compares them, so both show exactly the settings the evaluator reads: a setting
that can move a number and is not described here is a bug (tests/test_audit_coverage.py mutates every key of
the schema and checks that `diff` and the catalogue see it).

Keys use the vocabulary of the rule files (`masukan.penduduk.agregasi`, `penilaian.pembulatan.mode`),
so policy staff recognise what they wrote; `label(key, lang)` gives the English reading. Values are plain
(str, int, float, bool, None, tuples of those) or `Written`: a value compared by meaning and shown as written
(targets as in the rule file, formulas compared by syntax tree and shown as written).
"""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .choices import NEGATIVE_METHOD_WORDS as NEGATIVE_METHODS
from .choices import Mode, NegativeMethod, Polarity
from .profile import ROUNDING_MODES, Profile

if TYPE_CHECKING:
    from .compiler import Node
    from .plan import Plan


@dataclass(frozen=True)
class Written:
    """A setting compared by `value` (its meaning) and shown as `text` (as written).

    `formula` marks text that is a formula (renderers show it in math notation).
    """

    value: Any
    text: str = field(compare=False)
    formula: bool = field(default=False, compare=False)


def formula_setting(text: str | None, tree: ast.AST | None = None) -> Written:
    """A formula compared by its syntax tree (spaces and redundant parentheses do not count)."""
    if not text:
        return Written("", "")
    if tree is None:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError):
            return Written(" ".join(text.split()), text, formula=True)
    return Written(ast.dump(tree.body if isinstance(tree, ast.Expression) else tree), text, formula=True)


def _number_text(x: float | None) -> str:
    """A number exactly, language-neutral: 1200000 (never 1.2e+06), 0.1, -inf; "-" for None."""
    if x is None:
        return "-"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def _bounds(b: Any, var: str) -> tuple[tuple[float | None, ...], str]:
    """The bounds a band or table step writes, as a comparable tuple and language-neutral text."""
    value = (b.above, b.at_least, b.below, b.at_most, b.equals)
    parts = [
        f"{var} {op} {_number_text(x)}"
        for op, x in zip((">", "≥", "<", "≤", "="), value, strict=True)
        if x is not None  # a bound not written always holds
    ]
    return value, ", ".join(parts) or var


# ------------------------------------------------------------------------------------------- profile


# id(profile) -> (a weak reference that proves the id still names that profile, its description)
_DESCRIBED: dict[int, tuple[weakref.ref[Profile], dict[str, Any]]] = {}


def describe_profile(profile: Profile) -> dict[str, Any]:
    """Every setting of a scoring profile that can move a number, keyed as in the profile file.

    Built once per compiled profile (nodes with the same `penilaian` share one); a fresh dict is returned.
    """
    key = id(profile)
    cached = _DESCRIBED.get(key)
    if cached is None or cached[0]() is not profile:

        def forget(_: object) -> None:
            _DESCRIBED.pop(key, None)

        cached = (weakref.ref(profile, forget), _describe(profile))
        _DESCRIBED[key] = cached
    return dict(cached[1])


def _describe(profile: Profile) -> dict[str, Any]:
    spec = profile.spec
    a, r = spec.achievement, spec.rounding
    d: dict[str, Any] = {
        "capaian.positif": formula_setting(a.positive, profile.positive.tree),
        "capaian.negatif": formula_setting(a.negative, profile.negative.tree),
        "capaian.negatif_invers": formula_setting(a.negative_inverse, profile.negative_inverse.tree),
        "capaian.metode_negatif": Written(
            NEGATIVE_METHODS.get(a.negative_method, a.negative_method), a.negative_method
        ),
        "capaian.rentang": a.range_rule,
        "capaian.batas_atas": a.cap,
        "capaian.batas_bawah": a.floor,
        "pembulatan.mode": Written(_rounding_name(r.mode), r.mode),
        "pembulatan.desimal": r.decimals,
        "pembulatan.realisasi_dulu": r.actual_first,
        "pembulatan.sebelum_pita": r.before_bands,
    }
    for i, band in enumerate(profile.bands):
        value, text = _bounds(band.spec, "C")
        d[f"nilai.pita[{i}].batas"] = Written(value, text)
        d[f"nilai.pita[{i}].rumus"] = formula_setting(band.spec.formula, band.formula.tree)
    d["nilai.nilai_target_maksimal"] = spec.score.max_target_score
    d["predikat.dari"] = spec.grades.of
    for i, step in enumerate(spec.grades.steps):
        words = step.grade + (f" / {step.grade_en}" if step.grade_en else "")
        d[f"predikat.skala[{i}].predikat"] = Written((step.grade, step.grade_en), words)
        d[f"predikat.skala[{i}].minimal"] = step.at_least
    return d


def _rounding_name(mode: str) -> str:
    fn = ROUNDING_MODES.get(mode)
    return fn.__name__ if fn is not None else mode  # "setengah_ke_atas" and "half-up" are one rule


_PROFILE_FORMULAS = ("capaian.positif", "capaian.negatif", "capaian.negatif_invers")


def scoring_settings(profile: Profile, polarity: str, method: str | None) -> dict[str, Any]:
    """The effective scoring of one node (`penilaian.*`): the capaian formula its polarity and method
    select, then every other setting of its profile (after the node's overrides)."""
    full = describe_profile(profile)
    meth = NEGATIVE_METHODS.get(method or profile.spec.achievement.negative_method)
    used = (
        "capaian.positif"
        if polarity == Polarity.POSITIVE
        else "capaian.negatif_invers"
        if meth == NegativeMethod.INVERSE
        else "capaian.negatif"
    )
    d: dict[str, Any] = {"penilaian.rumus_capaian": full[used]}
    for key, value in full.items():
        if key in _PROFILE_FORMULAS or (key == "capaian.metode_negatif" and polarity == Polarity.POSITIVE):
            continue  # the formula not selected, and the method of a positive node, cannot move its number
        d[f"penilaian.{key}"] = value
    return d


# ------------------------------------------------------------------------------------------- nodes

PROFILE_PREFIX = "penilaian."


def _table_names(node: Node) -> list[str]:
    """The lookup tables the node's formula calls (sorted)."""
    if node.formula is None or not node.tables:
        return []
    called = {
        n.func.id
        for n in ast.walk(node.formula.tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in node.tables
    }
    return sorted(called)


def describe(node: Node, plan: Plan | None = None) -> dict[str, Any]:
    """Every setting of one compiled node that can move a number (and its identity), flat and ordered.

    The profile part is the node's effective profile after its `penilaian` overrides (keys `penilaian.*`).
    """
    d: dict[str, Any] = {
        "nama": node.name,
        "tingkat": node.level,
        "induk": node.parent,
        "nomor": node.number,
        "penanggung_jawab": node.owner,
    }
    if node.included_from:
        d["sertakan"] = node.included_from
    if node.mode == Mode.GROUP:
        return d  # a heading: no target, nothing scored
    d["jenis"] = node.kind
    d["satuan"] = node.unit
    d["target"] = Written(node.target, node.target_text or _target_text(node.target))
    periods = plan.periods if plan is not None else tuple(node.period_targets)
    for p in periods:
        v = node.period_targets.get(p)
        d[f"target_tw.{p}"] = Written(v, node.period_targets_text.get(p) or _number_text(v))
    d["sifat_periode"] = node.semantics
    d["agregasi"] = node.aggregation
    d["polaritas"] = node.polarity
    if node.mode == Mode.FORMULA:
        d["rumus"] = formula_setting(node.formula_text, node.formula.tree if node.formula else None)
        d["hitung_per_periode"] = node.per_period
        plan_periods = plan.meta.periods if plan is not None else "triwulan"
        for name in sorted(node.inputs):
            inp = node.inputs[name]
            d[f"masukan.{name}.satuan"] = inp.unit_label
            d[f"masukan.{name}.nilai"] = inp.value
            if inp.value is None:  # read from the data: per month or per quarter, and how periods combine
                d[f"masukan.{name}.periode"] = "bulan" if inp.monthly else plan_periods
                d[f"masukan.{name}.agregasi"] = inp.aggregation or node.aggregation
        for name in _table_names(node):
            for i, step in enumerate(node.tables[name].steps):
                value, text = _bounds(step, "x")
                d[f"tabel.{name}[{i}]"] = Written((value, step.value), f"{text} → {_number_text(step.value)}")
    elif node.mode == Mode.INDEX:
        # the components and their weights, as the index formula shows them (compared by number, not by text)
        key = (node.refs, node.weights, node.index_from, node.index_method)
        d["rumus"] = Written(key, node.formula_text or "", formula=True)  # display text rendered from a tree
        d["indeks.dari"] = node.index_from
        d["indeks.metode"] = node.index_method
        d["indeks.batas_kontribusi"] = node.cap_contribution
        from .evaluate import min_coverage  # the node's own, else the plan's, else the default: what is applied

        d["indeks.cakupan_minimal"] = min_coverage(plan, node)
    d["bobot"] = node.weight
    d["target_maksimal"] = node.max_target
    if node.profile is not None:
        d.update(scoring_settings(node.profile, node.polarity, node.method))
    return d


def _target_text(target: Any) -> str:
    if isinstance(target, tuple):
        return f"{_number_text(target[0])} – {_number_text(target[1])}"
    return _number_text(target)


def overrides(node: Node, plan: Plan, described: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `penilaian.*` settings of a node that differ from what the plan's profile gives it."""
    d = described if described is not None else describe(node, plan)
    default = scoring_settings(plan.profile, node.polarity, None)
    return {k: v for k, v in d.items() if k.startswith(PROFILE_PREFIX) and default.get(k, _MISSING) != v}


_MISSING = object()


# ------------------------------------------------------------------------------------------- plan


def describe_plan(plan: Plan) -> dict[str, Any]:
    """The plan-level settings: identity, periods, language, units, included rule sets, signature, and
    every setting of the plan's scoring profile (keys `profil.*`)."""
    m = plan.meta
    d: dict[str, Any] = {
        "rencana.id": m.id,
        "rencana.nama": m.name,
        "rencana.unit_kerja": m.unit_name,
        "rencana.unit_induk": m.parent_unit,
        "rencana.tahun": m.year,
        "rencana.periode": Written(tuple(plan.periods), m.periods),
        "rencana.bahasa": m.language,
        "rencana.versi": m.version,
        "rencana.hasil": m.result,
        "rencana.cakupan_minimal": m.min_coverage,
        "rencana.satuan": Written(plan.units.digest, _units_text(plan)),
    }
    s = m.signature
    if s is not None:
        d["rencana.pengesahan.tempat"] = s.place
        d["rencana.pengesahan.tanggal"] = str(s.date) if s.date is not None else None
        d["rencana.pengesahan.penandatangan"] = s.signer
        d["rencana.pengesahan.jabatan"] = s.title
        d["rencana.pengesahan.nama"] = s.name
        d["rencana.pengesahan.paraf"] = tuple(s.initials)
    for i, inc in enumerate(plan.included):
        d[f"rencana.sertakan[{i}]"] = f"{inc['node']} ← {inc['rules']} ({inc['id']}@{inc.get('version') or '-'})"
    d["rencana.profil"] = m.profile
    d["profil.id"] = plan.profile.spec.id
    d["profil.nama"] = plan.profile.spec.name
    d.update({f"profil.{k}": v for k, v in describe_profile(plan.profile).items()})
    return d


def _units_text(plan: Plan) -> str:
    """Which unit definitions the plan reads, and their fingerprint (base units plus the plan's own)."""
    own = plan.meta.units_file or ("satuan.txt" if (plan.folder / "satuan.txt").is_file() else "")
    return f"{own + ' + ' if own else ''}bawaan/built-in (sha256 {plan.units.digest[:12]})"


# ------------------------------------------------------------------------------------------- labels

# rule keys (Indonesian) → English, for labels of settings; a segment not listed (an id, a name) stays as is
WORDS: dict[str, str] = {
    "nama": "name",
    "tingkat": "level",
    "induk": "parent",
    "nomor": "number",
    "penanggung_jawab": "responsible officer",
    "sertakan": "included from",
    "jenis": "kind",
    "satuan": "unit",
    "target": "target",
    "target_tw": "target",
    "sifat_periode": "period semantics",
    "agregasi": "aggregation",
    "polaritas": "polarity",
    "bobot": "weight",
    "target_maksimal": "maximum target",
    "rumus": "formula",
    "hitung_per_periode": "computed per period",
    "masukan": "input",
    "nilai": "value",
    "periode": "period",
    "tabel": "table",
    "indeks": "index",
    "dari": "from",
    "metode": "method",
    "batas_kontribusi": "contribution cap",
    "cakupan_minimal": "minimum coverage",
    "penilaian": "scoring",
    "rumus_capaian": "achievement formula",
    "capaian": "achievement",
    "positif": "positive",
    "negatif": "negative",
    "negatif_invers": "negative, inverse",
    "metode_negatif": "negative method",
    "rentang": "range target",
    "batas_atas": "cap",
    "batas_bawah": "floor",
    "pembulatan": "rounding",
    "mode": "mode",
    "desimal": "decimals",
    "realisasi_dulu": "actual first",
    "sebelum_pita": "before bands",
    "pita": "band",
    "batas": "bounds",
    "nilai_target_maksimal": "maximum target score",
    "predikat": "grade",
    "skala": "scale",
    "minimal": "at least",
    "rencana": "plan",
    "unit_kerja": "organisation unit",
    "unit_induk": "parent unit",
    "tahun": "year",
    "bahasa": "language",
    "versi": "version",
    "hasil": "result",
    "pengesahan": "signature",
    "tempat": "place",
    "tanggal": "date",
    "penandatangan": "signer",
    "jabatan": "title",
    "paraf": "initials",
    "profil": "profile",
    "id": "id",
}

_SEGMENT = re.compile(r"([a-z_]+)(\[\d+\])?")


def label(key: str, lang: str = "id") -> str:
    """A setting's label: the rule key itself in Indonesian, the same key read in English."""
    if lang != "en":
        return key
    out = []
    for seg in key.split("."):
        m = _SEGMENT.fullmatch(seg)
        if m is None:
            out.append(seg)
        else:
            out.append(WORDS.get(m.group(1), m.group(1)) + (m.group(2) or ""))
    return ".".join(out)
