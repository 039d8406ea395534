"""Rendering for the command line: aligned German tables and JSON.

Nothing here imports Textual, icalendar or holidays: ``thekiz list`` must start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from .planning.labels import KIND_LABELS, ROLE_LABELS, STAGE_LABELS, STATUS_LABELS
from .planning.timeutil import fmt_date, fmt_money

__all__ = ["KIND_LABELS", "ROLE_LABELS", "STAGE_LABELS", "STATUS_LABELS", "fmt_date", "fmt_money"]

WEEKDAYS = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
HEADINGS = {
    "de": ("Tag", "Datum", "Zeit", "Art", "Titel", "Kita", "Begleitung", "ID"),
    "en": ("Day", "Date", "Time", "Kind", "Title", "Kita", "Coaches", "ID"),
}


def fmt_number(value: float, digits: int = 2) -> str:
    """German decimal comma, no thousands separator: ``1234,50``."""
    return f"{value:.{digits}f}".replace(".", ",")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]],
          right: Iterable[int] = ()) -> str:
    """Columns separated by two spaces, padded to the widest cell."""
    right_cols = set(right)
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            cell.rjust(widths[i]) if i in right_cols else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


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
        day_text = fmt_date(first) if last <= first else f"{fmt_date(first)}–{fmt_date(last)}"
        return first, day_text, "ganztägig" if lang == "de" else "all day"
    start = datetime.fromisoformat(event.start)
    end = datetime.fromisoformat(event.end)
    end_text = f"{end:%H:%M}"
    if end.date() != start.date():
        end_text = f"{fmt_date(end.date())} {end_text}"
    return start.date(), fmt_date(start.date()), f"{start:%H:%M}–{end_text}"


def events_table(occurrences: Sequence[Any], *, coaches: Mapping[str, Any],
                 kitas: Mapping[str, Any], lang: str = "de") -> str:
    if not occurrences:
        return "Keine Termine im Zeitraum." if lang == "de" else "No events in this period."
    labels = KIND_LABELS.get(lang, KIND_LABELS["de"])
    weekdays = WEEKDAYS.get(lang, WEEKDAYS["de"])
    rows = []
    for occ in occurrences:
        event = occ.event
        day, day_text, time_text = _when(event, lang)
        kind = labels.get(event.kind, event.kind)
        if event.subtype:
            kind = f"{kind} ({event.subtype})"
        title = event.title
        if event.status == "abgesagt":
            title = f"{title} [abgesagt]"
        if event.free:
            title = f"{title} [frei]"
        if occ.recurrence_id is not None:
            title = f"{title} ↻"
        kita = kitas.get(event.kita) if event.kita else None
        names = [
            getattr(coaches.get(c), "name", None) or c for c in event.coaches
        ]
        rows.append((
            weekdays[day.weekday()], day_text, time_text, kind, title,
            getattr(kita, "name", None) or (event.kita or ""), ", ".join(names), event.id,
        ))
    return table(HEADINGS.get(lang, HEADINGS["de"]), rows)


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
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"nicht serialisierbar: {type(value).__name__}")


def write(text: str) -> None:
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
