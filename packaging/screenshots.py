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
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, SCREENSHOTS_DIR, WINDOW_SIZE, save, settle  # noqa: E402

DEFAULT_OUTPUT = SCREENSHOTS_DIR


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
                written.append(save(window.grab(), output / f"{name}.png"))

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
            written.append(save(dialog.grab(), output / "participant-form-errors.png"))
            dialog.reject()
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def take_followup_screenshots(output: Path) -> list[Path]:
    """The accompaniment record (suivi-accompagnement.png) of a demo parcours with entretiens and a CER.

    The entretien of the day is typed through the dialog, as a référent would, so the
    picture shows a note; the Accueil capture (accueil.png) is taken by :func:`take_screenshots`.
    """
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import create_main_window, install_french
    from aapdesk.qt.dialogs.accompaniment_dialog import open_accompaniment
    from aapdesk.qt.widgets.inputs import select_data
    from aapdesk.services import activity, demo, participants
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aapdesk-captures-") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            demo.build_demo(ctx)
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            page = window.show_page("participants")
            rows = sorted((r for r in participants.list_participant_rows(ctx)
                           if r.statut == "En cours" and r.operation_code and r.operation_code.startswith("REF-SP")),
                          key=lambda r: (r.nom, r.prenom))
            row = next(r for r in rows
                       if len((record := activity.accompaniment_record(ctx, r.parcours_id)).entretiens) >= 2
                       and record.cers)
            dialog = open_accompaniment(ctx, row.participant_id, row.parcours_id, page)
            select_data(dialog.entretien_modalite, "physique")
            dialog.entretien_duree.setValue(60)
            dialog.entretien_note.setText("Point sur les candidatures ; relance de l'agence d'intérim")
            dialog.add_entretien()
            select_data(dialog.entretien_modalite, "telephone")  # the next one is being typed
            dialog.tabs.setCurrentIndex(0)
            settle(qapp)
            written.append(save(dialog.grab(), output / "suivi-accompagnement.png"))
            dialog.reject()
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def take_activity_screenshots(output: Path) -> list[Path]:
    """The Activité page on the demo's finished AI-2024 operation (3.10, MAD hours): the hours
    grid (activite-heures.png), the file active (activite-file-active.png), the ateliers
    (activite-ateliers.png)."""
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import create_main_window, install_french
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
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            page = window.show_page("activite")
            page.select_operation("AI-2024")
            model, table = page.hours.model, page.hours.table
            # The cursor on a month counted in full, so every orange (under the threshold) month shows.
            cell = next(((r, c) for r in range(len(model.rows)) for c in range(1, model.total_column)
                         if model.is_editable(r, c) and not model.cell(r, c).sous_seuil), (0, 1))
            table.setCurrentIndex(model.index(*cell))
            table.setFocus()
            for tab, name in ((page.hours, "activite-heures"), (page.file_active, "activite-file-active"),
                              (page.ateliers, "activite-ateliers")):
                page.tabs.setCurrentWidget(tab)
                settle(qapp)
                written.append(save(window.grab(), output / f"{name}.png"))
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    for path in take_screenshots(output) + take_followup_screenshots(output) + take_activity_screenshots(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
