"""Determinism and provenance: the same rules and data give byte-identical output in any run, any process
(whatever the hash seed) and any thread, and every output names the rules it came from (content hash) and
the engine version that produced it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import kinerja

ROOT = Path(__file__).resolve().parents[1]
PLAN = "fixtures/contoh/rencana"
DATA = "fixtures/contoh/realisasi.csv"
PERIODS = ("TW1", "TW2", "TW3", "TW4", "sd-TW2", "sd-TW3", "2025")
BROKEN = "tests/golden/many_at_once/rules"

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import kinerja
    plan = kinerja.load_plan(sys.argv[1])
    data = kinerja.read_realisasi(sys.argv[2])
    out = {p: json.dumps(plan.score(data, p).to_dict(), sort_keys=True) for p in sys.argv[3:]}
    print(json.dumps(out))
    """
)
BROKEN_SCRIPT = textwrap.dedent(
    """
    import sys
    import kinerja
    try:
        kinerja.load_plan(sys.argv[1])
    except kinerja.RuleError as e:
        print(str(e))
        print("\\n".join(p.render("en") for p in e.problems))
    """
)


def dump(card: kinerja.Scorecard) -> str:
    return json.dumps(card.to_dict(), sort_keys=True)


def score_all(plan: kinerja.Plan) -> dict[str, str]:
    data = kinerja.read_realisasi(DATA)
    return {p: dump(plan.score(data, p)) for p in PERIODS}


def run(script: str, *args: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_same_inputs_give_byte_identical_json_in_one_process(at_root: Path) -> None:
    first = score_all(kinerja.load_plan(PLAN))
    again = score_all(kinerja.load_plan(PLAN))
    assert first == again
    plan = kinerja.load_plan(PLAN)
    assert score_all(plan) == score_all(plan)  # scoring leaves no state behind


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_same_inputs_give_byte_identical_json_across_processes(seed: str, at_root: Path) -> None:
    here = score_all(kinerja.load_plan(PLAN))
    there = json.loads(run(SCRIPT, PLAN, DATA, *PERIODS, seed=seed))
    assert there == here


def test_refusals_read_the_same_across_processes(at_root: Path) -> None:
    outputs = {run(BROKEN_SCRIPT, BROKEN, seed=seed) for seed in ("0", "1", "99")}
    assert len(outputs) == 1
    assert outputs.pop().strip()


def test_scoring_from_many_threads_gives_the_same_json(at_root: Path) -> None:
    plan = kinerja.load_plan(PLAN)
    data = kinerja.read_realisasi(DATA)
    expected = {p: dump(plan.score(data, p)) for p in PERIODS}
    jobs = [p for p in PERIODS for _ in range(6)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda p: (p, dump(plan.score(data, p))), jobs))
    for period, text in got:
        assert text == expected[period], period


@pytest.mark.parametrize("period", PERIODS)
def test_every_result_carries_rules_hash_and_engine_version(period: str, at_root: Path) -> None:
    plan = kinerja.load_plan(PLAN)
    d = plan.score(DATA, period).to_dict()
    assert re.fullmatch(r"[0-9a-f]{64}", d["rules_hash"])
    assert d["rules_hash"] == plan.content_hash
    assert d["engine_version"] == kinerja.__version__
    assert d["plan"] == plan.id and d["period"] == period
    json.loads(json.dumps(d, allow_nan=False))  # strict JSON: no NaN or Infinity anywhere


def _copy(tmp_path: Path, name: str = "rencana") -> Path:
    dst = tmp_path / name
    shutil.copytree(ROOT / PLAN, dst)
    return dst


def test_the_hash_does_not_depend_on_where_the_plan_lives(tmp_path: Path, at_root: Path) -> None:
    here = kinerja.load_plan(PLAN).content_hash
    assert kinerja.load_plan(_copy(tmp_path, "a")).content_hash == here
    os.chdir(tmp_path)
    assert kinerja.load_plan(_copy(tmp_path, "b")).content_hash == here


def _flip_after(marker: bytes, offset: int = 0):  # type: ignore[no-untyped-def]
    def edit(raw: bytearray) -> None:
        i = raw.index(marker) + len(marker) + offset
        raw[i] = ord("7") if raw[i] != ord("7") else ord("8")

    return edit


def _swap_case_after(marker: bytes):  # type: ignore[no-untyped-def]
    def edit(raw: bytearray) -> None:
        i = raw.index(marker) + len(marker)
        raw[i] ^= 0x20

    return edit


EDITS = {
    "rencana-comment": ("rencana.toml", _swap_case_after(b"# C")),
    "rencana-string": ("rencana.toml", _swap_case_after(b'nama = "C')),
    "rencana-number": ("rencana.toml", _flip_after(b"tanggal = 2025-01-", 1)),
    "rencana-trailing": ("rencana.toml", lambda raw: raw.extend(b"\n")),
    "goal-string": ("01-sasaran.toml", _swap_case_after(b'nama = "T')),
    "goal-number": ("01-sasaran.toml", _flip_after(b"target = 1")),
    "goal-source": ("01-sasaran.toml", _flip_after(b"contoh hal. ")),
    "goal-trailing": ("01-sasaran.toml", lambda raw: raw.extend(b" ")),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_changing_one_byte_of_a_rule_file_changes_the_hash(edit: str, tmp_path: Path) -> None:
    original = kinerja.load_plan(_copy(tmp_path, "asli")).content_hash
    folder = _copy(tmp_path, "ubah")
    file, change = EDITS[edit]
    raw = bytearray((folder / file).read_bytes())
    before = len(raw)
    change(raw)
    assert len(raw) <= before + 1
    (folder / file).write_bytes(bytes(raw))
    changed = kinerja.load_plan(folder)  # still a valid plan
    assert changed.content_hash != original


def test_changing_the_profile_or_units_changes_the_hash(tmp_path: Path) -> None:
    original = kinerja.load_plan(_copy(tmp_path, "asli")).content_hash
    with_units = _copy(tmp_path, "satuan")
    (with_units / "satuan.txt").write_text("patroli_khusus = [patroli_khusus]\n", encoding="utf-8")
    assert kinerja.load_plan(with_units).content_hash != original
    with_profile = _copy(tmp_path, "profil")
    (with_profile / "profil").mkdir()
    text = (ROOT / "engine/kinerja/data/profil/permenpanrb-8-2021.toml").read_text(encoding="utf-8")
    (with_profile / "profil" / "permenpanrb-8-2021.toml").write_text(
        text.replace("desimal = 2", "desimal = 3"), encoding="utf-8"
    )
    assert kinerja.load_plan(with_profile).content_hash != original


def test_renaming_a_goal_file_changes_the_hash(tmp_path: Path) -> None:
    original = kinerja.load_plan(_copy(tmp_path, "asli")).content_hash
    folder = _copy(tmp_path, "nama")
    (folder / "01-sasaran.toml").rename(folder / "01-sasaran-baru.toml")
    assert kinerja.load_plan(folder).content_hash != original


def test_data_changes_results_but_not_the_rules_hash(at_root: Path) -> None:
    plan = kinerja.load_plan(PLAN)
    a = plan.score(DATA, "TW1").to_dict()
    b = plan.score({"iku_patroli": {"TW1": 1}}, "TW1").to_dict()
    assert a["rules_hash"] == b["rules_hash"] and a["results"] != b["results"]
