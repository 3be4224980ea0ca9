"""Report phase, spreadsheets (openpyxl): the LKIP "Pengukuran Kinerja" workbook (a sheet per quarter,
numbers stored as numbers) and the XLSX input template.
"""

from __future__ import annotations

import io
from typing import Any

from ..safety import neutralise_workbook
from .labels import t
from .tables import Row, build_rows, note
from .template import COLUMNS, TemplateRow

NUM = "General"
DEC = "#,##0.00"
PCT = "0.00"


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="9AA5B1")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "head_fill": PatternFill("solid", fgColor="D9E2EC"),
        "goal_fill": PatternFill("solid", fgColor="E6F0FA"),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "num": Alignment(horizontal="right", vertical="top"),
    }


def number_format(v: float) -> str:
    """Whole numbers as they are; others with two decimals shown (the cell keeps every digit)."""
    return NUM if float(v).is_integer() else DEC


def _num(v: Any) -> Any:
    """A number stays a number; a (low, high) range becomes text "80–90"; None stays empty."""
    if isinstance(v, tuple | list):
        return "–".join(f"{x:g}" for x in v)
    return v


def _sheet_title(text: str) -> str:
    bad = "[]:*?/\\"
    return "".join("-" if c in bad else c for c in text)[:31]


def _lkip_sheet(wb: Any, title: str, report: Any, card: Any, s: dict[str, Any]) -> None:
    """One LKIP table: No, Sasaran, Indikator, Satuan, Target, Realisasi, Capaian, Keterangan, Nilai, Predikat."""
    from openpyxl.utils import get_column_letter

    lang = report.lang
    plan = report.plan
    ws = wb.create_sheet(_sheet_title(title))
    heads = [
        t("no", lang),
        t("sasaran", lang),
        t("indikator", lang),
        t("unit", lang),
        t("target", lang),
        t("actual", lang),
        t("achievement_pct", lang),
        t("remarks", lang),
        t("score", lang),
        t("grade", lang),
    ]
    ws.cell(1, 1, t("report_title", lang).upper()).font = s["title"]
    ws.cell(2, 1, plan.meta.name)
    ws.cell(3, 1, f"{t('period', lang)}: {card.period}")
    if getattr(plan.meta, "unit_name", None):
        ws.cell(3, 4, f"{t('unit_name', lang)}: {plan.meta.unit_name}")
    head_row = 5
    for c, h in enumerate(heads, 1):
        cell = ws.cell(head_row, c, h)
        cell.font, cell.fill, cell.border, cell.alignment = s["bold"], s["head_fill"], s["border"], s["center"]
    for c in range(1, len(heads) + 1):  # column numbers (1)…(10), as printed LKIP tables have
        cell = ws.cell(head_row + 1, c, f"({c})")
        cell.alignment, cell.border, cell.fill = s["center"], s["border"], s["head_fill"]
    rows = [r for r in build_rows(plan, card, lang) if r.level in ("sasaran", "indikator")]
    r_i = head_row + 2
    goal_start: int | None = None

    def close_goal(end: int) -> None:
        if goal_start is not None and end > goal_start:
            for col in (1, 2):
                ws.merge_cells(start_row=goal_start, start_column=col, end_row=end, end_column=col)

    for row in rows:
        if row.level == "sasaran":
            close_goal(r_i - 1)
            goal_start = r_i
            ws.cell(r_i, 1, row.number)
            ws.cell(r_i, 2, row.name)
            has_own = row.target is not None or row.actual is not None
            if has_own:
                _values(ws, r_i, row, lang, indicator_text=t("sasaran", lang))
                r_i += 1
            else:
                # The goal's cells stay merged over its indicators; an empty first row only if it has none.
                nxt = rows.index(row) + 1
                if nxt >= len(rows) or rows[nxt].level == "sasaran":
                    r_i += 1
            continue
        indent = "   " * max(row.depth - 1, 0)
        _values(ws, r_i, row, lang, indicator_text=f"{indent}{row.number + ' ' if row.number else ''}{row.name}")
        r_i += 1
    close_goal(r_i - 1)
    last = r_i - 1
    for rr in range(head_row + 2, last + 1):
        for c in range(1, len(heads) + 1):
            cell = ws.cell(rr, c)
            cell.border = s["border"]
            if c in (5, 6, 7, 9):
                cell.alignment = s["num"]
            else:
                cell.alignment = s["wrap"]
        if ws.cell(rr, 2).value and ws.cell(rr, 3).value is None:
            for c in range(1, len(heads) + 1):
                ws.cell(rr, c).fill = s["goal_fill"]
    for c, w in enumerate([6, 34, 50, 10, 12, 12, 12, 40, 9, 14], 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(head_row + 2, 1)
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head_row}:{head_row + 1}"


