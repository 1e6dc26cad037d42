"""One expense of an operation: date, catégorie, fournisseur, n° de pièce, libellé, montant,
date de paiement, and its invoice.

The amount is typed the French way (``1 234,56``). Problems show under their field:
unreadable or negative amount, payment before the invoice, missing catégorie or libellé,
an invoice file that cannot be read. For a new expense the invoice chosen here is stored by
:func:`aapdesk.services.finances.save_expense` in the same action: if the file is refused,
nothing is written. An expense already saved lists its invoices (open, add, remove) with the
shared documents widget.

A line under the fields warns, before saving, of what would exclude the expense from the
eligible costs (a catégorie the fiche does not fund, a date outside the convention).
The file dialog goes through :func:`choose_invoice`, which tests replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from aapdesk.domain import finances as fin
from aapdesk.domain.problems import Problem, ValidationError, require
from aapdesk.formatting import format_date
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.models.finance_models import WARNING_COLOR
from aapdesk.qt.widgets.common import section_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.documents_widget import DocumentsWidget
from aapdesk.qt.widgets.inputs import DecimalEdit, fill_combo, select_data
from aapdesk.services import finances as finances_service
from aapdesk.services.context import AppContext
from aapdesk.services.finances import ExpenseInput, ExpenseRow
from aapdesk.services.operations import OperationRow

CHOOSE_CATEGORY = "— choisissez la catégorie —"
NO_INVOICE = "Aucune facture choisie : vous pourrez la joindre plus tard."


def choose_invoice(parent: QWidget | None, start_dir: str) -> str | None:
    """Let the person pick the invoice file; None when they cancel."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, "Choisir la facture", start_dir,
        "Factures (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Tous les fichiers (*)")
    return path or None


