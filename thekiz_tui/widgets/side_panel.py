"""The side panel: filters (coach, Kita, kind) and the findings of the visible range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Select
from textual.widgets.option_list import Option

from store import KINDS
from store.text import neutral

from ..i18n import lang, tr
from ..planning.findings import Finding
from ..planning.labels import RULE_LABELS, kind_label
from ..planning.month_snapshot import Filters, MonthSnapshot

SEVERITY_MARK = {"error": "!", "warning": "!", "info": "i"}


def finding_line(finding: Finding, kitas: dict[str, str], width: int = 60) -> Text:
    """One finding as the panel and the agenda show it: date, rule, Kita, message."""
    day = date.fromisoformat(finding.start[:10])
    text = Text()
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}.get(
        finding.severity, ""
    )
    if finding.acknowledged:
        style = "dim"
    text.append(f"{SEVERITY_MARK.get(finding.severity, ' ')} ", style=style)
    text.append(f"{day.day:02d}.{day.month:02d}. ", style="bold")
    text.append(tr(RULE_LABELS.get(finding.rule, finding.rule)), style=style)
    if finding.acknowledged:
        text.append(f" ({tr('quittiert')})", style="dim")
    text.append("\n  ")
    message = " ".join(neutral(finding.message).split())
    text.append(message, style="dim" if finding.acknowledged else "")
    return text


class SidePanel(Vertical):
    """Filters on top, findings below. Posts :class:`FiltersChanged` and
    :class:`FindingChosen`; the planner owns the state. Styled in widgets/widgets.tcss."""

    @dataclass
    class FiltersChanged(Message):
        filters: Filters

    @dataclass
    class FindingChosen(Message):
        finding: Finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._findings: tuple[Finding, ...] = ()
        self._people: tuple[tuple[str, str], ...] = ()
        self._kitas: tuple[tuple[str, str], ...] = ()
        self._quiet = False

    def compose(self) -> ComposeResult:
        yield Label(tr("Filter"), classes="heading")
        yield Select[str]([], prompt=tr("Alle Prozessbegleiter*innen"), id="filter-coach",
                          compact=True)
        yield Select[str]([], prompt=tr("Alle Kitas"), id="filter-kita", compact=True)
        yield Select[str](
            [(kind_label(k, lang()), k) for k in KINDS], prompt=tr("Alle Arten"),
            id="filter-kind", compact=True,
        )
        yield Label(tr("Befunde"), classes="heading", id="findings-heading")
        yield OptionList(id="findings")

    def on_mount(self) -> None:
        from ..dialogs.common import plain_arrows

        plain_arrows(self)

    # -- fed by the planner ------------------------------------------------------------

    def set_people(self, coaches: list[tuple[str, str]], kitas: list[tuple[str, str]],
                   filters: Filters) -> None:
        """Options of the filters: (label, id) pairs; keeps the chosen values."""
        people, kita_opts = tuple(coaches), tuple(kitas)
        self._quiet = True
        try:
            if people != self._people:
                self._people = people
                select = self.query_one("#filter-coach", Select)
                select.set_options(people)
                if filters.coach is not None:
                    select.value = filters.coach
            if kita_opts != self._kitas:
                self._kitas = kita_opts
                select = self.query_one("#filter-kita", Select)
                select.set_options(kita_opts)
                if filters.kita is not None:
                    select.value = filters.kita
        finally:
            self.call_after_refresh(self._unquiet)

    def _unquiet(self) -> None:
        self._quiet = False

    def show_filters(self, filters: Filters) -> None:
        """Reflect filters set elsewhere (e.g. from the Kita overview)."""
        self._quiet = True
        for wid, value in (("#filter-coach", filters.coach), ("#filter-kita", filters.kita),
                           ("#filter-kind", filters.kind)):
            select = self.query_one(wid, Select)
            wanted = Select.NULL if value is None else value
            if select.value != wanted:
                select.value = wanted
        self.call_after_refresh(self._unquiet)

    def show_findings(self, snapshot: MonthSnapshot) -> None:
        findings = snapshot.findings
        if findings == self._findings and self.query_one("#findings", OptionList).option_count:
            return
        self._findings = findings
        kitas = {k.id: k.name for k in snapshot.kitas.values()}
        options = [Option(finding_line(f, kitas), id=f.id) for f in findings]
        option_list = self.query_one("#findings", OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(options)
        if options:
            option_list.highlighted = min(highlighted or 0, len(options) - 1)
            if not option_list.highlighted:
                # the first finding at the top, however the list was scrolled before
                option_list.scroll_home(animate=False, immediate=True)
        open_count = sum(1 for f in findings if not f.acknowledged)
        heading = tr("Befunde ({open} offen, {all} gesamt)", open=open_count,
                     all=len(findings))
        if not snapshot.complete:
            heading = tr("Befunde (werden geprüft …)")
        self.query_one("#findings-heading", Label).update(heading)

    def highlighted_finding(self) -> Finding | None:
        option_list = self.query_one("#findings", OptionList)
        index = option_list.highlighted
        if index is None or not 0 <= index < len(self._findings):
            return None
        return self._findings[index]

    # -- events ------------------------------------------------------------------------

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._quiet:
            return
        self.post_message(self.FiltersChanged(self.filters()))

    def filters(self) -> Filters:
        def value(wid: str) -> str | None:
            chosen = self.query_one(wid, Select).value
            return chosen if isinstance(chosen, str) else None

        return Filters(coach=value("#filter-coach"), kita=value("#filter-kita"),
                       kind=value("#filter-kind"))

    @on(OptionList.OptionSelected, "#findings")
    def _finding_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._findings):
            self.post_message(self.FindingChosen(self._findings[event.option_index]))
