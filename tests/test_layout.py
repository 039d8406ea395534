"""Layout at every size: the whole planner on the demo programme at 80x24 and 100x30.

- The week view never splits a word of an event: a title too long for its block ends with
  a dot where it is cut ("Sonnenbl."), never goes on in the next line ("Löwenzah" / "n"),
  and two lanes side by side never run into one another ("Sonne11:00").
- The report keeps her fee and what is left of each Kita's budget on screen, with the sum.
- The event form's status line, the reason a save is refused, is shown whole.

What is checked is the text as painted, read back line by line.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from conftest import settle_app
from rich.color import ColorSystem
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static

from store import Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.demo import write_demo
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.planning.timeutil import fmt_money
from thekiz_tui.screens.report import ReportScreen
from thekiz_tui.widgets import style as vs
from thekiz_tui.widgets.week import WeekView

TODAY = date(2026, 11, 25)
SIZES = [(80, 24), (100, 30)]


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("THEKIZ_CONFIG", "/dev/null")
    monkeypatch.delenv("THEKIZ_LANG", raising=False)
    path = tmp_path / "plan.json"
    write_demo(Store.open(path), today=TODAY, seed=0)
    return path


@contextlib.asynccontextmanager
async def planner(db: Path, size: tuple[int, int],
                  as_coach: str | None = None) -> AsyncIterator[Pilot[Any]]:
    app = PlannerApp(PlannerContext(db=db, today=TODAY, as_coach=as_coach))
    async with app.run_test(size=size) as pilot:
        await settle_app(app, pilot)
        yield pilot


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle_app(pilot.app, pilot)


def painted(app: Any) -> list[str]:
    """The screen's lines as painted."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


# -- the week ------------------------------------------------------------------------

TOKEN_OK = re.compile(r"\d\d:\d\d|\+\d*")  # a time, a count of hidden events


def week_words(view: WeekView) -> set[str]:
    """Every whole word the week's blocks and all-day rows may show."""
    snapshot = view.snapshot
    assert snapshot is not None and view.monday is not None
    texts: list[str] = []
    for offset in range(7):
        day = date.fromordinal(view.monday.toordinal() + offset)
        holiday = snapshot.holidays.get(day)
        if holiday:
            texts += [holiday, vs.holiday_words(holiday, 0)]
        for occ in snapshot.on(day):
            event = occ.event
            texts += [vs.short_title(occ, snapshot), event.title, event.location]
            kita = snapshot.kitas.get(event.kita) if event.kita else None
            if kita is not None:
                texts.append(kita.name)
            texts += [snapshot.coaches[c].name for c in event.coaches
                      if c in snapshot.coaches]
    return {word for text in texts for word in vs.clean(text or "").split()}


def split_words(view: WeekView) -> list[str]:
    """What the week's day columns show that is neither a whole word, nor one cut short
    with a dot, nor a time or a count: a word split or run into another."""
    words = week_words(view)
    layout = view._get_layout()
    bad: list[str] = []
    for y in range(1, view.size.height):
        if y == layout.grid_y - 1:
            continue  # the rule under the all-day rows
        line = view.render_line(y).text
        for x, width in zip(layout.col_x, layout.col_w, strict=True):
            for token in line[x:x + width].split():
                if token in words or TOKEN_OK.fullmatch(token):
                    continue
                stem = token[:-1]
                if token.endswith(".") and stem and any(w.startswith(stem) for w in words):
                    continue
                bad.append(token)
    return bad


@pytest.mark.parametrize("size", SIZES)
async def test_the_week_never_splits_a_word(demo_db: Path, size: tuple[int, int]) -> None:
    async with planner(demo_db, size) as pilot:
        await press(pilot, "w")
        view = pilot.app.screen.query_one(WeekView)
        words = 0
        for _ in range(3):  # this week and the two after it
            assert split_words(view) == [], view.monday
            words += len(week_words(view))
            await press(pilot, "right_square_bracket")
        assert words >= 10  # the weeks had events to draw


def test_a_word_too_long_is_cut_with_a_dot_never_carried_on() -> None:
    from thekiz_tui.widgets.week import _words

    assert _words("Kita Waldwichtel", 10) == ["Kita", "Waldwicht."]
    assert _words("Am Stadtpark", 8) == ["Am", "Stadtpa."]
    assert vs.abbreviate("Sonnenblume", 8) == "Sonnenb." and vs.abbreviate("Sonne", 8) == "Sonne"
    assert vs.abbreviate("Prozessbegleitung: Eltern", 19) == "Prozessbegleitung."


# -- the report ----------------------------------------------------------------------

@pytest.mark.parametrize("as_coach", [None, "c-lindner"])
async def test_the_report_keeps_fee_and_budget_left_in_view_at_80x24(
    demo_db: Path, as_coach: str | None
) -> None:
    """The office's report (with the Kitas' hours) and a coach's (with addresses): her
    fee and the budget left of each Kita are on screen without scrolling sideways."""
    async with planner(demo_db, (80, 24), as_coach) as pilot:
        await press(pilot, "r")
        screen = pilot.app.screen
        assert isinstance(screen, ReportScreen) and screen.report is not None
        report = screen.report
        lines = painted(pilot.app)
        header = next(line for line in lines if "Kita" in line and "Honorar" in line)
        assert "Budget übrig" in header, header
        rows = {row.kita_name: row for row in report.rows}
        assert rows
        checked = 0
        for line in lines:
            name = next((n for n in rows if line.lstrip().startswith(n)), None)
            if name is None:
                continue  # (not every row fits the screen: the table scrolls down)
            row = rows[name]
            assert fmt_money(row.fee) in line, line
            if row.budget is not None and row.budget.left is not None:
                assert fmt_money(row.budget.left) in line, line
            checked += 1
        assert checked >= 3
        total = next(line for line in lines if line.lstrip().startswith("Summe"))
        assert fmt_money(report.total_fee) in total


