"""Budget and hours: coaching hours × each coach's hourly rate per Kita and year.

Counted are the non-cancelled coaching visits (kind ``begleitung``) at the Kita, by the
local year (month) of their start. All-day visits have no duration and count no hours.
The budget is ``Kita.budget`` if set, else the stage default from the settings. Before
the year of ``Kita.since`` the Kita was in the previous stage (Vertiefung follows Basis,
Konsultation follows Vertiefung); in the year of the change the larger budget applies,
so that only a certain overrun is warned about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from store import Coach, Event, Kita

from .cadence import local_day, since_of
from .money import ZERO, euros, hours_of, line_fee
from .occurrences import Occurrence, expand
from .settings import Settings
from .timeutil import day_start, epoch

PREVIOUS_STAGE = {"basis": "basis", "vertiefung": "basis", "konsultation": "vertiefung"}


def budget_for_year(kita: Kita, year: int, settings: Settings) -> Decimal | None:
    """The Kita's budget for a calendar year, or None (no budget: not checked)."""
    if kita.budget is not None:
        return euros(kita.budget)
    current = settings.budget_for(kita.stage)
    since = since_of(kita)
    if since is None or year > since.year:
        return current
    before = settings.budget_for(PREVIOUS_STAGE.get(kita.stage, kita.stage))
    if year < since.year:
        return before
    if current is None or before is None:
        return None
    return max(current, before)


def occurrence_hours(occ: Occurrence) -> Decimal:
    """A visit's hours to the hundredth (all-day: none)."""
    if occ.event.all_day:
        return ZERO
    return hours_of(occ.end_ts - occ.start_ts)


def rates_of(coaches: Iterable[Coach]) -> dict[str, Decimal]:
    """Each coach's hourly rate, exactly."""
    return {c.id: euros(c.rate or 0) for c in coaches}


def occurrence_cost(occ: Occurrence, rates: dict[str, Decimal]) -> Decimal:
    """Hours × rate for every coach attending, each line to the cent."""
    hours = occurrence_hours(occ)
    return sum((line_fee(hours, rates.get(c, ZERO)) for c in dict.fromkeys(occ.event.coaches)),
               ZERO)


def is_visit(event: Event, kita_id: str) -> bool:
    return event.kind == "begleitung" and event.kita == kita_id and event.status != "abgesagt"


def _year_occurrences(
    kita_id: str, events: Iterable[Event], year: int, tz: str
) -> list[Occurrence]:
    lo = epoch(day_start(date(year, 1, 1), tz))
    hi = epoch(day_start(date(year + 1, 1, 1), tz))
    relevant = [e for e in events if e.kind == "begleitung" and e.kita == kita_id]
    out = []
    for occ in expand(relevant, lo, hi):
        if is_visit(occ.event, kita_id) and lo <= occ.start_ts < hi:
            out.append(occ)
    return out


@dataclass(frozen=True, slots=True)
class YearCost:
    kita: str
    year: int
    hours: Decimal
    used: Decimal
    budget: Decimal | None

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.used

    @property
    def over(self) -> bool:
        return self.budget is not None and self.used > self.budget


def kita_year_cost(
    kita: Kita,
    year: int,
    events: Iterable[Event],
    coaches: Iterable[Coach],
    settings: Settings,
    *,
    coach: str | None = None,
) -> YearCost:
    """Used, budget and left for one Kita and calendar year. With ``coach``, only that
    coach's share is counted in ``used`` and ``hours``."""
    rates = rates_of(coaches)
    if coach is not None:
        rates = {coach: rates.get(coach, ZERO)}
    hours = used = ZERO
    for occ in _year_occurrences(kita.id, events, year, settings.timezone):
        if coach is not None and coach not in occ.event.coaches:
            continue
        hours += occurrence_hours(occ)
        used += occurrence_cost(occ, rates)
    return YearCost(kita.id, year, hours, used, budget_for_year(kita, year, settings))


@dataclass(frozen=True, slots=True)
class MonthHours:
    month: int
    hours: Decimal
    status: str  # "below" | "within" | "above" the recommended 2–5 hours


def hours_status(hours: Decimal, settings: Settings) -> str:
    if hours < euros(settings.recommended_hours_min):
        return "below"
    if hours > euros(settings.recommended_hours_max):
        return "above"
    return "within"


def kita_month_hours(
    kita: Kita, year: int, events: Iterable[Event], settings: Settings
) -> list[MonthHours]:
    """Coaching hours per month of a year against the recommended 2–5 hours.

    Hours are the visits' durations (per visit, not per attending coach)."""
    per_month = [ZERO] * 12
    tz = settings.timezone
    for occ in _year_occurrences(kita.id, events, year, tz):
        per_month[int(local_day(occ, tz)[5:7]) - 1] += occurrence_hours(occ)
    return [MonthHours(m + 1, h, hours_status(h, settings)) for m, h in enumerate(per_month)]
