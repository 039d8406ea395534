"""Series as real clients write them: extra dates (RDATE, also as periods), two rules,
date EXDATEs on timed series, overrides that change only the end, the same occurrence
sent twice, overrides without their series and cancelled occurrences. Each is read as
recurring-ical-events reads it, kept through the store, planned, listed and written back.
Broken rules are refused in German, also where dateutil gives its English reason."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from test_cli import bad, ok
from test_ical_lenient import event as vevent
from test_ical_lenient import ics

from store import Event, Store
from thekiz_tui.ical import IcalError, export_calendar, parse_calendar
from thekiz_tui.ical.importer import plan_for
from thekiz_tui.ical.scope import plan_lines
from thekiz_tui.planning.conflicts import check_store
from thekiz_tui.planning.occurrences import Occurrence, expand
from thekiz_tui.planning.timeutil import zone

BERLIN = zone("Europe/Berlin")


def berlin(occ: Occurrence) -> tuple[str, str]:
    """An occurrence as Berlin wall times (start, end) for comparing."""
    return (f"{datetime.fromtimestamp(occ.start_ts, BERLIN):%Y-%m-%d %H:%M}",
            f"{datetime.fromtimestamp(occ.end_ts, BERLIN):%Y-%m-%d %H:%M}")


def ours(data: bytes) -> list[tuple[str, str]]:
    return [berlin(o) for o in expand(parse_calendar(data))]


def theirs(data: bytes) -> list[tuple[str, str]]:
    """What recurring-ical-events (the reference) reads from the file, in Berlin time;
    cancelled occurrences are kept, as thekiz keeps them."""
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(data)
    out = []
    for component in recurring_ical_events.of(calendar).between(date(2000, 1, 1),
                                                                 date(2040, 1, 1)):
        start, end = component["DTSTART"].dt, component["DTEND"].dt
        if not isinstance(start, datetime):
            out.append((f"{start:%Y-%m-%d} 00:00", f"{end:%Y-%m-%d} 00:00"))
            continue
        out.append((f"{start.astimezone(BERLIN):%Y-%m-%d %H:%M}",
                    f"{end.astimezone(BERLIN):%Y-%m-%d %H:%M}"))
    return sorted(out)


def round_trip(data: bytes) -> list[tuple[str, str]]:
    """The occurrences after thekiz's export and a second import."""
    written = export_calendar(parse_calendar(data), coaches={}, kitas={}, name="t")
    return ours(written)


def same_everywhere(data: bytes) -> list[tuple[str, str]]:
    found = ours(data)
    assert found == theirs(data)
    assert round_trip(data) == found
    return found


def dry_run(data: bytes, tmp_path: Path) -> str:
    plan = plan_for(Store(str(tmp_path / "plan.json")), parse_calendar(data))
    return "\n".join([plan.summary(), *plan_lines(plan, dry_run=True)])


WEEKLY = ("DTSTART;TZID=Europe/Berlin:20250303T090000",
          "DTEND;TZID=Europe/Berlin:20250303T100000", "SUMMARY:Serie")


# -- 1. RDATE --------------------------------------------------------------------------

def test_rdate_date_time_in_other_zones_and_utc_joins_the_rule() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=2",
                       "RDATE;TZID=America/New_York:20250312T050000",  # 10:00 in Berlin
                       "RDATE:20250320T130000Z,20250303T080000Z"))  # the second: DTSTART again
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-10 09:00", "2025-03-10 10:00"),
        ("2025-03-12 10:00", "2025-03-12 11:00"), ("2025-03-20 14:00", "2025-03-20 15:00"),
    ]


def test_rdate_without_rrule_is_a_series_of_its_dates() -> None:
    data = ics(*vevent(*WEEKLY, "RDATE;VALUE=DATE-TIME;TZID=Europe/Berlin:"
                                "20250404T090000,20250505T090000"))
    event = parse_calendar(data)[0]
    assert event.series and event.rrule is None
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-04-04 09:00", "2025-04-04 10:00"),
        ("2025-05-05 09:00", "2025-05-05 10:00"),
    ]


