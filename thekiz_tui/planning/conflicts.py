"""The conflict check: the programme's rules over events, as findings.

Rules (names are a contract): ``coach-overlap``, ``kita-overlap`` (errors),
``travel-buffer``, ``holiday``, ``weekend``, ``working-hours``, ``cadence-gap``,
``budget`` (warnings).

Design for speed (50,000 events): every event becomes a ``_Row`` once (UTC epoch span,
local day and time cut from the stored local ISO text, the day rules' results), cached
per event object; events are read-only cached records, so an unchanged event keeps its
row. A check groups rows per coach and per Kita, sorts and sweeps. ``check_candidate``
looks only at the rows of the candidate's days (UTC-day buckets) and its Kita's year.

Intervals are half-open and compared as UTC epoch seconds, never as datetimes.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from itertools import compress, count
from operator import attrgetter, is_not
from typing import Any

from store import Ack, Coach, Event, Kita, Store
from store.errors import NotFound

from .budget import budget_for_year
from .cadence import Period, cadence_kind, horizon_end, period_of, required_periods
from .findings import Finding, finding_id, severity_rank, summary_exit_code
from .holidays import HolidayLookup
from .labels import KIND_LABELS, STAGE_LABELS
from .occurrences import Occurrence, expand, span
from .settings import Settings
from .timeutil import day_start, epoch, fmt_money, from_epoch, to_stored

__all__ = [
    "Checker",
    "Finding",
    "check",
    "check_candidate",
    "check_store",
    "summary_exit_code",
]

_DAY = 86400
KIND_DE = KIND_LABELS["de"]
WEEKDAY_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

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


def _weekday(day: str) -> int:
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


def _de(day: str) -> str:
    return f"{day[8:10]}.{day[5:7]}.{day[:4]}"


def _hhmm(text: str) -> str:
    hour, _, minute = text.strip().partition(":")
    return f"{int(hour):02d}:{int(minute or 0):02d}"


class _Context:
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
        self.margin = _DAY + self.buffer
        self.holidays = HolidayLookup(settings.holiday_country, settings.holiday_subdiv, "de")
        self.coaches = {c.id: c for c in coaches}
        self.kitas = {k.id: k for k in kitas}
        self.rates = {c.id: float(c.rate or 0.0) for c in self.coaches.values()}
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
            holiday = None if name is None else f"{name} ({_de(day)})"
            off = _weekday(day) not in self.work_days
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


class _Row:
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
    cost: float
    found: list[_Item] | None
    sub: int  # place among the occurrences of a series (0 for a single event)
    rank: int  # for unbounded checks: the event's place in the checked events

    @property
    def title(self) -> str:
        return self.ev.title or KIND_DE.get(self.ev.kind, self.ev.kind)

    @property
    def sig(self) -> str:
        return f"{self.key}@{self.s}-{self.e}"

    def when(self) -> str:
        """German: ``04.03.2025 09:30–11:30`` or ``04.03.2025, ganztägig``."""
        if self.all_day:
            last = self.days[-1]
            if last == self.day0:
                return f"{_de(self.day0)}, ganztägig"
            return f"{_de(self.day0)}–{_de(last)}, ganztägig"
        end_day = self.end_text[:10]
        if end_day == self.day0:
            return f"{_de(self.day0)} {self.t0}–{self.t1}"
        return f"{_de(self.day0)} {self.t0} – {_de(end_day)} {self.t1}"

    def label(self) -> str:
        return f"„{self.title}“ ({self.when()})"


_ORDER = attrgetter("order")
_Item = tuple[int, Finding, frozenset[str], frozenset[str]]


def _make_row(occ: Occurrence, ctx: _Context) -> _Row | None:
    return _row(occ.event, occ.start_ts, occ.end_ts, occ.key, ctx)


def _single_row(ev: Event, ctx: _Context) -> _Row | None:
    """The row of a non-recurring event (as ``_make_row`` of its one occurrence)."""
    s, e = span(ev)
    return _row(ev, s, e, ev.id, ctx)


def _row(ev: Event, s: int, e: int, key: str, ctx: _Context) -> _Row | None:
    if ev.status == "abgesagt":
        return None
    kind = ev.kind
    visit = kind == "begleitung"
    free = ev.free
    if free and not visit:
        return None  # free busy time takes part in nothing
    r = _Row()
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
        r.hours = hours = 0.0
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
        r.hours = hours = max(0, e - s) / 3600.0
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
    if visit:
        rates = ctx.rates
        r.cost = hours * (
            rates.get(coaches[0], 0.0) if len(r.coaches) == 1
            else sum(rates.get(c, 0.0) for c in r.coaches)
        )
    else:
        r.cost = 0.0
    r.found = None
    r.sub = 0
    r.rank = 0
    return r


# -- building findings -----------------------------------------------------------------


class _Out:
    """Findings with what they concern (for the coach/Kita filters) and a sort instant."""

    __slots__ = ("acks", "items")

    def __init__(self, acks: frozenset[str]) -> None:
        self.acks = acks
        self.items: dict[str, _Item] = {}

    def put(self, item: _Item) -> None:
        finding = item[1]
        if finding.id in self.acks:
            item = (item[0], replace(finding, acknowledged=True), item[2], item[3])
        self.items[finding.id] = item

    def add(
        self, at: int, rule: str, severity: str, fid: str, events: Iterable[str],
        coach: str | None, kita: str | None, start: str, end: str, message: str,
        coaches: Iterable[str], kitas: Iterable[str | None],
    ) -> None:
        if fid in self.items:
            return
        finding = Finding(
            id=fid, rule=rule, severity=severity, events=tuple(dict.fromkeys(events)),
            coach=coach, kita=kita, start=start, end=end, message=message,
            acknowledged=fid in self.acks,
        )
        self.items[fid] = (
            at, finding, frozenset(coaches), frozenset(k for k in kitas if k is not None)
        )

    def merge(self, items: Iterable[_Item]) -> None:
        """``add`` for items built before (with no acknowledgements applied)."""
        mine = self.items
        acks = self.acks
        for item in items:
            finding = item[1]
            fid = finding.id
            if fid in mine:
                continue
            if fid in acks:
                item = (item[0], replace(finding, acknowledged=True), item[2], item[3])
            mine[fid] = item

    def result(self, coach: str | None = None, kita: str | None = None) -> list[Finding]:
        chosen = [
            item for item in self.items.values()
            if (coach is None or coach in item[2]) and (kita is None or kita in item[3])
        ]
        chosen.sort(key=lambda i: (i[0], severity_rank(i[1].severity), i[1].rule, i[1].id))
        return [item[1] for item in chosen]


def _kitas_of(r: _Row) -> tuple[str | None, ...]:
    return (r.kita, *r.ev.participants)


def _text_at(r: _Row, ctx: _Context, start: bool) -> str:
    if r.all_day:
        return ctx.iso(r.s if start else r.e)
    return r.start_text if start else r.end_text


def _per_event(r: _Row, ctx: _Context, out: _Out) -> None:
    """The day rules' findings of a row, built once per row and cached on it."""
    if r.found is None:
        local = _Out(frozenset())
        _per_event_build(r, ctx, local)
        r.found = list(local.items.values())
    for item in r.found:
        out.put(item)


