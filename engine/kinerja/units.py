"""Compile phase, units: one pint registry per set of definition files, built from the engine's own
small definitions file (`data/satuan.txt`) plus a plan's `satuan.txt`, never pint's default set.

Units are checked once when a plan is compiled; evaluation then runs on plain floats.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from importlib import resources
from typing import Any

from . import safety
from .errors import Problem

BASE_DEFINITIONS = "satuan.txt"


class UnitTextError(ValueError):
    """Unit text refused by the unit grammar (too long, a character or construct that is not a unit, a power
    too large) before pint sees it. `problem(...)` gives the `Problem` to report."""

    def __init__(self, code: str, **args: Any) -> None:
        self.code = code
        self.args_ = args
        super().__init__(f"{code}: {args}")

    def problem(self, file: str, node_id: str | None, path: str, row: int | None = None) -> Problem:
        return Problem(self.code, "error", file, node_id, path, dict(self.args_), row=row)


# The closed unit grammar: NAME (("*" | "×" | "·" | "/" | " " | "per") NAME)*, where NAME may carry a power
# ("^" or "**", an optional minus, a small whole number). No numbers, brackets or anything else.
_TOKEN = re.compile(r"\s*(?:(\*\*|\^)|([*×·/])|(-?[0-9]+)|([^\W0-9][\w]*|‰|%))")
_DEFINITION = re.compile(
    r"(?P<name>[^\W0-9]\w*)\s*=\s*"
    r"(?:\[(?P<dim>[^\W0-9]\w*)\]|(?P<factor>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,2})?)"
    r"(?:\s*\*\s*(?P<unit1>[^=]+?))?|(?P<unit2>[^=0-9][^=]*?))"
    r"(?P<aliases>(?:\s*=\s*(?:[^\W0-9]\w*|‰|%))*)\s*"
)


def tokens(text: str) -> list[tuple[str, str | int]]:
    """The unit text as (kind, value) tokens: ("name", n), ("op", "*" | "/"), ("pow", k). Checks only the
    grammar and its bounds (`safety.LIMITS`), not whether the names are known.

    Raises:
        UnitTextError: "unit-too-long", "unit-syntax", "unit-exponent", "unit-factors".
    """
    lim = safety.LIMITS
    if len(text) > lim.unit_chars:
        raise UnitTextError("unit-too-long", length=len(text), max=lim.unit_chars)
    norm = text.lower().replace("%", " persen ").strip()
    out: list[tuple[str, str | int]] = []
    pos = 0
    expect_name = True
    names = 0
    while pos < len(norm):
        m = _TOKEN.match(norm, pos)
        if m is None or m.end() == pos:
            rest = norm[pos:].lstrip()
            if not rest:
                break
            raise UnitTextError("unit-syntax", unit=safety.shorten(text), char=rest[0])
        power, op, number, name = m.groups()
        pos = m.end()
        if name is not None and name != "per":
            if not expect_name:
                out.append(("op", "*"))  # "kasus penduduk": pint's implicit product, written out
            out.append(("name", name))
            names += 1
            expect_name = False
        elif (op is not None or name == "per") and not expect_name:
            out.append(("op", "/" if op == "/" or name == "per" else "*"))
            expect_name = True
        elif power is not None and not expect_name and out[-1][0] == "name":
            m2 = _TOKEN.match(norm, pos)
            if m2 is None or m2.group(3) is None:
                raise UnitTextError("unit-syntax", unit=safety.shorten(text), char=norm[pos : pos + 1] or power)
            pos = m2.end()
            k = int(m2.group(3)) if len(m2.group(3)) < 6 else lim.unit_exponent + 1
            if abs(k) > lim.unit_exponent:
                raise UnitTextError("unit-exponent", unit=safety.shorten(text), max=lim.unit_exponent)
            out.append(("pow", k))
        else:
            raise UnitTextError(
                "unit-syntax", unit=safety.shorten(text), char=(power or op or number or name or "?")[0]
            )
    if expect_name:
        raise UnitTextError("unit-syntax", unit=safety.shorten(text), char=norm[-1:] or "-")
    if names > lim.unit_factors:
        raise UnitTextError("unit-factors", unit=safety.shorten(text), max=lim.unit_factors)
    return out


def check_definitions(text: str) -> None:
    """Check a plan's own unit definitions (`satuan.txt`) line by line before pint reads them: only
    `name = [dimension] = alias`, `name = number * unit = alias` and `name = unit = alias`, with bounded
    lines; no `@import` or other directives (they would read other files), no expressions in numbers.

    Raises:
        UnitTextError: "unit-definition" (the line number and what is wrong), "unit-too-long".
    """
    lim = safety.LIMITS
    if len(text) > lim.unit_definitions_chars:
        raise UnitTextError("unit-too-long", length=len(text), max=lim.unit_definitions_chars)
    for n, line in enumerate(text.splitlines(), 1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        if len(body) > lim.unit_definition_line_chars:  # comments may be long: they are never read
            raise UnitTextError("unit-definition", line=n, text=safety.shorten(body, 40))
        m = _DEFINITION.fullmatch(body)
        if m is None:
            raise UnitTextError("unit-definition", line=n, text=safety.shorten(body, 40))
        expr = m.group("unit1") or m.group("unit2")
        if expr is not None:
            try:
                tokens(expr.strip())
            except UnitTextError:
                raise UnitTextError("unit-definition", line=n, text=safety.shorten(body, 40)) from None


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
        if extra:
            check_definitions(extra)
        text = base_definitions() + ("\n# --- rencana ---\n" + extra if extra else "")
        self.registry = _registry(text)
        self.digest = hashlib.sha256(text.encode()).hexdigest()
        self._parsed: dict[str, Any] = {}
        self._labels: dict[int, tuple[Any, str]] = {}  # id(unit) -> (unit, label): pint formats slowly

    def parse(self, text: str) -> Any:
        """The pint unit for `text` (case-insensitive, e.g. "Giat", "kasus / penduduk").

        The text is read by the closed unit grammar (`tokens`), never evaluated by pint.

        Raises:
            UnitTextError: the text is not a unit expression at all (too long, other characters, a large power).
            ValueError: a name the registry does not know.
        """
        key = str(text)
        hit = self._parsed.get(key)
        if hit is None:
            try:
                hit = self._parse(key)
            except UnitTextError as e:
                hit = ("grammar", e.code, e.args_)
            except ValueError as e:
                hit = ("unknown", str(e), None)
            if len(self._parsed) < safety.LIMITS.unit_cache:
                self._parsed[key] = hit  # a plan names the same few units hundreds of times
        if type(hit) is tuple:
            # a new exception every time, holding only text: a cached exception object would keep every
            # traceback (and the caller's data in its frames) it was ever raised through
            if hit[0] == "grammar":
                raise UnitTextError(hit[1], **hit[2])
            raise ValueError(hit[1])
        return hit

    def _parse(self, text: str) -> Any:
        toks = tokens(text)
        if not toks:
            raise ValueError("empty unit")
        known = self.registry._units
        unit: Any = None
        op = "*"
        i = 0
        while i < len(toks):
            kind, value = toks[i]
            if kind == "op":
                op = str(value)
                i += 1
                continue
            name = str(value)
            if name not in known:
                raise ValueError(f"'{name}' is not defined in the unit registry")
            factor = self.registry.Unit(known[name].name)  # the defined name: pint rewrites some aliases (‰)
            if i + 1 < len(toks) and toks[i + 1][0] == "pow":
                factor = factor ** int(toks[i + 1][1])
                i += 1
            unit = factor if unit is None else (unit * factor if op == "*" else unit / factor)
            i += 1
        return unit

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
