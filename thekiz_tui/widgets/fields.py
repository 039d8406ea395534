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

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Checkbox, Input, OptionList, SelectionList


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


class FormCheckbox(Checkbox):
    """A checkbox that Space ticks and Enter leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [_ENTER_MOVES_ON]


class FormSelectionList(SelectionList[str]):
    """A list of choices that Space ticks and Enter leaves (arrows move as ever)."""

    BINDINGS: ClassVar[list[BindingType]] = [_ENTER_MOVES_ON]
