"""Keys that arrive in one burst (a paste, a fast typist, several keys in one packet over a
slow SSH link) act exactly as the same keys typed one at a time: the letters after seven
Tabs land in the field the Tabs reached, the letters after ``n`` in the new event's form,
the answer after ``x`` in the question.

In a real terminal (the planner in a pty, read through pyte), and through Textual's Pilot
with the keys posted to the app as its terminal driver posts them, without waiting between
them (``pilot.press`` waits until each key has taken effect, which hides the problem).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from bench.terminal import Terminal
from store import Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.common import ConfirmDialog
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.dialogs.ical import ImportDialog
from thekiz_tui.ical.scope import export_events

TODAY = date(2026, 11, 25)  # a Wednesday of the demo programme
WAIT = 30.0  # seconds a screen may take to show, at most (a busy CI machine)
# Tab from the title: day, last day, all-day, start, end, coaches, Kita.
TO_THE_KITA = "\t" * 7
TICK_A_COACH_TO_THE_KITA = "\t" * 6 + " " + "\t"  # the first coach (Jana Lindner) ticked


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM="xterm-256color", THEKIZ_TODAY=TODAY.isoformat(),
               THEKIZ_CONFIG=os.devnull, COLUMNS="", LINES="")
    env.pop("TEXTUAL", None)
    return env


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          env=_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    made = thekiz(path, "demo")
    assert made.returncode == 0, made.stderr
    return path


def listed(db: Path, day: str) -> list[dict[str, object]]:
    """What ``thekiz list --format json`` says about ``day``, read afresh from disk."""
    out = thekiz(db, "list", "--from", day, "--to", day, "--format", "json")
    assert out.returncode == 0, out.stderr
    events: list[dict[str, object]] = json.loads(out.stdout)
    return events


# -- in a real terminal ----------------------------------------------------------------


@pytest.fixture
def planner(demo_db: Path) -> Iterator[Terminal]:
    """The planner on the demo store in a pty of 100x30, its month painted."""
    with Terminal([sys.executable, "-m", "thekiz_tui", "--db", str(demo_db)],
                  env=_env()) as term:
        term.wait_for(lambda t: "November 2026" in t.text() and "KW" in t.text(), WAIT)
        yield term


def shows(fragment: str, *, gone: str | None = None) -> Callable[[Terminal], bool]:
    return lambda t: fragment in t.text() and (gone is None or gone not in t.text())


def quit_planner(term: Terminal) -> None:
    term.send("q")
    term.wait_for(lambda t: t.proc.poll() is not None, WAIT)
    assert term.proc.returncode == 0, term.text()


def test_a_burst_fills_the_form_field_by_field_and_saves(
        planner: Terminal, demo_db: Path) -> None:
    # One write: new event, title, Tab to the day, Tab Tab Tab to the start, the end,
    # the first coach ticked, the Kita typed and picked, saved.
    planner.send("n" + "Schnell getippt" + "\t" + "26.11." + "\t\t\t" + "14:00" + "\t"
                 + "15:30" + "\t" + " " + "\t" + "pust" + "\r" + "\x13")
    planner.wait_for(shows("gespeichert", gone="Neuer Termin"), WAIT)
    quit_planner(planner)
    saved = [e for e in listed(demo_db, "26.11.2026") if e["title"] == "Schnell getippt"]
    assert len(saved) == 1, listed(demo_db, "26.11.2026")
    event = saved[0]
    assert (event["start"], event["end"]) == ("2026-11-26T14:00:00+01:00",
                                              "2026-11-26T15:30:00+01:00")
    assert event["coaches"] == ["c-lindner"]
    assert event["kita"] == "k-pusteblume"


def test_a_burst_through_the_date_dialog_the_form_and_a_question(
        planner: Terminal, demo_db: Path) -> None:
    # Go to 4.3.2027, a new event there with a coach and the Kita chosen after Tabs,
    # saved: the date dialog and the form each open and take their keys.
    # Then, in the same burst, delete the event just saved (it is selected once saved)
    # and answer the question: the keys wait for the save.
    planner.send("g" + "4.3.2027" + "\r" + "n" + "Im März" + TICK_A_COACH_TO_THE_KITA
                 + "pust" + "\r" + "\x13" + "x" + "j")
    planner.wait_for(shows("Termin löschen: gespeichert"), WAIT)
    assert "04.03.2027" in planner.screen.display[0]
    quit_planner(planner)
    assert [e for e in listed(demo_db, "04.03.2027") if e["title"] == "Im März"] == []
    # the event was made (and is gone again): undo-able changes, both written


# -- through Textual's Pilot -----------------------------------------------------------


def burst(app: PlannerApp, *parts: str) -> None:
    """Post the keys of ``parts`` (text, or a key name such as "escape") to the app at
    once, as the terminal driver posts what one read of the terminal brought."""
    named = {"\t": "tab", "\r": "enter", " ": "space", "\x13": "ctrl+s"}
    for part in parts:
        if part in ("escape",):
            app.post_message(events.Key(part, None))
            continue
        for char in part:
            key = named.get(char) or (char if char.isalnum() else _character_to_key(char))
            app.post_message(events.Key(key, char))


def make_app(db: Path) -> PlannerApp:
    return PlannerApp(PlannerContext(db=db, today=TODAY))


async def test_pilot_letters_after_tabs_reach_the_field_the_tabs_reached(
        demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", "Titel", TO_THE_KITA, "pust")
        await settle_app(app, pilot)
        form = app.screen
        assert isinstance(form, EventForm)
        assert form.query_one("#title", Input).value == "Titel"
        assert form.query_one("#kita", Input).value == "pust"
        assert app.focused is form.query_one("#kita")
        fast = {i.id: i.value for i in form.query(Input)}
        # and the same keys one at a time, in a second form: the same fields
        burst(app, "escape", "j")  # a changed form asks before discarding: yes
        await settle_app(app, pilot)
        for key in ["n", *"Titel", *TO_THE_KITA, *"pust"]:
            burst(app, key)
            await settle_app(app, pilot)
        slow = app.screen
        assert isinstance(slow, EventForm) and slow is not form
        assert {i.id: i.value for i in slow.query(Input)} == fast


async def test_pilot_a_pasted_path_and_enter_preview_then_import(
        demo_db: Path, tmp_path: Path) -> None:
    store = Store.open(demo_db)
    november = (date(2026, 11, 1), date(2026, 12, 1))
    exported, data = export_events(store, start=november[0], end=november[1])
    path = tmp_path / "november.ics"
    path.write_bytes(data)
    gone = next(e for e in exported if not e.series)
    store.remove_event(gone.id)
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        burst(app, "I")
        app.post_message(events.Paste(str(path)))
        # Enter previews (a worker reads the file); ctrl+s then imports what it showed.
        burst(app, "\r", "\x13")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ImportDialog), app.screen
    assert Store.open(demo_db).event(gone.id).title == gone.title


async def test_pilot_the_answer_right_after_the_question_is_taken(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        burst(app, "n", "Gleich weg", TICK_A_COACH_TO_THE_KITA, "pust", "\r", "\x13")
        await settle_app(app, pilot)
        assert [e.title for e in app.store.events() if e.title == "Gleich weg"] == [
            "Gleich weg"]
        burst(app, "x", "j")
        await settle_app(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert [e for e in app.store.events() if e.title == "Gleich weg"] == []
