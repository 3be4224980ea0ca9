"""The closed choices the engine passes around internally, as `StrEnum`s.

Each member's value is the string the engine has always used, so a member *is* that string: it compares equal to
it, hashes like it, and `str`, f-strings, `json.dumps`, CSV and XLSX write its value. `repr` also shows the plain
value (`Choice.__repr__`), so a result's or a node's repr stays the same as before the enums. Public results, JSON
and golden files are byte-identical; code inside the engine names a member instead of a bare string, so a typo is
an AttributeError at import or in mypy, not a silent branch never taken.

The rule files are Indonesian: the words a rule file may write for a choice are mapped to members in ONE table
per choice here (`POLARITY_WORDS`, `NEGATIVE_METHOD_WORDS`); index sources and index methods are written in the
rule file exactly as their values, so `parse` reads them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

C = TypeVar("C", bound="Choice")


class Choice(StrEnum):
    """A closed choice whose member is its value string everywhere, including `repr`."""

    def __repr__(self) -> str:
        return repr(self.value)


class Status(Choice):
    """`NodeResult.status`, in the documented order (`result.STATUSES`)."""

    SCORED = "scored"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"
    NOT_APPLICABLE = "not_applicable"  # the data says "nihil": no object this period
    ERROR = "error"


class Mode(Choice):
    """How a node is evaluated (`Node.mode`): from data, from a formula, as a weighted index, or a group."""

    DIRECT = "direct"
    FORMULA = "formula"
    INDEX = "index"
    GROUP = "group"  # a sasaran without a target of its own


class Polarity(Choice):
    """`Node.polarity`: whether a higher realisasi is better (positive) or worse (negative)."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class NegativeMethod(Choice):
    """The capaian formula for a negative indicator: standard (the profile's `negatif`) or inverse (T / R)."""

    STANDARD = "standard"
    INVERSE = "inverse"


class IndexSource(Choice):
    """What an index combines from each component (`indeks.dari`, written as the value)."""

    ACHIEVEMENT = "capaian"
    SCORE = "nilai"
    ACTUAL = "realisasi"


class IndexMethod(Choice):
    """How an index combines its components (`indeks.metode`, written as the value)."""

    WEIGHTED_MEAN = "rata_tertimbang"
    WEIGHTED_GEOMETRIC = "geometrik"


# the words a rule file (or an API caller) may write, in either language, and the member each means
POLARITY_WORDS: dict[str, Polarity] = {
    "positif": Polarity.POSITIVE,
    "positive": Polarity.POSITIVE,
    "negatif": Polarity.NEGATIVE,
    "negative": Polarity.NEGATIVE,
}
NEGATIVE_METHOD_WORDS: dict[str, NegativeMethod] = {
    "standar": NegativeMethod.STANDARD,
    "standard": NegativeMethod.STANDARD,
    "invers": NegativeMethod.INVERSE,
    "inverse": NegativeMethod.INVERSE,
}


def parse(cls: type[C], text: str) -> C | None:
    """The member of `cls` whose value is `text`, or None (the caller reports the unknown choice)."""
    try:
        return cls(text)
    except ValueError:
        return None
