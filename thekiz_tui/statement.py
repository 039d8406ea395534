"""The monthly statement as a PDF: one page per coach, rendered by typst.

The figures are the report's (``planning.report.month_report``), formatted by the same
functions as the table and the CSV, so that the PDF, the CSV and the screen agree to the
cent. typst gets them as JSON data (``sys.inputs``), never as pasted markup: a title or a
Kita name is shown as text whatever it holds. typst brings its own fonts, so "€", "–" and
umlauts render without system libraries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from store.text import neutral

from .planning.money import euros
from .planning.report import Report, budget_cells, hours_de
from .planning.timeutil import MONTHS_DE, WEEKDAYS_DE, fmt_date, fmt_money

VISIT_COLUMNS = ["Datum", "Kita", "Zeit", "Stunden", "Honorar"]
KITA_COLUMNS = ["Kita", "Besuche", "Stunden", "Honorar"]
BUDGET_COLUMNS = ["Budget Jahr", "verbraucht", "übrig"]


def _day(day: date) -> str:
    return f"{WEEKDAYS_DE[day.weekday()]} {fmt_date(day)}"


def sheet(report: Report, rate: Decimal | float | None) -> dict[str, Any]:
    """One page's data: her visits, the sums and the Kitas' figures, as text."""
    visits = [{
        "day": _day(v.day),
        "kita": neutral(v.kita_name),
        "time": f"{v.start}–{v.end}" if v.start else "ganztägig",
        "hours": hours_de(v.hours),
        "fee": fmt_money(v.fee),
    } for v in report.visits]
    kitas = []
    for row in report.rows:
        cells = [neutral(row.kita_name), str(row.visits), hours_de(row.hours), fmt_money(row.fee)]
        if report.has("budget"):
            cells += budget_cells(row)
        kitas.append(cells)
    who = neutral(report.coach_name) if report.coach is not None else "alle"
    return {
        "coach_line": f"Prozessbegleiter*in: {who}",
        "rate_line": "" if rate is None else f"Stundensatz: {fmt_money(euros(rate))} je Stunde",
        "visits": visits,
        "total_visits": (f"{report.total_visits} Besuch" if report.total_visits == 1
                         else f"{report.total_visits} Besuche"),
        "total_hours": hours_de(report.total_hours),
        "total_fee": fmt_money(report.total_fee),
        "kitas": kitas,
    }


def statement_data(reports: Sequence[tuple[Report, Decimal | float | None]], *,
                   office: str, today: date) -> dict[str, Any]:
    """The document's data: the words and one sheet per (report, rate)."""
    first = reports[0][0]
    has_budget = first.has("budget")
    return {
        "title": f"Stundennachweis {MONTHS_DE[first.month - 1]} {first.year}",
        "office": neutral(office),
        "programme": "ThEKiZ – Thüringer Eltern-Kind-Zentren",
        "footer": f"erstellt am {fmt_date(today)} · Seite",
        "visits_heading": "Begleitbesuche",
        "no_visits": "Keine Begleitbesuche in diesem Monat.",
        "visit_columns": VISIT_COLUMNS,
        "total_word": "Summe",
        "kitas_heading": "Kitas",
        "kita_columns": KITA_COLUMNS + (BUDGET_COLUMNS if has_budget else []),
        "place_date": "Ort, Datum",
        "signature": "Unterschrift",
        "sheets": [sheet(report, rate) for report, rate in reports],
    }


def statement_pdf(reports: Sequence[tuple[Report, Decimal | float | None]], *, office: str,
                  today: date) -> bytes:
    """The PDF of one page per report."""
    import typst

    data = statement_data(reports, office=office, today=today)
    source = files("thekiz_tui").joinpath("templates/statement.typ").read_bytes()
    compiler = typst.Compiler(sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                              ignore_system_fonts=True)
    pdf = compiler.compile(input=source, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf


def statement_for(store: Any, report: Report, *, today: date) -> bytes:
    """The PDF of a report as a person may see it: one page for its coach, or (the
    office's report of all coaches) one page per coach with visits in the month."""
    from .planning.report import month_report
    from .planning.settings import Settings

    coaches = {c.id: c for c in store.coaches()}
    if report.coach is not None:
        reports = [report]
    else:
        reports = [month_report(store, report.year, report.month, coach=coach_id)
                   for coach_id in sorted(coaches, key=lambda c: coaches[c].name.casefold())]
        reports = [r for r in reports if r.visits] or [report]
    office = Settings.from_store(store.settings()).office_name
    pages = [(r, coaches[r.coach].rate if r.coach in coaches else None) for r in reports]
    return statement_pdf(pages, office=office, today=today)


def default_name(year: int, month: int, coach: str | None) -> str:
    """``stundennachweis-2027-01-c-kraemer.pdf``; ``alle`` for every coach."""
    return f"stundennachweis-{year:04d}-{month:02d}-{coach or 'alle'}.pdf"
