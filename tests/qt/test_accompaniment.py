"""The accompaniment record of a parcours: each form saves through its service, refusals stay
inline and write nothing, the CER end follows the signature, a renewal request closes its to-do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog, RenewalDialog
from aapdesk.qt.dialogs.participant_dialog import ParticipantDialog
from aapdesk.qt.widgets.inputs import select_data
from aapdesk.services import activity as activity_service
from aapdesk.services import participants as participants_service
from aapdesk.services.participants import ParticipantRow

TODAY = date(2025, 3, 15)  # the fixed clock of tests/qt/conftest.py


def open_rows(ctx, code: str = "REF-SP-2025") -> list[ParticipantRow]:
    """Parcours of ``code`` open today whose orientation is known."""
    return [r for r in participants_service.list_participant_rows(ctx)
            if r.operation_code == code and r.statut == "En cours"
            and participants_service.get_participant(ctx, r.participant_id).parcours[0].date_orientation]


def open_record(qtbot, ctx, row: ParticipantRow) -> AccompanimentDialog:
    dialog = AccompanimentDialog(ctx, row.participant_id, row.parcours_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def row(demo_ctx) -> ParticipantRow:
    return open_rows(demo_ctx)[0]


def test_header_shows_participant_operation_and_dates(qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    parcours = participants_service.get_participant(demo_ctx, row.participant_id).parcours[0]
    assert dialog.title.text() == f"{row.prenom} {row.nom}"
    assert dialog.operation_label.text().startswith("REF-SP-2025 – ")
    header = dialog.dates_label.text()
    assert parcours.date_orientation.strftime("%d/%m/%Y") in header
    assert parcours.date_entree.strftime("%d/%m/%Y") in header
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert dialog.entretiens_table.rowCount() == len(record.entretiens)
    assert dialog.tabs.tabText(0) == f"Entretiens ({len(record.entretiens)})"
    assert dialog.todos.model.rowCount() == len(record.todos)


def test_adding_an_entretien_saves_it(type_text, qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    before = len(activity_service.accompaniment_record(demo_ctx, row.parcours_id).entretiens)
    assert dialog.entretien_date.value() == TODAY  # an open parcours: today is proposed
    dialog.entretien_date.set_value(date(2025, 3, 14))
    select_data(dialog.entretien_modalite, "telephone")
    dialog.entretien_duree.setValue(45)
    type_text(dialog.entretien_note, "Point sur la préparation de l'entretien d'embauche")
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.entretien_form.button, Qt.MouseButton.LeftButton)
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert len(record.entretiens) == before + 1
    saved = [e for e in record.entretiens if e[1] == date(2025, 3, 14) and e[2] == "telephone"]
    assert [(e[3], e[4]) for e in saved] == [(45, "Point sur la préparation de l'entretien d'embauche")]
    assert dialog.entretiens_table.rowCount() == before + 1
    assert dialog.tabs.tabText(0) == f"Entretiens ({before + 1})"
    assert dialog.entretien_note.text() == "" and not dialog.entretien_form.errors.has_errors()


def test_entretien_before_orientation_is_refused_inline(qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    orientation = participants_service.get_participant(demo_ctx, row.participant_id).parcours[0].date_orientation
    before = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    dialog.entretien_date.set_value(orientation - timedelta(days=1))
    dialog.entretien_note.setText("trop tôt")
    with qtbot.assertNotEmitted(dialog.changed):
        assert dialog.add_entretien() is False
    expected = f"La date de l'entretien précède l'orientation du {orientation:%d/%m/%Y}"
    assert dialog.entretien_form.errors.messages("date") == (expected,)
    assert dialog.entretien_form.errors.label("date").isVisible()
    assert dialog.entretien_date.property("invalid") is True
    assert dialog.entretien_note.text() == "trop tôt"  # kept as typed, to be corrected
    assert activity_service.accompaniment_record(demo_ctx, row.parcours_id).entretiens == before.entretiens
    assert dialog.entretiens_table.rowCount() == len(before.entretiens)


def test_entretien_without_date_and_too_long(qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    dialog.entretien_date.clear_value()
    dialog.entretien_duree.setValue(700)
    assert dialog.add_entretien() is False
    assert dialog.entretien_form.errors.messages("date") == ("La date de l'entretien est obligatoire",)
    assert dialog.entretien_form.errors.messages("duree") == ("La durée doit être comprise entre 1 et 600 minutes",)


def _without_cer(ctx) -> ParticipantRow:
    return next(r for r in open_rows(ctx)
                if not activity_service.accompaniment_record(ctx, r.parcours_id).cers)


def test_new_cer_end_follows_signature_and_saves(qtbot, demo_ctx):
    row = _without_cer(demo_ctx)
    dialog = open_record(qtbot, demo_ctx, row)
    assert not dialog.cer_renouvellement.isChecked()  # the first CER of the parcours
    dialog.cer_signature.set_value(date(2025, 3, 10))
    assert dialog.cer_fin.value() == date(2025, 9, 10)  # signature + 6 months, day for day
    dialog.cer_signature.set_value(date(2025, 3, 12))
    assert dialog.cer_fin.value() == date(2025, 9, 12)  # follows the signature as it is typed
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.cer_form.button, Qt.MouseButton.LeftButton)
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert [(c[1], c[2], c[3], c[4]) for c in record.cers] == [(date(2025, 3, 12), date(2025, 9, 12), True, False)]
    assert dialog.cers_table.rowCount() == 1 and dialog.tabs.tabText(1) == "CER (1)"
    assert "cer_signature" not in {t.code for t in record.todos}
    assert "cer_signature" not in {r.code for r in dialog.todos.model.rows()}


def test_cer_end_edited_by_hand_is_kept(qtbot, demo_ctx):
    row = _without_cer(demo_ctx)
    dialog = open_record(qtbot, demo_ctx, row)
    dialog.cer_signature.set_value(date(2025, 3, 10))
    dialog.cer_fin.set_value(date(2025, 12, 31))  # the person chose another end
    dialog.cer_signature.set_value(date(2025, 3, 11))
    assert dialog.cer_fin.value() == date(2025, 12, 31)
    assert dialog.add_cer()
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert [(c[1], c[2]) for c in record.cers] == [(date(2025, 3, 11), date(2025, 12, 31))]


def test_cer_ending_before_signature_is_refused(qtbot, demo_ctx):
    row = _without_cer(demo_ctx)
    dialog = open_record(qtbot, demo_ctx, row)
    dialog.cer_signature.set_value(date(2025, 3, 10))
    dialog.cer_fin.set_value(date(2025, 3, 1))
    assert dialog.add_cer() is False
    assert dialog.cer_form.errors.messages("date_fin") == ("La fin du CER précède sa signature",)
    assert activity_service.accompaniment_record(demo_ctx, row.parcours_id).cers == ()


def _with_cer_to_renew(ctx) -> ParticipantRow:
    return next(r for r in open_rows(ctx)
                if "cer_renouvellement" in {t.code for t in activity_service.accompaniment_record(ctx, r.parcours_id).todos})


def test_renewal_request_removes_the_renewal_todo(qtbot, demo_ctx):
    row = _with_cer_to_renew(demo_ctx)
    dialog = open_record(qtbot, demo_ctx, row)
    assert "cer_renouvellement" in {r.code for r in dialog.todos.model.rows()}
    assert dialog.renewal_button.isEnabled()  # the latest CER is selected
    cer_id = dialog.cers_table.current_object().id
    renewal = dialog.request_renewal()
    assert isinstance(renewal, RenewalDialog) and renewal.day.value() == TODAY
    renewal.day.set_value(date(2025, 3, 14))
    with qtbot.waitSignal(dialog.changed):
        assert renewal.try_save()
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert [c[5] for c in record.cers if c[0] == cer_id] == [date(2025, 3, 14)]
    assert "cer_renouvellement" not in {t.code for t in record.todos}
    assert "cer_renouvellement" not in {r.code for r in dialog.todos.model.rows()}
    assert dialog.cers_table.current_object().id == cer_id  # still selected after the reload
    assert dialog.cers_table.item(dialog.cers_table.currentRow(), 4).text() == "14/03/2025"
    everything = activity_service.todo_list(demo_ctx, participant_id=row.participant_id, horizon_days=None)
    assert "cer_renouvellement" not in {t.code for t in everything}


def test_renewal_before_signature_is_refused(qtbot, demo_ctx):
    row = _with_cer_to_renew(demo_ctx)
    dialog = open_record(qtbot, demo_ctx, row)
    cer = dialog.cers_table.current_object()
    cer_id, signature = cer.id, cer.signature
    renewal = dialog.request_renewal()
    renewal.day.set_value(signature - timedelta(days=1))
    assert renewal.try_save() is False
    assert renewal.errors.messages("demande_renouvellement") == ("La demande de renouvellement précède la signature",)
    assert [c[5] for c in activity_service.accompaniment_record(demo_ctx, row.parcours_id).cers
            if c[0] == cer_id] == [None]


def test_premier_rdv(qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    orientation = participants_service.get_participant(demo_ctx, row.participant_id).parcours[0].date_orientation
    previous = activity_service.accompaniment_record(demo_ctx, row.parcours_id).premier_rdv
    dialog.premier_rdv.set_value(orientation - timedelta(days=2))
    assert dialog.save_premier_rdv() is False
    assert dialog.rdv_errors.messages("premier_rdv") == (
        f"La date du premier rendez-vous précède l'orientation du {orientation:%d/%m/%Y}",)
    assert activity_service.accompaniment_record(demo_ctx, row.parcours_id).premier_rdv == previous
    dialog.premier_rdv.set_value(orientation + timedelta(days=4))
    assert dialog.save_premier_rdv()
    assert activity_service.accompaniment_record(demo_ctx, row.parcours_id).premier_rdv == orientation + timedelta(days=4)
    assert dialog.rdv_hint.text().startswith("Tenu 4 jours après l'orientation")


def test_diagnostic_and_suspension(type_text, qtbot, demo_ctx, row):
    dialog = open_record(qtbot, demo_ctx, row)
    before = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    select_data(dialog.diagnostic_nature, "actualisation")
    dialog.diagnostic_date.set_value(date(2025, 3, 13))
    assert dialog.add_diagnostic()
    dialog.suspension_debut.set_value(date(2025, 3, 3))
    dialog.suspension_fin.set_value(date(2025, 3, 1))
    assert dialog.add_suspension() is False  # no motif, and the end before the start
    assert dialog.suspension_form.errors.messages("motif") == ("Indiquez le motif de la suspension",)
    assert dialog.suspension_form.errors.messages("fin") == ("La fin de la suspension précède son début",)
    dialog.suspension_fin.set_value(date(2025, 3, 10))
    type_text(dialog.suspension_motif, "Hospitalisation")
    assert dialog.add_suspension()
    record = activity_service.accompaniment_record(demo_ctx, row.parcours_id)
    assert len(record.diagnostics) == len(before.diagnostics) + 1
    assert (date(2025, 3, 13), "actualisation") in {(d[1], d[2]) for d in record.diagnostics}
    assert [s[1:] for s in record.suspensions if s not in before.suspensions] == [
        (date(2025, 3, 3), date(2025, 3, 10), "Hospitalisation")]
    assert dialog.tabs.tabText(3) == f"Suspensions ({len(record.suspensions)})"


def test_suivi_from_participants_table(qtbot, window, demo_ctx):
    page = window.show_page("participants")
    assert not page.follow_button.isEnabled()
    page.table.selectRow(0)
    expected = page.selected_row()
    assert page.follow_button.isEnabled()
    qtbot.mouseClick(page.follow_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in page.findChildren(AccompanimentDialog) if d.isVisible()]
    assert [(d.participant_id, d.parcours_id) for d in dialogs] == [(expected.participant_id, expected.parcours_id)]


def test_suivi_from_participant_form_and_its_todos(qtbot, window, demo_ctx):
    page = window.show_page("participants")
    row = _without_cer(demo_ctx)
    form = page.open_participant(row.participant_id)
    assert isinstance(form, ParticipantDialog) and form.todos is not None
    expected = activity_service.todo_list(demo_ctx, participant_id=row.participant_id)
    assert expected and form.todos.rows() == expected
    assert form.todos.summary.text().startswith(f"{len(expected)} tâche")
    assert form.follow_button.isEnabled()  # the first parcours is selected from the start
    qtbot.mouseClick(form.follow_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in form.findChildren(AccompanimentDialog) if d.isVisible())
    assert dialog.parcours_id == row.parcours_id
    dialog.cer_signature.set_value(date(2025, 3, 14))
    with qtbot.waitSignal(page.changed):  # the pages behind refresh (Accueil's to-do list)
        assert dialog.add_cer()
    assert form.todos.rows() == activity_service.todo_list(demo_ctx, participant_id=row.participant_id)
    assert "cer_signature" not in {r.code for r in form.todos.rows()}


def test_parcours_documents_are_attached_in_the_record(qtbot, demo_ctx, row, tmp_path):
    from aapdesk.services import documents as documents_service

    dialog = open_record(qtbot, demo_ctx, row)
    index = dialog.tabs.indexOf(dialog.documents)
    assert dialog.tabs.tabText(index) == "Documents (0)"
    cer_scan = tmp_path / "CER signé.pdf"
    cer_scan.write_bytes(b"%PDF CER")
    dialog.documents.attach_files([cer_scan])
    stored = documents_service.list_documents(demo_ctx, parcours_id=row.parcours_id)
    assert [d.nom_original for d in stored] == ["CER signé.pdf"]
    assert dialog.tabs.tabText(index) == "Documents (1)"


def test_participant_form_holds_the_persons_own_documents(qtbot, demo_ctx, row, tmp_path):
    from aapdesk.services import documents as documents_service

    dialog = ParticipantDialog(demo_ctx, row.participant_id)
    qtbot.addWidget(dialog)
    attestation = tmp_path / "notification RQTH.pdf"
    attestation.write_bytes(b"%PDF notification")
    dialog.documents.attach_files([attestation])
    assert [d.nom_original for d in documents_service.list_documents(demo_ctx, participant_id=row.participant_id)] == [
        "notification RQTH.pdf"]
