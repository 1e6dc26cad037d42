"""The fiche's exit objectives measured against what was achieved (Sorties page, reports).

SIAE fiches count sorties dynamiques per poste (postes × 0.45), Nord counts durables and
transitions per 100 places financées or as rates of all exits; Pas-de-Calais generic fiches
give no quantified objective.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aapdesk.domain.dispositif import Exits
from aapdesk.domain.exits import ExitCategory, ExitSummary, decimal_text


@dataclass(frozen=True)
class Objective:
    label: str
    target: Decimal
    achieved: Decimal
    is_rate: bool

    @property
    def met(self) -> bool:
        return self.achieved >= self.target


def exit_objectives(rules: Exits, capacity: int | None, summary: ExitSummary) -> list[Objective]:
    found: list[Objective] = []
    if rules.objectif_dynamiques_par_poste is not None and capacity:
        found.append(Objective(
            f"Sorties dynamiques : {decimal_text(rules.objectif_dynamiques_par_poste)} par poste × {capacity} postes",
            rules.objectif_dynamiques_par_poste * capacity, Decimal(summary.dynamiques), False))
    for per_100, category, label in (
        (rules.objectif_durables_pour_100_places, ExitCategory.EMPLOI_DURABLE, "Sorties en emploi durable"),
        (rules.objectif_transition_pour_100_places, ExitCategory.EMPLOI_TRANSITION, "Sorties en emploi de transition"),
    ):
        if per_100 is not None and capacity:
            found.append(Objective(f"{label} : {per_100} pour 100 places × {capacity} places",
                                   Decimal(per_100) * capacity / 100, Decimal(summary.counts[category]), False))
    rate_of = (lambda n: Decimal(n) / summary.comptees) if summary.comptees else (lambda n: Decimal(0))
    for rate, achieved, label in (
        (rules.objectif_taux_durables, summary.counts[ExitCategory.EMPLOI_DURABLE], "Taux de sorties en emploi durable"),
        (rules.objectif_taux_dynamiques, summary.dynamiques, "Taux de sorties dynamiques"),
        (rules.objectif_taux_positives, summary.counts[ExitCategory.SORTIE_POSITIVE], "Taux de sorties positives"),
    ):
        if rate is not None:
            found.append(Objective(label, rate, rate_of(achieved), True))
    return found
