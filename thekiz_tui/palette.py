"""The command palette (ctrl+p): every action of the planner, by its German name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .i18n import tr
from .keys import PLANNER, Action
from .textual_private import keymap

if TYPE_CHECKING:
    from textual.screen import Screen


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
        if self._planner() is None:
            return
        matcher = self.matcher(query)
        for action in self._actions():
            name = tr(action.description)
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action),
                          help=self._help(action))
