"""Changing events as the planner does: move, duplicate, and edit or delete recurring ones.

Pure functions: each returns new :class:`~store.Event` objects and never changes its
inputs. Saving (sequence, ``updated``) is the store's job, undo the history's
(``planning.history``).

A series is a master event with an RRULE, further rules (``extra_rules``) and extra
dates (``rdates``), or extra dates only; its occurrences are the union of them all, in
order (the n-th occurrence counts in that union). Its occurrences are named by their recurrence
id (``Occurrence.recurrence_id``: the stored text of the original start, or the date of an
all-day series). A changed occurrence is an override (``master.overrides[rid]``, only the
fields in which it differs), a deleted one an exdate. Both are matched by instant, as
``occurrences.expand`` matches them.

Rules keep the form the store keeps: UNTIL is local wall time in the event's zone
(``20260330T093000``, a date for all-day series), as the importer writes it; the exporter
turns it into UTC.

When the start of a series moves to another day, the parts of its rule that name days
follow (``BYDAY=WE`` becomes ``TH``, ``BYDAY=3WE`` becomes the ordinal weekday of the new
start), and per-occurrence changes and exdates keep their place in the series: the n-th
occurrence's change stays with the n-th occurrence.
"""

from __future__ import annotations

import calendar
import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from store import Event, new_id

from ..i18n import tr
from .labels import show_date
from .occurrences import OVERRIDABLE, _rdate_wall, _rule, _rules, recurrence_id, span
from .timeutil import BadInput, day_start, epoch, localize, to_stored, zone

# The fields of an occurrence besides its times: what a series and an override share.
FIELDS: tuple[str, ...] = tuple(f for f in OVERRIDABLE if f not in ("start", "end"))
# The prefix of event ids the planner and ``thekiz add`` make.
ID_PREFIX = "ev"
# How far past an instant a rule is walked before it counts as not matching: walls in
# the spring DST gap map to instants up to an hour out of order.
_SLACK = 7200
# A rule is never walked further than this many occurrences (centuries of days).
_MAX_STEPS = 200_000
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


# -- times -----------------------------------------------------------------------------


def _wall(text: str, event: Event) -> datetime:
    """A stored start, end, recurrence id or exdate as naive wall time in the event's
    zone (midnight for a date)."""
    if event.all_day or len(text) == 10:
        return datetime.combine(date.fromisoformat(text[:10]), time(0))
    return datetime.fromisoformat(text).astimezone(zone(event.tz)).replace(tzinfo=None)


def _text(wall: datetime, event: Event) -> str:
    """The stored text of a wall time: a date, or local time with its UTC offset."""
    return recurrence_id(wall, event)


def _at(wall: datetime, event: Event) -> int:
    """The instant a wall time (an occurrence's start) stands for, as ``expand`` sees it."""
    if event.all_day:
        return epoch(day_start(wall.date(), event.tz))
    return epoch(localize(wall, event.tz))


def _key_at(text: str, event: Event) -> int:
    """The instant of a recurrence id or exdate, as ``expand`` matches them."""
    if event.all_day or len(text) == 10:
        return epoch(day_start(date.fromisoformat(text[:10]), event.tz))
    return int(datetime.fromisoformat(text).timestamp())


def _duration(event: Event) -> int:
    s, e = span(event)
    return e - s


def _times(first: datetime, duration: int, event: Event) -> tuple[str, str]:
    """Start and end texts of an occurrence at wall time ``first`` lasting ``duration``
    seconds (all-day: whole days), as ``expand`` computes them."""
    if event.all_day:
        days = max(1, round(duration / 86400))
        return first.date().isoformat(), (first.date() + timedelta(days=days)).isoformat()
    start = localize(first, event.tz)
    end = datetime.fromtimestamp(epoch(start) + duration, zone(event.tz))
    return to_stored(start), to_stored(end)


def _require_series(event: Event) -> str:
    """The series' rule ("" for a series of extra dates only)."""
    if not event.series:
        raise BadInput(tr("„{title}“ ist kein wiederkehrender Termin.",
                          title=event.title or event.id))
    return (event.rrule or "").removeprefix("RRULE:")


def _copy_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in changes.items()}


