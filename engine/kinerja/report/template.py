"""Report phase, input template: the empty realisasi sheet for a period (CSV with `;`, or XLSX), in the
columns of docs/format-aturan.md §9 plus `nama` and `target` for the person filling it in. The data
reader ignores those two columns, so a filled template is read back by `score` unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ..periods import months_of
from ..safety import csv_writer
from .fmt import input_fields, number

COLUMNS = ("id", "nama", "satuan", "target", "periode", "realisasi", "keterangan")


@dataclass(frozen=True)
class TemplateRow:
    """One line to fill in: a node (or a formula input `node.input`) in one period."""

    id: str
    name: str
    unit: str
    target: str
    period: str
    level: str
    note: str = ""


def is_computed(node: Any) -> bool:
    """True when the node's realisasi comes from a formula, ratio or index rather than from the data."""
    mode = getattr(node, "mode", None)
    if mode is not None:
        return mode in ("formula", "index", "group")
    return bool(getattr(node, "formula_text", None)) or getattr(node, "kind", None) in ("indeks", "rasio", "rumus")


def template_rows(plan: Any, period: str, lang: str = "id") -> list[TemplateRow]:
    """The rows of the input sheet for `period` ("TW3"; "sd-TW2" and the year give a row per quarter):
    every reported node with a target in the period, and every formula input without a fixed value,
    in document order.

    Raises:
        ValueError: unknown period.
    """
    out: list[TemplateRow] = []
    for p in plan.period(period).members:
        for node in plan.nodes:
            if is_computed(node):
                for name, spec in (node.inputs or {}).items():
                    info = input_fields(spec)
                    if info["value"] is not None:
                        continue
                    # a monthly input (`periode = "bulan"`) is filled in per month of the quarter
                    subs = months_of((p,)) if getattr(spec, "monthly", False) else (p,)
                    for sub in subs:
                        out.append(
                            TemplateRow(f"{node.id}.{name}", f"{node.name} — {name}", info["unit"], "", sub, node.level)
                        )
                continue
            written = (node.period_targets_text or {}).get(p) or ""
            value = (node.period_targets or {}).get(p)
            if value is None and node.target is None:
                continue
            tgt = written.strip() or (number(value, lang) if value is not None else "")
            out.append(TemplateRow(node.id, node.name, node.unit or "", tgt, p, node.level))
    return out


def render_template_csv(rows: list[TemplateRow]) -> str:
    """The template as CSV with `;` (Indonesian spreadsheet convention)."""
    buf = io.StringIO()
    w = csv_writer(buf, delimiter=";", lineterminator="\n")  # no cell starts a formula
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.id, r.name, r.unit, r.target, r.period, "", r.note])
    return buf.getvalue()
