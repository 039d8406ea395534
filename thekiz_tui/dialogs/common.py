"""The planner's small dialogs: confirm, go to a date, a reason, a series scope, a choice.

Each is a ``ModalScreen[T]`` that dismisses with its value; Escape dismisses with ``None``
(``False`` for the confirmation). The caller gets the value in the callback of
``push_screen`` (or from ``push_screen_wait`` in a worker).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePath
from typing import ClassVar, Literal, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from store.text import neutral, text_problem

from ..i18n import tr
from ..planning.timeutil import WEEKDAYS_DE, BadInput, fmt_date, parse_date

T = TypeVar("T")

SeriesScope = Literal["this", "following", "all"]

DIALOG_CSS = Path(__file__).with_name("common.tcss")


class Dialog(ModalScreen[T]):
    """The frame every dialog of the planner shares: a bordered box in the middle, a
    title, an inline message line (hidden while empty) and a row of buttons."""

    # Absolute: Textual resolves a relative CSS_PATH beside the module of the class being
    # shown, and the dialogs built on this frame live in other modules.
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = DIALOG_CSS

    def show_message(self, text: str, selector: str = "#message") -> None:
        """Show ``text`` in the dialog's message line (empty hides it). It may quote what
        a person typed or a file held (an import's error): no terminal control."""
        message = self.query_one(selector, Static)
        message.update(neutral(text, lines=True))
        message.set_class(not text, "-empty")


def plain_arrows(node: Widget | Screen[object]) -> None:
    """Textual's ``Select`` draws ▼ and ▲, which are ambiguous-width characters (two
    columns in some terminals, breaking the grid): use ASCII instead."""
    for arrow in node.query("SelectCurrent .down-arrow").results(Static):
        arrow.update("v")
    for arrow in node.query("SelectCurrent .up-arrow").results(Static):
        arrow.update("^")


def message_line(id: str = "message") -> Static:
    return Static("", id=id, classes="message -empty", markup=False)


# -- confirm ---------------------------------------------------------------------------


class ConfirmDialog(Dialog[bool]):
    """A yes/no question. ``y``/``j`` or the yes button: True; ``n``, Escape or the no
    button: False. The no button has the focus, so Enter alone never deletes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,j", "answer(True)", "Ja", id="thekiz.confirm.yes"),
        Binding("n,escape", "answer(False)", "Nein", id="thekiz.confirm.no"),
    ]
    AUTO_FOCUS = "#no"

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes if yes is not None else tr("Löschen")
        self.no = no if no is not None else tr("Abbrechen")

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(neutral(self.question, lines=True), classes="title", markup=False)
            yield Static(tr("j = Ja, n oder Esc = Nein"), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


# -- go to a date ----------------------------------------------------------------------


def weekday_date(day: date) -> str:
    """``Mi 04.03.2026``."""
    return f"{tr(WEEKDAYS_DE[day.weekday()])} {fmt_date(day)}"


class DateDialog(Dialog[date | None]):
    """"Gehe zu Datum": German dates (``4.3.``, ``04.03.2026``, ``2026-03-04``, ``heute``,
    ``morgen``) as ``parse_date`` reads them; a day without a year is the next one on or
    after the first of the month in view (``initial``'s).
    A wrong entry shows why, in German, and the dialog stays open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.date.cancel"),
    ]
    AUTO_FOCUS = "#date"

    def __init__(self, initial: date, *, today: date | None = None,
                 title: str | None = None) -> None:
        super().__init__()
        self.initial = initial
        self.today = today
        self.title_text = title if title is not None else tr("Gehe zu Datum")

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(neutral(self.title_text), classes="title", markup=False)
            yield Input(fmt_date(self.initial), id="date", placeholder=tr("TT.MM.JJJJ"))
            yield Static(weekday_date(self.initial), id="preview", classes="hint")
            yield Static(tr("z. B. 4.3., 04.03.2026, 2026-03-04 oder heute"), classes="hint")
            yield message_line()
            with Horizontal(classes="buttons"):
                yield Button(tr("Gehe zu"), id="ok", variant="primary")
                yield Button(tr("Abbrechen"), id="cancel")

    def _parse(self) -> date:
        # (a day without a year: the next one from the month in view on)
        return parse_date(self.query_one("#date", Input).value, today=self.today,
                          month=self.initial)

    @on(Input.Changed, "#date")
    def _changed(self) -> None:
        self.show_message("")
        try:
            text = weekday_date(self._parse())
        except BadInput:
            text = ""
        self.query_one("#preview", Static).update(text)

    @on(Input.Submitted, "#date")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        try:
            day = self._parse()
        except BadInput as error:
            self.show_message(str(error))
            self.query_one("#date", Input).focus()
            return
        self.dismiss(day)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# -- a reason --------------------------------------------------------------------------


class ReasonDialog(Dialog[str | None]):
    """An optional reason (for acknowledging a finding). Enter or the button returns
    the text, stripped ("" when empty); Escape returns None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.reason.cancel"),
    ]
    AUTO_FOCUS = "#reason"

    def __init__(self, title: str, *, ok: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.ok = ok if ok is not None else tr("Quittieren")

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(neutral(self.title_text), classes="title", markup=False)
            yield Input(id="reason", placeholder=tr("Grund (optional)"))
            yield message_line()
            with Horizontal(classes="buttons"):
                yield Button(self.ok, id="ok", variant="primary")
                yield Button(tr("Abbrechen"), id="cancel")

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        problem = text_problem("Der Grund", reason)  # (a paste may carry escapes)
        if problem is not None:
            self.show_message(problem)
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# -- which part of a series ------------------------------------------------------------


class SeriesScopeDialog(Dialog[SeriesScope | None]):
    """Which occurrences of a recurring event a change applies to: ``"this"``,
    ``"following"`` or ``"all"`` (keys 1, 2, 3); Escape: None. ``action`` is the verb
    (``tr("ändern")``, ``tr("löschen")``): "Wiederkehrenden Termin ändern"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose('this')", "Nur diesen Termin", id="thekiz.series.this"),
        Binding("2", "choose('following')", "Diesen und alle folgenden",
                id="thekiz.series.following"),
        Binding("3", "choose('all')", "Alle Termine der Serie", id="thekiz.series.all"),
        Binding("escape", "cancel", "Abbrechen", id="thekiz.series.cancel"),
    ]
    AUTO_FOCUS = "#this"

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            title = tr("Wiederkehrenden Termin {action}", action=self.action)
            yield Static(title[:1].upper() + title[1:], classes="title", markup=False)
            yield Static(tr("Für welche Termine der Serie?"), classes="hint")
            with Vertical(classes="choices"):
                yield Button(tr("1  Nur diesen Termin"), id="this")
                yield Button(tr("2  Diesen und alle folgenden"), id="following")
                yield Button(tr("3  Alle Termine der Serie"), id="all")
            with Horizontal(classes="buttons"):
                yield Button(tr("Abbrechen"), id="cancel")

    def action_choose(self, scope: SeriesScope) -> None:
        self.dismiss(scope)

    @on(Button.Pressed, "#this, #following, #all")
    def _pressed(self, event: Button.Pressed) -> None:
        scope: SeriesScope = {"this": "this", "following": "following"}.get(
            event.button.id or "", "all"
        )  # type: ignore[assignment]
        self.dismiss(scope)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# -- one of a list ---------------------------------------------------------------------


class ChooseDialog(Dialog[str | None]):
    """Pick one entry of a list. ``options`` are ``(value, label)`` pairs (for example
    an occurrence's key and its time and title); Enter or a click dismisses with the
    value, Escape with None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.choose.cancel"),
    ]
    AUTO_FOCUS = "#options"

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(neutral(self.title_text), classes="title", markup=False)
            yield OptionList(*[Option(Content(label)) for _value, label in self.options],
                             id="options")
            yield Static(tr("Enter wählt aus, Esc bricht ab"), classes="hint")

    @on(OptionList.OptionSelected, "#options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
