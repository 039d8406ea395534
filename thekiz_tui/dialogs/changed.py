"""When a change meets an event that changed elsewhere in the meantime (another coach on
the same server, a command in a shell): nothing was saved, and this dialog shows the
current version beside what the coach wanted to save, so that no edit is lost silently.

It dismisses with ``"current"`` (edit the current version), ``"mine"`` (edit again with
her own values, starting from the current version) or ``None`` (close).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ..i18n import lang, tr
from ..output import _when
from ..planning.labels import STATUS_LABELS, kind_label
from .common import Dialog

if TYPE_CHECKING:
    from store import Coach, Event, Kita


def event_lines(event: Event, coaches: Mapping[str, Coach],
                kitas: Mapping[str, Kita]) -> list[tuple[str, str]]:
    """An event as (label, value) lines, as a coach reads it."""
    _, day, clock = _when(event, lang())
    kita = event.kita or ""
    if kita in kitas:
        kita = kitas[kita].name
    return [
        (tr("Titel"), event.title),
        (tr("Art"), kind_label(event.kind, lang())),
        (tr("Datum"), day),
        (tr("Zeit"), clock),
        (tr("Begleitung"), ", ".join(coaches[c].name if c in coaches else c
                                     for c in event.coaches)),
        (tr("Kita"), kita),
        (tr("Ort"), event.location),
        (tr("Status"), tr(STATUS_LABELS.get(event.status, event.status))),
        (tr("Notizen"), " ".join(event.notes.split())),
    ]


def comparison(current: Event | None, mine: Event | None, coaches: Mapping[str, Coach],
               kitas: Mapping[str, Kita]) -> str:
    """The current version, field by field, and below it her values that differ."""
    if current is None:
        lines = [tr("Der Termin wurde inzwischen gelöscht.")]
    else:
        lines = [tr("Aktuelle Fassung:")]
        lines += [f"  {label}: {value}" for label, value in
                  event_lines(current, coaches, kitas) if value]
    if mine is not None:
        theirs = dict(event_lines(current, coaches, kitas)) if current is not None else {}
        differs = [(label, value) for label, value in event_lines(mine, coaches, kitas)
                   if theirs.get(label) != value]
        if differs:
            lines.append(tr("Ihre Eingabe (nicht gespeichert):"))
            lines += [f"  {label}: {value or '-'}" for label, value in differs]
    return "\n".join(lines)


class ChangedDialog(Dialog[str | None]):
    """"Inzwischen geändert": the message, the current version and her values."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Schließen", id="thekiz.changed.close"),
    ]
    AUTO_FOCUS = "#current"

    def __init__(self, message: str, current: Event | None, mine: Event | None, *,
                 coaches: Mapping[str, Coach], kitas: Mapping[str, Kita]) -> None:
        super().__init__()
        self.message = message
        self.current = current
        self.mine = mine
        self.coaches = coaches
        self.kitas = kitas

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(tr("Inzwischen anderswo geändert"), classes="title")
            yield Static(self.message, markup=False, id="changed-message")
            yield Static(comparison(self.current, self.mine, self.coaches, self.kitas),
                         markup=False, id="changed-versions")
            with Horizontal(classes="buttons"):
                if self.current is not None:
                    yield Button(tr("Aktuelle Fassung bearbeiten"), id="current",
                                 variant="primary")
                    if self.mine is not None and self.mine.id == self.current.id:
                        yield Button(tr("Meine Eingabe erneut bearbeiten"), id="mine")
                yield Button(tr("Schließen"), id="close")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "close" else event.button.id)
