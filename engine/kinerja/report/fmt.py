"""Report phase, formatting: numbers, targets, trace steps and formulas as people read them.

Numbers follow the report language (Indonesian: thousands dot, decimal comma). Formulas are shown in
readable math notation (×, ÷ as a fraction in HTML, √, superscripts), rebuilt from the formula's own
syntax tree so what is shown is exactly what is computed.
"""

from __future__ import annotations

import ast
import html as _html
import math
from collections.abc import Mapping
from typing import Any

from ..numbers import format_id
from .labels import step_label, t


def number(x: Any, lang: str = "id", decimals: int = 2) -> str:
    """A number in the report language: "2.608", "59,73" (id) or "2,608", "59.73" (en); "-" for None."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return t("yes", lang) if x else "-"
    if isinstance(x, tuple | list) and len(x) == 2 and all(isinstance(v, int | float) for v in x):
        return f"{number(x[0], lang, decimals)}–{number(x[1], lang, decimals)}"
    if not isinstance(x, int | float):
        return str(x)
    if isinstance(x, float) and not math.isfinite(x):
        return "−∞" if x < 0 else "∞" if x > 0 else str(x)
    if lang == "en":
        s = f"{x:,.{decimals}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    return format_id(float(x), decimals)


def plain_number(x: Any, lang: str = "id", decimals: int = 6) -> str:
    """A number without thousands separators (for CSV): "2608", "59,73" (id) or "59.73" (en)."""
    if x is None:
        return ""
    if isinstance(x, tuple | list):
        return "–".join(plain_number(v, lang, decimals) for v in x)
    if not isinstance(x, int | float) or isinstance(x, bool):
        return str(x)
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s == "-0":
        s = "0"
    return s.replace(".", ",") if lang != "en" else s


def with_unit(x: Any, unit: str | None, lang: str = "id") -> str:
    """A value and its unit label: "59,73 %", "2.608 giat", "-" when there is no value."""
    if x is None:
        return "-"
    text = number(x, lang)
    if not unit:
        return text
    return f"{text} {unit}"


def percent(x: Any, lang: str = "id") -> str:
    """A capaian: "97,89 %"; "-" for None."""
    return "-" if x is None else f"{number(x, lang)} %"


def target(node_target: Any, lang: str = "id") -> str:
    """A target number or (low, high) range."""
    return number(node_target, lang)


# ------------------------------------------------------------------ trace steps

_KEYS: dict[str, tuple[str, str]] = {
    "before": ("sebelum", "before"),
    "limit": ("batas", "limit"),
    "decimals": ("desimal", "decimals"),
    "rule": ("aturan", "rule"),
    "band": ("pita", "band"),
    "polarity": ("polaritas", "polarity"),
    "period": ("periode", "period"),
    "periods": ("periode", "periods"),
    "source": ("sumber", "source"),
    "unit": ("satuan", "unit"),
    "file": ("berkas", "file"),
    "row": ("baris", "row"),
    "method": ("cara", "method"),
    "mode": ("cara", "mode"),
    "range": ("rentang", "range"),
    "weight": ("bobot", "weight"),
    "values": ("nilai", "values"),
    "written": ("tertulis", "written"),
    "text": ("tertulis", "written"),
    "reason": ("alasan", "reason"),
    "semantics": ("sifat", "semantics"),
    "name": ("nama", "name"),
    "node": ("simpul", "node"),
    "recorded": ("dicatat", "recorded"),
    "from": ("dari", "from"),
    "of": ("dari", "of"),
    "aggregation": ("agregasi", "aggregation"),
    "profile": ("profil", "profile"),
    "inputs": ("masukan", "inputs"),
    "components": ("komponen", "components"),
    "used": ("dipakai", "used"),
    "capped": ("dibatasi", "capped"),
    "left_out": ("tidak dihitung", "left out"),
    "weights_used": ("bobot terpakai", "weights used"),
    "renormalised": ("dinormalkan ulang", "renormalised"),
    "cap_contribution": ("batas kontribusi", "contribution capped"),
    "derived": ("diturunkan", "derived"),
    "fixed": ("nilai tetap", "fixed value"),
    "assumption": ("asumsi", "assumption"),
    "detail": ("rincian", "detail"),
    "status": ("status", "status"),
}
# words the engine writes into a trace, shown in the report language
_WORDS: dict[str, tuple[str, str]] = {
    "positive": ("positif", "positive"),
    "negative": ("negatif", "negative"),
    "sum": ("jumlah", "sum"),
    "mean": ("rata-rata", "mean"),
    "last": ("nilai terakhir", "last value"),
    "max": ("maksimum", "maximum"),
    "min": ("minimum", "minimum"),
    "round_half_up": ("setengah ke atas", "half up"),
    "truncate": ("dipotong", "truncated"),
}
_LAST = ("value", "result")
_HEADS = ("period", "name", "id")


def key_label(key: str, lang: str = "id") -> str:
    """Display name of a key inside a trace step."""
    pair = _KEYS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def step_value(v: Any, lang: str = "id") -> str:
    """A value inside a trace step, numbers in the report language."""
    if isinstance(v, bool):
        return t("yes", lang) if v else ("tidak" if lang != "en" else "no")
    if isinstance(v, int | float):
        return number(v, lang, 4)
    if isinstance(v, tuple | list):
        if len(v) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
            return f"{number(v[0], lang, 4)}–{number(v[1], lang, 4)}"
        if all(isinstance(x, Mapping) for x in v):
            return "; ".join(sub_text(x, lang) for x in v)
        return ", ".join(step_value(x, lang) for x in v) if v else "-"
    if isinstance(v, Mapping):
        return sub_text(v, lang)
    if v is None:
        return "-"
    pair = _WORDS.get(str(v))
    if pair is not None:
        return pair[1] if lang == "en" else pair[0]
    return str(v)


def _entries(v: Any) -> bool:
    return isinstance(v, list | tuple) and bool(v) and all(isinstance(x, Mapping) for x in v)


def sub_text(d: Mapping[str, Any], lang: str = "id") -> str:
    """One entry of a list inside a step (an input, a component, a data value) on one line:
    "TW2: 2 (sumber = realisasi.csv baris 3, tertulis = 2)". Nested lists of entries are left out
    (`sub_lines` puts them on lines of their own)."""
    head = next((str(d[k]) for k in _HEADS if d.get(k) not in (None, "")), "")
    value = step_value(d["value"], lang) if "value" in d else ""
    rest = [
        f"{key_label(k, lang)} = {step_value(v, lang)}"
        for k, v in d.items()
        if k not in (*_HEADS, "value") and v not in (None, "", False, [], ()) and not _entries(v)
    ]
    text = f"{head}: {value}" if head and value else head or value
    if rest:
        text += f" ({', '.join(rest)})"
    return text


def sub_lines(entries: Any, lang: str = "id", depth: int = 0) -> list[tuple[int, str]]:
    """A list of entries as (depth, text) lines, nested lists one level deeper."""
    out: list[tuple[int, str]] = []
    for d in entries:
        out.append((depth, sub_text(d, lang)))
        for v in d.values():
            if _entries(v):
                out += sub_lines(v, lang, depth + 1)
    return out


def step_parts(
    step: Mapping[str, Any], lang: str = "id"
) -> tuple[str, str | None, list[tuple[str, str]], list[tuple[str, list[tuple[int, str]]]], str | None]:
    """A trace step split for display: (label, formula or None, [(key, value)...],
    [(key, [(depth, line)...])...] for lists of entries, result or None)."""
    name = str(step.get("step", "?"))
    formula = step.get("formula")
    items: list[tuple[str, str]] = []
    subs: list[tuple[str, list[tuple[int, str]]]] = []
    result = None
    for k, v in step.items():
        if k in ("step", "formula"):
            continue
        if k in _LAST and result is None:
            result = step_value(v, lang)
            continue
        if _entries(v):
            subs.append((key_label(k, lang), sub_lines(v, lang)))
            continue
        if v in (None, "", [], ()):
            continue
        items.append((key_label(k, lang), step_value(v, lang)))
    shown = math_text(formula, lang) if isinstance(formula, str) else None
    return step_label(name, lang), shown, items, subs, result


def step_text(step: Mapping[str, Any], lang: str = "id", indent: str = "    ") -> str:
    """One trace step: "capaian: R ÷ T × 100; R = 93, T = 95 → 97,8947", then one indented line per
    entry of a list (inputs, components, data values)."""
    label, formula, items, subs, result = step_parts(step, lang)
    text = label + ":"
    if formula:
        text += f" {formula}"
        if items:
            text += ";"
    if items:
        text += " " + ", ".join(f"{k} = {v}" for k, v in items)
    if result is not None:
        text += f" → {result}"
    for key, lines in subs:
        text += f"\n{indent}{key}:"
        for depth, line in lines:
            text += f"\n{indent}{'  ' * (depth + 1)}- {line}"
    return text


# ------------------------------------------------------------------ formulas in math notation

_PREC = {
    ast.Or: 1,
    ast.And: 2,
    ast.Not: 3,
    ast.Compare: 4,
    ast.Add: 5,
    ast.Sub: 5,
    ast.Mult: 6,
    ast.Div: 6,
    ast.Mod: 6,
    ast.FloorDiv: 6,
    ast.USub: 7,
    ast.UAdd: 7,
    ast.Pow: 8,
}
_CMP = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.Eq: "=", ast.NotEq: "≠"}
_SUP = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
_FUNC_NAMES = {
    "id": {
        "mean": "rata_rata",
        "geomean": "rata_rata_geometrik",
        "sum": "jumlah",
        "round": "bulatkan",
        "clamp": "batasi",
        "min": "min",
        "max": "maks",
    },
    "en": {},
}


def _prec(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp):
        return _PREC.get(type(node.op), 9)
    if isinstance(node, ast.Compare):
        return 4
    if isinstance(node, ast.IfExp):
        return 0
    return 10


class _Math:
    """Walks a formula's syntax tree and writes it as text or HTML math."""

    def __init__(self, lang: str, html: bool) -> None:
        self.lang, self.html = lang, html
        self.sep = "; " if lang != "en" else ", "

    def esc(self, s: str) -> str:
        return _html.escape(s) if self.html else s

    def wrap(self, node: ast.AST, parent_prec: int, right: bool = False) -> str:
        inner = self.node(node)
        p = _prec(node)
        if p < parent_prec or (right and p == parent_prec and p in (5, 6)):
            return f"({inner})"
        return inner

    def node(self, n: ast.AST) -> str:
        if isinstance(n, ast.Constant):
            return self.esc(number(n.value, self.lang, 10))
        if isinstance(n, ast.Name):
            return f"<var>{self.esc(n.id)}</var>" if self.html else n.id
        if isinstance(n, ast.BinOp):
            p = _PREC[type(n.op)]
            if isinstance(n.op, ast.Div) and self.html:
                return (
                    f'<span class="frac"><span class="num">{self.node(n.left)}</span>'
                    f'<span class="den">{self.node(n.right)}</span></span>'
                )
            if isinstance(n.op, ast.Pow):
                base = self.wrap(n.left, p + 1)
                if self.html:
                    return f"{base}<sup>{self.node(n.right)}</sup>"
                exp = ast.unparse(n.right)
                if all(c in "0123456789-." for c in exp):
                    return base + exp.replace(".", "," if self.lang != "en" else ".").translate(_SUP)
                return f"{base}^({self.node(n.right)})"
            sym = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷", ast.Mod: "mod", ast.FloorDiv: "div"}[
                type(n.op)
            ]
            return f"{self.wrap(n.left, p)} {sym} {self.wrap(n.right, p, right=True)}"
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.Not):
                word = "bukan" if self.lang != "en" else "not"
                return f"{word} {self.wrap(n.operand, 3)}"
            sym = "−" if isinstance(n.op, ast.USub) else "+"
            return f"{sym}{self.wrap(n.operand, 7)}"
        if isinstance(n, ast.BoolOp):
            word = (
                ("dan" if self.lang != "en" else "and")
                if isinstance(n.op, ast.And)
                else ("atau" if self.lang != "en" else "or")
            )
            p = _PREC[type(n.op)]
            return f" {word} ".join(self.wrap(v, p + 1) for v in n.values)
        if isinstance(n, ast.Compare):
            out = self.wrap(n.left, 5)
            for op, c in zip(n.ops, n.comparators, strict=True):
                out += f" {self.esc(_CMP[type(op)])} {self.wrap(c, 5)}"
            return out
        if isinstance(n, ast.IfExp):
            if self.lang != "en":
                return f"{self.wrap(n.body, 1)} jika {self.wrap(n.test, 1)}, selain itu {self.wrap(n.orelse, 0)}"
            return f"{self.wrap(n.body, 1)} if {self.wrap(n.test, 1)}, otherwise {self.wrap(n.orelse, 0)}"
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
            name = n.func.id
            args = [self.node(a) for a in n.args]
            if name == "abs" and len(args) == 1:
                return f"|{args[0]}|"
            if name == "sqrt" and len(args) == 1:
                if self.html:
                    return f'√<span class="root">{args[0]}</span>'
                return f"√({args[0]})"
            shown = _FUNC_NAMES.get(self.lang if self.lang == "en" else "id", {}).get(name, name)
            return f"{self.esc(shown)}({self.sep.join(args)})"
        return self.esc(ast.unparse(n))


