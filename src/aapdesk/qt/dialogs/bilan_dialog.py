"""Writing the bilan pédagogique: one text per section the fiche expects, saved as a draft.

Paragraphs are separated by a blank line; a line starting with "- " becomes a bullet. The
tables aapdesk inserts after each section are named under its text so nobody retypes figures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.problems import ValidationError
from aapdesk.qt import messages
from aapdesk.qt.widgets.common import hint_label, title_label
from aapdesk.services import bilan_sections
from aapdesk.services.context import AppContext

EMPTY_MARK = " – à compléter"


class BilanDialog(QDialog):
    #: A section was saved.
    saved = Signal()

    def __init__(self, app: AppContext, operation_id: int, operation_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.operation_id = app, operation_id
        self.setWindowTitle(f"Bilan pédagogique – {operation_label}")
        self.resize(1000, 640)
        self.sections = {s.code: s for s in bilan_sections.list_sections(app, operation_id)}
        self.list = QListWidget()
        self.list.setMaximumWidth(320)
        self.list.setWordWrap(True)  # section titles are long: wrap them rather than scroll sideways
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.title = title_label("", size_delta=2)
        self.hint = hint_label()
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Un paragraphe par bloc, séparés par une ligne vide ; « - » en début de ligne "
                                       "pour une liste à puces.")
        self.inserted = hint_label()
        self.status = hint_label()
        self.save_button = QPushButton("Enregistrer la section")
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.hint)
        right.addWidget(self.editor, 1)
        right.addWidget(self.inserted)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        right.addLayout(row)
        body = QHBoxLayout()
        body.addWidget(self.list)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox()
        buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.close_asking)
        column = QVBoxLayout(self)
        column.addLayout(body, 1)
        column.addWidget(buttons)
        for section in self.sections.values():
            item = QListWidgetItem(self._item_text(section))
            item.setData(Qt.ItemDataRole.UserRole, section.code)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self._switch)
        self.save_button.clicked.connect(self.save)
        self.editor.textChanged.connect(lambda: self.status.setText("Modifications non enregistrées"))
        self._current: str | None = None
        self.list.setCurrentRow(0)

    @staticmethod
    def _item_text(section: bilan_sections.SectionDraft) -> str:
        return section.title + (EMPTY_MARK if section.empty else "")

    def current_code(self) -> str | None:
        return self._current

    def _switch(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if previous is not None and self._dirty() and not self._save_current():
            self.list.blockSignals(True)
            self.list.setCurrentItem(previous)  # stay on the section whose text was refused
            self.list.blockSignals(False)
            return
        if current is None:
            return
        section = self.sections[current.data(Qt.ItemDataRole.UserRole)]
        self._current = section.code
        self.title.setText(section.title)
        self.hint.setText(section.hint)
        self.editor.blockSignals(True)
        self.editor.setPlainText(section.text)
        self.editor.blockSignals(False)
        self.inserted.setText("Ajouté automatiquement après ce texte : " + ", ".join(section.inserted)
                              if section.inserted else "")
        self.status.setText("Enregistrée le " + section.updated_at.strftime("%d/%m/%Y à %H:%M")
                            if section.updated_at else "Pas encore rédigée")

    def _dirty(self) -> bool:
        return self._current is not None and (
            bilan_sections.normalise_text(self.editor.toPlainText()) != self.sections[self._current].text)

    def _save_current(self) -> bool:
        try:
            saved = bilan_sections.save_section(self.app, self.operation_id, self._current, self.editor.toPlainText())
        except ValidationError as exc:
            messages.error(self, "Section non enregistrée", exc.message)
            return False
        self.sections[saved.code] = saved
        for index in range(self.list.count()):
            item = self.list.item(index)
            if item.data(Qt.ItemDataRole.UserRole) == saved.code:
                item.setText(self._item_text(saved))
        self.status.setText("Enregistrée")
        self.saved.emit()
        return True

    def save(self) -> bool:
        return self._current is not None and self._save_current()

    def close_asking(self) -> None:
        if self._dirty() and messages.confirm(self, "Section modifiée", "Enregistrer la section avant de fermer ?",
                                            "Enregistrer"):
            if not self._save_current():
                return
        self.reject()
