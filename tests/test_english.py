"""English means English everywhere: every command's help, output and refusal, as a
real ``thekiz`` process with ``THEKIZ_LANG=en`` (or ``--lang en``) writes them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2026-03-16"  # a Monday

# Words and letters that give German away. The store's own words that the CLI accepts
# as values (begleitung, geplant, ...) are lower case and not among them; the test's
# data (names, titles) is chosen without any of them.
GERMAN = re.compile(
    r"[äöüÄÖÜß„“]|\b(Termine?|nicht|und|oder|Befunde?|bitte|Bitte|keine?|Keine?|ist|gibt|"
    r"Datei|Serie|Gelöscht|gespeichert|Zeitraum|Fehler|Warnung|Hinweis|Stunden|Summe|"
    r"Aufruf|Optionen|Einstellung|Zugang|Zugänge|ganztägig|vorher|Datum|allgemein|"
    r"Prozessbegleiter\*in|Prozessbegleiter\*innen|Uhr|Monat|Woche|Tag|Tage|Mo|Di|Mi|Do|Fr|"
    r"Sa|So)\b")


def thekiz(db: Path, *args: str, lang: str = "en",
           input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": TODAY, "LANG": "C.UTF-8", "THEKIZ_LANG": lang}
    env.pop("THEKIZ_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=120, input=input,
    )


def german_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in GERMAN.finditer(text)})


def english(db: Path, *args: str, code: int = 0, input: str | None = None) -> str:
    result = thekiz(db, *args, input=input)
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    text = result.stdout + result.stderr
    assert not german_in(text), (args, german_in(text), text)
    return text


def commands() -> list[str]:
    from thekiz_tui.cli import build_parser

    parser = build_parser()
    subs = next(a for a in parser._actions if a.dest == "command")
    return sorted(subs.choices)


def test_the_check_finds_german(tmp_path: Path) -> None:
    # The same help in German is caught: the word list is not blind.
    result = thekiz(tmp_path / "plan.json", "add", "--help", lang="de")
    assert {"Termin", "Aufruf"} <= set(german_in(result.stdout)), result.stdout


@pytest.mark.parametrize("command", ["", *commands()])
def test_every_help_is_english(tmp_path: Path, command: str) -> None:
    text = english(tmp_path / "plan.json", *([command] if command else []), "--help")
    assert "usage: thekiz" in text


def test_lang_after_the_command_and_argparse_refusals(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    result = thekiz(db, "list", "--bogus", "--lang", "en", lang="de")
    assert result.returncode == 2
    assert result.stderr.strip() == "thekiz: unrecognized arguments: --bogus (help: thekiz --help)"
    english(db, "list", "--from", "someday", code=2)
    english(db, "coach", "fly", code=2)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("en") / "plan.json"
    english(db, "coach", "add", "--id", "jana", "--name", "Jana Lindner", "--rate", "62.50")
    english(db, "coach", "add", "--id", "ole", "--name", "Ole Brand", "--role", "coordinator")
    english(db, "kita", "add", "--id", "sun", "--name", "Kita Sun", "--district", "Gera",
            "--stage", "basis", "--since", "2025-03-01", "--coach", "jana", "--budget", "5000")
    return db


def test_event_commands_and_their_findings(db: Path) -> None:
    first = english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 09:30",
                    "--end", "11:00", "--coach", "jana", "--kita", "sun", "--title", "Visit")
    # the same time again: a double booking, reported in English after the id
    twice = english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 10:00",
                    "--end", "12:00", "--coach", "jana", "--kita", "sun", "--title", "Visit")
    assert len(twice.splitlines()) >= 2, twice
    weekly = english(db, "add", "--kind", "arbeitskreis", "--start", "2026-03-19 14:00",
                     "--end", "15:00", "--coach", "jana", "--title", "Circle",
                     "--rrule", "FREQ=WEEKLY;COUNT=4").splitlines()[0]
    english(db, "add", "--kind", "fortbildung", "--start", "2026-03-21", "--title", "Course",
            "--coach", "jana")
    table = english(db, "list")
    assert "Visit" in table and "all day" in table and "Tue" in table
    english(db, "list", "--format", "json")
    english(db, "search", "visit")
    english(db, "search", "nothing-like-this", code=1)
    english(db, "conflicts")
    english(db, "conflicts", "--from", "2026-03-01", "--to", "2026-03-31", code=1)
    english(db, "conflicts", "--format", "json", code=1)
    english(db, "edit", first.splitlines()[0], "--title", "Visit two")
    english(db, "remove", weekly, code=2)  # a series needs one of the three options
    english(db, "edit", weekly, "--occurrence", "2026-03-20", "--title", "x", code=2)
    english(db, "edit", weekly, "--occurrence", "2026-03-26", "--title", "Moved circle")
    english(db, "remove", weekly, "--occurrence", "2026-04-02")
    english(db, "remove", weekly, "--from-occurrence", "2026-04-09")
    english(db, "remove", first.splitlines()[0])
    english(db, "ack", twice.splitlines()[0], "--reason", "agreed")
    english(db, "ack", "nothing", code=2)
    english(db, "edit", "nothing", "--title", "x", code=2)
    english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 09:30", code=2)
    english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 09:30",
            "--end", "08:00", code=2)
    english(db, "list", "--from", "2026-03-20", "--to", "2026-03-01", code=2)


def test_people_settings_report_and_calendar_files(db: Path, tmp_path: Path) -> None:
    english(db, "coach", "list")
    english(db, "coach", "list", "--format", "json")
    english(db, "kita", "list")
    english(db, "kita", "add", "--name", "Kita Moon", "--stage", "nowhere", code=2)
    english(db, "coach", "remove", "jana", code=2)  # she has events and a Kita
    english(db, "settings")
    english(db, "settings", "set", "nothing", "1", code=2)
    english(db, "report", "--month", "2026-03")
    english(db, "report", "--month", "2026-03", "--format", "csv")
    english(db, "report", "--month", "2026-13", code=2)
    ics = tmp_path / "plan.ics"
    english(db, "export", "-o", str(ics))
    english(db, "import", str(ics), "--dry-run")
    english(db, "import", str(tmp_path / "missing.ics"), code=2)


def test_access_and_feed(db: Path, tmp_path: Path) -> None:
    keys = tmp_path / "authorized_keys"
    english(db, "access", "list", "--authorized-keys", str(keys))
    english(db, "access", "grant", "jana", "-", "--authorized-keys", str(keys),
            input="not a key\n", code=2)
    english(db, "feed", "list")
    english(db, "feed", "grant", "jana")
    english(db, "feed", "reminder", "jana", "15")
    english(db, "feed", "reminder", "jana")
    english(db, "feed", "revoke", "jana")
    english(db, "feed", "grant", "nobody", code=2)
