"""The monthly report: ``thekiz report`` as a table, JSON or CSV for German Excel."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, emit, read_store, today

if TYPE_CHECKING:
    import argparse

    from ..config import Config


CSV_HEADERS = {
    "month": "Monat",
    "coach": "Prozessbegleiter*in",
    "kita": "Kita-ID",
    "kita_name": "Kita",
    "visits": "Besuche",
    "hours": "Stunden",
    "fee": "Honorar (€)",
    "budget": "Jahresbudget (€)",
    "used_year": "im Jahr verbraucht (€)",
    "left_year": "im Jahr übrig (€)",
    "kita_hours": "Kita-Stunden im Monat",
    "recommendation": "Empfehlung 2–5 h",
    "checklist_done": "Empfehlungen erledigt",
    "checklist_planned": "Empfehlungen geplant",
    "checklist_missing": "Empfehlungen offen",
}
RECOMMENDATION_CSV = {"below": "unter", "within": "im Rahmen", "above": "über"}


def cmd_report(config: Config, args: argparse.Namespace) -> int:
    from ..planning.report import month_report, render_table
    from ..planning.timeutil import parse_month

    year, month = parse_month(args.month)
    store = read_store(config)
    if args.coach:
        store.coach(args.coach)
    now = datetime.combine(today(), datetime.now().time()).astimezone()
    rep = month_report(store, year, month, coach=args.coach, now=now)
    if args.format == "table":
        emit(render_table(rep))
        return EXIT_OK
    rows = rep.to_rows()
    if args.format == "json":
        from ..output import dumps

        emit(dumps(rows))
        return EXIT_OK
    for row in rows:
        if row["recommendation"] is not None:
            row["recommendation"] = RECOMMENDATION_CSV[row["recommendation"]]
    _write_csv([{CSV_HEADERS.get(k, k): v for k, v in row.items()} for row in rows])
    return EXIT_OK


def _write_csv(rows: list[dict[str, Any]]) -> None:
    """CSV for German Excel: UTF-8 with BOM, ``;`` as delimiter, decimal commas, CRLF.

    Excel in a German locale splits on ``;`` and reads ``1234,50`` as a number; the BOM
    makes it read the umlauts as UTF-8.
    """
    import csv
    import io

    buffer = io.StringIO()
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    sys.stdout.buffer.write(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    sys.stdout.buffer.flush()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)
