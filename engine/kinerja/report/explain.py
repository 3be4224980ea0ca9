"""Report phase, explain: the whole story of one number for an auditor — where the node is defined, its
target as written and where it comes from, its formula and inputs, its assumptions, then every step of
the calculation trace and the result. Optionally the same for every node it depends on.
"""

from __future__ import annotations

import json
from typing import Any

from .catalogue import semantics_text
from .fmt import input_fields, math_text, number, percent, sources, step_text
from .labels import level_label, t


def dependencies(plan: Any, node: Any) -> list[str]:
    """Ids of the nodes whose results this node's result is computed from (index components, ids in a
    formula), in document order."""
    known = {n.id for n in plan.nodes}
    refs = getattr(node, "refs", None)
    if refs is not None:  # the engine's own list: index components and ids read by a formula
        deps = [r for r in refs if r in known]
    else:
        deps = []
        if node.kind == "indeks":
            deps += [c for c in node.children if plan.node(c).level == "indikator"]
        if node.formula_text:
            import ast

            try:
                names = {n.id for n in ast.walk(ast.parse(node.formula_text, mode="eval")) if isinstance(n, ast.Name)}
            except SyntaxError:
                names = set()
            deps += [i for i in names if i in known and i != node.id and i not in deps]
    order = {n.id: i for i, n in enumerate(plan.nodes)}
    return sorted(set(deps), key=lambda i: order.get(i, 0))


def explain_text(
    plan: Any,
    card: Any,
    node_id: str,
    lang: str = "id",
    deep: bool = False,
    _seen: set[str] | None = None,
    _indent: str = "",
) -> str:
    """The explanation of `node_id` in `card` as plain text."""
    seen = _seen if _seen is not None else set()
    seen.add(node_id)
    node = plan.node(node_id)
    r = card[node_id]
    ind = _indent
    lines = [f"{ind}{t('trace', lang)}: {node.id} — {node.name}"]
    lines.append(
        f"{ind}  {t('plan', lang)}: {plan.id} · {t('period', lang)}: {card.period} · "
        f"{t('content_hash', lang)}: {str(plan.content_hash)[:16]}…"
    )
    if getattr(node, "file", None):
        lines.append(f"{ind}  {t('file', lang)}: {node.file}")
    head = [f"{t('level', lang)}: {level_label(node.level, lang)}"]
    if node.number:
        head.append(f"{t('number', lang)}: {node.number}")
    if node.parent:
        head.append(f"{t('parent', lang)}: {node.parent}")
    lines.append(f"{ind}  " + " · ".join(head))
    facts = [f"{t('kind', lang)}: {node.kind or '-'}", f"{t('unit', lang)}: {node.unit or '-'}"]
    if node.polarity:
        facts.append(f"{t('polarity', lang)}: {t(node.polarity, lang)}")
    lines.append(f"{ind}  " + " · ".join(facts))
    lines.append(f"{ind}  {t('semantics', lang)}: {semantics_text(node.semantics, lang)}")
    if node.weight is not None:
        lines.append(f"{ind}  {t('weight', lang)}: {number(node.weight, lang)}")
    tt = node.target_text or number(node.target, lang)
    lines.append(f"{ind}  {t('target_year', lang)}: {tt}")
    pt = node.period_targets_text or {}
    if any(pt.get(p) for p in plan.periods):
        lines.append(f"{ind}  {t('target_tw', lang)}: " + " · ".join(f"{p} {pt.get(p) or '-'}" for p in plan.periods))
    for k, v in sources(node):
        lines.append(f"{ind}  {t('source', lang)}{' (' + k + ')' if k else ''}: {v}")
    if node.formula_text:
        lines.append(f"{ind}  {t('formula', lang)}: {math_text(node.formula_text, lang)}")
        if math_text(node.formula_text, lang) != node.formula_text:
            lines.append(f"{ind}      ({node.formula_text})")
    for name, spec in (node.inputs or {}).items():
        info = input_fields(spec)
        s = f"{ind}  {t('input', lang)} {node.id}.{name} [{info['unit']}]"
        if info["value"] is not None:
            s += f" = {number(info['value'], lang)}"
        if info["source"]:
            s += f" ({t('source', lang).lower()}: {info['source']})"
        if info["assumption"]:
            s += f" ({t('assumptions', lang).lower()}: {info['assumption']})"
        lines.append(s)
    for a in node.assumptions or []:
        key, reason, basis = (list(a) + ["", "", ""])[:3]
        lines.append(f"{ind}  {t('assumptions', lang)} ({key}): {reason}" + (f" [{basis}]" if basis else ""))
    lines.append(f"{ind}  {t('step', lang)}:")
    for i, step in enumerate(r.trace or [], 1):
        lines.append(f"{ind}    {i}. {step_text(step, lang, indent=ind + '       ')}")
    if not r.trace:
        lines.append(f"{ind}    -")
    unit = f" {r.unit}" if r.unit and r.actual is not None else ""
    res = (
        f"{t('actual', lang)} {number(r.actual, lang)}{unit}, {t('target', lang).lower()} {number(r.target, lang)}, "
        f"{t('achievement', lang).lower()} {percent(r.achievement, lang)}, "
        f"{t('score', lang).lower()} {number(r.score, lang)}"
    )
    if r.grade:
        res += f", {t('grade', lang).lower()} {r.grade}"
    res += f" ({t('status', lang).lower()}: {t(r.status, lang)}{': ' + r.reason if r.reason else ''})"
    lines.append(f"{ind}  {t('result', lang)}: {res}")
    text = "\n".join(lines) + "\n"
    if deep:
        for dep in dependencies(plan, node):
            if dep not in seen:
                text += "\n" + explain_text(plan, card, dep, lang, True, seen, ind + "    ")
    return text


def explain_json(plan: Any, card: Any, node_id: str, lang: str = "id", deep: bool = False) -> str:
    """The explanation as JSON: the node's definition and its result's `to_dict()` (and dependencies')."""
    ids = [node_id]
    if deep:
        i = 0
        while i < len(ids):
            for d in dependencies(plan, plan.node(ids[i])):
                if d not in ids:
                    ids.append(d)
            i += 1
    out = []
    for nid in ids:
        n = plan.node(nid)
        out.append(
            {
                "node": {
                    "id": n.id,
                    "level": n.level,
                    "kind": n.kind,
                    "name": n.name,
                    "number": n.number,
                    "unit": n.unit,
                    "target": n.target,
                    "target_text": n.target_text,
                    "period_targets": n.period_targets,
                    "period_targets_text": n.period_targets_text,
                    "semantics": n.semantics,
                    "polarity": n.polarity,
                    "weight": n.weight,
                    "formula": n.formula_text,
                    "inputs": {k: input_fields(v) for k, v in (n.inputs or {}).items()},
                    "source": n.source,
                    "assumptions": [list(a) for a in (n.assumptions or [])],
                    "parent": n.parent,
                    "file": n.file,
                },
                "result": card[nid].to_dict(),
            }
        )
    doc = {"plan": plan.id, "content_hash": plan.content_hash, "period": card.period, "nodes": out}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
