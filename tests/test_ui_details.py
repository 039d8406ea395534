"""A coach reads the details of a date she may not change: ``e``, Enter (or a double
click) on a shared date opens a read-only dialog instead of the form. Through Textual's
Pilot on a real store (the team of ``tests/helpers/team.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app, snapshot
from helpers.team import ANNA_OWN, SHARED_BOTH, make_team

from store import Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.details import DetailsDialog
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)
NOTES = "Bitte Fallbeispiele mitbringen.\nMittagessen vor Ort."


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """The team; the Arbeitskreis has a location and notes and repeats monthly."""
    db = make_team(tmp_path / "plan.json")
    store = Store.open(db)
    shared = store.event(SHARED_BOTH)
    store.update_event(replace(shared, location="Gera, Rathaus, Raum 3", notes=NOTES,
                               rrule="FREQ=MONTHLY;BYDAY=3TU"))
    return db


def screen_text(app: PlannerApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_on(app: PlannerApp, pilot: object, day: date, event_id: str,
                  key: str) -> None:
    """Selects the event on that day in the planner and presses ``key``."""
    screen = app.screen
    assert isinstance(screen, PlannerScreen)
    screen.day = day
    screen.selected = event_id
    await settle_app(app, pilot)
    await pilot.press(key)  # type: ignore[attr-defined]
    await settle_app(app, pilot)


@pytest.mark.parametrize("key", ["e", "enter"])
async def test_a_coach_reads_a_shared_date_she_cannot_change(team: Path, key: str) -> None:
    before = snapshot(team.parent)
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(80, 24)) as pilot:  # the smallest terminal it fits
        await settle_app(app, pilot)
        await open_on(app, pilot, date(2026, 11, 17), SHARED_BOTH, key)
        assert isinstance(app.screen, DetailsDialog)
        assert [str(n.message) for n in app._notifications] == []  # the dialog says it
        text = screen_text(app)
        for shown in ("Termin ansehen (nur lesen)", "Arbeitskreis", "Arbeitskreis Ost",
                      "17.11.2026", "09:30–12:00", "jeden 3. Dienstag im Monat",
                      "Anna Beispiel, Bert Muster", "Gera, Rathaus, Raum 3",
                      "Bitte Fallbeispiele mitbringen.", "Mittagessen vor Ort.",
                      "Keine Berechtigung", "Koordinationsstelle", "Schließen"):
            assert shown in text, (shown, text)
        await pilot.press("escape")
        await settle_app(app, pilot)
        assert isinstance(app.screen, PlannerScreen)
        # Enter closes it too
        await pilot.press(key)
        await settle_app(app, pilot)
        assert isinstance(app.screen, DetailsDialog)
        await pilot.press("enter")
        await settle_app(app, pilot)
        assert isinstance(app.screen, PlannerScreen)
    assert snapshot(team.parent) == before


@pytest.mark.parametrize(("who", "day", "event_id"), [
    ("anna", date(2026, 11, 10), ANNA_OWN),  # her own event
    ("clara", date(2026, 11, 17), SHARED_BOTH),  # the office changes the shared date
])
async def test_what_she_may_change_opens_the_form(team: Path, who: str, day: date,
                                                  event_id: str) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach=who))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await open_on(app, pilot, day, event_id, "e")
        assert isinstance(app.screen, EventForm)
