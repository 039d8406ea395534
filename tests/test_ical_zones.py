"""Time zones as Outlook and Exchange write them: Windows ids, Windows display names
without a VTIMEZONE, and custom VTIMEZONEs ("Customized Time Zone"). Each is read into a
real IANA zone so that a series lands on its own days; each reading is named in the
summary; a zone that cannot be read is refused in one German sentence."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from test_cli import bad, ok, thekiz
from test_ical_lenient import read

from store import Event
from thekiz_tui.ical import parse_calendar
from thekiz_tui.planning.occurrences import expand

# Outlook's VTIMEZONE for a zone the user adjusted by hand: its current rules from 1601
# on, no IANA name. These are Sydney's rules (DST from the first Sunday of October to
# the first Sunday of April).
SYDNEY = [
    "BEGIN:VTIMEZONE", "TZID:Customized Time Zone",
    "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+1100",
    "TZOFFSETTO:+1000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+1000",
    "TZOFFSETTO:+1100", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "END:DAYLIGHT",
    "END:VTIMEZONE",
]


def outlook(*body: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
             "VERSION:2.0", "METHOD:PUBLISH", *body, "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def vevent(tzid: str, start: str, end: str, *props: str, uid: str = "z@test") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z", "SUMMARY:Teamrunde",
            f'DTSTART;TZID="{tzid}":{start}', f'DTEND;TZID="{tzid}":{end}', *props,
            "END:VEVENT"]


def ours(event: Event) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromtimestamp(o.start_ts, UTC), datetime.fromtimestamp(o.end_ts, UTC))
            for o in expand([event])]


def theirs(data: bytes) -> list[tuple[datetime, datetime]]:
    """recurring-ical-events' occurrences of the file (it needs real zones to agree)."""
    # icalendar keeps the first VTIMEZONE it saw under a TZID for the whole process, so
    # each file's "Customized Time Zone" gets a name of its own here
    data = data.replace(b"Customized Time Zone", f"Custom {uuid.uuid4()}".encode())
    calendar = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(date(2000, 1, 1), date(2040, 1, 1))
    return sorted((e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC))
                  for e in found)


# weekdays at 08:00 in Sydney across the end of Sydney's and the start of Berlin's summer
# time (both move in those two weeks)
WEEKDAYS = ("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=15",)


def test_outlook_sydney_weekday_series_in_customized_time_zone(tmp_path: Path) -> None:
    data = outlook(*SYDNEY, *vevent("Customized Time Zone", "20250324T080000",
                                    "20250324T090000", *WEEKDAYS))
    (event,), text = read(data, tmp_path)
    assert event.tz == "Australia/Sydney"
    sydney = ZoneInfo("Australia/Sydney")
    local = [start.astimezone(sydney) for start, _end in ours(event)]
    # expanded in Berlin time, as before, each one landed a day late (Tuesday to Saturday)
    assert [d.strftime("%a %H:%M") for d in local] == ["Mon 08:00", "Tue 08:00", "Wed 08:00",
                                                      "Thu 08:00", "Fri 08:00"] * 3
    assert local[0].date() == date(2025, 3, 24) and local[-1].date() == date(2025, 4, 11)
    assert ours(event) == theirs(data)
    assert "Zeitzone „Customized Time Zone“ als Australia/Sydney gelesen" in text


def test_custom_vtimezone_of_berlin_stays_berlin(tmp_path: Path) -> None:
    berlin = [
        "BEGIN:VTIMEZONE", "TZID:Customized Time Zone",
        "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
    data = outlook(*berlin, *vevent("Customized Time Zone", "20250321T090000",
                                    "20250321T100000", "RRULE:FREQ=WEEKLY;COUNT=3"))
    (event,), _text = read(data, tmp_path)
    # Paris, Vienna … follow the same rules; the planner's own zone is preferred
    assert event.tz == "Europe/Berlin"
    assert event.start == "2025-03-21T09:00:00+01:00"
    assert ours(event) == theirs(data)


def test_fixed_offset_custom_zone_is_an_etc_zone(tmp_path: Path) -> None:
    fixed = ["BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD",
             "DTSTART:16010101T000000", "TZOFFSETFROM:+0300", "TZOFFSETTO:+0300",
             "END:STANDARD", "END:VTIMEZONE"]
    data = outlook(*fixed, *vevent("Customized Time Zone", "20250324T080000",
                                   "20250324T090000", "RRULE:FREQ=WEEKLY;COUNT=4"))
    (event,), text = read(data, tmp_path)
    assert event.tz == "Etc/GMT-3"  # POSIX sign: three hours ahead of UTC
    assert event.start == "2025-03-24T08:00:00+03:00"
    assert ours(event) == theirs(data)
    assert "als Etc/GMT-3 gelesen" in text


@pytest.mark.parametrize(("tzid", "name", "start"), [
    ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York", "2025-03-03T09:00:00-05:00"),
    ("(UTC-05:00) Eastern Time (US and Canada)", "America/New_York",
     "2025-03-03T09:00:00-05:00"),
    ("(GMT+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney",
     "2025-03-03T09:00:00+11:00"),
    ("(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney",
     "2025-03-03T09:00:00+11:00"),
    ("(GMT+01.00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin",
     "2025-03-03T09:00:00+01:00"),
    ("(UTC+01:00)  amsterdam,berlin, bern, rome, stockholm, vienna", "Europe/Berlin",
     "2025-03-03T09:00:00+01:00"),
    # German Outlook writes its own display names; their cities are IANA names too
    ("(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien", "Europe/Berlin",
     "2025-03-03T09:00:00+01:00"),
    ("(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "Europe/London",
     "2025-03-03T09:00:00+00:00"),
    ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata",
     "2025-03-03T09:00:00+05:30"),
])
def test_display_names_without_vtimezone(tmp_path: Path, tzid: str, name: str,
                                          start: str) -> None:
    data = outlook(*vevent(tzid, "20250303T090000", "20250303T100000",
                           "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=20"))
    (event,), text = read(data, tmp_path)
    assert (event.tz, event.start) == (name, start)
    assert f"Zeitzone „{tzid}“ als {name} gelesen" in text
    # recurring-ical-events reads such a TZID as floating time; with the IANA name
    # written in, it agrees with thekiz (the series crosses the summer-time changes)
    named = data.replace(f'"{tzid}"'.encode(), name.encode())
    assert ours(event) == theirs(named)


