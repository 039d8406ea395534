"""VTIMEZONE components in RRULE style, derived from zoneinfo's current rules.

icalendar's ``add_missing_timezones()`` writes every historic transition as an RDATE
list. Clients only need today's rule, so thekiz writes what Outlook, Apple and Google
write: one STANDARD and one DAYLIGHT sub-component, each with a yearly RRULE such as
``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``. The rule is found generically: the two transitions
of a recent year are located, and their month, weekday and week of the month (``-1`` for
the last one) are read off. A zone without daylight saving time gets a single STANDARD.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

from thekiz_tui.planning.timeutil import zone

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _offset(tz: tzinfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(tz).utcoffset()
    return offset if offset is not None else timedelta(0)


def _fmt_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def transitions(tz: tzinfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """The offset changes in ``year``: (UTC instant, offset before, offset after)."""
    out = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    before = _offset(tz, moment)
    while moment < end:
        nxt = moment + step
        after = _offset(tz, nxt)
        if after != before:
            lo, hi = moment, nxt  # offset(lo) == before, offset(hi) == after
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if _offset(tz, mid) == before:
                    lo = mid
                else:
                    hi = mid
            out.append((hi, before, after))
            before = after
        moment = nxt
    return out


def _byday(day: date) -> str:
    weekday = _DAYS[day.weekday()]
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day + 7 > last:
        return f"-1{weekday}"
    return f"{(day.day - 1) // 7 + 1}{weekday}"


def _first_match(year: int, month: int, byday: str) -> date:
    """The day in ``year``/``month`` that ``BYDAY=byday`` names."""
    nth, weekday = int(byday[:-2]), _DAYS.index(byday[-2:])
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[nth - 1] if nth > 0 else days[nth]


def _tzname(tz: tzinfo, moment: datetime) -> str:
    return moment.astimezone(tz).tzname() or ""


@lru_cache(maxsize=32)
def vtimezone_lines(tzid: str, year: int) -> tuple[str, ...]:
    """The content lines (unfolded) of a VTIMEZONE for ``tzid`` with the rules in force
    in ``year``; a single STANDARD if the zone has no (or no regular) DST that year."""
    tz = zone(tzid)
    found = transitions(tz, year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    if len(found) != 2:
        moment = datetime(year, 1, 1, tzinfo=UTC)
        offset = _fmt_offset(_offset(tz, moment))
        lines += [
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
        ]
        name = _tzname(tz, moment)
        if name:
            lines.append(f"TZNAME:{name}")
        lines += ["END:STANDARD", "END:VTIMEZONE"]
        return tuple(lines)
    parts = []
    for instant, before, after in found:
        wall = (instant + before).replace(tzinfo=None)  # local clock before the change
        byday = _byday(wall.date())
        first = _first_match(1970, wall.month, byday)
        dtstart = datetime.combine(first, wall.time())
        kind = "DAYLIGHT" if after > before else "STANDARD"
        parts.append(
            (
                kind,
                [
                    f"BEGIN:{kind}",
                    f"DTSTART:{dtstart:%Y%m%dT%H%M%S}",
                    f"TZOFFSETFROM:{_fmt_offset(before)}",
                    f"TZOFFSETTO:{_fmt_offset(after)}",
                    f"RRULE:FREQ=YEARLY;BYMONTH={wall.month};BYDAY={byday}",
                    f"TZNAME:{_tzname(tz, instant)}",
                    f"END:{kind}",
                ],
            )
        )
    parts.sort(key=lambda p: p[0] != "STANDARD")
    for _kind, part in parts:
        lines += part
    lines.append("END:VTIMEZONE")
    return tuple(lines)
