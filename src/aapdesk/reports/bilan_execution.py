"""Bilan d'exécution: the quantitative half of the bilan final (domain.md §6.5) — salaries,
récapitulatif des dépenses (direct and indirect, planned against realised), récapitulatif des
ressources, sorties dynamiques (number and rate by sub-type and by type), the participants'
profile, and the grant estimate with its assumptions.

Pure: :func:`build_bilan_execution` turns :class:`BilanExecutionData` (gathered by
:mod:`aapdesk.services.reports_bilans` from the Finances, Sorties and Activité views) into a
format-neutral :class:`~aapdesk.reports.model.Report`; the generic xlsx and PDF writers write it.
The exit and profile tables are shared with the bilan pédagogique.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_date, format_money, format_number, format_operation, format_percent
from aapdesk.reports.model import Cell, CellValue, Column, KeyFigure, Kind, Report, Section, Table

ZERO = Decimal(0)
HUNDRED = Decimal(100)
FORECAST_NOTE = ("Le prévisionnel n'est pas saisi dans aapdesk : colonne à compléter dans E-Partenaire "
                 "à partir du dossier de demande.")


# --- input data ---------------------------------------------------------------------

@dataclass(frozen=True)
class StaffLine:
    nom: str
    prenom: str
    fonction: str  # French label
    contrat: str
    etp: Decimal
    affectation_pct: Decimal  # default affectation, in percent
    justification: str  # French label
    #: (month, loaded cost, affectation % that month, eligible cost)
    months: tuple[tuple[YearMonth, Decimal, Decimal, Decimal], ...]
    eligible: Decimal
    problems: tuple[str, ...] = ()

    @property
    def cout_charge(self) -> Decimal:
        return sum((m[1] for m in self.months), ZERO)


@dataclass(frozen=True)
class BudgetLine:
    label: str
    indirect: bool
    prevu: Decimal
    realise: Decimal
    eligible_category: bool = True


@dataclass(frozen=True)
class ExpenseLine:
    date: date
    categorie: str  # French label
    fournisseur: str
    numero_piece: str
    libelle: str
    montant: Decimal
    date_paiement: date | None
    retenue: bool
    motifs: str  # French, "" when none


@dataclass(frozen=True)
class ResourceLine:
    financeur: str  # French label
    libelle: str
    prevu: Decimal
    recu: Decimal
    versements: tuple[tuple[date, str, Decimal], ...] = ()  # date, nature (French), amount


@dataclass(frozen=True)
class ExitObjective:
    label: str
    target: Decimal
    achieved: Decimal
    is_rate: bool
    met: bool


@dataclass(frozen=True)
class ExitFigures:
    """The operation's exits classified by its own rules (the Sorties page's figures)."""

    variant: str  # the classification table's label
    #: (category label, count, dynamic?, counted in the rate's denominator?) in the fixed category order.
    categories: tuple[tuple[str, int, bool, bool], ...]
    #: (type label, category label, count), most frequent first.
    types: tuple[tuple[str, str, int], ...]
    dynamiques: int
    comptees: int
    taux_dynamiques: Decimal | None
    a_qualifier: int = 0
    pieces_manquantes: int = 0
    objectives: tuple[ExitObjective, ...] = ()


@dataclass(frozen=True)
class Profile:
    """Participants accompanied in the period (at least one day up to the as-of date), one count each."""

    total: int
    femmes: int
    hommes: int
    #: (band label, count) for < 26, 26-44, 45-54, 55+ at the entry date.
    ages: tuple[tuple[str, int], ...]
    brsa: int
    rqth: int
    qpv: int
    #: (ASP code, label, count) for every code, then ("", "Non renseigné", n).
    niveaux: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class EstimateFigures:
    modele: str  # French
    montant_conventionne: Decimal
    montant_estime: Decimal
    hypotheses: tuple[str, ...]
    lignes: tuple[tuple[str, Decimal], ...]
    recu_departement: Decimal
    solde: Decimal
    hypotheses_saisies: tuple[str, ...] = ()  # the editable assumptions, in French


@dataclass(frozen=True)
class BilanExecutionData:
    structure: str
    operation_code: str
    operation_intitule: str
    dispositif: str
    debut: date
    fin: date
    as_of: date
    generated_on: date
    staff: tuple[StaffLine, ...]
    budget: tuple[BudgetLine, ...]  # direct categories then the indirect line
    indirect_rule: str  # the fiche's wording of the rule
    indirect_explanation: str  # how the amount was computed
    total_eligible: Decimal
    non_eligibles: Decimal
    expenses: tuple[ExpenseLine, ...]
    resources: tuple[ResourceLine, ...]
    exits: ExitFigures | None  # None for fiches whose bilan has no sorties (3.13, 5.6)
    profile: Profile
    estimate: EstimateFigures | None
    activity: tuple[KeyFigure, ...] = field(default=())

    @property
    def operation(self) -> str:
        return format_operation(self.operation_code, self.operation_intitule)


# --- shared tables ------------------------------------------------------------------

def _rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def exit_tables(exits: ExitFigures) -> tuple[Table, ...]:
    """Sorties by category (sub-type of sortie dynamique), by type, and against the fiche's objectives."""
    rate_note = ("Taux = nombre ÷ sorties comptées (toutes les sorties qualifiées sauf « non comptée »), "
                 f"soit {exits.comptees} sorties ; classement : {exits.variant}.")
    if exits.a_qualifier:
        rate_note += f" {exits.a_qualifier} sortie(s) sans type renseigné ne sont pas comptées."
    categories = Table.of(
        "Sorties par catégorie",
        [Column("Catégorie", width=34), Column("Sortie dynamique", Kind.BOOL, 10), Column("Nombre", Kind.INT, 10),
         Column("Taux", Kind.PERCENT, 10)],
        [[label.capitalize(), dynamic, n, _rate(n, exits.comptees) if counted else None]
         for label, n, dynamic, counted in exits.categories],
        ["Sorties dynamiques", True, exits.dynamiques, exits.taux_dynamiques],
        note=rate_note)
    types = Table.of(
        "Sorties par type",
        [Column("Type de sortie", width=40), Column("Catégorie", width=28), Column("Nombre", Kind.INT, 10),
         Column("Taux", Kind.PERCENT, 10)],
        [[label, category, n, _rate(n, exits.comptees) if category != "non comptée" else None]
         for label, category, n in exits.types],
        ["Total", "", sum(n for _, _, n in exits.types), None])
    tables = [categories, types]
    if exits.objectives:
        tables.append(Table.of(
            "Objectifs de sorties de la fiche",
            [Column("Objectif", width=50), Column("Cible", width=10), Column("Réalisé", width=10),
             Column("Atteint", Kind.BOOL, 9)],
            [[o.label, objective_text(o.target, o.is_rate), objective_text(o.achieved, o.is_rate),
              Cell(o.met, "" if o.met else "warning")] for o in exits.objectives]))
    return tuple(tables)


