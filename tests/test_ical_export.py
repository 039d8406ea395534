"""Export to iCalendar: properties, VTIMEZONE, stable UIDs, and the round trip through
a real store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from store import Coach, Event, Kita, Store
from thekiz_tui.ical import (
    apply_import,
    export_calendar,
    parse_calendar,
    plan_import,
    vtimezone_lines,
)
from thekiz_tui.ical.export import fold
from thekiz_tui.ical.references import Choice

NOW = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")

COACHES = {
    "c-anna": Coach("c-anna", "Anna Beispiel"),
    "c-ben": Coach("c-ben", "Ben Muster"),
}
KITAS = {
    "k-sonne": Kita("k-sonne", "Kita Sonnenschein", district="Erfurt"),
    "k-regen": Kita("k-regen", "Kita Regenbogen", district="Gotha"),
}


def sample_events() -> list[Event]:
    """Fictional plan covering what iCalendar carries, with the DST days of 2025."""
    return [
        Event(
            id="e-visit", kind="begleitung", title="Begleitung, Team; Konzept",
            start="2025-03-04T09:30:00+01:00", end="2025-03-04T11:00:00+01:00",
            coaches=["c-anna"], kita="k-sonne", location="Erfurt, Sonnenweg 1",
            notes="Ziele besprechen\nElterncafé planen", status="bestaetigt",
            uid="e-visit@thekiz", sequence=3,
            created="2025-01-10T08:00:00Z", updated="2025-01-12T09:30:00Z",
        ),
        Event(
            id="e-spring", kind="einrichtungsbesuch", title="Besuch am Umstellungstag",
            start="2025-03-30T09:00:00+02:00", end="2025-03-30T10:00:00+02:00",
            kita="k-regen", uid="e-spring@thekiz",
        ),
        Event(
            id="e-gap", kind="sonstiges", title="Über die Sommerzeit-Lücke",
            start="2025-03-30T01:30:00+01:00", end="2025-03-30T03:30:00+02:00",
            coaches=["c-ben"], uid="e-gap@thekiz", free=True,
        ),
        Event(
            id="e-autumn", kind="begleitung", title="Begleitung am Herbst-Umstellungstag",
            start="2025-10-26T10:00:00+01:00", end="2025-10-26T11:00:00+01:00",
            coaches=["c-anna"], kita="k-sonne", uid="e-autumn@thekiz",
            status="durchgefuehrt",
        ),
        Event(
            id="e-fold1", kind="sonstiges", title="Erste 02:15",
            start="2025-10-26T02:15:00+02:00", end="2025-10-26T02:45:00+02:00",
            uid="e-fold1@thekiz",
        ),
        Event(
            id="e-fold2", kind="sonstiges", title="Zweite 02:15",
            start="2025-10-26T02:15:00+01:00", end="2025-10-26T02:45:00+01:00",
            uid="e-fold2@thekiz",
        ),
        Event(
            id="e-ak", kind="arbeitskreis", title="Arbeitskreis ThEKiZ",
            start="2025-03-17T09:30:00+01:00", end="2025-03-17T12:00:00+01:00",
            coaches=["c-anna", "c-ben"], participants=["k-sonne", "k-regen"],
            # UNTIL, not COUNT: calcurse 4.7 does not count EXDATEs against COUNT (it
            # showed a sixth week for COUNT=5 with one EXDATE); the set is the same.
            rrule="FREQ=WEEKLY;UNTIL=20250414T093000",
            exdates=["2025-03-24T09:30:00+01:00"],
            overrides={
                "2025-04-07T09:30:00+02:00": {
                    "title": "Arbeitskreis (verlegt)",
                    "start": "2025-04-08T14:00:00+02:00",
                    "end": "2025-04-08T16:00:00+02:00",
                    "location": "Jena",
                },
                "2025-04-14T09:30:00+02:00": {"status": "abgesagt"},
            },
            uid="e-ak@thekiz", sequence=1, location="Weimar",
        ),
        Event(
            id="e-herbst", kind="fortbildung", subtype="reflexion",
            title="Reflexionsfortbildung", start="2025-10-13T16:00:00+02:00",
            end="2025-10-13T17:30:00+02:00", rrule="FREQ=WEEKLY;UNTIL=20251103T160000",
            coaches=["c-ben"], uid="e-herbst@thekiz",
        ),
        Event(
            id="e-mai", kind="sonstiges", title="Brückentag", start="2025-05-02",
            end="2025-05-03", all_day=True, free=True, uid="e-mai@thekiz",
        ),
        Event(
            id="e-fachtag", kind="fachtag", title="Fachtag ThEKiZ", start="2025-06-02",
            end="2025-06-05", all_day=True, participants=["k-sonne"],
            uid="e-fachtag@thekiz",
        ),
        Event(
            id="e-dstday", kind="fortbildung", subtype="fachkraft", title="Weiterbildung",
            start="2025-10-26", end="2025-10-27", all_day=True, status="abgesagt",
            uid="e-dstday@thekiz",
        ),
        Event(
            id="e-quartal", kind="arbeitskreis", title="AK regional", start="2025-01-15",
            end="2025-01-16", all_day=True, rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=4",
            exdates=["2025-04-15"], uid="e-quartal@thekiz",
        ),
        Event(
            id="e-notitle", kind="begleitung", start="2025-07-01T08:00:00+02:00",
            end="2025-07-01T09:00:00+02:00", kita="k-regen", uid="e-notitle@thekiz",
        ),
    ]


def export(events: list[Event] | None = None) -> bytes:
    return export_calendar(
        sample_events() if events is None else events,
        coaches=COACHES, kitas=KITAS, name="thekiz Plan", now=NOW,
    )


def parsed(data: bytes) -> Calendar:
    cal = Calendar.from_ical(data)
    for comp in cal.walk():
        assert comp.errors == [], (comp.name, comp.errors)
    return cal


def vevent(cal: Calendar, uid: str, rid: bool = False) -> object:
    found = [
        c for c in cal.walk("VEVENT")
        if str(c["UID"]) == uid and (("RECURRENCE-ID" in c) == rid)
    ]
    assert found, uid
    return found[0]


# -- the calendar -------------------------------------------------------------------------


def test_calendar_header() -> None:
    data = export()
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    cal = parsed(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "thekiz" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "thekiz Plan"
    assert str(cal["NAME"]) == "thekiz Plan"


def test_lines_are_folded_at_75_octets() -> None:
    long = replace(sample_events()[0], notes="Ä" * 300)
    data = export([long])
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
    assert "Ä" * 300 in str(vevent(parsed(data), "e-visit@thekiz")["DESCRIPTION"])  # type: ignore[index]


def test_fold_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "€" * 100
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    for part in folded.split("\r\n"):
        part.encode("utf-8")
        assert len(part.encode("utf-8")) <= 75


def test_vtimezone_is_rrule_style_for_berlin() -> None:
    lines = vtimezone_lines("Europe/Berlin", 2025)
    text = "\n".join(lines)
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in text
    assert "DTSTART:19700329T020000" in text
    assert "DTSTART:19701025T030000" in text
    cal = parsed(export())
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    assert "RDATE" not in zones[0].to_ical().decode()
    daylight = zones[0].walk("DAYLIGHT")[0]
    standard = zones[0].walk("STANDARD")[0]
    assert daylight["TZOFFSETTO"].td == timedelta(hours=2)
    assert standard["TZOFFSETTO"].td == timedelta(hours=1)
    # The VTIMEZONE gives the same offsets as zoneinfo around both changes.
    tz = zones[0].to_tz()
    for moment in ("2025-03-30T00:59:59", "2025-03-30T01:00:00", "2025-10-26T00:59:59",
                   "2025-10-26T01:00:00", "2030-07-01T12:00:00"):
        utc = datetime.fromisoformat(moment).replace(tzinfo=UTC)
        assert utc.astimezone(tz).utcoffset() == utc.astimezone(BERLIN).utcoffset()


def test_vtimezone_other_zones() -> None:
    ny = "\n".join(vtimezone_lines("America/New_York", 2025))
    assert "BYMONTH=3;BYDAY=2SU" in ny and "BYMONTH=11;BYDAY=1SU" in ny
    tokyo = "\n".join(vtimezone_lines("Asia/Tokyo", 2025))
    assert "RRULE" not in tokyo and "TZOFFSETTO:+0900" in tokyo


# -- the events ---------------------------------------------------------------------------


def test_event_properties() -> None:
    cal = parsed(export())
    ev = vevent(cal, "e-visit@thekiz")
    # a phone shows only SUMMARY: the Kita of a visit is in it, the title stays beside it
    summary = "Begleitung, Team; Konzept – Kita Sonnenschein"
    assert str(ev["SUMMARY"]) == summary  # type: ignore[index]
    assert ev["X-THEKIZ-TITLE"] == "Begleitung\\, Team\\; Konzept"  # type: ignore[index]
    assert ev["SEQUENCE"] == 3  # type: ignore[index]
    assert ev["DTSTAMP"].dt == NOW  # type: ignore[index]
    assert ev["CREATED"].dt == datetime(2025, 1, 10, 8, 0, tzinfo=UTC)  # type: ignore[index]
    assert ev["LAST-MODIFIED"].dt == datetime(2025, 1, 12, 9, 30, tzinfo=UTC)  # type: ignore[index]
    start = ev["DTSTART"]  # type: ignore[index]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == datetime(2025, 3, 4, 9, 30, tzinfo=BERLIN)
    assert ev["DTEND"].dt == datetime(2025, 3, 4, 11, 0, tzinfo=BERLIN)  # type: ignore[index]
    assert str(ev["LOCATION"]) == "Erfurt, Sonnenweg 1"  # type: ignore[index]
    description = str(ev["DESCRIPTION"])  # type: ignore[index]
    assert "Kita: Kita Sonnenschein" in description
    assert "Landkreis: Erfurt" in description
    assert "Anna Beispiel" in description
    assert "Elterncafé planen" in description
    assert ev["CATEGORIES"].cats == ["Prozessbegleitung"]  # type: ignore[index]
    assert str(ev["STATUS"]) == "CONFIRMED"  # type: ignore[index]
    assert str(ev["TRANSP"]) == "OPAQUE"  # type: ignore[index]
    assert str(ev["X-THEKIZ-KIND"]) == "begleitung"  # type: ignore[index]
    assert str(ev["X-THEKIZ-KITA"]) == "k-sonne"  # type: ignore[index]
    assert str(ev["X-THEKIZ-COACHES"]) == "c-anna"  # type: ignore[index]
    assert str(ev["X-THEKIZ-STATUS"]) == "bestaetigt"  # type: ignore[index]
    assert str(ev["X-THEKIZ-ID"]) == "e-visit"  # type: ignore[index]
    assert "ORGANIZER" not in ev and "ATTENDEE" not in ev  # type: ignore[operator]


@pytest.mark.parametrize(
    ("uid", "status", "transp"),
    [
        ("e-spring@thekiz", "TENTATIVE", "OPAQUE"),
        ("e-gap@thekiz", "TENTATIVE", "TRANSPARENT"),
        ("e-autumn@thekiz", "CONFIRMED", "OPAQUE"),
        ("e-dstday@thekiz", "CANCELLED", "OPAQUE"),
    ],
)
def test_status_and_transparency(uid: str, status: str, transp: str) -> None:
    ev = vevent(parsed(export()), uid)
    assert str(ev["STATUS"]) == status  # type: ignore[index]
    assert str(ev["TRANSP"]) == transp  # type: ignore[index]


def test_categories_and_subtype() -> None:
    ev = vevent(parsed(export()), "e-herbst@thekiz")
    assert ev["CATEGORIES"].cats == ["Fortbildung", "Reflexionsfortbildung"]  # type: ignore[index]
    assert str(ev["X-THEKIZ-SUBTYPE"]) == "reflexion"  # type: ignore[index]


def test_all_day_is_value_date() -> None:
    data = export()
    assert b"DTSTART;VALUE=DATE:20250602\r\nDTEND;VALUE=DATE:20250605" in data
    ev = vevent(parsed(data), "e-fachtag@thekiz")
    assert ev["DTSTART"].dt.isoformat() == "2025-06-02"  # type: ignore[index]


def test_repeated_hour_is_written_in_utc() -> None:
    data = export()
    cal = parsed(data)
    first = vevent(cal, "e-fold1@thekiz")["DTSTART"].dt  # type: ignore[index]
    second = vevent(cal, "e-fold2@thekiz")["DTSTART"].dt  # type: ignore[index]
    assert first.timestamp() == datetime.fromisoformat("2025-10-26T02:15:00+02:00").timestamp()
    assert second.timestamp() == datetime.fromisoformat("2025-10-26T02:15:00+01:00").timestamp()
    assert b"DTSTART:20251026T011500Z" in data


def test_series_rrule_exdate_and_overrides() -> None:
    cal = parsed(export())
    master = vevent(cal, "e-ak@thekiz")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20250414T073000Z"  # type: ignore[index]
    exdate = master["EXDATE"]  # type: ignore[index]
    assert [d.dt for d in exdate.dts] == [datetime(2025, 3, 24, 9, 30, tzinfo=BERLIN)]
    instances = [
        c for c in cal.walk("VEVENT") if str(c["UID"]) == "e-ak@thekiz" and "RECURRENCE-ID" in c
    ]
    assert len(instances) == 2
    moved = next(c for c in instances if str(c["SUMMARY"]) == "Arbeitskreis (verlegt)")
    assert moved["RECURRENCE-ID"].dt == datetime(2025, 4, 7, 9, 30, tzinfo=BERLIN)
    assert moved["DTSTART"].dt == datetime(2025, 4, 8, 14, 0, tzinfo=BERLIN)
    assert str(moved["LOCATION"]) == "Jena"
    assert moved["SEQUENCE"] == master["SEQUENCE"]  # type: ignore[index]
    cancelled = next(c for c in instances if c is not moved)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["DTSTART"].dt == datetime(2025, 4, 14, 9, 30, tzinfo=BERLIN)


def test_until_is_written_in_utc() -> None:
    ev = vevent(parsed(export()), "e-herbst@thekiz")
    until = ev["RRULE"]["UNTIL"][0]  # type: ignore[index]
    assert until == datetime(2025, 11, 3, 15, 0, tzinfo=UTC)


def test_uid_is_stable_and_sequence_grows_after_an_edit(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    store.put_events(sample_events()[:2])
    first = parsed(export(store.events()))
    second = parsed(export(store.events()))
    uids = sorted(str(c["UID"]) for c in first.walk("VEVENT"))
    assert uids == sorted(str(c["UID"]) for c in second.walk("VEVENT"))
    assert uids == ["e-spring@thekiz", "e-visit@thekiz"]
    before = vevent(first, "e-visit@thekiz")["SEQUENCE"]  # type: ignore[index]
    edited = replace(store.event("e-visit"), title="Begleitung (geändert)")
    store.update_event(edited)
    after = parsed(export(store.events()))
    ev = vevent(after, "e-visit@thekiz")
    assert str(ev["UID"]) == "e-visit@thekiz"  # type: ignore[index]
    assert ev["SEQUENCE"] > before  # type: ignore[index]


def test_missing_uid_falls_back_to_id() -> None:
    event = replace(sample_events()[0], uid="")
    assert str(vevent(parsed(export([event])), "e-visit@thekiz")["UID"]) == "e-visit@thekiz"  # type: ignore[index]


# -- round trip ---------------------------------------------------------------------------

CARRIED = (
    "id", "kind", "title", "all_day", "tz", "subtype", "coaches", "kita", "participants",
    "location", "notes", "status", "free", "rrule", "exdates", "overrides", "uid",
    "sequence", "created",
)


def test_round_trip_through_a_real_store(tmp_path: Path) -> None:
    original = sample_events()
    store = Store.open(tmp_path / "plan.json")
    plan = plan_import(parse_calendar(export(original)), store.events())
    assert len(plan.new) == len(original) and not plan.changed
    apply_import(store, plan, Choice(create=True))  # the sample's coaches and Kitas
    back = {e.id: e for e in Store.open(tmp_path / "plan.json").events()}
    assert set(back) == {e.id for e in original}
    for event in original:
        got = back[event.id]
        for name in CARRIED:
            want = getattr(event, name)
            if name == "created" and not want:
                continue  # the store sets it on the first save
            assert getattr(got, name) == want, (event.id, name)
        assert got.start == event.start and got.end == event.end, event.id


def test_round_trip_is_stable_a_second_time(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    apply_import(store, plan_import(parse_calendar(export()), store.events()),
                 Choice(create=True))
    data = export(store.events())
    plan = plan_import(parse_calendar(data), store.events())
    assert not plan.new and not plan.changed
    assert len(plan.unchanged) == len(sample_events())


# -- the scope filter shared with ``list`` ------------------------------------------------


def test_select_scope() -> None:
    from datetime import date

    from thekiz_tui.planning.select import select

    events = sample_events()
    ids = lambda found: sorted(e.id for e in found)  # noqa: E731
    assert ids(select(events, coach="c-ben")) == ["e-ak", "e-gap", "e-herbst"]
    assert ids(select(events, kita="k-regen")) == ["e-ak", "e-notitle", "e-spring"]
    assert ids(select(events, kind="fachtag")) == ["e-fachtag"]
    # A series is in range when one of its occurrences is: the moved one on 8 April.
    assert "e-ak" in ids(select(events, start=date(2025, 4, 8), end=date(2025, 4, 9)))
    assert "e-ak" not in ids(select(events, start=date(2025, 3, 24), end=date(2025, 3, 25)))
    assert ids(select(events, start=date(2025, 6, 4), end=date(2025, 6, 5))) == ["e-fachtag"]
    assert ids(select(events, start=date(2025, 6, 5), end=date(2025, 6, 6))) == []
