"""The demo: deterministic, realistic, and with findings of every rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from store import Store
from thekiz_tui.demo import DELIBERATE, build_demo, write_demo
from thekiz_tui.planning.conflicts import check_store

TODAY = date(2026, 3, 16)


def listing(path: Path, seed: str) -> str:
    env = {**os.environ, "THEKIZ_TODAY": TODAY.isoformat()}
    base = [sys.executable, "-m", "thekiz_tui", "--db", str(path)]
    subprocess.run([*base, "demo", "--seed", seed], check=True, env=env, capture_output=True)
    out = subprocess.run([*base, "list", "--from", "1.1.2026", "--to", "31.12.2026",
                          "--format", "json"], check=True, env=env, capture_output=True)
    return out.stdout.decode()


def test_same_seed_same_data(tmp_path: Path) -> None:
    first = listing(tmp_path / "a.json", "7")
    assert first == listing(tmp_path / "b.json", "7")
    assert first != listing(tmp_path / "c.json", "8")
    assert len(json.loads(first)) > 100


def test_findings_of_every_rule(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "plan.json")
    write_demo(store, today=TODAY)
    rules = {f.rule for f in check_store(store, start=None, end=None, today=TODAY)}
    assert rules >= set(DELIBERATE)


def test_mix_and_people() -> None:
    coaches, kitas, events = build_demo(TODAY)
    assert sum(c.role == "coach" for c in coaches) == 3
    assert sum(c.role == "coordinator" for c in coaches) == 1
    assert all(c.email.endswith("@example.org") for c in coaches)
    assert {k.stage for k in kitas} == {"basis", "vertiefung", "konsultation"}
    assert len({k.district for k in kitas}) >= 10
    kinds = {e.kind for e in events}
    assert kinds == {"begleitung", "fortbildung", "arbeitskreis", "fachtag",
                     "einrichtungsbesuch", "sonstiges"}
    subtypes = {e.subtype for e in events if e.kind == "fortbildung"}
    assert subtypes == {"fachkraft", "reflexion", "vernetzung", "auftakt-team",
                        "auftakt-eltern", "auftakt-traeger"}
    assert any(e.rrule for e in events if e.kind == "arbeitskreis")
    assert any(  # multi-day all-day trainings
        e.all_day and (date.fromisoformat(e.end) - date.fromisoformat(e.start)).days > 1
        for e in events)
    # The current month is full.
    assert sum(e.start.startswith("2026-03") for e in events) >= 20


def test_history_grows_to_n_events() -> None:
    _, _kitas, events = build_demo(TODAY, events=3000, seed=1)
    assert len(events) == 3000
    assert len({e.id for e in events}) == 3000
    assert min(e.start for e in events) < "2025"
