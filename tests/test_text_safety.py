"""Text from people never controls a terminal (issue 9, attack 1).

A coach's title, place or note is shown on the coordination office's terminal. Stored
with an escape sequence (OSC 52 sets the clipboard, OSC 0 the window title, CSI erases
or moves lines, U+202E shows text backwards), it would act on that terminal when the
office merely runs ``thekiz list`` or opens the planner. These tests write such a store
directly on disk (as a store from before the fix, or edited by hand, would be) and read
every byte the real programs write; and they replay the ways such text came in: the
CLI, the event form with a bracketed paste, an import.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import orjson
import pytest
from conftest import need_program, snapshot
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from bench.terminal import Terminal
from store import SCHEMA_VERSION, Coach, Event, Kita, Store
from store.text import REPLACEMENT, neutral, removed_count, text_problem, unsafe_char
from thekiz_tui.dialogs.event_form import EventForm, FormResult
from thekiz_tui.planning.conflicts import checker_for

OSC52 = "\x1b]52;c;ZXZpbA==\x1b\\"  # "set the clipboard to 'evil'"
OSC0 = "\x1b]0;pwned\x07"  # "set the window title"
ERASE = "\x1b[2J"
UP = "\x1b[1A"
C1_CSI = "\x9b"  # CSI as one 8-bit character (VT220 and xterm honour it)
RLO = "\u202e"  # right-to-left override

TITLE = f"Ueberfall{OSC52}A{OSC0}B{ERASE}C{UP}D{C1_CSI}2JE{RLO}F"
LOCATION = f"Raum{ERASE}7{RLO}"
NOTES = f"Erste Zeile\nZweite{OSC52}Zeile"
KITA_NAME = f"Kita {RLO}ennoS{OSC0}"
TODAY = "2026-11-10"
WAIT = 60.0  # seconds a screen may take to show, at most (a busy CI machine)

# What must never reach a terminal as written: the sequences themselves, with the text
# around them as stored (Textual writes its own ESC [ 2 J and OSC 22, never these).
STORED = [OSC52, OSC0, "\x1b]52;", "\x1b]0;", f"B{ERASE}", f"C{UP}", C1_CSI, RLO]


def _thekiz() -> str:
    return need_program("thekiz")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THEKIZ_", "TEXTUAL"))}
    env.update(THEKIZ_TODAY=TODAY, THEKIZ_CONFIG=os.devnull, TERM="xterm-256color")
    return env


def _event(event_id: str, start: str, end: str, title: str, **more: object) -> dict[str, object]:
    return Event(
        id=event_id, kind="begleitung", start=start, end=end, title=title,
        coaches=["c-anna"], kita="k-sonne", uid=f"{event_id}@thekiz", **more,  # type: ignore[arg-type]
    ).to_dict()


@pytest.fixture
def evil_db(tmp_path: Path) -> Path:
    """A store as a file on disk, written without thekiz: a coach's visit whose title,
    place and notes and whose Kita's name carry escape sequences, overlapping another
    visit of hers (so that the double booking's finding quotes the title)."""
    db = tmp_path / "plan.json"
    main = {
        "meta": {"schema": {"version": SCHEMA_VERSION, "created": "2026-11-01T00:00:00Z"}},
        "settings": {},
        "coaches": {"c-anna": Coach(id="c-anna", name=f"Anna{ERASE}", role="coach").to_dict()},
        "kitas": {"k-sonne": Kita(id="k-sonne", name=KITA_NAME, address=f"Weg {OSC52}")
                  .to_dict()},
        "acks": {},
        "series": {},
    }
    month = {"events": {
        "e-evil": _event("e-evil", "2026-11-10T09:00:00+01:00", "2026-11-10T11:00:00+01:00",
                         TITLE, location=LOCATION, notes=NOTES),
        "e-other": _event("e-other", "2026-11-10T10:00:00+01:00",
                          "2026-11-10T12:00:00+01:00", "Teamsitzung"),
    }}
    db.write_bytes(orjson.dumps(main))
    (tmp_path / "plan.json.d").mkdir()
    (tmp_path / "plan.json.d" / "2026-11.json").write_bytes(orjson.dumps(month))
    return db


def _assert_inert(raw: bytes, where: str, *, plain: bool = True) -> None:
    """``raw`` (what a program wrote) holds none of the stored sequences; ``plain``
    output (the CLI's, into a pipe) no ESC and BEL at all."""
    if plain:
        assert b"\x1b" not in raw and b"\x07" not in raw, where
    text = raw.decode("utf-8", errors="replace")
    for sequence in STORED:
        assert sequence not in text, f"{where} wrote {sequence!r}"
    assert b"\xc2\x9b" not in raw and b"\xe2\x80\xae" not in raw, where


# -- store.text ---------------------------------------------------------------------------


def test_neutral_replaces_every_controlling_character_and_keeps_clean_text() -> None:
    clean = "Begleitung Kita Löwenzahn – 9:30"
    assert neutral(clean) is clean  # the fast path: no copy for the common case
    assert neutral(TITLE).count(REPLACEMENT) == 8
    assert all(ch.isprintable() for ch in neutral(TITLE))
    assert neutral("a\tb\nc") == "a b c"
    assert neutral("a\r\nb\x1b", lines=True) == f"a\nb{REPLACEMENT}"
    assert neutral("\u2066x\u2069") == f"{REPLACEMENT}x{REPLACEMENT}"
    assert neutral("\udc9b") == REPLACEMENT  # a byte that was no UTF-8
    assert removed_count([TITLE, "ok", "a\tb"]) == 8


def test_text_problem_names_the_character_in_german() -> None:
    assert text_problem("Der Titel", "Teamsitzung\tB") is None
    assert text_problem("Die Notiz", "a\r\nb\nc", lines=True) is None
    assert text_problem("Der Titel", OSC52) == (
        "Der Titel enthält ein Escape-Zeichen (ESC); solche Zeichen steuern Terminals und "
        "werden nicht gespeichert."
    )
    assert "Richtungssteuerzeichen (U+202E)" in (text_problem("Der Ort", RLO) or "")
    assert "Steuerzeichen (U+009B)" in (text_problem("Der Ort", C1_CSI) or "")
    assert "Zeilenumbruch" in (text_problem("Der Titel", "a\nb") or "")
    assert "U+000D" in (text_problem("Die Notiz", "a\rb", lines=True) or "")
    assert "Tabulator" in (text_problem("Die ID", "k\tx", word=True) or "")
    assert unsafe_char("ok") is None


def test_records_read_from_disk_are_neutral(evil_db: Path) -> None:
    store = Store.open(evil_db, create=False)
    event = store.event("e-evil")
    assert event.title.startswith(f"Ueberfall{REPLACEMENT}]52;")
    assert event.notes.splitlines()[0] == "Erste Zeile"  # a note keeps its lines
    for text in (event.title, event.location, event.notes.replace("\n", ""),
                 store.kita("k-sonne").name, store.kita("k-sonne").address,
                 store.coach("c-anna").name):
        assert text.isprintable(), text
    # the stored document is left as it is (only what is read is neutral)
    month = orjson.loads((evil_db.parent / "plan.json.d" / "2026-11.json").read_bytes())
    assert month["events"]["e-evil"]["title"] == TITLE


def test_per_occurrence_changes_are_neutral_too(store: Store) -> None:
    series = store.add_event(Event(
        id="e-s", kind="sonstiges", start="2026-11-02", end="2026-11-03", all_day=True,
        rrule="FREQ=WEEKLY", overrides={"2026-11-09": {"title": OSC52, "notes": "a\nb"}},
    ))
    read = store.event(series.id)
    assert read.overrides["2026-11-09"] == {"title": f"{REPLACEMENT}]52;c;ZXZpbA=={REPLACEMENT}\\",
                                            "notes": "a\nb"}


def test_json_output_escapes_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON keeps its own escaping (orjson writes ESC as \\u001b); what JSON leaves raw
    (C1, bidi) is replaced, and the output stays JSON."""
    from thekiz_tui.output import dumps, write, write_json_stream

    text = dumps({"title": OSC52})
    assert "\x1b" not in text and "\\u001b" in text
    assert orjson.loads(text)["title"] == OSC52
    write(dumps({"title": f"a{C1_CSI}{RLO}"}))
    write_json_stream([{"title": f"b{C1_CSI}{RLO}{ERASE}"}])
    first, second = capsys.readouterr().out.split("\n}\n", 1)
    assert orjson.loads(first + "}")["title"] == f"a{REPLACEMENT}{REPLACEMENT}"
    assert orjson.loads(second)[0]["title"] == f"b{REPLACEMENT}{REPLACEMENT}{ERASE}"


# -- the CLI, as real processes --------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["list", "--from", "1.11.2026", "--to", "30.11.2026"],
    ["list", "--from", "1.11.2026", "--to", "30.11.2026", "--format", "json"],
    ["conflicts", "--from", "1.11.2026", "--to", "30.11.2026"],
    ["report", "--month", "2026-11"],
    ["kita", "list"],
    ["coach", "list"],
    ["remove", "e-evil"],
])
def test_cli_never_writes_a_stored_sequence(evil_db: Path, args: list[str]) -> None:
    done = subprocess.run([_thekiz(), "--db", str(evil_db), *args], env=_env(),
                          capture_output=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    _assert_inert(done.stdout, f"thekiz {args[0]} (stdout)")
    _assert_inert(done.stderr, f"thekiz {args[0]} (stderr)")
    if args[0] in ("list", "conflicts", "remove"):
        assert b"Ueberfall\xef\xbf\xbd]52;" in done.stdout  # shown, as inert text


def test_an_error_that_quotes_input_is_neutral(evil_db: Path) -> None:
    done = subprocess.run(
        [_thekiz(), "--db", str(evil_db), "add", "--kind", "sonstiges", "--start", "4.11.2026",
         "--coach", f"c{OSC52}"], env=_env(), capture_output=True, timeout=120)
    assert done.returncode == 2
    assert "gibt es nicht" in done.stderr.decode()
    _assert_inert(done.stderr, "the error")


@pytest.mark.parametrize(("args", "words"), [
    (["add", "--kind", "sonstiges", "--start", "4.11.2026", "--title", OSC52],
     "Der Titel enthält ein Escape-Zeichen (ESC)"),
    (["add", "--kind", "sonstiges", "--start", "4.11.2026", "--location", f"x{RLO}"],
     "Der Ort enthält ein Richtungssteuerzeichen (U+202E)"),
    (["add", "--kind", "sonstiges", "--start", "4.11.2026", "--notes", f"a\n{C1_CSI}"],
     "Die Notiz enthält ein Steuerzeichen (U+009B)"),
    (["add", "--kind", "sonstiges", "--start", "4.11.2026", "--id", "e\tx"],
     "Die ID enthält einen Tabulator"),
    (["edit", "e-other", "--title", f"Team{ERASE}"],
     "Der Titel enthält ein Escape-Zeichen (ESC)"),
    (["coach", "add", "--name", f"Eva{OSC0}"], "Der Name enthält ein Escape-Zeichen"),
    (["coach", "add", "--name", "Eva", "--id", f"c{ERASE}"], "Die ID enthält ein Escape"),
    (["kita", "add", "--name", "Kita", "--address", f"Weg{RLO}"],
     "Die Adresse enthält ein Richtungssteuerzeichen"),
    (["kita", "edit", "k-sonne", "--provider", f"T{C1_CSI}"],
     "Der Träger enthält ein Steuerzeichen (U+009B)"),
    (["ack", "e-other", "--reason", f"ok{OSC52}"], "Der Grund enthält ein Escape-Zeichen"),
])
def test_typed_control_characters_are_refused(
    evil_db: Path, args: list[str], words: str
) -> None:
    before = snapshot(evil_db.parent)
    done = subprocess.run([_thekiz(), "--db", str(evil_db), *args], env=_env(),
                          capture_output=True, timeout=120)
    assert done.returncode == 2
    message = done.stderr.decode()
    assert message.startswith(f"thekiz: {words}"), message
    assert message.count("\n") == 1 and "Traceback" not in message
    assert snapshot(evil_db.parent) == before


# -- import ------------------------------------------------------------------------------


def _ics(summary: str, location: str, description: str) -> bytes:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace(";", "\\;")

    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:evil@example.org\r\nDTSTART:20261104T080000Z\r\n"
        f"DTEND:20261104T090000Z\r\nSUMMARY:{esc(summary)}\r\nLOCATION:{esc(location)}\r\n"
        f"DESCRIPTION:{esc(description)}\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:clean@example.org\r\nDTSTART:20261105T080000Z\r\n"
        "DTEND:20261105T090000Z\r\nSUMMARY:Sauber\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_import_removes_control_characters_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    Store.open(db)
    ics = tmp_path / "evil.ics"
    ics.write_bytes(_ics(f"Ueberfall{OSC52}", f"Raum{RLO}", f"a\nb{C1_CSI}"))
    line = "Entfernt: 4 Steuerzeichen in 1 Eintrag der Datei (sie würden Terminals steuern)."
    for dry in (True, False):
        done = subprocess.run([_thekiz(), "--db", str(db), "import", str(ics),
                               *(["--dry-run"] if dry else [])],
                              env=_env(), capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        assert line in done.stdout.decode().splitlines()
        _assert_inert(done.stdout, "thekiz import")
    saved = {e.uid: e for e in Store.open(db, create=False).events()}["evil@example.org"]
    assert saved.title == f"Ueberfall{REPLACEMENT}]52;c;ZXZpbA=={REPLACEMENT}\\"
    assert saved.location == f"Raum{REPLACEMENT}"
    assert saved.notes == f"a\nb{REPLACEMENT}"
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("*.json"))
    assert b"\\u001b" not in raw and b"\xe2\x80\xae" not in raw  # nothing stored raw


# -- the planner in a real pty -----------------------------------------------------------


class RecordingStream:
    """pyte's stream, keeping every byte the planner wrote."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.raw = bytearray()

    def feed(self, data: bytes) -> None:
        self.raw += data
        self.stream.feed(data)  # type: ignore[attr-defined]


def test_the_office_planner_paints_stored_sequences_inert(evil_db: Path) -> None:
    """The coordinator opens the planner on the month with the visit: the month shows
    its title and the side panel quotes it in the double booking's finding. No stored
    sequence reaches her terminal; the title is there, inert."""
    with Terminal([_thekiz(), "--db", str(evil_db)], columns=140, lines=40,
                  env=_env()) as term:
        recorder = RecordingStream(term.stream)
        term.stream = recorder  # type: ignore[assignment]

        def painted(_t: Terminal) -> bool:
            # in the bytes, not on the screen: an unfixed planner erases its own screen
            return b"November 2026" in recorder.raw and recorder.raw.count(b"Ueberfall") >= 2

        term.wait_for(painted, WAIT)  # the month's visit and the finding that quotes it
        term.settle(0.5, timeout=5.0)  # and what follows the first full paint
        assert term.proc.poll() is None
        _assert_inert(bytes(recorder.raw), "the planner", plain=False)
        assert f"Ueberfall{REPLACEMENT}]52;" in term.text()  # shown, as inert text


# -- the form: a bracketed paste ---------------------------------------------------------


class FormHost(App[None]):
    """The event form on its own, for a new visit of Anna's."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.results: list[FormResult | None] = []

    def compose(self) -> ComposeResult:
        yield Static("Planer")

    def on_mount(self) -> None:
        event = Event(id="ev-new", kind="sonstiges", start="2026-11-12T13:00:00+01:00",
                      end="2026-11-12T14:00:00+01:00", coaches=["c-anna"])
        self.push_screen(EventForm(self.store, checker_for(self.store), event, new=True,
                                   today=date(2026, 11, 10)), self.results.append)


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_pasted_escape_in_the_form_is_refused_with_the_reason(store: Store,
                                                                      db_path: Path) -> None:
    store.add_coach(Coach(id="c-anna", name="Anna"))
    before = snapshot(db_path.parent)
    app = FormHost(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EventForm)
        title = form.query_one("#title", Input)
        assert app.focused is title
        # Textual turns a terminal's bracketed paste into a Paste event for the app,
        # which hands it to the focused field: the raw ESC reaches the field's value.
        app.post_message(events.Paste(f"Teamsitzung{OSC52}"))
        await settle(app, pilot)
        assert title.value == f"Teamsitzung{OSC52}"
        reason = "Der Titel enthält ein Escape-Zeichen (ESC)"
        assert reason in str(form.query_one("#form-status", Static).render())
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and app.results == []  # not saved, still open
        assert any(reason in str(n.message) for n in app._notifications)
        # a clean paste over it makes the form savable again
        title.value = ""
        app.post_message(events.Paste("Teamsitzung"))
        await settle(app, pilot)
        assert not form.query_one("#save", Button).disabled
    assert snapshot(db_path.parent) == before


def test_the_form_check_refuses_and_quotes_a_pasted_title_inert(store: Store) -> None:
    """The form's live check runs while the pasted title is in the field: its findings
    may quote the candidate, so the candidate it checks is neutral."""
    from thekiz_tui.planning.validate import Draft, build_event

    store.add_coach(Coach(id="c-anna", name="Anna"))
    base = Event(id="ev-new", kind="sonstiges", start="2026-11-12T13:00:00+01:00",
                 end="2026-11-12T14:00:00+01:00", coaches=["c-anna"])
    draft = Draft(kind="sonstiges", title=f"Team{OSC52}", day="12.11.2026", start="13:00",
                  end="14:00", coaches=("c-anna",), location=f"Raum{RLO}",
                  notes=f"a\nb{ERASE}")
    built = build_event(draft, base, today=date(2026, 11, 10), coaches={"c-anna"}, kitas=[])
    assert [p.field for p in built.problems] == ["title", "location", "notes"]
    assert built.problems[0].message == text_problem("Der Titel", OSC52)
    assert built.checkable is not None
    assert built.checkable.title == f"Team{REPLACEMENT}]52;c;ZXZpbA=={REPLACEMENT}\\"
    assert built.checkable.notes == f"a\nb{REPLACEMENT}[2J"


class ReasonHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        from thekiz_tui.dialogs.common import ReasonDialog

        self.push_screen(ReasonDialog("Befund quittieren"), self.results.append)


async def test_a_pasted_escape_in_the_reason_is_refused() -> None:
    app = ReasonHost()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        dialog = app.screen
        app.post_message(events.Paste(f"erledigt{OSC0}"))
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog and app.results == []
        shown = str(dialog.query_one("#message", Static).render())
        assert "Der Grund enthält ein Escape-Zeichen (ESC)" in shown
        dialog.query_one(Input).value = "erledigt"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.results == ["erledigt"]


def test_the_planners_import_preview_says_what_it_removed(store: Store) -> None:
    from thekiz_tui.dialogs.ical import preview_lines
    from thekiz_tui.ical.scope import preview_import

    plan = preview_import(store, _ics(f"Ueberfall{OSC52}", "Raum", "ok"), name="evil.ics")
    lines = preview_lines(plan)
    assert lines[-1] == ("Entfernt: 2 Steuerzeichen in 1 Eintrag der Datei "
                         "(sie würden Terminals steuern).")
    assert not any("\x1b" in line for line in lines)


def test_a_stored_id_stays_the_key_and_is_shown_inert(evil_db: Path) -> None:
    """Ids are the keys of the store's documents: read as stored (a neutralised id would
    save a second event beside the first), and neutralised where shown."""
    month = evil_db.parent / "plan.json.d" / "2026-11.json"
    data = orjson.loads(month.read_bytes())
    data["events"][f"e{ERASE}x"] = dict(data["events"].pop("e-other"), id=f"e{ERASE}x")
    month.write_bytes(orjson.dumps(data))
    store = Store.open(evil_db, create=False)
    event = store.event(f"e{ERASE}x")
    store.update_event(Event(**{**event.to_dict(), "title": "neu"}), event.sequence)
    assert set(orjson.loads(month.read_bytes())["events"]) == {"e-evil", f"e{ERASE}x"}
    done = subprocess.run([_thekiz(), "--db", str(evil_db), "list", "--from", "1.11.2026",
                           "--to", "30.11.2026"], env=_env(), capture_output=True, timeout=120)
    assert done.returncode == 0 and f"e{REPLACEMENT}[2Jx".encode() in done.stdout
    _assert_inert(done.stdout, "thekiz list")


# -- notifications -----------------------------------------------------------------------


async def test_a_notification_shows_what_it_quotes_inert(evil_db: Path) -> None:
    """Errors are told in notifications, and an error may quote what someone typed or
    stored: the app's ``notify`` (which every screen and widget calls) shows it inert."""
    from thekiz_tui.app import PlannerApp, PlannerContext

    app = PlannerApp(PlannerContext(db=evil_db, today=date(2026, 11, 10)))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.notify("Kita „Ab\x1b]52;c;ZXZpbA==\x07cd“ fehlt.", title="Xy\x1b[2Jz")
        shown = ""
        # (until the toast's text is painted: a few refreshes, more on a busy machine;
        # "fehlt" alone may stand on the planner already, a finding of the evil store)
        for _ in range(1000):
            await pilot.pause()
            shown = app.export_screenshot()
            if "fehlt" in shown and "52;c;ZXZpbA==" in shown:
                break
        assert "fehlt" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert REPLACEMENT in shown and "52;c;ZXZpbA==" in shown  # (the SVG splits it)


def test_the_forms_reason_is_english_in_english() -> None:
    """--lang en: the reason the form shows is English from end to end."""
    from thekiz_tui.i18n import set_lang
    from thekiz_tui.planning.validate import text_problems

    event = Event(id="ev-x", kind="sonstiges", start="2026-11-12T13:00:00+01:00",
                  end="2026-11-12T14:00:00+01:00", title="a\u202eb", coaches=["c-anna"])
    (problem,) = text_problems(event)
    assert problem.message == (
        "Der Titel enthält ein Richtungssteuerzeichen (U+202E); solche Zeichen steuern "
        "Terminals und werden nicht gespeichert.")
    set_lang("en")
    try:
        assert problem.text() == (
            "The title contains a bidi control character (U+202E); such characters control "
            "terminals and are not saved.")
    finally:
        set_lang("de")
