"""Writes any :class:`~aapdesk.reports.model.Report` as an xlsx workbook, without computing anything.

One sheet per section (the first one carries the report's title block), key figures as a
small table (indicateur, valeur, objectif, atteint), each table under a blue header row with
number formats by cell kind, flagged cells filled (orange: to watch, red: to fix), totals in
bold, charts as native Excel charts beside their table, and a last "Paramètres" sheet.

Cells hold values, never formulas; every text goes through
:func:`~aapdesk.reports.xlsx_common.neutralise` (formula injection).
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from functools import lru_cache
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aapdesk.formatting import format_date
from aapdesk.reports.model import Cell, Chart, Column, KeyFigure, Kind, Report, Section, Table
from aapdesk.reports.xlsx_common import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    cell_value,
    neutralise,
)

NUMBER_FORMATS: dict[Kind, str] = {
    Kind.INT: "#,##0",
    Kind.MONEY: MONEY_FORMAT,
    Kind.HOURS: "#,##0.0",
    Kind.DECIMAL: "#,##0.0#",
    Kind.PERCENT: PERCENT_FORMAT,
    Kind.DATE: DATE_FORMAT,
}
WARNING_FILL = PatternFill("solid", fgColor="FFD8A8")
ERROR_FILL = PatternFill("solid", fgColor="F4B4B4")
FLAG_FILLS = {"warning": WARNING_FILL, "error": ERROR_FILL}
TOTAL_FILL = PatternFill("solid", fgColor="E8EEF5")
TOTAL_BORDER = Border(top=Side(style="thin", color="1D4E89"))
TITLE_FONT = Font(bold=True, size=15, color="1D4E89")
SECTION_FONT = Font(bold=True, size=13, color="1D4E89")
TABLE_TITLE_FONT = Font(bold=True, size=11, color="1D4E89")
MUTED_FONT = Font(italic=True, color="52606D")
MET_FONT = Font(bold=True, color="1E7B34")
NOT_MET_FONT = Font(bold=True, color="9C4A00")
CENTERED = Alignment(horizontal="center")
WRAPPED = Alignment(vertical="top", wrap_text=True)
LINE_HEIGHT = 15  # points per line of 10-11 pt text
#: A paragraph spans as many columns as it takes to be about this wide (characters).
PARAGRAPH_WIDTH = 110
#: No column grows wider than this: longer texts wrap instead of pushing the next columns off the page.
MAX_COLUMN_WIDTH = 64
DEFAULT_COLUMN_WIDTH = 9  # what a spreadsheet gives a column nobody sized
RIGHT = Alignment(horizontal="right")
HEADER_TEXT = Alignment(vertical="center", wrap_text=True, horizontal="left")
HEADER_NUMBER = Alignment(vertical="center", wrap_text=True, horizontal="center")
FIGURE_COLUMNS = (Column("Indicateur", width=64), Column("Valeur", width=16), Column("Objectif", width=16),
                  Column("Atteint", width=10))
#: Where a chart's data is written (hidden columns, far right of the sheet).
CHART_DATA_COLUMN = 40
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
PARAMETERS_SHEET = "Paramètres"


def write_xlsx(report: Report, handle: BinaryIO) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for index, section in enumerate(report.sections):
        ws = wb.create_sheet(_sheet_name(section.sheet or section.title, used))
        _SheetWriter(ws, report, section, first=index == 0).write()
    if report.parameters or not report.sections:
        _write_parameters(wb.create_sheet(_sheet_name(PARAMETERS_SHEET, used)), report)
    wb.properties.title = report.title
    wb.properties.creator = "aapdesk"
    wb.save(handle)


def _sheet_name(wanted: str, used: set[str]) -> str:
    base = " ".join(SHEET_FORBIDDEN.sub(" ", wanted).split()).strip("'")[:SHEET_MAX].rstrip(" '") or "Feuille"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: SHEET_MAX - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


class _SheetWriter:
    """Lays one section out on one sheet, top to bottom.

    Tables on one sheet share its columns: each column is as wide as the widest block asks
    (up to :data:`MAX_COLUMN_WIDTH`), and only once every block is written are texts wrapped
    and rows made tall enough to show them, so no block squeezes into another's widths.
    """

    def __init__(self, ws: Worksheet, report: Report, section: Section, *, first: bool) -> None:
        self.ws, self.report, self.section, self.first = ws, report, section, first
        self.row = 1
        self.widths: dict[int, int] = {}
        self.first_table_header: int | None = None
        self.first_table: Table | None = None
        self.paragraph_rows: list[int] = []
        self.wrapped_cells: list[tuple[int, int]] = []  # (row, column) of texts that may need wrapping

    def write(self) -> None:
        self._title_block()
        for paragraph in self.section.paragraphs:
            self._text(paragraph)
        if self.section.paragraphs:
            self.row += 1
        if self.section.figures:
            self._figures(self.section.figures)
        for table in self.section.tables:
            self._table(table)
        for bullet in self.section.bullets:
            self._text("• " + bullet)
        self._charts()
        self._freeze_and_print()
        self._size_columns_and_rows()

    # --- layout, once every block is written -------------------------------------------

    def _size_columns_and_rows(self) -> None:
        ws = self.ws
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for row, col in self.wrapped_cells:
            cell = ws.cell(row=row, column=col)
            lines = _line_count(str(cell.value), self._width(col))
            if lines > 1:
                cell.alignment = _alignment(cell.alignment.horizontal, cell.alignment.vertical or "top", True)
                self._at_least_lines(row, lines)
        for row in self.paragraph_rows:
            text = str(ws.cell(row=row, column=1).value)
            span, width = 1, self._width(1)
            while width < PARAGRAPH_WIDTH:
                span += 1
                width += self._width(span)
            if len(text) > self._width(1):
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
            self._at_least_lines(row, _line_count(text, width))

    def _width(self, col: int) -> int:
        return self.widths.get(col, DEFAULT_COLUMN_WIDTH)

    def _at_least_lines(self, row: int, lines: int) -> None:
        # spreadsheets do not grow a row for wrapped text written by a program: size it
        dimension = self.ws.row_dimensions[row]
        dimension.height = max(dimension.height or LINE_HEIGHT, LINE_HEIGHT * lines)
        if lines > 1:  # a tall row reads from the top: each figure beside the first line of its label
            for col in self.widths:
                cell = self.ws.cell(row=row, column=col)
                if cell.value is not None and cell.alignment.vertical is None:
                    cell.alignment = _alignment(cell.alignment.horizontal, "top", cell.alignment.wrap_text)

    # --- blocks -----------------------------------------------------------------------

    def _title_block(self) -> None:
        report = self.report
        if self.first:
            self._put(1, report.title, font=TITLE_FONT)
            for line in (report.structure, report.operation, report.subtitle):
                if line:
                    self._text(line)
            self._put(1, f"Édité le {format_date(report.generated_on)}", font=MUTED_FONT)
            self.row += 1
            self._put(1, self.section.title, font=SECTION_FONT)
        else:
            self._put(1, self.section.title, font=SECTION_FONT)
            self._text(" – ".join(x for x in (report.title, report.operation, report.subtitle) if x), font=MUTED_FONT)
        self.row += 1

    def _put(self, col: int, text: str, *, font: Font | None = None) -> None:
        cell = self.ws.cell(row=self.row, column=col, value=neutralise(text))
        if font is not None:
            cell.font = font
        self.row += 1

    def _text(self, text: str, *, font: Font | None = None) -> None:
        """A paragraph wrapped over the first columns: left to overflow, it would widen the printed page."""
        cell = self.ws.cell(row=self.row, column=1, value=neutralise(text))
        cell.alignment = WRAPPED
        if font is not None:
            cell.font = font
        self.paragraph_rows.append(self.row)
        self.row += 1

    def _figures(self, figures: tuple[KeyFigure, ...]) -> None:
        with_target = any(f.target is not None for f in figures)
        with_met = any(f.met is not None for f in figures)
        columns = [FIGURE_COLUMNS[0], FIGURE_COLUMNS[1]]
        if with_target or with_met:
            columns.append(FIGURE_COLUMNS[2])
        if with_met:
            columns.append(FIGURE_COLUMNS[3])
        self._header(columns)
        for figure in figures:
            values: list[tuple[Any, Kind]] = [(figure.label, Kind.TEXT), (figure.value, figure.kind)]
            if len(columns) > 2:
                values.append((figure.target, figure.kind))
            for col, (value, kind) in enumerate(values, start=1):
                cell = self.ws.cell(row=self.row, column=col, value=_value(value, kind))
                _format(cell, kind)
                if kind is Kind.TEXT and isinstance(cell.value, str):
                    self.wrapped_cells.append((self.row, col))
                    if col > 1:  # a figure written as text ("35 / 26") lines up with the numbers
                        cell.alignment = RIGHT
                if value is None and col == 2:
                    cell.value = "–"
                    cell.alignment = RIGHT
            if with_met and figure.met is not None:
                cell = self.ws.cell(row=self.row, column=4, value="oui" if figure.met else "non")
                cell.font = MET_FONT if figure.met else NOT_MET_FONT
                cell.alignment = CENTERED
                if not figure.met:
                    cell.fill = WARNING_FILL
            self.row += 1
        self.row += 1

    def _header(self, columns: list[Column] | tuple[Column, ...]) -> int:
        for col, column in enumerate(columns, start=1):
            cell = self.ws.cell(row=self.row, column=col, value=neutralise(column.title))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = HEADER_TEXT if column.kind is Kind.TEXT else HEADER_NUMBER
            self.widths[col] = min(max(self.widths.get(col, 0), column.width), MAX_COLUMN_WIDTH)
            self.wrapped_cells.append((self.row, col))
        header = self.row
        self.row += 1
        return header

    def _table(self, table: Table) -> None:
        if table.title:
            self._text(table.title, font=TABLE_TITLE_FONT)
        header = self._header(table.columns)
        if self.first_table_header is None:
            self.first_table_header, self.first_table = header, table
        for cells in table.rows:
            self._cells(table.columns, cells)
        if table.total is not None:
            start = self.row
            self._cells(table.columns, table.total)
            for col in range(1, len(table.columns) + 1):
                cell = self.ws.cell(row=start, column=col)
                cell.font = Font(bold=True)
                cell.border = TOTAL_BORDER
                if cell.fill.patternType is None:  # a flagged total keeps its colour
                    cell.fill = TOTAL_FILL
        if table.note:
            self._text(table.note, font=MUTED_FONT)
        self.row += 1

    def _cells(self, columns: tuple[Column, ...], cells: tuple[Cell, ...]) -> None:
        for col, (column, item) in enumerate(zip(columns, cells), start=1):
            cell = self.ws.cell(row=self.row, column=col, value=_value(item.value, column.kind))
            _format(cell, column.kind)
            # a row made taller for a wrapped text gets its cells aligned to the top then (_at_least_lines)
            if isinstance(cell.value, str) and len(cell.value) >= min(column.width, MAX_COLUMN_WIDTH) - 1:
                self.wrapped_cells.append((self.row, col))
            fill = FLAG_FILLS.get(item.flag)
            if fill is not None:
                cell.fill = fill
        self.row += 1

    def _charts(self) -> None:
        # beside the table, under its header: a chart across the frozen line would be cut when scrolling
        anchor_row = self.first_table_header + 1 if self.first_table_header else self.row
        anchor_col = (len(self.first_table.columns) + 2) if self.first_table else 1
        data_col = max(CHART_DATA_COLUMN, anchor_col + 14)
        for chart in self.section.charts:
            self._chart(chart, anchor_row, anchor_col, data_col)
            if self.first_table is None:
                self.row += 20
            anchor_row += 20
            data_col += 4

    def _chart(self, chart: Chart, anchor_row: int, anchor_col: int, data_col: int) -> None:
        """A native bar chart; its data sits in hidden columns (the visible table shows the same figures)."""
        ws = self.ws
        ws.cell(row=1, column=data_col, value=neutralise("Mois"))
        ws.cell(row=1, column=data_col + 1, value=neutralise(chart.bar_label))
        if chart.line is not None:
            ws.cell(row=1, column=data_col + 2, value=neutralise(chart.line_label))
        for index, category in enumerate(chart.categories, start=2):
            ws.cell(row=index, column=data_col, value=neutralise(category))
            ws.cell(row=index, column=data_col + 1, value=chart.bars[index - 2])
            if chart.line is not None:
                ws.cell(row=index, column=data_col + 2, value=chart.line[index - 2])
        last = len(chart.categories) + 1
        for col in range(data_col, data_col + 3):
            ws.column_dimensions[get_column_letter(col)].hidden = True

        bars = BarChart()
        bars.type, bars.grouping = "col", "clustered"
        bars.title = neutralise(chart.title)
        bars.y_axis.title = neutralise(chart.bar_label)
        bars.add_data(Reference(ws, min_col=data_col + 1, min_row=1, max_row=last), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=data_col, min_row=2, max_row=last))
        bars.series[0].graphicalProperties.solidFill = "1D4E89"
        bars.series[0].graphicalProperties.line.solidFill = "1D4E89"
        bars.gapWidth = 60
        if chart.line is not None:
            line = LineChart()
            line.add_data(Reference(ws, min_col=data_col + 2, min_row=1, max_row=last), titles_from_data=True)
            series = line.series[0]
            series.graphicalProperties.line.solidFill = "C0392B"
            series.graphicalProperties.line.width = 28575  # 2.25 pt
            series.smooth = False
            bars += line
        bars.x_axis.delete = False
        bars.y_axis.delete = False
        bars.y_axis.majorGridlines = None
        bars.y_axis.scaling.min = 0
        bars.legend.position = "b"
        bars.visible_cells_only = False  # the data columns are hidden
        bars.width, bars.height = 18, 9
        ws.add_chart(bars, f"{get_column_letter(anchor_col)}{anchor_row}")

    def _freeze_and_print(self) -> None:
        ws = self.ws
        header, table = self.first_table_header, self.first_table
        # Freeze under the main table's header when it is the sheet's main content (not under a summary).
        if header is not None and table is not None and not self.section.figures and header <= 12:
            key_columns = 0
            if len(table.columns) >= 8:
                key_columns = next((i for i, c in enumerate(table.columns[:2]) if c.kind is not Kind.TEXT), 2)
            ws.freeze_panes = ws.cell(row=header + 1, column=key_columns + 1)
            ws.print_title_rows = f"{header}:{header}"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        wide = sum(c.width for c in table.columns) > 100 if table is not None else False
        ws.page_setup.orientation = "landscape" if wide or self.section.charts else "portrait"


@lru_cache(maxsize=64)
def _alignment(horizontal: str | None, vertical: str | None, wrap: bool | None) -> Alignment:
    """One shared Alignment per combination: building one per cell is most of a big sheet's writing time."""
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


