"""The monthly hours grid of one operation, editable like a spreadsheet.

Rows are the operation's parcours (the vertical header names the person, so it stays
visible when scrolling sideways, after the row's line number) and a last "Total" row; columns are the zone, the
months of the operation and a "Total" column. One kind of hours is shown at a time:
mise à disposition (only for fiches with a MAD threshold) or accompagnement.

Every change goes through :func:`aapdesk.services.activity.save_hours` at once, in one
transaction: a typed cell, a pasted block, cleared cells. The service accepts all or
nothing; a refusal leaves the grid as it was and :attr:`HoursModel.refused` carries the
French message naming each bad cell ("ligne 3, février 2024 : ..."). The line is
:attr:`HoursRow.line`, the one the vertical header shows (``LINE_ROLE``): rows are never
sorted nor filtered, so line N is the N-th row of the grid. Accepted changes
are pushed on :attr:`HoursModel.undo_stack`; undoing saves the previous values through
the same service.

A cell is editable when the parcours is present that month (up to the as-of date) and
the month has begun. Months under the MAD threshold carry ``SOUS_SEUIL_ROLE`` and a soft
orange background in the MAD view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QUndoCommand, QUndoStack

from aapdesk.domain import activity as act
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.formatting import format_month, format_number
from aapdesk.services import activity as activity_service
from aapdesk.services.activity import HoursEdit, HoursGrid, HoursRow
from aapdesk.services.context import AppContext

MAD = "mad"
ACCOMPAGNEMENT = "accompagnement"
KIND_LABELS = {MAD: "Heures de mise à disposition", ACCOMPAGNEMENT: "Heures d'accompagnement"}

#: True on a month the parcours is present but under the MAD threshold.
SOUS_SEUIL_ROLE = Qt.ItemDataRole.UserRole + 1
#: The cell's hours as a Decimal (months and totals), None for the zone column.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
#: Vertical header: the row's line number, the one refusal messages give (None for the totals).
LINE_ROLE = Qt.ItemDataRole.UserRole + 3

SOUS_SEUIL_BACKGROUND = QColor("#ffe3c2")
ABSENT_BACKGROUND = QColor("#ececec")
ABSENT_FOREGROUND = QColor("#8a8a8a")
TOTAL_BACKGROUND = QColor("#eef2f7")

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
ZONE_COLUMN = 0
FIRST_MONTH_COLUMN = 1
#: At most this many bad cells are listed in a refusal message.
MAX_LISTED_PROBLEMS = 8


# --- text in, text out -----------------------------------------------------------------

def parse_hours(text: str) -> Decimal | None:
    """Hours typed or pasted the French way: ``12,5``, ``12.5``, ``1 234,5``, ``12,5 h``; None when empty.

    Raises ValueError (French) on anything that is not a number.
    """
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if cleaned[-1:].lower() == "h":
        cleaned = cleaned[:-1]
    cleaned = cleaned.replace(" ", "")
    if not cleaned:
        return None
    if cleaned.count(",") == 1 and "." in cleaned:
        cleaned = cleaned.replace(".", "")  # 1.234,5: the dot groups thousands
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"« {text.strip()} » n'est pas un nombre d'heures") from None
    if not value.is_finite():
        raise ValueError(f"« {text.strip()} » n'est pas un nombre d'heures")
    return value


def hours_text(value: Decimal) -> str:
    """``12,5``, ``3 496,5``: at most two decimals, none when whole."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    decimals = min(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, decimals)


