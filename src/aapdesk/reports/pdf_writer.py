"""Writes any :class:`~aapdesk.reports.model.Report` as a PDF, without computing anything.

reportlab platypus on A4 through :func:`~aapdesk.reports.pdf_base.build_pdf` (DejaVu Sans
embedded, structure and operation in the header, "page x / y" in the footer). A report
whose tables are too wide for a portrait page is laid out in landscape; a table still too
wide is split into column groups that repeat its first text columns. Tables repeat their
header row on every page, flagged cells are coloured (orange: to watch, red: to fix),
numbers use the French formatting of the screens, and charts are drawn with
reportlab.graphics (bars for the file active, a line for the places).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle

from aapdesk.formatting import (
    NNBSP,
    format_bool,
    format_date,
    format_hours,
    format_money,
    format_number,
    format_percent,
)
from aapdesk.reports.model import Cell, Chart, Column, KeyFigure, Kind, Report, Section, Table
from aapdesk.reports.pdf_base import ACCENT, FONT, FONT_BOLD, INK, RULE, SHADE, PageHeader, build_pdf, styles

MARGIN_MM = 14
#: Width of one "character" of Column.width at 8 pt, cell padding included by CELL_PADDING.
CHAR_WIDTH = 1.75 * mm
CELL_PADDING = 2 * 3  # points, left + right
WARNING_BG = colors.HexColor("#FFD8A8")
ERROR_BG = colors.HexColor("#F4B4B4")
FLAG_BG = {"warning": WARNING_BG, "error": ERROR_BG}
MET = colors.HexColor("#1E7B34")
NOT_MET = colors.HexColor("#9C4A00")
ZEBRA = colors.HexColor("#F6F8FB")
LINE_COLOR = colors.HexColor("#C0392B")
TITLE_ROOM = 32 * mm
CHART_MIN_WIDTH = 110 * mm
GUTTER = 8 * mm
#: A table taller than this goes above its chart rather than beside it (a table cell cannot split).
ROWS_BESIDE_CHART = 26
#: Tables narrower than this share of their natural width get smaller type; below MIN_SCALE they split.
MIN_SCALE = 0.6


def write_pdf(report: Report, handle: BinaryIO) -> None:
    pagesize = landscape(A4) if _needs_landscape(report) else A4
    width = pagesize[0] - 2 * MARGIN_MM * mm
    layout = _Layout(width)
    story: list[Flowable] = layout.title(report)
    for index, section in enumerate(report.sections):
        if section.page_break_before and index > 0:
            story.append(PageBreak())
        story += layout.section(section)
    if report.parameters:
        story += layout.parameters(report)
    footer = f"Édité le {format_date(report.generated_on)} avec aapdesk"
    # structure on the left, operation on the right: each shortened to its share of the line
    header = PageHeader(_fit(report.structure, width * 0.42), _fit(report.operation, width * 0.55), footer)
    build_pdf(handle, story, header, title=report.title, pagesize=pagesize, margins_mm=MARGIN_MM)


def _fit(text: str, width: float, size: float = 8) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points in the header's type."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _natural_width(columns: tuple[Column, ...]) -> float:
    return sum(c.width * CHAR_WIDTH + CELL_PADDING for c in columns)


def _needs_landscape(report: Report) -> bool:
    portrait = A4[0] - 2 * MARGIN_MM * mm
    return any(_natural_width(t.columns) > portrait * 1.1 for s in report.sections for t in s.tables)


# --- text of a value -----------------------------------------------------------------------

def escape(text: str) -> str:
    """Text for Paragraph markup: &, < and > escaped, leading spaces kept (indented "dont" lines)."""
    body = text.lstrip(" ")
    indent = "&nbsp;" * 2 * (len(text) - len(body))
    return indent + body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _decimal_text(value: Decimal | float | int) -> str:
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    decimals = 0 if number == number.to_integral() else (1 if number * 10 == (number * 10).to_integral() else 2)
    return format_number(number, decimals)


def value_text(value: Any, kind: Kind, *, unit: bool = False) -> str:
    """French text of a cell: money "1 234,56 €", rates "45,0 %", dates "31/12/2024", "oui"/"non"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return format_bool(value)
    if isinstance(value, date):
        return format_date(value)
    if kind is Kind.MONEY:
        return format_money(Decimal(str(value)))
    if kind is Kind.PERCENT:
        return format_percent(value, 1)
    if kind is Kind.HOURS:
        text = format_hours(value)
        return text if unit else text.removesuffix(NNBSP + "h")
    if kind is Kind.INT:
        return format_number(value, 0)
    if kind is Kind.DECIMAL:
        return _decimal_text(value)
    return str(value)


