"""Regenerate the screenshots in ``docs/screenshots/`` from the demonstration data.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots.py [OUTPUT_DIR]

The demo is built in a temporary data directory with a fixed "today" (15/03/2025), so
two runs give the same pictures. Nothing touches the user's own data directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WINDOW_SIZE = (1280, 800)
FIXED_NOW = datetime(2025, 3, 15, 10, 0)
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(qapp) -> None:
    for _ in range(5):
        qapp.processEvents()


def take_screenshots(output: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import create_main_window, install_french
    from aapdesk.qt.widgets.inputs import select_data
    from aapdesk.services import backups, demo
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aapdesk-captures-") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            demo.build_demo(ctx)
            backups.backup_now(ctx)  # so the backups list is not empty
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            for key, name in (("accueil", "accueil"), ("participants", "participants"), ("parametres", "parametres")):
                window.show_page(key)
                settle(qapp)
                written.append(_save(window.grab(), output / f"{name}.png"))

            window.show_page("participants")
            dialog = window.participants.open_new_participant()
            dialog.nom.setText("Lefebvre")
            dialog.prenom.setText("Océane")
            select_data(dialog.sexe, "F")
            dialog.date_naissance.set_value(date(2026, 2, 3))  # in the future: refused
            dialog.commune.setText("Liévin")
            dialog.code_postal.setText("62800")
            select_data(dialog.territoire, "Lens-Liévin")
            select_data(dialog.prescripteur, "05")
            dialog.brsa.setChecked(True)
            dialog.parcours_fields.date_orientation.set_value(date(2025, 2, 24))
            dialog.parcours_fields.date_entree.set_value(date(2025, 3, 3))
            dialog.parcours_fields.date_sortie.set_value(date(2025, 2, 28))  # before the entry: refused
            dialog.parcours_fields.referent.setText("Claire Dubois")
            dialog.try_save()
            settle(qapp)
            written.append(_save(dialog.grab(), output / "participant-form-errors.png"))
            dialog.reject()
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def _save(pixmap, path: Path) -> Path:
    if not pixmap.save(str(path), "PNG"):
        raise RuntimeError(f"could not write {path}")
    return path


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    for path in take_screenshots(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
