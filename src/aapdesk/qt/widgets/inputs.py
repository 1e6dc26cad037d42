"""Small input widgets and combo helpers: coded lists, French decimals and money, optional counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from aapdesk.domain.money import parse_amount
from aapdesk.formatting import format_money, format_number

EMPTY_CHOICE = "— non renseigné —"


def coded_items(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """``{"03": "France Travail"}`` -> ``[("03 – France Travail", "03")]``: codes stay visible."""
    return [(f"{code} – {label}", code) for code, label in mapping.items()]


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, object]], *, empty: str | None = None) -> None:
    """Replace the items; ``empty`` adds a first choice whose data is None."""
    combo.blockSignals(True)  # refilling is not a choice made by the person
    try:
        combo.clear()
        if empty is not None:
            combo.addItem(empty, None)
        for label, data in items:
            combo.addItem(label, data)
    finally:
        combo.blockSignals(False)


def select_data(combo: QComboBox, value: object) -> bool:
    """Select the item carrying ``value``; an editable combo takes unknown text as typed."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            combo.setCurrentIndex(index)
            return True
    if combo.isEditable() and value is not None:
        combo.setEditText(str(value))
        return True
    return False


def combo_text(combo: QComboBox) -> str | None:
    """The text of an editable combo, or None when empty."""
    return combo.currentText().strip() or None


class DecimalEdit(QLineEdit):
    """A number typed the French way (``1 234,56``); with ``money`` it is shown as ``1 234,56 €``."""

    def __init__(self, parent: QWidget | None = None, *, money: bool = False, decimals: int = 2) -> None:
        super().__init__(parent)
        self._money = money
        self._decimals = decimals
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0,00 €" if money else "0")
        self.editingFinished.connect(self._reformat)

    def value(self) -> Decimal | None:
        """The number, None when empty; ValueError (French message) when unreadable."""
        text = self.text().strip()
        return parse_amount(text) if text else None

    def set_value(self, value: Decimal | None) -> None:
        self.setText(self._format(value))

    def _format(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        if self._money:
            return format_money(value)
        return format_number(value.normalize(), max(0, min(self._decimals, -value.normalize().as_tuple().exponent)))

    def _reformat(self) -> None:
        try:
            value = self.value()
        except ValueError:
            return  # leave the text as typed: the form shows why on save
        self.setText(self._format(value))


class CountSpin(QSpinBox):
    """A positive whole number or nothing (0 shows as "—")."""

    def __init__(self, parent: QWidget | None = None, maximum: int = 100_000) -> None:
        super().__init__(parent)
        self.setRange(0, maximum)
        self.setSpecialValueText("—")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def count(self) -> int | None:
        return self.value() or None

    def set_count(self, value: int | None) -> None:
        self.setValue(value or 0)
