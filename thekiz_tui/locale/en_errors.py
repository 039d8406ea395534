"""English for thekiz_tui/errors.py: a person's file errors."""

EN = {
    "Die Datei {name} gibt es nicht.": "The file {name} does not exist.",
    "Die Datei gibt es nicht.": "The file does not exist.",
    "Keine Berechtigung für {name}.": "No permission for {name}.",
    "Keine Berechtigung für die Datei.": "No permission for the file.",
    "{name} ist ein Ordner, keine Datei.": "{name} is a folder, not a file.",
    "Das Ziel": "The target",
    "Kein Platz mehr auf dem Datenträger.": "No space left on the device.",
    "Das Dateisystem ist schreibgeschützt.": "The file system is read-only.",
    "Ein-/Ausgabefehler {name}: {reason}.": "Input/output error {name}: {reason}.",
    "Ein-/Ausgabefehler: {reason}.": "Input/output error: {reason}.",
}
