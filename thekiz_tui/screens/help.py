"""The help screen (``?``): every action of the planner with its keys, by group, and how
to give an action other keys.

The keys shown are the ones in force: the defaults of ``keys.PLANNER`` with the app's
keymap (the config file's ``[keys]`` table) laid over them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..i18n import tr
from ..keys import BY_ID, PLANNER, Action
from ..textual_private import keymap

HelpRow = tuple[str, str, str, str]  # group, keys as shown, description, binding id

# Names of keys, in ASCII: Textual shows arrows and Enter as symbols of ambiguous width.
_NAMES = {
    "left": "Links",
    "right": "Rechts",
    "up": "Hoch",
    "down": "Runter",
    "pageup": "Bild auf",
    "pagedown": "Bild ab",
    "home": "Pos1",
    "end": "Ende",
    "delete": "Entf",
    "backspace": "Rücktaste",
    "insert": "Einfg",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "space": "Leertaste",
}
_MODIFIERS = {"ctrl": "Strg", "shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super"}


def key_display(key: str) -> str:
    """One key as the help shows it: ``Strg+z``, ``Shift+Links``, ``[``, ``F1``, ``K``.

    Only ASCII and Latin letters: Textual's own display uses arrows and symbols that
    some terminals draw two columns wide.
    """
    from textual.keys import format_key

    *modifiers, name = key.strip().split("+")
    if name in _NAMES:
        shown = tr(_NAMES[name])
    elif len(name) >= 2 and name[0] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        shown = format_key(name)
        if not shown.isascii() and len(shown) != 1:
            shown = name
    return "+".join([*(tr(_MODIFIERS.get(m, m.title())) for m in modifiers), shown])


def keys_display(keys: str) -> str:
    """``"left,h"`` as ``Links, h``."""
    return ", ".join(key_display(k) for k in keys.split(",") if k.strip())


def help_rows(
    keymap: Mapping[str, str] | None = None, actions: Iterable[Action] = PLANNER
) -> list[HelpRow]:
    """One row per action: translated group and description, the keys in force."""
    keymap = keymap or {}
    return [
        (tr(a.group), keys_display(keymap.get(a.id, a.keys)), tr(a.description), a.id)
        for a in actions
    ]


def screen_rows(screen: Screen[object]) -> list[HelpRow]:
    """The keys in force on ``screen`` (its focused widget's, its own and the app's), one
    row per action, in the user's language: what Textual's "Keys" panel lists, whose
    texts would show as stored (thekiz's bindings carry German, translated when shown)."""
    keys: dict[str, list[str]] = {}
    texts: dict[str, tuple[str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        keys.setdefault(binding.action, []).append(key)
        texts.setdefault(binding.action, (tr(binding.description), binding.id or ""))
    return [(tr("Tasten"), keys_display(",".join(keys[action])), text, binding_id)
            for action, (text, binding_id) in texts.items()]


def day_pane_text(keymap: Mapping[str, str] | None = None) -> str:
    """What the day pane shows, where, and what its key does in each view."""
    from .planner import BOTH_FROM

    action = BY_ID["thekiz.day"]
    return "\n" + tr(
        "Tag im Detail ({key}): neben dem Monat der gewählte Tag mit jedem Termin in voller "
        "Länge (Zeit, Titel, Kita, Prozessbegleiter*innen, Befunde); er folgt der Auswahl. "
        "Ab {columns} Spalten stehen er und die Seitenleiste nebeneinander, bei weniger Platz "
        "tauscht {key} die beiden. Im Tag (Tab oder Klick) wählen Hoch und Runter einen "
        "Termin, Enter öffnet ihn. Woche und Agenda zeigen die Titel ganz und keinen Tag im "
        "Detail; dort öffnet {key} den Monat mit ihm.",
        key=keys_display((keymap or {}).get(action.id, action.keys)), columns=BOTH_FROM,
    )


class HelpScreen(ModalScreen[None]):
    """The keys of the planner, grouped (Ansicht, Bewegen, Planen, Mehr). Scrolls with
    the arrows and PgUp/PgDn; Escape, ``q`` or ``?`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Schließen", id="thekiz.help.close"),
    ]
    AUTO_FOCUS = "#body"
    CSS_PATH = "help.tcss"

    def __init__(self, rows: list[HelpRow] | None = None, *,
                 config_path: str | None = None, title: str | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title
        if config_path is None:
            from ..uiconfig import config_path as default_path

            config_path = str(default_path())
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        keys_in_force = keymap(self.app)
        rows = self.rows if self.rows is not None else help_rows(keys_in_force)
        with Vertical(id="frame"):
            yield Static(self.title_text or tr("Hilfe: Tasten des Planers"), classes="title")
            yield Static(tr("Esc, q oder ? schließt; Pfeile und Bild auf/ab blättern. "
                     "Strg+p sucht einen Befehl."),
                         classes="hint")
            with VerticalScroll(id="body"):
                groups: dict[str, list[HelpRow]] = {}
                for row in rows:
                    groups.setdefault(row[0], []).append(row)
                # One width per column for all groups, so that the groups line up.
                keys_width = max((len(r[1]) for r in rows), default=0)
                id_width = max((len(r[3]) for r in rows), default=0)
                for group, members in groups.items():
                    yield Static(group, classes="group", markup=False)
                    yield Static(self._table(members, keys_width, id_width), classes="keys")
                yield Static(day_pane_text(keys_in_force), classes="hint day", markup=False)
                yield Static(self._remap_text(), classes="hint remap", markup=False)

    @staticmethod
    def _table(rows: list[HelpRow], keys_width: int, id_width: int) -> Table:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True, width=keys_width, style="bold")
        table.add_column(ratio=1)
        table.add_column(width=id_width, style="dim", overflow="fold")
        for _group, keys, description, binding_id in rows:
            table.add_row(Text(keys), Text(description), Text(binding_id))
        return table

    def _remap_text(self) -> str:
        where = f" ({self.config_path})" if self.config_path else ""
        return "\n" + tr(
            "Tasten ändern: in der Konfigurationsdatei{where} unter [keys] die Kennung der "
            'Aktion (rechte Spalte) mit neuen Tasten eintragen, z. B. "thekiz.kitas" = "i". '
            'Mehrere Tasten mit Komma: "thekiz.new" = "n,ctrl+n".',
            where=where,
        )

    def action_close(self) -> None:
        self.dismiss(None)