# --- layout ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _cell_style(size: float, bold: bool = False, white: bool = False, align: int = 0) -> ParagraphStyle:
    base = styles()["cell"]
    return ParagraphStyle(f"cell-{size}-{bold}-{white}-{align}", parent=base, fontName=FONT_BOLD if bold else FONT,
                          fontSize=size, leading=size * 1.22, alignment=align,
                          textColor=colors.white if white else INK)


class _Layout:
    def __init__(self, width: float) -> None:
        self.width = width
        self.s = styles()
        self.h2 = ParagraphStyle("h2-keep", parent=self.s["h2"], keepWithNext=1, fontSize=13, leading=16)
        self.h3 = ParagraphStyle("h3", parent=self.s["h2"], fontSize=10.5, leading=13,
                                 spaceBefore=3 * mm, spaceAfter=1.5 * mm)
        self.subtitle = ParagraphStyle("subtitle", parent=self.s["body"], fontSize=11, leading=14, spaceAfter=1 * mm)
        self.muted = ParagraphStyle("muted", parent=self.s["small"], textColor=colors.HexColor("#52606D"))
        self.bullet = ParagraphStyle("bullet", parent=self.s["body"], leftIndent=5 * mm, bulletIndent=1 * mm)

    def title(self, report: Report) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(escape(report.title), self.s["title"])]
        if report.operation:
            story.append(Paragraph(f"<b>{escape(report.operation)}</b>", self.subtitle))
        if report.subtitle:
            story.append(Paragraph(escape(report.subtitle), self.subtitle))
        story.append(Paragraph(f"{escape(report.structure)} – édité le {format_date(report.generated_on)}", self.muted))
        story.append(Spacer(1, 2 * mm))
        return story

    def section(self, section: Section) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(escape(section.title), self.h2)]
        story += [Paragraph(escape(p), self.s["body"]) for p in section.paragraphs]
        if section.paragraphs:
            story.append(Spacer(1, 2 * mm))
        if section.figures:
            story.append(self.figures(section.figures))
            story.append(Spacer(1, 3 * mm))
        tables = list(section.tables)
        charts = list(section.charts)
        if len(charts) == 1 and tables and self._fits_beside(tables[0]):
            story.append(self._beside(tables.pop(0), charts.pop()))
        for chart in charts:
            story.append(KeepTogether([_ChartFlowable(chart, min(self.width, 250 * mm)), Spacer(1, 3 * mm)]))
        for table in tables:
            story += self.table(table)
        story += [Paragraph(escape(b), self.bullet, bulletText="•") for b in section.bullets]
        return story

    def _fits_beside(self, table: Table) -> bool:
        return (_natural_width(table.columns) + CHART_MIN_WIDTH <= self.width
                and len(table.rows) <= ROWS_BESIDE_CHART)

    def _beside(self, table: Table, chart: Chart) -> Flowable:
        """A short table on the left and its chart on the right (landscape pages)."""
        table_width = _natural_width(table.columns)
        left = _Layout(table_width)
        chart_width = self.width - table_width - GUTTER
        outer = PdfTable([[left.table(table, in_cell=True), _ChartFlowable(chart, chart_width)]],
                         colWidths=[table_width + GUTTER, chart_width], hAlign="LEFT")
        outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
        return outer

    # --- key figures ---------------------------------------------------------------------

    def figures(self, figures: tuple[KeyFigure, ...]) -> Flowable:
        with_met = any(f.met is not None for f in figures)
        with_target = with_met or any(f.target is not None for f in figures)
        total = min(self.width, 185 * mm)
        value_w, met_w = 32 * mm, 18 * mm
        widths = [total - value_w * (2 if with_target else 1) - (met_w if with_met else 0), value_w]
        header = ["Indicateur", "Valeur"]
        if with_target:
            widths.append(value_w)
            header.append("Objectif")
        if with_met:
            widths.append(met_w)
            header.append("Atteint")
        size = 8.5
        head = [Paragraph(h, _cell_style(size, bold=True, white=True, align=0 if i == 0 else TA_CENTER))
                for i, h in enumerate(header)]
        rows: list[list[Any]] = [head]
        commands: list[tuple[Any, ...]] = []
        for index, f in enumerate(figures, start=1):
            row: list[Any] = [Paragraph(escape(f.label), _cell_style(size)),
                              value_text(f.value, f.kind, unit=True) or "–"]
            if with_target:
                row.append(value_text(f.target, f.kind, unit=True))
            if with_met:
                row.append("" if f.met is None else ("oui" if f.met else "non"))
                if f.met is not None:
                    commands.append(("TEXTCOLOR", (3, index), (3, index), MET if f.met else NOT_MET))
                    commands.append(("FONT", (3, index), (3, index), FONT_BOLD, size))
                if f.met is False:
                    commands.append(("BACKGROUND", (3, index), (3, index), WARNING_BG))
            rows.append(row)
        table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, size),
            ("FONT", (1, 1), (1, -1), FONT_BOLD, size),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            *([("ALIGN", (3, 1), (3, -1), "CENTER")] if with_met else []),
            *commands,
        ]))
        return table

    # --- tables --------------------------------------------------------------------------

    def table(self, table: Table, *, in_cell: bool = False) -> list[Flowable]:
        natural = _natural_width(table.columns)
        groups = _column_groups(table.columns, self.width) if natural * MIN_SCALE > self.width else [
            list(range(len(table.columns)))]
        story: list[Flowable] = []
        for part, indices in enumerate(groups):
            title = table.title + (" (suite)" if part else "")
            # a title never ends a page: it needs room for itself, the header and a few rows
            if not in_cell:
                story.append(CondPageBreak(TITLE_ROOM))
            if title:
                story.append(Paragraph(escape(title), self.h3))
            story.append(self._table_part(table, indices))
        if table.note:
            story.append(Paragraph(escape(table.note), self.muted))
        story.append(Spacer(1, 2 * mm))
        return story

    def _table_part(self, table: Table, indices: list[int]) -> Flowable:
        columns = [table.columns[i] for i in indices]
        natural = [c.width * CHAR_WIDTH + CELL_PADDING for c in columns]
        scale = min(1.0, self.width / sum(natural))
        size = 8 if scale >= 0.9 else (7 if scale >= 0.75 else 6.3)
        widths = [w * scale for w in natural]
        room = [w - CELL_PADDING for w in widths]
        header = [Paragraph(escape(c.title), _cell_style(size, bold=True, white=True,
                                                         align=0 if c.kind is Kind.TEXT else TA_CENTER))
                  for c in columns]
        body_rows = list(table.rows) + ([table.total] if table.total is not None else [])
        rows: list[list[Any]] = [header]
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, size),
            ("LEADING", (0, 0), (-1, -1), size * 1.22),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if len(table.rows) > 3:
            commands.append(("ROWBACKGROUNDS", (0, 1), (-1, len(table.rows)), [colors.white, ZEBRA]))
        for col, column in enumerate(columns):
            if column.kind in (Kind.BOOL, Kind.DATE):
                commands.append(("ALIGN", (col, 1), (col, -1), "CENTER"))
            elif column.kind is not Kind.TEXT:
                commands.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
        last_total = table.total is not None
        for r, cells in enumerate(body_rows, start=1):
            is_total = last_total and r == len(body_rows)
            row: list[Any] = []
            for col, (column, i) in enumerate(zip(columns, indices)):
                item = cells[i] if i < len(cells) else Cell(None)
                text = value_text(item.value, column.kind)
                # a Paragraph only where the text must wrap: plain strings are much cheaper to lay out
                if column.kind is Kind.TEXT and text and (
                        "\n" in text or stringWidth(text, FONT_BOLD if is_total else FONT, size) > room[col]):
                    row.append(Paragraph(escape(text), _cell_style(size, bold=is_total)))
                else:
                    row.append(text)
                bg = FLAG_BG.get(item.flag)
                if bg is not None:
                    commands.append(("BACKGROUND", (col, r), (col, r), bg))
            rows.append(row)
        if last_total:
            # shade first, so that flagged total cells keep their colour
            commands[:0] = [("BACKGROUND", (0, -1), (-1, -1), SHADE)]
            commands += [("FONT", (0, -1), (-1, -1), FONT_BOLD, size), ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]
        pdf_table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        pdf_table.setStyle(TableStyle(commands))
        return pdf_table

    # --- parameters ------------------------------------------------------------------------

    def parameters(self, report: Report) -> list[Flowable]:
        """The report's parameters in small type, as one paragraph (traceability, not reading matter)."""
        items = " · ".join(f"{escape(label)} : {escape(value)}" for label, value in report.parameters)
        return [Spacer(1, 5 * mm), Paragraph(f"<b>Paramètres du rapport</b> – {items}", self.muted)]


