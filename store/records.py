"""The records thekiz keeps: coaches, Kitas, events and acknowledgements.

Times are stored as text, as a person would read them in the file:
- a timed event: local wall time with its UTC offset, ``2025-03-04T09:30:00+01:00``, plus
  the IANA zone (``tz``) that recurrences follow;
- an all-day event: bare dates, ``2025-03-04``; ``end`` is exclusive (the day after).

The offset makes every instant unambiguous, also the repeated hour of the October DST day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from functools import cache
from typing import Any

KINDS: tuple[str, ...] = (
    "begleitung",
    "fortbildung",
    "arbeitskreis",
    "fachtag",
    "einrichtungsbesuch",
    "sonstiges",
)
FORTBILDUNG_SUBTYPES: tuple[str, ...] = (
    "fachkraft",
    "reflexion",
    "vernetzung",
    "auftakt-team",
    "auftakt-eltern",
    "auftakt-traeger",
)
STATUSES: tuple[str, ...] = ("geplant", "bestaetigt", "durchgefuehrt", "abgesagt")
STAGES: tuple[str, ...] = ("basis", "vertiefung", "konsultation")
ROLES: tuple[str, ...] = ("coach", "coordinator")
DEFAULT_TZ = "Europe/Berlin"


def new_id(prefix: str) -> str:
    """A short random id; 60 bits make collisions between processes negligible."""
    import secrets  # (imported when needed: it costs the planner's start a few ms)

    return f"{prefix}-{secrets.token_hex(6)}"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = _field_names(cls)
    if names.issuperset(data):
        return dict(data)
    return {k: v for k, v in data.items() if k in names}


@dataclass(slots=True)
class Coach:
    id: str
    name: str
    email: str = ""
    rate: float = 0.0
    role: str = "coach"
    sequence: int = 0
    updated: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coach:
        return cls(**_known(cls, data))


@dataclass(slots=True)
class Kita:
    id: str
    name: str
    district: str = ""
    stage: str = "basis"
    since: str = ""
    coach: str | None = None
    budget: float | None = None
    provider: str = ""
    address: str = ""
    sequence: int = 0
    updated: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Kita:
        return cls(**_known(cls, data))


@dataclass(slots=True)
class Event:
    id: str
    kind: str
    start: str
    end: str
    title: str = ""
    all_day: bool = False
    tz: str = DEFAULT_TZ
    subtype: str | None = None
    coaches: list[str] = field(default_factory=list)
    kita: str | None = None
    participants: list[str] = field(default_factory=list)
    location: str = ""
    notes: str = ""
    status: str = "geplant"
    free: bool = False
    rrule: str | None = None
    exdates: list[str] = field(default_factory=list)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    uid: str = ""
    sequence: int = 0
    created: str = ""
    updated: str = ""
    source: str = ""
    # The UTC instants of start and end, computed once by the planning logic and kept
    # with this (cached, read-only) record; never written to disk.
    span: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def series(self) -> bool:
        return self.rrule is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["span"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, copy: bool = True) -> Event:
        """The event of a stored document. Its lists and dicts are copied, so that a
        caller never edits the store's cache; ``copy=False`` when the document is
        discarded right after (it then shares them with the event)."""
        if tuple(data) == _EVENT_FIELDS:
            # The store's own documents: exactly the fields, in order (``to_dict``).
            event = cls(*data.values())
            coaches, participants, exdates = event.coaches, event.participants, event.exdates
            if copy or type(coaches) is not list:
                event.coaches = list(coaches)
            if copy or type(participants) is not list:
                event.participants = list(participants)
            if copy or type(exdates) is not list:
                event.exdates = list(exdates)
            overrides = event.overrides
            if copy or type(overrides) is not dict:
                event.overrides = {k: dict(v) for k, v in overrides.items()}
            return event
        known = _known(cls, data)
        known.pop("span", None)
        # Lists and dicts are copied, so that a caller never edits the store's cache.
        for name in ("coaches", "participants", "exdates"):
            if name in known:
                known[name] = list(known[name])
        if "overrides" in known:
            known["overrides"] = {k: dict(v) for k, v in known["overrides"].items()}
        return cls(**known)


# The fields a stored event document has, in the order ``Event.to_dict`` writes them.
_EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event) if f.init)


@dataclass(slots=True)
class Ack:
    """An acknowledged finding: it still shows, but no longer counts."""

    finding: str
    events: list[str] = field(default_factory=list)
    reason: str = ""
    by: str = ""
    at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ack:
        return cls(**_known(cls, data))
