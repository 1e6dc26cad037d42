"""Finances: one operation, as of a date, over five tabs (synthèse, personnel, dépenses,
ressources, budget).

Every figure comes from one :func:`aapdesk.services.finances.finance_view` per reload, so
the page, the CLI and the reports agree to the cent: the estimate of the grant and each of
its assumptions in French, what the Département has paid and the solde to expect, the
eligible costs per category, the indirect costs with the fiche's rule beside the figure,
the staff and their months, the expenses and their problems, the plan de financement and
the budget prévu / réalisé.

The operation offered first is the most recent one in progress; "Arrêté au" starts at
today, or at the operation's end once it is over (as on the Activité page). Writing goes
through dialogs opened with ``open()`` (never a blocking ``exec()``); after a save the page
reloads and emits ``changed``. The time sheet PDF is opened through :func:`open_file`,
which tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain import finances as fin
from aapdesk.domain.periods import Period, YearMonth
from aapdesk.formatting import format_date, format_money
from aapdesk.qt import messages
from aapdesk.qt.deletion import confirm_and_delete
from aapdesk.qt.dialogs.expense_dialog import ExpenseDialog
from aapdesk.qt.dialogs.operation_dialog import funding_summary
from aapdesk.qt.dialogs.resource_dialog import (
    USES_QUALITY,
    USES_SESSIONS,
    AssumptionsDialog,
    BudgetDialog,
    ResourceDialog,
    VersementDialog,
    indirect_rule_text,
)
from aapdesk.qt.dialogs.staff_dialog import StaffCostsDialog, StaffDialog, TimeSheetDialog, staff_warnings
from aapdesk.qt.display import plural
from aapdesk.qt.models.finance_models import (
    ISSUES_ROLE,
    SHORT_CATEGORIES,
    WARNING_COLOR,
    BudgetModel,
    ExpensesFilter,
    ExpensesModel,
    ResourcesModel,
    RowsModel,
    StaffModel,
    StaffMonthsModel,
    VersementRow,
    VersementsModel,
)
from aapdesk.qt.pages.base import Page
from aapdesk.qt.pages.operation_bar import OperationChooser
from aapdesk.qt.widgets.common import MUTED_COLOR, hint_label, section_label
from aapdesk.qt.widgets.field_errors import ERROR_COLOR
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.qt.widgets.tables import setup_rows_table
from aapdesk.services import finances as finances_service
from aapdesk.services.context import AppContext
from aapdesk.services.finances import FINANCEURS, VERSEMENTS, ExpenseRow, FinanceView, ResourceRow, StaffRow
from aapdesk.services.operations import OperationRow

NO_AMOUNT = ("Montant conventionné non renseigné : renseignez-le dans Paramètres (opération) "
             "pour estimer la subvention.")
ALL_CATEGORIES = "Toutes"
MET_COLOR = "#1e6b34"


# --- what tests replace ------------------------------------------------------------------

def open_file(parent: QWidget | None, path: Path) -> bool:
    """Open a produced PDF with the system's viewer."""
    return messages.open_document(parent, path)


# --- wording -----------------------------------------------------------------------------

def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def estimate_text(view: FinanceView) -> str:
    """« Subvention estimée : 35 100,00 € sur 46 800,00 € conventionnés »."""
    if view.estimate is None:
        return "Subvention estimée : montant conventionné non renseigné"
    return (f"Subvention estimée : {format_money(view.estimate.montant_estime)} sur "
            f"{format_money(view.estimate.montant_conventionne)} conventionnés")


def solde_text(view: FinanceView) -> str:
    solde = view.solde
    return "Solde à attendre : –" if solde is None else f"Solde à attendre : {format_money(solde)}"


def received_text(view: FinanceView) -> str:
    return f"Reçu du Département : {format_money(view.received_from_departement)}"


def versement_lines(view: FinanceView) -> list[str]:
    """« Avance du 15/02/2025 : 31 000,00 € », for the Département's resources."""
    return [f"{VERSEMENTS.get(nature, nature)} du {format_date(day)} : {format_money(amount)}"
            for r in view.resources if r.financeur == "departement"
            for _id, day, nature, amount in r.versements]


def funding_text(op: OperationRow) -> str:
    """How the fiche pays, without the convention's length (shown elsewhere)."""
    if op.rules is None:
        return ""
    return funding_summary(op.rules).split(" Convention de ")[0]


def operation_months(op: OperationRow) -> list[YearMonth]:
    return list(Period(op.debut, op.fin).months())


# --- small widgets -----------------------------------------------------------------------

