"""The store: coaches, Kitas, settings, acknowledgements and events on disk.

Layout for ``--db plan.json``::

    plan.json            main file: schema, settings, coaches, Kitas, acks, series
    plan.json.d/2025-03.json   the events that start in March 2025
    plan.json.lock       the writers' lock
    plan.json.journal    only during a commit that touches several files
    *.bak                the last good copy of each file

Every file is a TinyDB database on :class:`AtomicJSONStorage`. Writers hold a file lock
and read fresh state inside it; readers need no lock because every file is replaced
atomically. Recurring events and events that span more than one month boundary live in
the main file's ``series`` table, so that reading a month needs that month's file, the one
before it, and the main file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

import orjson
from tinydb import TinyDB
from tinydb.table import Document, Table

from . import paths
from .errors import AlreadyExists, ChangedElsewhere, NewerSchema, NotFound, StoreWriteError
from .paths import Signature, signature
from .records import Ack, Coach, Event, Kita, utc_now
from .schema import MONEY_SETTINGS, SCHEMA_VERSION, STEPS, as_text, version_of
from .storage import (
    AtomicJSONStorage,
    Transaction,
    apply_access,
    check_owner,
    file_access,
    load,
    make_folder,
    roll_forward,
    sweep_stale,
)

if TYPE_CHECKING:
    from filelock import FileLock

R = TypeVar("R")

SERIES = "series"
MAIN_TABLES = ("meta", "settings", "coaches", "kitas", "acks", SERIES)
# Why a write fails for a store that may only be read (not a full disk: that is said)
_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class _Table(Table):
    """Our ids are strings we choose, never TinyDB's cached integer counter."""

    document_id_class = str  # type: ignore[assignment]

    # TinyDB's annotations say ids are ints; ours are strings. These wrappers keep the
    # casts in one place.
    def has(self, doc_id: str) -> bool:
        return self.contains(doc_id=cast(int, doc_id))

    def drop(self, doc_ids: Iterable[str]) -> None:
        present = [cast(int, d) for d in doc_ids if self.has(d)]
        if present:
            self.remove(doc_ids=present)

    def put(self, doc_id: str, doc: dict[str, Any]) -> None:
        self.drop([doc_id])
        self.insert(Document(doc, doc_id=cast(int, doc_id)))

    def put_many(self, docs: dict[str, dict[str, Any]]) -> None:
        self.drop(docs)
        self.insert_multiple(Document(doc, doc_id=cast(int, i)) for i, doc in docs.items())


class _DB(TinyDB):
    table_class = _Table

    @property
    def atomic(self) -> AtomicJSONStorage:
        storage = self.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _prev_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def partition_of(event: Event) -> str:
    """Where an event lives: its start month, or ``series`` (recurring or long)."""
    if event.series:
        return SERIES
    start, end = event.start[:7], event.end[:7]
    if end > start and _prev_month(end) != start:
        # Spans more than one month boundary: a month read would miss it otherwise.
        return SERIES
    return start


class _Batch:
    def __init__(self) -> None:
        self.removals: dict[str, list[str]] = {}
        self.inserts: dict[str, dict[str, dict[str, Any]]] = {}


