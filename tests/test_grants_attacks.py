"""The attacks of issue 9 on grants, replayed against the real parts: ``thekiz serve`` with
a real asyncssh client on 127.0.0.1, ``thekiz access`` on real files, the forced command
that sshd runs as a real process.

- attack 3: a key granted for another store must not enter serve's store;
- sshd's semantics in serve: the first matching line decides, ``from=`` and
  ``expiry-time=`` hold, an option serve cannot honour refuses the line;
- attack 6: root running ``access grant|revoke`` follows no planted link and writes into
  no folder of another account;
- attack 7 (sshd half, without sshd): the forced command checks its grant when it starts
  and a running session ends itself after a revoke;
- the session error log is private.
"""

from __future__ import annotations

import io
import os
import pty
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncssh
import pyte
import pytest
from helpers.team import make_team, new_key, one_german_line, thekiz, thekiz_env

from tests.test_serve import Server
from thekiz_tui.cli import main
from thekiz_tui.remote.grants import expiry_time, from_admits, read_grants
from thekiz_tui.remote.server import GrantBook
from thekiz_tui.remote.serverlog import ConnectionLog
from thekiz_tui.remote.session import NOT_GRANTED, REVOKED

THEKIZ = [sys.executable, "-m", "thekiz_tui"]
NOBODY = 65534  # another account, for the tests root runs
STEP = 180.0  # seconds for any state to be reached on a busy machine (an upper bound)


def grant(db: Path, coach: str, public: Path, target: Path) -> None:
    done = thekiz("--db", str(db), "access", "grant", coach, str(public),
                  "--authorized-keys", str(target))
    assert done.returncode == 0, done.stderr


def line_of(target: Path, public: Path) -> str:
    key = public.read_text().split()[1]
    return next(line for line in target.read_text().splitlines() if key in line)


def serve(db: Path, target: Path, folder: Path) -> Server:
    return Server([*THEKIZ, "--db", str(db), "serve", "--port", "0", "--host-key",
                   str(folder / "host_key"), "--authorized-keys", str(target)],
                  folder / "serve.log", env=thekiz_env())


async def login(server: Server, key: Path) -> str | None:
    """The coach ``list`` runs as after logging in with ``key``; None: refused."""
    try:
        conn = await asyncssh.connect("127.0.0.1", server.port, username="x",
                                      client_keys=[str(key)], known_hosts=None,
                                      agent_path=None, config=[])
    except asyncssh.PermissionDenied:
        return None
    async with conn:
        result = await conn.run("list", check=False)
    assert result.exit_status == 0, result.stderr
    fingerprint = asyncssh.read_public_key(f"{key}.pub").get_fingerprint("sha256")
    found = await server.wait_log(rf" login coach=(\S+) key={re.escape(fingerprint)} ",
                                  timeout=STEP)
    return found.group(1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Path, list[Server]]]:
    """Team A's store and the shared authorized_keys; serve is started by the test."""
    runs: list[Server] = []
    yield make_team(tmp_path / "teamA.json"), tmp_path / "authorized_keys", runs
    for run in runs:
        run.stop()


# -- attack 3 and sshd's semantics in serve ----------------------------------------------


async def test_serve_refuses_a_key_granted_for_another_store(
        tmp_path: Path, served: tuple[Path, Path, list[Server]]) -> None:
    """``thekiz --db teamB.json access grant clara key.pub`` in the file team A's serve
    reads: that key does not enter team A as its coordinator."""
    team_a, target, runs = served
    team_b = make_team(tmp_path / "teamB.json")
    grant(team_b, "clara", new_key(tmp_path, "buero"), target)
    grant(team_a, "anna", new_key(tmp_path, "anna"), target)
    runs.append(server := serve(team_a, target, tmp_path))

    assert await login(server, tmp_path / "anna") == "anna"
    assert await login(server, tmp_path / "buero") is None
    assert "other_stores=1" in server.log()


