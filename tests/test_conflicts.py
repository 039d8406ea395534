"""The conflict rules: overlaps, travel, day rules, DST, recurrence, acks, candidates."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import Ack, Coach, Event, Kita, Store
from thekiz_tui.planning.conflicts import (
    Checker,
    check,
    check_candidate,
    check_store,
    summary_exit_code,
)
from thekiz_tui.planning.findings import Finding
from thekiz_tui.planning.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
COACHES = [Coach("c1", "Anna Beispiel", rate=60.0), Coach("c2", "Ben Muster", rate=50.0)]
KITAS = [
    Kita("k1", "Kita Sonnenschein", stage="konsultation", address="Erfurt, Hauptstr. 1"),
    Kita("k2", "Kita Regenbogen", stage="konsultation", address="Jena, Am Markt 2"),
]
TODAY = date(2025, 3, 1)


def t(text: str) -> str:
    """'2025-03-04 09:30' → stored local text with offset."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN).isoformat()


def ev(eid: str, start: str, end: str, **kw: object) -> Event:
    kw.setdefault("kind", "begleitung")
    kw.setdefault("coaches", ["c1"])
    kw.setdefault("kita", "k1")
    kw.setdefault("title", eid)
    if len(start) == 10:
        kw["all_day"] = True
        return Event(id=eid, start=start, end=end, **kw)  # type: ignore[arg-type]
    if "+" not in start[10:]:
        start, end = t(start), t(end)
    return Event(id=eid, start=start, end=end, **kw)  # type: ignore[arg-type]


def run(*events: Event, rule: str | None = None, **kw: object) -> list[Finding]:
    kw.setdefault("today", TODAY)
    found = check(
        list(events), coaches=COACHES, kitas=KITAS, settings=Settings(),
        **kw,  # type: ignore[arg-type]
    )
    return [f for f in found if rule is None or f.rule == rule]


# -- overlaps -------------------------------------------------------------------------


def test_coach_overlap_is_an_error_naming_both_events() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", title="Begleitung Sonnenschein")
    b = ev("b", "2025-03-04 10:30", "2025-03-04 12:00", kita="k2", title="Begleitung Regenbogen")
    [f] = run(a, b, rule="coach-overlap")
    assert f.severity == "error"
    assert f.coach == "c1" and set(f.events) == {"a", "b"}
    assert "Anna Beispiel" in f.message
    assert "„Begleitung Sonnenschein“ (04.03.2025 09:00–11:00)" in f.message
    assert "„Begleitung Regenbogen“ (04.03.2025 10:30–12:00)" in f.message
    assert (f.start, f.end) == ("2025-03-04T10:30:00+01:00", "2025-03-04T11:00:00+01:00")


def test_back_to_back_does_not_overlap() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    b = ev("b", "2025-03-04 11:00", "2025-03-04 12:00")
    assert run(a, b) == []


def test_one_second_overlap_counts() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    b = ev("b", "2025-03-04T10:59:59+01:00", "2025-03-04T12:00:00+01:00")
    assert {f.rule for f in run(a, b)} == {"coach-overlap", "kita-overlap"}


def test_kita_overlap_between_different_coaches() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", coaches=["c1"])
    b = ev("b", "2025-03-04 10:00", "2025-03-04 12:00", coaches=["c2"], kind="einrichtungsbesuch")
    found = run(a, b)
    assert [f.rule for f in found] == ["kita-overlap"]
    assert found[0].kita == "k1" and "Kita Sonnenschein" in found[0].message
    other_kita = replace(b, kita="k2")
    assert run(a, other_kita) == []


def test_overlap_pairs_inside_a_long_event_are_all_found() -> None:
    long = ev("long", "2025-03-04 08:00", "2025-03-04 18:00", kita=None)
    a = ev("a", "2025-03-04 09:00", "2025-03-04 10:00", kita=None)
    b = ev("b", "2025-03-04 13:00", "2025-03-04 14:00", kita=None)
    pairs = {frozenset(f.events) for f in run(long, a, b, rule="coach-overlap")}
    assert pairs == {frozenset({"long", "a"}), frozenset({"long", "b"})}


