"""The planner: month, week and agenda over one store, with the side panel.

The screen owns the view state (view, selected day, selected event, filters) and the
keys; the views are renderers of a :class:`~thekiz_tui.planning.window.Window` snapshot
that post messages. Snapshots are built in thread workers and cached per month, so
that moving the selection or switching the view never waits for the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from .. import keys
from ..i18n import tr
from ..planning.timeutil import MONTHS_DE, WEEKDAYS_DE, fmt_date
from ..planning.window import Filters, Window

if TYPE_CHECKING:
    from textual.widget import Widget

    from store import Event

    from ..planning.findings import Finding
    from ..planning.occurrences import Occurrence
    from ..session import Session
    from ..widgets.side_panel import SidePanel

VIEWS = ("month", "week", "agenda")
VIEW_NAMES = {"month": "Monat", "week": "Woche", "agenda": "Agenda"}
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WindowKey = tuple[int, int, Filters]
# Seconds between the first month and the rest of the start (the findings, the other
# views, the side panel): a few frames of Textual's 60 Hz screen updates, so that the
# month is painted before that work competes with it for the interpreter.
AFTER_FIRST_FRAME = 0.05


def month_title(year: int, month: int) -> str:
    from ..i18n import lang

    names = MONTHS_EN if lang() == "en" else MONTHS_DE
    return f"{names[month - 1]} {year}"


def weekday_name(day: date) -> str:
    from ..i18n import lang

    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if lang() == "en" else WEEKDAYS_DE
    return names[day.weekday()]


class PlannerHost(Protocol):
    """What the planner needs of its app (``app.PlannerApp``), which it does not import:
    the session it reads and writes through, the store's change stamp, and the words
    for an error."""

    session: Session

    def store_stamp(self) -> object: ...

    def store_event(self, event_id: str) -> Event | None: ...

    def describe_error(self, error: BaseException) -> str: ...

    def resume_gc(self) -> None: ...


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


class PlannerScreen(Screen[None]):
    """The calendar with its side panel and footer."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings())
    is_planner: ClassVar[bool] = True  # (how the palette finds it without importing it)

    # repaint=False: the views, the top bar and the panel repaint what changed; a
    # repaint of the screen itself would send the whole terminal again after every key
    # (over SSH, every byte of it). Textual's own ``focused`` repaints the screen on
    # every focus change, as each view switch makes; the widgets whose looks depend on
    # focus repaint themselves, and the children cover the whole screen.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    view: reactive[str] = reactive("month", init=False, repaint=False)
    """Which view shows: month, week or agenda."""
    day: reactive[date] = reactive(date(2000, 1, 1), init=False, repaint=False)
    """The selected day; survives switching the view."""

    @dataclass
    class WindowReady(Message):
        key: WindowKey
        window: Window
        stamp: object

    @dataclass
    class Saved(Message):
        text: str
        select: str | None = None
        day: date | None = None

    @dataclass
    class Failed(Message):
        text: str

    @dataclass
    class Changed(Message):
        """A change met an event that changed elsewhere: nothing was saved."""

        text: str
        event_id: str
        mine: Event | None  # what she wanted to save (one event), if anything

    class WriteDone(Message):
        """A write's worker has ended (after its Saved, Failed or Changed)."""

    def __init__(self, *, today: date, first_window: Window | None = None) -> None:
        """``first_window``: the selected month, read already (without its findings)."""
        super().__init__()
        self._writes = 0  # writes under way: keys wait for them (see ready_for_keys)
        self._fresh_after_write = False  # a write is done; its month is being rebuilt
        self.set_reactive(PlannerScreen.day, today)
        self.selected: str | None = None
        self.filters = Filters()
        self.window: Window | None = None
        self._cache: dict[WindowKey, Window] = {}
        self._loading: set[tuple[WindowKey, bool]] = set()
        self._stamp: object = None
        self._first_window = first_window
        self._rest_mounting = False
        self._side: SidePanel | None = None  # the side panel, once mounted
        self._people_shown: object = None  # the coaches the panel's filter lists were made of
        self._panel_chosen = False  # the user showed or hid the panel: width no longer decides

    @property
    def planner(self) -> PlannerHost:
        return cast("PlannerHost", self.app)

    @property
    def session(self) -> Session:
        return self.planner.session

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The month alone paints first; the week, the agenda, the side panel and the
        # footer are mounted right after that first frame (see _mount_rest): a coach sees her
        # month sooner, and nobody switches views within the first tenth of a second.
        from ..widgets.month import MonthView

        yield Static(id="topbar")
        with Horizontal(id="body"), ContentSwitcher(initial="month", id="views"):
            yield MonthView(id="month")

    def on_mount(self) -> None:
        # (with --as the store shows a coach her own plan: no coach filter needed)
        self._stamp = self.planner.store_stamp()
        self.query_one("#month").focus()
        first, self._first_window = self._first_window, None
        if first is not None and (first.year, first.month, first.filters) == self._key():
            # handled now, not posted: the first frame shows the month with its events
            self._window_ready(self.WindowReady(self._key(), first, self._stamp))
        else:
            self._request(complete=False)

    async def _mount_rest(self) -> None:
        """The parts that the first frame goes without."""
        if self._rest_mounting:
            return
        self._rest_mounting = True
        self.planner.resume_gc()
        from ..widgets.agenda import AgendaView
        from ..widgets.footer import QuietFooter
        from ..widgets.side_panel import SidePanel
        from ..widgets.week import WeekView

        week, agenda = WeekView(id="week"), AgendaView(id="agenda")
        week.display = agenda.display = False
        await self.query_one(ContentSwitcher).mount(week, agenda)
        panel = SidePanel(id="panel")
        await self.query_one("#body").mount(panel)
        # without the palette key, which the help names: the planner's own keys fit
        await self.mount(QuietFooter(compact=True, show_command_palette=False))
        self.refresh_bindings()  # a footer mounted late hears of the keys only then
        self._side = panel
        self._update_panel_visibility(self.app.size.width)
        if self.view != "month":
            self.watch_view("month", self.view)
        else:
            self._redraw()

    def _panel(self) -> SidePanel | None:
        return self._side

    @property
    def _rest_ready(self) -> bool:
        """The week, the agenda, the side panel and the footer are mounted."""
        return self._side is not None

    def on_resize(self) -> None:
        self._update_panel_visibility(self.app.size.width)

    def _update_panel_visibility(self, width: int) -> None:
        panel = self._panel()
        if panel is not None and not self._panel_chosen:
            panel.display = width >= 100

    # -- the snapshot ------------------------------------------------------------------

    def _key(self, day: date | None = None) -> WindowKey:
        day = day or self.day
        return (day.year, day.month, self.filters)

    def _request(self, *, complete: bool = True) -> None:
        """Show the selected day's month: from the cache now, or after a worker."""
        key = self._key()
        cached = self._cache.get(key)
        if cached is not None:
            self.window = cached
            self._redraw()
            if not cached.complete:
                self._load(key, complete=True)
            return
        self._load(key, complete=complete)

    def _load(self, key: WindowKey, *, complete: bool) -> None:
        if (key, complete) in self._loading:
            return
        self._loading.add((key, complete))
        self._build(key, complete)

    @work(thread=True, exit_on_error=False, group="window")
    def _build(self, key: WindowKey, complete: bool) -> None:
        app = self.planner
        stamp = app.store_stamp()
        try:
            window = app.session.window(key[0], key[1], filters=key[2], complete=complete)
        except Exception as error:  # shown to the user, never a traceback
            self.post_message(self.Failed(app.describe_error(error)))
            return
        finally:
            self._loading.discard((key, complete))
        self.post_message(self.WindowReady(key, window, stamp))

    @on(WindowReady)
    def _window_ready(self, message: WindowReady) -> None:
        if message.stamp != self._stamp:
            return  # built from an older store state; a fresh one is on its way
        old = self._cache.get(message.key)
        if old is not None and old.complete and not message.window.complete:
            return
        self._cache[message.key] = message.window
        if message.key == self._key():
            self.window = message.window
            self._fresh_after_write = False
            self._redraw()
            if not message.window.complete:
                # once this frame is painted: the full check must not hold it up
                self.set_timer(AFTER_FIRST_FRAME, partial(self._load, message.key,
                                                          complete=True))
            else:
                self._prefetch()

    def _prefetch(self) -> None:
        """Build the neighbouring months, so that ``[`` and ``]`` show at once."""
        for months in (1, -1):
            key = self._key(add_months(self.day.replace(day=1), months))
            if key not in self._cache:
                self._load(key, complete=True)
        if len(self._cache) > 24:
            keep = {self._key(add_months(self.day.replace(day=1), m)) for m in (-1, 0, 1)}
            for key in [k for k in self._cache if k not in keep][: len(self._cache) - 24]:
                del self._cache[key]

    def store_changed(self, stamp: object) -> None:
        """Another process (or this one) changed the store: rebuild what shows."""
        self._stamp = stamp
        self._cache.clear()
        self._loading.clear()
        self._load(self._key(), complete=True)

    # -- painting ----------------------------------------------------------------------

    def _redraw(self) -> None:
        window = self.window
        if window is None:
            return
        if (window.year, window.month) != (self.day.year, self.day.month):
            return
        day_occurrences = window.on(self.day)
        if self.selected is not None and all(o.key != self.selected for o in day_occurrences):
            self.selected = None
        if not self._rest_ready:
            self.query_one("#month").show(window, self.day, self.selected)  # type: ignore[attr-defined]
            self._show_topbar(window)
            self.set_timer(AFTER_FIRST_FRAME, self._mount_rest)
            return
        view = self.query_one(f"#{self.view}")
        view.show(window, self.day, self.selected)  # type: ignore[attr-defined]
        panel = self._panel()
        if panel is not None:
            panel.show_findings(window)
        self._show_topbar(window)

    def _show_topbar(self, window: Window) -> None:
        me = self.session.as_coach
        parts = [f"[b]thekiz[/b]  {weekday_name(self.day)} {fmt_date(self.day)}",
                 tr(VIEW_NAMES[self.view])]
        if me and me in window.coaches:
            parts.append(tr("als {name}", name=window.coaches[me].name))
        shown = []
        f = self.filters
        if f.coach and f.coach in window.coaches:
            shown.append(window.coaches[f.coach].name)
        if f.kita and f.kita in window.kitas:
            shown.append(window.kitas[f.kita].name)
        if f.kind:
            from ..i18n import lang
            from ..planning.labels import kind_label

            shown.append(kind_label(f.kind, lang()))
        if shown:
            parts.append(tr("Filter: {what}", what=", ".join(shown)))
        open_findings = sum(1 for x in window.findings if not x.acknowledged)
        if window.complete and open_findings:
            parts.append(tr("{n} offene Befunde", n=open_findings))
        self.query_one("#topbar", Static).update("  |  ".join(parts), layout=False)  # 1 line
        panel = self._panel()
        if panel is not None and self._people_shown is not window.coaches:
            self._people_shown = window.coaches
            who = self.session.actor  # a coach filters by herself only
            coaches = sorted((c.name, c.id) for c in window.coaches.values()
                             if who.may_view_coach(c.id))
            kitas = sorted((k.name, k.id) for k in window.kitas.values())
            panel.set_people(coaches, kitas, self.filters)

    def watch_view(self, old: str, new: str) -> None:
        if not self._rest_ready:
            return  # _mount_rest shows it
        self.query_one(ContentSwitcher).current = new
        self.query_one(f"#{new}").focus()
        self._redraw()

    def watch_day(self, old: date, new: date) -> None:
        if (old.year, old.month) != (new.year, new.month):
            self._request()
        else:
            self._redraw()

    # -- messages from the views and the panel --------------------------------------------

    # (handlers by name: the side panel's module is imported after the first frame)
    def on_side_panel_filters_changed(self, message: SidePanel.FiltersChanged) -> None:
        self.filters = message.filters
        self._request()

    def on_side_panel_finding_chosen(self, message: SidePanel.FindingChosen) -> None:
        finding = message.finding
        self.selected = finding.events[0] if finding.events else None
        self.day = date.fromisoformat(finding.start[:10])
        self._redraw()
        self.query_one(f"#{self.view}").focus()

    def on_month_view_day_clicked(self, message: Any) -> None:
        self._day_clicked(message.day)

    def on_week_view_day_clicked(self, message: Any) -> None:
        self._day_clicked(message.day)

    def on_agenda_view_day_clicked(self, message: Any) -> None:
        self._day_clicked(message.day)

    def _day_clicked(self, day: date) -> None:
        self.selected = None
        self.day = day
        self._redraw()

    def on_month_view_event_clicked(self, message: Any) -> None:
        self._event_clicked(message.key, message.day, message.double)

    def on_week_view_event_clicked(self, message: Any) -> None:
        self._event_clicked(message.key, message.day, message.double)

    def on_agenda_view_event_clicked(self, message: Any) -> None:
        self._event_clicked(message.key, message.day, message.double)

    def _event_clicked(self, key: str, day: date, double: bool) -> None:
        self.selected = key
        if day != self.day:
            self.day = day
        self._redraw()
        if double:
            self.action_edit_event()

    # -- navigation actions ------------------------------------------------------------

    def action_show_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view

    def action_move_day(self, days: int) -> None:
        if self.view == "agenda" and abs(days) == 7:
            days = days // 7  # up/down walk the agenda's days
        self.selected = None
        self.day = self.day + timedelta(days=days)

    def action_page(self, direction: int) -> None:
        self.selected = None
        if self.view == "week":
            self.day = self.day + timedelta(days=7 * direction)
        else:
            self.day = add_months(self.day, direction)

    def action_today(self) -> None:
        self.selected = None
        self.day = self.session.today

    def action_goto(self) -> None:
        from ..dialogs.common import DateDialog

        def chosen(day: date | None) -> None:
            if day is not None:
                self.selected = None
                self.day = day

        self.app.push_screen(DateDialog(self.day, today=self.session.today), chosen)

    def action_cycle_event(self, step: int) -> None:
        if self.window is None:
            return
        occurrences = self.window.on(self.day)
        if not occurrences:
            return
        keys_ = [o.key for o in occurrences]
        if self.selected in keys_:
            index = (keys_.index(self.selected) + step) % len(keys_)
        else:
            index = 0 if step > 0 else len(keys_) - 1
        self.selected = keys_[index]
        self._redraw()

    def action_focus_panel(self) -> None:
        panel = self._panel()
        if panel is None:
            return
        self._panel_chosen = True
        panel.display = True
        if panel.has_focus_within:
            self.query_one(f"#{self.view}").focus()
        else:
            panel.query_one("#findings").focus()

    def action_toggle_panel(self) -> None:
        panel = self._panel()
        if panel is None:
            return
        self._panel_chosen = True
        panel.display = not panel.display
        if not panel.display:
            self.query_one(f"#{self.view}").focus()

    # -- the selected event ------------------------------------------------------------

    def _occurrence(self, then: Callable[[Occurrence], None]) -> None:
        """Run ``then`` with the selected event; ask which if the day has several."""
        if self.window is None:
            return
        occurrences = self.window.on(self.day)
        for occ in occurrences:
            if occ.key == self.selected:
                then(occ)
                return
        if not occurrences:
            self.notify(tr("An diesem Tag gibt es keinen Termin."), severity="warning")
            return
        if len(occurrences) == 1:
            self.selected = occurrences[0].key
            self._redraw()
            then(occurrences[0])
            return
        from ..dialogs.common import ChooseDialog

        options = [(occ.key, self._describe(occ)) for occ in occurrences]

        def chosen(key: str | None) -> None:
            for occ in occurrences:
                if occ.key == key:
                    self.selected = key
                    self._redraw()
                    then(occ)

        self.app.push_screen(ChooseDialog(tr("Welcher Termin?"), options), chosen)

    def _describe(self, occ: Occurrence) -> str:
        event = occ.event
        when = tr("ganztägig") if event.all_day else event.start[11:16]
        name = event.title
        if not name and event.kita and self.window and event.kita in self.window.kitas:
            name = self.window.kitas[event.kita].name
        return f"{when}  {name}"

    # -- changing events ---------------------------------------------------------------

    def _new_event(self) -> Event:
        from store import DEFAULT_TZ, Event, new_id

        from ..planning.timeutil import localize, to_stored

        tz = self.window.tz if self.window else DEFAULT_TZ
        start = localize(datetime.combine(self.day, time(9, 0)), tz)
        end = localize(datetime.combine(self.day, time(10, 30)), tz)
        coach = self.filters.coach or self.session.as_coach
        return Event(
            id=new_id("ev"), kind="begleitung", start=to_stored(start), end=to_stored(end),
            tz=tz, coaches=[coach] if coach else [], kita=self.filters.kita,
        )

    def action_new_event(self) -> None:
        self._open_form(self._new_event(), new=True, master=None, occ=None)

    def action_edit_event(self) -> None:
        self._occurrence(self._edit)

    def _edit(self, occ: Occurrence) -> None:
        master = self.planner.store_event(occ.id)
        if master is None:
            return
        why = self._why_not(master)
        if why is not None:  # she reads it; the dialog says why she cannot change it
            self._show_details(occ, master, why)
            return
        if occ.recurrence_id is None:
            self._open_form(master, new=False, master=None, occ=None)
        else:
            shown = replace(occ.event, rrule=master.rrule)
            self._open_form(shown, new=False, master=master, occ=occ)

    def action_duplicate_event(self) -> None:
        def duplicate(occ: Occurrence) -> None:
            from ..planning.edits import duplicate as copy_of

            single = replace(occ.event, rrule=None, exdates=[], overrides={})
            if occ.recurrence_id is None:
                master = self.planner.store_event(occ.id)
                if master is None:
                    return
                single = master
            self._open_form(copy_of(single), new=True, master=None, occ=None)

        self._occurrence(duplicate)

    def _open_form(self, event: Event, *, new: bool, master: Event | None,
                   occ: Occurrence | None, base: Event | None = None) -> None:
        """``base``: the stored version the change replaces (default: ``event``)."""
        from ..dialogs.event_form import EventForm, FormResult

        session = self.session
        stored = event if base is None else base
        note = tr("Termin einer Serie") if master is not None else None

        def done(result: FormResult | None) -> None:
            if result is None:
                return
            if new:
                self._save(tr("Termin anlegen"), [], [result.event], result.acks,
                           select=result.event.id)
            elif master is None or occ is None:
                # the version the form started from: if it changed since, the store
                # refuses and the coach sees both (never a silent overwrite)
                self._save(tr("Termin ändern"), [stored], [result.event], result.acks,
                           select=result.event.id, mine=result.event)
            else:
                self._series_change(master, occ, result.event, result.acks)

        self.app.push_screen(
            EventForm(session.store, session.checker, event, new=new, today=session.today,
                      series_note=note),
            done,
        )

    def _series_change(self, master: Event, occ: Occurrence, edited: Event,
                       acks: tuple[tuple[str, str], ...]) -> None:
        from ..dialogs.common import SeriesScopeDialog
        from ..planning import edits

        rid = occ.recurrence_id
        assert rid is not None

        def scoped(scope: str | None) -> None:
            if scope == "this":
                after = [edits.change_this(master, rid, replace(edited, rrule=None))]
            elif scope == "following":
                old_part, new_part = edits.change_following(master, rid, edited)
                after = [old_part] + ([new_part] if new_part is not None else [])
            elif scope == "all":
                after = [edits.change_all(master, rid, edited)]
            else:
                return
            self._save(tr("Serie ändern"), [master], after, acks, select=None,
                       mine=edited if scope == "all" else None)

        self.app.push_screen(SeriesScopeDialog(tr("ändern")), scoped)

    def action_move_event(self, days: int) -> None:
        def move(occ: Occurrence) -> None:
            from ..planning import edits

            master = self._as_seen(occ)
            if master is None:
                return
            target = occ.key if occ.recurrence_id is None else None
            label = tr("Termin verschieben")
            if occ.recurrence_id is None:
                moved = edits.shift(master, days)
                self._save(label, [master], [moved], (), select=target,
                           day=self.day + timedelta(days=days), mine=moved)
                return
            rid = occ.recurrence_id
            from ..dialogs.common import SeriesScopeDialog

            def scoped(scope: str | None) -> None:
                if scope == "this":
                    after = [edits.move_occurrence(master, rid, days)]
                elif scope == "following":
                    moved = edits.shift(replace(occ.event, rrule=master.rrule), days)
                    old_part, new_part = edits.change_following(master, rid, moved)
                    after = [old_part] + ([new_part] if new_part is not None else [])
                elif scope == "all":
                    after = [edits.shift(master, days)]
                else:
                    return
                self._save(label, [master], after, (), select=None,
                           day=self.day + timedelta(days=days))

            self.app.push_screen(SeriesScopeDialog(tr("verschieben")), scoped)

        self._occurrence(move)

    def action_delete_event(self) -> None:
        def delete(occ: Occurrence) -> None:
            from ..dialogs.common import ConfirmDialog, SeriesScopeDialog
            from ..planning import edits

            master = self._as_seen(occ)
            if master is None:
                return
            label = tr("Termin löschen")
            if occ.recurrence_id is None:
                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self._save(label, [master], [], (), select=None)

                self.app.push_screen(
                    ConfirmDialog(tr("Termin „{name}“ löschen?", name=self._describe(occ))),
                    confirmed,
                )
                return
            rid = occ.recurrence_id

            def scoped(scope: str | None) -> None:
                if scope == "this":
                    after = [edits.delete_this(master, rid)]
                elif scope == "following":
                    rest = edits.delete_following(master, rid)
                    after = [] if rest is None else [rest]
                elif scope == "all":
                    after = []
                else:
                    return
                self._save(label, [master], after, (), select=None)

            self.app.push_screen(SeriesScopeDialog(tr("löschen")), scoped)

        self._occurrence(delete)

    def _show_details(self, occ: Occurrence, master: Event, why: str) -> None:
        """The read-only details of an event she may not change (the occurrence she
        selected, with its series' rule)."""
        from ..dialogs.details import DetailsDialog

        window = self.window
        single = occ.recurrence_id is None
        self.app.push_screen(DetailsDialog(
            master if single else occ.event, why,
            coaches=window.coaches if window else {}, kitas=window.kitas if window else {},
            series=None if single else master,
        ))

    def _why_not(self, event: Event) -> str | None:
        """Why she may not change the event (``--as``); None if she may."""
        return self.session.why_not_change(event)

    def _may_change(self, event: Event) -> bool:
        """Whether she may change the event (``--as``); if not, she is told why."""
        why = self._why_not(event)
        if why is not None:
            self.notify(why, severity="warning", timeout=8)
        return why is None

    def _as_seen(self, occ: Occurrence) -> Event | None:
        """The stored event of an occurrence, to move or delete it: only if she may
        change it, and only in the version she sees (else she is shown the current)."""
        master = self.planner.store_event(occ.id)
        if master is None or not self._may_change(master):
            return None
        if master.sequence != occ.event.sequence:
            from store import ChangedElsewhere

            error = ChangedElsewhere("Termin", master.id, occ.event.sequence, master.sequence)
            self.post_message(self.Changed(str(error), master.id, None))
            return None
        return master

    def _save(self, label: str, before: list[Event], after: list[Event],
              acks: tuple[tuple[str, str], ...], *, select: str | None,
              day: date | None = None, mine: Event | None = None) -> None:
        session = self.session
        self._write(lambda: session.apply_change(label, before, after, acks),
                    label, select=select, day=day, mine=mine)

    @property
    def ready_for_keys(self) -> bool:
        """Keys wait while a change is written (keys-in-order app): in a burst such as
        ctrl+s x j, the x deletes the event just saved and selected, as when typed. (They
        also wait for the month rebuilt after the write, which holds that event.)"""
        return not self._writes and not self._fresh_after_write

    def _write(self, job: Callable[[], str], label: str, *, select: str | None,
               day: date | None, mine: Event | None = None) -> None:
        self._writes += 1
        self._write_worker(job, label, select=select, day=day, mine=mine)

    @on(WriteDone)
    def _write_done(self) -> None:
        self._writes = max(0, self._writes - 1)
        self._fresh_after_write = True  # until the rebuilt month is shown

    @work(thread=True, exit_on_error=False, group="write")
    def _write_worker(self, job: Callable[[], str], label: str, *, select: str | None,
                      day: date | None, mine: Event | None = None) -> None:
        from store import ChangedElsewhere

        try:
            text = job()
        except ChangedElsewhere as error:  # she sees the current version: nothing lost
            self.post_message(self.Changed(str(error), error.record_id, mine))
        except Exception as error:  # shown to the user, never a traceback
            self.post_message(self.Failed(self.planner.describe_error(error)))
        else:
            self.post_message(self.Saved(text, select=select, day=day))
        finally:
            self.post_message(self.WriteDone())

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.notify(message.text, timeout=4)
        if message.day is not None:
            self.day = message.day
        if message.select is not None:
            self.selected = message.select
        self.store_changed(self.planner.store_stamp())

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._fresh_after_write = False  # (a month that cannot be built: keys go on)
        self.notify(message.text, severity="error", timeout=8)
        self.store_changed(self.planner.store_stamp())

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        """Tell her, and show the current version beside her values."""
        from dataclasses import replace as copy

        from store import NotFound

        from ..dialogs.changed import ChangedDialog

        self.notify(message.text, severity="error", timeout=8)
        self.store_changed(self.planner.store_stamp())
        try:
            current: Event | None = self.session.event(message.event_id)
        except NotFound:
            current = None
        mine = message.mine
        window = self.window

        def chosen(choice: str | None) -> None:
            if current is None or choice is None:
                return
            if choice == "mine" and mine is not None:
                # her values, over the version that is stored now: saved only if that
                # is still the current one when she saves
                self._open_form(copy(mine, sequence=current.sequence,
                                     created=current.created, updated=current.updated),
                                new=False, master=None, occ=None, base=current)
            elif self._may_change(current):
                self._open_form(current, new=False, master=None, occ=None)

        self.app.push_screen(
            ChangedDialog(message.text, current, mine,
                          coaches=window.coaches if window else {},
                          kitas=window.kitas if window else {}),
            chosen,
        )

    def action_undo(self) -> None:
        self._write(self.session.undo, tr("Rückgängig"), select=None, day=None)

    def action_redo(self) -> None:
        self._write(self.session.redo, tr("Wiederholen"), select=None, day=None)

    # -- findings ----------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        finding = self._finding_to_ack()
        if finding is None:
            self.notify(tr("Kein offener Befund ausgewählt."), severity="warning")
            return
        from ..dialogs.common import ReasonDialog

        def reason_given(reason: str | None) -> None:
            if reason is None:
                return
            session = self.session
            self._write(lambda: session.acknowledge([(finding.id, reason)], [finding]),
                        tr("Quittieren"), select=None, day=None)

        from ..planning.labels import RULE_LABELS

        title = tr("Befund quittieren: {rule}",
                   rule=tr(RULE_LABELS.get(finding.rule, finding.rule)))
        self.app.push_screen(ReasonDialog(title), reason_given)

    def _finding_to_ack(self) -> Finding | None:
        panel = self._panel()
        if panel is not None and panel.display and panel.has_focus_within:
            chosen = panel.highlighted_finding()
            if chosen is not None:
                return None if chosen.acknowledged else chosen
        if self.window is None:
            return None
        if self.selected is not None:
            for finding in self.window.findings_by_event.get(self.selected, ()):
                if not finding.acknowledged:
                    return finding
        day_findings = self.window.open_findings(self.day)
        return day_findings[0] if day_findings else None

    # -- other screens -----------------------------------------------------------------

    def action_kitas(self) -> None:
        from .kitas import KitasScreen

        def chosen(kita_id: str | None) -> None:
            if kita_id:
                self.filters = Filters(coach=None, kita=kita_id, kind=None)
                panel = self._panel()
                if panel is not None:
                    panel.show_filters(self.filters)
                self.view = "agenda"
                self._request()

        session = self.session
        self.app.push_screen(KitasScreen(session, today=session.today, year=self.day.year),
                             chosen)

    def action_report(self) -> None:
        from .report import ReportScreen

        session = self.session
        # (the office's report is the team's unless she filters by a coach; a coach's is
        # always her own)
        own = None if session.actor.everything else session.as_coach
        coach = self.filters.coach or own
        self.app.push_screen(ReportScreen(session.store, today=session.today, coach=coach,
                                          year=self.day.year, month=self.day.month))

    def action_export(self) -> None:
        from ..dialogs.ical import ExportDialog
        from ..planning.timeutil import month_range
        from ..remote.session import over_ssh

        if over_ssh():  # a path would be on the server
            self.notify(tr("Nicht über SSH: Der Planer speichert keine Dateien auf dem "
                           "Server. Ihren Kalender holen Sie auf Ihrem Rechner mit: "
                           "ssh … export > meine-termine.ics"), severity="warning", timeout=10)
            return
        session = self.session
        start, end = month_range(self.day.year, self.day.month)

        def done(text: str | None) -> None:
            if text:
                self.notify(text, timeout=6)

        self.app.push_screen(
            ExportDialog(session.store, today=session.today, coach=self.filters.coach,
                         kita=self.filters.kita, kind=self.filters.kind, start=start,
                         end=end),
            done,
        )

    def action_import_calendar(self) -> None:
        from ..dialogs.ical import ImportDialog
        from ..remote.session import over_ssh

        if over_ssh():
            self.notify(tr("Nicht über SSH: Der Planer liest keine Dateien des Servers. "
                           "Termine aus .ics-Dateien importiert die Koordinationsstelle."),
                        severity="warning", timeout=10)
            return
        session = self.session

        def done(text: str | None) -> None:
            if text:
                self.notify(text, timeout=6)
                self.store_changed(self.planner.store_stamp())

        self.app.push_screen(ImportDialog(session.store, today=session.today), done)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())
