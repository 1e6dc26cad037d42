"""The money policy, in one place: Decimal in the domain, integer cents in storage.

Rounding is to the cent, half up, applied by :func:`round_cents` and nowhere else.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    return int(round_cents(amount) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def parse_amount(text: str) -> Decimal:
    """Parse an amount typed the French way: ``1 234,56``, ``1234.56 €``, with any kind of space.

    Raises ValueError with a French message on anything that is not a finite number.
    """
    cleaned = (
        text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "").strip()
    )
    if cleaned.count(",") == 1 and "." in cleaned:
        cleaned = cleaned.replace(".", "")  # 1.234,56: the dot groups thousands
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"montant illisible : {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"montant illisible : {text!r}")
    return value
