"""The audit tools see every setting that can move a number (issue 11, finding 7).

The fields of the rule-file schema are enumerated from the pydantic models themselves (`schema.py`), never
listed by hand: every field must either have a mutation below or be in `NO_NUMBER`, an explicit allow-list
of keys that no number reads, each with its reason. Each mutation is applied to a small synthetic plan that
sets every key; `kinerja diff --exit-code` must exit 1 and name the setting, and the catalogue (without its
content-hash line) must change. A new schema key without a mutation fails `test_every_schema_field_is_covered`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

import kinerja
from kinerja import schema
from kinerja.cli import app
from kinerja.report.catalogue import render_catalogue_md
from kinerja.report.diff import diff_plans, render_diff_text

# ------------------------------------------------------------------------------------------- the schema


ROOTS: tuple[type[BaseModel], ...] = (schema.PlanFile, schema.GoalFile, schema.ProfileFile)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation mentions (through lists, dicts, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def schema_fields() -> set[str]:
    """Every field of every model reachable from the three file models, as "Model.key" (the TOML key)."""
    seen: set[type[BaseModel]] = set()
    out: set[str] = set()
    todo = list(ROOTS)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, f in model.model_fields.items():
            out.add(f"{model.__name__}.{f.alias or name}")
            todo.extend(_models_in(f.annotation))
    return out


# keys that cannot move a number, with the reason; everything else must have a mutation
NO_NUMBER: dict[str, str] = {
    # text for readers: where a number comes from, what was assumed, remarks (listed by `check` and shown
    # in the catalogue, read by no computation)
    "NodeSpec.sumber": "source text",
    "NodeSpec.asumsi": "assumption text",
    "NodeSpec.keterangan": "remarks",
    "InputSpec.sumber": "source text",
    "InputSpec.asumsi": "assumption text",
    "InputSpec.keterangan": "remarks",
    "Step.sumber": "source text",
    "Step.asumsi": "assumption text",
    "Band.sumber": "source text",
    "Band.asumsi": "assumption text",
    "Assumption.kunci": "assumption text",
    "Assumption.alasan": "assumption text",
    "Assumption.dasar": "assumption text",
    "PlanMeta.sumber": "source text",
    "PlanMeta.keterangan": "remarks",
    "ProfileSpec.sumber": "source text",
    "AchievementRules.sumber": "source text",
    "RoundingRules.sumber": "source text",
    "ScoreRules.sumber": "source text",
    "GradeRules.sumber": "source text",
    "GradeRules.asumsi": "assumption text",
    # document order of children written before or after each other: ids, not order, identify nodes
    "NodeSpec.__langkah_aksi_dulu__": "internal: remembers whether langkah_aksi was written before indikator",
    # sections: each of their keys is enumerated and mutated on its own
    "PlanFile.rencana": "section",
    "ProfileFile.profil": "section",
    "ProfileSpec.capaian": "section",
    "ProfileSpec.pembulatan": "section",
    "ProfileSpec.nilai": "section",
    "ProfileSpec.predikat": "section",
    # a closed choice with one valid value: no valid mutation exists (described as profil.capaian.rentang)
    "AchievementRules.rentang": "only 'batas_terdekat' is valid",
}


# ------------------------------------------------------------------------------------------- the plan

PLAN = {
    "rencana": {
        "id": "uji-audit",
        "nama": "Rencana uji audit",
        "unit_kerja": "Polsek Uji",
        "unit_induk": "Polres Uji",
        "tahun": 2025,
        "periode": "triwulan",
        "bahasa": "id",
        "profil": "uji",
        "sumber": "sintetis",
        "satuan": "satuan-uji.txt",
        "keterangan": "rencana sintetis yang memakai setiap kunci",
        "versi": "1",
        "hasil": "iku_rasio",
        "pengesahan": {
            "tempat": "Martapura",
            "tanggal": dt.date(2025, 1, 20),
            "penandatangan": "KAPOLSEK UJI",
            "jabatan": "KAPOLSEK",
            "nama": "Budi",
            "paraf": ["Kasium"],
        },
    }
}

UNITS = "bibit = [bibit]\n"

PROFILE = {
    "profil": {
        "id": "uji",
        "nama": "Profil uji",
        "sumber": "sintetis",
        "capaian": {
            "positif": "R / T * 100",
            "negatif": "(2 - R / T) * 100",
            "negatif_invers": "T / R * 100",
            "metode_negatif": "standar",
            "rentang": "batas_terdekat",
            "batas_atas": 150,
            "batas_bawah": 0,
            "sumber": "s",
        },
        "pembulatan": {
            "mode": "setengah_ke_atas",
            "desimal": 2,
            "realisasi_dulu": False,
            "sebelum_pita": 0,
            "sumber": "s",
        },
        "nilai": {
            "pita": [
                {"lebih_dari": 110, "rumus": "120", "sumber": "s", "asumsi": "a"},
                {"minimal": 100, "maksimal": 110, "rumus": "C + 5"},
                {"kurang_dari": 100, "rumus": "C"},
            ],
            "nilai_target_maksimal": 120,
            "sumber": "s",
        },
        "predikat": {
            "dari": "nilai",
            "skala": [
                {"minimal": 90, "predikat": "Baik", "predikat_en": "Good"},
                {"minimal": -math.inf, "predikat": "Kurang", "predikat_en": "Poor"},
            ],
            "sumber": "s",
            "asumsi": "a",
        },
    }
}

GOALS = {
    "sasaran": [
        {
            "id": "ss_a",
            "nomor": "1.",
            "nama": "Sasaran A",
            "sumber": "hal. 1",
            "asumsi": [{"kunci": "simpul", "alasan": "contoh", "dasar": "uji"}],
            "indikator": [
                {
                    "id": "iku_indeks",
                    "nama": "Indeks",
                    "jenis": "indeks",
                    "target": 80,
                    "dari": "capaian",
                    "metode": "rata_tertimbang",
                    "batas_kontribusi": False,
                    "indikator": [
                        {
                            "id": "iku_langsung",
                            "nomor": "1.1",
                            "nama": "Langsung",
                            "jenis": "langsung",
                            "satuan": "persen",
                            "target": 90,
                            "target_tw": [90, 90, 90, 90],
                            "sifat_periode": "tetap",
                            "agregasi": "rata_rata",
                            "polaritas": "positif",
                            "penanggung_jawab": "KASAT",
                            "keterangan": "catatan",
                            "bobot": 50,
                            "target_maksimal": False,
                            "langkah_aksi": [
                                {"id": "la_satu", "nama": "Langkah", "satuan": "giat", "target_tw": [1, 1, 1, 1]}
                            ],
                        },
                        {
                            "id": "iku_batas",
                            "nama": "Batas",
                            "jenis": "batas",
                            "satuan": "menit",
                            "target": 20,
                            "bobot": 50,
                            "penilaian": {"metode_negatif": "standar"},
                        },
                    ],
                },
                {
                    "id": "iku_rasio",
                    "nama": "Rasio",
                    "jenis": "rasio",
                    "pembilang": "puas",
                    "penyebut": "total",
                    "skala": 100,
                    "masukan": {
                        "puas": {
                            "satuan": "pers",
                            "agregasi": "jumlah",
                            "periode": "triwulan",
                            "sumber": "survei",
                            "asumsi": "a",
                            "keterangan": "k",
                        },
                        "total": {"satuan": "pers", "nilai": 1000},
                    },
                    "target": 80,
                    "penilaian": {"positif": "min(R / T * 100, 120)"},
                },
                {
                    "id": "iku_rumus",
                    "nama": "Rumus",
                    "jenis": "rumus",
                    "satuan": "persen",
                    "rumus": "skor(x)",
                    "masukan": {"x": {"satuan": "giat", "periode": "bulan", "agregasi": "jumlah"}},
                    "tabel": {
                        "skor": [
                            {"minimal": 10, "maksimal": 1000, "nilai": 100, "sumber": "s", "asumsi": "a"},
                            {"lebih_dari": 5, "kurang_dari": 10, "nilai": 50},
                            {"sama_dengan": 5, "nilai": 40},
                        ]
                    },
                    "hitung_per_periode": True,
                    "target": 90,
                },
                {
                    "id": "iku_sertakan",
                    "nama": "Nilai aturan yang disertakan",
                    "satuan": "persen",
                    "target": 90,
                    "sertakan": {"aturan": "inc", "versi": "1"},
                },
            ],
        }
    ]
}

INC_PLAN = {"rencana": {"id": "inc", "nama": "Aturan disertakan", "tahun": 2025, "versi": "1", "hasil": "inc_x"}}
INC_GOALS = {
    "sasaran": [
        {
            "id": "ss_inc",
            "nama": "Sasaran disertakan",
            "indikator": [{"id": "inc_x", "nama": "X", "satuan": "persen", "target": 90, "jenis": "langsung"}],
        }
    ]
}

Files = dict[str, Any]


def base_files() -> Files:
    """The plan's files by path relative to the test folder: TOML documents as dicts, text as str."""
    return copy.deepcopy(
        {
            "p/rencana.toml": PLAN,
            "p/satuan-uji.txt": UNITS,
            "p/profil/uji.toml": PROFILE,
            "p/01.toml": GOALS,
            "inc/rencana.toml": INC_PLAN,
            "inc/01.toml": INC_GOALS,
        }
    )


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def to_toml(doc: dict[str, Any]) -> str:
    """A TOML document: each top-level key on its own line, values inline (TOML 1.0)."""
    return "".join(f"{k} = {_toml_value(v)}\n" for k, v in doc.items())


