"""Report phase, tables: a scorecard flattened into rows, and the plain outputs built from them
(terminal table, CSV, Markdown, JSON).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..safety import csv_writer
from .fmt import number, percent, plain_number
from .labels import t

# Grade colours by the grade's wording (both languages); a profile with other words gets no colour.
GRADE_STYLES: dict[str, tuple[str, str]] = {
    # grade (lowercase) -> (rich style, CSS class)
    "sangat baik": ("bold green", "g-sb"),
    "very good": ("bold green", "g-sb"),
    "baik": ("green", "g-b"),
    "good": ("green", "g-b"),
    "cukup": ("yellow", "g-c"),
    "fair": ("yellow", "g-c"),
    "kurang": ("red", "g-k"),
    "poor": ("red", "g-k"),
    "sangat kurang": ("bold red", "g-sk"),
    "very poor": ("bold red", "g-sk"),
}
STATUS_STYLES = {"scored": "", "no_data": "dim", "no_target": "dim", "not_applicable": "dim", "error": "bold magenta"}
STATUS_ORDER = ("scored", "no_data", "no_target", "not_applicable", "error")


def grade_style(grade: str | None) -> tuple[str, str]:
    """(rich style, CSS class) for a predicate; empty strings when unknown."""
    if not grade:
        return "", ""
    return GRADE_STYLES.get(grade.strip().lower(), ("", ""))


@dataclass(frozen=True)
class Row:
    """One node with its result, ready to display (raw values; formatting is the renderer's job)."""

    id: str
    level: str
    depth: int
    number: str
    name: str
    unit: str
    target: Any
    actual: float | None
    achievement: float | None
    score: float | None
    grade: str | None
    status: str
    reason: str
    remarks: str
    owner: str
    kind: str | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)
    group: bool = False  # a goal with no target of its own: a heading, nothing to score
    coverage: float | None = None  # an index: share of the applicable weight that has a value (0..1)
    left_out: tuple[str, ...] = ()  # an index: its components without a value
    left_out_status: tuple[str, ...] = ()  # the status of each component left out


def _s(x: Any) -> str:
    return "" if x is None else str(x)


def grade_in(plan: Any, node: Any, result: Any, lang: str) -> str | None:
    """The result's predicate in `lang`: the engine words it in the plan's language, so another language
    asks the node's profile again for the same nilai (or capaian)."""
    if result.grade is None or lang == getattr(plan, "language", lang):
        return result.grade
    profile = getattr(node, "profile", None) or getattr(plan, "profile", None)
    if profile is None:
        return result.grade
    of = getattr(getattr(getattr(profile, "spec", None), "grades", None), "of", "nilai")
    value = result.score if of == "nilai" and result.score is not None else result.achievement
    try:
        return profile.grade(value, lang) or result.grade
    except Exception:  # a profile without that language keeps the engine's word
        return result.grade


def build_rows(plan: Any, card: Any, lang: str | None = None) -> list[Row]:
    """One Row per result of `card`, in document order (predicates in `lang`, default the plan's)."""
    shown = lang or str(getattr(plan, "language", "id"))
    out = []
    results = {r.node_id: r for r in card}
    for r in card:
        node = plan.node(r.node_id)
        group = getattr(node, "mode", None) == "group"
        trace = list(r.trace or [])
        left_out = tuple(getattr(r, "left_out", ()) or ())
        out.append(
            Row(
                id=node.id,
                level=node.level,
                depth=int(getattr(node, "depth", 0) or 0),
                number=_s(node.number),
                name=node.name,
                unit="" if group else _s(getattr(r, "unit", None) or node.unit),
                target=r.target,
                actual=actual_used(r.actual, trace),
                achievement=r.achievement,
                score=r.score,
                grade=grade_in(plan, node, r, shown),
                status=r.status,
                reason=_s(r.reason),
                remarks=_s(node.remarks),
                owner=_s(node.owner),
                kind=getattr(node, "kind", None),
                trace=trace,
                group=group,
                coverage=getattr(r, "coverage", None),
                left_out=left_out,
                left_out_status=tuple(results[i].status if i in results else "" for i in left_out),
            )
        )
    return out


