"""Fixtures for the Qt layer: headless Qt, data directories on tmp_path with a fixed clock.

The demo is built once per session and its database file copied for each test that
needs it (building it takes about a second). No test may open a modal box: ``exec()``
fails loudly and :mod:`aapdesk.qt.messages` is replaced by a recorder.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

FIXED_NOW = datetime(2025, 3, 15, 10, 0)


def fixed_clock() -> datetime:
    return FIXED_NOW


def _open(folder: Path):
    from aapdesk.services.context import open_app

    return open_app(str(folder), clock=fixed_clock)


def _type_text(widget, text: str) -> None:
    """Type like a person. QTest.keyClicks aborts the process on non-ASCII characters ("é"),
    so those are sent as key events carrying their text."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(widget, event)


@pytest.fixture
def type_text():
    return _type_text


@pytest.fixture
def open_data():
    """Open a data directory with the fixed clock (the caller closes it)."""
    return _open


@pytest.fixture
def app_ctx(tmp_path):
    """An empty data directory (no structure, no operation)."""
    ctx = _open(tmp_path / "donnees")
    yield ctx
    ctx.db.close(ctx.now(), backup=False)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    from aapdesk.services.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    ctx = _open(folder)
    build_demo(ctx)
    path = ctx.db.paths.db_path
    ctx.db.close(ctx.now(), backup=False)  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def demo_ctx(tmp_path, demo_db):
    """A data directory holding the demonstration, as of 15/03/2025."""
    folder = tmp_path / "donnees"
    folder.mkdir()
    shutil.copy2(demo_db, folder / demo_db.name)
    # the demo's proofs and invoices live beside the database: without them the store is inconsistent
    shutil.copytree(demo_db.parent / "documents", folder / "documents")
    ctx = _open(folder)
    yield ctx
    ctx.db.close(ctx.now(), backup=False)


@dataclass
class MessageRecorder:
    """Stands in for :mod:`aapdesk.qt.messages`; ``answers`` says what the person would click."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    answers: dict[str, bool] = field(default_factory=lambda: {"confirm": True, "ask_open_existing": False,
                                                              "open_document": True})

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]


@pytest.fixture(autouse=True)
def recorded_messages(monkeypatch) -> MessageRecorder:
    from PySide6.QtWidgets import QDialog, QMessageBox

    from aapdesk.qt import messages

    recorder = MessageRecorder()

    def record(kind: str):
        def fake(parent, title="", text="", *args, **kwargs):
            recorder.calls.append((kind, title, text))
            return recorder.answers.get(kind)
        return fake

    # open_document would launch the system's PDF viewer: recorded with the file's path as title.
    for kind in ("info", "error", "confirm", "ask_open_existing", "open_document"):
        monkeypatch.setattr(messages, kind, record(kind))

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"modal exec() in a test: {type(self).__name__} « {self.windowTitle()} »")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse, raising=False)
    return recorder


@pytest.fixture
def window(qtbot, demo_ctx):
    from aapdesk.qt.app import create_main_window

    win = create_main_window(demo_ctx)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def empty_window(qtbot, app_ctx):
    from aapdesk.qt.app import create_main_window

    win = create_main_window(app_ctx)
    qtbot.addWidget(win)
    win.show()
    return win
