"""A realistic, generated demo: a Pas-de-Calais association with operations on several funding models.

Everything is invented (names drawn from common French names, real communes), built
through the same services a user goes through, deterministic for a given seed and "today".
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.periods import add_months
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationInput, OperationRow, create_operation
from aapdesk.services.participants import DuplicateParticipantError, create_participant
from aapdesk.services.structure import StructureData, save_structure
from aapdesk.storage.schema import Operation, Participant

#: (commune, code postal, MDS territory, zone) — real Pas-de-Calais communes.
COMMUNES = (
    ("Arras", "62000", "Arrageois", "urbain"), ("Bapaume", "62450", "Arrageois", "rural"),
    ("Lens", "62300", "Lens-Liévin", "urbain"), ("Liévin", "62800", "Lens-Liévin", "urbain"),
    ("Avion", "62210", "Lens-Liévin", "urbain"), ("Hénin-Beaumont", "62110", "Hénin-Carvin", "urbain"),
    ("Carvin", "62220", "Hénin-Carvin", "urbain"), ("Oignies", "62590", "Hénin-Carvin", "urbain"),
    ("Béthune", "62400", "Artois", "urbain"), ("Bruay-la-Buissière", "62700", "Artois", "urbain"),
    ("Nœux-les-Mines", "62290", "Artois", "urbain"), ("Lillers", "62190", "Artois", "rural"),
    ("Calais", "62100", "Calaisis", "urbain"), ("Guînes", "62340", "Calaisis", "rural"),
    ("Boulogne-sur-Mer", "62200", "Boulonnais", "urbain"), ("Marquise", "62250", "Boulonnais", "rural"),
    ("Saint-Omer", "62500", "Audomarois", "urbain"), ("Aire-sur-la-Lys", "62120", "Audomarois", "rural"),
    ("Montreuil", "62170", "Montreuillois", "rural"), ("Hesdin", "62140", "Montreuillois", "rural"),
    ("Saint-Pol-sur-Ternoise", "62130", "Ternois", "rural"), ("Frévent", "62270", "Ternois", "rural"),
)
PRENOMS_F = ("Marie", "Nathalie", "Sandrine", "Céline", "Aurélie", "Émilie", "Sophie", "Léa", "Chloé",
             "Inès", "Fatima", "Amandine", "Maëlle", "Océane", "Noëlle", "Hélène", "Anaïs", "Zoé", "Aïcha", "Mélanie")
PRENOMS_M = ("Jean", "Kévin", "Julien", "Mickaël", "Sébastien", "Jérôme", "Mehdi", "Théo", "Lucas", "François",
             "Jean-Noël", "Grégory", "Loïc", "Yannick", "Rémi", "Cédric", "Moussa", "Hugo", "Bruno", "Mathéo")
NOMS = ("Lefebvre", "Dupont", "Leroy", "Lemaire", "Delattre", "Caron", "Dufour", "Vasseur", "Déprez", "Lefèvre",
        "Boulanger", "Carpentier", "Delannoy", "Wallet", "Hennebelle", "N'Diaye", "Benali", "Kowalski", "Lecœur",
        "Fournier", "Bécourt", "Dhaussy", "Mercier", "Pruvost", "Debève", "Szymański", "Lemoine", "Dubreucq",
        "Ramez", "Bouchez", "Fontaine", "Hochart")
REFERENTS = ("Claire Dubois", "Karim Benali", "Sophie Lenglet")


@dataclass(frozen=True)
class DemoPlan:
    key: str
    code: str
    debut: date
    fin: date
    share: float
    places: int | None = None
    postes: int | None = None
    etp: Decimal | None = None
    montant: Decimal | None = None
    zone: str = "urbain"


def demo_plans(today: date) -> list[DemoPlan]:
    """The demo's operations, placed around ``today``: last year's AI convention (complete, ready
    for its bilan), this year's référent and "Accompagner autrement" operations (in progress),
    and a Nord IOD year (another département's rules). The catalogue holds the 2024-2025 calls,
    so current operations use the latest fiche of their kind."""
    year = today.year
    return [
        DemoPlan("62-2024-3.10", f"AI-{year - 1}", date(year - 1, 1, 1), date(year - 1, 12, 31), 0.36, postes=20,
                 etp=Decimal("1.5"), montant=Decimal("46800")),
        DemoPlan("62-2024-SP", f"REF-SP-{year}", date(year, 1, 1), date(year, 12, 31), 0.22, places=20,
                 etp=Decimal("0.25"), montant=Decimal("10000")),
        DemoPlan("62-2025-3.15", f"ACCOMP-{year}", date(year, 1, 1), date(year, 12, 31), 0.17, places=15,
                 etp=Decimal("1"), montant=Decimal("62000")),
        DemoPlan("59-2019-I.1", "IOD-NORD-2021", date(2021, 1, 1), date(2021, 12, 31), 0.25, places=25,
                 etp=Decimal("1"), montant=Decimal("24200")),
    ]


def build_demo(app: AppContext, *, participants: int = 100, seed: int = 62) -> dict[str, int]:
    """Fill an empty database with the demo; returns counts. Refuses a database that has data."""
    from aapdesk.storage.db import relaxed_durability

    with app.reading() as session:
        has_data = (session.scalar(select(func.count()).select_from(Participant)) or 0) + (
            session.scalar(select(func.count()).select_from(Operation)) or 0)
    if has_data:
        raise ValidationError([Problem("", "la base contient déjà des données : la démonstration se crée "
                                            "dans un dossier de données vide (option --data-dir)")])
    with relaxed_durability(app.db.engine):
        counts = _build_demo(app, participants, seed)
    from aapdesk.storage.backup import create_backup

    create_backup(app.db.paths.db_path, app.db.paths.backups_dir, "manuelle", app.now())  # one durable checkpoint
    return counts


def _build_demo(app: AppContext, participants: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    today = app.today()
    save_structure(app, StructureData(
        nom="Association Avenir Emploi Artois (démonstration)", type_structure="AI",
        siret="89999900000008", adresse="12 rue des Tisserands", code_postal="62400", commune="Béthune"))
    operations: list[tuple[DemoPlan, OperationRow]] = []
    for plan in demo_plans(today):
        if plan.key not in app.catalogue.dispositifs:
            continue
        row = create_operation(app, OperationInput(
            code=plan.code, dispositif_key=plan.key, debut=plan.debut, fin=plan.fin, places=plan.places,
            postes=plan.postes, etp=plan.etp, montant=plan.montant, zone_defaut=plan.zone,
            territoires=("Artois", "Lens-Liévin")))
        operations.append((plan, row))
    if not operations:
        raise ValidationError([Problem("", "aucun dispositif de la démonstration n'est dans le catalogue")])
    def elapsed(plan: DemoPlan) -> float:
        """Share of the operation already run: a convention that started last month has few people yet."""
        span = (plan.fin - plan.debut).days or 1
        return min(1.0, max(0.25, (min(today, plan.fin) - plan.debut).days / span))

    weights = [plan.share * elapsed(plan) for plan, _ in operations]
    created = 0
    attempts = 0
    while created < participants and attempts < participants * 5:
        attempts += 1
        plan, op = rng.choices(operations, weights=weights)[0]
        person, parcours = _random_person(rng, plan, today)
        try:
            create_participant(app, person, op.id, parcours)
        except DuplicateParticipantError:
            continue
        created += 1
    with tempfile.TemporaryDirectory() as scratch:
        for _plan, op in operations:
            _demo_activity(app, rng, op, today)
            _demo_exits(app, rng, op, Path(scratch))
            _demo_finances(app, rng, op, today, Path(scratch))
    return {"operations": len(operations), "participants": created}


def _demo_activity(app: AppContext, rng: random.Random, op: OperationRow, today: date) -> None:
    """Hours, first appointments, diagnostics, CER, interviews, ateliers and comités of one operation."""
    from aapdesk.domain.activity import present_months
    from aapdesk.domain.periods import Period
    from aapdesk.services import activity

    data = activity.operation_activity(app, op.id)
    period = data.period
    as_of = min(today, period.end)
    edits = []
    threshold_model = data.rules.financement.seuil_mad_urbain is not None
    for info in data.parcours:
        span = info.span
        last = min(span.exit or as_of, as_of)
        start = info.orientation or span.entry
        if rng.random() < 0.9 and (start + timedelta(days=3)) <= last:
            first = start + timedelta(days=rng.randint(3, min(25, (last - start).days)))
            activity.set_premier_rdv(app, span.id, first)
            activity.add_diagnostic(app, span.id, first, "initial")
            if rng.random() < 0.85 and first + timedelta(days=40) <= last:
                signature = first + timedelta(days=rng.randint(5, 40))
                cer = activity.add_cer(app, span.id, activity.CerInput(date_signature=signature))
                renewal = add_months(signature, 5)
                if renewal <= last and rng.random() < 0.7:
                    activity.request_cer_renewal(app, cer, renewal)
            day = first
            while True:
                day += timedelta(days=rng.randint(18, 45))
                if day > last:
                    break
                activity.add_entretien(app, span.id, activity.EntretienInput(
                    date=day, modalite=rng.choice(("physique", "physique", "telephone", "visio")),
                    duree_minutes=rng.choice((30, 45, 60, 90))))
        if rng.random() < 0.08 and span.entry + timedelta(days=60) < last:
            begin = span.entry + timedelta(days=rng.randint(30, 50))
            activity.add_suspension(app, span.id, activity.SuspensionInput(
                debut=begin, fin=begin + timedelta(days=rng.randint(7, 30)), motif="Absence injustifiée"))
        for month in present_months(span, Period(period.start, as_of)):
            mad = None
            if threshold_model:
                # most months comfortably above the threshold, some under it
                mad = Decimal(rng.choice((0, 4, 6.5, 9, 12, 15.5, 20, 24, 32, 40, 48, 60)))
            edits.append(activity.HoursEdit(span.id, month, mad=mad,
                                            accompagnement=Decimal(rng.choice((1, 1.5, 2, 3, 4, 6)))))
    if edits:
        activity.save_hours(app, op.id, edits)
    enrolled = [info.participant_id for info in data.parcours]
    titles = ("Atelier CV et lettre de motivation", "Découverte des métiers en tension", "Mobilité : permis et transports",
              "Numérique : démarches en ligne", "Savoir-être en entreprise")
    day = period.start + timedelta(days=20)
    for title in titles:
        if day > as_of or not enrolled:
            break
        inscrits = tuple(rng.sample(enrolled, min(len(enrolled), rng.randint(4, 9))))
        absents = tuple(pid for pid in inscrits if rng.random() < 0.15)
        activity.save_atelier(app, op.id, activity.AtelierInput(
            date=day, titre=title, duree_minutes=rng.choice((120, 150, 180)), animateur=rng.choice(REFERENTS),
            participant_ids=inscrits, absents=absents))
        day += timedelta(days=rng.randint(40, 70))
    frequency = data.rules.comites.frequence_mois or 3
    comite_day = add_months(period.start, frequency) - timedelta(days=5)
    while comite_day <= period.end:
        planned = comite_day > today
        activity.save_comite(app, op.id, activity.ComiteInput(
            date=comite_day, nature="suivi" if frequency <= 3 else "pilotage",
            participants="Référente SLAI, chargée de mission du Département, coordinatrice, référents",
            notes="" if planned else "Point sur les parcours en cours et les sorties prévues.",
            decisions="" if planned else "Poursuite des parcours ; deux orientations à confirmer avec le SLAI.",
            tableau_de_bord_envoye=not planned))
        if planned:
            break
        comite_day = add_months(comite_day, frequency)


def _random_person(rng: random.Random, plan: DemoPlan, today: date) -> tuple[ParticipantInput, ParcoursInput]:
    sexe = rng.choice("FM")
    prenom = rng.choice(PRENOMS_F if sexe == "F" else PRENOMS_M)
    commune, cp, territoire, zone = rng.choice(COMMUNES)
    last_day = min(plan.fin, today - timedelta(days=1))
    span = max((last_day - plan.debut).days, 1)
    # A few parcours started under the previous convention and carry over.
    if rng.random() < 0.12:
        entry = plan.debut - timedelta(days=rng.randint(15, 150))
    else:
        entry = plan.debut + timedelta(days=int(rng.random() ** 1.3 * span * 0.85))
    young = rng.random() < 0.15
    age = rng.randint(18, 25) if young else rng.randint(26, 61)
    birth = date(entry.year - age, rng.randint(1, 12), rng.randint(1, 28))
    if birth > entry - timedelta(days=365 * age):
        birth = birth.replace(year=birth.year - 1)
    exit_date = None
    if rng.random() < 0.45:
        candidate = add_months(entry, rng.randint(2, 11)) - timedelta(days=rng.randint(0, 20))
        if plan.debut <= candidate < last_day:
            exit_date = candidate
    person = ParticipantInput(
        nom=rng.choice(NOMS), prenom=prenom, sexe=sexe, date_naissance=birth,
        brsa=rng.random() < 0.8, rqth=rng.random() < 0.12,
        niveau_formation=rng.choice(("70", "51", "50", "41", "40", "60", "30")),
        commune=commune, code_postal=cp, zone=zone, qpv=rng.random() < 0.25, territoire=territoire,
        prescripteur=rng.choice(("05", "05", "05", "03", "01", "04")),
    )
    parcours = ParcoursInput(
        date_entree=entry, date_orientation=entry - timedelta(days=rng.randint(3, 40)),
        date_sortie=exit_date, referent=rng.choice(REFERENTS))
    return person, parcours


#: Exit types the demo draws from, weighted so that every category appears.
DEMO_EXITS = (
    ("CDI", 4), ("CDD", 7), ("INTERIM", 4), ("CONTRAT_AIDE", 3), ("CONTRAT_PRO", 1), ("APPRENTISSAGE", 1),
    ("CREATION_ENTREPRISE", 1), ("FONCTION_PUBLIQUE", 1), ("FORMATION_QUALIFIANTE", 4), ("EMBAUCHE_SIAE", 2),
    ("ACTION_INSERTION_PRO", 1), ("AUTRE_SORTIE_POSITIVE", 1), ("AAH", 1), ("CHOMAGE", 1), ("INVALIDITE", 1),
    ("IJ", 1), ("RETRAITE", 1), ("REORIENTATION", 2), ("DEMENAGEMENT", 1), ("ABANDON", 2), ("EXCLUSION", 1),
    ("SANS_SOLUTION", 1), ("AUTRE", 1), ("DECES", 1),
)
EMPLOYERS = ("Boulangerie Delattre", "Transports Artois Logistique", "Mairie de Béthune", "Clinique Sainte-Barbe",
             "Supermarché de Lens", "AFPA Liévin", "Chantier d'insertion Les Jardins du Ternois", "Intérim Nord Emploi")


def _demo_exits(app: AppContext, rng: random.Random, op: OperationRow, scratch: Path) -> None:
    """Qualify every demo exit, and attach a small generated proof to most dynamic ones."""
    from aapdesk.domain.exits import CONTRACT_TYPES, ExitInput, ExitType
    from aapdesk.services import documents, exits

    types, weights = zip(*DEMO_EXITS)
    for row in exits.exits_view(app, op.id).rows:
        exit_type = ExitType(rng.choices(types, weights=weights)[0])
        months = Decimal(str(rng.choice((2, 3, 4, 5.5, 6, 8, 12, 24)))) if exit_type in CONTRACT_TYPES else None
        sortie = exits.record_exit(app, row.parcours_id, row.date_sortie, ExitInput(
            exit_type, months, employeur=rng.choice(EMPLOYERS) if exit_type in CONTRACT_TYPES or
            exit_type in (ExitType.CDI, ExitType.FORMATION_QUALIFIANTE, ExitType.EMBAUCHE_SIAE) else ""))
        classified = next(r for r in exits.exits_view(app, op.id).rows if r.parcours_id == row.parcours_id)
        if classified.proof_required and rng.random() < 0.8:
            kind = "attestation" if exit_type is ExitType.FORMATION_QUALIFIANTE else "contrat"
            path = scratch / f"{kind}-{sortie}.pdf"
            _fake_proof(path, kind, row.date_sortie)
            documents.attach(app, path, sortie_id=sortie)


def _fake_proof(path: Path, kind: str, day: date) -> None:
    """A one-page PDF standing for a scanned contract, training certificate or invoice."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from aapdesk.reports.pdf_base import FONT, register_fonts

    register_fonts()
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    pdf.setFont(FONT, 16)
    title = {"attestation": "Attestation de formation", "facture": "Facture acquittée"}.get(kind, "Contrat de travail (copie)")
    pdf.drawString(72, 760, title)
    pdf.setFont(FONT, 10)
    pdf.drawString(72, 735, f"Document fictif de démonstration – prise d'effet le {day:%d/%m/%Y}")
    pdf.save()


def _demo_finances(app: AppContext, rng: random.Random, op: OperationRow, today: date, scratch: Path) -> None:
    """Staff and their monthly costs, expenses (a few with problems on purpose), resources, budget."""
    from aapdesk.domain.periods import Period
    from aapdesk.services import finances

    if op.montant is None:
        return
    period = Period(op.debut, op.fin)
    months = [m for m in period.months() if m.first_day <= today]
    staff = [("DUBOIS", "Claire", "cip", Decimal(100)), ("BENALI", "Karim", "encadrant_technique", Decimal(60)),
             ("LENGLET", "Sophie", "coordination", Decimal(40)), ("MARCHAND", "Paul", "support", Decimal(20))]
    for nom, prenom, fonction, taux in staff[: 2 + rng.randint(0, 2)]:
        person = finances.save_staff(app, op.id, finances.StaffInput(
            nom, prenom, fonction, "CDI", Decimal(1), taux, "lettre_mission" if taux == 100 else "fiche_temps"))
        base = Decimal(rng.choice((2650, 2890, 3120, 3480)))
        finances.save_staff_costs(app, op.id, [
            finances.StaffCostInput(person, m, base + Decimal(rng.randint(-60, 90))) for m in months])
    # SIAE and price-per-place fiches fund staff only: their expenses would all be ineligible.
    funds_expenses = op.rules is not None and "fonctionnement" in op.rules.financement.categories_eligibles
    if funds_expenses and op.rules.financement.modele.value in ("depenses", "fse_contrepartie"):
        suppliers = (("Loyers Artois Habitat", "fonctionnement", "Loyer du local", 850),
                     ("EDF", "fonctionnement", "Électricité", 160),
                     ("Transdev Artois", "participants", "Titres de transport des participants", 240),
                     ("Formations Nord Compétences", "prestations", "Module savoir-être (prestation)", 1800),
                     ("Bureau Vallée Béthune", "fonctionnement", "Fournitures de bureau", 95))
        for index, month in enumerate(months):
            supplier, category, label, amount = suppliers[index % len(suppliers)]
            day = month.first_day + timedelta(days=rng.randint(0, 20))
            paid = day + timedelta(days=rng.randint(5, 40))
            invoice = scratch / f"facture-{op.id}-{index}.pdf"
            _fake_proof(invoice, "facture", day)
            finances.save_expense(app, op.id, finances.ExpenseInput(
                day, category, label, Decimal(amount) + Decimal(rng.randint(0, 99)), supplier, f"F{op.id}{index:03d}",
                paid if paid <= today else None), invoice=invoice if rng.random() < 0.85 else None)
        # problems a coordinator should see: a duplicate and an expense outside the period
        if months:
            finances.save_expense(app, op.id, finances.ExpenseInput(
                months[0].first_day + timedelta(days=3), "fonctionnement", "Électricité (saisie en double)",
                Decimal(160), "EDF", f"F{op.id}001", months[0].first_day + timedelta(days=10)))
            finances.save_expense(app, op.id, finances.ExpenseInput(
                op.debut - timedelta(days=12), "fonctionnement", "Ordinateur portable acheté avant la convention",
                Decimal(689), "Bureau Vallée Béthune", f"F{op.id}999", op.debut - timedelta(days=5)))
    departement = finances.save_resource(app, op.id, "departement", op.montant, "Subvention de la convention")
    finances.add_versement(app, departement, op.debut + timedelta(days=45), "avance", (op.montant * Decimal("0.5")).quantize(Decimal("0.01")))
    finances.save_resource(app, op.id, "fonds_propres", (op.montant * Decimal("0.1")).quantize(Decimal(1)), "Participation de l'association")
    planned_staff = (op.montant * Decimal("0.75")).quantize(Decimal(1))
    finances.save_budget(app, op.id, {"personnel": planned_staff, "fonctionnement": Decimal(9000),
                                      "prestations": Decimal(6000), "participants": Decimal(2500)})