def card(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(f"#{name} {{ background-color: palette(base); border: 1px solid palette(mid); "
                        "border-radius: 4px; }")
    column = QVBoxLayout(frame)
    column.setContentsMargins(14, 10, 14, 12)
    column.setSpacing(6)
    return frame, column


def big_label(delta: int = 4) -> QLabel:
    label = QLabel()
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + delta)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def make_table(model: QAbstractItemModel, source: RowsModel, *, sortable: bool = False) -> QTableView:
    """A read-only, row-selecting table with widths from each column's typical value."""
    table = QTableView()
    table.setModel(model)
    setup_rows_table(table, source.COLUMNS, sortable=sortable)
    return table


def fit_height(table: QTableView, rows: int, minimum: int = 1) -> None:
    """Tall enough for ``rows`` rows without inner scrolling."""
    header = table.horizontalHeader().sizeHint().height()
    row = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(header + row * max(rows, minimum) + 2 * table.frameWidth() + 2)


def selected_object(table: QTableView) -> object | None:
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    return rows[0].data(RowsModel.ObjectRole) if rows else None


def select_key(table: QTableView, key: object, attribute: str = "id") -> bool:
    """Select the row whose object's ``attribute`` is ``key`` (rows are new objects after a reload)."""
    model = table.model()
    for row in range(model.rowCount()):
        obj = model.index(row, 0).data(RowsModel.ObjectRole)
        if getattr(obj, attribute, None) == key:
            table.selectRow(row)
            table.scrollTo(model.index(row, 0))
            return True
    return False


class IssuesDelegate(QStyledItemDelegate):
    """One issue per line, each in its colour: red when it excludes the amount, orange when it
    is only to correct (the legend under the table says so in words)."""

    MARGIN = 4

    def _issues(self, index: QModelIndex | QPersistentModelIndex) -> list[tuple[str, bool]]:
        return index.data(ISSUES_ROLE) or []

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):  # noqa: N802
        hint = super().sizeHint(option, index)
        issues = self._issues(index)
        if len(issues) > 1:
            metrics = option.fontMetrics
            hint.setHeight(max(hint.height(), len(issues) * metrics.height() + 2 * self.MARGIN))
            hint.setWidth(max(hint.width(), max(metrics.horizontalAdvance(t) for t, _e in issues) + 2 * self.MARGIN))
        return hint

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        issues = self._issues(index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not issues:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        metrics = option.fontMetrics
        rect = option.rect.adjusted(self.MARGIN, 0, -self.MARGIN, 0)
        line_height = metrics.height()
        top = rect.top() + max(0, (rect.height() - line_height * len(issues)) // 2)
        painter.save()
        for position, (label, excluding) in enumerate(issues):
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText) if selected
                           else QColor(ERROR_COLOR if excluding else WARNING_COLOR))
            line = QRect(rect.left(), top + position * line_height, rect.width(), line_height)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


# --- the tabs ----------------------------------------------------------------------------

class FinanceTab(QWidget):
    """One tab: shows a :class:`FinanceView`; emits ``changed`` after writing."""

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.view: FinanceView | None = None
        self.operation: OperationRow | None = None
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 8, 8, 8)
        self.column.setSpacing(8)

    def show_view(self, view: FinanceView | None, op: OperationRow | None) -> None:
        self.view, self.operation = view, op
        self.reload()

    def reload(self) -> None:
        """Show :attr:`view`."""

    def _open(self, dialog, message: str):  # type: ignore[no-untyped-def]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._written(message))
        dialog.open()
        return dialog

    def _written(self, message: str) -> None:
        self.status_message.emit(message)
        self.changed.emit()

    def _delete(self, entity: str, record_id: int, *, title: str, question: str,
                delete: Callable[[AppContext, int], object], done: str) -> bool:
        """Ask, delete, and have the page read again (see :func:`confirm_and_delete`)."""
        if not confirm_and_delete(self, self.app, entity, record_id, title=title, question=question, delete=delete):
            return False
        self._written(done)
        return True


# --- Synthèse ----------------------------------------------------------------------------

