"""``thekiz search``: every year, every text of an event, case and accents ignored, only
what she may see, exit 0 with hits and 1 without."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import OptionList, Static

from store import Coach, Event, Kita, Store
from thekiz_tui.dialogs.search import Found, SearchDialog
from thekiz_tui.planning.search import (
    LiveSearch,
    SearchIndex,
    file_test,
    fold,
    hits,
    names,
)
from thekiz_tui.session import Session

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
    shown = hits(index.matches("besuch 7"), today=date(2026, 12, 3), tz="Europe/Berlin").shown
    assert {h.event.id for h in shown} == {"e7", "e17", "e27", "e37", "e47", "e57", "e67",
                                           "e70", "e71", "e72", "e73", "e74", "e75", "e76",
                                           "e77", "e78", "e79", "e87", "e97"}


def test_as_she_types_a_longer_query_searches_only_the_hits_of_the_one_before() -> None:
    kitas = {"k1": "Kita Sonnenblume", "k2": "Kita Löwenzahn"}
    events = [event(f"e{i}", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00+01:00",
                    f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+01:00",
                    title=("Elterncafé" if i % 3 else "Teamrunde"), kita=f"k{1 + i % 2}",
                    notes="Straße" if i % 5 == 0 else "") for i in range(300)]
    events.append(event("weekly", "2026-01-07T14:00:00+01:00", "2026-01-07T15:00:00+01:00",
                        title="Kita-Runde", rrule="FREQ=WEEKLY;BYDAY=WE"))
    live = LiveSearch(events, kita_names=kitas, coach_names={}, today=date(2026, 12, 3),
                      tz="Europe/Berlin")
    whole = SearchIndex(events, kita_names=kitas, coach_names={})

    def from_scratch(query: str) -> list[str]:
        shown = hits(whole.matches(query), today=date(2026, 12, 3), tz="Europe/Berlin").shown
        return [h.occurrence.key for h in shown]

    typed = ["k", "ki", "kita", "kita low", "kita lowe", "kita lowen", "kita l", "eltern",
             "elterncafe strasse", "STRASSE eltern", "runde", "kita-runde", ""]
    examined = []
    for query in typed:
        found = live.find(query)
        assert [h.occurrence.key for h in found.shown] == from_scratch(query), query
        assert found.total == len(found.shown)
        examined.append(live.examined)
    # "kita lowe" after "kita low" looks at the hits of "kita low" only (Löwenzahn's
    # half), not at every event; a word deleted ("kita l") searches all of them again
    assert examined[4] == len(from_scratch("kita low")) == len(events) // 2
    assert examined[6] == examined[7] == len(events)
    assert examined[8] == len(from_scratch("eltern")) < len(events)  # a word added
    limited = live.find("kita", limit=5)
    assert (limited.total, len(limited.shown)) == (len(events), 5)
    assert [h.occurrence.key for h in limited.shown] == from_scratch("kita")[:5]


def test_thekiz_search_parses_only_the_month_files_that_may_hold_the_words(
        tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    store.add_coach(Coach(id="anna", name="Anna Müller"))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume", coach="anna"))
    store.put_events([
        event("jan", "2027-01-12T09:00:00+01:00", "2027-01-12T10:00:00+01:00",
              title="Elterncafé", notes="Gespräch"),
        event("feb", "2027-02-09T09:00:00+01:00", "2027-02-09T10:00:00+01:00",
              title="Besuch", kita="sonne"),
        event("mar", "2027-03-09T09:00:00+01:00", "2027-03-09T10:00:00+01:00",
              title="Teamrunde", coaches=["anna"]),
        event("apr", "2027-04-13T09:00:00+01:00", "2027-04-13T10:00:00+01:00",
              title="ZUSAMMENKUNFT", location="Straße der Einheit"),
    ])
    months = {key: (store.events_dir / f"{key}.json").read_bytes()
              for key in store.partitions()}
    kitas, coaches = names(store)

    def months_kept(query: str) -> list[str]:
        test = file_test(query, kitas, coaches)
        assert test is not None
        return [key for key, data in months.items() if test(data)]

    # in any case and without accents, and a name's hit in every file naming her by id
    assert months_kept("elterncafe") == months_kept("GESPRACH") == ["2027-01"]
    assert months_kept("sonnenblume") == ["2027-02"]
    assert months_kept("muller") == ["2027-03"]
    assert months_kept("zusammenkunft strasse") == ["2027-04"]
    assert months_kept("besuch teamrunde") == [] and months_kept("nirgends") == []
    # a word in many names, or one JSON writes escaped, sends no file away
    assert file_test('"sonne"', kitas, coaches) is None
    assert file_test("  ", kitas, coaches) is None
    # and the command finds what the files hold, reading only those
    assert [h["id"] for h in found(tmp_path / "plan.json", "gesprach")] == ["jan"]
    assert [h["id"] for h in found(tmp_path / "plan.json", "sonnenblume")] == ["feb"]
    assert [h["id"] for h in found(tmp_path / "plan.json", "Muller")] == ["mar"]


# -- the planner's search dialog (/) ---------------------------------------------------------


class Host(App[None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.results: list[Found | None] = []

    def on_mount(self) -> None:
        self.push_screen(SearchDialog(self.session), self.results.append)


async def settle(app: Host, pilot: Any) -> None:
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def test_the_dialog_finds_as_she_types_and_jumps_to_the_next_occurrence(
        db: Path) -> None:
    app = Host(Session.at(db, today=date(2026, 12, 3)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"TEAMRUNDE")
        await settle(app, pilot)
        hits_list = app.screen.query_one("#hits", OptionList)
        assert hits_list.option_count == 1
        assert "09.12.2026 14:00  Teamrunde" in str(hits_list.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
    [found] = app.results
    assert found is not None
    assert (found.event_id, found.day) == ("weekly", date(2026, 12, 9))
    assert found.key.startswith("weekly/2026-12-09")


async def test_a_coachs_dialog_searches_her_plan_only(db: Path) -> None:
    app = Host(Session.at(db, today=date(2026, 12, 3), as_coach="anna"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"geheimes")
        await settle(app, pilot)
        assert app.screen.query_one("#hits", OptionList).option_count == 0
        assert "Nichts gefunden" in str(app.screen.query_one("#count", Static).render())
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


TRICKY = ["Müller", "MÜLLER", "Mu\u0308ller", "Straße", "STRASSE", "Café «Élan»",
          'Sag "hallo"', "C:\\Kitas\\Sonne", "Zeile1\nZeile2", "Tab\tTrenner",
          "Kita 🌻 Sonnenblume", "ﬁnanzen", "Ｋｉｔａ", "İstanbul", "Ærø", "Œuvre",
          "Dvořák", "naïve", "\\u00fc wörtlich", "Ελληνικά"]


@pytest.mark.parametrize("escaped", [False, True], ids=["orjson", "ensure_ascii"])
def test_the_byte_test_never_sends_away_a_file_whose_events_are_found(
        tmp_path: Path, escaped: bool) -> None:
    """Each tricky text in a month file of its own: every word of it (and its folded
    and upper-case forms) that the search finds in the parsed events, the byte test of
    the file lets through, also in a file another tool wrote with every non-ASCII
    character escaped (``python -m json.tool`` writes "M\\u00fcller")."""
    store = Store.open(tmp_path / "plan.json")
    store.put_events([
        event(f"e{i}", f"{2000 + i}-03-09T09:00:00+01:00", f"{2000 + i}-03-09T10:00:00+01:00",
              title=text, notes=text.upper(), location=text.lower())
        for i, text in enumerate(TRICKY)])
    for key in store.partitions():
        path = store.events_dir / f"{key}.json"
        if escaped:
            path.write_text(json.dumps(json.loads(path.read_bytes()), ensure_ascii=True),
                            encoding="ascii")
    store = Store.open(tmp_path / "plan.json")
    queries = {q for text in TRICKY for word in text.split()
               for q in (word, word.upper(), word.lower(), fold(word), word[1:-1])
               if q.strip()}
    missed = []
    for key in store.partitions():
        data = (store.events_dir / f"{key}.json").read_bytes()
        year = int(key[:4])
        events = store.events(date(year, 1, 1), date(year + 1, 1, 1))
        index = SearchIndex(events, kita_names={}, coach_names={})
        for query in sorted(queries):
            test = file_test(query, {}, {})
            if index.matches(query) and test is not None and not test(data):
                missed.append((key, query))
    assert missed == []


def test_a_month_file_damaged_by_a_byte_is_named_as_list_names_it(db: Path) -> None:
    """A byte that is no UTF-8 in a month file: the byte test let it through to the
    store, whose German line names the file and its backup (the same as ``list``); it
    stopped ``thekiz search`` with a UnicodeDecodeError's traceback."""
    month = db.parent / "plan.json.d" / "2027-01.json"
    month.write_bytes(month.read_bytes().replace(b"Geheimes", b"Geh\xffeimes \xc3\xa4"))
    result = thekiz(db, "search", "nirgends")
    listed = thekiz(db, "list", "--from", "1.1.2027", "--to", "31.1.2027")
    assert result.returncode == listed.returncode == 2
    assert "Traceback" not in result.stderr and str(month) in result.stderr
    assert result.stderr == listed.stderr
