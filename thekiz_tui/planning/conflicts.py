"""The conflict check: the programme's rules over events, as findings.

Rules (names are a contract): ``coach-overlap``, ``kita-overlap`` (errors),
``travel-buffer``, ``holiday``, ``weekend``, ``working-hours``, ``cadence-gap``,
``budget`` (warnings).

Design for speed (50,000 events): every event becomes a ``Row`` once (UTC epoch span,
local day and time cut from the stored local ISO text, the day rules' results), cached
per event object; events are read-only cached records, so an unchanged event keeps its
row. A check groups rows per coach and per Kita, sorts and sweeps. ``check_candidate``
looks only at the rows of the candidate's days (UTC-day buckets) and its Kita's year.

Intervals are half-open and compared as UTC epoch seconds, never as datetimes.

This module is the public API and the orchestration (``Checker``, the per-store state,
bounded and candidate checks). The parts, each importing only those before it:

- ``rows``: ``Context`` and ``Row``, the prepared occurrences and their caches;
- ``rules``: each rule's ``Finding`` (id, German message) and ``Out``, which sorts them;
- ``sweep``: sorting, grouping per coach and Kita, the overlap and travel sweep;
- ``incremental``: the unbounded check, redone only where changed events touch it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from store import Ack, Coach, Event, Kita, Store
from store.errors import NotFound

from .budget import budget_for_year
from .cadence import cadence_kind, horizon_end, period_of, required_periods
from .findings import Finding, summary_exit_code
from .incremental import Full, full_update, no_gc
from .money import ZERO
from .occurrences import expand
from .rows import DAY, Context, Row, cached_single_row, make_row
from .rules import Out, budget_finding, budget_over, cadence_finding, per_event, visited
from .settings import Settings
from .sweep import group_rules, touches
from .timeutil import day_start, epoch, from_epoch

__all__ = [
    "Checker",
    "Finding",
    "check",
    "check_candidate",
    "check_store",
    "summary_exit_code",
]


class _State:
    """What checks keep between calls; one per store, shared by its checkers."""

    __slots__ = ("full", "index", "lock", "row_key", "rows")

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Event, Row | None]] = {}
        self.row_key: tuple[Any, ...] | None = None
        self.index: tuple[tuple[Any, ...], dict[int, list[Row]], dict[str, list[Row]]] | None
        self.index = None
        self.full: Full | None = None
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
        # A store guarded for one person (``--as``): the check runs over the whole store
        # and shows only the findings she may see (see ``permissions``).
        self._guard: Store | None = None
        if store is not None:
            from .permissions import unguarded

            inner = unguarded(store)
            if inner is not store:
                self._guard, store = store, inner
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

    def _context(self) -> Context:
        if self._store is not None:
            store = self._store
            ctx = Context(
                Settings.from_store(store.settings()), store.coaches(), store.kitas(),
                store.acks(),
            )
        else:
            ctx = Context(self._settings, self._coaches, self._kitas, self._acks)
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
        self, events: Iterable[Event], ctx: Context, lo: int | None, hi: int | None
    ) -> list[Row]:
        """Rows of the occurrences that overlap ``[lo, hi)``; series expanded there."""
        cache = self._state.rows
        out: list[Row] = []
        append = out.append
        series: list[Event] = []
        lo_ = -(1 << 62) if lo is None else lo
        hi_ = 1 << 62 if hi is None else hi
        unbounded = lo is None and hi is None
        for ev in events:
            if ev.series:
                series.append(ev)
                continue
            row = cached_single_row(ev, ctx, cache)
            if row is not None and (
                unbounded or (row.s < hi_ and (row.e > lo_ or row.s == row.e >= lo_))
            ):
                append(row)
        if series:
            for occ in expand(series, lo, hi):
                row = make_row(occ, ctx)
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
            found = self._check(start, end, today, coach, kita)
        return self._as_seen(found)

    def _as_seen(self, found: list[Finding], candidate: Event | None = None) -> list[Finding]:
        """With a guarded store: the findings as its person may see them."""
        if self._guard is None:
            return found
        from .permissions import finding_view

        view = finding_view(self._guard, candidate)
        return [shown for f in found if (shown := view(f)) is not None]

    def _check(
        self, start: date | None, end: date | None, today: date | None, coach: str | None,
        kita: str | None,
    ) -> list[Finding]:
        ctx = self._context()
        tz = ctx.tz
        today = today or date.today()
        if start is None and end is None:
            state = self._state
            with no_gc():
                # Reading a big store and building its rows makes many objects and no
                # cycles: the cyclic collector would only walk them again and again.
                events = self._load(None, None)
                state.full = full_update(state.full, events, ctx, state.rows)
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
        out = Out(ctx.acks)
        if ws is None and we is None:
            near = rows
        else:
            mlo = None if ws is None else ws - ctx.margin
            mhi = None if we is None else we + ctx.margin
            near = [r for r in rows if touches(r, mlo, mhi)]
        for r in near:
            if r.issues and touches(r, ws, we):
                per_event(r, ctx, out)
        group_rules(near, ctx, out, ws, we)
        visits = [r for r in rows if r.visit and r.kita is not None]
        self._aggregates(visits, ctx, out, start, end, today, kita)
        return out.result(coach, kita)

    def _aggregates(
        self, visits: list[Row], ctx: Context, out: Out, start: date | None,
        end: date | None, today: date, only_kita: str | None,
    ) -> None:
        totals: dict[str, Decimal] = {}
        seen: set[str] = set()
        add = seen.add
        get = totals.get
        for r in visits:
            totals[r.ykey] = get(r.ykey, ZERO) + r.cost
            add(r.mkey)
            add(r.qkey)
        first_year = None if start is None else start.year
        last_year = None if end is None else date.fromordinal(end.toordinal() - 1).year
        over: dict[str, tuple[Kita, int, Decimal, Decimal]] = {}
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
            if budget is not None and used > budget:
                over[ykey] = (kita, year, used, budget)
        if over:
            groups: dict[str, list[Row]] = {key: [] for key in over}
            for r in visits:
                group = groups.get(r.ykey)
                if group is not None:
                    group.append(r)
            for ykey, (kita, year, used, budget) in over.items():
                budget_over(kita, year, used, budget, groups[ykey], ctx, out)
        stop = end if end is not None else horizon_end(today, ctx.settings)
        for kita in ctx.kitas.values():
            if only_kita is not None and kita.id != only_kita:
                continue
            for period in required_periods(kita, ctx.settings, start=start, end=stop):
                if f"{kita.id}\x1f{period.key}" not in seen:
                    cadence_finding(kita, period, ctx, out)

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
        self, ctx: Context, lo: int, hi: int
    ) -> tuple[dict[int, list[Row]], dict[str, list[Row]]]:
        """UTC-day buckets of rows around ``[lo, hi)``, plus visits per Kita."""
        events: Sequence[Event]
        if self._store is not None:
            first, last = _date_of_ts(lo, ctx.tz), _date_of_ts(hi, ctx.tz)
            events = self._store.events(first - timedelta(days=1), last + timedelta(days=2))
            key: tuple[Any, ...] = (lo // DAY, hi // DAY, len(events), *map(id, events))
            bounds: tuple[int | None, int | None] = (lo, hi)
        else:
            events = self._events
            key = ("all",)
            bounds = (None, None)
        index = self._state.index
        if index is not None and index[0] == key:
            return index[1], index[2]
        buckets: dict[int, list[Row]] = {}
        visits: dict[str, list[Row]] = {}
        for r in self._rows_of(events, ctx, *bounds):
            if r.blocks:
                last_day = (r.e - 1) // DAY if r.e > r.s else r.s // DAY
                for day in range(r.s // DAY, last_day + 1):
                    buckets.setdefault(day, []).append(r)
            if r.visit and r.kita is not None and self._store is None:
                visits.setdefault(r.kita, []).append(r)
        self._state.index = (key, buckets, visits)
        return buckets, visits

    def _year_visits(self, ctx: Context, kita_id: str, year: int) -> list[Row]:
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
            found = self._check_candidate(candidate, today)
        return self._as_seen(found, candidate)

    def _check_candidate(self, candidate: Event, today: date | None) -> list[Finding]:
        ctx = self._context()
        today = today or date.today()
        out = Out(ctx.acks)
        cand_rows = [
            r for occ in expand((candidate,)) if (r := make_row(occ, ctx)) is not None
        ]
        old = self._old_version(candidate.id, candidate)
        old_rows = (
            [r for occ in expand((old,)) if (r := make_row(occ, ctx)) is not None]
            if old is not None else []
        )
        for r in cand_rows:
            if r.issues:
                per_event(r, ctx, out)
        blocking = [r for r in cand_rows if r.blocks]
        if blocking:
            lo = min(r.s for r in blocking) - ctx.margin
            hi = max(r.e for r in blocking) + ctx.margin
            buckets, _ = self._near_index(ctx, lo, hi)
            near: dict[str, Row] = {}
            for r in blocking:
                first = (r.s - ctx.buffer) // DAY
                last = (max(r.e, r.s + 1) - 1 + ctx.buffer) // DAY
                for day in range(first, last + 1):
                    for n in buckets.get(day, ()):
                        if n.id != candidate.id and (
                            n.kita == r.kita or not set(n.coaches).isdisjoint(r.coaches)
                        ):
                            near[n.key] = n
            group_rules([*near.values(), *blocking], ctx, out, None, None, only=candidate.id)
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
            budget_finding(kita, year, visits, ctx, out)
            kind = cadence_kind(kita.stage, ctx.settings)
            if kind is None:
                continue
            wanted = {period_of(date.fromisoformat(d), kind).key for d in days}
            seen = visited(visits)
            for period in required_periods(
                kita, ctx.settings, start=date(year, 1, 1), end=min(stop, date(year + 1, 1, 1))
            ):
                if period.key in wanted and f"{kita_id}\x1f{period.key}" not in seen:
                    cadence_finding(kita, period, ctx, out)
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
