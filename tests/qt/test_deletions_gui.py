"""Deleting what was entered by mistake, where people look for it: a parcours in the participant's
file, an exit in its dialog (the person is accompanied again), an entretien, CER, diagnostic or
suspension in the accompaniment record. Each asks first; "Annuler" changes nothing; under a
clôturée operation the refusal is said and the data stays."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog
from aapdesk.services import activity as activity_service
from aapdesk.services import exits as exits_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.deletions import deletion_summary

CODE = "REF-SP-2025"  # in progress on 15/03/2025, with exits
CLOSED_REFUSAL = f"L'opération {CODE} est clôturée : rouvrez-la"


def click(qtbot, button) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def close_operation(ctx, code: str = CODE) -> None:
    exits_service.set_operation_closed(ctx, operations_service.get_operation(ctx, code).id, True)


def rows_of(page, parcours_id: int):
    return [r for r in page.model.rows() if r.parcours_id == parcours_id]


# --- a parcours, in the participant's file -------------------------------------------------

@pytest.fixture
def exited(window):
    """A participant row of REF-SP-2025 whose parcours has an exit (so something goes with it)."""
    page = window.show_page("participants")
    return next(r for r in page.model.rows() if r.operation_code == CODE and r.statut == "Sorti")


def open_file(window, row):
    dialog = window.participants.open_participant(row.participant_id)
    dialog.parcours_table.select_object(row.parcours_id)
    assert dialog.parcours_table.current_object().id == row.parcours_id
    return dialog


def test_deleting_a_parcours_asks_then_removes_it_everywhere(qtbot, window, demo_ctx, recorded_messages, exited):
    exits_page = window.exits
    exits_page.select_operation(CODE)
    exits_before = exits_page.proxy.rowCount()
    dialog = open_file(window, exited)
    rows_before = dialog.parcours_table.rowCount()
    summary = deletion_summary(demo_ctx, "parcours", exited.parcours_id).sentence()
    assert "sa sortie" in summary

    with qtbot.waitSignal(window.participants.changed):
        click(qtbot, dialog.delete_parcours_button)

    kind, title, text = recorded_messages.calls[-1]
    entry = participants_service.get_participant(demo_ctx, exited.participant_id)
    assert (kind, title) == ("confirm", "Supprimer le parcours")
    assert text.startswith(f"Supprimer le parcours {CODE} (entrée le {exited.date_entree:%d/%m/%Y}) ?")
    assert summary in text and text.endswith("Cette action est définitive.")
    assert dialog.isVisible()  # the file stays open on the person's other parcours
    assert dialog.parcours_table.rowCount() == rows_before - 1
    assert exited.parcours_id not in [p.id for p in dialog.parcours_table.objects()]
    assert exited.parcours_id not in [p.id for p in entry.parcours]
    assert rows_of(window.participants, exited.parcours_id) == []
    assert exits_page.proxy.rowCount() == exits_before - 1  # its exit went with it


def test_no_parcours_selected_means_nothing_to_delete(qtbot, window, exited):
    dialog = open_file(window, exited)
    dialog.parcours_table.clearSelection()
    assert not dialog.delete_parcours_button.isEnabled()
    assert dialog.delete_parcours(None) is False


def test_a_parcours_kept_when_the_person_says_no(qtbot, window, demo_ctx, recorded_messages, exited):
    dialog = open_file(window, exited)
    recorded_messages.answers["confirm"] = False
    click(qtbot, dialog.delete_parcours_button)
    assert recorded_messages.kinds() == ["confirm"]
    assert exited.parcours_id in [p.id for p in dialog.parcours_table.objects()]
    assert len(rows_of(window.participants, exited.parcours_id)) == 1
    assert exited.parcours_id in [p.id for p in participants_service.get_participant(
        demo_ctx, exited.participant_id).parcours]


def test_a_parcours_of_a_cloturee_operation_is_refused_and_kept(qtbot, window, demo_ctx, recorded_messages, exited):
    close_operation(demo_ctx)
    dialog = open_file(window, exited)
    click(qtbot, dialog.delete_parcours_button)
    assert recorded_messages.kinds() == ["confirm", "error"]
    _kind, title, text = recorded_messages.calls[-1]
    assert title == "Suppression impossible" and text.startswith(CLOSED_REFUSAL)
    assert "avant de supprimer un parcours" in text
    assert exited.parcours_id in [p.id for p in dialog.parcours_table.objects()]
    assert len(rows_of(window.participants, exited.parcours_id)) == 1


# --- an exit, in its dialog ----------------------------------------------------------------

@pytest.fixture
def sorties(window):
    page = window.show_page("sorties")
    page.select_operation(CODE)
    assert page.proxy.rowCount() >= 1
    return page


def open_first_exit(sorties):
    row = sorties.visible_rows()[0]
    dialog = sorties.open_exit(row.parcours_id)
    assert dialog.sortie_id is not None and dialog.cancel_exit_button.isVisible()
    return row, dialog


def test_cancelling_an_exit_makes_the_person_accompanied_again(qtbot, window, demo_ctx, recorded_messages, sorties):
    before = sorties.proxy.rowCount()
    row, dialog = open_first_exit(sorties)
    with qtbot.waitSignal(sorties.changed):
        click(qtbot, dialog.cancel_exit_button)
    kind, title, text = recorded_messages.calls[-1]
    assert (kind, title) == ("confirm", "Annuler la sortie")
    assert text.startswith(f"Annuler la sortie de {row.nom} {row.prenom} ?")
    assert "La personne redevient accompagnée : elle compte à nouveau dans la file active." in text
    assert not dialog.isVisible()
    assert sorties.proxy.rowCount() == before - 1
    assert row.parcours_id not in [r.parcours_id for r in sorties.visible_rows()]
    assert sorties.count_label.text() == f"{before - 1} sorties affichées sur {before - 1}"
    participant_row, = rows_of(window.participants, row.parcours_id)
    assert participant_row.statut == "En cours" and participant_row.date_sortie is None
    assert exits_service.get_exit(demo_ctx, row.parcours_id) == (None, None, None)


def test_an_exit_kept_when_the_person_says_no(qtbot, window, demo_ctx, recorded_messages, sorties):
    before = sorties.proxy.rowCount()
    row, dialog = open_first_exit(sorties)
    recorded_messages.answers["confirm"] = False
    click(qtbot, dialog.cancel_exit_button)
    assert recorded_messages.kinds() == ["confirm"]
    assert dialog.isVisible()
    assert sorties.proxy.rowCount() == before
    assert rows_of(window.participants, row.parcours_id)[0].statut == "Sorti"


def test_an_exit_of_a_cloturee_operation_is_refused_and_kept(qtbot, window, demo_ctx, recorded_messages, sorties):
    close_operation(demo_ctx)
    before = sorties.proxy.rowCount()
    row, dialog = open_first_exit(sorties)
    click(qtbot, dialog.cancel_exit_button)
    assert recorded_messages.kinds() == ["confirm", "error"]
    _kind, title, text = recorded_messages.calls[-1]
    assert title == "Suppression impossible" and text.startswith(CLOSED_REFUSAL)
    assert "avant de supprimer une sortie" in text
    assert dialog.isVisible()  # nothing happened: the person may close it
    sorties.refresh()
    assert sorties.proxy.rowCount() == before
    assert exits_service.get_exit(demo_ctx, row.parcours_id)[2] == dialog.sortie_id


def test_a_new_exit_has_nothing_to_cancel(qtbot, sorties):
    dialog = sorties.new_exit()
    assert not dialog.cancel_exit_button.isVisible()
    assert dialog.cancel_exit() is False


# --- entretiens, CER, diagnostics, suspensions, in the accompaniment record -----------------

@pytest.fixture
def record(qtbot, demo_ctx) -> AccompanimentDialog:
    """The record of a parcours in progress, with one entry of each kind added on 10/03/2025."""
    row = next(r for r in participants_service.list_participant_rows(demo_ctx)
               if r.operation_code == CODE and r.statut == "En cours")
    day = date(2025, 3, 10)
    activity_service.add_entretien(demo_ctx, row.parcours_id, activity_service.EntretienInput(day, duree_minutes=30))
    activity_service.add_cer(demo_ctx, row.parcours_id, activity_service.CerInput(day))
    activity_service.add_diagnostic(demo_ctx, row.parcours_id, day, "actualisation", "")
    activity_service.add_suspension(demo_ctx, row.parcours_id, activity_service.SuspensionInput(day, day, "Hospitalisation"))
    dialog = AccompanimentDialog(demo_ctx, row.participant_id, row.parcours_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


ENTRIES = (("entretien", "l'entretien"), ("cer", "le CER"), ("diagnostic", "le diagnostic"),
           ("suspension", "la suspension"))
TAB = {"entretien": 0, "cer": 1, "diagnostic": 2, "suspension": 3}


def select_added(dialog: AccompanimentDialog, entity: str) -> int:
    """Select the row added by the fixture (dated 10/03/2025); returns the table's row count."""
    dialog.tabs.setCurrentIndex(TAB[entity])
    table = dialog.tables[entity]
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "10/03/2025")
    table.selectRow(row)
    return table.rowCount()


