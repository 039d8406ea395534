"""The rules' findings, built: each rule's ``Finding`` with its id and German message.

``Out`` collects findings with what they concern (for the coach and Kita filters) and
the instant they sort by, applies acknowledgements, and sorts the result. The builders
here turn what the checks found (a row's day issues, an overlapping or too-close pair,
a Kita year over budget, a period without a visit) into findings; they decide nothing
about which findings there are (see ``sweep``, ``incremental`` and ``conflicts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from store import Kita

from ..i18n import tr, trn
from .budget import budget_for_year
from .cadence import Period
from .findings import Finding, finding_id, severity_rank
from .labels import STAGE_LABELS, show_date, weekday_wide
from .money import ZERO
from .rows import ORDER, Context, Item, Row, weekday
from .timeutil import day_start, epoch, fmt_money


class Out:
    """Findings with what they concern (for the coach/Kita filters) and a sort instant."""

    __slots__ = ("acks", "items")

    def __init__(self, acks: frozenset[str]) -> None:
        self.acks = acks
        self.items: dict[str, Item] = {}

    def put(self, item: Item) -> None:
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

    def merge(self, items: Iterable[Item]) -> None:
        """``add`` for items built before (with no acknowledgements applied)."""
        mine = self.items
        acks = self.acks
        for item in items:
            finding = item[1]
            fid = finding.id
            if fid in mine:
                continue
            if fid in acks:
                item = (item[0], replace(finding, acknowledged=True), item[2], item[3])
            mine[fid] = item

    def result(self, coach: str | None = None, kita: str | None = None) -> list[Finding]:
        chosen = [
            item for item in self.items.values()
            if (coach is None or coach in item[2]) and (kita is None or kita in item[3])
        ]
        chosen.sort(key=lambda i: (i[0], severity_rank(i[1].severity), i[1].rule, i[1].id))
        return [item[1] for item in chosen]


def _kitas_of(r: Row) -> tuple[str | None, ...]:
    return (r.kita, *r.ev.participants)


def _text_at(r: Row, ctx: Context, start: bool) -> str:
    if r.all_day:
        return ctx.iso(r.s if start else r.e)
    return r.start_text if start else r.end_text


def per_event(r: Row, ctx: Context, out: Out) -> None:
    """The day rules' findings of a row, built once per row and cached on it."""
    if r.found is None:
        local = Out(frozenset())
        _per_event_build(r, ctx, local)
        r.found = list(local.items.values())
    for item in r.found:
        out.put(item)


def _per_event_build(r: Row, ctx: Context, out: Out) -> None:
    for rule, payload in r.issues:
        if rule == "holiday":
            message = trn("{event} fällt auf einen Feiertag: {days}.",
                          "{event} fällt auf Feiertage: {days}.", len(payload),
                          event=r.label(), days=", ".join(payload))
        elif rule == "weekend":
            days = ", ".join(f"{weekday_wide(weekday(d))}, {show_date(date.fromisoformat(d))}"
                             for d in payload)
            message = tr("{event} liegt nicht an einem Arbeitstag: {days}.", event=r.label(),
                         days=days)
        else:
            message = tr("{event} liegt außerhalb der Arbeitszeit {start}–{end}.",
                         event=r.label(), start=ctx.work_start, end=ctx.work_end)
        single = r.coaches[0] if len(r.coaches) == 1 else None
        out.add(
            r.s, rule, "warning", finding_id(rule, r.sig), (r.id,), single, r.kita,
            r.start_text, r.end_text, message, r.coaches, _kitas_of(r),
        )


