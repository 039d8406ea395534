"""The export read by real clients: khal (Python, icalendar-based) and calcurse (C).

Every occurrence's local start and end, as each program shows it, must match what thekiz
plans (``planning.occurrences.expand``), including the DST days of 2025, the repeated
hour, a weekly series across each DST change and all-day events.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import need_program
from test_ical_export import export, sample_events

from store import Event
from thekiz_tui.planning.occurrences import expand

pytestmark = pytest.mark.external

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = (date(2025, 1, 1), date(2026, 1, 1))
KHAL_FMT = "%Y-%m-%dT%H:%M:%S%z"
# What a client shows as the name: an event at a Kita carries the Kita in its SUMMARY (a
# phone shows nothing else); an event without a title shows its kind.
SHOWN_TITLES = {
    "e-visit": "Begleitung, Team; Konzept – Kita Sonnenschein",
    "e-spring": "Besuch am Umstellungstag – Kita Regenbogen",
    "e-autumn": "Begleitung am Herbst-Umstellungstag – Kita Sonnenschein",
    "e-notitle": "Prozessbegleitung – Kita Regenbogen",
}


def shown_title(event: Event) -> str:
    return SHOWN_TITLES.get(event.id, event.title)




def env() -> dict[str, str]:
    return {**os.environ, "TZ": "Europe/Berlin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def occurrences(events: list[Event]) -> list[tuple[Event, datetime | date, datetime | date]]:
    """(event, local start, local end) of each occurrence; all-day: dates, end exclusive."""
    lo = int(datetime.combine(WINDOW[0], datetime.min.time(), BERLIN).timestamp())
    hi = int(datetime.combine(WINDOW[1], datetime.min.time(), BERLIN).timestamp())
    out: list[tuple[Event, datetime | date, datetime | date]] = []
    for occ in expand(events, lo, hi):
        ev = occ.event
        if ev.all_day:
            out.append((ev, date.fromisoformat(ev.start[:10]), date.fromisoformat(ev.end[:10])))
        else:
            out.append((
                ev,
                datetime.fromtimestamp(occ.start_ts, BERLIN),
                datetime.fromtimestamp(occ.end_ts, BERLIN),
            ))
    return out


# -- khal ---------------------------------------------------------------------------------


def khal_command(tmp_path: Path, cal_dir: Path) -> list[str]:
    """khal with a configuration of its own in ``tmp_path`` that reads the calendar in
    ``cal_dir`` (a folder of .ics files, as vdirsyncer writes it) in Berlin time."""
    khal = need_program("khal")
    config = tmp_path / "khal.conf"
    config.write_text(
        "[calendars]\n"
        "[[thekiz]]\n"
        f"path = {cal_dir}\n"
        "type = calendar\n"
        "[locale]\n"
        "local_timezone = Europe/Berlin\n"
        "default_timezone = Europe/Berlin\n"
        "timeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\n"
        "longdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%dT%H:%M\n"
        f"longdatetimeformat = {KHAL_FMT}\n"
        "[sqlite]\n"
        f"path = {tmp_path / 'khal.db'}\n",
        encoding="utf-8",
    )
    return [khal, "-c", str(config)]


def test_khal_shows_every_occurrence_at_the_planned_time(tmp_path: Path) -> None:
    cal_dir = tmp_path / "calendar"
    cal_dir.mkdir()
    base = khal_command(tmp_path, cal_dir)
    ics = tmp_path / "thekiz.ics"
    ics.write_bytes(export())
    imported = subprocess.run(
        [*base, "import", "--batch", "-a", "thekiz", str(ics)],
        capture_output=True, text=True, env=env(), timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run(
        [*base, "list", "--day-format", "", "--format",
         "{uid}|{start-long}|{end-long}|{title}",
         WINDOW[0].isoformat(), WINDOW[1].isoformat()],
        capture_output=True, text=True, env=env(), timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    for output in (imported.stderr, listed.stderr, imported.stdout):
        assert "Cannot find timezone" not in output
        assert "Traceback" not in output
    seen = {tuple(line.split("|")) for line in listed.stdout.splitlines() if "|" in line}

    expected = set()
    for ev, start, end in occurrences(sample_events()):
        if isinstance(start, datetime):
            assert isinstance(end, datetime)
            expected.add((ev.uid, start.strftime(KHAL_FMT), end.strftime(KHAL_FMT),
                          shown_title(ev)))
        else:
            assert not isinstance(end, datetime)
            last = end - timedelta(days=1)  # khal shows the last day, not the exclusive end
            expected.add((ev.uid, start.isoformat(), last.isoformat(), shown_title(ev)))
    assert seen == expected
    # The repeated hour: both 02:15 events, one hour apart in UTC.
    folds = sorted(s for (u, s, _e, _t) in seen if u.startswith("e-fold"))
    assert folds == ["2025-10-26T02:15:00+0100", "2025-10-26T02:15:00+0200"]


# -- calcurse -----------------------------------------------------------------------------

_HEADER = re.compile(r"^(\d\d)/(\d\d)/(\d\d):$")


def calcurse_import(tmp_path: Path, data: bytes) -> tuple[str, Path]:
    """calcurse and its data folder after importing ``data``, with nothing skipped."""
    calcurse = need_program("calcurse")
    data_dir = tmp_path / "calcurse"
    data_dir.mkdir()
    ics = tmp_path / "thekiz.ics"
    ics.write_bytes(data)
    imported = subprocess.run(
        [calcurse, "-D", str(data_dir), "-i", str(ics)],
        capture_output=True, text=True, env=env(), timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    assert " 0 skipped" in imported.stdout, imported.stdout + imported.stderr
    return calcurse, data_dir


def test_calcurse_shows_every_occurrence_at_the_planned_time(tmp_path: Path) -> None:
    calcurse, data_dir = calcurse_import(tmp_path, export())
    days = (WINDOW[1] - WINDOW[0]).days
    query = subprocess.run(
        [calcurse, "-D", str(data_dir), "--input-datefmt", "4", "-Q",
         "--from", WINDOW[0].isoformat(), "--days", str(days),
         "--format-apt", "A|%(start:%Y-%m-%dT%H:%M)|%(end:%Y-%m-%dT%H:%M)|%m\\n",
         "--format-recur-apt", "A|%(start:%Y-%m-%dT%H:%M)|%(end:%Y-%m-%dT%H:%M)|%m\\n",
         "--format-event", "E|%m\\n",
         "--format-recur-event", "E|%m\\n"],
        capture_output=True, text=True, env=env(), timeout=120,
    )
    assert query.returncode == 0, query.stderr
    seen: set[tuple[str, ...]] = set()
    day = ""
    for line in query.stdout.splitlines():
        if match := _HEADER.match(line.strip()):
            day = f"20{match[3]}-{match[1]}-{match[2]}"
        elif line.startswith("A|"):
            seen.add(tuple(line.split("|")[1:]))
        elif line.startswith("E|"):
            seen.add((day, line[2:]))

    # calcurse 4.7 ignores RECURRENCE-ID (a known limitation): it shows a changed
    # occurrence as an appointment of its own and keeps the series' original occurrence.
    events = sample_events()
    as_calcurse = []
    for ev in events:
        as_calcurse.append(ev)
        if ev.overrides:
            as_calcurse[-1] = Event.from_dict({**ev.to_dict(), "overrides": {}})
    moved = [o for o in occurrences(events) if o[0].title.endswith("(verlegt)")]
    expected: set[tuple[str, ...]] = set()
    for ev, start, end in occurrences(as_calcurse) + moved:
        title = shown_title(ev)
        if isinstance(start, datetime):
            assert isinstance(end, datetime)
            expected.add((f"{start:%Y-%m-%dT%H:%M}", f"{end:%Y-%m-%dT%H:%M}", title))
        else:
            assert not isinstance(end, datetime)
            current = start
            while current < end:
                expected.add((current.isoformat(), title))
                current += timedelta(days=1)
    assert moved  # the moved occurrence exists in thekiz's plan
    assert seen == expected
