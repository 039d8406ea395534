"""Rendering for the command line: aligned German tables and JSON.

Nothing here imports Textual, icalendar or holidays: ``thekiz list`` must start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from store.text import neutral

from .i18n import tr
from .planning.labels import (
    KIND_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    kind_label,
    show_date,
    weekday_abbr,
)
from .planning.timeutil import fmt_date, fmt_money, fmt_time

__all__ = ["KIND_LABELS", "ROLE_LABELS", "STAGE_LABELS", "STATUS_LABELS", "fmt_date", "fmt_money"]

def fmt_number(value: Decimal | float, digits: int = 2) -> str:
    """A number with a fixed count of decimals in the language's format, without a
    thousands separator: ``1234,50`` (English ``1234.50``), by Babel."""
    from decimal import ROUND_HALF_UP

    from babel.numbers import format_decimal

    from .i18n import lang
    from .planning.money import euros

    exact = euros(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(exact, format=pattern, locale="en_GB" if lang() == "en" else "de_DE")


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                right: Iterable[int] = ()) -> Iterator[str]:
    """Columns separated by two spaces, padded to the widest cell; line by line, so
    that a long table is written without being built twice in memory. A cell is one
    line without terminal control (``store.text.neutral``), whatever it holds."""
    right_cols = set(right)
    head = [neutral(str(h)) for h in headers]

    def text(cell: Any) -> str:
        return "" if cell is None else neutral(str(cell))

    widths = [
        max([len(head[i]), *(len(text(row[i])) for row in rows)]) for i in range(len(head))
    ]

    def line(row: Sequence[Any]) -> str:
        return "  ".join(
            text(cell).rjust(widths[i]) if i in right_cols else text(cell).ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()

    yield line(head)
    yield "  ".join("-" * w for w in widths)
    for row in rows:
        yield line(row)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]],
          right: Iterable[int] = ()) -> str:
    return "\n".join(table_lines(headers, list(rows), right))


# -- events ------------------------------------------------------------------------------


def event_dict(event: Any, *, series: str | None = None,
               recurrence_id: str | None = None) -> dict[str, Any]:
    """The JSON object of an event or of one occurrence of a series.

    ``start``/``end``: ISO 8601 with UTC offset; all-day events as bare dates with an
    exclusive end, as stored.
    """
    return {
        "id": event.id,
        "kind": event.kind,
        "subtype": event.subtype,
        "title": event.title,
        "start": event.start,
        "end": event.end,
        "all_day": event.all_day,
        "tz": event.tz,
        "coaches": list(event.coaches),
        "kita": event.kita,
        "participants": list(event.participants),
        "location": event.location,
        "status": event.status,
        "free": event.free,
        "notes": event.notes,
        "rrule": event.rrule,
        "series": series,
        "recurrence_id": recurrence_id,
        "sequence": event.sequence,
        "uid": event.uid,
    }


def occurrence_dict(occ: Any) -> dict[str, Any]:
    rid = occ.recurrence_id
    return event_dict(occ.event, series=occ.event.id if rid is not None else None,
                      recurrence_id=rid)


def _when(event: Any, lang: str) -> tuple[date, str, str]:
    """Day, date column and time column of an event for the table."""
    if event.all_day:
        first = date.fromisoformat(event.start[:10])
        last = date.fromisoformat(event.end[:10]) - timedelta(days=1)
        day_text = show_date(first) if last <= first else f"{show_date(first)}–{show_date(last)}"
        return first, day_text, tr("ganztägig")
    start = datetime.fromisoformat(event.start)
    end = datetime.fromisoformat(event.end)
    end_text = fmt_time(end)
    if end.date() != start.date():
        end_text = f"{show_date(end.date())} {end_text}"
    return start.date(), show_date(start.date()), f"{fmt_time(start)}–{end_text}"


def event_rows(occurrences: Iterable[Any], *, coaches: Mapping[str, Any],
               kitas: Mapping[str, Any], lang: str = "de") -> Iterator[tuple[str, ...]]:
    """The table rows of occurrences: weekday, date, time, kind, title, Kita, coaches, id."""
    weekdays = [weekday_abbr(i, lang) for i in range(7)]
    for occ in occurrences:
        event = occ.event
        day, day_text, time_text = _when(event, lang)
        kind = kind_label(event.kind, lang)
        if event.subtype:
            kind = f"{kind} ({event.subtype})"
        title = event.title
        if event.status == "abgesagt":
            title = f"{title} [{tr('abgesagt')}]"
        if event.free:
            title = f"{title} [{tr('frei')}]"
        if occ.recurrence_id is not None:
            title = f"{title} ↻"
        kita = kitas.get(event.kita) if event.kita else None
        names = [
            getattr(coaches.get(c), "name", None) or c for c in event.coaches
        ]
        yield (
            weekdays[day.weekday()], day_text, time_text, kind, title,
            getattr(kita, "name", None) or (event.kita or ""), ", ".join(names), event.id,
        )


def table_text(rows: Sequence[Sequence[Any]], *, lang: str = "de") -> str:
    return "\n".join(table_text_lines(rows, lang=lang))


def table_text_lines(rows: Sequence[Sequence[Any]], *, lang: str = "de") -> Iterator[str]:
    if not rows:
        yield tr("Keine Termine im Zeitraum.")
        return
    yield from table_lines((tr("Tag"), tr("Datum"), tr("Zeit"), tr("Art"), tr("Titel"),
                            tr("Kita"), tr("Begleitung"), "ID"), rows)


def events_table(occurrences: Sequence[Any], *, coaches: Mapping[str, Any],
                 kitas: Mapping[str, Any], lang: str = "de") -> str:
    rows = list(event_rows(occurrences, coaches=coaches, kitas=kitas, lang=lang))
    return table_text(rows, lang=lang)


# -- JSON -------------------------------------------------------------------------------


def dumps(data: Any) -> str:
    import orjson

    return orjson.dumps(
        data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=_default
    ).decode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    from decimal import Decimal

    if isinstance(value, Decimal):  # money and hours, to the cent: 203.13
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"nicht serialisierbar: {type(value).__name__}")


def write_json_stream(items: Iterable[Any]) -> None:
    """A JSON array written item by item, formatted as ``dumps`` would format it."""
    import orjson

    out = sys.stdout
    first = True
    for item in items:
        text = orjson.dumps(
            item, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=_default
        ).decode("utf-8")
        text = neutral(text, lines=True)  # (as ``write``: what JSON leaves raw)
        out.write(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def write(text: str) -> None:
    """``text`` on stdout as lines, without terminal control (JSON is escaped already:
    this only replaces what JSON leaves raw, C1 and bidi characters, keeping it JSON)."""
    text = neutral(text, lines=True)
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
