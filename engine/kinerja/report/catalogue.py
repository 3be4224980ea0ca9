"""Report phase, formula catalogue: every indicator with its formula in math notation, inputs and units,
quarterly targets, period semantics, polarity, weight, sources and assumptions — for policy staff and
auditors to check the rules against the signed document. Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fmt import input_fields, math_html, math_text, number, sources
from .labels import level_label, t

# sifat_periode -> (Indonesian, English) explanation, docs/format-aturan.md §7
SEMANTICS: dict[str, tuple[str, str]] = {
    "jumlah": (
        "target triwulan dijumlah menjadi target tahun; realisasi dijumlah",
        "quarterly targets add up to the year; actuals are summed",
    ),
    "kumulatif": (
        "tiap triwulan = nilai s.d. triwulan itu; realisasi = nilai terakhir",
        "each quarter is the year-to-date value; actual = the last value",
    ),
    "tetap": (
        "tingkat yang dipertahankan tiap triwulan; realisasi = rata-rata",
        "a level held every quarter; actual = the mean",
    ),
    "batas": (
        "batas yang berlaku tiap triwulan; realisasi = rata-rata",
        "a limit held every quarter; actual = the mean",
    ),
    "bagi_rata": ("bagian sama per triwulan; realisasi dijumlah", "an equal share per quarter; actuals are summed"),
}


@dataclass
class Entry:
    """One node of the catalogue, with display-ready facts."""

    node: Any
    heading: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    formula_text: str = ""
    formula_html: str = ""
    period_targets: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    assumptions: list[tuple[str, str, str]] = field(default_factory=list)
    steps: list[Any] = field(default_factory=list)


def semantics_text(sem: str | None, lang: str) -> str:
    """A period semantics with its meaning."""
    if not sem:
        return "-"
    pair = SEMANTICS.get(sem)
    if pair is None:
        return sem
    return f"{sem} — {pair[1] if lang == 'en' else pair[0]}"


def _assumptions(node: Any) -> list[tuple[str, str, str]]:
    out = []
    for a in getattr(node, "assumptions", None) or []:
        if isinstance(a, tuple | list):
            key, reason, basis = (list(a) + ["", "", ""])[:3]
        else:
            key, reason, basis = getattr(a, "key", ""), getattr(a, "reason", str(a)), getattr(a, "basis", "")
        out.append((str(key or ""), str(reason or ""), str(basis or "")))
    return out


def entry(plan: Any, node: Any, lang: str) -> Entry:
    """The catalogue entry of one node."""
    e = Entry(node, f"{node.number or ''} {node.name}".strip())
    facts = e.facts
    facts.append(("id", node.id))
    facts.append((t("level", lang), level_label(node.level, lang)))
    group = getattr(node, "mode", None) == "group"  # a goal without a target of its own: a heading
    if node.kind:
        facts.append((t("kind", lang), node.kind))
    if not group:
        facts.append((t("unit", lang), node.unit or "-"))
        tt = node.target_text or ""
        shown = number(node.target, lang)
        tgt = f"{tt} ({shown})" if tt and node.target is not None and shown not in tt else (tt or shown)
        facts.append((t("target_year", lang), tgt))
        facts.append((t("semantics", lang), semantics_text(node.semantics, lang)))
        if node.polarity:
            facts.append((t("polarity", lang), t(node.polarity, lang)))
    if node.weight is not None:
        where = f" ({t('parent', lang).lower()}: {node.parent})" if node.parent else ""
        facts.append((t("weight", lang), number(node.weight, lang) + where))
    if node.owner:
        facts.append((t("owner", lang), node.owner))
    if node.remarks:
        facts.append((t("remarks", lang), node.remarks))
    if node.formula_text:
        e.formula_text = math_text(node.formula_text, lang)
        e.formula_html = math_html(node.formula_text, lang)
    texts = getattr(node, "period_targets_text", None) or {}
    values = getattr(node, "period_targets", None) or {}
    for p in plan.periods:
        written = texts.get(p)
        e.period_targets.append((p, written if written not in (None, "") else number(values.get(p), lang)))
    for name, spec in (node.inputs or {}).items():
        info = input_fields(spec)
        e.inputs.append(
            {
                "name": name,
                "id": f"{node.id}.{name}",
                "unit": info["unit"],
                "value": number(info["value"], lang) if info["value"] is not None else "",
                "source": info["source"],
                "assumption": info["assumption"],
            }
        )
    e.sources = sources(node)
    e.assumptions = _assumptions(node)
    return e


def entries(plan: Any, lang: str) -> list[Entry]:
    """Catalogue entries for every goal and indicator, with each indicator's action steps attached."""
    out: list[Entry] = []
    by_id: dict[str, Entry] = {}
    for node in plan.nodes:
        if node.level == "langkah_aksi":
            owner = node.parent
            while owner and plan.node(owner).level == "langkah_aksi":
                owner = plan.node(owner).parent
            if owner in by_id:
                by_id[owner].steps.append(node)
            continue
        e = entry(plan, node, lang)
        by_id[node.id] = e
        out.append(e)
    return out


