"""Finding events by their words: titles, notes, places, Kitas and coaches, in every year.

One place decides what a search finds, for the planner's ``/`` and ``thekiz search``:
every word typed must occur (in any order) in one of the event's texts, ignoring case and
accents ("Muller" finds "Müller", "strasse" finds "Straße"). The events searched are the
ones the caller passes: through the permission layer a coach's search sees her own plan
only, as her list does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

import orjson

from store import Event

from .occurrences import Occurrence, expand, overlaps, span
from .timeutil import day_start, epoch

_SEP = "\x1f"  # between an event's texts: a query word never spans two of them
_TEXT_OVERRIDES = ("title", "notes", "location")
_SERIES_YEARS = 10  # a series' next occurrence is looked for this far ahead
_T = TypeVar("_T")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``text`` for comparing: case folded, without accents (é → e, ü → u, ß → ss)."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(query: str) -> list[str]:
    """The folded words of a query; empty for a query of only spaces."""
    return [fold(w) for w in query.split()]


def texts(event: Event, kita_names: Mapping[str, str],
          coach_names: Mapping[str, str]) -> Iterator[str]:
    """Every text of ``event`` a search looks at, as it is (unfolded), the event's own
    first: title, notes, place, then its Kita's and coaches' names and what its
    occurrences changed."""
    yield event.title
    yield event.notes
    yield event.location
    if event.kita:
        yield kita_names.get(event.kita, event.kita)
    for coach in event.coaches:
        yield coach_names.get(coach, coach)
    for changes in event.overrides.values():  # an occurrence's own title, notes, place
        for name in _TEXT_OVERRIDES:
            if changes.get(name):
                yield str(changes[name])


def haystack(event: Event, kita_names: Mapping[str, str],
             coach_names: Mapping[str, str]) -> str:
    """Every text of ``event`` a search looks at (:func:`texts`), folded, in one string."""
    return _SEP.join(fold(p) for p in texts(event, kita_names, coach_names) if p)


_MANY_IDS = 24  # a word in more names than this sends no file away (too many ids to look for)


def file_test(query: str, kita_names: Mapping[str, str],
              coach_names: Mapping[str, str]) -> Callable[[bytes], bool] | None:
    """For ``thekiz search``: whether a month file's bytes may hold an event the query
    finds, so that the others are not parsed; never False for a file that may (the
    events read are searched as always). None where bytes cannot tell.

    Each word must occur in the file: as it is (ASCII letters in any case), in the
    file's text folded (for "muller" in "Müller"; done only when the plain look fails),
    or as the id of a Kita or coach whose name holds it (a name's hit is a hit for all
    her events, which name her by id only)."""
    checks: list[tuple[bytes, tuple[bytes, ...]]] = []
    for needle in words(query):
        # a word that is not plain ASCII, or that JSON writes escaped, is not looked
        # for in bytes; nor one in many names (every file holds one of them)
        if not needle.isascii() or not needle.isprintable() or '"' in needle \
                or "\\" in needle:
            continue
        ids = [orjson.dumps(i) for names_ in (kita_names, coach_names)
               for i, name in names_.items() if needle in fold(name)]
        if len(ids) > _MANY_IDS:
            continue
        checks.append((needle.encode(), tuple(ids)))
    if not checks:
        return None

    def may_hold(data: bytes) -> bool:
        lowered = data.lower()  # (ASCII letters only: cheap)
        folded: bytes | None = None
        for needle, ids in checks:
            if needle in lowered or any(i in data for i in ids):
                continue
            if b"\\u" in data:  # escaped characters (a file another tool wrote, e.g.
                return True      # "M\\u00fcller"): the bytes cannot tell
            if data.isascii():
                return False
            if folded is None:  # accents and other cases: the costly look, once
                try:
                    text = data.decode()
                except UnicodeDecodeError:  # a damaged file: read, to say so as list does
                    return True
                folded = unicodedata.normalize("NFKD", text.casefold()).encode(
                    "ascii", "ignore")
            if needle not in folded:
                return False
        return True

    return may_hold


class SearchIndex:
    """Many events, searched once (``thekiz search``): each distinct text is folded and
    looked at once per query, however many events share it (titles and names repeat)."""

    def __init__(self, events: Iterable[Event], *, kita_names: Mapping[str, str],
                 coach_names: Mapping[str, str]) -> None:
        self._events = list(events)
        self._kita_names = kita_names
        self._coach_names = coach_names

    def __len__(self) -> int:
        return len(self._events)

    def matches(self, query: str) -> list[Event]:
        """The events whose texts hold every word of ``query``; none for an empty one.
        (What :func:`haystack` holds, looked at text by text: a word never spans two.)"""
        needles = words(query)
        if not needles:
            return []
        every = (1 << len(needles)) - 1
        seen: dict[str, int] = {}

        def held(text: str) -> int:  # which words the text holds, as bits
            bits = seen.get(text)
            if bits is None:
                folded = fold(text)
                bits = sum(1 << i for i, needle in enumerate(needles) if needle in folded)
                seen[text] = bits
            return bits

        kitas, coaches = self._kita_names, self._coach_names
        out = []
        for event in self._events:
            bits = 0
            for text in texts(event, kitas, coaches):
                bits |= held(text)
                if bits == every:  # (the rest of its texts need not be looked at)
                    out.append(event)
                    break
        return out


def _matching(entries: list[tuple[str, _T]], needles: list[str]) -> list[tuple[str, _T]]:
    # word by word, each a plain comprehension: a fifth of the time of all() per entry
    for needle in needles:
        entries = [entry for entry in entries if needle in entry[0]]
    return entries


def _narrows(before: list[str], now: list[str]) -> bool:
    """Whether every text holding all of ``now`` holds all of ``before`` (each word typed
    before is part of a word typed now), so that the hits of ``now`` are among those of
    ``before``: "kit" → "kita", "kita" → "kita son"."""
    return all(any(old in new for new in now) for old in before)


class LiveSearch:
    """The planner's search as she types: every hit (one occurrence per event, as
    :func:`hits` chooses it) in time order, made once; a keystroke filters them by
    their folded texts, and a longer query only the hits of the one before."""

    def __init__(self, events: Iterable[Event], *, kita_names: Mapping[str, str],
                 coach_names: Mapping[str, str], today: date, tz: str) -> None:
        found = list(events)
        hays = {e.id: haystack(e, kita_names, coach_names) for e in found}
        ordered = hits(found, today=today, tz=tz).shown
        self._all = [(hays[h.event.id], h) for h in ordered]
        self._last: tuple[list[str], list[tuple[str, Hit]]] = ([], self._all)
        self.examined = 0

    def __len__(self) -> int:
        return len(self._all)

    def find(self, query: str, limit: int | None = None) -> Hits:
        """The hits of ``query`` in time order; only the first ``limit`` of them listed."""
        needles = words(query)
        if not needles:
            return Hits(0, [])
        before, previous = self._last
        pool = previous if before and _narrows(before, needles) else self._all
        self.examined = len(pool)  # (the work of this keystroke, for its test)
        found = _matching(pool, needles)
        self._last = (needles, found)
        chosen = found if limit is None else found[:limit]
        return Hits(len(found), [hit for _hay, hit in chosen])


@dataclass(frozen=True, slots=True)
class Hit:
    """An event found, at the occurrence to show and jump to."""

    occurrence: Occurrence

    @property
    def event(self) -> Event:
        return self.occurrence.event

    @property
    def day(self) -> date:
        return date.fromisoformat(self.occurrence.event.start[:10])


@dataclass(frozen=True, slots=True)
class Hits:
    """The events found: how many, and the first ``limit`` of them in time order."""

    total: int
    shown: list[Hit]


def hits(found: Sequence[Event], *, today: date, tz: str, start: date | None = None,
         end: date | None = None, limit: int | None = None) -> Hits:
    """One occurrence per event found, in time order: a single event's own; of a series
    the first in ``[start, end)`` when a window is given, else the next from ``today`` on
    (or its last, for a series that is over). Events without an occurrence in the window
    are left out. Only the first ``limit`` become :class:`Hit` objects."""
    lo = None if start is None else epoch(day_start(start, tz))
    hi = None if end is None else epoch(day_start(end, tz))
    now = epoch(day_start(today, tz))
    singles: list[tuple[int, int, str, Event]] = []
    series: list[Occurrence] = []
    for event in found:
        if not event.series:  # (most events: their span, without an expansion)
            s, e = span(event)
            if overlaps(s, e, lo, hi):
                singles.append((s, e, event.id, event))
            continue
        if start is not None or end is not None:
            shown = expand([event], lo, hi)
            if shown:
                series.append(min(shown, key=_order))
            continue
        ahead = expand([event], now, now + _SERIES_YEARS * 366 * 86400)
        if ahead:
            series.append(min(ahead, key=_order))
            continue
        past = expand([event], None, now)
        if past:
            series.append(max(past, key=_order))
    keyed: list[tuple[int, int, str, Event | Occurrence]] = [
        *singles, *((o.start_ts, o.end_ts, o.event.id, o) for o in series)]
    keyed.sort(key=lambda item: item[:3])
    chosen = keyed if limit is None else keyed[:limit]
    return Hits(len(keyed), [
        Hit(what if isinstance(what, Occurrence) else Occurrence(what, s, e))
        for s, e, _id, what in chosen])


def _order(occ: Occurrence) -> tuple[int, int, str]:
    return occ.start_ts, occ.end_ts, occ.event.id


def names(store: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The Kitas' and the coaches' names by id, as the search reads them."""
    return ({k.id: k.name for k in store.kitas()}, {c.id: c.name for c in store.coaches()})
