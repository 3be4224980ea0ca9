"""Compile phase, formulas: a closed arithmetic language, parsed and checked once.

A formula (`rumus`) is parsed with simpleeval's parser, then every node of the tree is checked against a
whitelist (numbers, declared names, arithmetic, comparisons, `a if c else b`, calls to the engine's own
function table). Only a tree that passes is turned into a code object; evaluation then runs that code with
no builtins, over floats or numpy arrays, without re-parsing. `evaluate_reference` runs the same tree
through simpleeval with the engine's operator and function tables; tests use it to cross-check.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import simpleeval

from .errors import Problem, close_matches

MAX_LENGTH = 2000  # characters
MAX_NODES = 400  # syntax-tree nodes
MAX_DEPTH = 40  # nesting (brackets, calls, operators)
MAX_EXPONENT = 16  # |constant exponent| of **
MAX_CONSTANT = 1e15  # |numeric literal|
MAX_ARGS = 64


class UnitMixError(ValueError):
    """A formula adds, compares or chooses between incompatible units."""

    WHAT_ID = {
        "addition or subtraction": "penjumlahan atau pengurangan",
        "comparison": "perbandingan",
        "the two branches of 'if'": "kedua cabang 'if'",
    }

    def __init__(self, what: str, a: Any, b: Any) -> None:
        super().__init__(f"{what} mixes '{a}' and '{b}'")
        self.what, self.a, self.b = what, str(a), str(b)
        self.what_id = self.WHAT_ID.get(what, what)


class FormulaError(ValueError):
    """Raised by `compile_formula` when a formula is refused; `.problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message("en") for p in problems))
        self.problems = problems


# ---------------------------------------------------------------- function and operator tables


def _mean(*xs: float) -> float:
    if not xs:
        raise ValueError("mean() of nothing")
    return sum(xs) / len(xs)


def _geomean(*xs: float) -> float:
    if not xs:
        raise ValueError("geomean() of nothing")
    if any(x < 0 for x in xs):
        raise ValueError("geomean() of a negative number")
    return math.prod(xs) ** (1.0 / len(xs))


def _clamp(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _round(x: float, decimals: float = 0) -> float:
    from .numbers import round_half_up

    return round_half_up(x, int(decimals))


def _safe_pow(a: float, b: float) -> float:
    if abs(b) > MAX_EXPONENT:
        raise ValueError(f"exponent {b} is larger than {MAX_EXPONENT}")
    if a < 0 and b != int(b):
        raise ValueError("fractional power of a negative number")
    if a == 0 and b < 0:
        raise ZeroDivisionError("0 to a negative power")
    return float(a) ** b


def _sqrt(x: float) -> float:
    return math.sqrt(x)


# name -> (scalar implementation, name of the array implementation in `_array_functions`, min args, max args)
FUNCTIONS: dict[str, tuple[Callable[..., Any], str, int, int]] = {
    "min": (min, "min", 2, MAX_ARGS),
    "max": (max, "max", 2, MAX_ARGS),
    "abs": (abs, "abs", 1, 1),
    "round": (_round, "round", 1, 2),
    "sum": (lambda *a: float(sum(a)), "sum", 1, MAX_ARGS),
    "mean": (_mean, "mean", 1, MAX_ARGS),
    "geomean": (_geomean, "geomean", 1, MAX_ARGS),
    "clamp": (_clamp, "clamp", 3, 3),
    "sqrt": (_sqrt, "sqrt", 1, 1),
}


_COMPARE = {
    "Lt": "less",
    "LtE": "less_equal",
    "Gt": "greater",
    "GtE": "greater_equal",
    "Eq": "equal",
    "NotEq": "not_equal",
}


def _array_compare(op: str, a: Any, b: Any) -> Any:
    """A comparison over arrays as 1.0 / 0.0, and NaN where either side is NaN (a failed row)."""
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out = getattr(np, _COMPARE[op])(a, b).astype(float)
    return np.where(np.isnan(a) | np.isnan(b), np.nan, out)


@functools.lru_cache(maxsize=1)
def _array_globals() -> dict[str, Any]:
    """The array versions of the function table; numpy is imported only when arrays are evaluated."""
    import numpy as np

    return {
        "__builtins__": {},
        "min": lambda *a: _reduce(np.minimum, a),
        "max": lambda *a: _reduce(np.maximum, a),
        "abs": np.abs,
        "round": np.vectorize(_round, otypes=[float]),
        "sum": lambda *a: _reduce(np.add, a),
        "mean": lambda *a: _reduce(np.add, a) / len(a),
        "geomean": lambda *a: np.where(
            _reduce(np.logical_or, tuple(np.asarray(x) < 0 for x in a)),
            np.nan,
            _float_pow(_reduce(np.multiply, a), 1.0 / len(a)),
        ),
        "clamp": lambda x, lo, hi: np.clip(x, lo, hi),
        "sqrt": np.sqrt,
        "_where": lambda c, a, b: np.where(np.isnan(c), np.nan, np.where(c == 1.0, a, b)),
        "_and": lambda x, y: np.where(np.isnan(x), np.nan, np.where(x == 0.0, 0.0, y)),
        "_or": lambda x, y: np.where(np.isnan(x), np.nan, np.where(x == 1.0, 1.0, y)),
        "_not": lambda x: np.where(np.isnan(x), np.nan, 1.0 - x),
        "_cmp": _array_compare,
        "_div": lambda a, b: np.where(b == 0, np.nan, np.divide(a, np.where(b == 0, 1.0, b))),
        "_mod": lambda a, b: np.where(b == 0, np.nan, np.mod(a, np.where(b == 0, 1.0, b))),
        "_floordiv": lambda a, b: np.where(b == 0, np.nan, np.floor_divide(a, np.where(b == 0, 1.0, b))),
        "_pow": lambda a, b: np.where((np.asarray(a) == 0) & (np.asarray(b) < 0), np.nan, _float_pow(a, b)),
    }


def _float_pow(a: Any, b: Any) -> Any:
    """a ** b element by element with Python's own float power (numpy's may differ in the last bit), NaN where
    the scalar raises (overflow, a fractional power of a negative number)."""
    import numpy as np

    def one(x: float, y: float) -> float:
        try:
            r = float(x) ** float(y)
        except (ArithmeticError, ValueError):
            return math.nan
        return r if isinstance(r, float) else math.nan  # a complex result: the scalar path refuses it

    return np.asarray(np.frompyfunc(one, 2, 1)(a, b), dtype=float)


def _vector_table(fn: Callable[[float], float]) -> Callable[[Any], Any]:
    """A lookup table over arrays: NaN in (a row that failed before the lookup) gives NaN out, and a value that
    falls in no step becomes NaN (an error for that row only), as the scalar call raises for both. A table with
    an array form of its own (`over_array`, the same steps) is evaluated over the whole array at once."""
    import numpy as np

    whole = getattr(fn, "over_array", None)
    if whole is not None:
        return lambda x: whole(np.asarray(x, dtype=float))

    def one(x: float) -> float:
        if math.isnan(x):
            return math.nan
        try:
            return fn(x)
        except ValueError:
            return math.nan

    return np.vectorize(one, otypes=[float])


def _reduce(op: Any, args: tuple[Any, ...]) -> Any:
    out = args[0]
    for a in args[1:]:
        out = op(out, a)
    return out


BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: _safe_pow,
}
UNARYOPS: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
COMPAREOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
SIMPLEEVAL_OPERATORS: dict[type, Callable[..., Any]] = {**BINOPS, **UNARYOPS, **COMPAREOPS}

_NODE_NAMES = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generators",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "starred arguments",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}


# ---------------------------------------------------------------- the compiled formula


@dataclass(frozen=True)
class Formula:
    """A checked, compiled formula. Immutable and safe to share across threads.

    Attributes:
        text: the formula as written.
        names: the names it reads, in order of first appearance.
        tree: the checked syntax tree (for rendering and the reference evaluator).
    """

    text: str
    names: tuple[str, ...]
    tree: ast.Expression = field(repr=False, compare=False)
    _code: Any = field(repr=False, compare=False, default=None)
    _vcode: Any = field(repr=False, compare=False, default=None)
    tables: Mapping[str, Callable[[float], float]] = field(repr=False, compare=False, default_factory=dict)
    _globals: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    _functions: dict[tuple[str, ...], Callable[..., Any]] = field(repr=False, compare=False, default_factory=dict)

    def evaluate(self, values: Mapping[str, float]) -> float:
        """Evaluate over plain numbers. Raises ZeroDivisionError, ValueError or OverflowError."""
        code = self._code
        if code is None:  # compiled on first use: checking a plan never evaluates its formulas
            tree = ast.fix_missing_locations(_ScalarRewriter().visit(_copy(self.tree)))
            code = compile(tree, "<rumus>", "eval")
            object.__setattr__(self, "_code", code)
        result = eval(code, self._globals, dict(values))  # noqa: S307 - whitelisted tree, no builtins
        result = float(result)
        if not math.isfinite(result):
            raise OverflowError("result is not a finite number")
        return result

    def function(self, params: tuple[str, ...]) -> Callable[..., float]:
        """The formula as a plain Python function of `params` (positional), for hot loops.

        Built once per parameter order from the same checked tree; returns a float and raises as `evaluate`.
        """
        fn = self._functions.get(params)
        if fn is None:
            missing = set(self.names) - set(params)
            if missing:
                raise ValueError(f"parameters {sorted(missing)} missing")
            body = _ScalarRewriter().visit(_copy(self.tree)).body
            lam = ast.Expression(
                body=ast.Lambda(
                    args=ast.arguments(
                        posonlyargs=[], args=[ast.arg(p) for p in params], kwonlyargs=[], kw_defaults=[], defaults=[]
                    ),
                    body=body,
                )
            )
            raw = eval(compile(ast.fix_missing_locations(lam), "<rumus>", "eval"), self._globals)  # noqa: S307
            isfinite = math.isfinite

            def fn(*args: float, _raw: Any = raw) -> float:
                r = float(_raw(*args))
                if not isfinite(r):
                    raise OverflowError("result is not a finite number")
                return r

            self._functions[params] = fn
        return fn

    def scalar_source(self) -> str:
        """The checked tree as Python expression text for the scalar evaluator (powers through `_pow`, integer
        literals as floats), to be compiled with this formula's globals: how `function` sees it. Only
        whitelisted constructs can appear, since the tree passed the checker; used to inline profile formulas
        into one generated scoring function."""
        return ast.unparse(_ScalarRewriter().visit(_copy(self.tree)).body)

    @property
    def scalar_globals(self) -> dict[str, Any]:
        """The globals `scalar_source` is evaluated with: the function table, `_pow` and any lookup tables."""
        return self._globals

    def evaluate_array(self, columns: Mapping[str, Any]) -> Any:
        """Evaluate over numpy arrays (one row per unit); non-finite rows come back as NaN."""
        import numpy as np

        if self._vcode is None:  # compiled on first use: most plans never evaluate over arrays
            tree = ast.fix_missing_locations(_ArrayRewriter().visit(_copy(self.tree)))
            object.__setattr__(self, "_vcode", compile(tree, "<rumus>", "eval"))
        g = _array_globals()
        if self.tables:
            g = {**g, **{k: _vector_table(fn) for k, fn in self.tables.items()}}
        with np.errstate(all="ignore"):
            cols = {k: np.asarray(v, dtype=float) for k, v in columns.items()}
            out = np.asarray(eval(self._vcode, g, cols), dtype=float)  # noqa: S307
        out = np.where(np.isfinite(out), out, np.nan)
        return out

    def evaluate_reference(self, values: Mapping[str, float]) -> float:
        """Evaluate with simpleeval (engine operator/function tables). Slow; for cross-checks and baselines."""
        ev = simpleeval.SimpleEval(
            operators=SIMPLEEVAL_OPERATORS,
            functions={**{k: v[0] for k, v in FUNCTIONS.items()}, **self.tables},
            names=dict(values),
        )
        return float(ev.eval(self.text, previously_parsed=self.tree.body))


_SCALAR_GLOBALS: dict[str, Any] = {"__builtins__": {}, **{k: v[0] for k, v in FUNCTIONS.items()}}
_SCALAR_GLOBALS["_pow"] = _safe_pow


def parse_formula(
    text: str,
    names: Iterable[str],
    *,
    file: str = "",
    node_id: str | None = None,
    path: str = "rumus",
    tables: Mapping[str, Callable[[float], float]] | None = None,
) -> tuple[Formula | None, list[Problem]]:
    """Parse and check `text`; names may only be those in `names`.

    `tables` adds one-argument lookup functions declared in the rules (`tabel`) to the function table.
    Returns the compiled formula (None when refused) and the problems found; never raises for bad input.
    """
    allowed = set(names)
    tables = dict(tables or {})
    functions: dict[str, tuple[Callable[..., Any], str, int, int]] = {
        **FUNCTIONS,
        **{k: (fn, k, 1, 1) for k, fn in tables.items()},
    }
    problems: list[Problem] = []

    def refuse(code: str, pos: int | None = None, **args: Any) -> tuple[None, list[Problem]]:
        problems.append(
            Problem(code, "error", file, node_id, path, args, position=pos, formula=text if pos is not None else None)
        )
        return None, problems

    if not isinstance(text, str):
        return refuse("formula-refused", detail="not text")
    if len(text) > MAX_LENGTH:
        return refuse("formula-refused", detail=f"longer than {MAX_LENGTH} characters ({len(text)})")
    for i, ch in enumerate(text):
        if ord(ch) > 127:
            return refuse("formula-refused", i, detail=f"non-ASCII character {ch!r} (U+{ord(ch):04X})")
        if ch in "'\"`;\\@$[]{}#":
            return refuse("formula-refused", i, detail=f"character {ch!r} is not part of the formula language")
    depth = best = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        best = max(best, depth)
    if best > MAX_DEPTH:
        return refuse("formula-refused", detail=f"brackets nested deeper than {MAX_DEPTH}")
    if not text.strip():
        return refuse("formula-syntax", detail="empty formula")
    if "\n" in text.strip() or "\r" in text:
        return refuse("formula-refused", text.index("\n") if "\n" in text else None, detail="a formula is one line")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "1and": Python warns, we judge the text ourselves
            body = simpleeval.SimpleEval.parse(text)
    except SyntaxError as e:
        col = (e.offset or 1) - 1 if e.lineno in (None, 1) else None
        return refuse("formula-syntax", col, detail=e.msg)
    except (RecursionError, MemoryError, ValueError) as e:
        return refuse("formula-refused", detail=f"too complex to parse ({type(e).__name__})")
    except simpleeval.InvalidExpression:
        return refuse("formula-syntax", detail="empty formula")
    if not isinstance(body, ast.Expr):
        return refuse("formula-refused", getattr(body, "col_offset", 0), detail="only an expression is allowed")

    try:
        seen = _check_tree(body.value, allowed, functions)
        _check_kinds(body.value, "num")
    except _Refused as r:
        problems.append(
            Problem(r.code, "error", file, node_id, path, r.args_, position=r.pos, formula=text, suggestions=r.sugg)
        )
        return None, problems
    except RecursionError:
        return refuse("formula-refused", detail="too deeply nested")

    expr = ast.Expression(body=body.value)
    g = {**_SCALAR_GLOBALS, **tables}
    return Formula(text, tuple(seen), expr, None, None, tables, g), problems