def objective_text(value: Decimal, is_rate: bool) -> str:
    """« 9 », « 4,5 » or « 45,0 % »: objectives mix counts and rates, so they are shown as text."""
    if is_rate:
        return format_percent(value, 1)
    return format_number(value, 0 if value == value.to_integral() else 2)


def profile_tables(profile: Profile, *, forecast: bool = True) -> tuple[Table, ...]:
    """Participants by sex, age band, BRSA / RQTH / QPV and niveau de formation (ASP)."""
    def columns(first: str) -> list[Column]:
        cols = [Column(first, width=44)]
        if forecast:
            cols.append(Column("Prévisionnel", Kind.INT, 12))
        return cols + [Column("Réalisé", Kind.INT, 10), Column("Part", Kind.PERCENT, 9)]

    def row(label: str, n: int) -> list[CellValue]:
        values: list[CellValue] = [label]
        if forecast:
            values.append(None)
        return values + [n, _rate(n, profile.total)]

    total = row("Total des participants accompagnés", profile.total)
    note = FORECAST_NOTE if forecast else ""
    return (
        Table.of("Participants par sexe", columns("Sexe"),
                 [row("Femmes", profile.femmes), row("Hommes", profile.hommes)], total, note=note),
        Table.of("Participants par tranche d'âge (âge à l'entrée)", columns("Tranche d'âge"),
                 [row(label, n) for label, n in profile.ages], total),
        Table.of("Situation des participants", columns("Situation"),
                 [row("Bénéficiaires du RSA (BRSA)", profile.brsa),
                  row("Reconnaissance de la qualité de travailleur handicapé (RQTH)", profile.rqth),
                  row("Résidant en quartier prioritaire (QPV)", profile.qpv)],
                 note="Une personne peut relever de plusieurs situations : pas de total."),
        Table.of("Participants par niveau de formation (nomenclature ASP)", columns("Niveau de formation"),
                 [row(f"{code} – {label}" if code else label, n) for code, label, n in profile.niveaux], total),
    )