def test_october_repeated_hour_compares_instants_not_wall_clock() -> None:
    # 02:10–02:40 summer time is 00:10–00:40 UTC; 02:30–03:00 winter time 01:30–02:00 UTC.
    summer = ev("s", "2025-10-26T02:10:00+02:00", "2025-10-26T02:40:00+02:00", kita=None)
    winter = ev("w", "2025-10-26T02:30:00+01:00", "2025-10-26T03:00:00+01:00", kita=None)
    assert run(summer, winter, rule="coach-overlap") == []
    # Reverse: the earlier wall time in winter time is later as an instant.
    winter2 = ev("w2", "2025-10-26T02:05:00+01:00", "2025-10-26T02:20:00+01:00", kita=None)
    summer2 = ev("s2", "2025-10-26T02:30:00+02:00", "2025-10-26T02:50:00+02:00", kita=None)
    assert run(winter2, summer2, rule="coach-overlap") == []
    # And a real overlap across the change: 02:00+02:00 to 03:00+01:00 is two hours.
    across = ev("x", "2025-10-26T02:00:00+02:00", "2025-10-26T03:00:00+01:00", kita=None)
    [f] = run(across, winter2, rule="coach-overlap")
    assert set(f.events) == {"x", "w2"}
    assert f.start == "2025-10-26T02:05:00+01:00"


def test_march_dst_gap_back_to_back_in_instants() -> None:
    # 01:00+01:00 to 03:00+02:00 is one hour (00:00–01:00 UTC).
    a = ev("a", "2025-03-30T01:00:00+01:00", "2025-03-30T03:00:00+02:00", kita=None)
    b = ev("b", "2025-03-30T03:00:00+02:00", "2025-03-30T04:00:00+02:00", kita=None)
    assert run(a, b, rule="coach-overlap") == []
    c = ev("c", "2025-03-30T01:59:00+01:00", "2025-03-30T03:30:00+02:00", kita=None)
    assert {frozenset(f.events) for f in run(a, b, c, rule="coach-overlap")} == {
        frozenset({"a", "c"}), frozenset({"b", "c"}),
    }


# -- all-day, free, cancelled ----------------------------------------------------------------


def test_all_day_event_blocks_the_whole_day_only() -> None:
    off = ev("off", "2025-03-04", "2025-03-05", kind="sonstiges", kita=None, title="Urlaub")
    visit = ev("v", "2025-03-04 14:00", "2025-03-04 15:00")
    [f] = run(off, visit, rule="coach-overlap")
    assert "„Urlaub“ (04.03.2025, ganztägig)" in f.message
    next_day = ev("n", "2025-03-05 08:00", "2025-03-05 09:00")
    assert run(off, next_day) == []  # the end date is exclusive
    assert run(replace(off, free=True), visit) == []


def test_free_and_cancelled_events_are_never_checked() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    b = ev("b", "2025-03-04 10:00", "2025-03-04 12:00", kind="arbeitskreis")
    assert run(a, replace(b, free=True)) == []
    assert run(a, replace(b, status="abgesagt")) == []
    holiday = ev("h", "2025-10-31 09:00", "2025-10-31 10:00", kind="fachtag")
    assert run(replace(holiday, free=True)) == []
    assert run(replace(holiday, status="abgesagt")) == []
    assert [f.rule for f in run(holiday)] == ["holiday"]


# -- travel ---------------------------------------------------------------------------


def test_back_to_back_at_different_places_needs_travel_time() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", kita="k1")
    b = ev("b", "2025-03-04 11:00", "2025-03-04 12:00", kita="k2")
    [f] = run(a, b)
    assert f.rule == "travel-buffer" and f.severity == "warning"
    assert f.events == ("a", "b") and f.coach == "c1"
    assert "Erfurt" in f.message and "Jena" in f.message and "0 Min." in f.message


