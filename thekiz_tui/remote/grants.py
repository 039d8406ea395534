"""Grants: the ``authorized_keys`` lines that let one key in as one coach.

A grant is an OpenSSH line with a forced command that runs the session of that coach::

    restrict,pty,command="/srv/thekiz/bin/thekiz --db /srv/plan.json session --as anna" \
        ssh-ed25519 AAAA… laptop   (one line in the file)

``restrict`` turns off forwarding of ports, agents and X11; ``pty`` gives back the
terminal that the planner needs. sshd runs the command whatever the client asked for and
puts the request in ``SSH_ORIGINAL_COMMAND`` (see ``thekiz_tui.remote.session``).

Lines that are not ours (no such command) are kept byte for byte; every change writes a
temporary file beside the original, syncs it and renames it over (mode 0600).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

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
_VALUE_OPTIONS = frozenset({"--db", "--as", "--lang"})
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
class Grant:
    """One of our lines: ``coach`` may enter with this key."""

    coach: str
    key_type: str
    key_base64: str
    comment: str
    fingerprint: str
    line: str  # the line as it stands in the file, without its line break
    command: str = ""  # the forced command


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
        raise GrantError("Das ist ein privater Schlüssel: bitte nur den öffentlichen "
                         "Schlüssel (.pub) angeben, der private bleibt auf dem Laptop.")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise GrantError("Der Schlüssel ist leer (erwartet: eine Zeile wie "
                         "„ssh-ed25519 AAAA… name@laptop“ aus einer .pub-Datei).")
    if len(lines) > 1:
        raise GrantError("Die Schlüsseldatei hat mehrere Zeilen; bitte genau einen "
                         "öffentlichen Schlüssel angeben.")
    words = lines[0].split(None, 2)
    if words[0] not in KEY_TYPES:
        raise GrantError(f"Kein öffentlicher SSH-Schlüssel: unbekannter Typ „{words[0][:40]}“ "
                         f"(möglich: {', '.join(KEY_TYPES)}).")
    if len(words) < 2:
        raise GrantError(f"Dem Schlüssel vom Typ {words[0]} fehlen die Schlüsseldaten.")
    key_type, key_base64 = words[0], words[1]
    comment = words[2].strip() if len(words) > 2 else ""
    blob = _blob(key_type, key_base64)
    if blob is None or not _valid_for_asyncssh(f"{key_type} {key_base64}"):
        raise GrantError(f"Der Schlüssel vom Typ {key_type} ist beschädigt oder "
                         "unvollständig.")
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


def coach_of_command(command: str) -> str | None:
    """The coach of a forced command ``… session --as COACH``, or None if it is not one."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    coach: str | None = None
    session = False
    i = 0
    while i < len(words):
        word = words[i]
        name, equals, value = word.partition("=")
        if name in _VALUE_OPTIONS:
            if not equals:
                i += 1
                value = words[i] if i < len(words) else ""
            if name == "--as":
                coach = value or None
        elif word == SESSION_WORD:
            session = True
        i += 1
    return coach if session else None


def parse_line(text: str) -> Grant | None:
    """The grant of one ``authorized_keys`` line, or None for any other line."""
    line = text.strip()
    fields = _fields(line)
    if fields is None:
        return None
    options, key_type, key_base64, comment = fields
    command = _forced_command(options) if options else None
    coach = coach_of_command(command) if command is not None else None
    blob = _blob(key_type, key_base64) if key_type in KEY_TYPES else None
    if coach is None or command is None or blob is None:
        return None
    return Grant(coach, key_type, key_base64, comment, fingerprint(blob), line, command)


def read_entries(path: Path) -> list[Entry]:
    """Every line of the file, ours parsed; a missing file has none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
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


def session_command(db: Path, coach: str, program: Sequence[str] | None = None) -> str:
    """The forced command of a grant: ``<thekiz> --db <db> session --as <coach>``."""
    words = [*(program or thekiz_command()), "--db", os.path.abspath(db), SESSION_WORD,
             "--as", coach]
    if any(ch in word for word in words for ch in "\n\r\0"):
        raise GrantError("Pfade mit Zeilenumbrüchen können nicht in authorized_keys stehen.")
    return shlex.join(words)


def grant_line(key: PublicKey, command: str) -> str:
    """The ``authorized_keys`` line for ``key`` with the forced ``command``."""
    escaped = command.replace('"', '\\"')
    return f'{GRANT_OPTIONS},command="{escaped}" {key.text}'


# -- changing the file ----------------------------------------------------------------------


def add_grant(path: Path, key: PublicKey, command: str) -> bool:
    """Grant ``key`` with ``command``; a line with the same key (ours or not) is replaced
    in place. True if a line was replaced, False if the grant was appended."""
    new = grant_line(key, command).encode("utf-8") + b"\n"

    def change(entries: list[Entry]) -> tuple[list[bytes], bool]:
        lines: list[bytes] = []
        replaced = False
        for entry in entries:
            if _same_key(entry.raw, key):
                if not replaced:
                    lines.append(new)
                replaced = True
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
    """Read, change and write the file atomically under a lock on its folder."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    with _locked(folder):
        lines, result = change(read_entries(path))
        if skip_if is None or not skip_if(result):
            _write_atomic(path, b"".join(lines))
    return result


class _locked:
    """An exclusive ``flock`` on the folder (two grants at once must not lose one)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd = -1

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Windows
            return
        self.fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the lock


def _write_atomic(path: Path, data: bytes) -> None:
    """Temporary file beside ``path``, fsync, mode 0600 (and the old owner), rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        owner = path.stat()
    except FileNotFoundError:
        owner = None
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        if owner is not None and hasattr(os, "chown"):
            try:
                os.chown(temp, owner.st_uid, owner.st_gid)  # root granting for a user
            except PermissionError:
                pass
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def default_authorized_keys() -> Path:
    """``~/.ssh/authorized_keys`` of the user running thekiz."""
    return Path.home() / ".ssh" / "authorized_keys"
