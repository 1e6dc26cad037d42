"""Activity of an operation: file active, occupation, monthly hours and accompaniment milestones.

What lives here, all pure (the period and the as-of date are arguments, nothing reads a clock):

* presence — :func:`is_active`, :func:`present_months`;
* file active — :func:`monthly_table` (entrées, sorties, file active and occupation per
  month), :func:`annual_counts` for the "fonctionnement annuel", :func:`taux_occupation`;
* hours — :func:`mad_threshold`, :func:`parcours_months`, :func:`activity_totals`,
  :func:`check_hours`, :func:`months_target`;
* milestones (domain.md §4.B) — due dates, :func:`milestone_todos`, interviews due,
  contractualisation, youth share and ETP capacity.

A parcours's exit date is its last day of accompaniment: it is still active that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from aapdesk.domain.dispositif import Funding, Milestones
from aapdesk.domain.participants import is_under
from aapdesk.domain.periods import Period, YearMonth, add_months, months_between
from aapdesk.domain.problems import Problem

HOURS_PER_DAY = 24
DEFAULT_CER_MONTHS = 6


# --- inputs --------------------------------------------------------------------------

@dataclass(frozen=True)
class ParcoursSpan:
    """The days a parcours is accompanied: ``entry``..``exit`` inclusive, open when ``exit`` is None."""

    id: int
    entry: date
    exit: date | None = None
    #: "urbain" or "rural"; None means the operation's default zone.
    zone: str | None = None

    def __post_init__(self) -> None:
        if self.exit is not None and self.exit < self.entry:
            raise ValueError(f"parcours {self.id} : la date de sortie précède la date d'entrée")


@dataclass(frozen=True)
class MonthlyHours:
    """Hours recorded for one parcours in one month."""

    parcours_id: int
    month: YearMonth
    mad: Decimal = Decimal(0)
    accompagnement: Decimal = Decimal(0)


# --- presence ------------------------------------------------------------------------

def is_active(span: ParcoursSpan, day: date) -> bool:
    return span.entry <= day and (span.exit is None or day <= span.exit)


def _active_between(span: ParcoursSpan, first: date, last: date) -> bool:
    """Whether the parcours is active on at least one day of ``first``..``last``."""
    return span.entry <= last and (span.exit is None or first <= span.exit)


def _clip_to(period: Period, as_of: date | None) -> Period | None:
    """``period`` cut at ``as_of`` (None when ``as_of`` precedes it)."""
    if as_of is None or as_of >= period.end:
        return period
    if as_of < period.start:
        return None
    return Period(period.start, as_of)


def present_months(span: ParcoursSpan, period: Period, as_of: date | None = None) -> list[YearMonth]:
    """Months of ``period`` in which the parcours is active on at least one day of the period.

    With ``as_of``, days after it do not count (a month is never present "in advance").
    """
    window = _clip_to(period, as_of)
    if window is None:
        return []
    # The active days inside the window form one interval; its months are the present months.
    first_day = max(span.entry, window.start)
    last_day = window.end if span.exit is None else min(span.exit, window.end)
    if first_day > last_day:
        return []
    months, current, last = [], YearMonth.of(first_day), YearMonth.of(last_day)
    while current <= last:
        months.append(current)
        current = current.add(1)
    return months


# --- file active and occupation ------------------------------------------------------

@dataclass(frozen=True)
class MonthRow:
    month: YearMonth
    entrees: int
    sorties: int
    file_active: int
    places: int | None
    #: file active ÷ places; None when there are no places to compare with.
    occupation: Decimal | None


@dataclass(frozen=True)
class YearRow:
    """Fonctionnement annuel: the count on ``day`` (31/12, or the as-of date / period end)."""

    year: int
    day: date
    file_active: int
    places: int | None
    occupation: Decimal | None


def file_active_on(spans: Iterable[ParcoursSpan], day: date) -> int:
    return sum(1 for span in spans if is_active(span, day))


def occupation(file_active: int, places: int | None) -> Decimal | None:
    if not places:
        return None
    return Decimal(file_active) / Decimal(places)


def _last_month(period: Period, as_of: date) -> YearMonth:
    return min(YearMonth.of(as_of), YearMonth.of(period.end))


def monthly_table(
    spans: Sequence[ParcoursSpan], period: Period, places: int | None, as_of: date
) -> list[MonthRow]:
    """One row per month from the period's first month to the month of ``as_of`` (at most the last).

    File active is counted on the month's last day — or on the period's end when the
    operation stops mid-month, so that parcours closed with the operation still count.
    Entrées and sorties only count dates inside the period: a parcours carried over
    from a previous operation is active here without being one of its entries.
    """
    if as_of < period.start:
        return []
    rows = []
    month, last = YearMonth.of(period.start), _last_month(period, as_of)
    while month <= last:
        counting_day = min(month.last_day, period.end)
        active = file_active_on(spans, counting_day)
        rows.append(
            MonthRow(
                month=month,
                entrees=sum(1 for s in spans if _in_month_and_period(s.entry, month, period)),
                sorties=sum(1 for s in spans if _in_month_and_period(s.exit, month, period)),
                file_active=active,
                places=places,
                occupation=occupation(active, places),
            )
        )
        month = month.add(1)
    return rows


def _in_month_and_period(day: date | None, month: YearMonth, period: Period) -> bool:
    return day is not None and YearMonth.of(day) == month and period.contains(day)


def annual_counts(
    spans: Sequence[ParcoursSpan], period: Period, places: int | None, as_of: date
) -> list[YearRow]:
    """Fonctionnement annuel: the count active on the last day of each civil year of the period.

    The day is 31/12, or the period's end if sooner, or ``as_of`` for the current year.
    """
    if as_of < period.start:
        return []
    rows = []
    for year in range(period.start.year, min(as_of.year, period.end.year) + 1):
        day = min(date(year, 12, 31), period.end, as_of)
        active = file_active_on(spans, day)
        rows.append(YearRow(year, day, active, places, occupation(active, places)))
    return rows


def taux_occupation(rows: Sequence[MonthRow | YearRow]) -> Decimal | None:
    """Mean of the rows' occupations; None when no row has places."""
    rates = [row.occupation for row in rows if row.occupation is not None]
    if not rates:
        return None
    return sum(rates, Decimal(0)) / len(rates)


