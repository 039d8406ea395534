"""A small team on a real store, real key pairs, and the real ``thekiz`` in a subprocess:
shared by the tests of access grants, the SSH session policy and the sshd route.

All names are fictional. November 2026: Anna and Bert are coaches, Clara coordinates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store import Coach, Event, Kita, Store

TODAY = "2026-11-25"
# Event ids by whom they concern: Anna's own, Bert's own (two that overlap: a double
# booking of Bert's), a shared date with both, a shared date of Bert's alone.
ANNA_OWN, BERT_OWN, BERT_CLASH = "ev-anna", "ev-bert", "ev-bert-2"
SHARED_BOTH, SHARED_BERT = "ev-ak", "ev-fachtag"
ANNA_SEES = {ANNA_OWN, SHARED_BOTH}
BERT_SEES = {BERT_OWN, BERT_CLASH, SHARED_BOTH, SHARED_BERT}


def _timed(event_id: str, kind: str, day: int, hours: tuple[str, str], title: str,
           coaches: list[str], kita: str | None = None) -> Event:
    return Event(id=event_id, kind=kind, title=title, coaches=coaches, kita=kita,
                 start=f"2026-11-{day:02d}T{hours[0]}:00+01:00",
                 end=f"2026-11-{day:02d}T{hours[1]}:00+01:00")


def make_team(db: Path) -> Path:
    """The store at ``db`` with the team, two Kitas and five events."""
    store = Store.open(db)
    store.add_coach(Coach(id="anna", name="Anna Beispiel", role="coach"))
    store.add_coach(Coach(id="bert", name="Bert Muster", role="coach"))
    store.add_coach(Coach(id="clara", name="Clara Koordina", role="coordinator"))
    store.add_kita(Kita(id="wiese", name="Kita Wiesengrund", district="Gera", coach="anna"))
    store.add_kita(Kita(id="berg", name="Kita Bergblick", district="Jena", coach="bert"))
    for event in (
        _timed(ANNA_OWN, "begleitung", 10, ("09:00", "11:00"), "Begleitung Wiesengrund",
               ["anna"], "wiese"),
        _timed(BERT_OWN, "begleitung", 11, ("10:00", "12:00"), "Begleitung Bergblick",
               ["bert"], "berg"),
        _timed(BERT_CLASH, "begleitung", 11, ("11:00", "13:00"), "Teamsitzung Bergblick",
               ["bert"], "berg"),
        _timed(SHARED_BOTH, "arbeitskreis", 17, ("09:30", "12:00"), "Arbeitskreis Ost",
               ["anna", "bert"]),
        _timed(SHARED_BERT, "fachtag", 19, ("09:00", "15:00"), "Fachtag Sozialraum",
               ["bert"]),
    ):
        store.add_event(event)
    return db


def thekiz_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("THEKIZ_", "SSH_"))}  # (SSH_CONNECTION: a login of sshd)
    env.update({"THEKIZ_TODAY": TODAY, "THEKIZ_CONFIG": "/dev/null", "LANG": "C.UTF-8"})
    env.update(extra)
    return env


def thekiz(*args: str, input: str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, ``python -m thekiz_tui ARGS``."""
    return subprocess.run(
        [sys.executable, "-m", "thekiz_tui", *args], input=input,
        capture_output=True, text=True, env=env or thekiz_env(), timeout=120,
        stdin=None if input is not None else subprocess.DEVNULL,
    )


def new_key(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair ``folder/name`` (OpenSSH format, private 0600) and
    ``folder/name.pub``; returns the public key's path."""
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519", comment=f"{name}@laptop")
    private = folder / name
    key.write_private_key(str(private))
    private.chmod(0o600)
    public = folder / f"{name}.pub"
    key.write_public_key(str(public))
    return public


def one_german_line(result: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, nothing on stdout, one line on stderr and no traceback; that line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("thekiz: "), result.stderr
    return lines[0]


def readme_section(title: str = "## Ein Server für das Team") -> str:
    """The README's section for admins on the OpenSSH route, up to the next section or
    subsection (``thekiz serve`` has its own)."""
    import re

    readme = Path(__file__).resolve().parents[2] / "README.md"
    return re.split(r"\n##+ ", readme.read_text(encoding="utf-8").split(title, 1)[1])[0]


def readme_blocks(kind: str) -> list[str]:
    """The fenced blocks of that section in ``kind`` (``sh``, ``sshd_config``)."""
    import re

    return re.findall(rf"```{kind}\n(.*?)```", readme_section(), re.S)


def readme_lines(prefix: str) -> list[str]:
    """The lines of the section's ``sh`` blocks that start with ``prefix``, without their
    comments."""
    import re

    return [re.sub(r"\s+#.*$", "", line).strip() for block in readme_blocks("sh")
            for line in block.splitlines() if line.startswith(prefix)]
