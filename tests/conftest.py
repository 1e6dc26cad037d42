"""Shared fixtures: a fixed clock and an application context on a temporary data directory.

Qt runs offscreen: the variable is set here, before any test module imports PySide6.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from aapdesk.services.context import AppContext, open_app  # noqa: E402

FIXED_NOW = datetime(2025, 3, 15, 10, 30, 0)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock) -> AppContext:
    context = open_app(str(tmp_path / "data"), clock=clock)
    yield context
    context.db.close(clock(), backup=False)
