"""``HoursTable``: the hours grid's view, with a spreadsheet's keyboard.

Arrows move, typing a number starts editing (replacing the cell), Enter saves and goes
down, Tab saves and goes right, Esc cancels, Del clears the selected cells (0 h),
Ctrl+C / Ctrl+V copy and paste blocks with a spreadsheet, Ctrl+Z / Ctrl+Y undo and redo.
Saving is the model's business (:class:`~aapdesk.qt.models.hours_model.HoursModel`).

The vertical header (:class:`RowHeader`) shows each row's line number, right-aligned in a
narrow gutter, before the person's name: the number a refusal gives (« ligne 3, février
2024 ») is the one read there.

The model's "Total" row is not shown in the table itself but in :class:`HoursFooter`, a
one-row view under it that follows its columns and sideways scrolling: the monthly
totals stay in sight however many parcours the operation has.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QIcon, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeaderV2,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from aapdesk.qt.models.hours_model import LINE_ROLE, HoursModel

_MOVES = {
    QAbstractItemDelegate.EndEditHint.SubmitModelCache: (1, 0),  # Enter
    QAbstractItemDelegate.EndEditHint.EditNextItem: (0, 1),  # Tab
    QAbstractItemDelegate.EndEditHint.EditPreviousItem: (0, -1),  # Shift+Tab
}


class HoursDelegate(QStyledItemDelegate):
    """A plain line edit, right-aligned; Up and Down save and move like in a spreadsheet."""

    def __init__(self, table: HoursTable) -> None:
        super().__init__(table)
        self.table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:  # noqa: N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (isinstance(watched, QLineEdit) and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
            self.table.move_current(step, 0)
            return True
        return super().eventFilter(watched, event)


class RowHeader(QHeaderView):
    """A vertical header showing the model's ``LINE_ROLE`` right-aligned in a narrow gutter,
    then the header text (the person's name) as usual."""

    #: Room between the number and the name, in pixels.
    GAP = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)

    def number_text(self, section: int) -> str:
        """The number shown in the gutter of ``section`` ("" for the totals)."""
        model = self.model()
        line = model.headerData(section, self.orientation(), LINE_ROLE) if model is not None else None
        return "" if line is None else str(line)

    def gutter_width(self) -> int:
        """As wide as the largest number the rows can have, and the gap."""
        digits = len(str(max(self.count(), 1)))
        return self.fontMetrics().horizontalAdvance("9" * digits) + self.GAP

    def sectionSizeFromContents(self, logical_index: int) -> QSize:  # noqa: N802
        size = super().sectionSizeFromContents(logical_index)
        return QSize(size.width() + self.gutter_width(), size.height())

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:  # noqa: N802
        if not rect.isValid():
            return
        option = QStyleOptionHeaderV2()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical_index)
        option.rect = rect
        style = self.style()
        painter.save()
        font = self.model().headerData(logical_index, self.orientation(), Qt.ItemDataRole.FontRole)
        painter.setFont(font if isinstance(font, QFont) else self.font())
        style.drawControl(QStyle.ControlElement.CE_HeaderSection, option, painter, self)
        gutter = self.gutter_width()
        name = QStyleOptionHeaderV2(option)
        name.rect = rect.adjusted(gutter, 0, 0, 0)
        style.drawControl(QStyle.ControlElement.CE_HeaderLabel, name, painter, self)
        number = QStyleOptionHeaderV2(option)
        number.rect = QRect(rect.left(), rect.top(), gutter - self.GAP // 2, rect.height())
        number.text = self.number_text(logical_index)
        number.icon = QIcon()
        number.textAlignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        style.drawControl(QStyle.ControlElement.CE_HeaderLabel, number, painter, self)
        painter.restore()


class HoursTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalHeader(RowHeader(self))
        self.setItemDelegate(HoursDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        header = self.horizontalHeader()
        header.setHighlightSections(True)
        # « sept. 2024 » on two lines: twelve months and the total fit beside the names.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setFixedHeight(header.fontMetrics().lineSpacing() * 2 + 10)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    def hours_model(self) -> HoursModel:
        model = self.model()
        assert isinstance(model, HoursModel)
        return model

    def fit_columns(self) -> None:
        """Widths from the headers and a typical value, never by measuring every cell."""
        model, header = self.hours_model(), self.horizontalHeader()
        metrics, header_metrics = self.fontMetrics(), header.fontMetrics()
        number = metrics.horizontalAdvance("9\u202f999,5") + 14
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            widest_word = max((header_metrics.horizontalAdvance(word) for word in title.split()), default=0)
            header.resizeSection(column, max(number, widest_word + 16))

    # --- moving ------------------------------------------------------------------------

    def move_current(self, rows: int, columns: int) -> None:
        current = self.currentIndex()
        model = self.model()
        if not current.isValid() or model is None:
            return
        last = model.total_row - 1 if isinstance(model, HoursModel) else model.rowCount() - 1  # totals: footer
        row = min(max(current.row() + rows, 0), max(last, 0))
        column = min(max(current.column() + columns, 0), model.columnCount() - 1)
        self.setCurrentIndex(model.index(row, column))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        move = _MOVES.get(hint)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if move else hint)
        if move:
            self.move_current(*move)

    def selected_positions(self) -> list[tuple[int, int]]:
        positions = [(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()]
        if not positions and self.currentIndex().isValid():
            positions = [(self.currentIndex().row(), self.currentIndex().column())]
        return sorted(positions)

    # --- keys --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing:
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return
            if event.matches(QKeySequence.StandardKey.Undo):
                self.hours_model().undo_stack.undo()
                return
            if event.matches(QKeySequence.StandardKey.Redo):
                self.hours_model().undo_stack.redo()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.hours_model().clear(self.selected_positions())
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_current(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1, 0)
                return
        super().keyPressEvent(event)

    def paste(self, text: str | None = None) -> bool:
        """Paste the clipboard (or ``text``) at the current cell; one value fills a multi-cell selection."""
        text = QGuiApplication.clipboard().text() if text is None else text
        current = self.currentIndex()
        model = self.hours_model()
        if not text or not current.isValid():
            return False
        single = "\t" not in text and len(text.rstrip("\r\n").splitlines()) == 1
        selected = self.selected_positions()
        if single and len(selected) > 1:
            return model.fill(selected, text.rstrip("\r\n"))
        return model.paste(text, current.row(), current.column())

    def copy(self) -> str:
        text = self.hours_model().copy_text(self.selected_positions())
        if text:
            QGuiApplication.clipboard().setText(text)
        return text


class HoursFooter(QTableView):
    """The "Total" row of ``table``'s model, always visible under it."""

    def __init__(self, table: HoursTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.setVerticalHeader(RowHeader(self))  # an empty gutter: « Total » lines up with the names
        self.setModel(table.model())
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(self.verticalHeader().defaultSectionSize() + 2 * self.frameWidth())
        model = table.hours_model()
        model.modelReset.connect(self.follow_rows)
        table.horizontalHeader().sectionResized.connect(lambda column, _old, new: self.setColumnWidth(column, new))
        table.horizontalScrollBar().valueChanged.connect(self.horizontalScrollBar().setValue)
        # with self as context, the deferred call is dropped if the footer is gone by then
        table.verticalScrollBar().rangeChanged.connect(lambda *_args: QTimer.singleShot(0, self, self.follow_margins))
        self.follow_rows()

    def follow_rows(self) -> None:
        """Show only the total row here and hide it in the table; align widths with the table."""
        model = self.table.hours_model()
        for row in range(model.rowCount()):
            total = row == model.total_row
            self.setRowHidden(row, not total)
            self.table.setRowHidden(row, total)
        self.follow_columns()

    def follow_columns(self) -> None:
        for column in range(self.table.model().columnCount()):
            self.setColumnWidth(column, self.table.columnWidth(column))
        width = max(self.table.verticalHeader().sizeHint().width(), self.verticalHeader().sizeHint().width())
        self.table.verticalHeader().setFixedWidth(width)
        self.verticalHeader().setFixedWidth(width)
        self.follow_margins()

    def follow_margins(self) -> None:
        """Room for the table's vertical scroll bar, so both scroll sideways over the same width."""
        if not shiboken6.isValid(self.table):  # deferred call arriving while the page is torn down
            return
        bar = self.table.verticalScrollBar()
        self.setViewportMargins(0, 0, bar.sizeHint().width() if bar.isVisible() else 0, 0)
        self.horizontalScrollBar().setValue(self.table.horizontalScrollBar().value())
