"""No lost edits: when two sessions change the same event, the second is told that it
changed and is shown the current version, never a silent overwrite. The other session is
a real second process (``thekiz edit``) on the same store file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app, snapshot
from helpers.team import ANNA_OWN, make_team, thekiz
from textual.widgets import Input

from store import ChangedElsewhere, Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.changed import ChangedDialog
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.planning.history import History
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team(tmp_path / "plan.json")


def elsewhere(db: Path, *args: str) -> None:
    """Another process changes the store (as the coordination office would)."""
    result = thekiz("--db", str(db), *args)
    assert result.returncode == 0, result.stderr


# -- the store and the undo history --------------------------------------------------------


def test_the_second_save_of_the_same_event_is_refused(team: Path) -> None:
    mine = Store.open(team)
    seen = mine.event(ANNA_OWN)
    elsewhere(team, "edit", ANNA_OWN, "--title", "Von woanders")
    before = snapshot(team.parent)
    with pytest.raises(ChangedElsewhere) as refused:
        History(mine).apply("Termin ändern", [seen], [replace(seen, title="Meins")])
    assert refused.value.record_id == ANNA_OWN
    assert "anderswo geändert" in str(refused.value)
    with pytest.raises(ChangedElsewhere):
        mine.update_event(replace(seen, title="Meins"), expected_sequence=seen.sequence)
    with pytest.raises(ChangedElsewhere):
        mine.remove_event(ANNA_OWN, expected_sequence=seen.sequence)
    assert snapshot(team.parent) == before
    assert Store.open(team).event(ANNA_OWN).title == "Von woanders"


def test_undo_does_not_overwrite_a_change_made_elsewhere(team: Path) -> None:
    store = Store.open(team)
    history = History(store)
    seen = store.event(ANNA_OWN)
    history.apply("Termin ändern", [seen], [replace(seen, title="Erst meins")])
    elsewhere(team, "edit", ANNA_OWN, "--location", "Turnhalle")
    before = snapshot(team.parent)
    with pytest.raises(ChangedElsewhere, match="Rückgängig machen nicht möglich"):
        history.undo()
    assert snapshot(team.parent) == before
    assert history.can_undo  # still there: nothing was undone
    current = Store.open(team).event(ANNA_OWN)
    assert (current.title, current.location) == ("Erst meins", "Turnhalle")


# -- the planner -----------------------------------------------------------------------


def planner(app: PlannerApp) -> PlannerScreen:
    return next(s for s in app.screen_stack if isinstance(s, PlannerScreen))


async def open_form_on_her_event(app: PlannerApp, pilot: object, title: str) -> None:
    """Opens the form on Anna's event and types a new title (not saved yet)."""
    await settle_app(app, pilot)
    screen = planner(app)
    screen.day = date(2026, 11, 10)
    screen.selected = ANNA_OWN
    await settle_app(app, pilot)
    await pilot.press("e")  # type: ignore[attr-defined]
    await settle_app(app, pilot)
    assert isinstance(app.screen, EventForm)
    field = app.screen.query_one("#title", Input)
    field.focus()
    field.value = ""
    await pilot.press(*title)  # type: ignore[attr-defined]
    await settle_app(app, pilot)


def dialog_text(app: PlannerApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_form_saved_after_a_change_elsewhere_shows_the_current_version(
    team: Path,
) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_on_her_event(app, pilot, "Elterncafe")
        # meanwhile the coordination office changes the same event in another process
        elsewhere(team, "edit", ANNA_OWN, "--title", "Von woanders", "--location", "Aula")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChangedDialog)
        assert any("anderswo geändert" in str(n.message) for n in app._notifications)
        text = dialog_text(app)
        assert "Aktuelle Fassung" in text and "Von woanders" in text and "Aula" in text
        assert "Ihre Eingabe (nicht gespeichert)" in text and "Elterncafe" in text
        stored = Store.open(team).event(ANNA_OWN)
        assert (stored.title, stored.location) == ("Von woanders", "Aula")  # not lost
        # she decides, seeing both: her entry again, over the current version
        await pilot.click("#mine")
        await settle_app(app, pilot)
        assert isinstance(app.screen, EventForm)
        assert app.screen.query_one("#title", Input).value == "Elterncafe"
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert isinstance(app.screen, PlannerScreen)
    saved = Store.open(team).event(ANNA_OWN)
    assert saved.title == "Elterncafe" and saved.sequence == stored.sequence + 1


async def test_undo_in_the_planner_after_a_change_elsewhere_is_shown_not_forced(
    team: Path,
) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form_on_her_event(app, pilot, "Elterncafe")
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert Store.open(team).event(ANNA_OWN).title == "Elterncafe"
        elsewhere(team, "edit", ANNA_OWN, "--title", "Von woanders")
        before = snapshot(team.parent)
        await pilot.press("u")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ChangedDialog)
        assert "Von woanders" in dialog_text(app)
        assert snapshot(team.parent) == before
        await pilot.press("escape")
        await settle_app(app, pilot)
        # the planner shows the current version (changes elsewhere show within 2 s)
        month = planner(app).snapshot
        assert month is not None
        assert [o.event.title for o in month.occurrences if o.event.id == ANNA_OWN] == [
            "Von woanders"]
