"""``FormDialog``: the frame every editing dialog shares.

An error banner on top, the subclass's fields in the middle, "Enregistrer" /
"Annuler" at the bottom. Saving calls the subclass's :meth:`FormDialog.save`, which
goes through a service; a :class:`~aapdesk.domain.problems.ValidationError` keeps the
dialog open with each problem under its field, and nothing is written.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from aapdesk.qt.widgets.field_errors import FieldErrors, error_banner
from aapdesk.services.context import AppContext


class FormDialog(QDialog):
    #: The service accepted the data (emitted before the dialog closes).
    saved = Signal()

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(title)
        self.setModal(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(10)
        self.banner = error_banner()
        self.layout_.addWidget(self.banner)
        self.errors = FieldErrors(self.banner, self)
        self.errors.messages_changed.connect(self._grow_to_fit)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        """Called by subclasses once their fields are in place: the buttons go last."""
        self.layout_.addStretch(1)  # extra height goes here, not between the form's rows
        self.layout_.addWidget(self.buttons)

    def _grow_to_fit(self) -> None:
        """Make room for the messages under the fields.

        Word-wrapped labels make Qt under-estimate the dialog's minimum height, and the
        form rows would be squeezed over each other instead of the dialog growing.
        """
        self.layout_.activate()
        layout = self.layout_
        wanted = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else self.sizeHint().height())
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def save(self) -> None:
        """Write through a service; raise ValidationError when the data is refused."""
        raise NotImplementedError

    def try_save(self) -> bool:
        if not self.errors.attempt(self.save):
            return False
        self.saved.emit()
        self.accept()
        return True