def _per_event_build(r: _Row, ctx: _Context, out: _Out) -> None:
    for rule, payload in r.issues:
        if rule == "holiday":
            what = "einen Feiertag" if len(payload) == 1 else "Feiertage"
            message = f"{r.label()} fällt auf {what}: {', '.join(payload)}."
        elif rule == "weekend":
            days = ", ".join(f"{WEEKDAY_DE[_weekday(d)]}, {_de(d)}" for d in payload)
            message = f"{r.label()} liegt nicht an einem Arbeitstag: {days}."
        else:
            message = (
                f"{r.label()} liegt außerhalb der Arbeitszeit "
                f"{ctx.work_start}–{ctx.work_end}."
            )
        single = r.coaches[0] if len(r.coaches) == 1 else None
        out.add(
            r.s, rule, "warning", finding_id(rule, r.sig), (r.id,), single, r.kita,
            r.start_text, r.end_text, message, r.coaches, _kitas_of(r),
        )


def _overlap(rule: str, who: str, a: _Row, b: _Row, ctx: _Context, out: _Out) -> None:
    first, second = (a, b) if _ORDER(a) <= _ORDER(b) else (b, a)
    fid = finding_id(rule, who, *sorted((a.sig, b.sig)))
    late = a if a.s >= b.s else b
    early_end = a if a.e <= b.e else b
    if a.all_day and b.all_day:
        start, end = late.start_text, early_end.end_text
    else:
        start, end = _text_at(late, ctx, True), _text_at(early_end, ctx, False)
    if rule == "coach-overlap":
        message = (
            f"{ctx.coach_name(who)} ist doppelt verplant: {first.label()} überschneidet "
            f"sich mit {second.label()}."
        )
        coach: str | None = who
        kita = first.kita if first.kita == second.kita else None
        coaches: Iterable[str] = (who,)
    else:
        message = (
            f"{ctx.kita_name(who)} hat zwei Termine zugleich: {first.label()} und "
            f"{second.label()}."
        )
        shared = [c for c in first.coaches if c in second.coaches]
        coach = shared[0] if len(shared) == 1 else None
        kita = who
        coaches = (*first.coaches, *second.coaches)
    out.add(
        late.s, rule, "error", fid, (first.id, second.id), coach, kita, start, end, message,
        coaches, (*_kitas_of(first), *_kitas_of(second)),
    )


def _travel(who: str, a: _Row, b: _Row, ctx: _Context, out: _Out) -> None:
    fid = finding_id("travel-buffer", who, a.sig, b.sig)
    gap = (b.s - a.e) // 60
    message = (
        f"Zu wenig Fahrtzeit für {ctx.coach_name(who)}: {a.label()} in {a.place} endet "
        f"{gap} Min. vor {b.label()} in {b.place} (nötig: "
        f"{ctx.settings.travel_minutes} Min.)."
    )
    out.add(
        a.e, "travel-buffer", "warning", fid, (a.id, b.id), who,
        a.kita if a.kita == b.kita else None,
        _text_at(a, ctx, False), _text_at(b, ctx, True), message, (who,),
        (*_kitas_of(a), *_kitas_of(b)),
    )


def _sweep(
    rows: list[_Row], buffer: int
) -> tuple[list[tuple[_Row, _Row]], list[tuple[_Row, _Row]]]:
    """Overlapping pairs and too-close consecutive pairs of rows sorted by ``_ORDER``.

    ``prev`` is the earlier row that ends last: if it ends by this row's start, nothing
    earlier overlaps this row, and it is the row a coach comes from (travel).
    """
    overlaps: list[tuple[_Row, _Row]] = []
    travel: list[tuple[_Row, _Row]] = []
    active: list[_Row] = []
    prev: _Row | None = None
    prev_e = -(1 << 62)
    for r in rows:
        s = r.s
        e = r.e
        if prev_e > s:
            active = [a for a in active if a.e > s]
            if e > s:
                for a in active:
                    overlaps.append((a, r))
                active.append(r)
        else:
            if buffer and s - prev_e < buffer and prev is not None:
                pn = prev.pnorm
                rn = r.pnorm
                if pn and rn and pn != rn:
                    travel.append((prev, r))
            active = [r] if e > s else []
        if e >= prev_e:
            prev = r
            prev_e = e
    return overlaps, travel


