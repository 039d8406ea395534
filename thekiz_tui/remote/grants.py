"""Grants: the ``authorized_keys`` lines that let one key in as one coach.

A grant is an OpenSSH line with a forced command that runs the session of that coach::

    restrict,pty,command="/srv/thekiz/bin/thekiz --db /srv/plan.json session --as anna" \
        ssh-ed25519 AAAA… laptop   (one line in the file)

``restrict`` turns off forwarding of ports, agents and X11; ``pty`` gives back the
terminal that the planner needs. sshd runs the command whatever the client asked for and
puts the request in ``SSH_ORIGINAL_COMMAND`` (see ``thekiz_tui.remote.session``).

The forced command also names the key and the file (``--key SHA256:… --grants PATH``), so
that a running session can notice that its grant was revoked (``thekiz_tui.remote.session``).

Which line decides is sshd's rule (``decide``): the first line whose key matches and whose
``from=`` and ``expiry-time=`` admit the client now. ``thekiz serve`` uses the same rule
and refuses a line with a restriction it cannot honour.

Lines that are not ours (no such command) are kept byte for byte; every change writes an
unpredictable temporary file beside the original (``mkstemp``), gives it mode 0600 and the
account's owner on its descriptor, syncs it and renames it over. No link is followed, and
a folder or file of another account is refused: root running ``access grant`` must not
become a tool of the account whose file it writes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import ipaddress
import os
import re
import shlex
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from ..i18n import tr

# The key types OpenSSH accepts in authorized_keys (DSA is off since OpenSSH 7.0).
KEY_TYPES: tuple[str, ...] = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
GRANT_OPTIONS = "restrict,pty"
SESSION_WORD = "session"
# Options of ``thekiz`` (before or after the command) that take a value.
_VALUE_OPTIONS = frozenset({"--db", "--as", "--lang", "--key", "--grants"})
# The options of an authorized_keys line that sshd knows (authorized_keys(5)); a line with
# any other is skipped by sshd, and so by us.
_FLAGS = frozenset({"restrict", "cert-authority", "no-touch-required", "verify-required",
                    *(f"{no}{flag}" for no in ("", "no-") for flag in (
                        "port-forwarding", "agent-forwarding", "x11-forwarding", "pty",
                        "user-rc"))})
_VALUED = frozenset({"command", "principals", "environment", "from", "expiry-time",
                     "permitopen", "permitlisten", "tunnel"})
# What ``thekiz serve`` cannot do as sshd would: check principals of a certificate, a
# FIDO key's user verification, set a variable, or deny a terminal. A line with one of
# them is refused there rather than half honoured. (Forwarding serve never allows, and
# it reads no rc file: those options cost it nothing.)
SERVE_CANNOT = frozenset({"cert-authority", "principals", "verify-required", "environment"})
_T = TypeVar("_T")


class GrantError(ValueError):
    """A key or a grant that cannot be used; the message is German and fits one line."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_type: str
    key_base64: str
    comment: str
    fingerprint: str  # "SHA256:…", as ``ssh-keygen -lf`` shows it

    @property
    def text(self) -> str:
        """The key as an OpenSSH public key line (without options)."""
        return " ".join(filter(None, (self.key_type, self.key_base64, self.comment)))


@dataclass(frozen=True, slots=True)
class SessionCommand:
    """What a forced command ``… session --as COACH`` names."""

    coach: str
    db: str | None = None  # ``--db`` as written (None: the account's default store)
    key: str | None = None  # ``--key``: the fingerprint of the line's key
    grants: str | None = None  # ``--grants``: the file the line stands in


