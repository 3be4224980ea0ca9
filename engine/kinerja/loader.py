"""Load phase: read TOML files and validate them against the schema, turning every failure into a Problem.

Nothing here raises for bad input: syntax errors, encoding errors, unknown keys and wrong types all become
problems that name the file, the node id (found by walking the raw data along pydantic's `loc`) and the
key path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem, close_matches
from .safety import Refused, read_checked

try:  # tomli's compiled wheels parse about three times faster than the standard library's pure-Python copy
    import tomli as tomllib
except ImportError:  # pragma: no cover - tomli is a dependency; the standard library is the same parser
    import tomllib  # type: ignore[no-redef]

M = TypeVar("M", bound=BaseModel)

_TYPE_ID = {
    "value_error": "nilai tidak sah",
    "float_parsing": "harus berupa angka",
    "float_type": "harus berupa angka",
    "int_parsing": "harus berupa bilangan bulat",
    "int_type": "harus berupa bilangan bulat",
    "string_type": "harus berupa teks",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "list_type": "harus berupa daftar [...]",
    "dict_type": "harus berupa tabel { ... }",
    "model_type": "harus berupa tabel { ... }",
    "date_type": "harus berupa tanggal",
    "date_from_datetime_parsing": "harus berupa tanggal",
}


def read_toml(
    path: Path, display: str, roots: Sequence[Path] | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read one TOML file. Accepts a UTF-8 BOM; refuses other encodings, empty files and bad syntax, and
    (`safety.read_checked`) special files, links out of `roots` and files over the size limit."""
    _, data, problems = load_toml(path, display, roots)
    return data, problems


def load_toml(
    path: Path, display: str, roots: Sequence[Path] | None = None
) -> tuple[bytes | None, dict[str, Any] | None, list[Problem]]:
    """`read_toml`, also returning the bytes read (for the content hash), so that each file is opened once."""
    try:
        raw = read_checked(path, display, roots)
    except Refused as e:
        return None, None, [e.problem]
    data, problems = parse_toml(raw, display)
    return raw, data, problems


def parse_toml(raw: bytes, display: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse the bytes of a TOML file (see `read_toml`)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem("file-encoding", file=display, args={"detail": f"byte {e.start}"})]
    if not text.strip():
        return None, [Problem("file-empty", file=display)]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as e:
        return None, [Problem("toml-syntax", file=display, args={"detail": str(e)})]
    except RecursionError:
        return None, [
            Problem("toml-syntax", file=display, args={"detail": "nested too deeply / bersarang terlalu dalam"})
        ]


def validate(model: type[M], data: dict[str, Any], display: str) -> tuple[M | None, list[Problem]]:
    """Validate raw TOML data against a schema model; map each pydantic error to a Problem."""
    try:
        return model.model_validate(data), []
    except ValidationError as e:
        problems = []
        seen: set[tuple[Any, ...]] = set()
        for err in e.errors():
            loc = tuple(err["loc"])
            # a union (number | text | list) reports one error per branch: keep the first per place
            # a union (number | text | list) reports a branch tag ("float", "constrained-str"...) in the path
            loc = tuple(x for x in loc if not (isinstance(x, str) and ("[" in x or "-" in x or x in _UNION_TAGS)))
            if loc in seen:
                continue
            seen.add(loc)
            problems.append(_problem(model, data, loc, err, display))
        return None, problems


_UNION_TAGS = {"float", "int", "str", "list", "dict", "bool", "date", "function-after", "lax-or-strict"}


def _problem(model: type[BaseModel], data: Any, loc: tuple[Any, ...], err: Any, display: str) -> Problem:
    node_id = None
    cur = data
    for part in loc:
        if isinstance(cur, dict) and isinstance(cur.get("id"), str):
            node_id = cur["id"]
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            break
    path = _path(loc[:-1] if err["type"] == "missing" else loc)
    key = str(loc[-1]) if loc else ""
    if err["type"] == "extra_forbidden":
        choices = _aliases_at(model, loc[:-1])
        return Problem(
            "unknown-key", "error", display, node_id, path or key, {"key": key}, suggestions=close_matches(key, choices)
        )
    if err["type"] == "missing":
        return Problem("missing-key", "error", display, node_id, path, {"key": key})
    detail = _TYPE_ID.get(err["type"], err["msg"])
    got = err.get("input")
    if not isinstance(got, dict | list):
        detail += f" (tertulis: {got!r})"
    return Problem("wrong-type", "error", display, node_id, path, {"key": key, "detail": detail})


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _aliases_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` inside `model` (for 'did you mean')."""
    cur: Any = model
    for part in loc:
        if isinstance(part, int) or cur is None:
            continue
        field = None
        for name, f in cur.model_fields.items():
            if (f.alias or name) == part:
                field = f
        if field is None:
            return []
        cur = _model_in(field.annotation)
    if cur is None:
        return []
    return [a for n, f in cur.model_fields.items() if not (a := f.alias or n).startswith("__")]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
