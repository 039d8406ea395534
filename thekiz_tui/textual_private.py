"""Every reach into a private part of Textual, in this one module.

Textual is pinned exactly (textual==8.2.8, pyproject.toml): each reach below is checked
against that version, and an upgrade reads this module first. Each says why the public API
does not do it, and what upstream would remove it. ``tests/test_hygiene.py`` fails if
another module of thekiz touches one of these names.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.screen import Screen

PRIVATE_NAMES: tuple[str, ...] = (
    "_keymap", "_bindings", "_batch_count", "_on_timer_update", "_fatal_error",
    "_message_queue", "_pending_message", "_is_mounted", "_closing", "_closed",
    "_thread_id", "_loop", "_get_terminal_size",
)
"""The private Textual names reached here; no other module of thekiz uses them."""


def keymap(app: App[Any]) -> Mapping[str, str]:
    """The keymap in force (binding id → keys), for the help screen and the palette.
    ``App.set_keymap`` sets it, but Textual 8.2.8 has no getter; the config's keymap alone
    would miss what the app set since. (No upstream issue known: a public ``App.keymap``
    property would remove this.)"""
    return app._keymap


def rename_binding(app: App[Any], key: str, action: str, description: str,
                   tooltip: str) -> None:
    """Give the app's own binding of ``action`` on ``key`` another description (the footer
    names the command palette in the user's language). Textual declares the palette's
    binding itself, from ``COMMAND_PALETTE_BINDING``, with an English description and no
    hook to change it. (No upstream issue known.)"""
    bindings = app._bindings.key_to_bindings
    bindings[key] = [
        replace(b, description=description, tooltip=tooltip) if b.action == action else b
        for b in bindings.get(key, [])
    ]


def batch_open(app: App[Any]) -> bool:
    """Whether a ``batch_update`` is still open (then a paint would be held anyway). The
    batch's counter has no public reader in 8.2.8."""
    return bool(app._batch_count)


def paint_now(screen: Screen[Any]) -> None:
    """Paint the screen's pending updates now, not on its next 60 Hz tick (the event
    form's echo and live findings in one frame, see ``dialogs/event_form.py``): Textual's
    own handler of that tick. No public "flush" exists in 8.2.8."""
    screen._on_timer_update()


def closing(pump: MessagePump) -> bool:
    """Whether the pump (an app, a screen, a widget) is closing or closed."""
    return bool(pump._closing or pump._closed)


def busy(pump: MessagePump) -> bool:
    """The pump has messages waiting, is still handling one (its handler awaits something:
    a mount, an action), or is not mounted yet (``app_base.py``: keys that arrive
    in one burst take effect one after the other). Textual has no public "idle" test for
    a pump.

    A pump is idle while its task waits for the next message: on the ready event of its
    queue (Textual's ``_queue.Queue``, whose ``task_done`` counts nothing). The event's
    waiters are asyncio's; if a later Python names them otherwise, every pump counts as
    idle and keys flow as without this module (the tests of tests/test_key_bursts.py fail).
    """
    if closing(pump):
        return False
    if not pump._is_mounted:
        return True
    queue: Any = pump._message_queue  # textual._queue.Queue
    if queue.qsize() or pump._pending_message is not None:
        return True
    waiters = getattr(queue.ready_event, "_waiters", None)
    if waiters is None:
        return False
    return not any(not waiter.done() for waiter in waiters)


def app_loop_from_another_thread(app: App[Any]) -> asyncio.AbstractEventLoop | None:
    """The app's event loop when called from another thread (a key posted by a driver
    thread must join the others on the loop), else None. ``App.call_from_thread`` waits
    for the result, which a driver thread must not."""
    loop = app._loop
    if loop is not None and threading.get_ident() != app._thread_id:
        return loop
    return None


class FatalErrorHook(App[Any]):
    """An app that may end on an unhandled error in its own words: ``fatal_error`` returns
    True when it has told the user (see ``app.py``: over SSH, no traceback with the server's
    paths and other people's data). Textual's ``_fatal_error`` has no public hook
    (textual#3069 asks for a simpler fatal-error policy)."""

    def fatal_error(self) -> bool:
        return False

    def _fatal_error(self) -> None:
        if not self.fatal_error():
            super()._fatal_error()


class SizeClampingDriver(LinuxDriver):
    """A Linux driver whose measured terminal size passes through ``clamp_size``: Textual
    measures the size at the start and on SIGWINCH in ``_get_terminal_size`` and offers
    no hook (textual#5417 reworks that method for COLUMNS/LINES)."""

    def clamp_size(self, columns: int, lines: int) -> tuple[int, int]:
        return columns, lines

    def _get_terminal_size(self) -> tuple[int, int]:
        return self.clamp_size(*super()._get_terminal_size())

    def terminal_size(self) -> tuple[int, int]:
        """The clamped size, measured now."""
        return self._get_terminal_size()
