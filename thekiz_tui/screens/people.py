"""The coordination office's lists: coaches and Kitas (``PeopleScreen``) and the
settings (``SettingsScreen``).

The office adds (``a``/``n``), edits (Enter/``e``) and removes (``d``/Entf, after a
question) through the forms of ``dialogs.people``, which save through the CLI's rules.
A coach sees the lists as her guarded store gives them (her own Kitas; the settings)
and is told, in the status line, that only the office changes them.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from store import StoreError
from store.errors import NotPermitted
from store.text import neutral

from ..dialogs.common import ConfirmDialog
from ..dialogs.people import CoachDialog, KitaDialog, SettingDialog
from ..i18n import tr
from ..planning.labels import ROLE_LABELS, STAGE_LABELS
from ..planning.people import coach_in_use, kita_in_use, since_text
from ..planning.settings import EXPLANATIONS, shown
from ..planning.timeutil import BadInput, fmt_money
from ..session import Session
from ..widgets.footer import QuietFooter

Tab = Literal["coaches", "kitas"]

_CHANGE_KEYS: list[BindingType] = [
    Binding("a,n", "add", "Neu", id="thekiz.people.add"),
    Binding("e", "edit", "Bearbeiten", id="thekiz.people.edit"),
    # (priority: the table's own Enter would only select the row)
    Binding("enter", "edit", "Bearbeiten", show=False, priority=True,
            id="thekiz.people.open"),
    Binding("d,delete", "remove", "Löschen", id="thekiz.people.remove"),
    Binding("escape", "close", "Schließen", id="thekiz.people.close"),
]


def _cell(text: str) -> Text:
    return Text(neutral(text), overflow="ellipsis", no_wrap=True)


class OfficeListScreen(Screen[None]):
    """What both lists share: her session, the status line, the office's right."""

    CSS_PATH = "people.tcss"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#people-status", Static)
        status.update(neutral(text, lines=True))
        status.set_class(error, "-error")

    def may_change(self, what: str) -> bool:
        """The office changes; anyone else is told why not (the guarded store's words)."""
        try:
            self.session.actor.check_coordinator(what)
        except NotPermitted as error:
            self.say(str(error), error=True)
            return False
        return True

    @staticmethod
    def selected(table: DataTable[Text]) -> str | None:
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    def action_close(self) -> None:
        self.dismiss(None)


