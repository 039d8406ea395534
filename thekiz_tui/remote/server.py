"""``thekiz serve``: an SSH server on asyncssh for a host where no one can configure sshd.

It accepts the grants that ``thekiz access grant`` writes; the key decides who you are,
the SSH user name does not matter. Every session runs ``thekiz --db DB session --as
COACH`` (the same policy as sshd's forced command) in its own process: on its own
pseudo-terminal when the client asked for one, else on plain pipes, with the client's
command in ``SSH_ORIGINAL_COMMAND``. Limits: an idle timeout, a maximum number of
sessions, a login timeout. One log line per event (see ``serverlog``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from store.paths import Signature, signature

from .child import Child, PipeChild, PtyChild, child_env
from .grants import Grant, decide, read_grants
from .serverlog import ConnectionLog

# Leaving a full-screen program that was ended from outside: the main screen back, the
# cursor shown, mouse reporting and bracketed paste off.
RESTORE_TERMINAL = b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l"
MAX_COMMAND = 8192  # characters: the allowed commands are short; the system's limit is not
NEEDS_TERMINAL = ("Der Planer braucht ein Terminal: bitte „ssh -t“ verwenden, oder einen "
                  "Befehl angeben (export, list, conflicts, report).")


@dataclass
class ServeOptions:
    db: Path
    authorized_keys: Path
    host: str = "127.0.0.1"
    port: int = 2222
    max_sessions: int = 20
    idle_timeout: float = 30.0  # minutes; 0: none
    login_timeout: float = 60.0  # seconds
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    def session_command(self, coach: str) -> list[str]:
        return [sys.executable, "-m", "thekiz_tui", "--db", str(self.db), "session",
                "--as", coach]


class GrantBook:
    """The grants of serve's store, read again whenever the file changes (a revoke holds
    for the next login). A line for another store counts as absent, and so does a line
    with a restriction serve cannot honour (one log line each time the file is read).
    Which line decides is sshd's rule (``grants.decide``). An unreadable file lets no
    one in."""

    def __init__(self, path: Path, log: ConnectionLog, db: Path) -> None:
        self.path = path
        self.log = log
        self.db = db
        self._stamp: Signature | None = None
        self._read = False
        self._grants: list[Grant] = []

    def find(self, fingerprint: str, peer_ip: str | None) -> Grant | None:
        """The grant sshd would use for this key from ``peer_ip`` now, or None."""
        self._refresh()
        return decide(self._grants, fingerprint, peer_ip, self.db, serve=True)

    def _refresh(self) -> None:
        try:
            stamp = signature(self.path)
        except OSError as error:
            self._fail(error)
            return
        if self._read and stamp == self._stamp:
            return
        try:
            grants = read_grants(self.path)
        except OSError as error:
            self._fail(error)
            return
        ours = [g for g in grants if g.for_store(self.db)]
        for grant in ours:
            cannot = grant.serve_cannot()
            if cannot is not None:
                self.log.event("grant-refused", coach=grant.coach, key=grant.fingerprint,
                               reason=f"serve kann {cannot} nicht umsetzen")
        self._grants = ours
        self._stamp, self._read = stamp, True
        self.log.event("grants", file=self.path, count=len(ours),
                       other_stores=len(grants) - len(ours))

    def _fail(self, error: OSError) -> None:
        self._grants, self._read = [], False
        self.log.event("grants-unreadable", file=self.path, error=error.strerror or error)


class Hub:
    """What the connections share: options, grants, log and the running sessions."""

    def __init__(self, options: ServeOptions, log: ConnectionLog) -> None:
        self.options = options
        self.log = log
        self.grants = GrantBook(options.authorized_keys, log, options.db)
        self.sessions: set[Session] = set()
        self.stopping = False

    def stop_all(self) -> None:
        self.stopping = True
        for session in list(self.sessions):
            session.finish("shutdown", "Der Server wird beendet.")


class GrantServer(asyncssh.SSHServer):
    """One connection: public keys only, checked against the grants."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.grant: Grant | None = None
        self.user = ""
        self.peer = "?"
        self.peer_ip: str | None = None
        self.offered: list[str] = []
        self.authenticated = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        if peer:
            self.peer = f"{peer[0]}:{peer[1]}"
            self.peer_ip = str(peer[0])

    def connection_lost(self, exc: Exception | None) -> None:
        if self.authenticated:
            assert self.grant is not None
            self.hub.log.event("logout", coach=self.grant.coach, key=self.grant.fingerprint,
                               peer=self.peer, error=exc or "")
        else:
            if self.offered:
                reason = "kein gewährter Schlüssel"
            elif exc is not None and "timeout" in str(exc).lower():
                reason = "Anmeldezeit abgelaufen"
            else:
                reason = str(exc) if exc else "ohne Anmeldung getrennt"
            self.hub.log.event("refused", peer=self.peer, user=self.user, reason=reason,
                               keys=",".join(self.offered))

    def begin_auth(self, username: str) -> bool:
        self.user = username
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        self.grant = self.hub.grants.find(fingerprint, self.peer_ip)
        if self.grant is None and fingerprint not in self.offered:
            self.offered.append(fingerprint)
        return self.grant is not None

    def auth_completed(self) -> None:
        assert self.grant is not None
        self.authenticated = True
        self.hub.log.event("login", coach=self.grant.coach, key=self.grant.fingerprint,
                           peer=self.peer, user=self.user)

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        assert self.grant is not None
        return Session(self.hub, self.grant, self.peer)


