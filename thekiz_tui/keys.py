"""Every action of the planner: a binding id, its default keys and its description.

The ids are what users remap in the config file (``[keys]`` table, see ``settings.py``
of the UI) and what the command palette and the help screen list. Keys are ones that
terminals really send over SSH: letters, punctuation, arrows, F-keys, ctrl+letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    keys: str
    action: str
    description: str  # German; translated when shown (the footer, the help, the palette)
    group: str  # German heading in the help screen
    footer: bool = False
    palette: bool = True

    def binding(self) -> Binding:
        return Binding(
            self.keys, self.action, self.description, show=self.footer, id=self.id,
            key_display=None,
        )


VIEW = "Ansicht"
MOVE = "Bewegen"
PLAN = "Planen"
MORE = "Mehr"

# The planner screen's actions (the calendar and the side panel).
PLANNER: tuple[Action, ...] = (
    Action("thekiz.month", "m", "show_view('month')", "Monat", VIEW, footer=True),
    Action("thekiz.week", "w", "show_view('week')", "Woche", VIEW, footer=True),
    Action("thekiz.agenda", "a", "show_view('agenda')", "Agenda", VIEW, footer=True),
    Action("thekiz.day", "d", "toggle_day", "Tag", VIEW, footer=True),
    Action("thekiz.left", "left,h", "move_day(-1)", "Vorheriger Tag", MOVE, palette=False),
    Action("thekiz.right", "right,l", "move_day(1)", "Nächster Tag", MOVE, palette=False),
    Action("thekiz.up", "up,k", "move_day(-7)", "Eine Woche zurück", MOVE, palette=False),
    Action("thekiz.down", "down,j", "move_day(7)", "Eine Woche vor", MOVE, palette=False),
    Action("thekiz.previous", "left_square_bracket,pageup", "page(-1)",
           "Vorheriger Monat / vorherige Woche", MOVE),
    Action("thekiz.next", "right_square_bracket,pagedown", "page(1)",
           "Nächster Monat / nächste Woche", MOVE),
    Action("thekiz.today", "t", "today", "Heute", MOVE),
    Action("thekiz.goto", "g", "goto", "Gehe zu Datum", MOVE),
    Action("thekiz.search", "slash", "search", "Suchen", MOVE),
    Action("thekiz.next_event", "full_stop", "cycle_event(1)", "Nächster Termin des Tages",
           MOVE),
    Action("thekiz.previous_event", "comma", "cycle_event(-1)",
           "Vorheriger Termin des Tages", MOVE),
    Action("thekiz.new", "n", "new_event", "Neu", PLAN, footer=True),
    Action("thekiz.edit", "e,enter", "edit_event", "Bearbeiten", PLAN, footer=True),
    Action("thekiz.duplicate", "c", "duplicate_event", "Duplizieren", PLAN),
    Action("thekiz.delete", "x,delete", "delete_event", "Löschen", PLAN),
    Action("thekiz.move_back", "shift+left,less_than_sign", "move_event(-1)",
           "Termin einen Tag früher", PLAN),
    Action("thekiz.move_forward", "shift+right,greater_than_sign", "move_event(1)",
           "Termin einen Tag später", PLAN),
    Action("thekiz.move_week_back", "shift+up,left_curly_bracket", "move_event(-7)",
           "Termin eine Woche früher", PLAN),
    Action("thekiz.move_week_forward", "shift+down,right_curly_bracket", "move_event(7)",
           "Termin eine Woche später", PLAN),
    Action("thekiz.undo", "u,ctrl+z", "undo", "Rückgängig", PLAN, footer=True),
    Action("thekiz.redo", "ctrl+y", "redo", "Wiederholen", PLAN),
    Action("thekiz.ack", "b", "acknowledge", "Befund quittieren", PLAN),
    Action("thekiz.filters", "f", "focus_panel", "Filter und Befunde", VIEW),
    Action("thekiz.panel", "p", "toggle_panel", "Seitenleiste ein/aus", VIEW),
    Action("thekiz.kitas", "K", "kitas", "Kitas", MORE, footer=True),
    Action("thekiz.report", "r", "report", "Bericht", MORE, footer=True),
    Action("thekiz.people", "P", "people", "Prozessbegleiter*innen und Kitas", MORE),
    Action("thekiz.settings", "S", "settings", "Einstellungen", MORE),
    Action("thekiz.export", "E", "export", "Export", MORE),
    Action("thekiz.import", "I", "import_calendar", "Import", MORE),
    Action("thekiz.help", "question_mark,f1", "help", "Hilfe", MORE, footer=True),
    Action("thekiz.quit", "q", "app.quit", "Beenden", MORE, footer=True),
)

BY_ID = {a.id: a for a in PLANNER}


# The footer lists its keys in this order and drops those that do not fit at the end:
# planning first, then help and quit (so that they show at 80 columns), the day in full
# (which 80 columns need most), then the rest.
FOOTER_FIRST = ("thekiz.new", "thekiz.edit", "thekiz.undo", "thekiz.help", "thekiz.quit",
                "thekiz.day")


def bindings(actions: tuple[Action, ...] = PLANNER) -> list[Binding]:
    """The actions' bindings, in the footer's order (the order does nothing else)."""
    first = {aid: i for i, aid in enumerate(FOOTER_FIRST)}
    ordered = sorted(actions, key=lambda a: first.get(a.id, len(first)))
    return [a.binding() for a in ordered]
