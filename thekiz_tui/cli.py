"""The ``thekiz`` command line.

Every command opens the store given by ``--db`` (or ``THEKIZ_DB``, or the user data
folder), does its work and exits with
- 0 on success,
- 1 from ``thekiz conflicts`` when unacknowledged errors or warnings exist,
- 2 on bad input or a store problem, with one German line on stderr,
- 130 on Ctrl-C.

Start-up speed matters: heavy modules (Textual, icalendar, holidays, the checker) are
imported inside the commands that need them, never at module level.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from .config import Config
from .planning.labels import RULE_LABELS

if TYPE_CHECKING:
    from store import Event, Store

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD = 2
EXIT_INTERRUPTED = 130

# Thuringia's 17 districts and 5 district-free cities (DOMAIN.md).
DISTRICTS: tuple[str, ...] = (
    "Altenburger Land", "Eichsfeld", "Gotha", "Greiz", "Hildburghausen", "Ilm-Kreis",
    "Kyffhäuserkreis", "Nordhausen", "Saale-Holzland-Kreis", "Saale-Orla-Kreis",
    "Saalfeld-Rudolstadt", "Schmalkalden-Meiningen", "Sömmerda", "Sonneberg",
    "Unstrut-Hainich-Kreis", "Wartburgkreis", "Weimarer Land",
    "Erfurt", "Gera", "Jena", "Suhl", "Weimar",
)


class UsageError(Exception):
    """Wrong command-line use; the message is German and fits one line."""


# -- argparse in German -------------------------------------------------------------------

_ARGPARSE_DE = {
    "usage: ": "Aufruf: ",
    "options": "Optionen",
    "positional arguments": "Argumente",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "the following arguments are required: %s": "es fehlen die Angaben: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "expected one argument": "erwartet einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ungültige Auswahl: %(value)r (möglich: %(choices)s)",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
}


def _german(text: str) -> str:
    return _ARGPARSE_DE.get(text, text)


argparse._ = _german  # type: ignore[attr-defined]  # argparse looks `_` up at call time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (Hilfe: {self.prog} --help)")


# -- helpers --------------------------------------------------------------------------------


def _bad(message: str) -> NoReturn:
    from .planning.timeutil import BadInput

    raise BadInput(message)


def _open_store(config: Config, *, create: bool = True) -> Store:
    from store import Store

    return Store.open(config.db, create=create)


def _read_store(config: Config) -> Store:
    """Open for reading: a missing store reads as empty, without creating files."""
    from store import Store

    if not config.db.exists():
        return Store(config.db)  # every read of a missing file returns nothing
    return Store.open(config.db, create=False)


def _parse_day(text: str) -> date:
    from .planning.timeutil import parse_date

    return parse_date(text)


def _today() -> date:
    override = os.environ.get("THEKIZ_TODAY")  # for tests and demos of a fixed day
    if override:
        return date.fromisoformat(override)
    return date.today()


def _window(args: argparse.Namespace, default_month: bool) -> tuple[date | None, date | None]:
    """``--from``/``--to`` as a half-open day window; ``--to`` is inclusive as typed.

    Neither given: the current month (``default_month``) or unbounded. Only one given:
    31 days from ``--from`` or up to ``--to``.
    """
    start = _parse_day(args.start) if getattr(args, "start", None) else None
    last = _parse_day(args.to) if getattr(args, "to", None) else None
    if start is None and last is None:
        if not default_month:
            return None, None
        from .planning.timeutil import month_range

        today = _today()
        return month_range(today.year, today.month)
    if start is None:
        assert last is not None
        start = last - timedelta(days=30)
    if last is None:
        last = start + timedelta(days=30)
    if last < start:
        _bad(f"„bis“ ({last:%d.%m.%Y}) liegt vor „von“ ({start:%d.%m.%Y}).")
    return start, last + timedelta(days=1)


def _ts_window(start: date | None, end: date | None, tz: str) -> tuple[int | None, int | None]:
    from .planning.timeutil import day_start, epoch

    return (
        None if start is None else epoch(day_start(start, tz)),
        None if end is None else epoch(day_start(end, tz)),
    )


def _settings(store: Store) -> Any:
    from .planning.settings import Settings

    return Settings.from_store(store.settings())


def _filter(event: Event, coach: str | None, kita: str | None, kind: str | None) -> bool:
    if coach is not None and coach not in event.coaches:
        return False
    if kita is not None and event.kita != kita and kita not in event.participants:
        return False
    return kind is None or event.kind == kind


def _check_filters(store: Store, args: argparse.Namespace) -> None:
    from store import KINDS

    if getattr(args, "coach", None):
        store.coach(args.coach)
    if getattr(args, "kita", None):
        store.kita(args.kita)
    kind = getattr(args, "kind", None)
    if kind and kind not in KINDS:
        _bad(f"Unbekannte Art „{kind}“ (möglich: {', '.join(KINDS)}).")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{text}\n")


def _emit(text: str) -> None:
    from .output import write

    write(text)


# -- times of an event -------------------------------------------------------------------


def _parse_when(text: str) -> date | datetime:
    from .planning.timeutil import parse_when

    return parse_when(text)


def _parse_end(text: str, start: date | datetime, all_day: bool) -> date | datetime:
    """The end as typed: a date, a date with time, or (timed events) a time only."""
    from .planning.timeutil import BadInput, parse_time

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
    from .planning.timeutil import localize, to_stored

    if all_day:
        first = start.date() if isinstance(start, datetime) else start
        if isinstance(start, datetime) and start.time() != time(0):
            _bad("Ein ganztägiger Termin hat nur Daten, keine Uhrzeiten.")
        last = first if end is None else (end.date() if isinstance(end, datetime) else end)
        if last < first:
            _bad(f"Das Ende ({last:%d.%m.%Y}) liegt vor dem Beginn ({first:%d.%m.%Y}).")
        return first.isoformat(), (last + timedelta(days=1)).isoformat()
    if not isinstance(start, datetime):
        _bad("Bitte eine Uhrzeit für den Beginn angeben (z. B. „4.3.2025 9:30“) "
             "oder --all-day für einen ganztägigen Termin.")
    if end is None:
        _bad("Bitte das Ende angeben (--end, z. B. „11:00“).")
    if not isinstance(end, datetime):
        _bad("Bitte eine Uhrzeit für das Ende angeben (z. B. „11:00“).")
    start_at, end_at = localize(start, tz), localize(end, tz)
    if end_at.timestamp() <= start_at.timestamp():
        _bad(f"Das Ende ({end:%d.%m.%Y %H:%M}) liegt nicht nach dem Beginn "
             f"({start:%d.%m.%Y %H:%M}).")
    return to_stored(start_at), to_stored(end_at)


def _validate_event(store: Store, event: Event) -> None:
    from store import FORTBILDUNG_SUBTYPES, KINDS, STATUSES

    if event.kind not in KINDS:
        _bad(f"Unbekannte Art „{event.kind}“ (möglich: {', '.join(KINDS)}).")
    if event.status not in STATUSES:
        _bad(f"Unbekannter Status „{event.status}“ (möglich: {', '.join(STATUSES)}).")
    if event.subtype is not None:
        if event.kind != "fortbildung":
            _bad("Eine Unterart (--subtype) gibt es nur bei Fortbildungen.")
        if event.subtype not in FORTBILDUNG_SUBTYPES:
            _bad(f"Unbekannte Fortbildungsart „{event.subtype}“ "
                 f"(möglich: {', '.join(FORTBILDUNG_SUBTYPES)}).")
    coaches = {c.id for c in store.coaches()}
    kitas = {k.id for k in store.kitas()}
    for coach in event.coaches:
        if coach not in coaches:
            _bad(f"Prozessbegleiter*in „{coach}“ gibt es nicht.")
    if event.kita is not None and event.kita not in kitas:
        _bad(f"Kita „{event.kita}“ gibt es nicht.")
    for person in event.participants:
        if person not in coaches and person not in kitas:
            _bad(f"Teilnehmende*r „{person}“ ist weder Prozessbegleiter*in noch Kita.")
    if len(set(event.coaches)) != len(event.coaches):
        _bad("Eine Prozessbegleiter*in ist doppelt angegeben.")
    if event.rrule:
        from .planning.occurrences import validate_rrule

        if event.all_day:
            first = datetime.combine(date.fromisoformat(event.start), time(0))
        else:
            first = datetime.fromisoformat(event.start).replace(tzinfo=None)
        validate_rrule(event.rrule, first)


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
        _bad("Für einen Termin bitte --kind und --start angeben.")
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
        coaches=list(args.coach or []),
        kita=args.kita,
        participants=list(args.participant or []),
        location=args.location or "",
        notes=args.notes or "",
        status=args.status or "geplant",
        free=bool(args.free),
        rrule=_normal_rrule(args.rrule),
        source="cli",
    )
    store = _open_store(config)
    _validate_event(store, event)
    saved = store.add_event(event)
    _out(saved.id)
    return EXIT_OK


def _current_times(event: Event) -> tuple[date | datetime, date | datetime]:
    """An event's start and end as typed: naive wall times, or days with inclusive end."""
    from .planning.timeutil import zone

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

    store = _open_store(config)
    current = store.event(args.event_id)
    old_start, old_end = _current_times(current)
    all_day = current.all_day if args.all_day is None else bool(args.all_day)
    if all_day != current.all_day and not args.start:
        if all_day:
            assert isinstance(old_start, datetime) and isinstance(old_end, datetime)
            old_start = old_start.date()
            old_end = (old_end - timedelta(seconds=1)).date()
        else:
            _bad("Für einen Termin mit Uhrzeit bitte --start und --end angeben.")
    if args.start:
        start = _parse_when(args.start)
        if all_day and isinstance(start, datetime):
            _bad("Ein ganztägiger Termin hat nur Daten, keine Uhrzeiten.")
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
        _bad("Die ID eines Termins lässt sich nicht ändern.")
    event = replace(current, **changes)
    if event.kind != "fortbildung" and args.subtype is None:
        event = replace(event, subtype=None)
    _validate_event(store, event)
    saved = store.update_event(event, expected_sequence=current.sequence)
    _out(saved.id)
    return EXIT_OK


