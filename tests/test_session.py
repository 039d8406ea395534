"""``thekiz session --as COACH``: what an SSH login may run, read from
``SSH_ORIGINAL_COMMAND`` exactly as sshd and ``thekiz serve`` pass it.

Allowed: the planner (empty command), and ``export``, ``list``, ``conflicts``, ``report``
with their read-only options, always as the login's coach, to standard output. Anything
else is refused with one German line and exit 2, and nothing happens: the store stays byte
for byte, no file is written, no other store is made.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import snapshot
from helpers.team import (
    ANNA_OWN,
    ANNA_SEES,
    BERT_SEES,
    SHARED_BOTH,
    make_team,
    new_key,
    one_german_line,
    thekiz,
    thekiz_env,
)
from icalendar import Calendar

NOVEMBER = ("--from", "1.11.2026", "--to", "30.11.2026")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    folder.mkdir()
    return make_team(folder / "plan.json")


def session(db: Path, original: str | None, coach: str = "anna",
            ) -> subprocess.CompletedProcess[str]:
    extra = {} if original is None else {"SSH_ORIGINAL_COMMAND": original}
    return thekiz("--db", str(db), "session", "--as", coach, env=thekiz_env(**extra))


def ran(db: Path, original: str, coach: str = "anna", codes: tuple[int, ...] = (0,)) -> str:
    result = session(db, original, coach)
    assert result.returncode in codes, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def calendar_ids(text: str) -> set[str]:
    calendar = Calendar.from_ical(text)
    return {str(event["X-THEKIZ-ID"]) for event in calendar.walk("VEVENT")}


def listed_ids(text: str) -> set[str]:
    return {row["id"] for row in json.loads(text)}


# -- allowed ----------------------------------------------------------------------------


def test_export_streams_her_calendar_only(db: Path) -> None:
    assert calendar_ids(ran(db, "export")) == ANNA_SEES
    assert calendar_ids(ran(db, "thekiz export -o -")) == ANNA_SEES
    assert calendar_ids(ran(db, "export --from 1.11.2026 --to 12.11.2026")) == {ANNA_OWN}
    assert calendar_ids(ran(db, "export --kind=arbeitskreis --output=-")) == {SHARED_BOTH}
    assert calendar_ids(ran(db, "export --coach anna -o-")) == ANNA_SEES


def test_list_conflicts_and_report_show_her_part(db: Path) -> None:
    window = shlex.join(NOVEMBER)
    assert listed_ids(ran(db, f"list --format json {window}")) == ANNA_SEES
    assert listed_ids(ran(db, f"list --coach=anna --format=json {window}")) == ANNA_SEES
    table = ran(db, f"list {window}")
    assert "Begleitung Wiesengrund" in table and "Bergblick" not in table

    # Bert's double booking is not Anna's business.
    findings = json.loads(ran(db, f"conflicts --format json {window}", codes=(0, 1)))
    assert all("Bert" not in json.dumps(f, ensure_ascii=False) for f in findings), findings
    bert_findings = json.loads(ran(db, f"conflicts --format json {window}", "bert",
                                   codes=(1,)))
    assert any("Bert Muster" in json.dumps(f, ensure_ascii=False) for f in bert_findings)

    report = ran(db, "report --month 2026-11 --format csv")
    assert "Kita Wiesengrund" in report and "Kita Bergblick" not in report


def test_a_coordinator_may_ask_for_any_coach(db: Path) -> None:
    assert calendar_ids(ran(db, "export --coach bert", "clara")) == BERT_SEES
    window = shlex.join(NOVEMBER)
    assert listed_ids(ran(db, f"list --coach bert --format json {window}", "clara")) == (
        BERT_SEES)
    assert "Kita Bergblick" in ran(db, "report --month 2026-11 --coach bert --format csv",
                                   "clara")


def test_the_forced_command_of_a_grant_runs_this_session(db: Path, tmp_path: Path) -> None:
    """What sshd runs: the command of the line ``thekiz access grant`` wrote."""
    target = tmp_path / "authorized_keys"
    granted = thekiz("--db", str(db), "access", "grant", "anna",
                     str(new_key(tmp_path, "anna")), "--authorized-keys", str(target))
    assert granted.returncode == 0, granted.stderr
    command = target.read_text().split('command="', 1)[1].split('" ', 1)[0]
    result = subprocess.run(
        shlex.split(command), capture_output=True, text=True, timeout=120,
        env=thekiz_env(SSH_ORIGINAL_COMMAND="export"), cwd="/", stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert calendar_ids(result.stdout) == ANNA_SEES


@pytest.mark.parametrize("original", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_no_command_is_the_planner_which_needs_a_terminal(db: Path,
                                                          original: str | None) -> None:
    before = snapshot(db.parent)
    assert "Terminal" in one_german_line(session(db, original))
    assert snapshot(db.parent) == before


# -- refused ----------------------------------------------------------------------------

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Beispiel//DE\r
BEGIN:VEVENT\r
UID:fremd-1@example.org\r
DTSTAMP:20261101T080000Z\r
DTSTART:20261112T090000Z\r
DTEND:20261112T100000Z\r
SUMMARY:Eingeschleust\r
END:VEVENT\r
END:VCALENDAR\r
"""

