"""The participant form: inline problems, nothing written on error, duplicates, parcours."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from aapdesk.qt.dialogs.parcours_dialog import ParcoursDialog
from aapdesk.qt.dialogs.participant_dialog import ParticipantDialog
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import select_data
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service


@pytest.fixture
def page(window):
    return window.show_page("participants")


def fill(type_text, dialog: ParticipantDialog, *, nom="Martin", prenom="Lucie", sexe="F",
         birth: date | None = date(1990, 5, 17), entree: date | None = date(2025, 3, 3),
         sortie: date | None = None) -> None:
    type_text(dialog.nom, nom)
    type_text(dialog.prenom, prenom)
    select_data(dialog.sexe, sexe)
    dialog.date_naissance.set_value(birth)
    type_text(dialog.commune, "Lens")
    if dialog.parcours_fields is not None:
        dialog.parcours_fields.date_entree.set_value(entree)
        dialog.parcours_fields.date_sortie.set_value(sortie)


def count(ctx) -> int:
    return len(participants_service.list_participant_rows(ctx))


def test_future_birth_date_is_refused_inline(type_text, qtbot, page, demo_ctx):
    before = count(demo_ctx)
    dialog = page.open_new_participant()
    fill(type_text, dialog, birth=date(2026, 1, 10))
    assert dialog.errors.messages("date_naissance") == ("La date de naissance est dans le futur",)  # live check
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.messages("date_naissance") == ("La date de naissance est dans le futur",)
    assert dialog.errors.label("date_naissance").isVisible()
    assert dialog.errors.label("date_naissance").text() == "La date de naissance est dans le futur"
    assert dialog.findChild(DateEdit, "field_date_naissance") is dialog.date_naissance
    assert dialog.date_naissance.property("invalid") is True
    assert count(demo_ctx) == before and page.model.rowCount() == before


def test_exit_before_entry_is_refused_inline(type_text, qtbot, page, demo_ctx):
    before = count(demo_ctx)
    dialog = page.open_new_participant()
    fill(type_text, dialog, entree=date(2025, 3, 1), sortie=date(2025, 2, 1))
    assert dialog.try_save() is False
    assert dialog.errors.messages("date_sortie") == ("La date de sortie précède la date d'entrée",)
    assert dialog.isVisible() and not dialog.banner.isVisible()
    assert count(demo_ctx) == before


def test_all_problems_at_once_and_cleared_when_fixed(type_text, qtbot, page):
    dialog = page.open_new_participant()
    assert dialog.try_save() is False
    assert dialog.errors.messages("nom") == ("Le nom est obligatoire",)
    assert dialog.errors.messages("sexe") and dialog.errors.messages("date_entree")
    type_text(dialog.nom, "Martin")
    assert dialog.errors.messages("nom") == ()
    assert not dialog.errors.label("nom").isVisible() and dialog.errors.label("date_entree").isVisible()


def test_valid_participant_appears_in_table(type_text, qtbot, page, demo_ctx):
    before = page.model.rowCount()
    dialog = page.open_new_participant()
    fill(type_text, dialog)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == before + 1
    added = [r for r in page.model.rows() if r.nom == "MARTIN" and r.prenom == "Lucie"]
    assert len(added) == 1 and added[0].date_entree == date(2025, 3, 3) and added[0].statut == "En cours"


def test_under_26_is_computed_live(type_text, qtbot, page):
    dialog = page.open_new_participant()
    fill(type_text, dialog, birth=date(2000, 4, 1), entree=date(2025, 3, 3))
    assert dialog.parcours_fields.young_label.text() == "Moins de 26 ans à l'entrée : oui"
    dialog.date_naissance.set_value(date(1999, 3, 1))
    assert dialog.parcours_fields.young_label.text() == "Moins de 26 ans à l'entrée : non"


def test_duplicate_is_detected(type_text, qtbot, page, demo_ctx, recorded_messages):
    existing = page.model.row_at(0)
    before = count(demo_ctx)
    dialog = page.open_new_participant()
    fill(type_text, dialog, nom=existing.nom.lower(), prenom=existing.prenom, birth=existing.date_naissance)
    assert dialog.try_save() is False
    assert "ask_open_existing" in recorded_messages.kinds()
    assert "mêmes nom, prénom et date de naissance" in dialog.errors.messages("nom")[0]
    assert count(demo_ctx) == before


def test_duplicate_offers_the_existing_file(type_text, qtbot, page, recorded_messages):
    recorded_messages.answers["ask_open_existing"] = True
    existing = page.model.row_at(0)
    dialog = page.open_new_participant()
    fill(type_text, dialog, nom=existing.nom, prenom=existing.prenom, birth=existing.date_naissance)
    with qtbot.waitSignal(dialog.open_existing) as signal:
        dialog.try_save()
    assert signal.args == [existing.participant_id]
    opened = [d for d in page.findChildren(ParticipantDialog) if d.isVisible()]
    assert [d.participant_id for d in opened] == [existing.participant_id]


def test_edit_existing_participant(type_text, qtbot, page, demo_ctx):
    row = page.model.row_at(0)
    dialog = page.open_participant(row.participant_id)
    assert dialog.parcours_fields is None
    assert dialog.nom.text() == row.nom and dialog.date_naissance.value() == row.date_naissance
    assert dialog.parcours_table.rowCount() >= 1
    dialog.commune.clear()
    type_text(dialog.commune, "Arras")
    assert dialog.try_save()
    assert participants_service.get_participant(demo_ctx, row.participant_id).data.commune == "Arras"
    assert any(r.commune == "Arras" for r in page.model.rows() if r.participant_id == row.participant_id)


def test_add_parcours_to_existing_participant(qtbot, page, demo_ctx):
    row = next(r for r in page.model.rows() if r.statut == "Sorti")
    ops = operations_service.list_operations(demo_ctx)
    other = next(op for op in ops if op.id != row.operation_id and op.debut <= date(2025, 3, 1) <= op.fin)
    dialog = page.open_participant(row.participant_id)
    before = dialog.parcours_table.rowCount()
    parcours_dialog = dialog.add_parcours()
    assert isinstance(parcours_dialog, ParcoursDialog)
    select_data(parcours_dialog.fields.operation, other.id)
    parcours_dialog.fields.date_entree.set_value(date(2025, 3, 1))
    parcours_dialog.fields.date_sortie.set_value(date(2025, 2, 1))
    assert parcours_dialog.try_save() is False
    assert parcours_dialog.errors.messages("date_sortie") == ("La date de sortie précède la date d'entrée",)
    parcours_dialog.fields.date_sortie.clear_value()
    with qtbot.waitSignal(page.changed):
        assert parcours_dialog.try_save()
    assert dialog.parcours_table.rowCount() == before + 1
    assert len(participants_service.get_participant(demo_ctx, row.participant_id).parcours) == before + 1


def test_edit_parcours_keeps_its_operation(page, demo_ctx):
    row = next(r for r in page.model.rows() if r.statut == "En cours")
    dialog = page.open_participant(row.participant_id)
    dialog.parcours_table.selectRow(0)
    parcours_dialog = dialog.edit_parcours(dialog.parcours_table.current_object())
    assert not parcours_dialog.fields.operation.isEnabled()
    parcours_dialog.fields.date_sortie.set_value(date(2025, 3, 10))
    assert parcours_dialog.try_save()
    detail = participants_service.get_participant(demo_ctx, row.participant_id)
    assert detail.parcours[0].date_sortie == date(2025, 3, 10)


def test_erasing_a_person_asks_first_then_removes_them_from_the_table(page, demo_ctx, recorded_messages):
    row = next(r for r in page.model.rows() if r.statut == "En cours")
    before = {r.participant_id for r in page.model.rows()}
    dialog = page.open_participant(row.participant_id)
    recorded_messages.answers["confirm"] = False  # the person thinks twice
    assert dialog.erase() is False
    assert participants_service.get_participant(demo_ctx, row.participant_id).data.nom == row.nom
    recorded_messages.answers["confirm"] = True
    assert dialog.erase() is True
    kind, title, text = recorded_messages.calls[-1]
    assert kind == "confirm" and "RGPD" in text and "définitivement" in text
    assert {r.participant_id for r in page.model.rows()} == before - {row.participant_id}
    with pytest.raises(LookupError):
        participants_service.get_participant(demo_ctx, row.participant_id)
