"""The "À faire" list: open milestones and reminders (``TodoRow``), overdue ones flagged.

Overdue rows are tinted (soft red background, dark red text) **and** say "en retard"
in their own column, so the flag does not rest on colour alone. The table sorts on
each column's native value (dates as dates); it starts sorted by due date, which puts
the overdue rows first. Activating (double-click, Enter) a row that belongs to a
parcours emits :attr:`TodoList.open_requested` with the row: the host opens that
parcours's accompaniment record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from aapdesk.domain.activity import TodoItem
from aapdesk.domain.participants import fold_accents
from aapdesk.formatting import format_date
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.field_errors import ERROR_BACKGROUND, ERROR_COLOR
from aapdesk.qt.widgets.tables import setup_rows_table
from aapdesk.services.activity import TodoRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_TEXT = "en retard"

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class TodoColumn:
    header: str
    display: Callable[[TodoRow], str]
    sort: Callable[[TodoRow], object]
    #: A typical long value: the column starts this wide (the last column stretches).
    sample: str
    align: Qt.AlignmentFlag = _LEFT


COLUMNS: tuple[TodoColumn, ...] = (
    TodoColumn("Échéance", lambda r: format_date(r.due), lambda r: QDate(r.due.year, r.due.month, r.due.day),
               "00/00/0000", _CENTER),
    TodoColumn("Retard", lambda r: OVERDUE_TEXT if r.overdue else "", lambda r: int(r.overdue), OVERDUE_TEXT, _CENTER),
    TodoColumn("Opération", lambda r: r.operation_code, lambda r: fold_accents(r.operation_code), "IOD-NORD-2021"),
    TodoColumn("Participant", lambda r: r.participant, lambda r: fold_accents(r.participant), "HENNEBELLE Jean-Noël"),
    TodoColumn("À faire", lambda r: r.label, lambda r: fold_accents(r.label), "Contrat d'engagements réciproques à signer"),
)
COL_ECHEANCE, COL_RETARD, COL_OPERATION, COL_PARTICIPANT, COL_LABEL = range(len(COLUMNS))


EMPTY_TEXT = "Rien à faire pour l'instant : aucune tâche en retard ni dans les 45 jours à venir."


def todo_summary(rows: Sequence[TodoRow], empty_text: str = EMPTY_TEXT) -> str:
    """"13 tâches, dont 12 en retard" (``empty_text`` when there is none)."""
    if not rows:
        return empty_text
    late = sum(1 for r in rows if r.overdue)
    text = f"{len(rows)} tâche{'s' if len(rows) > 1 else ''}"
    return f"{text}, dont {late} en retard" if late else f"{text}, aucune en retard"


def rows_from_items(items: Sequence[TodoItem], operation_code: str, participant_id: int | None = None,
                    participant: str = "") -> list[TodoRow]:
    """The milestones of one parcours (``AccompanimentRecord.todos``) as rows of this list."""
    return [TodoRow(i.due, i.overdue, i.code, i.label, operation_code, i.parcours_id, participant_id, participant)
            for i in items]


class TodoModel(QAbstractTableModel):
    """Read-only rows; :meth:`set_rows` replaces them all."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[TodoRow] = []

    def set_rows(self, rows: Sequence[TodoRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[TodoRow]:
        return list(self._rows)

    def row_at(self, row: int) -> TodoRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = column.display(row)
            if row.overdue and index.column() == COL_ECHEANCE:
                return f"En retard : l'échéance du {text} est passée"
            return text or None
        if role == SORT_ROLE:
            return column.sort(row)
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if row.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(ERROR_COLOR))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(ERROR_BACKGROUND))
            if role == Qt.ItemDataRole.FontRole and index.column() == COL_RETARD:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class TodoList(QWidget):
    """A count ("13 tâches, dont 12 en retard") above the sortable table of to-do rows."""

    #: A row of a parcours was activated: open that participant's accompaniment record.
    open_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, hidden_columns: Sequence[int] = (),
                 visible_rows: int | None = None, empty_text: str = EMPTY_TEXT) -> None:
        super().__init__(parent)
        self._empty_text = empty_text
        self.model = TodoModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.summary = hint_label()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self._visible_rows = visible_rows
        self._setup_table(hidden_columns)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        # Double-click and Enter both "activate" a row in Qt's item views.
        self.table.activated.connect(self._activated)

    def _setup_table(self, hidden_columns: Sequence[int]) -> None:
        table = self.table
        setup_rows_table(table, COLUMNS, bold_columns={COL_RETARD})  # "en retard" is in bold
        for index in hidden_columns:
            table.setColumnHidden(index, True)
        table.sortByColumn(COL_ECHEANCE, Qt.SortOrder.AscendingOrder)  # overdue first: they are the earliest

    # --- data ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[TodoRow]) -> None:
        self.model.set_rows(rows)
        self.summary.setText(todo_summary(rows, self._empty_text))
        self.table.setVisible(bool(rows))  # an empty table says nothing the sentence does not
        if self._visible_rows is not None:
            self.fit_height(self._visible_rows)

    def rows(self) -> list[TodoRow]:
        """The rows in the order shown."""
        return [self.proxy.index(r, 0).data(OBJECT_ROLE) for r in range(self.proxy.rowCount())]

    def overdue_count(self) -> int:
        return sum(1 for r in self.model.rows() if r.overdue)

    def fit_height(self, at_most: int) -> None:
        """As tall as the rows (at least 3, at most ``at_most``), so a short list leaves no void."""
        shown = min(max(self.model.rowCount(), 3), at_most)
        table = self.table
        height = (table.horizontalHeader().sizeHint().height() + table.verticalHeader().defaultSectionSize() * shown
                  + 2 * table.frameWidth() + 2)
        table.setFixedHeight(height)

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(OBJECT_ROLE)
        if isinstance(row, TodoRow) and row.parcours_id is not None and row.participant_id is not None:
            self.open_requested.emit(row)
