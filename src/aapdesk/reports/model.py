"""The format-neutral report: a :class:`Report` of :class:`Section` s holding paragraphs, key
figures and :class:`Table` s of typed cells. Builders make reports from domain data; the xlsx
and PDF writers turn any report into a file without computing anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Union


class Kind(StrEnum):
    """How a cell is formatted: the same value shows the same way on screen, in xlsx and in PDF."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"  # Decimal euros
    HOURS = "hours"  # Decimal hours
    DECIMAL = "decimal"
    PERCENT = "percent"  # a fraction: 0.45 shows 45 %
    DATE = "date"
    BOOL = "bool"


CellValue = Union[str, int, Decimal, date, bool, None]


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    width: int = 14  # in characters, for xlsx and as a proportion in PDF


@dataclass(frozen=True)
class Cell:
    """A value with optional emphasis: ``flag`` marks a cell to highlight (under threshold, missing)."""

    value: CellValue
    flag: str = ""  # "", "warning" or "error"


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None
    note: str = ""

    @staticmethod
    def of(title: str, columns: list[Column], rows: list[list[CellValue | Cell]],
           total: list[CellValue | Cell] | None = None, note: str = "") -> Table:
        def cells(values: list[CellValue | Cell]) -> tuple[Cell, ...]:
            return tuple(v if isinstance(v, Cell) else Cell(v) for v in values)

        return Table(title, tuple(columns), tuple(cells(r) for r in rows), cells(total) if total else None, note)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: CellValue
    kind: Kind = Kind.TEXT
    target: CellValue = None  # the fiche's objective, when there is one
    met: bool | None = None


@dataclass(frozen=True)
class Chart:
    """A bar chart (file active per month) with a target line (places); drawn natively by each writer."""

    title: str
    categories: tuple[str, ...]
    bars: tuple[int, ...]
    bar_label: str
    line: tuple[int, ...] | None = None
    line_label: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    figures: tuple[KeyFigure, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    bullets: tuple[str, ...] = ()
    page_break_before: bool = False
    #: Short name for the xlsx sheet (31 characters at most, no []:*?/\\).
    sheet: str = ""


@dataclass(frozen=True)
class Report:
    title: str
    structure: str
    operation: str
    subtitle: str
    generated_on: date
    sections: tuple[Section, ...] = field(default=())
    #: Parameters printed on a "Paramètres" sheet: (label, value).
    parameters: tuple[tuple[str, str], ...] = ()
