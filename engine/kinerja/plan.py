"""The plan: load a rule folder (load → schema → compile) and score it (evaluate).

`load_plan` collects the problems of every file and raises one `RuleError` with all of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .compiler import IncludedFile, Node, compile_nodes
from .errors import Problem, RuleError, unknown_choice
from .loader import load_toml, validate
from .periods import PERIOD_SETS, Period, parse_period
from .profile import Profile, find_profile
from .safety import Refused, bundled_rules_root, check_name, find_inside, read_checked, shorten
from .schema import GoalFile, Include, NodeSpec, PlanFile, PlanMeta
from .units import Units, UnitTextError

if TYPE_CHECKING:
    from .batch import BatchResult
    from .data import Value
    from .result import Scorecard

# data, evaluate and result are imported by `score` and `bind`: loading and checking a plan needs none.

PLAN_FILE = "rencana.toml"
LANGUAGES = ("id", "en")
_T = TypeVar("_T")
_MISSING = object()


def check_language(lang: str | None) -> None:
    """Refuse a language kinerja does not speak (a request's `lang` must not grow any cache)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"bahasa tidak dikenal / unknown language {str(lang)[:20]!r}; pilihan / choices: id, en")


@dataclass(frozen=True)
class BoundData:
    """Realisasi checked against one plan: values by (id, period) in the node's unit, and refused rows."""

    plan: Plan
    values: Mapping[tuple[str, str], Value]
    problems: tuple[Problem, ...]


class Plan:
    """A compiled plan. Immutable after loading and safe to score from many threads.

    Attributes:
        meta: the plan's identity (`[rencana]`).
        nodes: every node in document order.
        periods: the plan's periods ("TW1".."TW4" or "B01".."B12").
        profile: the plan's scoring profile.
        units: the plan's unit registry.
        content_hash: sha256 over every rule file, the unit definitions and the profile.
        folder: where the plan was loaded from.
    """

    def __init__(
        self,
        meta: PlanMeta,
        nodes: list[Node],
        order: list[str],
        profile: Profile,
        units: Units,
        content_hash: str,
        folder: Path,
    ) -> None:
        self.meta = meta
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self.order: tuple[str, ...] = tuple(order)
        self.by_id: dict[str, Node] = {n.id: n for n in nodes}
        self.profile = profile
        self.units = units
        self.content_hash = content_hash
        self.folder = folder
        self.periods: tuple[str, ...] = PERIOD_SETS[meta.periods]
        self.included: tuple[dict[str, Any], ...] = ()  # rule sets included by reference (`sertakan`)
        # what is worked out once per plan and reused (evaluation programs per period and language, the keys
        # data binds to): owned here, filled through `cached`, bounded by the plan's periods × LANGUAGES
        self._cache: dict[Hashable, Any] = {}
        self._cache_lock = threading.Lock()

    def cached(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """The value cached under `key` for this plan, built once by `build()` (plans are immutable, so a
        cached value never goes stale). Thread-safe: two threads may build at once; one result is kept."""
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            value = build()
            with self._cache_lock:
                found = self._cache.setdefault(key, value)
        return found  # type: ignore[no-any-return]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def language(self) -> str:
        return self.meta.language

    def node(self, node_id: str) -> Node:
        """The node with this id. Raises KeyError."""
        return self.by_id[node_id]

    def __repr__(self) -> str:
        return f"<Plan {self.id}: {len(self.nodes)} nodes>"

    def period(self, text: str) -> Period:
        """Parse a period ("TW2", "sd-TW2", "2025"). Raises ValueError listing the choices."""
        return parse_period(text, self.periods, self.meta.year)

    def check(self) -> list[Problem]:
        """Lint warnings about the document's own consistency, and every assumption (severity "info")."""
        from .lint import lint

        return lint(self)

    def score(
        self,
        data: Any,
        period: str,
        targets: Mapping[tuple[str, str], float] | None = None,
        lang: str | None = None,
    ) -> Scorecard:
        """Score every node for `period` ("TW1".."TW4", "sd-TW2", or the year, e.g. "2025").

        Args:
            data: a `Realisasi`, a path to a data file, or a mapping (see `read_realisasi`).
            targets: optional targets of this unit replacing the plan's, by (node id, "TW1".. or "TAHUN").
            lang: "id" or "en" for predikat and reasons (default: the plan's language).

        Raises:
            ValueError: unknown period. Bad data rows do not raise: they are listed in `Scorecard.problems`.
        """
        from .evaluate import score_plan
        from .result import Scorecard

        check_language(lang)
        p = self.period(period)
        bound = data if isinstance(data, BoundData) and data.plan is self else self.bind(data)
        results = score_plan(self, bound.values, p, targets, lang)
        return Scorecard(self, p.label, results, bound.problems)

    def bind(self, data: Any) -> BoundData:
        """Read and check realisasi once (ids, periods, numbers, units, corrections), to score several periods.

        `plan.score(plan.bind(data), "TW1")`, then `"TW2"`... reuse the checked values.
        """
        from .data import Realisasi, bind, read_realisasi

        realisasi = data if isinstance(data, Realisasi) else read_realisasi(data)
        values, problems = bind(self, realisasi)
        return BoundData(self, values, tuple(problems))

    def score_many(self, table: Any, period: str, lang: str | None = None) -> BatchResult:
        """Score many units at once (a Polda's Polres, headquarters' 500 Polres and 4,300 Polsek).

        Args:
            table: a long table with columns unit, id, periode, realisasi and optional target (a CSV or
                Parquet path, a dict of columns, rows, or a `batch.Table`).
            period: as for `score`.
            lang: "id" or "en" for predikat and reasons (default: the plan's language).

        Returns a `BatchResult` whose per-unit results equal `score` for that unit alone (without trace).
        """
        from .batch import Table, read_table, score_many

        check_language(lang)
        t = table if isinstance(table, Table) else read_table(table)
        return score_many(self, t, self.period(period), lang)

    @cached_property
    def assumptions(self) -> list[Problem]:
        """Every assumption declared in the rules and in the profile, as info problems."""
        from .lint import assumptions

        return assumptions(self)


def load_plan(path: str | Path, roots: Iterable[str | Path] = ()) -> Plan:
    """Load and compile a plan folder (with rencana.toml) — or a single goal file next to it.

    Every file the plan names (included rule sets, its unit file, its profile) must lie inside a rule root:
    the plan's own folder, the folders in `roots`, those in the KINERJA_ATURAN environment variable and the
    engine's bundled `rules/` folder. Absolute paths, `..` out of a root, links out of a root and special
    files (FIFO, device) are refused with a problem; the working directory is never searched.

    Raises:
        RuleError: with every problem found in every file (errors only; warnings come from `Plan.check`).
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    problems: list[Problem] = []
    digest = hashlib.sha256()
    plan_path = folder / PLAN_FILE
    if not plan_path.is_file():
        raise RuleError([Problem("plan-missing", file=str(folder))])
    rule_roots = _rule_roots(folder, roots)
    plan_bytes, raw, probs = load_toml(plan_path, _display(plan_path), rule_roots)
    problems.extend(probs)
    meta: PlanMeta | None = None
    if raw is not None:
        pf, probs = validate(PlanFile, raw, _display(plan_path))
        problems.extend(probs)
        meta = pf.plan if pf else None
    lang = meta.language if meta and meta.language in ("id", "en") else "id"
    if meta is not None:
        if meta.periods not in PERIOD_SETS:
            problems.append(unknown_choice(_display(plan_path), None, "rencana.periode", meta.periods, PERIOD_SETS))
        if meta.language not in ("id", "en"):
            problems.append(unknown_choice(_display(plan_path), None, "rencana.bahasa", meta.language, ("id", "en")))
    files = _goal_files(folder, problems, digest, rule_roots)
    includes: dict[str, tuple[IncludedFile, ...]] = {}
    include_results: dict[str, str] = {}
    included: list[dict[str, Any]] = []
    if meta is not None:
        _resolve_includes(
            folder, meta, files, problems, digest, includes, include_results, included, depth=0, roots=rule_roots
        )
    digest.update(plan_bytes or b"")
    extra = ""
    units_path = folder / "satuan.txt"
    if meta is not None and meta.units_file:
        units_path = folder / meta.units_file
        try:
            check_name(meta.units_file, _display(plan_path), "rencana.satuan")
        except Refused as e:
            problems.append(e.problem)
        else:
            if os.path.lexists(units_path):
                extra = _read_text(units_path, rule_roots, problems)
            else:
                problems.append(
                    Problem(
                        "file-missing",
                        file=_display(plan_path),
                        path="rencana.satuan",
                        args={"detail": str(units_path)},
                    )
                )
    elif os.path.lexists(units_path):
        extra = _read_text(units_path, rule_roots, problems)
    try:
        units = Units(extra)
    except UnitTextError as e:  # refused by the definitions grammar before pint reads a line
        problems.append(e.problem(_display(units_path), None, "satuan"))
        units = Units()
    except Exception as e:  # pint reports definition errors with several types
        problems.append(
            Problem("wrong-type", file=_display(folder / "satuan.txt"), args={"key": "satuan", "detail": str(e)})
        )
        units = Units()
    digest.update(units.digest.encode())
    if meta is None or any(p.severity == "error" for p in problems) and not files:
        raise RuleError(problems, lang)
    try:
        _check_profile_name(meta.profile, _display(plan_path), folder / "profil", rule_roots)
    except Refused as e:
        raise RuleError([*problems, e.problem], lang) from None
    profile, probs = find_profile(meta.profile, (folder / "profil",))
    problems.extend(Problem(**{**p.__dict__, "file": p.file or _display(plan_path)}) for p in probs)
    if profile is None:
        raise RuleError(problems, lang)
    digest.update(profile.spec.model_dump_json().encode())
    periods = PERIOD_SETS.get(meta.periods, PERIOD_SETS["triwulan"])
    nodes, order, probs = compile_nodes(files, units, profile, periods, includes, include_results)
    problems.extend(probs)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise RuleError(errors, lang)
    plan = Plan(meta, nodes, order, profile, units, digest.hexdigest(), folder)
    plan.included = tuple(included)
    return plan


def _rule_roots(folder: Path, roots: Iterable[str | Path]) -> tuple[Path, ...]:
    """The folders rule files may name files in: the plan's folder, the caller's `roots`, the folders of
    KINERJA_ATURAN (separated like PATH), the bundled `rules/` folder. Resolved, in search order."""
    env = [p for p in os.environ.get(RULES_PATH_ENV, "").split(os.pathsep) if p]
    bundled = bundled_rules_root()
    out: list[Path] = []
    for r in (folder, *roots, *env, *((bundled,) if bundled else ())):
        p = Path(r).resolve()
        if p not in out:
            out.append(p)
    return tuple(out)


_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _check_profile_name(name: str, display: str, folder: Path, roots: tuple[Path, ...]) -> None:
    """A profile is named, never given as a path; the plan's own profile file must be a regular file whose
    links stay inside the roots (checked without opening it)."""
    if not _PROFILE_NAME.fullmatch(str(name)) or ".." in str(name):
        raise Refused(Problem("path-outside", "error", display, None, "rencana.profil", {"name": shorten(name)}))
    own = folder / f"{name}.toml"
    if os.path.lexists(own):
        read_checked(own, _display(own), roots)


def _read_text(path: Path, roots: tuple[Path, ...], problems: list[Problem]) -> str:
    """A plan's unit definitions file, checked (`safety.read_checked`) and decoded; "" after a problem."""
    display = _display(path)
    try:
        return read_checked(path, display, roots).decode("utf-8-sig")
    except Refused as e:
        problems.append(e.problem)
    except UnicodeDecodeError as e:
        problems.append(Problem("file-encoding", file=display, args={"detail": f"byte {e.start}"}))
    return ""


def _goal_files(
    folder: Path, problems: list[Problem], digest: Any, roots: tuple[Path, ...]
) -> list[tuple[str, list[NodeSpec]]]:
    files: list[tuple[str, list[NodeSpec]]] = []
    for f in sorted(folder.glob("*.toml")):
        if f.name == PLAN_FILE:
            continue
        display = _display(f)
        raw, data, probs = load_toml(f, display, roots)  # a FIFO, a device or a link out is refused unopened
        problems.extend(probs)
        if raw is not None:
            digest.update(f.name.encode() + b"\0" + raw + b"\0")
        if data is None:
            continue
        gf, probs = validate(GoalFile, data, display)
        problems.extend(probs)
        if gf is not None:
            files.append((display, list(gf.goals)))
    return files


def _walk_specs(specs: list[NodeSpec]) -> list[NodeSpec]:
    out: list[NodeSpec] = []
    for s in specs:
        out.append(s)
        out.extend(_walk_specs(list(s.indicators) + list(s.steps)))
    return out


MAX_INCLUDE_DEPTH = 4


def _resolve_includes(
    folder: Path,
    meta: PlanMeta,
    files: list[tuple[str, list[NodeSpec]]],
    problems: list[Problem],
    digest: Any,
    includes: dict[str, tuple[IncludedFile, ...]],
    include_results: dict[str, str],
    included: list[dict[str, Any]],
    depth: int,
    roots: tuple[Path, ...] = (),
) -> None:
    """Load every rule set named by a `sertakan` key, check its version, and graft its goals."""
    for display, goals in files:
        for spec in _walk_specs(goals):
            if spec.include is None:
                continue
            inc = (
                spec.include if isinstance(spec.include, Include) else Include.model_validate({"aturan": spec.include})
            )
            where = f"{display}"
            try:
                check_name(inc.rules, where, "sertakan.aturan")
            except Refused as e:
                problems.append(Problem(**{**e.problem.__dict__, "node_id": spec.id}))
                continue
            target = _find_rule_set(folder, inc.rules, roots)
            if target is None:
                problems.append(
                    Problem("file-missing", "error", where, spec.id, "sertakan.aturan", {"detail": inc.rules})
                )
                continue
            if depth >= MAX_INCLUDE_DEPTH:
                problems.append(
                    Problem("include-depth", "error", where, spec.id, "sertakan", {"max": MAX_INCLUDE_DEPTH})
                )
                continue
            rs_path = target / PLAN_FILE
            rs_bytes, raw, probs = load_toml(rs_path, _display(rs_path), roots)
            problems.extend(probs)
            if raw is None:
                continue
            pf, probs = validate(PlanFile, raw, _display(rs_path))
            problems.extend(probs)
            if pf is None:
                continue
            rs = pf.plan
            digest.update(rs_bytes or b"")
            if inc.version is not None and rs.version != inc.version:
                problems.append(
                    Problem(
                        "include-version",
                        "error",
                        where,
                        spec.id,
                        "sertakan.versi",
                        {"rules": inc.rules, "want": inc.version, "got": rs.version or "-"},
                    )
                )
                continue
            if rs.periods != meta.periods:
                problems.append(
                    Problem(
                        "include-periods",
                        "error",
                        where,
                        spec.id,
                        "sertakan.aturan",
                        {"rules": inc.rules, "got": rs.periods, "want": meta.periods},
                    )
                )
                continue
            rs_files = _goal_files(target, problems, digest, roots)
            includes[spec.id] = tuple(IncludedFile(f"{rs.id}@{rs.version or '-'}", d, tuple(g)) for d, g in rs_files)
            if rs.result:
                include_results[spec.id] = rs.result
            elif not spec.formula:
                problems.append(
                    Problem("missing-key", "error", _display(rs_path), None, "rencana.hasil", {"key": "hasil"})
                )
            included.append(
                {
                    "node": spec.id,
                    "rules": inc.rules,
                    "id": rs.id,
                    "version": rs.version,
                    "source": rs.source,
                    "folder": _display(target),
                }
            )
            _resolve_includes(
                target, meta, rs_files, problems, digest, includes, include_results, included, depth + 1, roots
            )


RULES_PATH_ENV = "KINERJA_ATURAN"


def _find_rule_set(folder: Path, name: str, roots: tuple[Path, ...]) -> Path | None:
    """A rule set folder named relative to the including folder or to one of the rule roots (see
    `_rule_roots`), that stays inside a root once links are followed. Never the working directory."""
    return find_inside(name, (folder, *roots), roots, PLAN_FILE)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
