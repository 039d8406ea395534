"""The Kita overview's figures against hand-made store data, and against the planning
rules called directly on the whole store (the overview must not change what they say)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store import Coach, Event, Kita, Store
from thekiz_tui.demo import write_demo
from thekiz_tui.planning.budget import kita_year_cost
from thekiz_tui.planning.cadence import horizon_end, kita_cadence
from thekiz_tui.planning.checklist import kita_checklist
from thekiz_tui.planning.overview import KitaRow, kita_overview
from thekiz_tui.planning.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2025, 6, 10)
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=BERLIN)

COACHES = [Coach("c1", "Anna Beispiel", rate=60.0), Coach("c2", "Ben Muster", rate=40.0)]
BASIS = Kita("k1", "Kita Sonnenschein", district="Erfurt", stage="basis",
             since="2025-01-15", coach="c1")
VERTIEFUNG = Kita("k2", "Kita Abendrot", district="Gotha", stage="vertiefung",
                  since="2023-01-01", coach="c2", budget=1000.0)
TIGHT = Kita("k3", "Kita Zaunkönig", district="Jena", stage="vertiefung",
             since="2022-01-01", coach="c1", budget=200.0)
KONSULTATION = Kita("k4", "Kita Morgenstern", stage="konsultation", since="2020-01-01")


def ev(eid: str, day: str, kind: str, hours: int = 2, **kw: object) -> Event:
    start = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=BERLIN)
    end = start.replace(hour=9 + hours)
    return Event(id=eid, kind=kind, start=start.isoformat(), end=end.isoformat(),
                 **kw)  # type: ignore[arg-type]


def visit(eid: str, day: str, kita: str, hours: int, *coaches: str, **kw: object) -> Event:
    return ev(eid, day, "begleitung", hours, kita=kita, coaches=list(coaches), **kw)


@pytest.fixture
def filled(store: Store) -> Store:
    for coach in COACHES:
        store.add_coach(coach)
    for kita in (BASIS, VERTIEFUNG, TIGHT, KONSULTATION):
        store.add_kita(kita)
    store.put_events([
        # k1 (Basis since 15.01.2025): visits in January, March, May, and July ahead.
        visit("v-dec", "2024-12-02", "k1", 2, "c1"),  # the year before: not counted
        visit("v-jan", "2025-01-20", "k1", 2, "c1"),
        visit("v-mar", "2025-03-10", "k1", 3, "c1", "c2"),  # two coaches: both paid
        visit("v-apr", "2025-04-07", "k1", 4, "c1", status="abgesagt"),  # cancelled
        visit("v-may", "2025-05-05", "k1", 2, "c1"),
        visit("v-jul", "2025-07-01", "k1", 2, "c1"),
        # k2: one visit, two years ago, and nothing since.
        visit("v-old", "2023-05-02", "k2", 4, "c2"),
        # k3: over its budget of 200 €.
        visit("t-1", "2025-02-11", "k3", 2, "c1"),
        visit("t-2", "2025-05-13", "k3", 2, "c1"),
        # k4: a visit, no budget, no cadence.
        visit("m-1", "2025-03-03", "k4", 3, "c2"),
        # The checklist: a training k1 takes part in, one ahead at k1, a quarterly
        # Arbeitskreis open to all Kitas, and a cancelled office visit.
        ev("fk", "2025-02-03", "fortbildung", subtype="fachkraft", kita="k3",
           participants=["k1"]),
        ev("ref", "2025-09-01", "fortbildung", subtype="reflexion", kita="k1"),
        Event(id="ak", kind="arbeitskreis", start="2025-01-08T14:00:00+01:00",
              end="2025-01-08T16:00:00+01:00", rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=4"),
        ev("eb", "2025-04-01", "einrichtungsbesuch", kita="k1", status="abgesagt"),
    ])
    return store


def rows_by_id(store: Store, year: int) -> dict[str, KitaRow]:
    return {r.id: r for r in kita_overview(store, year=year, today=TODAY, now=NOW)}


def test_rows_are_every_kita_by_name_with_stage_coach_and_district(filled: Store) -> None:
    rows = kita_overview(filled, year=2025, today=TODAY, now=NOW)
    assert [r.name for r in rows] == [
        "Kita Abendrot", "Kita Morgenstern", "Kita Sonnenschein", "Kita Zaunkönig"
    ]
    k1 = {r.id: r for r in rows}["k1"]
    assert (k1.stage, k1.stage_label, k1.since) == ("basis", "Basisbegleitung",
                                                    date(2025, 1, 15))
    assert (k1.coach, k1.coach_name, k1.district) == ("c1", "Anna Beispiel", "Erfurt")


def test_visits_and_months_without_a_visit_up_to_the_horizon(filled: Store) -> None:
    k1 = rows_by_id(filled, 2025)["k1"]
    assert k1.last_visit == date(2025, 5, 5)  # the cancelled April visit does not count
    assert k1.next_visit == date(2025, 7, 1)
    assert k1.cadence == "month"
    # Up to two months after June (the horizon): Feb, Apr, Jun and Aug lack a visit.
    assert [p.key for p in k1.without_visit] == ["2025-02", "2025-04", "2025-06", "2025-08"]


def test_last_visit_years_back_and_quarters_without_visit(filled: Store) -> None:
    k2 = rows_by_id(filled, 2025)["k2"]
    assert k2.last_visit == date(2023, 5, 2)  # found in a store read cold, two years back
    assert k2.next_visit is None
    assert k2.cadence == "quarter"
    assert [p.key for p in k2.without_visit] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    k4 = rows_by_id(filled, 2025)["k4"]
    assert (k4.cadence, k4.without_visit) == (None, ())


def test_budget_used_left_and_over_with_the_coaches_rates(filled: Store) -> None:
    rows = rows_by_id(filled, 2025)
    k1 = rows["k1"]
    # 2 h × 60 + 3 h × (60 + 40) + 2 h × 60 + 2 h × 60; December 2024 and April don't count.
    assert (k1.budget, k1.used, k1.left, k1.over) == (5000.0, 660.0, 4340.0, False)
    assert k1.hours == 9.0
    assert k1.share == pytest.approx(660 / 5000)
    k3 = rows["k3"]
    assert (k3.budget, k3.used, k3.left, k3.over) == (200.0, 240.0, -40.0, True)
    assert k3.share == 1.0
    k4 = rows["k4"]
    assert (k4.budget, k4.used, k4.left, k4.over, k4.share) == (None, 120.0, None, False, None)
    k2_2023 = rows_by_id(filled, 2023)["k2"]
    assert (k2_2023.used, k2_2023.left) == (160.0, 840.0)


def test_checklist_done_planned_missing(filled: Store) -> None:
    rows = rows_by_id(filled, 2025)
    status = {i.part.key: i.status for i in rows["k1"].checklist}
    assert status == {
        "fachkraft": "done", "reflexion": "planned", "vernetzung": "missing",
        "auftakt-team": "missing", "auftakt-eltern": "missing", "auftakt-traeger": "missing",
        "arbeitskreis": "done", "fachtag": "missing", "einrichtungsbesuch": "missing",
    }
    assert (rows["k1"].done, rows["k1"].planned, rows["k1"].missing) == (2, 1, 6)
    # The Arbeitskreis series is open to all: it counts for every Kita, and its
    # occurrences ahead are planned, the ones passed done (ids of the series).
    for row in rows.values():
        item = next(i for i in row.checklist if i.part.key == "arbeitskreis")
        assert (item.status, item.events) == ("done", ["ak"])
    later = rows_by_id(filled, 2026)["k2"]
    assert next(i for i in later.checklist if i.part.key == "arbeitskreis").status == "missing"


def test_a_year_beyond_the_horizon_has_no_periods_and_no_use(filled: Store) -> None:
    k1 = rows_by_id(filled, 2026)["k1"]
    assert k1.without_visit == ()
    assert (k1.used, k1.last_visit, k1.next_visit) == (0.0, date(2025, 5, 5), date(2025, 7, 1))


def test_an_empty_store_has_no_rows(store: Store) -> None:
    assert kita_overview(store, year=2025, today=TODAY) == []


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_demo_overview_equals_the_rules_on_the_whole_store(tmp_path: Path, year: int) -> None:
    store = Store.open(tmp_path / "demo.json")
    today = date(2026, 11, 25)
    now = datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN)
    write_demo(store, today=today)
    fresh = Store.open(tmp_path / "demo.json", create=False)  # read cold, as the screen does
    rows = {r.id: r for r in kita_overview(fresh, year=year, today=today, now=now)}
    events, coaches = store.events(), store.coaches()
    settings = Settings.from_store(store.settings())
    stop = min(date(year + 1, 1, 1), horizon_end(today, settings))
    assert set(rows) == {k.id for k in store.kitas()}
    for kita in store.kitas():
        row = rows[kita.id]
        cadence = kita_cadence(kita, events, settings, today=today, start=date(year, 1, 1),
                               end=stop)
        cost = kita_year_cost(kita, year, events, coaches, settings)
        checklist = kita_checklist(kita, year, events, settings, now=now)
        assert (str(row.last_visit), str(row.next_visit)) == (
            str(cadence.last_visit), str(cadence.next_visit)
        ), kita.id
        assert list(row.without_visit) == cadence.without_visit, kita.id
        assert (row.budget, row.used, row.left, row.over) == (
            cost.budget, cost.used, cost.left, cost.over
        ), kita.id
        assert [(i.part.key, i.status, i.events) for i in row.checklist] == [
            (i.part.key, i.status, i.events) for i in checklist.items
        ], kita.id
