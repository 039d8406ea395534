"""The details of an event she may see but not change (``--as``: a shared date, an
Einrichtungsbesuch, someone else's event): read only, with one line why she cannot change
it. The planner opens it instead of the form (``e``, Enter, a double click).

It shows kind (and the Fortbildung's subtype), title, date and time, a series' rule in
words, coaches, Kita, location, status and notes; Escape or Enter closes it. It fits 80x24:
long notes scroll.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from store.text import neutral

from ..i18n import lang, tr
from ..output import _when
from ..planning.labels import STATUS_LABELS, SUBTYPE_LABELS, kind_label
from ..planning.recurrence import describe
from .common import DIALOG_CSS, Dialog

if TYPE_CHECKING:
    from store import Coach, Event, Kita

LABEL_WIDTH = 13


def detail_lines(event: Event, coaches: Mapping[str, Coach], kitas: Mapping[str, Kita],
                 series: Event | None = None) -> list[tuple[str, str]]:
    """The event as (label, value) lines, empty values left out. ``event``: the
    occurrence she selected (its own date and changes); ``series``: its series, whose
    rule is told in words."""
    kind = kind_label(event.kind, lang())
    if event.subtype:
        kind = f"{kind}: {SUBTYPE_LABELS.get(event.subtype, event.subtype)}"
    _, day, clock = _when(event, lang())
    lines = [(tr("Art"), kind), (tr("Titel"), event.title), (tr("Datum"), day),
             (tr("Zeit"), clock)]
    if series is not None and series.rrule:
        first = date.fromisoformat(series.start[:10])
        lines.append((tr("Wiederholung"),
                      describe(series.rrule, first, all_day=series.all_day, lang=lang())))
    kita = event.kita or ""
    lines += [
        (tr("Begleitung"), ", ".join(coaches[c].name if c in coaches else c
                                     for c in event.coaches)),
        (tr("Kita"), kitas[kita].name if kita in kitas else kita),
        (tr("Ort"), event.location),
        (tr("Status"), tr(STATUS_LABELS.get(event.status, event.status))),
        (tr("Notizen"), event.notes.strip()),
    ]
    # The values come from records (neutralised when read); once more here, since the
    # dialog may be given an event that never was in the store (store.text).
    return [(label, neutral(value, lines=True)) for label, value in lines if value]


def details_text(lines: list[tuple[str, str]]) -> str:
    """Label and value side by side; a value's further lines indented below it."""
    out = []
    for label, value in lines:
        first, *rest = value.splitlines() or [""]
        out.append(f"{label + ':':<{LABEL_WIDTH}} {first}")
        out += [f"{'':<{LABEL_WIDTH}} {line}" for line in rest]
    return "\n".join(out)


class DetailsDialog(Dialog[None]):
    """"Termin ansehen": what she may read of an event she may not change, and why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Schließen", id="thekiz.details.close"),
    ]
    AUTO_FOCUS = "#close"
    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOG_CSS, "details.tcss"]

    def __init__(self, event: Event, why: str, *, coaches: Mapping[str, Coach],
                 kitas: Mapping[str, Kita], series: Event | None = None) -> None:
        super().__init__()
        self.event = event
        self.why = why
        self.lines = detail_lines(event, coaches, kitas, series)

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(tr("Termin ansehen (nur lesen)"), classes="title")
            with VerticalScroll(id="details"):
                yield Static(details_text(self.lines), markup=False, id="details-text")
            yield Static(neutral(self.why), markup=False, id="details-why")
            with Horizontal(classes="buttons"):
                yield Button(tr("Schließen"), id="close", variant="primary")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
