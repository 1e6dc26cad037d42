"""Finances on a real database: the view's figures against an example worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import ValidationError
from aapdesk.services import documents, finances
from aapdesk.services.operations import OperationInput, create_operation


@pytest.fixture
def op(app):
    # 3.16 (2024): expense-based, indirect costs 20 % of direct costs excluding prestations.
    return create_operation(app, OperationInput(code="ACC", dispositif_key="62-2024-3.16", debut=date(2024, 1, 1),
                                                fin=date(2024, 12, 31), places=15, montant=D("62000")))


def test_finance_view_worked_example(app, op, tmp_path):
    staff = finances.save_staff(app, op.id, finances.StaffInput("Dubois", "Claire", "cip", taux_affectation_pct=D(50)))
    finances.save_staff_costs(app, op.id, [finances.StaffCostInput(staff, YearMonth(2024, m), D("3000")) for m in (1, 2)])
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(b"%PDF facture")
    # eligible: 1 000 fonctionnement (paid, invoiced) + 2 000 prestations (paid, invoiced)
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 3, 1), "fonctionnement", "Loyer", D("1000"),
                                                             "Bailleur", "L-1", date(2024, 3, 5)), invoice=invoice)
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 4, 1), "prestations", "Module", D("2000"),
                                                             "Organisme", "P-1", date(2024, 4, 20)), invoice=invoice)
    # not eligible: outside the period (500); unpaid, and "participants" is no category of 3.16 (300);
    # a missing invoice is only flagged (the 200 count)
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2023, 12, 20), "fonctionnement", "Avant", D("500"),
                                                             "X", "A-1", date(2023, 12, 21)))
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 5, 1), "participants", "Transport", D("300"),
                                                             "Y", "T-1", None))
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 6, 1), "fonctionnement", "Tickets", D("200"),
                                                             "Z", "T-2", date(2024, 6, 2)))
    finances.save_budget(app, op.id, {"personnel": D("36000"), "fonctionnement": D("15000"),
                                      "prestations": D("10000")})
    resource = finances.save_resource(app, op.id, "departement", D("62000"))
    finances.add_versement(app, resource, date(2024, 2, 15), "avance", D("31000"))

    view = finances.finance_view(app, op.id, date(2025, 3, 31))
    # staff: 2 months × 3 000 × 50 % = 3 000
    assert view.direct == {"personnel": D("3000.00"), "fonctionnement": D("1200.00"), "prestations": D("2000.00"),
                           "participants": D("0")}
    # indirect: 20 % × (3 000 + 1 200) = 840 (prestations excluded from the base)
    assert view.indirect.amount == D("840.00")
    assert view.total_eligible == D("7040.00")
    assert view.non_eligibles == D("800.00")
    issues = {row.libelle: row.issues for row in view.expenses}
    assert issues["Avant"] == ("hors_periode", "sans_facture")
    assert issues["Transport"] == ("non_acquittee", "sans_facture", "categorie_non_eligible")
    assert issues["Tickets"] == ("sans_facture",)
    assert issues["Loyer"] == ()
    # planned: 61 000 direct + 20 % × 51 000 = 10 200 indirect = 71 200; 62 000 × 7 040 / 71 200 = 6 130,337… → 6 130,34
    assert view.estimate.montant_estime == D("6130.34")
    assert view.received_from_departement == D("31000.00")
    assert view.solde == D("-24869.66")
    budget = {b.categorie: (b.prevu, b.realise) for b in view.budget}
    assert budget["indirectes"] == (D("10200.00"), D("840.00"))
    loyer = next(row for row in view.expenses if row.libelle == "Loyer")
    assert [d.nature for d in documents.list_documents(app, depense_id=loyer.id)] == ["facture"]


def test_expense_refusals_write_nothing(app, op, tmp_path):
    with pytest.raises(ValidationError) as exc:
        finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 3, 5), "fonctionnement", "Loyer", D("-1"),
                                                                 date_paiement=date(2024, 3, 1)))
    assert {p.field for p in exc.value.problems} == {"montant", "date_paiement"}
    missing = tmp_path / "absente.pdf"
    with pytest.raises(ValidationError, match="introuvable"):
        finances.save_expense(app, op.id, finances.ExpenseInput(date(2024, 3, 5), "fonctionnement", "Loyer", D("10")),
                              invoice=missing)
    assert finances.finance_view(app, op.id).expenses == ()


def test_fse_counterpart_staff_rules(app):
    op = create_operation(app, OperationInput(code="FSE", dispositif_key="62-2025-5.6", debut=date(2025, 1, 1),
                                              fin=date(2025, 12, 31), montant=D("50000")))
    low = finances.save_staff(app, op.id, finances.StaffInput("Petit", "Léo", "coordination", taux_affectation_pct=D(20)))
    ok = finances.save_staff(app, op.id, finances.StaffInput("Grand", "Ana", "coordination", taux_affectation_pct=D(50)))
    support = finances.save_staff(app, op.id, finances.StaffInput("Compta", "Max", "support", taux_affectation_pct=D(100)))
    finances.save_staff_costs(app, op.id, [finances.StaffCostInput(p, YearMonth(2025, 1), D("4000")) for p in (low, ok, support)])
    view = finances.finance_view(app, op.id, date(2025, 3, 15))
    rows = {s.nom: s for s in view.staff}
    assert rows["PETIT"].eligible == 0 and "minimum" in rows["PETIT"].problems[0]
    assert rows["COMPTA"].eligible == 0 and "support" in rows["COMPTA"].problems[0]
    assert rows["GRAND"].eligible == D("2000.00")
    # 2 000 + 40 % = 2 800 (under the 50 000 convention)
    assert view.estimate.montant_estime == D("2800.00")


def test_staff_cost_paste_is_all_or_nothing(app, op):
    staff = finances.save_staff(app, op.id, finances.StaffInput("Dubois", "Claire", "cip"))
    with pytest.raises(ValidationError) as exc:
        finances.save_staff_costs(app, op.id, [finances.StaffCostInput(staff, YearMonth(2024, 1), D("3000")),
                                               finances.StaffCostInput(staff, YearMonth(2025, 2), D("3000")),
                                               finances.StaffCostInput(staff, YearMonth(2024, 3), D("-5"))])
    assert [p.field for p in exc.value.problems] == ["février 2025", "mars 2024"]
    assert finances.finance_view(app, op.id).staff[0].months == ()


def test_time_sheet_pdf(app, op):
    from pypdf import PdfReader

    staff = finances.save_staff(app, op.id, finances.StaffInput("Dubois", "Claire", "cip", taux_affectation_pct=D(40),
                                                                justification="fiche_temps"))
    path = finances.write_time_sheet(app, staff, YearMonth(2024, 2))
    text = " ".join(PdfReader(str(path)).pages[0].extract_text().split())
    assert "Fiche temps – février 2024" in text and "Claire DUBOIS" in text and "40 %" in text
    assert "29/02/2024" in text and "jeudi" in text and "Signature du salarié" in text
    assert "DUBOIS" not in path.name
