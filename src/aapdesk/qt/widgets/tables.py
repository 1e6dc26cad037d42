"""``SimpleTable``: a small read-only list (operations, backups, parcours) carrying one object per row.

For a handful of rows a ``QTableWidget`` is enough; the big participants table has its
own model. Widths follow the contents here, which is cheap for a few dozen rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

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
