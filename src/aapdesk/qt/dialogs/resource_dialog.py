"""The financing side of an operation: a resource of the plan de financement, a versement
received, the planned budget per category, and the assumptions of the grant estimate.

Amounts are typed the French way (``1 234,56``); every problem shows under its field and
nothing is written until the service accepts the whole form.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from aapdesk.domain import finances as fin
from aapdesk.domain.dispositif import FundingModel, IndirectCostBase, IndirectCosts
from aapdesk.domain.problems import Problem, require
from aapdesk.formatting import format_money
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.dialogs.staff_dialog import read_decimal
from aapdesk.qt.models.finance_models import pct_text
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import CountSpin, DecimalEdit, fill_combo, select_data
from aapdesk.services import finances as finances_service
from aapdesk.services.context import AppContext
from aapdesk.services.finances import FINANCEURS, HUNDRED, VERSEMENTS, Assumptions, BudgetRow, ResourceRow

CHOOSE = "— choisissez —"


class ResourceDialog(FormDialog):
    """A line of the plan de financement: who funds, how much is planned."""

    def __init__(self, app: AppContext, operation_id: int, resource: ResourceRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(app, "Modifier la ressource" if resource else "Ajouter une ressource", parent)
        self.operation_id = operation_id
        self.resource_id: int | None = resource.id if resource else None
        self.setMinimumWidth(480)
        self.financeur = QComboBox()
        fill_combo(self.financeur, [(label, code) for code, label in FINANCEURS.items()], empty=CHOOSE)
        self.libelle = QLineEdit()
        self.libelle.setPlaceholderText("Subvention de la convention, participation de la commune…")
        self.montant_prevu = DecimalEdit(money=True)
        self.montant_prevu.setMaximumWidth(160)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Financeur", self.errors.field("financeur", self.financeur))
        form.addRow("Libellé", self.errors.field("libelle", self.libelle))
        form.addRow("Montant prévu", self.errors.field("montant_prevu", self.montant_prevu))
        self.layout_.addLayout(form)
        self.finish_layout()
        if resource is not None:
            with self.errors.quiet():
                select_data(self.financeur, resource.financeur)
                self.libelle.setText(resource.libelle)
                self.montant_prevu.set_value(resource.montant_prevu)

    def save(self) -> None:
        problems: list[Problem] = []
        amount = read_decimal(self.montant_prevu, "montant_prevu", "montant", problems)
        if self.financeur.currentData() is None:
            problems.append(Problem("financeur", "choisissez le financeur"))
        require(problems)
        self.resource_id = finances_service.save_resource(
            self.app, self.operation_id, self.financeur.currentData(), amount, self.libelle.text(), self.resource_id)


class VersementDialog(FormDialog):
    """A payment received from a financer: date, nature (avance, acompte, solde), amount."""

    def __init__(self, app: AppContext, resource: ResourceRow, default_date: date | None = None,
                 parent: QWidget | None = None) -> None:
        financeur = FINANCEURS.get(resource.financeur, resource.financeur)
        super().__init__(app, f"Versement reçu – {financeur}", parent)
        self.resource = resource
        self.versement_id: int | None = None
        self.setMinimumWidth(440)
        self.layout_.addWidget(hint_label(
            f"{financeur}{' – ' + resource.libelle if resource.libelle else ''} : "
            f"{format_money(resource.montant_prevu)} prévus, {format_money(resource.recu)} reçus."))
        self.date = DateEdit(empty_page=default_date)
        if default_date is not None:
            self.date.set_value(default_date)
        self.nature = QComboBox()
        fill_combo(self.nature, [(label, code) for code, label in VERSEMENTS.items()], empty=CHOOSE)
        self.montant = DecimalEdit(money=True)
        self.montant.setMaximumWidth(160)
        form = QFormLayout()
        form.addRow("Reçu le", self.errors.field("date", self.date))
        form.addRow("Nature", self.errors.field("nature", self.nature))
        form.addRow("Montant", self.errors.field("montant", self.montant))
        self.layout_.addLayout(form)
        self.finish_layout()

    def save(self) -> None:
        problems: list[Problem] = []
        amount = read_decimal(self.montant, "montant", "montant", problems)
        require(problems)
        self.versement_id = finances_service.add_versement(
            self.app, self.resource.id, self.date.value(), self.nature.currentData() or "", amount)


def indirect_rule_text(rule: IndirectCosts) -> str:
    """« Charges indirectes : forfait de 20 % des dépenses directes éligibles hors prestations »."""
    if rule.taux == 0 or rule.base is IndirectCostBase.AUCUNE:
        return "Pas de charges indirectes pour cette fiche."
    kind = "au plus" if rule.plafond else "forfait de"
    return (f"Charges indirectes calculées par la règle de la fiche : {kind} {fin.percent(rule.taux)} "
            f"{fin.BASE_LABELS[rule.base]}.")


class BudgetDialog(FormDialog):
    """The planned budget: one amount per category (indirect costs follow the fiche's rule)."""

    def __init__(self, app: AppContext, operation_id: int, budget: tuple[BudgetRow, ...],
                 rule: IndirectCosts | None = None, parent: QWidget | None = None) -> None:
        super().__init__(app, "Budget prévisionnel", parent)
        self.operation_id = operation_id
        self.setMinimumWidth(480)
        planned = {row.categorie: row.prevu for row in budget}
        self.amounts: dict[str, DecimalEdit] = {}
        form = QFormLayout()
        for code, label in fin.CATEGORIES.items():
            edit = DecimalEdit(money=True)
            edit.setMaximumWidth(160)
            edit.set_value(planned.get(code, Decimal(0)))
            self.amounts[code] = edit
            form.addRow(label, self.errors.field(code, edit))
        self.layout_.addLayout(form)
        if rule is not None:
            self.layout_.addWidget(hint_label(indirect_rule_text(rule)))
        self.finish_layout()

    def planned(self) -> dict[str, Decimal]:
        problems: list[Problem] = []
        values = {}
        for code, edit in self.amounts.items():
            value = read_decimal(edit, code, "montant", problems)
            if value is not None or not edit.text().strip():
                values[code] = value if value is not None else Decimal(0)  # empty: nothing planned
        require(problems)
        return values

    def save(self) -> None:
        finances_service.save_budget(self.app, self.operation_id, self.planned())


#: Funding models whose estimate uses each assumption.
USES_QUALITY = (FundingModel.SIAE_90_5_5, FundingModel.PRIX_PLACE)
USES_SESSIONS = (FundingModel.SESSIONS,)


class AssumptionsDialog(FormDialog):
    """What the estimate cannot know: the score expected on quality, the sessions planned."""

    def __init__(self, app: AppContext, operation_id: int, assumptions: Assumptions,
                 model: FundingModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(app, "Hypothèses de l'estimation", parent)
        self.operation_id = operation_id
        self.assumptions = assumptions
        self.setMinimumWidth(500)
        self.qualite = DecimalEdit()
        self.qualite.setMaximumWidth(90)
        self.qualite.set_value(assumptions.qualite * HUNDRED)
        self.sessions = CountSpin(maximum=1000)
        self.sessions.set_count(assumptions.sessions_prevues)
        self.sessions.setMaximumWidth(90)
        form = QFormLayout()
        form.addRow("Part qualitative", self.errors.field("qualite", self.qualite, QLabel("% obtenus (estimation)")))
        form.addRow("Sessions prévues", self.errors.field("sessions_prevues", self.sessions))
        self.layout_.addLayout(form)
        uses = []
        if model is None or model in USES_QUALITY:
            uses.append("la part qualitative (la note attendue du Département sur la qualité de l'accompagnement, "
                        f"{pct_text(assumptions.qualite * HUNDRED)} aujourd'hui)")
        if model is None or model in USES_SESSIONS:
            uses.append("le nombre de sessions prévues")
        self.layout_.addWidget(hint_label(
            ("L'estimation de cette opération utilise " + " et ".join(uses) + ".") if uses
            else "Le modèle de financement de cette opération n'utilise aucune de ces hypothèses."))
        self.qualite.setEnabled(model is None or model in USES_QUALITY)
        self.sessions.setEnabled(model is None or model in USES_SESSIONS)
        self.finish_layout()

    def value(self) -> Assumptions:
        problems: list[Problem] = []
        percent = read_decimal(self.qualite, "qualite", "pourcentage", problems, "80")
        require(problems)
        quality = (percent / HUNDRED) if percent is not None else self.assumptions.qualite
        return Assumptions(quality, self.sessions.count())

    def save(self) -> None:
        finances_service.save_assumptions(self.app, self.operation_id, self.value())
