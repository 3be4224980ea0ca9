"""Report phase, formula catalogue: every indicator with its formula in math notation, inputs and units,
quarterly targets, period semantics, polarity, weight, sources and assumptions — for policy staff and
auditors to check the rules against the signed document. Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..choices import POLARITY_WORDS as POLARITIES
from ..compiler import KINDS
from ..periods import SEMANTICS as PERIOD_AGGREGATION
from ..semantics import (
    PROFILE_PREFIX,
    Written,
    describe,
    describe_plan,
    describe_profile,
    label,
    overrides,
    scoring_settings,
)
from .diff import setting_label, shown
from .fmt import input_fields, math_html, math_text, number, sources
from .labels import level_label, t

# sifat_periode -> (Indonesian, English) explanation, docs/format-aturan.md §7
SEMANTICS: dict[str, tuple[str, str]] = {
    "jumlah": (
        "target triwulan dijumlah menjadi target tahun; realisasi dijumlah",
        "quarterly targets add up to the year; actuals are summed",
    ),
    "kumulatif": (
        "tiap triwulan = nilai s.d. triwulan itu; realisasi = nilai terakhir",
        "each quarter is the year-to-date value; actual = the last value",
    ),
    "tetap": (
        "tingkat yang dipertahankan tiap triwulan; realisasi = rata-rata",
        "a level held every quarter; actual = the mean",
    ),
    "batas": (
        "batas yang berlaku tiap triwulan; realisasi = rata-rata",
        "a limit held every quarter; actual = the mean",
    ),
    "bagi_rata": ("bagian sama per triwulan; realisasi dijumlah", "an equal share per quarter; actuals are summed"),
}


@dataclass
class Entry:
    """One node of the catalogue, with display-ready facts."""

    node: Any
    heading: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    formula_text: str = ""
    formula_html: str = ""
    period_targets: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    tables: list[tuple[str, list[str]]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    assumptions: list[tuple[str, str, str]] = field(default_factory=list)
    steps: list[Any] = field(default_factory=list)
    step_settings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def semantics_text(sem: str | None, lang: str) -> str:
    """A period semantics with its meaning."""
    if not sem:
        return "-"
    pair = SEMANTICS.get(sem)
    if pair is None:
        return sem
    return f"{sem} — {pair[1] if lang == 'en' else pair[0]}"


def _assumptions(node: Any) -> list[tuple[str, str, str]]:
    out = []
    for a in getattr(node, "assumptions", None) or []:
        if isinstance(a, tuple | list):
            key, reason, basis = (list(a) + ["", "", ""])[:3]
        else:
            key, reason, basis = getattr(a, "key", ""), getattr(a, "reason", str(a)), getattr(a, "basis", "")
        out.append((str(key or ""), str(reason or ""), str(basis or "")))
    return out


# labels of settings the catalogue names in words (others: semantics.label, the rule key itself)
_WORDS: dict[str, tuple[str, str]] = {
    "agregasi": ("Agregasi", "Aggregation"),
    "penilaian.rumus_capaian": ("Rumus capaian", "Achievement formula"),
    "target_maksimal": ("Target maksimal", "Maximum target"),
    "hitung_per_periode": ("Dihitung per periode", "Computed per period"),
    "sertakan": ("Dari aturan", "Included from"),
    "indeks.dari": ("Indeks dari", "Index of"),
    "indeks.metode": ("Metode indeks", "Index method"),
    "indeks.batas_kontribusi": ("Batas kontribusi", "Contribution cap"),
    "capaian.metode_negatif": ("metode negatif", "negative method"),
    "capaian.rentang": ("target rentang", "range target"),
    "capaian.batas_atas": ("batas atas", "cap"),
    "capaian.batas_bawah": ("batas bawah", "floor"),
    "pembulatan.mode": ("pembulatan", "rounding"),
    "pembulatan.desimal": ("desimal", "decimals"),
    "pembulatan.realisasi_dulu": ("realisasi dibulatkan dulu", "actual rounded first"),
    "pembulatan.sebelum_pita": ("pembulatan sebelum pita (desimal)", "rounding before bands (decimals)"),
    "nilai.nilai_target_maksimal": ("target maksimal", "maximum target"),
    "predikat.dari": ("predikat dari", "grade of"),
    "rencana.unit_kerja": ("Unit kerja", "Organisation unit"),
    "rencana.unit_induk": ("Unit induk", "Parent unit"),
    "rencana.periode": ("Periode", "Periods"),
    "rencana.bahasa": ("Bahasa", "Language"),
    "rencana.versi": ("Versi", "Version"),
    "rencana.hasil": ("Hasil bila disertakan", "Result when included"),
    "rencana.satuan": ("Definisi satuan", "Unit definitions"),
    "rencana.pengesahan.tempat": ("Pengesahan — tempat", "Signed at"),
    "rencana.pengesahan.tanggal": ("Pengesahan — tanggal", "Signed on"),
    "rencana.pengesahan.penandatangan": ("Pengesahan — penandatangan", "Signed by"),
    "rencana.pengesahan.jabatan": ("Pengesahan — jabatan", "Signer's title"),
    "rencana.pengesahan.nama": ("Pengesahan — nama", "Signer's name"),
    "rencana.pengesahan.paraf": ("Pengesahan — paraf", "Initials"),
    "rencana.sertakan": ("Aturan yang disertakan", "Included rules"),
    "profil.id": ("Profil penilaian — id", "Scoring profile id"),
    "profil.nama": ("Profil penilaian — nama", "Scoring profile name"),
    # headings of the catalogue's own sections
    "_tabel": ("Tabel", "Lookup tables"),
    "_pengaturan_langkah": ("Pengaturan langkah aksi", "Action step settings"),
    "_periode_data": ("Periode data", "Data period"),
}


def _label(key: str, lang: str) -> str:
    pair = _WORDS.get(key.split("[")[0])
    if pair is not None:
        return pair[1] if lang == "en" else pair[0]
    return setting_label(key, lang)


# keys an entry shows in its own sections (targets table, formula, inputs, tables) or in the heading
_SECTIONS = ("target_tw.", "masukan.", "tabel.")
_SHOWN_ELSEWHERE = {"nama", "nomor", "tingkat", "induk", "rumus"}


def _step_defaults(node: Any) -> dict[str, Any]:
    """What a plain action step of its kind would have: the catalogue's step table lists what differs."""
    kdef = KINDS.get(node.kind or "")
    polarity = POLARITIES.get(kdef.polarity if kdef else "positif")
    return {
        "jenis": "jumlah",
        "agregasi": PERIOD_AGGREGATION.get(node.semantics),
        "polaritas": polarity,
        "bobot": None,
        "target_maksimal": False,
        "penanggung_jawab": None,
        "hitung_per_periode": False,
    }


