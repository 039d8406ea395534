"""Route 1 end to end: the real OpenSSH server on loopback with the grants of
``thekiz access grant``, and the real ``ssh`` client.

sshd runs in the foreground (``-D -e``) on 127.0.0.1 and a free port, with its own
configuration and host key in a temporary folder; ``AuthorizedKeysFile`` is the file that
``thekiz access grant`` wrote. The client logs in as the user running the tests (root in
CI) with a key of its own, checks the host key against a known_hosts file, and never asks
anything (``BatchMode``). The planner is read from a pseudo-terminal through pyte.

sshd starts the session with a clean environment; ``SetEnv`` gives it the fixed day of the
tests (and no user config file), as an admin's ``SetEnv`` gives it colours, and a re-check
of each session's grant every second (``THEKIZ_GRANT_RECHECK_SECONDS``; 30 by default).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pwd
import re
import select
import shlex
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import need_program
from helpers.team import ANNA_SEES, make_team, new_key, readme_blocks, readme_lines, thekiz
from icalendar import Calendar

from thekiz_tui.remote.grants import coach_of_command, read_grants
from thekiz_tui.remote.server import GrantBook
from thekiz_tui.remote.serverlog import ConnectionLog
from thekiz_tui.remote.session import NOT_GRANTED, REVOKED

pytestmark = pytest.mark.external

TODAY = "2026-11-09"  # a Monday: the agenda starts here and shows the rest of November
START = 30.0  # seconds for sshd to listen
STEP = 180.0  # seconds for any screen state or command (an upper bound); ~1 s when quiet
WIDTH, HEIGHT = 100, 30

CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {folder}/host_ed25519
PidFile none
UsePAM no
StrictModes no
AuthorizedKeysFile {folder}/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers {user}
SetEnv THEKIZ_TODAY={today} THEKIZ_CONFIG=/dev/null THEKIZ_GRANT_RECHECK_SECONDS=1
Subsystem sftp internal-sftp
LogLevel VERBOSE
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    folder: Path
    db: Path
    port: int
    user: str
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> str:
        return (self.folder / "sshd.log").read_text(errors="replace")

    def ssh(self, key: str, *extra: str) -> list[str]:
        """The ``ssh`` command line for a login with ``folder/key``."""
        return [
            need_program("ssh"), "-F", "/dev/null", "-p", str(self.port),
            "-i", str(self.folder / key), "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=30", "-o", "LogLevel=ERROR",
            *extra, f"{self.user}@127.0.0.1",
        ]

    def run(self, key: str, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.ssh(key), *command], capture_output=True, text=True,
                              timeout=STEP, stdin=subprocess.DEVNULL, env=client_env())


def client_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("THEKIZ_", "SSH_"))}
    env["TERM"] = "xterm-256color"
    return env


def _start_sshd(folder: Path, port: int, user: str) -> subprocess.Popen[bytes]:
    sshd = need_program("sshd")
    config = folder / "sshd_config"
    config.write_text(CONFIG.format(port=port, folder=folder, user=user, today=TODAY))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privsep folder
    log = (folder / "sshd.log").open("wb")
    return subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_program("ssh")
    keygen = need_program("ssh-keygen")
    folder = tmp_path_factory.mktemp("sshd")
    folder.chmod(0o755)
    db = make_team(folder / "plan.json")
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "host",
                    "-f", str(folder / "host_ed25519")], check=True)
    for name in ("anna", "clara", "stranger"):
        new_key(folder, name)
    for name in ("anna", "clara"):
        granted = thekiz("--db", str(db), "access", "grant", name, str(folder / f"{name}.pub"),
                         "--authorized-keys", str(folder / "authorized_keys"))
        assert granted.returncode == 0, granted.stderr
    user = pwd.getpwuid(os.getuid()).pw_name
    port = free_port()
    host_key = (folder / "host_ed25519.pub").read_text().split()
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
    process = _start_sshd(folder, port, user)
    server = Server(folder, db, port, user, process)
    try:
        deadline = time.monotonic() + START
        while "Server listening" not in server.log:
            if process.poll() is not None or time.monotonic() > deadline:
                reason = server.log.strip().splitlines()[-1:] or ["no output"]
                if os.environ.get("THEKIZ_REQUIRE_EXTERNAL"):
                    pytest.fail(f"sshd did not start: {reason[0]}\n{server.log}")
                pytest.skip(f"sshd cannot run here: {reason[0]}")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- commands over ssh ----------------------------------------------------------------


def test_export_streams_only_her_events_as_icalendar(server: Server) -> None:
    result = server.run("anna", "export")
    assert result.returncode == 0, (result.stderr, server.log[-2000:])
    calendar = Calendar.from_ical(result.stdout)
    assert {str(e["X-THEKIZ-ID"]) for e in calendar.walk("VEVENT")} == ANNA_SEES
    # The request is what the client typed, split as words: the window narrows it.
    narrow = server.run("anna", "export", "--from", "1.11.2026", "--to", "12.11.2026")
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(narrow.stdout).walk("VEVENT")] == [
        "Begleitung Wiesengrund"]


def test_list_runs_as_her_and_a_coordinator_may_choose(server: Server) -> None:
    window = ("--from", "1.11.2026", "--to", "30.11.2026", "--format", "json")
    mine = server.run("anna", "list", *window)
    assert mine.returncode == 0, mine.stderr
    assert {row["id"] for row in json.loads(mine.stdout)} == ANNA_SEES
    berts = server.run("clara", "list", "--coach", "bert", *window)
    assert berts.returncode == 0, berts.stderr
    assert {row["id"] for row in json.loads(berts.stdout)} >= {"ev-bert", "ev-fachtag"}


def test_a_key_that_was_not_granted_is_refused(server: Server) -> None:
    result = server.run("stranger", "export")
    assert result.returncode == 255
    assert "Permission denied" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", [
    ("bash", "-c", "id"),
    ("id",),
    ("export;", "id"),
    ("export", "--coach", "bert"),
    ("export", "-o", "/tmp/thekiz-sshd-test.ics"),
])
def test_no_shell_and_no_other_command(server: Server, command: tuple[str, ...]) -> None:
    result = server.run("anna", *command)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "uid=" not in result.stdout + result.stderr
    assert "BEGIN:VCALENDAR" not in result.stdout
    assert result.stderr.startswith("thekiz: ") and result.stderr.count("\n") == 1
    assert not Path("/tmp/thekiz-sshd-test.ics").exists()


def test_no_subsystem_and_no_forwarding(server: Server) -> None:
    """``restrict`` and the forced command leave nothing but thekiz: no sftp, no tunnel
    to another port of the server."""
    # sshd runs the forced command instead of sftp; it refuses (exit 2; sshd drops the
    # stderr of a subsystem) and no sftp protocol comes back.
    sftp = subprocess.run([*server.ssh("anna", "-s"), "sftp"], capture_output=True,
                          timeout=STEP, stdin=subprocess.DEVNULL, env=client_env())
    assert sftp.returncode == 2, (sftp.stdout, sftp.stderr)
    assert sftp.stdout == b""
    tunnel = subprocess.run([*server.ssh("anna", "-W", f"127.0.0.1:{server.port}")],
                            capture_output=True, timeout=STEP, stdin=subprocess.DEVNULL,
                            env=client_env())
    assert tunnel.returncode != 0
    assert b"SSH-2.0" not in tunnel.stdout  # sshd's own banner did not come through
    assert f"refused local port forward: originator 127.0.0.1 port 65535, target 127.0.0.1 " \
           f"port {server.port}" in server.log


# -- the planner over ssh -------------------------------------------------------------


class Terminal:
    """``ssh -tt`` on a pseudo-terminal of WIDTH x HEIGHT, its output read through pyte."""

    def __init__(self, command: list[str]) -> None:
        import fcntl
        import struct
        import termios

        import pyte

        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=client_env(), start_new_session=True)
        os.close(slave)

    @property
    def lines(self) -> list[str]:
        return list(self.screen.display)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: ssh has exited and closed the terminal
            return False
        if not data:
            return False
        self.stream.feed(data)
        return True

    def until(self, what: str, check: Callable[[Terminal], bool]) -> None:
        deadline = time.monotonic() + STEP
        while not check(self):
            open_ = self.read(0.1)
            if not open_:
                # ssh closed the terminal: it is exiting, but may not be reaped yet
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=STEP)
                if not check(self):
                    raise AssertionError(f"ssh ended before {what}; the screen:\n{self.text}")
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {STEP} s; the screen:\n{self.text}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            self.process.wait(timeout=STEP)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)
        return self.process.returncode


def test_a_granted_key_opens_the_planner_as_her(server: Server) -> None:
    terminal = Terminal(server.ssh("anna", "-tt"))
    try:
        terminal.until("the planner as Anna",
                       lambda t: "als Anna Beispiel" in t.lines[0] and "Beenden" in t.text)
        assert "November 2026" in terminal.text
        terminal.send("a")  # the agenda: titles in full, from today (9 November) on
        terminal.until("the agenda with her events, checked",
                       lambda t: "Begleitung Wiesengrund" in t.text
                       and "Arbeitskreis Ost" in t.text and "gesamt)" in t.text)
        for not_hers in ("Bergblick", "Fachtag Sozialraum"):
            assert not_hers not in terminal.text, terminal.text
        terminal.send("q")
        terminal.until("the end of the session", lambda t: t.process.poll() is not None)
    finally:
        status = terminal.close()
    assert status == 0, terminal.text


def test_the_planner_over_ssh_in_english_as_the_readme_shows(server: Server) -> None:
    # README: ssh -t thekiz@server thekiz --lang en (ssh itself would take a --lang
    # right after the host for one of its own options)
    terminal = Terminal([*server.ssh("anna", "-tt"), "thekiz", "--lang", "en"])
    try:
        terminal.until("the planner in English",
                       lambda t: "Anna Beispiel" in t.lines[0] and "Quit" in t.text)
        assert "November 2026" in terminal.text and "Beenden" not in terminal.text
        terminal.send("q")
        terminal.until("the end of the session", lambda t: t.process.poll() is not None)
    finally:
        status = terminal.close()
    assert status == 0, terminal.text


def test_the_planner_over_ssh_neither_writes_nor_reads_server_files(server: Server) -> None:
    """Export (``E``), import (``I``) and the report's PDF and CSV (``s``, ``x``) would take
    a path on the server: over SSH the planner says how to get the file instead, and no
    dialog asks for a path. Her home folder on the server stays as it was."""
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    before = sorted(p.name for p in home.iterdir())
    terminal = Terminal(server.ssh("anna", "-tt"))
    try:
        terminal.until("the planner as Anna",
                       lambda t: "als Anna Beispiel" in t.lines[0] and "Beenden" in t.text)
        for key, hint in (("E", "meine-termine.ics"), ("I", "Koordinationsstelle."),
                          ("r", None), ("s", "bericht.pdf"), ("x", "bericht.csv")):
            terminal.send(key)
            if hint is None:  # the report screen
                terminal.until("the report", lambda t: "Kita Wiesengrund" in t.text)
                continue
            terminal.until(f"the hint for {key}", lambda t, hint=hint: hint in t.text)
            assert "Nicht über SSH" in terminal.text, terminal.text
            for dialog in ("iCalendar (.ics)", "Vorschau", "CSV speichern unter",
                           "PDF speichern unter"):
                assert dialog not in terminal.text, (key, terminal.text)
        terminal.send("\x1b")
        terminal.until("the planner again", lambda t: "als Anna Beispiel" in t.lines[0])
        terminal.send("q")
        terminal.until("the end of the session", lambda t: t.process.poll() is not None)
    finally:
        status = terminal.close()
    assert status == 0, terminal.text
    assert sorted(p.name for p in home.iterdir()) == before


# -- a revoke and a multiplexed connection (ControlMaster) ------------------------------


@contextlib.contextmanager
def control_master(server: Server, key: str) -> Iterator[list[str]]:
    """An ``ssh -M`` master connection with ``key``; yields the options that run a
    session through it (no new login: sshd checks no key for it)."""
    folder = Path(tempfile.mkdtemp(prefix="tkmux", dir="/tmp"))  # a socket path is short
    socket_path = str(folder / "ctl")
    master = subprocess.Popen(server.ssh(key, "-M", "-S", socket_path, "-N"),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=client_env())
    via = ["-S", socket_path, "-o", "ControlMaster=no"]
    try:
        deadline = time.monotonic() + STEP
        while subprocess.run(server.ssh(key, *via, "-O", "check"), capture_output=True,
                             env=client_env(), timeout=STEP).returncode != 0:
            assert master.poll() is None, master.stderr.read() if master.stderr else ""
            assert time.monotonic() < deadline, "the master connection did not come up"
            time.sleep(0.1)
        yield via
    finally:
        master.terminate()
        try:
            master.wait(timeout=STEP)
        finally:
            if master.poll() is None:
                master.kill()
                master.wait()
            if master.stderr is not None:
                master.stderr.close()
            with contextlib.suppress(OSError):
                Path(socket_path).unlink()
            folder.rmdir()


def test_a_revoke_ends_the_sessions_of_a_multiplexed_connection(server: Server) -> None:
    """After ``access revoke``, the master connection still runs sessions without a new
    login: the forced command refuses a new one, and the running planner ends itself at
    its next re-check."""
    target = server.folder / "authorized_keys"
    public = new_key(server.folder, "mux")
    done = thekiz("--db", str(server.db), "access", "grant", "anna", str(public),
                  "--authorized-keys", str(target))
    assert done.returncode == 0, done.stderr
    fingerprint = next(g.fingerprint for g in read_grants(target)
                       if g.comment == "mux@laptop")
    with control_master(server, "mux") as via:
        def through_master(*command: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*server.ssh("mux", *via), *command], capture_output=True,
                                  text=True, timeout=STEP, stdin=subprocess.DEVNULL,
                                  env=client_env())

        assert through_master("list", "--format", "json").returncode == 0
        terminal = Terminal(server.ssh("mux", *via, "-tt"))
        try:
            terminal.until("the planner as Anna",
                           lambda t: "als Anna Beispiel" in t.lines[0] and "Beenden" in t.text)
            revoked = thekiz("--db", str(server.db), "access", "revoke", fingerprint,
                             "--authorized-keys", str(target))
            assert revoked.returncode == 0, revoked.stderr

            refused = through_master("list", "--format", "json")
            assert refused.returncode == 2, (refused.stdout, refused.stderr)
            assert refused.stdout == "" and NOT_GRANTED in refused.stderr
            terminal.until("the end of the revoked planner",
                           lambda t: REVOKED in t.text and t.process.poll() is not None)
        finally:
            status = terminal.close()
        assert status == 2, terminal.text
    assert server.run("anna", "list", "--format", "json").returncode == 0  # others stay


def test_sshd_and_serves_grant_book_pick_the_same_line(server: Server) -> None:
    """One key on four lines: sshd passes over the lines whose ``from=`` or
    ``expiry-time=`` refuse the client and takes the first that admits it, not the last;
    ``thekiz serve`` (its GrantBook) picks that same line."""
    target = server.folder / "authorized_keys"
    public = new_key(server.folder, "fourlines")
    done = thekiz("--db", str(server.db), "access", "grant", "bert", str(public),
                  "--authorized-keys", str(target))
    assert done.returncode == 0, done.stderr
    lines = target.read_text().splitlines()
    bert = next(line for line in lines if line.endswith("fourlines@laptop"))
    clara = bert.replace("--as bert", "--as clara")
    lines[lines.index(bert)] = "\n".join([
        clara.replace("restrict,", 'from="10.0.0.0/8",restrict,'),
        clara.replace("restrict,", 'expiry-time="20200101",restrict,'),
        bert.replace("--as bert", "--as anna"),
        bert,
    ])
    target.write_text("\n".join(lines) + "\n")

    listed = server.run("fourlines", "list", "--from", "1.11.2026", "--to", "30.11.2026",
                        "--format", "json")
    assert listed.returncode == 0, (listed.stderr, server.log[-2000:])
    assert {row["id"] for row in json.loads(listed.stdout)} == ANNA_SEES
    fingerprint = next(g.fingerprint for g in read_grants(target)
                       if g.comment == "fourlines@laptop")
    chosen = GrantBook(target, ConnectionLog(io.StringIO()), server.db).find(fingerprint,
                                                                            "127.0.0.1")
    assert chosen is not None and chosen.coach == "anna"


# -- the README for admins stays true --------------------------------------------------


def test_the_readme_sshd_config_blocks_are_valid(tmp_path: Path) -> None:
    sshd = need_program("sshd")
    keygen = need_program("ssh-keygen")
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "host")],
                   check=True)
    blocks = readme_blocks("sshd_config")
    assert len(blocks) == 2
    for block in blocks:
        config = tmp_path / "sshd_config"
        config.write_text(f"HostKey {tmp_path / 'host'}\nPidFile none\nUsePAM no\n{block}")
        checked = subprocess.run([sshd, "-t", "-f", str(config)], capture_output=True,
                                 text=True, timeout=STEP)
        assert checked.returncode == 0, (block, checked.stderr)
    forced = re.search(r"ForceCommand (.*)", blocks[1])
    assert forced is not None and coach_of_command(forced.group(1)) == "anna"


def test_the_readme_coach_commands_work_as_shown(server: Server, tmp_path: Path) -> None:
    """Every ``ssh thekiz@server …`` line of the README against the real sshd; the line
    without a command is the planner (``test_a_granted_key_opens_the_planner_as_her``)."""
    lines = readme_lines("ssh thekiz@server")
    assert "ssh thekiz@server" in lines
    commands = [shlex.split(line)[2:] for line in lines if line != "ssh thekiz@server"]
    assert [c[0] for c in commands] == ["export", "export", "report", "report"]
    for words in commands:
        command, _, target = (words[:words.index(">")], ">", words[-1]) if ">" in words else (
            words, "", "")
        if target.endswith(".pdf"):  # (bytes, not text)
            pdf = subprocess.run([*server.ssh("anna"), *command], capture_output=True,
                                 timeout=STEP, stdin=subprocess.DEVNULL, env=client_env())
            assert pdf.returncode == 0 and pdf.stdout.startswith(b"%PDF"), pdf.stderr
            continue
        result = server.run("anna", *command)
        assert result.returncode == 0, (words, result.stderr)
        if target.endswith(".ics"):
            assert Calendar.from_ical(result.stdout).name == "VCALENDAR"
        elif target.endswith(".csv"):
            assert "Kita Wiesengrund" in result.stdout and ";" in result.stdout
