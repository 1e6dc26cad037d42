"""Screenshots of the Sorties page and of the exit dialog, from the demonstration data.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots_exits.py [OUTPUT_DIR]

Like ``packaging/screenshots.py``: the demo is built in a temporary data directory with a
fixed "today" (15/03/2025), so two runs give the same pictures; the user's own data
directory is never touched. Writes ``sorties.png`` and ``sortie-dialogue.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, SCREENSHOTS_DIR, WINDOW_SIZE, save, settle  # noqa: E402

DEFAULT_OUTPUT = SCREENSHOTS_DIR
#: The richest operation of the demo: a SIAE (fiche 3.10) with its objective per poste.
OPERATION = "AI-2024"


def take_exit_screenshots(output: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from aapdesk.qt.app import install_french
    from aapdesk.qt.pages.exits_page import ExitsPage
    from aapdesk.qt.widgets.inputs import select_data
    from aapdesk.services import demo
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aapdesk-captures-") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            demo.build_demo(ctx)
            # The page alone in a window of the main window's size (the lead plugs it into the navigation).
            window = QMainWindow()
            window.setWindowTitle("aapdesk – Sorties")
            page = ExitsPage(ctx)
            window.setCentralWidget(page)
            window.resize(*WINDOW_SIZE)
            page.refresh()
            page.select_operation(OPERATION)
            window.show()
            settle(qapp)

            # A new exit typed and saved: a CDD of 4 months, classified live; its proof is not there yet.
            dialog = page.new_exit()
            assert dialog is not None
            candidates = [dialog.parcours_combo.itemData(i) for i in range(1, dialog.parcours_combo.count())]
            select_data(dialog.parcours_combo, candidates[0])
            dialog.date_sortie.set_value(date(2024, 11, 29))
            select_data(dialog.type_combo, "CDD")
            dialog.duration.setText("4")
            dialog.employeur.setText("Boulangerie Marchand, Arras")
            dialog.commentaire.setPlainText("Poste de vendeuse, 28 h par semaine.")
            if not dialog.try_save():
                raise RuntimeError("the demo exit was refused: " + "; ".join(dialog.errors.general_messages()))
            parcours_id = dialog.chosen_parcours_id()
            dialog.reject()
            settle(qapp)
            page.select_parcours(parcours_id)  # the page shows it with its missing proof
            settle(qapp)
            written.append(save(window.grab(), output / "sorties.png"))

            # The same exit reopened, its signed contract attached.
            dialog = page.edit_selected()
            assert dialog is not None
            proof = Path(folder) / "contrat-CDD-signe.pdf"
            proof.write_bytes(b"%PDF-1.4\n% contrat de travail\n" + b"0" * 180_000)
            dialog.documents.attach_files([proof])
            dialog.resize(760, dialog.sizeHint().height())
            settle(qapp)
            written.append(save(dialog.grab(), output / "sortie-dialogue.png"))
            dialog.reject()
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    for path in take_exit_screenshots(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
