"""Cadence gaps and budgets: the rules and the overview helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from store import Coach, Event, Kita, Store
from thekiz_tui.planning.budget import budget_for_year, kita_month_hours, kita_year_cost
from thekiz_tui.planning.cadence import kita_cadence
from thekiz_tui.planning.conflicts import check, check_candidate, check_store
from thekiz_tui.planning.findings import Finding
from thekiz_tui.planning.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
COACHES = [Coach("c1", "Anna Beispiel", rate=100.0), Coach("c2", "Ben Muster", rate=50.0)]


def visit(eid: str, day: str, hours: int = 2, **kw: object) -> Event:
    start = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=BERLIN)
    end = start.replace(hour=9 + hours)
    kw.setdefault("coaches", ["c1"])
    kw.setdefault("kita", "k1")
    return Event(id=eid, kind="begleitung", start=start.isoformat(), end=end.isoformat(),
                 title=f"Begleitung {eid}", **kw)  # type: ignore[arg-type]


def run(kita: Kita, *events: Event, **kw: object) -> list[Finding]:
    return check(list(events), coaches=COACHES, kitas=[kita], settings=Settings(),
                 **kw)  # type: ignore[arg-type]


BASIS = Kita("k1", "Kita Sonnenschein", stage="basis", since="2025-01-15", coach="c1")


def test_basis_needs_a_visit_every_month() -> None:
    found = run(BASIS, visit("a", "2025-01-20"), visit("b", "2025-03-03"),
                start=date(2025, 1, 1), end=date(2025, 4, 1), today=date(2025, 6, 1))
    [gap] = found
    assert gap.rule == "cadence-gap" and gap.severity == "warning"
    assert (gap.start, gap.end) == ("2025-02-01", "2025-03-01")
    assert gap.kita == "k1" and gap.coach == "c1"
    assert "Februar 2025" in gap.message and "01.02.2025–28.02.2025" in gap.message
    assert "Basisbegleitung" in gap.message


def test_cancelled_visit_does_not_count_but_free_does() -> None:
    cancelled = visit("a", "2025-02-10", status="abgesagt")
    feb = {"start": date(2025, 2, 1), "end": date(2025, 3, 1), "today": date(2025, 6, 1)}
    assert [f.rule for f in run(BASIS, cancelled, **feb)] == ["cadence-gap"]
    assert run(BASIS, replace(cancelled, status="geplant"), **feb) == []


def test_unbounded_check_looks_ahead_only_to_the_horizon() -> None:
    found = run(BASIS, today=date(2025, 3, 10))
    assert [f.start for f in found] == [
        "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"
    ]
    wider = check([], coaches=COACHES, kitas=[BASIS], today=date(2025, 3, 10),
                  settings={"cadence_horizon_months": 3})
    assert wider[-1].start == "2025-06-01"


def test_basis_cadence_ends_after_its_years() -> None:
    old = replace(BASIS, since="2020-01-01")
    assert run(old, start=date(2022, 1, 1), end=date(2022, 12, 31),
               today=date(2025, 1, 1)) == []
    assert len(run(old, start=date(2021, 1, 1), end=date(2022, 1, 1),
                   today=date(2025, 1, 1))) == 12


def test_vertiefung_needs_one_per_quarter_konsultation_none() -> None:
    kita = replace(BASIS, stage="vertiefung", since="2025-01-01")
    found = run(kita, visit("a", "2025-02-10"), start=date(2025, 1, 1),
                end=date(2025, 7, 1), today=date(2025, 1, 1))
    assert [(f.start, f.end) for f in found] == [("2025-04-01", "2025-07-01")]
    assert "2. Quartal 2025" in found[0].message
    assert run(replace(kita, stage="konsultation"), start=date(2025, 1, 1),
               end=date(2026, 1, 1), today=date(2025, 1, 1)) == []


def _hours(n: int, year: int = 2025) -> list[Event]:
    return [visit(f"v{i}", f"{year}-{1 + i % 12:02d}-{3 + i // 12:02d}") for i in range(n)]


def test_budget_is_exceeded_by_hours_times_rate() -> None:
    kita = replace(BASIS, since="2024-01-01", stage="basis")
    within = _hours(25)  # 50 h × 100 € = 5.000,00 €: exactly the budget
    assert [f for f in run(kita, *within, today=date(2025, 1, 1)) if f.rule == "budget"] == []
    over = [*within, visit("x", "2025-06-20", hours=1, coaches=["c1", "c2"])]
    [f] = [f for f in run(kita, *over, today=date(2025, 1, 1)) if f.rule == "budget"]
    assert (f.start, f.end, f.kita) == ("2025-01-01", "2026-01-01", "k1")
    assert "5.150,00 €" in f.message and "5.000,00 €" in f.message
    assert "150,00 €" in f.message and "x" in f.events
    cancelled = [*within, replace(over[-1], status="abgesagt")]
    assert [x for x in run(kita, *cancelled, today=date(2025, 1, 1)) if x.rule == "budget"] == []


def test_budget_override_and_konsultation() -> None:
    events = _hours(30)  # 6.000 €
    kita = replace(BASIS, since="2024-01-01")
    assert any(f.rule == "budget" for f in run(kita, *events, today=date(2025, 1, 1)))
    assert not any(f.rule == "budget" for f in run(
        replace(kita, budget=6000.0), *events, today=date(2025, 1, 1)))
    assert not any(f.rule == "budget" for f in run(
        replace(kita, stage="konsultation"), *events, today=date(2025, 1, 1)))


def test_budget_by_stage_history() -> None:
    s = Settings()
    kita = replace(BASIS, stage="vertiefung", since="2026-03-01")
    assert budget_for_year(kita, 2025, s) == 5000.0  # still Basis then
    assert budget_for_year(kita, 2026, s) == 5000.0  # year of the change: the larger
    assert budget_for_year(kita, 2027, s) == 2500.0
    assert budget_for_year(replace(kita, budget=1234.5), 2025, s) == 1234.5


def test_kita_year_cost_and_month_hours() -> None:
    events = [visit("a", "2025-03-04", hours=3, coaches=["c1", "c2"]),
              visit("b", "2025-03-18", hours=3), visit("c", "2025-05-06", hours=1),
              visit("d", "2025-05-07", hours=1, status="abgesagt")]
    cost = kita_year_cost(BASIS, 2025, events, COACHES, Settings())
    assert (cost.hours, cost.used, cost.budget, cost.left) == (7.0, 850.0, 5000.0, 4150.0)
    assert not cost.over
    mine = kita_year_cost(BASIS, 2025, events, COACHES, Settings(), coach="c2")
    assert (mine.hours, mine.used) == (3.0, 150.0)
    months = kita_month_hours(BASIS, 2025, events, Settings())
    assert [(m.hours, m.status) for m in months[2:5]] == [
        (6.0, "above"), (0.0, "below"), (1.0, "below")
    ]
    assert kita_month_hours(BASIS, 2025, events[:1], Settings())[2].status == "within"


def test_kita_cadence_overview() -> None:
    events = [visit("a", "2025-01-20"), visit("b", "2025-03-03"), visit("c", "2025-05-05")]
    overview = kita_cadence(BASIS, events, Settings(), today=date(2025, 4, 1))
    assert overview.last_visit == "2025-03-03" and overview.next_visit == "2025-05-05"
    assert [p.label for p in overview.without_visit] == ["Februar 2025", "April 2025",
                                                         "Juni 2025"]
    assert overview.periods[0].visits == ["2025-01-20"]


def test_candidate_reports_budget_and_cadence_of_its_kita(store: Store) -> None:
    kita = replace(BASIS, since="2024-01-01")
    for coach in COACHES:
        store.add_coach(coach)
    store.add_kita(kita)
    store.put_events([*(e for e in _hours(25) if e.id != "v13"), visit("y", "2025-06-25")])
    over = visit("new", "2025-07-01", hours=1)
    found = check_candidate(over, store, today=date(2025, 1, 1))
    assert [f.rule for f in found] == ["budget"] and "5.100,00 €" in found[0].message
    # Moving the only February visit away opens a gap in February.
    feb = store.event("v1")
    moved = check_candidate(replace(feb, start=visit("m", "2025-03-20").start,
                                    end=visit("m", "2025-03-20").end),
                            store, today=date(2025, 1, 1))
    assert [(f.rule, f.start) for f in moved] == [("cadence-gap", "2025-02-01")]
    full = {f.id for f in check_store(store, start=date(2025, 2, 1), end=date(2025, 3, 1),
                                      today=date(2025, 1, 1))}
    assert moved[0].id not in full  # not yet saved
