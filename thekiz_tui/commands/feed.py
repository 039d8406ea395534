"""``thekiz feed serve|grant|revoke|list|reminder``: each coach's calendar on her phone
through a private link (``thekiz_tui.feed``).

Only the coordination office grants, revokes and lists links and runs the server (with
``--as``, a coordinator); a coach may set her own reminder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..i18n import tr
from .common import EXIT_OK, bad, check_text, emit, err, out, read_store

if TYPE_CHECKING:
    import argparse

    from store import Store

    from ..config import Config
    from ..feed.book import Feed

DEFAULT_PORT = 8080
MAX_REMINDER = 7 * 24 * 60


def cmd_feed(config: Config, args: argparse.Namespace) -> int:
    from ..feed.book import FeedBook

    _check_options(args)
    if not config.db.exists():
        bad(tr("Die Datenbank {db} gibt es nicht (zuerst z. B. „thekiz coach add“).",
               db=config.db))
    store = read_store(config)
    action = args.action
    if config.as_coach and not (action == "reminder" and args.coach == config.as_coach):
        from ..planning.permissions import actor

        actor(store).check_coordinator(tr("Die Kalender-Links"))
    if action == "serve":
        if args.coach is not None:
            bad(tr("„thekiz feed serve“ nimmt keine Prozessbegleiter*in; die Links "
                   "bestimmen, wer was sieht."))
        return _serve(config, args)
    book = FeedBook(config.db)
    if action == "list":
        return _list(store, book, args)
    if not args.coach:
        bad(tr("Bitte die Prozessbegleiter*in angeben: thekiz feed {action} ID", action=action))
    check_text(tr("Die ID"), args.coach, word=True)
    if action == "grant":
        coach = store.coach(args.coach)  # a German NotFound for an unknown coach
        token = book.grant(coach.id, _now())
        out(f"{_base_url(store, args)}/feed/{token}.ics")
        err(tr("Kalender-Link für {name} ({id}). Der Link ist geheim: wer ihn kennt, sieht "
               "ihren Kalender. „thekiz feed revoke {id}“ sperrt ihn sofort, ein neues "
               "„feed grant“ ersetzt ihn.", name=coach.name, id=coach.id))
        return EXIT_OK
    if action == "revoke":
        if not book.revoke(args.coach):
            bad(tr("„{id}“ hat keinen Kalender-Link (siehe „thekiz feed list“).",
                   id=args.coach))
        out(tr("Kalender-Link von {id} gesperrt.", id=args.coach))
        return EXIT_OK
    minutes = _minutes(args.minutes)
    if not book.set_reminder(args.coach, minutes):
        bad(tr("„{id}“ hat keinen Kalender-Link (zuerst „thekiz feed grant {id}“).",
               id=args.coach))
    out(tr("Erinnerung für {id}: {reminder}", id=args.coach,
           reminder=_reminder_text(minutes, store)))
    return EXIT_OK


def _check_options(args: argparse.Namespace) -> None:
    low = 0 if args.action == "serve" else 1  # (serve: 0 lets the system choose)
    if not low <= args.port <= 65535:
        bad(tr("--port {port}: ein Port liegt zwischen 1 und 65535.", port=args.port))
    if args.burst < 1 or not args.per_minute > 0:
        bad(tr("--burst muss mindestens 1 und --per-minute größer als 0 sein."))
    if args.action != "reminder" and args.minutes is not None:
        bad(tr("„thekiz feed {action}“ nimmt nur eine Prozessbegleiter*in.",
               action=args.action))
    if args.base_url is not None:
        _checked_url(args.base_url, "--base-url")


def _checked_url(text: str, what: str) -> str:
    from urllib.parse import urlsplit

    check_text(what, text, word=True)
    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises for a port that is no number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or (
            parts.query or parts.fragment):
        bad(tr("{what} „{text}“ ist keine Adresse der Form https://server.example/pfad.",
               what=what, text=text))
    return url


def _base_url(store: Store, args: argparse.Namespace) -> str:
    from ..planning.settings import Settings

    if args.base_url is not None:
        return _checked_url(args.base_url, "--base-url")
    stored = Settings.from_store(store.settings()).feed_base_url
    if stored:
        return _checked_url(stored, tr("Die Einstellung feed_base_url"))
    host = f"[{args.host}]" if ":" in args.host else args.host
    return f"http://{host}:{args.port}"


def _minutes(text: str | None) -> int | None:
    """``feed reminder``'s value: minutes, ``aus`` (none) or ``standard`` (the setting)."""
    raw = (text or "").strip().lower()
    if raw in ("standard", "default"):
        return None
    if raw in ("aus", "off", "0"):
        return 0
    if raw.isdigit() and 0 < int(raw) <= MAX_REMINDER:
        return int(raw)
    bad(tr("Die Erinnerung „{text}“ ist keine Minutenzahl von 1 bis {most}, „aus“ oder "
           "„standard“.", text=text or "", most=MAX_REMINDER))


def _reminder_text(minutes: int | None, store: Store) -> str:
    from ..planning.settings import Settings

    if minutes is None:
        default = Settings.from_store(store.settings()).reminder_minutes
        return tr("{n} min vorher (Standard)", n=default) if default else tr("aus (Standard)")
    return tr("{n} min vorher", n=minutes) if minutes else tr("aus")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _when(text: str) -> str:
    from ..planning.labels import show_date
    from ..planning.timeutil import fmt_time

    if not text:
        return tr("nie")
    moment = datetime.fromisoformat(text).astimezone()
    return f"{show_date(moment.date())} {fmt_time(moment)}"


def _list(store: Store, book: object, args: argparse.Namespace) -> int:
    from store.text import neutral

    from ..feed.book import FeedBook

    assert isinstance(book, FeedBook)
    feeds: list[Feed] = sorted(book.feeds().values(), key=lambda f: f.coach)
    names = {c.id: c.name for c in store.coaches()}
    if args.format == "json":
        from ..output import dumps

        emit(dumps([{"coach": f.coach, "name": names.get(f.coach, ""),
                     "created": f.created, "fetched": f.fetched or None,
                     "reminder": f.reminder} for f in feeds]))
        return EXIT_OK
    if not feeds:
        out(tr("Keine Kalender-Links."))
        return EXIT_OK
    from ..output import table

    emit(table(("ID", tr("Name"), tr("angelegt"), tr("zuletzt abgerufen"), tr("Erinnerung")),
               [(neutral(f.coach), names.get(f.coach, tr("(unbekannt)")), _when(f.created),
                 _when(f.fetched), _reminder_text(f.reminder, store)) for f in feeds]))
    return EXIT_OK


def _serve(config: Config, args: argparse.Namespace) -> int:
    from ..feed.server import FeedOptions, serve
    from ..remote.serverlog import ConnectionLog
    from .common import today
    from .serve import _log_file

    options = FeedOptions(db=config.db.absolute(), host=args.host, port=args.port,
                          burst=args.burst, per_minute=args.per_minute,
                          behind_proxy=args.behind_proxy, today=today)
    with _log_file(args.log) as stream:
        try:
            return serve(options, ConnectionLog(stream))
        except OSError as error:
            bad(tr("Der Server lässt sich nicht an {host}:{port} binden: {reason}.",
                   host=args.host, port=args.port, reason=error.strerror or error))
