"""The monthly Stundennachweis: hours and fee per Kita in a month, with the Kitas'
yearly budget used and left, their coaching hours against the recommended 2–5 h and
their stage's checklist.

What a person learns from it is decided here, once, by :func:`month_report`; the table,
the CSV, the JSON and the planner's report screen only render the :class:`Report` it
returns, whose hidden parts are absent (``None``), so that none of them can show more:

- The coordination office and the store's owner (no ``--as``) see everything, for one
  coach or for all.
- A coach sees her own report only: her visits, hours and fees per Kita. For a Kita she
  accompanies (``kita.coach``) she also sees its budget and what all coaches together have
  used and left of it this year, as totals, and its checklist as far as it rests on
  dates she sees (as in the Kita overview: a date she does not see tells her no more than
  that someone is busy). Of a Kita she does not accompany (a substitute visit the office
  planned for her) she sees only its name and address. The Kita's coaching hours of the
  month count every coach: beside her own hours they would give away the others' hours,
  and with the used total their hourly rates, so a coach's report has no such column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from store import Coach, Event, Kita, Store

from .budget import budget_for_year, hours_status, occurrence_cost, occurrence_hours, rates_of
from .checklist import kita_checklist
from .money import ZERO, line_fee
from .occurrences import expand
from .permissions import Actor, actor, unguarded
from .settings import Settings
from .timeutil import day_start, epoch, fmt_money, from_epoch, month_range

HIDDEN = "–"
"""How a table or screen shows a value the person may not see."""

FULL_PARTS = frozenset({"budget", "kita_hours", "checklist"})
"""The Kita figures of the office's (and the owner's) report."""
COACH_PARTS = frozenset({"address", "budget", "checklist"})
"""The Kita figures a coach's report may have (the budget and the checklist only of a
Kita she accompanies)."""


@dataclass(frozen=True, slots=True)
class KitaBudget:
    """The Kita's yearly budget and what all coaches together used of it in the year."""

    budget: Decimal | None  # None: the Kita has no budget (not checked)
    used: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.used


@dataclass(frozen=True, slots=True)
class KitaHours:
    """The Kita's coaching hours in the month (every coach) against the recommended."""

    hours: Decimal
    recommendation: str  # "below" | "within" | "above"


