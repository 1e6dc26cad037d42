"""Due dates of an operation's deliverables, worked out by hand from the fiches' rules."""

from datetime import date

import pytest

from aapdesk.domain.deliverables import DueDeliverable, deliverable_due_dates, due_date, is_late, short_label
from aapdesk.domain.dispositif import DeadlineRule, Deliverable

YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


def livrable(code: str, regle: str, **kwargs) -> Deliverable:
    return Deliverable(code=code, libelle=kwargs.pop("libelle", ""), regle=DeadlineRule(regle), **kwargs)


def test_bilan_final_three_months_after_the_end_of_december():
    # 31/12/2024 + 3 months = 31/03/2025
    result = due_date(livrable("bilan_final", "apres_fin", mois=3), *YEAR_2024, as_of=date(2025, 1, 10))
    assert result == DueDeliverable("Bilan final", date(2025, 3, 31))


@pytest.mark.parametrize("end, expected", [
    (date(2025, 1, 31), date(2025, 2, 28)),  # no 31/02: the last day of February
    (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
    (date(2025, 6, 30), date(2025, 7, 30)),  # same day number, not the month's end
    (date(2024, 11, 30), date(2024, 12, 30)),
])
def test_one_month_after_the_end_is_clamped_to_the_month(end, expected):
    result = due_date(livrable("bilan_final", "apres_fin", mois=1), date(2024, 1, 1), end, as_of=date(2024, 1, 1))
    assert result.due == expected


def test_31_march_of_the_year_after_the_end():
    rule = livrable("bilan_final", "31_mars_n_plus_1")
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 6, 1)).due == date(2025, 3, 31)
    # an operation ending in mid-year: still 31 March of the following year
    assert due_date(rule, date(2024, 7, 1), date(2025, 6, 30), as_of=date(2025, 1, 1)).due == date(2026, 3, 31)


def test_fixed_date_and_missing_fixed_date():
    assert due_date(livrable("bilan_final", "date_fixe", date=date(2025, 3, 31)), *YEAR_2024,
                    as_of=date(2025, 3, 15)).due == date(2025, 3, 31)
    assert due_date(livrable("bilan_final", "date_fixe"), *YEAR_2024, as_of=date(2025, 3, 15)) is None


def test_a_fixed_date_moves_with_an_operation_run_later_under_the_same_fiche():
    bilan = livrable("bilan_final", "date_fixe", date=date(2025, 3, 31))  # the 2024 call, convention 2024
    planned = date(2024, 12, 31)
    assert due_date(bilan, *YEAR_2024, as_of=date(2025, 1, 1), planned_end=planned).due == date(2025, 3, 31)
    renewed = (date(2025, 1, 1), date(2025, 12, 31))  # the same fiche used for 2025
    assert due_date(bilan, *renewed, as_of=date(2025, 3, 15), planned_end=planned).due == date(2026, 3, 31)
    # a bilan intermédiaire of a two-year convention stays inside the operation it belongs to
    interim = livrable("bilan_intermediaire", "date_fixe", date=date(2025, 3, 31))
    assert due_date(interim, date(2024, 1, 1), date(2025, 12, 31), as_of=date(2024, 6, 1),
                    planned_end=date(2025, 12, 31)).due == date(2025, 3, 31)


def test_months_after_the_start():
    rule = livrable("bilan_intermediaire", "apres_debut", mois=6)
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 3, 1)) == DueDeliverable("Bilan intermédiaire", date(2024, 7, 1))


def test_monthly_report_of_march_is_due_on_10_april():
    rule = livrable("reporting_mensuel", "mensuel", jour=10)
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    # As of 15/03 the February report (due 10/03) is past: the next is March's, due 10/04.
    assert due_date(rule, start, end, as_of=date(2025, 3, 15)) == DueDeliverable(
        "Reporting mensuel de mars 2025", date(2025, 4, 10))
    # On 10/04 itself the March report is still the one to send.
    assert due_date(rule, start, end, as_of=date(2025, 4, 10)).label == "Reporting mensuel de mars 2025"
    # French elision: « d'avril », « d'août », « d'octobre ».
    assert due_date(rule, start, end, as_of=date(2025, 4, 11)).label == "Reporting mensuel d'avril 2025"
    # December's report is due in January of the next year; after that, nothing is left.
    assert due_date(rule, start, end, as_of=date(2025, 12, 20)).due == date(2026, 1, 10)
    assert due_date(rule, start, end, as_of=date(2026, 1, 11)) is None


