"""The day pane: the selected day in full beside the month grid, whose cells cut titles to
a few letters. Driven by keys through Textual's Pilot on the demo programme of
25.11.2026 in a real store on disk, with two visits of one coach at the same time on
Friday 27.11.2026 (whose double booking the planner finds).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import settle_app
from textual.widgets import Input

from store import Event, Store
from store.text import REPLACEMENT
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.demo import write_demo
from thekiz_tui.i18n import tr
from thekiz_tui.planning.labels import RULE_LABELS
from thekiz_tui.screens.planner import PlannerScreen
from thekiz_tui.widgets.day_pane import DayPane
from thekiz_tui.widgets.side_panel import SidePanel
from thekiz_tui.widgets.style import clean

TODAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
LONG = "Reflexionsgespräch mit dem ganzen Team über die Eingewöhnung der Jüngsten"
SECOND = "Elterncafé zur Sprachförderung im Familienzentrum am Nordpark"
EVIL = "Teamrunde \x1b]52;c;ZXZpbA==\x07 und \x1b[2J Schluss"


def visit(event_id: str, title: str, coach: str, kita: str, start: str, end: str) -> Event:
    return Event(id=event_id, kind="begleitung", title=title, coaches=[coach], kita=kita,
                 start=f"2026-11-27T{start}:00+01:00", end=f"2026-11-27T{end}:00+01:00")


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    store = Store.open(path)
    write_demo(store, today=TODAY, seed=0)
    coach = store.coaches()[0].id
    first, second = store.kitas()[0].id, store.kitas()[1].id
    store.add_event(visit("ev-long", LONG, coach, first, "09:30", "11:00"))
    store.add_event(visit("ev-second", SECOND, coach, second, "10:00", "12:15"))
    return path


def make_app(db: Path, **kw: Any) -> PlannerApp:
    return PlannerApp(PlannerContext(db=db, today=TODAY, **kw))


async def press(app: PlannerApp, pilot: Any, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle_app(app, pilot)


def planner(app: PlannerApp) -> PlannerScreen:
    return next(s for s in app.screen_stack if isinstance(s, PlannerScreen))


def pane(app: PlannerApp) -> DayPane:
    return planner(app).query_one(DayPane)


def pane_text(app: PlannerApp) -> str:
    """What the pane holds, its wrapped lines joined to one line of words."""
    return " ".join(" ".join(pane(app).text_lines()).split())


def screen_text(app: PlannerApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_pane_shows_the_day_in_full_and_follows_the_selection(
        demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_app(app, pilot)
        screen = planner(app)
        assert pane(app).display and screen.query_one(SidePanel).display  # room for both
        assert "Mittwoch, 25.11.2026" in screen_text(app)

        await press(app, pilot, "l", "l")
        assert screen.day == FRIDAY
        shown = pane_text(app)
        assert "Freitag, 27.11.2026" in shown
        snapshot = screen.snapshot
        assert snapshot is not None
        occurrences = {o.key: o for o in snapshot.on(FRIDAY)}
        for key, start, end, title in (("ev-long", "09:30", "11:00", LONG),
                                       ("ev-second", "10:00", "12:15", SECOND)):
            event = occurrences[key].event
            assert f"{start}-{end} Prozessbegleitung" in shown
            assert title in shown  # whole, where the grid's cell cuts it
            assert snapshot.kitas[event.kita].name in shown
            # the planner's own findings of the event: rule and message
            found = snapshot.findings_by_event.get(key, ())  # (a single event: all)
            assert found, "the double booking is a finding of both visits"
            for finding in found:
                assert tr(RULE_LABELS[finding.rule]) in shown
                assert " ".join(clean(finding.message).split()) in shown
        # the events' lines on the screen, as painted
        assert "09:30-11:00 Prozessbegleitung" in screen_text(app)

        await press(app, pilot, "g")
        await pilot.press(*"20.1.2027")
        await press(app, pilot, "enter")
        assert screen.day == date(2027, 1, 20)
        assert pane_text(app).startswith("Mittwoch, 20.01.2027")
        assert "Mittwoch, 20.01.2027" in screen_text(app)
        await press(app, pilot, "right_square_bracket")  # the next month
        assert pane_text(app).startswith("Samstag, 20.02.2027")
        await press(app, pilot, "up")
        assert pane_text(app).startswith("Samstag, 13.02.2027")
        assert "Samstag, 13.02.2027" in screen_text(app)


async def test_an_empty_day_says_so_and_a_holiday_is_named(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_app(app, pilot)
        screen = planner(app)
        await press(app, pilot, "l", "l", "l", "l")  # Sunday 29.11.2026
        assert screen.snapshot is not None and not screen.snapshot.on(date(2026, 11, 29))
        assert pane_text(app) == "Sonntag, 29.11.2026 Keine Termine"
        assert "Keine Termine" in screen_text(app)
        await press(app, pilot, "g")
        await pilot.press(*"25.12.2026")
        await press(app, pilot, "enter")
        holiday = screen.snapshot.holidays[date(2026, 12, 25)]
        assert pane_text(app).startswith(f"Freitag, 25.12.2026 {holiday}")


async def test_at_80_columns_the_key_swaps_the_side_panel_and_the_pane(
        demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        screen = planner(app)
        side, day = screen.query_one(SidePanel), pane(app)
        assert not side.display and not day.display  # the grid has all 80 columns
        assert "d Tag m Monat" in screen_text(app)  # the footer names the key
        await press(app, pilot, "d")
        assert day.display and not side.display
        assert "Mittwoch, 25.11.2026" in screen_text(app)
        await press(app, pilot, "d")
        assert side.display and not day.display
        assert "Befunde (" in screen_text(app)
        await press(app, pilot, "d")
        assert day.display and not side.display
        await press(app, pilot, "p")  # the side panel takes the pane's place as well
        assert side.display and not day.display
        await press(app, pilot, "p")  # and gives it back
        assert day.display and not side.display
        await press(app, pilot, "d", "p")  # the panel, then neither
        assert not side.display and not day.display
        # the week and the agenda show whole titles: no pane there; d opens the month
        await press(app, pilot, "d", "w")
        assert screen.view == "week" and not day.display
        await press(app, pilot, "d")
        assert screen.view == "month" and day.display


async def test_enter_on_the_panes_event_opens_it(demo_db: Path) -> None:
    from thekiz_tui.dialogs.event_form import EventForm

    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        screen = planner(app)
        await press(app, pilot, "d", "l", "l")
        day = pane(app)
        assert day.display
        # a click on the second visit's lines selects it, as a click in the grid does
        row = day.rows_of("ev-second")[1]
        await pilot.click(DayPane, offset=(5, row - round(day.scroll_y)))
        await settle_app(app, pilot)
        assert screen.selected == "ev-second" and day.has_focus
        # focused, up and down choose the day's events
        await press(app, pilot, "up")
        assert screen.selected == "ev-long"
        assert screen.day == FRIDAY  # (the grid's up would have gone back a week)
        await press(app, pilot, "enter")
        assert isinstance(app.screen, EventForm)
        assert app.screen.query_one("#title", Input).value == LONG
        await press(app, pilot, "escape")
        assert app.screen is screen
        await press(app, pilot, "down", "enter")
        assert isinstance(app.screen, EventForm)
        assert app.screen.query_one("#title", Input).value == SECOND


async def test_a_title_with_terminal_sequences_is_shown_inert(demo_db: Path) -> None:
    store = Store.open(demo_db, create=False)
    plain = store.event("ev-second")
    store.update_event(Event(**{**plain.to_dict(), "title": EVIL}), plain.sequence)
    app = make_app(demo_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_app(app, pilot)
        await press(app, pilot, "l", "l")
        shown = pane_text(app)
        assert f"Teamrunde {REPLACEMENT}]52;c;ZXZpbA=={REPLACEMENT} und {REPLACEMENT}[2J" \
               " Schluss" in shown
        painted = app.export_screenshot()
        assert "]52;c;ZXZpbA==" in painted.replace("&#160;", " ")
        assert "\x1b" not in painted and "\x07" not in painted
        assert "\x1b" not in screen_text(app)


@pytest.mark.parametrize("as_herself", [False, True])
async def test_the_coach_is_named_where_it_helps(demo_db: Path, as_herself: bool) -> None:
    """The office reads who does a visit; a coach in her own plan is not told her name."""
    store = Store.open(demo_db, create=False)
    coach = store.event("ev-long").coaches[0]
    name = next(c.name for c in store.coaches() if c.id == coach)
    app = make_app(demo_db, as_coach=coach if as_herself else None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_app(app, pilot)
        await press(app, pilot, "l", "l")
        assert LONG in pane_text(app)
        lines = [pane(app).text_lines()[i] for i in pane(app).rows_of("ev-long")]
        assert (f"  {name}" in lines) is not as_herself


async def test_the_help_and_the_footer_name_the_key_in_force_in_english(
        demo_db: Path) -> None:
    app = make_app(demo_db, lang="en", keymap={"thekiz.day": "D"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "D Day" in footer
        await press(app, pilot, "D")
        assert pane(app).display
        assert pane_text(app).startswith("Wednesday, 25.11.2026 today")
        await press(app, pilot, "question_mark")
        from textual.widgets import Static

        shown = " ".join(str(app.screen.query_one(".day", Static).render()).split())
        assert shown.startswith("Day in detail (D): beside the month, the selected day")
        assert "there D opens the month with it" in shown


# -- snapshots ---------------------------------------------------------------------------

@pytest.mark.parametrize(("size", "keys"), [
    pytest.param((80, 24), ("d", "l", "l"), id="80x24"),  # in the side panel's place
    # beside the side panel, the first visit selected
    pytest.param((140, 40), ("l", "l", "full_stop"), id="140x40"),
])
def test_snapshot(size: tuple[int, int], keys: tuple[str, ...], demo_db: Path,
                  snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The month with the day pane on Friday 27.11.2026 (update after a deliberate UI
    change: pytest tests/test_day_pane.py --snapshot-update, then look at the SVGs)."""
    for name in ("THEKIZ_THEME", "THEKIZ_LANG", "THEKIZ_DB", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("THEKIZ_CONFIG", os.devnull)

    async def run_before(pilot: Any) -> None:
        await settle_app(pilot.app, pilot)
        await press(pilot.app, pilot, *keys)
        assert planner(pilot.app).day == FRIDAY and pane(pilot.app).display
        assert not pilot.app._notifications

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=run_before)


async def test_moving_the_selection_paints_only_the_panes_changed_lines(
        demo_db: Path) -> None:
    """From one empty day to the next only the heading changes: the pane paints that
    line, not its whole height (over SSH every line sent costs); a day with events
    paints what it shows."""
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        await press(app, pilot, "d", "l", "l", "l")  # Saturday 28.11.2026, no events
        day = pane(app)
        assert pane_text(app) == "Samstag, 28.11.2026 Keine Termine"
        painted: list[int] = []
        render_line = day.render_line

        def counted(y: int) -> Any:
            painted.append(y)
            return render_line(y)

        day.render_line = counted  # type: ignore[method-assign]
        await press(app, pilot, "l")
        assert pane_text(app) == "Sonntag, 29.11.2026 Keine Termine"
        assert sorted(set(painted)) == [0]
        painted.clear()
        await press(app, pilot, "l")  # Monday 30.11.2026: its events
        assert len(set(painted)) > 3
