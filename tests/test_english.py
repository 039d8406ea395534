"""English means English everywhere: every command's help, output and refusal, as a
real ``thekiz`` process with ``THEKIZ_LANG=en`` (or ``--lang en``) writes them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

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
    english(db, "conflicts", code=1)
    english(db, "conflicts", "--from", "2026-03-01", "--to", "2026-03-31", code=1)
    english(db, "conflicts", "--format", "json", code=1)
    english(db, "ack", twice.splitlines()[0], "--reason", "agreed")
    english(db, "edit", first.splitlines()[0], "--title", "Visit two")
    english(db, "remove", weekly, code=2)  # a series needs one of the three options
    english(db, "edit", weekly, "--occurrence", "2026-03-20", "--title", "x", code=2)
    english(db, "edit", weekly, "--occurrence", "2026-03-26", "--title", "Moved circle")
    english(db, "remove", weekly, "--occurrence", "2026-04-02")
    english(db, "remove", weekly, "--from-occurrence", "2026-04-09")
    english(db, "remove", first.splitlines()[0])
    english(db, "ack", "nothing", code=2)
    english(db, "edit", "nothing", "--title", "x", code=2)
    english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 09:30", code=2)
    english(db, "add", "--kind", "begleitung", "--start", "2026-03-17 09:30",
            "--end", "08:00", code=2)
    english(db, "list", "--from", "2026-03-20", "--to", "2026-03-01", code=2)
    english(db, "add", "--kind", "sonstiges", "--start", "2026-03-23", "--coach", "jana",
            "--rrule", "FREQ=SOMETIMES", code=2)
    english(db, "add", "--kind", "sonstiges", "--start", "2026-03-23", "--coach", "jana",
            "--rrule", "FREQ=MONTHLY;BYMONTHDAY=40", code=2)


def test_people_settings_report_and_calendar_files(db: Path, tmp_path: Path) -> None:
    english(db, "coach", "list")
    english(db, "coach", "list", "--format", "json")
    english(db, "kita", "list")
    english(db, "kita", "add", "--name", "Kita Moon", "--stage", "nowhere", code=2)
    english(db, "coach", "remove", "jana", code=2)  # she has events and a Kita
    english(db, "coach", "add", "--name", "Ole Two", "--rate", "lots", code=2)
    english(db, "settings", "set", "office_name", "Coordination office")
    english(db, "settings")
    english(db, "settings", "set", "nothing", "1", code=2)
    english(db, "report", "--month", "2026-03")
    # (JSON and CSV are data for programs: their values stay as stored, in any language.)
    assert thekiz(db, "report", "--month", "2026-03", "--format", "json").returncode == 0
    # The CSV is for German Excel (";", decimal commas, German heads), in either language,
    # as the PDF statement is in the programme's German.
    csv = thekiz(db, "report", "--month", "2026-03", "--format", "csv")
    assert csv.returncode == 0 and csv.stdout.startswith("\ufeffMonat;"), csv.stdout
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
    english(db, "feed", "reminder", "jana", "default")
    english(db, "feed", "reminder", "jana", "soon", code=2)
    english(db, "feed", "revoke", "jana")
    english(db, "feed", "grant", "nobody", code=2)


# -- the planner: keys, palette and calendar words in the app's language -----------------

# (the demo programme of 25.11.2026, as the planner's own tests open it)
from test_ui_planner import TODAY as PLANNER_DAY  # noqa: E402
from test_ui_planner import demo_db  # noqa: E402, F401


def footer_words(app: Any) -> list[str]:
    from textual.widgets import Footer

    return [str(w.description) for footer in app.screen.query(Footer)
            for w in footer.query("*") if getattr(w, "description", "")]


async def test_key_labels_are_translated_when_shown(demo_db: Path) -> None:  # noqa: F811
    # Apps in both languages, one after the other in one process: each footer speaks its
    # app's language, whichever language was chosen when the screens' modules were imported.
    from conftest import settle_app

    from thekiz_tui.app import PlannerApp, PlannerContext
    from thekiz_tui.i18n import set_lang

    seen: dict[str, list[str]] = {}
    try:
        for lang in ("en", "de", "en"):
            app = PlannerApp(PlannerContext(db=demo_db, today=PLANNER_DAY, lang=lang))
            async with app.run_test(size=(160, 40)) as pilot:
                await settle_app(app, pilot)
                seen[lang] = footer_words(app)
    finally:
        set_lang("de")
    assert {"New", "Edit", "Help", "Quit"} <= set(seen["en"]), seen["en"]
    assert {"Neu", "Bearbeiten", "Hilfe", "Beenden"} <= set(seen["de"]), seen["de"]
    assert not {"Neu", "Bearbeiten"} & set(seen["en"])


async def test_textual_palette_speaks_the_language(demo_db: Path) -> None:  # noqa: F811
    from conftest import settle_app
    from textual.command import CommandPalette
    from textual.widgets import Input

    from thekiz_tui.app import PlannerApp, PlannerContext
    from thekiz_tui.i18n import set_lang

    words = {"de": ("Befehle suchen …", {"Beenden", "Farbschema", "Tasten"}),
             "en": ("Search for commands…", {"Quit", "Theme", "Keys"})}
    try:
        for lang, (placeholder, titles) in words.items():
            app = PlannerApp(PlannerContext(db=demo_db, today=PLANNER_DAY, lang=lang))
            async with app.run_test(size=(120, 30)) as pilot:
                await settle_app(app, pilot)
                await pilot.press("ctrl+p")
                await settle_app(app, pilot)
                assert isinstance(app.screen, CommandPalette)
                assert app.screen.query_one(Input).placeholder == placeholder
                shown = {c.title for c in app.get_system_commands(app.screen_stack[0])}
                assert titles <= shown, shown
                helps = {c.help for c in app.get_system_commands(app.screen_stack[0])}
                assert not any("the" in h.split() for h in helps) or lang == "en", helps
    finally:
        set_lang("de")


def test_every_shown_key_and_palette_word_has_english() -> None:
    """Key labels are German in the code and translated when shown: each has English,
    and Textual's own palette words come back as Textual wrote them."""
    import ast

    from thekiz_tui import i18n
    from thekiz_tui.keys import PLANNER
    from thekiz_tui.palette import SYSTEM_WORDS

    catalogue = i18n.catalogue()
    root = Path(__file__).resolve().parent.parent / "thekiz_tui"
    labels = {a.description for a in PLANNER}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
                given = node.args[2:3] + [k.value for k in node.keywords
                                          if k.arg == "description"]
                labels |= {a.value for a in given
                           if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert len(labels) > 40
    # words translated where they are shown, not where they are written
    from thekiz_tui.planning import people
    from thekiz_tui.planning.labels import KIND_LABELS

    labels |= set(KIND_LABELS["de"].values())
    labels |= {*people._COACH_LABELS.values(), *people._KITA_LABELS.values(),
               "den Stundensatz", "das Budget"}
    assert not {label for label in labels if label not in catalogue}
    for english, german in SYSTEM_WORDS.items():
        assert catalogue[german] == english


def test_calendar_words_are_babels() -> None:
    """The month and weekday names and the date pattern thekiz shows are CLDR's, as
    Babel has them (``tools/cldr_names.py`` wrote them; run it after a Babel upgrade)."""
    import importlib.util

    from thekiz_tui.planning import cldr
    from thekiz_tui.planning.labels import month_title, show_date, show_day_month, weekday_abbr

    spec = importlib.util.spec_from_file_location(
        "cldr_names", Path(__file__).resolve().parent.parent / "tools" / "cldr_names.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for lang in ("de", "en"):
        words = tool.from_babel(lang)
        assert {k: v for k, v in words.items() if isinstance(v, tuple)} == cldr.NAMES[lang]
        assert {k: v for k, v in words.items() if isinstance(v, str)} == cldr.PATTERNS[lang]
    from babel.dates import format_date, format_skeleton

    day = date(2026, 3, 7)
    for lang, locale in (("de", "de_DE"), ("en", "en_GB")):
        assert show_date(day, lang) == format_skeleton("yMMdd", day, locale=locale)
        assert show_day_month(day, lang) == format_skeleton("MMdd", day, locale=locale)
        assert month_title(2026, 3, lang) == format_skeleton("yMMMM", day, locale=locale)
        assert weekday_abbr(5, lang) == format_date(day, "ccc", locale=locale)


def test_plurals_of_people_in_use(tmp_path: Path) -> None:
    from store import Coach, Event, Kita, Store
    from thekiz_tui.i18n import set_lang
    from thekiz_tui.planning.people import coach_in_use

    store = Store.open(tmp_path / "plan.json")
    store.add_coach(Coach(id="jana", name="Jana"))
    store.add_kita(Kita(id="sun", name="Sun", coach="jana"))
    for day in ("2026-03-17", "2026-03-18"):
        store.add_event(Event(id=f"e{day}", kind="sonstiges", start=day,
                              end=day[:-2] + str(int(day[-2:]) + 1), all_day=True,
                              coaches=["jana"]))
    try:
        assert coach_in_use(store, "jana") == (
            "„jana“ ist noch 1 Kita zugeordnet und in 2 Terminen eingetragen")
        set_lang("en")
        assert coach_in_use(store, "jana") == (
            '"jana" is still assigned to 1 Kita and entered in 2 events')
    finally:
        set_lang("de")


async def test_the_palettes_keys_speak_the_language(demo_db: Path) -> None:  # noqa: F811
    # Textual's "Keys" panel would draw the bindings' stored German texts in English too.
    from conftest import settle_app
    from textual.widgets import Static

    from thekiz_tui.app import PlannerApp, PlannerContext
    from thekiz_tui.i18n import set_lang
    from thekiz_tui.screens.help import HelpScreen

    shown: dict[str, str] = {}
    try:
        for lang in ("en", "de"):
            app = PlannerApp(PlannerContext(db=demo_db, today=PLANNER_DAY, lang=lang))
            async with app.run_test(size=(120, 40)) as pilot:
                await settle_app(app, pilot)
                app.action_show_help_panel()
                await settle_app(app, pilot)
                assert isinstance(app.screen, HelpScreen)
                titles = " ".join(str(s.render()) for s in app.screen.query(Static))
                rows = app.screen.rows or []
                shown[lang] = titles + " | " + " | ".join(row[2] for row in rows)
    finally:
        set_lang("de")
    assert "Keys of this screen" in shown["en"] and "| New |" in shown["en"], shown["en"]
    assert "Bearbeiten" not in shown["en"]
    assert "Tasten dieses Bildschirms" in shown["de"] and "| Neu |" in shown["de"], shown["de"]
