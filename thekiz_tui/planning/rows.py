"""The rows the conflict rules work on: one ``Row`` per non-cancelled occurrence.

A row holds what the rules ask of an occurrence, worked out once: its UTC epoch span,
local day and time cut from the stored local ISO text, where it is (normalised for
comparing), the day rules' issues (holiday, weekend, working hours), its Kita's month,
quarter and year keys and its cost. ``Context`` is what the rules need besides the
events (settings, coaches, Kitas, acknowledgements), loaded once per check, with
per-check memos of what many rows share (a day's holiday lookup, a place, a month's
period keys); the module-level caches keep day arithmetic on ISO text cheap.

Rows are built here and nowhere else; they are cached per event object by the callers
(``incremental`` and ``conflicts``), so this module keeps no state about events.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

from store import Ack, Coach, Event, Kita

from ..i18n import tr
from .budget import rates_of
from .findings import Finding
from .holidays import HolidayLookup
from .labels import KIND_LABELS, show_date
from .money import ZERO, hours_of, line_fee
from .occurrences import Occurrence, span
from .settings import Settings
from .timeutil import from_epoch, to_stored

DAY = 86400
KIND_DE = KIND_LABELS["de"]

# A day's holiday text (or None), whether it is no work day, its issues, ``(day,)``.
_DayInfo = tuple[str | None, bool, tuple[tuple[str, tuple[str, ...]], ...], tuple[str]]
_WORKING_HOURS: tuple[str, tuple[str, ...]] = ("working-hours", ())

_prev_day_cache: dict[str, str] = {}
_weekday_cache: dict[str, int] = {}
_days_cache: dict[tuple[str, str], tuple[str, ...]] = {}


def _quarter_key(day: str) -> str:
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def _prev_day(day: str) -> str:
    out = _prev_day_cache.get(day)
    if out is None:
        out = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        _prev_day_cache[day] = out
    return out


def weekday(day: str) -> int:
    out = _weekday_cache.get(day)
    if out is None:
        out = date.fromisoformat(day).weekday()
        _weekday_cache[day] = out
    return out


def _days(first: str, last: str) -> tuple[str, ...]:
    if last <= first:
        return (first,)
    out = _days_cache.get((first, last))
    if out is None:
        a, b = date.fromisoformat(first), date.fromisoformat(last)
        out = tuple((a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1))
        _days_cache[(first, last)] = out
    return out


def de_date(day: str) -> str:
    """An ISO day as a table shows it (``labels.show_date``), in the current language."""
    return show_date(date(int(day[:4]), int(day[5:7]), int(day[8:10])))


def _hhmm(text: str) -> str:
    hour, _, minute = text.strip().partition(":")
    return f"{int(hour):02d}:{int(minute or 0):02d}"


class Context:
    """What the rules need besides the events, loaded once per check."""

    def __init__(
        self,
        settings: Settings,
        coaches: Iterable[Coach],
        kitas: Iterable[Kita],
        acks: Iterable[Ack | str],
    ) -> None:
        self.settings = settings
        self.tz = settings.timezone
        self.work_start = _hhmm(settings.work_start)
        self.work_end = _hhmm(settings.work_end)
        self.work_days = frozenset(settings.work_days)
        self.buffer = max(0, int(settings.travel_minutes)) * 60
        self.margin = DAY + self.buffer
        self.holidays = HolidayLookup(settings.holiday_country, settings.holiday_subdiv)
        self.coaches = {c.id: c for c in coaches}
        self.kitas = {k.id: k for k in kitas}
        self.rates = rates_of(self.coaches.values())
        # a visit's cost by its length and coaches: few distinct ones in a whole store
        self._costs: dict[tuple[int, tuple[str, ...]], Decimal] = {}
        self.addresses = {k.id: k.address.strip() for k in self.kitas.values()}
        self.acks = frozenset(a if isinstance(a, str) else a.finding for a in acks)
        self._iso: dict[int, str] = {}
        # Per-check memos of what many rows share (see ``_row``).
        self.day_info: dict[str, _DayInfo] = {}
        self.places: dict[tuple[str, str | None], tuple[str, str]] = {}
        self.period_keys: dict[str, tuple[int, str, str, str]] = {}

    def day(self, day: str) -> _DayInfo:
        """A day's part of the day rules: its holiday and weekend issues, and the
        one-day tuple of days (shared by the rows of that day)."""
        info = self.day_info.get(day)
        if info is None:
            name = self.holidays.get(day)
            holiday = None if name is None else f"{name} ({de_date(day)})"
            off = weekday(day) not in self.work_days
            issues: list[tuple[str, tuple[str, ...]]] = []
            if holiday is not None:
                issues.append(("holiday", (holiday,)))
            if off:
                issues.append(("weekend", (day,)))
            info = (holiday, off, tuple(issues), (day,))
            self.day_info[day] = info
        return info

    def place(self, location: str, kita: str | None) -> tuple[str, str]:
        """Where a row is, and that text normalised for comparing."""
        key = (location, kita)
        out = self.places.get(key)
        if out is None:
            place = location.strip() or (self.addresses.get(kita, "") if kita else "")
            place = place or (kita or "")
            out = (place, " ".join(place.casefold().split()))
            self.places[key] = out
        return out

    def periods(self, day: str) -> tuple[int, str, str, str]:
        """A day's year, and its month, quarter and year keys."""
        month = day[:7]
        out = self.period_keys.get(month)
        if out is None:
            year = int(day[:4])
            out = (year, month, _quarter_key(day), str(year))
            self.period_keys[month] = out
        return out

    def cost(self, seconds: int, coaches: tuple[str, ...]) -> Decimal:
        """A visit's cost: its hours × each coach's rate, each line to the cent
        (``budget.occurrence_cost``'s reckoning)."""
        key = (seconds, coaches)
        found = self._costs.get(key)
        if found is None:
            hours = hours_of(seconds)
            rates = self.rates
            found = sum((line_fee(hours, rates.get(c, ZERO)) for c in dict.fromkeys(coaches)),
                        ZERO)
            self._costs[key] = found
        return found

    def row_key(self) -> tuple[Any, ...]:
        """What rows depend on besides the event: rebuild them when this changes."""
        return (
            self.settings,
            tuple(sorted(self.addresses.items())),
            tuple(sorted(self.rates.items())),
            tuple(sorted((c.id, c.name) for c in self.coaches.values())),
            tuple(sorted((k.id, k.name) for k in self.kitas.values())),
        )

    def iso(self, ts: int) -> str:
        out = self._iso.get(ts)
        if out is None:
            out = to_stored(from_epoch(ts, self.tz))
            self._iso[ts] = out
        return out

    def coach_name(self, coach_id: str) -> str:
        coach = self.coaches.get(coach_id)
        return coach.name if coach is not None and coach.name else coach_id

    def kita_name(self, kita_id: str) -> str:
        kita = self.kitas.get(kita_id)
        return kita.name if kita is not None and kita.name else kita_id


