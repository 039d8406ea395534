"""What an SSH login may run: the policy for ``$SSH_ORIGINAL_COMMAND``.

Every login runs ``thekiz --db DB session --as COACH`` (sshd's forced command, or a
process of ``thekiz serve``); the client's request is in ``SSH_ORIGINAL_COMMAND``:

- empty: the planner as that coach;
- ``export``, ``list``, ``conflicts``, ``report`` with their read-only options: that
  command, always as that coach, to standard output (``export`` never to a file);
- anything else is refused, and nothing runs;
- the planner of a login reads and writes no files of the server (``over_ssh``);
- under sshd, the session's grant is checked when it starts and again every
  ``THEKIZ_GRANT_RECHECK_SECONDS`` (at most 30 s): a multiplexed connection (ControlMaster)
  runs every new session without logging in again, so only the session itself can notice a
  revoke (``GrantCheck``). A revoked session ends with one German line.

The request is split like a shell would split words (``shlex``) but never given to a
shell: ``;``, ``&&`` or ``$(…)`` are ordinary characters here, and every word must be a
known command or option, so they are refused. The options are rebuilt as
``--name=value``, so no value can be read as another option.
"""

from __future__ import annotations

import os
import shlex
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..i18n import LANGS, set_lang, tr

if TYPE_CHECKING:
    from .grants import Grant

ENV_COMMAND = "SSH_ORIGINAL_COMMAND"

# The options each command may use over SSH, all with a value.
_WINDOW = ("--from", "--to", "--coach", "--kita")
OPTIONS: dict[str, tuple[str, ...]] = {
    "export": (*_WINDOW, "--kind", "-o", "--output"),
    "list": (*_WINDOW, "--kind", "--format"),
    "conflicts": (*_WINDOW, "--format"),
    "report": ("--month", "--coach", "--format"),
}
GLOBAL_OPTIONS = ("--lang",)
STDOUT = "-"


# Whether this process serves an SSH login (``thekiz session`` sets it before it runs the
# planner). Then the planner reads and writes no file of the server: a path typed into
# its export, import or CSV dialog would reach the server's files (the thekiz account's
# keys, the store itself), and a coach could not fetch such a file anyway.
_LOGIN = {"ssh": False}


# Over a slow link: no animations and a modest frame rate, unless the admin set them
# (by SetEnv in sshd's Match block, or in the environment of ``thekiz serve``).
SLOW_LINK = {"TEXTUAL_ANIMATIONS": "none", "TEXTUAL_FPS": "30"}


def serve_login() -> None:
    _LOGIN["ssh"] = True
    for name, value in SLOW_LINK.items():
        os.environ.setdefault(name, value)


def over_ssh() -> bool:
    return _LOGIN["ssh"]


class Refused(ValueError):
    """A request that an SSH login may not run; the message is German and fits one line."""


@dataclass(frozen=True, slots=True)
class Request:
    """What a login asked for: a command (None: the planner) and its options."""

    command: str | None
    options: tuple[str, ...] = ()  # each ``--name=value``

    def argv(self, db: str, coach: str) -> list[str]:
        """The ``thekiz`` arguments that run it: always this store, always as ``coach``."""
        base = ["--db", db, "--as", coach]
        if self.command is None:
            return [*base, *self.options]  # (only the global ones: --lang)
        # (a report as PDF, like an export, would otherwise be saved in a server folder)
        output = ["--output=-"] if self.command in ("export", "report") else []
        globals_ = [o for o in self.options if o.split("=", 1)[0] in GLOBAL_OPTIONS]
        local = [o for o in self.options if o not in globals_]
        return [*base, *globals_, self.command, *local, *output]


def _refuse(message: str) -> NoReturn:
    raise Refused(message)


def _allowed_text() -> str:
    return ", ".join(OPTIONS)