def _line_count(text: str, width: int) -> int:
    """How many lines a wrapped text takes in a column ``width`` characters wide (word wrapping)."""
    # column widths count the digit "0"; an average French text is narrower (about 1.15 letters per "0")
    usable = max(int(width * 1.15) - 1, 1)
    return sum(max(len(textwrap.wrap(line, usable, break_long_words=True)), 1) for line in text.split("\n"))


def _value(value: Any, kind: Kind) -> Any:
    if kind is Kind.BOOL and isinstance(value, bool):
        return "oui" if value else "non"
    return cell_value(value)


def _format(cell: Any, kind: Kind) -> None:
    number_format = NUMBER_FORMATS.get(kind)
    if number_format and cell.value is not None and not isinstance(cell.value, str):
        cell.number_format = number_format
    if kind in (Kind.BOOL, Kind.DATE) and cell.value is not None:
        cell.alignment = CENTERED


def _write_parameters(ws: Worksheet, report: Report) -> None:
    ws.cell(row=1, column=1, value=neutralise(PARAMETERS_SHEET)).font = SECTION_FONT
    ws.cell(row=2, column=1, value=neutralise(" – ".join(x for x in (report.title, report.operation) if x))).font = MUTED_FONT
    rows: list[tuple[str, Any]] = [("Rapport", report.title), ("Structure", report.structure),
                                   ("Opération", report.operation), ("Édité le", report.generated_on)]
    rows += list(report.parameters)
    for col, title in enumerate(("Paramètre", "Valeur"), start=1):
        cell = ws.cell(row=4, column=col, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for index, (label, value) in enumerate(rows, start=5):
        ws.cell(row=index, column=1, value=neutralise(label))
        cell = ws.cell(row=index, column=2, value=cell_value(value))
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="left")
    ws.freeze_panes = "A5"
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 90
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
