"""An operation (a convention): create it on a dispositif of the catalogue, or edit its figures.

The dispositif cannot change once the operation exists: its rules were copied into the
operation at creation (``update_operation`` keeps them). Below the dispositif, a short
summary says how it is funded and how long a convention may last.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from aapdesk.domain.dispositif import Dispositif, FundingModel
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.domain.references import ZONES
from aapdesk.formatting import format_money, format_percent
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.inputs import CountSpin, DecimalEdit, fill_combo, select_data
from aapdesk.services import operations as operations_service
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationInput, OperationRow, check_operation

CHOOSE_DISPOSITIF = "— choisissez la fiche de l'appel à projets —"


def funding_summary(d: Dispositif) -> str:
    """Two sentences on how ``d`` pays and how long its convention lasts, in French."""
    f = d.financement
    pct = format_percent
    sentences = {
        FundingModel.SIAE_90_5_5: lambda: (
            f"Aide à l'encadrement : {pct(f.part_mois)} selon les mois de présence, {pct(f.part_sorties)} "
            f"selon les sorties dynamiques et {pct(f.part_qualite)} selon la qualité de l'accompagnement."),
        FundingModel.PRIX_PLACE: lambda: (
            f"Prix à la place ({format_money(f.prix_place)} par place) : {pct(f.part_quantitative)} sur l'activité "
            f"réalisée, {pct(f.part_qualitative)} sur la qualité."),
        FundingModel.FORFAIT_NORD: lambda: (
            f"Forfait de {format_money(f.forfait_montant)} pour {f.forfait_places} places en file active, "
            "versé au prorata de l'activité."),
        FundingModel.DEPENSES: lambda: (
            "Financement des dépenses réelles de l'opération"
            + (f", avec {pct(f.charges_indirectes.taux)} de coûts indirects" if f.charges_indirectes.taux else "")
            + "."),
        FundingModel.FSE_CONTREPARTIE: lambda: (
            f"Contrepartie FSE+ : frais de personnel, plus un forfait de {pct(f.taux_forfait_compensation)} "
            "pour les autres coûts."),
        FundingModel.SESSIONS: lambda: (
            f"Financement par sessions : {pct(f.part_depart)} au démarrage, le solde selon les sessions réalisées."),
        FundingModel.FONCTIONNEMENT_ANNUEL: lambda: (
            "Subvention de fonctionnement annuelle, d'un montant fixé pour le projet."),
    }
    capacity = "postes d'insertion" if d.uses_postes else "places"
    return (f"{sentences[f.modele]()} Convention de {d.convention.duree_mois_max} mois au plus ; "
            f"capacité comptée en {capacity}.")


class OperationDialog(FormDialog):
    def __init__(self, app: AppContext, operation: OperationRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(app, "Nouvelle opération" if operation is None else "Modifier l'opération", parent)
        self.operation = operation
        self.code = QLineEdit()
        self.code.setPlaceholderText("Par exemple ACCOMP-2025")
        self.dispositif = QComboBox()
        self.dispositif.setMinimumContentsLength(48)
        self.dispositif.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.summary = hint_label()
        self.intitule = QLineEdit()
        self.intitule.setPlaceholderText("Par défaut, le titre de la fiche")
        self.debut = DateEdit(empty_page=app.today())
        self.fin = DateEdit(empty_page=app.today())
        self.places = CountSpin()
        self.postes = CountSpin()
        self.etp = DecimalEdit()
        self.montant = DecimalEdit(money=True)
        self.zone = QComboBox()
        fill_combo(self.zone, [(label, code) for code, label in ZONES.items()])

        e = self.errors
        form = QFormLayout()
        form.addRow("Code", e.field("code", self.code))
        # The summary sits inside the dispositif's cell: a wrapped label in a row of its own
        # gets a badly estimated height from QFormLayout.
        dispositif_cell = QWidget()
        cell = QVBoxLayout(dispositif_cell)
        cell.setContentsMargins(0, 0, 0, 0)
        cell.addWidget(e.field("dispositif", self.dispositif))
        cell.addWidget(self.summary)
        form.addRow("Dispositif", dispositif_cell)
        form.addRow("Intitulé", e.field("intitule", self.intitule))
        form.addRow("Début", e.field("debut", self.debut))
        form.addRow("Fin", e.field("fin", self.fin))
        form.addRow("Places conventionnées", e.field("places", self.places))
        form.addRow("Postes d'insertion", e.field("postes", self.postes))
        form.addRow("ETP d'accompagnement", e.field("etp", self.etp))
        form.addRow("Montant conventionné", e.field("montant", self.montant))
        form.addRow("Zone par défaut", e.field("zone", self.zone))
        self.closed: QCheckBox | None = None
        if operation is not None:  # a new operation is never closed
            self.closed = QCheckBox("Opération clôturée (bilan remis et accepté)")
            self.closed.setToolTip("Plus de rappels ni d'échéances pour cette opération ; ses sorties ne sont "
                                   "plus reclassées sans confirmation. Se décoche pour rouvrir l'opération.")
            form.addRow("", self.closed)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(720)

        if operation is None:
            fill_combo(self.dispositif, [(d.label, d.key) for d in app.catalogue], empty=CHOOSE_DISPOSITIF)
        else:
            self._load(operation)
        self.dispositif.currentIndexChanged.connect(self._update_summary)
        self._update_summary()

    def _load(self, op: OperationRow) -> None:
        fill_combo(self.dispositif, [(op.dispositif_label, op.dispositif_key)])
        self.dispositif.setEnabled(False)
        self.dispositif.setToolTip("Les règles du dispositif ont été copiées à la création de l'opération.")
        with self.errors.quiet():
            self.code.setText(op.code)
            self.intitule.setText(op.intitule)
            self.debut.set_value(op.debut)
            self.fin.set_value(op.fin)
            self.places.set_count(op.places)
            self.postes.set_count(op.postes)
            self.etp.set_value(op.etp)
            self.montant.set_value(op.montant)
            select_data(self.zone, op.zone_defaut)
            if self.closed is not None:
                self.closed.setChecked(op.cloturee)

    def chosen_dispositif(self) -> Dispositif | None:
        if self.operation is not None:
            return self.operation.rules
        key = self.dispositif.currentData()
        return self.app.catalogue.dispositifs.get(key) if key else None

    def _update_summary(self, *_args) -> None:
        dispositif = self.chosen_dispositif()
        self.summary.setText(funding_summary(dispositif) if dispositif else "")
        self.summary.setVisible(dispositif is not None)

    def _number(self, edit: DecimalEdit, field: str, problems: list[Problem]) -> Decimal | None:
        try:
            return edit.value()
        except ValueError:
            problems.append(Problem(field, "nombre illisible : écrivez par exemple 1 234,56"))
            return None

    def save(self) -> None:
        problems: list[Problem] = []
        data = OperationInput(
            code=self.code.text(), dispositif_key=self.dispositif.currentData() or "",
            debut=self.debut.value(), fin=self.fin.value(), intitule=self.intitule.text(),
            places=self.places.count(), postes=self.postes.count(),
            etp=self._number(self.etp, "etp", problems), montant=self._number(self.montant, "montant", problems),
            zone_defaut=self.zone.currentData(),
            territoires=self.operation.territoires if self.operation else (),
            cloturee=self.closed.isChecked() if self.closed is not None else False,
        )
        dispositif = self.chosen_dispositif()
        if dispositif is None:
            problems.append(Problem("dispositif", "choisissez le dispositif de l'opération"))
        if problems:
            # A number could not be read: report it with every other check, and write nothing.
            others = check_operation(data, dispositif, code_taken=False)
            raise ValidationError(problems + [p for p in others if p.field != "dispositif"])
        if self.operation is None:
            operations_service.create_operation(self.app, data)
        else:
            operations_service.update_operation(self.app, self.operation.id, data)
