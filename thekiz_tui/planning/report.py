"""The coach's monthly Stundennachweis: hours and fee per Kita in a month, with the
Kitas' yearly budget used and left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from store import Coach, Event, Kita, Store

from .budget import budget_for_year, hours_status, occurrence_cost, occurrence_hours
from .checklist import kita_checklist
from .occurrences import expand
from .settings import Settings
from .timeutil import MONTHS_DE, day_start, epoch, fmt_money, month_range


@dataclass(frozen=True, slots=True)
class ReportRow:
    kita: str
    kita_name: str
    visits: int
    hours: float
    fee: float
    budget: float | None
    used_year: float  # all coaches, whole year
    left_year: float | None
    kita_hours: float = 0.0  # the Kita's coaching hours this month, all coaches
    recommendation: str = "within"  # kita_hours against 2–5 h: below, within, above
    checklist_done: int = 0  # the stage's recommended parts this year
    checklist_planned: int = 0
    checklist_missing: tuple[str, ...] = ()


@dataclass(slots=True)
class Report:
    year: int
    month: int
    coach: str | None
    coach_name: str
    rows: list[ReportRow] = field(default_factory=list)
    recommended: tuple[float, float] = (2.0, 5.0)

    @property
    def total_hours(self) -> float:
        return round(sum(r.hours for r in self.rows), 4)

    @property
    def total_fee(self) -> float:
        return round(sum(r.fee for r in self.rows), 2)

    @property
    def total_visits(self) -> int:
        return sum(r.visits for r in self.rows)

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain rows for CSV/JSON: one per Kita, then the total."""
        out: list[dict[str, Any]] = []
        for r in self.rows:
            out.append({
                "month": f"{self.year:04d}-{self.month:02d}",
                "coach": self.coach or "",
                "kita": r.kita,
                "kita_name": r.kita_name,
                "visits": r.visits,
                "hours": round(r.hours, 2),
                "fee": round(r.fee, 2),
                "budget": None if r.budget is None else round(r.budget, 2),
                "used_year": round(r.used_year, 2),
                "left_year": None if r.left_year is None else round(r.left_year, 2),
                "kita_hours": round(r.kita_hours, 2),
                "recommendation": r.recommendation,
                "checklist_done": r.checklist_done,
                "checklist_planned": r.checklist_planned,
                "checklist_missing": ", ".join(r.checklist_missing),
            })
        out.append({
            "month": f"{self.year:04d}-{self.month:02d}",
            "coach": self.coach or "",
            "kita": "",
            "kita_name": "Summe",
            "visits": self.total_visits,
            "hours": round(self.total_hours, 2),
            "fee": self.total_fee,
            "budget": None,
            "used_year": None,
            "left_year": None,
            "kita_hours": None,
            "recommendation": None,
            "checklist_done": None,
            "checklist_planned": None,
            "checklist_missing": None,
        })
        return out


RECOMMENDATION_DE = {"below": "(unter)", "within": "(im Rahmen)", "above": "(über)"}


def _hours_de(hours: float) -> str:
    return f"{hours:.2f}".replace(".", ",")


