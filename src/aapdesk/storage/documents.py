"""The document store: attached files (proofs, CER, invoices) kept under their SHA-256.

Layout: ``documents/ab/abcdef…`` (first two hex digits as a folder), original names in
the database. Attaching is crash-safe in three steps:

1. :meth:`DocumentStore.stage` copies the file to ``documents/.entrant/<sha>`` (temp name,
   fsync, rename) while hashing it;
2. the caller commits the database row that names the hash;
3. :meth:`DocumentStore.publish` moves the staged file to its final place.

:meth:`DocumentStore.recover`, run at every start, finishes step 3 for staged files whose
row exists and deletes those without a row. So after a crash at any moment there is
neither a row pointing to nothing nor a file nobody owns.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aapdesk.files import fsync_dir

MAX_SIZE = 50 * 1024 * 1024  # 50 Mo: a scanned contract is a few hundred Ko
CHUNK = 1024 * 1024


class DocumentError(ValueError):
    """A file cannot be attached; the message is French and names no personal data."""


@dataclass(frozen=True)
class StagedFile:
    sha256: str
    size: int
    original_name: str
    content_type: str
    staged_path: Path


@dataclass(frozen=True)
class StoreProblem:
    kind: str  # manquant, altere, orphelin
    sha256: str
    message: str


def fault_point(point: str) -> None:
    """Crash-test hook: the tests kill the process at a named point of an attach."""
    if os.environ.get("AAPDESK_FAULT") == point:
        os._exit(99)


class DocumentStore:
    def __init__(self, root: Path, max_size: int | None = None) -> None:
        self.root = root
        self.incoming = root / ".entrant"
        self.max_size = max_size if max_size is not None else MAX_SIZE

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def stage(self, source: Path) -> StagedFile:
        source = Path(source)
        max_size = self.max_size
        if not source.exists():
            raise DocumentError(f"Le fichier « {source.name} » est introuvable (déplacé ou supprimé ?).")
        if not source.is_file():
            raise DocumentError(f"« {source.name} » n'est pas un fichier.")
        size = source.stat().st_size
        if size == 0:
            raise DocumentError(f"Le fichier « {source.name} » est vide (0 octet) : rien à joindre.")
        if size > max_size:
            raise DocumentError(f"Le fichier « {source.name} » dépasse {max_size // (1024 * 1024)} Mo.")
        self.incoming.mkdir(parents=True, exist_ok=True)
        part = self.incoming / f"{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        written = 0
        try:
            with open(source, "rb") as reader, open(part, "wb") as writer:
                while chunk := reader.read(CHUNK):
                    written += len(chunk)
                    if written > max_size:
                        raise DocumentError(f"Le fichier « {source.name} » dépasse {max_size // (1024 * 1024)} Mo.")
                    digest.update(chunk)
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise DocumentError(f"Le fichier « {source.name} » ne peut pas être lu ({exc.strerror}).") from None
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        sha = digest.hexdigest()
        staged = self.incoming / sha
        os.replace(part, staged)
        fsync_dir(self.incoming)
        content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return StagedFile(sha, written, source.name, content_type, staged)

    def publish(self, staged: StagedFile) -> Path:
        fault_point("before_publish")
        final = self.path_for(staged.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # the same content is already stored: one copy serves both rows
            staged.staged_path.unlink(missing_ok=True)
        else:
            os.replace(staged.staged_path, final)
            fsync_dir(final.parent)
        return final

    def discard(self, staged: StagedFile) -> None:
        staged.staged_path.unlink(missing_ok=True)

    def remove_if_unused(self, sha256: str, still_used: bool) -> None:
        if not still_used:
            self.path_for(sha256).unlink(missing_ok=True)

    def recover(self, known_hashes: Callable[[Iterable[str]], set[str]]) -> tuple[int, int]:
        """Finish or undo interrupted attaches; returns (published, discarded)."""
        if not self.incoming.exists():
            return 0, 0
        staged = [p for p in self.incoming.iterdir() if p.is_file()]
        partials = [p for p in staged if p.suffix == ".part"]
        for p in partials:
            p.unlink(missing_ok=True)
        candidates = [p for p in staged if p.suffix != ".part"]
        known = known_hashes([p.name for p in candidates])
        published = discarded = 0
        for path in candidates:
            if path.name in known:
                self.publish(StagedFile(path.name, path.stat().st_size, "", "", path))
                published += 1
            else:
                path.unlink(missing_ok=True)
                discarded += 1
        return published, discarded + len(partials)

    def verify(self, expected: dict[str, int]) -> list[StoreProblem]:
        """Missing and altered files (hash recomputed) for ``expected`` {sha: size}, and orphans."""
        problems = []
        for sha in sorted(expected):
            path = self.path_for(sha)
            if not path.exists():
                problems.append(StoreProblem("manquant", sha, f"pièce manquante dans le dossier documents ({sha[:12]}…)"))
            elif file_sha256(path) != sha:
                problems.append(StoreProblem("altere", sha, f"pièce modifiée depuis son ajout ({sha[:12]}…)"))
        if self.root.exists():
            for folder in self.root.iterdir():
                if folder.is_dir() and folder.name != self.incoming.name:
                    for path in folder.iterdir():
                        if path.name not in expected:
                            problems.append(StoreProblem("orphelin", path.name,
                                                         f"fichier sans enregistrement ({path.name[:12]}…)"))
        return problems


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
