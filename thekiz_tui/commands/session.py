"""``thekiz session --as COACH``: what every SSH login runs.

sshd's forced command (``thekiz access grant``) and ``thekiz serve`` start it; the
client's request is in ``$SSH_ORIGINAL_COMMAND`` and ``thekiz_tui.remote.session``
decides what runs. The allowed commands run in this process through the same dispatch as
the command line (no shell, ever), with this session's store and coach.

Under sshd the session checks its grant before anything runs and then in the background
(``--key``/``--grants`` of the forced command; see ``GrantCheck``): a revoke ends it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .common import EXIT_BAD, bad, err, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_session(config: Config, args: argparse.Namespace) -> int:
    from ..i18n import tr
    from ..remote.session import (
        ENV_COMMAND,
        NOT_GRANTED,
        Refused,
        crash_message,
        grant_check,
        parse_request,
        serve_login,
        watch_grant,
    )

    coach_id = config.as_coach
    if not coach_id:
        bad(tr("„thekiz session“ braucht --as ID: die Prozessbegleiter*in dieses Zugangs."))
    check = grant_check(config.db, coach_id, getattr(args, "key", None),
                        getattr(args, "grants", None))
    if check is not None and not check.granted():  # a new session on an old connection
        bad(tr(NOT_GRANTED))
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
    if check is not None:
        watch_grant(check)
    try:
        return run(argv)
    except Exception as error:
        if _reported_by_cli(error):
            raise
        # Any other error: one German line, and no traceback, which would show the
        # server's paths to the client; the admin finds it in the log folder.
        err(f"thekiz: {crash_message(error, coach.id)}")
        return EXIT_BAD


def _reported_by_cli(error: Exception) -> bool:
    """The errors ``thekiz_tui.cli.main`` turns into German lines itself."""
    from ..errors import person_message

    return person_message(error) is not None
