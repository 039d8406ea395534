"""The event form: a modal that edits one event and shows, while the coach types, the
findings that saving it would cause.

The caller prefills the event and gets a ``FormResult`` (or None on Escape)::

    self.app.push_screen(
        EventForm(store, checker, event, new=True, today=today), callback=self._saved
    )

Every change of a field builds the candidate event (``planning.validate.build_event``:
parsing and the save rules, no Textual) and hands it to a thread worker that runs
``Checker.check_candidate``; its findings replace the options of the findings list in
place. Nothing is re-mounted on a keystroke.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from store import STATUSES, Coach, Event, Kita

from ..app_base import pumps_idle
from ..i18n import lang, tr
from ..keys import Action
from ..planning.findings import SEVERITY_DE, Finding, sort_key
from ..planning.labels import (
    ROLE_LABELS,
    RULE_LABELS,
    STATUS_LABELS,
    SUBTYPE_LABELS,
    kind_label,
)
from ..planning.recurrence import INTERVAL_CHOICES, REPEAT_LABELS, UNITS, describe, read_rrule
from ..planning.timeutil import fmt_date, fmt_time, zone
from ..planning.validate import (
    Built,
    Draft,
    KitaIndex,
    Problem,
    build_event,
    duration_of,
    end_after,
)
from ..textual_private import batch_open, paint_now
from ..widgets.fields import FindingsList, FormCheckbox, FormInput, FormSelectionList
from .common import weekday_date

if TYPE_CHECKING:
    from store import Store

    from ..planning.conflicts import Checker

FORM = "Termin"
# The form's actions (binding ids for the keymap, listed by the help screen).
FORM_ACTIONS: tuple[Action, ...] = (
    Action("thekiz.form.save", "ctrl+s", "save", "Speichern", FORM, footer=True),
    Action("thekiz.form.cancel", "escape", "cancel", "Abbrechen", FORM, footer=True),
    Action("thekiz.form.ack", "f2", "ack", "Befund quittieren", FORM, footer=True),
)

CHECK_GROUP = "thekiz-form-check"
LOAD_GROUP = "thekiz-form-load"
KITA_SUGGESTIONS = 8
HOLD_MAX = 0.025  # seconds the paint of a keystroke waits for its findings, at most
NOT_CHECKABLE = "Befunde: erst prüfbar, wenn Datum und Zeit stimmen"
SETTLE_MAX = 0.01  # seconds the findings' widget updates may take to reach the screen

# The fields that show a message beside them, and the problem fields they show.
_ERROR_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": ("kind",),
    "subtype": ("subtype",),
    "day": ("day", "last_day"),
    "times": ("start", "end"),
    "coaches": ("coaches",),
    "kita": ("kita",),
    "repeat": ("interval", "until", "rrule"),
    "status": ("status",),
    "other": ("participants",),
}
_WIDGET_OF_FIELD: dict[str, str] = {
    "kind": "#kind", "subtype": "#subtype", "day": "#day", "last_day": "#last-day",
    "start": "#start", "end": "#end", "coaches": "#coaches", "kita": "#kita",
    "interval": "#interval", "until": "#until", "rrule": "#repeat", "status": "#status",
}


@dataclass(frozen=True)
class FormResult:
    event: Event  # the edited event (same id as given), ready to save
    acks: tuple[tuple[str, str], ...]  # (finding_id, reason) acknowledged in the form


class KitaInput(FormInput):
    """The Kita field: typing filters the suggestions below it, up and down move
    through them, Enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))


def _set_note(widget: Static, old: str, text: str) -> None:
    """Replace the text of a note that wraps and hides when empty. Static.update lays
    out the whole screen by default (milliseconds with this many widgets); a note that
    stays one line does not need that."""
    width = widget.size.width
    one_line = bool(width) and all(
        t and "\n" not in t and len(t) < width - 1 for t in (old, text)
    )
    widget.update(text, layout=not one_line)
    # Shown or hidden through ``display``, not a class: a class change matches the
    # stylesheet against the node again (0.4 ms here, 0.01 ms for ``display``), and the
    # day hint comes and goes with a keystroke. (The stylesheet hides an empty note.)
    shown = bool(text)
    if widget.display != shown:
        widget.display = shown