def write(files: Files, root: Path) -> Path:
    """The files under `root`; included rule sets ("inc/...") inside the plan folder, the rule root where an
    include resolves without a declared root."""
    for rel, content in files.items():
        path = root / rel if rel.startswith("p/") else root / "p" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else to_toml(content), encoding="utf-8")
    return root / "p"


def node(files: Files, node_id: str) -> dict[str, Any]:
    """The dict of the node with this id in the plan's goal file."""

    def walk(items: list[dict[str, Any]]) -> dict[str, Any] | None:
        for it in items:
            if it["id"] == node_id:
                return it
            found = walk(it.get("indikator", []) + it.get("langkah_aksi", []))
            if found is not None:
                return found
        return None

    found = walk(files["p/01.toml"]["sasaran"])
    assert found is not None, node_id
    return found


def plan_meta(files: Files) -> dict[str, Any]:
    return files["p/rencana.toml"]["rencana"]


def profile(files: Files) -> dict[str, Any]:
    return files["p/profil/uji.toml"]["profil"]


def setter(get: Callable[[Files], dict[str, Any]], key: str, value: Any) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        get(files)[key] = value

    return mutate


def at_node(node_id: str, *path: str | int) -> Callable[[Files], dict[str, Any]]:
    def get(files: Files) -> dict[str, Any]:
        d: Any = node(files, node_id)
        for p in path:
            d = d[p]
        return d

    return get


