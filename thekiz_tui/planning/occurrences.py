"""Expand events into occurrences: one per event, or one per recurrence in a window.

Recurring events keep their wall-clock time across DST (RFC 5545): the rule runs in the
event's zone, and each occurrence is turned into UTC instants on its own.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from store import Event
from store.text import neutral

from ..i18n import tr
from .timeutil import BadInput, day_start, epoch, localize, to_stored, zone

if TYPE_CHECKING:  # dateutil is imported by the first expansion of a series
    from dateutil.rrule import rrule

OVERRIDABLE = (
    "start", "end", "title", "location", "notes", "status", "free", "coaches", "kita",
    "participants", "kind", "subtype",
)


@dataclass(slots=True, frozen=True)
class Occurrence:
    """One concrete time of an event. ``event`` carries this occurrence's own values
    (per-occurrence changes applied, ``start``/``end`` of this occurrence)."""

    event: Event
    start_ts: int
    end_ts: int
    recurrence_id: str | None = None

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def key(self) -> str:
        """Unique per occurrence: the event id, plus the recurrence id for a series."""
        return self.event.id if self.recurrence_id is None else (
            f"{self.event.id}/{self.recurrence_id}"
        )

    @property
    def blocks(self) -> bool:
        """Whether it makes a coach or a Kita busy."""
        return not self.event.free and self.event.status != "abgesagt"


def span(event: Event) -> tuple[int, int]:
    """UTC instants of a (non-expanded) event, cached on the record."""
    cached = event.span
    if cached is None:
        if event.all_day:
            cached = _day_stamp(event.start, event.tz), _day_stamp(event.end, event.tz)
        else:
            cached = _stamp(event.start), _stamp(event.end)
        event.span = cached
    return cached


# ``stored_span`` in parts, for the stored form ``2025-03-04T09:30:00+01:00``: the
# instant is the day's (by the date text) plus the time's with its offset (by the rest),
# and both parts repeat across many events. The parts are learnt from texts that
# ``datetime.fromisoformat`` read; everything else takes that way.
_DAY_SECONDS: dict[str, int] = {}
_TIME_SECONDS: dict[str, int] = {}
_DAY_STARTS: dict[tuple[str, str], int] = {}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _stamp(text: str) -> int:
    """``int(datetime.fromisoformat(text).timestamp())``."""
    if len(text) == 25:
        day = _DAY_SECONDS.get(text[:10])
        if day is not None:
            time_part = _TIME_SECONDS.get(text[10:])
            if time_part is not None:
                return day + time_part
    moment = datetime.fromisoformat(text)
    out = int(moment.timestamp())
    if (
        len(text) == 25 and text[4] == "-" and text[7] == "-" and text[10] == "T"
        and text[19] in "+-" and moment.tzinfo is not None and len(_TIME_SECONDS) < 10_000
    ):
        day = (date.fromisoformat(text[:10]).toordinal() - _EPOCH_ORDINAL) * 86400
        if len(_DAY_SECONDS) > 100_000:
            _DAY_SECONDS.clear()
        _DAY_SECONDS[text[:10]] = day
        _TIME_SECONDS[text[10:]] = out - day
    return out


def _day_stamp(text: str, tz: str) -> int:
    """The instant a stored day (``2025-03-04``, or the date of a stored time) begins."""
    key = (text[:10], tz)
    out = _DAY_STARTS.get(key)
    if out is None:
        out = epoch(day_start(date.fromisoformat(key[0]), tz))
        if len(_DAY_STARTS) > 100_000:
            _DAY_STARTS.clear()
        _DAY_STARTS[key] = out
    return out


# Recurrence is planned in days: a rule that repeats within a day (FREQ=HOURLY and
# finer, or several BYHOUR/BYMINUTE/BYSECOND values) makes a series of millions of times
# a year, which no coach means and every conflict check would have to walk.
RULE_TOO_OFTEN = ("Die Wiederholungsregel „{rule}“ wiederholt öfter als einmal am Tag; "
                  "möglich ist höchstens täglich (FREQ=DAILY).")
RULE_NEVER = "Die Wiederholungsregel „{rule}“ ergibt keinen einzigen Termin."
# COUNT beyond this is refused: a series of more dates than ten years of days is no plan,
# and dateutil walks every one of them on each expansion.
MAX_COUNT = 3660
RULE_COUNT = ("Die Wiederholungsregel „{rule}“ hat zu viele Termine (COUNT); "
              f"möglich sind höchstens {MAX_COUNT}.")
_SUB_DAILY = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_WITHIN_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")
# At most this many occurrences of one series in one expansion: more than ten years of
# a daily series (an expansion without bounds covers ten years).
MAX_PER_SERIES = 4000
# Whether a rule ever yields is asked near the end of dateutil's calendar, where its
# search for a first match cannot run longer than up to the year 9999. The calendar
# (weekdays, leap years, week numbers) repeats every 400 years, so the answer is the same.
_CYCLE_YEARS = 400
_PROBE_BEFORE_END = 200  # the probe starts at least this many years before 9999


def _parts(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.upper().split(";"):
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


def _never_yields(parsed: rrule, dtstart: datetime) -> bool:
    """Whether the rule has no occurrence at all, found with bounded work."""
    years = max(0, (datetime.max.year - _PROBE_BEFORE_END - dtstart.year)
                // _CYCLE_YEARS * _CYCLE_YEARS)
    until: datetime | None = getattr(parsed, "_until", None)  # dateutil's only copy
    if until is not None and until.year + years > datetime.max.year:
        until = None  # after the end of the calendar: no bound within it
    elif until is not None:
        until = until.replace(year=until.year + years)
    start = dtstart.replace(year=dtstart.year + years)
    return parsed.replace(dtstart=start, until=until).after(start, inc=True) is None


@lru_cache(maxsize=4096)
def rule_refusal(text: str, dtstart: datetime) -> str | None:
    """Why a rule may not be stored or expanded (a German template with ``{rule}``):
    more often than daily, or never any occurrence. None: it may. Unreadable rules are
    :func:`validate_rrule`'s to report. Cached: the never-test walks up to 600 years."""
    parts = _parts(text.removeprefix("RRULE:"))
    if parts.get("FREQ") in _SUB_DAILY or any(
        "," in parts.get(name, "") for name in _WITHIN_DAY
    ):
        return RULE_TOO_OFTEN
    count = parts.get("COUNT", "")
    if count.isdigit() and int(count) > MAX_COUNT:
        return RULE_COUNT
    try:
        parsed = _parse(text.removeprefix("RRULE:"), dtstart)
    except BadInput:
        return None
    try:
        never = _never_yields(parsed, dtstart)
    except (ValueError, OverflowError):  # dateutil gives up on some combinations
        never = True
    return RULE_NEVER if never else None


