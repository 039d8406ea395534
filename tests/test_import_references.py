"""An imported file that names coaches or Kitas the store does not know (thekiz's own
``X-THEKIZ-*`` fields from another store) never leaves a dangling id: refused with the ids
listed by default, or mapped, created or dropped as she chooses; and what is left keeps
the rules of every saved event, in the words of the form and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import Coach, Event, Kita, Store
from thekiz_tui.ical import export_calendar


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": "2027-01-10", "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def ics(tmp_path: Path) -> Path:
    """An export of another store: a visit of coach "fremd" at Kita "k-fremd", and an
    Arbeitskreis with participant Kita "k-fremd"."""
    coaches = {"fremd": Coach(id="fremd", name="Frieda Fremd")}
    kitas = {"k-fremd": Kita(id="k-fremd", name="Kita Anderswo")}
    events = [
        Event(id="e1", kind="begleitung", start="2027-01-12T09:00:00+01:00",
              end="2027-01-12T11:00:00+01:00", coaches=["fremd"], kita="k-fremd",
              title="Besuch", uid="e1@thekiz"),
        Event(id="e2", kind="arbeitskreis", start="2027-01-14T13:00:00+01:00",
              end="2027-01-14T16:00:00+01:00", coaches=["fremd"], participants=["k-fremd"],
              title="Arbeitskreis", uid="e2@thekiz"),
    ]
    path = tmp_path / "fremd.ics"
    path.write_bytes(export_calendar(events, coaches=coaches, kitas=kitas, name="fremd"))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="jana", name="Jana Lindner"))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume"))
    return path


def stored(db: Path) -> dict[str, dict]:
    return {e.uid: e.to_dict() for e in Store.open(db).events()}


def test_unknown_ids_are_refused_by_default_with_the_ids_listed(db: Path, ics: Path) -> None:
    before = db.read_bytes()
    for extra in ((), ("--dry-run",)):
        result = thekiz(db, "import", str(ics), *extra)
        assert result.returncode == 2, result.stdout
        assert "Prozessbegleiter*in „fremd“" in result.stderr
        assert "Kita „k-fremd“" in result.stderr and result.stderr.count("k-fremd") == 1
        assert "--map-coach" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_she_maps_them_to_the_store_s_own(db: Path, ics: Path) -> None:
    result = thekiz(db, "import", str(ics), "--map-coach", "fremd=jana",
                    "--map-kita", "k-fremd=sonne")
    assert result.returncode == 0, result.stderr
    events = stored(db)
    assert events["e1@thekiz"]["coaches"] == ["jana"] and events["e1@thekiz"]["kita"] == "sonne"
    assert events["e2@thekiz"]["participants"] == ["sonne"]
    bad = thekiz(db, "import", str(ics), "--map-coach", "fremd=niemand")
    assert bad.returncode == 2 and "„niemand“ gibt es hier nicht" in bad.stderr


def test_she_creates_them(db: Path, ics: Path) -> None:
    result = thekiz(db, "import", str(ics), "--create-missing")
    assert result.returncode == 0, result.stderr
    store = Store.open(db)
    assert {c.id for c in store.coaches()} == {"jana", "fremd"}
    assert {k.id for k in store.kitas()} == {"sonne", "k-fremd"}
    listed = json.loads(thekiz(db, "kita", "list", "--format", "json").stdout)
    assert "k-fremd" in {k["id"] for k in listed}


def test_a_visit_whose_kita_is_dropped_is_refused_in_the_forms_words(db: Path,
                                                                      ics: Path) -> None:
    before = db.read_bytes()
    result = thekiz(db, "import", str(ics), "--drop-unknown", "--map-coach", "fremd=jana")
    assert result.returncode == 2
    assert "Eine Prozessbegleitung braucht eine Kita." in result.stderr
    assert db.read_bytes() == before
    # the same words from `add`
    added = thekiz(db, "add", "--kind", "begleitung", "--start", "12.1. 9:00", "--end", "10:00",
                   "--coach", "jana")
    assert added.returncode == 2 and "Eine Prozessbegleitung braucht eine Kita." in added.stderr


def test_dropping_keeps_what_is_known(db: Path, ics: Path, tmp_path: Path) -> None:
    text = ics.read_text(encoding="utf-8").replace("X-THEKIZ-KIND:begleitung",
                                                   "X-THEKIZ-KIND:sonstiges")
    ics.write_text(text, encoding="utf-8")
    result = thekiz(db, "import", str(ics), "--drop-unknown")
    assert result.returncode == 0, result.stderr
    events = stored(db)
    assert events["e1@thekiz"]["coaches"] == [] and events["e1@thekiz"]["kita"] is None
    assert events["e2@thekiz"]["participants"] == []


def test_create_and_drop_exclude_each_other(db: Path, ics: Path) -> None:
    result = thekiz(db, "import", str(ics), "--drop-unknown", "--create-missing")
    assert result.returncode == 2 and "schließen sich aus" in result.stderr


def test_an_unknown_id_with_terminal_sequences_is_listed_inert(db: Path, tmp_path: Path) -> None:
    # A file's X-THEKIZ id quoted in the refusal never controls her terminal.
    hostile = tmp_path / "boese.ics"
    hostile.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
        b"DTSTART:20270112T090000Z\r\nDTEND:20270112T100000Z\r\nSUMMARY:x\r\n"
        b"X-THEKIZ-KIND:sonstiges\r\nX-THEKIZ-COACHES:evil\x1b[2J\x1b]0;pwn\x07\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    result = thekiz(db, "import", str(hostile), "--dry-run")
    assert result.returncode == 2 and "evil" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout and "\x07" not in result.stderr
