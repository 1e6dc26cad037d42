"""Tableau de bord of an operation, for the Département's comité de suivi (domain.md §6.1).

A pure function of :class:`DashboardData`, which holds the very views the screens show
(file active, hours grid, exits, milestones, participants, to-do list, comités, grant
estimate), so every figure in the file is the one on screen. Sections (one xlsx sheet each):
Synthèse (each indicator against the fiche's objective, the grant estimate's calculation,
comités, the fiche's indicators), File active (monthly table and chart), Participants (one
row per parcours), Heures MAD (fiches with a monthly threshold) and Heures d'accompagnement
(participants × months), Sorties (by category and type), Détail des sorties (each exit with
the rule that classified it), À faire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aapdesk.domain.dispositif import FileActiveMode
from aapdesk.domain.exits import CATEGORY_LABELS, DYNAMIC, EXIT_TYPE_LABELS, ExitCategory, ExitType
from aapdesk.domain.finances import Estimate
from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_date, format_money, format_month, format_operation
from aapdesk.reports.model import Cell, Chart, Column, KeyFigure, Kind, Report, Section, Table

TITLE = "Tableau de bord"
ONE = Decimal(1)


@dataclass(frozen=True)
class DashboardData:
    """What the tableau de bord shows, as the services give it (the screens' own views)."""

    structure: str
    operation: Any  # services.operations.OperationRow
    as_of: date
    generated_on: date
    counts: Mapping[str, int]  # services.reporting.participants_counts
    file_active: Any  # services.activity.FileActiveView
    hours: Any  # services.activity.HoursGrid
    exits: Any  # services.exits.ExitsView
    milestones: Any  # services.activity.MilestoneIndicators
    participants: Sequence[Any]  # services.participants.ParticipantRow, one per parcours begun by as_of
    todos: Sequence[Any]  # services.activity.TodoRow
    comites: Sequence[Any]  # services.activity.ComiteRow
    comite_natures: Mapping[str, str]
    estimate: Estimate | None = None
    received: Decimal | None = None  # paid by the Département by as_of
    solde: Decimal | None = None
    parameters: tuple[tuple[str, str], ...] = ()


def build_tableau_de_bord(data: DashboardData) -> Report:
    op = data.operation
    upcoming = [c for c in data.comites if c.date >= data.as_of]
    subtitle = f"Situation au {format_date(data.as_of)}"
    if upcoming:
        subtitle += f" – pour le comité du {format_date(upcoming[0].date)}"
    sections = (
        _synthese(data),
        _file_active(data),
        _participants(data),
        *_hours(data),
        *_exits(data),
        _todo(data),
        *_comites_and_indicators(data),
    )
    parameters = (
        ("Date d'arrêté des chiffres", format_date(data.as_of)),
        ("Dispositif", op.dispositif_label),
        ("Période de l'opération", f"du {format_date(op.debut)} au {format_date(op.fin)}"),
        *data.parameters,
    )
    return Report(TITLE, data.structure, format_operation(op.code, op.intitule), subtitle, data.generated_on,
                  sections, parameters)


# --- helpers -------------------------------------------------------------------------------

def _unit(op: Any) -> str:
    return "postes" if op.postes is not None else "places"


def _capacity(op: Any) -> int | None:
    return op.postes if op.postes is not None else op.places


def _count_kind(*values: Decimal | int | None) -> Kind:
    whole = all(v is None or Decimal(v) == Decimal(v).to_integral_value() for v in values)
    return Kind.INT if whole else Kind.DECIMAL


def _at_least(value: Decimal | int | None, target: Decimal | int | None) -> bool | None:
    return None if value is None or target is None else value >= target


def _at_most(value: Decimal | int | None, target: Decimal | int | None) -> bool | None:
    return None if value is None or target is None else value <= target


def _shown_months(data: DashboardData) -> list[tuple[int, YearMonth]]:
    """The hours grid's months up to the as-of month (later months have no presence yet)."""
    last = YearMonth.of(data.as_of)
    return [(i, m) for i, m in enumerate(data.hours.months) if m <= last]


# --- Synthèse ---------------------------------------------------------------------------------

def _synthese(data: DashboardData) -> Section:
    op = data.operation
    capacity, unit = _capacity(op), _unit(op)
    paragraphs = [f"Dispositif : {op.dispositif_label}",
                  f"Période de l'opération : du {format_date(op.debut)} au {format_date(op.fin)} ; "
                  f"chiffres arrêtés au {format_date(data.as_of)}."]
    convention = []
    if capacity is not None:
        convention.append(f"{capacity} {unit} conventionnés" if unit == "postes" else f"{capacity} places conventionnées")
    if op.montant is not None:
        convention.append(f"montant conventionné {format_money(op.montant)}")
    if convention:
        paragraphs.append("Convention : " + ", ".join(convention) + ".")
    estimate = _estimate_table(data)
    return Section("Synthèse", paragraphs=tuple(paragraphs), figures=tuple(_key_figures(data)),
                   tables=(estimate,) if estimate is not None else (), sheet="Synthèse")


def _comites_and_indicators(data: DashboardData) -> list[Section]:
    """Comités and the fiche's evaluation indicators: each its own sheet, their columns share nothing."""
    sections = []
    comites = _comites_table(data)
    if comites is not None:
        sections.append(Section("Comités de suivi et de pilotage", tables=(comites,), sheet="Comités"))
    indicators = _fiche_indicators(data.operation.rules)
    if indicators is not None:
        sections.append(Section("Indicateurs de la fiche", tables=(indicators,), sheet="Indicateurs de la fiche"))
    return sections


def _key_figures(data: DashboardData) -> list[KeyFigure]:
    op, rules = data.operation, data.operation.rules
    counts, fa, grid, ms, ex = data.counts, data.file_active, data.hours, data.milestones, data.exits
    capacity, unit = _capacity(op), _unit(op)
    figures = [
        KeyFigure("Personnes accompagnées depuis le début de l'opération", counts["accompagnes"], Kind.INT),
        KeyFigure("  dont bénéficiaires du RSA", counts["brsa"], Kind.INT),
        KeyFigure("  dont femmes", counts["femmes"], Kind.INT),
        KeyFigure("  dont moins de 26 ans à l'entrée", counts["moins_26_ans"], Kind.INT),
        KeyFigure("  dont reconnus travailleurs handicapés (RQTH)", counts["rqth"], Kind.INT),
        KeyFigure("Entrées dans l'opération", counts["entres"], Kind.INT),
        KeyFigure("Sorties de l'opération", counts["sortis"], Kind.INT),
    ]
    if fa.current is not None:
        figures.append(KeyFigure(f"File active fin {format_month(fa.current.month)} (objectif : les {unit})",
                                 fa.current.file_active, Kind.INT, capacity, _at_least(fa.current.file_active, capacity)))
    if fa.taux_occupation is not None:
        label = ("Taux d'occupation au dernier jour de chaque année" if fa.mode is FileActiveMode.ANNUELLE
                 else f"Taux d'occupation moyen des {unit} (file active de fin de mois)")
        figures.append(KeyFigure(label, fa.taux_occupation, Kind.PERCENT, ONE, _at_least(fa.taux_occupation, ONE)))
    if grid.months_target is not None:
        figures += [
            KeyFigure(f"Mois d'accompagnement valorisables (objectif : {unit} × 12)", grid.totals.valorisables, Kind.INT,
                      grid.months_target, _at_least(grid.totals.valorisables, grid.months_target)),
            KeyFigure("Mois de présence", grid.totals.presents, Kind.INT),
            KeyFigure("Mois sous le seuil d'heures de mise à disposition", grid.totals.sous_seuil, Kind.INT),
            KeyFigure("Heures de mise à disposition", grid.totals.mad, Kind.HOURS),
        ]
    figures.append(KeyFigure("Heures d'accompagnement", grid.totals.accompagnement, Kind.HOURS))
    figures.append(KeyFigure("Parcours accueillis / avec un CER validé",
                             f"{ms.parcours_accueillis} / {ms.parcours_avec_cer}"))
    contract_min = rules.jalons.taux_contractualisation_min if rules else None
    if ms.taux_contractualisation is not None:
        figures.append(KeyFigure("Taux de contractualisation (CER validés ÷ parcours accueillis)",
                                 ms.taux_contractualisation, Kind.PERCENT, contract_min,
                                 _at_least(ms.taux_contractualisation, contract_min)))
    if ms.delai_moyen_premier_rdv is not None:
        delay_max = rules.jalons.premier_rdv_jours if rules else None
        figures.append(KeyFigure("Délai moyen entre l'orientation et le premier rendez-vous (jours, au plus)",
                                 ms.delai_moyen_premier_rdv, Kind.DECIMAL, delay_max,
                                 _at_most(ms.delai_moyen_premier_rdv, delay_max)))
    figures.append(KeyFigure("Entretiens réalisés" + (" (objectif au prorata de la période écoulée)" if ms.entretiens_dus else ""),
                             ms.entretiens_realises, Kind.INT, ms.entretiens_dus,
                             _at_least(ms.entretiens_realises, ms.entretiens_dus)))
    figures.append(KeyFigure("  dont entretiens physiques", ms.entretiens_physiques, Kind.INT,
                             ms.entretiens_physiques_dus, _at_least(ms.entretiens_physiques, ms.entretiens_physiques_dus)))
    if ms.part_jeunes is not None:
        age = rules.public.age_jeune if rules else 26
        figures.append(KeyFigure(f"Part des jeunes de moins de {age} ans à l'entrée (au plus)", ms.part_jeunes,
                                 Kind.PERCENT, ms.part_jeunes_max, _at_most(ms.part_jeunes, ms.part_jeunes_max)))
    figures += _exit_figures(ex)
    if data.estimate is not None:
        figures += [
            KeyFigure("Montant conventionné", data.estimate.montant_conventionne, Kind.MONEY),
            KeyFigure("Subvention estimée à ce jour", data.estimate.montant_estime, Kind.MONEY),
            KeyFigure("Versé par le Département", data.received, Kind.MONEY),
            KeyFigure("Solde estimé restant à percevoir", data.solde, Kind.MONEY),
        ]
    return figures


def _exit_figures(ex: Any) -> list[KeyFigure]:
    summary = ex.summary
    figures = [
        KeyFigure("Sorties qualifiées et comptées", summary.comptees, Kind.INT),
        KeyFigure("Sorties dynamiques (emploi durable, de transition, sortie positive)", summary.dynamiques, Kind.INT),
        KeyFigure("Taux de sorties dynamiques (sur les sorties comptées)", summary.taux_dynamiques, Kind.PERCENT),
    ]
    for objective in ex.objectives:
        kind = Kind.PERCENT if objective.is_rate else _count_kind(objective.target, objective.achieved)
        figures.append(KeyFigure(f"Objectif de la fiche – {objective.label}", objective.achieved, kind,
                                 objective.target, objective.met))
    figures += [
        KeyFigure("Sorties à qualifier (type de sortie à renseigner)", ex.unqualified, Kind.INT, 0, ex.unqualified == 0),
        KeyFigure("Pièces probantes manquantes", ex.missing_proofs, Kind.INT, 0, ex.missing_proofs == 0),
    ]
    return figures


def _estimate_table(data: DashboardData) -> Table | None:
    estimate = data.estimate
    if estimate is None or not estimate.hypotheses:
        return None
    return Table.of("Estimation de la subvention : le calcul", [Column("Hypothèse ou étape du calcul", width=64)],
                    [[h[:1].upper() + h[1:]] for h in estimate.hypotheses],
                    note="Estimation indicative, d'après les règles de la fiche : le Département arrête le montant "
                         "au vu du bilan.")


def _comites_table(data: DashboardData) -> Table | None:
    if not data.comites:
        return None
    rows = [[c.date, data.comite_natures.get(c.nature, c.nature),
             ("oui" if c.tableau_de_bord_envoye else "non") if c.date <= data.as_of else "à venir",
             c.decisions] for c in data.comites]
    return Table.of("", [Column("Date", Kind.DATE, 11), Column("Nature", width=20),
                                Column("Tableau de bord transmis", width=15), Column("Décisions", width=70)], rows)


def _fiche_indicators(rules: Any) -> Table | None:
    if rules is None or not rules.indicateurs:
        return None
    return Table.of(f"Indicateurs d'évaluation de la {rules.fiche_label}",
                    [Column("Indicateur", width=75), Column("Objectif de la fiche", width=50)],
                    [[i.libelle, i.objectif] for i in rules.indicateurs])


# --- File active --------------------------------------------------------------------------------

def _file_active(data: DashboardData) -> Section:
    fa, op = data.file_active, data.operation
    unit, capacity = _unit(op), _capacity(op)
    rows = [[format_month(r.month), r.entrees, r.sorties, r.file_active, r.places, r.occupation] for r in fa.months]
    total = ["Total (occupation moyenne)", sum(r.entrees for r in fa.months), sum(r.sorties for r in fa.months),
             None, capacity, fa.taux_occupation]
    columns = [Column("Mois", width=18), Column("Entrées", Kind.INT, 9), Column("Sorties", Kind.INT, 9),
               Column("File active fin de mois", Kind.INT, 12), Column(unit.capitalize(), Kind.INT, 9),
               Column("Occupation", Kind.PERCENT, 11)]
    tables = [Table.of("File active mensuelle", columns, rows, total if fa.months else None)]
    if fa.mode is FileActiveMode.ANNUELLE and fa.years:
        tables.append(Table.of("Fonctionnement annuel (comptage au dernier jour de l'année)",
                               [Column("Année", width=18), Column("Compté le", Kind.DATE, 11),
                                Column("File active", Kind.INT, 12), Column(unit.capitalize(), Kind.INT, 9),
                                Column("Occupation", Kind.PERCENT, 11)],
                               [[str(y.year), y.day, y.file_active, y.places, y.occupation] for y in fa.years]))
    charts = ()
    if fa.months:
        charts = (Chart(f"File active et {unit} conventionnés" if unit == "postes" else "File active et places conventionnées",
                        tuple(format_month(r.month, short=True) for r in fa.months),
                        tuple(r.file_active for r in fa.months), "File active fin de mois",
                        tuple(capacity for _ in fa.months) if capacity is not None else None,
                        f"{unit.capitalize()} conventionné{'s' if unit == 'postes' else 'es'}"),)
    paragraphs = (f"Personnes en parcours le dernier jour de chaque mois (ou le dernier jour de l'opération), "
                  f"comparées aux {unit} conventionné{'s' if unit == 'postes' else 'es'} ; entrées et sorties "
                  f"datées dans le mois et dans la période de l'opération.",)
    return Section("File active", paragraphs=paragraphs, tables=tuple(tables), charts=charts, sheet="File active",
                   page_break_before=True)


# --- Participants -------------------------------------------------------------------------------

def _participants(data: DashboardData) -> Section:
    exits = {r.parcours_id: r for r in data.exits.rows}
    rows = []
    for p in data.participants:
        exit_row = exits.get(p.parcours_id)
        if exit_row is None:
            kind, category, proof = None, None, None
        elif exit_row.type is None:
            kind, category, proof = Cell("à renseigner", "warning"), Cell("à qualifier", "warning"), None
        else:
            kind, category = exit_row.type_label, exit_row.category_label
            proof = (Cell("manquante", "error") if exit_row.missing_proof
                     else ("jointe" if exit_row.proofs else ("non requise" if not exit_row.proof_required else None)))
        rows.append([p.nom, p.prenom, p.sexe, p.age, p.commune, p.brsa, p.rqth, p.moins_26_ans, p.date_entree,
                     p.date_sortie, p.statut, kind, category, proof, p.referent])
    columns = [Column("Nom", width=16), Column("Prénom", width=13), Column("Sexe", width=5), Column("Âge", Kind.INT, 5),
               Column("Commune", width=15), Column("BRSA", Kind.BOOL, 6), Column("RQTH", Kind.BOOL, 6),
               Column("Moins de 26 ans", Kind.BOOL, 8), Column("Entrée", Kind.DATE, 10), Column("Sortie", Kind.DATE, 10),
               Column("Statut", width=9), Column("Type de sortie", width=22), Column("Catégorie de sortie", width=18),
               Column("Pièce probante", width=12), Column("Référent", width=14)]
    total = [f"{len(rows)} parcours"] + [None] * (len(columns) - 1)
    note = (f"Âge et statut au {format_date(data.generated_on)} ; moins de 26 ans : âge à la date d'entrée. "
            f"Catégorie de sortie selon les règles de l'opération.")
    return Section("Participants", paragraphs=("Un parcours par ligne, dans l'ordre alphabétique.",),
                   tables=(Table.of("Parcours de l'opération", columns, rows, total, note),),
                   sheet="Participants", page_break_before=True)


# --- Heures ---------------------------------------------------------------------------------------

def _hours(data: DashboardData) -> list[Section]:
    """MAD hours (fiches with a monthly threshold) and accompaniment hours, participants × months."""
    grid = data.hours
    months = _shown_months(data)
    month_columns = [Column(format_month(m, short=True), Kind.HOURS, 8) for _, m in months]
    paragraph = ("Une ligne par parcours, une colonne par mois jusqu'au mois de l'arrêté ; "
                 "case vide : parcours pas en cours ce mois-là.")
    sections = []
    if any(row.threshold is not None for row in grid.rows):
        rows, sums = [], [Decimal(0)] * len(months)
        for row in grid.rows:
            cells: list[Cell | Decimal | None] = []
            for slot, (i, _m) in enumerate(months):
                cell = row.months[i]
                if cell.present:
                    cells.append(Cell(cell.mad, "warning" if cell.sous_seuil else ""))
                    sums[slot] += cell.mad
                else:
                    cells.append(Cell(cell.mad, "error") if cell.mad else None)
            rows.append([row.nom, row.prenom, row.zone, row.threshold, *cells, row.total_mad, row.sous_seuil])
        columns = [Column("Nom", width=16), Column("Prénom", width=13), Column("Zone", width=7),
                   Column("Seuil (h)", Kind.HOURS, 7), *month_columns, Column("Total (h)", Kind.HOURS, 9),
                   Column("Mois sous le seuil", Kind.INT, 8)]
        total = ["Total", None, None, None, *sums, grid.totals.mad, grid.totals.sous_seuil]
        table = Table.of("Heures de mise à disposition (MAD) par mois", columns, rows, total,
                         "En orange : mois de présence sous le seuil de MAD de la fiche (non valorisable). "
                         "En rouge : heures saisies hors de la période du parcours (non comptées).")
        sections.append(Section("Heures de mise à disposition", paragraphs=(paragraph,), tables=(table,),
                                sheet="Heures MAD", page_break_before=True))
    rows, sums = [], [Decimal(0)] * len(months)
    for row in grid.rows:
        cells = []
        for slot, (i, _m) in enumerate(months):
            cell = row.months[i]
            if cell.present:
                cells.append(Cell(cell.accompagnement))
                sums[slot] += cell.accompagnement
            else:
                cells.append(Cell(cell.accompagnement, "error") if cell.accompagnement else None)
        rows.append([row.nom, row.prenom, *cells, row.total_accompagnement])
    columns = [Column("Nom", width=16), Column("Prénom", width=13), *month_columns, Column("Total (h)", Kind.HOURS, 9)]
    table = Table.of("Heures d'accompagnement par mois", columns, rows, ["Total", None, *sums, grid.totals.accompagnement],
                     "En rouge : heures saisies hors de la période du parcours (non comptées)." if any(
                         c.flag for r in rows for c in r[2:-1] if isinstance(c, Cell)) else "")
    sections.append(Section("Heures d'accompagnement", paragraphs=(paragraph,), tables=(table,),
                            sheet="Heures accompagnement" if sections else "Heures", page_break_before=True))
    return sections


# --- Sorties --------------------------------------------------------------------------------------

def _exits(data: DashboardData) -> list[Section]:
    ex = data.exits
    summary = ex.summary

    def share(n: int) -> Decimal | None:
        return Decimal(n) / summary.comptees if summary.comptees else None

    by_category = []
    for category in ExitCategory:
        n = summary.counts[category]
        label = CATEGORY_LABELS[category].capitalize() + (" (dynamique)" if category in DYNAMIC else "")
        by_category.append([label, n, share(n) if category is not ExitCategory.NON_COMPTEE else None])
    by_category.append(["Sorties dynamiques", summary.dynamiques, summary.taux_dynamiques])
    if ex.unqualified:
        by_category.append([Cell("À qualifier (non comptées tant que le type manque)", "warning"),
                            Cell(ex.unqualified, "warning"), None])
    category_table = Table.of(
        "Sorties par catégorie", [Column("Catégorie", width=48), Column("Nombre", Kind.INT, 10),
                                  Column("Part des sorties comptées", Kind.PERCENT, 14)],
        by_category, ["Sorties comptées", summary.comptees, ONE if summary.comptees else None])
    type_rows = [[EXIT_TYPE_LABELS[t], summary.by_type[t]] for t in ExitType if summary.by_type.get(t)]
    type_table = Table.of("Sorties par type", [Column("Type de sortie", width=48), Column("Nombre", Kind.INT, 10)],
                          type_rows, ["Total", sum(n for _, n in type_rows)] if type_rows else None)
    detail = []
    for r in ex.rows:
        if r.type is None:
            proof: Any = None
        elif r.missing_proof:
            proof = Cell("manquante", "error")
        else:
            proof = "jointe" if r.proofs else ("non requise" if not r.proof_required else None)
        detail.append([r.date_sortie, r.nom, r.prenom, Cell(r.type_label, "" if r.type else "warning"),
                       r.duree_contrat_mois, r.employeur, r.category_label, r.explanation, proof, r.commentaire])
    detail_table = Table.of(
        "Une sortie par ligne, avec la règle de la fiche qui la classe", [Column("Date", Kind.DATE, 10), Column("Nom", width=15), Column("Prénom", width=12),
                               Column("Type de sortie", width=20), Column("Durée (mois)", Kind.DECIMAL, 8),
                               Column("Employeur ou organisme", width=18), Column("Catégorie", width=14),
                               Column("Règle appliquée", width=44), Column("Pièce probante", width=12),
                               Column("Commentaire", width=20)],
        detail)
    paragraphs = (f"Classement selon les règles de l'opération : {ex.variant_label}.",
                  "Les taux se calculent sur les sorties comptées : toutes les sorties qualifiées sauf « non comptée ».")
    return [Section("Sorties", paragraphs=paragraphs, figures=tuple(_exit_figures(ex)),
                    tables=(category_table, type_table), sheet="Sorties", page_break_before=True),
            Section("Détail des sorties", paragraphs=() if detail else ("Aucune sortie à ce jour.",),
                    tables=(detail_table,) if detail else (), sheet="Détail des sorties")]


# --- À faire --------------------------------------------------------------------------------------

def _todo(data: DashboardData) -> Section:
    rows = [[t.due, Cell("en retard", "error") if t.overdue else "à venir", t.participant, t.label] for t in data.todos]
    paragraphs = [f"Jalons d'accompagnement en retard ou à échéance proche, sorties à qualifier et pièces probantes "
                  f"manquantes, au {format_date(data.as_of)}."]
    if not rows:
        paragraphs.append("Rien en retard ni à préparer pour cette opération.")
    table = Table.of("Actions à mener", [Column("Échéance", Kind.DATE, 11), Column("État", width=10),
                                         Column("Participant", width=24), Column("Action", width=90)], rows)
    return Section("À faire", paragraphs=tuple(paragraphs), tables=(table,) if rows else (), sheet="À faire",
                   page_break_before=True)
