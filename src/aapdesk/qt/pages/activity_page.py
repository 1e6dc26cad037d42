"""Activité: one operation, as of a date, over four tabs (heures, file active, comités, ateliers).

The operation offered first is the most recent one in progress (the services list the
operations newest first). The "Arrêté au" date starts at today, or at the operation's
end once it is over; every tab counts up to it, as the reports do.
"""

from __future__ import annotations


from PySide6.QtWidgets import QTabWidget, QWidget

from aapdesk.qt.pages.activity_tabs import ActivityTab, AteliersTab, ComitesTab, FileActiveTab, HoursTab
from aapdesk.qt.pages.operation_bar import OperationChooser
from aapdesk.qt.pages.base import Page
from aapdesk.services.context import AppContext


class ActivityPage(OperationChooser, Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Activité", parent)
        self._build_operation_bar("Les chiffres sont comptés jusqu'à cette date (incluse)")

        self.hours = HoursTab(app)
        self.file_active = FileActiveTab(app)
        self.comites = ComitesTab(app)
        self.ateliers = AteliersTab(app)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab, title in ((self.hours, "Heures"), (self.file_active, "File active"),
                           (self.comites, "Comités"), (self.ateliers, "Ateliers")):
            self.tabs.addTab(tab, title)
            tab.changed.connect(self.changed)
            tab.status_message.connect(self.status_message)
        self.layout_.addWidget(self.tabs, 1)

        self.operation_combo.currentIndexChanged.connect(self._operation_chosen)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)

    def all_tabs(self) -> tuple[ActivityTab, ...]:
        return (self.hours, self.file_active, self.comites, self.ateliers)

    # --- choosing ------------------------------------------------------------------------

    def refresh(self) -> None:
        ops = self._refill_operations()
        for widget in (self.tabs, self.operation_combo, self.as_of_edit):
            widget.setEnabled(bool(ops))
        self._show(reset_date=self._operation_changed_since_shown())

    def _operation_chosen(self, _index: int) -> None:
        self._show(reset_date=True)

    def _as_of_changed(self, *_args) -> None:
        self._show(reset_date=False)

    def _show(self, *, reset_date: bool) -> None:
        op = self._apply_operation(reset_date=reset_date)
        as_of = self.as_of()
        for tab in self.all_tabs():
            tab.show_operation(op, as_of)
