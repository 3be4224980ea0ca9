"""Command line (`kinerja check|score|explain|catalogue|diff|template`): typer commands over the public
API and the report package. Rule errors are printed one per line (file, node, key) with exit code 1;
usage errors exit 2; an unexpected failure prints one line (exit 3) unless `--debug` asks for the
traceback. Messages follow the plan's language unless `--lang` says otherwise.
"""

# No `from __future__ import annotations` here: typer reads every command's annotations at start-up, and
# evaluating them from strings costs more than the commands themselves.
import difflib
import gc
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .report.labels import t

HELP = """Menilai rencana kinerja SAKIP (Renaksi/PK) dari berkas aturan TOML dan data realisasi.

Scores Indonesian government performance plans from TOML rule files and realisasi data.
"""

EXAMPLES = {
    "main": """[bold]Contoh / examples[/bold]

  kinerja check rules/polres-banjar-2025

  kinerja score rules/polres-banjar-2025 -d realisasi-2025.csv -p TW2

  kinerja score rules/polres-banjar-2025 -d realisasi-2025.csv -p sd-TW2 -o laporan.html

  kinerja explain rules/polres-banjar-2025 iku_response_time -d realisasi-2025.csv -p TW2

  kinerja template rules/polres-banjar-2025 -p TW3 -o isian-tw3.xlsx
""",
    "check": """[bold]Contoh / examples[/bold]

  kinerja check rules/polres-banjar-2025

  kinerja check rules/polres-banjar-2025 --strict

  kinerja check rules/polres-banjar-2025 --format json --lang en

Kode keluar / exit codes: 0 tanpa galat, 1 ada galat (atau peringatan dengan --strict), 2 salah pakai.
""",
    "score": """[bold]Contoh / examples[/bold]

  kinerja score rules/polres-banjar-2025 -d realisasi-2025.csv -p TW2

  kinerja score rules/polres-banjar-2025 -d tw1.csv -d tw2.xlsx -p sd-TW2

  kinerja score rules/polres-banjar-2025 -d realisasi-2025.csv -p 2025 -o laporan-2025.html

  kinerja score rules/polres-banjar-2025 -d realisasi-2025.csv -p TW2 -f xlsx -o lkip-tw2.xlsx

Periode: TW1..TW4, sd-TW2 (s.d. triwulan), atau tahun (2025). Format dari akhiran -o bila --format tidak diberi.
""",
    "explain": """[bold]Contoh / examples[/bold]

  kinerja explain rules/polres-banjar-2025 iku_response_time -d realisasi-2025.csv -p TW2

  kinerja explain rules/polres-banjar-2025 iku_indeks_harkamtibmas -d realisasi-2025.csv -p 2025 --deep
""",
    "catalogue": """[bold]Contoh / examples[/bold]

  kinerja catalogue rules/polres-banjar-2025 > katalog.md

  kinerja catalogue rules/polres-banjar-2025 -f html -o katalog.html
""",
    "diff": """[bold]Contoh / examples[/bold]

  kinerja diff rules/polres-banjar-2025 rules/polres-banjar-2025-revisi

  kinerja diff lama/ baru/ --format md -o perubahan.md

Dengan --exit-code: keluar 1 bila ada perbedaan (seperti git diff --exit-code).
""",
    "template": """[bold]Contoh / examples[/bold]

  kinerja template rules/polres-banjar-2025 -p TW3 -o isian-tw3.xlsx

  kinerja template rules/polres-banjar-2025 -p TW3 -o isian-tw3.csv

Isi kolom 'realisasi', lalu: kinerja score rules/polres-banjar-2025 -d isian-tw3.xlsx -p TW3
""",
}

