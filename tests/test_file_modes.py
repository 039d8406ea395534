"""Who may read the store's files: a new store is private whatever the umask, a rewrite
keeps the mode and owner the admin chose, and root does not take over the thekiz
account's store by accident (issue 9, "Files" and the weak points about file modes)."""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOBODY, snapshot, thekiz_as_nobody
from test_first_month import run_in_terminal

from store import Coach, Event, Kita, Store, new_id

# Every rename's source, by its target, with the mode it had at that moment: the
# temporary files and the journal live only for a moment, so they are seen here (an
# audit hook observes the real os.replace; it changes nothing).
_renamed: dict[str, int] = {}
_removed: dict[str, int] = {}


def _watch(event: str, args: tuple[object, ...]) -> None:
    if event not in ("os.rename", "os.remove") or not _watching:
        return
    source = os.fspath(args[0])  # type: ignore[arg-type]
    try:
        mode = stat.S_IMODE(os.lstat(source).st_mode)
    except OSError:
        return
    if event == "os.rename":
        _renamed[os.fspath(args[1])] = mode  # type: ignore[arg-type]
    else:
        _removed[source] = mode


_watching = False
sys.addaudithook(_watch)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask of a login: files 0644 and folders 0755 unless the store says."""
    global _watching
    old = os.umask(0o022)
    _renamed.clear()
    _removed.clear()
    _watching = True
    try:
        yield
    finally:
        _watching = False
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def visit(month: str, day: int = 4, **kw: object) -> Event:
    values: dict[str, object] = {
        "id": new_id("e"), "kind": "begleitung", "title": "Begleitung",
        "start": f"{month}-{day:02d}T09:30:00+01:00", "end": f"{month}-{day:02d}T11:00:00+01:00",
        "coaches": ["c-anna"], "kita": "k-sonne",
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


def team(store: Store) -> None:
    store.add_coach(Coach(id="c-anna", name="Anna Beispiel"))
    store.add_kita(Kita(id="k-sonne", name="Kita Sonnenschein", coach="c-anna"))


def test_a_new_store_is_private_whatever_the_umask(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "team" / "daten" / "plan.json"
    store = Store.open(db)
    team(store)
    # two months at once: a commit through the journal
    store.put_events([visit("2026-03"), visit("2026-04")])
    store.add_event(visit("2026-03", day=5))  # a rewrite: the month file gets its .bak

    months = db.with_name("plan.json.d")
    files = [db, db.with_name("plan.json.bak"), db.with_name("plan.json.lock"),
             months / "2026-03.json", months / "2026-03.json.bak", months / "2026-04.json"]
    assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
    folders = [tmp_path / "team", db.parent, months]
    assert {f.name: oct(mode(f)) for f in folders} == {f.name: "0o700" for f in folders}
    journal = str(db.with_name("plan.json.journal"))
    assert _removed.get(journal) == 0o600, "the journal of the two-month commit"
    temps = {target: oct(m) for target, m in _renamed.items()}
    assert journal in temps and str(months / "2026-04.json") in temps
    assert set(temps.values()) == {"0o600"}, temps


def test_a_rewrite_keeps_the_mode_the_admin_chose(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "plan.json"
    store = Store.open(db)
    team(store)
    store.add_event(visit("2026-03"))
    march = db.with_name("plan.json.d") / "2026-03.json"
    for path in (db, march):
        path.chmod(0o640)  # the admin lets the group read the plan

    store.add_event(visit("2026-03", day=6))
    store.add_coach(Coach(id="c-bert", name="Bert Muster"))
    store.put_events([visit("2026-03", day=9), visit("2026-05")])  # through the journal

    for path in (db, march, db.with_name("plan.json.bak"), march.with_name("2026-03.json.bak")):
        assert oct(mode(path)) == "0o640", path.name
    # a new month the group could not read would hide part of the plan from it; the
    # folder opens only as far as the files in it do
    assert oct(mode(march.with_name("2026-05.json"))) == "0o640"


def test_a_new_month_file_is_no_wider_than_the_main_file(tmp_path: Path,
                                                          umask_022: None) -> None:
    db = tmp_path / "plan.json"
    store = Store.open(db)
    team(store)
    store.add_event(visit("2026-03"))
    months = db.with_name("plan.json.d")
    for path in (db, months / "2026-03.json", db.with_name("plan.json.lock")):
        path.chmod(0o644)  # as a store written before the fix
    months.chmod(0o755)
    db.chmod(0o600)  # the admin tightens the main file

    store.add_event(visit("2026-07"))
    july = months / "2026-07.json"
    assert oct(mode(july)) == "0o600"
    assert mode(july) & ~mode(db) == 0


# -- a store another account owns ------------------------------------------------------

OTHER = 65534  # nobody


def other_name() -> str:
    try:
        return pwd.getpwuid(OTHER).pw_name
    except KeyError:
        return str(OTHER)


def thekiz(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THEKIZ_TODAY": "2026-03-16", "LANG": "C.UTF-8"}
    env.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def owners(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.lstat().st_uid for p in [folder, *folder.rglob("*")]}


@pytest.fixture
def foreign_store(tmp_path: Path) -> Path:
    """A store owned by another account (as the thekiz account's store is to root)."""
    if os.geteuid() != 0:
        pytest.skip("only root can hand a store to another account (CI runs as root)")
    folder = tmp_path / "thekiz"
    db = folder / "plan.json"
    store = Store.open(db)
    team(store)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, OTHER, OTHER)
    return db


