"""The calendar corpus: every file in ``tests/data/calendars`` is read by thekiz exactly as
recurring-ical-events (the reference expander, on icalendar) reads it, and survives a round
trip through thekiz's export. The files are our own, written in the shapes that real
producers write (``SOURCES.md`` says which producer and which public test suite was
studied for each).

Compared per occurrence, in the window 2020-01-01 .. 2031-01-01: start and end (UTC
instants, or the dates of an all-day occurrence), summary, and whether it is cancelled.
Floating times count as Europe/Berlin wall time (or the file's ``X-WR-TIMEZONE``), the
zone thekiz stores them in; the reference gets the file through ``x_wr_timezone`` as
thekiz does.

:data:`READ_DIFFERENTLY` lists the files thekiz deliberately reads otherwise or refuses;
the README's import section has the same table (a test keeps the two equal). Every other
file must read the same, and a listed file that no longer differs fails too, so that the
table stays true. :data:`AWAITING` lists files that differ only until a piece of issue 10
that is built on another branch arrives; each is a strict xfail, so it fails as soon as the
file reads the same and must then leave the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from store import Event, Store
from thekiz_tui.ical import IcalError, apply_import, export_calendar, parse_calendar
from thekiz_tui.ical.importer import plan_for
from thekiz_tui.planning.occurrences import expand

CORPUS = Path(__file__).parent / "data" / "calendars"
README = Path(__file__).parent.parent / "README.md"
FILES = sorted(p.name for p in CORPUS.glob("*.ics"))
LO, HI = date(2020, 1, 1), date(2031, 1, 1)
BERLIN = ZoneInfo("Europe/Berlin")
LO_TS = int(datetime(2020, 1, 1, tzinfo=BERLIN).timestamp())
HI_TS = int(datetime(2031, 1, 1, tzinfo=BERLIN).timestamp())

Occ = tuple[str, str, str, bool]  # start, end, summary, cancelled

SAME, DIFFERS, REFUSED = "gleich", "anders", "abgelehnt"

READ_DIFFERENTLY: dict[str, tuple[str, str]] = {
    # file: (anders | abgelehnt, why) -- the README's table "Dateien, die thekiz bewusst
    # anders liest" has the same rows
    "calcurse-4.8_floating-appointments.ics": (
        DIFFERS, "calcurse schreibt Alarme als TRIGGER:-P300S (ohne T); icalendar lehnt die "
                 "ganze Datei ab, thekiz überspringt Alarme und liest die Termine."),
    "icloud_this-and-future-range.ics": (
        DIFFERS, "RECURRENCE-ID;RANGE=THISANDFUTURE: thekiz ändert nur das genannte "
                 "Vorkommen, die folgenden bleiben wie die Serie (RANGE wird nicht "
                 "ausgewertet)."),
    "outlook-2016_display-name-without-vtimezone.ics": (
        DIFFERS, "Outlooks Anzeigename „(UTC-05:00) Eastern Time (US & Canada)“ ohne "
                 "VTIMEZONE: thekiz liest ihn als America/New_York, icalendar kennt ihn "
                 "nicht und liest die Zeit schwebend."),
    "webexport_date-time-in-date-value.ics": (
        DIFFERS, "Uhrzeit in einem VALUE=DATE-Wert: thekiz folgt VALUE=DATE (ganztägig, "
                 "das Datum gilt), icalendar liest einen Zeitpunkt."),
    "webexport_line-after-end-vcalendar.ics": (
        DIFFERS, "Text nach END:VCALENDAR: icalendar lehnt die Datei ab, thekiz ignoriert "
                 "ihn nachsichtig."),
}

# What thekiz reads in each file it reads differently, so that the difference is the one
# the table gives and no other.
_NATUR = "Arbeitskreis Naturpädagogik"
THEKIZ_READS: dict[str, list[Occ]] = {
    "calcurse-4.8_floating-appointments.ics": [
        ("2025-02-11T08:00:00Z", "2025-02-11T09:30:00Z", "Beratung Kita Am Mühlbach", False),
        ("2025-07-12T06:00:00Z", "2025-07-12T06:45:00Z", "Telefonsprechstunde", False)],
    "icloud_this-and-future-range.ics": [
        *[(f"2025-06-{day:02d}T12:00:00Z", f"2025-06-{day:02d}T13:30:00Z", _NATUR, False)
          for day in (2, 9, 16, 23)],
        ("2025-06-30T13:00:00Z", "2025-06-30T14:30:00Z", f"{_NATUR} (neuer Ort)", False),
        *[(f"2025-07-{day:02d}T12:00:00Z", f"2025-07-{day:02d}T13:30:00Z", _NATUR, False)
          for day in (7, 14, 21)]],
    # 10:00 in New York on 12 March 2025 (summer time there since 9 March)
    "outlook-2016_display-name-without-vtimezone.ics": [
        ("2025-03-12T14:00:00Z", "2025-03-12T15:30:00Z", "Online-Vortrag Frühe Bildung", False)],
    "webexport_date-time-in-date-value.ics": [
        ("2025-08-08", "2025-08-09", "Fachtag Inklusion", False)],
    "webexport_line-after-end-vcalendar.ics": [
        ("2025-06-01T08:00:00Z", "2025-06-01T09:00:00Z", "Sprechstunde Jugendamt", False)],
}

# Files that differ on this branch only because a piece of issue 10 built on another
# branch is missing here (category: what it waits for). Each is a strict xfail: once the
# piece is merged the file reads like the reference, the xfail passes, the test fails, and
# its line goes. Checked against a merge with i10-rec (8 commits, 3 Dec): every file of
# the first block then reads exactly like the reference, and every round trip holds.
AWAITING: dict[str, str] = {
}


@dataclass(frozen=True, slots=True)
class Reading:
    occurrences: list[Occ] | None  # None: refused
    refusal: str = ""
    events: tuple[Event, ...] = ()


def _instant(value: Any, floating: ZoneInfo) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=floating)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _floating_zone(data: bytes) -> ZoneInfo:
    """Where thekiz puts floating times: the file's X-WR-TIMEZONE, else Berlin."""
    found = re.search(rb"^X-WR-TIMEZONE:([^\r\n]+)", data, re.M)
    if found:
        try:
            return ZoneInfo(found.group(1).decode().strip())
        except (ValueError, KeyError, OSError):
            pass
    return BERLIN


