"""The two archive actions as a person lives them: export everything to one file, take it back.

Shared by Paramètres → Sauvegardes and the welcome dialog of a new laptop. Writing an archive
runs in the background behind a progress dialog that can be cancelled (it only reads the
database); taking one back replaces the database, so it runs while a modal progress dialog
keeps the rest of the window out of reach. The file choosers are module functions so tests
can answer them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from aapdesk.qt import messages
from aapdesk.qt.tasks import TaskCancelled, run_in_background
from aapdesk.qt.widgets.field_errors import sentence
from aapdesk.services import backups as backups_service
from aapdesk.services.backups import ArchiveSummary, default_archive_name, describe_archive, skipped_files_warning
from aapdesk.services.context import AppContext

FILE_FILTER = "Archive aapdesk (*.zip)"


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def choose_archive_destination(parent: QWidget | None, proposed: Path) -> Path | None:
    """Where to write the archive (a USB key, ideally); None when the person cancels."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Exporter une archive complète", str(proposed), FILE_FILTER)
    return Path(chosen) if chosen else None


def choose_archive_file(parent: QWidget | None, start: Path) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "Reprendre une archive aapdesk", str(start), FILE_FILTER)
    return Path(chosen) if chosen else None


def _progress_dialog(parent: QWidget | None, text: str, cancellable: bool) -> QProgressDialog:
    dialog = QProgressDialog(text, "Annuler" if cancellable else "", 0, 100, parent)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowTitle("aapdesk")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    return dialog


def _percent(done: int, total: int) -> int:
    return 100 if total <= 0 else max(0, min(100, done * 100 // total))


def export_archive(parent: QWidget | None, app: AppContext) -> ArchiveSummary | None:
    """Ask where, write the archive with a progress dialog, then say what it holds."""
    dest = choose_archive_destination(parent, documents_folder() / default_archive_name(app.now()))
    if dest is None:
        return None

    def work(progress, cancelled):  # type: ignore[no-untyped-def]  # worker thread: no widget here
        def report(done: int, total: int, step: str) -> None:
            if cancelled():
                raise TaskCancelled()
            progress(_percent(done, total), step)
        return backups_service.export_archive(app, dest, progress=report)

    dialog = _progress_dialog(parent, "Écriture de l'archive…", cancellable=True)
    task = run_in_background(work, parent=dialog)
    task.progress.connect(lambda percent, step: (dialog.setValue(percent), dialog.setLabelText(step + "…")))
    dialog.canceled.connect(task.cancel)
    loop = QEventLoop()
    task.finished.connect(loop.quit)
    if task.is_running():
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if task.was_cancelled:
        return None
    if task.error is not None:
        messages.error(parent, "Archive impossible", sentence(str(task.error)))
        return None
    summary: ArchiveSummary = task.result
    described = describe_archive(summary.manifest)
    text = (f"L'archive est écrite :\n{summary.path}\n\n{described[0].upper()}{described[1:]}.\n\n"
            "Elle contient des données personnelles : rangez-la sur une clé ou un disque gardés sous clé, "
            "et effacez-la quand elle ne sert plus.")
    skipped = skipped_files_warning(summary)
    if skipped:
        text += "\n\n" + skipped
    messages.info(parent, "Archive écrite", text)
    return summary


def restore_archive(parent: QWidget | None, app: AppContext) -> bool:
    """Ask which archive, show what it holds, confirm, then replace the data with it."""
    path = choose_archive_file(parent, documents_folder())
    if path is None:
        return False
    try:
        manifest = backups_service.inspect_archive(path)
    except RuntimeError as exc:  # ArchiveError: not ours, damaged, newer; the message is French
        messages.error(parent, "Archive refusée", sentence(str(exc)))
        return False
    if not messages.confirm(
        parent, "Reprendre une archive",
        f"Reprendre l'{describe_archive(manifest)} ?\n\n"
        "Toutes les données de cet ordinateur seront remplacées par celles de l'archive. L'état actuel "
        "sera d'abord sauvegardé (sauvegarde « avant restauration ») : vous pourrez y revenir si besoin.",
        "Remplacer par l'archive",
    ):
        return False
    dialog = _progress_dialog(parent, "Reprise de l'archive…", cancellable=False)
    dialog.show()

    def report(done: int, total: int, step: str) -> None:
        dialog.setLabelText(step + "…")
        dialog.setValue(_percent(done, total))  # a modal progress dialog processes events here

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        backups_service.restore_from_archive(app, path, progress=report)
    except RuntimeError as exc:
        QGuiApplication.restoreOverrideCursor()
        dialog.close()
        dialog.deleteLater()
        messages.error(parent, "Reprise impossible", sentence(str(exc)))
        return False
    QGuiApplication.restoreOverrideCursor()
    dialog.close()
    dialog.deleteLater()
    messages.info(parent, "Archive reprise",
                  f"Les données de l'archive du {manifest.created:%d/%m/%Y à %H:%M} sont maintenant celles "
                  "de cet ordinateur, pièces jointes comprises.")
    return True