def _column_groups(columns: tuple[Column, ...], width: float) -> list[list[int]]:
    """Split a too-wide table into column groups that each repeat its leading text columns."""
    keys = []
    for index, column in enumerate(columns[:3]):
        if column.kind is not Kind.TEXT:
            break
        keys.append(index)
    budget = width / MIN_SCALE / 1.15
    key_width = sum(columns[i].width * CHAR_WIDTH + CELL_PADDING for i in keys)
    groups: list[list[int]] = []
    current: list[int] = []
    used = key_width
    for index in range(len(keys), len(columns)):
        w = columns[index].width * CHAR_WIDTH + CELL_PADDING
        if current and used + w > budget:
            groups.append(keys + current)
            current, used = [], key_width
        current.append(index)
        used += w
    if current or not groups:
        groups.append(keys + current)
    return groups


# --- charts ----------------------------------------------------------------------------------

def _nice_step(top: float) -> float:
    raw = max(top, 1) / 6
    magnitude = 10 ** len(str(int(raw))) / 10
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1.0, factor * magnitude)
    return raw


CHART_HEIGHT = 78 * mm


class _ChartFlowable(Flowable):
    """Draws the chart when placed: holds only the model's data, so the story stays deep-copyable
    (pdf_base builds twice from a deep copy, and reportlab's chart widgets do not deep-copy)."""

    def __init__(self, chart: Chart, width: float) -> None:
        super().__init__()
        self.chart, self.width, self.height = chart, width, CHART_HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _chart_drawing(self.chart, self.width).drawOn(self.canv, 0, 0)


