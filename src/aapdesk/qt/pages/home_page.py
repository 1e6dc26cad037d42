"""Accueil: the structure, key counts, the operations and how full each one is today.

"En cours" is read as of the application clock's today, like the participants table.
The occupation line compares parcours open today with the places or postes of the
convention; the activity page will refine it month by month.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from aapdesk.qt.display import capacity_text, operation_status, period_text, plural
from aapdesk.qt.pages.base import Page
from aapdesk.qt.widgets.common import hint_label, section_label
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services import structure as structure_service
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow

OPEN_STATUS = "En cours"


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


class HomePage(Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Accueil", parent)
        self.structure_name = section_label("")
        self.structure_details = hint_label()
        self.layout_.addWidget(self.structure_name)
        self.layout_.addWidget(self.structure_details)

        cards = QHBoxLayout()
        self.open_card = StatCard("participants en cours")
        self.total_card = StatCard("participants enregistrés")
        self.running_card = StatCard("opérations en cours")
        for card in (self.open_card, self.total_card, self.running_card):
            cards.addWidget(card)
        cards.addStretch(1)
        self.layout_.addLayout(cards)

        self.layout_.addWidget(section_label("Opérations"))
        self.empty_hint = hint_label("Aucune opération pour l'instant : créez la première dans Paramètres.")
        self.layout_.addWidget(self.empty_hint)
        self.operations_table = SimpleTable(
            ("Code", "Dispositif", "Période", "Capacité", "Parcours", "Statut"), stretch_column=1, right_aligned=(4,))
        self.layout_.addWidget(self.operations_table)

        self.occupation_title = section_label("Parcours en cours aujourd'hui")
        self.layout_.addWidget(self.occupation_title)
        self.occupation = OccupationPanel()
        self.layout_.addWidget(self.occupation)
        self.layout_.addStretch(1)

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
        self.running_card.set_value(sum(1 for s in statuses.values() if s == "en cours"))

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

    def _table_height(self, rows: int) -> int:
        """Tall enough for every operation (there are few), so the page needs no inner scrolling."""
        table = self.operations_table
        header = table.horizontalHeader().sizeHint().height()
        row = table.verticalHeader().defaultSectionSize()
        return header + row * max(rows, 1) + 2 * table.frameWidth() + 2