def cmd_remove(config: Config, args: argparse.Namespace) -> int:
    store = _open_store(config, create=False)
    removed = store.remove_event(args.event_id)
    _out(f"Gelöscht: {removed.id} {removed.title}".rstrip())
    return EXIT_OK


def _occurrence_chunks(store: Store, args: argparse.Namespace) -> Iterator[list[Any]]:
    """The occurrences of the window in start order, one month at a time.

    Walking month by month and releasing the store's cache after each keeps the memory of
    ``thekiz list`` over ten years of events small. An occurrence belongs to the month it
    starts in; the first month also takes those that began before the window.
    """
    from store import DEFAULT_TZ

    from .planning.occurrences import expand
    from .planning.timeutil import month_range

    start, end = _window(args, default_month=True)
    assert start is not None and end is not None
    coach, kita, kind = args.coach, args.kita, args.kind
    chunk_start = start
    while chunk_start < end:
        chunk_end = min(month_range(chunk_start.year, chunk_start.month)[1], end)
        a_ts, b_ts = _ts_window(chunk_start, chunk_end, DEFAULT_TZ)
        events = [e for e in store.events(chunk_start, chunk_end) if _filter(e, coach, kita, kind)]
        chunk = [
            o for o in expand(events, a_ts, b_ts)
            # An occurrence may differ from its series (per-occurrence changes).
            if _filter(o.event, coach, kita, kind)
            and (o.start_ts >= (a_ts or 0) or chunk_start == start)
        ]
        chunk.sort(key=lambda o: (o.start_ts, o.end_ts, o.event.id))
        yield chunk
        store.release()
        chunk_start = chunk_end


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    store = _read_store(config)
    _check_filters(store, args)
    chunks = _occurrence_chunks(store, args)
    if args.format == "json":
        from .output import write_json_stream

        write_json_stream(occurrence_dict_iter(chunks))
        return EXIT_OK
    from .output import event_rows, table_text_lines

    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    rows = [r for chunk in chunks
            for r in event_rows(chunk, coaches=coaches, kitas=kitas, lang=config.lang)]
    for line in table_text_lines(rows, lang=config.lang):
        sys.stdout.write(line + "\n")
    return EXIT_OK


