"""Report phase, plan diff: what changed between two versions of a plan — nodes added, removed or moved,
and per node the targets, quarterly targets, formula, weight, unit, kind, polarity and period semantics.
Compared by meaning (parsed numbers, formula syntax), shown as written.
"""

from __future__ import annotations

import ast
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .fmt import input_fields, math_text, number
from .labels import t


@dataclass(frozen=True)
class Change:
    """One field of one node that differs; `before`/`after` are display text."""

    field: str
    before: str
    after: str


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

    def counts(self) -> dict[str, int]:
        """How many nodes were added, removed and changed."""
        return {s: sum(1 for n in self.nodes if n.status == s) for s in ("added", "removed", "changed")}

    @property
    def empty(self) -> bool:
        """True when the plans are the same in every compared respect."""
        return not self.nodes and not self.plan_changes


def _formula_key(text: str | None) -> str:
    if not text:
        return ""
    try:
        return ast.dump(ast.parse(text.strip(), mode="eval"))
    except SyntaxError:
        return text.strip()


def _shown(text: Any, value: Any, lang: str) -> str:
    if text not in (None, ""):
        return str(text)
    return number(value, lang)


def _inputs_text(inputs: dict[str, Any] | None, lang: str) -> str:
    if not inputs:
        return "-"
    parts = []
    for name, spec in inputs.items():
        info = input_fields(spec)
        s = f"{name} [{info['unit']}]"
        if info["value"] is not None:
            s += f" = {number(info['value'], lang)}"
        parts.append(s)
    return ", ".join(parts)


def _inputs_key(inputs: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
    return sorted((k, input_fields(v)["unit"], input_fields(v)["value"]) for k, v in (inputs or {}).items())


def node_changes(a: Any, b: Any, periods: list[str], lang: str) -> list[Change]:
    """The differences between two versions of one node."""
    out: list[Change] = []

    def cmp(label: str, ka: Any, kb: Any, sa: str, sb: str) -> None:
        if ka != kb:
            out.append(Change(label, sa, sb))

    cmp(t("name", lang), a.name, b.name, a.name, b.name)
    cmp(t("level", lang), a.level, b.level, a.level, b.level)
    cmp(t("kind", lang), a.kind, b.kind, str(a.kind or "-"), str(b.kind or "-"))
    cmp(t("unit", lang), a.unit, b.unit, str(a.unit or "-"), str(b.unit or "-"))
    cmp(
        t("target", lang),
        a.target,
        b.target,
        _shown(a.target_text, a.target, lang),
        _shown(b.target_text, b.target, lang),
    )
    pa, pb = a.period_targets or {}, b.period_targets or {}
    ta, tb = a.period_targets_text or {}, b.period_targets_text or {}
    for p in periods:
        cmp(
            f"{t('target', lang)} {p}",
            pa.get(p),
            pb.get(p),
            _shown(ta.get(p), pa.get(p), lang),
            _shown(tb.get(p), pb.get(p), lang),
        )
    cmp(
        t("formula", lang),
        _formula_key(a.formula_text),
        _formula_key(b.formula_text),
        math_text(a.formula_text, lang) or "-",
        math_text(b.formula_text, lang) or "-",
    )
    cmp(
        t("inputs", lang),
        _inputs_key(a.inputs),
        _inputs_key(b.inputs),
        _inputs_text(a.inputs, lang),
        _inputs_text(b.inputs, lang),
    )
    cmp(t("weight", lang), a.weight, b.weight, number(a.weight, lang), number(b.weight, lang))
    cmp(t("polarity", lang), a.polarity, b.polarity, str(a.polarity or "-"), str(b.polarity or "-"))
    cmp(t("semantics", lang), a.semantics, b.semantics, str(a.semantics or "-"), str(b.semantics or "-"))
    cmp(t("parent", lang), a.parent, b.parent, str(a.parent or "-"), str(b.parent or "-"))
    cmp(t("number", lang), a.number, b.number, str(a.number or "-"), str(b.number or "-"))
    cmp(t("owner", lang), a.owner, b.owner, str(a.owner or "-"), str(b.owner or "-"))
    return out


def diff_plans(a: Any, b: Any, lang: str = "id", a_name: str = "A", b_name: str = "B") -> PlanDiff:
    """Compare plan `a` (before) with plan `b` (after)."""
    d = PlanDiff(a_name, b_name)
    for label, va, vb in (
        (t("name", lang), a.meta.name, b.meta.name),
        (t("year", lang), a.meta.year, b.meta.year),
        (t("profile", lang), a.meta.profile, b.meta.profile),
        (t("period", lang), tuple(a.periods), tuple(b.periods)),
    ):
        if va != vb:
            d.plan_changes.append(Change(label, str(va), str(vb)))
    ids_a = {n.id: n for n in a.nodes}
    ids_b = {n.id: n for n in b.nodes}
    periods = list(dict.fromkeys([*a.periods, *b.periods]))
    for n in b.nodes:  # in the new document order, removed ones after
        if n.id not in ids_a:
            d.nodes.append(NodeDiff(n.id, n.name, "added", parent=n.parent))
        else:
            ch = node_changes(ids_a[n.id], n, periods, lang)
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
        lines.append(f"  {t('plan', lang).lower()} {c.field}: {c.before} → {c.after}")
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
    return "\n".join(lines) + "\n"


def render_diff_md(d: PlanDiff, lang: str = "id") -> str:
    """Markdown: a table of changes."""

    def md(s: Any) -> str:
        return str(s).replace("|", "\\|")

    lines = [f"# {t('diff_title', lang)}: `{d.a}` → `{d.b}`", "", t("diff_counts", lang, **d.counts()), ""]
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
        "plan_changes": [asdict(c) for c in d.plan_changes],
        "nodes": [asdict(n) for n in d.nodes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_diff_text, "md": render_diff_md, "json": render_diff_json}
