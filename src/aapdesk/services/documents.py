"""Attached documents (proofs of exits, CER, diagnostics, invoices): attach, list, detach, verify.

Attaching copies the file into the data directory's document store and writes its row in
the same user action; see :mod:`aapdesk.storage.documents` for the crash-safe steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.services.context import AppContext, journal
from aapdesk.storage.documents import DocumentError, DocumentStore, StagedFile, StoreProblem, fault_point
from aapdesk.storage.schema import Depense, Document, Parcours, Participant, Sortie

NATURES = {"preuve": "Pièce probante", "cer": "CER", "diagnostic": "Diagnostic", "attestation": "Attestation",
           "facture": "Facture", "autre": "Autre document"}


@dataclass(frozen=True)
class DocumentRow:
    id: int
    nom_original: str
    type_mime: str
    taille: int
    nature: str
    ajoute_le: datetime
    sha256: str
    path: Path


def store(app: AppContext) -> DocumentStore:
    return DocumentStore(app.db.paths.documents_dir)


#: Copies of documents opened for reading, inside the data directory (never a shared temp folder).
OPENED_FOLDER = "pieces-consultees"
#: A copy opened for reading is kept this long (the viewer may still have it open), then deleted.
OPENED_COPY_LIFETIME = timedelta(days=1)


def opened_copies_dir(app: AppContext) -> Path:
    return app.db.paths.exports_dir / OPENED_FOLDER


def clean_opened_copies(app: AppContext) -> int:
    """Delete copies opened for reading more than a day ago: personal documents must not pile up.

    Returns how many files were deleted; a file still locked by a viewer (Windows) is left for next time.
    """
    folder = opened_copies_dir(app)
    if not folder.is_dir():
        return 0
    limit = (app.now() - OPENED_COPY_LIFETIME).timestamp()
    deleted = 0
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        except OSError:
            continue
    return deleted


def recover_documents(app: AppContext) -> tuple[int, int]:
    """Finish or undo attaches interrupted by a crash (run at start-up)."""

    def known(hashes):  # type: ignore[no-untyped-def]
        hashes = list(hashes)
        if not hashes:
            return set()
        with app.reading() as session:
            return set(session.scalars(select(Document.sha256).where(Document.sha256.in_(hashes))))

    return store(app).recover(known)


def stage_file(app: AppContext, source: Path) -> StagedFile:
    """Copy ``source`` into the store's staging area; French ValidationError if it cannot be used."""
    try:
        return store(app).stage(Path(source))
    except DocumentError as exc:
        raise ValidationError([Problem("fichier", str(exc))]) from None


def add_document_row(session: Session, staged: StagedFile, now: datetime, *, nature: str,
                     sortie_id: int | None = None, parcours_id: int | None = None,
                     participant_id: int | None = None, depense_id: int | None = None) -> int:
    """Record a staged file in the caller's transaction; publish it after the commit."""
    if nature not in NATURES:
        raise ValidationError([Problem("nature", "nature de document inconnue")])
    if [sortie_id, parcours_id, participant_id, depense_id].count(None) != 3:
        raise ValueError("a document belongs to exactly one record")
    owner_ids = _owner_ids(session, sortie_id, parcours_id, participant_id, depense_id)
    row = Document(sha256=staged.sha256, nom_original=staged.original_name[:255], type_mime=staged.content_type,
                   taille=staged.size, nature=nature, ajoute_le=now, sortie_id=sortie_id, parcours_id=parcours_id,
                   participant_id=participant_id, depense_id=depense_id)
    session.add(row)
    session.flush()
    journal(session, now, "ajout_document", "document", row.id, details=nature, **owner_ids)
    return row.id


@contextmanager
def staged_attachment(app: AppContext, source: Path | None) -> Iterator[StagedFile | None]:
    """Stage ``source`` (if any) for a user action: discarded if the action fails, published if it commits."""
    staged = stage_file(app, source) if source is not None else None
    try:
        yield staged
    except BaseException:
        if staged is not None:
            store(app).discard(staged)
        raise
    if staged is not None:
        store(app).publish(staged)


def attach(app: AppContext, source: Path, *, nature: str = "preuve", sortie_id: int | None = None,
           parcours_id: int | None = None, participant_id: int | None = None, depense_id: int | None = None) -> int:
    """Copy ``source`` into the store and record it against exactly one owner, in one user action."""
    with staged_attachment(app, source) as staged:
        assert staged is not None
        with app.transaction() as session:
            document_id = add_document_row(session, staged, app.now(), nature=nature, sortie_id=sortie_id,
                                           parcours_id=parcours_id, participant_id=participant_id,
                                           depense_id=depense_id)
            fault_point("before_commit")
    return document_id


def _owner_ids(session, sortie_id, parcours_id, participant_id, depense_id=None) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    if depense_id is not None:
        depense = session.get(Depense, depense_id)
        if depense is None:
            raise LookupError("dépense introuvable")
        return {"operation_id": depense.operation_id, "participant_id": None}
    if sortie_id is not None:
        sortie = session.get(Sortie, sortie_id)
        if sortie is None:
            raise LookupError("sortie introuvable")
        parcours = session.get(Parcours, sortie.parcours_id)
        return {"operation_id": parcours.operation_id, "participant_id": parcours.participant_id}
    if parcours_id is not None:
        parcours = session.get(Parcours, parcours_id)
        if parcours is None:
            raise LookupError("parcours introuvable")
        return {"operation_id": parcours.operation_id, "participant_id": parcours.participant_id}
    if session.get(Participant, participant_id) is None:
        raise LookupError("participant introuvable")
    return {"operation_id": None, "participant_id": participant_id}


def list_documents(app: AppContext, *, sortie_id: int | None = None, parcours_id: int | None = None,
                   participant_id: int | None = None, depense_id: int | None = None) -> list[DocumentRow]:
    documents = store(app)
    with app.reading() as session:
        query = select(Document).order_by(Document.ajoute_le, Document.id)
        if sortie_id is not None:
            query = query.where(Document.sortie_id == sortie_id)
        if parcours_id is not None:
            query = query.where(Document.parcours_id == parcours_id)
        if participant_id is not None:
            query = query.where(Document.participant_id == participant_id)
        if depense_id is not None:
            query = query.where(Document.depense_id == depense_id)
        return [DocumentRow(d.id, d.nom_original, d.type_mime, d.taille, d.nature, d.ajoute_le, d.sha256,
                            documents.path_for(d.sha256)) for d in session.scalars(query)]


def detach(app: AppContext, document_id: int) -> None:
    now = app.now()
    with app.transaction() as session:
        row = session.get(Document, document_id)
        if row is None:
            raise LookupError("document introuvable")
        sha = row.sha256
        session.delete(row)
        still_used = session.scalar(select(func.count()).where(Document.sha256 == sha, Document.id != document_id)) > 0
        journal(session, now, "retrait_document", "document", document_id)
    store(app).remove_if_unused(sha, still_used)


def verify_documents(app: AppContext) -> list[StoreProblem]:
    with app.reading() as session:
        expected = dict(session.execute(select(Document.sha256, Document.taille)).all())
    return store(app).verify(expected)
