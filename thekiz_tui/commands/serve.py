"""``thekiz serve``: the team's own SSH server (``thekiz_tui.remote.server``)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..i18n import tr
from .common import bad

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    from ..remote.grants import default_authorized_keys
    from ..remote.hostkey import default_host_key
    from ..remote.server import ServeOptions, serve
    from ..remote.serverlog import ConnectionLog

    if not 0 <= args.port <= 65535:
        bad(tr("--port {port}: ein Port liegt zwischen 0 und 65535.", port=args.port))
    for name in ("max_sessions", "max_sessions_per_coach", "max_unauthenticated",
                 "max_unauthenticated_per_address"):
        if getattr(args, name) < 1:
            bad(tr("--{option}: mindestens 1.", option=name.replace("_", "-")))
    if args.idle_timeout < 0 or args.no_session_timeout < 0 or args.login_timeout <= 0:
        bad(tr("--idle-timeout, --no-session-timeout und --login-timeout dürfen nicht "
               "negativ sein (--idle-timeout 0, --no-session-timeout 0: ohne Zeitlimit)."))
    if not config.db.exists():
        bad(tr("Die Datenbank {db} gibt es nicht (zuerst z. B. „thekiz coach add“).",
               db=config.db))
    options = ServeOptions(
        db=config.db.absolute(),
        authorized_keys=Path(args.authorized_keys or default_authorized_keys()).absolute(),
        host=args.host, port=args.port, max_sessions=args.max_sessions,
        max_sessions_per_coach=args.max_sessions_per_coach,
        idle_timeout=args.idle_timeout, login_timeout=args.login_timeout,
        no_session_timeout=args.no_session_timeout,
        max_unauthenticated=args.max_unauthenticated,
        max_unauthenticated_per_address=args.max_unauthenticated_per_address,
        env=dict(os.environ),
    )
    host_key = Path(args.host_key).expanduser() if args.host_key else default_host_key()
    with _log_file(args.log) as out:
        return serve(options, host_key.absolute(), ConnectionLog(out))


@contextlib.contextmanager
def _log_file(path: str | None) -> Iterator[TextIO]:
    from ..remote.serverlog import open_log

    if not path:
        yield sys.stderr
        return
    try:
        out = open_log(Path(path))
    except OSError as error:
        bad(tr("Das Protokoll {path} lässt sich nicht öffnen: {reason}.", path=path,
               reason=error.strerror or error))
    try:
        yield out
    finally:
        out.close()
