"""Schema versions of the store file and the steps that upgrade older files.

Version 1 was the prototype's layout: one plain TinyDB file (written by TinyDB's own
JSONStorage) with the tables ``coaches``, ``kitas`` and ``events`` under integer ids.
Version 2 keeps coaches, Kitas, settings and acknowledgements in the main file and spreads
the events over one file per month (plus ``series`` for recurring and very long events),
so that an edit rewrites a few hundred events instead of all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 2

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


STEPS: dict[int, Step] = {1: _v1_to_v2}


def version_of(tables: Tables) -> int:
    meta = tables.get("meta", {}).get("schema")
    if meta is None:
        return 1
    return int(meta.get("version", 1))
