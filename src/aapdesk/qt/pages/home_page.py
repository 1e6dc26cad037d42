"""Accueil: the structure, key counts, each current operation's month, the to-do list, the operations.

"En cours" is read as of the application clock's today, like the participants table.
For each operation in progress, the current month's file active against its places or
postes comes from ``file_active_view`` (the Activité page's numbers), and the
milestone indicators from ``milestone_indicators``; a figure short of the fiche's
objective says so in words, not only in red. The "À faire" list is ``todo_list`` over
every current operation. "Échéances" lists the deliverables due to the funder by each
operation in progress or ended less than a year ago (and not clôturée), dated by
:func:`~aapdesk.domain.deliverables.deliverable_due_dates`. At the bottom, the occupation line compares parcours open
today with the places or postes of every operation.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.deliverables import DueDeliverable, deliverable_due_dates, is_late
from aapdesk.domain.dispositif import DeadlineRule, FileActiveMode
from aapdesk.domain.periods import add_months
from aapdesk.formatting import format_date, format_money, format_number, format_percent
from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog, open_accompaniment
from aapdesk.qt.display import capacity_text, dispositif_short, operation_status, period_text, plural
from aapdesk.qt.pages.base import Page
from aapdesk.qt.widgets.common import MUTED_COLOR, hint_label, section_label
from aapdesk.qt.widgets.field_errors import ERROR_BACKGROUND, ERROR_COLOR
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.qt.widgets.todo_list import TodoList
from aapdesk.services import activity as activity_service
from aapdesk.services import finances as finances_service
from aapdesk.services.finances import FinanceView
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services import structure as structure_service
from aapdesk.services.activity import FileActiveView, MilestoneIndicators, TodoRow
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow

OPEN_STATUS = "En cours"
#: An ended operation's deliverables stay on the Accueil page this long after its end (unless clôturée).
DEADLINES_AFTER_END_MONTHS = 12
LATE_TEXT = "en retard"


class StatCard(QFrame):
    """A big number with its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        self.setStyleSheet("#statCard { background-color: palette(base); border: 1px solid palette(mid); "
                           "border-radius: 4px; }")
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 14, 10)
        self.number = QLabel("0")
        font = QFont(self.number.font())
        font.setPointSize(font.pointSize() + 10)
        font.setBold(True)
        self.number.setFont(font)
        column.addWidget(self.number)
        caption_label = hint_label(caption)
        caption_label.setWordWrap(False)
        column.addWidget(caption_label)
        self.setMinimumWidth(170)

    def set_value(self, value: int) -> None:
        self.number.setText(str(value))


