"""``thekiz`` without a command: the interactive planner."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .common import EXIT_BAD, EXIT_OK, err

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_planner(config: Config, args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        from ..i18n import tr

        err(tr("thekiz: Der Planer braucht ein Terminal (die Eingabe ist keine Tastatur). "
               "Für Skripte gibt es die Befehle, z. B. „thekiz list“ oder „thekiz export“; "
               "„thekiz --help“ zeigt alle."))
        return EXIT_BAD
    # Textual paints at most 60 frames a second by default: at 120 a key waits on
    # average 4 ms less for its frame. (Frames are made only when something changed.)
    os.environ.setdefault("TEXTUAL_FPS", "120")
    # Colour codes as changes, not in full for every segment: over SSH a month switch
    # sends about 40 % fewer bytes (thekiz_tui/lean_output.py).
    if sys.platform != "win32":
        os.environ.setdefault("TEXTUAL_DRIVER", "thekiz_tui.lean_output:LeanDriver")
    # No garbage collection until the first frame is painted: the start allocates many
    # long-lived objects (modules, styles, the month), which the collector would walk
    # again and again for nothing. The app turns it back on (app.resume_gc).
    import gc

    gc.disable()
    # The first month is read in a child process while this one imports Textual (see
    # first_month.py): the first frame shows it, and the app opens its own store after.
    from .first_month import FirstMonthReader

    reader = FirstMonthReader(config).start()
    from ..app import PlannerApp, PlannerContext

    first = reader.result()
    from ..uiconfig import load_ui_config  # (its keys need Textual: not in the child)

    ui = load_ui_config()
    lang = config.lang
    if getattr(args, "lang", None) is None and not os.environ.get("THEKIZ_LANG") and ui.lang:
        lang = ui.lang
    ctx = PlannerContext(db=config.db, today=first.snapshot.today, as_coach=config.as_coach,
                         lang=lang, keymap=ui.keymap)
    PlannerApp(ctx, first_month=first.snapshot, stamp=first.stamp).run()
    return EXIT_OK
