"""The month report as CSV for German Excel: one writer for ``thekiz report --format csv``
and the planner's report screen, so that both produce the same bytes.

Cheap to import (standard library only): the command line imports it for every report.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .planning.report import Report

CSV_HEADERS = {
    "month": "Monat",
    "coach": "Prozessbegleiter*in",
    "kita": "Kita-ID",
    "kita_name": "Kita",
    "address": "Adresse",
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


def report_csv_bytes(report: Report) -> bytes:
    """CSV for German Excel: UTF-8 with BOM, ``;`` as delimiter, decimal commas, CRLF.

    Excel in a German locale splits on ``;`` and reads ``1234,50`` as a number; the BOM
    makes it read the umlauts as UTF-8.
    """
    rows = report.to_rows()
    for row in rows:
        if row.get("recommendation") is not None:
            row["recommendation"] = RECOMMENDATION_CSV[row["recommendation"]]
    # The columns are the report's view: a part she may not see is an empty cell.
    fields = [CSV_HEADERS.get(k, k) for k in report.columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=";", lineterminator="\r\n",
                            restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({CSV_HEADERS.get(k, k): _csv_cell(v) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_report_csv(report: Report, file: IO[bytes]) -> None:
    """Write the report's CSV to a binary file (``sys.stdout.buffer`` for the CLI)."""
    file.write(report_csv_bytes(report))
    file.flush()


def save_report_csv(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report's CSV to ``path`` atomically: a temporary file next to it,
    then a rename, so that a crash or a full disk never leaves half a file. Returns the
    absolute path written."""
    from .files import save_bytes

    return save_bytes(path, report_csv_bytes(report))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float | Decimal):  # money and hours: 203,13
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)
