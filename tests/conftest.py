"""Shared fixtures: a real store on disk in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from store import Store

# The property tests draw the same examples on every run: a red `make test` is then a
# change of ours, never the luck of a draw. `HYPOTHESIS_PROFILE=explore` draws anew.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "plan.json"


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store.open(db_path)


def need_program(name: str) -> str:
    """The path of an outside program: next to this Python first (khal lives in the
    venv), then on PATH. Skip without it, unless THEKIZ_REQUIRE_EXTERNAL is set."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        if os.environ.get("THEKIZ_REQUIRE_EXTERNAL"):
            pytest.fail(f"{name} is required (THEKIZ_REQUIRE_EXTERNAL is set) but missing")
        pytest.skip(f"{name} is not installed")
    return found


NOBODY = 65534  # the account "nobody": thekiz run as another account than the store's


@pytest.fixture
def nobody_folder(request: pytest.FixtureRequest) -> Path:
    """An empty folder in /tmp that the account nobody can reach (pytest's folders are
    root's), removed afterwards. Skips unless root: only root can run thekiz as another
    account (CI runs as root), and root itself may open any file."""
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("only root can run thekiz as another account (CI runs as root)")
    outer = Path(tempfile.mkdtemp(prefix="thekiz-nobody-"))
    outer.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(outer, ignore_errors=True))
    return outer


def thekiz_as_nobody(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``thekiz --db DB ARGS`` as the account nobody, in the folder above ``db``'s (not
    the project's: the cwd is on the import path), without the caller's THEKIZ_DB."""
    environment = {**os.environ, "LANG": "C.UTF-8", "HOME": "/tmp",
                   "THEKIZ_CONFIG": "/dev/null", **env}
    environment.pop("THEKIZ_DB", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          env=environment, user=NOBODY, group=NOBODY, extra_groups=[],
                          capture_output=True, text=True, timeout=120,
                          cwd=db.parent.parent)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (except the lock), by relative path, with its bytes:
    for asserting that a refused change left the store byte for byte as it was."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def temp_files(folder: Path) -> list[Path]:
    """Temporary files a writer left behind."""
    return [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".baktmp"))]


def planner_started(app: Any) -> bool:
    """The planner's start is over: its month complete (findings, holidays) and the parts
    that follow the first frame mounted (they wait on a timer, not on a worker)."""
    from thekiz_tui.screens.planner import PlannerScreen

    screens = [s for s in app.screen_stack if isinstance(s, PlannerScreen)]
    return not screens or (screens[0]._rest_ready and screens[0].snapshot is not None
                           and screens[0].snapshot.complete)


def footers_ready(app: Any) -> bool:
    """The footers of the current screen show their keys (a footer composes them after
    a refresh, so a moment after its screen)."""
    from textual.widgets import Footer

    return all(footer.children for footer in app.screen.query(Footer))


def caught_up(app: Any) -> bool:
    """Started, no key held back by the keys-in-order app (a key waits there while the
    one before it still takes effect: a save, the month it rebuilds), and every message
    handled (a dialog that a finished worker closes, for instance)."""
    from thekiz_tui.app_base import pumps_idle

    return (planner_started(app) and footers_ready(app) and not app._keys_waiting
            and pumps_idle(app) and getattr(app.screen, "ready_for_keys", True))


def work_of(app: Any) -> list[Any]:
    """The app's workers but the planner's dialog chains (``PlannerScreen.flows``): a
    chain waits for the answer to the dialog it shows, which the test gives next."""
    from thekiz_tui.screens.planner import PlannerScreen

    chains = {w for s in app.screen_stack if isinstance(s, PlannerScreen) for w in s.flows}
    return [w for w in app.workers if w not in chains]


async def work_done(app: Any) -> None:
    """Until the workers of ``work_of`` are done (an exclusive one replaced by a newer
    one is done too)."""
    from textual.worker import WorkerCancelled

    work = work_of(app)
    if work:  # (wait_for_complete waits for every worker when given none)
        try:
            await app.workers.wait_for_complete(work)
        except WorkerCancelled:
            pass


async def settle_app(app: Any, pilot: Any) -> None:
    """Until no worker runs, the planner's start is over and the screen has caught up.
    Waits on the app's state; only the start's timer gets a moment of the clock."""
    for _ in range(500):
        await work_done(app)
        await pilot.pause(None if caught_up(app) else 0.01)
        if not any(w.is_running for w in work_of(app)) and caught_up(app):
            return
    raise AssertionError("the app did not settle")


# Modules whose tests start real processes, terminals, SSH servers or outside programs.
# `make test-fast` leaves them (and every test marked slow or external) out.
_PROCESS_MODULES = {
    "test_access.py", "test_e2e_tmux.py", "test_file_modes.py", "test_first_month.py",
    "test_grants_attacks.py", "test_ical_clients.py", "test_readme.py", "test_redraw.py",
    "test_reliability.py", "test_rrule_bounds.py", "test_serve.py", "test_serve_attacks.py",
    "test_sshd.py", "test_text_safety.py", "test_feed.py", "test_statement_pdf.py",
    "test_search.py", "test_money.py", "test_import_references.py", "test_cli_series.py",
    "test_english.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in _PROCESS_MODULES:
            item.add_marker(pytest.mark.slow)
