"""Reporting mensuel of an operation (domain.md §6.3): for one month, the people accompanied
(file active on the month's last day), those who entered and left, and the nature of the exits,
with the month's entries and exits listed. The Nord asks for it by the 10th of the next month.

A pure function of :class:`MonthlyData`, which holds the services' own views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from aapdesk.domain.activity import MonthRow
from aapdesk.domain.exits import CATEGORY_LABELS, DYNAMIC, ExitCategory, ExitSummary
from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_date, format_operation
from aapdesk.reports.model import Cell, Column, KeyFigure, Kind, Report, Section, Table

ONE_HUNDRED_PERCENT = 1


@dataclass(frozen=True)
class MonthlyData:
    structure: str
    operation: Any  # services.operations.OperationRow
    month: YearMonth
    as_of: date  # the month's last day, or today / the operation's end when sooner
    generated_on: date
    row: MonthRow  # the file active view's row for the month
    entries: Sequence[Any]  # services.participants.ParticipantRow entered during the month
    exits: Sequence[Any]  # services.exits.ExitRow dated in the month
    summary: ExitSummary  # the month's qualified exits, summarised like the Sorties page
    cumulative: Mapping[str, int]  # services.reporting.participants_counts at as_of
    deadline: date | None = None  # the fiche's monthly deadline, when it sets one
    variant_label: str = ""
    parameters: tuple[tuple[str, str], ...] = ()


def build_reporting_mensuel(data: MonthlyData) -> Report:
    op = data.operation
    month_label = data.month.label
    sections = (_synthese(data), _entries(data), _exits(data))
    parameters = (
        ("Mois", month_label),
        ("Date d'arrêté des chiffres", format_date(data.as_of)),
        ("Dispositif", op.dispositif_label),
        *data.parameters,
    )
    return Report(f"Reporting mensuel – {month_label}", data.structure, format_operation(op.code, op.intitule),
                  "Allocataires accompagnés, entrés et sortis, nature des sorties",
                  data.generated_on, sections, parameters)


def _unit(op: Any) -> str:
    return "postes" if op.postes is not None else "places"


def _synthese(data: MonthlyData) -> Section:
    row, op = data.row, data.operation
    unit = _unit(op)
    paragraphs = [f"Mois de {data.month.label} : du {format_date(data.month.first_day)} au "
                  f"{format_date(data.month.last_day)}."]
    if data.as_of < data.month.last_day:
        paragraphs.append(f"Mois en cours ou interrompu : chiffres provisoires arrêtés au {format_date(data.as_of)}.")
    if data.deadline is not None:
        paragraphs.append(f"À transmettre au Département au plus tard le {format_date(data.deadline)}.")
    counting_day = min(data.month.last_day, op.fin)
    figures = [
        KeyFigure(f"Allocataires accompagnés (file active au {format_date(counting_day)})", row.file_active, Kind.INT,
                  row.places, None if row.places is None else row.file_active >= row.places),
        KeyFigure(f"Taux d'occupation des {unit}", row.occupation, Kind.PERCENT,
                  ONE_HUNDRED_PERCENT if row.occupation is not None else None,
                  None if row.occupation is None else row.occupation >= ONE_HUNDRED_PERCENT),
        KeyFigure("Allocataires entrés dans l'action au cours du mois", row.entrees, Kind.INT),
        KeyFigure("Allocataires sortis de l'action au cours du mois", row.sorties, Kind.INT),
    ]
    summary = data.summary
    rows: list[list[Any]] = []
    for category in ExitCategory:
        label = CATEGORY_LABELS[category].capitalize() + (" (dynamique)" if category in DYNAMIC else "")
        rows.append([label, summary.counts[category]])
    rows.append(["Sorties dynamiques (durable, transition, positive)", summary.dynamiques])
    unqualified = sum(1 for r in data.exits if r.type is None)
    if unqualified:
        rows.append([Cell("À qualifier (type de sortie à renseigner)", "warning"), Cell(unqualified, "warning")])
    nature = Table.of(f"Nature des sorties de {data.month.label}",
                      [Column("Nature de la sortie", width=50), Column("Nombre", Kind.INT, 10)], rows,
                      ["Sorties du mois", len(data.exits)],
                      f"Classement selon les règles de l'opération : {data.variant_label}." if data.variant_label else "")
    c = data.cumulative
    cumulative = Table.of(
        f"Depuis le début de l'opération (du {format_date(op.debut)} au {format_date(data.as_of)})",
        [Column("Indicateur", width=50), Column("Nombre", Kind.INT, 10)],
        [["Allocataires accompagnés", c["accompagnes"]], ["Entrées", c["entres"]], ["Sorties", c["sortis"]],
         ["  dont bénéficiaires du RSA (accompagnés)", c["brsa"]], ["  dont femmes (accompagnées)", c["femmes"]]])
    return Section("Synthèse du mois", paragraphs=tuple(paragraphs), figures=tuple(figures),
                   tables=(nature, cumulative), sheet="Synthèse")


def _entries(data: MonthlyData) -> Section:
    rows = [[p.date_entree, p.nom, p.prenom, p.sexe, p.age, p.brsa, p.moins_26_ans, p.commune, p.referent]
            for p in data.entries]
    columns = [Column("Entrée", Kind.DATE, 10), Column("Nom", width=16), Column("Prénom", width=13),
               Column("Sexe", width=5), Column("Âge", Kind.INT, 5), Column("BRSA", Kind.BOOL, 6),
               Column("Moins de 26 ans", Kind.BOOL, 8), Column("Commune", width=16), Column("Référent", width=15)]
    paragraphs = () if rows else ("Aucune entrée ce mois-ci.",)
    return Section(f"Entrées de {data.month.label}", paragraphs=paragraphs,
                   tables=(Table.of("Allocataires entrés dans l'action", columns, rows,
                                    [f"{len(rows)} entrée{'s' if len(rows) > 1 else ''}"] + [None] * 8),) if rows else (),
                   sheet="Entrées")


def _exits(data: MonthlyData) -> Section:
    rows = []
    for r in data.exits:
        if r.type is None:
            rows.append([r.date_sortie, r.nom, r.prenom, Cell("à renseigner", "warning"), None, r.employeur,
                         Cell("à qualifier", "warning")])
        else:
            rows.append([r.date_sortie, r.nom, r.prenom, r.type_label, r.duree_contrat_mois, r.employeur,
                         r.category_label])
    columns = [Column("Sortie", Kind.DATE, 10), Column("Nom", width=16), Column("Prénom", width=13),
               Column("Type de sortie", width=22), Column("Durée (mois)", Kind.DECIMAL, 8),
               Column("Employeur ou organisme", width=18), Column("Nature de la sortie", width=16)]
    paragraphs = () if rows else ("Aucune sortie ce mois-ci.",)
    return Section(f"Sorties de {data.month.label}", paragraphs=paragraphs,
                   tables=(Table.of("Allocataires sortis de l'action", columns, rows,
                                    [f"{len(rows)} sortie{'s' if len(rows) > 1 else ''}"] + [None] * 6),) if rows else (),
                   sheet="Sorties")
