"""Import of iCalendar files from the usual producers, re-import, and bad input."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import snapshot
from test_ical_export import export

from store import Coach, Event, Kita, Store
from thekiz_tui.ical import (
    IcalError,
    apply_import,
    import_calendar,
    parse_calendar,
    plan_import,
)
from thekiz_tui.ical import importer as importer_module
from thekiz_tui.planning.occurrences import expand
from thekiz_tui.planning.timeutil import BadInput

DATA = Path(__file__).parent / "data" / "ical"
BERLIN = ZoneInfo("Europe/Berlin")


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def by_uid(events: list[Event]) -> dict[str, Event]:
    return {e.uid: e for e in events}


# -- producers ----------------------------------------------------------------------------


def test_google_utc_times_with_x_wr_timezone() -> None:
    events = by_uid(parse_calendar(load("google.ics"), kind="sonstiges", coach="c-anna"))
    dentist = events["0abc123def456@google.com"]
    assert dentist.start == "2025-03-04T09:00:00+01:00"
    assert dentist.end == "2025-03-04T10:00:00+01:00"
    assert dentist.tz == "Europe/Berlin"
    assert dentist.coaches == ["c-anna"] and dentist.kind == "sonstiges"
    assert dentist.status == "bestaetigt"
    assert dentist.created == "2025-01-10T08:00:00Z"
    series = events["1series789@google.com"]
    assert series.rrule == "FREQ=WEEKLY;UNTIL=20250407T185959;BYDAY=MO"
    assert series.exdates == ["2025-03-24T18:00:00+01:00"]
    assert series.location == "Gemeindehaus, Erfurt"
    assert series.overrides == {
        "2025-03-31T18:00:00+02:00": {
            "title": "Chorprobe (Dienstag)",
            "start": "2025-04-01T19:00:00+02:00",
            "end": "2025-04-01T20:00:00+02:00",
        }
    }
    starts = [o.event.start for o in expand([series])]
    assert starts == [
        "2025-03-17T18:00:00+01:00", "2025-04-01T19:00:00+02:00", "2025-04-07T18:00:00+02:00",
    ]
    holiday = events["2holiday@google.com"]
    assert (holiday.all_day, holiday.start, holiday.end, holiday.free) == (
        True, "2025-04-14", "2025-04-19", True,
    )


def test_outlook_windows_zone_names() -> None:
    events = by_uid(parse_calendar(load("outlook.ics")))
    meeting = events[
        "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5"
    ]
    assert meeting.start == "2025-04-02T10:00:00+02:00"
    assert meeting.tz == "Europe/Berlin"
    assert meeting.title == "Trägergespräch"
    assert meeting.notes == "Abstimmung mit dem Träger\n\nBitte Unterlagen mitbringen."
    jour = events["040000008200E00074C5B7101A82E0080000000011223344"]
    assert jour.exdates == ["2025-10-27T14:00:00+01:00", "2025-11-03T14:00:00+01:00"]
    assert jour.free  # X-MICROSOFT-CDO-BUSYSTATUS:FREE
    assert [o.event.start for o in expand([jour])] == ["2025-10-20T14:00:00+02:00"]


def test_apple_with_alarm_on_the_dst_day() -> None:
    events = parse_calendar(load("apple.ics"))
    assert len(events) == 2
    brunch = by_uid(events)["5E3F1A2B-1111-4C2D-9E8F-ABCDEF012345"]
    assert brunch.start == "2025-10-26T09:00:00+01:00"
    assert brunch.end == "2025-10-26T10:30:00+01:00"


def test_thunderbird_duration_multi_day_and_skipped_components() -> None:
    events = by_uid(parse_calendar(load("thunderbird.ics")))
    assert len(events) == 2  # VTODO and X- components are skipped
    meeting = events["7d1c2b3a-aaaa-bbbb-cccc-0123456789ab"]
    assert meeting.end == "2025-03-30T11:30:00+02:00"
    assert meeting.status == "geplant"
    retreat = events["8e2d3c4b-aaaa-bbbb-cccc-0123456789ab"]
    assert (retreat.start, retreat.end, retreat.all_day) == ("2025-09-08", "2025-09-11", True)


def test_floating_utc_exdate_lists_and_cancelled_recurrence() -> None:
    events = by_uid(parse_calendar(load("floating.ics")))
    assert events["floating-1@example.org"].start == "2025-07-10T09:00:00+02:00"
    assert events["utc-1@example.org"].start == "2025-01-10T14:00:00+01:00"
    daily = events["cancelled-rid@example.org"]
    assert daily.exdates == ["2025-01-07T08:00:00+01:00", "2025-01-08T08:00:00+01:00"]
    # the cancelled occurrence stays, as abgesagt (issue 10)
    assert [o.event.status for o in expand([daily])] == ["geplant", "geplant", "abgesagt"]


def test_custom_and_mozilla_zone_names() -> None:
    text = load("outlook.ics").decode().replace("W. Europe Standard Time", "Customized Time Zone")
    meeting = parse_calendar(text.encode())[0]
    assert meeting.start == "2025-04-02T10:00:00+02:00"
    mozilla = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:m@example.org\r\n"
        "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20250115T100000\r\n"
        "DTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20250115T110000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = parse_calendar(mozilla.encode())[0]
    assert event.start == "2025-01-15T10:00:00+01:00" and event.tz == "Europe/Berlin"


def test_thekiz_export_keeps_its_kind_and_others_take_the_given_kind() -> None:
    own = parse_calendar(export(), kind="sonstiges")
    assert {e.kind for e in own} > {"begleitung", "fachtag"}
    foreign = parse_calendar(load("apple.ics"), kind="fortbildung")
    assert {e.kind for e in foreign} == {"fortbildung"}


# -- re-import ----------------------------------------------------------------------------


def test_importing_twice_never_duplicates(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    store.add_coach(Coach(id="c-anna", name="Anna"))
    first = import_calendar(store, load("google.ics"), coach="c-anna", source="google.ics")
    assert len(first.new) == 3
    count = len(store.events())
    second = import_calendar(store, load("google.ics"), coach="c-anna", source="google.ics")
    assert not second.new and not second.changed and len(second.unchanged) == 3
    assert len(store.events()) == count


def test_reimport_updates_changed_events_and_keeps_local_fields(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    store.add_kita(Kita(id="k-sonne", name="Kita Sonnenblume"))
    import_calendar(store, load("google.ics"))
    dentist = store.event_by_uid("0abc123def456@google.com")
    assert dentist is not None
    # A coach files the imported event under a Kita and marks it done.
    store.update_event(Event.from_dict({
        **dentist.to_dict(), "kind": "begleitung", "kita": "k-sonne", "status": "durchgefuehrt",
    }))
    changed = load("google.ics").replace(b"SUMMARY:Zahnarzt", b"SUMMARY:Zahnarzt (verlegt)")
    changed = changed.replace(b"DTSTART:20250304T080000Z", b"DTSTART:20250304T073000Z")
    plan = plan_import(parse_calendar(changed), store.events())
    assert [e.id for e in plan.changed] == [dentist.id]
    apply_import(store, plan)
    after = store.event(dentist.id)
    assert after.title == "Zahnarzt (verlegt)"
    assert after.start == "2025-03-04T08:30:00+01:00"
    assert (after.kind, after.kita, after.status) == ("begleitung", "k-sonne", "durchgefuehrt")
    assert after.sequence > dentist.sequence
    assert len(store.events()) == 3


# -- bad input ----------------------------------------------------------------------------

GOOD = load("google.ics").replace(b"\n", b"\r\n")  # the fixtures have LF; CRLF here


def _bad_cases() -> list[tuple[str, bytes, str]]:
    return [
        ("not ical", b"Hallo Welt\r\nDas ist kein Kalender\r\n", "Keine iCalendar-Datei"),
        ("empty", b"", "leer"),
        ("truncated", GOOD[: GOOD.index(b"END:VCALENDAR")], "unvollständig"),
        ("truncated mid event", GOOD[: GOOD.index(b"SUMMARY:Chorprobe")], "unvollständig"),
        ("impossible date", GOOD.replace(b"DTSTART:20250304T080000Z",
                                          b"DTSTART:20250231T080000Z"), "20250231"),
        ("latin-1", GOOD.replace(b"SUMMARY:Urlaub", "SUMMARY:Urlaub Südtirol".encode("latin-1")),
         "UTF-8"),
        ("no dtstart", GOOD.replace(b"DTSTART:20250304T080000Z\r\n", b""), "DTSTART"),
        ("bad rrule", GOOD.replace(b"RRULE:FREQ=WEEKLY;", b"RRULE:FREQ=SOMETIMES;"),
         "Wiederholungsregel"),
        ("end before start", GOOD.replace(b"DTEND:20250304T090000Z",
                                           b"DTEND:20250304T070000Z"), "Ende"),
        ("bad duration", load("thunderbird.ics").replace(b"PT1H30M", b"PT1X"), "DURATION"),
        ("unknown zone", GOOD.replace(b"TZID=Europe/Berlin:20250317T180000",
                                      b"TZID=Mars/Olympus:20250317T180000"), "Zeitzone"),
        ("rdate period ends before it starts",
         GOOD.replace(b"SEQUENCE:1\r\n", b"SEQUENCE:1\r\nRDATE;VALUE=PERIOD:"
                      b"20250501T100000Z/20250501T090000Z\r\n"), "RDATE"),
        ("end mismatch", GOOD.replace(b"END:VALARM", b"END:VEVENT"), "passt nicht"),
    ]


@pytest.mark.parametrize(
    ("label", "data", "needle"), _bad_cases(), ids=[c[0] for c in _bad_cases()]
)
def test_bad_input_raises_and_leaves_the_store_unchanged(
    tmp_path: Path, label: str, data: bytes, needle: str
) -> None:
    path = tmp_path / "plan.json"
    store = Store.open(path)
    import_calendar(store, load("apple.ics"))
    before = snapshot(path.parent)
    with pytest.raises(IcalError) as caught:
        import_calendar(store, data, coach="c-anna")
    message = str(caught.value)
    assert needle in message, message
    assert isinstance(caught.value, BadInput)
    assert snapshot(path.parent) == before


def test_error_names_the_component_and_the_line() -> None:
    bad = GOOD.replace(b"DTSTART:20250304T080000Z", b"DTSTART:20250231T080000Z")
    with pytest.raises(IcalError) as caught:
        parse_calendar(bad)
    message = str(caught.value)
    assert "VEVENT „Zahnarzt“ (UID 0abc123def456@google.com)" in message
    line = GOOD.split(b"\n").index(b"DTSTART:20250304T080000Z\r") + 1
    assert f"Zeile {line}" in message and caught.value.line == line


def test_latin1_is_refused_with_line_and_byte() -> None:
    bad = GOOD.replace(b"SUMMARY:Urlaub", "SUMMARY:Urlaub Südtirol".encode("latin-1"))
    with pytest.raises(IcalError, match=r"Zeile \d+, Byte 0xFC"):
        parse_calendar(bad)


def test_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(IcalError, match="zu groß"):
        parse_calendar(b" " * (importer_module.MAX_BYTES + 1))
    monkeypatch.setattr(importer_module, "MAX_COMPONENTS", 3)
    with pytest.raises(IcalError, match="Komponenten"):
        parse_calendar(GOOD)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(IcalError, match="Unbekannte Art"):
        parse_calendar(GOOD, kind="party")


