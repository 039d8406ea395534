"""Little redrawing over slow links: what the planner writes to a real terminal (a pty,
read through pyte) for one key.

The terminal here answers Textual's question whether it supports synchronized output, as
most terminals do; Textual then brackets every frame, so that each frame can be looked at
on its own, as a coach would see it for a moment.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyte
import pytest

from bench.terminal import Terminal
from thekiz_tui.lean_output import DEFAULT, Compactor, Pen, apply_sgr, transition

TODAY = date(2026, 11, 25)  # a Wednesday of the demo programme
WAIT = 30.0  # seconds a screen may take to show, at most (a busy CI machine)
SYNC_QUERY, SYNC_ANSWER = b"\x1b[?2026$p", b"\x1b[?2026;2$y"
SYNC_END = b"\x1b[?2026l"
# One `]` at 100x30 sent 36 kB before (a second frame repainted the whole screen, every
# segment with its colours in full); a whole screen is about 40 kB.
SWITCH_BOUND = 16_000
SCROLLBAR = set("▁▂▃▄▅▆▇█▔▕▏▎▍▌▋▊▉")


def _env(term: str = "xterm-256color", **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TEXTUAL", None)
    env.pop("TEXTUAL_DRIVER", None)
    env.update(TERM=term, THEKIZ_TODAY=TODAY.isoformat(), THEKIZ_CONFIG=os.devnull,
               COLUMNS="", LINES="", **extra)
    return env


class FrameTerminal(Terminal):
    """A terminal that supports synchronized output and keeps every frame's screen."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.frames: list[str] = []
        self._pending = b""

    def pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            return False
        if not data:
            return False
        self.bytes_read += len(data)
        self.arrived = time.perf_counter()
        if SYNC_QUERY in data:
            self.send(SYNC_ANSWER)
        self._pending += data
        while SYNC_END in self._pending:
            frame, self._pending = self._pending.split(SYNC_END, 1)
            self.stream.feed(frame + SYNC_END)
            self.frames.append(self.text())
        return True

    def key(self, keys: str) -> tuple[int, list[str]]:
        """Bytes and frames that ``keys`` bring, once the screen has settled."""
        self.settle(0.3)
        self.frames.clear()
        before = self.bytes_read
        self.send(keys)
        self.settle(0.5)
        return self.bytes_read - before, list(self.frames)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("redraw") / "plan.json"
    made = subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(path), "demo"],
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return path


def planner(db: Path, columns: int, lines: int, **env: str) -> FrameTerminal:
    term = FrameTerminal([sys.executable, "-m", "thekiz_tui", "--db", str(db)],
                         columns=columns, lines=lines, env=_env(**env))
    term.wait_for(lambda t: "November 2026" in t.text() and "KW" in t.text(), WAIT)
    term.settle(0.5)
    return term


@pytest.fixture
def wide(demo_db: Path) -> Iterator[FrameTerminal]:
    with planner(demo_db, 100, 30) as term:
        yield term


def warm_neighbours(term: FrameTerminal) -> None:
    """The months either side built, as a coach's first moves would."""
    for key in "][[]":
        term.send(key)
        term.settle(0.3)


def test_one_month_switch_is_one_small_frame(wide: FrameTerminal) -> None:
    """The month comes whole in its first frame (Textual may repaint a scrollbar of the
    findings after it), and all of it in less than half of a whole screen's bytes."""
    warm_neighbours(wide)
    for key, title in (("]", "Dezember 2026"), ("[", "November 2026"), ("]", "Dezember")):
        sent, frames = wide.key(key)
        assert title in wide.text()
        assert frames, "no frame painted"
        assert _text(frames[0]) == _text(wide.text()), f"{key!r}: a frame differs"
        assert sent <= SWITCH_BOUND, f"{key!r} sent {sent} bytes"


