"""Read-only tables: ``SimpleTable``, a small list (operations, backups, parcours) carrying one
object per row, and :func:`setup_rows_table`, the look of every table over a model.

For a handful of rows a ``QTableWidget`` is enough; widths follow the contents there, which
is cheap for a few dozen rows. The big tables (participants, sorties, finances, à faire)
have their own models, and widths from each column's typical value.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem, QWidget

_OBJECT_ROLE = Qt.ItemDataRole.UserRole


class SimpleTable(QTableWidget):
    #: A row was double-clicked or Enter was pressed on it; carries the row's object.
    activated_object = Signal(object)

    def __init__(self, headers: Sequence[str], *, stretch_column: int | None = None,
                 right_aligned: Sequence[int] = (), parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._stretch_column = stretch_column
        self._right = set(right_aligned)
        self.itemActivated.connect(lambda item: self.activated_object.emit(self.object_at(item.row())))

    def set_rows(self, rows: Sequence[tuple[Sequence[str], object]]) -> None:
        """Each row is (cell texts, object); the selection is kept on the same object if still there."""
        previous = self.current_object()
        self.setRowCount(len(rows))
        for r, (cells, obj) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if len(text) > 40:
                    item.setToolTip(text)
                if c in self._right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 0:
                    item.setData(_OBJECT_ROLE, obj)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        if self._stretch_column is not None:
            self.horizontalHeader().setSectionResizeMode(self._stretch_column, QHeaderView.ResizeMode.Stretch)
        else:
            self.horizontalHeader().setStretchLastSection(True)
        if previous is not None:
            self.select_object(previous)

    def object_at(self, row: int) -> object | None:
        item = self.item(row, 0)
        return None if item is None else item.data(_OBJECT_ROLE)

    def current_object(self) -> object | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self.object_at(rows[0].row()) if rows else None

    def select_object(self, obj: object) -> None:
        wanted = _identity(obj)
        for row in range(self.rowCount()):
            if _identity(self.object_at(row)) == wanted:
                self.selectRow(row)
                return

    def objects(self) -> list[object]:
        return [self.object_at(r) for r in range(self.rowCount())]


def _identity(obj: object) -> object:
    """Rows reloaded after a save are new objects: match them by id when they have one."""
    return getattr(obj, "id", obj)


def setup_rows_table(table: QTableView, columns: Sequence[Any], *, sortable: bool = True,
                     bold_columns: Collection[int] = ()) -> None:
    """A read-only, row-selecting view over a model whose columns declare a ``header`` and a typical
    ``sample`` value: each column as wide as its header (plus the sort arrow) or its sample, longer
    texts elided; ``bold_columns`` are measured in bold (« en retard », « 0 – manquante »)."""
    table.setSortingEnabled(sortable)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().setVisible(False)
    metrics = table.fontMetrics()
    table.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header_metrics = header.fontMetrics()
    bold = QFont(table.font())
    bold.setBold(True)
    bold_metrics = QFontMetrics(bold)
    for index, column in enumerate(columns):
        sample = (bold_metrics if index in bold_columns else metrics).horizontalAdvance(column.sample)
        # the header with room for the sort arrow, or the sample with the cell's margins
        width = max(header_metrics.horizontalAdvance(column.header) + (22 if sortable else 12), sample + 12)
        header.resizeSection(index, width)
    header.setStretchLastSection(True)
