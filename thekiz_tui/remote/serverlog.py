"""The connection log of ``thekiz serve``: one line per event, never key material or what
a coach types.

``2026-11-25T09:14:03+01:00 login coach=c-lindner key=SHA256:… from=192.0.2.7:50122``
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from store.text import neutral

MAX_SOURCES = 10_000  # sources a quiet log tells apart; beyond, they share one count


def open_log(path: Path) -> TextIO:
    """The log, appended to: made 0600 (in folders made 0700), since it names every
    coach's logins and addresses. An existing log keeps its owner and group; only the
    access of others is taken away (an older thekiz made it 0644)."""
    private_folders(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    with contextlib.suppress(OSError):  # (a log owned by someone else stays as it is)
        mode = os.fstat(fd).st_mode & 0o777
        if mode & 0o007:
            os.fchmod(fd, mode & ~0o007)
    return open(fd, "a", encoding="utf-8", buffering=1)


def private_folders(folder: Path) -> None:
    """``folder`` and its missing parents, each made 0700; existing ones as they are."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):
            each.mkdir(mode=0o700)


class ConnectionLog:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr

    def event(self, what: str, **fields: object) -> None:
        when = datetime.now().astimezone().isoformat(timespec="seconds")
        parts = [when, what]
        parts += [f"{name}={_value(value)}" for name, value in fields.items()
                  if value is not None and value != ""]
        try:
            self.out.write(" ".join(parts) + "\n")
            self.out.flush()
        except (OSError, ValueError):  # a full disk or a closed stderr never ends the server
            pass


class QuietLog:
    """At most one line per source (a peer's address, a kind of error) and ``interval``
    seconds: a stranger's flood of connections, or a failing ``accept`` retried every
    second, writes a line and a count, not a line per attempt. A source's next line names
    how many were left out (``left_out=``); :meth:`summary` writes the counts of the
    sources that fell quiet."""

    def __init__(self, log: ConnectionLog, interval: float) -> None:
        self.log = log
        self.interval = interval
        self._seen: dict[str, tuple[float, int]] = {}  # source: its last line, left out

    def event(self, source: str, what: str, **fields: object) -> None:
        now = time.monotonic()
        if source not in self._seen and len(self._seen) >= MAX_SOURCES:
            source = "*"
        last, left_out = self._seen.get(source, (now - self.interval, 0))
        if now - last < self.interval:
            self._seen[source] = (last, left_out + 1)
            return
        self._seen[source] = (now, 0)
        self.log.event(what, **fields, left_out=left_out or None)

    def summary(self, what: str) -> None:
        """A ``what`` line with the count for each source whose interval is over."""
        now = time.monotonic()
        for source, (last, left_out) in list(self._seen.items()):
            if now - last >= self.interval:
                del self._seen[source]
                if left_out:
                    self.log.event(what, source=source, left_out=left_out)


def _value(value: object) -> str:
    """One word of the line. What a client chose (its user name, its command) may hold
    control characters: :func:`store.text.neutral` makes them harmless, so that reading
    the log in a terminal runs no escape sequence and no line is forged."""
    text = neutral(" ".join(str(value).split())[:200])
    return shlex.quote(text) if text else "''"
