"""Filtering of the participants table: search words, operation, status; sorting is delegated.

The search is accent- and case-insensitive on name, first name and commune, and every
typed word must match ("dupont arras"). The accepted rows are computed in one Python
pass per filter change and cached; ``filterAcceptsRow`` only looks the answer up.
Sorting is done by the source model on precomputed values (see ``participants_model``):
the proxy forwards ``sort`` and keeps the source's order.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from aapdesk.domain.participants import fold_accents
from aapdesk.qt.models.participants_model import ParticipantsModel
from aapdesk.services.participants import ENDED_STATUS, ParticipantRow

#: The statuses offered by the filter, as ``parcours_status`` spells them.
STATUSES = ("En cours", "Sorti", "À venir", ENDED_STATUS)


class ParticipantsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._operation_id: int | None = None
        self._status: str | None = None
        self._cache_key: tuple | None = None
        self._accepted: list[bool] = []

    # --- filters -------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        words = tuple(fold_accents(text).split())
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

    def _accepted_rows(self) -> list[bool]:
        model = self.participants_model()
        key = (model.generation, self._words, self._operation_id, self._status)
        if key != self._cache_key:
            self._accepted = [self._accepts(model, r) for r in range(model.rowCount())]
            self._cache_key = key
        return self._accepted

    def _accepts(self, model: ParticipantsModel, source_row: int) -> bool:
        row = model.row_at(source_row)
        if self._operation_id is not None and row.operation_id != self._operation_id:
            return False
        if self._status is not None and row.statut != self._status:
            return False
        key = model.search_key(source_row)
        return all(word in key for word in self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        accepted = self._accepted_rows()
        return source_row < len(accepted) and accepted[source_row]

    # --- reading -------------------------------------------------------------------------

    def participants_model(self) -> ParticipantsModel:
        model = self.sourceModel()
        assert isinstance(model, ParticipantsModel)
        return model

    def row_at(self, proxy_row: int) -> ParticipantRow:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.participants_model().row_at(source.row())

    def visible_rows(self) -> list[ParticipantRow]:
        return [self.row_at(r) for r in range(self.rowCount())]

    def visible_participant_count(self) -> int:
        """Distinct participants shown (one may have several parcours, hence several rows)."""
        model = self.participants_model()
        accepted = self._accepted_rows()
        return len({model.row_at(r).participant_id for r in range(model.rowCount()) if accepted[r]})

    # --- sorting -------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.participants_model().sort(column, order)
