"""Coaches and Kitas an imported file names that the store does not know.

A thekiz export carries the ids of its coaches, Kita and participants (``X-THEKIZ-*``).
Imported into another store, those ids may name nobody there. Such an entry is never
saved with a dangling id: by default the whole import is refused with the unknown ids
listed, and she chooses what happens to each: map it to one the store knows
(``--map-coach ALT=NEU``, ``--map-kita ALT=NEU``), create it (``--create-missing``, a coach
or Kita with the id as its name, to be completed), or drop the reference
(``--drop-unknown``); the import dialog asks the same id by id (a coach is not offered to
create, as the permission layer refuses her). Participants may be coaches or Kitas, so
they are mapped by either map and never created. What is left must then pass the rules
every saved event keeps (``planning.validate``): a coaching visit whose Kita was dropped
is refused in the same words as in the form and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from store import Coach, Event, Kita

from ..i18n import tr
from ..planning.permissions import Actor
from ..planning.timeutil import BadInput
from .importer import ImportPlan


@dataclass(frozen=True, slots=True)
class Unknown:
    """The ids the plan's entries name that the store does not know."""

    coaches: tuple[str, ...] = ()
    kitas: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.coaches or self.kitas or self.participants)

    def listing(self, most: int = 12) -> str:
        """The unknown ids in the current language, the first ``most`` of them and how
        many more."""
        parts = [tr("Prozessbegleiter*in „{id}“", id=c) for c in self.coaches]
        parts += [tr("Kita „{id}“", id=k) for k in self.kitas]
        parts += [tr("Teilnehmende „{id}“", id=p) for p in self.participants]
        if len(parts) > most:
            return ", ".join(parts[:most]) + tr(" und {n} weitere", n=len(parts) - most)
        return ", ".join(parts)


@dataclass(slots=True)
class Choice:
    """What to do with unknown ids (see the module's text): map them (``coaches``,
    ``kitas``: old id → one the store knows), create every one not mapped (``create``)
    or drop every one not mapped (``drop``), as the CLI's options say; or, id by id as
    the import dialog asks, create those in ``created`` and drop those in ``dropped``."""

    coaches: dict[str, str] = field(default_factory=dict)
    kitas: dict[str, str] = field(default_factory=dict)
    create: bool = False
    drop: bool = False
    created: frozenset[str] = frozenset()
    dropped: frozenset[str] = frozenset()

    def creates(self, old: str) -> bool:
        return self.create or old in self.created

    def drops(self, old: str) -> bool:
        return self.drop or old in self.dropped

    def covers(self, missing: Unknown) -> bool:
        """Whether it says what happens to each of the ``missing`` ids."""
        people = self.coaches.keys() | self.kitas.keys()
        return (all(c in self.coaches or self.creates(c) or self.drops(c)
                    for c in missing.coaches)
                and all(k in self.kitas or self.creates(k) or self.drops(k)
                        for k in missing.kitas)
                and all(p in people or self.drops(p) for p in missing.participants))


HINT = ("Bitte wählen: mit --map-coach ALT=NEU bzw. --map-kita ALT=NEU zuordnen, mit "
        "--create-missing anlegen oder mit --drop-unknown die Angabe weglassen.")


def unknown(events: Iterable[Event], coaches: Iterable[str], kitas: Iterable[str]) -> Unknown:
    known_coaches, known_kitas = set(coaches), set(kitas)
    found: dict[str, dict[str, None]] = {"c": {}, "k": {}, "p": {}}
    for event in events:
        for coach in event.coaches:
            if coach not in known_coaches:
                found["c"][coach] = None
        if event.kita is not None and event.kita not in known_kitas:
            found["k"][event.kita] = None
        for person in event.participants:
            if person not in known_coaches and person not in known_kitas:
                found["p"][person] = None
    named = found["c"].keys() | found["k"].keys()  # a Kita that also takes part: said once
    return Unknown(tuple(found["c"]), tuple(found["k"]),
                   tuple(p for p in found["p"] if p not in named))


def parse_maps(pairs: Iterable[str], what: str) -> dict[str, str]:
    """``ALT=NEU`` pairs of ``--map-coach``/``--map-kita``."""
    out: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise BadInput(tr("„{pair}“: bitte {what} als ALT=NEU angeben.", pair=pair,
                              what=what))
        out[old.strip()] = new.strip()
    return out


