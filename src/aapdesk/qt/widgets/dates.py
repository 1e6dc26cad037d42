"""``DateEdit``: a French ``dd/MM/yyyy`` date field with a calendar popup that may be empty.

``QDateEdit`` has no empty state, so the minimum date stands for "non renseignée"
(Qt shows ``specialValueText`` at the minimum). Typing into that empty state does not
work out of the box in Qt: the first digit seeds a date and selects the day, so
typing ``15031980`` or ``15/03/1980`` gives 15/03/1980.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QToolButton, QWidget

#: Stands for "no date"; never a plausible date for a participant or an operation.
NULL_QDATE = QDate(1900, 1, 1)
EMPTY_TEXT = "non renseignée"
DISPLAY_FORMAT = "dd/MM/yyyy"
#: Where the day and month sections of ``dd/MM/yyyy`` end: the cursor sits there after Qt auto-advances.
_SECTION_STARTS = (3, 6)
_SEPARATORS = ("/", ".", "-", " ", ",")


def french_locale() -> QLocale:
    return QLocale(QLocale.Language.French, QLocale.Country.France)


def to_qdate(day: date | None) -> QDate:
    return NULL_QDATE if day is None else QDate(day.year, day.month, day.day)


class DateEdit(QDateEdit):
    """A date or nothing: :meth:`value` returns a ``datetime.date`` or ``None``."""

    def __init__(self, parent: QWidget | None = None, *, empty_page: date | None = None) -> None:
        super().__init__(parent)
        self._empty_page = empty_page
        self.setLocale(french_locale())
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        self.setMinimumDate(NULL_QDATE)
        self.setMaximumDate(QDate(2100, 12, 31))
        self.setSpecialValueText(EMPTY_TEXT)
        self.setDate(NULL_QDATE)
        calendar = self.calendarWidget()
        calendar.setLocale(french_locale())
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.installEventFilter(self)

    def value(self) -> date | None:
        current = self.date()
        return None if current == NULL_QDATE else current.toPython()

    def set_value(self, day: date | None) -> None:
        self.setDate(to_qdate(day))

    def clear_value(self) -> None:
        self.setDate(NULL_QDATE)

    def clear_button(self) -> QToolButton:
        """A small button that empties the field, for optional dates (a sortie not yet known)."""
        button = QToolButton()
        button.setText("Effacer")
        button.setToolTip("Vider la date (non renseignée)")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(self.clear_value)
        return button

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        if self.date() == NULL_QDATE and text.isdigit():
            # Start from a real date so the typed digits overwrite day, month, year in turn.
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        elif text in _SEPARATORS and text:
            if self.lineEdit().cursorPosition() in _SECTION_STARTS:
                event.accept()  # Qt already moved to the next section after a full one
                return
            if text != "/":
                event = QKeyEvent(event.type(), Qt.Key.Key_Slash, event.modifiers(), "/")
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # An empty field would open its calendar in January 1900: open a useful month instead.
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show and self.value() is None:
            page = self._empty_page or date.today()
            watched.setCurrentPage(page.year, page.month)
        return super().eventFilter(watched, event)
