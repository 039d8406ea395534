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
    text = " ".join(str(value).split())[:200]
    return shlex.quote(text) if text else "''"
