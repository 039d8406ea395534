"""The ``thekiz`` command line: the parser, the dispatch to a command and the exit codes.

Every command opens the store given by ``--db`` (or ``THEKIZ_DB``, or the user data
folder), does its work and exits with
- 0 on success,
- 1 from ``thekiz conflicts`` when unacknowledged errors or warnings exist,
- 2 on bad input or a store problem, with one German line on stderr,
- 130 on Ctrl-C.

The commands live in ``thekiz_tui.commands``, one module per area. The parser names each
command's function as ``"module:function"``; ``run`` imports that module only when its
command runs.

Start-up speed matters: heavy modules (Textual, icalendar, holidays, the checker) are
imported inside the commands that need them, never at module level.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .commands.common import one_line
from .config import Config
from .errors import EXIT_BAD as EXIT_BAD
from .errors import EXIT_FINDINGS as EXIT_FINDINGS
from .errors import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from .errors import EXIT_OK as EXIT_OK
from .errors import UsageError as UsageError
from .errors import person_message
from .i18n import lang, set_lang, tr

# -- argparse in German -------------------------------------------------------------------

_ARGPARSE_DE = {
    "usage: ": "Aufruf: ",
    "options": "Optionen",
    "positional arguments": "Argumente",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "the following arguments are required: %s": "es fehlen die Angaben: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "expected one argument": "erwartet einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ungültige Auswahl: %(value)r (möglich: %(choices)s)",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
}


def _german(text: str) -> str:
    """argparse's own words in German; in English as argparse has them."""
    return _ARGPARSE_DE.get(text, text) if lang() == "de" else text


argparse._ = _german  # type: ignore[attr-defined]  # argparse looks `_` up at call time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(tr("{message} (Hilfe: {prog} --help)", message=message, prog=self.prog))


# -- the parser ------------------------------------------------------------------------------


def _foreign_help() -> str:
    return tr("nur root: eine Datenbank eines anderen Kontos bearbeiten "
              "(die Dateien behalten dessen Besitz)")


def _common(sub: argparse.ArgumentParser) -> None:
    """Global options repeated after the subcommand for convenience."""
    group = sub.add_argument_group(tr("allgemein"))
    group.add_argument("--db", default=argparse.SUPPRESS, metavar=tr("PFAD"),
                       help=tr("Datenbank (sonst $THEKIZ_DB oder Benutzerdatenordner)"))
    group.add_argument("--as", dest="as_coach", default=argparse.SUPPRESS, metavar="ID",
                       help=tr("als diese*r Prozessbegleiter*in arbeiten"))
    group.add_argument("--lang", default=argparse.SUPPRESS, choices=("de", "en"),
                       help=tr("Sprache"))
    group.add_argument("--allow-foreign-owner", action="store_true", default=argparse.SUPPRESS,
                       help=_foreign_help())


def _window_options(sub: argparse.ArgumentParser, kind: bool = True) -> None:
    sub.add_argument("--from", dest="start", metavar=tr("DATUM"), help=tr("ab diesem Tag"))
    sub.add_argument("--to", dest="to", metavar=tr("DATUM"),
                     help=tr("bis einschließlich diesem Tag"))
    sub.add_argument("--coach", metavar="ID", help=tr("nur diese*r Prozessbegleiter*in"))
    sub.add_argument("--kita", metavar="ID", help=tr("nur diese Kita"))
    if kind:
        sub.add_argument("--kind", metavar=tr("ART"), help=tr("nur diese Art"))


def _occurrence_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--occurrence", metavar=tr("DATUM"),
                     help=tr("nur den Termin der Serie an diesem Tag"))
    sub.add_argument("--from-occurrence", metavar=tr("DATUM"),
                     help=tr("diesen Termin der Serie und die folgenden"))
    sub.add_argument("--series", action="store_true", help=tr("die ganze Serie"))


