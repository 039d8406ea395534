"""The first steps in an empty store: a short German guide the planner shows instead of
an empty month, with the keys that open the office's screens.

It dismisses with what she chose, for the planner to open: ``"coaches"``, ``"kitas"``,
``"new"`` (the first event), ``"import"``, ``"settings"``; None with Escape.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from ..dialogs.common import Dialog
from ..i18n import tr

Step = Literal["coaches", "kitas", "new", "import", "settings"]


def steps(office: bool) -> list[str]:
    """The guide's lines; a coach is told who creates what she cannot."""
    if not office:
        return [
            tr("Noch keine Prozessbegleiter*innen und Kitas: die Koordinationsstelle legt "
               "sie an."),
            tr("Danach: den ersten Termin mit n anlegen oder mit i einen Kalender "
               "importieren (thekiz import DATEI)."),
        ]
    return [
        tr("1. Prozessbegleiter*innen anlegen: c (oder thekiz coach add --name NAME)"),
        tr("2. Kitas anlegen, mit Landkreis, Stufe, Budget und Begleitung: k "
           "(oder thekiz kita add --name NAME)"),
        tr("3. Den ersten Termin anlegen: n"),
        tr("4. Oder einen Kalender importieren: i (oder thekiz import DATEI)"),
        tr("Einstellungen (Fahrzeit, Budgets, Arbeitszeit): s"),
    ]


class FirstStepsScreen(Dialog[Step | None]):
    """The guide for an empty store (see the module's text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "choose('coaches')", "Prozessbegleiter*innen",
                id="thekiz.first.coaches"),
        Binding("k", "choose('kitas')", "Kitas", id="thekiz.first.kitas"),
        Binding("n", "choose('new')", "Neuer Termin", id="thekiz.first.new"),
        Binding("i", "choose('import')", "Import", id="thekiz.first.import"),
        Binding("s", "choose('settings')", "Einstellungen", id="thekiz.first.settings"),
        Binding("escape", "choose(None)", "Schließen", id="thekiz.first.close"),
    ]

    def __init__(self, *, office: bool = True) -> None:
        super().__init__()
        self.office = office

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(tr("Erste Schritte"), classes="title", markup=False)
            for line in steps(self.office):
                yield Static(line, classes="step", markup=False)
            yield Static(tr("Esc schließt diese Hilfe; ? zeigt alle Tasten."), classes="hint",
                         markup=False)

    def action_choose(self, step: Step | None) -> None:
        if step in ("coaches", "kitas", "settings") and not self.office:
            return  # (the guide says who creates them)
        self.dismiss(step)
