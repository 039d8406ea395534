"""The planner's dialogs and the help screen, driven with the keyboard in a small host app
against a real store on disk (the demo of 25.11.2026)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot, temp_files
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Select, Static
from textual.widgets.select import InvalidSelectValueError

from store import Coach, Event, Kita, Store
from thekiz_tui.demo import write_demo
from thekiz_tui.dialogs.common import (
    ChooseDialog,
    ConfirmDialog,
    DateDialog,
    ReasonDialog,
    SeriesScopeDialog,
)
from thekiz_tui.dialogs.ical import CREATE, DROP, ExportDialog, ImportDialog
from thekiz_tui.ical import export_calendar
from thekiz_tui.ical.scope import export_events, export_scope, write_export
from thekiz_tui.keys import PLANNER
from thekiz_tui.screens.help import HelpScreen, key_display

TODAY = date(2026, 11, 25)
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


class Host(App[None]):
    """Pushes one dialog on start and keeps what it dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]],
                 keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []
        self.keymap = keymap or {}

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(self.make(), self.results.append)


async def settle(pilot: Pilot[Any]) -> None:
    """Until the workers are done and their results are shown."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def message(app: App[Any]) -> str:
    widget = app.screen.query_one("#message", Static)
    return str(widget.render()) if widget.display else ""


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "db" / "plan.json")
    write_demo(store, today=TODAY)
    return store


# -- confirm ---------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "expected"), [
    (["y"], True), (["j"], True), (["n"], False), (["escape"], False),
    (["enter"], False),  # the focus is on the safe choice
    (["shift+tab", "enter"], True),
])
async def test_confirm_answers(keys: list[str], expected: bool) -> None:
    app = Host(lambda: ConfirmDialog("Termin „Teamsitzung“ löschen?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Teamsitzung" in screen_text(app)
        await pilot.press(*keys)
        await pilot.pause()
        assert app.results == [expected]
        assert not isinstance(app.screen, ConfirmDialog)


async def test_confirm_by_mouse() -> None:
    app = Host(lambda: ConfirmDialog("Löschen?", yes="Weg damit"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Weg damit" in screen_text(app)
        await pilot.click("#yes")
        await pilot.pause()
        assert app.results == [True]


# -- go to a date ----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    # without a year: the next one from the month in view (November 2026) on
    ("4.3.", date(2027, 3, 4)),
    ("20.11.", date(2026, 11, 20)),
    ("1.11.", date(2026, 11, 1)),
    ("04.03.2027", date(2027, 3, 4)),
    ("2026-03-04", date(2026, 3, 4)),
    ("heute", TODAY),
])
async def test_date_dialog_reads_german_dates(typed: str, expected: date) -> None:
    app = Host(lambda: DateDialog(date(2026, 11, 2), today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "02.11.2026" in screen_text(app)
        await pilot.press(*typed)  # replaces the selected initial date
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [expected]


async def test_date_dialog_keeps_a_wrong_date_open_with_a_reason() -> None:
    app = Host(lambda: DateDialog(TODAY, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"31.2.", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DateDialog)
        assert app.results == []
        assert "kein gültiges Datum" in message(app)
        assert "kein gültiges Datum" in screen_text(app)
        await pilot.press(*"xyz", "enter")
        await pilot.pause()
        assert "kein Datum" in message(app)
        for _ in range(8):
            await pilot.press("backspace")
        await pilot.press(*"1.12.", "enter")
        await pilot.pause()
        assert app.results == [date(2026, 12, 1)]


async def test_date_dialog_escape() -> None:
    app = Host(lambda: DateDialog(TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"4.3.", "escape")
        await pilot.pause()
        assert app.results == [None]


# -- reason, series scope, choose ------------------------------------------------------


@pytest.mark.parametrize(("keys", "expected"), [
    ([*"  mit der Kita geklärt ", "enter"], "mit der Kita geklärt"),
    (["enter"], ""),
    ([*"egal", "escape"], None),
])
async def test_reason_dialog(keys: list[str], expected: str | None) -> None:
    app = Host(lambda: ReasonDialog("Befund quittieren: Doppelbuchung"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Doppelbuchung" in screen_text(app)
        await pilot.press(*keys)
        await pilot.pause()
        assert app.results == [expected]


@pytest.mark.parametrize(("key", "expected"), [
    ("1", "this"), ("2", "following"), ("3", "all"), ("escape", None), ("enter", "this"),
])
async def test_series_scope_dialog(key: str, expected: str | None) -> None:
    app = Host(lambda: SeriesScopeDialog("löschen"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Wiederkehrenden Termin löschen" in text
        for label in ("Nur diesen Termin", "Diesen und alle folgenden",
                      "Alle Termine der Serie"):
            assert label in text
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [expected]


@pytest.mark.parametrize(("keys", "expected"), [
    (["enter"], "e1/20261125"), (["down", "enter"], "e2"), (["escape"], None),
])
async def test_choose_dialog(keys: list[str], expected: str | None) -> None:
    options = [("e1/20261125", "09:30  Teamsitzung [Kita]"), ("e2", "14:00  Fachtag")]
    app = Host(lambda: ChooseDialog("Welcher Termin?", options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "09:30  Teamsitzung [Kita]" in screen_text(app)  # no markup
        await pilot.press(*keys)
        await pilot.pause()
        assert app.results == [expected]


# -- export ----------------------------------------------------------------------------


def _without_stamps(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(b"DTSTAMP:")]


def _coach_with_some_events(store: Store) -> str:
    everyone = export_scope(store, start=NOVEMBER[0], end=NOVEMBER[1])
    for coach in store.coaches():
        mine = export_scope(store, coach=coach.id, start=NOVEMBER[0], end=NOVEMBER[1])
        if 0 < len(mine) < len(everyone):
            return coach.id
    raise AssertionError("the demo has no coach with some of November's events")


async def test_export_writes_the_scope_like_the_cli(demo: Store, tmp_path: Path) -> None:
    import icalendar

    from thekiz_tui import cli

    coach = _coach_with_some_events(demo)
    expected = export_scope(demo, coach=coach, start=NOVEMBER[0], end=NOVEMBER[1])
    target = tmp_path / "out" / "jana.ics"
    target.parent.mkdir()
    app = Host(lambda: ExportDialog(demo, today=TODAY, coach=coach, kita=None, kind=None,
                                    start=NOVEMBER[0], end=NOVEMBER[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "01.11.2026" in text and "30.11.2026" in text
        assert "thekiz-2026-11.ics" in text
        assert f"{len(expected)} Termine werden exportiert." in text
        # Every control is on the screen at 80x24.
        for button in app.screen.query(Button):
            assert button.region.bottom <= 24 and button.region.right <= 80
        await pilot.press(*str(target), "enter")
        await settle(pilot)
        assert app.results == [f"{len(expected)} Termine nach {target} exportiert."]

    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    uids = [str(c["UID"]) for c in calendar.walk("VEVENT")]
    assert sorted(uids) == sorted(e.uid for e in expected)
    assert temp_files(target.parent) == []

    by_cli = tmp_path / "cli.ics"
    assert cli.run(["--db", str(demo.path), "export", "--coach", coach, "--from",
                    "1.11.2026", "--to", "30.11.2026", "-o", str(by_cli)]) == 0
    assert _without_stamps(target.read_bytes()) == _without_stamps(by_cli.read_bytes())


async def test_export_count_follows_the_scope_and_the_file_name_the_dates(
    demo: Store, tmp_path: Path
) -> None:
    app = Host(lambda: ExportDialog(demo, today=TODAY, coach=None, kita=None, kind=None,
                                    start=NOVEMBER[0], end=NOVEMBER[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        every = len(export_scope(demo, start=NOVEMBER[0], end=NOVEMBER[1]))
        assert f"{every} Termine werden exportiert." in screen_text(app)
        await pilot.press("shift+tab")  # from the path to "bis"
        await pilot.press(*"15.11.2026")
        await settle(pilot)
        half = len(export_scope(demo, start=NOVEMBER[0], end=date(2026, 11, 16)))
        assert half < every
        text = screen_text(app)
        assert f"{half} Termine werden exportiert." in text
        assert "thekiz-2026-11-01-2026-11-15.ics" in text
        # in her documents folder, never silently the current directory
        from thekiz_tui.files import default_folder

        assert app.screen.query_one("#path").value == str(  # type: ignore[attr-defined]
            default_folder() / "thekiz-2026-11-01-2026-11-15.ics")
        await pilot.press(*["backspace"] * 10, *"1.10.2026")  # before "von"
        await settle(pilot)
        assert "liegt vor dem Anfang" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "liegt vor dem Anfang" in message(app)
        assert isinstance(app.screen, ExportDialog) and app.results == []


@pytest.mark.parametrize("where", ["under_a_file", "a_folder", "missing_folder"])
async def test_export_error_stays_in_the_dialog(demo: Store, tmp_path: Path,
                                                where: str) -> None:
    (tmp_path / "afile").write_text("x")
    target = {
        "under_a_file": tmp_path / "afile" / "x.ics",
        "a_folder": tmp_path,
        "missing_folder": tmp_path / "nowhere" / "x.ics",
    }[where]
    reason = {
        "under_a_file": "gibt es nicht",
        "a_folder": "ist ein Ordner",
        "missing_folder": "gibt es nicht",
    }[where]
    app = Host(lambda: ExportDialog(demo, today=TODAY, coach=None, kita=None, kind=None,
                                    start=NOVEMBER[0], end=NOVEMBER[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*str(target), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert app.results == []
        assert reason in message(app)
        assert reason in screen_text(app)
        assert not app.screen.query_one("#export", Button).disabled
        await pilot.press("escape")  # the app is still there and answers
        await pilot.pause()
        assert app.results == [None]
    assert temp_files(tmp_path) == []


def test_write_export_replaces_atomically_and_names_the_given_path(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    write_export(target, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert target.stat().st_mode & 0o777 == 0o600
    assert temp_files(tmp_path) == []
    given = str(tmp_path / "plan.ics" / "x.ics")
    with pytest.raises(OSError) as caught:
        write_export(given, b"data")
    assert caught.value.filename == given
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert temp_files(tmp_path) == []


# -- import ----------------------------------------------------------------------------


def _prepare_import(store: Store, tmp_path: Path) -> tuple[Path, list[str], str]:
    """November as a file; then two of its events removed and one renamed in the store."""
    events, data = export_events(store, start=NOVEMBER[0], end=NOVEMBER[1])
    path = tmp_path / "november.ics"
    path.write_bytes(data)
    singles = [e for e in events if not e.series]
    removed = [singles[0].id, singles[1].id]
    for event_id in removed:
        store.remove_event(event_id)
    renamed = store.event(singles[2].id)
    renamed.title = "Umbenannt"
    store.update_event(renamed)
    return path, removed, singles[2].id


async def test_import_preview_writes_nothing_then_import_writes(
    demo: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from thekiz_tui import cli

    path, removed, renamed = _prepare_import(demo, tmp_path)
    total = len(export_scope(demo, start=NOVEMBER[0], end=NOVEMBER[1])) + 2
    folder = demo.path.parent
    before = snapshot(folder)
    capsys.readouterr()
    assert cli.run(["--db", str(demo.path), "import", str(path), "--dry-run"]) == 0
    cli_lines = capsys.readouterr().out.splitlines()
    app = Host(lambda: ImportDialog(demo, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*str(path), "enter")  # Enter in the path: the preview
        await settle(pilot)
        text = screen_text(app)
        assert "Probelauf: nichts wurde gespeichert." in text
        assert "neu: 2" in text
        assert "geändert: 1" in text
        shown = str(app.screen.query_one("#plan-text", Static).render()).splitlines()
        assert f"unverändert: {total - 3}" in shown  # further down in the scrolled box
        assert snapshot(folder) == before
        assert isinstance(app.screen, ImportDialog) and app.results == []
        for button in app.screen.query(Button):
            assert button.region.bottom <= 24

        # The same words as `thekiz import --dry-run`.
        assert shown[:1] == cli_lines[:1]
        new_at = cli_lines.index("neu: 2")
        assert cli_lines[new_at:new_at + 4] == shown[1:5]  # "neu: 2", both, "geändert: 1"

        await pilot.click("#import")
        await settle(pilot)
        assert app.results == [
            f"Import aus november.ics: 2 neu, 1 geändert, {total - 3} unverändert."
        ]
    assert {e.id for e in demo.events()} >= set(removed)
    assert demo.event(renamed).title != "Umbenannt"


async def test_a_broken_file_shows_the_line_and_imports_nothing(
    demo: Store, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Test\r\n"
        b"DTSTART:2026XX\r\nDTEND:20261126T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    folder = demo.path.parent
    before = snapshot(folder)
    app = Host(lambda: ImportDialog(demo, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*str(broken), "enter")
        await settle(pilot)
        assert "Zeile 6" in message(app)
        await pilot.click("#import")
        await settle(pilot)
        assert "Zeile 6" in message(app)
        assert "Zeile 6" in screen_text(app)
        assert isinstance(app.screen, ImportDialog) and app.results == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
    assert snapshot(folder) == before


async def test_import_of_a_missing_file_says_so(demo: Store, tmp_path: Path) -> None:
    app = Host(lambda: ImportDialog(demo, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*str(tmp_path / "fehlt.ics"), "enter")
        await settle(pilot)
        assert "gibt es nicht" in message(app)
        assert isinstance(app.screen, ImportDialog)


# -- import: unknown coaches and Kitas, chosen in the dialog ----------------------------


@pytest.fixture
def office_db(tmp_path: Path) -> Path:
    path = tmp_path / "office" / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="jana", name="Jana Lindner"))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume"))
    return path


@pytest.fixture
def other_store_file(tmp_path: Path) -> Path:
    """Another store's export: coach "fremd" at a Kita of ours, and at an Arbeitskreis
    held in Kita "k-fremd", which also takes part."""
    coaches = {"fremd": Coach(id="fremd", name="Frieda Fremd")}
    kitas = {"k-fremd": Kita(id="k-fremd", name="Kita Anderswo"),
             "sonne": Kita(id="sonne", name="Kita Sonnenblume")}
    events = [
        Event(id="e1", kind="begleitung", start="2027-01-12T09:00:00+01:00",
              end="2027-01-12T11:00:00+01:00", coaches=["fremd"], kita="sonne",
              title="Besuch", uid="e1@thekiz"),
        Event(id="e2", kind="arbeitskreis", start="2027-01-14T13:00:00+01:00",
              end="2027-01-14T16:00:00+01:00", coaches=["fremd"], kita="k-fremd",
              participants=["k-fremd"], title="Arbeitskreis", uid="e2@thekiz"),
    ]
    path = tmp_path / "anders.ics"
    path.write_bytes(export_calendar(events, coaches=coaches, kitas=kitas, name="anders"))
    return path


def plan_text(app: App[Any]) -> str:
    return str(app.screen.query_one("#plan-text", Static).render())


async def test_the_dialog_maps_one_unknown_id_drops_another_and_imports(
        office_db: Path, other_store_file: Path) -> None:
    before = office_db.read_bytes()
    app = Host(lambda: ImportDialog(Store.open(office_db), today=date(2027, 1, 10)))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*str(other_store_file), "enter")  # the preview
        await settle(pilot)
        coach, kita = app.screen.query(".unknown-choice").results(Select)
        labels = [str(label.render()) for label in app.screen.query("#unknown Label")]
        assert labels == ["Prozessbegleiter*in „fremd“", "Kita „k-fremd“"]
        assert plan_text(app).count("bitte wählen") == 2
        # without her word nothing is imported, and the dialog (not the CLI) says why
        await pilot.click("#import")
        await settle(pilot)
        shown = str(app.screen.query_one("#message", Static).render())
        assert "k-fremd" in shown and "wählen" in shown and "--map" not in shown
        assert app.results == [] and office_db.read_bytes() == before

        coach.value = "jana"  # the office could also create her: offered
        kita.value = CREATE
        kita.value = DROP
        await settle(pilot)
        text = plan_text(app)
        assert "Prozessbegleiter*in „fremd“: wird zu „Jana Lindner“" in text
        assert "Kita „k-fremd“: wird weggelassen" in text
        assert "So kann importiert werden." in text
        await pilot.click("#import")
        await settle(pilot)
        assert app.results and app.results[0].startswith("Import aus anders.ics: 2 neu")
    store = Store.open(office_db)
    events = {e.uid: e.to_dict() for e in store.events()}
    assert (events["e1@thekiz"]["coaches"], events["e1@thekiz"]["kita"]) == (["jana"], "sonne")
    assert (events["e2@thekiz"]["coaches"], events["e2@thekiz"]["kita"],
            events["e2@thekiz"]["participants"]) == (["jana"], None, [])
    # every reference names a coach or Kita the store has; none was created
    assert {c.id for c in store.coaches()} == {"jana"}
    assert {k.id for k in store.kitas()} == {"sonne"}


async def test_a_coach_may_map_or_drop_in_the_dialog_but_not_create(
        office_db: Path, other_store_file: Path) -> None:
    from thekiz_tui.session.guarded_store import guard

    app = Host(lambda: ImportDialog(guard(Store.open(office_db), "jana"), today=date(2027, 1, 10)))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*str(other_store_file), "enter")
        await settle(pilot)
        # Kita Sonnenblume is not one she accompanies: to her it is as unknown as
        # k-fremd (as `thekiz --as jana add --kita sonne` says), never a known one
        labels = [str(label.render()) for label in app.screen.query("#unknown Label")]
        assert labels == ["Prozessbegleiter*in „fremd“", "Kita „sonne“", "Kita „k-fremd“"]
        coach, *kitas = app.screen.query(".unknown-choice").results(Select)
        for choice in (coach, *kitas):
            with pytest.raises(InvalidSelectValueError):
                choice.value = CREATE  # (as `thekiz --as jana import --create-missing`)
        for kita in kitas:
            with pytest.raises(InvalidSelectValueError):
                kita.value = "sonne"
            kita.value = DROP
        coach.value = "jana"
        await settle(pilot)
        text = plan_text(app)
        assert "Sonnenblume" not in text
        assert "Kita „sonne“: wird weggelassen" in text
        assert "„Besuch“ (2027-01-12): Eine Prozessbegleitung braucht eine Kita." in text


async def test_a_coachs_preview_says_what_her_rights_refuse(
        office_db: Path, tmp_path: Path) -> None:
    """An Arbeitskreis in her file (a shared date: the office's): the preview says the
    permission layer's refusal, as the import will; it showed a plan as if it could be
    imported."""
    from thekiz_tui.session.guarded_store import guard

    path = tmp_path / "ak.ics"
    path.write_bytes(export_calendar([Event(
        id="ak", kind="arbeitskreis", start="2027-01-14T13:00:00+01:00",
        end="2027-01-14T16:00:00+01:00", coaches=["jana"], title="Arbeitskreis West",
        uid="ak@thekiz")], coaches={}, kitas={}, name="ak"))
    before = office_db.read_bytes()
    app = Host(lambda: ImportDialog(guard(Store.open(office_db), "jana"), today=date(2027, 1, 10)))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*str(path), "enter")
        await settle(pilot)
        assert "Keine Berechtigung: „Arbeitskreis West“" in plan_text(app)
    assert office_db.read_bytes() == before


# -- help ------------------------------------------------------------------------------


async def test_help_lists_every_action_with_its_keys_in_force() -> None:
    app = Host(HelpScreen, keymap={"thekiz.kitas": "i"})
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        for action in PLANNER:
            row = next((line for line in lines if f" {action.id} " in f"{line} "), None)
            assert row is not None, action.id
            keys = "i" if action.id == "thekiz.kitas" else action.keys
            first = key_display(keys.split(",")[0])
            assert f" {first}" in row, (action.id, first, row)
        text = "\n".join(lines)
        for group in ("Ansicht", "Bewegen", "Planen", "Mehr"):
            assert group in text
        assert "[keys]" in text
        remap = str(app.screen.query_one(".remap", Static).render())
        assert '"thekiz.kitas" = "i"' in remap
        await pilot.press("q")
        await pilot.pause()
        assert app.results == [None]


@pytest.mark.parametrize("key", ["escape", "question_mark"])
async def test_help_scrolls_at_80x24_and_closes(key: str) -> None:
    app = Host(HelpScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "thekiz.quit" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert "thekiz.quit" in screen_text(app)
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [None]


def test_key_names_have_no_wide_or_ambiguous_characters() -> None:
    import unicodedata

    assert key_display("left") == "Links"
    assert key_display("shift+up") == "Shift+Hoch"
    assert key_display("ctrl+z") == "Strg+z"
    assert key_display("left_square_bracket") == "["
    assert key_display("question_mark") == "?"
    assert key_display("f1") == "F1"
    shown = "".join(key_display(k) for a in PLANNER for k in a.keys.split(","))
    shown += key_display("backspace") + key_display("enter") + key_display("ctrl+pagedown")
    # Letters like ü count as "ambiguous" too, but every terminal draws them one column.
    symbols = [c for c in shown if not c.isalpha()]
    assert all(unicodedata.east_asian_width(c) in ("N", "Na") for c in symbols), shown

