"""``make bench``: the store and the planning logic on 50,000 events, against the targets.

Prints a table of medians and 90th percentiles beside the targets and writes
``bench/results.md``. Every figure is the median of repeated runs, never one timing.

    python -m bench [--events N] [--seed S] [--quick] [--no-write]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from store import Event, Store

from . import data
from .commands import bench_commands
from .feed import bench_feed

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"


@dataclasses.dataclass
class Row:
    name: str
    target: str
    limit: float | None  # in the unit of the row; None: context only
    unit: str = "ms"
    samples: list[float] = dataclasses.field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p90(self) -> float | None:
        if not self.samples:
            return None
        if len(self.samples) < 2:
            return self.samples[0]
        return statistics.quantiles(self.samples, n=10, method="inclusive")[8]

    @property
    def verdict(self) -> str:
        if self.median is None:
            return "n/a"
        if self.limit is None:
            return "(context)"
        return "ok" if self.median <= self.limit else "MISSED"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"
    if unit == "×":
        return f"{value:.2f} ×"
    return f"{value:.0f} {unit}"


def timed(fn: Callable[[], Any], reps: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise


# -- building the store ------------------------------------------------------------------


def build(path: Path, count: int, seed: int, generator: str) -> tuple[Store, str]:
    """A store with ``count`` events: the project's demo generator (``thekiz demo``)
    when it exists, otherwise bench/data.py."""
    demo = optional("thekiz_tui.demo") if generator == "demo" else None
    store = Store.open(path)
    if demo is not None and hasattr(demo, "write_demo"):
        demo.write_demo(store, events=count, seed=seed)
        return store, "thekiz_tui.demo (thekiz demo)"
    coaches, kitas = data.people(seed)
    with store.transaction():
        for coach in coaches:
            store.add_coach(coach)
        for kita in kitas:
            store.add_kita(kita)
        store.put_events(data.events(count, seed))
    return store, "bench/data.py"


@dataclasses.dataclass
class Span:
    """Where the data lies: its first and last day, and its busiest month."""

    first: dt.date
    last: dt.date
    busiest: dt.date

    @classmethod
    def of(cls, store: Store) -> Span:
        days = sorted(e.start[:10] for e in store.events() if not e.rrule)
        months: dict[str, int] = {}
        for day in days:
            months[day[:7]] = months.get(day[:7], 0) + 1
        busiest = max(months, key=lambda k: months[k])
        return cls(dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1]),
                   dt.date.fromisoformat(busiest + "-01"))

    def random_day(self, rng: random.Random) -> dt.date:
        day = self.first + dt.timedelta(days=rng.randrange((self.last - self.first).days))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    def month_end(self) -> dt.date:
        nxt = (self.busiest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt


# -- the measurements --------------------------------------------------------------------


def bench_edits(store: Store, span: Span, rows: list[Row], reps: int) -> None:
    rng = random.Random(7)
    store.events()  # a running app has read its store
    singles = [e for e in store.events() if not e.rrule]
    coach, kita = store.coaches()[0].id, store.kitas()[0].id  # (no dangling ids)
    add, change, move = [], [], []
    for i in range(reps):
        day = span.random_day(rng)
        new = Event(id=f"e-bench-{i}", kind="begleitung", start=data.stamp(day, 10),
                    end=data.stamp(day, 11), title="Bench", coaches=[coach], kita=kita)
        t0 = time.perf_counter()
        store.add_event(new)
        add.append((time.perf_counter() - t0) * 1000)

        current = store.event(rng.choice(singles).id)
        t0 = time.perf_counter()
        store.update_event(dataclasses.replace(current, title=f"geändert {i}"),
                           current.sequence)
        change.append((time.perf_counter() - t0) * 1000)

        current = store.event(f"e-bench-{i}")
        day = span.random_day(rng)
        t0 = time.perf_counter()
        store.update_event(dataclasses.replace(current, start=data.stamp(day, 10),
                                               end=data.stamp(day, 11)), current.sequence)
        move.append((time.perf_counter() - t0) * 1000)
    rows.append(Row("one durable edit (add or change one event), call to fsync",
                    "≤ 25 ms median", 25, samples=add + change))
    rows.append(Row("  … add one event", "", None, samples=add))
    rows.append(Row("  … change one event", "", None, samples=change))
    rows.append(Row("  … move one event to another month (2 files, journal)", "", None,
                    samples=move))


def bench_open_month(path: Path, span: Span, rows: list[Row], reps: int) -> None:
    found: list[int] = []

    def once() -> None:
        store = Store.open(path)
        found.append(len(store.events(span.busiest, span.month_end())))
        store.coaches()
        store.kitas()

    rows.append(Row("opening the store and reading one month (new Store object)",
                    "≤ 150 ms", 150, samples=timed(once, reps),
                    note=f"{span.busiest:%Y-%m}, {found[-1]} events incl. series"))


def bench_conflicts(
    store: Store, path: Path, span: Span, rows: list[Row], quick: bool
) -> None:
    conflicts = optional("thekiz_tui.planning.conflicts")
    full = Row("full conflict check of all events, right after one edit", "≤ 150 ms", 150)
    same = Row("  … the same with nothing changed since the last check", "", None)
    cold = Row("  … first check after opening the store (rows built from scratch)", "", None)
    one = Row("checking one new event against the store", "≤ 5 ms", 5)
    rows += [full, same, cold, one]
    if conflicts is None:
        full.note = one.note = "thekiz_tui.planning.conflicts missing"
        return
    found: list[int] = []
    conflicts.check_store(store)
    # The planner re-checks after every save: change one event (untimed), then time the
    # full check, which must redo what the edit touched.
    edit_rng = random.Random(5)
    singles = [e.id for e in store.events() if not e.rrule]
    after_edit = []
    for i in range(5 if quick else 15):
        current = store.event(edit_rng.choice(singles))
        store.update_event(dataclasses.replace(current, title=f"Prüfung {i}"),
                           current.sequence)
        t0 = time.perf_counter()
        found.append(len(conflicts.check_store(store)))
        after_edit.append((time.perf_counter() - t0) * 1000)
    full.samples = after_edit
    full.note = f"{found[-1]} findings; the store's cache re-reads the edited month"
    same.samples = timed(lambda: conflicts.check_store(store), 3 if quick else 7)

    def first_check() -> None:
        conflicts.check_store(Store.open(path))

    cold.samples = timed(first_check, 1 if quick else 3, warmup=0)

    rng = random.Random(11)
    coaches = [c.id for c in store.coaches()]
    kitas = [k.id for k in store.kitas()]
    samples = []
    for i in range(20 if quick else 60):
        day = span.random_day(rng)
        hour = rng.randint(8, 15)
        candidate = Event(id=f"e-cand-{i}", kind="begleitung", start=data.stamp(day, hour),
                          end=data.stamp(day, hour + 2), title="Kandidat",
                          coaches=[rng.choice(coaches)], kita=rng.choice(kitas))
        t0 = time.perf_counter()
        conflicts.check_candidate(candidate, store)
        samples.append((time.perf_counter() - t0) * 1000)
    one.samples = samples[1:]


def bench_ical(store: Store, tmp: Path, rows: list[Row], quick: bool) -> None:
    export_row = Row("export of 10,000 events (iCalendar)", "≤ 4 s", 4000)
    import_row = Row("import of 10,000 events (iCalendar)", "≤ 4 s", 4000)
    rows += [export_row, import_row]
    export = optional("thekiz_tui.ical.export")
    if export is None:
        export_row.note = import_row.note = "thekiz_tui.ical missing"
        return
    events = store.events()[:10_000]
    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    payload = b""

    def do_export() -> None:
        nonlocal payload
        payload = export.export_calendar(events, coaches=coaches, kitas=kitas, name="Bench")

    export_row.samples = timed(do_export, 2 if quick else 5)
    export_row.note = f"{len(payload) / 1e6:.1f} MB"

    importer = optional("thekiz_tui.ical.importer")
    if importer is None or not hasattr(importer, "import_calendar"):
        import_row.note = "no iCalendar import yet"
        return
    samples = []
    imported = 0
    for i in range(2 if quick else 3):
        target = Store.open(tmp / f"import-{i}.json")
        with target.transaction():  # the people the file names (thekiz's own export)
            for coach in store.coaches():
                target.add_coach(coach)
            for kita in store.kitas():
                target.add_kita(kita)
        t0 = time.perf_counter()
        importer.import_calendar(target, payload)
        samples.append((time.perf_counter() - t0) * 1000)
        imported = len(target.events())
    import_row.samples = samples
    import_row.note = f"into a store without events, {imported:,} events saved"


_MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(proc.pid, 0)
err = proc.stderr.read().decode(errors="replace")
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, repr(err[-300:]))
"""


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak RSS of ``cmd``. Measured by a small intermediate process: a child forked
    from this (big) process would count this process's pages in its high-water mark."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                          text=True, check=True)
    code, maxrss, err = done.stdout.split(" ", 2)
    if int(code) not in (0, 1):
        raise RuntimeError(f"{cmd} failed ({code}): {err}")
    return int(maxrss) / 1024  # KiB on Linux


