"""``FileActiveChart``: the file active per month as bars, the places target as a line.

Drawn with QPainter (QtCharts is not part of PySide6-Essentials). Months after the
as-of date keep their place on the axis without a bar, so the year's shape stays
visible. Every label is French; the chart stays readable from about 400×220.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_COLOR = QColor("#4a7ab8")
TARGET_COLOR = QColor("#d9822b")
GRID_COLOR = QColor("#dde1e6")
AXIS_COLOR = QColor("#5f6368")
EMPTY_TEXT = "Aucun mois à afficher avant la date d'arrêté."


def nice_step(maximum: float, ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving about ``ticks`` gridlines up to ``maximum``."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


class FileActiveChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 220)
        self.month_labels: list[str] = []
        self.year_labels: list[str] = []
        self.values: list[int | None] = []
        self.target: int | None = None
        self.bar_label = "File active en fin de mois"
        self.target_label = ""
        self.title = "File active"

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 300)

    def set_data(self, months: Sequence[tuple[str, str]], values: Sequence[int | None], target: int | None,
                 target_label: str = "Places conventionnées") -> None:
        """``months``: (short month, year) per axis slot; ``values``: a count or None (no bar yet)."""
        self.month_labels = [m for m, _ in months]
        self.year_labels = [y for _, y in months]
        self.values = list(values)
        self.target = target
        self.target_label = f"{target_label} ({target})" if target is not None else ""
        self.update()

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        font = QFont(self.font())
        painter.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        text_color = self.palette().color(QPalette.ColorRole.Text)

        # Title and legend on top.
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRectF(10, 6, self.width() - 20, line), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(font)
        legend_bottom = self._draw_legend(painter, metrics, 10 + QFontMetrics(bold).horizontalAdvance(self.title) + 24, 6)

        if not self.values:
            painter.setPen(AXIS_COLOR)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            painter.end()
            return

        top = legend_bottom + 14
        maximum = max([v for v in self.values if v is not None] + [self.target or 0, 1])
        step = nice_step(maximum * 1.1)
        y_max = step * math.ceil(maximum * 1.1 / step)
        left = 12 + metrics.horizontalAdvance(str(y_max)) + 8
        bottom_space = line * 2 + 10
        plot = QRectF(left, top, max(10.0, self.width() - left - 14), max(10.0, self.height() - top - bottom_space))

        def y_of(value: float) -> float:
            return plot.bottom() - value / y_max * plot.height()

        # Horizontal gridlines and their values.
        painter.setPen(QPen(GRID_COLOR, 1))
        for tick in range(0, y_max + 1, step):
            y = y_of(tick)
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS_COLOR)
            painter.drawText(QRectF(0, y - line / 2, left - 8, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(tick))

        # Bars, their values and the month labels.
        count = len(self.values)
        slot = plot.width() / count
        bar_width = max(2.0, slot * 0.62)
        show_values = bar_width >= metrics.horizontalAdvance("999") and plot.height() > 4 * line
        every = max(1, math.ceil(metrics.horizontalAdvance("janv.") * 1.15 / slot))
        for index, value in enumerate(self.values):
            center = plot.left() + slot * (index + 0.5)
            if value is not None:
                bar = QRectF(center - bar_width / 2, y_of(value), bar_width, plot.bottom() - y_of(value))
                painter.fillRect(bar, BAR_COLOR)
                if show_values:
                    painter.setPen(text_color)
                    painter.drawText(QRectF(center - slot / 2, bar.top() - line - 1, slot, line),
                                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(value))
            painter.setPen(AXIS_COLOR)
            if index % every == 0:
                painter.drawText(QRectF(center - slot * every / 2, plot.bottom() + 4, slot * every, line),
                                 Qt.AlignmentFlag.AlignHCenter, self.month_labels[index])
            if index == 0 or self.year_labels[index] != self.year_labels[index - 1]:
                painter.drawText(QRectF(center - 40, plot.bottom() + 4 + line, 80, line),
                                 Qt.AlignmentFlag.AlignHCenter, self.year_labels[index])

        # Axis line, then the target on top of the bars.
        painter.setPen(QPen(AXIS_COLOR, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        if self.target is not None:
            pen = QPen(TARGET_COLOR, 2.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            y = y_of(self.target)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.end()

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, x: float, y: float) -> float:
        """Draw the legend from (x, y), wrapping when narrow; return its bottom."""
        line = metrics.height()
        entries: list[tuple[str, str]] = [("bar", self.bar_label)]
        if self.target_label:
            entries.append(("line", self.target_label))
        text_color = self.palette().color(QPalette.ColorRole.Text)
        for kind, text in entries:
            needed = 22 + metrics.horizontalAdvance(text) + 18
            if x + needed > self.width() - 6:
                x, y = 10, y + line + 4  # not enough room: next line
            if kind == "bar":
                painter.fillRect(QRectF(x, y + line / 2 - 5, 14, 10), BAR_COLOR)
            else:
                pen = QPen(TARGET_COLOR, 2.5)
                pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawLine(QPointF(x, y + line / 2), QPointF(x + 16, y + line / 2))
            painter.setPen(text_color)
            painter.drawText(QRectF(x + 22, y, metrics.horizontalAdvance(text) + 4, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            x += needed
        return y + line
