"""The directory's engine stands below the FilterSet: zones/directory/ never imports the filters
or the views, and imports project code only at the top of a module, where a cycle shows at once."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "zones" / "directory"
PROJECT = ("zones", "news", "portal")


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


@pytest.mark.parametrize("module", sorted(ENGINE.glob("*.py")), ids=lambda path: path.name)
def test_the_directory_engine_does_not_import_the_filters_or_the_views(module):
    tree = ast.parse(module.read_text())
    names = [name for node in ast.walk(tree) for name in imported(node)]
    assert not [name for name in names if name in ("zones.filters", "zones.views")]


@pytest.mark.parametrize("module", sorted(ENGINE.glob("*.py")), ids=lambda path: path.name)
def test_the_directory_engine_imports_project_code_only_at_the_top(module):
    tree = ast.parse(module.read_text())
    nested = [
        name
        for top in tree.body
        if not isinstance(top, ast.Import | ast.ImportFrom)
        for node in ast.walk(top)
        for name in imported(node)
        if name.split(".")[0] in PROJECT
    ]
    assert nested == []
