"""Where a user's data lives: the database, backups, documents, exports and logs.

Resolved inside :func:`resolve_paths`, never at import: ``--data-dir`` wins, then the
``AAPDESK_DATA_DIR`` variable, then the platform's user data directory
(``%LOCALAPPDATA%\\aapdesk`` on Windows, ``~/.local/share/aapdesk`` on Linux).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DB_FILENAME = "aapdesk.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "sauvegardes"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "journaux"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "aapdesk.lock"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.backups_dir, self.documents_dir, self.exports_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    if data_dir:
        return AppPaths(Path(data_dir).expanduser().resolve())
    env = os.environ.get("AAPDESK_DATA_DIR")
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    from platformdirs import user_data_dir

    return AppPaths(Path(user_data_dir("aapdesk", appauthor=False, roaming=False)))
