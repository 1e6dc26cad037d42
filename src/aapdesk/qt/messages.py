"""Every message box of the application, in one module with French buttons, and the
opening of a produced file in the system's viewer.

Pages and dialogs call these functions through the module (``messages.confirm(...)``)
so that tests can replace them and never block on a modal box nor launch a PDF viewer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    return box


def info(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Critical, title, text)
    if details:
        box.setInformativeText(details)
    box.addButton("Fermer", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, accept_label: str) -> bool:
    """Ask before something that cannot be undone; ``accept_label`` names the action."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    accept = box.addButton(accept_label, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is accept


def ask_open_existing(parent: QWidget | None) -> bool:
    """A duplicate was refused: offer the existing participant's file instead."""
    box = _box(
        parent, QMessageBox.Icon.Warning, "Participant déjà enregistré",
        "Un participant avec les mêmes nom, prénom et date de naissance existe déjà.\n"
        "Ouvrez sa fiche pour lui ajouter un parcours plutôt que de créer un doublon.",
    )
    open_button = box.addButton("Ouvrir la fiche existante", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Revenir au formulaire", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    box.exec()
    return box.clickedButton() is open_button


def open_document(parent: QWidget | None, path: Path | str) -> bool:
    """Open a file we produced (PDF, spreadsheet) with the system's application for it.

    When none can open it, say where the file is rather than fail silently; False then.
    """
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    info(parent, "Ouverture impossible",
         f"Le fichier est enregistré, mais aucune application n'a pu l'ouvrir :\n{path}")
    return False
