"""Data for the CRE, the bilan d'exécution and the bilan pédagogique, and their registration.

Every figure comes from the views the screens use (:func:`activity.build_hours_grid`,
:func:`exits.exits_view`, :func:`finances.finance_view`, :func:`activity.file_active_view`), so
a file always says what the Activité, Sorties and Finances pages say. The CRE reads everything
it needs in one session with one query per kind of record — never one per participant — so 500
beneficiaries take a few seconds.

Registered reports: ``cre`` (pdf, xlsx), ``bilan-execution`` (xlsx, pdf), ``bilan-pedagogique`` (pdf).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aapdesk.domain.activity import ParcoursSpan, present_months
from aapdesk.domain.dispositif import Dispositif, FileActiveMode, FundingModel, parse_dispositif
from aapdesk.domain.exits import CATEGORY_LABELS, DYNAMIC, ExitCategory
from aapdesk.domain.finances import CATEGORIES, FUNCTIONS, ISSUES
from aapdesk.domain.participants import is_under
from aapdesk.domain.periods import Period, age_on, as_of_default
from aapdesk.domain.references import NIVEAUX_FORMATION, PRESCRIPTEURS
from aapdesk.formatting import format_hours, format_month, format_number, format_percent
from aapdesk.reports import bilan_execution as be
from aapdesk.reports import bilan_pedagogique as bp
from aapdesk.reports import cre
from aapdesk.reports.model import KeyFigure, Kind
from aapdesk.services import activity, exits, finances
from aapdesk.services.context import AppContext
from aapdesk.services.report_registry import Cancelled, Progress, ReportCancelled, ReportRequest, ReportSpec, register
from aapdesk.storage.schema import (
    Atelier,
    AtelierPresence,
    BilanSection,
    Cer,
    Document,
    Entretien,
    Operation,
    Parcours,
    Participant,
    Sortie,
    Structure,
)

FUNDING_LABELS = {
    FundingModel.SIAE_90_5_5: "SIAE – 90 % mois d'accompagnement, 5 % sorties dynamiques, 5 % qualité",
    FundingModel.PRIX_PLACE: "prix à la place – part quantitative (occupation) et part qualitative",
    FundingModel.FORFAIT_NORD: "forfait au prorata des places occupées",
    FundingModel.DEPENSES: "au prorata des dépenses éligibles réalisées",
    FundingModel.FSE_CONTREPARTIE: "contrepartie FSE+ – frais de personnel et forfait de 40 %",
    FundingModel.SESSIONS: "sessions – part au démarrage et part selon les sessions réalisées",
    FundingModel.FONCTIONNEMENT_ANNUEL: "fonctionnement annuel",
}
AGE_BANDS = ((0, 26, "Moins de 26 ans"), (26, 45, "26 à 44 ans"), (45, 55, "45 à 54 ans"), (55, 200, "55 ans et plus"))


# --- shared reading ---------------------------------------------------------------------

def _operation(session: Session, operation_id: int) -> Operation:
    op = session.get(Operation, operation_id)
    if op is None:
        raise LookupError("opération introuvable")
    return op


def _structure(session: Session) -> str:
    return session.scalar(select(Structure.nom).limit(1)) or ""


def _as_of(app: AppContext, op: Operation, au: date | None) -> date:
    return as_of_default(app.today(), op.fin, au)


def _rules(op: Operation) -> Dispositif:
    return parse_dispositif(op.regles, f"opération {op.code}")


def _mad_rule(rules: Dispositif) -> str:
    urbain, rural = rules.financement.seuil_mad_urbain, rules.financement.seuil_mad_rural
    parts = []
    if urbain is not None:
        parts.append(f"{format_hours(urbain)} par mois en zone urbaine")
    if rural is not None:
        parts.append(f"{format_hours(rural)} en zone rurale")
    return ", ".join(parts)


def accompanied(session: Session, op: Operation, as_of: date) -> dict[int, tuple[Participant, date]]:
    """People with a parcours active at least one day from the start to ``as_of``, with their first
    entry in the operation — the same people :func:`reporting.participants_counts` counts."""
    window = Period(op.debut, max(op.debut, as_of))
    found: dict[int, tuple[Participant, date]] = {}
    if as_of < op.debut:
        return found
    rows = session.execute(select(Parcours, Participant).join(Participant, Participant.id == Parcours.participant_id)
                           .where(Parcours.operation_id == op.id)).all()
    for parcours, person in rows:
        span = ParcoursSpan(parcours.id, parcours.date_entree, parcours.date_sortie)
        if not present_months(span, window, as_of):
            continue
        known = found.get(person.id)
        found[person.id] = (person, min(known[1], parcours.date_entree) if known else parcours.date_entree)
    return found


def _check(cancelled: Cancelled) -> None:
    if cancelled():
        raise ReportCancelled()


# --- CRE ------------------------------------------------------------------------------------

def cre_data(app: AppContext, operation_id: int, au: date | None = None) -> cre.CreData:
    """Everything the CRE of an operation shows, read once (one query per kind of record)."""
    with app.reading() as session:
        op = _operation(session, operation_id)
        as_of = _as_of(app, op, au)
        data = activity.load_activity(session, op.id)
        grid = activity.build_hours_grid(data, as_of)
        in_operation = select(Parcours.id).where(Parcours.operation_id == op.id)
        people = {p.id: p for p in session.scalars(
            select(Participant).where(Participant.id.in_(select(Parcours.participant_id)
                                                         .where(Parcours.operation_id == op.id))))}
        interviews: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for parcours_id, day, modalite in session.execute(
                select(Entretien.parcours_id, Entretien.date, Entretien.modalite)
                .where(Entretien.parcours_id.in_(in_operation), Entretien.date <= as_of)
                .order_by(Entretien.date, Entretien.id)):
            interviews[parcours_id].append((day, activity.MODALITES.get(modalite, modalite)))
        cers: dict[int, list[date]] = defaultdict(list)
        for parcours_id, day in session.execute(
                select(Cer.parcours_id, Cer.date_signature)
                .where(Cer.parcours_id.in_(in_operation), Cer.valide.is_(True), Cer.date_signature <= as_of)
                .order_by(Cer.date_signature)):
            cers[parcours_id].append(day)
        attended: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for person_id, day, title in session.execute(
                select(AtelierPresence.participant_id, Atelier.date, Atelier.titre)
                .join(Atelier, Atelier.id == AtelierPresence.atelier_id)
                .where(Atelier.operation_id == op.id, AtelierPresence.present.is_(True), Atelier.date <= as_of)
                .order_by(Atelier.date, Atelier.id)):
            attended[person_id].append((day, title))
        proofs: dict[int, list[str]] = defaultdict(list)
        for parcours_id, name in session.execute(
                select(Sortie.parcours_id, Document.nom_original).join(Document, Document.sortie_id == Sortie.id)
                .where(Sortie.parcours_id.in_(in_operation)).order_by(Document.ajoute_le, Document.id)):
            proofs[parcours_id].append(name)
        structure = _structure(session)
        rules = data.rules
        code, intitule, debut, fin = op.code, op.intitule, op.debut, op.fin
    exit_rows = {row.parcours_id: row for row in exits.exits_view(app, operation_id, as_of).rows}
    participants = []
    for info, row in zip(data.parcours, grid.rows):
        span = info.span
        if span.entry > as_of or (span.exit is not None and span.exit < debut):
            continue  # not yet accompanied at the date chosen, or ended before this operation
        person = people[info.participant_id]
        # the ateliers of this parcours: a re-entry keeps each parcours' own, and a presence recorded
        # outside the parcours is not part of its account
        workshops = [(d, t) for d, t in attended.get(info.participant_id, [])
                     if span.entry <= d and (span.exit is None or d <= span.exit)]
        exit_row = exit_rows.get(span.id)
        exit_info = None
        if exit_row is not None:
            exit_info = cre.CreExit(
                date=exit_row.date_sortie, type_label=exit_row.type_label, duree_mois=exit_row.duree_contrat_mois,
                employeur=exit_row.employeur, categorie=exit_row.category_label if exit_row.type else "à qualifier",
                regle=exit_row.explanation, proof_required=exit_row.proof_required)
        participants.append(cre.CreParticipant(
            parcours_id=span.id, nom=person.nom, prenom=person.prenom, date_naissance=person.date_naissance,
            brsa=person.brsa, jeune=is_under(person.date_naissance, span.entry, rules.public.age_jeune),
            zone=row.zone, zone_par_defaut=person.zone is None, territoire=person.territoire or "",
            prescripteur=PRESCRIPTEURS.get(person.prescripteur or "", ""), referent=info.referent or "",
            orientation=info.orientation, entree=span.entry, sortie=span.exit, seuil_mad=row.threshold,
            months=tuple(c for c in row.months if c.present or c.mad or c.accompagnement),
            entretiens=tuple(interviews.get(span.id, ())), cers=tuple(cers.get(span.id, ())),
            ateliers=tuple(workshops), exit=exit_info, proofs=tuple(proofs.get(span.id, ())),
        ))
    return cre.CreData(
        structure=structure, operation_code=code, operation_intitule=intitule, dispositif=rules.label,
        debut=debut, fin=fin, as_of=as_of, generated_on=app.today(), age_jeune=rules.public.age_jeune,
        regle_mad=_mad_rule(rules), participants=tuple(participants))


def _build_cre(app: AppContext, request: ReportRequest, progress: Progress, cancelled: Cancelled) -> cre.CreData:
    progress(5, "Lecture des parcours, des heures et des sorties")
    data = cre_data(app, request.operation_id, request.as_of)
    _check(cancelled)
    progress(40, f"Mise en page de {len(data.participants)} comptes rendus")
    return data


def _write_cre(fmt: str, data: cre.CreData, handle: Any) -> None:
    if fmt == "pdf":
        cre.write_cre_pdf(data, handle)
    else:
        from aapdesk.reports.xlsx_writer import write_xlsx

        write_xlsx(cre.cre_report(data), handle)


# --- bilan d'exécution ------------------------------------------------------------------------

def participant_profile(app: AppContext, operation_id: int, as_of: date) -> be.Profile:
    with app.reading() as session:
        op = _operation(session, operation_id)
        people = list(accompanied(session, op, as_of).values())
    ages = []
    for low, high, label in AGE_BANDS:
        ages.append((label, sum(1 for p, entry in people if low <= age_on(p.date_naissance, entry) < high)))
    niveaux = [(code, label, sum(1 for p, _ in people if p.niveau_formation == code))
               for code, label in NIVEAUX_FORMATION.items()]
    unknown = sum(1 for p, _ in people if p.niveau_formation not in NIVEAUX_FORMATION)
    if unknown:
        niveaux.append(("", "Non renseigné", unknown))
    return be.Profile(
        total=len(people), femmes=sum(p.sexe == "F" for p, _ in people), hommes=sum(p.sexe == "M" for p, _ in people),
        ages=tuple(ages), brsa=sum(p.brsa for p, _ in people), rqth=sum(p.rqth for p, _ in people),
        qpv=sum(p.qpv for p, _ in people), niveaux=tuple(niveaux))


def exit_figures(view: exits.ExitsView) -> be.ExitFigures:
    summary = view.summary
    by_type: dict[tuple[str, str], int] = defaultdict(int)
    for row in view.rows:
        if row.type is not None:
            by_type[(row.type_label, row.category_label)] += 1
    return be.ExitFigures(
        variant=view.variant_label,
        categories=tuple((CATEGORY_LABELS[c], summary.counts[c], c in DYNAMIC, c is not ExitCategory.NON_COMPTEE)
                         for c in ExitCategory),
        types=tuple((label, category, n) for (label, category), n in
                    sorted(by_type.items(), key=lambda item: (-item[1], item[0]))),
        dynamiques=summary.dynamiques, comptees=summary.comptees, taux_dynamiques=summary.taux_dynamiques,
        a_qualifier=view.unqualified, pieces_manquantes=view.missing_proofs,
        objectives=tuple(be.ExitObjective(o.label, o.target, o.achieved, o.is_rate, o.met) for o in view.objectives))


def _has_exits_in_bilan(rules: Dispositif) -> bool:
    """3.13 and 5.6 ask for a bilan d'exécution without sorties dynamiques (domain.md §6.5)."""
    return not (rules.departement.value == "62" and rules.fiche in ("3.13", "5.6"))


