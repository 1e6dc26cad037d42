"""Backups on demand, listing, verification and restore, for the GUI and the CLI."""

from __future__ import annotations

from aapdesk.services.context import AppContext
from aapdesk.storage.backup import (
    BackupInfo,
    create_backup,
    find_backup,
    list_backups,
    restore_backup,
    verify_backup,
)


def backup_now(app: AppContext) -> BackupInfo:
    return create_backup(app.db.paths.db_path, app.db.paths.backups_dir, "manuelle", app.now())


def backups(app: AppContext) -> list[BackupInfo]:
    return list_backups(app.db.paths.backups_dir)


def verify(app: AppContext, backup_id: str) -> list[str]:
    return verify_backup(find_backup(app.db.paths.backups_dir, backup_id))


def restore(app: AppContext, backup_id: str) -> BackupInfo | None:
    """Restore ``backup_id``; the current state is backed up first. Returns that safety backup."""
    info = find_backup(app.db.paths.backups_dir, backup_id)
    app.db.engine.dispose()  # no connection may stay open on the file being replaced
    before = restore_backup(info, app.db.paths.db_path, app.db.paths.backups_dir, app.now())
    app.db.reopen_engine(app.now())
    return before