class Store:
    """One store on disk. Thread-safe within a process, safe across processes."""

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> None:
        self.path = paths.main_file(path)
        self.events_dir = paths.events_dir(self.path)
        self.journal = paths.journal(self.path)
        self.lock_timeout = lock_timeout
        self._file_lock: FileLock | None = None  # made on the first write (see _lock)
        self._mutex = threading.RLock()
        self._dbs: dict[str, _DB] = {}
        self._parsed: dict[str, tuple[Signature, list[Event], dict[str, Event]]] = {}
        # the coaches and Kitas, parsed once per version of the main file (see _records)
        self._parsed_records: dict[str, tuple[Signature, dict[str, Any], list[Any]]] = {}
        self._where: dict[str, str] = {}
        self._tx: Transaction | None = None
        self._indexed = False
        self._swept = False

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> Store:
        store = cls(path)
        store._prepare(create)
        return store

    def _prepare(self, create: bool) -> None:
        check_owner(self.path)  # before anything is written, even a roll-forward
        if self.journal.exists():
            with self._locked():
                roll_forward(self.journal)
        tables = load(self.path)
        if tables is None:
            if not create:
                raise NotFound("Datenbank", str(self.path))
            self._create()
            return
        version = version_of(tables)
        if version > SCHEMA_VERSION:
            raise NewerSchema(self.path, version, SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            try:
                self._migrate()
            except StoreWriteError as error:
                # A schema 2 file she may only read (a read-only copy or mount) is read as
                # it is (amounts as numbers: records and euros read both); the migration
                # waits for an open that may write, and so does every write.
                if version < 2 or error.errno not in _READ_ONLY:
                    raise

    def _create(self) -> None:
        try:
            make_folder(self.path.parent, file_access(self.path))
        except OSError as error:
            raise StoreWriteError(self.path, error) from error
        with self._locked():
            if load(self.path) is not None:
                return  # another process was quicker
            empty: dict[str, dict[str, Any]] = {name: {} for name in MAIN_TABLES}
            empty["meta"] = {"schema": {"version": SCHEMA_VERSION, "created": utc_now()}}
            self._db("main").atomic.write(empty)

    def _migrate(self) -> None:
        with self.transaction():
            tables = load(self.path)
            assert tables is not None
            version = version_of(tables)
            if version >= SCHEMA_VERSION:
                return  # another process migrated it meanwhile: its backup of the old stays
            events: list[dict[str, Any]] = []
            while version < SCHEMA_VERSION:
                tables, moved = STEPS[version](tables)
                events.extend(moved)
                version = version_of(tables)
            self._db("main").atomic.write(tables)
            self._put_event_dicts(events)

    # -- plumbing --------------------------------------------------------------------

    def _make_lock_file(self) -> None:
        """The lock file, made here (not by filelock, which would use the umask's mode)
        with the main file's mode and owner: every writer must be able to open it."""
        lock = self.path.with_name(self.path.name + ".lock")
        if os.path.lexists(lock):
            return
        # (the lock holds nothing, but its owner must open it for writing: a lock made
        # while the admin had the main file read-only would otherwise refuse every write
        # after she made it writable again)
        access = file_access(lock)
        access = access._replace(mode=access.mode | 0o200)
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
        except FileExistsError:
            return
        try:
            apply_access(fd, access)
        finally:
            os.close(fd)

    def _lock(self) -> FileLock:
        """The lock of the store's files, made when first needed: filelock (with the
        logging it imports) costs about 10 ms to import, and a read without a journal
        to roll forward never locks (the planner's first month is read that way)."""
        with self._mutex:
            if self._file_lock is None:
                from filelock import FileLock

                self._file_lock = FileLock(
                    str(self.path) + ".lock",
                    timeout=self.lock_timeout,
                    thread_local=False,
                    preserve_lock_file=True,
                )
            return self._file_lock

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import Timeout

        lock = self._lock()
        try:
            self._make_lock_file()
            lock.acquire()
        except Timeout:
            from .errors import StoreBusy

            raise StoreBusy(self.path, self.lock_timeout) from None
        except OSError as error:
            raise StoreWriteError(self.path, error) from error
        try:
            yield
        finally:
            lock.release()

    def _db(self, key: str) -> _DB:
        db = self._dbs.get(key)
        if db is None:
            path = self.path if key == "main" else self.events_dir / f"{key}.json"
            db = _DB(path, storage=AtomicJSONStorage)
            self._dbs[key] = db
        if self._tx is not None:
            db.atomic.transaction = self._tx
        return db

    def _table(self, key: str, name: str) -> _Table:
        table = self._db(key).table(name, cache_size=0)
        assert isinstance(table, _Table)
        return table

    def _raw(self, key: str, name: str) -> dict[str, Any]:
        tables = self._db(key).atomic.read() or {}
        return tables.get(name, {})

    def _check_journal(self) -> None:
        if self.journal.exists():
            with self._locked():
                roll_forward(self.journal)

    def partitions(self) -> list[str]:
        """The month keys that hold events, sorted."""
        try:
            names = os.listdir(self.events_dir)
        except FileNotFoundError:
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and len(n) == 12)

    def _events_of(self, key: str) -> list[Event]:
        """Events of one partition, parsed once per version of its file."""
        return self._parse(key)[0]

    def _parse(self, key: str) -> tuple[list[Event], dict[str, Event]]:
        """The events of one partition, as a list and by id; cached per file version.

        Inside a transaction the cache serves every file the transaction has not
        touched yet (their data is what is on disk); staged files are parsed afresh,
        since TinyDB edits the staged tables in place.
        """
        storage = self._db("main" if key == SERIES else key).atomic
        staged = self._tx is not None and storage in self._tx.staged
        cached = self._parsed.get(key)
        if cached is not None and not staged and cached[0] == signature(storage.path):
            return cached[1], cached[2]
        tables = storage.read() or {}
        docs = tables.get(SERIES if key == SERIES else "events", {})
        version = None if staged else storage.version
        # The parsed events serve reads; the raw documents of a month are read again
        # only to write, so they are dropped below (halves the memory of a big store)
        # and the events may keep their lists. Other raw data stays cached: copy.
        release = version is not None and key != SERIES
        from_dict = Event.from_dict
        events = [from_dict(doc, copy=not release) for doc in docs.values()]
        by_id = {event.id: event for event in events}
        self._where.update(dict.fromkeys(by_id, key))
        if version is not None:
            self._parsed[key] = (version, events, by_id)
            if release:
                storage.release()
        return events, by_id

    def release(self) -> None:
        """Forget the parsed events of the month files, to bound memory while a
        caller walks a long range month by month. The next read parses again."""
        with self._mutex:
            for key in [k for k in self._parsed if k != SERIES]:
                del self._parsed[key]
                self._db(key).atomic.release()

    # -- reading ---------------------------------------------------------------------

    def _records(self, name: str, parse: Callable[[dict[str, Any]], R]) -> list[R]:
        """The records of the main file's table ``name``, parsed once per version of the
        file: the event form's live check reads every Kita on each keystroke (332 of
        them parse and validate in about a millisecond). Shared like the events: treat
        them as read-only. Staged tables (a transaction) are parsed afresh."""
        storage = self._db("main").atomic
        raw = self._raw("main", name)
        version = storage.version
        if version is None or (self._tx is not None and storage in self._tx.staged):
            return [parse(d) for d in raw.values()]
        cached = self._parsed_records.get(name)
        if cached is not None and cached[0] == version and cached[1] is raw:
            return list(cached[2])
        records = [parse(d) for d in raw.values()]
        self._parsed_records[name] = (version, raw, records)
        return list(records)

    def coaches(self) -> list[Coach]:
        """Every coach (shared with the store's cache: change copies)."""
        with self._mutex:
            self._check_journal()
            return self._records("coaches", Coach.from_dict)

    def kitas(self) -> list[Kita]:
        """Every Kita (shared with the store's cache: change copies)."""
        with self._mutex:
            self._check_journal()
            return self._records("kitas", Kita.from_dict)

    def coach(self, coach_id: str) -> Coach:
        with self._mutex:
            doc = self._raw("main", "coaches").get(coach_id)
            if doc is None:
                raise NotFound("Prozessbegleiter*in", coach_id)
            return Coach.from_dict(doc)

    def kita(self, kita_id: str) -> Kita:
        with self._mutex:
            doc = self._raw("main", "kitas").get(kita_id)
            if doc is None:
                raise NotFound("Kita", kita_id)
            return Kita.from_dict(doc)

    def settings(self) -> dict[str, Any]:
        with self._mutex:
            return {k: v["value"] for k, v in self._raw("main", "settings").items()}

    def acks(self) -> list[Ack]:
        with self._mutex:
            return [Ack.from_dict(d) for d in self._raw("main", "acks").values()]

    def events(self, start: date | None = None, end: date | None = None, *,
               may_hold: Callable[[bytes], bool] | None = None) -> list[Event]:
        """Events that may touch the days ``[start, end)``: a superset, never fewer.

        Without bounds: all events. The result is shared with the store's cache: treat
        the events as read-only and change copies (``dataclasses.replace``).
        ``may_hold`` is asked with the bytes of each month file not parsed yet; a file it
        says cannot hold what the caller looks for is skipped, not parsed (``search``).
        """
        with self._mutex:
            self._check_journal()
            keys = self.partitions()
            if start is not None:
                first = _prev_month(_month_key(start))
                keys = [k for k in keys if k >= first]
            if end is not None:
                last = _month_key(date.fromordinal(end.toordinal() - 1))
                keys = [k for k in keys if k <= last]
            out = list(self._events_of(SERIES))
            for key in keys:
                if may_hold is None or self._may_hold(key, may_hold):
                    out.extend(self._events_of(key))
            return out

    def event(self, event_id: str) -> Event:
        """One event, as a copy the caller may change."""
        with self._mutex:
            found = self._find(event_id)
            if found is None:
                raise NotFound("Termin", event_id)
            return Event.from_dict(found[1].to_dict())

    def event_by_uid(self, uid: str) -> Event | None:
        with self._mutex:
            for event in self.events():
                if event.uid == uid:
                    return event
            return None

    def is_empty(self) -> bool:
        with self._mutex:
            return not (
                self._raw("main", "coaches")
                or self._raw("main", "kitas")
                or self._raw("main", SERIES)
                or self.partitions()
            )

    def _find(self, event_id: str) -> tuple[str, Event] | None:
        key = self._where.get(event_id)
        if key is not None and (key == SERIES or key in self.partitions()):
            found = self._parse(key)[1].get(event_id)
            if found is not None:
                return key, found
        if self._tx is not None and self._indexed:
            return None  # the index of this transaction is complete
        # A month file whose bytes do not hold the id as a JSON string cannot hold the
        # event: read, not parsed (an add to a store of 50,000 events reads 120 files).
        # (or one another tool wrote with escaped characters, "m\\u00fcller": parsed)
        needle = orjson.dumps(event_id)

        def may_hold(data: bytes) -> bool:
            return needle in data or b"\\u" in data

        for key in [SERIES, *self.partitions()]:
            if key != SERIES and not self._may_hold(key, may_hold):
                continue
            found = self._parse(key)[1].get(event_id)
            if found is not None:
                return key, found
        return None

    def _may_hold(self, key: str, test: Callable[[bytes], bool]) -> bool:
        """Whether the month file ``key`` may hold what ``test`` looks for in its bytes:
        a parsed or staged file may (it is at hand), else its bytes are asked."""
        storage = self._db(key).atomic
        if (self._tx is not None and storage in self._tx.staged) or key in self._parsed:
            return True
        try:
            return test(storage.path.read_bytes())
        except FileNotFoundError:
            return False

    # -- writing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All changes inside are committed together, or none of them.

        Yields the store itself: inside, reads are fresh under the lock and writes are
        staged until the block ends.
        """
        with self._mutex:
            if self._tx is not None:  # nested: join the outer transaction
                yield self
                return
            with self._locked():
                roll_forward(self.journal)
                if not self._swept:
                    sweep_stale([self.path.parent, self.events_dir])
                    self._swept = True
                tx = Transaction(self.journal)
                self._tx = tx
                for db in self._dbs.values():
                    db.atomic.transaction = tx
                try:
                    yield self
                    tx.commit()
                except BaseException:
                    tx.abort()
                    self._parsed.clear()
                    raise
                finally:
                    self._tx = None
                    self._indexed = False
                    for db in self._dbs.values():
                        db.atomic.transaction = None

    def add_event(self, event: Event) -> Event:
        with self.transaction():
            if self._find(event.id) is not None:
                raise AlreadyExists("Termin", event.id)
            return self._put_event(event, None)

    def update_event(self, event: Event, expected_sequence: int | None = None) -> Event:
        """Save a changed event. With ``expected_sequence``, refuse if it changed since."""
        with self.transaction():
            found = self._find(event.id)
            if found is None:
                if expected_sequence is not None:
                    raise ChangedElsewhere("Termin", event.id, expected_sequence, None)
                raise NotFound("Termin", event.id)
            return self._put_event(event, expected_sequence)

    def put_events(self, events: Iterable[Event]) -> list[Event]:
        """Add or replace many events at once, atomically (used by import and demo)."""
        with self.transaction():
            self._index_all()
            batch = _Batch()
            saved = [self._put_event(e, None, batch=batch) for e in events]
            for key, ids in batch.removals.items():
                self._remove_docs(key, ids)
            for key, docs in batch.inserts.items():
                self._insert_docs(key, docs)
            return saved

    def remove_event(self, event_id: str, expected_sequence: int | None = None) -> Event:
        with self.transaction():
            found = self._find(event_id)
            if found is None:
                raise NotFound("Termin", event_id)
            key, current = found
            if expected_sequence is not None and current.sequence != expected_sequence:
                raise ChangedElsewhere("Termin", event_id, expected_sequence, current.sequence)
            self._remove_docs(key, [event_id])
            self._where.pop(event_id, None)
            return current

    def _index_all(self) -> None:
        """Inside a transaction: learn where every event lives, once."""
        for key in [SERIES, *self.partitions()]:
            for event in self._events_of(key):
                self._where[event.id] = key
        self._indexed = True

    def _put_event(
        self, event: Event, expected: int | None, *, batch: _Batch | None = None
    ) -> Event:
        found = self._find(event.id)
        now = utc_now()
        if found is not None:
            old_key, current = found
            if expected is not None and current.sequence != expected:
                raise ChangedElsewhere("Termin", event.id, expected, current.sequence)
            saved = replace(
                event,
                sequence=max(current.sequence + 1, event.sequence),
                created=current.created or now,
                updated=now,
                uid=event.uid or current.uid or f"{event.id}@thekiz",
            )
            if batch is None:
                self._remove_docs(old_key, [event.id])
            else:
                batch.removals.setdefault(old_key, []).append(event.id)
        else:
            saved = replace(
                event,
                created=event.created or now,
                updated=now,
                uid=event.uid or f"{event.id}@thekiz",
            )
        key = partition_of(saved)
        if batch is None:
            self._insert_docs(key, {saved.id: saved.to_dict()})
        else:
            batch.inserts.setdefault(key, {})[saved.id] = saved.to_dict()
        self._where[saved.id] = key
        return saved

    def _put_event_dicts(self, docs: list[dict[str, Any]]) -> None:
        grouped: dict[str, dict[str, dict[str, Any]]] = {}
        for doc in docs:
            event = Event.from_dict(doc)
            grouped.setdefault(partition_of(event), {})[event.id] = event.to_dict()
        for key, group in grouped.items():
            self._insert_docs(key, group)

    def _insert_docs(self, key: str, docs: dict[str, dict[str, Any]]) -> None:
        if key == SERIES:
            table = self._table("main", SERIES)
        else:
            make_folder(self.events_dir, file_access(self.path))
            table = self._table(key, "events")
        table.put_many(docs)

    def _remove_docs(self, key: str, event_ids: list[str]) -> None:
        table = self._table("main", SERIES) if key == SERIES else self._table(key, "events")
        table.drop(event_ids)

    # -- coaches, Kitas, settings, acks -----------------------------------------------

    def _put_record(
        self, table_name: str, what: str, doc_id: str, doc: dict[str, Any], *,
        create: bool, expected: int | None,
    ) -> dict[str, Any]:
        with self.transaction():
            table = self._table("main", table_name)
            current = self._raw("main", table_name).get(doc_id)
            if create and current is not None:
                raise AlreadyExists(what, doc_id)
            if not create and current is None:
                raise NotFound(what, doc_id)
            if current is not None and expected is not None and current.get(
                "sequence", 0
            ) != expected:
                raise ChangedElsewhere(what, doc_id, expected, current.get("sequence", 0))
            doc = dict(doc)
            doc["sequence"] = 0 if current is None else int(current.get("sequence", 0)) + 1
            doc["updated"] = utc_now()
            table.put(doc_id, doc)
            return doc

    def add_coach(self, coach: Coach) -> Coach:
        return Coach.from_dict(
            self._put_record("coaches", "Prozessbegleiter*in", coach.id, coach.to_dict(),
                             create=True, expected=None)
        )

    def update_coach(self, coach: Coach, expected_sequence: int | None = None) -> Coach:
        return Coach.from_dict(
            self._put_record("coaches", "Prozessbegleiter*in", coach.id, coach.to_dict(),
                             create=False, expected=expected_sequence)
        )

    def remove_coach(self, coach_id: str) -> None:
        with self.transaction():
            if coach_id not in self._raw("main", "coaches"):
                raise NotFound("Prozessbegleiter*in", coach_id)
            self._table("main", "coaches").drop([coach_id])

    def add_kita(self, kita: Kita) -> Kita:
        return Kita.from_dict(
            self._put_record("kitas", "Kita", kita.id, kita.to_dict(), create=True,
                             expected=None)
        )

    def update_kita(self, kita: Kita, expected_sequence: int | None = None) -> Kita:
        return Kita.from_dict(
            self._put_record("kitas", "Kita", kita.id, kita.to_dict(), create=False,
                             expected=expected_sequence)
        )

    def remove_kita(self, kita_id: str) -> None:
        with self.transaction():
            if kita_id not in self._raw("main", "kitas"):
                raise NotFound("Kita", kita_id)
            self._table("main", "kitas").drop([kita_id])

    def set_settings(self, values: dict[str, Any]) -> None:
        with self.transaction():
            table = self._table("main", "settings")
            for name, value in values.items():
                table.put(name, {"value": as_text(value) if name in MONEY_SETTINGS else value})

    def add_acks(self, acks: Iterable[Ack]) -> None:
        with self.transaction():
            table = self._table("main", "acks")
            for ack in acks:
                table.put(ack.finding, ack.to_dict())

    def remove_ack(self, finding_id: str) -> None:
        with self.transaction():
            table = self._table("main", "acks")
            if not table.has(finding_id):
                raise NotFound("Quittierung", finding_id)
            table.drop([finding_id])