def bilan_execution_data(app: AppContext, operation_id: int, au: date | None = None,
                         progress: Progress | None = None) -> be.BilanExecutionData:
    step = progress or (lambda _p, _s: None)
    with app.reading() as session:
        op = _operation(session, operation_id)
        as_of = _as_of(app, op, au)
        rules = _rules(op)
        structure = _structure(session)
        code, intitule, debut, fin = op.code, op.intitule, op.debut, op.fin
    step(10, "Salaires et dépenses")
    money = finances.finance_view(app, operation_id, as_of)
    step(40, "Sorties")
    exit_view = exits.exits_view(app, operation_id, as_of)
    step(55, "Participants et activité")
    profile = participant_profile(app, operation_id, as_of)
    staff = tuple(be.StaffLine(
        s.nom, s.prenom, FUNCTIONS.get(s.fonction, s.fonction), finances.CONTRATS.get(s.contrat, s.contrat), s.etp,
        s.taux_affectation_pct, finances.JUSTIFICATIONS.get(s.justification, s.justification), s.months, s.eligible,
        s.problems) for s in money.staff)
    eligible_categories = set(rules.financement.categories_eligibles)
    budget = tuple(be.BudgetLine(b.label, b.categorie == "indirectes", b.prevu, b.realise,
                                 b.categorie == "indirectes" or b.categorie in eligible_categories)
                   for b in money.budget)
    expenses = tuple(be.ExpenseLine(
        e.date, CATEGORIES.get(e.categorie, e.categorie), e.fournisseur, e.numero_piece, e.libelle,
        e.montant, e.date_paiement, e.eligible, ", ".join(ISSUES.get(i, i) for i in e.issues)) for e in money.expenses)
    resources = tuple(be.ResourceLine(
        finances.FINANCEURS.get(r.financeur, r.financeur), r.libelle, r.montant_prevu, r.recu,
        tuple((day, finances.VERSEMENTS.get(nature, nature), amount) for _, day, nature, amount in r.versements))
        for r in money.resources)
    estimate = None
    if money.estimate is not None:
        e = money.estimate
        entered = []
        if e.modele in (FundingModel.SIAE_90_5_5, FundingModel.PRIX_PLACE):
            entered.append(f"Hypothèse saisie sur la page Finances : qualité de l'accompagnement estimée à "
                           f"{format_percent(money.assumptions.qualite)}.")
        if e.modele is FundingModel.SESSIONS and money.assumptions.sessions_prevues is not None:
            entered.append(f"Hypothèse saisie sur la page Finances : {money.assumptions.sessions_prevues} sessions prévues.")
        estimate = be.EstimateFigures(FUNDING_LABELS.get(e.modele, e.modele.value), e.montant_conventionne,
                                      e.montant_estime, e.hypotheses, e.lignes, money.received_from_departement,
                                      money.solde if money.solde is not None else Decimal(0), tuple(entered))
    step(70, "Activité")
    figures = []
    if rules.uses_postes:
        grid = activity.hours_grid(app, operation_id, as_of)
        target = grid.months_target
        figures.append(KeyFigure("Mois d'accompagnement valorisables", grid.totals.valorisables, Kind.INT,
                                 target=target, met=grid.totals.valorisables >= target if target else None))
        figures.append(KeyFigure("Heures de mise à disposition", grid.totals.mad, Kind.HOURS))
    else:
        fa = activity.file_active_view(app, operation_id, as_of)
        if fa.taux_occupation is not None:
            figures.append(KeyFigure("Taux d'occupation des places", fa.taux_occupation, Kind.PERCENT))
    return be.BilanExecutionData(
        structure=structure, operation_code=code, operation_intitule=intitule, dispositif=rules.label,
        debut=debut, fin=fin, as_of=as_of, generated_on=app.today(), staff=staff, budget=budget,
        indirect_rule=rules.financement.charges_indirectes.libelle, indirect_explanation=money.indirect.explanation,
        total_eligible=money.total_eligible, non_eligibles=money.non_eligibles, expenses=expenses,
        resources=resources, exits=exit_figures(exit_view) if _has_exits_in_bilan(rules) else None,
        profile=profile, estimate=estimate, activity=tuple(figures))


