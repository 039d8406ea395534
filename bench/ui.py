"""The planner in a real pseudo-terminal: start-up, month and view switches, the form.

Times run from spawning the process (or writing the key) to the moment the screen, read
through a terminal emulator, shows the result: that is what a coach waits for.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from store import Store
from thekiz_tui.screens.planner import add_months

from .terminal import Terminal

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("thekiz-minimal")

Minimal().run()
"""
TIME = re.compile(r"\b\d{2}:\d{2}\b")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def _env(today: date, term: str = "xterm-256color") -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM=term, THEKIZ_TODAY=today.isoformat(), COLUMNS="",
               LINES="", THEKIZ_CONFIG=os.devnull)
    env.pop("TEXTUAL", None)
    # As on a coach's machine, Python keeps the compiled modules (this environment sets
    # PYTHONDONTWRITEBYTECODE, which would charge every start with compiling the
    # project; Textual's own modules come compiled from their wheel either way).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def planner_cmd(path: Path) -> list[str]:
    """The installed ``thekiz`` command, as a coach starts it (``python -m`` without one)."""
    script = Path(sys.executable).with_name("thekiz")
    if script.is_file():
        return [str(script), "--db", str(path)]
    return [sys.executable, "-m", "thekiz_tui", "--db", str(path)]


def month_painted(year: int, month: int) -> Callable[[Terminal], bool]:
    """The month grid of that month with its events: title, week numbers and times."""
    title = f"{MONTHS[month - 1]} {year}"

    def check(term: Terminal) -> bool:
        lines = term.screen.display
        text = "\n".join(lines)
        return title in text and "KW" in text and bool(TIME.search("\n".join(lines[3:])))

    return check


def shows(fragment: str) -> Callable[[Terminal], bool]:
    return lambda term: fragment in term.text()


def start_times(path: Path, today: date, reps: int) -> tuple[list[float], list[float]]:
    """Seconds from spawn to the painted month view, and for a minimal Textual app
    that shows one label, alternating, in the same run."""
    planner, minimal = [], []
    env = _env(today)
    for _ in range(reps + 1):  # the first round warms the disk cache and writes .pyc
        began = time.perf_counter()
        with Terminal([sys.executable, "-c", MINIMAL_APP], env=env) as term:
            minimal.append(term.wait_for(shows("thekiz-minimal")) - began)
        began = time.perf_counter()
        with Terminal(planner_cmd(path), env=env) as term:
            planner.append(term.wait_for(month_painted(today.year, today.month)) - began)
    return planner[1:], minimal[1:]


def _selected_date(day: date) -> Callable[[Terminal], bool]:
    """The top bar names the selected day; it is painted in the same frame as the view."""
    text = f"{day:%d.%m.%Y}"
    return lambda term: text in term.screen.display[0]


def week_painted(term: Terminal) -> bool:
    """The week grid: its hour rows."""
    return any(line.startswith("07:00│") for line in term.screen.display)


def switch_times(path: Path, today: date, reps: int) -> dict[str, list[float]]:
    """Milliseconds from a key to its painted result, in one running planner."""
    out: dict[str, list[float]] = {"month": [], "view": [], "select": [], "bytes": []}
    with Terminal(planner_cmd(path), env=_env(today)) as term:
        term.wait_for(month_painted(today.year, today.month))
        term.settle(0.5)
        day = today
        # Warm both neighbours' caches as a coach's first moves would.
        for key in ("]", "[", "[", "]"):
            term.send(key)
            term.settle(0.3)
        for i in range(reps):
            step = 1 if i % 2 == 0 else -1
            day_next = add_months(day, step)
            term.settle(0.25)
            before = term.bytes_read
            out["month"].append(term.time_key("]" if step > 0 else "[",
                                              month_painted(day_next.year, day_next.month)))
            term.settle(0.25)
            out["bytes"].append(float(term.bytes_read - before))
            # back again, so every switch lands on a cached month
            term.send("[" if step > 0 else "]")
            term.wait_for(month_painted(day.year, day.month))
        for i in range(reps):
            term.settle(0.25)
            if i % 2 == 0:
                out["view"].append(term.time_key("w", week_painted))
            else:
                out["view"].append(term.time_key("m", month_painted(day.year, day.month)))
        term.send("m")
        term.settle(0.3)
        for i in range(reps):
            step = 1 if i % 2 == 0 else -1
            day = day + timedelta(days=step)
            term.settle(0.25)
            out["select"].append(term.time_key("l" if step > 0 else "h", _selected_date(day)))
    return out


