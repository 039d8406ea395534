"""A change to one occurrence applied to the scope she chose (``planning.scope_edit``):
what the views show afterwards, for this one, this and the following, and all."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_edits import rids, series, shown

from store import Event
from thekiz_tui.planning import edits, scope_edit

WEEKLY = series("2026-03-02 09:00", "2026-03-02 10:00", "FREQ=WEEKLY;COUNT=4")
DAYS = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]


def third() -> str:
    return rids(WEEKLY)[2]


def days_and_titles(events: list[Event]) -> list[tuple[str, str]]:
    return [(start[:10], title) for start, _end, title in shown(events)]


@pytest.mark.parametrize(("scope", "renamed"), [
    ("this", [2]), ("following", [2, 3]), ("all", [0, 1, 2, 3]),
])
def test_a_renamed_occurrence_renames_its_scope(scope: scope_edit.Scope,
                                                renamed: list[int]) -> None:
    edited = replace(edits.occurrence(WEEKLY, third()), title="Neu")
    after = scope_edit.change(WEEKLY, third(), edited, scope)
    assert days_and_titles(after) == [
        (day, "Neu" if i in renamed else "Arbeitskreis") for i, day in enumerate(DAYS)]
    assert len(after) == (2 if scope == "following" else 1)  # a split makes a new series


@pytest.mark.parametrize(("scope", "moved"), [
    ("this", [2]), ("following", [2, 3]), ("all", [0, 1, 2, 3]),
])
def test_a_moved_occurrence_moves_its_scope(scope: scope_edit.Scope,
                                            moved: list[int]) -> None:
    shown_event = edits.occurrence(WEEKLY, third())
    after = scope_edit.move(WEEKLY, third(), shown_event, 1, scope)
    want = [f"2026-03-{int(day[-2:]) + (1 if i in moved else 0):02d}"
            for i, day in enumerate(DAYS)]
    assert [day for day, _title in days_and_titles(after)] == want


@pytest.mark.parametrize(("scope", "left"), [
    ("this", [0, 1, 3]), ("following", [0, 1]), ("all", []),
])
def test_a_deleted_occurrence_deletes_its_scope(scope: scope_edit.Scope,
                                                left: list[int]) -> None:
    after = scope_edit.delete(WEEKLY, third(), scope)
    assert [day for day, _title in days_and_titles(after)] == [DAYS[i] for i in left]