def _values(ws: Any, r_i: int, row: Row, lang: str, indicator_text: str) -> None:
    ws.cell(r_i, 3, indicator_text)
    ws.cell(r_i, 4, row.unit)
    for col, v, fmt in ((5, row.target, None), (6, row.actual, None), (7, row.achievement, PCT), (9, row.score, PCT)):
        cell = ws.cell(r_i, col, _num(v))
        if isinstance(v, int | float):
            cell.number_format = fmt or number_format(v)
    ws.cell(r_i, 8, note(row, lang) or None)
    ws.cell(r_i, 10, row.grade)


def _detail_sheet(wb: Any, report: Any, s: dict[str, Any]) -> None:
    """Every node of the requested period (action steps included), one row each, for filtering."""
    from openpyxl.utils import get_column_letter

    lang = report.lang
    ws = wb.create_sheet(_sheet_title(f"{t('details', lang)} {report.card.period}"))
    heads = [
        "id",
        t("level", lang),
        t("no", lang),
        t("name", lang),
        t("unit", lang),
        t("period", lang),
        t("target", lang),
        t("actual", lang),
        t("achievement_pct", lang),
        t("score", lang),
        t("grade", lang),
        t("status", lang),
        t("reason", lang),
        t("owner", lang),
    ]
    for c, h in enumerate(heads, 1):
        cell = ws.cell(1, c, h)
        cell.font, cell.fill = s["bold"], s["head_fill"]
    for i, r in enumerate(report.rows, 2):
        vals = [
            r.id,
            r.level,
            r.number,
            r.name,
            r.unit,
            report.card.period,
            _num(r.target),
            r.actual,
            r.achievement,
            r.score,
            r.grade,
            t(r.status, lang),
            r.reason or None,
            r.owner or None,
        ]
        for c, v in enumerate(vals, 1):
            cell = ws.cell(i, c, v)
            if c in (9, 10) and isinstance(v, int | float):
                cell.number_format = PCT
            elif c in (7, 8) and isinstance(v, int | float):
                cell.number_format = number_format(v)
    for c, w in enumerate([26, 12, 6, 60, 10, 8, 10, 10, 12, 8, 14, 14, 40, 30], 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{len(report.rows) + 1}"


def _save(wb: Any) -> bytes:
    buf = io.BytesIO()
    neutralise_workbook(wb)  # every text cell stays text: no formula, whatever a name or label starts with
    wb.save(buf)
    return buf.getvalue()


def render_xlsx(report: Any) -> bytes:
    """The LKIP workbook: the requested period's sheet (when it is not a quarter), one sheet per quarter,
    and a detail sheet of every node."""
    from openpyxl import Workbook

    s = _styles()
    wb = Workbook()
    wb.remove(wb.active)
    if report.card.period not in report.quarters:
        _lkip_sheet(wb, report.card.period, report, report.card, s)
    for q, card in report.quarters.items():
        _lkip_sheet(wb, q, report, card, s)
    _detail_sheet(wb, report, s)
    wb.properties.title = f"{t('report_title', report.lang)} {report.plan.meta.name} {report.card.period}"
    wb.properties.creator = "kinerja"
    return _save(wb)


def render_template_xlsx(rows: list[TemplateRow], title: str = "realisasi") -> bytes:
    """The input template as a workbook: one sheet, header in row 1, the `realisasi` column left blank."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    s = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    for c, h in enumerate(COLUMNS, 1):
        cell = ws.cell(1, c, h)
        cell.font, cell.fill = s["bold"], s["head_fill"]
    for i, r in enumerate(rows, 2):
        for c, v in enumerate([r.id, r.name, r.unit, r.target, r.period, None, r.note or None], 1):
            ws.cell(i, c, v)
    for c, w in enumerate([32, 60, 10, 12, 8, 14, 30], 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"
    return _save(wb)
