"""Problems and the one exception the loader raises.

Every phase (load, schema, compile, lint, data) returns `Problem` values instead of raising; the caller
raises a single `RuleError` holding all of them, so an author sees every mistake in one run.
Messages live in a two-language catalogue keyed by a stable problem code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

# code -> (Indonesian, English). Placeholders are filled with str.format(**args).
MESSAGES: dict[str, tuple[str, str]] = {
    "toml-syntax": ("sintaks TOML salah: {detail}", "TOML syntax error: {detail}"),
    "file-encoding": ("berkas bukan teks UTF-8: {detail}", "file is not UTF-8 text: {detail}"),
    "file-empty": ("berkas kosong", "file is empty"),
    "file-missing": ("berkas tidak ditemukan: {detail}", "file not found: {detail}"),
    "plan-missing": (
        "folder rencana tidak berisi rencana.toml",
        "plan folder has no rencana.toml",
    ),
    "unknown-key": ("kunci tidak dikenal '{key}'", "unknown key '{key}'"),
    "missing-key": ("kunci wajib '{key}' tidak ada", "required key '{key}' is missing"),
    "wrong-type": ("nilai kunci '{key}' salah: {detail}", "wrong value for key '{key}': {detail}"),
    "bad-id": (
        "id '{id}' tidak sah: pakai huruf kecil, angka dan garis bawah, diawali huruf, dan bukan nama fungsi "
        "rumus (min, max, ...)",
        "id '{id}' is invalid: use lowercase letters, digits and underscores, starting with a letter, and not "
        "the name of a formula function (min, max, ...)",
    ),
    "duplicate-id": (
        "id '{id}' sudah dipakai di {other}",
        "id '{id}' is already used in {other}",
    ),
    "bad-number": ("'{text}' bukan angka yang dapat dibaca", "'{text}' is not a readable number"),
    "unknown-unit": ("satuan '{unit}' tidak dikenal", "unknown unit '{unit}'"),
    "unit-mismatch": (
        "satuan '{got}' tidak setara dengan satuan indikator '{want}'",
        "unit '{got}' is not compatible with the indicator's unit '{want}'",
    ),
    "formula-unit": (
        "rumus menghasilkan satuan '{got}', sedangkan satuan indikator '{want}'",
        "formula yields unit '{got}' but the indicator's unit is '{want}'",
    ),
    "ratio-unit": (
        "pembilang ÷ penyebut × skala menghasilkan satuan '{got}', sedangkan satuan indikator '{want}': "
        "periksa satuan masukan pembilang dan penyebut, atau `satuan` indikator",
        "numerator ÷ denominator × scale yields unit '{got}' but the indicator's unit is '{want}': "
        "check the units of the numerator's and denominator's inputs, or the indicator's `satuan`",
    ),
    "formula-unit-mix": (
        "rumus mencampur satuan yang tidak setara pada {what_id}: '{a}' dan '{b}'",
        "formula mixes incompatible units in {what}: '{a}' and '{b}'",
    ),
    "formula-syntax": ("rumus tidak dapat dibaca: {detail}", "formula cannot be parsed: {detail}"),
    "formula-refused": ("rumus ditolak: {detail}", "formula refused: {detail}"),
    "unknown-name": ("nama '{name}' tidak dikenal dalam rumus", "unknown name '{name}' in formula"),
    "unknown-function": (
        "fungsi '{name}' tidak tersedia; yang tersedia: {choices}",
        "function '{name}' is not available; available: {choices}",
    ),
    "cycle": ("rumus saling bergantung melingkar: {path}", "formulas depend on each other in a cycle: {path}"),
    "unknown-choice": (
        "nilai '{value}' untuk '{key}' tidak dikenal; pilihan: {choices}",
        "unknown value '{value}' for '{key}'; choices: {choices}",
    ),
    "weights-sum": (
        "bobot komponen indeks berjumlah {total}, seharusnya 100",
        "index component weights add up to {total}, expected 100",
    ),
    "bad-weight": (
        "bobot komponen '{id}' = {weight}: bobot harus angka tidak negatif",
        "weight of component '{id}' is {weight}: a weight must be a non-negative number",
    ),
    "index-no-components": (
        "indeks tidak punya komponen berbobot (indikator anak dengan kunci 'bobot')",
        "index has no weighted components (child indicators with key 'bobot')",
    ),
    "weight-outside-index": (
        "'bobot' hanya berlaku untuk komponen indikator berjenis 'indeks'",
        "'bobot' only applies to components of an indicator of kind 'indeks'",
    ),
    "monthly-aggregation": (
        "masukan bulanan harus menyebut 'agregasi' (cara menggabung bulan menjadi triwulan): {choices}",
        "a monthly input must state 'agregasi' (how months combine into quarters): {choices}",
    ),
    "per-period": (
        "'hitung_per_periode' hanya untuk jenis 'rasio' dan 'rumus' (jenis simpul ini '{kind}')",
        "'hitung_per_periode' applies only to kinds 'rasio' and 'rumus' (this node is '{kind}')",
    ),
    "per-period-refs": (
        "'hitung_per_periode' tidak dapat dipakai pada rumus yang membaca indikator lain ({refs}); hitung "
        "indikator itu per periode sendiri",
        "'hitung_per_periode' cannot be used on a formula that reads other indicators ({refs})",
    ),
    "kind-param": ("jenis '{kind}' memerlukan kunci '{key}'", "kind '{kind}' requires key '{key}'"),
    "period-count": (
        "target_tw berisi {got} isian, seharusnya {want} (satu per periode)",
        "target_tw has {got} entries, expected {want} (one per period)",
    ),
    "include-version": (
        "aturan '{rules}' berversi '{got}', sedangkan yang diminta '{want}'",
        "rule set '{rules}' has version '{got}' but '{want}' was asked for",
    ),
    "include-periods": (
        "aturan '{rules}' memakai periode '{got}', rencana ini '{want}'",
        "rule set '{rules}' uses periods '{got}', this plan '{want}'",
    ),
    "include-depth": ("penyertaan aturan bersarang lebih dari {max} tingkat", "rule sets nested more than {max} deep"),
    "unknown-profile": ("profil '{name}' tidak ditemukan", "profile '{name}' not found"),
    "profile-invalid": ("profil tidak sah: {detail}", "invalid profile: {detail}"),
    # lint warnings
    "quarters-vs-year": (
        "target triwulan {quarters} tidak sesuai target tahunan {annual} menurut sifat '{semantics}' ({derived}); "
        "tidak cocok dengan sifat periode mana pun",
        "quarterly targets {quarters} do not fit the annual target {annual} under '{semantics}' ({derived}); "
        "no period semantics fits",
    ),
    "quarters-vs-year-fits": (
        "target triwulan {quarters} tidak sesuai target tahunan {annual} menurut sifat '{semantics}' ({derived}); "
        "cocok bila sifat_periode = {fits}",
        "quarterly targets {quarters} do not fit the annual target {annual} under '{semantics}' ({derived}); "
        "they fit sifat_periode = {fits}",
    ),
    "index-share": (
        "indeks dibandingkan dengan target triwulan yang berupa bagian target tahunan ({quarters}; sifat "
        "'{semantics}'): capaian per triwulan tidak bermakna sampai skala indeks per triwulan ditetapkan",
        "an index is compared with quarterly targets that are shares of the annual target ({quarters}; "
        "'{semantics}'): quarterly capaian is not meaningful until the index's quarterly scale is defined",
    ),
    "steps-vs-indicator": (
        "jumlah target langkah aksi ({detail}) = {total}, tidak sama dengan target indikator {target}",
        "action step targets ({detail}) add up to {total}, not the indicator's target {target}",
    ),
    "target-unit": (
        "target ditulis '{written}' dengan satuan '{got}', tidak sesuai satuan indikator '{want}'; "
        "angka {value} dipakai apa adanya",
        "target written as '{written}' with unit '{got}', which does not fit the indicator's unit '{want}'; "
        "the number {value} is used as written",
    ),
    "name-unit": (
        "nama menyebut persentase tetapi satuannya '{unit}'",
        "the name says it is a percentage but its unit is '{unit}'",
    ),
    "no-target": (
        "indikator tanpa target tahunan maupun triwulan: tidak dapat dinilai",
        "indicator has neither an annual nor a quarterly target: it cannot be scored",
    ),
    "weight-not-component": (
        "'bobot' = {weight} diberikan, tetapi simpul ini bukan komponen indeks mana pun (induknya '{parent}'): "
        "bobotnya tidak dihitung; pindahkan ke bawah indikator berjenis 'indeks' sebagai [[...indikator]], "
        "atau hapus 'bobot'",
        "'bobot' = {weight} is given, but this node is a component of no index (its parent is '{parent}'): "
        "its weight counts nowhere; move it under an indicator of kind 'indeks' as [[...indikator]], or remove "
        "'bobot'",
    ),
    "coverage-not-index": (
        "'cakupan_minimal' hanya berlaku untuk indikator berjenis 'indeks'; di sini tidak berpengaruh",
        "'cakupan_minimal' only applies to an indicator of kind 'indeks'; here it has no effect",
    ),
    "assumption": ("ASUMSI ({key}): {reason}{basis_id}", "ASSUMPTION ({key}): {reason}{basis_en}"),
    # data problems
    "data-unknown-id": ("id '{id}' tidak ada dalam rencana", "id '{id}' is not in the plan"),
    "data-computed": (
        "realisasi '{id}' dihitung oleh mesin, bukan diisi; isi masukannya: {inputs}",
        "realisasi of '{id}' is computed by the engine, not filled in; fill in its inputs: {inputs}",
    ),
    "data-unknown-period": (
        "periode '{period}' tidak dikenal; pilihan: {choices}",
        "unknown period '{period}'; choices: {choices}",
    ),
    "data-bad-value": ("nilai '{text}' tidak dapat dibaca: {detail}", "value '{text}' cannot be read: {detail}"),
    "data-ambiguous-number": (
        "'{text}' bisa dibaca dua cara: pemisah ribuan (1,200 = seribu dua ratus) atau tanda desimal (1,200 = 1,2);"
        " {reason_id}. Nyatakan gaya angka berkas: --angka id (koma desimal, 1.234,5) atau --angka en (titik"
        ' desimal, 1,234.5); di JSON kunci "angka", di Python convention=',
        "'{text}' has two readings: a thousands separator (1,200 = one thousand two hundred) or a decimal mark"
        " (1,200 = 1.2); {reason_en}. Declare the file's number convention: --angka id (decimal comma, 1.234,5)"
        ' or --angka en (decimal point, 1,234.5); in JSON the key "angka", in Python convention=',
    ),
    "data-fractional-count": (
        "'{text}' dibaca {value}, padahal '{unit}' dihitung utuh (tidak ada 1,2 kasus); gaya angka yang dipakai:"
        " {convention}. Bila angka itu memakai pemisah ribuan gaya lain, nyatakan gaya berkas dengan --angka id"
        " atau --angka en; bila tidak, perbaiki nilainya",
        "'{text}' reads as {value}, but '{unit}' is counted in whole things (there is no 1.2 cases); number"
        " convention used: {convention}. If the value uses the other convention's thousands separator, declare"
        " the file's convention with --angka id or --angka en; otherwise correct the value",
    ),
    "data-angka": (
        "gaya angka '{value}' tidak dikenal; pilihan: id (koma desimal, 1.234,5), en (titik desimal, 1,234.5)",
        "unknown number convention '{value}'; choices: id (decimal comma, 1.234,5), en (decimal point, 1,234.5)",
    ),
    "data-angka-conflict": (
        'berkas menyatakan "angka": "{file}" tetapi diminta --angka {given}; keduanya diabaikan, angka'
        " yang ambigu ditolak. Samakan keduanya",
        'the file declares "angka": "{file}" but --angka {given} was given; both are ignored and ambiguous'
        " numbers are refused. Make them agree",
    ),
    "data-duplicate": (
        "baris ganda untuk '{id}' {period} (juga baris {other}); beri kolom 'dicatat' untuk koreksi",
        "duplicate row for '{id}' {period} (also row {other}); add a 'dicatat' column for corrections",
    ),
    "data-negative": (
        "nilai negatif {value} untuk satuan hitungan '{unit}'",
        "negative value {value} for count unit '{unit}'",
    ),
    "data-correction": (
        "koreksi: '{id}' {period} memakai baris {row} (dicatat {date}), menggantikan baris {other}",
        "correction: '{id}' {period} uses row {row} (recorded {date}), replacing row {other}",
    ),
    "data-bad-date": (
        "tanggal 'dicatat' tidak dapat dibaca: '{text}' (tulis 2025-08-02 atau 02/08/2025)",
        "'dicatat' date cannot be read: '{text}' (write 2025-08-02 or 02/08/2025)",
    ),
    "data-missing-column": ("kolom wajib '{column}' tidak ada", "required column '{column}' is missing"),
    "data-format": ("format data tidak dikenal: {detail}", "unknown data format: {detail}"),
    # safe to expose (issue 12): limits and refusals of kinerja.safety and the unit grammar
    "unit-too-long": (
        "teks satuan terlalu panjang ({length} karakter, paling banyak {max}); tulis nama satuan saja, "
        "mis. 'giat' atau 'kasus / penduduk'",
        "unit text is too long ({length} characters, at most {max}); write just the unit, e.g. 'giat' or "
        "'kasus / penduduk'",
    ),
    "unit-syntax": (
        "satuan '{unit}' tidak dapat dibaca (di '{char}'): tulis nama satuan, digabung dengan '*' atau '/', "
        "dengan pangkat bilangan bulat kecil bila perlu, mis. 'kasus / penduduk' atau 'meter^2'",
        "unit '{unit}' cannot be read (at '{char}'): write unit names joined by '*' or '/', with a small whole "
        "power if needed, e.g. 'kasus / penduduk' or 'meter^2'",
    ),
    "unit-exponent": (
        "pangkat satuan dalam '{unit}' terlalu besar: paling besar {max}",
        "a power in unit '{unit}' is too large: at most {max}",
    ),
    "unit-factors": (
        "satuan '{unit}' menggabungkan terlalu banyak nama satuan: paling banyak {max}",
        "unit '{unit}' combines too many unit names: at most {max}",
    ),
    "unit-definition": (
        "baris {line} definisi satuan tidak dapat dibaca: '{text}'. Yang boleh: 'nama = [dimensi] = alias', "
        "'nama = angka * satuan = alias' (tanpa @import, tanpa rumus)",
        "line {line} of the unit definitions cannot be read: '{text}'. Allowed: 'name = [dimension] = alias', "
        "'name = number * unit = alias' (no @import, no expressions)",
    ),
    "path-outside": (
        "jalur '{name}' ditolak: berkas aturan hanya boleh menyebut berkas di dalam folder aturan (tanpa "
        "jalur absolut, tanpa '..' keluar folder, tanpa tautan ke luar); tulis nama relatif, mis. "
        "'standar/ikpa-2024'",
        "path '{name}' refused: rule files may only name files inside the rule folders (no absolute paths, no "
        "'..' out of the folder, no links out of it); write a relative name, e.g. 'standar/ikpa-2024'",
    ),
    "file-special": (
        "bukan berkas biasa (folder, FIFO, perangkat atau soket): tidak dibuka",
        "not a regular file (a folder, FIFO, device or socket): not opened",
    ),
    "file-too-large": (
        "berkas terlalu besar ({size} byte, paling besar {max})",
        "file is too large ({size} bytes, at most {max})",
    ),
    "output-exists": (
        "berkas keluaran {file} sudah ada dan tidak ditimpa; pilih nama lain atau tambahkan --force untuk menimpa",
        "output file {file} already exists and was not replaced; choose another name or add --force to replace it",
    ),
    "output-is-input": (
        "berkas keluaran {file} adalah salah satu masukan (data atau berkas aturan) dan tidak pernah ditimpa; "
        "pilih nama lain",
        "output file {file} is one of the inputs (data or rule files) and is never replaced; choose another name",
    ),
    "data-limit": (
        "buku kerja melampaui batas {what_id}: {got} (paling banyak {max}); bagi data menjadi beberapa berkas "
        "atau simpan sebagai CSV",
        "workbook exceeds the limit on {what}: {got} (at most {max}); split the data into several files or "
        "save it as CSV",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth noting) in a rule file or a data file.

    Attributes:
        code: stable identifier of the kind of problem (a key of `MESSAGES`).
        severity: "error", "warning" or "info" (assumptions are listed as "info").
        file: the file it was found in, as given to the loader ("" when not tied to a file).
        node_id: the id of the node concerned, if any.
        path: key path inside the file, e.g. "sasaran[0].indikator[2].target_tw[1]".
        args: values substituted into the message templates.
        position: 0-based column inside a formula, for a caret under the offending part.
        formula: the formula text the position refers to.
        row: the 1-based data row (for realisasi files).
    """

    code: str
    severity: Severity = "error"
    file: str = ""
    node_id: str | None = None
    path: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    position: int | None = None
    formula: str | None = None
    row: int | None = None
    suggestions: tuple[str, ...] = ()

    def message(self, lang: str = "id") -> str:
        """The problem's message in `lang` ("id" or "en"), without location."""
        templates = MESSAGES.get(self.code, (self.code, self.code))
        template = templates[1] if lang == "en" else templates[0]
        args = dict(self.args)
        if lang != "en" and isinstance(args.get("detail"), str):
            args["detail"] = translate_detail(args["detail"])
        for k, v in args.items():
            if isinstance(v, float):  # numbers are written the reader's way: 105,71 or 105.71
                s = f"{v:,.2f}".rstrip("0").rstrip(".")
                args[k] = s.replace(",", "_").replace(".", ",").replace("_", ".") if lang != "en" else s
        try:
            text = template.format(**args)
        except (KeyError, IndexError):
            text = f"{template} {self.args}"
        if self.suggestions:
            joined = ", ".join(f"'{s}'" for s in self.suggestions)
            text += f" (did you mean {joined}?)" if lang == "en" else f" (maksud Anda {joined}?)"
        return text

    def location(self, lang: str = "id") -> str:
        """`file`, `node`, `key` and `row` joined for display, in the reader's language."""
        parts = [p for p in (self.file, self.node_id and f"[{self.node_id}]", self.path) if p]
        if self.row is not None:
            parts.append(f"{'row' if lang == 'en' else 'baris'} {self.row}")
        return " ".join(parts)

    def render(self, lang: str = "id") -> str:
        """A one- to three-line human-readable rendering, with a caret under formula positions."""
        label = {
            "id": {"error": "galat", "warning": "peringatan", "info": "info"},
            "en": {"error": "error", "warning": "warning", "info": "info"},
        }[lang if lang == "en" else "id"][self.severity]
        loc = self.location(lang)
        text = f"{loc}: {label}: {self.message(lang)}" if loc else f"{label}: {self.message(lang)}"
        if self.formula is not None and self.position is not None:
            text += f"\n    {self.formula}\n    {' ' * self.position}^"
        return text

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        """JSON-serialisable form, with the message rendered in `lang`."""
        d = asdict(self)
        d["message"] = self.message(lang)
        d["suggestions"] = list(self.suggestions)
        d["args"] = {k: (v if isinstance(v, int | float | str | type(None)) else str(v)) for k, v in self.args.items()}
        return d


