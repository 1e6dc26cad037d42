"""The background-task helper: work on a pool thread, every signal received on the GUI thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from aapdesk.qt.tasks import TaskCancelled, database_pool, run_in_background


def _on_gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


def test_success_and_progress_arrive_on_the_gui_thread(qtbot):
    seen: list[tuple[str, object, bool]] = []

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        progress(50, "Moitié")
        return threading.current_thread() is not threading.main_thread()

    task = run_in_background(work)
    task.progress.connect(lambda p, s: seen.append(("progress", (p, s), _on_gui_thread())))
    task.succeeded.connect(lambda result: seen.append(("succeeded", result, _on_gui_thread())))
    with qtbot.waitSignal(task.finished, timeout=5_000):
        pass
    assert seen == [("progress", (50, "Moitié"), True), ("succeeded", True, True)]
    assert not task.is_running() and task.result is True


def test_failure_carries_the_exception(qtbot):
    task = run_in_background(lambda progress, cancelled: 1 / 0)
    with qtbot.waitSignal(task.failed, timeout=5_000) as blocker:
        pass
    assert isinstance(blocker.args[0], ZeroDivisionError) and isinstance(task.error, ZeroDivisionError)


def test_cancel_flag_is_polled_by_the_work(qtbot):
    started = threading.Event()

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        started.set()
        while not cancelled():
            time.sleep(0.005)
        raise TaskCancelled()

    task = run_in_background(work)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5_000):
        task.cancel()
    assert task.was_cancelled and task.error is None


def test_database_work_runs_one_at_a_time(qtbot):
    running, overlaps = [0], []
    lock = threading.Lock()

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        with lock:
            running[0] += 1
            overlaps.append(running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    tasks = [run_in_background(work) for _ in range(3)]
    qtbot.waitUntil(lambda: not any(t.is_running() for t in tasks), timeout=5_000)
    assert database_pool().maxThreadCount() == 1 and max(overlaps) == 1
