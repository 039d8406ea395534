"""Attacks on ``thekiz serve`` (and on the planner behind sshd), each replayed against the
real server as a subprocess on 127.0.0.1 with real asyncssh clients and raw TCP
connections: a huge terminal, a flood of connections, a coach taking every session, a
connection that idles without a session, a revoked key that stays connected, input that
its process does not read. Waits are for conditions, with generous bounds; nothing
asserts a duration. Limits are shortened with serve's own options.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import os
import pty
import resource
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pyte
import pytest

from tests.test_serve import (
    STARTUP,
    THEKIZ,
    TODAY,
    Screen,
    Server,
    Team,
    connect,
    make_key,
    planner,
    thekiz,
    top_bar,
)
from thekiz_tui.termsize import MAX_COLUMNS, MAX_LINES

HUGE = 65535  # the largest window SSH and the kernel's winsize can describe
RSS_BOUND = 400 * 1024  # kB: a planner of the largest size stays far below this
TWO_GB = 2 << 30  # address space for a planner (the old one took the machine's memory)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team(tmp_path_factory.mktemp("attacks"))


@contextlib.contextmanager
def serving(team: Team, *extra: str, limits: dict[int, int] | None = None) -> Iterator[Server]:
    """``thekiz serve`` with ``extra`` options and resource ``limits`` (inherited by its
    sessions), stopped afterwards; ``stderr`` holds what it wrote there."""

    def limit() -> None:
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    served = team.serve(*extra, preexec_fn=limit)
    try:
        yield served
    finally:
        assert served.stop() == 0, served.log()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def until(what: str, check: object, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def drawn_within_the_clamp(display: list[str]) -> bool:
    """The planner's footer on the last line of the clamped size, and nothing drawn below
    or to the right of it (``display`` is a screen larger than the clamp)."""
    return ("Beenden" in display[MAX_LINES - 1]
            and not "".join(display[MAX_LINES:]).strip()
            and not "".join(line[MAX_COLUMNS:] for line in display).strip())


MARGIN = 20  # cells of the test's screen beyond the clamp, where nothing may be drawn


# -- attack 5: a terminal of 65535 × 65535 ----------------------------------------------


def test_a_planner_on_a_65535_square_terminal_is_drawn_at_the_clamped_size(
        team: Team) -> None:
    """The sshd route: sshd sizes the pseudo-terminal as the client asked, and the
    planner (``thekiz session``, sshd's forced command) draws within the clamp."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", HUGE, HUGE, 0, 0))
    # (COLUMNS and LINES would win over the pseudo-terminal's size: an earlier test in the
    # same worker may have left them, and sshd never sets them)
    env = {**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
           "THEKIZ_TODAY": TODAY, "SSH_ORIGINAL_COMMAND": "", "TERM": "xterm-256color"}

    def at_most_2_gb() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (TWO_GB, TWO_GB))

    proc = subprocess.Popen([*THEKIZ, "--db", str(team.db), "session", "--as", "anna"],
                            stdin=child, stdout=child, stderr=child, env=env,
                            start_new_session=True, preexec_fn=at_most_2_gb)
    os.close(child)
    screen = pyte.Screen(MAX_COLUMNS + MARGIN, MAX_LINES + MARGIN)
    stream = pyte.ByteStream(screen)
    try:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline and not (
                "als Anna Beispiel" in screen.display[0]
                and drawn_within_the_clamp(screen.display)):
            if select.select([main], [], [], 1)[0]:
                try:
                    stream.feed(os.read(main, 1 << 16))
                except OSError:  # EIO: the planner is gone
                    break
        assert "als Anna Beispiel" in screen.display[0], "\n".join(screen.display[:3])
        assert drawn_within_the_clamp(screen.display), "\n".join(screen.display)
        assert rss_kb(proc.pid) < RSS_BOUND
    finally:
        proc.kill()
        proc.wait(timeout=30)
        os.close(main)


