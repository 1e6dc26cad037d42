"""French display formatting shared by screens and reports, so both show identical text.

Dates ``31/12/2024``, money ``1 234,56 €`` (narrow no-break space, as CLDR and QLocale
do), hours ``12,5 h``, rates ``45 %``. Rounding of money is the domain's (half up).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aapdesk.domain.money import round_cents
from aapdesk.domain.periods import YearMonth

NNBSP = "\u202f"  # narrow no-break space: thousands separator and before € and %
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                "sept.", "oct.", "nov.", "déc.")


def format_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _group(integer_digits: str) -> str:
    groups = []
    while len(integer_digits) > 3:
        groups.insert(0, integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.insert(0, integer_digits)
    return NNBSP.join(groups)


def format_number(value: Decimal | int | float, decimals: int = 0) -> str:
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum) if decimals else Decimal(str(value)).quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    integer, _, fraction = text.partition(".")
    return sign + _group(integer) + ("," + fraction if fraction else "")


def format_size(size: int) -> str:
    """A file's size as people read it: 512 octets, 176 Ko, 92,7 Mo (units of 1 024, as Windows shows)."""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{format_number(round(size / 1024))} Ko"
    return f"{format_number(Decimal(size) / (1024 * 1024), 1)} Mo"


def format_money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return format_number(round_cents(Decimal(amount)), 2) + NNBSP + "€"


def format_hours(hours: Decimal | float | None) -> str:
    if hours is None:
        return ""
    value = Decimal(str(hours)).normalize()
    decimals = max(0, -value.as_tuple().exponent) if isinstance(value.as_tuple().exponent, int) else 0
    return format_number(value, min(decimals, 2)) + NNBSP + "h"


def format_percent(fraction: float | Decimal | None, decimals: int = 0) -> str:
    if fraction is None:
        return ""
    return format_number(Decimal(str(fraction)) * 100, decimals) + NNBSP + "%"


def format_month(month: YearMonth, short: bool = False) -> str:
    if short:
        return f"{MONTHS_SHORT[month.month - 1]} {month.year}"
    return month.label


def format_bool(value: bool | None) -> str:
    return "" if value is None else ("oui" if value else "non")


def format_operation(code: str, intitule: str | None) -> str:
    """« AI-2025 – Aide à l'encadrement … » as every header and list names an operation; the code alone without a title."""
    return f"{code} – {intitule}" if intitule else code
