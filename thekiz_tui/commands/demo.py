"""``thekiz demo``: a fictional programme to try thekiz on."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .common import EXIT_OK, bad, err, open_store, today

if TYPE_CHECKING:
    from ..config import Config


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from .. import demo

    store = open_store(config)
    if not store.is_empty():
        bad(f"Die Datenbank {config.db} enthält schon Daten; die Demo schreibt nur in eine "
            "leere Datenbank (z. B. --db demo.json).")
    if args.events is not None and args.events < 0:
        bad("--events muss positiv sein.")
    coaches, kitas, events = demo.write_demo(
        store, today=today(), events=args.events, seed=args.seed
    )
    err(f"Demo geschrieben: {len(coaches)} Prozessbegleiter*innen, {len(kitas)} Kitas, "
        f"{len(events)} Termine in {config.db}")
    return EXIT_OK
