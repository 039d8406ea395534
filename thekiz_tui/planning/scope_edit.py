"""A change to one occurrence of a series, applied to the scope she chose: this occurrence,
this one and the following, or all of the series.

Pure functions over :mod:`thekiz_tui.planning.edits`, free of Textual: the planner asks
which scope, then hands the answer here and saves what comes back in place of the series.
Each returns the events that replace the stored series (none: the series is gone).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from . import edits

if TYPE_CHECKING:
    from store import Event

Scope = Literal["this", "following", "all"]
SCOPES: tuple[Scope, ...] = ("this", "following", "all")


def _split(parts: tuple[Event, Event | None]) -> list[Event]:
    old_part, new_part = parts
    return [old_part] + ([new_part] if new_part is not None else [])


def change(master: Event, rid: str, edited: Event, scope: Scope) -> list[Event]:
    """The series after occurrence ``rid`` was edited to ``edited`` (as the form returns
    it) for ``scope``."""
    if scope == "this":
        return [edits.change_this(master, rid, replace(edited, rrule=None))]
    if scope == "following":
        return _split(edits.change_following(master, rid, edited))
    return [edits.change_all(master, rid, edited)]


def move(master: Event, rid: str, shown: Event, days: int, scope: Scope) -> list[Event]:
    """The series after occurrence ``rid`` (``shown``: as the views show it, its change
    applied) was moved by whole days for ``scope``."""
    if scope == "this":
        return [edits.move_occurrence(master, rid, days)]
    if scope == "following":
        moved = edits.shift(replace(shown, rrule=master.rrule), days)
        return _split(edits.change_following(master, rid, moved))
    return [edits.shift(master, days)]


def delete(master: Event, rid: str, scope: Scope) -> list[Event]:
    """The series after occurrence ``rid`` was deleted for ``scope``."""
    if scope == "this":
        return [edits.delete_this(master, rid)]
    if scope == "following":
        rest = edits.delete_following(master, rid)
        return [] if rest is None else [rest]
    return []