def _copy(event: Event, **changes: Any) -> Event:
    """A copy with its own lists and dicts (``replace`` would share them)."""
    values: dict[str, Any] = {
        "coaches": list(event.coaches),
        "participants": list(event.participants),
        "exdates": list(event.exdates),
        "rdates": list(event.rdates),
        "extra_rules": list(event.extra_rules),
        "overrides": {k: _copy_changes(v) for k, v in event.overrides.items()},
    }
    values.update(changes)
    return replace(event, **values)


# -- walking a rule --------------------------------------------------------------------


def _walls(event: Event) -> Iterator[datetime]:
    """The series' occurrences as naive wall times (its rules and extra dates, each
    once, in order), without exdates or overrides."""
    _require_series(event)
    first = _wall(event.start, event)
    # DTSTART is the first occurrence, also where the rule alone would not give it.
    sources: list[Any] = [[first], *(_rule(text, first) for text in _rules(event))]
    sources.append(sorted(_rdate_wall(text, event, first) for text in event.rdates))
    last = None
    for step, wall in enumerate(heapq.merge(*sources)):
        if step >= _MAX_STEPS:
            return
        if wall != last:
            last = wall
            yield wall


def _rule_skip(event: Event, rule: str, wall: datetime) -> int:
    """How many dates of one of the series' rules come before ``wall``."""
    if "COUNT" not in rule.upper():
        return 0  # (only COUNT needs it)
    count = 0
    for step, date_ in enumerate(_rule(rule, _wall(event.start, event))):
        if date_ >= wall or step >= _MAX_STEPS:
            break
        count += 1
    return count


def _moved_extras(old: Event, new: Event, start_at: datetime, first: datetime,
                  keep: Callable[[int], bool] = lambda _at: True,
                  skip_at: datetime | None = None) -> dict[str, Any]:
    """The further rules and extra dates of ``old`` for ``new``, whose occurrence at
    ``start_at`` moves to ``first`` (the series begins there): extra dates move by as
    much (those whose instant ``keep`` takes), and rules as the main rule does, counting
    only their dates from ``skip_at`` on. A rule with no date left goes."""
    delta = first - start_at
    base = _wall(old.start, old)
    rdates = []
    for text in old.rdates:
        wall = _rdate_wall(text, old, base)
        if not keep(_at(wall, old)):
            continue
        if len(text) == 10 and not new.all_day:  # a day: moves by the start's days
            days = (start_at + delta).date() - start_at.date()
            rdates.append((wall.date() + days).isoformat())
        else:
            rdates.append(_text(wall + delta, new))
    rules = []
    for rule in old.extra_rules:
        # The parts that name a day follow the rule's own first date, not DTSTART's.
        own = next((w for w in _rule(rule, base) if skip_at is None or w >= skip_at), None)
        if own is None:
            continue
        skip = _rule_skip(old, rule, skip_at) if skip_at is not None else 0
        rules.append(_rebase_rule(rule, own, own + delta, all_day=new.all_day, tz=new.tz,
                                  skip=skip))
    return {"rdates": rdates, "extra_rules": rules}


def _walls_upto(event: Event, count: int) -> list[datetime]:
    out: list[datetime] = []
    for wall in _walls(event):
        if len(out) >= count:
            break
        out.append(wall)
    return out


def _positions(event: Event, instants: set[int]) -> dict[int, tuple[int, datetime]]:
    """Which of ``instants`` are occurrences of the rule: instant -> (index, wall)."""
    out: dict[int, tuple[int, datetime]] = {}
    if not instants:
        return out
    last = max(instants) + _SLACK
    for index, wall in enumerate(_walls(event)):
        at = _at(wall, event)
        if at in instants:
            out[at] = (index, wall)
        if at > last or len(out) == len(instants):
            break
    return out


@dataclass(frozen=True, slots=True)
class _Slot:
    """An occurrence of a series: its recurrence id, instant, wall time and place in the
    rule (None for an override that names no occurrence of the rule any more)."""

    rid: str
    at: int
    wall: datetime
    index: int | None


def _slot(master: Event, rid: str, *, in_rule: bool = False) -> _Slot:
    _require_series(master)
    at = _key_at(rid, master)
    if at in {_key_at(x, master) for x in master.exdates}:
        raise BadInput(tr("Der Termin am {day} ist in der Serie gelöscht.",
                          day=_label(rid, master)))
    found = _positions(master, {at}).get(at)
    if found is not None:
        index, wall = found
        return _Slot(_text(wall, master), at, wall, index)
    if not in_rule:
        for key in master.overrides:
            if _key_at(key, master) == at:
                return _Slot(key, at, _wall(key, master), None)
    raise BadInput(tr("Die Serie hat keinen Termin am {day}.", day=_label(rid, master)))