def split_clipboard(text: str) -> list[list[str]]:
    """Rows of cells from a block copied in a spreadsheet (tab-separated lines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return [line.split("\t") for line in text.split("\n")]


def where(line: int, month: YearMonth) -> str:
    """How the service names a cell: « ligne 3, février 2024 »."""
    return f"ligne {line}, {month.label}"


def problems_text(intro: str, problems: Sequence[Problem]) -> str:
    lines = [f"• {problem}" for problem in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        rest = len(problems) - MAX_LISTED_PROBLEMS
        lines.append(f"• … et {rest} autre{'s' if rest > 1 else ''} problème{'s' if rest > 1 else ''}")
    return "\n".join([intro, *lines])


# --- undo ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CellChange:
    parcours_id: int
    month: YearMonth
    line: int
    kind: str
    old: Decimal
    new: Decimal

    def edit(self, value: Decimal) -> HoursEdit:
        if self.kind == MAD:
            return HoursEdit(self.parcours_id, self.month, mad=value, line=self.line)
        return HoursEdit(self.parcours_id, self.month, accompagnement=value, line=self.line)


class HoursCommand(QUndoCommand):
    """One accepted change (a cell, a paste, a clear). It was saved before being pushed, so
    the push's first ``redo`` does nothing; later redo and undo save again through the service."""

    def __init__(self, model: HoursModel, operation_id: int, changes: Sequence[CellChange], text: str) -> None:
        super().__init__(text)
        self.model = model
        self.operation_id = operation_id
        self.changes = tuple(changes)
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False  # pushed right after a successful save
            return
        if not self.model.write(self.operation_id, [c.edit(c.new) for c in self.changes],
                                f"Rétablissement impossible ({self.text()})"):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.model.write(self.operation_id, [c.edit(c.old) for c in self.changes],
                                f"Annulation impossible ({self.text()})"):
            self.setObsolete(True)


# --- the model ----------------------------------------------------------------------