@pytest.mark.parametrize("size", [*SIZES, (120, 30)])
@pytest.mark.parametrize("key", ["K", "r"])
async def test_no_column_is_cut_at_the_right_edge(demo_db: Path, key: str,
                                                  size: tuple[int, int]) -> None:
    """The Kita overview and the report end at a column's edge: a cut date or amount
    would read as another ("1" of "17.02.2027"); the next column comes whole when she
    scrolls sideways."""
    async with planner(demo_db, size) as pilot:
        await press(pilot, key)
        table = pilot.app.screen.query_one(DataTable)
        assert not table.loading and table.row_count
        width = table.scrollable_content_region.width
        edges = list(accumulate(column.get_render_width(table)
                                for column in table.columns.values()))
        assert width in edges or edges[-1] <= width, (width, edges)
        if edges[-1] > width:  # the rest is there to scroll to
            table.scroll_to(x=table.max_scroll_x, animate=False)
            await pilot.pause()
            last = list(table.columns.values())[-1].label.plain
            assert last in painted(pilot.app)[table.region.y]


# -- the form ------------------------------------------------------------------------

def status_shown(app: Any) -> str:
    """The form's status row as painted, its lines joined."""
    widget = app.screen.query_one("#form-status", Static)
    region = widget.region
    lines = painted(app)[region.y:region.bottom]
    return " ".join(line[region.x:region.right].strip() for line in lines).strip()


@pytest.mark.parametrize("size", SIZES)
async def test_the_forms_status_line_is_never_cut(demo_db: Path,
                                                  size: tuple[int, int]) -> None:
    async with planner(demo_db, size) as pilot:
        await press(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, EventForm)
        status = form._status_text
        assert status.startswith("Nicht speicherbar") and len(status) > 40
        assert status_shown(pilot.app) == status
        # a reason longer than a line (she typed a long name): wrapped, whole
        coaches = form.query_one("#coaches", SelectionList)
        coaches.focus()
        await press(pilot, "space")
        kita = form.query_one("#kita", Input)
        kita.focus()
        kita.value = "Kita Regenbogenland am Waldrand von Unterwellenborn Ost"
        await settle_app(pilot.app, pilot)
        status = form._status_text
        assert kita.value in status and len(status) > size[0], status
        assert status_shown(pilot.app) == status
        assert form.query_one("#form-status").region.height >= 2
        # and back to one line when the reason is short again
        kita.value = ""
        await settle_app(pilot.app, pilot)
        assert status_shown(pilot.app) == form._status_text
        assert form.query_one("#form-status").region.height == 1


# -- 16 colours ----------------------------------------------------------------------

def in_16_colours(app: Any, x: int, y: int) -> tuple[str, int | None, int | None]:
    """The character of a cell and its text and background colour as a 16-colour
    terminal shows them (the numbers of the standard colours Rich downgrades to when
    TERM=xterm)."""
    offset = 0
    for segment in app.screen._compositor.render_strips()[y]:
        if offset <= x < offset + len(segment.text):
            style = segment.style
            assert style is not None
            colour, background = (
                None if c is None else c.downgrade(ColorSystem.STANDARD).number
                for c in (style.color, style.bgcolor))
            return segment.text[x - offset], colour, background
        offset += len(segment.text)
    raise AssertionError(f"no cell at {x},{y}")


def box_shows_a_mark(app: Any, region: Any, line: int = 0) -> bool:
    """Whether the box at the left of ``region`` (``▐X▌``) shows a mark in 16 colours:
    a character other than a blank, in a colour other than the box's."""
    char, colour, background = in_16_colours(app, region.x + 1, region.y + line)
    return char != " " and colour != background


async def test_ticked_and_unticked_boxes_and_the_focus_differ_in_16_colours(
    demo_db: Path
) -> None:
    async with planner(demo_db, (80, 24)) as pilot:
        await press(pilot, "n")
        form = pilot.app.screen
        coaches = form.query_one("#coaches", SelectionList)
        all_day = form.query_one("#all-day")
        coaches.focus()
        await press(pilot, "space")  # ticks the first coach
        form.query_one("#title", Input).focus()
        await settle_app(pilot.app, pilot)
        assert len(coaches.selected) == 1
        region = coaches.region
        assert box_shows_a_mark(pilot.app, region, 0)
        assert not any(box_shows_a_mark(pilot.app, region, line) for line in (1, 2, 3))
        assert not box_shows_a_mark(pilot.app, all_day.region)
        await press(pilot, "tab", "tab", "tab")  # title -> date -> last day -> all day
        assert pilot.app.focused is all_day
        await press(pilot, "space")
        assert box_shows_a_mark(pilot.app, all_day.region)
        # the focused field's row label stands out from the others' in 16 colours
        labels = {label.region.y: label for label in form.query(".row > Label")
                  if label.region.height and not label.has_class("between")}
        colours = {y: in_16_colours(pilot.app, label.region.x + 1, y)[1:]
                   for y, label in labels.items()}
        focused_row = all_day.region.y
        assert focused_row in colours
        others = {c for y, c in colours.items() if y != focused_row}
        assert colours[focused_row] not in others and len(others) == 1, colours