def test_root_is_refused_a_store_another_account_owns(foreign_store: Path) -> None:
    folder = foreign_store.parent
    before, owned = snapshot(folder), owners(folder)

    result = thekiz(foreign_store, "list", "--from", "1.3.2026")

    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"gehört „{other_name()}“" in line and "läuft aber als „root“" in line
    assert "--allow-foreign-owner" in line
    assert snapshot(folder) == before and owners(folder) == owned


def test_the_planner_is_refused_a_store_another_account_owns(foreign_store: Path) -> None:
    folder = foreign_store.parent
    before, owned = snapshot(folder), owners(folder)
    code, output = run_in_terminal("--db", str(foreign_store), env=dict(os.environ))
    assert code == 2 and "Traceback" not in output
    assert f"gehört „{other_name()}“" in output
    assert snapshot(folder) == before and owners(folder) == owned


def test_a_write_refused_for_a_foreign_store_leaves_it_as_it_was(foreign_store: Path) -> None:
    folder = foreign_store.parent
    before, owned = snapshot(folder), owners(folder)
    result = thekiz(foreign_store, "add", "--kind", "begleitung", "--title", "Besuch",
                    "--start", "4.3.2026 9:00", "--end", "4.3.2026 10:00",
                    "--coach", "c-anna", "--kita", "k-sonne")
    assert result.returncode == 2 and "gehört" in result.stderr, result.stderr
    assert snapshot(folder) == before and owners(folder) == owned


def test_root_with_the_option_keeps_the_owner_of_every_file(foreign_store: Path) -> None:
    folder = foreign_store.parent
    added = thekiz(foreign_store, "--allow-foreign-owner", "add", "--kind", "begleitung",
                   "--title", "Besuch", "--start", "4.3.2026 9:00", "--end", "4.3.2026 10:00",
                   "--coach", "c-anna", "--kita", "k-sonne")
    assert added.returncode == 0, added.stderr
    weekly = thekiz(foreign_store, "add", "--allow-foreign-owner", "--kind", "begleitung",
                    "--title", "Jour fixe", "--start", "5.3.2026 9:00",
                    "--end", "5.3.2026 10:00", "--rrule", "FREQ=WEEKLY;COUNT=4",
                    "--coach", "c-anna", "--kita", "k-sonne")
    assert weekly.returncode == 0, weekly.stderr
    listed = thekiz(foreign_store, "--allow-foreign-owner", "list", "--from", "1.3.2026")
    assert listed.returncode == 0 and "Jour fixe" in listed.stdout, listed.stderr

    owned = owners(folder)
    # the new month folder and file, the main file's rewrite and both backups
    for name in ("plan.json.d", "plan.json.d/2026-03.json", "plan.json", "plan.json.bak"):
        assert name in owned
    assert owned == dict.fromkeys(owned, OTHER)
    assert {oct(mode(folder / name)) for name in owned if (folder / name).is_file()} == {
        "0o600"}


def test_a_lock_made_while_the_store_was_read_only_lets_her_write_once_it_is_not(
        nobody_folder: Path) -> None:
    """The lock file takes the main file's mode: made while the admin had the main file
    0400, it was 0400 too, and after she made the store writable again every write still
    failed (the lock cannot be opened for writing). (Run as another account: root may
    open any file.)"""
    folder = nobody_folder / "plan"
    folder.mkdir(mode=0o700)
    os.chown(folder, NOBODY, NOBODY)
    db = folder / "plan.json"

    def thekiz(*args: str) -> subprocess.CompletedProcess[str]:
        return thekiz_as_nobody(db, *args)

    made = thekiz("coach", "add", "anna", "--name", "Anna Beispiel")
    assert made.returncode == 0, made.stderr
    db.with_name("plan.json.lock").unlink()
    db.chmod(0o400)  # the admin: read only for a while
    thekiz("coach", "add", "bert", "--name", "Bert Beispiel")  # (refused or not)
    db.chmod(0o600)  # and writable again
    again = thekiz("coach", "add", "cora", "--name", "Cora Beispiel")
    assert again.returncode == 0, again.stderr
    listed = thekiz("coach", "list", "--format", "json")
    assert "cora" in listed.stdout, listed.stderr
