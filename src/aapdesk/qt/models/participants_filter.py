"""Filtering and sorting of the participants table: search words, operation, status.

The search is accent- and case-insensitive on name, first name and commune, and
every typed word must match ("dupont arras"). Sorting uses the model's ``SORT_ROLE``
natively in C++; only the direction of the age column is flipped, because it sorts on
the birth date and an older birth date means a greater age.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from aapdesk.qt.models.participants_model import COL_AGE, SORT_ROLE, ParticipantsModel, fold
from aapdesk.services.participants import ParticipantRow

#: The statuses offered by the filter, as ``parcours_status`` spells them.
STATUSES = ("En cours", "Sorti", "À venir")


class ParticipantsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._operation_id: int | None = None
        self._status: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        words = tuple(fold(text).split())
        if words != self._words:
            self._change_filter("_words", words)

    def set_operation(self, operation_id: int | None) -> None:
        if operation_id != self._operation_id:
            self._change_filter("_operation_id", operation_id)

    def set_status(self, status: str | None) -> None:
        if status != self._status:
            self._change_filter("_status", status)

    def _change_filter(self, attribute: str, value: object) -> None:
        self.beginFilterChange()
        setattr(self, attribute, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def participants_model(self) -> ParticipantsModel:
        model = self.sourceModel()
        assert isinstance(model, ParticipantsModel)
        return model

    def row_at(self, proxy_row: int) -> ParticipantRow:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.participants_model().row_at(source.row())

    def visible_rows(self) -> list[ParticipantRow]:
        return [self.row_at(r) for r in range(self.rowCount())]

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.participants_model()
        row = model.row_at(source_row)
        if self._operation_id is not None and row.operation_id != self._operation_id:
            return False
        if self._status is not None and row.statut != self._status:
            return False
        key = model.search_key(source_row)
        return all(word in key for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column == COL_AGE:  # ascending ages = descending birth dates
            order = (Qt.SortOrder.DescendingOrder if order == Qt.SortOrder.AscendingOrder
                     else Qt.SortOrder.AscendingOrder)
        super().sort(column, order)
