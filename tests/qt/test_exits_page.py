"""The Sorties page: exits model, summary band against the service, filters, the exit dialog
with its live classification, proofs (attach, drop, refuse, open, remove), the operation's
exit rules, and the proofs ZIP.

The demo is built under the fixed clock of conftest (15/03/2025); expected figures are
always read back from the services, never hard-coded from the demo.
"""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from aapdesk.domain.exits import ExitCategory, ExitInput, ExitType, classify
from aapdesk.formatting import format_percent
from aapdesk.qt.dialogs.exit_dialog import ExitDialog, ExitRulesDialog
from aapdesk.qt.models.exits_model import (
    COL_CATEGORIE,
    COL_DATE,
    COL_DUREE,
    COL_NOM,
    COL_PIECES,
    COL_REGLE,
    COLUMNS,
    OBJECT_ROLE,
    PROOF_ATTACHED,
    SORT_ROLE,
    ExitsFilter,
    ExitsModel,
)
from aapdesk.qt.pages import exits_page
from aapdesk.qt.pages.exits_page import ExitsPage, missing_text, objective_text
from aapdesk.qt.widgets import documents_widget
from aapdesk.services import documents as documents_service
from aapdesk.services import exits as exits_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service

SIAE = "AI-2024"  # fiche 3.10, 20 postes, 2024: proofs required, objective per poste
NORD = "IOD-NORD-2021"  # dispositif 59-2019-I.1
REFERENTS = "REF-SP-2025"  # in progress on 15/03/2025


# --- helpers -----------------------------------------------------------------------------

def operation(ctx, code):
    return operations_service.get_operation(ctx, code)


def open_parcours(ctx, code, entered_by: date) -> list[int]:
    """Parcours of the operation without an exit yet, entered by ``entered_by``."""
    op = operation(ctx, code)
    return [r.parcours_id for r in participants_service.list_participant_rows(ctx, op.id)
            if r.parcours_id and r.date_sortie is None and r.date_entree and r.date_entree <= entered_by]


def view_of(page: ExitsPage):
    return exits_service.exits_view(page.app, page.current_operation_id(), page.as_of())


