"""``thekiz`` without a command: the interactive planner."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .common import EXIT_BAD, EXIT_OK, err, open_store, today

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_planner(config: Config, args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        err("thekiz: Der Planer braucht ein Terminal (die Eingabe ist keine Tastatur). "
            "Für Skripte gibt es die Befehle, z. B. „thekiz list“ oder „thekiz export“; "
            "„thekiz --help“ zeigt alle.")
        return EXIT_BAD
    # Textual paints at most 60 frames a second by default: at 120 a key waits on
    # average 4 ms less for its frame. (Frames are made only when something changed.)
    os.environ.setdefault("TEXTUAL_FPS", "120")
    # No garbage collection until the first frame is painted: the start allocates many
    # long-lived objects (modules, styles, the month), which the collector would walk
    # again and again for nothing. The app turns it back on (app.resume_gc).
    import gc

    gc.disable()
    from ..uiconfig import load_ui_config

    ui = load_ui_config()
    lang = config.lang
    if getattr(args, "lang", None) is None and not os.environ.get("THEKIZ_LANG") and ui.lang:
        lang = ui.lang
    store = open_store(config)
    if config.as_coach:
        store.coach(config.as_coach)  # a German NotFound for an unknown coach
    # The first month is read before Textual starts: the first frame shows it, and the
    # read does not compete with the app's start for the interpreter. (The findings
    # follow from a worker once the frame is painted.)
    from ..planning.window import Filters, build_window

    day = today()
    first = build_window(store, None, day.year, day.month, today=day,
                         filters=Filters(coach=config.as_coach), complete=False)
    from ..app import PlannerApp, PlannerContext

    ctx = PlannerContext(db=config.db, today=day, as_coach=config.as_coach, lang=lang,
                         keymap=ui.keymap)
    PlannerApp(ctx, store, first_window=first).run()
    return EXIT_OK