def _check_tree(root: ast.AST, allowed: set[str], functions: Mapping[str, tuple[Any, str, int, int]]) -> list[str]:
    """Walk a syntax tree against the whitelist and the limits (nodes, nesting, constants, exponents, calls).

    Returns the names it reads in order of first appearance; raises `_Refused` at the first offence. The one
    checker for a parsed formula and for a composed one (`compose`), so both obey the same rules.
    """
    seen: list[str] = []
    count = 0

    def check(node: ast.AST, level: int) -> None:
        nonlocal count
        count += 1
        pos = getattr(node, "col_offset", None)
        if count > MAX_NODES:
            raise _Refused("formula-refused", pos, {"detail": f"more than {MAX_NODES} parts"})
        if level > MAX_DEPTH:
            raise _Refused("formula-refused", pos, {"detail": f"nested deeper than {MAX_DEPTH}"})
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                kind = type(v).__name__
                raise _Refused("formula-refused", pos, {"detail": f"only numbers are allowed, not {kind}"})
            if abs(v) > MAX_CONSTANT or not math.isfinite(v):
                shown = v if isinstance(v, float) or v < 10**20 else f"{str(v)[:12]}… ({len(str(v))} digits)"
                raise _Refused("formula-refused", pos, {"detail": f"number {shown} is out of range"})
        elif isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                raise _Refused("formula-refused", pos, {"detail": "assignment"})
            if node.id not in allowed:
                if node.id in functions:
                    raise _Refused("formula-refused", pos, {"detail": f"'{node.id}' is a function: call it"})
                raise _Refused("unknown-name", pos, {"name": node.id}, close_matches(node.id, sorted(allowed)))
            if node.id not in seen:
                seen.append(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in BINOPS:
                raise _Refused("formula-refused", pos, {"detail": f"operator {type(node.op).__name__}"})
            if isinstance(node.op, ast.Pow):
                e = node.right
                sign = 1
                if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub | ast.UAdd):
                    sign = -1 if isinstance(e.op, ast.USub) else 1
                    e = e.operand
                if not (isinstance(e, ast.Constant) and isinstance(e.value, int | float)) or isinstance(e.value, bool):
                    raise _Refused("formula-refused", pos, {"detail": "the exponent of ** must be a number"})
                if abs(sign * e.value) > MAX_EXPONENT:
                    raise _Refused("formula-refused", pos, {"detail": f"exponent larger than {MAX_EXPONENT}"})
            check(node.left, level + 1)
            check(node.right, level + 1)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in UNARYOPS:
                raise _Refused("formula-refused", pos, {"detail": f"operator {type(node.op).__name__}"})
            check(node.operand, level + 1)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in COMPAREOPS:
                    raise _Refused("formula-refused", pos, {"detail": f"comparison {type(op).__name__}"})
            check(node.left, level + 1)
            for c in node.comparators:
                check(c, level + 1)
        elif isinstance(node, ast.BoolOp):
            for operand in node.values:
                check(operand, level + 1)
        elif isinstance(node, ast.IfExp):
            check(node.test, level + 1)
            check(node.body, level + 1)
            check(node.orelse, level + 1)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _Refused("formula-refused", pos, {"detail": "only functions of the table can be called"})
            fname = node.func.id
            if fname not in functions:
                raise _Refused(
                    "unknown-function",
                    pos,
                    {"name": fname, "choices": ", ".join(sorted(functions))},
                    close_matches(fname, sorted(functions)),
                )
            if node.keywords:
                raise _Refused("formula-refused", pos, {"detail": "named arguments"})
            _, _, lo, hi = functions[fname]
            if not lo <= len(node.args) <= hi:
                raise _Refused(
                    "formula-refused", pos, {"detail": f"{fname}() takes {lo}..{hi} arguments, got {len(node.args)}"}
                )
            for a in node.args:
                check(a, level + 1)
        else:
            what = _NODE_NAMES.get(type(node), type(node).__name__)
            raise _Refused("formula-refused", pos, {"detail": f"{what} not allowed"})

    check(root, 0)
    return seen