def _label(rid: str, event: Event) -> str:
    wall = _wall(rid, event)
    return show_date(wall.date()) if event.all_day else f"{show_date(wall.date())} {wall:%H:%M}"


def _override_at(master: Event, at: int) -> tuple[str, dict[str, Any]] | None:
    for key, changes in master.overrides.items():
        if _key_at(key, master) == at:
            return key, changes
    return None


# -- rules -----------------------------------------------------------------------------


def _parts(rule: str) -> list[tuple[str, str]]:
    out = []
    for part in rule.removeprefix("RRULE:").split(";"):
        if part:
            key, _, value = part.partition("=")
            out.append((key.strip().upper(), value.strip()))
    return out


def _join(parts: list[tuple[str, str]]) -> str:
    return ";".join(f"{k}={v}" for k, v in parts)


def _until_wall(value: str, tz: str) -> datetime:
    if value.endswith("Z"):
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return moment.astimezone(zone(tz)).replace(tzinfo=None)
    if len(value) == 8:
        return datetime.strptime(value, "%Y%m%d")
    return datetime.strptime(value, "%Y%m%dT%H%M%S")


def _until_text(wall: datetime, all_day: bool) -> str:
    return f"{wall:%Y%m%d}" if all_day else f"{wall:%Y%m%dT%H%M%S}"


