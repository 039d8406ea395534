"""The planner with ``--as``: a coach sees and changes her own plan, a coordinator sees
everyone and filters by coach. Driven by keys through Textual's Pilot on a real store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app, snapshot
from helpers.team import ANNA_OWN, ANNA_SEES, BERT_OWN, BERT_SEES, SHARED_BOTH, make_team
from textual.widgets import Select

from store import Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.event_form import EventForm
from thekiz_tui.screens.planner import PlannerScreen

TODAY = date(2026, 11, 25)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team(tmp_path / "plan.json")


def planner(app: PlannerApp) -> PlannerScreen:
    return next(s for s in app.screen_stack if isinstance(s, PlannerScreen))


def screen_text(app: PlannerApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def shown_ids(app: PlannerApp) -> set[str]:
    snapshot = planner(app).snapshot
    assert snapshot is not None and snapshot.complete
    return {o.event.id for o in snapshot.occurrences}


def notes(app: PlannerApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def select(app: PlannerApp, pilot: object, day: date, event_id: str) -> None:
    screen = planner(app)
    screen.day = day
    screen.selected = event_id
    await settle_app(app, pilot)


async def test_a_coachs_planner_shows_only_her_plan(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        assert shown_ids(app) == ANNA_SEES
        text = screen_text(app)
        assert "als Anna Beispiel" in text
        assert "Bergblick" not in text and "Fachtag" not in text
        # the coach filter offers her alone
        options = app.screen.query_one("#filter-coach", Select)._options
        assert [value for _, value in options if isinstance(value, str)] == ["anna"]
        # the Kitas she accompanies, and no other
        snapshot = planner(app).snapshot
        assert snapshot is not None and set(snapshot.kitas) == {"wiese"}


async def test_a_coach_cannot_edit_move_or_delete_a_shared_date(team: Path) -> None:
    """``e`` shows its details instead of the form (tests/test_ui_details.py); moving and
    deleting are refused with a notification."""
    from thekiz_tui.dialogs.details import DetailsDialog

    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    before = snapshot(team.parent)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        await select(app, pilot, date(2026, 11, 17), SHARED_BOTH)
        await pilot.press("e")
        await settle_app(app, pilot)
        assert isinstance(app.screen, DetailsDialog) and notes(app) == []
        await pilot.press("escape")
        await settle_app(app, pilot)
        for key in ("greater_than_sign", "x"):
            app.clear_notifications()
            await pilot.press(key)
            await settle_app(app, pilot)
            assert not isinstance(app.screen, EventForm)
            assert isinstance(app.screen, PlannerScreen)  # no question, no form
            assert any("Keine Berechtigung" in n and "Koordinationsstelle" in n
                       for n in notes(app)), notes(app)
    assert snapshot(team.parent) == before


async def test_a_coach_edits_her_own_event(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        await select(app, pilot, date(2026, 11, 10), ANNA_OWN)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
    moved = Store.open(team).event(ANNA_OWN)
    assert moved.start.startswith("2026-11-11T09:00")


async def test_a_coordinator_sees_everyone_and_filters_by_coach(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="clara"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        assert shown_ids(app) == ANNA_SEES | BERT_SEES
        assert planner(app).filters.coach is None  # --as no longer forces a filter
        chooser = app.screen.query_one("#filter-coach", Select)
        assert {v for _, v in chooser._options} >= {"anna", "bert", "clara"}
        chooser.value = "bert"
        await settle_app(app, pilot)
        assert shown_ids(app) == BERT_SEES
        assert "Filter: Bert Muster" in screen_text(app)
        # and changes a shared date
        await select(app, pilot, date(2026, 11, 17), SHARED_BOTH)
        await pilot.press("greater_than_sign")
        await settle_app(app, pilot)
    assert Store.open(team).event(SHARED_BOTH).start.startswith("2026-11-18")
    assert Store.open(team).event(BERT_OWN).sequence == 0


async def test_a_coachs_report_screen_is_her_own(team: Path) -> None:
    from thekiz_tui.screens.report import ReportScreen

    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("r")
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert screen.report is not None and screen.report.coach == "anna"
        assert {r.kita for r in screen.report.rows} == {"wiese"}
        chooser = screen.query_one("#report-coach", Select)
        assert [v for _, v in chooser._options if v] == ["anna"]


@pytest.mark.parametrize("over_ssh", [False, True])
async def test_over_ssh_the_palette_offers_no_screenshot(
    team: Path, monkeypatch: pytest.MonkeyPatch, over_ssh: bool
) -> None:
    """Textual's screenshot command writes an SVG file where the planner runs: on the
    server, for a login (whose planner touches no server files)."""
    from thekiz_tui.remote import session

    monkeypatch.setitem(session._LOGIN, "ssh", over_ssh)
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_app(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert "Beenden" in titles and "Farbschema" in titles  # (Textual's, in German)
    assert ("Bildschirmfoto" in titles) is not over_ssh


def _choices(app: PlannerApp, selector: str) -> list[tuple[str, str]]:
    chooser = app.screen.query_one(selector, Select)
    return [(str(label), value) for label, value in chooser._options
            if isinstance(value, str)]


async def test_a_coachs_export_and_import_offer_her_alone(team: Path, tmp_path: Path) -> None:
    from thekiz_tui.dialogs.ical import ExportDialog, ImportDialog

    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("E")
        await settle_app(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        # her own plan, under her name: every date she sees, the Arbeitskreis too
        assert _choices(app, "#coach") == [("Anna Beispiel", "")]
        assert "2 Termine werden exportiert." in screen_text(app)
        await pilot.press("escape")
        await settle_app(app, pilot)
        await pilot.press("I")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ImportDialog)
        assert _choices(app, "#coach") == [("Anna Beispiel", "anna")]
        assert app.screen.query_one("#coach", Select).value == "anna"


async def test_the_offices_export_offers_everyone(team: Path) -> None:
    from thekiz_tui.dialogs.ical import ExportDialog

    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="clara"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("E")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert [value for _, value in _choices(app, "#coach")] == [
            "", "anna", "bert", "clara"]
        assert "5 Termine werden exportiert." in screen_text(app)


@pytest.mark.parametrize("over_ssh", [False, True])
async def test_over_ssh_a_crash_shows_no_traceback(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, over_ssh: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unforeseen error ends the app. Over SSH the client gets one German line, not
    Textual's traceback with the server's paths and its local variables; the traceback
    goes to the server's log folder. (A failing key action stands in for the error.)"""
    from thekiz_tui.remote import session

    def broken(self: PlannerScreen) -> None:
        raise RuntimeError("/srv/thekiz/geheim")

    monkeypatch.setitem(session._LOGIN, "ssh", over_ssh)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(PlannerScreen, "action_today", broken)
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    with pytest.raises(RuntimeError):  # (Pilot hands the app's error on to the test)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle_app(app, pilot)
            await pilot.press("t")
            await pilot.pause()
    shown = capsys.readouterr().err  # what the terminal got once the app had ended
    log = tmp_path / "state" / "thekiz" / "log" / "session-errors.log"
    if over_ssh:
        assert "Unerwarteter Fehler (RuntimeError)" in shown
        assert "/srv/thekiz" not in shown and "Traceback" not in shown
        assert "RuntimeError: /srv/thekiz/geheim" in log.read_text()
    else:
        assert "/srv/thekiz/geheim" in shown  # Textual's own traceback, locally
        assert not log.exists()
