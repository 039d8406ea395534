"""People and places: ``thekiz coach`` and ``thekiz kita`` (with the district check)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..i18n import tr
from .common import EXIT_OK, bad, emit, open_store, out, read_store, today

if TYPE_CHECKING:
    import argparse

    from ..config import Config
    from ..planning.people import CoachInput, KitaInput


def _coach_input(args: argparse.Namespace) -> CoachInput:
    from ..planning.people import CoachInput, coach_texts

    typed = CoachInput(name=args.name, email=args.email, rate=args.rate, role=args.role)
    # (before the store is opened: a refused entry creates no file)
    coach_texts(typed, (args.id, args.record_id))
    return typed


def cmd_coach(config: Config, args: argparse.Namespace) -> int:
    from ..planning import people

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
            ("ID", tr("Name"), tr("E-Mail"), tr("Stundensatz"), tr("Rolle")),
            [(c.id, c.name, c.email, fmt_money(c.rate), tr(ROLE_LABELS.get(c.role, c.role)))
             for c in coaches],
            right=(3,),
        ) if coaches else tr("Keine Prozessbegleiter*innen."))
        return EXIT_OK
    typed = _coach_input(args)
    store = open_store(config)
    if action == "add":
        out(store.add_coach(people.new_coach(store, typed, args.id or args.record_id)).id)
        return EXIT_OK
    coach_id = args.record_id or args.id
    if not coach_id:
        bad(tr("Bitte die ID angeben."))
    current = store.coach(coach_id)
    if action == "edit":
        changed = people.changed_coach(current, typed)
        out(store.update_coach(changed, current.sequence).id)
        return EXIT_OK
    # remove
    in_use = people.coach_in_use(store, coach_id)
    if in_use and not args.force:
        bad(tr("{reason}; mit --force trotzdem löschen.", reason=in_use))
    store.remove_coach(coach_id)
    out(tr("Gelöscht: {id}", id=coach_id))
    return EXIT_OK


def _kita_input(args: argparse.Namespace) -> KitaInput:
    from ..planning.people import KitaInput, kita_texts

    typed = KitaInput(name=args.name, district=args.district, stage=args.stage,
                      since=args.since, coach=args.coach, budget=args.budget,
                      provider=args.provider, address=args.address)
    kita_texts(typed, (args.id, args.record_id))
    return typed


def cmd_kita(config: Config, args: argparse.Namespace) -> int:
    from store import Kita

    from ..planning import people

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
            from ..planning.labels import show_date

            try:
                return show_date(date.fromisoformat(k.since)) if k.since else ""
            except ValueError:
                return k.since

        emit(table(
            ("ID", tr("Name"), tr("Landkreis"), tr("Stufe"), tr("seit"), tr("Begleitung"),
             tr("Jahresbudget")),
            [(k.id, k.name, k.district, tr(STAGE_LABELS.get(k.stage, k.stage)), since(k),
              k.coach or "", "" if k.budget is None else fmt_money(k.budget))
             for k in kitas],
            right=(6,),
        ) if kitas else tr("Keine Kitas."))
        return EXIT_OK
    typed = _kita_input(args)
    store = open_store(config)
    if action == "add":
        kita = people.new_kita(store, typed, today=today(),
                               wanted_id=args.id or args.record_id)
        out(store.add_kita(kita).id)
        return EXIT_OK
    kita_id = args.record_id or args.id
    if not kita_id:
        bad(tr("Bitte die ID angeben."))
    current = store.kita(kita_id)
    if action == "edit":
        changed = people.changed_kita(store, current, typed, today=today())
        out(store.update_kita(changed, current.sequence).id)
        return EXIT_OK
    in_use = people.kita_in_use(store, kita_id)
    if in_use and not args.force:
        bad(tr("{reason}; mit --force trotzdem löschen.", reason=in_use))
    store.remove_kita(kita_id)
    out(tr("Gelöscht: {id}", id=kita_id))
    return EXIT_OK
