"""The Textual app: thin. It holds one session (``thekiz_tui.session``: the person, her
store, her findings, saving with undo), watches the store for changes from other
processes, and shows the planner screen."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store import paths

from .app_base import KeysInOrderApp
from .i18n import set_lang, tr
from .palette import PlannerCommands
from .session import Session
from .textual_private import rename_binding

if TYPE_CHECKING:
    from store import Event, Store

    from .planning.month_snapshot import MonthSnapshot

POLL_SECONDS = 1.0  # other processes' changes show within two seconds
GC_AT_THE_LATEST = 2.0  # seconds after mounting: see resume_gc


def resume_gc() -> None:
    """Collect garbage again after the start (``thekiz`` switches the collector off until
    the first frame is painted; the planner calls this then, the app at the latest after
    GC_AT_THE_LATEST). What the start made lives as long as the app: frozen, it is not
    walked again by every collection."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


@dataclass(frozen=True)
class PlannerContext:
    """What the planner is opened on: the store's path, who uses it, and today."""

    db: Path
    today: date
    as_coach: str | None = None
    lang: str = "de"
    keymap: dict[str, str] = field(default_factory=dict)


class PlannerApp(KeysInOrderApp[None]):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "widgets/widgets.tcss",
                                                 "widgets/day_pane.tcss"]
    # the first screens a coach opens, each sheet as its screen's CSS_PATH names it
    WARM_CSS_PATHS = ("dialogs/event_form.tcss", "dialogs/common.tcss", "dialogs/details.tcss")
    TITLE = "thekiz"
    COMMANDS: ClassVar = App.COMMANDS | {PlannerCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, ctx: PlannerContext, store: Store | None = None,
                 first_month: MonthSnapshot | None = None, stamp: object = None) -> None:
        """``store``: opened already, or None to open it when first used (the first frame
        can go without it when ``first_month`` is given). ``stamp``: the store's stamp
        from before ``first_month`` was read."""
        set_lang(ctx.lang)
        super().__init__()
        self.ctx = ctx
        self.session = (
            Session.at(ctx.db, today=ctx.today, as_coach=ctx.as_coach) if store is None
            else Session(store, today=ctx.today, as_coach=ctx.as_coach)
        )
        self._db_file = paths.main_file(ctx.db)
        self._stamp = self.store_stamp() if stamp is None else stamp
        self._first_month = first_month
        self._name_palette_key()
        if ctx.keymap:
            self.set_keymap(ctx.keymap)

    @property
    def store(self) -> Store:
        """The session's store, opened on first use (from any thread: workers ask too)."""
        return self.session.store

    def _name_palette_key(self) -> None:
        """The footer names the palette key in the user's language (Textual: "palette")."""
        rename_binding(self, self.COMMAND_PALETTE_BINDING, "command_palette",
                       tr("Befehle"), tr("Alle Befehle suchen"))

    def get_default_screen(self) -> Screen[None]:
        """The planner is the app's first screen (not pushed over an empty one: one
        screen less to compose and style before the first frame)."""
        from .screens.planner import PlannerScreen

        screen = PlannerScreen(today=self.ctx.today, first_month=self._first_month)
        self._first_month = None
        return screen

    def on_mount(self) -> None:
        theme = os.environ.get("THEKIZ_THEME", "textual-dark")
        if theme != self.theme:  # (setting it restyles every widget)
            self.theme = theme
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_timer(GC_AT_THE_LATEST, resume_gc)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands; over SSH without the screenshot, which would
        write a file on the server (the planner of a login touches no server files)."""
        from .palette import system_commands
        from .remote.session import over_ssh

        yield from system_commands(super().get_system_commands(screen),
                                   screenshot=not over_ssh())

    def action_command_palette(self) -> None:
        """Textual's palette, with its search field in the user's language."""
        from textual.command import CommandPalette

        from .palette import command_palette

        if self.use_command_palette and not any(
                isinstance(screen, CommandPalette) for screen in self.screen_stack):
            self.push_screen(command_palette())

    def fatal_error(self) -> bool:
        """An unhandled error ends the app. Over SSH without Textual's traceback, which
        would show the client the server's paths and, with its local variables, data of
        other people: one German line, and the traceback in the server's log folder."""
        from .remote.session import crash_message, over_ssh

        if not over_ssh():
            return False
        import sys

        error = sys.exc_info()[1] or RuntimeError("?")
        self.panic(crash_message(error, self.ctx.as_coach or "?"))
        return True

    def action_show_help_panel(self) -> None:
        """The palette's "Keys": the keys in force on this screen in the user's language
        (Textual's panel would draw each binding's stored German text)."""
        from .screens.help import HelpScreen, screen_rows

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(screen_rows(self.screen),
                                    title=tr("Tasten dieses Bildschirms")))

    def get_key_display(self, binding: Binding) -> str:
        """Plain key names: Textual's arrows and symbols are ambiguous-width."""
        from .screens.help import key_display

        return key_display(binding.key)

    def action_help_quit(self) -> None:
        """ctrl+c (Textual's copy key in fields): say in the user's language how to quit."""
        from .screens.help import key_display

        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(tr("{key} beendet thekiz.", key=key_display(key)),
                            title=tr("Beenden?"))
                return

    # -- the store, for the screens' workers -------------------------------------------

    def store_stamp(self) -> object:
        """Changes whenever any process writes the store (see ``store.paths.stamp``)."""
        return paths.stamp(self._db_file)

    def _poll(self) -> None:
        stamp = self.store_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            for screen in self.screen_stack:
                changed = getattr(screen, "store_changed", None)  # the planner's
                if changed is not None:
                    changed(stamp)

    def resume_gc(self) -> None:
        """The planner's first frame is painted (see ``resume_gc``)."""
        resume_gc()

    def store_event(self, event_id: str) -> Event | None:
        """An event she sees, or None after telling her why not."""
        try:
            return self.session.event(event_id)
        except Exception as error:
            self.notify(self.describe_error(error), severity="error")
            return None

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification (screens and widgets call the app's) shows its text inert:
        an error may quote what someone typed or stored (``store.text``)."""
        from store.text import neutral

        super().notify(neutral(str(message), lines=True), title=neutral(title),
                       severity=severity, timeout=timeout, markup=markup)

    @staticmethod
    def describe_error(error: BaseException) -> str:
        from .session import describe_error

        return describe_error(error)
