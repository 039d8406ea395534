"""The planner's first month, read while Textual is still being imported.

Importing Textual takes most of the planner's start, and reading the store and building
the first month takes a good part of the rest. On a system with ``fork`` a child process
does the reading (on another core), while this process imports Textual; the child hands
the month over through a pipe. Without ``fork``, or if the child fails for a reason other
than a German error, the month is read here, after the imports.

A German error of the child (an unknown coach, a broken store) is
raised here as the same kind of error, so ``thekiz`` reports it as before and exits 2.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..planning.month_snapshot import MonthSnapshot


PIPE_SIZE = 1 << 20  # Linux's default limit for an unprivileged process


@dataclass(frozen=True, slots=True)
class FirstMonth:
    snapshot: MonthSnapshot  # today's month, without its findings (they follow in a worker)
    stamp: object  # the store's stamp from before the read


def read_first_month(config: Config) -> FirstMonth:
    from store import paths

    from ..planning.month_snapshot import Filters, build_month_snapshot
    from .common import open_store, today

    stamp = paths.stamp(paths.main_file(config.db))
    store = open_store(config)
    if config.as_coach:
        store.coach(config.as_coach)  # a German NotFound for an unknown coach
    day = today()
    snapshot = build_month_snapshot(store, None, day.year, day.month, today=day,
                          filters=Filters(), complete=False)
    return FirstMonth(snapshot=snapshot, stamp=stamp)


class FirstMonthReader:
    """``start()`` forks the reader; ``result()`` waits for its month."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._pid = 0
        self._pipe = -1

    def start(self) -> FirstMonthReader:
        if not hasattr(os, "fork"):
            return self
        read_end, write_end = os.pipe()
        with contextlib.suppress(OSError, AttributeError):
            # room for the whole month (Linux): the child writes it in one go and leaves,
            # and this process reads it in one go, not 64 kB at a time
            import fcntl

            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return self
        if pid == 0:  # the child: read, hand over, and leave without any clean-up
            os.close(read_end)
            self._child(write_end)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end
        return self

    def _child(self, pipe: int) -> None:
        try:
            try:
                answer: tuple[str, object] = ("month", read_first_month(self.config))
            except Exception as error:
                answer = ("error", _german(error))
            data = memoryview(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(pipe, data):]
        except BaseException:  # the parent reads the month itself then
            pass
        finally:
            os._exit(0)

    def result(self) -> FirstMonth:
        if not self._pid:
            return read_first_month(self.config)
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception:  # the child died before it answered
            return read_first_month(self.config)
        if kind == "error" and isinstance(value, Exception):
            raise value
        if kind == "month" and isinstance(value, FirstMonth):
            return value
        return read_first_month(self.config)


def _german(error: Exception) -> Exception:
    """The child's error, as an exception the parent can re-raise with the same message
    (the store's errors take other arguments than their message, so they travel as the
    base class). Anything else is not German yet: the parent repeats the read itself."""
    from store import StoreError

    from ..planning.timeutil import BadInput

    if isinstance(error, BadInput):
        return BadInput(str(error))
    if isinstance(error, StoreError):
        return StoreError(str(error))
    raise error