def _build_bilan_execution(app: AppContext, request: ReportRequest, progress: Progress, cancelled: Cancelled):  # type: ignore[no-untyped-def]
    data = bilan_execution_data(app, request.operation_id, request.as_of, progress)
    _check(cancelled)
    progress(80, "Mise en forme")
    return be.build_bilan_execution(data)


# --- bilan pédagogique ----------------------------------------------------------------------

def _objectives(rules: Dispositif, grid: activity.HoursGrid, milestones: activity.MilestoneIndicators,
                exit_view: exits.ExitsView) -> tuple[tuple[str, str, str, bool | None], ...]:
    rows: list[tuple[str, str, str, bool | None]] = []
    if grid.months_target:
        rows.append(("Mois d'accompagnement valorisables (postes × 12)", format_number(grid.months_target),
                     format_number(grid.totals.valorisables), grid.totals.valorisables >= grid.months_target))
    for o in exit_view.objectives:
        rows.append((o.label, be.objective_text(o.target, o.is_rate), be.objective_text(o.achieved, o.is_rate), o.met))
    if milestones.entretiens_dus is not None:
        rows.append(("Entretiens individuels", format_number(milestones.entretiens_dus),
                     format_number(milestones.entretiens_realises), milestones.entretiens_realises >= milestones.entretiens_dus))
    if milestones.entretiens_physiques_dus is not None:
        rows.append(("dont entretiens physiques", format_number(milestones.entretiens_physiques_dus),
                     format_number(milestones.entretiens_physiques),
                     milestones.entretiens_physiques >= milestones.entretiens_physiques_dus))
    minimum = rules.jalons.taux_contractualisation_min
    if minimum is not None and milestones.taux_contractualisation is not None:
        rows.append(("Taux de contractualisation (CER validé)", f"au moins {format_percent(minimum)}",
                     format_percent(milestones.taux_contractualisation, 1),
                     milestones.taux_contractualisation >= minimum))
    if milestones.part_jeunes_max is not None and milestones.part_jeunes is not None:
        rows.append((f"Part des moins de {rules.public.age_jeune} ans", f"au plus {format_percent(milestones.part_jeunes_max)}",
                     format_percent(milestones.part_jeunes, 1), milestones.part_jeunes <= milestones.part_jeunes_max))
    return tuple(rows)