async def test_serve_decides_as_sshd_first_line_from_and_expiry(
        tmp_path: Path, served: tuple[Path, Path, list[Server]]) -> None:
    db, target, runs = served
    names = ("twice", "far", "negated", "expired", "principals", "nopty", "near")
    keys = {name: new_key(tmp_path, name) for name in names}
    for public in keys.values():
        grant(db, "anna", public, target)
    lines = {name: line_of(target, public) for name, public in keys.items()}
    ours = 'restrict,pty,'
    # The same key twice: Anna's line first, then one for Clara (the coordinator).
    twice = lines["twice"] + "\n" + lines["twice"].replace("--as anna", "--as clara")
    options = {
        "far": 'from="10.0.0.0/8",',
        "negated": 'from="!127.0.0.1,*",',
        "expired": 'expiry-time="20200101",',
        "principals": 'principals="anna",',
        "near": 'from="192.0.2.*,127.0.0.0/8",expiry-time="29991231Z",',
    }
    edited = [twice] + [lines[n].replace(ours, options[n] + ours) for n in options]
    edited.append(lines["nopty"].replace(ours, "restrict,"))  # no terminal: cannot honour
    target.write_text("\n".join(edited) + "\n")
    runs.append(server := serve(db, target, tmp_path))

    assert await login(server, tmp_path / "twice") == "anna"  # the first line, as sshd
    for refused in ("far", "negated", "expired", "principals", "nopty"):
        assert await login(server, tmp_path / refused) is None, refused
    assert await login(server, tmp_path / "near") == "anna"
    log = server.log()
    assert log.count("grant-refused") == 2, log  # principals, restrict without pty
    assert "principals" in log and "restrict ohne pty" in log, log


def test_grant_book_takes_the_first_admitting_line_of_its_store(tmp_path: Path) -> None:
    db = make_team(tmp_path / "plan.json")
    other = make_team(tmp_path / "other.json")
    target = tmp_path / "authorized_keys"
    public = new_key(tmp_path, "k")
    grant(other, "bert", public, target)
    line = line_of(target, public)
    here = line.replace(str(other), str(db))
    target.write_text("\n".join([
        line,  # another store: as if absent
        here.replace("restrict,", 'from="10.0.0.0/8",restrict,').replace("--as bert",
                                                                            "--as clara"),
        here.replace("--as bert", "--as anna"),
        here,
    ]) + "\n")
    out = io.StringIO()
    book = GrantBook(target, ConnectionLog(out), db)
    fingerprint = read_grants(target)[0].fingerprint
    found = book.find(fingerprint, "127.0.0.1")
    assert found is not None and found.coach == "anna"
    from_ten = book.find(fingerprint, "10.1.2.3")
    assert from_ten is not None and from_ten.coach == "clara"
    assert book.find(fingerprint, None) is not None  # lines without from= need no address
    assert book.find("SHA256:none", "127.0.0.1") is None


@pytest.mark.parametrize(("patterns", "peer", "admitted"), [
    ("10.0.0.0/8", "10.1.2.3", True),
    ("10.0.0.0/8", "127.0.0.1", False),
    ("127.0.0.?", "127.0.0.1", True),
    ("192.168.*,127.*", "127.0.0.1", True),
    ("*,!127.0.0.1", "127.0.0.1", False),
    ("!10.0.0.0/8,*", "192.0.2.1", True),
    ("127.0.0.1", "::ffff:127.0.0.1", True),
    ("::1", "::1", True),
    ("fd00::/8", "fd12::1", True),
    ("10.0.0.1/8", "10.0.0.1", False),  # host bits in a CIDR: sshd refuses the line
    ("*", None, False),
])
def test_from_patterns_as_sshd_reads_them(patterns: str, peer: str | None,
                                          admitted: bool) -> None:
    assert from_admits(patterns, peer) is admitted