def test_travel_buffer_boundaries() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", kita="k1")
    close = ev("b", "2025-03-04 11:29", "2025-03-04 12:00", kita="k2")
    enough = ev("b", "2025-03-04 11:30", "2025-03-04 12:00", kita="k2")
    assert [f.rule for f in run(a, close)] == ["travel-buffer"]
    assert run(a, enough) == []
    same_place = replace(close, kita="k1")
    assert run(a, same_place) == []
    by_location = replace(close, kita="k1", location="Weimar, Rathaus")
    assert [f.rule for f in run(a, by_location)] == ["travel-buffer"]


def test_travel_needs_both_places_known() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", kita="k1")
    private = ev("p", "2025-03-04 11:00", "2025-03-04 12:00", kind="sonstiges", kita=None)
    assert run(a, private) == []
    unknown_kita = replace(private, kind="begleitung", kita="k9")  # no address: its id
    assert [f.rule for f in run(a, unknown_kita)] == ["travel-buffer"]


def test_travel_setting_is_used() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00", kita="k1")
    b = ev("b", "2025-03-04 11:45", "2025-03-04 12:00", kita="k2")
    found = check([a, b], coaches=COACHES, kitas=KITAS, settings={"travel_minutes": 60},
                  today=TODAY)
    assert [f.rule for f in found] == ["travel-buffer"]
    assert "60 Min." in found[0].message


# -- day rules ------------------------------------------------------------------------


def test_weltkindertag_and_reformationstag_are_named() -> None:
    wkt = ev("w", "2025-09-20 10:00", "2025-09-20 12:00", kind="fachtag")
    ref = ev("r", "2025-10-31 10:00", "2025-10-31 12:00")
    found = run(wkt, ref)
    holiday = {f.events[0]: f for f in found if f.rule == "holiday"}
    assert "Weltkindertag (20.09.2025)" in holiday["w"].message
    assert "Reformationstag (31.10.2025)" in holiday["r"].message
    # 20.09.2025 is a Saturday as well
    assert [f.events for f in found if f.rule == "weekend"] == [("w",)]
    assert "Samstag, 20.09.2025" in next(f.message for f in found if f.rule == "weekend")


def test_no_holiday_on_a_normal_day() -> None:
    assert run(ev("a", "2025-10-30 10:00", "2025-10-30 12:00")) == []


def test_weekend_and_private_time() -> None:
    saturday = ev("s", "2025-03-08 10:00", "2025-03-08 12:00")
    [f] = run(saturday)
    assert f.rule == "weekend" and f.kita == "k1" and f.coach == "c1"
    private = replace(saturday, kind="sonstiges", kita=None)
    assert run(private) == []
    assert run(ev("m", "2025-03-10 10:00", "2025-03-10 12:00")) == []


def test_working_hours() -> None:
    early = ev("e", "2025-03-04 06:30", "2025-03-04 08:00")
    late = ev("l", "2025-03-05 18:00", "2025-03-05 19:30")
    exact = ev("x", "2025-03-06 07:00", "2025-03-06 19:00")
    found = run(early, late, exact)
    assert sorted(f.events[0] for f in found if f.rule == "working-hours") == ["e", "l"]
    assert "außerhalb der Arbeitszeit 07:00–19:00" in found[0].message
    private = replace(early, kind="sonstiges")
    assert run(private) == []


def test_multi_day_all_day_training_over_a_weekend() -> None:
    training = ev("t", "2025-03-07", "2025-03-10", kind="fortbildung", subtype="reflexion")
    [f] = run(training)
    assert f.rule == "weekend"
    assert "Samstag, 08.03.2025" in f.message and "Sonntag, 09.03.2025" in f.message
    assert (f.start, f.end) == ("2025-03-07", "2025-03-10")


