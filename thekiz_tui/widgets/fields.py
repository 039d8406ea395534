"""The event form's fields: Enter goes on to the next field in each of them (Space ticks a
box or a coach), and they repaint, not re-lay-out the screen, when their content changes.

Textual's ``Widget.virtual_size`` is a layout reactive: every change of it lays out the
whole screen. An ``Input`` sets it to the width of its text on every keystroke, and an
``OptionList`` to its number of lines whenever its options change, so in the event form
(some sixty widgets) each keystroke cost a layout of the form, about half of the time from
the key to its painted echo and live findings. Neither changes the size of anything on
the screen: an Input scrolls its text itself and shows no scrollbar, and the findings list
keeps its height (it only needs a layout when its scrollbar comes or goes).
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Checkbox, Input, OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class FormInput(Input):
    """An Input whose typing repaints it, without a layout of the screen."""

    virtual_size = Reactive(Size(0, 0), layout=False)


class FindingsList(OptionList):
    """An OptionList of a fixed height whose new options repaint it; a layout only when
    its scrollbar comes or goes."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        height = self.scrollable_content_region.height
        if (old.height > height) != (new.height > height):
            self.refresh(layout=True)


# Enter moves on, as in the form's text fields; Textual's Checkbox and SelectionList tick
# with Enter too, so a coach going through the form with Enter ticked what she passed.
_ENTER_MOVES_ON = Binding("enter", "app.focus_next", "Weiter", show=False)


# Textual draws an X in every box, grey when unticked and green when ticked: in 16 colours
# (TERM=xterm) two greys, and in a screen reader or a copy of the screen the same X. An
# unticked box is empty.
TICKED, UNTICKED = Checkbox.BUTTON_INNER, " "  # (the list draws the same X as Checkbox)


class FormCheckbox(Checkbox):
    """A checkbox that Space ticks and Enter leaves; empty when unticked."""

    BINDINGS: ClassVar[list[BindingType]] = [_ENTER_MOVES_ON]

    def render(self) -> Content:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        return super().render()


class FormSelectionList(SelectionList[str]):
    """A list of choices that Space ticks and Enter leaves (arrows move as ever); the box
    of a choice not ticked is empty."""

    BINDINGS: ClassVar[list[BindingType]] = [_ENTER_MOVES_ON]

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        # the line is the box (left side, X, right side), then the choice
        if option.value in self.selected or len(segments) < 2 or segments[1].text != TICKED:
            return strip
        segments[1] = Segment(UNTICKED, segments[1].style)
        return Strip(segments, strip.cell_length)
