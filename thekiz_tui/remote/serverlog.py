"""The connection log of ``thekiz serve``: one line per event, never key material or what
a coach types.

``2026-11-25T09:14:03+01:00 login coach=c-lindner key=SHA256:… from=192.0.2.7:50122``
"""

from __future__ import annotations

import shlex
import sys
from datetime import datetime
from typing import TextIO


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


def _value(value: object) -> str:
    """One word of the line. What a client chose (its user name, its command) may hold
    control characters: they become ``?``, so that reading the log in a terminal runs
    no escape sequence and no line is forged."""
    text = " ".join(str(value).split())[:200]
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shlex.quote(text) if text else "''"
