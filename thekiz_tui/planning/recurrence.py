"""The recurrences the event form offers, as RRULEs, and back.

Every choice repeats every ``interval`` days, weeks, months or years from the start:

- ``daily``: ``FREQ=DAILY;INTERVAL=2``;
- ``weekly``: the weekday of the start, ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE``;
- ``monthly``: the nth weekday of the start's month, ``FREQ=MONTHLY;INTERVAL=3;BYDAY=3TH``
  (the quarterly Arbeitskreis);
- ``monthly-last``: the last such weekday, ``FREQ=MONTHLY;BYDAY=-1WE``;
- ``monthly-day``: the start's day of the month, ``FREQ=MONTHLY;BYMONTHDAY=15``;
- ``yearly``: the start's date, ``FREQ=YEARLY``;
- ``custom``: an RRULE as typed (upper case, without ``RRULE:``).

``INTERVAL=1`` is left out. A series ends on a date or after a number of dates: an end date
becomes ``UNTIL`` as the store keeps it, local wall time without ``Z``
(``UNTIL=20261231T235959`` for timed events, ``UNTIL=20261231`` for all-day ones), so the
last day counts whole; a number becomes ``COUNT``. ``read_rrule`` is the inverse of
``build_rrule``: a stored rule that the choices would not write back unchanged reads as
``custom``, so opening and saving an event never changes its rule behind the coach's back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrule, rrulestr

from .occurrences import MAX_COUNT, rule_refusal

REPEATS: tuple[str, ...] = (
    "none", "daily", "weekly", "monthly", "monthly-last", "monthly-day", "yearly", "custom",
)
INTERVAL_CHOICES = frozenset({"daily", "weekly", "monthly", "monthly-last", "monthly-day",
                              "yearly"})
"""The choices that repeat every n units (the form shows "alle n …" for them)."""
DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
# The choices as the form's select shows them.
REPEAT_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "none": "keine",
        "daily": "täglich",
        "weekly": "wöchentlich",
        "monthly": "monatlich (n. Wochentag)",
        "monthly-last": "monatlich (letzter Wochentag)",
        "monthly-day": "monatlich (Tag im Monat)",
        "yearly": "jährlich",
        "custom": "eigene Regel (RRULE)",
    },
    "en": {
        "none": "none",
        "daily": "daily",
        "weekly": "weekly",
        "monthly": "monthly (nth weekday)",
        "monthly-last": "monthly (last weekday)",
        "monthly-day": "monthly (day of month)",
        "yearly": "yearly",
        "custom": "custom rule (RRULE)",
    },
}
# The unit after "alle n" in the form, singular and plural.
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "de": {"daily": ("Tag", "Tage"), "weekly": ("Woche", "Wochen"),
           "monthly": ("Monat", "Monate"), "monthly-last": ("Monat", "Monate"),
           "monthly-day": ("Monat", "Monate"), "yearly": ("Jahr", "Jahre")},
    "en": {"daily": ("day", "days"), "weekly": ("week", "weeks"),
           "monthly": ("month", "months"), "monthly-last": ("month", "months"),
           "monthly-day": ("month", "months"), "yearly": ("year", "years")},
}
_FREQ = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
         "monthly-last": "MONTHLY", "monthly-day": "MONTHLY", "yearly": "YEARLY"}
_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "none": "keine Wiederholung",
        "daily": "täglich",
        "daily-n": "alle {n} Tage",
        "weekly": "jeden {weekday}",
        "weekly-n": "alle {n} Wochen am {weekday}",
        "monthly": "jeden {nth} {weekday} im Monat",
        "monthly-n": "alle {n} Monate am {nth} {weekday}",
        "monthly-last": "jeden letzten {weekday} im Monat",
        "monthly-last-n": "alle {n} Monate am letzten {weekday}",
        "monthly-day": "monatlich am {day}.",
        "monthly-day-n": "alle {n} Monate am {day}.",
        "yearly": "jährlich am {day}. {month}",
        "yearly-n": "alle {n} Jahre am {day}. {month}",
        "custom": "eigene Regel",
        "until": ", bis {day}",
        "count": ", {n} Termine",
        "count-1": ", 1 Termin",
        "next": "; nächste: {days}",
        "invalid": "ungültige Regel",
    },
    "en": {
        "none": "does not repeat",
        "daily": "daily",
        "daily-n": "every {n} days",
        "weekly": "every {weekday}",
        "weekly-n": "every {n} weeks on {weekday}",
        "monthly": "every {nth} {weekday} of the month",
        "monthly-n": "every {n} months on the {nth} {weekday}",
        "monthly-last": "every last {weekday} of the month",
        "monthly-last-n": "every {n} months on the last {weekday}",
        "monthly-day": "monthly on day {day}",
        "monthly-day-n": "every {n} months on day {day}",
        "yearly": "yearly on {month} {day}",
        "yearly-n": "every {n} years on {month} {day}",
        "custom": "custom rule",
        "until": ", until {day}",
        "count": ", {n} events",
        "count-1": ", 1 event",
        "next": "; next: {days}",
        "invalid": "invalid rule",
    },
}


@dataclass(frozen=True, slots=True)
class Repeat:
    """One of the form's choices. ``interval`` counts for the choices that repeat every
    n units, ``until`` or ``count`` end every choice but ``custom`` (whose rule carries its
    own end), ``rule`` is for ``custom``."""

    choice: str = "none"
    interval: int = 1
    until: date | None = None
    rule: str = ""
    count: int | None = None


def nth_weekday(day: date) -> int:
    """1 for the first Wednesday of a month, ..., 5 for the fifth."""
    return (day.day - 1) // 7 + 1


def is_last_weekday(day: date) -> bool:
    """Whether no later day of the month falls on the same weekday."""
    return (day + timedelta(days=7)).month != day.month


def normal_rule(text: str | None) -> str | None:
    """A typed rule as stored: stripped, without ``RRULE:``, upper case; None if empty."""
    if text is None:
        return None
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:].strip()
    return text.upper() or None


def _until_part(until: date, all_day: bool) -> str:
    return f"UNTIL={until:%Y%m%d}" if all_day else f"UNTIL={until:%Y%m%d}T235959"


_COUNT = re.compile(r"^(\d{1,5})\s*(?:x|×|mal|termine?|times|events?)?$", re.IGNORECASE)


def read_count(text: str) -> int | None:
    """The number of dates a typed series end means ("10", "10x", "10 Termine"), or None
    when it is no number (a date, then)."""
    found = _COUNT.match(text.strip())
    return int(found[1]) if found else None


def build_rrule(repeat: Repeat, start: date, *, all_day: bool) -> str | None:
    """The RRULE of a choice for a series starting on ``start``. Raises ValueError for an
    unknown choice, an interval below 1 or a count outside 1..MAX_COUNT (the form
    validates its input before)."""
    code = DAY_CODES[start.weekday()]
    choice = repeat.choice
    if choice == "none":
        return None
    if choice == "custom":
        return normal_rule(repeat.rule)
    if choice not in _FREQ:
        raise ValueError(f"unknown repeat choice {choice!r}")
    if repeat.interval < 1:
        raise ValueError(f"interval {repeat.interval} < 1")
    parts = [f"FREQ={_FREQ[choice]}"]
    if repeat.interval > 1:
        parts.append(f"INTERVAL={repeat.interval}")
    if choice == "weekly":
        parts.append(f"BYDAY={code}")
    elif choice == "monthly":
        parts.append(f"BYDAY={nth_weekday(start)}{code}")
    elif choice == "monthly-last":
        parts.append(f"BYDAY=-1{code}")
    elif choice == "monthly-day":
        parts.append(f"BYMONTHDAY={start.day}")
    if repeat.count is not None:
        if not 1 <= repeat.count <= MAX_COUNT:
            raise ValueError(f"count {repeat.count} outside 1..{MAX_COUNT}")
        parts.append(f"COUNT={repeat.count}")
    elif repeat.until is not None:
        parts.append(_until_part(repeat.until, all_day))
    return ";".join(parts)


def _parts(rule: str) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        if not sep or key in out:
            return None
        out[key] = value
    return out


def _until_of(value: str) -> date | None:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


def read_rrule(rule: str | None, start: date, *, all_day: bool) -> Repeat:
    """The choice that writes ``rule`` for a series starting on ``start``; ``custom``
    (with the rule as stored) when no choice writes exactly this rule."""
    text = normal_rule(rule)
    if text is None:
        return Repeat()
    custom = Repeat("custom", rule=text)
    parts = _parts(text)
    if parts is None:
        return custom
    until = _until_of(parts["UNTIL"]) if "UNTIL" in parts else None
    count_text = parts.get("COUNT", "")
    count = int(count_text) if count_text.isdigit() else None
    interval_text = parts.get("INTERVAL", "1")
    interval = int(interval_text) if interval_text.isdigit() else 0
    freq = parts.get("FREQ")
    choices = [c for c, f in _FREQ.items() if f == freq]
    for choice in choices:
        repeat = Repeat(choice, max(1, interval), until, count=count)
        try:
            if build_rrule(repeat, start, all_day=all_day) == text:
                return repeat
        except ValueError:
            pass
    return custom


def weekday_name(day: date, lang: str = "de") -> str:
    return WEEKDAY_NAMES.get(lang, WEEKDAY_NAMES["de"])[day.weekday()]


def first_dates(rule: str, start: date, count: int = 3) -> list[date]:
    """The first ``count`` days of a series (for a preview); raises ValueError (or
    TypeError) for a rule dateutil cannot read."""
    dtstart = datetime.combine(start, time(0))
    if rule_refusal(rule, dtstart) is not None:
        raise ValueError("refused rule")  # a preview must not walk it (occurrences.py)
    parsed = rrulestr(rule, dtstart=dtstart, forceset=False)
    if not isinstance(parsed, rrule):
        raise ValueError("not a single RRULE")
    out: list[date] = []
    for moment in parsed:
        out.append(moment.date())
        if len(out) >= count:
            break
    return out


def _ordinal(n: int, lang: str) -> str:
    if lang != "en":
        return f"{n}."
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n, 'th')}"


def _fmt(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def describe(rule: str | None, start: date, *, all_day: bool = False, lang: str = "de") -> str:
    """A line for people: ``alle 3 Monate am 3. Donnerstag, bis 31.12.2027``; a custom
    rule shows its next dates instead (``eigene Regel; nächste: 04.03.2026, ...``)."""
    texts = _TEXTS.get(lang, _TEXTS["de"])
    repeat = read_rrule(rule, start, all_day=all_day)
    if repeat.choice == "none":
        return texts["none"]
    if repeat.choice == "custom":
        try:
            days = first_dates(repeat.rule, start, 3)
        except (ValueError, TypeError):
            return texts["invalid"]
        line = texts["custom"]
        parts = _parts(repeat.rule) or {}
        if "COUNT" in parts and parts["COUNT"].isdigit():
            line += _count_text(int(parts["COUNT"]), texts)
        elif "UNTIL" in parts and (until := _until_of(parts["UNTIL"])) is not None:
            line += texts["until"].format(day=_fmt(until))
        return line + texts["next"].format(days=", ".join(_fmt(d) for d in days))
    key = repeat.choice if repeat.interval == 1 else f"{repeat.choice}-n"
    line = texts[key].format(
        weekday=weekday_name(start, lang), n=repeat.interval,
        nth=_ordinal(nth_weekday(start), lang), day=start.day,
        month=MONTH_NAMES.get(lang, MONTH_NAMES["de"])[start.month - 1],
    )
    if repeat.count is not None:
        line += _count_text(repeat.count, texts)
    elif repeat.until is not None:
        line += texts["until"].format(day=_fmt(repeat.until))
    return line


def _count_text(count: int, texts: dict[str, str]) -> str:
    return texts["count-1"] if count == 1 else texts["count"].format(n=count)
