"""The layers of the house: each package imports only those below it (core → centres → loyalty, gardens →
contests → murals → office → portal). Walks every module's imports, at any depth of the file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# package → the packages of the portal it may import (besides itself)
ALLOWED = {
    "core": set(),
    "centres": {"core"},
    "loyalty": {"core", "centres"},
    "gardens": {"core", "centres"},
    "contests": {"core", "centres", "loyalty", "gardens"},
    "murals": {"core", "centres", "loyalty", "gardens", "contests"},
    "office": {"core", "centres", "loyalty", "gardens", "contests", "murals"},
    "portal": {"core", "centres", "loyalty", "gardens", "contests", "murals", "office"},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package):
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        wrong = _imported_packages(path) - ALLOWED[package] - {package}
        if wrong:
            offences.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert offences == []


def test_portal_keeps_only_settings_urls_celery_and_the_servers():
    modules = {p.name for p in (ROOT / "portal").glob("*.py")}
    assert modules <= {"__init__.py", "apps.py", "settings.py", "urls.py", "celery.py", "wsgi.py", "asgi.py",
                       "views.py", "context_processors.py", "compile_messages.py"}