# --- hours ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ParcoursMonth:
    month: YearMonth
    present: bool
    mad: Decimal
    accompagnement: Decimal
    valorisable: bool
    sous_seuil: bool


@dataclass(frozen=True)
class ActivityTotals:
    """Counts of parcours-months and hours, within the period and up to the as-of month."""

    presents: int
    valorisables: int
    sous_seuil: int
    mad: Decimal
    accompagnement: Decimal


def month_hours(month: YearMonth) -> int:
    return month.days * HOURS_PER_DAY


def months_target(postes: int | Decimal) -> int | Decimal:
    """SIAE objective in months of accompaniment: postes × 12."""
    return postes * 12


def mad_threshold(rules_funding: Funding, zone: str | None, default_zone: str) -> Decimal | None:
    """Monthly MAD hours a month needs to be valorisable, by zone; None when the fiche sets none.

    A missing ``zone`` falls back to the operation's ``default_zone``.
    """
    urbain, rural = rules_funding.seuil_mad_urbain, rules_funding.seuil_mad_rural
    if urbain is None and rural is None:
        return None
    effective = (zone or default_zone).strip().lower()
    if effective == "urbain":
        return urbain
    if effective == "rural":
        return rural
    raise ValueError(f"zone inconnue : {effective!r} (attendu : urbain ou rural)")


def group_hours(hours: Iterable[MonthlyHours]) -> dict[int, dict[YearMonth, MonthlyHours]]:
    """Hours rows by parcours then month; two rows for the same parcours and month are refused."""
    grouped: dict[int, dict[YearMonth, MonthlyHours]] = {}
    for row in hours:
        by_month = grouped.setdefault(row.parcours_id, {})
        if row.month in by_month:
            raise ValueError(f"parcours {row.parcours_id} : deux saisies d'heures pour {row.month.label}")
        by_month[row.month] = row
    return grouped


def parcours_months(
    span: ParcoursSpan,
    period: Period,
    hours_by_month: Mapping[YearMonth, MonthlyHours],
    threshold: Decimal | None,
    as_of: date,
) -> list[ParcoursMonth]:
    """Month by month summary of one parcours, within the period and up to the as-of month.

    Lists the present months and any month of that range with hours recorded although
    the parcours was not active (shown as not present, so the anomaly is visible, and
    never valorisable). Hours rows outside that range are left out.
    """
    if as_of < period.start:
        return []
    present = set(present_months(span, period, as_of))
    first, last = YearMonth.of(period.start), _last_month(period, as_of)
    # only months that are present or carry hours can produce a row
    in_range = sorted(present | {m for m in hours_by_month if first <= m <= last})
    rows = []
    for month in in_range:
        recorded = hours_by_month.get(month)
        mad = recorded.mad if recorded else Decimal(0)
        valorisable = month in present and (threshold is None or mad >= threshold)
        rows.append(
            ParcoursMonth(
                month=month,
                present=month in present,
                mad=mad,
                accompagnement=recorded.accompagnement if recorded else Decimal(0),
                valorisable=valorisable,
                sous_seuil=month in present and not valorisable,
            )
        )
    return rows