def _event_options(sub: argparse.ArgumentParser, *, editing: bool) -> None:
    sub.add_argument("--id", help=argparse.SUPPRESS if editing else tr("eigene ID (sonst neu)"))
    sub.add_argument("--kind", metavar=tr("ART"),
                     help=tr("begleitung, fortbildung, arbeitskreis, fachtag, "
                          "einrichtungsbesuch, sonstiges"))
    sub.add_argument("--start", metavar=tr("WANN"),
                     help=tr("z. B. „4.3.2025 9:30“ oder 2025-03-04"))
    sub.add_argument("--end", metavar=tr("WANN"),
                     help=tr("Ende; bei Uhrzeit auch nur „11:00“; ganztägig: letzter Tag"))
    sub.add_argument("--all-day", action=argparse.BooleanOptionalAction, default=None,
                     help=tr("ganztägig (--start/--end sind Tage, --end einschließlich)"))
    sub.add_argument("--title", metavar=tr("TITEL"))
    sub.add_argument("--coach", action="append", metavar="ID",
                     help=tr("Prozessbegleiter*in (mehrfach möglich)"))
    sub.add_argument("--kita", metavar="ID")
    sub.add_argument("--participant", action="append", metavar="ID",
                     help=tr("teilnehmende Kita oder Person (mehrfach möglich)"))
    sub.add_argument("--location", metavar=tr("ORT"))
    sub.add_argument("--rrule", metavar=tr("REGEL"),
                     help=tr("Wiederholung, z. B. FREQ=MONTHLY;INTERVAL=3"))
    sub.add_argument("--free", action=argparse.BooleanOptionalAction, default=None,
                     help=tr("als frei markieren (blockiert nicht)"))
    sub.add_argument("--status", metavar=tr("STATUS"),
                     help=tr("geplant, bestaetigt, durchgefuehrt, abgesagt"))
    sub.add_argument("--subtype", metavar=tr("UNTERART"), help=tr("Art der Fortbildung"))
    sub.add_argument("--notes", metavar="TEXT")


def _global_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--db", default=None, metavar=tr("PFAD"),
                        help=tr("Datenbank (sonst $THEKIZ_DB oder Benutzerdatenordner)"))
    parser.add_argument("--as", dest="as_coach", default=None, metavar="ID",
                        help=tr("als diese*r Prozessbegleiter*in arbeiten"))
    parser.add_argument("--lang", default=None, choices=("de", "en"), help=tr("Sprache"))
    parser.add_argument("--allow-foreign-owner", action="store_true", help=_foreign_help())
    return parser


