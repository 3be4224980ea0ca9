"""Report phase, plan diff: what changed between two versions of a plan — the plan's settings (identity,
periods, units, included rule sets, every setting of its scoring profile), nodes added, removed or moved, and
per node every setting that can move a number (`semantics.describe`: kind, unit, targets, period semantics,
aggregation, formula, inputs, tables, index settings, weight, the effective scoring after `penilaian`...).
Compared by meaning (parsed numbers, formula syntax), shown as written.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..semantics import PROFILE_PREFIX, Written, describe, describe_plan, label, scoring_settings
from .fmt import math_text, number
from .labels import t


@dataclass(frozen=True)
class Change:
    """One setting of one node (or of the plan) that differs; `field` is its label in the report language,
    `before`/`after` display text, `key` the setting's language-independent key (`semantics.describe`)."""

    field: str
    before: str
    after: str
    key: str = ""


@dataclass
class NodeDiff:
    """A node added, removed, or changed (with its changes)."""

    id: str
    name: str
    status: str  # "added" | "removed" | "changed"
    changes: list[Change] = field(default_factory=list)
    parent: str | None = None


@dataclass
class PlanDiff:
    """The whole comparison."""

    a: str
    b: str
    plan_changes: list[Change] = field(default_factory=list)
    nodes: list[NodeDiff] = field(default_factory=list)
    hashes: tuple[str, str] = ("", "")  # the plans' content hashes (over every rule file's bytes)

    def counts(self) -> dict[str, int]:
        """How many nodes were added, removed and changed."""
        return {s: sum(1 for n in self.nodes if n.status == s) for s in ("added", "removed", "changed")}

    @property
    def empty(self) -> bool:
        """True when the plans are the same in every compared respect."""
        return not self.nodes and not self.plan_changes

    def text_only(self, lang: str) -> str | None:
        """When no setting differs but the rule files do: a line that says so (None otherwise)."""
        a, b = self.hashes
        if not self.empty or a == b:
            return None
        return t("text_only", lang, a=a[:12], b=b[:12])


_MISSING = object()
_BOOL = {"id": ("tidak", "ya"), "en": ("no", "yes")}
# classic node keys keep the report's own labels ("Target TW2", "Rumus", "Bobot"...)
_LABELS = {
    "nama": "name",
    "tingkat": "level",
    "induk": "parent",
    "nomor": "number",
    "penanggung_jawab": "owner",
    "jenis": "kind",
    "satuan": "unit",
    "target": "target",
    "sifat_periode": "semantics",
    "polaritas": "polarity",
    "bobot": "weight",
    "rumus": "formula",
}


def setting_label(key: str, lang: str) -> str:
    """The label of a described setting in the report language."""
    if key in _LABELS:
        return t(_LABELS[key], lang)
    if key.startswith("target_tw."):
        return f"{t('target', lang)} {key.split('.', 1)[1]}"
    return label(key, lang)


def shown(value: Any, key: str, lang: str) -> str:
    """A described setting as people read it: numbers in the report language, formulas in math notation,
    targets as written; "-" for a setting that is absent or not set."""
    if value is _MISSING or value is None:
        return "-"
    if isinstance(value, Written):
        if value.formula:
            return math_text(value.text, lang) or "-"
        return value.text or "-"
    if isinstance(value, bool):
        return _BOOL["en" if lang == "en" else "id"][value]
    if isinstance(value, int):
        return str(value)  # a year, a number of decimals: no thousands separator
    if isinstance(value, float):
        return number(value, lang, 10)
    if isinstance(value, tuple):
        return ", ".join(shown(v, key, lang) for v in value) or "-"
    if key == "polaritas":
        return t(str(value), lang)
    return str(value)


def _changes(da: dict[str, Any], db: dict[str, Any], lang: str, explained: Any = None) -> list[Change]:
    """Every key whose value differs, in the order of `db` then keys only in `da`; `explained(key, va, vb)`
    drops a change already reported elsewhere."""
    out: list[Change] = []
    for key in dict.fromkeys([*db, *da]):
        va, vb = da.get(key, _MISSING), db.get(key, _MISSING)
        if va == vb or (explained is not None and explained(key, va, vb)):
            continue
        out.append(Change(setting_label(key, lang), shown(va, key, lang), shown(vb, key, lang), key))
    return out


