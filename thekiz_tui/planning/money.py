"""Money and hours as a German invoice reckons them: exact decimals, each line rounded
half up to the cent once, sums of the rounded lines.

A visit's line is its hours (to the hundredth, as the statement shows them) times the
coach's rate: 3,25 h × 62,50 € = 203,125 € → 203,13 €, the figure Excel gives for the
statement's own columns. Rates, budgets and the budget settings are stored as decimal
text ("62.50", store schema 3); :func:`euros` reads them, and the JSON numbers of older
files, exactly (by their text, not their binary value).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from store.records import MONEY_LIMIT, exact

from ..i18n import tr
from .timeutil import BadInput

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_HOUR = Decimal(3600)


def _not_an_amount(value: object) -> str:
    return tr("{value} ist kein Betrag", value=repr(value))


def euros(value: object) -> Decimal:
    """An amount from a stored or typed number: ``62.5``, ``"62,50"``, ``5000``,
    ``"2.500"``.

    A float is read by its shortest text (62.5 → 62.5, 0.1 → 0.1), never by its binary
    value (0.1000000000000000055…); a text as :func:`typed` reads it. BadInput (a ValueError) for
    anything else."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, bool):
        raise BadInput(_not_an_amount(value))
    elif isinstance(value, int | float):
        amount = exact(value) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        amount = typed(value)
    else:
        raise BadInput(_not_an_amount(value))
    if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
        raise BadInput(_not_an_amount(value))
    return amount


# Digits grouped by thousands' dots ("1.234.567"), optionally followed by a decimal comma.
_GERMAN = re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")
_POINT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009€")


def typed(text: str) -> Decimal:
    """The amount a German user means by what she typed (the one reading, for the CLI,
    the forms and the settings).

    A comma is the decimal mark and dots before it group thousands: ``62,5``,
    ``2.500,50``, ``1.250.000,00``. Without a comma, a dot followed by exactly three
    digits (each group, as in ``2.500`` or ``1.250.000``) groups thousands, as it does
    on German paper: ``2.500`` is two thousand five hundred, never 2,50 €. Any other dot
    is a decimal point, as a calculator or a spreadsheet writes it: ``62.50``, ``62.5``
    (so ``0.125`` is 125: an eighth is typed ``0,125``). Spaces and "€" are ignored.
    ValueError for anything else (``1.23,4``, ``nan``, ``1e5``) and for a trillion
    euros or more (``store.records.MONEY_LIMIT``)."""
    raw = text.translate(_SPACES)
    german = _GERMAN.fullmatch(raw)
    if german is not None:
        sign, whole, fraction = german.groups()
        point = "" if fraction is None else f".{fraction}"
        amount = Decimal(f"{sign}{whole.replace('.', '')}{point}")
    elif _POINT.fullmatch(raw):
        amount = Decimal(raw)
    else:
        raise BadInput(_not_an_amount(text))
    if abs(amount) >= MONEY_LIMIT:
        raise BadInput(_not_an_amount(text))
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