def _touches(r: _Row, ws: int | None, we: int | None) -> bool:
    if we is not None and r.s >= we:
        return False
    return ws is None or r.e > ws or (r.s == r.e and r.s >= ws)


def _group_rules(
    rows: Iterable[_Row], ctx: _Context, out: _Out, ws: int | None, we: int | None,
    only: str | None = None,
) -> None:
    """Overlap and travel rules per coach and per Kita. ``only``: keep just the
    findings that involve this event id (candidate checks)."""
    by_coach: defaultdict[str, list[_Row]] = defaultdict(list)
    by_kita: defaultdict[str | None, list[_Row]] = defaultdict(list)
    # One sort (timsort: store order is nearly sorted already); the groups inherit it.
    for r in sorted(rows, key=_ORDER):
        if r.blocks:
            for c in r.coaches:
                by_coach[c].append(r)
            by_kita[r.kita].append(r)
    by_kita.pop(None, None)
    lo = -(1 << 62) if ws is None else ws
    hi = 1 << 62 if we is None else we
    for who, group in by_coach.items():
        overlaps, travel = _sweep(group, ctx.buffer)
        for a, b in overlaps:
            if only is not None and only not in (a.id, b.id):
                continue
            if max(a.s, b.s) < hi and min(a.e, b.e) > lo:
                _overlap("coach-overlap", who, a, b, ctx, out)
        for a, b in travel:
            if only is not None and only not in (a.id, b.id):
                continue
            if a.e < hi and b.s >= lo:
                _travel(who, a, b, ctx, out)
    for kita_id, group in by_kita.items():
        assert kita_id is not None
        who = kita_id
        overlaps, _ = _sweep(group, 0)
        for a, b in overlaps:
            if only is not None and only not in (a.id, b.id):
                continue
            if max(a.s, b.s) < hi and min(a.e, b.e) > lo:
                _overlap("kita-overlap", who, a, b, ctx, out)


def _budget_finding(
    kita: Kita, year: int, visits: list[_Row], ctx: _Context, out: _Out
) -> None:
    budget = budget_for_year(kita, year, ctx.settings)
    if budget is None:
        return
    used = 0.0
    for r in visits:
        used += r.cost
    _budget_over(kita, year, round(used, 2), budget, visits, ctx, out)


def _budget_over(
    kita: Kita, year: int, used: float, budget: float, visits: list[_Row], ctx: _Context,
    out: _Out,
) -> None:
    if used <= budget + 0.005:
        return
    fid = finding_id("budget", kita.id, str(year))
    message = (
        f"{ctx.kita_name(kita.id)}: Prozessbegleitung {year} kostet {fmt_money(used)}, "
        f"das Budget von {fmt_money(budget)} ist um {fmt_money(used - budget)} "
        "überschritten."
    )
    at = epoch(day_start(date(year, 1, 1), ctx.tz))
    out.add(
        at, "budget", "warning", fid, sorted({r.id for r in visits}), kita.coach, kita.id,
        f"{year:04d}-01-01", f"{year + 1:04d}-01-01", message,
        set().union(*(r.coaches for r in visits)), (kita.id,),
    )


def _cadence_finding(kita: Kita, period: Period, ctx: _Context, out: _Out) -> None:
    fid = finding_id("cadence-gap", kita.id, period.key)
    per = "Monat" if period.kind == "month" else "Quartal"
    message = (
        f"{ctx.kita_name(kita.id)}: im {period.label} ({period.span_text}) keine "
        f"Prozessbegleitung ({STAGE_LABELS.get(kita.stage, kita.stage)}: mindestens eine pro "
        f"{per})."
    )
    out.add(
        epoch(day_start(period.start, ctx.tz)), "cadence-gap", "warning", fid, (),
        kita.coach, kita.id, period.start.isoformat(), period.end.isoformat(), message,
        (kita.coach,) if kita.coach else (), (kita.id,),
    )


def _visited(visits: Iterable[_Row]) -> set[str]:
    seen = {r.mkey for r in visits}
    seen.update(r.qkey for r in visits)
    return seen


# -- the unbounded check, kept up to date between checks -------------------------------


_EventRows = tuple[Event, tuple[_Row, ...], int]  # with a rank in event order
_GAP = 1 << 20


