"""The layers' allowed import directions, read from the source (no import is executed).

domain: pure (stdlib only). formatting: domain. reports: domain, formatting (no storage, Qt, SQL).
storage: domain, paths, formatting (no Qt, no services). services: domain, storage, catalogue, formatting,
reports. qt: services, domain, formatting, reports, catalogue — never storage or sqlalchemy
(qt.app may import the storage *errors* it must show). cli: never Qt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "aapdesk"

THIRD_PARTY_GUI_OR_DB = ("PySide6", "sqlalchemy", "alembic", "openpyxl", "reportlab")

RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "domain": {"forbid": ("aapdesk.services", "aapdesk.storage", "aapdesk.qt", "aapdesk.cli", "aapdesk.reports",
                          "aapdesk.catalogue", "aapdesk.formatting", *THIRD_PARTY_GUI_OR_DB)},
    "formatting.py": {"forbid": ("aapdesk.services", "aapdesk.storage", "aapdesk.qt", *THIRD_PARTY_GUI_OR_DB)},
    "reports": {"forbid": ("aapdesk.services", "aapdesk.storage", "aapdesk.qt", "aapdesk.cli", "PySide6", "sqlalchemy")},
    "storage": {"forbid": ("aapdesk.services", "aapdesk.qt", "aapdesk.cli", "aapdesk.reports", "PySide6")},
    "services": {"forbid": ("aapdesk.qt", "aapdesk.cli", "PySide6")},
    "imports": {"forbid": ("aapdesk.services", "aapdesk.storage", "aapdesk.qt", "aapdesk.cli", "aapdesk.reports",
                           "PySide6", "sqlalchemy", "alembic", "reportlab")},
    "cli.py": {"forbid": ("aapdesk.qt", "PySide6")},
    "qt": {"forbid": ("aapdesk.storage", "sqlalchemy", "alembic", "aapdesk.cli")},
}
#: The GUI composition root shows the storage layer's refusal messages, so it may import those errors.
EXCEPTIONS = {("qt/app.py", "aapdesk.storage.lock"), ("qt/app.py", "aapdesk.storage.migrate")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_files(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports_only_what_it_may(layer):
    violations = []
    for path in layer_files(layer):
        relative = path.relative_to(PACKAGE).as_posix()
        for module in imported_modules(path):
            for forbidden in RULES[layer]["forbid"]:
                if (module == forbidden or module.startswith(forbidden + ".")) and (relative, module) not in EXCEPTIONS:
                    violations.append(f"{relative} imports {module}")
    assert violations == []


def test_every_module_has_a_docstring():
    missing = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
               if "migrations/versions" not in p.as_posix() and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert missing == []


def test_domain_never_reads_the_clock():
    offenders = [p.name for p in (PACKAGE / "domain").rglob("*.py")
                 if any(call in p.read_text(encoding="utf-8") for call in ("date.today(", "datetime.now(", "datetime.today(", "time.time("))]
    assert offenders == []
