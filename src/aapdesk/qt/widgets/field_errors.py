"""Inline validation: each :class:`~aapdesk.domain.problems.Problem` shown under its field.

Every form registers its fields with a :class:`FieldErrors` under the names the domain
and the services use in ``Problem.field`` (``nom``, ``date_entree``, ``siret``...). A
problem whose field has no widget goes to the form's banner, so nothing is ever lost.
Editing a field clears its message: the person is fixing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.problems import Problem, ValidationError

ERROR_COLOR = "#b3261e"
ERROR_BACKGROUND = "#fdeceb"


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setVisible(False)
    return label


def error_banner() -> QLabel:
    """The form-level message area, for problems that belong to no single field."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(
        f"color: {ERROR_COLOR}; background-color: {ERROR_BACKGROUND}; "
        f"border: 1px solid {ERROR_COLOR}; border-radius: 3px; padding: 6px;"
    )
    label.setVisible(False)
    return label


def _change_signal(widget: QWidget):
    """The signal meaning "the person changed this field", whatever the widget type."""
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    return None


@dataclass
class _Field:
    widget: QWidget
    label: QLabel
    messages: tuple[str, ...] = ()


class FieldErrors(QObject):
    """Registry of a form's fields; shows and clears problems next to them."""

    #: A registered field was changed (not while :meth:`quiet`); carries the field name.
    edited = Signal(str)
    #: Messages appeared or went away: the form may need more (or less) room.
    messages_changed = Signal()

    def __init__(self, banner: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._banner = banner
        self._fields: dict[str, _Field] = {}
        self._general: tuple[str, ...] = ()
        self._quiet = 0

    # --- building ------------------------------------------------------------------

    def field(self, name: str, widget: QWidget, *extras: QWidget) -> QWidget:
        """Wrap ``widget`` (and optional widgets beside it) with an error label underneath."""
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extras:
            row = QHBoxLayout()
            row.setSpacing(4)
            row.addWidget(widget, 1)
            for extra in extras:
                row.addWidget(extra)
            column.addLayout(row)
        else:
            column.addWidget(widget)
        label = error_label()
        column.addWidget(label)
        self.attach(name, widget, label)
        return container

    def attach(self, name: str, widget: QWidget, label: QLabel) -> None:
        widget.setObjectName(f"field_{name}")
        self._fields[name] = _Field(widget, label)
        signal = _change_signal(widget)
        if signal is not None:
            signal.connect(lambda *_args, field=name: self._on_changed(field))

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Fill fields from code (loading a record) without it counting as an edit."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    # --- showing -------------------------------------------------------------------

    def show(self, problems: Iterable[Problem]) -> None:
        """Replace every message with ``problems``; focus the first field in error."""
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            if problem.field in self._fields:
                by_field.setdefault(problem.field, []).append(sentence(problem.message))
            else:
                general.append(sentence(problem.message))
        for name in self._fields:
            self.set_messages(name, by_field.get(name, ()))
        self._set_general(general)
        first = next((self._fields[n].widget for n in self._fields if n in by_field), None)
        if first is not None:
            first.setFocus()

    def set_messages(self, name: str, messages: Iterable[str]) -> None:
        entry = self._fields[name]
        entry.messages = tuple(dict.fromkeys(messages))  # same message twice says nothing more
        entry.label.setText("\n".join(entry.messages))
        entry.label.setVisible(bool(entry.messages))
        _highlight(entry.widget, bool(entry.messages))
        self.messages_changed.emit()

    def show_for(self, name: str, problems: Iterable[Problem]) -> None:
        """Replace only ``name``'s messages with the problems about it (a live check of one field)."""
        self.set_messages(name, [sentence(p.message) for p in problems if p.field == name])

    def clear(self) -> None:
        for name in self._fields:
            self.set_messages(name, ())
        self._set_general(())

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run a saving ``action``; on :class:`ValidationError` show its problems and return False."""
        try:
            action()
        except ValidationError as exc:
            self.show(exc.problems)
            return False
        self.clear()
        return True

    # --- reading (tests, dialogs) ----------------------------------------------------

    def messages(self, name: str) -> tuple[str, ...]:
        return self._fields[name].messages

    def label(self, name: str) -> QLabel:
        return self._fields[name].label

    def general_messages(self) -> tuple[str, ...]:
        return self._general

    def has_errors(self) -> bool:
        return bool(self._general) or any(f.messages for f in self._fields.values())

    def _set_general(self, messages: Iterable[str]) -> None:
        self._general = tuple(messages)
        self._banner.setText("\n".join(self._general))
        self._banner.setVisible(bool(self._general))
        self.messages_changed.emit()

    def _on_changed(self, name: str) -> None:
        if self._quiet:
            return
        self.set_messages(name, ())
        self.edited.emit(name)


def sentence(message: str) -> str:
    """Domain messages are lower-case clauses; shown alone they read as sentences."""
    return message[:1].upper() + message[1:] if message else message


def _highlight(widget: QWidget, on: bool) -> None:
    """Tint the field. A palette, not a style sheet: style sheets change how spin boxes and
    combos draw their buttons, a palette keeps the platform's look."""
    if on:
        palette = QPalette(widget.palette())
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
            palette.setColor(role, QColor(ERROR_BACKGROUND))
        if isinstance(widget, QAbstractButton):
            palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOR))
        widget.setPalette(palette)
    else:
        widget.setPalette(QPalette())  # an empty palette: inherit the window's again
    widget.setProperty("invalid", on)
