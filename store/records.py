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
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, cast

from .text import neutral

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


# An amount of money in memory: exact text from the file (``Decimal``), or a number a
# caller set (read exactly by ``planning.money.euros``).
Money = Decimal | float


# No amount of a coach's rate, a Kita's budget or a budget setting reaches a trillion
# euros: a larger one is a slip of the keyboard (or a hand-edited file), and beyond the
# decimal module's 28 digits rounding it to the cent fails (decimal.InvalidOperation).
MONEY_LIMIT = Decimal(10) ** 12


def exact(value: float) -> Decimal:
    """A float as the amount it shows: by its shortest text (62.5, 0.1), never by its
    binary value (0.1000000000000000055…)."""
    return Decimal(repr(value))


def money_text(value: Money | int) -> str:
    """An amount as the store writes it: decimal text with a point and at least two
    decimals ("62.50", "5000.00"), never exactly three: "0.1250", not "0.125", since a
    German reads "2.500" as 2500 (``planning.money.typed``)."""
    amount = exact(value) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
        raise ValueError(f"{value!r} ist kein Betrag")
    places = -int(amount.as_tuple().exponent)
    if places < 2:
        amount = amount.quantize(Decimal("0.01"))
    elif places == 3:
        amount = amount.quantize(Decimal("0.0001"))
    return format(amount.copy_abs() if amount.is_zero() else amount, "f")  # not "-0.00"


def _money(value: Any) -> Any:
    """A stored amount for memory: its text exactly; a number (a file not migrated yet,
    read-only) as it is; text that is no number as it is (refused where it is used)."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


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
    rate: Money = 0.0
    role: str = "coach"
    sequence: int = 0
    updated: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rate"] = money_text(self.rate)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coach:
        coach = cls(**_known(cls, data))
        coach.rate = cast(Money, _money(coach.rate))
        if not _printable(coach.name, coach.email, coach.role):
            _neutral_texts(coach, ("name", "email", "role"))
        return coach


@dataclass(slots=True)
class Kita:
    id: str
    name: str
    district: str = ""
    stage: str = "basis"
    since: str = ""
    coach: str | None = None
    budget: Money | None = None
    provider: str = ""
    address: str = ""
    sequence: int = 0
    updated: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.budget is not None:
            data["budget"] = money_text(self.budget)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Kita:
        kita = cls(**_known(cls, data))
        kita.budget = cast("Money | None", _money(kita.budget))
        if not _printable(kita.name, kita.district, kita.provider, kita.address, kita.stage,
                          kita.since):
            _neutral_texts(kita, ("name", "district", "provider", "address", "stage", "since"))
        return kita


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
    # Extra dates of the series (RDATE; stored like ``exdates``): with or without a rule,
    # an event that has them is a series. Their own length, if it differs, is an override.
    rdates: list[str] = field(default_factory=list)
    # Further rules beside ``rrule`` (a file's second RRULE): the series is their union.
    extra_rules: list[str] = field(default_factory=list)
    # The UTC instants of start and end, computed once by the planning logic and kept
    # with this (cached, read-only) record; never written to disk.
    span: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def series(self) -> bool:
        """Whether it recurs: a rule, or extra dates (RDATE) without one."""
        return bool(self.rrule) or bool(self.rdates)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["span"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, copy: bool = True) -> Event:
        """The event of a stored document. Its lists and dicts are copied, so that a
        caller never edits the store's cache; ``copy=False`` when the document is
        discarded right after (it then shares them with the event)."""
        keys = tuple(data)
        if keys in (_EVENT_FIELDS, _EVENT_FIELDS_V2):
            # The store's own documents: exactly the fields, in order (``to_dict``); a
            # document written before rdates/extra_rules takes their defaults.
            event = cls(*data.values())
            coaches, participants, exdates = event.coaches, event.participants, event.exdates
            if copy or type(coaches) is not list:
                event.coaches = list(coaches)
            if copy or type(participants) is not list:
                event.participants = list(participants)
            if copy or type(exdates) is not list:
                event.exdates = list(exdates)
            if copy or type(event.rdates) is not list:
                event.rdates = list(event.rdates)
            if copy or type(event.extra_rules) is not list:
                event.extra_rules = list(event.extra_rules)
            overrides = event.overrides
            if copy or type(overrides) is not dict:
                event.overrides = overrides = {k: dict(v) for k, v in overrides.items()}
            try:
                # One test for the whole record: joining is cheaper than a test per field.
                clean = "".join((
                    event.title, event.location, event.notes, event.kind, event.status,
                    event.subtype or "",
                )).isprintable()
            except TypeError:  # (a field that is no text: _neutral_event looks at each)
                clean = False
            if not clean or overrides:
                _neutral_event(event)
            return event
        known = _known(cls, data)
        known.pop("span", None)
        # Lists and dicts are copied, so that a caller never edits the store's cache.
        for name in ("coaches", "participants", "exdates", "rdates", "extra_rules"):
            if name in known:
                known[name] = list(known[name])
        if "overrides" in known:
            known["overrides"] = {k: dict(v) for k, v in known["overrides"].items()}
        event = cls(**known)
        _neutral_event(event)
        return event


# The fields a stored event document has, in the order ``Event.to_dict`` writes them.
_EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event) if f.init)
# Stores written before RDATE was kept lack the last two fields; the rest is in order.
_EVENT_FIELDS_V2: tuple[str, ...] = _EVENT_FIELDS[:-2]
# The text of an event read from a file (a store written before store.text, or by hand)
# reaches terminals: each is neutralised when read (store/text.py says why). Ids and the
# ids an event names are not: they are the keys of the store's documents (a changed id
# would save a second event beside the first); typed ids are refused on input, and every
# writer to a terminal neutralises the ids it shows.
_EVENT_TEXTS: tuple[str, ...] = ("kind", "status", "subtype", "title", "location", "notes",
                                 "uid", "source")


def _printable(*texts: object) -> bool:
    """Whether every one of ``texts`` is printable text (None counts as clean)."""
    return all(t is None or (type(t) is str and t.isprintable()) for t in texts)


def _neutral_texts(record: Any, names: tuple[str, ...]) -> None:
    """Neutralise the named text fields of ``record`` in place (notes keep their lines)."""
    for name in names:
        value = getattr(record, name)
        if type(value) is str and not value.isprintable():
            setattr(record, name, neutral(value, lines=name == "notes"))


def _neutral_event(event: Event) -> None:
    """Neutralise every text of ``event`` in place, also in its per-occurrence changes.
    Its lists and dicts are the event's own (copied or released by the caller)."""
    _neutral_texts(event, _EVENT_TEXTS)
    for changes in event.overrides.values():
        if type(changes) is not dict:
            continue
        for name, value in changes.items():
            if name in _EVENT_TEXTS and type(value) is str and not value.isprintable():
                changes[name] = neutral(value, lines=name == "notes")


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
        ack = cls(**_known(cls, data))
        if not _printable(ack.reason, ack.by):
            _neutral_texts(ack, ("reason", "by"))
        return ack
