"""What the three calendar views share in how they look: kind colours, short labels,
finding marks, and clean one-cell text (their contract with the planner, and the messages
they post: ``calendar_view``).

Kind colours: the theme has only six colours (primary, secondary, accent, warning, error,
success), several of which are the same in the built-in themes and all of which collapse
in 16 colours (textual-dark: accent, warning and error all become bright red). The kinds
therefore get fixed hues (blue, green, cyan, yellow, magenta and grey; red stays for
errors), with lightness and saturation taken to suit the theme's background, so that they
read on dark and light themes and stay six different colours when downgraded to the 16
standard ones. ANSI themes (``ansi-dark``) get the terminal's own ANSI colours.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.cells import get_character_cell_size
from rich.style import Style
from textual.color import Color

from store.text import neutral

from ..i18n import lang, tr
from ..planning import labels
from ..planning.findings import Finding, severity_rank
from ..planning.labels import kind_label
from ..planning.occurrences import Occurrence

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..planning.month_snapshot import MonthSnapshot

KINDS = ("begleitung", "fortbildung", "arbeitskreis", "fachtag", "einrichtungsbesuch",
         "sonstiges")
# (hue in degrees, ANSI colour) per kind; None: grey.
KIND_HUES: dict[str, tuple[float | None, str]] = {
    "begleitung": (228.0, "blue"),
    "fortbildung": (135.0, "green"),
    "arbeitskreis": (185.0, "cyan"),
    "fachtag": (45.0, "yellow"),
    "einrichtungsbesuch": (300.0, "magenta"),
    "sonstiges": (None, "white"),
}


def kind_colors(dark: bool, ansi: bool = False) -> dict[str, Color]:
    """The text colour of each kind: distinct hues, readable on the theme's background,
    and six different colours in 16-colour mode as well."""
    out: dict[str, Color] = {}
    for kind, (hue, ansi_name) in KIND_HUES.items():
        if ansi:
            out[kind] = Color.parse(f"ansi_{ansi_name}" if hue is not None else "ansi_default")
        elif hue is None:
            out[kind] = Color.from_hsl(0.0, 0.0, 0.62 if dark else 0.38)
        else:
            out[kind] = Color.from_hsl(hue / 360.0, 0.75, 0.63 if dark else 0.36)
    return out


def kind_color(kind: str, colors: dict[str, Color]) -> Color:
    return colors.get(kind, colors["sonstiges"])


# -- text ------------------------------------------------------------------------------

# Typographic punctuation that East Asian terminals draw two cells wide.
_ASCII = str.maketrans({
    "–": "-", "—": "-", "‒": "-", "−": "-", "“": '"', "”": '"', "„": '"', "‚": "'",
    "‘": "'", "’": "'", "«": '"', "»": '"', "…": "...", "·": "-", "•": "*",
    "\t": " ", "\n": " ", "\r": " ",
})


@lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """``text`` with every character exactly one cell wide: typographic punctuation as
    ASCII, wide characters (emoji, CJK) as ``?``, zero-width ones dropped; nothing that
    would control the terminal (``store.text.neutral``: also for text not read through
    the store's records)."""
    text = unicodedata.normalize("NFC", neutral(text)).translate(_ASCII)
    if text.isascii():
        return "".join(ch if ch >= " " else " " for ch in text)
    out = []
    for ch in text:
        size = get_character_cell_size(ch)
        if size == 1:
            out.append(ch)
        elif size > 1:
            out.append("?")
    return "".join(out)


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (text must be clean)."""
    if width <= 0:
        return ""
    return text[:width].ljust(width)


def abbreviate(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells; cut short, it ends with a dot where the cut
    is (``Sonnenbl.``), as a German abbreviation does, so that the end of a narrow column
    never reads as the end of a word. (Not "…": East Asian terminals draw it two cells
    wide.)"""
    if len(text) <= width:
        return text
    if width <= 2:
        return text[: max(width, 0)]
    return text[: width - 1].rstrip(" -:,/") + "."


def cut(text: str, width: int) -> str:
    return text[: max(width, 0)]


def month_title(year: int, month: int) -> str:
    """``März 2025`` (``March 2025`` in English): CLDR's words (``planning.labels``)."""
    return labels.month_title(year, month)


def weekday_short(index: int) -> str:
    """``Mo``..``So`` (``Mon``..``Sun`` in English); Monday is 0."""
    return labels.weekday_abbr(index)


def day_header(day: date, with_year: bool = False) -> str:
    """``Mo 24.11.`` or ``Mi 25.11.2026`` (``Mon 24/11``, ``Wed 25/11/2026``)."""
    shown = labels.show_date(day) if with_year else labels.show_day_month(day)
    return f"{weekday_short(day.weekday())} {shown}"


def kind_name(kind: str) -> str:
    return kind_label(kind, lang())


def kita_short(name: str) -> str:
    """``Kita Sonnenblume`` -> ``Sonnenblume``: the word every Kita has says nothing."""
    for prefix in ("Kita ", "KiTa ", "KITA "):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


_KITA_KINDS = ("begleitung", "einrichtungsbesuch")


def short_title(occ: Occurrence, snapshot: MonthSnapshot) -> str:
    """What a small cell says about an event: the Kita for visits, else the title."""
    event = occ.event
    kita = snapshot.kitas.get(event.kita) if event.kita else None
    if kita is not None and (event.kind in _KITA_KINDS or not event.title):
        return clean(kita_short(kita.name))
    return clean(event.title or kind_name(event.kind))


# Shorter forms of long holiday names, used only when the name does not fit.
_HOLIDAY_SHORT = (
    ("Erster ", "1. "), ("Zweiter ", "2. "), ("Tag der Deutschen Einheit", "Dt. Einheit"),
    ("Christi Himmelfahrt", "Himmelfahrt"), ("Internationaler ", "Int. "),
)


def shorten_holiday(name: str, width: int) -> str:
    """A holiday's name in at most ``width`` cells: ``Erster Weihnachtstag`` becomes
    ``1. Weihnachtstag``, then the end is cut (the start of a name reads better than
    abbreviations of every word)."""
    return holiday_words(name, width)[: max(width, 0)].rstrip()


def holiday_words(name: str, width: int) -> str:
    """A holiday's name, in its shorter words when it is longer than ``width`` cells
    (not cut)."""
    name = clean(name)
    if len(name) > width:
        for long, short in _HOLIDAY_SHORT:
            name = name.replace(long, short)
    return name


# -- tables ----------------------------------------------------------------------------

def widths_to_edge(widths: list[int], available: int, padding: int = 1) -> list[int]:
    """Column widths for a table ``available`` cells wide (a cell's ``padding`` on either
    side) in which no column is cut at the right edge: a cut amount or date reads as
    another ("1.073,0", "1"). The columns that fit whole keep their widths, the last of
    them takes up the rest, and the next starts beyond the edge, whole when she scrolls
    sideways."""
    used = 0
    for index, width in enumerate(widths):
        if used + width + 2 * padding > available:
            if index == 0:
                return list(widths)  # not even the first fits: nothing to even out
            out = list(widths)
            out[index - 1] += available - used
            return out
        used += width + 2 * padding
    return list(widths)


# -- findings --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Mark:
    """The mark of a day with unacknowledged findings: text and component class."""

    text: str
    component: str  # "error", "warning" or "info"


def finding_mark(findings: tuple[Finding, ...]) -> Mark | None:
    """``!`` in the colour of the worst open finding, ``i`` for notes only, else None."""
    open_ = [f for f in findings if not f.acknowledged]
    if not open_:
        return None
    worst = min(open_, key=lambda f: severity_rank(f.severity))
    if worst.severity == "info":
        return Mark("i", "info")
    return Mark("!", "error" if worst.severity == "error" else "warning")


SEVERITY_LABELS = {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}


def severity_label(severity: str) -> str:
    return tr(SEVERITY_LABELS.get(severity, severity))


# -- styles ----------------------------------------------------------------------------

class KindStyles:
    """Rich styles per kind for one widget, resolved once per theme.

    ``text(kind)`` for event text; ``block(kind)`` for week blocks (the kind's colour on
    a tint of it); cancelled events dim and struck through; the selected event reversed,
    which reads in every colour mode.
    """

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._cache: dict[tuple[str, bool, bool, bool], Style] = {}
        self._colors: dict[str, Color] | None = None
        self._background: Color | None = None
        self._ansi = False

    def reset(self) -> None:
        self._cache.clear()
        self._colors = None

    def _load(self) -> dict[str, Color]:
        if self._colors is None:
            app = self._widget.app
            theme = app.current_theme
            self._ansi = bool(app.native_ansi_color)
            self._colors = kind_colors(theme.dark, self._ansi)
            _, background = self._widget.background_colors
            self._background = background
        return self._colors

    def style(self, kind: str, *, block: bool = False, cancelled: bool = False,
              selected: bool = False) -> Style:
        key = (kind, block, cancelled, selected)
        style = self._cache.get(key)
        if style is None:
            colors = self._load()
            color = kind_color(kind, colors)
            background = self._background
            if block and not self._ansi and background is not None and background.a > 0:
                tint = background.blend(color, 0.22)
                style = Style(color=color.rich_color, bgcolor=tint.rich_color)
            else:
                style = Style(color=color.rich_color)
            if cancelled:
                style += Style(strike=True, dim=True)
            if selected:
                style += Style(reverse=True, bold=True)
            self._cache[key] = style
        return style
