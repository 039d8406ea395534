"""Pilot tests of the Kita overview and the month report on a demo store on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import need_program, temp_files
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from store import Store
from thekiz_tui.demo import write_demo
from thekiz_tui.files import default_folder
from thekiz_tui.planning.budget import kita_year_cost
from thekiz_tui.planning.report import month_report
from thekiz_tui.planning.settings import Settings
from thekiz_tui.planning.timeutil import fmt_money
from thekiz_tui.screens.kitas import KitasScreen
from thekiz_tui.screens.report import CsvPathDialog, ReportScreen

TODAY = date(2026, 11, 25)


class Host(App[None]):
    """A bare app that opens one screen and keeps what it dismisses with."""

    def __init__(self, make: Callable[[], Screen[object]]) -> None:
        super().__init__()
        self._make = make
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self._make(), self.results.append)


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: App[None]) -> str:
    """The screen's text as painted."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def cell(table: DataTable[object], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    write_demo(Store.open(path), today=TODAY)
    return path


def kitas_app(path: Path, year: int | None = None) -> Host:
    return Host(lambda: KitasScreen(Store.open(path, create=False), today=TODAY, year=year))


# -- the Kita overview ---------------------------------------------------------------------


async def test_kitas_screen_shows_every_kita_with_its_budget_bar(demo: Path) -> None:
    store = Store.open(demo, create=False)
    kitas = {k.id: k for k in store.kitas()}
    settings = Settings.from_store(store.settings())
    app = kitas_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#kitas-table", DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert sorted(keys) == sorted(kitas)
        assert [cell(table, k, "name") for k in keys] == sorted(
            (k.name for k in kitas.values()), key=str.casefold
        )
        error = app.get_css_variables()["error"].lower()
        seen = {"frei": 0, "über": 0, "kein Budget": 0}
        for kita_id, kita in kitas.items():
            cost = kita_year_cost(kita, 2026, store.events(), store.coaches(), settings)
            bar = cell(table, kita_id, "budget")
            value = table.get_cell(kita_id, "budget")
            assert isinstance(value, Text)
            if cost.budget is None or cost.left is None:
                assert bar == "kein Budget"
                seen["kein Budget"] += 1
                continue
            filled = bar.count("█")
            assert filled + bar.count("░") == 8
            assert filled == max(1 if cost.used else 0, min(8, round(cost.used / cost.budget
                                                                      * 8)))
            if cost.over:
                assert bar.endswith(f" {fmt_money(-cost.left)} über"), bar
                assert value.style.color.triplet.hex.lower() == error  # type: ignore[union-attr]
                seen["über"] += 1
            else:
                assert bar.endswith(f" {fmt_money(cost.left)} frei"), bar
                assert value.style.color.triplet.hex.lower() != error  # type: ignore[union-attr]
                seen["frei"] += 1
        assert all(seen.values()), seen  # the demo has every kind of budget row
        # The detail shows the highlighted Kita's checklist in words.
        detail = str(app.screen.query_one("#kitas-detail-text", Static).render())
        first = kitas[keys[0]]
        assert first.name in detail
        assert "erledigt" in detail or "fehlt" in detail or "geplant" in detail


async def test_enter_returns_the_kita_id(demo: Path) -> None:
    app = kitas_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#kitas-table", DataTable)
        third = table.ordered_rows[2].key.value
        await pilot.press("down", "down")
        await pilot.pause()
        detail = str(app.screen.query_one("#kitas-detail-text", Static).render())
        assert cell(table, str(third), "name") in detail
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [third]
        assert not isinstance(app.screen, KitasScreen)


async def test_escape_closes_with_none(demo: Path) -> None:
    app = kitas_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_year_keys_show_the_next_and_previous_year(demo: Path) -> None:
    store = Store.open(demo, create=False)
    settings = Settings.from_store(store.settings())
    app = kitas_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, KitasScreen)
        table = screen.query_one("#kitas-table", DataTable)
        before = {r.key.value: cell(table, str(r.key.value), "budget") for r in table.ordered_rows}
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert screen.year == 2027
        assert "Kitas 2027" in str(screen.query_one("#kitas-title", Static).render())
        assert "Budget 2027" in shown(app)
        after = {r.key.value: cell(table, str(r.key.value), "budget") for r in table.ordered_rows}
        assert after != before
        for kita in store.kitas():
            cost = kita_year_cost(kita, 2027, store.events(), store.coaches(), settings)
            if cost.left is not None:
                word = "über" if cost.over else "frei"
                assert after[kita.id].endswith(f"{fmt_money(abs(cost.left))} {word}")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert screen.year == 2025
        assert "Budget 2025" in shown(app)


async def test_kitas_screen_is_readable_at_80x24(demo: Path) -> None:
    app = kitas_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = shown(app)
        lines = text.splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        table = app.screen.query_one("#kitas-table", DataTable)
        first = cell(table, str(table.ordered_rows[0].key.value), "name")
        assert first in text
        assert "Termine der Kita" in lines[-1]  # the footer names Enter's action
        assert "frei" in text or "über" in text  # the budget shows without scrolling
        # Scrolling sideways keeps the name and brings the last column (the district).
        header = lines[1]
        assert "Kita" in header and "Kreis" not in header
        for _ in range(8):
            await pilot.press("right")
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause()
        text = shown(app)
        assert first in text and "Kreis" in text.splitlines()[1]


async def test_an_empty_store_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    Store.open(path)
    app = kitas_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Keine Kitas im Plan." in shown(app)
        await pilot.press("enter")  # nothing to open: stays
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, KitasScreen)


# -- the month report ----------------------------------------------------------------------


