"""``SortedRowsModel``: a read-only table of service rows that sorts itself.

Each row's sort values are computed once per refresh (one per column, from the column's
``sort``), and sorting is a Python sort of those values, empty ones last: letting
``QSortFilterProxyModel`` compare cells would call back into Python for every comparison,
seconds on 10,000 rows. Selections survive a sort (persistent indexes are moved with
their rows). Subclasses declare ``columns`` and draw the cells in ``data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def to_qt(value: Any) -> object:
    """A sort value as Qt compares it (dates as ``QDate``)."""
    return QDate(value.year, value.month, value.day) if isinstance(value, date) else value


@dataclass(frozen=True)
class Entry:
    row: Any
    sort_values: tuple[Any, ...]


class SortedRowsModel(QAbstractTableModel):
    """Read-only rows; :meth:`set_rows` replaces them all (a refresh reloads from the services)."""

    SortRole = SORT_ROLE
    ObjectRole = OBJECT_ROLE
    #: Each column has ``sort(row)`` and may have ``inverted`` (ascending runs against the value).
    columns: ClassVar[tuple[Any, ...]] = ()

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._entries: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def make_entry(self, row: Any) -> Entry:
        return Entry(row, tuple(c.sort(row) for c in self.columns))

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._entries = [self.make_entry(r) for r in rows]
        if self._sort is not None:
            self._entries = self._sorted(*self._sort)
        self.rows_replaced()
        self.endResetModel()

    def rows_replaced(self) -> None:
        """Called inside the reset, once the new rows are in place."""

    def row_at(self, row: int) -> Any:
        return self._entries[row].row

    def rows(self) -> list[Any]:
        return [e.row for e in self._entries]

    # --- sorting -------------------------------------------------------------------------

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[Any]:
        descending = (order == Qt.SortOrder.DescendingOrder) != getattr(self.columns[column], "inverted", False)
        present = [e for e in self._entries if e.sort_values[column] is not None]
        missing = [e for e in self._entries if e.sort_values[column] is None]
        present.sort(key=lambda e: e.sort_values[column], reverse=descending)  # stable: ties keep the last order
        return present + missing

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        new_entries = self._sorted(column, order)
        new_position = {id(entry): index for index, entry in enumerate(new_entries)}
        old_entries = self._entries
        self._entries = new_entries
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(new_position[id(old_entries[i.row()])], i.column()) for i in persistent],
        )
        self.layoutChanged.emit()

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tooltip:
            return self.columns[section].tooltip
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