def test_monthly_report_without_a_day_defaults_to_the_10th():
    rule = livrable("reporting_mensuel", "mensuel")
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 2, 1)).due == date(2024, 2, 10)


def test_monthly_day_is_clamped_to_short_months():
    rule = livrable("reporting_mensuel", "mensuel", jour=31)
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 2, 1)).due == date(2024, 2, 29)  # January's, in February


def test_annual_bilan_per_civil_year():
    rule = livrable("bilan_annuel", "annuel", mois=3)
    start, end = date(2024, 7, 1), date(2025, 6, 30)
    assert due_date(rule, start, end, as_of=date(2025, 3, 15)) == DueDeliverable("Bilan annuel 2024", date(2025, 3, 31))
    assert due_date(rule, start, end, as_of=date(2025, 4, 1)) == DueDeliverable("Bilan annuel 2025", date(2026, 3, 31))
    assert due_date(livrable("bilan_annuel", "annuel", mois=6), start, end,
                    as_of=date(2025, 1, 1)).due == date(2025, 6, 30)


def test_tableau_de_bord_before_the_next_comite():
    rule = livrable("tableau_de_bord", "avant_comite")
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 3, 15), next_comite=date(2024, 3, 27)) == DueDeliverable(
        "Tableau de bord avant le comité du 27/03/2024", date(2024, 3, 27))
    assert due_date(rule, *YEAR_2024, as_of=date(2024, 3, 15), next_comite=None) is None


def test_all_deliverables_sorted_with_their_platform():
    rules = (
        livrable("bilan_final", "apres_fin", mois=1, plateforme="E-Partenaire"),
        livrable("tableau_de_bord", "avant_comite"),
        livrable("reporting_mensuel", "mensuel", jour=10),
    )
    result = deliverable_due_dates(rules, date(2025, 1, 1), date(2025, 12, 31), date(2025, 3, 15), date(2025, 3, 27))
    assert result == [
        ("Tableau de bord avant le comité du 27/03/2025", date(2025, 3, 27)),
        ("Reporting mensuel de mars 2025", date(2025, 4, 10)),
        ("Bilan final – dépôt sur E-Partenaire", date(2026, 1, 31)),
    ]


def test_past_one_off_deliverables_stay_listed_and_are_late():
    result = deliverable_due_dates([livrable("cre", "apres_fin", mois=3)], *YEAR_2024, as_of=date(2025, 4, 2))
    assert result == [("Comptes rendus d'exécution (CRE)", date(2025, 3, 31))]
    assert is_late(date(2025, 3, 31), date(2025, 4, 1))
    assert not is_late(date(2025, 3, 31), date(2025, 3, 31))


def test_unknown_codes_are_named_from_the_fiche_wording():
    rule = livrable("synthese", "date_fixe", date=date(2025, 1, 1),
                    libelle="synthèse des actions collectives : participants, thèmes (annuelle)")
    assert short_label(rule) == "Synthèse des actions collectives"


def test_catalogue_deliverables_all_have_a_due_date_rule():
    """Every deliverable of every fiche in the catalogue gives a date for an operation over 2024."""
    from aapdesk.catalogue import load_catalogue

    catalogue = load_catalogue()
    for dispositif in catalogue.dispositifs.values():
        for rule in dispositif.livrables:
            found = due_date(rule, *YEAR_2024, as_of=date(2024, 1, 1), next_comite=date(2024, 6, 1))
            assert found is not None and found.label, (dispositif.key, rule.code)
