"""Worker processes for tests/test_reliability.py.

    store_worker.py changes DB WORKER N     N adds and updates, then exit
    store_worker.py forever DB SEED         adds, updates, moves and batches until killed
    store_worker.py reader DB STOPFILE      read every file again and again until STOPFILE

Writers print one line per change right after the store acknowledged it (the call
returned), flushed:

    A <id> <seq> <title>        added
    U <id> <seq> <title>        updated (or moved to another month)
    B <id>,<id>,...             a batch (put_events) of new events
"""

from __future__ import annotations

import dataclasses
import os
import random
import secrets
import sys
import time
from pathlib import Path

import orjson

from store import CorruptStore, Event, Store


def event(event_id: str, month: int, day: int, title: str, **kw: object) -> Event:
    hour = 8 + day % 9
    values: dict[str, object] = {
        "id": event_id,
        "kind": "begleitung",
        "start": f"2025-{month:02d}-{day:02d}T{hour:02d}:00:00+01:00",
        "end": f"2025-{month:02d}-{day:02d}T{hour:02d}:45:00+01:00",
        "title": title,
        "coaches": [f"c-{day % 10}"],
        "kita": f"k-{day % 70}",
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


def moved(current: Event, rng: random.Random, title: str) -> Event:
    month, day = rng.randint(1, 4), rng.randint(1, 28)
    other = event(current.id, month, day, title)
    return dataclasses.replace(current, start=other.start, end=other.end, title=title)


def ack(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def changes(db: str, worker: int, count: int) -> None:
    """``count`` changes: about 60 % adds, the rest updates of this worker's own events;
    some updates move an event to another month (a commit over several files), some
    events recur (they live in the main file)."""
    rng = random.Random(worker)
    store = Store.open(db)
    mine: dict[str, Event] = {}
    for i in range(count):
        title = f"w{worker}-{i}"
        if not mine or rng.random() < 0.6:
            rrule = "FREQ=WEEKLY" if rng.random() < 0.1 else None
            new = event(f"e-w{worker}-{i}", rng.randint(1, 4), rng.randint(1, 28), title,
                        rrule=rrule, notes=f"{i};")
            saved = store.add_event(new)
            ack(f"A {saved.id} {saved.sequence} {title}")
        else:
            current = mine[rng.choice(sorted(mine))]
            notes = current.notes + f"{i};"
            if rng.random() < 0.3:
                change = dataclasses.replace(moved(current, rng, title), notes=notes)
            else:
                change = dataclasses.replace(current, title=title, notes=notes)
            saved = store.update_event(change, expected_sequence=current.sequence)
            ack(f"U {saved.id} {saved.sequence} {title}")
        mine[saved.id] = saved


def forever(db: str, seed: int) -> None:
    rng = random.Random(seed)
    store = Store.open(db)
    existing = [e for e in store.events() if e.id.startswith(f"e-s{seed}-")]
    prefix = f"e-s{seed}-{secrets.token_hex(3)}"  # new ids of this round
    ack("READY")
    i = 0
    while True:
        i += 1
        title = f"s{seed}-{i}"
        roll = rng.random()
        if roll < 0.45 or not existing:
            saved = store.add_event(
                event(f"{prefix}-{i}", rng.randint(1, 4), rng.randint(1, 28), title)
            )
            existing.append(saved)
            ack(f"A {saved.id} {saved.sequence} {title}")
        elif roll < 0.85:
            index = rng.randrange(len(existing))
            current = existing[index]
            change = (moved(current, rng, title) if rng.random() < 0.5
                      else dataclasses.replace(current, title=title))
            saved = store.update_event(change, expected_sequence=current.sequence)
            existing[index] = saved
            ack(f"U {saved.id} {saved.sequence} {title}")
        else:
            batch = [
                event(f"{prefix}-{i}-{j}", rng.randint(1, 4), rng.randint(1, 28), title)
                for j in range(rng.randint(2, 6))
            ]
            saved_batch = store.put_events(batch)
            existing.extend(saved_batch)
            ack("B " + ",".join(e.id for e in saved_batch))


def reader(db: str, stop: str) -> None:
    """Read every file of the store, raw and through a fresh Store, until ``stop`` exists.
    Exit 1 at the first file that is not valid JSON or any CorruptStore."""
    main = Path(db)
    folder = main.with_name(main.name + ".d")
    rounds = files = 0
    while not os.path.exists(stop):
        paths = [main, *folder.glob("*.json"), *main.parent.glob("*.bak"),
                 *folder.glob("*.bak")]
        for path in paths:
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue  # a .bak not made yet
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                ack(f"INVALID {path}: {error}: {raw[:80]!r}")
                sys.exit(1)
            if not isinstance(data, dict):
                ack(f"INVALID {path}: not an object")
                sys.exit(1)
            files += 1
        try:
            Store.open(db).events()
        except CorruptStore as error:
            ack(f"CORRUPT {error}")
            sys.exit(1)
        rounds += 1
        time.sleep(0.001)
    ack(f"OK {rounds} {files}")


def main() -> None:
    mode, db, arg, *rest = sys.argv[1:]
    if mode == "changes":
        changes(db, int(arg), int(rest[0]))
    elif mode == "forever":
        forever(db, int(arg))
    elif mode == "reader":
        reader(db, arg)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
