"""Recurrence that exhausts the server (issue 9, attack 5, the rule part): a rule below
daily frequency, or one dateutil searches for thousands of years, is refused wherever a
person types or imports it, and a rule already stored is never expanded without bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import snapshot
from test_ui_form import _new_event, filled, form_on  # noqa: F401  (filled: a fixture)

from store import Coach, Event, Kita, Store
from thekiz_tui.ical import IcalError, import_calendar
from thekiz_tui.planning.occurrences import MAX_PER_SERIES, expand

TODAY = "2026-03-16"
TOO_OFTEN = "öfter als einmal am Tag"
NEVER = "ergibt keinen einzigen Termin"
# A rule no day ever satisfies: dateutil, asked for the next date, walks every day up
# to the year 9999 (seconds per expansion, for every check of every coach).
NEVER_RULE = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": TODAY, "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    # the timeout only guards against hanging: the assertions are on results and counts
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=600)


def team(db: Path) -> Store:
    store = Store.open(db)
    store.add_coach(Coach(id="c-anna", name="Anna Beispiel"))
    store.add_kita(Kita(id="k-sonne", name="Kita Sonnenschein", coach="c-anna"))
    store.add_event(Event(id="ev-visit", kind="begleitung", title="Besuch",
                          start="2026-03-18T09:00:00+01:00", end="2026-03-18T10:00:00+01:00",
                          coaches=["c-anna"], kita="k-sonne"))
    return store


# -- typed: the CLI --------------------------------------------------------------------

REFUSED = [
    ("FREQ=MINUTELY", TOO_OFTEN),
    ("FREQ=SECONDLY;COUNT=100000", TOO_OFTEN),
    ("freq=hourly;interval=2", TOO_OFTEN),
    ("FREQ=DAILY;BYHOUR=8,9,10,11", TOO_OFTEN),
    ("FREQ=DAILY;BYMINUTE=0,15,30,45", TOO_OFTEN),
    (NEVER_RULE, NEVER),
    ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11", NEVER),
    ("FREQ=WEEKLY;BYSETPOS=9;BYDAY=MO", NEVER),
    ("FREQ=DAILY;COUNT=1000000000", "zu viele Termine"),
]


@pytest.mark.parametrize(("rule", "why"), REFUSED, ids=[r for r, _ in REFUSED])
def test_the_cli_refuses_the_rule_and_writes_nothing(tmp_path: Path, rule: str,
                                                     why: str) -> None:
    db = tmp_path / "plan.json"
    team(db)
    before = snapshot(tmp_path)
    added = thekiz(db, "add", "--kind", "begleitung", "--title", "Dauerbesuch",
                   "--start", "4.3.2026 9:00", "--end", "4.3.2026 10:00",
                   "--coach", "c-anna", "--kita", "k-sonne", "--rrule", rule)
    edited = thekiz(db, "edit", "ev-visit", "--rrule", rule)
    for result in (added, edited):
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert why in line and f"„{rule.upper()}“" in line, line
    assert snapshot(tmp_path) == before


def test_daily_and_rarer_rules_stay_possible(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    team(db)
    for rule in ("FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;BYDAY=MO,TH",
                 "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;BYHOUR=9"):
        result = thekiz(db, "add", "--kind", "sonstiges", "--title", rule, "--coach", "c-anna",
                        "--start", "4.3.2026 9:00", "--end", "4.3.2026 10:00", "--rrule", rule)
        assert result.returncode == 0, (rule, result.stderr)


# -- typed: the form -------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "why"), [("FREQ=MINUTELY", TOO_OFTEN), (NEVER_RULE, NEVER)])
async def test_the_form_refuses_the_rule(filled: Store, rule: str, why: str) -> None:  # noqa: F811
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.choose("#repeat", 7)  # own rule (RRULE)
        await ui.type("#rule", rule)
        assert why in ui.text("#err-repeat") and rule in ui.text("#err-repeat")
        # the preview does not walk the rule either
        assert ui.text("#repeat-desc") == "ungültige Regel"
        await ui.save()
        assert ui.app.results == []
    assert [e.id for e in filled.events()] == ["ev-existing"]


# -- imported --------------------------------------------------------------------------


def calendar(rule: str) -> bytes:
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//DE",
        "BEGIN:VEVENT", "UID:dauer@example.org", "DTSTAMP:20260301T000000Z",
        "DTSTART:20260304T080000Z", "DTEND:20260304T090000Z", "SUMMARY:Dauertermin",
        f"RRULE:{rule}", "END:VEVENT", "END:VCALENDAR", "",
    ]).encode()


@pytest.mark.parametrize(("rule", "why"), [("FREQ=MINUTELY", TOO_OFTEN), (NEVER_RULE, NEVER)])
def test_an_import_with_the_rule_is_refused(tmp_path: Path, rule: str, why: str) -> None:
    db = tmp_path / "store" / "plan.json"
    store = team(db)
    before = snapshot(db.parent)
    with pytest.raises(IcalError) as caught:
        import_calendar(store, calendar(rule), coach="c-anna")
    assert why in str(caught.value) and rule in str(caught.value)
    assert snapshot(db.parent) == before
    path = tmp_path / "dauer.ics"
    path.write_bytes(calendar(rule))
    result = thekiz(db, "import", str(path), "--coach", "c-anna")
    assert result.returncode == 2 and why in result.stderr, result.stderr
    assert snapshot(db.parent) == before


# -- stored before: bounded expansion ---------------------------------------------------


def stored_attack(db: Path) -> Store:
    """Rules the checks would refuse, stored by the store itself (which checks nothing:
    a store written by an older thekiz, or by hand)."""
    store = team(db)
    store.put_events([
        Event(id="ev-minutely", kind="begleitung", title="Jede Minute", rrule="FREQ=MINUTELY",
              start="2026-01-05T09:00:00+01:00", end="2026-01-05T09:01:00+01:00",
              coaches=["c-anna"], kita="k-sonne"),
        Event(id="ev-never", kind="begleitung", title="Nie", rrule=NEVER_RULE,
              start="2026-01-05T11:00:00+01:00", end="2026-01-05T12:00:00+01:00",
              coaches=["c-anna"], kita="k-sonne"),
        Event(id="ev-ancient", kind="sonstiges", title="Seit jeher", rrule="FREQ=DAILY",
              start="0001-01-01T07:00:00+00:00", end="0001-01-01T07:30:00+00:00",
              tz="UTC", coaches=["c-anna"]),
        Event(id="ev-mondays", kind="sonstiges", title="Montags seit 1900",
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", start="1900-01-01T08:00:00+01:00",
              end="1900-01-01T09:00:00+01:00", coaches=["c-anna"]),
    ])
    return store


@contextmanager
def counted_steps() -> Iterator[list[int]]:
    """Counts the periods dateutil walks (it rebuilds its calendar for each new month or
    year it enters): the work of an expansion, independent of the machine's speed."""
    import threading

    from dateutil import rrule as dateutil_rrule

    target = dateutil_rrule._iterinfo.rebuild.__code__
    counter = [0]

    def profile(frame: object, event: str, arg: object) -> None:
        if event == "call" and frame.f_code is target:  # type: ignore[attr-defined]
            counter[0] += 1

    sys.setprofile(profile)
    threading.setprofile(profile)  # type: ignore[arg-type]
    try:
        yield counter
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]