REFUSED = [
    "bash",
    "bash -c id",
    "sh -c 'cat /etc/passwd'",
    "/bin/sh",
    "thekiz bash",
    "export --coach bert",
    "export --coach=bert",
    "report --month 2026-11 --coach bert",
    "conflicts --coach bert",
    "list --coach anna --coach bert",
    "export --co bert",
    "export -o {out}",
    "export --output={out}",
    "export --output {out}",
    "export -o{out}",
    "export -o",
    "import {ics}",
    "import - ",
    "add --kind begleitung --start '12.11.2026 9:00' --end 10:00 --coach anna "
    "--kita wiese --title Neu",
    "edit ev-anna --title Weg",
    "remove ev-anna",
    "ack ev-anna",
    "coach add --name Eva",
    "kita remove wiese --force",
    "settings set x y",
    "access grant anna {out}",
    "serve",
    "session --as bert",
    "demo",
    "--db {elsewhere} list",
    "list --db {elsewhere}",
    "list --db={elsewhere}",
    "list --as bert",
    "--as bert list",
    "list; bash",
    "export;bash",
    "list && id",
    "list || id",
    "list | sh",
    "list `id`",
    "list $(id)",
    "list > {out}",
    "list extra",
    "list --from",
    "list --help",
    "'list",
    "list\nbash",
    # dates at the ends of the calendar (a window around them would overflow)
    "list --to 31.12.9999",
    "list --from 1.1.0001 --to 31.12.9999",
    "export --from 30.12.9999",
    "conflicts --to 1.1.0001",
    "report --month 9999-12",
]


@pytest.mark.parametrize("request_text", REFUSED)
def test_refused_requests_change_nothing(db: Path, tmp_path: Path, request_text: str) -> None:
    out = tmp_path / "x.ics"
    elsewhere = tmp_path / "elsewhere" / "plan.json"
    ics = tmp_path / "import.ics"
    ics.write_text(ICS)
    before = snapshot(db.parent)
    original = request_text.format(out=out, elsewhere=elsewhere, ics=ics)

    one_german_line(session(db, original))

    assert snapshot(db.parent) == before
    assert not out.exists()
    assert not elsewhere.parent.exists()


def test_a_refusal_says_what_is_allowed(db: Path) -> None:
    message = one_german_line(session(db, "bash -c id"))
    assert "nicht erlaubt" in message and "export" in message
    message = one_german_line(session(db, "export -o meine.ics"))
    assert "ssh … export > meine-termine.ics" in message
    message = one_german_line(session(db, "export --coach bert"))
    assert "eigenen" in message


def test_the_session_needs_a_known_coach(db: Path) -> None:
    assert "--as" in one_german_line(thekiz("--db", str(db), "session",
                                            env=thekiz_env(SSH_ORIGINAL_COMMAND="list")))
    assert "„zoe“ gibt es nicht" in one_german_line(session(db, "list", "zoe"))


def test_an_unforeseen_error_ends_the_session_without_a_traceback(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A defect we have not met yet must not show the client a traceback with the server's
    paths: one German line, exit 2, and the traceback in the server's log folder. (The
    defect is stood in for by a failing list command: there is no known one to use.)"""
    from thekiz_tui import cli
    from thekiz_tui.commands import events
    from thekiz_tui.remote import session as login

    monkeypatch.setitem(login._LOGIN, "ssh", False)  # the session sets it: undone after
    # (an old grant line is re-checked only inside an ssh login: not this test's subject)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)

    def broken(*_: object) -> int:
        raise RuntimeError("/srv/thekiz/geheim")

    monkeypatch.setattr(events, "cmd_list", broken)
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "list")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    code = cli.main(["--db", str(db), "session", "--as", "anna"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Unerwarteter Fehler (RuntimeError)" in err
    assert "/srv/thekiz" not in err and "Traceback" not in err
    logged = (tmp_path / "state" / "thekiz" / "log" / "session-errors.log").read_text()
    assert "anna" in logged and "RuntimeError: /srv/thekiz/geheim" in logged


def test_a_login_paints_without_animations_at_a_modest_rate(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a slow link (both routes run the session): no animations and 30 frames a
    second, unless the admin chose otherwise (sshd's SetEnv, or serve's environment)."""
    from thekiz_tui.remote import session as login

    monkeypatch.setitem(login._LOGIN, "ssh", False)
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    monkeypatch.setenv("TEXTUAL_FPS", "60")  # the admin's choice
    login.serve_login()
    assert login.over_ssh()
    assert os.environ["TEXTUAL_ANIMATIONS"] == "none"
    assert os.environ["TEXTUAL_FPS"] == "60"


def test_a_pdf_statement_streams_and_no_server_folder_gets_a_file(
        db: Path, tmp_path: Path) -> None:
    # Without -o thekiz saves a PDF in the documents folder: over SSH that is a folder of
    # the server (the thekiz account's), so the login streams it instead.
    import sys

    home = tmp_path / "server-home"
    home.mkdir()
    env = thekiz_env(SSH_ORIGINAL_COMMAND="report --month 2026-11 --format pdf",
                     HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    before = snapshot(db.parent)
    result = subprocess.run(
        [sys.executable, "-m", "thekiz_tui", "--db", str(db), "session", "--as", "anna"],
        capture_output=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"%PDF"), result.stdout[:80]
    assert list(home.rglob("*")) == []
    assert snapshot(db.parent) == before


def test_the_language_may_come_before_the_command_as_on_the_command_line(db: Path) -> None:
    window = shlex.join(NOVEMBER)
    assert listed_ids(ran(db, f"--lang en list --format json {window}")) == ANNA_SEES
    assert listed_ids(ran(db, f"thekiz --lang=en list --format=json {window}")) == ANNA_SEES
    table = ran(db, f"--lang en list {window}")
    assert "Date" in table and "Datum" not in table, table
    refused = session(db, "--lang en edit x --title y")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "not allowed" in refused.stderr, refused.stderr
    bad = session(db, "--lang xx list")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    alone = session(db, "--lang")
    assert alone.returncode == 2 and "Traceback" not in alone.stderr
