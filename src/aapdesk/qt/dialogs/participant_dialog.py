"""The participant's file: identity and situation, with a first parcours or the list of parcours.

New participant: the identity and a parcours are saved together by
``create_participant`` (one transaction). Existing participant: the identity is saved
by ``update_participant``; parcours are added or edited one at a time in
:class:`~aapdesk.qt.dialogs.parcours_dialog.ParcoursDialog`. Fields are checked by
the domain as they are edited, and by the service on save.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.participants import ParticipantInput, check_participant, is_under
from aapdesk.domain.references import NIVEAUX_FORMATION, PRESCRIPTEURS, TERRITOIRES_59, TERRITOIRES_62, ZONES
from aapdesk.formatting import format_bool, format_date
from aapdesk.qt import messages
from aapdesk.qt.deletion import confirm_and_delete
from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog, open_accompaniment
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.dialogs.parcours_dialog import ParcoursDialog, ParcoursFields
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import EMPTY_CHOICE, coded_items, combo_text, fill_combo, select_data
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.qt.widgets.documents_widget import DocumentsWidget
from aapdesk.qt.widgets.todo_list import COL_PARTICIPANT, TodoList
from aapdesk.services import activity as activity_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.context import AppContext
from aapdesk.services.participants import DuplicateParticipantError, ParcoursRow

#: The form's fields checked live by ``check_participant`` (the names its problems use).
PARTICIPANT_FIELDS = frozenset(participants_service.PARTICIPANT_FIELDS)
SEXE_CHOICES = (("F – Femme", "F"), ("M – Homme", "M"))


def _combo(min_chars: int = 0) -> QComboBox:
    combo = QComboBox()
    if min_chars:
        # Long labels (niveaux de formation) must not widen the whole dialog.
        combo.setMinimumContentsLength(min_chars)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class ParticipantDialog(FormDialog):
    #: The person asked to open the participant this one duplicates.
    open_existing = Signal(int)

    def __init__(self, app: AppContext, participant_id: int | None = None, parent: QWidget | None = None,
                 *, referents: Sequence[str] = ()) -> None:
        super().__init__(app, "Nouveau participant" if participant_id is None else "Fiche du participant", parent)
        self.participant_id = participant_id
        self._referents = tuple(referents)
        self._build_identity()
        self.parcours_fields: ParcoursFields | None = None
        self.parcours_table: SimpleTable | None = None
        self.todos: TodoList | None = None
        if participant_id is None:
            self.parcours_fields = ParcoursFields(app, self.errors, operations_service.list_operations(app), referents)
            self.layout_.addWidget(self.parcours_fields)
            self.date_naissance.dateChanged.connect(
                lambda *_: self.parcours_fields.set_birth_date(self.date_naissance.value()))
        else:
            self.layout_.addWidget(self._build_parcours_list())
            self.layout_.addWidget(self._build_todos())
            self.layout_.addWidget(self._build_documents(participant_id))
            self.load(participant_id)
            self.erase_button = self.buttons.addButton("Effacer la personne…", QDialogButtonBox.ButtonRole.ResetRole)
            self.erase_button.setToolTip("Droit à l'effacement (RGPD) : supprime la personne, ses parcours, heures, "
                                         "entretiens, sorties et pièces jointes")
            self.erase_button.clicked.connect(self.erase)
        self.finish_layout()
        self.setMinimumWidth(940)  # room for the long labels of niveaux and prescripteurs
        self.nom.setFocus()
        self.errors.edited.connect(self._check_field)

    def erase(self) -> bool:
        """Erase the person after an explicit confirmation; the pages refresh as after a save."""
        assert self.participant_id is not None
        if not messages.confirm(
                self, "Effacer la personne",
                "Effacer définitivement cette personne et tout ce qui la concerne : parcours, heures, entretiens, "
                "CER, sorties, présences aux ateliers et pièces jointes ?\n\n"
                "À réserver à une demande d'effacement (RGPD) ou à une fiche créée par erreur : les chiffres des "
                "rapports changent. Les sauvegardes déjà faites la contiennent encore jusqu'à leur expiration.",
                "Effacer"):
            return False
        participants_service.erase_participant(self.app, self.participant_id)
        self.saved.emit()
        self.accept()
        return True

    # --- building ------------------------------------------------------------------------

    def _build_identity(self) -> None:
        self.nom = QLineEdit()
        self.prenom = QLineEdit()
        self.sexe = _combo()
        fill_combo(self.sexe, SEXE_CHOICES, empty="—")
        today = self.app.today()
        self.date_naissance = DateEdit(empty_page=date(today.year - 30, today.month, 1))
        self.niveau_formation = _combo(24)
        fill_combo(self.niveau_formation, coded_items(NIVEAUX_FORMATION), empty=EMPTY_CHOICE)
        self.brsa = QCheckBox("Bénéficiaire du RSA (BRSA)")
        self.rqth = QCheckBox("Travailleur handicapé reconnu (RQTH)")
        self.commune = QLineEdit()
        self.code_postal = QLineEdit()
        self.code_postal.setMaxLength(5)
        self.code_postal.setMaximumWidth(90)
        self.zone = _combo()
        fill_combo(self.zone, [(label, code) for code, label in ZONES.items()], empty=EMPTY_CHOICE)
        self.qpv = QCheckBox("Habite un quartier prioritaire (QPV)")
        self.territoire = _combo(18)
        self.territoire.setEditable(True)
        fill_combo(self.territoire, [(t, t) for t in TERRITOIRES_62], empty="")
        self.territoire.insertSeparator(self.territoire.count())
        for name in TERRITOIRES_59:
            self.territoire.addItem(name, name)
        self.territoire.setCurrentIndex(0)
        self.prescripteur = _combo(24)
        fill_combo(self.prescripteur, coded_items(PRESCRIPTEURS), empty=EMPTY_CHOICE)
        self.id_externe = QLineEdit()
        self.id_externe.setPlaceholderText("Numéro donné par le financeur, si connu")

        e = self.errors
        identity = QGroupBox("Identité")
        form = QFormLayout(identity)
        form.addRow("Nom", e.field("nom", self.nom))
        form.addRow("Prénom", e.field("prenom", self.prenom))
        form.addRow("Sexe", e.field("sexe", self.sexe))
        form.addRow("Date de naissance", e.field("date_naissance", self.date_naissance))
        form.addRow("Niveau de formation", e.field("niveau_formation", self.niveau_formation))
        form.addRow("", e.field("brsa", self.brsa))
        form.addRow("", e.field("rqth", self.rqth))
        situation = QGroupBox("Situation et orientation")
        form = QFormLayout(situation)
        form.addRow("Commune", e.field("commune", self.commune))
        form.addRow("Code postal", e.field("code_postal", self.code_postal))
        form.addRow("Zone", e.field("zone", self.zone))
        form.addRow("Territoire", e.field("territoire", self.territoire))
        form.addRow("Prescripteur", e.field("prescripteur", self.prescripteur))
        form.addRow("Identifiant externe", e.field("id_externe", self.id_externe))
        form.addRow("", e.field("qpv", self.qpv))
        columns = QHBoxLayout()
        columns.addWidget(identity, 1)
        columns.addWidget(situation, 1)
        self.layout_.addLayout(columns)

    def _build_parcours_list(self) -> QGroupBox:
        box = QGroupBox("Parcours")
        column = QVBoxLayout(box)
        self.parcours_table = SimpleTable(
            ("Opération", "Orientation", "Entrée", "Sortie", "Référent", "Moins de 26 ans"), stretch_column=4)
        self.parcours_table.setMinimumHeight(110)
        self.parcours_table.activated_object.connect(self.edit_parcours)
        column.addWidget(self.parcours_table)
        buttons = QHBoxLayout()
        self.add_parcours_button = QPushButton("Ajouter un parcours")
        self.edit_parcours_button = QPushButton("Modifier le parcours")
        self.follow_button = QPushButton("Suivi de l'accompagnement…")
        self.follow_button.setToolTip("Premier rendez-vous, entretiens, CER, diagnostics et suspensions "
                                      "du parcours sélectionné")
        self.delete_parcours_button = QPushButton("Supprimer le parcours…")
        self.delete_parcours_button.setToolTip("Supprimer le parcours sélectionné, saisi par erreur, avec ses heures, "
                                               "entretiens, CER et sortie ; la fiche de la personne est gardée")
        self.add_parcours_button.clicked.connect(self.add_parcours)
        self.edit_parcours_button.clicked.connect(lambda: self.edit_parcours(self.parcours_table.current_object()))
        self.follow_button.clicked.connect(lambda: self.follow_parcours(self.parcours_table.current_object()))
        self.delete_parcours_button.clicked.connect(lambda: self.delete_parcours(self.parcours_table.current_object()))
        self.parcours_table.itemSelectionChanged.connect(self._update_parcours_buttons)
        buttons.addWidget(self.add_parcours_button)
        buttons.addWidget(self.edit_parcours_button)
        buttons.addWidget(self.follow_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_parcours_button)
        column.addLayout(buttons)
        return box

    def _build_documents(self, participant_id: int) -> QGroupBox:
        """The person's own documents (identity-free attestations, RQTH notification…), not a parcours'."""
        box = QGroupBox("Documents du participant")
        column = QVBoxLayout(box)
        self.documents = DocumentsWidget(self.app, natures=("attestation", "autre"),
                                         empty_text="Aucun document joint. Ceux d'un parcours (CER, diagnostic) "
                                                    "se joignent dans son suivi.")
        self.documents.set_owner(participant_id=participant_id)
        self.documents.table.setMinimumHeight(60)
        column.addWidget(self.documents)
        return box

    def _build_todos(self) -> QGroupBox:
        box = QGroupBox("À faire")
        column = QVBoxLayout(box)
        self.todos = TodoList(hidden_columns=(COL_PARTICIPANT,), visible_rows=4)
        self.todos.open_requested.connect(self._open_todo)
        column.addWidget(self.todos)
        return box

    # --- data ----------------------------------------------------------------------------

    def participant_input(self) -> ParticipantInput:
        return ParticipantInput(
            nom=self.nom.text(), prenom=self.prenom.text(), sexe=self.sexe.currentData() or "",
            date_naissance=self.date_naissance.value(), brsa=self.brsa.isChecked(), rqth=self.rqth.isChecked(),
            niveau_formation=self.niveau_formation.currentData(), commune=self.commune.text(),
            code_postal=self.code_postal.text(), zone=self.zone.currentData(), qpv=self.qpv.isChecked(),
            territoire=combo_text(self.territoire), prescripteur=self.prescripteur.currentData(),
            id_externe=self.id_externe.text(),
        ).normalised()

    def load(self, participant_id: int) -> None:
        detail = participants_service.get_participant(self.app, participant_id)
        data = detail.data
        with self.errors.quiet():
            self.nom.setText(data.nom)
            self.prenom.setText(data.prenom)
            select_data(self.sexe, data.sexe)
            self.date_naissance.set_value(data.date_naissance)
            select_data(self.niveau_formation, data.niveau_formation)
            self.brsa.setChecked(data.brsa)
            self.rqth.setChecked(data.rqth)
            self.commune.setText(data.commune or "")
            self.code_postal.setText(data.code_postal or "")
            select_data(self.zone, data.zone)
            self.qpv.setChecked(data.qpv)
            select_data(self.territoire, data.territoire)
            select_data(self.prescripteur, data.prescripteur)
            self.id_externe.setText(data.id_externe or "")
        self.setWindowTitle(f"Fiche de {data.prenom} {data.nom}")
        self._show_parcours(detail.parcours, data.date_naissance)
        self._show_todos()

    def _show_parcours(self, parcours: Sequence[ParcoursRow], birth: date | None) -> None:
        assert self.parcours_table is not None
        self.parcours_table.set_rows([
            ([p.operation_code, format_date(p.date_orientation), format_date(p.date_entree),
              format_date(p.date_sortie), p.referent or "",
              format_bool(is_under(birth, p.date_entree)) if birth else ""], p)
            for p in parcours
        ])
        if parcours and self.parcours_table.current_object() is None:
            self.parcours_table.selectRow(0)  # the buttons act on a parcours from the start
        self._update_parcours_buttons()

    def _update_parcours_buttons(self) -> None:
        assert self.parcours_table is not None
        selected = self.parcours_table.current_object() is not None
        self.edit_parcours_button.setEnabled(selected)
        self.follow_button.setEnabled(selected)
        self.delete_parcours_button.setEnabled(selected)

    def _show_todos(self) -> None:
        """Open milestones of this participant's parcours in current operations (overdue and next 45 days)."""
        if self.todos is not None and self.participant_id is not None:
            self.todos.set_rows(activity_service.todo_list(self.app, participant_id=self.participant_id))

    def _check_field(self, name: str) -> None:
        """Domain check of the field just edited, so a future birth date shows at once."""
        if name in PARTICIPANT_FIELDS:
            self.errors.show_for(name, check_participant(self.participant_input(), self.app.today()))

    def save(self) -> None:
        data = self.participant_input()
        try:
            if self.participant_id is None:
                assert self.parcours_fields is not None
                operation_id = self.parcours_fields.operation_id()
                self.participant_id = participants_service.create_participant(
                    self.app, data, operation_id, self.parcours_fields.value() if operation_id else None)
            else:
                participants_service.update_participant(self.app, self.participant_id, data)
        except DuplicateParticipantError as duplicate:
            self.errors.show(duplicate.problems)
            if messages.ask_open_existing(self):
                self.open_existing.emit(duplicate.existing_id)
                self.reject()
            raise

    # --- parcours of an existing participant -------------------------------------------

    def add_parcours(self) -> ParcoursDialog:
        return self._open_parcours(None)

    def edit_parcours(self, parcours: object) -> ParcoursDialog | None:
        return self._open_parcours(parcours) if isinstance(parcours, ParcoursRow) else None

    def _open_parcours(self, parcours: ParcoursRow | None) -> ParcoursDialog:
        assert self.participant_id is not None
        dialog = ParcoursDialog(self.app, self.participant_id, self.date_naissance.value(), parcours,
                                self._referents, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._parcours_saved)
        dialog.open()
        return dialog

    def _parcours_saved(self) -> None:
        assert self.participant_id is not None
        detail = participants_service.get_participant(self.app, self.participant_id)
        self._show_parcours(detail.parcours, detail.data.date_naissance)
        self._show_todos()
        self.saved.emit()  # the table behind must show the new parcours even if this form is cancelled

    def delete_parcours(self, parcours: object) -> bool:
        """Delete a parcours entered by mistake, after a confirmation saying what goes with it."""
        if not isinstance(parcours, ParcoursRow):
            return False
        if not confirm_and_delete(
                self, self.app, "parcours", parcours.id, title="Supprimer le parcours",
                question=f"Supprimer le parcours {parcours.operation_code} "
                         f"(entrée le {format_date(parcours.date_entree)}) ?",
                delete=participants_service.delete_parcours):
            return False
        self._parcours_saved()
        return True

    # --- accompaniment ------------------------------------------------------------------

    def follow_parcours(self, parcours: object) -> AccompanimentDialog | None:
        return self.follow_parcours_id(parcours.id) if isinstance(parcours, ParcoursRow) else None

    def follow_parcours_id(self, parcours_id: int | None) -> AccompanimentDialog | None:
        if self.participant_id is None or parcours_id is None:
            return None
        return open_accompaniment(self.app, self.participant_id, parcours_id, self, self._accompaniment_changed)

    def _open_todo(self, row: object) -> AccompanimentDialog | None:
        return self.follow_parcours_id(getattr(row, "parcours_id", None))

    def _accompaniment_changed(self) -> None:
        self._show_todos()
        self.saved.emit()  # Accueil's to-do list and indicators follow, even if this form is cancelled
