"""Finances: every funding model and indirect-cost variant against examples computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from aapdesk.catalogue import load_catalogue
from aapdesk.domain.dispositif import IndirectCostBase, IndirectCosts
from aapdesk.domain.finances import (
    ExpenseLine,
    StaffMonth,
    check_expense_input,
    eligible_staff_cost,
    estimate_depenses,
    estimate_forfait,
    estimate_fse,
    estimate_prix_place,
    estimate_sessions,
    estimate_siae,
    expense_issues,
    indirect_costs,
    is_eligible,
    probable_duplicates,
)
from aapdesk.domain.periods import Period

CATALOGUE = load_catalogue()
AI = CATALOGUE.get("62-2024-3.10").financement
SP = CATALOGUE.get("62-2024-SP").financement
FSE = CATALOGUE.get("62-2025-5.6").financement
INTERCO = CATALOGUE.get("62-2024-INTERCO").financement


def test_siae_capped_by_participant_months():
    # 46 800 € for 20 postes: 180 months of 240 → 0.9 × 46 800 × 0.75 = 31 590;
    # 6 sorties of 20 × 0.45 = 9 → 0.05 × 46 800 × 6/9 = 1 560; quality 100 % → 2 340. Total 35 490,
    # but 195 € × 180 months = 35 100 caps it.
    e = estimate_siae(D("46800"), AI, postes=20, mois_valorisables=180, sorties_dynamiques=6)
    assert dict(e.lignes) == {"Part mois d'accompagnement": D("31590.00"), "Part sorties dynamiques": D("1560.00"),
                              "Part qualité": D("2340.00")}
    assert e.montant_estime == D("35100.00")
    assert any("195" in h and "180 mois" in h for h in e.hypotheses)
    assert e.solde(D("23400")) == D("11700.00")


def test_siae_objectives_exceeded_count_at_most_100_percent():
    # 240/240 months → 42 120; 12 sorties ≥ 9 → 2 340; quality 80 % → 1 872. Total 46 332 < cap 46 800.
    e = estimate_siae(D("46800"), AI, postes=20, mois_valorisables=240, sorties_dynamiques=12, qualite=D("0.8"))
    assert e.montant_estime == D("46332.00")


def test_prix_place():
    # 10 000 €: 50 % × occupation 85 % = 4 250; 50 % × quality 90 % = 4 500.
    assert estimate_prix_place(D("10000"), SP, taux_occupation=D("0.85"), qualite=D("0.9")).montant_estime == D("8750.00")
    assert estimate_prix_place(D("10000"), SP, taux_occupation=D("1.10")).montant_estime == D("10000.00")


def test_forfait_nord():
    assert estimate_forfait(D("24200"), taux_occupation=D("0.8")).montant_estime == D("19360.00")
    assert estimate_forfait(D("24200"), taux_occupation=D("1.2")).montant_estime == D("24200.00")


def test_expense_based():
    # 62 000 € × 50 000 / 77 500 = 40 000 €.
    e = estimate_depenses(D("62000"), eligible_realised=D("50000"), eligible_planned=D("77500"))
    assert e.montant_estime == D("40000.00")
    assert estimate_depenses(D("62000"), eligible_realised=D("90000"), eligible_planned=D("77500")).montant_estime == D("62000.00")
    assert estimate_depenses(D("62000"), eligible_realised=D("1"), eligible_planned=D("0")).montant_estime == D("0.00")


def test_fse_counterpart():
    # 30 000 € of staff + 40 % = 42 000 €, capped at the 40 000 € convention.
    e = estimate_fse(D("40000"), FSE, eligible_staff=D("30000"))
    assert dict(e.lignes)["Forfait de compensation"] == D("12000.00")
    assert e.montant_estime == D("40000")
    assert estimate_fse(D("50000"), FSE, eligible_staff=D("30000")).montant_estime == D("42000.00")


def test_sessions():
    # 8 000 €: 4 000 at start + 4 000 × 6/10 = 6 400.
    assert estimate_sessions(D("8000"), INTERCO, held=6, planned=10).montant_estime == D("6400.00")


DIRECT = {"personnel": D("30000"), "fonctionnement": D("5000"), "prestations": D("8000"), "participants": D("2000")}


@pytest.mark.parametrize("key, base, amount", [
    ("62-2024-3.16", D("37000"), D("7400.00")),   # 20 % of direct costs excluding prestations
    ("62-2024-1.1", D("37000"), D("7400.00")),    # at most 20 % of direct costs excluding prestations
    ("62-2024-3.5", D("37000"), D("7400.00")),    # at most 20 % of the direct total excluding prestations
    ("62-2024-3.10", D("30000"), D("6000.00")),   # 20 % of direct staff costs
    ("62-2024-3.12", D("30000"), D("4500.00")),   # 15 % of direct staff costs
    ("62-2024-3.13", D("30000"), D("6000.00")),   # at most 20 % of direct staff costs
    ("62-2025-5.6", D("30000"), D("12000.00")),   # 40 % flat rate on staff costs
    ("62-2024-SP", D("0"), D("0")),               # price per place: no indirect costs
])
def test_indirect_cost_variants(key, base, amount):
    result = indirect_costs(DIRECT, CATALOGUE.get(key).financement.charges_indirectes)
    assert (result.base, result.amount) == (base, amount)


def test_indirect_costs_on_all_direct_costs_and_explanation():
    result = indirect_costs(DIRECT, IndirectCosts(D("0.2"), IndirectCostBase.DIRECTES, True))
    assert result.amount == D("9000.00")
    assert result.explanation == "au plus 20\u202f% des dépenses directes éligibles (45\u202f000,00\u202f€) = 9\u202f000,00\u202f€"


PERIOD = Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize("spent, paid, as_of, issues", [
    (date(2024, 12, 31), date(2025, 1, 10), date(2025, 3, 31), []),
    (date(2024, 1, 1), date(2024, 1, 1), date(2025, 3, 31), []),
    (date(2025, 1, 1), date(2025, 1, 2), date(2025, 3, 31), ["hors_periode"]),
    (date(2023, 12, 31), date(2024, 1, 2), date(2025, 3, 31), ["hors_periode"]),
    (date(2024, 6, 1), date(2025, 3, 31), date(2025, 3, 31), []),  # paid on the as-of day: paid
    (date(2024, 6, 1), date(2025, 3, 31), date(2025, 3, 30), ["non_acquittee"]),
    (date(2024, 6, 1), None, date(2025, 3, 31), ["non_acquittee"]),
])
def test_eligibility_at_period_boundaries(spent, paid, as_of, issues):
    line = ExpenseLine(1, spent, "fonctionnement", D("100"), "EDF", "F-1", paid, has_invoice=True)
    found = expense_issues(line, PERIOD, as_of, ["personnel", "fonctionnement"])
    assert found == issues
    assert is_eligible(found) == (issues == [])


def test_missing_invoice_duplicates_and_category():
    lines = [ExpenseLine(1, date(2024, 3, 1), "prestations", D("10"), "Imprimerie Nord", "F 12", date(2024, 3, 2)),
             ExpenseLine(2, date(2024, 3, 5), "prestations", D("10"), "imprimerie  nord", "f12", date(2024, 3, 6), True),
             ExpenseLine(3, date(2024, 3, 5), "prestations", D("10"), "Autre", "f12", date(2024, 3, 6), True)]
    duplicates = probable_duplicates(lines)
    assert duplicates == frozenset({1, 2})
    issues = expense_issues(lines[0], PERIOD, date(2025, 1, 1), ["personnel"], duplicates)
    assert issues == ["sans_facture", "doublon", "categorie_non_eligible"]
    assert not is_eligible(issues)
    assert is_eligible(["sans_facture", "doublon"])  # flagged, not silently dropped


def test_staff_rules():
    assert eligible_staff_cost(StaffMonth("A", "cip", D("3000"), D("0.5")), AI) == D("1500.00")
    assert eligible_staff_cost(StaffMonth("A", "cip", D("3000"), D("0.25")), FSE) == 0  # under the 30 % minimum
    assert eligible_staff_cost(StaffMonth("A", "cip", D("3000"), D("0.30")), FSE) == D("900.00")
    assert eligible_staff_cost(StaffMonth("B", "support", D("3000"), D("1")), FSE) == 0  # support ineligible (5.6)


def test_expense_input_refusals_name_the_field():
    fields = {p.field for p in check_expense_input(D("-5"), "voyages", date(2024, 5, 2), date(2024, 5, 1), " ")}
    assert fields == {"montant", "categorie", "libelle", "date_paiement"}
    assert check_expense_input(D("12.50"), "fonctionnement", date(2024, 5, 2), date(2024, 5, 2), "Loyer") == []
