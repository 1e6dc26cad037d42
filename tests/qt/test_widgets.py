"""Shared widgets: the empty-able date field, French numbers, inline problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLineEdit

from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.qt.widgets.dates import EMPTY_TEXT, DateEdit
from aapdesk.qt.widgets.field_errors import FieldErrors, error_banner
from aapdesk.qt.widgets.inputs import CountSpin, DecimalEdit


@pytest.fixture
def date_edit(qtbot):
    edit = DateEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


def test_date_edit_starts_empty(date_edit):
    assert date_edit.value() is None and date_edit.text() == EMPTY_TEXT
    assert date_edit.displayFormat() == "dd/MM/yyyy" and date_edit.calendarPopup()


@pytest.mark.parametrize("typed", ["15031980", "15/03/1980", "15.03.1980"])
def test_typing_into_an_empty_date(qtbot, date_edit, typed):
    qtbot.keyClicks(date_edit, typed)
    assert date_edit.value() == date(1980, 3, 15)
    assert date_edit.text() == "15/03/1980"


def test_date_set_and_clear(date_edit):
    date_edit.set_value(date(2024, 2, 29))
    assert date_edit.text() == "29/02/2024"
    date_edit.clear_button().click()
    assert date_edit.value() is None


def test_decimal_edit_reads_french_numbers(qtbot):
    edit = DecimalEdit(money=True)
    qtbot.addWidget(edit)
    edit.setText("1 234,5")
    assert edit.value() == Decimal("1234.5")
    edit.editingFinished.emit()
    assert edit.text() == "1\u202f234,50\u202f€"
    edit.setText("n'importe quoi")
    with pytest.raises(ValueError):
        edit.value()
    edit.clear()
    assert edit.value() is None


def test_count_spin_empty_is_none(qtbot):
    spin = CountSpin()
    qtbot.addWidget(spin)
    assert spin.count() is None and spin.text() == "—"
    spin.set_count(7)
    assert spin.count() == 7


def test_field_errors_place_problems(qtbot):
    banner = error_banner()
    errors = FieldErrors(banner)
    edit = QLineEdit()
    container = errors.field("nom", edit)
    qtbot.addWidget(container)
    qtbot.addWidget(banner)
    container.show()
    banner.show()
    errors.show([Problem("nom", "le nom est obligatoire"), Problem("", "la base est en lecture seule")])
    assert errors.messages("nom") == ("Le nom est obligatoire",)
    assert errors.label("nom").isVisible() and edit.property("invalid") is True
    assert errors.general_messages() == ("La base est en lecture seule",) and banner.isVisible()
    qtbot.keyClicks(edit, "x")  # editing the field clears its message
    assert errors.messages("nom") == () and not errors.label("nom").isVisible()
    assert edit.property("invalid") is False


def test_field_errors_attempt(qtbot):
    errors = FieldErrors(error_banner())
    container = errors.field("code", QLineEdit())  # qtbot keeps only a weak reference
    qtbot.addWidget(container)

    def refuse():
        raise ValidationError([Problem("code", "code obligatoire")])

    assert errors.attempt(refuse) is False and errors.has_errors()
    assert errors.attempt(lambda: None) is True and not errors.has_errors()


def test_quiet_loading_is_not_an_edit(qtbot):
    errors = FieldErrors(error_banner())
    edit = DateEdit()
    container = errors.field("debut", edit)
    qtbot.addWidget(container)
    seen = []
    errors.edited.connect(seen.append)
    with errors.quiet():
        edit.set_value(date(2025, 1, 1))
    edit.set_value(date(2025, 1, 2))
    assert seen == ["debut"]
