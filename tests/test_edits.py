"""Changing events in the planner: moving, duplicating, and changing or deleting one, the
following or all occurrences of a series. Every result is checked with ``expand``, the
way the views show it: the occurrences a coach would expect, no more and no fewer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import Event, Store, new_id
from thekiz_tui.planning import edits
from thekiz_tui.planning.occurrences import Occurrence, expand
from thekiz_tui.planning.timeutil import BadInput, day_start, epoch, localize, to_stored, zone

TZ = "Europe/Berlin"


def at(text: str) -> str:
    """``2026-03-04 09:30`` as stored: local time in Berlin with its offset."""
    return to_stored(localize(datetime.fromisoformat(text), TZ))


def series(
    start: str, end: str, rrule: str | None = "FREQ=WEEKLY", *, all_day: bool = False,
    **kw: Any,
) -> Event:
    values: dict[str, Any] = {
        "id": new_id("ev"),
        "kind": "arbeitskreis",
        "start": start if all_day else at(start),
        "end": end if all_day else at(end),
        "title": "Arbeitskreis",
        "all_day": all_day,
        "rrule": rrule,
        "coaches": ["c-anna"],
        "kita": "k-sonne",
        "uid": "ak@thekiz",
        "sequence": 3,
        "created": "2026-01-01T00:00:00Z",
        "updated": "2026-01-02T00:00:00Z",
    }
    values.update(kw)
    return Event(**values)


def hour_later(text: str) -> str:
    return str(datetime.fromisoformat(text) + timedelta(hours=1))


def window(first: str, last: str) -> tuple[int, int]:
    return (
        epoch(day_start(date.fromisoformat(first), TZ)),
        epoch(day_start(date.fromisoformat(last), TZ)),
    )


def shown(events: list[Event], first: str = "2025-01-01", last: str = "2028-01-01") -> list[
    tuple[str, str, str]
]:
    """What the views show: local start, local end and title of every occurrence."""
    occs = expand(events, *window(first, last))
    return [(local(o, "start"), local(o, "end"), o.event.title) for o in occs]


def local(occ: Occurrence, name: str) -> str:
    text = getattr(occ.event, name)
    if occ.event.all_day:
        return str(text)
    return f"{datetime.fromisoformat(text).astimezone(zone(TZ)):%Y-%m-%d %H:%M}"


def rids(event: Event) -> list[str]:
    return [o.recurrence_id or "" for o in expand([event], *window("2025-01-01", "2028-01-01"))]


def unchanged(event: Event) -> dict[str, Any]:
    return event.to_dict()


# -- shift ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "want"),
    [
        ("2026-03-27 09:30", 3, "2026-03-30T09:30:00+02:00"),  # into summer time
        ("2026-03-30 09:30", -3, "2026-03-27T09:30:00+01:00"),  # back into winter time
        ("2026-10-23 09:30", 3, "2026-10-26T09:30:00+01:00"),  # into winter time
        ("2026-10-22 09:30", 7, "2026-10-29T09:30:00+01:00"),
    ],
)
def test_shift_keeps_the_wall_time_across_dst(start: str, days: int, want: str) -> None:
    event = series(start, start[:11] + "11:00", None)
    before = unchanged(event)
    moved = edits.shift(event, days)
    assert moved.start == want
    assert moved.end == want.replace("09:30", "11:00")
    assert event.to_dict() == before
    assert (moved.id, moved.uid, moved.title) == (event.id, event.uid, event.title)


def test_shift_all_day_moves_the_dates() -> None:
    event = series("2026-03-30", "2026-04-01", None, all_day=True)
    moved = edits.shift(event, -1)
    assert (moved.start, moved.end) == ("2026-03-29", "2026-03-31")


def test_shift_series_moves_exdates_and_changed_occurrences_along() -> None:
    master = series("2026-03-18 09:30", "2026-03-18 10:30", "FREQ=WEEKLY;COUNT=4")
    master.exdates = [at("2026-03-25 09:30")]
    master.overrides = {at("2026-04-01 09:30"): {"title": "Sondertermin"}}
    before = unchanged(master)
    moved = edits.shift(master, 7)
    assert master.to_dict() == before
    assert shown([moved]) == [
        # The deleted 2nd (25.03.) is now 01.04., the changed 3rd (01.04.) now 08.04.
        ("2026-03-25 09:30", "2026-03-25 10:30", "Arbeitskreis"),
        ("2026-04-08 09:30", "2026-04-08 10:30", "Sondertermin"),
        ("2026-04-15 09:30", "2026-04-15 10:30", "Arbeitskreis"),
    ]
    assert moved.exdates == [at("2026-04-01 09:30")]


def test_shift_series_weekdays_follow() -> None:
    master = series("2026-03-02 09:30", "2026-03-02 10:30", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4")
    moved = edits.shift(master, 1)
    assert moved.rrule == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"
    assert [s for s, _, _ in shown([moved])] == [
        "2026-03-03 09:30", "2026-03-05 09:30", "2026-03-10 09:30", "2026-03-12 09:30",
    ]


def test_shift_monthly_nth_weekday_by_a_week() -> None:
    # 3rd Wednesday: 18.03., 15.04., 20.05. -> 4th Wednesday: 25.03., 22.04., 27.05.
    master = series("2026-03-18 14:00", "2026-03-18 16:00", "FREQ=MONTHLY;BYDAY=3WE;COUNT=3")
    master.overrides = {at("2026-04-15 14:00"): {"location": "Jena"}}
    moved = edits.shift(master, 7)
    assert moved.rrule == "FREQ=MONTHLY;BYDAY=4WE;COUNT=3"
    assert [s for s, _, _ in shown([moved])] == [
        "2026-03-25 14:00", "2026-04-22 14:00", "2026-05-27 14:00",
    ]
    assert moved.overrides == {at("2026-04-22 14:00"): {"location": "Jena"}}


def test_shift_series_with_until_keeps_every_occurrence() -> None:
    master = series("2026-10-07 09:30", "2026-10-07 10:30",
                    "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261104T093000")
    moved = edits.shift(master, 14)
    assert moved.rrule == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261118T093000"
    assert [s for s, _, _ in shown([moved])] == [
        "2026-10-21 09:30", "2026-11-04 09:30", "2026-11-18 09:30",
    ]


def test_shift_all_day_series() -> None:
    master = series("2026-03-27", "2026-03-28", "FREQ=DAILY;UNTIL=20260330", all_day=True)
    master.exdates = ["2026-03-28"]
    moved = edits.shift(master, 2)
    assert moved.rrule == "FREQ=DAILY;UNTIL=20260401"
    assert [s for s, _, _ in shown([moved])] == ["2026-03-29", "2026-03-31", "2026-04-01"]


# -- duplicate ---------------------------------------------------------------------------


def test_duplicate_is_a_new_event_with_the_same_plan() -> None:
    master = series("2026-03-18 09:30", "2026-03-18 10:30", "FREQ=WEEKLY;COUNT=4")
    master.overrides = {at("2026-03-25 09:30"): {"title": "Anders", "coaches": ["c-ben"]}}
    copy = edits.duplicate(master)
    assert copy.id.startswith("ev-") and copy.id != master.id
    assert copy.uid == f"{copy.id}@thekiz" != master.uid
    assert (copy.sequence, copy.created, copy.updated) == (0, "", "")
    same = ("start", "end", "title", "rrule", "overrides", "coaches", "kita", "kind")
    assert all(getattr(copy, f) == getattr(master, f) for f in same)
    copy.coaches.append("c-ben")
    copy.overrides[at("2026-03-25 09:30")]["coaches"].append("c-cem")
    assert master.coaches == ["c-anna"]
    assert master.overrides[at("2026-03-25 09:30")]["coaches"] == ["c-ben"]


def test_duplicate_saves_as_a_new_event(store: Store) -> None:
    event = store.add_event(series("2026-03-18 09:30", "2026-03-18 10:30", None))
    copy = store.add_event(edits.duplicate(event))
    assert {e.id for e in store.events()} == {event.id, copy.id}
    assert copy.created and copy.sequence == 0


# -- one occurrence ----------------------------------------------------------------------


WEEKLY = ("2026-03-18 09:30", "2026-03-18 10:30", "FREQ=WEEKLY;COUNT=4")


def test_change_this_keeps_only_what_differs() -> None:
    master = series(*WEEKLY)
    before = unchanged(master)
    rid = rids(master)[1]
    occ = edits.occurrence(master, rid)
    edited = replace(occ, title="Sondertermin", start=at("2026-03-25 11:00"),
                     end=at("2026-03-25 12:00"))
    changed = edits.change_this(master, rid, edited)
    assert master.to_dict() == before
    assert changed.overrides == {
        rid: {"title": "Sondertermin", "start": at("2026-03-25 11:00"),
              "end": at("2026-03-25 12:00")}
    }
    assert shown([changed]) == [
        ("2026-03-18 09:30", "2026-03-18 10:30", "Arbeitskreis"),
        ("2026-03-25 11:00", "2026-03-25 12:00", "Sondertermin"),
        ("2026-04-01 09:30", "2026-04-01 10:30", "Arbeitskreis"),
        ("2026-04-08 09:30", "2026-04-08 10:30", "Arbeitskreis"),
    ]
    # Editing it again starts from what it shows; back to the series' values: no change.
    again = edits.occurrence(changed, rid)
    assert again.title == "Sondertermin" and again.start == at("2026-03-25 11:00")
    plain = edits.change_this(changed, rid, edits.occurrence(master, rid))
    assert plain.overrides == {}


def test_change_this_only_the_end() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[2]
    longer = replace(edits.occurrence(master, rid), end=at("2026-04-01 12:00"))
    changed = edits.change_this(master, rid, longer)
    assert shown([changed])[2] == ("2026-04-01 09:30", "2026-04-01 12:00", "Arbeitskreis")


def test_change_this_lists_are_copies() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[0]
    edited = replace(edits.occurrence(master, rid), coaches=["c-anna", "c-ben"])
    changed = edits.change_this(master, rid, edited)
    edited.coaches.append("c-cem")
    assert changed.overrides[rid] == {"coaches": ["c-anna", "c-ben"]}


def test_change_this_all_day_series() -> None:
    master = series("2026-10-24", "2026-10-25", "FREQ=DAILY;COUNT=3", all_day=True)
    rid = "2026-10-25"
    edited = replace(edits.occurrence(master, rid), title="Fachtag", end="2026-10-27")
    changed = edits.change_this(master, rid, edited)
    assert shown([changed]) == [
        ("2026-10-24", "2026-10-25", "Arbeitskreis"),
        ("2026-10-25", "2026-10-27", "Fachtag"),
        ("2026-10-26", "2026-10-27", "Arbeitskreis"),
    ]


def test_change_this_refuses_all_day_switch_and_unknown_occurrences() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[0]
    with pytest.raises(BadInput):
        edits.change_this(master, rid, replace(edits.occurrence(master, rid), all_day=True,
                                               start="2026-03-18", end="2026-03-19"))
    with pytest.raises(BadInput, match="keinen Termin"):
        edits.occurrence(master, at("2026-03-19 09:30"))
    with pytest.raises(BadInput, match="keinen Termin"):
        edits.occurrence(master, at("2026-04-15 09:30"))  # after COUNT
    with pytest.raises(BadInput, match="gelöscht"):
        edits.occurrence(edits.delete_this(master, rid), rid)
    with pytest.raises(BadInput, match="kein wiederkehrender"):
        edits.delete_this(replace(master, rrule=None), rid)


def test_move_occurrence_by_a_week_and_back() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[1]
    moved = edits.move_occurrence(master, rid, 7)
    assert [s for s, _, _ in shown([moved])] == [
        "2026-03-18 09:30", "2026-04-01 09:30", "2026-04-01 09:30", "2026-04-08 09:30",
    ]
    assert edits.move_occurrence(moved, rid, -7).overrides == {}


def test_move_occurrence_across_dst_keeps_the_wall_time() -> None:
    master = series("2026-10-21 09:30", "2026-10-21 10:30", "FREQ=WEEKLY;COUNT=2")
    moved = edits.move_occurrence(master, rids(master)[0], 5)
    assert moved.overrides[at("2026-10-21 09:30")] == {
        "start": "2026-10-26T09:30:00+01:00", "end": "2026-10-26T10:30:00+01:00",
    }


def test_delete_this_adds_an_exdate_and_drops_the_change() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[2]
    master.overrides = {rid: {"title": "Weg"}}
    before = unchanged(master)
    gone = edits.delete_this(master, rid)
    assert master.to_dict() == before
    assert gone.exdates == [rid] and gone.overrides == {}
    assert [s for s, _, _ in shown([gone])] == [
        "2026-03-18 09:30", "2026-03-25 09:30", "2026-04-08 09:30",
    ]


def test_delete_this_all_day() -> None:
    master = series("2026-03-28", "2026-03-29", "FREQ=DAILY;COUNT=3", all_day=True)
    gone = edits.delete_this(master, "2026-03-29")
    assert [s for s, _, _ in shown([gone])] == ["2026-03-28", "2026-03-30"]


# -- this and the following ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "rule", "cut", "old_rule", "new_rule"),
    [
        ("2026-03-04 09:30", "FREQ=WEEKLY;COUNT=6", 3,
         "FREQ=WEEKLY;UNTIL=20260318T093000", "FREQ=WEEKLY;COUNT=3"),
        ("2026-03-04 09:30", "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260513T093000", 2,
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260318T093000",
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260513T093000"),
        ("2026-01-21 14:00", "FREQ=MONTHLY;BYDAY=3WE;COUNT=5", 2,
         "FREQ=MONTHLY;BYDAY=3WE;UNTIL=20260218T140000", "FREQ=MONTHLY;BYDAY=3WE;COUNT=3"),
        ("2026-10-14 09:30", "FREQ=WEEKLY", 2,
         "FREQ=WEEKLY;UNTIL=20261021T093000", "FREQ=WEEKLY"),
    ],
)
def test_change_following_splits_the_series(
    start: str, rule: str, cut: int, old_rule: str, new_rule: str
) -> None:
    master = series(start, hour_later(start), rule)
    before_all = shown([master], last="2027-06-01")
    rid = rids(master)[cut]
    edited = replace(edits.occurrence(master, rid), title="Neu", location="Erfurt")
    old, new = edits.change_following(master, rid, edited)
    assert new is not None
    assert old.rrule == old_rule and new.rrule == new_rule
    assert (old.id, old.uid) == (master.id, master.uid)
    assert new.id.startswith("ev-") and new.id != master.id
    assert new.uid == f"{new.id}@thekiz" and new.sequence == 0 and not new.created
    assert new.start == rid
    after_all = shown([old, new], last="2027-06-01")
    assert after_all[:cut] == before_all[:cut]
    assert [(s, e) for s, e, _ in after_all] == [(s, e) for s, e, _ in before_all]
    assert {t for _, _, t in after_all[cut:]} == {"Neu"}
    assert {o.event.location for o in expand([new])} == {"Erfurt"}


def test_change_following_moves_the_time_across_dst_with_its_exceptions() -> None:
    # Weekly on Wednesdays 09:30 from 11.03., six times; 01.04. deleted, 08.04. changed.
    master = series("2026-03-11 09:30", "2026-03-11 10:30", "FREQ=WEEKLY;COUNT=6")
    master.exdates = [at("2026-04-01 09:30"), at("2026-03-18 09:30")]
    master.overrides = {
        at("2026-04-08 09:30"): {"title": "Mit Eltern", "start": at("2026-04-09 09:30"),
                                 "end": at("2026-04-09 10:30")},
        at("2026-03-11 09:30"): {"notes": "erstes Treffen"},
    }
    rid = at("2026-03-25 09:30")
    edited = replace(edits.occurrence(master, rid), start=at("2026-03-25 10:00"),
                     end=at("2026-03-25 11:30"))
    old, new = edits.change_following(master, rid, edited)
    assert new is not None
    assert old.exdates == [at("2026-03-18 09:30")]
    assert old.overrides == {at("2026-03-11 09:30"): {"notes": "erstes Treffen"}}
    assert new.exdates == [at("2026-04-01 10:00")]
    assert new.overrides == {
        at("2026-04-08 10:00"): {"title": "Mit Eltern", "start": at("2026-04-09 10:00"),
                                 "end": at("2026-04-09 11:00")},
    }
    assert shown([old, new]) == [
        ("2026-03-11 09:30", "2026-03-11 10:30", "Arbeitskreis"),
        ("2026-03-25 10:00", "2026-03-25 11:30", "Arbeitskreis"),
        ("2026-04-09 10:00", "2026-04-09 11:00", "Mit Eltern"),
        ("2026-04-15 10:00", "2026-04-15 11:30", "Arbeitskreis"),
    ]


def test_change_following_at_a_moved_occurrence_keeps_it_moved() -> None:
    master = series("2026-03-04 09:30", "2026-03-04 10:30", "FREQ=WEEKLY;COUNT=5")
    rid = rids(master)[2]  # 18.03., moved to 19.03. and renamed
    master = edits.move_occurrence(master, rid, 1)
    master = edits.change_this(master, rid, replace(edits.occurrence(master, rid),
                                                    title="Sonder"))
    occ = edits.occurrence(master, rid)
    edited = replace(occ, title="Neu", start=at("2026-03-19 10:00"), end=at("2026-03-19 11:00"))
    old, new = edits.change_following(master, rid, edited)
    assert new is not None and old.overrides == {}
    assert new.start == at("2026-03-18 10:00") and new.rrule == "FREQ=WEEKLY;COUNT=3"
    assert shown([old, new]) == [
        ("2026-03-04 09:30", "2026-03-04 10:30", "Arbeitskreis"),
        ("2026-03-11 09:30", "2026-03-11 10:30", "Arbeitskreis"),
        ("2026-03-19 10:00", "2026-03-19 11:00", "Neu"),
        ("2026-03-25 10:00", "2026-03-25 11:00", "Neu"),
        ("2026-04-01 10:00", "2026-04-01 11:00", "Neu"),
    ]


def test_change_following_to_another_weekday() -> None:
    master = series("2026-03-02 09:30", "2026-03-02 10:30", "FREQ=WEEKLY;BYDAY=MO;COUNT=5")
    rid = rids(master)[2]  # 16.03.
    edited = replace(edits.occurrence(master, rid), start=at("2026-03-17 09:30"),
                     end=at("2026-03-17 10:30"))
    old, new = edits.change_following(master, rid, edited)
    assert new is not None and new.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=3"
    assert [s for s, _, _ in shown([old, new])] == [
        "2026-03-02 09:30", "2026-03-09 09:30", "2026-03-17 09:30", "2026-03-24 09:30",
        "2026-03-31 09:30",
    ]


def test_change_following_all_day_series() -> None:
    master = series("2026-03-02", "2026-03-03", "FREQ=WEEKLY;UNTIL=20260330", all_day=True)
    master.exdates = ["2026-03-23"]
    rid = "2026-03-16"
    edited = replace(edits.occurrence(master, rid), start="2026-03-17", end="2026-03-19",
                     title="Zwei Tage")
    old, new = edits.change_following(master, rid, edited)
    assert new is not None
    assert old.rrule == "FREQ=WEEKLY;UNTIL=20260309" and old.exdates == []
    assert new.rrule == "FREQ=WEEKLY;UNTIL=20260331" and new.exdates == ["2026-03-24"]
    assert shown([old, new]) == [
        ("2026-03-02", "2026-03-03", "Arbeitskreis"),
        ("2026-03-09", "2026-03-10", "Arbeitskreis"),
        ("2026-03-17", "2026-03-19", "Zwei Tage"),
        ("2026-03-31", "2026-04-02", "Zwei Tage"),
    ]


def test_change_following_from_a_timed_to_an_all_day_series() -> None:
    master = series("2026-03-02 09:30", "2026-03-02 10:30", "FREQ=WEEKLY;COUNT=4")
    rid = rids(master)[2]
    master.exdates = [rids(master)[3]]
    edited = replace(edits.occurrence(master, rid), all_day=True, start="2026-03-16",
                     end="2026-03-17")
    old, new = edits.change_following(master, rid, edited)
    assert new is not None and new.all_day and new.rrule == "FREQ=WEEKLY;COUNT=2"
    assert new.exdates == ["2026-03-23"]
    assert shown([old, new]) == [
        ("2026-03-02 09:30", "2026-03-02 10:30", "Arbeitskreis"),
        ("2026-03-09 09:30", "2026-03-09 10:30", "Arbeitskreis"),
        ("2026-03-16", "2026-03-17", "Arbeitskreis"),
    ]


def test_change_following_with_a_new_rule() -> None:
    master = series("2026-03-02 09:30", "2026-03-02 10:30", "FREQ=WEEKLY;COUNT=6")
    rid = rids(master)[2]
    edited = replace(edits.occurrence(master, rid), rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=2")
    old, new = edits.change_following(master, rid, edited)
    assert new is not None and new.rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=2"
    assert [s for s, _, _ in shown([old, new])] == [
        "2026-03-02 09:30", "2026-03-09 09:30", "2026-03-16 09:30", "2026-03-30 09:30",
    ]


def test_change_following_from_the_first_is_change_all() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[0]
    edited = replace(edits.occurrence(master, rid), title="Alle")
    old, new = edits.change_following(master, rid, edited)
    assert new is None
    assert old.to_dict() == edits.change_all(master, rid, edited).to_dict()
    assert {t for _, _, t in shown([old])} == {"Alle"}


def test_change_following_refuses_a_rule_that_misses_the_new_start() -> None:
    master = series("2026-03-04 09:30", "2026-03-04 10:30",
                    "FREQ=MONTHLY;BYDAY=WE;BYSETPOS=1,3;COUNT=6")
    rid = rids(master)[2]
    # 1st and 3rd Wednesday; the 1st of April moved to the 2nd Wednesday fits no more.
    edited = replace(edits.occurrence(master, rid), start=at("2026-04-08 09:30"),
                     end=at("2026-04-08 10:30"))
    with pytest.raises(BadInput, match="passt nicht"):
        edits.change_following(master, rid, edited)


RULES = [
    "FREQ=WEEKLY;COUNT=9",
    "FREQ=WEEKLY;INTERVAL=2;COUNT=7",
    "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10",
    "FREQ=MONTHLY;BYDAY=3WE;COUNT=6",
    "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6",
    "FREQ=DAILY;COUNT=12",
    "FREQ=WEEKLY;UNTIL=20261118T093000",
    "FREQ=MONTHLY;UNTIL=20270301T000000",
]


@settings(max_examples=80, deadline=None)
@given(
    rule=st.sampled_from(RULES),
    first=st.dates(date(2026, 1, 1), date(2026, 11, 1)),
    all_day=st.booleans(),
    cut=st.integers(1, 5),
    minutes=st.integers(-600, 600),
    days=st.integers(-3, 3),
)
def test_property_change_following_keeps_the_past_and_starts_at_rid(
    rule: str, first: date, all_day: bool, cut: int, minutes: int, days: int
) -> None:
    if all_day:
        rule = rule.replace("T093000", "").replace("T000000", "")
        master = series(str(first), str(first + timedelta(days=1)), rule, all_day=True)
    else:
        master = series(f"{first} 09:30", f"{first} 10:45", rule)
    # A rule that names days starts on its first match, as the form makes it.
    opening = expand([master])
    if len(opening) <= cut:
        return
    master.start, master.end = opening[0].event.start, opening[0].event.end
    before = shown([master])
    rid = rids(master)[cut]
    if all_day:
        moved = edits.move_occurrence(master, rid, days)
        edited = replace(edits.occurrence(moved, rid), title="Neu")
    else:
        wall = datetime.fromisoformat(rid).astimezone(zone(TZ)).replace(tzinfo=None)
        wall += timedelta(days=days, minutes=minutes)
        edited = replace(edits.occurrence(master, rid), title="Neu", start=at(str(wall)),
                         end=at(str(wall + timedelta(hours=1))))
    old, new = edits.change_following(master, rid, edited)
    assert new is not None
    assert shown([old]) == before[:cut]
    after = shown([new])
    want = edited.start if all_day else local_text(edited.start)
    assert after[0][0] == want
    assert {t for _, _, t in after} == {"Neu"}
    # As many as were left, unless a monthly date moved to or from the 29th or later (a
    # month without that day has none, RFC 5545) or into another month (the 1st moved
    # back 3 days is the 28th, and the moved UNTIL then falls before the last 28th): an
    # UNTIL rule may then hold more or fewer dates.
    days_of_month = {int(after[0][0][8:10]), int(before[cut][0][8:10])}
    other_month = after[0][0][:7] != before[cut][0][:7]
    if "COUNT" in rule or not (rule.startswith("FREQ=MONTHLY")
                               and (max(days_of_month) > 28 or other_month)):
        assert len(after) == len(before) - cut
    assert expand([new])[0].start_ts == expand([edited])[0].start_ts


def local_text(text: str) -> str:
    return f"{datetime.fromisoformat(text).astimezone(zone(TZ)):%Y-%m-%d %H:%M}"


# -- all occurrences -------------------------------------------------------------------


def test_change_all_from_a_later_occurrence_shifts_every_time() -> None:
    # Weekly 09:30 across the spring DST change; 10:00-11:30 from now on, for all.
    master = series("2026-03-18 09:30", "2026-03-18 10:30", "FREQ=WEEKLY;COUNT=4")
    master.exdates = [at("2026-03-25 09:30")]
    master.overrides = {at("2026-04-08 09:30"): {"title": "Mit Eltern", "location": "Aula"}}
    rid = at("2026-04-01 09:30")
    edited = replace(edits.occurrence(master, rid), start=at("2026-04-01 10:00"),
                     end=at("2026-04-01 11:30"), location="Erfurt")
    changed = edits.change_all(master, rid, edited)
    assert (changed.id, changed.uid) == (master.id, master.uid)
    assert changed.start == at("2026-03-18 10:00") and changed.rrule == master.rrule
    assert changed.exdates == [at("2026-03-25 10:00")]
    # The location changed for all, also where 08.04. had its own; its title stays.
    assert changed.overrides == {at("2026-04-08 10:00"): {"title": "Mit Eltern"}}
    assert shown([changed]) == [
        ("2026-03-18 10:00", "2026-03-18 11:30", "Arbeitskreis"),
        ("2026-04-01 10:00", "2026-04-01 11:30", "Arbeitskreis"),
        ("2026-04-08 10:00", "2026-04-08 11:30", "Mit Eltern"),
    ]
    assert {o.event.location for o in expand([changed])} == {"Erfurt"}


def test_change_all_to_another_day_moves_the_rule() -> None:
    master = series("2026-03-04 14:00", "2026-03-04 15:00", "FREQ=WEEKLY;BYDAY=WE;COUNT=3")
    master.overrides = {at("2026-03-18 14:00"): {"notes": "Raum 2"}}
    rid = rids(master)[1]
    edited = replace(edits.occurrence(master, rid), start=at("2026-03-12 14:00"),
                     end=at("2026-03-12 15:00"))
    changed = edits.change_all(master, rid, edited)
    assert changed.rrule == "FREQ=WEEKLY;BYDAY=TH;COUNT=3"
    assert changed.overrides == {at("2026-03-19 14:00"): {"notes": "Raum 2"}}
    assert [s for s, _, _ in shown([changed])] == [
        "2026-03-05 14:00", "2026-03-12 14:00", "2026-03-19 14:00",
    ]


def test_change_all_keeps_a_moved_occurrence_moved() -> None:
    master = series(*WEEKLY)
    moved = edits.move_occurrence(master, rids(master)[1], 1)  # 25.03. -> 26.03.
    rid = rids(master)[3]
    edited = replace(edits.occurrence(moved, rid), start=at("2026-04-08 08:30"),
                     end=at("2026-04-08 09:30"), title="Früher")
    changed = edits.change_all(moved, rid, edited)
    assert shown([changed]) == [
        ("2026-03-18 08:30", "2026-03-18 09:30", "Früher"),
        ("2026-03-26 08:30", "2026-03-26 09:30", "Früher"),
        ("2026-04-01 08:30", "2026-04-01 09:30", "Früher"),
        ("2026-04-08 08:30", "2026-04-08 09:30", "Früher"),
    ]


def test_change_all_on_a_changed_occurrence_applies_only_the_edit() -> None:
    master = series(*WEEKLY)
    rid = rids(master)[1]
    master.overrides = {rid: {"title": "Sondertermin"}}
    edited = replace(edits.occurrence(master, rid), notes="Bitte Laptop mitbringen")
    changed = edits.change_all(master, rid, edited)
    assert changed.title == "Arbeitskreis" and changed.notes == "Bitte Laptop mitbringen"
    assert changed.overrides == {rid: {"title": "Sondertermin"}}


def test_change_all_monthly_nth_weekday_across_october() -> None:
    master = series("2026-09-16 09:30", "2026-09-16 10:30", "FREQ=MONTHLY;BYDAY=3WE;COUNT=4")
    rid = rids(master)[2]  # 18.11.
    edited = replace(edits.occurrence(master, rid), start=at("2026-11-18 13:00"),
                     end=at("2026-11-18 14:00"))
    changed = edits.change_all(master, rid, edited)
    assert [s for s, _, _ in shown([changed])] == [
        "2026-09-16 13:00", "2026-10-21 13:00", "2026-11-18 13:00", "2026-12-16 13:00",
    ]


def test_change_all_with_until_keeps_the_last_occurrence() -> None:
    master = series("2026-03-04 09:30", "2026-03-04 10:30", "FREQ=WEEKLY;UNTIL=20260325T093000")
    rid = rids(master)[0]
    edited = replace(edits.occurrence(master, rid), start=at("2026-03-04 16:00"),
                     end=at("2026-03-04 17:00"))
    changed = edits.change_all(master, rid, edited)
    assert changed.rrule == "FREQ=WEEKLY;UNTIL=20260325T160000"
    assert len(shown([changed])) == 4


# -- delete following ------------------------------------------------------------------


def test_delete_following_from_the_first_deletes_the_series() -> None:
    master = series(*WEEKLY)
    assert edits.delete_following(master, rids(master)[0]) is None


@pytest.mark.parametrize(
    ("start", "rule", "all_day"),
    [
        ("2026-03-04 09:30", "FREQ=WEEKLY;COUNT=6", False),
        ("2026-01-21 14:00", "FREQ=MONTHLY;BYDAY=3WE;UNTIL=20261231T000000", False),
        ("2026-10-20", "FREQ=DAILY;INTERVAL=2", True),
    ],
)
def test_delete_following_keeps_exactly_the_earlier_ones(
    start: str, rule: str, all_day: bool
) -> None:
    if all_day:
        master = series(start, "2026-10-21", rule, all_day=True)
    else:
        master = series(start, hour_later(start), rule)
    names = rids(master)
    master.exdates = [names[1], names[4]]
    master.overrides = {names[3]: {"title": "Danach"}, names[0]: {"title": "Davor"}}
    before = shown([master])
    shortened = edits.delete_following(master, names[3])
    assert shortened is not None
    assert shown([shortened]) == before[:2]
    assert shortened.exdates == [names[1]]
    assert shortened.overrides == {names[0]: {"title": "Davor"}}
    assert "COUNT" not in (shortened.rrule or "")


# -- the results survive the store -----------------------------------------------------


def test_results_read_back_from_the_store_show_the_same(store: Store, tmp_path: Path) -> None:
    master = store.add_event(series("2026-03-11 09:30", "2026-03-11 10:30",
                                    "FREQ=MONTHLY;BYDAY=2WE;COUNT=8"))
    rid = rids(master)[3]
    edited = replace(edits.occurrence(master, rid), start=at(f"{rid[:10]} 11:00"),
                     end=at(f"{rid[:10]} 12:00"), title="Später")
    old, new = edits.change_following(edits.delete_this(master, rids(master)[5]), rid, edited)
    assert new is not None
    want = shown([old, new])
    store.update_event(old, expected_sequence=master.sequence)
    store.add_event(new)
    again = Store.open(tmp_path / "plan.json")
    assert shown(again.events()) == want
    assert len(want) == 7


def test_change_all_drops_what_became_the_series_own() -> None:
    master = series(*WEEKLY)
    names = rids(master)
    # 25.03. was longer (till 11:00) and had a redundant title; now all are that long.
    master.overrides = {names[1]: {"title": "Arbeitskreis", "notes": "Raum 2",
                                   "start": names[1], "end": at("2026-03-25 11:00")}}
    edited = replace(edits.occurrence(master, names[0]), end=at("2026-03-18 11:00"))
    changed = edits.change_all(master, names[0], edited)
    assert changed.overrides == {names[1]: {"notes": "Raum 2"}}
    assert {e for _, e, _ in shown([changed])} == {
        "2026-03-18 11:00", "2026-03-25 11:00", "2026-04-01 11:00", "2026-04-08 11:00",
    }
