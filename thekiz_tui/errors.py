"""Errors and their German sentences: one place for the CLI, the planner, the SSH
session and the feed.

A person's mistake (bad input, a refused store change, wrong command-line use, a file
that cannot be read or written) becomes one sentence and exit code 2; everything else is
unforeseen and handled by the caller (a traceback to the log, never to the person).
Cheap to import: only the standard library at module level.
"""

from __future__ import annotations

import errno
from typing import NoReturn

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Wrong command-line use; the message is German and fits one line."""


def bad(message: str) -> NoReturn:
    """Refuse a person's input with this German sentence (exit code 2 in the CLI)."""
    from .planning.timeutil import BadInput

    raise BadInput(message)


def os_message(error: OSError) -> str:
    """A file error in German, naming the file but not the system's English text where
    a German one is known."""
    from store.text import neutral

    from .i18n import tr

    # (neutral: a file name is a person's text, and this line reaches a terminal)
    name = neutral(str(error.filename)) if error.filename else ""
    if error.errno == errno.ENOENT:
        return tr("Die Datei {name} gibt es nicht.", name=name) if name else tr(
            "Die Datei gibt es nicht.")
    if error.errno == errno.EACCES:
        return tr("Keine Berechtigung für {name}.", name=name) if name else tr(
            "Keine Berechtigung für die Datei.")
    if error.errno == errno.EISDIR:
        return tr("{name} ist ein Ordner, keine Datei.", name=name or tr("Das Ziel"))
    if error.errno == errno.ENOSPC:
        return tr("Kein Platz mehr auf dem Datenträger.")
    if error.errno == errno.EROFS:
        return tr("Das Dateisystem ist schreibgeschützt.")
    reason = error.strerror or str(error)
    return tr("Ein-/Ausgabefehler {name}: {reason}.", name=name, reason=reason) if name else tr(
        "Ein-/Ausgabefehler: {reason}.", reason=reason)


def person_message(error: BaseException) -> str | None:
    """The one-line sentence for a person's mistake, or None for an unforeseen error."""
    from store import StoreError

    from .planning.timeutil import BadInput

    if isinstance(error, StoreError) and error.template is not None:
        from .i18n import tr

        # (the store's own words, "Termin", "keine Schreibrechte": ours, translated too)
        values = {k: tr(v) if k in error.words else v for k, v in error.values.items()}
        return " ".join(tr(error.template, **values).split())
    if isinstance(error, (BadInput, StoreError, UsageError)):
        return " ".join(str(error).split())
    if isinstance(error, OSError):
        return os_message(error)
    return None