def test_rdate_dates_of_an_all_day_series() -> None:
    data = ics(*vevent("DTSTART;VALUE=DATE:20250303", "DTEND;VALUE=DATE:20250304",
                       "SUMMARY:Ganztags", "RRULE:FREQ=MONTHLY;COUNT=2",
                       "RDATE;VALUE=DATE:20250315,20250316"))
    assert same_everywhere(data) == [
        ("2025-03-03 00:00", "2025-03-04 00:00"), ("2025-03-15 00:00", "2025-03-16 00:00"),
        ("2025-03-16 00:00", "2025-03-17 00:00"), ("2025-04-03 00:00", "2025-04-04 00:00"),
    ]


def test_rdate_periods_keep_their_own_length() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=1",
                       "RDATE;VALUE=PERIOD:20250310T080000Z/20250310T113000Z,"
                       "20250317T080000Z/PT30M",
                       "RDATE;VALUE=PERIOD;TZID=Europe/Berlin:20250324T140000/PT1H"))
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-10 09:00", "2025-03-10 12:30"),
        ("2025-03-17 09:00", "2025-03-17 09:30"), ("2025-03-24 14:00", "2025-03-24 15:00"),
    ]


def test_rdate_is_kept_by_the_store_and_blocks_the_coach(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "anna", "--name", "Anna")
    path = tmp_path / "s.ics"
    path.write_bytes(ics(*vevent(*WEEKLY, "RDATE;TZID=Europe/Berlin:20250404T090000")))
    ok(db, "import", str(path), "--coach", "anna")
    stored = Store.open(db).events()
    assert [(e.rdates, e.rrule) for e in stored] == [(["2025-04-04T09:00:00+02:00"], None)]
    listed = json.loads(ok(db, "list", "--from", "2025-03-01", "--to", "2025-04-30",
                           "--format", "json"))
    assert [o["start"] for o in listed] == ["2025-03-03T09:00:00+01:00",
                                            "2025-04-04T09:00:00+02:00"]
    ok(db, "add", "--kind", "sonstiges", "--title", "Zahnarzt", "--coach", "anna",
       "--start", "2025-04-04T09:30", "--end", "2025-04-04T10:30")
    findings = check_store(Store.open(db), start=date(2025, 4, 1), end=date(2025, 4, 30),
                           today=date(2025, 3, 1))
    series_id = stored[0].id
    assert any(series_id in f.events for f in findings), findings


def test_a_store_written_before_rdates_opens_and_lists_its_series(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    path = tmp_path / "s.ics"
    path.write_bytes(ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=2")))
    ok(db, "import", str(path))
    # as the store of the version before wrote it: no rdates, no extra_rules
    files = [db, *sorted((tmp_path).glob("**/*.json"))]
    stripped = 0
    for file in dict.fromkeys(files):
        text = file.read_text(encoding="utf-8")
        data = json.loads(text)
        for table in data.values():
            for doc in table.values() if isinstance(table, dict) else ():
                if isinstance(doc, dict) and "rdates" in doc:
                    del doc["rdates"], doc["extra_rules"]
                    stripped += 1
        file.write_text(json.dumps(data), encoding="utf-8")
    assert stripped == 1
    listed = json.loads(ok(db, "list", "--from", "2025-03-01", "--to", "2025-03-31",
                           "--format", "json"))
    assert [o["start"] for o in listed] == ["2025-03-03T09:00:00+01:00",
                                            "2025-03-10T09:00:00+01:00"]


def test_old_store_documents_without_rdates_still_open(tmp_path: Path) -> None:
    event = Event(id="e-1", kind="sonstiges", start="2025-03-03T09:00:00+01:00",
                  end="2025-03-03T10:00:00+01:00", rrule="FREQ=WEEKLY;COUNT=2")
    old = event.to_dict()
    del old["rdates"], old["extra_rules"]
    read = Event.from_dict(old)
    assert read == event and not read.rdates and read.series


# -- 2. two rules ----------------------------------------------------------------------

def test_two_rrules_are_their_union_and_said_so(tmp_path: Path) -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3",
                       "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=2"))
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-06 09:00", "2025-03-06 10:00"),
        ("2025-03-10 09:00", "2025-03-10 10:00"), ("2025-03-13 09:00", "2025-03-13 10:00"),
        ("2025-03-17 09:00", "2025-03-17 10:00"),
    ]
    assert "mehrere Wiederholungsregeln (RRULE) in einem Termin – alle gelten" in dry_run(
        data, tmp_path)