@dataclass(frozen=True, slots=True)
class Grant:
    """One of our lines: ``coach`` may enter with this key."""

    coach: str
    key_type: str
    key_base64: str
    comment: str
    fingerprint: str
    line: str  # the line as it stands in the file, without its line break
    command: str = ""  # the forced command
    db: str | None = None  # the store the command names (None: the default store)
    # The line's options in order, names in lower case, values unquoted (None: a flag);
    # None when sshd could not read them (then sshd skips the line).
    options: tuple[tuple[str, str | None], ...] | None = ()

    def for_store(self, db: Path) -> bool:
        """Whether the forced command names the store ``db`` (both resolved)."""
        return same_store(self.db, db)

    def serve_cannot(self) -> str | None:
        """The first option ``thekiz serve`` cannot honour as sshd does, or None."""
        if self.options is None:
            return "unlesbare Optionen"
        for name, _ in self.options:
            if name in SERVE_CANNOT:
                return name
        return None if self.pty else "kein Terminal (no-pty, oder restrict ohne pty)"

    @property
    def pty(self) -> bool:
        """Whether sshd would give this line a terminal (``restrict`` takes it away)."""
        allowed = True
        for name, _ in self.options or ():
            if name in ("restrict", "no-pty"):
                allowed = False
            elif name == "pty":
                allowed = True
        return allowed

    def admits(self, peer_ip: str | None, now: float | None = None) -> bool:
        """Whether sshd would let this line in from ``peer_ip`` at ``now``: its
        ``from=`` names the address, its ``expiry-time=`` has not passed."""
        if self.options is None:
            return False
        for name, value in self.options:
            if name == "from" and not from_admits(value or "", peer_ip):
                return False
            if name == "expiry-time":
                until = expiry_time(value or "")
                if until is None or until < (time.time() if now is None else now):
                    return False
        return True


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of the file: a grant of ours, or anything else (``grant`` is None)."""

    raw: bytes  # byte for byte, with its line break
    grant: Grant | None


# -- keys -----------------------------------------------------------------------------------


def fingerprint(blob: bytes) -> str:
    """The SHA256 fingerprint of a key blob, as OpenSSH prints it."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


def _blob(key_type: str, key_base64: str) -> bytes | None:
    """The key's bytes when they are a well-formed blob of ``key_type``, else None."""
    try:
        blob = base64.b64decode(key_base64.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    if len(blob) < 4:
        return None
    size = int.from_bytes(blob[:4], "big")
    if blob[4:4 + size] != key_type.encode("ascii", "replace"):
        return None
    return blob


def parse_public_key(text: str) -> PublicKey:
    """A public key as in ``id_ed25519.pub``: type, base64 and an optional comment.

    Validated by asyncssh as well (a truncated or damaged key is refused), so that a
    grant never writes a line sshd would silently skip."""
    if "PRIVATE KEY" in text:
        raise GrantError(tr("Das ist ein privater Schlüssel: bitte nur den öffentlichen "
                            "Schlüssel (.pub) angeben, der private bleibt auf dem Laptop."))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise GrantError(tr("Der Schlüssel ist leer (erwartet: eine Zeile wie "
                            "„ssh-ed25519 AAAA… name@laptop“ aus einer .pub-Datei)."))
    if len(lines) > 1:
        raise GrantError(tr("Die Schlüsseldatei hat mehrere Zeilen; bitte genau einen "
                            "öffentlichen Schlüssel angeben."))
    words = lines[0].split(None, 2)
    if words[0] not in KEY_TYPES:
        raise GrantError(tr("Kein öffentlicher SSH-Schlüssel: unbekannter Typ „{type}“ "
                            "(möglich: {types}).", type=words[0][:40],
                            types=", ".join(KEY_TYPES)))
    if len(words) < 2:
        raise GrantError(tr("Dem Schlüssel vom Typ {type} fehlen die Schlüsseldaten.",
                            type=words[0]))
    key_type, key_base64 = words[0], words[1]
    comment = words[2].strip() if len(words) > 2 else ""
    blob = _blob(key_type, key_base64)
    if blob is None or not _valid_for_asyncssh(f"{key_type} {key_base64}"):
        raise GrantError(tr("Der Schlüssel vom Typ {type} ist beschädigt oder "
                            "unvollständig.", type=key_type))
    from store.text import text_problem

    problem = text_problem(tr("Der Kommentar des Schlüssels"), comment)
    if problem is not None:  # ``access list`` would show it to the office
        raise GrantError(problem)
    return PublicKey(key_type, key_base64, comment, fingerprint(blob))


def _valid_for_asyncssh(text: str) -> bool:
    import asyncssh  # (heavy: only when a key is granted)

    try:
        asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError):
        return False
    return True


