"""Sorties: one operation's exits as of a date, classified by the operation's own rules.

On top, the counts per category, the sorties dynamiques and their rate, the fiche's
objectives achieved or not, and what remains to do (missing proofs, exits to qualify,
each a link that filters the table). Below, the exits table with its filters, and the
ways to qualify an exit and attach its proofs, export the proofs as a ZIP, and edit the
operation's exit rules (which reclassifies its exits).

File dialogs, message boxes and the opening of a folder go through :func:`choose_save_path`,
:func:`offer_open_folder` and :func:`open_folder`, which tests replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.exit_objectives import Objective
from aapdesk.domain.exits import CATEGORY_LABELS, EXIT_TYPE_LABELS, ExitCategory, decimal_text
from aapdesk.domain.problems import ValidationError
from aapdesk.formatting import format_date, format_percent
from aapdesk.qt import messages
from aapdesk.qt.dialogs.exit_dialog import TYPE_GROUPS, ExitDialog, ExitRulesDialog
from aapdesk.qt.display import plural
from aapdesk.qt.models.exits_model import (
    COL_DATE,
    COL_PIECES,
    COLUMNS,
    PROOF_ATTACHED,
    PROOF_MISSING,
    UNQUALIFIED,
    ExitsFilter,
    ExitsModel,
)
from aapdesk.qt.pages.base import Page
from aapdesk.qt.pages.operation_bar import OperationChooser
from aapdesk.qt.widgets.common import MUTED_COLOR, hint_label
from aapdesk.qt.widgets.field_errors import ERROR_COLOR, sentence
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.qt.widgets.tables import setup_rows_table
from aapdesk.services import exits as exits_service
from aapdesk.services.context import AppContext
from aapdesk.services.exits import ExitRow, ExitsView

MET_COLOR = "#1e6b34"
ALL_F, ALL_M = "Toutes", "Tous"
PROOF_CHOICES = (("Manquante", PROOF_MISSING), ("Jointe", PROOF_ATTACHED))
MISSING_LINK, UNQUALIFIED_LINK = "#manquantes", "#a-qualifier"


# --- what tests replace ------------------------------------------------------------------

def choose_save_path(parent: QWidget | None, title: str, default: Path, name_filter: str) -> str | None:
    """Ask where to write a file; None when the person cancels."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(default), name_filter)
    return path or None


