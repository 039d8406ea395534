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

from store import Coach, Event, Kita

from .cadence import local_day, since_of
from .occurrences import Occurrence, expand
from .settings import Settings
from .timeutil import day_start, epoch

PREVIOUS_STAGE = {"basis": "basis", "vertiefung": "basis", "konsultation": "vertiefung"}


def budget_for_year(kita: Kita, year: int, settings: Settings) -> float | None:
    """The Kita's budget for a calendar year, or None (no budget: not checked)."""
    if kita.budget is not None:
        return float(kita.budget)
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


def occurrence_hours(occ: Occurrence) -> float:
    if occ.event.all_day:
        return 0.0
    return max(0, occ.end_ts - occ.start_ts) / 3600.0


def occurrence_cost(occ: Occurrence, rates: dict[str, float]) -> float:
    """Hours × rate, for every coach attending."""
    hours = occurrence_hours(occ)
    return sum(hours * rates.get(c, 0.0) for c in dict.fromkeys(occ.event.coaches))


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
    hours: float
    used: float
    budget: float | None

    @property
    def left(self) -> float | None:
        return None if self.budget is None else self.budget - self.used

    @property
    def over(self) -> bool:
        return self.budget is not None and self.used > self.budget + 0.005


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
    rates = {c.id: float(c.rate) for c in coaches}
    if coach is not None:
        rates = {coach: rates.get(coach, 0.0)}
    hours = used = 0.0
    for occ in _year_occurrences(kita.id, events, year, settings.timezone):
        if coach is not None and coach not in occ.event.coaches:
            continue
        hours += occurrence_hours(occ)
        used += occurrence_cost(occ, rates)
    return YearCost(kita.id, year, round(hours, 4), round(used, 2),
                    budget_for_year(kita, year, settings))


@dataclass(frozen=True, slots=True)
class MonthHours:
    month: int
    hours: float
    status: str  # "below" | "within" | "above" the recommended 2–5 hours


def hours_status(hours: float, settings: Settings) -> str:
    if hours < settings.recommended_hours_min - 1e-9:
        return "below"
    if hours > settings.recommended_hours_max + 1e-9:
        return "above"
    return "within"


def kita_month_hours(
    kita: Kita, year: int, events: Iterable[Event], settings: Settings
) -> list[MonthHours]:
    """Coaching hours per month of a year against the recommended 2–5 hours.

    Hours are the visits' durations (per visit, not per attending coach)."""
    per_month = [0.0] * 12
    tz = settings.timezone
    for occ in _year_occurrences(kita.id, events, year, tz):
        per_month[int(local_day(occ, tz)[5:7]) - 1] += occurrence_hours(occ)
    return [
        MonthHours(m + 1, round(h, 4), hours_status(h, settings))
        for m, h in enumerate(per_month)
    ]