# ---------------------------------------------------------------- composing checked formulas

OPERATORS: dict[str, type[ast.operator]] = {
    "+": ast.Add,
    "-": ast.Sub,
    "*": ast.Mult,
    "/": ast.Div,
    "%": ast.Mod,
    "//": ast.FloorDiv,
    "**": ast.Pow,
}


def _operand(part: Formula | float) -> ast.expr:
    """A part of a composition as a subtree: a formula's own checked tree (copied), or a number as the parser
    would read it (an integral value as an int, a negative one as unary minus), so that a composed tree is the
    very tree of the same computation written out with parentheses."""
    if isinstance(part, Formula):
        return _copy(part.tree).body
    if isinstance(part, bool) or not isinstance(part, int | float):
        raise TypeError(f"a formula or a number, not {type(part).__name__}")
    value: int | float = part
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def compose(
    op: str, *parts: Formula | float, file: str = "", node_id: str | None = None, path: str = "rumus"
) -> tuple[Formula | None, list[Problem]]:
    """One formula from already parsed and checked parts joined by `op` ("+", "-", "*", "/", ...), left to
    right, as syntax trees: `compose("/", a, b)` computes `(a) / (b)` whatever a and b are. Never text.

    A part is a `Formula` (its checked tree) or a number. The composed tree passes the same checker and limits
    as a parsed formula (nodes, nesting, constants, exponents; `MAX_LENGTH` on its rendered text); its `text`
    is rendered from the tree with exactly the parentheses it needs. Its compiled code (floats and arrays) and
    `evaluate_reference` all run the composed tree. Returns the formula (None when refused) and the problems,
    at `file`, `node_id`, `path` (without a position: a composed formula is not text anyone wrote).
    """
    if op not in OPERATORS:
        raise ValueError(f"unknown operator {op!r}; choices: {' '.join(OPERATORS)}")
    if len(parts) < 2:
        raise ValueError("compose() needs at least two parts")
    tree: ast.expr = _operand(parts[0])
    for part in parts[1:]:
        tree = ast.BinOp(tree, OPERATORS[op](), _operand(part))
    return _from_tree(tree, [p for p in parts if isinstance(p, Formula)], file, node_id, path)