def parse_request(original: str | None, coach: str, *, coordinator: bool) -> Request:
    """The request of ``SSH_ORIGINAL_COMMAND`` for ``coach``, or :class:`Refused`.

    ``--coach`` may name only the coach herself, unless she is a coordinator."""
    try:
        words = shlex.split(original or "")
    except ValueError:
        _refuse(tr("Der Befehl ist nicht lesbar (ein Anführungszeichen ist nicht "
                   "geschlossen)."))
    if words and words[0] == "thekiz":
        words = words[1:]
    # ``--lang en`` may come before the command too (as on the command line), or alone
    # for the planner
    leading: list[str] = []
    while words and words[0].partition("=")[0] in GLOBAL_OPTIONS:
        name, equals, value = words[0].partition("=")
        if not equals:
            if len(words) < 2:
                _refuse(tr("Der Angabe {option} fehlt ein Wert.", option=name))
            value, words = words[1], words[1:]
        leading.append(f"{name}={value}")
        words = words[1:]
        if name == "--lang" and value in LANGS:
            set_lang(value)  # (her refusals below in her language too)
    if not words:
        return Request(None, tuple(leading))
    command, rest = words[0], words[1:]
    if command not in OPTIONS:
        _refuse(tr("„{command}“ ist über SSH nicht erlaubt. Möglich sind {allowed} (nur "
                   "lesend) oder ohne Befehl der Planer.", command=_short(command),
                   allowed=_allowed_text()))
    allowed = (*OPTIONS[command], *GLOBAL_OPTIONS)
    options: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        name, equals, value = word.partition("=")
        if name.startswith("-o") and name != "-o" and not name.startswith("--"):
            name, equals, value = "-o", "=", name[2:]  # ``-o-``
        if name not in allowed:
            _refuse(tr("Die Angabe „{option}“ ist bei „{command}“ über SSH nicht erlaubt "
                       "(möglich: {allowed}).", option=_short(word), command=command,
                       allowed=", ".join(allowed)))
        if not equals:
            i += 1
            if i >= len(rest):
                _refuse(tr("Der Angabe {option} fehlt ein Wert.", option=name))
            value = rest[i]
        options.extend(_checked(command, name, value, coach, coordinator))
        i += 1
    return Request(command, (*leading, *options))


def _checked(command: str, name: str, value: str, coach: str,
             coordinator: bool) -> list[str]:
    """The option as ``--name=value``, or refused."""
    if name in ("-o", "--output"):
        if value != STDOUT:
            _refuse(tr("„{command}“ schreibt über SSH nur auf die Standardausgabe (-o -). "
                       "Speichern Sie die Datei auf Ihrem Rechner: ssh … {command} > "
                       "meine-termine.ics", command=command))
        return []  # always added by Request.argv
    if name == "--coach" and value != coach and not coordinator:
        _refuse(tr("Als {coach} sehen Sie über SSH nur Ihre eigenen Termine (--coach {coach} "
                   "oder ohne --coach).", coach=coach))
    return [f"{name}={value}"]


