"""Backups and full archives, for the GUI and the CLI.

A backup is the database alone, kept in ``sauvegardes/``; an archive is the database and every
attached file in one zip the user carries to a new laptop or a USB key (:mod:`aapdesk.storage.archive`).
"""

from __future__ import annotations

from pathlib import Path

from aapdesk import __version__
from aapdesk.formatting import format_date, format_number, format_size
from aapdesk.services.context import AppContext
from aapdesk.services.documents import store
from aapdesk.storage.archive import (
    ArchiveError,
    ArchiveManifest,
    ArchiveSummary,
    Progress,
    default_archive_name,
    read_manifest,
    restore_archive,
    write_archive,
)
from aapdesk.storage.backup import (
    BackupInfo,
    create_backup,
    find_backup,
    list_backups,
    restore_backup,
    verify_backup,
)
from aapdesk.storage.migrate import known_revisions

__all__ = ["ArchiveError", "ArchiveManifest", "ArchiveSummary", "BackupInfo", "backup_now", "backups",
           "default_archive_name", "describe_archive", "skipped_files_warning", "export_archive", "inspect_archive", "restore",
           "restore_from_archive", "verify"]


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
    try:
        return restore_backup(info, app.db.paths.db_path, app.db.paths.backups_dir, app.now(),
                              accept_revision=lambda revision: _accept_revision(revision, what="sauvegarde"))
    finally:
        app.db.reopen_engine(app.now())


def export_archive(app: AppContext, dest: Path, progress: Progress | None = None) -> ArchiveSummary:
    """Write the database and the attached files into the zip ``dest`` (``.zip`` added if missing).

    It only reads the database (through the online backup API): nothing else has to stop meanwhile.
    """
    dest = Path(dest)
    if dest.suffix.lower() != ".zip":
        dest = dest.with_name(dest.name + ".zip")
    return write_archive(app.db.paths.db_path, store(app), dest, app.now(), app_version=__version__,
                         work_dir=app.db.paths.backups_dir, progress=progress)


def inspect_archive(path: Path) -> ArchiveManifest:
    """The archive's manifest, refused with a French message if it cannot be restored here.

    Needs no open data folder: ``aapdesk archive show`` creates nothing.
    """
    manifest = read_manifest(Path(path))
    _accept_revision(manifest.schema_revision)
    return manifest


def restore_from_archive(app: AppContext, path: Path, progress: Progress | None = None) -> BackupInfo | None:
    """Replace every data with the archive's; the current state is backed up first (returned)."""
    app.db.engine.dispose()
    try:
        before = restore_archive(Path(path), app.db.paths.db_path, store(app), app.db.paths.backups_dir,
                                 app.now(), accept_revision=_accept_revision, progress=progress)
    finally:
        app.db.reopen_engine(app.now())  # migrates an archive made by an older aapdesk
    return before


def _accept_revision(revision: str | None, *, what: str = "archive") -> None:
    """Refuse, before anything is replaced, data that this aapdesk could not open afterwards."""
    if revision is None:
        raise ArchiveError(f"Cette {what} ne contient pas de base aapdesk ; rien n'a été modifié.")
    if revision not in known_revisions():
        raise ArchiveError(f"Cette {what} a été faite par une version plus récente d'aapdesk. "
                           "Installez la dernière version d'aapdesk pour la reprendre ; rien n'a été modifié.")


def describe_archive(manifest: ArchiveManifest) -> str:
    """One French line to recognise an archive before restoring it (counts only, never a name)."""
    counts = manifest.counts
    parts = [f"{format_number(counts.get(key, 0))} {label}" for key, label in
             (("operations", "opération(s)"), ("participants", "participant(s)"), ("sorties", "sortie(s)"))]
    size = manifest.database_size + manifest.documents_size
    parts.append(f"{format_number(len(manifest.documents))} pièce(s) jointe(s)")
    return (f"archive du {format_date(manifest.created.date())} à {manifest.created:%H:%M}, "
            f"faite avec aapdesk {manifest.app_version} : " + ", ".join(parts) + f" ; {format_size(size)} de données")


def skipped_files_warning(summary: ArchiveSummary) -> str:
    """What an export could not include, said once ("" when the archive is complete)."""
    count = len(summary.missing) + len(summary.altered)
    if count == 0:
        return ""
    if count == 1:
        what = ("une pièce jointe n'a pas pu être mise dans l'archive (absente du dossier documents, "
                "ou modifiée depuis son ajout)")
    else:
        what = (f"{count} pièces jointes n'ont pas pu être mises dans l'archive (absentes du dossier documents, "
                "ou modifiées depuis leur ajout)")
    return (f"Attention : {what}. Toutes les autres données y sont. "
            "Pour savoir lesquelles, lancez « aapdesk-cli check ».")