def offer_open_folder(parent: QWidget | None, title: str, text: str) -> bool:
    """Say what was written and offer to open its folder; True when the person wants it opened."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    open_button = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.AcceptRole)
    close_button = box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close_button)
    box.exec()
    return box.clickedButton() is open_button


def open_folder(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


# --- wording -----------------------------------------------------------------------------

def category_title(category: ExitCategory) -> str:
    label = CATEGORY_LABELS[category]
    return label[:1].upper() + label[1:]


def dynamic_text(view: ExitsView) -> str:
    summary = view.summary
    if not summary.comptees:
        return "Sorties dynamiques : aucune sortie comptée pour l'instant"
    return (f"Sorties dynamiques : {summary.dynamiques} sur {plural(summary.comptees, 'comptée')} "
            f"({format_percent(summary.taux_dynamiques)})")


def objective_text(objective: Objective) -> str:
    """« Sorties dynamiques : 0,45 par poste × 20 postes : 6 pour 9 – non atteint »."""
    if objective.is_rate:
        achieved, target = format_percent(objective.achieved), format_percent(objective.target)
    else:
        achieved, target = decimal_text(objective.achieved), decimal_text(objective.target)
    return f"{objective.label} : {achieved} pour {target} – {'atteint' if objective.met else 'non atteint'}"


def missing_text(count: int) -> str:
    return (f"{count} pièce probante manquante" if count == 1
            else f"{count} pièces probantes manquantes" if count else "Aucune pièce probante manquante")


def unqualified_text(count: int) -> str:
    return (f"{count} sortie à qualifier" if count == 1
            else f"{count} sorties à qualifier" if count else "Toutes les sorties sont qualifiées")


def compact_combo(characters: int) -> QComboBox:
    """A filter combo as wide as ``characters``, whatever its longest item (full text in the popup)."""
    combo = QComboBox()
    combo.setMinimumContentsLength(characters)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class CategoryTile(QFrame):
    """A count of one category; clicking it filters the table on that category."""

    clicked = Signal(str)

    def __init__(self, category: ExitCategory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        self.setObjectName("categoryTile")
        self.setStyleSheet("#categoryTile { background: palette(base); border: 1px solid palette(mid); "
                           "border-radius: 4px; }")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"Afficher seulement les sorties « {CATEGORY_LABELS[category]} »")
        self.count = QLabel("0")
        font = QFont(self.count.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.count.setFont(font)
        self.caption = QLabel(category_title(category))
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {MUTED_COLOR};")
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 4, 10, 6)
        column.setSpacing(0)
        column.addWidget(self.count)
        column.addWidget(self.caption)
        column.addStretch(1)

    def set_count(self, count: int) -> None:
        self.count.setText(str(count))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.category.value)
        super().mouseReleaseEvent(event)


class ExitsPage(OperationChooser, Page):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Sorties", parent)
        self.view: ExitsView | None = None
        self._build_operation_bar("Les sorties sont comptées jusqu'à cette date (incluse)")

        self._build_summary()
        self._build_filters()
        self._build_table()
        self._build_actions()

        self.operation_combo.currentIndexChanged.connect(lambda _i: self._show(reset_date=True))
        self.as_of_edit.dateChanged.connect(lambda *_a: self._show(reset_date=False))

    # --- building ------------------------------------------------------------------------

    def _build_summary(self) -> None:
        self.summary_band = QFrame()
        self.summary_band.setObjectName("exitsSummary")
        self.summary_band.setStyleSheet("#exitsSummary { background: palette(alternate-base); "
                                        "border: 1px solid palette(mid); border-radius: 4px; }")
        band = QVBoxLayout(self.summary_band)
        band.setContentsMargins(10, 8, 10, 8)
        band.setSpacing(8)
        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[ExitCategory, CategoryTile] = {}
        for index, category in enumerate(ExitCategory):
            tile = CategoryTile(category)
            tile.clicked.connect(self.show_category)
            self.tiles[category] = tile
            tiles.addWidget(tile, 0, index)
            tiles.setColumnStretch(index, 1)
        band.addLayout(tiles)

        lower = QHBoxLayout()
        lower.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(2)
        self.dynamic_label = QLabel()
        font = QFont(self.dynamic_label.font())
        font.setBold(True)
        self.dynamic_label.setFont(font)
        self.dynamic_label.setToolTip(
            "Sorties dynamiques : emploi durable, emploi de transition et sortie positive.\n"
            "Taux : sorties dynamiques ÷ sorties comptées (toutes sauf « non comptée » ; "
            "les sorties à qualifier ne sont pas encore comptées).")
        left.addWidget(self.dynamic_label)
        objectives_row = QHBoxLayout()
        objectives_row.setSpacing(6)
        self.objectives_caption = QLabel("Objectif de la fiche :")
        self.objectives_caption.setStyleSheet(f"color: {MUTED_COLOR};")
        objectives_row.addWidget(self.objectives_caption, 0, Qt.AlignmentFlag.AlignTop)
        self.objectives_layout = QVBoxLayout()
        self.objectives_layout.setSpacing(2)
        objectives_row.addLayout(self.objectives_layout, 1)
        left.addLayout(objectives_row)
        self.objective_labels: list[QLabel] = []
        lower.addLayout(left, 3)
        right = QVBoxLayout()
        right.setSpacing(2)
        self.missing_label = self._link_label()
        self.unqualified_label = self._link_label()
        right.addWidget(self.missing_label)
        right.addWidget(self.unqualified_label)
        right.addStretch(1)
        lower.addLayout(right, 2)
        band.addLayout(lower)
        self.layout_.addWidget(self.summary_band)

    def _link_label(self) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                      | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        label.linkActivated.connect(self._link_activated)
        return label

    def _build_filters(self) -> None:
        self.category_filter = compact_combo(16)
        fill_combo(self.category_filter, [(category_title(c), c.value) for c in ExitCategory], empty=ALL_F)
        self.type_filter = compact_combo(14)
        self.type_filter.setMinimumContentsLength(16)
        self.type_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.month_filter = compact_combo(10)
        self.month_filter.setMinimumContentsLength(12)
        self.proof_filter = compact_combo(9)
        fill_combo(self.proof_filter, PROOF_CHOICES, empty=ALL_F)
        self.reset_filters_button = QPushButton("Tout afficher")
        self.reset_filters_button.setToolTip("Retirer tous les filtres")
        row = QHBoxLayout()
        for caption, combo in (("Catégorie", self.category_filter), ("Type", self.type_filter),
                               ("Mois", self.month_filter), ("Pièce", self.proof_filter)):
            row.addWidget(QLabel(caption))
            row.addWidget(combo)
            row.addSpacing(8)
        row.addWidget(self.reset_filters_button)
        row.addStretch(1)
        self.layout_.addLayout(row)

        self.model = ExitsModel(self)
        self.proxy = ExitsFilter(self)
        self.proxy.setSourceModel(self.model)
        for combo, setter in ((self.category_filter, self.proxy.set_category), (self.type_filter, self.proxy.set_type),
                              (self.month_filter, self.proxy.set_month), (self.proof_filter, self.proxy.set_proof)):
            combo.currentIndexChanged.connect(lambda _i, c=combo, s=setter: self._filter(s, c.currentData()))
        self.reset_filters_button.clicked.connect(lambda: self.reset_filters())

    def _build_table(self) -> None:
        table = self.table = QTableView()
        table.setModel(self.proxy)
        setup_rows_table(table, COLUMNS, bold_columns={COL_PIECES})  # "0 – manquante" is written in bold
        table.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
        table.selectionModel().selectionChanged.connect(self._update_buttons)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.layout_.addWidget(table, 1)

    def _build_actions(self) -> None:
        self.count_label = hint_label()
        self.new_button = QPushButton("Nouvelle sortie…")
        self.new_button.setToolTip("Enregistrer la sortie d'un participant en cours de parcours dans cette opération")
        self.edit_button = QPushButton("Qualifier / modifier la sortie…")
        self.edit_button.setToolTip("Type, durée du contrat, employeur et pièces probantes de la sortie sélectionnée")
        self.export_button = QPushButton("Exporter les pièces (ZIP)…")
        self.export_button.setToolTip("Une archive avec un dossier par participant et un index des sorties, "
                                      "pour le contrôle du financeur")
        self.rules_button = QPushButton("Règles de l'opération…")
        self.rules_button.setToolTip("Seuil de l'emploi durable, durée minimale, pièces probantes requises")
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        for button in (self.new_button, self.edit_button, self.export_button, self.rules_button):
            row.addWidget(button)
        self.layout_.addLayout(row)
        self.new_button.clicked.connect(self.new_exit)
        self.edit_button.clicked.connect(self.edit_selected)
        self.export_button.clicked.connect(self.export_proofs)
        self.rules_button.clicked.connect(self.edit_rules)

    # --- choosing ------------------------------------------------------------------------

    def refresh(self) -> None:
        ops = self._refill_operations()
        for widget in (self.operation_combo, self.as_of_edit, self.summary_band, self.table,
                       self.category_filter, self.type_filter, self.month_filter, self.proof_filter):
            widget.setEnabled(bool(ops))
        self._show(reset_date=self._operation_changed_since_shown())

    def _show(self, *, reset_date: bool) -> None:
        self._apply_operation(reset_date=reset_date)
        if reset_date:
            self.reset_filters()
        self.reload()

    # --- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the exits of the shown operation (after a save, a proof, a rule change)."""
        op = self.current_operation()
        selected = self.selected_row()
        self.view = exits_service.exits_view(self.app, op.id, self.as_of()) if op else None
        rows = self.view.rows if self.view else ()
        self.model.set_rows(rows)
        self._fill_row_filters(rows)
        self._show_summary()
        if selected is not None:
            self.select_parcours(selected.parcours_id)
        self._update_count()
        self._update_buttons()

    def _fill_row_filters(self, rows: Sequence[ExitRow]) -> None:
        """Type and month choices are those present in the rows; a vanished choice resets to all."""
        present = {r.type for r in rows if r.type}
        types = [(EXIT_TYPE_LABELS[t], t.value) for _heading, group in TYPE_GROUPS for t in group if t in present]
        if any(r.type is None for r in rows):
            types.insert(0, ("À renseigner", UNQUALIFIED))
        months = sorted({r.month for r in rows})
        for combo, items, empty in ((self.type_filter, types, ALL_M),
                                    (self.month_filter, [(m.label, str(m)) for m in months], ALL_M)):
            chosen = combo.currentData()
            fill_combo(combo, items, empty=empty)
            if not select_data(combo, chosen):
                combo.setCurrentIndex(0)
        self.proxy.set_type(self.type_filter.currentData())
        self.proxy.set_month(self.month_filter.currentData())

    def _show_summary(self) -> None:
        view = self.view
        for category, tile in self.tiles.items():
            tile.set_count(view.summary.counts[category] if view else 0)
        self.dynamic_label.setText(dynamic_text(view) if view else "")
        for label in self.objective_labels:
            self.objectives_layout.removeWidget(label)
            label.deleteLater()
        self.objective_labels = []
        if view is not None:
            objectives = view.objectives
            texts = ([(objective_text(o), MET_COLOR if o.met else ERROR_COLOR) for o in objectives]
                     or [("aucun objectif chiffré de sorties.", MUTED_COLOR)])
            self.objectives_caption.setText("Objectifs de la fiche :" if len(objectives) > 1 else "Objectif de la fiche :")
            for text, color in texts:
                label = QLabel(text)
                label.setWordWrap(True)
                label.setStyleSheet(f"color: {color};")
                self.objectives_layout.addWidget(label)
                self.objective_labels.append(label)
            self.summary_band.setToolTip(f"Classification : {view.variant_label} ({view.fiche_label}), "
                                         f"sorties jusqu'au {format_date(view.as_of)}")
        missing = view.missing_proofs if view else 0
        unqualified = view.unqualified if view else 0
        self.missing_label.setText(self._link(missing_text(missing), MISSING_LINK, missing))
        self.unqualified_label.setText(self._link(unqualified_text(unqualified), UNQUALIFIED_LINK, unqualified))

    @staticmethod
    def _link(text: str, href: str, count: int) -> str:
        if not count:
            return f'<span style="color: {MUTED_COLOR};">{text}</span>'
        return f'<a href="{href}" style="color: {ERROR_COLOR}; font-weight: bold;">{text}</a>'

    def _link_activated(self, href: str) -> None:
        if href == MISSING_LINK:
            self.show_missing_proofs()
        elif href == UNQUALIFIED_LINK:
            self.show_unqualified()

    # --- filters -------------------------------------------------------------------------

    def _filter(self, setter, value) -> None:  # type: ignore[no-untyped-def]
        setter(value)
        self._update_count()
        self._update_buttons()

    def show_missing_proofs(self) -> None:
        """The "pièces manquantes" link: only the exits whose proof is missing."""
        self.reset_filters()
        select_data(self.proof_filter, PROOF_MISSING)

    def show_unqualified(self) -> None:
        self.reset_filters()
        select_data(self.type_filter, UNQUALIFIED)

    def show_category(self, category: str) -> None:
        select_data(self.category_filter, category)

    def reset_filters(self) -> None:
        for combo in (self.category_filter, self.type_filter, self.month_filter, self.proof_filter):
            combo.setCurrentIndex(0)  # emits: the proxy follows

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if self.view is None:
            self.count_label.setText("")
        elif not total:
            self.count_label.setText(f"Aucune sortie jusqu'au {format_date(self.view.as_of)} dans cette opération.")
        else:
            self.count_label.setText(f"{plural(shown, 'sortie affichée', 'sorties affichées')} sur {total}")

    def _update_buttons(self, *_args) -> None:  # type: ignore[no-untyped-def]
        has_view = self.view is not None
        self.edit_button.setEnabled(self.selected_row() is not None)
        self.new_button.setEnabled(has_view)
        self.export_button.setEnabled(has_view and bool(self.view and self.view.rows))
        self.rules_button.setEnabled(has_view)

    # --- selection -----------------------------------------------------------------------

    def selected_row(self) -> ExitRow | None:
        model = self.table.selectionModel()
        indexes = model.selectedRows() if model else []
        return self.proxy.row_at(indexes[0].row()) if indexes else None

    def select_parcours(self, parcours_id: int) -> bool:
        source_row = self.model.row_of_parcours(parcours_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def visible_rows(self) -> list[ExitRow]:
        return self.proxy.visible_rows()

    # --- dialogs -------------------------------------------------------------------------

    def employers(self) -> list[str]:
        return sorted({r.employeur for r in self.model.rows() if r.employeur})

    def edit_selected(self) -> ExitDialog | None:
        row = self.selected_row()
        return None if row is None else self.open_exit(row.parcours_id)

    def open_exit(self, parcours_id: int | None) -> ExitDialog | None:
        op = self.current_operation()
        if op is None:
            return None
        dialog = ExitDialog(self.app, op.id, parcours_id, self, employers=self.employers())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._exit_changed("Sortie enregistrée.", dialog.chosen_parcours_id()))
        dialog.documents_changed.connect(lambda: self._exit_changed("Pièces probantes mises à jour.",
                                                                    dialog.chosen_parcours_id()))
        dialog.exit_cancelled.connect(self._exit_cancelled)
        dialog.open()
        return dialog

    def new_exit(self) -> ExitDialog | None:
        return self.open_exit(None)

    def _exit_changed(self, message: str, parcours_id: int | None) -> None:
        self.reload()
        if parcours_id is not None:
            self.select_parcours(parcours_id)
        self.status_message.emit(message)
        self.changed.emit()

    def _exit_cancelled(self) -> None:
        self._exit_changed("Sortie annulée : la personne redevient accompagnée.", None)

    def edit_rules(self) -> ExitRulesDialog | None:
        op = self.current_operation()
        if op is None:
            return None
        before = {r.parcours_id: r.category for r in self.model.rows()}
        dialog = ExitRulesDialog(self.app, op, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._rules_saved(before))
        dialog.open()
        return dialog

    def _rules_saved(self, before: dict[int, ExitCategory]) -> None:
        self.reload()
        moved = sum(1 for r in self.model.rows() if r.parcours_id in before and before[r.parcours_id] != r.category)
        self.status_message.emit("Règles de sorties enregistrées : "
                                 + (f"{plural(moved, 'sortie change', 'sorties changent')} de catégorie."
                                    if moved else "aucune sortie ne change de catégorie."))
        self.changed.emit()

    # --- export --------------------------------------------------------------------------

    def export_proofs(self) -> Path | None:
        """Write the proofs ZIP of the exits up to the "Arrêté au" date, where the person chooses."""
        view = self.view
        if view is None:
            return None
        exports = self.app.db.paths.exports_dir
        exports.mkdir(parents=True, exist_ok=True)
        chosen = choose_save_path(self, "Exporter les pièces probantes", exports / f"preuves-{view.code}.zip",
                                  "Archive ZIP (*.zip)")
        if not chosen:
            return None
        dest = Path(chosen)
        if dest.suffix.lower() != ".zip":
            dest = dest.with_name(dest.name + ".zip")
        try:
            counts = exits_service.export_proof_bundle(self.app, view.operation_id, dest, end=view.as_of)
        except ValidationError as exc:
            messages.error(self, "Export impossible", "\n".join(sentence(p.message) for p in exc.problems))
            return None
        except OSError as exc:
            messages.error(self, "Export impossible",
                           "L'archive n'a pas pu être écrite. Le dossier est-il accessible, l'archive ouverte "
                           "dans un autre programme ?", str(exc))
            return None
        text = (f"{plural(counts['exits'], 'sortie')} et {plural(counts['files'], 'pièce')} "
                f"dans l'archive (sorties jusqu'au {format_date(view.as_of)}).")
        if counts.get("missing"):
            text += f"\n{missing_text(counts['missing'])} : elles sont signalées dans index.xlsx."
        self.status_message.emit(f"Pièces probantes exportées : {dest}")
        if offer_open_folder(self, "Pièces probantes exportées", f"{text}\n\n{dest}"):
            open_folder(dest.parent)
        return dest
