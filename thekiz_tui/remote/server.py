"""``thekiz serve``: an SSH server on asyncssh for a host where no one can configure sshd.

It accepts the grants that ``thekiz access grant`` writes; the key decides who you are,
the SSH user name does not matter. Every session runs ``thekiz --db DB session --as
COACH`` (the same policy as sshd's forced command) in its own process: on its own
pseudo-terminal when the client asked for one, else on plain pipes, with the client's
command in ``SSH_ORIGINAL_COMMAND``. One log line per event (see ``serverlog``).

What one client may take of the shared server is bounded: sessions in all and per coach,
connections without a login in all and per address (more are closed before any work),
the time to log in, to open a session and between inputs, the terminal's size
(``termsize``), and the input waiting for a session's process (the channel is paused).
Every connection's grant is checked again every few seconds: a revoke ends its sessions
and the connection.
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

from ..i18n import tr, trn
from ..termsize import clamp
from .child import INPUT_HIGH, Child, PipeChild, PtyChild, child_env
from .grants import Grant, decide, read_grants
from .serverlog import ConnectionLog, QuietLog

# Leaving a full-screen program that was ended from outside: the main screen back, the
# cursor shown, mouse reporting and bracketed paste off.
RESTORE_TERMINAL = b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l"
MAX_COMMAND = 8192  # characters: the allowed commands are short; the system's limit is not
GRANT_CHECK = 2.0  # seconds between the checks of every open connection's grant
QUIET_INTERVAL = 60.0  # seconds: at most one refusal line per address, one per loop error
REVOKED = "Der Zugang wurde widerrufen; die Sitzung ist beendet."
NEEDS_TERMINAL = ("Der Planer braucht ein Terminal: bitte „ssh -t“ verwenden, oder einen "
                  "Befehl angeben (export, list, conflicts, report).")


@dataclass
class ServeOptions:
    db: Path
    authorized_keys: Path
    host: str = "127.0.0.1"
    port: int = 2222
    max_sessions: int = 20
    max_sessions_per_coach: int = 3
    idle_timeout: float = 30.0  # minutes; 0: none
    login_timeout: float = 60.0  # seconds
    no_session_timeout: float = 60.0  # seconds a logged-in connection may hold no session
    max_unauthenticated: int = 50  # connections not logged in yet, from all addresses
    max_unauthenticated_per_address: int = 10
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
        import errno

        if self._read and error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOMEM):
            # The server is out of descriptors for a moment (a flood): that says nothing
            # about the grants, so the last ones read stay (a revoke holds once it can be
            # read); a missing or unreadable file lets no one in.
            return
        self._grants, self._read = [], False
        self.log.event("grants-unreadable", file=self.path, error=error.strerror or error)


class Hub:
    """What the connections share: options, grants, log, the logged-in connections and
    the running sessions, and the count of connections not logged in yet."""

    def __init__(self, options: ServeOptions, log: ConnectionLog) -> None:
        self.options = options
        self.log = log
        self.quiet = QuietLog(log, QUIET_INTERVAL)
        self.grants = GrantBook(options.authorized_keys, log, options.db)
        self.connections: set[GrantServer] = set()  # logged in
        self.sessions: set[Session] = set()
        self.unauthenticated: dict[str, int] = {}  # by the peer's address
        self.stopping = False

    def admit(self, peer_ip: str) -> bool:
        """Whether one more connection from ``peer_ip`` may try to log in (then counted
        until :meth:`logged_in_or_gone`)."""
        options = self.options
        if (sum(self.unauthenticated.values()) >= options.max_unauthenticated
                or self.unauthenticated.get(peer_ip, 0)
                >= options.max_unauthenticated_per_address):
            return False
        self.unauthenticated[peer_ip] = self.unauthenticated.get(peer_ip, 0) + 1
        return True

    def logged_in_or_gone(self, peer_ip: str) -> None:
        left = self.unauthenticated.get(peer_ip, 0) - 1
        if left > 0:
            self.unauthenticated[peer_ip] = left
        else:
            self.unauthenticated.pop(peer_ip, None)

    def check_grants(self) -> None:
        """Ends the connections whose grant was revoked (or now names another coach)."""
        for server in list(self.connections):
            assert server.grant is not None
            now = self.grants.find(server.grant.fingerprint, server.peer_ip)
            if now is None or now.coach != server.grant.coach:
                server.revoke()

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(GRANT_CHECK)
            try:
                self.check_grants()
                self.quiet.summary("refused-summary")
            except Exception as error:  # the watch never ends while the server runs
                self.quiet.event("watch", "server-error", error=repr(error))

    def loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio's errors (a failing ``accept`` when descriptors run out, retried every
        second) as a line per kind and interval, not a traceback per attempt."""
        message = str(context.get("message") or "")
        error = context.get("exception")
        self.quiet.event(f"loop:{message}", "server-error", message=message,
                         error=f"{type(error).__name__}: {error}" if error else None)

    def stop_all(self) -> None:
        self.stopping = True
        for session in list(self.sessions):
            session.finish("shutdown", tr("Der Server wird beendet."))


