"""The accompaniment record of one parcours: premier rendez-vous, entretiens, CER, diagnostics,
suspensions, and the milestones still open.

Each section has its own small form beside its table, with its own error messages:
the service checks the data (an entretien before the orientation, a CER ending before
its signature…) and a refusal leaves the form filled, the message under the field, and
nothing written. Every accepted write reloads the record from
``accompaniment_record`` and emits :attr:`AccompanimentDialog.changed`, so the window
behind (Accueil, participants) shows the new to-do list.

The end of a new CER follows its signature date as it is typed (signature + the
fiche's CER length, 6 months by default) until the person changes the end themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain import activity as act
from aapdesk.domain.dispositif import Milestones
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.formatting import format_bool, format_date
from aapdesk.qt.deletion import confirm_and_delete
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.widgets.common import hint_label, section_label, title_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.field_errors import FieldErrors, error_banner
from aapdesk.qt.widgets.inputs import CountSpin, fill_combo, select_data
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.qt.widgets.documents_widget import DocumentsWidget
from aapdesk.qt.widgets.todo_list import COL_OPERATION, COL_PARTICIPANT, TodoList, rows_from_items
from aapdesk.services import activity as activity_service
from aapdesk.services import documents as documents_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.activity import MODALITES, AccompanimentRecord, CerInput, EntretienInput, SuspensionInput
from aapdesk.services.context import AppContext

@dataclass(frozen=True)
class CerRef:
    """What a row of the CER table carries (``id`` keeps it selected across reloads)."""

    id: int
    signature: date
    demande_renouvellement: date | None


DIAGNOSTIC_NATURES = {"initial": "Diagnostic initial", "actualisation": "Actualisation"}
#: What each tab's "Supprimer" button deletes: entity -> (French name with its article, service).
DELETIONS: dict[str, tuple[str, Callable[[AppContext, int], None]]] = {
    "entretien": ("l'entretien", activity_service.delete_entretien),
    "cer": ("le CER", activity_service.delete_cer),
    "diagnostic": ("le diagnostic", activity_service.delete_diagnostic),
    "suspension": ("la suspension", activity_service.delete_suspension),
}
NO_DATE = "—"


def _duration_text(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


class EntryForm(QGroupBox):
    """A titled form with its own messages and one button that submits it through a service."""

    def __init__(self, title: str, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.banner = error_banner()
        self.errors = FieldErrors(self.banner, self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.button = QPushButton(button_text)
        column = QVBoxLayout(self)
        column.addWidget(self.banner)
        column.addLayout(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        column.addLayout(buttons)
        column.addStretch(1)

    def add_row(self, label: str, name: str, widget: QWidget, *extras: QWidget) -> None:
        if isinstance(widget, (DateEdit, CountSpin)):
            widget.setMaximumWidth(160)  # a date needs no more; messages below still use the full width
        self.form.addRow(label, self.errors.field(name, widget, *extras))

    def submit(self, action: Callable[[], object]) -> bool:
        """Run the service call; on refusal show the problems here and keep the fields as typed."""
        return self.errors.attempt(action)


class RenewalDialog(FormDialog):
    """The date a CER's renewal was asked for."""

    def __init__(self, app: AppContext, cer_id: int, signature: date, current: date | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(app, "Demande de renouvellement du CER", parent)
        self.cer_id = cer_id
        self.day = DateEdit(empty_page=app.today())
        self.day.set_value(current or app.today())
        form = QFormLayout()
        form.addRow("", hint_label(f"CER signé le {format_date(signature)}."))
        form.addRow("Date de la demande", self.errors.field("demande_renouvellement", self.day))
        self.layout_.addLayout(form)
        self.finish_layout()

    def save(self) -> None:
        day = self.day.value()
        if day is None:
            raise ValidationError([Problem("demande_renouvellement", "la date de la demande est obligatoire")])
        activity_service.request_cer_renewal(self.app, self.cer_id, day)


class AccompanimentDialog(QDialog):
    #: Something was written: the pages behind refresh their figures and to-do lists.
    changed = Signal()

    def __init__(self, app: AppContext, participant_id: int, parcours_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.participant_id = participant_id
        self.parcours_id = parcours_id
        detail = participants_service.get_participant(app, participant_id)
        parcours = next((p for p in detail.parcours if p.id == parcours_id), None)
        if parcours is None:
            raise LookupError("ce parcours n'appartient pas à ce participant")
        self.parcours = parcours
        self.participant_name = f"{detail.data.prenom} {detail.data.nom}"
        self.todo_name = f"{detail.data.nom} {detail.data.prenom}"  # as todo_list writes it
        self.operation = operations_service.get_operation(app, parcours.operation_id)
        self.milestones: Milestones = self.operation.rules.jalons if self.operation.rules else Milestones()
        self.record: AccompanimentRecord | None = None
        self.tables: dict[str, SimpleTable] = {}
        self.delete_buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(f"Suivi de l'accompagnement – {self.participant_name}")
        self.setModal(True)

        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(8)
        self._build_header()
        self._build_premier_rdv()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_entretiens(), "Entretiens")
        self.tabs.addTab(self._build_cers(), "CER")
        self.tabs.addTab(self._build_diagnostics(), "Diagnostics")
        self.tabs.addTab(self._build_suspensions(), "Suspensions")
        # CER, diagnostic, attestations: the parcours' own documents, kept in the document store
        self.documents = DocumentsWidget(app, natures=("cer", "diagnostic", "attestation", "autre"),
                                         empty_text="Aucun document joint à ce parcours.")
        self.documents.set_owner(parcours_id=parcours_id)
        self.documents.changed.connect(self._count_documents)
        self.documents.changed.connect(self.changed)
        self.tabs.addTab(self.documents, "Documents")
        self.layout_.addWidget(self.tabs, 1)
        self.layout_.addWidget(section_label("Jalons à venir"))
        self.todos = TodoList(hidden_columns=(COL_OPERATION, COL_PARTICIPANT), visible_rows=4,
                              empty_text="Aucun jalon ouvert pour ce parcours.")
        self.layout_.addWidget(self.todos)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)
        self.reload()
        self._reset_forms()
        self.tabs.setFocus()
        self.resize(1040, 700)

    # --- building ------------------------------------------------------------------------

    def _build_header(self) -> None:
        p = self.parcours
        self.title = title_label(self.participant_name, size_delta=4)
        self.layout_.addWidget(self.title)
        referent = f" · Référent : {p.referent}" if p.referent else ""
        self.operation_label = hint_label(f"{self.operation.label}{referent}")
        self.layout_.addWidget(self.operation_label)
        status = participants_service.parcours_status(p.date_entree, p.date_sortie, self.app.today(), self.operation.fin)
        self.dates_label = QLabel(
            f"Orientation : <b>{format_date(p.date_orientation) or NO_DATE}</b> &nbsp;·&nbsp; "
            f"Entrée : <b>{format_date(p.date_entree)}</b> &nbsp;·&nbsp; "
            f"Sortie : <b>{format_date(p.date_sortie) or NO_DATE}</b> &nbsp;·&nbsp; {status}")
        self.layout_.addWidget(self.dates_label)

    def _build_premier_rdv(self) -> None:
        box = QGroupBox("Premier rendez-vous")
        row = QHBoxLayout(box)
        self.rdv_banner = error_banner()
        self.rdv_errors = FieldErrors(self.rdv_banner, self)
        self.premier_rdv = DateEdit(empty_page=self.app.today())
        self.premier_rdv.setMinimumWidth(130)
        self.save_rdv_button = QPushButton("Enregistrer la date")
        self.save_rdv_button.clicked.connect(self.save_premier_rdv)
        field = self.rdv_errors.field("premier_rdv", self.premier_rdv, self.premier_rdv.clear_button(),
                                      self.save_rdv_button)
        field.setMaximumWidth(520)
        row.addWidget(field, 0, Qt.AlignmentFlag.AlignTop)
        self.rdv_hint = hint_label()
        self.rdv_hint.setMinimumHeight(self.premier_rdv.sizeHint().height())  # level with the date field
        row.addWidget(self.rdv_hint, 1, Qt.AlignmentFlag.AlignTop)
        self.layout_.addWidget(self.rdv_banner)
        self.layout_.addWidget(box)

    def _tab(self, table: SimpleTable, form: EntryForm, entity: str, *buttons: QPushButton) -> QWidget:
        """The table with its buttons under it (``buttons`` on the left, "Supprimer" on the right), the form beside."""
        self.tables[entity] = table
        delete = self.delete_buttons[entity] = QPushButton("Supprimer")
        delete.setToolTip("Supprimer la ligne sélectionnée, saisie par erreur")
        delete.clicked.connect(lambda: self.delete_selected(entity))
        table.itemSelectionChanged.connect(self._update_delete_buttons)
        bar = QHBoxLayout()
        for button in buttons:
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(delete)
        page = QWidget()
        row = QHBoxLayout(page)
        left = QVBoxLayout()
        left.addWidget(table, 1)
        left.addLayout(bar)
        row.addLayout(left, 3)
        form.setMinimumWidth(360)
        row.addWidget(form, 2)
        return page

    def _build_entretiens(self) -> QWidget:
        self.entretiens_table = SimpleTable(("Date", "Modalité", "Durée", "Note"), stretch_column=3,
                                            right_aligned=(2,))
        form = self.entretien_form = EntryForm("Ajouter un entretien", "Ajouter l'entretien")
        self.entretien_date = DateEdit(empty_page=self.app.today())
        self.entretien_modalite = QComboBox()
        fill_combo(self.entretien_modalite, [(label, key) for key, label in MODALITES.items()])
        self.entretien_duree = CountSpin(maximum=999)
        self.entretien_duree.setSuffix(" min")
        self.entretien_duree.setSingleStep(15)
        self.entretien_note = QLineEdit()
        self.entretien_note.setPlaceholderText("Facultatif : objet, suites à donner")
        form.add_row("Date", "date", self.entretien_date)
        form.add_row("Modalité", "modalite", self.entretien_modalite)
        form.add_row("Durée", "duree", self.entretien_duree)
        form.add_row("Note", "note", self.entretien_note)
        form.button.clicked.connect(self.add_entretien)
        return self._tab(self.entretiens_table, form, "entretien")

    def _build_cers(self) -> QWidget:
        self.cers_table = SimpleTable(("Signature", "Fin", "Validé", "Renouvellement", "Demande de renouvellement"),
                                      stretch_column=4)
        self.cers_table.itemSelectionChanged.connect(self._update_renewal_button)
        self.renewal_button = QPushButton("Demande de renouvellement…")
        self.renewal_button.setToolTip("Noter la date à laquelle le renouvellement du CER sélectionné a été demandé")
        self.renewal_button.clicked.connect(self.request_renewal)
        form = self.cer_form = EntryForm("Nouveau CER", "Enregistrer le CER")
        self.cer_signature = DateEdit(empty_page=self.app.today())
        self.cer_fin = DateEdit(empty_page=self.app.today())
        months = self.milestones.cer_duree_mois or act.DEFAULT_CER_MONTHS
        self.cer_fin.setToolTip(f"Proposée : signature + {months} mois (durée du CER de la fiche) ; modifiable")
        self.cer_valide = QCheckBox("CER validé")
        self.cer_renouvellement = QCheckBox("Renouvellement d'un CER précédent")
        form.add_row("Signature", "date_signature", self.cer_signature)
        form.add_row("Fin", "date_fin", self.cer_fin)
        form.form.addRow("", hint_label(f"Fin proposée : signature + {months} mois, modifiable."))
        form.add_row("", "valide", self.cer_valide)
        form.add_row("", "renouvellement", self.cer_renouvellement)
        self._end_edited = False
        self._filling_end = False
        self.cer_signature.dateChanged.connect(self._signature_changed)
        self.cer_fin.dateChanged.connect(self._end_changed)
        form.button.clicked.connect(self.add_cer)
        return self._tab(self.cers_table, form, "cer", self.renewal_button)

    def _build_diagnostics(self) -> QWidget:
        self.diagnostics_table = SimpleTable(("Date", "Nature", "Note"), stretch_column=2)
        form = self.diagnostic_form = EntryForm("Ajouter un diagnostic", "Ajouter le diagnostic")
        self.diagnostic_nature = QComboBox()
        fill_combo(self.diagnostic_nature, [(label, key) for key, label in DIAGNOSTIC_NATURES.items()])
        self.diagnostic_date = DateEdit(empty_page=self.app.today())
        self.diagnostic_note = QLineEdit()
        self.diagnostic_note.setPlaceholderText("Facultatif : freins repérés, axes de travail")
        form.add_row("Nature", "nature", self.diagnostic_nature)
        form.add_row("Date", "date", self.diagnostic_date)
        form.add_row("Note", "note", self.diagnostic_note)
        form.button.clicked.connect(self.add_diagnostic)
        return self._tab(self.diagnostics_table, form, "diagnostic")

    def _build_suspensions(self) -> QWidget:
        self.suspensions_table = SimpleTable(("Début", "Fin", "Motif"), stretch_column=2)
        form = self.suspension_form = EntryForm("Ajouter une suspension", "Ajouter la suspension")
        self.suspension_debut = DateEdit(empty_page=self.app.today())
        self.suspension_fin = DateEdit(empty_page=self.app.today())
        self.suspension_motif = QLineEdit()
        self.suspension_motif.setPlaceholderText("Hospitalisation, absence injustifiée…")
        form.add_row("Début", "debut", self.suspension_debut)
        form.add_row("Fin", "fin", self.suspension_fin, self.suspension_fin.clear_button())
        form.add_row("Motif", "motif", self.suspension_motif)
        form.button.clicked.connect(self.add_suspension)
        return self._tab(self.suspensions_table, form, "suspension")

    # --- showing -------------------------------------------------------------------------

    def reload(self) -> None:
        record = self.record = activity_service.accompaniment_record(self.app, self.parcours_id)
        with self.rdv_errors.quiet():
            self.premier_rdv.set_value(record.premier_rdv)
        self._update_rdv_hint(record)
        self.entretiens_table.set_rows([
            ([format_date(day), MODALITES.get(modalite, modalite), _duration_text(minutes), note], entretien_id)
            for entretien_id, day, modalite, minutes, note in record.entretiens
        ])
        self.cers_table.set_rows([
            ([format_date(signature), format_date(end), format_bool(valide), format_bool(renewal),
              format_date(request) or "pas encore demandée"], CerRef(cer_id, signature, request))
            for cer_id, signature, end, valide, renewal, request in record.cers
        ])
        if self.cers_table.current_object() is None and record.cers:
            self.cers_table.selectRow(len(record.cers) - 1)  # the latest CER is the one to renew
        self.diagnostics_table.set_rows([
            ([format_date(day), DIAGNOSTIC_NATURES.get(nature, nature), note], diagnostic_id)
            for diagnostic_id, day, nature, note in record.diagnostics
        ])
        self.suspensions_table.set_rows([
            ([format_date(debut), format_date(fin) or "en cours", motif], suspension_id)
            for suspension_id, debut, fin, motif in record.suspensions
        ])
        for index, (name, rows) in enumerate((("Entretiens", record.entretiens), ("CER", record.cers),
                                               ("Diagnostics", record.diagnostics),
                                               ("Suspensions", record.suspensions))):
            self.tabs.setTabText(index, f"{name} ({len(rows)})")
        self.todos.set_rows(rows_from_items(record.todos, record.operation_code, self.participant_id,
                                            self.todo_name))
        self._count_documents()
        self._update_renewal_button()
        self._update_delete_buttons()

    def _count_documents(self) -> None:
        count = len(documents_service.list_documents(self.app, parcours_id=self.parcours_id))
        self.tabs.setTabText(self.tabs.indexOf(self.documents), f"Documents ({count})")

    def _update_rdv_hint(self, record: AccompanimentRecord) -> None:
        parts = []
        days = self.milestones.premier_rdv_jours
        if record.premier_rdv and record.orientation:
            delay = (record.premier_rdv - record.orientation).days
            parts.append(f"Tenu {delay} jour{'s' if delay > 1 else ''} après l'orientation"
                         + (f" (la fiche en attend au plus {days})." if days is not None else "."))
        elif record.premier_rdv is None and record.orientation and days is not None:
            due = act.first_appointment_due(record.orientation, self.milestones)
            parts.append(f"À tenir au plus tard le {format_date(due)} ({days} jours après l'orientation).")
        elif record.premier_rdv is None:
            parts.append("Pas encore saisi.")
        self.rdv_hint.setText(" ".join(parts))

    def _update_renewal_button(self) -> None:
        self.renewal_button.setEnabled(self.cers_table.current_object() is not None)

    def _update_delete_buttons(self) -> None:
        for entity, button in self.delete_buttons.items():
            button.setEnabled(self.tables[entity].current_object() is not None)

    def _default_day(self) -> date | None:
        """Today for a parcours still open (most entries are made the day they happen), else nothing."""
        today = self.app.today()
        sortie = self.parcours.date_sortie
        return today if (sortie is None or sortie >= today) and self.parcours.date_entree <= today else None

    def _reset_forms(self) -> None:
        for form in (self.entretien_form, self.cer_form, self.diagnostic_form, self.suspension_form):
            self._reset_form(form)

    def _reset_form(self, form: EntryForm) -> None:
        """Empty one form for the next entry (dates at today); another half-typed form is left alone."""
        day = self._default_day()
        record = self.record
        with form.errors.quiet():
            if form is self.entretien_form:
                self.entretien_date.set_value(day)
                select_data(self.entretien_modalite, "physique")
                self.entretien_duree.set_count(None)
                self.entretien_note.clear()
            elif form is self.cer_form:
                self._set_signature(day)
                self.cer_valide.setChecked(True)
                self.cer_renouvellement.setChecked(bool(record and record.cers))  # a second CER renews the first
            elif form is self.diagnostic_form:
                self.diagnostic_date.set_value(day)
                select_data(self.diagnostic_nature, "actualisation" if record and record.diagnostics else "initial")
                self.diagnostic_note.clear()
            else:
                self.suspension_debut.clear_value()
                self.suspension_fin.clear_value()
                self.suspension_motif.clear()
        form.errors.clear()

    # --- the CER end follows its signature ---------------------------------------------

    def _set_signature(self, day: date | None) -> None:
        self._end_edited = False
        self.cer_signature.set_value(day)
        self._signature_changed()

    def proposed_end(self, signature: date | None) -> date | None:
        return act.cer_end(signature, self.milestones) if signature else None

    def _signature_changed(self, *_args) -> None:
        if self._end_edited:
            return
        self._filling_end = True
        try:
            self.cer_fin.set_value(self.proposed_end(self.cer_signature.value()))
        finally:
            self._filling_end = False

    def _end_changed(self, *_args) -> None:
        if not self._filling_end:
            self._end_edited = True  # the person chose another end: stop following the signature

    # --- writing -------------------------------------------------------------------------

    def _written(self, form: EntryForm | None) -> None:
        self.reload()
        if form is not None:
            self._reset_form(form)
        self.changed.emit()

    def save_premier_rdv(self) -> bool:
        ok = self.rdv_errors.attempt(
            lambda: activity_service.set_premier_rdv(self.app, self.parcours_id, self.premier_rdv.value()))
        if ok:
            self._written(None)
        return ok

    def add_entretien(self) -> bool:
        data = EntretienInput(date=self.entretien_date.value(), modalite=self.entretien_modalite.currentData(),
                              duree_minutes=self.entretien_duree.count(), note=self.entretien_note.text())
        ok = self.entretien_form.submit(lambda: activity_service.add_entretien(self.app, self.parcours_id, data))
        if ok:
            self._written(self.entretien_form)
        return ok

    def add_cer(self) -> bool:
        data = CerInput(date_signature=self.cer_signature.value(), date_fin=self.cer_fin.value(),
                        valide=self.cer_valide.isChecked(), renouvellement=self.cer_renouvellement.isChecked())
        ok = self.cer_form.submit(lambda: activity_service.add_cer(self.app, self.parcours_id, data))
        if ok:
            self._written(self.cer_form)
        return ok

    def add_diagnostic(self) -> bool:
        day, nature, note = self.diagnostic_date.value(), self.diagnostic_nature.currentData(), self.diagnostic_note.text()
        ok = self.diagnostic_form.submit(
            lambda: activity_service.add_diagnostic(self.app, self.parcours_id, day, nature, note))
        if ok:
            self._written(self.diagnostic_form)
        return ok

    def add_suspension(self) -> bool:
        data = SuspensionInput(debut=self.suspension_debut.value(), fin=self.suspension_fin.value(),
                               motif=self.suspension_motif.text())
        ok = self.suspension_form.submit(lambda: activity_service.add_suspension(self.app, self.parcours_id, data))
        if ok:
            self._written(self.suspension_form)
        return ok

    def delete_selected(self, entity: str) -> bool:
        """Delete the selected row of ``entity``'s table (entered by mistake) after a short confirmation."""
        table = self.tables[entity]
        selected = table.selectionModel().selectedRows()
        if not selected:
            return False
        row = selected[0].row()
        record_id = getattr(table.object_at(row), "id", table.object_at(row))  # a CER row carries a CerRef
        what, delete = DELETIONS[entity]
        day = table.item(row, 0).text()
        if not confirm_and_delete(self, self.app, entity, record_id, title=f"Supprimer {what}",
                                  question=f"Supprimer {what}{f' du {day}' if day else ''} ?", delete=delete):
            return False
        self._written(None)
        return True

    def _renewal_saved(self) -> None:
        # A bound method, not a lambda: a lambda on the signal of a dialog deleted on close
        # crashes PySide 6 at the deletion ("shared QObject was deleted directly").
        self._written(None)

    def request_renewal(self) -> RenewalDialog | None:
        selected = self.cers_table.current_object()
        if not isinstance(selected, CerRef):
            return None
        dialog = RenewalDialog(self.app, selected.id, selected.signature, selected.demande_renouvellement, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._renewal_saved)
        dialog.open()
        return dialog


def open_accompaniment(app: AppContext, participant_id: int, parcours_id: int, parent: QWidget,
                       on_changed: object = None) -> AccompanimentDialog:
    """Open the record (deleted on close); ``on_changed`` (a signal or a bound method, never a
    lambda: see :meth:`AccompanimentDialog._renewal_saved`) is triggered after every write."""
    dialog = AccompanimentDialog(app, participant_id, parcours_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_changed is not None:
        dialog.changed.connect(on_changed)
    dialog.open()
    return dialog
