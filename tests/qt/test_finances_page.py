"""The Finances page: its models, the synthèse against ``finance_view``, the expense dialog
(French amounts, inline errors, the invoice stored in the same save), the budget, the staff
of a 5.6 operation, versements and the solde, the time sheet, deleting what was entered by mistake.

The demo is built under the fixed clock of conftest (15/03/2025); expected figures are
always read back from ``finance_view``, never hard-coded from the demo.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aapdesk.domain import finances as fin
from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_date, format_money
from aapdesk.qt.dialogs.expense_dialog import ExpenseDialog
from aapdesk.qt.models.finance_models import (
    ISSUES_ROLE,
    OBJECT_ROLE,
    WARNING_COLOR,
    BudgetModel,
    ExpensesFilter,
    ExpensesModel,
    ResourcesModel,
    StaffModel,
    StaffMonthsModel,
    VersementsModel,
    signed_money,
)
from aapdesk.qt.pages import finances_page
from aapdesk.qt.pages.finances_page import FinancesPage, estimate_text, received_text, solde_text
from aapdesk.qt.widgets.field_errors import ERROR_COLOR
from aapdesk.qt.widgets.inputs import select_data
from aapdesk.services import documents as documents_service
from aapdesk.services import finances as finances_service
from aapdesk.services import operations as operations_service
from aapdesk.services.operations import OperationInput

EXPENSES = "ACCOMP-2025"  # fiche 3.15 (2025), expense-based, in progress on 15/03/2025
SIAE = "AI-2024"  # fiche 3.10: the estimate uses the quality assumption


# --- helpers -----------------------------------------------------------------------------

def operation(ctx, code):
    return operations_service.get_operation(ctx, code)


def view_of(page: FinancesPage):
    return finances_service.finance_view(page.app, page.current_operation_id(), page.as_of())


@pytest.fixture
def page(qtbot, demo_ctx):
    widget = FinancesPage(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.refresh()
    widget.select_operation(EXPENSES)
    widget.show()
    return widget


def an_invoice(folder: Path, name: str = "facture-edf.pdf") -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4 facture EDF mars 2025\n")
    return path


def stored_files(ctx) -> list[Path]:
    """Every file of the document store, staging area included."""
    return sorted(p for p in ctx.db.paths.documents_dir.rglob("*") if p.is_file())


def fill_expense(dialog: ExpenseDialog, type_text, *, montant: str, day: date, paid: date | None,
                 category: str = "fonctionnement", libelle: str = "Électricité mars") -> None:
    dialog.date.set_value(day)
    select_data(dialog.categorie, category)
    type_text(dialog.fournisseur, "EDF")
    type_text(dialog.numero_piece, "F-2025-031")
    type_text(dialog.libelle, libelle)
    type_text(dialog.montant, montant)
    dialog.date_paiement.set_value(paid)


# --- models ------------------------------------------------------------------------------

def test_models_pass_the_qt_model_tester(qtmodeltester, demo_ctx):
    view = finances_service.finance_view(demo_ctx, operation(demo_ctx, EXPENSES).id)
    assert view.staff and view.expenses and view.resources

    staff = StaffModel()
    staff.set_rows(view.staff)
    qtmodeltester.check(staff, force_py=True)
    months = StaffMonthsModel()
    months.set_rows(view.staff[0].months)
    qtmodeltester.check(months, force_py=True)
    expenses = ExpensesModel()
    expenses.set_rows(view.expenses)
    qtmodeltester.check(expenses, force_py=True)
    expenses.sort(ExpensesModel.COL_MONTANT, Qt.SortOrder.DescendingOrder)  # watched through the layout change
    proxy = ExpensesFilter()
    proxy.setSourceModel(expenses)
    proxy.set_problems_only(True)
    qtmodeltester.check(proxy, force_py=True)
    resources = ResourcesModel()
    resources.set_rows(view.resources)
    qtmodeltester.check(resources, force_py=True)
    versements = VersementsModel()
    versements.set_rows(view.resources[0].versements)
    qtmodeltester.check(versements, force_py=True)
    budget = BudgetModel()
    budget.set_budget(view.budget)
    qtmodeltester.check(budget, force_py=True)
    empty = ExpensesModel()
    empty.set_rows(())
    qtmodeltester.check(empty, force_py=True)


def test_expense_problems_use_the_domain_labels_and_colours(demo_ctx):
    view = finances_service.finance_view(demo_ctx, operation(demo_ctx, EXPENSES).id)
    model = ExpensesModel()
    model.set_rows(view.expenses)
    excluded = next(r for r in range(model.rowCount()) if not model.row_at(r).eligible)
    flagged = next(r for r in range(model.rowCount()) if model.row_at(r).eligible and model.row_at(r).issues)
    for row, color in ((excluded, ERROR_COLOR), (flagged, WARNING_COLOR)):
        expense = model.row_at(row)
        index = model.index(row, ExpensesModel.COL_PROBLEMES)
        assert index.data() == " · ".join(fin.ISSUES[i] for i in expense.issues)
        assert index.data(ISSUES_ROLE) == [(fin.ISSUES[i], i in fin.EXCLUDING) for i in expense.issues]
        assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == color
    amount = model.index(excluded, ExpensesModel.COL_MONTANT)
    assert amount.data() == format_money(model.row_at(excluded).montant)
    assert amount.data(Qt.ItemDataRole.FontRole).strikeOut()


# --- synthèse ----------------------------------------------------------------------------

def test_synthesis_shows_the_figures_of_finance_view(page):
    view = view_of(page)
    tab = page.synthesis
    assert view.estimate is not None
    assert tab.estimate_label.text() == estimate_text(view)
    assert (f"Subvention estimée : {format_money(view.estimate.montant_estime)} sur "
            f"{format_money(view.estimate.montant_conventionne)} conventionnés") == tab.estimate_label.text()
    for hypothesis in view.estimate.hypotheses:
        assert hypothesis[1:] in tab.hypotheses_label.text()
    assert tab.solde_label.text() == f"Solde à attendre : {format_money(view.solde)}"
    assert format_money(view.received_from_departement) in tab.received_label.text()
    assert tab.total_label.text() == format_money(view.total_eligible)
    assert tab.non_eligible_label.text() == format_money(view.non_eligibles)
    assert tab.indirect_label.text() == format_money(view.indirect.amount)
    assert view.indirect.explanation[1:] in tab.indirect_rule.text()
    for code, label in tab.direct_labels.items():
        assert label.text() == format_money(view.direct[code])


def test_assumptions_change_the_estimate(page):
    page.select_operation(SIAE)
    before = view_of(page)
    assert page.synthesis.assumptions_button.isEnabled()
    dialog = page.synthesis.edit_assumptions()
    dialog.qualite.setText("50")
    assert dialog.try_save()
    after = view_of(page)
    assert after.assumptions.qualite == Decimal("0.5")
    assert after.estimate.montant_estime < before.estimate.montant_estime
    assert page.synthesis.estimate_label.text() == estimate_text(after)
    assert any("estimée à 50" in h for h in after.estimate.hypotheses)


def test_assumptions_out_of_range_are_refused_inline(page):
    page.select_operation(SIAE)
    dialog = page.synthesis.edit_assumptions()
    dialog.qualite.setText("150")
    assert not dialog.try_save()
    assert dialog.errors.messages("qualite") == ("La part qualitative doit être estimée entre 0 et 100 %",)
    assert view_of(page).assumptions.qualite == Decimal(1)


# --- dépenses ----------------------------------------------------------------------------

def test_adding_an_expense_with_its_invoice_updates_the_totals(page, type_text, tmp_path):
    before = view_of(page)
    page.tabs.setCurrentWidget(page.expenses)
    dialog = page.expenses.add_expense()
    fill_expense(dialog, type_text, montant="1 234,56", day=date(2025, 3, 3), paid=date(2025, 3, 10))
    dialog.invoice_path.setText(str(an_invoice(tmp_path)))
    assert dialog.try_save(), dialog.errors.general_messages()

    after = view_of(page)
    added = next(e for e in after.expenses if e.libelle == "Électricité mars")
    assert added.montant == Decimal("1234.56") and added.invoices == 1 and not added.issues
    documents = documents_service.list_documents(page.app, depense_id=added.id)
    assert [d.nom_original for d in documents] == ["facture-edf.pdf"] and documents[0].path.exists()
    assert after.direct["fonctionnement"] == before.direct["fonctionnement"] + Decimal("1234.56")
    assert after.total_eligible > before.total_eligible
    assert page.synthesis.total_label.text() == format_money(after.total_eligible)
    assert page.synthesis.estimate_label.text() == estimate_text(after)
    assert page.expenses.selected_expense().id == added.id
    row = page.expenses.model.row_of(added.id)
    assert page.expenses.model.text(row, ExpensesModel.COL_MONTANT) == "1\u202f234,56\u202f€"
    assert page.expenses.model.text(row, ExpensesModel.COL_FACTURE) == "oui"


def test_negative_amount_and_payment_before_invoice_show_inline_and_write_nothing(page, type_text, tmp_path):
    before, files = view_of(page), stored_files(page.app)
    dialog = page.expenses.add_expense()
    fill_expense(dialog, type_text, montant="-50", day=date(2025, 3, 10), paid=date(2025, 3, 1))
    # said as soon as the dates are typed, before saving
    assert dialog.errors.messages("date_paiement") == ("La date de paiement précède la date de la facture",)
    dialog.invoice_path.setText(str(an_invoice(tmp_path)))
    assert not dialog.try_save()
    assert dialog.errors.messages("montant") == ("Le montant doit être positif",)
    assert dialog.errors.messages("date_paiement") == ("La date de paiement précède la date de la facture",)
    assert not dialog.errors.label("montant").isHidden()
    assert view_of(page).expenses == before.expenses
    assert stored_files(page.app) == files  # the invoice was not even copied


def test_unreadable_amount_is_said_with_the_other_problems(page, type_text):
    dialog = page.expenses.add_expense()
    fill_expense(dialog, type_text, montant="12,3,4", day=date(2025, 3, 10), paid=None, libelle="")
    select_data(dialog.categorie, None)
    assert not dialog.try_save()
    assert dialog.errors.messages("montant")[0].startswith("Montant illisible")
    assert dialog.errors.messages("categorie") == ("Choisissez personnel, fonctionnement, prestations ou participants",)
    assert dialog.errors.messages("libelle") == ("Le libellé est obligatoire",)


def test_an_unreadable_invoice_is_refused_and_no_expense_is_created(page, type_text, tmp_path):
    before, files = view_of(page), stored_files(page.app)
    dialog = page.expenses.add_expense()
    fill_expense(dialog, type_text, montant="80", day=date(2025, 3, 3), paid=date(2025, 3, 4))
    dialog.invoice_path.setText(str(tmp_path / "disparue.pdf"))
    assert not dialog.try_save()
    assert dialog.errors.messages("fichier") == ("Le fichier « disparue.pdf » est introuvable (déplacé ou supprimé ?).",)
    assert view_of(page).expenses == before.expenses

    empty = tmp_path / "vide.pdf"
    empty.write_bytes(b"")
    dialog.invoice_path.setText(f'"{empty}"')  # pasted with quotes, as Windows copies a path
    assert not dialog.try_save()
    assert "vide" in dialog.errors.messages("fichier")[0]
    assert view_of(page).expenses == before.expenses
    assert stored_files(page.app) == files


def test_the_invoice_picker_goes_through_choose_invoice(page, monkeypatch, tmp_path):
    invoice = an_invoice(tmp_path)
    monkeypatch.setattr("aapdesk.qt.dialogs.expense_dialog.choose_invoice", lambda parent, start: str(invoice))
    dialog = page.expenses.add_expense()
    dialog.choose_button.click()
    assert dialog.invoice() == invoice


def test_dialog_warns_of_a_category_the_fiche_does_not_fund(page):
    dialog = page.expenses.add_expense()
    rules = operation(page.app, EXPENSES).rules
    not_funded = next((c for c in fin.CATEGORIES if c not in rules.financement.categories_eligibles), None)
    if not_funded is None:
        pytest.skip("every category is funded by this fiche")
    select_data(dialog.categorie, not_funded)
    assert fin.ISSUES["categorie_non_eligible"][1:] in dialog.warning_text()
    dialog.date.set_value(date(2024, 12, 1))
    assert fin.ISSUES["hors_periode"][1:] in dialog.warning_text()


def test_editing_an_expense_lists_its_invoices(page, type_text):
    expense = next(e for e in view_of(page).expenses if e.invoices)
    assert page.expenses.select_expense(expense.id)
    dialog = page.expenses.edit_selected()
    assert dialog.documents is not None and len(dialog.documents.documents()) == expense.invoices
    dialog.libelle.clear()
    type_text(dialog.libelle, "Loyer du local (mars)")
    assert dialog.try_save()
    assert next(e for e in view_of(page).expenses if e.id == expense.id).libelle == "Loyer du local (mars)"


def test_filters_and_delete(page, recorded_messages):
    tab = page.expenses
    view = view_of(page)
    select_data(tab.category_filter, "participants")
    assert {e.categorie for e in tab.visible_rows()} == {"participants"}
    select_data(tab.category_filter, None)
    tab.problems_only.setChecked(True)
    assert tab.visible_rows() and all(e.issues for e in tab.visible_rows())
    assert len(tab.visible_rows()) == sum(1 for e in view.expenses if e.issues)

    victim = tab.visible_rows()[0]
    tab.select_expense(victim.id)
    assert tab.delete_selected()
    assert "confirm" in recorded_messages.kinds()
    assert victim.id not in {e.id for e in view_of(page).expenses}
    assert tab.problems_only.isChecked()  # a reload keeps the filters


# --- budget ------------------------------------------------------------------------------

def test_editing_the_budget_updates_the_ecart(page):
    page.tabs.setCurrentWidget(page.budget)
    dialog = page.budget.edit_budget()
    dialog.amounts["fonctionnement"].setText("12 000")
    assert dialog.try_save()
    view = view_of(page)
    row = next(b for b in view.budget if b.categorie == "fonctionnement")
    assert row.prevu == Decimal(12000)
    assert page.budget.ecart_text("fonctionnement") == signed_money(row.realise - Decimal(12000))
    indirect = next(b for b in view.budget if b.categorie == "indirectes")
    assert page.budget.ecart_text("indirectes") == signed_money(indirect.ecart)


def test_a_negative_planned_amount_is_refused(page):
    dialog = page.budget.edit_budget()
    dialog.amounts["prestations"].setText("-10")
    assert not dialog.try_save()
    assert dialog.errors.messages("prestations") == ("Le montant prévu doit être positif ou nul",)


# --- personnel ---------------------------------------------------------------------------

@pytest.fixture
def fse_page(qtbot, app_ctx):
    op = operations_service.create_operation(app_ctx, OperationInput(
        code="FSE-2025", dispositif_key="62-2025-5.6", debut=date(2025, 1, 1), fin=date(2025, 12, 31),
        montant=Decimal("40000")))
    widget = FinancesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    widget.select_operation(op.code)
    widget.show()
    return widget


def test_staff_under_the_minimum_affectation_shows_the_problem(fse_page, type_text):
    tab = fse_page.staff
    dialog = tab.add_staff()
    type_text(dialog.nom, "Lefèvre")
    type_text(dialog.prenom, "Hélène")
    select_data(dialog.fonction, "cip")
    dialog.taux.setText("20")
    assert "sous le minimum de 30" in dialog.warning_text()  # said before saving
    assert dialog.try_save()
    person = tab.selected_staff()
    assert person is not None and person.nom == "LEFÈVRE"
    # no month yet, so nothing counted: the page says what the fiche will do with them
    assert not tab.problems_label.isHidden() and "seront inéligibles" in tab.problems_label.text()

    costs = tab.edit_costs()
    type_text(costs.costs[costs.months[0]], "3 100,00")
    type_text(costs.costs[costs.months[1]], "3 150")
    assert costs.try_save()

    person = tab.selected_staff()
    view = view_of(fse_page)
    assert person.problems and person.problems == view.staff[0].problems
    assert any("sous le minimum de 30" in p for p in person.problems)
    index = tab.model.index(0, StaffModel.COL_PROBLEMS)
    assert "affectation de 20" in index.data() and "sous le minimum de 30" in index.data()
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOR
    assert not tab.problems_label.isHidden() and "sous le minimum de 30" in tab.problems_label.text()
    assert tab.model.index(0, StaffModel.COL_ELIGIBLE).data() == format_money(Decimal(0))
    assert tab.months_model.rowCount() == 2


def test_staff_costs_are_all_or_nothing(fse_page, type_text):
    tab = fse_page.staff
    dialog = tab.add_staff()
    type_text(dialog.nom, "Martin")
    type_text(dialog.prenom, "Paul")
    select_data(dialog.fonction, "cip")
    assert dialog.try_save()
    costs = tab.edit_costs()
    first, second = costs.months[0], costs.months[1]
    type_text(costs.costs[first], "3 100")
    type_text(costs.costs[second], "trois mille")
    assert not costs.try_save()
    assert costs.errors.messages(second.label)[0].startswith("Coût chargé illisible")
    costs.costs[second].setText("-5")
    assert not costs.try_save()
    assert costs.errors.messages(second.label) == ("Le coût chargé doit être un montant positif",)
    assert view_of(fse_page).staff[0].months == ()


def test_time_sheet_is_written_and_opened(page, recorded_messages):
    tab = page.staff
    dialog = tab.time_sheet()
    assert dialog.month.currentData() == YearMonth(2025, 3)  # no month chosen in the grid: the "Arrêté au" one
    assert dialog.try_save()
    assert dialog.path is not None and dialog.path.exists() and dialog.path.read_bytes().startswith(b"%PDF")
    assert recorded_messages.calls[-1] == ("open_document", dialog.path, "")


def test_time_sheet_month_follows_the_month_chosen_in_the_grid(page):
    tab = page.staff
    tab.months_table.selectRow(0)
    dialog = tab.time_sheet()
    assert dialog.month.currentData() == tab.selected_staff().months[0][0]


def test_time_sheet_opening_goes_through_open_file(page, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(finances_page, "open_file", lambda parent, path: opened.append(path) or True)
    dialog = page.staff.time_sheet()
    assert dialog.try_save()
    assert opened == [dialog.path]


# --- ressources --------------------------------------------------------------------------

def test_a_versement_updates_the_solde(page, type_text):
    before = view_of(page)
    tab = page.resources
    departement = next(r for r in before.resources if r.financeur == "departement")
    assert tab.select_resource(departement.id)
    dialog = tab.add_versement()
    select_data(dialog.nature, "acompte")
    type_text(dialog.montant, "5 000")
    dialog.date.set_value(date(2025, 3, 12))
    assert dialog.try_save()
    after = view_of(page)
    assert after.received_from_departement == before.received_from_departement + Decimal(5000)
    assert after.solde == before.solde - Decimal(5000)
    assert page.synthesis.solde_label.text() == solde_text(after)
    assert format_money(after.solde) in page.synthesis.solde_label.text()
    assert tab.selected_resource().id == departement.id
    assert tab.versements_model.rowCount() == len(departement.versements) + 1


def test_versement_problems_show_inline(page):
    dialog = page.resources.add_versement()
    dialog.montant.setText("0")
    assert not dialog.try_save()
    assert dialog.errors.messages("nature") == ("Choisissez avance, acompte ou solde",)
    assert dialog.errors.messages("montant") == ("Le montant reçu doit être positif",)


def test_adding_a_resource(page, type_text):
    dialog = page.resources.add_resource()
    select_data(dialog.financeur, "commune")
    type_text(dialog.libelle, "Participation de la commune")
    type_text(dialog.montant_prevu, "2 500")
    assert dialog.try_save()
    resource = page.resources.selected_resource()
    assert resource.financeur == "commune" and resource.montant_prevu == Decimal(2500)
    row = page.resources.model.row_of(resource.id)
    assert page.resources.model.index(row, 4).data() == format_money(Decimal(2500))


# --- deleting what was entered by mistake ----------------------------------------------

def named(rows, **wanted):
    return next(r for r in rows if all(getattr(r, k) == v for k, v in wanted.items()))


def test_deleting_an_expense_names_its_invoice_and_updates_the_totals(page, recorded_messages):
    before = view_of(page)
    expense = named(before.expenses, libelle="Électricité")
    assert expense.invoices == 1 and expense.eligible
    tab = page.expenses
    tab.select_expense(expense.id)
    tab.delete_button.click()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer la dépense")
    assert text == (f"Supprimer la dépense « Électricité » du {format_date(expense.date)} "
                    f"({format_money(expense.montant)}) ?\n\nSeront supprimés avec : 1 document joint.\n\n"
                    "Cette action est définitive.")
    after = view_of(page)
    assert expense.id not in {e.id for e in after.expenses}
    assert after.total_eligible < before.total_eligible
    assert page.synthesis.total_label.text() == format_money(after.total_eligible)
    assert tab.model.rowCount() == len(before.expenses) - 1
    assert tab.count_label.text().startswith(f"{len(before.expenses) - 1} dépenses")
    assert not tab.delete_button.isEnabled()


def test_an_expense_already_gone_is_said_and_the_list_read_again(page, recorded_messages):
    tab = page.expenses
    expense = tab.visible_rows()[0]
    tab.select_expense(expense.id)
    finances_service.delete_expense(page.app, expense.id)  # behind the page's back: its list is stale
    assert tab.delete_selected()
    assert recorded_messages.kinds() == ["confirm", "error"]
    assert recorded_messages.calls[1][2].startswith("Dépense introuvable : la suppression a sans doute déjà été faite")
    assert expense.id not in {e.id for e in tab.visible_rows()}


def test_deleting_a_staff_member_takes_their_months(page, recorded_messages, qtbot):
    before = view_of(page)
    person = named(before.staff, nom="BENALI")
    tab = page.staff
    assert tab.select_staff(person.id)
    assert tab.delete_button.text() == "Supprimer" and tab.delete_button.isEnabled()
    with qtbot.waitSignal(page.changed, timeout=1000):
        tab.delete_button.click()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer le salarié")
    assert text == (f"Supprimer le salarié Karim BENALI ({fin.FUNCTIONS[person.fonction]}) ?\n\n"
                    f"Seront supprimés avec : {len(person.months)} mois de coûts saisis.\n\nCette action est définitive.")
    after = view_of(page)
    assert person.id not in {p.id for p in after.staff}
    assert after.direct["personnel"] == before.direct["personnel"] - person.eligible
    assert tab.model.rowCount() == len(before.staff) - 1
    assert tab.total_label.text().endswith(format_money(after.direct["personnel"]))
    assert page.synthesis.direct_labels["personnel"].text() == format_money(after.direct["personnel"])
    assert tab.selected_staff() is not None and tab.selected_staff().id != person.id  # another one is shown


def test_deleting_a_resource_takes_its_versements(page, recorded_messages):
    before = view_of(page)
    departement = named(before.resources, financeur="departement")
    assert departement.versements and before.received_from_departement > 0
    tab = page.resources
    assert tab.select_resource(departement.id)
    tab.delete_button.click()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer la ressource")
    assert text == (f"Supprimer la ressource « Département – {departement.libelle} » "
                    f"({format_money(departement.montant_prevu)} prévus) ?\n\n"
                    "Seront supprimés avec : 1 versement.\n\nCette action est définitive.")
    after = view_of(page)
    assert departement.id not in {r.id for r in after.resources}
    assert after.received_from_departement == 0
    assert page.synthesis.received_label.text() == received_text(after)
    assert tab.model.rowCount() == len(before.resources) - 1
    assert tab.totals_label.text().startswith(f"{len(after.resources)} ressource · ")


def test_deleting_a_versement_updates_the_solde(page, recorded_messages):
    before = view_of(page)
    departement = named(before.resources, financeur="departement")
    [(versement_id, day, _nature, amount)] = departement.versements
    tab = page.resources
    page.tabs.setCurrentWidget(tab)
    tab.select_resource(departement.id)
    assert tab.delete_versement_button.isVisible() and not tab.delete_versement_button.isEnabled()
    assert tab.select_versement(versement_id)
    assert tab.delete_versement_button.isEnabled()
    assert tab.delete_versement()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer le versement")
    assert text == (f"Supprimer le versement du {format_date(day)} (avance de {format_money(amount)}) ? "
                    "Financeur : Département.\n\nCette action est définitive.")
    after = view_of(page)
    assert after.received_from_departement == before.received_from_departement - amount
    assert after.solde == before.solde + amount
    assert page.synthesis.solde_label.text() == solde_text(after)
    assert tab.selected_resource().id == departement.id  # the resource stays, without its versement
    assert tab.versements_model.rowCount() == 0
    assert tab.versements_empty.isVisible() and not tab.delete_versement_button.isVisible()


def test_saying_no_deletes_nothing(page, recorded_messages):
    recorded_messages.answers["confirm"] = False
    before = view_of(page)
    departement = named(before.resources, financeur="departement")
    page.staff.select_staff(before.staff[0].id)
    page.expenses.select_expense(before.expenses[0].id)
    page.resources.select_resource(departement.id)
    assert not page.staff.delete_selected() and not page.expenses.delete_selected()
    assert not page.resources.delete_selected()
    page.resources.select_versement(departement.versements[0][0])
    assert not page.resources.delete_versement()
    assert recorded_messages.kinds() == ["confirm"] * 4
    assert view_of(page) == before
    assert page.resources.selected_versement() == departement.versements[0]


def test_delete_buttons_need_a_selected_row(page, recorded_messages):
    tabs = (page.staff, page.expenses, page.resources)
    page.expenses.select_expense(view_of(page).expenses[0].id)
    for tab in tabs:
        assert tab.delete_button.isEnabled()
        tab.table.clearSelection()
        assert not tab.delete_button.isEnabled()
        assert not tab.delete_selected()
    assert not page.resources.delete_versement_button.isEnabled() and not page.resources.delete_versement()
    assert recorded_messages.calls == []


def test_a_cloturee_operation_refuses_and_keeps_everything(page, recorded_messages):
    from aapdesk.services.exits import set_operation_closed

    set_operation_closed(page.app, page.current_operation_id(), True)
    page.refresh()
    before = view_of(page)
    departement = named(before.resources, financeur="departement")
    page.staff.select_staff(before.staff[0].id)
    page.expenses.select_expense(before.expenses[0].id)
    page.resources.select_resource(departement.id)
    page.staff.delete_button.click()
    page.expenses.delete_button.click()
    page.resources.select_versement(departement.versements[0][0])
    page.resources.delete_versement_button.click()
    page.resources.delete_button.click()
    assert recorded_messages.kinds() == ["confirm", "error"] * 4
    refusals = [text for kind, _title, text in recorded_messages.calls if kind == "error"]
    closed = "L'opération ACCOMP-2025 est clôturée : rouvrez-la (Paramètres → Modifier l'opération) avant de supprimer"
    assert refusals == [f"{closed} un salarié", f"{closed} une dépense", f"{closed} un versement",
                        f"{closed} une ressource"]
    assert {title for kind, title, _text in recorded_messages.calls if kind == "error"} == {"Suppression impossible"}
    assert view_of(page) == before
    assert page.staff.model.rowCount() == len(before.staff)
    assert page.resources.versements_model.rowCount() == 1


# --- the page ----------------------------------------------------------------------------

def test_page_without_operation(qtbot, app_ctx):
    page = FinancesPage(app_ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert not page.empty_hint.isHidden() and page.view is None
    assert not page.tabs.isEnabled()
    assert page.expenses.add_expense() is None and page.budget.edit_budget() is None


def test_as_of_date_recounts(page):
    page.set_as_of(date(2025, 1, 31))
    view = view_of(page)
    assert view.as_of == date(2025, 1, 31)
    assert page.synthesis.total_label.text() == format_money(view.total_eligible)
    assert page.synthesis.totals_title.text().endswith("31/01/2025")
    assert view.received_from_departement == 0  # the avance came on 15/02/2025
    assert page.synthesis.received_label.text() == f"Reçu du Département : {format_money(Decimal(0))}"
    assert page.synthesis.solde_label.text() == solde_text(view)


def test_writing_emits_changed(page, qtbot):
    with qtbot.waitSignal(page.changed, timeout=1000):
        dialog = page.budget.edit_budget()
        assert dialog.try_save()
    assert page.expenses.model.data(page.expenses.model.index(0, 0), OBJECT_ROLE) is not None