def _finding_prompt(finding: Finding, acked: str | None) -> Content:
    rule = tr(RULE_LABELS.get(finding.rule, finding.rule))
    if acked is not None or finding.acknowledged:
        mark = tr("quittiert") + (f" ({acked})" if acked else "")
        return Content.from_markup(
            "[$success]+ $mark[/] [$foreground-muted]$rule: $message[/]",
            mark=mark, rule=rule, message=finding.message,
        )
    severity = tr(SEVERITY_DE.get(finding.severity, finding.severity))
    colour = {"error": "$error", "warning": "$warning"}.get(finding.severity, "$accent")
    return Content.from_markup(
        f"[{colour}]! $severity[/] [b]$rule[/]: $message",
        severity=severity, rule=rule, message=finding.message,
    )


class EventForm(ModalScreen[FormResult | None]):
    """Edit one event; live findings; returns a ``FormResult`` or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [a.binding() for a in FORM_ACTIONS]

    CSS_PATH = "event_form.tcss"

    def __init__(
        self,
        store: Store,
        checker: Checker,
        event: Event,
        *,
        new: bool,
        today: date,
        series_note: str | None = None,
    ) -> None:
        super().__init__()
        from ..session.form import FormRights

        self._store = store
        self._checker = checker
        # only what she may save: a coach's new event is hers alone (a duplicate of a
        # shared date too), so that the live check never looks at another's plan
        self._rights = FormRights.of(store)
        self._base = self._rights.start(event, new=new)
        self._new = new
        self._today = today
        # A day typed without a year is the next one from this month on: the month she
        # opened the form in (the event's, or the selected day's for a new one).
        self._month = date.fromisoformat(self._base.start[:10]).replace(day=1)
        self._series_note = series_note
        self._coaches: list[Coach] = []
        self._coach_ids: frozenset[str] = frozenset()
        self._kitas = KitaIndex(())
        self._ready = False
        self._opened: Draft | None = None
        self._built: Built | None = None
        self._errors: dict[str, str] = {}
        self._marked: frozenset[str] = frozenset()  # fields shown with a problem
        self._visible: dict[str, bool] = {}
        self._repeat_text = ""
        self._day_hint = ""
        self._day_hint_for: tuple[str, str | None] | None = None  # (typed, resolved day)
        self._status_text = ""
        self._checked: Event | None = None  # the candidate of the last check started
        self._check_generation = 0
        self._findings: list[Finding] = []
        self._findings_for: Event | None = None  # the candidate they belong to
        self._shown_findings: tuple[tuple[str, bool, str], ...] | None = None
        self._acks: dict[str, str] = {}
        self._kita_shown: tuple[str, ...] | None = None
        self._title_shown: tuple[str, bool] | None = None
        self._check_worker: Worker[Any] | None = None
        self._held: AbstractContextManager[None] | None = None
        self._hold_timer: Timer | None = None
        # Keys typed ahead wait until the coaches and Kitas are loaded (see
        # app_base): they then act as they would have a moment later.
        self.ready_for_keys = False

    # -- layout ------------------------------------------------------------------------

    def _initial(self) -> dict[str, Any]:
        """The field texts of the given event."""
        ev = self._base
        values: dict[str, Any] = {"start": "", "end": "", "last_day": ""}
        if ev.all_day:
            first = date.fromisoformat(ev.start[:10])
            last = date.fromisoformat(ev.end[:10]) - timedelta(days=1)
            values["day"] = fmt_date(first)
            if last > first:
                values["last_day"] = fmt_date(last)
            values["start"], values["end"] = "09:00", "11:00"
        else:
            tz = zone(ev.tz)
            start = datetime.fromisoformat(ev.start).astimezone(tz)
            end = datetime.fromisoformat(ev.end).astimezone(tz)
            first = start.date()
            values["day"] = fmt_date(first)
            values["start"], values["end"] = fmt_time(start), fmt_time(end)
            if end.date() != first:
                values["last_day"] = fmt_date(end.date())
        repeat = read_rrule(ev.rrule, first, all_day=ev.all_day)
        values["repeat"] = repeat.choice
        values["interval"] = str(repeat.interval)
        values["until"] = (str(repeat.count) if repeat.count is not None
                           else fmt_date(repeat.until) if repeat.until else "")
        values["rule"] = repeat.rule
        return values

    def compose(self) -> ComposeResult:
        ev = self._base
        init = self._initial()
        language = lang()
        offered = self._rights.kinds(ev)
        kinds = [(kind_label(k, language), k) for k in offered]
        if ev.kind not in offered:
            kinds.append((ev.kind, ev.kind))
        statuses = [(tr(STATUS_LABELS[s]), s) for s in STATUSES]
        if ev.status not in STATUSES:
            statuses.append((ev.status, ev.status))
        subtypes = [(tr(label), key) for key, label in SUBTYPE_LABELS.items()]
        if ev.subtype is not None and ev.subtype not in SUBTYPE_LABELS:
            subtypes.append((ev.subtype, ev.subtype))
        repeat_labels = REPEAT_LABELS.get(language, REPEAT_LABELS["de"])
        box = Vertical(id="form-box")
        box.border_title = tr("Neuer Termin") if self._new else tr("Termin bearbeiten")
        with box:
            note = Static(self._series_note or "", id="form-note")
            note.set_class(not self._series_note, "-empty")
            yield note
            fields = VerticalScroll(id="form-fields")
            fields.can_focus = False  # tab goes from field to field, not to the scroller
            with fields:
                with Horizontal(classes="row"):
                    yield Label(tr("Art"))
                    yield Select(kinds, value=ev.kind, allow_blank=False, id="kind",
                                 compact=True)
                yield Static(id="err-kind", classes="field-error")
                with Horizontal(classes="row", id="row-subtype"):
                    yield Label(tr("Unterart"))
                    yield Select(subtypes, value=ev.subtype or Select.NULL, allow_blank=True,
                                 prompt=tr("(keine)"), id="subtype", compact=True)
                yield Static(id="err-subtype", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Titel"))
                    yield FormInput(ev.title, id="title", compact=True)
                with Horizontal(classes="row"):
                    yield Label(tr("Datum"))
                    yield FormInput(init["day"], id="day", placeholder="4.3.", compact=True)
                    yield Label(tr("bis"), classes="between")
                    yield FormInput(init["last_day"], id="last-day", compact=True,
                                placeholder=tr("(optional)"))
                    yield FormCheckbox(tr("ganztägig"), ev.all_day, id="all-day", compact=True)
                yield Static(id="day-hint")
                yield Static(id="err-day", classes="field-error")
                with Horizontal(classes="row", id="row-times"):
                    yield Label(tr("Zeit"))
                    yield FormInput(init["start"], id="start", placeholder="9:30", compact=True)
                    yield Label(tr("bis"), classes="between")
                    yield FormInput(init["end"], id="end", placeholder="11:00", compact=True)
                yield Static(id="err-times", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Begleitung"))
                    yield FormSelectionList(id="coaches", compact=True)
                yield Static(id="err-coaches", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Kita"))
                    yield KitaInput(
                        "", id="kita", compact=True, placeholder=tr("Name oder Landkreis tippen")
                    )
                kita_options = OptionList(id="kita-options", compact=True)
                kita_options.can_focus = False  # picked from the Kita field with arrows
                kita_options.add_class("-hidden")
                yield kita_options
                yield Static(id="err-kita", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Ort"))
                    yield FormInput(ev.location, id="location", compact=True)
                with Horizontal(classes="row"):
                    yield Label(tr("Wiederholung"))
                    yield Select(
                        [(repeat_labels[k], k) for k in repeat_labels],
                        value=init["repeat"], allow_blank=False, id="repeat", compact=True,
                    )
                    yield Label(tr("alle"), classes="between every")
                    yield FormInput(init["interval"], id="interval", compact=True,
                                classes="every", restrict=r"\d*")
                    yield Label(self._unit(init["repeat"], init["interval"]), id="unit",
                                classes="between every")
                with Horizontal(classes="row", id="row-until"):
                    yield Label(tr("Serie endet"))
                    yield FormInput(init["until"], id="until", compact=True,
                                placeholder=tr("(nie)"), tooltip=tr("Datum oder Anzahl, leer: nie"))
                with Horizontal(classes="row", id="row-rule"):
                    yield Label(tr("Regel"))
                    yield FormInput(init["rule"], id="rule", compact=True,
                                placeholder="FREQ=WEEKLY;BYDAY=MO")
                yield Static(id="repeat-desc")
                yield Static(id="err-repeat", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Status"))
                    yield Select(statuses, value=ev.status, allow_blank=False, id="status",
                                 compact=True)
                yield Static(id="err-status", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label(tr("Notizen"))
                    yield TextArea(ev.notes, id="notes", compact=True, soft_wrap=True)
                yield Static(id="err-other", classes="field-error")
            with Vertical(id="form-findings"):
                yield Static(tr("Befunde: werden geprüft ..."), id="findings-title")
                yield FindingsList(id="findings", compact=True)
                with Horizontal(id="ack-row"):
                    yield FormInput(id="ack-reason", compact=True,
                                placeholder=tr("Grund für die Quittung (optional)"))
                    yield Button(tr("Quittieren (F2)"), id="ack", compact=True)
            yield Static("", id="form-status", markup=False)  # a row of its own: never cut
            with Horizontal(id="form-buttons"):
                yield Button(tr("Speichern (Strg+S)"), id="save", variant="primary",
                             compact=True, disabled=True)
                yield Button(tr("Abbrechen (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self._bind_fields()
        self._set_visibility()
        self.query_one("#title", Input).focus()
        self.run_worker(
            self._load, thread=True, group=LOAD_GROUP, exit_on_error=False,
            name="thekiz-form-load",
        )

    # -- loading -----------------------------------------------------------------------

    class Loaded(Message, bubble=False):
        """The coaches and Kitas she may choose from are read."""

        def __init__(self, coaches: list[Coach], kitas: list[Kita]) -> None:
            super().__init__()
            self.coaches, self.kitas = coaches, kitas

    class LoadFailed(Message, bubble=False):
        """The coaches and Kitas could not be read."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def _load(self) -> None:
        """Runs in a thread: the coaches and Kitas she may choose from."""
        try:
            coaches = self._rights.coaches(self._store.coaches(), self._base, new=self._new)
            kitas = self._store.kitas()
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.LoadFailed(str(error)))
        else:
            self.post_message(self.Loaded(coaches, kitas))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.ready_for_keys = True
        self._set_findings_title(
            tr("Die Daten ließen sich nicht lesen: {error}", error=message.error), True
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        coaches, kitas = message.coaches, message.kitas
        self._coaches = coaches
        self._coach_ids = frozenset(c.id for c in coaches)
        self._kitas = KitaIndex(kitas)
        chosen = self._base.coaches
        selections: list[Selection[str]] = []
        for coach in coaches:
            label = coach.name
            if coach.role != "coach":
                label += f" ({tr(ROLE_LABELS.get(coach.role, coach.role))})"
            selections.append(Selection(label, coach.id, coach.id in chosen))
        for coach_id in chosen:
            if coach_id not in self._coach_ids:  # kept, so that the problem shows
                selections.append(Selection(coach_id, coach_id, True))
        coach_list = self._coach_list
        coach_list.add_options(selections)
        if selections:
            coach_list.highlighted = 0
        if self._base.kita is not None:
            kita = next((k for k in kitas if k.id == self._base.kita), None)
            text = self._kitas.label(kita) if kita is not None else self._base.kita
            self._inputs["kita"].value = text
        self._ready = True
        self._opened = self._draft()  # what Escape compares with before it discards
        self.ready_for_keys = True
        self._refresh()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is self._check_worker and worker.is_finished:
            # once the changed widgets' updates have reached the screen, so that the
            # frame the release paints holds the findings too (its message came first)
            asyncio.get_running_loop().call_soon(self._release_when_settled, monotonic())

    # -- reading the fields ------------------------------------------------------------

    def _bind_fields(self) -> None:
        """Keep the field widgets at hand, and follow their values.

        Watching the values (rather than the bubbling ``Changed`` messages) runs the
        refresh in the same turn as the keystroke: the check starts before the echo is
        painted, so that the echo and the findings usually reach the screen together."""
        q = self.query_one
        self._inputs = {
            name: q(f"#{name}", Input)
            for name in ("title", "day", "last-day", "start", "end", "kita", "location",
                         "interval", "until", "rule")
        }
        self._selects = {name: q(f"#{name}", Select) for name in ("kind", "subtype",
                                                                   "status", "repeat")}
        self._all_day = q("#all-day", Checkbox)
        self._coach_list = q("#coaches", SelectionList)
        self._notes = q("#notes", TextArea)
        self._save = q("#save", Button)
        self._kita_options = q("#kita-options", OptionList)
        self._findings_list = q("#findings", OptionList)
        start, end = self._inputs["start"], self._inputs["end"]
        self._duration = duration_of(start.value, end.value)
        self._moving_end = False
        # before the refresh of each value: the check sees the moved end at once
        self.watch(start, "value", self._start_moved, init=False)
        self.watch(end, "value", self._end_typed, init=False)
        # "alle 1 Woche", "alle 2 Wochen"
        self.watch(self._inputs["interval"], "value", self._set_visibility, init=False)
        for widget in self._inputs.values():
            self.watch(widget, "value", self._value_changed, init=False)
        for select in self._selects.values():
            self.watch(select, "value", self._choice_changed, init=False)
        self.watch(self._all_day, "value", self._choice_changed, init=False)

    def _draft(self) -> Draft:
        inputs, selects = self._inputs, self._selects
        subtype = selects["subtype"].value
        return Draft(
            kind=str(selects["kind"].value),
            title=inputs["title"].value,
            day=inputs["day"].value,
            start=inputs["start"].value,
            end=inputs["end"].value,
            all_day=self._all_day.value,
            last_day=inputs["last-day"].value,
            subtype=None if subtype is Select.NULL else str(subtype),
            coaches=tuple(self._coach_list.selected),
            kita=inputs["kita"].value,
            location=inputs["location"].value,
            notes=self._notes.text,
            status=str(selects["status"].value),
            repeat=str(selects["repeat"].value),
            interval=inputs["interval"].value,
            until=inputs["until"].value,
            rule=inputs["rule"].value,
        )

    def _value_changed(self) -> None:
        if self._ready and not self._moving_end:
            self._refresh()

    def _start_moved(self, start: str) -> None:
        """A new start keeps the duration, as in any calendar: the end moves along."""
        if not self._ready or self._duration is None:
            return
        end = end_after(start, self._duration)
        if end is not None and end != self._inputs["end"].value:
            self._moving_end = True
            try:
                self._inputs["end"].value = end
            finally:
                self._moving_end = False

    def _end_typed(self, end: str) -> None:
        """An end she types sets the duration that a later start keeps."""
        if not self._moving_end:
            self._duration = duration_of(self._inputs["start"].value, end) or self._duration

    def _choice_changed(self) -> None:
        self._set_visibility()
        if self._ready:
            self._refresh()

    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    def _list_changed(self, event: Message) -> None:
        if self._ready:
            self._refresh()

    def _set_visibility(self) -> None:
        kind = self._selects["kind"].value
        all_day = self._all_day.value
        repeat = self._selects["repeat"].value
        self._show("#row-subtype", kind == "fortbildung")
        self._show("#row-times", not all_day)
        self._show(".every", repeat in INTERVAL_CHOICES)
        if repeat in INTERVAL_CHOICES:
            unit = self._unit(str(repeat), self._inputs["interval"].value)
            label = self.query_one("#unit", Label)
            if str(label.content) != unit:
                label.update(unit)
        self._show("#row-until", repeat not in ("none", "custom"))
        self._show("#row-rule", repeat == "custom")

    @staticmethod
    def _unit(choice: str, interval: str) -> str:
        """"Wochen" after "alle 2", "Woche" after "alle 1"."""
        one, many = UNITS.get(lang(), UNITS["de"]).get(choice, ("", ""))
        return one if interval.strip() in ("", "1") else many

    def _show(self, selector: str, visible: bool) -> None:
        if self._visible.get(selector) == visible:
            return
        self._visible[selector] = visible
        for widget in self.query(selector):
            widget.set_class(not visible, "-hidden")

    # -- one change --------------------------------------------------------------------

    def _refresh(self) -> None:
        built = build_event(
            self._draft(), self._base, today=self._today, coaches=self._coach_ids,
            kitas=self._kitas, month=self._month,
        )
        self._built = built
        self._show_problems(built.problems)
        self._update_kita_options()
        self._update_repeat_text(built)
        self._update_day_hint(built)
        if self._save.disabled == built.ok:
            self._save.disabled = not built.ok
        if built.ok:
            status, ok = tr("Bereit zum Speichern."), True
        elif built.problems:
            status = tr("Nicht speicherbar: {problem}", problem=built.problems[0].text())
            ok = False
        else:
            status, ok = "", False
        if status != self._status_text:
            widget = self.query_one("#form-status", Static)
            # wrapped to as many lines as it needs: a layout only when that number changes
            width = widget.content_size.width
            lines = [len(Content(text).wrap(width)) if width > 0 else 0
                     for text in (status, self._status_text)]
            self._status_text = status
            widget.update(status, layout=width <= 0 or lines[0] != lines[1])
            widget.set_class(ok, "-ok")
        candidate = built.checkable
        if candidate is not None and candidate != self._checked:
            self._start_check(candidate)
        elif candidate is None and self._checked is not None:
            # no findings of an earlier state beside values that are not complete
            self._checked = None
            self._check_generation += 1  # a check still running is not shown
            self._findings = []
            self._render_findings()
            self._set_findings_title(tr(NOT_CHECKABLE), False)

    def _show_problems(self, problems: tuple[Problem, ...]) -> None:
        first: dict[str, str] = {}
        for problem in problems:
            first.setdefault(problem.field, problem.text())
        marked = frozenset(_WIDGET_OF_FIELD[f] for f in first if f in _WIDGET_OF_FIELD)
        if marked != self._marked:
            for selector in marked ^ self._marked:
                self.query_one(selector).set_class(selector in marked, "-problem")
            self._marked = marked
        for box, fields in _ERROR_FIELDS.items():
            text = "\n".join(first[f] for f in fields if f in first)
            old = self._errors.get(box, "")
            if old != text:
                self._errors[box] = text
                _set_note(self.query_one(f"#err-{box}", Static), old, text)

    def _update_day_hint(self, built: Built) -> None:
        """The day she typed as it will be saved, with weekday and year, whenever she
        typed it short ("20.1.", "morgen"): a day without a year is never a surprise."""
        event = built.event
        typed = self._inputs["day"].value.strip()
        if event is None and typed:
            return  # half typed ("2", "24.0"): the last day stays, no layout per keystroke
        first = None if event is None else event.start[:10]
        if (typed, first) == self._day_hint_for:
            return  # another field changed: the hint stays as it is
        self._day_hint_for = (typed, first)
        text = ""
        if first is not None:
            day = date.fromisoformat(first)
            if typed and typed != fmt_date(day):
                text = tr("= {day}", day=weekday_date(day))
        if text != self._day_hint:
            _set_note(self.query_one("#day-hint", Static), self._day_hint, text)
            self._day_hint = text

    def _update_repeat_text(self, built: Built) -> None:
        event = built.event
        if event is None or event.rrule is None:
            text = ""
        else:
            first = date.fromisoformat(event.start[:10])
            text = describe(event.rrule, first, all_day=event.all_day, lang=lang())
        if text != self._repeat_text:
            _set_note(self.query_one("#repeat-desc", Static), self._repeat_text, text)
            self._repeat_text = text

    # -- the Kita field ----------------------------------------------------------------

    def _update_kita_options(self) -> None:
        text = self._inputs["kita"].value
        kita, _ = self._kitas.resolve(text)
        options = self._kita_options
        if kita is not None or not text.strip():
            matches: list[Kita] = []
        else:
            matches = self._kitas.matches(text, KITA_SUGGESTIONS)
        shown = tuple(k.id for k in matches)
        if shown == self._kita_shown:
            return
        self._kita_shown = shown
        options.set_options(
            Option(Content.from_markup(
                "$name [$foreground-muted]($district)[/]", name=k.name, district=k.district
            ), id=k.id)
            for k in matches
        )
        if matches:
            options.highlighted = 0
        options.set_class(not matches, "-hidden")

    @on(KitaInput.Move)
    def _kita_move(self, event: KitaInput.Move) -> None:
        options = self._kita_options
        if options.option_count == 0:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(options.option_count - 1, current + event.delta))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter: picks the highlighted Kita in the Kita field, acknowledges in the
        reason field, and goes to the next field elsewhere."""
        event.stop()
        field = event.input.id
        if field == "ack-reason":
            self.action_ack()
            return
        options = self._kita_options
        if field == "kita" and options.option_count and options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if option.id is not None:
                self._pick_kita(option.id)
                return
        self.focus_next()

    @on(OptionList.OptionSelected, "#kita-options")
    def _kita_clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._pick_kita(event.option.id)
            self.query_one("#kita", Input).focus()

    def _pick_kita(self, kita_id: str) -> None:
        kita = next((k for k in self._kitas.kitas if k.id == kita_id), None)
        if kita is None:
            return
        field = self.query_one("#kita", Input)
        field.value = self._kitas.label(kita)
        field.cursor_position = len(field.value)

    # -- live findings -----------------------------------------------------------------

    def _start_check(self, candidate: Event) -> None:
        self._checked = candidate
        self._check_generation += 1
        self._hold_paint()
        self._check_worker = self.run_worker(
            partial(self._check, self._check_generation, candidate),
            thread=True, exclusive=True, group=CHECK_GROUP, exit_on_error=False,
            name="thekiz-form-check",
        )

    def _hold_paint(self) -> None:
        """Hold the screen updates until the findings of this keystroke arrive (a few
        milliseconds), so that the echo of the key and its findings are painted in one
        frame: otherwise the echo's frame delays the findings by one or two frames of
        Textual's 60 Hz update timer. Released by the result, or after HOLD_MAX."""
        if self._held is not None:
            return
        held = self.app.batch_update()
        held.__enter__()
        self._held = held
        self._hold_timer = self.set_timer(HOLD_MAX, self._release_paint, name="thekiz-form-hold")

    def _release_when_settled(self, since: float) -> None:
        """Release the held paint as soon as every message pump of the screen is idle
        (the findings' widgets have told the screen what to repaint), checked on every
        turn of the event loop, and after SETTLE_MAX regardless."""
        if self._held is None:
            return
        if pumps_idle(self.app):
            self._release_paint()
            # and paint now: the screen's update timer would paint up to a frame later
            # (Textual's own handler of its tick, a private method of the pinned version)
            if self.is_current and not batch_open(self.app):
                paint_now(self)
        elif monotonic() - since > SETTLE_MAX:
            self._release_paint()
        else:
            asyncio.get_running_loop().call_soon(self._release_when_settled, since)

    def _release_paint(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        held.__exit__(None, None, None)
        self.check_idle()  # the screen paints what changed meanwhile

    def on_unmount(self) -> None:
        self._release_paint()

    class Checked(Message, bubble=False):
        """What saving ``candidate`` (the check number ``generation``) would cause."""

        def __init__(self, generation: int, candidate: Event, findings: list[Finding]) -> None:
            super().__init__()
            self.generation, self.candidate, self.findings = generation, candidate, findings

    class CheckFailed(Message, bubble=False):
        """The check number ``generation`` failed."""

        def __init__(self, generation: int, error: str) -> None:
            super().__init__()
            self.generation, self.error = generation, error

    def _check(self, generation: int, candidate: Event) -> None:
        """Runs in a thread: what saving ``candidate`` would cause."""
        try:
            findings = self._checker.check_candidate(candidate, today=self._today)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.CheckFailed(generation, str(error)))
        else:
            self.post_message(self.Checked(generation, candidate, sorted(findings, key=sort_key)))

    @on(Checked)
    def _checked_now(self, message: Checked) -> None:
        if message.generation == self._check_generation:  # else a replaced check
            self._show_findings(message.candidate, message.findings)

    @on(CheckFailed)
    def _check_failed(self, message: CheckFailed) -> None:
        if message.generation == self._check_generation:  # else a replaced check
            self._set_findings_title(
                tr("Prüfung fehlgeschlagen: {error}", error=message.error), True
            )

    def _set_findings_title(self, text: str, bad: bool) -> None:
        if (text, bad) == self._title_shown:
            return
        self._title_shown = (text, bad)
        title = self.query_one("#findings-title", Static)
        title.update(text, layout=False)  # one line, always
        title.set_class(bad, "-bad")

    def _show_findings(self, candidate: Event, findings: list[Finding]) -> None:
        self._findings = findings
        self._findings_for = candidate
        self._render_findings()

    def _render_findings(self) -> None:
        findings = self._findings
        open_count = sum(
            1 for f in findings if not f.acknowledged and f.id not in self._acks
        )
        if not findings:
            self._set_findings_title(tr("Befunde: keine"), False)
        else:
            self._set_findings_title(
                tr("Befunde: {n}, davon {open} offen (F2 quittiert den markierten)",
                   n=len(findings), open=open_count),
                open_count > 0,
            )
        shown = tuple(
            (f.id, f.id in self._acks or f.acknowledged, f.message) for f in findings
        )
        if shown == self._shown_findings:
            return
        self._shown_findings = shown
        listing = self._findings_list
        keep = listing.highlighted_option.id if listing.highlighted_option else None
        listing.set_options(
            Option(_finding_prompt(f, self._acks.get(f.id)), id=f.id) for f in findings
        )
        if not findings:
            # the new (empty) height now, not when the list paints: that would lay out
            # the screen once more and cost a frame
            listing.virtual_size = listing.virtual_size.with_height(0)
        if findings:
            ids = [f.id for f in findings]
            listing.highlighted = ids.index(keep) if keep in ids else 0

    def action_ack(self) -> None:
        listing = self._findings_list
        option = listing.highlighted_option
        if option is None or option.id is None:
            self.notify(tr("Kein Befund markiert."), severity="warning")
            return
        finding = next((f for f in self._findings if f.id == option.id), None)
        if finding is None:
            return
        if finding.acknowledged:
            self.notify(tr("Dieser Befund ist schon quittiert."))
            return
        if finding.id in self._acks:
            del self._acks[finding.id]
        else:
            reason_field = self.query_one("#ack-reason", Input)
            from store.text import text_problem

            problem = text_problem(tr("Der Grund"), reason_field.value)
            if problem is not None:
                self.notify(problem, severity="error")
                return
            self._acks[finding.id] = reason_field.value.strip()
            reason_field.value = ""
        self._shown_findings = None
        self._render_findings()

    @on(OptionList.OptionSelected, "#findings")
    def _finding_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_ack()

    # -- save and cancel ---------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#ack")
    def _ack_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_ack()

    def action_save(self) -> None:
        if not self._ready:
            self.notify(tr("Einen Moment: die Daten werden noch gelesen."), severity="warning")
            return
        self._refresh()
        built = self._built
        if built is None or built.event is None or built.problems:
            problem = built.problems[0] if built is not None and built.problems else None
            if problem is not None:
                self.notify(problem.text(), title=tr("Nicht gespeichert"),
                            severity="error")
                selector = _WIDGET_OF_FIELD.get(problem.field)
                if selector is not None:
                    self.query_one(selector).focus()
            return
        acks = self._acks
        if self._findings_for == built.checkable:
            current = {f.id for f in self._findings}
            acks = {k: v for k, v in acks.items() if k in current}
        self.dismiss(FormResult(built.event, tuple(acks.items())))

    def action_cancel(self) -> None:
        """Escape: nothing typed is lost without her word. A changed form asks first."""
        if not self._ready or self._opened is None or self._draft() == self._opened:
            self.dismiss(None)
            return
        from .common import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(tr("Die Änderungen verwerfen?"), yes=tr("Verwerfen"),
                                           no=tr("Weiter bearbeiten")), answered)
