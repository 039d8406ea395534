"""What a coach and a Kita may be: the one rule for ``thekiz coach|kita`` and the office's
screens.

Each function takes the fields as she typed them (``None``: not given, keep what is
stored; ``""``: cleared) and returns the record to save, or raises :class:`BadInput`
with one German sentence. Nothing here writes; the caller saves what it gets back.
Amounts are read as she means them (:func:`.money.typed`); the store writes them as decimal text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..i18n import tr, trn
from .money import typed
from .timeutil import BadInput, fmt_date, parse_date

if TYPE_CHECKING:
    from store import Coach, Kita, Store

# Thuringia's 17 districts and 5 district-free cities (DOMAIN.md).
DISTRICTS: tuple[str, ...] = (
    "Altenburger Land", "Eichsfeld", "Gotha", "Greiz", "Hildburghausen", "Ilm-Kreis",
    "Kyffhäuserkreis", "Nordhausen", "Saale-Holzland-Kreis", "Saale-Orla-Kreis",
    "Saalfeld-Rudolstadt", "Schmalkalden-Meiningen", "Sömmerda", "Sonneberg",
    "Unstrut-Hainich-Kreis", "Wartburgkreis", "Weimarer Land",
    "Erfurt", "Gera", "Jena", "Suhl", "Weimar",
)

_NO_AMOUNT = ("", "-", "none", "keins")


def district(text: str) -> str:
    """The district as spelt in :data:`DISTRICTS` (any case), or "" when empty."""
    raw = text.strip()
    if not raw:
        return ""
    for name in DISTRICTS:
        if name.casefold() == raw.casefold():
            return name
    if raw.casefold() == "eisenach":
        raise BadInput(tr("Eisenach gehört seit dem 1. Juli 2021 zum Wartburgkreis: bitte "
                          "„Wartburgkreis“ angeben."))
    raise BadInput(tr("„{text}“ ist kein Thüringer Landkreis und keine kreisfreie Stadt.",
                      text=raw))


def amount(text: str | None, what: str) -> float | None:
    """A typed amount (``62,50``, ``1.234,50 €``, ``2.500``, ``62.5``) as stored; None
    for none (``-``, ""). ``what`` names it in the sentence: "den Stundensatz", "das Budget"
    (German, translated here)."""
    if text is None:
        return None
    raw = text.strip().replace("€", "").replace(" ", "")
    if raw.lower() in _NO_AMOUNT:
        return None
    try:
        value = typed(raw)  # (its rule: "2.500" is 2500, "62.50" is 62,50)
    except ValueError:
        raise BadInput(tr("„{text}“ ist kein Betrag für {what} (z. B. 62,50).", text=text,
                          what=tr(what))) from None
    if value < 0:
        raise BadInput(tr("„{text}“ ist kein gültiger Betrag für {what}.", text=text,
                          what=tr(what)))
    # (a float whose shortest text is the amount typed: euros() reads it back exactly)
    return float(value)


def slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    text = unicodedata.normalize("NFKD", text.lower().translate(table))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "x"


def record_id(taken: set[str], wanted: str | None, name: str, prefix: str) -> str:
    """``wanted`` if given, else ``prefix-name`` made unique among ``taken``."""
    if wanted:
        return wanted
    base = f"{prefix}-{slug(name)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def check_texts(texts: dict[str, str | None], ids: tuple[str | None, ...] = ()) -> None:
    """Typed texts (label → text) and ids: refused if they hold characters that would
    control a terminal (``store.text``)."""
    from store.text import text_problem

    checks = [(tr("Die ID"), text, True) for text in ids]
    checks += [(tr(label), text, False) for label, text in texts.items()]
    for label, text, word in checks:
        if text:
            problem = text_problem(label, text, word=word)
            if problem is not None:
                raise BadInput(problem)


def check_role(role: str | None) -> None:
    from store import ROLES

    if role is not None and role not in ROLES:
        raise BadInput(tr("Unbekannte Rolle „{role}“ (möglich: {roles}).", role=role,
                          roles=", ".join(ROLES)))


def check_stage(stage: str | None) -> None:
    from store import STAGES

    if stage is not None and stage not in STAGES:
        raise BadInput(tr("Unbekannte Stufe „{stage}“ (möglich: {stages}).", stage=stage,
                          stages=", ".join(STAGES)))


def since(text: str, today: date) -> str:
    """The stage's first day as stored (ISO), "" when cleared."""
    return parse_date(text, today=today).isoformat() if text.strip() else ""


def since_text(stored: str) -> str:
    """A stored since as she types it (``01.08.2025``); a broken one as stored, so that
    saving it says what is wrong."""
    try:
        return fmt_date(date.fromisoformat(stored)) if stored else ""
    except ValueError:
        return stored


def known_coach(store: Store, coach_id: str) -> None:
    """The coach of a Kita must exist (the store's German sentence)."""
    from store import NotFound

    try:
        store.coach(coach_id)
    except NotFound as error:
        raise BadInput(str(error)) from None