def bench_memory(path: Path, span: Span, rows: list[Row], quick: bool) -> None:
    month = Row("peak memory of `thekiz list` (one month)", "≤ 200 MB", 200, unit="MB")
    everything = Row("peak memory of `thekiz list` (all events)", "≤ 200 MB", 200,
                     unit="MB")
    rows += [month, everything]
    exe = Path(sys.executable).with_name("thekiz")
    if not exe.exists():
        month.note = everything.note = "no thekiz command"
        return
    reps = 2 if quick else 3
    base = [str(exe), "--db", str(path), "list"]
    try:
        last = span.month_end() - dt.timedelta(days=1)
        month.samples = [
            peak_rss_mb([*base, "--from", span.busiest.isoformat(), "--to", last.isoformat()])
            for _ in range(reps)
        ]
        everything.samples = [
            peak_rss_mb([*base, "--from", span.first.isoformat(), "--to", span.last.isoformat()])
            for _ in range(reps)
        ]
    except RuntimeError as error:
        month.note = everything.note = str(error).splitlines()[-1][:80]


def bench_long_list(tmp: Path, rows: list[Row], quick: bool) -> None:
    """A whole ``thekiz list`` process over 41 years of a store imported from 36 yearly
    series: each month of the window must not walk every rule from its start."""
    row = Row("`thekiz list` 2000–2040 of 36 yearly series (whole process)", "≤ 1 s", 1000)
    rows.append(row)
    exe = Path(sys.executable).with_name("thekiz")
    if not exe.exists():
        row.note = "no thekiz command"
        return
    folder = tmp / "long-window"
    folder.mkdir(exist_ok=True)
    source = folder / "yearly.ics"
    source.write_bytes(data.yearly_rules_ics(36))
    db = str(folder / "plan.json")
    subprocess.run([str(exe), "--db", db, "import", str(source)], check=True,
                   capture_output=True)
    cmd = [str(exe), "--db", db, "list", "--from", "2000-01-01", "--to", "2040-12-31"]
    lines = 0

    def once() -> None:
        nonlocal lines
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        lines = done.stdout.count("\n")

    row.samples = timed(once, 3 if quick else 7)
    row.note = f"{lines - 2:,} occurrences listed"