class _Full:
    """What an unbounded check found, per part: per coach and per Kita the sorted rows
    and their overlap and travel findings, per Kita and year the visits and their cost,
    per Kita the budget and cadence findings. A check updates only the parts whose
    events changed (by object identity; a re-read event that is equal to the one it
    replaces keeps its rows), so a check after an edit redoes one coach's and one Kita's
    part. Findings are kept without acknowledgements (``_Out.merge`` applies them)."""

    __slots__ = (
        "agg", "coach_items", "coach_rows", "diffable", "dirty_coaches", "dirty_groups",
        "dirty_kitas", "dirty_years", "events", "evs", "issues", "kita_items", "kita_rows",
        "kita_years", "seen", "totals", "visits",
    )

    def __init__(self) -> None:
        self.events: list[Event] = []  # the checked events
        self.diffable = True
        self.evs: dict[int, _EventRows] = {}
        self.coach_rows: dict[str, list[_Row]] = {}
        self.kita_rows: dict[str, list[_Row]] = {}
        self.coach_items: dict[str, list[_Item]] = {}
        self.kita_items: dict[str, list[_Item]] = {}
        self.issues: dict[int, _Row] = {}
        self.visits: dict[str, list[_Row]] = {}  # per Kita and year, in event order
        self.totals: dict[str, float] = {}
        self.kita_years: dict[str, set[str]] = {}
        self.seen: Counter[str] = Counter()
        self.agg: dict[str, tuple[Kita, date, list[_Item]]] = {}
        self.dirty_coaches: set[str] = set()
        self.dirty_groups: set[str] = set()
        self.dirty_years: set[str] = set()
        self.dirty_kitas: set[str] = set()

    def add(self, r: _Row) -> None:
        if r.blocks:
            for c in r.coaches:
                group = self.coach_rows.get(c)
                if group is None:
                    self.coach_rows[c] = [r]
                else:
                    group.append(r)
                self.dirty_coaches.add(c)
            if r.kita is not None:
                group = self.kita_rows.get(r.kita)
                if group is None:
                    self.kita_rows[r.kita] = [r]
                else:
                    group.append(r)
                self.dirty_groups.add(r.kita)
        if r.issues:
            self.issues[id(r)] = r
        if r.visit and r.kita is not None:
            visits = self.visits.get(r.ykey)
            if visits is None:
                self.visits[r.ykey] = [r]
                self.kita_years.setdefault(r.kita, set()).add(r.ykey)
            else:
                visits.append(r)
            self.seen[r.mkey] += 1
            self.seen[r.qkey] += 1
            self.dirty_years.add(r.ykey)
            self.dirty_kitas.add(r.kita)

    def add_all(self, rows: Iterable[_Row]) -> None:
        """``add`` for each row, faster (for building afresh)."""
        coach_rows = self.coach_rows
        kita_rows = self.kita_rows
        issues = self.issues
        visits = self.visits
        kita_years = self.kita_years
        seen = self.seen
        seen_get = seen.get
        for r in rows:
            kita = r.kita
            if r.blocks:
                for c in r.coaches:
                    group = coach_rows.get(c)
                    if group is None:
                        coach_rows[c] = [r]
                    else:
                        group.append(r)
                if kita is not None:
                    group = kita_rows.get(kita)
                    if group is None:
                        kita_rows[kita] = [r]
                    else:
                        group.append(r)
            if r.issues:
                issues[id(r)] = r
            if r.visit and kita is not None:
                ykey = r.ykey
                group = visits.get(ykey)
                if group is None:
                    visits[ykey] = [r]
                    years = kita_years.get(kita)
                    if years is None:
                        kita_years[kita] = {ykey}
                    else:
                        years.add(ykey)
                else:
                    group.append(r)
                seen[r.mkey] = seen_get(r.mkey, 0) + 1
                seen[r.qkey] = seen_get(r.qkey, 0) + 1
        # Every group and year that has a row now is dirty (as ``add`` marks them).
        self.dirty_coaches.update(coach_rows)
        self.dirty_groups.update(kita_rows)
        self.dirty_years.update(visits)
        self.dirty_kitas.update(kita_years)

    def remove(self, r: _Row) -> None:
        if r.blocks:
            for c in r.coaches:
                self.coach_rows[c].remove(r)
                self.dirty_coaches.add(c)
            if r.kita is not None:
                self.kita_rows[r.kita].remove(r)
                self.dirty_groups.add(r.kita)
        self.issues.pop(id(r), None)
        if r.visit and r.kita is not None:
            self.visits[r.ykey].remove(r)
            seen = self.seen
            for key in (r.mkey, r.qkey):
                seen[key] -= 1
                if seen[key] <= 0:
                    del seen[key]
            self.dirty_years.add(r.ykey)
            self.dirty_kitas.add(r.kita)

    def settle(self, ctx: _Context, resort: bool) -> None:
        """Redo the dirty parts. ``resort``: put changed visits in event order again
        (by rank; else they are in order already)."""
        for ykey in self.dirty_years:
            visits = self.visits.get(ykey)
            if not visits:
                self.visits.pop(ykey, None)
                self.totals.pop(ykey, None)
                kita_id = ykey.rpartition("\x1f")[0]
                years = self.kita_years.get(kita_id)
                if years is not None:
                    years.discard(ykey)
                    if not years:
                        del self.kita_years[kita_id]
                continue
            if resort:
                # Single events first, then the occurrences of series (as ``_rows_of``).
                visits.sort(key=_visit_order)
            used = 0.0
            for r in visits:
                used += r.cost
            self.totals[ykey] = used
        self.dirty_years.clear()
        buffer = ctx.buffer
        for who in self.dirty_coaches:
            group = self.coach_rows[who]
            if not group:
                del self.coach_rows[who]
                self.coach_items.pop(who, None)
                continue
            group.sort(key=_ORDER)
            local = _Out(frozenset())
            overlaps, travel = _sweep(group, buffer)
            for a, b in overlaps:
                _overlap("coach-overlap", who, a, b, ctx, local)
            for a, b in travel:
                _travel(who, a, b, ctx, local)
            self.coach_items[who] = list(local.items.values())
        self.dirty_coaches.clear()
        for who in self.dirty_groups:
            group = self.kita_rows[who]
            if not group:
                del self.kita_rows[who]
                self.kita_items.pop(who, None)
                continue
            group.sort(key=_ORDER)
            local = _Out(frozenset())
            overlaps, _ = _sweep(group, 0)
            for a, b in overlaps:
                _overlap("kita-overlap", who, a, b, ctx, local)
            self.kita_items[who] = list(local.items.values())
        self.dirty_groups.clear()

    def aggregates(self, ctx: _Context, stop: date, out: _Out) -> None:
        """Budget and cadence findings of every Kita (as ``Checker._aggregates``)."""
        agg = self.agg
        dirty = self.dirty_kitas
        kitas = ctx.kitas
        for kita_id in [k for k in agg if k not in kitas]:
            del agg[kita_id]
        for kita_id, kita in kitas.items():
            hit = agg.get(kita_id)
            if hit is None or kita_id in dirty or hit[1] != stop or hit[0] != kita:
                local = _Out(frozenset())
                self._kita_aggregates(kita, ctx, stop, local)
                hit = (replace(kita), stop, list(local.items.values()))
                agg[kita_id] = hit
            if hit[2]:
                out.merge(hit[2])
        dirty.clear()

    def _kita_aggregates(self, kita: Kita, ctx: _Context, stop: date, out: _Out) -> None:
        for ykey in sorted(self.kita_years.get(kita.id, ())):
            year = int(ykey.rpartition("\x1f")[2])
            budget = budget_for_year(kita, year, ctx.settings)
            used = round(self.totals[ykey], 2)
            if budget is not None and used > budget + 0.005:
                _budget_over(kita, year, used, budget, self.visits[ykey], ctx, out)
        seen = self.seen
        for period in required_periods(kita, ctx.settings, start=None, end=stop):
            if f"{kita.id}\x1f{period.key}" not in seen:
                _cadence_finding(kita, period, ctx, out)

    def findings(self, ctx: _Context, today: date) -> _Out:
        out = _Out(ctx.acks)
        for r in self.issues.values():
            _per_event(r, ctx, out)
        for items in self.coach_items.values():
            if items:
                out.merge(items)
        for items in self.kita_items.values():
            if items:
                out.merge(items)
        self.aggregates(ctx, horizon_end(today, ctx.settings), out)
        return out


