"""The month, week and agenda views on a real demo store: what they show, what a click
posts, that every character is one cell wide, and that a repaint is fast.

Each test hosts one view in a small App and calls ``show()`` as the planner does. The
screen's text is read from the compositor (``screen_lines``): ``render_strips()`` gives
the strips the terminal would receive, and ``Strip.text`` their characters. That is
lighter and more direct than parsing ``export_screenshot()``'s SVG.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rich.cells import cell_len
from rich.color import ColorSystem
from textual.app import App, ComposeResult
from textual.widget import Widget

from store import Ack, Event, Store
from thekiz_tui import i18n
from thekiz_tui.demo import write_demo
from thekiz_tui.planning.conflicts import checker_for
from thekiz_tui.planning.month_snapshot import MonthSnapshot, build_month_snapshot
from thekiz_tui.widgets import calendar_view as cv
from thekiz_tui.widgets import style as vs
from thekiz_tui.widgets.agenda import AgendaView
from thekiz_tui.widgets.month import MonthView
from thekiz_tui.widgets.week import WeekView

TODAY = date(2026, 11, 25)
SIZES = [(100, 30), (80, 24)]


# -- helpers ---------------------------------------------------------------------------

def screen_lines(app: App[Any]) -> list[str]:
    """The screen as plain text, one string per line, as the compositor paints it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def snapshot_of(store: Store, year: int = 2026, month: int = 11) -> MonthSnapshot:
    return build_month_snapshot(store, checker_for(store), year, month, today=TODAY)


def add(store: Store, title: str, start: str, end: str, kind: str = "sonstiges",
        **extra: Any) -> Event:
    event = Event(id=f"ev-test-{title.lower()[:8].replace(' ', '-')}-{start[8:10]}{start[11:13]}",
                  kind=kind, start=start, end=end, title=title, **extra)
    return store.add_event(event)


class Host(App[None]):
    """One view, shown as the planner shows it; records the messages it posts."""

    def __init__(self, view: Widget, snapshot: MonthSnapshot, day: date,
                 selected: str | None = None) -> None:
        super().__init__()
        self.view = view
        self.snapshot = snapshot
        self.day = day
        self.selected = selected
        self.messages: list[cv.DayClicked | cv.EventClicked] = []

    def compose(self) -> ComposeResult:
        yield self.view

    def on_mount(self) -> None:
        self.view.show(self.snapshot, self.day, self.selected)  # type: ignore[attr-defined]

    def show(self, day: date, selected: str | None = None) -> None:
        self.day, self.selected = day, selected
        self.view.show(self.snapshot, day, selected)  # type: ignore[attr-defined]

    def on_month_view_day_clicked(self, message: cv.DayClicked) -> None:
        self.messages.append(message)

    def on_month_view_event_clicked(self, message: cv.EventClicked) -> None:
        self.messages.append(message)

    def on_week_view_day_clicked(self, message: cv.DayClicked) -> None:
        self.messages.append(message)

    def on_week_view_event_clicked(self, message: cv.EventClicked) -> None:
        self.messages.append(message)

    def on_agenda_view_day_clicked(self, message: cv.DayClicked) -> None:
        self.messages.append(message)

    def on_agenda_view_event_clicked(self, message: cv.EventClicked) -> None:
        self.messages.append(message)


@pytest.fixture
def demo(store: Store) -> Store:
    write_demo(store, today=TODAY, seed=0)
    return store


def cell_text(lines: list[str], view: MonthView, day: date) -> list[str]:
    region = view.region_of(day)
    assert region is not None
    x, y, w, h = region
    return [line[x:x + w] for line in lines[y:y + h]]


def assert_one_cell_wide(lines: list[str]) -> None:
    for line in lines:
        assert cell_len(line) == len(line), line
        assert all(cell_len(ch) == 1 for ch in line), line


