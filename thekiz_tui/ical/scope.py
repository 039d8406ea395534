"""Export and import as ``thekiz export``/``thekiz import`` and the planner's dialogs share
them: one scope filter, one atomic file write, one import plan and one wording of it.

No Textual and no output here: the CLI prints, the dialogs show. The German words of the
plan (``neu``, ``geändert``, ``unverändert``) are the CLI's; the dialogs translate them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .export import export_calendar
from .importer import ImportPlan, apply_import, parse_calendar, plan_for

if TYPE_CHECKING:
    from store import Event, Store

    from .references import Choice

DEFAULT_KIND = "sonstiges"


# -- export ----------------------------------------------------------------------------


def export_scope(
    store: Store,
    *,
    coach: str | None = None,
    kita: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Event]:
    """The events an export of this scope holds, by start: days ``[start, end)``."""
    from thekiz_tui.planning.select import select

    events = select(store.events(start, end), coach=coach, kita=kita, kind=kind,
                    start=start, end=end)
    events.sort(key=lambda e: (e.start, e.id))
    return events


def export_events(
    store: Store,
    *,
    coach: str | None = None,
    kita: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[list[Event], bytes]:
    """The events of the scope and the iCalendar file that holds them."""
    from thekiz_tui.planning.settings import Settings

    events = export_scope(store, coach=coach, kita=kita, kind=kind, start=start, end=end)
    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    name = Settings.from_store(store.settings()).calendar_name
    return events, export_calendar(events, coaches=coaches, kitas=kitas, name=name)


def export_message(count: int, path: str) -> str:
    """The CLI's line after writing a file (German)."""
    from ..i18n import trn

    return trn("{n} Termin nach {path} exportiert.", "{n} Termine nach {path} exportiert.",
               count, path=path)


def write_export(path: str | os.PathLike[str], data: bytes) -> None:
    """Write an export atomically (``files.save_bytes``)."""
    from ..files import save_bytes

    save_bytes(path, data)


def default_export_name(start: date, end: date) -> str:
    """``thekiz-2026-11.ics`` for a whole month ``[start, end)``, else both days."""
    from datetime import timedelta

    last = end - timedelta(days=1)
    whole_month = start.day == 1 and (last + timedelta(days=1)).day == 1 and (
        (start.year, start.month) == (last.year, last.month)
    )
    if whole_month:
        return f"thekiz-{start:%Y-%m}.ics"
    return f"thekiz-{start:%Y-%m-%d}-{last:%Y-%m-%d}.ics"


# -- import ----------------------------------------------------------------------------


def read_import(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The bytes of an .ics file and the name its events keep as their source."""
    file = Path(path).expanduser()
    return file.read_bytes(), file.name


def preview_import(
    store: Store,
    source: str | os.PathLike[str] | bytes,
    *,
    kind: str = DEFAULT_KIND,
    coach: str | None = None,
    name: str = "",
) -> ImportPlan:
    """What importing ``source`` (a path, or the file's bytes with ``name``) would do.

    Reads the whole file first: a broken file raises ``IcalError`` (German, with the
    line) and nothing is planned. Writes nothing.
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        data, name = read_import(source)
    parsed = parse_calendar(data, kind=kind, coach=coach, source=name)
    return plan_for(store, parsed)


def apply(store: Store, plan: ImportPlan, choice: Choice | None = None) -> list[Event]:
    """Write the plan atomically (``importer.apply_import``)."""
    return apply_import(store, plan, choice)


def import_now(
    store: Store,
    source: str | os.PathLike[str] | bytes,
    *,
    kind: str = DEFAULT_KIND,
    coach: str | None = None,
    name: str = "",
    choice: Choice | None = None,
) -> ImportPlan:
    """Plan and apply under the store's lock, so the plan matches what is written even
    when another process changed the store since a preview; unknown coaches and Kitas
    as ``choice`` says (``references``)."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        data, name = read_import(source)
    parsed = parse_calendar(data, kind=kind, coach=coach, source=name)
    with store.transaction():
        plan = plan_for(store, parsed)
        apply_import(store, plan, choice)
    return plan


@dataclass(frozen=True, slots=True)
class PlanGroup:
    label: str  # German, as ``thekiz import`` prints it
    events: list[Event]
    why: str = ""  # German: after each event, why it is in this group


REFUSED_WHY = "gehört zu einem Termin, den Sie nicht ändern können"
"""Why an entry of the file was left out (it names nothing of the stored event)."""


def plan_groups(plan: ImportPlan) -> list[PlanGroup]:
    """The plan's groups; the refused entries only when there are any (an import with
    every right never has them)."""
    groups = [
        PlanGroup("neu", list(plan.new)),
        PlanGroup("geändert", list(plan.changed)),
        PlanGroup("unverändert", list(plan.unchanged)),
    ]
    if plan.refused:
        groups.append(PlanGroup("übersprungen", list(plan.refused), REFUSED_WHY))
    return groups


def describe(event: Event) -> str:
    """``25.11.2026 09:30  Titel`` (a day alone for an all-day event)."""
    from ..i18n import tr
    from ..planning.labels import show_date

    try:
        if event.all_day:
            when = show_date(date.fromisoformat(event.start[:10]))
        else:
            moment = datetime.fromisoformat(event.start)
            when = f"{show_date(moment.date())} {moment:%H:%M}"
    except (ValueError, TypeError):
        when = str(event.start)
    return f"{when}  {event.title or tr('(ohne Titel)')}"


def plan_lines(plan: ImportPlan, *, dry_run: bool) -> list[str]:
    """The lines ``thekiz import`` prints after its first line: per group the count, then
    its events (a dry run lists every group, a real import all but the unchanged ones)."""
    from ..i18n import tr

    lines: list[str] = []
    for group in plan_groups(plan):
        lines.append(f"{tr(group.label)}: {len(group.events)}")
        if dry_run or group.label != "unverändert":
            lines.extend(f"  {describe(event)}" + (f" ({tr(group.why)})" if group.why else "")
                         for event in group.events)
    lines.extend(plan.notes())
    return lines


DRY_RUN_LINE = "Probelauf: nichts wurde gespeichert."
