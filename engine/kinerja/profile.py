"""Compile phase, scoring profiles: capaian formulas per polarity, range rule, cap and floor, rounding,
capaian → nilai bands and the predicate scale — all read from TOML, compiled once into a `Profile`.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .choices import NEGATIVE_METHOD_WORDS, POLARITY_WORDS, NegativeMethod, Polarity
from .errors import Problem, RuleError, close_matches, unknown_choice
from .formula import Formula, parse_formula
from .loader import read_toml, validate
from .numbers import round_half_up, round_half_up_array, truncate, truncate_array
from .schema import OVERRIDABLE, AchievementRules, Band, ProfileFile, ProfileSpec, RoundingRules

# the rule-file words for polarity and negative method, in both languages: defined once in `choices`
POLARITIES = POLARITY_WORDS
NEGATIVE_METHODS = NEGATIVE_METHOD_WORDS
ROUNDING_MODES = {"setengah_ke_atas": round_half_up, "half-up": round_half_up, "potong": truncate, "truncate": truncate}
RANGE_RULES = ("batas_terdekat",)
# the array twin of each rounding function: `rounding_array` finds it, so a mode without one fails at once
ARRAY_ROUNDING = {round_half_up: round_half_up_array, truncate: truncate_array}
# the bounds a band or a table step may write, as (attribute, test); `holds`, `holds_array` and the generated
# scorer (`_BOUND_TESTS`) read the same five
BOUNDS: tuple[tuple[str, Callable[[Any, float], Any]], ...] = (
    ("above", operator.gt),
    ("at_least", operator.ge),
    ("below", operator.lt),
    ("at_most", operator.le),
    ("equals", operator.eq),
)


class ScoringError(ValueError):
    """A capaian or nilai cannot be computed (zero target, no band...); the node gets status 'error'."""


def holds(bounds: Any, x: float) -> bool:
    """Whether x satisfies every bound a band or a table step writes (lebih_dari, minimal, kurang_dari,
    maksimal, sama_dengan); a bound not written always holds."""
    for attr, test in BOUNDS:
        v = getattr(bounds, attr)
        if v is not None and not test(x, v):
            return False
    return True


def holds_array(bounds: Any, x: Any) -> Any:
    """`holds` over a numpy array, row by row: the same bounds (`BOUNDS`), and False where x is NaN, as every
    comparison with NaN is."""
    out = x == x  # noqa: PLR0124 - False exactly where x is NaN
    for attr, test in BOUNDS:
        v = getattr(bounds, attr)
        if v is not None:
            out &= test(x, v)
    return out


@dataclass(frozen=True)
class CompiledBand:
    spec: Band
    formula: Formula
    label: str = ""

    def contains(self, c: float) -> bool:
        return holds(self.spec, c)

    def describe(self) -> str:
        s = self.spec
        parts = []
        if s.above is not None:
            parts.append(f"C > {s.above:g}")
        if s.at_least is not None:
            parts.append(f"C ≥ {s.at_least:g}")
        if s.below is not None:
            parts.append(f"C < {s.below:g}")
        if s.at_most is not None:
            parts.append(f"C ≤ {s.at_most:g}")
        if s.equals is not None:
            parts.append(f"C = {s.equals:g}")
        return ", ".join(parts) or "C"  # language-neutral: read in Indonesian and English reports


@dataclass(frozen=True)
class Profile:
    """A compiled scoring profile. Immutable; `with_overrides` returns a new one for a node's `penilaian`."""

    spec: ProfileSpec
    positive: Formula = field(repr=False)
    negative: Formula = field(repr=False)
    negative_inverse: Formula = field(repr=False)
    bands: tuple[CompiledBand, ...] = field(repr=False)
    _scorers: dict[tuple[Any, ...], Callable[..., Any]] = field(repr=False, compare=False, default_factory=dict)
    _overridden: dict[tuple[Any, ...], Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id

    # ------------------------------------------------------------ capaian
    def achievement(
        self,
        target: float | tuple[float, float],
        actual: float,
        polarity: str = "positive",
        method: str | None = None,
        rounding: str | None = None,
    ) -> float:
        """Capaian (%) of `actual` against `target` (a number or a (low, high) range).

        Args:
            polarity: "positive"/"positif" (higher is better) or "negative"/"negatif".
            method: None (the profile's), "standard"/"standar" or "inverse"/"invers" (T / R) for negative.
            rounding: None (the profile's) or "half-up:N" / "truncate:N".

        Raises:
            ScoringError: zero target (or zero realisasi with the inverse method), or unknown options.
        """
        return self._achievement(target, actual, polarity, method, rounding, None)

    def achievement_traced(
        self,
        target: float | tuple[float, float],
        actual: float,
        polarity: str = "positive",
        method: str | None = None,
        rounding: str | None = None,
    ) -> tuple[float, list[dict[str, Any]]]:
        """`achievement` plus the trace steps that explain it."""
        steps: list[dict[str, Any]] = []
        return self._achievement(target, actual, polarity, method, rounding, steps), steps

    def _achievement(
        self,
        target: float | tuple[float, float],
        actual: float,
        polarity: str,
        method: str | None,
        rounding: str | None,
        steps: list[dict[str, Any]] | None,
    ) -> float:
        pol = POLARITIES.get(polarity)
        if pol is None:
            raise ScoringError(f"unknown polarity '{polarity}'; choices: positif, negatif")
        meth = NEGATIVE_METHODS.get(method or self.spec.achievement.negative_method)
        if meth is None:
            raise ScoringError(f"unknown method '{method}'; choices: standar, invers")
        rnd, decimals = self._rounding(rounding)
        if self.spec.rounding.actual_first:
            actual = rnd(actual, decimals)
            if steps is not None:
                steps.append({"step": "round_actual", "value": actual, "decimals": decimals})
        if isinstance(target, tuple | list):
            low, high = float(target[0]), float(target[1])
            if low > high:
                low, high = high, low
            if low <= actual <= high:
                if steps is not None:
                    steps.append({"step": "range", "rule": "inside the range → 100", "range": [low, high]})
                return 100.0
            t = low if actual < low else high
            if steps is not None:
                steps.append(
                    {"step": "range", "rule": "outside the range → nearest bound", "range": [low, high], "T": t}
                )
        else:
            t = float(target)
        f = self.capaian_formula(pol, meth)
        try:
            c = f.function(("R", "T"))(actual, t)
        except ZeroDivisionError:
            raise ScoringError("division by zero (target or realisasi is 0)") from None
        except OverflowError:
            raise ScoringError("capaian is not a finite number") from None
        if steps is not None:
            steps.append({"step": "achievement", "formula": f.text, "R": actual, "T": t, "value": c, "polarity": pol})
        a = self.spec.achievement
        if a.cap is not None and c > a.cap:
            if steps is not None:
                steps.append({"step": "cap", "limit": a.cap, "before": c})
            c = a.cap
        if a.floor is not None and c < a.floor:
            if steps is not None:
                steps.append({"step": "floor", "limit": a.floor, "before": c})
            c = a.floor
        rounded = rnd(c, decimals)
        if steps is not None and rounded != c:
            steps.append({"step": "round", "mode": rnd.__name__, "decimals": decimals, "before": c})
        return rounded

    def capaian_formula(self, polarity: str, method: str | None = None) -> Formula:
        """The capaian formula for a polarity and a negative method (either language; None: the profile's).

        Raises ScoringError for an unknown polarity or method."""
        pol = POLARITIES.get(polarity)
        meth = NEGATIVE_METHODS.get(method or self.spec.achievement.negative_method)
        if pol is None or meth is None:
            raise ScoringError(f"unknown polarity '{polarity}' or method '{method}'")
        if pol == Polarity.POSITIVE:
            return self.positive
        return self.negative_inverse if meth == NegativeMethod.INVERSE else self.negative

    def rounding_array(self) -> tuple[Callable[[Any, int], Any], int]:
        """The profile's rounding over numpy arrays: the array twin of the scalar function, and the places."""
        fn, decimals = self._rounding(None)
        return ARRAY_ROUNDING[fn], decimals

    def actual_used(self, actual: float) -> float:
        """The realisasi a capaian is computed from: rounded first when the profile says `realisasi_dulu`
        (the same step `achievement` takes), else `actual` itself."""
        if not self.spec.rounding.actual_first:
            return actual
        rnd, decimals = self._rounding(None)
        return float(rnd(actual, decimals))

    def _rounding(self, rounding: str | None) -> tuple[Any, int]:
        if rounding is None:
            mode, decimals = self.spec.rounding.mode, self.spec.rounding.decimals
        else:
            mode, _, d = rounding.partition(":")
            try:
                decimals = int(d or 2)
            except ValueError:
                raise ScoringError(f"bad rounding '{rounding}'; use half-up:N or truncate:N") from None
        fn = ROUNDING_MODES.get(mode)
        if fn is None:
            raise ScoringError(f"unknown rounding '{mode}'; choices: {', '.join(ROUNDING_MODES)}")
        return fn, decimals

    # ------------------------------------------------------------ nilai and predikat
    def score(self, achievement: float, max_target: bool = False) -> float | None:
        """Nilai for a capaian, from the bands; None when the profile has no bands.

        Raises ScoringError when the capaian falls in no band.
        """
        return self._score(achievement, max_target, None)

    def score_traced(self, achievement: float, max_target: bool = False) -> tuple[float | None, list[dict[str, Any]]]:
        """`score` plus the trace steps that explain it."""
        steps: list[dict[str, Any]] = []
        return self._score(achievement, max_target, steps), steps

    def _score(self, achievement: float, max_target: bool, steps: list[dict[str, Any]] | None) -> float | None:
        if not self.bands:
            return None
        c = achievement
        rb = self.spec.rounding.before_bands
        if rb is not None:
            c = round_half_up(c, rb)
            if steps is not None and c != achievement:
                steps.append({"step": "round_before_bands", "decimals": rb, "before": achievement, "value": c})
        mts = self.spec.score.max_target_score
        if max_target and mts is not None and c == 100:
            if steps is not None:
                steps.append({"step": "max_target", "value": mts})
            return mts
        for band in self.bands:
            if band.contains(c):
                v = round_half_up(band.formula.function(("C",))(c), self.spec.rounding.decimals)
                if steps is not None:
                    steps.append({"step": "band", "band": band.label, "formula": band.formula.text, "C": c, "value": v})
                return v
        raise ScoringError(f"capaian {c:g} falls in no band of profile '{self.id}'")

    def scorer(
        self, polarity: str, method: str | None, max_target: bool, lang: str
    ) -> Callable[[float | tuple[float, float], float], tuple[float, float | None, str | None]]:
        """A function (target, actual) → (capaian, nilai, predikat) with every rule resolved once.

        The same rules as `achievement`, `score` and `grade` (tests hold them equal); for hot loops.
        """
        key = (polarity, method, max_target, lang)
        fn = self._scorers.get(key)
        if fn is not None:
            return fn
        f = self.capaian_formula(polarity, method)
        run = _generate_scorer(self, f, max_target, lang)
        self._scorers[key] = run
        return run

    def grade(self, value: float | None, lang: str = "id") -> str | None:
        """The predicate for a nilai (or capaian, per the profile's `predikat.dari`)."""
        if value is None:
            return None
        for step in self.spec.grades.steps:
            if value >= step.at_least:
                return step.grade_en if lang == "en" and step.grade_en else step.grade
        return None

    def with_overrides(
        self, overrides: dict[str, Any], display: str = "", node_id: str | None = None
    ) -> tuple[Profile, list[Problem]]:
        """A copy with a node's `penilaian` keys applied (flat keys of [profil.capaian] / [profil.pembulatan])."""
        # keyed on what is written: nodes with the same `penilaian` share one compiled profile (and its
        # scorers); the problems are the same for each, attached to the node and file that asked
        key = tuple(sorted((k, repr(v)) for k, v in overrides.items()))
        cached = self._overridden.get(key)
        if cached is None:
            cached = self._overridden[key] = self._with_overrides(overrides, display, node_id)
        compiled, problems = cached
        return compiled, [replace(p, file=display, node_id=node_id) for p in problems]

    def _with_overrides(
        self, overrides: dict[str, Any], display: str, node_id: str | None
    ) -> tuple[Profile, list[Problem]]:
        problems: list[Problem] = []
        updates: dict[str, dict[str, Any]] = {"capaian": {}, "pembulatan": {}}
        allowed: dict[str, str] = {}
        for section, model in OVERRIDABLE.items():
            for name, f in model.model_fields.items():  # type: ignore[attr-defined]
                allowed[f.alias or name] = section
        for key, value in overrides.items():
            if key not in allowed:
                problems.append(
                    Problem(
                        "unknown-key",
                        "error",
                        display,
                        node_id,
                        f"penilaian.{key}",
                        {"key": key},
                        suggestions=close_matches(key, allowed),
                    )
                )
                continue
            updates[allowed[key]][key] = value
        if problems:
            return self, problems
        ach = self.spec.achievement.model_dump(by_alias=True) | updates["capaian"]
        rnd = self.spec.rounding.model_dump(by_alias=True) | updates["pembulatan"]
        data = self.spec.model_dump(by_alias=True)
        data["capaian"], data["pembulatan"] = ach, rnd
        spec, problems = validate(ProfileSpec, data, display)
        if spec is None:
            return self, [_at_node(p, node_id) for p in problems]
        compiled, problems = compile_profile(spec, display)
        # a problem in an override belongs to the node that wrote it, at its `penilaian` key
        return compiled, [_at_node(p, node_id) for p in problems]


def _at_node(p: Problem, node_id: str | None) -> Problem:
    key = p.path.split(".")[-1]
    return replace(p, node_id=node_id, path=f"penilaian.{key}")


def compile_profile(spec: ProfileSpec, display: str = "") -> tuple[Profile, list[Problem]]:
    """Compile a profile spec; problems for bad formulas or choices."""
    problems: list[Problem] = []
    a: AchievementRules = spec.achievement
    r: RoundingRules = spec.rounding

    def f(text: str, names: list[str], path: str) -> Formula:
        compiled, probs = parse_formula(text, names, file=display, node_id=spec.id, path=path)
        problems.extend(probs)
        return compiled or parse_formula("0", [])[0]  # type: ignore[return-value]

    pos = f(a.positive, ["R", "T"], "capaian.positif")
    neg = f(a.negative, ["R", "T"], "capaian.negatif")
    inv = f(a.negative_inverse, ["R", "T"], "capaian.negatif_invers")
    for key, value, choices in (
        ("capaian.metode_negatif", a.negative_method, NEGATIVE_METHODS),
        ("capaian.rentang", a.range_rule, RANGE_RULES),
        ("pembulatan.mode", r.mode, ROUNDING_MODES),
    ):
        if value not in choices:
            problems.append(unknown_choice(display, spec.id, key, value, choices, key=key))
    bands = tuple(
        CompiledBand(b, f(b.formula, ["C"], f"nilai.pita[{i}].rumus")) for i, b in enumerate(spec.score.bands)
    )
    bands = tuple(CompiledBand(b.spec, b.formula, b.describe()) for b in bands)
    return Profile(spec, pos, neg, inv, bands), problems


def _builtin_dir() -> Any:
    return resources.files("kinerja").joinpath("data").joinpath("profil")


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped with the engine."""
    return sorted(p.name[:-5] for p in _builtin_dir().iterdir() if p.name.endswith(".toml"))


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, display: str) -> tuple[Profile | None, tuple[Problem, ...]]:
    data, problems = read_toml(Path(path), display)
    if data is None:
        return None, tuple(problems)
    spec_file, problems = validate(ProfileFile, data, display)
    if spec_file is None:
        return None, tuple(problems)
    profile, problems = compile_profile(spec_file.profile, display)
    return (profile if not problems else None), tuple(problems)


def find_profile(name: str, search: tuple[Path, ...] = ()) -> tuple[Profile | None, list[Problem]]:
    """Find a profile by name in the given folders (a plan's `profil/`), then among the built-ins."""
    for folder in search:
        p = folder / f"{name}.toml"
        if p.is_file():
            prof, probs = _load_cached(str(p), str(p))
            return prof, list(probs)
    builtin = _builtin_dir().joinpath(f"{name}.toml")
    if builtin.is_file():
        prof, probs = _load_cached(str(builtin), f"<kinerja>/profil/{name}.toml")
        return prof, list(probs)
    choices = builtin_profiles() + [p.name[:-5] for d in search if d.is_dir() for p in d.glob("*.toml")]
    return None, [
        Problem(
            "unknown-profile", "error", "", None, "profil", {"name": name}, suggestions=close_matches(name, choices)
        )
    ]


def load_profile(name: str = "permenpanrb-8-2021") -> Profile:
    """Load a scoring profile: a built-in name (e.g. "permenpanrb-8-2021") or a path to a TOML file.

    Raises:
        RuleError: the profile does not exist or is invalid.
    """
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        prof, probs = _load_cached(str(path.resolve()), str(path))
        problems = list(probs)
    else:
        prof, problems = find_profile(name)
    if prof is None:
        raise RuleError(problems)
    return prof


def achievement(
    target: float | tuple[float, float],
    actual: float,
    polarity: str = "positive",
    method: str | None = None,
    rounding: str | None = None,
    profile: str = "permenpanrb-8-2021",
) -> float:
    """Capaian (%) under a profile (default PermenPANRB 8/2021). See `Profile.achievement`."""
    return load_profile(profile).achievement(target, actual, polarity, method, rounding)


# ------------------------------------------------------------------ one generated function per scorer

_OPERATOR_TEXT: dict[Any, str] = {
    operator.gt: ">",
    operator.ge: ">=",
    operator.lt: "<",
    operator.le: "<=",
    operator.eq: "==",
}
_BOUND_TESTS = tuple((attr, _OPERATOR_TEXT[test]) for attr, test in BOUNDS)


def _generate_scorer(
    prof: Profile, capaian: Formula, max_target: bool, lang: str
) -> Callable[[float | tuple[float, float], float], tuple[float, float | None, str | None]]:
    """The rules of `achievement`, `score` and `grade` as one Python function, for hot loops.

    The function is put together from this module's own code and the profile formulas' checked trees
    (`Formula.scalar_source`: only whitelisted constructs); every number of the profile enters as a named
    constant, never as text. Same steps, same order, same roundings and the same errors as the methods;
    tests hold them equal. One call then costs a few comparisons instead of a walk over the band objects.
    """
    spec = prof.spec
    rnd, decimals = prof._rounding(None)
    consts: dict[str, Any] = {
        "_rnd": rnd,
        "_half_up": round_half_up,
        "_D": decimals,
        "_ScoringError": ScoringError,
        "_isfinite": math.isfinite,
        "_seq": (tuple, list),
        # the few builtins the template uses (the formula namespace has none)
        "isinstance": isinstance,
        "float": float,
        "ZeroDivisionError": ZeroDivisionError,
        "OverflowError": OverflowError,
    }

    def const(value: Any) -> str:
        name = f"_k{len(consts)}"
        consts[name] = value
        return name

    def half_up(var: str, places: Any, indent: str) -> list[str]:
        """`var = round_half_up(var, places)`: a call to the one rounding rule (numbers.py), never a copy."""
        return [f"{indent}{var} = _half_up({var}, {const(places)})"]

    body = ["def scorer(target, actual):"]
    if spec.rounding.actual_first:
        body.append("    actual = _rnd(actual, _D)")
    body += [
        "    if isinstance(target, _seq):",
        "        low, high = (target[0], target[1]) if target[0] <= target[1] else (target[1], target[0])",
        "        if low <= actual <= high:",
        "            c = 100.0",
        "            T = None",
        "        else:",
        "            T = low if actual < low else high",
        "    else:",
        "        T = target",
        "    if T is not None:",
        "        R = actual",
        "        try:",
        f"            c = float({capaian.scalar_source()})",
        "        except ZeroDivisionError:",
        '            raise _ScoringError("division by zero (target or realisasi is 0)") from None',
        "        except OverflowError:",
        '            raise _ScoringError("capaian is not a finite number") from None',
        "        if not _isfinite(c):",
        '            raise _ScoringError("capaian is not a finite number")',
    ]
    cap, floor = spec.achievement.cap, spec.achievement.floor
    if cap is not None:
        k = const(cap)
        body += [f"        if c > {k}:", f"            c = {k}"]
    if floor is not None:
        k = const(floor)
        body += [f"        if c < {k}:", f"            c = {k}"]
    body.append("        c = _rnd(c, _D)")
    body.append("    score = None")
    if prof.bands:
        rb = spec.rounding.before_bands
        body.append("    C = c")
        if rb is not None:
            body += half_up("C", rb, "    ")
        mts = spec.score.max_target_score if max_target else None
        first = "if"
        if mts is not None:
            body += ["    if C == 100:", f"        score = {const(mts)}"]
            first = "elif"
        for band in prof.bands:
            tests = [f"C {op} {const(v)}" for attr, op in _BOUND_TESTS if (v := getattr(band.spec, attr)) is not None]
            body += [
                f"    {first} {' and '.join(tests) or 'True'}:",
                f"        s = float({band.formula.scalar_source()})",
                "        if not _isfinite(s):",
                '            raise OverflowError("result is not a finite number")',
                *half_up("s", decimals, "        "),
                "        score = s",
            ]
            first = "elif"
        body += [
            "    else:",
            f"        raise _ScoringError(f\"capaian {{C:g}} falls in no band of profile '{{{const(prof.id)}}}'\")",
        ]
    body.append("    g = score if score is not None else c" if spec.grades.of == "nilai" else "    g = c")
    body.append("    grade = None")
    first = "if"
    for step in spec.grades.steps:
        label = step.grade_en if lang == "en" and step.grade_en else step.grade
        body += [f"    {first} g >= {const(step.at_least)}:", f"        grade = {const(label)}"]
        first = "elif"
    body.append("    return c, score, grade")
    namespace: dict[str, Any] = {**capaian.scalar_globals, **consts}
    for band in prof.bands:
        namespace.update(band.formula.scalar_globals)
    namespace.update(consts)
    code = compile("\n".join(body) + "\n", f"<scorer {prof.id}>", "exec")
    exec(code, namespace)  # noqa: S102 - our own template and checked formula trees, no builtins
    return namespace["scorer"]  # type: ignore[no-any-return]
