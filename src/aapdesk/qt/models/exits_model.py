"""The exits table of the Sorties page: one row per exited parcours, from ``exits_view``.

Like the participants table, each column is declared once (header, text, sort value,
typical width) and the model sorts itself on values computed once per refresh, empty
values last; :class:`ExitsFilter` filters by catégorie, type, mois and pièce and
forwards sorting to the model.

Roles: ``SortRole`` gives each cell's native value (``QDate``, numbers, folded text),
``ObjectRole`` the :class:`~aapdesk.services.exits.ExitRow` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from aapdesk.domain.exits import ExitCategory, format_months
from aapdesk.formatting import format_date
from aapdesk.domain.participants import fold_accents
from aapdesk.qt.models.sorted_rows import CENTER, LEFT, OBJECT_ROLE, RIGHT, SORT_ROLE, SortedRowsModel, to_qt
from aapdesk.qt.widgets.common import MUTED_COLOR
from aapdesk.qt.widgets.field_errors import ERROR_COLOR
from aapdesk.services.exits import ExitRow

#: Shown in the Pièces column when a required proof is missing (with the red colour, never colour alone).
MISSING_TEXT = "manquante"
NOT_REQUIRED_TEXT = "non requise"

#: Pièce filter values.
PROOF_MISSING = "manquante"
PROOF_ATTACHED = "jointe"
#: Type filter value for exits whose type is not entered yet.
UNQUALIFIED = "A_RENSEIGNER"

SortValue = str | int | float | date | None

_CATEGORY_ORDER = {category: index for index, category in enumerate(ExitCategory)}


def duration_text(row: ExitRow) -> str:
    return format_months(row.duree_contrat_mois) if row.duree_contrat_mois is not None else ""


def rule_text(row: ExitRow) -> str:
    """The explanation without its leading category, which the Catégorie column already shows."""
    return row.explanation.removeprefix(f"{row.category_label} : ")


def proofs_text(row: ExitRow) -> str:
    if row.missing_proof:
        return f"0 – {MISSING_TEXT}"
    if row.proofs:
        return str(row.proofs)
    return NOT_REQUIRED_TEXT if row.sortie_id is not None else ""


def _proofs_sort(row: ExitRow) -> int:
    return -1 if row.missing_proof else row.proofs  # missing ones first when ascending


def _duration_sort(row: ExitRow) -> float | None:
    value: Decimal | None = row.duree_contrat_mois
    return None if value is None else float(value)


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[ExitRow], str]
    sort: Callable[[ExitRow], SortValue]
    #: A typical long value: the column is as wide as it (or its header), longer ones are elided.
    sample: str
    align: Qt.AlignmentFlag = LEFT
    tooltip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("Date de sortie", lambda r: format_date(r.date_sortie), lambda r: r.date_sortie, "00/00/0000", CENTER,
           "Dernier jour d'accompagnement"),
    Column("Nom", lambda r: r.nom, lambda r: fold_accents(r.nom), "HENNEBELLE"),
    Column("Prénom", lambda r: r.prenom, lambda r: fold_accents(r.prenom), "Jean-Noël"),
    Column("Type", lambda r: r.type_label, lambda r: fold_accents(r.type_label) if r.type else None,
           "Contrat de mission (intérim)"),
    Column("Durée", duration_text, _duration_sort, "12,5 mois", RIGHT, "Durée du contrat, en mois"),
    Column("Employeur / organisme", lambda r: r.employeur, lambda r: fold_accents(r.employeur) or None,
           "Transports Artois Logist"),
    Column("Catégorie", lambda r: r.category_label, lambda r: _CATEGORY_ORDER[r.category],
           "emploi de transition"),
    Column("Pièces", proofs_text, _proofs_sort, "0 – manquante", CENTER,
           "Pièces probantes jointes à la sortie"),
    Column("Règle appliquée", rule_text, lambda r: fold_accents(rule_text(r)), "CDD de 4 mois, moins de 6 mois",
           tooltip="Pourquoi la sortie est dans cette catégorie (le texte entier en infobulle)"),
)
(COL_DATE, COL_NOM, COL_PRENOM, COL_TYPE, COL_DUREE, COL_EMPLOYEUR, COL_CATEGORIE, COL_PIECES,
 COL_REGLE) = range(len(COLUMNS))


class ExitsModel(SortedRowsModel):
    """Read-only rows; :meth:`set_rows` replaces them all (a refresh reloads from the services)."""

    columns = COLUMNS

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._missing_brush = QBrush(QColor(ERROR_COLOR))
        self._muted_brush = QBrush(QColor(MUTED_COLOR))

    def row_of_parcours(self, parcours_id: int) -> int | None:
        for index, entry in enumerate(self._entries):
            if entry.row.parcours_id == parcours_id:
                return index
        return None

    # --- QAbstractTableModel -----------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry, column = self._entries[index.row()], index.column()
        row = entry.row
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].display(row)
        if role == SORT_ROLE:
            return to_qt(entry.sort_values[column])
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(COLUMNS[column].align)
        if role == Qt.ItemDataRole.ForegroundRole:
            if (column == COL_PIECES and row.missing_proof) or (column == COL_TYPE and row.type is None):
                return self._missing_brush
            if column == COL_PIECES and not row.proof_required and not row.proofs:
                return self._muted_brush
            return None
        if role == Qt.ItemDataRole.FontRole:
            if (column == COL_PIECES and row.missing_proof) or (column == COL_TYPE and row.type is None):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def _tooltip(self, row: ExitRow, column: int) -> str | None:
        if column == COL_PIECES:
            if row.missing_proof:
                return "Pièce probante manquante : ouvrez la sortie pour la joindre"
            if not row.proof_required:
                return f"Pas de pièce probante demandée pour cette sortie ({row.proofs} jointe(s))"
            return f"{row.proofs} pièce(s) probante(s) jointe(s)"
        if column == COL_TYPE and row.type is None:
            return "Type de sortie à renseigner : « Qualifier / modifier la sortie… »"
        if column == COL_REGLE:
            return row.explanation + (f"\nCommentaire : {row.commentaire}" if row.commentaire else "")
        return COLUMNS[column].display(row) or None


class ExitsFilter(QSortFilterProxyModel):
    """Catégorie, type, mois and pièce filters; sorting is the source model's."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._category: str | None = None
        self._type: str | None = None
        self._month: str | None = None
        self._proof: str | None = None

    def set_category(self, category: str | None) -> None:
        self._change("_category", None if category is None else str(category))

    def set_type(self, exit_type: str | None) -> None:
        """An :class:`ExitType` value, :data:`UNQUALIFIED`, or None for every type."""
        self._change("_type", None if exit_type is None else str(exit_type))

    def set_month(self, month: str | None) -> None:
        """``"2024-05"`` (``str(YearMonth)``), or None for every month."""
        self._change("_month", month)

    def set_proof(self, proof: str | None) -> None:
        """:data:`PROOF_MISSING`, :data:`PROOF_ATTACHED`, or None."""
        self._change("_proof", proof)

    def filters(self) -> tuple[str | None, str | None, str | None, str | None]:
        return self._category, self._type, self._month, self._proof

    def _change(self, attribute: str, value: str | None) -> None:
        if getattr(self, attribute) == value:
            return
        self.beginFilterChange()
        setattr(self, attribute, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, row: ExitRow) -> bool:
        if self._category is not None and row.category.value != self._category:
            return False
        if self._type is not None and (row.type.value if row.type else UNQUALIFIED) != self._type:
            return False
        if self._month is not None and str(row.month) != self._month:
            return False
        if self._proof == PROOF_MISSING and not row.missing_proof:
            return False
        return not (self._proof == PROOF_ATTACHED and not row.proofs)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.exits_model()
        return 0 <= source_row < model.rowCount() and self.accepts(model.row_at(source_row))

    def exits_model(self) -> ExitsModel:
        model = self.sourceModel()
        assert isinstance(model, ExitsModel)
        return model

    def row_at(self, proxy_row: int) -> ExitRow:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.exits_model().row_at(source.row())

    def visible_rows(self) -> list[ExitRow]:
        return [self.row_at(r) for r in range(self.rowCount())]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.exits_model().sort(column, order)