def _text(screen: str) -> list[str]:
    """The screen without scrollbars (they may come a frame later)."""
    return ["".join(" " if ch in SCROLLBAR else ch for ch in line)
            for line in screen.splitlines()]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_the_agenda_shows_no_frame_with_a_half_made_layout(
        demo_db: Path, size: tuple[int, int]) -> None:
    with planner(demo_db, *size) as term:
        for _ in range(2):  # the first time and again, after the month
            _, frames = term.key("a")
            final = _text(term.text())
            assert "Mi 25.11.2026" in term.text()
            assert "Prozessbegleitung - Kita Regenbogen | Jana Lindner" in term.text()
            assert frames, "no frame painted"
            for frame in frames:
                assert _text(frame) == final, f"a frame differs:\n{frame}"
            term.key("m")


def test_compacted_output_shows_what_textual_asked_for(demo_db: Path) -> None:
    """The same keys through Textual's own driver and through thekiz's: the same
    characters in the same colours and attributes, with fewer bytes."""
    keys = ["]", "[", "a", "m", "l", "w", "m"]

    def run(**env: str) -> tuple[list[list[tuple[object, ...]]], int]:
        screens, sent = [], 0
        with planner(demo_db, 100, 30, **env) as term:
            for key in keys:
                got, _ = term.key(key)
                sent += got
                screens.append(_cells(term.screen))
        return screens, sent

    lean, lean_bytes = run()
    plain, plain_bytes = run(TEXTUAL_DRIVER="textual.drivers.linux_driver:LinuxDriver")
    for key, a, b in zip(keys, lean, plain, strict=True):
        assert a == b, f"the screens differ after {key!r}"
    assert lean_bytes < plain_bytes * 0.75


def _cells(screen: pyte.Screen) -> list[tuple[object, ...]]:
    return [
        (y, x, ch.data, ch.fg, ch.bg, ch.bold, ch.italics, ch.underscore, ch.strikethrough,
         ch.reverse, ch.blink)
        for y in range(screen.lines) for x in range(screen.columns)
        for ch in (screen.buffer[y][x],)
    ]


# -- the compaction on its own -----------------------------------------------------------

def test_transition_sends_only_what_changes() -> None:
    text = apply_sgr(DEFAULT, "38;5;253;48;5;234")
    rule = apply_sgr(DEFAULT, "38;5;239;48;5;234")
    bold = apply_sgr(DEFAULT, "1;38;5;239;48;5;234")
    assert text is not None and rule is not None and bold is not None
    assert transition(text, rule) == "\x1b[38;5;239m"
    assert transition(rule, rule) == ""
    assert transition(rule, bold) == "\x1b[1m"
    assert transition(bold, rule) == "\x1b[22m"
    assert transition(rule, DEFAULT) == "\x1b[0m"
    # bold off takes dim with it: dim comes back
    both, dim = Pen(1 | 2, "31"), Pen(2, "31")
    assert transition(both, dim) == "\x1b[22;2m"
    assert apply_sgr(DEFAULT, "4:3") is None  # not modelled: passed on as it is


def test_compactor_keeps_the_screen_of_a_textual_like_stream() -> None:
    stream = (
        "\x1b[1;1H\x1b[38;5;253;48;5;234mKW\x1b[0m\x1b[38;5;239;48;5;234m│\x1b[0m"
        "\x1b[1;38;5;253;48;5;234m 1\x1b[0m\x1b[9;38;5;68;48;5;235mPrivat\x1b[0m\n"
        "\x1b[2;1H\x1b[7mX\x1b[0m\x1b[4:3mwavy\x1b[0m\x1b[38;2;10;20;30mtrue\x1b[0m"
        "\x1b[2;30H\x1b[48;5;17m\x1b[K\x1b[0mend\n\x1b[3;1H\x1b[1mlast\x1b[0m"
    )
    compactor = Compactor()
    compacted = compactor.compact(stream)
    assert len(compacted) < len(stream)
    assert "\x1b[4:3m" in compacted
    plain, lean = pyte.Screen(40, 4), pyte.Screen(40, 4)
    pyte.Stream(plain).feed(stream)
    pyte.Stream(lean).feed(compacted)
    assert _cells(lean) == _cells(plain)
    assert compacted.endswith("\x1b[0m")  # the pen is left as Textual leaves it