@pytest.mark.parametrize(("tzid", "name"), [
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("India Standard Time", "Asia/Kolkata"),  # CLDR's Asia/Calcutta, by its current name
    ("eastern standard time", "America/New_York"),
    ("W. Europe Standard Time 1", "Europe/Berlin"),  # Outlook's second definition
])
def test_windows_ids(tmp_path: Path, tzid: str, name: str) -> None:
    data = outlook(*vevent(tzid, "20250303T090000", "20250303T100000"))
    (event,), text = read(data, tmp_path)
    assert event.tz == name
    assert datetime.fromisoformat(event.start) == datetime(2025, 3, 3, 9, tzinfo=ZoneInfo(name))
    assert f"Zeitzone „{tzid}“ als {name} gelesen" in text


def test_display_name_with_its_vtimezone_takes_the_mapped_zone(tmp_path: Path) -> None:
    tzid = "(UTC+10:00) Canberra, Melbourne, Sydney"
    zone = [line.replace("Customized Time Zone", tzid) for line in SYDNEY]
    data = outlook(*zone, *vevent(tzid, "20250324T080000", "20250324T090000", *WEEKDAYS))
    (event,), _text = read(data, tmp_path)
    assert event.tz == "Australia/Sydney"
    assert ours(event) == theirs(data)


# a zone of rules no real zone has: 01:30 ahead of UTC, 02:30 from the first Sunday of
# March to the first Sunday of November
NOWHERE = [
    "BEGIN:VTIMEZONE", "TZID:Customized Time Zone",
    "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0230",
    "TZOFFSETTO:+0130", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0130",
    "TZOFFSETTO:+0230", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=3", "END:DAYLIGHT",
    "END:VTIMEZONE",
]


def test_custom_zone_no_real_zone_follows(tmp_path: Path) -> None:
    single = outlook(*NOWHERE, *vevent("Customized Time Zone", "20250310T120000",
                                       "20250310T130000"))
    (event,), _text = read(single, tmp_path)
    # the file's instant exactly: 12:00 at UTC+2:30 is 09:30 UTC, 10:30 in Berlin
    assert datetime.fromisoformat(event.start) == datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
    assert event.tz == "Europe/Berlin"

    # A series that ends is kept as its exact instants; an endless one is refused.
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "x", "--name", "X")
    path = tmp_path / "serie.ics"
    path.write_bytes(outlook(*NOWHERE, *vevent("Customized Time Zone", "20250310T120000",
                                               "20250310T130000", "RRULE:FREQ=DAILY;COUNT=3")))
    out = ok(db, "import", str(path))
    assert "als feste Termine (UTC) gelesen" in out
    listed = json.loads(ok(db, "list", "--from", "2025-03-09", "--to", "2025-03-14",
                           "--format", "json"))
    assert [datetime.fromisoformat(o["start"]).astimezone(UTC).strftime("%d %H:%M")
            for o in listed] == ["10 09:30", "11 09:30", "12 09:30"]
    path.write_bytes(outlook(*NOWHERE, *vevent("Customized Time Zone", "20250310T120000",
                                               "20250310T130000", "RRULE:FREQ=DAILY")))
    before = db.read_bytes()
    line = bad(db, "import", str(path))
    assert "Zeitzone „Customized Time Zone“" in line and "Serie" in line
    assert db.read_bytes() == before


