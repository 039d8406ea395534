"""``/``: find an event in every year as she types, and jump to it.

What is found, and at which occurrence, is decided by ``planning.search`` through the
session layer (her own plan only); this dialog only shows it. The index of her events is
made once in a thread when the dialog opens; each keystroke then searches it.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.text import neutral

from ..i18n import tr
from ..planning.timeutil import WEEKDAYS_DE, fmt_date
from .common import Dialog, message_line

if TYPE_CHECKING:
    from ..planning.search import Hit, LiveSearch
    from ..session import Session

SHOWN = 200  # hits listed; the count says how many there are


@dataclass(frozen=True, slots=True)
class Found:
    """The chosen hit: the event's id and the day of the occurrence to jump to."""

    event_id: str
    key: str
    day: date


class SearchDialog(Dialog[Found | None]):
    """Search field above a list of hits in time order; Enter jumps to the highlighted
    one (the first while the field has the focus), Escape closes."""

    CSS_PATH = "search.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.search.cancel"),
        Binding("down", "to_list", show=False, id="thekiz.search.down"),
    ]
    AUTO_FOCUS = "#query"

    class IndexReady(Message):
        def __init__(self, index: LiveSearch) -> None:
            super().__init__()
            self.index = index

    def __init__(self, session: Session, *, query: str = "") -> None:
        super().__init__()
        self.session = session
        self.query_text = query
        self._index: LiveSearch | None = None
        self._frozen = False
        self._hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(tr("Suchen"), classes="title")
            yield Input(self.query_text, id="query",
                        placeholder=tr("Titel, Notiz, Ort, Kita oder Name"))
            yield Static(tr("Alle Jahre; Groß-/Kleinschreibung und Akzente egal."),
                         id="count", classes="hint")
            yield OptionList(id="hits")
            yield message_line()

    def on_mount(self) -> None:
        self._make_index()

    @work(thread=True, exclusive=True)
    def _make_index(self) -> None:
        index = self.session.search_index()
        self.post_message(self.IndexReady(index))

    @on(IndexReady)
    def _ready(self, message: IndexReady) -> None:
        # The index holds every event of hers: out of the garbage collector's scans while
        # the dialog is open, so that a keystroke at 50,000 events is not held up by a
        # full collection (gc.freeze; unfrozen when the dialog closes).
        gc.freeze()
        self._frozen = True
        self._index = message.index
        self._search()

    def on_unmount(self) -> None:
        if self._frozen:
            gc.unfreeze()

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        self._search()

    def _search(self) -> None:
        index = self._index
        if index is None:
            return
        text = self.query_one("#query", Input).value
        found = index.find(text, limit=SHOWN)
        self._hits = found.shown
        listing = self.query_one("#hits", OptionList)
        listing.clear_options()
        listing.add_options([Option(self._line(h), id=h.occurrence.key) for h in self._hits])
        if self._hits:
            listing.highlighted = 0
        count = found.total
        if not text.strip():
            words = tr("Alle Jahre; Groß-/Kleinschreibung und Akzente egal.")
        elif count == 0:
            words = tr("Nichts gefunden.")
        elif count == 1:
            words = tr("1 Treffer")
        elif count > SHOWN:
            words = tr("{n} Treffer, die ersten {shown} stehen hier", n=count, shown=SHOWN)
        else:
            words = tr("{n} Treffer", n=count)
        self.query_one("#count", Static).update(words)

    @staticmethod
    def _line(hit: Hit) -> str:
        event = hit.occurrence.event
        day = hit.day
        when = f"{tr(WEEKDAYS_DE[day.weekday()])} {fmt_date(day)}"
        if not event.all_day:
            when += f" {datetime.fromisoformat(event.start):%H:%M}"
        title = event.title or tr("(ohne Titel)")
        if event.status == "abgesagt":
            title += " " + tr("[abgesagt]")
        return neutral(f"{when}  {title}")

    def _choose(self, position: int | None) -> None:
        if position is None or not (0 <= position < len(self._hits)):
            return
        hit = self._hits[position]
        self.dismiss(Found(hit.event.id, hit.occurrence.key, hit.day))

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        self._choose(self.query_one("#hits", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#hits")
    def _selected(self, message: OptionList.OptionSelected) -> None:
        self._choose(message.option_index)

    def action_to_list(self) -> None:
        """↓ in the field: on to the list (the list takes ↓ itself once focused)."""
        if self._hits:
            self.query_one("#hits", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