def _nth(day: date, negative: bool) -> int:
    """Which weekday of its month ``day`` is: 1..4 (5th as -1, "the last"), or counted
    from the end when the rule counted from the end."""
    if negative:
        return -((calendar.monthrange(day.year, day.month)[1] - day.day) // 7 + 1)
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _byday(value: str, old: date, new: date, freq: str, by_month: bool) -> str:
    entries = []
    for item in value.split(","):
        match = _BYDAY.match(item.strip().upper())
        if match is None:
            return value
        entries.append((match[1], match[2]))
    if all(nth is None for nth, _ in entries):
        turn = new.weekday() - old.weekday()
        return ",".join(_WEEKDAYS[(_WEEKDAYS.index(wd) + turn) % 7] for _, wd in entries)
    if len(entries) == 1 and (freq == "MONTHLY" or (freq == "YEARLY" and by_month)):
        nth = entries[0][0]
        assert nth is not None
        return f"{_nth(new, int(nth) < 0)}{_WEEKDAYS[new.weekday()]}"
    return value


def _rebase_rule(
    rule: str, old: datetime, new: datetime, *, all_day: bool, tz: str, skip: int = 0
) -> str:
    """The rule of a series whose occurrence at wall time ``old`` becomes the first one at
    ``new``: UNTIL moves along, COUNT loses the ``skip`` occurrences before it, and parts
    that name the day or time follow the new start."""
    parts = _parts(rule)
    names = dict(parts)
    freq = names.get("FREQ", "")
    delta = new - old
    out = []
    for key, value in parts:
        single = "," not in value
        if key == "UNTIL":
            value = _until_text(_until_wall(value, tz) + delta, all_day)
        elif key == "COUNT" and skip:
            value = str(int(value) - skip)
        elif key == "BYDAY" and new.date() != old.date():
            value = _byday(value, old.date(), new.date(), freq, "BYMONTH" in names)
        elif key == "BYMONTHDAY" and single and new.day != old.day:
            last = calendar.monthrange(new.year, new.month)[1]
            value = str(new.day if int(value) > 0 else new.day - last - 1)
        elif key == "BYMONTH" and single and new.month != old.month:
            value = str(new.month)
        elif key == "BYHOUR" and single and not all_day:
            value = str(new.hour)
        elif key == "BYMINUTE" and single and not all_day:
            value = str(new.minute)
        out.append((key, value))
    return _join(out)


def _check_first(event: Event) -> Event:
    """A series must begin with its start: a rule that no longer matches it would hide
    the first occurrence."""
    first = _wall(event.start, event)
    if event.rrule and next(iter(_rule(event.rrule.removeprefix("RRULE:"), first)),
                            None) != first:
        when = show_date(first.date()) if event.all_day else (
            f"{show_date(first.date())} {first:%H:%M}"
        )
        raise BadInput(tr(
            "Die Wiederholungsregel „{rule}“ passt nicht zum Beginn am {day}. Bitte die "
            "Wiederholung neu wählen.", rule=event.rrule, day=when))
    return event


def _truncated(master: Event, slot: _Slot) -> Event:
    """The series with the occurrences before ``slot`` only (UNTIL at the last of them)."""
    assert slot.index is not None and slot.index > 0
    rules = [_ended(master, rule, slot.wall) for rule in _rules(master)]
    base = _wall(master.start, master)
    keep = _keys_before(master, slot)
    return _copy(
        master,
        rrule=rules[0] if master.rrule else None,
        extra_rules=[r for r in rules[1 if master.rrule else 0:] if r],
        rdates=[x for x in master.rdates if _at(_rdate_wall(x, master, base), master) < slot.at],
        exdates=[x for x in master.exdates if keep(x)],
        overrides={k: _copy_changes(v) for k, v in master.overrides.items() if keep(k)},
    )


def _ended(master: Event, rule: str, before: datetime) -> str:
    """``rule`` ending with its last date before ``before`` (UNTIL there); "" when it
    has none."""
    last = None
    for step, wall in enumerate(_rule(rule, _wall(master.start, master))):
        if wall >= before or step >= _MAX_STEPS:
            break
        last = wall
    if last is None:
        return ""
    parts = [(k, v) for k, v in _parts(rule) if k not in ("COUNT", "UNTIL")]
    return _join([*parts, ("UNTIL", _until_text(last, master.all_day))])


def _keys_before(master: Event, slot: _Slot) -> Callable[[str], bool]:
    """Whether an exdate or override key belongs to the part of the series before
    ``slot`` (the rule's occurrences come in the order of their instants)."""
    return lambda key: _key_at(key, master) < slot.at


# -- carrying exdates and overrides to a changed series --------------------------------


def _carry(
    old: Event,
    new: Event,
    *,
    take: Callable[[str], bool],
    offset: int = 0,
    delta: timedelta,
    positional: bool = True,
    drop: frozenset[str] = frozenset(),
) -> Event:
    """``new`` with the exdates and overrides of ``old`` that ``take`` selects, re-keyed to
    the same occurrences of ``new``: the n-th occurrence of ``old`` becomes the
    (n - ``offset``)-th of ``new`` (``positional``), or, for a new rule, the occurrence
    ``delta`` later if ``new`` has one there. Moved overrides move along; fields in
    ``drop`` (changed for the whole series) and values the series now has anyway go."""
    keys = [k for k in [*old.exdates, *old.overrides] if take(k)]
    places = _positions(old, {_key_at(k, old) for k in keys})
    need = max((places[_key_at(k, old)][0] for k in keys if _key_at(k, old) in places),
               default=-1)
    new_walls = _walls_upto(new, need - offset + 1) if positional and need >= offset else []

    def target(key: str) -> tuple[datetime, datetime] | None:
        """(old wall, new wall) of the occurrence a key names, or None if it goes."""
        old_wall = _wall(key, old)
        found = places.get(_key_at(key, old))
        if found is not None and positional:
            index = found[0] - offset
            return (found[1], new_walls[index]) if 0 <= index < len(new_walls) else None
        if old.all_day != new.all_day:
            return None
        if found is None:
            return old_wall, old_wall + delta
        moved = old_wall + delta
        at = _at(moved, new)
        return (old_wall, moved) if at in _positions(new, {at}) else None

    exdates: list[str] = []
    seen: set[int] = set()
    for key in old.exdates:
        if not take(key):
            continue
        hit = target(key)
        if hit is not None:
            text = _text(hit[1], new)
            if _key_at(text, new) not in seen:
                seen.add(_key_at(text, new))
                exdates.append(text)
    duration = _duration(new)
    overrides: dict[str, dict[str, Any]] = {}
    for key, changes in old.overrides.items():
        if not take(key):
            continue
        hit = target(key)
        if hit is None:
            continue
        old_wall, new_wall = hit
        values = {k: v for k, v in _copy_changes(changes).items() if k not in drop}
        if "start" in values or "end" in values:
            if old.all_day != new.all_day:
                values.pop("start", None)
                values.pop("end", None)
            else:
                moved = new_wall - old_wall
                for name in ("start", "end"):
                    if name in values:
                        values[name] = _text(_wall(values[name], old) + moved, new)
        for name in FIELDS:
            if name in values and values[name] == getattr(new, name):
                del values[name]
        if "start" in values and "end" in values:
            plain = _times(new_wall, duration, new)
            if _same_times((values["start"], values["end"]), plain, new):
                del values["start"], values["end"]
        if values:
            overrides[_text(new_wall, new)] = values
    return _copy(new, exdates=exdates, overrides=overrides)


def _same_times(a: tuple[str, str], b: tuple[str, str], event: Event) -> bool:
    return _key_at(a[0], event) == _key_at(b[0], event) and _key_at(a[1], event) == _key_at(
        b[1], event
    )


# -- single events ---------------------------------------------------------------------


def shift(event: Event, days: int) -> Event:
    """The event moved by whole days, keeping its local wall times (also across a DST
    change). A series moves as a whole, with its UNTIL, its exdates and its changed
    occurrences."""
    step = timedelta(days=days)
    start = _text(_wall(event.start, event) + step, event)
    end = _text(_wall(event.end, event) + step, event)
    if not event.series:
        return _copy(event, start=start, end=end)
    first = _wall(event.start, event)
    rule = event.rrule and _rebase_rule(event.rrule.removeprefix("RRULE:"), first,
                                        first + step, all_day=event.all_day, tz=event.tz)
    moved = _check_first(_copy(event, start=start, end=end, rrule=rule or None, exdates=[],
                               overrides={}, **_moved_extras(event, event, first,
                                                             first + step)))
    return _carry(event, moved, take=lambda _key: True, delta=step)


def duplicate(event: Event) -> Event:
    """A copy as a new event: new id and UID, first version, made now (by the store)."""
    fresh = new_id(ID_PREFIX)
    return _copy(event, id=fresh, uid=f"{fresh}@thekiz", sequence=0, created="", updated="")


# -- occurrences of a series -----------------------------------------------------------


def occurrence(master: Event, rid: str) -> Event:
    """The occurrence ``rid`` of a series as ``expand`` shows it (its change applied):
    what the form edits."""
    slot = _slot(master, rid)
    return _shown(master, slot)


def _shown(master: Event, slot: _Slot) -> Event:
    start, end = _times(slot.wall, _duration(master), master)
    found = _override_at(master, slot.at)
    changes = {} if found is None else {
        k: v for k, v in _copy_changes(found[1]).items() if k in OVERRIDABLE
    }
    if "start" not in changes:
        changes.update(start=start, end=end)
    return _copy(master, rrule=None, exdates=[], overrides={}, rdates=[], extra_rules=[],
                 **changes)


def _diff(edited: Event, shown: Event) -> dict[str, Any]:
    return {
        name: _copy_changes({name: getattr(edited, name)})[name]
        for name in FIELDS
        if getattr(edited, name) != getattr(shown, name)
    }


def change_this(master: Event, rid: str, edited: Event) -> Event:
    """The series with occurrence ``rid`` changed to ``edited`` (the occurrence as the form
    returns it): its override holds the fields that differ from the series."""
    slot = _slot(master, rid)
    if edited.all_day != master.all_day:
        raise BadInput(tr(
            "Ein einzelner Termin einer Serie kann nicht zwischen ganztägig und mit Uhrzeit "
            "wechseln. Bitte „diesen und folgende“ oder „alle“ ändern."))
    plain = _times(slot.wall, _duration(master), master)
    changes = {
        name: _copy_changes({name: getattr(edited, name)})[name]
        for name in FIELDS
        if getattr(edited, name) != getattr(master, name)
    }
    if not _same_times((edited.start, edited.end), plain, master):
        changes["start"], changes["end"] = edited.start, edited.end
    overrides = {
        k: _copy_changes(v) for k, v in master.overrides.items()
        if _key_at(k, master) != slot.at
    }
    if changes:
        overrides[slot.rid] = changes
    return _copy(master, overrides=overrides)


def move_occurrence(master: Event, rid: str, days: int) -> Event:
    """The series with occurrence ``rid`` moved by whole days (same wall times)."""
    slot = _slot(master, rid)
    shown = _shown(master, slot)
    step = timedelta(days=days)
    moved = _copy(
        shown,
        start=_text(_wall(shown.start, master) + step, master),
        end=_text(_wall(shown.end, master) + step, master),
    )
    return change_this(master, slot.rid, moved)


def delete_this(master: Event, rid: str) -> Event:
    """The series without occurrence ``rid``: an exdate, and its change dropped."""
    slot = _slot(master, rid)
    overrides = {
        k: _copy_changes(v) for k, v in master.overrides.items()
        if _key_at(k, master) != slot.at
    }
    exdates = list(master.exdates)
    if slot.index is not None:
        exdates.append(slot.rid)
    return _copy(master, exdates=exdates, overrides=overrides)


def delete_following(master: Event, rid: str) -> Event | None:
    """The series ending before occurrence ``rid``; None when ``rid`` is the first (the
    whole series goes)."""
    slot = _slot(master, rid, in_rule=True)
    if slot.index == 0:
        return None
    return _truncated(master, slot)


def _changed_series(
    master: Event, slot: _Slot, edited: Event, *, start_at: datetime, split: bool
) -> tuple[Event, timedelta, frozenset[str], bool]:
    """The series (fields, start, end, rules, extra dates; no exdates or overrides yet)
    that the edit of occurrence ``slot`` makes, beginning with the occurrence at wall time
    ``start_at``: the series' first, or ``slot`` itself for "this and the following"
    (``split``: then only the dates from there on count). Also: the shift of the start,
    the changed fields, and whether the edit brought a new rule."""
    shown = _shown(master, slot)
    changes = _diff(edited, shown)
    edit_start, shown_start = _wall(edited.start, edited), _wall(shown.start, shown)
    if edited.all_day == master.all_day:
        first = start_at + (edit_start - shown_start)
    else:
        days = timedelta(days=(edit_start.date() - shown_start.date()).days)
        first = datetime.combine((start_at + days).date(), edit_start.time())
    same_length = edited.all_day == master.all_day and _duration(edited) == _duration(shown)
    duration = _duration(master) if same_length else _duration(edited)
    old_rule = (master.rrule or "").removeprefix("RRULE:")
    new_rule = bool(edited.rrule) and (edited.rrule or "").removeprefix("RRULE:") != old_rule
    base = _copy(master, all_day=edited.all_day, exdates=[], overrides={}, **changes)
    start, end = _times(first, duration, base)
    skip_at = slot.wall if split else None
    extras = _moved_extras(master, base, start_at, first, skip_at=skip_at,
                           keep=(lambda at: at >= slot.at) if split else (lambda _at: True))
    rule = ""
    if new_rule:
        rule = (edited.rrule or "").removeprefix("RRULE:")
    elif old_rule:
        skip = _rule_skip(master, old_rule, skip_at) if skip_at is not None else 0
        count = dict(_parts(old_rule)).get("COUNT", "")
        if not (count.isdigit() and int(count) <= skip):
            rule = _rebase_rule(old_rule, start_at, first, all_day=edited.all_day,
                                tz=master.tz, skip=skip)
    if not rule and extras["extra_rules"]:
        rule = extras["extra_rules"].pop(0)
    series = _check_first(replace(base, start=start, end=end, rrule=rule or None, **extras))
    return series, first - start_at, frozenset(changes), new_rule


def change_all(master: Event, rid: str, edited: Event) -> Event:
    """The series with the edit of occurrence ``rid`` applied to every occurrence: the
    fields changed there change for all (also where single occurrences had their own
    value), a moved start or a new length is the same shift for all. Single occurrences
    keep their other changes and their place in the series."""
    slot = _slot(master, rid)
    series, delta, changed, new_rule = _changed_series(
        master, slot, edited, start_at=_wall(master.start, master), split=False
    )
    return _carry(master, series, take=lambda _key: True, delta=delta,
                  positional=not new_rule, drop=changed)


def change_following(
    master: Event, rid: str, edited: Event
) -> tuple[Event, Event | None]:
    """The series split at occurrence ``rid``: the old one ends before it, a new one (new
    id and UID) takes ``edited`` and the rest of the rule, with the exdates and changes of
    the occurrences from ``rid`` on. From the first occurrence: the whole series changes
    (``change_all``) and there is no new one."""
    slot = _slot(master, rid, in_rule=True)
    if slot.index == 0:
        return change_all(master, rid, edited), None
    series, delta, changed, new_rule = _changed_series(
        master, slot, edited, start_at=slot.wall, split=True
    )
    fresh = new_id(ID_PREFIX)
    series = replace(series, id=fresh, uid=f"{fresh}@thekiz", sequence=0, created="",
                     updated="")
    keep = _keys_before(master, slot)
    rest = _carry(master, series, take=lambda key: not keep(key), offset=slot.index or 0,
                  delta=delta, positional=not new_rule, drop=changed)
    return _truncated(master, slot), rest