def ratio(
    numerator: Formula,
    denominator: Formula,
    scale: float = 100,
    *,
    file: str = "",
    node_id: str | None = None,
    path: str = "rumus",
) -> tuple[Formula | None, list[Problem]]:
    """`(numerator) / (denominator) * scale` composed as one tree (the `rasio` kind); see `compose`."""
    tree = ast.BinOp(ast.BinOp(_operand(numerator), ast.Div(), _operand(denominator)), ast.Mult(), _operand(scale))
    return _from_tree(tree, [numerator, denominator], file, node_id, path)


def _from_tree(
    tree: ast.expr, parts: list[Formula], file: str, node_id: str | None, path: str
) -> tuple[Formula | None, list[Problem]]:
    tables: dict[str, Callable[[float], float]] = {}
    for p in parts:
        for name, fn in p.tables.items():
            if tables.setdefault(name, fn) is not fn:
                detail = f"lookup table '{name}' means different tables in the parts"
                return None, [Problem("formula-refused", "error", file, node_id, path, {"detail": detail})]
    allowed = {n for p in parts for n in p.names}
    functions = {**FUNCTIONS, **{k: (fn, k, 1, 1) for k, fn in tables.items()}}
    try:
        names = _check_tree(tree, allowed, functions)
        _check_kinds(tree, "num")
    except _Refused as r:
        return None, [Problem(r.code, "error", file, node_id, path, r.args_, suggestions=r.sugg)]
    except RecursionError:
        return None, [Problem("formula-refused", "error", file, node_id, path, {"detail": "too deeply nested"})]
    expr = ast.fix_missing_locations(ast.Expression(body=tree))
    text = ast.unparse(expr)
    if len(text) > MAX_LENGTH:
        detail = f"longer than {MAX_LENGTH} characters ({len(text)})"
        return None, [Problem("formula-refused", "error", file, node_id, path, {"detail": detail})]
    return Formula(text, tuple(names), expr, None, None, tables, {**_SCALAR_GLOBALS, **tables}), []


