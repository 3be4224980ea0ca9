"""Report phase, charts: small inline SVG drawn here (no library, no network) for the HTML report.

`quarter_chart`: target and realisasi of one indicator per quarter (a range target is a shaded band).
`goal_chart`: capaian per goal as horizontal bars with a line at 100 %.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .fmt import number
from .labels import t
from .tables import grade_style

TARGET_FILL = "#9aa5b1"
ACTUAL_FILL = "#2563eb"


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


@dataclass(frozen=True)
class QuarterPoint:
    """One quarter of an indicator: its target (number, (low, high) or None) and realisasi (or None)."""

    period: str
    target: Any
    actual: float | None


def quarter_chart(points: Sequence[QuarterPoint], title: str, unit: str, lang: str = "id",
                  width: int = 300, height: int = 170) -> str:
    """Grouped bars per quarter: target (grey; a band for a range) beside realisasi (blue)."""
    left, right, top, bottom = 44, 8, 22, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values: list[float] = []
    for p in points:
        if isinstance(p.target, tuple | list):
            values += [float(v) for v in p.target]
        elif isinstance(p.target, int | float):
            values.append(float(p.target))
        if p.actual is not None:
            values.append(float(p.actual))
    lo = min([0.0] + values)
    hi = _nice_max(max([0.0] + values)) if values else 1.0
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / span * plot_h

    out = [
        f'<svg class="chart quarter" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text x="{left}" y="14" class="ct">{_e(unit)}</text>',
    ]
    for frac in (0, 0.5, 1):
        v = lo + span * frac
        yy = y(v)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 4}" y="{yy + 3:.1f}" text-anchor="end" class="ax">{_e(number(v, lang, 2))}</text>')
    n = max(len(points), 1)
    slot = plot_w / n
    bw = slot * 0.32
    for i, p in enumerate(points):
        x0 = left + i * slot + slot * 0.15
        if isinstance(p.target, tuple | list):
            a, b = sorted(float(v) for v in p.target)
            out.append(
                f'<rect x="{x0:.1f}" y="{y(b):.1f}" width="{bw:.1f}" height="{max(y(a) - y(b), 1):.1f}" '
                f'fill="{TARGET_FILL}" opacity="0.6"><title>{_e(t("target", lang))} {p.period}: '
                f"{_e(number(p.target, lang))}</title></rect>"
            )
        elif isinstance(p.target, int | float):
            v = float(p.target)
            y1, y2 = sorted((y(v), y(0) if lo <= 0 else y(lo)))
            out.append(
                f'<rect x="{x0:.1f}" y="{y1:.1f}" width="{bw:.1f}" height="{max(y2 - y1, 0.5):.1f}" fill="{TARGET_FILL}">'
                f"<title>{_e(t('target', lang))} {p.period}: {_e(number(v, lang))}</title></rect>"
            )
        x1 = x0 + bw + 2
        if p.actual is not None:
            v = float(p.actual)
            y1, y2 = sorted((y(v), y(0) if lo <= 0 else y(lo)))
            out.append(
                f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{bw:.1f}" height="{max(y2 - y1, 0.5):.1f}" fill="{ACTUAL_FILL}">'
                f"<title>{_e(t('actual', lang))} {p.period}: {_e(number(v, lang))}</title></rect>"
            )
            out.append(f'<text x="{x1 + bw / 2:.1f}" y="{y1 - 3:.1f}" text-anchor="middle" class="vl">'
                       f"{_e(number(v, lang, 1))}</text>")
        else:
            out.append(f'<text x="{x1 + bw / 2:.1f}" y="{y(lo) - 3:.1f}" text-anchor="middle" class="na">–</text>')
        out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                   f'class="ax">{_e(p.period)}</text>')
    ly = height - 8
    out.append(f'<rect x="{left}" y="{ly - 8}" width="10" height="8" fill="{TARGET_FILL}"/>'
               f'<text x="{left + 14}" y="{ly}" class="ax">{_e(t("legend_target", lang))}</text>')
    out.append(f'<rect x="{left + 80}" y="{ly - 8}" width="10" height="8" fill="{ACTUAL_FILL}"/>'
               f'<text x="{left + 94}" y="{ly}" class="ax">{_e(t("legend_actual", lang))}</text>')
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class GoalBar:
    """One bar of the goal chart."""

    label: str
    achievement: float | None
    grade: str | None = None
    heading: bool = False  # a goal heading with no bar of its own (its indicators follow)


def goal_chart(bars: Sequence[GoalBar], title: str, lang: str = "id", width: int = 900) -> str:
    """Horizontal capaian bars; a dashed line marks 100 %; bars beyond the scale are cut with an arrow."""
    row_h, label_w, top = 24, 380, 24
    height = top + row_h * max(len(bars), 1) + 28
    plot_w = width - label_w - 70
    vals = [b.achievement for b in bars if b.achievement is not None]
    scale = max(120.0, min(max(vals, default=100.0), 200.0))

    def x(v: float) -> float:
        return label_w + max(0.0, min(v, scale)) / scale * plot_w

    out = [
        f'<svg class="chart goals" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    for frac in (0, 0.25, 0.5, 0.75, 1):
        v = scale * frac
        out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top - 4}" y2="{height - 24}" class="grid"/>')
        out.append(f'<text x="{x(v):.1f}" y="{height - 10}" text-anchor="middle" class="ax">{_e(number(v, lang, 0))} %</text>')
    for i, b in enumerate(bars):
        yy = top + i * row_h
        label = b.label if len(b.label) <= 58 else b.label[:56] + "…"
        cls = "gl head" if b.heading else "gl"
        out.append(f'<text x="{label_w - 8}" y="{yy + 15}" text-anchor="end" class="{cls}">{_e(label)}'
                   f"<title>{_e(b.label)}</title></text>")
        if b.achievement is None:
            if not b.heading:
                out.append(f'<text x="{label_w + 4}" y="{yy + 15}" class="na">{_e(t("no_data", lang))}</text>')
            continue
        _, css = grade_style(b.grade)
        w = x(b.achievement) - label_w
        out.append(f'<rect x="{label_w}" y="{yy + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                   f'class="bar {css}"><title>{_e(b.label)}: {_e(number(b.achievement, lang))} %'
                   f"{' — ' + _e(b.grade) if b.grade else ''}</title></rect>")
        cut = b.achievement > scale
        out.append(f'<text x="{x(b.achievement) + 4:.1f}" y="{yy + 15}" class="vl">'
                   f"{'▶ ' if cut else ''}{_e(number(b.achievement, lang))} %</text>")
    out.append(f'<line x1="{x(100):.1f}" x2="{x(100):.1f}" y1="{top - 8}" y2="{height - 24}" class="ref"/>')
    out.append("</svg>")
    return "".join(out)
