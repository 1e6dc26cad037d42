"""The participants table: one row per participant and parcours, from ``list_participant_rows``.

Each column is declared once (header, displayed text, sort value, typical width), so
display, sorting and widths cannot drift apart. Text comes from
:mod:`aapdesk.formatting`, like the reports.

Roles: ``SORT_ROLE`` gives each cell's native value (``QDate`` for dates, numbers,
booleans, accent-folded text); ``OBJECT_ROLE`` the row itself. The model sorts itself
in Python on those values, computed once per refresh: letting ``QSortFilterProxyModel``
compare cells would call back into Python for every comparison, seconds on 10,000 rows.
Empty values (no exit date yet) always come last.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt

from aapdesk.formatting import format_bool, format_date
from aapdesk.services.participants import ParticipantRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

SortValue = str | int | bool | date | None


def fold(text: str | None) -> str:
    """Lower-case, accents removed: "Hénin" matches "henin", and sorts with the Hs."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded_or_none(text: str | None) -> str | None:
    return fold(text) if text else None


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[ParticipantRow], str]
    sort: Callable[[ParticipantRow], SortValue]
    #: A typical long value: the column is as wide as it (or its header), longer ones are elided.
    sample: str
    align: Qt.AlignmentFlag = _LEFT
    tooltip: str = ""
    #: Ascending order runs against the sort value (the age column sorts on the birth date).
    inverted: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("Nom", lambda r: r.nom, lambda r: fold(r.nom), "HENNEBELLE"),
    Column("Prénom", lambda r: r.prenom, lambda r: fold(r.prenom), "Jean-Noël"),
    Column("Sexe", lambda r: r.sexe, lambda r: r.sexe, "F", _CENTER),
    # On the birth date, so that two people of the same age in years still come in order.
    Column("Âge", lambda r: str(r.age), lambda r: r.date_naissance, "99", _RIGHT, inverted=True),
    Column("\u221226 ans", lambda r: format_bool(r.moins_26_ans), lambda r: r.moins_26_ans, "non", _CENTER,
           "Moins de 26 ans à la date d'entrée du parcours"),
    Column("BRSA", lambda r: format_bool(r.brsa), lambda r: r.brsa, "non", _CENTER, "Bénéficiaire du RSA"),
    Column("RQTH", lambda r: format_bool(r.rqth), lambda r: r.rqth, "non", _CENTER,
           "Reconnaissance de la qualité de travailleur handicapé"),
    Column("Commune", lambda r: r.commune or "", lambda r: _folded_or_none(r.commune), "Hénin-Beaumont"),
    Column("Territoire", lambda r: r.territoire or "", lambda r: _folded_or_none(r.territoire), "Hénin-Carvin"),
    Column("Opération", lambda r: r.operation_code or "", lambda r: _folded_or_none(r.operation_code),
           "IOD-NORD-2021"),
    Column("Entrée", lambda r: format_date(r.date_entree), lambda r: r.date_entree, "00/00/0000", _CENTER),
    Column("Sortie", lambda r: format_date(r.date_sortie), lambda r: r.date_sortie, "00/00/0000", _CENTER),
    Column("Statut", lambda r: r.statut, lambda r: fold(r.statut), "En cours"),
    Column("Référent", lambda r: r.referent or "", lambda r: _folded_or_none(r.referent), "Sophie Lenglet"),
)
(COL_NOM, COL_PRENOM, COL_SEXE, COL_AGE, COL_MOINS_26, COL_BRSA, COL_RQTH, COL_COMMUNE, COL_TERRITOIRE,
 COL_OPERATION, COL_ENTREE, COL_SORTIE, COL_STATUT, COL_REFERENT) = range(len(COLUMNS))


def _to_qt(value: SortValue) -> object:
    return QDate(value.year, value.month, value.day) if isinstance(value, date) else value


@dataclass(frozen=True)
class _Entry:
    row: ParticipantRow
    search_key: str
    sort_values: tuple[SortValue, ...]


def _entry(row: ParticipantRow) -> _Entry:
    # Folded once here rather than at every keystroke of the search box or every comparison.
    search = " ".join(fold(t) for t in (row.nom, row.prenom, row.commune) if t)
    return _Entry(row, search, tuple(c.sort(row) for c in COLUMNS))


class ParticipantsModel(QAbstractTableModel):
    """Read-only rows; :meth:`set_rows` replaces them all (a refresh reloads from the services)."""

    SortRole = SORT_ROLE
    ObjectRole = OBJECT_ROLE

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[_Entry] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        #: Changes at every :meth:`set_rows`, so the filter knows its cache is stale.
        self.generation = 0

    def set_rows(self, rows: Sequence[ParticipantRow]) -> None:
        self.beginResetModel()
        self._entries = [_entry(r) for r in rows]
        if self._sort is not None:
            self._entries = self._sorted(*self._sort)
        self.generation += 1
        self.endResetModel()

    def row_at(self, row: int) -> ParticipantRow:
        return self._entries[row].row

    def search_key(self, row: int) -> str:
        return self._entries[row].search_key

    def rows(self) -> list[ParticipantRow]:
        return [e.row for e in self._entries]

    # --- sorting -------------------------------------------------------------------------

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[_Entry]:
        descending = (order == Qt.SortOrder.DescendingOrder) != COLUMNS[column].inverted
        present = [e for e in self._entries if e.sort_values[column] is not None]
        missing = [e for e in self._entries if e.sort_values[column] is None]
        present.sort(key=lambda e: e.sort_values[column], reverse=descending)  # stable: ties keep the last order
        return present + missing

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
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
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry, column = self._entries[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(entry.row)
        if role == SORT_ROLE:
            return _to_qt(entry.sort_values[index.column()])
        if role == OBJECT_ROLE:
            return entry.row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The full text of an elided cell; for the age, the birth date it comes from.
            if index.column() == COL_AGE:
                return f"Née ou né le {format_date(entry.row.date_naissance)}"
            return column.display(entry.row) or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].tooltip:
            return COLUMNS[section].tooltip
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