def activity_totals(
    spans: Iterable[ParcoursSpan],
    period: Period,
    hours: Iterable[MonthlyHours],
    rules_funding: Funding,
    default_zone: str,
    as_of: date,
) -> ActivityTotals:
    """Totals over all parcours; hours only count in months where their parcours is present."""
    grouped = group_hours(hours)
    return totals_of(
        month
        for span in spans
        for month in parcours_months(
            span, period, grouped.get(span.id, {}),
            mad_threshold(rules_funding, span.zone, default_zone), as_of,
        )
    )


def totals_of(months: Iterable[ParcoursMonth]) -> ActivityTotals:
    """Totals of month rows: hours only count in months where their parcours is present."""
    present = [m for m in months if m.present]
    return ActivityTotals(
        presents=len(present),
        valorisables=sum(1 for m in present if m.valorisable),
        sous_seuil=sum(1 for m in present if m.sous_seuil),
        mad=sum((m.mad for m in present), Decimal(0)),
        accompagnement=sum((m.accompagnement for m in present), Decimal(0)),
    )


def check_hours(month: YearMonth, mad: Decimal | None, accompagnement: Decimal | None) -> list[Problem]:
    """Refuse hours that are negative, not a number, or more than the month holds (days × 24)."""
    problems = []
    for field_name, label, value in (
        ("heures_mad", "Les heures de mise à disposition", mad),
        ("heures_accompagnement", "Les heures d'accompagnement", accompagnement),
    ):
        message = _hours_problem(month, label, value)
        if message:
            problems.append(Problem(field_name, message))
    return problems


def _hours_problem(month: YearMonth, label: str, value: Decimal | None) -> str | None:
    when = month.label
    if value is None:
        return None
    if not value.is_finite():
        return f"{label} de {when} ne sont pas un nombre"
    if value < 0:
        return f"{label} de {when} ne peuvent pas être négatives"
    if value > month_hours(month):
        return (f"{label} de {when} ({_hours_text(value)}) dépassent "
                f"les {month_hours(month)} h que compte le mois")
    return None


# --- milestones (domain.md §4.B) -----------------------------------------------------

@dataclass(frozen=True)
class ParcoursDates:
    """A parcours with the dates its milestones are measured from and the ones already reached."""

    span: ParcoursSpan
    orientation: date | None = None
    first_appointment: date | None = None
    cer_signature: date | None = None
    cer_renewal_request: date | None = None


@dataclass(frozen=True)
class TodoItem:
    code: str
    label: str
    due: date
    overdue: bool
    parcours_id: int | None = None


def first_appointment_delay_days(orientation: date, first_appointment: date) -> int:
    if first_appointment < orientation:
        raise ValueError("le premier rendez-vous précède l'orientation")
    return (first_appointment - orientation).days


def mean_first_appointment_delay(pairs: Iterable[tuple[date | None, date | None]]) -> Decimal | None:
    """Mean delay in days over the (orientation, first appointment) pairs where both are known."""
    delays = [first_appointment_delay_days(o, f) for o, f in pairs if o is not None and f is not None]
    if not delays:
        return None
    return Decimal(sum(delays)) / len(delays)


def first_appointment_due(orientation: date, rules: Milestones) -> date | None:
    if rules.premier_rdv_jours is None:
        return None
    return orientation + timedelta(days=rules.premier_rdv_jours)


def cer_due(orientation: date, rules: Milestones) -> date | None:
    if rules.cer_delai_mois is None:
        return None
    return add_months(orientation, rules.cer_delai_mois)


def cer_end(signature: date, rules: Milestones) -> date:
    return add_months(signature, rules.cer_duree_mois or DEFAULT_CER_MONTHS)


def cer_renewal_due(signature: date, rules: Milestones) -> date | None:
    if rules.cer_renouvellement_mois is None:
        return None
    return add_months(signature, rules.cer_renouvellement_mois)


