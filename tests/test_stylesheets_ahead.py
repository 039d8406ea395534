"""The stylesheets of the first screens a coach opens (the event form, the details of a
shared date) are parsed while the planner is idle (``app_base.StylesheetsAhead``): opening
them then neither parses every stylesheet again nor restyles the planner behind them, and
they look exactly as when Textual reads their sheet on the way.

Counted, not timed: the calls of the stylesheet's ``reparse`` and ``update`` (the 35–70 ms
of a first open), through Textual's Pilot on a real store."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from conftest import settle_app
from helpers.team import SHARED_BOTH, make_team
from test_ui_details import open_on

from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.details import DetailsDialog
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)


def _count(app: PlannerApp, name: str, calls: list[str]) -> None:
    """Count the calls of the app's stylesheet's ``name`` (and still make them)."""
    stylesheet = app.stylesheet
    real: Callable[..., Any] = getattr(stylesheet, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(*args, **kwargs)

    setattr(stylesheet, name, counted)


def _styles(screen: Any) -> list[tuple[str, str]]:
    return [(repr(node), node.styles.css) for node in screen.walk_children(with_self=True)]


async def _open_form_and_details(app: PlannerApp, pilot: Any, *, warmed: bool) -> tuple[
        list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    await settle_app(app, pilot)
    if warmed:
        folder = Path(inspect.getfile(PlannerApp)).parent
        sheets = [str(folder / p) for p in app.WARM_CSS_PATHS]
        for _ in range(600):  # (a second after the start, once nothing waits)
            if all(app.stylesheet.has_source(p) for p in sheets):
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError("the stylesheets were not parsed ahead")
    calls: list[str] = []
    _count(app, "reparse", calls)
    _count(app, "update", calls)
    await pilot.press("n")
    await settle_app(app, pilot)
    assert isinstance(app.screen, EventForm)
    form = _styles(app.screen)
    await pilot.press("escape")
    await settle_app(app, pilot)
    assert isinstance(app.screen, PlannerScreen)
    await open_on(app, pilot, date(2026, 11, 17), SHARED_BOTH, "enter")
    assert isinstance(app.screen, DetailsDialog)
    return calls, form, _styles(app.screen)


async def test_the_first_form_and_details_open_without_parsing_every_sheet_again(
        tmp_path: Path) -> None:
    db = make_team(tmp_path / "plan.json")
    context = PlannerContext(db=db, today=TODAY, as_coach="anna")
    app = PlannerApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        calls, form, details = await _open_form_and_details(app, pilot, warmed=True)
    assert calls == []
    # and they look as they do when Textual reads their sheets on opening them
    plain = PlannerApp(context)
    plain.WARM_CSS_PATHS = ()  # as Textual alone does it: each sheet read on opening
    async with plain.run_test(size=(100, 30)) as pilot:
        plain_calls, plain_form, plain_details = await _open_form_and_details(
            plain, pilot, warmed=False)
    assert "reparse" in plain_calls  # (what the warm-up spares: the count can tell)
    assert form == plain_form
    assert details == plain_details