# English details produced by the formula checker and the data reader, and their Indonesian wording.
_DETAILS_ID: tuple[tuple[str, str], ...] = (
    (r"^only numbers are allowed, not (\w+)$", r"hanya angka yang diizinkan, bukan \1"),
    (r"^number (.+) is out of range$", r"angka \1 di luar batas"),
    (r"^exponent larger than (\d+)$", r"pangkat lebih dari \1"),
    (r"^the exponent of \*\* must be a number$", "pangkat (**) harus berupa angka"),
    (r"^only functions of the table can be called$", "hanya fungsi dari tabel yang boleh dipanggil"),
    (r"^named arguments$", "argumen bernama tidak diizinkan"),
    (r"^(\w+)\(\) takes (.+) arguments, got (\d+)$", r"\1() menerima \2 argumen, diberi \3"),
    (r"^non-ASCII character (.+)$", r"huruf bukan ASCII \1"),
    (r"^character (.+) is not part of the formula language$", r"karakter \1 bukan bagian bahasa rumus"),
    (r"^brackets nested deeper than (\d+)$", r"kurung bersarang lebih dalam dari \1"),
    (r"^nested deeper than (\d+)$", r"bersarang lebih dalam dari \1"),
    (r"^more than (\d+) parts$", r"lebih dari \1 bagian"),
    (r"^longer than (\d+) characters \((\d+)\)$", r"lebih panjang dari \1 karakter (\2)"),
    (r"^a formula is one line$", "rumus hanya satu baris"),
    (r"^only an expression is allowed$", "hanya ekspresi yang diizinkan"),
    (r"^empty formula$", "rumus kosong"),
    (r"^'(\w+)' is a function: call it$", r"'\1' adalah fungsi: panggil dengan kurung"),
    (r"^too complex to parse \((\w+)\)$", r"terlalu rumit untuk dibaca (\1)"),
    (r"^(operator|comparison) (\w+)$", r"operator \2 tidak diizinkan"),
    (r"^assignment$", "penugasan (=) tidak diizinkan"),
    (r"^not text$", "bukan teks"),
)


