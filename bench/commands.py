"""Whole commands at 50,000 events, as a script or a shell runs them: ``add``, ``edit``,
``remove``, ``conflicts`` and ``search`` as processes, each against the same command on
the demo store in the same run (what 50,000 events cost beyond a normal store); and the
search the planner runs per keystroke, in the process."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .__main__ import Row


# What she searches for: a word of one event (a title), a word in a tenth of the events
# and one in four fifths of them (22 MB of JSON written)
SEARCHES = {"search rare": "Familienfest", "search tenth": "sozialraum",
            "search most": "Kita"}
WHAT = {"conflicts": "(this year and ahead, its default)",
        "search rare": "Familienfest (one event)", "search tenth": "sozialraum (a tenth)",
        "search most": "Kita (four fifths)"}


def _thekiz(db: Path, *args: str) -> list[str]:
    exe = Path(sys.executable).with_name("thekiz")
    return [str(exe), "--db", str(db), *args]


def _run(cmd: list[str], allowed: tuple[int, ...] = (0,)) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = (time.perf_counter() - began) * 1000
    if done.returncode not in allowed:
        raise RuntimeError(f"{cmd[3:]}: {done.returncode} {done.stderr[-300:]}")
    return took, done.stdout


def _coach(db: Path) -> str:
    import json

    listed = json.loads(subprocess.run(_thekiz(db, "coach", "list", "--format", "json"),
                                       capture_output=True, text=True, check=True).stdout)
    return str(listed[0]["id"])


def _edit_cycle(db: Path, coach: str, day: str) -> dict[str, float]:
    """One ``add``, ``edit`` and ``remove`` of the same event; their times."""
    add_ms, out = _run(_thekiz(db, "add", "--kind", "sonstiges", "--start", f"{day} 9:00",
                               "--end", "10:00", "--coach", coach, "--title", "Bench"))
    event_id = out.splitlines()[0]
    edit_ms, _ = _run(_thekiz(db, "edit", event_id, "--title", "Bench (geändert)"))
    remove_ms, _ = _run(_thekiz(db, "remove", event_id))
    return {"add": add_ms, "edit": edit_ms, "remove": remove_ms}


def bench_commands(big: Path, tmp: Path, rows: list[Row], quick: bool) -> None:
    from .__main__ import Row

    demo = tmp / "commands-demo" / "plan.json"
    demo.parent.mkdir(exist_ok=True)
    subprocess.run(_thekiz(demo, "demo"), capture_output=True, check=True)
    coaches = {big: _coach(big), demo: _coach(demo)}
    day = f"{date.today():%d.%m.%Y}"
    reps = 3 if quick else 7
    samples: dict[tuple[Path, str], list[float]] = {}
    for _ in range(reps):  # alternately, so that a busy moment hits both stores alike
        for db in (big, demo):
            for name, took in _edit_cycle(db, coaches[db], day).items():
                samples.setdefault((db, name), []).append(took)
            samples.setdefault((db, "conflicts"), []).append(
                _run(_thekiz(db, "conflicts", "--format", "json"), (0, 1))[0])
            for name, words in SEARCHES.items():
                samples.setdefault((db, name), []).append(
                    _run(_thekiz(db, "search", words, "--format", "json"), (0, 1))[0])
    # a search she makes well under a second as a whole process; one that lists four
    # fifths of the store is bound by writing them (context)
    limits = {"add": 150.0, "edit": 150.0, "remove": 150.0, "conflicts": 450.0,
              "search rare": 500.0, "search tenth": 500.0, "search most": None}
    for name, limit in limits.items():
        base = statistics.median(samples[(demo, name)])
        more = [s - base for s in samples[(big, name)]]
        target = f"≤ {limit:.0f} ms more" if limit is not None else ""
        what = WHAT.get(name, "")
        command = name.split(" ")[0]
        rows.append(Row(f"`thekiz {command}` {what} at 50,000 events, beyond the demo store",
                        target, limit, samples=more,
                        note=f"whole process; demo store median {base:.0f} ms, 50,000 "
                             f"events {statistics.median(samples[(big, name)]):.0f} ms"))
    rows.append(_keystroke_search(big, reps))


def _keystroke_search(big: Path, reps: int) -> Row:
    """What one keystroke in the planner's search costs: her index made once (when the
    dialog opens, in a thread), then what the dialog does for each text typed: the hits
    in time order at their occurrence, the first 200 of them listed."""
    import gc

    from thekiz_tui.dialogs.search import SHOWN
    from thekiz_tui.session import Session

    from .__main__ import Row, timed

    session = Session.at(big, today=date.today(), create=False)
    index = session.search_index()
    gc.freeze()  # as the search dialog does once her index is made
    # typed letter by letter, a word deleted, another typed ("begl" after "kita so")
    queries = ["k", "ki", "kit", "kita", "kita s", "kita so", "begl", "eltern", "team"]
    position = iter(range(10**9))

    def keystroke() -> None:
        index.find(queries[next(position) % len(queries)], limit=SHOWN)

    samples = timed(keystroke, len(queries) * max(reps, 3))
    gc.unfreeze()
    return Row("search as she types: one keystroke at 50,000 events", "≤ 100 ms", 100.0,
               samples=samples, note=f"{len(index):,} events in her index, hits in time "
                                     "order with their occurrence")
