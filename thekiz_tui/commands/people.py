"""People and places: ``thekiz coach`` and ``thekiz kita`` (with the district check)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, bad, check_text, emit, open_store, out, parse_day, read_store

if TYPE_CHECKING:
    import argparse

    from ..config import Config


# Thuringia's 17 districts and 5 district-free cities (DOMAIN.md).
DISTRICTS: tuple[str, ...] = (
    "Altenburger Land", "Eichsfeld", "Gotha", "Greiz", "Hildburghausen", "Ilm-Kreis",
    "Kyffhäuserkreis", "Nordhausen", "Saale-Holzland-Kreis", "Saale-Orla-Kreis",
    "Saalfeld-Rudolstadt", "Schmalkalden-Meiningen", "Sömmerda", "Sonneberg",
    "Unstrut-Hainich-Kreis", "Wartburgkreis", "Weimarer Land",
    "Erfurt", "Gera", "Jena", "Suhl", "Weimar",
)


def _money(text: str | None, what: str) -> float | None:
    if text is None:
        return None
    raw = text.strip().replace("€", "").replace(" ", "")
    if raw.lower() in ("", "-", "none", "keins"):
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        bad(f"„{text}“ ist kein Betrag für {what} (z. B. 62,50).")
    if value < 0 or value != value or value in (float("inf"),):
        bad(f"„{text}“ ist kein gültiger Betrag für {what}.")
    return value


def _slug(text: str) -> str:
    import re
    import unicodedata

    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    text = unicodedata.normalize("NFKD", text.lower().translate(table))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "x"


def _record_id(store_ids: set[str], wanted: str | None, name: str, prefix: str) -> str:
    if wanted:
        return wanted
    base = f"{prefix}-{_slug(name)}"
    candidate, n = base, 2
    while candidate in store_ids:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_texts(args: argparse.Namespace, labels: dict[str, str]) -> None:
    """The typed id and texts of ``coach``/``kita add|edit``: refused with one German
    sentence if they hold characters that would control a terminal."""
    check_text("Die ID", args.id, word=True)
    check_text("Die ID", args.record_id, word=True)
    for name, label in labels.items():
        check_text(label, getattr(args, name))


def _district(text: str) -> str:
    raw = text.strip()
    if not raw:
        return ""
    for name in DISTRICTS:
        if name.casefold() == raw.casefold():
            return name
    if raw.casefold() == "eisenach":
        bad("Eisenach gehört seit dem 1. Juli 2021 zum Wartburgkreis: bitte "
            "„Wartburgkreis“ angeben.")
    bad(f"„{raw}“ ist kein Thüringer Landkreis und keine kreisfreie Stadt.")


def cmd_coach(config: Config, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from store import ROLES, Coach

    action = args.action
    if action == "list":
        store = read_store(config)
        coaches = sorted(store.coaches(), key=lambda c: c.id)
        if args.format == "json":
            from ..output import dumps

            emit(dumps([c.to_dict() for c in coaches]))
            return EXIT_OK
        from ..output import ROLE_LABELS, fmt_money, table

        emit(table(
            ("ID", "Name", "E-Mail", "Stundensatz", "Rolle"),
            [(c.id, c.name, c.email, fmt_money(c.rate), ROLE_LABELS.get(c.role, c.role))
             for c in coaches],
            right=(3,),
        ) if coaches else "Keine Prozessbegleiter*innen.")
        return EXIT_OK
    _check_texts(args, {"name": "Der Name", "email": "Die E-Mail-Adresse"})
    store = open_store(config)
    if args.role is not None and args.role not in ROLES:
        bad(f"Unbekannte Rolle „{args.role}“ (möglich: {', '.join(ROLES)}).")
    rate = _money(args.rate, "den Stundensatz")
    if action == "add":
        if not args.name:
            bad("Bitte einen Namen angeben (--name).")
        ids = {c.id for c in store.coaches()}
        coach = Coach(
            id=_record_id(ids, args.id or args.record_id, args.name, "c"),
            name=args.name, email=args.email or "", rate=rate or 0.0,
            role=args.role or "coach",
        )
        out(store.add_coach(coach).id)
        return EXIT_OK
    coach_id = args.record_id or args.id
    if not coach_id:
        bad("Bitte die ID angeben.")
    current = store.coach(coach_id)
    if action == "edit":
        changes: dict[str, Any] = {}
        for name in ("name", "email", "role"):
            if getattr(args, name) is not None:
                changes[name] = getattr(args, name)
        if rate is not None:
            changes["rate"] = rate
        out(store.update_coach(replace(current, **changes), current.sequence).id)
        return EXIT_OK
    # remove
    used_by = [k.id for k in store.kitas() if k.coach == coach_id]
    events = [e.id for e in store.events() if coach_id in e.coaches]
    if (used_by or events) and not args.force:
        bad(f"„{coach_id}“ ist noch {len(used_by)} Kita(s) zugeordnet und in {len(events)} "
            "Termin(en) eingetragen; mit --force trotzdem löschen.")
    store.remove_coach(coach_id)
    out(f"Gelöscht: {coach_id}")
    return EXIT_OK


def cmd_kita(config: Config, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from store import STAGES, Kita

    action = args.action
    if action == "list":
        store = read_store(config)
        kitas = sorted(store.kitas(), key=lambda k: k.id)
        if args.format == "json":
            from ..output import dumps

            emit(dumps([k.to_dict() for k in kitas]))
            return EXIT_OK
        from ..output import STAGE_LABELS, fmt_money, table

        def since(k: Kita) -> str:
            try:
                return date.fromisoformat(k.since).strftime("%d.%m.%Y") if k.since else ""
            except ValueError:
                return k.since

        emit(table(
            ("ID", "Name", "Landkreis", "Stufe", "seit", "Begleitung", "Jahresbudget"),
            [(k.id, k.name, k.district, STAGE_LABELS.get(k.stage, k.stage), since(k),
              k.coach or "", "" if k.budget is None else fmt_money(k.budget))
             for k in kitas],
            right=(6,),
        ) if kitas else "Keine Kitas.")
        return EXIT_OK
    _check_texts(args, {"name": "Der Name", "provider": "Der Träger", "address": "Die Adresse",
                        "district": "Der Landkreis", "coach": "Die Begleitung"})
    store = open_store(config)
    if args.stage is not None and args.stage not in STAGES:
        bad(f"Unbekannte Stufe „{args.stage}“ (möglich: {', '.join(STAGES)}).")
    budget = _money(args.budget, "das Budget")
    changes: dict[str, Any] = {}
    if args.since is not None:
        changes["since"] = parse_day(args.since).isoformat() if args.since else ""
    if args.district is not None:
        changes["district"] = _district(args.district)
    if args.coach is not None:
        if args.coach:
            store.coach(args.coach)
        changes["coach"] = args.coach or None
    for name in ("name", "stage", "provider", "address"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.budget is not None:
        changes["budget"] = budget
    if action == "add":
        if not args.name:
            bad("Bitte einen Namen angeben (--name).")
        ids = {k.id for k in store.kitas()}
        kita_id = _record_id(ids, args.id or args.record_id, args.name, "k")
        out(store.add_kita(Kita(id=kita_id, **changes)).id)
        return EXIT_OK
    kita_id = args.record_id or args.id
    if not kita_id:
        bad("Bitte die ID angeben.")
    current = store.kita(kita_id)
    if action == "edit":
        out(store.update_kita(replace(current, **changes), current.sequence).id)
        return EXIT_OK
    events = [e.id for e in store.events() if e.kita == kita_id or kita_id in e.participants]
    if events and not args.force:
        bad(f"Kita „{kita_id}“ ist noch in {len(events)} Termin(en) eingetragen; "
            "mit --force trotzdem löschen.")
    store.remove_kita(kita_id)
    out(f"Gelöscht: {kita_id}")
    return EXIT_OK
