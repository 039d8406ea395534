"""The month report (``r``): a coach's hours and fee per Kita, the Kitas' yearly budget
used and left, their hours against the recommended 2-5 h and their checklist.

The figures and what the person may see of them are ``planning.report.month_report``'s:
this screen shows the columns of the report it returns and nothing else (a coach's has
no Kita hours, and no budget or checklist of a Kita she does not accompany). The CSV
export is ``report_csv``, the same code as ``thekiz report --format csv``. Store reads and
the file write run in thread workers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import parse_style
from textual.message import Message
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from store import Coach, Store

from ..i18n import tr
from ..keys import Action, bindings
from ..output import fmt_number
from ..planning.cadence import add_months
from ..planning.report import HIDDEN, Report, ReportRow, month_report
from ..planning.timeutil import MONTHS_DE, fmt_money
from ..report_csv import save_report_csv
from ..widgets.footer import QuietFooter
from .fitted import FittedTableScreen

GROUP = "Bericht"
ALL = ""  # the Select's value for "all coaches"

ACTIONS: tuple[Action, ...] = (
    Action("thekiz.report.prev_month", "left_square_bracket", "month(-1)",
           "Vorheriger Monat", GROUP, footer=True),
    Action("thekiz.report.next_month", "right_square_bracket", "month(1)",
           "Nächster Monat", GROUP, footer=True),
    Action("thekiz.report.coach", "c", "choose_coach", "Begleiter*in wählen", GROUP),
    # s saves what a coach hands in each month, the statement to sign; x the office's table
    Action("thekiz.report.pdf", "s,p,ctrl+s", "save('pdf')",
           "PDF zum Unterschreiben", GROUP, footer=True),
    Action("thekiz.report.save", "x", "save('csv')", "CSV für Excel", GROUP,
           footer=True),
    Action("thekiz.report.close", "escape", "close", "Schließen", GROUP, footer=True),
)

RECOMMENDATION_WORDS = {"below": "unter", "within": "im Rahmen", "above": "über"}
RECOMMENDATION_STYLE = {"below": "$warning", "within": "$success", "above": "$warning"}


def default_csv_name(year: int, month: int, coach: str | None) -> str:
    """``bericht-2026-11-c-kraemer.csv``; ``alle`` for every coach."""
    who = re.sub(r"[^A-Za-z0-9_.-]+", "-", coach).strip("-.") if coach else ""
    return f"bericht-{year:04d}-{month:02d}-{who or 'alle'}.csv"


def hours_text(hours: Decimal | float) -> str:
    return fmt_number(hours, 2)


def recommendation_word(status: str) -> str:
    return {"below": tr("unter"), "within": tr("im Rahmen"), "above": tr("über")}[status]


class CsvPathDialog(ModalScreen[str | None]):
    """Asks where to save the report (CSV or PDF), prefilled with a name in her documents
    folder. Dismisses with the path typed, or None."""

    CSS_PATH = "report.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.report.save_cancel"),
    ]

    def __init__(self, default: str, kind: str = "csv") -> None:
        super().__init__()
        self._default = default
        self._kind = kind

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(tr("Bericht als CSV speichern unter:") if self._kind == "csv"
                        else tr("Stundennachweis als PDF speichern unter:"))
            yield Input(self._default, id="csv-path")
            yield Static(tr("Enter speichert, Escape bricht ab."), id="csv-hint")
            yield Static("", id="csv-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#csv-path", Input).focus()

    @on(Input.Submitted, "#csv-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            error = self.query_one("#csv-error", Static)
            error.update(tr("Bitte einen Dateinamen angeben."))
            error.set_class(True, "-shown")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportScreen(FittedTableScreen[None]):
    """The month report of one coach (or all) with a CSV export."""

    CSS_PATH = "report.tcss"
    # The table, not the coach chooser above it, has the focus when the screen opens: its
    # focus() in on_mount may come only once the table is loading, when it is refused.
    AUTO_FOCUS = "#report-table"

    BINDINGS: ClassVar[list[BindingType]] = [*bindings(ACTIONS)]

    coach: var[str | None] = var[str | None](None, init=False)
    """The coach whose report is shown; None for all coaches."""
    month: var[tuple[int, int]] = var((2000, 1), init=False)
    """The (year, month) shown."""

    def __init__(
        self, store: Store, *, today: date, coach: str | None, year: int, month: int
    ) -> None:
        super().__init__()
        self._store = store
        self._today = today
        self._coaches: list[Coach] = []
        self.report: Report | None = None
        """The report on screen (None while the first one loads)."""
        self.set_reactive(ReportScreen.coach, coach or None)
        self.set_reactive(ReportScreen.month, (year, month))

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="report-title", markup=False)
        with Horizontal(id="report-bar"):
            yield Label(tr("Begleiter*in:"))
            yield Select(
                [(self._coach_label(), self.coach or ALL)],
                value=self.coach or ALL, allow_blank=False, id="report-coach",
            )
        table: DataTable[str | Text] = DataTable(
            id="report-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static("", id="report-legend", markup=False)
        yield Static("", id="report-status", markup=False)
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#report-table", DataTable)
        table.focus()
        self.watch_table_width(table)
        self._load()

    @staticmethod
    def _column_list(report: Report) -> list[tuple[str, str, int]]:
        """The table's columns for the report's view: (label, key, width). The figures
        she reads first, her visits, hours and fee and what is left of the Kita's budget,
        come right after the name, so that they show at 80 columns without scrolling
        sideways; the address, which the name already tells apart, comes last."""
        columns = [(tr("Kita"), "kita", 20), (tr("Besuche"), "visits", 7),
                   (tr("Stunden"), "hours", 7), (tr("Honorar"), "fee", 11)]
        if report.has("budget"):
            columns += [(tr("Budget übrig"), "left", 12), (tr("verbraucht"), "used", 11),
                        (tr("Budget Jahr"), "budget", 11)]
        if report.has("kita_hours"):
            columns.append((tr("Kita-Std."), "kita_hours", 16))
        if report.has("checklist"):
            columns.append((tr("Empf. e/g/o"), "checklist", 11))
        if report.has("address"):
            columns.append((tr("Adresse"), "address", 24))
        return columns

    def _columns(self, report: Report) -> bool:
        """The table's columns for the report's view and the table's width (none cut at
        the right edge), set again when either changes; True when they were."""
        columns = self._column_list(report)
        table: DataTable[str | Text] = self.query_one("#report-table", DataTable)
        if not self.fit_columns(table, columns):
            return False
        table.fixed_columns = 1
        return True

    def _refit(self) -> None:
        if self.report is not None and self._columns(self.report):
            self._fill(self.report)

    def _coach_label(self) -> str:
        if self.coach is None:
            return tr("Alle Prozessbegleiter*innen")
        for c in self._coaches:
            if c.id == self.coach:
                return c.name
        return self.coach

    def _title(self) -> str:
        year, month = self.month
        return tr("Stundennachweis {month} {year} - {coach}", month=MONTHS_DE[month - 1],
                  year=year, coach=self._coach_label())

    # -- loading -------------------------------------------------------------------------

    def watch_coach(self) -> None:
        self._load()

    def watch_month(self) -> None:
        self._load()

    def _load(self) -> None:
        self.query_one("#report-title", Static).update(self._title())
        self.query_one("#report-table", DataTable).loading = True
        year, month = self.month
        self._compute(year, month, self.coach)

    class Computed(Message, bubble=False):
        """The report ``wanted`` (year, month, coach) is computed."""

        def __init__(self, wanted: tuple[int, int, str | None], coaches: list[Coach],
                     everyone: bool, report: Report) -> None:
            super().__init__()
            self.wanted, self.coaches, self.everyone, self.report = (
                wanted, coaches, everyone, report)

    class ComputeFailed(Message, bubble=False):
        """The report ``wanted`` could not be computed."""

        def __init__(self, wanted: tuple[int, int, str | None], error: str) -> None:
            super().__init__()
            self.wanted, self.error = wanted, error

    @work(thread=True, exit_on_error=False, group="report", exclusive=True)
    def _compute(self, year: int, month: int, coach: str | None) -> None:
        wanted = (year, month, coach)
        try:
            # ``now`` as ``thekiz report`` takes it: today at the current time of day.
            now = datetime.combine(self._today, datetime.now().time()).astimezone()
            from ..planning.permissions import actor

            who = actor(self._store)  # a coach chooses her own report only
            coaches = [c for c in self._store.coaches() if who.may_view_coach(c.id)]
            report = month_report(self._store, year, month, coach=coach, now=now)
        except Exception as error:  # shown to her, never a traceback
            self.post_message(self.ComputeFailed(wanted, str(error)))
        else:
            self.post_message(self.Computed(wanted, coaches, who.everything, report))

    @on(ComputeFailed)
    def _compute_failed(self, message: ComputeFailed) -> None:
        if message.wanted != (*self.month, self.coach):
            return  # an older request
        self.query_one("#report-table", DataTable).loading = False
        self._status(tr("Bericht konnte nicht erstellt werden: {error}",
                        error=message.error), error=True)
        self.notify(message.error, severity="error")

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        if message.wanted != (*self.month, self.coach):
            return  # an older request
        self.query_one("#report-table", DataTable).loading = False
        report = message.report
        if not message.everyone and self.coach is None:
            self.set_reactive(ReportScreen.coach, report.coach)  # hers, not "all"
        self._coaches = sorted(message.coaches, key=lambda c: (c.name.casefold(), c.id))
        self._fill_coaches(message.everyone)
        self.report = report
        self.query_one("#report-title", Static).update(self._title())
        self._fill(report)

    def _fill_coaches(self, everyone: bool) -> None:
        """``everyone``: she may choose all coaches together (a coach has her own only)."""
        select: Select[str] = self.query_one("#report-coach", Select)
        options = [(c.name, c.id) for c in self._coaches]
        if everyone:
            options.insert(0, (tr("Alle Prozessbegleiter*innen"), ALL))
        values = {value for _, value in options}
        with self.prevent(Select.Changed):
            select.set_options(options)
            wanted = self.coach or ALL
            if wanted not in values:
                select.set_options([*options, (wanted, wanted)])
            select.value = wanted

    def _fill(self, report: Report) -> None:
        self._columns(report)
        table: DataTable[str | Text] = self.query_one("#report-table", DataTable)
        table.clear()
        keys = [str(key.value) for key in table.columns]
        for r in report.rows:
            cells = self._cells(report, r)
            table.add_row(*(cells[key] for key in keys), key=r.kita)
        bold: dict[str, str | Text] = {
            "kita": Text(tr("Summe"), style="bold"),
            "visits": Text(str(report.total_visits), style="bold", justify="right"),
            "hours": Text(hours_text(report.total_hours), style="bold", justify="right"),
            "fee": Text(fmt_money(report.total_fee), style="bold", justify="right"),
        }
        table.add_row(*(bold.get(str(key.value), "") for key in table.columns),
                      key="__total__")
        legend: list[str] = []
        if not report.rows:
            legend.append(tr("Keine Prozessbegleitung in diesem Monat."))
        if report.has("kita_hours"):
            low, high = (fmt_number(h, 2).removesuffix(",00") for h in report.recommended)
            legend.append(tr(
                "Kita-Std.: Prozessbegleitung der Kita im Monat (alle Begleiter*innen), "
                "empfohlen {low}-{high} Stunden.", low=low, high=high,
            ))
        if report.has("checklist"):
            legend.append(tr("Empf.: erledigt/geplant/offen im Jahr."))
        if report.has("budget") and any(r.budget is None for r in report.rows):
            legend.append(tr("{hidden}: Budget und Empfehlungen einer Kita, die Sie nicht "
                             "begleiten, sieht die Koordinationsstelle.", hidden=HIDDEN))
        self.query_one("#report-legend", Static).update(" ".join(legend))

    @staticmethod
    def _cells(report: Report, r: ReportRow) -> dict[str, str | Text]:
        """A Kita's cells by column key: the columns of the report's view, ``HIDDEN`` for
        a part this row lacks."""
        def right(text: str, style: str | Style = "") -> Text:
            return Text(text, style=style, justify="right")

        cells: dict[str, str | Text] = {
            "kita": Text(r.kita_name, overflow="crop"),
            "visits": right(str(r.visits)), "hours": right(hours_text(r.hours)),
            "fee": right(fmt_money(r.fee)),
        }
        if report.has("address"):
            cells["address"] = Text(r.address or HIDDEN, overflow="crop")
        if report.has("budget"):
            b = r.budget
            if b is None:
                cells["budget"] = cells["used"] = cells["left"] = right(HIDDEN)
            else:
                error = parse_style("$error").rich_style
                cells["budget"] = right("-" if b.budget is None else fmt_money(b.budget))
                cells["used"] = right(fmt_money(b.used))
                cells["left"] = right("-") if b.left is None else right(
                    fmt_money(b.left), error if b.left < -0.005 else "")
        if report.has("kita_hours"):
            k = r.kita_hours
            cells["kita_hours"] = Text(HIDDEN) if k is None else Text(
                f"{hours_text(k.hours)} {recommendation_word(k.recommendation)}",
                style=parse_style(RECOMMENDATION_STYLE[k.recommendation]).rich_style,
            )
        if report.has("checklist"):
            c = r.checklist
            cells["checklist"] = Text(HIDDEN if c is None else
                                      f"{c.done}/{c.planned}/{len(c.missing)}")
        return cells

    def _status(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        status = self.query_one("#report-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        status.set_class(ok, "-ok")

    # -- coach and month -----------------------------------------------------------------

    @on(Select.Changed, "#report-coach")
    def _coach_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        coach = value if isinstance(value, str) and value != ALL else None
        if coach != self.coach:
            self.coach = coach

    def action_month(self, step: int) -> None:
        year, month = self.month
        first = add_months(date(year, month, 1), step)
        self.month = (first.year, first.month)

    def action_choose_coach(self) -> None:
        select = self.query_one("#report-coach", Select)
        select.focus()
        select.expanded = True

    # -- CSV -----------------------------------------------------------------------------

    def action_save(self, kind: str) -> None:
        """Save the report shown as CSV or as the PDF statement; the dialog offers her
        documents folder, and a bare file name goes there too (``files.place``)."""
        from ..files import place
        from ..remote.session import over_ssh
        from ..statement import default_name

        if over_ssh():  # a path would be on the server
            year, month = self.month
            self.notify(tr("Nicht über SSH: Der Planer speichert keine Dateien auf dem "
                           "Server. Den Bericht holen Sie auf Ihrem Rechner mit: "
                           "ssh … report --month {month} --format {kind} > bericht.{kind}",
                           month=f"{year}-{month:02d}", kind=kind),
                        severity="warning", timeout=10)
            return
        report = self.report
        if report is None or self.query_one("#report-table", DataTable).loading:
            self.notify(tr("Der Bericht wird noch erstellt."), severity="warning")
            return
        name = (default_csv_name if kind == "csv" else default_name)(
            report.year, report.month, report.coach)

        def chosen(path: str | None) -> None:
            if path:
                target = place(path, name)
                self._status(tr("Speichere {path} ...", path=str(target)))
                self._save(report, str(target), kind)

        self.app.push_screen(CsvPathDialog(str(place(None, name)), kind), chosen)

    class Saved(Message, bubble=False):
        """The report is saved to ``path``."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class SaveFailed(Message, bubble=False):
        """Saving the report failed for ``reason`` (German)."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @work(thread=True, exit_on_error=False, group="report-save")
    def _save(self, report: Report, path: str, kind: str) -> None:
        try:
            if kind == "csv":
                saved = save_report_csv(report, path)
            else:
                from ..files import save_bytes
                from ..statement import statement_for

                saved = save_bytes(path, statement_for(self._store, report, today=self._today))
        except Exception as error:  # shown to her, never a traceback
            from ..errors import person_message

            self.post_message(self.SaveFailed(person_message(error) or str(error)))
        else:
            self.post_message(self.Saved(saved))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        text = tr("Gespeichert: {path}", path=str(message.path))
        self._status(text, ok=True)
        self.notify(text)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        text = tr("Speichern fehlgeschlagen: {reason}", reason=message.reason)
        self._status(text, error=True)
        self.notify(text, severity="error")

    def action_close(self) -> None:
        self.dismiss(None)
