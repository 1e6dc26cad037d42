"""Months and periods: `YearMonth`, inclusive date ranges, month iteration and age.

Pure value objects; no clock is read here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator


MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month, ordered and hashable."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"mois invalide : {self.month}")

    @classmethod
    def of(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Parse ``AAAA-MM``."""
        year_text, _, month_text = text.strip().partition("-")
        if len(year_text) != 4 or not month_text.isdigit() or not year_text.isdigit():
            raise ValueError(f"mois attendu au format AAAA-MM : {text!r}")
        return cls(int(year_text), int(month_text))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def add(self, months: int) -> YearMonth:
        index = self.year * 12 + (self.month - 1) + months
        return YearMonth(index // 12, index % 12 + 1)

    @property
    def label(self) -> str:
        """French name, as people say it: « février 2024 »."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    """An inclusive range of days ``start``..``end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("la fin de la période précède son début")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> Iterator[YearMonth]:
        current, last = YearMonth.of(self.start), YearMonth.of(self.end)
        while current <= last:
            yield current
            current = current.add(1)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def as_of_default(today: date, end: date, asked: date | None = None) -> date:
    """The date figures are given at: the one asked for, else today, or the end once it has passed.

    One rule for every screen, report and command, so they all count up to the same day.
    """
    return asked if asked is not None else min(today, end)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31/01 + 1 month = 28/02)."""
    target = YearMonth.of(day).add(months)
    return date(target.year, target.month, min(day.day, target.days))


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years on ``day`` (a person born on 29/02 turns a year older on 01/03)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def months_between(start: date, end: date) -> float:
    """Length of ``start``..``end`` (inclusive) in months, as used for contract lengths.

    Whole calendar months are counted first (12/05 to 11/11 is exactly 6 months),
    then the remaining days as a fraction of 30.
    """
    if end < start:
        raise ValueError("la fin précède le début")
    whole = 0
    while add_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    rest_start = add_months(start, whole)
    rest_days = (end - rest_start).days + 1
    return whole + max(rest_days, 0) / 30
