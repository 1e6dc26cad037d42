"""Rapports: choose an operation, a date, a report and a format; the file is built in the background.

The reports are those of :func:`~aapdesk.services.report_registry.available_reports` (the
same as ``aapdesk report NAME``), plus the indicators in JSON. The operation and the
"Arrêté au" date behave as on the Activité page. A report that covers one month (the
reporting mensuel) shows a month selector. The file name is proposed from the report, the
operation's code and the date, never from a person's name; the folder is the data
directory's ``exports/`` unless the person picks another one.

"Générer" hands the work to :mod:`aapdesk.qt.tasks`: the window stays responsive, a progress
bar follows the steps, "Annuler" stops at the next step and leaves no file (files are
written under a temporary name and renamed at the end). The last files produced — those of
this session and those found in ``exports/``, newest first — can be opened with their
application or in their folder.

The outcome under the progress bar (« Fichier produit : … » and its open buttons, a refusal,
an error) belongs to the choice it was obtained for: operation, date, report, month and
format. Choosing anything else clears it, so the page never offers a file made for another
choice; a refresh that keeps the same choice keeps it.

File dialogs and the opening of files and folders go through :func:`choose_folder`,
:func:`open_file` and :func:`open_folder`, which tests replace.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.periods import YearMonth
from aapdesk.files import write_atomically
from aapdesk.formatting import format_date, format_size
from aapdesk.qt import messages
from aapdesk.qt.pages.operation_bar import OperationChooser
from aapdesk.qt.pages.base import Page
from aapdesk.qt.tasks import BackgroundTask, run_in_background
from aapdesk.qt.widgets.common import hint_label, section_label
from aapdesk.qt.widgets.field_errors import ERROR_COLOR
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.services import report_registry
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow
from aapdesk.services.report_registry import ReportCancelled, ReportRequest, ReportSpec

OK_COLOR = "#1e6b34"
FORMAT_LABELS = {"xlsx": "Tableur Excel (.xlsx)", "pdf": "PDF (.pdf)", "json": "JSON (.json)",
                 "docx": "Word (.docx)", "csv": "CSV (.csv)"}
#: What the list of produced files shows from the exports folder (temporary files start with a dot).
PRODUCED_SUFFIXES = (".xlsx", ".pdf", ".json", ".docx", ".csv", ".zip")
RECENT_LIMIT = 30
NO_MONTH = "— choisir un mois —"


def _no_build(*_args: object) -> None:  # the indicators are written by write_indicators
    return None


#: Not a document: the figures of ``aapdesk report indicateurs``, for another program or a check.
INDICATORS = ReportSpec(
    name="indicateurs", label="Indicateurs (JSON)", formats=("json",), build=_no_build,
    description="Les chiffres de l'opération (participants, file active, heures, sorties, dépenses, "
                "financement) dans un fichier JSON, le même que « aapdesk report indicateurs » : "
                "pour un autre logiciel ou une vérification.")


# --- what tests replace ------------------------------------------------------------------

def choose_folder(parent: QWidget | None, start: Path) -> Path | None:
    """Ask for the folder where reports are written; None when the person cancels."""
    folder = QFileDialog.getExistingDirectory(parent, "Dossier des rapports", str(start))
    return Path(folder) if folder else None


def open_file(parent: QWidget | None, path: Path) -> bool:
    return messages.open_document(parent, path)


def open_folder(parent: QWidget | None, folder: Path) -> bool:
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    messages.info(parent, "Ouverture impossible", f"Le dossier n'a pas pu être ouvert :\n{folder}")
    return False


# --- pure helpers ------------------------------------------------------------------------

def report_choices() -> list[ReportSpec]:
    """The registered reports, then the indicators in JSON (unless a module registers them itself)."""
    specs = report_registry.available_reports()
    return specs if any(s.name == INDICATORS.name for s in specs) else [*specs, INDICATORS]


def month_choices(op: OperationRow, as_of: date) -> list[YearMonth]:
    """The operation's months up to the as-of date (at least its first month)."""
    first = YearMonth.of(op.debut)
    last = YearMonth.of(min(max(as_of, op.debut), op.fin))
    months, current = [], first
    while current <= last:
        months.append(current)
        current = current.add(1)
    return months


