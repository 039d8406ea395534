"""What a coach, a Kita and a setting may be (``planning.people``, ``planning.settings``):
one rule for ``thekiz coach|kita|settings`` and the office's forms, on a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from store import Coach, Event, Store
from thekiz_tui.planning import people
from thekiz_tui.planning.money import euros
from thekiz_tui.planning.people import CoachInput, KitaInput
from thekiz_tui.planning.settings import EXPLANATIONS, Settings, checked, set_setting, shown
from thekiz_tui.planning.timeutil import BadInput

TODAY = date(2026, 3, 16)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "plan.json")
    store.add_coach(Coach(id="jana", name="Jana Lindner", rate=62.5))
    return store


def refusal(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(BadInput) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_districts_are_thuringias_and_eisenach_is_named() -> None:
    assert len(people.DISTRICTS) == 22
    assert people.district(" gera ") == "Gera" and people.district("") == ""
    assert "Wartburgkreis" in refusal(people.district, "Eisenach")
    assert refusal(people.district, "Leipzig") == (
        "„Leipzig“ ist kein Thüringer Landkreis und keine kreisfreie Stadt.")


@pytest.mark.parametrize(("typed", "stored"), [
    ("62,50", 62.5), ("1.234,50 €", 1234.5), ("1 234,50", 1234.5), ("62.5", 62.5),
    ("0,1", 0.1), ("2.500", 2500.0), ("1.250.000", 1250000.0), ("62.50", 62.5),
    ("-", None), ("", None), ("keins", None),
])
def test_amounts_are_read_exactly_and_stored_as_numbers(typed: str, stored: float | None) -> None:
    value = people.amount(typed, "das Budget")
    assert value == stored
    if value is not None:  # the number stored reads back as the amount typed
        assert str(euros(value)) == str(stored)


@pytest.mark.parametrize(("typed", "sentence"), [
    ("zwölf", "„zwölf“ ist kein Betrag für den Stundensatz (z. B. 62,50)."),
    ("nan", "„nan“ ist kein Betrag für den Stundensatz (z. B. 62,50)."),
    ("-5", "„-5“ ist kein gültiger Betrag für den Stundensatz."),
])
def test_a_bad_amount_is_one_german_sentence(typed: str, sentence: str) -> None:
    assert refusal(people.amount, typed, "den Stundensatz") == sentence


def test_ids_come_from_names_and_stay_unique(store: Store) -> None:
    added = store.add_coach(people.new_coach(store, CoachInput(name="Jana Lindner")))
    assert added.id == "c-jana-lindner"
    again = people.new_coach(store, CoachInput(name="Jana Lindner"))
    assert again.id == "c-jana-lindner-2"
    assert people.slug("Jörg Weiß") == "joerg-weiss"


def test_a_coach_needs_a_name_a_known_role_and_clean_text(store: Store) -> None:
    assert refusal(people.new_coach, store, CoachInput(name="  ")) == (
        "Bitte einen Namen angeben.")
    assert "Unbekannte Rolle „chefin“" in refusal(
        people.new_coach, store, CoachInput(name="A", role="chefin"))
    assert "Name" in refusal(people.new_coach, store, CoachInput(name="A\x1b[2J"))
    current = store.coach("jana")
    changed = people.changed_coach(current, CoachInput(rate="70", email=None))
    assert changed.rate == 70.0 and changed.email == current.email


def test_a_kita_is_checked_field_by_field(store: Store) -> None:
    typed = KitaInput(name="Kita Sonne", district="jena", stage="vertiefung",
                      since="1.8.2025", coach="jana", budget="2.500,00", address="Weg 1")
    kita = people.new_kita(store, typed, today=TODAY)
    assert (kita.id, kita.district, kita.since, kita.coach, kita.budget) == (
        "k-kita-sonne", "Jena", "2025-08-01", "jana", 2500.0)
    assert refusal(people.new_kita, store, KitaInput(name="X", coach="nobody"),
                   today=TODAY) == "Prozessbegleiter*in „nobody“ gibt es nicht."
    assert "Unbekannte Stufe" in refusal(people.new_kita, store,
                                         KitaInput(name="X", stage="super"), today=TODAY)
    stored = store.add_kita(kita)
    cleared = people.changed_kita(store, stored, KitaInput(coach="", budget="-", since=""),
                                  today=TODAY)
    assert (cleared.coach, cleared.budget, cleared.since, cleared.name) == (
        None, None, "", "Kita Sonne")


def test_references_are_counted_before_removing(store: Store) -> None:
    store.add_kita(people.new_kita(store, KitaInput(name="Sonne", coach="jana"), today=TODAY))
    assert people.coach_in_use(store, "jana") == (
        "„jana“ ist noch 1 Kita zugeordnet und in 0 Terminen eingetragen")
    assert people.kita_in_use(store, "k-sonne") is None
    store.add_event(Event(id="e1", kind="begleitung", title="Besuch",
                          start="2026-03-17T09:00:00+01:00", end="2026-03-17T11:00:00+01:00",
                          coaches=["jana"], kita="k-sonne"))
    assert people.kita_in_use(store, "k-sonne") == "Kita „k-sonne“ ist noch in 1 Termin eingetragen"


def test_a_setting_is_typed_as_for_the_cli(store: Store) -> None:
    assert checked("travel_minutes", "45") == 45
    assert checked("work_days", "0, 1,2") == [0, 1, 2]
    assert checked("budget_konsultation", "-") is None
    assert refusal(checked, "travel_minutes", "viel") == (
        "„viel“ passt nicht zur Einstellung „travel_minutes“.")
    # of the right type but unusable: refused as typed, not stored to be repaired later
    assert refusal(checked, "work_days", "1,9") == (
        "„1,9“ passt nicht zur Einstellung „work_days“.")
    assert refusal(checked, "nonsense", "1") == "Unbekannte Einstellung „nonsense“."
    set_setting(store, "travel_minutes", "45")
    assert store.settings()["travel_minutes"] == 45
    rows = {row.name: row for row in shown(store.settings())}
    assert rows["travel_minutes"].origin == "gesetzt" and rows["work_end"].origin == "Standard"


def test_every_setting_is_explained() -> None:
    assert set(EXPLANATIONS) == set(Settings().as_dict())


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": TODAY.isoformat(), "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.slow  # (processes: left out of `make test-fast`)
def test_the_cli_says_the_rules_sentences(store: Store, tmp_path: Path) -> None:
    """The command line refuses with the very sentences of the shared rule."""
    db = tmp_path / "plan.json"
    cases = [
        (("kita", "add", "--name", "X", "--district", "Eisenach"),
         refusal(people.district, "Eisenach")),
        (("kita", "add", "--name", "X", "--coach", "nobody"),
         refusal(people.known_coach, store, "nobody")),
        (("coach", "add", "--name", "X", "--rate", "zwölf"),
         refusal(people.amount, "zwölf", "den Stundensatz")),
        (("settings", "set", "work_days", "1,9"), refusal(checked, "work_days", "1,9")),
    ]
    for args, sentence in cases:
        done = _cli(db, *args)
        assert (done.returncode, done.stderr.strip()) == (2, f"thekiz: {sentence}"), args
    done = _cli(db, "kita", "add", "--name", "Sonne", "--coach", "jana")
    assert done.returncode == 0, done.stderr
    done = _cli(db, "coach", "remove", "jana")
    assert done.stderr.strip() == ("thekiz: „jana“ ist noch 1 Kita zugeordnet und in 0 Terminen "
                                   "eingetragen; mit --force trotzdem löschen.")