def bench_ui(store: Store, path: Path, span: Span, rows: list[Row], quick: bool) -> None:
    """The planner in a real pseudo-terminal, on the busiest month of the store."""
    from . import ui

    case = ui.find_form_case(store, span.busiest)
    reps = 5 if quick else 11
    planner, minimal = ui.start_times(path, case.busy, 5 if quick else 15)
    planner_ms = [s * 1000 for s in planner]
    minimal_ms = [s * 1000 for s in minimal]
    ratio = Row("start to the first painted month view, ÷ a minimal Textual app's start",
                "≤ 1.3 ×", 1.3, unit="×",
                samples=[p / statistics.median(minimal_ms) for p in planner_ms],
                note="both measured alternately in this run, spawn to painted screen")
    rows.append(ratio)
    rows.append(Row("  … the planner: spawn to the painted month with its events", "", None,
                    samples=planner_ms, note=f"{case.busy:%m/%Y}"))
    rows.append(Row("  … baseline: a minimal Textual app showing one label", "", None,
                    samples=minimal_ms))
    switches = ui.switch_times(path, case.busy, reps)
    rows.append(Row("switching the month (key to painted)", "≤ 30 ms", 30,
                    samples=switches["month"], note="pty, read back through pyte"))
    # Over SSH every byte of a frame crosses the link: a whole 100x30 screen in 256
    # colours was about 48 kB as Textual writes it, under 0.4 s at 1 Mbit/s (a weak mobile
    # link). A switch repaints the grid, the top bar and the findings only, in one frame,
    # with colour codes sent as changes (thekiz_tui/lean_output.py): 16 kB is a third of
    # that screen, 0.13 s at 1 Mbit/s.
    xterm = ui.switch_bytes(path, case.busy, 3 if quick else 5, "xterm")
    rows.append(Row("bytes sent per month switch at 100x30", "≤ 16 kB", 16_000, unit="B",
                    samples=switches["bytes"],
                    note="all the planner writes for one `]` or `[`, TERM=xterm-256color; "
                         f"TERM=xterm (16 colours): {statistics.median(xterm) / 1000:.1f} kB"))
    rows.append(Row("switching the view, month ↔ week", "≤ 30 ms", 30,
                    samples=switches["view"]))
    rows.append(Row("moving the selection by a day", "≤ 30 ms", 30,
                    samples=switches["select"]))
    rows.append(Row("one keystroke in the event form, live findings included", "≤ 20 ms", 20,
                    samples=ui.form_keystroke_times(path, case, reps),
                    note=f"date field {case.busy:%d.%m.} ↔ {case.free:%d.%m.}, "
                         "echo and findings painted"))