def entry(plan: Any, node: Any, lang: str) -> Entry:
    """The catalogue entry of one node: every described setting (semantics.describe) of the node."""
    e = Entry(node, f"{node.number or ''} {node.name}".strip())
    d = describe(node, plan)
    scoring = overrides(node, plan, d)
    facts = e.facts
    facts.append(("id", node.id))
    facts.append((t("level", lang), level_label(node.level, lang)))
    group = node.mode == "group"  # a goal without a target of its own: a heading
    done = set(_SHOWN_ELSEWHERE)
    if node.kind:
        facts.append((t("kind", lang), node.kind))
    done.add("jenis")
    if not group:
        facts.append((t("unit", lang), node.unit or "-"))
        tt = node.target_text or ""
        shown_t = number(node.target, lang)
        tgt = f"{tt} ({shown_t})" if tt and node.target is not None and shown_t not in tt else (tt or shown_t)
        facts.append((t("target_year", lang), tgt))
        facts.append((t("semantics", lang), semantics_text(node.semantics, lang)))
        facts.append((t("polarity", lang), t(node.polarity, lang)))
        done |= {"satuan", "target", "sifat_periode", "polaritas"}
    if node.weight is not None:
        where = f" ({t('parent', lang).lower()}: {node.parent})" if node.parent else ""
        facts.append((t("weight", lang), number(node.weight, lang) + where))
    done.add("bobot")
    if node.owner:
        facts.append((t("owner", lang), node.owner))
    done.add("penanggung_jawab")
    if node.remarks:
        facts.append((t("remarks", lang), node.remarks))
    for key, value in d.items():  # every other setting, in the description's order
        if key in done or key.startswith(_SECTIONS):
            continue
        if key.startswith(PROFILE_PREFIX) and key != "penilaian.rumus_capaian":
            if key not in scoring:
                continue  # as the plan's profile, printed once at the top
            default = scoring_settings(plan.profile, node.polarity, None).get(key)
            was = f" ({t('profile', lang).lower()}: {shown(default, key, lang)})"
            facts.append((_label(key, lang), shown(value, key, lang) + was))
            continue
        if key == "target_maksimal" and not value:
            continue  # off on almost every node: printed where it is on (index and formula switches always)
        facts.append((_label(key, lang), shown(value, key, lang)))
    if node.formula_text:
        e.formula_text = math_text(node.formula_text, lang)
        e.formula_html = math_html(node.formula_text, lang)
    texts = getattr(node, "period_targets_text", None) or {}
    values = getattr(node, "period_targets", None) or {}
    for p in plan.periods:
        written = texts.get(p)
        e.period_targets.append((p, written if written not in (None, "") else number(values.get(p), lang)))
    for name, spec in (node.inputs or {}).items():
        info = input_fields(spec)
        key = f"masukan.{name}."
        e.inputs.append(
            {
                "name": name,
                "id": f"{node.id}.{name}",
                "unit": info["unit"],
                "value": number(info["value"], lang) if info["value"] is not None else "",
                "periods": shown(d[key + "periode"], "", lang) if key + "periode" in d else "",
                "aggregation": shown(d[key + "agregasi"], "", lang) if key + "agregasi" in d else "",
                "source": info["source"],
                "assumption": info["assumption"],
            }
        )
    tables: dict[str, list[str]] = {}
    for key, value in d.items():
        if key.startswith("tabel."):
            tables.setdefault(key[len("tabel.") :].split("[")[0], []).append(shown(value, key, lang))
    e.tables = list(tables.items())
    e.sources = sources(node)
    e.assumptions = _assumptions(node)
    return e


