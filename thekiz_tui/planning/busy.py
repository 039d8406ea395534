"""What a person learns of a time she may not see in detail: the rule of group calendars.

Of another person's appointment (or one at her Kita) that is not hers to see, she learns
only that the person, or the Kita, is busy from–to: never its title, Kita, place, notes,
participants or money. A finding that involves such an event is shown to her in those
words ("Jana Lindner ist am 03.12.2026 von 08:00 bis 09:00 belegt."), keeping its rule,
severity and time, and without the hidden event's id. A finding that concerns her neither
as coach (an event she sees) nor through a Kita she accompanies is not shown at all.

:class:`FindingView` is that rule, applied to one check's findings; the guarded store hands
it out (``permissions.finding_view``) and every check of a guarded store goes through it:
``thekiz conflicts`` and ``ack``, the planner's side panel, the event form's live check.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from store.errors import NotFound

from ..i18n import tr
from .timeutil import day_start, epoch, fmt_date, fmt_time, from_epoch

if TYPE_CHECKING:
    from store import Event, Kita, Store

    from .findings import Finding

# Rules whose findings are about a Kita as a whole (no single event stands for them).
_KITA_RULES = ("budget", "cadence-gap")
_SEARCH = 2 * 86400  # seconds around a finding where the hidden occurrence is looked for


def busy_text(who: str, start: datetime, end: datetime, all_day: bool) -> str:
    """``who`` is busy from ``start`` to ``end`` (local times), in the user's language."""
    if all_day:
        last = (end - timedelta(days=1)).date() if end.date() > start.date() else start.date()
        if last == start.date():
            return tr("{who} ist am {day} ganztägig belegt.", who=who,
                      day=fmt_date(start.date()))
        return tr("{who} ist vom {first} bis {last} belegt.", who=who,
                  first=fmt_date(start.date()), last=fmt_date(last))
    if end.date() == start.date() or (end - start) <= timedelta(0):
        return tr("{who} ist am {day} von {start} bis {end} belegt.", who=who,
                  day=fmt_date(start.date()), start=fmt_time(start), end=fmt_time(end))
    return tr("{who} ist vom {first} {start} bis {last} {end} belegt.", who=who,
              first=fmt_date(start.date()), start=fmt_time(start),
              last=fmt_date(end.date()), end=fmt_time(end))


def _instant(text: str, tz: str) -> int | None:
    try:
        if len(text) == 10:
            return epoch(day_start(date.fromisoformat(text), tz))
        return epoch(datetime.fromisoformat(text))
    except ValueError:
        return None


class FindingView:
    """Findings as one person may see them (see the module's text). For one check: it
    remembers what it looked up."""

    def __init__(self, inner: Store, me: str | None, sees: Callable[[str], bool],
                 my_kitas: Container[str], also_visible: Event | None = None) -> None:
        """``inner``: the whole store; ``sees``: whether she sees the event of an id;
        ``my_kitas``: the Kitas she accompanies; ``also_visible``: an event of hers that
        is not stored yet (the form's candidate)."""
        self._inner = inner
        self._me = me
        self._sees = sees
        self._my_kitas = my_kitas
        self._extra = also_visible
        self._kitas: dict[str, Kita] | None = None
        self._names: dict[str, str] | None = None
        self._tz: str | None = None

    def _visible(self, event_id: str) -> bool:
        extra = self._extra
        if extra is not None and event_id.split("/", 1)[0] == extra.id:
            return True
        return self._sees(event_id)

    def __call__(self, finding: Finding) -> Finding | None:
        shown = tuple(e for e in finding.events if self._visible(e))
        if finding.rule in _KITA_RULES or not finding.events:
            # a Kita's budget and visits: hers if she accompanies the Kita (or, without
            # events, if it is addressed to her); the visits named are only her own
            mine = finding.kita in self._my_kitas or (
                not finding.events and finding.coach == self._me)
            if not mine:
                return None
            return finding if len(shown) == len(finding.events) else replace(
                finding, events=shown)
        if not shown:
            return None
        hidden = [e for e in finding.events if e not in shown]
        if not hidden:
            return finding
        who = self._subject(finding)
        message = " ".join(self._busy(who, event_id, finding) for event_id in hidden)
        return replace(finding, events=shown, message=message)

    # -- the words ---------------------------------------------------------------------

    def _subject(self, finding: Finding) -> str:
        """Whose time it is: the Kita of a Kita's double booking, else the coach."""
        if finding.rule == "kita-overlap" and finding.kita is not None:
            if self._kitas is None:
                self._kitas = {k.id: k for k in self._inner.kitas()}
            kita = self._kitas.get(finding.kita)
            return kita.name if kita is not None and kita.name else finding.kita
        if self._names is None:
            self._names = {c.id: c.name for c in self._inner.coaches()}
        coach = finding.coach or ""
        return self._names.get(coach) or coach or tr("Jemand")

    def _zone(self) -> str:
        if self._tz is None:
            from .settings import Settings

            self._tz = Settings.from_store(self._inner.settings()).timezone
        return self._tz

    def _busy(self, who: str, event_id: str, finding: Finding) -> str:
        """The busy time of the hidden event's occurrence next to the finding; the
        finding's own time if that cannot be found."""
        tz = self._zone()
        lo = _instant(finding.start, tz)
        hi = _instant(finding.end, tz)
        found = None if lo is None or hi is None else self._occurrence(event_id, lo, hi)
        if found is not None:
            start, end, all_day = found
        elif lo is not None and hi is not None:
            start, end, all_day = lo, hi, len(finding.start) == 10
        else:
            return tr("{who} ist belegt.", who=who)
        return busy_text(who, from_epoch(start, tz), from_epoch(end, tz), all_day)

    def _occurrence(self, event_id: str, lo: int, hi: int) -> tuple[int, int, bool] | None:
        from .occurrences import expand

        try:
            event = self._inner.event(event_id.split("/", 1)[0])
        except NotFound:
            return None
        nearest: tuple[int, int, int, bool] | None = None
        for occ in expand((event,), lo - _SEARCH, hi + _SEARCH):
            if not occ.blocks:
                continue
            gap = max(0, occ.start_ts - hi, lo - occ.end_ts)
            if nearest is None or gap < nearest[0]:
                nearest = (gap, occ.start_ts, occ.end_ts, occ.event.all_day)
        return None if nearest is None else nearest[1:]