class GrantServer(asyncssh.SSHServer):
    """One connection: public keys only, checked against the grants."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.grant: Grant | None = None
        self.user = ""
        self.peer = "?"
        self.peer_ip = "?"
        self.offered: list[str] = []
        self.counted = False  # among the connections not logged in yet
        self.authenticated = False
        self.revoked = False
        self.sessions: set[Session] = set()  # running
        self.unused_timer: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        if peer:
            self.peer, self.peer_ip = f"{peer[0]}:{peer[1]}", str(peer[0])
        self.counted = self.hub.admit(self.peer_ip)
        if not self.counted:
            # Closed before the server sends a byte or computes a key exchange.
            self.hub.quiet.event(self.peer_ip, "refused", peer=self.peer,
                                 reason="zu viele Verbindungen ohne Anmeldung")
            conn.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_unused_timer()
        self.hub.connections.discard(self)
        if self.counted:
            self.counted = False
            self.hub.logged_in_or_gone(self.peer_ip)
        elif not self.authenticated:
            return  # refused on arrival, and said so then
        if self.authenticated:
            assert self.grant is not None
            self.hub.log.event("logout", coach=self.grant.coach, key=self.grant.fingerprint,
                               peer=self.peer, error=exc or "")
            return
        if self.offered:
            reason = "kein gewährter Schlüssel"
        elif exc is not None and "timeout" in str(exc).lower():
            reason = "Anmeldezeit abgelaufen"
        else:
            reason = str(exc) if exc else "ohne Anmeldung getrennt"
        self.hub.quiet.event(self.peer_ip, "refused", peer=self.peer, user=self.user,
                             reason=reason, keys=",".join(self.offered))

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
        if self.counted:
            self.counted = False
            self.hub.logged_in_or_gone(self.peer_ip)
        self.hub.connections.add(self)
        self.hub.log.event("login", coach=self.grant.coach, key=self.grant.fingerprint,
                           peer=self.peer, user=self.user)
        self._start_unused_timer()

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        assert self.grant is not None
        return Session(self)

    # -- its sessions, and how it ends -------------------------------------------------

    def session_began(self, session: Session) -> None:
        self.sessions.add(session)
        self._stop_unused_timer()

    def session_ended(self, session: Session) -> None:
        self.sessions.discard(session)
        if self.sessions:
            return
        if self.revoked or self.hub.stopping:
            self.close()
        else:
            self._start_unused_timer()

    def revoke(self) -> None:
        """The grant is gone: its sessions end with a line saying so, then the
        connection (a multiplexing client, ControlMaster, keeps no way in)."""
        if self.revoked:
            return
        self.revoked = True
        assert self.grant is not None
        self.hub.log.event("revoked", coach=self.grant.coach, key=self.grant.fingerprint,
                           peer=self.peer, sessions=len(self.sessions))
        for session in list(self.sessions):
            session.finish("revoked", tr(REVOKED))
        if not self.sessions:
            self.close()

    def _start_unused_timer(self) -> None:
        limit = self.hub.options.no_session_timeout
        if limit > 0 and self.unused_timer is None:
            self.unused_timer = asyncio.get_running_loop().call_later(limit, self._unused)

    def _stop_unused_timer(self) -> None:
        if self.unused_timer is not None:
            self.unused_timer.cancel()
            self.unused_timer = None

    def _unused(self) -> None:
        self.unused_timer = None
        if self.sessions or self.grant is None:
            return
        self.hub.log.event("closed", coach=self.grant.coach, key=self.grant.fingerprint,
                           peer=self.peer, reason="keine Sitzung geöffnet")
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class Session(asyncssh.SSHServerSession[bytes]):
    """One SSH session: its process, its idle timer, and how it ended."""

    def __init__(self, owner: GrantServer) -> None:
        assert owner.grant is not None
        self.owner = owner
        self.hub = owner.hub
        self.grant = owner.grant
        self.peer = owner.peer
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.child: Child | None = None
        self.ended: tuple[str, str] | None = None  # reason, the line told to the client
        self.closed = False
        self.held = False  # reading paused: its process has not taken the input before
        self.ever_held = False
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
            self.size = clamp(term_size[0], term_size[1])
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
        child = self.child
        if child is None:
            return
        child.write(data)
        if not self.held and child.input_waiting() > INPUT_HIGH and self.chan is not None:
            self.held = True
            self.chan.pause_reading()
            if not self.ever_held:
                self.ever_held = True
                self.hub.log.event("input-held", coach=self.grant.coach, peer=self.peer,
                                   waiting=child.input_waiting())
            child.when_drained(self._input_drained)

    def _input_drained(self) -> None:
        self.held = False
        if not self.closed and self.chan is not None:
            self.chan.resume_reading()

    def eof_received(self) -> bool:
        if self.child is not None:
            self.child.end_of_input()
        return True  # keep sending the output

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        if width > 0 and height > 0:
            self.size = clamp(width, height)
            if self.child is not None:
                self.child.resize(*self.size)

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
            return tr("Der Server wird beendet.")
        if self.owner.revoked:
            return tr(REVOKED)
        if self.term is None and self.command is None:
            return tr(NEEDS_TERMINAL)
        if len(self.command or "") > MAX_COMMAND or "\0" in (self.command or "") + (
                self.term or ""):
            # (the process could not be started with them in its environment)
            return tr("Der Befehl ist nicht lesbar (ein Nullbyte, oder länger als "
                      "{most} Zeichen).", most=MAX_COMMAND)
        options = self.hub.options
        limit = options.max_sessions_per_coach
        if sum(s.grant.coach == self.grant.coach for s in self.hub.sessions) >= limit:
            return trn("Sie haben schon {n} Sitzung offen (höchstens {n} je Person). Bitte "
                       "zuerst diese beenden.", "Sie haben schon {n} Sitzungen offen (höchstens "
                       "{n} je Person). Bitte zuerst eine davon beenden.", limit)
        if len(self.hub.sessions) >= options.max_sessions:
            return tr("Zu viele Sitzungen gleichzeitig (höchstens {most}). "
                      "Bitte später noch einmal versuchen.", most=options.max_sessions)
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
        self.owner.session_began(self)
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
            self._say(tr("Die Sitzung ist auf dem Server abgebrochen."))
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
        self.owner.session_ended(self)

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
        """A line for the client (in serve's language): on the screen after the program,
        or on stderr."""
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
            self.finish("idle", trn(
                "Die Sitzung wurde nach {minutes} Minute ohne Eingabe beendet.",
                "Die Sitzung wurde nach {minutes} Minuten ohne Eingabe beendet.",
                1 if minutes == 1 else 2, minutes=f"{minutes:g}"))
            return
        loop = asyncio.get_running_loop()
        self.idle_timer = loop.call_later(limit - idle, self._arm_idle)


def _status_text(status: int) -> str:
    if status < 0:
        return signal.Signals(-status).name
    return str(status)


async def _serve(options: ServeOptions, host_key: asyncssh.SSHKey, log: ConnectionLog,
                 announce: list[str]) -> int:
    from ..errors import bad

    hub = Hub(options, log)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(hub.loop_error)
    try:
        server = await asyncssh.create_server(
            lambda: GrantServer(hub), options.host, options.port,
            server_host_keys=[host_key], line_editor=False, encoding=None,
            login_timeout=options.login_timeout, keepalive_interval=60,
            keepalive_count_max=3, agent_forwarding=False, x11_forwarding=False,
            allow_scp=False, password_auth=False, kbdint_auth=False, gss_host=None)
    except OSError as error:
        bad(tr("Kann auf {host}:{port} keinen SSH-Server öffnen: {reason}",
               host=options.host, port=options.port, reason=_os_reason(error)))
    stop = asyncio.Event()  # (before the announcement: a SIGTERM right after it counts)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    port = server.get_port()
    sys.stdout.write("".join(f"{line}\n" for line in announce))
    sys.stdout.write(tr("thekiz serve: lauscht auf {host}:{port} (Zugänge: {keys}, "
                        "Datenbank: {db})", host=options.host, port=port,
                        keys=options.authorized_keys, db=options.db) + "\n")
    sys.stdout.flush()
    log.event("start", host=options.host, port=port, pid=os.getpid())
    hub.grants.find("", None)  # read them once now, so the log names the file and the count
    watch = loop.create_task(hub.watch())
    await stop.wait()
    watch.cancel()
    server.close()
    hub.stop_all()
    tasks = [s.task for s in hub.sessions if s.task is not None]
    if tasks:
        await asyncio.wait(tasks, timeout=10)
    for connection in list(hub.connections):  # (a multiplexing client holds on to it)
        connection.close()
    with contextlib.suppress(TimeoutError):  # a client that lingers without a session
        await asyncio.wait_for(server.wait_closed(), 10)
    log.event("stop", pid=os.getpid())
    return 0


def _os_reason(error: OSError) -> str:
    import errno

    reasons = {errno.EADDRINUSE: tr("die Adresse ist schon belegt."),
               errno.EACCES: tr("keine Berechtigung (Ports unter 1024 brauchen root)."),
               errno.EADDRNOTAVAIL: tr("diese Adresse gibt es auf diesem Rechner nicht.")}
    return reasons.get(error.errno or 0, error.strerror or str(error))


def serve(options: ServeOptions, host_key_path: Path, log: ConnectionLog) -> int:
    """Run until SIGTERM, SIGINT or SIGHUP; their sessions are ended first."""
    import logging

    from .hostkey import load_host_key

    logging.getLogger("asyncssh").setLevel(logging.CRITICAL)  # our own log says what counts
    key, created = load_host_key(host_key_path)
    values = {"fingerprint": key.get_fingerprint("sha256"), "path": host_key_path}
    announce = [tr("thekiz serve: Host-Schlüssel {fingerprint} in {path} (neu erzeugt)",
                   **values) if created else
                tr("thekiz serve: Host-Schlüssel {fingerprint} in {path}", **values)]
    return asyncio.run(_serve(options, key, log, announce))

