"""Report phase, results: what scoring returns. Plain frozen values, JSON-serialisable via `to_dict`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import Problem

if TYPE_CHECKING:
    from .plan import Plan

STATUSES = ("scored", "no_data", "no_target", "error")  # the values of NodeResult.status


@dataclass(frozen=True, init=False)
class NodeResult:
    """The score of one node for one period.

    Attributes:
        node_id: the node's id.
        target: the target for the period (a number, a (low, high) range, or None).
        actual: the realisasi for the period (None when there is no data: never zero).
        achievement: capaian in % (None unless scored).
        score: nilai from the profile's bands (None when the profile has none or not scored).
        grade: predikat.
        status: "scored", "no_data", "no_target" or "error".
        reason: why it is not scored (empty when scored), in the plan's language.
        unit: display unit of target and actual.
        trace: the steps that produced the numbers (formula, inputs with sources, rules, weights).
    """

    node_id: str
    target: float | tuple[float, float] | None
    actual: float | None
    achievement: float | None
    score: float | None
    grade: str | None
    status: str
    reason: str
    unit: str
    _trace: tuple[dict[str, Any], ...] | None = field(default=None, repr=False, compare=False)
    lazy_trace: Callable[[], tuple[dict[str, Any], ...]] | None = field(default=None, repr=False, compare=False)

    def __init__(
        self,
        node_id: str,
        target: float | tuple[float, float] | None,
        actual: float | None,
        achievement: float | None,
        score: float | None,
        grade: str | None,
        status: str,
        reason: str,
        unit: str,
        _trace: tuple[dict[str, Any], ...] | None = None,
        lazy_trace: Callable[[], tuple[dict[str, Any], ...]] | None = None,
    ) -> None:
        # one dict update instead of eleven frozen-dataclass setattr calls: results are made in hot loops
        self.__dict__.update(
            node_id=node_id,
            target=target,
            actual=actual,
            achievement=achievement,
            score=score,
            grade=grade,
            status=status,
            reason=reason,
            unit=unit,
            _trace=_trace,
            lazy_trace=lazy_trace,
        )

    @property
    def trace(self) -> tuple[dict[str, Any], ...]:
        """The steps that produced the numbers; built on first access when scoring skipped it."""
        if self._trace is None:
            steps = self.lazy_trace() if self.lazy_trace is not None else ()
            object.__setattr__(self, "_trace", steps)
            object.__setattr__(self, "lazy_trace", None)
        return self._trace  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "id": self.node_id,
            "target": list(self.target) if isinstance(self.target, tuple) else self.target,
            "actual": self.actual,
            "achievement": self.achievement,
            "score": self.score,
            "grade": self.grade,
            "status": self.status,
            "reason": self.reason,
            "unit": self.unit,
            "trace": [dict(s) for s in self.trace],
        }


@dataclass(frozen=True)
class Scorecard:
    """All node results of a plan for one period, in document order.

    `card["id"]` gives one `NodeResult`; iterating yields them in document order.
    """

    plan: Plan = field(repr=False)
    period: str
    results: dict[str, NodeResult] = field(repr=False)
    problems: tuple[Problem, ...] = ()

    def __getitem__(self, node_id: str) -> NodeResult:
        return self.results[node_id]

    def __iter__(self) -> Iterator[NodeResult]:
        return (self.results[n.id] for n in self.plan.nodes if n.id in self.results)

    def __len__(self) -> int:
        return len(self.results)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: plan identity, rules hash, engine version, period, results, data problems."""
        from . import __version__

        lang = self.plan.language
        return {
            "plan": self.plan.id,
            "rules_hash": self.plan.content_hash,
            "engine_version": __version__,
            "period": self.period,
            "results": [r.to_dict() for r in self],
            "problems": [p.to_dict(lang) for p in self.problems],
        }