async def test_serve_draws_a_65535_square_terminal_at_the_clamped_size(team: Team) -> None:
    with serving(team, limits={resource.RLIMIT_AS: TWO_GB}) as served:
        async with await connect(served.port, team.keys["anna"]) as conn:
            process = await conn.create_process(term_type="xterm-256color",
                                                term_size=(HUGE, HUGE), encoding=None)
            screen = Screen(process, MAX_COLUMNS + MARGIN, MAX_LINES + MARGIN)
            await screen.until("the planner as Anna", top_bar("Anna Beispiel"), STARTUP)
            await screen.until("drawn at 500 × 200",
                               lambda s: drawn_within_the_clamp(s.screen.display))
            pid = int((await served.wait_log(r"session coach=anna .*pid=(\d+)")).group(1))
            assert rss_kb(pid) < RSS_BOUND
            # A larger window later, and a size the client reports in band (as a terminal
            # with mode 2048 does, any number of digits), are clamped as well.
            process.change_terminal_size(HUGE, HUGE)
            screen.send(f"\x1b[48;{HUGE};{HUGE};0;0t")
            screen.send("a")
            await screen.until("the agenda", lambda s: "Elterncafé" in s.text
                               and "Agenda" in s.screen.display[0])
            screen.send("m")  # (another whole frame, at the size the planner has now)
            await screen.until("the month", lambda s: "Monat" in s.screen.display[0])
            assert drawn_within_the_clamp(screen.screen.display), screen.text
            assert rss_kb(pid) < RSS_BOUND
            screen.send("q")
            await asyncio.wait_for(process.wait(), 30)


# -- attack 5: input its process does not read -----------------------------------------


async def test_input_for_a_process_that_does_not_read_is_held_back_by_the_client(
        team: Team) -> None:
    flood = 50 << 20
    with serving(team) as served:
        async with await connect(served.port, team.keys["bert"]) as conn:
            screen = await planner(conn)
            await screen.until("the planner as Bert", top_bar("Bert Muster"), STARTUP)
            pid = int((await served.wait_log(r"session coach=bert .*pid=(\d+)")).group(1))
            before = rss_kb(served.proc.pid)
            os.kill(pid, signal.SIGSTOP)  # a planner that hangs reads nothing
            try:
                screen.process.stdin.write(b"x" * flood)
                await served.wait_log(r"input-held coach=bert")
                # Other sessions keep working while the flood waits at the client.
                for cid in ("anna", "carla", "dora"):
                    async with await connect(served.port, team.keys[cid]) as other:
                        result = await other.run("list", check=False)
                    assert result.exit_status == 0, result.stderr
                waiting = screen.process.stdin.channel.get_write_buffer_size()
                assert waiting > flood - (16 << 20), "the server took the flood in"
                assert rss_kb(served.proc.pid) - before < 24 * 1024
            finally:
                os.kill(pid, signal.SIGKILL)  # (a stopped process ends on SIGKILL too)
            conn.abort()
        await served.wait_log(r"end coach=bert ")


# Reads nothing until SIGUSR1, then all of its input, line by line (a pty's line mode).
LATE_READER = ("import signal, sys\n"
               "signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])\n"
               "print('ready', flush=True)\n"
               "signal.sigwait([signal.SIGUSR1])\n"
               "for line in sys.stdin.buffer:\n"
               "    pass\n")


@pytest.mark.parametrize("kind", ["pty", "pipes"])
async def test_a_session_process_tells_when_its_input_is_backed_up_and_drained(
        kind: str) -> None:
    """What serve's pausing relies on, for both kinds of session process (``export`` or
    ``report`` on pipes read no input either)."""
    from thekiz_tui.remote.child import INPUT_HIGH, INPUT_LOW, PipeChild, PtyChild

    out: list[bytes] = []
    child = PtyChild(out.append, out.append, 80, 24) if kind == "pty" else PipeChild(
        out.append, out.append)
    await child.start([sys.executable, "-c", LATE_READER], dict(os.environ))
    try:
        await until("the process ready", lambda: b"ready" in b"".join(out))
        for _ in range(64):  # 1 MB, as a client sends it: in packets
            child.write((b"x" * 1023 + b"\n") * 16)
        assert child.input_waiting() > INPUT_HIGH
        drained = asyncio.Event()
        child.when_drained(drained.set)
        assert not drained.is_set()
        assert child.pid is not None
        os.kill(child.pid, signal.SIGUSR1)
        await asyncio.wait_for(drained.wait(), 60)
        assert child.input_waiting() <= INPUT_LOW
    finally:
        child.end()
        await asyncio.wait_for(child.wait(), 60)


# -- attack 7: one coach takes every session; a connection that holds none ---------------


async def test_a_coach_at_her_limit_does_not_lock_out_another(team: Team) -> None:
    with serving(team, "--max-sessions", "3", "--max-sessions-per-coach", "2") as served:
        async with await connect(served.port, team.keys["anna"]) as conn:
            first, second = await planner(conn), await planner(conn)
            for screen in (first, second):
                await screen.until("a planner as Anna", top_bar("Anna Beispiel"), STARTUP)
            third = await conn.run("list", check=False)
            assert third.exit_status == 2
            assert "höchstens 2 je Person" in str(third.stderr)
            async with await connect(served.port, team.keys["bert"]) as other:
                result = await other.run("list", check=False)
            assert result.exit_status == 0, result.stderr
            assert "Teamtag" in str(result.stdout)
            for screen in (first, second):
                screen.send("q")
                await asyncio.wait_for(screen.process.wait(), 30)