def year_2026() -> tuple[int, int]:
    return (int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()),
            int(datetime(2027, 1, 1, tzinfo=UTC).timestamp()))


def test_a_stored_rule_is_expanded_with_bounded_work(tmp_path: Path) -> None:
    store = stored_attack(tmp_path / "plan.json")
    with counted_steps() as steps:
        occurrences = expand(store.events(), *year_2026())
        again = expand(store.events(), *year_2026())
    per_series: dict[str, int] = {}
    for occ in occurrences:
        per_series[occ.id] = per_series.get(occ.id, 0) + 1
    # the refused rules show once, at their start, where the coach can mend them; the
    # series from the year 1 has its 365 days without walking 2025 years to them
    assert per_series == {"ev-visit": 1, "ev-minutely": 1, "ev-never": 1, "ev-ancient": 365,
                          "ev-mondays": 26}
    # walked from a later start, the dates stay those of the rule: 1.1.1900 and
    # 12.1.2026 are Mondays 3,288 fortnights apart
    mondays = sorted(o.event.start[:10] for o in occurrences if o.id == "ev-mondays")
    assert mondays[:2] == ["2026-01-12", "2026-01-26"] and mondays[-1] == "2026-12-28"
    ancient = sorted(o.event.start[:10] for o in occurrences if o.id == "ev-ancient")
    assert (ancient[0], ancient[-1]) == ("2026-01-01", "2026-12-31")
    assert len(again) == len(occurrences)
    # the never-test walks at most 600 years of months, once per rule (it is cached);
    # walking to the year 9999 would be about 96,000, per expansion
    assert steps[0] < 12_000, steps[0]
    assert max(per_series.values()) <= MAX_PER_SERIES


def test_list_and_conflicts_over_a_year_finish(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    stored_attack(db)
    window = ("--from", "1.1.2026", "--to", "31.12.2026")
    listed = thekiz(db, "list", *window, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    ids = [row["id"] for row in rows]
    assert ids.count("ev-minutely") == 1 and ids.count("ev-never") == 1
    assert ids.count("ev-ancient") == 365 and ids.count("ev-mondays") == 26
    # each refused series is said once, in German, naming its rule
    warnings = [line for line in listed.stderr.splitlines() if "Wiederholungsregel" in line]
    assert len(warnings) == 2, listed.stderr
    assert any("„FREQ=MINUTELY“" in w and TOO_OFTEN in w for w in warnings)
    assert any(f"„{NEVER_RULE}“" in w and NEVER in w for w in warnings)

    checked = thekiz(db, "conflicts", *window, "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr
    json.loads(checked.stdout)
