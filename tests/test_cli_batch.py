"""`kinerja score --by unit`: many units from one long table, each scored as it would be alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

import kinerja
from kinerja.cli import app

ROOT = Path(__file__).resolve().parents[1]
PLAN = "rules/polres-banjar-2025"


def _long_table(path: Path) -> dict[str, dict[tuple[str, str], float]]:
    rows = list(csv.DictReader((ROOT / "fixtures/polres-banjar-2025/realisasi-2025-plain.csv").open(encoding="utf-8")))
    per_unit: dict[str, dict[tuple[str, str], float]] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["unit", "id", "periode", "realisasi"])
        for k, unit in enumerate(["Polsek Martapura", "Polsek Gambut"]):
            data = per_unit.setdefault(unit, {})
            for r in rows:
                v = r["realisasi"]
                if not v or any(c.isalpha() for c in v):
                    continue
                x = round(float(v) * (0.9 + 0.1 * k), 2)
                data[(r["id"], r["periode"])] = x  # a later correction row overwrites, as `dicatat` would decide
                w.writerow([unit, r["id"], r["periode"], str(x).replace(".", ",")])
    return per_unit


def test_by_unit_json_equals_scoring_each_unit(tmp_path: Path, at_root: Path) -> None:
    table = tmp_path / "units.csv"
    per_unit = _long_table(table)
    result = CliRunner().invoke(app, ["score", PLAN, "--by", "unit", "-d", str(table), "-p", "sd-TW2", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["units"] == ["Polsek Martapura", "Polsek Gambut"]
    plan = kinerja.load_plan(PLAN)
    got = {(r["unit"], r["id"]): r for r in doc["results"]}
    for unit, data in per_unit.items():
        card = plan.score(data, "sd-TW2")
        for n in plan.nodes:
            r, g = card[n.id], got[(unit, n.id)]
            assert (g["status"], g["actual"], g["achievement"], g["score"]) == (
                r.status,
                r.actual,
                r.achievement,
                r.score,
            )
    assert doc["rollup"]["iku_response_time"]["scored"] + doc["rollup"]["iku_response_time"]["no_data"] == 2


def test_by_unit_rejects_unknown_grouping(tmp_path: Path, at_root: Path) -> None:
    table = tmp_path / "units.csv"
    _long_table(table)
    result = CliRunner().invoke(app, ["score", PLAN, "--by", "polda", "-d", str(table), "-p", "TW1"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