def count_assumptions(plan: Any) -> int:
    """Every assumption of the plan (nodes and profile) when the engine lists them, else the nodes' own."""
    listed = getattr(plan, "assumptions", None)
    if isinstance(listed, list | tuple):
        return len(listed)
    return sum(len(_assumptions(n)) for n in plan.nodes)


def profile_facts(plan: Any, lang: str) -> list[tuple[str, str]]:
    """The scoring profile as (label, text) lines: capaian formulas, range rule, cap and floor, rounding,
    nilai bands and the predicate scale. Empty when the plan does not expose its profile."""
    prof = getattr(plan, "profile", None)
    spec = getattr(prof, "spec", None)
    if spec is None:
        return []
    en = lang == "en"
    a, r = spec.achievement, spec.rounding
    out = [
        ((t("achievement", lang) + " — " + ("positive" if en else "positif")), math_text(a.positive, lang)),
        ((t("achievement", lang) + " — " + ("negative" if en else "negatif")), math_text(a.negative, lang)),
        (
            (t("achievement", lang) + " — " + ("negative, inverse" if en else "negatif, invers")),
            math_text(a.negative_inverse, lang),
        ),
        (("negative method" if en else "metode negatif"), a.negative_method),
        (("range target" if en else "target rentang"), a.range_rule),
        (("cap / floor" if en else "batas atas / bawah"), f"{number(a.cap, lang)} / {number(a.floor, lang)}"),
        (
            ("rounding" if en else "pembulatan"),
            f"{r.mode}, {r.decimals} "
            + ("decimals" if en else "desimal")
            + (f"; {'before bands' if en else 'sebelum pita'}: {r.before_bands}" if r.before_bands is not None else ""),
        ),
    ]
    for band in getattr(prof, "bands", ()):
        desc = band.describe() if hasattr(band, "describe") else ""
        out.append((f"{t('score', lang)}: {desc}", math_text(band.spec.formula, lang)))
    if spec.score.max_target_score is not None:
        out.append((("maximum target" if en else "target maksimal"), number(spec.score.max_target_score, lang)))
    for step in spec.grades.steps:
        word = step.grade_en if en and step.grade_en else step.grade
        out.append((f"{t('grade', lang)}: {word}", f"{spec.grades.of} ≥ {number(step.at_least, lang)}"))
    return out


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_catalogue_md(plan: Any, lang: str = "id") -> str:
    """The catalogue as Markdown."""
    m = plan.meta
    lines = [f"# {t('catalogue_title', lang)}: {m.name}", ""]
    lines.append(f"- {t('plan', lang)}: `{plan.id}` · {t('year', lang)} {m.year} · {t('profile', lang)} `{m.profile}`")
    lines.append(f"- {t('content_hash', lang)}: `{plan.content_hash}`")
    lines.append(f"- {t('assumptions', lang)}: {count_assumptions(plan)}")
    lines.append("")
    prof = profile_facts(plan, lang)
    if prof:
        lines += [f"## {t('profile', lang)}: {m.profile}", "", "| | |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in prof]
        lines.append("")
    periods = list(plan.periods)
    for e in entries(plan, lang):
        node = e.node
        level = "##" if node.level == "sasaran" else "###" if node.depth <= 1 else "####"
        lines += [f"{level} {_md(e.heading)}", ""]
        lines += ["| | |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in e.facts]
        if e.formula_text:
            lines.append(f"| {t('formula', lang)} | `{_md(e.formula_text)}` |")
        elif getattr(node, "mode", None) != "group" and node.level != "sasaran":
            lines.append(f"| {t('formula', lang)} | {t('reported_directly', lang)} |")
        lines.append("")
        if any(v not in ("-", "") for _, v in e.period_targets):
            lines.append("| " + " | ".join(periods) + " |")
            lines.append("|" + "|".join("--:" for _ in periods) + "|")
            lines.append("| " + " | ".join(_md(v) for _, v in e.period_targets) + " |")
            lines.append("")
        if e.inputs:
            lines += [f"**{t('inputs', lang)}**", ""]
            lines.append(f"| id | {t('unit', lang)} | {t('value', lang)} | {t('source', lang)} |")
            lines.append("|---|---|--:|---|")
            lines += [f"| `{i['id']}` | {_md(i['unit'])} | {_md(i['value'])} | {_md(i['source'])} |" for i in e.inputs]
            lines.append("")
        if e.sources:
            lines += [f"**{t('sources', lang)}**: " + "; ".join(_md(f"{k}: {v}" if k else v) for k, v in e.sources), ""]
        if e.assumptions:
            lines += [f"**{t('assumptions', lang)}**", ""]
            for key, reason, basis in e.assumptions:
                lines.append(
                    f"- *{_md(key)}*: {_md(reason)}" + (f" ({t('basis', lang).lower()}: {_md(basis)})" if basis else "")
                )
            lines.append("")
        if e.steps:
            lines += [f"**{t('langkah_aksi', lang)}**", ""]
            lines.append(
                f"| {t('no', lang)} | {t('name', lang)} | {t('unit', lang)} | "
                + " | ".join(periods)
                + f" | {t('semantics', lang)} |"
            )
            lines.append("|---|---|---|" + "|".join("--:" for _ in periods) + "|---|")
            for s in e.steps:
                tw = [
                    (s.period_targets_text or {}).get(p) or number((s.period_targets or {}).get(p), lang)
                    for p in periods
                ]
                lines.append(
                    f"| {_md(s.number or '')} | {_md(s.name)} | {_md(s.unit or '')} | "
                    + " | ".join(_md(x) for x in tw)
                    + f" | {_md(s.semantics or '-')} |"
                )
            lines.append("")
            step_asm = [(s, a) for s in e.steps for a in _assumptions(s)]
            if step_asm:
                lines += [f"**{t('assumptions', lang)} ({t('langkah_aksi', lang).lower()})**", ""]
                for s, (key, reason, basis) in step_asm:
                    extra = f" ({t('basis', lang).lower()}: {_md(basis)})" if basis else ""
                    lines.append(f"- `{s.id}` *{_md(key)}*: {_md(reason)}{extra}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_catalogue_html(plan: Any, lang: str = "id") -> str:
    """The catalogue as one self-contained HTML page."""
    from markupsafe import Markup

    from .html import environment

    ents = entries(plan, lang)
    for e in ents:
        e.formula_html = Markup(e.formula_html)  # type: ignore[assignment]
    tpl = environment().get_template("catalogue.html.j2")
    return tpl.render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        plan=plan,
        meta=plan.meta,
        entries=ents,
        periods=list(plan.periods),
        n_assumptions=count_assumptions(plan),
        profile_facts=profile_facts(plan, lang),
        step_assumptions={e.node.id: [(x.id, *a) for x in e.steps for a in _assumptions(x)] for e in ents},
        number=lambda x: number(x, lang),
    )


RENDERERS = {"md": render_catalogue_md, "html": render_catalogue_html}
