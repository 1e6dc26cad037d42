"""A collective session (atelier): date, title, length, animateur, and who came.

The length is typed as people say it: « 90 », « 90 min », « 2 h 30 », « 2h30 », « 1,5 h ».
The people are the operation's participants: a first box registers them, a second says
whether they came (a registered person is present unless unticked).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.formatting import format_date
from aapdesk.qt.dialogs.base import FormDialog
from aapdesk.domain.participants import fold_accents
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.dates import DateEdit
from aapdesk.services import activity as activity_service
from aapdesk.services.activity import AtelierInput, AtelierRow
from aapdesk.services.context import AppContext

_HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\s*(?:(\d{1,2})\s*(?:min|mn)?)?$")
_MINUTES = re.compile(r"^(\d+)\s*(?:min(?:utes?)?|mn)?$")
DURATION_HELP = "durée illisible : écrivez par exemple 90 min, 2 h 30 ou 1,5 h"


def parse_duration(text: str) -> int | None:
    """Minutes from « 90 », « 90 min », « 2 h 30 », « 1,5 h »; None when empty; ValueError (French) otherwise."""
    cleaned = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").lower().split())
    if not cleaned:
        return None
    if match := _HOURS.match(cleaned):
        try:
            hours = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation:
            raise ValueError(DURATION_HELP) from None
        minutes = int(match.group(2) or 0)
        if minutes >= 60:
            raise ValueError(DURATION_HELP)
        return int((hours * 60).to_integral_value()) + minutes
    if match := _MINUTES.match(cleaned):
        return int(match.group(1))
    raise ValueError(DURATION_HELP)


def format_duration(minutes: int | None) -> str:
    """« 45 min », « 2 h », « 2 h 30 »."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


PARTICIPANT_COLUMN, PRESENT_COLUMN = 0, 1
_ID_ROLE = Qt.ItemDataRole.UserRole


