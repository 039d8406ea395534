"""The process behind one SSH session of ``thekiz serve``: on its own pseudo-terminal or
on plain pipes, with its output handed to callbacks and its input written to it.

Every session runs in its own process: Textual's stdout capture and its signal handlers
are process-wide, so two planners cannot share one. Nothing here knows about SSH.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence

Output = Callable[[bytes], None]

# What the session process inherits from the server's own environment, besides THEKIZ_*.
PASSED_ON = ("PATH", "HOME", "PYTHONPATH", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_ANIMATIONS",
             "TEXTUAL_FPS")
KILL_AFTER = 3.0  # seconds between SIGHUP and SIGKILL when a session is ended
READ_SIZE = 1 << 16
# Client input waiting for a process that does not read it: above INPUT_HIGH bytes the
# session stops reading its channel (SSH's window then stops the client), below
# INPUT_LOW it reads again. Without this, one client's input grows the shared server.
INPUT_HIGH = 1 << 18
INPUT_LOW = 1 << 16


def child_env(server_env: Mapping[str, str], *, term: str | None,
              command: str | None) -> dict[str, str]:
    """A clean, minimal environment: nothing from the client but the terminal type (the
    requested command goes in as ``SSH_ORIGINAL_COMMAND``, empty for a login shell)."""
    env = {k: v for k, v in server_env.items() if k in PASSED_ON or k.startswith("THEKIZ_")}
    env.setdefault("PATH", os.defpath)
    env.setdefault("HOME", "/")
    env["LANG"] = "C.UTF-8"
    env["TERM"] = term or "dumb"
    env["SSH_ORIGINAL_COMMAND"] = command or ""
    return env


def set_size(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


class Child:
    """A session's process; ``output`` gets what it writes to stdout (on a pty, stderr
    too), ``errors`` what it writes to stderr on pipes."""

    def __init__(self, output: Output, errors: Output) -> None:
        self.output = output
        self.errors = errors
        self.proc: asyncio.subprocess.Process | None = None
        self._paused = asyncio.Event()
        self._paused.set()  # set: output flows
        self._ending: asyncio.TimerHandle | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    async def start(self, cmd: Sequence[str], env: Mapping[str, str]) -> None:
        raise NotImplementedError

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def input_waiting(self) -> int:
        """Bytes written to it that it has not read yet."""
        return 0

    def when_drained(self, callback: Callable[[], None]) -> None:
        """``callback`` (once, from the event loop) when at most INPUT_LOW bytes wait."""
        asyncio.get_running_loop().call_soon(callback)

    def end_of_input(self) -> None:
        """The client sent EOF."""

    def resize(self, columns: int, lines: int) -> None:
        """The client's window changed."""

    def pause(self) -> None:
        self._paused.clear()

    def resume(self) -> None:
        self._paused.set()

    def signal(self, sig: int) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def end(self) -> None:
        """SIGHUP to its process group now (the line is gone), SIGKILL if it lingers."""
        if self.proc is None or self.proc.returncode is not None or self._ending:
            return
        self.signal(signal.SIGHUP)
        loop = asyncio.get_running_loop()
        self._ending = loop.call_later(KILL_AFTER, self.signal, signal.SIGKILL)

    async def wait(self) -> int:
        """The exit status (negative: the signal that ended it), once all its output
        has been handed on."""
        raise NotImplementedError

    def _ended(self) -> None:
        if self._ending is not None:
            self._ending.cancel()


