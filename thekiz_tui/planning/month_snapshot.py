"""What the planner shows of one month: occurrences, findings and holidays by local day.

Built in a worker thread from the store (no Textual here) and handed to the views as one
immutable snapshot, so that moving the selection inside a month needs no store access.
The snapshot is the month grid: six weeks from the Monday on or before the 1st, which also
holds the week of every day of the month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .findings import Finding, severity_rank
from .holidays import HolidayLookup
from .occurrences import Occurrence, expand
from .settings import Settings
from .timeutil import day_start, epoch, from_epoch

if TYPE_CHECKING:  # the check is imported only by those who run it; the store by the
    # caller (the planner's first frame needs only the records: see store/__init__.py)
    from store import Coach, Event, Kita, Store

    from .conflicts import Checker

GRID_DAYS = 42


def grid_start(year: int, month: int) -> date:
    """The Monday on or before the 1st of the month."""
    first = date(year, month, 1)
    return first - timedelta(days=first.weekday())


@dataclass(frozen=True, slots=True)
class Filters:
    """What the side panel narrows the plan to; None means everyone / everything."""

    coach: str | None = None
    kita: str | None = None
    kind: str | None = None

    def keeps(self, event: Event) -> bool:
        # a coach's events: those she is a coach or a participant of (shared dates)
        if self.coach is not None and self.coach not in event.coaches and (
            self.coach not in event.participants
        ):
            return False
        if self.kita is not None and event.kita != self.kita and (
            self.kita not in event.participants
        ):
            return False
        return self.kind is None or event.kind == self.kind

    def keeps_finding(self, finding: Finding) -> bool:
        if self.coach is not None and finding.coach not in (None, self.coach):
            return False
        return self.kita is None or finding.kita in (None, self.kita)


@dataclass(frozen=True, slots=True)
class MonthSnapshot:
    """One month's snapshot for the views. Days are local days in ``tz``."""

    year: int
    month: int
    start: date  # first day of the grid (a Monday)
    end: date  # exclusive
    today: date
    tz: str
    filters: Filters
    occurrences: tuple[Occurrence, ...]  # sorted by start
    by_day: dict[date, tuple[Occurrence, ...]]  # every local day an occurrence touches
    findings: tuple[Finding, ...]  # of the grid, filtered, worst first per day
    findings_by_day: dict[date, tuple[Finding, ...]]
    findings_by_event: dict[str, tuple[Finding, ...]]  # by Occurrence.key (event id, or id/rid)
    holidays: dict[date, str]
    coaches: dict[str, Coach]
    kitas: dict[str, Kita]
    settings: Settings = field(default_factory=Settings)
    complete: bool = True  # False: a first, quick snapshot without findings and holidays

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def on(self, day: date) -> tuple[Occurrence, ...]:
        return self.by_day.get(day, ())

    def open_findings(self, day: date) -> tuple[Finding, ...]:
        """Unacknowledged findings that start on ``day``."""
        return tuple(f for f in self.findings_by_day.get(day, ()) if not f.acknowledged)

    def local_day(self, ts: int) -> date:
        return from_epoch(ts, self.tz).date()


def _days_of(occ: Occurrence, tz: str, lo: date, hi: date) -> list[date]:
    first = from_epoch(occ.start_ts, tz).date()
    # The end is exclusive: an event ending at midnight does not touch the next day.
    last = from_epoch(max(occ.end_ts - 1, occ.start_ts), tz).date()
    first = max(first, lo)
    last = min(last, hi - timedelta(days=1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def build_month_snapshot(
    store: Store,
    checker: Checker | None,
    year: int,
    month: int,
    *,
    today: date,
    filters: Filters = Filters(),
    complete: bool = True,
) -> MonthSnapshot:
    """The month's snapshot: reads the store and runs the conflict check of the grid.

    ``complete=False`` leaves out the findings and the holidays: the planner paints that
    first at start-up (the check and the ``holidays`` import cost most), then the rest.
    Only a complete snapshot needs the ``checker``.
    """
    if complete and checker is None:
        raise ValueError("a complete snapshot needs a checker")
    settings = Settings.from_store(store.settings())
    tz = settings.timezone
    start = grid_start(year, month)
    end = start + timedelta(days=GRID_DAYS)
    lo, hi = epoch(day_start(start, tz)), epoch(day_start(end, tz))
    events: Sequence[Event] = [e for e in store.events(start, end) if filters.keeps(e)]
    occurrences = expand(events, lo, hi)
    occurrences.sort(key=lambda o: (o.start_ts, not o.event.all_day, o.event.title, o.key))
    by_day: dict[date, list[Occurrence]] = {}
    for occ in occurrences:
        for day in _days_of(occ, tz, start, end):
            by_day.setdefault(day, []).append(occ)
    for day_list in by_day.values():
        # all-day events first on each day, then by time
        day_list.sort(key=lambda o: (not o.event.all_day, o.start_ts))
    findings = [] if checker is None or not complete else [
        f for f in checker.check(start=start, end=end, today=today, coach=filters.coach,
                                 kita=filters.kita)
        if filters.keeps_finding(f)
    ]
    by_day_f: dict[date, list[Finding]] = {}
    by_event: dict[str, list[Finding]] = {}
    for finding in findings:
        by_day_f.setdefault(date.fromisoformat(finding.start[:10]), []).append(finding)
        for event_id in finding.events:
            by_event.setdefault(event_id, []).append(finding)
    for day_findings in by_day_f.values():
        day_findings.sort(key=lambda f: (severity_rank(f.severity), f.start))
    lookup = HolidayLookup(settings.holiday_country, settings.holiday_subdiv)
    holidays = {}
    for i in range(GRID_DAYS if complete else 0):
        day = start + timedelta(days=i)
        name = lookup.get(day.isoformat())
        if name:
            holidays[day] = name
    return MonthSnapshot(
        year=year,
        month=month,
        start=start,
        end=end,
        today=today,
        tz=tz,
        filters=filters,
        occurrences=tuple(occurrences),
        by_day={d: tuple(v) for d, v in by_day.items()},
        findings=tuple(findings),
        findings_by_day={d: tuple(v) for d, v in by_day_f.items()},
        findings_by_event={k: tuple(v) for k, v in by_event.items()},
        holidays=holidays,
        coaches={c.id: c for c in store.coaches()},
        kitas={k.id: k for k in store.kitas()},
        settings=settings,
        complete=complete,
    )