def at_profile(*path: str | int) -> Callable[[Files], dict[str, Any]]:
    def get(files: Files) -> dict[str, Any]:
        d: Any = profile(files)
        for p in path:
            d = d[p]
        return d

    return get


def _rename_id(files: Files) -> None:
    node(files, "iku_langsung")["id"] = "iku_langsung_baru"


def _equal_weights(files: Files) -> None:
    idx = node(files, "iku_indeks")
    idx["bobot_sama"] = True
    for c in idx["indikator"]:
        del c["bobot"]


def _add_input(files: Files) -> None:
    n = node(files, "iku_rasio")
    n["masukan"]["lain"] = "pers"
    n["penyebut"] = "(total + lain)"


def _input_units(files: Files) -> None:
    for name in ("puas", "total"):
        node(files, "iku_rasio")["masukan"][name]["satuan"] = "bibit"


def _weights(files: Files) -> None:
    node(files, "iku_langsung")["bobot"] = 60
    node(files, "iku_batas")["bobot"] = 40


def _add_table(files: Files) -> None:
    n = node(files, "iku_rumus")
    n["tabel"]["skor2"] = [{"minimal": 0, "nilai": 1}]
    n["rumus"] = "skor(x) + skor2(x)"


def _add_indicator(files: Files) -> None:
    node(files, "iku_indeks")["indikator"].append({"id": "iku_baru", "nama": "Baru", "target": 1, "bobot": 0})


def _add_step(files: Files) -> None:
    node(files, "iku_langsung")["langkah_aksi"].append({"id": "la_baru", "nama": "Baru", "target_tw": [1, 1, 1, 1]})


def _add_goal(files: Files) -> None:
    files["p/01.toml"]["sasaran"].append({"id": "ss_baru", "nama": "Sasaran baru"})


def _monthly(files: Files) -> None:
    plan_meta(files)["periode"] = "bulan"
    files["inc/rencana.toml"]["rencana"]["periode"] = "bulan"
    for nid in ("iku_langsung", "la_satu"):
        n = node(files, nid)
        n["target_tw"] = [n["target_tw"][0]] * 12


def _other_profile_file(files: Files) -> None:
    files["p/profil/uji2.toml"] = files.pop("p/profil/uji.toml")  # the same profile under another name
    plan_meta(files)["profil"] = "uji2"


def _other_units(files: Files) -> None:
    files["p/satuan-lain.txt"] = UNITS + "benih = [benih]\n"
    plan_meta(files)["satuan"] = "satuan-lain.txt"


def _include_other_folder(files: Files) -> None:
    files["inc2/rencana.toml"] = files["inc/rencana.toml"]
    files["inc2/01.toml"] = files["inc/01.toml"]
    node(files, "iku_sertakan")["sertakan"]["aturan"] = "inc2"


def _include_version(files: Files) -> None:
    files["inc/rencana.toml"]["rencana"]["versi"] = "2"
    node(files, "iku_sertakan")["sertakan"]["versi"] = "2"


def _no_include(files: Files) -> None:
    del node(files, "iku_sertakan")["sertakan"]


def _add_band(files: Files) -> None:
    profile(files)["nilai"]["pita"].insert(0, {"sama_dengan": 100, "rumus": "109"})


def _add_grade(files: Files) -> None:
    profile(files)["predikat"]["skala"].insert(1, {"minimal": 70, "predikat": "Cukup"})


def _no_signature(files: Files) -> None:
    del plan_meta(files)["pengesahan"]


