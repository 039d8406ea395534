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
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input

    from thekiz_tui.app import PlannerApp, PlannerContext
    from thekiz_tui.i18n import set_lang

    # (and where nothing matches: Textual says "No matches found" in any language)
    words = {"de": ("Befehle suchen …", {"Beenden", "Farbschema", "Tasten"}, "Keine Treffer"),
             "en": ("Search for commands…", {"Quit", "Theme", "Keys"}, "No matches found")}
    try:
        for lang, (placeholder, titles, nothing) in words.items():
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
                await pilot.press(*"qqxzzy")
                options = app.screen.query_one(CommandList)
                for _ in range(400):  # (the palette gathers hits in batches, on a timer)
                    await pilot.pause(0.01)
                    if options.option_count:
                        break
                await settle_app(app, pilot)
                listed = [str(getattr(o.prompt, "plain", o.prompt)) for o in options.options]
                assert listed == [nothing], listed
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


# -- what the first round left German: rights, import, store, money, serve, feed ---------

def both(db: Path, *args: str) -> tuple[str, str]:
    """stderr of a refusal (exit code 2) in English, then in German."""
    out = []
    for lang in ("en", "de"):
        result = thekiz(db, *args, lang=lang)
        assert result.returncode == 2, (lang, args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        out.append(result.stderr.strip())
    assert not german_in(out[0]), (args, german_in(out[0]), out[0])
    return out[0], out[1]


@pytest.fixture()
def team(tmp_path: Path) -> Path:
    db = tmp_path / "plan.json"
    english(db, "coach", "add", "--id", "jana", "--name", "Jana Lindner")
    english(db, "coach", "add", "--id", "ole", "--name", "Ole Brand")
    english(db, "kita", "add", "--id", "sun", "--name", "Kita Sun", "--coach", "ole")
    return db


def test_the_rights_layer_refuses_in_english(team: Path) -> None:
    circle = english(team, "add", "--kind", "arbeitskreis", "--start", "2026-03-18 09:30",
                     "--end", "11:00", "--coach", "jana", "--title", "Circle").strip()
    en, de = both(team, "--as", "jana", "edit", circle, "--title", "Mine now")
    assert en == ('thekiz: Not permitted: "Circle" is not an event of Jana Lindner\'s own. '
                  "Shared dates (working group, specialist day, training, facility visit) "
                  "and other people's events are changed by the coordination office.")
    assert de == ("thekiz: Keine Berechtigung: „Circle“ ist kein eigener Termin von Jana "
                  "Lindner. Gemeinsame Termine (Arbeitskreis, Fachtag, Fortbildung, "
                  "Einrichtungsbesuch) und die Termine anderer ändert die "
                  "Koordinationsstelle.")
    en, de = both(team, "--as", "jana", "coach", "add", "--id", "x", "--name", "X")
    assert en == ("thekiz: Not permitted: Coaches are changed only by the coordination "
                  "office, not by Jana Lindner.")
    assert de == ("thekiz: Keine Berechtigung: Prozessbegleiter*innen ändert nur die "
                  "Koordinationsstelle, nicht Jana Lindner.")
    en, _ = both(team, "--as", "jana", "settings", "set", "office_name", "Mine")
    assert en.startswith("thekiz: Not permitted: The settings are changed only"), en
    en, _ = both(team, "--as", "jana", "list", "--coach", "ole")
    assert "sees only her own plan" in en
    en, _ = both(team, "--as", "jana", "add", "--kind", "sonstiges", "--start",
                 "2026-03-19 09:00", "--end", "10:00", "--coach", "ole", "--title", "Hers")
    assert en.startswith('thekiz: Not permitted: Jana Lindner cannot add anyone else to "Hers"')


def test_the_import_notes_and_refusals_in_english(team: Path, tmp_path: Path) -> None:
    calendars = Path(__file__).resolve().parent / "data" / "calendars"
    notes = {"fastmail-cyrus_two-rrules.ics": "Read leniently (1x): several repeat rules "
             "(RRULE) in one event - all of them count together.",
             "exchange-2010_escaped-tzid-kuala-lumpur.ics": 'Read leniently (1x): time zone '
             '"Kuala Lumpur, Singapore" read as Asia/Singapore.'}
    for name, note in notes.items():
        result = thekiz(team, "import", str(calendars / name), "--dry-run", "--coach", "jana")
        assert result.returncode == 0, result.stderr
        # (the file's own titles are German: the lines thekiz writes are checked)
        lines = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
        assert note in lines, lines
        assert not german_in("\n".join(lines)), lines
        german = thekiz(team, "import", str(calendars / name), "--dry-run", "--coach", "jana",
                        lang="de").stdout
        assert "Nachsichtig gelesen (1×): " in german
    # A file of another store names a coach this one does not know.
    other = tmp_path / "other" / "plan.json"
    english(other, "coach", "add", "--id", "mira", "--name", "Mira")
    english(other, "add", "--kind", "sonstiges", "--start", "2026-03-20 09:00", "--end",
            "10:00", "--coach", "mira", "--title", "Desk")
    ics = tmp_path / "mira.ics"
    english(other, "export", "-o", str(ics))
    en, de = both(team, "import", str(ics))
    assert en == ('thekiz: The file names what does not exist here: Coach "mira". Please '
                  "choose: assign with --map-coach OLD=NEW or --map-kita OLD=NEW, create with "
                  "--create-missing, or leave the entry out with --drop-unknown.")
    assert de.startswith("thekiz: Die Datei nennt, was es hier nicht gibt: "
                         "Prozessbegleiter*in „mira“. Bitte wählen:"), de
    en, _ = both(team, "import", str(ics), "--map-coach", "mira=nobody")
    assert en == 'thekiz: --map-coach mira=nobody: the coach "nobody" does not exist here.'
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n", encoding="utf-8")
    en, de = both(team, "import", str(broken))
    assert "The file is incomplete (cut off?)" in en
    assert "Die Datei ist unvollständig (abgeschnitten?)" in de


def test_store_errors_in_english(team: Path) -> None:
    import json

    main = team.read_bytes()
    team.write_text("", encoding="utf-8")
    en, de = both(team, "list")
    assert en == (f"thekiz: The database {team} is damaged or unreadable (the file is "
                  f"empty). It is left as it is. The last good copy is in {team}.bak.")
    assert de == (f"thekiz: Die Datenbank {team} ist beschädigt oder unlesbar (die Datei ist "
                  f"leer). Sie wird nicht verändert. Die letzte gute Kopie liegt in "
                  f"{team}.bak.")
    team.write_text("{broken", encoding="utf-8")
    en, _ = both(team, "list")
    assert "is damaged or unreadable (not valid JSON: " in en
    data = json.loads(main)
    data["meta"]["schema"]["version"] = 99
    team.write_text(json.dumps(data), encoding="utf-8")
    en, _ = both(team, "list")
    assert en.endswith("has schema 99; this version of thekiz knows only up to 3. "
                       "Please update thekiz."), en


def test_a_locked_store_refuses_in_english(tmp_path: Path) -> None:
    # (in one process: the CLI waits 30 s for the lock; the refusal is the same sentence)
    from filelock import FileLock

    from store import Coach, Store, StoreBusy
    from thekiz_tui.errors import person_message
    from thekiz_tui.i18n import set_lang

    path = tmp_path / "plan.json"
    Store.open(path).add_coach(Coach(id="jana", name="Jana"))
    other = FileLock(str(path) + ".lock", thread_local=False)
    with other, pytest.raises(StoreBusy) as caught:
        Store(path, lock_timeout=0.05).add_coach(Coach(id="ole", name="Ole"))
    assert person_message(caught.value) == (
        f"Die Datenbank {path} ist seit 0 s von einem anderen Prozess gesperrt. Bitte gleich "
        "noch einmal versuchen.")
    try:
        set_lang("en")
        assert person_message(caught.value) == (
            f"The database {path} has been locked by another process for 0 s. Please try "
            "again in a moment.")
    finally:
        set_lang("de")


def test_a_changed_elsewhere_message_worded_anew_stays_as_worded() -> None:
    # planning.history words ChangedElsewhere itself: the store's template no longer holds.
    from store import ChangedElsewhere, Event
    from thekiz_tui.errors import person_message
    from thekiz_tui.planning.history import _conflict

    event = Event(id="ev-1", kind="sonstiges", start="2026-03-20", end="2026-03-21",
                  all_day=True, title="Desk")
    error = _conflict("Rückgängig", event, 2, None)
    assert isinstance(error, ChangedElsewhere)
    assert person_message(error) == " ".join(str(error).split())
    assert "Rückgängig nicht möglich" in str(error)


def test_money_and_settings_in_english(team: Path) -> None:
    from thekiz_tui.i18n import set_lang
    from thekiz_tui.planning.money import typed

    en, de = both(team, "settings", "set", "budget_basis", "abc")
    assert en == 'thekiz: "abc" does not fit the setting "budget_basis".'
    assert de == "thekiz: „abc“ passt nicht zur Einstellung „budget_basis“."
    with pytest.raises(ValueError, match=r"^'abc' ist kein Betrag$"):
        typed("abc")
    try:
        set_lang("en")
        with pytest.raises(ValueError, match=r"^'abc' is not an amount$"):
            typed("abc")
    finally:
        set_lang("de")


def test_holiday_names_in_english(team: Path) -> None:
    english(team, "add", "--kind", "begleitung", "--start", "2026-12-25 10:00", "--end",
            "11:00", "--coach", "ole", "--kita", "sun", "--title", "Visit")
    en = english(team, "conflicts", "--from", "2026-12-01", "--to", "2026-12-31", code=1)
    assert "falls on a public holiday: Christmas Day (25/12/2026)" in en, en
    de = thekiz(team, "conflicts", "--from", "2026-12-01", "--to", "2026-12-31", lang="de")
    assert "fällt auf einen Feiertag: Erster Weihnachtstag (25.12.2026)" in de.stdout


def test_texts_kept_as_constants_have_english() -> None:
    """Texts that are constants (tested against in German) and translated where used."""
    from thekiz_tui import i18n
    from thekiz_tui.ical.importer import LENIENT
    from thekiz_tui.ical.references import HINT
    from thekiz_tui.remote import server, session

    catalogue = i18n.catalogue()
    texts = [*LENIENT.values(), HINT, server.REVOKED, server.NEEDS_TERMINAL, session.REVOKED,
             session.NOT_GRANTED, "die Datei ist leer", "kein gültiges JSON",
             "unerwarteter Aufbau", "Journal unlesbar", "kein Platz mehr auf dem Datenträger",
             "Speicherkontingent erschöpft", "das Dateisystem ist schreibgeschützt",
             "keine Schreibrechte", "Datenbank", "Quittierung", "Termin", "Kita",
             "Prozessbegleiter*in", "Prozessbegleiter*innen", "Kitas", "Die Einstellungen"]
    assert not [t for t in texts if t not in catalogue]


def test_store_error_templates_have_english(tmp_path: Path) -> None:
    import errno

    from store import errors

    made = [errors.CorruptStore(tmp_path, "x"), errors.CorruptStore(tmp_path, "x", tmp_path),
            errors.NewerSchema(tmp_path, 9, 3),
            errors.StoreWriteError(tmp_path, OSError(errno.ENOSPC, "full")),
            errors.ForeignOwner(tmp_path, "a", "b", root=False),
            errors.ForeignOwner(tmp_path, "a", "b", root=True),
            errors.StoreBusy(tmp_path, 1), errors.ChangedElsewhere("Termin", "e", 1, None),
            errors.ChangedElsewhere("Termin", "e", 1, 2), errors.NotFound("Termin", "e"),
            errors.AlreadyExists("Termin", "e")]
    catalogue = __import__("thekiz_tui.i18n", fromlist=["catalogue"]).catalogue()
    for error in made:
        assert error.template in catalogue, error.template
        # (the German message is the template filled in: one place says it)
        assert error.template.format(**error.values) == str(error)


def test_serve_speaks_english(tmp_path: Path) -> None:
    import asyncio
    import signal

    from test_serve import connect, grant, make_key, make_store

    db = tmp_path / "plan.json"
    make_store(db)
    keys = tmp_path / "authorized_keys"
    key = make_key(tmp_path, "anna")
    grant(db, keys, "anna", key)
    env = {**os.environ, "THEKIZ_TODAY": TODAY, "THEKIZ_LANG": "en"}
    process = subprocess.Popen(
        [sys.executable, "-m", "thekiz_tui", "--db", str(db), "serve", "--port", "0",
         "--host-key", str(tmp_path / "host_key"), "--authorized-keys", str(keys),
         "--log", str(tmp_path / "serve.log")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline(), process.stdout.readline()]
        assert banner[0].startswith("thekiz serve: host key SHA256:"), banner
        assert banner[0].rstrip().endswith("(newly made)"), banner
        found = re.search(r"listening on 127\.0\.0\.1:(\d+) \(access: ", banner[1])
        assert found, banner
        assert not german_in("".join(banner)), banner

        async def shell() -> bytes:
            async with await connect(int(found.group(1)), key) as conn:
                shell = await conn.create_process(encoding=None)  # a shell, no terminal
                _, err = await asyncio.wait_for(shell.communicate(), 60)
            assert isinstance(err, bytes)
            return err

        err = asyncio.run(shell()).decode()
        assert err.strip() == ('thekiz: The planner needs a terminal: please use "ssh -t", '
                               "or give a command (export, list, conflicts, report).")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


def test_the_feed_answers_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_feed import build_store, get, running

    db = tmp_path / "plan.json"
    build_store(db)
    monkeypatch.setenv("THEKIZ_LANG", "en")
    with running(db) as server:
        base = f"http://127.0.0.1:{server.port}"
        wrong = get(f"{base}/feed/{'x' * 43}.ics")
        assert (wrong.status, wrong.body) == (404, b"Not found.\n")
        post = get(f"{base}/feed/x.ics", method="POST")
        assert (post.status, post.body) == (405, b"Only GET and HEAD.\n")
    monkeypatch.setenv("THEKIZ_LANG", "de")
    with running(db) as server:
        wrong = get(f"http://127.0.0.1:{server.port}/feed/{'x' * 43}.ics")
        assert (wrong.status, wrong.body) == (404, b"Nicht gefunden.\n")


async def test_an_empty_choice_is_named_in_her_language(tmp_path: Path) -> None:
    # Textual's Select says "Select" where nothing is chosen, in any language.
    from test_ui_dialogs import Host, settle
    from textual.widgets import Select

    from store import Coach, Store
    from thekiz_tui.dialogs.people import KitaDialog
    from thekiz_tui.i18n import set_lang
    from thekiz_tui.session import Session

    db = tmp_path / "plan.json"
    Store.open(db).add_coach(Coach(id="jana", name="Jana Lindner"))
    prompts: dict[str, set[str]] = {}
    try:
        for lang in ("en", "de"):
            set_lang(lang)
            app = Host(lambda: KitaDialog(Session(Store.open(db), today=date(2026, 3, 16))))
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                empty = [s for s in app.screen.query(Select) if s.is_blank()]
                prompts[lang] = {str(s.prompt) for s in empty}
                assert {s.id for s in empty} == {"district", "coach"}
    finally:
        set_lang("de")
    assert prompts == {"en": {"(none)"}, "de": {"(keine)"}}