def switch_bytes(path: Path, today: date, reps: int, term: str) -> list[float]:
    """Bytes the planner writes for one month switch (``]`` or ``[``) at 100x30 with
    ``TERM=term``, from a running planner whose neighbouring months are built."""
    out: list[float] = []
    with Terminal(planner_cmd(path), env=_env(today, term)) as terminal:
        terminal.wait_for(month_painted(today.year, today.month))
        terminal.settle(0.5)
        for key in ("]", "[", "[", "]"):
            terminal.send(key)
            terminal.settle(0.3)
        for i in range(reps):
            before = terminal.bytes_read
            terminal.send("]" if i % 2 == 0 else "[")
            terminal.settle(0.25)
            out.append(float(terminal.bytes_read - before))
    return out


# -- the event form ------------------------------------------------------------------------

KEY_TAB, KEY_END, KEY_LEFT, KEY_BACKSPACE = "\t", "\x1b[F", "\x1b[D", "\x7f"


@dataclass(frozen=True)
class FormCase:
    """A coach and two days of one month that one keystroke in the form's date field
    switches between: ``busy`` (two digits) has her event over 09:00–10:30, the form's
    default time, so the live check finds a double booking; ``free`` (its first digit)
    is a working day with nothing of hers, so the check finds nothing."""

    coach: str
    busy: date
    free: date


def find_form_case(store: Store, month: date) -> FormCase:
    from thekiz_tui.planning.conflicts import checker_for
    from thekiz_tui.planning.holidays import HolidayLookup
    from thekiz_tui.planning.month_snapshot import Filters, build_month_snapshot
    from thekiz_tui.planning.timeutil import DEFAULT_TZ, epoch, localize

    checker = checker_for(store)
    holidays = HolidayLookup("DE", "TH", "de")
    for coach in sorted(c.id for c in store.coaches() if c.role != "coordinator"):
        snapshot = build_month_snapshot(store, checker, month.year, month.month, today=month,
                              filters=Filters(coach=coach), complete=False)
        for busy_day in range(10, 32):
            try:
                busy = month.replace(day=busy_day)
                free = month.replace(day=busy_day // 10)
            except ValueError:
                break
            if any(d.weekday() >= 5 or holidays.get(d.isoformat()) for d in (busy, free)):
                continue
            if snapshot.on(free):
                continue
            lo = epoch(localize(datetime.combine(busy, clock(9)), DEFAULT_TZ))
            hi = epoch(localize(datetime.combine(busy, clock(10, 30)), DEFAULT_TZ))
            if any(not o.event.all_day and o.start_ts < hi and o.end_ts > lo
                   for o in snapshot.on(busy)):
                return FormCase(coach, busy, free)
    raise LookupError(f"no coach with a suitable pair of days in {month:%Y-%m}")


def _date_field(day: date) -> Callable[[Terminal], bool]:
    """The form's date row shows ``day`` as typed (``2.11.2026``, no leading zero)."""
    text = f"{day.day}.{day:%m.%Y}"
    return lambda term: any("Datum" in line and f" {text} " in line
                            for line in term.screen.display)


def _findings(double_booking: bool) -> Callable[[Terminal], bool]:
    def check(term: Terminal) -> bool:
        text = term.text()
        if double_booking:
            return "Doppelbuchung" in text
        return "Befunde: keine" in text and "Doppelbuchung" not in text

    return check


def _both(*checks: Callable[[Terminal], bool]) -> Callable[[Terminal], bool]:
    return lambda term: all(check(term) for check in checks)


def form_keystroke_times(path: Path, case: FormCase, reps: int) -> list[float]:
    """Milliseconds from one key in the date field to the painted echo with the findings
    of the new day, alternating between the two days of ``case``."""
    out: list[float] = []
    busy_text = f"{case.busy.day}.{case.busy:%m.%Y}"
    cmd = [*planner_cmd(path), "--as", case.coach]
    with Terminal(cmd, env=_env(case.busy)) as term:
        term.wait_for(month_painted(case.busy.year, case.busy.month))
        term.settle(0.5)
        term.send("n")
        term.wait_for(_findings(True))
        term.send(KEY_TAB)  # title -> date
        term.settle(0.3)
        term.send(KEY_END + KEY_LEFT * (len(busy_text) - 2))  # after the day's two digits
        term.settle(0.3)
        second = str(case.busy.day)[1]
        for i in range(reps):
            to_free = i % 2 == 0
            day = case.free if to_free else case.busy
            term.settle(0.25)
            out.append(term.time_key(KEY_BACKSPACE if to_free else second,
                                     _both(_date_field(day), _findings(not to_free))))
    return out