def test_thekiz_export_of_two_rules_reads_back_without_a_note(tmp_path: Path) -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3",
                       "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=2"))
    written = export_calendar(parse_calendar(data), coaches={}, kitas={}, name="t")
    assert written.count(b"\r\nRRULE:FREQ=WEEKLY;BYDAY=") == 2
    assert "Nachsichtig" not in dry_run(written, tmp_path)


def test_a_second_rule_is_bounded_like_the_first() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=HOURLY"))
    with pytest.raises(IcalError, match="öfter als einmal am Tag"):
        parse_calendar(data)


# -- 3. EXDATE -------------------------------------------------------------------------

def test_date_exdate_removes_that_day_of_a_timed_series() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;VALUE=DATE:20250310"))
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-17 09:00", "2025-03-17 10:00"),
        ("2025-03-24 09:00", "2025-03-24 10:00"),
    ]


def test_exdate_in_another_zone_or_utc_matches() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=4",
                       "EXDATE;TZID=Europe/London:20250310T080000",
                       "EXDATE:20250317T080000Z"))
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-24 09:00", "2025-03-24 10:00"),
    ]


# -- 4. overrides that change the end ---------------------------------------------------

def test_override_changing_only_dtend_keeps_its_end() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=3"),
               *vevent("RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000",
                       "DTSTART;TZID=Europe/Berlin:20250310T090000",
                       "DTEND;TZID=Europe/Berlin:20250310T123000", "SUMMARY:Serie"),
               *vevent("RECURRENCE-ID;TZID=Europe/Berlin:20250317T090000",
                       "DTSTART;TZID=Europe/Berlin:20250317T090000", "DURATION:PT15M",
                       "SUMMARY:Serie"))
    assert same_everywhere(data) == [
        ("2025-03-03 09:00", "2025-03-03 10:00"), ("2025-03-10 09:00", "2025-03-10 12:30"),
        ("2025-03-17 09:00", "2025-03-17 09:15"),
    ]


# -- 5. the same RECURRENCE-ID twice ------------------------------------------------------

def test_same_recurrence_id_twice_the_newer_wins(tmp_path: Path) -> None:
    rid = "RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000"

    def version(title: str, *props: str) -> list[str]:
        return vevent(rid, "DTSTART;TZID=Europe/Berlin:20250310T110000",
                      "DTEND;TZID=Europe/Berlin:20250310T120000", f"SUMMARY:{title}", *props)

    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=2"),
               *version("neu", "SEQUENCE:2", "LAST-MODIFIED:20250101T000000Z"),
               *version("alt", "SEQUENCE:1", "LAST-MODIFIED:20250301T000000Z"),
               *version("auch alt", "SEQUENCE:2", "LAST-MODIFIED:20241201T000000Z"))
    occurrences = expand(parse_calendar(data))
    assert [(berlin(o)[0], o.event.title) for o in occurrences] == [
        ("2025-03-03 09:00", "Serie"), ("2025-03-10 11:00", "neu")]
    assert "dieselbe RECURRENCE-ID mehrmals" in dry_run(data, tmp_path)
    swapped = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=2"),
                  *version("auch alt", "SEQUENCE:2", "LAST-MODIFIED:20241201T000000Z"),
                  *version("neu", "SEQUENCE:2", "LAST-MODIFIED:20250101T000000Z"))
    assert [o.event.title for o in expand(parse_calendar(swapped))] == ["Serie", "neu"]


