"""Events: ``thekiz add``, ``edit``, ``remove`` and ``list``, and the times they type."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from ..i18n import tr
from .common import (
    EXIT_OK,
    bad,
    check_filters,
    day_window,
    open_store,
    out,
    parse_day,
    read_store,
    today,
)

if TYPE_CHECKING:
    import argparse

    from store import Event, Store

    from ..config import Config


def _ts_window(start: date | None, end: date | None, tz: str) -> tuple[int | None, int | None]:
    from ..planning.timeutil import day_start, epoch

    return (
        None if start is None else epoch(day_start(start, tz)),
        None if end is None else epoch(day_start(end, tz)),
    )


# -- times of an event -------------------------------------------------------------------


def _parse_when(text: str) -> date | datetime:
    from ..planning.timeutil import parse_when
    from .common import today

    return parse_when(text, today=today())


def _parse_end(text: str, start: date | datetime, all_day: bool) -> date | datetime:
    """The end as typed: a date, a date with time, or (timed events) a time only."""
    from ..planning.timeutil import BadInput, parse_time

    try:
        return _parse_when(text)
    except BadInput:
        if all_day or not isinstance(start, datetime):
            raise
        try:
            clock = parse_time(text)
        except BadInput:
            pass
        else:
            return datetime.combine(start.date(), clock)
        raise


def _stored_times(
    start: date | datetime, end: date | datetime | None, all_day: bool, tz: str
) -> tuple[str, str]:
    """Stored start and end; all-day ``end`` is the last day (inclusive) as typed."""
    from ..planning.labels import show_date
    from ..planning.timeutil import fmt_time, localize, to_stored

    if all_day:
        first = start.date() if isinstance(start, datetime) else start
        if isinstance(start, datetime) and start.time() != time(0):
            bad(tr("Ein ganztägiger Termin hat nur Daten, keine Uhrzeiten."))
        last = first if end is None else (end.date() if isinstance(end, datetime) else end)
        if last < first:
            bad(tr("Das Ende ({end}) liegt vor dem Beginn ({start}).", end=show_date(last),
                   start=show_date(first)))
        return first.isoformat(), (last + timedelta(days=1)).isoformat()
    if not isinstance(start, datetime):
        bad(tr("Bitte eine Uhrzeit für den Beginn angeben (z. B. „4.3.2025 9:30“) "
               "oder --all-day für einen ganztägigen Termin."))
    if end is None:
        bad(tr("Bitte das Ende angeben (--end, z. B. „11:00“)."))
    if not isinstance(end, datetime):
        bad(tr("Bitte eine Uhrzeit für das Ende angeben (z. B. „11:00“)."))
    start_at, end_at = localize(start, tz), localize(end, tz)
    if end_at.timestamp() <= start_at.timestamp():
        bad(tr("Das Ende ({end}) liegt nicht nach dem Beginn ({start}).",
               end=f"{show_date(end.date())} {fmt_time(end)}",
               start=f"{show_date(start.date())} {fmt_time(start)}"))
    return to_stored(start_at), to_stored(end_at)


def _validate_event(store: Store, event: Event) -> None:
    from ..planning.validate import save_problems

    problems = save_problems(
        event, coaches={c.id for c in store.coaches()}, kitas={k.id for k in store.kitas()}
    )
    if problems:
        bad(problems[0].text())


def _normal_rrule(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.upper()


# -- events: add, edit, remove, list -----------------------------------------------------


def cmd_add(config: Config, args: argparse.Namespace) -> int:
    from store import DEFAULT_TZ, Event, new_id

    if args.kind is None or args.start is None:
        bad(tr("Für einen Termin bitte --kind und --start angeben."))
    start = _parse_when(args.start)
    all_day = bool(args.all_day)
    if args.all_day is None and not isinstance(start, datetime):
        # A date without a time means a day, as a person says it.
        all_day = True
    end = _parse_end(args.end, start, all_day) if args.end else None
    start_text, end_text = _stored_times(start, end, all_day, DEFAULT_TZ)
    event = Event(
        id=args.id or new_id("ev"),
        kind=args.kind,
        start=start_text,
        end=end_text,
        title=args.title or "",
        all_day=all_day,
        subtype=args.subtype,
        # without --coach, a person's (--as) new event is her own
        coaches=list(args.coach or ([config.as_coach] if config.as_coach else [])),
        kita=args.kita,
        participants=list(args.participant or []),
        location=args.location or "",
        notes=args.notes or "",
        status=args.status or "geplant",
        free=bool(args.free),
        rrule=_normal_rrule(args.rrule),
        source="cli",
    )
    store = open_store(config)
    _validate_event(store, event)
    saved = store.add_event(event)
    out(saved.id)
    _print_findings(store, saved)
    return EXIT_OK


def _print_findings(store: Store, *events: Event) -> None:
    """After the id: one German line per open finding the saved change takes part in,
    as she may see it (the session layer's live check of the form)."""
    from ..planning.findings import SEVERITY_DE
    from ..session import Session

    session = Session(store, today=today())
    seen: set[str] = set()
    for event in events:
        for finding in session.check_candidate(event):
            if finding.acknowledged or finding.id in seen:
                continue
            seen.add(finding.id)
            out(f"{tr(SEVERITY_DE.get(finding.severity, finding.severity))}: "
                f"{finding.message}")


def _occurrence_rid(master: Event, day_text: str) -> str:
    """The recurrence id of the series' occurrence on a day (``--occurrence DATUM``)."""
    from ..planning.labels import show_date
    from ..planning.occurrences import expand
    from ..planning.timeutil import day_start, epoch

    if not master.series:
        bad(tr("„{id}“ ist keine Serie: --occurrence, --from-occurrence und --series "
               "gelten nur für Serien.", id=master.id))
    day = parse_day(day_text)
    lo = epoch(day_start(day, master.tz))
    hi = epoch(day_start(day + timedelta(days=1), master.tz))
    found = [o for o in expand([master], lo, hi) if lo <= o.start_ts < hi]
    if not found or found[0].recurrence_id is None:
        bad(tr("Die Serie „{id}“ hat am {day} keinen Termin.", id=master.id,
               day=show_date(day)))
    return found[0].recurrence_id


def _scope(args: argparse.Namespace) -> tuple[str, str | None]:
    """``("occurrence", DATE)``, ``("following", DATE)``, ``("series", None)`` or
    ``("", None)``: at most one of the options."""
    given = [(name, value) for name, value in (
        ("occurrence", getattr(args, "occurrence", None)),
        ("following", getattr(args, "from_occurrence", None)),
        ("series", "" if getattr(args, "series", False) else None),
    ) if value is not None]
    if len(given) > 1:
        bad(tr("Bitte nur eine von --occurrence, --from-occurrence und --series angeben."))
    if not given:
        return "", None
    name, value = given[0]
    return name, value or None


def _current_times(event: Event) -> tuple[date | datetime, date | datetime]:
    """An event's start and end as typed: naive wall times, or days with inclusive end."""
    from ..planning.timeutil import zone

    if event.all_day:
        first = date.fromisoformat(event.start[:10])
        last = date.fromisoformat(event.end[:10]) - timedelta(days=1)
        return first, max(first, last)
    tz = zone(event.tz)
    start = datetime.fromisoformat(event.start).astimezone(tz).replace(tzinfo=None)
    end = datetime.fromisoformat(event.end).astimezone(tz).replace(tzinfo=None)
    return start, end


def cmd_edit(config: Config, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..planning import edits

    store = open_store(config)
    master = store.event(args.event_id)
    scope, day = _scope(args)
    rid = _occurrence_rid(master, day) if day is not None else None
    if scope == "series" and not master.series:
        _occurrence_rid(master, "")  # (refused: not a series)
    if rid is not None and args.rrule is not None:
        bad(tr("Eine Wiederholungsregel gilt für die ganze Serie: bitte mit --series "
               "ändern."))
    current = master if rid is None else edits.occurrence(master, rid)
    old_start, old_end = _current_times(current)
    all_day = current.all_day if args.all_day is None else bool(args.all_day)
    if all_day != current.all_day and not args.start:
        if all_day:
            assert isinstance(old_start, datetime) and isinstance(old_end, datetime)
            old_start = old_start.date()
            old_end = (old_end - timedelta(seconds=1)).date()
        else:
            bad(tr("Für einen Termin mit Uhrzeit bitte --start und --end angeben."))
    if args.start:
        start = _parse_when(args.start)
        if all_day and isinstance(start, datetime):
            bad(tr("Ein ganztägiger Termin hat nur Daten, keine Uhrzeiten."))
    else:
        start = old_start
    if args.end:
        end: date | datetime | None = _parse_end(args.end, start, all_day)
    elif args.start and all_day == current.all_day:
        # Moved: keep the duration.
        end = start + (old_end - old_start)  # type: ignore[operator]
    elif all_day != current.all_day and args.start:
        end = None
    else:
        end = old_end
    start_text, end_text = _stored_times(start, end, all_day, current.tz)
    changes: dict[str, Any] = {"start": start_text, "end": end_text, "all_day": all_day}
    for name in ("kind", "title", "subtype", "kita", "location", "notes", "status", "free"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.subtype == "":
        changes["subtype"] = None
    if args.kita == "":
        changes["kita"] = None
    if args.coach is not None:
        changes["coaches"] = [c for c in args.coach if c]
    if args.participant is not None:
        changes["participants"] = [p for p in args.participant if p]
    if args.rrule is not None:
        changes["rrule"] = _normal_rrule(args.rrule)
    if args.id and args.id != current.id:
        bad(tr("Die ID eines Termins lässt sich nicht ändern."))
    event = replace(current, **changes)
    if event.kind != "fortbildung" and args.subtype is None:
        event = replace(event, subtype=None)
    _validate_event(store, event)
    if rid is None:
        saved = [store.update_event(event, expected_sequence=master.sequence)]
    elif scope == "occurrence":
        saved = [store.update_event(edits.change_this(master, rid, event),
                                    expected_sequence=master.sequence)]
    else:
        old, new = edits.change_following(master, rid, event)
        with store.transaction():
            saved = [store.update_event(old, expected_sequence=master.sequence)]
            if new is not None:
                saved.append(store.add_event(new))
    for one in saved:
        out(one.id)
    _print_findings(store, *saved)
    return EXIT_OK


def cmd_remove(config: Config, args: argparse.Namespace) -> int:
    from ..planning import edits

    store = open_store(config, create=False)
    master = store.event(args.event_id)
    scope, day = _scope(args)
    if master.series and not scope:
        bad(tr("„{id}“ ist eine Serie: bitte --occurrence DATUM (ein Termin), "
               "--from-occurrence DATUM (dieser und die folgenden) oder --series (alle) "
               "angeben.", id=master.id))
    if scope == "series" and not master.series:
        _occurrence_rid(master, "")  # (refused: not a series)
    if day is None:
        removed = store.remove_event(master.id)
        out(tr("Gelöscht: {id} {title}", id=removed.id, title=removed.title).rstrip())
        return EXIT_OK
    rid = _occurrence_rid(master, day)
    from ..planning.labels import show_date

    label = show_date(parse_day(day))
    if scope == "occurrence":
        store.update_event(edits.delete_this(master, rid), expected_sequence=master.sequence)
        out(tr("Gelöscht: {id} am {day}", id=master.id, day=label))
        return EXIT_OK
    rest = edits.delete_following(master, rid)
    if rest is None:  # from the first occurrence: the whole series
        store.remove_event(master.id)
        out(tr("Gelöscht: {id} {title}", id=master.id, title=master.title).rstrip())
    else:
        store.update_event(rest, expected_sequence=master.sequence)
        out(tr("Gelöscht: {id} ab {day}", id=master.id, day=label))
    return EXIT_OK


def _occurrence_chunks(store: Store, args: argparse.Namespace) -> Iterator[list[Any]]:
    """The occurrences of the window in start order, one month at a time.

    Walking month by month and releasing the store's cache after each keeps the memory of
    ``thekiz list`` over ten years of events small. An occurrence belongs to the month it
    starts in; the first month also takes those that began before the window.
    """
    from store import DEFAULT_TZ

    from ..planning.occurrences import expand
    from ..planning.select import in_scope
    from ..planning.timeutil import month_range

    start, end = day_window(args, default_month=True)
    assert start is not None and end is not None
    coach, kita, kind = args.coach, args.kita, args.kind
    chunk_start = start
    while chunk_start < end:
        chunk_end = min(month_range(chunk_start.year, chunk_start.month)[1], end)
        a_ts, b_ts = _ts_window(chunk_start, chunk_end, DEFAULT_TZ)
        events = [e for e in store.events(chunk_start, chunk_end)
                  if in_scope(e, coach, kita, kind)]
        chunk = [
            o for o in expand(events, a_ts, b_ts)
            # An occurrence may differ from its series (per-occurrence changes).
            if in_scope(o.event, coach, kita, kind)
            and (o.start_ts >= (a_ts or 0) or chunk_start == start)
        ]
        chunk.sort(key=lambda o: (o.start_ts, o.end_ts, o.event.id))
        yield chunk
        store.release()
        chunk_start = chunk_end


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    store = read_store(config)
    check_filters(store, args)
    chunks = _occurrence_chunks(store, args)
    if args.format == "json":
        from ..output import write_json_stream

        write_json_stream(occurrence_dict_iter(chunks))
        return EXIT_OK
    from ..output import event_rows, table_text_lines

    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    rows = [r for chunk in chunks
            for r in event_rows(chunk, coaches=coaches, kitas=kitas, lang=config.lang)]
    for line in table_text_lines(rows, lang=config.lang):
        sys.stdout.write(line + "\n")
    return EXIT_OK


def occurrence_dict_iter(chunks: Iterable[list[Any]]) -> Iterator[dict[str, Any]]:
    from ..output import occurrence_dict

    for chunk in chunks:
        for occ in chunk:
            yield occurrence_dict(occ)
