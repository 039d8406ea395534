"""Attack 4 of issue 9 replayed: the month report shows a coach only her own part.

The store on disk: Anna (62,50 €/h) and Bert (71,00 €/h) are coaches, Clara coordinates.
Bert accompanies Kita Bergblick (budget 3.000 €); the office planned a substitute visit
for Anna there (1,5 h), beside Bert's own two visits (4 h). Anna accompanies Kita
Wiesengrund, which Bert visited once (1,25 h). Before the fix Anna's report showed
Bergblick's budget, what all coaches used of it and its hours of the month, and at
Wiesengrund the Kita's hours of the month: minus her own hours, Bert's hours, and with
the used total his hourly rate. Replayed through the real command line (table, CSV, JSON),
the planner's ``r`` (Pilot), and ``ssh … report`` through the real sshd.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import settle_app
from helpers.team import make_team, thekiz
from rich.text import Text
from test_sshd import Server, server  # noqa: F401  (the real sshd, started per module)
from test_ui_kitas_report import Host, settle, shown
from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from store import Event, Store
from thekiz_tui.app import PlannerApp, PlannerContext
from thekiz_tui.screens.report import ReportScreen
from thekiz_tui.session.guarded_store import guard

MONTH = "2026-11"
SUBSTITUTE = "ev-vertretung"
BERG_ADDRESS = "Bergstraße 5, 07743 Jena"
WIESE_ADDRESS = "Wiesenweg 2, 07545 Gera"

# What Anna must never learn from her report, in every spelling the outputs use:
# Bert's name and rate, Bergblick's budget, used (377,75), left, its Kita hours (5,5)
# and Bert's fee there (284,00), Wiesengrund's Kita hours (3,25) and Bert's share of
# its used total (1,25 h, 88,75 €), and the Kita-hours column itself.
FORBIDDEN = (
    "Bert", "71,00", "71.0", "3.000,00", "3000", "377,75", "377.75", "2.622,25", "2622",
    "5,50", "5.5", "284", "3,25", "3.25", "1,25", "1.25", "88,75", "88.75",
    "Kita-Std", "kita_hours", "Empfehlung 2",
)


def add_the_substitute_visit(db: Path) -> Path:
    """The team store of ``helpers.team`` with rates, budgets, addresses, the office's
    substitute visit for Anna at Bert's Kita and Bert's visit at Anna's Kita."""
    store = Store.open(db)
    store.update_coach(replace(store.coach("anna"), rate=62.5))
    store.update_coach(replace(store.coach("bert"), rate=71.0))
    store.update_kita(replace(store.kita("berg"), budget=3000.0, address=BERG_ADDRESS))
    store.update_kita(replace(store.kita("wiese"), address=WIESE_ADDRESS))
    store.add_event(Event(  # planned by the office (the store's owner), for Anna
        id=SUBSTITUTE, kind="begleitung", title="Vertretung Bergblick", coaches=["anna"],
        kita="berg", start="2026-11-20T09:00:00+01:00", end="2026-11-20T10:30:00+01:00"))
    store.add_event(Event(
        id="ev-bert-wiese", kind="begleitung", title="Vertretung Wiesengrund",
        coaches=["bert"], kita="wiese",
        start="2026-11-24T14:00:00+01:00", end="2026-11-24T15:15:00+01:00"))
    return db


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return add_the_substitute_visit(make_team(tmp_path / "plan.json"))


def report(db: Path, person: str | None, *options: str) -> str:
    """``thekiz [--as person] report --month MONTH options`` in a subprocess."""
    who = ("--as", person) if person else ()
    result = thekiz("--db", str(db), *who, "report", "--month", MONTH, *options)
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_nothing_of_others(text: str) -> None:
    leaked = [word for word in FORBIDDEN if word in text]
    assert not leaked, (leaked, text)


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # German Excel reads the umlauts as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


# -- the command line --------------------------------------------------------------------


