"""The exit of one parcours (date, type, contract length, employer) with its proofs, and the
small dialog that edits an operation's own exit rules.

The category is never typed: a line under the fields shows, as the person types, the
category the exit will get and the rule that gives it, computed by
:func:`aapdesk.domain.exits.classify` with the operation's own table, exactly as the
Sorties page will count it. The contract length is asked only when that table needs it.
Once the exit is saved the dialog stays open on its proofs, so they can be attached at once.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.exits import (
    CATEGORY_LABELS,
    DYNAMIC,
    EXIT_TYPE_LABELS,
    ExitInput,
    ExitRules,
    ExitType,
    classify,
    decimal_text,
    needs_duration,
)
from aapdesk.domain.problems import Problem, ValidationError, require
from aapdesk.formatting import format_date
from aapdesk.qt import messages
from aapdesk.qt.deletion import confirm_and_delete
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.qt.widgets.common import hint_label, section_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.qt.widgets.documents_widget import DocumentsWidget
from aapdesk.qt.widgets.inputs import DecimalEdit, fill_combo, select_data
from aapdesk.services import exits as exits_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service
from aapdesk.services.context import AppContext
from aapdesk.services.exits import ExitRulesChange
from aapdesk.services.operations import OperationRow

#: The exit types in the order people look for them, under a heading each.
TYPE_GROUPS: tuple[tuple[str, tuple[ExitType, ...]], ...] = (
    ("Emploi", (ExitType.CDI, ExitType.CDD, ExitType.INTERIM, ExitType.CONTRAT_AIDE, ExitType.CONTRAT_PRO,
                ExitType.APPRENTISSAGE, ExitType.CREATION_ENTREPRISE, ExitType.FONCTION_PUBLIQUE,
                ExitType.EMBAUCHE_SIAE)),
    ("Formation et insertion", (ExitType.FORMATION_QUALIFIANTE, ExitType.ACTION_INSERTION_PRO,
                                ExitType.AUTRE_SORTIE_POSITIVE)),
    ("Ressources", (ExitType.AAH, ExitType.CHOMAGE, ExitType.INVALIDITE, ExitType.IJ, ExitType.RETRAITE)),
    ("Autres sorties", (ExitType.REORIENTATION, ExitType.DEMENAGEMENT, ExitType.ABANDON, ExitType.EXCLUSION,
                        ExitType.DECES, ExitType.SANS_SOLUTION, ExitType.AUTRE)),
)
assert sorted(t for _, group in TYPE_GROUPS for t in group) == sorted(ExitType), "every exit type has a group"

CHOOSE_TYPE = "— choisissez le type de sortie —"
CHOOSE_PARCOURS = "— choisissez le participant —"
NO_PARCOURS = "Aucun parcours en cours dans cette opération : rien à faire sortir."
PROOFS_LATER = ("Enregistrez d'abord la sortie : vous pourrez ensuite joindre ses pièces probantes "
                "(contrat, attestation d'entrée en formation…).")
SAVED_NOW_ATTACH = "Sortie enregistrée. Joignez maintenant ses pièces probantes (bouton ou glisser-déposer)."
UNREADABLE_DURATION = "durée illisible : écrivez un nombre de mois, par exemple 4 ou 5,5"


def fill_exit_types(combo: QComboBox) -> None:
    """The types under bold, unselectable group headings."""
    fill_combo(combo, [], empty=CHOOSE_TYPE)
    model = combo.model()
    for heading, types in TYPE_GROUPS:
        combo.insertSeparator(combo.count())
        combo.addItem(heading, None)
        item = model.item(combo.count() - 1)  # type: ignore[attr-defined]
        item.setFlags(item.flags() & ~(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled))
        font = QFont(combo.font())
        font.setBold(True)
        item.setFont(font)
        for exit_type in types:
            combo.addItem(EXIT_TYPE_LABELS[exit_type], exit_type.value)


def classification_text(exit_type: ExitType | None, months: Decimal | None, table: ExitRules, fiche: str) -> str:
    """« → emploi de transition : CDD de 4 mois, moins de 6 mois (fiche 3.16, 2024) »."""
    if exit_type is None:
        return "→ choisissez le type de sortie : sa catégorie s'affichera ici."
    return "→ " + classify(exit_type, months, table, fiche).explanation


def classification_html(exit_type: ExitType | None, months: Decimal | None, table: ExitRules, fiche: str) -> str:
    """The same, the category in bold."""
    text = classification_text(exit_type, months, table, fiche)
    if exit_type is None:
        return html.escape(text)
    category = CATEGORY_LABELS[classify(exit_type, months, table, fiche).category]
    rest = text.removeprefix(f"→ {category}")
    return f"→ <b>{html.escape(category)}</b>{html.escape(rest)}"


class ExitDialog(FormDialog):
    """Record or edit the exit of one parcours; without ``parcours_id``, the person picks a
    parcours in progress of the operation first."""

    #: A proof was attached or removed (the Sorties page recounts the missing ones).
    documents_changed = Signal()
    #: The exit was cancelled (deleted): the parcours is in progress again.
    exit_cancelled = Signal()

    def __init__(self, app: AppContext, operation_id: int, parcours_id: int | None = None,
                 parent: QWidget | None = None, *, employers: Sequence[str] = ()) -> None:
        super().__init__(app, "Sortie", parent)
        self.operation_id = operation_id
        self.parcours_id = parcours_id
        self.sortie_id: int | None = None
        self._aide_before = False
        self.operation: OperationRow = operations_service.get_operation(app, operation_id)
        self.rules, self.table = exits_service.exit_rules_for(app, operation_id)
        self._entries = {r.parcours_id: r for r in participants_service.list_participant_rows(app, operation_id)
                         if r.parcours_id is not None}
        self.setMinimumWidth(680)

        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.who)
        self.parcours_combo = QComboBox()
        self.parcours_combo.setMinimumContentsLength(30)
        self.date_sortie = DateEdit(empty_page=min(app.today(), self.operation.fin))
        self.date_sortie.setToolTip("Dernier jour d'accompagnement")
        self.type_combo = QComboBox()
        self.type_combo.setMaxVisibleItems(30)
        fill_exit_types(self.type_combo)
        self.duration = DecimalEdit()
        self.duration.setMaximumWidth(90)
        self.contrat_aide = QCheckBox("Contrat aidé (PEC, CUI-CIE, emploi franc…)")
        self.employeur = QLineEdit()
        self.employeur.setPlaceholderText("Entreprise, organisme de formation, structure d'accueil…")
        if employers:
            completer = QCompleter(sorted(set(employers)), self.employeur)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.employeur.setCompleter(completer)
        self.commentaire = QPlainTextEdit()
        self.commentaire.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.classification = QLabel()
        self.classification.setObjectName("classification")
        self.classification.setWordWrap(True)
        self.classification.setTextFormat(Qt.TextFormat.RichText)
        self._classification = ""
        self.classification.setStyleSheet(
            "#classification { background: palette(alternate-base); border: 1px solid palette(mid); "
            "border-radius: 3px; padding: 6px; }")
        self.proof_note = hint_label()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        if parcours_id is None:
            form.addRow("Participant", self.errors.field("parcours", self.parcours_combo))
        form.addRow("Date de sortie", self.errors.field("date_sortie", self.date_sortie))
        form.addRow("Type de sortie", self.errors.field("type_sortie", self.type_combo))
        self.duration_unit = QLabel("mois")
        form.addRow("Durée du contrat", self.errors.field("duree_contrat_mois", self.duration, self.duration_unit))
        form.addRow("", self.contrat_aide)
        form.addRow("Employeur ou organisme", self.errors.field("employeur", self.employeur))
        form.addRow("Commentaire", self.commentaire)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.classification)
        self.layout_.addWidget(self.proof_note)

        self.proofs_box = QWidget()
        box = QVBoxLayout(self.proofs_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(section_label("Pièces probantes"))
        self.proofs_hint = hint_label(PROOFS_LATER)
        self.documents = DocumentsWidget(app, empty_text="Aucune pièce jointe pour l'instant.")
        self.documents.changed.connect(self._documents_changed)
        box.addWidget(self.proofs_hint)
        box.addWidget(self.documents, 1)
        self.layout_.addWidget(self.proofs_box, 1)
        self.saved_note = QLabel()
        self.saved_note.setWordWrap(True)
        self.saved_note.setVisible(False)
        self.saved_note.setStyleSheet("color: #1e6b34;")
        self.layout_.addWidget(self.saved_note)
        self.cancel_exit_button = self.buttons.addButton("Annuler la sortie…", QDialogButtonBox.ButtonRole.ResetRole)
        self.cancel_exit_button.setToolTip("Sortie saisie par erreur : la supprimer avec ses pièces ; "
                                           "la personne redevient accompagnée")
        self.cancel_exit_button.setVisible(False)
        self.cancel_exit_button.clicked.connect(self.cancel_exit)
        self.layout_.addWidget(self.buttons)

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.duration.textChanged.connect(self._update_classification)
        if parcours_id is None:
            self._offer_parcours()
        else:
            self._load(parcours_id)
        self._type_changed()

    # --- loading -------------------------------------------------------------------------

    def _offer_parcours(self) -> None:
        today = self.app.today()
        candidates = sorted((r for r in self._entries.values()
                             if r.date_sortie is None and r.date_entree is not None and r.date_entree <= today),
                            key=lambda r: (r.nom, r.prenom))
        fill_combo(self.parcours_combo, [(f"{r.nom} {r.prenom} – entré(e) le {format_date(r.date_entree)}",
                                          r.parcours_id) for r in candidates], empty=CHOOSE_PARCOURS)
        self.setWindowTitle(f"Nouvelle sortie – {self.operation.code}")
        self.who.setText(NO_PARCOURS if not candidates else f"Opération {html.escape(self.operation.label)}")
        self.save_button.setEnabled(bool(candidates))

    def _load(self, parcours_id: int) -> None:
        exit_date, data, sortie_id = exits_service.get_exit(self.app, parcours_id)
        self._show_who(parcours_id)
        with self.errors.quiet():
            self.date_sortie.set_value(exit_date)
            if data is not None:
                select_data(self.type_combo, data.type.value if data.type else None)
                self.duration.set_value(data.duree_contrat_mois)
                self.contrat_aide.setChecked(data.contrat_aide)
                self.employeur.setText(data.employeur)
                self.commentaire.setPlainText(data.commentaire)
        self._set_sortie(sortie_id)

    def _show_who(self, parcours_id: int) -> None:
        entry = self._entries.get(parcours_id)
        name = f"{entry.nom} {entry.prenom}" if entry else "participant"
        self.setWindowTitle(f"Sortie de {name}")
        entered = f" · entré(e) le {format_date(entry.date_entree)}" if entry and entry.date_entree else ""
        self.who.setText(f"<b>{html.escape(name)}</b>{entered} · opération {html.escape(self.operation.code)}")

    def _set_sortie(self, sortie_id: int | None) -> None:
        self.sortie_id = sortie_id
        if sortie_id is None:
            self.documents.set_owner()
        else:
            self.documents.set_owner(sortie_id=sortie_id)
        self.proofs_hint.setVisible(sortie_id is None)
        self.cancel_exit_button.setVisible(sortie_id is not None)

    # --- live state ----------------------------------------------------------------------

    def exit_type(self) -> ExitType | None:
        data = self.type_combo.currentData()
        return ExitType(data) if data else None

    def chosen_parcours_id(self) -> int | None:
        return self.parcours_id if self.parcours_id is not None else self.parcours_combo.currentData()

    def duration_needed(self) -> bool:
        exit_type = self.exit_type()
        return exit_type is not None and needs_duration(exit_type, self.table)

    def _type_changed(self, *_args) -> None:  # type: ignore[no-untyped-def]
        needed = self.duration_needed()
        self.duration.setEnabled(needed)
        self.duration_unit.setEnabled(needed)
        self.duration.setPlaceholderText("obligatoire" if needed else "sans objet")
        self.duration.setToolTip("Obligatoire pour ce type de sortie : la durée décide de sa catégorie" if needed
                                 else "Sans objet pour ce type de sortie dans cette opération")
        if not needed:
            self.errors.set_messages("duree_contrat_mois", ())
        # A contrat aidé type is always a contrat aidé; leaving that type gives the box back as it was.
        aide = self.exit_type() is ExitType.CONTRAT_AIDE
        if aide and self.contrat_aide.isEnabled():
            self._aide_before = self.contrat_aide.isChecked()
            self.contrat_aide.setChecked(True)
        elif not aide and not self.contrat_aide.isEnabled():
            self.contrat_aide.setChecked(self._aide_before)
        self.contrat_aide.setEnabled(not aide)
        self._update_classification()

    def _duration_or_none(self) -> Decimal | None:
        if not self.duration_needed():
            return None
        try:
            return self.duration.value()
        except ValueError:
            return None

    def _update_classification(self, *_args) -> None:  # type: ignore[no-untyped-def]
        exit_type = self.exit_type()
        months = self._duration_or_none()
        self._classification = classification_text(exit_type, months, self.table, self.rules.fiche_label)
        self.classification.setText(classification_html(exit_type, months, self.table, self.rules.fiche_label))
        self._update_proof_note()

    def _update_proof_note(self) -> None:
        exit_type = self.exit_type()
        if exit_type is None:
            self.proof_note.setText("")
            return
        category = classify(exit_type, self._duration_or_none(), self.table, self.rules.fiche_label).category
        if not self.rules.sorties.needs_proof(category):
            self.proof_note.setText(f"Pas de pièce probante demandée pour une sortie « {CATEGORY_LABELS[category]} » "
                                    "dans cette opération.")
        elif self.sortie_id is not None and self.documents.documents():
            self.proof_note.setText("Pièce probante demandée : jointe.")
        else:
            self.proof_note.setText("Pièce probante demandée pour cette sortie (contrat, attestation…).")

    def classification_label_text(self) -> str:
        """The live classification line, as plain text."""
        return self._classification

    # --- saving --------------------------------------------------------------------------

    def value(self) -> tuple[date | None, ExitInput]:
        """Raises ValidationError when the length cannot be read."""
        months = None
        if self.duration_needed():
            try:
                months = self.duration.value()
            except ValueError:
                raise ValidationError([Problem("duree_contrat_mois", UNREADABLE_DURATION)]) from None
        data = ExitInput(type=self.exit_type(), duree_contrat_mois=months, contrat_aide=self.contrat_aide.isChecked(),
                         employeur=self.employeur.text(), commentaire=self.commentaire.toPlainText())
        return self.date_sortie.value(), data

    def save(self) -> None:
        parcours_id = self.chosen_parcours_id()
        require([Problem("parcours", "choisissez le participant qui sort")] if parcours_id is None else [])
        exit_date, data = self.value()
        sortie_id = exits_service.record_exit(self.app, parcours_id, exit_date, data)  # type: ignore[arg-type]
        if self.parcours_id is None:
            self.parcours_id = parcours_id
            self.parcours_combo.setEnabled(False)
            self._show_who(parcours_id)
        if sortie_id != self.sortie_id:
            self._set_sortie(sortie_id)

    def try_save(self) -> bool:
        """A new exit keeps the dialog open on its proofs; an existing one closes it."""
        created = self.sortie_id is None
        if not self.errors.attempt(self.save):
            return False
        self.saved.emit()
        if not created:
            self.accept()
            return True
        self.saved_note.setText(SAVED_NOW_ATTACH)
        self.saved_note.setVisible(True)
        self.cancel_button.setText("Fermer")
        self._update_proof_note()
        self.documents.attach_button.setFocus()
        return True

    def _documents_changed(self) -> None:
        self._update_proof_note()
        self.documents_changed.emit()

    def cancel_exit(self) -> bool:
        """Delete an exit recorded by mistake (after a confirmation) and close: the parcours is open again."""
        if self.sortie_id is None:
            return False
        entry = self._entries.get(self.chosen_parcours_id())
        who = f" de {entry.nom} {entry.prenom}" if entry else ""
        if not confirm_and_delete(
                self, self.app, "sortie", self.sortie_id, title="Annuler la sortie",
                question=f"Annuler la sortie{who} ?\n\nLa personne redevient accompagnée : elle compte à nouveau "
                         "dans la file active.",
                delete=exits_service.delete_exit):
            return False
        self.exit_cancelled.emit()
        self.accept()
        return True


class ExitRulesDialog(FormDialog):
    """The operation's own exit rules: durable threshold, "6 mois et plus" or "plus de 6 mois",
    minimum length, proofs. Saving reclassifies every exit of the operation."""

    def __init__(self, app: AppContext, operation: OperationRow, parent: QWidget | None = None) -> None:
        super().__init__(app, f"Règles de sorties – {operation.code}", parent)
        self.operation = operation
        self.rules, self.table = exits_service.exit_rules_for(app, operation.id)
        self.confirmed = False
        self.setMinimumWidth(600)

        intro = hint_label(f"Classification : {self.table.libelle} ({self.rules.fiche_label}). Ces règles sont "
                           "celles de cette opération seulement : les modifier reclasse toutes ses sorties.")
        self.layout_.addWidget(intro)
        if self.table.choix:
            choices = hint_label("Choix faits par aapdesk :\n" + "\n".join(f"• {c}" for c in self.table.choix))
            self.layout_.addWidget(choices)
        if operation.cloturee:
            self.closed_note = QLabel("Cette opération est clôturée : ses sorties ont déjà été déclarées. "
                                      "Il vous sera demandé de confirmer.")
            self.closed_note.setWordWrap(True)
            self.closed_note.setStyleSheet("color: #8a5a00;")
            self.layout_.addWidget(self.closed_note)

        self.threshold = DecimalEdit()
        self.threshold.setMaximumWidth(90)
        self.inclusive = QRadioButton()
        self.strict = QRadioButton()
        self.inclusion = QButtonGroup(self)
        self.inclusion.addButton(self.inclusive)
        self.inclusion.addButton(self.strict)
        self.minimum = DecimalEdit()
        self.minimum.setMaximumWidth(90)
        self.minimum.setPlaceholderText("aucune")
        proof_categories = ", ".join(CATEGORY_LABELS[c] for c in self.rules.sorties.categories_preuve)
        self.proof = QCheckBox("Pièce probante requise pour chaque sortie dynamique"
                               if set(self.rules.sorties.categories_preuve) == DYNAMIC
                               else f"Pièce probante requise ({proof_categories})")
        self.proof.setToolTip(f"Catégories concernées : {proof_categories}")

        threshold_row = QWidget()
        radios = QVBoxLayout(threshold_row)
        radios.setContentsMargins(0, 0, 0, 0)
        radios.addWidget(self.inclusive)
        radios.addWidget(self.strict)
        form = QFormLayout()
        form.addRow("Seuil de l'emploi durable", self.errors.field("seuil_durable_mois", self.threshold, QLabel("mois")))
        form.addRow("Contrat de cette durée", threshold_row)
        form.addRow("Durée minimale d'un contrat",
                    self.errors.field("duree_minimale_mois", self.minimum, QLabel("mois (vide : aucune)")))
        form.addRow("", self.proof)
        self.layout_.addLayout(form)

        with self.errors.quiet():
            self.threshold.set_value(self.table.seuil_durable_mois)
            (self.inclusive if self.table.seuil_durable_inclus else self.strict).setChecked(True)
            self.minimum.set_value(self.table.duree_minimale_mois)
            self.proof.setChecked(self.rules.sorties.preuve_requise)
        self.threshold.textChanged.connect(self._update_wording)
        self._update_wording()
        self.finish_layout()

    def _update_wording(self, *_args) -> None:  # type: ignore[no-untyped-def]
        try:
            value = self.threshold.value()
        except ValueError:
            value = None
        n = f"{decimal_text(value)} mois" if value is not None else "N mois"
        self.inclusive.setText(f"« {n} et plus » : un CDD de {n} est durable")
        self.strict.setText(f"« plus de {n} » : un CDD de {n} est de transition")

    def current(self) -> ExitRulesChange:
        return ExitRulesChange(self.table.seuil_durable_mois, self.table.seuil_durable_inclus,
                               self.table.duree_minimale_mois, self.rules.sorties.preuve_requise)

    def value(self) -> ExitRulesChange:
        problems = []
        threshold = minimum = None
        try:
            threshold = self.threshold.value()
            if threshold is None:
                problems.append(Problem("seuil_durable_mois", "indiquez le seuil en mois"))
        except ValueError:
            problems.append(Problem("seuil_durable_mois", UNREADABLE_DURATION))
        try:
            minimum = self.minimum.value()
        except ValueError:
            problems.append(Problem("duree_minimale_mois", UNREADABLE_DURATION))
        require(problems)
        return ExitRulesChange(threshold, self.inclusive.isChecked(), minimum, self.proof.isChecked())  # type: ignore[arg-type]

    def save(self) -> None:
        change = self.value()
        if change == self.current():
            return  # nothing changed: nothing to write nor to journal
        exits_service.update_exit_rules(self.app, self.operation.id, change, closed_confirmed=self.confirmed)

    def needs_writing(self) -> bool:
        try:
            return self.value() != self.current()
        except ValidationError:
            return True  # let save() show why

    def try_save(self) -> bool:
        if self.operation.cloturee and not self.confirmed and self.needs_writing():
            if not messages.confirm(
                self, "Opération clôturée",
                f"L'opération {self.operation.code} est clôturée : ses sorties ont déjà été déclarées au financeur.\n"
                "Modifier ses règles peut changer leur catégorie et les chiffres déjà transmis.\n"
                "Modifier quand même ?", "Modifier les règles"):
                return False
            self.confirmed = True
        return super().try_save()

