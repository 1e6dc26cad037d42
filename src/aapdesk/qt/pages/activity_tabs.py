"""The four tabs of the Activité page: Heures, File active, Comités, Ateliers.

Each tab shows one operation as of a date (``show_operation``) and reads everything
from :mod:`aapdesk.services.activity`, so the figures are the reports' figures.
Tabs that write emit ``changed`` (the main window then refreshes every page) and
``status_message`` for the status bar.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.dispositif import FileActiveMode
from aapdesk.domain.periods import Period
from aapdesk.formatting import format_bool, format_date, format_month, format_number, format_percent
from aapdesk.qt import messages
from aapdesk.qt.deletion import confirm_and_delete
from aapdesk.qt.dialogs.atelier_dialog import AtelierDialog, format_duration, operation_people
from aapdesk.qt.dialogs.comite_dialog import ComiteDialog
from aapdesk.qt.display import plural
from aapdesk.qt.models.hours_model import ACCOMPAGNEMENT, KIND_LABELS, MAD, HoursModel
from aapdesk.qt.widgets.common import hint_label, section_label
from aapdesk.qt.widgets.field_errors import error_banner
from aapdesk.qt.widgets.file_active_chart import FileActiveChart
from aapdesk.qt.widgets.hours_table import HoursFooter, HoursTable
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.services import activity as activity_service
from aapdesk.services.activity import COMITE_NATURES, AtelierRow, ComiteRow, FileActiveView
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow

HOURS_HELP = ("Comme dans un tableur : tapez un nombre (12,5) · Entrée : descendre · Suppr : effacer · "
              "Ctrl+V : coller un bloc copié d'Excel · Ctrl+Z : annuler · en gris : parcours pas en cours ce mois-là")


def compact(table: SimpleTable) -> SimpleTable:
    """Rows as tall as the text, like the participants table: more months and people on screen."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def select_last(table: SimpleTable) -> None:
    """Nothing chosen yet: the latest row (the last comité or atelier), so its details and buttons show."""
    if table.current_object() is None and table.rowCount():
        table.selectRow(table.rowCount() - 1)


def has_mad(op: OperationRow | None) -> bool:
    """Whether the operation's fiche sets a mise à disposition threshold (SIAE, 3.10)."""
    funding = op.rules.financement if op is not None and op.rules is not None else None
    return funding is not None and (funding.seuil_mad_urbain is not None or funding.seuil_mad_rural is not None)


def capacity_word(op: OperationRow | None) -> str:
    return "Postes" if op is not None and op.rules is not None and op.rules.uses_postes else "Places"


class ActivityTab(QWidget):
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.operation: OperationRow | None = None
        self.as_of: date | None = None
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 8, 8, 8)
        self.column.setSpacing(8)

    def show_operation(self, op: OperationRow | None, as_of: date | None) -> None:
        if (op.id if op else None) != (self.operation.id if self.operation else None):
            self.operation_changed()
        self.operation, self.as_of = op, as_of
        self.reload()

    def operation_changed(self) -> None:
        """Another operation is about to be shown: forget what was chosen in the previous one."""

    def reload(self) -> None:
        """Read the shown operation again."""


# --- Heures --------------------------------------------------------------------------

