"""``thekiz serve``: the team's own SSH server (``thekiz_tui.remote.server``)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

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
        bad(f"--port {args.port}: ein Port liegt zwischen 0 und 65535.")
    if args.max_sessions < 1:
        bad("--max-sessions: mindestens 1.")
    if args.idle_timeout < 0 or args.login_timeout <= 0:
        bad("--idle-timeout und --login-timeout dürfen nicht negativ sein "
            "(--idle-timeout 0: ohne Zeitlimit).")
    if not config.db.exists():
        bad(f"Die Datenbank {config.db} gibt es nicht (zuerst z. B. „thekiz coach add“).")
    options = ServeOptions(
        db=config.db.absolute(),
        authorized_keys=Path(args.authorized_keys or default_authorized_keys()).absolute(),
        host=args.host, port=args.port, max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout, login_timeout=args.login_timeout,
        env=dict(os.environ),
    )
    host_key = Path(args.host_key).expanduser() if args.host_key else default_host_key()
    with _log_file(args.log) as out:
        return serve(options, host_key.absolute(), ConnectionLog(out))


@contextlib.contextmanager
def _log_file(path: str | None) -> Iterator[TextIO]:
    if not path:
        yield sys.stderr
        return
    out: TextIO = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    try:
        yield out
    finally:
        out.close()
