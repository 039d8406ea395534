"""A screen around one wide table whose columns end at the table's right edge: a date or
an amount cut there reads as another ("1" of "17.02.2027", "1.073,0"). The columns that
fit whole are shown, the last of them a little wider (``widths_to_edge``); the rest come
whole when she scrolls sideways. Fitted again when the screen's size or the table's
vertical scrollbar changes."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable

from ..widgets.style import widths_to_edge

ResultType = TypeVar("ResultType")


class FittedTableScreen(Screen[ResultType]):
    """Subclasses build their columns with ``fit_columns`` and refit in ``_refit``."""

    def fit_columns(self, table: DataTable[str | Text],
                    columns: list[tuple[str, str, int]]) -> bool:
        """Build ``columns`` (label, key, width) for the table's width, unless it has
        them so already; True when they were built anew (the rows are gone then)."""
        widths = widths_to_edge([width for *_, width in columns],
                                table.scrollable_content_region.width, table.cell_padding)
        wanted = [(key, width) for (_, key, _), width in zip(columns, widths, strict=True)]
        if [(str(key.value), column.width) for key, column in table.columns.items()] == wanted:
            return False
        table.clear(columns=True)
        for (label, key, _), width in zip(columns, widths, strict=True):
            table.add_column(label, key=key, width=width)
        return True

    def watch_table_width(self, table: DataTable[str | Text]) -> None:
        """A vertical scrollbar that comes or goes changes the table's width too."""
        self.watch(table, "show_vertical_scrollbar", self._refit_later, init=False)

    def on_resize(self) -> None:
        self._refit_later()

    def _refit_later(self) -> None:
        self.call_after_refresh(self._refit)  # (once the table has its new size)

    def _refit(self) -> None:
        """Fit the columns again, and put the rows back if they were built anew."""