def month_report(
    source: Store | Sequence[Event],
    year: int,
    month: int,
    coach: str | None = None,
    *,
    coaches: Iterable[Coach] = (),
    kitas: Iterable[Kita] = (),
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Report:
    """Coaching visits (kind ``begleitung``, not cancelled) in the month: of ``coach``
    (hours of the visits, fee at the coach's rate), or of all coaches (fees summed).

    Each row also shows the Kita's coaching hours of the month (all coaches) against the
    recommended 2–5 hours, and its stage's checklist for the year (as of ``now``)."""
    if isinstance(source, Store):
        from .permissions import report_source

        source, coach = report_source(source, coach)
        events: Sequence[Event] = source.events(date(year, 1, 1), date(year + 1, 1, 1))
        coach_list, kita_list = source.coaches(), source.kitas()
        settings = Settings.from_store(source.settings())
    else:
        events, coach_list, kita_list = source, list(coaches), list(kitas)
        settings = settings or Settings()
    tz = settings.timezone
    rates = {c.id: float(c.rate or 0.0) for c in coach_list}
    names = {c.id: c.name for c in coach_list}
    kita_by_id = {k.id: k for k in kita_list}
    first, nxt = month_range(year, month)
    m_lo, m_hi = epoch(day_start(first, tz)), epoch(day_start(nxt, tz))
    y_lo = epoch(day_start(date(year, 1, 1), tz))
    y_hi = epoch(day_start(date(year + 1, 1, 1), tz))
    visits = [e for e in events if e.kind == "begleitung" and e.kita is not None]
    per_kita: dict[str, list[float]] = {}  # visits, hours, fee, used_year
    for occ in expand(visits, y_lo, y_hi):
        ev = occ.event
        if ev.status == "abgesagt" or ev.kind != "begleitung" or ev.kita is None:
            continue
        if not y_lo <= occ.start_ts < y_hi:
            continue
        acc = per_kita.setdefault(ev.kita, [0, 0.0, 0.0, 0.0, 0.0])
        acc[3] += occurrence_cost(occ, rates)
        if not m_lo <= occ.start_ts < m_hi:
            continue
        acc[4] += occurrence_hours(occ)
        if coach is not None:
            if coach not in ev.coaches:
                continue
            fee = occurrence_hours(occ) * rates.get(coach, 0.0)
        else:
            fee = occurrence_cost(occ, rates)
        acc[0] += 1
        acc[1] += occurrence_hours(occ)
        acc[2] += fee
    rows: list[ReportRow] = []
    for kita_id, (count, hours, fee, used, kita_hours) in per_kita.items():
        if not count:
            continue
        kita = kita_by_id.get(kita_id)
        budget = budget_for_year(kita, year, settings) if kita is not None else None
        checklist = (
            kita_checklist(kita, year, events, settings, now=now) if kita is not None else None
        )
        items = checklist.items if checklist is not None else []
        rows.append(ReportRow(
            kita=kita_id,
            kita_name=kita.name if kita is not None else kita_id,
            visits=int(count),
            hours=round(hours, 4),
            fee=round(fee, 2),
            budget=budget,
            used_year=round(used, 2),
            left_year=None if budget is None else round(budget - used, 2),
            kita_hours=round(kita_hours, 4),
            recommendation=hours_status(kita_hours, settings),
            checklist_done=sum(i.status == "done" for i in items),
            checklist_planned=sum(i.status == "planned" for i in items),
            checklist_missing=tuple(i.part.label for i in items if i.status == "missing"),
        ))
    rows.sort(key=lambda r: (r.kita_name.casefold(), r.kita))
    coach_name = names.get(coach, coach) if coach is not None else "alle"
    return Report(
        year, month, coach, coach_name or "", rows,
        (settings.recommended_hours_min, settings.recommended_hours_max),
    )


def render_table(report: Report) -> str:
    """The Stundennachweis as a German text table."""
    title = (
        f"Stundennachweis {MONTHS_DE[report.month - 1]} {report.year} – "
        f"{report.coach_name}"
    )
    head = ("Kita", "Besuche", "Stunden", "Honorar", "Budget Jahr", "verbraucht", "übrig",
            "Kita-Std.", "Empfehlungen")
    body = [
        (
            r.kita_name,
            str(r.visits),
            _hours_de(r.hours),
            fmt_money(r.fee),
            "—" if r.budget is None else fmt_money(r.budget),
            fmt_money(r.used_year),
            "—" if r.left_year is None else fmt_money(r.left_year),
            f"{_hours_de(r.kita_hours)} {RECOMMENDATION_DE[r.recommendation]}",
            f"{r.checklist_done} erledigt, {r.checklist_planned} geplant, "
            f"{len(r.checklist_missing)} offen",
        )
        for r in report.rows
    ]
    total = (
        "Summe", str(report.total_visits), _hours_de(report.total_hours),
        fmt_money(report.total_fee), "", "", "", "", "",
    )
    table = [head, *body, total]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [title, "", line(head), rule, *(line(r) for r in body), rule, line(total)]
    if not body:
        lines.insert(2, "Keine Prozessbegleitung in diesem Monat.")
    lines.append("")
    low, high = (f"{h:g}".replace(".", ",") for h in report.recommended)
    lines.append(
        "Kita-Std.: Prozessbegleitung der Kita im Monat, alle Begleiter*innen, gegenüber "
        f"den empfohlenen {low}–{high} Stunden."
    )
    for r in report.rows:
        if r.checklist_missing:
            lines.append(f"Offen {report.year}, {r.kita_name}: {', '.join(r.checklist_missing)}")
    return "\n".join(lines) + "\n"
