"""``thekiz settings``: show the effective settings or set one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import EXIT_OK, bad, emit, open_store, out, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_settings(config: Config, args: argparse.Namespace) -> int:
    from ..planning.settings import Settings, coerce, invalid

    if args.action == "set":
        if args.name is None or args.value is None:
            bad("Aufruf: thekiz settings set NAME WERT")
        value = coerce(args.name, args.value)
        store = open_store(config)
        Settings.from_store({args.name: value})  # (others may be broken: this repairs)
        store.set_settings({args.name: value})
        out(f"{args.name} = {value}")
        return EXIT_OK
    store = read_store(config)
    stored = store.settings()
    broken = invalid(stored)  # shown as stored, to be repaired with `settings set`
    effective = Settings.from_store(
        {k: v for k, v in stored.items() if k not in broken}).as_dict()
    effective.update(broken)
    if args.format == "json":
        from ..output import dumps

        emit(dumps(effective))
        return EXIT_OK
    from ..output import table

    rows = [
        (name, value if not isinstance(value, list) else ",".join(map(str, value)),
         "ungültig, bitte neu setzen" if name in broken
         else "gesetzt" if name in stored else "Standard")
        for name, value in effective.items()
    ]
    emit(table(("Einstellung", "Wert", "Herkunft"), rows))
    return EXIT_OK
