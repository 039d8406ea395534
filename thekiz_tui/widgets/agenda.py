"""The agenda: the snapshot's month day by day, each event on its line, findings inline.

Days shown: those with events, plus today and the selected day even when empty. Each day
has a header (``Mi 25.11.2026``, its holiday, its findings that name no event); under it
one line per event (time range, kind, title, Kita, coaches, location; wrapped, never
cut) and under each event its findings (severity, rule, message; ``(quittiert)`` when
acknowledged).

A Line-API ``ScrollView``: the rows are built as plain text with styles once per snapshot,
width and language (string work only), and turned into strips only when painted; the
selection is applied at paint time, so moving it builds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import tr
from ..planning.findings import Finding
from ..planning.labels import RULE_LABELS, STATUS_LABELS
from ..planning.month_snapshot import MonthSnapshot
from ..planning.occurrences import Occurrence
from ..planning.timeutil import day_start, epoch, fmt_time, from_epoch
from . import calendar_view as cv
from . import style as vs

TIME_W = 11  # "09:30-11:00"
INDENT = 2
Span = tuple[str, Style]


@dataclass(slots=True)
class Row:
    kind: str  # "day", "event", "finding", "note", "blank" (the day pane: "detail")
    day: date
    key: str | None
    spans: list[Span]


def wrap(spans: list[Span], width: int, indent: int) -> list[list[Span]]:
    """Word-wrap styled spans to ``width``; continuation lines start ``indent`` blanks in.
    Words longer than a line are cut into pieces."""
    width = max(width, indent + 4)
    lines: list[list[Span]] = [[]]
    used = 0
    blank = Style()
    for text, style in spans:
        for i, word in enumerate(text.split(" ")):
            piece = word if i == 0 else " " + word
            while piece:
                room = width - used
                if len(piece) <= room:
                    lines[-1].append((piece, style))
                    used += len(piece)
                    break
                stripped = piece.lstrip(" ")
                if used > indent and len(stripped) <= width - indent:
                    lines.append([(" " * indent, blank)])
                    used = indent
                    piece = stripped
                    continue
                lines[-1].append((piece[:room], style))
                lines.append([(" " * indent, blank)])
                used = indent
                piece = piece[room:].lstrip(" ")
    return lines


class AgendaView(ScrollView, can_focus=True):
    """The month as a list; posts ``DayClicked`` and ``EventClicked``."""

    ALLOW_SELECT = False

    # Styled in widgets/widgets.tcss, which the App lists in its CSS_PATH.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agenda--day", "agenda--today", "agenda--holiday", "agenda--time", "agenda--title",
        "agenda--detail", "agenda--empty", "agenda--error", "agenda--warning",
        "agenda--info", "agenda--acknowledged", "agenda--selected", "agenda--selected-day",
        "agenda--weekend",
    }

    class DayClicked(cv.DayClicked):
        """A day header was clicked."""

    class EventClicked(cv.EventClicked):
        """An event line (or one of its findings) was clicked."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.snapshot: MonthSnapshot | None = None
        self.day: date | None = None
        self.selected: str | None = None
        self._kinds = vs.KindStyles(self)
        self._rows: list[Row] = []
        self._built: tuple[object, ...] = ()
        self._strips: dict[tuple[int, bool], Strip] = {}
        self._base_style: Style | None = None
        self._laid_out = False  # self.size is the size it shows at (see _area)

    # -- the contract ------------------------------------------------------------------

    def show(self, snapshot: MonthSnapshot, day: date, selected: str | None) -> None:
        """Render the month of ``snapshot``; scroll to ``day`` / the event ``selected``."""
        moved = snapshot is not self.snapshot or day != self.day or selected != self.selected
        before = self._target()
        # the selection's head was at the top: it stays there when lines come or go above
        # it (a rebuilt snapshot with findings of earlier days)
        pinned = before is not None and before[0] == round(self.scroll_y)
        self.snapshot, self.day, self.selected = snapshot, day, selected
        self._build()
        if moved:
            self._scroll_to_selection(pinned=pinned)
            # and again once the new length is laid out: until then a scroll past the old
            # end is cut short
            self.call_after_refresh(self._scroll_to_selection, pinned=pinned)
        self._repaint()

    def _repaint(self) -> None:
        """After ``show``: paint the rows anew (the day pane, only those that changed)."""
        self.refresh()

    # -- building ----------------------------------------------------------------------

    def _area(self) -> Size:
        """The size the agenda shows at. The planner shows it right after making it
        visible, before Textual lays it out: until then its size is the one it had when
        last shown (or none), and the rows would be wrapped for that width in the first
        frame; the place it is about to fill, its parent's, is the right one."""
        parent = self.parent
        if not self._laid_out and isinstance(parent, Widget) and parent.size:
            return parent.content_size
        return self.size

    def _width(self) -> int:
        return max(self._area().width - 1, 20)  # one column for the scrollbar

    def _days(self, snapshot: MonthSnapshot) -> list[date]:
        first = date(snapshot.year, snapshot.month, 1)
        last = (first + timedelta(days=32)).replace(day=1)
        wanted = {d for d in snapshot.by_day if first <= d < last}
        for extra in (snapshot.today, self.day):
            # (only within the month: a today of the month before would stand above
            # the month's first day, outside the range the agenda shows)
            if extra is not None and first <= extra < last:
                wanted.add(extra)
        return sorted(wanted)

    def _build(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        days = self._days(snapshot)
        key = (id(snapshot), self._width(), tr("Fehler"), tuple(days),
               id(self.app.current_theme))
        if key == self._built:
            return
        self._built = key
        self._strips.clear()
        rows: list[Row] = []
        width = self._width()
        for day in days:
            if rows:
                rows.append(Row("blank", day, None, []))
            rows += self._day_rows(snapshot, day, width)
        self._rows = rows
        self._set_length()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"agenda--{name}", partial=True)

    def _day_rows(self, snapshot: MonthSnapshot, day: date, width: int) -> list[Row]:
        rows: list[Row] = []
        head: list[Span] = [
            (" ", Style()),
            (vs.day_header(day, with_year=True),
             self._style("weekend" if day.weekday() >= 5 else "day")),
        ]
        if day == snapshot.today:
            head += [(" ", Style()), (" " + tr("heute") + " ", self._style("today"))]
        holiday = snapshot.holidays.get(day)
        if holiday:
            head += [("  ", Style()), (vs.clean(holiday), self._style("holiday"))]
        rows += [Row("day", day, None, line) for line in wrap(head, width, INDENT)]
        for finding in snapshot.findings_by_day.get(day, ()):
            if not finding.events:
                rows += self._finding_rows(finding, day, None, width, INDENT + 1)
        occs = snapshot.on(day)
        if not occs:
            rows.append(Row("note", day, None, [
                (" " * INDENT + tr("keine Termine"), self._style("empty"))]))
        for occ in occs:
            rows += self._event_rows(snapshot, occ, day, width)
        return rows

    def _event_rows(self, snapshot: MonthSnapshot, occ: Occurrence, day: date,
                    width: int) -> list[Row]:
        event = occ.event
        cancelled = event.status == "abgesagt"
        kind_style = self._kinds.style(event.kind, cancelled=cancelled)
        detail = self._style("detail")
        spans: list[Span] = [
            (" " * INDENT, Style()),
            (vs.fit(self._time_range(snapshot, occ, day), TIME_W), self._style("time")),
            (" ", Style()),
            (vs.kind_name(event.kind), kind_style),
        ]
        title = vs.clean(event.title)
        label = vs.kind_name(event.kind)
        if title.startswith(label + ":"):
            title = title[len(label) + 1:].strip()  # the kind stands right before it
        if title and title != label:
            spans.append((" " + title, self._style("title") + kind_style))
        parts: list[str] = []
        kita = snapshot.kitas.get(event.kita) if event.kita else None
        if kita is not None:
            parts.append(vs.clean(kita.name))
        names = [snapshot.coaches[c].name for c in event.coaches if c in snapshot.coaches]
        if names:
            parts.append(vs.clean(", ".join(names)))
        if event.location:
            parts.append(vs.clean(event.location))
        if parts:
            spans.append((" - " + " | ".join(parts), detail))
        if cancelled:
            spans.append((" (" + tr(STATUS_LABELS["abgesagt"]) + ")", detail))
        indent = INDENT + TIME_W + 1
        rows = [Row("event", day, occ.key, line) for line in wrap(spans, width, indent)]
        for finding in self._findings_of(snapshot, occ):
            rows += self._finding_rows(finding, day, occ.key, width, indent)
        return rows

    def _finding_rows(self, finding: Finding, day: date, key: str | None, width: int,
                      indent: int) -> list[Row]:
        if finding.acknowledged:
            style = self._style("acknowledged")
        else:
            style = self._style(finding.severity if finding.severity in
                                ("error", "warning", "info") else "warning")
        mark = "i" if finding.severity == "info" else "!"
        rule = tr(RULE_LABELS.get(finding.rule, finding.rule))
        spans: list[Span] = [
            (" " * indent, Style()),
            (f"{mark} {vs.severity_label(finding.severity)}: {rule} - ", style + Style(
                bold=True)),
            (vs.clean(finding.message), style),
        ]
        if finding.acknowledged:
            spans.append((" (" + tr("quittiert") + ")", style))
        return [Row("finding", day, key, line) for line in wrap(spans, width, indent + 2)]

    @staticmethod
    def _time_range(snapshot: MonthSnapshot, occ: Occurrence, day: date) -> str:
        if occ.event.all_day:
            return tr("ganztägig")
        start = from_epoch(occ.start_ts, snapshot.tz)
        end = from_epoch(max(occ.end_ts - 1, occ.start_ts), snapshot.tz)
        if start.date() < day and end.date() > day:
            return tr("ganztägig")
        begin = fmt_time(start) if start.date() == day else ".."
        finish = fmt_time(from_epoch(occ.end_ts, snapshot.tz)) if end.date() == day else ".."
        return f"{begin}-{finish}"

    @staticmethod
    def _findings_of(snapshot: MonthSnapshot, occ: Occurrence) -> tuple[Finding, ...]:
        """The findings of this occurrence: all of a single event's; of a series' only
        those whose time touches this occurrence."""
        found = snapshot.findings_by_event.get(occ.event.id, ())
        if occ.recurrence_id is None or not found:
            return found
        return tuple(f for f in found
                     if _instant(f.start, snapshot.tz) <= occ.end_ts
                     and occ.start_ts <= _instant(f.end, snapshot.tz))

    # -- scrolling ---------------------------------------------------------------------

    def _target(self) -> tuple[int, int] | None:
        """Rows to keep in view: the selected event's (from its day header if it fits),
        else the selected day's."""
        rows = self._rows
        if self.selected is not None:
            hits = [i for i, r in enumerate(rows) if r.key == self.selected
                    and r.day == self.day]
            if not hits:
                hits = [i for i, r in enumerate(rows) if r.key == self.selected]
            if hits:
                day = rows[hits[0]].day
                head = next(i for i, r in enumerate(rows) if r.day == day and r.kind == "day")
                return head, hits[-1] + 1
        if self.day is not None:
            # the day's header: a day longer than the screen starts at the top, not with
            # its last lines under the end of the day before
            lines = [i for i, r in enumerate(rows) if r.day == self.day and r.kind != "blank"]
            if lines:
                return lines[0], min(lines[-1] + 1, lines[0] + 1 + self._fits())
        return None

    def _set_length(self) -> None:
        """The rows, and a screen less one line after them: so that a day near the end
        of the month can still stand at the top."""
        self.virtual_size = Size(self._width(), len(self._rows) + self._fits())

    def _fits(self) -> int:
        """Lines below a header that the screen shows with it."""
        return max(0, self._height() - 1)

    def _height(self) -> int:
        if not self._laid_out:
            return self._area().height
        return self.scrollable_content_region.height or self.size.height

    def _scroll_to_selection(self, *, pinned: bool = False) -> None:
        target = self._target()
        height = self._height()
        if target is None or height <= 0:
            return
        first, end = target
        top = round(self.scroll_y)
        if first < top or end > top + height or (pinned and first != top):
            # out of view: the day's header to the top, unless that hides the event
            top = first if end - first <= height else end - height
        if top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, force=True)

    def on_hide(self) -> None:
        self._laid_out = False

    def on_resize(self, event: events.Resize) -> None:
        self._laid_out = True
        self._build()
        self._set_length()
        self._scroll_to_selection()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kinds.reset()
        self._built = ()
        self._strips.clear()
        self._base_style = None

    # -- rendering ---------------------------------------------------------------------

    def _base(self) -> Style:
        """The widget's own style (``rich_style`` walks the DOM on every call)."""
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        return base

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        base = self._base()
        if index >= len(self._rows) or index < 0:
            return Strip.blank(width, base)
        row = self._rows[index]
        highlighted = (row.key is not None and row.key == self.selected) or (
            row.kind == "day" and row.day == self.day)
        key = (index, highlighted)
        strip = self._strips.get(key)
        if strip is None:
            if highlighted and row.kind == "day":
                # the selected day's header in the selection's colours, over its own
                selected = self.get_component_rich_style("agenda--selected-day")
                strip = Strip([Segment(text, style + selected) for text, style in row.spans])
                strip = strip.adjust_cell_length(width, selected)
            else:
                strip = Strip([Segment(text, style) for text, style in row.spans])
            if highlighted and row.kind != "day":
                strip = strip.adjust_cell_length(width)
                if row.kind == "event" and row.spans and row.spans[0][0].startswith(" "):
                    strip = Strip([Segment(">", Style(bold=True))], 1) + strip.crop(1)
                strip = strip.apply_style(self.get_component_rich_style("agenda--selected"))
            strip = strip.apply_style(base).adjust_cell_length(width, base)
            self._strips[key] = strip
        return strip

    # -- mouse -------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if self.snapshot is None or offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if not 0 <= index < len(self._rows):
            return
        event.stop()
        row = self._rows[index]
        if row.key is not None:
            self.post_message(self.EventClicked(self, row.key, row.day, event.chain >= 2))
        elif row.kind != "blank":
            self.post_message(self.DayClicked(self, row.day))

    # -- for the planner and tests -----------------------------------------------------

    def rows_of(self, key: str) -> list[int]:
        """The agenda rows (from the top of the list) that show the event ``key``."""
        return [i for i, r in enumerate(self._rows) if r.key == key]

    def row_of_day(self, day: date) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.day == day and r.kind == "day"),
                    None)

    def text_lines(self) -> list[str]:
        """The whole agenda as plain text, one string per row."""
        return ["".join(text for text, _ in row.spans) for row in self._rows]


def _instant(text: str, tz: str) -> int:
    if len(text) == 10:
        return epoch(day_start(date.fromisoformat(text), tz))
    return int(datetime.fromisoformat(text).timestamp())
