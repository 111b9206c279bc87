"""Arrows point one way (issue 16): the package's layers import only what lies below them.

Parses every module of ``ostan_dash`` and fails on an import against the direction of the house:
pure statistics and the filter model below the store, the store below ingest and reports, and
only ``ostan_dash.ui`` speaking Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ostan_dash"

# What each layer may import from the package (besides itself). Layers not named here (cli, bench,
# demo, ui) sit on top and may import what they need.
ALLOWED: dict[str, set[str]] = {
    "text": set(),
    "config": set(),
    "vocab": set(),
    "analysis": {"text", "vocab", "config"},
    "filters": {"text", "vocab", "config"},
    "store": {"text", "vocab", "config", "analysis"},
    "ingest": {"text", "vocab", "config", "store"},
    "reports": {"text", "vocab", "config", "store", "analysis", "filters"},
    "mail": {"config", "text"},
}


def _layer(path: Path, root: Path) -> str:
    return path.relative_to(root).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``path``; ``from ostan_dash import x`` names
    ``ostan_dash.x``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ostan_dash":
                out += [(node.lineno, f"ostan_dash.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, node.module))
    return out


def wrong_way(root: Path = PACKAGE) -> list[str]:
    """Every import in the package that points against :data:`ALLOWED` or reaches Streamlit
    from outside ``ui``."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        layer = _layer(path, root)
        for line, module in _imports(path):
            parts = module.split(".")
            where = f"{path.relative_to(root.parent)}:{line} imports {module}"
            if parts[0] == "streamlit" and layer != "ui":
                bad.append(where)
            elif parts[0] == "ostan_dash" and len(parts) > 1 and layer in ALLOWED:
                target = parts[1]
                if target != layer and target not in ALLOWED[layer]:
                    bad.append(where)
    return bad


def test_no_import_points_against_the_layers():
    assert wrong_way() == []


def test_the_check_sees_a_wrong_way_arrow(tmp_path):
    pkg = tmp_path / "ostan_dash"
    (pkg / "store").mkdir(parents=True)
    (pkg / "analysis").mkdir()
    (pkg / "store" / "x.py").write_text("from ostan_dash.ingest import read\n")
    (pkg / "analysis" / "y.py").write_text(
        "from ostan_dash import ui\nimport streamlit as st\nfrom ostan_dash import text\n"
    )
    assert wrong_way(pkg) == [
        "ostan_dash/analysis/y.py:1 imports ostan_dash.ui",
        "ostan_dash/analysis/y.py:2 imports streamlit",
        "ostan_dash/store/x.py:1 imports ostan_dash.ingest",
    ]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_every_named_layer_exists(layer):
    assert (PACKAGE / layer).is_dir() or (PACKAGE / f"{layer}.py").is_file()