# "Model.key" -> (mutation, text the diff must contain)
MUTATIONS: dict[str, tuple[Callable[[Files], None], str]] = {
    # nodes
    "NodeSpec.id": (_rename_id, "+ iku_langsung_baru"),
    "NodeSpec.nama": (
        setter(at_node("iku_langsung"), "nama", "Langsung (revisi)"),
        "Nama: Langsung → Langsung (revisi)",
    ),
    "NodeSpec.nomor": (setter(at_node("iku_langsung"), "nomor", "1.2"), "Nomor: 1.1 → 1.2"),
    "NodeSpec.jenis": (setter(at_node("iku_langsung"), "jenis", "jumlah"), "Jenis: langsung → jumlah"),
    "NodeSpec.satuan": (setter(at_node("iku_langsung"), "satuan", "giat"), "Satuan: % → giat"),
    "NodeSpec.target": (setter(at_node("iku_langsung"), "target", 95), "Target: 90 → 95"),
    "NodeSpec.target_tw": (setter(at_node("iku_langsung"), "target_tw", [90, 91, 90, 90]), "Target TW2: 90 → 91"),
    "NodeSpec.sifat_periode": (
        setter(at_node("iku_langsung"), "sifat_periode", "batas"),
        "Sifat periode: tetap → batas",
    ),
    "NodeSpec.agregasi": (setter(at_node("iku_langsung"), "agregasi", "maksimum"), "agregasi: rata_rata → maksimum"),
    "NodeSpec.polaritas": (setter(at_node("iku_langsung"), "polaritas", "negatif"), "Polaritas: positif"),
    "NodeSpec.penanggung_jawab": (setter(at_node("iku_langsung"), "penanggung_jawab", "KABAG"), "Penanggung jawab:"),
    "NodeSpec.masukan": (_add_input, "masukan.lain.satuan: - → pers"),
    "NodeSpec.rumus": (setter(at_node("iku_rumus"), "rumus", "skor(x) / 2"), "Rumus: skor(x) → skor(x) ÷ 2"),
    "NodeSpec.pembilang": (setter(at_node("iku_rasio"), "pembilang", "(total - puas)"), "Rumus:"),
    "NodeSpec.penyebut": (setter(at_node("iku_rasio"), "penyebut", "total * 2"), "Rumus:"),
    "NodeSpec.skala": (setter(at_node("iku_rasio"), "skala", 1000), "Rumus:"),
    "NodeSpec.bobot": (_weights, "Bobot: 50 → 60"),
    "NodeSpec.dari": (setter(at_node("iku_indeks"), "dari", "nilai"), "indeks.dari: capaian → nilai"),
    "NodeSpec.batas_kontribusi": (
        setter(at_node("iku_indeks"), "batas_kontribusi", True),
        "indeks.batas_kontribusi: tidak → ya",
    ),
    "NodeSpec.cakupan_minimal": (
        setter(at_node("iku_indeks"), "cakupan_minimal", 80),
        "indeks.cakupan_minimal: 50 → 80",
    ),
    "NodeSpec.target_maksimal": (
        setter(at_node("iku_langsung"), "target_maksimal", True),
        "target_maksimal: tidak → ya",
    ),
    "NodeSpec.penilaian": (
        setter(at_node("iku_langsung"), "penilaian", {"desimal": 3}),
        "penilaian.pembulatan.desimal: 2 → 3",
    ),
    "NodeSpec.tabel": (_add_table, "tabel.skor2[0]: - → x ≥ 0 → 1"),
    "NodeSpec.metode": (
        setter(at_node("iku_indeks"), "metode", "geometrik"),
        "indeks.metode: rata_tertimbang → geometrik",
    ),
    "NodeSpec.bobot_sama": (_equal_weights, "Rumus: (50 × capaian(iku_langsung)"),
    "NodeSpec.sertakan": (_no_include, "- inc_x"),
    "NodeSpec.hitung_per_periode": (
        setter(at_node("iku_rumus"), "hitung_per_periode", False),
        "hitung_per_periode: ya → tidak",
    ),
    "NodeSpec.indikator": (_add_indicator, "+ iku_baru"),
    "NodeSpec.langkah_aksi": (_add_step, "+ la_baru"),
    "GoalFile.sasaran": (_add_goal, "+ ss_baru"),
    # inputs
    "InputSpec.satuan": (_input_units, "masukan.total.satuan: pers → bibit"),
    "InputSpec.nilai": (
        setter(at_node("iku_rasio", "masukan", "total"), "nilai", 1200),
        "masukan.total.nilai: 1.000 → 1.200",
    ),
    "InputSpec.agregasi": (
        setter(at_node("iku_rasio", "masukan", "puas"), "agregasi", "terakhir"),
        "masukan.puas.agregasi: jumlah → terakhir",
    ),
    "InputSpec.periode": (
        setter(at_node("iku_rasio", "masukan", "puas"), "periode", "bulan"),
        "masukan.puas.periode: triwulan → bulan",
    ),
    # lookup tables
    "Step.lebih_dari": (setter(at_node("iku_rumus", "tabel", "skor", 1), "lebih_dari", 6), "tabel.skor[1]: x > 5"),
    "Step.minimal": (setter(at_node("iku_rumus", "tabel", "skor", 0), "minimal", 11), "tabel.skor[0]: x ≥ 10"),
    "Step.kurang_dari": (setter(at_node("iku_rumus", "tabel", "skor", 1), "kurang_dari", 9), "tabel.skor[1]:"),
    "Step.maksimal": (setter(at_node("iku_rumus", "tabel", "skor", 0), "maksimal", 999), "tabel.skor[0]:"),
    "Step.sama_dengan": (setter(at_node("iku_rumus", "tabel", "skor", 2), "sama_dengan", 4), "tabel.skor[2]: x = 5"),
    "Step.nilai": (setter(at_node("iku_rumus", "tabel", "skor", 2), "nilai", 45), "x = 5 → 40 → x = 5 → 45"),
    # included rule sets
    "Include.aturan": (_include_other_folder, "rencana.sertakan[0]: iku_sertakan ← inc"),
    "Include.versi": (_include_version, "sertakan: inc@1 → inc@2"),
    # the plan
    "PlanMeta.id": (setter(plan_meta, "id", "uji-audit-2"), "rencana.id: uji-audit → uji-audit-2"),
    "PlanMeta.nama": (setter(plan_meta, "nama", "Rencana uji (revisi)"), "rencana.nama:"),
    "PlanMeta.unit_kerja": (setter(plan_meta, "unit_kerja", "Polsek Lain"), "rencana.unit_kerja:"),
    "PlanMeta.unit_induk": (setter(plan_meta, "unit_induk", "Polres Lain"), "rencana.unit_induk:"),
    "PlanMeta.tahun": (setter(plan_meta, "tahun", 2026), "rencana.tahun: 2025 → 2026"),
    "PlanMeta.periode": (_monthly, "rencana.periode: triwulan → bulan"),
    "PlanMeta.bahasa": (setter(plan_meta, "bahasa", "en"), "rencana.bahasa: id → en"),
    "PlanMeta.profil": (_other_profile_file, "rencana.profil: uji → uji2"),
    "PlanMeta.satuan": (_other_units, "rencana.satuan: satuan-uji.txt"),
    "PlanMeta.pengesahan": (_no_signature, "rencana.pengesahan.tempat: Martapura → -"),
    "PlanMeta.versi": (setter(plan_meta, "versi", "2"), "rencana.versi: 1 → 2"),
    "PlanMeta.cakupan_minimal": (setter(plan_meta, "cakupan_minimal", 70), "rencana.cakupan_minimal: - → 70"),
    "PlanMeta.hasil": (setter(plan_meta, "hasil", "iku_rumus"), "rencana.hasil: iku_rasio → iku_rumus"),
    "Signature.tempat": (setter(lambda f: plan_meta(f)["pengesahan"], "tempat", "Banjarbaru"), "pengesahan.tempat"),
    "Signature.tanggal": (
        setter(lambda f: plan_meta(f)["pengesahan"], "tanggal", dt.date(2025, 2, 1)),
        "pengesahan.tanggal: 2025-01-20 → 2025-02-01",
    ),
    "Signature.penandatangan": (setter(lambda f: plan_meta(f)["pengesahan"], "penandatangan", "X"), "penandatangan"),
    "Signature.jabatan": (setter(lambda f: plan_meta(f)["pengesahan"], "jabatan", "WAKA"), "pengesahan.jabatan"),
    "Signature.nama": (setter(lambda f: plan_meta(f)["pengesahan"], "nama", "Ani"), "pengesahan.nama: Budi → Ani"),
    "Signature.paraf": (setter(lambda f: plan_meta(f)["pengesahan"], "paraf", ["Kasium", "Kabag"]), "pengesahan.paraf"),
    # the profile
    "ProfileSpec.id": (setter(at_profile(), "id", "uji-lain"), "profil.id: uji → uji-lain"),
    "ProfileSpec.nama": (setter(at_profile(), "nama", "Profil lain"), "profil.nama:"),
    "AchievementRules.positif": (
        setter(at_profile("capaian"), "positif", "R / T * 100 + 1"),
        "profil.capaian.positif: R ÷ T × 100 → R ÷ T × 100 + 1",
    ),
    "AchievementRules.negatif": (
        setter(at_profile("capaian"), "negatif", "(2 - R / T) * 90"),
        "profil.capaian.negatif:",
    ),
    "AchievementRules.negatif_invers": (
        setter(at_profile("capaian"), "negatif_invers", "T / R * 90"),
        "profil.capaian.negatif_invers:",
    ),
    "AchievementRules.metode_negatif": (
        setter(at_profile("capaian"), "metode_negatif", "invers"),
        "profil.capaian.metode_negatif: standar → invers",
    ),
    "AchievementRules.batas_atas": (
        setter(at_profile("capaian"), "batas_atas", 140),
        "profil.capaian.batas_atas: 150 → 140",
    ),
    "AchievementRules.batas_bawah": (
        setter(at_profile("capaian"), "batas_bawah", 10),
        "profil.capaian.batas_bawah: 0 → 10",
    ),
    "RoundingRules.mode": (
        setter(at_profile("pembulatan"), "mode", "potong"),
        "profil.pembulatan.mode: setengah_ke_atas → potong",
    ),
    "RoundingRules.desimal": (setter(at_profile("pembulatan"), "desimal", 1), "profil.pembulatan.desimal: 2 → 1"),
    "RoundingRules.realisasi_dulu": (
        setter(at_profile("pembulatan"), "realisasi_dulu", True),
        "profil.pembulatan.realisasi_dulu: tidak → ya",
    ),
    "RoundingRules.sebelum_pita": (
        setter(at_profile("pembulatan"), "sebelum_pita", 1),
        "profil.pembulatan.sebelum_pita: 0 → 1",
    ),
    "ScoreRules.pita": (_add_band, "profil.nilai.pita[0].batas: C > 110 → C = 100"),
    "ScoreRules.nilai_target_maksimal": (
        setter(at_profile("nilai"), "nilai_target_maksimal", 130),
        "profil.nilai.nilai_target_maksimal: 120 → 130",
    ),
    "Band.lebih_dari": (
        setter(at_profile("nilai", "pita", 0), "lebih_dari", 115),
        "profil.nilai.pita[0].batas: C > 110 → C > 115",
    ),
    "Band.minimal": (setter(at_profile("nilai", "pita", 1), "minimal", 101), "profil.nilai.pita[1].batas:"),
    "Band.kurang_dari": (
        setter(at_profile("nilai", "pita", 2), "kurang_dari", 99),
        "profil.nilai.pita[2].batas: C < 100 → C < 99",
    ),
    "Band.maksimal": (setter(at_profile("nilai", "pita", 1), "maksimal", 111), "profil.nilai.pita[1].batas:"),
    "Band.sama_dengan": (setter(at_profile("nilai", "pita", 2), "sama_dengan", 50), "profil.nilai.pita[2].batas:"),
    "Band.rumus": (
        setter(at_profile("nilai", "pita", 1), "rumus", "C + 6"),
        "profil.nilai.pita[1].rumus: C + 5 → C + 6",
    ),
    "GradeRules.dari": (setter(at_profile("predikat"), "dari", "capaian"), "profil.predikat.dari: nilai → capaian"),
    "GradeRules.skala": (_add_grade, "profil.predikat.skala[1].predikat: Kurang / Poor → Cukup"),
    "GradeStep.minimal": (
        setter(at_profile("predikat", "skala", 0), "minimal", 91),
        "profil.predikat.skala[0].minimal: 90 → 91",
    ),
    "GradeStep.predikat": (
        setter(at_profile("predikat", "skala", 0), "predikat", "Amat Baik"),
        "Baik / Good → Amat Baik / Good",
    ),
    "GradeStep.predikat_en": (
        setter(at_profile("predikat", "skala", 0), "predikat_en", "Very good"),
        "Baik / Good → Baik / Very good",
    ),
}


