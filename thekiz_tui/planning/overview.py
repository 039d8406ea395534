"""The Kita overview: one row per Kita with its stage, coach, visits, budget and checklist.

No rule lives here: the cadence (``cadence.kita_cadence``), the budget
(``budget.kita_year_cost``) and the checklist (``checklist.kita_checklist``) decide; this
module only reads the store once and hands each Kita its own share of the events, so that
the ~70 Kitas of the programme do not each walk the whole store.

What is read: the events of the chosen year, everything after today (the next visit), and
from today's year backwards only as far as needed to find every Kita's last visit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from store import Coach, Event, Kita, Store

from .budget import kita_year_cost
from .cadence import Period, horizon_end, kita_cadence, since_of
from .checklist import OPEN_TO_ALL, Item, kita_checklist
from .labels import STAGE_LABELS
from .occurrences import expand
from .settings import Settings
from .timeutil import day_start, epoch


@dataclass(frozen=True, slots=True)
class KitaRow:
    """One Kita in the overview for a calendar year, as of ``today``."""

    id: str
    name: str
    district: str
    stage: str
    stage_label: str
    since: date | None
    coach: str | None  # coach id
    coach_name: str
    last_visit: date | None  # the last coaching visit on or before today
    next_visit: date | None  # the first coaching visit after today
    cadence: str | None  # "month", "quarter" or None (no cadence for the stage)
    without_visit: tuple[Period, ...]  # required periods of the year up to the horizon
    budget: Decimal | None  # None: the stage has no budget
    used: Decimal
    hours: Decimal
    checklist: tuple[Item, ...]

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.used

    @property
    def over(self) -> bool:
        return self.budget is not None and self.used > self.budget

    @property
    def share(self) -> float | None:
        """Used part of the budget, 0..1 (clamped); None without a budget."""
        if self.budget is None:
            return None
        if self.budget <= 0:
            return 1.0 if self.used > 0 else 0.0
        return max(0.0, min(1.0, float(self.used / self.budget)))

    @property
    def done(self) -> int:
        return sum(i.status == "done" for i in self.checklist)

    @property
    def planned(self) -> int:
        return sum(i.status == "planned" for i in self.checklist)

    @property
    def missing(self) -> int:
        return sum(i.status == "missing" for i in self.checklist)


def kita_overview(
    store: Store, *, year: int, today: date, now: datetime | None = None
) -> list[KitaRow]:
    """The overview rows of every Kita for ``year``, sorted by name.

    ``now`` decides done against planned in the checklist (default: today at the
    current time of day, as ``thekiz report`` does)."""
    kitas = store.kitas()
    coaches = store.coaches()
    settings = Settings.from_store(store.settings())
    events = _relevant_events(store, kitas, year, today)
    return overview_rows(
        kitas, coaches, events, settings, year=year, today=today, now=now
    )


def overview_rows(
    kitas: Iterable[Kita],
    coaches: Iterable[Coach],
    events: Iterable[Event],
    settings: Settings,
    *,
    year: int,
    today: date,
    now: datetime | None = None,
) -> list[KitaRow]:
    """The rows from records already read (the events must hold the year and, for the
    last and next visit, the time around today)."""
    coach_list = list(coaches)
    names = {c.id: c.name for c in coach_list}
    now = now or datetime.combine(today, datetime.now().time()).astimezone()
    kita_list = list(kitas)
    # Each Kita's share: its own events, and the ones it takes part in. Events open to
    # all Kitas (checklist.OPEN_TO_ALL without Kita or participants) go to every Kita.
    own: dict[str, list[Event]] = {k.id: [] for k in kita_list}
    open_to_all: list[Event] = []
    for event in events:
        if event.kita is not None:
            bucket = own.get(event.kita)
            if bucket is not None:
                bucket.append(event)
        for kita_id in event.participants:
            if kita_id != event.kita:
                bucket = own.get(kita_id)
                if bucket is not None:
                    bucket.append(event)
        if event.kind in OPEN_TO_ALL and event.kita is None and not event.participants:
            open_to_all.append(event)
    first = date(year, 1, 1)
    stop = min(date(year + 1, 1, 1), horizon_end(today, settings))
    # The shared events (a quarterly Arbeitskreis series) are expanded over the year
    # once, not once per Kita: their occurrences are single events of the same id.
    tz = settings.timezone
    shared = [
        occ.event
        for occ in expand(
            open_to_all, epoch(day_start(first, tz)), epoch(day_start(date(year + 1, 1, 1), tz))
        )
    ]
    rows: list[KitaRow] = []
    for kita in kita_list:
        mine = own[kita.id]
        cadence = kita_cadence(kita, mine, settings, today=today, start=first, end=stop)
        cost = kita_year_cost(kita, year, mine, coach_list, settings)
        checklist = kita_checklist(kita, year, [*mine, *shared], settings, now=now)
        rows.append(KitaRow(
            id=kita.id,
            name=kita.name,
            district=kita.district,
            stage=kita.stage,
            stage_label=STAGE_LABELS.get(kita.stage, kita.stage),
            since=since_of(kita),
            coach=kita.coach,
            coach_name=names.get(kita.coach, kita.coach) if kita.coach else "",
            last_visit=_day(cadence.last_visit),
            next_visit=_day(cadence.next_visit),
            cadence=cadence.kind,
            without_visit=tuple(cadence.without_visit) if stop > first else (),
            budget=cost.budget,
            used=cost.used,
            hours=cost.hours,
            checklist=tuple(checklist.items),
        ))
    rows.sort(key=lambda r: (r.name.casefold(), r.id))
    return rows


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _relevant_events(store: Store, kitas: list[Kita], year: int, today: date) -> list[Event]:
    """The year's events, all events after today, and the past back to every Kita's
    last visit (year by year from today's year; stops at the oldest stored month).

    A Kita counts as found when a visit's stored wall date lies before today: its
    local day is then on or before today whatever the zones, so the last visit is
    certainly in what was read. ``kita_cadence`` then decides exactly."""
    by_id: dict[str, Event] = {}

    def add(chunk: Iterable[Event]) -> None:
        for event in chunk:
            by_id.setdefault(event.id, event)

    add(store.events(date(year, 1, 1), date(year + 1, 1, 1)))
    add(store.events(today, None))
    partitions = store.partitions()
    oldest = date.fromisoformat(partitions[0] + "-01") if partitions else today
    today_text = today.isoformat()
    wanted = {k.id for k in kitas}
    # The past from the start of today's year on is read in one go; older years only
    # while a Kita still lacks a visit.
    cursor = date(today.year, 1, 1)
    add(store.events(cursor, today + timedelta(days=1)))
    while True:
        for event in by_id.values():
            if (
                event.kind == "begleitung" and event.kita in wanted
                and event.status != "abgesagt" and event.start[:10] < today_text
                and not event.series
            ):
                wanted.discard(event.kita)
        if not wanted or cursor <= oldest:
            break
        cursor = date(cursor.year - 1, 1, 1)
        add(store.events(cursor, date(cursor.year + 1, 1, 1)))
    return list(by_id.values())