def step_settings(plan: Any, step: Any, lang: str) -> list[tuple[str, str]]:
    """The settings of an action step that its row in the step table does not show and that differ from a
    plain step's: kind, polarity, aggregation, formula, inputs, scoring overrides..."""
    d = describe(step, plan)
    scoring = overrides(step, plan, d)
    defaults = _step_defaults(step)
    out = []
    for key, value in d.items():
        if key in ("nama", "nomor", "tingkat", "induk", "satuan", "sifat_periode") or key.startswith("target_tw."):
            continue
        if key.startswith(PROFILE_PREFIX) and key not in scoring:
            continue
        if key in defaults and defaults[key] == value:
            continue
        if value is None or value == Written(None, ""):
            continue  # not set (a step without an annual target, an input read from the data)
        if key == "rumus" and value.formula:
            out.append((_label(key, lang), math_text(value.text, lang)))
            continue
        out.append((_label(key, lang), shown(value, key, lang)))
    return out


def entries(plan: Any, lang: str) -> list[Entry]:
    """Catalogue entries for every goal and indicator, with each indicator's action steps attached."""
    out: list[Entry] = []
    by_id: dict[str, Entry] = {}
    for node in plan.nodes:
        if node.level == "langkah_aksi":
            owner = node.parent
            while owner and plan.node(owner).level == "langkah_aksi":
                owner = plan.node(owner).parent
            if owner in by_id:
                by_id[owner].steps.append(node)
                extra = step_settings(plan, node, lang)
                if extra:
                    by_id[owner].step_settings[node.id] = extra
            continue
        e = entry(plan, node, lang)
        by_id[node.id] = e
        out.append(e)
    return out


