"""A parcours: the fields (shared by the new-participant form) and the dialog to add or edit one.

"Moins de 26 ans à l'entrée" is computed from the birth date and the entry date as
they are typed, with the domain's rule; it is never entered by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QComboBox, QCompleter, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from aapdesk.domain.participants import ParcoursInput, is_under
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.formatting import format_bool
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.display import operation_status
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.field_errors import FieldErrors
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow
from aapdesk.services.participants import ParcoursRow

NO_OPERATION = "Aucune opération : créez-en une dans Paramètres"


def young_text(birth: date | None, entry: date | None) -> str:
    answer = format_bool(is_under(birth, entry)) if birth and entry and entry > birth else "—"
    return f"Moins de 26 ans à l'entrée : {answer}"


class ParcoursFields(QGroupBox):
    """Opération, dates and référent of one parcours, registered with the form's ``errors``."""

    def __init__(self, app: AppContext, errors: FieldErrors, operations: Sequence[OperationRow],
                 referents: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__("Parcours", parent)
        self._birth: date | None = None
        self.operation = QComboBox()
        self.operation.setMinimumContentsLength(30)
        self.operation.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        fill_combo(self.operation, [(op.label, op.id) for op in operations])
        running = [op for op in operations if operation_status(op, app.today()) == "en cours"]
        if running:
            select_data(self.operation, running[0].id)
        if not operations:
            fill_combo(self.operation, [(NO_OPERATION, None)])
            self.setEnabled(False)
        self.date_orientation = DateEdit(empty_page=app.today())
        self.date_entree = DateEdit(empty_page=app.today())
        self.date_sortie = DateEdit(empty_page=app.today())
        self.referent = QLineEdit()
        self.referent.setPlaceholderText("Prénom et nom de l'accompagnant")
        if referents:
            self.referent.setCompleter(QCompleter(list(referents), self.referent))
        self.young_label = QLabel(young_text(None, None))

        left = QFormLayout()
        left.addRow("Opération", errors.field("operation", self.operation))
        left.addRow("Référent", errors.field("referent", self.referent))
        left.addRow("", self.young_label)
        right = QFormLayout()
        right.addRow("Date d'orientation", errors.field("date_orientation", self.date_orientation))
        right.addRow("Date d'entrée", errors.field("date_entree", self.date_entree))
        right.addRow("Date de sortie", errors.field("date_sortie", self.date_sortie, self.date_sortie.clear_button()))
        columns = QHBoxLayout(self)
        columns.addLayout(left, 3)
        columns.addSpacing(16)
        columns.addLayout(right, 2)
        self.date_entree.dateChanged.connect(self._update_young)

    def set_birth_date(self, birth: date | None) -> None:
        self._birth = birth
        self._update_young()

    def _update_young(self, *_args) -> None:
        self.young_label.setText(young_text(self._birth, self.date_entree.value()))

    def operation_id(self) -> int | None:
        return self.operation.currentData()

    def value(self) -> ParcoursInput:
        return ParcoursInput(
            date_entree=self.date_entree.value(),
            date_orientation=self.date_orientation.value(),
            date_sortie=self.date_sortie.value(),
            referent=self.referent.text().strip() or None,
        )

    def load(self, parcours: ParcoursRow) -> None:
        select_data(self.operation, parcours.operation_id)
        self.operation.setEnabled(False)  # a parcours stays in its operation; add another one instead
        self.date_orientation.set_value(parcours.date_orientation)
        self.date_entree.set_value(parcours.date_entree)
        self.date_sortie.set_value(parcours.date_sortie)
        self.referent.setText(parcours.referent or "")


class ParcoursDialog(FormDialog):
    """Add a parcours to an existing participant, or edit one of theirs."""

    def __init__(self, app: AppContext, participant_id: int, birth_date: date | None,
                 parcours: ParcoursRow | None = None, referents: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(app, "Modifier le parcours" if parcours else "Ajouter un parcours", parent)
        self.participant_id = participant_id
        self.parcours = parcours
        self.fields = ParcoursFields(app, self.errors, operations_service.list_operations(app), referents)
        self.fields.set_birth_date(birth_date)
        if parcours is not None:
            with self.errors.quiet():
                self.fields.load(parcours)
        self.layout_.addWidget(self.fields)
        self.finish_layout()

    def save(self) -> None:
        data = self.fields.value()
        if self.parcours is not None:
            participants_service.update_parcours(self.app, self.parcours.id, data)
            return
        operation_id = self.fields.operation_id()
        if operation_id is None:
            raise ValidationError([Problem("operation", "choisissez l'opération du parcours")])
        participants_service.add_parcours(self.app, self.participant_id, operation_id, data)
