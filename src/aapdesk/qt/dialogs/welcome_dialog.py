"""First launch (no structure yet): create one's structure, take back an archive from another laptop,
or explore the demonstration."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from aapdesk.domain.problems import ValidationError
from aapdesk.qt import archive_flow, messages
from aapdesk.qt.dialogs.structure_form import StructureDialog
from aapdesk.qt.forms.ui_welcome_dialog import Ui_WelcomeDialog
from aapdesk.qt.widgets.field_errors import sentence
from aapdesk.services import demo as demo_service
from aapdesk.services.context import AppContext

class WelcomeDialog(QDialog):
    """Laid out in Qt Designer (ui/welcome_dialog.ui), composed here with its behaviour."""

    #: The database was filled (structure or demonstration): the window must refresh.
    changed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.ui = Ui_WelcomeDialog()
        self.ui.setupUi(self)
        self.create_button = self.ui.createButton
        self.demo_button = self.ui.demoButton
        self.create_button.clicked.connect(self.create_structure)
        self.archive_button = self.ui.archiveButton
        self.demo_button.clicked.connect(self.open_demo)
        self.archive_button.clicked.connect(self.restore_archive)

    def create_structure(self) -> StructureDialog:
        dialog = StructureDialog(self.app, self.parentWidget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.changed)
        self.accept()
        dialog.open()
        return dialog

    def restore_archive(self) -> bool:
        """A new laptop: take back the archive written on the old one."""
        if not archive_flow.restore_archive(self, self.app):
            return False
        self.changed.emit()
        self.accept()
        return True

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