@dataclass(frozen=True, slots=True)
class ChecklistCounts:
    """The stage's recommended parts in the year."""

    done: int
    planned: int
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One Kita of the report. Visits, hours and fee are the report's coach's (or all
    coaches'); a part that is None is not in this person's view of the Kita."""

    kita: str
    kita_name: str
    visits: int
    hours: Decimal
    fee: Decimal
    address: str | None = None
    budget: KitaBudget | None = None
    kita_hours: KitaHours | None = None
    checklist: ChecklistCounts | None = None


ROW_KEYS: dict[str, tuple[str, ...]] = {
    "address": ("address",),
    "budget": ("budget", "used_year", "left_year"),
    "kita_hours": ("kita_hours", "recommendation"),
    "checklist": ("checklist_done", "checklist_planned", "checklist_missing"),
}
"""The keys of a part in :meth:`Report.to_rows`, in the order of the columns."""


@dataclass(frozen=True, slots=True)
class VisitLine:
    """One coaching visit of the statement: its day, Kita, times, hours and fee (the
    report's coach's, or every attending coach's for all)."""

    day: date
    kita: str
    kita_name: str
    start: str  # "09:30", "" all day
    end: str
    hours: Decimal
    fee: Decimal


@dataclass(slots=True)
class Report:
    year: int
    month: int
    coach: str | None
    coach_name: str
    rows: list[ReportRow] = field(default_factory=list)
    recommended: tuple[float, float] = (2.0, 5.0)
    parts: frozenset[str] = FULL_PARTS
    """The Kita figures this report may have at all (a row may still lack them)."""
    visits: list[VisitLine] = field(default_factory=list)
    """The month's visits in time order, the lines the rows sum."""

    @property
    def total_hours(self) -> Decimal:
        return sum((r.hours for r in self.rows), ZERO)

    @property
    def total_fee(self) -> Decimal:
        return sum((r.fee for r in self.rows), ZERO)

    @property
    def total_visits(self) -> int:
        return sum(r.visits for r in self.rows)

    def has(self, part: str) -> bool:
        return part in self.parts

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys of :meth:`to_rows` in order: the CSV's columns."""
        keys = ["month", "coach", "kita", "kita_name"]
        if self.has("address"):
            keys.append("address")
        keys += ["visits", "hours", "fee"]
        for part in ("budget", "kita_hours", "checklist"):
            if self.has(part):
                keys += ROW_KEYS[part]
        return tuple(keys)

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain rows for CSV/JSON: one per Kita, then the total. A part the person may
        not see is absent from its row (not even its keys); None means "none" (no
        budget) or, in the total, "not summed"."""
        month = f"{self.year:04d}-{self.month:02d}"
        out: list[dict[str, Any]] = []
        for r in self.rows:
            row: dict[str, Any] = {"month": month, "coach": self.coach or "",
                                   "kita": r.kita, "kita_name": r.kita_name}
            if self.has("address") and r.address is not None:
                row["address"] = r.address
            row.update(visits=r.visits, hours=r.hours, fee=r.fee)
            if self.has("budget") and r.budget is not None:
                b = r.budget
                row.update(budget=b.budget, used_year=b.used, left_year=b.left)
            if self.has("kita_hours") and r.kita_hours is not None:
                row.update(kita_hours=r.kita_hours.hours,
                           recommendation=r.kita_hours.recommendation)
            if self.has("checklist") and r.checklist is not None:
                c = r.checklist
                row.update(checklist_done=c.done, checklist_planned=c.planned,
                           checklist_missing=", ".join(c.missing))
            out.append(row)
        total: dict[str, Any] = dict.fromkeys(self.columns)
        total.update(month=month, coach=self.coach or "", kita="", kita_name="Summe",
                     visits=self.total_visits, hours=self.total_hours, fee=self.total_fee)
        if self.has("address"):
            total["address"] = ""
        out.append(total)
        return out


RECOMMENDATION_DE = {"below": "(unter)", "within": "(im Rahmen)", "above": "(über)"}


def budget_cells(row: ReportRow) -> list[str]:
    """The budget of the year, used and left, as the table and the PDF show them: ``–``
    hidden, ``—`` no budget."""
    b = row.budget
    if b is None:
        return [HIDDEN] * 3
    return ["—" if b.budget is None else fmt_money(b.budget), fmt_money(b.used),
            "—" if b.left is None else fmt_money(b.left)]


def hours_de(hours: Decimal) -> str:
    """``3,25``: hours to the hundredth with a decimal comma."""
    return f"{hours:.2f}".replace(".", ",")


def month_report(
    source: Store | Sequence[Event],
    year: int,
    month: int,
    coach: str | None = None,
    *,
    viewer: Actor | None = None,
    coaches: Iterable[Coach] = (),
    kitas: Iterable[Kita] = (),
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Report:
    """Coaching visits (kind ``begleitung``, not cancelled) in the month: of ``coach``
    (hours of the visits, fee at the coach's rate), or of all coaches (fees summed), as
    the person of the store may see them (see the module's doc).

    From a store, the person is the store's (``--as``); ``viewer`` is only for records
    already read (``source`` a list of events; default: the owner). A coach's report is
    her own: ``coach`` None means her, another coach is refused (NotPermitted).

    The Kita figures count every coach's visits of the year (a Kita's budget is spent by
    all), so they read the whole store; the view decides what of them is shown."""
    if isinstance(source, Store):
        viewer = actor(source)
        source = unguarded(source)  # (the figures; the view is decided below)
        events: Sequence[Event] = source.events(date(year, 1, 1), date(year + 1, 1, 1))
        coach_list, kita_list = source.coaches(), source.kitas()
        settings = Settings.from_store(source.settings())
    else:
        events, coach_list, kita_list = source, list(coaches), list(kitas)
        settings = settings or Settings()
    viewer = viewer or Actor()
    if not viewer.everything:
        coach = coach or viewer.id
        assert coach is not None
        viewer.check_view_of(coach)
    tz = settings.timezone
    rates = rates_of(coach_list)
    names = {c.id: c.name for c in coach_list}
    kita_by_id = {k.id: k for k in kita_list}
    first, nxt = month_range(year, month)
    m_lo, m_hi = epoch(day_start(first, tz)), epoch(day_start(nxt, tz))
    y_lo = epoch(day_start(date(year, 1, 1), tz))
    y_hi = epoch(day_start(date(year + 1, 1, 1), tz))
    visits = [e for e in events if e.kind == "begleitung" and e.kita is not None]
    # per Kita: visits, hours, fee, used in the year, the Kita's hours of the month
    per_kita: dict[str, list[Any]] = {}
    lines: list[tuple[int, VisitLine]] = []
    for occ in expand(visits, y_lo, y_hi):
        ev = occ.event
        if ev.status == "abgesagt" or ev.kind != "begleitung" or ev.kita is None:
            continue
        if not y_lo <= occ.start_ts < y_hi:
            continue
        acc = per_kita.setdefault(ev.kita, [0, ZERO, ZERO, ZERO, ZERO])
        acc[3] += occurrence_cost(occ, rates)
        if not m_lo <= occ.start_ts < m_hi:
            continue
        hours = occurrence_hours(occ)
        acc[4] += hours
        if coach is not None:
            if coach not in ev.coaches:
                continue
            fee = line_fee(hours, rates.get(coach, ZERO))
        else:
            fee = occurrence_cost(occ, rates)
        acc[0] += 1
        acc[1] += hours
        acc[2] += fee
        lines.append((occ.start_ts, _visit_line(occ, ev.kita, hours, fee, tz)))
    parts = FULL_PARTS if viewer.everything else COACH_PARTS
    seen = events if viewer.everything else [e for e in events if viewer.sees_event(e)]
    rows: list[ReportRow] = []
    for kita_id, (count, hours, fee, used, kita_hours) in per_kita.items():
        if not count:
            continue
        kita = kita_by_id.get(kita_id)
        shown: dict[str, Any] = {}
        if "address" in parts:
            shown["address"] = kita.address if kita is not None else ""
        # The Kita's own figures: for the office, the owner and the Kita's own coach.
        if viewer.everything or (kita is not None and viewer.sees_kita(kita)):
            budget = budget_for_year(kita, year, settings) if kita is not None else None
            shown["budget"] = KitaBudget(budget, used)
            shown["checklist"] = _checklist_counts(kita, year, seen, settings, now)
        if "kita_hours" in parts:
            shown["kita_hours"] = KitaHours(kita_hours, hours_status(kita_hours, settings))
        rows.append(ReportRow(
            kita=kita_id,
            kita_name=kita.name if kita is not None else kita_id,
            visits=int(count),
            hours=hours,
            fee=fee,
            **shown,
        ))
    rows.sort(key=lambda r: (r.kita_name.casefold(), r.kita))
    coach_name = names.get(coach, coach) if coach is not None else "alle"
    kita_names = {r.kita: r.kita_name for r in rows}
    return Report(
        year, month, coach, coach_name or "", rows,
        (settings.recommended_hours_min, settings.recommended_hours_max), parts,
        [replace(line, kita_name=kita_names.get(line.kita, line.kita))
         for _, line in sorted(lines, key=lambda item: (item[0], item[1].kita))],
    )


def _visit_line(occ: Any, kita: str, hours: Decimal, fee: Decimal, tz: str) -> VisitLine:
    start = from_epoch(occ.start_ts, tz)
    if occ.event.all_day:
        return VisitLine(start.date(), kita, kita, "", "", hours, fee)
    end = from_epoch(occ.end_ts, tz)
    return VisitLine(start.date(), kita, kita, f"{start:%H:%M}", f"{end:%H:%M}", hours, fee)


def _checklist_counts(
    kita: Kita | None, year: int, events: Sequence[Event], settings: Settings,
    now: datetime | None,
) -> ChecklistCounts:
    if kita is None:  # (a Kita removed since: no stage, no checklist)
        return ChecklistCounts(0, 0, ())
    items = kita_checklist(kita, year, events, settings, now=now).items
    return ChecklistCounts(
        done=sum(i.status == "done" for i in items),
        planned=sum(i.status == "planned" for i in items),
        missing=tuple(i.part.label for i in items if i.status == "missing"),
    )


def render_table(report: Report) -> str:
    """The Stundennachweis as a German text table: the columns of the report's view, a
    value the person may not see as ``–``. In the language, numbers by Babel."""
    from ..i18n import tr
    from ..output import fmt_number as hours_de
    from .labels import month_title

    title = tr("Stundennachweis {month} – {coach}",
               month=month_title(report.year, report.month),
               coach=report.coach_name if report.coach is not None else tr(
                   "alle Prozessbegleiter*innen"))
    head = [tr("Kita")]
    if report.has("address"):
        head.append(tr("Adresse"))
    head += [tr("Besuche"), tr("Stunden"), tr("Honorar")]
    if report.has("budget"):
        head += [tr("Budget Jahr"), tr("verbraucht"), tr("übrig")]
    if report.has("kita_hours"):
        head.append(tr("Kita-Std."))
    if report.has("checklist"):
        head.append(tr("Empfehlungen"))

    def cells(r: ReportRow) -> tuple[str, ...]:
        out = [r.kita_name]
        if report.has("address"):
            out.append(r.address or HIDDEN)
        out += [str(r.visits), hours_de(r.hours), fmt_money(r.fee)]
        if report.has("budget"):
            out += budget_cells(r)
        if report.has("kita_hours"):
            k = r.kita_hours
            out.append(HIDDEN if k is None else
                       f"{hours_de(k.hours)} {tr(RECOMMENDATION_DE[k.recommendation])}")
        if report.has("checklist"):
            c = r.checklist
            out.append(HIDDEN if c is None else
                       tr("{done} erledigt, {planned} geplant, {missing} offen", done=c.done,
                          planned=c.planned, missing=len(c.missing)))
        return tuple(out)

    body = [cells(r) for r in report.rows]
    total = (tr("Summe"), *([""] if report.has("address") else []), str(report.total_visits),
             hours_de(report.total_hours), fmt_money(report.total_fee))
    total += ("",) * (len(head) - len(total))
    table = [tuple(head), *body, total]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    left_aligned = 2 if report.has("address") else 1

    def line(row: tuple[str, ...]) -> str:
        cells = [c.ljust(w) for c, w in zip(row[:left_aligned], widths, strict=False)]
        cells += [c.rjust(w) for c, w in zip(row[left_aligned:], widths[left_aligned:],
                                             strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [title, "", line(tuple(head)), rule, *(line(r) for r in body), rule, line(total)]
    if not body:
        lines.insert(2, tr("Keine Prozessbegleitung in diesem Monat."))
    notes: list[str] = []
    if report.has("kita_hours"):
        low, high = (hours_de(h, 0 if float(h).is_integer() else 1)
                     for h in report.recommended)
        notes.append(tr("Kita-Std.: Prozessbegleitung der Kita im Monat, alle "
                        "Begleiter*innen, gegenüber den empfohlenen {low}–{high} Stunden.",
                        low=low, high=high))
    if any(r.budget is None for r in report.rows) and report.has("budget"):
        notes.append(tr("{hidden}: Budget und Empfehlungen einer Kita, die Sie nicht "
                        "begleiten, sieht die Koordinationsstelle.", hidden=HIDDEN))
    notes += [tr("Offen {year}, {kita}: {missing}", year=report.year, kita=r.kita_name,
                 missing=", ".join(tr(m) for m in r.checklist.missing))
              for r in report.rows if r.checklist is not None and r.checklist.missing]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