class ExpenseDialog(FormDialog):
    """Add an expense to the operation (with its invoice), or edit one."""

    #: An invoice was attached to or removed from an expense already saved.
    documents_changed = Signal()

    def __init__(self, app: AppContext, operation: OperationRow, expense: ExpenseRow | None = None,
                 parent: QWidget | None = None, *, suppliers: Sequence[str] = (),
                 default_date: date | None = None) -> None:
        super().__init__(app, "Modifier la dépense" if expense else f"Nouvelle dépense – {operation.code}", parent)
        self.operation = operation
        self.expense = expense
        self.expense_id: int | None = expense.id if expense else None
        self.funding = operation.rules.financement if operation.rules else None
        self.setMinimumWidth(600)
        page = default_date or min(app.today(), operation.fin)

        self.date = DateEdit(empty_page=page)
        self.date.setToolTip("Date de la facture")
        self.categorie = QComboBox()
        fill_combo(self.categorie, [(label, code) for code, label in fin.CATEGORIES.items()], empty=CHOOSE_CATEGORY)
        self.fournisseur = QLineEdit()
        if suppliers:
            completer = QCompleter(sorted(set(suppliers)), self.fournisseur)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.fournisseur.setCompleter(completer)
        self.numero_piece = QLineEdit()
        self.numero_piece.setPlaceholderText("numéro de la facture")
        self.numero_piece.setMaximumWidth(200)
        self.libelle = QLineEdit()
        self.libelle.setPlaceholderText("Loyer du local, titres de transport des participants…")
        self.montant = DecimalEdit(money=True)
        self.montant.setMaximumWidth(160)
        self.montant.setToolTip("Montant TTC, tapé comme d'habitude : 1 234,56")
        self.date_paiement = DateEdit(empty_page=page)
        self.date_paiement.setToolTip("Date à laquelle la dépense a été payée (vide : pas encore payée)")
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {WARNING_COLOR};")
        self.warning.setVisible(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Date de la facture", self.errors.field("date", self.date))
        form.addRow("Catégorie", self.errors.field("categorie", self.categorie))
        form.addRow("Fournisseur", self.errors.field("fournisseur", self.fournisseur))
        form.addRow("N° de pièce", self.errors.field("numero_piece", self.numero_piece))
        form.addRow("Libellé", self.errors.field("libelle", self.libelle))
        form.addRow("Montant TTC", self.errors.field("montant", self.montant))
        form.addRow("Payée le", self.errors.field("date_paiement", self.date_paiement,
                                                  self.date_paiement.clear_button()))

        # The invoice: chosen here for a new expense (stored with it), listed once the expense exists.
        self.invoice_path = QLineEdit()
        self.invoice_path.setPlaceholderText(NO_INVOICE)
        self.invoice_path.setToolTip("Le fichier est copié dans le dossier de données en même temps que "
                                     "la dépense est enregistrée")
        self.choose_button = QPushButton("Choisir…")
        self.choose_button.clicked.connect(self.choose_file)
        self.documents: DocumentsWidget | None = None
        if expense is None:
            form.addRow("Facture", self.errors.field("fichier", self.invoice_path, self.choose_button))
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.warning)
        if expense is not None:
            self.layout_.addWidget(section_label("Factures"))
            self.documents = DocumentsWidget(app, natures=("facture",),
                                             empty_text="Aucune facture jointe : la dépense est signalée "
                                                        "« sans facture ».")
            self.documents.set_owner(depense_id=expense.id)
            self.documents.changed.connect(self.documents_changed)
            self.layout_.addWidget(self.documents, 1)
        self.finish_layout()

        if expense is not None:
            with self.errors.quiet():
                self.date.set_value(expense.date)
                select_data(self.categorie, expense.categorie)
                self.fournisseur.setText(expense.fournisseur)
                self.numero_piece.setText(expense.numero_piece)
                self.libelle.setText(expense.libelle)
                self.montant.set_value(expense.montant)
                self.date_paiement.set_value(expense.date_paiement)
        self.date.dateChanged.connect(self._dates_changed)
        self.date_paiement.dateChanged.connect(self._dates_changed)
        self.categorie.currentIndexChanged.connect(self._update_warning)
        self._update_warning()

    # --- the invoice -------------------------------------------------------------------------

    def choose_file(self) -> None:
        current = self.invoice()
        start = str(current.parent) if current is not None else str(Path.home())
        chosen = choose_invoice(self, start)
        if chosen:
            self.invoice_path.setText(chosen)
            self.errors.set_messages("fichier", ())

    def invoice(self) -> Path | None:
        """The invoice file chosen for a new expense (quotes of a pasted path removed), or None."""
        if self.expense is not None:
            return None
        text = self.invoice_path.text().strip().strip('"').strip("'").strip()
        return Path(text) if text else None

    # --- live checks -------------------------------------------------------------------------

    def _dates_changed(self, *_args) -> None:  # type: ignore[no-untyped-def]
        invoice_date, paid = self.date.value(), self.date_paiement.value()
        self.errors.show_for("date_paiement", [p for p in fin.check_expense_input(
            Decimal(1), "personnel", invoice_date, paid, "-") if p.field == "date_paiement"])
        self._update_warning()

    def warnings(self) -> list[str]:
        """What would exclude the expense from the eligible costs, as the page will count it."""
        found = []
        category = self.categorie.currentData()
        if self.funding is not None and category is not None and category not in self.funding.categories_eligibles:
            found.append(f"{fin.ISSUES['categorie_non_eligible']} : la dépense sera exclue des dépenses éligibles")
        day = self.date.value()
        op = self.operation
        if day is not None and not op.debut <= day <= op.fin:
            found.append(f"{fin.ISSUES['hors_periode']} (du {format_date(op.debut)} au {format_date(op.fin)}) : "
                         "la dépense sera exclue des dépenses éligibles")
        return found

    def _update_warning(self, *_args) -> None:  # type: ignore[no-untyped-def]
        found = self.warnings()
        self.warning.setText("\n".join(f"{w[:1].upper()}{w[1:]}." for w in found))
        self.warning.setVisible(bool(found))

    def warning_text(self) -> str:
        return self.warning.text() if not self.warning.isHidden() else ""

    # --- saving ------------------------------------------------------------------------------

    def value(self) -> ExpenseInput:
        """The expense typed; ValidationError (every problem at once) when the amount is unreadable."""
        try:
            montant = self.montant.value()
        except ValueError as exc:
            data = ExpenseInput(self.date.value(), self.categorie.currentData() or "", self.libelle.text(),
                                Decimal(1), self.fournisseur.text(), self.numero_piece.text(),
                                self.date_paiement.value())
            others = [p for p in fin.check_expense_input(data.montant, data.categorie, data.date, data.date_paiement,
                                                         data.libelle) if p.field != "montant"]
            raise ValidationError([Problem("montant", str(exc)), *others]) from None
        return ExpenseInput(self.date.value(), self.categorie.currentData() or "", self.libelle.text(), montant,
                            self.fournisseur.text(), self.numero_piece.text(), self.date_paiement.value())

    def save(self) -> None:
        data = self.value()
        try:
            self.expense_id = finances_service.save_expense(self.app, self.operation.id, data, self.expense_id,
                                                            invoice=self.invoice())
        except OSError as exc:
            require([Problem("", f"la dépense n'a pas pu être enregistrée ({exc.strerror or exc}) : "
                                 "le dossier de données est-il accessible ?")])