class HoursTab(ActivityTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.help = hint_label(HOURS_HELP)
        self.undo_button = QPushButton("Annuler")
        self.redo_button = QPushButton("Rétablir")
        self.model = HoursModel(app, self)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Afficher"))
        top.addWidget(self.kind)
        top.addSpacing(12)
        top.addWidget(self.help, 1)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        self.column.addLayout(top)
        self.status_line = error_banner()
        self.column.addWidget(self.status_line)
        self.table = HoursTable()
        self.table.setModel(self.model)
        self.footer = HoursFooter(self.table)
        grid = QVBoxLayout()
        grid.setSpacing(0)
        grid.addWidget(self.table, 1)
        grid.addWidget(self.footer)
        self.column.addLayout(grid, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.column.addWidget(self.legend)

        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.undo_button.clicked.connect(self.model.undo_stack.undo)
        self.redo_button.clicked.connect(self.model.undo_stack.redo)
        stack = self.model.undo_stack
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        stack.undoTextChanged.connect(lambda text: self.undo_button.setToolTip(f"Annuler : {text}" if text else ""))
        stack.redoTextChanged.connect(lambda text: self.redo_button.setToolTip(f"Rétablir : {text}" if text else ""))
        self.model.refused.connect(self.show_refusal)
        self.model.saved.connect(self._saved)
        self.model.modelReset.connect(self._update_legend)
        self.model.dataChanged.connect(self._update_legend)

    def reload(self) -> None:
        op = self.operation
        mad = has_mad(op)
        same_operation = op is not None and self.model.grid is not None and self.model.grid.operation_id == op.id
        chosen = self.kind.currentData() if same_operation else None
        kinds = [MAD, ACCOMPAGNEMENT] if mad else [ACCOMPAGNEMENT]
        fill_combo(self.kind, [(KIND_LABELS[k], k) for k in kinds])
        if not select_data(self.kind, chosen):
            self.kind.setCurrentIndex(0)  # MAD first where it exists: it decides the valorisable months
        self.kind.setEnabled(len(kinds) > 1)
        self.model.load(op.id if op else None, self.as_of, has_mad=mad)
        self.model.set_kind(self.kind.currentData())
        self.table.fit_columns()
        self.footer.follow_columns()
        self.hide_refusal()
        self._update_legend()

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind.currentData()
        if kind:
            self.model.set_kind(kind)

    def _update_legend(self, *_args) -> None:
        op = self.operation
        self.legend.setText(self.model.legend(op.capacity if op else None))

    def show_refusal(self, text: str) -> None:
        self.status_line.setText(text)
        self.status_line.setVisible(True)

    def hide_refusal(self) -> None:
        self.status_line.clear()
        self.status_line.setVisible(False)

    def _saved(self, text: str) -> None:
        self.hide_refusal()
        self.status_message.emit(text)


# --- File active -------------------------------------------------------------------

class FileActiveTab(ActivityTab):
    MONTH_HEADERS = ("Mois", "Entrées", "Sorties", "File active", "Places", "Occupation")
    YEAR_HEADERS = ("Année", "Compté le", "File active", "Places", "Occupation")

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.view: FileActiveView | None = None
        self.table = compact(SimpleTable(self.MONTH_HEADERS, right_aligned=(1, 2, 3, 4, 5)))
        self.year_title = section_label("Fonctionnement annuel")
        self.year_table = compact(SimpleTable(self.YEAR_HEADERS, right_aligned=(2, 3, 4)))
        self.rate = QLabel()
        self.rate.setWordWrap(True)
        self.explanation = hint_label()
        self.chart = FileActiveChart()
        for table in (self.table, self.year_table):
            table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # figures to read, nothing to select
            table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        left = QVBoxLayout()
        left.addWidget(self.table, 3)
        left.addWidget(self.year_title)
        left.addWidget(self.year_table, 1)
        left.addWidget(self.rate)
        left.addWidget(self.explanation)
        left.addStretch(1)  # the tables are as tall as their rows; the room left goes below
        self.left_panel = QWidget()
        self.left_panel.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.left_panel, 0)
        row.addWidget(self.chart, 1)
        self.column.addLayout(row, 1)

    def reload(self) -> None:
        op = self.operation
        self.view = activity_service.file_active_view(self.app, op.id, self.as_of) if op else None
        view = self.view
        word = capacity_word(op)
        headers = list(self.MONTH_HEADERS)
        headers[4] = word
        self.table.setHorizontalHeaderLabels(headers)
        year_headers = list(self.YEAR_HEADERS)
        year_headers[3] = word
        self.year_table.setHorizontalHeaderLabels(year_headers)
        months = view.months if view else ()
        rows: list[tuple[list[str], object]] = [
            ([format_month(m.month), str(m.entrees), str(m.sorties), str(m.file_active),
              "" if m.places is None else str(m.places), format_percent(m.occupation)], m)
            for m in months
        ]
        if months:
            rows.append((["Total", str(sum(m.entrees for m in months)), str(sum(m.sorties for m in months)),
                          "", "", ""], None))
        self.table.set_rows(rows)
        if months:
            bold = self.table.font()
            bold.setBold(True)
            for column in range(self.table.columnCount()):
                self.table.item(len(rows) - 1, column).setFont(bold)
        annual = view is not None and view.mode is FileActiveMode.ANNUELLE
        self.year_title.setVisible(annual)
        self.year_table.setVisible(annual)
        self.year_table.set_rows([
            ([str(y.year), format_date(y.day), str(y.file_active), "" if y.places is None else str(y.places),
              format_percent(y.occupation)], y)
            for y in (view.years if annual and view else ())
        ])
        self.left_panel.setFixedWidth(self._table_width())
        for table in (self.table, self.year_table):
            table.setMaximumHeight(self._table_height(table))
        self.rate.setText(self._rate_text(view))
        self.explanation.setText(
            "Fonctionnement annuel : l'occupation se mesure au 31 décembre de chaque année (ou à la date d'arrêté). "
            if annual else
            "File active d'un mois : parcours en cours le dernier jour du mois. "
            "Taux d'occupation : moyenne des occupations mensuelles jusqu'à la date d'arrêté.")
        self._fill_chart(op, view)

    def _table_width(self) -> int:
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(c) for c in range(self.table.columnCount()))
        return width + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth() + 4

    @staticmethod
    def _table_height(table: SimpleTable) -> int:
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        return table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth() + 2

    @staticmethod
    def _rate_text(view: FileActiveView | None) -> str:
        if view is None:
            return ""
        if view.taux_occupation is None:
            return "Taux d'occupation : — (pas de places ni de postes renseignés pour l'opération)"
        return (f"<b>Taux d'occupation au {format_date(view.as_of)} : {format_percent(view.taux_occupation)}</b>"
                + (f" · file active fin {format_month(view.current.month)} : {view.current.file_active}"
                   if view.current else ""))

    def _fill_chart(self, op: OperationRow | None, view: FileActiveView | None) -> None:
        if op is None or view is None:
            self.chart.set_data([], [], None)
            return
        counted = {row.month: row.file_active for row in view.months}
        months = list(Period(op.debut, op.fin).months())  # every month of the operation, bars up to the as-of one
        labels = [(format_month(m, short=True).split(" ")[0], str(m.year)) for m in months]
        self.chart.set_data(labels, [counted.get(m) for m in months], view.capacity,
                            f"{capacity_word(op)} conventionné{'s' if capacity_word(op) == 'Postes' else 'es'}")


