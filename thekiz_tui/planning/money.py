"""Money and hours as a German invoice reckons them: exact decimals, each line rounded
half up to the cent once, sums of the rounded lines.

A visit's line is its hours (to the hundredth, as the statement shows them) times the
coach's rate: 3,25 h × 62,50 € = 203,125 € → 203,13 €, the figure Excel gives for the
statement's own columns. Rates, budgets and settings are stored as JSON numbers;
:func:`euros` reads them exactly (by their text, not their binary value).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_HOUR = Decimal(3600)


def euros(value: object) -> Decimal:
    """An amount from a stored or typed number: ``62.5``, ``"62,50"``, ``5000``.

    A float is read by its shortest text (62.5 → 62.5, 0.1 → 0.1), never by its binary
    value (0.1000000000000000055…). ValueError for anything else."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, bool):
        raise ValueError(f"{value!r} ist kein Betrag")
    elif isinstance(value, int | float):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("€", "").strip()
        if "," in text:  # German: 1.234,50
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} ist kein Betrag") from None
    else:
        raise ValueError(f"{value!r} ist kein Betrag")
    if not amount.is_finite():
        raise ValueError(f"{value!r} ist kein Betrag")
    return amount


def cents(amount: Decimal) -> Decimal:
    """Rounded half up to the cent (a German invoice line)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def hours_of(seconds: int) -> Decimal:
    """A duration's hours to the hundredth, rounded half up (20 minutes: 0,33 h)."""
    return cents(Decimal(max(0, seconds)) / _HOUR)


def line_fee(hours: Decimal, rate: Decimal) -> Decimal:
    """One line of the statement: hours × rate, to the cent."""
    return cents(hours * rate)


def as_number(amount: Decimal | None) -> float | None:
    """For JSON: the cent amount as a number that prints as exactly its two decimals."""
    return None if amount is None else float(cents(amount))
