"""The "Opération … Arrêté au …" bar shared by the pages that show one operation at a date
(Activité, Sorties, Finances, Rapports): the widgets, how the combo is filled, which operation
and date are chosen by default, and the line describing the operation beside the page title.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from aapdesk.domain.periods import as_of_default
from aapdesk.qt.display import capacity_text, dispositif_short, operation_status, period_text
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.services import operations as operations_service
from aapdesk.services.operations import OperationRow

NO_OPERATION = "Aucune opération pour l'instant : créez la première dans Paramètres."


def default_operation(ops: Sequence[OperationRow], today: date) -> OperationRow | None:
    """The most recent operation in progress, else the most recent one (``ops`` come newest first)."""
    running = [op for op in ops if operation_status(op, today) == "en cours"]
    return (running or list(ops) or [None])[0]


def default_as_of(op: OperationRow, today: date) -> date:
    """Today, or the operation's end once it is over."""
    return as_of_default(today, op.fin)


def operation_info_text(op: OperationRow | None, today: date) -> str:
    if op is None:
        return ""
    status = "clôturée" if op.cloturee else operation_status(op, today)
    return " · ".join(t for t in (dispositif_short(op), period_text(op), capacity_text(op), status) if t)


class OperationChooser:
    """Mixin for a :class:`~aapdesk.qt.pages.base.Page` showing one operation as of a date.

    The page calls :meth:`_build_operation_bar` while laying out, :meth:`_refill_operations` in
    ``refresh()`` and :meth:`_apply_operation` when it shows the chosen operation.
    """

    def _build_operation_bar(self, as_of_tooltip: str) -> None:
        today = self.app.today()
        self._operations: dict[int, OperationRow] = {}
        self._shown_operation_id: int | None = None
        self.operation_combo = QComboBox()
        self.operation_combo.setMinimumContentsLength(52)
        self.operation_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.as_of_edit = DateEdit(empty_page=today)
        self.as_of_edit.setToolTip(as_of_tooltip)
        self.operation_info = hint_label()
        self.operation_info.setWordWrap(False)
        self.operation_info.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        # The operation's fiche, period and capacity go on the title's line, where there is room.
        title = self.layout_.takeAt(0).widget()
        title_row = QHBoxLayout()
        title_row.addWidget(title)
        title_row.addStretch(1)
        title_row.addWidget(self.operation_info)
        self.layout_.insertLayout(0, title_row)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Opération"))
        bar.addWidget(self.operation_combo)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Arrêté au"))
        bar.addWidget(self.as_of_edit)
        bar.addStretch(1)
        self.layout_.addLayout(bar)
        self.empty_hint = hint_label(NO_OPERATION)
        self.layout_.addWidget(self.empty_hint)

    def _refill_operations(self) -> list[OperationRow]:
        """Reload the operations, keeping the one shown (or choosing the default); emits nothing."""
        ops = operations_service.list_operations(self.app)
        self._operations = {op.id: op for op in ops}
        chosen = self.operation_combo.currentData()
        fill_combo(self.operation_combo, [(op.label, op.id) for op in ops])
        for index, op in enumerate(ops):
            self.operation_combo.setItemData(index, f"{op.label}\n{dispositif_short(op)} · {period_text(op)}",
                                             Qt.ItemDataRole.ToolTipRole)
        if chosen not in self._operations:
            default = default_operation(ops, self.app.today())
            chosen = default.id if default else None
        self.operation_combo.blockSignals(True)  # refilling is not a choice: the date chosen stays
        try:
            select_data(self.operation_combo, chosen)
        finally:
            self.operation_combo.blockSignals(False)
        self.empty_hint.setVisible(not ops)
        return ops

    def _operation_changed_since_shown(self) -> bool:
        return self.current_operation_id() != self._shown_operation_id

    def _apply_operation(self, *, reset_date: bool) -> OperationRow | None:
        """Put the default date for a newly chosen operation and describe it beside the title."""
        op = self.current_operation()
        if op is not None and (reset_date or self.as_of_edit.value() is None):
            self.as_of_edit.blockSignals(True)
            try:
                self.as_of_edit.set_value(default_as_of(op, self.app.today()))
            finally:
                self.as_of_edit.blockSignals(False)
        self._shown_operation_id = op.id if op else None
        self.operation_info.setText(operation_info_text(op, self.app.today()))
        return op

    def current_operation_id(self) -> int | None:
        return self.operation_combo.currentData()

    def current_operation(self) -> OperationRow | None:
        return self._operations.get(self.current_operation_id())

    def select_operation(self, code_or_id: str | int) -> None:
        """Show another operation (by code or id), as the person would with the combo."""
        for op in self._operations.values():
            if code_or_id in (op.id, op.code):
                select_data(self.operation_combo, op.id)  # emits: the page reloads
                return
        raise LookupError(f"aucune opération {code_or_id!r}")

    def as_of(self) -> date | None:
        op = self.current_operation()
        if op is None:
            return None
        return self.as_of_edit.value() or default_as_of(op, self.app.today())

    def set_as_of(self, day: date) -> None:
        self.as_of_edit.set_value(day)  # emits: the page reloads
