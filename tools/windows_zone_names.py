"""Add Windows time-zone display names to thekiz_tui/ical/windows_zone_names.tsv.

Outlook and Exchange write a zone's display name as its TZID ("(UTC+10:00) Canberra,
Melbourne, Sydney"); thekiz maps it to the Windows id and then, through CLDR's
windowsZones table (icalendar's WINDOWS_TO_OLSON), to an IANA zone. Microsoft changes the
names now and then, so the table is extended from a Windows machine's own list:

    PS> Get-TimeZone -ListAvailable | ForEach-Object { "$($_.DisplayName)`t$($_.Id)" } |
          Out-File -Encoding utf8 zones.txt
    $ python tools/windows_zone_names.py zones.txt

``tzutil /l`` output (display name, id, blank line, …) is read as well. Names already in
the table are kept (files from older Windows still carry them); every id must be known
to CLDR's table, otherwise the line is reported and left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

TABLE = Path(__file__).resolve().parent.parent / "thekiz_tui" / "ical" / "windows_zone_names.tsv"


def pairs(text: str) -> list[tuple[str, str]]:
    """(display name, id) from tab-separated lines or from ``tzutil /l`` blocks."""
    lines = [line.strip().lstrip("\ufeff") for line in text.splitlines()]
    if any("\t" in line for line in lines):
        return [tuple(line.split("\t", 1)) for line in lines if "\t" in line]  # type: ignore[misc]
    blocks = [lines[i : i + 2] for i in range(len(lines)) if lines[i].startswith("(")]
    return [(block[0], block[1]) for block in blocks if len(block) == 2]


def main(paths: list[str]) -> int:
    header = [line for line in TABLE.read_text("utf-8").splitlines() if line.startswith("#")]
    rows = dict(
        line.split("\t", 1)
        for line in TABLE.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    )
    for path in paths:
        for name, ident in pairs(Path(path).read_text("utf-8-sig")):
            if ident not in WINDOWS_TO_OLSON:
                print(f"left out (id unknown to CLDR): {name!r} {ident!r}")
                continue
            rows[name] = ident
    body = [f"{name}\t{ident}" for name, ident in rows.items()]
    TABLE.write_text("\n".join([*header, *body]) + "\n", "utf-8")
    print(f"{len(rows)} names in {TABLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