# --- the report ---------------------------------------------------------------------

def build_bilan_execution(data: BilanExecutionData) -> Report:
    sections = [_synthese(data), _salaires(data), _depenses(data), _ressources(data)]
    if data.exits is not None:
        sections.append(Section("Sorties dynamiques", tables=exit_tables(data.exits), sheet="Sorties",
                                figures=_exit_figures(data.exits), page_break_before=True))
    sections.append(Section("Participants", tables=profile_tables(data.profile), sheet="Participants",
                            paragraphs=(f"{data.profile.total} personnes accompagnées au moins un jour entre le "
                                        f"{format_date(data.debut)} et le {format_date(min(data.as_of, data.fin))}, "
                                        "chacune comptée une fois.",),
                            page_break_before=True))
    if data.estimate is not None:
        sections.append(_subvention(data.estimate))
    return Report(
        title="Bilan d'exécution",
        structure=data.structure,
        operation=data.operation,
        subtitle=f"{data.dispositif} – période du {format_date(data.debut)} au {format_date(data.fin)}, "
                 f"arrêté au {format_date(data.as_of)}",
        generated_on=data.generated_on,
        sections=tuple(sections),
        parameters=(
            ("Dispositif", data.dispositif), ("Période", f"du {format_date(data.debut)} au {format_date(data.fin)}"),
            ("Arrêté au", format_date(data.as_of)),
        ),
    )


def _synthese(data: BilanExecutionData) -> Section:
    figures = [
        KeyFigure("Dépenses éligibles (directes et indirectes)", data.total_eligible, Kind.MONEY),
        KeyFigure("dont charges indirectes", next((b.realise for b in data.budget if b.indirect), ZERO), Kind.MONEY),
        KeyFigure("Dépenses non retenues", data.non_eligibles, Kind.MONEY),
        KeyFigure("Ressources reçues", sum((r.recu for r in data.resources), ZERO), Kind.MONEY),
    ]
    if data.estimate is not None:
        figures += [KeyFigure("Montant conventionné", data.estimate.montant_conventionne, Kind.MONEY),
                    KeyFigure("Subvention estimée", data.estimate.montant_estime, Kind.MONEY)]
    figures.append(KeyFigure("Participants accompagnés", data.profile.total, Kind.INT))
    if data.exits is not None:
        figures += list(_exit_figures(data.exits))
    figures += list(data.activity)
    return Section(
        "Synthèse",
        paragraphs=(
            "Ne sont retenues que les dépenses engagées pendant la période de la convention, dans une catégorie "
            f"éligible pour la fiche et acquittées au {format_date(data.as_of)} ; les salaires comptent le coût "
            "chargé de chaque mois commencé à cette date, au taux d'affectation à l'opération.",
        ),
        figures=tuple(figures),
        sheet="Synthèse",
    )


