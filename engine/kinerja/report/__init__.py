"""Report phase: everything the command line shows or writes from a plan and its scorecards.

`ScoreReport` gathers one scorecard (the requested period) with, for charts and per-quarter sheets, the
scorecard of each quarter; `render(report, fmt)` dispatches to the renderer of a format. Catalogue,
diff, template and explain have their own modules. Labels are in `labels` (Indonesian and English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .labels import t

if TYPE_CHECKING:
    from .tables import Row

# The renderers are imported when a report is rendered, not when the command line starts (`check` shows
# no report).


@dataclass
class ScoreReport:
    """What a score report is made of.

    Attributes:
        plan: the loaded plan.
        card: the scorecard of the requested period.
        lang: "id" or "en".
        data_files: the realisasi files read, as given.
        problems: data problems (refused rows of the files, and the scorecard's own).
        quarters: period -> scorecard for each quarter (charts, per-quarter sheets); may be empty.
        generated: when the report was made (display text), or None.
        steps: show action steps (langkah aksi) as well as goals and indicators.
    """

    plan: Any
    card: Any
    lang: str = "id"
    data_files: tuple[str, ...] = ()
    problems: tuple[Any, ...] = ()
    quarters: dict[str, Any] = field(default_factory=dict)
    generated: str | None = None
    steps: bool = True

    @cached_property
    def rows(self) -> list[Row]:
        """The requested period's rows in document order (without action steps when `steps` is False)."""
        from .tables import build_rows

        rows = build_rows(self.plan, self.card, self.lang)
        return rows if self.steps else [r for r in rows if r.level != "langkah_aksi"]


def _json(report: ScoreReport) -> str:
    from .tables import render_json

    return render_json(report)


def _csv(report: ScoreReport) -> str:
    from .tables import render_csv

    return render_csv(report)


def _md(report: ScoreReport) -> str:
    from .tables import render_md

    return render_md(report)


def _html(report: ScoreReport) -> str:
    from .html import render_html

    return render_html(report)


def _xlsx(report: ScoreReport) -> bytes:
    from .xlsx import render_xlsx

    return render_xlsx(report)


# format -> renderer; text renderers return str, binary ones bytes.
RENDERERS: dict[str, Callable[[ScoreReport], str | bytes]] = {
    "json": _json,
    "csv": _csv,
    "md": _md,
    "html": _html,
    "xlsx": _xlsx,
}
# formats whose report shows every quarter (charts, one sheet per quarter)
NEEDS_QUARTERS = frozenset({"html", "xlsx"})


def render(report: ScoreReport, fmt: str) -> str | bytes:
    """Render `report` in format `fmt` (a key of RENDERERS).

    Raises:
        ValueError: unknown format (the message lists the choices).
    """
    fn = RENDERERS.get(fmt)
    if fn is None:
        raise ValueError(t("bad_format", report.lang, fmt=fmt, choices=", ".join(RENDERERS)))
    return fn(report)


def __getattr__(name: str) -> Any:
    if name == "Row":
        from .tables import Row

        return Row
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["NEEDS_QUARTERS", "RENDERERS", "Row", "ScoreReport", "render", "t"]
