"""The store: records, month partitions, concurrency between Store objects, atomic
batches, the journal, corrupt files and TinyDB's id pitfall."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import snapshot, temp_files

import store.storage as storage_mod
from store import (
    SCHEMA_VERSION,
    Ack,
    AlreadyExists,
    ChangedElsewhere,
    Coach,
    CorruptStore,
    Event,
    Kita,
    NotFound,
    Store,
    StoreWriteError,
    new_id,
)


def make_event(month: str = "2025-03", day: int = 4, **kw: object) -> Event:
    values: dict[str, object] = {
        "id": new_id("e"),
        "kind": "begleitung",
        "start": f"{month}-{day:02d}T09:30:00+01:00",
        "end": f"{month}-{day:02d}T11:00:00+01:00",
        "title": "Begleitung",
        "coaches": ["c-anna"],
        "kita": "k-sonne",
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


def month_file(db_path: Path, key: str) -> Path:
    return db_path.with_name(db_path.name + ".d") / f"{key}.json"


# -- records -----------------------------------------------------------------------------


def test_new_store_has_schema_and_is_empty(store: Store, db_path: Path) -> None:
    data = orjson.loads(db_path.read_bytes())
    assert data["meta"]["schema"]["version"] == SCHEMA_VERSION
    assert store.is_empty()
    assert store.events() == [] and store.coaches() == [] and store.kitas() == []


def test_open_without_create_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        Store.open(tmp_path / "nix.json", create=False)


def test_coach_crud(store: Store) -> None:
    saved = store.add_coach(Coach(id="c-anna", name="Anna Beispiel", rate=62.5))
    assert saved.sequence == 0 and saved.updated
    assert store.coach("c-anna").name == "Anna Beispiel"
    with pytest.raises(AlreadyExists):
        store.add_coach(Coach(id="c-anna", name="Doppelt"))

    changed = store.update_coach(dataclasses.replace(saved, email="anna@example.org"), 0)
    assert changed.sequence == 1
    assert store.coach("c-anna").email == "anna@example.org"
    with pytest.raises(ChangedElsewhere):
        store.update_coach(dataclasses.replace(saved, name="Alt"), 0)
    with pytest.raises(NotFound):
        store.update_coach(Coach(id="c-niemand", name="X"))

    store.remove_coach("c-anna")
    assert store.coaches() == []
    with pytest.raises(NotFound):
        store.coach("c-anna")
    with pytest.raises(NotFound):
        store.remove_coach("c-anna")


def test_kita_crud(store: Store) -> None:
    kita = Kita(id="k-sonne", name="Kita Sonnenschein", district="Weimarer Land",
                stage="basis", since="2024-08-01", coach="c-anna", budget=5000.0)
    store.add_kita(kita)
    assert store.kita("k-sonne") == dataclasses.replace(
        kita, updated=store.kita("k-sonne").updated
    )
    with pytest.raises(AlreadyExists):
        store.add_kita(kita)
    saved = store.update_kita(dataclasses.replace(kita, stage="vertiefung"), 0)
    assert saved.sequence == 1 and store.kita("k-sonne").stage == "vertiefung"
    with pytest.raises(ChangedElsewhere):
        store.update_kita(dataclasses.replace(kita, stage="konsultation"), 0)
    store.remove_kita("k-sonne")
    assert store.kitas() == []
    with pytest.raises(NotFound):
        store.remove_kita("k-sonne")


def test_settings_and_acks(store: Store) -> None:
    store.set_settings({"office_name": "Fach- und Forschungsstelle ThEKiZ", "buffer": 15})
    store.set_settings({"buffer": 20})
    assert store.settings() == {"office_name": "Fach- und Forschungsstelle ThEKiZ",
                                "buffer": 20}
    ack = Ack(finding="f-1", events=["e-1", "e-2"], reason="geklärt", by="c-anna")
    store.add_acks([ack])
    store.add_acks([dataclasses.replace(ack, reason="neu geklärt")])
    assert [a.reason for a in store.acks()] == ["neu geklärt"]
    store.remove_ack("f-1")
    assert store.acks() == []
    with pytest.raises(NotFound):
        store.remove_ack("f-1")


def test_event_crud_and_stable_ids(store: Store) -> None:
    event = make_event()
    saved = store.add_event(event)
    assert saved.id == event.id
    assert saved.uid == f"{event.id}@thekiz" and saved.created and saved.sequence == 0
    with pytest.raises(AlreadyExists):
        store.add_event(event)

    changed = store.update_event(dataclasses.replace(saved, title="Neu"), saved.sequence)
    assert changed.id == event.id and changed.uid == saved.uid
    assert changed.sequence == 1 and changed.created == saved.created
    assert store.event(event.id).title == "Neu"
    assert [e.id for e in store.events()] == [event.id]

    with pytest.raises(NotFound):
        store.update_event(make_event())
    removed = store.remove_event(event.id)
    assert removed.title == "Neu"
    assert store.events() == []
    with pytest.raises(NotFound):
        store.event(event.id)
    with pytest.raises(NotFound):
        store.remove_event(event.id)


def test_event_fields_survive_round_trip(db_path: Path, store: Store) -> None:
    event = make_event(
        kind="fortbildung", subtype="reflexion", coaches=["c-anna", "c-ben"],
        participants=["k-sonne", "k-mond"], location="Erfurt", notes="Raum 2 – „Eule“",
        status="bestaetigt", rrule="FREQ=MONTHLY;BYDAY=1TU", exdates=["2025-04-01"],
        overrides={"2025-05-06": {"title": "verlegt"}}, source="import",
    )
    store.add_event(event)
    again = Store.open(db_path).event(event.id)
    assert dataclasses.replace(again, created="", updated="", uid="") == dataclasses.replace(
        event, created="", updated="", uid=""
    )


def test_all_day_event(store: Store) -> None:
    event = make_event(start="2025-06-10", end="2025-06-12", all_day=True, kind="fachtag")
    store.add_event(event)
    assert store.event(event.id).all_day
    assert [e.id for e in store.events()] == [event.id]


def test_events_are_partitioned_by_month(store: Store, db_path: Path) -> None:
    march = store.add_event(make_event("2025-03"))
    april = store.add_event(make_event("2025-04"))
    series = store.add_event(make_event("2025-03", rrule="FREQ=WEEKLY"))
    long = store.add_event(make_event(start="2025-01-30", end="2025-04-02", all_day=True))
    assert store.partitions() == ["2025-03", "2025-04"]
    main = orjson.loads(db_path.read_bytes())
    assert set(main["series"]) == {series.id, long.id}
    assert set(orjson.loads(month_file(db_path, "2025-03").read_bytes())["events"]) == {
        march.id
    }
    # A range read gives at least the events of the range (series included).
    from datetime import date

    ids = {e.id for e in store.events(date(2025, 4, 1), date(2025, 5, 1))}
    assert {april.id, series.id, long.id} <= ids
    ids = {e.id for e in store.events(date(2026, 1, 1), date(2026, 2, 1))}
    assert ids == {series.id, long.id}


def test_event_moves_between_month_files(store: Store, db_path: Path) -> None:
    event = store.add_event(make_event("2025-03"))
    moved = store.update_event(
        dataclasses.replace(event, start="2025-05-20T09:00:00+02:00",
                            end="2025-05-20T10:00:00+02:00"),
        event.sequence,
    )
    march = orjson.loads(month_file(db_path, "2025-03").read_bytes())["events"]
    may = orjson.loads(month_file(db_path, "2025-05").read_bytes())["events"]
    assert event.id not in march and event.id in may
    assert [e.id for e in store.events()] == [event.id]

    # To the series table and back.
    recurring = store.update_event(
        dataclasses.replace(moved, rrule="FREQ=MONTHLY"), moved.sequence
    )
    assert event.id not in orjson.loads(month_file(db_path, "2025-05").read_bytes())["events"]
    assert event.id in orjson.loads(db_path.read_bytes())["series"]
    back = store.update_event(dataclasses.replace(recurring, rrule=None), recurring.sequence)
    assert event.id not in orjson.loads(db_path.read_bytes())["series"]
    assert event.id in orjson.loads(month_file(db_path, "2025-05").read_bytes())["events"]

    # Another Store (another process) finds it where it is now.
    other = Store.open(db_path)
    assert other.event(event.id).sequence == back.sequence == 3
    assert len(other.events()) == 1


# -- two Store objects, as two processes -------------------------------------------------


def test_second_store_sees_changes(db_path: Path) -> None:
    one = Store.open(db_path)
    two = Store.open(db_path)
    assert two.events() == []  # fill its caches first
    event = one.add_event(make_event())
    one.add_coach(Coach(id="c-anna", name="Anna"))
    one.add_kita(Kita(id="k-sonne", name="Sonnenschein"))
    assert [e.id for e in two.events()] == [event.id]
    assert [c.id for c in two.coaches()] == ["c-anna"]
    assert [k.id for k in two.kitas()] == ["k-sonne"]

    one.update_event(dataclasses.replace(event, title="geändert"), event.sequence)
    assert two.event(event.id).title == "geändert"
    one.update_event(
        dataclasses.replace(one.event(event.id), start="2025-08-01T09:00:00+02:00",
                            end="2025-08-01T10:00:00+02:00"),
    )
    assert two.event(event.id).start.startswith("2025-08-01")
    assert len(two.events()) == 1
    one.remove_event(event.id)
    assert two.events() == []
    with pytest.raises(NotFound):
        two.event(event.id)


def test_changed_elsewhere_on_stale_sequence(db_path: Path) -> None:
    one = Store.open(db_path)
    two = Store.open(db_path)
    event = one.add_event(make_event())
    seen_by_two = two.event(event.id)
    one.update_event(dataclasses.replace(event, title="eins"), event.sequence)
    with pytest.raises(ChangedElsewhere) as info:
        two.update_event(dataclasses.replace(seen_by_two, title="zwei"), seen_by_two.sequence)
    assert info.value.expected == 0 and info.value.found == 1
    assert "anderswo geändert" in str(info.value)
    with pytest.raises(ChangedElsewhere):
        two.remove_event(event.id, expected_sequence=0)
    assert one.event(event.id).title == "eins"
    # With the fresh sequence it works.
    two.update_event(dataclasses.replace(two.event(event.id), title="zwei"), 1)
    assert one.event(event.id).title == "zwei"


def test_changed_elsewhere_when_deleted_elsewhere(db_path: Path) -> None:
    one = Store.open(db_path)
    two = Store.open(db_path)
    event = one.add_event(make_event())
    seen_by_two = two.event(event.id)
    one.remove_event(event.id)
    with pytest.raises(ChangedElsewhere) as info:
        two.update_event(dataclasses.replace(seen_by_two, title="zwei"), seen_by_two.sequence)
    assert info.value.found is None
    assert "gelöscht" in str(info.value)
    assert one.events() == [] and two.events() == []


def test_two_stores_inserting_alternately(db_path: Path) -> None:
    """TinyDB caches its next integer id per table: two TinyDB objects inserting in turn
    then raise "Document with ID N already exists". Our ids are chosen, never counted."""
    one = Store.open(db_path)
    two = Store.open(db_path)
    ids = []
    for i in range(30):
        writer = one if i % 2 == 0 else two
        ids.append(writer.add_event(make_event(day=1 + i % 28)).id)
        writer.add_coach(Coach(id=f"c-{i}", name=f"Coach {i}"))
        writer.add_kita(Kita(id=f"k-{i}", name=f"Kita {i}"))
        writer.add_acks([Ack(finding=f"f-{i}")])
    for reader in (one, two, Store.open(db_path)):
        assert sorted(e.id for e in reader.events()) == sorted(ids)
        assert len(reader.coaches()) == 30 and len(reader.kitas()) == 30
        assert len(reader.acks()) == 30


def test_caller_cannot_change_the_cache(store: Store) -> None:
    event = store.add_event(make_event(coaches=["c-anna"]))
    copy = store.event(event.id)
    copy.coaches.append("c-ben")
    copy.title = "nur lokal"
    assert store.event(event.id).coaches == ["c-anna"]
    assert store.event(event.id).title == event.title


# -- batches and the journal -------------------------------------------------------------


def test_put_events_adds_and_replaces(store: Store, db_path: Path) -> None:
    first = store.add_event(make_event("2025-03"))
    batch = [dataclasses.replace(first, start="2025-07-01T09:00:00+02:00",
                                 end="2025-07-01T10:00:00+02:00")]
    batch += [make_event(f"2025-{m:02d}") for m in range(1, 13)]
    saved = store.put_events(batch)
    assert len(saved) == 13
    other = Store.open(db_path)
    assert len(other.events()) == 13
    assert other.event(first.id).start.startswith("2025-07-01")
    assert other.event(first.id).sequence == 1
    assert first.id not in orjson.loads(month_file(db_path, "2025-03").read_bytes())["events"]


def test_put_events_is_all_or_nothing(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_coach(Coach(id="c-anna", name="Anna"))
    store.put_events([make_event(f"2025-{m:02d}") for m in range(1, 7)])
    before = snapshot(db_path.parent)
    before_ids = sorted(e.id for e in store.events())

    real_write_tmp = storage_mod.write_tmp
    calls = []

    def failing_write_tmp(path: Path, payload: bytes) -> Path:
        calls.append(path)
        if len(calls) == 3:  # the third file of the commit
            raise StoreWriteError(path, OSError(28, "No space left on device"))
        return real_write_tmp(path, payload)

    monkeypatch.setattr(storage_mod, "write_tmp", failing_write_tmp)
    batch = [make_event(f"2025-{m:02d}") for m in range(1, 13)]
    batch.append(dataclasses.replace(store.events()[0], title="geändert"))
    with pytest.raises(StoreWriteError):
        store.put_events(batch)
    assert len(calls) == 3

    assert snapshot(db_path.parent) == before, "a failed batch changed files on disk"
    assert temp_files(db_path.parent) == []
    assert not store.journal.exists()
    assert sorted(e.id for e in store.events()) == before_ids
    assert sorted(e.id for e in Store.open(db_path).events()) == before_ids

    monkeypatch.setattr(storage_mod, "write_tmp", real_write_tmp)
    store.put_events(batch)
    assert len(Store.open(db_path).events()) == 6 + 12


def test_failed_single_write_keeps_store_usable(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = store.add_event(make_event())
    before = snapshot(db_path.parent)

    def broken(path: Path, payload: bytes) -> Path:
        raise StoreWriteError(path, OSError(28, "No space left on device"))

    monkeypatch.setattr(storage_mod, "write_tmp", broken)
    with pytest.raises(StoreWriteError):
        store.add_event(make_event())
    with pytest.raises(StoreWriteError):
        store.update_event(dataclasses.replace(kept, title="nie"), kept.sequence)
    assert snapshot(db_path.parent) == before
    # The failed writes left nothing behind in this object's cache.
    assert [e.id for e in store.events()] == [kept.id]
    assert store.event(kept.id).title == kept.title


class Crash(BaseException):
    """Stands for the process dying."""


def crash_after_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(journal: Path) -> bool:
        assert journal.exists()
        raise Crash

    # Only the commit's own roll-forward; Store.open uses store.store.roll_forward.
    monkeypatch.setattr(storage_mod, "roll_forward", die)


def test_journal_rolls_forward_on_next_open(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = store.add_event(make_event("2025-03"))
    before = snapshot(db_path.parent)
    crash_after_journal(monkeypatch)
    moved = dataclasses.replace(old, start="2025-09-02T09:00:00+02:00",
                                end="2025-09-02T10:00:00+02:00")
    new = [make_event("2025-10"), make_event("2025-03", rrule="FREQ=WEEKLY")]
    with pytest.raises(Crash):
        store.put_events([moved, *new])
    monkeypatch.undo()

    journal = db_path.with_name(db_path.name + ".journal")
    assert journal.exists()
    plan = orjson.loads(journal.read_bytes())["renames"]
    assert len(plan) >= 3  # main (series), March, September, October
    # Nothing renamed yet: the visible files are the old ones.
    after_crash = snapshot(db_path.parent)
    assert {k: v for k, v in after_crash.items() if k in before} == before

    reopened = Store.open(db_path)
    assert not journal.exists()
    assert temp_files(db_path.parent) == []
    assert sorted(e.id for e in reopened.events()) == sorted([old.id, *(e.id for e in new)])
    assert reopened.event(old.id).start.startswith("2025-09-02")
    assert old.id not in orjson.loads(month_file(db_path, "2025-03").read_bytes())["events"]


def test_journal_rolls_forward_on_read_by_open_store(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Store.open(db_path)
    reader = Store.open(db_path)
    assert reader.events() == []
    crash_after_journal(monkeypatch)
    with pytest.raises(Crash):
        writer.put_events([make_event("2025-01"), make_event("2025-02")])
    monkeypatch.undo()
    assert len(reader.events()) == 2
    assert not writer.journal.exists()


def test_journal_partly_rolled_forward(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash in the middle of the renames: the rest is done on the next open."""
    crash_after_journal(monkeypatch)
    events = [make_event(f"2025-{m:02d}") for m in (1, 2, 3)]
    with pytest.raises(Crash):
        store.put_events(events)
    monkeypatch.undo()
    plan = orjson.loads(store.journal.read_bytes())["renames"]
    tmp, path = plan[0]
    storage_mod.install(Path(tmp), Path(path))  # the first rename happened
    assert sorted(e.id for e in Store.open(db_path).events()) == sorted(e.id for e in events)
    assert not store.journal.exists()