def bilan_pedagogique_data(app: AppContext, operation_id: int, au: date | None = None,
                           progress: Progress | None = None) -> bp.BilanPedagogique:
    step = progress or (lambda _p, _s: None)
    with app.reading() as session:
        op = _operation(session, operation_id)
        as_of = _as_of(app, op, au)
        rules = _rules(op)
        structure = _structure(session)
        code, intitule, debut, fin = op.code, op.intitule, op.debut, op.fin
        texts = {row.code: row.texte for row in session.scalars(
            select(BilanSection).where(BilanSection.operation_id == op.id))}
        people = list(accompanied(session, op, as_of).values())
    step(10, "File active et heures")
    fa = activity.file_active_view(app, operation_id, as_of)
    grid = activity.hours_grid(app, operation_id, as_of)
    step(35, "Accompagnement")
    milestones = activity.milestone_indicators(app, operation_id, as_of)
    step(50, "Sorties")
    exit_view = exits.exits_view(app, operation_id, as_of)
    step(60, "Comités et ateliers")
    comites = [c for c in activity.list_comites(app, operation_id) if c.date <= as_of]
    ateliers = [a for a in activity.list_ateliers(app, operation_id) if a.date <= as_of]
    capacity_label = "Postes" if rules.uses_postes else "Places"
    young = sum(1 for p, entry in people if is_under(p.date_naissance, entry, rules.public.age_jeune))
    accompaniment = [
        ("Participants accompagnés", format_number(len(people))),
        ("dont bénéficiaires du RSA", format_number(sum(p.brsa for p, _ in people))),
        (f"dont moins de {rules.public.age_jeune} ans à l'entrée", format_number(young)),
        ("dont femmes", format_number(sum(p.sexe == "F" for p, _ in people))),
        ("Entretiens individuels réalisés", format_number(milestones.entretiens_realises)),
        ("dont entretiens physiques", format_number(milestones.entretiens_physiques)),
        ("Parcours avec un CER validé", f"{milestones.parcours_avec_cer} sur {milestones.parcours_accueillis}"
         + (f" ({format_percent(milestones.taux_contractualisation)})" if milestones.taux_contractualisation is not None else "")),
    ]
    if milestones.delai_moyen_premier_rdv is not None:
        accompaniment.append(("Délai moyen entre l'orientation et le premier rendez-vous",
                              f"{format_number(milestones.delai_moyen_premier_rdv, 1)} jours"))
    accompaniment.append(("Mois de présence des participants", format_number(grid.totals.presents)))
    if rules.uses_postes:
        accompaniment.append(("Mois valorisables", format_number(grid.totals.valorisables)))
    if rules.uses_postes or grid.totals.mad:
        accompaniment.append(("Heures de mise à disposition", format_hours(grid.totals.mad)))
    accompaniment.append(("Heures d'accompagnement", format_hours(grid.totals.accompagnement)))
    accompaniment.append(("Ateliers collectifs réalisés", format_number(len(ateliers))))
    prescribers: dict[str, int] = defaultdict(int)
    for person, _ in people:
        prescribers[PRESCRIPTEURS.get(person.prescripteur or "", "Non renseigné")] += 1
    inputs = bp.IndicatorInputs(
        capacity_label=capacity_label,
        file_active=tuple((format_month(m.month), m.entrees, m.sorties, m.file_active, m.places, m.occupation)
                          for m in fa.months),
        taux_occupation=fa.taux_occupation,
        file_active_annuelle=tuple((y.year, y.day, y.file_active, y.places, y.occupation) for y in fa.years)
        if fa.mode is FileActiveMode.ANNUELLE else (),
        comites=tuple((c.date, activity.COMITE_NATURES.get(c.nature, c.nature), c.participants) for c in comites),
        accompagnement=tuple(accompaniment),
        exits=exit_figures(exit_view),
        objectifs=_objectives(rules, grid, milestones, exit_view),
        indicateurs_fiche=tuple((i.libelle, i.objectif) for i in rules.indicateurs),
        prescripteurs=tuple(sorted(prescribers.items(), key=lambda item: (-item[1], item[0]))),
        ateliers=tuple((a.date, a.titre, a.duree_minutes, a.animateur, len(a.inscrits),
                        sum(1 for *_, present in a.inscrits if present)) for a in ateliers),
    )
    step(75, "Mise en forme")
    specs = bp.expected_sections(rules.departement.value, rules.fiche, rules.uses_postes)
    return bp.build_bilan_pedagogique(
        structure=structure, operation_code=code, operation_intitule=intitule, dispositif=rules.label,
        debut=debut, fin=fin, as_of=as_of, generated_on=app.today(), specs=specs, texts=texts, inputs=inputs)