def _visit_order(r: _Row) -> tuple[bool, int, int]:
    return (r.key != r.id, r.rank, r.sub)


def _event_rows(
    ev: Event, ctx: _Context, known: dict[int, _EventRows] | None,
    cache: dict[int, tuple[Event, _Row | None]],
) -> tuple[_Row, ...]:
    """The rows of one event for an unbounded check (series: all their occurrences)."""
    if known is not None:
        hit = known.get(id(ev))
        if hit is not None and hit[0] is ev:
            return hit[1]
    if ev.rrule:
        rows: list[_Row] = []
        for occ in expand((ev,)):
            row = _make_row(occ, ctx)
            if row is not None:
                row.sub = len(rows)
                rows.append(row)
        return tuple(rows)
    one = cache.get(id(ev))
    if one is None or one[0] is not ev:
        row = _single_row(ev, ctx)
        cache[id(ev)] = (ev, row)
    else:
        row = one[1]
    return () if row is None else (row,)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (for building many objects, no cycles).

    The objects made meanwhile would all sit in the youngest generation, and the first
    collection after would walk every one of them (a quarter second for a big store).
    They are long-lived: freezing and unfreezing moves them to the oldest generation at
    once, without walking them (unless someone else froze objects: theirs stay frozen).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > 50_000 and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _full_build(
    events: Sequence[Event], ctx: _Context, old: _Full | None,
    cache: dict[int, tuple[Event, _Row | None]],
) -> _Full:
    # Many objects, no cycles: the cyclic collector would only walk them again and again.
    with _no_gc():
        return _full_build_(events, ctx, old, cache)


def _full_build_(
    events: Sequence[Event], ctx: _Context, old: _Full | None,
    cache: dict[int, tuple[Event, _Row | None]],
) -> _Full:
    full = _Full()
    known = None if old is None else old.evs
    evs = full.evs
    single: list[_Row] = []
    append = single.append
    series: list[_Row] = []
    get = cache.get
    rank = 0
    for ev in events:
        rank += _GAP
        if known is None and not ev.rrule:
            # ``_event_rows`` of a single event, inline.
            one = get(id(ev))
            if one is None or one[0] is not ev:
                row = _single_row(ev, ctx)
                cache[id(ev)] = (ev, row)
            else:
                row = one[1]
            if row is None:
                evs[id(ev)] = (ev, (), rank)
            else:
                row.rank = rank
                evs[id(ev)] = (ev, (row,), rank)
                append(row)
            continue
        rows = _event_rows(ev, ctx, known, cache)
        evs[id(ev)] = (ev, rows, rank)
        for r in rows:
            r.rank = rank
        if ev.rrule:
            series.extend(rows)
        else:
            single.extend(rows)
    # Single events first, then the occurrences of series.
    full.add_all(single)
    full.add_all(series)
    full.events = list(events)
    full.diffable = len(evs) == len(events)  # else the same event object twice
    full.settle(ctx, False)
    return full


def _renumber(full: _Full, events: Sequence[Event]) -> None:
    evs = full.evs
    rank = 0
    for ev in events:
        rank += _GAP
        key = id(ev)
        _, rows, _ = evs[key]
        evs[key] = (ev, rows, rank)
        for r in rows:
            r.rank = rank