def _short(text: str) -> str:
    """A word of the request as it may appear in a message: printable, at most 40 chars."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 40 else shown[:39] + "…"


# -- the grant of a session under sshd --------------------------------------------------

ENV_RECHECK = "THEKIZ_GRANT_RECHECK_SECONDS"
RECHECK_SECONDS = 30.0  # also the most: a revoke ends a session within a minute
REVOKED = "Der Zugang dieser Sitzung wurde entzogen; die Sitzung endet."
NOT_GRANTED = ("Für diesen Schlüssel gibt es keinen Zugang (mehr) zu dieser Datenbank; "
               "die Sitzung endet.")


def recheck_seconds(env: dict[str, str] | None = None) -> float:
    """How often a running session looks at its grant: ``THEKIZ_GRANT_RECHECK_SECONDS``
    (tests set it low), never more than 30 s apart."""
    text = (os.environ if env is None else env).get(ENV_RECHECK, "")
    try:
        seconds = float(text)
    except ValueError:
        return RECHECK_SECONDS
    return min(seconds, RECHECK_SECONDS) if seconds > 0 else RECHECK_SECONDS


class GrantCheck:
    """Whether the grant this session runs for still stands, by sshd's rule: with the
    line's key (``--key``), the line sshd would now pick for that key from the client's
    address must be ours, for this store and coach; a line written before ``--key``
    existed needs any such grant of the coach in the file. Cheap to repeat: the file is
    read again only when its signature (inode, size, times) changed."""

    def __init__(self, db: Path, coach: str, *, key: str | None, grants: Path,
                 peer_ip: str | None) -> None:
        self.db = db
        self.coach = coach
        self.key = key
        self.path = grants
        self.peer_ip = peer_ip
        self._stamp: object = ()  # never a signature: the first check reads
        self._grants: list[Grant] = []

    def granted(self) -> bool:
        from store.paths import signature

        from .grants import decide, read_grants

        try:
            stamp: object = signature(self.path)
        except OSError:
            stamp = None
        if stamp != self._stamp:
            try:
                self._grants = read_grants(self.path)
            except OSError:  # unreadable: no grant, as for sshd
                self._grants = []
            self._stamp = stamp
        if self.key is not None:
            grant = decide(self._grants, self.key, self.peer_ip, self.db)
            return grant is not None and grant.coach == self.coach
        return any(g.coach == self.coach and g.for_store(self.db) and g.admits(self.peer_ip)
                   for g in self._grants)


def grant_check(db: Path, coach: str, key: str | None, grants: str | None,
                env: dict[str, str] | None = None) -> GrantCheck | None:
    """The check for a session started by sshd, or None when nothing needs it: a session
    of ``thekiz serve`` (serve ends revoked sessions itself) or one started by hand. A
    forced command names its key and file; an older one, without them, is recognised by
    the variable sshd sets (``SSH_CONNECTION``, which serve does not pass on)."""
    from .grants import default_authorized_keys

    env = dict(os.environ) if env is None else env
    connection = env.get("SSH_CONNECTION", "").split()
    if key is None and grants is None and not connection:
        return None
    path = Path(grants).expanduser() if grants else default_authorized_keys()
    return GrantCheck(db, coach, key=key, grants=path,
                      peer_ip=connection[0] if connection else None)


def watch_grant(check: GrantCheck, seconds: float | None = None) -> threading.Thread:
    """A thread that ends this process with :data:`REVOKED` once ``check`` fails; for
    the planner and the commands alike (the planner's terminal is given back first)."""
    interval = recheck_seconds() if seconds is None else seconds

    def run() -> None:
        while True:
            time.sleep(interval)
            if not check.granted():
                end_revoked()

    thread = threading.Thread(target=run, name="thekiz-grant-check", daemon=True)
    thread.start()
    return thread


def end_revoked() -> NoReturn:
    """Leave now, from any thread: the terminal restored if there is one, one German
    line, exit 2. (Not ``sys.exit``: the planner's loop would keep the process.)"""
    from ..errors import EXIT_BAD

    try:
        if os.isatty(1):
            from .server import RESTORE_TERMINAL

            os.write(1, RESTORE_TERMINAL)
        line = f"thekiz: {tr(REVOKED)}"
        os.write(2, (f"\r\n{line}\r\n" if os.isatty(2) else f"{line}\n").encode())
    finally:
        os._exit(EXIT_BAD)


# -- an unforeseen error -------------------------------------------------------------


def crash_message(error: BaseException, coach: str) -> str:
    """For an unforeseen error of a login (call it while the error is handled): the
    traceback goes to ``session-errors.log`` in the server's log folder, and the client
    gets this German line, without the server's paths or data."""
    where = _log_crash(coach)
    return tr("Unerwarteter Fehler ({kind}); die Sitzung endet. Die Koordinationsstelle "
              "findet die Einzelheiten {where}.", kind=type(error).__name__, where=where)


def _log_crash(coach: str) -> str:
    """Append the traceback to ``session-errors.log`` in the user log folder; where it
    went, as words for the message."""
    import traceback
    from datetime import datetime

    import platformdirs

    from store.text import neutral

    path = Path(platformdirs.user_log_dir("thekiz")) / "session-errors.log"
    try:
        # The traceback holds the store's data: for the thekiz account alone.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = path.parent.stat()
        if folder.st_mode & 0o077 and folder.st_uid == os.geteuid():
            path.parent.chmod(0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            os.fchmod(fd, 0o600)
            # (neutral: a traceback quotes stored text, and the admin reads this in a
            # terminal)
            log.write(f"--- {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z} "
                      f"{neutral(coach)}\n")
            log.write(neutral(traceback.format_exc(), lines=True))
    except OSError:
        return tr("nicht im Protokoll (es ließ sich nicht schreiben)")
    return tr("im Protokoll auf dem Server")
