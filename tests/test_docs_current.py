"""Documents generated from the rules stay equal to what the rules say (rewrite with --update-golden)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kinerja.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_banjar_catalogue_is_current(at_root: Path, update_golden: bool, tmp_path: Path) -> None:
    out = tmp_path / "katalog.md"
    result = CliRunner().invoke(app, ["catalogue", "rules/polres-banjar-2025", "--format", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    committed = ROOT / "docs" / "polres-banjar-2025" / "katalog-rumus.md"
    if update_golden:
        committed.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "docs/polres-banjar-2025/katalog-rumus.md is out of date: run pytest tests/test_docs_current.py --update-golden"
    )
