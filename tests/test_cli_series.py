"""CLI parity with the planner: one occurrence, this and the following, or the whole
series for ``edit`` and ``remove``; ``add``/``edit`` say the findings they cause."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import Coach, Event, Kita, Store


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": "2027-01-04", "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def ok(db: Path, *args: str) -> list[str]:
    result = thekiz(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def refused(db: Path, *args: str) -> str:
    result = thekiz(db, *args)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def starts(db: Path) -> list[tuple[str, str, str]]:
    listed = json.loads(thekiz(db, "list", "--from", "1.1.2027", "--to", "31.3.2027",
                               "--format", "json").stdout)
    return [(o["start"][:16], o["title"], o["series"] or o["id"]) for o in listed]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A weekly team meeting on Wednesdays at 10:00, five times from 6.1.2027."""
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="jana", name="Jana Lindner"))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume", coach="jana"))
    store.add_event(Event(id="team", kind="sonstiges", title="Team",
                          start="2027-01-06T10:00:00+01:00", end="2027-01-06T11:00:00+01:00",
                          coaches=["jana"], rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=5"))
    return path


def test_removing_a_series_needs_a_scope(db: Path) -> None:
    before = db.read_bytes()
    line = refused(db, "remove", "team")
    assert "ist eine Serie" in line and "--occurrence" in line and "--series" in line
    assert db.read_bytes() == before
    assert "nur eine von" in refused(db, "remove", "team", "--series", "--occurrence", "13.1.")


def test_one_occurrence_is_edited_or_removed(db: Path) -> None:
    assert ok(db, "edit", "team", "--occurrence", "13.1.", "--start", "13.1. 14:00",
              "--title", "Team (verlegt)") == ["team"]
    ok(db, "remove", "team", "--occurrence", "20.1.")
    assert starts(db) == [
        ("2027-01-06T10:00", "Team", "team"), ("2027-01-13T14:00", "Team (verlegt)", "team"),
        ("2027-01-27T10:00", "Team", "team"), ("2027-02-03T10:00", "Team", "team"),
    ]
    assert "keinen Termin" in refused(db, "edit", "team", "--occurrence", "14.1.",
                                      "--title", "x")
    assert "ganze Serie" in refused(db, "edit", "team", "--occurrence", "27.1.",
                                    "--rrule", "FREQ=DAILY")


def test_this_and_the_following_split_the_series(db: Path) -> None:
    lines = ok(db, "edit", "team", "--from-occurrence", "20.1.", "--start", "20.1. 9:00")
    assert lines[0] == "team" and len(lines) >= 2
    new = lines[1]
    assert starts(db) == [
        ("2027-01-06T10:00", "Team", "team"), ("2027-01-13T10:00", "Team", "team"),
        ("2027-01-20T09:00", "Team", new), ("2027-01-27T09:00", "Team", new),
        ("2027-02-03T09:00", "Team", new),
    ]
    ok(db, "remove", new, "--from-occurrence", "27.1.")
    assert [s for s, _t, _i in starts(db)][-1] == "2027-01-20T09:00"
    ok(db, "remove", "team", "--series")
    assert [i for _s, _t, i in starts(db)] == [new]


def test_scopes_are_for_series_only(db: Path) -> None:
    ok(db, "add", "--id", "single", "--kind", "sonstiges", "--start", "8.1. 9:00",
       "--end", "10:00", "--coach", "jana")
    assert "keine Serie" in refused(db, "remove", "single", "--occurrence", "8.1.")
    assert "keine Serie" in refused(db, "edit", "single", "--series", "--title", "x")
    ok(db, "remove", "single")


def test_add_and_edit_say_the_findings_they_cause(db: Path) -> None:
    lines = ok(db, "add", "--kind", "begleitung", "--start", "13.1. 10:30", "--end", "12:00",
               "--coach", "jana", "--kita", "sonne")
    visit = lines[0]
    assert visit.startswith("ev-") and len(lines) >= 2
    assert any(line.startswith("Fehler: Jana Lindner ist doppelt verplant") for line in lines)
    lines = ok(db, "edit", visit, "--start", "13.1. 13:00")
    assert lines[0] == visit
    assert not any("doppelt verplant" in line for line in lines)
