"""``thekiz serve`` end to end: the real server as a subprocess on 127.0.0.1, real SSH
clients (asyncssh's and OpenSSH's ``ssh``), the screen read through a terminal emulator.

The grants are written by ``thekiz access grant``; the store is a small fictional one on
disk. Waits are generous; nothing here asserts a duration.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncssh
import pyte
import pytest

from store import Coach, Event, Kita, Store
from tests.conftest import need_program

TODAY = "2026-11-25"  # a Wednesday
STARTUP = 180.0  # seconds a planner may take to show on a busy machine (an upper bound only)
THEKIZ = [sys.executable, "-m", "thekiz_tui"]

# Fictional coaches, each with her Kita; the first two have an event of their own.
COACHES = [("anna", "Anna Beispiel"), ("bert", "Bert Muster"), ("carla", "Carla Probe"),
           ("dora", "Dora Platzhalter"), ("emil", "Emil Entwurf")]
KITAS = {"anna": "Kita Apfelbaum", "bert": "Kita Birkenhain", "carla": "Kita Clematis",
         "dora": "Kita Distelfink", "emil": "Kita Erlengrund"}
ANNA_EVENT = "Elterncafé Apfelbaum"
BERT_EVENT = "Teamtag Birkenhain"


def make_store(path: Path) -> None:
    store = Store.open(path)
    for cid, name in COACHES:
        store.add_coach(Coach(id=cid, name=name, rate=60.0))
        store.add_kita(Kita(id=f"kita-{cid}", name=KITAS[cid], district="Gotha",
                            stage="basis", since="2026-01-01", coach=cid))
    for cid, title, hour in (("anna", ANNA_EVENT, 9), ("bert", BERT_EVENT, 13)):
        store.add_event(Event(
            id=f"ev-{cid}", kind="begleitung", title=title, coaches=[cid], kita=f"kita-{cid}",
            start=f"{TODAY}T{hour:02d}:00:00+01:00", end=f"{TODAY}T{hour + 1:02d}:00:00+01:00"))


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*THEKIZ, "--db", str(db), *args], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "THEKIZ_TODAY": TODAY})


def make_key(folder: Path, name: str) -> Path:
    """An ed25519 key pair as OpenSSH keeps it: ``name`` (0600) and ``name.pub``."""
    key = asyncssh.generate_private_key("ssh-ed25519", comment=f"{name}@example.invalid")
    path = folder / name
    key.write_private_key(path)
    path.chmod(0o600)
    key.write_public_key(folder / f"{name}.pub")
    return path


def grant(db: Path, authorized_keys: Path, coach: str, key: Path) -> None:
    done = thekiz(db, "access", "grant", coach, f"{key}.pub",
                  "--authorized-keys", str(authorized_keys))
    assert done.returncode == 0, done.stderr


class Server:
    """``thekiz serve`` as a subprocess on a free port; its log in ``log_path``."""

    def __init__(self, cmd: list[str], log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None,
                 preexec_fn: Callable[[], None] | None = None) -> None:
        self.log_path = log_path
        self.proc = subprocess.Popen(
            [*cmd, "--log", str(log_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=cwd, env=env or {**os.environ, "THEKIZ_TODAY": TODAY},
            preexec_fn=preexec_fn)
        assert self.proc.stdout is not None
        self.stderr = ""  # what it wrote there, once stopped
        self.banner: list[str] = []
        for line in self.proc.stdout:
            self.banner.append(line)
            found = re.search(r"lauscht auf 127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                return
        raise AssertionError(f"thekiz serve did not start: {self.banner} "
                             f"{self.proc.stderr.read() if self.proc.stderr else ''}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def matches(self, pattern: str) -> list[re.Match[str]]:
        return list(re.finditer(pattern, self.log()))

    async def wait_log(self, pattern: str, count: int = 1,
                       timeout: float = 120.0) -> re.Match[str]:
        """The ``count``-th line that matches, once it is there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matches(pattern)
            if len(found) >= count:
                return found[count - 1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no log line {pattern!r} (#{count}) in:\n{self.log()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            if self.proc.stderr is not None and not self.proc.stderr.closed:
                self.stderr = self.proc.stderr.read()
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()


class Team:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "plan.json"
        self.authorized_keys = folder / "authorized_keys"
        make_store(self.db)
        self.keys = {cid: make_key(folder, cid) for cid, _ in COACHES}
        for cid, key in self.keys.items():
            grant(self.db, self.authorized_keys, cid, key)
        self.stranger = make_key(folder, "stranger")

    def serve(self, *extra: str, preexec_fn: Callable[[], None] | None = None) -> Server:
        return Server([*THEKIZ, "--db", str(self.db), "serve", "--port", "0",
                       "--host-key", str(self.folder / "host_key"), "--authorized-keys",
                       str(self.authorized_keys), *extra],
                      self.folder / f"serve-{time.monotonic_ns()}.log",
                      preexec_fn=preexec_fn)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team(tmp_path_factory.mktemp("team"))


@pytest.fixture(scope="module")
def server(team: Team) -> Iterator[Server]:
    served = team.serve()
    yield served
    assert served.stop() == 0, served.log()


async def connect(port: int, key: Path, user: str = "irgendwer") -> asyncssh.SSHClientConnection:
    return await asyncssh.connect("127.0.0.1", port, username=user, client_keys=[str(key)],
                                  known_hosts=None, agent_path=None, config=[])


class Screen:
    """A PTY session's output fed to pyte, read while the test waits on it."""

    def __init__(self, process: asyncssh.SSHClientProcess[bytes], columns: int,
                 lines: int) -> None:
        self.process = process
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(1 << 16)
            if not data:
                self.changed.set()
                return
            self.stream.feed(data)
            self.changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def until(self, what: str, check: Callable[[Screen], bool],
                    timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not check(self):
            if self.reader.done():
                break
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                break
        assert check(self), f"{what}: not on the screen:\n{self.text}"

    def send(self, keys: str) -> None:
        self.process.stdin.write(keys.encode())

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)
        self.process.change_terminal_size(columns, lines)


async def planner(conn: asyncssh.SSHClientConnection, columns: int = 100,
                  lines: int = 30) -> Screen:
    process = await conn.create_process(term_type="xterm-256color",
                                        term_size=(columns, lines), encoding=None)
    return Screen(process, columns, lines)


def top_bar(name: str) -> Callable[[Screen], bool]:
    return lambda s: f"als {name}" in s.screen.display[0]


# -- the tests ---------------------------------------------------------------------------


async def test_a_granted_key_opens_her_planner_which_follows_a_resize(
        team: Team, server: Server) -> None:
    async with await connect(server.port, team.keys["anna"]) as conn:
        screen = await planner(conn)
        await screen.until("the planner as Anna", top_bar("Anna Beispiel"), STARTUP)
        screen.send("a")  # the agenda lists whole titles
        await screen.until("her event in the agenda", lambda s: ANNA_EVENT in s.text)
        assert BERT_EVENT not in screen.text, screen.text

        def footer_on_last_line(lines: int) -> Callable[[Screen], bool]:
            return lambda s: "Beenden" in s.screen.display[lines - 1]

        def panel_edge(s: Screen) -> int:  # the column of the side panel's left edge
            return s.screen.display[1].find("▏")

        await screen.until("the footer on the last of 30 lines", footer_on_last_line(30))
        edge = panel_edge(screen)
        assert edge > 0, screen.text
        screen.resize(120, 40)
        await screen.until("the footer on the last of 40 lines", footer_on_last_line(40))
        await screen.until("the side panel moved right with the wider window",
                           lambda s: panel_edge(s) > edge)
        screen.send("q")
        await asyncio.wait_for(screen.process.wait(), 30)
        assert screen.process.exit_status == 0
    line = await server.wait_log(r"end coach=anna .*kind=planner reason=exit status=0")
    assert "ssh-ed25519 AAAA" not in server.log()
    assert line


async def test_five_concurrent_sessions_each_create_an_event(
        team: Team, server: Server) -> None:
    coaches = [cid for cid, _ in COACHES]

    async def create(cid: str) -> None:
        async with await connect(server.port, team.keys[cid]) as conn:
            screen = await planner(conn)
            name = dict(COACHES)[cid]
            await screen.until(f"the planner as {name}", top_bar(name), STARTUP)
            screen.send("n")
            await screen.until("the new event's form", lambda s: "Neuer Termin" in s.text)
            screen.send(f"Gleichzeitig {cid}")
            await screen.until("the title typed", lambda s: f"Gleichzeitig {cid}" in s.text)
            # Tab from the title: day, last day, all-day, start, end, coaches, Kita; and
            # part of her Kita's name, in one write (as a slow link delivers fast typing).
            screen.send("\t" * 7 + KITAS[cid][5:10].lower())
            await screen.until("her Kita suggested", lambda s: f"{KITAS[cid]} (Gotha)" in s.text)
            screen.send("\r")
            await screen.until("the form ready to save",
                               lambda s: "Bereit zum Speichern." in s.text)
            screen.send("\x13")  # ctrl+s
            await screen.until("the event saved", lambda s: "gespeichert" in s.text
                               and "Neuer Termin" not in s.text)
            screen.send("q")
            await asyncio.wait_for(screen.process.wait(), 30)

    await asyncio.gather(*(create(cid) for cid in coaches))
    listed = thekiz(team.db, "list", "--from", TODAY, "--to", TODAY, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    events = json.loads(listed.stdout)
    titles = {e["title"]: e for e in events}
    for cid in coaches:
        assert f"Gleichzeitig {cid}" in titles, sorted(titles)
        assert titles[f"Gleichzeitig {cid}"]["coaches"] == [cid]


async def test_a_key_that_was_not_granted_is_refused(team: Team, server: Server) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server.port, team.stranger)
    await server.wait_log(r"refused peer=127\.0\.0\.1:\d+ user=irgendwer "
                    r"reason='kein gewährter Schlüssel' keys=SHA256:")


async def test_a_revoked_key_is_refused_at_the_next_login(team: Team, server: Server) -> None:
    key = make_key(team.folder, "revoked")
    grant(team.db, team.authorized_keys, "carla", key)
    async with await connect(server.port, key) as conn:
        assert (await conn.run("list", check=False)).exit_status == 0
    done = thekiz(team.db, "access", "revoke", str(asyncssh.read_public_key(f"{key}.pub")
                                                    .get_fingerprint("sha256")),
                  "--authorized-keys", str(team.authorized_keys))
    assert done.returncode == 0, done.stderr
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server.port, key)


async def test_a_shell_without_a_terminal_is_refused(team: Team, server: Server) -> None:
    async with await connect(server.port, team.keys["anna"]) as conn:
        process = await conn.create_process(encoding=None)  # a shell, no PTY
        out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.exit_status not in (None, 0)
    assert b"braucht ein Terminal" in err
    assert out == b""


async def test_export_without_a_terminal_is_her_icalendar(team: Team, server: Server) -> None:
    from icalendar import Calendar

    async with await connect(server.port, team.keys["anna"]) as conn:
        result = await conn.run("export", encoding=None, check=False)
    assert result.exit_status == 0, result.stderr
    assert isinstance(result.stdout, bytes)
    calendar = Calendar.from_ical(result.stdout)
    titles = [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    assert ANNA_EVENT in titles
    assert BERT_EVENT not in titles


async def test_a_killed_session_leaves_the_server_serving(team: Team, server: Server) -> None:
    started = r"session coach=bert .*kind=planner pid=(\d+)"
    ended = r"end coach=bert .*reason=exit status=SIGKILL"
    before = len(server.matches(started))
    async with await connect(server.port, team.keys["bert"]) as conn:
        screen = await planner(conn)
        await screen.until("the planner as Bert", top_bar("Bert Muster"), STARTUP)
        pid = int((await server.wait_log(started, before + 1)).group(1))
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(screen.process.wait(), 30)
        assert screen.process.exit_signal is not None
        assert screen.process.exit_signal[0] == "KILL"
    await server.wait_log(ended)
    async with await connect(server.port, team.keys["bert"]) as conn:
        result = await conn.run("list", check=False)
    assert result.exit_status == 0, result.stderr
    assert server.proc.poll() is None


async def test_a_dropped_connection_ends_its_planner(team: Team, server: Server) -> None:
    started = r"session coach=emil .*kind=planner pid=(\d+)"
    before = len(server.matches(started))
    conn = await connect(server.port, team.keys["emil"])
    screen = await planner(conn)
    await screen.until("the planner as Emil", top_bar("Emil Entwurf"), STARTUP)
    pid = int((await server.wait_log(started, before + 1)).group(1))
    conn.abort()  # the laptop's lid closed: no goodbye
    await server.wait_log(r"end coach=emil .*reason=disconnect")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(pid):
        await asyncio.sleep(0.05)
    assert not _alive(pid), "the planner of a dropped connection still runs"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_idle_timeout_max_sessions_and_a_clean_stop(team: Team) -> None:
    served = team.serve("--idle-timeout", "0.05", "--max-sessions", "1",  # 3 seconds
                        "--login-timeout", "1")
    try:
        # A connection that never logs in is dropped after the login timeout.
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        banner = await asyncio.wait_for(reader.readline(), 30)
        assert banner.startswith(b"SSH-2.0-")
        assert await asyncio.wait_for(reader.read(), 30) == b""
        writer.close()
        await served.wait_log(r"refused peer=127\.0\.0\.1:\d+ reason='Anmeldezeit abgelaufen'")
        async with await connect(served.port, team.keys["dora"]) as conn:
            first = await planner(conn)
            second = await conn.create_process(term_type="xterm", term_size=(80, 24),
                                               encoding=None)
            out, _ = await asyncio.wait_for(second.communicate(), 30)
            assert b"Zu viele Sitzungen gleichzeitig" in out
            assert second.exit_status not in (None, 0)
            await first.until("the goodbye after idling",
                              lambda s: "ohne Eingabe beendet" in s.text, STARTUP)
            await asyncio.wait_for(first.process.wait(), 30)
        await served.wait_log(r"end coach=dora .*reason=idle")
        # SIGTERM ends the running sessions and the server, with exit status 0.
        async with await connect(served.port, team.keys["dora"]) as conn:
            running = await planner(conn)
            await running.until("the planner as Dora", top_bar("Dora Platzhalter"), STARTUP)
            assert served.stop() == 0, served.log()
            await running.until("the goodbye on stopping",
                                lambda s: "Der Server wird beendet." in s.text)
        assert re.search(r"end coach=dora .*reason=shutdown", served.log()), served.log()
        assert re.search(r"\bstop pid=", served.log()), served.log()
    finally:
        served.stop()


@pytest.mark.external
def test_the_real_ssh_client_exports_and_gets_no_shell(team: Team, server: Server) -> None:
    ssh = need_program("ssh")
    base = [ssh, "-p", str(server.port), "-i", str(team.keys["anna"]), "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            "coach@127.0.0.1"]
    done = subprocess.run([*base, "export"], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"BEGIN:VCALENDAR")
    assert ANNA_EVENT.encode() in done.stdout
    assert BERT_EVENT.encode() not in done.stdout
    shell = subprocess.run([*base, "bash", "-c", "id"], capture_output=True, text=True,
                           timeout=120, check=False)
    assert shell.returncode != 0
    assert "uid=" not in shell.stdout
    assert "nicht erlaubt" in shell.stderr


async def test_what_a_client_chooses_reaches_the_log_as_plain_text(
        team: Team, server: Server) -> None:
    """Its command may hold escape sequences (asyncssh refuses them in a user name): the
    log holds them as U+FFFD (``store.text.neutral``), so reading it in a terminal is
    safe. A command that no process could be started with is refused with a German line,
    not as a failure."""
    escape = "\x1b]0;owned\x07\x1b[2J"
    async with await connect(server.port, team.keys["dora"], user="dora") as conn:
        result = await conn.run(f"{escape}list", check=False)
        assert result.exit_status == 2, result
        assert "nicht erlaubt" in str(result.stderr)
        for bad in ("list\0--db=/tmp/x", "list --kita=" + "x" * 200_000):
            # (neither fits into a process's environment)
            result = await conn.run(bad, check=False)
            assert result.exit_status == 2, result
            assert "thekiz: Der Befehl ist nicht lesbar" in str(result.stderr), result
    await server.wait_log(r"end coach=dora .*kind='command:\ufffd\]0;owned\ufffd\ufffd\[2Jlist'")
    await server.wait_log(r"session-refused coach=dora .*nicht lesbar", count=2)
    log = server.log()
    assert not any(ch in log for ch in "\x1b\x07\0"), repr(log[-600:])
    assert "error" not in " ".join(line for line in log.splitlines() if "coach=dora" in line)


def test_the_host_key_is_made_once_with_mode_0600(team: Team, server: Server) -> None:
    key = team.folder / "host_key"
    assert key.stat().st_mode & 0o777 == 0o600
    fingerprint = asyncssh.read_private_key(key).get_fingerprint("sha256")
    assert any(fingerprint in line for line in server.banner), server.banner


async def test_the_readme_serve_lines_work_as_shown(tmp_path: Path) -> None:
    """The README's ``thekiz serve`` lines, run by a shell in the thekiz user's home with
    the default store (on a free loopback port instead of 0.0.0.0:2222)."""
    from tests.helpers.team import readme_section

    section = readme_section("### `thekiz serve`: when no one can configure sshd")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", section, re.S)
             for line in block.splitlines() if line.startswith("~/venv/bin/thekiz ")]
    assert [line.split()[1] for line in lines] == ["access", "serve"]
    home = tmp_path / "home"
    make_store(home / ".local" / "share" / "thekiz" / "plan.json")
    key = make_key(home, "anna")
    program = shlex.join(THEKIZ)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "THEKIZ_"))}
    env.update(HOME=str(home), THEKIZ_TODAY=TODAY)
    granted = subprocess.run(["bash", "-c", lines[0].replace("~/venv/bin/thekiz", program)],
                             cwd=home, env=env, capture_output=True, text=True, timeout=120,
                             check=False)
    assert granted.returncode == 0, granted.stderr
    serve_line = lines[1].replace("--host 0.0.0.0 --port 2222", "--host 127.0.0.1 --port 0")
    words = [*THEKIZ, *(w.replace("~", str(home)) for w in shlex.split(serve_line)[1:])]
    served = Server(words, tmp_path / "serve.log", env=env, cwd=home)
    try:
        assert any("Host-Schlüssel SHA256:" in line for line in served.banner)
        assert (home / ".local" / "share" / "thekiz" / "ssh_host_ed25519_key").exists()
        async with await connect(served.port, key) as conn:
            result = await conn.run("list --from 25.11.2026 --to 25.11.2026", check=False)
        assert result.exit_status == 0, result.stderr
        assert ANNA_EVENT in str(result.stdout)
    finally:
        assert served.stop() == 0, served.log()
