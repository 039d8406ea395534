"""Schema migration: a prototype (version 1) file, written by TinyDB's own JSONStorage,
opens as the current version with nothing lost; a version 2 file's amounts of money
(JSON numbers) become decimal text; a file from a newer thekiz is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from conftest import NOBODY, thekiz_as_nobody
from tinydb import TinyDB

from store import SCHEMA_VERSION, Coach, NewerSchema, Store
from thekiz_tui.planning.report import month_report
from thekiz_tui.planning.settings import Settings, set_setting

V1_COACHES = [
    {"id": "c-anna", "name": "Anna Beispiel", "email": "anna@example.org", "rate": 60.0},
    {"name": "Ben Ohne-Id", "rate": 55.0},
]
V1_KITAS = [
    {"id": "k-sonne", "name": "Kita Sonnenschein", "district": "Weimar", "stage": "basis",
     "coach": "c-anna"},
    {"name": "Kita Regenbogen", "district": "Gotha", "stage": "vertiefung"},
]


def v1_events() -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for i in range(40):
        month = 1 + i % 12
        events.append({
            "id": f"e-v1-{i}",
            "kind": "begleitung",
            "start": f"2024-{month:02d}-{1 + i % 28:02d}T09:00:00+01:00",
            "end": f"2024-{month:02d}-{1 + i % 28:02d}T11:00:00+01:00",
            "title": f"Begleitung {i} – Sonnenschein",
            "coach": "c-anna",  # v1: one coach under "coach"
            "kita": "k-sonne",
        })
    events.append({  # without an id of its own: keeps TinyDB's integer id as "e-<n>"
        "kind": "fachtag", "start": "2024-06-12", "end": "2024-06-13", "all_day": True,
        "title": "Fachtag ThEKiZ", "coaches": ["c-anna", "c-2"],
    })
    events.append({
        "id": "e-ak", "kind": "arbeitskreis", "start": "2024-02-06T14:00:00+01:00",
        "end": "2024-02-06T16:00:00+01:00", "rrule": "FREQ=MONTHLY;INTERVAL=3",
        "title": "Arbeitskreis ThEKiZ", "coaches": [],
    })
    events.append({
        "id": "e-ohne", "kind": "sonstiges", "start": "2024-03-01T08:00:00+01:00",
        "end": "2024-03-01T09:00:00+01:00", "title": "privat",
    })
    return events


def write_v1(path: Path) -> dict[str, dict[int, dict[str, object]]]:
    """A v1 file, exactly as the prototype wrote it: TinyDB with its default storage."""
    db = TinyDB(path)  # JSONStorage, integer ids
    written: dict[str, dict[int, dict[str, object]]] = {}
    for name, docs in (("coaches", V1_COACHES), ("kitas", V1_KITAS),
                       ("events", v1_events())):
        table = db.table(name)
        written[name] = {}
        for doc in docs:
            written[name][table.insert(doc)] = doc
    db.close()
    raw = orjson.loads(path.read_bytes())
    assert "meta" not in raw and set(raw["events"]) == {str(i) for i in range(1, 44)}
    return written


def test_v1_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    written = write_v1(path)

    store = Store.open(path)
    main = orjson.loads(path.read_bytes())
    assert main["meta"]["schema"]["version"] == SCHEMA_VERSION == 3
    assert "events" not in main
    assert not store.journal.exists()

    # ids kept: their own where they had one, TinyDB's integer id otherwise.
    assert {c.id for c in store.coaches()} == {"c-anna", "c-2"}
    assert store.coach("c-anna").email == "anna@example.org"
    assert store.coach("c-2").name == "Ben Ohne-Id"
    assert {k.id for k in store.kitas()} == {"k-sonne", "k-2"}
    assert store.kita("k-2").stage == "vertiefung"

    events = {e.id: e for e in store.events()}
    assert len(events) == len(written["events"]) == 43
    assert set(events) == {*(f"e-v1-{i}" for i in range(40)), "e-41", "e-ak", "e-ohne"}
    for i in range(40):
        event = events[f"e-v1-{i}"]
        source = written["events"][i + 1]
        assert (event.start, event.end, event.title, event.kita) == (
            source["start"], source["end"], source["title"], source["kita"]
        )
        assert event.coaches == ["c-anna"]
        assert event.uid == f"e-v1-{i}@thekiz"
    assert events["e-41"].all_day and events["e-41"].coaches == ["c-anna", "c-2"]
    assert events["e-ohne"].coaches == []
    assert events["e-ak"].rrule == "FREQ=MONTHLY;INTERVAL=3"

    # Events live in month files now (the series in the main file).
    months = sorted(p.name for p in store.events_dir.iterdir() if p.suffix == ".json")
    assert months == [f"2024-{m:02d}.json" for m in range(1, 13)]
    assert list(main["series"]) == ["e-ak"]
    in_files = set(main["series"])
    for name in months:
        in_files |= set(orjson.loads((store.events_dir / name).read_bytes())["events"])
    assert in_files == set(events)

    # A second open is a no-op and the migrated store works as usual.
    before = path.read_bytes()
    again = Store.open(path)
    assert path.read_bytes() == before
    again.update_event(again.event("e-v1-0"), expected_sequence=0)
    assert store.event("e-v1-0").sequence == 1


def test_two_processes_opening_a_v1_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_v1(path)
    one = Store(path)
    two = Store(path)
    one._prepare(create=True)
    two._prepare(create=True)
    assert len(one.events()) == len(two.events()) == 43


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    Store.open(path)
    data = orjson.loads(path.read_bytes())
    data["meta"]["schema"]["version"] = SCHEMA_VERSION + 1
    data["zukunft"] = {"x": {"neu": True}}
    path.write_bytes(orjson.dumps(data))
    before = path.read_bytes()
    with pytest.raises(NewerSchema) as info:
        Store.open(path)
    assert str(path) in str(info.value) and "aktualisieren" in str(info.value)
    assert path.read_bytes() == before


V2_STORE = Path(__file__).parent / "data" / "store-v2"  # written by thekiz at schema 2


def test_v2_amounts_become_decimal_text_once_and_read_the_same(tmp_path: Path) -> None:
    shutil.copytree(V2_STORE, tmp_path / "store")
    path = tmp_path / "store" / "plan.json"
    v2 = path.read_bytes()
    assert b'"rate":62.5' in v2 and b'"budget":1234.56' in v2

    store = Store.open(path)
    main = orjson.loads(path.read_bytes())
    assert main["meta"]["schema"]["version"] == 3
    assert {c["id"]: c["rate"] for c in main["coaches"].values()} == {
        "anna": "62.50", "bert": "58.10", "cora": "0.10"}
    assert {k["id"]: k["budget"] for k in main["kitas"].values()} == {
        "sonne": "2500.00", "mond": "1234.56", "stern": None}
    settings = {name: doc["value"] for name, doc in main["settings"].items()}
    assert settings == {"budget_basis": "5000.00", "budget_konsultation": "1500.50",
                        "recommended_hours_max": 4.5, "travel_minutes": 45}  # hours: no money
    # the version before stays beside it (the store's backup of each write), whole
    assert (tmp_path / "store" / "plan.json.bak").read_bytes() == v2
    assert not store.journal.exists()

    # read exactly as before: the rates in the report, the budgets, the settings
    assert store.coach("anna").rate == Decimal("62.50")
    report = month_report(store, 2027, 1, coach="anna")
    assert [(r.hours, r.fee) for r in report.rows] == [(Decimal("3.25"), Decimal("203.13"))]
    read = Settings.from_store(store.settings())
    assert read.budget_for("basis") == Decimal("5000.00")
    assert read.budget_for("konsultation") == Decimal("1500.50")

    # opening again changes nothing (the migration ran once), nor does a second process
    # that had read the old version before the first migrated it: the backup stays v2
    migrated = path.read_bytes()
    Store.open(path)
    late = Store(path)
    late._migrate()
    assert path.read_bytes() == migrated
    assert (tmp_path / "store" / "plan.json.bak").read_bytes() == v2
    # and what is written from now on is decimal text too, never a float again
    store.update_coach(Coach(id="bert", name="Bert Beispiel", rate=58.125),
                       expected_sequence=0)
    set_setting(store, "budget_vertiefung", "2.500")
    main = orjson.loads(path.read_bytes())
    assert main["coaches"]["bert"]["rate"] == "58.1250"  # (never three places: "2.500")
    assert main["settings"]["budget_vertiefung"]["value"] == "2500.00"
    assert Settings.from_store(store.settings()).budget_for("vertiefung") == Decimal("2500")
    assert store.coach("bert").rate == Decimal("58.125")


def test_odd_v2_amounts_migrate_without_a_traceback(tmp_path: Path) -> None:
    """A hand-edited schema 2 file: a rate far beyond the decimal module's 28 digits
    (1e308 stopped every thekiz command with decimal.InvalidOperation, the file left at
    version 2), a negative zero, a tiny amount, an amount already text: each is
    migrated to the exact decimal text it means, or, being no amount, kept as it is
    (refused where it is used, as text that is no number)."""
    shutil.copytree(V2_STORE, tmp_path / "store")
    path = tmp_path / "store" / "plan.json"
    data = orjson.loads(path.read_bytes())
    data["coaches"]["anna"]["rate"] = 1e308
    data["coaches"]["bert"]["rate"] = -0.0
    data["coaches"]["cora"]["rate"] = 2.5e-7
    data["kitas"]["sonne"]["budget"] = "2500.00"
    path.write_bytes(orjson.dumps(data))

    store = Store.open(path)
    main = orjson.loads(path.read_bytes())
    assert main["meta"]["schema"]["version"] == 3
    rates = {c["id"]: c["rate"] for c in main["coaches"].values()}
    assert rates == {"anna": 1e308, "bert": "0.00", "cora": "0.00000025"}
    assert main["kitas"]["sonne"]["budget"] == "2500.00"
    assert main["kitas"]["mond"]["budget"] == "1234.56"
    assert store.coach("cora").rate == Decimal("2.5e-7")


def test_a_v2_store_she_may_only_read_is_read_as_it_is(nobody_folder: Path) -> None:
    """A schema 2 store in a folder she may not write (a read-only copy, a mount): its
    migration cannot be written, and every command, even ``coach list``, stopped with
    "keine Schreibrechte". Now it is read as it is (the amounts as the numbers they
    are), a write is refused as for any read-only store, and nothing changes. (Run as
    another account: root may write anywhere.)"""
    folder = nobody_folder / "thekiz"  # (not "store": the cwd is on the import path)
    shutil.copytree(V2_STORE, folder)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, NOBODY, NOBODY)
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def thekiz(*args: str) -> subprocess.CompletedProcess[str]:
        return thekiz_as_nobody(folder / "plan.json", *args, THEKIZ_TODAY="2027-01-20")

    listed = thekiz("coach", "list")
    assert listed.returncode == 0, listed.stderr
    assert "62,50 €" in listed.stdout and "58,10 €" in listed.stdout
    report = thekiz("report", "--month", "2027-01", "--coach", "anna", "--format", "csv")
    assert report.returncode == 0, report.stderr
    assert "203,13" in report.stdout  # 3,25 h at 62,50 €, as after the migration
    refused = thekiz("coach", "edit", "anna", "--rate", "70")
    assert refused.returncode == 2 and "Schreibrechte" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
