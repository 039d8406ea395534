"""Schema versions of the store file and the steps that upgrade older files.

Version 1 was the prototype's layout: one plain TinyDB file (written by TinyDB's own
JSONStorage) with the tables ``coaches``, ``kitas`` and ``events`` under integer ids.
Version 2 keeps coaches, Kitas, settings and acknowledgements in the main file and spreads
the events over one file per month (plus ``series`` for recurring and very long events),
so that an edit rewrites a few hundred events instead of all of them.
Version 3 writes amounts of money (a coach's rate, a Kita's budget, the budget settings)
as decimal text, "62.50", where version 2 wrote JSON numbers (62.5): a number is a binary
float to most readers of the file, an invoice's amount is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .records import money_text

SCHEMA_VERSION = 3
# The settings that are amounts of money (``planning.settings``), written as text.
MONEY_SETTINGS = frozenset({"budget_basis", "budget_vertiefung", "budget_konsultation"})

Tables = dict[str, dict[str, Any]]
# A migration step takes the main file's tables and returns (new main tables, events).
Step = Callable[[Tables], tuple[Tables, list[dict[str, Any]]]]


def _v1_to_v2(tables: Tables) -> tuple[Tables, list[dict[str, Any]]]:
    def rekey(table: str, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for doc_id, doc in tables.get(table, {}).items():
            record = dict(doc)
            record.setdefault("id", f"{prefix}-{doc_id}")
            out[str(record["id"])] = record
        return out

    events = list(rekey("events", "e").values())
    for event in events:
        # v1 called the list of coaches "coach" when there was one only.
        if "coaches" not in event:
            single = event.pop("coach", None)
            event["coaches"] = [single] if single else []
        event.setdefault("uid", f"{event['id']}@thekiz")
    main: Tables = {
        "meta": {"schema": {"version": 2}},
        "coaches": rekey("coaches", "c"),
        "kitas": rekey("kitas", "k"),
        "settings": dict(tables.get("settings", {})),
        "acks": dict(tables.get("acks", {})),
        "series": {},
    }
    return main, events


def as_text(value: Any) -> Any:
    """A stored amount as decimal text; text, None and what is no number (a hand-edited
    file: refused where it is used, as before) as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return money_text(value)
        except ValueError:  # inf, nan
            return value
    return value


def _v2_to_v3(tables: Tables) -> tuple[Tables, list[dict[str, Any]]]:
    main = dict(tables)
    main["coaches"] = {key: {**doc, "rate": as_text(doc.get("rate", 0.0))}
                       for key, doc in tables.get("coaches", {}).items()}
    main["kitas"] = {key: {**doc, "budget": as_text(doc.get("budget"))}
                     for key, doc in tables.get("kitas", {}).items()}
    main["settings"] = {key: ({**doc, "value": as_text(doc.get("value"))}
                              if key in MONEY_SETTINGS and isinstance(doc, dict) else doc)
                        for key, doc in tables.get("settings", {}).items()}
    main["meta"] = {**tables.get("meta", {}),
                    "schema": {**tables.get("meta", {}).get("schema", {}), "version": 3}}
    return main, []


STEPS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3}


def version_of(tables: Tables) -> int:
    meta = tables.get("meta", {}).get("schema")
    if meta is None:
        return 1
    return int(meta.get("version", 1))
