"""Entry point: ``aapdesk`` opens the window; ``aapdesk COMMAND ...`` runs the command line.

Qt is imported only when the window is wanted, so the CLI never loads PySide6.
"""

from __future__ import annotations

import sys
from typing import Sequence

CLI_COMMANDS = {"dispositifs", "structure", "operation", "demo", "check", "backup", "activite", "sorties",
                "report", "import", "-h", "--help", "--version"}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in CLI_COMMANDS for a in args):
        from aapdesk.cli import main as cli_main

        return cli_main(args)
    from aapdesk.qt.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