# -- lines ----------------------------------------------------------------------------------


def _split_unquoted(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside double quotes (``\\"`` stays inside)."""
    parts: list[str] = []
    begin = 0
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and quoted and text[i + 1:i + 2] == '"':
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append(text[begin:i])
            begin = i + 1
        i += 1
    parts.append(text[begin:])
    return parts


def _fields(line: str) -> tuple[str, str, str, str] | None:
    """A key line's options, key type, base64 and comment; None if it is no key line."""
    words = line.split(None, 1)
    if not words or words[0].startswith("#"):
        return None
    if words[0] in KEY_TYPES:
        options, rest = "", line
    else:
        # The options end at the first blank outside quotes.
        quoted = False
        i = 0
        while i < len(line) and (quoted or line[i] not in " \t"):
            if line[i] == "\\" and quoted and line[i + 1:i + 2] == '"':
                i += 1
            elif line[i] == '"':
                quoted = not quoted
            i += 1
        options, rest = line[:i], line[i:]
    key = rest.split(None, 2)
    if len(key) < 2:
        return None
    return options, key[0], key[1], key[2].strip() if len(key) > 2 else ""


def _forced_command(options: str) -> str | None:
    """The value of ``command="…"`` among a line's options, unescaped as sshd does."""
    for option in _split_unquoted(options, ","):
        name, _, value = option.partition("=")
        if name.strip().lower() == "command" and len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1].replace('\\"', '"')
    return None


def parse_options(text: str) -> tuple[tuple[str, str | None], ...] | None:
    """A line's options as sshd reads them, or None where sshd would skip the line (an
    unknown option, a flag with a value, a value without quotes)."""
    if not text:
        return ()
    options: list[tuple[str, str | None]] = []
    for option in _split_unquoted(text, ","):
        name, equals, value = option.partition("=")
        name = name.lower()
        if not equals:
            if name not in _FLAGS:
                return None
            options.append((name, None))
        elif name in _VALUED and len(value) >= 2 and value[0] == value[-1] == '"':
            options.append((name, value[1:-1].replace('\\"', '"')))
        else:
            return None
    return tuple(options)


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
                              for ch in pattern), re.IGNORECASE)


