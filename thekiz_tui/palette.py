"""The command palette (ctrl+p): every action of the planner, by its German name, and
Textual's own commands and search field in the planner's language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from .i18n import tr
from .keys import PLANNER, Action
from .textual_private import keymap

if TYPE_CHECKING:
    from textual.screen import Screen


NO_MATCH_SCORE = 0.01
"""The score of the hit that says nothing matched (there is no other hit to rank)."""


async def _nothing() -> None:
    """Choosing "no matches" closes the palette and does nothing else."""


class PlannerCommands(Provider):
    """Lists the planner's actions with their keys; runs them on the planner screen."""

    def _actions(self) -> list[Action]:
        return [a for a in PLANNER if a.palette and a.id != "thekiz.quit"]

    def _planner(self) -> Screen[Any] | None:
        """The planner screen (marked ``is_planner``: the palette does not import the
        planner, which the app imports)."""
        found: Screen[Any] | None = None
        for screen in reversed(self.app.screen_stack):
            if getattr(screen, "is_planner", False):
                found = screen
                break
        return found

    async def _run(self, action: Action) -> None:
        screen = self._planner()
        if screen is not None:
            await screen.run_action(action.action)

    def _help(self, action: Action) -> str:
        from .screens.help import keys_display

        return tr("Taste: {key}", key=keys_display(keymap(self.app).get(action.id, action.keys)))

    async def discover(self) -> Hits:
        if self._planner() is None:
            return
        for action in self._actions():
            yield DiscoveryHit(tr(action.description), partial(self._run, action),
                               help=self._help(action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        if self._planner() is not None:
            for action in self._actions():
                name = tr(action.description)
                score = matcher.match(name)
                if score > 0:
                    found = True
                    yield Hit(score, matcher.highlight(name), partial(self._run, action),
                              help=self._help(action))
        # Where nothing matches, Textual's palette says so in English ("No matches found"):
        # the hit that says it in her language stands in its place. (The palette's other
        # source is Textual's own commands, searched as Textual searches them.)
        if not found and not any(matcher.match(command.title) > 0
                                 for command in self.app.get_system_commands(self.screen)):
            yield Hit(NO_MATCH_SCORE, Content.styled(tr("Keine Treffer"), "italic"),
                      _nothing, text=tr("Keine Treffer"))


# Textual's own palette commands (``App.get_system_commands``) as Textual writes them, and
# the German they are shown in; tr() turns that into the English of the catalogue, which
# is Textual's wording again.
SYSTEM_WORDS = {
    "Theme": "Farbschema",
    "Change the current theme": "Das Farbschema wechseln",
    "Quit": "Beenden",
    "Quit the application as soon as possible": "thekiz sofort beenden",
    "Keys": "Tasten",
    "Show help for the focused widget and a summary of available keys":
        "Hilfe zum gewählten Feld und die Tasten, die gerade gelten",
    "Hide the keys and widget help panel": "Die Tasten und die Hilfe ausblenden",
    "Minimize": "Verkleinern",
    "Minimize the widget and restore to normal size":
        "Das Feld wieder in normaler Größe zeigen",
    "Maximize": "Vergrößern",
    "Maximize the focused widget": "Das gewählte Feld auf die ganze Fläche vergrößern",
    "Screenshot": "Bildschirmfoto",
    "Save an SVG 'screenshot' of the current screen": "Den Bildschirm als SVG-Datei speichern",
}


def system_commands(commands: Iterable[SystemCommand], *,
                    screenshot: bool = True) -> Iterator[SystemCommand]:
    """Textual's palette commands in the current language (a text Textual adds in a later
    version stays as Textual has it); without the screenshot if ``screenshot`` is False."""
    for command in commands:
        if command.title == "Screenshot" and not screenshot:
            continue
        yield command._replace(
            title=tr(SYSTEM_WORDS.get(command.title, command.title)),
            help=tr(SYSTEM_WORDS.get(command.help, command.help)),
        )


def command_palette() -> CommandPalette:
    """The palette, its search field's placeholder in the current language."""
    return CommandPalette(placeholder=tr("Befehle suchen …"), id="--command-palette")