def _planner_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """``thekiz`` with global options only (the planner), parsed without building every
    command's parser: that would cost the planner's start several milliseconds. None
    when ``argv`` holds anything else (a command, ``--help``, ``--version``).

    The language is chosen here, before any text is made: ``--lang`` wherever it stands
    (also after the command), else ``THEKIZ_LANG``, else German."""
    parser = _global_options(_Parser(prog="thekiz", add_help=False))
    args, rest = parser.parse_known_args(argv)
    set_lang(args.lang or os.environ.get("THEKIZ_LANG", "") or "de")
    return None if rest else args


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="thekiz", description=tr("Planer für die Prozessbegleitung ThEKiZ."))
    _global_options(parser)
    parser.add_argument("--version", action="version", version=_version(),
                        help=tr("die Version zeigen und beenden"))
    subs = parser.add_subparsers(dest="command", metavar=tr("BEFEHL"), parser_class=_Parser)

    def command(name: str, fn: str, help_text: str) -> argparse.ArgumentParser:
        sub = subs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=fn)
        _common(sub)
        return sub

    sub = command("demo", "demo:cmd_demo",
                  tr("fiktive Demodaten in eine leere Datenbank schreiben"))
    sub.add_argument("--events", type=int, default=None, metavar="N",
                     help=tr("Vergangenheit auf N Termine auffüllen (für Messungen)"))
    sub.add_argument("--seed", type=int, default=0, metavar="S")

    sub = command("coach", "people:cmd_coach", tr("Prozessbegleiter*innen verwalten"))
    sub.add_argument("action", choices=("add", "list", "edit", "remove"))
    sub.add_argument("record_id", nargs="?", metavar="ID")
    sub.add_argument("--id")
    sub.add_argument("--name")
    sub.add_argument("--email")
    sub.add_argument("--rate", metavar=tr("EURO"), help=tr("Stundensatz in €/h"))
    sub.add_argument("--role", metavar=tr("ROLLE"), help=tr("coach oder coordinator"))
    sub.add_argument("--force", action="store_true")
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("kita", "people:cmd_kita", tr("Kitas verwalten"))
    sub.add_argument("action", choices=("add", "list", "edit", "remove"))
    sub.add_argument("record_id", nargs="?", metavar="ID")
    sub.add_argument("--id")
    sub.add_argument("--name")
    sub.add_argument("--district", metavar=tr("LANDKREIS"))
    sub.add_argument("--stage", metavar=tr("STUFE"), help=tr("basis, vertiefung, konsultation"))
    sub.add_argument("--since", metavar=tr("DATUM"), help=tr("in dieser Stufe seit"))
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--budget", metavar=tr("EURO"), help=tr("Jahresbudget in €"))
    sub.add_argument("--provider", metavar=tr("TRÄGER"))
    sub.add_argument("--address", metavar=tr("ADRESSE"))
    sub.add_argument("--force", action="store_true")
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("add", "events:cmd_add", tr("einen Termin anlegen (gibt die ID aus)"))
    _event_options(sub, editing=False)

    sub = command("edit", "events:cmd_edit", tr("einen Termin ändern"))
    sub.add_argument("event_id", metavar="ID")
    _event_options(sub, editing=True)
    _occurrence_options(sub)

    sub = command("remove", "events:cmd_remove", tr("einen Termin löschen"))
    sub.add_argument("event_id", metavar="ID")
    _occurrence_options(sub)

    sub = command("list", "events:cmd_list", tr("Termine auflisten (ohne Zeitraum: dieser Monat)"))
    _window_options(sub)
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("search", "search:cmd_search",
                  tr("Termine nach Wörtern suchen: Titel, Notizen, Orte, Kitas, Begleitung "
                  "(Exit 1 ohne Treffer)"))
    sub.add_argument("text", metavar="TEXT", help=tr("alle Wörter müssen vorkommen; "
                     "Groß-/Kleinschreibung und Akzente egal"))
    _window_options(sub)
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("conflicts", "findings:cmd_conflicts",
                  tr("Konflikte prüfen (Exit 1 bei offenen Fehlern oder Warnungen)"))
    _window_options(sub, kind=False)
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("ack", "findings:cmd_ack", tr("Befunde quittieren (Befund-ID oder Termin-ID)"))
    sub.add_argument("targets", nargs="+", metavar="ID")
    sub.add_argument("--reason", metavar="TEXT")

    sub = command("export", "ical:cmd_export", tr("Termine als iCalendar (.ics) exportieren"))
    _window_options(sub)
    sub.add_argument("-o", "--output", required=True, metavar=tr("DATEI"),
                     help=tr("Zieldatei oder - für die Standardausgabe"))

    sub = command("import", "ical:cmd_import", tr("Termine aus einer .ics-Datei importieren"))
    sub.add_argument("file", metavar=tr("DATEI"))
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--kind", metavar=tr("ART"))
    sub.add_argument("--dry-run", action="store_true", help=tr("nur zeigen, nichts speichern"))
    sub.add_argument("--map-coach", action="append", metavar=tr("ALT=NEU"),
                     help=tr("eine hier unbekannte Prozessbegleiter*in der Datei zuordnen"))
    sub.add_argument("--map-kita", action="append", metavar=tr("ALT=NEU"),
                     help=tr("eine hier unbekannte Kita der Datei zuordnen"))
    sub.add_argument("--create-missing", action="store_true",
                     help=tr("unbekannte Prozessbegleiter*innen und Kitas anlegen"))
    sub.add_argument("--drop-unknown", action="store_true",
                     help=tr("unbekannte Angaben weglassen"))

    sub = command("report", "report:cmd_report", tr("Stundennachweis eines Monats"))
    sub.add_argument("--month", required=True, metavar=tr("JJJJ-MM"))
    sub.add_argument("--coach", metavar="ID")
    sub.add_argument("--format", choices=("table", "csv", "json", "pdf"), default="table")
    sub.add_argument("-o", "--output", metavar=tr("DATEI"),
                     help=tr("PDF hierhin (- für die Standardausgabe; sonst in den Ordner "
                          "Dokumente)"))

    sub = command("settings", "settings:cmd_settings", tr("Einstellungen zeigen oder ändern"))
    sub.add_argument("action", nargs="?", choices=("list", "set"), default="list")
    sub.add_argument("name", nargs="?")
    sub.add_argument("value", nargs="?")
    sub.add_argument("--format", choices=("table", "json"), default="table")

    # -- the team on one server (SSH) --
    sub = command("access", "access:cmd_access",
                  tr("SSH-Zugänge verwalten: grant, list, revoke (authorized_keys)"))
    sub.add_argument("action", choices=("grant", "list", "revoke"))
    sub.add_argument("who", nargs="?", metavar="ID",
                     help=tr("grant: Prozessbegleiter*in; revoke: ID oder Fingerabdruck"))
    sub.add_argument("key", nargs="?", metavar=tr("SCHLÜSSEL.pub"),
                     help=tr("grant: Datei mit dem öffentlichen Schlüssel (- für stdin)"))
    sub.add_argument("--authorized-keys", metavar=tr("PFAD"),
                     help=tr("Zieldatei (sonst ~/.ssh/authorized_keys)"))
    sub.add_argument("--format", choices=("table", "json"), default="table")

    sub = command("session", "session:cmd_session",
                  tr("eine SSH-Sitzung bedienen (erzwungener Befehl, liest $SSH_ORIGINAL_COMMAND)"))
    sub.add_argument("--key", metavar=tr("FINGERABDRUCK"), help=tr("der Schlüssel dieses Zugangs"))
    sub.add_argument("--grants", metavar=tr("PFAD"), help=tr("die Datei dieses Zugangs"))

    sub = command("serve", "serve:cmd_serve",
                  tr("eigener SSH-Server für das Team (wenn sshd nicht einstellbar ist)"))
    sub.add_argument("--host", default="127.0.0.1", metavar=tr("ADRESSE"))
    sub.add_argument("--port", type=int, default=2222)
    sub.add_argument("--host-key", metavar=tr("PFAD"),
                     help=tr("Host-Schlüssel (sonst im Datenordner; beim ersten Start erzeugt)"))
    sub.add_argument("--authorized-keys", metavar=tr("PFAD"),
                     help=tr("Zugänge (sonst ~/.ssh/authorized_keys)"))
    sub.add_argument("--max-sessions", type=int, default=20, metavar="N",
                     help=tr("Sitzungen gleichzeitig, insgesamt (Standard: 20)"))
    sub.add_argument("--max-sessions-per-coach", type=int, default=3, metavar="N",
                     help=tr("Sitzungen gleichzeitig je Person (Standard: 3)"))
    sub.add_argument("--idle-timeout", type=float, default=30.0, metavar=tr("MINUTEN"),
                     help=tr("Sitzung ohne Eingabe beenden nach (Standard: 30; 0: nie)"))
    sub.add_argument("--login-timeout", type=float, default=60.0, metavar=tr("SEKUNDEN"),
                     help=tr("Zeit für die Anmeldung (Standard: 60)"))
    sub.add_argument("--no-session-timeout", type=float, default=60.0, metavar=tr("SEKUNDEN"),
                     help=tr("angemeldete Verbindung ohne Sitzung schließen nach "
                          "(Standard: 60; 0: nie)"))
    sub.add_argument("--max-unauthenticated", type=int, default=50, metavar="N",
                     help=tr("Verbindungen vor der Anmeldung, insgesamt (Standard: 50)"))
    sub.add_argument("--max-unauthenticated-per-address", type=int, default=10,
                     metavar="N", help=tr("davon je Absenderadresse (Standard: 10)"))
    sub.add_argument("--log", metavar=tr("PFAD"), help=tr("Verbindungsprotokoll (sonst stderr)"))

    # -- her plan on her phone --
    sub = command("feed", "feed:cmd_feed",
                  tr("private Kalender-Links fürs Handy: serve, grant, revoke, list, reminder"))
    sub.add_argument("action", choices=("serve", "grant", "revoke", "list", "reminder"))
    sub.add_argument("coach", nargs="?", metavar="ID", help=tr("die Prozessbegleiter*in"))
    sub.add_argument("minutes", nargs="?", metavar=tr("MINUTEN"),
                     help=tr("reminder: Minuten vorher, „aus“ oder „standard“"))
    sub.add_argument("--host", default="127.0.0.1", metavar=tr("ADRESSE"))
    sub.add_argument("--port", type=int, default=8080)
    sub.add_argument("--base-url", metavar="URL",
                     help=tr("grant: Adresse des Servers von außen, z. B. "
                          "https://kalender.example.org (sonst Einstellung feed_base_url, "
                          "sonst http://HOST:PORT)"))
    sub.add_argument("--burst", type=int, default=20, metavar="N",
                     help=tr("serve: Anfragen je Adresse auf einmal (Standard: 20)"))
    sub.add_argument("--per-minute", type=float, default=12.0, metavar="N",
                     help=tr("serve: danach Anfragen je Adresse und Minute (Standard: 12)"))
    sub.add_argument("--behind-proxy", action="store_true",
                     help=tr("serve: hinter einem Proxy auf diesem Rechner (X-Forwarded-For)"))
    sub.add_argument("--log", metavar=tr("PFAD"), help=tr("serve: Protokoll (sonst stderr)"))
    sub.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _version() -> str:
    import thekiz_tui

    return f"thekiz {getattr(thekiz_tui, '__version__', '')}".strip()


