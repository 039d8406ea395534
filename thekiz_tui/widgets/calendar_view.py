"""The contract of the planner's calendar views (month, week, agenda): what the planner
calls on them and the messages they post.

The planner screen owns the state (day, selection, filters) and hands each view one month
snapshot with ``show``; a view only draws it and turns a click into a :class:`DayClicked`
or :class:`EventClicked`. Each view subclasses both messages inside itself (``MonthView.
DayClicked``: Textual names the handler ``on_month_view_day_clicked``), and the planner
handles the base classes once, for all three views.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..planning.month_snapshot import MonthSnapshot


class DayClicked(Message):
    """A day was clicked (a month cell, a week column, an agenda day header)."""

    def __init__(self, view: Widget, day: date) -> None:
        super().__init__()
        self.view = view
        self.day = day

    @property
    def control(self) -> Widget:
        return self.view


class EventClicked(Message):
    """An event was clicked; ``double`` for the second click of a double click."""

    def __init__(self, view: Widget, key: str, day: date, double: bool) -> None:
        super().__init__()
        self.view = view
        self.key = key
        self.day = day
        self.double = double

    @property
    def control(self) -> Widget:
        return self.view


class CalendarView(Protocol):
    """What the planner asks of a view (a focusable Textual widget besides)."""

    def show(self, snapshot: MonthSnapshot, day: date, selected: str | None) -> None:
        """Draw ``snapshot`` with ``day`` selected and, if not None, the event of the
        occurrence key ``selected``."""

    def focus(self, scroll_visible: bool = True) -> Widget: ...
