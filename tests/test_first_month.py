"""The planner's first month, read in a forked child while Textual is imported: the same
month as a read in this process, and the same German errors."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from store import Coach, Event, Store, StoreError, new_id
from thekiz_tui.commands.first_month import FirstMonthReader, read_first_month
from thekiz_tui.config import Config

DAY = date(2025, 3, 12)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("THEKIZ_TODAY", DAY.isoformat())
    monkeypatch.setenv("THEKIZ_CONFIG", str(tmp_path / "config.toml"))
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="ina", name="Ina Beispiel", rate=60.0))
    store.add_coach(Coach(id="olaf", name="Olaf Muster", rate=55.0))
    for coach, hour in (("ina", 9), ("olaf", 13)):
        store.add_event(Event(id=new_id("ev"), kind="sonstiges", title=f"Termin {coach}",
                              start=f"2025-03-12T{hour:02d}:00:00+01:00",
                              end=f"2025-03-12T{hour + 1:02d}:00:00+01:00",
                              coaches=[coach]))
    return path


def titles(config: Config) -> list[str]:
    month = FirstMonthReader(config).start().result()
    return [o.event.title for o in month.snapshot.on(DAY)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_child_reads_the_same_month_as_this_process(plan: Path) -> None:
    config = Config(db=plan)
    forked = FirstMonthReader(config).start().result()
    here = read_first_month(config)
    assert forked.snapshot == here.snapshot
    assert [o.event.title for o in forked.snapshot.on(DAY)] == ["Termin ina", "Termin olaf"]
    shown = forked.snapshot
    assert (shown.year, shown.month, shown.complete) == (2025, 3, False)
    assert forked.stamp == here.stamp


def test_as_a_coach_the_first_month_holds_her_events(plan: Path) -> None:
    assert titles(Config(db=plan, as_coach="ina")) == ["Termin ina"]


def test_an_unknown_coach_is_a_german_error_from_the_child(plan: Path) -> None:
    with pytest.raises(StoreError, match="„nobody“ gibt es nicht"):
        titles(Config(db=plan, as_coach="nobody"))


def run_in_terminal(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """``thekiz ARGS`` on a pseudo-terminal (the planner wants one): exit code and output."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "thekiz_tui", *args], stdin=child,
                            stdout=child, stderr=child, env=env, start_new_session=True)
    os.close(child)
    output, deadline = b"", time.monotonic() + 60
    with contextlib.suppress(OSError):  # EIO: the terminal's other side is closed
        while time.monotonic() < deadline:
            if select.select([main], [], [], 1)[0]:
                if not (chunk := os.read(main, 4096)):
                    break
                output += chunk
    os.close(main)
    if proc.poll() is None:  # still running: the planner opened instead of refusing
        proc.kill()
    return proc.wait(timeout=10), output.decode("utf-8", "replace")


def test_the_planner_names_an_unknown_coach_and_a_broken_config_in_german(
    plan: Path, tmp_path: Path
) -> None:
    env = dict(os.environ)
    code, output = run_in_terminal("--db", str(plan), "--as", "nobody", env=env)
    assert code == 2
    assert "„nobody“ gibt es nicht" in output and "Traceback" not in output
    (tmp_path / "config.toml").write_text("lang = [", encoding="utf-8")
    code, output = run_in_terminal("--db", str(plan), env=env)
    assert code == 2
    assert "ist fehlerhaft" in output and "Traceback" not in output


def test_a_corrupt_store_is_a_german_error_and_stays_as_it_was(plan: Path) -> None:
    plan.write_bytes(b'{"coaches": {')
    with pytest.raises(StoreError, match="ist beschädigt oder unlesbar"):
        titles(Config(db=plan))
    assert plan.read_bytes() == b'{"coaches": {'