class Row:
    """One non-cancelled occurrence, prepared for the rules."""

    __slots__ = (
        "all_day", "blocks", "coaches", "cost", "day0", "days", "e", "end_text", "ev",
        "found", "hours", "id", "issues", "key", "kita", "mkey", "order", "place", "pnorm",
        "qkey", "rank", "s", "start_text", "sub", "t0", "t1", "visit", "year", "ykey",
    )

    s: int
    e: int
    key: str
    ev: Event
    id: str
    coaches: tuple[str, ...]
    kita: str | None
    place: str
    pnorm: str
    blocks: bool
    visit: bool
    all_day: bool
    start_text: str
    end_text: str
    day0: str
    days: tuple[str, ...]
    t0: str
    t1: str
    hours: float
    issues: tuple[tuple[str, tuple[str, ...]], ...]
    order: tuple[int, int, str]
    year: int
    mkey: str  # Kita and month, Kita and quarter, Kita and year: hashable fast
    qkey: str
    ykey: str
    cost: Decimal
    found: list[Item] | None
    sub: int  # place among the occurrences of a series (0 for a single event)
    rank: int  # for unbounded checks: the event's place in the checked events

    @property
    def title(self) -> str:
        return self.ev.title or KIND_DE.get(self.ev.kind, self.ev.kind)

    @property
    def sig(self) -> str:
        return f"{self.key}@{self.s}-{self.e}"

    def when(self) -> str:
        """``04.03.2025 09:30–11:30`` or ``04.03.2025, ganztägig`` (in the language)."""
        if self.all_day:
            last = self.days[-1]
            if last == self.day0:
                return f"{de_date(self.day0)}, {tr('ganztägig')}"
            return f"{de_date(self.day0)}–{de_date(last)}, {tr('ganztägig')}"
        end_day = self.end_text[:10]
        if end_day == self.day0:
            return f"{de_date(self.day0)} {self.t0}–{self.t1}"
        return f"{de_date(self.day0)} {self.t0} – {de_date(end_day)} {self.t1}"

    def label(self) -> str:
        return tr("„{title}“ ({when})", title=self.title, when=self.when())


