"""Paramètres: the structure, the operations (conventions) and the backups.

Each section is a small panel with its own ``changed`` signal; the page forwards them
so the main window refreshes everything after a save or a restore.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from aapdesk.formatting import format_money, format_number, format_size
from aapdesk.qt import archive_flow, messages
from aapdesk.qt.dialogs.operation_dialog import OperationDialog
from aapdesk.qt.dialogs.structure_form import StructureForm
from aapdesk.qt.display import capacity_text, dispositif_short, operation_status, period_text
from aapdesk.qt.pages.base import Page
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.field_errors import FieldErrors, error_banner, sentence
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.services import backups as backups_service
from aapdesk.services import operations as operations_service
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class Panel(QGroupBox):
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.app = app
        self.column = QVBoxLayout(self)
        self.column.setSpacing(8)

    def refresh(self) -> None:
        """Reload from the services."""


class StructurePanel(Panel):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Structure", parent)
        self.banner = error_banner()
        self.errors = FieldErrors(self.banner, self)
        self.form = StructureForm(app, self.errors)
        self.save_button = QPushButton("Enregistrer la structure")
        self.column.addWidget(self.banner)
        self.column.addWidget(self.form)
        self.column.addLayout(_button_row(self.save_button))
        self.column.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        self.errors.clear()
        self.form.load()

    def save(self) -> bool:
        if not self.errors.attempt(self.form.save):
            return False
        self.status_message.emit("Structure enregistrée.")
        self.changed.emit()
        return True


class OperationsPanel(Panel):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Opérations", parent)
        self.table = SimpleTable(
            ("Code", "Intitulé", "Dispositif", "Période", "Capacité", "ETP", "Montant", "Statut"),
            stretch_column=1, right_aligned=(5, 6))
        self.new_button = QPushButton("Nouvelle opération")
        self.edit_button = QPushButton("Modifier")
        self.column.addWidget(self.table, 1)
        self.column.addLayout(_button_row(self.new_button, self.edit_button))
        self.new_button.clicked.connect(self.open_new)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.activated_object.connect(self.open_operation)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        today = self.app.today()
        self.table.set_rows([
            ([op.code, op.intitule, dispositif_short(op), period_text(op), capacity_text(op),
              format_number(op.etp, 2) if op.etp is not None else "", format_money(op.montant),
              operation_status(op, today)], op)
            for op in operations_service.list_operations(self.app)
        ])
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.table.current_object() is not None)

    def open_new(self) -> OperationDialog:
        return self.open_operation(None)

    def edit_selected(self) -> OperationDialog | None:
        op = self.table.current_object()
        return self.open_operation(op) if isinstance(op, OperationRow) else None

    def open_operation(self, op: object) -> OperationDialog:
        dialog = OperationDialog(self.app, op if isinstance(op, OperationRow) else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.changed)
        dialog.open()
        return dialog


class BackupsPanel(Panel):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Sauvegardes", parent)
        self.column.addWidget(hint_label(
            "Une sauvegarde vérifiée est faite à chaque fermeture si des données ont changé, "
            f"dans {app.db.paths.backups_dir}."))
        self.table = SimpleTable(("Date", "Type", "Taille"), stretch_column=1, right_aligned=(2,))
        self.backup_button = QPushButton("Sauvegarder maintenant")
        self.verify_button = QPushButton("Vérifier")
        self.restore_button = QPushButton("Restaurer…")
        self.column.addWidget(self.table, 1)
        self.column.addLayout(_button_row(self.backup_button, self.verify_button, self.restore_button))
        self.column.addWidget(hint_label(
            "Pour changer d'ordinateur ou garder une copie hors de celui-ci : l'archive complète "
            "réunit toutes les données et toutes les pièces jointes en un seul fichier."))
        self.export_archive_button = QPushButton("Exporter une archive complète…")
        self.restore_archive_button = QPushButton("Reprendre une archive…")
        self.column.addLayout(_button_row(self.export_archive_button, self.restore_archive_button))
        self.export_archive_button.clicked.connect(self.export_archive)
        self.restore_archive_button.clicked.connect(self.restore_archive)
        self.backup_button.clicked.connect(self.backup_now)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        self.table.set_rows([
            ([info.created.strftime("%d/%m/%Y %H:%M"), info.reason_label, format_size(info.size)], info)
            for info in backups_service.backups(self.app)
        ])
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.table.current_object() is not None
        self.verify_button.setEnabled(selected)
        self.restore_button.setEnabled(selected)

    def backup_now(self) -> bool:
        try:
            info = backups_service.backup_now(self.app)
        except RuntimeError as exc:  # BackupError: disk full, unwritable folder; the message is French
            messages.error(self, "Sauvegarde impossible", sentence(str(exc)))
            return False
        self.refresh()
        self.table.select_object(info)
        self.status_message.emit(f"Sauvegarde créée le {info.created.strftime('%d/%m/%Y à %H:%M')}.")
        return True

    def verify_selected(self) -> list[str] | None:
        info = self.table.current_object()
        if info is None:
            return None
        problems = backups_service.verify(self.app, info.id)
        if problems:
            messages.error(self, "Sauvegarde abîmée", "Cette sauvegarde ne passe pas la vérification d'intégrité.",
                           "\n".join(problems[:5]))
        else:
            messages.info(self, "Sauvegarde vérifiée", "Cette sauvegarde est intègre : elle peut être restaurée.")
        return problems

    def restore_selected(self) -> bool:
        info = self.table.current_object()
        if info is None:
            return False
        when = info.created.strftime("%d/%m/%Y à %H:%M")
        if not messages.confirm(
            self, "Restaurer une sauvegarde",
            f"Remplacer les données actuelles par la sauvegarde du {when} ?\n\n"
            "L'état actuel sera d'abord sauvegardé (sauvegarde « avant restauration ») : "
            "vous pourrez y revenir si besoin.",
            "Restaurer",
        ):
            return False
        try:
            backups_service.restore(self.app, info.id)
        except RuntimeError as exc:
            messages.error(self, "Restauration impossible", sentence(str(exc)))
            return False
        self.status_message.emit(f"Sauvegarde du {when} restaurée.")
        self.changed.emit()
        return True

    def export_archive(self) -> bool:
        summary = archive_flow.export_archive(self, self.app)
        if summary is not None:
            self.status_message.emit(f"Archive écrite : {summary.path.name}.")
        return summary is not None

    def restore_archive(self) -> bool:
        if not archive_flow.restore_archive(self, self.app):
            return False
        self.status_message.emit("Archive reprise.")
        self.changed.emit()
        return True


class SettingsPage(Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Paramètres", parent)
        self.structure = StructurePanel(app)
        self.backups = BackupsPanel(app)
        self.operations = OperationsPanel(app)
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.structure, 0, 0)
        grid.addWidget(self.backups, 0, 1)
        grid.addWidget(self.operations, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        self.layout_.addLayout(grid, 1)
        for panel in self.panels():
            panel.changed.connect(self.changed)
            panel.status_message.connect(self.status_message)

    def panels(self) -> tuple[Panel, ...]:
        return (self.structure, self.operations, self.backups)

    def refresh(self) -> None:
        for panel in self.panels():
            panel.refresh()