def test_expiry_time_is_local_or_utc_with_z() -> None:
    assert expiry_time("20261203") == datetime(2026, 12, 3).timestamp()
    assert expiry_time("202612031230") == datetime(2026, 12, 3, 12, 30).timestamp()
    assert expiry_time("20261203123015Z") == datetime(2026, 12, 3, 12, 30, 15,
                                                      tzinfo=UTC).timestamp()
    for broken in ("2026120", "20261332", "2026-12-03", "20261203X", ""):
        assert expiry_time(broken) is None, broken


# -- attack 6: no link followed, no other account's folder --------------------------------


def _access(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str]:
    """``thekiz access`` in this process, so that its pid, which named the old temporary
    file, is known to the test that plants a link there."""
    code = main(["--db", str(db), "access", *args])
    return code, capsys.readouterr().err


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.write_text("root:x:0:0:root:/root:/bin/sh\n")
    victim.chmod(0o644)
    return victim


def test_a_link_at_the_old_temporary_name_is_not_followed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The thekiz account owns its ``.ssh``; it plants a link where root used to write
    the temporary file. Root grants and revokes: the victim keeps its bytes and mode,
    and the file stays the account's."""
    db = make_team(tmp_path / "plan.json")
    victim = _victim(tmp_path)
    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    target = folder / "authorized_keys"
    target.write_text("# admin\n")
    target.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
        os.chown(target, NOBODY, NOBODY)
    (folder / f".authorized_keys.{os.getpid()}.tmp").symlink_to(victim)
    public = new_key(tmp_path, "anna")

    assert _access(capsys, db, "grant", "anna", str(public),
                   "--authorized-keys", str(target))[0] == 0
    assert [g.coach for g in read_grants(target)] == ["anna"]
    assert not target.is_symlink()
    if os.geteuid() == 0:
        assert (target.stat().st_uid, target.stat().st_gid) == (NOBODY, NOBODY)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _access(capsys, db, "revoke", "anna", "--authorized-keys", str(target))[0] == 0

    assert victim.read_text() == "root:x:0:0:root:/root:/bin/sh\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert victim.stat().st_uid == os.geteuid()
    assert target.read_text() == "# admin\n"