def occurrence_dict_iter(chunks: Iterable[list[Any]]) -> Iterator[dict[str, Any]]:
    from .output import occurrence_dict

    for chunk in chunks:
        for occ in chunk:
            yield occurrence_dict(occ)


# -- coaches and Kitas ---------------------------------------------------------------------


def _money(text: str | None, what: str) -> float | None:
    if text is None:
        return None
    raw = text.strip().replace("€", "").replace(" ", "")
    if raw.lower() in ("", "-", "none", "keins"):
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        _bad(f"„{text}“ ist kein Betrag für {what} (z. B. 62,50).")
    if value < 0 or value != value or value in (float("inf"),):
        _bad(f"„{text}“ ist kein gültiger Betrag für {what}.")
    return value


def _slug(text: str) -> str:
    import re
    import unicodedata

    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    text = unicodedata.normalize("NFKD", text.lower().translate(table))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "x"


def _record_id(store_ids: set[str], wanted: str | None, name: str, prefix: str) -> str:
    if wanted:
        return wanted
    base = f"{prefix}-{_slug(name)}"
    candidate, n = base, 2
    while candidate in store_ids:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _district(text: str) -> str:
    raw = text.strip()
    if not raw:
        return ""
    for name in DISTRICTS:
        if name.casefold() == raw.casefold():
            return name
    if raw.casefold() == "eisenach":
        _bad("Eisenach gehört seit dem 1. Juli 2021 zum Wartburgkreis: bitte "
             "„Wartburgkreis“ angeben.")
    _bad(f"„{raw}“ ist kein Thüringer Landkreis und keine kreisfreie Stadt.")