ORDER = attrgetter("order")
Item = tuple[int, Finding, frozenset[str], frozenset[str]]


def make_row(occ: Occurrence, ctx: Context) -> Row | None:
    return _row(occ.event, occ.start_ts, occ.end_ts, occ.key, ctx)


def single_row(ev: Event, ctx: Context) -> Row | None:
    """The row of a non-recurring event (as ``make_row`` of its one occurrence)."""
    s, e = span(ev)
    return _row(ev, s, e, ev.id, ctx)


RowCache = dict[int, tuple[Event, "Row | None"]]


def cached_single_row(ev: Event, ctx: Context, cache: RowCache) -> Row | None:
    """``single_row``, kept per event object: the store hands out the same (read-only)
    objects while their month file is unchanged, so a row is built once per version."""
    hit = cache.get(id(ev))
    if hit is not None and hit[0] is ev:
        return hit[1]
    row = single_row(ev, ctx)
    cache[id(ev)] = (ev, row)
    return row


def _row(ev: Event, s: int, e: int, key: str, ctx: Context) -> Row | None:
    if ev.status == "abgesagt":
        return None
    kind = ev.kind
    visit = kind == "begleitung"
    free = ev.free
    if free and not visit:
        return None  # free busy time takes part in nothing
    r = Row()
    r.s = s
    r.e = e
    r.key = key
    r.ev = ev
    r.id = ev.id
    coaches = ev.coaches
    r.coaches = (coaches[0],) if len(coaches) == 1 else tuple(dict.fromkeys(coaches))
    kita = r.kita = ev.kita
    r.place, r.pnorm = ctx.places.get((ev.location, kita)) or ctx.place(ev.location, kita)
    r.blocks = blocks = not free
    r.visit = visit
    day_info = ctx.day_info
    if ev.all_day:
        r.all_day = True
        day0 = ev.start[:10]
        end = ev.end[:10]
        r.start_text = day0
        r.end_text = end
        last = _prev_day(end) if end > day0 else day0
        info = day_info.get(day0) or ctx.day(day0)
        days = _days(day0, last) if last > day0 else info[3]
        r.t0 = r.t1 = ""
        r.hours = 0.0
        late = False
    else:
        r.all_day = False
        start_text, end_text = ev.start, ev.end
        if ev.tz != ctx.tz or len(start_text) < 19 or len(end_text) < 19:
            start_text, end_text = ctx.iso(s), ctx.iso(e)
        r.start_text = start_text
        r.end_text = end_text
        day0 = start_text[:10]
        r.t0 = t0 = start_text[11:16]
        r.t1 = t1 = end_text[11:16]
        end_day = end_text[:10]
        info = day_info.get(day0) or ctx.day(day0)
        late = end_day != day0 or t0 < ctx.work_start or t1 > ctx.work_end
        if end_day > day0:
            if end_text[11:19] == "00:00:00":
                end_day = _prev_day(end_day)
            days = _days(day0, end_day) if e > s and end_day > day0 else info[3]
        else:
            days = info[3]
        r.hours = max(0, e - s) / 3600.0
    r.day0 = day0
    r.days = days
    if not blocks or kind == "sonstiges":
        r.issues = ()
    elif len(days) == 1:
        r.issues = (*info[2], _WORKING_HOURS) if late else info[2]
    else:
        names: list[str] = []
        off: list[str] = []
        for d in days:
            holiday, is_off, _, _ = day_info.get(d) or ctx.day(d)
            if holiday is not None:
                names.append(holiday)
            if is_off:
                off.append(d)
        issues: list[tuple[str, tuple[str, ...]]] = []
        if names:
            issues.append(("holiday", tuple(names)))
        if off:
            issues.append(("weekend", tuple(off)))
        if late:
            issues.append(_WORKING_HOURS)
        r.issues = tuple(issues)
    r.order = (s, e, key)
    year, month, quarter, year_text = ctx.period_keys.get(day0[:7]) or ctx.periods(day0)
    r.year = year
    r.mkey = f"{kita}\x1f{month}"
    r.qkey = f"{kita}\x1f{quarter}"
    r.ykey = f"{kita}\x1f{year_text}"
    r.cost = ctx.cost(0 if r.all_day else e - s, r.coaches) if visit else ZERO
    r.found = None
    r.sub = 0
    r.rank = 0
    return r
