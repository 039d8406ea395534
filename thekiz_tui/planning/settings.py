"""The rules' settings: defaults from DOMAIN.md, overridden by the store's ``settings``.

Names of the programme's bodies change over time, so they are settings too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from store.schema import MONEY_SETTINGS

from ..i18n import tr
from .money import euros, typed
from .timeutil import BadInput, zone

if TYPE_CHECKING:
    from store import Store


@dataclass(frozen=True, slots=True)
class Settings:
    timezone: str = "Europe/Berlin"
    travel_minutes: int = 30
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    work_start: str = "07:00"
    work_end: str = "19:00"
    holiday_country: str = "DE"
    holiday_subdiv: str = "TH"
    budget_basis: float = 5000.0
    budget_vertiefung: float = 2500.0
    budget_konsultation: float | None = None
    basis_years: int = 2
    cadence_basis: str = "month"
    cadence_vertiefung: str = "quarter"
    cadence_horizon_months: int = 2
    recommended_hours_min: float = 2.0
    recommended_hours_max: float = 5.0
    office_name: str = "Landeskoordinations- und Fachstelle ThEKiZ"
    ministry_name: str = "TMASGFF"
    calendar_name: str = "thekiz"
    # her own calendar link (``thekiz feed``): a reminder this many minutes before each
    # timed event (0: none; ``feed reminder`` sets her own), the months of the past it
    # holds (with everything ahead), how often a client should fetch it, and the address
    # the office's HTTPS proxy serves it under ("": http://HOST:PORT of ``feed serve``)
    reminder_minutes: int = 30
    feed_past_months: int = 3
    feed_refresh_minutes: int = 60
    feed_base_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_store(cls, values: dict[str, Any]) -> Settings:
        """The settings stored; a value of the wrong kind (a hand-edited file) is a German
        error that names the setting, never a crash deep inside a check."""
        for name, value in invalid(values).items():
            raise BadInput(tr(
                "Die Einstellung „{name}“ in der Datenbank hat einen ungültigen Wert "
                "({value}); „thekiz settings set {name} WERT“ setzt ihn neu.", name=name,
                value=repr(value)))
        known = {f.name for f in fields(cls)} - {"extra"}
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if name in known:
                kwargs[name] = tuple(value) if name == "work_days" else value
        return cls(**kwargs)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["work_days"] = list(self.work_days)
        return data

    def budget_for(self, stage: str) -> Decimal | None:
        amount = {
            "basis": self.budget_basis,
            "vertiefung": self.budget_vertiefung,
            "konsultation": self.budget_konsultation,
        }.get(stage)
        return None if amount is None else euros(amount)


def invalid(values: dict[str, Any]) -> dict[str, Any]:
    """The stored settings whose value is of the wrong kind, by name."""
    defaults = Settings()
    return {name: value for name, value in values.items()
            if name in _KNOWN and not _fits(name, value, getattr(defaults, name))}


def _fits(name: str, value: Any, default: Any) -> bool:
    """``value`` is usable as setting ``name``, whose default is ``default``."""
    if name == "work_days":
        return isinstance(value, (list, tuple)) and all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in value)
    if name in ("work_start", "work_end"):
        return isinstance(value, str) and re.fullmatch(r"([01]?\d|2[0-3])(:[0-5]\d)?",
                                                       value.strip()) is not None
    if name == "timezone":
        if not isinstance(value, str):
            return False
        try:
            zone(value)
        except BadInput:
            return False
        return True
    if name in MONEY_SETTINGS and isinstance(value, str):  # as the store writes amounts
        try:
            return euros(value) >= 0
        except ValueError:
            return False
    if default is None or isinstance(default, float):  # a number, or None where allowed
        return (value is None and default is None) or (
            isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, type(default))


_KNOWN = frozenset(f.name for f in fields(Settings)) - {"extra"}


def coerce(name: str, text: str) -> Any:
    """Turn the text of ``thekiz settings set NAME VALUE`` into the setting's type."""
    defaults = Settings()
    if name not in defaults.as_dict():
        raise BadInput(tr("Unbekannte Einstellung „{name}“.", name=name))
    current = getattr(defaults, name)
    try:
        if name == "work_days":
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        if name == "budget_konsultation":
            return None if text.strip().lower() in ("", "none", "keins", "-") else float(
                typed(text))
        if isinstance(current, bool):
            return text.strip().lower() in ("1", "ja", "true", "yes", "an")
        if isinstance(current, int):
            return int(text)
        if isinstance(current, float):
            return float(typed(text))  # German: "2.500" is 2500, "2,5" two and a half
    except ValueError as error:
        raise BadInput(tr("„{text}“ passt nicht zur Einstellung „{name}“.", text=text,
                          name=name)) from error
    return text


