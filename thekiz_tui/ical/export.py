"""Export events as an iCalendar file (RFC 5545) that khal, calcurse, Thunderbird,
Outlook, Apple and Google Calendar read.

The file is written directly (escaping and folding per RFC 5545 section 3.1/3.3.11):
building icalendar objects for 10,000 events and serialising them takes several seconds,
writing the lines takes a fraction of that. The tests parse every export with icalendar,
khal and calcurse.

Mapping of thekiz's fields:

- ``status``: geplant → ``TENTATIVE``, bestaetigt and durchgefuehrt → ``CONFIRMED``,
  abgesagt → ``CANCELLED``; the exact value also goes to ``X-THEKIZ-STATUS``.
- ``free`` → ``TRANSP:TRANSPARENT``, otherwise ``OPAQUE``.
- ``kind``/``subtype`` → ``CATEGORIES`` with German display names, and ``X-THEKIZ-KIND`` /
  ``X-THEKIZ-SUBTYPE``; Kita, participants, coaches and the thekiz id go to
  ``X-THEKIZ-*`` properties, so that re-importing a thekiz export is lossless.
- Timed events are written as local time with ``TZID`` of the event's zone, plus one
  VTIMEZONE per zone. A time inside the repeated hour of the autumn DST change (02:30 on
  2025-10-26 happens twice) cannot be told apart in local time, so such a time is written in
  UTC (``...Z``); so is the first pass, because clients disagree on it (khal 0.14 reads
  ``TZID=Europe/Berlin:20251026T021500`` as the second pass, RFC 5545 as the first).
  A series keeps its TZID start, as its rule must run in local time.
- Per-occurrence changes (``overrides``) become extra VEVENTs with the series' UID and a
  ``RECURRENCE-ID``.

For a phone (which shows SUMMARY, LOCATION and DESCRIPTION and nothing else):

- an event at a Kita says so in its SUMMARY ("Prozessbegleitung – Kita Sonnenblume", or
  the title and the Kita), its LOCATION is the Kita's address (else the event's place),
  and its DESCRIPTION names the Kita, the district, the coaches and the notes. The stored
  title and place go to ``X-THEKIZ-TITLE``/``X-THEKIZ-LOCATION`` where they differ, so
  that a re-import stores what was exported.
- ``COLOR`` (RFC 7986, a CSS3 colour name) per kind;
- a reminder (``VALARM``, ``ACTION:DISPLAY``, relative ``TRIGGER``) only when asked for
  (her feed: the setting ``reminder_minutes``; never in files);
- a feed says how often to fetch it again (``REFRESH-INTERVAL``, ``X-PUBLISHED-TTL``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from store import Coach, Event, Kita
from thekiz_tui.planning.labels import KIND_LABELS, SUBTYPE_LABELS
from thekiz_tui.planning.occurrences import OVERRIDABLE
from thekiz_tui.planning.timeutil import localize, zone

from .vtimezone import vtimezone_lines

PRODID = "-//ThEKiZ//thekiz 0.1//DE"

KIND_NAMES = KIND_LABELS["de"]
SUBTYPE_NAMES = SUBTYPE_LABELS
# RFC 7986 COLOR takes a CSS3 colour name; the kinds as the planner tells them apart.
KIND_COLORS: dict[str, str] = {
    "begleitung": "seagreen",
    "fortbildung": "royalblue",
    "arbeitskreis": "darkorange",
    "fachtag": "mediumpurple",
    "einrichtungsbesuch": "teal",
    "sonstiges": "slategray",
}
STATUS_TO_ICAL: dict[str, str] = {
    "geplant": "TENTATIVE",
    "bestaetigt": "CONFIRMED",
    "durchgefuehrt": "CONFIRMED",
    "abgesagt": "CANCELLED",
}

_ESCAPE = re.compile(r"[\\;,\n\r]")
_ESCAPES = {"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""}


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    text = text.replace("\r\n", "\n")
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if len(line) <= 75 and line.isascii():
        return line
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _param(value: str) -> str:
    if any(c in value for c in ':;,"'):
        return '"' + value.replace('"', "'") + '"'
    return value


def _utc_stamp(text: str) -> str | None:
    """``2025-01-02T03:04:05Z`` (or any ISO text) → ``20250102T030405Z``."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


