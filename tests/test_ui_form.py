"""The event form (dialogs/event_form.py): live findings, German input, inline validation,
the Kita search, recurrence choices, acknowledgements; and its Textual-free validation
(planning/validate.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList, Static

from store import Coach, Event, Kita, Store
from thekiz_tui import i18n
from thekiz_tui.demo import write_demo
from thekiz_tui.dialogs.event_form import EventForm, FormResult
from thekiz_tui.i18n import set_lang
from thekiz_tui.planning import validate
from thekiz_tui.planning.conflicts import checker_for
from thekiz_tui.planning.validate import Draft, build_event, kita_matches, resolve_kita

TODAY = date(2026, 11, 25)  # a Wednesday


def _coaching(event_id: str, start: str, end: str, coach: str = "c-anna",
              kita: str | None = "k-sonne") -> Event:
    return Event(id=event_id, kind="begleitung", start=start, end=end, coaches=[coach],
                 kita=kita, title="Begleitung")


def _fill(store: Store) -> None:
    with store.transaction():
        store.add_coach(Coach(id="c-anna", name="Anna Beispiel", rate=60.0))
        store.add_coach(Coach(id="c-ben", name="Ben Muster", rate=60.0))
        store.add_kita(Kita(id="k-sonne", name="Kita Sonnenblume", district="Gera",
                            coach="c-anna"))
        store.add_kita(Kita(id="k-schein", name="Kita Sonnenschein", district="Jena"))
        store.add_kita(Kita(id="k-loewe", name="Kita Löwenzahn", district="Gotha"))
        store.add_event(_coaching(
            "ev-existing", "2026-11-26T10:00:00+01:00", "2026-11-26T12:00:00+01:00"
        ))


@pytest.fixture
def filled(store: Store) -> Store:
    _fill(store)
    return store


def _new_event(**changes: object) -> Event:
    """As the planner prefills "new": Thursday 26.11.2026, 13:00-14:00, Anna."""
    values: dict[str, object] = {
        "id": "ev-new", "kind": "begleitung", "start": "2026-11-26T13:00:00+01:00",
        "end": "2026-11-26T14:00:00+01:00", "coaches": ["c-anna"],
    }
    values.update(changes)
    return Event(**values)  # type: ignore[arg-type]


class Host(App[None]):
    def __init__(self, store: Store, event: Event, *, new: bool,
                 series_note: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.event = event
        self.new = new
        self.series_note = series_note
        self.results: list[FormResult | None] = []

    def compose(self) -> ComposeResult:
        yield Static("Planer")

    def on_mount(self) -> None:
        form = EventForm(self.store, checker_for(self.store), self.event, new=self.new,
                         today=TODAY, series_note=self.series_note)
        self.push_screen(form, self.results.append)


@dataclass
class Ui:
    app: Host
    pilot: Pilot[None]

    @property
    def form(self) -> EventForm:
        screen = self.app.screen
        assert isinstance(screen, EventForm)
        return screen

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def type(self, selector: str, text: str) -> None:
        """Focus a field (its text gets selected, as on tab) and type over it."""
        field = self.form.query_one(selector, Input)
        field.focus()
        await self.pilot.pause()
        field.select_all()
        await self.pilot.press(*(text or ["backspace"]))
        await self.settle()

    async def choose(self, selector: str, downs: int) -> None:
        """Open a select with Enter, move down ``downs`` times, pick with Enter."""
        self.form.query_one(selector).focus()
        await self.pilot.press("enter", *(["down"] * downs), "enter")
        await self.settle()

    def text(self, selector: str) -> str:
        return str(self.form.query_one(selector, Static).render())

    def findings(self) -> list[str]:
        listing = self.form.query_one("#findings", OptionList)
        return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]

    def save_enabled(self) -> bool:
        return not self.form.query_one("#save", Button).disabled

    async def save(self) -> None:
        await self.pilot.press("ctrl+s")
        await self.settle()


@asynccontextmanager
async def form_on(store: Store, event: Event, *, new: bool = True,
                  size: tuple[int, int] = (100, 30),
                  series_note: str | None = None) -> AsyncIterator[Ui]:
    app = Host(store, event, new=new, series_note=series_note)
    async with app.run_test(size=size) as pilot:
        ui = Ui(app, pilot)
        await ui.settle()
        assert isinstance(app.screen, EventForm)
        yield ui


# -- live findings ------------------------------------------------------------------------


async def test_overlapping_time_of_the_same_coach_shows_before_saving(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        assert not any("Doppelbuchung" in f for f in ui.findings())
        before = len(ui.findings())
        await ui.type("#start", "1030")
        shown = ui.findings()
        assert any("Doppelbuchung" in f for f in shown), shown
        assert len(shown) > before
        assert f"Befunde: {len(shown)}" in ui.text("#findings-title")
        # Only a finding, no input problem: saving stays possible, nothing saved yet.
        assert ui.save_enabled()
        assert ui.app.results == []
        assert [e.id for e in filled.events()] == ["ev-existing"]
        # Back to a free time: the finding goes away while she types.
        await ui.type("#start", "1300")
        assert not any("Doppelbuchung" in f for f in ui.findings())


async def test_another_coach_at_the_same_time_is_no_overlap(filled: Store) -> None:
    async with form_on(filled, _new_event(coaches=["c-ben"])) as ui:
        await ui.type("#start", "1030")
        assert not any("Doppelbuchung" in f for f in ui.findings())


async def test_demo_store_shows_an_overlap_with_the_coachs_visit(store: Store) -> None:
    write_demo(store, today=TODAY, seed=0)
    visit = next(
        e for e in store.events(date(2026, 12, 1), date(2027, 1, 1))
        if e.kind == "begleitung" and not e.all_day and not e.rrule and e.coaches
    )
    day = visit.start[:10]
    offset = visit.start[19:]
    base = _new_event(id="ev-demo-new", coaches=[visit.coaches[0]], kita=visit.kita,
                      start=f"{day}T06:00:00{offset}", end=f"{day}T06:30:00{offset}")
    async with form_on(store, base) as ui:
        assert not any("Doppelbuchung" in f for f in ui.findings())
        await ui.type("#start", visit.start[11:16])
        await ui.type("#end", visit.end[11:16])
        overlaps = [f for f in ui.form._findings if f.rule == "coach-overlap"]
        assert any(visit.id in f.events for f in overlaps)
        assert any("Doppelbuchung" in f for f in ui.findings())


# -- German input -------------------------------------------------------------------------


async def test_short_german_date_and_time_parse(filled: Store) -> None:
    async with form_on(filled, _new_event()) as ui:
        await ui.type("#day", "4.3.")
        await ui.type("#start", "930")
        await ui.type("#end", "11")
        await ui.type("#kita", "Kita Sonnenblume")
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    # Planned in November 2026: the next 4 March, never one in the past.
    assert result.event.start == "2027-03-04T09:30:00+01:00"
    assert result.event.end == "2027-03-04T11:00:00+01:00"


async def test_a_day_without_a_year_is_in_the_month_she_plans_or_after(filled: Store) -> None:
    # Planning January 2027 in late 2026: "20.1." is 20 January 2027, not 2026.
    january = _new_event(start="2027-01-12T13:00:00+01:00", end="2027-01-12T14:00:00+01:00")
    async with form_on(filled, january) as ui:
        assert ui.text("#day-hint") == ""  # the full date as opened: nothing to say
        await ui.type("#day", "20.1.")
        assert ui.text("#day-hint") == "= Mi 20.01.2027"  # weekday and year as she types
        await ui.type("#kita", "Kita Sonnenblume")
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.start == "2027-01-20T13:00:00+01:00"


async def test_end_before_start_cannot_be_saved(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        assert ui.save_enabled()
        await ui.type("#end", "8:00")
        assert "liegt nicht nach dem Beginn" in ui.text("#err-times")
        assert not ui.save_enabled()
        await ui.save()
        assert ui.app.results == []
        assert isinstance(ui.app.screen, EventForm)
        await ui.type("#end", "15")
        assert ui.text("#err-times") == ""
        await ui.save()
    assert ui.app.results[0] is not None


async def test_a_new_start_keeps_the_duration(filled: Store) -> None:
    """As in any calendar: moving the start moves the end along; an end she types sets
    the duration that a later start keeps."""
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:  # 13:00-14:00
        await ui.type("#start", "15")
        assert ui.form.query_one("#end", Input).value == "16:00"
        await ui.type("#end", "17:30")
        await ui.type("#start", "930")
        assert ui.form.query_one("#end", Input).value == "12:00"
        await ui.type("#start", "2330")  # the end would pass midnight: not moved there
        assert ui.form.query_one("#end", Input).value < "23:30"
        assert not ui.save_enabled()
        await ui.type("#start", "10")
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert (result.event.start[11:16], result.event.end[11:16]) == ("10:00", "12:30")


async def test_findings_of_times_that_are_not_valid_are_not_shown(filled: Store) -> None:
    """While the times do not make an event, the form shows no findings of an earlier
    state beside them: it says that it checks once they are valid."""
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#start", "1030")
        assert any("Doppelbuchung" in f for f in ui.findings())
        await ui.type("#end", "8:00")
        assert ui.findings() == []
        assert "erst prüfbar" in ui.text("#findings-title")
        await ui.type("#end", "12")
        assert any("Doppelbuchung" in f for f in ui.findings())
        assert "Befunde: " in ui.text("#findings-title")


async def test_unparsable_time_and_date_are_shown_beside_the_field(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#start", "25:00")
        assert "keine gültige Uhrzeit" in ui.text("#err-times")
        await ui.type("#day", "31.2.")
        assert "kein gültiges Datum" in ui.text("#err-day")
        await ui.save()
        assert ui.app.results == []


# -- the Kita ---------------------------------------------------------------------------


async def test_unknown_kita_cannot_be_saved(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#kita", "Kita Nirgendwo")
        assert "unbekannt" in ui.text("#err-kita")
        assert not ui.save_enabled()
        await ui.save()
        assert ui.app.results == []
        assert isinstance(ui.app.screen, EventForm)


async def test_a_kita_is_picked_by_typing_part_of_its_name(filled: Store) -> None:
    async with form_on(filled, _new_event()) as ui:
        await ui.type("#kita", "löwen")
        options = ui.form.query_one("#kita-options", OptionList)
        assert options.display and options.option_count == 1
        assert "Kita Löwenzahn" in str(options.get_option_at_index(0).prompt)
        await ui.pilot.press("enter")
        await ui.settle()
        assert ui.form.query_one("#kita", Input).value == "Kita Löwenzahn"
        assert ui.text("#err-kita") == ""
        # Two matches: the arrow keys choose, Enter picks.
        await ui.type("#kita", "sonnen")
        assert options.option_count == 2
        await ui.pilot.press("down", "enter")
        await ui.settle()
        picked = ui.form.query_one("#kita", Input).value
        assert picked in ("Kita Sonnenblume", "Kita Sonnenschein")
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.kita == {"Kita Sonnenblume": "k-sonne",
                                 "Kita Sonnenschein": "k-schein"}[picked]


async def test_enter_goes_to_the_next_field(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#title", "Begleitung")
        await ui.pilot.press("enter")
        await ui.settle()
        assert ui.app.focused is ui.form.query_one("#day")
        assert ui.app.results == []


async def test_enter_passes_the_all_day_box_and_the_coaches_space_ticks(filled: Store) -> None:
    """Going through the form with Enter ticks nothing on the way; Space ticks."""
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        box, coaches = ui.form.query_one("#all-day", Checkbox), ui.form.query_one("#coaches")
        box.focus()
        await ui.pilot.press("enter")
        await ui.settle()
        assert not box.value and ui.app.focused is ui.form.query_one("#start")
        box.focus()
        await ui.pilot.press("space")
        await ui.settle()
        assert box.value
        await ui.pilot.press("space")
        coaches.focus()
        await ui.pilot.press("down", "space")
        await ui.settle()
        assert list(coaches.selected) == ["c-anna", "c-ben"]  # type: ignore[attr-defined]
        await ui.pilot.press("enter")
        await ui.settle()
        assert list(coaches.selected) == ["c-anna", "c-ben"]  # type: ignore[attr-defined]
        assert ui.app.focused is ui.form.query_one("#kita")


async def test_a_coaching_visit_without_kita_cannot_be_saved(filled: Store) -> None:
    async with form_on(filled, _new_event()) as ui:
        assert "braucht eine Kita" in ui.text("#err-kita")
        await ui.save()
        assert ui.app.results == []


# -- recurrence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("downs", "interval", "rule"),
    [
        (1, None, "FREQ=DAILY"),
        (1, "3", "FREQ=DAILY;INTERVAL=3"),
        (2, None, "FREQ=WEEKLY;BYDAY=WE"),
        (2, "2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        (3, None, "FREQ=MONTHLY;BYDAY=3WE"),
        (3, "3", "FREQ=MONTHLY;INTERVAL=3;BYDAY=3WE"),  # the quarterly Arbeitskreis
        (5, None, "FREQ=MONTHLY;BYMONTHDAY=18"),
        (6, None, "FREQ=YEARLY"),
    ],
)
async def test_recurrence_choices_make_the_rule(
    filled: Store, downs: int, interval: str | None, rule: str
) -> None:
    wednesday = _new_event(kita="k-sonne", start="2026-11-18T13:00:00+01:00",
                           end="2026-11-18T14:00:00+01:00")
    async with form_on(filled, wednesday) as ui:
        await ui.choose("#repeat", downs)
        if interval is not None:
            await ui.type("#interval", interval)
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.rrule == rule


async def test_recurrence_end_and_description(filled: Store) -> None:
    wednesday = _new_event(kita="k-sonne", start="2026-11-18T13:00:00+01:00",
                           end="2026-11-18T14:00:00+01:00")
    async with form_on(filled, wednesday) as ui:
        await ui.choose("#repeat", 3)
        assert ui.text("#repeat-desc") == "jeden 3. Mittwoch im Monat"
        assert ui.text("#unit") == "Monat"
        await ui.type("#interval", "3")
        assert ui.text("#unit") == "Monate"
        await ui.type("#until", "10")
        assert ui.text("#repeat-desc") == "alle 3 Monate am 3. Mittwoch, 10 Termine"
        await ui.type("#until", "31.3.2027")
        assert ui.text("#repeat-desc") == "alle 3 Monate am 3. Mittwoch, bis 31.03.2027"
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=3WE;UNTIL=20270331T235959"


async def test_an_invalid_custom_rule_cannot_be_saved(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.choose("#repeat", 7)
        await ui.type("#rule", "FREQ=SOMETIMES")
        assert "Ungültige Wiederholungsregel" in ui.text("#err-repeat")
        await ui.save()
        assert ui.app.results == []


async def test_a_series_occurrence_shows_its_rule_and_note(filled: Store) -> None:
    series = _new_event(kita="k-sonne", rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=5",
                        start="2026-11-11T13:00:00+01:00", end="2026-11-11T14:00:00+01:00")
    async with form_on(filled, series, new=False, series_note="Termin einer Serie") as ui:
        assert "Termin einer Serie" in ui.text("#form-note")
        # the demo's quarterly working group reads as the choice that writes it
        assert ui.form.query_one("#interval", Input).value == "3"
        assert ui.form.query_one("#until", Input).value == "5"
        assert ui.text("#repeat-desc") == "alle 3 Monate am 2. Mittwoch, 5 Termine"
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.rrule == series.rrule  # untouched


# -- the result ---------------------------------------------------------------------------


async def test_escape_returns_none(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.pilot.press("escape")  # unchanged: closes at once
        await ui.settle()
        assert not isinstance(ui.app.screen, EventForm)
    assert ui.app.results == [None]


async def test_escape_on_a_changed_form_asks_before_discarding(filled: Store) -> None:
    from thekiz_tui.dialogs.common import ConfirmDialog

    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#title", "Wird verworfen")
        await ui.pilot.press("escape")
        await ui.settle()
        assert isinstance(ui.app.screen, ConfirmDialog)
        await ui.pilot.press("n")  # keep editing: everything typed is still there
        await ui.settle()
        assert isinstance(ui.app.screen, EventForm)
        assert ui.form.query_one("#title", Input).value == "Wird verworfen"
        await ui.pilot.press("escape")
        await ui.settle()
        await ui.pilot.press("j")
        await ui.settle()
        assert not isinstance(ui.app.screen, EventForm)
    assert ui.app.results == [None]
    assert [e.id for e in filled.events()] == ["ev-existing"]


async def test_the_result_keeps_the_id_and_has_the_typed_values(filled: Store) -> None:
    existing = filled.event("ev-existing")
    async with form_on(filled, existing, new=False) as ui:
        assert ui.form.query_one("#day", Input).value == "26.11.2026"
        assert ui.form.query_one("#start", Input).value == "10:00"
        assert ui.form.query_one("#kita", Input).value == "Kita Sonnenblume"
        await ui.type("#title", "Teamsitzung Konzept")
        await ui.type("#location", "Gera, Turnraum")
        await ui.type("#day", "27.11.")
        await ui.type("#end", "1130")
        notes = ui.form.query_one("#notes")
        notes.focus()
        await ui.pilot.press(*"Beamer mitbringen")
        await ui.choose("#status", 1)  # bestätigt
        ui.form.query_one("#coaches").focus()
        await ui.pilot.press("down", "space")  # Ben too
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    ev = result.event
    assert ev.id == "ev-existing" and ev.sequence == existing.sequence
    assert ev.title == "Teamsitzung Konzept"
    assert ev.location == "Gera, Turnraum"
    assert ev.start == "2026-11-27T10:00:00+01:00"
    assert ev.end == "2026-11-27T11:30:00+01:00"
    assert ev.notes == "Beamer mitbringen"
    assert ev.status == "bestaetigt"
    assert ev.coaches == ["c-anna", "c-ben"]
    assert ev.kita == "k-sonne"
    assert result.acks == ()


async def test_all_day_over_several_days(filled: Store) -> None:
    event = _new_event(kind="fachtag", coaches=["c-anna"])
    async with form_on(filled, event) as ui:
        await ui.pilot.click("#all-day")
        await ui.settle()
        assert not ui.form.query_one("#row-times").display
        await ui.type("#day", "1.12.")
        await ui.type("#last-day", "3.12.")
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.event.all_day
    assert (result.event.start, result.event.end) == ("2026-12-01", "2026-12-04")


async def test_subtype_only_for_trainings(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        assert not ui.form.query_one("#row-subtype").display
        await ui.choose("#kind", 1)  # Fortbildung
        assert ui.form.query_one("#row-subtype").display
        await ui.choose("#subtype", 2)  # Reflexionsfortbildung (after the blank)
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert (result.event.kind, result.event.subtype) == ("fortbildung", "reflexion")


# -- acknowledging ----------------------------------------------------------------------


async def test_a_finding_acknowledged_in_the_form_comes_back_in_acks(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#start", "1030")
        assert any("Doppelbuchung" in f for f in ui.findings())
        form = ui.form
        overlap = next(f for f in form._findings if f.rule == "coach-overlap")
        listing = form.query_one("#findings", OptionList)
        listing.highlighted = listing.get_option_index(overlap.id)
        await ui.type("#ack-reason", "mit Kita abgesprochen")
        await ui.pilot.press("f2")
        await ui.settle()
        assert "quittiert" in ui.findings()[listing.get_option_index(overlap.id)]
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert (overlap.id, "mit Kita abgesprochen") in result.acks


async def test_an_ack_of_a_finding_that_went_away_is_dropped(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne")) as ui:
        await ui.type("#start", "1030")
        await ui.pilot.press("f2")
        await ui.settle()
        assert ui.form._acks
        await ui.type("#start", "1300")  # no overlap any more
        await ui.save()
    [result] = ui.app.results
    assert result is not None
    assert result.acks == ()


async def test_english_on_request(filled: Store) -> None:
    set_lang("en")
    try:
        async with form_on(filled, _new_event()) as ui:
            assert str(ui.form.query_one("#save", Button).label) == "Save (Ctrl+S)"
            assert ui.text("#err-kita") == "A coaching visit needs a Kita."
            await ui.type("#start", "1030")
            assert any("Double booking" in f for f in ui.findings())
    finally:
        set_lang("de")


# -- size --------------------------------------------------------------------------------


async def test_usable_at_80x24(filled: Store) -> None:
    async with form_on(filled, _new_event(kita="k-sonne"), size=(80, 24)) as ui:
        await ui.type("#start", "1030")
        for selector in ("#findings", "#save", "#cancel", "#findings-title"):
            region = ui.form.query_one(selector).region
            assert region.height >= 1 and region.bottom <= 24, selector
        # The last field is reachable: focusing it scrolls it into view.
        notes = ui.form.query_one("#notes")
        notes.focus()
        await ui.settle()
        scroller = ui.form.query_one("#form-fields").region
        assert scroller.contains_region(notes.region)


# -- validate.py without the UI ---------------------------------------------------------


def _draft(**changes: object) -> Draft:
    values: dict[str, object] = {
        "kind": "begleitung", "title": "", "day": "4.3.2026", "start": "9:30", "end": "11",
        "coaches": ("c-anna",), "kita": "Kita Sonnenblume",
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def _build(filled: Store, **changes: object) -> validate.Built:
    return build_event(
        _draft(**changes), _new_event(), today=TODAY,
        coaches={c.id for c in filled.coaches()}, kitas=filled.kitas(),
    )


def test_build_event_from_a_draft(filled: Store) -> None:
    built = _build(filled)
    assert built.ok and built.event is not None
    assert (built.event.start, built.event.end, built.event.kita) == (
        "2026-03-04T09:30:00+01:00", "2026-03-04T11:00:00+01:00", "k-sonne"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "9"}, "end"),
        ({"start": "abc"}, "start"),
        ({"day": "32.1."}, "day"),
        ({"kita": "Kita Nirgendwo"}, "kita"),
        ({"kita": ""}, "kita"),
        ({"coaches": ()}, "coaches"),
        ({"coaches": ("c-nobody",)}, "coaches"),
        ({"repeat": "custom", "rule": "FREQ=SOMETIMES"}, "rrule"),
        ({"repeat": "weekly", "interval": "0"}, "interval"),
        ({"repeat": "weekly", "until": "1.1.2026"}, "until"),
        ({"repeat": "daily", "until": "irgendwann"}, "until"),
        ({"repeat": "daily", "until": "5000"}, "until"),
        ({"repeat": "monthly-last"}, "rrule"),  # 4.3.2026 is the first Wednesday
        ({"all_day": True, "last_day": "1.3.2026"}, "last_day"),
    ],
)
def test_problems_block_saving(filled: Store, changes: dict[str, object], field: str) -> None:
    built = _build(filled, **changes)
    assert not built.ok
    assert field in {p.field for p in built.problems}


def test_kinds_without_kita_or_coach_rules(filled: Store) -> None:
    assert _build(filled, kind="fachtag", kita="", coaches=()).ok
    assert not _build(filled, kind="sonstiges", kita="", coaches=()).ok
    assert not _build(filled, kind="einrichtungsbesuch", kita="").ok


def test_duration_kept_by_a_new_start() -> None:
    assert validate.duration_of("9:30", "11") == 90
    assert validate.duration_of("930", "9:30") is None  # no positive duration
    assert validate.duration_of("9:", "11") is None
    assert validate.end_after("14", 90) == "15:30"
    assert validate.end_after("1", 60) == "02:00"
    assert validate.end_after("23:00", 60) is None  # past midnight
    assert validate.end_after("25", 60) is None


def test_the_kita_search(filled: Store) -> None:
    kitas = filled.kitas()
    assert [k.id for k in kita_matches("sonnen", kitas)] == ["k-sonne", "k-schein"]
    assert [k.id for k in kita_matches("loewen", kitas)] == ["k-loewe"]
    assert [k.id for k in kita_matches("jena", kitas)] == ["k-schein"]
    assert resolve_kita("kita löwenzahn", kitas)[0] is not None
    kita, problem = resolve_kita("Kita", kitas)
    assert kita is None and problem is not None


def test_the_cli_messages_stay_the_same(filled: Store) -> None:
    event = _new_event(coaches=["c-nobody"], kita="k-none")
    messages = [p.message for p in validate.event_problems(
        event, coaches={"c-anna"}, kitas={"k-sonne"}
    )]
    assert messages == [
        "Prozessbegleiter*in „c-nobody“ gibt es nicht.",
        "Kita „k-none“ gibt es nicht.",
    ]


def test_every_german_text_of_the_form_has_an_english_one() -> None:
    english = i18n.catalogue()
    missing = [t for t in validate.TEMPLATES if t not in english]
    source = Path(validate.__file__).parent.parent / "dialogs" / "event_form.py"
    literals = re.findall(r'\btr\(\s*"((?:[^"\\]|\\.)*)"', source.read_text(encoding="utf-8"))
    assert literals
    missing += [t for t in literals if t not in english]
    assert missing == []
