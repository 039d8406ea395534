"""The planner's flows, driven by keys through Textual's Pilot on a real store on disk.

Each test opens the demo programme of 25.11.2026 (a fictional store written by
``thekiz demo``), presses keys as a coach would, and checks the store and the screen.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app

from store import Event, Store
from thekiz_tui import cli
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.demo import write_demo
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    write_demo(Store.open(path), today=TODAY, seed=0)
    return path


def make_app(db: Path, **kw: object) -> PlannerApp:
    return PlannerApp(PlannerContext(db=db, today=TODAY, **kw))  # type: ignore[arg-type]


async def settle(app: PlannerApp, pilot: object) -> None:
    """Until no worker runs and the screen has caught up (no sleeping)."""
    await settle_app(app, pilot)


async def press(app: PlannerApp, pilot: object, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)  # type: ignore[attr-defined]
        await settle(app, pilot)


def planner(app: PlannerApp) -> PlannerScreen:
    for screen in app.screen_stack:
        if isinstance(screen, PlannerScreen):
            return screen
    raise AssertionError("no planner screen")


def screen_text(app: PlannerApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def listed(db: Path, *args: str) -> list[dict[str, object]]:
    """What ``thekiz list --format json`` says: the CLI reads the store afresh."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli.run(["--db", str(db), "list", "--format", "json", *args]) == 0
    return json.loads(buffer.getvalue())


def single_event_on(app: PlannerApp, day: date) -> Event:
    """A non-recurring event on ``day`` (selected in the planner)."""
    screen = planner(app)
    assert screen.snapshot is not None
    for occ in screen.snapshot.on(day):
        if occ.recurrence_id is None and not occ.event.all_day:
            return occ.event
    raise AssertionError(f"no single event on {day}")


async def select_single_event(app: PlannerApp, pilot: object) -> Event:
    """Select a non-recurring event of 26.11.2026 (the day after today) with keys."""
    screen = planner(app)
    event = single_event_on(app, date(2026, 11, 26))
    await press(app, pilot, "l")
    while screen.selected != event.id:
        await press(app, pilot, "full_stop")
    return event


# -- navigation -----------------------------------------------------------------------