def translate_detail(detail: str) -> str:
    """Indonesian wording of an English detail, when the table knows it (else the detail unchanged)."""
    import re

    m = re.match(r"^(.+) not allowed$", detail)
    if m:
        return f"{_NAMES_ID.get(m.group(1), m.group(1))} tidak diizinkan"
    for pattern, repl in _DETAILS_ID:
        if re.match(pattern, detail):
            return re.sub(pattern, repl, detail)
    return detail


_NAMES_ID = {
    "attribute access": "akses atribut",
    "subscripts": "subskrip [..]",
    "comprehensions": "komprehensi",
    "generators": "generator",
    "assignment (:=)": "penugasan (:=)",
    "starred arguments": "argumen berbintang",
    "lists": "daftar [..]",
    "tuples": "tupel",
    "dictionaries": "kamus {..}",
    "sets": "himpunan {..}",
    "slices": "irisan",
    "f-strings": "f-string",
}


class KinerjaError(Exception):
    """Base class of the engine's exceptions."""


class RuleError(KinerjaError):
    """Rule files (or data) could not be loaded; `.problems` lists every problem found.

    Attributes:
        problems: every problem found, errors first.
        lang: language for `str(error)`.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], lang: str = "id") -> None:
        self.problems = tuple(problems)
        self.lang = lang
        super().__init__(self._text())

    def _text(self) -> str:
        n = sum(1 for p in self.problems if p.severity == "error")
        head = f"{n} galat" if self.lang != "en" else f"{n} error(s)"
        return head + ":\n" + "\n".join(p.render(self.lang) for p in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        return (RuleError, (self.problems, self.lang))


class DataError(RuleError):
    """Realisasi data could not be read at all (rows that can be refused one by one are reported instead)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (DataError, (self.problems, self.lang))


def unknown_choice(
    file: str, node_id: str | None, path: str, value: object, choices: Any, key: str | None = None
) -> Problem:
    """The problem for a value that is not one of `choices` (listed, with the closest as suggestions)."""
    names = [str(c) for c in choices]
    return Problem(
        "unknown-choice",
        "error",
        file,
        node_id,
        path,
        {"value": value, "key": key or path.rsplit(".", 1)[-1], "choices": ", ".join(names)},
        suggestions=close_matches(str(value), names),
    )


def close_matches(word: str, choices: object) -> tuple[str, ...]:
    """Up to three choices close to `word` (difflib, ignoring case), for a problem's `suggestions`."""
    import difflib  # here: only a problem needs it, not every start of the command line

    by_lower: dict[str, str] = {}
    for c in choices:  # type: ignore[attr-defined]
        by_lower.setdefault(str(c).lower(), str(c))
    found = difflib.get_close_matches(str(word).lower(), list(by_lower), n=3, cutoff=0.6)
    return tuple(by_lower[f] for f in found)
