"""The planner's first month, read in a forked child while Textual is imported: the same
month as a read in this process, and the same German errors."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from store import Coach, Event, Store, StoreError, new_id
from thekiz_tui.commands.first_month import FirstMonthReader, read_first_month
from thekiz_tui.config import Config
from thekiz_tui.planning.timeutil import BadInput

DAY = date(2025, 3, 12)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("THEKIZ_TODAY", DAY.isoformat())
    monkeypatch.setenv("THEKIZ_CONFIG", str(tmp_path / "config.toml"))
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="ina", name="Ina Beispiel", rate=60.0))
    store.add_coach(Coach(id="olaf", name="Olaf Muster", rate=55.0))
    for coach, hour in (("ina", 9), ("olaf", 13)):
        store.add_event(Event(id=new_id("ev"), kind="sonstiges", title=f"Termin {coach}",
                              start=f"2025-03-12T{hour:02d}:00:00+01:00",
                              end=f"2025-03-12T{hour + 1:02d}:00:00+01:00",
                              coaches=[coach]))
    return path


def titles(config: Config) -> list[str]:
    month = FirstMonthReader(config).start().result()
    return [o.event.title for o in month.window.on(DAY)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_child_reads_the_same_month_as_this_process(plan: Path) -> None:
    config = Config(db=plan)
    forked = FirstMonthReader(config).start().result()
    here = read_first_month(config)
    assert forked.window == here.window
    assert [o.event.title for o in forked.window.on(DAY)] == ["Termin ina", "Termin olaf"]
    assert (forked.window.year, forked.window.month, forked.window.complete) == (2025, 3, False)
    assert forked.stamp == here.stamp


def test_as_a_coach_the_first_month_holds_her_events(plan: Path) -> None:
    assert titles(Config(db=plan, as_coach="ina")) == ["Termin ina"]


def test_an_unknown_coach_is_a_german_error_from_the_child(plan: Path) -> None:
    with pytest.raises(StoreError, match="„nobody“ gibt es nicht"):
        titles(Config(db=plan, as_coach="nobody"))


def test_a_broken_config_file_is_a_german_error(plan: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("lang = [", encoding="utf-8")
    with pytest.raises(BadInput, match=r"Einstellungsdatei .* ist fehlerhaft"):
        titles(Config(db=plan))


def test_a_corrupt_store_is_a_german_error_and_stays_as_it_was(plan: Path) -> None:
    plan.write_bytes(b'{"coaches": {')
    with pytest.raises(StoreError, match="ist beschädigt oder unlesbar"):
        titles(Config(db=plan))
    assert plan.read_bytes() == b'{"coaches": {'