def from_admits(patterns: str, peer_ip: str | None) -> bool:
    """Whether ``from="patterns"`` lets in a client at ``peer_ip``, as sshd without DNS
    decides: a negated match refuses, else any match admits; a broken CIDR refuses."""
    try:
        address = ipaddress.ip_address(peer_ip or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    matched = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        body = pattern[1:] if negated else pattern
        try:
            network = ipaddress.ip_network(body)
        except ValueError:
            if "/" in body:
                return False
            hit = _wildcard(body).fullmatch(str(address)) is not None
        else:
            hit = address.version == network.version and address in network
        if hit and negated:
            return False
        matched = matched or hit
    return matched


_EXPIRY = re.compile(r"(\d{8}|\d{12}|\d{14})([Zz]?)")


def expiry_time(value: str) -> float | None:
    """``expiry-time="YYYYMMDD[HHMM[SS]]"`` as a POSIX time: local time, or UTC with a
    trailing ``Z``; None if sshd could not read it."""
    found = _EXPIRY.fullmatch(value)
    if found is None:
        return None
    try:
        moment = datetime.strptime(found.group(1).ljust(14, "0"), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    if found.group(2):
        return moment.replace(tzinfo=UTC).timestamp()
    return moment.timestamp()  # naive: the local time, as sshd reads it


def same_store(named: str | None, db: Path) -> bool:
    """Whether a forced command's ``--db`` (None: none given, the account's default
    store; relative: from the home folder, where sshd starts it) is the store ``db``."""
    from ..config import resolve_db

    path = resolve_db(None, {}) if named is None else Path(named).expanduser()
    if not path.is_absolute():
        path = Path.home() / path
    return os.path.realpath(path) == os.path.realpath(db)


def parse_command(command: str) -> SessionCommand | None:
    """What a forced command ``… session --as COACH`` names, or None if it is not one."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    values: dict[str, str] = {}
    session = False
    i = 0
    while i < len(words):
        word = words[i]
        name, equals, value = word.partition("=")
        if name in _VALUE_OPTIONS:
            if not equals:
                i += 1
                value = words[i] if i < len(words) else ""
            values[name] = value
        elif word == SESSION_WORD:
            session = True
        i += 1
    coach = values.get("--as")
    if not session or not coach:
        return None
    return SessionCommand(coach, values.get("--db"), values.get("--key"),
                          values.get("--grants"))


def coach_of_command(command: str) -> str | None:
    """The coach of a forced command ``… session --as COACH``, or None if it is not one."""
    parsed = parse_command(command)
    return parsed.coach if parsed else None


def parse_line(text: str) -> Grant | None:
    """The grant of one ``authorized_keys`` line, or None for any other line."""
    line = text.strip()
    fields = _fields(line)
    if fields is None:
        return None
    options, key_type, key_base64, comment = fields
    command = _forced_command(options) if options else None
    parsed = parse_command(command) if command is not None else None
    blob = _blob(key_type, key_base64) if key_type in KEY_TYPES else None
    if parsed is None or command is None or blob is None:
        return None
    return Grant(parsed.coach, key_type, key_base64, comment, fingerprint(blob), line,
                 command, parsed.db, parse_options(options))


def decide(grants: Iterable[Grant], fingerprint: str, peer_ip: str | None, db: Path, *,
           serve: bool = False, now: float | None = None) -> Grant | None:
    """The grant sshd would use for this key from ``peer_ip`` now: the first line whose
    key matches and whose ``from=`` and ``expiry-time=`` admit it (a line that does not
    admit it is passed over, as sshd does). Grants for another store count as absent;
    with ``serve``, so do lines with an option serve cannot honour."""
    for grant in grants:
        if grant.fingerprint != fingerprint or not grant.for_store(db):
            continue
        if serve and grant.serve_cannot() is not None:
            continue
        if grant.admits(peer_ip, now):
            return grant
    return None


def read_entries(path: Path) -> list[Entry]:
    """Every line of the file, ours parsed; a missing file has none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return _entries(data)


def _entries(data: bytes) -> list[Entry]:
    return [Entry(raw, parse_line(raw.decode("utf-8", "replace")))
            for raw in data.splitlines(keepends=True)]


def read_grants(path: Path | str) -> list[Grant]:
    """The grants of an ``authorized_keys`` file, in file order; other lines are left out."""
    return [entry.grant for entry in read_entries(Path(path)) if entry.grant is not None]


# -- building a line ------------------------------------------------------------------------


def thekiz_command() -> list[str]:
    """How this thekiz is started, with absolute paths (sshd runs the command without our
    PATH and from the home folder): the ``thekiz`` script, or ``python -m thekiz_tui``."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "thekiz" and script.is_file():
        return [os.path.abspath(script)]
    # abspath, not resolve: a venv's python is a symlink whose target has no thekiz.
    return [os.path.abspath(sys.executable), "-m", "thekiz_tui"]


def session_command(db: Path, coach: str, program: Sequence[str] | None = None, *,
                    key: str | None = None, grants: Path | None = None) -> str:
    """The forced command of a grant: ``<thekiz> --db <db> session --as <coach>``, and
    with ``key`` and ``grants`` the line's key and file (``--key SHA256:… --grants
    PATH``), by which a running session finds its grant again."""
    words = [*(program or thekiz_command()), "--db", os.path.abspath(db), SESSION_WORD,
             "--as", coach]
    if key is not None:
        words += ["--key", key]
    if grants is not None:
        words += ["--grants", os.path.abspath(grants)]
    if any(ch in word for word in words for ch in "\n\r\0"):
        raise GrantError(tr("Pfade mit Zeilenumbrüchen können nicht in authorized_keys "
                            "stehen."))
    return shlex.join(words)


def grant_line(key: PublicKey, command: str) -> str:
    """The ``authorized_keys`` line for ``key`` with the forced ``command``."""
    escaped = command.replace('"', '\\"')
    return f'{GRANT_OPTIONS},command="{escaped}" {key.text}'


# -- changing the file ----------------------------------------------------------------------


def add_grant(path: Path, key: PublicKey, command: str) -> list[Entry]:
    """Grant ``key`` with ``command``; lines with the same key (ours or not) are replaced
    by it in place of the first. The lines it replaced (none: the grant was appended),
    read as they were written over, never through a link."""
    new = grant_line(key, command).encode("utf-8") + b"\n"

    def change(entries: list[Entry]) -> tuple[list[bytes], list[Entry]]:
        lines: list[bytes] = []
        replaced: list[Entry] = []
        for entry in entries:
            if _same_key(entry.raw, key):
                if not replaced:
                    lines.append(new)
                replaced.append(entry)
            else:
                lines.append(entry.raw)
        if not replaced:
            if lines and not lines[-1].endswith(b"\n"):
                lines[-1] += b"\n"
            lines.append(new)
        return lines, replaced

    return _rewrite(path, change)


def remove_grants(path: Path, match: Callable[[Grant], bool]) -> list[Grant]:
    """Remove our lines whose grant matches; the removed grants (none: nothing written)."""

    def change(entries: list[Entry]) -> tuple[list[bytes], list[Grant]]:
        removed = [e.grant for e in entries if e.grant is not None and match(e.grant)]
        kept = [e.raw for e in entries if e.grant is None or not match(e.grant)]
        return kept, removed

    return _rewrite(path, change, skip_if=lambda removed: not removed)


def _same_key(raw: bytes, key: PublicKey) -> bool:
    fields = _fields(raw.decode("utf-8", "replace").strip())
    return fields is not None and fields[1:3] == (key.key_type, key.key_base64)


def _rewrite(path: Path, change: Callable[[list[Entry]], tuple[list[bytes], _T]],
             skip_if: Callable[[_T], bool] | None = None) -> _T:
    """Read, change and write the file atomically under a lock on its folder. Every step
    goes through the folder's descriptor, opened without following a link, so that the
    folder checked is the folder written."""
    path = Path(os.path.abspath(path))
    # Links above the folder are the admin's; the folder itself is opened without one.
    path = Path(os.path.realpath(path.parent.parent)) / path.parent.name / path.name
    folder = path.parent
    if not folder.exists():
        _make_folder(folder)
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        if os.path.islink(folder):
            raise GrantError(tr("Der Ordner {folder} ist ein symbolischer Link; thekiz "
                                "schreibt Zugänge nicht durch einen Link.",
                                folder=folder)) from error
        raise
    try:
        _lock(dir_fd)
        owner = _checked_owner(path, dir_fd)
        lines, result = change(_entries(_read_unlinked(path, dir_fd)))
        if skip_if is None or not skip_if(result):
            _write_atomic(path, dir_fd, b"".join(lines), owner)
    finally:
        os.close(dir_fd)  # closing releases the lock
    return result


def _make_folder(folder: Path) -> None:
    """``~/.ssh`` made private; made by root, it belongs to the owner of the folder above."""
    folder.mkdir(parents=True, mode=0o700)
    if os.geteuid() == 0:
        above = os.stat(folder.parent)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            os.fchown(fd, above.st_uid, above.st_gid)
        finally:
            os.close(fd)


def _lock(dir_fd: int) -> None:
    """An exclusive ``flock`` on the folder (two grants at once must not lose one)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        return
    fcntl.flock(dir_fd, fcntl.LOCK_EX)


def account_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _checked_owner(path: Path, dir_fd: int) -> tuple[int, int]:
    """The owner (uid, gid) the file is written for: the user running thekiz, or, for
    root, the file's owner (without a file: the folder's). A link in the file's place, a
    folder others may write to, or a folder or file of another account is refused."""
    folder = os.fstat(dir_fd)
    try:
        current: os.stat_result | None = os.stat(path.name, dir_fd=dir_fd,
                                                 follow_symlinks=False)
    except FileNotFoundError:
        current = None
    if current is not None and stat.S_ISLNK(current.st_mode):
        raise GrantError(tr("{path} ist ein symbolischer Link; thekiz schreibt Zugänge nicht "
                            "durch einen Link (bitte die Datei selbst angeben).", path=path))
    if current is not None and not stat.S_ISREG(current.st_mode):
        raise GrantError(tr("{path} ist keine gewöhnliche Datei.", path=path))
    uid = os.geteuid()
    if uid == 0:
        uid = current.st_uid if current is not None else folder.st_uid
    account = account_name(uid)
    if folder.st_uid not in (uid, 0):
        raise GrantError(tr("Der Ordner {folder} gehört {owner}, die Zugänge aber {account}: "
                            "thekiz schreibt dort nicht.", folder=path.parent,
                            owner=account_name(folder.st_uid), account=account))
    if folder.st_mode & 0o022:
        raise GrantError(tr("Im Ordner {folder} dürfen auch andere schreiben; thekiz "
                            "schreibt dort keine Zugänge (bitte chmod go-w {folder}).",
                            folder=path.parent))
    if current is not None and current.st_uid != uid:
        raise GrantError(tr("{path} gehört {owner}, nicht {account}: thekiz ändert diese "
                            "Datei nicht.", path=path, owner=account_name(current.st_uid),
                            account=account))
    return uid, (current if current is not None else folder).st_gid


def _read_unlinked(path: Path, dir_fd: int) -> bytes:
    """The file's bytes, never through a link (one put there since the check, too)."""
    try:
        fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    except FileNotFoundError:
        return b""
    except OSError as error:
        import errno

        if error.errno == errno.ELOOP:
            raise GrantError(tr("{path} ist ein symbolischer Link; thekiz schreibt Zugänge "
                                "nicht durch einen Link.", path=path)) from error
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _write_atomic(path: Path, dir_fd: int, data: bytes, owner: tuple[int, int]) -> None:
    """An unpredictable new file beside ``path`` (``mkstemp``: ``O_EXCL``, no link
    followed), mode 0600 and the account's owner set on its descriptor, fsync, renamed
    over ``path`` within the folder's descriptor."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    name = os.path.basename(temp)
    try:
        with os.fdopen(fd, "wb") as handle:
            made = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if not os.path.samestat(made, os.fstat(handle.fileno())):
                raise GrantError(tr("Der Ordner {folder} wurde während des Schreibens "
                                    "ausgetauscht; nichts geändert.", folder=path.parent))
            os.fchmod(handle.fileno(), 0o600)
            if os.geteuid() == 0:
                os.fchown(handle.fileno(), *owner)  # root granting for the thekiz account
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)
        raise
    with contextlib.suppress(OSError):
        os.fsync(dir_fd)


def default_authorized_keys() -> Path:
    """``~/.ssh/authorized_keys`` of the user running thekiz."""
    return Path.home() / ".ssh" / "authorized_keys"
