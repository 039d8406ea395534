"""What the event form offers a person: only what she may save.

A coach names herself alone as coach and no participants, creates only the kinds that
are hers (``begleitung``, ``sonstiges``), and picks among the Kitas she accompanies (the
guarded store lists only those). A new event she starts from another (a duplicate of a
shared date) becomes hers in that way before the form shows it, so that the form's live
check never runs for another coach. The coordination office is offered everything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from store import KINDS

from ..planning.permissions import COORDINATED_KINDS, Actor, actor

if TYPE_CHECKING:
    from store import Coach, Event, Store

OWN_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k not in COORDINATED_KINDS)
"""The kinds a coach creates and changes herself."""


@dataclass(frozen=True, slots=True)
class FormRights:
    """The choices of the form for one person (no store reads: cheap per keystroke)."""

    who: Actor

    @classmethod
    def of(cls, store: Store) -> FormRights:
        return cls(actor(store))

    def kinds(self, event: Event) -> tuple[str, ...]:
        if self.who.everything or event.kind in OWN_KINDS:
            return KINDS if self.who.everything else OWN_KINDS
        return (*OWN_KINDS, event.kind)  # shown as it is; saving it stays refused

    def start(self, event: Event, *, new: bool) -> Event:
        """The event the form starts from: a new one of a coach is hers alone."""
        me = self.who.id
        if self.who.everything or not new or me is None:
            return event
        kind = event.kind if event.kind in OWN_KINDS else OWN_KINDS[0]
        return replace(event, kind=kind, coaches=[me], participants=[])

    def coaches(self, coaches: list[Coach], event: Event, *, new: bool) -> list[Coach]:
        """The coaches she may tick: herself (and, editing, those the event has: they
        stay as the office planned them)."""
        if self.who.everything:
            return coaches
        keep = {self.who.id} if new else {self.who.id, *event.coaches}
        return [c for c in coaches if c.id in keep]