# -- 6. overrides without their series ---------------------------------------------------

def test_override_with_its_own_rule_but_no_series_is_one_occurrence(tmp_path: Path) -> None:
    data = ics(*vevent("RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000",
                       "DTSTART;TZID=Europe/Berlin:20250310T100000",
                       "DTEND;TZID=Europe/Berlin:20250310T110000", "SUMMARY:Allein",
                       "RRULE:FREQ=WEEKLY;COUNT=5"))
    assert ours(data) == [("2025-03-10 10:00", "2025-03-10 11:00")]
    events = parse_calendar(data)
    assert [(e.uid, e.series) for e in events] == [
        ("a@test/2025-03-10T09:00:00+01:00", False)]
    assert "mit eigener RRULE, aber ohne seine Serie" in dry_run(data, tmp_path)


def test_override_without_its_series_is_a_single_event() -> None:
    data = ics(*vevent("RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000",
                       "DTSTART;TZID=Europe/Berlin:20250310T100000",
                       "DTEND;TZID=Europe/Berlin:20250310T110000", "SUMMARY:Allein"))
    assert ours(data) == theirs(data) == [("2025-03-10 10:00", "2025-03-10 11:00")]


# -- 7. cancelled occurrences ------------------------------------------------------------

def test_cancelled_occurrence_stays_as_abgesagt_and_blocks_nothing() -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=3"),
               *vevent("RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000",
                       "DTSTART;TZID=Europe/Berlin:20250310T090000",
                       "DTEND;TZID=Europe/Berlin:20250310T100000", "SUMMARY:Serie",
                       "STATUS:CANCELLED"))
    master = parse_calendar(data)[0]
    assert master.exdates == []
    occurrences = expand([master])
    assert [(berlin(o)[0], o.event.status, o.blocks) for o in occurrences] == [
        ("2025-03-03 09:00", "geplant", True), ("2025-03-10 09:00", "abgesagt", False),
        ("2025-03-17 09:00", "geplant", True)]
    written = export_calendar([master], coaches={}, kitas={}, name="t").decode()
    assert written.count("STATUS:CANCELLED") == 1
    again = expand(parse_calendar(written.encode()))
    assert [o.event.status for o in again] == ["geplant", "abgesagt", "geplant"]


# -- 8. German messages ----------------------------------------------------------------

BROKEN = [
    ("FREQ=SOMETIMES", "FREQ"),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
    ("FREQ=WEEKLY;FOO=1", "FOO"),
    ("FREQ=WEEKLY;COUNT=drei", "COUNT"),
    ("FREQ=WEEKLY;COUNT=3;UNTIL=20250401T000000Z", "UNTIL und COUNT"),
    ("BYDAY=MO", "FREQ"),
    ("FREQ=WEEKLY;BYDAY", "BYDAY"),
    ("FREQ=WEEKLY;WKST=XX", "WKST"),
    ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY"),
]
# dateutil's words that reached the user before
ENGLISH = re.compile(r"\b(invalid|unknown|parameter|missing|required|not enough|values|"
                     r"unpack|argument|expected|inconsistent)\b", re.IGNORECASE)


@pytest.mark.parametrize(("rule", "names"), [b for b in BROKEN if "UNTIL" not in b[1]],
                         ids=[b[0] for b in BROKEN if "UNTIL" not in b[1]])
def test_broken_rules_are_refused_in_german_on_import(rule: str, names: str) -> None:
    with pytest.raises(IcalError) as caught:
        parse_calendar(ics(*vevent(*WEEKLY, f"RRULE:{rule}")))
    message = str(caught.value)
    assert names in message and "Wiederholungsregel" in message, message
    assert not ENGLISH.search(message), message


