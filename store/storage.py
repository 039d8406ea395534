"""A TinyDB storage that is durable and safe to share between processes.

TinyDB's own ``JSONStorage`` writes in place (seek, write, truncate): a crash in the
middle leaves a broken file. This storage instead
- writes a temporary file, fsyncs it, keeps the previous version as ``<file>.bak`` (the
  last good copy) and renames the new one over the old, then fsyncs the folder;
- serialises with orjson, which is several times faster than the json module;
- re-reads the file whenever it changed on disk (another process wrote it), and serves
  its cache otherwise, so that reads inside the write lock are always fresh.

Inside a :class:`Transaction`, writes are staged in memory; the store commits every
staged file at once, through a journal when more than one file changes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import Storage

from .errors import CorruptStore, StoreWriteError
from .paths import Signature, signature

Tables = dict[str, dict[str, Any]]


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(folders: list[Path]) -> int:
    """Remove temporary files that crashed writers left behind. Call it holding the
    write lock, after :func:`roll_forward` (a journal still needs its files)."""
    removed = 0
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if not name.startswith(".") or not name.endswith((".tmp", ".baktmp")):
                continue
            pid_text = name.rsplit(".", 2)[-2]
            if not pid_text.isdigit() or int(pid_text) == os.getpid():
                continue
            if _alive(int(pid_text)):
                continue
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed += 1
    return removed


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_tmp(path: Path, payload: bytes) -> Path:
    """Write ``payload`` beside ``path`` into a temporary file and fsync it."""
    tmp = tmp_path(path)
    mode = 0o644
    with contextlib.suppress(FileNotFoundError):
        mode = os.stat(path).st_mode & 0o777
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreWriteError(path, error) from error
    return tmp


def install(tmp: Path, path: Path) -> None:
    """Move a written temporary file into place, keeping the old version as ``.bak``."""
    try:
        if path.exists():
            bak_tmp = path.with_name(f".{path.name}.{os.getpid()}.baktmp")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(bak_tmp)
            os.link(path, bak_tmp)
            os.replace(bak_tmp, backup_path(path))
            # rename() does nothing when both names are links to one file (a commit
            # rolled forward after a crash between these steps): drop the extra name.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(bak_tmp)
        os.replace(tmp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreWriteError(path, error) from error


def write_atomic(path: Path, payload: bytes) -> None:
    tmp = write_tmp(path, payload)
    install(tmp, path)
    try:
        fsync_dir(path.parent)
    except OSError as error:
        raise StoreWriteError(path, error) from error


def dumps(data: Tables) -> bytes:
    return orjson.dumps(data)


def load(path: Path) -> Tables | None:
    """Read and check one store file. Missing file: ``None``. Broken file: CorruptStore."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise CorruptStore(path, error.strerror or str(error), backup_path(path)) from error
    if not raw.strip():
        raise CorruptStore(path, "die Datei ist leer", backup_path(path))
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise CorruptStore(path, f"kein gültiges JSON: {error}", backup_path(path)) from error
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise CorruptStore(path, "unerwarteter Aufbau", backup_path(path))
    return data


class AtomicJSONStorage(Storage):
    """One store file, as a TinyDB storage. See the module docstring."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: Tables | None = None
        self._sig: Signature | None = None
        self.transaction: Transaction | None = None

    def read(self) -> Tables | None:
        if self.transaction is not None and self in self.transaction.staged:
            return self.transaction.staged[self]
        sig = signature(self.path)
        if sig is None:
            self._cache, self._sig = None, None
            return None
        if sig != self._sig or self._cache is None:
            self._cache = load(self.path)
            self._sig = sig
        return self._cache

    def write(self, data: Tables) -> None:
        if self.transaction is not None:
            self.transaction.staged[self] = data
            return
        try:
            write_atomic(self.path, dumps(data))
        except BaseException:
            self.forget()
            raise
        self._cache, self._sig = data, signature(self.path)

    @property
    def version(self) -> Signature | None:
        """The signature of the file the cached data came from (None: nothing cached)."""
        return self._sig

    def release(self) -> None:
        """Drop the cached data (not inside a transaction); the next read loads again."""
        if self.transaction is None or self not in self.transaction.staged:
            self._cache = None

    def forget(self) -> None:
        """Drop the cache: TinyDB edits cached documents in place before it writes."""
        self._cache, self._sig = None, None

    def committed(self, data: Tables) -> None:
        self._cache, self._sig = data, signature(self.path)

    def close(self) -> None:
        pass


class Transaction:
    """Staged writes of several storages, committed together."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.staged: dict[AtomicJSONStorage, Tables] = {}

    @contextlib.contextmanager
    def bound(self, storages: list[AtomicJSONStorage]) -> Iterator[None]:
        for storage in storages:
            storage.transaction = self
        try:
            yield
        finally:
            for storage in storages:
                storage.transaction = None

    def commit(self) -> None:
        if not self.staged:
            return
        items = list(self.staged.items())
        try:
            if len(items) == 1:
                storage, data = items[0]
                write_atomic(storage.path, dumps(data))
            else:
                self._commit_many(items)
        except BaseException:
            self.abort()
            raise
        for storage, data in items:
            storage.committed(data)
        self.staged.clear()

    def abort(self) -> None:
        for storage in self.staged:
            storage.forget()
        self.staged.clear()

    def _commit_many(self, items: list[tuple[AtomicJSONStorage, Tables]]) -> None:
        written: list[tuple[Path, Path]] = []
        try:
            for storage, data in items:
                storage.path.parent.mkdir(parents=True, exist_ok=True)
                written.append((write_tmp(storage.path, dumps(data)), storage.path))
            plan = [[str(tmp), str(path)] for tmp, path in written]
            # The journal is the commit point: once it is on disk, recovery rolls forward.
            write_atomic(self.journal, orjson.dumps({"renames": plan}))
        except BaseException:
            for tmp, _ in written:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
        roll_forward(self.journal)


def roll_forward(journal: Path) -> bool:
    """Finish a multi-file commit whose journal is on disk. True if there was one."""
    try:
        plan = orjson.loads(journal.read_bytes())["renames"]
    except FileNotFoundError:
        return False
    except (orjson.JSONDecodeError, KeyError, TypeError) as error:
        raise CorruptStore(journal, f"Journal unlesbar: {error}") from error
    folders: set[Path] = set()
    for tmp_name, path_name in plan:
        tmp, path = Path(tmp_name), Path(path_name)
        if tmp.exists():
            install(tmp, path)
        folders.add(path.parent)
    for folder in folders:
        fsync_dir(folder)
    os.unlink(journal)
    fsync_dir(journal.parent)
    return True
