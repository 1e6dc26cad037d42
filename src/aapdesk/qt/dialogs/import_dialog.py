"""The import dialog: choose what to import and into which operation, pick the file, check
which column feeds which field, preview what will be created or updated with every problem
by row and column, then import, all or nothing.

Reading the file, the preview and the import run in the background (a big file must not
freeze the window); the preview is the import itself, rolled back, so what it shows is
exactly what the import will do.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.imports import KINDS
from aapdesk.domain.problems import ValidationError
from aapdesk.qt import messages
from aapdesk.qt.display import plural
from aapdesk.qt.tasks import BackgroundTask
from aapdesk.qt.widgets.common import hint_label, section_label
from aapdesk.qt.widgets.field_errors import error_banner
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.services import imports
from aapdesk.services.context import AppContext
from aapdesk.services.operations import list_operations

IGNORE = "(ne pas importer)"
DETECTED = "détecté"
ERROR_BRUSH = QBrush(QColor("#B42318"))
ACTION_BRUSHES = {imports.CREATED: QBrush(QColor("#1E7B34")), imports.UPDATED: QBrush(QColor("#1D4E89")),
                  imports.SKIPPED: QBrush(QColor("#9C4A00"))}
FILE_FILTER = "Tableaux (*.xlsx *.xlsm *.csv *.txt);;Tous les fichiers (*)"


class ImportDialog(QDialog):
    #: Something was imported: the pages show it.
    imported = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None, *, kind: str = "participants",
                 operation_id: int | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle("Importer un fichier")
        self.setModal(True)
        self.resize(900, 720)
        self.file: imports.ImportFile | None = None
        self.report: imports.ImportReport | None = None
        self.task: BackgroundTask | None = None

        self.kind_combo = QComboBox()
        fill_combo(self.kind_combo, [(k.label, code) for code, k in KINDS.items()])
        select_data(self.kind_combo, kind)
        self.operation_combo = QComboBox()
        operations = list_operations(app)
        fill_combo(self.operation_combo, [(o.label, o.id) for o in operations])
        if operation_id is not None:
            select_data(self.operation_combo, operation_id)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("Aucun fichier choisi")
        self.choose_button = QPushButton("Choisir un fichier…")
        self.template_button = QPushButton("Enregistrer le modèle…")
        self.template_button.setToolTip("Le classeur modèle : une feuille par type de données, la 2e ligne explique "
                                        "chaque colonne, listes déroulantes pour les valeurs permises")
        self.sheet_combo = QComboBox()
        self.separator_combo = QComboBox()
        fill_combo(self.separator_combo, [(DETECTED, None), ("point-virgule ;", ";"), ("virgule ,", ","),
                                          ("tabulation", "\t")])
        self.encoding_combo = QComboBox()
        fill_combo(self.encoding_combo, [(DETECTED, None), ("UTF-8", "utf-8"), ("UTF-8 avec BOM", "utf-8-sig"),
                                         ("Windows (cp1252)", "cp1252")])
        self.mapping_combo = QComboBox()
        self.save_mapping_button = QPushButton("Enregistrer cette correspondance…")

        self.banner = error_banner()
        self.file_info = hint_label()
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(["Colonne du fichier", "Champ d'aapdesk", "Première valeur"])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color: #B42318;")
        self.preview_button = QPushButton("Aperçu")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.results = QTableWidget(0, 4)
        self.results.setHorizontalHeaderLabels(["Ligne", "Résultat", "Colonne", "Détail"])
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.skip_errors = QCheckBox("Importer les lignes correctes et laisser de côté les lignes en erreur")
        self.import_button = QPushButton("Importer")
        self.import_button.setDefault(True)
        self.close_button = QPushButton("Fermer")

        self._layout()
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._reload())
        self.operation_combo.currentIndexChanged.connect(lambda _i: self._forget_preview())
        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        for combo in (self.sheet_combo, self.separator_combo, self.encoding_combo, self.mapping_combo):
            combo.activated.connect(lambda _i: self._reload())
        self.save_mapping_button.clicked.connect(self.ask_save_mapping)
        self.preview_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.skip_errors.toggled.connect(lambda _on: self._update_buttons())
        self.close_button.clicked.connect(self.reject)
        self._fill_mappings()
        self._update_buttons()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.addRow("Données à importer", self.kind_combo)
        form.addRow("Dans l'opération", self.operation_combo)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.template_button)
        form.addRow("Fichier", file_row)
        options = QHBoxLayout()
        for label, combo in (("Feuille", self.sheet_combo), ("Séparateur", self.separator_combo),
                             ("Encodage", self.encoding_combo)):
            options.addWidget(QLabel(label))
            options.addWidget(combo, 1)
        form.addRow("Lecture", options)
        layout.addLayout(form)
        layout.addWidget(self.file_info)
        layout.addWidget(section_label("Correspondance des colonnes"))
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(QLabel("Correspondance enregistrée"))
        mapping_row.addWidget(self.mapping_combo, 1)
        mapping_row.addWidget(self.save_mapping_button)
        layout.addLayout(mapping_row)
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(self.missing_label)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.progress, 1)
        layout.addLayout(preview_row)
        layout.addWidget(section_label("Aperçu"))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.results, 2)
        layout.addWidget(self.skip_errors)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    # --- choosing ---------------------------------------------------------------------------

    @property
    def kind_code(self) -> str:
        return self.kind_combo.currentData()

    @property
    def operation_id(self) -> int | None:
        return self.operation_combo.currentData()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Fichier à importer", str(Path.home()), FILE_FILTER)
        if path:
            self.load_file(Path(path))

    def save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Enregistrer le modèle d'import", str(Path.home() / "modele-aapdesk.xlsx"),
                                              "Classeur Excel (*.xlsx)")
        if path:
            written = imports.write_template(self.app, Path(path))
            messages.info(self, "Modèle enregistré", f"Le modèle a été enregistré :\n{written}\n\n"
                                                      "Remplissez une feuille à partir de la 3e ligne, puis importez-la ici.")

    def load_file(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self.sheet_combo.clear()
        self._reload()

    def _fill_mappings(self) -> None:
        current = self.mapping_combo.currentData()
        fill_combo(self.mapping_combo, [(name, name) for name in imports.list_mappings(self.app, self.kind_code)],
                   empty="(aucune : reconnaissance par le nom des colonnes)")
        select_data(self.mapping_combo, current)

    def _reload(self) -> None:
        """Read the file again with the current choices (kind, sheet, separator, encoding, saved mapping)."""
        self._fill_mappings()
        self._forget_preview()
        text = self.path_edit.text()
        if not text:
            return
        path, kind = Path(text), self.kind_code
        sheet = self.sheet_combo.currentData() if self.sheet_combo.count() else None
        separator, encoding = self.separator_combo.currentData(), self.encoding_combo.currentData()
        mapping_name = self.mapping_combo.currentData()

        def work(progress, cancelled):  # type: ignore[no-untyped-def]
            return imports.open_import_file(self.app, kind, path, sheet=sheet, delimiter=separator, encoding=encoding,
                                            mapping_name=mapping_name)

        self._start(work, self._file_loaded, "Lecture du fichier…")

    def _file_loaded(self, file: imports.ImportFile) -> None:
        self.file = file
        self.banner.hide()
        table = file.table
        if table.sheets:
            self.sheet_combo.blockSignals(True)
            fill_combo(self.sheet_combo, [(s, s) for s in table.sheets])
            select_data(self.sheet_combo, table.sheet)
            self.sheet_combo.blockSignals(False)
        is_csv = table.format == "csv"
        self.sheet_combo.setEnabled(not is_csv)
        self.separator_combo.setEnabled(is_csv)
        self.encoding_combo.setEnabled(is_csv)
        read = f"Classeur, feuille « {table.sheet} »" if not is_csv else (
            f"CSV, séparateur « {'tabulation' if table.delimiter == chr(9) else table.delimiter} », "
            f"encodage {table.encoding}")
        self.file_info.setText(f"{read} ; en-têtes en ligne {file.header_row} ; "
                               f"{plural(len(file.rows), 'ligne')} de données.")
        self._fill_mapping_table()

    def _fill_mapping_table(self) -> None:
        file = self.file
        assert file is not None
        fields = [(IGNORE, None)] + [(f"{spec.label}{' *' if spec.required else ''} ({spec.name})", spec.name)
                                     for spec in file.kind.fields]
        first_values = next((values for _, values in file.rows if any(v is not None for v in values)), ())
        self.mapping_table.setRowCount(len(file.headers))
        for row, header in enumerate(file.headers):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header or f"(colonne {row + 1} sans titre)"))
            combo = QComboBox()
            fill_combo(combo, fields)
            select_data(combo, file.mapping.get(row))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._mapping_changed(r))
            self.mapping_table.setCellWidget(row, 1, combo)
            sample = first_values[row] if row < len(first_values) else None
            self.mapping_table.setItem(row, 2, QTableWidgetItem("" if sample is None else str(sample)[:60]))
        self._show_missing()

    def _mapping_changed(self, row: int) -> None:
        assert self.file is not None
        combo = self.mapping_table.cellWidget(row, 1)
        name = combo.currentData()
        mapping = {i: n for i, n in self.file.mapping.items() if i != row and n != name}
        if name is not None:
            mapping[row] = name
        # a field chosen here leaves the column that had it
        for other in range(self.mapping_table.rowCount()):
            other_combo = self.mapping_table.cellWidget(other, 1)
            if other != row and other_combo.currentData() == name and name is not None:
                other_combo.blockSignals(True)
                select_data(other_combo, None)
                other_combo.blockSignals(False)
        self.file = self.file.with_mapping(mapping)
        self._forget_preview()
        self._show_missing()

    def set_mapping(self, column: int, field_name: str | None) -> None:
        """Choose the field of a file column (what the user does with the combo box)."""
        select_data(self.mapping_table.cellWidget(column, 1), field_name)

    def _show_missing(self) -> None:
        missing = self.file.missing if self.file else []
        self.missing_label.setText("Colonnes obligatoires sans correspondance : " + ", ".join(missing) if missing else "")
        self.missing_label.setVisible(bool(missing))
        self._update_buttons()

    def ask_save_mapping(self) -> None:
        if self.file is None:
            return
        name, ok = QInputDialog.getText(self, "Enregistrer la correspondance",
                                        "Nom de cette correspondance (par exemple : export du logiciel X) :")
        if ok and name.strip():
            self.save_mapping(name)

    def save_mapping(self, name: str) -> None:
        assert self.file is not None
        imports.save_mapping(self.app, self.kind_code, name, self.file)
        self._fill_mappings()
        select_data(self.mapping_combo, " ".join(name.split()))

    # --- preview and import -----------------------------------------------------------------

    def run(self, *, dry_run: bool) -> None:
        if self.file is None or self.operation_id is None:
            return
        file, operation_id, skip = self.file, self.operation_id, self.skip_errors.isChecked()

        def work(progress, cancelled):  # type: ignore[no-untyped-def]
            return imports.run_import(self.app, file, operation_id, dry_run=dry_run, skip_errors=skip)

        self._start(work, self._show_report, "Aperçu en cours…" if dry_run else "Import en cours…")

    def _show_report(self, report: imports.ImportReport) -> None:
        self.report = report
        self.summary_label.setText(report.summary())
        self.summary_label.setStyleSheet("color: #B42318;" if report.blocked else "")
        problems_by_row: dict[int | None, list] = {}
        for problem in report.problems:
            problems_by_row.setdefault(problem.row, []).append(problem)
        lines: list[tuple[str, str, str, str, QBrush | None]] = []
        for problem in report.problems:
            lines.append(("" if problem.row is None else str(problem.row), "erreur", problem.column, problem.message,
                          ERROR_BRUSH))
        for action in report.actions:
            if action.action == imports.SKIPPED:
                continue  # its problems are listed above
            lines.append((str(action.row), action.action, "", action.description, ACTION_BRUSHES.get(action.action)))
        self.results.setRowCount(len(lines))
        for r, (row, what, column, detail, brush) in enumerate(lines):
            for c, text in enumerate((row, what, column, detail)):
                item = QTableWidgetItem(text)
                if brush is not None and c == 1:
                    item.setForeground(brush)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results.setItem(r, c, item)
        self.results.resizeColumnsToContents()
        self.results.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if not report.dry_run and report.applied:
            self.imported.emit()
            self.file = None  # imported: a second click would only re-read; the user re-opens to import again
        self._update_buttons()

    def _forget_preview(self) -> None:
        self.report = None
        self.summary_label.setText("Cliquez sur « Aperçu » : rien n'est écrit avant « Importer ».")
        self.summary_label.setStyleSheet("")
        self.results.setRowCount(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.task is not None and self.task.is_running()
        ready = self.file is not None and not self.file.missing and self.operation_id is not None
        self.preview_button.setEnabled(ready and not busy)
        self.save_mapping_button.setEnabled(self.file is not None and not busy)
        previewed = self.report is not None and self.report.dry_run
        can_import = previewed and (not self.report.problems or self.skip_errors.isChecked())  # type: ignore[union-attr]
        self.import_button.setEnabled(bool(ready and not busy and can_import))
        self.skip_errors.setVisible(bool(self.report and self.report.problems))

    def _start(self, work, on_success, step: str) -> None:  # type: ignore[no-untyped-def]
        self.task = BackgroundTask(work, parent=self)
        self.task.succeeded.connect(on_success)
        self.task.failed.connect(self._failed)
        self.task.finished.connect(self._finished)
        self.progress.setFormat(step)
        self.progress.show()
        self.task.start()
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            self.banner.setText("\n".join(p.message for p in error.problems))
            self.banner.show()
            self.file = None
            self.mapping_table.setRowCount(0)
            self.file_info.setText("")
            self._show_missing()
        else:
            # the type only: an exception's text may quote a cell
            messages.error(self, "Import impossible", "L'opération a échoué ; rien n'a été importé.",
                           type(error).__name__)

    def _finished(self) -> None:
        self.progress.hide()
        self._update_buttons()

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """For tests and closing: wait for the background work to finish."""
        return self.task.wait(msecs) if self.task is not None else True
