"""Finances of an operation: staff and their monthly costs, expenses with invoices, resources and
instalments, the budget, and the estimate of the grant to expect.

Every figure of :func:`finance_view` comes from :mod:`aapdesk.domain.finances`; the activity
and exit figures the estimates need come from the same services as the Activité and Sorties
pages, so the Finances page, the CLI and the reports agree to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from aapdesk.domain import finances as fin
from aapdesk.domain.dispositif import Dispositif, FundingModel, parse_dispositif
from aapdesk.domain.money import round_cents
from aapdesk.domain.periods import Period, YearMonth, as_of_default
from aapdesk.domain.problems import Problem, require
from aapdesk.services.context import AppContext, journal
from aapdesk.services.deletions import delete_record
from aapdesk.services.documents import add_document_row, staged_attachment
from aapdesk.storage.schema import CoutPersonnel, Depense, Document, LigneBudget, Operation, Personnel, Ressource, Versement

FINANCEURS = {"departement": "Département", "fse": "FSE+", "etat": "État", "commune": "Commune ou EPCI",
              "fonds_propres": "Fonds propres", "autre": "Autre financeur"}
VERSEMENTS = {"avance": "Avance", "acompte": "Acompte", "solde": "Solde"}
CONTRATS = {"CDI": "CDI", "CDD": "CDD", "CDDI": "CDDI", "autre": "Autre"}
JUSTIFICATIONS = {"lettre_mission": "Lettre de mission (affectation mensuelle fixe)", "fiche_temps": "Fiches temps"}
HUNDRED = Decimal(100)


def _operation(session, operation_id: int) -> Operation:  # type: ignore[no-untyped-def]
    op = session.get(Operation, operation_id)
    if op is None:
        raise LookupError("opération introuvable")
    return op


# --- staff ------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffInput:
    nom: str
    prenom: str
    fonction: str
    contrat: str = "CDI"
    etp: Decimal = Decimal(1)
    taux_affectation_pct: Decimal = HUNDRED
    justification: str = "lettre_mission"


def save_staff(app: AppContext, operation_id: int, data: StaffInput, staff_id: int | None = None) -> int:
    problems = []
    if not data.nom.strip() or not data.prenom.strip():
        problems.append(Problem("nom", "le nom et le prénom sont obligatoires"))
    if data.fonction not in fin.FUNCTIONS:
        problems.append(Problem("fonction", "fonction inconnue"))
    if data.contrat not in CONTRATS:
        problems.append(Problem("contrat", "type de contrat inconnu"))
    if not Decimal(0) < data.etp <= Decimal("1.5"):
        problems.append(Problem("etp", "l'ETP doit être compris entre 0 et 1,5"))
    if not Decimal(0) <= data.taux_affectation_pct <= HUNDRED:
        problems.append(Problem("taux_affectation", "le taux d'affectation doit être compris entre 0 et 100 %"))
    if data.justification not in JUSTIFICATIONS:
        problems.append(Problem("justification", "justification inconnue"))
    require(problems)
    now = app.now()
    with app.transaction() as session:
        _operation(session, operation_id)
        row = session.get(Personnel, staff_id) if staff_id else None
        if row is None:
            row = Personnel(operation_id=operation_id)
            session.add(row)
        row.nom, row.prenom, row.fonction = " ".join(data.nom.split()).upper(), " ".join(data.prenom.split()), data.fonction
        row.contrat, row.etp, row.taux_affectation_pct, row.justification = (
            data.contrat, data.etp, data.taux_affectation_pct, data.justification)
        session.flush()
        journal(session, now, "modification" if staff_id else "creation", "personnel", row.id, operation_id=operation_id)
        return row.id


@dataclass(frozen=True)
class StaffCostInput:
    personnel_id: int
    mois: YearMonth
    cout_charge: Decimal | None
    taux_affectation_pct: Decimal | None = None  # None: the person's default


def save_staff_costs(app: AppContext, operation_id: int, lines: list[StaffCostInput]) -> int:
    """Record monthly loaded costs, all or nothing; problems name the person's line and the month."""
    now = app.now()
    with app.transaction() as session:
        op = _operation(session, operation_id)
        staff = {p.id: p for p in session.scalars(select(Personnel).where(Personnel.operation_id == operation_id))}
        problems = []
        for line in lines:
            person = staff.get(line.personnel_id)
            where = f"{line.mois.label}"
            if person is None:
                problems.append(Problem(where, "ce salarié n'est pas rattaché à l'opération"))
                continue
            taux = line.taux_affectation_pct if line.taux_affectation_pct is not None else person.taux_affectation_pct
            for p in fin.check_staff_input(line.cout_charge, taux / HUNDRED if taux is not None else None):
                problems.append(Problem(where, p.message))
            if not (YearMonth.of(op.debut) <= line.mois <= YearMonth.of(op.fin)):
                problems.append(Problem(where, "mois en dehors de la période de l'opération"))
        require(problems)
        for line in lines:
            person = staff[line.personnel_id]
            row = session.scalar(select(CoutPersonnel).where(CoutPersonnel.personnel_id == line.personnel_id,
                                                             CoutPersonnel.mois == line.mois.first_day))
            if row is None:
                row = CoutPersonnel(personnel_id=line.personnel_id, mois=line.mois.first_day)
                session.add(row)
            row.cout_charge = line.cout_charge
            row.taux_affectation_pct = (line.taux_affectation_pct if line.taux_affectation_pct is not None
                                        else person.taux_affectation_pct)
        journal(session, now, "saisie_salaires", "cout_personnel", None, operation_id=operation_id,
                details=f"{len(lines)} mois")
        return len(lines)


