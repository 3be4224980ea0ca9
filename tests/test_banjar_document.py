"""The Polres Banjar 2025 plan (rules/polres-banjar-2025) against the signed document itself.

The test parses the text extracted from the signed Renaksi
(docs/polres-banjar-2025/renaksi-polres-banjar-2025.txt, copied from the client's seed,
one table cell per line, 11-column header repeated on every page) and proves that every goal, indicator,
sub-indicator, action step and sub-step of the document is in the plan, in document order, with its
number, name, target, quarterly targets, responsible officer, remarks and page. The rule files are read
with tomllib directly (the engine is not imported).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN_DIR = ROOT / "rules" / "polres-banjar-2025"
DOC = ROOT / "docs" / "polres-banjar-2025" / "renaksi-polres-banjar-2025.txt"

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# numbering in front of a name: "1.", "a.", "1)", "a)", "b.Pemenuhan", "1  Menyusun", "·"
MARKER_RE = re.compile(r"^(?P<nomor>(?:\d+|[a-z])[.)]|\d+(?=\s)|·)\s*(?P<nama>\S.*)$", re.S)
# a cell that is only a row number ("2.", "12.", "1)") in the indicator column
BARE_MARKER_RE = re.compile(r"^(?:\d+|[a-z])[.)]?$")
# a sub-item line inside a compound step cell ("a) ...", "3) ...", "· ...")
SUBITEM_RE = re.compile(r"^(?:·|[a-z]\)|\d+\))\s")
VALUE_RE = re.compile(r"^(?:-|[\d.,\s]+(?:%|giat|pers|menit|operasi|unit)?)$", re.I)
TOKEN_RE = re.compile(r"-|\d[\d.,]*(?:\s*(?:%|Giat|Pers|Menit|Operasi|Unit)\b)?")
NCOLS = 11


def norm(text: str | None) -> str:
    """Collapse every run of whitespace (PDF layout: tabs, line breaks, double spaces) to one space."""
    return " ".join(str(text or "").split())


# ----------------------------------------------------------------------------------------------- parse


@dataclass
class Cell:
    text: str
    line: int
    row: int
    page: int = 0


@dataclass
class Item:
    """One node of the document as parsed: sasaran, indikator (IKU column) or langkah (step column)."""

    kind: str
    nama: str
    nomor: str | None
    page: int
    line: int
    sasaran: str | None = None
    target: str = ""
    tw: list[str] | None = None
    pj: str = ""
    ket: str = ""
    row_step_tw: list[str] | None = None  # for an indicator: the quarters of the step on its own row
    parent_line: int | None = None  # compound cells: the line of the parent step


@dataclass
class Document:
    items: list[Item] = field(default_factory=list)
    other_rows: list[list[Cell]] = field(default_factory=list)  # rows without a step column (formula row)
    pages: int = 0
    signature: dict[str, object] = field(default_factory=dict)


def _cells(lines: list[str]) -> tuple[list[Cell], int]:
    """Split the text into cells. A line starting with a tab (or ' \\t' for a page header) opens a cell;
    other lines continue the open cell; a blank line before a new cell closes a table row."""
    cells: list[Cell] = []
    row = 0
    cur: Cell | None = None
    end = len(lines)
    for i, line in enumerate(lines):
        if "Ditetapkan di" in line:
            end = i
            break
        if line.startswith("\t") or line.startswith(" \t"):
            cur = Cell(line.lstrip(" ")[1:], i + 1, row)
            cells.append(cur)
        elif line.strip() == "":
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if nxt.startswith("\t") or nxt.startswith(" \t"):
                row += 1
            elif cur is not None:
                cur.text += "\n"
        elif cur is not None:
            cur.text += "\n" + line
    return cells, end


def _drop_headers(cells: list[Cell]) -> tuple[list[Cell], int]:
    """Remove the repeated page header (No | Sasaran Strategis ... | TW I..IV | 1..11); number pages."""
    out: list[Cell] = []
    page = 0
    i = 0
    while i < len(cells):
        c = cells[i]
        if norm(c.text) == "Sasaran Strategis":
            page += 1
            if out and norm(out[-1].text).upper() == "NO":
                out.pop()
            j = i + 1
            while not (norm(cells[j].text) == "11" and norm(cells[j - 1].text) == "10"):
                j += 1
            i = j + 1
            continue
        c.page = page
        out.append(c)
        i += 1
    return out, page


def _rows(cells: list[Cell]) -> list[list[Cell]]:
    """Group cells into table rows; fragments of one row split by stray blank lines or by a page break are
    joined again while the row has room (a row has at most 11 cells)."""
    frags: list[list[Cell]] = []
    for c in cells:
        if frags and frags[-1][-1].row == c.row:
            frags[-1].append(c)
        else:
            frags.append([c])
    rows: list[list[Cell]] = []
    for f in frags:
        if rows and len(rows[-1]) < NCOLS and len(rows[-1]) + len(f) <= NCOLS:
            rows[-1].extend(f)
        else:
            rows.append(list(f))
    return [r for r in rows if any(norm(c.text) for c in r)]


def _is_value(text: str) -> bool:
    t = norm(text)
    return t == "" or bool(VALUE_RE.match(t))


def _step_column(row: list[Cell]) -> int | None:
    """Index of the 'Langkah Aksi' cell: the cell followed by four quarter cells, with at most the
    responsible-officer and remarks cells after them. Missing leading cells shift it left."""
    n = len(row)
    for p in (4, 3, 2, 1, 0):
        if p + 4 >= n or n - (p + 5) > 2:
            continue
        if not all(_is_value(row[k].text) for k in range(p + 1, p + 5)):
            continue
        head = norm(row[p].text)
        if _is_value(head) and not (p == 4 and head in ("", "-")):
            continue
        return p
    return None


def _quarters(cells: list[Cell]) -> list[str] | None:
    """The four quarter cells as written; four blank cells mean the row has no quarterly targets."""
    tw = [norm(c.text) for c in cells]
    return tw if any(tw) else None


def _split_number(text: str) -> tuple[str | None, str]:
    t = norm(text)
    m = MARKER_RE.match(t)
    if m:
        return m.group("nomor"), m.group("nama")
    return None, t


def _owner_and_remarks(pj_cell: str, ket_cell: str) -> tuple[str, str]:
    """Upper-case lines of the officer cell are the officer (a leading '·' is a bullet); other lines are
    remarks that lost their own cell ('karena …..' under 'KABAG OPS')."""
    pj: list[str] = []
    extra: list[str] = []
    for line in pj_cell.split("\n"):
        t = norm(line).lstrip("·").strip()
        if not t:
            continue
        (pj if t == t.upper() else extra).append(t)
    ket = " ".join([*extra, norm(ket_cell)]).strip()
    return " ".join(pj), ket


def _step_items(cell: Cell, tw_cells: list[Cell], page: int) -> list[Item]:
    lines = [ln for ln in cell.text.split("\n") if ln.strip()]
    heads: list[list[str]] = []
    for ln in lines:
        if heads and not SUBITEM_RE.match(ln.strip()):
            heads[-1].append(ln)  # wrapped text
        else:
            heads.append([ln])
    names = [_split_number(" ".join(h)) for h in heads]
    if len(names) == 1:
        nomor, nama = names[0]
        return [Item("langkah", nama, nomor, page, cell.line, tw=_quarters(tw_cells))]
    # compound cell: a parent step and its sub-steps; each quarter cell holds one figure per sub-step
    parent = Item("langkah", names[0][1], names[0][0], page, cell.line, tw=None)
    subs = [Item("langkah", nama, nomor, page, cell.line, tw=[], parent_line=cell.line) for nomor, nama in names[1:]]
    for c in tw_cells:
        tokens = TOKEN_RE.findall(norm(c.text))
        assert len(tokens) == len(subs), f"line {c.line}: {tokens} for {len(subs)} sub-steps"
        for s, tok in zip(subs, tokens, strict=True):
            assert s.tw is not None
            s.tw.append(norm(tok))
    return [parent, *subs]


def _signature(lines: list[str], start: int) -> dict[str, object]:
    block = lines[start:]
    text = "\n".join(block)
    place = re.search(r"Ditetapkan di\s*:\s*(.+)", text)
    date = re.search(r"pada tanggal\s*:\s*(\d+)\s+(\w+)\s+(\d{4})", text)
    months = [
        "januari",
        "februari",
        "maret",
        "april",
        "mei",
        "juni",
        "juli",
        "agustus",
        "september",
        "oktober",
        "november",
        "desember",
    ]
    signer_line = next(ln for ln in block if "KEPALA" in ln)
    signer = signer_line.split("Paraf")[0]
    paraf_start = next(i for i, ln in enumerate(block) if "Paraf" in ln)
    paraf = [norm(ln) for ln in block[paraf_start + 1 :] if norm(ln)]
    assert place and date
    return {
        "tempat": norm(place.group(1)),
        "tanggal": dt.date(int(date.group(3)), months.index(date.group(2).lower()) + 1, int(date.group(1))),
        "penandatangan": norm(signer),
        "paraf": paraf,
    }


def parse_document(text: str) -> Document:
    """Parse the flattened Renaksi table into its goals, indicators and steps, in document order."""
    lines = text.split("\n")
    raw_cells, end = _cells(lines)
    cells, pages = _drop_headers(raw_cells)
    doc = Document(pages=pages, signature=_signature(lines, end))
    sasaran: str | None = None
    for row in _rows(cells):
        p = _step_column(row)
        if p is None:
            doc.other_rows.append(row)
            continue

        def col(k: int, p: int = p, row: list[Cell] = row) -> Cell | None:
            i = p + k
            return row[i] if 0 <= i < len(row) else None

        tw_cells = [row[p + k] for k in range(1, 5)]
        pj_cell, ket_cell = col(5), col(6)
        pj, ket = _owner_and_remarks(pj_cell.text if pj_cell else "", ket_cell.text if ket_cell else "")
        found: list[Item] = []
        ss, no = col(-3), col(-4)
        if ss is not None and norm(ss.text):
            sasaran = norm(ss.text)
            found.append(Item("sasaran", sasaran, norm(no.text) if no and norm(no.text) else None, ss.page, ss.line))
        ind, tgt = col(-2), col(-1)
        indicator = None
        if ind is not None and norm(ind.text) and not BARE_MARKER_RE.match(norm(ind.text)):
            nomor, nama = _split_number(ind.text)
            indicator = Item("indikator", nama, nomor, ind.page, ind.line, target=norm(tgt.text) if tgt else "")
            found.append(indicator)
        step = row[p]
        steps: list[Item] = []
        if norm(step.text) not in ("", "-"):
            steps = _step_items(step, tw_cells, step.page)
            found.extend(steps)
            if indicator is not None and steps[0].tw is not None:
                indicator.row_step_tw = steps[0].tw
        elif indicator is not None:
            indicator.tw = _quarters(tw_cells)
        for it in found:
            it.sasaran = sasaran
            if it.kind != "sasaran":
                it.pj, it.ket = pj, ket
        doc.items.extend(found)
    return doc


# ------------------------------------------------------------------------------------------------ plan


@dataclass
class PlanNode:
    level: str
    data: dict
    file: str
    parent: PlanNode | None
    sasaran: str

    def __getitem__(self, key: str):
        return self.data.get(key)

    def ancestors(self) -> list[str]:
        out, cur = [], self.parent
        while cur is not None:
            out.append(cur["id"])
            cur = cur.parent
        return out


def load_plan() -> tuple[dict, list[PlanNode]]:
    """rencana.toml and every node of the goal files in document order (a node, its steps, then its
    sub-indicators: in this document steps always come before the sub-indicators of the same node)."""
    meta = tomllib.loads((PLAN_DIR / "rencana.toml").read_text(encoding="utf-8"))
    nodes: list[PlanNode] = []

    def walk(d: dict, level: str, file: str, parent: PlanNode | None, sasaran: str) -> None:
        node = PlanNode(level, d, file, parent, sasaran)
        nodes.append(node)
        for s in d.get("langkah_aksi", []):
            walk(s, "langkah_aksi", file, node, sasaran)
        for c in d.get("indikator", []):
            walk(c, "indikator", file, node, sasaran)

    for path in sorted(PLAN_DIR.glob("*.toml")):
        if path.name == "rencana.toml":
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for g in data.get("sasaran", []):
            walk(g, "sasaran", path.name, None, norm(g["nama"]))
    return meta, nodes


def assumption_keys(node: PlanNode) -> set[str]:
    a = node["asumsi"]
    if a is None:
        return set()
    if isinstance(a, str):
        return {"simpul"}
    return {x.get("kunci", "simpul") for x in a}


def source_texts(node: PlanNode) -> list[str]:
    s = node["sumber"]
    if isinstance(s, str):
        return [s]
    if isinstance(s, dict):
        return [str(v) for v in s.values()]
    return []


# ----------------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def doc() -> Document:
    assert DOC.is_file(), f"the signed document text belongs in the project: {DOC}"
    return parse_document(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan() -> tuple[dict, list[PlanNode]]:
    return load_plan()


@pytest.fixture(scope="module")
def pairs(doc: Document, plan: tuple[dict, list[PlanNode]]) -> list[tuple[Item, PlanNode]]:
    """Document items paired with plan nodes in document order (names are checked by their own test)."""
    _, nodes = plan
    if len(nodes) != len(doc.items):
        pytest.fail(_name_diff(doc, nodes))
    return list(zip(doc.items, nodes, strict=True))


def _name_diff(doc: Document, nodes: list[PlanNode]) -> str:
    got = [norm(n["nama"]) for n in nodes]
    want = [it.nama for it in doc.items]
    first = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
    return (
        f"plan nodes differ from the document (document {len(want)}, plan {len(got)}).\n"
        f"first difference at #{first}: plan {got[first : first + 1]} / document {want[first : first + 1]} "
        f"(teks baris {doc.items[first].line if first < len(want) else '-'})\n"
        f"missing from plan: {[w for w in want if w not in got]}\nnot in document: {[g for g in got if g not in want]}"
    )


def test_parser_sees_the_whole_document(doc: Document) -> None:
    kinds = [it.kind for it in doc.items]
    assert doc.pages == 21
    assert kinds.count("sasaran") == 6  # the impact goal and goals 1-5
    assert len(doc.items) > 150
    # the only row without a step column is the written-out formula under the vehicle-maintenance IKU
    assert len(doc.other_rows) == 1
    assert "Jml rencana perbaikan" in " ".join(c.text for c in doc.other_rows[0])


def test_every_document_node_is_in_the_plan_in_order(doc: Document, plan: tuple[dict, list[PlanNode]]) -> None:
    """Every goal, indicator, sub-indicator, step and sub-step, by name as written, in document order."""
    _, nodes = plan
    assert [norm(n["nama"]) for n in nodes] == [it.nama for it in doc.items], _name_diff(doc, nodes)


def test_numbers_as_written(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = [(it.line, it.nama[:50], it.nomor, n["nomor"]) for it, n in pairs if (n["nomor"] or None) != it.nomor]
    assert not bad, bad


def test_levels_follow_the_columns(pairs: list[tuple[Item, PlanNode]]) -> None:
    """IKU column → indikator; Langkah Aksi column → langkah_aksi, except the IKPA sub-items of 'Nilai
    Kinerja Anggaran', which the plan deliberately encodes as indicators (they are scored later)."""
    bad = []
    for it, n in pairs:
        want = {"sasaran": "sasaran", "indikator": "indikator", "langkah": "langkah_aksi"}[it.kind]
        if n.level != want and not (it.kind == "langkah" and "iku_nka" in n.ancestors()):
            bad.append((it.line, it.nama[:50], it.kind, n.level))
    assert not bad, bad


