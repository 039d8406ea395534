"""Keys in the order they were typed: each key reaches the widget that has the focus once
every key before it has taken effect, however fast the keys come.

Textual hands a key from the terminal to the widget focused at the moment the app takes
the key from its queue; that widget handles it later, from its own queue, and a Tab moves
the focus later still (the key bubbles up through every container to the app's bindings
first). A burst of keys (a paste, a fast typist, several keys in one packet over a slow SSH
link) is taken from the app's queue in one go, so every key of it went to the widget focused
before the burst: the letters after seven Tabs landed in the title, and the letters after
``n`` went to the month grid instead of the new event's form.

``KeysInOrderApp`` holds a key (or a paste) back while an earlier one is still on its way:
while a message pump of the app or of its current screen has a message waiting or in hand
(the key itself, its bubbling, the focus and Submitted messages it caused), a widget is
still being mounted (a dialog the key opened), or the screen says it is not ready for keys
(``ready_for_keys``, e.g. the event form before its choices are loaded). A burst then has
the same result as the same keys typed one at a time. A key that arrives when everything is
settled (as a person's keys nearly always do) goes on at once. Thread workers are not waited
for, except where a screen says so through ``ready_for_keys``; mouse events are not held.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, ReturnType
from textual.css.errors import StylesheetError
from textual.walk import walk_depth_first

from .textual_private import FatalErrorHook, app_loop_from_another_thread, busy, closing

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

# Seconds a key waits for the ones before it, at most: longer than loading a dialog's
# choices from a store on a busy server takes, short enough not to lose the coach's keys
# to a handler that never finishes.
KEY_WAIT_MAX = 3.0
SPIN_CHECKS = 200  # checks on every turn of the event loop before checking every SPIN_PAUSE
SPIN_PAUSE = 0.002
# The stylesheets of the first screens she opens are parsed ahead, this long after the app
# is mounted (its first frame is out by then), at a moment when nothing is waiting; after
# WARM_TRIES busy moments regardless (it takes a few milliseconds).
WARM_AFTER = 1.0
WARM_RETRY = 0.1
WARM_TRIES = 20


def first_busy(app: App[Any]) -> MessagePump | None:
    """The first message pump, of the app or of its current screen, that has a message it
    has not finished or is not mounted yet; None when all are idle: what was asked of them
    (a key, a refresh) has reached the screen."""
    if busy(app):
        return app
    try:
        screen = app.screen
    except Exception:  # no screen (starting or closing): nothing to wait for
        return None
    return next((node for node in walk_depth_first(screen) if busy(node)), None)


def pumps_idle(app: App[Any]) -> bool:
    return first_busy(app) is None


class StylesheetsAhead(App[ReturnType]):
    """An app that parses the stylesheets of screens it will likely show while it is idle,
    not when the screen is first shown.

    Textual reads a screen's ``CSS_PATH`` when the screen is first pushed, and then parses
    every stylesheet of the app again and restyles every widget of the app (``reparse``
    and ``update``): 35–70 ms before the first event form or details dialog appears. Read
    into the app's stylesheet beforehand (``Stylesheet.read`` and ``parse``, which parses
    only what is new), the screen's sheet is there when it is pushed, and Textual does
    neither. Skipping the restyle of the widgets already shown is sound because a
    screen's stylesheet styles only that screen (every rule starts with its type;
    ``tests/test_hygiene.py`` holds that), and none is shown yet."""

    WARM_CSS_PATHS: ClassVar[tuple[str, ...]] = ()
    """Stylesheets to parse ahead, relative to the module of the app's class as
    ``CSS_PATH`` is (and each exactly as the screen's ``CSS_PATH`` names it: otherwise
    Textual reads it once more, and nothing is gained)."""

    def on_mount(self) -> None:
        if self.WARM_CSS_PATHS:
            # (a call of the loop, not a Textual timer: a timer's callback runs while the
            # app handles the timer's message, and the app would never look idle)
            asyncio.get_running_loop().call_later(WARM_AFTER, self._warm_stylesheets, 0)

    def _warm_stylesheets(self, tries: int) -> None:
        if closing(self):
            return
        if not pumps_idle(self) and tries < WARM_TRIES:
            asyncio.get_running_loop().call_later(WARM_RETRY, self._warm_stylesheets,
                                                  tries + 1)
            return
        stylesheet = self.stylesheet
        folder = Path(inspect.getfile(type(self))).parent
        added = []
        for name in self.WARM_CSS_PATHS:
            path = str(folder / name)
            if stylesheet.has_source(path):
                continue
            try:
                stylesheet.read(path)
            except StylesheetError:
                continue  # (the screen reports it when it is shown)
            added.append(path)
        if not added:
            return
        try:
            stylesheet.parse()
        except StylesheetError:
            # taken back: the screen then reads it when shown, and reports what is wrong
            for path in added:
                stylesheet.source.pop((path, ""), None)


class KeysInOrderApp(StylesheetsAhead[ReturnType], FatalErrorHook, App[ReturnType]):
    """An app whose keys from the terminal take effect one after the other (see the
    module), and that parses its likely screens' stylesheets ahead (``StylesheetsAhead``)."""

    _keys_waiting: deque[events.Key | events.Paste] | None = None
    _keys_feeding = False
    _keys_since = 0.0  # monotonic() when the first waiting key started to wait
    _keys_checks = 0
    _keys_last_busy: MessagePump | None = None

    def post_message(self, message: Message) -> bool:
        if (isinstance(message, (events.Key, events.Paste)) and not message.is_forwarded
                and not closing(self)):
            loop = app_loop_from_another_thread(self)
            if loop is not None:
                loop.call_soon_threadsafe(self.post_message, message)
                return True
            return self._take_key(message)
        return super().post_message(message)

    def _take_key(self, key: events.Key | events.Paste) -> bool:
        waiting = self._keys_waiting
        if waiting is None:
            waiting = self._keys_waiting = deque()
        if not waiting and self.keys_settled():
            return super().post_message(key)
        if not waiting:
            self._keys_since = monotonic()
            self._keys_checks = 0
        waiting.append(key)
        if not self._keys_feeding:
            self._keys_feeding = True
            asyncio.get_running_loop().call_soon(self._feed_keys)
        return True

    def _feed_keys(self) -> None:
        """Hand on the next waiting key once the ones before it have taken effect; until
        then, check again on the next turn of the event loop (a little later after many
        turns, so that a long wait does not spin)."""
        waiting = self._keys_waiting
        if not waiting or closing(self):
            self._keys_feeding = False
            return
        # (A key that waited KEY_WAIT_MAX goes on regardless: something holds a message
        # for long, or a screen stays unready, and the coach must not be left without keys.)
        if self.keys_settled() or monotonic() - self._keys_since > KEY_WAIT_MAX:
            super().post_message(waiting.popleft())
            self._keys_since = monotonic()
            self._keys_checks = 0
        if not waiting:
            self._keys_feeding = False
            return
        self._keys_checks += 1
        loop = asyncio.get_running_loop()
        if self._keys_checks < SPIN_CHECKS:
            loop.call_soon(self._feed_keys)
        else:
            loop.call_later(SPIN_PAUSE, self._feed_keys)

    def keys_settled(self) -> bool:
        """Every key handed on has taken effect: no message pump of the app or of its
        current screen has an unfinished message, every widget of the screen is mounted,
        and the screen is ready for keys."""
        last = self._keys_last_busy
        if last is not None:  # the one found busy last time, most likely busy still
            if busy(last):
                return False
            self._keys_last_busy = None
        try:
            if not getattr(self.screen, "ready_for_keys", True):
                return False
        except Exception:  # no screen (starting or closing): nothing to wait for
            return not busy(self)
        self._keys_last_busy = first_busy(self)
        return self._keys_last_busy is None
