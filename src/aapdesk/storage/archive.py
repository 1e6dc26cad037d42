"""Full archives: the database and every attached file in one zip, to move to a new laptop.

A backup (:mod:`aapdesk.storage.backup`) copies only the database; the proofs, CER and invoices
live in ``documents/``. An archive holds both:

- ``aapdesk.sqlite3``: a copy made with SQLite's online backup API and checked;
- ``documents/ab/abcdef…``: each attached file the database names, under its SHA-256;
- ``manifest.json``: format, aapdesk version, schema revision, date, counts (never a name),
  and the size and SHA-256 of every member.

The zip is written to a temporary name, synced, then renamed.

Reading an archive trusts nothing: before anything is touched, the member list must be exactly
what the manifest announces (no other name, so no path can escape), sizes must be within bounds
and fit on the disk. While extracting, every member is hashed and cut off at its announced size,
so a forged or damaged archive is refused without filling the disk. Restoring then goes in an
order where a crash at any moment leaves the previous data or the archive's:

1. documents are staged in ``documents/.entrant`` (the same staging as an attach);
2. the database replaces the live one like a backup restore, the current state backed up first;
3. staged documents are published. After a crash between 2 and 3, the start-up recovery of the
   document store publishes the staged files the database names and deletes the others.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aapdesk.files import atomic_write
from aapdesk.formatting import format_size
from aapdesk.storage.backup import (
    BackupError,
    BackupInfo,
    copy_database,
    database_revision,
    integrity_problems,
    restore_backup,
)
from aapdesk.storage.documents import CHUNK, DocumentStore, StagedFile, file_sha256

ARCHIVE_FORMAT = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "aapdesk.sqlite3"
DOCUMENT_NAME = re.compile(r"^documents/([0-9a-f]{2})/([0-9a-f]{64})$")
MAX_MANIFEST_BYTES = 20 * 1024 * 1024
MAX_DATABASE_BYTES = 4 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
#: counts shown before restoring, so the user recognises the archive (numbers only, no names)
COUNTED_TABLES = {"operations": "operation", "participants": "participant", "sorties": "sortie"}

#: progress(done, total, French step); called between members
Progress = Callable[[int, int, str], None]


class ArchiveError(BackupError):
    """An archive cannot be written, read or restored; the message is French and names no person."""


@dataclass(frozen=True)
class ArchiveManifest:
    created: datetime
    app_version: str
    schema_revision: str | None
    database_size: int
    database_sha256: str
    documents: dict[str, int]  # sha256 -> size
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def documents_size(self) -> int:
        return sum(self.documents.values())

    def to_json(self) -> bytes:
        return json.dumps({
            "format": ARCHIVE_FORMAT,
            "application": "aapdesk",
            "created": self.created.isoformat(timespec="seconds"),
            "app_version": self.app_version,
            "schema_revision": self.schema_revision,
            "database": {"size": self.database_size, "sha256": self.database_sha256},
            "documents": [{"sha256": sha, "size": size} for sha, size in sorted(self.documents.items())],
            "counts": self.counts,
        }, indent=1, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export wrote, and the attached files it could not include."""

    path: Path
    manifest: ArchiveManifest
    missing: list[str]  # sha256 of documents named by the database but absent from the store
    altered: list[str]  # sha256 of documents whose content no longer matches their name


def _work_file(work_dir: Path) -> Path:
    # named like an interrupted backup, so thin_backups() cleans it after a crash
    work_dir.mkdir(parents=True, exist_ok=True)
    return work_dir / f".aapdesk-archive-{uuid.uuid4().hex}.tmp"


