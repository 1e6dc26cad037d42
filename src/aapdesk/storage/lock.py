"""One writer per data directory: an OS-level exclusive lock on ``aapdesk.lock``.

The lock is released by the operating system when the process dies, so a crash never
leaves a stale lock behind (unlike a plain marker file).
"""

from __future__ import annotations

import os
from pathlib import Path


class AlreadyOpenError(RuntimeError):
    """Another aapdesk process holds the data directory."""


class DataDirLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = None

    def acquire(self) -> None:
        handle = open(self.path, "a+b")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise AlreadyOpenError(
                "aapdesk est déjà ouvert sur ce dossier de données (dans une autre fenêtre ou une "
                "commande en cours). Fermez l'autre aapdesk puis réessayez : deux programmes qui "
                "écrivent en même temps pourraient abîmer les données."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            try:
                _unlock(self._handle)
            finally:
                self._handle.close()
                self._handle = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
