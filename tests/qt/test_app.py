"""The GUI entry point: arguments, refusal to open locked data, closing backup, safe error log."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from aapdesk.qt import app as gui
from aapdesk.qt.main_window import MainWindow
from aapdesk.services import backups as backups_service
from aapdesk.services import structure as structure_service
from aapdesk.services.structure import StructureData


@pytest.mark.parametrize(("argv", "expected"), [
    (["--data-dir", "/tmp/x"], "/tmp/x"),
    (["--data-dir=/tmp/y", "-platform", "offscreen"], "/tmp/y"),
    (["-style", "fusion"], None),
    (["--data-dir"], None),
])
def test_data_dir_argument(argv, expected):
    assert gui.data_dir_argument(argv) == expected


def test_qt_arguments_drop_ours():
    assert gui.qt_arguments(["--data-dir", "/d", "-style", "fusion", "--data-dir=/e"]) == ["-style", "fusion"]


def test_french_translations_and_locale(qapp):
    gui.install_french(qapp)
    assert QLocale().language() == QLocale.Language.French
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"


def test_run_gui_refuses_data_already_open(tmp_path, recorded_messages, open_data):
    holder = open_data(tmp_path)  # another aapdesk holds the lock
    try:
        assert gui.run_gui(["--data-dir", str(tmp_path)]) == 1
    finally:
        holder.db.close(holder.now(), backup=False)
    kind, title, text = recorded_messages.calls[-1]
    assert kind == "error" and "déjà ouvert" in text


def test_run_gui_shows_window_then_closes_with_backup(tmp_path, monkeypatch, qapp, open_data):
    seen = {}

    def fake_exec(*_args):
        qapp.processEvents()
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["title"] = windows[0].windowTitle()
        structure_service.save_structure(windows[0].app, StructureData(nom="Les Ateliers du Ternois"))
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    hook = sys.excepthook
    assert gui.run_gui(["--data-dir", str(tmp_path)]) == 0
    assert sys.excepthook is hook
    assert seen["title"] == "aapdesk"
    reopened = open_data(tmp_path)  # the lock was released
    try:
        assert [b.reason for b in backups_service.backups(reopened)] == ["fermeture"]
    finally:
        reopened.db.close(reopened.now(), backup=False)


def test_excepthook_logs_no_personal_data(tmp_path, recorded_messages):
    previous = gui.install_excepthook(tmp_path)
    try:
        try:
            raise ValueError("DUPONT Marie née le 01/02/1980")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    log = (tmp_path / gui.ERROR_LOG_NAME).read_text(encoding="utf-8")
    assert "ValueError" in log and "test_app.py" in log
    assert "DUPONT" not in log and "1980" not in log
    kind, title, text = recorded_messages.calls[-1]
    assert kind == "error" and title == "Erreur inattendue" and "DUPONT" not in text