def report_app(path: Path, coach: str | None, month: int = 11) -> Host:
    return Host(lambda: ReportScreen(Store.open(path, create=False), today=TODAY, coach=coach,
                                     year=2026, month=month))


def assert_table_is(table: DataTable[object], store: Store, month: int,
                    coach: str | None) -> None:
    from datetime import datetime

    now = datetime.combine(TODAY, datetime.now().time()).astimezone()
    report = month_report(store, 2026, month, coach=coach, now=now)
    assert [r.key.value for r in table.ordered_rows] == [r.kita for r in report.rows] + [
        "__total__"
    ]
    for r in report.rows:
        assert r.budget is not None and r.checklist is not None  # (the owner sees all)
        assert cell(table, r.kita, "kita") == r.kita_name
        assert cell(table, r.kita, "visits") == str(r.visits)
        assert cell(table, r.kita, "hours") == f"{r.hours:.2f}".replace(".", ",")
        assert cell(table, r.kita, "fee") == fmt_money(r.fee)
        assert cell(table, r.kita, "used") == fmt_money(r.budget.used)
        left = "-" if r.budget.left is None else fmt_money(r.budget.left)
        assert cell(table, r.kita, "left") == left
        assert cell(table, r.kita, "checklist") == (
            f"{r.checklist.done}/{r.checklist.planned}/{len(r.checklist.missing)}"
        )
    assert cell(table, "__total__", "fee") == fmt_money(report.total_fee)
    assert cell(table, "__total__", "hours") == f"{report.total_hours:.2f}".replace(".", ",")
    assert cell(table, "__total__", "visits") == str(report.total_visits)


async def test_report_shows_the_coach_hours_and_fees_of_month_report(demo: Path) -> None:
    store = Store.open(demo, create=False)
    coaches = sorted(store.coaches(), key=lambda c: c.name.casefold())
    first, second = coaches[0], coaches[1]
    app = report_app(demo, first.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        table = screen.query_one("#report-table", DataTable)
        assert table.row_count > 1  # the demo's coach worked in November
        assert_table_is(table, store, 11, first.id)
        assert f"November 2026 - {first.name}" in shown(app)

        select = screen.query_one("#report-coach", Select)
        assert select.value == first.id
        select.value = second.id
        await settle(app, pilot)
        assert screen.coach == second.id
        assert_table_is(table, store, 11, second.id)
        assert f"November 2026 - {second.name}" in shown(app)

        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert_table_is(table, store, 10, second.id)
        assert "Oktober 2026" in shown(app)

        select.value = ""  # all coaches: the fees of every coach summed
        await settle(app, pilot)
        assert screen.coach is None
        assert_table_is(table, store, 10, None)

        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


def cli_csv(path: Path, coach: str | None, month: str) -> bytes:
    command = [sys.executable, "-m", "thekiz_tui", "--db", str(path), "report", "--month",
               month, "--format", "csv"]
    if coach:
        command += ["--coach", coach]
    env = {**os.environ, "THEKIZ_TODAY": TODAY.isoformat()}
    result = subprocess.run(command, capture_output=True, env=env, check=True, timeout=60)
    return result.stdout


@pytest.mark.parametrize("coach", ["c-kraemer", None])
async def test_csv_export_writes_the_bytes_of_thekiz_report(
    demo: Path, tmp_path: Path, coach: str | None
) -> None:
    store = Store.open(demo, create=False)
    if coach is not None:
        assert coach in {c.id for c in store.coaches()}
    target = tmp_path / "out" / "bericht.csv"
    target.parent.mkdir()
    app = report_app(demo, coach)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CsvPathDialog)
        field = dialog.query_one("#csv-path", Input)
        # her documents folder, never silently the current directory
        assert field.value == str(default_folder() / f"bericht-2026-11-{coach or 'alle'}.csv")
        field.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        assert "Gespeichert" in shown(app)
    expected = cli_csv(demo, coach, "2026-11")
    assert expected.startswith("\ufeff".encode()) and b"Summe" in expected
    assert target.read_bytes() == expected
    assert temp_files(target.parent) == []
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


async def test_csv_export_error_shows_in_the_screen_and_the_app_stays_up(
    demo: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "bericht.csv"
    good = tmp_path / "bericht.csv"
    app = report_app(demo, "c-kraemer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#csv-path", Input).value = str(missing)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        status = screen.query_one("#report-status", Static)
        assert "Speichern fehlgeschlagen" in str(status.render())
        assert status.has_class("-error")
        assert not missing.exists() and not missing.parent.exists()
        # Empty path: the dialog stays and says why; Escape cancels without writing.
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#csv-path", Input).value = "  "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CsvPathDialog)
        assert "Dateinamen" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        # And a good path still works afterwards.
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#csv-path", Input).value = str(good)
        await pilot.press("enter")
        await settle(app, pilot)
        assert good.read_bytes().startswith("\ufeff".encode())
        assert not status.has_class("-error")
        assert str(good) in str(status.render())


async def test_the_statement_is_saved_as_a_pdf_with_s(demo: Path, tmp_path: Path) -> None:

    target = tmp_path / "nachweis.pdf"
    app = report_app(demo, "c-kraemer")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        field = app.screen.query_one("#csv-path", Input)
        assert field.value == str(default_folder() / "stundennachweis-2026-11-c-kraemer.pdf")
        field.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        for _ in range(200):  # the PDF is rendered in a thread
            if "Gespeichert" in shown(app):
                break
            await pilot.pause(0.05)
        assert "Gespeichert" in shown(app)
    text = subprocess.run([need_program("pdftotext"), str(target), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "Stundennachweis November 2026" in text and "Tobias Krämer" in text
    assert "Unterschrift" in text