class OccupationPanel(QWidget):
    """One line per operation: parcours open today against places or postes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setColumnStretch(3, 1)
        self.lines: list[str] = []

    def set_operations(self, ops: list[OperationRow], open_counts: Counter[int]) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.lines = []
        for row, op in enumerate(ops):
            count = open_counts.get(op.id, 0)
            capacity = capacity_text(op)
            text = f"{plural(count, 'parcours', 'parcours')} en cours" + (f" pour {capacity}" if capacity else "")
            self.lines.append(f"{op.code} : {text}")
            code = QLabel(op.code)
            code.setStyleSheet("font-weight: bold;")
            self.grid.addWidget(code, row, 0)
            self.grid.addWidget(QLabel(text), row, 1)
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(14)
            bar.setFixedWidth(320)
            bar.setRange(0, max(op.capacity or count, 1))
            bar.setValue(min(count, bar.maximum()))
            self.grid.addWidget(bar, row, 2)


def file_active_text(view: FileActiveView, op: OperationRow) -> str:
    """"Mars 2025 : 19 accompagnés pour 20 places – 95 %": the current month, as on the Activité page."""
    current = view.current
    if current is None:
        return "Pas encore commencée"
    month = current.month.label
    text = f"{month[:1].upper()}{month[1:]} : {plural(current.file_active, 'accompagné')}"
    capacity = capacity_text(op)
    if capacity:
        text += f" pour {capacity}"
    if current.occupation is not None:
        text += f" – {format_percent(current.occupation)}"
    return text


def _days(value: Decimal) -> str:
    days = format_number(value, 0)
    return f"{days} jour{'s' if value >= 2 else ''}"


def indicator_lines(ind: MilestoneIndicators, op: OperationRow) -> list[tuple[str, str, bool]]:
    """(name, value, short of the objective) for the indicators this operation can be judged on."""
    jalons = op.rules.jalons if op.rules else None
    lines: list[tuple[str, str, bool]] = []
    expected = jalons.premier_rdv_jours if jalons else None
    if ind.delai_moyen_premier_rdv is not None:
        late = expected is not None and ind.delai_moyen_premier_rdv > expected
        text = f"{_days(ind.delai_moyen_premier_rdv)} en moyenne après l'orientation"
        if expected is not None:
            text += f" – attendu : {expected} jours" + (", dépassé" if late else "")
        lines.append(("Premier rendez-vous", text, late))
    elif ind.parcours_accueillis:
        lines.append(("Premier rendez-vous", "aucun délai mesurable (dates manquantes)", False))
    if ind.taux_contractualisation is not None:
        minimum = jalons.taux_contractualisation_min if jalons else None
        short = minimum is not None and ind.taux_contractualisation < minimum
        text = (f"{format_percent(ind.taux_contractualisation)} ({ind.parcours_avec_cer} CER validés "
                f"pour {plural(ind.parcours_accueillis, 'parcours accueilli')})")
        if minimum is not None:
            text += f" – objectif {format_percent(minimum)}" + (", non atteint" if short else ", atteint")
        lines.append(("Contractualisation", text, short))
    text = (f"{ind.entretiens_realises} réalisé{'s' if ind.entretiens_realises > 1 else ''}"
            + (f" pour {format_number(ind.entretiens_dus, 0)} dus" if ind.entretiens_dus is not None else "")
            + f", dont {ind.entretiens_physiques} physique{'s' if ind.entretiens_physiques > 1 else ''}"
            + (f" pour {format_number(ind.entretiens_physiques_dus, 0)} dus"
               if ind.entretiens_physiques_dus is not None else ""))
    behind = ((ind.entretiens_dus is not None and ind.entretiens_realises < ind.entretiens_dus)
              or (ind.entretiens_physiques_dus is not None and ind.entretiens_physiques < ind.entretiens_physiques_dus))
    lines.append(("Entretiens", text + (" – en dessous du rythme attendu" if behind else ""), behind))
    if ind.part_jeunes is not None:
        over = ind.part_jeunes_max is not None and ind.part_jeunes > ind.part_jeunes_max
        age = op.rules.public.age_jeune if op.rules else 26
        text = f"{format_percent(ind.part_jeunes)} des parcours accueillis"
        if ind.part_jeunes_max is not None:
            text += f" – plafond {format_percent(ind.part_jeunes_max)}" + (", dépassé" if over else "")
        lines.append((f"Moins de {age} ans", text, over))
    if ind.capacite_etp_respectee is False:
        lines.append(("Capacité", "plus de places que les ETP n'en permettent selon la fiche", True))
    return lines


def estimate_text(finance: FinanceView | None) -> str:
    """« Subvention estimée : 35 100,00 € sur 46 800,00 € · solde à attendre : 11 700,00 € » (Finances page figures)."""
    if finance is None or finance.estimate is None:
        return ""
    e = finance.estimate
    return (f"Subvention estimée : {format_money(e.montant_estime)} sur {format_money(e.montant_conventionne)} · "
            f"reçu : {format_money(finance.received_from_departement)} · solde à attendre : {format_money(finance.solde)}")


class CurrentOperationCard(QFrame):
    """One operation in progress: this month's file active, its occupation bar and its indicators."""

    def __init__(self, op: OperationRow, view: FileActiveView, indicators: MilestoneIndicators,
                 finance: FinanceView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operationCard")
        self.setStyleSheet("#operationCard { background-color: palette(base); border: 1px solid palette(mid); "
                           "border-radius: 4px; }")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 10)
        column.setSpacing(4)
        heading = QHBoxLayout()
        code = QLabel(op.code)
        code.setStyleSheet("font-weight: bold;")
        heading.addWidget(code)
        heading.addWidget(hint_label(dispositif_short(op)), 1)
        column.addLayout(heading)

        self.file_active_line = file_active_text(view, op)
        line = QLabel(self.file_active_line)
        font = QFont(line.font())
        font.setPointSize(font.pointSize() + 1)
        line.setFont(font)
        column.addWidget(line)
        current = view.current
        if current is not None and view.capacity:
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(12)
            bar.setRange(0, max(view.capacity, current.file_active))
            bar.setValue(current.file_active)
            column.addWidget(bar)
        if view.taux_occupation is not None:
            since = ("en fin d'année (fonctionnement annuel)" if view.mode is FileActiveMode.ANNUELLE
                     else "depuis le début de l'opération")
            column.addWidget(hint_label(f"Taux d'occupation {since} : {format_percent(view.taux_occupation)}"))

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.indicators = indicator_lines(indicators, op)
        for row, (name, value, alert) in enumerate(self.indicators):
            name_label = QLabel(name)
            name_label.setStyleSheet(f"color: {ERROR_COLOR if alert else MUTED_COLOR};")
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            if alert:
                value_label.setStyleSheet(f"color: {ERROR_COLOR};")
            grid.addWidget(name_label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value_label, row, 1)
        column.addSpacing(4)
        column.addLayout(grid)
        self.estimate_line = estimate_text(finance)
        if self.estimate_line:
            estimate = QLabel(self.estimate_line)
            estimate.setWordWrap(True)
            estimate.setToolTip("\n".join(finance.estimate.hypotheses) if finance and finance.estimate else "")
            column.addSpacing(4)
            column.addWidget(estimate)
        column.addStretch(1)


