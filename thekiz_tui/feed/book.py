"""The feed book: which coach has a private calendar link, kept beside the store.

``plan.json.feeds`` (JSON, mode 0600, the store's owner) holds per coach the SHA-256 of
her token, when the link was made, when it was last fetched and her own reminder. The
token itself is shown once by ``thekiz feed grant`` and never stored: whoever reads the
file (a backup, an admin) cannot rebuild a link from it.

Writers hold ``plan.json.feeds.lock`` and read the file fresh inside it; the file is
replaced atomically, so the server (another process) reads it without a lock. The server
re-reads it whenever it changed on disk, that is on the first request after a
``feed revoke``: a revoked link is dead at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from store.paths import Signature, main_file, signature
from store.storage import PRIVATE_FILE, Access, apply_access

from ..i18n import tr
from ..planning.timeutil import BadInput

TOKEN_BYTES = 32  # 256 bits from the OS's generator (``secrets``)
# compared when no link exists, so that an unknown token costs what a wrong one does
_NOBODY = hashlib.sha256(b"no feed").hexdigest()


@dataclass(frozen=True, slots=True)
class Feed:
    coach: str
    digest: str  # SHA-256 of the token, hex
    created: str  # ISO, UTC
    fetched: str = ""  # ISO, UTC; "" never
    reminder: int | None = None  # minutes before each event; None: the setting


def book_path(db: Path) -> Path:
    main = main_file(db)
    return main.with_name(main.name + ".feeds")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


class FeedBook:
    """The feed book of the store at ``db`` (see the module's text)."""

    def __init__(self, db: Path) -> None:
        self.db = main_file(db)
        self.path = book_path(db)
        self._cache: tuple[Signature | None, dict[str, Feed]] | None = None

    # -- reading -------------------------------------------------------------------------

    def feeds(self) -> dict[str, Feed]:
        """The links by coach, as on disk now (re-read only when the file changed)."""
        sig = signature(self.path)
        if self._cache is not None and self._cache[0] == sig and sig is not None:
            return self._cache[1]
        feeds = self._read()
        self._cache = (sig, feeds)
        return feeds

    def _read(self) -> dict[str, Feed]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw)
            return {coach: Feed(coach=coach, **{k: v for k, v in entry.items()
                                                if k in Feed.__slots__ and k != "coach"})
                    for coach, entry in data["feeds"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BadInput(tr("Die Datei {path} ist beschädigt; „thekiz feed grant“ legt die "
                              "Links neu an.", path=self.path)) from error

    def find(self, token: str) -> Feed | None:
        """The link of ``token``, or None. Every stored digest is compared in constant
        time, whether one matched or not: how long it takes tells nothing."""
        wanted = digest(token)
        found = None
        feeds = list(self.feeds().values())
        for feed in feeds or [Feed("", _NOBODY, "")]:
            if hmac.compare_digest(wanted, feed.digest) and feed.coach:
                found = feed
        return found

    # -- writing -------------------------------------------------------------------------

    def grant(self, coach: str, now: str) -> str:
        """A new link for ``coach`` (her old one stops working); returns the token."""
        token = new_token()
        with self._locked() as feeds:
            old = feeds.get(coach)
            feeds[coach] = Feed(coach, digest(token), now,
                                reminder=old.reminder if old else None)
        return token

    def revoke(self, coach: str) -> bool:
        with self._locked() as feeds:
            return feeds.pop(coach, None) is not None

    def set_reminder(self, coach: str, minutes: int | None) -> bool:
        with self._locked() as feeds:
            if coach not in feeds:
                return False
            feeds[coach] = replace(feeds[coach], reminder=minutes)
            return True

    def touch(self, feed: Feed, now: str) -> None:
        """Note that ``feed`` was fetched now, unless it was revoked or replaced since."""
        with self._locked() as feeds:
            current = feeds.get(feed.coach)
            if current is not None and current.digest == feed.digest:
                feeds[feed.coach] = replace(current, fetched=now)

    @contextlib.contextmanager
    def _locked(self) -> Any:
        from filelock import FileLock

        lock = FileLock(str(self.path) + ".lock", mode=PRIVATE_FILE)
        with lock:
            feeds = dict(self._read())
            before = dict(feeds)
            yield feeds
            if feeds != before:
                self._write(feeds)

    def _write(self, feeds: dict[str, Feed]) -> None:
        """A new file beside the old one, 0600 and the store's owner, synced, renamed
        over it: a reader never sees half of it."""
        data = {"feeds": {coach: {k: v for k, v in asdict(feed).items() if k != "coach"}
                          for coach, feed in sorted(feeds.items())}}
        try:
            st = os.stat(self.db)
            access = Access(PRIVATE_FILE, st.st_uid, st.st_gid)
        except FileNotFoundError:
            access = Access(PRIVATE_FILE, None, None)
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                    dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                apply_access(handle.fileno(), access)
                handle.write(json.dumps(data, indent=1).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._cache = None