def _chart_drawing(chart: Chart, width: float) -> Drawing:
    height = CHART_HEIGHT
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, chart.title, fontName=FONT_BOLD, fontSize=10, fillColor=ACCENT))
    x, y = 12 * mm, 22 * mm
    plot_w, plot_h = width - x - 4 * mm, height - y - 19 * mm
    values = list(chart.bars) + list(chart.line or ())
    step = _nice_step(max(values) if values else 1)
    top = step * (int((max(values, default=1) * 1.12) / step) + 1)

    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = x, y, plot_w, plot_h
    bars.data = [list(chart.bars)]
    bars.categoryAxis.categoryNames = list(chart.categories)
    labels = bars.categoryAxis.labels
    labels.fontName, labels.fontSize, labels.fillColor = FONT, 7, INK
    if len(chart.categories) > 8:
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 35, "ne", 2, -2
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = 0, top, step
    bars.valueAxis.labels.fontName, bars.valueAxis.labels.fontSize = FONT, 7
    bars.valueAxis.labelTextFormat = lambda v: format_number(v, 0)
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor, bars.valueAxis.gridStrokeWidth = colors.HexColor("#DDE3EA"), 0.4
    bars.bars[0].fillColor, bars.bars[0].strokeColor = ACCENT, None
    bars.barSpacing, bars.groupSpacing = 0, 6
    bars.barLabelFormat = "%d"
    bars.barLabels.fontName, bars.barLabels.fontSize, bars.barLabels.nudge = FONT, 7, 5
    drawing.add(bars)
    pairs = [(ACCENT, chart.bar_label)]
    if chart.line is not None:
        line = HorizontalLineChart()
        line.x, line.y, line.width, line.height = x, y, plot_w, plot_h
        line.data = [list(chart.line)]
        line.joinedLines = 1
        line.categoryAxis.visible = 0
        line.valueAxis.visible = 0
        line.valueAxis.valueMin, line.valueAxis.valueMax, line.valueAxis.valueStep = 0, top, step
        line.lines[0].strokeColor, line.lines[0].strokeWidth = LINE_COLOR, 2
        drawing.add(line)
        pairs.append((LINE_COLOR, chart.line_label))
    legend = Legend()
    legend.x, legend.y = 2, height - 18
    legend.alignment, legend.boxAnchor = "right", "nw"
    legend.fontName, legend.fontSize, legend.columnMaximum = FONT, 8, 1
    legend.dx, legend.dy, legend.dxTextSpace = 8, 6, 4
    legend.deltax = max(stringWidth(label, FONT, 8) for _, label in pairs) + 24
    legend.colorNamePairs = pairs
    drawing.add(legend)
    return drawing

