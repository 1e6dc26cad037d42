"""Screenshots of the Rapports page, from the demonstration data.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots_reports.py [OUTPUT_DIR]

Like ``packaging/screenshots.py``: the demo is built in a temporary data directory with a
fixed "today" (15/03/2025); the user's own data directory is never touched. The real
reports are generated through the page, in the background, as a person would:

- ``rapports-generation.png``: while the tableau de bord of AI-2024 is being written (the
  worker is held at its first step past 30 % until the picture is taken, so the capture
  does not depend on the machine's speed);
- ``rapports.png``: once it is written, with the files produced listed.

The files' times are set to the fixed day so two runs give the same list.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, SCREENSHOTS_DIR, WINDOW_SIZE, save, settle, wait_until  # noqa: E402

DEFAULT_OUTPUT = SCREENSHOTS_DIR
OPERATION = "AI-2024"
#: Produced first, so the list of files is not empty: (report, format), in this order.
EARLIER = (("indicateurs", "json"), ("bilan-execution", "xlsx"), ("cre", "pdf"))


def take_report_screenshots(output: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import create_main_window, install_french
    from aapdesk.services import demo, report_registry
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aapdesk-captures-") as folder:
        ctx = open_app(folder, clock=lambda: FIXED_NOW)
        real_generate = report_registry.generate
        try:
            demo.build_demo(ctx)
            window = create_main_window(ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            page = window.show_page("rapports")
            page.select_operation(OPERATION)
            settle(qapp)

            for minute, (name, fmt) in enumerate(EARLIER):
                page.select_report(name)
                page.set_format(fmt)
                if page.generate() is None:
                    raise RuntimeError(f"{name} refused: {page.result_label.text()}")
                wait_until(qapp, lambda: not page.is_busy())
                produced = page.selected_file()
                if produced is None:
                    raise RuntimeError(f"{name} failed: {page.result_label.text()}")
                stamp = FIXED_NOW.replace(minute=2 + 3 * minute).timestamp()
                os.utime(produced, (stamp, stamp))
                page.refresh_recent()

            # The tableau de bord, held mid-way so the progress bar can be seen.
            reached, release = threading.Event(), threading.Event()

            def held_generate(*args, progress=None, **kwargs):  # type: ignore[no-untyped-def]
                def slow_progress(percent: int, step: str) -> None:
                    progress(percent, step)
                    if percent >= 30 and not reached.is_set():
                        reached.set()
                        release.wait(60)

                return real_generate(*args, progress=slow_progress, **kwargs)

            report_registry.generate = held_generate
            page.select_report("tableau-de-bord")
            page.set_format("xlsx")
            if page.generate() is None:
                raise RuntimeError(f"tableau de bord refused: {page.result_label.text()}")
            wait_until(qapp, reached.is_set)
            settle(qapp)
            written.append(save(window.grab(), output / "rapports-generation.png"))
            release.set()
            wait_until(qapp, lambda: not page.is_busy())
            report_registry.generate = real_generate
            produced = page.selected_file()
            if produced is None:
                raise RuntimeError(f"tableau de bord failed: {page.result_label.text()}")
            stamp = FIXED_NOW.replace(minute=14).timestamp()
            os.utime(produced, (stamp, stamp))
            page.refresh_recent()
            page.recent_table.select_object(produced)
            settle(qapp)
            written.append(save(window.grab(), output / "rapports.png"))
            window.close()
        finally:
            report_registry.generate = real_generate
            ctx.db.close(ctx.now(), backup=False)
    return written


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    for path in take_report_screenshots(output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