class PtyChild(Child):
    """On its own pseudo-terminal of the client's size; it leads its own session."""

    def __init__(self, output: Output, errors: Output, columns: int, lines: int) -> None:
        super().__init__(output, errors)
        self.size = (max(columns, 1), max(lines, 1))
        self.master = -1
        self._eof: asyncio.Future[None] | None = None
        self._pending = bytearray()
        self._drained: Callable[[], None] | None = None

    async def start(self, cmd: Sequence[str], env: Mapping[str, str]) -> None:
        import pty

        loop = asyncio.get_running_loop()
        master, slave = pty.openpty()
        try:
            set_size(slave, *self.size)
            self.proc = await asyncio.create_subprocess_exec(
                *cmd, stdin=slave, stdout=slave, stderr=slave, env=dict(env),
                start_new_session=True, close_fds=True)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self._eof = loop.create_future()
        loop.add_reader(master, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the slave side has closed it
            data = b""
        if not data:
            self._stop_reading()
            return
        self.output(data)

    def _stop_reading(self) -> None:
        if self._eof is not None and not self._eof.done():
            asyncio.get_running_loop().remove_reader(self.master)
            self._eof.set_result(None)

    def pause(self) -> None:
        super().pause()
        if self._eof is not None and not self._eof.done():
            asyncio.get_running_loop().remove_reader(self.master)

    def resume(self) -> None:
        super().resume()
        if self._eof is not None and not self._eof.done():
            asyncio.get_running_loop().add_reader(self.master, self._readable)

    def write(self, data: bytes) -> None:
        if self.master < 0 or self._eof is None or self._eof.done():
            return
        had_pending = bool(self._pending)
        self._pending += data
        if not had_pending:
            self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            written = os.write(self.master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError as error:
            if error.errno not in (errno.EIO, errno.EBADF):
                raise
            self._pending.clear()
            written = 0
        del self._pending[:written]
        if self._pending:
            loop.add_writer(self.master, self._flush)
        else:
            loop.remove_writer(self.master)
        if self._drained is not None and len(self._pending) <= INPUT_LOW:
            loop.call_soon(self._drained)  # (not from within a write of the session)
            self._drained = None

    def input_waiting(self) -> int:
        return len(self._pending)

    def when_drained(self, callback: Callable[[], None]) -> None:
        if len(self._pending) <= INPUT_LOW:
            super().when_drained(callback)
        else:
            self._drained = callback

    def resize(self, columns: int, lines: int) -> None:
        if self.master < 0:
            return
        self.size = (max(columns, 1), max(lines, 1))
        with contextlib.suppress(OSError):
            set_size(self.master, *self.size)
        self.signal(signal.SIGWINCH)

    async def wait(self) -> int:
        assert self.proc is not None and self._eof is not None
        code = await self.proc.wait()
        self._ended()
        # Its last frame (the terminal restored) may still be in the pty's buffer.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._eof), 2.0)
        loop = asyncio.get_running_loop()
        self._stop_reading()
        loop.remove_writer(self.master)
        os.close(self.master)
        self.master = -1
        return code


class PipeChild(Child):
    """On plain pipes: the bytes of ``export`` reach the client unchanged."""

    def __init__(self, output: Output, errors: Output) -> None:
        super().__init__(output, errors)
        self._pumps: list[asyncio.Task[None]] = []
        self._draining: asyncio.Task[None] | None = None

    async def start(self, cmd: Sequence[str], env: Mapping[str, str]) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=dict(env), start_new_session=True,
            close_fds=True)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._pumps = [asyncio.create_task(self._pump(self.proc.stdout, self.output)),
                       asyncio.create_task(self._pump(self.proc.stderr, self.errors))]

    async def _pump(self, stream: asyncio.StreamReader, sink: Output) -> None:
        while True:
            await self._paused.wait()
            data = await stream.read(READ_SIZE)
            if not data:
                return
            sink(data)

    def write(self, data: bytes) -> None:
        stdin = self.proc.stdin if self.proc else None
        if stdin is not None and not stdin.is_closing():
            stdin.write(data)

    def input_waiting(self) -> int:
        stdin = self.proc.stdin if self.proc else None
        if stdin is None or stdin.is_closing():
            return 0
        return stdin.transport.get_write_buffer_size()

    def when_drained(self, callback: Callable[[], None]) -> None:
        stdin = self.proc.stdin if self.proc else None
        if stdin is None:
            super().when_drained(callback)
            return

        async def drained() -> None:
            # (drain() returns at the pipe's own low-water mark, below INPUT_LOW)
            with contextlib.suppress(ConnectionError, OSError):
                await stdin.drain()
            callback()

        self._draining = asyncio.create_task(drained())

    def end_of_input(self) -> None:
        stdin = self.proc.stdin if self.proc else None
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    async def wait(self) -> int:
        assert self.proc is not None
        code = await self.proc.wait()
        self._ended()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self._pumps), 2.0)
        for task in (*self._pumps, self._draining):
            if task is not None:
                task.cancel()
        self.end_of_input()
        return code
