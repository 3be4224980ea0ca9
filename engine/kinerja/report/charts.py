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


def quarter_chart(
    points: Sequence[QuarterPoint], title: str, unit: str, lang: str = "id", width: int = 300, height: int = 170
) -> str:
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
    lo = min([0.0, *values])
    hi = _nice_max(max([0.0, *values]))
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / span * plot_h

    base = y(max(lo, 0.0))
    out = [
        f'<svg class="chart quarter" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text x="{left}" y="14" class="ct">{_e(unit)}</text>',
    ]
    for frac in (0, 0.5, 1):
        v = lo + span * frac
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
        out.append(
            f'<text x="{left - 4}" y="{y(v) + 3:.1f}" text-anchor="end" class="ax">{_e(number(v, lang, 2))}</text>'
        )
    slot = plot_w / max(len(points), 1)
    bw = slot * 0.32
    for i, p in enumerate(points):
        x0 = left + i * slot + slot * 0.15
        x1 = x0 + bw + 2
        tlabel = f"{t('target', lang)} {p.period}"
        if isinstance(p.target, tuple | list):
            a, b = sorted(float(v) for v in p.target)
            out.append(_bar(x0, bw, y(b), y(a), TARGET_FILL, tlabel, number(p.target, lang), opacity=0.6))
        elif isinstance(p.target, int | float):
            out.append(_bar(x0, bw, y(float(p.target)), base, TARGET_FILL, tlabel, number(p.target, lang)))
        if p.actual is not None:
            v = float(p.actual)
            out.append(_bar(x1, bw, y(v), base, ACTUAL_FILL, f"{t('actual', lang)} {p.period}", number(v, lang)))
            out.append(
                f'<text x="{x1 + bw / 2:.1f}" y="{min(y(v), base) - 3:.1f}" text-anchor="middle" class="vl">'
                f"{_e(number(v, lang, 1))}</text>"
            )
        else:
            out.append(f'<text x="{x1 + bw / 2:.1f}" y="{base - 3:.1f}" text-anchor="middle" class="na">–</text>')
        out.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'class="ax">{_e(p.period)}</text>'
        )
    ly = height - 8
    for dx, fill, key in ((0, TARGET_FILL, "legend_target"), (80, ACTUAL_FILL, "legend_actual")):
        out.append(
            f'<rect x="{left + dx}" y="{ly - 8}" width="10" height="8" fill="{fill}"/>'
            f'<text x="{left + dx + 14}" y="{ly}" class="ax">{_e(t(key, lang))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _bar(x: float, w: float, y_a: float, y_b: float, fill: str, label: str, shown: str, opacity: float = 1) -> str:
    """A vertical bar between two heights, with a tooltip."""
    y1, y2 = sorted((y_a, y_b))
    op = f' opacity="{opacity}"' if opacity != 1 else ""
    return (
        f'<rect x="{x:.1f}" y="{y1:.1f}" width="{w:.1f}" height="{max(y2 - y1, 0.5):.1f}" fill="{fill}"{op}>'
        f"<title>{_e(label)}: {_e(shown)}</title></rect>"
    )


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
        out.append(
            f'<text x="{x(v):.1f}" y="{height - 10}" text-anchor="middle" class="ax">{_e(number(v, lang, 0))} %</text>'
        )
    for i, b in enumerate(bars):
        yy = top + i * row_h
        label = b.label if len(b.label) <= 58 else b.label[:56] + "…"
        cls = "gl head" if b.heading else "gl"
        out.append(
            f'<text x="{label_w - 8}" y="{yy + 15}" text-anchor="end" class="{cls}">{_e(label)}'
            f"<title>{_e(b.label)}</title></text>"
        )
        if b.achievement is None:
            if not b.heading:
                out.append(f'<text x="{label_w + 4}" y="{yy + 15}" class="na">{_e(t("no_data", lang))}</text>')
            continue
        _, css = grade_style(b.grade)
        w = x(b.achievement) - label_w
        out.append(
            f'<rect x="{label_w}" y="{yy + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
            f'class="bar {css}"><title>{_e(b.label)}: {_e(number(b.achievement, lang))} %'
            f"{' — ' + _e(b.grade) if b.grade else ''}</title></rect>"
        )
        cut = b.achievement > scale
        out.append(
            f'<text x="{x(b.achievement) + 4:.1f}" y="{yy + 15}" class="vl">'
            f"{'▶ ' if cut else ''}{_e(number(b.achievement, lang))} %</text>"
        )
    out.append(f'<line x1="{x(100):.1f}" x2="{x(100):.1f}" y1="{top - 8}" y2="{height - 24}" class="ref"/>')
    out.append("</svg>")
    return "".join(out)
