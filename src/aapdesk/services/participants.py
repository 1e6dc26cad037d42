"""Participants and their parcours: create, edit, list for the table, detect duplicates.

A second participant with the same name, first name and birth date is refused with
:class:`DuplicateParticipantError`, which carries the existing one so a form can offer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aapdesk.domain.dispositif import parse_dispositif
from aapdesk.domain.participants import (
    ParcoursInput,
    ParticipantInput,
    check_parcours,
    check_participant,
    identity_key,
    is_under,
)
from aapdesk.domain.periods import age_on
from aapdesk.domain.problems import Problem, ValidationError, require
from aapdesk.services.context import AppContext, journal
from aapdesk.services.deletions import erase_participant  # noqa: F401 - the participant's own service
from aapdesk.storage.schema import Operation, Parcours, Participant

PARTICIPANT_FIELDS = (
    "nom", "prenom", "sexe", "date_naissance", "brsa", "rqth", "niveau_formation", "commune",
    "code_postal", "zone", "qpv", "territoire", "prescripteur", "id_externe",
)


class DuplicateParticipantError(ValidationError):
    """Same surname, first name and birth date as an existing participant."""

    def __init__(self, existing_id: int) -> None:
        self.existing_id = existing_id
        super().__init__([Problem(
            "nom",
            "un participant avec les mêmes nom, prénom et date de naissance existe déjà : "
            "ouvrez sa fiche plutôt que d'en créer une seconde",
            "doublon",
        )])


@dataclass(frozen=True)
class ParcoursRow:
    id: int
    operation_id: int
    operation_code: str
    date_orientation: date | None
    date_entree: date
    date_sortie: date | None
    referent: str | None


@dataclass(frozen=True)
class ParticipantDetail:
    id: int
    data: ParticipantInput
    parcours: tuple[ParcoursRow, ...]


@dataclass(frozen=True)
class ParticipantRow:
    """One line of the participants table: a participant in one parcours (or in none yet)."""

    participant_id: int
    parcours_id: int | None
    nom: str
    prenom: str
    sexe: str
    date_naissance: date
    age: int
    brsa: bool
    rqth: bool
    qpv: bool
    commune: str | None
    territoire: str | None
    operation_id: int | None
    operation_code: str | None
    date_entree: date | None
    date_sortie: date | None
    moins_26_ans: bool | None
    statut: str
    referent: str | None


def _find_duplicate(session: Session, data: ParticipantInput, exclude_id: int | None = None) -> int | None:
    wanted = identity_key(data.nom, data.prenom, data.date_naissance)
    candidates = session.execute(
        select(Participant.id, Participant.nom, Participant.prenom)
        .where(Participant.date_naissance == data.date_naissance)
    ).all()
    for pid, nom, prenom in candidates:
        if pid != exclude_id and identity_key(nom, prenom, data.date_naissance) == wanted:
            return pid
    return None


def _check_parcours_for(session: Session, app: AppContext, operation_id: int, parcours: ParcoursInput,
                        birth: date | None) -> list[Problem]:
    op = session.get(Operation, operation_id)
    if op is None:
        return [Problem("operation", "opération introuvable")]
    rules = parse_dispositif(op.regles, f"opération {op.code}")
    return check_parcours(
        parcours,
        operation_start=op.debut,
        operation_end=op.fin,
        entry_before_start_allowed=rules.convention.entree_avant_debut_autorisee,
        birth_date=birth,
        today=app.today(),
    )


def create_participant(
    app: AppContext,
    data: ParticipantInput,
    operation_id: int | None = None,
    parcours: ParcoursInput | None = None,
) -> int:
    """Create a participant, and its first parcours when ``operation_id`` is given."""
    data = data.normalised()
    problems = check_participant(data, app.today())
    now = app.now()
    with app.transaction() as session:
        if operation_id is not None:
            problems += _check_parcours_for(session, app, operation_id, parcours or ParcoursInput(None),
                                            data.date_naissance)
        require(problems)
        duplicate = _find_duplicate(session, data)
        if duplicate is not None:
            raise DuplicateParticipantError(duplicate)
        if data.id_externe and session.scalar(select(Participant.id).where(Participant.id_externe == data.id_externe)):
            raise ValidationError([Problem("id_externe", "cet identifiant externe est déjà utilisé")])
        row = Participant(created_at=now, updated_at=now, **{f: getattr(data, f) for f in PARTICIPANT_FIELDS})
        session.add(row)
        session.flush()
        journal(session, now, "creation", "participant", row.id, participant_id=row.id)
        if operation_id is not None and parcours is not None:
            _add_parcours(session, now, row.id, operation_id, parcours)
        return row.id


def update_participant(app: AppContext, participant_id: int, data: ParticipantInput) -> None:
    data = data.normalised()
    require(check_participant(data, app.today()))
    now = app.now()
    with app.transaction() as session:
        row = session.get(Participant, participant_id)
        if row is None:
            raise LookupError("participant introuvable")
        duplicate = _find_duplicate(session, data, exclude_id=participant_id)
        if duplicate is not None:
            raise DuplicateParticipantError(duplicate)
        changed = [f for f in PARTICIPANT_FIELDS if getattr(row, f) != getattr(data, f)]
        for f in PARTICIPANT_FIELDS:
            setattr(row, f, getattr(data, f))
        row.updated_at = now
        if changed:
            journal(session, now, "modification", "participant", row.id, participant_id=row.id,
                    details=",".join(changed))


def _add_parcours(session: Session, now, participant_id: int, operation_id: int, data: ParcoursInput) -> int:
    assert data.date_entree is not None
    row = Parcours(
        participant_id=participant_id, operation_id=operation_id, date_orientation=data.date_orientation,
        date_entree=data.date_entree, date_sortie=data.date_sortie, referent=(data.referent or "").strip() or None,
        created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    journal(session, now, "creation", "parcours", row.id, operation_id=operation_id, participant_id=participant_id)
    return row.id


def add_parcours(app: AppContext, participant_id: int, operation_id: int, data: ParcoursInput) -> int:
    now = app.now()
    with app.transaction() as session:
        person = session.get(Participant, participant_id)
        if person is None:
            raise LookupError("participant introuvable")
        problems = _check_parcours_for(session, app, operation_id, data, person.date_naissance)
        overlapping = [
            p for p in person.parcours
            if p.operation_id == operation_id and data.date_entree is not None
            and (p.date_sortie is None or p.date_sortie >= data.date_entree)
            and (data.date_sortie is None or data.date_sortie >= p.date_entree)
        ]
        if overlapping:
            problems.append(Problem("date_entree", "ce participant a déjà un parcours sur ces dates dans cette opération"))
        require(problems)
        return _add_parcours(session, now, participant_id, operation_id, data)


def update_parcours(app: AppContext, parcours_id: int, data: ParcoursInput) -> None:
    now = app.now()
    with app.transaction() as session:
        row = session.get(Parcours, parcours_id)
        if row is None:
            raise LookupError("parcours introuvable")
        require(_check_parcours_for(session, app, row.operation_id, data, row.participant.date_naissance))
        changed = [f for f in ("date_orientation", "date_entree", "date_sortie", "referent")
                   if getattr(row, f) != getattr(data, f)]
        row.date_orientation, row.date_entree = data.date_orientation, data.date_entree  # type: ignore[assignment]
        row.date_sortie, row.referent, row.updated_at = data.date_sortie, (data.referent or "").strip() or None, now
        journal(session, now, "modification", "parcours", row.id, operation_id=row.operation_id,
                participant_id=row.participant_id, details=",".join(changed))


def get_participant(app: AppContext, participant_id: int) -> ParticipantDetail:
    with app.reading() as session:
        row = session.get(Participant, participant_id, options=[selectinload(Participant.parcours).selectinload(Parcours.operation)])
        if row is None:
            raise LookupError("participant introuvable")
        data = ParticipantInput(**{f: getattr(row, f) for f in PARTICIPANT_FIELDS})
        parcours = tuple(
            ParcoursRow(p.id, p.operation_id, p.operation.code, p.date_orientation, p.date_entree, p.date_sortie, p.referent)
            for p in sorted(row.parcours, key=lambda p: p.date_entree)
        )
        return ParticipantDetail(row.id, data, parcours)


#: A parcours without an exit date in an operation that has ended: not accompanied any more.
ENDED_STATUS = "Fin d'opération"


def parcours_status(entry: date | None, exit_date: date | None, today: date, operation_end: date | None = None) -> str:
    if entry is None:
        return "Sans parcours"
    if entry > today:
        return "À venir"
    if exit_date is not None and exit_date < today:
        return "Sorti"
    if exit_date is None and operation_end is not None and operation_end < today:
        return ENDED_STATUS
    return "En cours"


def list_participant_rows(app: AppContext, operation_id: int | None = None) -> list[ParticipantRow]:
    today = app.today()
    rows: list[ParticipantRow] = []
    with app.reading() as session:
        query = (
            select(Participant, Parcours, Operation.code, Operation.fin)
            .outerjoin(Parcours, Parcours.participant_id == Participant.id)
            .outerjoin(Operation, Operation.id == Parcours.operation_id)
            .order_by(Participant.nom, Participant.prenom, Parcours.date_entree)
        )
        if operation_id is not None:
            query = query.where(Parcours.operation_id == operation_id)
        for person, parcours, code, operation_end in session.execute(query):
            rows.append(ParticipantRow(
                participant_id=person.id,
                parcours_id=parcours.id if parcours else None,
                nom=person.nom, prenom=person.prenom, sexe=person.sexe,
                date_naissance=person.date_naissance, age=age_on(person.date_naissance, today),
                brsa=person.brsa, rqth=person.rqth, qpv=person.qpv,
                commune=person.commune, territoire=person.territoire,
                operation_id=parcours.operation_id if parcours else None,
                operation_code=code,
                date_entree=parcours.date_entree if parcours else None,
                date_sortie=parcours.date_sortie if parcours else None,
                moins_26_ans=is_under(person.date_naissance, parcours.date_entree) if parcours else None,
                statut=parcours_status(parcours.date_entree if parcours else None,
                                       parcours.date_sortie if parcours else None, today, operation_end),
                referent=parcours.referent if parcours else None,
            ))
    return rows


def delete_parcours(app: AppContext, parcours_id: int) -> int:
    """Delete a parcours entered by mistake, with its hours, interviews, CER, exit and documents."""
    from aapdesk.services.deletions import delete_record

    return delete_record(app, "parcours", parcours_id)
