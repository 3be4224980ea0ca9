"""Report phase, labels: every word a report or the command line shows, in Indonesian and English.

One flat table keyed by a stable name; `t(key, lang)` picks the language (anything but "en" is Indonesian).
"""

from __future__ import annotations

from typing import Any

# key -> (Indonesian, English)
LABELS: dict[str, tuple[str, str]] = {
    # columns
    "no": ("No", "No"),
    "id": ("Id", "Id"),
    "level": ("Tingkat", "Level"),
    "name": ("Nama", "Name"),
    "sasaran": ("Sasaran", "Goal"),
    "indikator": ("Indikator", "Indicator"),
    "langkah_aksi": ("Langkah Aksi", "Action step"),
    "unit": ("Satuan", "Unit"),
    "target": ("Target", "Target"),
    "target_year": ("Target tahunan", "Annual target"),
    "target_tw": ("Target triwulan", "Quarterly targets"),
    "actual": ("Realisasi", "Actual"),
    "achievement": ("Capaian", "Achievement"),
    "achievement_pct": ("Capaian (%)", "Achievement (%)"),
    "score": ("Nilai", "Score"),
    "grade": ("Predikat", "Grade"),
    "status": ("Status", "Status"),
    "reason": ("Alasan", "Reason"),
    "remarks": ("Keterangan", "Remarks"),
    "owner": ("Penanggung jawab", "Responsible officer"),
    "period": ("Periode", "Period"),
    "kind": ("Jenis", "Kind"),
    "semantics": ("Sifat periode", "Period semantics"),
    "polarity": ("Polaritas", "Polarity"),
    "weight": ("Bobot", "Weight"),
    "formula": ("Rumus", "Formula"),
    "inputs": ("Masukan", "Inputs"),
    "input": ("Masukan", "Input"),
    "value": ("Nilai tetap", "Fixed value"),
    "source": ("Sumber", "Source"),
    "sources": ("Sumber angka", "Sources"),
    "assumptions": ("Asumsi", "Assumptions"),
    "basis": ("Dasar", "Basis"),
    "key": ("Kunci", "Key"),
    "file": ("Berkas", "File"),
    "trace": ("Jejak perhitungan", "Calculation trace"),
    "step": ("Langkah", "Step"),
    "recorded": ("Dicatat", "Recorded"),
    # values
    "positive": ("positif (makin tinggi makin baik)", "positive (higher is better)"),
    "negative": ("negatif (makin rendah makin baik)", "negative (lower is better)"),
    "scored": ("dinilai", "scored"),
    "no_data": ("tidak ada data", "no data"),
    "no_target": ("tanpa target", "no target"),
    "not_applicable": ("tidak berlaku (nihil)", "not applicable (nil)"),
    "error": ("galat", "error"),
    "mean_achievement": ("rata-rata capaian", "mean capaian"),
    "min": ("min", "min"),
    "max": ("maks", "max"),
    "warning": ("peringatan", "warning"),
    "info": ("info", "info"),
    "yes": ("ya", "yes"),
    # titles and sentences
    "report_title": ("Pengukuran Kinerja", "Performance Measurement"),
    "catalogue_title": ("Katalog Rumus Indikator", "Indicator Formula Catalogue"),
    "charts": ("Grafik", "Charts"),
    "chart_target_actual": ("Target dan realisasi per triwulan", "Target and actual per quarter"),
    "chart_goal": ("Capaian per sasaran", "Achievement per goal"),
    "table": ("Tabel pengukuran", "Measurement table"),
    "details": ("Rincian", "Details"),
    "data_problems": ("Masalah data", "Data problems"),
    "generated": ("Dibuat", "Generated"),
    "plan": ("Rencana", "Plan"),
    "unit_name": ("Unit kerja", "Organisation unit"),
    "parent_unit": ("Unit induk", "Parent unit"),
    "year": ("Tahun", "Year"),
    "profile": ("Profil penilaian", "Scoring profile"),
    "content_hash": ("Sidik aturan (sha256)", "Rule fingerprint (sha256)"),
    "data_files": ("Berkas data", "Data files"),
    "expand_all": ("Buka semua jejak", "Open all traces"),
    "collapse_all": ("Tutup semua jejak", "Close all traces"),
    "filter": ("Saring", "Filter"),
    "only_problems": ("Hanya yang bermasalah", "Only problems"),
    "click_trace": (
        "Klik angka capaian untuk membuka jejak perhitungannya.",
        "Click an achievement figure to open its calculation trace.",
    ),
    "counts": (
        "{scored} dinilai, {no_data} tanpa data, {no_target} tanpa target, {not_applicable} tidak berlaku, "
        "{error} galat",
        "{scored} scored, {no_data} without data, {no_target} without target, {not_applicable} not applicable, "
        "{error} errors",
    ),
    "summary": (
        "ringkasan: {scored} dinilai, {no_data} tanpa data, {no_target} tanpa target, {not_applicable} tidak "
        "berlaku, {error} galat; {refused_rows} baris data ditolak",
        "summary: {scored} scored, {no_data} without data, {no_target} without target, {not_applicable} not "
        "applicable, {error} errors; {refused_rows} data rows refused",
    ),
    "strict_failed": (
        "--strict: laporan memuat baris data ditolak atau hasil galat",
        "--strict: the report holds refused data rows or results in error",
    ),
    "coverage_note": (
        "cakupan {coverage} bobot; tidak dinilai: {left_out}",
        "coverage {coverage} of the weight; not scored: {left_out}",
    ),
    "legend_target": ("Target", "Target"),
    "legend_actual": ("Realisasi", "Actual"),
    "reported_directly": ("Realisasi dilaporkan langsung", "Actual reported directly"),
    "result": ("Hasil", "Result"),
    "no_nodes": ("(tidak ada)", "(none)"),
    # check
    "check_ok": (
        "rencana {id}: {errors} galat, {warnings} peringatan, {infos} asumsi",
        "plan {id}: {errors} errors, {warnings} warnings, {infos} assumptions",
    ),
    "check_strict": ("--strict: peringatan dihitung sebagai galat", "--strict: warnings count as errors"),
    "assumptions_header": ("Asumsi yang dinyatakan dalam aturan:", "Assumptions declared in the rules:"),
    "warnings_header": ("Peringatan:", "Warnings:"),
    # diff
    "diff_title": ("Perbedaan rencana", "Plan differences"),
    "added": ("ditambah", "added"),
    "removed": ("dihapus", "removed"),
    "changed": ("diubah", "changed"),
    "no_diff": ("tidak ada perbedaan", "no differences"),
    "text_only": (
        "sidik aturan berbeda ({a} → {b}): hanya teks yang tidak dibaca perhitungan (sumber, asumsi, keterangan,"
        " komentar) yang berubah",
        "the rule fingerprints differ ({a} → {b}): only text no computation reads (sources, assumptions, remarks,"
        " comments) changed",
    ),
    "diff_counts": (
        "{added} ditambah, {removed} dihapus, {changed} diubah",
        "{added} added, {removed} removed, {changed} changed",
    ),
    "before": ("sebelum", "before"),
    "after": ("sesudah", "after"),
    "field": ("Bagian", "Field"),
    "parent": ("Induk", "Parent"),
    "number": ("Nomor", "Number"),
    # template
    "template_written": (
        "templat {period} ditulis ke {file}: {rows} baris",
        "template for {period} written to {file}: {rows} rows",
    ),
    "written": ("ditulis: {file}", "written: {file}"),
    # cli errors
    "internal_error": (
        "galat internal: {detail} (jalankan ulang dengan --debug untuk melihat traceback)",
        "internal error: {detail} (run again with --debug to see the traceback)",
    ),
    "unknown_node": ("simpul '{id}' tidak ada dalam rencana", "node '{id}' is not in the plan"),
    "did_you_mean": ("maksud Anda {choices}?", "did you mean {choices}?"),
    "unknown_period": (
        "periode '{period}' tidak dikenal; pilihan: {choices}",
        "unknown period '{period}'; choices: {choices}",
    ),
    "needs_output": ("format {fmt} memerlukan -o BERKAS", "format {fmt} needs -o FILE"),
    "bad_format": (
        "format '{fmt}' tidak tersedia; pilihan: {choices}",
        "format '{fmt}' is not available; choices: {choices}",
    ),
    "bad_extension": ("berkas keluaran harus berakhiran {choices}", "the output file must end in {choices}"),
    "scoring": ("menilai {period}", "scoring {period}"),
    "reading": ("membaca {file}", "reading {file}"),
    "cannot_write": ("tidak dapat menulis {file}: {detail}", "cannot write {file}: {detail}"),
}

