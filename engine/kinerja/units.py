"""Compile phase, units: one pint registry per set of definition files, built from the engine's own
small definitions file (`data/satuan.txt`) plus a plan's `satuan.txt`, never pint's default set.

Units are checked once when a plan is compiled; evaluation then runs on plain floats.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from importlib import resources
from typing import Any

BASE_DEFINITIONS = "satuan.txt"


def base_definitions() -> str:
    """The text of the engine's unit definitions file."""
    return resources.files("kinerja").joinpath("data").joinpath(BASE_DEFINITIONS).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=16)
def _registry(text: str) -> Any:
    import pint  # imported here: pint is the slowest import of the engine

    fd, path = tempfile.mkstemp(suffix=".txt", prefix="kinerja-satuan-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return pint.UnitRegistry(path, autoconvert_offset_to_baseunit=False, cache_folder=None)
    finally:
        os.unlink(path)


class Units:
    """The unit registry of one plan, with the operations the engine needs.

    Attributes:
        digest: sha256 of the definitions text (part of the plan's content hash).
    """

    def __init__(self, extra: str = "") -> None:
        text = base_definitions() + ("\n# --- rencana ---\n" + extra if extra else "")
        self.registry = _registry(text)
        self.digest = hashlib.sha256(text.encode()).hexdigest()
        self._parsed: dict[str, Any] = {}
        self._labels: dict[int, tuple[Any, str]] = {}  # id(unit) -> (unit, label): pint formats slowly

    def parse(self, text: str) -> Any:
        """The pint unit for `text` (case-insensitive, e.g. "Giat", "kasus / penduduk").

        Raises ValueError when it is not a known unit.
        """
        key = str(text)
        hit = self._parsed.get(key)
        if hit is None:
            try:
                hit = self._parse(key)
            except ValueError as e:
                hit = e
            self._parsed[key] = hit  # a plan names the same few units hundreds of times
        if isinstance(hit, ValueError):
            raise hit
        return hit

    def _parse(self, text: str) -> Any:
        norm = " ".join(str(text).lower().replace("%", " persen ").split())
        if not norm:
            raise ValueError("empty unit")
        try:
            q = self.registry.parse_expression(norm)
        except Exception as e:  # pint raises several unrelated types for bad text
            raise ValueError(str(e)) from None
        if not hasattr(q, "units") or getattr(q, "magnitude", 1) != 1:
            raise ValueError(f"'{text}' is not a unit")
        return q.units

    def names(self) -> list[str]:
        """Every unit name the registry knows (for 'did you mean')."""
        return sorted(self.registry._units.keys())

    def compatible(self, a: Any, b: Any) -> bool:
        """True when units a and b have the same dimensions."""
        return bool(a.dimensionality == b.dimensionality)

    def convert(self, value: float, src: Any, dst: Any) -> float:
        """`value` in unit `src` expressed in unit `dst`. Raises ValueError when incompatible."""
        if src == dst:
            return value
        if not self.compatible(src, dst):
            raise ValueError(f"'{src}' is not compatible with '{dst}'")
        return float(self.registry.Quantity(value, src).to(dst).magnitude)

    @staticmethod
    def label(unit: Any) -> str:
        """A short display label for a unit."""
        s = str(unit)
        return {"persen": "%", "dimensionless": "tanpa satuan"}.get(s, s)

    def label_of(self, unit: Any) -> str:
        """`label(unit)`, remembered for the units this registry has parsed (a plan labels the same few units
        hundreds of times)."""
        hit = self._labels.get(id(unit))
        if hit is not None and hit[0] is unit:
            return hit[1]
        text = self.label(unit)
        self._labels[id(unit)] = (unit, text)
        return text
