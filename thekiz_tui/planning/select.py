"""The scope filter shared by ``list`` and ``export``: coach, Kita, kind and a date range."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from store import DEFAULT_TZ, Event

from .occurrences import expand
from .timeutil import day_start, epoch


def in_scope(event: Event, coach: str | None = None, kita: str | None = None,
             kind: str | None = None) -> bool:
    """Whether ``event`` is of ``coach`` (in its coaches), of ``kita`` (its host or a
    participant) and of ``kind``; None matches any."""
    if coach is not None and coach not in event.coaches:
        return False
    if kita is not None and event.kita != kita and kita not in event.participants:
        return False
    return kind is None or event.kind == kind


def select(
    events: Iterable[Event],
    *,
    coach: str | None = None,
    kita: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    tz: str = DEFAULT_TZ,
) -> list[Event]:
    """The events in scope, in their given order.

    - ``coach``: the coach's id is in ``event.coaches``;
    - ``kita``: the Kita hosts the event (``event.kita``) or takes part in it;
    - ``kind``: ``event.kind``;
    - ``start``/``end``: days ``[start, end)`` in ``tz``; an event is in range when it
      overlaps them, a series when any of its occurrences does (EXDATEs and moved
      occurrences count as the series shows them).
    """
    start_ts = None if start is None else epoch(day_start(start, tz))
    end_ts = None if end is None else epoch(day_start(end, tz))
    out: list[Event] = []
    for event in events:
        if not in_scope(event, coach, kita, kind):
            continue
        if (start_ts is not None or end_ts is not None) and not expand(
            [event], start_ts, end_ts
        ):
            continue
        out.append(event)
    return out