def _full_update(
    full: _Full | None, events: Sequence[Event], ctx: _Context,
    cache: dict[int, tuple[Event, _Row | None]],
) -> _Full:
    """``full`` brought up to date with ``events``: changed parts redone, or anew.

    The events are compared with the last check's by identity: the store keeps the
    objects of unchanged partitions, so the changes lie between a common head and a
    common tail (found at C speed); only that stretch is looked at."""
    if full is None or not full.diffable:
        return _full_build(events, ctx, None if full is None else full, cache)
    old = full.events
    n, m = len(old), len(events)
    both = min(n, m)
    head = next(compress(count(), map(is_not, old, events)), both)
    if head == n == m:
        return full
    tail = next(compress(count(), map(is_not, reversed(old), reversed(events))), both)
    tail = min(tail, both - head)
    old_part = old[head:n - tail]
    new_part = events[head:m - tail]
    evs = full.evs
    before = {id(ev) for ev in old_part}
    after = {id(ev) for ev in new_part}
    if len(before) != len(old_part) or len(after) != len(new_part):
        return _full_build(events, ctx, full, cache)
    if len(after - before) > max(2000, m // 4):
        return _full_build(events, ctx, full, cache)  # much is new: start afresh
    gone: dict[str, _EventRows] = {}
    removed = 0
    for ev in old_part:
        if id(ev) not in after:
            gone[ev.id] = evs[id(ev)]
            removed += 1
    if len(gone) != removed:
        return _full_build(events, ctx, full, cache)  # one id twice among the removed
    for old_ev, _, _ in gone.values():
        del evs[id(old_ev)]
    # Ranks keep the events' order (for the order of summing costs): the changed
    # stretch gets new ones between its neighbours'.
    lo = evs[id(events[head - 1])][2] if head else None
    hi = evs[id(events[m - tail])][2] if tail else None
    k = len(new_part)
    if lo is not None and hi is not None:
        step = (hi - lo) // (k + 1)
        if step < 1:
            step = 0
    else:
        step = _GAP
    if lo is None:
        lo = (0 if hi is None else hi) - (k + 1) * _GAP
    kept_order = True
    last_kept = -(1 << 62)
    kept_rows: list[_Row] = []
    rank = lo
    for ev in new_part:
        rank += step
        key = id(ev)
        entry = evs.get(key)
        if entry is None:
            prev = gone.pop(ev.id, None)
            if prev is not None and prev[0] == ev:
                entry = prev  # re-read, unchanged: keeps its rows
                if not ev.rrule:
                    for r in prev[1]:
                        r.ev = ev  # let the old copy go
            else:
                if prev is not None:
                    for r in prev[1]:
                        full.remove(r)
                rows = _event_rows(ev, ctx, None, cache)
                for r in rows:
                    r.rank = rank
                    full.add(r)
                evs[key] = (ev, rows, rank)
                continue
        if entry[2] <= last_kept:
            kept_order = False
        last_kept = entry[2]
        rows = entry[1]
        for r in rows:
            r.rank = rank
        kept_rows.extend(rows)
        evs[key] = (ev, rows, rank)
    for _ev, rows, _ in gone.values():
        for r in rows:
            full.remove(r)
    full.events = list(events)
    if step == 0:
        _renumber(full, events)
    if not kept_order:  # unchanged events changed places: their visits' order too
        for r in kept_rows:
            if r.visit and r.kita is not None:
                full.dirty_years.add(r.ykey)
    full.settle(ctx, True)
    return full


# -- the checker -----------------------------------------------------------------------


class _State:
    """What checks keep between calls; one per store, shared by its checkers."""

    __slots__ = ("full", "index", "lock", "row_key", "rows")

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Event, _Row | None]] = {}
        self.row_key: tuple[Any, ...] | None = None
        self.index: tuple[tuple[Any, ...], dict[int, list[_Row]], dict[str, list[_Row]]] | None
        self.index = None
        self.full: _Full | None = None
        self.lock = threading.RLock()


_states: weakref.WeakKeyDictionary[Store, _State] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def _state_of(store: Store) -> _State:
    with _states_lock:
        found = _states.get(store)
        if found is None:
            found = _State()
            _states[store] = found
        return found


def _as_settings(settings: Settings | dict[str, Any] | None) -> Settings:
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    return Settings.from_store(settings)


def _date_of_ts(ts: int, tz: str) -> date:
    return from_epoch(ts, tz).date()


