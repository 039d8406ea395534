"""The display names of the programme's vocabulary, in one place (DOMAIN.md glossary).

Code uses the English/ASCII keys; people read these names. German first, English as option.
"""

from __future__ import annotations

KIND_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "begleitung": "Prozessbegleitung",
        "fortbildung": "Fortbildung",
        "arbeitskreis": "Arbeitskreis",
        "fachtag": "Fachtag",
        "einrichtungsbesuch": "Einrichtungsbesuch",
        "sonstiges": "Sonstiges",
    },
    "en": {
        "begleitung": "Coaching visit",
        "fortbildung": "Training",
        "arbeitskreis": "Working group",
        "fachtag": "Conference",
        "einrichtungsbesuch": "Office visit",
        "sonstiges": "Other",
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
    return KIND_LABELS.get(lang, KIND_LABELS["de"]).get(kind, kind)