_GENERIC = re.compile(r"(kita|kindertagesstätte|kindergarten|kinderhaus|krippe|hort)\b\W*",
                      re.IGNORECASE)


def _names(title: str, kita: str) -> bool:
    """``title`` names the Kita already: its name, or its name without the word that
    says what it is ("Elterncafé Apfelbaum" names "Kita Apfelbaum")."""
    title = title.casefold()
    own = _GENERIC.sub("", kita, count=1).strip().casefold() if _GENERIC.match(kita) else ""
    return kita.casefold() in title or (len(own) >= 3 and own in title)


def _duration(minutes: int) -> str:
    """``PT15M``, ``PT1H``, ``P1D`` (RFC 5545 3.3.6)."""
    if minutes % 1440 == 0:
        return f"P{minutes // 1440}D"
    if minutes % 60 == 0:
        return f"PT{minutes // 60}H"
    return f"PT{minutes}M"


class _Writer:
    def __init__(self, coaches: dict[str, Coach], kitas: dict[str, Kita], stamp: str,
                 reminder_minutes: int | None = None) -> None:
        self.coaches = coaches
        self.kitas = kitas
        self.stamp = stamp
        self.reminder = reminder_minutes if reminder_minutes else None
        self.tzids: list[str] = []
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(fold(line))

    def text(self, name: str, value: str) -> None:
        if value:
            self.add(f"{name}:{escape_text(value)}")

    # -- times ---------------------------------------------------------------------

    def _use(self, tz: str) -> None:
        if tz not in self.tzids:
            zone(tz)  # unknown zone: BadInput
            self.tzids.append(tz)

    def moment(self, name: str, text: str, event: Event) -> str:
        """A DTSTART-like property for a stored time of ``event``."""
        if event.all_day or len(text) == 10:
            return f"{name};VALUE=DATE:{text[:10].replace('-', '')}"
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = localize(moment, event.tz)
        local = moment.astimezone(zone(event.tz))
        wall = local.replace(tzinfo=None)
        if not event.series and local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset():
            # Inside the repeated hour local time is ambiguous: RFC 5545 means the first
            # pass, but clients differ (khal takes the second), so only UTC is safe.
            return f"{name}:{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        self._use(event.tz)
        return f"{name};TZID={_param(event.tz)}:{wall:%Y%m%dT%H%M%S}"

    def rrule(self, event: Event, text: str | None = None) -> str:
        """``event``'s rule (or ``text``, one of its further rules) with UNTIL in UTC."""
        rule = (text or event.rrule or "").removeprefix("RRULE:")
        if event.all_day:
            return rule
        parts = []
        for part in rule.split(";"):
            key, _, value = part.partition("=")
            if key.upper() == "UNTIL" and not value.endswith("Z"):
                # RFC 5545: UNTIL must be UTC when DTSTART has a TZID.
                try:
                    if len(value) == 8:
                        wall = datetime.strptime(value, "%Y%m%d")
                    else:
                        wall = datetime.strptime(value, "%Y%m%dT%H%M%S")
                except ValueError:
                    parts.append(part)
                    continue
                utc = localize(wall, event.tz).astimezone(UTC)
                part = f"UNTIL={utc:%Y%m%dT%H%M%SZ}"
            parts.append(part)
        return ";".join(parts)

    # -- events --------------------------------------------------------------------

    def kita_of(self, event: Event) -> Kita | None:
        return self.kitas.get(event.kita) if event.kita else None

    def summary(self, event: Event) -> str:
        """What a phone shows as the event's name: the Kita of a visit is in it."""
        kita = self.kita_of(event)
        name = kita.name if kita else (event.kita or "")
        if not event.title:
            kind = KIND_NAMES.get(event.kind, event.kind)
            return f"{kind} – {name}" if name else kind
        if name and not _names(event.title, name):
            return f"{event.title} – {name}"
        return event.title

    def location(self, event: Event) -> str:
        kita = self.kita_of(event)
        return kita.address if kita and kita.address else event.location

    def description(self, event: Event) -> str:
        lines = []
        kita = self.kita_of(event)
        if event.kita:
            lines.append(f"Kita: {kita.name if kita else event.kita}")
            if kita and kita.district:
                lines.append(f"Landkreis: {kita.district}")
        others = [k for k in event.participants if k != event.kita]
        if others:
            names = [self.kitas[k].name if k in self.kitas else k for k in others]
            lines.append("Beteiligte Kitas: " + ", ".join(names))
        if event.coaches:
            names = [self.coaches[c].name if c in self.coaches else c for c in event.coaches]
            lines.append("Prozessbegleitung: " + ", ".join(names))
        if event.location and event.location != self.location(event):
            lines.append(f"Ort: {event.location}")
        if event.notes:
            if lines:
                lines.append("")
            lines.append(event.notes)
        return "\n".join(lines)

    def alarm(self, event: Event, summary: str) -> None:
        """Her reminder, ``self.reminder`` minutes before a timed event she attends."""
        if self.reminder is None or event.all_day or event.status == "abgesagt":
            return
        self.add("BEGIN:VALARM")
        self.add("ACTION:DISPLAY")
        self.text("DESCRIPTION", summary)
        self.add(f"TRIGGER;RELATED=START:-{_duration(self.reminder)}")
        self.add("END:VALARM")

    def vevent(self, event: Event, master: Event, rid: str | None) -> None:
        add = self.add
        add("BEGIN:VEVENT")
        add(f"UID:{escape_text(master.uid or f'{master.id}@thekiz')}")
        add(f"DTSTAMP:{self.stamp}")
        for name, value in (("CREATED", master.created), ("LAST-MODIFIED", master.updated)):
            stamp = _utc_stamp(value)
            if stamp:
                add(f"{name}:{stamp}")
        add(f"SEQUENCE:{max(0, int(master.sequence))}")
        if rid is not None:
            add(self.moment("RECURRENCE-ID", rid, master))
        add(self.moment("DTSTART", event.start, event))
        add(self.moment("DTEND", event.end, event))
        if rid is None and event.series:
            for rule in (event.rrule, *event.extra_rules):
                if rule:
                    add(f"RRULE:{self.rrule(event, rule)}")
            for text in event.rdates:
                add(self.moment("RDATE", text, event))
            for text in event.exdates:
                add(self.moment("EXDATE", text, event))
        summary = self.summary(event)
        self.text("SUMMARY", summary)
        if not event.title:
            add("X-THEKIZ-NOTITLE:TRUE")
        elif summary != event.title:
            add(f"X-THEKIZ-TITLE:{escape_text(event.title)}")
        location = self.location(event)
        self.text("LOCATION", location)
        if location != event.location:  # (an empty value: the event has no place)
            add(f"X-THEKIZ-LOCATION:{escape_text(event.location)}")
        self.text("DESCRIPTION", self.description(event))
        categories = [KIND_NAMES.get(event.kind, event.kind)]
        if event.subtype:
            categories.append(SUBTYPE_NAMES.get(event.subtype, event.subtype))
        add("CATEGORIES:" + ",".join(escape_text(c) for c in categories))
        add(f"STATUS:{STATUS_TO_ICAL.get(event.status, 'TENTATIVE')}")
        add(f"TRANSP:{'TRANSPARENT' if event.free else 'OPAQUE'}")
        if event.kind in KIND_COLORS:
            add(f"COLOR:{KIND_COLORS[event.kind]}")
        add(f"X-THEKIZ-ID:{escape_text(master.id)}")
        add(f"X-THEKIZ-KIND:{escape_text(event.kind)}")
        if event.subtype:
            add(f"X-THEKIZ-SUBTYPE:{escape_text(event.subtype)}")
        if event.kita:
            add(f"X-THEKIZ-KITA:{escape_text(event.kita)}")
        if event.participants:
            add("X-THEKIZ-PARTICIPANTS:" + ",".join(escape_text(p) for p in event.participants))
        if event.coaches:
            add("X-THEKIZ-COACHES:" + ",".join(escape_text(c) for c in event.coaches))
        add(f"X-THEKIZ-STATUS:{escape_text(event.status)}")
        if event.tz:
            add(f"X-THEKIZ-TZ:{escape_text(event.tz)}")
        self.text("X-THEKIZ-NOTES", event.notes)
        self.alarm(event, summary)
        add("END:VEVENT")

    def series_override(self, master: Event, rid: str, changes: dict[str, Any]) -> Event:
        values = {k: v for k, v in changes.items() if k in OVERRIDABLE}
        if "start" not in values or "end" not in values:
            start, end = _occurrence_times(master, rid)
            values.setdefault("start", start)
            values.setdefault("end", end)
        data = master.to_dict()
        data.update(values)
        data.update(rrule=None, exdates=[], overrides={}, rdates=[], extra_rules=[])
        return Event.from_dict(data)