async def test_a_logged_in_connection_without_a_session_is_closed(team: Team) -> None:
    with serving(team, "--no-session-timeout", "1") as served:
        idle = await connect(served.port, team.keys["carla"])
        await asyncio.wait_for(idle.wait_closed(), 60)
        await served.wait_log(r"closed coach=carla .*reason='keine Sitzung geöffnet'")
        # Also once its last session has ended (a multiplexing client keeps it open).
        used = await connect(served.port, team.keys["carla"])
        assert (await used.run("list", check=False)).exit_status == 0
        await asyncio.wait_for(used.wait_closed(), 60)
        await served.wait_log(r"closed coach=carla", count=2)


# -- attack 7: a revoked key keeps its sessions ---------------------------------------


async def test_a_revoke_ends_her_open_session_and_connections(team: Team) -> None:
    key = make_key(team.folder, "soon-revoked")
    done = thekiz(team.db, "access", "grant", "dora", f"{key}.pub",
                  "--authorized-keys", str(team.authorized_keys))
    assert done.returncode == 0, done.stderr
    with serving(team) as served:
        async with await connect(served.port, key) as conn, \
                await connect(served.port, key) as spare:  # a session-less (master) one
            screen = await planner(conn)
            await screen.until("the planner as Dora", top_bar("Dora Platzhalter"), STARTUP)
            fingerprint = asyncssh.read_public_key(f"{key}.pub").get_fingerprint("sha256")
            done = thekiz(team.db, "access", "revoke", fingerprint,
                          "--authorized-keys", str(team.authorized_keys))
            assert done.returncode == 0, done.stderr
            await screen.until("the goodbye", lambda s: "Zugang wurde widerrufen" in s.text,
                               60)
            await asyncio.wait_for(screen.process.wait(), 30)
            await asyncio.wait_for(conn.wait_closed(), 30)
            await asyncio.wait_for(spare.wait_closed(), 30)
        await served.wait_log(r"end coach=dora .*reason=revoked")
        # The other coaches' keys stay in.
        async with await connect(served.port, team.keys["emil"]) as other:
            assert (await other.run("list", check=False)).exit_status == 0


# -- attack 8: a stranger's flood of connections ------------------------------------


async def _open(port: int, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def _greeting(reader: asyncio.StreamReader) -> bytes:
    """The server's first line, or b'' if it closed the connection without one."""
    return await asyncio.wait_for(reader.readline(), 60)


async def test_a_flood_of_connections_is_closed_at_once_and_a_coach_gets_in(
        team: Team) -> None:
    with serving(team) as served:  # the defaults: 50 in all, 10 per address
        baseline = descriptors(served.proc.pid)
        flood = [await _open(served.port, "127.0.0.2") for _ in range(200)]
        try:
            greetings = await asyncio.gather(*(_greeting(r) for r, _ in flood))
            assert sum(g.startswith(b"SSH-2.0-") for g in greetings) == 10
            assert greetings.count(b"") == 190
            assert descriptors(served.proc.pid) <= baseline + 10 + 5
            async with await connect(served.port, team.keys["emil"]) as conn:
                result = await conn.run("list", check=False)
            assert result.exit_status == 0, result.stderr
        finally:
            for _, writer in flood:
                writer.close()
        refused = served.matches(r"refused peer=127\.0\.0\.2:")
        assert 1 <= len(refused) <= 5, served.log()  # a line a minute, not one per try
    assert len(served.stderr) < 200, served.stderr


async def test_the_cap_on_connections_without_a_login_holds_over_all_addresses(
        team: Team) -> None:
    with serving(team, "--max-unauthenticated", "12") as served:
        first = [await _open(served.port, "127.0.0.2") for _ in range(10)]
        second = [await _open(served.port, "127.0.0.4") for _ in range(10)]
        greetings = await asyncio.gather(*(_greeting(r) for r, _ in first + second))
        assert sum(g.startswith(b"SSH-2.0-") for g in greetings[:10]) == 10
        assert sum(g.startswith(b"SSH-2.0-") for g in greetings[10:]) == 2
        with pytest.raises((ConnectionError, asyncssh.Error)):
            await connect(served.port, team.keys["anna"])  # the server is full
        for _, writer in first + second:
            writer.close()
        await served.wait_log(r"refused peer=127\.0\.0\.4:")

        async def coach_in() -> bool:
            with contextlib.suppress(ConnectionError, asyncssh.Error):
                async with await connect(served.port, team.keys["anna"]) as conn:
                    return (await conn.run("list", check=False)).exit_status == 0
            return False

        for _ in range(200):  # until the server has seen the strangers go
            if await coach_in():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"the coach did not get in:\n{served.log()}")