# --- expenses -----------------------------------------------------------------------

@dataclass(frozen=True)
class ExpenseInput:
    date: date | None
    categorie: str
    libelle: str
    montant: Decimal | None
    fournisseur: str = ""
    numero_piece: str = ""
    date_paiement: date | None = None


def save_expense(app: AppContext, operation_id: int, data: ExpenseInput, expense_id: int | None = None,
                 invoice: Path | None = None) -> int:
    """Create or edit an expense; an invoice file given here is stored in the same user action."""
    require(fin.check_expense_input(data.montant, data.categorie, data.date, data.date_paiement, data.libelle))
    now = app.now()
    with staged_attachment(app, invoice) as staged:
        with app.transaction() as session:
            _operation(session, operation_id)
            row = session.get(Depense, expense_id) if expense_id else None
            if row is None:
                row = Depense(operation_id=operation_id, created_at=now)
                session.add(row)
            row.date, row.categorie, row.libelle, row.montant = data.date, data.categorie, data.libelle.strip(), data.montant
            row.fournisseur = data.fournisseur.strip() or None
            row.numero_piece = data.numero_piece.strip() or None
            row.date_paiement, row.updated_at = data.date_paiement, now
            session.flush()
            journal(session, now, "modification" if expense_id else "creation", "depense", row.id,
                    operation_id=operation_id)
            if staged is not None:
                add_document_row(session, staged, now, nature="facture", depense_id=row.id)
            return row.id


def delete_expense(app: AppContext, expense_id: int) -> None:
    """Delete an expense and its invoices (the files go if nothing else uses them)."""
    delete_record(app, "depense", expense_id)


def delete_staff(app: AppContext, staff_id: int) -> None:
    """Delete a member of staff entered by mistake, with their monthly costs."""
    delete_record(app, "personnel", staff_id)


def delete_resource(app: AppContext, resource_id: int) -> None:
    """Delete a planned resource and the instalments received under it."""
    delete_record(app, "ressource", resource_id)


def delete_versement(app: AppContext, versement_id: int) -> None:
    delete_record(app, "versement", versement_id)


# --- resources, instalments, budget, assumptions ------------------------------------------

def save_resource(app: AppContext, operation_id: int, financeur: str, montant_prevu: Decimal | None,
                  libelle: str = "", resource_id: int | None = None) -> int:
    problems = []
    if financeur not in FINANCEURS:
        problems.append(Problem("financeur", "financeur inconnu"))
    if montant_prevu is None or montant_prevu < 0:
        problems.append(Problem("montant_prevu", "le montant prévu doit être positif ou nul"))
    require(problems)
    now = app.now()
    with app.transaction() as session:
        _operation(session, operation_id)
        row = session.get(Ressource, resource_id) if resource_id else None
        if row is None:
            row = Ressource(operation_id=operation_id)
            session.add(row)
        row.financeur, row.libelle, row.montant_prevu = financeur, libelle.strip(), montant_prevu
        session.flush()
        journal(session, now, "modification" if resource_id else "creation", "ressource", row.id, operation_id=operation_id)
        return row.id


def add_versement(app: AppContext, resource_id: int, day: date | None, nature: str, montant: Decimal | None) -> int:
    problems = []
    if day is None:
        problems.append(Problem("date", "la date du versement est obligatoire"))
    if nature not in VERSEMENTS:
        problems.append(Problem("nature", "choisissez avance, acompte ou solde"))
    if montant is None or montant <= 0:
        problems.append(Problem("montant", "le montant reçu doit être positif"))
    require(problems)
    now = app.now()
    with app.transaction() as session:
        resource = session.get(Ressource, resource_id)
        if resource is None:
            raise LookupError("ressource introuvable")
        row = Versement(ressource_id=resource_id, date=day, nature=nature, montant=montant)
        session.add(row)
        session.flush()
        journal(session, now, "creation", "versement", row.id, operation_id=resource.operation_id)
        return row.id


