"""``thekiz access grant|list|revoke``: who may log in over SSH, with which key.

A grant is a line in ``authorized_keys`` (``~/.ssh/authorized_keys`` of the user running
thekiz, or ``--authorized-keys``) whose forced command runs ``thekiz session`` as one
coach on this store; see ``thekiz_tui.remote.grants``. Root may run it for the thekiz
account's file: the file keeps that account as owner, and a file or folder of yet another
account is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import tr, trn
from .common import EXIT_OK, bad, emit, out, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config
    from ..remote.grants import Grant


def cmd_access(config: Config, args: argparse.Namespace) -> int:
    from ..remote.grants import default_authorized_keys

    path = Path(args.authorized_keys).expanduser() if args.authorized_keys else (
        default_authorized_keys())
    if config.as_coach and args.action != "list":
        from ..planning.permissions import actor

        actor(read_store(config)).check_coordinator(tr("Die SSH-Zugänge"))
    if args.action == "grant":
        return _grant(config, args, path)
    if args.key is not None:
        bad(tr("„thekiz access {action}“ nimmt keine Schlüsseldatei.", action=args.action))
    if args.action == "list":
        return _list(config, args, path)
    return _revoke(args, path)


def _grant(config: Config, args: argparse.Namespace, path: Path) -> int:
    from store.text import neutral

    from ..remote.grants import (
        GrantError,
        add_grant,
        parse_public_key,
        session_command,
    )

    if not args.who or not args.key:
        bad(tr("Bitte die Prozessbegleiter*in und ihren öffentlichen Schlüssel angeben: "
               "thekiz access grant ID SCHLÜSSEL.pub"))
    if not config.db.exists():
        bad(tr("Die Datenbank {db} gibt es nicht; der Zugang braucht die Datenbank, "
               "in der die Prozessbegleiter*in steht (--db PFAD).", db=config.db))
    coach = read_store(config).coach(args.who)  # a German NotFound for an unknown coach
    try:
        key = parse_public_key(_read_key(args.key))
        command = session_command(config.db, coach.id, key=key.fingerprint, grants=path)
        replaced = add_grant(path, key, command)
    except GrantError as error:
        bad(str(error))
    before = [neutral(e.grant.coach) for e in replaced if e.grant is not None]
    was = tr(", bisher für {who}", who=", ".join(before)) if before and before != [
        coach.id] else ""
    values = {"name": coach.name, "id": coach.id, "was": was, "type": key.key_type,
              "fingerprint": key.fingerprint, "path": path}
    out(tr("Zugang für {name} ({id}) ersetzt{was}: {type} {fingerprint} in {path}", **values)
        if replaced else
        tr("Zugang für {name} ({id}) eingetragen{was}: {type} {fingerprint} in {path}",
           **values))
    return EXIT_OK


def _read_key(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).expanduser().read_text(encoding="utf-8")
    except UnicodeDecodeError:
        bad(tr("{source} ist keine Textdatei mit einem öffentlichen SSH-Schlüssel.",
               source=source))


def _list(config: Config, args: argparse.Namespace, path: Path) -> int:
    from ..remote.grants import read_entries

    entries = read_entries(path)
    grants = [e.grant for e in entries if e.grant is not None]
    foreign = sum(1 for e in entries if e.grant is None and _is_key_line(e.raw))
    names = {c.id: c.name for c in read_store(config).coaches()}
    if args.format == "json":
        from ..output import dumps

        emit(dumps([_grant_dict(g, names, config) for g in grants]))
        return EXIT_OK
    if grants:
        from store.text import neutral

        from ..output import table

        # The coach, comment and store are whatever the file says: shown neutralised.
        emit(table(("ID", tr("Name"), tr("Typ"), tr("Fingerabdruck"), tr("Kommentar"),
                    tr("Datenbank")),
                   [(neutral(g.coach), _name(g, names, config), g.key_type, g.fingerprint,
                     neutral(g.comment), neutral(_store_text(g, config))) for g in grants]))
    else:
        out(tr("Keine Zugänge in {path}.", path=path))
    if foreign:
        out(trn("({n} weiterer Schlüssel gehört in {path} nicht zu thekiz.)",
                "({n} weitere Schlüssel gehören in {path} nicht zu thekiz.)", foreign,
                path=path))
    return EXIT_OK


def _is_key_line(raw: bytes) -> bool:
    text = raw.strip()
    return bool(text) and not text.startswith(b"#")


def _name(grant: Grant, names: dict[str, str], config: Config) -> str:
    if not grant.for_store(config.db):
        return tr("(andere Datenbank)")
    return names.get(grant.coach, tr("(unbekannt)"))


def _store_text(grant: Grant, config: Config) -> str:
    """The store of a grant as ``access list`` shows it; another store is marked, as
    ``thekiz serve`` on this store does not let that key in."""
    shown = grant.db if grant.db is not None else tr("(Standard)")
    return shown if grant.for_store(config.db) else tr("ANDERE: {db}", db=shown)


def _grant_dict(grant: Grant, names: dict[str, str],
                config: Config) -> dict[str, str | bool | None]:
    this_store = grant.for_store(config.db)
    return {"coach": grant.coach, "name": names.get(grant.coach, "") if this_store else "",
            "key_type": grant.key_type, "fingerprint": grant.fingerprint,
            "comment": grant.comment, "command": grant.command, "db": grant.db,
            "this_store": this_store}


def _revoke(args: argparse.Namespace, path: Path) -> int:
    from store.text import neutral

    from ..remote.grants import GrantError, remove_grants

    who = (args.who or "").strip()
    if not who:
        bad(tr("Bitte angeben, wessen Zugang entzogen wird: thekiz access revoke ID "
               "oder FINGERABDRUCK (siehe „thekiz access list“)."))
    wanted = who if who.startswith("SHA256:") else f"SHA256:{who}"
    try:
        removed = remove_grants(path, lambda g: g.coach == who or g.fingerprint == wanted)
    except GrantError as error:
        bad(str(error))
    if not removed:
        bad(tr("Kein Zugang für „{who}“ in {path} (siehe „thekiz access list“).",
               who=neutral(who), path=path))
    for grant in removed:
        out(tr("Zugang entzogen: {coach} {type} {fingerprint}", coach=neutral(grant.coach),
               type=grant.key_type, fingerprint=grant.fingerprint))
    return EXIT_OK