def _exit_figures(exits: ExitFigures) -> tuple[KeyFigure, ...]:
    target = next((o for o in exits.objectives if not o.is_rate and "dynamiques" in o.label.lower()), None)
    rate_target = next((o for o in exits.objectives if o.is_rate and "dynamiques" in o.label.lower()), None)
    return (
        KeyFigure("Sorties dynamiques", exits.dynamiques, Kind.INT,
                  target=target.target.normalize() if target else None,
                  met=target.met if target else None),
        KeyFigure("Taux de sorties dynamiques", exits.taux_dynamiques, Kind.PERCENT,
                  target=rate_target.target if rate_target else None, met=rate_target.met if rate_target else None),
    )


def _salaires(data: BilanExecutionData) -> Section:
    people = Table.of(
        "Personnel affecté à l'opération",
        [Column("Nom", width=16), Column("Prénom", width=12), Column("Fonction", width=30), Column("Contrat", width=8),
         Column("ETP", Kind.DECIMAL, 6), Column("Affectation", Kind.PERCENT, 10), Column("Justification", width=24),
         Column("Coût chargé", Kind.MONEY, 13), Column("Coût éligible", Kind.MONEY, 13), Column("Remarques", width=30)],
        [[s.nom, s.prenom, s.fonction, s.contrat, s.etp, s.affectation_pct / HUNDRED, s.justification, s.cout_charge,
          s.eligible, Cell("; ".join(s.problems), "warning") if s.problems else ""] for s in data.staff],
        ["Total", "", "", "", sum((s.etp for s in data.staff), ZERO), None, "",
         sum((s.cout_charge for s in data.staff), ZERO), sum((s.eligible for s in data.staff), ZERO), ""],
        note="Coût éligible = coût chargé du mois × affectation du mois, sauf ligne exclue par la fiche (voir remarques).")
    monthly_rows: list[list[CellValue | Cell]] = []
    for s in data.staff:
        for month, cost, pct, eligible in s.months:
            monthly_rows.append([f"{s.nom} {s.prenom}", str(month), cost, pct / HUNDRED,
                                 Cell(eligible, "warning") if eligible == 0 and cost > 0 else eligible])
    monthly = Table.of(
        "Salaires mois par mois",
        [Column("Salarié", width=26), Column("Mois", width=9), Column("Coût chargé", Kind.MONEY, 13),
         Column("Affectation", Kind.PERCENT, 10), Column("Coût éligible", Kind.MONEY, 13)],
        monthly_rows,
        ["Total", "", sum((s.cout_charge for s in data.staff), ZERO), None, sum((s.eligible for s in data.staff), ZERO)])
    paragraphs = () if data.staff else ("Aucun salarié n'est saisi pour cette opération (page Finances).",)
    return Section("Salaires", paragraphs=paragraphs, tables=(people, monthly), sheet="Salaires", page_break_before=True)


def _depenses(data: BilanExecutionData) -> Section:
    direct = [b for b in data.budget if not b.indirect]
    indirect = [b for b in data.budget if b.indirect]
    rows: list[list[CellValue | Cell]] = []
    for b in direct:
        rows.append([b.label, "directe", b.eligible_category, b.prevu, b.realise, b.realise - b.prevu,
                     _rate(b.realise, b.prevu)])
    total_direct_planned = sum((b.prevu for b in direct), ZERO)
    total_direct = sum((b.realise for b in direct), ZERO)
    rows.append(["Total des dépenses directes", "directe", None, total_direct_planned, total_direct,
                 total_direct - total_direct_planned, _rate(total_direct, total_direct_planned)])
    for b in indirect:
        rows.append([b.label, "indirecte", True, b.prevu, b.realise, b.realise - b.prevu, _rate(b.realise, b.prevu)])
    planned = sum((b.prevu for b in data.budget), ZERO)
    recap = Table.of(
        "Récapitulatif des dépenses : prévu et réalisé",
        [Column("Poste", width=34), Column("Nature", width=10), Column("Éligible (fiche)", Kind.BOOL, 10),
         Column("Prévu", Kind.MONEY, 14), Column("Réalisé éligible", Kind.MONEY, 14), Column("Écart", Kind.MONEY, 14),
         Column("Réalisation", Kind.PERCENT, 11)],
        rows,
        ["Total éligible", "", None, planned, data.total_eligible, data.total_eligible - planned,
         _rate(data.total_eligible, planned)],
        note=(f"Charges indirectes – règle de la fiche : {data.indirect_rule.rstrip('.')} ; calcul : "
              f"{data.indirect_explanation}." if data.indirect_rule
              else f"Charges indirectes : {data.indirect_explanation}."))
    detail = Table.of(
        "Détail des dépenses saisies",
        [Column("Date", Kind.DATE, 11), Column("Catégorie", width=26), Column("Fournisseur", width=24),
         Column("N° de pièce", width=11), Column("Libellé", width=34), Column("Montant", Kind.MONEY, 12),
         Column("Acquittée le", Kind.DATE, 11), Column("Retenue", Kind.BOOL, 8), Column("Motif", width=40)],
        [[e.date, e.categorie, e.fournisseur, e.numero_piece, e.libelle, e.montant, e.date_paiement,
          Cell(e.retenue, "" if e.retenue else "warning"), e.motifs] for e in data.expenses],
        ["Total", "", "", "", "", sum((e.montant for e in data.expenses), ZERO), None, None,
         f"non retenues : {format_money(data.non_eligibles)}"],
        note="Les salaires figurent à l'onglet Salaires ; ce détail liste les autres dépenses.")
    tables = (recap, detail) if data.expenses else (recap,)
    return Section("Récapitulatif des dépenses", tables=tables, sheet="Dépenses", page_break_before=True)


