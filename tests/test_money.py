"""Money is reckoned as a German invoice does: exact decimals, each line rounded half up
to the cent once, sums of the rounded lines; the CSV, the JSON, the table and the budget
finding show the same figures."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from store import Coach, Event, Kita, Store
from thekiz_tui.planning import people
from thekiz_tui.planning.conflicts import checker_for
from thekiz_tui.planning.money import cents, euros, hours_of, line_fee
from thekiz_tui.planning.report import month_report
from thekiz_tui.planning.settings import checked
from thekiz_tui.planning.timeutil import fmt_money


def visit(eid: str, day: str, start: str, end: str, coaches: list[str]) -> Event:
    return Event(id=eid, kind="begleitung", start=f"{day}T{start}:00+01:00",
                 end=f"{day}T{end}:00+01:00", coaches=coaches, kita="k1")


def fill(store: Store, budget: float | None = None) -> None:
    store.add_coach(Coach(id="c1", name="Anna Beispiel", rate=62.5))
    store.add_coach(Coach(id="c2", name="Bert Beispiel", rate=58.1))
    store.add_kita(Kita(id="k1", name="Kita Sonnenschein", coach="c1", budget=budget))
    store.put_events([
        visit("a", "2027-01-12", "09:00", "12:15", ["c1"]),  # 3,25 h × 62,50 = 203,125
        visit("b", "2027-01-19", "09:00", "09:20", ["c1", "c2"]),  # 0,33 h each
        visit("c", "2027-01-26", "09:00", "10:10", ["c2"]),  # 1,17 h × 58,10 = 67,977
    ])


def test_a_line_is_rounded_half_up_to_the_cent_once() -> None:
    assert line_fee(hours_of(3 * 3600 + 15 * 60), euros(62.5)) == Decimal("203.13")
    assert hours_of(20 * 60) == Decimal("0.33")
    assert cents(Decimal("0.125")) == Decimal("0.13") and cents(Decimal("2.675")) == Decimal(
        "2.68")
    assert euros(0.1) == Decimal("0.1") and euros("1.234,50 €") == Decimal("1234.50")
    assert fmt_money(2.675) == "2,68 €" and fmt_money(Decimal("1234.5")) == "1.234,50 €"


def test_the_report_sums_rounded_lines_like_a_spreadsheet(store: Store) -> None:
    fill(store)
    mine = month_report(store, 2027, 1, coach="c1")
    # 203,13 + 0,33 × 62,50 (20,625 → 20,63)
    assert [(r.hours, r.fee) for r in mine.rows] == [(Decimal("3.58"), Decimal("223.76"))]
    assert [(v.day.isoformat(), v.start, v.hours, v.fee) for v in mine.visits] == [
        ("2027-01-12", "09:00", Decimal("3.25"), Decimal("203.13")),
        ("2027-01-19", "09:00", Decimal("0.33"), Decimal("20.63")),
    ]
    every = month_report(store, 2027, 1)
    # the shared visit: 20,63 + 0,33 × 58,10 (19,173 → 19,17); and 1,17 × 58,10 → 67,98
    assert every.total_fee == Decimal("203.13") + Decimal("20.63") + Decimal("19.17") + \
        Decimal("67.98")
    assert [v.fee for v in every.visits] == [Decimal("203.13"), Decimal("39.80"),
                                             Decimal("67.98")]


def test_csv_and_json_show_the_same_cents(db_path: Path) -> None:
    store = Store.open(db_path)
    fill(store)
    env = {**os.environ, "LANG": "C.UTF-8", "THEKIZ_TODAY": "2027-01-31"}

    def report(fmt: str) -> str:
        done = subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db_path),
                               "report", "--month", "2027-01", "--coach", "c1",
                               "--format", fmt], capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode("utf-8-sig" if fmt == "csv" else "utf-8")

    [row, total] = list(csv.reader(io.StringIO(report("csv")), delimiter=";"))[1:]
    assert "223,76" in row and "3,58" in row and "223,76" in total
    rows = json.loads(report("json"))
    assert (rows[0]["fee"], rows[0]["hours"], rows[-1]["fee"]) == (223.76, 3.58, 223.76)
    assert "223,76 €" in report("table")


def test_a_budget_one_cent_short_is_a_finding(store: Store) -> None:
    fill(store, budget=310.90)  # the visits together cost 310,91
    assert euros(store.kita("k1").budget) == Decimal("310.90")
    findings = [f for f in checker_for(store).check() if f.rule == "budget"]
    assert len(findings) == 1 and "310,91 €" in findings[0].message
    assert "um 0,01 € überschritten" in findings[0].message
    kita = store.kita("k1")
    kita.budget = 310.91
    store.update_kita(kita)
    assert [f for f in checker_for(store).check() if f.rule == "budget"] == []


@pytest.mark.parametrize(("text", "amount"), [
    ("2.500", "2500"), ("1.250.000", "1250000"), ("2.500,50", "2500.50"), ("62,5", "62.5"),
    ("62.50", "62.50"), ("62.5", "62.5"), ("1 234,50 €", "1234.50"), ("0,125", "0.125"),
    ("5000", "5000"), ("-2.500", "-2500"), ("12.3456", "12.3456"),
])
def test_a_typed_amount_is_read_as_a_german_user_means_it(text: str, amount: str) -> None:
    # one reading for every place a person types an amount: "2.500" is two thousand five
    # hundred (it read 2,5 here before, while the coach form read 2500)
    assert euros(text) == Decimal(amount) and str(euros(text)) == amount
    assert people.amount(text.lstrip("-"), "das Budget") == float(amount.lstrip("-"))


@pytest.mark.parametrize("text", ["1.23,4", "2.50.0", "nan", "1e5", "1_000", "62,", "zwölf",
                                  "Infinity", "1,2,3"])
def test_what_is_no_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="kein Betrag"):
        euros(text)


def test_a_money_setting_is_typed_as_the_forms_read_it() -> None:
    assert checked("budget_basis", "2.500") == 2500.0  # float("2.500") gave 2,5 before
    assert checked("budget_konsultation", "1.250,50") == 1250.5
    assert checked("recommended_hours_max", "4,5") == 4.5


def test_an_amount_of_a_trillion_or_more_is_refused_and_nothing_written(
        db_path: Path) -> None:
    """A slip of the keyboard: a rate or budget of 30 digits stopped ``coach edit`` and
    ``settings set`` with decimal.InvalidOperation (the cent needs more than the decimal
    module's 28 digits), and the next ``coach list`` or report after one that got
    through. Now one German line, exit 2, and the store as it was."""
    store = Store.open(db_path)
    fill(store)
    before = db_path.read_bytes()
    env = {**os.environ, "THEKIZ_DB": str(db_path), "LANG": "C.UTF-8"}
    huge = "1" + "0" * 29
    for args in (["coach", "edit", "c1", "--rate", huge],
                 ["coach", "edit", "c1", "--rate", "1.000.000.000.000"],
                 ["settings", "set", "budget_basis", huge]):
        result = subprocess.run([sys.executable, "-m", "thekiz_tui", *args], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (args, result.stderr)
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("thekiz: ") and huge[:12] in line.replace(".", "")
        assert db_path.read_bytes() == before
    assert euros("999.999.999.999,99") == Decimal("999999999999.99")


def test_a_hand_edited_amount_in_the_store_is_one_line_not_a_traceback(
        tmp_path: Path) -> None:
    # A rate that is no number (an editor, a script) reaches fmt_money through coach list
    # and the report: one German line and exit 2, and the store is left as it was.
    db = tmp_path / "plan.json"
    Store.open(db).add_coach(Coach(id="c-x", name="X", rate=Decimal("62.50")))
    data = json.loads(db.read_text(encoding="utf-8"))
    data["coaches"]["c-x"]["rate"] = "abc"
    db.write_text(json.dumps(data), encoding="utf-8")
    before = db.read_bytes()
    for command in (["coach", "list"], ["report", "--month", "2026-11"]):
        result = subprocess.run(
            [sys.executable, "-m", "thekiz_tui", "--db", str(db), *command],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
            env={**os.environ, "THEKIZ_CONFIG": os.devnull, "THEKIZ_LANG": "de"})
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert "abc" in result.stderr and "kein Betrag" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert db.read_bytes() == before