def test_every_schema_field_is_covered() -> None:
    fields = schema_fields()
    assert len(fields) > 80  # the walk reached the nested models
    missing = sorted(fields - set(MUTATIONS) - set(NO_NUMBER))
    assert not missing, f"schema keys no audit test mutates (add a mutation, or a reason to NO_NUMBER): {missing}"
    stale = sorted((set(MUTATIONS) | set(NO_NUMBER)) - fields)
    assert not stale, f"entries for keys the schema no longer has: {stale}"
    assert not set(MUTATIONS) & set(NO_NUMBER)


def _catalogue(plan: kinerja.Plan) -> str:
    text = render_catalogue_md(plan, "id")
    return "\n".join(line for line in text.splitlines() if plan.content_hash not in line)


_BASE_CATALOGUE: dict[int, str] = {}


def _base_catalogue(plan: kinerja.Plan) -> str:
    """The base plan's catalogue, rendered once for all mutations."""
    if id(plan) not in _BASE_CATALOGUE:
        _BASE_CATALOGUE[id(plan)] = _catalogue(plan)
    return _BASE_CATALOGUE[id(plan)]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, kinerja.Plan]:
    folder = write(base_files(), tmp_path_factory.mktemp("base"))
    return folder, kinerja.load_plan(folder)


def test_base_plan_sets_every_covered_key(base: tuple[Path, kinerja.Plan]) -> None:
    """The fixture loads, and a plan compared with itself has no differences (so every report below is
    the mutation's)."""
    folder, plan = base
    assert plan.node("iku_rasio").profile is not plan.profile
    r = CliRunner().invoke(app, ["diff", str(folder), str(folder), "--exit-code"])
    assert r.exit_code == 0, r.output
    assert "tidak ada perbedaan" in r.output


