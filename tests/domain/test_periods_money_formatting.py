"""Periods, money policy and French formatting, checked against values worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from aapdesk.domain.money import from_cents, parse_amount, round_cents, to_cents
from aapdesk.domain.periods import Period, YearMonth, add_months, age_on, months_between
from aapdesk.formatting import format_date, format_hours, format_money, format_percent


def test_year_month_days_and_arithmetic():
    assert YearMonth(2024, 2).days == 29
    assert YearMonth(2023, 2).days == 28
    assert YearMonth(2024, 4).last_day == date(2024, 4, 30)
    assert YearMonth(2024, 12).add(1) == YearMonth(2025, 1)
    assert YearMonth(2024, 1).add(-1) == YearMonth(2023, 12)
    assert str(YearMonth.parse("2024-03")) == "2024-03"
    with pytest.raises(ValueError):
        YearMonth.parse("03/2024")


def test_period_months_are_inclusive():
    months = list(Period(date(2024, 11, 15), date(2025, 2, 1)).months())
    assert months == [YearMonth(2024, 11), YearMonth(2024, 12), YearMonth(2025, 1), YearMonth(2025, 2)]
    with pytest.raises(ValueError):
        Period(date(2024, 2, 1), date(2024, 1, 31))


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 8, 31), 1, date(2024, 9, 30)),
    (date(2024, 5, 12), 6, date(2024, 11, 12)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("birth, day, age", [
    (date(2000, 3, 15), date(2025, 3, 14), 24),
    (date(2000, 3, 15), date(2025, 3, 15), 25),
    (date(2000, 2, 29), date(2025, 2, 28), 24),
    (date(2000, 2, 29), date(2025, 3, 1), 25),
])
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age


def test_months_between_counts_calendar_months():
    assert months_between(date(2024, 5, 12), date(2024, 11, 11)) == 6
    assert months_between(date(2024, 1, 1), date(2024, 12, 31)) == 12
    assert months_between(date(2024, 1, 1), date(2024, 1, 15)) == pytest.approx(0.5)


def test_money_rounds_half_up_once():
    assert round_cents(Decimal("2.345")) == Decimal("2.35")
    assert round_cents(Decimal("2.344")) == Decimal("2.34")
    assert to_cents(Decimal("1234.565")) == 123457
    assert from_cents(123457) == Decimal("1234.57")


@pytest.mark.parametrize("typed, value", [
    ("1 234,56", Decimal("1234.56")),
    ("1\u202f234,56 €", Decimal("1234.56")),
    ("1\u00a0234,5", Decimal("1234.5")),
    ("1.234,56", Decimal("1234.56")),
    ("46800", Decimal("46800")),
    ("-12,50", Decimal("-12.50")),
])
def test_parse_amount_french_forms(typed, value):
    assert parse_amount(typed) == value


@pytest.mark.parametrize("typed", ["abc", "", "1,2,3", "NaN", "Infinity"])
def test_parse_amount_refuses_garbage(typed):
    with pytest.raises(ValueError, match="montant illisible"):
        parse_amount(typed)


def test_french_formatting():
    assert format_money(Decimal("1234.565")) == "1\u202f234,57\u202f€"
    assert format_money(Decimal("-46800")) == "-46\u202f800,00\u202f€"
    assert format_date(date(2024, 3, 5)) == "05/03/2024"
    assert format_percent(Decimal("0.456")) == "46\u202f%"
    assert format_hours(Decimal("12.50")) == "12,5\u202fh"
    assert format_hours(Decimal("10")) == "10\u202fh"


def test_as_of_default_is_today_or_the_end_once_passed():
    from aapdesk.domain.periods import as_of_default

    end = date(2024, 12, 31)
    assert as_of_default(date(2024, 6, 15), end) == date(2024, 6, 15)
    assert as_of_default(date(2025, 3, 15), end) == end
    assert as_of_default(date(2025, 3, 15), end, date(2024, 3, 31)) == date(2024, 3, 31)


@pytest.mark.parametrize("size, shown", [
    (0, "0 octets"), (1023, "1023 octets"), (1024, "1 Ko"), (180_500, "176 Ko"),
    (900_000, "879 Ko"), (1024 * 1024, "1,0 Mo"), (97_200_000, "92,7 Mo"),
])
def test_file_sizes_as_windows_shows_them(size, shown):
    from aapdesk.formatting import format_size

    assert format_size(size) == shown
