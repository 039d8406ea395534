"""Files as real clients write them that bend RFC 5545: each is read, and the import's
summary says in German where thekiz was lenient. A file that is broken stays refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import bad, ok, thekiz

from store import Event, Store
from thekiz_tui.ical import IcalError, parse_calendar
from thekiz_tui.ical.importer import plan_for
from thekiz_tui.ical.scope import plan_lines


def ics(*body: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Hand//DE", *body,
             "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def event(*props: str, uid: str = "a@test") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z", *props, "END:VEVENT"]


def read(data: bytes, tmp_path: Path) -> tuple[list[Event], str]:
    """The file's events and the dry run's lines, as ``thekiz import --dry-run`` has them."""
    events = parse_calendar(data)
    plan = plan_for(Store(str(tmp_path / "plan.json")), events)
    return events, "\n".join([plan.summary(), *plan_lines(plan, dry_run=True)])


def test_outlook_escaped_tzid_resolves_to_its_vtimezone(tmp_path: Path) -> None:
    zone = ["BEGIN:VTIMEZONE", "TZID:Kuala Lumpur\\, Singapore",
            "BEGIN:STANDARD", "DTSTART:16010101T000000", "TZOFFSETFROM:+0800",
            "TZOFFSETTO:+0800", "END:STANDARD", "END:VTIMEZONE"]
    data = ics(*zone,
               *event('DTSTART;TZID="Kuala Lumpur, Singapore":20250310T150000',
                      'DTEND;TZID="Kuala Lumpur, Singapore":20250310T160000',
                      "SUMMARY:Quoted"),
               *event("DTSTART;TZID=Kuala Lumpur, Singapore:20250311T150000",
                      "DTEND;TZID=Kuala Lumpur, Singapore:20250311T160000",
                      "SUMMARY:Unquoted", uid="b@test"))
    events, text = read(data, tmp_path)
    # Outlook's display name without its offset is Singapore's zone (UTC+8)
    assert [(e.title, e.start, e.end, e.tz) for e in events] == [
        ("Quoted", "2025-03-10T15:00:00+08:00", "2025-03-10T16:00:00+08:00", "Asia/Singapore"),
        ("Unquoted", "2025-03-11T15:00:00+08:00", "2025-03-11T16:00:00+08:00",
         "Asia/Singapore"),
    ]
    assert "Zeitzone „Kuala Lumpur, Singapore“ als Asia/Singapore gelesen" in text


def test_iphone_structured_location_with_escaped_parameters(tmp_path: Path) -> None:
    data = ics(*event(
        "DTSTART;TZID=Europe/Berlin:20250402T093000",
        "DTEND;TZID=Europe/Berlin:20250402T110000",
        "SUMMARY:Besuch",
        "LOCATION:Marktstraße 1\\nGotha",
        "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Marktstraße 1\\\\nGotha\\;"
        "Thüringen;X-APPLE-RADIUS=70.6;X-TITLE=\"Kita Sonne\\\\nGotha\":geo:50.94,10.70",
    ))
    events, _ = read(data, tmp_path)
    assert [(e.title, e.start, e.location) for e in events] == [
        ("Besuch", "2025-04-02T09:30:00+02:00", "Marktstraße 1 Gotha")]


def test_empty_rrule_is_ignored(tmp_path: Path) -> None:
    data = ics(*event("DTSTART;TZID=Europe/Berlin:20250505T100000",
                      "DTEND;TZID=Europe/Berlin:20250505T110000", "SUMMARY:Einmal", "RRULE:"))
    events, text = read(data, tmp_path)
    assert [(e.title, e.start, e.rrule) for e in events] == [
        ("Einmal", "2025-05-05T10:00:00+02:00", None)]
    assert "Nachsichtig gelesen (1×): leere RRULE-Zeile ignoriert." in text


def test_lines_after_end_vcalendar_are_ignored(tmp_path: Path) -> None:
    data = ics(*event("DTSTART:20250601T080000Z", "DTEND:20250601T090000Z",
                      "SUMMARY:Früh")) + b"noch Text ohne Doppelpunkt\r\nX-TRAILER:junk\r\n"
    events, text = read(data, tmp_path)
    assert [(e.title, e.start) for e in events] == [("Früh", "2025-06-01T10:00:00+02:00")]
    assert "Nachsichtig gelesen (2×): Zeile nach END:VCALENDAR ignoriert." in text


def test_dtend_wins_over_duration(tmp_path: Path) -> None:
    data = ics(*event("DTSTART;TZID=Europe/Berlin:20250707T140000",
                      "DTEND;TZID=Europe/Berlin:20250707T153000", "DURATION:PT5H",
                      "SUMMARY:Beides"))
    events, text = read(data, tmp_path)
    assert [(e.start, e.end) for e in events] == [
        ("2025-07-07T14:00:00+02:00", "2025-07-07T15:30:00+02:00")]
    assert "DTEND und DURATION zugleich – DTEND gilt" in text


def test_date_time_in_a_date_value_is_its_date(tmp_path: Path) -> None:
    data = ics(*event("DTSTART;VALUE=DATE:20250808T123000",
                      "DTEND;VALUE=DATE:20250809T123000", "SUMMARY:Fachtag"))
    events, text = read(data, tmp_path)
    assert [(e.title, e.all_day, e.start, e.end) for e in events] == [
        ("Fachtag", True, "2025-08-08", "2025-08-09")]
    assert ("Nachsichtig gelesen (2×): Uhrzeit in einem Datumswert (VALUE=DATE) – "
            "nur das Datum gilt.") in text


def test_continuation_without_its_space_is_joined(tmp_path: Path) -> None:
    data = ics(*event("DTSTART;TZID=Europe/Berlin:20250909T090000",
                      "DTEND;TZID=Europe/Berlin:20250909T100000",
                      "SUMMARY:Teamsitzung mit",
                      " allen Fachkräften",
                      "DESCRIPTION:Erste Zeile und",
                      "weiter ohne Leerzeichen"))
    events, text = read(data, tmp_path)
    assert [(e.title, e.start) for e in events] == [
        ("Teamsitzung mitallen Fachkräften", "2025-09-09T09:00:00+02:00")]
    assert events[0].notes == "Erste Zeile undweiter ohne Leerzeichen"
    assert "Fortsetzungszeile ohne führendes Leerzeichen" in text


def test_second_rrule_joins_the_first_and_said_so(tmp_path: Path) -> None:
    data = ics(*event("DTSTART;TZID=Europe/Berlin:20251006T100000",
                      "DTEND;TZID=Europe/Berlin:20251006T110000", "SUMMARY:Serie",
                      "RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=MONTHLY;COUNT=2"))
    events, text = read(data, tmp_path)
    assert [(e.title, e.start, e.rrule, e.extra_rules) for e in events] == [
        ("Serie", "2025-10-06T10:00:00+02:00", "FREQ=WEEKLY;COUNT=3", ["FREQ=MONTHLY;COUNT=2"])]
    assert "mehrere Wiederholungsregeln (RRULE) in einem Termin – alle gelten zusammen" in text


def test_cli_dry_run_lists_the_leniency_and_import_writes(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "x", "--name", "X")
    path = tmp_path / "a.ics"
    path.write_bytes(ics(*event("DTSTART;TZID=Europe/Berlin:20250505T100000",
                                "DTEND;TZID=Europe/Berlin:20250505T110000",
                                "SUMMARY:Einmal", "RRULE:")))
    out = ok(db, "import", "--dry-run", str(path))
    assert "Probelauf" in out and "leere RRULE-Zeile ignoriert" in out
    out = ok(db, "import", str(path))
    assert "leere RRULE-Zeile ignoriert" in out


@pytest.mark.parametrize("body", [
    # a line without a colon right after BEGIN:VEVENT cannot continue anything
    ["BEGIN:VEVENT", "DTSTART 20250101T100000", "UID:x", "SUMMARY:x", "END:VEVENT"],
    ["BEGIN:VEVENT", "UID:x", "DTSTART:20250101T100000Z", "END:VTODO"],
])
def test_broken_file_is_still_refused(tmp_path: Path, body: list[str]) -> None:
    data = ics(*event("DTSTART:20250101T080000Z", "SUMMARY:gut", uid="ok@test"), *body)
    with pytest.raises(IcalError):
        parse_calendar(data)
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "x", "--name", "X")
    path = tmp_path / "broken.ics"
    path.write_bytes(data)
    before = db.read_bytes()
    line = bad(db, "import", str(path))
    assert "Zeile 1" in line  # names the line (11 or 12), in German
    assert db.read_bytes() == before
    assert "gut" not in thekiz(db, "list", "--from", "2025-01-01", "--to", "2025-01-31").stdout
