"""Which IANA zone a TZID stands for when it is not an IANA name.

Outlook and Exchange write Windows zone ids ("W. Europe Standard Time"), Windows display
names ("(UTC+10:00) Canberra, Melbourne, Sydney", older "(GMT+10.00) …") or a VTIMEZONE
of their own ("Customized Time Zone"). thekiz stores every event with an IANA zone name,
because its series are expanded in that zone; a series kept in the wrong zone lands on
the wrong days. So:

- Windows ids go through CLDR's windowsZones table (icalendar's ``WINDOWS_TO_OLSON``).
- Display names go through ``windows_zone_names.tsv`` (display name → Windows id, see
  ``tools/windows_zone_names.py``), matched without regard to GMT/UTC, ":" or "." in the
  offset, "&" or "and", spaces and case; a place list the table does not know (another
  language) is tried city by city against IANA zone names of the same standard offset.
- A VTIMEZONE is the file's own truth: the zone it maps to by name is taken only if its
  offsets and changes agree with the VTIMEZONE's over the years the event spans; else
  the IANA zone that agrees (canonical names first), else ``Etc/GMT±N`` for a fixed
  whole-hour offset. A VTIMEZONE that no real zone follows gets no name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import TZPATH, ZoneInfo, available_timezones

from store import DEFAULT_TZ

SPAN_YEARS = 10
"""How many years after the event's start a VTIMEZONE must agree with a zone."""
LAST_YEAR = 2037
"""icalendar expands VTIMEZONE rules up to 2038; later years are judged by 2027–2037."""

_OFFSET = re.compile(
    r"\(\s*(?:utc|gmt)\s*(?:([+\-−])\s*(\d{1,2})(?:\s*[:.]\s*(\d{2}))?)?\s*\)\s*", re.I
)


def _place_key(text: str) -> str:
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"\s*([,;:])\s*", r"\1 ", text)
    return " ".join(text.split()).strip(" .")


def split_display(tzid: str) -> tuple[int | None, str]:
    """The standard offset in minutes (None without one) and the place list's key."""
    text = tzid.strip().strip('"')
    match = _OFFSET.match(text)
    if match is None:
        return None, _place_key(text)
    minutes = 0
    if match[1]:
        minutes = int(match[2]) * 60 + int(match[3] or 0)
        minutes = -minutes if match[1] in "-−" else minutes
    return minutes, _place_key(text[match.end() :])


# -- tzdata: links and canonical names -------------------------------------------------