# -- recurrence ---------------------------------------------------------------------------


def _weekly() -> Event:
    series = ev("ak", "2025-03-04 09:00", "2025-03-04 10:00", kind="arbeitskreis", kita=None,
                coaches=["c1", "c2"])
    return replace(
        series,
        rrule="FREQ=WEEKLY",
        exdates=[t("2025-03-11 09:00")],
        overrides={t("2025-03-18 09:00"): {"start": t("2025-03-18 14:00"),
                                           "end": t("2025-03-18 15:00")}},
    )


def test_recurring_with_exdate_and_override() -> None:
    series = _weekly()
    on_exdate = ev("x", "2025-03-11 09:00", "2025-03-11 10:00", kita=None)
    at_old_time = ev("o", "2025-03-18 09:00", "2025-03-18 10:00", kita=None)
    at_new_time = ev("n", "2025-03-18 14:30", "2025-03-18 15:30", kita=None)
    regular = ev("r", "2025-03-25 09:30", "2025-03-25 10:30", kita=None)
    found = run(series, on_exdate, at_old_time, at_new_time, regular, rule="coach-overlap",
                start=date(2025, 3, 1), end=date(2025, 4, 1))
    assert sorted({e for f in found for e in f.events} - {"ak"}) == ["n", "r"]
    assert {f.start[:10] for f in found} == {"2025-03-18", "2025-03-25"}


def test_unbounded_series_is_only_expanded_inside_the_window() -> None:
    found = run(_weekly(), rule="coach-overlap", start=date(2030, 1, 1), end=date(2030, 2, 1))
    assert found == []
    conflict = ev("c", "2030-01-08 09:00", "2030-01-08 09:30", kita=None)
    found = run(_weekly(), conflict, start=date(2030, 1, 1), end=date(2030, 2, 1))
    assert [(f.rule, f.start[:10]) for f in found] == [
        ("holiday", "2030-01-01"), ("coach-overlap", "2030-01-08")
    ]
    assert "Neujahr (01.01.2030)" in found[0].message


# -- windows and filters -------------------------------------------------------------------------


def test_window_and_filters() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    b = ev("b", "2025-03-04 10:00", "2025-03-04 12:00", coaches=["c2"], kita="k2")
    c = ev("c", "2025-03-04 10:30", "2025-03-04 12:30", coaches=["c2"], kita="k2")
    d = ev("d", "2025-04-08 10:00", "2025-04-08 11:00", coaches=["c1"])
    e = ev("e", "2025-04-08 10:30", "2025-04-08 11:30", coaches=["c1"], kita="k2")
    everything = run(a, b, c, d, e)
    march = run(a, b, c, d, e, start=date(2025, 3, 1), end=date(2025, 4, 1))
    assert {f.start[:7] for f in march} == {"2025-03"}
    assert set(march) < set(everything)
    only_c1 = run(a, b, c, d, e, coach="c1")
    assert only_c1 and all(f.coach == "c1" or f.events == ("d",) for f in only_c1)
    assert {f.id for f in only_c1} == {f.id for f in everything if "d" in f.events}
    only_k2 = run(a, b, c, d, e, kita="k2")
    assert {f.rule for f in only_k2} == {"kita-overlap", "coach-overlap"}
    assert all("b" in f.events or "e" in f.events for f in only_k2)
    assert run(a, b, c, d, e, start=date(2025, 3, 5), end=date(2025, 4, 8)) == []


def test_sorted_by_start_then_severity() -> None:
    a = ev("a", "2025-03-08 09:00", "2025-03-08 11:00")  # Saturday: weekend
    b = ev("b", "2025-03-08 09:00", "2025-03-08 10:00", kita="k2")
    found = run(a, b)
    assert [f.rule for f in found[:1]] == ["coach-overlap"]
    assert [f.start for f in found] == sorted(f.start for f in found)


