"""The recurrences the event form offers, as RRULEs, and back.

The form offers five choices; anything else is a custom rule, kept as typed:

- ``weekly``: ``FREQ=WEEKLY;BYDAY=WE`` (the weekday of the start);
- ``weeks``: every n weeks, ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE``;
- ``monthly``: the nth weekday of the start's month, ``FREQ=MONTHLY;BYDAY=3WE``;
- ``monthly-last``: the last such weekday, ``FREQ=MONTHLY;BYDAY=-1WE``;
- ``custom``: an RRULE as typed (upper case, without ``RRULE:``).

An end date becomes ``UNTIL`` as the store keeps it: local wall time without ``Z``
(``UNTIL=20261231T235959`` for timed events, ``UNTIL=20261231`` for all-day ones), so the
last day counts whole. ``read_rrule`` is the inverse of ``build_rrule``: a stored rule that
the choices would not write back unchanged reads as ``custom``, so opening and saving an
event never changes its rule behind the coach's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrule, rrulestr

from .occurrences import rule_refusal

REPEATS: tuple[str, ...] = ("none", "weekly", "weeks", "monthly", "monthly-last", "custom")
DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# The choices as the form's select shows them.
REPEAT_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "none": "keine",
        "weekly": "wöchentlich",
        "weeks": "alle n Wochen",
        "monthly": "monatlich (n. Wochentag)",
        "monthly-last": "monatlich (letzter Wochentag)",
        "custom": "eigene Regel (RRULE)",
    },
    "en": {
        "none": "none",
        "weekly": "weekly",
        "weeks": "every n weeks",
        "monthly": "monthly (nth weekday)",
        "monthly-last": "monthly (last weekday)",
        "custom": "custom rule (RRULE)",
    },
}
_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "none": "keine Wiederholung",
        "weekly": "jeden {weekday}",
        "weeks": "alle {n} Wochen am {weekday}",
        "monthly": "jeden {nth} {weekday} im Monat",
        "monthly-last": "jeden letzten {weekday} im Monat",
        "custom": "eigene Regel",
        "until": ", bis {day}",
        "count": ", {n} Termine",
        "next": "; nächste: {days}",
        "invalid": "ungültige Regel",
    },
    "en": {
        "none": "does not repeat",
        "weekly": "every {weekday}",
        "weeks": "every {n} weeks on {weekday}",
        "monthly": "every {nth} {weekday} of the month",
        "monthly-last": "every last {weekday} of the month",
        "custom": "custom rule",
        "until": ", until {day}",
        "count": ", {n} events",
        "next": "; next: {days}",
        "invalid": "invalid rule",
    },
}


@dataclass(frozen=True, slots=True)
class Repeat:
    """One of the form's choices. ``interval`` counts for ``weeks`` only, ``until`` for
    every choice but ``custom`` (whose rule carries its own end), ``rule`` for ``custom``."""

    choice: str = "none"
    interval: int = 1
    until: date | None = None
    rule: str = ""


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


def build_rrule(repeat: Repeat, start: date, *, all_day: bool) -> str | None:
    """The RRULE of a choice for a series starting on ``start``. Raises ValueError for an
    unknown choice or an interval below 1 (the form validates its input before)."""
    code = DAY_CODES[start.weekday()]
    choice = repeat.choice
    if choice == "none":
        return None
    if choice == "custom":
        return normal_rule(repeat.rule)
    if choice == "weekly" or (choice == "weeks" and repeat.interval == 1):
        parts = ["FREQ=WEEKLY", f"BYDAY={code}"]
    elif choice == "weeks":
        if repeat.interval < 1:
            raise ValueError(f"interval {repeat.interval} < 1")
        parts = ["FREQ=WEEKLY", f"INTERVAL={repeat.interval}", f"BYDAY={code}"]
    elif choice == "monthly":
        parts = ["FREQ=MONTHLY", f"BYDAY={nth_weekday(start)}{code}"]
    elif choice == "monthly-last":
        parts = ["FREQ=MONTHLY", f"BYDAY=-1{code}"]
    else:
        raise ValueError(f"unknown repeat choice {choice!r}")
    if repeat.until is not None:
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
    interval_text = parts.get("INTERVAL", "1")
    interval = int(interval_text) if interval_text.isdigit() else 0
    candidates: list[Repeat] = []
    if parts.get("FREQ") == "WEEKLY":
        candidates.append(Repeat("weekly" if interval == 1 else "weeks", max(1, interval), until))
    elif parts.get("FREQ") == "MONTHLY":
        byday = parts.get("BYDAY", "")
        candidates.append(
            Repeat("monthly-last" if byday.startswith("-1") else "monthly", 1, until)
        )
    for repeat in candidates:
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
    """A line for people: ``jeden 3. Mittwoch im Monat, bis 31.12.2026``; a custom rule
    shows its next dates instead (``eigene Regel; nächste: 04.03.2026, ...``)."""
    texts = _TEXTS.get(lang, _TEXTS["de"])
    repeat = read_rrule(rule, start, all_day=all_day)
    weekday = weekday_name(start, lang)
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
            line += texts["count"].format(n=parts["COUNT"])
        elif "UNTIL" in parts and (until := _until_of(parts["UNTIL"])) is not None:
            line += texts["until"].format(day=_fmt(until))
        return line + texts["next"].format(days=", ".join(_fmt(d) for d in days))
    line = texts[repeat.choice].format(
        weekday=weekday, n=repeat.interval, nth=_ordinal(nth_weekday(start), lang)
    )
    if repeat.until is not None:
        line += texts["until"].format(day=_fmt(repeat.until))
    return line