class Session(asyncssh.SSHServerSession[bytes]):
    """One SSH session: its process, its idle timer, and how it ended."""

    def __init__(self, hub: Hub, grant: Grant, peer: str) -> None:
        self.hub = hub
        self.grant = grant
        self.peer = peer
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.child: Child | None = None
        self.ended: tuple[str, str] | None = None  # reason, the line told to the client
        self.closed = False
        self.last_input = time.monotonic()
        self.idle_timer: asyncio.TimerHandle | None = None
        self.task: asyncio.Task[None] | None = None

    # -- asyncssh's callbacks ---------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: Any) -> bool:
        self.term = term_type or "xterm-256color"
        if term_size[0] > 0 and term_size[1] > 0:
            self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        self.command = None
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # no sftp, nothing but thekiz

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.last_input = time.monotonic()
        if self.child is not None:
            self.child.write(data)

    def eof_received(self) -> bool:
        if self.child is not None:
            self.child.end_of_input()
        return True  # keep sending the output

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        if width > 0 and height > 0:
            self.size = (width, height)
            if self.child is not None:
                self.child.resize(width, height)

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause()

    def resume_writing(self) -> None:
        if self.child is not None:
            self.child.resume()

    def break_received(self, msec: int) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.finish("disconnect", "")

    # -- running -------------------------------------------------------------------------

    def finish(self, reason: str, message: str) -> None:
        """End the session from outside: its process gets SIGHUP (SIGKILL if it lingers),
        the client ``message`` once it has gone."""
        if self.ended is None:
            self.ended = (reason, message)
        if self.child is not None:
            self.child.end()

    def _refusal(self) -> str | None:
        if self.hub.stopping:
            return "Der Server wird beendet."
        if self.term is None and self.command is None:
            return NEEDS_TERMINAL
        if len(self.command or "") > MAX_COMMAND or "\0" in (self.command or "") + (
                self.term or ""):
            # (the process could not be started with them in its environment)
            return (f"Der Befehl ist nicht lesbar (ein Nullbyte, oder länger als "
                    f"{MAX_COMMAND} Zeichen).")
        limit = self.hub.options.max_sessions
        if len(self.hub.sessions) >= limit:
            return (f"Zu viele Sitzungen gleichzeitig (höchstens {limit}). Bitte später "
                    "noch einmal versuchen.")
        return None

    async def _run(self) -> None:
        log = self.hub.log
        who = {"coach": self.grant.coach, "key": self.grant.fingerprint, "peer": self.peer}
        began = time.monotonic()
        status = 1
        refusal = self._refusal()
        if refusal is not None:
            log.event("session-refused", **who, reason=refusal)
            self._say(refusal)
            self._close(2)
            return
        self.hub.sessions.add(self)
        kind = self._kind()
        try:
            self.child = self._make_child()
            env = child_env(self.hub.options.env, term=self.term, command=self.command)
            await self.child.start(self.hub.options.session_command(self.grant.coach), env)
            log.event("session", **who, kind=kind, pid=self.child.pid)
            self._arm_idle()
            if self.ended is not None:  # the client left while the process started
                self.child.end()
            status = await self.child.wait()
            reason = self.ended[0] if self.ended else "exit"
        except Exception as error:  # a broken session never takes the server down
            reason = f"error: {type(error).__name__}: {error}"
            self._say("Die Sitzung ist auf dem Server abgebrochen.")
            if self.child is not None:
                self.child.end()
        finally:
            self.hub.sessions.discard(self)
            if self.idle_timer is not None:
                self.idle_timer.cancel()
        if self.ended and self.ended[1]:
            self._say(self.ended[1])
        log.event("end", **who, kind=kind, reason=reason, status=_status_text(status),
                  seconds=round(time.monotonic() - began))
        self._close(status)

    def _kind(self) -> str:
        if self.command is None:
            return "planner"
        words = self.command.split()
        return f"command:{words[0][:40] if words else ''}"

    def _make_child(self) -> Child:
        if self.term is not None:
            return PtyChild(self._output, self._output, *self.size)
        return PipeChild(self._output, self._errors)

    def _output(self, data: bytes) -> None:
        if not self.closed and self.chan is not None:
            self.chan.write(data)

    def _errors(self, data: bytes) -> None:
        if not self.closed and self.chan is not None:
            self.chan.write_stderr(data)

    def _say(self, line: str) -> None:
        """A German line for the client: on the screen after the program, or on stderr."""
        if self.closed or self.chan is None:
            return
        if self.term is not None:
            self.chan.write(RESTORE_TERMINAL + f"\r\nthekiz: {line}\r\n".encode())
        else:
            self.chan.write_stderr(f"thekiz: {line}\n".encode())

    def _close(self, status: int) -> None:
        if self.closed or self.chan is None:
            return
        self.closed = True
        try:
            if status < 0:
                self.chan.exit_with_signal(signal.Signals(-status).name.removeprefix("SIG"))
            else:
                self.chan.exit(min(status, 255))
        except (OSError, ValueError, asyncssh.Error):
            self.chan.close()

    def _arm_idle(self) -> None:
        limit = self.hub.options.idle_timeout * 60
        if limit <= 0:
            return
        idle = time.monotonic() - self.last_input
        if idle >= limit:
            minutes = self.hub.options.idle_timeout
            shown = f"{minutes:g} Minute" + ("" if minutes == 1 else "n")
            self.finish("idle", f"Die Sitzung wurde nach {shown} ohne Eingabe beendet.")
            return
        loop = asyncio.get_running_loop()
        self.idle_timer = loop.call_later(limit - idle, self._arm_idle)


