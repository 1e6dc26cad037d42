"""The tables of the Finances page, each over rows of :func:`aapdesk.services.finances.finance_view`.

Staff (one row per salarié), a salarié's months, expenses (with :class:`ExpensesFilter`),
resources, the versements of a resource, and the budget (prévu / réalisé / écart). Every
amount is the view's, formatted by :func:`aapdesk.formatting.format_money`; nothing is
recomputed here except the obvious differences a reader expects (reste = prévu − reçu,
écart = réalisé − prévu, the budget's total line).

Like the participants table, each column is declared once (header, displayed text, sort
value, typical width). Roles: ``SORT_ROLE`` gives each cell's native value, ``OBJECT_ROLE``
the row itself, ``ISSUES_ROLE`` (expenses' Problèmes column) the issues as (label, excluding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from aapdesk.domain import finances as fin
from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import NNBSP, format_date, format_money, format_month, format_number, format_percent
from aapdesk.domain.participants import fold_accents
from aapdesk.qt.models.sorted_rows import CENTER, LEFT, OBJECT_ROLE, RIGHT, SORT_ROLE, SortedRowsModel, to_qt
from aapdesk.qt.widgets.common import MUTED_COLOR
from aapdesk.qt.widgets.field_errors import ERROR_COLOR
from aapdesk.services.finances import (
    CONTRATS,
    FINANCEURS,
    JUSTIFICATIONS,
    VERSEMENTS,
    BudgetRow,
    ExpenseRow,
    ResourceRow,
    StaffRow,
)

#: Expenses' Problèmes column: a list of (French label, excludes the amount).
ISSUES_ROLE = Qt.ItemDataRole.UserRole + 3

#: Issues that do not exclude the amount (to correct, still counted): orange, never colour alone.
WARNING_COLOR = "#a65400"

#: Short category names for the tables (the full label in the tooltip and the forms).
SHORT_CATEGORIES = {"personnel": "Personnel", "fonctionnement": "Fonctionnement",
                    "prestations": "Prestations externes", "participants": "Participants"}

SortValue = str | int | float | date | None


# --- wording shared with the page and the dialogs -------------------------------------------

def number_text(value: Decimal, max_decimals: int = 2) -> str:
    """``1`` for 1.00, ``0,5`` for 0.50, ``33,33`` for 33.333: no useless zeros."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(normal, min(decimals, max_decimals))


def pct_text(percent: Decimal | None) -> str:
    """An affectation stored in percent (60.00) as ``60 %``."""
    return "" if percent is None else f"{number_text(percent)}{NNBSP}%"


def signed_money(amount: Decimal) -> str:
    """``+1 234,00 €`` / ``-560,00 €``: an écart says which way it goes."""
    return ("+" if amount > 0 else "") + format_money(amount)


def category_short(code: str) -> str:
    return SHORT_CATEGORIES.get(code, fin.CATEGORIES.get(code, code))


def month_title(month: YearMonth) -> str:
    label = format_month(month)
    return label[:1].upper() + label[1:]


def justification_short(code: str) -> str:
    return JUSTIFICATIONS.get(code, code).split(" (")[0]


def issue_labels(issues: Sequence[str]) -> list[tuple[str, bool]]:
    """Each issue's French label, and whether it excludes the amount from eligible costs."""
    return [(fin.ISSUES.get(code, code), code in fin.EXCLUDING) for code in issues]


def issues_text(issues: Sequence[str]) -> str:
    return " · ".join(label for label, _excluding in issue_labels(issues))


def issues_tooltip(issues: Sequence[str]) -> str:
    lines = [f"• {label[:1].upper()}{label[1:]} – "
             + ("exclue des dépenses éligibles" if excluding else "à corriger, la dépense reste comptée")
             for label, excluding in issue_labels(issues)]
    return "\n".join(lines)


def invoice_text(row: ExpenseRow) -> str:
    return "non" if not row.invoices else ("oui" if row.invoices == 1 else f"oui ({row.invoices})")


def reste(row: ResourceRow) -> Decimal:
    return row.montant_prevu - row.recu


def ecart_percent(row: BudgetRow) -> str:
    """The écart as a share of the planned amount; empty when nothing was planned."""
    if row.prevu <= 0:
        return ""
    value = format_percent(row.ecart / row.prevu)
    return ("+" if row.ecart > 0 and not value.startswith("0") else "") + value


# --- the shared table model ---------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[object], str]
    sort: Callable[[object], SortValue]
    #: A typical long value: the column is as wide as it (or its header).
    sample: str
    align: Qt.AlignmentFlag = LEFT
    tooltip: str = ""