def test_until_with_count_from_a_file_is_read_leniently(tmp_path: Path) -> None:
    data = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=5;UNTIL=20250311T000000Z"))
    assert ours(data) == theirs(data) == [("2025-03-03 09:00", "2025-03-03 10:00"),
                                          ("2025-03-10 09:00", "2025-03-10 10:00")]
    assert "UNTIL und COUNT zugleich in einer RRULE" in dry_run(data, tmp_path)


def test_broken_rules_are_refused_in_german_by_add(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    ok(db, "coach", "add", "--id", "anna", "--name", "Anna")
    for rule, names in BROKEN:
        line = bad(db, "add", "--kind", "sonstiges", "--title", "T", "--coach", "anna",
                   "--start", "2025-03-03T09:00", "--end", "2025-03-03T10:00",
                   "--rrule", rule)
        assert names in line, line
        assert not ENGLISH.search(line), line
    assert Store.open(db).events() == []


# -- 9. a long window ------------------------------------------------------------------

def test_long_window_walks_each_rule_in_proportion_to_the_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Month by month over 41 years (as ``list`` reads), a yearly rule's dates are
    walked a few times over, not once per month from the rule's start."""
    from dateutil import rrule as dateutil_rrule

    from thekiz_tui.planning import occurrences
    from thekiz_tui.planning.timeutil import month_range

    steps = 0
    original = dateutil_rrule.rrule._iter

    def counted(self: object) -> object:
        nonlocal steps
        for value in original(self):  # type: ignore[arg-type]
            steps += 1
            yield value

    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counted)
    occurrences._WALLS.clear()
    data = ics(*(line for i in range(36) for line in vevent(
        f"DTSTART;TZID=Europe/Berlin:{2000 + i % 5}{i % 12 + 1:02d}{i % 28 + 1:02d}T090000",
        f"DTEND;TZID=Europe/Berlin:{2000 + i % 5}{i % 12 + 1:02d}{i % 28 + 1:02d}T100000",
        "RRULE:FREQ=YEARLY", uid=f"y{i}@test")))
    events = parse_calendar(data)
    found = 0
    for year in range(2000, 2041):
        for month in range(1, 13):
            first, last = month_range(year, month)
            lo = int(datetime.combine(first, datetime.min.time(), BERLIN).timestamp())
            hi = int(datetime.combine(last, datetime.min.time(), BERLIN).timestamp())
            found += len(expand(events, lo, hi))
    assert found == sum(41 - i % 5 for i in range(36))
    # ~1,500 dates in the window; each month from the start again walked ~350,000
    assert steps < 20_000, steps


@pytest.mark.parametrize("rule", [
    "FREQ=DAILY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;COUNT=900",
])
def test_dates_kept_between_windows_are_the_dates_of_a_fresh_walk(rule: str) -> None:
    """Windows walked forward, back and forward again give what each window alone gives."""
    from thekiz_tui.planning import occurrences

    series = Event(id="e-1", kind="sonstiges", start="2019-12-30T09:00:00+01:00",
                   end="2019-12-30T10:00:00+01:00", rrule=rule)

    def window(year: int, month: int) -> tuple[int, int]:
        lo = datetime(year, month, 1, tzinfo=BERLIN)
        hi = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BERLIN)
        return int(lo.timestamp()), int(hi.timestamp())

    months = [(y, m) for y in range(2019, 2026) for m in range(1, 13)]
    walked = [months, months[::-1], months[40:] + months[:40]]
    for order in walked:
        for year, month in order:
            lo, hi = window(year, month)
            kept = [o.start_ts for o in expand([series], lo, hi)]
            saved = dict(occurrences._WALLS)
            occurrences._WALLS.clear()
            fresh = [o.start_ts for o in expand([series], lo, hi)]
            occurrences._WALLS.clear()
            occurrences._WALLS.update(saved)  # the next window starts from what was kept
            assert kept == fresh, (rule, year, month)


# -- the planner's edits keep extra dates and rules ------------------------------------

