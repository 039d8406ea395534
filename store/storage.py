"""A TinyDB storage that is durable and safe to share between processes.

TinyDB's own ``JSONStorage`` writes in place (seek, write, truncate): a crash in the
middle leaves a broken file. This storage instead
- writes a temporary file, fsyncs it, keeps the previous version as ``<file>.bak`` (the
  last good copy) and renames the new one over the old, then fsyncs the folder;
- serialises with orjson, which is several times faster than the json module;
- re-reads the file whenever it changed on disk (another process wrote it), and serves
  its cache otherwise, so that reads inside the write lock are always fresh;
- keeps who may read the store as the admin set it: a rewrite keeps the replaced file's
  mode and owner, a new file (month file, journal, lock) takes the main file's, and a new
  store is 0600 in folders of 0700, whatever the umask (see :func:`file_access`).

Inside a :class:`Transaction`, writes are staged in memory; the store commits every
staged file at once, through a journal when more than one file changes.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from tinydb import Storage

from .errors import CorruptStore, ForeignOwner, StoreWriteError
from .paths import Signature, main_of, signature

Tables = dict[str, dict[str, Any]]


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class Access(NamedTuple):
    """The mode and owner a file of the store is written with."""

    mode: int
    uid: int | None  # None: whoever writes it
    gid: int | None


def file_access(path: Path) -> Access:
    """What a write of ``path`` keeps: the file's own mode and owner if it exists, else
    those of the store's main file (for a new month file, journal or lock), else 0600
    for the writer. The store never widens what the admin narrowed."""
    for source in (path, main_of(path)):
        try:
            st = os.stat(source)
        except (FileNotFoundError, NotADirectoryError):
            continue
        return Access(stat.S_IMODE(st.st_mode) & 0o777, st.st_uid, st.st_gid)
    return Access(PRIVATE_FILE, None, None)


def folder_mode(access: Access) -> int:
    """A new folder of the store: 0700, opened to group/others only as far as the files
    in it are readable (an admin's 0640 store gets 0750 folders, or the group could not
    reach the month files)."""
    mode = PRIVATE_FOLDER
    if access.mode & 0o040:
        mode |= 0o050
    if access.mode & 0o004:
        mode |= 0o005
    return mode


def apply_access(fd: int, access: Access) -> None:
    """Give an open file ``access``: fchmod on the descriptor (exact, not narrowed by the
    umask) and, where allowed, fchown, so that root writing the thekiz account's store
    leaves files that account can still read."""
    if not hasattr(os, "fchown"):  # Windows: no modes or owners of this kind
        return
    os.fchmod(fd, access.mode)
    if access.uid is None or access.gid is None:
        return
    st = os.fstat(fd)
    if (st.st_uid, st.st_gid) == (access.uid, access.gid):
        return
    if os.geteuid() == 0:
        os.fchown(fd, access.uid, access.gid)
    elif st.st_gid != access.gid:
        # a member of the store's group keeps the group; anyone else cannot, and keeps theirs
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, access.gid)


_foreign_owner_allowed = False


def allow_foreign_owner(allowed: bool = True) -> None:
    """For this process (``thekiz --allow-foreign-owner``): root may work on a store
    another account owns. Every file it writes keeps that account as its owner."""
    global _foreign_owner_allowed
    _foreign_owner_allowed = allowed


def _user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def check_owner(main: Path) -> None:
    """Refuse a store another account owns: a rewrite would hand its files to whoever
    runs thekiz now (root's files the server can no longer read, or a colleague's copy of
    the team's data). Root may go ahead with :func:`allow_foreign_owner`."""
    if not hasattr(os, "geteuid"):
        return
    try:
        owner = os.stat(main).st_uid
    except (FileNotFoundError, NotADirectoryError):
        return
    me = os.geteuid()
    if owner == me or (me == 0 and _foreign_owner_allowed):
        return
    raise ForeignOwner(main, _user_name(owner), _user_name(me), root=me == 0)


def make_folder(folder: Path, access: Access) -> None:
    """Create ``folder`` and any missing parents with :func:`folder_mode` and the owner
    of ``access`` (Path.mkdir gives the parents the umask's mode)."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    mode = folder_mode(access)
    for new in reversed(missing):
        try:
            os.mkdir(new, mode)
        except FileExistsError:
            continue  # another process was quicker: it chose the mode
        fd = os.open(new, os.O_RDONLY | os.O_DIRECTORY)
        try:
            apply_access(fd, access._replace(mode=mode))
        finally:
            os.close(fd)


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


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def write_tmp(path: Path, payload: bytes) -> Path:
    """Write ``payload`` beside ``path`` into a temporary file and fsync it. The file has
    the mode and owner ``path`` will keep (:func:`file_access`) before any byte is in it."""
    tmp = tmp_path(path)
    try:
        access = file_access(path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # left by a crashed process that had this pid
        fd = os.open(tmp, _CREATE, PRIVATE_FILE)
        try:
            apply_access(fd, access)
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
                make_folder(storage.path.parent, file_access(storage.path))
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
