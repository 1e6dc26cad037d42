"""The structure's identity (name, type, SIRET, address): one form, in Paramètres and at first launch."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from aapdesk.domain.references import TYPES_STRUCTURE
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.widgets.field_errors import FieldErrors
from aapdesk.qt.widgets.inputs import fill_combo, select_data
from aapdesk.services import structure as structure_service
from aapdesk.services.context import AppContext
from aapdesk.services.structure import StructureData


class StructureForm(QWidget):
    """The fields, registered with the caller's :class:`FieldErrors` under the service's names."""

    def __init__(self, app: AppContext, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.errors = errors
        self.nom = QLineEdit()
        self.nom.setPlaceholderText("Nom de l'association ou de la structure")
        self.type_structure = QComboBox()
        fill_combo(self.type_structure, [(label, code) for code, label in TYPES_STRUCTURE.items()])
        self.siret = QLineEdit()
        self.siret.setPlaceholderText("14 chiffres")
        self.siret.setMaxLength(17)  # spaces between the groups are accepted
        self.adresse = QLineEdit()
        self.code_postal = QLineEdit()
        self.code_postal.setMaxLength(5)
        self.code_postal.setMaximumWidth(90)
        self.commune = QLineEdit()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Nom", errors.field("nom", self.nom))
        form.addRow("Type", errors.field("type", self.type_structure))
        form.addRow("SIRET", errors.field("siret", self.siret))
        form.addRow("Adresse", errors.field("adresse", self.adresse))
        form.addRow("Code postal", errors.field("code_postal", self.code_postal))
        form.addRow("Commune", errors.field("commune", self.commune))

    def data(self) -> StructureData:
        return StructureData(
            nom=self.nom.text(), type_structure=self.type_structure.currentData(), siret=self.siret.text(),
            adresse=self.adresse.text(), code_postal=self.code_postal.text(), commune=self.commune.text(),
        )

    def load(self) -> None:
        current = structure_service.get_structure(self.app) or StructureData(nom="")
        with self.errors.quiet():
            self.nom.setText(current.nom)
            select_data(self.type_structure, current.type_structure)
            self.siret.setText(current.siret or "")
            self.adresse.setText(current.adresse or "")
            self.code_postal.setText(current.code_postal or "")
            self.commune.setText(current.commune or "")

    def save(self) -> None:
        structure_service.save_structure(self.app, self.data())


class StructureDialog(FormDialog):
    """The same form in a dialog, for the first launch."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, "Ma structure", parent)
        self.form = StructureForm(app, self.errors)
        self.form.load()
        self.layout_.addWidget(self.form)
        self.finish_layout()
        self.setMinimumWidth(520)

    def save(self) -> None:
        self.form.save()