# -- month -----------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_month_shows_title_weeks_days_holidays_and_events(demo: Store,
                                                                size: tuple[int, int]) -> None:
    snapshot = snapshot_of(demo)
    view = MonthView()
    app = Host(view, snapshot, date(2026, 11, 20))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "November 2026" in lines[0]
        assert lines[1].split("│")[1].strip() == "Mo"
        assert lines[1].split("│")[7].strip() == "So"
        text = "\n".join(lines)
        if size[0] >= 90:
            assert "KW 48" in text and "KW 44" in text and "KW 49" in text
        else:  # narrow: "KW" over the number
            region = view.region_of(date(2026, 11, 23))
            assert region is not None
            assert lines[region[1]][:2] == "KW" and lines[region[1] + 1][:2] == "48"
        for day in snapshot.days():
            first = cell_text(lines, view, day)[0]
            assert first[:3].strip() == str(day.day), (day, first)
        # the Reformationstag (31.10., in the grid's first week) is named in its cell
        assert "Reform" in "".join(cell_text(lines, view, date(2026, 10, 31)))
        # an event: time and the Kita's short name
        occ = snapshot.on(date(2026, 11, 20))[0]
        assert cell_text(lines, view, date(2026, 11, 20))[1].startswith("10:00 Sonn")
        assert occ.event.kita is not None
        assert_one_cell_wide(lines)


async def test_month_names_christmas_in_december(demo: Store) -> None:
    snapshot = snapshot_of(demo, 2026, 12)
    view = MonthView()
    app = Host(view, snapshot, date(2026, 12, 1))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "Dezember 2026" in lines[0]
        assert "Weihnacht" in "".join(cell_text(lines, view, date(2026, 12, 25)))
        assert "Weihnacht" in "".join(cell_text(lines, view, date(2026, 12, 26)))
        assert "Weihnacht" not in "".join(cell_text(lines, view, date(2026, 12, 24)))


