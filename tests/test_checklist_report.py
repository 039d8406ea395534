"""The stage checklist per Kita and year, and the monthly Stundennachweis."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from store import Coach, Event, Kita, Store
from thekiz_tui.planning.checklist import kita_checklist
from thekiz_tui.planning.report import month_report, render_table

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=BERLIN)
BASIS = Kita("k1", "Kita Sonnenschein", stage="basis", since="2025-01-01", budget=None)
OTHER = Kita("k2", "Kita Regenbogen", stage="vertiefung", since="2024-01-01")
COACHES = [Coach("c1", "Anna Beispiel", rate=61.5), Coach("c2", "Ben Muster", rate=50.0)]


def ev(eid: str, day: str, kind: str, hours: int = 2, **kw: object) -> Event:
    start = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=BERLIN)
    end = start.replace(hour=9 + hours)
    return Event(id=eid, kind=kind, start=start.isoformat(), end=end.isoformat(),
                 **kw)  # type: ignore[arg-type]


def test_basis_checklist_done_planned_missing() -> None:
    events = [
        ev("fk", "2025-02-03", "fortbildung", subtype="fachkraft", participants=["k1"]),
        ev("ref", "2025-09-01", "fortbildung", subtype="reflexion", kita="k1"),
        ev("net", "2025-09-02", "fortbildung", subtype="vernetzung", kita="k2",
           status="durchgefuehrt", participants=["k1"]),
        ev("ak", "2025-03-05", "arbeitskreis"),  # open to all Kitas
        ev("ft", "2025-03-06", "fachtag", kita="k2"),  # at another Kita: not ours
        ev("eb", "2025-04-01", "einrichtungsbesuch", kita="k1", status="abgesagt"),
        ev("team", "2024-11-01", "fortbildung", subtype="auftakt-team", kita="k1"),
    ]
    checklist = kita_checklist(BASIS, 2025, events, now=NOW)
    status = {item.part.key: item.status for item in checklist.items}
    assert status == {
        "fachkraft": "done", "reflexion": "planned", "vernetzung": "done",
        "auftakt-team": "missing", "auftakt-eltern": "missing", "auftakt-traeger": "missing",
        "arbeitskreis": "done", "fachtag": "missing", "einrichtungsbesuch": "missing",
    }
    assert [i.part.key for i in checklist.missing][:3] == [
        "auftakt-team", "auftakt-eltern", "auftakt-traeger"
    ]
    assert checklist.items[0].events == ["fk"]
    assert checklist.items[1].status_de == "geplant"


def test_vertiefung_checklist_has_its_five_parts() -> None:
    checklist = kita_checklist(OTHER, 2025, [ev("ft", "2025-03-06", "fachtag", kita="k2")],
                               now=NOW)
    assert [i.part.key for i in checklist.items] == [
        "reflexion", "vernetzung", "arbeitskreis", "fachtag", "einrichtungsbesuch"
    ]
    assert [i.status for i in checklist.items] == ["missing"] * 3 + ["done", "missing"]


def _fill(store: Store) -> None:
    for coach in COACHES:
        store.add_coach(coach)
    store.add_kita(BASIS)
    store.add_kita(OTHER)
    store.put_events([
        ev("a", "2025-03-04", "begleitung", hours=2, coaches=["c1"], kita="k1"),
        ev("b", "2025-03-18", "begleitung", hours=3, coaches=["c1", "c2"], kita="k1"),
        ev("c", "2025-03-20", "begleitung", hours=1, coaches=["c2"], kita="k2"),
        ev("d", "2025-03-21", "begleitung", hours=4, coaches=["c1"], kita="k2",
           status="abgesagt"),
        ev("e", "2025-01-08", "begleitung", hours=4, coaches=["c1"], kita="k2"),
        ev("f", "2025-03-05", "arbeitskreis", hours=2, coaches=["c1"]),
    ])


def test_month_report_for_one_coach(store: Store) -> None:
    _fill(store)
    report = month_report(store, 2025, 3, coach="c1")
    assert [(r.kita, r.visits, r.hours, r.fee) for r in report.rows] == [("k1", 2, 5.0, 307.5)]
    budget = report.rows[0].budget
    assert budget is not None and (budget.budget, budget.used, budget.left) == (
        5000.0, 457.5, 4542.5
    )
    assert (report.total_hours, report.total_fee) == (5.0, 307.5)
    text = render_table(report)
    assert "Stundennachweis März 2025 – Anna Beispiel" in text
    assert "Kita Sonnenschein" in text and "307,50 €" in text and "4.542,50 €" in text
    assert "5,00" in text and any(line.startswith("Summe") for line in text.splitlines())


def test_month_report_for_all_coaches_and_rows(store: Store) -> None:
    _fill(store)
    report = month_report(store, 2025, 3)
    assert [(r.kita_name, r.hours, r.fee) for r in report.rows] == [
        ("Kita Regenbogen", 1.0, 50.0), ("Kita Sonnenschein", 5.0, 457.5)
    ]
    regenbogen = report.rows[0].budget
    assert regenbogen is not None and (regenbogen.used, regenbogen.left) == (296.0, 2204.0)
    rows = report.to_rows()
    assert rows[-1] == {"month": "2025-03", "coach": "", "kita": "", "kita_name": "Summe",
                        "visits": 3, "hours": 6.0, "fee": 507.5, "budget": None,
                        "used_year": None, "left_year": None, "kita_hours": None,
                        "recommendation": None, "checklist_done": None,
                        "checklist_planned": None, "checklist_missing": None}
    assert "Keine Prozessbegleitung" in render_table(month_report(store, 2025, 2))


def test_month_report_shows_hours_against_recommendation_and_checklist(store: Store) -> None:
    _fill(store)
    store.put_events([
        ev("g", "2025-03-25", "begleitung", hours=1, coaches=["c2"], kita="k1"),
        ev("ref", "2025-09-01", "fortbildung", subtype="reflexion", kita="k1"),
    ])
    report = month_report(store, 2025, 3, coach="c1", now=NOW)
    row = report.rows[0]
    assert row.kita_hours is not None and row.checklist is not None
    # c1's own hours are 5; the Kita had 6 hours of coaching that month: above 2–5 h.
    assert (row.hours, row.kita_hours.hours, row.kita_hours.recommendation) == (
        5.0, 6.0, "above"
    )
    # Basis, as of June 2025: Arbeitskreis (open to all) done, Reflexion planned.
    assert (row.checklist.done, row.checklist.planned) == (1, 1)
    assert "Fachkraft-ThEKiZ-Weiterbildung" in row.checklist.missing
    assert len(row.checklist.missing) == 7
    text = render_table(report)
    assert "6,00 (über)" in text and "1 erledigt, 1 geplant, 7 offen" in text
    assert "den empfohlenen 2–5 Stunden" in text
    assert "Offen 2025, Kita Sonnenschein: Fachkraft-ThEKiZ-Weiterbildung" in text
    below = month_report(store, 2025, 3, now=NOW).rows[0]
    assert below.kita_name == "Kita Regenbogen" and below.kita_hours is not None
    assert (below.kita_hours.hours, below.kita_hours.recommendation) == (1.0, "below")


def test_a_coachs_report_is_decided_below_the_ui(store: Store) -> None:
    """The view without any front-end: Kita figures only for a Kita she accompanies, the
    budget used there as the total of every coach, and never the Kita's hours."""
    from dataclasses import replace

    from thekiz_tui.session.guarded_store import guard

    _fill(store)
    mine = month_report(guard(store, "c1"), 2025, 3, now=NOW)
    assert mine.coach == "c1" and not mine.has("kita_hours") and mine.has("address")
    [row] = mine.rows  # Sonnenschein, accompanied by no one: her visits, hours, fee only
    assert (row.kita, row.hours, row.fee, row.address) == ("k1", 5.0, 307.5, "")
    assert (row.budget, row.kita_hours, row.checklist) == (None, None, None)
    assert "used_year" not in mine.to_rows()[0] and "4.542,50" not in render_table(mine)

    store.update_kita(replace(store.kita("k1"), coach="c1"))
    [row] = month_report(guard(store, "c1"), 2025, 3, now=NOW).rows
    assert row.budget is not None and row.checklist is not None and row.kita_hours is None
    # used: Ben's share of the shared visit (3 h × 50 €) is in the total, not apart
    assert (row.fee, row.budget.used, row.budget.left) == (307.5, 457.5, 4542.5)
