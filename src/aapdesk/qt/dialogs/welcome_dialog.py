"""First launch (no structure yet): create one's structure, or explore the demonstration."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from aapdesk.domain.problems import ValidationError
from aapdesk.qt import messages
from aapdesk.qt.dialogs.structure_form import StructureDialog
from aapdesk.qt.widgets.common import hint_label, title_label
from aapdesk.qt.widgets.field_errors import sentence
from aapdesk.services import demo as demo_service
from aapdesk.services.context import AppContext

INTRO = (
    "aapdesk suit vos opérations d'insertion (participants, parcours, activité, sorties, finances) "
    "sur cet ordinateur, sans connexion à internet."
)
CHOICES = (
    "Pour commencer, renseignez votre structure. Vous pouvez aussi explorer une démonstration : "
    "une association fictive, ses opérations et des participants inventés. La démonstration remplit "
    "ce dossier de données ; gardez-la à part de vos vraies données."
)


class WelcomeDialog(QDialog):
    #: The database was filled (structure or demonstration): the window must refresh.
    changed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle("Bienvenue dans aapdesk")
        self.setModal(True)
        self.setMinimumWidth(520)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        column.addWidget(title_label("Bienvenue", size_delta=4))
        column.addWidget(hint_label(INTRO))
        column.addWidget(hint_label(CHOICES))
        buttons = QHBoxLayout()
        self.create_button = QPushButton("Créer ma structure")
        self.create_button.setDefault(True)
        self.demo_button = QPushButton("Ouvrir une démonstration")
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.create_button)
        column.addLayout(buttons)
        self.create_button.clicked.connect(self.create_structure)
        self.demo_button.clicked.connect(self.open_demo)

    def create_structure(self) -> StructureDialog:
        dialog = StructureDialog(self.app, self.parentWidget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.changed)
        self.accept()
        dialog.open()
        return dialog

    def open_demo(self) -> bool:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            demo_service.build_demo(self.app)
        except ValidationError as exc:
            QGuiApplication.restoreOverrideCursor()
            messages.error(self, "Démonstration impossible", sentence(exc.message))
            return False
        QGuiApplication.restoreOverrideCursor()
        self.changed.emit()
        self.accept()
        return True