@pytest.mark.parametrize("key", sorted(MUTATIONS))
def test_mutation_is_seen_by_diff_and_catalogue(key: str, base: tuple[Path, kinerja.Plan], tmp_path: Path) -> None:
    folder_a, plan_a = base
    mutate, expected = MUTATIONS[key]
    files = base_files()
    mutate(files)
    folder_b = write(files, tmp_path)
    plan_b = kinerja.load_plan(folder_b)
    r = CliRunner().invoke(app, ["diff", str(folder_a), str(folder_b), "--exit-code", "--lang", "id"])
    assert r.exit_code == 1, f"{key}: diff --exit-code says no difference\n{r.output}"
    assert expected in r.output, f"{key}: diff does not report {expected!r}\n{r.output}"
    en = render_diff_text(diff_plans(plan_a, plan_b, "en"), "en")
    assert "no differences" not in en
    assert _base_catalogue(plan_a) != _catalogue(plan_b), f"{key}: the catalogue does not change"


# ------------------------------------------------------------------------------------------- finding 7
# The four cases the issue reports: each changed the numbers (and the rules hash) while `diff --exit-code`
# said "tidak ada perbedaan" and the catalogue printed the profile's default formula.


def _pair(tmp_path: Path, before: Callable[[Files], None], after: Callable[[Files], None]) -> tuple[Path, Path]:
    folders = []
    for name, change in (("a", before), ("b", after)):
        files = base_files()
        del profile(files)["capaian"]["batas_atas"]  # no cap: the overrides' own limits decide
        change(files)
        folders.append(write(files, tmp_path / name))
    return folders[0], folders[1]


