"""``thekiz session --as COACH``: what every SSH login runs.

sshd's forced command (``thekiz access grant``) and ``thekiz serve`` start it; the
client's request is in ``$SSH_ORIGINAL_COMMAND`` and ``thekiz_tui.remote.session``
decides what runs. The allowed commands run in this process through the same dispatch as
the command line (no shell, ever), with this session's store and coach.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .common import EXIT_BAD, bad, err, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_session(config: Config, args: argparse.Namespace) -> int:
    from ..remote.session import ENV_COMMAND, Refused, parse_request, serve_login

    coach_id = config.as_coach
    if not coach_id:
        bad("„thekiz session“ braucht --as ID: die Prozessbegleiter*in dieses Zugangs.")
    coach = read_store(config).coach(coach_id)  # a German NotFound for an unknown coach
    try:
        request = parse_request(os.environ.get(ENV_COMMAND), coach.id,
                                coordinator=coach.role == "coordinator")
    except Refused as error:
        bad(str(error))
    argv = request.argv(str(config.db.absolute()), coach.id)
    if getattr(args, "lang", None):
        argv[4:4] = ["--lang", config.lang]
    from ..cli import run

    serve_login()
    try:
        return run(argv)
    except Exception as error:
        if _reported_by_cli(error):
            raise
        # Any other error: one German line, and no traceback, which would show the
        # server's paths to the client; the admin finds it in the log folder.
        where = _log_crash(coach.id)
        err(f"thekiz: Unerwarteter Fehler ({type(error).__name__}); die Sitzung endet. "
            f"Die Koordinationsstelle findet die Einzelheiten {where}.")
        return EXIT_BAD


def _reported_by_cli(error: Exception) -> bool:
    """The errors ``thekiz_tui.cli.main`` turns into German lines itself."""
    from store import StoreError

    from ..cli import UsageError
    from ..planning.timeutil import BadInput

    return isinstance(error, (BadInput, StoreError, UsageError, OSError))


def _log_crash(coach: str) -> str:
    """Append the traceback to ``session-errors.log`` in the user log folder; where it
    went, as words for the message."""
    import traceback
    from datetime import datetime
    from pathlib import Path

    import platformdirs

    path = Path(platformdirs.user_log_dir("thekiz")) / "session-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z} {coach}\n")
            log.write(traceback.format_exc())
    except OSError:
        return "nicht im Protokoll (es ließ sich nicht schreiben)"
    return "im Protokoll auf dem Server"