class CurrentOperationsPanel(QWidget):
    """The cards of the operations in progress, two per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.cards: dict[str, CurrentOperationCard] = {}

    def set_operations(self, items: list[tuple[OperationRow, FileActiveView, MilestoneIndicators, FinanceView | None]]) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.cards = {}
        for index, (op, view, indicators, finance) in enumerate(items):
            card = CurrentOperationCard(op, view, indicators, finance)
            self.cards[op.code] = card
            self.grid.addWidget(card, index // 2, index % 2)

    def file_active_lines(self) -> dict[str, str]:
        return {code: card.file_active_line for code, card in self.cards.items()}


def upcoming_deadlines(app: AppContext, ops: list[OperationRow]) -> list[tuple[OperationRow, DueDeliverable]]:
    """Each operation's deliverables, earliest first: operations in progress or ended within a year."""
    today = app.today()
    rows = []
    for op in ops:
        rules = op.rules
        if (rules is None or not rules.livrables or op.cloturee or today < op.debut
                or today > add_months(op.fin, DEADLINES_AFTER_END_MONTHS)):
            continue
        next_comite = None
        if any(d.regle is DeadlineRule.AVANT_COMITE for d in rules.livrables):
            # the next comité still to come whose tableau de bord has not been sent
            next_comite = min((c.date for c in activity_service.list_comites(app, op.id)
                               if c.date >= today and not c.tableau_de_bord_envoye), default=None)
        rows += [(op, item) for item in deliverable_due_dates(rules.livrables, op.debut, op.fin, today, next_comite,
                                                                   planned_end=rules.convention.fin)]
    return sorted(rows, key=lambda row: (row[1].due, row[0].code, row[1].label))


def deadline_state(due: date, today: date) -> str:
    """« en retard », « aujourd'hui », « dans 12 jours », beyond two months « dans 10 mois »."""
    if is_late(due, today):
        return LATE_TEXT
    days = (due - today).days
    if days == 0:
        return "aujourd'hui"
    return f"dans {plural(days, 'jour')}" if days <= 62 else f"dans {days // 30} mois"


