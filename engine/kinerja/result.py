"""Report phase, results: what scoring returns. Plain frozen values, JSON-serialisable via `to_dict`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .choices import Status
from .errors import Problem

if TYPE_CHECKING:
    from .plan import Plan

# the values of NodeResult.status; "not_applicable": the data says "nihil" (no object this period)
STATUSES = tuple(Status)


class NodeResult(NamedTuple):
    """The score of one node for one period. Immutable (a named tuple: made in hot loops, so made cheaply).

    Attributes:
        node_id: the node's id.
        target: the target for the period (a number, a (low, high) range, or None).
        actual: the realisasi for the period (None when there is no data: never zero).
        achievement: capaian in % (None unless scored).
        score: nilai from the profile's bands (None when the profile has none or not scored).
        grade: predikat.
        status: "scored", "no_data", "no_target", "not_applicable" or "error".
        reason: why it is not scored (empty when scored), in the plan's language.
        unit: display unit of target and actual.
        trace_source: the trace steps, or what rebuilds them on first access (see `trace`). Not compared.
        coverage: for an index, the share (0..1) of its applicable weight whose components have a value
            (components that are "nihil" are not applicable and left out of the share); None for other nodes.
        left_out: for an index, the components without a value, in document order.
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
    trace_source: tuple[dict[str, Any], ...] | Callable[[str], tuple[dict[str, Any], ...]] | None = ()
    coverage: float | None = None
    left_out: tuple[str, ...] = ()

    @property
    def trace(self) -> tuple[dict[str, Any], ...]:
        """The steps that produced the numbers (formula, inputs with sources, rules, weights).

        When scoring skipped them, they are rebuilt on first access by re-running this node with tracing on,
        from the same inputs (and kept by the scorecard's trace source, so a second access is free).
        """
        src = self.trace_source
        if src is None:
            return ()
        if isinstance(src, tuple):
            return src
        return src(self.node_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NodeResult):
            return NotImplemented
        return self._key() == other._key()

    def _key(self) -> tuple[Any, ...]:
        return (*self[:9], self.coverage, self.left_out)

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        names = (*self._fields[:9], "coverage", "left_out")
        fields = ", ".join(f"{k}={v!r}" for k, v in zip(names, self._key(), strict=True))
        return f"NodeResult({fields})"

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
            "coverage": self.coverage,
            "left_out": list(self.left_out),
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
