"""Fewer bytes for the same screen: colour codes sent as changes, not anew per segment.

Textual writes every segment of a frame as ``ESC[<all its attributes>m text ESC[0m``: a
month cell's rule, its text and its padding each repeat the background and the colours
in full and reset them after. Over SSH on a slow link those codes were three quarters
of what a month switch sent. :func:`compact` rewrites that output so that the terminal
gets each attribute only when it changes (``ESC[38;5;68m`` where only the text colour
differs from the segment before, nothing where nothing differs), and no reset between
segments. What the terminal shows stays the same, character for character and colour
for colour: the pen (colours and attributes) is the one Textual asked for at every
printed character and before every sequence other than a cursor move (erasing uses the
background), and it is reset at the end of every write, as Textual leaves it.

:class:`LeanDriver` is Textual's Linux driver with its output compacted this way, and
with the terminal size it reports clamped (thekiz_tui/termsize.py); the planner names it
in ``TEXTUAL_DRIVER`` (thekiz_tui/commands/planner.py).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from textual import events
from textual.geometry import Size
from textual.message import Message

from .termsize import clamp
from .textual_private import SizeClampingDriver

# SGR sequences, absolute cursor moves and line feeds; what lies between is text (or
# other control sequences, passed on as they are).
_TOKEN = re.compile(r"(\x1b\[[0-9;:]*m|\x1b\[[0-9]*;[0-9]*H|\n)")

BOLD, DIM, ITALIC, UNDERLINE, BLINK, BLINK2, REVERSE, CONCEAL, STRIKE = (1 << i for i in range(9))
UNDERLINE2, FRAME, ENCIRCLE, OVERLINE = (1 << i for i in range(9, 13))
_ON = {1: BOLD, 2: DIM, 3: ITALIC, 4: UNDERLINE, 5: BLINK, 6: BLINK2, 7: REVERSE, 8: CONCEAL,
       9: STRIKE, 21: UNDERLINE2, 51: FRAME, 52: ENCIRCLE, 53: OVERLINE}
_OFF = {22: BOLD | DIM, 23: ITALIC, 24: UNDERLINE | UNDERLINE2, 25: BLINK | BLINK2,
        27: REVERSE, 28: CONCEAL, 29: STRIKE, 54: FRAME | ENCIRCLE, 55: OVERLINE}
_CODE_OF = {bit: code for code, bit in _ON.items()}
_OFF_CODE_OF = {bits: code for code, bits in _OFF.items()}


class Pen(NamedTuple):
    """Attributes (bits) and colours (their SGR parameters, None: the default)."""

    bits: int = 0
    fg: str | None = None
    bg: str | None = None


DEFAULT = Pen()
UNKNOWN = Pen(-1)  # after an SGR this module does not model: only a reset is certain


def apply_sgr(pen: Pen, params: str) -> Pen | None:
    """The pen after ``ESC[<params>m``; None if the parameters are not understood."""
    if not params:
        return DEFAULT
    if ":" in params:
        return None
    bits, fg, bg = pen
    parts = params.split(";")
    i = 0
    while i < len(parts):
        text = parts[i]
        if not text.isdigit():
            return None
        code = int(text)
        i += 1
        if code == 0:
            bits, fg, bg = 0, None, None
        elif bits < 0:
            return None  # on an unknown pen only a reset is understood
        elif code in _ON:
            bits |= _ON[code]
        elif code in _OFF:
            bits &= ~_OFF[code]
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = text
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = text
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        elif code in (38, 48):
            if i < len(parts) and parts[i] == "5":
                size = 2
            elif i < len(parts) and parts[i] == "2":
                size = 4
            else:
                return None
            args = parts[i:i + size]
            if len(args) < size or not all(a.isdigit() for a in args):
                return None
            color = ";".join((text, *args))
            i += size
            if code == 38:
                fg = color
            else:
                bg = color
        else:
            return None
    return Pen(bits, fg, bg)


def _full(pen: Pen) -> list[str]:
    params = [str(code) for bit, code in _CODE_OF.items() if pen.bits & bit]
    if pen.fg is not None:
        params.append(pen.fg)
    if pen.bg is not None:
        params.append(pen.bg)
    return params


def transition(old: Pen, new: Pen) -> str:
    """The shortest SGR sequence that turns pen ``old`` into ``new`` ('' if equal)."""
    if old == new:
        return ""
    if new == DEFAULT:
        return "\x1b[0m"
    full = _full(new)
    if old == DEFAULT:
        return f"\x1b[{';'.join(full)}m"
    best = ["0", *full]
    if old.bits >= 0:
        params: list[str] = []
        on = new.bits & ~old.bits
        off = old.bits & ~new.bits
        for bits, code in _OFF_CODE_OF.items():
            if off & bits:
                params.append(str(code))
                on |= new.bits & bits  # the off code cleared its partner too
        params += [str(code) for bit, code in _CODE_OF.items() if on & bit]
        if new.fg != old.fg:
            params.append(new.fg or "39")
        if new.bg != old.bg:
            params.append(new.bg or "49")
        if len(";".join(params)) < len(";".join(best)):
            best = params
    return f"\x1b[{';'.join(best)}m"


class Compactor:
    """Rewrites a terminal output stream write by write (see the module's docstring)."""

    def __init__(self) -> None:
        self._pen = DEFAULT  # in force after the last write, as Textual left it
        self._pens: dict[Pen, Pen] = {DEFAULT: DEFAULT, UNKNOWN: UNKNOWN}  # one of each
        self._applied: dict[tuple[Pen, str], Pen | None] = {}
        self._moves: dict[tuple[Pen, Pen], str] = {}

    def _apply(self, pen: Pen, sgr: str) -> Pen | None:
        new = apply_sgr(pen, sgr[2:-1])
        if new is not None:
            new = self._pens.setdefault(new, new)
        self._applied[pen, sgr] = new
        return new

    def _move(self, old: Pen, new: Pen) -> str:
        text = self._moves[old, new] = transition(old, new)
        return text

    def compact(self, data: str) -> str:
        if "\x1b[" not in data:
            return data
        parts = _TOKEN.split(data)
        out = [parts[0]]
        append = out.append
        applied, moves = self._applied, self._moves
        want = have = self._pen  # what Textual asked for; what the terminal has
        tokens, texts = parts[1::2], parts[2::2]
        last = len(tokens) - 1
        for i, token in enumerate(tokens):
            kind = token[-1]
            if kind == "m":
                pen = applied.get((want, token), _MISSING)
                if pen is _MISSING:
                    pen = self._apply(want, token)
                if pen is None:  # not understood: passed on, from the pen asked for
                    if want is not have:
                        append(moves.get((have, want)) or self._move(have, want))
                    append(token)
                    want = have = UNKNOWN
                else:
                    want = pen
            elif kind == "H":  # a cursor move: the pen does not matter to it
                append(token)
            else:
                # A line feed right before a cursor move is redundant (Textual ends each
                # line of an update with one); elsewhere it may scroll, in the pen's colours.
                if not texts[i] and i < last and tokens[i + 1][-1] == "H":
                    continue
                if want is not have:
                    append(moves.get((have, want)) or self._move(have, want))
                    have = want
                append(token)
            text = texts[i]
            if text:  # text, or control sequences passed on as they are
                if want is not have:
                    append(moves.get((have, want)) or self._move(have, want))
                    have = want
                append(text)
        if want is not have:
            append(moves.get((have, want)) or self._move(have, want))
        self._pen = want
        return "".join(out)


_MISSING = Pen(-2)


class LeanDriver(SizeClampingDriver):
    """Textual's Linux driver, with its output compacted and the size it reports clamped
    (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._compactor = Compactor()
        if kwargs.get("size") is None:
            # The app asks for its size before the driver's first Resize arrives; without
            # one from the driver it would measure the terminal itself, unclamped.
            kwargs["size"] = self.terminal_size()
        super().__init__(*args, **kwargs)

    def clamp_size(self, columns: int, lines: int) -> tuple[int, int]:
        # (at the start and on SIGWINCH: what the pseudo-terminal says)
        return clamp(columns, lines)

    def process_message(self, message: Message) -> None:
        # A terminal may report its size in band (a client's bytes): clamped as well.
        if isinstance(message, events.Resize):
            size = Size(*clamp(*message.size))
            if size != message.size:
                message = events.Resize(size, size)
        super().process_message(message)

    def write(self, data: str) -> None:
        super().write(self._compactor.compact(data))