# --- Comités ---------------------------------------------------------------------------

class ComitesTab(ActivityTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        self.rule = hint_label()
        self.next_due = QLabel()
        self.next_due.setWordWrap(True)
        self.table = compact(SimpleTable(
            ("Date", "Nature", "Statut", "Tableau de bord envoyé", "Participants", "Décisions"), stretch_column=5))
        self.new_button = QPushButton("Nouveau comité")
        self.edit_button = QPushButton("Modifier")
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setToolTip("Supprimer le comité sélectionné, saisi par erreur")
        self.details_box = QGroupBox("Comité sélectionné")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.details_box).addWidget(self.details)
        for widget in (self.reminder, self.rule, self.next_due):
            self.column.addWidget(widget)
        self.column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.column.addLayout(buttons)
        self.column.addWidget(self.details_box, 1)
        self.new_button.clicked.connect(self.open_new)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.activated_object.connect(self.open_comite)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def reload(self) -> None:
        op = self.operation
        rows = activity_service.list_comites(self.app, op.id) if op else []
        today = self.app.today()
        self.table.set_rows([
            ([format_date(c.date), COMITE_NATURES.get(c.nature, c.nature), "à venir" if c.date > today else "tenu",
              format_bool(c.tableau_de_bord_envoye), _one_line(c.participants), _one_line(c.decisions)], c)
            for c in rows
        ])
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 320))
        select_last(self.table)
        self.reminder.setText(self._reminder_text(op))
        self.reminder.setVisible(bool(self.reminder.text()))
        libelle = op.rules.comites.libelle if op is not None and op.rules is not None else ""
        self.rule.setText(f"La fiche prévoit : {libelle}" if libelle else "")
        self.rule.setVisible(bool(libelle))
        self.next_due.setText(self._next_due_text(op))
        self.next_due.setVisible(bool(self.next_due.text()))
        self.new_button.setEnabled(op is not None)
        self._update_buttons()

    @staticmethod
    def _reminder_text(op: OperationRow | None) -> str:
        if op is None or op.rules is None:
            return ""
        comites = op.rules.comites
        if comites.frequence_mois and comites.tableau_de_bord_avant_comite:
            return f"<b>Tableau de bord à envoyer avant chaque comité (tous les {comites.frequence_mois} mois).</b>"
        if comites.frequence_mois:
            return f"<b>Un comité tous les {comites.frequence_mois} mois.</b>"
        if comites.tableau_de_bord_avant_comite:
            return "<b>Tableau de bord à envoyer avant chaque comité.</b>"
        return "La fiche ne fixe pas de fréquence de comités."

    def _next_due_text(self, op: OperationRow | None) -> str:
        if op is None:
            return ""
        todos = [t for t in activity_service.todo_list(self.app, operation_id=op.id, horizon_days=None)
                 if t.code in ("comite", "tableau_de_bord")]
        return " · ".join(
            f"{'En retard' if t.overdue else 'À faire'} : {t.label}"
            + ("" if format_date(t.due) in t.label else f" (échéance {format_date(t.due)})") for t in todos)

    def operation_changed(self) -> None:
        self.table.clearSelection()

    def _update_buttons(self) -> None:
        comite = self.table.current_object()
        self.edit_button.setEnabled(isinstance(comite, ComiteRow))
        self.delete_button.setEnabled(isinstance(comite, ComiteRow))
        self.details.setText(self._details_text(comite) if isinstance(comite, ComiteRow)
                             else "Sélectionnez un comité pour lire ses participants, notes et décisions.")

    @staticmethod
    def _details_text(comite: ComiteRow) -> str:
        def block(title: str, text: str) -> str:
            body = html.escape(text).replace("\n", "<br>") if text.strip() else "<i>non renseigné</i>"
            return f"<p><b>{title}</b><br>{body}</p>"

        head = (f"<p><b>{COMITE_NATURES.get(comite.nature, comite.nature)} du {format_date(comite.date)}</b> · "
                f"tableau de bord {'envoyé' if comite.tableau_de_bord_envoye else 'non envoyé'}</p>")
        return head + block("Participants", comite.participants) + block("Notes", comite.notes) + block(
            "Décisions", comite.decisions)

    def open_new(self) -> ComiteDialog | None:
        return self.open_comite(None)

    def edit_selected(self) -> ComiteDialog | None:
        comite = self.table.current_object()
        return self.open_comite(comite) if isinstance(comite, ComiteRow) else None

    def open_comite(self, comite: object) -> ComiteDialog | None:
        if self.operation is None:
            return None
        existing = [c for c in self.table.objects() if isinstance(c, ComiteRow)]
        nature = existing[-1].nature if existing else "suivi"
        dialog = ComiteDialog(self.app, self.operation.id, comite if isinstance(comite, ComiteRow) else None, self,
                              default_nature=nature)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self) -> None:
        self.reload()
        self.status_message.emit("Comité enregistré.")
        self.changed.emit()

    def delete_selected(self) -> bool:
        """Delete the selected comité after asking; True when the list was read again."""
        comite = self.table.current_object()
        if not isinstance(comite, ComiteRow):
            return False
        nature = COMITE_NATURES.get(comite.nature, comite.nature)
        if not confirm_and_delete(self, self.app, "comite", comite.id, title="Supprimer le comité",
                                  question=f"Supprimer le comité du {format_date(comite.date)} ({nature}) ?",
                                  delete=activity_service.delete_comite):
            return False
        self.table.clearSelection()  # the latest one is chosen again, as when the tab opens
        self.reload()
        self.status_message.emit("Comité supprimé.")
        self.changed.emit()
        return True


