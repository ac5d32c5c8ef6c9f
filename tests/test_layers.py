"""Layers point one way: the library layers never import an interface framework, and
calculators/ never import retrieval/ or assistant/."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = {"streamlit", "fastapi", "click", "uvicorn", "starlette"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["retrieval", "calculators", "assistant"])
def test_library_layers_import_no_interface_framework(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): imported_modules(f) & FRAMEWORKS for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_calculators_depend_only_on_their_rules():
    files = list((ROOT / "calculators").rglob("*.py"))
    offenders = {str(f.relative_to(ROOT)): imported_modules(f) & {"retrieval", "assistant", "api"} for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_retrieval_knows_nothing_of_calculators():
    files = list((ROOT / "retrieval").rglob("*.py"))
    offenders = {str(f.relative_to(ROOT)): imported_modules(f) & {"calculators", "assistant", "api"} for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}
