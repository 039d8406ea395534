"""The office's forms for a coach, a Kita and one setting.

Saving goes through the rules of ``thekiz coach|kita|settings`` (``planning.people``,
``planning.settings``) and the guarded store of her session: a refusal shows the CLI's
German sentence in the dialog, which stays open with everything typed. Escape on a
changed form asks before discarding. Each dismisses with the saved record (the
setting's name), or None.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from store import ROLES, STAGES, Coach, Kita, StoreError
from store.records import Money
from store.text import neutral

from ..i18n import tr
from ..planning.labels import ROLE_LABELS, STAGE_LABELS
from ..planning.money import cents, euros
from ..planning.people import (
    DISTRICTS,
    CoachInput,
    KitaInput,
    changed_coach,
    changed_kita,
    new_coach,
    new_kita,
    since_text,
)
from ..planning.settings import EXPLANATIONS, set_setting
from ..planning.timeutil import BadInput
from ..session import Session
from .common import DIALOG_CSS, ConfirmDialog, Dialog, message_line, plain_arrows

T = TypeVar("T")


def _money_text(value: Money | None) -> str:
    """A stored amount as she would type it: ``62,50``; never rounded (an unrelated
    edit must not change a rate of 62,555)."""
    if value is None:
        return ""
    amount = euros(value)
    # (to the cent, or its own places: "62.5550" as the store writes it is 62,555)
    amount = cents(amount) if amount == cents(amount) else amount.normalize()
    return f"{amount:f}".replace(".", ",")


def _choices(values: list[tuple[str, str]], current: str) -> list[tuple[Text, str]]:
    """Select options; a stored value that is not among them stays choosable, so that
    an old record opens as it is and saving it says what is wrong with it."""
    if current and current not in {value for value, _label in values}:
        values = [*values, (current, current)]
    return [(Text(neutral(label)), value) for value, label in values]


class RecordDialog(Dialog[T]):
    """The frame of the three forms: fields, a message line, Speichern/Abbrechen;
    Escape on a changed form asks first."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOG_CSS, "people.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Abbrechen", id="thekiz.record.cancel"),
        Binding("ctrl+s", "save", "Speichern", id="thekiz.record.save"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._initial: dict[str, Any] = {}

    def title_text(self) -> str:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(neutral(self.title_text()), classes="title", markup=False)
            yield from self.fields()
            yield message_line()
            with Horizontal(classes="buttons"):
                yield Button(tr("Speichern"), id="save", variant="primary")
                yield Button(tr("Abbrechen"), id="cancel")

    def on_mount(self) -> None:
        plain_arrows(self)
        self._initial = self.values()

    @staticmethod
    def row(label: str, widget: Input | Select[str]) -> Horizontal:
        return Horizontal(Label(label, classes="field-label"), widget, classes="field")

    def values(self) -> dict[str, Any]:
        """What the form holds now, by field id."""
        found: dict[str, Any] = {}
        for widget in self.query("Input, Select"):
            if widget.id is None:
                continue
            if isinstance(widget, Input):
                found[widget.id] = widget.value
            elif isinstance(widget, Select):
                found[widget.id] = "" if widget.value is Select.NULL else str(widget.value)
        return found

    def save(self, values: dict[str, str]) -> T:
        """Check and store; BadInput or a StoreError (a German sentence) if refused."""
        raise NotImplementedError

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            saved = self.save(self.values())
        except (BadInput, StoreError) as error:
            self.show_message(str(error))
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.values() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(
            tr("Die Änderungen verwerfen?"), yes=tr("Verwerfen"), no=tr("Weiter bearbeiten")),
            answered)