def _one_line(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- Ateliers --------------------------------------------------------------------------

class AteliersTab(ActivityTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.table = compact(SimpleTable(("Date", "Titre", "Durée", "Animateur", "Inscrits", "Présents"),
                                         stretch_column=1, right_aligned=(2, 4, 5)))
        self.summary = hint_label()
        self.new_button = QPushButton("Nouvel atelier")
        self.edit_button = QPushButton("Modifier")
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setToolTip("Supprimer l'atelier sélectionné, saisi par erreur, avec ses inscrits")
        self.prefilled_button = QPushButton("Feuille d'émargement (pré-remplie)")
        self.blank_button = QPushButton("Feuille d'émargement vierge")
        self.prefilled_button.setToolTip("PDF avec le nom des inscrits, à faire signer pendant l'atelier")
        self.blank_button.setToolTip("PDF sans noms, pour un atelier ouvert")
        self.counts = compact(SimpleTable(("Participant", "Ateliers suivis"), stretch_column=0, right_aligned=(1,)))

        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addSpacing(16)
        for button in (self.prefilled_button, self.blank_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(section_label("Ateliers suivis"))
        right.addWidget(hint_label("Nombre d'ateliers où chaque participant de l'opération était présent."))
        right.addWidget(self.counts, 1)
        right_panel = QWidget()
        right_panel.setLayout(right)
        right_panel.setFixedWidth(300)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addSpacing(8)
        row.addWidget(right_panel)
        self.column.addLayout(row, 1)

        self.new_button.clicked.connect(self.open_new)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.prefilled_button.clicked.connect(lambda: self.write_sheet(prefilled=True))
        self.blank_button.clicked.connect(lambda: self.write_sheet(prefilled=False))
        self.table.activated_object.connect(self.open_atelier)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def reload(self) -> None:
        op = self.operation
        rows = activity_service.list_ateliers(self.app, op.id) if op else []
        self.table.set_rows([
            ([format_date(a.date), a.titre, format_duration(a.duree_minutes), a.animateur, str(len(a.inscrits)),
              str(sum(1 for *_p, present in a.inscrits if present))], a)
            for a in rows
        ])
        select_last(self.table)
        registrations = sum(len(a.inscrits) for a in rows)
        presences = sum(1 for a in rows for *_p, present in a.inscrits if present)
        hours = sum(a.duree_minutes for a in rows) / 60
        self.summary.setText(f"{plural(len(rows), 'atelier')} · {plural(registrations, 'inscription')} · "
                             f"{plural(presences, 'présence')} · {format_number(hours, 1 if hours % 1 else 0)} h d'ateliers"
                             if rows else "Aucun atelier enregistré pour cette opération.")
        self._fill_counts(op)
        self.new_button.setEnabled(op is not None)
        self._update_buttons()

    def _fill_counts(self, op: OperationRow | None) -> None:
        if op is None:
            self.counts.set_rows([])
            return
        counts = activity_service.attendance_counts(self.app, op.id)
        self.counts.set_rows([([name, str(counts.get(pid, 0))], pid) for pid, name in operation_people(self.app, op.id)])

    def attendance_count(self, participant_id: int) -> int | None:
        """The count shown for a participant, None when they are not listed."""
        for row in range(self.counts.rowCount()):
            if self.counts.object_at(row) == participant_id:
                return int(self.counts.item(row, 1).text())
        return None

    def operation_changed(self) -> None:
        self.table.clearSelection()

    def _update_buttons(self) -> None:
        selected = isinstance(self.table.current_object(), AtelierRow)
        for button in (self.edit_button, self.delete_button, self.prefilled_button, self.blank_button):
            button.setEnabled(selected)

    def animateurs(self) -> list[str]:
        return sorted({a.animateur for a in self.table.objects() if isinstance(a, AtelierRow) and a.animateur})

    def open_new(self) -> AtelierDialog | None:
        return self.open_atelier(None)

    def edit_selected(self) -> AtelierDialog | None:
        atelier = self.table.current_object()
        return self.open_atelier(atelier) if isinstance(atelier, AtelierRow) else None

    def open_atelier(self, atelier: object) -> AtelierDialog | None:
        if self.operation is None:
            return None
        dialog = AtelierDialog(self.app, self.operation.id, atelier if isinstance(atelier, AtelierRow) else None,
                               self, animateurs=self.animateurs())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self) -> None:
        self.reload()
        self.status_message.emit("Atelier enregistré.")
        self.changed.emit()

    def delete_selected(self) -> bool:
        """Delete the selected atelier and its attendance after asking; True when the list was read again."""
        atelier = self.table.current_object()
        if not isinstance(atelier, AtelierRow):
            return False
        if not confirm_and_delete(self, self.app, "atelier", atelier.id, title="Supprimer l'atelier",
                                  question=f"Supprimer l'atelier « {atelier.titre} » du {format_date(atelier.date)} ?",
                                  delete=activity_service.delete_atelier):
            return False
        self.table.clearSelection()
        self.reload()
        self.status_message.emit("Atelier supprimé.")
        self.changed.emit()
        return True

    def write_sheet(self, *, prefilled: bool) -> Path | None:
        """Write the selected atelier's feuille d'émargement in the exports folder and open it."""
        atelier = self.table.current_object()
        if not isinstance(atelier, AtelierRow):
            return None
        try:
            path = activity_service.write_attendance_sheet(self.app, atelier.id, prefilled=prefilled)
        except OSError as exc:
            messages.error(self, "Feuille d'émargement non enregistrée",
                           "Le fichier n'a pas pu être écrit. Est-il ouvert dans un autre programme ?", str(exc))
            return None
        self.status_message.emit(f"Feuille d'émargement enregistrée : {path}")
        messages.open_document(self, path)
        return Path(path)