# Trace step names -> (Indonesian, English). Unknown steps are shown by their own name.
STEPS: dict[str, tuple[str, str]] = {
    "target": ("target periode", "period target"),
    "period_target": ("target periode", "period target"),
    "actual": ("realisasi", "actual"),
    "input": ("masukan", "input"),
    "inputs": ("masukan", "inputs"),
    "data": ("data", "data"),
    "aggregate": ("agregasi antarperiode", "aggregation over periods"),
    "aggregation": ("agregasi antarperiode", "aggregation over periods"),
    "convert": ("konversi satuan", "unit conversion"),
    "formula": ("rumus", "formula"),
    "ratio": ("rasio", "ratio"),
    "index": ("indeks", "index"),
    "component": ("komponen", "component"),
    "round_actual": ("pembulatan realisasi", "rounding of the actual"),
    "range": ("target rentang", "range target"),
    "achievement": ("capaian", "achievement"),
    "cap": ("batas atas", "cap"),
    "floor": ("batas bawah", "floor"),
    "round": ("pembulatan", "rounding"),
    "round_before_bands": ("pembulatan sebelum pita", "rounding before bands"),
    "max_target": ("target maksimal", "maximum target"),
    "band": ("pita nilai", "score band"),
    "score": ("nilai", "score"),
    "grade": ("predikat", "grade"),
    "missing": ("tidak ada data", "no data"),
    "no_data": ("tidak ada data", "no data"),
    "error": ("galat", "error"),
}

LEVELS: dict[str, tuple[str, str]] = {
    "sasaran": ("sasaran", "goal"),
    "indikator": ("indikator", "indicator"),
    "langkah_aksi": ("langkah aksi", "action step"),
}


def t(key: str, lang: str = "id", **args: Any) -> str:
    """The label `key` in `lang`, with `{placeholders}` filled from `args`; unknown keys come back as is."""
    pair = LABELS.get(key)
    if pair is None:
        return key.format(**args) if args else key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**args) if args else text


def step_label(step: str, lang: str = "id") -> str:
    """The display name of a trace step."""
    pair = STEPS.get(step)
    if pair is None:
        return step.replace("_", " ")
    return pair[1] if lang == "en" else pair[0]


def level_label(level: str, lang: str = "id") -> str:
    """The display name of a node level."""
    pair = LEVELS.get(level)
    if pair is None:
        return level
    return pair[1] if lang == "en" else pair[0]