def save_budget(app: AppContext, operation_id: int, planned: dict[str, Decimal]) -> None:
    problems = [Problem(k, "catégorie inconnue") for k in planned if k not in fin.CATEGORIES]
    problems += [Problem(k, "le montant prévu doit être positif ou nul") for k, v in planned.items() if v is None or v < 0]
    require(problems)
    now = app.now()
    with app.transaction() as session:
        _operation(session, operation_id)
        for categorie, amount in planned.items():
            row = session.scalar(select(LigneBudget).where(LigneBudget.operation_id == operation_id,
                                                           LigneBudget.categorie == categorie))
            if row is None:
                row = LigneBudget(operation_id=operation_id, categorie=categorie)
                session.add(row)
            row.montant_prevu = amount
        journal(session, now, "modification", "ligne_budget", None, operation_id=operation_id,
                details=",".join(sorted(planned)))


@dataclass(frozen=True)
class Assumptions:
    """Editable assumptions of the estimate; each is shown in French next to the figure."""

    qualite: Decimal = Decimal(1)  # score of the qualitative part, 0..1
    sessions_prevues: int | None = None


def save_assumptions(app: AppContext, operation_id: int, data: Assumptions) -> None:
    problems = []
    if not Decimal(0) <= data.qualite <= Decimal(1):
        problems.append(Problem("qualite", "la part qualitative doit être estimée entre 0 et 100 %"))
    if data.sessions_prevues is not None and data.sessions_prevues < 0:
        problems.append(Problem("sessions_prevues", "le nombre de sessions prévues doit être positif"))
    require(problems)
    now = app.now()
    with app.transaction() as session:
        op = _operation(session, operation_id)
        op.hypotheses = {"qualite": str(data.qualite), "sessions_prevues": data.sessions_prevues}
        journal(session, now, "modification", "operation", op.id, operation_id=op.id, details="hypotheses")


def _assumptions(op: Operation) -> Assumptions:
    raw = op.hypotheses or {}
    return Assumptions(Decimal(raw.get("qualite", "1")), raw.get("sessions_prevues"))


# --- the view ------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    id: int
    nom: str
    prenom: str
    fonction: str
    contrat: str
    etp: Decimal
    taux_affectation_pct: Decimal
    justification: str
    months: tuple[tuple[YearMonth, Decimal, Decimal, Decimal], ...]  # month, loaded cost, affectation %, eligible
    eligible: Decimal
    problems: tuple[str, ...]


@dataclass(frozen=True)
class ExpenseRow:
    id: int
    date: date
    categorie: str
    fournisseur: str
    numero_piece: str
    libelle: str
    montant: Decimal
    date_paiement: date | None
    invoices: int
    issues: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return fin.is_eligible(self.issues)


@dataclass(frozen=True)
class ResourceRow:
    id: int
    financeur: str
    libelle: str
    montant_prevu: Decimal
    recu: Decimal
    versements: tuple[tuple[int, date, str, Decimal], ...]


@dataclass(frozen=True)
class BudgetRow:
    categorie: str
    label: str
    prevu: Decimal
    realise: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.realise - self.prevu


@dataclass(frozen=True)
class FinanceView:
    operation_id: int
    code: str
    as_of: date
    rules: Dispositif
    staff: tuple[StaffRow, ...]
    expenses: tuple[ExpenseRow, ...]
    direct: dict[str, Decimal]
    indirect: fin.IndirectResult
    total_eligible: Decimal
    non_eligibles: Decimal
    budget: tuple[BudgetRow, ...]
    resources: tuple[ResourceRow, ...]
    estimate: fin.Estimate | None
    received_from_departement: Decimal
    assumptions: Assumptions = field(default_factory=Assumptions)

    @property
    def solde(self) -> Decimal | None:
        return None if self.estimate is None else self.estimate.solde(self.received_from_departement)


@dataclass(frozen=True)
class ActivityFigures:
    """What the estimate needs from the activity and exits, when the caller has computed it already."""

    mois_valorisables: int
    sorties_dynamiques: int
    taux_occupation: Decimal | None


