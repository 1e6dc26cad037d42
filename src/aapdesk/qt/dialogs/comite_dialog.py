"""A comité of an operation (suivi, pilotage…): date, nature, who attended, notes, décisions,
and whether the tableau de bord was sent beforehand."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QPlainTextEdit, QWidget

from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.services import activity as activity_service
from aapdesk.services.activity import COMITE_NATURES, ComiteInput, ComiteRow
from aapdesk.services.context import AppContext


def _text_box(placeholder: str, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ComiteDialog(FormDialog):
    def __init__(self, app: AppContext, operation_id: int, comite: ComiteRow | None = None,
                 parent: QWidget | None = None, *, default_nature: str = "suivi") -> None:
        super().__init__(app, "Nouveau comité" if comite is None else "Modifier le comité", parent)
        self.operation_id = operation_id
        self.comite = comite
        self.date = DateEdit(empty_page=app.today())
        self.nature = QComboBox()
        fill_combo(self.nature, [(label, code) for code, label in COMITE_NATURES.items()])
        select_data(self.nature, default_nature)
        self.participants = _text_box("Personnes présentes : Département, SLAI, référents…", 2)
        self.notes = _text_box("Points abordés", 3)
        self.decisions = _text_box("Décisions prises", 3)
        self.tableau_de_bord = QCheckBox("Tableau de bord envoyé avant le comité")

        e = self.errors
        form = QFormLayout()
        form.addRow("Date", e.field("date", self.date))
        form.addRow("Nature", e.field("nature", self.nature))
        form.addRow("Participants", e.field("participants", self.participants))
        form.addRow("Notes", e.field("notes", self.notes))
        form.addRow("Décisions", e.field("decisions", self.decisions))
        form.addRow("", e.field("tableau_de_bord_envoye", self.tableau_de_bord))
        self.layout_.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(560)
        if comite is not None:
            with self.errors.quiet():
                self.date.set_value(comite.date)
                select_data(self.nature, comite.nature)
                self.participants.setPlainText(comite.participants)
                self.notes.setPlainText(comite.notes)
                self.decisions.setPlainText(comite.decisions)
                self.tableau_de_bord.setChecked(comite.tableau_de_bord_envoye)

    def value(self) -> ComiteInput:
        return ComiteInput(
            date=self.date.value(), nature=self.nature.currentData() or "",
            participants=self.participants.toPlainText(), notes=self.notes.toPlainText(),
            decisions=self.decisions.toPlainText(), tableau_de_bord_envoye=self.tableau_de_bord.isChecked(),
        )

    def save(self) -> None:
        activity_service.save_comite(self.app, self.operation_id, self.value(),
                                     self.comite.id if self.comite else None)
