"""kinerja — a rules-based engine for Indonesian government performance indicators (SAKIP).

Load a plan (a folder of TOML rule files in the document's own vocabulary), score it against realisasi
for a period, and get target, realisasi, capaian, nilai, predikat, status and a trace for every node.

    import kinerja
    plan = kinerja.load_plan("rules/polres-banjar-2025")
    card = plan.score(kinerja.read_realisasi("fixtures/polres-banjar-2025/realisasi-2025.csv"), period="TW2")
    card["iku_response_time"].achievement
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compiler import KINDS as KINDS
    from .compiler import Node as Node
    from .data import Realisasi as Realisasi
    from .data import read_realisasi as read_realisasi
    from .data import read_realisasi_content as read_realisasi_content
    from .errors import DataError as DataError
    from .errors import Problem as Problem
    from .errors import RuleError as RuleError
    from .formula import Formula as Formula
    from .plan import BoundData as BoundData
    from .plan import Plan as Plan
    from .plan import load_plan as load_plan
    from .profile import Profile as Profile
    from .profile import achievement as achievement
    from .profile import load_profile as load_profile
    from .result import NodeResult as NodeResult
    from .result import Scorecard as Scorecard

# Public names and the module that defines each: imported on first use (PEP 562), so that a command
# such as `kinerja check` pays only for what it runs.
_LAZY = {
    "KINDS": "compiler",
    "Node": "compiler",
    "Realisasi": "data",
    "read_realisasi": "data",
    "read_realisasi_content": "data",
    "DataError": "errors",
    "Problem": "errors",
    "RuleError": "errors",
    "Formula": "formula",
    "BoundData": "plan",
    "Plan": "plan",
    "load_plan": "plan",
    "Profile": "profile",
    "achievement": "profile",
    "load_profile": "profile",
    "NodeResult": "result",
    "Scorecard": "result",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kinerja' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"


def compile_formula(text: str, inputs: dict[str, str] | None = None) -> Formula:
    """Check and compile a formula alone, e.g. `compile_formula("a / b * 100", inputs={"a": "giat", "b": "giat"})`.

    `inputs` maps each name to its unit; the result's unit is checked to be consistent.

    Raises:
        RuleError: the formula is refused (unknown name, forbidden construct, incompatible units...).
    """
    from .errors import Problem, RuleError
    from .formula import formula_unit, parse_formula
    from .units import Units

    names = dict(inputs or {})
    f, problems = parse_formula(text, names)
    if f is None:
        raise RuleError(problems)
    units = Units()
    try:
        parsed = {k: units.parse(v) for k, v in names.items()}
        formula_unit(f, parsed)
    except ValueError as e:
        raise RuleError([Problem("formula-unit", args={"got": str(e), "want": "-"})]) from None
    return f


__all__ = [
    "KINDS",
    "BoundData",
    "DataError",
    "Formula",
    "Node",
    "NodeResult",
    "Plan",
    "Problem",
    "Profile",
    "Realisasi",
    "RuleError",
    "Scorecard",
    "__version__",
    "achievement",
    "compile_formula",
    "load_plan",
    "load_profile",
    "read_realisasi",
    "read_realisasi_content",
]