def resolve(plan: ImportPlan, choice: Choice, *, coaches: Iterable[str],
            kitas: Iterable[str]) -> tuple[ImportPlan, list[Coach], list[Kita]]:
    """The plan with the choice applied, and the coaches and Kitas to create first.
    BadInput (German, listing the ids) for what is still unknown, or a map to an id the
    store does not know either."""
    known_coaches, known_kitas = set(coaches), set(kitas)
    for old, new in choice.coaches.items():
        if new not in known_coaches:
            raise BadInput(tr("--map-coach {old}={new}: Prozessbegleiter*in „{new}“ gibt es "
                              "hier nicht.", old=old, new=new))
    for old, new in choice.kitas.items():
        if new not in known_kitas:
            raise BadInput(tr("--map-kita {old}={new}: Kita „{new}“ gibt es hier nicht.",
                              old=old, new=new))
    missing = unknown(plan.writes, known_coaches, known_kitas)
    new_coaches = [Coach(id=c, name=c) for c in missing.coaches
                   if c not in choice.coaches and choice.creates(c)]
    new_kitas = [Kita(id=k, name=k) for k in missing.kitas
                 if k not in choice.kitas and choice.creates(k)]
    known_coaches |= {c.id for c in new_coaches}
    known_kitas |= {k.id for k in new_kitas}
    people = {**choice.kitas, **choice.coaches}

    def fixed(event: Event) -> Event:
        changes: dict[str, Any] = {}
        coach_ids = [choice.coaches.get(c, c) for c in event.coaches
                     if choice.coaches.get(c, c) in known_coaches or not choice.drops(c)]
        coach_ids = list(dict.fromkeys(coach_ids))
        if coach_ids != event.coaches:
            changes["coaches"] = coach_ids
        if event.kita is not None:
            kita: str | None = choice.kitas.get(event.kita, event.kita)
            if kita not in known_kitas and choice.drops(event.kita):
                kita = None
            if kita != event.kita:
                changes["kita"] = kita
        persons = [people.get(p, p) for p in event.participants
                   if people.get(p, p) in known_coaches or people.get(p, p) in known_kitas
                   or not choice.drops(p)]
        persons = list(dict.fromkeys(persons))
        if persons != event.participants:
            changes["participants"] = persons
        return replace(event, **changes) if changes else event

    result = replace(plan, new=[fixed(e) for e in plan.new],
                     changed=[fixed(e) for e in plan.changed])
    left = unknown(result.writes, known_coaches, known_kitas)
    if left:
        raise BadInput(tr("Die Datei nennt, was es hier nicht gibt: {ids}. {hint}",
                          ids=left.listing(), hint=tr(HINT)))
    return result, new_coaches, new_kitas


def check(events: Iterable[Event], coaches: Iterable[str], kitas: Iterable[str]) -> None:
    """The rules every saved event keeps, for the entries an import would write, in the
    words of the form and the CLI (``planning.validate``)."""
    from ..planning.validate import save_problems

    coach_ids, kita_ids = set(coaches), set(kitas)
    for event in events:
        problems = save_problems(event, coaches=coach_ids, kitas=kita_ids)
        if problems:
            name = event.title or event.uid or event.id
            raise BadInput(tr("„{name}“ ({day}): {problem}", name=name, day=event.start[:10],
                              problem=problems[0].text()))


def ids_of(store: Any) -> tuple[set[str], set[str]]:
    """The coach and Kita ids an import by the store's person may name: every coach
    (each coach sees every coach's name; an id that exists is no dangling reference);
    every Kita for the office, for a coach the Kitas she accompanies and those her
    stored events name. Another Kita's id is, for her, one the store does not know, in
    the same words (as ``add --kita`` says it): neither its name nor that it exists."""
    from ..planning.permissions import actor, unguarded

    inner = unguarded(store)
    coaches = {c.id for c in inner.coaches()}
    every_kita = {k.id for k in inner.kitas()}
    if actor(store).everything:
        return coaches, every_kita
    kitas = {k.id for k in store.kitas()}
    for event in store.events():  # (hers: their Kita may have passed to another coach)
        named = {event.kita, *event.participants}
        for changes in event.overrides.values():
            named.add(changes.get("kita"))
            named.update(changes.get("participants") or ())
        kitas |= named & every_kita
    return coaches, kitas


def settle(store: Any, plan: ImportPlan, choice: Choice | None) -> tuple[
        ImportPlan, list[Coach], list[Kita]]:
    """The plan as it will be written: unknown ids resolved by ``choice`` (or refused),
    every entry checked, also against her rights."""
    coaches, kitas = ids_of(store)
    result = settled(plan, choice, coaches=coaches, kitas=kitas)
    who, all_kitas, stored = rights_of(store, plan)
    check_rights(result[0].writes, who, all_kitas, stored)
    return result


def rights_of(store: Any, plan: ImportPlan) -> tuple[Actor, dict[str, Kita], dict[str, Event]]:
    """What :func:`check_rights` needs: whom the store serves, every Kita, and the
    stored versions of the events the plan changes (all of them hers to see)."""
    from ..planning.permissions import actor, unguarded

    who = actor(store)
    if who.everything:
        return who, {}, {}
    return (who, {k.id: k for k in unguarded(store).kitas()},
            {e.id: store.event(e.id) for e in plan.changed})


def check_rights(events: Iterable[Event], who: Actor, kitas: dict[str, Kita],
                 stored: dict[str, Event]) -> None:
    """NotPermitted, in the guarded store's words, for an entry her rights refuse (a
    shared date, someone else named): said by a dry run and the dialog's preview too,
    not only when the import writes."""
    if who.everything:
        return
    for event in events:
        who.check_event_change(stored.get(event.id), event, kitas)


def settled(plan: ImportPlan, choice: Choice | None, *, coaches: set[str],
            kitas: set[str]) -> tuple[ImportPlan, list[Coach], list[Kita]]:
    """:func:`settle` against the ids given (the dialog's, read once in its worker)."""
    resolved, new_coaches, new_kitas = resolve(plan, choice or Choice(), coaches=coaches,
                                               kitas=kitas)
    all_coaches = coaches | {c.id for c in new_coaches}
    all_kitas = kitas | {k.id for k in new_kitas}
    check(resolved.writes, all_coaches, all_kitas)
    return resolved, new_coaches, new_kitas
