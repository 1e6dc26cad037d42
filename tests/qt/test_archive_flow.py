"""The archive, as a person uses it: exported from Paramètres on the old laptop, taken back from the
welcome dialog of the new one; refusals and cancellations change nothing."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import Qt

from aapdesk.qt import archive_flow
from aapdesk.qt.tasks import BackgroundTask
from aapdesk.services import documents as documents_service
from aapdesk.services import participants as participants_service
from aapdesk.services import structure as structure_service


@pytest.fixture
def answer_files(monkeypatch):
    """What the person picks in the file dialogs: set ``chosen['save']`` / ``chosen['open']``."""
    chosen: dict[str, object] = {}
    proposals: list = []

    def save(parent, proposed):
        proposals.append(proposed)
        return chosen.get("save")

    monkeypatch.setattr(archive_flow, "choose_archive_destination", save)
    monkeypatch.setattr(archive_flow, "choose_archive_file", lambda parent, start: chosen.get("open"))
    chosen["proposals"] = proposals
    return chosen


def test_export_from_settings_writes_one_zip_and_says_what_it_holds(qtbot, window, demo_ctx, tmp_path,
                                                                      answer_files, recorded_messages):
    panel = window.show_page("parametres").backups
    answer_files["save"] = tmp_path / "cle" / "transfert"  # typed without extension
    statuses = []
    panel.status_message.connect(statuses.append)
    qtbot.mouseClick(panel.export_archive_button, Qt.MouseButton.LeftButton)

    written = tmp_path / "cle" / "transfert.zip"
    assert written.exists() and zipfile.ZipFile(written).testzip() is None
    assert answer_files["proposals"][0].name == "aapdesk-archive-2025-03-15-1000.zip"
    kind, title, text = recorded_messages.calls[-1]
    assert (kind, title) == ("info", "Archive écrite")
    assert "Archive du 15/03/2025" in text and "100 participant(s)" in text and "données personnelles" in text
    assert statuses == ["Archive écrite : transfert.zip."]
    assert [p.name for p in written.parent.iterdir()] == ["transfert.zip"]  # no temporary file left


def test_cancelling_the_export_leaves_no_file(qtbot, window, tmp_path, answer_files, recorded_messages, monkeypatch):
    def cancelled_at_once(work, parent=None):  # the person clicks "Annuler" before the first step
        task = BackgroundTask(work, parent=parent)
        task.cancel()
        return task.start()

    monkeypatch.setattr(archive_flow, "run_in_background", cancelled_at_once)
    answer_files["save"] = tmp_path / "cle" / "transfert.zip"
    assert window.show_page("parametres").backups.export_archive() is False
    assert not (tmp_path / "cle").exists() or list((tmp_path / "cle").iterdir()) == []
    assert recorded_messages.calls == []


@pytest.fixture
def new_laptop(qtbot, tmp_path, open_data):
    """A second, empty data folder with its own window: the new laptop."""
    from aapdesk.qt.app import create_main_window

    ctx = open_data(tmp_path / "nouvel-ordinateur")
    win = create_main_window(ctx)
    qtbot.addWidget(win)
    win.show()
    yield win, ctx
    ctx.db.close(ctx.now(), backup=False)


def test_a_new_laptop_takes_the_archive_back_from_the_welcome_dialog(qtbot, window, new_laptop, tmp_path,
                                                                     answer_files, recorded_messages):
    answer_files["save"] = tmp_path / "transfert.zip"
    assert window.show_page("parametres").backups.export_archive() is not None
    new_window, new_ctx = new_laptop
    dialog = new_window.welcome_if_needed()
    assert dialog is not None and dialog.archive_button.isVisible()
    answer_files["open"] = tmp_path / "transfert.zip"
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)

    kinds = recorded_messages.kinds()
    assert kinds[-2:] == ["confirm", "info"]
    confirm_text = recorded_messages.calls[-2][2]
    assert confirm_text.startswith("Reprendre l'archive du 15/03/2025") and "seront remplacées" in confirm_text
    assert not dialog.isVisible()
    rows = participants_service.list_participant_rows(new_ctx)
    assert len(rows) == 100 and new_window.participants.model.rowCount() == 100
    assert structure_service.get_structure(new_ctx) is not None
    assert new_window.windowTitle().startswith("aapdesk – Association")
    assert documents_service.verify_documents(new_ctx) == []  # proofs came along


def test_a_file_that_is_not_an_archive_is_refused_before_any_question(empty_window, app_ctx, tmp_path,
                                                                       answer_files, recorded_messages):
    fake = tmp_path / "photos.zip"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("vacances.jpg", b"\xff\xd8")
    answer_files["open"] = fake
    dialog = empty_window.welcome_if_needed()
    assert dialog.restore_archive() is False
    assert recorded_messages.calls == [("error", "Archive refusée",
                                        "Ce fichier n'est pas une archive aapdesk (pas de manifeste ou pas de base).")]
    assert dialog.isVisible() and structure_service.get_structure(app_ctx) is None


def test_saying_no_at_the_confirmation_changes_nothing(window, demo_ctx, tmp_path, answer_files, recorded_messages):
    panel = window.show_page("parametres").backups
    answer_files["save"] = tmp_path / "transfert.zip"
    panel.export_archive()
    participants_service.create_participant(
        demo_ctx, participants_service.ParticipantInput("Après", "Export", "F", __import__("datetime").date(1990, 1, 1)))
    recorded_messages.answers["confirm"] = False
    answer_files["open"] = tmp_path / "transfert.zip"
    assert panel.restore_archive() is False
    assert "APRÈS" in {r.nom for r in participants_service.list_participant_rows(demo_ctx)}