def _diff(a: Path, b: Path) -> Any:
    return CliRunner().invoke(app, ["diff", str(a), str(b), "--exit-code", "--lang", "id"])


def _nothing(files: Files) -> None:
    pass


def test_removed_penilaian_override_is_reported(tmp_path: Path) -> None:
    def no_override(files: Files) -> None:
        del node(files, "iku_rasio")["penilaian"]

    a, b = _pair(tmp_path, _nothing, no_override)
    pa, pb = kinerja.load_plan(a), kinerja.load_plan(b)
    assert pa.content_hash != pb.content_hash
    data = {"iku_rasio.puas": {"TW1": 2000, "TW2": 0, "TW3": 0, "TW4": 0}}
    ca, cb = pa.score(data, "2025")["iku_rasio"].achievement, pb.score(data, "2025")["iku_rasio"].achievement
    assert ca is not None and cb is not None and abs(ca - cb) > 60  # 120 → 250
    r = _diff(a, b)
    assert r.exit_code == 1, r.output
    assert "~ iku_rasio" in r.output
    assert "penilaian.rumus_capaian: min(R ÷ T × 100; 120) → R ÷ T × 100" in r.output
    # the catalogue prints the node's own formula, and says it replaces the profile's
    cat = render_catalogue_md(pa, "id")
    section = cat[cat.index("| id | iku_rasio |") :]
    section = section[: section.index("\n#")]
    assert "| Rumus capaian | min(R ÷ T × 100; 120) |" in section
    assert "| Rumus capaian | R ÷ T × 100 |" not in section
    assert "| Rumus capaian | R ÷ T × 100 |" in render_catalogue_md(pb, "id")


def test_truncation_override_is_reported(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, _nothing, setter(at_node("iku_langsung"), "penilaian", {"mode": "potong"}))
    r = _diff(a, b)
    assert r.exit_code == 1, r.output
    assert "penilaian.pembulatan.mode: setengah_ke_atas → potong" in r.output
    cat = render_catalogue_md(kinerja.load_plan(b), "id")
    assert "| penilaian.pembulatan.mode | potong (profil penilaian: setengah_ke_atas) |" in cat


def test_contribution_cap_is_reported(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, _nothing, setter(at_node("iku_indeks"), "batas_kontribusi", True))
    r = _diff(a, b)
    assert r.exit_code == 1, r.output
    assert "indeks.batas_kontribusi: tidak → ya" in r.output
    assert "| Batas kontribusi | ya |" in render_catalogue_md(kinerja.load_plan(b), "id")
    # in English, and with the language-independent key for embedding systems
    r = CliRunner().invoke(app, ["diff", str(a), str(b), "--lang", "en", "-f", "json"])
    doc = json.loads(r.output)
    [change] = doc["nodes"][0]["changes"]
    assert change == {
        "field": "index.contribution cap",
        "before": "no",
        "after": "yes",
        "key": "indeks.batas_kontribusi",
    }
    assert "| Contribution cap | yes |" in render_catalogue_md(kinerja.load_plan(b), "en")


def test_input_aggregation_is_reported(tmp_path: Path) -> None:
    a, b = _pair(tmp_path, _nothing, setter(at_node("iku_rumus", "masukan", "x"), "agregasi", "maksimum"))
    r = _diff(a, b)
    assert r.exit_code == 1, r.output
    assert "masukan.x.agregasi: jumlah → maksimum" in r.output
    cat = render_catalogue_md(kinerja.load_plan(b), "id")
    assert "| `iku_rumus.x` | giat |  | bulan | maksimum |  |" in cat


