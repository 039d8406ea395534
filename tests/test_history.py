"""Undo and redo in the planner: every change comes back as it was, whole series
included; a change from another process since is never overwritten; nothing is ever
half written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot

from store import AlreadyExists, ChangedElsewhere, Event, Store, new_id
from thekiz_tui.planning import edits
from thekiz_tui.planning.history import Change, History
from thekiz_tui.planning.occurrences import expand


def make(day: int = 4, **kw: Any) -> Event:
    values: dict[str, Any] = {
        "id": new_id("ev"),
        "kind": "begleitung",
        "start": f"2026-03-{day:02d}T09:30:00+01:00",
        "end": f"2026-03-{day:02d}T11:00:00+01:00",
        "title": "Begleitung",
        "coaches": ["c-anna"],
        "kita": "k-sonne",
    }
    values.update(kw)
    return Event(**values)


def content(event: Event) -> dict[str, Any]:
    """What a coach sees of an event: everything but the save time."""
    data = event.to_dict()
    del data["updated"]
    return data


def other(db_path: Path) -> Store:
    """The same store as another process would open it."""
    return Store.open(db_path)


@pytest.fixture
def history(store: Store) -> History:
    return History(store)


def test_create_undo_redo(store: Store, history: History) -> None:
    event = make()
    change = history.apply("Termin anlegen", [], [event])
    assert change.label == "Termin anlegen" and change.before == ()
    saved = change.after[0]
    assert saved.id == event.id and saved.uid == f"{event.id}@thekiz" and saved.created
    assert change.created == (saved,) and change.deleted == () and change.updated == ()
    assert content(store.event(event.id)) == content(saved)
    assert history.can_undo and not history.can_redo
    assert history.undo_label == "Termin anlegen" and history.redo_label is None

    undone = history.undo()
    assert undone is not None and undone.deleted == (saved,)
    assert store.events() == []
    assert not history.can_undo and history.redo_label == "Termin anlegen"

    redone = history.redo()
    assert redone is not None and redone.created[0].id == event.id
    assert content(store.event(event.id)) == content(saved)
    assert history.undo_label == "Termin anlegen" and not history.can_redo


def test_update_undo_redo(store: Store, history: History) -> None:
    saved = store.add_event(make())
    moved = edits.shift(replace(saved, title="Begleitung (verschoben)"), 7)
    change = history.apply("Termin ändern", [saved], [moved])
    assert change.updated[0].sequence == saved.sequence + 1
    assert store.event(saved.id).start == "2026-03-11T09:30:00+01:00"

    history.undo()
    back = store.event(saved.id)
    assert (back.title, back.start, back.end) == (saved.title, saved.start, saved.end)
    assert back.sequence > change.after[0].sequence  # calendars see a newer version
    assert back.created == saved.created

    history.redo()
    again = store.event(saved.id)
    assert (again.title, again.start) == ("Begleitung (verschoben)", moved.start)
    history.undo()
    history.redo()
    assert store.event(saved.id).title == "Begleitung (verschoben)"


def test_delete_comes_back_identical(store: Store, history: History) -> None:
    saved = store.add_event(make(notes="Raum 2", participants=["k-mond"]))
    history.apply("Termin löschen", [saved], [])
    assert store.events() == []
    history.undo()
    assert content(store.event(saved.id)) == content(saved)


def test_series_delete_comes_back_with_its_exceptions(store: Store, history: History) -> None:
    master = make(2, rrule="FREQ=WEEKLY;COUNT=6", title="Arbeitskreis")
    occ = [o.recurrence_id or "" for o in expand([master])]
    master = edits.delete_this(master, occ[1])
    master = edits.change_this(master, occ[3], replace(edits.occurrence(master, occ[3]),
                                                       title="Mit Eltern"))
    master = edits.move_occurrence(master, occ[4], 1)
    saved = store.add_event(master)
    shown = [(o.event.start, o.event.title) for o in expand(store.events())]

    history.apply("Serie löschen", [saved], [])
    assert store.events() == []
    history.undo()
    back = store.event(saved.id)
    assert content(back) == content(saved)
    assert back.uid == saved.uid and back.exdates == [occ[1]] and len(back.overrides) == 2
    assert [(o.event.start, o.event.title) for o in expand(store.events())] == shown
    history.redo()
    assert store.events() == []


def test_this_and_following_undo_takes_back_the_split(store: Store, history: History) -> None:
    master = store.add_event(make(2, rrule="FREQ=WEEKLY;COUNT=6", title="Arbeitskreis"))
    rid = [o.recurrence_id or "" for o in expand([master])][3]
    old, new = edits.change_following(
        master, rid, replace(edits.occurrence(master, rid), title="Neu")
    )
    assert new is not None
    change = history.apply("Serie ab hier ändern", [master], [old, new])
    assert {e.id for e in change.after} == {master.id, new.id}
    assert len(store.events()) == 2
    history.undo()
    assert [e.id for e in store.events()] == [master.id]
    assert store.event(master.id).rrule == "FREQ=WEEKLY;COUNT=6"
    history.redo()
    assert {e.title for e in store.events()} == {"Arbeitskreis", "Neu"}


def test_one_change_of_several_events_undoes_together(store: Store, history: History) -> None:
    a, b = store.add_event(make(4)), store.add_event(make(5))
    history.apply("Termine verschieben", [a, b], [edits.shift(a, 1), edits.shift(b, 1)])
    history.undo()
    assert sorted(e.start for e in store.events()) == [a.start, b.start]


def test_apply_refuses_a_stale_event_and_writes_nothing(
    store: Store, history: History, db_path: Path
) -> None:
    a, b = store.add_event(make(4)), store.add_event(make(5))
    other(db_path).update_event(replace(b, title="Anderswo geändert"))
    before = snapshot(db_path.parent)
    with pytest.raises(ChangedElsewhere) as caught:
        # a comes first and would be written, were the change not all or nothing
        history.apply("Termine verschieben", [a, b], [edits.shift(a, 1), edits.shift(b, 1)])
    assert caught.value.record_id == b.id
    assert snapshot(db_path.parent) == before
    assert not history.can_undo


def test_apply_refuses_an_event_deleted_elsewhere(
    store: Store, history: History, db_path: Path
) -> None:
    a = store.add_event(make(4))
    other(db_path).remove_event(a.id)
    with pytest.raises(ChangedElsewhere, match="gelöscht"):
        history.apply("Termin löschen", [a], [])


def test_apply_creating_an_existing_id_writes_nothing(
    store: Store, history: History, db_path: Path
) -> None:
    a, b = store.add_event(make(4)), store.add_event(make(5))
    before = snapshot(db_path.parent)
    with pytest.raises(AlreadyExists):
        # b is not among the events before: it would be created, but it exists.
        history.apply("Termine", [a], [replace(a, title="Neu"), make(6), replace(b, title="")])
    with pytest.raises(ValueError):
        history.apply("Termine", [], [make(6, id="ev-1"), make(7, id="ev-1")])
    assert snapshot(db_path.parent) == before


def test_undo_after_a_change_elsewhere_refuses(
    store: Store, history: History, db_path: Path
) -> None:
    saved = store.add_event(make())
    history.apply("Termin ändern", [saved], [replace(saved, title="Hier geändert")])
    current = other(db_path).event(saved.id)
    other(db_path).update_event(replace(current, title="Dort geändert"))
    before = snapshot(db_path.parent)
    with pytest.raises(ChangedElsewhere) as caught:
        history.undo()
    assert "Rückgängig machen nicht möglich" in str(caught.value)
    assert "„Hier geändert“" in str(caught.value)
    assert snapshot(db_path.parent) == before
    assert store.event(saved.id).title == "Dort geändert"
    assert history.can_undo and history.undo_label == "Termin ändern"
    assert not history.can_redo


def test_undo_of_a_create_deleted_elsewhere_refuses(
    store: Store, history: History, db_path: Path
) -> None:
    event = make()
    history.apply("Termin anlegen", [], [event])
    other(db_path).remove_event(event.id)
    with pytest.raises(ChangedElsewhere, match="anderswo gelöscht"):
        history.undo()
    assert history.can_undo


def test_undo_of_a_delete_when_the_id_is_back_elsewhere_refuses(
    store: Store, history: History, db_path: Path
) -> None:
    saved = store.add_event(make())
    history.apply("Termin löschen", [saved], [])
    other(db_path).add_event(replace(saved, title="Dort neu"))
    with pytest.raises(ChangedElsewhere, match="neu angelegt"):
        history.undo()
    assert store.event(saved.id).title == "Dort neu"
    assert history.can_undo


def test_redo_after_a_change_elsewhere_refuses(
    store: Store, history: History, db_path: Path
) -> None:
    saved = store.add_event(make())
    history.apply("Termin ändern", [saved], [replace(saved, title="Neu")])
    history.undo()
    current = other(db_path).event(saved.id)
    other(db_path).update_event(replace(current, notes="Dort ergänzt"))
    before = snapshot(db_path.parent)
    with pytest.raises(ChangedElsewhere, match="Wiederherstellen nicht möglich"):
        history.redo()
    assert snapshot(db_path.parent) == before
    assert history.redo_label == "Termin ändern" and not history.can_undo


def test_a_new_change_clears_redo_and_the_limit_holds(store: Store) -> None:
    history = History(store, limit=2)
    events = [make(day) for day in (2, 3, 4)]
    for event in events:
        history.apply(f"Anlegen {event.start[8:10]}", [], [event])
    assert history.undo() is not None and history.undo() is not None
    assert history.undo() is None  # the oldest fell off the stack
    assert [e.id for e in store.events()] == [events[0].id]
    assert history.redo_label == "Anlegen 03"
    history.apply("Noch einer", [], [make(9)])
    assert not history.can_redo and history.redo() is None
    assert history.undo_label == "Noch einer"


def test_changing_the_returned_or_given_events_does_not_touch_the_history(
    store: Store, history: History
) -> None:
    event = make()
    change: Change = history.apply("Termin anlegen", [], [event])
    event.coaches.append("c-ben")
    change.after[0].coaches.append("c-cem")
    history.undo()
    history.redo()
    assert store.event(event.id).coaches == ["c-anna"]