def test_corrupt_journal_is_reported(store: Store, db_path: Path) -> None:
    store.journal.write_bytes(b"{nicht json")
    with pytest.raises(CorruptStore) as info:
        Store.open(db_path)
    assert str(store.journal) in str(info.value)


# -- corrupt files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage", [b"", b"{\"coaches\": {\"c-1\": {\"name\": \"An", b"[1, 2, 3]", b"\x00" * 64]
)
def test_corrupt_main_file(db_path: Path, garbage: bytes) -> None:
    store = Store.open(db_path)
    store.add_coach(Coach(id="c-anna", name="Anna"))
    store.add_coach(Coach(id="c-ben", name="Ben"))
    good = db_path.read_bytes()
    db_path.write_bytes(garbage)

    with pytest.raises(CorruptStore) as info:
        Store.open(db_path)
    message = str(info.value)
    assert str(db_path) in message and "beschädigt" in message
    assert str(db_path) + ".bak" in message
    with pytest.raises(CorruptStore):
        store.add_coach(Coach(id="c-carla", name="Carla"))
    with pytest.raises(CorruptStore):
        store.coaches()
    assert db_path.read_bytes() == garbage, "a corrupt file must never be overwritten"

    backup = db_path.with_name(db_path.name + ".bak")
    last_good = orjson.loads(backup.read_bytes())
    assert set(last_good["coaches"]) == {"c-anna"}  # the version before the last write
    # Restoring the backup gives a working store.
    backup_copy = backup.read_bytes()
    db_path.write_bytes(backup_copy)
    assert [c.id for c in Store.open(db_path).coaches()] == ["c-anna"]
    assert good != garbage