def _remove_database_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _snapshot_facts(snapshot: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The attached files (sha → size) and the counts, read from the snapshot being archived."""
    con = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        documents = dict(con.execute("SELECT sha256, MAX(taille) FROM document GROUP BY sha256"))
        counts = {label: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
                  for label, table in COUNTED_TABLES.items()}
        return documents, counts
    finally:
        con.close()


def write_archive(db_path: Path, store: DocumentStore, dest: Path, now: datetime, *, app_version: str,
                  work_dir: Path, progress: Progress | None = None) -> ArchiveSummary:
    """Write the database and the attached files it names into the zip ``dest``."""
    report = progress or (lambda _done, _total, _step: None)
    snapshot = _work_file(work_dir)
    try:
        report(0, 1, "Copie de la base")
        copy_database(db_path, snapshot)
        problems = integrity_problems(snapshot)
        if problems:
            raise ArchiveError("La copie de la base n'est pas intègre : " + "; ".join(problems[:3]))
        expected, counts = _snapshot_facts(snapshot)
        revision = database_revision(snapshot)
        missing = sorted(sha for sha in expected if not store.path_for(sha).is_file())
        present = [sha for sha in sorted(expected) if sha not in missing]
        included: dict[str, int] = {}
        altered: list[str] = []
        with atomic_write(dest) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED,
                                                           compresslevel=6, allowZip64=True) as archive:
            archive.write(snapshot, DATABASE_NAME)
            for done, sha in enumerate(present, start=1):
                report(done, len(present) + 1, f"Pièces jointes : {done} sur {len(present)}")
                size = _copy_document_into(archive, store.path_for(sha), sha)
                if size is None:
                    altered.append(sha)
                else:
                    included[sha] = size
            manifest = ArchiveManifest(
                created=now.replace(microsecond=0), app_version=app_version, schema_revision=revision,
                database_size=snapshot.stat().st_size, database_sha256=file_sha256(snapshot),
                documents=included, counts=counts)
            archive.writestr(MANIFEST_NAME, manifest.to_json())
        report(1, 1, "Terminé")
        return ArchiveSummary(dest, manifest, missing, altered)
    except OSError as exc:
        raise ArchiveError(f"L'archive n'a pas pu être écrite ({exc.strerror or exc}).") from None
    finally:
        _remove_database_file(snapshot)


def _copy_document_into(archive: zipfile.ZipFile, source: Path, sha: str) -> int | None:
    """Add one stored file, hashing it on the way; None (and nothing kept) if its content changed."""
    name = f"documents/{sha[:2]}/{sha}"
    digest = hashlib.sha256()
    size = 0
    # a document cannot be taken out of a zip once written: hash first, then copy
    with open(source, "rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    if digest.hexdigest() != sha:
        return None
    with open(source, "rb") as reader, archive.open(name, "w", force_zip64=size > 2**31) as writer:
        shutil.copyfileobj(reader, writer, CHUNK)
    return size


def read_manifest(path: Path) -> ArchiveManifest:
    """Check an archive's structure and return its manifest; refuse anything that is not ours."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"Le fichier « {path.name} » est introuvable.")
    try:
        with zipfile.ZipFile(path) as archive:
            return _checked_manifest(archive)
    except zipfile.BadZipFile:
        raise ArchiveError(f"« {path.name} » n'est pas une archive aapdesk (ce n'est pas un fichier zip "
                           "valide, ou il est incomplet).") from None
    except OSError as exc:
        raise ArchiveError(f"« {path.name} » ne peut pas être lu ({exc.strerror or exc}).") from None


def _checked_manifest(archive: zipfile.ZipFile) -> ArchiveManifest:
    not_ours = "Ce fichier n'est pas une archive aapdesk"
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"{not_ours} : il contient trop de fichiers.")
    members = {info.filename: info for info in infos}
    if len(members) != len(infos):
        raise ArchiveError(f"{not_ours} : un fichier y figure deux fois.")
    manifest_info = members.get(MANIFEST_NAME)
    if manifest_info is None or DATABASE_NAME not in members:
        raise ArchiveError(f"{not_ours} (pas de manifeste ou pas de base).")
    if manifest_info.file_size > MAX_MANIFEST_BYTES:
        raise ArchiveError(f"{not_ours} : son manifeste est démesuré.")
    with archive.open(manifest_info) as handle:
        raw = handle.read(MAX_MANIFEST_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("application") != "aapdesk":
            raise ValueError
        if data.get("format") != ARCHIVE_FORMAT:
            raise ArchiveError("Cette archive a été faite par une version plus récente d'aapdesk "
                               f"(format {data.get('format')}). Installez la dernière version pour la reprendre.")
        documents = {str(d["sha256"]): int(d["size"]) for d in data["documents"]}
        manifest = ArchiveManifest(
            created=datetime.fromisoformat(data["created"]), app_version=str(data["app_version"]),
            schema_revision=data["schema_revision"], database_size=int(data["database"]["size"]),
            database_sha256=str(data["database"]["sha256"]), documents=documents,
            counts={str(k): int(v) for k, v in dict(data.get("counts", {})).items()})
    except ArchiveError:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise ArchiveError(f"{not_ours} : son manifeste est illisible.") from None
    if not 0 < manifest.database_size <= MAX_DATABASE_BYTES or members[DATABASE_NAME].file_size != manifest.database_size:
        raise ArchiveError("L'archive est incohérente : la taille de la base ne correspond pas au manifeste.")
    listed = set()
    for name, info in members.items():
        if name in (MANIFEST_NAME, DATABASE_NAME):
            continue
        match = DOCUMENT_NAME.match(name)
        if match is None or match.group(1) != match.group(2)[:2]:
            raise ArchiveError(f"{not_ours} : elle contient un fichier inattendu.")
        sha = match.group(2)
        if manifest.documents.get(sha) != info.file_size:
            raise ArchiveError("L'archive est incohérente : une pièce jointe ne correspond pas au manifeste.")
        listed.add(sha)
    if listed != set(manifest.documents):
        raise ArchiveError("L'archive est incomplète : des pièces jointes annoncées n'y sont pas.")
    return manifest


def restore_archive(path: Path, db_path: Path, store: DocumentStore, backups_dir: Path, now: datetime, *,
                    accept_revision: Callable[[str | None], None], progress: Progress | None = None,
                    ) -> BackupInfo | None:
    """Replace the live database and add the archive's documents. The caller closed every connection.

    ``accept_revision`` raises (with a French message) when the archive's schema is unknown here.
    Returns the backup of the state before restoring (None when there was no database).
    """
    report = progress or (lambda _done, _total, _step: None)
    manifest = read_manifest(path)
    accept_revision(manifest.schema_revision)
    needed = manifest.database_size + sum(size for sha, size in manifest.documents.items()
                                          if not store.path_for(sha).is_file())
    store.incoming.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(store.incoming).free
    if needed * 2 > free:  # the database is copied twice (extracted, then into place), plus the safety backup
        raise ArchiveError(f"Espace disque insuffisant pour reprendre cette archive : il faut environ "
                           f"{format_size(needed * 2)}, il reste {format_size(free)}.")
    extracted = _work_file(backups_dir)
    staged: list[StagedFile] = []
    try:
        with zipfile.ZipFile(path) as archive:
            report(0, 1, "Lecture de la base")
            _extract_checked(archive, DATABASE_NAME, extracted, manifest.database_size, manifest.database_sha256)
            problems = integrity_problems(extracted)
            if problems:
                raise ArchiveError("La base contenue dans l'archive est abîmée : " + "; ".join(problems[:3]))
            if database_revision(extracted) != manifest.schema_revision:
                raise ArchiveError("L'archive est incohérente : la version de la base ne correspond pas au manifeste.")
            wanted = [sha for sha in sorted(manifest.documents) if not store.path_for(sha).is_file()]
            for done, sha in enumerate(wanted, start=1):
                report(done, len(wanted) + 1, f"Pièces jointes : {done} sur {len(wanted)}")
                target = store.incoming / sha
                _extract_checked(archive, f"documents/{sha[:2]}/{sha}", target, manifest.documents[sha], sha)
                staged.append(StagedFile(sha, manifest.documents[sha], "", "", target))
        report(1, 1, "Remplacement des données")
        info = BackupInfo(extracted, now, "archive", extracted.stat().st_size)
        before = restore_backup(info, db_path, backups_dir, now)
    except BaseException:
        for item in staged:
            store.discard(item)
        raise
    finally:
        _remove_database_file(extracted)
    for item in staged:
        store.publish(item)
    return before


def _extract_checked(archive: zipfile.ZipFile, name: str, dest: Path, size: int, sha: str) -> None:
    """Copy one member to ``dest`` (temp name, fsync, rename), never beyond ``size``, hash checked."""
    part = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    written = 0
    damaged = "L'archive est abîmée : " + ("la base" if name == DATABASE_NAME else "une pièce jointe") + \
        " ne correspond pas à son empreinte."
    try:
        with archive.open(name) as reader, open(part, "wb") as writer:
            while chunk := reader.read(CHUNK):
                written += len(chunk)
                if written > size:
                    raise ArchiveError(damaged)
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        if written != size or digest.hexdigest() != sha:
            raise ArchiveError(damaged)
        os.replace(part, dest)
    except (zipfile.BadZipFile, EOFError, ValueError):  # CRC error, truncated or corrupt stream
        part.unlink(missing_ok=True)
        raise ArchiveError(damaged) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def default_archive_name(now: datetime) -> str:
    return f"aapdesk-archive-{now:%Y-%m-%d-%H%M}.zip"