def test_profile_change_is_reported_once_at_plan_level(tmp_path: Path) -> None:
    """A change of the plan's profile is one plan-level line, not a line at every node it reaches; a node
    that overrides the changed key is unaffected and not listed."""
    a, b = _pair(tmp_path, _nothing, setter(at_profile("pembulatan"), "desimal", 3))
    d = diff_plans(kinerja.load_plan(a), kinerja.load_plan(b), "id")
    assert [(c.field, c.before, c.after) for c in d.plan_changes] == [("profil.pembulatan.desimal", "2", "3")]
    assert d.nodes == []


def test_text_only_change_is_no_difference_but_said(tmp_path: Path) -> None:
    """Changing only text no computation reads (a source, an assumption) is no difference for
    `--exit-code`, and the output says the files differ, so an auditor comparing fingerprints is not misled."""

    def text(files: Files) -> None:
        node(files, "iku_langsung")["keterangan"] = "catatan lain"
        node(files, "iku_rasio")["masukan"]["puas"]["sumber"] = "survei 2025"

    a, b = _pair(tmp_path, _nothing, text)
    r = _diff(a, b)
    assert r.exit_code == 0, r.output
    assert "tidak ada perbedaan\nsidik aturan berbeda (" in r.output
    assert "hanya teks yang tidak dibaca perhitungan" in r.output
    r = CliRunner().invoke(app, ["diff", str(a), str(a), "--exit-code", "--lang", "en"])
    assert r.output.rstrip().endswith("no differences")


# ------------------------------------------------------------------------------------------- compiled nodes

# every attribute of a compiled `Node` (what the evaluator reads) → the description key that shows it
NODE_DESCRIBED: dict[str, str] = {
    "id": "nama",  # nodes are matched by id; a new id is an added node
    "level": "tingkat",
    "name": "nama",
    "kind": "jenis",
    "number": "nomor",
    "unit": "satuan",
    "unit_obj": "satuan",  # parsed from the same text; its definitions are the plan's rencana.satuan
    "target": "target",
    "target_text": "target",
    "period_targets": "target_tw.TW1",
    "period_targets_text": "target_tw.TW1",
    "semantics": "sifat_periode",
    "aggregation": "agregasi",
    "polarity": "polaritas",
    "owner": "penanggung_jawab",
    "parent": "induk",
    "formula": "rumus",
    "formula_text": "rumus",
    "formula_parts": "rumus",  # pembilang and penyebut, composed into the formula described by its tree
    "inputs": "masukan.",
    "refs": "rumus",
    "weights": "rumus",
    "weight": "bobot",
    "index_from": "indeks.dari",
    "index_method": "indeks.metode",
    "per_period": "hitung_per_periode",
    "cap_contribution": "indeks.batas_kontribusi",
    "min_coverage": "indeks.cakupan_minimal",
    "max_target": "target_maksimal",
    "profile": "penilaian.pembulatan.mode",
    "method": "penilaian.rumus_capaian",
    "tables": "tabel.",
    "included_from": "sertakan",
}
NODE_NOT_DESCRIBED: dict[str, str] = {
    "mode": "follows from jenis (and from whether a goal has a target)",
    "remarks": "text for readers",
    "source": "text for readers",
    "assumptions": "text for readers",
    "children": "the children's own `induk`",
    "depth": "position in the document",
    "file": "which file the node is written in",
    "path": "key path in the file, for messages",
    "target_units": "units written beside targets that did not fit: a lint warning; the target read is described",
}


def test_every_node_attribute_is_described(base: tuple[Path, kinerja.Plan]) -> None:
    import dataclasses

    from kinerja.compiler import Node
    from kinerja.semantics import describe

    names = {f.name for f in dataclasses.fields(Node)}
    assert names == set(NODE_DESCRIBED) | set(NODE_NOT_DESCRIBED), (
        "a Node attribute is neither described (semantics.describe) nor justified here: "
        f"{sorted(names ^ (set(NODE_DESCRIBED) | set(NODE_NOT_DESCRIBED)))}"
    )
    _, plan = base
    keys = {k for n in plan.nodes for k in describe(n, plan)}
    for attr, key in NODE_DESCRIBED.items():
        assert any(k == key or (key.endswith(".") and k.startswith(key)) for k in keys), (attr, key)


def test_bounds_and_table_values_are_shown_exactly(tmp_path: Path) -> None:
    """A table step or band bound in rupiah is shown in full (a 6-digit `:g` once printed 1.23457e+09 for two
    different thresholds, so the diff line read 'x → x')."""

    def big(files: Files) -> None:
        node(files, "iku_rumus")["tabel"]["skor"][0]["minimal"] = 1234567891

    def bigger(files: Files) -> None:
        node(files, "iku_rumus")["tabel"]["skor"][0]["minimal"] = 1234567892

    a, b = _pair(tmp_path, big, bigger)
    r = _diff(a, b)
    assert r.exit_code == 1, r.output
    assert "tabel.skor[0]: x ≥ 1234567891, x ≤ 1000 → 100 → x ≥ 1234567892, x ≤ 1000 → 100" in r.output