def test_her_table_has_her_hours_and_fees_and_of_berg_only_name_and_address(
    team: Path,
) -> None:
    text = report(team, "anna")
    assert_nothing_of_others(text)
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    berg = lines["Kita Bergblick"]
    assert BERG_ADDRESS in berg
    # her own visit, hours and fee at 62,50 €; Bergblick's figures are not hers
    assert berg.split()[-8:] == ["1", "1,50", "93,75", "€", "–", "–", "–", "–"]
    wiese = lines["Kita Wiesengrund"]
    assert WIESE_ADDRESS in wiese
    # her Kita: budget, used and left as totals of every coach's visits
    assert wiese.split(WIESE_ADDRESS)[1].split()[:10] == [
        "1", "2,00", "125,00", "€", "5.000,00", "€", "213,75", "€", "4.786,25", "€"]
    # its checklist rests on the dates she sees: the Arbeitskreis she attends counts,
    # the Fachtag of Bert's alone (open to every Kita, not hers to see) does not
    assert wiese.endswith("1 erledigt, 0 geplant, 8 offen")
    total = lines["Summe"].split()
    assert total == ["Summe", "2", "3,50", "218,75", "€"]


def test_her_csv_and_json_have_the_same_view(team: Path) -> None:
    raw = report(team, "anna", "--format", "csv")
    assert_nothing_of_others(raw)
    rows = csv_rows(raw)
    assert list(rows[0]) == [
        "Monat", "Prozessbegleiter*in", "Kita-ID", "Kita", "Adresse", "Besuche", "Stunden",
        "Honorar (€)", "Jahresbudget (€)", "im Jahr verbraucht (€)", "im Jahr übrig (€)",
        "Empfehlungen erledigt", "Empfehlungen geplant", "Empfehlungen offen",
    ]
    berg, wiese, total = rows
    assert (berg["Kita"], berg["Adresse"], berg["Stunden"], berg["Honorar (€)"]) == (
        "Kita Bergblick", BERG_ADDRESS, "1,50", "93,75")
    assert [berg[k] for k in list(berg)[8:]] == [""] * 6  # nothing of Bergblick's own
    assert (wiese["Jahresbudget (€)"], wiese["im Jahr verbraucht (€)"],
            wiese["im Jahr übrig (€)"]) == ("5000,00", "213,75", "4786,25")
    assert (total["Kita"], total["Stunden"], total["Honorar (€)"]) == (
        "Summe", "3,50", "218,75")

    text = report(team, "anna", "--format", "json")
    assert_nothing_of_others(text)
    berg_json, wiese_json, total_json = json.loads(text)
    # of a Kita she does not accompany: not even the keys of its figures
    assert berg_json == {"month": MONTH, "coach": "anna", "kita": "berg",
                         "kita_name": "Kita Bergblick", "address": BERG_ADDRESS,
                         "visits": 1, "hours": 1.5, "fee": 93.75}
    assert (wiese_json["budget"], wiese_json["used_year"], wiese_json["left_year"]) == (
        5000.0, 213.75, 4786.25)
    assert (total_json["hours"], total_json["fee"]) == (3.5, 218.75)


def test_another_coachs_report_stays_refused(team: Path) -> None:
    result = thekiz("--db", str(team), "--as", "anna", "report", "--month", MONTH,
                    "--coach", "bert")
    assert result.returncode == 2 and "Keine Berechtigung" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_the_coordination_office_and_the_owner_see_everything(team: Path) -> None:
    text = report(team, "clara", "--coach", "anna")
    berg = next(line for line in text.splitlines() if line.startswith("Kita Bergblick"))
    assert berg.split()[2:] == ["1", "1,50", "93,75", "€", "3.000,00", "€", "377,75", "€",
                                "2.622,25", "€", "5,50", "(über)", "2", "erledigt,", "0",
                                "geplant,", "7", "offen"]
    assert "Kita-Std." in text and "Adresse" not in text
    wiese = next(line for line in text.splitlines() if line.startswith("Kita Wiesengrund"))
    assert wiese.endswith("2 erledigt, 0 geplant, 7 offen")
    office = json.loads(report(team, "clara", "--format", "json"))
    assert json.loads(report(team, None, "--format", "json")) == office
    by_kita = {row["kita"]: row for row in office}
    # every coach's fees: Bert's 284,00 € and Anna's 93,75 € at Bergblick
    assert (by_kita["berg"]["fee"], by_kita["berg"]["kita_hours"]) == (377.75, 5.5)
    assert (by_kita["wiese"]["fee"], by_kita["wiese"]["kita_hours"]) == (213.75, 3.25)
    assert by_kita[""]["fee"] == 591.5
    raw = report(team, "clara", "--format", "csv")
    assert "Kita-Stunden im Monat" in csv_rows(raw)[0]


