"""Paramètres: structure editor, operations, backups (backup, verify, restore)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.qt.dialogs.operation_dialog import OperationDialog, funding_summary
from aapdesk.qt.widgets.inputs import select_data
from aapdesk.services import backups as backups_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services import structure as structure_service


@pytest.fixture
def settings(window):
    return window.show_page("parametres")


def test_structure_editor_saves(qtbot, window, settings, demo_ctx):
    panel = settings.structure
    assert panel.form.nom.text() == "Association Avenir Emploi Artois (démonstration)"
    panel.form.nom.clear()
    qtbot.keyClicks(panel.form.nom, "Les Ateliers   du Ternois")
    select_data(panel.form.type_structure, "ACI")
    assert panel.save()
    saved = structure_service.get_structure(demo_ctx)
    assert saved.nom == "Les Ateliers du Ternois" and saved.type_structure == "ACI"
    assert window.windowTitle() == "aapdesk – Les Ateliers du Ternois"
    assert window.home.structure_name.text() == "Les Ateliers du Ternois"


def test_structure_editor_shows_problems_inline(qtbot, settings, demo_ctx):
    panel = settings.structure
    panel.form.siret.clear()
    qtbot.keyClicks(panel.form.siret, "12345678901234")
    panel.form.code_postal.clear()
    qtbot.keyClicks(panel.form.code_postal, "620")
    assert panel.save() is False
    assert "clé de contrôle" in panel.errors.messages("siret")[0]
    assert panel.errors.messages("code_postal") == ("Le code postal doit avoir 5 chiffres",)
    assert structure_service.get_structure(demo_ctx).siret == "89999900000008"


def test_structure_created_on_empty_database(type_text, empty_window, app_ctx):
    panel = empty_window.show_page("parametres").structure
    assert panel.save() is False  # the name is required
    assert panel.errors.messages("nom") == ("Le nom de la structure est obligatoire",)
    type_text(panel.form.nom, "Insertion Côte d'Opale")
    assert panel.save()
    assert structure_service.get_structure(app_ctx).nom == "Insertion Côte d'Opale"


def new_operation_dialog(settings) -> OperationDialog:
    dialog = settings.operations.open_new()
    assert isinstance(dialog, OperationDialog)
    return dialog


def test_operation_created_from_dialog(qtbot, window, settings, demo_ctx):
    before = settings.operations.table.rowCount()
    dialog = new_operation_dialog(settings)
    qtbot.keyClicks(dialog.code, "PREP-2025")
    select_data(dialog.dispositif, "62-2024-3.15")
    assert "mois au plus" in dialog.summary.text() and dialog.summary.isVisible()
    dialog.debut.set_value(date(2025, 1, 1))
    dialog.fin.set_value(date(2025, 12, 31))
    dialog.places.set_count(12)
    qtbot.keyClicks(dialog.etp, "0,8")
    qtbot.keyClicks(dialog.montant, "18 500,50")
    dialog.montant.editingFinished.emit()
    assert dialog.montant.text() == "18\u202f500,50\u202f€"
    assert dialog.try_save()
    op = operations_service.get_operation(demo_ctx, "PREP-2025")
    assert (op.places, op.etp, op.montant) == (12, Decimal("0.8"), Decimal("18500.50"))
    assert op.dispositif_key == "62-2024-3.15"
    assert settings.operations.table.rowCount() == before + 1
    assert any(line.startswith("PREP-2025") for line in window.home.occupation.lines)
    assert window.participants.operation_filter.findData(op.id) > 0


def test_operation_dialog_problems(qtbot, settings, demo_ctx):
    before = len(operations_service.list_operations(demo_ctx))
    dialog = new_operation_dialog(settings)
    qtbot.keyClicks(dialog.code, "AI-2024")  # already taken
    qtbot.keyClicks(dialog.montant, "beaucoup")
    dialog.debut.set_value(date(2025, 6, 1))
    dialog.fin.set_value(date(2025, 1, 1))
    assert dialog.try_save() is False
    assert dialog.errors.messages("dispositif") == ("Choisissez le dispositif de l'opération",)
    assert dialog.errors.messages("montant")[0].startswith("Nombre illisible")
    assert dialog.errors.messages("fin") == ("La fin de l'opération précède son début",)
    assert len(operations_service.list_operations(demo_ctx)) == before
    select_data(dialog.dispositif, "62-2024-3.10")
    dialog.montant.clear()
    assert dialog.try_save() is False  # SIAE needs postes, and the code is taken
    assert "postes" in dialog.errors.messages("postes")[0]
    assert dialog.errors.messages("code") == ("Une opération porte déjà le code AI-2024",)


def test_operation_edit_keeps_dispositif(qtbot, settings, demo_ctx):
    op = operations_service.get_operation(demo_ctx, "AI-2024")
    dialog = settings.operations.open_operation(op)
    assert not dialog.dispositif.isEnabled() and dialog.code.text() == "AI-2024"
    assert dialog.montant.text() == "46\u202f800,00\u202f€"
    dialog.postes.set_count(22)
    assert dialog.try_save()
    assert operations_service.get_operation(demo_ctx, "AI-2024").postes == 22


def test_an_operation_is_closed_and_reopened_from_its_dialog(qtbot, settings, demo_ctx):
    op = operations_service.get_operation(demo_ctx, "AI-2024")
    dialog = settings.operations.open_operation(op)
    assert not dialog.closed.isChecked()
    dialog.closed.setChecked(True)  # the bilan was accepted
    assert dialog.try_save()
    assert operations_service.get_operation(demo_ctx, "AI-2024").cloturee
    again = settings.operations.open_operation(operations_service.get_operation(demo_ctx, "AI-2024"))
    assert again.closed.isChecked()
    again.closed.setChecked(False)
    assert again.try_save() and not operations_service.get_operation(demo_ctx, "AI-2024").cloturee
    assert new_operation_dialog(settings).closed is None  # a new operation is never closed


def test_every_catalogue_dispositif_has_a_summary(demo_ctx):
    for dispositif in demo_ctx.catalogue:
        assert funding_summary(dispositif).endswith(".")


def test_backup_verify_restore(qtbot, window, settings, demo_ctx, recorded_messages):
    panel = settings.backups
    assert panel.backup_now()
    backup_id = panel.table.current_object().id
    assert panel.verify_selected() == []
    assert recorded_messages.calls[-1][0] == "info"
    participants_service.create_participant(
        demo_ctx, ParticipantInput("Nouvelle", "Personne", "F", date(1980, 1, 1)), None, None)
    window.refresh_all()
    after_add = window.participants.model.rowCount()
    panel.table.select_object(next(b for b in backups_service.backups(demo_ctx) if b.id == backup_id))
    with qtbot.waitSignal(settings.changed):
        assert panel.restore_selected()
    kind, title, text = next(c for c in recorded_messages.calls if c[0] == "confirm")
    assert "sauvegardé" in text
    assert window.participants.model.rowCount() == after_add - 1
    assert "avant restauration" in [panel.table.item(r, 1).text() for r in range(panel.table.rowCount())]


def test_restore_cancelled_changes_nothing(settings, demo_ctx, recorded_messages):
    panel = settings.backups
    panel.backup_now()
    recorded_messages.answers["confirm"] = False
    rows = len(participants_service.list_participant_rows(demo_ctx))
    assert panel.restore_selected() is False
    assert len(backups_service.backups(demo_ctx)) == panel.table.rowCount()
    assert len(participants_service.list_participant_rows(demo_ctx)) == rows


def test_parcours_created_for_new_operation(demo_ctx):
    """The services behind the dialogs accept what the forms produce (sanity check of the wiring)."""
    op = operations_service.list_operations(demo_ctx)[0]
    pid = participants_service.create_participant(
        demo_ctx, ParticipantInput("Test", "Wiring", "M", date(1985, 2, 2)), op.id,
        ParcoursInput(date(2025, 3, 1)))
    assert participants_service.get_participant(demo_ctx, pid).parcours[0].operation_id == op.id
