"""The store, the planning logic and the session layer never import Textual: they run in
scripts, tests, the CLI and the SSH session without a terminal UI."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    names = ["store"]
    for package in ("thekiz_tui.planning", "thekiz_tui.ical", "thekiz_tui.session"):
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError as error:
            if error.name == package:
                continue  # not written yet
            raise
        names.append(package)
        if hasattr(module, "__path__"):
            names += [info.name for info in pkgutil.walk_packages(
                module.__path__, package + ".")]
    for name in names:
        importlib.import_module(name)
    print(",".join(names))
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    if leaked:
        print("LEAKED", *leaked[:5])
        sys.exit(3)
    """
)


def run_check(extra: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", extra + CHECK], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )


def test_store_planning_and_session_do_not_import_textual() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    imported = result.stdout.strip().splitlines()[0].split(",")
    assert "store" in imported
    for package in ("thekiz_tui.planning", "thekiz_tui.session"):
        assert package in imported
        assert any(name.startswith(package + ".") for name in imported)


def test_the_check_can_fail() -> None:
    """The same check, with Textual imported on the way, reports it."""
    if importlib.util.find_spec("textual") is None:
        return
    result = run_check("import textual.app\n")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "LEAKED textual" in result.stdout
