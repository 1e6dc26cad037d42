"""Participants: the searchable, filterable, sortable table and the way into each file.

Widths are set from the header and a typical content length, never by measuring every
cell (``resizeColumnsToContents`` costs most of the display time of a big table).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog, open_accompaniment
from aapdesk.qt.dialogs.import_dialog import ImportDialog
from aapdesk.qt.dialogs.participant_dialog import ParticipantDialog
from aapdesk.qt.display import plural
from aapdesk.qt.models.participants_filter import STATUSES, ParticipantsFilter
from aapdesk.qt.models.participants_model import COL_NOM, COLUMNS, ParticipantsModel
from aapdesk.qt.pages.base import Page
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.qt.widgets.tables import setup_rows_table
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.context import AppContext

ALL_OPERATIONS = "Toutes les opérations"
ALL_STATUSES = "Tous les statuts"


class ParticipantsPage(Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Participants", parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un nom, un prénom ou une commune…")
        self.search.setClearButtonEnabled(True)
        self.operation_filter = QComboBox()
        self.operation_filter.setMinimumContentsLength(18)
        self.status_filter = QComboBox()
        fill_combo(self.status_filter, [(s, s) for s in STATUSES], empty=ALL_STATUSES)
        self.new_button = QPushButton("Nouveau participant")
        self.edit_button = QPushButton("Modifier")
        self.edit_button.setEnabled(False)
        self.follow_button = QPushButton("Suivi…")
        self.follow_button.setToolTip("Suivi de l'accompagnement du parcours sélectionné : premier rendez-vous, "
                                      "entretiens, CER, diagnostics, suspensions")
        self.follow_button.setEnabled(False)
        self.import_button = QPushButton("Importer…")
        self.import_button.setToolTip("Importer des participants, des heures, des sorties, des dépenses ou des salaires "
                                      "depuis un classeur Excel ou un fichier CSV")

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.operation_filter, 2)
        bar.addWidget(self.status_filter, 1)
        bar.addSpacing(12)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.follow_button)
        bar.addWidget(self.import_button)
        self.layout_.addLayout(bar)

        self.model = ParticipantsModel(self)
        self.proxy = ParticipantsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self._setup_table()
        self.layout_.addWidget(self.table, 1)
        self.count_label = hint_label()
        self.layout_.addWidget(self.count_label)

        # The count is updated after each filter change, not on the proxy's row signals: a
        # filter change can emit one rowsRemoved per hidden range, thousands on a big table.
        self.search.textChanged.connect(lambda text: self._filter(self.proxy.set_search, text))
        self.operation_filter.currentIndexChanged.connect(
            lambda _i: self._filter(self.proxy.set_operation, self.operation_filter.currentData()))
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._filter(self.proxy.set_status, self.status_filter.currentData()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button.clicked.connect(self.open_new_participant)
        self.edit_button.clicked.connect(self.edit_selected)
        self.follow_button.clicked.connect(self.follow_selected)
        self.import_button.clicked.connect(lambda: self.open_import())

    def _setup_table(self) -> None:
        setup_rows_table(self.table, COLUMNS)
        self.table.sortByColumn(COL_NOM, Qt.SortOrder.AscendingOrder)

    # --- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        rows = participants_service.list_participant_rows(self.app)
        self.model.set_rows(rows)
        chosen = self.operation_filter.currentData()
        ops = operations_service.list_operations(self.app)
        fill_combo(self.operation_filter, [(op.code, op.id) for op in ops], empty=ALL_OPERATIONS)
        for index, op in enumerate(ops, start=1):
            self.operation_filter.setItemData(index, op.label, Qt.ItemDataRole.ToolTipRole)
        if not select_data(self.operation_filter, chosen):
            self.operation_filter.setCurrentIndex(0)
        self.proxy.set_operation(self.operation_filter.currentData())
        self._update_count()
        self._update_buttons()

    def referents(self) -> list[str]:
        """Names already used, offered while typing a référent."""
        return sorted({r.referent for r in self.model.rows() if r.referent})

    def _filter(self, setter, value) -> None:
        setter(value)
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        shown = self.proxy.visible_participant_count()
        total = len({r.participant_id for r in self.model.rows()})
        self.count_label.setText(f"{plural(shown, 'participant')} affiché{'s' if shown > 1 else ''} sur {total}")

    def _update_buttons(self, *_args) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.follow_button.setEnabled(row is not None and row.parcours_id is not None)

    def selected_row(self):
        indexes = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(indexes[0].row()) if indexes else None

    # --- dialogs -------------------------------------------------------------------------

    def open_new_participant(self) -> ParticipantDialog:
        return self._open(ParticipantDialog(self.app, None, self, referents=self.referents()))

    def open_participant(self, participant_id: int) -> ParticipantDialog:
        return self._open(ParticipantDialog(self.app, participant_id, self, referents=self.referents()))

    def edit_selected(self) -> ParticipantDialog | None:
        row = self.selected_row()
        return None if row is None else self.open_participant(row.participant_id)

    def follow_selected(self) -> AccompanimentDialog | None:
        """The accompaniment record of the selected row's parcours."""
        row = self.selected_row()
        if row is None or row.parcours_id is None:
            return None
        return open_accompaniment(self.app, row.participant_id, row.parcours_id, self, self.changed)

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self.app, self, kind="participants", operation_id=self.operation_filter.currentData())
        dialog.imported.connect(self.changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _open(self, dialog: ParticipantDialog) -> ParticipantDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.changed)
        dialog.open_existing.connect(self.open_participant)
        dialog.open()
        return dialog
