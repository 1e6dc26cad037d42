"""Bring a database to the current schema, safely.

- a new file is created at the head revision;
- an older file is first snapshotted with the online backup API, then upgraded;
- a file written by a newer aapdesk (unknown revision) is refused, untouched;
- a file failing ``quick_check`` is refused with advice to restore a backup.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from aapdesk.storage.backup import BackupInfo, create_backup, integrity_problems

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class NewerDatabaseError(RuntimeError):
    """The database was written by a newer version of aapdesk."""


class CorruptDatabaseError(RuntimeError):
    """The database failed its integrity check at open."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this version of aapdesk can open (and upgrade)."""
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine, db_path: Path, backups_dir: Path, now: datetime) -> BackupInfo | None:
    """Check and upgrade the database; returns the pre-migration snapshot if one was taken."""
    existed = db_path.exists() and db_path.stat().st_size > 0
    snapshot = None
    if existed:
        problems = integrity_problems(db_path, quick=True)
        if problems:
            raise CorruptDatabaseError(
                "La base de données est endommagée (" + "; ".join(problems[:2]) + "). "
                "Restaurez la dernière sauvegarde : aapdesk backup list puis aapdesk backup restore ID."
            )
        script = ScriptDirectory.from_config(alembic_config())
        revision = current_revision(engine)
        if revision is not None and revision not in known_revisions():
            raise NewerDatabaseError(
                "Cette base de données a été écrite par une version plus récente d'aapdesk "
                f"(révision {revision}). Installez la dernière version d'aapdesk pour l'ouvrir ; "
                "la base n'a pas été modifiée."
            )
        if revision == script.get_current_head():
            return None
        snapshot = create_backup(db_path, backups_dir, "avant-migration", now)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return snapshot