def node_changes(a: Any, b: Any, plan_a: Any, plan_b: Any, lang: str) -> list[Change]:
    """The differences between two versions of one node: every described setting (semantics.describe).

    A scoring setting (`penilaian.*`) that changed only because the plan's profile changed is reported once,
    among the plan's changes, not again at every node.
    """
    defaults: dict[int, dict[str, Any]] = {}

    def explained(key: str, va: Any, vb: Any) -> bool:
        if not key.startswith(PROFILE_PREFIX) or a.polarity != b.polarity:
            return False
        if not defaults:
            defaults[0] = scoring_settings(plan_a.profile, a.polarity, None)
            defaults[1] = scoring_settings(plan_b.profile, b.polarity, None)
        return va == defaults[0].get(key, _MISSING) and vb == defaults[1].get(key, _MISSING)

    return _changes(describe(a, plan_a), describe(b, plan_b), lang, explained)


def diff_plans(a: Any, b: Any, lang: str = "id", a_name: str = "A", b_name: str = "B") -> PlanDiff:
    """Compare plan `a` (before) with plan `b` (after): the plan's settings, then node by node."""
    d = PlanDiff(a_name, b_name, hashes=(str(a.content_hash), str(b.content_hash)))
    d.plan_changes = _changes(describe_plan(a), describe_plan(b), lang)
    ids_a = {n.id: n for n in a.nodes}
    ids_b = {n.id: n for n in b.nodes}
    for n in b.nodes:  # in the new document order, removed ones after
        if n.id not in ids_a:
            d.nodes.append(NodeDiff(n.id, n.name, "added", parent=n.parent))
        else:
            ch = node_changes(ids_a[n.id], n, a, b, lang)
            if ch:
                d.nodes.append(NodeDiff(n.id, n.name, "changed", ch, parent=n.parent))
    for n in a.nodes:
        if n.id not in ids_b:
            d.nodes.append(NodeDiff(n.id, n.name, "removed", parent=n.parent))
    return d


_MARK = {"added": "+", "removed": "-", "changed": "~"}


def render_diff_text(d: PlanDiff, lang: str = "id") -> str:
    """Plain text, one node per block: `+` added, `-` removed, `~` changed with `before → after` lines."""
    lines = [f"{t('diff_title', lang)}: {d.a} → {d.b}"]
    for c in d.plan_changes:
        lines.append(f"  {c.field}: {c.before} → {c.after}")
    for n in d.nodes:
        extra = (
            f" ({t(n.status, lang)}"
            + (f", {t('parent', lang).lower()} {n.parent}" if n.parent and n.status != "changed" else "")
            + ")"
        )
        lines.append(f"{_MARK[n.status]} {n.id}  {n.name}{extra}")
        for c in n.changes:
            lines.append(f"    {c.field}: {c.before} → {c.after}")
    lines.append(t("diff_counts", lang, **d.counts()) if not d.empty else t("no_diff", lang))
    note = d.text_only(lang)
    if note:
        lines.append(note)
    return "\n".join(lines) + "\n"


def render_diff_md(d: PlanDiff, lang: str = "id") -> str:
    """Markdown: a table of changes."""

    def md(s: Any) -> str:
        return str(s).replace("|", "\\|")

    lines = [f"# {t('diff_title', lang)}: `{d.a}` → `{d.b}`", "", t("diff_counts", lang, **d.counts()), ""]
    note = d.text_only(lang)
    if note:
        lines += [note, ""]
    lines.append(f"| | id | {t('name', lang)} | {t('field', lang)} | {t('before', lang)} | {t('after', lang)} |")
    lines.append("|---|---|---|---|---|---|")
    for c in d.plan_changes:
        lines.append(f"| ~ | | {t('plan', lang)} | {md(c.field)} | {md(c.before)} | {md(c.after)} |")
    for n in d.nodes:
        if not n.changes:
            lines.append(f"| {_MARK[n.status]} | `{n.id}` | {md(n.name)} | {t(n.status, lang)} | | |")
        for i, c in enumerate(n.changes):
            lines.append(
                f"| {_MARK[n.status] if i == 0 else ''} | {'`' + n.id + '`' if i == 0 else ''} | "
                f"{md(n.name) if i == 0 else ''} | {md(c.field)} | {md(c.before)} | {md(c.after)} |"
            )
    return "\n".join(lines) + "\n"


def render_diff_json(d: PlanDiff, lang: str = "id") -> str:
    """JSON: {a, b, counts, plan_changes, nodes}."""
    doc = {
        "a": d.a,
        "b": d.b,
        "counts": d.counts(),
        "content_hash": {"a": d.hashes[0], "b": d.hashes[1]},
        "plan_changes": [asdict(c) for c in d.plan_changes],
        "nodes": [asdict(n) for n in d.nodes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_diff_text, "md": render_diff_md, "json": render_diff_json}