@pytest.mark.parametrize("size", SIZES)
async def test_month_crowded_day_says_how_many_more(demo: Store, size: tuple[int, int]) -> None:
    crowded = date(2026, 11, 18)
    for hour in range(8, 15):
        add(demo, f"Termin {hour}", f"2026-11-18T{hour:02d}:00:00+01:00",
            f"2026-11-18T{hour:02d}:30:00+01:00")
    snapshot = snapshot_of(demo)
    total = len(snapshot.on(crowded))
    assert total == 8
    view = MonthView()
    app = Host(view, snapshot, TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cell = cell_text(screen_lines(app), view, crowded)
        events_shown = len(cell) - 2  # the day's line and the "+N" line
        assert cell[-1].strip() == f"+{total - events_shown} weitere"
        assert all(line.strip() for line in cell[1:-1])  # the others are events


async def test_month_marks_days_with_open_findings_only(demo: Store) -> None:
    snapshot = snapshot_of(demo)
    weekend = date(2026, 11, 7)  # the demo's Saturday Fachtag: a weekend finding
    quiet = date(2026, 11, 19)
    assert snapshot.open_findings(weekend) and not snapshot.open_findings(quiet)
    view = MonthView()
    app = Host(view, snapshot, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert cell_text(lines, view, weekend)[0].rstrip().endswith("!")
        assert "!" not in cell_text(lines, view, quiet)[0]
        assert cell_text(lines, view, date(2026, 11, 20))[0].rstrip().endswith("!")
        # acknowledged, the finding no longer marks its day
        finding = snapshot.open_findings(weekend)[0]
        demo.add_acks([Ack(finding=finding.id, events=list(finding.events), reason="ok")])
        app.snapshot = snapshot_of(demo)
        app.show(TODAY)
        await pilot.pause()
        assert "!" not in cell_text(screen_lines(app), view, weekend)[0]


async def test_month_in_english(demo: Store) -> None:
    i18n.set_lang("en")
    try:
        snapshot = snapshot_of(demo, 2026, 3)
        view = MonthView()
        app = Host(view, snapshot, date(2026, 3, 4))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            lines = screen_lines(app)
            assert "March 2026" in lines[0]
            assert lines[1].split("│")[1].strip() == "Mon"
            assert lines[1].split("│")[7].strip() == "Sun"
    finally:
        i18n.set_lang("de")


@pytest.mark.parametrize("size", SIZES)
async def test_month_click_on_a_day_and_on_an_event(demo: Store, size: tuple[int, int]) -> None:
    snapshot = snapshot_of(demo)
    view = MonthView()
    app = Host(view, snapshot, TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for day in (date(2026, 11, 3), date(2026, 11, 29), date(2026, 10, 26),
                    date(2026, 12, 6)):
            region = view.region_of(day)
            assert region is not None
            x, y, w, h = region
            app.messages.clear()
            await pilot.click(view, offset=(x + w - 1, y + h - 1))  # a free corner
            assert [type(m) for m in app.messages] == [MonthView.DayClicked]
            assert app.messages[0].day == day
        day = date(2026, 11, 20)
        occ = snapshot.on(day)[1]
        line = view.line_of(occ.key, day)
        assert line is not None
        x, y, _, _ = view.region_of(day)  # type: ignore[misc]
        app.messages.clear()
        await pilot.click(view, offset=(x + 2, y + line))
        assert len(app.messages) == 1
        message = app.messages[0]
        assert isinstance(message, MonthView.EventClicked)
        assert (message.key, message.day, message.double) == (occ.key, day, False)
        app.messages.clear()
        await pilot.double_click(view, offset=(x + 2, y + line))
        assert isinstance(app.messages[-1], MonthView.EventClicked)
        assert app.messages[-1].key == occ.key and app.messages[-1].double


# -- week ------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_week_too_many_overlaps_for_the_column_are_counted(
    demo: Store, size: tuple[int, int]
) -> None:
    for title in ("Alpha", "Beta", "Gamma", "Delta"):
        add(demo, title, "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00")
    snapshot = snapshot_of(demo)
    view = WeekView()
    app = Host(view, snapshot, date(2026, 11, 24))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        first, _ = view.visible_rows()
        layout = view._get_layout()
        x0, width = layout.col_x[1], layout.col_w[1]
        y10 = layout.grid_y + 10 * view.per_hour - first
        column = lines[y10][x0:x0 + width]
        hour = "".join(line[x0:x0 + width] for line in lines[y10:y10 + view.per_hour])
        lanes = {view.block_rows(o.key)[3] for o in snapshot.occurrences  # type: ignore[index]
                 if o.event.title in ("Alpha", "Beta", "Gamma", "Delta")}
        assert lanes == {0, 1, 2, 3}
        shown = [t for t in ("Al", "Be", "Ga", "De") if t in hour]
        # the lanes that fit name their event (in a lane too narrow for both, the title
        # rather than the time, which the row's hour label tells)
        assert shown and ("10:00" in column or "Alpha" in column), hour
        assert column.endswith(f"+{4 - len(shown)}"), column  # and the rest are counted
        assert_one_cell_wide(lines)


@pytest.mark.parametrize("size", SIZES)
async def test_week_overlaps_side_by_side_and_blocks_as_long_as_they_last(
    demo: Store, size: tuple[int, int]
) -> None:
    add(demo, "Alpha", "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00")
    add(demo, "Beta", "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00")
    add(demo, "Lang", "2026-11-23T13:00:00+01:00", "2026-11-23T16:00:00+01:00")
    add(demo, "Kurz", "2026-11-23T09:00:00+01:00", "2026-11-23T10:00:00+01:00")
    snapshot = snapshot_of(demo)
    keys = {o.event.title: o.key for o in snapshot.occurrences}
    view = WeekView()
    app = Host(view, snapshot, date(2026, 11, 24))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        header = lines[0]
        assert "Mo 23.11." in header and "So 29.11." in header
        first, _ = view.visible_rows()
        per_hour = view.per_hour
        assert first <= 7 * per_hour  # 07:00 is in view when the week opens
        tuesday = view._get_layout()
        x0 = tuesday.col_x[1]
        width = tuesday.col_w[1]
        y10 = tuesday.grid_y + 10 * per_hour - first
        assert lines[y10].startswith("10:00")
        column = lines[y10][x0:x0 + width]
        # two events at the same time: both shown, side by side in Tuesday's column
        a = view.block_rows(keys["Alpha"])
        b = view.block_rows(keys["Beta"])
        assert a is not None and b is not None
        assert a[3] != b[3] and a[4] == b[4] == 2  # different lanes of two
        block = lines[y10:y10 + per_hour + 1]
        left = "".join(line[x0:x0 + width // 2] for line in block)
        right = "".join(line[x0 + width // 2:x0 + width] for line in block)
        # (a title cut short ends with a dot, and a blank keeps it from the next lane's)
        assert ("Alp" in left and "Beta" in right) or ("Beta" in left and "Alp" in right), (
            left, right)
        assert column.startswith(("10:00", "Alp", "Beta")), column
        assert "AlphaBeta" not in column and "BetaAlp" not in column, column
        # the painted rows of a 3-hour and a 1-hour block (Monday)
        painted = {}
        for title in ("Lang", "Kurz"):
            found = view.block_rows(keys[title])
            assert found is not None
            column_rows = view._column(snapshot, date(2026, 11, 23), tuesday.col_w[0], per_hour)
            painted[title] = sum(1 for hits in column_rows.hits
                                 if any(k == keys[title] for _, _, k in hits))
            assert painted[title] == found[2]
        assert painted["Lang"] == 3 * painted["Kurz"] >= 3
        assert_one_cell_wide(lines)


async def test_week_follows_the_selected_event_and_scrolls(demo: Store) -> None:
    late = add(demo, "Spaet", "2026-11-24T22:00:00+01:00", "2026-11-24T23:00:00+01:00")
    snapshot = snapshot_of(demo)
    view = WeekView()
    app = Host(view, snapshot, date(2026, 11, 24))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "22:00 Spae" not in "\n".join(screen_lines(app))
        app.show(date(2026, 11, 24), late.id)
        await pilot.pause()
        first, rows = view.visible_rows()
        assert first + rows >= 23 * view.per_hour
        assert "22:00 Spae" in "\n".join(screen_lines(app))
        view.scroll_hours(-24)
        await pilot.pause()
        assert view.visible_rows()[0] == 0
        assert "00:00" in "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", SIZES)
async def test_week_clicks(demo: Store, size: tuple[int, int]) -> None:
    snapshot = snapshot_of(demo)
    view = WeekView()
    day = date(2026, 11, 20)
    app = Host(view, snapshot, day)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        layout = view._get_layout()
        for column, header_day in ((0, date(2026, 11, 16)), (6, date(2026, 11, 22))):
            app.messages.clear()
            await pilot.click(view, offset=(layout.col_x[column] + 1, 0))
            assert [type(m) for m in app.messages] == [WeekView.DayClicked]
            assert app.messages[0].day == header_day
        occ = snapshot.on(day)[0]  # 10:00-12:00
        found = view.block_rows(occ.key)
        assert found is not None
        _, row, _, lane, lanes = found
        first, _ = view.visible_rows()
        x = layout.col_x[4] + layout.col_w[4] * lane // lanes
        app.messages.clear()
        await pilot.click(view, offset=(x, layout.grid_y + row - first))
        assert [type(m) for m in app.messages] == [WeekView.EventClicked]
        block = app.messages[0]
        assert isinstance(block, cv.EventClicked)
        assert block.key == occ.key and block.day == day and not block.double


# -- agenda ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_agenda_lists_events_with_their_findings(demo: Store,
                                                       size: tuple[int, int]) -> None:
    snapshot = snapshot_of(demo)
    day = date(2026, 11, 20)
    view = AgendaView()
    app = Host(view, snapshot, day)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Fr 20.11.2026" in text
        assert "10:00-12:00 Prozessbegleitung" in text
        assert "! Fehler: Doppelbuchung" in text
        rows = view.text_lines()
        overlap = snapshot.on(day)[0]
        at = view.rows_of(overlap.key)
        assert any("Doppelbuchung" in rows[i] for i in at)  # inline, under the event
        assert any("Jana Lindner" in rows[i] for i in at)
        # only days with events, plus today
        heads = [r.strip() for r in rows if r.startswith(" ") and r[1:3].isalpha()
                 and r[3:4] == " "]
        assert any(h.startswith("Mi 25.11.2026") for h in heads)
        assert not any(h.startswith("Do 19.11.2026") for h in heads)
        assert not any(h.startswith("Mo 30.11.2026") is False and "12.2026" in h
                       for h in heads)
        assert_one_cell_wide(lines)


async def test_agenda_acknowledged_finding_and_clicks(demo: Store) -> None:
    snapshot = snapshot_of(demo)
    weekend = date(2026, 11, 7)
    finding = snapshot.open_findings(weekend)[0]
    demo.add_acks([Ack(finding=finding.id, events=list(finding.events), reason="ok")])
    snapshot = snapshot_of(demo)
    view = AgendaView()
    app = Host(view, snapshot, weekend)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        rows = view.text_lines()
        occ = snapshot.on(weekend)[0]
        at = view.rows_of(occ.key)
        assert any("(quittiert)" in rows[i] for i in at)
        # a click on the event's line, then on its day's header
        top = round(view.scroll_y)
        app.messages.clear()
        await pilot.click(view, offset=(5, at[0] - top))
        assert [type(m) for m in app.messages] == [AgendaView.EventClicked]
        clicked = app.messages[0]
        assert isinstance(clicked, cv.EventClicked) and clicked.key == occ.key
        head = view.row_of_day(weekend)
        assert head is not None
        app.messages.clear()
        await pilot.click(view, offset=(5, head - top))
        assert [type(m) for m in app.messages] == [AgendaView.DayClicked]
        assert app.messages[0].day == weekend
        # selecting an event late in the month scrolls it into view
        last = snapshot.on(date(2026, 11, 30))[0]
        app.show(date(2026, 11, 30), last.key)
        await pilot.pause()
        assert "30.11.2026" in "\n".join(screen_lines(app))


# -- text and colours ------------------------------------------------------------------

@pytest.mark.parametrize("view_type", [MonthView, WeekView, AgendaView])
async def test_wide_and_ambiguous_characters_never_reach_the_screen(
    demo: Store, view_type: type[Widget]
) -> None:
    add(demo, "Teamtag 🎉 – „Planung“ 計画…", "2026-11-19T09:00:00+01:00",
        "2026-11-19T12:00:00+01:00", location="Raum ☕")
    snapshot = snapshot_of(demo)
    app = Host(view_type(), snapshot, date(2026, 11, 19))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "09:00 Team" in "\n".join(lines) or "Teamtag" in "\n".join(lines)
        assert_one_cell_wide(lines)
        for line in lines:
            assert not set(line) & set("–„“…🎉☕")


def test_kinds_have_six_colours_in_16_colour_mode() -> None:
    """Downgraded to the 16 standard colours, the kinds stay apart, and none is red
    (the colour of errors)."""
    red = {1, 9}
    for dark in (True, False):
        colors = vs.kind_colors(dark)
        numbers = [c.rich_color.downgrade(ColorSystem.STANDARD).number
                   for c in colors.values()]
        assert len(set(numbers)) == len(vs.KINDS) == 6, (dark, numbers)
        assert not red & set(numbers)
        eight = {c.rich_color.downgrade(ColorSystem.EIGHT_BIT).number for c in colors.values()}
        assert len(eight) == 6


def test_clean_and_holiday_names() -> None:
    assert vs.clean("a – b „c“ …") == 'a - b "c" ...'
    assert vs.clean("x🎉y") == "x?y"
    assert vs.clean("Löwenzahn") == "Löwenzahn"
    assert vs.shorten_holiday("1. Weihnachtstag", 12) == "1. Weihnacht"
    assert vs.shorten_holiday("Neujahr", 12) == "Neujahr"


async def test_the_agenda_of_a_month_holds_only_its_days_in_order(demo: Store) -> None:
    # Today (Monday 30.11.) is in December's grid but not in December: the agenda of
    # December starts with December's first day with events, not with today above it.
    snapshot = build_month_snapshot(demo, checker_for(demo), 2026, 12,
                                    today=date(2026, 11, 30))
    view = AgendaView()
    app = Host(view, snapshot, date(2026, 12, 1))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        heads = [r.strip() for r in view.text_lines() if r.startswith(" ") and r[1:3].isalpha()
                 and r[3:4] == " "]
        days = [date(int(h[9:13]), int(h[6:8]), int(h[3:5])) for h in heads]
        assert days and days == sorted(days)
        assert all(d.month == 12 for d in days), heads[:3]
        with_events = {d for d in snapshot.by_day if d.month == 12 and snapshot.on(d)}
        assert with_events <= set(days)