class SynthesisTab(FinanceTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 6, 0)
        body.setSpacing(10)
        scroll.setWidget(content)
        self.column.addWidget(scroll, 1)

        top = QHBoxLayout()
        top.setSpacing(10)
        grant, grant_column = card("grantCard")
        self.estimate_label = big_label(4)
        self.funding_label = hint_label()
        self.hypotheses_title = QLabel("Comment l'estimation est faite")
        self.hypotheses_title.setStyleSheet("font-weight: bold;")
        self.hypotheses_label = QLabel()
        self.hypotheses_label.setWordWrap(True)
        self.hypotheses_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_grid = QGridLayout()
        self.lines_grid.setHorizontalSpacing(16)
        self.lines_grid.setVerticalSpacing(2)
        self.lines_grid.setColumnStretch(2, 1)
        self.assumptions_button = QPushButton("Hypothèses…")
        self.assumptions_button.setToolTip("Part qualitative attendue, sessions prévues : ce que l'estimation "
                                           "ne peut pas savoir")
        self.assumptions_button.clicked.connect(self.edit_assumptions)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.assumptions_button)
        for widget in (self.estimate_label, self.funding_label, self.hypotheses_title, self.hypotheses_label):
            grant_column.addWidget(widget)
        grant_column.addLayout(self.lines_grid)
        grant_column.addStretch(1)
        grant_column.addLayout(buttons)
        top.addWidget(grant, 3)

        departement, dep_column = card("departementCard")
        dep_title = QLabel("Versements du Département")
        dep_title.setStyleSheet("font-weight: bold;")
        self.received_label = QLabel()
        self.versements_label = hint_label()
        self.solde_label = big_label(3)
        self.solde_note = hint_label()
        for widget in (dep_title, self.received_label, self.versements_label):
            dep_column.addWidget(widget)
        dep_column.addSpacing(6)
        dep_column.addWidget(self.solde_label)
        dep_column.addWidget(self.solde_note)
        dep_column.addStretch(1)
        top.addWidget(departement, 2)
        body.addLayout(top)

        totals, totals_column = card("totalsCard")
        self.totals_title = QLabel()
        self.totals_title.setStyleSheet("font-weight: bold;")
        totals_column.addWidget(self.totals_title)
        grid = self.totals_grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(2, 1)
        self.direct_labels: dict[str, QLabel] = {}
        for row, (code, label) in enumerate(fin.CATEGORIES.items()):
            grid.addWidget(QLabel(label), row, 0)
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, 1)
            self.direct_labels[code] = value
        row = len(fin.CATEGORIES)
        grid.addWidget(QLabel("Charges indirectes"), row, 0)
        self.indirect_label = QLabel()
        self.indirect_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.indirect_label, row, 1)
        self.indirect_rule = hint_label()
        grid.addWidget(self.indirect_rule, row, 2)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        grid.addWidget(line, row + 1, 0, 1, 2)
        total_caption = QLabel("Total éligible")
        total_caption.setStyleSheet("font-weight: bold;")
        grid.addWidget(total_caption, row + 2, 0)
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.total_label, row + 2, 1)
        grid.addWidget(hint_label("dépenses directes éligibles et charges indirectes"), row + 2, 2)
        grid.addWidget(QLabel("Non éligibles"), row + 3, 0)
        self.non_eligible_label = QLabel()
        self.non_eligible_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.non_eligible_label, row + 3, 1)
        self.non_eligible_note = hint_label()
        grid.addWidget(self.non_eligible_note, row + 3, 2)
        totals_column.addLayout(grid)
        body.addWidget(totals)
        body.addStretch(1)

    def reload(self) -> None:
        view, op = self.view, self.operation
        model = view.rules.financement.modele if view is not None else None
        useful = model in USES_QUALITY or model in USES_SESSIONS
        self.assumptions_button.setEnabled(view is not None and useful)
        self.assumptions_button.setToolTip(
            "Part qualitative attendue, sessions prévues : ce que l'estimation ne peut pas savoir" if useful or view is None
            else "L'estimation de cette opération ne dépend d'aucune hypothèse à saisir")
        while self.lines_grid.count():
            widget = self.lines_grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # deleted later, at the event loop: out of sight now
                widget.deleteLater()
        if view is None or op is None:
            for label in (self.estimate_label, self.funding_label, self.hypotheses_label, self.received_label,
                          self.versements_label, self.solde_label, self.solde_note, self.totals_title,
                          self.indirect_label, self.indirect_rule, self.total_label, self.non_eligible_label,
                          self.non_eligible_note, *self.direct_labels.values()):
                label.setText("")
            return
        self.estimate_label.setText(estimate_text(view))
        self.funding_label.setText(funding_text(op) if view.estimate is not None else NO_AMOUNT)
        estimate = view.estimate
        self.hypotheses_title.setVisible(estimate is not None)
        self.hypotheses_label.setText("\n".join(f"• {capitalized(h)}" for h in estimate.hypotheses) if estimate else "")
        if estimate is not None:
            for row, (label, amount) in enumerate(estimate.lignes):
                caption = hint_label(label)
                caption.setWordWrap(False)
                self.lines_grid.addWidget(caption, row, 0)
                value = QLabel(format_money(amount))
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines_grid.addWidget(value, row, 1)

        self.received_label.setText(received_text(view))
        lines = versement_lines(view)
        self.versements_label.setText("\n".join(lines) if lines else
                                      f"Aucun versement reçu au {format_date(view.as_of)}.")
        self.solde_label.setText(solde_text(view))
        solde = view.solde
        if solde is not None and solde < 0:
            self.solde_label.setStyleSheet(f"color: {ERROR_COLOR};")
            self.solde_note.setText(f"Les versements reçus dépassent la subvention estimée au {format_date(view.as_of)}. "
                                    "En cours d'opération, les dépenses à venir combleront l'écart ; à la clôture, "
                                    "la différence serait à reverser.")
        else:
            self.solde_label.setStyleSheet("")
            self.solde_note.setText("Subvention estimée moins ce que le Département a déjà versé." if solde is not None
                                    else "")

        self.totals_title.setText(f"Dépenses éligibles au {format_date(view.as_of)}")
        for code, label in self.direct_labels.items():
            label.setText(format_money(view.direct.get(code)))
        self.indirect_label.setText(format_money(view.indirect.amount))
        self.indirect_rule.setText(capitalized(view.indirect.explanation))
        self.total_label.setText(format_money(view.total_eligible))
        self.non_eligible_label.setText(format_money(view.non_eligibles))
        excluded = sum(1 for e in view.expenses if not e.eligible)
        self.non_eligible_note.setText(
            f"{plural(excluded, 'dépense exclue', 'dépenses exclues')} (hors période, non acquittée, catégorie non "
            "éligible) : voir l'onglet Dépenses" if excluded else "aucune dépense exclue")

    def edit_assumptions(self) -> AssumptionsDialog | None:
        view, op = self.view, self.operation
        if view is None or op is None:
            return None
        dialog = AssumptionsDialog(self.app, view.operation_id, view.assumptions,
                                   view.rules.financement.modele, self)
        return self._open(dialog, "Hypothèses de l'estimation enregistrées.")