# -- ids and acknowledgements -----------------------------------------------------------------


def test_ids_are_stable_and_change_when_an_event_moves() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    b = ev("b", "2025-03-04 10:00", "2025-03-04 12:00", kita="k2")
    first = [f.id for f in run(a, b)]
    again = [f.id for f in run(replace(a), replace(b))]
    assert first == again and all(i.startswith("f-") and len(i) == 14 for i in first)
    moved = replace(b, start=t("2025-03-04 10:15"))
    assert not set(first) & {f.id for f in run(a, moved)}


def test_to_dict_is_json() -> None:
    a = ev("a", "2025-03-08 09:00", "2025-03-08 11:00")
    data = json.loads(json.dumps([f.to_dict() for f in run(a)]))
    assert data[0]["rule"] == "weekend" and data[0]["events"] == ["a"]
    assert set(data[0]) == {"id", "rule", "severity", "events", "coach", "kita", "start",
                            "end", "message", "acknowledged"}


def _fill(store: Store, *events: Event) -> None:
    for coach in COACHES:
        store.add_coach(coach)
    for kita in KITAS:
        store.add_kita(kita)
    store.put_events(events)


def test_acknowledgement_flips_flag_and_exit_code(store: Store) -> None:
    _fill(store,
          ev("a", "2025-03-04 09:00", "2025-03-04 11:00"),
          ev("b", "2025-03-04 10:00", "2025-03-04 12:00", kita="k2"))
    found = check_store(store, today=TODAY)
    assert [f.acknowledged for f in found] == [False]
    assert summary_exit_code(found) == 1
    store.add_acks([Ack(finding=found[0].id, events=["a", "b"], reason="geklärt")])
    again = check_store(store, today=TODAY)
    assert [f.id for f in again] == [found[0].id]
    assert again[0].acknowledged and summary_exit_code(again) == 0
    # Moving one event is a new conflict: the old ack does not cover it.
    store.update_event(replace(store.event("b"), start=t("2025-03-04 10:30")))
    moved = check_store(store, today=TODAY)
    assert [f.acknowledged for f in moved] == [False] and summary_exit_code(moved) == 1


def test_exit_code_ignores_info_only() -> None:
    info = Finding("f-x", "budget", "info", (), None, None, "2025", "2026", "x", False)
    assert summary_exit_code([info]) == 0
    assert summary_exit_code([]) == 0


def test_store_window_check_matches_list_check(store: Store) -> None:
    events = [
        ev("a", "2025-03-31 18:00", "2025-03-31 20:00"),
        ev("b", "2025-03-31 19:00", "2025-03-31 21:00", kita="k2"),
        ev("c", "2025-04-01 08:00", "2025-04-01 09:00", kita="k2"),
        ev("d", "2025-02-27 08:00", "2025-02-27 09:00", kita="k2"),
        ev("e", "2025-02-27 08:30", "2025-02-27 09:00", coaches=["c2"], kita="k2"),
    ]
    _fill(store, *events)
    window = {"start": date(2025, 3, 1), "end": date(2025, 4, 1), "today": TODAY}
    from_store = check_store(store, **window)  # type: ignore[arg-type]
    from_list = run(*events, **window)
    assert [f.to_dict() for f in from_store] == [f.to_dict() for f in from_list]
    assert {f.rule for f in from_store} == {"coach-overlap", "working-hours"}
    assert not any("d" in f.events for f in from_store)


# -- candidates ---------------------------------------------------------------------------