def _ressources(data: BilanExecutionData) -> Section:
    recap = Table.of(
        "Récapitulatif des ressources",
        [Column("Financeur", width=20), Column("Libellé", width=34), Column("Prévu", Kind.MONEY, 14),
         Column("Reçu", Kind.MONEY, 14), Column("Reste à recevoir", Kind.MONEY, 14)],
        [[r.financeur, r.libelle, r.prevu, r.recu, r.prevu - r.recu] for r in data.resources],
        ["Total", "", sum((r.prevu for r in data.resources), ZERO), sum((r.recu for r in data.resources), ZERO),
         sum((r.prevu - r.recu for r in data.resources), ZERO)],
        note=f"Versements reçus au {format_date(data.as_of)}.")
    payments = Table.of(
        "Versements reçus",
        [Column("Date", Kind.DATE, 11), Column("Financeur", width=20), Column("Nature", width=12),
         Column("Montant", Kind.MONEY, 14)],
        [[day, r.financeur, nature, amount] for r in data.resources for day, nature, amount in r.versements],
        ["Total", "", "", sum((a for r in data.resources for _, _, a in r.versements), ZERO)])
    tables = (recap, payments) if any(r.versements for r in data.resources) else (recap,)
    paragraphs = () if data.resources else ("Aucune ressource n'est saisie pour cette opération (page Finances).",)
    return Section("Récapitulatif des ressources", paragraphs=paragraphs, tables=tables, sheet="Ressources")


def _subvention(estimate: EstimateFigures) -> Section:
    lines = Table.of(
        "Décomposition de l'estimation",
        [Column("Part", width=44), Column("Montant", Kind.MONEY, 14)],
        [[label, amount] for label, amount in estimate.lignes],
        ["Subvention estimée", estimate.montant_estime]) if estimate.lignes else None
    return Section(
        "Estimation de la subvention",
        paragraphs=(f"Modèle de financement : {estimate.modele}. L'estimation repose sur les hypothèses ci-dessous ; "
                    "le montant définitif est arrêté par le Département au vu du bilan.",)
                   + tuple(estimate.hypotheses_saisies),
        figures=(KeyFigure("Montant conventionné", estimate.montant_conventionne, Kind.MONEY),
                 KeyFigure("Subvention estimée", estimate.montant_estime, Kind.MONEY),
                 KeyFigure("Reçu du Département", estimate.recu_departement, Kind.MONEY),
                 KeyFigure("Solde à recevoir (estimé)", estimate.solde, Kind.MONEY)),
        tables=(lines,) if lines else (),
        bullets=estimate.hypotheses,
        sheet="Subvention",
        page_break_before=True,
    )