def overlap_finding(rule: str, who: str, a: Row, b: Row, ctx: Context, out: Out) -> None:
    first, second = (a, b) if ORDER(a) <= ORDER(b) else (b, a)
    fid = finding_id(rule, who, *sorted((a.sig, b.sig)))
    late = a if a.s >= b.s else b
    early_end = a if a.e <= b.e else b
    if a.all_day and b.all_day:
        start, end = late.start_text, early_end.end_text
    else:
        start, end = _text_at(late, ctx, True), _text_at(early_end, ctx, False)
    if rule == "coach-overlap":
        message = tr("{coach} ist doppelt verplant: {first} überschneidet sich mit {second}.",
                     coach=ctx.coach_name(who), first=first.label(), second=second.label())
        coach: str | None = who
        kita = first.kita if first.kita == second.kita else None
        coaches: Iterable[str] = (who,)
    else:
        message = tr("{kita} hat zwei Termine zugleich: {first} und {second}.",
                     kita=ctx.kita_name(who), first=first.label(), second=second.label())
        shared = [c for c in first.coaches if c in second.coaches]
        coach = shared[0] if len(shared) == 1 else None
        kita = who
        coaches = (*first.coaches, *second.coaches)
    out.add(
        late.s, rule, "error", fid, (first.id, second.id), coach, kita, start, end, message,
        coaches, (*_kitas_of(first), *_kitas_of(second)),
    )


def travel_finding(who: str, a: Row, b: Row, ctx: Context, out: Out) -> None:
    fid = finding_id("travel-buffer", who, a.sig, b.sig)
    gap = (b.s - a.e) // 60
    message = tr("Zu wenig Fahrtzeit für {coach}: {first} in {first_place} endet {gap} Min. "
                 "vor {second} in {second_place} (nötig: {needed} Min.).",
                 coach=ctx.coach_name(who), first=a.label(), first_place=a.place, gap=gap,
                 second=b.label(), second_place=b.place,
                 needed=ctx.settings.travel_minutes)
    out.add(
        a.e, "travel-buffer", "warning", fid, (a.id, b.id), who,
        a.kita if a.kita == b.kita else None,
        _text_at(a, ctx, False), _text_at(b, ctx, True), message, (who,),
        (*_kitas_of(a), *_kitas_of(b)),
    )


def budget_finding(
    kita: Kita, year: int, visits: list[Row], ctx: Context, out: Out
) -> None:
    budget = budget_for_year(kita, year, ctx.settings)
    if budget is None:
        return
    used = sum((r.cost for r in visits), ZERO)
    budget_over(kita, year, used, budget, visits, ctx, out)


def budget_over(
    kita: Kita, year: int, used: Decimal, budget: Decimal, visits: list[Row], ctx: Context,
    out: Out,
) -> None:
    """The finding when the year's visits cost more than the budget (exactly: one cent
    over is over)."""
    if used <= budget:
        return
    fid = finding_id("budget", kita.id, str(year))
    message = tr("{kita}: Prozessbegleitung {year} kostet {used}, das Budget von {budget} "
                 "ist um {over} überschritten.", kita=ctx.kita_name(kita.id), year=year,
                 used=fmt_money(used), budget=fmt_money(budget),
                 over=fmt_money(used - budget))
    at = epoch(day_start(date(year, 1, 1), ctx.tz))
    out.add(
        at, "budget", "warning", fid, sorted({r.id for r in visits}), kita.coach, kita.id,
        f"{year:04d}-01-01", f"{year + 1:04d}-01-01", message,
        set().union(*(r.coaches for r in visits)), (kita.id,),
    )


def cadence_finding(kita: Kita, period: Period, ctx: Context, out: Out) -> None:
    fid = finding_id("cadence-gap", kita.id, period.key)
    stage = tr(STAGE_LABELS.get(kita.stage, kita.stage))
    message = tr("{kita}: im {period} ({span}) keine Prozessbegleitung ({stage}: mindestens "
                 "eine pro Monat).", kita=ctx.kita_name(kita.id), period=period.label,
                 span=period.span_text, stage=stage) if period.kind == "month" else tr(
        "{kita}: im {period} ({span}) keine Prozessbegleitung ({stage}: mindestens eine pro "
        "Quartal).", kita=ctx.kita_name(kita.id), period=period.label,
        span=period.span_text, stage=stage)
    out.add(
        epoch(day_start(period.start, ctx.tz)), "cadence-gap", "warning", fid, (),
        kita.coach, kita.id, period.start.isoformat(), period.end.isoformat(), message,
        (kita.coach,) if kita.coach else (), (kita.id,),
    )


def visited(visits: Iterable[Row]) -> set[str]:
    seen = {r.mkey for r in visits}
    seen.update(r.qkey for r in visits)
    return seen