def count_assumptions(plan: Any) -> int:
    """Every assumption of the plan (nodes and profile) when the engine lists them, else the nodes' own."""
    listed = getattr(plan, "assumptions", None)
    if isinstance(listed, list | tuple):
        return len(listed)
    return sum(len(_assumptions(n)) for n in plan.nodes)


def plan_facts(plan: Any, lang: str) -> list[tuple[str, str]]:
    """Plan-level settings not in the catalogue's heading: periods, language, units, included rule sets."""
    out = []
    for key, value in describe_plan(plan).items():
        if (key.startswith("profil.") and key not in ("profil.id", "profil.nama")) or key in (
            "rencana.id",
            "rencana.nama",
            "rencana.tahun",
            "rencana.profil",
        ):
            continue
        if value is None or value == ():
            continue
        out.append((_label(key, lang), shown(value, key, lang)))
    return out


def profile_facts(plan: Any, lang: str) -> list[tuple[str, str]]:
    """The scoring profile as (label, text) lines: every setting of `semantics.describe_profile` — capaian
    formulas, negative method, range rule, cap and floor, rounding (mode, decimals, actual first, before
    bands), nilai bands and the predicate scale."""
    prof = getattr(plan, "profile", None)
    if prof is None or getattr(prof, "spec", None) is None:
        return []
    en = lang == "en"
    d = describe_profile(prof)
    out = []
    for key, value in d.items():
        if key.startswith("capaian.") and key.split(".")[1] in ("positif", "negatif", "negatif_invers"):
            word = key.split(".")[1]
            out.append(
                (
                    t("achievement", lang) + " — " + (label(word, "en") if en else word.replace("_", ", ")),
                    shown(value, key, lang),
                )
            )
        elif key.startswith("nilai.pita[") and key.endswith(".batas"):
            formula = d[key[: -len("batas")] + "rumus"]
            out.append((f"{t('score', lang)}: {value.text}", shown(formula, "", lang)))
        elif key.startswith("nilai.pita["):
            continue  # with its bounds
        elif key.startswith("predikat.skala[") and key.endswith(".predikat"):
            word = value.text  # both languages: reports print the one of their language
            at_least = d[key[: -len("predikat")] + "minimal"]
            out.append((f"{t('grade', lang)}: {word}", f"{d['predikat.dari']} ≥ {number(at_least, lang)}"))
        elif key.startswith("predikat.skala["):
            continue
        else:
            out.append((_label(key, lang), shown(value, key, lang)))
    return out


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_catalogue_md(plan: Any, lang: str = "id") -> str:
    """The catalogue as Markdown."""
    m = plan.meta
    lines = [f"# {t('catalogue_title', lang)}: {m.name}", ""]
    lines.append(f"- {t('plan', lang)}: `{plan.id}` · {t('year', lang)} {m.year} · {t('profile', lang)} `{m.profile}`")
    lines.append(f"- {t('content_hash', lang)}: `{plan.content_hash}`")
    lines.append(f"- {t('assumptions', lang)}: {count_assumptions(plan)}")
    lines += [f"- {_md(k)}: {_md(v)}" for k, v in plan_facts(plan, lang)]
    lines.append("")
    prof = profile_facts(plan, lang)
    if prof:
        lines += [f"## {t('profile', lang)}: {m.profile}", "", "| | |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in prof]
        lines.append("")
    periods = list(plan.periods)
    for e in entries(plan, lang):
        node = e.node
        level = "##" if node.level == "sasaran" else "###" if node.depth <= 1 else "####"
        lines += [f"{level} {_md(e.heading)}", ""]
        lines += ["| | |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in e.facts]
        if e.formula_text:
            lines.append(f"| {t('formula', lang)} | `{_md(e.formula_text)}` |")
        elif getattr(node, "mode", None) != "group" and node.level != "sasaran":
            lines.append(f"| {t('formula', lang)} | {t('reported_directly', lang)} |")
        lines.append("")
        if any(v not in ("-", "") for _, v in e.period_targets):
            lines.append("| " + " | ".join(periods) + " |")
            lines.append("|" + "|".join("--:" for _ in periods) + "|")
            lines.append("| " + " | ".join(_md(v) for _, v in e.period_targets) + " |")
            lines.append("")
        if e.inputs:
            lines += [f"**{t('inputs', lang)}**", ""]
            lines.append(
                f"| id | {t('unit', lang)} | {t('value', lang)} | {_label('_periode_data', lang)} | "
                f"{_label('agregasi', lang)} | {t('source', lang)} |"
            )
            lines.append("|---|---|--:|---|---|---|")
            lines += [
                f"| `{i['id']}` | {_md(i['unit'])} | {_md(i['value'])} | {_md(i['periods'])} | "
                f"{_md(i['aggregation'])} | {_md(i['source'])} |"
                for i in e.inputs
            ]
            lines.append("")
        for name, steps in e.tables:
            lines += [f"**{_label('_tabel', lang)} `{name}`**", ""]
            lines += [f"- {_md(step)}" for step in steps]
            lines.append("")
        if e.sources:
            lines += [f"**{t('sources', lang)}**: " + "; ".join(_md(f"{k}: {v}" if k else v) for k, v in e.sources), ""]
        if e.assumptions:
            lines += [f"**{t('assumptions', lang)}**", ""]
            for key, reason, basis in e.assumptions:
                lines.append(
                    f"- *{_md(key)}*: {_md(reason)}" + (f" ({t('basis', lang).lower()}: {_md(basis)})" if basis else "")
                )
            lines.append("")
        if e.steps:
            lines += [f"**{t('langkah_aksi', lang)}**", ""]
            lines.append(
                f"| {t('no', lang)} | {t('name', lang)} | {t('unit', lang)} | "
                + " | ".join(periods)
                + f" | {t('semantics', lang)} |"
            )
            lines.append("|---|---|---|" + "|".join("--:" for _ in periods) + "|---|")
            for s in e.steps:
                tw = [
                    (s.period_targets_text or {}).get(p) or number((s.period_targets or {}).get(p), lang)
                    for p in periods
                ]
                lines.append(
                    f"| {_md(s.number or '')} | {_md(s.name)} | {_md(s.unit or '')} | "
                    + " | ".join(_md(x) for x in tw)
                    + f" | {_md(s.semantics or '-')} |"
                )
            lines.append("")
            if e.step_settings:
                lines += [f"**{_label('_pengaturan_langkah', lang)}**", ""]
                for sid, settings in e.step_settings.items():
                    lines.append(f"- `{sid}`: " + "; ".join(f"{_md(k)}: {_md(v)}" for k, v in settings))
                lines.append("")
            step_asm = [(s, a) for s in e.steps for a in _assumptions(s)]
            if step_asm:
                lines += [f"**{t('assumptions', lang)} ({t('langkah_aksi', lang).lower()})**", ""]
                for s, (key, reason, basis) in step_asm:
                    extra = f" ({t('basis', lang).lower()}: {_md(basis)})" if basis else ""
                    lines.append(f"- `{s.id}` *{_md(key)}*: {_md(reason)}{extra}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_catalogue_html(plan: Any, lang: str = "id") -> str:
    """The catalogue as one self-contained HTML page."""
    from markupsafe import Markup

    from .html import environment

    ents = entries(plan, lang)
    for e in ents:
        e.formula_html = Markup(e.formula_html)  # type: ignore[assignment]
    tpl = environment().get_template("catalogue.html.j2")
    return tpl.render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        plan=plan,
        meta=plan.meta,
        entries=ents,
        periods=list(plan.periods),
        n_assumptions=count_assumptions(plan),
        profile_facts=profile_facts(plan, lang),
        plan_facts=plan_facts(plan, lang),
        label=lambda key: _label(key, lang),
        step_assumptions={e.node.id: [(x.id, *a) for x in e.steps for a in _assumptions(x)] for e in ents},
        number=lambda x: number(x, lang),
    )


RENDERERS = {"md": render_catalogue_md, "html": render_catalogue_html}