def _tree(formula: str) -> ast.AST | None:
    try:
        return ast.parse(formula.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def math_text(formula: str | None, lang: str = "id") -> str:
    """A formula in readable plain-text math: "kejahatan ÷ penduduk × 100.000". Unparsable text is returned as is."""
    if not formula:
        return ""
    tree = _tree(formula)
    if tree is None:
        return formula
    return _Math(lang, html=False).node(tree)


def math_html(formula: str | None, lang: str = "id") -> str:
    """A formula as HTML math (fractions stacked, names in <var>); needs the `.frac` CSS of the report."""
    if not formula:
        return ""
    tree = _tree(formula)
    if tree is None:
        return _html.escape(formula)
    return _Math(lang, html=True).node(tree)


def input_fields(spec: Any) -> dict[str, Any]:
    """A formula input's unit label, fixed value, source and assumption, whether the engine gives an
    `InputDef` object or a plain mapping."""
    if isinstance(spec, Mapping):
        get = spec.get
    else:

        def get(k: str, default: Any = None) -> Any:
            return getattr(spec, k, default)

    unit = get("unit_label") or get("unit")
    return {
        "unit": "" if unit is None else str(unit),
        "value": get("value"),
        "source": get("source") or "",
        "assumption": get("assumption") or "",
    }


def sources(node: Any) -> list[tuple[str, str]]:
    """Where a node's numbers come from, as (key, text); the key is "" for a source of the whole node
    (written as plain text in the rules, which the engine files under "simpul")."""
    src = getattr(node, "source", None) or {}
    if not isinstance(src, Mapping):
        return [("", str(src))]
    return [("" if k in ("simpul", "") else str(k), str(v)) for k, v in src.items()]