class RowsModel(SortedRowsModel):
    """Read-only rows over :attr:`COLUMNS`; :meth:`set_rows` replaces them all.

    Subclasses colour, embolden and explain cells through :meth:`color`, :meth:`font_for`
    and :meth:`tooltip`.
    """

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._brushes: dict[str, QBrush] = {}

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return self.COLUMNS

    def row_of(self, key: object, attribute: str = "id") -> int | None:
        """The position of the row whose ``attribute`` equals ``key``."""
        for index, entry in enumerate(self._entries):
            if getattr(entry.row, attribute, None) == key:
                return index
        return None

    def text(self, row: int, column: int) -> str:
        return self.COLUMNS[column].display(self.row_at(row))

    # --- what subclasses refine ----------------------------------------------------------

    def color(self, row: object, column: int) -> str | None:
        return None

    def font_for(self, row: object, column: int) -> QFont | None:
        return None

    def tooltip(self, row: object, column: int) -> str | None:
        text = self.COLUMNS[column].display(row)
        return text if len(text) > 24 else None

    def extra_data(self, row: object, column: int, role: int) -> object:
        return None

    # --- QAbstractTableModel -----------------------------------------------------------

    def _brush(self, color: str) -> QBrush:
        if color not in self._brushes:
            self._brushes[color] = QBrush(QColor(color))
        return self._brushes[color]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry, column = self._entries[index.row()], index.column()
        row = entry.row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[column].display(row)
        if role == SORT_ROLE:
            return to_qt(entry.sort_values[column])
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.COLUMNS[column].align)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self.color(row, column)
            return self._brush(color) if color else None
        if role == Qt.ItemDataRole.FontRole:
            return self.font_for(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        return self.extra_data(row, column, role)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


# --- staff --------------------------------------------------------------------------------

class StaffModel(RowsModel):
    COLUMNS = (
        Column("Nom", lambda r: r.nom, lambda r: fold_accents(r.nom), "HENNEBELLE"),
        Column("Prénom", lambda r: r.prenom, lambda r: fold_accents(r.prenom), "Jean-Noël"),
        Column("Fonction", lambda r: fin.FUNCTIONS.get(r.fonction, r.fonction),
               lambda r: fold_accents(fin.FUNCTIONS.get(r.fonction, r.fonction)), "Encadrant technique…"),
        Column("Contrat", lambda r: CONTRATS.get(r.contrat, r.contrat), lambda r: r.contrat, "Contrat"),
        Column("ETP", lambda r: number_text(r.etp), lambda r: float(r.etp), "0,75", RIGHT,
               "Équivalent temps plein du contrat"),
        Column("Affectation", lambda r: pct_text(r.taux_affectation_pct), lambda r: float(r.taux_affectation_pct),
               "100 %", RIGHT, "Part du temps de travail consacrée à l'opération (par défaut, chaque mois)"),
        Column("Justification", lambda r: justification_short(r.justification), lambda r: r.justification,
               "Lettre de mission"),
        Column("Total éligible", lambda r: format_money(r.eligible), lambda r: float(r.eligible), "99 999,99 €",
               RIGHT, "Coûts chargés × affectation des mois saisis, selon les règles de la fiche"),
        Column("Problèmes", lambda r: " · ".join(r.problems), lambda r: len(r.problems) or None,
               "affectation de 20 %, sous le minimum de 30 %"),
    )
    COL_PROBLEMS = 8
    COL_ELIGIBLE = 7

    def color(self, row: object, column: int) -> str | None:
        assert isinstance(row, StaffRow)
        return ERROR_COLOR if column == self.COL_PROBLEMS and row.problems else None

    def tooltip(self, row: object, column: int) -> str | None:
        assert isinstance(row, StaffRow)
        if column == self.COL_PROBLEMS and row.problems:
            return ("Coûts exclus des dépenses éligibles :\n" + "\n".join(f"• {p}" for p in row.problems))
        if column == 2:
            return fin.FUNCTIONS.get(row.fonction, row.fonction)
        if column == 6:
            return JUSTIFICATIONS.get(row.justification, row.justification)
        return super().tooltip(row, column)


#: One month of a salarié: (month, loaded cost, affectation %, eligible).
StaffMonthRow = tuple[YearMonth, Decimal, Decimal, Decimal]


class StaffMonthsModel(RowsModel):
    COLUMNS = (
        Column("Mois", lambda r: month_title(r[0]), lambda r: (r[0].year, r[0].month), "Septembre 2025"),  # type: ignore[index]
        Column("Coût chargé", lambda r: format_money(r[1]), lambda r: float(r[1]), "9 999,99 €", RIGHT,  # type: ignore[index]
               "Salaire brut et cotisations patronales du mois"),
        Column("Affectation", lambda r: pct_text(r[2]), lambda r: float(r[2]), "100 %", RIGHT),  # type: ignore[index]
        Column("Éligible", lambda r: format_money(r[3]), lambda r: float(r[3]), "9 999,99 €", RIGHT,  # type: ignore[index]
               "Coût chargé × affectation, ou 0 quand la fiche exclut le mois"),
    )
    COL_ELIGIBLE = 3

    def color(self, row: object, column: int) -> str | None:
        month, cost, _pct, eligible = row  # type: ignore[misc]
        return ERROR_COLOR if column == self.COL_ELIGIBLE and cost > 0 and eligible == 0 else None

    def tooltip(self, row: object, column: int) -> str | None:
        _month, cost, _pct, eligible = row  # type: ignore[misc]
        if column == self.COL_ELIGIBLE and cost > 0 and eligible == 0:
            return "Mois exclu des dépenses éligibles : voir les problèmes du salarié"
        return None


# --- expenses -----------------------------------------------------------------------------

class ExpensesModel(RowsModel):
    COLUMNS = (
        Column("Date", lambda r: format_date(r.date), lambda r: r.date, "00/00/0000", CENTER,
               "Date de la facture"),
        Column("Catégorie", lambda r: category_short(r.categorie), lambda r: r.categorie, "Fonctionnement"),
        Column("Fournisseur", lambda r: r.fournisseur, lambda r: fold_accents(r.fournisseur) or None, "Transdev Artois…"),
        Column("N° de pièce", lambda r: r.numero_piece, lambda r: fold_accents(r.numero_piece) or None, "F12-0001"),
        Column("Libellé", lambda r: r.libelle, lambda r: fold_accents(r.libelle), "Loyer du local (janvier)"),
        Column("Montant", lambda r: format_money(r.montant), lambda r: float(r.montant), "99 999,99 €", RIGHT),
        Column("Payée le", lambda r: format_date(r.date_paiement), lambda r: r.date_paiement, "00/00/0000",
               CENTER, "Date du paiement (la dépense est acquittée)"),
        Column("Facture", invoice_text, lambda r: r.invoices, "oui (2)", CENTER, "Facture ou pièce comptable jointe"),
        Column("Problèmes", lambda r: issues_text(r.issues), lambda r: len(r.issues) or None,
               "sans facture ni pièce comptable jointe",
               tooltip="En rouge : la dépense est exclue des dépenses éligibles ; en orange : à corriger"),
    )
    (COL_DATE, COL_CATEGORIE, COL_FOURNISSEUR, COL_PIECE, COL_LIBELLE, COL_MONTANT, COL_PAIEMENT, COL_FACTURE,
     COL_PROBLEMES) = range(9)

    def color(self, row: object, column: int) -> str | None:
        assert isinstance(row, ExpenseRow)
        if column == self.COL_PROBLEMES and row.issues:
            return ERROR_COLOR if not row.eligible else WARNING_COLOR
        if column == self.COL_MONTANT and not row.eligible:
            return ERROR_COLOR
        return None

    def font_for(self, row: object, column: int) -> QFont | None:
        assert isinstance(row, ExpenseRow)
        if column == self.COL_MONTANT and not row.eligible:
            font = QFont()
            font.setStrikeOut(True)  # not counted: struck through, and said in the tooltip
            return font
        return None

    def tooltip(self, row: object, column: int) -> str | None:
        assert isinstance(row, ExpenseRow)
        if column == self.COL_PROBLEMES and row.issues:
            return issues_tooltip(row.issues)
        if column == self.COL_MONTANT and not row.eligible:
            return "Exclue des dépenses éligibles (voir la colonne Problèmes)"
        if column == self.COL_CATEGORIE:
            return fin.CATEGORIES.get(row.categorie, row.categorie)
        return super().tooltip(row, column)

    def extra_data(self, row: object, column: int, role: int) -> object:
        if role == ISSUES_ROLE and column == self.COL_PROBLEMES:
            assert isinstance(row, ExpenseRow)
            return issue_labels(row.issues)
        return None


class ExpensesFilter(QSortFilterProxyModel):
    """Catégorie and "problèmes seulement" filters; sorting is the source model's."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._category: str | None = None
        self._problems_only = False

    def set_category(self, category: str | None) -> None:
        if category == self._category:
            return
        self.beginFilterChange()
        self._category = category
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_problems_only(self, on: bool) -> None:
        if bool(on) == self._problems_only:
            return
        self.beginFilterChange()
        self._problems_only = bool(on)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filters(self) -> tuple[str | None, bool]:
        return self._category, self._problems_only

    def accepts(self, row: ExpenseRow) -> bool:
        if self._category is not None and row.categorie != self._category:
            return False
        return not (self._problems_only and not row.issues)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.expenses_model()
        return 0 <= source_row < model.rowCount() and self.accepts(model.row_at(source_row))

    def expenses_model(self) -> ExpensesModel:
        model = self.sourceModel()
        assert isinstance(model, ExpensesModel)
        return model

    def row_at(self, proxy_row: int) -> ExpenseRow:
        return self.expenses_model().row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def visible_rows(self) -> list[ExpenseRow]:
        return [self.row_at(r) for r in range(self.rowCount())]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.expenses_model().sort(column, order)


# --- resources ----------------------------------------------------------------------------

def versements_text(row: ResourceRow) -> str:
    if not row.versements:
        return "aucun"
    return " · ".join(f"{VERSEMENTS.get(nature, nature).lower()} du {format_date(day)}"
                      for _id, day, nature, _amount in row.versements)


class ResourcesModel(RowsModel):
    COLUMNS = (
        Column("Financeur", lambda r: FINANCEURS.get(r.financeur, r.financeur), lambda r: r.financeur,
               "Commune ou EPCI"),
        Column("Libellé", lambda r: r.libelle, lambda r: fold_accents(r.libelle) or None, "Subvention de la convention"),
        Column("Prévu", lambda r: format_money(r.montant_prevu), lambda r: float(r.montant_prevu), "999 999,99 €",
               RIGHT),
        Column("Reçu", lambda r: format_money(r.recu), lambda r: float(r.recu), "999 999,99 €", RIGHT,
               "Versements reçus jusqu'à la date d'arrêté"),
        Column("Reste", lambda r: format_money(reste(r)), lambda r: float(reste(r)), "999 999,99 €", RIGHT,
               "Prévu − reçu"),
        Column("Versements", versements_text, lambda r: len(r.versements), "avance du 15/02/2025"),
    )
    COL_RESTE = 4

    def color(self, row: object, column: int) -> str | None:
        assert isinstance(row, ResourceRow)
        if column == self.COL_RESTE and reste(row) < 0:
            return WARNING_COLOR
        return None


#: One versement of a resource: (id, date, nature, montant).
VersementRow = tuple[int, date, str, Decimal]


class VersementsModel(RowsModel):
    COLUMNS = (
        Column("Date", lambda r: format_date(r[1]), lambda r: r[1], "00/00/0000", CENTER),  # type: ignore[index]
        Column("Nature", lambda r: VERSEMENTS.get(r[2], r[2]), lambda r: r[2], "Acompte"),  # type: ignore[index]
        Column("Montant", lambda r: format_money(r[3]), lambda r: float(r[3]), "999 999,99 €", RIGHT),  # type: ignore[index]
    )


# --- budget -------------------------------------------------------------------------------

TOTAL_KEY = "total"


def budget_rows_with_total(rows: Sequence[BudgetRow]) -> list[BudgetRow]:
    """The view's lines and a Total line (the sums of the lines shown)."""
    total = BudgetRow(TOTAL_KEY, "Total", sum((r.prevu for r in rows), Decimal(0)),
                      sum((r.realise for r in rows), Decimal(0)))
    return [*rows, total]


class BudgetModel(RowsModel):
    COLUMNS = (
        Column("Poste", lambda r: r.label, lambda r: None, "Dépenses liées aux participants"),
        Column("Prévu", lambda r: format_money(r.prevu), lambda r: None, "999 999,99 €", RIGHT,
               "Budget prévisionnel de la convention"),
        Column("Réalisé éligible", lambda r: format_money(r.realise), lambda r: None, "999 999,99 €", RIGHT,
               "Dépenses éligibles à la date d'arrêté"),
        Column("Écart", lambda r: signed_money(r.ecart), lambda r: None, "+999 999,99 €", RIGHT,
               "Réalisé − prévu"),
        Column("Écart / prévu", ecart_percent, lambda r: None, "-100 %", RIGHT,
               "L'écart en pourcentage du prévu"),
    )
    COL_ECART, COL_PERCENT = 3, 4

    def set_budget(self, rows: Sequence[BudgetRow]) -> None:
        self.set_rows(budget_rows_with_total(rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The budget keeps the order of the convention's categories."""

    def color(self, row: object, column: int) -> str | None:
        assert isinstance(row, BudgetRow)
        if column in (self.COL_ECART, self.COL_PERCENT) and row.ecart > 0:
            return WARNING_COLOR  # spent more than planned
        if row.categorie == "indirectes" and column == 0:
            return MUTED_COLOR
        return None

    def font_for(self, row: object, column: int) -> QFont | None:
        assert isinstance(row, BudgetRow)
        return _bold() if row.categorie == TOTAL_KEY else None

    def tooltip(self, row: object, column: int) -> str | None:
        assert isinstance(row, BudgetRow)
        if column in (self.COL_ECART, self.COL_PERCENT) and row.ecart > 0:
            return "Dépassement du prévisionnel"
        if row.categorie == "indirectes" and column == 0:
            return "Calculées par la règle de la fiche, sur le prévu comme sur le réalisé"
        return None
