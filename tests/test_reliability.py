"""Reliability of the store under real conditions: many writing processes at once, a
writer killed at random moments, a full disk and a read-only file system.

Each test counts rounds of work, never seconds, so that a busy machine only makes it slower.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from conftest import snapshot, temp_files

from store import Event, Store, StoreWriteError, new_id

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "helpers" / "store_worker.py"


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=worker_env(), cwd=ROOT,
    )


def make_event(month: int = 3, day: int = 4, **kw: object) -> Event:
    values: dict[str, object] = {
        "id": new_id("e"), "kind": "begleitung",
        "start": f"2025-{month:02d}-{day:02d}T09:30:00+01:00",
        "end": f"2025-{month:02d}-{day:02d}T11:00:00+01:00",
        "title": "Begleitung", "coaches": ["c-anna"], "kita": "k-sonne",
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


def all_files_valid(db_path: Path) -> None:
    folder = db_path.with_name(db_path.name + ".d")
    for path in [db_path, *folder.glob("*.json")]:
        assert isinstance(orjson.loads(path.read_bytes()), dict), path


# -- many writers at once ----------------------------------------------------------------


@pytest.mark.slow
def test_eight_processes_hundred_changes_each(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    Store.open(db)
    stop = tmp_path / "stop"
    reader = spawn("reader", str(db), str(stop))
    writers = [spawn("changes", str(db), str(w), "100") for w in range(8)]
    try:
        outputs = [w.communicate(timeout=120) for w in writers]
    finally:
        stop.touch()
        for w in writers:
            if w.poll() is None:
                w.kill()
        reader_out, reader_err = reader.communicate(timeout=30)
    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err[-2000:]
        assert len(out.splitlines()) == 100
    assert reader.returncode == 0, reader_out + reader_err[-2000:]
    rounds = int(reader_out.split()[1])
    assert rounds > 5, "the reader hardly ran during the writes"

    store = Store.open(db)
    events = store.events()
    assert len({e.id for e in events}) == len(events)
    for worker in range(8):
        mine = [e for e in events if e.id.startswith(f"e-w{worker}-")]
        seen = {int(i) for e in mine for i in e.notes.split(";") if i}
        assert seen == set(range(100)), f"worker {worker} lost changes"
        # Each acknowledged state is the current one (only the worker changes its events).
        last: dict[str, tuple[int, str]] = {}
        for line in outputs[worker][0].splitlines():
            _, event_id, seq, title = line.split()
            last[event_id] = (int(seq), title)
        assert {e.id: (e.sequence, e.title) for e in mine} == last
    all_files_valid(db)
    assert temp_files(tmp_path) == []
    assert not store.journal.exists()


# -- killed writers ----------------------------------------------------------------------


def parse_acks(out: str) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """The last acknowledged (sequence, title) per event, and the ids of batch events."""
    acked: dict[str, tuple[int, str]] = {}
    batched: set[str] = set()
    for line in out.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # cut off by the kill: not acknowledged
        parts = line.split()
        if parts[0] in ("A", "U"):
            acked[parts[1]] = (int(parts[2]), parts[3])
        elif parts[0] == "B":
            batched.update(parts[1].split(","))
    return acked, batched


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_change(tmp_path: Path) -> None:
    db = tmp_path / "plan.json"
    Store.open(db)
    rng = random.Random(20250304)
    acked: dict[str, tuple[int, str]] = {}
    batched: set[str] = set()
    kills = changes = 0
    # Counts, not a deadline: on a busy machine the rounds take longer and a writer
    # acknowledges fewer changes before its kill, so there are more rounds, never fewer.
    while kills < 60 or changes < 100:
        assert kills < 3000, f"the writers acknowledged only {changes} changes in {kills} kills"
        seed = rng.randrange(3)  # a few writers continue the events of earlier rounds
        proc = spawn("forever", str(db), str(seed))
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        assert ready == "READY\n", ready + (proc.stderr.read() if proc.stderr else "")
        time.sleep(rng.uniform(0.005, 0.2))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL, err[-2000:]
        kills += 1
        round_acked, round_batched = parse_acks(out)
        changes += len(round_acked) + len(round_batched)
        acked.update(round_acked)
        batched |= round_batched

        # After every kill: the store opens, every file is valid JSON, nothing acked lost.
        store = Store.open(db)
        events = {e.id: e for e in store.events()}
        assert not store.journal.exists()
        all_files_valid(db)
        for event_id, (seq, title) in acked.items():
            assert event_id in events, f"acknowledged {event_id} lost after kill {kills}"
            found = events[event_id]
            # A change that was done but not yet printed may have come after it.
            assert found.sequence >= seq
            if found.sequence == seq:
                assert found.title == title
        missing = batched - set(events)
        assert not missing, f"acknowledged batch events lost: {sorted(missing)[:3]}"
        # Keep what is on disk now as the new reference for sequences.
        for event_id in acked:
            acked[event_id] = (events[event_id].sequence, events[event_id].title)
    leftovers = temp_files(tmp_path)
    # Killed writers leave temporary files; the next writer removes them.
    Store.open(db).add_event(make_event())
    assert temp_files(tmp_path) == []
    sys.stderr.write(f"{kills} kills, {changes} acknowledged changes, "
                     f"{len(acked) + len(batched)} events, {len(leftovers)} stale tmp files\n")


# -- full disk ---------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(size: str) -> Iterator[Path | None]:
    """A real small file system, when we may mount one (root, outside a strict sandbox)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="thekiz-tmpfs-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True, timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        folder.rmdir()
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` up to the last byte."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        size = len(chunk)
        while size:
            try:
                f.write(chunk[:size])
            except OSError as error:
                assert error.errno == errno.ENOSPC
                size //= 2
    return filler


def seeded(db: Path) -> tuple[Store, list[Event]]:
    store = Store.open(db)
    events = store.put_events([make_event(month=m) for m in range(1, 5)])
    store.update_event(dataclasses.replace(events[0], title="zweite Fassung"), 0)
    return store, store.events()


def assert_write_refused(store: Store, db: Path, events: list[Event], reason: str) -> None:
    folder = db.parent
    before = snapshot(folder)
    attempts = [
        lambda: store.add_event(make_event(month=2)),
        lambda: store.update_event(dataclasses.replace(events[1], title="nie"),
                                   events[1].sequence),
        lambda: store.put_events([make_event(month=m) for m in range(1, 8)]),
        lambda: store.update_event(
            dataclasses.replace(events[2], start="2025-11-03T09:00:00+01:00",
                                end="2025-11-03T10:00:00+01:00"), events[2].sequence),
    ]
    for attempt in attempts:
        with pytest.raises(StoreWriteError) as info:
            attempt()
        message = str(info.value)
        assert reason in message, message
        assert "Die bisherigen Daten sind unverändert" in message
        assert str(db) in message or str(db.parent) in message
    assert snapshot(folder) == before
    assert temp_files(folder) == []
    assert not store.journal.exists()
    # Still readable, by this object and by a new one.
    expected = {(e.id, e.sequence, e.title) for e in events}
    assert {(e.id, e.sequence, e.title) for e in store.events()} == expected
    assert {(e.id, e.sequence, e.title) for e in Store.open(db).events()} == expected


def test_full_disk_real(tmp_path: Path) -> None:
    with small_tmpfs("256k") as mounted:
        if mounted is None:
            pytest.skip("cannot mount a tmpfs here; test_full_disk_injected covers it")
        db = mounted / "plan.json"
        store, events = seeded(db)
        filler = fill(mounted)
        try:
            assert_write_refused(store, db, events, "kein Platz mehr auf dem Datenträger")
        finally:
            filler.unlink()
        # With room again, writing works.
        store.add_event(make_event(month=2))
        assert len(Store.open(db).events()) == len(events) + 1


def test_full_disk_injected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "plan.json"
    store, events = seeded(db)
    real_write = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        # Half of the first chunk gets through, as on a real disk that fills up.
        if len(data) > 1:
            real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)
    assert_write_refused(store, db, events, "kein Platz mehr auf dem Datenträger")
    monkeypatch.undo()
    store.add_event(make_event(month=2))
    assert len(Store.open(db).events()) == len(events) + 1


# -- read-only ---------------------------------------------------------------------------


def test_read_only_file_system_real(tmp_path: Path) -> None:
    """As root chmod stops nothing; a read-only mount stops root too."""
    with small_tmpfs("4m") as mounted:
        if mounted is None:
            pytest.skip("cannot mount a tmpfs here; test_read_only_injected covers it")
        db = mounted / "plan.json"
        store, events = seeded(db)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mounted)],
                                 capture_output=True, timeout=10)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr!r}")
        try:
            with pytest.raises(OSError):
                (mounted / "probe").write_bytes(b"x")  # really read-only, also for root
            assert_write_refused(store, db, events, "schreibgeschützt")
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mounted)], capture_output=True,
                           timeout=10)


def chattr(flag: str, *paths: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True,
                          timeout=10)
    return done.returncode == 0


def test_immutable_files(tmp_path: Path) -> None:
    """``chattr +i`` on the store's files and folders: root cannot replace them either."""
    db = tmp_path / "plan.json"
    store, events = seeded(db)
    folder = db.with_name(db.name + ".d")
    targets = [db, folder, *folder.glob("*.json"), tmp_path]
    if not chattr("+i", *targets):
        chattr("-i", *targets)
        pytest.skip("chattr +i is not possible here")
    try:
        with pytest.raises(OSError):
            (tmp_path / "probe").write_bytes(b"x")
        assert_write_refused(store, db, events, "keine Schreibrechte")
    finally:
        chattr("-i", *targets)
    store.add_event(make_event(month=2))


@pytest.mark.parametrize("code, reason", [
    (errno.EROFS, "schreibgeschützt"),
    (errno.EACCES, "keine Schreibrechte"),
    (errno.EDQUOT, "Speicherkontingent erschöpft"),
])
def test_read_only_injected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    db = tmp_path / "plan.json"
    store, events = seeded(db)
    real_open = os.open
    spare_lock = False

    def refusing_open(path: str | os.PathLike[str], flags: int, *args: int,
                      **kw: int) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and not (spare_lock and str(path).endswith(".lock")):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", refusing_open)
    # The lock file is opened for writing first: already that gives the clear error.
    assert_write_refused(store, db, events, reason)
    # Past the lock: the data files themselves refuse.
    spare_lock = True
    assert_write_refused(store, db, events, reason)


def test_store_folder_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_bytes(b"kein Ordner")
    with pytest.raises(StoreWriteError):
        Store.open(blocker / "unter" / "plan.json")