def bench_baselines(store: Store, tmp: Path, rows: list[Row], quick: bool) -> None:
    from tinydb import TinyDB

    docs = [e.to_dict() for e in store.events()]
    db = TinyDB(tmp / "tinydb-default.json")  # TinyDB's own JSONStorage
    db.insert_multiple(docs[:10_000])
    counter = iter(range(10**6))
    rows.append(Row("baseline: TinyDB default JSONStorage, one insert at 10,000 docs",
                    "(issue: ~165 ms)", None,
                    samples=timed(lambda: db.insert(dict(docs[next(counter)])),
                                  5 if quick else 10)))
    db.close()

    target = tmp / "all.json"

    def dump_all() -> None:
        payload = orjson.dumps({"events": {d["id"]: d for d in docs}})
        tmp_file = target.with_name(".all.json.tmp")
        fd = os.open(tmp_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_file, target)

    rows.append(Row(f"baseline: orjson dump + fsync + rename of all {len(docs):,} events",
                    "", None, samples=timed(dump_all, 3 if quick else 5)))


# -- report ------------------------------------------------------------------------------


def machine() -> str:
    cores = os.cpu_count()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = cores
    return (f"{platform.system()} {platform.machine()}, {cores} cores "
            f"({affinity} usable), Python {platform.python_version()}")


def table(rows: list[Row]) -> list[str]:
    lines = ["| measurement | target | median | p90 | n | verdict | note |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.target} | {fmt(r.median, r.unit)} | {fmt(r.p90, r.unit)} | "
            f"{len(r.samples)} | {r.verdict} | {r.note} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS}")
    parser.add_argument("--dir", help="build the store here (default: a temporary folder)")
    parser.add_argument("--only", help="run only these steps, comma-separated "
                        "(edits, open, conflicts, ical, memory, longlist, baselines, "
                        "planner, feed, commands)")
    parser.add_argument("--generator", choices=("demo", "bench"), default="demo",
                        help="thekiz_tui.demo (default, when present) or bench/data.py")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="thekiz-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "plan.json"
    try:
        print(f"building a store of {args.events:,} events in {tmp} …", flush=True)
        t0 = time.perf_counter()
        store, source = build(path, args.events, args.seed, args.generator)
        built = time.perf_counter() - t0
        count = len(store.events())
        span = Span.of(store)
        n_coaches, n_kitas = len(store.coaches()), len(store.kitas())
        print(f"  {count:,} events from {source} in {built:.1f} s", flush=True)

        rows: list[Row] = []
        steps: list[tuple[str, Callable[[], None]]] = [
            ("edits", lambda: bench_edits(store, span, rows, 15 if args.quick else 40)),
            ("open", lambda: bench_open_month(path, span, rows, 10 if args.quick else 30)),
            ("conflicts", lambda: bench_conflicts(store, path, span, rows, args.quick)),
            ("ical", lambda: bench_ical(store, tmp, rows, args.quick)),
            ("memory", lambda: bench_memory(path, span, rows, args.quick)),
            ("longlist", lambda: bench_long_list(tmp, rows, args.quick)),
            ("baselines", lambda: bench_baselines(store, tmp, rows, args.quick)),
            ("planner", lambda: bench_ui(store, path, span, rows, args.quick)),
            ("feed", lambda: bench_feed(store, path, rows, args.quick)),
            ("commands", lambda: bench_commands(path, tmp, rows, args.quick)),
        ]
        only = set(args.only.split(",")) if args.only else None
        for name, step in steps:
            if only is not None and name not in only:
                continue
            print(f"measuring {name} …", flush=True)
            step()
    finally:
        if not args.dir:
            shutil.rmtree(tmp, ignore_errors=True)

    total = time.perf_counter() - began
    now = dt.datetime.now().astimezone()
    head = [
        "# thekiz benchmark",
        "",
        f"Run {now:%Y-%m-%d %H:%M %Z} on {machine()}; store folder on "
        f"{'a temporary folder' if not args.dir else args.dir}.",
        f"Store: {count:,} events from {span.first} to {span.last} (some recurring), "
        f"{n_coaches} coaches, {n_kitas} Kitas, built by {source} in {built:.1f} s. "
        f"Whole run: {total:.0f} s.",
        "Medians and 90th percentiles of repeated runs (n); an edit is timed from the "
        "call to its return, which is after the fsync of the file and its folder.",
        "",
    ]
    report = [*head, *table(rows), ""]
    print()
    print("\n".join(report))
    if not args.no_write:
        RESULTS.write_text("\n".join(report), encoding="utf-8")
        print(f"written to {RESULTS}")
        if update_readme("\n".join(report[2:]).strip()):
            print(f"and into {README}")
    missed = [r.name for r in rows if r.verdict == "MISSED"]
    return 1 if missed and os.environ.get("THEKIZ_BENCH_STRICT") else 0


README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(figures: str) -> bool:
    """Put the latest figures between the README's markers, so that it quotes them."""
    try:
        text = README.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    if START not in text or END not in text:
        return False
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{figures}\n{END}{after}", encoding="utf-8")
    return True


if __name__ == "__main__":
    sys.exit(main())
