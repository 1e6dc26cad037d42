"""Screenshots for the user guide (``docs/guide/images/``), taken from the real application.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/guide_screenshots.py [OUTPUT_DIR]

Like ``packaging/screenshots.py``: every picture comes from a temporary data directory (always
``<temp>/aapdesk-guide/aapdesk``, so the path in the status bar does not change between runs) with
a fixed "today" (15/03/2025), so two runs give the same pictures and the user's own data
directory is never touched. Three data directories are used, one after the other:

- an empty one, to show the first launch as a new association lives it: the welcome dialog,
  the structure, a first operation typed from its convention, a first participant;
- the demonstration, for the monthly routine, the comités, the reports, the backups and the full
  archive (written to ``<temp>/aapdesk-guide/cle-usb``, as if to a USB key);
- an empty one under a "OneDrive" folder, for the warning banner and the refusal of a second
  aapdesk on the same folder.

Every picture must be looked at before it goes into the guide.

Message boxes (confirmations, errors) are captured by replacing ``QMessageBox.exec`` for the
time of the picture: the box is shown, grabbed, then closed without any button being clicked,
so nothing is confirmed. The file dialogs of the archive cannot be shown offscreen: they are
answered by replacing ``archive_flow.choose_archive_destination`` / ``choose_archive_file``, as the
tests do.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, WINDOW_SIZE, save, settle  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "guide" / "images"


@contextmanager
def data_dir(*parts: str):  # type: ignore[no-untyped-def]
    """A fresh data directory at a fixed temporary place (``…/aapdesk-guide/aapdesk``), removed after.

    Fixed rather than random, so the path in the status bar is the same from one run to the next.
    """
    root = Path(tempfile.gettempdir()) / "aapdesk-guide"
    shutil.rmtree(root, ignore_errors=True)
    folder = root.joinpath(*(parts or ("aapdesk",)))
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def captured_message_boxes(qapp, path: Path, written: list[Path]):  # type: ignore[no-untyped-def]
    """While active, the next message box is shown, saved to ``path`` and closed unanswered."""
    from PySide6.QtWidgets import QMessageBox

    original = QMessageBox.exec

    def grab_and_close(box) -> int:  # type: ignore[no-untyped-def]
        box.show()
        settle(qapp)
        written.append(save(box.grab(), path))
        box.hide()
        return 0

    QMessageBox.exec = grab_and_close
    try:
        yield
    finally:
        QMessageBox.exec = original


@contextmanager
def answered_file_dialogs(save_to: Path | None = None, open_file: Path | None = None):  # type: ignore[no-untyped-def]
    """While active, the archive's "save as" dialog answers ``save_to`` / proposed name, its "open"
    dialog answers ``open_file``; None is a cancelled dialog."""
    from aapdesk.qt import archive_flow

    originals = archive_flow.choose_archive_destination, archive_flow.choose_archive_file
    archive_flow.choose_archive_destination = (
        lambda parent, proposed: None if save_to is None else save_to / proposed.name)
    archive_flow.choose_archive_file = lambda parent, start: open_file
    try:
        yield
    finally:
        archive_flow.choose_archive_destination, archive_flow.choose_archive_file = originals


def _app(qapp_holder: list) -> object:  # type: ignore[type-arg]
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import install_french

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    if not qapp_holder:
        install_french(qapp)
        qapp_holder.append(qapp)
    return qapp


_QAPP: list = []  # type: ignore[type-arg]


# --- first launch, on an empty data directory ---------------------------------------------

def take_first_launch(output: Path) -> list[Path]:
    """bienvenue, ma-structure, nouvelle-operation, parametres-premiere-operation, nouveau-participant."""
    from aapdesk.qt.app import create_main_window
    from aapdesk.qt.widgets.inputs import select_data
    from aapdesk.services.context import open_app

    qapp = _app(_QAPP)
    written: list[Path] = []
    with data_dir() as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            settle(qapp)
            welcome = window.welcome_if_needed()
            assert welcome is not None, "an empty data directory must show the welcome dialog"
            settle(qapp)
            written.append(save(welcome.grab(), output / "bienvenue.png"))

            structure = welcome.create_structure()
            form = structure.form
            form.nom.setText("Association Chemins d'Emploi")
            select_data(form.type_structure, "ASSOCIATION")
            form.siret.setText("899 999 000 00008")
            form.adresse.setText("3 place du Marché")
            form.code_postal.setText("62300")
            form.commune.setText("Lens")
            settle(qapp)
            written.append(save(structure.grab(), output / "ma-structure.png"))
            if not structure.try_save():
                raise RuntimeError("the structure was refused: " + "; ".join(structure.errors.general_messages()))
            settle(qapp)

            settings = window.show_page("parametres")
            dialog = settings.operations.open_new()
            dialog.code.setText("ACCOMP-2025")
            select_data(dialog.dispositif, "62-2025-3.15")
            dialog.debut.set_value(date(2025, 1, 1))
            dialog.fin.set_value(date(2025, 12, 31))
            dialog.places.set_count(15)
            dialog.etp.set_value(Decimal("1"))
            dialog.montant.set_value(Decimal("62000"))
            settle(qapp)
            dialog.adjustSize()
            settle(qapp)
            written.append(save(dialog.grab(), output / "nouvelle-operation.png"))
            if not dialog.try_save():
                raise RuntimeError("the operation was refused: " + "; ".join(dialog.errors.general_messages()))
            settle(qapp)
            written.append(save(window.grab(), output / "parametres-premiere-operation.png"))

            window.show_page("participants")
            participant = window.participants.open_new_participant()
            participant.nom.setText("Lefebvre")
            participant.prenom.setText("Océane")
            select_data(participant.sexe, "F")
            participant.date_naissance.set_value(date(1991, 2, 3))
            participant.commune.setText("Liévin")
            participant.code_postal.setText("62800")
            select_data(participant.zone, "urbain")
            select_data(participant.territoire, "Lens-Liévin")
            select_data(participant.prescripteur, "05")
            participant.brsa.setChecked(True)
            fields = participant.parcours_fields
            fields.date_orientation.set_value(date(2025, 2, 24))
            fields.date_entree.set_value(date(2025, 3, 3))
            fields.referent.setText("Claire Dubois")
            settle(qapp)
            written.append(save(participant.grab(), output / "nouveau-participant.png"))
            participant.reject()
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


# --- the demonstration ------------------------------------------------------------------

def _demo_window(folder: Path):  # type: ignore[no-untyped-def]
    from aapdesk.qt.app import create_main_window
    from aapdesk.services import demo
    from aapdesk.services.context import open_app

    ctx = open_app(folder, clock=lambda: FIXED_NOW)
    demo.build_demo(ctx)
    window = create_main_window(ctx)
    window.resize(*WINDOW_SIZE)
    window.show()
    return ctx, window


def take_demo(output: Path) -> list[Path]:
    qapp = _app(_QAPP)
    written: list[Path] = []
    with data_dir() as folder:
        ctx, window = _demo_window(folder)
        try:
            for step in (_home, _participant_file, _hours_refused, _comites, _exits, _staff, _reports, _backups,
                         _archive):
                written += step(qapp, ctx, window, output, folder)
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def _home(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """accueil (the top of the page), accueil-a-faire (scrolled to the to-do list and the deadlines)."""
    page = window.show_page("accueil")
    settle(qapp)
    written = [save(window.grab(), output / "accueil.png")]
    bar = page.scroll.verticalScrollBar()
    bar.setValue(page.todo_title.y() - 4)
    settle(qapp)
    written.append(save(window.grab(), output / "accueil-a-faire.png"))
    bar.setValue(0)
    return written


def _participant_file(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    from aapdesk.qt.dialogs.accompaniment_dialog import open_accompaniment
    from aapdesk.services import activity, participants

    page = window.show_page("participants")
    rows = sorted((r for r in participants.list_participant_rows(ctx)
                   if r.statut == "En cours" and r.operation_code and r.operation_code.startswith("REF-SP")),
                  key=lambda r: (r.nom, r.prenom))
    row = next(r for r in rows
               if len((record := activity.accompaniment_record(ctx, r.parcours_id)).entretiens) >= 2
               and record.cers)
    dialog = page.open_participant(row.participant_id)
    dialog.resize(dialog.width(), max(dialog.height(), 700))
    settle(qapp)
    written = [save(dialog.grab(), output / "fiche-participant.png")]
    dialog.reject()
    follow = open_accompaniment(ctx, row.participant_id, row.parcours_id, page)
    follow.tabs.setCurrentIndex(1)  # CER
    settle(qapp)
    written.append(save(follow.grab(), output / "suivi-cer.png"))
    follow.reject()
    settle(qapp)
    return written


def _hours_refused(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    page = window.show_page("activite")
    page.select_operation("AI-2024")
    page.tabs.setCurrentWidget(page.hours)
    settle(qapp)
    model, table = page.hours.model, page.hours.table
    # A block copied from a spreadsheet with one unreadable cell: nothing is written.
    row = next(r for r in range(len(model.rows)) if model.is_editable(r, 3) and model.is_editable(r + 1, 3))
    table.setCurrentIndex(model.index(row, 3))
    table.setFocus()
    if page.hours.table.paste("12\t14,5\n8\tdouze\n"):
        raise RuntimeError("the paste with a bad cell was accepted")
    settle(qapp)
    return [save(window.grab(), output / "heures-collage-refuse.png")]


def _comites(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    page = window.show_page("activite")
    code = next(op.code for op in page._operations.values() if op.code.startswith("ACCOMP-"))
    page.select_operation(code)
    page.tabs.setCurrentWidget(page.comites)
    settle(qapp)
    written = [save(window.grab(), output / "activite-comites.png")]
    dialog = page.comites.open_new()
    assert dialog is not None
    dialog.date.set_value(date(2025, 4, 10))
    dialog.participants.setPlainText("Département (MDS de Lens-Liévin), SLAI, référente de l'action")
    settle(qapp)
    written.append(save(dialog.grab(), output / "comite-dialogue.png"))
    dialog.reject()
    settle(qapp)
    return written


def _exits(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    page = window.show_page("sorties")
    page.select_operation("AI-2024")
    settle(qapp)
    return [save(window.grab(), output / "sorties.png")]


def _staff(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    page = window.show_page("finances")
    code = next(op.code for op in page._operations.values() if op.code.startswith("ACCOMP-"))
    page.select_operation(code)
    page.tabs.setCurrentWidget(page.staff)
    settle(qapp)
    return [save(window.grab(), output / "finances-personnel.png")]


def _reports(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """rapports-reporting-mensuel, rapports-bilan-pedagogique (chosen, not generated), then
    rapports-tableau-de-bord once the file is written."""
    import time

    page = window.show_page("rapports")
    written: list[Path] = []
    page.select_operation("IOD-NORD-2021")
    page.select_report("reporting-mensuel")
    settle(qapp)
    written.append(save(window.grab(), output / "rapports-reporting-mensuel.png"))

    page.select_operation("AI-2024")
    page.select_report("bilan-pedagogique")
    settle(qapp)
    written.append(save(window.grab(), output / "rapports-bilan-pedagogique.png"))

    code = next(op.code for op in page._operations.values() if op.code.startswith("ACCOMP-"))
    page.select_operation(code)
    page.select_report("tableau-de-bord")
    page.set_format("xlsx")
    if page.generate() is None:
        raise RuntimeError(f"tableau de bord refused: {page.result_label.text()}")
    deadline = time.monotonic() + 120
    while page.is_busy():
        if time.monotonic() > deadline:
            raise RuntimeError("the tableau de bord did not finish in time")
        qapp.processEvents()
        time.sleep(0.01)
    produced = page.selected_file()
    if produced is None:
        raise RuntimeError(f"tableau de bord failed: {page.result_label.text()}")
    stamp = FIXED_NOW.replace(minute=2).timestamp()
    os.utime(produced, (stamp, stamp))
    page.refresh_recent()
    page.recent_table.select_object(produced)
    settle(qapp)
    written.append(save(window.grab(), output / "rapports-tableau-de-bord.png"))
    window.statusBar().clearMessage()
    return written


def _backups(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """parametres-sauvegardes, restaurer-confirmation.

    The demo made one backup at 10:00; the closing backups of the four previous evenings are
    added, as four days of work would have left them (same database, real verified copies).
    """
    from datetime import timedelta

    from aapdesk.storage.backup import create_backup, list_backups

    paths = ctx.db.paths
    for days, (hour, minute) in zip((4, 3, 2, 1), ((17, 45), (18, 2), (17, 58), (17, 31))):
        moment = (FIXED_NOW - timedelta(days=days)).replace(hour=hour, minute=minute)
        create_backup(paths.db_path, paths.backups_dir, "fermeture", moment)
    page = window.show_page("parametres")
    page.refresh()
    evening = next(info for info in list_backups(paths.backups_dir) if info.reason == "fermeture")
    page.backups.table.select_object(evening)
    window.statusBar().clearMessage()
    settle(qapp)
    written = [save(window.grab(), output / "parametres-sauvegardes.png")]
    with captured_message_boxes(qapp, output / "restaurer-confirmation.png", written):
        if page.backups.restore_selected():
            raise RuntimeError("the restore went ahead without confirmation")
    return written


def _archive(qapp, ctx, window, output: Path, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """archive-ecrite (the message at the end of an export), reprendre-archive-confirmation (the
    question before the archive replaces the data; closed unanswered, so nothing is restored)."""
    from aapdesk.services import backups as backups_service
    from aapdesk.services.backups import default_archive_name

    key = folder.parent / "cle-usb"
    key.mkdir()
    archive = key / default_archive_name(ctx.now())
    panel = window.show_page("parametres").backups
    written: list[Path] = []
    with answered_file_dialogs(save_to=key), \
            captured_message_boxes(qapp, output / "archive-ecrite.png", written):
        if not panel.export_archive():
            raise RuntimeError("the archive was not written")
    if not archive.is_file() or not written:
        raise RuntimeError(f"no archive at {archive}, or no message at the end of the export")
    backups_service.inspect_archive(archive)  # accepted: the next box is the question, not a refusal
    with answered_file_dialogs(open_file=archive), \
            captured_message_boxes(qapp, output / "reprendre-archive-confirmation.png", written):
        if panel.restore_archive():
            raise RuntimeError("the archive was restored without confirmation")
    window.statusBar().clearMessage()
    settle(qapp)
    return written


# --- warnings ----------------------------------------------------------------------------

def take_warnings(output: Path) -> list[Path]:
    """avertissement-onedrive (the banner over the pages), deja-ouvert (a second aapdesk refused)."""
    from aapdesk.qt import messages
    from aapdesk.qt.app import create_main_window
    from aapdesk.services.context import open_app

    qapp = _app(_QAPP)
    written: list[Path] = []
    with data_dir("OneDrive - Association", "aapdesk") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            settle(qapp)
            written.append(save(window.grab(), output / "avertissement-onedrive.png"))
            try:
                second = open_app(folder, clock=lambda: FIXED_NOW)
            except RuntimeError as exc:
                with captured_message_boxes(qapp, output / "deja-ouvert.png", written):
                    messages.error(None, "aapdesk ne peut pas ouvrir les données", str(exc))
            else:
                second.db.close(second.now(), backup=False)
                raise RuntimeError("a second aapdesk opened the same data directory")
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    output.mkdir(parents=True, exist_ok=True)
    for path in take_first_launch(output) + take_demo(output) + take_warnings(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
