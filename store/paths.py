"""Where a store keeps its files, beside the main file the user names.

Cheap to import (no TinyDB): the planner watches these paths before it opens the store.
"""

from __future__ import annotations

import os
from pathlib import Path


def main_file(path: str | os.PathLike[str]) -> Path:
    """The store's main file (coaches, Kitas, settings), as an absolute path."""
    return Path(path).expanduser().absolute()


def events_dir(main: Path) -> Path:
    """The folder of the month files (``plan.json.d``)."""
    return main.with_name(main.name + ".d")


def journal(main: Path) -> Path:
    """The journal of an interrupted transaction (``plan.json.journal``)."""
    return main.with_name(main.name + ".journal")


def main_of(path: Path) -> Path:
    """The main file a file of the store belongs to (a month file, the journal, the
    lock; the main file itself): whose mode and owner a new file of the store takes."""
    for suffix in (".journal", ".lock"):
        if path.name.endswith(suffix):
            return path.with_name(path.name.removesuffix(suffix))
    if path.parent.name.endswith(".d"):
        return path.parent.with_name(path.parent.name.removesuffix(".d"))
    return path


Signature = tuple[int, int, int, int]


def signature(path: Path) -> Signature | None:
    """What identifies one version of a file: inode, size, mtime and ctime (None: none)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def stamp(main: Path) -> object:
    """Changes whenever any process writes the store: every write renames a file into
    place, which changes the main file's inode or the month folder's mtime. (Two stat()
    calls: cheap enough to poll from a UI thread; a file it cannot read counts as none.)"""
    stamps: list[Signature | None] = []
    for path in (main, events_dir(main)):
        try:
            stamps.append(signature(path))
        except OSError:
            stamps.append(None)
    return tuple(stamps)
