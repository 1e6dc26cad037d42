"""Background work for the GUI: run a callable on a worker thread, hear from it on the GUI thread.

:func:`run_in_background` hands ``work(progress, cancelled)`` to a ``QThreadPool`` and returns
a :class:`BackgroundTask` whose signals (``progress``, ``succeeded``, ``failed``,
``cancelled``, ``finished``) are always delivered on the GUI thread, so slots may touch
widgets. The work itself never touches a widget: it only calls ``progress(percent, step)``
(thread-safe, it emits a signal) and polls ``cancelled()`` (a flag set by
:meth:`BackgroundTask.cancel`). Database work goes to a pool of one thread, so two
generations never write at the same time; each service call opens its own session in the
thread that runs it, and no session crosses threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

#: ``work(progress, cancelled)``: progress(percent, French step), cancelled() -> bool.
Work = Callable[[Callable[[int, str], None], Callable[[], bool]], Any]

_database_pool: QThreadPool | None = None


def database_pool() -> QThreadPool:
    """One worker thread for everything that reads or writes the database in the background."""
    global _database_pool
    if _database_pool is None:
        _database_pool = QThreadPool()
        _database_pool.setMaxThreadCount(1)
        _database_pool.setExpiryTimeout(30_000)
    return _database_pool


class TaskCancelled(Exception):
    """Raised by a work that stops because it was asked to."""


class _WorkerSignals(QObject):
    """Emitted from the worker thread; received by the task, which lives on the GUI thread."""

    progress = Signal(int, str)
    done = Signal(object, object)  # (result, exception or None)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _WorkerSignals, cancel_flag: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the task keeps it until it has finished
        self._work = work
        self._signals = signals
        self._cancel_flag = cancel_flag

    def run(self) -> None:  # worker thread: no widget here
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._work(self._signals.progress.emit, self._cancel_flag.is_set)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, which decides
            error = exc
        self._signals.done.emit(result, error)


class BackgroundTask(QObject):
    """One piece of work running in the background; its signals arrive on the GUI thread."""

    #: (percent 0-100, French step label)
    progress = Signal(int, str)
    #: the work's return value
    succeeded = Signal(object)
    #: the exception the work raised (not a cancellation)
    failed = Signal(object)
    #: the work stopped because :meth:`cancel` was called
    cancelled = Signal()
    #: after any of the three above
    finished = Signal()

    def __init__(self, work: Work, *, pool: QThreadPool | None = None,
                 cancel_exceptions: tuple[type[BaseException], ...] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or database_pool()
        self._cancel_flag = threading.Event()
        self._cancel_exceptions = (TaskCancelled, *cancel_exceptions)
        self._signals = _WorkerSignals()  # created here: lives on the GUI thread, like self
        self._signals.progress.connect(self._relay_progress)
        self._signals.done.connect(self._relay_done)
        # Kept for the task's whole life: the worker may still be leaving run() when "done" arrives.
        self._runnable = _Runnable(work, self._signals, self._cancel_flag)
        self._started = False
        self._running = False
        self.last_progress: tuple[int, str] = (0, "")
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False

    def start(self) -> BackgroundTask:
        if self._started:
            raise RuntimeError("une tâche ne se lance qu'une fois")
        self._started = self._running = True
        self._pool.start(self._runnable)
        return self

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next ``cancelled()`` check."""
        self._cancel_flag.set()

    def cancel_requested(self) -> bool:
        return self._cancel_flag.is_set()

    def is_running(self) -> bool:
        return self._running

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (at closing time only: the GUI freezes meanwhile)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, str)
    def _relay_progress(self, percent: int, step: str) -> None:
        if not self._running:
            return
        self.last_progress = (percent, step)
        self.progress.emit(percent, step)

    @Slot(object, object)
    def _relay_done(self, result: Any, error: BaseException | None) -> None:
        self._running = False
        if error is None:
            self.result = result
            self.succeeded.emit(result)
        elif isinstance(error, self._cancel_exceptions) or self._cancel_flag.is_set():
            self.was_cancelled = True
            self.cancelled.emit()
        else:
            self.error = error
            self.failed.emit(error)
        self.finished.emit()


def run_in_background(work: Work, *, parent: QObject | None = None, pool: QThreadPool | None = None,
                      cancel_exceptions: tuple[type[BaseException], ...] = ()) -> BackgroundTask:
    """Start ``work(progress, cancelled)`` on ``pool`` (the database pool by default)."""
    return BackgroundTask(work, pool=pool, cancel_exceptions=cancel_exceptions, parent=parent).start()
