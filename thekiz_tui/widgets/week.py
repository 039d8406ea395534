"""The week view: the seven days of the selected day's week as columns.

From the top: the day headers (``Mo 24.11.`` and the findings mark), the all-day rows
(holiday names and all-day events), a rule, and the time grid. The grid shows
07:00-20:00 when it opens and scrolls (mouse wheel, ``scroll_hours``) to the whole day;
it follows the selected event. Events are blocks as tall as their duration (at least one
row); overlapping events stand side by side in lanes of their day's column.

A Line-API widget like the month: each day column's grid rows are rendered once per
(day, width, scale, selection) and cached; clicks are mapped back through the same
geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from ..planning.month_snapshot import MonthSnapshot
from ..planning.occurrences import Occurrence
from ..planning.timeutil import fmt_time, from_epoch
from . import calendar_view as cv
from . import style as vs

MIN_LANE = 5  # cells: "09:30" or a short word

LABEL_W = 5  # "07:00"
FIRST_HOUR = 7
LAST_HOUR = 20
DAY_MIN = 24 * 60


@dataclass(slots=True)
class _Block:
    occ: Occurrence
    start_min: int
    end_min: int
    row0: int = 0
    row1: int = 0  # exclusive
    lane: int = 0
    lanes: int = 1


@dataclass(slots=True)
class _Column:
    """One day's rendered grid rows and what each row shows where (for clicks)."""

    rows: list[Strip]
    hits: list[list[tuple[int, int, str]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Layout:
    width: int
    height: int
    col_x: tuple[int, ...]
    col_w: tuple[int, ...]
    allday_rows: int
    grid_y: int  # first line of the grid
    grid_rows: int
    per_hour: int  # grid rows per hour

    @property
    def total_rows(self) -> int:
        return 24 * self.per_hour

    def column_at(self, x: int) -> int | None:
        for c, (cx, cw) in enumerate(zip(self.col_x, self.col_w, strict=True)):
            if cx - 1 <= x < cx + cw:
                return c
        return None


def _minute_of(ts: int, day: date, tz: str) -> int:
    """Wall-clock minute of ``ts`` on ``day``, clipped to [0, 1440]."""
    moment = from_epoch(ts, tz)
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return DAY_MIN
    return moment.hour * 60 + moment.minute


def _timed_blocks(snapshot: MonthSnapshot, day: date) -> tuple[list[_Block], list[Occurrence]]:
    """The day's timed blocks (clipped to the day) and its all-day items."""
    blocks: list[_Block] = []
    allday: list[Occurrence] = []
    for occ in snapshot.on(day):
        if occ.event.all_day:
            allday.append(occ)
            continue
        start = _minute_of(occ.start_ts, day, snapshot.tz)
        end = _minute_of(occ.end_ts, day, snapshot.tz)
        if start == 0 and end >= DAY_MIN:
            allday.append(occ)  # covers the whole day: reads better up there
            continue
        blocks.append(_Block(occ, start, max(end, start)))
    return blocks, allday


def place(blocks: list[_Block], per_hour: int) -> None:
    """Rows and lanes: a block spans the rows its minutes touch (at least one);
    blocks sharing a row go side by side, each cluster of them split evenly."""
    minutes = 60 // per_hour
    for b in blocks:
        b.row0 = min(b.start_min // minutes, 24 * per_hour - 1)
        b.row1 = max(b.row0 + 1, -(-b.end_min // minutes))
    blocks.sort(key=lambda b: (b.row0, -b.row1, b.occ.start_ts, b.occ.key))
    cluster: list[_Block] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close() -> None:
        for member in cluster:
            member.lanes = len(lane_ends)

    for b in blocks:
        if cluster and b.row0 >= cluster_end:
            close()
            cluster, lane_ends = [], []
        for lane, end in enumerate(lane_ends):
            if end <= b.row0:
                b.lane = lane
                lane_ends[lane] = b.row1
                break
        else:
            b.lane = len(lane_ends)
            lane_ends.append(b.row1)
        cluster.append(b)
        cluster_end = max(cluster_end, b.row1)
    if cluster:
        close()


class WeekView(Widget, can_focus=True):
    """The week of the selected day; posts ``DayClicked`` and ``EventClicked``."""

    ALLOW_SELECT = False

    # Styled in widgets/widgets.tcss, which the App lists in its CSS_PATH.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "week--header", "week--rule", "week--label", "week--weekend", "week--today",
        "week--selected", "week--selected-day", "week--holiday", "week--hour-line",
        "week--more", "week--mark-error", "week--mark-warning", "week--mark-info",
        "week--outside",
    }

    class DayClicked(cv.DayClicked):
        """A day (its header, or free space in its column) was clicked."""

    class EventClicked(cv.EventClicked):
        """An event block or all-day item was clicked (``double``: the second click)."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.snapshot: MonthSnapshot | None = None
        self.day: date | None = None
        self.selected: str | None = None
        self.top: int | None = None  # first grid row shown (None: 07:00)
        self._kinds = vs.KindStyles(self)
        self._geom: _Layout | None = None
        self._geom_key: tuple[object, ...] = ()
        self._signature: tuple[object, ...] | None = None  # what the cached columns assume
        self._columns: dict[tuple[object, ...], _Column] = {}
        self._day_data: dict[date, tuple[list[_Block], list[Occurrence]]] = {}
        self._lines: dict[int, Strip] = {}
        self._grid_lines: dict[tuple[int, ...], Strip] = {}
        self._week_columns: list[_Column] | None = None
        self._base_style: Style | None = None
        self._followed: str | None = None

    # -- the contract ------------------------------------------------------------------

    @property
    def monday(self) -> date | None:
        return None if self.day is None else self.day - timedelta(days=self.day.weekday())

    def show(self, snapshot: MonthSnapshot, day: date, selected: str | None) -> None:
        """Render the week of ``day`` from ``snapshot``, ``selected`` (a key) highlighted."""
        if snapshot is not self.snapshot:
            self._columns.clear()
            self._grid_lines.clear()
            self._day_data.clear()
            self._geom = None
        elif self.day is not None and day - timedelta(days=day.weekday()) != self.monday:
            self._geom = None  # the all-day rows depend on the week
        self.snapshot, self.day, self.selected = snapshot, day, selected
        self._lines.clear()
        self._week_columns = None
        if selected != self._followed:
            self._followed = selected
            self._follow(selected)
        self.refresh()

    def scroll_hours(self, hours: int) -> None:
        """Scroll the time grid by ``hours`` (negative: earlier)."""
        layout = self._get_layout()
        self._set_top(self._top_row(layout) + hours * layout.per_hour, layout)

    # -- geometry ----------------------------------------------------------------------

    def _data(self, day: date) -> tuple[list[_Block], list[Occurrence]]:
        data = self._day_data.get(day)
        if data is None:
            assert self.snapshot is not None
            data = self._day_data[day] = _timed_blocks(self.snapshot, day)
        return data

    def _week(self) -> list[date]:
        monday = self.monday
        return [] if monday is None else [monday + timedelta(days=i) for i in range(7)]

    def _get_layout(self) -> _Layout:
        size = self.size
        key = (size.width, size.height)
        layout = self._geom
        if layout is not None and self._geom_key == key:
            return layout
        width, height = size.width, size.height
        free = max(width - LABEL_W - 7, 7)
        base, extra = divmod(free, 7)
        col_x: list[int] = []
        col_w: list[int] = []
        x = LABEL_W
        for c in range(7):
            w = base + (1 if c < extra else 0)
            col_x.append(x + 1)
            col_w.append(w)
            x += 1 + w
        most = 0
        if self.snapshot is not None:
            for day in self._week():
                _, allday = self._data(day)
                most = max(most, len(allday) + (1 if day in self.snapshot.holidays else 0))
        cap = 3 if height >= 24 else 2 if height >= 16 else 1
        allday_rows = max(1, min(most, cap))
        grid_y = 1 + allday_rows + 1
        grid_rows = max(height - grid_y, 1)
        hours = LAST_HOUR - FIRST_HOUR
        per_hour = max([d for d in (1, 2, 3, 4) if d * hours <= grid_rows], default=1)
        if self._geom is not None and self._geom.per_hour != per_hour and self.top is not None:
            self.top = self.top * per_hour // self._geom.per_hour
        layout = _Layout(width, height, tuple(col_x), tuple(col_w), allday_rows, grid_y,
                         grid_rows, per_hour)
        if self._geom is None or self._geom.col_w != layout.col_w or (
            self._geom.per_hour != per_hour
        ):
            self._columns.clear()
            self._grid_lines.clear()
            self._week_columns = None
        self._geom, self._geom_key = layout, key
        self._lines.clear()
        self._week_columns = None
        return layout

    def _top_row(self, layout: _Layout) -> int:
        top = FIRST_HOUR * layout.per_hour if self.top is None else self.top
        return max(0, min(top, layout.total_rows - layout.grid_rows))

    def _set_top(self, top: int, layout: _Layout) -> None:
        top = max(0, min(top, layout.total_rows - layout.grid_rows))
        if top != self._top_row(layout):
            self.top = top
            self._lines.clear()
            self._week_columns = None
            self.refresh()

    def _follow(self, key: str | None) -> None:
        """Scroll so that the selected event's block is in view."""
        if key is None or self.snapshot is None or not self.size.height:
            return
        layout = self._get_layout()
        for day in self._week():
            blocks, _ = self._data(day)
            for b in blocks:
                if b.occ.key != key:
                    continue
                place(blocks, layout.per_hour)
                top = self._top_row(layout)
                if b.row0 < top or b.row1 > top + layout.grid_rows:
                    new_top = b.row0
                    if b.row0 >= top and b.row1 - b.row0 <= layout.grid_rows:
                        new_top = b.row1 - layout.grid_rows  # just enough down
                    self.top = max(0, min(new_top, layout.total_rows - layout.grid_rows))
                return

    def notify_style_update(self) -> None:
        super().notify_style_update()
        signature = (self.app.theme, self.rich_style)
        self._lines.clear()
        self._grid_lines.clear()
        self._week_columns = None
        if signature == self._signature:
            # Focus or display changed (switching views does both): only the selected
            # day's column looks different (``:blur``), the other six are kept.
            self._columns = {k: v for k, v in self._columns.items() if not k[3]}
            return
        self._signature = signature
        self._kinds.reset()
        self._columns.clear()
        self._base_style = None

    def on_resize(self, event: events.Resize) -> None:
        # Textual repaints a widget whose size changed by itself, and render_line lays the
        # grid out for the new size: a refresh here would paint the week a second time
        # (the Resize arrives after that paint), unless the selected block scrolls now.
        if self._followed is not None:
            top = self.top
            self._follow(self._followed)
            if self.top != top:
                self._lines.clear()
                self._week_columns = None
                self.refresh()

    _FULL: ClassVar[frozenset[str]] = frozenset({
        "weekend", "selected", "selected-day", "mark-error", "mark-warning", "header-weekend",
    })

    def _style(self, name: str) -> Style:
        """A component's style: whole for the ones that paint a background, else only
        what the component sets (so that it keeps the cell's background)."""
        return self.get_component_rich_style(f"week--{name}",
                                             partial=name not in self._FULL)

    # -- rendering ---------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._get_layout()  # a new size drops the lines of the old one
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

    def _day_base(self, day: date) -> Style:
        base = self._base()
        if day == self.day:
            return base + self._style("selected")
        if day.weekday() >= 5:
            return base + self._style("weekend")
        return base

    def _render_line(self, y: int) -> Strip:
        layout = self._get_layout()
        base = self._base()
        snapshot = self.snapshot
        if snapshot is None or self.day is None or y >= layout.height:
            return Strip.blank(layout.width, base)
        rule = Segment("│", base + self._style("rule"))
        week = self._week()
        strips: list[Strip] = []
        if y == 0:
            strips.append(Strip.blank(LABEL_W, base))
            for c, day in enumerate(week):
                strips += [Strip([rule], 1), self._header(snapshot, day, layout.col_w[c])]
        elif y < layout.grid_y - 1:
            line = y - 1
            strips.append(Strip.blank(LABEL_W, base))
            for c, day in enumerate(week):
                strips += [Strip([rule], 1), self._allday_line(snapshot, day, line,
                                                                layout.col_w[c], layout)]
        elif y == layout.grid_y - 1:
            text = "─" * LABEL_W + "".join("┼" + "─" * w for w in layout.col_w)
            return Strip([Segment(text[: layout.width].ljust(layout.width),
                                  base + self._style("rule"))], layout.width)
        else:
            row = self._top_row(layout) + (y - layout.grid_y)
            if row >= layout.total_rows:
                return Strip.blank(layout.width, base)
            label = ""
            if row % layout.per_hour == 0:
                label = f"{row // layout.per_hour:02d}:00"
            strips.append(Strip([Segment(vs.fit(label, LABEL_W),
                                         base + self._style("label"))], LABEL_W))
            columns = self._week_columns
            if columns is None:
                columns = self._week_columns = [
                    self._column(snapshot, day, layout.col_w[c], layout.per_hour)
                    for c, day in enumerate(week)
                ]
            # a grid line whose seven columns are unchanged is the same strip as before
            key = (row, *(id(column) for column in columns))
            strip = self._grid_lines.get(key)
            if strip is None:
                rule_strip = Strip([rule], 1)
                for column in columns:
                    strips += [rule_strip, column.rows[row]]
                strip = Strip.join(strips).adjust_cell_length(layout.width, base)
                self._grid_lines[key] = strip
            return strip
        return Strip.join(strips).adjust_cell_length(layout.width, base)

    def _header(self, snapshot: MonthSnapshot, day: date, width: int) -> Strip:
        base = self._day_base(day)
        head = base + self._style("header")
        if day == self.day:
            head = base + self._style("selected-day")
        mark = vs.finding_mark(snapshot.open_findings(day))
        options = (vs.day_header(day), f"{vs.weekday_short(day.weekday())} {day.day:02d}.",
                   f"{day.day:02d}.")
        # the roomiest form that fits: a blank before the text and before the mark
        # when there is room, the date shortened when there is not
        mark_w = 0 if mark is None or width < 4 else 1
        pad = 1
        text = options[-1]
        for option in options:
            if len(option) + 1 + 2 * mark_w <= width:
                text = option
                break
            if len(option) + mark_w <= width:
                text, pad = option, 0
                break
        text = text[: max(width - mark_w - pad, 0)]
        number_style = head + (self._style("today") if day == snapshot.today else Style())
        segments = [Segment(" " * pad, head), Segment(text, number_style)]
        used = pad + len(text)
        if used < width - mark_w:
            segments.append(Segment(" " * (width - mark_w - used), head))
        if mark_w and mark is not None:
            segments.append(Segment(mark.text, base + self._style(f"mark-{mark.component}")))
        return Strip(segments).adjust_cell_length(width, head)

    def _allday_items(self, snapshot: MonthSnapshot, day: date,
                      rows: int) -> list[Occurrence | str | int]:
        """What the all-day rows of ``day`` show: the holiday's name, events, and
        the number of the rest when they do not fit."""
        _, allday = self._data(day)
        items: list[Occurrence | str | int] = []
        holiday = snapshot.holidays.get(day)
        if holiday:
            items.append(holiday)
        items += allday
        if len(items) > rows:
            items = [*items[: rows - 1], len(items) - rows + 1]
        return items

    def _allday_line(self, snapshot: MonthSnapshot, day: date, line: int, width: int,
                     layout: _Layout) -> Strip:
        base = self._day_base(day)
        items = self._allday_items(snapshot, day, layout.allday_rows)
        if line >= len(items):
            return Strip.blank(width, base)
        item = items[line]
        if isinstance(item, int):
            return Strip([Segment(vs.fit(f" +{item}", width), base + self._style("more"))],
                         width)
        if isinstance(item, str):
            room = max(width - 1, 1)
            text = vs.abbreviate(vs.holiday_words(item, room), room)
            return Strip([Segment(vs.fit(" " + text, width), base + self._style("holiday"))],
                         width)
        style = self._kinds.style(item.event.kind, block=True,
                                  cancelled=item.event.status == "abgesagt",
                                  selected=item.key == self.selected)
        text = vs.abbreviate(vs.short_title(item, snapshot), width - 1)
        return Strip([Segment(vs.fit(" " + text, width), base + style)], width)

    def _column(self, snapshot: MonthSnapshot, day: date, width: int, per_hour: int) -> _Column:
        blocks, _ = self._data(day)
        selected_key = self.selected if any(b.occ.key == self.selected for b in blocks) \
            else None
        key = (day, width, per_hour, day == self.day, selected_key)
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = self._render_column(snapshot, day, width, per_hour,
                                                              blocks, selected_key)
        return column

    def _render_column(self, snapshot: MonthSnapshot, day: date, width: int, per_hour: int,
                       blocks: list[_Block], selected_key: str | None) -> _Column:
        base = self._day_base(day)
        if day.month != snapshot.month:
            base = base + Style(dim=True)
        total = 24 * per_hour
        place(blocks, per_hour)
        spans: list[list[tuple[int, int, Strip, str]]] = [[] for _ in range(total)]
        # Lanes narrower than MIN_LANE cells say nothing readable: as many lanes as fit
        # show their events, and a gutter at the right counts the rest ("+2") on their rows.
        gutter = 2
        fit = max(1, (width - gutter) // MIN_LANE)
        hidden: dict[int, list[str]] = {}
        for b in blocks:
            if b.lanes <= width // MIN_LANE:  # all lanes fit
                x0 = width * b.lane // b.lanes
                x1 = width * (b.lane + 1) // b.lanes
            elif b.lane < fit:
                x0 = (width - gutter) * b.lane // fit
                x1 = (width - gutter) * (b.lane + 1) // fit
            else:
                for row in range(b.row0, min(b.row1, total)):
                    hidden.setdefault(row, []).append(b.occ.key)
                continue
            w = x1 - x0
            if w <= 0:
                continue
            # A lane or the "+2" gutter to the right would run on from this block's last
            # letter as if one word: a blank cell keeps them apart.
            gap = 1 if x1 < width and w > 1 else 0
            lines = self._block_text(snapshot, day, b, w - gap)
            event = b.occ.event
            style = base + self._kinds.style(event.kind, block=True,
                                             cancelled=event.status == "abgesagt",
                                             selected=b.occ.key == selected_key)
            for i, row in enumerate(range(b.row0, min(b.row1, total))):
                text = vs.abbreviate(lines[i], w - gap) if i < len(lines) else ""
                segments = [Segment(vs.fit(text, w - gap), style)]
                if gap:
                    segments.append(Segment(" ", base))
                spans[row].append((x0, x1, Strip(segments, w), b.occ.key))
        more_style = base + self._style("more")
        for row, keys in hidden.items():
            text = f"+{len(keys)}" if len(keys) < 10 else "+"
            spans[row].append((width - gutter, width,
                               Strip([Segment(vs.fit(text, gutter), more_style)], gutter),
                               keys[0]))
        line_style = base + self._style("hour-line")
        rows: list[Strip] = []
        hits: list[list[tuple[int, int, str]]] = []
        for row in range(total):
            pieces = sorted(spans[row], key=lambda s: s[0])
            fill = "─" if per_hour > 1 and row % per_hour == 0 else " "
            fill_style = line_style if fill != " " else base
            parts: list[Strip] = []
            x = 0
            row_hits: list[tuple[int, int, str]] = []
            for x0, x1, strip, key in pieces:
                if x0 < x:
                    continue
                if x0 > x:
                    parts.append(Strip([Segment(fill * (x0 - x), fill_style)], x0 - x))
                parts.append(strip)
                row_hits.append((x0, x1, key))
                x = x1
            if x < width:
                parts.append(Strip([Segment(fill * (width - x), fill_style)], width - x))
            rows.append(Strip.join(parts))
            hits.append(row_hits)
        return _Column(rows, hits)

    def _block_text(self, snapshot: MonthSnapshot, day: date, block: _Block,
                    width: int) -> list[str]:
        """The lines inside a block: time and title (the title on its own lines, word
        wrapped, when the block is tall enough and they do not fit on one), then the
        Kita or the title, the location and the coaches. A word never goes on in the next
        line: one too long for the block is cut with a dot (``abbreviate``)."""
        occ = block.occ
        event = occ.event
        title = vs.short_title(occ, snapshot)
        start = from_epoch(occ.start_ts, snapshot.tz)
        time = fmt_time(start) if width >= 5 and start.date() == day else ""
        tall = block.row1 - block.row0 >= 2
        lines: list[str]
        if time and len(time) + 1 + len(title) <= width:
            lines = [f"{time} {title}"]
        elif time and tall:
            lines = [time, *_words(title, width)]
        elif time and width >= len(time) + 6:  # "09:30 Sonn.": the title still says what
            lines = [f"{time} {vs.abbreviate(title, width - len(time) - 1)}"]
        else:
            lines = _words(title, width) if tall else [title]
        kita = snapshot.kitas.get(event.kita) if event.kita else None
        if kita is not None and vs.kita_short(kita.name) != title:
            lines.append(vs.clean(kita.name))
        elif event.title and vs.clean(event.title) != title:
            lines.append(vs.clean(event.title))
        if event.location:
            lines.append(vs.clean(event.location))
        names = [snapshot.coaches[c].name for c in event.coaches if c in snapshot.coaches]
        if names:
            lines.append(vs.clean(", ".join(names)))
        return lines

    # -- mouse -------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        snapshot = self.snapshot
        offset = event.get_content_offset(self)
        if snapshot is None or offset is None or self.day is None:
            return
        layout = self._get_layout()
        c = layout.column_at(offset.x)
        if c is None:
            return
        event.stop()
        day = self._week()[c]
        x = offset.x - layout.col_x[c]
        key: str | None = None
        if 1 <= offset.y < layout.grid_y - 1:
            items = self._allday_items(snapshot, day, layout.allday_rows)
            line = offset.y - 1
            item = items[line] if line < len(items) else None
            key = item.key if isinstance(item, Occurrence) else None
        elif offset.y >= layout.grid_y:
            row = self._top_row(layout) + offset.y - layout.grid_y
            column = self._column(snapshot, day, layout.col_w[c], layout.per_hour)
            if row < len(column.hits):
                for x0, x1, hit in column.hits[row]:
                    if x0 <= x < x1:
                        key = hit
                        break
        if key is not None:
            self.post_message(self.EventClicked(self, key, day, event.chain >= 2))
        else:
            self.post_message(self.DayClicked(self, day))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_hours(1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_hours(-1)

    # -- for the planner and tests -----------------------------------------------------

    def block_rows(self, key: str) -> tuple[date, int, int, int, int] | None:
        """Where the block of ``key`` is drawn: (day, first grid row, rows, lane, lanes)
        in grid rows of the whole day (row 0 is 00:00)."""
        if self.snapshot is None:
            return None
        layout = self._get_layout()
        for day in self._week():
            blocks, _ = self._data(day)
            place(blocks, layout.per_hour)
            for b in blocks:
                if b.occ.key == key:
                    return day, b.row0, b.row1 - b.row0, b.lane, b.lanes
        return None

    def visible_rows(self) -> tuple[int, int]:
        """The grid rows in view: (first, count), and rows per hour via ``per_hour``."""
        layout = self._get_layout()
        return self._top_row(layout), layout.grid_rows

    @property
    def per_hour(self) -> int:
        return self._get_layout().per_hour


def _words(text: str, width: int) -> list[str]:
    """``text`` word-wrapped to ``width``; a word longer than a line stands alone,
    shortened with a dot ("Löwenz."), never carried on into the next line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(vs.abbreviate(word, width))
            continue
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
        elif line:
            lines.append(line)
            line = word
        else:
            line = word
    if line:
        lines.append(line)
    return lines or [""]
