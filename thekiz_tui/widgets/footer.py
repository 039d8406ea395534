"""The footer, rebuilt only when the keys it shows change, its words translated then.

Textual's Footer recomposes itself whenever the focus moves, even when the keys in force
stay the same, as they do between the planner's views: that rebuild mounts a dozen
widgets and costs more than painting the week view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from ..i18n import tr

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class QuietFooter(Footer):
    """A Footer that skips rebuilding when the shown keys did not change, and shows each
    key's description in the current language: thekiz's bindings carry the German text
    (a class's BINDINGS are made once, when its module is imported; the language is
    chosen later, per app)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (key, binding.action, binding.description, binding.key_display, enabled)
            for key, (_node, binding, enabled, _tip) in screen.active_bindings.items()
            if binding.show or binding.action in ("command_palette", "app.command_palette")
        )
        if shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # a rebuild with these keys is on its way

    def compose(self) -> ComposeResult:
        # (Footer composes a key widget per binding, its ``description`` the binding's;
        # that widget's class is not exported by Textual, so it is met by that attribute)
        for widget in super().compose():
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                widget.description = tr(description)  # type: ignore[attr-defined]
            yield widget
