"""What every screenshot script shares: the fixed "today", the window size, where pictures go,
and how to let Qt finish painting before a grab.

The scripts run as ``python packaging/<script>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

#: The demonstration's "today": two runs give the same pictures.
FIXED_NOW = datetime(2025, 3, 15, 10, 0)
WINDOW_SIZE = (1280, 800)
SCREENSHOTS_DIR = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(qapp) -> None:  # type: ignore[no-untyped-def]
    """Let Qt lay out and paint, and really delete the widgets a refresh replaced.

    ``processEvents`` alone leaves ``deleteLater`` widgets alive (they are deleted when the
    event loop runs), and a label removed from its layout would still be painted under its
    replacement; the real application never shows that, so neither must the pictures.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(5):
        qapp.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def wait_until(qapp, condition: Callable[[], bool], timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    """Keep the event loop turning until background work reports (a report, an import)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the background work did not finish in time")
        qapp.processEvents()
        time.sleep(0.01)


def save(pixmap, path: Path) -> Path:  # type: ignore[no-untyped-def]
    if not pixmap.save(str(path), "PNG"):
        raise RuntimeError(f"could not write {path}")
    return path