def cmd_coach(config: Config, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from store import ROLES, Coach

    action = args.action
    if action == "list":
        store = _read_store(config)
        coaches = sorted(store.coaches(), key=lambda c: c.id)
        if args.format == "json":
            from .output import dumps

            _emit(dumps([c.to_dict() for c in coaches]))
            return EXIT_OK
        from .output import ROLE_LABELS, fmt_money, table

        _emit(table(
            ("ID", "Name", "E-Mail", "Stundensatz", "Rolle"),
            [(c.id, c.name, c.email, fmt_money(c.rate), ROLE_LABELS.get(c.role, c.role))
             for c in coaches],
            right=(3,),
        ) if coaches else "Keine Prozessbegleiter*innen.")
        return EXIT_OK
    store = _open_store(config)
    if args.role is not None and args.role not in ROLES:
        _bad(f"Unbekannte Rolle „{args.role}“ (möglich: {', '.join(ROLES)}).")
    rate = _money(args.rate, "den Stundensatz")
    if action == "add":
        if not args.name:
            _bad("Bitte einen Namen angeben (--name).")
        ids = {c.id for c in store.coaches()}
        coach = Coach(
            id=_record_id(ids, args.id or args.record_id, args.name, "c"),
            name=args.name, email=args.email or "", rate=rate or 0.0,
            role=args.role or "coach",
        )
        _out(store.add_coach(coach).id)
        return EXIT_OK
    coach_id = args.record_id or args.id
    if not coach_id:
        _bad("Bitte die ID angeben.")
    current = store.coach(coach_id)
    if action == "edit":
        changes: dict[str, Any] = {}
        for name in ("name", "email", "role"):
            if getattr(args, name) is not None:
                changes[name] = getattr(args, name)
        if rate is not None:
            changes["rate"] = rate
        _out(store.update_coach(replace(current, **changes), current.sequence).id)
        return EXIT_OK
    # remove
    used_by = [k.id for k in store.kitas() if k.coach == coach_id]
    events = [e.id for e in store.events() if coach_id in e.coaches]
    if (used_by or events) and not args.force:
        _bad(f"„{coach_id}“ ist noch {len(used_by)} Kita(s) zugeordnet und in {len(events)} "
             "Termin(en) eingetragen; mit --force trotzdem löschen.")
    store.remove_coach(coach_id)
    _out(f"Gelöscht: {coach_id}")
    return EXIT_OK


def cmd_kita(config: Config, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from store import STAGES, Kita

    action = args.action
    if action == "list":
        store = _read_store(config)
        kitas = sorted(store.kitas(), key=lambda k: k.id)
        if args.format == "json":
            from .output import dumps

            _emit(dumps([k.to_dict() for k in kitas]))
            return EXIT_OK
        from .output import STAGE_LABELS, fmt_money, table

        def since(k: Kita) -> str:
            try:
                return date.fromisoformat(k.since).strftime("%d.%m.%Y") if k.since else ""
            except ValueError:
                return k.since

        _emit(table(
            ("ID", "Name", "Landkreis", "Stufe", "seit", "Begleitung", "Jahresbudget"),
            [(k.id, k.name, k.district, STAGE_LABELS.get(k.stage, k.stage), since(k),
              k.coach or "", "" if k.budget is None else fmt_money(k.budget))
             for k in kitas],
            right=(6,),
        ) if kitas else "Keine Kitas.")
        return EXIT_OK
    store = _open_store(config)
    if args.stage is not None and args.stage not in STAGES:
        _bad(f"Unbekannte Stufe „{args.stage}“ (möglich: {', '.join(STAGES)}).")
    budget = _money(args.budget, "das Budget")
    changes: dict[str, Any] = {}
    if args.since is not None:
        changes["since"] = _parse_day(args.since).isoformat() if args.since else ""
    if args.district is not None:
        changes["district"] = _district(args.district)
    if args.coach is not None:
        if args.coach:
            store.coach(args.coach)
        changes["coach"] = args.coach or None
    for name in ("name", "stage", "provider", "address"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.budget is not None:
        changes["budget"] = budget
    if action == "add":
        if not args.name:
            _bad("Bitte einen Namen angeben (--name).")
        ids = {k.id for k in store.kitas()}
        kita_id = _record_id(ids, args.id or args.record_id, args.name, "k")
        _out(store.add_kita(Kita(id=kita_id, **changes)).id)
        return EXIT_OK
    kita_id = args.record_id or args.id
    if not kita_id:
        _bad("Bitte die ID angeben.")
    current = store.kita(kita_id)
    if action == "edit":
        _out(store.update_kita(replace(current, **changes), current.sequence).id)
        return EXIT_OK
    events = [e.id for e in store.events() if e.kita == kita_id or kita_id in e.participants]
    if events and not args.force:
        _bad(f"Kita „{kita_id}“ ist noch in {len(events)} Termin(en) eingetragen; "
             "mit --force trotzdem löschen.")
    store.remove_kita(kita_id)
    _out(f"Gelöscht: {kita_id}")
    return EXIT_OK


# -- conflicts and acknowledgements ---------------------------------------------------------


def _findings(store: Store, args: argparse.Namespace, default_month: bool = False) -> list[Any]:
    from .planning.conflicts import check_store

    start, end = _window(args, default_month)
    return list(check_store(
        store, start=start, end=end, coach=getattr(args, "coach", None),
        kita=getattr(args, "kita", None), today=_today(),
    ))




def _finding_when(text: str) -> str:
    if not text:
        return ""
    try:
        if len(text) == 10:
            return date.fromisoformat(text).strftime("%d.%m.%Y")
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.strftime("%d.%m.%Y %H:%M")


def _findings_table(findings: Sequence[Any], store: Store) -> str:
    from .output import table

    if not findings:
        return "Keine Befunde."
    from .planning.findings import SEVERITY_DE

    kitas = {k.id: k.name for k in store.kitas()}
    coaches = {c.id: c.name for c in store.coaches()}
    rows = []
    for f in findings:
        rows.append((
            f.id, SEVERITY_DE.get(f.severity, f.severity), RULE_LABELS.get(f.rule, f.rule),
            _finding_when(f.start), kitas.get(f.kita or "", f.kita or ""),
            coaches.get(f.coach or "", f.coach or ""),
            "quittiert" if f.acknowledged else "", f.message,
        ))
    counting = sum(1 for f in findings if f.counts)
    head = ("ID", "Schwere", "Regel", "Beginn", "Kita", "Begleitung", "Status", "Meldung")
    return (f"{table(head, rows)}\n\n{len(findings)} Befund(e), davon {counting} offen "
            "(Fehler oder Warnung, nicht quittiert).")


def cmd_conflicts(config: Config, args: argparse.Namespace) -> int:
    from .planning.findings import summary_exit_code

    store = _read_store(config)
    _check_filters(store, args)
    findings = _findings(store, args)
    if args.format == "json":
        from .output import dumps

        _emit(dumps([f.to_dict() for f in findings]))
    else:
        _emit(_findings_table(findings, store))
    return summary_exit_code(findings)


def cmd_ack(config: Config, args: argparse.Namespace) -> int:
    from store import Ack
    from store.records import utc_now

    store = _open_store(config, create=False)
    findings = _findings(store, argparse.Namespace(start=None, to=None))
    by_id = {f.id: f for f in findings}
    chosen: dict[str, Any] = {}
    for target in args.targets:
        if target in by_id:
            chosen[target] = by_id[target]
            continue
        involved = [
            f for f in findings
            if any(e == target or e.split("/", 1)[0] == target for e in f.events)
        ]
        if not involved:
            store.event(target)  # NotFound with a German message if it is no event either
            _bad(f"Zum Termin „{target}“ gibt es keine Befunde.")
        for f in involved:
            chosen[f.id] = f
    acks = [
        Ack(finding=f.id, events=list(f.events), reason=args.reason or "",
            by=config.as_coach or "", at=utc_now())
        for f in chosen.values()
    ]
    store.add_acks(acks)
    for f in chosen.values():
        _out(f"Quittiert: {f.id} {RULE_LABELS.get(f.rule, f.rule)} – {_one_line(f.message)}")
    return EXIT_OK


# -- iCalendar --------------------------------------------------------------------------------


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from .ical import export_calendar

    store = _read_store(config)
    _check_filters(store, args)
    from .planning.select import select

    start, end = _window(args, default_month=False)
    events = select(store.events(start, end), coach=args.coach, kita=args.kita,
                    kind=args.kind, start=start, end=end)
    events.sort(key=lambda e: (e.start, e.id))
    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    name = _settings(store).calendar_name
    data = export_calendar(events, coaches=coaches, kitas=kitas, name=name)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from pathlib import Path

        Path(args.output).write_bytes(data)
        _err(f"{len(events)} Termin(e) nach {args.output} exportiert.")
    return EXIT_OK


def _describe(event: Any) -> str:
    from .output import fmt_date

    try:
        if event.all_day:
            when = fmt_date(date.fromisoformat(event.start[:10]))
        else:
            moment = datetime.fromisoformat(event.start)
            when = f"{fmt_date(moment.date())} {moment:%H:%M}"
    except (ValueError, TypeError):
        when = str(event.start)
    return f"{when}  {event.title or '(ohne Titel)'}"


def _plan_groups(plan: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for label, names in (
        ("neu", ("new", "added", "create", "creates")),
        ("geändert", ("changed", "updated", "update", "updates")),
        ("unverändert", ("unchanged", "same")),
    ):
        for name in names:
            items = getattr(plan, name, None)
            if items is not None and not callable(items):
                groups[label] = list(items)
                break
    return groups


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from pathlib import Path

    from .ical import apply_import, parse_calendar, plan_import

    if args.file == "-":
        data = sys.stdin.buffer.read()
        source = "stdin"
    else:
        data = Path(args.file).read_bytes()
        source = Path(args.file).name
    if args.kind is not None:
        from store import KINDS

        if args.kind not in KINDS:
            _bad(f"Unbekannte Art „{args.kind}“ (möglich: {', '.join(KINDS)}).")
    store = _read_store(config) if args.dry_run else _open_store(config)
    if args.coach:
        store.coach(args.coach)
    parsed = parse_calendar(data, kind=args.kind or "sonstiges", coach=args.coach, source=source)
    plan = plan_import(parsed, store.events())
    groups = _plan_groups(plan)
    if args.dry_run:
        _out("Probelauf: nichts wurde gespeichert.")
    else:
        apply_import(store, plan)  # before any output: a closed pipe must not stop it
    for label, items in groups.items():
        _out(f"{label}: {len(items)}")
        if args.dry_run or label != "unverändert":
            for item in items:
                event = item[-1] if isinstance(item, tuple) else item
                _out(f"  {_describe(event)}")
    return EXIT_OK


# -- report -------------------------------------------------------------------------------


CSV_HEADERS = {
    "month": "Monat",
    "coach": "Prozessbegleiter*in",
    "kita": "Kita-ID",
    "kita_name": "Kita",
    "visits": "Besuche",
    "hours": "Stunden",
    "fee": "Honorar (€)",
    "budget": "Jahresbudget (€)",
    "used_year": "im Jahr verbraucht (€)",
    "left_year": "im Jahr übrig (€)",
}


def cmd_report(config: Config, args: argparse.Namespace) -> int:
    from .planning.report import month_report, render_table
    from .planning.timeutil import parse_month

    year, month = parse_month(args.month)
    store = _read_store(config)
    if args.coach:
        store.coach(args.coach)
    rep = month_report(store, year, month, coach=args.coach)
    if args.format == "table":
        _emit(render_table(rep))
        return EXIT_OK
    rows = rep.to_rows()
    if args.format == "json":
        from .output import dumps

        _emit(dumps(rows))
        return EXIT_OK
    _write_csv([{CSV_HEADERS.get(k, k): v for k, v in row.items()} for row in rows])
    return EXIT_OK


def _write_csv(rows: list[dict[str, Any]]) -> None:
    """CSV for German Excel: UTF-8 with BOM, ``;`` as delimiter, decimal commas, CRLF.

    Excel in a German locale splits on ``;`` and reads ``1234,50`` as a number; the BOM
    makes it read the umlauts as UTF-8.
    """
    import csv
    import io

    buffer = io.StringIO()
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    sys.stdout.buffer.write(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    sys.stdout.buffer.flush()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


# -- settings, demo, planner -------------------------------------------------------------------


def cmd_settings(config: Config, args: argparse.Namespace) -> int:
    from .planning.settings import Settings, coerce

    if args.action == "set":
        if args.name is None or args.value is None:
            _bad("Aufruf: thekiz settings set NAME WERT")
        value = coerce(args.name, args.value)
        store = _open_store(config)
        Settings.from_store({**store.settings(), args.name: value})
        store.set_settings({args.name: value})
        _out(f"{args.name} = {value}")
        return EXIT_OK
    store = _read_store(config)
    stored = store.settings()
    effective = Settings.from_store(stored).as_dict()
    if args.format == "json":
        from .output import dumps

        _emit(dumps(effective))
        return EXIT_OK
    from .output import table

    rows = [
        (name, value if not isinstance(value, list) else ",".join(map(str, value)),
         "gesetzt" if name in stored else "Standard")
        for name, value in effective.items()
    ]
    _emit(table(("Einstellung", "Wert", "Herkunft"), rows))
    return EXIT_OK


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from . import demo

    store = _open_store(config)
    if not store.is_empty():
        _bad(f"Die Datenbank {config.db} enthält schon Daten; die Demo schreibt nur in eine "
             "leere Datenbank (z. B. --db demo.json).")
    if args.events is not None and args.events < 0:
        _bad("--events muss positiv sein.")
    coaches, kitas, events = demo.write_demo(
        store, today=_today(), events=args.events, seed=args.seed
    )
    _err(f"Demo geschrieben: {len(coaches)} Prozessbegleiter*innen, {len(kitas)} Kitas, "
         f"{len(events)} Termine in {config.db}")
    return EXIT_OK


def cmd_planner(config: Config, args: argparse.Namespace) -> int:
    """The interactive planner comes with the next issue; until then: this month."""
    args = argparse.Namespace(start=None, to=None, coach=None, kita=None, kind=None,
                              format="table")
    return cmd_list(config, args)


# -- the parser ------------------------------------------------------------------------------


def _common(sub: argparse.ArgumentParser) -> None:
    """Global options repeated after the subcommand for convenience."""
    group = sub.add_argument_group("allgemein")
    group.add_argument("--db", default=argparse.SUPPRESS, metavar="PFAD",
                       help="Datenbank (sonst $THEKIZ_DB oder Benutzerdatenordner)")
    group.add_argument("--as", dest="as_coach", default=argparse.SUPPRESS, metavar="ID",
                       help="als diese*r Prozessbegleiter*in arbeiten")
    group.add_argument("--lang", default=argparse.SUPPRESS, choices=("de", "en"))


def _window_options(sub: argparse.ArgumentParser, kind: bool = True) -> None:
    sub.add_argument("--from", dest="start", metavar="DATUM", help="ab diesem Tag")
    sub.add_argument("--to", dest="to", metavar="DATUM", help="bis einschließlich diesem Tag")
    sub.add_argument("--coach", metavar="ID", help="nur diese*r Prozessbegleiter*in")
    sub.add_argument("--kita", metavar="ID", help="nur diese Kita")
    if kind:
        sub.add_argument("--kind", metavar="ART", help="nur diese Art")


def _event_options(sub: argparse.ArgumentParser, *, editing: bool) -> None:
    sub.add_argument("--id", help=argparse.SUPPRESS if editing else "eigene ID (sonst neu)")
    sub.add_argument("--kind", metavar="ART",
                     help="begleitung, fortbildung, arbeitskreis, fachtag, "
                          "einrichtungsbesuch, sonstiges")
    sub.add_argument("--start", metavar="WANN", help="z. B. „4.3.2025 9:30“ oder 2025-03-04")
    sub.add_argument("--end", metavar="WANN",
                     help="Ende; bei Uhrzeit auch nur „11:00“; ganztägig: letzter Tag")
    sub.add_argument("--all-day", action=argparse.BooleanOptionalAction, default=None,
                     help="ganztägig (--start/--end sind Tage, --end einschließlich)")
    sub.add_argument("--title", metavar="TITEL")
    sub.add_argument("--coach", action="append", metavar="ID",
                     help="Prozessbegleiter*in (mehrfach möglich)")
    sub.add_argument("--kita", metavar="ID")
    sub.add_argument("--participant", action="append", metavar="ID",
                     help="teilnehmende Kita oder Person (mehrfach möglich)")
    sub.add_argument("--location", metavar="ORT")
    sub.add_argument("--rrule", metavar="REGEL", help="Wiederholung, z. B. FREQ=MONTHLY;INTERVAL=3")
    sub.add_argument("--free", action=argparse.BooleanOptionalAction, default=None,
                     help="als frei markieren (blockiert nicht)")
    sub.add_argument("--status", metavar="STATUS",
                     help="geplant, bestaetigt, durchgefuehrt, abgesagt")
    sub.add_argument("--subtype", metavar="UNTERART", help="Art der Fortbildung")
    sub.add_argument("--notes", metavar="TEXT")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="thekiz", description="Planer für die Prozessbegleitung ThEKiZ.")
    parser.add_argument("--db", default=None, metavar="PFAD",
                        help="Datenbank (sonst $THEKIZ_DB oder Benutzerdatenordner)")
    parser.add_argument("--as", dest="as_coach", default=None, metavar="ID",
                        help="als diese*r Prozessbegleiter*in arbeiten")
    parser.add_argument("--lang", default=None, choices=("de", "en"), help="Sprache")
    parser.add_argument("--version", action="version", version=_version(),
                        help="die Version zeigen und beenden")
    subs = parser.add_subparsers(dest="command", metavar="BEFEHL", parser_class=_Parser)

    def command(name: str, fn: Callable[[Config, argparse.Namespace], int],
                help_text: str) -> argparse.ArgumentParser:
        sub = subs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=fn)
        _common(sub)
        return sub

    sub = command("demo", cmd_demo, "fiktive Demodaten in eine leere Datenbank schreiben")
    sub.add_argument("--events", type=int, default=None, metavar="N",
                     help="Vergangenheit auf N Termine auffüllen (für Messungen)")
    sub.add_argument("--seed", type=int, default=0, metavar="S")

    sub = command("coach", cmd_coach, "Prozessbegleiter*innen verwalten")
    sub.add_argument("action", choices=("add", "list", "edit", "remove"))
    sub.add_argument("record_id", nargs="?", metavar="ID")
    sub.add_argument("--id")
    sub.add_argument("--name")
    sub.add_argument("--email")
    sub.add_argument("--rate", metavar="EURO", help="Stundensatz in €/h")
    sub.add_argument("--role", metavar="ROLLE", help="coach oder coordinator")
    sub.add_argument("--force", action="store_true")
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("kita", cmd_kita, "Kitas verwalten")
    sub.add_argument("action", choices=("add", "list", "edit", "remove"))
    sub.add_argument("record_id", nargs="?", metavar="ID")
    sub.add_argument("--id")
    sub.add_argument("--name")
    sub.add_argument("--district", metavar="LANDKREIS")
    sub.add_argument("--stage", metavar="STUFE", help="basis, vertiefung, konsultation")
    sub.add_argument("--since", metavar="DATUM", help="in dieser Stufe seit")
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--budget", metavar="EURO", help="Jahresbudget in €")
    sub.add_argument("--provider", metavar="TRÄGER")
    sub.add_argument("--address", metavar="ADRESSE")
    sub.add_argument("--force", action="store_true")
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("add", cmd_add, "einen Termin anlegen (gibt die ID aus)")
    _event_options(sub, editing=False)

    sub = command("edit", cmd_edit, "einen Termin ändern")
    sub.add_argument("event_id", metavar="ID")
    _event_options(sub, editing=True)

    sub = command("remove", cmd_remove, "einen Termin löschen")
    sub.add_argument("event_id", metavar="ID")

    sub = command("list", cmd_list, "Termine auflisten (ohne Zeitraum: dieser Monat)")
    _window_options(sub)
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("conflicts", cmd_conflicts,
                  "Konflikte prüfen (Exit 1 bei offenen Fehlern oder Warnungen)")
    _window_options(sub, kind=False)
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("ack", cmd_ack, "Befunde quittieren (Befund-ID oder Termin-ID)")
    sub.add_argument("targets", nargs="+", metavar="ID")
    sub.add_argument("--reason", metavar="TEXT")

    sub = command("export", cmd_export, "Termine als iCalendar (.ics) exportieren")
    _window_options(sub)
    sub.add_argument("-o", "--output", required=True, metavar="DATEI",
                     help="Zieldatei oder - für die Standardausgabe")

    sub = command("import", cmd_import, "Termine aus einer .ics-Datei importieren")
    sub.add_argument("file", metavar="DATEI")
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--kind", metavar="ART")
    sub.add_argument("--dry-run", action="store_true", help="nur zeigen, nichts speichern")

    sub = command("report", cmd_report, "Stundennachweis eines Monats")
    sub.add_argument("--month", required=True, metavar="JJJJ-MM")
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--format", choices=("table", "csv", "json"), default="table")

    sub = command("settings", cmd_settings, "Einstellungen zeigen oder ändern")
    sub.add_argument("action", nargs="?", choices=("list", "set"), default="list")
    sub.add_argument("name", nargs="?")
    sub.add_argument("value", nargs="?")
    sub.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _version() -> str:
    import thekiz_tui

    return f"thekiz {getattr(thekiz_tui, '__version__', '')}".strip()


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config = Config.resolve(db=args.db, as_coach=args.as_coach, lang=args.lang)
    func = getattr(args, "func", None)
    if func is None:
        return cmd_planner(config, args)
    result: int = func(config, args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point: never a traceback for a person's mistake."""
    from store import StoreError

    from .planning.timeutil import BadInput

    try:
        code = run(argv)
        sys.stdout.flush()
    except (BadInput, StoreError, UsageError) as error:
        _fail(str(error))
        code = EXIT_BAD
    except OSError as error:
        import errno

        if error.errno == errno.EPIPE:  # `thekiz list | head`
            _quiet_stdout()
            return EXIT_OK
        _fail(_os_message(error))
        code = EXIT_BAD
    except KeyboardInterrupt:
        _quiet_stdout()
        return EXIT_INTERRUPTED
    return code


def _os_message(error: OSError) -> str:
    import errno

    name = f" {error.filename}" if error.filename else ""
    reasons = {
        errno.ENOENT: f"Die Datei{name} gibt es nicht.",
        errno.EACCES: f"Keine Berechtigung für{name or ' die Datei'}.",
        errno.EISDIR: f"{name.strip() or 'Das Ziel'} ist ein Ordner, keine Datei.",
        errno.ENOSPC: "Kein Platz mehr auf dem Datenträger.",
        errno.EROFS: "Das Dateisystem ist schreibgeschützt.",
    }
    return reasons.get(error.errno or 0, f"Ein-/Ausgabefehler{name}: {error.strerror or error}.")


def _fail(message: str) -> None:
    try:
        sys.stdout.flush()
    except OSError:
        pass
    sys.stderr.write(f"thekiz: {_one_line(message)}\n")
    sys.stderr.flush()


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
