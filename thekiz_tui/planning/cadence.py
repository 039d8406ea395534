"""Coaching cadence: which months (Basis) or quarters (Vertiefung) have a coaching visit.

A Kita in Basisbegleitung needs a visit (kind ``begleitung``, not cancelled, at the Kita)
in every calendar month of its first ``basis_years`` years from ``Kita.since``; a Kita in
Vertiefungsbegleitung one in every calendar quarter from ``since``; Konsultation has no
cadence. A visit counts in the period of its local start date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from store import Event, Kita

from ..i18n import tr
from .labels import STAGE_LABELS, month_title, show_date
from .occurrences import Occurrence, expand
from .settings import Settings
from .timeutil import day_start, epoch

STAGE_DE = STAGE_LABELS


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month or quarter, ``[start, end)``."""

    kind: str  # "month" | "quarter"
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        """``März 2025`` or ``2. Quartal 2025`` (in the language)."""
        if self.kind == "quarter":
            return tr("{n}. Quartal {year}", n=(self.start.month - 1) // 3 + 1,
                      year=self.start.year)
        return month_title(self.start.year, self.start.month)

    @property
    def span_text(self) -> str:
        last = date.fromordinal(self.end.toordinal() - 1)
        return f"{show_date(self.start)}–{show_date(last)}"

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(day: date, kind: str) -> Period:
    if kind == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", first, add_months(first, 3))
    first = date(day.year, day.month, 1)
    return Period("month", first, add_months(first, 1))


def cadence_kind(stage: str, settings: Settings) -> str | None:
    """``month``, ``quarter`` or None (no cadence) for a stage."""
    kind = {"basis": settings.cadence_basis, "vertiefung": settings.cadence_vertiefung}.get(stage)
    return kind if kind in ("month", "quarter") else None


def since_of(kita: Kita) -> date | None:
    try:
        return date.fromisoformat(kita.since[:10]) if kita.since else None
    except ValueError:
        return None


def horizon_end(today: date, settings: Settings) -> date:
    """Unbounded checks look ahead to the end of the month ``cadence_horizon_months``
    after today's month: planning ahead is warned about, but not forever."""
    return add_months(today, settings.cadence_horizon_months + 1)


def required_periods(
    kita: Kita, settings: Settings, *, start: date | None, end: date
) -> Iterator[Period]:
    """The periods in which the Kita needs a visit that touch ``[start, end)``."""
    kind = cadence_kind(kita.stage, settings)
    since = since_of(kita)
    if kind is None or since is None:
        return
    period = period_of(since, kind)
    stop = end
    if kita.stage == "basis":
        stop = min(stop, add_months(period_of(since, "month").start, 12 * settings.basis_years))
    while period.start < stop:
        if start is None or period.end > start:
            yield period
        period = period_of(period.end, kind)


def visit_days(kita_id: str, occurrences: Iterable[Occurrence], tz: str) -> list[str]:
    """Sorted local ISO start dates of the Kita's non-cancelled coaching visits."""
    days = set()
    for occ in occurrences:
        ev = occ.event
        if ev.kind == "begleitung" and ev.kita == kita_id and ev.status != "abgesagt":
            days.add(local_day(occ, tz))
    return sorted(days)


def local_day(occ: Occurrence, tz: str) -> str:
    ev = occ.event
    if ev.all_day or ev.tz == tz:
        return ev.start[:10]
    from .timeutil import from_epoch

    return from_epoch(occ.start_ts, tz).date().isoformat()


@dataclass(slots=True)
class PeriodStatus:
    period: Period
    visits: list[str] = field(default_factory=list)  # local ISO dates

    @property
    def visited(self) -> bool:
        return bool(self.visits)


@dataclass(slots=True)
class KitaCadence:
    """A Kita's cadence overview: required periods with their visits."""

    kita: str
    stage: str
    kind: str | None
    periods: list[PeriodStatus]
    last_visit: str | None  # local ISO date of the last visit up to today
    next_visit: str | None  # the first visit after today

    @property
    def without_visit(self) -> list[Period]:
        """The required months/quarters without a visit ("Monate ohne Besuch")."""
        return [p.period for p in self.periods if not p.visited]


def kita_cadence(
    kita: Kita,
    events: Iterable[Event],
    settings: Settings,
    *,
    today: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> KitaCadence:
    """Periods with and without visits for one Kita, plus its last and next visit.

    ``end`` None: up to the cadence horizon after today's month.
    """
    today = today or date.today()
    stop = end or horizon_end(today, settings)
    tz = settings.timezone
    relevant = [e for e in events if e.kind == "begleitung" and e.kita == kita.id]
    occs = expand(relevant, None, epoch(day_start(max(stop, today), tz)) + 86400 * 400)
    days = visit_days(kita.id, occs, tz)
    by_key: dict[str, list[str]] = {}
    kind = cadence_kind(kita.stage, settings)
    for day in days:
        if kind is not None:
            by_key.setdefault(period_of(date.fromisoformat(day), kind).key, []).append(day)
    periods = [
        PeriodStatus(p, by_key.get(p.key, []))
        for p in required_periods(kita, settings, start=start, end=stop)
    ]
    today_text = today.isoformat()
    past = [d for d in days if d <= today_text]
    future = [d for d in days if d > today_text]
    return KitaCadence(
        kita=kita.id,
        stage=kita.stage,
        kind=kind,
        periods=periods,
        last_visit=past[-1] if past else None,
        next_visit=future[0] if future else None,
    )