def checked(name: str, text: str) -> Any:
    """The value ``thekiz settings set NAME VALUE`` (and the office's settings screen)
    stores for the text she typed; BadInput with one German sentence otherwise."""
    from store.text import text_problem

    problem = text_problem(tr("Der Wert von „{name}“", name=name), text)
    if problem is not None:
        raise BadInput(problem)
    value = coerce(name, text)
    if invalid({name: value}):
        raise BadInput(tr("„{text}“ passt nicht zur Einstellung „{name}“.", text=text,
                          name=name))
    return value


def set_setting(store: Store, name: str, text: str) -> Any:
    """Check and store one setting (the guarded store refuses a coach); its value."""
    value = checked(name, text)
    store.set_settings({name: value})
    return value


@dataclass(frozen=True, slots=True)
class Shown:
    """One setting as listed: its value and where it comes from."""

    name: str
    value: Any
    origin: str  # "gesetzt", "Standard" or "ungültig, bitte neu setzen"

    @property
    def text(self) -> str:
        """The value as she would type it for ``settings set``."""
        value = self.value
        if isinstance(value, (list, tuple)):
            return ",".join(map(str, value))
        return "" if value is None else str(value)


def shown(stored: dict[str, Any]) -> list[Shown]:
    """Every setting with its effective value; a broken stored one as stored, to be
    repaired with ``settings set``."""
    broken = invalid(stored)
    effective = Settings.from_store(
        {k: v for k, v in stored.items() if k not in broken}).as_dict()
    effective.update(broken)
    return [Shown(name, value, "ungültig, bitte neu setzen" if name in broken
                  else "gesetzt" if name in stored else "Standard")
            for name, value in effective.items()]


# What each setting does, for the office's settings screen (German; tr() when shown).
EXPLANATIONS: dict[str, str] = {
    "timezone": "Zeitzone der Termine",
    "travel_minutes": "Fahrzeit in Minuten, die zwischen zwei Terminen an verschiedenen "
                      "Orten frei bleiben soll",
    "work_days": "Arbeitstage (0 = Montag … 6 = Sonntag), mit Komma getrennt",
    "work_start": "Beginn der üblichen Arbeitszeit (HH:MM)",
    "work_end": "Ende der üblichen Arbeitszeit (HH:MM)",
    "holiday_country": "Land der Feiertage",
    "holiday_subdiv": "Bundesland der Feiertage",
    "budget_basis": "Jahresbudget einer Kita in der Basisstufe (€)",
    "budget_vertiefung": "Jahresbudget einer Kita in der Vertiefungsstufe (€)",
    "budget_konsultation": "Jahresbudget in der Konsultationsstufe (€, leer: keins)",
    "basis_years": "Jahre in der Basisstufe",
    "cadence_basis": "Besuchsrhythmus in der Basisstufe (month oder quarter)",
    "cadence_vertiefung": "Besuchsrhythmus in der Vertiefungsstufe (month oder quarter)",
    "cadence_horizon_months": "Monate im Voraus, für die fehlende Besuche gemeldet werden",
    "recommended_hours_min": "Empfohlene Mindestdauer eines Besuchs in Stunden",
    "recommended_hours_max": "Empfohlene Höchstdauer eines Besuchs in Stunden",
    "office_name": "Name der Koordinationsstelle",
    "ministry_name": "Name des Ministeriums",
    "calendar_name": "Name des Kalenders beim Export",
    "reminder_minutes": "Erinnerung im Kalender-Abo, Minuten vorher (0: keine)",
    "feed_past_months": "Monate der Vergangenheit im Kalender-Abo",
    "feed_refresh_minutes": "Wie oft ein Kalender das Abo abrufen soll (Minuten)",
    "feed_base_url": "Adresse, unter der das Kalender-Abo erreichbar ist (leer: direkt)",
}
