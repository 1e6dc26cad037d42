"""Entry point: ``aapdesk`` opens the window; ``aapdesk COMMAND ...`` runs the command line.

Qt is imported only when the window is wanted, so the CLI never loads PySide6.

``AAPDESK_QUIT_AFTER_MS=N`` makes the window quit by itself N ms after start, through
``QApplication.quit()``: the same path as closing the window (closing backup, lock released,
exit code 0). The smoke test of the frozen bundle (``packaging/smoke_test.py``) needs it:
an offscreen window cannot be closed from outside, and a signal would kill the process
before the data is closed.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from aapdesk.cli import command_names  # argparse only: cheap, and the one list of commands

    if any(a in command_names() for a in args):
        from aapdesk.cli import main as cli_main

        return cli_main(args)
    from aapdesk.qt.app import run_gui

    quit_after = os.environ.get("AAPDESK_QUIT_AFTER_MS", "")
    if quit_after.isdigit():
        _schedule_quit(args, int(quit_after))
    return run_gui(args)


def _schedule_quit(args: list[str], milliseconds: int) -> None:
    """Create the QApplication run_gui will reuse, with a timer that quits its event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import qt_arguments

    qapp = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aapdesk", *qt_arguments(args)])
    QTimer.singleShot(milliseconds, qapp.quit)  # fires once run_gui's event loop runs


if __name__ == "__main__":
    sys.exit(main())