def test_corrupt_month_file(db_path: Path) -> None:
    store = Store.open(db_path)
    first = store.add_event(make_event("2025-03", day=3))
    store.add_event(make_event("2025-03", day=4))
    path = month_file(db_path, "2025-03")
    garbage = path.read_bytes()[:-7]  # a torn write
    path.write_bytes(garbage)

    other = Store.open(db_path)  # opening reads the main file only
    with pytest.raises(CorruptStore) as info:
        other.events()
    assert str(path) in str(info.value)
    with pytest.raises(CorruptStore):
        other.add_event(make_event("2025-03", day=5))
    with pytest.raises(CorruptStore):
        store.events()
    assert path.read_bytes() == garbage
    backup = orjson.loads(path.with_name(path.name + ".bak").read_bytes())
    assert list(backup["events"]) == [first.id]
    # Months that do not need the broken file are still readable.
    from datetime import date

    assert other.events(date(2025, 6, 1), date(2025, 7, 1)) == []


def test_files_are_plain_readable_json(store: Store, db_path: Path) -> None:
    store.add_event(make_event(title="Begleitung „Sonnenschein“"))
    text = month_file(db_path, "2025-03").read_text(encoding="utf-8")
    doc = json.loads(text)
    (event,) = doc["events"].values()
    assert event["title"] == "Begleitung „Sonnenschein“"
    assert event["start"] == "2025-03-04T09:30:00+01:00"