def parcours_max_end(entry: date, parcours_max_mois: int | None) -> date | None:
    """Date the parcours reaches its maximum length (``Convention.parcours_max_mois``)."""
    if parcours_max_mois is None:
        return None
    return add_months(entry, parcours_max_mois)


def milestone_todos(
    parcours: Iterable[ParcoursDates],
    rules: Milestones,
    as_of: date,
    parcours_max_mois: int | None = None,
) -> list[TodoItem]:
    """Milestones not yet reached, soonest first; a parcours that exited before ``as_of`` has none."""
    items = []
    for p in parcours:
        if p.span.exit is not None and p.span.exit < as_of:
            continue
        items.extend(_open_milestones(p, rules, parcours_max_mois, as_of))
    return sorted(items, key=lambda item: (item.due, item.parcours_id or 0, item.code))


def _open_milestones(
    p: ParcoursDates, rules: Milestones, parcours_max_mois: int | None, as_of: date
) -> Iterable[TodoItem]:
    def item(code: str, label: str, due: date | None) -> TodoItem | None:
        if due is None:
            return None
        return TodoItem(code, label, due, due < as_of, p.span.id)

    candidates = []
    if p.orientation is not None and p.first_appointment is None:
        candidates.append(item(
            "premier_rdv",
            f"Premier rendez-vous à tenir ({rules.premier_rdv_jours} jours après l'orientation)",
            first_appointment_due(p.orientation, rules),
        ))
    if p.cer_signature is None:
        # Without an orientation date the entry is the earliest date the delay can run from.
        start, start_label = (p.orientation, "l'orientation") if p.orientation else (p.span.entry, "l'entrée")
        candidates.append(item(
            "cer_signature",
            f"Contrat d'engagements réciproques à signer ({rules.cer_delai_mois} mois après {start_label})",
            cer_due(start, rules),
        ))
    elif p.cer_renewal_request is None:
        candidates.append(item(
            "cer_renouvellement",
            f"Demande de renouvellement du CER ({rules.cer_renouvellement_mois} mois après la signature)",
            cer_renewal_due(p.cer_signature, rules),
        ))
    if p.span.exit is None:
        candidates.append(item(
            "parcours_max",
            f"Durée maximale du parcours ({parcours_max_mois} mois) : sortie ou prolongation à décider",
            parcours_max_end(p.span.entry, parcours_max_mois),
        ))
    return [c for c in candidates if c is not None]


def _interviews_due(per_place_year: int | None, places: int, period: Period) -> Decimal | None:
    if per_place_year is None:
        return None
    months = Decimal(str(months_between(period.start, period.end)))
    return per_place_year * places * months / 12


def interviews_due(rules: Milestones, places: int, period: Period) -> Decimal | None:
    """Interviews expected over the period: per place and year × places × months ÷ 12."""
    return _interviews_due(rules.entretiens_par_place_an, places, period)


def physical_interviews_due(rules: Milestones, places: int, period: Period) -> Decimal | None:
    return _interviews_due(rules.entretiens_physiques_par_place_an, places, period)


def taux_contractualisation(n_with_validated_cer: int, n_accueillis: int) -> Decimal | None:
    """CER validés ÷ accueillis (objective ≥ 80 % on the 001 fiches); None when nobody was received."""
    if n_accueillis == 0:
        return None
    return Decimal(n_with_validated_cer) / Decimal(n_accueillis)


def youth_share(birth_and_entry: Iterable[tuple[date, date]], age_limit: int = 26) -> Decimal | None:
    """Share of participants under ``age_limit`` on their entry date; None when there is nobody."""
    pairs = list(birth_and_entry)
    if not pairs:
        return None
    young = sum(1 for birth, entry in pairs if is_under(birth, entry, age_limit))
    return Decimal(young) / Decimal(len(pairs))


def youth_share_within_cap(share: Decimal | None, part_max_jeunes: Decimal | None) -> bool:
    return share is None or part_max_jeunes is None or share <= part_max_jeunes


def places_within_etp_capacity(places: int, etp: Decimal, places_par_etp: int | None) -> bool:
    """Whether the places fit the staff: places ≤ ETP × places per ETP (always true without a ratio)."""
    if places_par_etp is None:
        return True
    return places <= etp * places_par_etp


def _hours_text(value: Decimal) -> str:
    """« 12,5 h » for messages (the domain does not depend on the display layer)."""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} h"
