"""The participants table: one row per participant and parcours, from ``list_participant_rows``.

Each column is declared once (header, displayed text, sort value, typical width), so
display, sorting and widths cannot drift apart. Text comes from
:mod:`aapdesk.formatting`, like the reports.

Roles: ``SORT_ROLE`` gives each cell's native value (``QDate`` for dates, numbers,
booleans, accent-folded text); ``OBJECT_ROLE`` the row itself. The model sorts itself
(:class:`~aapdesk.qt.models.sorted_rows.SortedRowsModel`) on those values, computed once
per refresh; empty values (no exit date yet) always come last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from aapdesk.domain.participants import fold_accents
from aapdesk.formatting import format_bool, format_date
from aapdesk.qt.models.sorted_rows import CENTER, LEFT, OBJECT_ROLE, RIGHT, SORT_ROLE, Entry, SortedRowsModel, to_qt
from aapdesk.services.participants import ENDED_STATUS, ParticipantRow

SortValue = str | int | bool | date | None


def _folded_or_none(text: str | None) -> str | None:
    return fold_accents(text) if text else None


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[ParticipantRow], str]
    sort: Callable[[ParticipantRow], SortValue]
    #: A typical long value: the column is as wide as it (or its header), longer ones are elided.
    sample: str
    align: Qt.AlignmentFlag = LEFT
    tooltip: str = ""
    #: Ascending order runs against the sort value (the age column sorts on the birth date).
    inverted: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("Nom", lambda r: r.nom, lambda r: fold_accents(r.nom), "HENNEBELLE"),
    Column("Prénom", lambda r: r.prenom, lambda r: fold_accents(r.prenom), "Jean-Noël"),
    Column("Sexe", lambda r: r.sexe, lambda r: r.sexe, "F", CENTER),
    # On the birth date, so that two people of the same age in years still come in order.
    Column("Âge", lambda r: str(r.age), lambda r: r.date_naissance, "99", RIGHT, inverted=True),
    Column("\u221226 ans", lambda r: format_bool(r.moins_26_ans), lambda r: r.moins_26_ans, "non", CENTER,
           "Moins de 26 ans à la date d'entrée du parcours"),
    Column("BRSA", lambda r: format_bool(r.brsa), lambda r: r.brsa, "non", CENTER, "Bénéficiaire du RSA"),
    Column("RQTH", lambda r: format_bool(r.rqth), lambda r: r.rqth, "non", CENTER,
           "Reconnaissance de la qualité de travailleur handicapé"),
    Column("Commune", lambda r: r.commune or "", lambda r: _folded_or_none(r.commune), "Hénin-Beaumont"),
    Column("Territoire", lambda r: r.territoire or "", lambda r: _folded_or_none(r.territoire), "Hénin-Carvin"),
    Column("Opération", lambda r: r.operation_code or "", lambda r: _folded_or_none(r.operation_code),
           "IOD-NORD-2021"),
    Column("Entrée", lambda r: format_date(r.date_entree), lambda r: r.date_entree, "00/00/0000", CENTER),
    Column("Sortie", lambda r: format_date(r.date_sortie), lambda r: r.date_sortie, "00/00/0000", CENTER),
    Column("Statut", lambda r: r.statut, lambda r: fold_accents(r.statut), ENDED_STATUS),
    Column("Référent", lambda r: r.referent or "", lambda r: _folded_or_none(r.referent), "Sophie Lenglet"),
)
(COL_NOM, COL_PRENOM, COL_SEXE, COL_AGE, COL_MOINS_26, COL_BRSA, COL_RQTH, COL_COMMUNE, COL_TERRITOIRE,
 COL_OPERATION, COL_ENTREE, COL_SORTIE, COL_STATUT, COL_REFERENT) = range(len(COLUMNS))


@dataclass(frozen=True)
class _Entry(Entry):
    search_key: str = ""


class ParticipantsModel(SortedRowsModel):
    """Read-only rows; :meth:`set_rows` replaces them all (a refresh reloads from the services)."""

    columns = COLUMNS

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        #: Changes at every :meth:`set_rows`, so the filter knows its cache is stale.
        self.generation = 0

    def make_entry(self, row: ParticipantRow) -> _Entry:
        # Folded once here rather than at every keystroke of the search box or every comparison.
        search = " ".join(fold_accents(t) for t in (row.nom, row.prenom, row.commune) if t)
        return _Entry(row, tuple(c.sort(row) for c in COLUMNS), search)

    def rows_replaced(self) -> None:
        self.generation += 1

    def search_key(self, row: int) -> str:
        return self._entries[row].search_key

    # --- QAbstractTableModel -----------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry, column = self._entries[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(entry.row)
        if role == SORT_ROLE:
            return to_qt(entry.sort_values[index.column()])
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