def actual_used(actual: float | None, trace: list[dict[str, Any]]) -> float | None:
    """The realisasi the capaian was computed from: rounded first when the profile says `realisasi_dulu`
    (the trace's `round_actual` step), so that a reader who recomputes the capaian gets the same one."""
    for step in trace:
        if step.get("step") == "round_actual" and step.get("value") is not None:
            return float(step["value"])
    return actual


def coverage_note(row: Row, lang: str) -> str:
    """ "cakupan 8 % bobot; tidak dinilai: a (tidak ada data), b (galat)" for an index that left components
    out; empty otherwise."""
    if row.coverage is None or not row.left_out:
        return ""
    from ..evaluate import percent_text

    left = ", ".join(
        f"{i} ({t(st, lang)})" if st else i
        for i, st in zip(row.left_out, row.left_out_status or [""] * 99, strict=False)
    )
    return t("coverage_note", lang, coverage=percent_text(row.coverage, lang), left_out=left)


def counts(rows: list[Row]) -> dict[str, int]:
    """How many rows per status (every status key present)."""
    c = Counter(r.status for r in rows)
    return {k: c.get(k, 0) for k in STATUS_ORDER}


def note(row: Row, lang: str) -> str:
    """What the Keterangan column shows: the reason a row is not scored, else the node's remarks; for an
    index that left components out, its coverage and what was left out, next to the number."""
    cov = coverage_note(row, lang)
    if row.status != "scored" and not row.group:
        label = t(row.status, lang)
        text = f"{label}: {row.reason}" if row.reason else label
        return f"{text}; {cov}" if cov and "cakupan" not in row.reason and "coverage" not in row.reason else text
    if cov:
        return f"{cov}; {row.remarks}" if row.remarks else cov
    return row.remarks


# ------------------------------------------------------------------ terminal


def rich_table(report: Any) -> Any:
    """A rich Table of the report's scorecard, predicates coloured."""
    from rich.table import Table
    from rich.text import Text

    lang = report.lang
    plan = report.plan
    table = Table(
        title=f"{t('report_title', lang)} — {plan.meta.name} — {report.card.period}",
        title_justify="left",
        show_lines=False,
        header_style="bold",
        expand=False,
    )
    table.add_column(t("no", lang), no_wrap=True)
    table.add_column(t("name", lang), ratio=3, min_width=30)
    table.add_column(t("unit", lang), no_wrap=True)
    table.add_column(t("target", lang), justify="right", no_wrap=True)
    table.add_column(t("actual", lang), justify="right", no_wrap=True)
    table.add_column(t("achievement", lang), justify="right", no_wrap=True)
    table.add_column(t("score", lang), justify="right", no_wrap=True)
    table.add_column(t("grade", lang), no_wrap=True)
    table.add_column(t("remarks", lang), ratio=2, min_width=12)
    for row in report.rows:
        style = "bold" if row.level == "sasaran" else ("" if row.level == "indikator" else "dim")
        name = Text("  " * row.depth + row.name, style=style)
        gstyle, _ = grade_style(row.grade)
        status_style = STATUS_STYLES.get(row.status, "")
        table.add_row(
            row.number,
            name,
            row.unit,
            number(row.target, lang),
            number(row.actual, lang),
            percent(row.achievement, lang),
            number(row.score, lang),
            Text(row.grade or "", style=gstyle),
            Text(note(row, lang), style=status_style),
        )
    return table


# ------------------------------------------------------------------ CSV, Markdown, JSON

CSV_COLUMNS = (
    "id",
    "nomor",
    "tingkat",
    "nama",
    "satuan",
    "periode",
    "target",
    "realisasi",
    "capaian",
    "nilai",
    "predikat",
    "status",
    "alasan",
    "cakupan",
    "tidak_dinilai",
)


