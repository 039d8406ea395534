"""The recommended parts of each stage (DOMAIN.md) as a checklist per Kita and year.

Each item is ``done`` (a non-cancelled matching event that has ended, or one with status
``durchgefuehrt``), ``planned`` (a non-cancelled one still ahead) or ``missing``. An event
counts for a Kita when it is at the Kita, the Kita takes part, or, for Arbeitskreis and
Fachtag, when it names no Kita at all (open to all Kitas).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from store import Event, Kita

from .labels import SUBTYPE_LABELS
from .occurrences import expand
from .settings import Settings
from .timeutil import day_start, epoch


@dataclass(frozen=True, slots=True)
class Part:
    key: str
    label: str
    kind: str
    subtype: str | None = None


def _training(subtype: str) -> Part:
    return Part(subtype, SUBTYPE_LABELS[subtype], "fortbildung", subtype)


FACHKRAFT = _training("fachkraft")
REFLEXION = _training("reflexion")
VERNETZUNG = _training("vernetzung")
AUFTAKT_TEAM = _training("auftakt-team")
AUFTAKT_ELTERN = _training("auftakt-eltern")
AUFTAKT_TRAEGER = _training("auftakt-traeger")
ARBEITSKREIS = Part("arbeitskreis", "Arbeitskreis ThEKiZ", "arbeitskreis")
FACHTAG = Part("fachtag", "Fachtag / Fachveranstaltung", "fachtag")
EINRICHTUNGSBESUCH = Part(
    "einrichtungsbesuch", "Einrichtungsbesuch (Fachstelle)", "einrichtungsbesuch"
)

PARTS: dict[str, tuple[Part, ...]] = {
    "basis": (
        FACHKRAFT, REFLEXION, VERNETZUNG, AUFTAKT_TEAM, AUFTAKT_ELTERN, AUFTAKT_TRAEGER,
        ARBEITSKREIS, FACHTAG, EINRICHTUNGSBESUCH,
    ),
    "vertiefung": (REFLEXION, VERNETZUNG, ARBEITSKREIS, FACHTAG, EINRICHTUNGSBESUCH),
    "konsultation": (REFLEXION, VERNETZUNG, ARBEITSKREIS, FACHTAG, EINRICHTUNGSBESUCH),
}
OPEN_TO_ALL = ("arbeitskreis", "fachtag")
STATUS_DE = {"done": "erledigt", "planned": "geplant", "missing": "fehlt"}


@dataclass(slots=True)
class Item:
    part: Part
    status: str  # "done" | "planned" | "missing"
    events: list[str] = field(default_factory=list)  # matching event ids, by start

    @property
    def status_de(self) -> str:
        return STATUS_DE[self.status]


@dataclass(slots=True)
class Checklist:
    kita: str
    year: int
    stage: str
    items: list[Item]

    @property
    def missing(self) -> list[Item]:
        return [i for i in self.items if i.status == "missing"]


def counts_for(event: Event, kita_id: str) -> bool:
    if event.kita == kita_id or kita_id in event.participants:
        return True
    return event.kind in OPEN_TO_ALL and event.kita is None and not event.participants


def matches(event: Event, part: Part) -> bool:
    return event.kind == part.kind and (part.subtype is None or event.subtype == part.subtype)


def kita_checklist(
    kita: Kita,
    year: int,
    events: Iterable[Event],
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
) -> Checklist:
    """The checklist of the Kita's (current) stage for a calendar year."""
    settings = settings or Settings()
    tz = settings.timezone
    now_ts = int((now or datetime.now().astimezone()).timestamp())
    lo = epoch(day_start(date(year, 1, 1), tz))
    hi = epoch(day_start(date(year + 1, 1, 1), tz))
    parts = PARTS.get(kita.stage, PARTS["vertiefung"])
    kinds = {p.kind for p in parts}
    relevant = [e for e in events if e.kind in kinds and counts_for(e, kita.id)]
    occs = sorted(
        (o for o in expand(relevant, lo, hi) if lo <= o.start_ts < hi),
        key=lambda o: o.start_ts,
    )
    items: list[Item] = []
    for part in parts:
        done: list[str] = []
        planned: list[str] = []
        for occ in occs:
            ev = occ.event
            if ev.status == "abgesagt" or not matches(ev, part) or not counts_for(ev, kita.id):
                continue
            if ev.status == "durchgefuehrt" or occ.end_ts <= now_ts:
                done.append(ev.id)
            else:
                planned.append(ev.id)
        status = "done" if done else "planned" if planned else "missing"
        items.append(Item(part, status, list(dict.fromkeys(done + planned))))
    return Checklist(kita.id, year, kita.stage, items)
