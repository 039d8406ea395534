"""The host key of ``thekiz serve``: read, or made on the first start (ed25519, 0600 in
folders made 0700)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncssh import SSHKey

KEY_NAME = "ssh_host_ed25519_key"


def default_host_key() -> Path:
    """In the user data folder, beside the default store."""
    import platformdirs

    return Path(platformdirs.user_data_dir("thekiz")) / KEY_NAME


def load_host_key(path: Path) -> tuple[SSHKey, bool]:
    """The key in ``path``, and whether it was made just now. A file that is not a
    private key, or that others than its owner may read, is a German ``BadInput`` (as
    sshd refuses such a host key: whoever read it can pose as this server)."""
    import asyncssh

    from ..errors import bad
    from ..i18n import tr

    try:
        info = path.stat()
    except FileNotFoundError:
        return _make(path), True
    except OSError as error:
        bad(tr("Der Host-Schlüssel {path} ist nicht lesbar ({reason}).", path=path,
               reason=error.strerror or error))
    if not stat.S_ISREG(info.st_mode):
        bad(tr("{path} ist kein lesbarer privater SSH-Schlüssel (keine Datei).", path=path))
    mode = info.st_mode & 0o777
    if mode & 0o077:
        bad(tr("Der Host-Schlüssel {path} ist für andere lesbar (Rechte {mode}): bitte "
               "„chmod 600 {path}“ und, falls ihn jemand gelesen haben kann, einen neuen "
               "erzeugen lassen (die Datei löschen).", path=path, mode=f"{mode:04o}"))
    try:
        return asyncssh.read_private_key(path), False
    except OSError as error:
        bad(tr("Der Host-Schlüssel {path} ist nicht lesbar ({reason}).", path=path,
               reason=error.strerror or error))
    except (asyncssh.KeyImportError, ValueError) as error:
        bad(tr("{path} ist kein lesbarer privater SSH-Schlüssel ({reason}).", path=path,
               reason=error))


def _make(path: Path) -> SSHKey:
    """A new key, written whole before it gets its name (mkstemp: 0600, never through a
    planted link); a key another start made meanwhile is kept."""
    import asyncssh

    from .serverlog import private_folders

    key = asyncssh.generate_private_key("ssh-ed25519", comment="thekiz serve")
    private_folders(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return asyncssh.read_private_key(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return key
