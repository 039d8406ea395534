"""A program in a real pseudo-terminal, read through a terminal emulator (pyte).

Used by the benchmarks (time from a key to the painted screen) and by tests that need
to see the screen as a user does, without tmux.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence

import pyte

BURST_GAP = 0.002  # seconds of silence that end a burst of output


class Terminal:
    """``cmd`` running on a pty of ``columns`` x ``lines``; ``screen`` is what shows."""

    def __init__(self, cmd: Sequence[str], *, columns: int = 100, lines: int = 30,
                 env: Mapping[str, str] | None = None, cwd: str | None = None) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_read = 0
        self.arrived = 0.0  # perf_counter() of the last output read
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("TERM", "xterm-256color")
        # COLUMNS and LINES win over the pseudo-terminal's size (shutil's rule, which
        # Textual follows); a test worker may hold them, and a login never sets them.
        full_env.pop("COLUMNS", None)
        full_env.pop("LINES", None)
        self.proc = subprocess.Popen(
            list(cmd), stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=cwd,
            start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.master = master

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> bool:
        """Read what arrives within ``timeout`` seconds, then feed it to the emulator;
        False if nothing came.

        A burst (Textual writes a frame in several chunks) is read to its end before any
        of it is parsed, and ``arrived`` is when its last chunk came: pyte needs about as
        long to parse a frame as the app needs to make it, and a real terminal does not
        charge that to the app."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        burst: list[bytes] = []
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                break
            if not data:
                break
            burst.append(data)
            self.arrived = time.perf_counter()
            more, _, _ = select.select([self.master], [], [], BURST_GAP)
            if not more:
                break
        if not burst:
            return False
        for data in burst:
            self.bytes_read += len(data)
            self.stream.feed(data)
        return True

    def wait_for(self, predicate: Callable[[Terminal], bool], timeout: float = 20.0) -> float:
        """The moment (``time.perf_counter()``) the output that made ``predicate`` hold
        for the screen arrived; TimeoutError if it does not hold within ``timeout``."""
        deadline = time.perf_counter() + timeout
        while not predicate(self):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"screen did not match in {timeout} s:\n{self.text()}")
            self.pump(min(left, 0.05))
        return self.arrived

    def settle(self, quiet: float = 0.2, timeout: float = 5.0) -> None:
        """Read until nothing arrives for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self.pump(quiet):
            pass

    def send(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def time_key(self, keys: str | bytes, predicate: Callable[[Terminal], bool]) -> float:
        """Milliseconds from sending ``keys`` to the arrival of the output that makes
        ``predicate`` hold (it must not hold before)."""
        if predicate(self):
            raise ValueError(f"the screen matches before {keys!r} is sent:\n{self.text()}")
        began = time.perf_counter()
        self.send(keys)
        return (self.wait_for(predicate) - began) * 1000

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        os.killpg(self.proc.pid, signal.SIGWINCH)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