class RuleError(ValueError):
    """Why a rule cannot be read, as a German sentence (the cause of the BadInput)."""


_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_WEEKDAY = re.compile(r"(?:MO|TU|WE|TH|FR|SA|SU)")
_BYDAY = re.compile(r"[+-]?(?:[1-9]|[1-4][0-9]|5[0-3])?(?:MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"\d{8}(?:T\d{6}Z?)?")
# The numeric parts: (lowest, highest, whether negative values count from the end).
_RANGES: dict[str, tuple[int, int, bool]] = {
    "BYMONTH": (1, 12, False), "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True), "BYSETPOS": (1, 366, True), "BYHOUR": (0, 23, False),
    "BYMINUTE": (0, 59, False), "BYSECOND": (0, 60, False), "BYEASTER": (-366, 366, False),
}


def rule_reason(text: str, *, strict: bool = True) -> str | None:
    """Why dateutil would not read the rule ``text``, as a sentence (German, or the
    language chosen), found
    before dateutil is asked (its reasons are English); None: nothing found. ``strict``:
    also UNTIL with COUNT, which RFC 5545 forbids but dateutil reads (both bound the
    series); typed rules are strict, rules from files and the store are not."""
    if not text.strip():
        return tr("Die Regel ist leer.")
    seen: dict[str, str] = {}
    for part in text.upper().split(";"):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            return tr("„{part}“ hat keinen Wert (Form NAME=WERT).", part=neutral(part))
        if name in seen:
            return tr("{name} kommt zweimal vor.", name=neutral(name))
        seen[name] = value
        reason = _part_reason(name, value)
        if reason is not None:
            return reason
    if "FREQ" not in seen:
        return tr("FREQ (wie oft: DAILY, WEEKLY, MONTHLY oder YEARLY) fehlt.")
    if strict and "UNTIL" in seen and "COUNT" in seen:
        return tr("UNTIL und COUNT zugleich sind nicht erlaubt: nur eins von beiden "
                  "(RFC 5545).")
    return None


def _part_reason(name: str, value: str) -> str | None:
    shown = neutral(value[:40])
    if name == "FREQ":
        return None if value in _FREQS else (
            tr("„{value}“ ist für FREQ kein Wert (möglich: DAILY, WEEKLY, MONTHLY, YEARLY).",
               value=shown))
    if name in ("COUNT", "INTERVAL"):
        return None if value.isdigit() and int(value) >= 1 else (
            tr("„{value}“ ist für {name} keine ganze Zahl ab 1.", value=shown, name=name))
    if name == "UNTIL":
        return None if _UNTIL.fullmatch(value) else (
            tr("„{value}“ ist für UNTIL kein Datum (JJJJMMTT oder JJJJMMTTThhmmss).",
               value=shown))
    if name == "WKST":
        return None if _WEEKDAY.fullmatch(value) else (
            tr("„{value}“ ist für WKST kein Wochentag (MO, TU, WE, TH, FR, SA, SU).",
               value=shown))
    if name == "BYDAY":
        for item in value.split(","):
            if _BYDAY.fullmatch(item.strip()) is None:
                return tr("„{value}“ ist für BYDAY kein Wochentag (etwa MO, TU, -1FR oder "
                          "2WE).", value=neutral(item[:20]))
        return None
    limits = _RANGES.get(name)
    if limits is None:
        return tr("„{name}“ ist kein Teil einer Wiederholungsregel.", name=neutral(name[:30]))
    low, high, from_end = limits
    for item in value.split(","):
        item = item.strip()
        number = int(item) if re.fullmatch(r"[+-]?\d{1,4}", item) else None
        if number is None or not (
            low <= number <= high or (from_end and -high <= number <= -low)
        ):
            span = tr("{low} bis {high}", low=low, high=high) + (
                tr(" oder -{high} bis -{low}", low=low, high=high) if from_end else "")
            return tr("„{value}“ ist für {name} kein Wert (möglich: {span}).",
                      value=neutral(item[:20]), name=name, span=span)
    return None


def _unreadable(text: str, reason: str) -> NoReturn:
    """Refuse ``text`` in German; the cause carries the reason alone (for the form)."""
    raise BadInput(tr("Ungültige Wiederholungsregel „{rule}“: {error}", rule=neutral(text),
                      error=reason)) from RuleError(reason)


@lru_cache(maxsize=4096)
def _parse(text: str, dtstart: datetime) -> rrule:
    from dateutil.rrule import rrule, rrulestr

    reason = rule_reason(text, strict=False)
    if reason is not None:
        _unreadable(text, reason)
    parts = _parts(text)
    try:
        if "UNTIL" in parts and "COUNT" in parts:
            parsed = _until_and_count(text, parts["UNTIL"], dtstart)
        else:
            parsed = rrulestr(text, dtstart=dtstart, forceset=False, ignoretz=False)
    except (ValueError, TypeError, KeyError, OverflowError):
        # (dateutil's reason is English; what it found that rule_reason did not is rare)
        _unreadable(text, tr("thekiz kann die Regel nicht lesen."))
    if not isinstance(parsed, rrule):
        raise BadInput(tr("Ungültige Wiederholungsregel „{rule}“.", rule=neutral(text)))
    return parsed


def _until_and_count(text: str, until_text: str, dtstart: datetime) -> Any:
    """A rule with UNTIL and COUNT (from a file) as the rule with the COUNT of its dates
    up to UNTIL: it ends at whichever comes first. (dateutil reads both with a warning
    that it will refuse them.)"""
    from dateutil.rrule import rrule, rrulestr

    counted = rrulestr(";".join(p for p in text.split(";")
                                if p.strip().upper().partition("=")[0] != "UNTIL"),
                       dtstart=dtstart, forceset=False, ignoretz=False)
    if not isinstance(counted, rrule):
        raise ValueError(text)
    clean = until_text.rstrip("Z")
    until = datetime.strptime(clean, "%Y%m%dT%H%M%S" if "T" in clean else "%Y%m%d")
    if "T" not in clean:
        until = until.replace(hour=23, minute=59, second=59)
    return counted.replace(count=sum(1 for wall in counted if wall <= until))


def _rule(text: str, dtstart: datetime) -> rrule:
    """The parsed rule; BadInput (German) for one that is unreadable or refused."""
    refusal = rule_refusal(text, dtstart)
    if refusal is not None:
        raise BadInput(refusal.format(rule=neutral(text)))
    return _parse(text, dtstart)


def validate_rrule(text: str, start: datetime, *, strict: bool = True) -> None:
    """Raise BadInput with a German message if ``text`` is not a usable RRULE
    (``strict``: see :func:`rule_reason`)."""
    text = text.removeprefix("RRULE:")
    if strict and (reason := rule_reason(text)) is not None:
        _unreadable(text, reason)
    _rule(text, start)


def _series_start(event: Event) -> datetime:
    return _wall_start(event.start, event.tz, event.all_day)


@lru_cache(maxsize=8192)
def _wall_start(start: str, tz: str, all_day: bool) -> datetime:
    """(Cached: ``list`` expands each series once a month of its window.)"""
    if all_day:
        return datetime.combine(date.fromisoformat(start[:10]), datetime.min.time())
    # The rule runs on naive wall time; each result is localised on its own, so that a
    # weekly 09:30 stays 09:30 after the DST change.
    return datetime.fromisoformat(start).astimezone(zone(tz)).replace(tzinfo=None)


def _instant(wall: datetime, event: Event) -> int:
    if event.all_day:
        return epoch(day_start(wall.date(), event.tz))
    return epoch(localize(wall, event.tz))


def recurrence_id(wall: datetime, event: Event) -> str:
    """The stored text of an occurrence's original start (its RECURRENCE-ID)."""
    if event.all_day:
        return wall.date().isoformat()
    return to_stored(localize(wall, event.tz))


def _exclusions(event: Event) -> tuple[set[int], set[date]]:
    """The instants EXDATE removes, and for a timed series the days a date EXDATE
    (``VALUE=DATE``) removes whole: its occurrence that day, at whatever time."""
    instants: set[int] = set()
    days: set[date] = set()
    for text in event.exdates:
        if event.all_day or len(text) == 10:
            day = date.fromisoformat(text[:10])
            instants.add(epoch(day_start(day, event.tz)))
            if not event.all_day:
                days.add(day)
        else:
            instants.add(int(datetime.fromisoformat(text).timestamp()))
    return instants, days


def _rdate_wall(text: str, event: Event, dtstart: datetime) -> datetime:
    """The wall time of a stored RDATE; a bare date (also in a timed series, as
    recurring-ical-events reads it) is its midnight."""
    if event.all_day or len(text) == 10:
        return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
    return datetime.fromisoformat(text).astimezone(zone(event.tz)).replace(tzinfo=None)


def _apply_override(event: Event, rid: str, changes: dict[str, Any]) -> Event:
    values = {k: v for k, v in changes.items() if k in OVERRIDABLE}
    return replace(event, rrule=None, exdates=[], overrides={}, rdates=[], extra_rules=[],
                   **values)


def expand(
    events: Iterable[Event], start_ts: int | None = None, end_ts: int | None = None
) -> list[Occurrence]:
    """Occurrences that overlap ``[start_ts, end_ts)`` (UTC seconds; None: unbounded).

    A recurring event without an end and without a window bound is expanded for ten
    years from its start, never forever.
    """
    out: list[Occurrence] = []
    for event in events:
        if not event.rrule and not event.rdates:
            s, e = span(event)
            if overlaps(s, e, start_ts, end_ts):
                out.append(Occurrence(event, s, e))
            continue
        out.extend(_expand_series(event, start_ts, end_ts))
    return out


def overlaps(s: int, e: int, start_ts: int | None, end_ts: int | None) -> bool:
    """Half-open overlap with the window; an instant event counts where it starts."""
    if end_ts is not None and s >= end_ts:
        return False
    return start_ts is None or e > start_ts or (s == e and s >= start_ts)


# How many steps of each frequency one 400-year cycle of the calendar has.
_CYCLE_STEPS = {"YEARLY": 400, "MONTHLY": 4800, "WEEKLY": 20871, "DAILY": 146097}
# Parts with which a daily or weekly rule repeats after a few weeks (no month, year day,
# week number or position: those follow the calendar's 400-year cycle).
_WEEK_PARTS = frozenset({"FREQ", "INTERVAL", "UNTIL", "WKST", "BYDAY", "BYHOUR", "BYMINUTE",
                         "BYSECOND"})


def _rebased(rule: rrule, text: str, dtstart: datetime, lo: datetime) -> rrule:
    """The same rule started whole periods later, close before ``lo``: dateutil walks
    every step from the start, and a daily series stored as starting in 1900 would cost
    every expansion 46,000 steps (in the year 1, 740,000). From the new start on its
    dates are the same. A rule with COUNT is left as is (its count starts at the first
    date; MAX_COUNT bounds its walk), and so is BYEASTER (Easter does not repeat so)."""
    parts = _parts(text)
    steps = _CYCLE_STEPS.get(parts.get("FREQ", ""))
    interval = parts.get("INTERVAL", "1")
    if steps is None or "COUNT" in parts or "BYEASTER" in parts or not interval.isdigit():
        return rule
    step = int(interval) or 1
    byday = parts.get("BYDAY", "")
    if steps in (_CYCLE_STEPS["DAILY"], _CYCLE_STEPS["WEEKLY"]) and set(parts) <= _WEEK_PARTS \
            and not any(char.isdigit() for char in byday):
        days = 7 * step if parts["FREQ"] == "WEEKLY" else math.lcm(step, 7 if byday else 1)
        periods = (lo - dtstart).days // days
        if periods < 1:
            return rule
        return rule.replace(dtstart=dtstart + timedelta(days=periods * days))
    years = _CYCLE_YEARS * (step // math.gcd(steps, step))  # whole cycles and whole steps
    cycles = (lo.year - dtstart.year - 1) // years
    if cycles < 1:
        return rule
    return rule.replace(dtstart=dtstart.replace(year=dtstart.year + cycles * years))


_LOG = logging.getLogger("thekiz")
_warned: set[tuple[str, str]] = set()


def _refused_series(event: Event, text: str, refusal: str, start_ts: int | None,
                    end_ts: int | None) -> list[Occurrence]:
    """A stored series whose rule is refused (written before the rule was, or into the
    file by hand): shown once, at its start, where the coach can open and mend it, and
    said once per process instead of being expanded."""
    if (event.id, text) not in _warned:
        _warned.add((event.id, text))
        _LOG.warning("thekiz: Termin %s: %s Er wird nur einmal gezeigt, bis die Regel "
                     "geändert ist.", event.id, refusal.format(rule=neutral(text)))
    s, e = span(event)
    return [Occurrence(event, s, e)] if overlaps(s, e, start_ts, end_ts) else []


@dataclass(slots=True, frozen=True)
class _Walls:
    """The dates of one rule from ``lo`` to ``hi`` (naive wall times), all of them."""

    lo: datetime
    hi: datetime
    walls: list[datetime]


# The dates of recent rules, so that a window walked month by month (``list`` over forty
# years) does not walk each rule from its start again each month: dateutil can only
# start at the rule's start, and a yearly rule costs it ~70 µs a year.
_WALLS: dict[tuple[str, datetime], _Walls] = {}
_WALLS_KEPT = 200_000  # dates over all rules; beyond, the memory is cleared
_WALLS_PER_RULE = 4 * MAX_PER_SERIES
_walls_size = 0
_MONTH = timedelta(days=31)


def _rule_walls(text: str, dtstart: datetime, lo: datetime, hi: datetime) -> list[datetime]:
    """The dates of the rule from ``lo`` to ``hi`` (both included), at most
    MAX_PER_SERIES."""
    global _walls_size
    key = (text, dtstart)
    known = _WALLS.get(key)
    if known is None or not (known.lo <= lo and hi <= known.hi):
        begin, until = lo, hi
        if (known is not None and known.lo <= lo <= known.hi
                and len(known.walls) < _WALLS_PER_RULE // 2):
            # Walking on: keep twice the stretch known, so that the walks of a window
            # walked piece by piece add up to a few times the window (a stretch of
            # many dates starts anew at ``lo`` instead).
            begin = known.lo
            try:
                until = max(hi, known.hi + max(known.hi - known.lo, _MONTH))
            except OverflowError:
                until = hi
        rule = _rebased(_parse(text, dtstart), text, dtstart, begin)
        walls: list[datetime] = []
        for wall in rule.xafter(begin, count=_WALLS_PER_RULE, inc=True):
            if wall > until:
                break
            walls.append(wall)
        covered = walls[-1] if len(walls) == _WALLS_PER_RULE else until
        if known is not None:
            _walls_size -= len(known.walls)
        known = _Walls(begin, covered, walls)
        if _walls_size + len(walls) > _WALLS_KEPT:
            _WALLS.clear()
            _walls_size = 0
        _walls_size += len(walls)
        _WALLS[key] = known
    if hi > known.hi:  # more dates than kept: this window's own walk
        out: list[datetime] = []
        for wall in _rebased(_parse(text, dtstart), text, dtstart, lo).xafter(
            lo, count=MAX_PER_SERIES, inc=True
        ):
            if wall > hi:
                break
            out.append(wall)
        return out
    first = bisect.bisect_left(known.walls, lo)
    return known.walls[first : min(bisect.bisect_right(known.walls, hi),
                                   first + MAX_PER_SERIES)]


def _rules(event: Event) -> list[str]:
    return [t.removeprefix("RRULE:") for t in (event.rrule, *event.extra_rules) if t]


def _series_walls(event: Event, texts: list[str], dtstart: datetime, lo: datetime | None,
                  hi: datetime) -> list[datetime]:
    """The series' dates from ``lo`` to ``hi``: the union of DTSTART, its rules
    (``texts``) and its extra dates (RDATE), each once, in order. DTSTART counts also
    where the rule would not give it (RFC 5545 3.8.5.3: it is the first occurrence)."""
    walls: set[datetime] = set()
    rule_lo = dtstart if lo is None else max(lo, dtstart)
    for text in texts if rule_lo <= hi else ():
        walls.update(_rule_walls(text, dtstart, rule_lo, hi))
    if rule_lo <= dtstart <= hi:
        walls.add(dtstart)
    for text in event.rdates:
        wall = _rdate_wall(text, event, dtstart)
        if (lo is None or lo <= wall) and wall <= hi:
            walls.add(wall)
    ordered = sorted(walls)
    return ordered[:MAX_PER_SERIES] if len(ordered) > MAX_PER_SERIES else ordered


def _expand_series(event: Event, start_ts: int | None, end_ts: int | None) -> list[Occurrence]:
    first_s, first_e = span(event)
    duration = first_e - first_s
    dtstart = _series_start(event)
    texts = _rules(event)
    for text in texts:
        refusal = rule_refusal(text, dtstart)
        if refusal is not None:
            return _refused_series(event, text, refusal, start_ts, end_ts)
        _rule(text, dtstart)  # unreadable: BadInput
    # Naive wall-time bounds in the event's zone, with a day's slack on both sides;
    # the exact filtering on instants follows below.
    tz = zone(event.tz)
    lo = (
        None if start_ts is None
        else datetime.fromtimestamp(start_ts - duration, tz).replace(tzinfo=None)
        - timedelta(days=1)
    )
    hi = (
        datetime.fromtimestamp(end_ts, tz).replace(tzinfo=None) + timedelta(days=1)
        if end_ts is not None
        else dtstart + timedelta(days=3660)
    )
    excluded, excluded_days = _exclusions(event) if event.exdates else (set(), set())
    overrides = {}
    for rid, changes in event.overrides.items():
        rid_ts = (
            epoch(day_start(date.fromisoformat(rid[:10]), event.tz))
            if event.all_day or len(rid) == 10
            else int(datetime.fromisoformat(rid).timestamp())
        )
        overrides[rid_ts] = (rid, changes)
    out: list[Occurrence] = []
    # At most MAX_PER_SERIES, whatever the rule: the window's days bound a daily rule
    # already, this bounds the rest (and a rule changed on disk behind the checks).
    for wall in _series_walls(event, texts, dtstart, lo, hi):
        s = _instant(wall, event)
        if s in excluded or (excluded_days and wall.date() in excluded_days):
            continue
        if s in overrides:
            continue  # added below with its own times
        if event.all_day:
            e = _instant(wall + timedelta(days=max(1, round(duration / 86400))), event)
        else:
            e = s + duration
        if overlaps(s, e, start_ts, end_ts):
            rid = recurrence_id(wall, event)
            start_text, end_text = _occurrence_texts(event, wall, duration)
            occ_event = replace(
                event, start=start_text, end=end_text, rrule=None, exdates=[], overrides={},
                rdates=[], extra_rules=[],
            )
            occ_event.span = (s, e)
            out.append(Occurrence(occ_event, s, e, rid))
    for rid_ts, (rid, changes) in overrides.items():
        if rid_ts in excluded:
            continue
        wall = datetime.fromtimestamp(rid_ts, tz).replace(tzinfo=None)
        if excluded_days and wall.date() in excluded_days:
            continue
        changed = _apply_override(event, rid, changes)
        if "start" not in changes:
            start_text, end_text = _occurrence_texts(event, wall, duration)
            # An override that changes only the end keeps its own (a longer visit).
            changed = replace(changed, start=start_text, end=changes.get("end", end_text))
        s, e = span(changed)
        if overlaps(s, e, start_ts, end_ts):
            out.append(Occurrence(changed, s, e, rid))
    out.sort(key=lambda o: o.start_ts)
    return out


def _occurrence_texts(event: Event, wall: datetime, duration: int) -> tuple[str, str]:
    if event.all_day:
        days = max(1, round(duration / 86400))
        return wall.date().isoformat(), (wall.date() + timedelta(days=days)).isoformat()
    start = localize(wall, event.tz)
    end = datetime.fromtimestamp(epoch(start) + duration, zone(event.tz))
    return to_stored(start), to_stored(end)
