"""The export as a phone shows it: the Kita in the name, its address as the place, the
district and the coaches in the text, a colour per kind, a reminder only when asked for,
and a re-import that stores exactly what was exported. khal and calcurse read it."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from test_ical_clients import calcurse_import, env, khal_command

from store import Coach, Event, Kita, Store
from thekiz_tui.ical import apply_import, export_calendar, parse_calendar, plan_import
from thekiz_tui.ical.references import Choice

NOW = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
COACHES = {"c-anna": Coach("c-anna", "Anna Beispiel"), "c-ben": Coach("c-ben", "Ben Muster")}
KITAS = {
    "k-sonne": Kita("k-sonne", "Kita Sonnenblume", district="Weimarer Land",
                    address="Blumenweg 3, 99423 Weimar"),
    "k-regen": Kita("k-regen", "Kita Regenbogen", district="Gotha"),
}


def events() -> list[Event]:
    return [
        Event(id="e-visit", kind="begleitung", start="2025-03-04T09:30:00+01:00",
              end="2025-03-04T11:00:00+01:00", coaches=["c-anna"], kita="k-sonne",
              notes="Ziele besprechen", uid="e-visit@thekiz"),
        Event(id="e-titled", kind="begleitung", title="Teamtag",
              start="2025-03-05T09:00:00+01:00", end="2025-03-05T12:00:00+01:00",
              coaches=["c-anna", "c-ben"], kita="k-sonne", location="Turnhalle",
              uid="e-titled@thekiz"),
        Event(id="e-named", kind="begleitung", title="Kita Regenbogen: Auswertung",
              start="2025-03-06T09:00:00+01:00", end="2025-03-06T10:00:00+01:00",
              coaches=["c-ben"], kita="k-regen", location="Gotha, Am Markt 1",
              uid="e-named@thekiz"),
        Event(id="e-cafe", kind="begleitung", title="Elterncafé Sonnenblume",
              start="2025-03-07T15:00:00+01:00", end="2025-03-07T17:00:00+01:00",
              coaches=["c-anna"], kita="k-sonne", uid="e-cafe@thekiz"),
        Event(id="e-ak", kind="arbeitskreis", title="Arbeitskreis",
              start="2025-03-10T13:00:00+01:00", end="2025-03-10T15:00:00+01:00",
              coaches=["c-anna"], location="Erfurt", uid="e-ak@thekiz",
              rrule="FREQ=WEEKLY;COUNT=3",
              overrides={"2025-03-17T13:00:00+01:00": {"title": "Arbeitskreis (Jena)",
                                                       "location": "Jena"}}),
        Event(id="e-off", kind="sonstiges", title="Abgesagt",
              start="2025-03-11T08:00:00+01:00", end="2025-03-11T09:00:00+01:00",
              status="abgesagt", uid="e-off@thekiz"),
        Event(id="e-day", kind="fachtag", title="Fachtag", start="2025-03-12",
              end="2025-03-13", all_day=True, uid="e-day@thekiz"),
    ]


def export(**options: int) -> bytes:
    return export_calendar(events(), coaches=COACHES, kitas=KITAS, name="Plan", now=NOW,
                           **options)


def vevents(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(c["UID"]) + ("+" if "RECURRENCE-ID" in c else ""): c
            for c in cal.walk("VEVENT")}


def test_a_visit_names_its_kita_and_goes_to_its_address() -> None:
    found = vevents(export())
    visit = found["e-visit@thekiz"]
    assert str(visit["SUMMARY"]) == "Prozessbegleitung – Kita Sonnenblume"  # type: ignore[index]
    assert str(visit["LOCATION"]) == "Blumenweg 3, 99423 Weimar"  # type: ignore[index]
    text = str(visit["DESCRIPTION"]).splitlines()  # type: ignore[index]
    assert text == ["Kita: Kita Sonnenblume", "Landkreis: Weimarer Land",
                    "Prozessbegleitung: Anna Beispiel", "", "Ziele besprechen"]
    titled = found["e-titled@thekiz"]
    assert str(titled["SUMMARY"]) == "Teamtag – Kita Sonnenblume"  # type: ignore[index]
    assert str(titled["LOCATION"]) == "Blumenweg 3, 99423 Weimar"  # type: ignore[index]
    # the place the event names is not lost: it is in the text
    assert "Ort: Turnhalle" in str(titled["DESCRIPTION"])  # type: ignore[index]
    assert "Anna Beispiel, Ben Muster" in str(titled["DESCRIPTION"])  # type: ignore[index]
    # a title that names the Kita already is not doubled; no address: the event's place
    named = found["e-named@thekiz"]
    assert str(named["SUMMARY"]) == "Kita Regenbogen: Auswertung"  # type: ignore[index]
    assert str(named["LOCATION"]) == "Gotha, Am Markt 1"  # type: ignore[index]
    assert "X-THEKIZ-TITLE" not in named and "X-THEKIZ-LOCATION" not in named  # type: ignore[operator]
    # so is one that names it without the word "Kita"
    cafe = found["e-cafe@thekiz"]
    assert str(cafe["SUMMARY"]) == "Elterncafé Sonnenblume"  # type: ignore[index]


def test_colour_per_kind() -> None:
    found = vevents(export())
    colours = {k: str(found[k]["COLOR"]) for k in  # type: ignore[index]
               ("e-visit@thekiz", "e-ak@thekiz", "e-off@thekiz", "e-day@thekiz")}
    assert colours == {"e-visit@thekiz": "seagreen", "e-ak@thekiz": "darkorange",
                       "e-off@thekiz": "slategray", "e-day@thekiz": "mediumpurple"}


def test_no_reminder_and_no_refresh_in_a_file() -> None:
    data = export()
    assert b"BEGIN:VALARM" not in data
    assert b"REFRESH-INTERVAL" not in data and b"X-PUBLISHED-TTL" not in data


def test_reminder_and_refresh_when_asked() -> None:
    data = export(reminder_minutes=90, refresh_minutes=60)
    cal = Calendar.from_ical(data)
    assert str(cal["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    alarms = {}
    for comp in cal.walk("VEVENT"):
        subs = [s for s in comp.subcomponents if s.name == "VALARM"]
        alarms[str(comp["SUMMARY"])] = subs
    visit = alarms["Prozessbegleitung – Kita Sonnenblume"]
    assert len(visit) == 1
    alarm = visit[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Prozessbegleitung – Kita Sonnenblume"
    assert alarm["TRIGGER"].dt == -timedelta(minutes=90)
    assert alarm["TRIGGER"].params.get("RELATED", "START") == "START"
    assert alarm.errors == []
    # a moved occurrence is reminded of too; a cancelled or all-day event is not
    assert len(alarms["Arbeitskreis (Jena)"]) == 1
    assert alarms["Abgesagt"] == [] and alarms["Fachtag"] == []


def test_reimport_stores_what_was_exported(tmp_path: Path) -> None:
    """SUMMARY and LOCATION were written for the phone; the store gets the title and
    place the events had, the second time too."""
    original = {e.id: e for e in events()}
    store = Store.open(tmp_path / "plan.json")
    data = export(reminder_minutes=30, refresh_minutes=60)
    apply_import(store, plan_import(parse_calendar(data), store.events()),
                 Choice(create=True))
    back = {e.id: e for e in Store.open(tmp_path / "plan.json").events()}
    for event_id, event in original.items():
        got = back[event_id]
        for name in ("title", "location", "notes", "kita", "coaches", "overrides"):
            assert getattr(got, name) == getattr(event, name), (event_id, name)
    again = plan_import(parse_calendar(export_calendar(
        list(back.values()), coaches=COACHES, kitas=KITAS, name="Plan", now=NOW,
        reminder_minutes=30)), store.events())
    assert not again.new and not again.changed


# -- the clients ----------------------------------------------------------------------------


@pytest.mark.external
def test_khal_shows_kita_address_and_reminder(tmp_path: Path) -> None:
    cal_dir = tmp_path / "calendar"
    cal_dir.mkdir()
    base = khal_command(tmp_path, cal_dir)
    ics = tmp_path / "thekiz.ics"
    ics.write_bytes(export(reminder_minutes=30, refresh_minutes=60))
    imported = subprocess.run([*base, "import", "--batch", "-a", "thekiz", str(ics)],
                              capture_output=True, text=True, env=env(), timeout=120)
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run(
        [*base, "list", "--day-format", "", "--format",
         "{start-long}|{title}|{location}|{alarm-symbol}|{description}",
         "2025-03-01",
         "2025-03-31"], capture_output=True, text=True, env=env(), timeout=120)
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "|" in line]
    visit = next(line for line in lines if line.startswith("2025-03-04T09:30:00+0100|"))
    _start, title, location, alarm, _description = visit.split("|", 4)
    assert title == "Prozessbegleitung – Kita Sonnenblume"
    assert location == "Blumenweg 3, 99423 Weimar"
    assert alarm.strip()  # khal marks an event with a reminder
    assert "Landkreis: Weimarer Land" in listed.stdout  # (the description's 2nd line)
    cancelled = next(line for line in lines if "Abgesagt" in line)
    assert not cancelled.split("|")[3].strip()


APT = re.compile(r"(\S+ @ \d\d:\d\d -> \S+ @ \d\d:\d\d)(?: \{[^}]*\})? ?(?:>(\w+))? ([!|])(.*)")


@pytest.mark.external
def test_calcurse_keeps_the_reminder_and_the_text(tmp_path: Path) -> None:
    _calcurse, data_dir = calcurse_import(tmp_path, export(reminder_minutes=30,
                                                           refresh_minutes=60))
    # calcurse's own file: "WHEN>NOTE !TITLE", "!" a reminder ("|" none), the note holds
    # DESCRIPTION
    apts = {}
    for line in (data_dir / "apts").read_text(encoding="utf-8").splitlines():
        match = APT.fullmatch(line)
        if match:  # (an all-day event is a line of another form)
            apts[match[4]] = (match[1], match[2], match[3])
    when, note, alarm = apts["Prozessbegleitung – Kita Sonnenblume"]
    assert when == "03/04/2025 @ 09:30 -> 03/04/2025 @ 11:00"
    assert alarm == "!"
    text = (data_dir / "notes" / note).read_text(encoding="utf-8")
    assert "Landkreis: Weimarer Land" in text and "Ziele besprechen" in text
    assert apts["Abgesagt"][2] == "|"