def forget_custom_zones() -> None:
    """icalendar keeps every custom VTIMEZONE it has built, by TZID, for the whole process:
    a second file with the same TZID ("Customized Time Zone", Outlook) but other rules gets
    the first file's zone. Each file is read here as a fresh process reads it; the harm of
    the process-wide cache is shown by its own test below."""
    import icalendar

    icalendar.use_zoneinfo()


@cache
def reference(name: str) -> Reading:
    """The occurrences as recurring-ical-events expands them."""
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    data = (CORPUS / name).read_bytes()
    forget_custom_zones()
    floating = _floating_zone(data)
    try:
        calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(data))
        components = recurring_ical_events.of(calendar).between(LO, HI)
    except Exception as error:  # the reference refuses in many ways
        return Reading(None, f"{type(error).__name__}: {error}")
    out: list[Occ] = []
    for comp in components:
        start = comp.decoded("DTSTART")
        if "DTEND" in comp:
            end = comp.decoded("DTEND")
        elif "DURATION" in comp:
            end = start + comp.decoded("DURATION")
        else:
            end = start if isinstance(start, datetime) else start + timedelta(days=1)
        out.append((_instant(start, floating), _instant(end, floating),
                    str(comp.get("SUMMARY", "")),
                    str(comp.get("STATUS", "")).upper() == "CANCELLED"))
    return Reading(sorted(out))


def _occurrences(events: list[Event]) -> list[Occ]:
    out: list[Occ] = []
    for occ in expand(events, LO_TS, HI_TS):
        event = occ.event
        if event.all_day:
            start, end = event.start[:10], event.end[:10]
        else:
            start = datetime.fromtimestamp(occ.start_ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            end = datetime.fromtimestamp(occ.end_ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append((start, end, event.title, event.status == "abgesagt"))
    return sorted(out)


def _import(data: bytes, folder: Path) -> list[Event]:
    """Through the import's own path into a fresh store on disk, and back out of it."""
    store = Store(str(folder / "plan.json"))
    apply_import(store, plan_for(store, parse_calendar(data)))
    return store.events()


@cache
def thekiz(name: str, folder: Path) -> Reading:
    forget_custom_zones()
    try:
        events = _import((CORPUS / name).read_bytes(), folder)
    except IcalError as error:
        return Reading(None, str(error))
    return Reading(_occurrences(events), events=tuple(events))


def first_difference(ours: list[Occ], theirs: list[Occ]) -> str:
    for index, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            return f"Vorkommen {index + 1}: thekiz {a} / Referenz {b}"
    if len(ours) > len(theirs):
        return f"nur bei thekiz: {ours[len(theirs)]}"
    return f"nur bei der Referenz: {theirs[len(ours)]}"


def outcome(name: str, folder: Path) -> tuple[str, str]:
    """gleich / anders / abgelehnt, and what differs."""
    ours, theirs = thekiz(name, folder), reference(name)
    if ours.occurrences is None:
        return REFUSED, f"thekiz lehnt ab: {ours.refusal}"
    if theirs.occurrences is None:
        return DIFFERS, f"nur die Referenz lehnt ab: {theirs.refusal}"
    if ours.occurrences == theirs.occurrences:
        return SAME, ""
    return DIFFERS, (f"{len(ours.occurrences)} Vorkommen bei thekiz, "
                     f"{len(theirs.occurrences)} bei recurring-ical-events; "
                     + first_difference(ours.occurrences, theirs.occurrences))


def _cases() -> list[Any]:
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=AWAITING[name]))
            if name in AWAITING else name for name in FILES]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


