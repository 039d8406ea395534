"""SVG snapshots of the planner's main screens (pytest-textual-snapshot).

Each test opens the demo programme of 25.11.2026 (fixed seed and today), waits until
every thread worker has finished, and compares the screen with the SVG stored in
``tests/__snapshots__/test_ui_snapshots/``: the month view, the week view (``w``), the
agenda (``a``), the event form (``n``), the Kita overview (``K``) and the month report
(``r``), each at 100x30 and 80x24; and the event form in 16 colours (``TERM=xterm``), with
a ticked and unticked boxes and a focused field.

After a deliberate change of the UI, look at the failure report the plugin writes
(``snapshot_report.html`` in the folder pytest ran in, git-ignored), then rewrite the
snapshots and look at the new SVGs before committing them::

    .venv/bin/python -m pytest tests/test_ui_snapshots.py --snapshot-update

Textual is pinned exactly (``textual==8.2.8`` in pyproject.toml) because the SVGs change
with nearly every Textual release (styles, widgets, the SVG export itself): an upgrade of
Textual means regenerating these snapshots and reviewing them.

What could vary between runs and machines is frozen here: the store (seeded demo, fixed
today), the clock (the Kita overview and the report compare events with "now"), the theme
and the user
config (environment), the blinking cursors of the form's fields, and the timing (the
snapshot is taken only after the workers are done and the screen shows loaded data).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path, PurePath
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from conftest import settle_app
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, TextArea

import thekiz_tui.app
from store import Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.demo import write_demo
from thekiz_tui.planning.overview import kita_overview
from thekiz_tui.planning.report import month_report
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)
# The Kita overview counts an event of today as done once it has ended "now": noon.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))

SIZES = {"100x30": (100, 30), "80x24": (80, 24)}
# The screen, and the keys that open it from the planner.
SCREENS: dict[str, tuple[str, ...]] = {
    "month": (),
    "week": ("w",),
    "agenda": ("a",),
    "form": ("n",),
    "kitas": ("K",),
    "report": ("r",),
}


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo store, in an environment that cannot change what the screens show."""
    monkeypatch.delenv("THEKIZ_THEME", raising=False)
    monkeypatch.delenv("THEKIZ_LANG", raising=False)
    monkeypatch.delenv("THEKIZ_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("THEKIZ_CONFIG", os.devnull)
    monkeypatch.setattr("thekiz_tui.planning.overview.kita_overview",  # (the session asks it)
                        partial(kita_overview, now=NOW))

    def report_at_noon(*args: Any, now: datetime | None = None, **kwargs: Any) -> Any:
        return month_report(*args, now=NOW, **kwargs)  # the screen passes the clock's time

    monkeypatch.setattr("thekiz_tui.screens.report.month_report", report_at_noon)
    path = tmp_path / "plan.json"
    write_demo(Store.open(path), today=TODAY, seed=0)
    return path


async def settle(pilot: Pilot[Any]) -> None:
    """Until no worker runs and the screen has caught up (no sleeping)."""
    await settle_app(pilot.app, pilot)


def planner(app: Any) -> PlannerScreen:
    return next(s for s in app.screen_stack if isinstance(s, PlannerScreen))


def assert_loaded(app: Any, name: str) -> None:
    """Refuse to snapshot a screen that still shows a loading state."""
    month = planner(app).snapshot
    assert month is not None and month.complete, "the month is not built yet"
    assert (month.year, month.month) == (TODAY.year, TODAY.month)
    screen = app.screen
    if name == "form":
        assert type(screen).__name__ == "EventForm"
        assert screen._ready, "the form's coaches and Kitas are not loaded"
        assert screen._findings_for is not None, "the form's findings are not checked"
    elif name == "kitas":
        assert type(screen).__name__ == "KitasScreen"
        table = screen.query_one("#kitas-table", DataTable)
        assert not table.loading and table.row_count > 0, "the Kita table is empty"
    elif name == "report":
        assert type(screen).__name__ == "ReportScreen"
        table = screen.query_one("#report-table", DataTable)
        assert screen.report is not None and not table.loading and table.row_count > 1, \
            "the report is not computed"
    else:
        assert screen is planner(app) and planner(app).view == name
    # notifications time out: none may be on screen
    assert not app._notifications, [n.message for n in app._notifications]


def opened(name: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """The ``run_before`` of snap_compare: open the screen and wait until it is loaded."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in SCREENS[name]:
            await pilot.press(key)
            await settle(pilot)
        # A blinking cursor is shown or not depending on the moment of the snapshot.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await settle(pilot)
        assert_loaded(pilot.app, name)

    return run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: str, demo_db: Path, snap_compare: Any) -> None:
    """The planner's screen ``name`` at ``size`` matches its snapshot
    (update after a deliberate UI change: pytest tests/test_ui_snapshots.py
    --snapshot-update)."""
    app = PlannerApp(PlannerContext(db=demo_db, today=TODAY))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=opened(name))


# -- 16 colours ------------------------------------------------------------------------

class SixteenColours(LineFilter):
    """Every colour as the nearest of the 16 standard ones: what a terminal with
    ``TERM=xterm`` gets (Rich downgrades each colour so when it writes), which a
    screenshot, always in true colour, would not show."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out = []
        for text, style, control in segments:
            if style is not None and (style.color or style.bgcolor):
                colour, under = style.color, style.bgcolor
                style = style + Style(
                    color=colour.downgrade(ColorSystem.STANDARD) if colour else None,
                    bgcolor=under.downgrade(ColorSystem.STANDARD) if under else None)
            out.append(Segment(text, style, control))
        return out


class SixteenColourPlanner(PlannerApp):
    """The planner as a 16-colour terminal shows it."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [  # (relative to the module naming them)
        Path(thekiz_tui.app.__file__).parent / path for path in PlannerApp.CSS_PATH]

    def get_line_filters(self) -> list[LineFilter]:
        return [*super().get_line_filters(), SixteenColours()]


async def form_with_a_ticked_box(pilot: Pilot[Any]) -> None:
    """The form with the first coach ticked, the others and "ganztägig" not, and the
    title field focused."""
    await opened("form")(pilot)
    coaches = pilot.app.screen.query_one("#coaches", SelectionList)
    coaches.focus()
    await pilot.press("space")
    pilot.app.screen.query_one("#title", Input).focus()
    await settle(pilot)
    assert len(coaches.selected) == 1 and coaches.option_count > 1


def test_form_in_16_colours(demo_db: Path, snap_compare: Any) -> None:
    """In 16 colours a ticked box shows its X and an unticked one is empty, and the
    focused field's row label stands out (update as above)."""
    app = SixteenColourPlanner(PlannerContext(db=demo_db, today=TODAY))
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=form_with_a_ticked_box)