class Checker:
    """Checks a plan: from a ``Store`` (re-read on every call, rows cached per event
    object) or from lists. Keep one per store for fast repeated checks."""

    def __init__(
        self,
        events: Sequence[Event] | None = None,
        *,
        store: Store | None = None,
        coaches: Iterable[Coach] = (),
        kitas: Iterable[Kita] = (),
        settings: Settings | dict[str, Any] | None = None,
        acks: Iterable[Ack | str] = (),
    ) -> None:
        if (events is None) == (store is None):
            raise ValueError("Checker needs either events or a store")
        self._store = store
        self._events: Sequence[Event] = events or ()
        self._coaches = list(coaches)
        self._kitas = list(kitas)
        self._settings = _as_settings(settings)
        self._acks = list(acks)
        self._state = _State() if store is None else _state_of(store)
        self._by_id: dict[str, Event] | None = None

    @classmethod
    def from_store(cls, store: Store) -> Checker:
        return cls(store=store)

    # -- loading ---------------------------------------------------------------------

    def _context(self) -> _Context:
        if self._store is not None:
            store = self._store
            ctx = _Context(
                Settings.from_store(store.settings()), store.coaches(), store.kitas(),
                store.acks(),
            )
        else:
            ctx = _Context(self._settings, self._coaches, self._kitas, self._acks)
        key = ctx.row_key()
        state = self._state
        if key != state.row_key:
            state.rows.clear()
            state.index = None
            state.full = None
            state.row_key = key
        return ctx

    def _load(self, start: date | None, end: date | None) -> Sequence[Event]:
        if self._store is not None:
            return self._store.events(start, end)
        return self._events

    def _rows_of(
        self, events: Iterable[Event], ctx: _Context, lo: int | None, hi: int | None
    ) -> list[_Row]:
        """Rows of the occurrences that overlap ``[lo, hi)``; series expanded there."""
        cache = self._state.rows
        out: list[_Row] = []
        append = out.append
        series: list[Event] = []
        lo_ = -(1 << 62) if lo is None else lo
        hi_ = 1 << 62 if hi is None else hi
        unbounded = lo is None and hi is None
        for ev in events:
            if ev.rrule:
                series.append(ev)
                continue
            hit = cache.get(id(ev))
            if hit is None or hit[0] is not ev:
                row = _single_row(ev, ctx)
                cache[id(ev)] = (ev, row)
            else:
                row = hit[1]
            if row is not None and (
                unbounded or (row.s < hi_ and (row.e > lo_ or row.s == row.e >= lo_))
            ):
                append(row)
        if series:
            for occ in expand(series, lo, hi):
                row = _make_row(occ, ctx)
                if row is not None:
                    append(row)
        if len(cache) > 400_000:
            cache.clear()  # old versions of reloaded partitions pile up otherwise
        return out

    # -- the full check ------------------------------------------------------------------

    def check(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        today: date | None = None,
        coach: str | None = None,
        kita: str | None = None,
    ) -> list[Finding]:
        """All findings of the days ``[start, end)`` (None: unbounded), optionally only
        those concerning one coach or one Kita; sorted by start, then severity."""
        with self._state.lock:
            return self._check(start, end, today, coach, kita)

    def _check(
        self, start: date | None, end: date | None, today: date | None, coach: str | None,
        kita: str | None,
    ) -> list[Finding]:
        ctx = self._context()
        tz = ctx.tz
        today = today or date.today()
        if start is None and end is None:
            state = self._state
            with _no_gc():
                # Reading a big store and building its rows makes many objects and no
                # cycles: the cyclic collector would only walk them again and again.
                events = self._load(None, None)
                state.full = _full_update(state.full, events, ctx, state.rows)
                return state.full.findings(ctx, today).result(coach, kita)
        ws = None if start is None else epoch(day_start(start, tz))
        we = None if end is None else epoch(day_start(end, tz))
        # Budget and cadence need whole years; the other rules the window plus a margin.
        load_lo = None if start is None else date(start.year, 1, 1)
        load_hi = None
        if end is not None:
            load_hi = date(date.fromordinal(end.toordinal() - 1).year + 1, 1, 1)
        lo = None if load_lo is None else epoch(day_start(load_lo, tz))
        hi = None if load_hi is None else epoch(day_start(load_hi, tz))
        if ws is not None and lo is not None:
            lo = min(lo, ws - ctx.margin)
        if we is not None and hi is not None:
            hi = max(hi, we + ctx.margin)
        rows = self._rows_of(self._load(load_lo, load_hi), ctx, lo, hi)
        out = _Out(ctx.acks)
        if ws is None and we is None:
            near = rows
        else:
            mlo = None if ws is None else ws - ctx.margin
            mhi = None if we is None else we + ctx.margin
            near = [r for r in rows if _touches(r, mlo, mhi)]
        for r in near:
            if r.issues and _touches(r, ws, we):
                _per_event(r, ctx, out)
        _group_rules(near, ctx, out, ws, we)
        visits = [r for r in rows if r.visit and r.kita is not None]
        self._aggregates(visits, ctx, out, start, end, today, kita)
        return out.result(coach, kita)

    def _aggregates(
        self, visits: list[_Row], ctx: _Context, out: _Out, start: date | None,
        end: date | None, today: date, only_kita: str | None,
    ) -> None:
        totals: dict[str, float] = {}
        seen: set[str] = set()
        add = seen.add
        get = totals.get
        for r in visits:
            totals[r.ykey] = get(r.ykey, 0.0) + r.cost
            add(r.mkey)
            add(r.qkey)
        first_year = None if start is None else start.year
        last_year = None if end is None else date.fromordinal(end.toordinal() - 1).year
        over: dict[str, tuple[Kita, int, float, float]] = {}
        for ykey, used in totals.items():
            kita_id, _, year_text = ykey.rpartition("\x1f")
            year = int(year_text)
            if only_kita is not None and kita_id != only_kita:
                continue
            kita = ctx.kitas.get(kita_id)
            if kita is None:
                continue
            if (first_year is not None and year < first_year) or (
                last_year is not None and year > last_year
            ):
                continue
            budget = budget_for_year(kita, year, ctx.settings)
            if budget is not None and round(used, 2) > budget + 0.005:
                over[ykey] = (kita, year, round(used, 2), budget)
        if over:
            groups: dict[str, list[_Row]] = {key: [] for key in over}
            for r in visits:
                group = groups.get(r.ykey)
                if group is not None:
                    group.append(r)
            for ykey, (kita, year, used, budget) in over.items():
                _budget_over(kita, year, used, budget, groups[ykey], ctx, out)
        stop = end if end is not None else horizon_end(today, ctx.settings)
        for kita in ctx.kitas.values():
            if only_kita is not None and kita.id != only_kita:
                continue
            for period in required_periods(kita, ctx.settings, start=start, end=stop):
                if f"{kita.id}\x1f{period.key}" not in seen:
                    _cadence_finding(kita, period, ctx, out)

    # -- a candidate ---------------------------------------------------------------------

    def _old_version(self, event_id: str, candidate: Event) -> Event | None:
        if self._store is not None:
            if not candidate.created and not candidate.sequence:
                return None  # never saved: no stored version to replace
            try:
                return self._store.event(event_id)
            except NotFound:
                return None
        if self._by_id is None:
            self._by_id = {e.id: e for e in self._events}
        return self._by_id.get(event_id)

    def _near_index(
        self, ctx: _Context, lo: int, hi: int
    ) -> tuple[dict[int, list[_Row]], dict[str, list[_Row]]]:
        """UTC-day buckets of rows around ``[lo, hi)``, plus visits per Kita."""
        events: Sequence[Event]
        if self._store is not None:
            first, last = _date_of_ts(lo, ctx.tz), _date_of_ts(hi, ctx.tz)
            events = self._store.events(first - timedelta(days=1), last + timedelta(days=2))
            key: tuple[Any, ...] = (lo // _DAY, hi // _DAY, len(events), *map(id, events))
            bounds: tuple[int | None, int | None] = (lo, hi)
        else:
            events = self._events
            key = ("all",)
            bounds = (None, None)
        index = self._state.index
        if index is not None and index[0] == key:
            return index[1], index[2]
        buckets: dict[int, list[_Row]] = {}
        visits: dict[str, list[_Row]] = {}
        for r in self._rows_of(events, ctx, *bounds):
            if r.blocks:
                last_day = (r.e - 1) // _DAY if r.e > r.s else r.s // _DAY
                for day in range(r.s // _DAY, last_day + 1):
                    buckets.setdefault(day, []).append(r)
            if r.visit and r.kita is not None and self._store is None:
                visits.setdefault(r.kita, []).append(r)
        self._state.index = (key, buckets, visits)
        return buckets, visits

    def _year_visits(self, ctx: _Context, kita_id: str, year: int) -> list[_Row]:
        lo = epoch(day_start(date(year, 1, 1), ctx.tz))
        hi = epoch(day_start(date(year + 1, 1, 1), ctx.tz))
        if self._store is None:
            _, visits = self._near_index(ctx, lo, hi)
            return [r for r in visits.get(kita_id, ()) if lo <= r.s < hi]
        events = [
            e for e in self._store.events(date(year, 1, 1), date(year + 1, 1, 1))
            if e.kita == kita_id and e.kind == "begleitung"
        ]
        return [
            r for r in self._rows_of(events, ctx, lo, hi)
            if r.visit and r.kita == kita_id and lo <= r.s < hi
        ]

    def check_candidate(self, candidate: Event, *, today: date | None = None) -> list[Finding]:
        """The findings that saving ``candidate`` would cause: those involving it, plus
        its Kita's budget and cadence for the affected years and periods. It replaces
        the stored event with the same id."""
        with self._state.lock:
            return self._check_candidate(candidate, today)

    def _check_candidate(self, candidate: Event, today: date | None) -> list[Finding]:
        ctx = self._context()
        today = today or date.today()
        out = _Out(ctx.acks)
        cand_rows = [
            r for occ in expand((candidate,)) if (r := _make_row(occ, ctx)) is not None
        ]
        old = self._old_version(candidate.id, candidate)
        old_rows = (
            [r for occ in expand((old,)) if (r := _make_row(occ, ctx)) is not None]
            if old is not None else []
        )
        for r in cand_rows:
            if r.issues:
                _per_event(r, ctx, out)
        blocking = [r for r in cand_rows if r.blocks]
        if blocking:
            lo = min(r.s for r in blocking) - ctx.margin
            hi = max(r.e for r in blocking) + ctx.margin
            buckets, _ = self._near_index(ctx, lo, hi)
            near: dict[str, _Row] = {}
            for r in blocking:
                first = (r.s - ctx.buffer) // _DAY
                last = (max(r.e, r.s + 1) - 1 + ctx.buffer) // _DAY
                for day in range(first, last + 1):
                    for n in buckets.get(day, ()):
                        if n.id != candidate.id and (
                            n.kita == r.kita or not set(n.coaches).isdisjoint(r.coaches)
                        ):
                            near[n.key] = n
            _group_rules([*near.values(), *blocking], ctx, out, None, None, only=candidate.id)
        # Budget and cadence of the Kitas whose visits change.
        affected: dict[tuple[str, int], set[str]] = {}
        for r in (*cand_rows, *old_rows):
            if r.visit and r.kita is not None and r.kita in ctx.kitas:
                affected.setdefault((r.kita, int(r.day0[:4])), set()).add(r.day0)
        stop = horizon_end(today, ctx.settings)
        for (kita_id, year), days in sorted(affected.items()):
            kita = ctx.kitas[kita_id]
            visits = [r for r in self._year_visits(ctx, kita_id, year) if r.id != candidate.id]
            visits += [
                r for r in cand_rows
                if r.visit and r.kita == kita_id and r.day0[:4] == str(year)
            ]
            _budget_finding(kita, year, visits, ctx, out)
            kind = cadence_kind(kita.stage, ctx.settings)
            if kind is None:
                continue
            wanted = {period_of(date.fromisoformat(d), kind).key for d in days}
            seen = _visited(visits)
            for period in required_periods(
                kita, ctx.settings, start=date(year, 1, 1), end=min(stop, date(year + 1, 1, 1))
            ):
                if period.key in wanted and f"{kita_id}\x1f{period.key}" not in seen:
                    _cadence_finding(kita, period, ctx, out)
        return out.result()


# -- module-level wrappers -------------------------------------------------------------

def checker_for(store: Store) -> Checker:
    """A checker of a store. Its rows survive between checks: they live in the store's
    state (``_state_of``), which goes with the store. (A cached checker would keep the
    store alive, and with it all its events and rows, until the process ends.)"""
    return Checker.from_store(store)


def check(
    events: Sequence[Event],
    *,
    coaches: Iterable[Coach],
    kitas: Iterable[Kita],
    settings: Settings | dict[str, Any] | None,
    acks: Iterable[Ack | str] = (),
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    coach: str | None = None,
    kita: str | None = None,
) -> list[Finding]:
    checker = Checker(events, coaches=coaches, kitas=kitas, settings=settings, acks=acks)
    return checker.check(start=start, end=end, today=today, coach=coach, kita=kita)


def check_store(
    store: Store,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    coach: str | None = None,
    kita: str | None = None,
) -> list[Finding]:
    return checker_for(store).check(start=start, end=end, today=today, coach=coach, kita=kita)


def check_candidate(
    candidate: Event,
    source: Store | Sequence[Event],
    *,
    coaches: Iterable[Coach] = (),
    kitas: Iterable[Kita] = (),
    settings: Settings | dict[str, Any] | None = None,
    acks: Iterable[Ack | str] = (),
    today: date | None = None,
) -> list[Finding]:
    """Findings that ``candidate`` would cause if saved (see ``Checker.check_candidate``).
    With a store, coaches, Kitas, settings and acks come from it."""
    if isinstance(source, Store):
        return checker_for(source).check_candidate(candidate, today=today)
    checker = Checker(source, coaches=coaches, kitas=kitas, settings=settings, acks=acks)
    return checker.check_candidate(candidate, today=today)
