"""English for the dialog of an event that changed elsewhere (no lost edits)."""

EN: dict[str, str] = {
    "Inzwischen anderswo geändert": "Changed elsewhere in the meantime",
    "Der Termin wurde inzwischen gelöscht.": "The event was deleted in the meantime.",
    "Aktuelle Fassung:": "Current version:",
    "Ihre Eingabe (nicht gespeichert):": "Your entry (not saved):",
    "Aktuelle Fassung bearbeiten": "Edit the current version",
    "Meine Eingabe erneut bearbeiten": "Edit my entry again",
}