@pytest.mark.parametrize("name", _cases())
def test_file_reads_like_the_reference(name: str, folder: Path) -> None:
    store_dir = folder / name
    store_dir.mkdir(exist_ok=True)
    found, detail = outcome(name, store_dir)
    expected = READ_DIFFERENTLY.get(name, (SAME, ""))[0]
    if expected == SAME:
        assert found == SAME, f"{name}: {detail}"
    else:
        assert found == expected, (
            f"{name} steht in READ_DIFFERENTLY als „{expected}“, ist aber „{found}“"
            f"{': ' + detail if detail else ''} – Tabelle hier und im README anpassen")
    if expected == DIFFERS:
        ours = thekiz(name, store_dir).occurrences
        assert ours is not None
        assert ours == THEKIZ_READS[name], f"{name}: " + first_difference(
            ours, THEKIZ_READS[name])


@pytest.mark.parametrize("name", FILES)
def test_export_and_reimport_keep_the_occurrences(name: str, folder: Path) -> None:
    store_dir = folder / name
    store_dir.mkdir(exist_ok=True)
    first = thekiz(name, store_dir)
    if first.occurrences is None:
        pytest.skip(f"thekiz lehnt die Datei ab: {first.refusal}")
    exported = export_calendar(list(first.events), coaches={}, kitas={}, name="Korpus",
                               now=datetime(2026, 1, 1, tzinfo=UTC))
    again_dir = store_dir / "wieder"
    again_dir.mkdir(exist_ok=True)
    again = _occurrences(_import(exported, again_dir))
    assert again == first.occurrences, f"{name} nach Export und Import: " + first_difference(
        again, first.occurrences)


def test_same_custom_tzid_in_two_files_keeps_each_files_rules(tmp_path: Path) -> None:
    """Outlook names every custom zone "Customized Time Zone". Read one after the other in
    one process (a coach imports two invitations), each file keeps its own rules."""
    first, second = ("outlook-2013_customized-time-zone-series.ics",
                     "office365_customized-time-zone-sydney.ics")
    expected = {name: reference(name).occurrences for name in (first, second)}
    forget_custom_zones()
    for index, name in enumerate((first, second)):
        folder = tmp_path / str(index)
        folder.mkdir()
        ours = _occurrences(_import((CORPUS / name).read_bytes(), folder))
        theirs = expected[name]
        assert theirs is not None
        assert ours == theirs, f"{name}: " + first_difference(ours, theirs)


# -- the corpus itself and its tables -----------------------------------------------------


def _table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_the_corpus_has_enough_files_from_enough_producers() -> None:
    rows = _table_rows((CORPUS / "SOURCES.md").read_text(encoding="utf-8"))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Datei", "Hersteller"])
    body = rows[start + 1:]  # the files' table is the last one
    listed = {row[0].strip("`") for row in body}
    assert listed == set(FILES), (
        f"in SOURCES.md, aber nicht im Ordner: {sorted(listed - set(FILES))}; "
        f"im Ordner, aber nicht in SOURCES.md: {sorted(set(FILES) - listed)}")
    producers = {row[1] for row in body}
    assert len(FILES) >= 100, len(FILES)
    assert len(producers) >= 15, sorted(producers)
    assert all(row[-1] for row in body), "jede Datei nennt ihre studierte Vorlage"


def test_the_tables_name_files_of_the_corpus() -> None:
    assert set(READ_DIFFERENTLY) <= set(FILES)
    assert set(AWAITING) <= set(FILES)
    assert set(THEKIZ_READS) == {
        name for name, (kind, _why) in READ_DIFFERENTLY.items() if kind == DIFFERS}


def test_readme_lists_the_same_files_as_read_differently() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("Dateien, die thekiz bewusst anders liest")
    section = text[start:].split("\n#", 1)[0]
    rows = _table_rows(section)[1:]
    found = {row[0].strip("`"): row[1] for row in rows}
    assert found == {name: kind for name, (kind, _why) in READ_DIFFERENTLY.items()}