class CoachDialog(RecordDialog[Coach | None]):
    """Add (``current`` None) or edit a coach: name, e-mail, hourly rate, role."""

    def __init__(self, session: Session, current: Coach | None = None) -> None:
        super().__init__(session)
        self.current = current

    def title_text(self) -> str:
        if self.current is None:
            return tr("Neue*r Prozessbegleiter*in")
        return tr("Prozessbegleiter*in bearbeiten: {name}", name=self.current.name)

    def fields(self) -> ComposeResult:
        c = self.current
        yield self.row(tr("Name"), Input(c.name if c else "", id="name", compact=True))
        yield self.row(tr("E-Mail"), Input(c.email if c else "", id="email", compact=True))
        yield self.row(tr("Stundensatz €"), Input(_money_text(c.rate) if c else "", id="rate",
                                                  compact=True, placeholder="62,50"))
        roles = _choices([(r, tr(ROLE_LABELS.get(r, r))) for r in ROLES], c.role if c else "")
        yield self.row(tr("Rolle"), Select(roles, value=c.role if c else "coach",
                                           allow_blank=False, id="role", compact=True))

    def save(self, values: dict[str, str]) -> Coach:
        typed = CoachInput(name=values["name"], email=values["email"], rate=values["rate"],
                           role=values["role"])
        store = self.session.store
        if self.current is None:
            return store.add_coach(new_coach(store, typed))
        current = store.coach(self.current.id)
        return store.update_coach(changed_coach(current, typed), current.sequence)


class KitaDialog(RecordDialog[Kita | None]):
    """Add or edit a Kita: name, district, stage, since, budget, coach, provider, address."""

    def __init__(self, session: Session, current: Kita | None = None) -> None:
        super().__init__(session)
        self.current = current

    def title_text(self) -> str:
        if self.current is None:
            return tr("Neue Kita")
        return tr("Kita bearbeiten: {name}", name=self.current.name)

    def fields(self) -> ComposeResult:
        k = self.current
        store = self.session.store
        districts = _choices([(d, d) for d in DISTRICTS], k.district if k else "")
        stages = _choices([(s, tr(STAGE_LABELS.get(s, s))) for s in STAGES],
                          k.stage if k else "")
        coaches = _choices(sorted(((c.id, c.name) for c in store.coaches()),
                                  key=lambda pair: pair[1].casefold()),
                           (k.coach or "") if k else "")
        yield self.row(tr("Name"), Input(k.name if k else "", id="name", compact=True))
        yield self.row(tr("Landkreis"), Select(
            districts, value=(k.district or Select.NULL) if k else Select.NULL,
            allow_blank=True, prompt=tr("(keine)"), id="district", compact=True))
        yield self.row(tr("Stufe"), Select(stages, value=k.stage if k else "basis",
                                           allow_blank=False, id="stage", compact=True))
        yield self.row(tr("seit"), Input(since_text(k.since) if k else "", id="since",
                                         compact=True, placeholder=tr("TT.MM.JJJJ")))
        yield self.row(tr("Jahresbudget €"), Input(
            _money_text(k.budget) if k else "", id="budget", compact=True,
            placeholder=tr("leer: nach Stufe")))
        yield self.row(tr("Begleitung"), Select(
            coaches, value=(k.coach or Select.NULL) if k else Select.NULL, allow_blank=True,
            prompt=tr("(keine)"), id="coach", compact=True))
        yield self.row(tr("Träger"), Input(k.provider if k else "", id="provider",
                                           compact=True))
        yield self.row(tr("Adresse"), Input(k.address if k else "", id="address", compact=True))

    def save(self, values: dict[str, str]) -> Kita:
        typed = KitaInput(**values)
        store = self.session.store
        today = self.session.today
        if self.current is None:
            return store.add_kita(new_kita(store, typed, today=today))
        current = store.kita(self.current.id)
        changed = changed_kita(store, current, typed, today=today)
        return store.update_kita(changed, current.sequence)


class SettingDialog(RecordDialog[str | None]):
    """One setting, typed as for ``thekiz settings set NAME WERT``."""

    def __init__(self, session: Session, name: str, text: str) -> None:
        super().__init__(session)
        self.setting = name
        self.text = text

    def title_text(self) -> str:
        return tr("Einstellung {name}", name=self.setting)

    def fields(self) -> ComposeResult:
        explanation = EXPLANATIONS.get(self.setting)
        if explanation:
            yield Static(tr(explanation), classes="hint", markup=False)
        yield self.row(tr("Wert"), Input(self.text, id="value", compact=True))

    def save(self, values: dict[str, str]) -> str:
        set_setting(self.session.store, self.setting, values["value"])
        return self.setting