class AttendanceList(QWidget):
    """The operation's participants, each with "inscrit" and "présent" boxes, and a search field."""

    def __init__(self, people: Sequence[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un participant…")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(len(people), 2)
        self.table.setHorizontalHeaderLabels(["Inscrit", "Présent"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(PARTICIPANT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(PRESENT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for row, (pid, name) in enumerate(people):
            person = QTableWidgetItem(name)
            person.setData(_ID_ROLE, pid)
            person.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            person.setCheckState(Qt.CheckState.Unchecked)
            present = QTableWidgetItem("présent")
            present.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, PARTICIPANT_COLUMN, person)
            self.table.setItem(row, PRESENT_COLUMN, present)
            self._sync_present(row)
        self.all_button = QPushButton("Inscrire tout le monde")
        self.none_button = QPushButton("Tout décocher")
        self.count_label = hint_label()
        self.count_label.setWordWrap(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        self.table.itemChanged.connect(self._changed)
        self.search.textChanged.connect(self._filter)
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self._update_count()

    def _row_of(self, pid: int) -> int | None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, PARTICIPANT_COLUMN).data(_ID_ROLE) == pid:
                return row
        return None

    def _sync_present(self, row: int) -> None:
        """A person not registered cannot be marked present."""
        registered = self.table.item(row, PARTICIPANT_COLUMN).checkState() == Qt.CheckState.Checked
        present = self.table.item(row, PRESENT_COLUMN)
        flags = Qt.ItemFlag.ItemIsUserCheckable | (Qt.ItemFlag.ItemIsEnabled if registered else Qt.ItemFlag.NoItemFlags)
        present.setFlags(flags)

    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() == PARTICIPANT_COLUMN:
            self.table.blockSignals(True)
            try:
                self._sync_present(item.row())
            finally:
                self.table.blockSignals(False)
            self.table.viewport().update()
        self._update_count()

    def _filter(self, text: str) -> None:
        words = fold_accents(text).split()
        for row in range(self.table.rowCount()):
            name = fold_accents(self.table.item(row, PARTICIPANT_COLUMN).text())
            self.table.setRowHidden(row, not all(w in name for w in words))

    def _update_count(self) -> None:
        registered, present = len(self.registered()), len(self.registered()) - len(self.absents())
        self.count_label.setText(f"{registered} inscrit{'s' if registered > 1 else ''}, "
                                 f"{present} présent{'s' if present > 1 else ''}")

    def set_all(self, registered: bool) -> None:
        state = Qt.CheckState.Checked if registered else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            if not self.table.isRowHidden(row):
                self.table.item(row, PARTICIPANT_COLUMN).setCheckState(state)

    def set_registered(self, pid: int, registered: bool = True, present: bool = True) -> None:
        row = self._row_of(pid)
        if row is None:
            raise LookupError(f"participant {pid} absent de la liste")
        self.table.item(row, PRESENT_COLUMN).setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
        self.table.item(row, PARTICIPANT_COLUMN).setCheckState(
            Qt.CheckState.Checked if registered else Qt.CheckState.Unchecked)

    def registered(self) -> list[int]:
        return [self.table.item(r, PARTICIPANT_COLUMN).data(_ID_ROLE) for r in range(self.table.rowCount())
                if self.table.item(r, PARTICIPANT_COLUMN).checkState() == Qt.CheckState.Checked]

    def absents(self) -> list[int]:
        return [self.table.item(r, PARTICIPANT_COLUMN).data(_ID_ROLE) for r in range(self.table.rowCount())
                if self.table.item(r, PARTICIPANT_COLUMN).checkState() == Qt.CheckState.Checked
                and self.table.item(r, PRESENT_COLUMN).checkState() != Qt.CheckState.Checked]


def operation_people(app: AppContext, operation_id: int, extra: Sequence[tuple[int, str, str]] = ()) -> list[tuple[int, str]]:
    """(participant id, "NOM Prénom") of everyone with a parcours in the operation, by name.

    Two people with the same name are told apart by their birth date.
    """
    births: dict[int, date | None] = {}
    names: dict[int, str] = {}
    for p in activity_service.operation_activity(app, operation_id).parcours:
        names[p.participant_id], births[p.participant_id] = f"{p.nom} {p.prenom}", p.birth
    for pid, nom, prenom in extra:
        names.setdefault(pid, f"{nom} {prenom}")
    homonyms = {name for name, count in Counter(fold_accents(n) for n in names.values()).items() if count > 1}
    people = {pid: f"{name} (née ou né le {format_date(births[pid])})" if fold_accents(name) in homonyms and births.get(pid)
              else name for pid, name in names.items()}
    return sorted(people.items(), key=lambda item: fold_accents(item[1]))


class AtelierDialog(FormDialog):
    def __init__(self, app: AppContext, operation_id: int, atelier: AtelierRow | None = None,
                 parent: QWidget | None = None, *, animateurs: Sequence[str] = ()) -> None:
        super().__init__(app, "Nouvel atelier" if atelier is None else "Modifier l'atelier", parent)
        self.operation_id = operation_id
        self.atelier = atelier
        self.date = DateEdit(empty_page=app.today())
        self.titre = QLineEdit()
        self.titre.setPlaceholderText("Par exemple : Atelier CV et lettre de motivation")
        self.duree = QLineEdit()
        self.duree.setPlaceholderText("90 min, 2 h 30, 1,5 h…")
        self.duree.setMaximumWidth(160)
        self.animateur = QLineEdit()
        self.animateur.setPlaceholderText("Prénom et nom")
        if animateurs:
            self.animateur.setCompleter(QCompleter(list(animateurs), self.animateur))
        extra = [(pid, nom, prenom) for pid, nom, prenom, _present in atelier.inscrits] if atelier else []
        self.attendance = AttendanceList(operation_people(app, operation_id, extra))

        e = self.errors
        form = QFormLayout()
        form.addRow("Date", e.field("date", self.date))
        form.addRow("Titre", e.field("titre", self.titre))
        form.addRow("Durée", e.field("duree", self.duree))
        form.addRow("Animateur", e.field("animateur", self.animateur))
        self.layout_.addLayout(form)
        # Outside the form, so the list takes the height the dialog is given (a form row would not).
        self.layout_.addWidget(QLabel("Participants : cochez les inscrits, décochez « présent » pour un absent"))
        self.layout_.addWidget(e.field("participants", self.attendance), 20)
        self.finish_layout()
        self.setMinimumSize(560, 620)
        if atelier is not None:
            with self.errors.quiet():
                self.date.set_value(atelier.date)
                self.titre.setText(atelier.titre)
                self.duree.setText(format_duration(atelier.duree_minutes))
                self.animateur.setText(atelier.animateur)
                for pid, _nom, _prenom, present in atelier.inscrits:
                    self.attendance.set_registered(pid, True, present)

    def value(self, minutes: int | None = None) -> AtelierInput:
        return AtelierInput(
            date=self.date.value(), titre=self.titre.text(), duree_minutes=minutes,
            animateur=self.animateur.text(), participant_ids=tuple(self.attendance.registered()),
            absents=tuple(self.attendance.absents()),
        )

    def save(self) -> None:
        atelier_id = self.atelier.id if self.atelier else None
        try:
            minutes = parse_duration(self.duree.text())
        except ValueError as exc:
            # Still ask the service, so every other problem shows too: without a length it
            # always refuses (and writes nothing); its message on the length is replaced by ours.
            try:
                activity_service.save_atelier(self.app, self.operation_id, self.value(None), atelier_id)
            except ValidationError as refused:
                others = [p for p in refused.problems if p.field != "duree"]
                raise ValidationError([Problem("duree", str(exc)), *others]) from None
            raise AssertionError("save_atelier accepted an atelier without a length") from exc
        activity_service.save_atelier(self.app, self.operation_id, self.value(minutes), atelier_id)
