"""Labels and frames with the application's look: page titles, hints, the warning banner."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

WARNING_BACKGROUND = "#fff4d6"
WARNING_BORDER = "#d9a400"
MUTED_COLOR = "#5f6368"


def title_label(text: str, size_delta: int = 6) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


def section_label(text: str) -> QLabel:
    return title_label(text, size_delta=2)


def hint_label(text: str = "") -> QLabel:
    """Secondary text (explanations, counts) in a softer colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED_COLOR};")
    return label


class WarningBanner(QFrame):
    """A yellow strip above the pages for warnings that must not block (data on a network drive)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBanner")
        self.setStyleSheet(f"#warningBanner {{ background-color: {WARNING_BACKGROUND}; "
                           f"border: 1px solid {WARNING_BORDER}; border-radius: 3px; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("Masquer")
        close.setToolTip("Masquer cet avertissement jusqu'au prochain démarrage")
        close.clicked.connect(self.hide)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