def _kind(node: ast.AST) -> str:
    """'bool' for comparisons and and/or/not, else 'num'."""
    if isinstance(node, ast.Compare | ast.BoolOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    return "num"


def _check_kinds(node: ast.AST, want: str) -> None:
    """True/false values only as conditions (`if`, `and`, `or`, `not`); numbers everywhere else.

    The scalar and the array evaluators agree only on this clean split (Python's `a or b` returns a number,
    numpy's returns true/false), and an auditor reads `x > 0` as a condition, never as 1 or 0.
    """
    got = _kind(node)
    pos = getattr(node, "col_offset", None)
    if got != want:
        detail = (
            "a true/false value (comparison, and, or, not) used as a number"
            if got == "bool"
            else "a number used as a condition: compare it, e.g. x > 0"
        )
        raise _Refused("formula-refused", pos, {"detail": detail})
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check_kinds(v, "bool")
    elif isinstance(node, ast.UnaryOp):
        _check_kinds(node.operand, "bool" if isinstance(node.op, ast.Not) else "num")
    elif isinstance(node, ast.Compare):
        for v in (node.left, *node.comparators):
            _check_kinds(v, "num")
    elif isinstance(node, ast.IfExp):
        _check_kinds(node.test, "bool")
        _check_kinds(node.body, "num")
        _check_kinds(node.orelse, "num")
    elif isinstance(node, ast.BinOp):
        _check_kinds(node.left, "num")
        _check_kinds(node.right, "num")
    elif isinstance(node, ast.Call):
        for a in node.args:
            _check_kinds(a, "num")


class _Refused(Exception):
    def __init__(self, code: str, pos: int | None, args: dict[str, Any], sugg: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.code, self.pos, self.args_, self.sugg = code, pos, args, sugg


def _copy(tree: ast.Expression) -> ast.Expression:
    """A fresh copy of a checked tree for a rewriter to change, with neutral source positions (a composed
    tree holds nodes of several texts). A copy of the tree itself: no round trip through text."""
    out = _clone(tree)
    assert isinstance(out, ast.Expression)
    return out


_NEUTRAL = {"lineno": 1, "end_lineno": 1, "col_offset": 0, "end_col_offset": 0}


def _clone(node: Any) -> Any:
    if isinstance(node, ast.AST):
        parts = {f: _clone(getattr(node, f)) for f in node._fields if hasattr(node, f)}
        if node._attributes:
            parts.update(_NEUTRAL)
        return type(node)(**parts)
    if isinstance(node, list):
        return [_clone(x) for x in node]
    return node


class _ScalarRewriter(ast.NodeTransformer):
    """a ** b -> _pow(a, b), so the exponent bound also holds at run time; integer literals become floats, so
    nested powers overflow at once instead of building huge integers."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            return ast.copy_location(ast.Constant(float(node.value)), node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("_pow", ast.Load()), [node.left, node.right], [])
        return node


class _ArrayRewriter(_ScalarRewriter):
    """Over arrays every row must end as the scalar evaluator would: an operation that raises for a scalar
    (division by zero, 0 ** -1, a condition on such a value) gives NaN for that row. Conditions are float
    arrays (1, 0, NaN); `if`, `and`, `or` pick values as Python's short-circuit would."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        fn = {ast.Div: "_div", ast.Mod: "_mod", ast.FloorDiv: "_floordiv", ast.Pow: "_pow"}.get(type(node.op))
        if fn:
            return ast.Call(ast.Name(fn, ast.Load()), [node.left, node.right], [])
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        return ast.Call(ast.Name("_where", ast.Load()), [node.test, node.body, node.orelse], [])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        fn = "_and" if isinstance(node.op, ast.And) else "_or"
        out = node.values[0]
        for v in node.values[1:]:
            out = ast.Call(ast.Name(fn, ast.Load()), [out, v], [])
        return out

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.Call(ast.Name("_not", ast.Load()), [node.operand], [])
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(ast.Call(ast.Name("_cmp", ast.Load()), [ast.Constant(type(op).__name__), left, right], []))
            left = right
        out: ast.expr = parts[0]
        for p in parts[1:]:
            out = ast.Call(ast.Name("_and", ast.Load()), [out, p], [])
        return out


# ---------------------------------------------------------------- units of a formula


def formula_unit(formula: Formula, units: Mapping[str, Any]) -> Any:
    """The pint unit the formula yields given each name's unit; None for a bare number.

    Raises ValueError with a readable reason when the formula adds or compares incompatible units.
    """
    return _unit_of(formula.tree.body, units)


def _same(units: list[Any], what: str) -> Any:
    real = [u for u in units if u is not None]
    if not real:
        return None
    first = real[0]
    for u in real[1:]:
        if u.dimensionality != first.dimensionality:
            raise UnitMixError(what, first, u)
    return first


def _unit_of(node: ast.AST, units: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return None
    if isinstance(node, ast.Name):
        return units[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _unit_of(node.operand, units)
        return None if isinstance(node.op, ast.Not) else inner
    if isinstance(node, ast.BinOp):
        left, right = _unit_of(node.left, units), _unit_of(node.right, units)
        if isinstance(node.op, ast.Add | ast.Sub | ast.Mod | ast.FloorDiv):
            return _same([left, right], "addition or subtraction")
        if isinstance(node.op, ast.Mult):
            if left is None or right is None:
                return left if right is None else right
            return left * right
        if isinstance(node.op, ast.Div):
            if right is None:
                return left
            return (1 / right) if left is None else left / right
        if isinstance(node.op, ast.Pow):
            exp = ast.literal_eval(node.right)
            return None if left is None else left**exp
    if isinstance(node, ast.Compare):
        _same([_unit_of(node.left, units)] + [_unit_of(c, units) for c in node.comparators], "comparison")
        return None
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _unit_of(v, units)
        return None
    if isinstance(node, ast.IfExp):
        _unit_of(node.test, units)
        return _same([_unit_of(node.body, units), _unit_of(node.orelse, units)], "the two branches of 'if'")
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = [_unit_of(a, units) for a in node.args]
        if name not in FUNCTIONS:
            return None  # a lookup table (`tabel`) yields a plain number
        if name == "sqrt":
            return None if args[0] is None else args[0] ** 0.5
        if name == "round":
            return args[0]
        if name == "clamp":
            return _same(args, "clamp()")
        return _same(args, f"{name}()")
    raise ValueError(f"cannot work out the unit of {type(node).__name__}")