def _name_given(name: str | None) -> str:
    if not name or not name.strip():
        raise BadInput(tr("Bitte einen Namen angeben."))
    return name


# -- coaches ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoachInput:
    """A coach's fields as typed; None: not given."""

    name: str | None = None
    email: str | None = None
    rate: str | None = None
    role: str | None = None


_COACH_LABELS = {"name": "Der Name", "email": "Die E-Mail-Adresse"}


def coach_texts(typed: CoachInput, ids: tuple[str | None, ...] = ()) -> None:
    """Her typed texts and ids may reach a terminal (:func:`check_texts`)."""
    check_texts({label: getattr(typed, name) for name, label in _COACH_LABELS.items()}, ids)


def _coach_checked(typed: CoachInput, ids: tuple[str | None, ...]) -> float | None:
    coach_texts(typed, ids)
    check_role(typed.role)
    return amount(typed.rate, "den Stundensatz")


def new_coach(store: Store, typed: CoachInput, wanted_id: str | None = None) -> Coach:
    """The coach to add; her id made from her name unless ``wanted_id``."""
    from store import Coach

    rate = _coach_checked(typed, (wanted_id,))
    name = _name_given(typed.name)
    taken = {c.id for c in store.coaches()}
    return Coach(id=record_id(taken, wanted_id, name, "c"), name=name,
                 email=typed.email or "", rate=rate or 0.0, role=typed.role or "coach")


def changed_coach(current: Coach, typed: CoachInput) -> Coach:
    """``current`` with the fields given."""
    rate = _coach_checked(typed, ())
    changes: dict[str, Any] = {name: getattr(typed, name) for name in ("name", "email", "role")
                               if getattr(typed, name) is not None}
    if "name" in changes:
        _name_given(changes["name"])
    if rate is not None:
        changes["rate"] = rate
    return replace(current, **changes)


# -- Kitas -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KitaInput:
    """A Kita's fields as typed; None: not given."""

    name: str | None = None
    district: str | None = None
    stage: str | None = None
    since: str | None = None
    coach: str | None = None
    budget: str | None = None
    provider: str | None = None
    address: str | None = None


_KITA_LABELS = {"name": "Der Name", "provider": "Der Träger", "address": "Die Adresse",
                "district": "Der Landkreis", "coach": "Die Begleitung"}


def kita_texts(typed: KitaInput, ids: tuple[str | None, ...] = ()) -> None:
    """The Kita's typed texts and ids may reach a terminal (:func:`check_texts`)."""
    check_texts({label: getattr(typed, name) for name, label in _KITA_LABELS.items()}, ids)


def kita_changes(store: Store, typed: KitaInput, *, today: date,
                 ids: tuple[str | None, ...] = ()) -> dict[str, Any]:
    """The checked fields that were given, as stored."""
    kita_texts(typed, ids)
    check_stage(typed.stage)
    budget = amount(typed.budget, "das Budget")
    changes: dict[str, Any] = {}
    if typed.since is not None:
        changes["since"] = since(typed.since, today)
    if typed.district is not None:
        changes["district"] = district(typed.district)
    if typed.coach is not None:
        if typed.coach:
            known_coach(store, typed.coach)
        changes["coach"] = typed.coach or None
    for name in ("name", "stage", "provider", "address"):
        if getattr(typed, name) is not None:
            changes[name] = getattr(typed, name)
    if "name" in changes:
        _name_given(changes["name"])
    if typed.budget is not None:
        changes["budget"] = budget
    return changes


def new_kita(store: Store, typed: KitaInput, *, today: date,
             wanted_id: str | None = None) -> Kita:
    from store import Kita

    changes = kita_changes(store, typed, today=today, ids=(wanted_id,))
    name = _name_given(typed.name)
    taken = {k.id for k in store.kitas()}
    return Kita(id=record_id(taken, wanted_id, name, "k"), **changes)


def changed_kita(store: Store, current: Kita, typed: KitaInput, *, today: date) -> Kita:
    return replace(current, **kita_changes(store, typed, today=today))


# -- removing --------------------------------------------------------------------------


def coach_in_use(store: Store, coach_id: str) -> str | None:
    """Why removing the coach would leave references behind, or None."""
    kitas = sum(1 for k in store.kitas() if k.coach == coach_id)
    events = sum(1 for e in store.events() if coach_id in e.coaches)
    if not (kitas or events):
        return None
    return tr("„{id}“ ist noch {kitas} und {events}", id=coach_id,
              kitas=trn("{n} Kita zugeordnet", "{n} Kitas zugeordnet", kitas),
              events=_entered(events))


def _entered(events: int) -> str:
    return trn("in {n} Termin eingetragen", "in {n} Terminen eingetragen", events)


def kita_in_use(store: Store, kita_id: str) -> str | None:
    """Why removing the Kita would leave references behind, or None."""
    events = sum(1 for e in store.events()
                 if e.kita == kita_id or kita_id in e.participants)
    if not events:
        return None
    return tr("Kita „{id}“ ist noch {events}", id=kita_id, events=_entered(events))