def finance_view(app: AppContext, operation_id: int, au: date | None = None, *,
                 figures: ActivityFigures | None = None) -> FinanceView:
    with app.reading() as session:
        op = _operation(session, operation_id)
        rules = parse_dispositif(op.regles, f"opération {op.code}")
        as_of = as_of_default(app.today(), op.fin, au)
        period = Period(op.debut, op.fin)
        funding = rules.financement
        staff_rows = []
        for person in session.scalars(select(Personnel).where(Personnel.operation_id == op.id).order_by(Personnel.nom)):
            lines = session.scalars(select(CoutPersonnel).where(CoutPersonnel.personnel_id == person.id)
                                    .order_by(CoutPersonnel.mois)).all()
            months, problems, total = [], set(), Decimal(0)
            for line in lines:
                # a month counts once it has begun by the as-of date, like expenses paid by then
                if not period.contains(line.mois) or line.mois > as_of:
                    continue
                month_line = fin.StaffMonth(person.nom, person.fonction, line.cout_charge, line.taux_affectation_pct / HUNDRED)
                eligible = fin.eligible_staff_cost(month_line, funding)
                problems.update(fin.staff_month_problems(month_line, funding))
                months.append((YearMonth.of(line.mois), line.cout_charge, line.taux_affectation_pct, eligible))
                total += eligible
            staff_rows.append(StaffRow(person.id, person.nom, person.prenom, person.fonction, person.contrat, person.etp,
                                       person.taux_affectation_pct, person.justification, tuple(months), total,
                                       tuple(sorted(problems))))
        expense_rows = _expense_rows(session, op, funding, period, as_of)
        resources = []
        for r in session.scalars(select(Ressource).where(Ressource.operation_id == op.id).order_by(Ressource.id)):
            received = tuple((v.id, v.date, v.nature, v.montant) for v in r.versements if v.date <= as_of)
            resources.append(ResourceRow(r.id, r.financeur, r.libelle, r.montant_prevu,
                                         sum((v[3] for v in received), Decimal(0)), received))
        planned = {b.categorie: b.montant_prevu for b in session.scalars(select(LigneBudget).where(LigneBudget.operation_id == op.id))}
        assumptions = _assumptions(op)
        capacity = op.postes if op.postes is not None else op.places
        amount = op.montant
    direct = {c: Decimal(0) for c in fin.CATEGORIES}
    direct["personnel"] += sum((s.eligible for s in staff_rows), Decimal(0))
    for row in expense_rows:
        if row.eligible:
            direct[row.categorie] += row.montant
    indirect = fin.indirect_costs(direct, funding.charges_indirectes)
    total_direct = sum(direct.values(), Decimal(0))
    non_eligible = sum((r.montant for r in expense_rows if not r.eligible), Decimal(0))
    planned_direct = {c: planned.get(c, Decimal(0)) for c in fin.CATEGORIES}
    planned_indirect = fin.indirect_costs(planned_direct, funding.charges_indirectes).amount
    budget = [BudgetRow(c, label, planned_direct[c], direct[c]) for c, label in fin.CATEGORIES.items()]
    budget.append(BudgetRow("indirectes", "Charges indirectes", planned_indirect, indirect.amount))
    received = sum((r.recu for r in resources if r.financeur == "departement"), Decimal(0))
    estimate = None
    if amount is not None:
        estimate = _estimate(app, operation_id, rules, amount, as_of, capacity, assumptions, figures,
                             eligible_realised=total_direct + indirect.amount,
                             eligible_planned=sum(planned_direct.values(), Decimal(0)) + planned_indirect,
                             eligible_staff=direct["personnel"])
    return FinanceView(operation_id, op.code, as_of, rules, tuple(staff_rows), expense_rows, direct, indirect,
                       round_cents(total_direct + indirect.amount), round_cents(non_eligible), tuple(budget),
                       tuple(resources), estimate, received, assumptions)


def _expense_rows(session, op: Operation, funding, period: Period, as_of: date) -> tuple[ExpenseRow, ...]:  # type: ignore[no-untyped-def]
    expenses = session.scalars(select(Depense).where(Depense.operation_id == op.id).order_by(Depense.date, Depense.id)).all()
    invoice_counts: dict[int, int] = {}
    for (depense_id,) in session.execute(select(Document.depense_id).where(Document.depense_id.in_([e.id for e in expenses]))):
        invoice_counts[depense_id] = invoice_counts.get(depense_id, 0) + 1
    lines = [fin.ExpenseLine(e.id, e.date, e.categorie, e.montant, e.fournisseur or "", e.numero_piece or "",
                             e.date_paiement, invoice_counts.get(e.id, 0) > 0) for e in expenses]
    duplicates = fin.probable_duplicates(lines)
    return tuple(
        ExpenseRow(e.id, e.date, e.categorie, e.fournisseur or "", e.numero_piece or "", e.libelle, e.montant,
                   e.date_paiement, invoice_counts.get(e.id, 0),
                   tuple(fin.expense_issues(line, period, as_of, funding.categories_eligibles, duplicates)))
        for e, line in zip(expenses, lines))