app = typer.Typer(
    name="kinerja",
    help=HELP,
    epilog=EXAMPLES["main"],
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(StrEnum):
    id = "id"
    en = "en"


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"
    xlsx = "xlsx"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class CatalogueFormat(StrEnum):
    md = "md"
    html = "html"


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class Angka(StrEnum):
    id = "id"
    en = "en"


PlanArg = Annotated[
    Path,
    typer.Argument(help="Folder rencana (berisi rencana.toml) / plan folder.", show_default=False, metavar="RENCANA"),
]
LangOpt = Annotated[
    Lang | None,
    typer.Option("--lang", help="Bahasa pesan dan laporan (bawaan: bahasa rencana) / language.", show_default=False),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Tampilkan traceback bila gagal / show tracebacks.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Tulis ke berkas / write to a file.", show_default=False)
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Timpa berkas -o yang sudah ada (bukan masukan) / replace an existing -o file (not an input)."
    ),
]
DataOpt = Annotated[
    list[Path],
    typer.Option(
        "--data",
        "-d",
        help="Berkas realisasi (.csv, .xlsx, .json); boleh diulang / data file, repeatable.",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
AngkaOpt = Annotated[
    Angka | None,
    typer.Option(
        "--angka",
        help="Gaya angka teks dalam berkas data: id (1.234,5) atau en (1,234.5); bawaan: dikenali dari angka berkas "
        "itu sendiri, yang ambigu ('1,200') ditolak / number convention of the data files (default: detected per "
        "file; ambiguous values refused).",
        show_default=False,
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", "-p", help="TW1..TW4, sd-TW2, atau tahun (2025; bawaan).", show_default=False),
]

SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".md": "md",
    ".json": "json",
    ".txt": "table",
}


# Exits and usage errors belong to typer (whichever click it is built on): never reworded.
PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.Abort,
    *(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
)


class Run:
    """One command's run: language, debug flag, stderr, and the guard that turns failures into messages."""

    def __init__(self, ctx: typer.Context, lang: Lang | None, debug: bool) -> None:
        obj = ctx.find_root().obj or {}
        chosen = lang.value if lang else obj.get("lang")
        self.lang_opt: str | None = chosen
        self.lang: str = chosen or "id"
        self.debug = debug or bool(obj.get("debug"))

    def plan_language(self, plan: Any) -> None:
        """Follow the plan's language unless --lang was given."""
        if not self.lang_opt:
            self.lang = plan.language if plan.language in ("id", "en") else "id"

    def say(self, text: str) -> None:
        """A line on stderr (status, problems), never styled, never wrapped."""
        typer.echo(text, err=True)

    def fail(self, key: str, code: int = 1, **args: Any) -> typer.Exit:
        """Print a message on stderr and return the Exit to raise."""
        self.say(t(key, self.lang, **args))
        return typer.Exit(code)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """RuleError → its problems on stderr, exit 1; anything unexpected → one line, exit 3 (--debug: raise)."""
        from .errors import RuleError

        try:
            yield
        except PASS_THROUGH:
            raise
        except RuleError as e:
            lang = self.lang_opt or getattr(e, "lang", None) or self.lang
            for p in e.problems:
                self.say(p.render(lang))
            if self.debug:
                raise
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise
        except Exception as e:
            if self.debug:
                raise
            self.say(t("internal_error", self.lang, detail=f"{type(e).__name__}: {e}"))
            raise typer.Exit(3) from None


def _stdout_console() -> Any:
    """Rich console on stdout; when piped, 200 columns wide (or $COLUMNS) instead of rich's 80."""
    from rich.console import Console

    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
    return Console(highlight=False, width=width, soft_wrap=False)


def _progress() -> Any:
    """A transient spinner on stderr, shown only on a terminal."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _load(run: Run, path: Path) -> Any:
    import kinerja

    try:
        plan = kinerja.load_plan(path)
    finally:
        _resume_gc()
    run.plan_language(plan)
    return plan


# `main` pauses the cyclic garbage collector until the plan is loaded: until then it would only walk, again
# and again, the objects that the imports (pydantic, pint) and the plan create, and free almost none of them.
# Those objects are then frozen (never walked again, not even at exit) and the collector resumes. Together
# about 75 ms of a `kinerja check` of the Banjar plan (2-core machine, 2026-11).
_gc_paused = False


def _pause_gc() -> None:
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def _resume_gc() -> None:
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()


def _read_data(files: list[Path], angka: Angka | None = None) -> Any:
    """The rows of every data file, in the order given, each read by its own (or the declared) convention."""
    import kinerja

    data = kinerja.Realisasi()
    for f in files:
        data = data + kinerja.read_realisasi(f, convention=angka.value if angka else None)
    return data


def _period(run: Run, plan: Any, period: str | None) -> str:
    """The period label, checked against the plan; a wrong one is a usage error (exit 2)."""
    text = period or str(plan.meta.year)
    try:
        return plan.period(text).label
    except ValueError:
        periods = list(plan.periods)
        choices = ", ".join([*periods, f"sd-{periods[1]}", str(plan.meta.year)])
        raise run.fail("unknown_period", 2, period=text, choices=choices) from None


def _node(run: Run, plan: Any, node_id: str) -> Any:
    try:
        return plan.node(node_id)
    except KeyError:
        ids = [n.id for n in plan.nodes]
        close = difflib.get_close_matches(node_id, ids, n=3, cutoff=0.5)
        run.say(t("unknown_node", run.lang, id=node_id))
        if close:
            run.say(t("did_you_mean", run.lang, choices=", ".join(f"'{c}'" for c in close)))
        raise typer.Exit(2) from None


def _write(
    run: Run, output: Path | None, content: str | bytes, inputs: tuple[Path, ...] = (), force: bool = False
) -> None:
    """Write to `output` (reporting it on stderr), or to stdout when there is none. The file is written
    atomically and never replaces one of `inputs`, nor any existing file unless `force` (`safety.write_output`).
    """
    if output is None:
        if isinstance(content, bytes):
            raise run.fail("needs_output", 2, fmt="xlsx")
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    from .safety import write_output

    try:
        write_output(output, content, inputs, force)
    except OSError as e:
        raise run.fail("cannot_write", 1, file=str(output), detail=e.strerror or str(e)) from None
    run.say(t("written", run.lang, file=str(output)))


def _format_for(output: Path | None, given: Enum | None, default: str) -> str:
    if given is not None:
        return str(given.value)
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), default)
    return default


# ------------------------------------------------------------------------------------------- commands


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Versi / version.", is_eager=True)] = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    ctx.obj = {"lang": lang.value if lang else None, "debug": debug}
    if version:
        from . import __version__

        typer.echo(f"kinerja {__version__}")
        raise typer.Exit(0)


@app.command(epilog=EXAMPLES["check"])
def check(
    ctx: typer.Context,
    plan: PlanArg,
    strict: Annotated[bool, typer.Option("--strict", help="Peringatan dihitung galat / warnings are errors.")] = False,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="text atau json.")] = CheckFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa daftar asumsi / without assumptions.")] = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Periksa berkas aturan: galat, peringatan konsistensi dokumen, dan asumsi.

    Validate and lint a plan: errors, warnings about the document's consistency, and its assumptions.
    """
    import json

    from .errors import RuleError

    run = Run(ctx, lang, debug)
    with run.guard():
        try:
            p = _load(run, plan)
        except RuleError as e:
            if fmt == CheckFormat.json:
                lang_ = run.lang_opt or e.lang
                doc = {
                    "plan": str(plan),
                    "ok": False,
                    "errors": sum(1 for x in e.problems if x.severity == "error"),
                    "problems": [x.to_dict(lang_) for x in e.problems],
                }
                typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            raise
        problems = p.check()
        warnings = [x for x in problems if x.severity == "warning"]
        infos = [x for x in problems if x.severity == "info"]
        failed = bool(strict and warnings)
        if fmt == CheckFormat.json:
            doc = {
                "plan": p.id,
                "ok": not failed,
                "content_hash": p.content_hash,
                "errors": 0,
                "warnings": len(warnings),
                "assumptions": len(infos),
                "strict": strict,
                "problems": [x.to_dict(run.lang) for x in problems],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            if warnings:
                typer.echo(t("warnings_header", run.lang))
                for w in warnings:
                    typer.echo(w.render(run.lang))
            if infos and not quiet:
                if warnings:
                    typer.echo("")
                typer.echo(t("assumptions_header", run.lang))
                for i in infos:
                    typer.echo(i.render(run.lang))
            if warnings or (infos and not quiet):
                typer.echo("")
            typer.echo(t("check_ok", run.lang, id=p.id, errors=0, warnings=len(warnings), infos=len(infos)))
        if failed:
            run.say(t("check_strict", run.lang))
            raise typer.Exit(1)


@app.command(epilog=EXAMPLES["score"])
def score(
    ctx: typer.Context,
    plan: PlanArg,
    data: DataOpt,
    period: PeriodOpt = None,
    fmt: Annotated[
        ScoreFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv, md, html, xlsx (bawaan: dari akhiran -o, atau table).",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Keluar 1 bila ada baris data ditolak atau hasil galat / exit 1 on refused rows or errors.",
        ),
    ] = False,
    no_steps: Annotated[
        bool,
        typer.Option("--no-steps", help="Tanpa langkah aksi: sasaran dan indikator saja / goals and indicators only."),
    ] = False,
    angka: AngkaOpt = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="'unit': data berupa tabel panjang (unit;id;periode;realisasi[;target]) banyak satuan kerja, dinilai "
            "sekaligus / many units at once (batch).",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Nilai rencana untuk satu periode: target, realisasi, capaian, nilai, predikat.

    Score a plan for a period. HTML: one self-contained page with charts and the trace of each number;
    XLSX: the LKIP "Pengukuran Kinerja" table, a sheet per quarter.
    """
    from .report import NEEDS_QUARTERS, ScoreReport, render
    from .report.tables import rich_table

    run = Run(ctx, lang, debug)
    with run.guard():
        chosen = _format_for(output, fmt, "table")
        if chosen == "xlsx" and output is None:
            raise run.fail("needs_output", 2, fmt="xlsx")
        p = _load(run, plan)
        label = _period(run, p, period)
        if by is not None:
            if by != "unit":
                raise typer.BadParameter(f"--by {by}: pilihan / choices: unit")
            _score_by_unit(run, p, data, label, chosen, output, angka, strict, (plan, *data), force)
            return
        with _progress() as progress:
            task = progress.add_task(t("reading", run.lang, file=", ".join(str(f) for f in data)), total=None)
            realisasi = p.bind(_read_data(data, angka))  # read and checked once, scored for every period needed
            progress.update(task, description=t("scoring", run.lang, period=label))
            card = p.score(realisasi, label, lang=run.lang)
            quarters: dict[str, Any] = {}
            if chosen in NEEDS_QUARTERS:
                for q in p.periods:
                    progress.update(task, description=t("scoring", run.lang, period=q))
                    quarters[q] = card if q == label else p.score(realisasi, q, lang=run.lang)
        report = ScoreReport(
            plan=p,
            card=card,
            lang=run.lang,
            data_files=tuple(str(f) for f in data),
            problems=tuple(card.problems),
            quarters=quarters,
            generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
            steps=not no_steps,
        )
        if chosen == "table":
            if output is None:
                _stdout_console().print(rich_table(report))
            else:
                from rich.console import Console

                buf = io.StringIO()
                Console(file=buf, width=200, color_system=None, highlight=False).print(rich_table(report))
                _write(run, output, buf.getvalue(), (plan, *data), force)
        else:
            _write(run, output, render(report, chosen), (plan, *data), force)
        for prob in card.problems:
            run.say(prob.render(run.lang))
        from .report.tables import summary, summary_line

        counted = summary(report)
        run.say(summary_line(counted, run.lang))
        if strict and (counted["refused_rows"] or counted["error"]):
            raise run.fail("strict_failed", 1)


def _score_by_unit(
    run: Run,
    p: Any,
    data: list[Path],
    label: str,
    chosen: str,
    output: Path | None,
    angka: Angka | None = None,
    strict: bool = False,
    inputs: tuple[Path, ...] = (),
    force: bool = False,
) -> None:
    """`score --by unit`: the batch path over a long table; per-unit rows (csv, json) or a roll-up (table, md)."""
    import csv as csvmod
    import json

    from .batch import Table, read_table
    from .safety import csv_cell

    with _progress() as progress:
        task = progress.add_task(t("reading", run.lang, file=", ".join(str(f) for f in data)), total=None)
        tables = [read_table(f, convention=angka.value if angka else None) for f in data]
        table = tables[0] if len(tables) == 1 else _merge_tables(tables, Table)
        progress.update(task, description=t("scoring", run.lang, period=label))
        result = p.score_many(table, label)
    rollup = result.rollup()
    if chosen == "json":
        doc = {
            "plan": p.id,
            "rules_hash": p.content_hash,
            "period": label,
            "units": list(result.units),
            "results": list(result.rows()),
            "rollup": rollup,
            "problems": [x.to_dict(run.lang) for x in result.problems],
        }
        _write(run, output, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n", inputs, force)
    elif chosen == "csv":
        buf = io.StringIO()
        w = csvmod.DictWriter(
            buf,
            fieldnames=[
                "unit",
                "id",
                "target",
                "actual",
                "actual_used",
                "achievement",
                "score",
                "grade",
                "status",
                "reason",
                "coverage",
                "left_out",
            ],
            delimiter=";",
        )
        w.writeheader()

        def cell(v: Any) -> Any:
            if isinstance(v, list):  # a range target
                return " - ".join(cell(x) for x in v)
            return str(v).replace(".", ",") if isinstance(v, float) else v

        for row in result.rows():
            w.writerow({k: csv_cell(cell(v)) for k, v in row.items()})
        _write(run, output, buf.getvalue(), inputs, force)
    else:
        from rich.table import Table as RichTable

        from .report.fmt import number

        lang = run.lang
        rt = RichTable(title=f"{p.meta.name} — {label} — {len(result.units)} unit")
        heads = ["id", t("name", lang).lower()]
        heads += [t(k, lang) for k in ("scored", "no_data", "no_target", "error", "mean_achievement", "min", "max")]
        for k, col in enumerate(heads):
            rt.add_column(col, justify="left" if k < 2 else "right")
        lines = ["| " + " | ".join(heads) + " |", "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
        for n in p.nodes:
            r = rollup[n.id]
            cells = [
                n.id,
                n.name.replace("|", "/"),
                str(r["scored"]),
                str(r["no_data"]),
                str(r["no_target"]),
                str(r["error"]),
                number(r["mean_achievement"], lang),
                number(r["min_achievement"], lang),
                number(r["max_achievement"], lang),
            ]
            rt.add_row(*[cells[0], cells[1][:60], *cells[2:]])  # the terminal table keeps names short
            lines.append("| " + " | ".join(cells) + " |")
        if chosen == "md":
            _write(run, output, "\n".join(lines) + "\n", inputs, force)
        elif output is None:
            _stdout_console().print(rt)
        else:
            _write(run, output, "\n".join(lines) + "\n", inputs, force)
    for prob in result.problems:
        run.say(prob.render(run.lang))
    from .report.tables import STATUS_ORDER, summary_line

    counted = {k: sum(int(r.get(k, 0)) for r in rollup.values()) for k in STATUS_ORDER}
    counted["refused_rows"] = sum(1 for x in result.problems if x.severity == "error")
    run.say(summary_line(counted, run.lang))
    if strict and (counted["refused_rows"] or counted["error"]):
        raise run.fail("strict_failed", 1)


def _merge_tables(tables: list[Any], table_cls: Any) -> Any:
    import numpy as np

    units: list[str] = []
    for tb in tables:
        units.extend(u for u in tb.units if u not in units)
    index = {u: i for i, u in enumerate(units)}
    merged = table_cls(units)
    for tb in tables:
        pos = np.array([index[u] for u in tb.units])
        for store, src in ((merged.values, tb.values), (merged.targets, tb.targets)):
            for key, arr in src.items():
                dst = store.setdefault(key, np.full(len(units), np.nan))
                dst[pos] = np.where(np.isnan(arr), dst[pos], arr)
        merged.problems.extend(tb.problems)
        for cell, bad in tb.refused.items():
            into = merged.refused.setdefault(cell, {})
            for i, prob in bad.items():
                into.setdefault(index[tb.units[i]], prob)
    return merged


@app.command(epilog=EXAMPLES["explain"])
def explain(
    ctx: typer.Context,
    plan: PlanArg,
    node_id: Annotated[str, typer.Argument(help="Id simpul / node id, mis. iku_response_time.", show_default=False)],
    data: DataOpt,
    period: PeriodOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="text atau json.")] = CheckFormat.text,
    deep: Annotated[
        bool, typer.Option("--deep", help="Jelaskan juga simpul yang dipakainya / explain dependencies too.")
    ] = False,
    angka: AngkaOpt = None,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Jejak lengkap satu angka untuk auditor: definisi, sumber, asumsi, langkah hitung, hasil.

    The whole trace of one number for an auditor: definition, sources, assumptions, every step, result.
    """
    from .report.explain import explain_json, explain_text

    run = Run(ctx, lang, debug)
    with run.guard():
        p = _load(run, plan)
        _node(run, p, node_id)
        label = _period(run, p, period)
        card = p.score(_read_data(data, angka), label, lang=run.lang)
        if fmt == CheckFormat.json:
            typer.echo(explain_json(p, card, node_id, run.lang, deep), nl=False)
        else:
            typer.echo(explain_text(p, card, node_id, run.lang, deep), nl=False)
        for prob in card.problems:
            if prob.node_id and (prob.node_id == node_id or prob.node_id.startswith(node_id + ".")):
                run.say(prob.render(run.lang))


@app.command(epilog=EXAMPLES["catalogue"])
def catalogue(
    ctx: typer.Context,
    plan: PlanArg,
    fmt: Annotated[
        CatalogueFormat | None,
        typer.Option("--format", "-f", help="md atau html (bawaan: dari akhiran -o, atau md).", show_default=False),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Katalog rumus: rumus, masukan, satuan, target triwulan, sifat periode, polaritas, bobot, sumber, asumsi.

    Formula catalogue of every indicator, for checking the rules against the signed document.
    """
    from .report.catalogue import RENDERERS

    run = Run(ctx, lang, debug)
    with run.guard():
        chosen = _format_for(output, fmt, "md")
        if chosen not in RENDERERS:
            raise run.fail("bad_format", 2, fmt=chosen, choices=", ".join(RENDERERS))
        p = _load(run, plan)
        _write(run, output, RENDERERS[chosen](p, run.lang), (plan,), force)


@app.command(epilog=EXAMPLES["diff"])
def diff(
    ctx: typer.Context,
    plan_a: Annotated[Path, typer.Argument(help="Rencana lama / the plan before.", show_default=False)],
    plan_b: Annotated[Path, typer.Argument(help="Rencana baru / the plan after.", show_default=False)],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="text, md atau json.")] = DiffFormat.text,
    output: OutputOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Keluar 1 bila berbeda / exit 1 when different.")
    ] = False,
    force: ForceOpt = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Apa yang berubah antara dua versi rencana: target, rumus, bobot, satuan, simpul baru/hilang.

    What changed between two versions of a plan: targets, formulas, weights, units, nodes added or removed.
    """
    from .report.diff import RENDERERS, diff_plans

    run = Run(ctx, lang, debug)
    with run.guard():
        a = _load(run, plan_a)
        b = _load(run, plan_b)
        d = diff_plans(a, b, run.lang, str(plan_a), str(plan_b))
        _write(run, output, RENDERERS[fmt.value](d, run.lang), (plan_a, plan_b), force)
        if exit_code and not d.empty:
            raise typer.Exit(1)


@app.command(epilog=EXAMPLES["template"])
def template(
    ctx: typer.Context,
    plan: PlanArg,
    period: Annotated[str, typer.Option("--period", "-p", help="TW1..TW4, sd-TW2 atau tahun.", show_default=False)],
    output: OutputOpt = None,
    fmt: Annotated[
        TemplateFormat | None,
        typer.Option("--format", "-f", help="csv atau xlsx (bawaan: dari akhiran -o, atau csv).", show_default=False),
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Lembar isian realisasi kosong untuk satu periode (XLSX atau CSV ber-;), dapat langsung dibaca `score`.

    An empty input sheet for a period, read back by `score` unchanged once the 'realisasi' column is filled.
    """
    from .report.template import render_template_csv, template_rows
    from .report.xlsx import render_template_xlsx

    run = Run(ctx, lang, debug)
    with run.guard():
        chosen = _format_for(output, fmt, "csv")
        if fmt is None and output is not None and SUFFIX_FORMATS.get(output.suffix.lower()) != chosen:
            chosen = ""  # an output name that says no format (x.pdf) is not silently written as CSV
        if chosen not in ("csv", "xlsx"):
            raise run.fail("bad_extension", 2, choices=".csv, .xlsx")
        p = _load(run, plan)
        label = _period(run, p, period)
        rows = template_rows(p, label, run.lang)
        content: str | bytes = (
            render_template_xlsx(rows, f"realisasi {label}") if chosen == "xlsx" else render_template_csv(rows)
        )
        _write(run, output, content, (plan,), force)
        if output is not None:
            run.say(t("template_written", run.lang, period=label, file=str(output), rows=len(rows)))


def main() -> None:
    """Entry point of the `kinerja` command."""
    _pause_gc()
    try:
        app()
    finally:
        _resume_gc()


if __name__ == "__main__":  # pragma: no cover
    main()