async def test_running_out_of_descriptors_is_one_log_line_not_a_traceback_per_accept(
        team: Team) -> None:
    with serving(team, "--max-unauthenticated", "1000",
                 "--max-unauthenticated-per-address", "1000",
                 limits={resource.RLIMIT_NOFILE: 64}) as served:
        flood = [await _open(served.port, "127.0.0.3") for _ in range(120)]
        try:
            await served.wait_log(r"server-error .*Too many open files")
        finally:
            for _, writer in flood:
                writer.close()
        await until("the flood's descriptors closed", lambda: descriptors(
            served.proc.pid) < 40)
        async with await connect(served.port, team.keys["anna"]) as conn:
            result = await conn.run("list", check=False)
        assert result.exit_status == 0, result.stderr
        assert len(served.matches(r"server-error")) <= 3, served.log()
    assert len(served.stderr) < 200, served.stderr


def test_the_quiet_log_writes_a_line_per_source_and_counts_the_rest() -> None:
    from thekiz_tui.remote.serverlog import ConnectionLog, QuietLog

    out = io.StringIO()
    quiet = QuietLog(ConnectionLog(out), 3600)
    for _ in range(5):
        quiet.event("192.0.2.7", "refused", peer="192.0.2.7:1")
    quiet.event("192.0.2.8", "refused", peer="192.0.2.8:1")
    quiet.summary("refused-summary")  # (both within their hour: no summary yet)
    assert [line.split()[1:] for line in out.getvalue().splitlines()] == [
        ["refused", "peer=192.0.2.7:1"], ["refused", "peer=192.0.2.8:1"]]
    quiet.interval = 0  # the hour is over
    quiet.summary("refused-summary")
    assert out.getvalue().splitlines()[2].split()[1:] == [
        "refused-summary", "source=192.0.2.7", "left_out=4"]
    assert len(out.getvalue().splitlines()) == 3


# -- also weak: the log and the host key readable by others ----------------------------


def test_the_log_is_made_0600_in_a_0700_folder_and_an_old_log_loses_others_access(
        team: Team, tmp_path: Path) -> None:
    fresh = tmp_path / "logs" / "serve.log"
    old = tmp_path / "old.log"
    old.write_text("earlier line\n", encoding="utf-8")
    old.chmod(0o644)
    for log in (fresh, old):
        served = Server([*THEKIZ, "--db", str(team.db), "serve", "--port", "0", "--host-key",
                         str(team.folder / "host_key"), "--authorized-keys",
                         str(team.authorized_keys)], log)
        assert served.stop() == 0, served.stderr
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert fresh.parent.stat().st_mode & 0o777 == 0o700
    assert old.stat().st_mode & 0o777 == 0o640
    assert old.read_text(encoding="utf-8").startswith("earlier line\n")
    assert " start " in old.read_text(encoding="utf-8")


def test_a_host_key_others_may_read_is_refused_in_german(team: Team, tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    open_key = tmp_path / "open_key"
    key.write_private_key(open_key)
    open_key.chmod(0o644)
    done = subprocess.run(
        [*THEKIZ, "--db", str(team.db), "serve", "--port", "0", "--host-key", str(open_key),
         "--authorized-keys", str(team.authorized_keys)],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "für andere lesbar" in done.stderr and "chmod 600" in done.stderr
    assert "Traceback" not in done.stderr


async def test_a_new_host_key_is_0600_in_a_new_0700_folder(team: Team, tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "keys" / "ssh_host_ed25519_key"
    served = Server([*THEKIZ, "--db", str(team.db), "serve", "--port", "0", "--host-key",
                     str(path), "--authorized-keys", str(team.authorized_keys)],
                    tmp_path / "serve.log")
    try:
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert path.parent.parent.stat().st_mode & 0o777 == 0o700
        assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file
        async with await connect(served.port, team.keys["anna"]) as conn:
            assert (await conn.run("list", check=False)).exit_status == 0
    finally:
        assert served.stop() == 0, served.log()

