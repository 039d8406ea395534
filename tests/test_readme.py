"""The README stays true: every command of its "Commands" section runs as shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"

PRIVATE_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Privat//DE
BEGIN:VEVENT
UID:privat-1@example.org
DTSTAMP:20250301T080000Z
DTSTART;TZID=Europe/Berlin:20250306T100000
DTEND;TZID=Europe/Berlin:20250306T110000
SUMMARY:Zahnarzt
END:VEVENT
END:VCALENDAR
"""


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Commands section has no sh block"
    joined = block.group(1).replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line:
            commands.append(line)
    return commands


def test_every_readme_command_works(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) > 20
    (tmp_path / "privat.ics").write_text(PRIVATE_ICS, encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)
    env = dict(
        os.environ,
        THEKIZ_DB=str(tmp_path / "plan.json"),
        THEKIZ_TODAY="2025-03-15",
        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
    )
    for command in commands:
        assert command.startswith("thekiz"), command
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=120,
        )
        allowed = {0, 1} if " conflicts" in command or " search" in command else {0}
        assert result.returncode in allowed, (command, result.stderr)
        assert "Traceback" not in result.stderr, (command, result.stderr)
    assert (tmp_path / "mara-2025.ics").read_text(encoding="utf-8").startswith(
        "BEGIN:VCALENDAR"
    )
    assert (tmp_path / "stundennachweis-mara-2025-03.pdf").read_bytes().startswith(b"%PDF")
    csv = (tmp_path / "stundennachweis-2025-03.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
