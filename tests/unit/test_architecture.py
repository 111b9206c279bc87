"""The house's arrows point one way (STYLE.md): pages → ui → analysis/store/ingest; the statistics
import no user interface and no database, the store no parsing and no interface.

A wrong-way import fails here with the file and line, before it grows into a circle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ostan_dash"

# layer -> the layers of ostan_dash it must never import (function-level imports included).
FORBIDDEN = {
    "analysis": {"ui", "store", "ingest", "demo", "bench", "cli", "reports"},
    "store": {"ui", "ingest", "analysis", "demo", "bench", "cli", "reports"},
    "ingest": {"ui", "demo", "bench", "cli"},
    "demo": {"ui", "bench", "cli"},
    "text": {"ui", "store", "ingest", "analysis", "demo", "bench", "cli"},
    # the filter model is pure: the pages draw it, the CLI and the bench use it as it is
    "filters": {"ui", "store", "ingest", "demo", "bench", "cli", "reports"},
    # documents are drafted from the store and the statistics, never from the pages
    "reports": {"ui", "ingest", "demo", "bench", "cli"},
    "mail": {"ui", "store", "ingest", "analysis", "demo", "bench", "cli", "reports"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, including those inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            # ``from ostan_dash import ui`` names the layer in the imported names
            if node.module == "ostan_dash":
                out += [(node.lineno, f"ostan_dash.{a.name}") for a in node.names]
    return out


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _wrong_way() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(path)
        for line, module in _imports(path):
            parts = module.split(".")
            # Streamlit is drawn only in ui; the bench may drive whole pages through its test
            # harness (streamlit.testing), as the app tests do.
            testing = parts[:2] == ["streamlit", "testing"]
            if parts[0] == "streamlit" and layer != "ui" and not (layer == "bench" and testing):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} importerar streamlit")
            if parts[0] == "ostan_dash" and len(parts) > 1 and parts[1] in FORBIDDEN.get(layer, ()):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} {layer} → {parts[1]}")
    return found


def test_no_import_points_the_wrong_way():
    assert _wrong_way() == []


@pytest.mark.parametrize(
    ("layer", "source", "expected"),
    [
        ("analysis", "from ostan_dash.ui import fmt\n", "analysis → ui"),
        ("store", "def f():\n    from ostan_dash.ingest import read\n", "store → ingest"),
        ("analysis", "import streamlit as st\n", "importerar streamlit"),
        ("reports", "from ostan_dash.bench.timing import timed\n", "reports → bench"),
        ("filters", "from ostan_dash import ui\n", "filters → ui"),
    ],
    ids=[
        "analysis-ui",
        "store-ingest-in-function",
        "streamlit-outside-ui",
        "reports-bench",
        "filters-ui",
    ],
)
def test_the_check_sees_a_wrong_way_import(tmp_path, monkeypatch, layer, source, expected):
    pkg = tmp_path / "ostan_dash"
    (pkg / layer).mkdir(parents=True)
    (pkg / layer / "bad.py").write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", pkg)
    assert any(expected in line for line in _wrong_way())
