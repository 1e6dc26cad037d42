"""Open and close the user's database: lock, location check, integrity, migrations, backups.

:func:`open_database` is the one way in. It takes the data-directory lock first (a second
aapdesk gets a clear French refusal), then checks, snapshots and migrates. Closing
takes a backup when anything was written since opening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from aapdesk.paths import AppPaths
from aapdesk.storage.backup import BackupInfo, create_backup
from aapdesk.storage.db import create_sqlite_engine, make_session_factory
from aapdesk.storage.location import location_warning
from aapdesk.storage.lock import DataDirLock
from aapdesk.storage.migrate import ensure_current
from aapdesk.storage.schema import JournalEntry


@dataclass
class Database:
    paths: AppPaths
    engine: Engine
    session_factory: sessionmaker[Session]
    lock: DataDirLock
    warning: str | None = None
    migration_snapshot: BackupInfo | None = None
    journal_mark: int = 0
    closed: bool = field(default=False)

    def last_journal_id(self) -> int:
        with self.session_factory() as session:
            return session.scalar(select(func.coalesce(func.max(JournalEntry.id), 0))) or 0

    def changed_since_open(self) -> bool:
        return self.last_journal_id() > self.journal_mark

    def reopen_engine(self, now: datetime) -> None:
        """After a restore: a fresh engine on the replaced file, migrated if the backup was older."""
        self.engine.dispose()
        self.engine = create_sqlite_engine(self.paths.db_path)
        ensure_current(self.engine, self.paths.db_path, self.paths.backups_dir, now)
        self.session_factory = make_session_factory(self.engine)
        self.journal_mark = self.last_journal_id()

    def close(self, now: datetime, *, backup: bool = True) -> BackupInfo | None:
        if self.closed:
            return None
        made = None
        try:
            if backup and self.changed_since_open():
                made = create_backup(self.paths.db_path, self.paths.backups_dir, "fermeture", now)
        finally:
            self.engine.dispose()
            self.lock.release()
            self.closed = True
        return made


def open_database(paths: AppPaths, now: datetime) -> Database:
    paths.ensure()
    lock = DataDirLock(paths.lock_path)
    lock.acquire()
    try:
        engine = create_sqlite_engine(paths.db_path)
        snapshot = ensure_current(engine, paths.db_path, paths.backups_dir, now)
        database = Database(
            paths=paths,
            engine=engine,
            session_factory=make_session_factory(engine),
            lock=lock,
            warning=location_warning(paths.data_dir),
            migration_snapshot=snapshot,
        )
        database.journal_mark = database.last_journal_id()
        return database
    except BaseException:
        lock.release()
        raise
