"""Screenshots of the Finances page, from the demonstration data.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots_finances.py [OUTPUT_DIR]

Like ``packaging/screenshots.py``: the demo is built in a temporary data directory with a
fixed "today" (15/03/2025), so two runs give the same pictures; the user's own data
directory is never touched. Writes ``finances-synthese.png``, ``finances-depenses.png`` and
``finances-budget.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, SCREENSHOTS_DIR, WINDOW_SIZE, save, settle  # noqa: E402

DEFAULT_OUTPUT = SCREENSHOTS_DIR
#: The demo's expense-based operation (fiche 3.15 of 2025), in progress: expenses with problems,
#: indirect costs at 20 %, an estimate in proportion to the eligible costs.
OPERATION_PREFIX = "ACCOMP-"


def take_finance_screenshots(output: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from aapdesk.qt.app import install_french
    from aapdesk.qt.pages.finances_page import FinancesPage
    from aapdesk.services import demo, operations
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aapdesk-captures-") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        try:
            demo.build_demo(ctx)
            code = next(op.code for op in operations.list_operations(ctx) if op.code.startswith(OPERATION_PREFIX))
            # The page alone in a window of the main window's size (the lead plugs it into the navigation).
            window = QMainWindow()
            window.setWindowTitle("aapdesk – Finances")
            page = FinancesPage(ctx)
            window.setCentralWidget(page)
            window.resize(*WINDOW_SIZE)
            page.refresh()
            page.select_operation(code)
            window.show()
            settle(qapp)

            page.tabs.setCurrentWidget(page.synthesis)
            settle(qapp)
            written.append(save(window.grab(), output / "finances-synthese.png"))

            page.tabs.setCurrentWidget(page.expenses)
            # A correct expense selected, so the problems of the others keep their colours.
            clean = next((e for e in page.expenses.visible_rows() if not e.issues), None)
            if clean is not None:
                page.expenses.select_expense(clean.id)
            page.expenses.table.setFocus()
            settle(qapp)
            written.append(save(window.grab(), output / "finances-depenses.png"))

            page.tabs.setCurrentWidget(page.budget)
            settle(qapp)
            written.append(save(window.grab(), output / "finances-budget.png"))
            window.close()
        finally:
            ctx.db.close(ctx.now(), backup=False)
    return written


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    for path in take_finance_screenshots(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
