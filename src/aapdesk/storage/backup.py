"""Backups of the database through SQLite's online backup API, verified before they count.

A backup is written to a temporary name in ``sauvegardes/``, checked with
``PRAGMA integrity_check``, synced to disk, then renamed: a crash at any moment
leaves either no new backup or a complete, verified one. The live file is never
copied byte by byte (that can capture a half-written page). Restoring first backs up
the current state, then copies the chosen backup into the live database with the
same API, so the restored file is consistent with its WAL.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aapdesk.domain.retention import backups_to_keep
from aapdesk.files import fsync_dir

# the reason has no digits: "-2" marks a second backup in the same second, not another reason
BACKUP_PATTERN = re.compile(r"^aapdesk-(\d{8}-\d{6})-([a-z-]+?)(?:-\d+)?\.sqlite3$")
STALE_TEMP_SECONDS = 6 * 3600
REASON_LABELS = {
    "manuelle": "manuelle",
    "fermeture": "à la fermeture",
    "avant-migration": "avant mise à jour",
    "avant-restauration": "avant restauration",
}


class BackupError(RuntimeError):
    """A backup could not be made, verified or restored; the message is French."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str
    size: int

    @property
    def id(self) -> str:
        return self.path.stem.removeprefix("aapdesk-")

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Completed backups, newest first (temporary files of an interrupted backup are ignored)."""
    found = []
    if not backups_dir.exists():
        return found
    for path in backups_dir.iterdir():
        match = BACKUP_PATTERN.match(path.name)
        if match:
            created = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            found.append(BackupInfo(path, created, match.group(2), path.stat().st_size))
    return sorted(found, key=lambda b: b.created, reverse=True)


def find_backup(backups_dir: Path, backup_id: str) -> BackupInfo:
    for info in list_backups(backups_dir):
        if info.id == backup_id or info.path.name == backup_id:
            return info
    raise BackupError(f"Sauvegarde introuvable : {backup_id}")


def integrity_problems(db_path: Path, *, quick: bool = False) -> list[str]:
    """Messages of ``integrity_check`` (or ``quick_check``) and ``foreign_key_check``; empty when sound."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"ouverture impossible : {exc}"]
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in con.execute(f"PRAGMA {pragma}")]
        problems = [] if rows == ["ok"] else rows
        if not quick:
            problems += [f"clé étrangère rompue dans {r[0]}" for r in con.execute("PRAGMA foreign_key_check")]
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"fichier illisible : {exc}"]
    finally:
        con.close()


def database_revision(db_path: Path) -> str | None:
    """The Alembic revision written in a database file, read without migrating it."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


def create_backup(db_path: Path, backups_dir: Path, reason: str, now: datetime, *,
                  protect: Path | None = None) -> BackupInfo:
    """Back up ``db_path`` into ``backups_dir``, verify it, then thin the old ones (never ``protect``)."""
    if not db_path.exists():
        raise BackupError("Aucune base de données à sauvegarder.")
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = backups_dir / f"aapdesk-{stamp}-{reason}.sqlite3"
    counter = 1
    while final.exists():  # two backups in the same second: keep both
        counter += 1
        final = backups_dir / f"aapdesk-{stamp}-{reason}-{counter}.sqlite3"
    temp = backups_dir / f".{final.name}.tmp"
    copy_database(db_path, temp)
    problems = integrity_problems(temp)
    if problems:
        temp.unlink(missing_ok=True)
        raise BackupError("La copie de sauvegarde n'est pas intègre : " + "; ".join(problems[:3]))
    _fsync(temp)
    os.replace(temp, final)
    fsync_dir(backups_dir)
    thin_backups(backups_dir, now, protect=protect)
    return BackupInfo(final, datetime.strptime(stamp, "%Y%m%d-%H%M%S"), reason, final.stat().st_size)


def thin_backups(backups_dir: Path, now: datetime, *, protect: Path | None = None) -> list[Path]:
    """Delete backups that the retention policy no longer keeps; returns the deleted paths.

    ``protect`` (the backup being restored, perhaps an old one copied in from a USB key) is kept.
    """
    infos = list_backups(backups_dir)
    by_time: dict[datetime, list[BackupInfo]] = {}
    for info in infos:
        by_time.setdefault(info.created, []).append(info)
    keep = backups_to_keep(by_time, now)
    deleted = []
    for moment, group in by_time.items():
        if moment not in keep:
            for info in group:
                if protect is not None and info.path == protect:
                    continue
                info.path.unlink(missing_ok=True)
                deleted.append(info.path)
    for stale in backups_dir.glob(".aapdesk-*.tmp*"):
        # left by a backup or archive interrupted by a crash (and its -wal/-shm); a recent one may
        # belong to an archive being written or restored right now, in another thread
        if stale != protect and _age_seconds(stale) > STALE_TEMP_SECONDS:
            stale.unlink(missing_ok=True)
    return deleted


def _age_seconds(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime  # file times are wall-clock, whatever the app's clock says
    except FileNotFoundError:
        return 0.0


def verify_backup(info: BackupInfo) -> list[str]:
    return integrity_problems(info.path)


def restore_backup(info: BackupInfo, db_path: Path, backups_dir: Path, now: datetime, *,
                   accept_revision: Callable[[str | None], None] | None = None) -> BackupInfo | None:
    """Replace the live database with ``info``. The caller must have closed every connection.

    ``accept_revision`` raises (French message) when the backup's schema cannot be opened here;
    it runs after the integrity check and before anything is replaced.
    Returns the backup of the state before restoring (None when there was no database).
    """
    problems = verify_backup(info)
    if problems:
        raise BackupError("Cette sauvegarde est abîmée et ne peut pas être restaurée : " + "; ".join(problems[:3]))
    if accept_revision is not None:
        accept_revision(database_revision(info.path))
    before = (create_backup(db_path, backups_dir, "avant-restauration", now, protect=info.path)
              if db_path.exists() else None)
    copy_database(info.path, db_path)
    problems = integrity_problems(db_path)
    if problems:  # pragma: no cover - the source was verified just above
        raise BackupError("La restauration a échoué : " + "; ".join(problems[:3]))
    return before


def copy_database(source: Path, dest: Path) -> None:
    """A consistent copy of a live database (online backup API), as one self-contained file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        dst.commit()
        # one self-contained file: a WAL-mode copy would leave -wal/-shm files beside it once read
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"Copie impossible : {exc}") from None
    finally:
        dst.close()
        src.close()


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