# --- Personnel ---------------------------------------------------------------------------

class StaffTab(FinanceTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.model = StaffModel(self)
        self.table = make_table(self.model, self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.empty_label = hint_label("Aucun salarié rattaché à l'opération : ajoutez les personnes qui y "
                                      "travaillent pour compter leurs coûts.")
        self.add_button = QPushButton("Ajouter un salarié…")
        self.edit_button = QPushButton("Modifier le salarié…")
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.setToolTip("Supprimer le salarié sélectionné, saisi par erreur, avec ses coûts mensuels")
        self.add_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.total_label = hint_label()
        row = QHBoxLayout()
        row.addWidget(self.total_label, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        self.column.addWidget(self.table)
        self.column.addWidget(self.empty_label)
        self.column.addLayout(row)

        self.months_title = section_label("")
        self.column.addWidget(self.months_title)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.column.addWidget(self.problems_label)
        self.months_model = StaffMonthsModel(self)
        self.months_table = make_table(self.months_model, self.months_model)
        self.months_table.horizontalHeader().setStretchLastSection(False)
        self.months_table.doubleClicked.connect(lambda _i: self.edit_costs())
        self.costs_button = QPushButton("Saisir les coûts mensuels…")
        self.costs_button.setToolTip("Coût chargé (et affectation) de chaque mois, d'après les bulletins de paie")
        self.sheet_button = QPushButton("Fiche temps du mois…")
        self.sheet_button.setToolTip("La fiche temps du mois en PDF, à faire signer")
        self.costs_button.clicked.connect(self.edit_costs)
        self.sheet_button.clicked.connect(self.time_sheet)
        months_row = QHBoxLayout()
        months_row.addWidget(self.months_table)
        side = QVBoxLayout()
        side.addWidget(self.costs_button)
        side.addWidget(self.sheet_button)
        self.months_hint = hint_label()
        side.addWidget(self.months_hint)
        side.addStretch(1)
        months_row.addLayout(side, 1)
        self.column.addLayout(months_row, 1)
        width = sum(self.months_table.horizontalHeader().sectionSize(i) for i in range(4))
        self.months_table.setFixedWidth(width + 2 * self.months_table.frameWidth() + 20)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_person())

    def reload(self) -> None:
        selected = self.selected_staff()
        staff = self.view.staff if self.view else ()
        self.model.set_rows(staff)
        fit_height(self.table, min(max(len(staff), 3), 8))
        self.table.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if len(staff) > 8 else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVisible(bool(staff))
        self.empty_label.setVisible(self.view is not None and not staff)
        self.add_button.setEnabled(self.view is not None)
        if staff and not (selected is not None and select_key(self.table, selected.id)):
            self.table.selectRow(0)
        eligible = self.view.direct.get("personnel") if self.view else None
        self.total_label.setText(f"{plural(len(staff), 'salarié')} · dépenses de personnel éligibles : "
                                 f"{format_money(eligible)}" if self.view else "")
        self._show_person()

    def selected_staff(self) -> StaffRow | None:
        obj = selected_object(self.table)
        return obj if isinstance(obj, StaffRow) else None

    def select_staff(self, staff_id: int) -> bool:
        return select_key(self.table, staff_id)

    def selected_month(self) -> YearMonth | None:
        obj = selected_object(self.months_table)
        return obj[0] if isinstance(obj, tuple) else None

    def _show_person(self) -> None:
        person = self.selected_staff()
        self.edit_button.setEnabled(person is not None)
        self.delete_button.setEnabled(person is not None)
        self.costs_button.setEnabled(person is not None)
        self.sheet_button.setEnabled(person is not None)
        self.months_model.set_rows(person.months if person else ())
        self.months_title.setText(f"Mois de {person.prenom} {person.nom}" if person else "")
        self.months_title.setVisible(person is not None)
        if person is not None and person.problems:
            text = "\n".join(f"Coûts inéligibles : {p}." for p in person.problems)
        elif person is not None and not person.months and self.view is not None:
            # Nothing counted yet: say what the fiche will do with this person's months.
            text = "\n".join(f"Les coûts saisis seront inéligibles : {w}." for w in staff_warnings(
                person.fonction, person.taux_affectation_pct, self.view.rules.financement))
        else:
            text = ""
        self.problems_label.setText(text)
        self.problems_label.setVisible(bool(text))
        if person is not None:
            self.months_hint.setText(
                f"{plural(len(person.months), 'mois saisi', 'mois saisis')} · total éligible "
                f"{format_money(person.eligible)}.\nÉligible = coût chargé × affectation, ou 0 quand la fiche "
                "exclut le mois.")
        else:
            self.months_hint.setText("")

    def add_staff(self) -> StaffDialog | None:
        return self._staff_dialog(None)

    def edit_selected(self) -> StaffDialog | None:
        person = self.selected_staff()
        return None if person is None else self._staff_dialog(person)

    def _staff_dialog(self, person: StaffRow | None) -> StaffDialog | None:
        if self.view is None:
            return None
        dialog = StaffDialog(self.app, self.view.operation_id, person, self.view.rules.financement, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._staff_saved(dialog.staff_id))
        dialog.open()
        return dialog

    def _staff_saved(self, staff_id: int | None) -> None:
        self._written("Salarié enregistré.")  # the page reloads at once
        if staff_id is not None:
            self.select_staff(staff_id)

    def delete_selected(self) -> bool:
        person = self.selected_staff()
        if person is None:
            return False
        question = (f"Supprimer le salarié {person.prenom} {person.nom} "
                    f"({fin.FUNCTIONS.get(person.fonction, person.fonction)}) ?")
        return self._delete("personnel", person.id, title="Supprimer le salarié", question=question,
                            delete=finances_service.delete_staff, done="Salarié supprimé.")

    def edit_costs(self) -> StaffCostsDialog | None:
        person, op = self.selected_staff(), self.operation
        if person is None or op is None or self.view is None:
            return None
        dialog = StaffCostsDialog(self.app, self.view.operation_id, person, operation_months(op), self)
        return self._open(dialog, "Coûts mensuels enregistrés.")

    def time_sheet(self) -> TimeSheetDialog | None:
        person, op = self.selected_staff(), self.operation
        if person is None or op is None or self.view is None:
            return None
        default = self.selected_month() or YearMonth.of(self.view.as_of)
        dialog = TimeSheetDialog(self.app, person, operation_months(op), default, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._sheet_written(dialog.path))
        dialog.open()
        return dialog

    def _sheet_written(self, path: Path | None) -> None:
        if path is None:
            return
        self.status_message.emit(f"Fiche temps enregistrée : {path}")
        open_file(self, path)


# --- Dépenses ----------------------------------------------------------------------------

class ExpensesTab(FinanceTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.category_filter = QComboBox()
        fill_combo(self.category_filter, [(SHORT_CATEGORIES.get(c, c), c) for c in fin.CATEGORIES],
                   empty=ALL_CATEGORIES)
        self.problems_only = QCheckBox("Problèmes seulement")
        self.problems_only.setToolTip("N'afficher que les dépenses à corriger ou exclues")
        self.count_label = hint_label()
        self.count_label.setWordWrap(False)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Catégorie"))
        filters.addWidget(self.category_filter)
        filters.addSpacing(12)
        filters.addWidget(self.problems_only)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.column.addLayout(filters)

        self.model = ExpensesModel(self)
        self.proxy = ExpensesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, self.model, sortable=True)
        self.table.sortByColumn(ExpensesModel.COL_DATE, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegateForColumn(ExpensesModel.COL_PROBLEMES, IssuesDelegate(self.table))
        # A row as tall as its problems (one per line): every label is read whole.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(self.table.verticalHeader().defaultSectionSize())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.column.addWidget(self.table, 1)
        self.legend = QLabel(f"<span style='color:{ERROR_COLOR}'>En rouge</span> : problème qui exclut la dépense "
                             f"des dépenses éligibles (montant barré) · <span style='color:{WARNING_COLOR}'>en "
                             "orange</span> : à corriger, la dépense reste comptée.")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(f"color: {MUTED_COLOR};")

        self.add_button = QPushButton("Ajouter une dépense…")
        self.edit_button = QPushButton("Modifier…")
        self.delete_button = QPushButton("Supprimer")
        self.add_button.clicked.connect(self.add_expense)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        row.addWidget(self.legend, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        self.column.addLayout(row)

        self.category_filter.currentIndexChanged.connect(
            lambda _i: self._filtered(self.proxy.set_category, self.category_filter.currentData()))
        self.problems_only.toggled.connect(lambda on: self._filtered(self.proxy.set_problems_only, on))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

    def _filtered(self, setter, value) -> None:  # type: ignore[no-untyped-def]
        setter(value)
        self._update_count()
        self._update_buttons()

    def reset_filters(self) -> None:
        select_data(self.category_filter, None)
        self.problems_only.setChecked(False)

    def reload(self) -> None:
        selected = self.selected_expense()
        self.model.set_rows(self.view.expenses if self.view else ())
        if selected is not None:
            select_key(self.table, selected.id)
        self.add_button.setEnabled(self.view is not None)
        self._update_count()
        self._update_buttons()

    def visible_rows(self) -> list[ExpenseRow]:
        return self.proxy.visible_rows()

    def _update_count(self) -> None:
        view = self.view
        if view is None:
            self.count_label.setText("")
            return
        shown, total = self.proxy.rowCount(), len(view.expenses)
        with_issues = sum(1 for e in view.expenses if e.issues)
        text = plural(total, "dépense") if shown == total else f"{shown} sur {plural(total, 'dépense')}"
        text += f" · {with_issues} avec un problème" if with_issues else " · aucun problème"
        text += f" · non éligibles : {format_money(view.non_eligibles)}"
        self.count_label.setText(text)

    def _update_buttons(self) -> None:
        selected = self.selected_expense() is not None
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    def selected_expense(self) -> ExpenseRow | None:
        obj = selected_object(self.table)
        return obj if isinstance(obj, ExpenseRow) else None

    def select_expense(self, expense_id: int) -> bool:
        return select_key(self.table, expense_id)

    def suppliers(self) -> list[str]:
        return sorted({e.fournisseur for e in self.model.rows() if e.fournisseur})

    def add_expense(self) -> ExpenseDialog | None:
        return self._expense_dialog(None)

    def edit_selected(self) -> ExpenseDialog | None:
        expense = self.selected_expense()
        return None if expense is None else self._expense_dialog(expense)

    def _expense_dialog(self, expense: ExpenseRow | None) -> ExpenseDialog | None:
        if self.view is None or self.operation is None:
            return None
        dialog = ExpenseDialog(self.app, self.operation, expense, self, suppliers=self.suppliers(),
                               default_date=self.view.as_of)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._expense_saved(dialog.expense_id, "Dépense enregistrée."))
        dialog.documents_changed.connect(lambda: self._expense_saved(dialog.expense_id, "Factures mises à jour."))
        dialog.open()
        return dialog

    def _expense_saved(self, expense_id: int | None, message: str) -> None:
        self._written(message)
        if expense_id is not None:
            self.select_expense(expense_id)

    def delete_selected(self) -> bool:
        expense = self.selected_expense()
        if expense is None:
            return False
        question = (f"Supprimer la dépense « {expense.libelle} » du {format_date(expense.date)} "
                    f"({format_money(expense.montant)}) ?")
        return self._delete("depense", expense.id, title="Supprimer la dépense", question=question,
                            delete=finances_service.delete_expense, done="Dépense supprimée.")


# --- Ressources --------------------------------------------------------------------------

class ResourcesTab(FinanceTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.column.addWidget(hint_label("Plan de financement : qui finance l'opération, pour combien, et ce qui "
                                         "a déjà été reçu à la date d'arrêté."))
        self.model = ResourcesModel(self)
        self.table = make_table(self.model, self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.column.addWidget(self.table)
        self.totals_label = hint_label()
        self.add_button = QPushButton("Ajouter une ressource…")
        self.edit_button = QPushButton("Modifier…")
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.setToolTip("Supprimer la ressource sélectionnée, saisie par erreur, avec ses versements")
        self.versement_button = QPushButton("Enregistrer un versement…")
        self.versement_button.setToolTip("Une avance, un acompte ou le solde reçu du financeur sélectionné")
        self.add_button.clicked.connect(self.add_resource)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.versement_button.clicked.connect(self.add_versement)
        row = QHBoxLayout()
        row.addWidget(self.totals_label, 1)
        for button in (self.add_button, self.edit_button, self.delete_button, self.versement_button):
            row.addWidget(button)
        self.column.addLayout(row)
        self.versements_title = section_label("")
        self.column.addWidget(self.versements_title)
        self.versements_model = VersementsModel(self)
        self.versements_table = make_table(self.versements_model, self.versements_model)
        self.versements_table.horizontalHeader().setStretchLastSection(False)
        width = sum(self.versements_table.horizontalHeader().sectionSize(i) for i in range(3))
        self.versements_table.setFixedWidth(width + 2 * self.versements_table.frameWidth() + 20)
        self.versements_empty = hint_label("Aucun versement reçu de ce financeur à la date d'arrêté.")
        self.delete_versement_button = QPushButton("Supprimer le versement")
        self.delete_versement_button.setToolTip("Supprimer le versement sélectionné, saisi par erreur")
        self.delete_versement_button.clicked.connect(self.delete_versement)
        versements_row = QHBoxLayout()
        versements_row.addWidget(self.versements_table)
        side = QVBoxLayout()
        side.addWidget(self.delete_versement_button)
        side.addStretch(1)
        versements_row.addLayout(side)
        versements_row.addStretch(1)
        self.column.addLayout(versements_row)
        self.column.addWidget(self.versements_empty)
        self.column.addStretch(1)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_resource())
        self.versements_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_versement_button())

    def reload(self) -> None:
        selected = self.selected_resource()
        rows = self.view.resources if self.view else ()
        self.model.set_rows(rows)
        fit_height(self.table, min(max(len(rows), 3), 8))
        if rows and not (selected is not None and select_key(self.table, selected.id)):
            self.table.selectRow(0)
        self.add_button.setEnabled(self.view is not None)
        if self.view is not None:
            planned = sum((r.montant_prevu for r in rows), Decimal(0))
            received = sum((r.recu for r in rows), Decimal(0))
            self.totals_label.setText(f"{plural(len(rows), 'ressource')} · prévu {format_money(planned)} · "
                                      f"reçu {format_money(received)}")
        else:
            self.totals_label.setText("")
        self._show_resource()

    def selected_resource(self) -> ResourceRow | None:
        obj = selected_object(self.table)
        return obj if isinstance(obj, ResourceRow) else None

    def select_resource(self, resource_id: int) -> bool:
        return select_key(self.table, resource_id)

    def _show_resource(self) -> None:
        resource = self.selected_resource()
        self.edit_button.setEnabled(resource is not None)
        self.delete_button.setEnabled(resource is not None)
        self.versement_button.setEnabled(resource is not None)
        self.versements_model.set_rows(resource.versements if resource else ())
        fit_height(self.versements_table, min(max(len(resource.versements) if resource else 0, 2), 10))
        name = FINANCEURS.get(resource.financeur, resource.financeur) if resource else ""
        self.versements_title.setText(f"Versements reçus – {name}" if resource else "")
        self.versements_title.setVisible(resource is not None)
        self.versements_table.setVisible(bool(resource and resource.versements))
        self.versements_empty.setVisible(bool(resource and not resource.versements))
        self.delete_versement_button.setVisible(bool(resource and resource.versements))
        self._update_versement_button()

    def selected_versement(self) -> VersementRow | None:
        obj = selected_object(self.versements_table)
        return obj if isinstance(obj, tuple) else None

    def select_versement(self, versement_id: int) -> bool:
        model = self.versements_table.model()
        for row in range(model.rowCount()):
            versement = model.index(row, 0).data(RowsModel.ObjectRole)
            if isinstance(versement, tuple) and versement[0] == versement_id:
                self.versements_table.selectRow(row)
                return True
        return False

    def _update_versement_button(self) -> None:
        self.delete_versement_button.setEnabled(self.selected_versement() is not None)

    def add_resource(self) -> ResourceDialog | None:
        if self.view is None:
            return None
        dialog = ResourceDialog(self.app, self.view.operation_id, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._resource_saved(dialog.resource_id))
        dialog.open()
        return dialog

    def _resource_saved(self, resource_id: int | None) -> None:
        self._written("Ressource enregistrée.")
        if resource_id is not None:
            self.select_resource(resource_id)

    def edit_selected(self) -> ResourceDialog | None:
        resource = self.selected_resource()
        if resource is None or self.view is None:
            return None
        return self._open(ResourceDialog(self.app, self.view.operation_id, resource, self), "Ressource enregistrée.")

    def delete_selected(self) -> bool:
        resource = self.selected_resource()
        if resource is None:
            return False
        name = FINANCEURS.get(resource.financeur, resource.financeur)
        named = f"{name} – {resource.libelle}" if resource.libelle else name
        question = f"Supprimer la ressource « {named} » ({format_money(resource.montant_prevu)} prévus) ?"
        return self._delete("ressource", resource.id, title="Supprimer la ressource", question=question,
                            delete=finances_service.delete_resource, done="Ressource supprimée.")

    def delete_versement(self) -> bool:
        resource, versement = self.selected_resource(), self.selected_versement()
        if resource is None or versement is None:
            return False
        versement_id, day, nature, amount = versement
        question = (f"Supprimer le versement du {format_date(day)} ({VERSEMENTS.get(nature, nature).lower()} de "
                    f"{format_money(amount)}) ? Financeur : {FINANCEURS.get(resource.financeur, resource.financeur)}.")
        return self._delete("versement", versement_id, title="Supprimer le versement", question=question,
                            delete=finances_service.delete_versement, done="Versement supprimé.")

    def add_versement(self) -> VersementDialog | None:
        resource = self.selected_resource()
        if resource is None or self.view is None:
            return None
        dialog = VersementDialog(self.app, resource, self.view.as_of, self)
        return self._open(dialog, "Versement enregistré.")


# --- Budget ------------------------------------------------------------------------------

class BudgetTab(FinanceTab):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.column.addWidget(self.title)
        self.model = BudgetModel(self)
        self.table = make_table(self.model, self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMaximumWidth(980)
        fit_height(self.table, len(fin.CATEGORIES) + 2)
        self.column.addWidget(self.table)
        self.rule_label = hint_label()
        self.column.addWidget(self.rule_label)
        self.note = hint_label("Réalisé : dépenses éligibles à la date d'arrêté (personnel selon les coûts "
                               "mensuels saisis, dépenses sans problème qui les exclut). En orange : dépassement "
                               "du prévu.")
        self.column.addWidget(self.note)
        self.edit_button = QPushButton("Modifier le prévisionnel…")
        self.edit_button.clicked.connect(self.edit_budget)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addStretch(1)
        self.column.addLayout(row)
        self.column.addStretch(1)

    def reload(self) -> None:
        view = self.view
        self.model.set_budget(view.budget if view else ())
        self.edit_button.setEnabled(view is not None)
        self.title.setText(f"Budget prévisionnel et réalisé au {format_date(view.as_of)}" if view else "")
        self.rule_label.setText(indirect_rule_text(view.rules.financement.charges_indirectes) if view else "")

    def ecart_text(self, categorie: str) -> str:
        row = self.model.row_of(categorie, "categorie")
        return "" if row is None else self.model.text(row, BudgetModel.COL_ECART)

    def edit_budget(self) -> BudgetDialog | None:
        view = self.view
        if view is None:
            return None
        dialog = BudgetDialog(self.app, view.operation_id, view.budget, view.rules.financement.charges_indirectes, self)
        return self._open(dialog, "Budget prévisionnel enregistré.")


# --- the page ----------------------------------------------------------------------------

class FinancesPage(OperationChooser, Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Finances", parent)
        self.view: FinanceView | None = None
        self._build_operation_bar("Les dépenses, versements et estimations sont comptés jusqu'à cette date (incluse)")

        self.synthesis = SynthesisTab(app)
        self.staff = StaffTab(app)
        self.expenses = ExpensesTab(app)
        self.resources = ResourcesTab(app)
        self.budget = BudgetTab(app)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab, label in ((self.synthesis, "Synthèse"), (self.staff, "Personnel"), (self.expenses, "Dépenses"),
                           (self.resources, "Ressources"), (self.budget, "Budget")):
            self.tabs.addTab(tab, label)
            tab.changed.connect(self._tab_wrote)
            tab.status_message.connect(self.status_message)
        self.layout_.addWidget(self.tabs, 1)

        self.operation_combo.currentIndexChanged.connect(lambda _i: self._show(reset_date=True))
        self.as_of_edit.dateChanged.connect(lambda *_a: self._show(reset_date=False))

    def all_tabs(self) -> tuple[FinanceTab, ...]:
        return (self.synthesis, self.staff, self.expenses, self.resources, self.budget)

    # --- choosing ------------------------------------------------------------------------

    def refresh(self) -> None:
        ops = self._refill_operations()
        for widget in (self.tabs, self.operation_combo, self.as_of_edit):
            widget.setEnabled(bool(ops))
        self._show(reset_date=self._operation_changed_since_shown())

    def _show(self, *, reset_date: bool) -> None:
        self._apply_operation(reset_date=reset_date)
        if reset_date:
            self.expenses.reset_filters()
        self.reload()

    # --- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the shown operation's finances again, once, for every tab."""
        op = self.current_operation()
        self.view = finances_service.finance_view(self.app, op.id, self.as_of()) if op else None
        for tab in self.all_tabs():
            tab.show_view(self.view, op)

    def _tab_wrote(self) -> None:
        self.reload()
        self.changed.emit()
