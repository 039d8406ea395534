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
from datetime import date, timedelta
from pathlib import Path

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


def _env(today: date) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM="xterm-256color", THEKIZ_TODAY=today.isoformat(), COLUMNS="",
               LINES="", THEKIZ_CONFIG=os.devnull)
    env.pop("TEXTUAL", None)
    return env


def planner_cmd(path: Path) -> list[str]:
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
    for _ in range(reps):
        with Terminal([sys.executable, "-c", MINIMAL_APP], env=env) as term:
            began = time.perf_counter()
            term.wait_for(shows("thekiz-minimal"))
            minimal.append(time.perf_counter() - began)
        with Terminal(planner_cmd(path), env=env) as term:
            began = time.perf_counter()
            term.wait_for(month_painted(today.year, today.month))
            planner.append(time.perf_counter() - began)
    return planner, minimal


def _selected_date(day: date) -> Callable[[Terminal], bool]:
    """The top bar names the selected day; it is painted in the same frame as the view."""
    text = f"{day:%d.%m.%Y}"
    return lambda term: text in term.screen.display[0]


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
            day_next = (day.replace(day=1) + timedelta(days=32 * step)).replace(day=1)
            day_next = day_next.replace(day=min(day.day, 28))
            term.settle(0.25)
            before = term.bytes_read
            began = time.perf_counter()
            term.send("]" if step > 0 else "[")
            term.wait_for(month_painted(day_next.year, day_next.month))
            out["month"].append((time.perf_counter() - began) * 1000)
            term.settle(0.25)
            out["bytes"].append(float(term.bytes_read - before))
            # back again, so every switch lands on a cached month
            term.send("[" if step > 0 else "]")
            term.wait_for(month_painted(day.year, day.month))
        for i in range(reps):
            key, marker = (("w", "07:00"), ("m", "KW"))[i % 2]
            term.settle(0.25)
            began = time.perf_counter()
            term.send(key)
            term.wait_for(shows(marker))
            out["view"].append((time.perf_counter() - began) * 1000)
        term.send("m")
        term.settle(0.3)
        for i in range(reps):
            step = 1 if i % 2 == 0 else -1
            day = day + timedelta(days=step)
            term.settle(0.25)
            began = time.perf_counter()
            term.send("l" if step > 0 else "h")
            term.wait_for(_selected_date(day))
            out["select"].append((time.perf_counter() - began) * 1000)
    return out
