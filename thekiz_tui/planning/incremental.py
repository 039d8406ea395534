"""The unbounded check, kept up to date between checks.

``Full`` keeps what an unbounded check found, per part (per coach, per Kita, per Kita
and year); ``full_update`` compares the store's events with the last check's by object
identity and redoes only the parts the changed events touch, or builds afresh
(``_full_build``) when there is nothing to compare with or much has changed. ``no_gc``
pauses the cyclic garbage collector while many rows are made.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import compress, count
from operator import is_not

from store import Event, Kita

from .budget import budget_for_year
from .cadence import horizon_end, required_periods
from .money import ZERO
from .occurrences import expand
from .rows import ORDER, Context, Item, Row, cached_single_row, make_row
from .rules import Out, budget_over, cadence_finding, overlap_finding, per_event, travel_finding
from .sweep import sweep

_EventRows = tuple[Event, tuple[Row, ...], int]  # with a rank in event order
_GAP = 1 << 20


class Full:
    """What an unbounded check found, per part: per coach and per Kita the sorted rows
    and their overlap and travel findings, per Kita and year the visits and their cost,
    per Kita the budget and cadence findings. A check updates only the parts whose
    events changed (by object identity; a re-read event that is equal to the one it
    replaces keeps its rows), so a check after an edit redoes one coach's and one Kita's
    part. Findings are kept without acknowledgements (``Out.merge`` applies them)."""

    __slots__ = (
        "agg", "coach_items", "coach_rows", "diffable", "dirty_coaches", "dirty_groups",
        "dirty_kitas", "dirty_years", "events", "evs", "issues", "kita_items", "kita_rows",
        "kita_years", "seen", "totals", "visits",
    )

    def __init__(self) -> None:
        self.events: list[Event] = []  # the checked events
        self.diffable = True
        self.evs: dict[int, _EventRows] = {}
        self.coach_rows: dict[str, list[Row]] = {}
        self.kita_rows: dict[str, list[Row]] = {}
        self.coach_items: dict[str, list[Item]] = {}
        self.kita_items: dict[str, list[Item]] = {}
        self.issues: dict[int, Row] = {}
        self.visits: dict[str, list[Row]] = {}  # per Kita and year, in event order
        self.totals: dict[str, Decimal] = {}
        self.kita_years: dict[str, set[str]] = {}
        self.seen: Counter[str] = Counter()
        self.agg: dict[str, tuple[Kita, date, list[Item]]] = {}
        self.dirty_coaches: set[str] = set()
        self.dirty_groups: set[str] = set()
        self.dirty_years: set[str] = set()
        self.dirty_kitas: set[str] = set()

    def add(self, r: Row) -> None:
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

    def add_all(self, rows: Iterable[Row]) -> None:
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

    def remove(self, r: Row) -> None:
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

    def settle(self, ctx: Context, resort: bool) -> None:
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
            self.totals[ykey] = sum((r.cost for r in visits), ZERO)
        self.dirty_years.clear()
        buffer = ctx.buffer
        for who in self.dirty_coaches:
            group = self.coach_rows[who]
            if not group:
                del self.coach_rows[who]
                self.coach_items.pop(who, None)
                continue
            group.sort(key=ORDER)
            local = Out(frozenset())
            overlaps, travel = sweep(group, buffer)
            for a, b in overlaps:
                overlap_finding("coach-overlap", who, a, b, ctx, local)
            for a, b in travel:
                travel_finding(who, a, b, ctx, local)
            self.coach_items[who] = list(local.items.values())
        self.dirty_coaches.clear()
        for who in self.dirty_groups:
            group = self.kita_rows[who]
            if not group:
                del self.kita_rows[who]
                self.kita_items.pop(who, None)
                continue
            group.sort(key=ORDER)
            local = Out(frozenset())
            overlaps, _ = sweep(group, 0)
            for a, b in overlaps:
                overlap_finding("kita-overlap", who, a, b, ctx, local)
            self.kita_items[who] = list(local.items.values())
        self.dirty_groups.clear()

    def aggregates(self, ctx: Context, stop: date, out: Out) -> None:
        """Budget and cadence findings of every Kita (as ``Checker._aggregates``)."""
        agg = self.agg
        dirty = self.dirty_kitas
        kitas = ctx.kitas
        for kita_id in [k for k in agg if k not in kitas]:
            del agg[kita_id]
        for kita_id, kita in kitas.items():
            hit = agg.get(kita_id)
            if hit is None or kita_id in dirty or hit[1] != stop or hit[0] != kita:
                local = Out(frozenset())
                self._kita_aggregates(kita, ctx, stop, local)
                hit = (replace(kita), stop, list(local.items.values()))
                agg[kita_id] = hit
            if hit[2]:
                out.merge(hit[2])
        dirty.clear()

    def _kita_aggregates(self, kita: Kita, ctx: Context, stop: date, out: Out) -> None:
        for ykey in sorted(self.kita_years.get(kita.id, ())):
            year = int(ykey.rpartition("\x1f")[2])
            budget = budget_for_year(kita, year, ctx.settings)
            used = self.totals[ykey]
            if budget is not None and used > budget:
                budget_over(kita, year, used, budget, self.visits[ykey], ctx, out)
        seen = self.seen
        for period in required_periods(kita, ctx.settings, start=None, end=stop):
            if f"{kita.id}\x1f{period.key}" not in seen:
                cadence_finding(kita, period, ctx, out)

    def findings(self, ctx: Context, today: date) -> Out:
        out = Out(ctx.acks)
        for r in self.issues.values():
            per_event(r, ctx, out)
        for items in self.coach_items.values():
            if items:
                out.merge(items)
        for items in self.kita_items.values():
            if items:
                out.merge(items)
        self.aggregates(ctx, horizon_end(today, ctx.settings), out)
        return out


def _visit_order(r: Row) -> tuple[bool, int, int]:
    return (r.key != r.id, r.rank, r.sub)


def _event_rows(
    ev: Event, ctx: Context, known: dict[int, _EventRows] | None,
    cache: dict[int, tuple[Event, Row | None]],
) -> tuple[Row, ...]:
    """The rows of one event for an unbounded check (series: all their occurrences)."""
    if known is not None:
        hit = known.get(id(ev))
        if hit is not None and hit[0] is ev:
            return hit[1]
    if ev.series:
        rows: list[Row] = []
        for occ in expand((ev,)):
            row = make_row(occ, ctx)
            if row is not None:
                row.sub = len(rows)
                rows.append(row)
        return tuple(rows)
    row = cached_single_row(ev, ctx, cache)
    return () if row is None else (row,)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
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
    events: Sequence[Event], ctx: Context, old: Full | None,
    cache: dict[int, tuple[Event, Row | None]],
) -> Full:
    # Many objects, no cycles: the cyclic collector would only walk them again and again.
    with no_gc():
        return _full_build_(events, ctx, old, cache)


def _full_build_(
    events: Sequence[Event], ctx: Context, old: Full | None,
    cache: dict[int, tuple[Event, Row | None]],
) -> Full:
    full = Full()
    known = None if old is None else old.evs
    evs = full.evs
    single: list[Row] = []
    append = single.append
    series: list[Row] = []
    rank = 0
    for ev in events:
        rank += _GAP
        if known is None and not ev.series:
            row = cached_single_row(ev, ctx, cache)
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
        if ev.series:
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


def _renumber(full: Full, events: Sequence[Event]) -> None:
    evs = full.evs
    rank = 0
    for ev in events:
        rank += _GAP
        key = id(ev)
        _, rows, _ = evs[key]
        evs[key] = (ev, rows, rank)
        for r in rows:
            r.rank = rank


def full_update(
    full: Full | None, events: Sequence[Event], ctx: Context,
    cache: dict[int, tuple[Event, Row | None]],
) -> Full:
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
    kept_rows: list[Row] = []
    rank = lo
    for ev in new_part:
        rank += step
        key = id(ev)
        entry = evs.get(key)
        if entry is None:
            prev = gone.pop(ev.id, None)
            if prev is not None and prev[0] == ev:
                entry = prev  # re-read, unchanged: keeps its rows
                if not ev.series:
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