class PeopleScreen(OfficeListScreen):
    """Coaches and Kitas in two tabs."""

    BINDINGS: ClassVar[list[BindingType]] = _CHANGE_KEYS

    def __init__(self, session: Session, *, tab: Tab = "coaches") -> None:
        super().__init__(session)
        self.first_tab: Tab = tab

    def compose(self) -> ComposeResult:
        with TabbedContent(initial=self.first_tab, id="people-tabs"):
            with TabPane(tr("Prozessbegleiter*innen"), id="coaches"):
                yield DataTable(id="coaches-table", cursor_type="row", zebra_stripes=True)
            with TabPane(tr("Kitas"), id="kitas"):
                yield DataTable(id="kitas-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="people-status", markup=False)
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        coaches = self.query_one("#coaches-table", DataTable)
        for label, key in ((tr("Name"), "name"), (tr("E-Mail"), "email"),
                           (tr("Stundensatz"), "rate"), (tr("Rolle"), "role"),
                           (tr("ID"), "id")):
            coaches.add_column(label, key=key)
        kitas = self.query_one("#kitas-table", DataTable)
        for label, key in ((tr("Name"), "name"), (tr("Landkreis"), "district"),
                           (tr("Stufe"), "stage"), (tr("seit"), "since"),
                           (tr("Begleitung"), "coach"), (tr("Jahresbudget"), "budget"),
                           (tr("Träger"), "provider"), (tr("Adresse"), "address"),
                           (tr("ID"), "id")):
            kitas.add_column(label, key=key)
        self.refresh_lists()
        self.say(tr("a/n neu · Enter/e bearbeiten · d/Entf löschen · Esc zurück")
                 if self.session.actor.everything
                 else tr("Nur die Koordinationsstelle ändert diese Listen."))
        self.table().focus()

    @property
    def tab(self) -> Tab:
        return "kitas" if self.query_one(TabbedContent).active == "kitas" else "coaches"

    def table(self) -> DataTable[Text]:
        return self.query_one(f"#{self.tab}-table", DataTable)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.table().focus()

    def refresh_lists(self, select: str | None = None) -> None:
        store = self.session.store
        coaches = sorted(store.coaches(), key=lambda c: c.name.casefold())
        names = {c.id: c.name for c in coaches}
        table = self.query_one("#coaches-table", DataTable)
        table.clear()
        for c in coaches:
            table.add_row(_cell(c.name), _cell(c.email), _cell(fmt_money(c.rate)),
                          _cell(tr(ROLE_LABELS.get(c.role, c.role))), _cell(c.id), key=c.id)
        table = self.query_one("#kitas-table", DataTable)
        table.clear()
        for k in sorted(store.kitas(), key=lambda k: k.name.casefold()):
            table.add_row(
                _cell(k.name), _cell(k.district), _cell(tr(STAGE_LABELS.get(k.stage, k.stage))),
                _cell(since_text(k.since)), _cell(names.get(k.coach or "", k.coach or "")),
                _cell("" if k.budget is None else fmt_money(k.budget)), _cell(k.provider),
                _cell(k.address), _cell(k.id), key=k.id)
        if select is not None:
            for table in self.query(DataTable).results(DataTable):
                if select in {key.value for key in table.rows}:
                    table.move_cursor(row=table.get_row_index(select))

    # -- changing --------------------------------------------------------------------

    def _what(self) -> str:
        return "Kitas" if self.tab == "kitas" else "Prozessbegleiter*innen"

    def _saved(self, record: object) -> None:
        record_id = getattr(record, "id", None)
        if record_id is None:
            return
        self.refresh_lists(select=record_id)
        self.say(tr("Gespeichert: {id}", id=record_id))

    def action_add(self) -> None:
        if not self.may_change(self._what()):
            return
        dialog = KitaDialog(self.session) if self.tab == "kitas" else CoachDialog(self.session)
        self.app.push_screen(dialog, self._saved)

    def action_edit(self) -> None:
        record_id = self.selected(self.table())
        if record_id is None or not self.may_change(self._what()):
            return
        store = self.session.store
        try:
            if self.tab == "kitas":
                self.app.push_screen(KitaDialog(self.session, store.kita(record_id)),
                                     self._saved)
            else:
                self.app.push_screen(CoachDialog(self.session, store.coach(record_id)),
                                     self._saved)
        except StoreError as error:
            self.say(str(error), error=True)

    def action_remove(self) -> None:
        record_id = self.selected(self.table())
        if record_id is None or not self.may_change(self._what()):
            return
        self._check_removal(self.tab == "kitas", record_id)

    @work(thread=True, exclusive=True, group="people-remove", exit_on_error=False)
    def _check_removal(self, kitas: bool, record_id: str) -> None:
        """Whether it is still in use reads every event: not on the screen's thread."""
        store = self.session.store
        try:
            in_use = kita_in_use(store, record_id) if kitas else coach_in_use(store, record_id)
        except (BadInput, StoreError) as error:
            self.app.call_from_thread(self.say, str(error), error=True)
            return
        self.app.call_from_thread(self._ask_removal, kitas, record_id, in_use)

    def _ask_removal(self, kitas: bool, record_id: str, in_use: str | None) -> None:
        # (the references stay whole: what is still in use is not removed from here)
        if in_use:
            self.say(tr("{why}; bitte zuerst umtragen.", why=in_use), error=True)
            return
        store = self.session.store

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                if kitas:
                    store.remove_kita(record_id)
                else:
                    store.remove_coach(record_id)
            except (BadInput, StoreError) as error:
                self.say(str(error), error=True)
                return
            self.refresh_lists()
            self.say(tr("Gelöscht: {id}", id=record_id))

        self.app.push_screen(ConfirmDialog(tr("„{id}“ löschen?", id=record_id)), answered)


class SettingsScreen(OfficeListScreen):
    """Every setting with its value, where it comes from and what it does; Enter/``e``
    edits one as ``thekiz settings set`` does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Bearbeiten", id="thekiz.settings.edit"),
        Binding("enter", "edit", "Bearbeiten", show=False, priority=True,
                id="thekiz.settings.open"),
        Binding("escape", "close", "Schließen", id="thekiz.settings.close"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(tr("Einstellungen"), id="people-title", markup=False)
        yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
        # (the chosen setting's meaning, in full: its column is off screen at 80 columns)
        yield Static("", id="settings-meaning", markup=False)
        yield Static("", id="people-status", markup=False)
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#settings-table", DataTable)
        for label, key in ((tr("Einstellung"), "name"), (tr("Wert"), "value"),
                           (tr("Herkunft"), "origin"), (tr("Bedeutung"), "explanation")):
            table.add_column(label, key=key)
        self.refresh_list()
        self.say(tr("Enter/e ändert die gewählte Einstellung · Esc zurück")
                 if self.session.actor.everything
                 else tr("Nur die Koordinationsstelle ändert die Einstellungen."))
        table.focus()

    def refresh_list(self, select: str | None = None) -> None:
        table = self.query_one("#settings-table", DataTable)
        table.clear()
        self._texts: dict[str, str] = {}
        for row in shown(self.session.store.settings()):
            self._texts[row.name] = row.text
            table.add_row(_cell(row.name), _cell(row.text), _cell(tr(row.origin)),
                          _cell(tr(EXPLANATIONS.get(row.name, ""))), key=row.name)
        if select is not None:
            table.move_cursor(row=table.get_row_index(select))

    @on(DataTable.RowHighlighted, "#settings-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = str(event.row_key.value)
        meaning = EXPLANATIONS.get(name)
        self.query_one("#settings-meaning", Static).update(
            f"{name}: {tr(meaning)}" if meaning else name)

    def action_edit(self) -> None:
        name = self.selected(self.query_one("#settings-table", DataTable))
        if name is None or not self.may_change("Die Einstellungen"):
            return

        def saved(result: str | None) -> None:
            if result is not None:
                self.refresh_list(select=result)
                self.say(tr("Gespeichert: {id}", id=result))

        self.app.push_screen(SettingDialog(self.session, name, self._texts[name]), saved)