def activity_figures(app: AppContext, operation_id: int, as_of: date) -> ActivityFigures:
    from aapdesk.services import activity, exits

    data = activity.operation_activity(app, operation_id)
    return ActivityFigures(activity.build_hours_grid(data, as_of).totals.valorisables,
                           exits.exits_view(app, operation_id, as_of).summary.dynamiques,
                           activity.build_file_active_view(data, as_of).taux_occupation)


def _estimate(app: AppContext, operation_id: int, rules: Dispositif, amount: Decimal, as_of: date,
              capacity: int | None, assumptions: Assumptions, figures: ActivityFigures | None, *,
              eligible_realised: Decimal, eligible_planned: Decimal, eligible_staff: Decimal) -> fin.Estimate:
    from aapdesk.services import activity

    model = rules.financement.modele
    if model in (FundingModel.SIAE_90_5_5, FundingModel.PRIX_PLACE, FundingModel.FORFAIT_NORD):
        figures = figures or activity_figures(app, operation_id, as_of)
    if model is FundingModel.SIAE_90_5_5:
        return fin.estimate_siae(amount, rules.financement, postes=capacity or 0,
                                 mois_valorisables=figures.mois_valorisables,
                                 sorties_dynamiques=figures.sorties_dynamiques, qualite=assumptions.qualite)
    if model in (FundingModel.PRIX_PLACE, FundingModel.FORFAIT_NORD):
        rate = figures.taux_occupation or Decimal(0)
        if model is FundingModel.PRIX_PLACE:
            return fin.estimate_prix_place(amount, rules.financement, taux_occupation=rate, qualite=assumptions.qualite)
        return fin.estimate_forfait(amount, taux_occupation=rate)
    if model is FundingModel.DEPENSES:
        return fin.estimate_depenses(amount, eligible_realised=eligible_realised, eligible_planned=eligible_planned)
    if model is FundingModel.FSE_CONTREPARTIE:
        return fin.estimate_fse(amount, rules.financement, eligible_staff=eligible_staff)
    if model is FundingModel.SESSIONS:
        held = sum(1 for a in activity.list_ateliers(app, operation_id) if a.date <= as_of)
        return fin.estimate_sessions(amount, rules.financement, held=held, planned=assumptions.sessions_prevues or held or 1)
    return fin.estimate_annual(amount)


def expense_todos(app: AppContext, au: date | None = None) -> list[tuple[str, ExpenseRow]]:
    """Expenses of operations in progress (or ended less than 3 months ago, bilan time) with an issue."""
    found = []
    today = au or app.today()
    with app.reading() as session:
        for op in session.scalars(select(Operation).order_by(Operation.code)):
            if op.fin < today - timedelta(days=92) or op.debut > today:
                continue
            rules = parse_dispositif(op.regles, f"opération {op.code}")
            rows = _expense_rows(session, op, rules.financement, Period(op.debut, op.fin), min(today, op.fin + timedelta(days=92)))
            found += [(op.code, row) for row in rows if row.issues]
    return found


def write_time_sheet(app: AppContext, personnel_id: int, month: YearMonth, dest: Path | None = None) -> Path:
    """The staff member's monthly time sheet (PDF) to print and sign; no personal data in the file name."""
    from aapdesk.files import write_atomically
    from aapdesk.formatting import format_operation, format_percent
    from aapdesk.reports.fiche_temps import TimeSheet, write_time_sheet as write_pdf
    from aapdesk.storage.schema import Structure

    with app.reading() as session:
        person = session.get(Personnel, personnel_id)
        if person is None:
            raise LookupError("salarié introuvable")
        op = session.get(Operation, person.operation_id)
        structure = session.scalar(select(Structure.nom).limit(1)) or ""
        sheet = TimeSheet(structure, format_operation(op.code, op.intitule), f"{person.prenom} {person.nom}",
                          fin.FUNCTIONS.get(person.fonction, person.fonction), month,
                          format_percent(person.taux_affectation_pct / HUNDRED), app.today())
    dest = dest or app.db.paths.exports_dir / f"fiche-temps-{op.code}-{month}-{personnel_id}.pdf"
    return write_atomically(Path(dest), lambda handle: write_pdf(sheet, handle))