class HoursModel(QAbstractTableModel):
    #: The service refused a change; carries the French message (nothing was written).
    refused = Signal(str)
    #: A change was written; carries a short French message for the status bar.
    saved = Signal(str)

    def __init__(self, app: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.app = app
        self.grid: HoursGrid | None = None
        self.kind = ACCOMPAGNEMENT
        self.has_mad = False
        self._as_of: date | None = None
        self.undo_stack = QUndoStack(self)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    # --- loading -------------------------------------------------------------------------

    def load(self, operation_id: int | None, as_of: date | None = None, *, has_mad: bool | None = None) -> None:
        """Show ``operation_id`` as of ``as_of`` (the service's default when None)."""
        previous = self.grid.operation_id if self.grid else None
        self.beginResetModel()
        self._as_of = as_of
        self.grid = activity_service.hours_grid(self.app, operation_id, au=as_of) if operation_id else None
        if has_mad is not None:
            self.has_mad = has_mad
        if not self.has_mad:
            self.kind = ACCOMPAGNEMENT
        self.endResetModel()
        if operation_id != previous:
            self.undo_stack.clear()  # undoing a change of another operation, unseen, would surprise

    def reload(self) -> None:
        """Read the figures again after a save; the grid's shape is unchanged, so no reset."""
        if self.grid is None:
            return
        fresh = activity_service.hours_grid(self.app, self.grid.operation_id, au=self._as_of)
        if (len(fresh.rows), fresh.months) != (len(self.grid.rows), self.grid.months):
            self.beginResetModel()
            self.grid = fresh
            self.endResetModel()
            return
        self.grid = fresh
        self._all_changed()

    def set_kind(self, kind: str) -> None:
        if kind == MAD and not self.has_mad:
            raise ValueError("ce dispositif n'a pas d'heures de mise à disposition")
        if kind != self.kind:
            self.kind = kind
            self._all_changed()

    def _all_changed(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    # --- geometry --------------------------------------------------------------------

    @property
    def months(self) -> tuple[YearMonth, ...]:
        return self.grid.months if self.grid else ()

    @property
    def rows(self) -> tuple[HoursRow, ...]:
        return self.grid.rows if self.grid else ()

    @property
    def total_row(self) -> int:
        return len(self.rows)

    @property
    def total_column(self) -> int:
        return FIRST_MONTH_COLUMN + len(self.months)

    def month_at(self, column: int) -> YearMonth | None:
        offset = column - FIRST_MONTH_COLUMN
        return self.months[offset] if 0 <= offset < len(self.months) else None

    def column_of(self, month: YearMonth) -> int:
        return FIRST_MONTH_COLUMN + self.months.index(month)

    def row_at(self, row: int) -> HoursRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def cell(self, row: int, column: int) -> act.ParcoursMonth | None:
        """The parcours-month under a month cell (None for the zone, totals, out of range)."""
        hours_row, month = self.row_at(row), self.month_at(column)
        if hours_row is None or month is None:
            return None
        return hours_row.months[column - FIRST_MONTH_COLUMN]

    def is_editable(self, row: int, column: int) -> bool:
        cell = self.cell(row, column)
        return cell is not None and cell.present and cell.month.first_day <= self.app.today()

    def _hours(self, cell: act.ParcoursMonth, kind: str | None = None) -> Decimal:
        return cell.mad if (kind or self.kind) == MAD else cell.accompagnement

    def value(self, row: int, column: int) -> Decimal | None:
        """Hours shown in a cell: a month, a row total, a month total or the grand total."""
        if self.grid is None or column == ZONE_COLUMN:
            return None
        if row == self.total_row:
            if column == self.total_column:
                return self.grid.totals.mad if self.kind == MAD else self.grid.totals.accompagnement
            offset = column - FIRST_MONTH_COLUMN
            return sum((self._hours(r.months[offset]) for r in self.rows if r.months[offset].present), Decimal(0))
        hours_row = self.row_at(row)
        if hours_row is None:
            return None
        if column == self.total_column:
            return hours_row.total_mad if self.kind == MAD else hours_row.total_accompagnement
        cell = self.cell(row, column)
        return None if cell is None else self._hours(cell)

    # --- Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.grid is None else len(self.rows) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.grid is None else len(self.months) + 2

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.grid is None:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < self.rowCount() and 0 <= column < self.columnCount()):
            return None
        is_total = row == self.total_row or column == self.total_column
        if column == ZONE_COLUMN:
            return self._zone_data(row, role)
        cell = None if is_total else self.cell(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = self.value(row, column)
            if value is None:
                return ""
            if not is_total and not value:
                return ""  # an empty month reads better than a column of zeros; it counts 0 h
            return hours_text(value)
        if role == VALUE_ROLE:
            return self.value(row, column)
        if role == SOUS_SEUIL_ROLE:
            return bool(cell is not None and cell.sous_seuil)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole:
            if is_total:
                return self._bold
            if cell is not None and not cell.present and self._hours(cell):
                return self._italic
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if is_total:
                return TOTAL_BACKGROUND
            if cell is not None and not self.is_editable(row, column):
                return ABSENT_BACKGROUND
            if cell is not None and cell.sous_seuil and self.kind == MAD:
                return SOUS_SEUIL_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if cell is not None and not self.is_editable(row, column):
                return ABSENT_FOREGROUND
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, cell)
        return None

    def _zone_data(self, row: int, role: int):
        hours_row = self.row_at(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return hours_row.zone if hours_row else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        if role == Qt.ItemDataRole.BackgroundRole and hours_row is None:
            return TOTAL_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole and hours_row is not None and hours_row.threshold is not None:
            return f"Seuil de mise à disposition : {hours_text(hours_row.threshold)} h par mois (zone {hours_row.zone})"
        return None

    def _tooltip(self, row: int, column: int, cell: act.ParcoursMonth | None) -> str | None:
        hours_row = self.row_at(row)
        if cell is None or hours_row is None:
            return None
        if not cell.present:
            if self._hours(cell):
                return "Heures saisies alors que le parcours n'est pas en cours ce mois-là : elles ne sont pas comptées."
            if self.grid and cell.month > YearMonth.of(self.grid.as_of):
                return "Mois après la date d'arrêté : rien à saisir."
            return "Le parcours n'est pas en cours ce mois-là."
        if not self.is_editable(row, column):
            return "Ce mois n'est pas encore commencé."
        if cell.sous_seuil and self.kind == MAD and hours_row.threshold is not None:
            return f"Sous le seuil de {hours_text(hours_row.threshold)} h ({hours_row.zone})"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if self.grid is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.columnCount():
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                if section == ZONE_COLUMN:
                    return "Zone"
                if section == self.total_column:
                    return "Total"
                return format_month(self.months[section - FIRST_MONTH_COLUMN], short=True)
            if role == Qt.ItemDataRole.ToolTipRole and section not in (ZONE_COLUMN, self.total_column):
                return self.months[section - FIRST_MONTH_COLUMN].label
            return None
        if not 0 <= section < self.rowCount():
            return None
        hours_row = self.row_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hours_row.nom} {hours_row.prenom}" if hours_row else "Total"
        if role == LINE_ROLE:
            return hours_row.line if hours_row else None
        if role == Qt.ItemDataRole.ToolTipRole and hours_row is not None:
            return f"Ligne {hours_row.line} : {hours_row.nom} {hours_row.prenom}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        if role == Qt.ItemDataRole.FontRole and hours_row is None:
            return self._bold
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.set_cells([(index.row(), index.column(), value)])

    # --- writing -------------------------------------------------------------------------

    def set_cells(self, cells: Iterable[tuple[int, int, object]], *, empty_means_zero: bool = True,
                  description: str | None = None) -> bool:
        """Write ``(row, column, value)`` cells at once (text as typed, or a number).

        Empty text is 0 h (a typed cell, Del) or "unchanged" (``empty_means_zero=False``,
        a pasted block). Everything is checked first; on any problem nothing is written,
        :attr:`refused` lists the bad cells and False is returned.
        """
        if self.grid is None:
            return False
        cells = list(cells)
        problems: list[Problem] = []
        outside = 0
        changes: list[CellChange] = []
        for row, column, raw in cells:
            try:
                number = raw if isinstance(raw, Decimal) else (
                    Decimal(str(raw)) if isinstance(raw, int | float) else parse_hours(str(raw or "")))
            except ValueError as exc:
                number, error = None, str(exc)
            else:
                error = ""
            if number is None and not error:
                if not empty_means_zero:
                    continue  # an empty pasted cell leaves the month as it is
                number = Decimal(0)
            cell, hours_row = self.cell(row, column), self.row_at(row)
            if cell is None or hours_row is None:
                outside += 1
                continue
            label = where(hours_row.line, cell.month)
            if error:
                problems.append(Problem(label, error))
                continue
            if not self.is_editable(row, column):
                reason = ("le parcours n'est pas en cours ce mois-là" if not cell.present
                          else "ce mois n'est pas encore commencé")
                problems.append(Problem(label, reason))
                continue
            problems += [Problem(label, p.message)
                         for p in act.check_hours(cell.month, *((number, None) if self.kind == MAD else (None, number)))]
            old = self._hours(cell)
            if number != old:
                changes.append(CellChange(hours_row.parcours_id, cell.month, hours_row.line, self.kind, old, number))
        if outside:
            problems.append(Problem("", f"{outside} cellule{'s' if outside > 1 else ''} hors de la grille des mois "
                                        "(zone, totaux ou au-delà du tableau) : collez à partir de la bonne cellule"))
        many = len(cells) > 1
        refusal = "Collage refusé, rien n'a été enregistré :" if many else "Saisie refusée, la cellule garde sa valeur :"
        if problems:
            self.refused.emit(problems_text(refusal, problems))
            return False
        if not changes:
            return True
        # The person, not the line: the history outlives a reload that may renumber the rows.
        text = description or (f"saisie {self._person(changes[0].parcours_id)}, {changes[0].month.label}"
                               if len(changes) == 1 else f"modification de {len(changes)} cellules")
        if not self.write(self.grid.operation_id, [c.edit(c.new) for c in changes], refusal):
            return False
        self.undo_stack.push(HoursCommand(self, self.grid.operation_id, changes, text))
        return True

    def _person(self, parcours_id: int) -> str:
        return next((f"{r.nom} {r.prenom}" for r in self.rows if r.parcours_id == parcours_id), "")

    def write(self, operation_id: int, edits: list[HoursEdit], refusal: str) -> bool:
        """Save through the service; on refusal emit :attr:`refused` and return False.

        The edits are numbered with the lines shown now: an undo may come after a reload
        that moved the rows (a participant added), and « ligne N » must be the row on screen.
        """
        if self.grid is not None and self.grid.operation_id == operation_id:
            lines = {row.parcours_id: row.line for row in self.rows}
            edits = [replace(edit, line=lines.get(edit.parcours_id)) for edit in edits]
        try:
            written = activity_service.save_hours(self.app, operation_id, edits)
        except ValidationError as exc:
            self.refused.emit(problems_text(refusal, exc.problems))
            return False
        if self.grid is not None and self.grid.operation_id == operation_id:
            self.reload()
        self.saved.emit(f"Heures enregistrées ({written} mois).")
        return True

    def paste(self, text: str, row: int, column: int) -> bool:
        """Paste a spreadsheet block with its top-left cell at (row, column); all or nothing."""
        block = split_clipboard(text)
        cells = [(row + r, column + c, value) for r, line in enumerate(block) for c, value in enumerate(line)]
        return self.set_cells(cells, empty_means_zero=False,
                              description=f"collage de {sum(1 for *_x, v in cells if v.strip())} cellules")

    def fill(self, positions: Iterable[tuple[int, int]], text: str) -> bool:
        """One value into several selected cells (only the editable ones)."""
        cells = [(r, c, text) for r, c in positions if self.is_editable(r, c)]
        return self.set_cells(cells, empty_means_zero=False, description=f"collage dans {len(cells)} cellules")

    def clear(self, positions: Iterable[tuple[int, int]]) -> bool:
        """Del: the selected editable cells go to 0 h."""
        cells = [(r, c, Decimal(0)) for r, c in positions if self.is_editable(r, c)]
        return self.set_cells(cells, description=f"effacement de {len(cells)} cellule{'s' if len(cells) > 1 else ''}")

    def copy_text(self, positions: Iterable[tuple[int, int]]) -> str:
        """The selected cells as a tab-separated block, French decimals (for a spreadsheet)."""
        positions = list(positions)
        if not positions:
            return ""
        rows = sorted({r for r, _ in positions})
        columns = sorted({c for _, c in positions})
        chosen = set(positions)
        lines = []
        for r in rows:
            lines.append("\t".join(
                str(self.data(self.index(r, c))) if (r, c) in chosen else "" for c in columns))
        return "\n".join(lines) + "\n"

    # --- legend ----------------------------------------------------------------------

    def legend(self, capacity: int | None = None) -> str:
        """« Mois valorisables : 106 / objectif 240 (20 postes × 12) · Mois sous le seuil (en orange) : 51 · … »."""
        if self.grid is None:
            return ""
        totals, target = self.grid.totals, self.grid.months_target
        parts = []
        if self.has_mad:
            valorisables = f"Mois valorisables : {totals.valorisables}"
            if target is not None:
                basis = f"{capacity} postes × 12" if capacity else "postes × 12"
                valorisables += f" / objectif {format_number(target)} ({basis})"
            parts += [valorisables, f"Mois sous le seuil (en orange) : {totals.sous_seuil}",
                      f"Total MAD : {hours_text(totals.mad)}\u00a0h"]
        else:
            presence = f"Mois de présence : {totals.presents}"
            if target is not None:
                presence += f" / objectif {format_number(target)}"
            parts.append(presence)
        parts.append(f"Total accompagnement : {hours_text(totals.accompagnement)}\u00a0h")
        return " · ".join(parts)