class HomePage(Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Accueil", parent)
        # Everything below the title scrolls: the page stays readable on a 1280×800 screen.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        body = self.body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.setSpacing(10)
        self.scroll.setWidget(content)
        self.layout_.addWidget(self.scroll, 1)

        self.structure_name = section_label("")
        self.structure_details = hint_label()
        body.addWidget(self.structure_name)
        body.addWidget(self.structure_details)

        cards = QHBoxLayout()
        self.open_card = StatCard("participants en cours")
        self.total_card = StatCard("participants enregistrés")
        self.running_card = StatCard("opérations en cours")
        self.late_card = StatCard("tâches en retard")
        for card in (self.open_card, self.total_card, self.running_card, self.late_card):
            cards.addWidget(card)
        cards.addStretch(1)
        body.addLayout(cards)

        self.current_title = section_label("Opérations en cours")
        body.addWidget(self.current_title)
        self.current_operations = CurrentOperationsPanel()
        body.addWidget(self.current_operations)

        self.todo_title = section_label("À faire")
        body.addWidget(self.todo_title)
        self.todos = TodoList(visible_rows=10)
        self.todos.summary.setToolTip("Tout ce qui est en retard, et ce qui tombe dans les "
                                      f"{activity_service.TODO_HORIZON_DAYS} jours à venir")
        self.todos.open_requested.connect(self.open_todo)
        body.addWidget(self.todos)

        self.deadlines_title = section_label("Échéances")
        body.addWidget(self.deadlines_title)
        self.deadlines_hint = hint_label(
            "Les livrables à remettre au financeur selon la fiche de chaque opération en cours ou terminée "
            "depuis moins d'un an ; une opération clôturée n'y figure plus.")
        body.addWidget(self.deadlines_hint)
        self.deadlines = SimpleTable(("Échéance", "État", "Opération", "Livrable"), stretch_column=3)
        self.deadlines.setToolTip("Le tableau de bord est attendu avant le prochain comité dont il n'a pas "
                                  "encore été envoyé (onglet Comités de la page Activité)")
        body.addWidget(self.deadlines)

        body.addWidget(section_label("Opérations"))
        self.empty_hint = hint_label("Aucune opération pour l'instant : créez la première dans Paramètres.")
        body.addWidget(self.empty_hint)
        self.operations_table = SimpleTable(
            ("Code", "Dispositif", "Période", "Capacité", "Parcours", "Statut"), stretch_column=1, right_aligned=(4,))
        body.addWidget(self.operations_table)

        self.occupation_title = section_label("Parcours en cours aujourd'hui")
        body.addWidget(self.occupation_title)
        self.occupation = OccupationPanel()
        body.addWidget(self.occupation)
        body.addStretch(1)

    def refresh(self) -> None:
        today = self.app.today()
        structure = structure_service.get_structure(self.app)
        self.structure_name.setText(structure.nom if structure else "Structure non renseignée")
        details = [t for t in (structure.commune, f"SIRET {structure.siret}" if structure.siret else "")
                   if t] if structure else ["Renseignez-la dans Paramètres."]
        self.structure_details.setText(" · ".join(details))

        ops = operations_service.list_operations(self.app)
        rows = participants_service.list_participant_rows(self.app)
        open_rows = [r for r in rows if r.statut == OPEN_STATUS]
        self.open_card.set_value(len({r.participant_id for r in open_rows}))
        self.total_card.set_value(len({r.participant_id for r in rows}))
        statuses = {op.id: operation_status(op, today) for op in ops}
        running = [op for op in ops if statuses[op.id] == "en cours"]
        self.running_card.set_value(len(running))

        self.current_operations.set_operations([
            (op, activity_service.file_active_view(self.app, op.id),
             activity_service.milestone_indicators(self.app, op.id),
             finances_service.finance_view(self.app, op.id) if op.montant is not None else None)
            for op in sorted(running, key=lambda o: o.code)
        ])
        self.current_title.setVisible(bool(running))
        self.current_operations.setVisible(bool(running))

        todos = activity_service.todo_list(self.app)
        self.todos.set_rows(todos)
        self.late_card.set_value(sum(1 for t in todos if t.overdue))
        self.todo_title.setVisible(bool(ops))
        self.todos.setVisible(bool(ops))

        self.show_deadlines(ops)

        self.operations_table.set_rows([
            ([op.code, op.dispositif_label, period_text(op), capacity_text(op), str(op.nb_parcours),
              statuses[op.id]], op)
            for op in ops
        ])
        self.operations_table.setVisible(bool(ops))
        self.empty_hint.setVisible(not ops)
        self.occupation.set_operations(ops, Counter(r.operation_id for r in open_rows if r.operation_id))
        self.occupation_title.setVisible(bool(ops))
        self.operations_table.setFixedHeight(self._table_height(len(ops)))

    def show_deadlines(self, ops: list[OperationRow]) -> None:
        today = self.app.today()
        rows = upcoming_deadlines(self.app, ops)
        self.deadline_rows = [(format_date(item.due), deadline_state(item.due, today), op.code, item.label)
                              for op, item in rows]
        self.deadlines.set_rows([(list(cells), item) for cells, (_op, item) in zip(self.deadline_rows, rows)])
        for row, (_op, item) in enumerate(rows):
            if is_late(item.due, today):
                for column in range(self.deadlines.columnCount()):
                    cell = self.deadlines.item(row, column)
                    cell.setForeground(QBrush(QColor(ERROR_COLOR)))
                    cell.setBackground(QBrush(QColor(ERROR_BACKGROUND)))
                    if column == 1:
                        font = QFont(cell.font())
                        font.setBold(True)
                        cell.setFont(font)
        for widget in (self.deadlines_title, self.deadlines_hint, self.deadlines):
            widget.setVisible(bool(rows))
        self.deadlines.setFixedHeight(self._table_height(len(rows), self.deadlines))

    def open_todo(self, row: TodoRow) -> AccompanimentDialog | None:
        """Double-click on a task: the accompaniment record of its parcours."""
        if row.participant_id is None or row.parcours_id is None:
            return None
        return open_accompaniment(self.app, row.participant_id, row.parcours_id, self, self.changed)

    def _table_height(self, rows: int, table: SimpleTable | None = None) -> int:
        """Tall enough for every row (there are few), so the table needs no inner scrolling."""
        table = table or self.operations_table
        header = table.horizontalHeader().sizeHint().height()
        row = table.verticalHeader().defaultSectionSize()
        return header + row * max(rows, 1) + 2 * table.frameWidth() + 2