def record_entries(dialog: AccompanimentDialog, entity: str) -> list:
    record = activity_service.accompaniment_record(dialog.app, dialog.parcours_id)
    return {"entretien": record.entretiens, "cer": record.cers, "diagnostic": record.diagnostics,
            "suspension": record.suspensions}[entity]


@pytest.mark.parametrize(("entity", "what"), ENTRIES)
def test_an_entry_of_the_record_is_deleted_after_a_short_question(qtbot, recorded_messages, record, entity, what):
    count = select_added(record, entity)
    with qtbot.waitSignal(record.changed):
        click(qtbot, record.delete_buttons[entity])
    assert recorded_messages.calls == [("confirm", f"Supprimer {what}",
                                        f"Supprimer {what} du 10/03/2025 ?\n\nCette action est définitive.")]
    table = record.tables[entity]
    assert table.rowCount() == count - 1 == len(record_entries(record, entity))
    assert "10/03/2025" not in [table.item(r, 0).text() for r in range(table.rowCount())]
    assert record.tabs.tabText(TAB[entity]).endswith(f"({count - 1})")
    todos = activity_service.accompaniment_record(record.app, record.parcours_id).todos
    assert record.todos.model.rowCount() == len(todos)  # the to-do follows (a CER gone may be due again)


@pytest.mark.parametrize(("entity", "what"), ENTRIES)
def test_an_entry_kept_when_the_person_says_no(qtbot, recorded_messages, record, entity, what):
    count = select_added(record, entity)
    recorded_messages.answers["confirm"] = False
    click(qtbot, record.delete_buttons[entity])
    assert recorded_messages.kinds() == ["confirm"]
    assert record.tables[entity].rowCount() == count == len(record_entries(record, entity))


def test_entries_of_a_cloturee_operation_are_refused_and_kept(qtbot, demo_ctx, recorded_messages, record):
    close_operation(demo_ctx)
    for entity, what in ENTRIES:
        count = select_added(record, entity)
        click(qtbot, record.delete_buttons[entity])
        _kind, title, text = recorded_messages.calls[-1]
        assert title == "Suppression impossible" and text.startswith(CLOSED_REFUSAL)
        assert record.tables[entity].rowCount() == count == len(record_entries(record, entity))
    assert recorded_messages.kinds() == ["confirm", "error"] * len(ENTRIES)


def test_delete_buttons_follow_the_selection(qtbot, record):
    for entity in TAB:
        record.tables[entity].clearSelection()
        assert not record.delete_buttons[entity].isEnabled()
        select_added(record, entity)
        assert record.delete_buttons[entity].isEnabled()
