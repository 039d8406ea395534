"""Files she saves: reports (CSV, PDF) and exports.

Where: the path she typed, else her documents folder (``platformdirs``), never silently
the current directory. How: atomically, so that a crash, a full disk or a calendar app
watching the file never sees half of it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


def default_folder() -> Path:
    """Her documents folder (``~/Documents``, ``~/Dokumente`` as her desktop names it),
    else her home folder (a server without one)."""
    import platformdirs

    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def place(typed: str | os.PathLike[str] | None, name: str) -> Path:
    """Where to save: what she typed (``~`` expanded), a bare file name in the documents
    folder (the planner has no visible current directory), else ``name`` there. An
    absolute path comes back, so that the planner can say where the file went."""
    text = "" if typed is None else os.fspath(typed).strip()
    if not text:
        return default_folder() / name
    if os.sep not in text:
        return default_folder() / text
    return Path(text).expanduser().absolute()


def save_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, fsync, rename.

    A reader (a calendar app that watches the file) never sees half a file, and a
    failed write leaves the old file as it was. A symbolic link is written through.
    Errors are ``OSError`` naming ``path`` as given (not the temporary file). Returns
    the absolute path written.
    """
    given = os.fspath(path)
    target = Path(os.path.realpath(Path(given).expanduser()))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        mode = 0o666
        with contextlib.suppress(FileNotFoundError):
            info = os.stat(target)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), given)
            if not stat.S_ISREG(info.st_mode):  # /dev/null, a named pipe: no rename
                with open(target, "wb") as stream:
                    stream.write(data)
                return target
            mode = info.st_mode & 0o777
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        with contextlib.suppress(OSError):  # not every file system syncs a folder
            folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if error.filename == given:
            raise
        raise type(error)(error.errno, error.strerror, given) from None
    return target
