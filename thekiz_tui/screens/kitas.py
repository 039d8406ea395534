"""The Kita overview (``K``): one row per Kita with stage, coach, visits, budget and
checklist; Enter hands the chosen Kita's id back to the planner, which shows its events.

The rows come from ``planning.overview.kita_overview`` in a thread worker; this screen
only formats them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import ClassVar

from rich.style import Style as RichStyle
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import parse_style
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from store import Store

from ..i18n import tr
from ..keys import Action, bindings
from ..planning.cadence import Period
from ..planning.checklist import Item
from ..planning.overview import KitaRow
from ..planning.timeutil import MONTHS_DE, fmt_date, fmt_money
from ..session import Session
from ..widgets.footer import QuietFooter
from .fitted import FittedTableScreen

GROUP = "Kitas"

ACTIONS: tuple[Action, ...] = (
    Action("thekiz.kitas.open", "enter", "open_kita", "Termine der Kita", GROUP, footer=True),
    Action("thekiz.kitas.prev_year", "left_square_bracket", "year(-1)", "Jahr zurück",
           GROUP, footer=True),
    Action("thekiz.kitas.next_year", "right_square_bracket", "year(1)", "Jahr vor",
           GROUP, footer=True),
    Action("thekiz.kitas.close", "escape", "close", "Schließen", GROUP, footer=True),
)

BAR_CELLS = 8
NONE = "-"


def budget_bar(row: KitaRow, cells: int = BAR_CELLS) -> str:
    """``████░░░░ 1.250,00 € frei``, ``████████ 310,00 € über`` or ``kein Budget``."""
    share = row.share
    left = row.left
    if share is None or left is None:
        return tr("kein Budget")
    filled = min(cells, max(0, round(share * cells)))
    if filled == 0 and row.used > 0:
        filled = 1  # any spending shows
    bar = "█" * filled + "░" * (cells - filled)
    if row.over:
        return f"{bar} " + tr("{amount} über", amount=fmt_money(-left))
    return f"{bar} " + tr("{amount} frei", amount=fmt_money(left))


def stage_short(stage: str, label: str) -> str:
    """The stage's name for the narrow column: its key as a word where the label begins
    with it (``Basis``, ``Vertiefung``, ``Konsultation``), else the label itself (the
    names come from labels.py)."""
    word = stage.capitalize()
    return word if label.startswith(word) else label


def budget_state(row: KitaRow) -> str:
    """``none``, ``ok``, ``tight`` (90 % or more used) or ``over``."""
    share = row.share
    if share is None:
        return "none"
    if row.over:
        return "over"
    return "tight" if share >= 0.9 else "ok"


def short_period(period: Period) -> str:
    """``Mär`` or ``Q2``."""
    if period.kind == "quarter":
        return f"Q{(period.start.month - 1) // 3 + 1}"
    return MONTHS_DE[period.start.month - 1][:3]


def gaps_text(row: KitaRow) -> str:
    """Months (quarters) without a visit: ``2: Mär Apr``, ``0`` or ``-`` (no cadence)."""
    if row.cadence is None:
        return NONE
    if not row.without_visit:
        return "0"
    names = " ".join(short_period(p) for p in row.without_visit)
    return f"{len(row.without_visit)}: {names}"


def checklist_text(row: KitaRow) -> str:
    return f"{row.done}/{row.planned}/{row.missing}"


def day_text(day: date | None) -> str:
    return NONE if day is None else fmt_date(day)


STATUS_STYLE = {"done": "$success", "planned": "$accent", "missing": "$warning"}
BUDGET_STYLE = {"ok": "$success", "tight": "$warning", "over": "$error",
                "none": "$foreground-muted"}


def status_word(item: Item) -> str:
    return {
        "done": tr("erledigt"), "planned": tr("geplant"), "missing": tr("fehlt"),
    }[item.status]


class KitasScreen(FittedTableScreen[str | None]):
    """The Kita overview of a year. Dismisses with the chosen Kita's id, or None."""

    CSS_PATH = "kitas.tcss"

    # Enter has priority over the table's own Enter, so that the open action is the one
    # in the footer and can be remapped like every other.
    BINDINGS: ClassVar[list[BindingType]] = [
        replace(b, priority=True) if b.id == "thekiz.kitas.open" else b
        for b in bindings(ACTIONS)
    ]

    year: var[int] = var(0, init=False)
    """The calendar year shown."""

    def __init__(self, source: Store | Session, *, today: date,
                 year: int | None = None) -> None:
        """``source``: her session (the planner's), or a store to open one on."""
        super().__init__()
        self._session = source if isinstance(source, Session) else Session(
            source, today=today)
        self._today = today
        self._rows: dict[str, KitaRow] = {}
        self._dismissed = False
        self.set_reactive(KitasScreen.year, year if year is not None else today.year)

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="kitas-title", markup=False)
        table: DataTable[str | Text] = DataTable(
            id="kitas-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        with VerticalScroll(id="kitas-detail"):
            yield Static(tr("Kitas werden geladen ..."), id="kitas-detail-text", markup=False)
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#kitas-table", DataTable)
        self._set_columns()
        table.fixed_columns = 1  # the name stays in view when scrolling sideways
        table.focus()
        self.watch_table_width(table)
        self._load()

    def _set_columns(self) -> bool:
        """The table's columns for its width (none cut at the right edge); True when
        they were built anew."""
        table: DataTable[str | Text] = self.query_one("#kitas-table", DataTable)
        columns = [
            # the budget next to the name, so that it shows without scrolling sideways
            # (at 80 and at 100 columns)
            (tr("Kita"), "name", 20),
            (tr("Stufe"), "stage", 12),
            (tr("Budget {year}", year=self.year), "budget", 26),
            (tr("Letzter"), "last", 10),
            (tr("Nächster"), "next", 10),
            (tr("ohne Besuch"), "gaps", 12),
            (tr("Empf. e/g/f"), "checklist", 11),
            (tr("seit"), "since", 10),
            (tr("Begleitung"), "coach", 16),
            (tr("Kreis"), "district", 16),
        ]
        return self.fit_columns(table, columns)

    def _refit(self) -> None:
        keep = self._selected_id()
        if self._set_columns() and self._rows:
            self._fill(list(self._rows.values()), keep)

    def _title(self) -> str:
        return tr(
            "Kitas {year}  (Stand {today})", year=self.year, today=fmt_date(self._today)
        )

    # -- loading -------------------------------------------------------------------------

    def watch_year(self) -> None:
        self.query_one("#kitas-title", Static).update(self._title())
        self._load()

    def _load(self) -> None:
        self.query_one("#kitas-table", DataTable).loading = True
        self._overview(self.year)

    class Loaded(Message, bubble=False):
        """The overview of ``year`` is read."""

        def __init__(self, year: int, rows: list[KitaRow]) -> None:
            super().__init__()
            self.year, self.rows = year, rows

    class LoadFailed(Message, bubble=False):
        """The overview of ``year`` could not be read."""

        def __init__(self, year: int, error: str) -> None:
            super().__init__()
            self.year, self.error = year, error

    @work(thread=True, exit_on_error=False, group="kitas", exclusive=True)
    def _overview(self, year: int) -> None:
        try:
            rows = self._session.kita_overview(year)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.LoadFailed(year, str(error)))
        else:
            self.post_message(self.Loaded(year, rows))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if message.year != self.year:
            return  # an older request
        self.query_one("#kitas-table", DataTable).loading = False
        text = tr("Kitas konnten nicht geladen werden: {error}", error=message.error)
        self._show_error(text)
        self.notify(text, severity="error")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.year != self.year:
            return  # an older request
        self.query_one("#kitas-table", DataTable).loading = False
        self._fill(message.rows)

    def _show_error(self, message: str) -> None:
        self.query_one("#kitas-detail").set_class(True, "-error")
        self.query_one("#kitas-detail-text", Static).update(message)

    def _fill(self, rows: list[KitaRow], keep: str | None = None) -> None:
        table: DataTable[str | Text] = self.query_one("#kitas-table", DataTable)
        self.query_one("#kitas-detail").set_class(False, "-error")
        keep = keep or self._selected_id()
        self._rows = {r.id: r for r in rows}
        table.clear()
        table.columns[ColumnKey("budget")].label = Text(tr("Budget {year}", year=self.year))
        styles = {state: parse_style(var).rich_style for state, var in BUDGET_STYLE.items()}
        muted: RichStyle = styles["none"]
        for r in rows:
            table.add_row(
                Text(r.name, overflow="crop"),
                Text(stage_short(r.stage, r.stage_label), overflow="crop"),
                Text(budget_bar(r), style=styles[budget_state(r)]),
                Text(day_text(r.last_visit)),
                Text(day_text(r.next_visit)),
                Text(gaps_text(r), style=styles["tight"] if r.without_visit else muted,
                     overflow="crop"),
                Text(checklist_text(r), style=styles["tight"] if r.missing else ""),
                Text(day_text(r.since)),
                Text(r.coach_name or NONE, overflow="crop"),
                Text(r.district or NONE, overflow="crop"),
                key=r.id,
            )
        if not rows:
            self.query_one("#kitas-detail-text", Static).update(tr("Keine Kitas im Plan."))
            return
        if keep in self._rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._show_detail(self._selected_id())

    # -- selection and detail ------------------------------------------------------------

    def _selected_id(self) -> str | None:
        table = self.query_one("#kitas-table", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # no row under the cursor (empty or being rebuilt)
            return None
        return key.value

    @on(DataTable.RowHighlighted, "#kitas-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail(event.row_key.value)

    @on(DataTable.RowSelected, "#kitas-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def _show_detail(self, kita_id: str | None) -> None:
        row = self._rows.get(kita_id or "")
        if row is None:
            return
        self.query_one("#kitas-detail-text", Static).update(self.detail(row))

    def detail(self, row: KitaRow) -> Content:
        """The selected Kita in full: stage, budget, periods without a visit, checklist."""
        head = [row.name, f"{row.stage_label}"]
        if row.since is not None:
            head[-1] += " " + tr("seit {day}", day=fmt_date(row.since))
        if row.coach_name:
            head.append(row.coach_name)
        if row.district:
            head.append(row.district)
        parts: list[str | tuple[str, str] | Content] = [
            (" - ".join(head), "bold"), "\n",
        ]
        state = budget_state(row)
        if row.budget is None or row.left is None:
            budget = tr("Budget {year}: kein Budget für diese Stufe, verbraucht {used}",
                        year=self.year, used=fmt_money(row.used))
        elif row.over:
            budget = tr("Budget {year}: {used} von {budget} verbraucht, {amount} über dem "
                        "Budget", year=self.year, used=fmt_money(row.used),
                        budget=fmt_money(row.budget), amount=fmt_money(-row.left))
        else:
            budget = tr("Budget {year}: {used} von {budget} verbraucht, {amount} frei",
                        year=self.year, used=fmt_money(row.used),
                        budget=fmt_money(row.budget), amount=fmt_money(row.left))
        parts += [(budget, BUDGET_STYLE[state]), "\n"]
        parts.append(tr("Letzter Besuch: {last}, nächster Besuch: {next}",
                        last=day_text(row.last_visit), next=day_text(row.next_visit)))
        parts.append("\n")
        if row.cadence is None:
            parts.append(tr("Ohne Besuchsrhythmus (keine Pflichtbesuche)"))
        elif not row.without_visit:
            parts.append((tr("Kein Monat ohne Besuch") if row.cadence == "month"
                          else tr("Kein Quartal ohne Besuch"), "$success"))
        else:
            label = (tr("Monate ohne Besuch") if row.cadence == "month"
                     else tr("Quartale ohne Besuch"))
            names = ", ".join(p.label for p in row.without_visit)
            parts.append((f"{label}: {names}", "$warning"))
        parts.append("\n")
        parts.append((tr("Empfehlungen {year}: {done} erledigt, {planned} geplant, "
                         "{missing} fehlen", year=self.year, done=row.done,
                         planned=row.planned, missing=row.missing), "bold"))
        width = max((len(status_word(i)) for i in row.checklist), default=0)
        for item in row.checklist:
            parts += ["\n  ", (status_word(item).ljust(width), STATUS_STYLE[item.status]),
                      "  ", item.part.label]
        return Content.assemble(*parts)

    # -- actions -------------------------------------------------------------------------

    def action_year(self, step: int) -> None:
        self.year += step

    def action_open_kita(self) -> None:
        self._open(self._selected_id())

    def _open(self, kita_id: str | None) -> None:
        if kita_id is None or self._dismissed:
            return
        self._dismissed = True
        self.dismiss(kita_id)

    def action_close(self) -> None:
        if self._dismissed:
            return
        self._dismissed = True
        self.dismiss(None)