def test_a_link_as_the_file_or_the_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = make_team(tmp_path / "plan.json")
    victim = _victim(tmp_path)
    public = new_key(tmp_path, "anna")
    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    linked = folder / "authorized_keys"
    linked.symlink_to(victim)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "linked-ssh").symlink_to(elsewhere)

    for target in (linked, tmp_path / "linked-ssh" / "authorized_keys"):
        for args in (("grant", "anna", str(public)), ("revoke", "anna")):
            code, said = _access(capsys, db, *args, "--authorized-keys", str(target))
            assert code == 2, (target, args)
            assert "symbolischer Link" in said, said
            assert said.count("\n") == 1 and "Traceback" not in said
    assert linked.is_symlink()
    assert victim.read_text() == "root:x:0:0:root:/root:/bin/sh\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert list(elsewhere.iterdir()) == []
    assert [p.name for p in folder.iterdir()] == ["authorized_keys"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another account")
def test_a_folder_of_another_account_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Root granting into a file of its own in a folder another account owns: that
    account could swap the file in between; refused, nothing written."""
    db = make_team(tmp_path / "plan.json")
    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    target = folder / "authorized_keys"
    target.write_text("# admin\n")
    os.chown(folder, NOBODY, NOBODY)
    code, said = _access(capsys, db, "grant", "anna", str(new_key(tmp_path, "anna")),
                         "--authorized-keys", str(target))
    assert code == 2
    assert "gehört nobody" in said or f"gehört {NOBODY}" in said, said
    assert target.read_text() == "# admin\n"
    assert [p.name for p in folder.iterdir()] == ["authorized_keys"]


def test_a_folder_others_may_write_to_is_refused(tmp_path: Path) -> None:
    db = make_team(tmp_path / "plan.json")
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    message = one_german_line(thekiz("--db", str(db), "access", "grant", "anna",
                                     str(new_key(tmp_path, "anna")), "--authorized-keys",
                                     str(folder / "authorized_keys")))
    assert "andere schreiben" in message
    assert list(folder.iterdir()) == []


# -- attack 7 without sshd: the forced command checks its grant ---------------------------


def _forced(target: Path, public: Path) -> list[str]:
    import shlex

    return shlex.split(line_of(target, public).split('command="', 1)[1].split('" ', 1)[0])


def test_the_forced_command_of_a_revoked_grant_refuses_to_start(tmp_path: Path) -> None:
    """A ControlMaster runs every new session of a revoked key without a new login:
    the session itself refuses. An older line without ``--key`` (sshd's variables
    set) is checked in the account's default file."""
    db = make_team(tmp_path / "plan.json")
    home = tmp_path / "home"
    target = home / ".ssh" / "authorized_keys"
    public = new_key(tmp_path, "anna")
    grant(db, "anna", public, target)
    command = _forced(target, public)
    old_style = command[:command.index("--key")]
    env = thekiz_env(SSH_ORIGINAL_COMMAND="list", HOME=str(home),
                     SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22")

    def run(words: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(words, capture_output=True, text=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)

    assert run(command).returncode == 0
    assert run(old_style).returncode == 0
    assert thekiz("--db", str(db), "access", "revoke", "anna", "--authorized-keys",
                  str(target)).returncode == 0
    for words in (command, old_style):
        assert NOT_GRANTED in one_german_line(run(words))


def test_a_running_session_ends_itself_after_a_revoke(tmp_path: Path) -> None:
    """The planner of a revoked grant on a real pseudo-terminal: it ends with one German
    line after the next re-check, and gives the terminal back."""
    db = make_team(tmp_path / "plan.json")
    target = tmp_path / "authorized_keys"
    public = new_key(tmp_path, "anna")
    grant(db, "anna", public, target)
    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    pid, master = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            env = thekiz_env(SSH_ORIGINAL_COMMAND="", TERM="xterm-256color",
                             THEKIZ_GRANT_RECHECK_SECONDS="0.2")
            os.execve(sys.executable, _forced(target, public), env)
        finally:
            os._exit(127)
    raw = bytearray()

    def read_until(check: object) -> None:
        import select

        deadline = time.monotonic() + STEP
        while not check():  # type: ignore[operator]
            assert time.monotonic() < deadline, "\n".join(screen.display)
            if select.select([master], [], [], 0.1)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                if not data:
                    return
                raw.extend(data)
                stream.feed(data)

    try:
        read_until(lambda: "als Anna Beispiel" in screen.display[0])
        assert thekiz("--db", str(db), "access", "revoke", "anna", "--authorized-keys",
                      str(target)).returncode == 0
        read_until(lambda: REVOKED in bytes(raw).decode(errors="replace"))
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 2
    text = bytes(raw).decode(errors="replace")
    assert text.rindex("\x1b[?1049l") < text.rindex(REVOKED)  # the main screen back first


# -- the session error log -----------------------------------------------------------------


def test_the_session_error_log_is_for_the_account_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from thekiz_tui.remote.session import crash_message

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "state" / "thekiz" / "log"
    old = os.umask(0o022)
    try:
        try:
            raise RuntimeError("Elterncafé Apfelbaum")
        except RuntimeError as error:
            said = crash_message(error, "anna")
    finally:
        os.umask(old)
    log = folder / "session-errors.log"
    assert "im Protokoll auf dem Server" in said
    assert "Elterncafé Apfelbaum" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # One written before: tightened on the next error.
    folder.chmod(0o755)
    log.chmod(0o644)
    try:
        raise RuntimeError("again")
    except RuntimeError as error:
        crash_message(error, "anna")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
