"""Schema phase: frozen pydantic models that mirror the rule files one to one.

Attribute names are English; each field's alias is the Indonesian key written in the TOML files. No logic
lives here beyond the shape of values: meaning (kinds, units, formulas, periods) is the compile phase's job.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _not_bool(value: Any) -> Any:
    # TOML true/false must not become 1/0: pydantic's lax mode would convert them silently
    if isinstance(value, bool):
        raise ValueError("true/false bukan angka / true/false is not a number")
    return value


Num = Annotated[float, BeforeValidator(_not_bool)]
Figure = Annotated[float | int | str, BeforeValidator(_not_bool)]  # a number, or text as written ("59,73%", "-")


class Frozen(BaseModel):
    """Base of all schema models: immutable, unknown keys refused, Indonesian aliases."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class Assumption(Frozen):
    """`asumsi`: something the document does not say, declared so auditors see it listed."""

    key: str = Field("simpul", alias="kunci")
    reason: str = Field(alias="alasan")
    basis: str | None = Field(None, alias="dasar")


class InputSpec(Frozen):
    """One entry of `masukan`: an input of a formula."""

    unit: str = Field(alias="satuan")
    value: Figure | None = Field(None, alias="nilai")
    source: str | None = Field(None, alias="sumber")
    assumption: str | None = Field(None, alias="asumsi")
    aggregation: str | None = Field(None, alias="agregasi")
    description: str | None = Field(None, alias="keterangan")
    periods: str | None = Field(None, alias="periode")


class Step(Frozen):
    """One step of a lookup table (`tabel`): the first step whose bounds hold gives `nilai`."""

    above: Num | None = Field(None, alias="lebih_dari")
    at_least: Num | None = Field(None, alias="minimal")
    below: Num | None = Field(None, alias="kurang_dari")
    at_most: Num | None = Field(None, alias="maksimal")
    equals: Num | None = Field(None, alias="sama_dengan")
    value: Num = Field(alias="nilai")
    source: str | None = Field(None, alias="sumber")
    assumption: str | None = Field(None, alias="asumsi")


class Include(Frozen):
    """`sertakan`: another rule set included by reference, with the version expected."""

    rules: str = Field(alias="aturan")
    version: str | None = Field(None, alias="versi")