def _tzdata_file(name: str) -> str:
    for folder in TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text("utf-8")
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@cache
def _links() -> dict[str, str]:
    """Link name → target, from tzdata.zi."""
    out = {}
    for line in _tzdata_file("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            out[parts[2]] = parts[1]
    return out


@cache
def _country_zones() -> frozenset[str]:
    """The zones zone.tab names: one or more per country, the names people know."""
    return frozenset(
        line.split("\t")[2]
        for line in _tzdata_file("zone.tab").splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    )


def canonical(name: str) -> str:
    """An old alias (Asia/Calcutta, US/Eastern) as its current name; a country's own zone
    (Europe/Amsterdam) stays, even where tzdata now links it to a neighbour."""
    links = _links()
    if name in _country_zones() or name not in links:
        return name
    return links[name]


@cache
def _golden() -> frozenset[str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return frozenset(canonical(str(v)) for v in WINDOWS_TO_OLSON.values())


@cache
def _candidates() -> tuple[str, ...]:
    """Real zones to try for a VTIMEZONE, best first: the planner's own zone, the zones
    CLDR names for Windows ids, then by how many aliases point to them (the main zone of
    a region has most), then by name."""
    links = _links()
    aliases = Counter(links.values())
    names = {
        n for n in available_timezones()
        if "/" in n and not n.startswith(("Etc/", "posix/", "right/", "SystemV/"))
        and (n not in links or n in _country_zones())
    }
    golden = _golden()
    return tuple(sorted(
        names, key=lambda n: (n != DEFAULT_TZ, n not in golden, -aliases[n], n)
    ))


# -- Windows ids and display names ----------------------------------------------------


@cache
def _windows_ids() -> dict[str, str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {" ".join(k.split()).casefold(): canonical(str(v)) for k, v in WINDOWS_TO_OLSON.items()}


@cache
def _display_names() -> dict[str, list[tuple[int | None, str]]]:
    """Place key → [(standard offset, Windows id)]."""
    out: dict[str, list[tuple[int | None, str]]] = {}
    text = (Path(__file__).with_name("windows_zone_names.tsv")).read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, ident = line.split("\t")
        offset, place = split_display(name)
        out.setdefault(place, []).append((offset, ident))
    return out


@cache
def _cities() -> dict[str, str]:
    """A city as people write it ("new york") → its canonical zone."""
    out: dict[str, str] = {}
    for name in _candidates():
        out.setdefault(name.rsplit("/", 1)[1].replace("_", " ").casefold(), name)
    return out


def _standard_minutes(name: str) -> int:
    tz = ZoneInfo(name)
    year = datetime.now(UTC).year
    offsets = [datetime(year, month, 1, 12, tzinfo=tz).utcoffset() for month in (1, 7)]
    return min(int(o.total_seconds()) // 60 for o in offsets if o is not None)


def windows_zone(tzid: str) -> str | None:
    """The IANA zone of a Windows zone id or display name, or None."""
    key = " ".join(tzid.split()).casefold()
    # Outlook numbers a second definition of a zone in one file: "W. Europe Standard Time 1"
    found = _windows_ids().get(key) or _windows_ids().get(re.sub(r"\s+\d+$", "", key))
    if found is not None:
        return found
    offset, place = split_display(tzid)
    entries = _display_names().get(place)
    if entries:
        ids = {ident for _o, ident in entries}
        if len(ids) > 1:
            ids = {ident for o, ident in entries if o == offset}
        return _windows_ids()[ids.pop().casefold()] if len(ids) == 1 else None
    if offset is None:
        return None
    # a place list in another language ("Amsterdam, Berlin, Bern, Rom, Stockholm, Wien"):
    # of its places that are IANA zones' cities with the same standard offset, the one
    # that ranks first as a candidate (the planner's own zone, then CLDR's)
    found_names = [
        name for part in re.split(r",|;| and |\(|\)", place)
        if (name := _cities().get(part.strip())) is not None
        and _standard_minutes(name) == offset
    ]
    rank = _rank()
    return min(found_names, key=rank.__getitem__, default=None)


@cache
def _rank() -> dict[str, int]:
    return {name: index for index, name in enumerate(_candidates())}


# -- VTIMEZONE definitions ------------------------------------------------------------


class Offsets:
    """The UTC offsets (seconds) a VTIMEZONE gives, from icalendar's expansion
    (which raises many kinds of errors for a broken one)."""

    def __init__(self, component: Any) -> None:
        times, infos = component.get_transitions()
        self.stamps = [t.replace(tzinfo=UTC).timestamp() for t in times]
        self.offsets = [int(info[0].total_seconds()) for info in infos]

    def at(self, stamp: float) -> int:
        index = bisect_right(self.stamps, stamp) - 1
        return self.offsets[max(index, 0)]

    def changes(self, lo: float, hi: float) -> list[float]:
        return [s for s in self.stamps if lo <= s < hi]


def _agrees(name: str, points: Iterable[float], expected: list[int]) -> bool:
    tz = ZoneInfo(name)
    for stamp, want in zip(points, expected, strict=True):
        offset = datetime.fromtimestamp(stamp, tz).utcoffset()
        if offset is None or int(offset.total_seconds()) != want:
            return False
    return True


def vtimezone_zone(given: Offsets, year: int, prefer: str | None = None) -> str | None:
    """The IANA zone that follows a VTIMEZONE's offsets from ``year`` on for
    :data:`SPAN_YEARS` years, ``prefer`` first; None if none does."""
    if not given.offsets:
        return None
    first = max(1970, min(year, LAST_YEAR - SPAN_YEARS))
    lo = datetime(first, 1, 1, tzinfo=UTC).timestamp()
    hi = datetime(min(first + SPAN_YEARS, LAST_YEAR) + 1, 1, 1, tzinfo=UTC).timestamp()
    changes = given.changes(lo, hi)
    # every day, and a second either side of each change: a zone that changes on
    # another day or at another hour disagrees somewhere
    full = [lo + day * 86400 + 43200 for day in range(int((hi - lo) // 86400))]
    full += [s + d for s in changes for d in (-1, 1)]
    full_expected = [given.at(p) for p in full]
    quick = full[:: max(1, len(full) // 48)] + [s + d for s in changes[:4] for d in (-1, 1)]
    quick_expected = [given.at(p) for p in quick]
    if prefer is not None and _agrees(prefer, full, full_expected):
        return prefer
    if len(set(full_expected)) == 1 and full_expected[0] % 3600 == 0:
        hours = full_expected[0] // 3600
        if hours == 0:
            return "UTC"
        if -12 <= hours <= 14:
            # the POSIX sign: Etc/GMT-10 is ten hours ahead of UTC
            return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    for name in _candidates():
        if _agrees(name, quick, quick_expected) and _agrees(name, full, full_expected):
            return name
    # Outlook and Lotus Notes write both changes at 02:00 local, where Europe's zones
    # fall back at 03:00: a zone that agrees at noon of every day changes on the same
    # days, and only the hour of the night of the change differs.
    days = full[: int((hi - lo) // 86400)]
    days_expected = full_expected[: len(days)]
    if prefer is not None and _agrees(prefer, days, days_expected):
        return prefer
    quick_days = days[:: max(1, len(days) // 48)]
    quick_days_expected = [given.at(p) for p in quick_days]
    for name in _candidates():
        if _agrees(name, quick_days, quick_days_expected) and _agrees(name, days,
                                                                      days_expected):
            return name
    return None