async def test_navigation_keys_and_views_keep_the_day(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        assert screen.day == TODAY and screen.view == "month"
        assert "November 2026" in screen_text(app)
        await press(app, pilot, "l", "l", "j")  # two days on, one week down
        assert screen.day == date(2026, 12, 4)
        assert "Dezember 2026" in screen_text(app)
        await press(app, pilot, "h", "k", "left", "up", "right", "down")
        assert screen.day == date(2026, 11, 26)
        await press(app, pilot, "right_square_bracket")
        assert screen.day == date(2026, 12, 26)
        await press(app, pilot, "pageup", "pageup")
        assert screen.day == date(2026, 10, 26)
        await press(app, pilot, "w")
        assert screen.view == "week" and screen.day == date(2026, 10, 26)
        await press(app, pilot, "right_square_bracket")  # a week in the week view
        assert screen.day == date(2026, 11, 2)
        await press(app, pilot, "a")
        assert screen.view == "agenda" and screen.day == date(2026, 11, 2)
        await press(app, pilot, "t")
        assert screen.day == TODAY
        await press(app, pilot, "m")
        assert screen.view == "month" and screen.day == TODAY
        # g: go to a date typed the German way
        await press(app, pilot, "g")
        await pilot.press(*"4.3.2027")
        await press(app, pilot, "enter")
        assert screen.day == date(2027, 3, 4)
        assert "März 2027" in screen_text(app)


async def test_mouse_click_selects_a_day(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        month = app.screen.query_one("#month")
        region = month.content_region
        # the last row of the grid holds days of the week after the month ends
        await pilot.click("#month", offset=(region.width // 2, region.height - 2))
        await settle(app, pilot)
        assert screen.day != TODAY
        assert screen.day >= date(2026, 11, 30)


# -- filters and findings -------------------------------------------------------------


async def test_filter_by_coach_hides_other_coaches_events(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        assert screen.snapshot is not None
        before = screen.snapshot.occurrences
        coaches = {c for o in before for c in o.event.coaches}
        chosen = sorted(coaches)[0]
        from thekiz_tui.widgets.side_panel import SidePanel

        panel = app.screen.query_one(SidePanel)
        from textual.widgets import Select

        panel.query_one("#filter-coach", Select).value = chosen
        await settle(app, pilot)
        after = screen.snapshot.occurrences
        assert after and len(after) < len(before)
        assert all(chosen in o.event.coaches for o in after)
        assert screen.filters.coach == chosen


async def test_choosing_a_finding_jumps_to_its_event(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        assert screen.snapshot is not None
        target = next(f for f in screen.snapshot.findings if f.events and f.rule != "budget"
                      and f.start[:10] != TODAY.isoformat())
        await press(app, pilot, "f")  # focus the findings list
        from textual.widgets import OptionList

        findings = app.screen.query_one("#findings", OptionList)
        assert findings.has_focus
        findings.highlighted = list(screen.snapshot.findings).index(target)
        await press(app, pilot, "enter")
        assert screen.day == date.fromisoformat(target.start[:10])
        assert screen.selected == target.events[0]


async def test_acknowledge_a_finding_from_the_panel(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        assert screen.snapshot is not None
        first_open = next(f for f in screen.snapshot.findings if not f.acknowledged)
        await press(app, pilot, "f")
        from textual.widgets import OptionList

        app.screen.query_one("#findings", OptionList).highlighted = list(
            screen.snapshot.findings).index(first_open)
        await press(app, pilot, "b")
        await pilot.press(*"mit Kita besprochen")
        await press(app, pilot, "enter")
        acks = {a.finding: a for a in Store.open(demo_db).acks()}
        assert acks[first_open.id].reason == "mit Kita besprochen"
        refreshed = {f.id: f for f in screen.snapshot.findings}
        assert refreshed[first_open.id].acknowledged


# -- changing events ------------------------------------------------------------------


async def test_move_undo_redo_a_single_event(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        event = await select_single_event(app, pilot)
        await press(app, pilot, "greater_than_sign")  # one day later
        moved = Store.open(demo_db).event(event.id)
        assert moved.start[:10] == "2026-11-27" and moved.start[10:] == event.start[10:]
        assert screen.day == date(2026, 11, 27) and screen.selected == event.id
        await press(app, pilot, "u")
        assert Store.open(demo_db).event(event.id).start == event.start
        await press(app, pilot, "ctrl+y")
        assert Store.open(demo_db).event(event.id).start[:10] == "2026-11-27"


async def test_delete_asks_and_undo_brings_it_back(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        event = await select_single_event(app, pilot)
        await press(app, pilot, "x", "n")  # asked, and said no
        assert Store.open(demo_db).event(event.id).id == event.id
        await press(app, pilot, "x", "j")
        assert event.id not in {e["id"] for e in listed(demo_db, "--from", "26.11.2026")}
        await press(app, pilot, "ctrl+z")
        back = Store.open(demo_db).event(event.id)
        assert (back.start, back.end, back.title, back.kita) == (
            event.start, event.end, event.title, event.kita)


async def _select_series_occurrence(app: PlannerApp, pilot: object) -> tuple[str, str, date]:
    """Select the demo's first Arbeitskreis occurrence after today; its id and rid."""
    screen = planner(app)
    for _ in range(4):
        assert screen.snapshot is not None
        for occ in screen.snapshot.occurrences:
            day = screen.snapshot.local_day(occ.start_ts)
            if occ.recurrence_id and day > TODAY:
                screen.day = day
                await settle(app, pilot)
                while screen.selected != occ.key:
                    await press(app, pilot, "full_stop")
                return occ.id, occ.recurrence_id, day
        await press(app, pilot, "right_square_bracket")
    raise AssertionError("no series in the demo")


async def test_delete_one_occurrence_of_a_series_and_undo(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        series_id, rid, _ = await _select_series_occurrence(app, pilot)
        before = Store.open(demo_db).event(series_id)
        await press(app, pilot, "x", "1")  # only this one
        after = Store.open(demo_db).event(series_id)
        assert after.exdates == [*before.exdates, rid]
        assert after.rrule == before.rrule
        await press(app, pilot, "u")
        assert Store.open(demo_db).event(series_id).exdates == before.exdates


async def test_move_this_and_following_splits_the_series(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        series_id, _rid, day = await _select_series_occurrence(app, pilot)
        before = Store.open(demo_db).events()
        await press(app, pilot, "greater_than_sign", "2")  # this and the following
        store = Store.open(demo_db)
        old = store.event(series_id)
        assert "UNTIL=" in (old.rrule or "")
        new = [e for e in store.events() if e.id not in {b.id for b in before}]
        assert len(new) == 1 and new[0].rrule
        assert new[0].start[:10] == date.fromordinal(day.toordinal() + 1).isoformat()
        await press(app, pilot, "u")
        store = Store.open(demo_db)
        assert {e.id for e in store.events()} == {b.id for b in before}
        assert store.event(series_id).rrule == next(b for b in before
                                                    if b.id == series_id).rrule


# -- the form -------------------------------------------------------------------------


async def _type_into(app: PlannerApp, pilot: object, field: str, text: str) -> None:
    from textual.widgets import Input

    widget = app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_create_shows_live_findings_before_saving(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        # Kita Regenbogen already has an event at 09:00-11:00 today in the demo.
        busy = next(o.event for o in screen.snapshot.on(TODAY) if o.event.kita)
        await press(app, pilot, "n")
        from thekiz_tui.dialogs.event_form import EventForm

        assert isinstance(app.screen, EventForm)
        await _type_into(app, pilot, "title", "Teamberatung")
        await _type_into(app, pilot, "start", "930")
        await _type_into(app, pilot, "end", "1030")
        kita_input = app.screen.query_one("#kita")
        kita_input.focus()
        name = screen.snapshot.kitas[busy.kita].name
        await pilot.press(*name.removeprefix("Kita ")[:6])
        await settle(app, pilot)
        await press(app, pilot, "down", "enter")
        from textual.widgets import OptionList, SelectionList

        coaches = app.screen.query_one("#coaches", SelectionList)
        coaches.focus()
        coaches.highlighted = next(i for i in range(coaches.option_count)
                                   if coaches.get_option_at_index(i).value == busy.coaches[0])
        await press(app, pilot, "space")

        shown = app.screen.query_one("#findings", OptionList)
        texts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
        assert any("zwei Termine zugleich" in t or "doppelt" in t for t in texts), texts
        ids_before = {e["id"] for e in listed(demo_db, "--from", "25.11.2026", "--to",
                                              "25.11.2026")}
        await press(app, pilot, "ctrl+s")
        errors = [str(w.render()) for w in app.screen.query(".field-error")]
        assert not isinstance(app.screen, EventForm), errors
        rows = listed(demo_db, "--from", "25.11.2026", "--to", "25.11.2026")
        created = [r for r in rows if r["id"] not in ids_before]
        assert len(created) == 1
        assert created[0]["title"] == "Teamberatung"
        assert str(created[0]["start"]).startswith("2026-11-25T09:30")
        assert created[0]["kita"] == busy.kita
        assert created[0]["coaches"] == [busy.coaches[0]]
        assert screen.selected == created[0]["id"]
        await press(app, pilot, "u")
        assert created[0]["id"] not in {
            r["id"] for r in listed(demo_db, "--from", "25.11.2026", "--to", "25.11.2026")}


async def test_edit_an_event_with_enter(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        event = await select_single_event(app, pilot)
        await press(app, pilot, "enter")
        await _type_into(app, pilot, "location", "Turnhalle")
        await press(app, pilot, "ctrl+s")
        stored = Store.open(demo_db).event(event.id)
        assert stored.location == "Turnhalle"
        assert stored.sequence == event.sequence + 1
        assert stored.start == event.start


async def test_edit_one_occurrence_of_a_series(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        series_id, rid, _ = await _select_series_occurrence(app, pilot)
        await press(app, pilot, "e")
        await _type_into(app, pilot, "location", "Jena, Volkshaus")
        await press(app, pilot, "ctrl+s", "1")
        master = Store.open(demo_db).event(series_id)
        assert master.overrides[rid]["location"] == "Jena, Volkshaus"
        others = [k for k, v in master.overrides.items()
                  if k != rid and v.get("location") == "Jena, Volkshaus"]
        assert not others


# -- other screens --------------------------------------------------------------------


async def test_kita_overview_opens_the_kitas_events(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        from thekiz_tui.screens.kitas import KitasScreen

        await press(app, pilot, "K")
        assert isinstance(app.screen, KitasScreen)
        text = screen_text(app)
        assert "Kita" in text and "Basis" in text
        await press(app, pilot, "enter")
        screen = planner(app)
        assert app.screen is screen
        assert screen.view == "agenda" and screen.filters.kita is not None
        assert screen.snapshot is not None
        assert all(o.event.kita == screen.filters.kita
                   or screen.filters.kita in o.event.participants
                   for o in screen.snapshot.occurrences)
        await press(app, pilot, "K", "escape")
        assert app.screen is screen


async def test_report_shows_the_month(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        from thekiz_tui.screens.report import ReportScreen

        await press(app, pilot, "r")
        assert isinstance(app.screen, ReportScreen)
        assert "11.2026" in screen_text(app) or "November 2026" in screen_text(app)
        await press(app, pilot, "escape")
        assert isinstance(app.screen, PlannerScreen)


async def test_export_dialog_writes_the_visible_month(demo_db: Path, tmp_path: Path) -> None:
    app = make_app(demo_db)
    target = tmp_path / "november.ics"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "E")
        from textual.widgets import Input

        path_input = next(w for w in app.screen.query(Input) if w.value.endswith(".ics"))
        path_input.value = str(target)
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, PlannerScreen)
    data = target.read_text(encoding="utf-8")
    uids = {r["uid"] for r in listed(demo_db, "--from", "1.11.2026", "--to", "30.11.2026")}
    assert uids and all(uid in data for uid in uids)


async def test_help_lists_the_keys(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "question_mark")
        text = screen_text(app)
        assert "thekiz.month" in text and "Bearbeiten" in text
        await press(app, pilot, "end")  # the rest is scrolled to
        text = screen_text(app)
        assert "thekiz.kitas" in text and "Rückgängig" in text
        await press(app, pilot, "escape")
        assert isinstance(app.screen, PlannerScreen)


async def test_command_palette_runs_an_action(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "ctrl+p")
        await pilot.press(*"Woche")
        await settle(app, pilot)
        await press(app, pilot, "enter")
        await settle(app, pilot)
        assert planner(app).view == "week"


async def test_remapped_key_and_english(demo_db: Path) -> None:
    app = make_app(demo_db, lang="en", keymap={"thekiz.kitas": "i"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Month" in text and "November 2026" in text
        from thekiz_tui.screens.kitas import KitasScreen

        await press(app, pilot, "i")
        assert isinstance(app.screen, KitasScreen)
    from thekiz_tui.i18n import set_lang

    set_lang("de")


# -- other processes ------------------------------------------------------------------


async def test_a_change_from_another_process_appears(demo_db: Path) -> None:
    import subprocess
    import sys

    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = planner(app)
        await press(app, pilot, "n")  # a form is open while the store changes
        from thekiz_tui.dialogs.event_form import EventForm

        form = app.screen
        assert isinstance(form, EventForm)
        subprocess.run(
            [sys.executable, "-m", "thekiz_tui", "--db", str(demo_db), "add",
             "--kind", "sonstiges", "--title", "Von nebenan", "--start", "27.11.2026 15:00",
             "--end", "16:00"],
            check=True, capture_output=True,
        )
        for _ in range(60):  # the poll runs every second; wait for its rebuild
            await pilot.pause(0.05)
            await settle(app, pilot)
            if screen.snapshot and any(o.event.title == "Von nebenan"
                                     for o in screen.snapshot.occurrences):
                break
        assert any(o.event.title == "Von nebenan" for o in screen.snapshot.occurrences)
        assert app.screen is form  # the form stayed open


def test_without_a_terminal_a_german_hint(demo_db: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(demo_db)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "braucht ein Terminal" in done.stderr
    assert "Traceback" not in done.stderr


async def test_q_quits_and_ctrl_c_says_how_in_german(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "ctrl+c")
        assert app.is_running
        assert any("q beendet thekiz." in str(n.message) for n in app._notifications)
        await press(app, pilot, "q")
        assert not app.is_running


async def test_hiding_the_side_panel_widens_the_month_at_once(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "Befunde" in screen_text(app) and "KW 44" not in screen_text(app)
        await press(app, pilot, "p")
        text = screen_text(app)
        assert "Befunde (" not in text
        assert "KW 44" in text  # the wide grid's week column, painted without another key


@pytest.mark.parametrize("first", ["w", "question_mark", "K"])
async def test_keys_pressed_while_the_planner_starts(demo_db: Path, first: str) -> None:
    """The week, the agenda and the side panel are mounted after the first frame: a key
    pressed before that still works, and nothing fails when they arrive."""
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(first)
        await settle(app, pilot)
        if first != "w":
            await press(app, pilot, "escape")
        screen = planner(app)
        assert app.screen is screen and screen._panel() is not None
        assert screen.view == ("week" if first == "w" else "month")
        assert "07:00" in screen_text(app) if first == "w" else "KW" in screen_text(app)



async def test_the_planner_collects_garbage_again_after_its_first_frame(demo_db: Path) -> None:
    """``thekiz`` switches the collector off for the start; the planner switches it on
    once the month is painted (and the rest mounted)."""
    import gc

    app = make_app(demo_db)
    gc.disable()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert planner(app)._panel() is not None
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


async def test_slash_finds_an_event_in_another_year_and_jumps_to_it(demo_db: Path) -> None:
    store = Store.open(demo_db)
    coach = store.coaches()[0].id
    store.add_event(Event(id="ev-far", kind="sonstiges", title="Jubiläumsfeier Waldwichtel",
                          start="2028-06-14T15:00:00+02:00", end="2028-06-14T17:00:00+02:00",
                          coaches=[coach]))
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "slash")
        for char in "jubilaum":  # without the umlaut
            await press(app, pilot, char)
        assert "14.06.2028 15:00  Jubiläumsfeier Waldwichtel" in screen_text(app)
        await press(app, pilot, "enter")
        assert isinstance(app.screen, PlannerScreen)
        screen = planner(app)
        assert screen.day == date(2028, 6, 14) and screen.selected == "ev-far"


async def test_an_empty_store_opens_on_the_first_steps(tmp_path: Path) -> None:
    from thekiz_tui.screens.first_steps import FirstStepsScreen
    from thekiz_tui.screens.people import PeopleScreen

    app = make_app(tmp_path / "leer.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstStepsScreen)
        assert "Kitas" in screen_text(app)
        await press(app, pilot, "c")
        assert isinstance(app.screen, PeopleScreen)
        await press(app, pilot, "escape")
        assert isinstance(app.screen, PlannerScreen)


async def test_a_store_with_data_opens_on_the_month(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PlannerScreen)
        await press(app, pilot, "S")
        assert type(app.screen).__name__ == "SettingsScreen"
        await press(app, pilot, "escape")
        await press(app, pilot, "P")
        assert type(app.screen).__name__ == "PeopleScreen"