class NodeSpec(Frozen):
    """A sasaran, indikator or langkah aksi as written in a goal file."""

    id: str
    name: str = Field(alias="nama")
    number: str | None = Field(None, alias="nomor")
    kind: str | None = Field(None, alias="jenis")
    unit: str | None = Field(None, alias="satuan")
    target: Figure | list[Figure] | None = None
    period_targets: list[Figure] | None = Field(None, alias="target_tw")
    semantics: str | None = Field(None, alias="sifat_periode")
    aggregation: str | None = Field(None, alias="agregasi")
    polarity: str | None = Field(None, alias="polaritas")
    owner: str | None = Field(None, alias="penanggung_jawab")
    remarks: str | None = Field(None, alias="keterangan")
    source: str | dict[str, str] | None = Field(None, alias="sumber")
    assumptions: str | list[Assumption] | None = Field(None, alias="asumsi")
    inputs: dict[str, str | InputSpec] | None = Field(None, alias="masukan")
    formula: str | None = Field(None, alias="rumus")
    numerator: str | None = Field(None, alias="pembilang")
    denominator: str | None = Field(None, alias="penyebut")
    scale: Num | None = Field(None, alias="skala")
    weight: Num | None = Field(None, alias="bobot")
    index_from: str | None = Field(None, alias="dari")
    cap_contribution: bool | None = Field(None, alias="batas_kontribusi")
    max_target: bool | None = Field(None, alias="target_maksimal")
    scoring: dict[str, Any] | None = Field(None, alias="penilaian")
    tables: dict[str, list[Step]] | None = Field(None, alias="tabel")
    index_method: str | None = Field(None, alias="metode")
    equal_weights: bool | None = Field(None, alias="bobot_sama")
    include: str | Include | None = Field(None, alias="sertakan")
    per_period: bool | None = Field(None, alias="hitung_per_periode")
    min_coverage: Num | None = Field(None, alias="cakupan_minimal")  # index only: % of weight, 0..100
    indicators: list[NodeSpec] = Field(default_factory=list, alias="indikator")
    steps: list[NodeSpec] = Field(default_factory=list, alias="langkah_aksi")
    steps_first: bool = Field(False, alias="__langkah_aksi_dulu__", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _remember_child_order(cls, data: Any) -> Any:
        # TOML keeps the order in which `indikator` and `langkah_aksi` first appear; document order needs it
        if isinstance(data, dict) and "indikator" in data and "langkah_aksi" in data:
            keys = list(data)
            if keys.index("langkah_aksi") < keys.index("indikator"):
                return {**data, "__langkah_aksi_dulu__": True}
        return data


class GoalFile(Frozen):
    """A goal file: any number of `[[sasaran]]`."""

    goals: list[NodeSpec] = Field(default_factory=list, alias="sasaran")


class Signature(Frozen):
    """`[rencana.pengesahan]`: where, when and by whom the plan was signed."""

    place: str | None = Field(None, alias="tempat")
    date: dt.date | str | None = Field(None, alias="tanggal")
    signer: str | None = Field(None, alias="penandatangan")
    title: str | None = Field(None, alias="jabatan")
    name: str | None = Field(None, alias="nama")
    initials: list[str] = Field(default_factory=list, alias="paraf")


class PlanMeta(Frozen):
    """`[rencana]` in rencana.toml: the plan's identity."""

    id: str
    name: str = Field(alias="nama")
    unit_name: str | None = Field(None, alias="unit_kerja")
    parent_unit: str | None = Field(None, alias="unit_induk")
    year: int = Field(alias="tahun")
    periods: str = Field("triwulan", alias="periode")
    language: str = Field("id", alias="bahasa")
    profile: str = Field("permenpanrb-8-2021", alias="profil")
    source: str | None = Field(None, alias="sumber")
    units_file: str | None = Field(None, alias="satuan")
    signature: Signature | None = Field(None, alias="pengesahan")
    remarks: str | None = Field(None, alias="keterangan")
    version: str | None = Field(None, alias="versi")
    result: str | None = Field(None, alias="hasil")
    min_coverage: Num | None = Field(None, alias="cakupan_minimal")  # default for the plan's indices, % 0..100


class PlanFile(Frozen):
    """rencana.toml."""

    plan: PlanMeta = Field(alias="rencana")


class Band(Frozen):
    """One band of the capaian → nilai conversion; bounds are optional, `rumus` is over C (capaian)."""

    above: Num | None = Field(None, alias="lebih_dari")
    at_least: Num | None = Field(None, alias="minimal")
    below: Num | None = Field(None, alias="kurang_dari")
    at_most: Num | None = Field(None, alias="maksimal")
    equals: Num | None = Field(None, alias="sama_dengan")
    formula: str = Field(alias="rumus")
    source: str | None = Field(None, alias="sumber")
    assumption: str | None = Field(None, alias="asumsi")


class GradeStep(Frozen):
    """One step of the predicate scale: nilai at least `minimal` → `predikat`."""

    at_least: Num = Field(alias="minimal")
    grade: str = Field(alias="predikat")
    grade_en: str | None = Field(None, alias="predikat_en")


class AchievementRules(Frozen):
    """`[profil.capaian]`: how capaian is computed."""

    positive: str = Field("R / T * 100", alias="positif")
    negative: str = Field("(2 - R / T) * 100", alias="negatif")
    negative_inverse: str = Field("T / R * 100", alias="negatif_invers")
    negative_method: str = Field("standar", alias="metode_negatif")
    range_rule: str = Field("batas_terdekat", alias="rentang")
    cap: Num | None = Field(None, alias="batas_atas")
    floor: Num | None = Field(None, alias="batas_bawah")
    source: str | None = Field(None, alias="sumber")


class RoundingRules(Frozen):
    """`[profil.pembulatan]`."""

    mode: str = "setengah_ke_atas"
    decimals: int = Field(2, alias="desimal")
    actual_first: bool = Field(False, alias="realisasi_dulu")
    before_bands: int | None = Field(None, alias="sebelum_pita")
    source: str | None = Field(None, alias="sumber")


class ScoreRules(Frozen):
    """`[profil.nilai]`: capaian → nilai bands."""

    bands: list[Band] = Field(default_factory=list, alias="pita")
    max_target_score: Num | None = Field(None, alias="nilai_target_maksimal")
    source: str | None = Field(None, alias="sumber")


class GradeRules(Frozen):
    """`[profil.predikat]`: the predicate scale, applied to nilai (or capaian)."""

    of: str = Field("nilai", alias="dari")
    steps: list[GradeStep] = Field(default_factory=list, alias="skala")
    source: str | None = Field(None, alias="sumber")
    assumption: str | None = Field(None, alias="asumsi")


class ProfileSpec(Frozen):
    """`[profil]`: a scoring profile."""

    id: str
    name: str = Field(alias="nama")
    source: str | None = Field(None, alias="sumber")
    achievement: AchievementRules = Field(default_factory=AchievementRules, alias="capaian")  # type: ignore[arg-type]
    rounding: RoundingRules = Field(default_factory=RoundingRules, alias="pembulatan")  # type: ignore[arg-type]
    score: ScoreRules = Field(default_factory=ScoreRules, alias="nilai")  # type: ignore[arg-type]
    grades: GradeRules = Field(default_factory=GradeRules, alias="predikat")  # type: ignore[arg-type]


class ProfileFile(Frozen):
    """A profile file."""

    profile: ProfileSpec = Field(alias="profil")


# Keys a node's `penilaian` may override, by section.
OVERRIDABLE = {
    "capaian": AchievementRules,
    "pembulatan": RoundingRules,
}
