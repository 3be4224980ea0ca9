"""Benchmarks of kinerja, in one run, on this machine. Usage:

    python3 bench/run.py            # full run: 5,000 units x the Banjar plan x 5 periods
    python3 bench/run.py --units 500 --quick

Prints: load+compile time (Banjar plan, a generated 2,000-node plan); node-scores per second through the
per-unit path, the batch path, a naive baseline (simpleeval re-parsing every formula on every evaluation)
and hand-written plain-Python functions for the same formulas; peak memory of the batch run; and the wall
time of `kinerja check` against `python -c "import pydantic, pint"`.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "engine"))

import kinerja  # noqa: E402
from kinerja import profile as profile_mod  # noqa: E402
from kinerja import units as units_mod  # noqa: E402

BANJAR = ROOT / "rules" / "polres-banjar-2025"
PERIODS = ["TW1", "TW2", "TW3", "TW4", "2025"]


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def cold_load(path: Path) -> kinerja.Plan:
    units_mod._registry.cache_clear()
    profile_mod._load_cached.cache_clear()
    return kinerja.load_plan(path)


def generated_plan(folder: Path, goals: int = 20, indicators: int = 10, steps: int = 9) -> int:
    """Write a plan of goals × (1 + indicators × (1 + steps)) nodes with every kind; returns its node count."""
    (folder / "rencana.toml").write_text(
        '[rencana]\nid = "besar"\nnama = "Rencana besar (bangkitan)"\ntahun = 2025\n', encoding="utf-8"
    )
    count = 0
    for g in range(goals):
        lines = [f'[[sasaran]]\nid = "ss{g}"\nnama = "Sasaran {g}"\n']
        count += 1
        for i in range(indicators):
            kind = i % 4
            nid = f"iku{g}_{i}"
            lines.append(f'  [[sasaran.indikator]]\n  id = "{nid}"\n  nama = "Indikator {g}.{i}"\n')
            if kind == 0:
                lines.append(
                    '  jenis = "rasio"\n  pembilang = "a"\n  penyebut = "b"\n  masukan = { a = "giat", b = "giat" }\n'
                )
                lines.append('  target = 90\n  target_tw = [90, 90, 90, 90]\n  sifat_periode = "tetap"\n')
            elif kind == 1:
                lines.append('  jenis = "rumus"\n  satuan = "persen"\n  masukan = { a = "giat", b = "giat" }\n')
                lines.append(
                    '  rumus = "min(a / b * 100, 120) if b > 0 else 0"\n  target = 95\n  sifat_periode = "tetap"\n'
                )
            elif kind == 2:
                lines.append('  jenis = "batas"\n  satuan = "menit"\n  target = 20\n  target_tw = [20, 20, 20, 20]\n')
            else:
                lines.append('  jenis = "persentase_kumulatif"\n  target = 40\n  target_tw = [10, 20, 30, 40]\n')
            count += 1
            for s in range(steps):
                lines.append(
                    f'    [[sasaran.indikator.langkah_aksi]]\n    id = "la{g}_{i}_{s}"\n    nama = "Langkah {s}"\n'
                    f"    target_tw = [{s + 1}, {s + 2}, {s + 1}, {s + 2}]\n"
                )
                count += 1
        (folder / f"{g:02d}.toml").write_text("".join(lines), encoding="utf-8")
    return count


def data_keys(plan: kinerja.Plan) -> list[tuple[str, object]]:
    """Every key policy staff fill in, with the node it belongs to."""
    keys = []
    for n in plan.nodes:
        if n.mode == "direct":
            keys.append((n.id, n))
        for name in n.inputs:
            if n.inputs[name].value is None:
                keys.append((f"{n.id}.{name}", n))
    return keys


def make_units(plan: kinerja.Plan, n_units: int, seed: int = 7) -> dict[str, list]:
    """A long table (dict of columns) of realisasi for n_units units, about 3 % missing; counts are whole."""
    rnd = random.Random(seed)
    cols: dict[str, list] = {"unit": [], "id": [], "periode": [], "realisasi": []}
    keys = data_keys(plan)
    try:
        from kinerja.data import whole_count_keys

        whole = whole_count_keys(plan)
    except ImportError:  # an engine from before counts were checked
        whole = {}
    for u in range(n_units):
        for key, node in keys:
            for q in plan.periods:
                if rnd.random() < 0.03:
                    continue
                t = node.period_targets.get(q) if "." not in key else None  # type: ignore[attr-defined]
                base = t if t else rnd.uniform(5, 300)
                cols["unit"].append(f"unit{u:05d}")
                cols["id"].append(key)
                cols["periode"].append(q)
                cols["realisasi"].append(round(base * rnd.uniform(0.75, 1.2), 0 if key in whole else 2))
    return cols


def per_unit_data(cols: dict[str, list], units: list[str]) -> dict[str, dict]:
    wanted = set(units)
    out: dict[str, dict] = {u: {} for u in units}
    for u, k, p, v in zip(cols["unit"], cols["id"], cols["periode"], cols["realisasi"], strict=True):
        if u in wanted:
            out[u][(k, p)] = v
    return out


# ------------------------------------------------------------------------------- baselines


class naive_formulas:
    """The naive baseline: the same scoring, but every formula (the node's, capaian's and the band's) is
    re-parsed by simpleeval on every evaluation. Compiled functions cached by the engine are dropped first."""

    def __enter__(self) -> None:
        import simpleeval

        from kinerja import formula as fm
        from kinerja.profile import Profile

        self.saved = (fm.Formula.evaluate, fm.Formula.function, Profile.scorer)
        funcs = {k: v[0] for k, v in fm.FUNCTIONS.items()}

        def reparse(f, values):  # noqa: ANN001
            ev = simpleeval.SimpleEval(
                operators=fm.SIMPLEEVAL_OPERATORS, functions={**funcs, **f.tables}, names=dict(values)
            )
            return float(ev.eval(f.text))

        def function(f, params):  # noqa: ANN001
            return lambda *args: reparse(f, dict(zip(params, args, strict=True)))

        def scorer(prof, polarity, method, max_target, lang):  # noqa: ANN001
            # the profile's rules step by step (`achievement`, `score`, `grade`), each formula re-parsed
            def run(target, actual):  # noqa: ANN001
                c = prof.achievement(target, actual, polarity, method)
                s = prof.score(c, max_target)
                g = prof.grade(s if prof.spec.grades.of == "nilai" and s is not None else c, lang)
                return c, s, g

            return run

        fm.Formula.evaluate = reparse
        fm.Formula.function = function
        Profile.scorer = scorer
        self._clear()

    def __exit__(self, *exc: object) -> None:
        from kinerja import formula as fm
        from kinerja.profile import Profile

        fm.Formula.evaluate, fm.Formula.function, Profile.scorer = self.saved
        self._clear()

    @staticmethod
    def _clear() -> None:
        import gc

        from kinerja.formula import Formula
        from kinerja.plan import Plan
        from kinerja.profile import Profile

        for obj in gc.get_objects():
            if isinstance(obj, Plan):
                for key in [k for k in obj._cache if isinstance(k, tuple) and k[0] == "program"]:
                    del obj._cache[key]  # per-period steps holding compiled functions
            elif isinstance(obj, Profile):
                obj._scorers.clear()
            elif isinstance(obj, Formula):
                obj._functions.clear()


def plain_python_score(plan: kinerja.Plan, data: dict, period: str) -> int:
    """Hand-written plain Python for the same work: no parsing, no engine objects in the inner loop."""
    members = plan.periods if period == "2025" else [period]
    actuals: dict[str, float | None] = {}
    done = 0
    for nid in plan.order:
        node = plan.by_id[nid]
        if node.mode == "group":
            continue
        if node.mode == "direct":
            xs = [data.get((nid, q)) for q in members]
            actual = None if None in xs else (sum(xs) if node.aggregation == "jumlah" else xs[-1])
        elif node.mode == "formula":
            env = {}
            for name, inp in node.inputs.items():
                xs = [data.get((f"{nid}.{name}", q), inp.value) for q in members]
                env[name] = None if None in xs else (sum(xs) if inp.value is None else inp.value)
            for r in node.refs:
                env[r] = actuals.get(r)
            actual = HAND.get(nid, lambda e: None)(env) if None not in env.values() else None
        else:
            comps = [(w, actuals.get(r)) for r, w in zip(node.refs, node.weights, strict=True)]
            comps = [(w, v) for w, v in comps if v is not None]
            actual = sum(w * v for w, v in comps) / sum(w for w, _ in comps) if comps else None
        actuals[nid] = actual
        t = node.target if period == "2025" else node.period_targets.get(period)
        if actual is None or t is None or isinstance(t, tuple) or t == 0:
            continue
        c = actual / t * 100 if node.polarity == "positive" else (2 - actual / t) * 100
        c = math.floor(c * 100 + 0.5) / 100
        cb = math.floor(c + 0.5)
        if cb > 110:
            _ = 120
        elif cb >= 101:
            _ = 110 + (cb - 101) * 10 / 9
        elif cb == 100:
            _ = 109
        elif cb >= 80:
            _ = 70 + (cb - 80)
        elif cb >= 60:
            _ = 50 + (cb - 60)
        else:
            _ = cb / 59 * 49
        done += 1
    return done


HAND: dict = {}


def hand_formulas(plan: kinerja.Plan) -> None:
    """Hand-written equivalents of the plan's formulas, by the formula text (written once, by hand)."""
    by_text = {
        "kejahatan / penduduk * 100000": lambda e: e["kejahatan"] / e["penduduk"] * 100000,
        "a / b * 100": lambda e: e["a"] / e["b"] * 100 if e["b"] else None,
    }
    for n in plan.nodes:
        if n.formula is None:
            continue
        names = n.formula.names
        text = n.formula.text
        if text in by_text:
            HAND[n.id] = by_text[text]
        elif len(names) == 2 and "/" in text:
            a, b = names
            HAND[n.id] = lambda e, a=a, b=b: e[a] / e[b] * 100 if e[b] else None
        else:  # weighted sums of other indicators (the impact index)
            HAND[n.id] = lambda e, names=names: sum(e[k] for k in names) / len(names)


# ------------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--per-unit-sample", type=int, default=200, help="units scored one by one (extrapolated)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    rep = 1 if args.quick else 3

    print(f"kinerja {kinerja.__version__} — Python {sys.version.split()[0]}, {os.cpu_count()} cores")

    # load + compile
    t_banjar = best(lambda: cold_load(BANJAR), 5)
    plan = kinerja.load_plan(BANJAR)
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    try:
        n_big = generated_plan(tmp)
        t_big = best(lambda: cold_load(tmp), 3)
        big = kinerja.load_plan(tmp)
    finally:
        shutil.rmtree(tmp)
    print("\n## load + compile (cold caches, best of runs)")
    print(f"Banjar plan ({len(plan.nodes)} nodes):            {t_banjar * 1000:8.1f} ms")
    print(f"generated plan ({len(big.nodes)} nodes, {n_big} written): {t_big * 1000:8.1f} ms")

    # data
    n_nodes = len(plan.nodes)
    cols = make_units(plan, args.units)
    print(
        f"\n## scoring: {args.units} units × {n_nodes} nodes × {len(PERIODS)} periods = "
        f"{args.units * n_nodes * len(PERIODS):,} node-scores ({len(cols['unit']):,} realisasi rows)"
    )

    # batch path
    table = kinerja.batch.read_table(cols) if hasattr(kinerja, "batch") else None
    from kinerja.batch import read_table

    t0 = time.perf_counter()
    table = read_table(cols)
    t_read = time.perf_counter() - t0
    tracemalloc.start()
    t0 = time.perf_counter()
    results = [plan.score_many(table, p) for p in PERIODS]
    t_batch = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_scores = sum(len(r) for r in results)
    print(
        f"batch path:     {t_batch:7.2f} s  {n_scores / t_batch:14,.0f} node-scores/s"
        f"   (+ reading the table {t_read:.2f} s)"
    )
    print(
        f"  peak traced memory during batch scoring: {peak / 2**20:,.0f} MiB; "
        f"process max RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )
    t_all = t_read + t_batch
    print(f"  5,000-unit goal: {t_all:.2f} s total (read + score) for {args.units} units")

    # per-unit path and baselines on a sample; the 5,000-unit table is dropped first, so that the
    # collector does not walk millions of objects an embedding process would not hold
    sample = sorted(set(cols["unit"]))[: args.per_unit_sample]
    data = per_unit_data(cols, sample)
    check_results = {
        p: {u: {n.id: r.result(u, n.id) for n in plan.nodes} for u in sample[:20]}
        for p, r in zip(PERIODS, results, strict=True)
    }
    del cols, table, results
    gc.collect()

    def run(fn) -> tuple[float, int]:
        t = time.perf_counter()
        n = 0
        for u in sample:
            for p in PERIODS:
                n += fn(u, p)
        return time.perf_counter() - t, n

    bound = {u: plan.bind(data[u]) for u in sample}  # read and checked once per unit, as an embedder would

    def engine(u: str, p: str) -> int:
        return len(plan.score(bound[u], p).results)

    def engine_traced(u: str, p: str) -> int:
        # every number explained: the trace of each node built (what `explain` and the HTML report do)
        return sum(1 for r in plan.score(bound[u], p).results.values() if r.trace is not None)

    hand_formulas(plan)
    t_unit, n_unit = min((run(engine) for _ in range(rep)), key=lambda x: x[0])
    with naive_formulas():
        t_naive, n_naive = run(engine)
    t_plain, n_plain = min(
        (run(lambda u, p: plain_python_score(plan, data[u], p)) for _ in range(rep)), key=lambda x: x[0]
    )
    rate_unit = n_unit / t_unit
    print(
        f"per-unit path:  {rate_unit:14,.0f} node-scores/s   ({len(sample)} units × {len(PERIODS)} periods,"
        f" full result, trace built on first access; data bound once per unit)"
    )
    t_traced, n_traced = run(engine_traced)
    print(f"  the same with every trace built: {n_traced / t_traced:,.0f} node-scores/s")
    some = sample[:50]
    t0 = time.perf_counter()
    for u in some:
        for p in PERIODS:
            plan.score(data[u], p)  # raw values read, checked and bound on every call
    per_request = (time.perf_counter() - t0) / (len(some) * len(PERIODS))
    n_values = statistics.mean(len(data[u]) for u in some)
    print(
        f"  one request (read + check + bind {n_values:.0f} values, then score one period): {per_request * 1000:.2f} ms"
    )
    print(
        f"naive baseline: {n_naive / t_naive:14,.0f} node-scores/s   (the same scoring, simpleeval re-parsing every "
        f"formula on every evaluation)"
    )
    print(
        f"  per node: naive {t_naive / n_naive * 1e6:.1f} µs, per-unit path {t_unit / n_unit * 1e6:.1f} µs "
        f"→ per-unit path is {(n_unit / t_unit) / (n_naive / t_naive):.1f}× the naive baseline"
    )
    plain_rate = n_unit / t_plain
    print(f"plain Python:   {plain_rate:14,.0f} nodes/s (hand-written functions, no trace)")
    print(f"  batch path is {n_scores / t_batch / plain_rate:.1f}× the hand-written plain-Python loop")

    # per-unit == batch, on the sample
    mismatches = 0
    for p in PERIODS:
        for u in sample[:20]:
            card = plan.score(data[u], p)
            for n in plan.nodes:
                a, b = card[n.id], check_results[p][u][n.id]
                if (a.status, a.actual, a.achievement, a.score) != (b.status, b.actual, b.achievement, b.score):
                    mismatches += 1
    print(f"  batch vs per-unit on {min(20, len(sample))} units × {len(PERIODS)} periods: {mismatches} mismatches")

    # cold start of the command line
    cold_start(runs=5 if args.quick else 15)


def cold_start(runs: int) -> None:
    """`kinerja check` on the Banjar plan against `python -c "import pydantic, pint"`, runs interleaved.

    Measured twice. First as this environment runs it: where PYTHONDONTWRITEBYTECODE is set (as in this
    sandbox), kinerja's own modules are compiled from source on every start, while pydantic and pint were
    compiled by pip at install time. Then like with like: kinerja's bytecode compiled once (what a regular
    install, or the first run without that variable, leaves in __pycache__). Bytecode this bench writes is
    removed again at the end.
    """
    # the script next to this interpreter, not a version manager's shim (pyenv's adds ~60 ms of bash)
    beside = Path(sys.executable).with_name("kinerja")
    exe = str(beside) if beside.is_file() else shutil.which("kinerja")
    if not exe:
        print("\n(kinerja command not installed: pip install -e . to measure the cold start)")
        return
    package = Path(kinerja.__file__).resolve().parent
    existing = sorted(package.rglob("__pycache__"))
    aside = Path(tempfile.mkdtemp(prefix="kinerja-pyc-"))
    for i, d in enumerate(existing):  # set aside, so that the first measurement really compiles from source
        shutil.move(str(d), aside / str(i))

    def interleaved() -> tuple[float, float]:
        check, imp = [], []
        for _ in range(runs):
            for cmd, out in (
                ([exe, "check", str(BANJAR)], check),
                ([sys.executable, "-c", "import pydantic, pint"], imp),
            ):
                t = time.perf_counter()
                subprocess.run(cmd, capture_output=True, check=False)
                out.append(time.perf_counter() - t)
        return statistics.median(check), statistics.median(imp)

    try:
        print(f"\n## cold start (median of {runs}, interleaved)")
        writes = "not written (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "cached"
        t_check, t_imp = interleaved()
        print(f"as this environment runs it (kinerja bytecode {writes}):")
        print(f"  kinerja check rules/polres-banjar-2025: {t_check * 1000:6.0f} ms")
        print(f'  python -c "import pydantic, pint":      {t_imp * 1000:6.0f} ms   → ratio {t_check / t_imp:.2f}')
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
        t_check, t_imp = interleaved()
        print("with kinerja's bytecode compiled, as pydantic's and pint's are:")
        print(f"  kinerja check rules/polres-banjar-2025: {t_check * 1000:6.0f} ms")
        print(f'  python -c "import pydantic, pint":      {t_imp * 1000:6.0f} ms   → ratio {t_check / t_imp:.2f}')
    finally:
        for d in package.rglob("__pycache__"):
            shutil.rmtree(d, ignore_errors=True)
        for i, d in enumerate(existing):
            shutil.move(str(aside / str(i)), d)
        shutil.rmtree(aside, ignore_errors=True)


if __name__ == "__main__":
    main()
