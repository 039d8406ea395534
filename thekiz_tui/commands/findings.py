"""Findings: ``thekiz conflicts`` (exit 1 while any count) and ``thekiz ack``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..i18n import tr, trn
from ..planning.labels import RULE_LABELS
from .common import (
    EXIT_OK,
    bad,
    check_filters,
    check_text,
    day_window,
    emit,
    one_line,
    open_store,
    out,
    read_store,
    today,
)

if TYPE_CHECKING:
    from store import Store

    from ..config import Config
    from ..session import Session


def _session(config: Config, *, writing: bool = False) -> Session:
    """Her session on the store (``--as``): what she may see and acknowledge."""
    from ..session import Session

    store = open_store(config, create=False) if writing else read_store(config)
    return Session(store, today=today())


def _findings(session: Session, args: argparse.Namespace,
              default_month: bool = False) -> list[Any]:
    start, end = day_window(args, default_month,
                            open_ended=getattr(args, "open_ended", False))
    return session.findings(start=start, end=end, coach=getattr(args, "coach", None),
                            kita=getattr(args, "kita", None))


def _finding_when(text: str) -> str:
    from ..planning.labels import show_date
    from ..planning.timeutil import fmt_time

    if not text:
        return ""
    try:
        if len(text) == 10:
            return show_date(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{show_date(moment.date())} {fmt_time(moment)}"


def _findings_table(findings: Sequence[Any], store: Store) -> str:
    from ..output import table

    if not findings:
        return tr("Keine Befunde.")
    from ..planning.findings import SEVERITY_DE

    # A finding she is shown names a Kita she accompanies or one of her own visits (the
    # session decided that): its name, not its id, even where she does not accompany it.
    everyone = getattr(store, "inner", store)
    kitas = {k.id: k.name for k in everyone.kitas()}
    coaches = {c.id: c.name for c in store.coaches()}
    rows = []
    for f in findings:
        rows.append((
            f.id, tr(SEVERITY_DE.get(f.severity, f.severity)),
            tr(RULE_LABELS.get(f.rule, f.rule)),
            _finding_when(f.start), kitas.get(f.kita or "", f.kita or ""),
            coaches.get(f.coach or "", f.coach or ""),
            tr("quittiert") if f.acknowledged else "", f.message,
        ))
    counting = sum(1 for f in findings if f.counts)
    head = ("ID", tr("Schwere"), tr("Regel"), tr("Beginn"), tr("Kita"), tr("Begleitung"),
            tr("Status"), tr("Meldung"))

    return (f"{table(head, rows)}\n\n"
            + trn("{n} Befund, davon {open} offen (Fehler oder Warnung, nicht quittiert).",
                  "{n} Befunde, davon {open} offen (Fehler oder Warnung, nicht quittiert).",
                  len(findings), open=counting))


def cmd_conflicts(config: Config, args: argparse.Namespace) -> int:
    from ..planning.findings import summary_exit_code

    session = _session(config)
    store = session.store
    check_filters(store, args)
    note = ""
    if args.start is None and args.to is None:
        # What the office plans: this year and everything ahead (not ten years back).
        first = date(today().year, 1, 1)
        args = argparse.Namespace(**{**vars(args), "start": first.isoformat()})
        args.open_ended = True
        from ..planning.labels import show_date

        note = tr("Geprüft ab {day}: dieses Jahr und alles danach (--from/--to für einen "
                  "anderen Zeitraum).", day=show_date(first))
    findings = _findings(session, args)
    if args.format == "json":
        from ..output import dumps

        emit(dumps([f.to_dict() for f in findings]))
    else:
        emit(_findings_table(findings, store) + (f"\n{note}" if note else ""))
    return summary_exit_code(findings)


def cmd_ack(config: Config, args: argparse.Namespace) -> int:
    check_text(tr("Der Grund"), args.reason)
    session = _session(config, writing=True)
    findings = _findings(session, argparse.Namespace(start=None, to=None))
    by_id = {f.id: f for f in findings}
    chosen: dict[str, Any] = {}
    for target in args.targets:
        if target in by_id:
            chosen[target] = by_id[target]
            continue
        involved = [
            f for f in findings
            if any(e == target or e.split("/", 1)[0] == target for e in f.events)
        ]
        if not involved:
            session.event(target)  # NotFound with a German message if it is no event either
            bad(tr("Zum Termin „{id}“ gibt es keine Befunde.", id=target))
        for f in involved:
            chosen[f.id] = f
    session.add_acks([(fid, args.reason or "") for fid in chosen], list(chosen.values()))
    for f in chosen.values():
        out(tr("Quittiert: {id} {rule} – {message}", id=f.id,
               rule=tr(RULE_LABELS.get(f.rule, f.rule)), message=one_line(f.message)))
    return EXIT_OK
