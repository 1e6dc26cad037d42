"""When an operation's deliverables are due, from the fiche's rules (``livrables`` of a dispositif).

Pure: the caller gives the operation's dates, the as-of date and the next planned comité.

- ``apres_fin``: ``mois`` months after the operation's end, the same day clamped to the
  month's length (31/12 + 3 months = 31/03; 31/01 + 1 month = 28/02 or 29/02). When the
  day does not exist the earlier date is kept: a deadline shown a day early harms no one.
- ``apres_debut``: ``mois`` months after the start (a bilan intermédiaire).
- ``date_fixe``: the fiche's date, for an operation over the period the fiche planned. An
  operation run later under the same fiche (renewed in 2025 on the 2024 call) has its date
  moved by the same number of years as its end: the 2024 call's bilan of 31/03/2025 is due
  31/03/2026 for an operation ending 31/12/2025.
- ``31_mars_n_plus_1``: 31 March of the year after the end.
- ``mensuel``: the report on month M is due on day ``jour`` (the 10th when the fiche names
  none) of month M+1; only the next one still to come is listed.
- ``annuel``: the bilan of civil year Y is due ``mois`` months after 31/12/Y; only the next
  one still to come is listed.
- ``avant_comite``: due on the date of the next planned comité (none planned: nothing listed).

One-off deliverables are always listed, even when their date has passed: the caller says
"en retard". Nothing here knows whether a deliverable was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from aapdesk.domain.dispositif import DeadlineRule, Deliverable
from aapdesk.domain.periods import Period, YearMonth, add_months

#: The day of the following month a monthly report is due when the fiche names none.
DEFAULT_MONTHLY_DAY = 10

#: Short names for the codes the catalogue uses; the fiche's own wording is much longer.
SHORT_LABELS = {
    "bilan_final": "Bilan final",
    "bilan_intermediaire": "Bilan intermédiaire",
    "bilan_annuel": "Bilan annuel",
    "cre": "Comptes rendus d'exécution (CRE)",
    "tableau_de_bord": "Tableau de bord",
    "reporting_mensuel": "Reporting mensuel",
}


class DueDeliverable(NamedTuple):
    """(label, due date): "Reporting mensuel de mars 2025", 10/04/2025."""

    label: str
    due: date


def short_label(deliverable: Deliverable) -> str:
    """The catalogue's short name, else the fiche's wording up to its first colon or bracket."""
    if deliverable.code in SHORT_LABELS:
        return SHORT_LABELS[deliverable.code]
    text = deliverable.libelle or deliverable.code.replace("_", " ")
    for stop in (" : ", " (", ", "):
        text = text.split(stop, 1)[0]
    return text[:1].upper() + text[1:]


def _day_text(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _of_month(month: YearMonth) -> str:
    """« de mars 2025 », « d'avril 2025 »: French elides before a vowel."""
    label = month.label
    return f"d'{label}" if label[:1] in "aeiouyéè" else f"de {label}"


def _with_platform(label: str, deliverable: Deliverable) -> str:
    return f"{label} – dépôt sur {deliverable.plateforme}" if deliverable.plateforme else label


def _monthly(deliverable: Deliverable, start: date, end: date, as_of: date) -> DueDeliverable | None:
    day = deliverable.jour or DEFAULT_MONTHLY_DAY
    for month in Period(start, max(start, end)).months():
        following = month.add(1)
        due = date(following.year, following.month, min(day, following.days))
        if due >= as_of:
            return DueDeliverable(f"{short_label(deliverable)} {_of_month(month)}", due)
    return None


def _yearly(deliverable: Deliverable, start: date, end: date, as_of: date) -> DueDeliverable | None:
    for year in range(start.year, max(start, end).year + 1):
        due = add_months(date(year, 12, 31), deliverable.mois)
        if due >= as_of:
            return DueDeliverable(f"{short_label(deliverable)} {year}", due)
    return None


def _fixed_date(fixed: date, end: date, planned_end: date | None) -> date:
    years = end.year - planned_end.year if planned_end is not None else 0
    return add_months(fixed, 12 * years) if years else fixed


def due_date(deliverable: Deliverable, start: date, end: date, as_of: date,
             next_comite: date | None = None, *, planned_end: date | None = None) -> DueDeliverable | None:
    """The one deliverable's next due date (see the module's rules), or None when there is none to show.

    ``planned_end`` is the end of the convention period the fiche planned (for fixed dates).
    """
    rule = deliverable.regle
    label = short_label(deliverable)
    if rule is DeadlineRule.APRES_FIN:
        return DueDeliverable(label, add_months(end, deliverable.mois))
    if rule is DeadlineRule.APRES_DEBUT:
        return DueDeliverable(label, add_months(start, deliverable.mois))
    if rule is DeadlineRule.DATE_FIXE:
        if deliverable.date is None:
            return None
        return DueDeliverable(label, _fixed_date(deliverable.date, end, planned_end))
    if rule is DeadlineRule.MARS_N_PLUS_1:
        return DueDeliverable(label, date(end.year + 1, 3, 31))
    if rule is DeadlineRule.MENSUEL:
        return _monthly(deliverable, start, end, as_of)
    if rule is DeadlineRule.ANNUEL:
        return _yearly(deliverable, start, end, as_of)
    if rule is DeadlineRule.AVANT_COMITE:
        if next_comite is None:
            return None
        return DueDeliverable(f"{label} avant le comité du {_day_text(next_comite)}", next_comite)
    raise ValueError(f"règle d'échéance inconnue : {rule}")  # pragma: no cover - DeadlineRule is closed


def deliverable_due_dates(deliverables: Iterable[Deliverable], start: date, end: date, as_of: date,
                          next_comite: date | None = None, *, planned_end: date | None = None) -> list[DueDeliverable]:
    """Every deliverable's next due date, earliest first; the label names the platform when the fiche does."""
    result = []
    for deliverable in deliverables:
        found = due_date(deliverable, start, end, as_of, next_comite, planned_end=planned_end)
        if found is not None:
            result.append(DueDeliverable(_with_platform(found.label, deliverable), found.due))
    return sorted(result, key=lambda item: (item.due, item.label))


def is_late(due: date, as_of: date) -> bool:
    """Past its date: due on the 31st, it is late from the 1st."""
    return due < as_of
