"""The month view: six weeks of seven day cells under the month's title.

A Line-API widget: ``show()`` only swaps the snapshot and the selection and repaints;
each day cell's lines are cached by what they depend on (day, size, selected or not, the
selected event if it is in the cell), so that moving the selection renders two cells.
Clicks are mapped back to a day or an event by the same geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import tr
from ..planning.month_snapshot import MonthSnapshot
from ..planning.occurrences import Occurrence
from ..planning.timeutil import fmt_time, from_epoch
from . import calendar_view as cv
from . import style as vs

ROWS = 6
WIDE_KW = 90  # from this width the week column reads "KW 48", below it "KW" over "48"


@dataclass(frozen=True, slots=True)
class _Layout:
    width: int
    height: int
    kw_width: int
    col_x: tuple[int, ...]  # first content column of each day column (after its rule)
    col_w: tuple[int, ...]
    row_y: tuple[int, ...]  # first line of each week row
    row_h: tuple[int, ...]

    @property
    def grid_y(self) -> int:
        return 2

    def column_at(self, x: int) -> int | None:
        for c, (cx, cw) in enumerate(zip(self.col_x, self.col_w, strict=True)):
            if cx - 1 <= x < cx + cw:  # the rule left of a cell belongs to it
                return c
        return None

    def row_at(self, y: int) -> tuple[int, int] | None:
        for r, (ry, rh) in enumerate(zip(self.row_y, self.row_h, strict=True)):
            if ry <= y < ry + rh:
                return r, y - ry
        return None


def _layout(size: Size) -> _Layout:
    width, height = size.width, size.height
    kw_width = 5 if width >= WIDE_KW else 2
    free = max(width - kw_width - 7, 7)  # seven rules, one left of each cell
    base, extra = divmod(free, 7)
    col_x: list[int] = []
    col_w: list[int] = []
    x = kw_width
    for c in range(7):
        w = base + (1 if c < extra else 0)
        col_x.append(x + 1)
        col_w.append(w)
        x += 1 + w
    rows = max(height - 2, ROWS)
    base_h, extra_h = divmod(rows, ROWS)
    row_y: list[int] = []
    row_h: list[int] = []
    y = 2
    for r in range(ROWS):
        h = base_h + (1 if r < extra_h else 0)
        row_y.append(y)
        row_h.append(h)
        y += h
    return _Layout(width, height, kw_width, tuple(col_x), tuple(col_w), tuple(row_y),
                   tuple(row_h))


class MonthView(Widget, can_focus=True):
    """The month grid of a :class:`MonthSnapshot`; posts ``DayClicked`` and ``EventClicked``."""

    ALLOW_SELECT = False

    # Styled in widgets/widgets.tcss, which the App lists in its CSS_PATH.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "month--title", "month--header", "month--header-weekend", "month--kw", "month--rule",
        "month--day", "month--weekend", "month--outside", "month--today", "month--selected",
        "month--selected-day", "month--holiday", "month--more", "month--mark-error",
        "month--mark-warning", "month--mark-info",
    }

    class DayClicked(cv.DayClicked):
        """A day cell was clicked."""

    class EventClicked(cv.EventClicked):
        """An event in a day cell was clicked (``double``: the second click)."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.snapshot: MonthSnapshot | None = None
        self.day: date | None = None
        self.selected: str | None = None
        self._kinds = vs.KindStyles(self)
        self._geom: _Layout | None = None
        self._cells: dict[tuple[object, ...], list[Strip]] = {}
        # which occurrences each cell shows, per line (for clicks)
        self._shown: dict[date, list[Occurrence | None]] = {}
        self._lines: dict[int, Strip] = {}
        self._row_lines: dict[tuple[int, ...], Strip] = {}
        self._base_style: Style | None = None
        self._signature: tuple[object, ...] | None = None  # what the cached cells assume

    # -- the contract ------------------------------------------------------------------

    def show(self, snapshot: MonthSnapshot, day: date, selected: str | None) -> None:
        """Render ``snapshot`` with ``day`` and the event ``selected`` (a key) selected."""
        if snapshot is not self.snapshot:
            self._cells.clear()
            self._shown.clear()
            self._row_lines.clear()
        self.snapshot, self.day, self.selected = snapshot, day, selected
        self._lines.clear()
        self.refresh()

    # -- geometry and styles -----------------------------------------------------------

    def _get_layout(self) -> _Layout:
        size = self.size
        layout = self._geom
        if layout is None or layout.width != size.width or layout.height != size.height:
            layout = self._geom = _layout(size)
            self._cells.clear()
            self._shown.clear()
            self._row_lines.clear()
            self._lines.clear()
        return layout

    def notify_style_update(self) -> None:
        super().notify_style_update()
        signature = (self.app.theme, self.rich_style)
        self._lines.clear()
        self._row_lines.clear()
        if signature == self._signature:
            # Focus or display changed (switching views does both): of the cells only the
            # selected day's looks different (``:blur``); the rest stay, so that the month
            # shows again without drawing 42 cells anew.
            self._cells = {k: v for k, v in self._cells.items() if not k[3]}
            return
        self._signature = signature
        self._kinds.reset()
        self._cells.clear()
        self._base_style = None

    _FULL: ClassVar[frozenset[str]] = frozenset({
        "weekend", "selected", "selected-day", "mark-error", "mark-warning", "header-weekend",
    })

    def _style(self, name: str) -> Style:
        """A component's style: whole for the ones that paint a background, else only
        what the component sets (so that it keeps the cell's background)."""
        return self.get_component_rich_style(f"month--{name}",
                                             partial=name not in self._FULL)

    # -- rendering ---------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # A new size (e.g. when the side panel hides) lays the grid out anew and drops the
        # lines of the old one. Textual repaints a widget whose size changed by itself, so
        # a Resize needs no refresh: one that arrives after the new size is painted (as
        # when the month shows again after another view) would paint it a second time.
        self._get_layout()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        strip = self._lines.get(y)
        if strip is None:
            strip = self._lines[y] = self._render_line(y)
        return strip

    def _base(self) -> Style:
        """The widget's own style (``rich_style`` walks the DOM on every call)."""
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        return base

    def _render_line(self, y: int) -> Strip:
        layout = self._get_layout()
        base = self._base()
        snapshot = self.snapshot
        if snapshot is None or y >= layout.height:
            return Strip.blank(layout.width, base)
        if y == 0:
            title = vs.month_title(snapshot.year, snapshot.month)
            return Strip([Segment(title.center(layout.width)[: layout.width],
                                  base + self._style("title"))], layout.width)
        rule = Strip([Segment("│", base + self._style("rule"))], 1)
        if y == 1:
            strips = [Strip.blank(layout.kw_width, base)]
            for c in range(7):
                name = vs.weekday_short(c)
                header = self._style("header-weekend" if c >= 5 else "header")
                strips += [rule, Strip([Segment(vs.fit(" " + name, layout.col_w[c]),
                                                base + header)], layout.col_w[c])]
            return Strip.join(strips)
        found = layout.row_at(y)
        if found is None:
            return Strip.blank(layout.width, base)
        row, line = found
        monday = snapshot.start + timedelta(days=7 * row)
        cells = [self._cell(monday + timedelta(days=c), layout.col_w[c], layout.row_h[row])
                 for c in range(7)]
        # a line whose seven cells are unchanged is the same strip as before
        key = (y, *(id(cell) for cell in cells))
        strip = self._row_lines.get(key)
        if strip is None:
            kw = Strip([Segment(self._kw_text(monday, line, layout.kw_width),
                                base + self._style("kw"))], layout.kw_width)
            strips = [kw]
            for cell in cells:
                strips += [rule, cell[line]]
            strip = self._row_lines[key] = Strip.join(strips)
        return strip

    @staticmethod
    def _kw_text(monday: date, line: int, width: int) -> str:
        week = monday.isocalendar().week
        label = tr("KW")  # (two letters in every language: the narrow column holds two)
        if width >= 5:
            return f"{label} {week:2d}"[:width].ljust(width) if line == 0 else " " * width
        if line == 0:
            return label[:width].ljust(width)
        if line == 1:
            return f"{week:2d}"[:width].ljust(width)
        return " " * width

    def _cell(self, day: date, width: int, height: int) -> list[Strip]:
        snapshot = self.snapshot
        assert snapshot is not None
        occs = snapshot.on(day)
        selected_day = day == self.day
        selected = self.selected
        selected_key = selected if selected is not None and any(
            o.key == selected for o in occs) else None
        key = (day, width, height, selected_day, selected_key)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._render_cell(snapshot, day, width, height,
                                                        selected_day, selected_key)
        return cell

    def _render_cell(self, snapshot: MonthSnapshot, day: date, width: int, height: int,
                     selected_day: bool, selected_key: str | None) -> list[Strip]:
        base = self._base()
        outside = day.month != snapshot.month
        if selected_day:
            base = base + self._style("selected")
        elif day.weekday() >= 5:
            base = base + self._style("weekend")
        dim = self._style("outside") if outside else Style()
        occs = snapshot.on(day)
        lines: list[Strip] = []
        shown: list[Occurrence | None] = [None]

        # line 0: day number, holiday, findings mark
        mark = vs.finding_mark(snapshot.open_findings(day))
        mark_w = 2 if mark is not None and width >= 4 else 0
        number = f"{day.day:2d}"
        number_style = base + self._style("day") + dim
        if day == snapshot.today:
            number_style = base + dim + self._style("today")
        head_style = base + dim
        if selected_day:
            head_style = base + self._style("selected-day")
            number_style = head_style + (self._style("today") if day == snapshot.today
                                         else Style())
        segments = [Segment(" ", head_style), Segment(number, number_style)]
        used = 3
        holiday = snapshot.holidays.get(day)
        rest = width - used - mark_w
        # The holiday's name: on the day's line when it fits there (or the cell has no
        # room for a line of its own), else on the next line across the whole cell.
        own_line = bool(holiday) and height >= 3 and len(vs.clean(holiday or "")) > rest - 1
        if holiday and not own_line and rest > 1:
            text = " " + vs.shorten_holiday(holiday, rest - 1)
            segments.append(Segment(text, head_style + self._style("holiday")))
            used += len(text)
        if used < width - mark_w:
            segments.append(Segment(" " * (width - mark_w - used), head_style))
        if mark_w:
            segments.append(Segment(" ", head_style))
            segments.append(Segment(mark.text if mark else " ",
                                    base + self._style(f"mark-{mark.component}") if mark
                                    else head_style))
        head = Strip(segments).adjust_cell_length(width, head_style)
        if height == 1:
            self._shown[day] = shown
            if occs and width >= 6 and not mark_w:
                extra = f"+{len(occs)}"
                head = head.crop(0, width - len(extra)) + Strip(
                    [Segment(extra, base + self._style("more"))], len(extra))
            return [head.adjust_cell_length(width, head_style)]
        lines.append(head)
        if holiday and own_line:
            text = vs.fit(vs.shorten_holiday(holiday, width), width)
            lines.append(Strip([Segment(text, base + dim + self._style("holiday"))], width))
            shown.append(None)

        # event lines
        room = height - len(lines)
        if len(occs) > room:
            visible = list(occs[: room - 1])
            more = len(occs) - len(visible)
        else:
            visible, more = list(occs), 0
        for occ in visible:
            lines.append(self._event_line(snapshot, occ, day, width, base, dim,
                                          occ.key == selected_key))
            shown.append(occ)
        if more:
            text = tr("+{n} weitere", n=more)
            if len(text) > width:
                text = f"+{more}"
            lines.append(Strip([Segment(vs.fit(text, width), base + self._style("more") + dim)],
                               width))
            shown.append(None)
        while len(lines) < height:
            lines.append(Strip.blank(width, base))
            shown.append(None)
        self._shown[day] = shown
        return lines

    def _event_line(self, snapshot: MonthSnapshot, occ: Occurrence, day: date, width: int,
                    base: Style, dim: Style, selected: bool) -> Strip:
        event = occ.event
        timed = not event.all_day and snapshot.local_day(occ.start_ts) == day
        title = vs.short_title(occ, snapshot)
        text = f"{fmt_time(_local(snapshot, occ.start_ts))} {title}" if timed else title
        kind_style = self._kinds.style(event.kind, cancelled=event.status == "abgesagt",
                                       selected=selected)
        return Strip([Segment(vs.fit(text, width), base + kind_style + dim)], width)

    # -- mouse -------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        snapshot = self.snapshot
        offset = event.get_content_offset(self)
        if snapshot is None or offset is None:
            return
        layout = self._get_layout()
        column = layout.column_at(offset.x)
        found = layout.row_at(offset.y)
        if column is None or found is None:
            return
        event.stop()
        row, line = found
        day = snapshot.start + timedelta(days=7 * row + column)
        self._cell(day, layout.col_w[column], layout.row_h[row])
        shown = self._shown.get(day, [])
        occ = shown[line] if line < len(shown) else None
        if occ is not None:
            self.post_message(self.EventClicked(self, occ.key, day, event.chain >= 2))
        else:
            self.post_message(self.DayClicked(self, day))

    # -- for the planner and tests -----------------------------------------------------

    def region_of(self, day: date) -> tuple[int, int, int, int] | None:
        """The cell of ``day`` as (x, y, width, height) in the widget, or None."""
        snapshot = self.snapshot
        if snapshot is None or not snapshot.start <= day < snapshot.end:
            return None
        layout = self._get_layout()
        index = (day - snapshot.start).days
        row, column = divmod(index, 7)
        return layout.col_x[column], layout.row_y[row], layout.col_w[column], layout.row_h[row]

    def line_of(self, key: str, day: date) -> int | None:
        """The line (within the day's cell) that shows the event ``key``, if visible."""
        for line, occ in enumerate(self._shown.get(day, [])):
            if occ is not None and occ.key == key:
                return line
        return None


def _local(snapshot: MonthSnapshot, ts: int) -> datetime:
    return from_epoch(ts, snapshot.tz)
