"""The day pane: the selected day in full beside the month grid, whose cells cut titles
to a few letters ("09:30 Re").

Under a heading with weekday and date (``Mittwoch, 20.01.2027``), its holiday and the
findings that name no event, each event of the day: its time (``09:30-11:00`` or
``ganztägig``) and kind, the whole title, the Kita, the coaches (unless they are only the
coach whose plan shows), the place, and its findings as the snapshot holds them.

It is the agenda of one day, laid out for a narrow column: an :class:`AgendaView`, whose
rules it keeps (an event's time on a day, which findings are an occurrence's, their
lines, the selection's colours, scrolling, clicks); only the day's rows are its own.
``show()`` builds them (string work for a handful of events) and repaints the pane; its
height for scrolling changes only when the day is longer than the pane, so that moving
the selection day by day lays nothing out anew. The month grid keeps the focus while the
selection moves and the pane follows; focused itself (Tab, a click), up and down choose
the day's events, and Enter reaches the planner's own key for opening the selected one.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.widget import Widget

from ..i18n import lang, tr
from ..planning.labels import STATUS_LABELS
from ..planning.month_snapshot import MonthSnapshot
from ..planning.occurrences import Occurrence
from ..planning.recurrence import WEEKDAY_NAMES
from ..planning.timeutil import fmt_date
from . import style as vs
from .agenda import INDENT, AgendaView, Row, Span, wrap


def day_heading(day: date) -> str:
    """``Mittwoch, 20.01.2027`` (``Wednesday, 20.01.2027`` in English)."""
    return f"{WEEKDAY_NAMES[lang()][day.weekday()]}, {fmt_date(day)}"


class DayPane(AgendaView, inherit_bindings=False):
    """The selected day of a :class:`MonthSnapshot` in full. Posts the agenda's
    ``DayClicked`` and ``EventClicked`` (as its own subclasses), which the planner
    handles once for every view; also for up and down. Looks as the agenda (its
    component classes), laid out in widgets/day_pane.tcss."""

    # Only these: the planner's keys (left and right for the day, Enter to open, the
    # pages for the month) reach the screen from here as from the month grid.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "step(-1)", show=False),
        Binding("down,j", "step(1)", show=False),
    ]

    class DayClicked(AgendaView.DayClicked):
        """The day's heading was clicked."""

    class EventClicked(AgendaView.EventClicked):
        """An event's lines were clicked (``double``: the second click), or chosen with
        up or down."""

    def __init__(self, *, me: str | None = None, id: str | None = None) -> None:
        """``me``: the coach whose own plan shows (``--as``); her name alone on an event
        says nothing."""
        super().__init__(id=id)
        self.me = me
        self._styles: dict[str, Style] = {}
        self._shown: tuple[int, list[object]] | None = None  # see _repaint

    def _style(self, name: str) -> Style:
        # Kept: the agenda builds its rows once a month, the pane once a day, and each
        # look-up walks the stylesheet (a few tenths of a millisecond).
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = super()._style(name)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # -- what differs from the agenda ----------------------------------------------------

    def _area(self) -> Size:
        """Before its first layout (the planner shows the pane right after making it
        visible): the width its style gives, the height of the row it stands in."""
        if self._laid_out:
            return self.size
        width = self.styles.width
        columns = (int(width.value) - self.styles.gutter.width
                   if width is not None and width.is_cells else 32)
        parent = self.parent
        return Size(columns, parent.content_size.height if isinstance(parent, Widget) else 0)

    def _days(self, snapshot: MonthSnapshot) -> list[date]:
        return [] if self.day is None else [self.day]

    def _set_length(self) -> None:
        # At least the pane's height: a day that fits changes no size (and so lays
        # nothing out); a longer one scrolls to its end and no further.
        size = Size(self._width(), max(len(self._rows), self._height()))
        if self.virtual_size != size:
            self.virtual_size = size

    def _day_rows(self, snapshot: MonthSnapshot, day: date, width: int) -> list[Row]:
        heading: list[Span] = [(" ", Style()), (day_heading(day), self._style("day"))]
        if day == snapshot.today:
            heading += [(" ", Style()), (" " + tr("heute") + " ", self._style("today"))]
        rows = [Row("day", day, None, line) for line in wrap(heading, width, INDENT)]
        holiday = snapshot.holidays.get(day)
        if holiday:
            rows += [Row("note", day, None, line) for line in wrap(
                [(" ", Style()), (vs.clean(holiday), self._style("holiday"))], width, INDENT)]
        for finding in snapshot.findings_by_day.get(day, ()):
            if not finding.events:
                rows += self._finding_rows(finding, day, None, width, 1)
        if not snapshot.complete:
            rows.append(Row("note", day, None, [(" " + tr("Befunde (werden geprüft …)"),
                                                 self._style("empty"))]))
        occurrences = snapshot.on(day)
        if not occurrences:
            rows += [Row("blank", day, None, []),
                     Row("note", day, None, [(" " + tr("Keine Termine"), self._style("empty"))])]
        for occ in occurrences:
            rows.append(Row("blank", day, None, []))
            rows += self._event_rows(snapshot, occ, day, width)
        return rows

    def _event_rows(self, snapshot: MonthSnapshot, occ: Occurrence, day: date,
                    width: int) -> list[Row]:
        """Time and kind on the first line, then each of the rest on its own."""
        event = occ.event
        cancelled = event.status == "abgesagt"
        kind_style = self._kinds.style(event.kind, cancelled=cancelled)
        detail = self._style("detail")
        head: list[Span] = [(" ", Style()), (self._time_range(snapshot, occ, day),
                                             self._style("time")),
                            (" ", Style()), (vs.kind_name(event.kind), kind_style)]
        if cancelled:
            head.append((" (" + tr(STATUS_LABELS["abgesagt"]) + ")", detail))
        parts: list[Span] = []
        title = vs.clean(event.title)
        if title and title != vs.kind_name(event.kind):  # (the first line names the kind)
            parts.append((title, self._style("title") + kind_style))
        kita = snapshot.kitas.get(event.kita) if event.kita else None
        if kita is not None:
            parts.append((vs.clean(kita.name), detail))
        if not set(event.coaches) <= {self.me, snapshot.filters.coach}:
            names = [snapshot.coaches[c].name for c in event.coaches if c in snapshot.coaches]
            if names:
                parts.append((vs.clean(", ".join(names)), detail))
        if event.location:
            parts.append((vs.clean(event.location), detail))
        lines = wrap(head, width, INDENT)
        for part in parts:
            lines += wrap([(" " * INDENT, Style()), part], width, INDENT)
        # (the agenda marks the selected event's "event" rows with ">": the first only)
        rows = [Row("event" if i == 0 else "detail", day, occ.key, line)
                for i, line in enumerate(lines)]
        for finding in self._findings_of(snapshot, occ):
            rows += self._finding_rows(finding, day, occ.key, width, INDENT)
        return rows

    def _repaint(self) -> None:
        """Only the lines whose text, looks or selection changed: between two days most
        of the pane (its blank end, a heading's place, an empty day's words) stays, and
        over SSH every line sent costs. What was asked to be painted is kept with the
        scroll position it was for; at another one every line is painted."""
        top, height = round(self.scroll_y), self.size.height
        rows = self._rows
        lines: list[object] = []
        for index in range(top, top + height):
            row = rows[index] if index < len(rows) else None
            lines.append(None if row is None else (
                row.kind, tuple(row.spans), row.key is not None and row.key == self.selected))
        shown, self._shown = self._shown, (top, lines)
        if shown is None or shown[0] != top or len(shown[1]) != height:
            self.refresh()
            return
        for y, (old, new) in enumerate(zip(shown[1], lines, strict=True)):
            if old != new:
                self.refresh_line(top + y)

    # -- keys --------------------------------------------------------------------------

    def action_step(self, step: int) -> None:
        """The day's next (or previous) event; past the last (first), a line on."""
        snapshot, day = self.snapshot, self.day
        if snapshot is None or day is None:
            return
        keys = [occ.key for occ in snapshot.on(day)]
        if self.selected in keys:
            index = keys.index(self.selected) + step
        else:
            index = 0 if step > 0 else len(keys) - 1
        if 0 <= index < len(keys):
            self.post_message(self.EventClicked(self, keys[index], day, False))
        elif step > 0:
            self.scroll_down(animate=False)
        else:
            self.scroll_up(animate=False)
