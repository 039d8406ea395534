"""The form's recurrence choices as RRULEs, read back, and described (planning/recurrence.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr

from thekiz_tui.planning.recurrence import (
    Repeat,
    build_rrule,
    describe,
    first_dates,
    is_last_weekday,
    normal_rule,
    nth_weekday,
    read_rrule,
)

WED = date(2026, 3, 18)  # the third Wednesday of March 2026


def test_nth_and_last_weekday() -> None:
    assert nth_weekday(date(2026, 3, 4)) == 1
    assert nth_weekday(WED) == 3
    assert nth_weekday(date(2026, 3, 25)) == 4
    assert is_last_weekday(date(2026, 3, 25))
    assert not is_last_weekday(WED)
    assert nth_weekday(date(2026, 4, 29)) == 5 and is_last_weekday(date(2026, 4, 29))


@pytest.mark.parametrize(
    ("repeat", "rule"),
    [
        (Repeat(), None),
        (Repeat("weekly"), "FREQ=WEEKLY;BYDAY=WE"),
        (Repeat("weekly", 2), "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        (Repeat("weekly", 1), "FREQ=WEEKLY;BYDAY=WE"),
        (Repeat("monthly"), "FREQ=MONTHLY;BYDAY=3WE"),
        # the quarterly Arbeitskreis: every 3 months on the third Wednesday, 4 times
        (Repeat("monthly", 3, count=4), "FREQ=MONTHLY;INTERVAL=3;BYDAY=3WE;COUNT=4"),
        (Repeat("daily", 2), "FREQ=DAILY;INTERVAL=2"),
        (Repeat("monthly-day"), "FREQ=MONTHLY;BYMONTHDAY=18"),
        (Repeat("yearly", until=date(2030, 3, 18)), "FREQ=YEARLY;UNTIL=20300318T235959"),
        (Repeat("monthly", until=date(2026, 12, 31)),
         "FREQ=MONTHLY;BYDAY=3WE;UNTIL=20261231T235959"),
        (Repeat("custom", rule=" rrule:freq=daily;count=3 "), "FREQ=DAILY;COUNT=3"),
    ],
)
def test_build_rrule(repeat: Repeat, rule: str | None) -> None:
    assert build_rrule(repeat, WED, all_day=False) == rule


def test_all_day_until_is_a_date() -> None:
    rule = build_rrule(Repeat("weekly", until=date(2026, 4, 1)), WED, all_day=True)
    assert rule == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20260401"


def test_the_rules_give_the_dates_a_coach_means() -> None:
    start = datetime(2026, 3, 18, 9, 30)
    monthly = rrulestr("FREQ=MONTHLY;BYDAY=3WE;COUNT=4", dtstart=start)
    assert [d.date() for d in monthly] == [
        date(2026, 3, 18), date(2026, 4, 15), date(2026, 5, 20), date(2026, 6, 17),
    ]
    last = build_rrule(Repeat("monthly-last"), date(2026, 3, 25), all_day=False)
    assert last is not None
    assert first_dates(last, date(2026, 3, 25), 3) == [
        date(2026, 3, 25), date(2026, 4, 29), date(2026, 5, 27),
    ]
    two = build_rrule(Repeat("weekly", 2, until=date(2026, 4, 15)), WED, all_day=False)
    assert two is not None
    days = [d.date() for d in rrulestr(two, dtstart=start)]
    assert days == [date(2026, 3, 18), date(2026, 4, 1), date(2026, 4, 15)]


@pytest.mark.parametrize(
    "repeat",
    [
        Repeat("weekly"),
        Repeat("weekly", 3, date(2026, 9, 30)),
        Repeat("monthly"),
        Repeat("monthly", 3, count=8),
        Repeat("monthly-last", until=date(2027, 1, 1)),
        Repeat("monthly-day", 2),
        Repeat("daily", 1, count=10),
        Repeat("yearly", 1, date(2030, 12, 31)),
    ],
)
@pytest.mark.parametrize("all_day", [False, True])
def test_read_rrule_is_the_inverse(repeat: Repeat, all_day: bool) -> None:
    start = date(2026, 3, 25)  # fourth and last Wednesday
    rule = build_rrule(repeat, start, all_day=all_day)
    assert read_rrule(rule, start, all_day=all_day) == repeat


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=5",  # the demo's working group
        "FREQ=WEEKLY;UNTIL=20250407T185959;BYDAY=MO",  # as imported from iCalendar
        "FREQ=WEEKLY;BYDAY=MO",  # another weekday than the start's
        "FREQ=MONTHLY;BYDAY=1WE",  # another week of the month
        "FREQ=MONTHLY;BYMONTHDAY=1",  # another day of the month
        "FREQ=DAILY;COUNT=3;INTERVAL=2",  # the parts in another order
    ],
)
def test_rules_the_choices_would_not_write_stay_custom(rule: str) -> None:
    repeat = read_rrule(rule, WED, all_day=False)
    assert repeat.choice == "custom"
    assert repeat.rule == rule
    assert build_rrule(repeat, WED, all_day=False) == rule


def test_no_rule_reads_as_none() -> None:
    assert read_rrule(None, WED, all_day=False) == Repeat()
    assert read_rrule("  ", WED, all_day=False) == Repeat()
    assert normal_rule("RRULE:freq=weekly") == "FREQ=WEEKLY"


def test_describe_in_german_and_english() -> None:
    assert describe(None, WED) == "keine Wiederholung"
    assert describe("FREQ=WEEKLY;BYDAY=WE", WED) == "jeden Mittwoch"
    assert describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", WED) == "alle 2 Wochen am Mittwoch"
    assert describe("FREQ=MONTHLY;BYDAY=3WE;UNTIL=20261231T235959", WED) == (
        "jeden 3. Mittwoch im Monat, bis 31.12.2026"
    )
    assert describe("FREQ=MONTHLY;BYDAY=-1WE", date(2026, 3, 25)) == (
        "jeden letzten Mittwoch im Monat"
    )
    assert describe("FREQ=MONTHLY;BYDAY=3WE", WED, lang="en") == (
        "every 3rd Wednesday of the month"
    )
    assert describe("FREQ=DAILY;COUNT=3;BYHOUR=9", WED) == (
        "eigene Regel, 3 Termine; nächste: 18.03.2026, 19.03.2026, 20.03.2026"
    )
    thursday = date(2027, 1, 21)  # the third Thursday of January 2027
    assert describe("FREQ=MONTHLY;INTERVAL=3;BYDAY=3TH;UNTIL=20271231T235959", thursday) == (
        "alle 3 Monate am 3. Donnerstag, bis 31.12.2027"
    )
    assert describe("FREQ=MONTHLY;INTERVAL=3;BYDAY=3TH;COUNT=4", thursday, lang="en") == (
        "every 3 months on the 3rd Thursday, 4 events"
    )
    assert describe("FREQ=DAILY;INTERVAL=2;COUNT=1", WED) == "alle 2 Tage, 1 Termin"
    assert describe("FREQ=YEARLY", WED) == "jährlich am 18. März"
    assert describe("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=18", WED) == "alle 2 Monate am 18."
    assert describe("FREQ=NEVER", WED) == "ungültige Regel"
