"""Shared xlsx writing: formula-injection neutralising, header styles, frozen panes, widths.

Every text that reaches a cell goes through :func:`neutralise`: a leading ``=``, ``+``,
``-``, ``@``, tab or carriage return would make Excel read a formula, so such a text is
prefixed with an apostrophe (OWASP ASVS 1.2.10). Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aapdesk.domain.imports import FORMULA_TRIGGERS
HEADER_FILL = PatternFill("solid", fgColor="1D4E89")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = '#,##0.00\\ "€"'
PERCENT_FORMAT = "0.0%"


def neutralise(text: str) -> str:
    """The inverse is :func:`aapdesk.domain.imports.unneutralise`, so exported data imports back unchanged."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell_value(value: Any) -> Any:
    """What to store in a cell: neutralised text, plain numbers (Decimal as float), dates."""
    if value is None:
        return None
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float, date, datetime)):
        return value
    return neutralise(str(value))


def write_table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                widths: Sequence[int] | None = None, start_row: int = 1,
                number_formats: dict[int, str] | None = None) -> int:
    """Write a header row and the rows; returns the last row written."""
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=start_row, column=col, value=neutralise(title))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    row_index = start_row
    for row_index, values in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row_index, column=col, value=cell_value(value))
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif number_formats and col in number_formats:
                cell.number_format = number_formats[col]
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    for col, title in enumerate(headers, start=1):
        width = widths[col - 1] if widths else max(10, min(60, len(title) + 4))
        ws.column_dimensions[get_column_letter(col)].width = width
    return row_index
