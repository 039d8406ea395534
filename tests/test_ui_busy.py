"""Attack 2 of issue 9, replayed through the real planner: a coach's event form must not
show another coach's hidden appointments. Ticking another coach, or duplicating a shared
date that has one, made the live check print that coach's private appointments (title
and times) before anything was saved. Now the form offers only what she may save, and a
finding about a time she may not see says only who is busy from–to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app
from helpers.team import SHARED_BOTH, make_team
from test_ui_permissions import planner, screen_text, select
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, SelectionList

from store import Event, Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.dialogs.event_form import EventForm

TODAY = date(2026, 11, 25)
DAY = date(2026, 11, 17)  # the shared date of Anna and Bert, 09:30-12:00
SECRETS = ("Zahnarzt", "Geheimtermin", "Praxis", "Vertraulich", "Bergblick")
BERT_BUSY = "Bert Muster ist am 17.11.2026 von 08:00 bis 10:00 belegt."
KITA_BUSY = "Kita Wiesengrund ist am 17.11.2026 von 08:00 bis 10:00 belegt."


@pytest.fixture
def team(tmp_path: Path) -> Path:
    db = make_team(tmp_path / "plan.json")
    store = Store.open(db)
    # Bert's private appointment, overlapping the shared date: a double booking of his
    store.add_event(Event(
        id="ev-bert-private", kind="sonstiges", title="Zahnarzt Geheimtermin",
        location="Praxis am Markt", notes="Vertraulich", coaches=["bert"],
        start="2026-11-17T08:00:00+01:00", end="2026-11-17T10:00:00+01:00"))
    # the office at Anna's Kita at the same hour (not hers to see)
    store.add_event(Event(
        id="ev-office", kind="einrichtungsbesuch", title="Besuch Vertraulich",
        coaches=["clara"], kita="wiese",
        start="2026-11-17T08:00:00+01:00", end="2026-11-17T10:00:00+01:00"))
    return db


def form_findings(form: EventForm) -> list[str]:
    listing = form.query_one("#findings", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def offered_coaches(form: EventForm) -> list[str]:
    listing = form.query_one("#coaches", SelectionList)
    return [str(listing.get_option_at_index(i).value) for i in range(listing.option_count)]


def assert_nothing_hidden(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, (secret, text)
    assert "08:00–10:00" not in text  # the label of a hidden event, with its times


async def open_form(app: PlannerApp, pilot: Pilot[None], key: str,
                    selected: str | None) -> EventForm:
    """The planner on the shared date's day, ``key`` pressed there: the form."""
    await settle_app(app, pilot)
    await select(app, pilot, DAY, selected)  # type: ignore[arg-type]
    await pilot.press(key)
    await settle_app(app, pilot)
    form = app.screen
    assert isinstance(form, EventForm)
    return form


async def test_a_coachs_side_panel_says_only_that_bert_is_busy(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_app(app, pilot)
        await select(app, pilot, DAY, None)  # type: ignore[arg-type]
        snapshot = planner(app).snapshot
        assert snapshot is not None and snapshot.complete
        messages = [f.message for f in snapshot.findings]
        assert BERT_BUSY in messages, messages
        assert all("ev-bert-private" not in f.events for f in snapshot.findings)
        text = screen_text(app)
        assert "Bert Muster ist am" in text
        assert_nothing_hidden(text + "\n".join(messages))


async def test_a_coachs_new_event_offers_her_alone_and_shows_busy_times(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(140, 44)) as pilot:
        form = await open_form(app, pilot, "n", None)
        assert offered_coaches(form) == ["anna"]  # no other coach to tick
        kinds = [value for _, value in form.query_one("#kind", Select)._options]
        assert kinds == ["begleitung", "sonstiges"]
        # at her Kita, while the office is there: she learns that her Kita is busy
        form.query_one("#kita").focus()
        await pilot.press(*"Wiesen", "enter")
        await settle_app(app, pilot)
        found = form_findings(form)
        assert any(KITA_BUSY in f for f in found), found
        # she tries to tick another coach: the list has her alone
        form.query_one("#coaches").focus()
        await pilot.press("down", "space", "down", "space")
        await settle_app(app, pilot)
        assert_nothing_hidden(screen_text(app) + "\n".join(form_findings(form)))
    assert Store.open(team).event("ev-bert-private").title == "Zahnarzt Geheimtermin"


async def test_a_coachs_duplicate_of_a_shared_date_is_hers_alone(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="anna"))
    async with app.run_test(size=(140, 44)) as pilot:
        form = await open_form(app, pilot, "c", SHARED_BOTH)
        assert offered_coaches(form) == ["anna"]
        assert form.query_one("#coaches", SelectionList).selected == ["anna"]
        assert form.query_one("#kind", Select).value == "begleitung"
        found = form_findings(form)
        assert found, "the copy clashes with the shared date itself"
        assert_nothing_hidden(screen_text(app) + "\n".join(found))
        assert all("Bert" not in f for f in found), found


async def test_the_office_keeps_every_choice(team: Path) -> None:
    app = PlannerApp(PlannerContext(db=team, today=TODAY, as_coach="clara"))
    async with app.run_test(size=(140, 44)) as pilot:
        form = await open_form(app, pilot, "c", SHARED_BOTH)
        assert set(offered_coaches(form)) == {"anna", "bert", "clara"}
        assert form.query_one("#kind", Select).value == "arbeitskreis"
        # the office sees Bert's double booking in full
        assert any("Zahnarzt Geheimtermin" in f for f in form_findings(form))
