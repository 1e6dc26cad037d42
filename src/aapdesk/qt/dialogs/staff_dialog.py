"""The staff of an operation: a salarié (fonction, contrat, ETP, affectation), their monthly
loaded costs, and the choice of the month of a time sheet.

Numbers are typed the French way (``0,5``, ``2 890,50``). A line under the affectation says at
once when the fiche would exclude this person's costs (support function, affectation under
the minimum), with the same domain rule the Finances page counts with. Monthly costs are
saved all or nothing by :func:`aapdesk.services.finances.save_staff_costs`; a refused month
shows its message beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from aapdesk.domain import finances as fin
from aapdesk.domain.dispositif import Funding
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import Problem, require
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.models.finance_models import month_title, pct_text
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.field_errors import ERROR_COLOR, error_label
from aapdesk.qt.widgets.inputs import DecimalEdit, fill_combo, select_data
from aapdesk.services import finances as finances_service
from aapdesk.services.context import AppContext
from aapdesk.services.finances import CONTRATS, HUNDRED, JUSTIFICATIONS, StaffCostInput, StaffInput, StaffRow

CHOOSE = "— choisissez —"


def read_decimal(edit: DecimalEdit, field: str, what: str, problems: list[Problem],
                 example: str = "1\u00a0234,56") -> Decimal | None:
    """The number in ``edit``; an unreadable one adds a French problem for ``field``."""
    try:
        return edit.value()
    except ValueError:
        problems.append(Problem(field, f"{what} illisible : écrivez un nombre, par exemple {example}"))
        return None


def staff_warnings(fonction: str | None, taux_pct: Decimal | None, funding: Funding | None) -> list[str]:
    """What the fiche will say about this person's months (the domain's own rule)."""
    if funding is None or fonction is None or taux_pct is None:
        return []
    line = fin.StaffMonth("", fonction, Decimal(0), taux_pct / HUNDRED)
    return fin.staff_month_problems(line, funding)


class StaffDialog(FormDialog):
    """Add a salarié to the operation, or edit one."""

    def __init__(self, app: AppContext, operation_id: int, staff: StaffRow | None = None,
                 funding: Funding | None = None, parent: QWidget | None = None) -> None:
        super().__init__(app, "Modifier le salarié" if staff else "Ajouter un salarié", parent)
        self.operation_id = operation_id
        self.staff = staff
        self.funding = funding
        self.staff_id: int | None = staff.id if staff else None
        self.setMinimumWidth(520)

        self.nom = QLineEdit()
        self.prenom = QLineEdit()
        self.fonction = QComboBox()
        fill_combo(self.fonction, [(label, code) for code, label in fin.FUNCTIONS.items()], empty=CHOOSE)
        self.contrat = QComboBox()
        fill_combo(self.contrat, [(label, code) for code, label in CONTRATS.items()])
        self.etp = DecimalEdit()
        self.etp.setPlaceholderText("1")
        self.etp.setMaximumWidth(90)
        self.taux = DecimalEdit()
        self.taux.setPlaceholderText("100")
        self.taux.setMaximumWidth(90)
        self.justification = QComboBox()
        fill_combo(self.justification, [(label, code) for code, label in JUSTIFICATIONS.items()])
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {ERROR_COLOR};")
        self.warning.setVisible(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Nom", self.errors.field("nom", self.nom))
        form.addRow("Prénom", self.errors.field("prenom", self.prenom))
        form.addRow("Fonction", self.errors.field("fonction", self.fonction))
        form.addRow("Contrat", self.errors.field("contrat", self.contrat))
        form.addRow("ETP", self.errors.field("etp", self.etp, QLabel("équivalent temps plein (0,5 pour un mi-temps)")))
        form.addRow("Affectation", self.errors.field("taux_affectation", self.taux,
                                                     QLabel("% du temps consacré à l'opération")))
        form.addRow("Justification", self.errors.field("justification", self.justification))
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.warning)
        if funding is not None and funding.taux_affectation_min is not None:
            self.layout_.addWidget(hint_label(
                f"Cette fiche exige une affectation d'au moins {pct_text(funding.taux_affectation_min * HUNDRED)} "
                "pour que les coûts soient éligibles."))
        self.finish_layout()

        if staff is not None:
            with self.errors.quiet():
                self.nom.setText(staff.nom)
                self.prenom.setText(staff.prenom)
                select_data(self.fonction, staff.fonction)
                select_data(self.contrat, staff.contrat)
                self.etp.set_value(staff.etp)
                self.taux.set_value(staff.taux_affectation_pct)
                select_data(self.justification, staff.justification)
        else:
            self.etp.set_value(Decimal(1))
            self.taux.set_value(HUNDRED)
        self.fonction.currentIndexChanged.connect(self._update_warning)
        self.taux.textChanged.connect(self._update_warning)
        self._update_warning()

    def _update_warning(self, *_args) -> None:  # type: ignore[no-untyped-def]
        try:
            taux = self.taux.value()
        except ValueError:
            taux = None
        warnings = staff_warnings(self.fonction.currentData(), taux, self.funding)
        self.warning.setText("\n".join(f"Coûts inéligibles : {w}." for w in warnings))
        self.warning.setVisible(bool(warnings))

    def warning_text(self) -> str:
        return self.warning.text() if not self.warning.isHidden() else ""

    def save(self) -> None:
        problems: list[Problem] = []
        etp = read_decimal(self.etp, "etp", "ETP", problems, "0,5")
        taux = read_decimal(self.taux, "taux_affectation", "taux d'affectation", problems, "60")
        if self.fonction.currentData() is None:
            problems.append(Problem("fonction", "choisissez la fonction du salarié"))
        if etp is None and not any(p.field == "etp" for p in problems):
            problems.append(Problem("etp", "l'ETP est obligatoire"))
        if taux is None and not any(p.field == "taux_affectation" for p in problems):
            problems.append(Problem("taux_affectation", "le taux d'affectation est obligatoire"))
        require(problems)
        assert etp is not None and taux is not None
        data = StaffInput(self.nom.text(), self.prenom.text(), self.fonction.currentData(),
                          self.contrat.currentData(), etp, taux, self.justification.currentData())
        self.staff_id = finances_service.save_staff(self.app, self.operation_id, data, self.staff_id)


class StaffCostsDialog(FormDialog):
    """The loaded cost (and, if it differs, the affectation) of each month of the operation."""

    def __init__(self, app: AppContext, operation_id: int, staff: StaffRow, months: Sequence[YearMonth],
                 parent: QWidget | None = None) -> None:
        super().__init__(app, f"Coûts mensuels – {staff.prenom} {staff.nom}", parent)
        self.operation_id = operation_id
        self.staff = staff
        self.months = list(months)
        self.setMinimumWidth(560)
        recorded = {m: (cost, pct) for m, cost, pct, _eligible in staff.months}
        self.recorded = recorded
        self.layout_.addWidget(hint_label(
            "Coût chargé : salaire brut et cotisations patronales du mois, tel qu'il figure au bulletin "
            f"et au journal de paie. Affectation vide : celle du salarié ({pct_text(staff.taux_affectation_pct)}). "
            "Un mois laissé vide n'est pas enregistré ; tout est enregistré ensemble, ou rien."))

        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for column, header in enumerate(("Mois", "Coût chargé", "Affectation (%)")):
            label = QLabel(header)
            label.setStyleSheet("font-weight: bold;")
            grid.addWidget(label, 0, column)
        self.costs: dict[YearMonth, DecimalEdit] = {}
        self.rates: dict[YearMonth, DecimalEdit] = {}
        for row, month in enumerate(self.months, start=1):
            cost = DecimalEdit(money=True)
            cost.setMinimumWidth(130)
            rate = DecimalEdit()
            rate.setPlaceholderText(pct_text(staff.taux_affectation_pct).replace("\u202f%", ""))
            rate.setMaximumWidth(90)
            label = error_label()
            self.errors.attach(month.label, cost, label)
            grid.addWidget(QLabel(month_title(month)), 2 * row - 1, 0)
            grid.addWidget(cost, 2 * row - 1, 1)
            grid.addWidget(rate, 2 * row - 1, 2)
            grid.addWidget(label, 2 * row, 0, 1, 4)
            rate.textEdited.connect(lambda _t, name=month.label: self.errors.set_messages(name, ()))
            if month in recorded:
                cost.set_value(recorded[month][0])
                if recorded[month][1] != staff.taux_affectation_pct:
                    rate.set_value(recorded[month][1])
            self.costs[month], self.rates[month] = cost, rate
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(2 * len(self.months) + 1, 1)  # rows stay packed at the top
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_widget)
        scroll.setMinimumHeight(min(420, 40 + 30 * len(self.months)))
        self.layout_.addWidget(scroll, 1)
        self.layout_.addWidget(self.buttons)

    def lines(self) -> list[StaffCostInput]:
        """The months typed; ValidationError naming each unreadable or emptied month."""
        problems: list[Problem] = []
        lines = []
        for month in self.months:
            cost = read_decimal(self.costs[month], month.label, "coût chargé", problems)
            rate = read_decimal(self.rates[month], month.label, "taux d'affectation", problems, "60")
            if cost is None:
                if month in self.recorded and not self.costs[month].text().strip():
                    problems.append(Problem(month.label, "un mois déjà saisi ne peut pas être vidé : saisissez 0"))
                continue
            lines.append(StaffCostInput(self.staff.id, month, cost, rate))
        require(problems)
        return lines

    def save(self) -> None:
        lines = self.lines()
        if lines:
            finances_service.save_staff_costs(self.app, self.operation_id, lines)


class TimeSheetDialog(FormDialog):
    """Choose the month of a salarié's time sheet; saving writes the PDF (:attr:`path`)."""

    def __init__(self, app: AppContext, staff: StaffRow, months: Sequence[YearMonth], default: YearMonth | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(app, f"Fiche temps – {staff.prenom} {staff.nom}", parent)
        self.staff = staff
        self.path: Path | None = None
        self.save_button.setText("Produire la fiche")
        self.month = QComboBox()
        fill_combo(self.month, [(month_title(m), m) for m in months])
        if default is not None:
            select_data(self.month, default)
        self.layout_.addWidget(hint_label(
            "La fiche temps du mois, en PDF, à imprimer, compléter et faire signer par le salarié et son "
            "responsable : elle justifie l'affectation à l'opération."))
        form = QFormLayout()
        form.addRow("Mois", self.errors.field("mois", self.month))
        self.layout_.addLayout(form)
        self.finish_layout()

    def save(self) -> None:
        month = self.month.currentData()
        require([Problem("mois", "choisissez le mois de la fiche")] if month is None else [])
        try:
            self.path = finances_service.write_time_sheet(self.app, self.staff.id, month)
        except OSError as exc:
            require([Problem("", f"la fiche n'a pas pu être écrite ({exc.strerror or exc})")])