def default_month(op: OperationRow, as_of: date) -> YearMonth:
    """The last month complete on the as-of date (the one whose reporting is due next), within the operation."""
    month = YearMonth.of(as_of)
    if as_of != month.last_day:
        month = month.add(-1)
    choices = month_choices(op, as_of)
    return min(max(month, choices[0]), choices[-1])


def proposed_file_name(spec: ReportSpec, code: str, as_of: date, month: YearMonth | None, fmt: str) -> str:
    """« tableau-de-bord-AI-2024-2024-12-31.xlsx »: report, operation code, date; no personal data."""
    when = str(month) if spec.needs_month and month is not None else as_of.isoformat()
    return f"{spec.name}-{code}-{when}.{fmt}"


def produced_files(folder: Path) -> list[Path]:
    """The reports found in ``folder``, newest first (temporary and hidden files left out)."""
    try:
        files = [p for p in folder.iterdir()
                 if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in PRODUCED_SUFFIXES]
    except OSError:
        return []
    return sorted(files, key=_mtime, reverse=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def write_indicators(app: AppContext, request: ReportRequest, dest: Path, progress, cancelled) -> Path:  # type: ignore[no-untyped-def]
    """The indicators JSON of ``aapdesk report indicateurs``, written atomically (worker thread)."""
    from aapdesk.services import reporting

    progress(10, "Calcul des indicateurs")
    data = reporting.indicators(app, request.operation_id, request.as_of)
    if cancelled():
        raise ReportCancelled()
    progress(85, "Écriture du fichier")
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path = write_atomically(dest, lambda handle: handle.write(text.encode("utf-8") + b"\n"))
    progress(100, "Terminé")
    return path


def is_expected_failure(error: BaseException) -> bool:
    """Refusals the services word in French (ValueError, LookupError) and files that cannot be
    written (OSError); a KeyError, IndexError or UnicodeError is a bug, whose text may quote data."""
    if isinstance(error, (KeyError, IndexError, UnicodeError)):
        return False
    return isinstance(error, (ValueError, LookupError, OSError))


def failure_text(spec: ReportSpec, error: BaseException) -> str:
    """What went wrong, in French; the services' refusals (ValueError, LookupError) are already French."""
    if not is_expected_failure(error):
        return (f"Le rapport « {spec.label} » n'a pas pu être produit à cause d'une erreur inattendue "
                f"({type(error).__name__}). Les données ne sont pas touchées.")
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"Le fichier du rapport « {spec.label} » n'a pas pu être écrit : {reason}."
    return str(error)


class ReportsPage(OperationChooser, Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Rapports", parent)
        self.task: BackgroundTask | None = None
        self._updating = False
        self._running_spec: ReportSpec | None = None
        #: The choice (see :meth:`_choice`) of the generation running, and of the outcome shown.
        self._running_choice: tuple[object, ...] | None = None
        self._result_choice: tuple[object, ...] | None = None
        self._specs: dict[str, ReportSpec] = {}
        self._session_files: list[Path] = []
        #: The file the last generation wrote: « Ouvrir le fichier » / « Ouvrir le dossier » act on it.
        self.last_produced: Path | None = None
        self.folder = app.db.paths.exports_dir
        self._build()
        self.operation_combo.currentIndexChanged.connect(self._operation_chosen)
        self.as_of_edit.dateChanged.connect(self._parameters_changed)
        self.report_list.currentRowChanged.connect(self._report_chosen)
        self.write_bilan_button.clicked.connect(self.open_bilan_editor)
        self.month_combo.currentIndexChanged.connect(self._parameters_changed)
        self.format_combo.currentIndexChanged.connect(self._parameters_changed)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.folder_button.clicked.connect(self.change_folder)
        self.open_file_button.clicked.connect(self.open_produced_file)
        self.open_folder_button.clicked.connect(self.open_produced_folder)
        self.recent_table.activated_object.connect(lambda path: self.open_selected_file())
        self.recent_table.customContextMenuRequested.connect(self._recent_menu)

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self._build_operation_bar("Les chiffres des rapports sont comptés jusqu'à cette date (incluse)")

        # Left: which report, and what it holds.
        report_box = QGroupBox("Rapport")
        report_column = QVBoxLayout(report_box)
        self.report_list = QListWidget()
        self.report_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.report_list.setStyleSheet("QListWidget::item { padding: 3px; }")
        report_column.addWidget(self.report_list)
        self.write_bilan_button = QPushButton("Rédiger le bilan pédagogique…")
        self.write_bilan_button.setToolTip("Écrire les sections du bilan pédagogique ; elles sont gardées comme brouillons")
        report_column.addWidget(self.write_bilan_button)
        self.description = hint_label()
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 3)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        report_column.addWidget(self.description)
        report_column.addStretch(1)

        # Right: how to write it, and the generation itself.
        file_box = QGroupBox("Fichier")
        file_column = QVBoxLayout(file_box)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.month_combo = QComboBox()
        self.month_combo.setToolTip("Le mois que couvre le rapport")
        self.form.addRow("Mois", self.month_combo)
        self.format_combo = QComboBox()
        self.form.addRow("Format", self.format_combo)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_button = QPushButton("Changer…")
        self.folder_button.setToolTip("Choisir un autre dossier pour les rapports")
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        self.form.addRow("Dossier", folder_row)
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("Proposé sans aucune donnée personnelle : rapport, code de l'opération, date")
        self.form.addRow("Nom du fichier", self.name_edit)
        file_column.addLayout(self.form)

        actions = QHBoxLayout()
        self.generate_button = QPushButton("Générer")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumWidth(120)
        self.generate_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        actions.addWidget(self.generate_button)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setFormat("%p %")
        actions.addWidget(self.progress_bar, 1)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Arrêter la génération : aucun fichier ne sera écrit")
        actions.addWidget(self.cancel_button)
        actions.addStretch(0)  # keeps « Générer » at its size while the bar is hidden
        file_column.addSpacing(6)
        file_column.addLayout(actions)
        self.step_label = hint_label()
        file_column.addWidget(self.step_label)
        result_row = QHBoxLayout()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_row.addWidget(self.result_label, 1)
        self.open_file_button = QPushButton("Ouvrir le fichier")
        self.open_file_button.setToolTip("Ouvrir le rapport produit avec l'application habituelle")
        self.open_folder_button = QPushButton("Ouvrir le dossier")
        self.open_folder_button.setToolTip("Ouvrir le dossier qui contient le rapport produit")
        result_row.addWidget(self.open_file_button, 0, Qt.AlignmentFlag.AlignTop)
        result_row.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)
        file_column.addLayout(result_row)
        file_column.addStretch(1)

        # As tall as the taller box, no more: the list of files takes the rest of the page.
        top_widget = QWidget()
        top_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        top = QHBoxLayout(top_widget)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(report_box, 2)
        top.addWidget(file_box, 3)
        self.layout_.addWidget(top_widget)

        # Bottom: the files produced.
        self.layout_.addWidget(section_label("Derniers fichiers produits"))
        self.recent_table = SimpleTable(("Fichier", "Produit le", "Taille", "Dossier"), stretch_column=3,
                                        right_aligned=(2,))
        self.recent_table.setToolTip("Double-cliquez sur un fichier pour l'ouvrir ; clic droit pour ouvrir son dossier")
        self.recent_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.layout_.addWidget(self.recent_table, 1)
        self.recent_empty = hint_label("Aucun fichier produit pour l'instant.")
        self.layout_.addWidget(self.recent_empty)
        self.layout_.addStretch(0)  # takes the room while the list is hidden
        self._show_idle()
        self._show_result("")

    # --- choosing ------------------------------------------------------------------------

    def refresh(self) -> None:
        self._refill_operations()
        self._fill_reports()
        self._show_operation(reset_date=self._operation_changed_since_shown())
        self.refresh_recent()
        self._set_busy(self.is_busy())

    def _fill_reports(self) -> None:
        chosen = self.current_spec()
        specs = report_choices()
        self._specs = {s.name: s for s in specs}
        self.report_list.blockSignals(True)
        try:
            self.report_list.clear()
            for spec in specs:
                item = QListWidgetItem(spec.label)
                item.setData(Qt.ItemDataRole.UserRole, spec.name)
                if spec.description:
                    item.setToolTip(spec.description)
                self.report_list.addItem(item)
            names = list(self._specs)
            row = names.index(chosen.name) if chosen is not None and chosen.name in names else 0
            self.report_list.setCurrentRow(row if names else -1)
        finally:
            self.report_list.blockSignals(False)
        rows = max(self.report_list.count(), 4)
        self.report_list.setFixedHeight(rows * max(self.report_list.sizeHintForRow(0), 20)
                                        + 2 * self.report_list.frameWidth() + 4)
        self._report_chosen()

    def open_bilan_editor(self):  # type: ignore[no-untyped-def]
        from aapdesk.qt.dialogs.bilan_dialog import BilanDialog

        op = self.current_operation()
        if op is None:
            return None
        dialog = BilanDialog(self.app, op.id, op.code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def current_spec(self) -> ReportSpec | None:
        item = self.report_list.currentItem()
        return self._specs.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def report_names(self) -> list[str]:
        return [self.report_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.report_list.count())]

    def chosen_month(self) -> YearMonth | None:
        return self.month_combo.currentData()

    def chosen_format(self) -> str | None:
        return self.format_combo.currentData()

    def select_report(self, name: str) -> None:
        names = self.report_names()
        if name not in names:
            raise LookupError(f"aucun rapport {name!r}")
        self.report_list.setCurrentRow(names.index(name))

    def set_as_of(self, day: date) -> None:
        self.as_of_edit.set_value(day)

    def set_format(self, fmt: str) -> None:
        if not select_data(self.format_combo, fmt):
            raise LookupError(f"format {fmt!r} non proposé")

    def set_month(self, month: YearMonth | None) -> None:
        if not select_data(self.month_combo, month):
            raise LookupError(f"mois {month} non proposé")

    def _operation_chosen(self, _index: int) -> None:
        self._show_operation(reset_date=True)

    def _report_chosen(self, *_args: object) -> None:
        if self._updating:
            return
        spec = self.current_spec()
        self.description.setText(spec.description if spec else "")
        previous = self.chosen_format()
        formats = spec.formats if spec else ()
        with self._quietly():
            fill_combo(self.format_combo, [(FORMAT_LABELS.get(f, f), f) for f in formats])
            select_data(self.format_combo, previous if previous in formats else (formats[0] if formats else None))
        self.form.setRowVisible(self.month_combo, bool(spec and spec.needs_month))
        self._parameters_changed()

    def _show_operation(self, *, reset_date: bool) -> None:
        self._apply_operation(reset_date=reset_date)
        self._parameters_changed(reset_month=reset_date)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Refill combos without their signals re-entering (``fill_combo`` unblocks signals itself)."""
        before, self._updating = self._updating, True
        try:
            yield
        finally:
            self._updating = before

    def _parameters_changed(self, *_args: object, reset_month: bool = False) -> None:
        """Months on offer follow the operation and the date; the file name follows everything."""
        op, as_of = self.current_operation(), self.as_of()
        if self._updating:
            return
        previous, had_choices = self.chosen_month(), self.month_combo.count() > 0
        with self._quietly():
            months = month_choices(op, as_of) if op and as_of else []
            fill_combo(self.month_combo, [(m.label, m) for m in reversed(months)], empty=NO_MONTH)
            if op and as_of:
                # The person's choice stays (even « choisir un mois ») unless it no longer fits.
                keep_previous = had_choices and not reset_month and (previous is None or previous in months)
                select_data(self.month_combo, previous if keep_previous else default_month(op, as_of))
        spec, fmt = self.current_spec(), self.chosen_format()
        if op and as_of and spec and fmt:
            self.name_edit.setText(proposed_file_name(spec, op.code, as_of, self.chosen_month(), fmt))
        else:
            self.name_edit.clear()
        self.folder_edit.setText(str(self.folder))
        self.folder_edit.setToolTip(str(self.folder))
        self._forget_outdated_result()

    def _choice(self) -> tuple[object, ...]:
        """What a produced file depends on: operation, date, report, month (when it has one), format."""
        spec = self.current_spec()
        month = self.chosen_month() if spec is not None and spec.needs_month else None
        return (self.current_operation_id(), self.as_of(), spec.name if spec else None, month,
                self.chosen_format())

    def _forget_outdated_result(self) -> None:
        """Clear the outcome shown once the person has chosen something else (never mid-generation)."""
        if self.is_busy() or self._result_choice is None or self._result_choice == self._choice():
            return
        self._show_idle()
        self._show_result("")

    def change_folder(self) -> None:
        folder = choose_folder(self, self.folder)
        if folder is not None:
            self.folder = folder
            self._parameters_changed()
            self.refresh_recent()

    # --- generating ----------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self.task is not None and self.task.is_running()

    def destination(self) -> Path | None:
        """The file to write, from the folder and the name (its extension added when missing)."""
        name, fmt = self.name_edit.text().strip(), self.chosen_format()
        if not name or fmt is None:
            return None
        if not name.lower().endswith(f".{fmt}"):
            name = f"{name}.{fmt}"
        return self.folder / name

    def problem(self) -> str | None:
        """Why the report cannot be started as chosen, in French; None when it can."""
        op, spec, as_of = self.current_operation(), self.current_spec(), self.as_of()
        if op is None:
            return "Choisissez d'abord une opération."
        if spec is None:
            return "Choisissez le rapport à produire."
        if as_of is None:
            return "Indiquez la date d'arrêté."
        if as_of < op.debut:
            return f"La date d'arrêté précède le début de l'opération ({format_date(op.debut)})."
        if spec.needs_month and self.chosen_month() is None:
            return f"Le rapport « {spec.label} » demande un mois : choisissez-le."
        if self.chosen_format() not in spec.formats:
            return f"Choisissez le format du rapport « {spec.label} »."
        name = self.name_edit.text().strip()
        if not name:
            return "Indiquez le nom du fichier."
        if any(char in name for char in '/\\:*?"<>|') or name.startswith("."):
            return "Le nom du fichier ne peut contenir ni / \\ : * ? \" < > | ni commencer par un point."
        return None

    def generate(self) -> BackgroundTask | None:
        """Start the chosen report in the background; None when it cannot start (the reason is shown)."""
        if self.is_busy():
            return None
        problem = self.problem()
        if problem:
            self._show_result(problem, error=True)
            return None
        op, spec, as_of, fmt = self.current_operation(), self.current_spec(), self.as_of(), self.chosen_format()
        dest = self.destination()
        assert op is not None and spec is not None and as_of is not None and fmt is not None and dest is not None
        if dest.exists() and not messages.confirm(
                self, "Remplacer le fichier ?", f"Le fichier « {dest.name} » existe déjà dans ce dossier.\n"
                "Le remplacer par le nouveau rapport ?", "Remplacer"):
            return None
        request = ReportRequest(op.id, as_of, self.chosen_month() if spec.needs_month else None)
        app = self.app

        def work(progress, cancelled):  # type: ignore[no-untyped-def]  # worker thread: no widget here
            if spec is INDICATORS:
                return write_indicators(app, request, dest, progress, cancelled)
            return report_registry.generate(app, spec.name, request, fmt, dest, progress=progress, cancelled=cancelled)

        self._running_spec = spec
        self._running_choice = self._choice()
        self.task = run_in_background(work, parent=self, cancel_exceptions=(ReportCancelled,))
        self.task.progress.connect(self._on_progress)
        self.task.succeeded.connect(self._on_success)
        self.task.cancelled.connect(self._on_cancelled)
        self.task.failed.connect(self._on_failure)
        self.task.finished.connect(lambda: self._set_busy(False))
        self._set_busy(True)
        self.progress_bar.setValue(0)
        self._set_step("Préparation…")
        self._show_result("")
        return self.task

    def cancel(self) -> None:
        if self.is_busy() and self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self._set_step("Annulation en cours…")

    def shutdown(self, msecs: int = 15_000) -> None:
        """At closing: stop a generation in progress and wait for it, before the database closes."""
        if self.task is not None and self.is_busy():
            self.task.cancel()
            self.task.wait(msecs)

    def _on_progress(self, percent: int, step: str) -> None:
        self.progress_bar.setValue(max(0, min(100, percent)))
        self._set_step(f"{step}…" if step else "")

    def _on_success(self, path: object) -> None:
        produced = Path(str(path))
        self._session_files = [produced] + [p for p in self._session_files if p != produced]
        self.last_produced = produced
        self.progress_bar.setValue(100)
        self._set_step("")
        self._show_result(f"Fichier produit : {produced.name}", ok=True, choice=self._running_choice)
        self.refresh_recent()
        self.recent_table.select_object(produced)
        self.status_message.emit(f"Rapport produit : {produced.name}")

    def _on_cancelled(self) -> None:
        self._show_idle()
        self._show_result("Génération annulée : aucun fichier n'a été écrit.", choice=self._running_choice)

    def _on_failure(self, error: object) -> None:
        self._show_idle()
        exc = error if isinstance(error, BaseException) else RuntimeError(str(error))
        text = failure_text(self._running_spec or INDICATORS, exc)
        self._show_result(text, error=True, choice=self._running_choice)
        if is_expected_failure(exc):
            messages.error(self, "Rapport non produit", text)
        else:
            # A bug: the application's hook logs it without personal data and says so in French.
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _set_busy(self, busy: bool) -> None:
        has_ops = bool(self._operations)
        for widget in (self.operation_combo, self.as_of_edit, self.report_list, self.month_combo,
                       self.format_combo, self.folder_button, self.name_edit):
            widget.setEnabled(has_ops and not busy)
        self.generate_button.setEnabled(has_ops and not busy)
        self.cancel_button.setEnabled(busy)
        self.progress_bar.setVisible(busy or self.progress_bar.value() > 0)
        self.cancel_button.setVisible(busy)

    def _show_idle(self) -> None:
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self._set_step("")

    def _set_step(self, text: str) -> None:
        self.step_label.setText(text)
        self.step_label.setVisible(bool(text))

    def _show_result(self, text: str, *, ok: bool = False, error: bool = False,
                     choice: tuple[object, ...] | None = None) -> None:
        """The outcome under the progress bar, for ``choice`` (the current one by default); the open
        buttons only after a success."""
        self._result_choice = (choice or self._choice()) if text else None
        color = ERROR_COLOR if error else (OK_COLOR if ok else "")
        self.result_label.setStyleSheet(f"color: {color};" if color else "")
        self.result_label.setText(text)
        self.open_file_button.setVisible(ok)
        self.open_folder_button.setVisible(ok)

    # --- produced files ------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        """This session's files and those of the current folder and ``exports/``, newest first."""
        found: dict[Path, None] = {}
        for folder in dict.fromkeys((self.folder, self.app.db.paths.exports_dir)):
            found.update(dict.fromkeys(produced_files(folder)))
        found.update(dict.fromkeys(p for p in self._session_files if p.is_file()))
        return sorted(found, key=_mtime, reverse=True)[:RECENT_LIMIT]

    def refresh_recent(self) -> None:
        rows = []
        for path in self.recent_files():
            try:
                stat = path.stat()
            except OSError:
                continue
            when = datetime.fromtimestamp(stat.st_mtime)
            rows.append(([path.name, f"{format_date(when.date())} {when:%H:%M}", format_size(stat.st_size),
                          str(path.parent)], path))
        self.recent_table.set_rows(rows)
        self.recent_table.setVisible(bool(rows))
        self.recent_empty.setVisible(not rows)

    def selected_file(self) -> Path | None:
        obj = self.recent_table.current_object()
        return obj if isinstance(obj, Path) else None

    def recent_menu(self) -> QMenu:
        """The list's context menu: the selected file, or its folder."""
        menu = QMenu(self)
        menu.addAction("Ouvrir le fichier", self.open_selected_file)
        menu.addAction("Ouvrir le dossier", self.open_selected_folder)
        return menu

    def _recent_menu(self, position: QPoint) -> None:
        if self.selected_file() is not None:
            self.recent_menu().popup(self.recent_table.viewport().mapToGlobal(position))

    def open_produced_file(self) -> bool:
        return open_file(self, self.last_produced) if self.last_produced is not None else False

    def open_produced_folder(self) -> bool:
        return open_folder(self, self.last_produced.parent) if self.last_produced is not None else False

    def open_selected_file(self) -> bool:
        path = self.selected_file()
        return open_file(self, path) if path is not None else False

    def open_selected_folder(self) -> bool:
        path = self.selected_file()
        return open_folder(self, path.parent) if path is not None else False