# -- running a command ---------------------------------------------------------------------

Command = Callable[[Config, argparse.Namespace], int]

def _command(target: str) -> Command:
    """The function named ``"module:function"`` in ``thekiz_tui.commands``, imported now."""
    from importlib import import_module

    module, name = target.split(":")
    func: Command = getattr(import_module(f"{__package__}.commands.{module}"), name)
    return func


def run(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _planner_args(argv) or build_parser().parse_args(argv)
    config = Config.resolve(db=args.db, as_coach=args.as_coach, lang=args.lang)
    if args.allow_foreign_owner:
        from store.storage import allow_foreign_owner

        allow_foreign_owner()
    target: str = getattr(args, "func", None) or "planner:cmd_planner"
    result: int = _command(target)(config, args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point: never a traceback for a person's mistake."""
    import errno

    try:
        code = run(argv)
        sys.stdout.flush()
    except KeyboardInterrupt:
        _quiet_stdout()
        return EXIT_INTERRUPTED
    except Exception as error:
        if isinstance(error, OSError) and error.errno == errno.EPIPE:  # `thekiz list | head`
            _quiet_stdout()
            return EXIT_OK
        message = person_message(error)
        if message is None:
            raise
        _fail(message)
        code = EXIT_BAD
    return code


def _fail(message: str) -> None:
    try:
        sys.stdout.flush()
    except OSError:
        pass
    sys.stderr.write(f"thekiz: {one_line(message)}\n")
    sys.stderr.flush()


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
