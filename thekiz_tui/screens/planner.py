"""The planner: month, week and agenda over one store, with the side panel.

The screen owns the view state (view, selected day, selected event, filters) and the
keys; the views (``widgets.calendar_view``) draw a month snapshot
(:class:`~thekiz_tui.planning.month_snapshot.MonthSnapshot`) and post messages. Snapshots
are built in thread workers and cached per month, so that moving the selection or
switching the view never waits for the store.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from .. import keys
from ..errors import person_message
from ..i18n import tr
from ..planning.month_snapshot import Filters, MonthSnapshot
from ..planning.timeutil import fmt_date
from ..widgets.calendar_view import DayClicked, EventClicked

if TYPE_CHECKING:
    from textual.widget import Widget
    from textual.worker import Worker

    from store import Event

    from ..planning.findings import Finding
    from ..planning.occurrences import Occurrence
    from ..planning.scope_edit import Scope
    from ..session import Session
    from ..widgets.calendar_view import CalendarView
    from ..widgets.day_pane import DayPane
    from ..widgets.side_panel import SidePanel

VIEWS = ("month", "week", "agenda")
VIEW_NAMES = {"month": "Monat", "week": "Woche", "agenda": "Agenda"}
MonthKey = tuple[int, int, Filters]
T = TypeVar("T")
# Seconds between the first month and the rest of the start (the findings, the other
# views, the side panel): a few frames of Textual's 60 Hz screen updates, so that the
# month is painted before that work competes with it for the interpreter.
AFTER_FIRST_FRAME = 0.05
# Columns from which the side panel shows (unless she showed or hid it), and from which
# the day pane shows beside it in the month view: the panel and the pane are 34 columns
# each, and the grid keeps at least 62 (day cells of 7 columns, "09:30 R").
PANEL_FROM = 100
BOTH_FROM = 130


def month_title(year: int, month: int) -> str:
    from ..planning import labels

    return labels.month_title(year, month)


def weekday_name(day: date) -> str:
    from ..planning.labels import weekday_abbr

    return weekday_abbr(day.weekday())


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
    class SnapshotReady(Message):
        key: MonthKey
        snapshot: MonthSnapshot
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

    def __init__(self, *, today: date, first_month: MonthSnapshot | None = None) -> None:
        """``first_month``: the selected month, read already (without its findings)."""
        super().__init__()
        self._writes = 0  # writes under way: keys wait for them (see ready_for_keys)
        self._fresh_after_write = False  # a write is done; its month is being rebuilt
        self.set_reactive(PlannerScreen.day, today)
        self.selected: str | None = None
        self.filters = Filters()
        self.snapshot: MonthSnapshot | None = None
        self._cache: dict[MonthKey, MonthSnapshot] = {}
        self._loading: set[tuple[MonthKey, bool]] = set()
        self._stamp: object = None
        self._first_month = first_month
        self._rest_mounting = False
        self._side: SidePanel | None = None  # the side panel, once mounted
        self._day_pane: DayPane | None = None  # the selected day in full, once mounted
        self._people_shown: object = None  # the coaches the panel's filter lists were made of
        self._guide_offered = False  # the first steps, once, for an empty store
        # She showed (True) or hid (False) the panel or the day pane; None: the width
        # decides. Where only one fits, the one she asked for last (_day_last) shows.
        self._want_panel: bool | None = None
        self._want_day: bool | None = None
        self._day_last = False
        self._flows: set[Worker[None]] = set()  # dialog chains under way (see _flow)

    @property
    def host(self) -> PlannerHost:
        """The app, as the planner knows it (``PlannerHost``)."""
        return cast("PlannerHost", self.app)

    @property
    def session(self) -> Session:
        return self.host.session

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
        self._stamp = self.host.store_stamp()
        self._view("month").focus()
        first, self._first_month = self._first_month, None
        if first is not None and (first.year, first.month, first.filters) == self._key():
            # handled now, not posted: the first frame shows the month with its events
            self._snapshot_ready(self.SnapshotReady(self._key(), first, self._stamp))
        else:
            self._request(complete=False)

    async def _mount_rest(self) -> None:
        """The parts that the first frame goes without."""
        if self._rest_mounting:
            return
        self._rest_mounting = True
        self.host.resume_gc()
        from ..widgets.agenda import AgendaView
        from ..widgets.day_pane import DayPane
        from ..widgets.footer import QuietFooter
        from ..widgets.side_panel import SidePanel
        from ..widgets.week import WeekView

        week, agenda = WeekView(id="week"), AgendaView(id="agenda")
        week.display = agenda.display = False
        await self.query_one(ContentSwitcher).mount(week, agenda)
        panel = SidePanel(id="panel")
        pane = DayPane(id="day", me=self.session.as_coach)
        pane.display = False
        await self.query_one("#body").mount(pane, panel)
        self._day_pane = pane
        # without the palette key, which the help names: the planner's own keys fit
        await self.mount(QuietFooter(compact=True, show_command_palette=False))
        self.refresh_bindings()  # a footer mounted late hears of the keys only then
        self._side = panel
        self._update_sides()
        if self.view != "month":
            self.watch_view("month", self.view)
        else:
            self._redraw()

    def _view(self, name: str | None = None) -> CalendarView:
        """The view ``name`` (month, week or agenda; default: the one that shows)."""
        return cast("CalendarView", self.query_one(f"#{name or self.view}"))

    def _panel(self) -> SidePanel | None:
        return self._side

    @property
    def _rest_ready(self) -> bool:
        """The week, the agenda, the side panel and the footer are mounted."""
        return self._side is not None

    def on_resize(self) -> None:
        self._update_sides()

    def _sides(self, width: int) -> tuple[bool, bool]:
        """Whether the side panel and the day pane show at ``width``."""
        both = width >= BOTH_FROM
        panel = width >= PANEL_FROM if self._want_panel is None else self._want_panel
        day = both if self._want_day is None else self._want_day
        day = day and self.view == "month"  # week and agenda show whole titles
        if panel and day and not both:
            return (False, True) if self._day_last else (True, False)
        return panel, day

    def _update_sides(self) -> None:
        panel, pane = self._side, self._day_pane
        if panel is None or pane is None:
            return
        show_panel, show_day = self._sides(self.app.size.width)
        for part, shown in ((panel, show_panel), (pane, show_day)):
            if part.display != shown:
                focused = part.has_focus_within
                part.display = shown
                if focused and not shown:
                    self._view().focus()
                elif part is pane:
                    self._show_day()  # what it shows was not kept up while hidden

    def _show_day(self) -> None:
        """The selected day in the day pane, if it shows."""
        pane, snapshot = self._day_pane, self.snapshot
        if pane is not None and pane.display and snapshot is not None and (
                (snapshot.year, snapshot.month) == (self.day.year, self.day.month)):
            pane.show(snapshot, self.day, self.selected)

    # -- the snapshot ------------------------------------------------------------------

    def _key(self, day: date | None = None) -> MonthKey:
        day = day or self.day
        return (day.year, day.month, self.filters)

    def _request(self, *, complete: bool = True) -> None:
        """Show the selected day's month: from the cache now, or after a worker."""
        key = self._key()
        cached = self._cache.get(key)
        if cached is not None:
            self.snapshot = cached
            self._redraw()
            if not cached.complete:
                self._load(key, complete=True)
            return
        self._load(key, complete=complete)

    def _load(self, key: MonthKey, *, complete: bool) -> None:
        if (key, complete) in self._loading:
            return
        self._loading.add((key, complete))
        self._build(key, complete)

    @work(thread=True, exit_on_error=False)
    def _build(self, key: MonthKey, complete: bool) -> None:
        app = self.host
        stamp = app.store_stamp()
        try:
            snapshot = app.session.month_snapshot(key[0], key[1], filters=key[2], complete=complete)
        except Exception as error:  # shown to the user, never a traceback
            self.post_message(self.Failed(app.describe_error(error)))
            return
        finally:
            self._loading.discard((key, complete))
        self.post_message(self.SnapshotReady(key, snapshot, stamp))

    @on(SnapshotReady)
    def _snapshot_ready(self, message: SnapshotReady) -> None:
        if message.stamp != self._stamp:
            return  # built from an older store state; a fresh one is on its way
        old = self._cache.get(message.key)
        if old is not None and old.complete and not message.snapshot.complete:
            return
        self._cache[message.key] = message.snapshot
        if message.key == self._key():
            self.snapshot = message.snapshot
            self._fresh_after_write = False
            self._redraw()
            if not message.snapshot.complete:
                # once this frame is painted: the full check must not hold it up
                self.set_timer(AFTER_FIRST_FRAME, partial(self._load, message.key,
                                                          complete=True))
            else:
                self._prefetch()
                if not self._guide_offered:
                    self._guide_offered = True
                    if self.session.store.is_empty():
                        self._flow(self._first_steps())

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
        snapshot = self.snapshot
        if snapshot is None:
            return
        if (snapshot.year, snapshot.month) != (self.day.year, self.day.month):
            return
        day_occurrences = snapshot.on(self.day)
        if self.selected is not None and all(o.key != self.selected for o in day_occurrences):
            self.selected = None
        if not self._rest_ready:
            self._view("month").show(snapshot, self.day, self.selected)
            self._show_topbar(snapshot)
            self.set_timer(AFTER_FIRST_FRAME, self._mount_rest)
            return
        self._view().show(snapshot, self.day, self.selected)
        panel = self._panel()
        if panel is not None:
            panel.show_findings(snapshot)
        self._show_day()
        self._show_topbar(snapshot)

    def _show_topbar(self, snapshot: MonthSnapshot) -> None:
        me = self.session.as_coach
        parts = [f"[b]thekiz[/b]  {weekday_name(self.day)} {fmt_date(self.day)}",
                 tr(VIEW_NAMES[self.view])]
        if me and me in snapshot.coaches:
            parts.append(tr("als {name}", name=snapshot.coaches[me].name))
        shown = []
        f = self.filters
        if f.coach and f.coach in snapshot.coaches:
            shown.append(snapshot.coaches[f.coach].name)
        if f.kita and f.kita in snapshot.kitas:
            shown.append(snapshot.kitas[f.kita].name)
        if f.kind:
            from ..i18n import lang
            from ..planning.labels import kind_label

            shown.append(kind_label(f.kind, lang()))
        if shown:
            parts.append(tr("Filter: {what}", what=", ".join(shown)))
        open_findings = sum(1 for x in snapshot.findings if not x.acknowledged)
        if snapshot.complete and open_findings:
            parts.append(tr("{n} offene Befunde", n=open_findings))
        self.query_one("#topbar", Static).update("  |  ".join(parts), layout=False)  # 1 line
        panel = self._panel()
        if panel is not None and self._people_shown is not snapshot.coaches:
            self._people_shown = snapshot.coaches
            who = self.session.actor  # a coach filters by herself only
            coaches = sorted((c.name, c.id) for c in snapshot.coaches.values()
                             if who.may_view_coach(c.id))
            kitas = sorted((k.name, k.id) for k in snapshot.kitas.values())
            panel.set_people(coaches, kitas, self.filters)

    def watch_view(self, old: str, new: str) -> None:
        if not self._rest_ready:
            return  # _mount_rest shows it
        self.query_one(ContentSwitcher).current = new
        self._view(new).focus()
        self._update_sides()
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
        self._view().focus()

    @on(DayClicked)
    def _day_clicked(self, message: DayClicked) -> None:
        self.selected = None
        self.day = message.day
        self._redraw()

    @on(EventClicked)
    def _event_clicked(self, message: EventClicked) -> None:
        self.selected = message.key
        if message.day != self.day:
            self.day = message.day
        self._redraw()
        if message.double:
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

    def action_cycle_event(self, step: int) -> None:
        if self.snapshot is None:
            return
        occurrences = self.snapshot.on(self.day)
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
        self._want_panel, self._day_last = True, False
        self._update_sides()
        if panel.has_focus_within:
            self._view().focus()
        else:
            panel.query_one("#findings").focus()

    def action_toggle_panel(self) -> None:
        panel = self._panel()
        if panel is None:
            return
        self._want_panel = not panel.display
        self._day_last = self._day_last and not self._want_panel
        self._update_sides()

    def action_toggle_day(self) -> None:
        """The day pane on or off; where it and the side panel do not both fit, the
        one takes the other's place. In the week and the agenda (whose titles are
        whole) it opens the month with the day pane."""
        pane = self._day_pane
        if pane is None:
            return
        if self.view != "month":
            self._want_day, self._day_last = True, True
            self.view = "month"
            return
        if not pane.display:
            self._want_day, self._day_last = True, True
        else:
            self._want_day = False
            if self.app.size.width < BOTH_FROM:  # the panel takes its place
                self._want_panel, self._day_last = True, False
        self._update_sides()

    # -- the selected event ------------------------------------------------------------

    def _describe(self, occ: Occurrence) -> str:
        event = occ.event
        when = tr("ganztägig") if event.all_day else event.start[11:16]
        name = event.title
        if not name and event.kita and self.snapshot and event.kita in self.snapshot.kitas:
            name = self.snapshot.kitas[event.kita].name
        return f"{when}  {name}"

    def _new_event(self) -> Event:
        from store import DEFAULT_TZ, Event, new_id

        from ..planning.timeutil import localize, to_stored

        tz = self.snapshot.tz if self.snapshot else DEFAULT_TZ
        start = localize(datetime.combine(self.day, time(9, 0)), tz)
        end = localize(datetime.combine(self.day, time(10, 30)), tz)
        coach = self.filters.coach or self.session.as_coach
        return Event(
            id=new_id("ev"), kind="begleitung", start=to_stored(start), end=to_stored(end),
            tz=tz, coaches=[coach] if coach else [], kita=self.filters.kita,
        )

    # -- flows: each dialog chain is one worker, read top to bottom ----------------------

    def _flow(self, steps: Coroutine[Any, Any, None]) -> None:
        """Run a dialog chain (``steps`` awaits each answer with ``push_screen_wait``) as
        one worker. Keys wait while it runs between its dialogs (``ready_for_keys``): a
        dialog's answer resumes the worker only on a later turn of the event loop, and
        the keys typed right after it belong to what the chain does next (the next
        question, the save). Not exclusive: a cancelled chain would leave its dialog
        open with nobody waiting for the answer."""
        self._flows.add(self.run_worker(steps))

    @property
    def flows(self) -> frozenset[Worker[None]]:
        """The dialog chains under way. Each waits for her answer while its dialog shows:
        whoever waits for the app's work to end (a test) must not wait for these."""
        self._flows = {worker for worker in self._flows if not worker.is_finished}
        return frozenset(self._flows)

    async def _ask(self, screen: Screen[T]) -> T | None:
        """Her answer to ``screen`` (None: she cancelled)."""
        return await self.app.push_screen_wait(screen)

    async def _scope(self, verb: str) -> Scope | None:
        """Which occurrences of a series a change is for (None: she cancelled)."""
        from ..dialogs.common import SeriesScopeDialog

        return await self._ask(SeriesScopeDialog(verb))

    async def _chosen_occurrence(self) -> Occurrence | None:
        """The selected event, selected now if the day has one; she is asked which if the
        day has several and none is selected."""
        if self.snapshot is None:
            return None
        occurrences = self.snapshot.on(self.day)
        for occ in occurrences:
            if occ.key == self.selected:
                return occ
        if not occurrences:
            self.notify(tr("An diesem Tag gibt es keinen Termin."), severity="warning")
            return None
        chosen: Occurrence | None = occurrences[0]
        if len(occurrences) > 1:
            from ..dialogs.common import ChooseDialog

            options = [(occ.key, self._describe(occ)) for occ in occurrences]
            key = await self._ask(ChooseDialog(tr("Welcher Termin?"), options))
            chosen = next((occ for occ in occurrences if occ.key == key), None)
        if chosen is not None:
            self.selected = chosen.key
            self._redraw()
        return chosen

    # -- changing events ---------------------------------------------------------------

    def action_new_event(self) -> None:
        self._flow(self._form_and_save(self._new_event(), new=True))

    def action_edit_event(self) -> None:
        self._flow(self._edit())

    def action_duplicate_event(self) -> None:
        self._flow(self._duplicate())

    def action_move_event(self, days: int) -> None:
        self._flow(self._move(days))

    def action_delete_event(self) -> None:
        self._flow(self._delete())

    async def _edit(self) -> None:
        occ = await self._chosen_occurrence()
        if occ is None:
            return
        master = self.host.store_event(occ.id)
        if master is None:
            return
        why = self._why_not(master)
        if why is not None:  # she reads it; the dialog says why she cannot change it
            self._show_details(occ, master, why)
        elif occ.recurrence_id is None:
            await self._form_and_save(master, new=False)
        else:
            shown = replace(occ.event, rrule=master.rrule)
            await self._form_and_save(shown, new=False, series=(master, occ.recurrence_id))

    async def _duplicate(self) -> None:
        from ..planning.edits import duplicate as copy_of

        occ = await self._chosen_occurrence()
        if occ is None:
            return
        single = replace(occ.event, rrule=None, exdates=[], overrides={})
        if occ.recurrence_id is None:
            master = self.host.store_event(occ.id)
            if master is None:
                return
            single = master
        await self._form_and_save(copy_of(single), new=True)

    async def _form_and_save(self, event: Event, *, new: bool,
                             series: tuple[Event, str] | None = None,
                             base: Event | None = None) -> None:
        """The form on ``event``, and her result saved. ``series``: the stored series and
        the occurrence (its recurrence id) that ``event`` shows; she is asked which of its
        occurrences the change is for. ``base``: the stored version the change replaces
        (default: ``event``)."""
        from ..dialogs.event_form import EventForm
        from ..planning import scope_edit

        session = self.session
        note = tr("Termin einer Serie") if series is not None else None
        result = await self._ask(EventForm(session.store, session.checker, event, new=new,
                                           today=session.today, series_note=note))
        if result is None:
            return
        if new:
            self._save(tr("Termin anlegen"), [], [result.event], result.acks,
                       select=result.event.id)
        elif series is None:
            # the version the form started from: if it changed since, the store
            # refuses and the coach sees both (never a silent overwrite)
            self._save(tr("Termin ändern"), [event if base is None else base],
                       [result.event], result.acks, select=result.event.id,
                       mine=result.event)
        else:
            master, rid = series
            scope = await self._scope(tr("ändern"))
            if scope is not None:
                self._save(tr("Serie ändern"), [master],
                           scope_edit.change(master, rid, result.event, scope), result.acks,
                           select=None, mine=result.event if scope == "all" else None)

    async def _move(self, days: int) -> None:
        from ..planning import scope_edit
        from ..planning.edits import shift

        chosen = await self._chosen_to_change()
        if chosen is None:
            return
        occ, master = chosen
        label = tr("Termin verschieben")
        rid = occ.recurrence_id
        if rid is None:
            moved = shift(master, days)
            self._save(label, [master], [moved], (), select=occ.key,
                       day=self.day + timedelta(days=days), mine=moved)
            return
        scope = await self._scope(tr("verschieben"))
        if scope is not None:
            self._save(label, [master], scope_edit.move(master, rid, occ.event, days, scope),
                       (), select=None, day=self.day + timedelta(days=days))

    async def _delete(self) -> None:
        from ..dialogs.common import ConfirmDialog
        from ..planning import scope_edit

        chosen = await self._chosen_to_change()
        if chosen is None:
            return
        occ, master = chosen
        label = tr("Termin löschen")
        rid = occ.recurrence_id
        if rid is None:
            question = tr("Termin „{name}“ löschen?", name=self._describe(occ))
            if await self._ask(ConfirmDialog(question)):
                self._save(label, [master], [], (), select=None)
            return
        scope = await self._scope(tr("löschen"))
        if scope is not None:
            self._save(label, [master], scope_edit.delete(master, rid, scope), (),
                       select=None)

    def _show_details(self, occ: Occurrence, master: Event, why: str) -> None:
        """The read-only details of an event she may not change (the occurrence she
        selected, with its series' rule)."""
        from ..dialogs.details import DetailsDialog

        snapshot = self.snapshot
        single = occ.recurrence_id is None
        self.app.push_screen(DetailsDialog(
            master if single else occ.event, why,
            coaches=snapshot.coaches if snapshot else {}, kitas=snapshot.kitas if snapshot else {},
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
        master = self.host.store_event(occ.id)
        if master is None or not self._may_change(master):
            return None
        if master.sequence != occ.event.sequence:
            from store import ChangedElsewhere

            error = ChangedElsewhere("Termin", master.id, occ.event.sequence, master.sequence)
            self.post_message(self.Changed(person_message(error) or str(error), master.id, None))
            return None
        return master

    async def _chosen_to_change(self) -> tuple[Occurrence, Event] | None:
        """The chosen occurrence and its stored event, to move or delete it (see
        ``_as_seen``)."""
        occ = await self._chosen_occurrence()
        master = None if occ is None else self._as_seen(occ)
        return None if occ is None or master is None else (occ, master)

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
        also wait for the month rebuilt after the write, which holds that event, and for
        a dialog chain between its dialogs: see ``_flow``.)"""
        return not self._writes and not self._fresh_after_write and not self.flows

    def _write(self, job: Callable[[], str], label: str, *, select: str | None,
               day: date | None, mine: Event | None = None) -> None:
        self._writes += 1
        self._write_worker(job, label, select=select, day=day, mine=mine)

    @on(WriteDone)
    def _write_done(self) -> None:
        self._writes = max(0, self._writes - 1)
        self._fresh_after_write = True  # until the rebuilt month is shown

    @work(thread=True, exit_on_error=False)
    def _write_worker(self, job: Callable[[], str], label: str, *, select: str | None,
                      day: date | None, mine: Event | None = None) -> None:
        from store import ChangedElsewhere

        try:
            text = job()
        except ChangedElsewhere as error:  # she sees the current version: nothing lost
            self.post_message(self.Changed(person_message(error) or str(error), error.record_id,
                                           mine))
        except Exception as error:  # shown to the user, never a traceback
            self.post_message(self.Failed(self.host.describe_error(error)))
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
        self.store_changed(self.host.store_stamp())

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._fresh_after_write = False  # (a month that cannot be built: keys go on)
        self.notify(message.text, severity="error", timeout=8)
        self.store_changed(self.host.store_stamp())

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        """Tell her, and show the current version beside her values."""
        from store import NotFound

        self.notify(message.text, severity="error", timeout=8)
        self.store_changed(self.host.store_stamp())
        try:
            current: Event | None = self.session.event(message.event_id)
        except NotFound:
            current = None
        self._flow(self._resolve_change(message, current))

    async def _resolve_change(self, message: Changed, current: Event | None) -> None:
        """Her values beside the stored ones; she takes hers, the stored, or neither."""
        from dataclasses import replace as copy

        from ..dialogs.changed import ChangedDialog

        mine = message.mine
        snapshot = self.snapshot
        choice = await self._ask(ChangedDialog(
            message.text, current, mine, coaches=snapshot.coaches if snapshot else {},
            kitas=snapshot.kitas if snapshot else {}))
        if current is None or choice is None:
            return
        if choice == "mine" and mine is not None:
            # her values, over the version that is stored now: saved only if that is
            # still the current one when she saves
            await self._form_and_save(copy(mine, sequence=current.sequence,
                                           created=current.created, updated=current.updated),
                                      new=False, base=current)
        elif self._may_change(current):
            await self._form_and_save(current, new=False)

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
        self._flow(self._acknowledge(finding))

    async def _acknowledge(self, finding: Finding) -> None:
        from ..dialogs.common import ReasonDialog
        from ..planning.labels import RULE_LABELS

        title = tr("Befund quittieren: {rule}",
                   rule=tr(RULE_LABELS.get(finding.rule, finding.rule)))
        reason = await self._ask(ReasonDialog(title))
        if reason is not None:
            session = self.session
            self._write(lambda: session.acknowledge([(finding.id, reason)], [finding]),
                        tr("Quittieren"), select=None, day=None)

    def _finding_to_ack(self) -> Finding | None:
        panel = self._panel()
        if panel is not None and panel.display and panel.has_focus_within:
            chosen = panel.highlighted_finding()
            if chosen is not None:
                return None if chosen.acknowledged else chosen
        if self.snapshot is None:
            return None
        if self.selected is not None:
            for finding in self.snapshot.findings_by_event.get(self.selected, ()):
                if not finding.acknowledged:
                    return finding
        day_findings = self.snapshot.open_findings(self.day)
        return day_findings[0] if day_findings else None

    # -- other screens -----------------------------------------------------------------

    def action_goto(self) -> None:
        self._flow(self._goto())

    async def _goto(self) -> None:
        from ..dialogs.common import DateDialog

        day = await self._ask(DateDialog(self.day, today=self.session.today))
        if day is not None:
            self.selected = None
            self.day = day

    def action_search(self) -> None:
        self._flow(self._search())

    async def _search(self) -> None:
        from ..dialogs.search import SearchDialog

        found = await self._ask(SearchDialog(self.session))
        if found is not None:
            self.day = found.day
            self.selected = found.key
            self._redraw()

    def action_people(self, tab: str = "coaches") -> None:
        self._flow(self._people(tab))

    async def _people(self, tab: str) -> None:
        from .people import PeopleScreen

        await self._ask(PeopleScreen(self.session, tab="kitas" if tab == "kitas" else "coaches"))
        self.store_changed(self.host.store_stamp())  # names, Kitas: shown anew

    def action_settings(self) -> None:
        self._flow(self._settings())

    async def _settings(self) -> None:
        from .people import SettingsScreen

        await self._ask(SettingsScreen(self.session))
        self.store_changed(self.host.store_stamp())

    async def _first_steps(self) -> None:
        """An empty store opens on the first steps; her choice opens its screen."""
        from .first_steps import FirstStepsScreen

        step = await self._ask(FirstStepsScreen(office=self.session.actor.everything))
        if step in ("coaches", "kitas"):
            await self._people(step)
        elif step == "settings":
            await self._settings()
        elif step == "new":
            await self._form_and_save(self._new_event(), new=True)
        elif step == "import":
            await self._import()

    def action_kitas(self) -> None:
        self._flow(self._kitas())

    async def _kitas(self) -> None:
        from .kitas import KitasScreen

        session = self.session
        kita_id = await self._ask(KitasScreen(session, today=session.today,
                                              year=self.day.year))
        if kita_id:
            self.filters = Filters(coach=None, kita=kita_id, kind=None)
            panel = self._panel()
            if panel is not None:
                panel.show_filters(self.filters)
            self.view = "agenda"
            self._request()

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
        from ..remote.session import over_ssh

        if over_ssh():  # a path would be on the server
            self.notify(tr("Nicht über SSH: Der Planer speichert keine Dateien auf dem "
                           "Server. Ihren Kalender holen Sie auf Ihrem Rechner mit: "
                           "ssh … export > meine-termine.ics"), severity="warning", timeout=10)
            return
        self._flow(self._export())

    async def _export(self) -> None:
        from ..dialogs.ical import ExportDialog
        from ..planning.timeutil import month_range

        session = self.session
        start, end = month_range(self.day.year, self.day.month)
        text = await self._ask(ExportDialog(
            session.store, today=session.today, coach=self.filters.coach,
            kita=self.filters.kita, kind=self.filters.kind, start=start, end=end))
        if text:
            self.notify(text, timeout=6)

    def action_import_calendar(self) -> None:
        from ..remote.session import over_ssh

        if over_ssh():
            self.notify(tr("Nicht über SSH: Der Planer liest keine Dateien des Servers. "
                           "Termine aus .ics-Dateien importiert die Koordinationsstelle."),
                        severity="warning", timeout=10)
            return
        self._flow(self._import())

    async def _import(self) -> None:
        from ..dialogs.ical import ImportDialog

        session = self.session
        text = await self._ask(ImportDialog(session.store, today=session.today))
        if text:
            self.notify(text, timeout=6)
            self.store_changed(self.host.store_stamp())

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())