def test_stale_temporary_files_are_swept(db_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    store = Store.open(db_path)
    store.add_event(make_event())
    folder = db_path.with_name(db_path.name + ".d")
    stale = [db_path.parent / f".plan.json.{dead}.tmp", folder / f".2025-03.json.{dead}.tmp",
             folder / f".2025-03.json.{dead}.baktmp"]
    alive = db_path.parent / f".plan.json.{os.getppid()}.tmp"  # a running process
    for path in [*stale, alive]:
        path.write_bytes(b"{}")
    Store.open(db_path).add_event(make_event())
    assert not any(p.exists() for p in stale)
    assert alive.exists()


def test_install_twice_leaves_no_temporary_link(tmp_path: Path) -> None:
    """A crash after the backup link but before the final rename: the roll-forward
    installs again while ``.bak`` already is the current file."""
    path = tmp_path / "x.json"
    path.write_bytes(b"{}")
    os.link(path, storage_mod.backup_path(path))  # .bak is the same file
    tmp = storage_mod.write_tmp(path, b'{"a": {}}')
    storage_mod.install(tmp, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json", "x.json.bak"]
    assert path.read_bytes() == b'{"a": {}}' and storage_mod.backup_path(path).read_bytes() == b"{}"


def test_adding_an_event_parses_no_month_file_that_cannot_hold_its_id(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counting work: an add to a store of many months reads their bytes, but parses
    # (the costly part at 50,000 events) only a file that holds the id.
    store = Store.open(db_path)
    store.put_events([
        Event(id=f"e{m}", kind="sonstiges", start=f"2026-{m:02d}-03T09:00:00+01:00",
              end=f"2026-{m:02d}-03T10:00:00+01:00") for m in range(1, 13)
    ])
    fresh = Store.open(db_path)
    parsed: list[str] = []
    original = Store._parse

    def counting(self: Store, key: str) -> Any:
        parsed.append(key)
        return original(self, key)

    monkeypatch.setattr(Store, "_parse", counting)
    fresh.add_event(Event(id="new", kind="sonstiges", start="2026-05-04T09:00:00+02:00",
                          end="2026-05-04T10:00:00+02:00"))
    assert [k for k in parsed if k != "series"] == []
    with pytest.raises(AlreadyExists):
        fresh.add_event(Event(id="e7", kind="sonstiges", start="2026-05-04T09:00:00+02:00",
                              end="2026-05-04T10:00:00+02:00"))
    assert "2026-07" in parsed


def test_coaches_and_kitas_are_parsed_once_per_version_of_the_file(db_path: Path) -> None:
    """The event form's live check reads every Kita on each keystroke: an unchanged
    file hands out the records parsed before; a change by another process, a staged
    change inside a transaction and a rolled-back one are all seen."""
    one, two = Store.open(db_path), Store.open(db_path)
    one.add_coach(Coach(id="c-anna", name="Anna"))
    one.add_kita(Kita(id="k-sonne", name="Sonnenschein"))
    first = two.kitas()
    assert two.kitas()[0] is first[0] and two.coaches()[0] is two.coaches()[0]
    assert two.kitas() is not first  # a list of her own to sort or filter

    one.update_kita(dataclasses.replace(one.kita("k-sonne"), name="Sonne"))
    assert [k.name for k in two.kitas()] == ["Sonne"]
    one.update_coach(dataclasses.replace(one.coach("c-anna"), name="Anna B."))
    assert [c.name for c in two.coaches()] == ["Anna B."]

    with pytest.raises(RuntimeError), two.transaction():
        two.update_kita(dataclasses.replace(two.kita("k-sonne"), name="Mond"))
        assert [k.name for k in two.kitas()] == ["Mond"]
        raise RuntimeError("abgebrochen")
    assert [k.name for k in two.kitas()] == ["Sonne"]
    with two.transaction():
        two.update_kita(dataclasses.replace(two.kita("k-sonne"), name="Mond"))
    assert [k.name for k in two.kitas()] == ["Mond"] == [k.name for k in one.kitas()]


def test_a_read_does_not_import_the_file_lock(db_path: Path) -> None:
    """The planner's first month is read in a child process while Textual is imported;
    filelock (with logging) would add about 10 ms to that read, which never locks."""
    writer = Store.open(db_path)
    writer.add_kita(Kita(id="k-sonne", name="Sonnenschein"))
    writer.add_event(make_event())
    code = (
        "import sys; from store import Store; s = Store.open(sys.argv[1], create=False); "
        "assert s.kitas() and s.events(); print('filelock' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_an_id_in_a_month_file_another_tool_wrote_escaped_is_found(db_path: Path) -> None:
    """A month file rewritten by another tool with every non-ASCII character escaped
    (``python -m json.tool`` writes "besuch-m\\u00fcller"): the event of a non-ASCII id
    is still found, and its id is not given to a second event (the look at the bytes
    for the id sent that file away: NotFound, and an add stored the id twice)."""
    store = Store.open(db_path)
    store.add_event(make_event(id="besuch-müller", title="Erster"))
    path = month_file(db_path, "2025-03")
    path.write_text(json.dumps(json.loads(path.read_bytes()), ensure_ascii=True),
                    encoding="ascii")
    assert b"\\u00fc" in path.read_bytes()
    fresh = Store.open(db_path)
    assert fresh.event("besuch-müller").title == "Erster"
    with pytest.raises(AlreadyExists):
        Store.open(db_path).add_event(make_event(month="2025-04", id="besuch-müller"))
    assert [e.title for e in Store.open(db_path).events()] == ["Erster"]
