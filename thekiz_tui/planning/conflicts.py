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

import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from store import Ack, Coach, Event, Kita, Store
from store.errors import NotFound

from .budget import budget_for_year
from .cadence import STAGE_DE, Period, cadence_kind, horizon_end, period_of, required_periods
from .findings import Finding, finding_id, severity_rank, summary_exit_code
from .holidays import HolidayLookup
from .occurrences import Occurrence, expand
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
KIND_DE = {
    "begleitung": "Prozessbegleitung",
    "fortbildung": "Fortbildung",
    "arbeitskreis": "Arbeitskreis",
    "fachtag": "Fachtag",
    "einrichtungsbesuch": "Einrichtungsbesuch",
    "sonstiges": "Sonstiges",
}
WEEKDAY_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

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
        "qkey", "s", "start_text", "t0", "t1", "visit", "year", "ykey",
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

    @property
    def title(self) -> str:
        return self.ev.title or KIND_DE.get(self.ev.kind, self.ev.kind)

    @property
    def sig(self) -> str:
        return f"{self.key}@{self.s}-{self.e}"

    def when(self) -> str:
        """German: ``04.03.2025 09:30–11:30`` or ``04.03.2025 (ganztägig)``."""
        if self.all_day:
            last = self.days[-1]
            if last == self.day0:
                return f"{_de(self.day0)} (ganztägig)"
            return f"{_de(self.day0)}–{_de(last)} (ganztägig)"
        end_day = self.end_text[:10]
        if end_day == self.day0:
            return f"{_de(self.day0)} {self.t0}–{self.t1}"
        return f"{_de(self.day0)} {self.t0} – {_de(end_day)} {self.t1}"

    def label(self) -> str:
        return f"„{self.title}“ ({self.when()})"


_ORDER = attrgetter("order")
_Item = tuple[int, Finding, frozenset[str], frozenset[str]]


def _make_row(occ: Occurrence, ctx: _Context) -> _Row | None:
    ev = occ.event
    if ev.status == "abgesagt":
        return None
    visit = ev.kind == "begleitung"
    if ev.free and not visit:
        return None  # free busy time takes part in nothing
    r = _Row()
    r.s, r.e = occ.start_ts, occ.end_ts
    r.key = occ.key
    r.ev = ev
    r.id = ev.id
    r.coaches = tuple(dict.fromkeys(ev.coaches))
    r.kita = ev.kita
    place = ev.location.strip() or (ctx.addresses.get(ev.kita, "") if ev.kita else "")
    place = place or (ev.kita or "")
    r.place = place
    r.pnorm = " ".join(place.casefold().split())
    r.blocks = not ev.free
    r.visit = visit
    r.all_day = ev.all_day
    if ev.all_day:
        r.day0 = ev.start[:10]
        end = ev.end[:10]
        r.start_text, r.end_text = r.day0, end
        r.days = _days(r.day0, _prev_day(end) if end > r.day0 else r.day0)
        r.t0 = r.t1 = ""
        r.hours = 0.0
    else:
        if ev.tz == ctx.tz and len(ev.start) >= 19 and len(ev.end) >= 19:
            r.start_text, r.end_text = ev.start, ev.end
        else:
            r.start_text, r.end_text = ctx.iso(r.s), ctx.iso(r.e)
        r.day0 = r.start_text[:10]
        r.t0, r.t1 = r.start_text[11:16], r.end_text[11:16]
        end_day = r.end_text[:10]
        if end_day > r.day0 and r.end_text[11:19] == "00:00:00":
            end_day = _prev_day(end_day)
        r.days = _days(r.day0, end_day) if r.e > r.s else (r.day0,)
        r.hours = max(0, r.e - r.s) / 3600.0
    issues: list[tuple[str, tuple[str, ...]]] = []
    if r.blocks and ev.kind != "sonstiges":
        hol = ctx.holidays
        names = [f"{name} ({_de(d)})" for d in r.days if (name := hol.get(d)) is not None]
        if names:
            issues.append(("holiday", tuple(names)))
        off = [d for d in r.days if _weekday(d) not in ctx.work_days]
        if off:
            issues.append(("weekend", tuple(off)))
        if not r.all_day and (
            r.end_text[:10] != r.day0 or r.t0 < ctx.work_start or r.t1 > ctx.work_end
        ):
            issues.append(("working-hours", ()))
    r.issues = tuple(issues)
    r.order = (r.s, r.e, r.key)
    r.year = int(r.day0[:4])
    r.mkey = f"{r.kita}\x1f{r.day0[:7]}"
    r.qkey = f"{r.kita}\x1f{_quarter_key(r.day0)}"
    r.ykey = f"{r.kita}\x1f{r.year}"
    rates = ctx.rates
    r.cost = r.hours * sum(rates.get(c, 0.0) for c in r.coaches) if visit else 0.0
    r.found = None
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
            message = f"{r.label()} liegt auf {what}: {', '.join(payload)}."
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
        f"Zu wenig Fahrzeit für {ctx.coach_name(who)}: {a.label()} in {a.place} endet "
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
        f"Prozessbegleitung ({STAGE_DE.get(kita.stage, kita.stage)}: mindestens eine pro "
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


# -- the checker -----------------------------------------------------------------------


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
        self._rows: dict[int, tuple[Event, _Row | None]] = {}
        self._row_key: tuple[Any, ...] | None = None
        self._by_id: dict[str, Event] | None = None
        self._index: tuple[tuple[Any, ...], dict[int, list[_Row]], dict[str, list[_Row]]] | None
        self._index = None

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
        if key != self._row_key:
            self._rows.clear()
            self._index = None
            self._row_key = key
        return ctx

    def _load(self, start: date | None, end: date | None) -> Sequence[Event]:
        if self._store is not None:
            return self._store.events(start, end)
        return self._events

    def _rows_of(
        self, events: Iterable[Event], ctx: _Context, lo: int | None, hi: int | None
    ) -> list[_Row]:
        """Rows of the occurrences that overlap ``[lo, hi)``; series expanded there."""
        cache = self._rows
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
                occs = expand((ev,))
                row = _make_row(occs[0], ctx) if occs else None
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
        ctx = self._context()
        tz = ctx.tz
        today = today or date.today()
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
        if self._index is not None and self._index[0] == key:
            return self._index[1], self._index[2]
        buckets: dict[int, list[_Row]] = {}
        visits: dict[str, list[_Row]] = {}
        for r in self._rows_of(events, ctx, *bounds):
            if r.blocks:
                last_day = (r.e - 1) // _DAY if r.e > r.s else r.s // _DAY
                for day in range(r.s // _DAY, last_day + 1):
                    buckets.setdefault(day, []).append(r)
            if r.visit and r.kita is not None and self._store is None:
                visits.setdefault(r.kita, []).append(r)
        self._index = (key, buckets, visits)
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

_checkers: weakref.WeakKeyDictionary[Store, Checker] = weakref.WeakKeyDictionary()


def checker_for(store: Store) -> Checker:
    """The (cached) checker of a store: its rows survive between checks."""
    found = _checkers.get(store)
    if found is None:
        found = Checker.from_store(store)
        _checkers[store] = found
    return found


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