def test_check_candidate_agrees_with_a_full_check(store: Store) -> None:
    base = [
        ev("a", "2025-03-04 09:00", "2025-03-04 11:00"),
        ev("b", "2025-03-04 13:00", "2025-03-04 14:00", kita="k1"),
        ev("c", "2025-03-04 09:30", "2025-03-04 11:00", coaches=["c2"], kita="k2"),
    ]
    _fill(store, *base)
    candidate = ev("new", "2025-03-04 10:30", "2025-03-04 12:45", kita="k2")
    predicted = check_candidate(candidate, store, today=TODAY)
    assert sorted(f.rule for f in predicted) == ["coach-overlap", "kita-overlap",
                                                 "travel-buffer"]
    store.add_event(candidate)
    actual = [f for f in check_store(store, today=TODAY) if "new" in f.events]
    assert [f.to_dict() for f in predicted] == [f.to_dict() for f in actual]


def test_check_candidate_replaces_the_stored_version(store: Store) -> None:
    _fill(store,
          ev("a", "2025-03-04 09:00", "2025-03-04 11:00"),
          ev("b", "2025-03-04 10:00", "2025-03-04 12:00", kita="k2"))
    saved = store.event("b")
    assert check_candidate(replace(saved, start=t("2025-03-04 11:30")), store,
                           today=TODAY) == []
    assert check_candidate(saved, store, today=TODAY)[0].rule == "coach-overlap"


def test_checker_from_lists_candidate() -> None:
    a = ev("a", "2025-03-04 09:00", "2025-03-04 11:00")
    checker = Checker([a], coaches=COACHES, kitas=KITAS, settings=Settings())
    cand = ev("n", "2025-03-04 10:00", "2025-03-04 10:30", kind="sonstiges", kita=None)
    assert [f.rule for f in checker.check_candidate(cand, today=TODAY)] == ["coach-overlap"]
    assert checker.check_candidate(replace(cand, free=True), today=TODAY) == []


PLACES = [None, "k1", "k2"]


@st.composite
def _events(draw: st.DrawFn) -> list[Event]:
    n = draw(st.integers(1, 7))
    out = []
    for i in range(n):
        start = draw(st.integers(6 * 4, 20 * 4)) * 15
        length = draw(st.integers(0, 16)) * 15
        day = draw(st.sampled_from(["2025-03-04", "2025-03-05", "2025-03-08"]))
        s = datetime.fromisoformat(day).replace(tzinfo=BERLIN).timestamp() + start * 60
        start_text = datetime.fromtimestamp(s, BERLIN).isoformat()
        end_text = datetime.fromtimestamp(s + length * 60, BERLIN).isoformat()
        out.append(Event(
            id=f"e{i}", kind=draw(st.sampled_from(["begleitung", "sonstiges", "fachtag"])),
            start=start_text, end=end_text, title=f"T{i}",
            coaches=draw(st.sampled_from([["c1"], ["c2"], ["c1", "c2"], []])),
            kita=draw(st.sampled_from(PLACES)), free=draw(st.booleans()) and i % 3 == 0,
        ))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_events(), st.randoms())
def test_property_candidate_equals_full_check_and_order_does_not_matter(
    events: list[Event], rnd: object
) -> None:
    full = run(*events)
    shuffled = list(events)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert [f.id for f in run(*shuffled)] == [f.id for f in full]
    event_rules = {"coach-overlap", "kita-overlap", "travel-buffer", "holiday", "weekend",
                   "working-hours"}
    candidate = events[-1]
    predicted = check_candidate(candidate, events[:-1], coaches=COACHES, kitas=KITAS,
                                settings=Settings(), today=TODAY)
    expected = [f for f in full if candidate.id in f.events and f.rule in event_rules]
    assert sorted(f.id for f in predicted if f.rule in event_rules) == sorted(
        f.id for f in expected
    )
    # Overlap findings are exactly the half-open overlapping blocking pairs per coach.
    for f in full:
        if f.rule == "coach-overlap":
            x, y = (next(e for e in events if e.id == i) for i in f.events)
            assert not (x.free or y.free)


@pytest.mark.parametrize("when", ["2025-03-04", "2025-10-26"])
def test_no_findings_without_events(when: str) -> None:
    assert run(start=date.fromisoformat(when), end=date.fromisoformat(when)) == []
