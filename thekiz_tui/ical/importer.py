"""Import iCalendar files (RFC 5545) as written by Google, Outlook/Exchange, Apple,
Thunderbird, khal, calcurse and thekiz itself.

Reading is all or nothing: :func:`parse_calendar` checks the whole file and raises
:class:`IcalError` (a :class:`BadInput`, German message naming the component and the line)
before anything is planned; :func:`apply_import` writes with one ``Store.put_events``
call, which commits atomically.

Why not ``icalendar.Calendar.from_ical`` for the events: icalendar 7 needs about
0.3 ms per event (3 s for 10,000 small events on the development machine, before any
conversion), which misses the 4 s budget for a full import; and its lenient parser
reports problems without line numbers. So the content lines are read here (unfolding,
parameters with quotes, BEGIN/END nesting, line numbers), and icalendar is used where it
knows more: Windows zone names (``WINDOWS_TO_OLSON``) and custom VTIMEZONE definitions.
Google's ``X-WR-TIMEZONE`` is applied with the ``x_wr_timezone`` package's converter.

Rules, in short:

- Encoding: UTF-8 (a BOM is allowed). Other bytes are refused with the line and the byte;
  thekiz does not guess a legacy code page, because a wrong guess silently garbles names.
- Limits: 50 MB and 200,000 components per file.
- Times: ``TZID`` (IANA or Mozilla-style ``/mozilla.org/.../Europe/Berlin``; a Windows
  id, a Windows display name or a custom VTIMEZONE is given its IANA zone by
  :mod:`thekiz_tui.ical.zones`, and each such reading is listed in the summary),
  UTC (``Z``) and floating times. UTC and floating times
  are stored as Europe/Berlin local time, or in the zone of ``X-WR-TIMEZONE`` if the file
  has one. A series whose DTSTART is in UTC (without ``X-WR-TIMEZONE``) keeps ``tz = UTC``
  so that its occurrences follow UTC as RFC 5545 says. Times in a custom VTIMEZONE keep
  the file's instants and are stored in the IANA zone that follows it; if no real zone
  does, a single event is stored in Europe/Berlin and a series is refused (its
  occurrences could not be placed exactly).
- ``RRULE`` with ``UNTIL`` in UTC is stored with ``UNTIL`` as local wall time (the form
  thekiz's recurrence expansion works with); the export turns it back into UTC.
- ``RECURRENCE-ID`` components become ``overrides`` (only the fields that differ from the
  series); a cancelled one stays as a cancelled (abgesagt) occurrence. ``RANGE`` is ignored.
  A ``RECURRENCE-ID`` component without its series in the file is imported as an event
  of its own with the UID ``<UID>/<recurrence id>``.
- Lenient where real clients are, each case counted in :data:`LENIENT` and listed in
  the summary: an empty ``RRULE:`` (ignored), lines after ``END:VCALENDAR`` (ignored),
  DTEND with DURATION (DTEND wins), a date-time in a ``VALUE=DATE`` property (its
  date), a continuation line without its leading space where the line cannot be a
  property, several RRULEs (their union: ``extra_rules``), the same RECURRENCE-ID twice
  (the higher SEQUENCE, then the later LAST-MODIFIED, then DTSTAMP wins), an override
  with its own RRULE but without its series (one occurrence). An escaped
  ``TZID`` in a VTIMEZONE (Outlook) matches its unescaped use as a parameter, and
  parameter values may hold backslash escapes such as an escaped semicolon (iPhone).
- ``RDATE`` (``DATE``, ``DATE-TIME`` in any zone, ``PERIOD``) becomes ``rdates``; a period
  whose length differs from the series' is an override of its end. ``VALARM``,
  ``VTODO``, ``VJOURNAL``, ``VFREEBUSY`` and ``X-`` components are skipped.
- Status: ``CANCELLED`` → abgesagt, ``CONFIRMED`` → bestaetigt, anything else → geplant
  (a thekiz export's ``X-THEKIZ-STATUS`` wins). ``TRANSP:TRANSPARENT`` → free.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from store import DEFAULT_TZ, KINDS, STATUSES, Event, new_id
from store.text import neutral, removed_count
from thekiz_tui.i18n import tr, trn
from thekiz_tui.planning.occurrences import validate_rrule
from thekiz_tui.planning.timeutil import BadInput, stored_span, to_stored, zone

from .export import _occurrence_times
from .zones import Offsets, vtimezone_zone, windows_zone

MAX_BYTES = 50 * 1024 * 1024
MAX_COMPONENTS = 200_000


class IcalError(BadInput):
    """The file cannot be imported. The message is in thekiz's language (``i18n``);
    nothing was written."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# -- content lines ---------------------------------------------------------------------

Prop = tuple[str, dict[str, str], str, int]  # name, parameters, value, line number

_NAME = re.compile(r"[A-Za-z0-9-]+")
# a backslash escape (``\;``, ``\,``, ``\\``, ``\n``) inside a parameter value, as
# iPhone exports write in X-APPLE-STRUCTURED-LOCATION, does not end the value
_PVAL = re.compile(r'(?:\\[;,\\nN]|[^";:,])*')
_PROPERTY_START = re.compile(r"[A-Za-z0-9-]+[;:]")

LENIENT = {
    "empty_rrule": "leere RRULE-Zeile ignoriert",
    "after_end": "Zeile nach END:VCALENDAR ignoriert",
    "dtend_duration": "DTEND und DURATION zugleich – DTEND gilt",
    "date_time": "Uhrzeit in einem Datumswert (VALUE=DATE) – nur das Datum gilt",
    "continuation": "Fortsetzungszeile ohne führendes Leerzeichen an die vorige Zeile angefügt",
    "second_rrule": "mehrere Wiederholungsregeln (RRULE) in einem Termin – alle gelten "
                    "zusammen",
    "until_count": "UNTIL und COUNT zugleich in einer RRULE – die Serie endet, wo das "
                   "erste von beiden sie enden lässt",
    "same_rid": "dieselbe RECURRENCE-ID mehrmals – es gilt die mit der höheren SEQUENCE, "
                "dann der späteren LAST-MODIFIED",
    "orphan_rule": "geänderter Einzeltermin (RECURRENCE-ID) mit eigener RRULE, aber ohne "
                   "seine Serie – als ein Termin gelesen",
}
"""Where the reader is lenient, as German text for the import's summary (translated where
it is shown, ``lenient_lines``)."""

Notes = dict[str, int]


def _note(notes: Notes, key: str) -> None:
    notes[key] = notes.get(key, 0) + 1


