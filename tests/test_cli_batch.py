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
                x = round(float(v) * (0.9 + 0.1 * k), 0 if float(v).is_integer() else 2)  # counts stay whole
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


def test_by_unit_reads_parquet_like_csv(tmp_path: Path, at_root: Path) -> None:
    """The same long table as Parquet (with a null realisasi and per-unit targets) scores as the CSV does;
    a null is missing, never zero."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = tmp_path / "units.csv"
    per_unit = _long_table(table)
    rows = list(csv.DictReader(table.open(encoding="utf-8"), delimiter=";"))
    # one value dropped to null in Parquet and left out of the CSV; one unit's own target in both
    plan = kinerja.load_plan(PLAN)
    dropped = next(
        i
        for i, r in enumerate(rows)
        if r["unit"] == "Polsek Martapura" and r["periode"] == "TW2" and plan.by_id[r["id"]].mode == "direct"
    )
    own = next(
        (r["unit"], r["id"], r["periode"])
        for r in rows
        if r["unit"] == "Polsek Gambut"
        and r["periode"] == "TW2"
        and plan.by_id[r["id"]].mode == "direct"
        and isinstance(plan.by_id[r["id"]].period_targets["TW2"], float)
    )
    cols: dict[str, list[object]] = {"unit": [], "id": [], "periode": [], "realisasi": [], "target": []}
    with table.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["unit", "id", "periode", "realisasi", "target"])
        for i, r in enumerate(rows):
            value = None if i == dropped else float(r["realisasi"].replace(",", "."))
            target = 25.0 if (r["unit"], r["id"], r["periode"]) == own else None
            for k, v in (("unit", r["unit"]), ("id", r["id"]), ("periode", r["periode"])):
                cols[k].append(v)
            cols["realisasi"].append(value)
            cols["target"].append(target)
            w.writerow(
                [r["unit"], r["id"], r["periode"], "" if value is None else str(value).replace(".", ","), target or ""]
            )
    parquet = tmp_path / "units.parquet"
    pq.write_table(pa.table(cols), parquet)

    def run(path: Path) -> dict:
        result = CliRunner().invoke(app, ["score", PLAN, "--by", "unit", "-d", str(path), "-p", "TW2", "-f", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    from_csv, from_parquet = run(table), run(parquet)
    assert from_parquet["results"] == from_csv["results"]
    got = {(r["unit"], r["id"]): r for r in from_parquet["results"]}
    assert rows[dropped]["unit"] in per_unit
    assert got[(rows[dropped]["unit"], rows[dropped]["id"])]["status"] == "no_data"  # null is not zero
    assert got[("Polsek Gambut", rows[dropped]["id"])]["actual"] is not None
    assert got[own[:2]]["target"] == 25.0 != plan.by_id[own[1]].period_targets["TW2"]


def test_by_unit_csv_carries_status_and_reason(tmp_path: Path, at_root: Path) -> None:
    """The CSV has the reason column (rows() carries the per-unit reason; the CSV writer once refused it)."""
    table = tmp_path / "units.csv"
    per_unit = _long_table(table)
    result = CliRunner().invoke(app, ["score", PLAN, "--by", "unit", "-d", str(table), "-p", "sd-TW2", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines(), delimiter=";"))
    plan = kinerja.load_plan(PLAN)
    card = plan.score(per_unit["Polsek Gambut"], "sd-TW2")
    got = {r["id"]: r for r in rows if r["unit"] == "Polsek Gambut"}
    assert {r.status for r in card.results.values()} >= {"scored", "no_target"}
    for n in plan.nodes:
        assert (got[n.id]["status"], got[n.id]["reason"]) == (card[n.id].status, card[n.id].reason), n.id
