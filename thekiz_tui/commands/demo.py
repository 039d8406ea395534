"""``thekiz demo`` and the planner placeholder (``thekiz`` without a command)."""

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


def cmd_planner(config: Config, args: argparse.Namespace) -> int:
    """The interactive planner comes with the next issue; until then: this month."""
    from .events import cmd_list

    args = argparse.Namespace(start=None, to=None, coach=None, kita=None, kind=None,
                              format="table")
    return cmd_list(config, args)
