"""English for the small dialogs, export and import, and the help screen."""

EN: dict[str, str] = {
    # shared
    "Abbrechen": "Cancel",
    "Alle": "All",
    "Keine": "None",
    "Kita": "Kita",
    "Art": "Kind",
    "Datei": "File",
    "Prozessbegleiter*in": "Coach",
    "Unerwarteter Fehler: {error}": "Unexpected error: {error}",
    # confirm
    "Ja": "Yes",
    "Nein": "No",
    "Löschen": "Delete",
    "j = Ja, n oder Esc = Nein": "y = yes, n or Esc = no",
    # go to a date
    "Gehe zu Datum": "Go to date",
    "Gehe zu": "Go",
    "z. B. 4.3., 04.03.2026, 2026-03-04 oder heute":
        "e.g. 4.3., 04.03.2026, 2026-03-04 or today",
    "Mo": "Mon",
    "Di": "Tue",
    "Mi": "Wed",
    "Do": "Thu",
    "Fr": "Fri",
    "Sa": "Sat",
    "So": "Sun",
    # reason
    "Quittieren": "Acknowledge",
    "Grund (optional)": "Reason (optional)",
    # series
    "Wiederkehrenden Termin {action}": "{action} a recurring event",
    "Für welche Termine der Serie?": "Which events of the series?",
    "Nur diesen Termin": "Only this event",
    "Diesen und alle folgenden": "This and all following",
    "Alle Termine der Serie": "All events of the series",
    "1  Nur diesen Termin": "1  Only this event",
    "2  Diesen und alle folgenden": "2  This and all following",
    "3  Alle Termine der Serie": "3  All events of the series",
    # choose
    "Enter wählt aus, Esc bricht ab": "Enter chooses, Esc cancels",
    # export
    "Export als iCalendar (.ics)": "Export as iCalendar (.ics)",
    "Exportieren": "Export",
    "Von": "From",
    "bis": "to",
    "Leeres Datum: ohne Grenze. Strg+S exportiert.": "Empty date: no limit. Ctrl+S exports.",
    "Zähle Termine ...": "Counting events ...",
    "1 Termin wird exportiert.": "1 event will be exported.",
    "{n} Termine werden exportiert.": "{n} events will be exported.",
    "Die Datei gibt es schon; sie wird ersetzt.": "The file exists; it will be replaced.",
    "Das Ende ({last}) liegt vor dem Anfang ({first}).":
        "The end ({last}) is before the start ({first}).",
    "Bitte einen Dateinamen angeben.": "Please enter a file name.",
    "Den Ordner {folder} gibt es nicht.": "The folder {folder} does not exist.",
    "{n} Termin(e) nach {path} exportiert.": "{n} event(s) exported to {path}.",
    # import
    "Import aus iCalendar (.ics)": "Import from iCalendar (.ics)",
    "Importieren": "Import",
    "Vorschau": "Preview",
    "Pfad zur .ics-Datei": "Path to the .ics file",
    "Bitte den Pfad einer .ics-Datei angeben.": "Please enter the path of an .ics file.",
    "Art und Person gelten nur für Termine fremder Kalender.":
        "Kind and coach apply to events from other calendars only.",
    "Probelauf: nichts wurde gespeichert.": "Dry run: nothing was saved.",
    "neu": "new",
    "geändert": "changed",
    "unverändert": "unchanged",
    "übersprungen": "skipped",
    "gehört zu einem Termin, den Sie nicht ändern können":
        "belongs to an event you may not change",
    "Übersprungen: {n} (Termine, die Sie nicht ändern können).":
        "Skipped: {n} (events you may not change).",
    "... und {n} weitere": "... and {n} more",
    "Import aus {name}: {new} neu, {changed} geändert, {unchanged} unverändert.":
        "Import from {name}: {new} new, {changed} changed, {unchanged} unchanged.",
    # help
    "Hilfe: Tasten des Planers": "Help: the planner's keys",
    "Esc, q oder ? schließt; Pfeile und Bild auf/ab blättern. Strg+p sucht einen Befehl.":
        "Esc, q or ? closes; arrows and PgUp/PgDn scroll. Ctrl+p searches a command.",
    "Schließen": "Close",
    "Tasten ändern: in der Konfigurationsdatei{where} unter [keys] die Kennung der Aktion "
    '(rechte Spalte) mit neuen Tasten eintragen, z. B. "thekiz.kitas" = "i". Mehrere Tasten '
    'mit Komma: "thekiz.new" = "n,ctrl+n".':
        "Changing keys: in the config file{where}, under [keys], enter the action's id "
        '(right column) with the new keys, e.g. "thekiz.kitas" = "i". Several keys with '
        'commas: "thekiz.new" = "n,ctrl+n".',
    # key names
    "Links": "Left",
    "Rechts": "Right",
    "Hoch": "Up",
    "Runter": "Down",
    "Bild auf": "PgUp",
    "Bild ab": "PgDn",
    "Pos1": "Home",
    "Ende": "End",
    "Entf": "Del",
    "Rücktaste": "Backspace",
    "Einfg": "Ins",
    "Enter": "Enter",
    "Esc": "Esc",
    "Tab": "Tab",
    "Leertaste": "Space",
    "Strg": "Ctrl",
    "Shift": "Shift",
    "Alt": "Alt",
    "Meta": "Meta",
    "Super": "Super",
}
