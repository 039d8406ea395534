"""The display names of the programme's vocabulary, in one place (DOMAIN.md glossary).

Code uses the English/ASCII keys; people read these names. German first, English as option.
"""

from __future__ import annotations

from datetime import date

from .cldr import NAMES, PATTERNS

# German: the English is in the catalogue (``kind_label``), as every other word's.
KIND_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "begleitung": "Prozessbegleitung",
        "fortbildung": "Fortbildung",
        "arbeitskreis": "Arbeitskreis",
        "fachtag": "Fachtag",
        "einrichtungsbesuch": "Einrichtungsbesuch",
        "sonstiges": "Sonstiges",
    },
}
SUBTYPE_LABELS: dict[str, str] = {
    "fachkraft": "Fachkraft-ThEKiZ-Weiterbildung",
    "reflexion": "Reflexionsfortbildung",
    "vernetzung": "Vernetzungsfortbildung – Basisqualifizierung ThEKiZ",
    "auftakt-team": "Auftaktveranstaltung Team",
    "auftakt-eltern": "Auftaktveranstaltung Eltern",
    "auftakt-traeger": "Auftaktveranstaltung Träger",
}
STATUS_LABELS: dict[str, str] = {
    "geplant": "geplant",
    "bestaetigt": "bestätigt",
    "durchgefuehrt": "durchgeführt",
    "abgesagt": "abgesagt",
}
STAGE_LABELS: dict[str, str] = {
    "basis": "Basisbegleitung",
    "vertiefung": "Vertiefungsbegleitung",
    "konsultation": "Konsultationseinrichtung",
}
ROLE_LABELS: dict[str, str] = {"coach": "Prozessbegleiter*in", "coordinator": "Koordination"}
RULE_LABELS: dict[str, str] = {
    "coach-overlap": "Doppelbuchung",
    "kita-overlap": "Kita doppelt belegt",
    "travel-buffer": "Fahrtzeit",
    "holiday": "Feiertag",
    "weekend": "Wochenende",
    "working-hours": "Arbeitszeit",
    "cadence-gap": "Begleitungslücke",
    "budget": "Budget",
}


def kind_label(kind: str, lang: str = "de") -> str:
    from ..i18n import tr_in

    return tr_in(lang, KIND_LABELS["de"].get(kind, kind))


# -- the calendar's words: CLDR (Babel), not typed here ------------------------------------
#
# Babel's locale data costs 30-50 ms to load, and the planner shows month and weekday
# names in its first frame. So the few words and patterns thekiz uses are taken from Babel
# once, by ``tools/cldr_names.py``, into ``cldr.py``; ``tests/test_english.py`` checks that
# they are still what Babel says.


def _lang(lang: str | None) -> str:
    from ..i18n import lang as current

    chosen = lang or current()
    return chosen if chosen in NAMES else "de"


def weekday_abbr(index: int, lang: str | None = None) -> str:
    """``Mo`` .. ``So`` (``Mon`` .. ``Sun``); Monday is 0. ``lang``: else the current one."""
    return NAMES[_lang(lang)]["weekdays"][index]


def weekday_wide(index: int, lang: str | None = None) -> str:
    """``Montag`` .. ``Sonntag`` (``Monday`` .. ``Sunday``); Monday is 0."""
    return NAMES[_lang(lang)]["weekdays_wide"][index]


def month_name(month: int, lang: str | None = None) -> str:
    """``März`` (``March``); January is 1."""
    return NAMES[_lang(lang)]["months"][month - 1]


def month_short(month: int, lang: str | None = None) -> str:
    """``Mär`` (``Mar``); January is 1."""
    return NAMES[_lang(lang)]["months_short"][month - 1]


def month_title(year: int, month: int, lang: str | None = None) -> str:
    """``März 2026`` (``March 2026``)."""
    return PATTERNS[_lang(lang)]["month_title"] % {
        "MMMM": month_name(month, lang), "y": str(year), "yyyy": str(year)}


def show_date(day: date, lang: str | None = None) -> str:
    """A day as a table or a sentence shows it: ``07.03.2026`` (``07/03/2026``). What she
    types into a field stays ``timeutil.fmt_date``, the form ``timeutil.parse_date`` reads."""
    return PATTERNS[_lang(lang)]["date"] % _fields(day)


def show_day_month(day: date, lang: str | None = None) -> str:
    """A day without its year, as a week's column shows it: ``07.03.`` (``07/03``)."""
    return PATTERNS[_lang(lang)]["day_month"] % _fields(day)


def _fields(day: date) -> dict[str, str]:
    return {"dd": f"{day.day:02d}", "d": str(day.day), "MM": f"{day.month:02d}",
            "M": str(day.month), "y": str(day.year), "yyyy": str(day.year)}
