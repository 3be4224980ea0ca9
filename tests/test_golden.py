"""Golden cases: each folder under tests/golden/ is a plan (or a broken plan) with the exact expected output.

A case folder holds `case.toml` (rules = path to the plan folder, relative to the case; optional
data = realisasi file; periods = [...]) and either `expected-<period>.json` (scorecards) or
`expected_problems.txt` (the rendered messages, Indonesian then English: wording is part of the contract).
Run `pytest tests/test_golden.py --update-golden` to rewrite them deliberately, then review the diff.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import kinerja

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "case.toml").is_file())


def _rel(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root))


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, at_root: Path, update_golden: bool) -> None:
    folder = GOLDEN / case
    spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    rules = _rel(folder / spec.get("rules", "rules"), at_root)
    expected_problems = folder / "expected_problems.txt"
    try:
        plan = kinerja.load_plan(rules)
    except kinerja.RuleError as e:
        got = (
            "\n".join(p.render("id") for p in e.problems)
            + "\n--- en ---\n"
            + "\n".join(p.render("en") for p in e.problems)
            + "\n"
        )
        if update_golden:
            expected_problems.write_text(got, encoding="utf-8")
        assert expected_problems.is_file(), f"{case}: the plan failed to load:\n{e}"
        assert got == expected_problems.read_text(encoding="utf-8")
        return
    assert not expected_problems.is_file(), f"{case}: expected load problems, but the plan loaded"
    data = _rel(folder / spec["data"], at_root)
    for period in spec.get("periods", []):
        card = plan.score(kinerja.read_realisasi(data), period)
        got = json.dumps(card.to_dict(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        exp = folder / f"expected-{period}.json"
        if update_golden:
            exp.write_text(got, encoding="utf-8")
        assert got == exp.read_text(encoding="utf-8"), f"{case} {period} differs from {exp.name}"
