"""Activity use cases: the hours grid, the file active, accompaniment records, the to-do list,
comités and collective sessions.

Every figure comes from :mod:`aapdesk.domain.activity`, so the screens, the CLI and the
reports count the same way. Writes validate everything first and commit once: a paste
with one bad cell writes nothing and names the bad cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aapdesk.domain import activity as act
from aapdesk.domain.dispositif import Dispositif, FileActiveMode, parse_dispositif
from aapdesk.domain.participants import sort_key
from aapdesk.domain.periods import Period, YearMonth, add_months, as_of_default
from aapdesk.domain.problems import Problem, ValidationError, require
from aapdesk.formatting import format_money, format_operation
from aapdesk.services.context import AppContext, journal
from aapdesk.services.deletions import delete_record
from aapdesk.storage.schema import (
    Atelier,
    AtelierPresence,
    Cer,
    Comite,
    Diagnostic,
    Entretien,
    MonthlyHours,
    Operation,
    Parcours,
    Participant,
    Suspension,
)

MODALITES = {"physique": "Physique", "telephone": "Téléphone", "visio": "Visio"}
COMITE_NATURES = {"suivi": "Comité de suivi", "pilotage": "Comité de pilotage",
                  "strategique": "Comité stratégique", "autre": "Autre réunion"}


# --- loading an operation's activity ------------------------------------------------

@dataclass(frozen=True)
class ParcoursInfo:
    span: act.ParcoursSpan
    participant_id: int
    nom: str
    prenom: str
    birth: date
    orientation: date | None
    premier_rdv: date | None
    referent: str | None


@dataclass(frozen=True)
class OperationActivity:
    operation_id: int
    code: str
    rules: Dispositif
    period: Period
    capacity: int | None  # postes for SIAE fiches, places otherwise
    etp: Decimal | None
    zone_defaut: str
    parcours: tuple[ParcoursInfo, ...]
    hours: tuple[act.MonthlyHours, ...]


def load_activity(session: Session, operation_id: int) -> OperationActivity:
    op = session.get(Operation, operation_id)
    if op is None:
        raise LookupError("opération introuvable")
    # Plain column queries: an operation may hold hundreds of parcours and thousands of hours rows.
    rows = session.execute(
        select(Parcours.id, Parcours.date_entree, Parcours.date_sortie, Parcours.date_orientation,
               Parcours.premier_rdv, Parcours.referent, Participant.id, Participant.nom, Participant.prenom,
               Participant.date_naissance, Participant.zone)
        .join(Participant, Participant.id == Parcours.participant_id)
        .where(Parcours.operation_id == operation_id)
    ).all()
    rows = sorted(rows, key=lambda r: (sort_key(r[7], r[8]), r[1]))
    parcours = tuple(
        ParcoursInfo(
            span=act.ParcoursSpan(pid, entry, exit_date, zone),
            participant_id=person_id, nom=nom, prenom=prenom, birth=birth,
            orientation=orientation, premier_rdv=premier_rdv, referent=referent,
        )
        for pid, entry, exit_date, orientation, premier_rdv, referent, person_id, nom, prenom, birth, zone in rows
    )
    hours_type = MonthlyHours.__table__.c
    hours = tuple(
        act.MonthlyHours(parcours_id, YearMonth(mois.year, mois.month), mad, acc)  # the column types convert cents
        for parcours_id, mois, mad, acc in session.execute(
            select(hours_type.parcours_id, hours_type.mois, hours_type.heures_mad, hours_type.heures_accompagnement)
            .join(Parcours, Parcours.id == hours_type.parcours_id)
            .where(Parcours.operation_id == operation_id))
    )
    return OperationActivity(
        operation_id=op.id, code=op.code, rules=parse_dispositif(op.regles, f"opération {op.code}"),
        period=Period(op.debut, op.fin), capacity=op.postes if op.postes is not None else op.places,
        etp=op.etp, zone_defaut=op.zone_defaut, parcours=parcours, hours=hours,
    )


def operation_activity(app: AppContext, operation_id: int) -> OperationActivity:
    with app.reading() as session:
        return load_activity(session, operation_id)


def default_as_of(app: AppContext, activity: OperationActivity, au: date | None = None) -> date:
    """The date figures are given at: ``au`` when asked, else the earlier of today and the end."""
    return as_of_default(app.today(), activity.period.end, au)


# --- file active -------------------------------------------------------------------

@dataclass(frozen=True)
class FileActiveView:
    code: str
    as_of: date
    mode: FileActiveMode
    months: tuple[act.MonthRow, ...]
    years: tuple[act.YearRow, ...]
    taux_occupation: Decimal | None
    capacity: int | None
    current: act.MonthRow | None


def file_active_view(app: AppContext, operation_id: int, au: date | None = None) -> FileActiveView:
    activity = operation_activity(app, operation_id)
    return build_file_active_view(activity, default_as_of(app, activity, au))


def build_file_active_view(activity: OperationActivity, as_of: date) -> FileActiveView:
    spans = [p.span for p in activity.parcours]
    months = act.monthly_table(spans, activity.period, activity.capacity, as_of)
    mode = activity.rules.financement.file_active
    years = act.annual_counts(spans, activity.period, activity.capacity, as_of) if mode is FileActiveMode.ANNUELLE else []
    rate = act.taux_occupation(years if mode is FileActiveMode.ANNUELLE else months)
    return FileActiveView(activity.code, as_of, mode, tuple(months), tuple(years), rate, activity.capacity,
                          months[-1] if months else None)


# --- hours grid ---------------------------------------------------------------------

@dataclass(frozen=True)
class HoursRow:
    line: int  # 1-based, what people call "ligne 3"
    parcours_id: int
    participant_id: int
    nom: str
    prenom: str
    zone: str
    threshold: Decimal | None
    months: tuple[act.ParcoursMonth, ...]  # aligned with HoursGrid.months
    total_mad: Decimal
    total_accompagnement: Decimal
    sous_seuil: int


@dataclass(frozen=True)
class HoursGrid:
    operation_id: int
    code: str
    as_of: date
    months: tuple[YearMonth, ...]
    rows: tuple[HoursRow, ...]
    totals: act.ActivityTotals
    months_target: int | Decimal | None


def hours_grid(app: AppContext, operation_id: int, au: date | None = None) -> HoursGrid:
    activity = operation_activity(app, operation_id)
    return build_hours_grid(activity, default_as_of(app, activity, au))


def build_hours_grid(activity: OperationActivity, as_of: date) -> HoursGrid:
    months = tuple(activity.period.months())
    by_parcours = act.group_hours(activity.hours)
    rows = []
    for line, info in enumerate(activity.parcours, start=1):
        zone = info.span.zone or activity.zone_defaut
        threshold = act.mad_threshold(activity.rules.financement, info.span.zone, activity.zone_defaut)
        detail = {m.month: m for m in act.parcours_months(
            info.span, activity.period, by_parcours.get(info.span.id, {}), threshold, as_of)}
        cells = tuple(detail.get(month) or act.ParcoursMonth(month, False, Decimal(0), Decimal(0), False, False)
                      for month in months)
        counted = [c for c in cells if c.present]
        rows.append(HoursRow(
            line=line, parcours_id=info.span.id, participant_id=info.participant_id, nom=info.nom,
            prenom=info.prenom, zone=zone, threshold=threshold, months=cells,
            total_mad=sum((c.mad for c in counted), Decimal(0)),
            total_accompagnement=sum((c.accompagnement for c in counted), Decimal(0)),
            sous_seuil=sum(1 for c in counted if c.sous_seuil),
        ))
    # the same month rows as the grid shows, totalled by the domain's own rule
    totals = act.totals_of(cell for row in rows for cell in row.months)
    target = act.months_target(activity.capacity) if activity.rules.uses_postes and activity.capacity else None
    return HoursGrid(activity.operation_id, activity.code, as_of, months, tuple(rows), totals, target)


@dataclass(frozen=True)
class HoursEdit:
    """One cell changed in the grid: ``None`` leaves that kind of hours unchanged."""

    parcours_id: int
    month: YearMonth
    mad: Decimal | None = None
    accompagnement: Decimal | None = None
    line: int | None = None  # for messages


def save_hours(app: AppContext, operation_id: int, edits: list[HoursEdit]) -> int:
    """Apply every edit or none; returns how many months were written."""
    now = app.now()
    with app.transaction() as session:
        activity = load_activity(session, operation_id)
        spans = {p.span.id: p.span for p in activity.parcours}
        problems: list[Problem] = []
        for edit in edits:
            where = f"ligne {edit.line}, {edit.month.label}" if edit.line else edit.month.label
            span = spans.get(edit.parcours_id)
            if span is None:
                problems.append(Problem(where, "ce parcours n'appartient pas à l'opération"))
                continue
            active_that_month = span.entry <= edit.month.last_day and (
                span.exit is None or span.exit >= edit.month.first_day)
            if not active_that_month:
                problems.append(Problem(where, "le parcours n'est pas en cours ce mois-là (avant l'entrée ou après la sortie)"))
                continue
            if edit.month.first_day > app.today():
                problems.append(Problem(where, "ce mois n'est pas encore commencé"))
                continue
            for p in act.check_hours(edit.month, edit.mad, edit.accompagnement):
                problems.append(Problem(where, p.message))
        require(problems)
        written = 0
        # one query for the rows already there (an import may bring thousands of months)
        existing = {(h.parcours_id, h.mois): h for h in session.scalars(select(MonthlyHours).where(
            MonthlyHours.parcours_id.in_({e.parcours_id for e in edits})))}
        for edit in edits:
            row = existing.get((edit.parcours_id, edit.month.first_day))
            if row is None:
                row = MonthlyHours(parcours_id=edit.parcours_id, mois=edit.month.first_day,
                                   heures_mad=Decimal(0), heures_accompagnement=Decimal(0), updated_at=now)
                session.add(row)
                existing[(edit.parcours_id, edit.month.first_day)] = row
            if edit.mad is not None:
                row.heures_mad = edit.mad
            if edit.accompagnement is not None:
                row.heures_accompagnement = edit.accompagnement
            row.updated_at = now
            written += 1
        journal(session, now, "saisie_heures", "heures_mensuelles", None, operation_id=operation_id,
                details=f"{written} mois")
        return written


# --- accompaniment record -------------------------------------------------------------

@dataclass(frozen=True)
class EntretienInput:
    date: date | None
    modalite: str = "physique"
    duree_minutes: int | None = None
    note: str = ""


@dataclass(frozen=True)
class CerInput:
    date_signature: date | None
    date_fin: date | None = None  # default: signature + the fiche's CER length (6 months)
    valide: bool = True
    renouvellement: bool = False
    demande_renouvellement: date | None = None


@dataclass(frozen=True)
class SuspensionInput:
    debut: date | None
    fin: date | None = None
    motif: str = ""


@dataclass(frozen=True)
class AccompanimentRecord:
    parcours_id: int
    operation_code: str
    orientation: date | None
    entree: date
    sortie: date | None
    premier_rdv: date | None
    entretiens: tuple[tuple[int, date, str, int | None, str], ...]
    cers: tuple[tuple[int, date, date, bool, bool, date | None], ...]
    diagnostics: tuple[tuple[int, date, str, str], ...]
    suspensions: tuple[tuple[int, date, date | None, str], ...]
    todos: tuple[act.TodoItem, ...] = field(default=())


def _parcours_or_fail(session: Session, parcours_id: int) -> Parcours:
    row = session.get(Parcours, parcours_id)
    if row is None:
        raise LookupError("parcours introuvable")
    return row


def _check_event_date(field_name: str, day: date | None, parcours: Parcours, today: date, *,
                      label: str, allow_before_entry: bool = True) -> list[Problem]:
    if day is None:
        return [Problem(field_name, f"la date {label} est obligatoire")]
    p = []
    if day > today:
        p.append(Problem(field_name, f"la date {label} est dans le futur"))
    if parcours.date_orientation and day < parcours.date_orientation:
        p.append(Problem(field_name, f"la date {label} précède l'orientation du {parcours.date_orientation:%d/%m/%Y}"))
    elif not allow_before_entry and day < parcours.date_entree:
        p.append(Problem(field_name, f"la date {label} précède l'entrée du {parcours.date_entree:%d/%m/%Y}"))
    if parcours.date_sortie and day > parcours.date_sortie:
        p.append(Problem(field_name, f"la date {label} est après la sortie du {parcours.date_sortie:%d/%m/%Y}"))
    return p


def set_premier_rdv(app: AppContext, parcours_id: int, day: date | None) -> None:
    now = app.now()
    with app.transaction() as session:
        parcours = _parcours_or_fail(session, parcours_id)
        if day is not None:
            require(_check_event_date("premier_rdv", day, parcours, app.today(), label="du premier rendez-vous"))
        parcours.premier_rdv = day
        journal(session, now, "modification", "parcours", parcours.id, operation_id=parcours.operation_id,
                participant_id=parcours.participant_id, details="premier_rdv")


def add_entretien(app: AppContext, parcours_id: int, data: EntretienInput) -> int:
    now = app.now()
    with app.transaction() as session:
        parcours = _parcours_or_fail(session, parcours_id)
        problems = _check_event_date("date", data.date, parcours, app.today(), label="de l'entretien")
        if data.modalite not in MODALITES:
            problems.append(Problem("modalite", "choisissez physique, téléphone ou visio"))
        if data.duree_minutes is not None and not 0 < data.duree_minutes <= 600:
            problems.append(Problem("duree", "la durée doit être comprise entre 1 et 600 minutes"))
        require(problems)
        row = Entretien(parcours_id=parcours_id, date=data.date, modalite=data.modalite,
                        duree_minutes=data.duree_minutes, note=data.note.strip() or None)
        session.add(row)
        session.flush()
        journal(session, now, "creation", "entretien", row.id, operation_id=parcours.operation_id,
                participant_id=parcours.participant_id)
        return row.id


def add_cer(app: AppContext, parcours_id: int, data: CerInput) -> int:
    now = app.now()
    with app.transaction() as session:
        parcours = _parcours_or_fail(session, parcours_id)
        rules = parse_dispositif(parcours.operation.regles, "opération")
        problems = _check_event_date("date_signature", data.date_signature, parcours, app.today(),
                                     label="de signature du CER")
        end = data.date_fin
        if data.date_signature and end is None:
            end = act.cer_end(data.date_signature, rules.jalons)
        if data.date_signature and end and end < data.date_signature:
            problems.append(Problem("date_fin", "la fin du CER précède sa signature"))
        if data.demande_renouvellement and data.date_signature and data.demande_renouvellement < data.date_signature:
            problems.append(Problem("demande_renouvellement", "la demande de renouvellement précède la signature"))
        require(problems)
        row = Cer(parcours_id=parcours_id, date_signature=data.date_signature, date_fin=end, valide=data.valide,
                  renouvellement=data.renouvellement, demande_renouvellement=data.demande_renouvellement)
        session.add(row)
        session.flush()
        journal(session, now, "creation", "cer", row.id, operation_id=parcours.operation_id,
                participant_id=parcours.participant_id)
        return row.id


def request_cer_renewal(app: AppContext, cer_id: int, day: date) -> None:
    now = app.now()
    with app.transaction() as session:
        row = session.get(Cer, cer_id)
        if row is None:
            raise LookupError("CER introuvable")
        if day < row.date_signature:
            raise ValidationError([Problem("demande_renouvellement", "la demande de renouvellement précède la signature")])
        row.demande_renouvellement = day
        journal(session, now, "modification", "cer", row.id, details="demande_renouvellement")


def add_diagnostic(app: AppContext, parcours_id: int, day: date | None, nature: str = "initial", note: str = "") -> int:
    now = app.now()
    with app.transaction() as session:
        parcours = _parcours_or_fail(session, parcours_id)
        problems = _check_event_date("date", day, parcours, app.today(), label="du diagnostic")
        if nature not in ("initial", "actualisation"):
            problems.append(Problem("nature", "choisissez diagnostic initial ou actualisation"))
        require(problems)
        row = Diagnostic(parcours_id=parcours_id, date=day, nature=nature, note=note.strip() or None)
        session.add(row)
        session.flush()
        journal(session, now, "creation", "diagnostic", row.id, operation_id=parcours.operation_id,
                participant_id=parcours.participant_id)
        return row.id


def add_suspension(app: AppContext, parcours_id: int, data: SuspensionInput) -> int:
    now = app.now()
    with app.transaction() as session:
        parcours = _parcours_or_fail(session, parcours_id)
        problems = _check_event_date("debut", data.debut, parcours, app.today(), label="de début de suspension",
                                     allow_before_entry=False)
        if data.debut and data.fin and data.fin < data.debut:
            problems.append(Problem("fin", "la fin de la suspension précède son début"))
        if not data.motif.strip():
            problems.append(Problem("motif", "indiquez le motif de la suspension"))
        require(problems)
        row = Suspension(parcours_id=parcours_id, debut=data.debut, fin=data.fin, motif=data.motif.strip())
        session.add(row)
        session.flush()
        journal(session, now, "creation", "suspension", row.id, operation_id=parcours.operation_id,
                participant_id=parcours.participant_id)
        return row.id


def accompaniment_record(app: AppContext, parcours_id: int, au: date | None = None) -> AccompanimentRecord:
    with app.reading() as session:
        p = _parcours_or_fail(session, parcours_id)
        rules = parse_dispositif(p.operation.regles, "opération")
        entretiens = session.scalars(select(Entretien).where(Entretien.parcours_id == p.id).order_by(Entretien.date)).all()
        cers = session.scalars(select(Cer).where(Cer.parcours_id == p.id).order_by(Cer.date_signature)).all()
        diagnostics = session.scalars(select(Diagnostic).where(Diagnostic.parcours_id == p.id).order_by(Diagnostic.date)).all()
        suspensions = session.scalars(select(Suspension).where(Suspension.parcours_id == p.id).order_by(Suspension.debut)).all()
        dates = _parcours_dates(p, cers)
        todos = act.milestone_todos([dates], rules.jalons, au or app.today(), rules.convention.parcours_max_mois)
        return AccompanimentRecord(
            parcours_id=p.id, operation_code=p.operation.code, orientation=p.date_orientation, entree=p.date_entree,
            sortie=p.date_sortie, premier_rdv=p.premier_rdv,
            entretiens=tuple((e.id, e.date, e.modalite, e.duree_minutes, e.note or "") for e in entretiens),
            cers=tuple((c.id, c.date_signature, c.date_fin, c.valide, c.renouvellement, c.demande_renouvellement) for c in cers),
            diagnostics=tuple((d.id, d.date, d.nature, d.note or "") for d in diagnostics),
            suspensions=tuple((s.id, s.debut, s.fin, s.motif) for s in suspensions),
            todos=tuple(todos),
        )


def _parcours_dates(p: Parcours, cers: list[Cer]) -> act.ParcoursDates:
    valid = [c for c in cers if c.valide]
    latest = max(valid, key=lambda c: c.date_signature) if valid else None
    return act.ParcoursDates(
        span=act.ParcoursSpan(p.id, p.date_entree, p.date_sortie),
        orientation=p.date_orientation,
        first_appointment=p.premier_rdv,
        cer_signature=latest.date_signature if latest else None,
        cer_renewal_request=latest.demande_renouvellement if latest else None,
    )


# --- to-do list and milestone indicators ----------------------------------------------

@dataclass(frozen=True)
class TodoRow:
    due: date
    overdue: bool
    code: str
    label: str
    operation_code: str
    parcours_id: int | None = None
    participant_id: int | None = None
    participant: str = ""


@dataclass(frozen=True)
class MilestoneIndicators:
    delai_moyen_premier_rdv: Decimal | None
    taux_contractualisation: Decimal | None
    parcours_accueillis: int
    parcours_avec_cer: int
    entretiens_realises: int
    entretiens_physiques: int
    entretiens_dus: Decimal | None
    entretiens_physiques_dus: Decimal | None
    part_jeunes: Decimal | None
    part_jeunes_max: Decimal | None
    capacite_etp_respectee: bool | None


TODO_HORIZON_DAYS = 45


def todo_list(app: AppContext, *, operation_id: int | None = None, participant_id: int | None = None,
              au: date | None = None, horizon_days: int | None = TODO_HORIZON_DAYS) -> list[TodoRow]:
    """Open milestones of every current operation (or one), with the operation-level reminders:
    everything overdue, and what falls due within ``horizon_days`` (None: everything)."""
    as_of = au or app.today()
    rows: list[TodoRow] = []
    with app.reading() as session:
        query = select(Operation).order_by(Operation.code)
        if operation_id is not None:
            query = query.where(Operation.id == operation_id)
        for op in session.scalars(query):
            if op.fin < as_of and operation_id is None:
                continue  # finished operations leave the daily list
            rules = parse_dispositif(op.regles, f"opération {op.code}")
            parcours_q = select(Parcours, Participant).join(Participant).where(Parcours.operation_id == op.id)
            if participant_id is not None:
                parcours_q = parcours_q.where(Parcours.participant_id == participant_id)
            pairs = session.execute(parcours_q).all()
            cers_by_parcours: dict[int, list[Cer]] = {}
            for cer in session.scalars(select(Cer).where(Cer.parcours_id.in_([p.id for p, _ in pairs]))):
                cers_by_parcours.setdefault(cer.parcours_id, []).append(cer)
            names = {p.id: (person.id, f"{person.nom} {person.prenom}") for p, person in pairs}
            items = act.milestone_todos([_parcours_dates(p, cers_by_parcours.get(p.id, [])) for p, _ in pairs],
                                        rules.jalons, as_of, rules.convention.parcours_max_mois)
            for item in items:
                pid, name = names.get(item.parcours_id, (None, ""))
                rows.append(TodoRow(item.due, item.overdue, item.code, item.label, op.code, item.parcours_id, pid, name))
            if participant_id is None:
                rows += _operation_reminders(session, op, rules, as_of)
    rows += _document_todos(app, as_of, operation_id, participant_id)
    if horizon_days is not None:
        limit = as_of + timedelta(days=horizon_days)
        rows = [r for r in rows if r.due <= limit]
    return sorted(rows, key=lambda r: (not r.overdue, r.due, r.operation_code, r.participant))


PROOF_DELAY_DAYS = 30


def _document_todos(app: AppContext, as_of: date, operation_id: int | None, participant_id: int | None) -> list[TodoRow]:
    """Exits to qualify or lacking their proof, and expenses to put right (funders' contrôle de service fait)."""
    from aapdesk.domain.finances import EXCLUDING, ISSUES
    from aapdesk.services.exits import exit_todos
    from aapdesk.services.finances import expense_todos

    rows = []
    for code, row in exit_todos(app, as_of):
        if operation_id is not None and code != _code_of(app, operation_id):
            continue
        if participant_id is not None and row.participant_id != participant_id:
            continue
        due = row.date_sortie + timedelta(days=PROOF_DELAY_DAYS)
        what = "Sortie à qualifier (type de sortie)" if row.type is None else (
            f"Pièce probante à joindre : {row.type_label} du {row.date_sortie:%d/%m/%Y}")
        rows.append(TodoRow(due, due < as_of, "preuve" if row.type else "sortie", what, code, row.parcours_id,
                            row.participant_id, f"{row.nom} {row.prenom}"))
    if participant_id is None:
        for code, expense in expense_todos(app, as_of):
            if operation_id is not None and code != _code_of(app, operation_id):
                continue
            labels = ", ".join(ISSUES[i] for i in expense.issues)
            # Outside the period or an ineligible category is wrong now; a missing invoice, an unpaid bill
            # or a duplicate gets the same 30 days as a missing proof.
            wrong_now = bool(EXCLUDING.intersection(expense.issues) - {"non_acquittee"})
            due = expense.date if wrong_now else expense.date + timedelta(days=PROOF_DELAY_DAYS)
            rows.append(TodoRow(due, due < as_of, "depense",
                                f"Dépense « {expense.libelle} » ({format_money(expense.montant)}) : {labels}",
                                code))
    return rows


def _code_of(app: AppContext, operation_id: int) -> str:
    with app.reading() as session:
        op = session.get(Operation, operation_id)
        return op.code if op else ""


def _operation_reminders(session: Session, op: Operation, rules: Dispositif, as_of: date) -> list[TodoRow]:
    reminders = []
    frequency = rules.comites.frequence_mois
    if frequency and op.debut <= as_of <= op.fin:
        comites = session.scalars(select(Comite).where(Comite.operation_id == op.id).order_by(Comite.date)).all()
        held = [c for c in comites if c.date <= as_of]
        planned = [c for c in comites if c.date > as_of]
        last = held[-1].date if held else op.debut
        if planned:
            nxt = planned[0]
            if rules.comites.tableau_de_bord_avant_comite and not nxt.tableau_de_bord_envoye:
                reminders.append(TodoRow(nxt.date, False, "tableau_de_bord",
                                         f"Envoyer le tableau de bord avant le comité du {nxt.date:%d/%m/%Y}", op.code))
        else:
            due = add_months(last, frequency)
            label = rules.comites.libelle or "Comité de suivi"
            reminders.append(TodoRow(due, due < as_of, "comite",
                                     f"Prochain comité à organiser (tous les {frequency} mois) – {label}", op.code))
    return reminders


def milestone_indicators(app: AppContext, operation_id: int, au: date | None = None) -> MilestoneIndicators:
    with app.reading() as session:
        activity = load_activity(session, operation_id)
        as_of = default_as_of(app, activity, au)
        ids = [p.span.id for p in activity.parcours if p.span.entry <= as_of]
        cers = session.scalars(select(Cer).where(Cer.parcours_id.in_(ids), Cer.valide.is_(True),
                                                 Cer.date_signature <= as_of)).all()
        entretiens = session.scalars(select(Entretien).where(
            Entretien.parcours_id.in_(ids), Entretien.date >= activity.period.start, Entretien.date <= as_of)).all()
    rules = activity.rules
    accueillis = [p for p in activity.parcours if p.span.entry <= as_of]
    with_cer = {c.parcours_id for c in cers}
    window = Period(activity.period.start, max(activity.period.start, as_of))
    capacity = activity.capacity or 0
    share = act.youth_share([(p.birth, p.span.entry) for p in accueillis], rules.public.age_jeune)
    etp_ok = None
    if rules.financement.places_par_etp and activity.etp and activity.capacity:
        etp_ok = act.places_within_etp_capacity(activity.capacity, activity.etp, rules.financement.places_par_etp)
    return MilestoneIndicators(
        delai_moyen_premier_rdv=act.mean_first_appointment_delay((p.orientation, p.premier_rdv) for p in accueillis),
        taux_contractualisation=act.taux_contractualisation(len(with_cer), len(accueillis)),
        parcours_accueillis=len(accueillis),
        parcours_avec_cer=len(with_cer),
        entretiens_realises=len(entretiens),
        entretiens_physiques=sum(1 for e in entretiens if e.modalite == "physique"),
        entretiens_dus=act.interviews_due(rules.jalons, capacity, window) if capacity else None,
        entretiens_physiques_dus=act.physical_interviews_due(rules.jalons, capacity, window) if capacity else None,
        part_jeunes=share,
        part_jeunes_max=rules.public.part_max_jeunes,
        capacite_etp_respectee=etp_ok,
    )


# --- comités -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ComiteInput:
    date: date | None
    nature: str = "suivi"
    participants: str = ""
    notes: str = ""
    decisions: str = ""
    tableau_de_bord_envoye: bool = False


@dataclass(frozen=True)
class ComiteRow:
    id: int
    date: date
    nature: str
    participants: str
    notes: str
    decisions: str
    tableau_de_bord_envoye: bool


def _check_comite(data: ComiteInput, op: Operation) -> list[Problem]:
    p = []
    if data.date is None:
        p.append(Problem("date", "la date du comité est obligatoire"))
    if data.nature not in COMITE_NATURES:
        p.append(Problem("nature", "nature de comité inconnue"))
    return p


def save_comite(app: AppContext, operation_id: int, data: ComiteInput, comite_id: int | None = None) -> int:
    now = app.now()
    with app.transaction() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        require(_check_comite(data, op))
        row = session.get(Comite, comite_id) if comite_id else None
        if row is None:
            row = Comite(operation_id=operation_id)
            session.add(row)
        row.date, row.nature, row.participants = data.date, data.nature, data.participants.strip()
        row.notes, row.decisions, row.tableau_de_bord_envoye = data.notes.strip(), data.decisions.strip(), data.tableau_de_bord_envoye
        session.flush()
        journal(session, now, "modification" if comite_id else "creation", "comite", row.id, operation_id=operation_id)
        return row.id


def list_comites(app: AppContext, operation_id: int) -> list[ComiteRow]:
    with app.reading() as session:
        return [ComiteRow(c.id, c.date, c.nature, c.participants, c.notes, c.decisions, c.tableau_de_bord_envoye)
                for c in session.scalars(select(Comite).where(Comite.operation_id == operation_id).order_by(Comite.date))]


# --- collective sessions (ateliers) -----------------------------------------------------

@dataclass(frozen=True)
class AtelierInput:
    date: date | None
    titre: str
    duree_minutes: int | None
    animateur: str = ""
    participant_ids: tuple[int, ...] = ()
    absents: tuple[int, ...] = ()


@dataclass(frozen=True)
class AtelierRow:
    id: int
    date: date
    titre: str
    duree_minutes: int
    animateur: str
    inscrits: tuple[tuple[int, str, str, bool], ...]  # participant id, nom, prénom, présent


def save_atelier(app: AppContext, operation_id: int, data: AtelierInput, atelier_id: int | None = None) -> int:
    now = app.now()
    with app.transaction() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        problems = []
        if data.date is None:
            problems.append(Problem("date", "la date de l'atelier est obligatoire"))
        elif not op.debut <= data.date <= op.fin:
            problems.append(Problem("date", "l'atelier doit avoir lieu pendant l'opération"))
        if not data.titre.strip():
            problems.append(Problem("titre", "le titre de l'atelier est obligatoire"))
        if not data.duree_minutes or not 0 < data.duree_minutes <= 24 * 60:
            problems.append(Problem("duree", "la durée doit être comprise entre 1 minute et 24 heures"))
        enrolled = set(session.scalars(select(Parcours.participant_id).where(Parcours.operation_id == operation_id)))
        strangers = [pid for pid in data.participant_ids if pid not in enrolled]
        if strangers:
            problems.append(Problem("participants", f"{len(strangers)} inscrit(s) sans parcours dans cette opération"))
        require(problems)
        row = session.get(Atelier, atelier_id) if atelier_id else None
        if row is None:
            row = Atelier(operation_id=operation_id)
            session.add(row)
        row.date, row.titre, row.duree_minutes = data.date, data.titre.strip(), data.duree_minutes
        row.animateur = data.animateur.strip() or None
        session.flush()
        session.execute(delete(AtelierPresence).where(AtelierPresence.atelier_id == row.id))
        for pid in dict.fromkeys(data.participant_ids):
            session.add(AtelierPresence(atelier_id=row.id, participant_id=pid, present=pid not in data.absents))
        journal(session, now, "modification" if atelier_id else "creation", "atelier", row.id,
                operation_id=operation_id, details=f"{len(data.participant_ids)} inscrits")
        return row.id


def list_ateliers(app: AppContext, operation_id: int) -> list[AtelierRow]:
    with app.reading() as session:
        ateliers = session.scalars(select(Atelier).where(Atelier.operation_id == operation_id).order_by(Atelier.date)).all()
        result = []
        for a in ateliers:
            people = session.execute(
                select(Participant.id, Participant.nom, Participant.prenom, AtelierPresence.present)
                .join(AtelierPresence, AtelierPresence.participant_id == Participant.id)
                .where(AtelierPresence.atelier_id == a.id).order_by(Participant.nom, Participant.prenom)).all()
            result.append(AtelierRow(a.id, a.date, a.titre, a.duree_minutes, a.animateur or "",
                                     tuple((pid, nom, prenom, present) for pid, nom, prenom, present in people)))
        return result


def attendance_counts(app: AppContext, operation_id: int) -> dict[int, int]:
    """Ateliers attended per participant (present only)."""
    counts: dict[int, int] = {}
    for atelier in list_ateliers(app, operation_id):
        for pid, _, _, present in atelier.inscrits:
            if present:
                counts[pid] = counts.get(pid, 0) + 1
    return counts



def write_attendance_sheet(app: AppContext, atelier_id: int, dest=None, *, prefilled: bool = True):  # type: ignore[no-untyped-def]
    """Write the atelier's feuille d'émargement (PDF), pre-filled with the registered people or blank.

    The default file name carries the operation code and the date only, no personal data.
    """
    from pathlib import Path

    from aapdesk.files import write_atomically
    from aapdesk.reports.emargement import AttendanceSheet, write_attendance_sheet as write_pdf
    from aapdesk.storage.schema import Structure

    with app.reading() as session:
        atelier = session.get(Atelier, atelier_id)
        if atelier is None:
            raise LookupError("atelier introuvable")
        op = session.get(Operation, atelier.operation_id)
        structure = session.scalar(select(Structure.nom).limit(1)) or ""
        people = session.execute(
            select(Participant.nom, Participant.prenom)
            .join(AtelierPresence, AtelierPresence.participant_id == Participant.id)
            .where(AtelierPresence.atelier_id == atelier_id).order_by(Participant.nom, Participant.prenom)).all()
        sheet = AttendanceSheet(
            structure=structure, operation=format_operation(op.code, op.intitule), titre=atelier.titre, date=atelier.date,
            duree_minutes=atelier.duree_minutes, animateur=atelier.animateur or "",
            personnes=tuple((n, p) for n, p in people) if prefilled else (),
            lignes_vierges=3 if prefilled else 0, edite_le=app.today())
    if dest is None:
        dest = app.db.paths.exports_dir / f"emargement-{op.code}-{atelier.date:%Y-%m-%d}-{atelier_id}.pdf"
    return write_atomically(Path(dest), lambda handle: write_pdf(sheet, handle))


def delete_entretien(app: AppContext, entretien_id: int) -> None:
    delete_record(app, "entretien", entretien_id)


def delete_cer(app: AppContext, cer_id: int) -> None:
    delete_record(app, "cer", cer_id)


def delete_diagnostic(app: AppContext, diagnostic_id: int) -> None:
    delete_record(app, "diagnostic", diagnostic_id)


def delete_suspension(app: AppContext, suspension_id: int) -> None:
    delete_record(app, "suspension", suspension_id)


def delete_comite(app: AppContext, comite_id: int) -> None:
    delete_record(app, "comite", comite_id)


def delete_atelier(app: AppContext, atelier_id: int) -> None:
    """Delete an atelier and its attendance list."""
    delete_record(app, "atelier", atelier_id)