def _build_bilan_pedagogique(app: AppContext, request: ReportRequest, progress: Progress,
                             cancelled: Cancelled) -> bp.BilanPedagogique:
    data = bilan_pedagogique_data(app, request.operation_id, request.as_of, progress)
    _check(cancelled)
    return data


def _write_bilan_pedagogique(fmt: str, data: bp.BilanPedagogique, handle: Any) -> None:
    bp.write_bilan_pedagogique_pdf(data, handle)


register(ReportSpec(
    name="cre", label="Comptes rendus d'exécution (CRE)", formats=("pdf", "xlsx"), build=_build_cre,
    description="Un compte rendu par bénéficiaire (une page chacun en PDF, une ligne par mois en xlsx), "
                "avec les blocs de signature du porteur de projet et du SLAI.",
    write=_write_cre))
register(ReportSpec(
    name="bilan-execution", label="Bilan d'exécution", formats=("xlsx", "pdf"), build=_build_bilan_execution,
    description="Salaires, récapitulatifs des dépenses et des ressources, sorties dynamiques, profil des "
                "participants et estimation de la subvention."))
register(ReportSpec(
    name="bilan-pedagogique", label="Bilan pédagogique", formats=("pdf",), build=_build_bilan_pedagogique,
    description="Les sections rédigées dans aapdesk, avec les tableaux d'indicateurs insérés automatiquement ; "
                "une section vide porte la mention « À compléter ».",
    write=_write_bilan_pedagogique))
