"""Her plan on her phone: ``thekiz feed serve`` as a real process on 127.0.0.1, asked
over real HTTP, and subscribed to by a real client (vdirsyncer's ``http`` storage into a
folder that khal lists).

The store: Anna's and Ben's visits, a shared Arbeitskreis of both, a Fachtag Anna takes
part in, an office date of no one's, and Anna's visits before and inside the window (the
past 3 months from THEKIZ_TODAY=2025-03-15: from 1 December 2024 on).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import need_program
from test_ical_clients import env as client_env
from test_ical_clients import khal_command

from store import Coach, Event, Kita, Store

TODAY = "2025-03-15"
THEKIZ = str(Path(sys.executable).parent / "thekiz")


def build_store(db: Path) -> None:
    store = Store.open(db)
    store.add_coach(Coach("c-anna", "Anna Beispiel"))
    store.add_coach(Coach("c-ben", "Ben Muster"))
    store.add_kita(Kita("k-sonne", "Kita Sonnenblume", district="Weimarer Land",
                        address="Blumenweg 3, 99423 Weimar", coach="c-anna"))
    store.add_kita(Kita("k-regen", "Kita Regenbogen", district="Gotha", coach="c-ben"))
    berlin = {"tz": "Europe/Berlin"}
    store.put_events([
        Event(id="e-anna", kind="begleitung", start="2025-03-18T09:30:00+01:00",
              end="2025-03-18T11:00:00+01:00", coaches=["c-anna"], kita="k-sonne",
              uid="e-anna@thekiz", **berlin),
        Event(id="e-summer", kind="sonstiges", title="Supervision",
              start="2025-07-01T14:00:00+02:00", end="2025-07-01T15:00:00+02:00",
              coaches=["c-anna"], uid="e-summer@thekiz", **berlin),
        Event(id="e-dec", kind="sonstiges", title="Jahresplanung",
              start="2024-12-10T10:00:00+01:00", end="2024-12-10T11:00:00+01:00",
              coaches=["c-anna"], uid="e-dec@thekiz", **berlin),
        Event(id="e-old", kind="sonstiges", title="Alter Termin",
              start="2024-10-01T10:00:00+02:00", end="2024-10-01T11:00:00+02:00",
              coaches=["c-anna"], uid="e-old@thekiz", **berlin),
        Event(id="e-series", kind="begleitung", title="Teamberatung",
              start="2025-03-03T09:00:00+01:00", end="2025-03-03T10:00:00+01:00",
              rrule="FREQ=WEEKLY;COUNT=4", coaches=["c-anna"], kita="k-sonne",
              uid="e-series@thekiz", **berlin),
        Event(id="e-ben", kind="begleitung", title="Ben geheim",
              start="2025-03-18T09:30:00+01:00", end="2025-03-18T11:00:00+01:00",
              coaches=["c-ben"], kita="k-regen", notes="nur für Ben",
              uid="e-ben@thekiz", **berlin),
        Event(id="e-ak", kind="arbeitskreis", title="Arbeitskreis ThEKiZ",
              start="2025-03-20T13:00:00+01:00", end="2025-03-20T15:00:00+01:00",
              coaches=["c-anna", "c-ben"], uid="e-ak@thekiz", **berlin),
        Event(id="e-fachtag", kind="fachtag", title="Fachtag", start="2025-04-02",
              end="2025-04-03", all_day=True, participants=["c-anna"],
              uid="e-fachtag@thekiz"),
        Event(id="e-office", kind="sonstiges", title="Büro intern",
              start="2025-03-19T08:00:00+01:00", end="2025-03-19T09:00:00+01:00",
              uid="e-office@thekiz", **berlin),
    ])


# What khal shows of Anna's feed (local Berlin times; an all-day event: its day).
ANNA_SEES = {
    ("2024-12-10T10:00:00+0100", "2024-12-10T11:00:00+0100", "Jahresplanung"),
    ("2025-03-03T09:00:00+0100", "2025-03-03T10:00:00+0100", "Teamberatung – Kita Sonnenblume"),
    ("2025-03-10T09:00:00+0100", "2025-03-10T10:00:00+0100", "Teamberatung – Kita Sonnenblume"),
    ("2025-03-17T09:00:00+0100", "2025-03-17T10:00:00+0100", "Teamberatung – Kita Sonnenblume"),
    ("2025-03-24T09:00:00+0100", "2025-03-24T10:00:00+0100", "Teamberatung – Kita Sonnenblume"),
    ("2025-03-18T09:30:00+0100", "2025-03-18T11:00:00+0100",
     "Prozessbegleitung – Kita Sonnenblume"),
    ("2025-03-20T13:00:00+0100", "2025-03-20T15:00:00+0100", "Arbeitskreis ThEKiZ"),
    ("2025-04-02", "2025-04-02", "Fachtag"),
    ("2025-07-01T14:00:00+0200", "2025-07-01T15:00:00+0200", "Supervision"),
}
ANNA_UIDS = {"e-anna", "e-summer", "e-dec", "e-series", "e-ak", "e-fachtag"}


# -- the server as a process ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(db: Path) -> dict[str, str]:
    return {**os.environ, "THEKIZ_DB": str(db), "THEKIZ_TODAY": TODAY, "TZ": "Europe/Berlin"}


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([THEKIZ, *args], capture_output=True, text=True,
                          env=environment(db), timeout=120)


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until the server accepts (a generous bound; the process must still run)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "feed serve ended early"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@dataclass
class Server:
    db: Path
    port: int
    log: Path

    def grant(self, coach: str) -> str:
        done = thekiz(self.db, "feed", "grant", coach, "--port", str(self.port))
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


@contextlib.contextmanager
def running(db: Path, *options: str) -> Iterator[Server]:
    port = free_port()
    log = db.with_name("feed.log")
    process = subprocess.Popen(
        [THEKIZ, "feed", "serve", "--port", str(port), "--log", str(log), *options],
        env=environment(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process)
        yield Server(db, port, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        assert b"Traceback" not in process.stderr.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("feed") / "plan.json"
    build_store(db)
    with running(db, "--burst", "10000", "--per-minute", "60000", "--behind-proxy") as srv:
        yield srv


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def get(url: str, method: str = "GET", source: str = "", **headers: str) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=60,
        source_address=(source, 0) if source else None)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
    finally:
        connection.close()


def uids(body: bytes) -> set[str]:
    return {m.decode().removesuffix("@thekiz")
            for m in re.findall(rb"\r\nUID:([^\r]+)", body)}


# -- a real client subscribes ---------------------------------------------------------------


@pytest.mark.external
def test_vdirsyncer_subscribes_and_khal_lists_her_plan(server: Server, tmp_path: Path) -> None:
    vdirsyncer = need_program("vdirsyncer")
    url = server.grant("c-anna")
    folder = tmp_path / "kalender"
    folder.mkdir()
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        "[general]\n"
        f'status_path = "{tmp_path / "status"}/"\n'
        "[pair handy]\n"
        'a = "feed"\nb = "ordner"\ncollections = null\nconflict_resolution = "a wins"\n'
        "[storage feed]\n"
        f'type = "http"\nurl = "{url}"\n'
        "[storage ordner]\n"
        f'type = "filesystem"\npath = "{folder}/"\nfileext = ".ics"\n',
        encoding="utf-8")
    for step in ("discover", "sync"):
        done = subprocess.run([vdirsyncer, "-c", str(config), step], capture_output=True,
                              text=True, env=client_env(), timeout=300, input="")
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    synced = sorted(p.name for p in folder.iterdir())
    assert len(synced) == len(ANNA_UIDS), synced
    listed = subprocess.run(
        [*khal_command(tmp_path, folder), "list", "--day-format", "", "--format",
         "{start-long}|{end-long}|{title}", "2024-11-01", "2025-12-31"],
        capture_output=True, text=True, env=client_env(), timeout=120)
    assert listed.returncode == 0, listed.stderr
    seen = {tuple(line.split("|")) for line in listed.stdout.splitlines() if "|" in line}
    assert seen == ANNA_SEES


# -- what the link serves -------------------------------------------------------------------


def test_her_events_and_nothing_else(server: Server) -> None:
    answer = get(server.grant("c-anna"))
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert uids(answer.body) == ANNA_UIDS  # not Ben's, not the office's, not before Dec
    for secret in (b"Ben geheim", b"nur f", b"B\xc3\xbcro intern", b"Alter Termin"):
        assert secret not in answer.body
    # hers in full: the Kita's address, her reminder (the setting's 30 minutes), the colour
    text = answer.body.decode()
    assert "LOCATION:Blumenweg 3\\, 99423 Weimar" in text
    assert "TRIGGER;RELATED=START:-PT30M" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text
    assert "COLOR:seagreen" in text
    bens = get(server.grant("c-ben"))
    assert uids(bens.body) == {"e-ben", "e-ak"}


def test_her_own_reminder_wins_and_off_is_off(server: Server) -> None:
    url = server.grant("c-anna")
    assert thekiz(server.db, "--as", "c-anna", "feed", "reminder", "c-anna", "15").returncode == 0
    assert b"TRIGGER;RELATED=START:-PT15M" in get(url).body
    assert thekiz(server.db, "feed", "reminder", "c-anna", "aus").returncode == 0
    assert b"BEGIN:VALARM" not in get(url).body
    assert thekiz(server.db, "feed", "reminder", "c-anna", "standard").returncode == 0
    assert b"TRIGGER;RELATED=START:-PT30M" in get(url).body
    # Ben may not set Anna's
    refused = thekiz(server.db, "--as", "c-ben", "feed", "reminder", "c-anna", "5")
    assert refused.returncode == 2 and "Keine Berechtigung" in refused.stderr


def test_second_fetch_answers_304_until_her_plan_changes(server: Server) -> None:
    url = server.grant("c-anna")
    first = get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = get(url, **{"If-None-Match": etag})
    assert (again.status, again.body) == (304, b"")
    assert again.headers["etag"] == etag
    assert get(url, **{"If-Modified-Since": modified}).status == 304
    # Ben's change is not hers: her calendar, its ETag and its date stay
    assert thekiz(server.db, "edit", "e-ben", "--notes", "geändert").returncode == 0
    assert get(url, **{"If-None-Match": etag}).status == 304
    assert get(url).headers["last-modified"] == modified
    # hers is: the next fetch gets the new calendar
    assert thekiz(server.db, "edit", "e-summer", "--notes", "Raum 2").returncode == 0
    changed = get(url, **{"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["etag"] != etag
    assert b"Raum 2" in changed.body


def test_gzip_when_the_client_takes_it(server: Server) -> None:
    url = server.grant("c-anna")
    plain = get(url)
    assert "content-encoding" not in plain.headers
    packed = get(url, **{"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.body) == plain.body
    assert len(packed.body) < len(plain.body)
    refused = get(url, **{"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    # the packed copy's ETag differs, and either is "not modified"
    assert packed.headers["etag"] != plain.headers["etag"]
    assert get(url, **{"If-None-Match": packed.headers["etag"],
                       "Accept-Encoding": "gzip"}).status == 304


def test_read_only(server: Server) -> None:
    url = server.grant("c-anna")
    head = get(url, "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == str(len(get(url).body))
    for method in ("POST", "PUT", "DELETE", "PATCH", "PROPFIND", "OPTIONS"):
        answer = get(url, method)
        assert answer.status == 405, method
        assert answer.headers["allow"] == "GET, HEAD"


def test_a_wrong_token_looks_like_nothing_there(server: Server) -> None:
    url = server.grant("c-anna")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    base = url.split("/feed/")[0]
    answers = [get(wrong), get(base + "/feed/"), get(base + "/"), get(base + "/etc/passwd"),
               get(base + "/feed/" + token), get(url + "?x=1".replace("?x=1", "/"))]
    for answer in answers:
        assert answer.status == 404
        assert answer.body == answers[0].body
        assert set(answer.headers) == set(answers[0].headers)


def test_revoked_link_answers_404_at_once(server: Server) -> None:
    url = server.grant("c-ben")
    assert get(url).status == 200
    done = thekiz(server.db, "feed", "revoke", "c-ben")
    assert done.returncode == 0, done.stderr
    gone = get(url)
    assert gone.status == 404 and b"BEGIN:VCALENDAR" not in gone.body
    # a new grant makes a new link; the old one stays dead
    new = server.grant("c-ben")
    assert new != url
    assert get(url).status == 404 and get(new).status == 200
    replaced = thekiz(server.db, "feed", "grant", "c-ben")
    assert get(new).status == 404
    assert replaced.returncode == 0


def test_the_book_keeps_only_a_hash_private(server: Server) -> None:
    url = server.grant("c-anna")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits, base64
    book = server.db.with_name(server.db.name + ".feeds")
    text = book.read_text(encoding="utf-8")
    assert token not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text
    assert book.stat().st_mode & 0o777 == 0o600


def test_list_shows_who_has_one_and_when_fetched(server: Server) -> None:
    url = server.grant("c-anna")
    get(url)
    listed = thekiz(server.db, "feed", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    feeds = {f["coach"]: f for f in json.loads(listed.stdout)}
    assert feeds["c-anna"]["name"] == "Anna Beispiel"
    assert feeds["c-anna"]["created"] and feeds["c-anna"]["fetched"]
    table = thekiz(server.db, "feed", "list")
    assert "Anna Beispiel" in table.stdout and "zuletzt abgerufen" in table.stdout
    assert url.rsplit("/", 1)[1] not in listed.stdout + table.stdout


def test_no_token_in_the_log(server: Server) -> None:
    url = server.grant("c-anna")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    guess = "Z" * 43
    get(url)
    get(url.replace(token, guess))
    get(url, "POST")
    get(url.replace("/feed/", "//feed/"))  # not a feed path, but its token is still secret
    get(url + "?" + token)
    # a broken request line: the standard library's own error path
    with socket.create_connection(("127.0.0.1", server.port), 30) as raw:
        raw.sendall(f"GET /feed/{token}.ics HTTP/7.0\r\n\r\n".encode())
        raw.recv(4096)
    answer = get(url)  # (the log line of each earlier request is written by now)
    assert answer.status == 200
    log = server.log.read_text(encoding="utf-8")
    assert token not in log and guess not in log
    assert "path=/feed/TOKEN.ics status=200" in log and "coach=c-anna" in log
    assert "status=404" in log and "status=405" in log


def test_the_window_is_a_setting(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    build_store(db)
    with running(db) as srv:
        url = srv.grant("c-anna")
        assert thekiz(db, "settings", "set", "feed_past_months", "0").returncode == 0
        # from 1 March on: December's meeting is gone, March's series stays
        assert uids(get(url).body) == ANNA_UIDS - {"e-dec"}
        assert thekiz(db, "settings", "set", "feed_past_months", "100000").returncode == 0
        assert uids(get(url).body) == ANNA_UIDS | {"e-old"}


# -- a guesser is slowed down ---------------------------------------------------------------


def test_rate_limit_per_address(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    build_store(db)
    with running(db, "--burst", "3", "--per-minute", "1") as srv:
        url = srv.grant("c-anna")
        wrong = url.rsplit("/", 1)[0] + "/" + "x" * 43 + ".ics"
        assert [get(wrong).status for _ in range(3)] == [404, 404, 404]
        limited = get(url)
        assert limited.status == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert b"BEGIN:VCALENDAR" not in limited.body
        # another address has its own bucket
        assert get(url, source="127.0.0.2").status == 200


def test_idle_connections_cannot_take_every_thread(tmp_path: Path) -> None:
    from thekiz_tui.feed.server import MAX_CONNECTIONS

    db = tmp_path / "plan.json"
    build_store(db)
    with running(db) as srv:
        url = srv.grant("c-anna")
        idle = [socket.create_connection(("127.0.0.1", srv.port), 30)
                for _ in range(MAX_CONNECTIONS)]
        try:
            with socket.create_connection(("127.0.0.1", srv.port), 30) as extra:
                # closed at once, unanswered (a reset, if our request was still unread)
                try:
                    extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    answer = extra.recv(4096)
                except ConnectionResetError:
                    answer = b""
                assert answer == b""
        finally:
            for each in idle:
                each.close()
        deadline = time.monotonic() + 60
        while True:  # their threads end as their clients went away
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(url).status == 200:
                    break
            assert time.monotonic() < deadline
            time.sleep(0.05)


# -- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("feed", "serve", "--port", "70000"),
    ("feed", "grant", "c-anna", "--port", "0"),
    ("feed", "grant", "c-anna", "--base-url", "ftp://kalender"),
    ("feed", "grant", "c-anna", "--base-url", "https://kalender.example.org/?a=b"),
    ("feed", "serve", "--burst", "0"),
    ("feed", "grant", "c-niemand"),
    ("feed", "revoke", "c-ben"),
    ("feed", "grant"),
    ("feed", "reminder", "c-anna", "zehn"),
    ("feed", "serve", "--host", "192.0.2.1", "--port", "1"),
    ("--as", "c-anna", "feed", "grant", "c-anna"),
    ("--as", "c-anna", "feed", "list"),
    ("--as", "c-anna", "feed", "serve"),
])
def test_bad_use_is_one_german_sentence(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "plan.json"
    build_store(db)
    before = sorted(p.name for p in tmp_path.iterdir())
    done = thekiz(db, *args)
    assert done.returncode == 2, (args, done.stdout)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("thekiz: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "plan.json.feeds").exists() or before == sorted(
        p.name for p in tmp_path.iterdir())


def test_base_url_from_option_or_setting(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    build_store(db)
    shown = thekiz(db, "feed", "grant", "c-anna", "--host", "127.0.0.1", "--port", "9000")
    assert re.fullmatch(r"http://127\.0\.0\.1:9000/feed/[A-Za-z0-9_-]{43}\.ics\n", shown.stdout)
    assert "geheim" in shown.stderr
    proxied = thekiz(db, "feed", "grant", "c-anna", "--base-url", "https://kalender.example.org/")
    assert re.fullmatch(r"https://kalender\.example\.org/feed/[A-Za-z0-9_-]{43}\.ics\n",
                        proxied.stdout)
    assert thekiz(db, "settings", "set", "feed_base_url",
                  "https://office.example.org/thekiz").returncode == 0
    stored = thekiz(db, "feed", "grant", "c-anna")
    assert stored.stdout.startswith("https://office.example.org/thekiz/feed/")


# -- the README's commands ------------------------------------------------------------------


def handy_section() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split("## Auf dem Handy", 1)[1].split("\n## ", 1)[0]


def test_readme_feed_commands_work(tmp_path: Path) -> None:
    """Every ``thekiz`` line of the section "Auf dem Handy" runs as shown; the server's
    line on a free port."""
    section = handy_section()
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line.startswith("thekiz"):
                lines.append(line)
    assert any(" feed grant " in line for line in lines)
    assert any(" feed serve" in line for line in lines)
    db = tmp_path / "plan.json"
    assert thekiz(db, "demo").returncode == 0
    bin_dir = str(Path(sys.executable).parent)
    shell_env = {**environment(db), "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    for line in lines:
        if " feed serve" in line:
            port = free_port()
            line = re.sub(r"--port \d+", f"--port {port}", line)
            process = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=tmp_path,
                                       env=shell_env, stderr=subprocess.PIPE)
            try:
                wait_for_port(port, process)
            finally:
                process.terminate()
                process.wait(timeout=30)
            continue
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=shell_env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (line, done.stderr)
