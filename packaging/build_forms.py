"""Compile the Qt Designer sources of ``ui/`` into ``src/aapdesk/qt/forms/ui_*.py``.

Run after editing a .ui file: ``.venv/bin/python packaging/build_forms.py``. The generated
modules are committed (so installing needs no build step); ``tests/qt/test_forms.py`` fails
when one is out of date. Dialogs compose the generated class (``self.ui.setupUi(self)``) and
never edit it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "src" / "aapdesk" / "qt" / "forms"
HEADER = '"""Generated from ui/{name} by packaging/build_forms.py: do not edit."""\n'


def uic_executable() -> str:
    candidate = Path(sys.executable).with_name("pyside6-uic")
    return str(candidate) if candidate.exists() else "pyside6-uic"


def compile_form(ui_file: Path) -> str:
    generated = subprocess.run([uic_executable(), "--from-imports", str(ui_file)], check=True,
                               capture_output=True, text=True).stdout
    # uic stamps its own version and a timestamp-free header; keep only the code after it.
    body = generated[generated.index("from PySide6"):]
    return HEADER.format(name=ui_file.name) + "# ruff: noqa\n" + body


def target_for(ui_file: Path) -> Path:
    return FORMS_DIR / f"ui_{ui_file.stem}.py"


def main() -> int:
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    init = FORMS_DIR / "__init__.py"
    if not init.exists():
        init.write_text('"""Python forms generated from the Qt Designer sources in ui/ (do not edit)."""\n', encoding="utf-8")
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        target_for(ui_file).write_text(compile_form(ui_file), encoding="utf-8")
        print(f"{ui_file.name} -> {target_for(ui_file).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