ZONE_NOTE = "zone\x1f"
"""Notes keys for a zone read by name mapping: ``ZONE_NOTE + tzid + "\x1f" + IANA name``."""


def _lenient_text(key: str) -> str:
    if key.startswith(ZONE_NOTE):
        tzid, _sep, name = key.removeprefix(ZONE_NOTE).rpartition("\x1f")
        if not name:  # a bounded series in a zone no real zone follows
            return tr("Serie in der Zeitzone „{tzid}“, der keine bekannte Zeitzone folgt, als "
                      "feste Termine (UTC) gelesen", tzid=neutral(tzid[:80]))
        return tr("Zeitzone „{tzid}“ als {name} gelesen", tzid=neutral(tzid[:80]), name=name)
    return tr(LENIENT[key])


def lenient_lines(notes: Notes) -> list[str]:
    """One line per leniency the import used, with how often."""
    return [tr("Nachsichtig gelesen ({count}×): {what}.", count=count, what=_lenient_text(key))
            for key, count in notes.items() if count]


@dataclass(slots=True)
class _Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[_Component] = field(default_factory=list)
    first: int = 0  # index range of its logical lines (for VTIMEZONE)
    last: int = 0

    def get(self, name: str) -> Prop | None:
        for prop in self.props:
            if prop[0] == name:
                return prop
        return None

    def value(self, name: str) -> str | None:
        prop = self.get(name)
        return None if prop is None else prop[2]

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p[0] == name]


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise IcalError(
            tr("Die Datei ist zu groß ({size} MB); thekiz liest höchstens {most} MB. Bitte "
               "den Kalender in kleineren Zeiträumen exportieren.",
               size=f"{len(data) / 1024 / 1024:.0f}", most=MAX_BYTES // 1024 // 1024)
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise IcalError(
            tr("Die Datei ist nicht UTF-8-kodiert (Zeile {line}, Byte 0x{byte}). "
               "iCalendar-Dateien müssen UTF-8 sein; thekiz rät keine andere Kodierung. Bitte "
               "die Datei als UTF-8 speichern oder neu exportieren.",
               line=line, byte=f"{data[error.start]:02X}"),
            line=line,
        ) from None


def _logical_lines(text: str, notes: Notes | None = None) -> list[tuple[int, str]]:
    """Unfolded lines with the number of their first physical line.

    A line that cannot start a property (no name followed by ``:`` or ``;``) is the
    continuation of the previous one whose leading space a client forgot, unless the
    previous one is a BEGIN or END line."""
    physical = text.split("\r") if "\n" not in text and "\r" in text else text.split("\n")
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(physical, 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line:
            continue
        if line[0] in " \t":
            if not out:
                raise IcalError(
                    tr("Zeile {number}: Fortsetzungszeile ohne vorherige Zeile.",
                       number=number), line=number
                )
            prev_number, prev = out[-1]
            out[-1] = (prev_number, prev + line[1:])
        elif (out and _PROPERTY_START.match(line) is None
              and not out[-1][1][:6].upper().startswith(("BEGIN:", "END:"))):
            prev_number, prev = out[-1]
            out[-1] = (prev_number, prev + line)
            if notes is not None:
                _note(notes, "continuation")
        else:
            out.append((number, line))
    return out


def _split(line: str, number: int) -> tuple[str, dict[str, str], str]:
    colon = line.find(":")
    semi = line.find(";")
    if colon > 0 and (semi < 0 or semi > colon):
        name = line[:colon]
        if _NAME.fullmatch(name) is None:
            raise IcalError(tr("Zeile {number}: „{line}“ ist keine iCalendar-Zeile.",
                               number=number, line=line[:60]),
                            line=number)
        return name.upper(), {}, line[colon + 1 :]
    match = _NAME.match(line)
    if match is None:
        raise IcalError(tr("Zeile {number}: „{line}“ ist keine iCalendar-Zeile.",
                           number=number, line=line[:60]), line=number)
    name = match.group().upper()
    pos = match.end()
    params: dict[str, str] = {}
    size = len(line)
    while pos < size and line[pos] == ";":
        match = _NAME.match(line, pos + 1)
        if match is None or match.end() >= size or line[match.end()] != "=":
            raise IcalError(tr("Zeile {number}: ungültiger Parameter in „{line}“.",
                               number=number, line=line[:60]),
                            line=number)
        pname = match.group().upper()
        pos = match.end() + 1
        values = []
        while True:
            if pos < size and line[pos] == '"':
                end = line.find('"', pos + 1)
                if end < 0:
                    raise IcalError(
                        tr("Zeile {number}: nicht geschlossenes Anführungszeichen.",
                           number=number), line=number
                    )
                values.append(line[pos + 1 : end])
                pos = end + 1
            else:
                pmatch = _PVAL.match(line, pos)
                assert pmatch is not None
                values.append(pmatch.group())
                pos = pmatch.end()
            if pos < size and line[pos] == ",":
                pos += 1
                continue
            break
        params[pname] = ",".join(values)
    if pos >= size or line[pos] != ":":
        raise IcalError(tr("Zeile {number}: „{line}“ ist keine iCalendar-Zeile (':' fehlt).",
                           number=number, line=line[:60]),
                        line=number)
    return name, params, line[pos + 1 :]


def _grouped(number: int) -> str:
    """``10.000`` (English ``10,000``), by Babel."""
    from babel.numbers import format_decimal

    from thekiz_tui.i18n import lang

    return format_decimal(number, locale="en_GB" if lang() == "en" else "de_DE")


def _tree(lines: list[tuple[int, str]], notes: Notes | None = None) -> list[_Component]:
    if not lines:
        raise IcalError(tr("Die Datei ist leer – keine iCalendar-Datei."))
    first_number, first = lines[0]
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise IcalError(
            tr("Keine iCalendar-Datei: Zeile {first_number} ist „{first}“, erwartet wird "
               "„BEGIN:VCALENDAR“.",
               first_number=first_number, first=first[:40]),
            line=first_number,
        )
    stack: list[_Component] = []
    calendars: list[_Component] = []
    count = 0
    for index, (number, line) in enumerate(lines):
        if not stack and calendars and line.strip().upper() != "BEGIN:VCALENDAR":
            if notes is not None:
                _note(notes, "after_end")
            continue
        name, params, value = _split(line, number)
        if name == "BEGIN":
            count += 1
            if count > MAX_COMPONENTS:
                raise IcalError(
                    tr("Die Datei hat mehr als {most} Komponenten; so viele liest "
                       "thekiz nicht auf einmal. Bitte in kleineren Zeiträumen exportieren.",
                       most=_grouped(MAX_COMPONENTS)),
                    line=number,
                )
            comp = _Component(value.strip().upper(), number, first=index)
            if not stack and comp.name != "VCALENDAR":
                raise IcalError(
                    tr("Zeile {number}: BEGIN:{name} außerhalb von VCALENDAR.",
                       number=number, name=comp.name), line=number
                )
            if stack:
                stack[-1].children.append(comp)
            stack.append(comp)
        elif name == "END":
            ending = value.strip().upper()
            if not stack or stack[-1].name != ending:
                expected = f"END:{stack[-1].name}" if stack else "BEGIN:VCALENDAR"
                raise IcalError(
                    tr("Zeile {number}: END:{ending} passt nicht, erwartet {expected}.",
                       number=number, ending=ending, expected=expected),
                    line=number,
                )
            done = stack.pop()
            done.last = index
            if not stack:
                calendars.append(done)
        else:
            if not stack:
                raise IcalError(
                    tr("Zeile {number}: „{name}“ steht außerhalb von BEGIN:VCALENDAR … "
                       "END:VCALENDAR.",
                       number=number, name=name),
                    line=number,
                )
            stack[-1].props.append((name, params, value, number))
    if stack:
        inner = stack[-1]
        raise IcalError(
            tr("Die Datei ist unvollständig (abgeschnitten?): END:VCALENDAR fehlt; zuletzt "
               "offen ist {name} ab Zeile {line}.",
               name=inner.name, line=inner.line),
            line=lines[-1][0],
        )
    return calendars


# -- values ----------------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}


def _text(value: str) -> str:
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), value)


def _text_list(value: str) -> list[str]:
    return [_text(part) for part in re.split(r"(?<!\\),", value) if part]


_DT = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_D = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DURATION = re.compile(
    r"([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)"
)


def _wall(match: re.Match[str]) -> datetime:
    """The naive datetime of a ``_DT`` match; ValueError for an impossible one."""
    return datetime(
        int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]), int(match[6])
    )


