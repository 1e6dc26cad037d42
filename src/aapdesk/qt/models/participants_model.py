"""The participants table: one row per participant and parcours, from ``list_participant_rows``.

Each column is declared once (header, displayed text, sort value, typical width), so
display, sorting and widths cannot drift apart. Text comes from
:mod:`aapdesk.formatting`, like the reports. ``SORT_ROLE`` gives values Qt compares
natively (``QDate`` for dates, numbers, accent-folded text), ``OBJECT_ROLE`` the row.
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


def fold(text: str | None) -> str:
    """Lower-case, accents removed: "Hénin" matches "henin", and sorts with the Hs."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _qdate(day: date | None) -> QDate:
    return QDate() if day is None else QDate(day.year, day.month, day.day)  # invalid QDate sorts first


def _flag(value: bool | None) -> int:
    return -1 if value is None else int(value)


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[ParticipantRow], str]
    sort: Callable[[ParticipantRow], object]
    #: Typical content width in characters; the header's own width is the floor.
    chars: int
    align: Qt.AlignmentFlag = _LEFT
    tooltip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("Nom", lambda r: r.nom, lambda r: fold(r.nom), 14),
    Column("Prénom", lambda r: r.prenom, lambda r: fold(r.prenom), 11),
    Column("Sexe", lambda r: r.sexe, lambda r: r.sexe, 2, _CENTER),
    # Sorted on the birth date, so two people of the same age still come in order (see the proxy).
    Column("Âge", lambda r: str(r.age), lambda r: _qdate(r.date_naissance), 3, _RIGHT),
    Column("Moins de 26 ans", lambda r: format_bool(r.moins_26_ans), lambda r: _flag(r.moins_26_ans), 3, _CENTER,
           "Moins de 26 ans à la date d'entrée du parcours"),
    Column("BRSA", lambda r: format_bool(r.brsa), lambda r: _flag(r.brsa), 3, _CENTER,
           "Bénéficiaire du RSA"),
    Column("RQTH", lambda r: format_bool(r.rqth), lambda r: _flag(r.rqth), 3, _CENTER,
           "Reconnaissance de la qualité de travailleur handicapé"),
    Column("Commune", lambda r: r.commune or "", lambda r: fold(r.commune), 17),
    Column("Territoire", lambda r: r.territoire or "", lambda r: fold(r.territoire), 11),
    Column("Opération", lambda r: r.operation_code or "", lambda r: fold(r.operation_code), 12),
    Column("Entrée", lambda r: format_date(r.date_entree), lambda r: _qdate(r.date_entree), 10, _CENTER),
    Column("Sortie", lambda r: format_date(r.date_sortie), lambda r: _qdate(r.date_sortie), 10, _CENTER),
    Column("Statut", lambda r: r.statut, lambda r: fold(r.statut), 8),
    Column("Référent", lambda r: r.referent or "", lambda r: fold(r.referent), 13),
)
(COL_NOM, COL_PRENOM, COL_SEXE, COL_AGE, COL_MOINS_26, COL_BRSA, COL_RQTH, COL_COMMUNE, COL_TERRITOIRE,
 COL_OPERATION, COL_ENTREE, COL_SORTIE, COL_STATUT, COL_REFERENT) = range(len(COLUMNS))


class ParticipantsModel(QAbstractTableModel):
    """Read-only rows; :meth:`set_rows` replaces them all (a refresh reloads from the services)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ParticipantRow] = []
        self._search_keys: list[str] = []

    def set_rows(self, rows: Sequence[ParticipantRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        # Folded once here rather than at every keystroke of the search box.
        self._search_keys = [" ".join(fold(t) for t in (r.nom, r.prenom, r.commune) if t) for r in self._rows]
        self.endResetModel()

    def row_at(self, row: int) -> ParticipantRow:
        return self._rows[row]

    def search_key(self, row: int) -> str:
        return self._search_keys[row]

    def rows(self) -> list[ParticipantRow]:
        return list(self._rows)

    # --- QAbstractTableModel -----------------------------------------------------------

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
        if role == SORT_ROLE:
            return column.sort(row)
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_AGE:
            return f"Date de naissance : {format_date(row.date_naissance)}"
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