# -- the planner's report screen ---------------------------------------------------------


def cells(table: DataTable[object], row: str) -> list[str]:
    values = table.get_row(row)
    return [v.plain if isinstance(v, Text) else str(v) for v in values]


@contextlib.asynccontextmanager
async def report_screen(db: Path, person: str) -> AsyncIterator[tuple[Pilot[None], ReportScreen]]:
    """The planner as ``person``, after ``r``: the report screen it opens."""
    app = PlannerApp(PlannerContext(db=db, today=date(2026, 11, 25), as_coach=person))
    async with app.run_test(size=(200, 40)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("r")
        await settle_app(app, pilot)
        assert isinstance(app.screen, ReportScreen) and app.screen.report is not None
        yield pilot, app.screen


async def test_the_planners_report_screen_shows_her_the_same_view(team: Path) -> None:
    async with report_screen(team, "anna") as (_, screen):
        painted = "\n".join(s.text for s in screen._compositor.render_strips())
        assert "Kita Bergblick" in painted and BERG_ADDRESS in painted
        assert_nothing_of_others(painted)
        table = screen.query_one("#report-table", DataTable)
        # her figures and what is left of the budget first (in view at 80 columns),
        # the address last
        assert [str(c.value) for c in table.columns] == [
            "kita", "visits", "hours", "fee", "left", "used", "budget", "checklist",
            "address"]
        assert cells(table, "berg") == ["Kita Bergblick", "1", "1,50", "93,75 €", "–",
                                        "–", "–", "–", BERG_ADDRESS]
        assert cells(table, "wiese")[3:7] == ["125,00 €", "4.786,25 €", "213,75 €",
                                              "5.000,00 €"]
        assert cells(table, "__total__")[1:4] == ["2", "3,50", "218,75 €"]
        chooser = screen.query_one("#report-coach", Select)
        assert [value for _, value in chooser._options] == ["anna"]  # not "all coaches"


async def test_the_offices_report_screen_shows_everything(team: Path) -> None:
    async with report_screen(team, "clara") as (pilot, screen):
        chooser = screen.query_one("#report-coach", Select)
        assert "" in [value for _, value in chooser._options]  # all coaches together
        chooser.value = ""
        await settle_app(screen.app, pilot)
        table = screen.query_one("#report-table", DataTable)
        assert cells(table, "berg")[4:8] == ["2.622,25 €", "377,75 €", "3.000,00 €",
                                             "5,50 über"]


async def test_opened_without_a_coach_her_report_screen_is_still_her_own(team: Path) -> None:
    def make() -> ReportScreen:
        store = guard(Store.open(team, create=False), "anna")
        return ReportScreen(store, today=date(2026, 11, 25), coach=None, year=2026, month=11)

    app = Host(make)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen) and screen.coach == "anna"
        chooser = screen.query_one("#report-coach", Select)
        assert [value for _, value in chooser._options] == ["anna"] == [chooser.value]
        assert "November 2026 - Anna Beispiel" in shown(app)
        assert_nothing_of_others(shown(app))


# -- over SSH --------------------------------------------------------------------------


@pytest.mark.external
def test_over_ssh_her_report_is_the_same_view(server: Server) -> None:  # noqa: F811
    add_the_substitute_visit(server.db)
    result = server.run("anna", "report", "--month", MONTH, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert_nothing_of_others(result.stdout)
    berg = next(row for row in csv_rows(result.stdout) if row["Kita-ID"] == "berg")
    assert (berg["Adresse"], berg["Honorar (€)"], berg["Jahresbudget (€)"]) == (
        BERG_ADDRESS, "93,75", "")
    office = server.run("clara", "report", "--month", MONTH, "--coach", "anna")
    assert office.returncode == 0, office.stderr
    assert "377,75 €" in office.stdout and "3.000,00 €" in office.stdout