class _Context:
    """Per file: zones by TZID, the X-WR-TIMEZONE converter, the error prefix."""

    def __init__(self, calendar: _Component, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        # Outlook writes ``TZID:Kuala Lumpur\, Singapore`` and refers to it unescaped
        self.vtimezones = {
            _text(c.value("TZID") or "").strip(): c
            for c in calendar.children if c.name == "VTIMEZONE"
        }
        self.zones: dict[tuple[str, int], tuple[tzinfo, str]] = {}
        self.notes: Notes = {}  # zones read by mapping (ZONE_NOTE keys)
        self.parsed: dict[int, tuple[tzinfo, Offsets]] = {}  # VTIMEZONEs by line
        self.walker: Any = None
        self.wr_name: str | None = None
        wr = calendar.value("X-WR-TIMEZONE")
        if wr:
            try:
                resolved = self.resolve(_text(wr).strip(), None)
            except IcalError:
                resolved = None
            if resolved is not None and resolved[1] != "":
                import x_wr_timezone

                self.walker = x_wr_timezone.UTCChangingWalker(resolved[0])
                self.wr_name = resolved[1]

    def resolve(
        self, tzid: str, where: str | None, year: int | None = None
    ) -> tuple[tzinfo, str]:
        """The zone of a TZID and the IANA name to store ("" for a custom zone that no
        real zone follows). ``year``: when the value is, for matching a VTIMEZONE."""
        year = year or datetime.now(UTC).year
        cached = self.zones.get((tzid, year))
        if cached is not None:
            return cached
        found = _iana(tzid)
        if found is not None:
            result = (zone(found), found)
        else:
            mapped = windows_zone(_text(tzid).strip())
            comp = self.vtimezones.get(_text(tzid).strip())
            try:
                custom = None if comp is None else self._custom(comp, tzid, where)
            except IcalError:
                if mapped is None:
                    raise
                custom = None  # a broken VTIMEZONE of a Windows zone: its name holds
            name = "" if custom is None else vtimezone_zone(custom[1], year, prefer=mapped) or ""
            if custom is not None and (name or mapped is None):
                # the IANA zone that follows the file's VTIMEZONE from this value's year
                # on gives the same instants (and is 40 times faster than dateutil's
                # reading of the VTIMEZONE), and gives a series its days: in Berlin
                # time an Outlook Sydney series landed a day late
                result = (zone(name), name) if name else (custom[0], "")
            elif mapped is not None:
                # no VTIMEZONE, or one with today's rules for a year that had others
                # (Outlook writes only the current rules): the zone the name stands for
                name = mapped
                result = (zone(mapped), mapped)
            else:
                raise IcalError(
                    tr("{where}: unbekannte Zeitzone „{tzid}“ ohne VTIMEZONE-Definition.",
                       where=where or tr("Datei"), tzid=neutral(tzid[:80]))
                )
            if name and name != tzid:
                key = f"{ZONE_NOTE}{tzid}\x1f{name}"
                self.notes[key] = 1
        self.zones[(tzid, year)] = result
        return result

    def _custom(
        self, comp: _Component, tzid: str, where: str | None
    ) -> tuple[tzinfo, Offsets]:
        """The VTIMEZONE as a tzinfo, and its offsets over the years."""
        from icalendar import Timezone

        if comp.line in self.parsed:
            return self.parsed[comp.line]

        text = "\r\n".join(line for _n, line in self.lines[comp.first : comp.last + 1])
        try:
            parsed = Timezone.from_ical(text)
            if parsed.errors:
                raise ValueError(parsed.errors[0][1])
            # icalendar caches VTIMEZONEs by TZID for the whole process: without
            # lookup_tzid=False a second file's "Customized Time Zone" got the first one's
            tz: tzinfo = parsed.to_tz(lookup_tzid=False)  # type: ignore[attr-defined]
            offsets = Offsets(parsed)
        except Exception as error:  # icalendar raises many kinds here
            raise IcalError(
                tr("VTIMEZONE „{tzid}“ (Zeile {line}) ist ungültig: {error}",
                   tzid=neutral(tzid[:80]), line=comp.line, error=error),
                line=comp.line,
            ) from None
        self.parsed[comp.line] = (tz, offsets)
        return tz, offsets

    def unmatched(self, tzid: str) -> str:
        """Why a series in a custom zone that no real zone follows is refused."""
        return (
            tr("die Zeitzone „{tzid}“ der Datei folgt keiner bekannten Zeitzone, daher lassen "
               "sich die Termine dieser Serie nicht genau wiederholen – bitte im "
               "Kalenderprogramm eine übliche Zeitzone (z. B. Europe/Berlin) wählen.",
               tzid=neutral(tzid[:80]))
        )


def _iana(tzid: str) -> str | None:
    """An IANA name, also inside a Mozilla-style path, or None."""
    candidates = [tzid]
    if "/" in tzid:
        parts = [p for p in tzid.split("/") if p]
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    for name in candidates:
        if not name or name.startswith((".", "/")) or ".." in name:
            continue
        try:
            zone(name)
        except BadInput:
            continue
        return name
    return None


@dataclass(slots=True)
class _When:
    """A parsed DATE or DATE-TIME: ``day`` for a date, ``moment`` (aware) otherwise;
    ``zone_name`` is where it came from: an IANA name, "UTC", "" (floating or custom)."""

    day: date | None
    moment: datetime | None
    zone_name: str


# -- events ----------------------------------------------------------------------------

SINGLE = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")


class _Reader:
    def __init__(self, ctx: _Context, kind: str, coach: str | None, source: str) -> None:
        self.ctx = ctx
        self.kind = kind
        self.coach = coach
        self.source = source
        self.removed_chars = 0  # characters that would control a terminal, removed
        self.removed_entries = 0  # entries that had such characters
        self.notes: Notes = ctx.notes  # leniencies used (LENIENT and ZONE_NOTE keys)

    # errors

    @staticmethod
    def label(comp: _Component) -> str:
        summary = comp.value("SUMMARY")
        uid = comp.value("UID")
        title = (tr("„{title}“", title=neutral(_text(summary)[:60])) if summary
                 else tr("ohne Titel"))
        uid_text = "UID " + neutral(_text(uid)[:80]) if uid else tr("ohne UID")
        return f"{comp.name} {title} ({uid_text})"

    def fail(self, comp: _Component, message: str, line: int | None = None) -> IcalError:
        where = line if line is not None else comp.line
        return IcalError(tr("{label}, Zeile {where}: {message}",
                            label=self.label(comp), where=where, message=message), line=where)

    # values

    def when(self, comp: _Component, prop: Prop) -> _When:
        name, params, value, line = prop
        value = value.strip()
        if params.get("VALUE", "").upper() == "DATE" or _D.fullmatch(value):
            if _DT.fullmatch(value):
                value = value[:8]
                _note(self.notes, "date_time")
            match = _D.fullmatch(value)
            if match is None:
                raise self.fail(comp, tr("{name} „{value}“ ist kein Datum (JJJJMMTT).",
                                         name=name, value=value), line)
            try:
                return _When(date(int(match[1]), int(match[2]), int(match[3])), None, "")
            except ValueError:
                raise self.fail(comp, tr("{name} „{value}“ ist kein gültiges Datum.",
                                         name=name, value=value), line) from None
        return self.moment(comp, name, params, value, line)

    def moment(
        self, comp: _Component, name: str, params: dict[str, str], value: str, line: int
    ) -> _When:
        match = _DT.fullmatch(value)
        if match is None:
            raise self.fail(
                comp, tr("{name} „{value}“ ist keine Zeitangabe (JJJJMMTTThhmmss).",
                         name=name, value=value[:40]), line
            )
        try:
            wall = _wall(match)
        except ValueError:
            raise self.fail(comp, tr("{name} „{value}“ ist kein gültiger Zeitpunkt.",
                                     name=name, value=value), line) from None
        if match[7]:
            moment = wall.replace(tzinfo=UTC)
            if self.ctx.walker is not None:
                assert self.ctx.wr_name is not None
                return _When(None, self.ctx.walker.walk_value_datetime(moment), self.ctx.wr_name)
            return _When(None, moment, "UTC")
        tzid = params.get("TZID")
        if tzid:
            tz, iana = self.ctx.resolve(
                tzid.strip(), tr("{label}, Zeile {line}", label=self.label(comp), line=line),
                wall.year,
            )
            return _When(None, wall.replace(tzinfo=tz), iana)
        if self.ctx.walker is not None:
            assert self.ctx.wr_name is not None
            return _When(None, self.ctx.walker.walk_value_datetime(wall), self.ctx.wr_name)
        return _When(None, wall.replace(tzinfo=zone(DEFAULT_TZ)), "")

    def duration(self, comp: _Component, prop: Prop) -> timedelta:
        match = _DURATION.fullmatch(prop[2].strip())
        if match is None or prop[2].strip() in ("P", "PT", "+P", "-P") or prop[2].endswith("T"):
            raise self.fail(comp, tr("DURATION „{value}“ ist keine Dauer.", value=prop[2][:40]),
                            prop[3])
        weeks, days, hours, minutes, seconds = (int(match[i] or 0) for i in range(2, 7))
        delta = timedelta(
            weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        return -delta if match[1] == "-" else delta

    # one VEVENT

    def event(self, comp: _Component) -> tuple[Event, bool, _When | None]:
        """The event, whether it is a thekiz export, and its RECURRENCE-ID."""
        for name in SINGLE:
            found = comp.all(name)
            if len(found) > 1:
                raise self.fail(comp, tr("{name} kommt mehrfach vor.", name=name), found[1][3])
        start_prop = comp.get("DTSTART")
        if start_prop is None:
            raise self.fail(comp, "DTSTART (Beginn) fehlt.")
        start = self.when(comp, start_prop)
        thekiz = comp.get("X-THEKIZ-KIND") is not None
        xtz = comp.value("X-THEKIZ-TZ") if thekiz else None
        rrules = []
        for prop in comp.all("RRULE"):
            if prop[2].strip().removeprefix("RRULE:").strip(";").strip():
                rrules.append(prop)
            else:
                _note(self.notes, "empty_rrule")
        if len(rrules) > 1 and not thekiz:  # (thekiz writes a series' further rules so)
            _note(self.notes, "second_rrule")
        rrule_prop = rrules[0] if rrules else None
        recurring = rrule_prop is not None or comp.get("RDATE") is not None
        all_day = start.day is not None

        # the zone to keep
        if thekiz and xtz and _iana(_text(xtz)) == _text(xtz):
            tz = _text(xtz)
        elif start.zone_name == "UTC":
            tz = "UTC" if recurring else DEFAULT_TZ
        else:
            tz = start.zone_name or DEFAULT_TZ

        # A series in a custom zone that no real zone follows cannot be repeated in a
        # stored zone: a bounded one is kept as its exact instants (fixed dates in UTC),
        # an endless one is refused.
        start_tzid = start_prop[1].get("TZID")
        fixed = bool(start_tzid and start.moment and not start.zone_name and recurring)
        if fixed:
            assert start_tzid is not None
            if not all(_bounded(prop[2]) for prop in rrules):
                raise self.fail(comp, self.ctx.unmatched(start_tzid.strip()), start_prop[3])
            tz = "UTC"
            _note(self.notes, f"{ZONE_NOTE}{start_tzid.strip()}\x1f")
        end_prop = comp.get("DTEND")
        dur_prop = comp.get("DURATION")
        if end_prop is not None and dur_prop is not None:
            dur_prop = None
            _note(self.notes, "dtend_duration")
        if all_day:
            assert start.day is not None
            first = start.day
            if end_prop is not None:
                end = self.when(comp, end_prop)
                if end.day is None:
                    raise self.fail(
                        comp, tr("DTSTART ist ein Datum, DTEND aber eine Uhrzeit."), end_prop[3]
                    )
                last = end.day
            elif dur_prop is not None:
                last = first + timedelta(days=self.duration(comp, dur_prop).days)
            else:
                last = first + timedelta(days=1)
            if last < first:
                line = (end_prop or dur_prop or start_prop)[3]
                raise self.fail(comp, tr("Das Ende liegt vor dem Beginn."), line)
            if last == first:
                last = first + timedelta(days=1)
            start_text, end_text = first.isoformat(), last.isoformat()
        else:
            assert start.moment is not None
            begin = start.moment
            if end_prop is not None:
                end = self.when(comp, end_prop)
                if end.moment is None:
                    raise self.fail(
                        comp, tr("DTSTART ist eine Uhrzeit, DTEND aber ein Datum."), end_prop[3]
                    )
                finish = end.moment
            elif dur_prop is not None:
                finish = datetime.fromtimestamp(
                    begin.timestamp() + self.duration(comp, dur_prop).total_seconds(), UTC
                )
            else:
                finish = begin
            if finish.timestamp() < begin.timestamp():
                line = (end_prop or dur_prop or start_prop)[3]
                raise self.fail(comp, tr("Das Ende liegt vor dem Beginn."), line)
            local = zone(tz)
            start_text = to_stored(begin.astimezone(local))
            end_text = to_stored(finish.astimezone(local))

        rrule = None
        extra_rules: list[str] = []
        instants: list[str] = []
        if fixed:
            assert start.moment is not None
            instants = self.fixed_dates(comp, rrules, start.moment, start_text)
        elif rrule_prop is not None:
            rrule = self.rrule(comp, rrule_prop, tz, all_day, start_text)
            for prop in rrules[1:]:
                more = self.rrule(comp, prop, tz, all_day, start_text)
                if more != rrule and more not in extra_rules:
                    extra_rules.append(more)
        rdates, periods = self.rdates(comp, tz, all_day, start_text, end_text)
        for text in instants:
            if text != start_text and text not in rdates:
                rdates.append(text)
        exdates: list[str] = []
        for prop in comp.all("EXDATE"):
            for part in prop[2].split(","):
                if not part.strip():
                    continue
                value = self.when(comp, (prop[0], prop[1], part, prop[3]))
                text = self.stored(value, tz, all_day)
                if text not in exdates:
                    exdates.append(text)
        rid_prop = comp.get("RECURRENCE-ID")
        rid = self.when(comp, rid_prop) if rid_prop is not None else None

        uid_value = comp.value("UID")
        if uid_value and _text(uid_value).strip():
            uid = _text(uid_value).strip()
        else:
            basis = "|".join([start_prop[2], comp.value("SUMMARY") or "", rrule or ""])
            uid = hashlib.sha1(basis.encode()).hexdigest()[:20] + "@import.thekiz"

        sequence = 0
        seq_prop = comp.get("SEQUENCE")
        if seq_prop is not None:
            try:
                sequence = max(0, int(seq_prop[2].strip()))
            except ValueError:
                raise self.fail(comp, tr("SEQUENCE „{value}“ ist keine Zahl.",
                                         value=seq_prop[2][:20]),
                                seq_prop[3]) from None

        status = {"CANCELLED": "abgesagt", "CONFIRMED": "bestaetigt"}.get(
            (comp.value("STATUS") or "").strip().upper(), "geplant"
        )
        free = (comp.value("TRANSP") or "").strip().upper() == "TRANSPARENT" or (
            (comp.value("X-MICROSOFT-CDO-BUSYSTATUS") or "").strip().upper() == "FREE"
        )
        title = _text(comp.value("SUMMARY") or "")
        kind = self.kind
        subtype = None
        kita = None
        participants: list[str] = []
        coaches = [self.coach] if self.coach else []
        notes = _text(comp.value("DESCRIPTION") or "")
        location = _text(comp.value("LOCATION") or "")
        event_id = None
        if thekiz:
            raw_kind = _text(comp.value("X-THEKIZ-KIND") or "").strip()
            kind = raw_kind if raw_kind in KINDS else self.kind
            subtype = _text(comp.value("X-THEKIZ-SUBTYPE") or "").strip() or None
            kita = _text(comp.value("X-THEKIZ-KITA") or "").strip() or None
            participants = _text_list(comp.value("X-THEKIZ-PARTICIPANTS") or "")
            coaches = _text_list(comp.value("X-THEKIZ-COACHES") or "")
            notes = _text(comp.value("X-THEKIZ-NOTES") or "")
            xstatus = _text(comp.value("X-THEKIZ-STATUS") or "").strip()
            if xstatus in STATUSES:
                status = xstatus
            # SUMMARY and LOCATION were written for a phone (the Kita in the name, its
            # address as the place); the stored ones are these
            if comp.get("X-THEKIZ-TITLE") is not None:
                title = _text(comp.value("X-THEKIZ-TITLE") or "")
            if comp.get("X-THEKIZ-LOCATION") is not None:
                location = _text(comp.value("X-THEKIZ-LOCATION") or "")
            if comp.get("X-THEKIZ-NOTITLE") is not None:
                title = ""
            raw_id = _text(comp.value("X-THEKIZ-ID") or "").strip()
            if re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", raw_id):
                event_id = raw_id
        texts = self.neutral_texts({
            "title": title, "subtype": subtype, "coaches": coaches, "kita": kita,
            "participants": participants, "location": location,
            "notes": notes, "uid": uid,
        })
        event = Event(
            id=event_id or new_id("e"),
            kind=kind,
            start=start_text,
            end=end_text,
            all_day=all_day,
            tz=tz,
            status=status,
            free=free,
            rrule=rrule,
            exdates=exdates,
            rdates=rdates,
            extra_rules=extra_rules,
            overrides=periods,
            sequence=sequence,
            created=_stamp(comp.value("CREATED")),
            updated=_stamp(comp.value("LAST-MODIFIED")),
            source=self.source,
            **texts,
        )
        return event, thekiz, rid

    def neutral_texts(self, texts: dict[str, Any]) -> dict[str, Any]:
        """The entry's texts without characters that would control a terminal: a file is
        not typed, so they are removed (as U+FFFD, ``store.text.neutral``) and counted for
        the import's summary instead of refusing the file."""
        removed = 0
        for name, value in texts.items():
            lines = name == "notes"
            if isinstance(value, list):
                removed += removed_count(value)
                texts[name] = [neutral(v) for v in value]
            elif isinstance(value, str) and not value.isprintable():
                removed += removed_count((value,), lines=lines)
                texts[name] = neutral(value, lines=lines)
        if removed:
            self.removed_chars += removed
            self.removed_entries += 1
        return texts

    def stored(self, value: _When, tz: str, all_day: bool) -> str:
        if all_day:
            if value.day is not None:
                return value.day.isoformat()
            assert value.moment is not None
            return value.moment.astimezone(zone(tz)).date().isoformat()
        if value.moment is None:
            assert value.day is not None
            return value.day.isoformat()
        return to_stored(value.moment.astimezone(zone(tz)))

    def rdates(self, comp: _Component, tz: str, all_day: bool, start: str,
               end: str) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """The extra dates (RDATE) as stored, and the end of each period (``VALUE=PERIOD``)
        whose length differs from the series', as overrides."""
        rdates: list[str] = []
        periods: dict[str, dict[str, Any]] = {}
        length = stored_span(start, end, all_day, tz)
        length_s = length[1] - length[0]
        for prop in comp.all("RDATE"):
            name, params, value, line = prop
            period = params.get("VALUE", "").upper() == "PERIOD"
            for part in value.split(","):
                part = part.strip()
                if not part:
                    continue
                if not period and "/" not in part:
                    when = self.when(comp, (name, params, part, line))
                    text = self.stored(when, tz, all_day)
                    if when.day is not None and not all_day:
                        text = when.day.isoformat()  # that day, at the series' time
                    if text not in rdates:
                        rdates.append(text)
                    continue
                first, _, last = part.partition("/")
                begin = self.moment(comp, name, params, first.strip(), line)
                assert begin.moment is not None
                if last.strip()[:1] in ("P", "+", "-"):
                    delta = self.duration(comp, (name, params, last.strip(), line))
                    finish = begin.moment + delta
                else:
                    ending = self.moment(comp, name, params, last.strip(), line)
                    assert ending.moment is not None
                    finish = ending.moment
                if finish.timestamp() < begin.moment.timestamp():
                    raise self.fail(comp, tr("RDATE „{part}“ endet vor seinem Beginn.",
                                             part=part[:40]), line)
                text = self.stored(begin, tz, all_day)
                if text not in rdates:
                    rdates.append(text)
                if all_day:
                    days = max(1, (finish.date() - begin.moment.date()).days)
                    own_end = (date.fromisoformat(text) + timedelta(days=days)).isoformat()
                else:
                    own_end = to_stored(finish.astimezone(zone(tz)))
                own = stored_span(text, own_end, all_day, tz)
                if own[1] - own[0] != length_s:
                    periods[text] = {"end": own_end}
        return rdates, periods

    def fixed_dates(self, comp: _Component, rules: list[Prop], begin: datetime,
                    start: str) -> list[str]:
        """The instants (stored in UTC) of bounded rules run in the file's own zone,
        ``begin``'s, as that zone's wall clock says."""
        from dateutil.rrule import rrulestr

        local = begin.tzinfo
        assert local is not None
        wall = begin.replace(tzinfo=None)
        out: list[str] = []
        for prop in rules:
            text = self.rrule(comp, prop, "UTC", False, start, local=local)
            for moment in rrulestr(text, dtstart=wall):  # bounded: COUNT ≤ 3660 or UNTIL
                instant = to_stored(moment.replace(tzinfo=local).astimezone(UTC))
                if instant not in out:
                    out.append(instant)
        return out

    def rrule(self, comp: _Component, prop: Prop, tz: str, all_day: bool, start: str,
              local: tzinfo | None = None) -> str:
        """The rule as stored, its UNTIL in the wall time of ``tz`` (or of ``local``, a
        file's own zone)."""
        local = local or zone(tz)
        rule = prop[2].strip().removeprefix("RRULE:")
        parts = []
        for part in rule.split(";"):
            if not part:
                continue
            key, _, value = part.partition("=")
            if key.upper() == "UNTIL":
                value = value.strip()
                match = _DT.fullmatch(value)
                if match is not None:
                    try:
                        wall = _wall(match)
                    except ValueError:
                        raise self.fail(
                            comp, tr("UNTIL „{value}“ in RRULE ist kein gültiger Zeitpunkt.",
                                     value=value),
                            prop[3],
                        ) from None
                    if match[7]:
                        wall = wall.replace(tzinfo=UTC).astimezone(local).replace(tzinfo=None)
                    value = f"{wall:%Y%m%d}" if all_day else f"{wall:%Y%m%dT%H%M%S}"
                elif _D.fullmatch(value) is None:
                    raise self.fail(comp, tr("UNTIL „{value}“ in RRULE ist kein Datum.",
                                             value=value[:30]),
                                    prop[3])
                part = f"UNTIL={value}"
            parts.append(part)
        text = ";".join(parts)
        names = {part.partition("=")[0].strip().upper() for part in parts}
        if {"UNTIL", "COUNT"} <= names:
            _note(self.notes, "until_count")
        if all_day:
            dtstart = datetime.combine(date.fromisoformat(start[:10]), datetime.min.time())
        else:
            dtstart = datetime.fromisoformat(start).astimezone(local).replace(tzinfo=None)
        try:
            validate_rrule(text, dtstart, strict=False)
        except BadInput as error:
            raise self.fail(comp, str(error), prop[3]) from None
        except Exception:  # dateutil raises several kinds on odd rules (English reasons)
            raise self.fail(comp, tr("Ungültige Wiederholungsregel „{text}“: thekiz kann die "
                                     "Regel nicht lesen.",
                                     text=neutral(text)), prop[3]) from None
        return text


def _bounded(rule: str) -> bool:
    """Whether a rule ends (COUNT or UNTIL)."""
    names = {part.partition("=")[0].strip().upper()
             for part in rule.strip().removeprefix("RRULE:").split(";")}
    return bool(names & {"COUNT", "UNTIL"})


def _stamp(value: str | None) -> str:
    """CREATED / LAST-MODIFIED as ``2025-01-02T03:04:05Z``; unreadable ones are dropped
    (they only inform, nothing is planned with them)."""
    if not value:
        return ""
    match = _DT.fullmatch(value.strip())
    if match is None:
        return ""
    try:
        moment = _wall(match)
    except ValueError:
        return ""
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def _override(master: Event, rid: str, occurrence: Event, thekiz: bool) -> dict[str, Any]:
    """The fields in which ``occurrence`` differs from the series at ``rid``."""
    changes: dict[str, Any] = {}
    names = ["title", "location", "notes", "status", "free"]
    if thekiz:
        names += ["kind", "subtype", "kita", "participants", "coaches"]
    for name in names:
        value = getattr(occurrence, name)
        if value != getattr(master, name):
            changes[name] = value
    orig_start, orig_end = _occurrence_times(master, rid)
    new_span = stored_span(occurrence.start, occurrence.end, master.all_day, master.tz)
    old_span = stored_span(orig_start, orig_end, master.all_day, master.tz)
    if new_span[0] != old_span[0]:
        changes["start"] = occurrence.start
    if new_span[1] != old_span[1] or "start" in changes:
        changes["end"] = occurrence.end
    return changes


def _version(occurrence: Event, comp: _Component) -> tuple[int, str, str]:
    """Which of two versions of one occurrence is newer: SEQUENCE, then LAST-MODIFIED,
    then DTSTAMP."""
    return occurrence.sequence, occurrence.updated, _stamp(comp.value("DTSTAMP"))


class ParsedEvents(list[Event]):
    """The events of a file, plus the UIDs that came from a thekiz export."""

    thekiz_uids: set[str]

    def __init__(self, events: Iterable[Event] = (), thekiz_uids: set[str] | None = None,
                 removed: tuple[int, int] = (0, 0), lenient: Notes | None = None):
        super().__init__(events)
        self.lenient: Notes = dict(lenient or {})  # leniencies used (LENIENT keys)
        self.thekiz_uids = set(thekiz_uids or ())
        self.removed = removed  # (characters, entries) removed by neutralising


def parse_calendar(
    data: bytes, *, kind: str = "sonstiges", coach: str | None = None, source: str = ""
) -> list[Event]:
    """Read an iCalendar file. Raises :class:`IcalError` unless the whole file is valid.

    Events take ``kind`` (and ``coach`` as their only coach) unless they come from a
    thekiz export, whose ``X-THEKIZ-*`` properties then win.
    """
    if kind not in KINDS:
        raise IcalError(tr("Unbekannte Art „{kind}“ (erlaubt: {kinds}).",
                           kind=kind, kinds=", ".join(KINDS)))
    if not isinstance(data, bytes | bytearray | memoryview):
        raise IcalError(tr("Die Datei muss als Bytes gelesen werden."))
    notes: Notes = {}
    lines = _logical_lines(_decode(bytes(data)), notes)
    calendars = _tree(lines, notes)
    readers: list[_Reader] = []
    masters: dict[str, tuple[Event, bool, int]] = {}
    instances: list[tuple[Event, bool, _When, _Component, _Reader]] = []
    order: list[str] = []
    for calendar in calendars:
        ctx = _Context(calendar, lines)
        reader = _Reader(ctx, kind, coach, source)
        readers.append(reader)
        for comp in calendar.children:
            if comp.name != "VEVENT":
                continue
            event, thekiz, rid = reader.event(comp)
            if rid is not None:
                instances.append((event, thekiz, rid, comp, reader))
                continue
            if event.uid in masters:
                raise reader.fail(
                    comp,
                    tr("die UID kommt mehrfach vor (zuerst in Zeile {line}).",
                       line=masters[event.uid][2]),
                )
            masters[event.uid] = (event, thekiz, comp.line)
            order.append(event.uid)
    extra: list[Event] = []
    chosen: dict[tuple[str, str], tuple[Event, bool, _Component, _Reader]] = {}
    for occurrence, thekiz, rid_when, comp, reader in instances:
        found = masters.get(occurrence.uid)
        if found is None or not found[0].series:
            rid_text = reader.stored(rid_when, occurrence.tz, occurrence.all_day)
        else:
            rid_text = reader.stored(rid_when, found[0].tz, found[0].all_day)
        before = chosen.get((occurrence.uid, rid_text))
        if before is not None:
            # Clients resend a changed occurrence; the newest version counts.
            _note(reader.notes, "same_rid")
            if _version(before[0], before[2]) > _version(occurrence, comp):
                continue
        chosen[(occurrence.uid, rid_text)] = (occurrence, thekiz, comp, reader)
    for (uid, rid_text), (occurrence, thekiz, comp, reader) in chosen.items():
        found = masters.get(uid)
        if found is None or not found[0].series:
            if occurrence.series:
                # Without its series the rule has no meaning: the occurrence it names.
                _note(reader.notes, "orphan_rule")
                occurrence = replace(occurrence, rrule=None, extra_rules=[], rdates=[],
                                     exdates=[], overrides={})
            own = replace(occurrence, uid=f"{occurrence.uid}/{rid_text}")
            if thekiz:
                own.id = new_id("e")
            extra.append(own)
            continue
        master = found[0]
        if occurrence.all_day != master.all_day:
            raise reader.fail(comp, tr("ganztägig und mit Uhrzeit passen nicht zur Serie."))
        # A cancelled occurrence stays, as abgesagt (a cancelled single event does too).
        master.overrides[rid_text] = _override(master, rid_text, occurrence, thekiz)
    out = ParsedEvents(
        [masters[uid][0] for uid in order] + extra,
        {uid for uid, (_e, thekiz, _l) in masters.items() if thekiz},
        (sum(r.removed_chars for r in readers), sum(r.removed_entries for r in readers)),
    )
    for reader in readers:
        for key, count in reader.notes.items():
            notes[key] = notes.get(key, 0) + count
    out.lenient = {key: notes[key] for key in LENIENT if notes.get(key)}
    out.lenient.update({k: n for k, n in notes.items() if n and k.startswith(ZONE_NOTE)})
    return out


# -- planning and applying -------------------------------------------------------------

ICAL_FIELDS = (
    "title", "all_day", "tz", "location", "notes", "status", "free", "rrule", "exdates",
    "overrides",
)
THEKIZ_FIELDS = ("kind", "subtype", "kita", "participants", "coaches")


@dataclass(slots=True)
class ImportPlan:
    """What an import would do. ``changed`` holds the updated versions of existing events
    (their ids); ``unchanged`` the existing events the file left as they are."""

    new: list[Event] = field(default_factory=list)
    changed: list[Event] = field(default_factory=list)
    unchanged: list[Event] = field(default_factory=list)
    refused: list[Event] = field(default_factory=list)
    """The file's entries left out: they belong to an event the importing person may
    not change (as the file has them; nothing of the stored event)."""
    removed: tuple[int, int] = (0, 0)
    """Characters that would control a terminal, removed from the file's texts, and in
    how many entries (``ParsedEvents.removed``)."""
    lenient: Notes = field(default_factory=dict)
    """Where the file was read leniently (``ParsedEvents.lenient``)."""

    @property
    def writes(self) -> list[Event]:
        return [*self.new, *self.changed]

    def summary(self) -> str:
        line = (
            tr("{new} neu, {changed} geändert, {unchanged} unverändert",
               new=len(self.new), changed=len(self.changed), unchanged=len(self.unchanged))
        )
        return "\n".join([line, *self.notes()])

    def notes(self) -> list[str]:
        """The lines about what the import removed or read leniently."""
        removed = self.removed_line()
        return ([removed] if removed else []) + lenient_lines(self.lenient)

    def removed_line(self) -> str:
        """The line that says what the import removed from the file's texts, or
        "" when it removed nothing."""
        chars, entries = self.removed
        if not chars:
            return ""
        return trn("Entfernt: {chars} Steuerzeichen in {n} Eintrag der Datei (sie würden "
                   "Terminals steuern).", "Entfernt: {chars} Steuerzeichen in {n} Einträgen der "
                   "Datei (sie würden Terminals steuern).", entries, chars=chars)


def _same(a: Event, b: Event, names: Iterable[str]) -> bool:
    if stored_span(a.start, a.end, a.all_day, a.tz) != stored_span(
        b.start, b.end, b.all_day, b.tz
    ):
        return False
    return all(getattr(a, n) == getattr(b, n) for n in names)


def plan_import(
    parsed: list[Event],
    existing: list[Event],
    *,
    hidden_uids: Collection[str] = (),
    hidden_ids: Collection[str] = (),
    may_change: Callable[[Event], bool] | None = None,
) -> ImportPlan:
    """Match the file's events with the store's by UID: new, changed or unchanged.

    Importing the same file twice never duplicates. For events from foreign files the
    thekiz-only fields of an existing event (kind, subtype, Kita, participants, coaches)
    stay as they are (the importing coach is added), and a local ``durchgefuehrt`` is not
    turned back into ``bestaetigt``. Events from a thekiz export replace all fields.

    For a person with limited rights (``--as``), ``existing`` holds the events she sees;
    ``hidden_uids`` and ``hidden_ids`` are those of the stored events she does not see,
    and ``may_change`` tells whether she may change one she sees. An entry with a hidden
    UID, or one that would change an event she may not change, is ``refused`` (never a
    second event with that UID); a new entry never takes a hidden id.
    """
    thekiz_uids: set[str] | None = getattr(parsed, "thekiz_uids", None)
    by_uid = {e.uid or f"{e.id}@thekiz": e for e in existing}
    used_ids = {e.id for e in existing} | set(hidden_ids)
    plan = ImportPlan(removed=getattr(parsed, "removed", (0, 0)),
                      lenient=dict(getattr(parsed, "lenient", {})))
    for event in parsed:
        if event.uid in hidden_uids:
            plan.refused.append(event)
            continue
        old = by_uid.get(event.uid)
        if old is None:
            if event.id in used_ids:
                event = replace(event, id=new_id("e"))
            used_ids.add(event.id)
            plan.new.append(event)
            continue
        full = thekiz_uids is None or event.uid in thekiz_uids
        values: dict[str, Any] = {n: getattr(event, n) for n in ICAL_FIELDS}
        values["start"], values["end"] = event.start, event.end
        if full:
            values.update({n: getattr(event, n) for n in THEKIZ_FIELDS})
        else:
            values["coaches"] = old.coaches + [c for c in event.coaches if c not in old.coaches]
            if old.status == "durchgefuehrt" and event.status == "bestaetigt":
                values["status"] = old.status
        merged = replace(old, **values)
        if _same(merged, old, (*ICAL_FIELDS, *THEKIZ_FIELDS)):
            plan.unchanged.append(old)
            continue
        if may_change is not None and not may_change(old):
            plan.refused.append(event)
            continue
        merged.sequence = max(old.sequence, event.sequence)
        merged.source = event.source or old.source
        plan.changed.append(merged)
    return plan


def plan_for(store: Any, parsed: list[Event]) -> ImportPlan:
    """:func:`plan_import` against the store, as the person of the store may import:
    against the events she sees, leaving out what belongs to events she may not change
    (see :mod:`thekiz_tui.planning.permissions`)."""
    from thekiz_tui.planning.permissions import actor, may_change, unseen_keys

    existing = store.events()
    if actor(store).everything:
        return plan_import(parsed, existing)
    hidden_uids, hidden_ids = unseen_keys(store)
    return plan_import(parsed, existing, hidden_uids=hidden_uids, hidden_ids=hidden_ids,
                       may_change=lambda event: may_change(store, event))


def apply_import(store: Any, plan: ImportPlan, choice: Any = None) -> list[Event]:
    """Write the plan in one transaction (all or nothing): coaches and Kitas it names that
    the store does not know are resolved by ``choice`` (a ``references.Choice``: map,
    create or drop) or refused, and every entry keeps the rules of a saved event."""
    from .references import settle

    resolved, coaches, kitas = settle(store, plan, choice)
    writes = resolved.writes
    if not writes:
        return []
    with store.transaction():
        for coach in coaches:
            store.add_coach(coach)
        for kita in kitas:
            store.add_kita(kita)
        saved: list[Event] = store.put_events(writes)
    return saved


def import_calendar(
    store: Any,
    data: bytes,
    *,
    kind: str = "sonstiges",
    coach: str | None = None,
    source: str = "",
) -> ImportPlan:
    """Parse, plan against the whole store and apply, in one go."""
    plan = plan_for(store, parse_calendar(data, kind=kind, coach=coach, source=source))
    apply_import(store, plan)
    return plan
