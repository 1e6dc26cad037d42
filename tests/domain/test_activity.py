"""File active, occupation, monthly hours and milestones, against values worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from aapdesk.domain.activity import (
    ActivityTotals,
    MonthlyHours,
    MonthRow,
    ParcoursDates,
    ParcoursMonth,
    ParcoursSpan,
    YearRow,
    activity_totals,
    annual_counts,
    cer_due,
    cer_end,
    cer_renewal_due,
    check_hours,
    first_appointment_delay_days,
    first_appointment_due,
    group_hours,
    interviews_due,
    is_active,
    mad_threshold,
    mean_first_appointment_delay,
    milestone_todos,
    monthly_table,
    months_target,
    parcours_max_end,
    parcours_months,
    physical_interviews_due,
    places_within_etp_capacity,
    present_months,
    taux_contractualisation,
    taux_occupation,
    youth_share,
    youth_share_within_cap,
)
from aapdesk.domain.dispositif import Funding, FundingModel, Milestones
from aapdesk.domain.periods import Period, YearMonth

H1_2024 = Period(date(2024, 1, 1), date(2024, 6, 30))
JAN, FEB, MAR, APR, MAY, JUN = (YearMonth(2024, m) for m in range(1, 7))

# The operation runs January-June 2024 (2024 is a leap year).
CARRIED_OVER = ParcoursSpan(1, date(2023, 11, 10))  # started before the operation, still open
SAME_MONTH = ParcoursSpan(2, date(2024, 2, 5), date(2024, 2, 20))  # in and out in February
LEAP_DAY_EXIT = ParcoursSpan(3, date(2024, 2, 10), date(2024, 2, 29))  # leaves on Feb's last day
THIRTY_DAY_EXIT = ParcoursSpan(4, date(2024, 3, 1), date(2024, 4, 30))  # leaves on April's last day
BEYOND_END = ParcoursSpan(5, date(2024, 5, 15), date(2024, 7, 31))  # leaves after the operation
THIRTY_ONE_DAY = ParcoursSpan(6, date(2024, 1, 31), date(2024, 3, 31))  # in and out on 31sts
SPANS = [CARRIED_OVER, SAME_MONTH, LEAP_DAY_EXIT, THIRTY_DAY_EXIT, BEYOND_END, THIRTY_ONE_DAY]


# --- presence ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 4), False),  # day before entry
        (date(2024, 2, 5), True),  # entry day
        (date(2024, 2, 20), True),  # exit day: the last day of accompaniment
        (date(2024, 2, 21), False),
    ],
)
def test_is_active_includes_entry_and_exit_days(day, expected):
    assert is_active(SAME_MONTH, day) is expected


def test_open_parcours_is_active_any_day_after_entry():
    assert is_active(CARRIED_OVER, date(2030, 1, 1))


def test_exit_before_entry_is_refused():
    with pytest.raises(ValueError):
        ParcoursSpan(9, date(2024, 3, 2), date(2024, 3, 1))


@pytest.mark.parametrize(
    ("span", "as_of", "expected"),
    [
        (CARRIED_OVER, None, [JAN, FEB, MAR, APR, MAY, JUN]),
        (SAME_MONTH, None, [FEB]),
        (THIRTY_ONE_DAY, None, [JAN, FEB, MAR]),
        (BEYOND_END, None, [MAY, JUN]),
        (ParcoursSpan(7, date(2023, 1, 1), date(2023, 12, 31)), None, []),
        (ParcoursSpan(8, date(2024, 1, 10), date(2024, 4, 1)), None, [JAN, FEB, MAR, APR]),  # one day of April
        (CARRIED_OVER, date(2024, 3, 15), [JAN, FEB, MAR]),
        (ParcoursSpan(9, date(2024, 3, 20)), date(2024, 3, 15), []),  # not present before it starts
        (CARRIED_OVER, date(2023, 12, 31), []),
    ],
)
def test_present_months(span, as_of, expected):
    assert present_months(span, H1_2024, as_of) == expected


def test_present_months_only_count_days_inside_the_period():
    period = Period(date(2024, 1, 15), date(2024, 3, 10))
    left_before_start = ParcoursSpan(1, date(2023, 12, 1), date(2024, 1, 14))
    entered_after_end = ParcoursSpan(2, date(2024, 3, 11))
    assert present_months(left_before_start, period) == []
    assert present_months(entered_after_end, period) == []
    assert present_months(ParcoursSpan(3, date(2024, 1, 14), date(2024, 1, 15)), period) == [JAN]


# --- file active ---------------------------------------------------------------------

def row(month, entrees, sorties, file_active, occupation, places=4):
    return MonthRow(month, entrees, sorties, file_active, places, Decimal(occupation))


def test_monthly_table_over_the_whole_period():
    # Jan: entry of #6 on 31/01; active on 31/01: #1, #6.
    # Feb: #2 and #3 enter and leave; on 29/02: #1, #3 (leaves that very day), #6 — not #2.
    # Mar: #4 enters, #6 leaves on 31/03; on 31/03: #1, #4, #6.
    # Apr: #4 leaves on 30/04 and still counts; May: #5 enters; Jun: #5 leaves only in July.
    expected = [
        row(JAN, 1, 0, 2, "0.5"),
        row(FEB, 2, 2, 3, "0.75"),
        row(MAR, 1, 1, 3, "0.75"),
        row(APR, 0, 1, 2, "0.5"),
        row(MAY, 1, 0, 2, "0.5"),
        row(JUN, 0, 0, 2, "0.5"),
    ]
    rows = monthly_table(SPANS, H1_2024, 4, as_of=date(2024, 8, 15))  # after the end: clamped to June
    assert rows == expected
    assert taux_occupation(rows) == Decimal("3.5") / 6


def test_monthly_table_stops_at_the_as_of_month():
    rows = monthly_table(SPANS, H1_2024, 4, as_of=date(2024, 4, 10))
    assert [r.month for r in rows] == [JAN, FEB, MAR, APR]
    assert taux_occupation(rows) == Decimal("0.625")  # (0.5 + 0.75 + 0.75 + 0.5) / 4


def test_monthly_table_before_the_period_is_empty():
    assert monthly_table(SPANS, H1_2024, 4, as_of=date(2023, 12, 31)) == []
    assert taux_occupation([]) is None


def test_entry_before_a_mid_month_start_is_active_but_not_an_entry():
    period = Period(date(2024, 1, 15), date(2024, 3, 31))
    rows = monthly_table([ParcoursSpan(1, date(2024, 1, 10))], period, 2, as_of=date(2024, 1, 31))
    assert rows == [MonthRow(JAN, 0, 0, 1, 2, Decimal("0.5"))]


def test_operation_ending_mid_month_counts_on_its_last_day():
    period = Period(date(2024, 1, 1), date(2024, 6, 15))
    closed_with_operation = ParcoursSpan(1, date(2024, 1, 1), date(2024, 6, 15))
    leaves_later = ParcoursSpan(2, date(2024, 1, 1), date(2024, 6, 20))
    june = monthly_table([closed_with_operation, leaves_later], period, 2, as_of=date(2024, 6, 30))[-1]
    assert (june.month, june.sorties, june.file_active) == (JUN, 1, 2)


def test_no_places_means_no_occupation():
    rows = monthly_table(SPANS, H1_2024, None, as_of=date(2024, 2, 1))
    assert [r.occupation for r in rows] == [None, None]
    assert taux_occupation(rows) is None


def test_annual_mode_counts_on_the_last_day_of_each_year():
    period = Period(date(2023, 7, 1), date(2025, 6, 30))
    spans = [
        ParcoursSpan(1, date(2023, 3, 1), date(2023, 12, 31)),  # leaves on 31/12: counts for 2023
        ParcoursSpan(2, date(2023, 9, 1)),
        ParcoursSpan(3, date(2024, 5, 1), date(2024, 12, 30)),  # gone the day before 31/12/2024
        ParcoursSpan(4, date(2025, 1, 10)),
    ]
    rows = annual_counts(spans, period, 4, as_of=date(2026, 1, 1))
    assert rows == [
        YearRow(2023, date(2023, 12, 31), 2, 4, Decimal("0.5")),
        YearRow(2024, date(2024, 12, 31), 1, 4, Decimal("0.25")),
        YearRow(2025, date(2025, 6, 30), 2, 4, Decimal("0.5")),  # the period ends before 31/12
    ]
    assert taux_occupation(rows) == Decimal("1.25") / 3


def test_annual_mode_counts_the_current_year_on_the_as_of_date():
    period = Period(date(2023, 7, 1), date(2025, 6, 30))
    spans = [ParcoursSpan(2, date(2023, 9, 1)), ParcoursSpan(3, date(2024, 5, 1), date(2024, 12, 30))]
    rows = annual_counts(spans, period, 4, as_of=date(2024, 6, 30))
    assert [(r.year, r.day, r.file_active) for r in rows] == [
        (2023, date(2023, 12, 31), 1),
        (2024, date(2024, 6, 30), 2),
    ]
    assert annual_counts(spans, period, 4, as_of=date(2023, 6, 30)) == []


# --- hours ---------------------------------------------------------------------------

SIAE = Funding(FundingModel.SIAE_90_5_5, seuil_mad_urbain=Decimal(10), seuil_mad_rural=Decimal(8))
NO_THRESHOLD = Funding(FundingModel.SIAE_90_5_5)


@pytest.mark.parametrize(
    ("zone", "default_zone", "expected"),
    [
        ("urbain", "rural", Decimal(10)),
        ("rural", "urbain", Decimal(8)),
        (None, "rural", Decimal(8)),
        (None, "urbain", Decimal(10)),
        (" Rural ", "urbain", Decimal(8)),
    ],
)
def test_mad_threshold_by_zone(zone, default_zone, expected):
    assert mad_threshold(SIAE, zone, default_zone) == expected


def test_mad_threshold_absent_or_zone_unknown():
    assert mad_threshold(NO_THRESHOLD, None, "urbain") is None
    with pytest.raises(ValueError):
        mad_threshold(SIAE, "montagne", "urbain")


def test_months_target_is_postes_times_twelve():
    assert months_target(12) == 144
    assert months_target(Decimal("7.5")) == Decimal("90")


URBAN = ParcoursSpan(10, date(2024, 1, 15), zone="urbain")
RURAL_BY_DEFAULT = ParcoursSpan(11, date(2023, 12, 1), date(2024, 2, 29))
AS_OF_APRIL = date(2024, 4, 10)


def hours(pid, month, mad, accompagnement="0"):
    return MonthlyHours(pid, month, Decimal(mad), Decimal(accompagnement))


HOURS = [
    hours(10, YearMonth(2023, 12), "40"),  # before the period: kept, never counted
    hours(10, JAN, "10", "2"),  # exactly the urban threshold
    hours(10, FEB, "9.99", "3"),  # just under it
    # March: present, nothing recorded
    hours(10, APR, "12", "1.5"),
    hours(10, MAY, "50", "9"),  # after the as-of month
    hours(11, YearMonth(2023, 12), "100"),
    hours(11, JAN, "8", "1"),  # exactly the rural threshold
    hours(11, FEB, "7.5"),
    hours(11, MAR, "20"),  # recorded after the exit: not present, not counted
    hours(99, JAN, "30", "30"),  # a parcours that is not one of the operation's
]


def test_parcours_months_at_the_urban_threshold():
    rows = parcours_months(URBAN, H1_2024, group_hours(HOURS)[10], Decimal(10), AS_OF_APRIL)
    zero = Decimal(0)
    assert rows == [
        ParcoursMonth(JAN, True, Decimal("10"), Decimal("2"), valorisable=True, sous_seuil=False),
        ParcoursMonth(FEB, True, Decimal("9.99"), Decimal("3"), valorisable=False, sous_seuil=True),
        ParcoursMonth(MAR, True, zero, zero, valorisable=False, sous_seuil=True),
        ParcoursMonth(APR, True, Decimal("12"), Decimal("1.5"), valorisable=True, sous_seuil=False),
    ]


def test_parcours_months_show_hours_recorded_outside_presence():
    rows = parcours_months(RURAL_BY_DEFAULT, H1_2024, group_hours(HOURS)[11], Decimal(8), AS_OF_APRIL)
    assert [(r.month, r.present, r.mad, r.valorisable, r.sous_seuil) for r in rows] == [
        (JAN, True, Decimal("8"), True, False),
        (FEB, True, Decimal("7.5"), False, True),
        (MAR, False, Decimal("20"), False, False),
    ]


def test_activity_totals_within_period_and_up_to_as_of():
    totals = activity_totals([URBAN, RURAL_BY_DEFAULT], H1_2024, HOURS, SIAE, "rural", AS_OF_APRIL)
    # Urban #10: Jan-Apr present, Jan and Apr valorisable, 10 + 9.99 + 0 + 12 h of MAD.
    # Rural #11 (default zone): Jan-Feb present, Jan valorisable, 8 + 7.5 h; March is after its exit.
    assert totals == ActivityTotals(
        presents=6,
        valorisables=3,
        sous_seuil=3,
        mad=Decimal("47.49"),
        accompagnement=Decimal("7.5"),
    )


def test_without_threshold_every_present_month_is_valorisable():
    totals = activity_totals([URBAN, RURAL_BY_DEFAULT], H1_2024, HOURS, NO_THRESHOLD, "rural", AS_OF_APRIL)
    assert (totals.presents, totals.valorisables, totals.sous_seuil) == (6, 6, 0)


def test_duplicate_hours_rows_are_refused():
    with pytest.raises(ValueError, match="février 2024"):
        group_hours([hours(1, FEB, "3"), hours(1, FEB, "4")])


@pytest.mark.parametrize(
    ("month", "mad", "accompagnement"),
    [
        (FEB, "0", "0"),
        (FEB, "696", "696"),  # 29 days × 24 h
        (YearMonth(2023, 2), "672", "0"),  # 28 × 24
        (APR, "720", "720"),  # 30 × 24
        (JAN, "744", "744"),  # 31 × 24
    ],
)
def test_check_hours_accepts_up_to_the_hours_of_the_month(month, mad, accompagnement):
    assert check_hours(month, Decimal(mad), Decimal(accompagnement)) == []


@pytest.mark.parametrize(
    ("month", "mad", "accompagnement", "field", "fragments"),
    [
        (FEB, "-1", "0", "heures_mad", ["février 2024", "ne peuvent pas être négatives"]),
        (FEB, "0", "-0.5", "heures_accompagnement", ["février 2024", "négatives"]),
        (FEB, "696.01", "0", "heures_mad", ["février 2024", "696"]),
        (YearMonth(2023, 2), "672.5", "0", "heures_mad", ["février 2023", "672"]),
        (APR, "0", "721", "heures_accompagnement", ["avril 2024", "720"]),
        (JAN, "NaN", "0", "heures_mad", ["janvier 2024", "pas un nombre"]),
    ],
)
def test_check_hours_refusals_name_the_field_and_the_month(month, mad, accompagnement, field, fragments):
    problems = check_hours(month, Decimal(mad), Decimal(accompagnement))
    assert [p.field for p in problems] == [field]
    for fragment in fragments:
        assert fragment in problems[0].message


def test_check_hours_negative_message():
    (problem,) = check_hours(FEB, Decimal("-1"), None)
    assert str(problem) == "heures_mad : Les heures de mise à disposition de février 2024 ne peuvent pas être négatives"


# --- milestones ----------------------------------------------------------------------

RULES = Milestones(
    premier_rdv_jours=15,
    cer_delai_mois=1,
    cer_duree_mois=6,
    cer_renouvellement_mois=5,
    entretiens_par_place_an=8,
    entretiens_physiques_par_place_an=4,
)


@pytest.mark.parametrize(
    ("function", "start", "expected"),
    [
        (first_appointment_due, date(2024, 1, 31), date(2024, 2, 15)),
        (first_appointment_due, date(2024, 2, 20), date(2024, 3, 6)),  # 29 days in February 2024
        (cer_due, date(2024, 1, 31), date(2024, 2, 29)),  # clamped to the leap day
        (cer_due, date(2023, 1, 31), date(2023, 2, 28)),
        (cer_end, date(2024, 8, 31), date(2025, 2, 28)),
        (cer_renewal_due, date(2024, 9, 30), date(2025, 2, 28)),
        (cer_renewal_due, date(2024, 3, 31), date(2024, 8, 31)),
    ],
)
def test_due_dates(function, start, expected):
    assert function(start, RULES) == expected


def test_due_dates_without_a_rule():
    empty = Milestones()
    assert first_appointment_due(date(2024, 1, 31), empty) is None
    assert cer_due(date(2024, 1, 31), empty) is None
    assert cer_renewal_due(date(2024, 1, 31), empty) is None
    assert cer_end(date(2024, 1, 15), empty) == date(2024, 7, 15)  # six months by default


@pytest.mark.parametrize(
    ("entry", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 3, 31), 24, date(2026, 3, 31)),
        (date(2024, 8, 31), 18, date(2026, 2, 28)),
        (date(2024, 3, 31), None, None),
    ],
)
def test_parcours_max_end(entry, months, expected):
    assert parcours_max_end(entry, months) == expected


def test_first_appointment_delay():
    assert first_appointment_delay_days(date(2024, 2, 20), date(2024, 3, 5)) == 14  # 9 days of Feb + 5
    with pytest.raises(ValueError):
        first_appointment_delay_days(date(2024, 3, 5), date(2024, 3, 4))


def test_mean_first_appointment_delay_ignores_unknown_dates():
    d = date(2024, 1, 1)
    pairs = [(d, date(2024, 1, 11)), (d, date(2024, 1, 21)), (d, None), (None, date(2024, 1, 5))]
    assert mean_first_appointment_delay(pairs) == Decimal(15)
    assert mean_first_appointment_delay([(d, None)]) is None


def todo(pid, entry, exit=None, **dates):
    return ParcoursDates(ParcoursSpan(pid, entry, exit), **dates)


def test_milestone_todos_open_items_and_overdue():
    as_of = date(2024, 3, 10)
    parcours = [
        todo(1, date(2024, 2, 15), orientation=date(2024, 1, 31)),
        todo(2, date(2024, 2, 1), orientation=date(2024, 1, 25), first_appointment=date(2024, 2, 1),
             cer_signature=date(2024, 2, 10)),
        todo(3, date(2023, 6, 1), date(2024, 3, 1), orientation=date(2023, 5, 1)),  # left before as_of
        todo(4, date(2024, 3, 1), date(2024, 3, 10)),  # leaves on as_of: still followed that day
        todo(5, date(2024, 2, 10), orientation=date(2024, 2, 9), first_appointment=date(2024, 2, 10),
             cer_signature=date(2024, 2, 20), cer_renewal_request=date(2024, 3, 1)),
        todo(6, date(2024, 2, 26), orientation=date(2024, 2, 24), cer_signature=date(2024, 3, 1),
             cer_renewal_request=date(2024, 3, 5)),
    ]
    items = milestone_todos(parcours, RULES, as_of, parcours_max_mois=24)
    assert [(i.parcours_id, i.code, i.due, i.overdue) for i in items] == [
        (1, "premier_rdv", date(2024, 2, 15), True),
        (1, "cer_signature", date(2024, 2, 29), True),
        (6, "premier_rdv", date(2024, 3, 10), False),  # due today: not yet overdue
        (4, "cer_signature", date(2024, 4, 1), False),  # no orientation: counted from the entry
        (2, "cer_renouvellement", date(2024, 7, 10), False),
        (2, "parcours_max", date(2026, 2, 1), False),
        (5, "parcours_max", date(2026, 2, 10), False),
        (1, "parcours_max", date(2026, 2, 15), False),
        (6, "parcours_max", date(2026, 2, 26), False),
    ]
    labels = {(i.parcours_id, i.code): i.label for i in items}
    assert labels[1, "premier_rdv"] == "Premier rendez-vous à tenir (15 jours après l'orientation)"
    assert labels[4, "cer_signature"] == "Contrat d'engagements réciproques à signer (1 mois après l'entrée)"


def test_milestone_todos_without_rules_are_empty():
    parcours = [todo(1, date(2024, 2, 15), orientation=date(2024, 1, 31))]
    assert milestone_todos(parcours, Milestones(), date(2024, 3, 10)) == []


@pytest.mark.parametrize(
    ("period", "expected", "expected_physical"),
    [
        (Period(date(2024, 1, 1), date(2024, 12, 31)), Decimal(80), Decimal(40)),  # 8 × 10 places × 12/12
        (H1_2024, Decimal(40), Decimal(20)),  # 6 months
    ],
)
def test_interviews_due(period, expected, expected_physical):
    assert interviews_due(RULES, 10, period) == expected
    assert physical_interviews_due(RULES, 10, period) == expected_physical
    assert interviews_due(Milestones(), 10, period) is None


def test_taux_contractualisation():
    assert taux_contractualisation(8, 10) == Decimal("0.8")
    assert taux_contractualisation(0, 0) is None


def test_youth_share_and_cap():
    pairs = [
        (date(2000, 3, 1), date(2024, 2, 29)),  # 23
        (date(1998, 3, 1), date(2024, 3, 1)),  # 26 that very day: not young
        (date(1998, 3, 2), date(2024, 3, 1)),  # 25
        (date(1980, 6, 1), date(2024, 3, 1)),
    ]
    share = youth_share(pairs)
    assert share == Decimal("0.5")
    assert not youth_share_within_cap(share, Decimal("0.20"))
    assert youth_share_within_cap(share, None)
    assert youth_share([]) is None and youth_share_within_cap(None, Decimal("0.20"))


@pytest.mark.parametrize(
    ("places", "etp", "places_par_etp", "expected"),
    [
        (30, Decimal("1.5"), 20, True),  # exactly 1.5 × 20
        (31, Decimal("1.5"), 20, False),
        (500, Decimal("0"), None, True),  # no ratio set
    ],
)
def test_places_within_etp_capacity(places, etp, places_par_etp, expected):
    assert places_within_etp_capacity(places, etp, places_par_etp) is expected
