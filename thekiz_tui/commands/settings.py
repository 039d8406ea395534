"""``thekiz settings``: show the effective settings or set one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import tr
from .common import EXIT_OK, bad, emit, open_store, out, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_settings(config: Config, args: argparse.Namespace) -> int:
    from ..planning.settings import checked, set_setting, shown

    if args.action == "set":
        if args.name is None or args.value is None:
            bad(tr("Aufruf: thekiz settings set NAME WERT"))
        checked(args.name, args.value)  # (before the store is opened: nothing written)
        value = set_setting(open_store(config), args.name, args.value)
        out(f"{args.name} = {value}")
        return EXIT_OK
    rows = shown(read_store(config).settings())
    if args.format == "json":
        from ..output import dumps

        emit(dumps({row.name: row.value for row in rows}))
        return EXIT_OK
    from ..output import table

    emit(table((tr("Einstellung"), tr("Wert"), tr("Herkunft")),
               [(row.name, row.text if isinstance(row.value, list) else row.value, tr(row.origin))
                for row in rows]))
    return EXIT_OK