def _status_text(status: int) -> str:
    if status < 0:
        return signal.Signals(-status).name
    return str(status)


async def _serve(options: ServeOptions, host_key: asyncssh.SSHKey, log: ConnectionLog,
                 announce: list[str]) -> int:
    from ..commands.common import bad

    hub = Hub(options, log)
    try:
        server = await asyncssh.create_server(
            lambda: GrantServer(hub), options.host, options.port,
            server_host_keys=[host_key], line_editor=False, encoding=None,
            login_timeout=options.login_timeout, keepalive_interval=60,
            keepalive_count_max=3, agent_forwarding=False, x11_forwarding=False,
            allow_scp=False, password_auth=False, kbdint_auth=False, gss_host=None)
    except OSError as error:
        bad(f"Kann auf {options.host}:{options.port} keinen SSH-Server öffnen: "
            f"{_os_reason(error)}")
    port = server.get_port()
    sys.stdout.write("".join(f"{line}\n" for line in announce))
    sys.stdout.write(f"thekiz serve: lauscht auf {options.host}:{port} (Zugänge: "
                     f"{options.authorized_keys}, Datenbank: {options.db})\n")
    sys.stdout.flush()
    log.event("start", host=options.host, port=port, pid=os.getpid())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    hub.grants.find("", None)  # read them once now, so the log names the file and the count
    await stop.wait()
    server.close()
    hub.stop_all()
    tasks = [s.task for s in hub.sessions if s.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=10)
    with contextlib.suppress(TimeoutError):  # a client that lingers without a session
        await asyncio.wait_for(server.wait_closed(), 10)
    log.event("stop", pid=os.getpid())
    return 0


def _os_reason(error: OSError) -> str:
    import errno

    reasons = {errno.EADDRINUSE: "die Adresse ist schon belegt.",
               errno.EACCES: "keine Berechtigung (Ports unter 1024 brauchen root).",
               errno.EADDRNOTAVAIL: "diese Adresse gibt es auf diesem Rechner nicht."}
    return reasons.get(error.errno or 0, error.strerror or str(error))


def serve(options: ServeOptions, host_key_path: Path, log: ConnectionLog) -> int:
    """Run until SIGTERM, SIGINT or SIGHUP; their sessions are ended first."""
    import logging

    from .hostkey import load_host_key

    logging.getLogger("asyncssh").setLevel(logging.CRITICAL)  # our own log says what counts
    key, created = load_host_key(host_key_path)
    made = " (neu erzeugt)" if created else ""
    announce = [f"thekiz serve: Host-Schlüssel {key.get_fingerprint('sha256')} "
                f"in {host_key_path}{made}"]
    return asyncio.run(_serve(options, key, log, announce))

