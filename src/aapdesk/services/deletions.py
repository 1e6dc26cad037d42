"""Deleting what was entered by mistake: one record, what hangs under it, and the files nobody needs.

Every deletion is one user action and one transaction. The database's foreign keys cascade
(a parcours takes its hours, interviews, CER, diagnostics, suspensions, exit and documents with
it); the attached files that no remaining record uses are removed from the document store only
after the commit, so a crash leaves at worst an orphan file that ``aapdesk check`` reports, never a
record pointing to a missing file.

A clôturée operation is frozen: its deliverables were sent, so nothing under it is deleted until
it is reopened (Paramètres → Modifier l'opération). Erasing a person (RGPD) is the exception: the
right to erasure does not wait for a reopening.

:func:`deletion_summary` says, before asking, what a deletion will take with it, so the
confirmation names counts rather than surprises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.services.context import AppContext, journal
from aapdesk.storage.schema import (
    Atelier,
    AtelierPresence,
    Cer,
    Comite,
    CoutPersonnel,
    Depense,
    Diagnostic,
    Document,
    Entretien,
    MonthlyHours,
    Operation,
    Parcours,
    Participant,
    Personnel,
    Ressource,
    Sortie,
    Suspension,
    Versement,
)

#: entity name used in the journal -> (model, French name for messages)
DELETABLE: dict[str, tuple[type, str]] = {
    "parcours": (Parcours, "parcours"),
    "sortie": (Sortie, "sortie"),
    "entretien": (Entretien, "entretien"),
    "cer": (Cer, "CER"),
    "diagnostic": (Diagnostic, "diagnostic"),
    "suspension": (Suspension, "suspension"),
    "comite": (Comite, "comité de suivi"),
    "atelier": (Atelier, "atelier"),
    "personnel": (Personnel, "salarié"),
    "ressource": (Ressource, "ressource"),
    "versement": (Versement, "versement"),
    "depense": (Depense, "dépense"),
}

#: records named with « une » in messages
FEMININE = frozenset({"sortie", "suspension", "ressource", "depense"})


@dataclass(frozen=True)
class DeletionSummary:
    """What goes with a record, to say it before the person confirms (counts only)."""

    heures: int = 0  # months with hours
    entretiens: int = 0
    cers: int = 0
    sortie: bool = False
    documents: int = 0
    presences: int = 0  # registrations of an atelier (present or not)
    versements: int = 0
    couts: int = 0  # months of staff costs

    def sentence(self) -> str:
        parts = []
        for count, one, many in ((self.heures, "mois d'heures saisies", "mois d'heures saisies"),
                                 (self.entretiens, "entretien", "entretiens"), (self.cers, "CER", "CER"),
                                 (self.presences, "inscription", "inscriptions"),
                                 (self.versements, "versement", "versements"),
                                 (self.couts, "mois de coûts saisis", "mois de coûts saisis"),
                                 (self.documents, "document joint", "documents joints")):
            if count:
                parts.append(f"{count} {one if count == 1 else many}")
        if self.sortie:
            parts.append("sa sortie")
        if not parts:
            return ""
        return "Seront supprimés avec : " + ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + parts[-1] + "."


def _context(session: Session, row: Any) -> tuple[int | None, int | None]:
    """(operation_id, participant_id) of a record, for the journal and the clôture check."""
    if isinstance(row, Parcours):
        return row.operation_id, row.participant_id
    if hasattr(row, "parcours_id"):
        parcours = session.get(Parcours, row.parcours_id)
        return (parcours.operation_id, parcours.participant_id) if parcours else (None, None)
    if isinstance(row, Versement):
        resource = session.get(Ressource, row.ressource_id)
        return (resource.operation_id if resource else None), None
    return getattr(row, "operation_id", None), None


def _refuse_if_closed(session: Session, operation_id: int | None, entity: str) -> None:
    op = session.get(Operation, operation_id) if operation_id is not None else None
    if op is not None and op.cloturee:
        what = f"{'une' if entity in FEMININE else 'un'} {DELETABLE[entity][1]}"
        raise ValidationError([Problem("operation", f"l'opération {op.code} est clôturée : rouvrez-la (Paramètres → "
                                                    f"Modifier l'opération) avant de supprimer {what}")])


def delete_record(app: AppContext, entity: str, record_id: int, *,
                  before_delete: Callable[[Session, Any], None] | None = None) -> int:
    """Delete one record of ``entity`` and what cascades from it; returns how many documents went."""
    model, label = DELETABLE[entity]
    now = app.now()
    with app.transaction() as session:
        row = session.get(model, record_id)
        if row is None:
            raise LookupError(f"{label} introuvable")
        operation_id, participant_id = _context(session, row)
        _refuse_if_closed(session, operation_id, entity)
        if before_delete is not None:
            before_delete(session, row)
        gone_files, documents = _delete_cascading(session, delete(model).where(model.id == record_id))
        journal(session, now, "suppression", entity, record_id, operation_id=operation_id,
                participant_id=participant_id, details=f"{documents} document(s)")
    _release_files(app, gone_files)
    return documents


def erase_participant(app: AppContext, participant_id: int) -> int:
    """Erase a person and everything about them (RGPD right to erasure), even in a clôturée operation.

    Parcours, hours, interviews, CER, exits, attendance and every document attached to any of them
    go in one transaction. The journal keeps that an erasure happened, with the former identifier
    only. Backups made before still hold the person: they age out with the backup retention.
    Returns how many documents went.
    """
    now = app.now()
    with app.transaction() as session:
        if session.get(Participant, participant_id) is None:
            raise LookupError("participant introuvable")
        gone_files, documents = _delete_cascading(session, delete(Participant).where(Participant.id == participant_id))
        journal(session, now, "effacement", "participant", participant_id, details=f"{documents} document(s)")
    _release_files(app, gone_files)
    return documents


def _delete_cascading(session: Session, statement: Any) -> tuple[set[str], int]:
    """Run a Core delete (the database cascades; the ORM would try to null the children instead).

    Returns the hashes of files no remaining record uses, and how many document rows went.
    """
    before = dict(session.execute(select(Document.id, Document.sha256)).all())
    session.execute(statement)
    session.flush()
    after = dict(session.execute(select(Document.id, Document.sha256)).all())
    still_used = set(after.values())
    gone = {sha for doc_id, sha in before.items() if doc_id not in after and sha not in still_used}
    return gone, len(before) - len(after)


def _release_files(app: AppContext, hashes: set[str]) -> None:
    from aapdesk.services.documents import store

    documents = store(app)
    for sha in hashes:
        documents.remove_if_unused(sha, still_used=False)


def deletion_summary(app: AppContext, entity: str, record_id: int) -> DeletionSummary:
    """What deleting this record would also delete (counted now, without deleting anything)."""
    with app.reading() as session:
        if entity == "parcours":
            exit_id = session.scalar(select(Sortie.id).where(Sortie.parcours_id == record_id))
            owned = (Document.parcours_id == record_id) | (Document.sortie_id == exit_id)
            return DeletionSummary(
                heures=_count(session, MonthlyHours, MonthlyHours.parcours_id == record_id, (MonthlyHours.heures_mad + MonthlyHours.heures_accompagnement) > 0),
                entretiens=_count(session, Entretien, Entretien.parcours_id == record_id),
                cers=_count(session, Cer, Cer.parcours_id == record_id),
                sortie=exit_id is not None,
                documents=_count(session, Document, owned))
        if entity == "sortie":
            return DeletionSummary(documents=_count(session, Document, Document.sortie_id == record_id))
        if entity == "depense":
            return DeletionSummary(documents=_count(session, Document, Document.depense_id == record_id))
        if entity == "atelier":
            return DeletionSummary(presences=_count(session, AtelierPresence, AtelierPresence.atelier_id == record_id))
        if entity == "ressource":
            return DeletionSummary(versements=_count(session, Versement, Versement.ressource_id == record_id))
        if entity == "personnel":
            return DeletionSummary(couts=_count(session, CoutPersonnel, CoutPersonnel.personnel_id == record_id))
        return DeletionSummary()


def _count(session: Session, model: type, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
