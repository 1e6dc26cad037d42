"""What every page of the main window shares: a title, a ``refresh()``, a ``changed`` signal.

A page that writes data emits ``changed``; the main window then refreshes every page,
so no screen ever shows stale figures after a save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from aapdesk.qt.widgets.common import hint_label, title_label
from aapdesk.services.context import AppContext


class Page(QWidget):
    #: Data was written from this page; the main window refreshes all pages.
    changed = Signal()
    #: A short message for the status bar ("Sauvegarde créée").
    status_message = Signal(str)

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.title = title
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 10, 12, 8)
        self.layout_.setSpacing(10)
        self.layout_.addWidget(title_label(title))

    def refresh(self) -> None:
        """Reload what the page shows from the services."""


class PlaceholderPage(Page):
    """A page whose content comes with a later version: its title and what it will show."""

    def __init__(self, app: AppContext, title: str, sentence: str, parent: QWidget | None = None) -> None:
        super().__init__(app, title, parent)
        self.sentence = hint_label(sentence)
        self.layout_.addWidget(self.sentence)
        self.layout_.addStretch(1)
        self.layout_.setAlignment(self.sentence, Qt.AlignmentFlag.AlignTop)
