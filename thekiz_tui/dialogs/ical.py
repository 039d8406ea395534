"""Export to and import from iCalendar files, as dialogs.

The work is the CLI's (``thekiz_tui.ical.scope``): the same scope filter, the same atomic
file write, the same import plan and the same words for it. Reading the store and the
files runs in thread workers; their errors (a path that cannot be written, a broken
.ics) appear in the dialog, which stays open.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from store.text import neutral

from ..i18n import lang, tr
from ..planning.labels import kind_label
from ..planning.timeutil import BadInput, fmt_date, parse_date
from .common import DIALOG_CSS, Dialog, message_line, plain_arrows

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from textual.widget import Widget

    from store import Coach, Event, Kita, Store

    from ..ical.importer import ImportPlan
    from ..ical.references import Choice, Unknown
    from ..planning.permissions import Actor

ALL = ""  # the Select value for "no filter"
PREVIEW_LIMIT = 5  # events listed per group in the import preview
# What happens to an id the store does not know, beside mapping it to one it knows (the
# values of the import's choices; never a store's id, which is printable text)
DROP, CREATE = "\x00drop", "\x00create"


class Done(Message, bubble=False):
    """A dialog below wrote its file or its events; ``text`` sums it up for the planner."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Failed(Message, bubble=False):
    """A worker of a dialog below failed; ``error`` says why (see ``error_text``)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


def _open(dialog: Dialog[str | None]) -> bool:
    """Closed (Escape) while a worker ran: its result must not close another screen."""
    return dialog in dialog.app.screen_stack


def _in_documents(name: str) -> str:
    """The export's name in her documents folder (never the current directory)."""
    from ..files import place

    return str(place(None, name))


def _placed(path: str) -> Path:
    """Where a typed path saves: a bare file name goes to her documents folder."""
    from ..files import place

    return place(path, "")


def error_text(error: BaseException) -> str:
    """A German (or translated) one-line reason for a failed export or import."""
    from ..errors import person_message

    return person_message(error) or tr("Unerwarteter Fehler: {error}", error=error)


def _people(store: Store) -> tuple[list[Coach], list[Kita]]:
    coaches = sorted(store.coaches(), key=lambda c: c.name.casefold())
    kitas = sorted(store.kitas(), key=lambda k: k.name.casefold())
    return coaches, kitas


def coach_choices(store: Store, coaches: list[Coach]) -> list[tuple[Text, str]]:
    """The export's coach choice, as the permission layer allows: whoever may look at
    every plan (the coordination office, the owner) chooses everyone or one coach; a
    coach (``--as``) her own plan alone, which is all her store holds (as ``thekiz --as
    … export``, shared dates she takes part in included)."""
    from ..planning.permissions import actor

    who = actor(store)
    allowed = [c for c in coaches if who.may_view_coach(c.id)]
    if who.everything:
        return [(Text(tr("Alle")), ALL), *[(Text(c.name), c.id) for c in allowed]]
    return [(Text(c.name), ALL) for c in allowed] or [(Text(tr("Alle")), ALL)]


def _kind_options() -> list[tuple[Text, str]]:
    from store import KINDS

    return [(Text(kind_label(kind, lang())), kind) for kind in KINDS]


# -- export ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportScope:
    coach: str | None
    kita: str | None
    kind: str | None
    start: date | None
    end: date | None  # exclusive

    def args(self) -> dict[str, Any]:
        return {"coach": self.coach, "kita": self.kita, "kind": self.kind,
                "start": self.start, "end": self.end}