def render_csv(report: Any) -> str:
    """The scorecard as CSV: `;` and decimal comma (Indonesian spreadsheets) or `,` and point for English."""
    lang = report.lang
    buf = io.StringIO()
    w = csv_writer(buf, delimiter=";" if lang != "en" else ",", lineterminator="\n")  # no cell starts a formula
    w.writerow(CSV_COLUMNS)
    for r in report.rows:
        w.writerow(
            [
                r.id,
                r.number,
                r.level,
                r.name,
                r.unit,
                report.card.period,
                plain_number(r.target, lang),
                plain_number(r.actual, lang),
                plain_number(r.achievement, lang),
                plain_number(r.score, lang),
                r.grade or "",
                r.status,
                r.reason,
                plain_number(None if r.coverage is None else r.coverage * 100, lang),
                ", ".join(r.left_out),
            ]
        )
    return buf.getvalue()


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_md(report: Any) -> str:
    """The scorecard as a Markdown document: header block, counts, one table, data problems."""
    lang = report.lang
    plan = report.plan
    m = plan.meta
    lines = [f"# {t('report_title', lang)}: {_md(m.name)}", ""]
    lines += [f"- {t('period', lang)}: **{report.card.period}**"]
    if getattr(m, "unit_name", None):
        lines.append(f"- {t('unit_name', lang)}: {_md(m.unit_name)}")
    lines.append(f"- {t('plan', lang)}: `{plan.id}` ({t('content_hash', lang)} `{str(plan.content_hash)[:16]}…`)")
    if report.data_files:
        lines.append(f"- {t('data_files', lang)}: " + ", ".join(f"`{f}`" for f in report.data_files))
    lines += ["", t("counts", lang, **counts(report.rows)), ""]
    head = ["no", "name", "unit", "target", "actual", "achievement", "score", "grade", "remarks"]
    lines.append("| " + " | ".join(t(h, lang) for h in head) + " |")
    lines.append("|" + "|".join(["---", "---", "---", "--:", "--:", "--:", "--:", "---", "---"]) + "|")
    for r in report.rows:
        name = _md(r.name)
        if r.level == "sasaran":
            name = f"**{name}**"
        elif r.level == "langkah_aksi":
            name = f"*{name}*"
        name = "&nbsp;&nbsp;" * r.depth + name
        lines.append(
            "| "
            + " | ".join(
                [
                    _md(r.number),
                    name,
                    _md(r.unit),
                    number(r.target, lang),
                    number(r.actual, lang),
                    percent(r.achievement, lang),
                    number(r.score, lang),
                    _md(r.grade or ""),
                    _md(note(r, lang)),
                ]
            )
            + " |"
        )
    if report.problems:
        lines += ["", f"## {t('data_problems', lang)}", ""]
        lines += [f"- {_md(p.render(lang))}" for p in report.problems]
    return "\n".join(lines) + "\n"


def render_json(report: Any) -> str:
    """The scorecard's own `to_dict()`, plus the plan's name and year, the language and the data files;
    problems are worded in the report's language."""
    plan = report.plan
    doc = report.card.to_dict()
    doc = {
        "plan": doc.pop("plan", plan.id),
        "plan_name": plan.meta.name,
        "year": plan.meta.year,
        "language": report.lang,
        "data_files": list(report.data_files),
        **doc,
    }
    doc["problems"] = [p.to_dict(report.lang) for p in report.problems]
    shown = {r.id: r for r in report.rows}
    for res in doc.get("results", []):
        row = shown.get(res.get("id"))
        if row is not None:
            res["actual_used"] = row.actual  # the realisasi the capaian was computed from (`realisasi_dulu`)
    doc["summary"] = summary(report)
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def summary(report: Any) -> dict[str, int]:
    """Counts per status over every result of the report's scorecard, and the rows of data refused."""
    c = Counter(r.status for r in report.card)
    out = {k: c.get(k, 0) for k in STATUS_ORDER}
    out["refused_rows"] = sum(1 for p in report.problems if p.severity == "error")
    return out


def summary_line(counted: dict[str, int], lang: str) -> str:
    """The one line every `score` prints on stderr: counts per status and refused rows."""
    return t("summary", lang, **counted)


__all__ = [
    "Row",
    "build_rows",
    "counts",
    "grade_in",
    "note",
    "render_csv",
    "render_json",
    "render_md",
    "rich_table",
    "summary",
    "summary_line",
]