def _starts(event: Event | None) -> list[str]:
    return [berlin(o)[0] for o in expand([event])] if event is not None else []


RDATE_SERIES = ics(*vevent(*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=3",
                           "RRULE:FREQ=MONTHLY;BYMONTHDAY=20;COUNT=2",
                           "RDATE;TZID=Europe/Berlin:20250312T090000",
                           "RDATE;VALUE=DATE:20250327"))


def test_a_whole_series_moves_with_its_extra_dates_and_rules() -> None:
    from thekiz_tui.planning import edits

    series = parse_calendar(RDATE_SERIES)[0]
    assert _starts(series) == ["2025-03-03 09:00", "2025-03-10 09:00", "2025-03-12 09:00",
                               "2025-03-17 09:00", "2025-03-20 09:00", "2025-03-27 00:00",
                               "2025-04-20 09:00"]
    moved = edits.shift(series, 1)
    assert _starts(moved) == ["2025-03-04 09:00", "2025-03-11 09:00", "2025-03-13 09:00",
                              "2025-03-18 09:00", "2025-03-21 09:00", "2025-03-28 00:00",
                              "2025-04-21 09:00"]


def test_an_extra_date_is_an_occurrence_the_planner_can_change_and_delete() -> None:
    from thekiz_tui.planning import edits

    series = parse_calendar(RDATE_SERIES)[0]
    rid = "2025-03-12T09:00:00+01:00"
    shown = edits.occurrence(series, rid)
    assert (shown.start, shown.rdates, shown.rrule) == ("2025-03-12T09:00:00+01:00", [], None)
    later = edits.change_this(series, rid, replace(shown, start="2025-03-12T11:00:00+01:00",
                                                   end="2025-03-12T12:00:00+01:00"))
    assert "2025-03-12 11:00" in _starts(later) and "2025-03-12 09:00" not in _starts(later)
    gone = edits.delete_this(series, rid)
    assert "2025-03-12 09:00" not in _starts(gone) and len(_starts(gone)) == 6


def test_this_and_following_splits_rules_and_extra_dates() -> None:
    from thekiz_tui.planning import edits

    series = parse_calendar(RDATE_SERIES)[0]
    rid = "2025-03-17T09:00:00+01:00"
    shown = edits.occurrence(series, rid)
    before, after = edits.change_following(series, rid, replace(shown, title="Neu"))
    assert _starts(before) == ["2025-03-03 09:00", "2025-03-10 09:00", "2025-03-12 09:00"]
    assert after is not None
    assert _starts(after) == ["2025-03-17 09:00", "2025-03-20 09:00", "2025-03-27 00:00",
                              "2025-04-20 09:00"]
    assert {o.event.title for o in expand([after])} == {"Neu"}


def test_a_series_of_extra_dates_only_moves_as_a_whole() -> None:
    from thekiz_tui.planning import edits

    series = parse_calendar(ics(*vevent(*WEEKLY, "RDATE;TZID=Europe/Berlin:20250404T090000")))[0]
    assert _starts(edits.shift(series, 7)) == ["2025-03-10 09:00", "2025-04-11 09:00"]


def test_dtstart_off_the_rule_and_a_date_rdate_of_a_timed_series_as_the_reference() -> None:
    """A Saturday DTSTART with a Monday/Friday rule is the first occurrence (RFC 5545),
    and a bare date among a timed series' RDATEs is that day's midnight in its zone."""
    data = ics(*vevent("DTSTART:20250517T171500Z", "DURATION:PT1H",
                       "RRULE:FREQ=WEEKLY;BYDAY=MO,FR;COUNT=2",
                       "RDATE;VALUE=DATE:20250601"))
    assert same_everywhere(data) == [
        ("2025-05-17 19:15", "2025-05-17 20:15"), ("2025-05-19 19:15", "2025-05-19 20:15"),
        ("2025-05-23 19:15", "2025-05-23 20:15"), ("2025-06-01 02:00", "2025-06-01 03:00"),
    ]