def a_file(folder: Path, name: str, content: bytes = b"%PDF-1.4 contrat de travail\n") -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def send_drop(widget, paths: list[Path]) -> None:
    """What a file manager does: drag enter, then drop, with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)




@pytest.fixture
def missing_proof_exit(demo_ctx) -> int:
    """A CDI exit in the SIAE operation, without its proof: returns its parcours id."""
    parcours_id = open_parcours(demo_ctx, SIAE, date(2024, 11, 1))[0]
    exits_service.record_exit(demo_ctx, parcours_id, date(2024, 12, 2), ExitInput(ExitType.CDI, employeur="Boulangerie"))
    return parcours_id


@pytest.fixture
def page(qtbot, demo_ctx, missing_proof_exit):
    widget = ExitsPage(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.refresh()
    widget.select_operation(SIAE)
    widget.show()
    return widget


# --- model -------------------------------------------------------------------------------

def test_model_passes_qt_model_tester(qtmodeltester, demo_ctx, missing_proof_exit):
    rows = exits_service.exits_view(demo_ctx, operation(demo_ctx, SIAE).id).rows
    model = ExitsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.sort(COL_DUREE, Qt.SortOrder.DescendingOrder)  # the tester keeps watching the layout change
    model.set_rows(rows[:3])
    proxy = ExitsFilter()
    proxy.setSourceModel(model)
    proxy.set_proof(PROOF_ATTACHED)
    qtmodeltester.check(proxy)


def test_model_roles_and_missing_proof_flag(demo_ctx, missing_proof_exit):
    rows = exits_service.exits_view(demo_ctx, operation(demo_ctx, SIAE).id).rows
    model = ExitsModel()
    model.set_rows(rows)
    assert model.rowCount() == len(rows) and model.columnCount() == len(COLUMNS)
    first = model.index(0, COL_DATE)
    assert first.data(OBJECT_ROLE) is rows[0]
    assert first.data() == rows[0].date_sortie.strftime("%d/%m/%Y")
    assert first.data(SORT_ROLE).toPython() == rows[0].date_sortie
    assert model.headerData(COL_NOM, Qt.Orientation.Horizontal) == "Nom"
    missing = model.row_of_parcours(missing_proof_exit)
    cell = model.index(missing, COL_PIECES)
    assert "manquante" in cell.data()  # said in words, not only in red
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    rule = model.index(missing, COL_REGLE)
    assert rule.data(Qt.ItemDataRole.ToolTipRole).startswith(model.row_at(missing).explanation)
    assert model.index(missing, COL_CATEGORIE).data() == "emploi durable"


def test_sorting_puts_empty_durations_last(demo_ctx, missing_proof_exit):
    model = ExitsModel()
    model.set_rows(exits_service.exits_view(demo_ctx, operation(demo_ctx, SIAE).id).rows)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(COL_DUREE, order)
        values = [model.row_at(r).duree_contrat_mois for r in range(model.rowCount())]
        present = [v for v in values if v is not None]
        assert values == present + [None] * (len(values) - len(present))
        assert present == sorted(present, reverse=order == Qt.SortOrder.DescendingOrder)


# --- page --------------------------------------------------------------------------------

def test_summary_equals_the_service(page):
    view = view_of(page)
    for category, tile in page.tiles.items():
        assert tile.count.text() == str(view.summary.counts[category])
    summary = view.summary
    assert page.dynamic_label.text() == (f"Sorties dynamiques : {summary.dynamiques} sur {summary.comptees} "
                                         f"comptée{'s' if summary.comptees > 1 else ''} "
                                         f"({format_percent(summary.taux_dynamiques)})")
    assert [label.text() for label in page.objective_labels] == [objective_text(o) for o in view.objectives]
    objective, = view.objectives
    assert page.objective_labels[0].text().startswith(
        f"Sorties dynamiques : 0,45 par poste × 20 postes : {summary.dynamiques} pour 9 – ")
    assert view.missing_proofs >= 1
    assert missing_text(view.missing_proofs) in page.missing_label.text()
    assert page.proxy.rowCount() == len(view.rows)
    assert page.count_label.text() == f"{len(view.rows)} sorties affichées sur {len(view.rows)}"


def test_missing_proof_link_filters_exactly_those_rows(page):
    view = view_of(page)
    page.missing_label.linkActivated.emit("#manquantes")
    shown = {r.parcours_id for r in page.visible_rows()}
    assert shown == {r.parcours_id for r in view.rows if r.missing_proof}
    assert page.proof_filter.currentText() == "Manquante"
    page.reset_filters_button.click()
    assert page.proxy.rowCount() == len(view.rows)


def test_category_type_and_month_filters(page):
    view = view_of(page)
    page.tiles[ExitCategory.EMPLOI_DURABLE].clicked.emit(ExitCategory.EMPLOI_DURABLE.value)
    assert {r.parcours_id for r in page.visible_rows()} == {
        r.parcours_id for r in view.rows if r.category is ExitCategory.EMPLOI_DURABLE}
    page.reset_filters()
    months = [page.month_filter.itemData(i) for i in range(1, page.month_filter.count())]
    assert months == sorted({str(r.month) for r in view.rows})
    page.month_filter.setCurrentIndex(1)
    assert all(str(r.month) == months[0] for r in page.visible_rows())
    page.reset_filters()
    page.type_filter.setCurrentIndex(page.type_filter.findData("CDI"))
    assert page.visible_rows() and all(r.type is ExitType.CDI for r in page.visible_rows())


def test_empty_data_directory(qtbot, app_ctx):
    widget = ExitsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.empty_hint.isVisibleTo(widget)
    assert not widget.edit_button.isEnabled() and not widget.export_button.isEnabled()
    assert widget.open_exit(None) is None


# --- exit dialog -------------------------------------------------------------------------

def test_record_a_cdd_of_four_months_through_the_dialog(qtbot, type_text, page, demo_ctx):
    page.select_operation(REFERENTS)
    parcours_id = open_parcours(demo_ctx, REFERENTS, date(2025, 3, 1))[0]
    dialog = page.new_exit()
    qtbot.addWidget(dialog)
    assert not dialog.documents.isEnabled()  # no exit yet: nothing to attach to
    dialog.parcours_combo.setCurrentIndex(dialog.parcours_combo.findData(parcours_id))
    dialog.date_sortie.set_value(date(2025, 3, 10))
    assert not dialog.duration.isEnabled()  # no type yet
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("CDD"))
    assert dialog.duration.isEnabled()
    type_text(dialog.duration, "4")
    type_text(dialog.employeur, "Boulangerie Lefèvre")
    rules, table = exits_service.exit_rules_for(demo_ctx, operation(demo_ctx, REFERENTS).id)
    expected = classify(ExitType.CDD, Decimal(4), table, rules.fiche_label)
    assert dialog.classification_label_text() == "→ " + expected.explanation
    assert dialog.classification_label_text().startswith("→ emploi de transition : CDD de 4 mois, moins de 6 mois")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    exit_date, data, sortie_id = exits_service.get_exit(demo_ctx, parcours_id)
    assert exit_date == date(2025, 3, 10) and sortie_id is not None
    assert (data.type, data.duree_contrat_mois, data.employeur) == (ExitType.CDD, Decimal(4), "Boulangerie Lefèvre")
    # The dialog stays open on the proofs, ready for the first one.
    assert dialog.isVisible() and dialog.documents.isEnabled()
    assert dialog.cancel_button.text() == "Fermer"
    assert page.selected_row().parcours_id == parcours_id
    assert page.selected_row().category is ExitCategory.EMPLOI_TRANSITION


def test_cdd_without_duration_is_refused_inline(qtbot, page, demo_ctx):
    page.select_operation(REFERENTS)
    parcours_id = open_parcours(demo_ctx, REFERENTS, date(2025, 3, 1))[0]
    dialog = page.new_exit()
    qtbot.addWidget(dialog)
    dialog.parcours_combo.setCurrentIndex(dialog.parcours_combo.findData(parcours_id))
    dialog.date_sortie.set_value(date(2025, 3, 10))
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("CDD"))
    assert "durée du contrat non renseignée" in dialog.classification_label_text()
    assert not dialog.try_save()
    assert dialog.errors.messages("duree_contrat_mois") == (
        "Indiquez la durée du contrat en mois : elle décide de sa catégorie",)
    assert dialog.errors.label("duree_contrat_mois").isVisibleTo(dialog)
    assert exits_service.get_exit(demo_ctx, parcours_id) == (None, None, None)


def test_type_without_duration_disables_it_and_editing_closes(qtbot, page, demo_ctx, missing_proof_exit):
    page.select_parcours(missing_proof_exit)
    dialog = page.edit_selected()
    qtbot.addWidget(dialog)
    assert dialog.exit_type() is ExitType.CDI and not dialog.duration.isEnabled()
    assert dialog.documents.isEnabled()  # the exit exists: proofs can be attached at once
    dialog.employeur.setText("Boulangerie Marchand")
    assert dialog.try_save()
    assert not dialog.isVisible()
    assert exits_service.get_exit(demo_ctx, missing_proof_exit)[1].employeur == "Boulangerie Marchand"


# --- proofs ------------------------------------------------------------------------------

def test_attach_and_drop_proofs(qtbot, tmp_path, page, missing_proof_exit):
    before = page.view.missing_proofs
    page.select_parcours(missing_proof_exit)
    dialog = page.edit_selected()
    qtbot.addWidget(dialog)
    widget = dialog.documents
    assert widget.attach_files([a_file(tmp_path, "contrat.pdf")]) == 1
    assert [d.nom_original for d in widget.documents()] == ["contrat.pdf"]
    assert page.view.missing_proofs == before - 1
    assert missing_text(before - 1) in page.missing_label.text()
    assert page.selected_row().proofs == 1

    send_drop(widget, [a_file(tmp_path, "avenant.pdf", b"%PDF avenant")])
    assert [d.nom_original for d in widget.documents()] == ["contrat.pdf", "avenant.pdf"]
    sortie_id = exits_service.get_exit(page.app, missing_proof_exit)[2]
    assert len(documents_service.list_documents(page.app, sortie_id=sortie_id)) == 2
    assert page.selected_row().proofs == 2


def test_empty_file_is_refused_in_french(qtbot, tmp_path, page, missing_proof_exit):
    page.select_parcours(missing_proof_exit)
    dialog = page.edit_selected()
    qtbot.addWidget(dialog)
    assert dialog.documents.attach_files([a_file(tmp_path, "x.pdf", b"")]) == 0
    assert dialog.documents.error_text() == "Le fichier « x.pdf » est vide (0 octet) : rien à joindre."
    assert dialog.documents.documents() == []
    sortie_id = exits_service.get_exit(page.app, missing_proof_exit)[2]
    assert documents_service.list_documents(page.app, sortie_id=sortie_id) == []
    assert page.selected_row().missing_proof


def test_open_and_remove_a_proof(qtbot, tmp_path, monkeypatch, recorded_messages, page, missing_proof_exit):
    opened: list[str] = []
    monkeypatch.setattr(documents_widget, "open_url", lambda url: opened.append(url.toLocalFile()) or True)
    page.select_parcours(missing_proof_exit)
    dialog = page.edit_selected()
    qtbot.addWidget(dialog)
    widget = dialog.documents
    widget.attach_files([a_file(tmp_path, "contrat signé.pdf", b"%PDF signed")])
    widget.table.selectRow(0)
    copy = widget.open_selected()
    assert opened == [str(copy)] and copy.name == "contrat signé.pdf" and copy.read_bytes() == b"%PDF signed"

    assert widget.remove_selected()
    assert recorded_messages.kinds() == ["confirm"]
    assert widget.documents() == [] and page.selected_row().missing_proof


# --- rules -------------------------------------------------------------------------------

@pytest.fixture
def nord_six_months(demo_ctx) -> int:
    parcours_id = open_parcours(demo_ctx, NORD, date(2021, 9, 1))[0]
    exits_service.record_exit(demo_ctx, parcours_id, date(2021, 11, 30), ExitInput(ExitType.CDD, Decimal(6)))
    return parcours_id


def _category_cell(page: ExitsPage, parcours_id: int) -> str:
    row = page.model.row_of_parcours(parcours_id)
    return page.model.index(row, COL_CATEGORIE).data()


def test_strict_threshold_reclassifies_a_six_month_cdd(qtbot, page, nord_six_months):
    page.select_operation(NORD)
    assert _category_cell(page, nord_six_months) == "emploi durable"
    durable_before = page.tiles[ExitCategory.EMPLOI_DURABLE].count.text()
    dialog = page.edit_rules()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ExitRulesDialog) and dialog.inclusive.isChecked()
    assert "plus de 6 mois" in dialog.strict.text()
    dialog.strict.setChecked(True)
    assert dialog.try_save()
    assert _category_cell(page, nord_six_months) == "emploi de transition"
    row = page.model.row_at(page.model.row_of_parcours(nord_six_months))
    assert "exactement 6 mois, pas plus" in row.explanation
    assert int(page.tiles[ExitCategory.EMPLOI_DURABLE].count.text()) == int(durable_before) - 1


def test_rules_of_a_closed_operation_need_confirmation(qtbot, recorded_messages, page, nord_six_months):
    op = operation(page.app, NORD)
    exits_service.set_operation_closed(page.app, op.id, True)
    page.refresh()
    page.select_operation(NORD)
    dialog = page.edit_rules()
    qtbot.addWidget(dialog)
    dialog.strict.setChecked(True)
    recorded_messages.answers["confirm"] = False
    assert not dialog.try_save()
    assert _category_cell(page, nord_six_months) == "emploi durable"  # nothing written
    recorded_messages.answers["confirm"] = True
    assert dialog.try_save()
    assert recorded_messages.kinds() == ["confirm", "confirm"]
    assert _category_cell(page, nord_six_months) == "emploi de transition"


def test_unreadable_threshold_is_shown_under_its_field(qtbot, page):
    dialog = page.edit_rules()
    qtbot.addWidget(dialog)
    dialog.threshold.setText("six")
    assert not dialog.try_save()
    assert dialog.errors.messages("seuil_durable_mois")[0].startswith("Durée illisible")


# --- export ------------------------------------------------------------------------------

def test_export_writes_a_zip(monkeypatch, tmp_path, page):
    asked: list[Path] = []
    opened: list[Path] = []

    def choose(parent, title, default, name_filter):
        asked.append(default)
        return str(tmp_path / "preuves")  # typed without extension

    monkeypatch.setattr(exits_page, "choose_save_path", choose)
    monkeypatch.setattr(exits_page, "offer_open_folder", lambda parent, title, text: True)
    monkeypatch.setattr(exits_page, "open_folder", lambda folder: opened.append(folder) or True)
    dest = page.export_proofs()
    assert asked == [page.app.db.paths.exports_dir / f"preuves-{SIAE}.zip"]
    assert dest == tmp_path / "preuves.zip" and zipfile.is_zipfile(dest)
    with zipfile.ZipFile(dest) as archive:
        assert "index.xlsx" in archive.namelist()
    assert opened == [tmp_path]


def test_export_cancelled_writes_nothing(monkeypatch, page):
    monkeypatch.setattr(exits_page, "choose_save_path", lambda *args: None)
    assert page.export_proofs() is None
    assert not list(page.app.db.paths.exports_dir.glob("*.zip"))


def test_new_exit_without_candidates_cannot_save(qtbot, demo_ctx):
    op = operation(demo_ctx, NORD)
    for parcours_id in open_parcours(demo_ctx, NORD, op.fin):
        exits_service.record_exit(demo_ctx, parcours_id, op.fin, ExitInput(ExitType.AUTRE))
    dialog = ExitDialog(demo_ctx, op.id)
    qtbot.addWidget(dialog)
    assert dialog.parcours_combo.count() == 1  # only "— choisissez le participant —"
    assert not dialog.save_button.isEnabled()
    assert "Aucun parcours en cours" in dialog.who.text()


def test_export_refused_in_french_when_a_stored_proof_is_gone(monkeypatch, tmp_path, recorded_messages, page):
    for stored in page.app.db.paths.documents_dir.rglob("*"):
        if stored.is_file():
            stored.unlink()
    monkeypatch.setattr(exits_page, "choose_save_path", lambda *args: str(tmp_path / "preuves.zip"))
    assert page.export_proofs() is None
    (kind, title, text), = recorded_messages.calls
    assert (kind, title) == ("error", "Export impossible") and "aapdesk check" in text
    assert not (tmp_path / "preuves.zip").exists()


def test_type_list_is_grouped_and_contrat_aide_follows_the_type(qtbot, page, missing_proof_exit):
    page.select_parcours(missing_proof_exit)
    dialog = page.edit_selected()
    qtbot.addWidget(dialog)
    combo = dialog.type_combo
    headings = [combo.itemText(i) for i in range(combo.count())
                if combo.itemText(i) and not combo.model().item(i).isEnabled()]
    assert headings == ["Emploi", "Formation et insertion", "Ressources", "Autres sorties"]
    assert {combo.itemData(i) for i in range(combo.count())} - {None} == {t.value for t in ExitType}
    assert not dialog.contrat_aide.isChecked()
    combo.setCurrentIndex(combo.findData("CONTRAT_AIDE"))
    assert dialog.contrat_aide.isChecked() and not dialog.contrat_aide.isEnabled()
    assert dialog.duration.isEnabled()
    combo.setCurrentIndex(combo.findData("CDI"))
    assert not dialog.contrat_aide.isChecked() and dialog.contrat_aide.isEnabled()
