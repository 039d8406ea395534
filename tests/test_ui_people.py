"""The office's screens for coaches, Kitas and settings, and the first steps of an empty
store, driven with the keyboard in a small host app on a real store on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_ui_dialogs import Host, message, settle
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from store import Coach, Kita, Store
from thekiz_tui.dialogs.common import ConfirmDialog
from thekiz_tui.dialogs.people import CoachDialog, KitaDialog, SettingDialog
from thekiz_tui.planning import people
from thekiz_tui.planning.settings import EXPLANATIONS, checked
from thekiz_tui.planning.timeutil import BadInput
from thekiz_tui.screens.first_steps import FirstStepsScreen
from thekiz_tui.screens.people import PeopleScreen, SettingsScreen
from thekiz_tui.session import Session

TODAY = date(2026, 3, 16)


async def type_into(pilot: Pilot[Any], field: str, text: str) -> None:
    """Focus the field, clear it and type ``text`` key by key."""
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


def status(app: App[Any]) -> str:
    return str(app.screen.query_one("#people-status", Static).render())


def form(app: App[Any]) -> dict[str, str]:
    return {w.id or "": w.value for w in app.screen.query(Input)}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="jana", name="Jana Lindner", rate=62.5))
    store.add_coach(Coach(id="anna", name="Anna Berg", rate=55.0))
    store.add_kita(Kita(id="sonne", name="Kita Sonne", district="Gera", coach="anna"))
    return path


def office(db: Path) -> Session:
    return Session(Store.open(db), today=TODAY)


async def test_the_office_adds_a_coach_and_a_kita_through_the_forms(db: Path) -> None:
    app = Host(lambda: PeopleScreen(office(db)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CoachDialog)
        await type_into(pilot, "name", "Carla Roth")
        await type_into(pilot, "email", "carla@example.org")
        await type_into(pilot, "rate", "64,25")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen), message(app)
        carla = Store.open(db).coach("c-carla-roth")
        assert (carla.name, carla.email, carla.rate, carla.role) == (
            "Carla Roth", "carla@example.org", 64.25, "coach")
        assert "c-carla-roth" in {k.value for k in app.screen.query_one(
            "#coaches-table", DataTable).rows}

        app.screen.query_one(TabbedContent).active = "kitas"
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, KitaDialog)
        await type_into(pilot, "name", "Kita Mond")
        app.screen.query_one("#district", Select).value = "Saale-Orla-Kreis"
        app.screen.query_one("#stage", Select).value = "vertiefung"
        app.screen.query_one("#coach", Select).value = "c-carla-roth"
        await type_into(pilot, "since", "1.8.2025")
        await type_into(pilot, "budget", "2.500")
        await type_into(pilot, "address", "Weg 1, Schleiz")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen), message(app)
        mond = Store.open(db).kita("k-kita-mond")
        assert (mond.district, mond.stage, mond.coach, mond.since, mond.budget,
                mond.address) == ("Saale-Orla-Kreis", "vertiefung", "c-carla-roth",
                                  "2025-08-01", 2500.0, "Weg 1, Schleiz")


async def test_a_refused_coach_keeps_the_form_open_with_what_she_typed(db: Path) -> None:
    app = Host(lambda: CoachDialog(office(db)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_into(pilot, "name", "Carla Roth")
        await type_into(pilot, "rate", "zwoelf")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CoachDialog)
        with pytest.raises(BadInput) as cli:
            people.amount("zwoelf", "den Stundensatz")
        assert message(app) == str(cli.value)
        assert form(app)["name"] == "Carla Roth" and form(app)["rate"] == "zwoelf"
        assert {c.id for c in Store.open(db).coaches()} == {"jana", "anna"}
        # mended, it saves
        await type_into(pilot, "rate", "70")
        await pilot.press("enter")
        await settle(pilot)
        assert app.results and app.results[-1].id == "c-carla-roth"
        assert Store.open(db).coach("c-carla-roth").rate == 70.0


@pytest.mark.parametrize(("stored", "expected"), [
    # an old record: Eisenach is the Wartburgkreis since 2021
    ({"district": "Eisenach"}, lambda store: people.district("Eisenach")),
    # its coach removed with --force
    ({"coach": "gone"}, lambda store: people.known_coach(store, "gone")),
])
async def test_a_refused_kita_shows_the_clis_sentence(
    db: Path, stored: dict[str, Any], expected: Callable[[Store], object],
) -> None:
    store = Store.open(db)
    store.add_kita(Kita(id="alt", name="Kita Alt", **stored))
    with pytest.raises(BadInput) as cli:
        expected(store)
    app = Host(lambda: KitaDialog(office(db), Store.open(db).kita("alt")))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_into(pilot, "address", "Markt 3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, KitaDialog)
        assert message(app) == str(cli.value)
        assert form(app)["address"] == "Markt 3" and form(app)["name"] == "Kita Alt"
        assert Store.open(db).kita("alt").address == ""


async def test_escape_on_a_changed_form_asks_before_discarding(db: Path) -> None:
    app = Host(lambda: KitaDialog(office(db)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_into(pilot, "name", "Kita Stern")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing: nothing lost
        await settle(pilot)
        assert isinstance(app.screen, KitaDialog) and form(app)["name"] == "Kita Stern"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.results == [None]
        assert {k.id for k in Store.open(db).kitas()} == {"sonne"}


async def test_escape_on_an_unchanged_form_just_closes(db: Path) -> None:
    app = Host(lambda: CoachDialog(office(db), Store.open(db).coach("jana")))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.results == [None]


async def test_remove_asks_and_keeps_references_whole(db: Path) -> None:
    app = Host(lambda: PeopleScreen(office(db)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#coaches-table", DataTable)
        table.move_cursor(row=table.get_row_index("anna"))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)  # Kita Sonne is still hers
        assert status(app).startswith("„anna“ ist noch 1 Kita zugeordnet")
        table.move_cursor(row=table.get_row_index("jana"))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await settle(pilot)
        assert {c.id for c in Store.open(db).coaches()} == {"anna"}
        assert "jana" not in {k.value for k in table.rows}


async def test_a_setting_is_changed_through_the_clis_rule(db: Path) -> None:
    app = Host(lambda: SettingsScreen(office(db)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#settings-table", DataTable)
        table.move_cursor(row=table.get_row_index("work_days"))
        await settle(pilot)
        meaning = str(app.screen.query_one("#settings-meaning", Static).render())
        assert meaning == f"work_days: {EXPLANATIONS['work_days']}"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingDialog)
        assert form(app)["value"] == "0,1,2,3,4"
        await type_into(pilot, "value", "1,9")
        await pilot.press("enter")
        await settle(pilot)
        with pytest.raises(BadInput) as cli:
            checked("work_days", "1,9")
        assert message(app) == str(cli.value)
        assert "work_days" not in Store.open(db).settings()
        await type_into(pilot, "value", "0,1,2,3")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert Store.open(db).settings()["work_days"] == [0, 1, 2, 3]
        assert str(table.get_row("work_days")[1]) == "0,1,2,3"


async def test_a_coach_sees_her_kitas_and_changes_nothing(db: Path) -> None:
    def as_anna() -> Session:
        return Session(Store.open(db), today=TODAY, as_coach="anna")

    app = Host(lambda: PeopleScreen(as_anna(), tab="kitas"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        kitas = app.screen.query_one("#kitas-table", DataTable)
        assert {k.value for k in kitas.rows} == {"sonne"}
        for key in ("a", "e", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, PeopleScreen), key
            assert status(app).startswith("Keine Berechtigung"), key
    before = Store.open(db).settings()
    app = Host(lambda: SettingsScreen(as_anna()))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert status(app).startswith("Keine Berechtigung")
    # and a form opened anyway is refused by her guarded store
    app = Host(lambda: CoachDialog(as_anna()))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_into(pilot, "name", "Neu")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CoachDialog)
        assert message(app).startswith("Keine Berechtigung")
    assert Store.open(db).settings() == before
    assert {c.id for c in Store.open(db).coaches()} == {"jana", "anna"}


@pytest.mark.parametrize(("key", "chosen"), [
    ("c", "coaches"), ("k", "kitas"), ("n", "new"), ("i", "import"), ("s", "settings"),
    ("escape", None),
])
async def test_the_first_steps_hand_back_her_choice(key: str, chosen: str | None) -> None:
    app = Host(lambda: FirstStepsScreen(office=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = "\n".join(str(s.render()) for s in app.screen.query(".step"))
        assert "1. Prozessbegleiter*innen anlegen" in text and "3. Den ersten Termin" in text
        await pilot.press(key)
        await settle(pilot)
        assert app.results == [chosen]


async def test_the_first_steps_tell_a_coach_who_creates_what() -> None:
    app = Host(lambda: FirstStepsScreen(office=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = "\n".join(str(s.render()) for s in app.screen.query(".step"))
        assert "die Koordinationsstelle legt sie an" in text
        await pilot.press("c")
        await settle(pilot)
        assert app.results == [] and isinstance(app.screen, FirstStepsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.results == ["new"]


async def test_an_unrelated_edit_keeps_an_exact_rate(db: Path) -> None:
    store = Store.open(db)
    jana = store.coach("jana")
    store.update_coach(Coach(id="jana", name=jana.name, rate=62.555), jana.sequence)
    app = Host(lambda: CoachDialog(office(db), Store.open(db).coach("jana")))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert form(app)["rate"] == "62,555"
        await type_into(pilot, "email", "jana@example.org")
        await pilot.press("enter")
        await settle(pilot)
    saved = Store.open(db).coach("jana")
    assert (saved.rate, saved.email) == (Decimal("62.555"), "jana@example.org")