def test_goal_membership(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = [(it.line, it.nama[:50], it.sasaran, n.sasaran) for it, n in pairs if it.sasaran != n.sasaran]
    assert not bad, bad


def test_quarterly_targets_as_written(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = []
    for it, n in pairs:
        tw = n["target_tw"]
        if tw is not None:
            assert len(tw) == 4, n["id"]
            tw = [norm(x) for x in tw]
        if it.tw is not None:
            if tw != it.tw:
                bad.append((it.line, n["id"], it.tw, tw))
        elif tw is not None:
            # an indicator sharing its row with its first step may take that step's quarters, declared
            if not (it.kind == "indikator" and tw == it.row_step_tw and "target_tw" in assumption_keys(n)):
                bad.append((it.line, n["id"], "document has no quarters here", tw))
    assert not bad, bad


def test_annual_targets_as_written(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = []
    for it, n in pairs:
        target = norm(n["target"]) if n["target"] is not None else ""
        if it.kind != "indikator":
            if target:
                bad.append((it.line, n["id"], "", target))
            continue
        if target == it.target:
            continue
        # an empty Target cell may be filled only from the indicator's own name, as a declared assumption
        if not it.target and target and target.lower() in it.nama.lower() and "target" in assumption_keys(n):
            continue
        bad.append((it.line, n["id"], it.target, target))
    assert not bad, bad


def test_owners_and_remarks_as_written(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = []
    for it, n in pairs:
        if it.kind == "sasaran":
            continue
        if norm(n["penanggung_jawab"]) != it.pj:
            bad.append((it.line, n["id"], "penanggung_jawab", it.pj, n["penanggung_jawab"]))
        if norm(n["keterangan"]) != it.ket:
            bad.append((it.line, n["id"], "keterangan", it.ket, n["keterangan"]))
    assert not bad, bad


def test_sources_name_the_page(pairs: list[tuple[Item, PlanNode]]) -> None:
    bad = []
    for it, n in pairs:
        texts = source_texts(n)
        if not any(re.search(rf"\bhal\. {it.page}\b", t) for t in texts):
            bad.append((it.line, n["id"], it.page, texts))
    assert not bad, bad


def test_ids_unique_well_formed_and_every_node_has_a_source(plan: tuple[dict, list[PlanNode]]) -> None:
    _, nodes = plan
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(isinstance(i, str) and ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(str(i))]
    assert not [n["id"] for n in nodes if not source_texts(n) or not all(t.strip() for t in source_texts(n))]
    for n in nodes:
        for name, spec in (n["masukan"] or {}).items():
            if isinstance(spec, dict) and "nilai" in spec:
                assert spec.get("sumber"), f"{n['id']}.{name}: fixed value without a source"


def test_assumptions_are_complete(plan: tuple[dict, list[PlanNode]]) -> None:
    _, nodes = plan
    for n in nodes:
        a = n["asumsi"]
        if a is None or isinstance(a, str):
            continue
        for entry in a:
            assert set(entry) <= {"kunci", "alasan", "dasar"}, (n["id"], entry)
            assert entry.get("kunci") and entry.get("alasan") and entry.get("dasar"), (n["id"], entry)


def test_index_weights(plan: tuple[dict, list[PlanNode]]) -> None:
    _, nodes = plan
    for n in nodes:
        comps = [c for c in nodes if c.parent is n and c["bobot"] is not None]
        if n["jenis"] == "indeks":
            assert comps, n["id"]
            assert abs(sum(c["bobot"] for c in comps) - 100) < 1e-6, n["id"]
            assert len({c["bobot"] for c in comps}) == 1, f"{n['id']}: weights are assumed equal"
            for c in comps:
                assert "bobot" in assumption_keys(c), c["id"]
        else:
            assert not comps, n["id"]


def test_vehicle_maintenance_formula_row(doc: Document, plan: tuple[dict, list[PlanNode]]) -> None:
    """The written-out formula row ('... (x) 100', '319 Unit') lives in the Ranmor indicator's inputs."""
    _, nodes = plan
    row = doc.other_rows[0]
    planned = next(norm(c.text) for c in row if re.search(r"\d", c.text) and "Jml" not in c.text)
    ranmor = next(n for n in nodes if norm(n["nama"]).startswith("Persentase pemeliharaan Ranmor"))
    assert ranmor["jenis"] == "rasio"
    fixed = [s for s in ranmor["masukan"].values() if isinstance(s, dict) and "nilai" in s]
    assert [norm(str(s["nilai"])) for s in fixed] == [planned]
    assert any("Jml rencana perbaikan" in t for t in source_texts(ranmor))


def test_signature_block(doc: Document, plan: tuple[dict, list[PlanNode]]) -> None:
    meta, _ = plan
    r = meta["rencana"]
    assert r["id"] == "polres-banjar-2025" and r["tahun"] == 2025 and r["periode"] == "triwulan"
    sig = r["pengesahan"]
    assert sig["tempat"] == doc.signature["tempat"]
    assert sig["tanggal"] == doc.signature["tanggal"]
    assert norm(sig["penandatangan"]) == doc.signature["penandatangan"]
    assert [norm(p) for p in sig["paraf"]] == doc.signature["paraf"]
