"""The host key of ``thekiz serve``: read, or made on the first start (ed25519, 0600)."""

from __future__ import annotations

import os
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
    private key is a German ``BadInput``."""
    import asyncssh

    from ..commands.common import bad

    try:
        return asyncssh.read_private_key(path), False
    except FileNotFoundError:
        pass
    except (asyncssh.KeyImportError, ValueError) as error:
        bad(f"{path} ist kein lesbarer privater SSH-Schlüssel ({error}).")
    key = asyncssh.generate_private_key("ssh-ed25519", comment="thekiz serve")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    return key, True
