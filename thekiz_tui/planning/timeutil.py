"""Times as thekiz keeps them, and as German users type them.

Stored form (see ``store.records``): timed events as local time with UTC offset
(``2025-03-04T09:30:00+01:00``), all-day events as dates with an exclusive end.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..i18n import tr
from .cldr import NAMES

if TYPE_CHECKING:  # (decimal is imported by the first amount formatted)
    from decimal import Decimal

DEFAULT_TZ = "Europe/Berlin"


class BadInput(ValueError):
    """Input a person typed that thekiz cannot understand. The message is German."""


@lru_cache(maxsize=64)
def zone(name: str = DEFAULT_TZ) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadInput(tr("Unbekannte Zeitzone „{name}“.", name=name)) from error


def to_stored(moment: datetime) -> str:
    """An aware datetime as stored: local wall time with its offset, to the second."""
    return moment.replace(microsecond=0).isoformat()


def from_stored(text: str) -> datetime:
    return datetime.fromisoformat(text)


def localize(wall: datetime, tz: str = DEFAULT_TZ) -> datetime:
    """Attach a zone to a naive wall time. In the repeated October hour the first
    (summer-time) instant is meant, as a person reading a clock would mean it."""
    return wall.replace(tzinfo=zone(tz), fold=0)


def day_start(day: date, tz: str = DEFAULT_TZ) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(tz))


def epoch(moment: datetime) -> int:
    """UTC seconds. Aware datetimes sharing a tzinfo compare by wall clock and ignore
    fold (PEP 495), so every comparison of instants goes through this."""
    return int(moment.timestamp())


def from_epoch(seconds: int, tz: str = DEFAULT_TZ) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone(tz))


def stored_span(start: str, end: str, all_day: bool, tz: str = DEFAULT_TZ) -> tuple[int, int]:
    """The UTC instants ``[start, end)`` of stored start and end texts."""
    if all_day:
        return (
            epoch(day_start(date.fromisoformat(start[:10]), tz)),
            epoch(day_start(date.fromisoformat(end[:10]), tz)),
        )
    return int(datetime.fromisoformat(start).timestamp()), int(
        datetime.fromisoformat(end).timestamp()
    )


# -- German input ---------------------------------------------------------------------

_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?(?:\s*uhr)?$", re.IGNORECASE)
# The years a person may type: windows, months and series a few years around them stay
# far from the ends of ``date`` (1 and 9999), where a day more or less overflows.
YEARS = range(1900, 3000)


def _in_years(text: str, year: int) -> None:
    if year not in YEARS:
        raise BadInput(tr("„{text}“ liegt außerhalb der Jahre {first}–{last}.", text=text,
                          first=YEARS[0], last=YEARS[-1]))


def parse_date(text: str, *, today: date | None = None, month: date | None = None) -> date:
    """``2025-03-04``, ``04.03.2025``, ``4.3.25``, ``heute``, ``morgen``, or ``4.3.``: a
    day without a year is the next such day on or after the first of ``month`` (the month
    she is planning; by default ``today``'s), never one before it. A 29.2. is the next
    one that exists."""
    raw = text.strip().lower()
    today = today or date.today()
    words = {"heute": 0, "today": 0, "morgen": 1, "tomorrow": 1, "gestern": -1}
    if raw in words:
        return today + timedelta(days=words[raw])
    try:
        if m := _DATE_ISO.match(raw):
            _in_years(text, int(m[1]))
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_DE.match(raw):
            if m[3] is None:
                return _next_date(text, int(m[2]), int(m[1]), (month or today).replace(day=1))
            year = int(m[3])
            if len(m[3]) == 2:
                year += 2000
            _in_years(text, year)
            return date(year, int(m[2]), int(m[1]))
    except BadInput:
        raise
    except ValueError as error:
        raise BadInput(tr("„{text}“ ist kein gültiges Datum.", text=text)) from error
    raise BadInput(tr("„{text}“ ist kein Datum (erwartet z. B. 04.03.2025 oder 2025-03-04).",
                      text=text))


def _next_date(text: str, month: int, day: int, first: date) -> date:
    date(2000, month, day)  # a ValueError for a day no year has (31.4.)
    for year in range(first.year, first.year + 9):  # a 29.2. comes within 8 years
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= first:
            _in_years(text, year)
            return found
    raise BadInput(tr("„{text}“ ist kein gültiges Datum.", text=text))


def parse_time(text: str) -> time:
    """``9:30``, ``09:30``, ``930``, ``9`` or ``9 Uhr``."""
    raw = text.strip()
    m = _TIME.match(raw)
    if m and m[2] is None and len(m[1]) <= 2 and len(raw) in (3, 4) and raw.isdigit():
        m = None  # "930" is handled below
    if raw.isdigit() and len(raw) in (3, 4):
        hour, minute = int(raw[:-2]), int(raw[-2:])
    elif m:
        hour, minute = int(m[1]), int(m[2] or 0)
    else:
        raise BadInput(tr("„{text}“ ist keine Uhrzeit (erwartet z. B. 9:30).", text=text))
    if hour == 24 and minute == 0:
        raise BadInput(tr("24:00 bitte als 00:00 des nächsten Tages angeben."))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise BadInput(tr("„{text}“ ist keine gültige Uhrzeit.", text=text))
    return time(hour, minute)


def parse_when(text: str, *, today: date | None = None) -> date | datetime:
    """A date, or a date with a time (naive wall time): ``2025-03-04 09:30``,
    ``4.3.2025 9:30``, ``2025-03-04T09:30``."""
    raw = text.strip()
    for sep in ("T", " "):
        if sep in raw:
            day_text, time_text = raw.split(sep, 1)
            return datetime.combine(parse_date(day_text, today=today), parse_time(time_text))
    return parse_date(raw, today=today)


def parse_month(text: str) -> tuple[int, int]:
    """``2025-03`` or ``03.2025`` / ``3.2025``."""
    raw = text.strip()
    if m := re.match(r"^(\d{4})-(\d{1,2})$", raw):
        year, month = int(m[1]), int(m[2])
    elif m := re.match(r"^(\d{1,2})\.(\d{4})$", raw):
        year, month = int(m[2]), int(m[1])
    else:
        raise BadInput(tr("„{text}“ ist kein Monat (erwartet z. B. 2025-03).", text=text))
    if not 1 <= month <= 12:
        raise BadInput(tr("„{text}“ ist kein gültiger Monat.", text=text))
    _in_years(text, year)
    return year, month


def month_range(year: int, month: int) -> tuple[date, date]:
    """First day of the month and first day of the next one."""
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, nxt


# -- German output --------------------------------------------------------------------

# (CLDR's words, see ``labels``; the other language's through ``labels.weekday_abbr`` etc.)
WEEKDAYS_DE = NAMES["de"]["weekdays"]
MONTHS_DE = NAMES["de"]["months"]


def fmt_date(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def fmt_time(moment: datetime | time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def fmt_money(amount: Decimal | float) -> str:
    """``1.234,50 €`` (English: ``€1,234.50``): to the cent, half up (``planning.money``),
    in the language's own format (Babel's CLDR data)."""
    from babel.numbers import format_currency

    from ..i18n import lang
    from .money import cents, euros

    value = cents(euros(amount))
    if lang() == "en":
        return format_currency(value, "EUR", locale="en_GB")
    # (the pattern's plain space: tables and terminals align it like any other)
    return format_currency(value, "EUR", format="#,##0.00 ¤", locale="de_DE",
                           currency_digits=False)
