"""The real ``thekiz`` command in subprocesses against a real store in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2026-03-16"  # a Monday; THEKIZ_TODAY fixes "today" for the demo and list


def thekiz(db: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": TODAY, "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=60,
    )


def ok(db: Path, *args: str) -> str:
    result = thekiz(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def bad(db: Path, *args: str) -> str:
    """Exit 2, one German line on stderr, no traceback; returns that line."""
    result = thekiz(db, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    assert ok(path, "coach", "add", "--id", "jana", "--name", "Jana Lindner",
              "--email", "jana@example.org", "--rate", "62,50").strip() == "jana"
    assert ok(path, "kita", "add", "--id", "sonne", "--name", "Kita Sonnenblume",
              "--district", "Gera", "--stage", "basis", "--since", "1.3.2025",
              "--coach", "jana", "--budget", "5000").strip() == "sonne"
    return path


def events(db: Path, *args: str) -> list[dict]:
    return json.loads(ok(db, "list", "--format", "json", *args))


def test_a_day_without_a_year_is_never_before_this_month(db: Path) -> None:
    # Today is 16 March 2026: "20.1." is next January, "1.3." this month's first.
    later = ok(db, "add", "--kind", "begleitung", "--start", "20.1. 9:30", "--end", "11:00",
               "--coach", "jana", "--kita", "sonne").splitlines()[0]
    early = ok(db, "add", "--kind", "begleitung", "--start", "1.3. 9:30", "--end", "11:00",
               "--coach", "jana", "--kita", "sonne").splitlines()[0]
    starts = {e["id"]: e["start"][:10] for e in events(db, "--from", "1.3.", "--to", "31.1.")}
    assert starts == {later: "2027-01-20", early: "2026-03-01"}


def test_add_edit_remove_list_round_trip(db: Path) -> None:
    new_id = ok(db, "add", "--kind", "begleitung", "--start", "4.3.2025 9:30",
                "--end", "11:00", "--coach", "jana", "--kita", "sonne",
                "--title", "Teamsitzung").strip()
    assert new_id and "\n" not in new_id
    [event] = events(db, "--from", "2025-03-01", "--to", "31.03.2025")
    assert event["id"] == new_id
    assert event["start"] == "2025-03-04T09:30:00+01:00"
    assert event["end"] == "2025-03-04T11:00:00+01:00"
    for name in ("kind", "title", "all_day", "coaches", "kita", "location", "status",
                 "subtype", "free", "notes", "series", "recurrence_id", "sequence", "uid"):
        assert name in event
    assert event["coaches"] == ["jana"] and event["kita"] == "sonne"
    assert event["all_day"] is False and event["series"] is None

    # Summer time gets the +02:00 offset; a moved event keeps its duration.
    ok(db, "edit", new_id, "--start", "2025-04-01 10:00", "--title", "Neu")
    [event] = events(db, "--from", "1.4.2025", "--to", "1.4.2025")
    assert (event["start"], event["end"]) == (
        "2025-04-01T10:00:00+02:00", "2025-04-01T11:30:00+02:00")
    assert event["title"] == "Neu" and event["sequence"] == 1

    table = ok(db, "list", "--from", "1.4.2025", "--to", "30.4.2025")
    assert "01.04.2025" in table and "10:00" in table and "Di" in table
    assert "Kita Sonnenblume" in table and "Jana Lindner" in table

    ok(db, "remove", new_id)
    assert events(db, "--from", "1.4.2025", "--to", "30.4.2025") == []
    assert "Termin" in bad(db, "remove", new_id)


def test_all_day_end_is_inclusive_and_recurring_occurrences(db: Path) -> None:
    one = ok(db, "add", "--kind", "fachtag", "--all-day", "--start", "5.3.2025").strip()
    three = ok(db, "add", "--kind", "fortbildung", "--subtype", "fachkraft", "--all-day",
               "--start", "2025-03-10", "--end", "12.03.2025").strip()
    series = ok(db, "add", "--kind", "arbeitskreis", "--start", "2025-03-12 13:00",
                "--end", "16:00", "--rrule", "FREQ=WEEKLY;COUNT=4", "--coach", "jana").strip()
    found = {e["id"]: e for e in events(db, "--from", "1.3.2025", "--to", "31.3.2025")
             if e["id"] != series}
    assert (found[one]["start"], found[one]["end"]) == ("2025-03-05", "2025-03-06")
    assert (found[three]["start"], found[three]["end"]) == ("2025-03-10", "2025-03-13")
    assert found[three]["all_day"] is True
    occurrences = [e for e in events(db, "--from", "1.3.2025", "--to", "31.3.2025")
                   if e["id"] == series]
    assert [o["start"] for o in occurrences] == [
        "2025-03-12T13:00:00+01:00", "2025-03-19T13:00:00+01:00",
        "2025-03-26T13:00:00+01:00"]
    assert all(o["series"] == series and o["recurrence_id"] for o in occurrences)
    # The fourth occurrence is in April, after the DST change: still 13:00 local.
    [april] = [e for e in events(db, "--from", "1.4.2025", "--to", "30.4.2025")
               if e["id"] == series]
    assert april["start"] == "2025-04-02T13:00:00+02:00"


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--kind", "begleitung", "--start", "32.3.2025 9:30", "--end", "10:00"), "32.3.2025"),
        (("--kind", "party", "--start", "3.3.2025 9:30", "--end", "10:00"), "Art"),
        (("--kind", "begleitung", "--start", "3.3.2025 9:30", "--end", "10:00",
          "--coach", "niemand"), "niemand"),
        (("--kind", "begleitung", "--start", "3.3.2025 9:30", "--end", "9:00"), "Ende"),
        (("--kind", "begleitung", "--start", "3.3.2025 9:30", "--end", "10:00",
          "--rrule", "FREQ=SOMETIMES"), "Wiederholungsregel"),
    ],
)
def test_bad_input_exits_2_with_one_german_line(db: Path, args: tuple[str, ...],
                                                 word: str) -> None:
    before = db.read_bytes()
    assert word in bad(db, "add", *args)
    assert db.read_bytes() == before


def test_corrupt_store_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"{ this is not json")
    line = bad(path, "list")
    assert str(path) in line and "beschädigt" in line
    assert path.read_bytes() == b"{ this is not json"
    bad(path, "add", "--kind", "fachtag", "--all-day", "--start", "5.3.2025")
    assert path.read_bytes() == b"{ this is not json"


def test_demo_conflicts_ack_report_and_import_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    ok(path, "demo")
    assert "Daten" in bad(path, "demo")  # refuses a non-empty store

    result = thekiz(path, "conflicts")
    assert result.returncode == 1, result.stderr
    assert "Doppelbuchung" in result.stdout
    # without a range: this year and everything ahead, and it says so
    assert result.stdout.rstrip().endswith(
        "Geprüft ab 01.01.2026: dieses Jahr und alles danach (--from/--to für einen anderen "
        "Zeitraum).")
    earlier = thekiz(path, "conflicts", "--from", "1.1.2020", "--to", "31.12.2025",
                     "--format", "json")
    assert all(f["start"][:4] < "2026" for f in json.loads(earlier.stdout))
    findings = json.loads(thekiz(path, "conflicts", "--format", "json").stdout)
    assert {f["rule"] for f in findings} >= {"coach-overlap", "budget", "cadence-gap"}

    # One finding by its id, the rest through their events.
    first = findings[0]
    assert first["id"] in ok(path, "ack", first["id"], "--reason", "geklärt")
    event_ids = sorted({e.split("/")[0] for f in findings[1:] for e in f["events"]})
    without_events = [f["id"] for f in findings[1:] if not f["events"]]  # cadence gaps
    out = ok(path, "ack", *event_ids, *without_events)
    assert all(f["id"] in out for f in findings[1:])
    result = thekiz(path, "conflicts", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert all(f["acknowledged"] for f in json.loads(result.stdout))

    table = ok(path, "report", "--month", "2026-03")
    assert "Summe" in table
    rows = json.loads(ok(path, "report", "--month", "2026-03", "--format", "json"))
    assert rows and "hours" in rows[0] and "fee" in rows[0]
    raw = thekiz(path, "report", "--month", "2026-03", "--format", "csv").stdout
    assert raw.startswith("\ufeff") and ";" in raw.splitlines()[0]
    assert "Honorar" in raw.splitlines()[0]

    ics = tmp_path / "plan.ics"
    ok(path, "export", "-o", str(ics))
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    other = tmp_path / "other.json"
    ok(other, "coach", "add", "--id", "x", "--name", "X")
    snapshot = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("other")}
    refused = thekiz(other, "import", str(ics), "--dry-run")
    assert refused.returncode == 2 and "Probelauf" in refused.stdout
    assert "Kita „k-" in refused.stderr and "weitere" in refused.stderr
    assert "--map-kita" in refused.stderr
    out = ok(other, "import", str(ics), "--dry-run", "--create-missing")
    assert "Probelauf" in out and "neu:" in out
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("other")}
    assert after == snapshot


def test_list_without_range_is_the_current_month_and_no_heavy_imports(db: Path) -> None:
    ok(db, "add", "--kind", "fachtag", "--all-day", "--start", "20.3.2026")
    ok(db, "add", "--kind", "fachtag", "--all-day", "--start", "20.4.2026")
    assert [e["start"] for e in events(db)] == ["2026-03-20"]
    code = (
        "import sys, runpy; sys.argv=['thekiz','--db',sys.argv[1],'list'];\n"
        "try:\n runpy.run_module('thekiz_tui', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy=[m for m in sys.modules if m.split('.')[0] in "
        "('textual','icalendar','holidays')]\n"
        "sys.stderr.write(repr(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True,
                            text=True, timeout=60)
    assert result.stderr.endswith("[]"), result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("travel_minutes", "abc"), ("timezone", "Mars/Olympus"), ("budget_basis", "viel"),
    ("work_start", "x"), ("work_days", "abc"), ("budget_konsultation", -1),
])
def test_a_hand_edited_setting_of_the_wrong_kind_is_named_not_a_crash(
    tmp_path: Path, name: str, value: object
) -> None:
    """A store edited by hand (or by an older tool) with a setting of the wrong kind: every
    command that checks says which setting to repair, instead of a traceback."""
    from store import Store

    db = tmp_path / "plan.json"
    ok(db, "demo")
    Store.open(db).set_settings({name: value})
    line = bad(db, "conflicts")
    assert f"„{name}“" in line and "settings set" in line
    listed = [row for row in ok(db, "settings", "list").splitlines() if row.startswith(name)]
    assert "ungültig" in listed[0]  # the settings still show, to be repaired
    good = {"timezone": "Europe/Berlin", "work_start": "07:00", "work_days": "0,1,2,3,4"}
    ok(db, "settings", "set", name, good.get(name, "30"))
    assert thekiz(db, "conflicts").returncode in (0, 1)  # checks again, findings or none