class ExportDialog(Dialog[str | None]):
    """Export the events of a scope (coach, Kita, kind, from/to) into an .ics file.

    Prefilled with the planner's filters and the visible range ``[start, end)``; the
    path defaults to ``thekiz-JJJJ-MM.ics`` in the working folder. Shows how many events
    the scope holds. On success it dismisses with the summary the CLI prints
    (``12 Termin(e) nach /pfad/datei.ics exportiert.``); errors stay in the dialog.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.export.cancel"),
        Binding("ctrl+s", "export", "Exportieren", id="thekiz.export.run"),
    ]
    AUTO_FOCUS = "#path"
    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOG_CSS, "ical.tcss"]

    def __init__(
        self,
        store: Store,
        *,
        today: date,
        coach: str | None = None,
        kita: str | None = None,
        kind: str | None = None,
        start: date,
        end: date,
    ) -> None:
        super().__init__()
        from ..ical.scope import default_export_name

        self.store = store
        self.today = today
        self.initial = ExportScope(coach, kita, kind, start, end)
        self._auto_path = _in_documents(default_export_name(start, end))
        self._scope: ExportScope | None = self.initial
        self.busy = False
        self._people_ready = False

    @property
    def ready_for_keys(self) -> bool:
        """Keys typed ahead wait for the choices of people and Kitas and for a running
        export (see app_base), as they would have a moment later."""
        return self._people_ready and not self.busy

    def compose(self) -> ComposeResult:
        start, end = self.initial.start, self.initial.end
        assert start is not None and end is not None
        with Vertical(id="frame"):
            yield Static(tr("Export als iCalendar (.ics)"), classes="title")
            with Horizontal(classes="row"):
                yield Label(tr("Prozessbegleiter*in"))
                yield Select(coach_choices(self.store, []), allow_blank=False,
                             compact=True, id="coach")
            with Horizontal(classes="row"):
                yield Label(tr("Kita"))
                yield Select([(Text(tr("Alle")), ALL)], allow_blank=False, compact=True,
                             id="kita")
            with Horizontal(classes="row"):
                yield Label(tr("Art"))
                yield Select([(Text(tr("Alle")), ALL), *_kind_options()], allow_blank=False,
                             compact=True, value=self.initial.kind or ALL, id="kind")
            with Horizontal(classes="row"):
                yield Label(tr("Von"))
                yield Input(fmt_date(start), compact=True, id="start", classes="half",
                            placeholder=tr("TT.MM.JJJJ"))
                yield Label(tr("bis"), classes="gap")
                yield Input(fmt_date(end - timedelta(days=1)), compact=True, id="end",
                            classes="half", placeholder=tr("TT.MM.JJJJ"))
            with Horizontal(classes="row"):
                yield Label(tr("Datei"))
                yield Input(self._auto_path, compact=True, id="path")
            yield Static(tr("Leeres Datum: ohne Grenze. Strg+S exportiert."), classes="hint")
            yield Static(tr("Zähle Termine ..."), id="count", classes="hint")
            yield message_line()
            with Horizontal(classes="buttons"):
                yield Button(tr("Exportieren"), id="export", variant="primary")
                yield Button(tr("Abbrechen"), id="cancel")

    def on_mount(self) -> None:
        plain_arrows(self)
        self._load_people()
        self._recount()

    # scope

    def _select(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return value if isinstance(value, str) and value != ALL else None

    def _day(self, name: str) -> date | None:
        text = self.query_one(f"#{name}", Input).value.strip()
        # (a day without a year: on or after the month the export started with)
        return parse_date(text, today=self.today, month=self.initial.start) if text else None

    def read_scope(self) -> ExportScope:
        """The scope as the fields show it; BadInput for a wrong date."""
        start, last = self._day("start"), self._day("end")
        if start is not None and last is not None and last < start:
            raise BadInput(tr("Das Ende ({last}) liegt vor dem Anfang ({first}).",
                              last=fmt_date(last), first=fmt_date(start)))
        end = None if last is None else last + timedelta(days=1)
        return ExportScope(self._select("coach"), self._select("kita"), self._select("kind"),
                           start, end)

    @on(Select.Changed)
    @on(Input.Changed, "#start, #end, #path")
    def _recount(self) -> None:
        self.show_message("")
        try:
            scope = self.read_scope()
        except BadInput as error:
            self._scope = None
            self._count_text(" ".join(str(error).split()), warning=True)
            return
        self._scope = scope
        self._follow_dates(scope)
        self._count(scope, self.query_one("#path", Input).value)

    def _follow_dates(self, scope: ExportScope) -> None:
        """The default file name follows the dates until the user types her own."""
        from ..ical.scope import default_export_name

        path = self.query_one("#path", Input)
        if path.value == self._auto_path and scope.start and scope.end:
            self._auto_path = _in_documents(default_export_name(scope.start, scope.end))
            if path.value != self._auto_path:
                path.value = self._auto_path

    def _count_text(self, text: str, *, warning: bool = False) -> None:
        count = self.query_one("#count", Static)
        count.update(text)
        count.set_class(warning, "-warning")

    # workers

    class PeopleLoaded(Message, bubble=False):
        """The coaches and Kitas to choose from are read."""

        def __init__(self, coaches: list[Coach], kitas: list[Kita]) -> None:
            super().__init__()
            self.coaches, self.kitas = coaches, kitas

    class PeopleFailed(Failed, bubble=False):
        """The coaches and Kitas could not be read."""

    class Counted(Message, bubble=False):
        """``scope`` holds ``count`` events; ``exists``: the file is there already."""

        def __init__(self, scope: ExportScope, count: int, exists: bool) -> None:
            super().__init__()
            self.scope, self.count, self.exists = scope, count, exists

    class CountFailed(Failed, bubble=False):
        """The events of ``scope`` could not be counted."""

        def __init__(self, scope: ExportScope, error: BaseException) -> None:
            super().__init__(error)
            self.scope = scope

    class Exported(Done, bubble=False):
        """The export is written; ``text`` is the CLI's summary."""

    class ExportFailed(Failed, bubble=False):
        """The export could not be written."""

    @work(thread=True, exit_on_error=False, group="export-people")
    def _load_people(self) -> None:
        try:
            coaches, kitas = _people(self.store)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.PeopleFailed(error))
        else:
            self.post_message(self.PeopleLoaded(coaches, kitas))

    @work(thread=True, exit_on_error=False, group="export-count", exclusive=True)
    def _count(self, scope: ExportScope, path: str) -> None:
        from ..ical.scope import export_scope

        try:
            exists = bool(path.strip()) and _placed(path).is_file()
            count = len(export_scope(self.store, **scope.args()))
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.CountFailed(scope, error))
        else:
            self.post_message(self.Counted(scope, count, exists))

    @work(thread=True, exit_on_error=False, group="export-run", exclusive=True)
    def _export(self, scope: ExportScope, path: str) -> None:
        try:
            text = self._write(scope, path)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.ExportFailed(error))
        else:
            self.post_message(self.Exported(text))

    def _write(self, scope: ExportScope, path: str) -> str:
        from ..ical.scope import export_events, write_export

        target = _placed(path)
        folder = target.parent
        if not folder.is_dir():
            raise BadInput(tr("Den Ordner {folder} gibt es nicht.",
                              folder=os.path.abspath(folder)))
        events, data = export_events(self.store, **scope.args())
        write_export(target, data)
        from ..ical.scope import export_message

        return export_message(len(events), os.path.abspath(target))  # the CLI's words

    @on(PeopleLoaded)
    def _on_people_loaded(self, message: PeopleLoaded) -> None:
        if _open(self):
            self._people_loaded(message.coaches, message.kitas)

    @on(PeopleFailed)
    def _on_people_failed(self, message: PeopleFailed) -> None:
        if _open(self):
            self._people_ready = True
            self.show_message(error_text(message.error))

    @on(Counted)
    def _on_counted(self, message: Counted) -> None:
        if _open(self) and message.scope == self._scope:  # else an older request
            self._counted(message.count, message.exists)

    @on(CountFailed)
    def _on_count_failed(self, message: CountFailed) -> None:
        if _open(self) and message.scope == self._scope:  # else an older request
            self.show_message(error_text(message.error))

    @on(Exported)
    def _on_exported(self, message: Exported) -> None:
        if _open(self):
            self.busy = False
            self.dismiss(message.text)

    @on(ExportFailed)
    def _on_export_failed(self, message: ExportFailed) -> None:
        if _open(self):
            self.busy = False
            self.query_one("#export", Button).disabled = False
            self.show_message(error_text(message.error))

    def _people_loaded(self, coaches: list[Coach], kitas: list[Kita]) -> None:
        self._people_ready = True
        for name, options, initial in (
            ("coach", coach_choices(self.store, coaches), self.initial.coach),
            ("kita", [(Text(tr("Alle")), ALL), *[(Text(k.name), k.id) for k in kitas]],
             self.initial.kita),
        ):
            select = self.query_one(f"#{name}", Select)
            current = select.value
            ids = {value for _label, value in options}
            with select.prevent(Select.Changed):
                select.set_options(options)
                wanted = current if current != ALL else (initial or ALL)
                select.value = wanted if wanted in ids else ALL
        self._recount()

    def _counted(self, count: int, exists: bool) -> None:
        if count == 1:
            text = tr("1 Termin wird exportiert.")
        else:
            text = tr("{n} Termine werden exportiert.", n=count)
        if exists:
            text += " " + tr("Die Datei gibt es schon; sie wird ersetzt.")
        self._count_text(text, warning=exists)

    # actions

    @on(Input.Submitted, "#path, #start, #end")
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.busy:
            return
        self.show_message("")
        try:
            scope = self.read_scope()
        except BadInput as error:
            self.show_message(" ".join(str(error).split()))
            return
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.show_message(tr("Bitte einen Dateinamen angeben."))
            self.query_one("#path", Input).focus()
            return
        self.busy = True
        self.query_one("#export", Button).disabled = True
        self._export(scope, path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# -- import ----------------------------------------------------------------------------


class ImportDialog(Dialog[str | None]):
    """Import the events of an .ics file: "Vorschau" shows what would happen (as
    ``thekiz import --dry-run``) and writes nothing; "Importieren" writes it in one go and
    dismisses with a summary. A broken file shows the German reason (with its line) and
    nothing is imported. For each coach or Kita the file names that the store does not
    know, she chooses: map it, create it or drop it (``ical.references``); the preview
    says what follows, and nothing is imported before she has chosen for each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.import.cancel"),
        Binding("ctrl+r", "preview", "Vorschau", id="thekiz.import.preview"),
        Binding("ctrl+s", "import", "Importieren", id="thekiz.import.run"),
    ]
    AUTO_FOCUS = "#path"
    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOG_CSS, "ical.tcss"]

    def __init__(self, store: Store, *, today: date, coach: str | None = None,
                 path: str = "") -> None:
        super().__init__()
        self.store = store
        self.today = today
        self.coach = coach
        self.path = path
        self.plan: ImportPlan | None = None
        self.looked: Looked | None = None  # the preview's file, with its unknown ids
        self._rows = 0  # the generation of the rows that choose for them
        self.busy = False
        self._coaches_ready = False

    @property
    def ready_for_keys(self) -> bool:
        """Keys typed ahead wait for the coaches to choose from and for a running preview
        or import (see app_base), as they would have a moment later."""
        return self._coaches_ready and not self.busy

    def compose(self) -> ComposeResult:
        from ..ical.scope import DEFAULT_KIND

        with Vertical(id="frame"):
            yield Static(tr("Import aus iCalendar (.ics)"), classes="title")
            with Horizontal(classes="row"):
                yield Label(tr("Datei"))
                yield Input(self.path, compact=True, id="path",
                            placeholder=tr("Pfad zur .ics-Datei"))
            with Horizontal(classes="row"):
                yield Label(tr("Art"))
                yield Select(_kind_options(), allow_blank=False, compact=True,
                             value=DEFAULT_KIND, id="kind")
            with Horizontal(classes="row"):
                yield Label(tr("Prozessbegleiter*in"))
                yield Select([(Text(tr("Keine")), ALL)], allow_blank=False, compact=True,
                             id="coach")
            yield Static(tr("Art und Person gelten nur für Termine fremder Kalender."),
                         classes="hint")
            # one row per coach or Kita the file names that the store does not know
            yield VerticalScroll(id="unknown", classes="-empty")
            with VerticalScroll(id="plan", classes="-empty"):
                yield Static("", id="plan-text", markup=False)
            yield message_line()
            with Horizontal(classes="buttons"):
                yield Button(tr("Vorschau"), id="preview")
                yield Button(tr("Importieren"), id="import", variant="primary")
                yield Button(tr("Abbrechen"), id="cancel")

    def on_mount(self) -> None:
        plain_arrows(self)
        self._load_coaches()

    def _options(self) -> dict[str, Any]:
        kind = self.query_one("#kind", Select).value
        coach = self.query_one("#coach", Select).value
        return {
            "kind": kind if isinstance(kind, str) else "sonstiges",
            "coach": coach if isinstance(coach, str) and coach != ALL else None,
        }

    def _path(self) -> str | None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.show_message(tr("Bitte den Pfad einer .ics-Datei angeben."))
            self.query_one("#path", Input).focus()
            return None
        return path

    @on(Input.Changed, "#path")
    @on(Select.Changed, "#kind")
    @on(Select.Changed, "#coach")
    def _stale(self) -> None:
        """Another file or other options: the preview no longer says what happens."""
        self.plan = None
        self.looked = None
        self.show_message("")
        self._show_plan("")
        self._show_unknown(None)

    @on(Select.Changed, ".unknown-choice")
    def _chosen(self) -> None:
        """She chose for an unknown id: the preview says what the import will now do."""
        if self.looked is not None:
            self.show_message("")
            self._show_plan("\n".join(self._lines(self.looked)))

    def _show_plan(self, text: str) -> None:
        self.query_one("#plan-text", Static).update(text)
        self.query_one("#plan").set_class(not text, "-empty")

    # workers

    class CoachesLoaded(Message, bubble=False):
        """The coaches to import for are read."""

        def __init__(self, coaches: list[Coach]) -> None:
            super().__init__()
            self.coaches = coaches

    class CoachesFailed(Failed, bubble=False):
        """The coaches could not be read."""

    class Previewed(Message, bubble=False):
        """What importing ``path`` would do; ``refusal``: why it was not imported (an
        unknown id she has not chosen for)."""

        def __init__(self, path: str, looked: Looked, refusal: str = "") -> None:
            super().__init__()
            self.path, self.looked, self.refusal = path, looked, refusal

    class Imported(Done, bubble=False):
        """The import is written; ``text`` sums it up."""

    class ImportFailed(Failed, bubble=False):
        """The preview or the import failed."""

    @work(thread=True, exit_on_error=False, group="import-people")
    def _load_coaches(self) -> None:
        try:
            coaches = _people(self.store)[0]
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.CoachesFailed(error))
        else:
            self.post_message(self.CoachesLoaded(coaches))

    @work(thread=True, exit_on_error=False, group="import-preview", exclusive=True)
    def _preview(self, path: str, options: dict[str, Any]) -> None:
        try:
            looked = look(self.store, path, options)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.ImportFailed(error))
        else:
            self.post_message(self.Previewed(path, looked))

    @work(thread=True, exit_on_error=False, group="import-run", exclusive=True)
    def _import(self, path: str, options: dict[str, Any], choice: Choice) -> None:
        try:
            looked = look(self.store, path, options)
            if looked.missing and not choice.covers(looked.missing):
                # (imported without a preview, or the file changed since): her choice first
                self.post_message(self.Previewed(path, looked, refusal=tr(
                    "Die Datei nennt, was es hier nicht gibt: {ids}. Bitte für jede "
                    "Angabe wählen: zuordnen, anlegen oder weglassen.",
                    ids=looked.missing.listing())))
                return
            text = self._write(path, options, choice)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.ImportFailed(error))
        else:
            self.post_message(self.Imported(text))

    def _write(self, path: str, options: dict[str, Any], choice: Choice) -> str:
        from ..ical.scope import import_now

        plan = import_now(self.store, path, **options, choice=choice)
        text = tr("Import aus {name}: {new} neu, {changed} geändert, {unchanged} unverändert.",
                  name=Path(path).name, new=len(plan.new), changed=len(plan.changed),
                  unchanged=len(plan.unchanged))
        if plan.refused:
            text += " " + tr("Übersprungen: {n} (Termine, die Sie nicht ändern können).",
                             n=len(plan.refused))
        for note in plan.notes():
            text += " " + note
        return text

    @on(CoachesLoaded)
    def _on_coaches_loaded(self, message: CoachesLoaded) -> None:
        if _open(self):
            self._coaches_loaded(message.coaches)

    @on(CoachesFailed)
    def _on_coaches_failed(self, message: CoachesFailed) -> None:
        if _open(self):
            self._coaches_ready = True
            self.show_message(error_text(message.error))

    @on(Previewed)
    def _on_previewed(self, message: Previewed) -> None:
        if _open(self):
            self._previewed(message.path, message.looked)
            if message.refusal:
                self.show_message(message.refusal)

    @on(Imported)
    def _on_imported(self, message: Imported) -> None:
        if _open(self):
            self.busy = False
            self.dismiss(message.text)

    @on(ImportFailed)
    def _on_import_failed(self, message: ImportFailed) -> None:
        if _open(self):
            self.busy = False
            self._set_buttons(enabled=True)
            self.plan = None
            self._show_plan("")
            self.show_message(error_text(message.error))

    def _coaches_loaded(self, coaches: list[Coach]) -> None:
        """Whoever may look at every plan imports into anyone's or no one's; a coach
        (``--as``) into her own plan alone, as ``thekiz --as … import`` does."""
        from ..planning.permissions import actor, default_coach

        self._coaches_ready = True
        select = self.query_one("#coach", Select)
        who = actor(self.store)
        allowed = [c for c in coaches if who.may_view_coach(c.id)]
        options = [(Text(c.name), c.id) for c in allowed]
        if who.everything or not options:
            options.insert(0, (Text(tr("Keine")), ALL))
        ids = {value for _label, value in options}
        with select.prevent(Select.Changed):
            select.set_options(options)
            wanted = self.coach or default_coach(self.store)
            select.value = wanted if wanted in ids else options[0][1]

    def _previewed(self, path: str, looked: Looked) -> None:
        self._set_buttons(enabled=True)
        self.busy = False
        if path != self.query_one("#path", Input).value.strip():
            return  # typed on meanwhile
        if self.looked is None or self.looked.missing != looked.missing:
            self._show_unknown(looked)  # (the same ids: her choices stay)
        self.plan = looked.plan
        self.looked = looked
        self._show_plan("\n".join(self._lines(looked)))

    def _show_unknown(self, looked: Looked | None) -> None:
        """A choice per id the file names that the store does not know: map it to one
        it knows, create it (the office only, as the permission layer allows), or drop
        the reference; unchosen at first, so that nothing happens she did not say."""
        box = self.query_one("#unknown", VerticalScroll)
        box.remove_children()
        self._rows += 1  # new ids: the old rows may not be gone yet
        box.set_class(looked is None or not looked.missing, "-empty")
        if looked is None or not looked.missing:
            return
        rows = []
        for index, (what, old) in enumerate(looked.ids()):
            options = [(Text(tr("weglassen")), DROP)]
            if looked.may_create and what != "p":
                options.append((Text(tr("anlegen")), CREATE))
            if what in "cp":
                options += [(Text(neutral(c.name)), c.id) for c in looked.coaches]
            if what in "kp":
                options += [(Text(neutral(k.name)), k.id) for k in looked.kitas]
            label = Label(neutral(_unknown_label(what, old)), markup=False)
            choose = Select(options, prompt=tr("bitte wählen"), compact=True,
                            id=f"unknown-{self._rows}-{index}", classes="unknown-choice")
            rows.append(Horizontal(label, choose, classes="row"))
        self.call_later(self._plain_when_mounted, box.mount_all(rows), box)

    @staticmethod
    async def _plain_when_mounted(mounting: Awaitable[None], box: Widget) -> None:
        await mounting  # (the rows' Selects are composed only then)
        plain_arrows(box)

    def choice(self) -> Choice:
        """What she chose for the unknown ids (``references.Choice``)."""
        from ..ical.references import Choice

        looked = self.looked
        if looked is None:
            return Choice()
        coaches: dict[str, str] = {}
        kitas: dict[str, str] = {}
        created: set[str] = set()
        dropped: set[str] = set()
        for index, (what, old) in enumerate(looked.ids()):
            found = list(self.query(f"#unknown-{self._rows}-{index}").results(Select))
            value = found[0].value if found else None
            if not isinstance(value, str):
                continue
            if value == DROP:
                dropped.add(old)
            elif value == CREATE:
                created.add(old)
            elif what == "c" or (what == "p" and value in looked.coach_ids):
                coaches[old] = value
            else:
                kitas[old] = value
        return Choice(coaches, kitas, created=frozenset(created), dropped=frozenset(dropped))

    def _lines(self, looked: Looked) -> list[str]:
        """The preview: the plan as ``--dry-run`` says it, then what happens to each
        unknown id as she chose, and whether the import can go ahead so."""
        from store.errors import NotPermitted

        from ..ical.references import check_rights, settled

        lines = preview_lines(looked.plan)
        if not looked.missing:
            try:
                check_rights(looked.plan.writes, *looked.rights)
            except NotPermitted as error:
                lines.append(neutral(str(error)))
            return lines
        choice = self.choice()
        names = {c.id: c.name for c in looked.coaches} | {k.id: k.name for k in looked.kitas}
        for what, old in looked.ids():
            mapped = choice.coaches.get(old) or choice.kitas.get(old)
            if mapped is not None:
                then = tr("wird zu „{name}“", name=names.get(mapped, mapped))
            elif old in choice.created:
                then = tr("wird angelegt")
            elif old in choice.dropped:
                then = tr("wird weggelassen")
            else:
                then = tr("bitte wählen")
            lines.append(f"{_unknown_label(what, old)}: {then}")
        if choice.covers(looked.missing):
            try:
                resolved = settled(looked.plan, choice, coaches=looked.coach_ids,
                                   kitas=looked.kita_ids)[0]
                check_rights(resolved.writes, *looked.rights)
            except (BadInput, NotPermitted) as error:
                lines.append(str(error))
            else:
                lines.append(tr("So kann importiert werden."))
        return [neutral(line) for line in lines]

    def _set_buttons(self, *, enabled: bool) -> None:
        for name in ("#preview", "#import"):
            self.query_one(name, Button).disabled = not enabled

    # actions

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        path = self._path()
        if path is None or self.busy:
            return
        self.show_message("")
        self.busy = True
        self._set_buttons(enabled=False)
        self._preview(path, self._options())

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        path = self._path()
        if path is None or self.busy:
            return
        self.show_message("")
        self.busy = True
        self._set_buttons(enabled=False)
        self._import(path, self._options(), self.choice())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class Looked:
    """A file's import plan with what the dialog needs to let her choose for the ids
    it names that the store does not know (read in the worker, with the store's ids)."""

    plan: ImportPlan
    missing: Unknown
    coaches: list[Coach]
    kitas: list[Kita]
    coach_ids: set[str]
    kita_ids: set[str]
    may_create: bool
    rights: tuple[Actor, dict[str, Kita], dict[str, Event]]  # (references.rights_of)

    def ids(self) -> list[tuple[str, str]]:
        """The unknown ids, each with what it names: "c" coach, "k" Kita, "p" either."""
        missing = self.missing
        return [*(("c", c) for c in missing.coaches), *(("k", k) for k in missing.kitas),
                *(("p", p) for p in missing.participants)]


def look(store: Store, path: str, options: dict[str, Any]) -> Looked:
    """What importing ``path`` would do, and the choices for its unknown ids: the store's
    coaches and Kitas she sees to map them to; whether she may create them (the office;
    a coach may not create coaches or Kitas, as ``thekiz --as … import --create-missing``
    is refused)."""
    from ..ical.references import ids_of, rights_of, unknown
    from ..ical.scope import preview_import
    from ..planning.permissions import actor

    plan = preview_import(store, path, **options)
    coach_ids, kita_ids = ids_of(store)
    coaches, kitas = _people(store)
    return Looked(plan, unknown(plan.writes, coach_ids, kita_ids), coaches, kitas,
                  coach_ids, kita_ids, actor(store).everything, rights_of(store, plan))


def _unknown_label(what: str, old: str) -> str:
    if what == "c":
        return tr("Prozessbegleiter*in „{id}“", id=old)
    if what == "k":
        return tr("Kita „{id}“", id=old)
    return tr("Teilnehmende „{id}“", id=old)


def preview_lines(plan: ImportPlan, limit: int = PREVIEW_LIMIT) -> list[str]:
    """``thekiz import --dry-run``'s lines, at most ``limit`` events per group."""
    from ..ical.scope import DRY_RUN_LINE, describe, plan_groups

    lines = [tr(DRY_RUN_LINE)]
    for group in plan_groups(plan):
        lines.append(f"{tr(group.label)}: {len(group.events)}")
        why = f" ({tr(group.why)})" if group.why else ""
        lines.extend(f"  {describe(event)}{why}" for event in group.events[:limit])
        if len(group.events) > limit:
            lines.append("  " + tr("... und {n} weitere", n=len(group.events) - limit))
    lines.extend(plan.notes())
    return lines
