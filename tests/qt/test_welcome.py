"""First launch: the welcome dialog creates the structure or fills the demonstration."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aapdesk.qt.dialogs.structure_form import StructureDialog
from aapdesk.services import participants as participants_service
from aapdesk.services import structure as structure_service


def test_no_welcome_when_structure_exists(window):
    assert window.welcome_if_needed() is None


def test_demo_button_fills_the_database(qtbot, empty_window, app_ctx):
    dialog = empty_window.welcome_if_needed()
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    rows = participants_service.list_participant_rows(app_ctx)
    assert rows and structure_service.get_structure(app_ctx) is not None
    assert not dialog.isVisible()
    assert empty_window.participants.model.rowCount() == len(rows)
    assert empty_window.windowTitle().startswith("aapdesk – Association")


def test_demo_refused_on_a_database_with_data(empty_window, app_ctx, recorded_messages):
    from datetime import date

    from aapdesk.domain.participants import ParticipantInput

    participants_service.create_participant(app_ctx, ParticipantInput("Déjà", "Là", "F", date(1980, 1, 1)))
    dialog = empty_window.welcome_if_needed()
    assert dialog.open_demo() is False
    kind, title, text = recorded_messages.calls[-1]
    assert kind == "error" and text.startswith("La base contient déjà des données")


def test_create_structure_from_welcome(qtbot, empty_window, app_ctx):
    dialog = empty_window.welcome_if_needed()
    structure_dialog = dialog.create_structure()
    assert isinstance(structure_dialog, StructureDialog) and structure_dialog.isVisible()
    assert structure_dialog.try_save() is False
    assert structure_dialog.errors.messages("nom")
    qtbot.keyClicks(structure_dialog.form.nom, "Emploi Solidaire Calaisis")
    with qtbot.waitSignal(dialog.changed):
        assert structure_dialog.try_save()
    assert structure_service.get_structure(app_ctx).nom == "Emploi Solidaire Calaisis"
    assert empty_window.windowTitle() == "aapdesk – Emploi Solidaire Calaisis"
