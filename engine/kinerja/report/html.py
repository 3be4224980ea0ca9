"""Report phase, HTML: one self-contained file (inline CSS, JS and SVG; no network) with the measurement
table, charts, and the calculation trace of each number behind a <details> one click away.
"""

from __future__ import annotations

from typing import Any

from .charts import GoalBar, QuarterPoint, goal_chart, quarter_chart
from .fmt import math_html, number, percent, sources, step_parts
from .labels import level_label, t
from .tables import Row, counts, grade_in, grade_style, note


def environment() -> Any:
    """The jinja2 environment of the report templates (autoescaped), with the report's filters."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kinerja.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["number"] = number
    env.filters["percent"] = percent
    return env


def _result(card: Any, node_id: str) -> Any:
    try:
        return card[node_id]
    except (KeyError, IndexError):
        return None


def node_facts(node: Any, lang: str) -> list[tuple[str, Any, bool]]:
    """(label, value, is_html) pairs describing how a node's numbers are defined, shown above its trace."""
    facts: list[tuple[str, Any, bool]] = [(t("id", lang), node.id, False)]
    if getattr(node, "kind", None):
        facts.append((t("kind", lang), node.kind, False))
    if getattr(node, "formula_text", None):
        from markupsafe import Markup

        facts.append((t("formula", lang), Markup(math_html(node.formula_text, lang)), True))
    if getattr(node, "target_text", None):
        facts.append((t("target_year", lang), node.target_text, False))
    if getattr(node, "polarity", None):
        facts.append((t("polarity", lang), t(node.polarity, lang), False))
    if getattr(node, "semantics", None):
        facts.append((t("semantics", lang), node.semantics, False))
    src = sources(node)
    if src:
        facts.append((t("source", lang), "; ".join(f"{k}: {v}" if k else v for k, v in src), False))
    return facts


def _trace(row: Row, lang: str) -> list[dict[str, Any]]:
    out = []
    for step in row.trace:
        label, _, items, subs, result = step_parts(step, lang)
        f = step.get("formula")
        out.append(
            {
                "label": label,
                "formula": math_html(f, lang) if isinstance(f, str) else None,
                "pairs": items,
                "subs": subs,
                "result": result,
            }
        )
    return out


def goal_bars(report: Any) -> list[GoalBar]:
    """Bars of the goal chart: a goal's own capaian, or (when it has none) a heading and its indicators'."""
    plan, card, lang = report.plan, report.card, report.lang
    bars: list[GoalBar] = []
    for node in plan.nodes:
        if node.level != "sasaran":
            continue
        r = _result(card, node.id)
        label = f"{node.number or ''} {node.name}".strip()
        if r is not None and r.achievement is not None:
            bars.append(GoalBar(label, r.achievement, grade_in(plan, node, r, lang)))
            continue
        kids = [plan.node(c) for c in node.children]
        kids = [k for k in kids if k.level == "indikator"]
        bars.append(GoalBar(label, None, None, heading=bool(kids)))
        for k in kids:
            kr = _result(card, k.id)
            bars.append(
                GoalBar(
                    f"{k.number or ''} {k.name}".strip(),
                    kr.achievement if kr is not None else None,
                    kr.grade if kr is not None else None,
                )
            )
    if not bars:
        bars.append(GoalBar(t("no_nodes", lang), None))
    return bars


def quarter_points(report: Any, node: Any) -> list[QuarterPoint]:
    """Target and realisasi of `node` in each quarter (from the quarter scorecards, else the plan's targets)."""
    pts = []
    for q in report.plan.periods:
        card = report.quarters.get(q)
        r = _result(card, node.id) if card is not None else None
        tgt = r.target if r is not None and r.target is not None else (node.period_targets or {}).get(q)
        pts.append(QuarterPoint(q, tgt, r.actual if r is not None else None))
    return pts


def render_html(report: Any) -> str:
    """The score report as one self-contained HTML page."""
    lang = report.lang
    plan = report.plan
    rows = []
    for row in report.rows:
        node = plan.node(row.id)
        _, css = grade_style(row.grade)
        rows.append(
            {
                "row": row,
                "level": level_label(row.level, lang),
                "grade_class": css,
                "note": note(row, lang),
                "status_label": t(row.status, lang),
                "facts": node_facts(node, lang),
                "trace": _trace(row, lang),
            }
        )
    charts = []
    if report.quarters:
        for node in plan.nodes:
            if node.level != "indikator":
                continue
            pts = quarter_points(report, node)
            if all(p.target is None and p.actual is None for p in pts):
                continue
            title = f"{node.number or ''} {node.name}".strip()
            charts.append({"node": node, "title": title, "svg": quarter_chart(pts, title, node.unit or "", lang)})
    sig = getattr(plan.meta, "signature", None)
    env = environment()
    tpl = env.get_template("score.html.j2")
    from markupsafe import Markup

    return tpl.render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        plan=plan,
        meta=plan.meta,
        period=report.card.period,
        rows=rows,
        counts=counts(report.rows),
        goal_svg=Markup(goal_chart(goal_bars(report), t("chart_goal", lang), lang)),
        charts=[{**c, "svg": Markup(c["svg"])} for c in charts],
        problems=[p.render(lang) for p in report.problems],
        data_files=report.data_files,
        generated=report.generated,
        signature=sig,
        profile=getattr(plan.meta, "profile", None),
    )