def _occurrence_times(master: Event, rid: str) -> tuple[str, str]:
    """Start and end texts of the occurrence that ``rid`` names, unchanged."""
    if master.all_day:
        first, last = date.fromisoformat(master.start[:10]), date.fromisoformat(master.end[:10])
        day = date.fromisoformat(rid[:10])
        return day.isoformat(), (day + (last - first)).isoformat()
    start = datetime.fromisoformat(master.start)
    duration = datetime.fromisoformat(master.end) - start
    if len(rid) == 10:
        moment = localize(
            datetime.combine(date.fromisoformat(rid), start.astimezone(zone(master.tz)).time()),
            master.tz,
        )
    else:
        moment = datetime.fromisoformat(rid)
    begin = moment.astimezone(zone(master.tz))
    finish = datetime.fromtimestamp(begin.timestamp() + duration.total_seconds(), zone(master.tz))
    return begin.replace(microsecond=0).isoformat(), finish.replace(microsecond=0).isoformat()


def export_calendar(
    events: Iterable[Event],
    *,
    coaches: dict[str, Coach],
    kitas: dict[str, Kita],
    name: str,
    now: datetime | None = None,
    reminder_minutes: int | None = None,
    refresh_minutes: int | None = None,
) -> bytes:
    """The events as one VCALENDAR (``METHOD:PUBLISH``), UTF-8 with CRLF line ends.

    ``reminder_minutes``: a reminder that long before each timed event (None or 0: none).
    ``refresh_minutes``: a feed, which a client should fetch again after that long."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    writer = _Writer(coaches, kitas, f"{moment:%Y%m%dT%H%M%SZ}", reminder_minutes)
    for event in events:
        writer.vevent(event, event, None)
        if event.series:
            for rid, changes in event.overrides.items():
                writer.vevent(writer.series_override(event, rid, changes), event, rid)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        fold(f"NAME:{escape_text(name)}"),
        fold(f"X-WR-CALNAME:{escape_text(name)}"),
    ]
    if refresh_minutes:
        every = _duration(refresh_minutes)
        head += [f"REFRESH-INTERVAL;VALUE=DURATION:{every}", f"X-PUBLISHED-TTL:{every}"]
    year = moment.year
    for tzid in writer.tzids:
        head.extend(fold(line) for line in vtimezone_lines(tzid, year))
    out = [*head, *writer.lines, "END:VCALENDAR", ""]
    return "\r\n".join(out).encode("utf-8")
