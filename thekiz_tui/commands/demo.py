"""``thekiz demo``: a fictional programme to try thekiz on."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..i18n import tr
from .common import EXIT_OK, bad, err, open_store, today

if TYPE_CHECKING:
    from ..config import Config


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from .. import demo

    store = open_store(config)
    if not store.is_empty():
        bad(tr("Die Datenbank {db} enthält schon Daten; die Demo schreibt nur in eine "
               "leere Datenbank (z. B. --db demo.json).", db=config.db))
    if args.events is not None and args.events < 0:
        bad(tr("--events muss positiv sein."))
    coaches, kitas, events = demo.write_demo(
        store, today=today(), events=args.events, seed=args.seed
    )
    err(tr("Demo geschrieben: {coaches} Prozessbegleiter*innen, {kitas} Kitas, {events} "
           "Termine in {db}", coaches=len(coaches), kitas=len(kitas), events=len(events),
           db=config.db))
    return EXIT_OK