def test_unknown_tzid_without_vtimezone_is_refused_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "x", "--name", "X")
    path = tmp_path / "fremd.ics"
    path.write_bytes(outlook(*vevent("Mittelerde Normalzeit", "20250310T120000",
                                     "20250310T130000")))
    before = db.read_bytes()
    line = bad(db, "import", str(path))
    assert "unbekannte Zeitzone „Mittelerde Normalzeit“ ohne VTIMEZONE-Definition" in line
    assert db.read_bytes() == before


def test_cli_dry_run_names_the_zone_reading(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "x", "--name", "X")
    path = tmp_path / "outlook.ics"
    tzid = "(UTC+10:00) Canberra, Melbourne, Sydney"
    path.write_bytes(outlook(*vevent(tzid, "20250324T080000", "20250324T090000", *WEEKDAYS)))
    out = ok(db, "import", "--dry-run", str(path))
    assert f"Nachsichtig gelesen (1×): Zeitzone „{tzid}“ als Australia/Sydney gelesen." in out
    ok(db, "import", str(path))
    listed = thekiz(db, "list", "--from", "2025-03-23", "--to", "2025-03-25").stdout
    # Berlin's window; each occurrence at its own Sydney time, Monday and Tuesday (in
    # Berlin time the series would have moved to Tuesday to Saturday)
    assert "Mo   24.03.2025  08:00–09:00" in listed
    assert "Di   25.03.2025  08:00–09:00" in listed
    assert "So   23.03.2025" not in listed


def test_parse_is_unchanged_for_iana_names() -> None:
    data = outlook(*vevent("Europe/Berlin", "20250303T090000", "20250303T100000"))
    (event,) = parse_calendar(data)
    assert (event.tz, event.start) == ("Europe/Berlin", "2025-03-03T09:00:00+01:00")


def test_two_files_with_the_same_custom_tzid_each_keep_their_own(tmp_path: Path) -> None:
    """icalendar remembers a VTIMEZONE by its TZID for the whole process; the TUI imports
    many files in one process, and Outlook names every hand-made zone alike."""
    first = outlook(*SYDNEY, *vevent("Customized Time Zone", "20250310T120000",
                                     "20250310T130000"))
    second = outlook(*NOWHERE, *vevent("Customized Time Zone", "20250310T120000",
                                       "20250310T130000"))
    (sydney,), _ = read(first, tmp_path)
    (nowhere,), _ = read(second, tmp_path)
    assert datetime.fromisoformat(sydney.start) == datetime(2025, 3, 10, 1, tzinfo=UTC)
    assert datetime.fromisoformat(nowhere.start) == datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


def test_named_zone_with_todays_rules_for_an_older_year_keeps_its_name(
    tmp_path: Path,
) -> None:
    """Outlook writes only a zone's current rules; in 2006 Sydney's summer time ended a
    week earlier. No real zone follows those rules in 2006, so the name decides."""
    tzid = "(UTC+10:00) Canberra, Melbourne, Sydney"
    zone = [line.replace("Customized Time Zone", tzid) for line in SYDNEY]
    data = outlook(*zone, *vevent(tzid, "20060320T080000", "20060320T090000", *WEEKDAYS))
    (event,), text = read(data, tmp_path)
    assert (event.tz, event.start) == ("Australia/Sydney", "2006-03-20T08:00:00+11:00")
    local = [s.astimezone(ZoneInfo("Australia/Sydney")) for s, _e in ours(event)]
    assert {d.strftime("%a %H:%M") for d in local} == {
        f"{day} 08:00" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")}
    assert f"Zeitzone „{tzid}“ als Australia/Sydney gelesen" in text


@pytest.mark.parametrize("zone", [SYDNEY, [
    "BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD",
    "DTSTART:16010101T000000", "TZOFFSETFROM:+0300", "TZOFFSETTO:+0300",
    "END:STANDARD", "END:VTIMEZONE"]])
def test_export_writes_the_zone_it_was_read_as(zone: list[str]) -> None:
    from thekiz_tui.ical.export import export_calendar

    data = outlook(*zone, *vevent("Customized Time Zone", "20250324T080000",
                                  "20250324T090000", *WEEKDAYS))
    (event,) = parse_calendar(data)
    exported = export_calendar([event], coaches={}, kitas={}, name="Plan")
    assert f"TZID:{event.tz}".encode() in exported
    (again,) = parse_calendar(exported)
    assert (again.tz, again.start, again.rrule) == (event.tz, event.start, event.rrule)
    assert ours(again) == ours(event) == theirs(exported) == theirs(data)


def test_every_display_name_in_the_table_leads_to_its_windows_zone() -> None:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    from thekiz_tui.ical import zones

    table = Path(zones.__file__).with_name("windows_zone_names.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in table.splitlines() if line and line[0] != "#"]
    assert len(rows) > 150
    wrong = [(name, ident) for name, ident in rows
             if zones.windows_zone(name) != zones.canonical(str(WINDOWS_TO_OLSON[ident]))]
    assert wrong == []
