"""``thekiz search``: every year, every text of an event, case and accents ignored, only
what she may see, exit 0 with hits and 1 without."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from store import Coach, Event, Kita, Store
from thekiz_tui.planning.search import SearchIndex, fold, hits

TODAY = "2026-12-03"


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": TODAY, "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def found(db: Path, *args: str) -> list[dict]:
    result = thekiz(db, "search", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    hits_ = json.loads(result.stdout)
    assert (result.returncode == 0) == bool(hits_)
    return hits_


def event(eid: str, start: str, end: str, **values: object) -> Event:
    return Event(id=eid, kind=str(values.pop("kind", "begleitung")), start=start, end=end,
                 **values)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="anna", name="Anna Müller"))
    store.add_coach(Coach(id="bert", name="Bert Weiß"))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume", coach="anna"))
    store.add_kita(Kita(id="strasse", name="Kita Hauptstraße", coach="bert"))
    store.add_event(event("old", "2019-05-06T09:00:00+02:00", "2019-05-06T10:00:00+02:00",
                          title="Elterncafé", coaches=["anna"], kita="sonne"))
    store.add_event(event("far", "2031-02-03T09:00:00+01:00", "2031-02-03T10:00:00+01:00",
                          title="Abschluss", notes="Résumé mit dem Träger", coaches=["anna"],
                          kita="sonne"))
    store.add_event(event("bert1", "2027-01-12T09:00:00+01:00", "2027-01-12T10:00:00+01:00",
                          title="Geheimes Gespräch", coaches=["bert"], kita="strasse"))
    store.add_event(event("weekly", "2026-01-07T14:00:00+01:00", "2026-01-07T15:00:00+01:00",
                          title="Teamrunde", location="Raum Birke", coaches=["anna"],
                          rrule="FREQ=WEEKLY;BYDAY=WE"))
    return path


def test_every_year_every_text_without_case_or_accents(db: Path) -> None:
    assert [h["id"] for h in found(db, "elterncafe")] == ["old"]  # 2019
    assert [h["id"] for h in found(db, "RESUME")] == ["far"]  # notes, 2031
    assert [h["id"] for h in found(db, "muller", "--coach", "anna")][:1] == ["old"]  # coach
    assert [h["id"] for h in found(db, "hauptstrasse")] == ["bert1"]  # Kita, ß = ss
    assert [h["id"] for h in found(db, "birke")] == ["weekly"]  # place


def test_every_word_must_occur(db: Path) -> None:
    assert [h["id"] for h in found(db, "sonnenblume abschluss")] == ["far"]
    assert found(db, "sonnenblume teamrunde") == []


def test_a_series_shows_its_next_occurrence_and_a_window_its_first_in_it(db: Path) -> None:
    [hit] = found(db, "teamrunde")
    assert hit["start"].startswith("2026-12-09")  # the Wednesday after 3.12.2026
    [hit] = found(db, "teamrunde", "--from", "1.3.2026", "--to", "31.3.2026")
    assert hit["start"].startswith("2026-03-04")


def test_a_coach_finds_only_her_own_plan(db: Path) -> None:
    assert found(db, "geheimes") != []
    result = thekiz(db, "--as", "anna", "search", "geheimes")
    assert result.returncode == 1 and "Geheimes" not in result.stdout
    result = thekiz(db, "--as", "anna", "search", "Gespräch", "--format", "json")
    assert json.loads(result.stdout) == []


def test_exit_codes_and_german_lines(db: Path) -> None:
    result = thekiz(db, "search", "Abschluss")
    assert result.returncode == 0 and "Abschluss" in result.stdout
    result = thekiz(db, "search", "nirgends")
    assert (result.returncode, result.stdout.strip()) == (1, "Nichts gefunden.")
    result = thekiz(db, "search", "  ")
    assert result.returncode == 2 and "Suchtext" in result.stderr
    assert "Traceback" not in result.stderr
    result = thekiz(db, "search", "x\x1b[2J")
    assert result.returncode == 2 and "\x1b" not in result.stderr
    result = thekiz(db, "search", "x", "--kind", "quatsch")
    assert result.returncode == 2 and "Unbekannte Art" in result.stderr


def test_the_index_folds_once_and_finds_in_any_order() -> None:
    events = [event(f"e{i}", "2026-01-01T09:00:00+01:00", "2026-01-01T10:00:00+01:00",
                    title=f"Besuch {i}", notes="Straße" if i % 2 else "") for i in range(100)]
    index = SearchIndex(events, kita_names={}, coach_names={})
    assert len(index.matches("STRASSE besuch")) == 50
    assert index.matches("") == []
    assert fold("Ärger Éclair ß") == "arger eclair ss"
    shown = hits(index.matches("besuch 7"), today=date(2026, 12, 3), tz="Europe/Berlin")
    assert {h.event.id for h in shown} == {"e7", "e17", "e27", "e37", "e47", "e57", "e67",
                                           "e70", "e71", "e72", "e73", "e74", "e75", "e76",
                                           "e77", "e78", "e79", "e87", "e97"}
