"""Shared fixtures: a real store on disk in a temporary folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from store import Store


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
