"""English for the event form (``dialogs/event_form.py``) and its validation messages
(``planning/validate.py`` templates)."""

EN: dict[str, str] = {
    # fields and buttons
    "Neuer Termin": "New event",
    "Termin bearbeiten": "Edit event",
    "Art": "Kind",
    "Unterart": "Subtype",
    "(keine)": "(none)",
    "Titel": "Title",
    "Datum": "Date",
    "bis": "to",
    "(optional)": "(optional)",
    "ganztägig": "all day",
    "Zeit": "Time",
    "Begleitung": "Coaches",
    "Kita": "Kita",
    "Name oder Landkreis tippen": "type a name or district",
    "Ort": "Location",
    "Wiederholung": "Repeat",
    "alle": "every",
    "Wochen": "weeks",
    "Serie endet": "Series ends",
    "(nie)": "(never)",
    "Regel": "Rule",
    "Status": "Status",
    "Notizen": "Notes",
    "Speichern (Strg+S)": "Save (Ctrl+S)",
    "Abbrechen (Esc)": "Cancel (Esc)",
    "Quittieren (F2)": "Acknowledge (F2)",
    "Grund für die Quittung (optional)": "reason for the acknowledgement (optional)",
    # actions
    "Termin": "Event",
    "Speichern": "Save",
    "Abbrechen": "Cancel",
    "Befund quittieren": "Acknowledge finding",
    # state
    "Befunde: werden geprüft ...": "Findings: checking ...",
    "Befunde: keine": "Findings: none",
    "Befunde: erst prüfbar, wenn Datum und Zeit stimmen":
        "Findings: checked once the date and time are valid",
    "Befunde: {n}, davon {open} offen (F2 quittiert den markierten)":
        "Findings: {n}, {open} open (F2 acknowledges the highlighted one)",
    "quittiert": "acknowledged",
    "Bereit zum Speichern.": "Ready to save.",
    "Nicht speicherbar: {problem}": "Cannot save: {problem}",
    "Nicht gespeichert": "Not saved",
    "Die Daten ließen sich nicht lesen: {error}": "Could not read the data: {error}",
    "Prüfung fehlgeschlagen: {error}": "Check failed: {error}",
    "Kein Befund markiert.": "No finding highlighted.",
    "Dieser Befund ist schon quittiert.": "This finding is already acknowledged.",
    "Einen Moment: die Daten werden noch gelesen.": "One moment: still reading the data.",
    # names shown through tr() (labels.py and findings.py keep the German)
    "Doppelbuchung": "Double booking",
    "Kita doppelt belegt": "Kita double-booked",
    "Fahrtzeit": "Travel time",
    "Feiertag": "Public holiday",
    "Wochenende": "Weekend",
    "Arbeitszeit": "Working hours",
    "Begleitungslücke": "Coaching gap",
    "Budget": "Budget",
    "Fehler": "Error",
    "Warnung": "Warning",
    "Hinweis": "Note",
    "geplant": "planned",
    "bestätigt": "confirmed",
    "durchgeführt": "done",
    "abgesagt": "cancelled",
    "Prozessbegleiter*in": "Coach",
    "Koordination": "Coordination",
    "Fachkraft-ThEKiZ-Weiterbildung": "Fachkraft-ThEKiZ training",
    "Reflexionsfortbildung": "Reflection training",
    "Vernetzungsfortbildung – Basisqualifizierung ThEKiZ":
        "Networking training – ThEKiZ basic qualification",
    "Auftaktveranstaltung Team": "Kick-off with the team",
    "Auftaktveranstaltung Eltern": "Kick-off with the parents",
    "Auftaktveranstaltung Träger": "Kick-off with the provider",
    # planning/validate.py templates
    "Unbekannte Art „{kind}“ (möglich: {choices}).":
        "Unknown kind \"{kind}\" (possible: {choices}).",
    "Unbekannter Status „{status}“ (möglich: {choices}).":
        "Unknown status \"{status}\" (possible: {choices}).",
    "Eine Unterart (--subtype) gibt es nur bei Fortbildungen.":
        "Only trainings have a subtype.",
    "Unbekannte Fortbildungsart „{subtype}“ (möglich: {choices}).":
        "Unknown training subtype \"{subtype}\" (possible: {choices}).",
    "Prozessbegleiter*in „{coach}“ gibt es nicht.": "There is no coach \"{coach}\".",
    "Kita „{kita}“ gibt es nicht.": "There is no Kita \"{kita}\".",
    "Teilnehmende*r „{person}“ ist weder Prozessbegleiter*in noch Kita.":
        "Participant \"{person}\" is neither a coach nor a Kita.",
    "Eine Prozessbegleiter*in ist doppelt angegeben.": "A coach is given twice.",
    "Ungültige Wiederholungsregel „{rule}“: {error}": "Invalid recurrence rule \"{rule}\": {error}",
    "Ungültige Wiederholungsregel „{rule}“.": "Invalid recurrence rule \"{rule}\".",
    "Die Wiederholungsregel „{rule}“ wiederholt öfter als einmal am Tag; "
    "möglich ist höchstens täglich (FREQ=DAILY).":
        "The recurrence rule \"{rule}\" repeats more than once a day; "
        "at most daily (FREQ=DAILY) is possible.",
    "Die Wiederholungsregel „{rule}“ ergibt keinen einzigen Termin.":
        "The recurrence rule \"{rule}\" yields no date at all.",
    "Die Wiederholungsregel „{rule}“ hat zu viele Termine (COUNT); möglich sind höchstens 3660.":
        "The recurrence rule \"{rule}\" has too many dates (COUNT); at most 3660 are possible.",
    "Eine Prozessbegleitung braucht eine Kita.": "A coaching visit needs a Kita.",
    "Ein Einrichtungsbesuch braucht eine Kita.": "An office visit needs a Kita.",
    "Bitte mindestens eine Prozessbegleiter*in wählen.": "Please choose at least one coach.",
    "Kita „{text}“ ist unbekannt: bitte aus der Liste wählen.":
        "Unknown Kita \"{text}\": please pick one from the list.",
    "„{text}“ passt auf mehrere Kitas: bitte aus der Liste wählen.":
        "\"{text}\" matches several Kitas: please pick one from the list.",
    "Bitte ein Datum angeben (z. B. 4.3. oder 04.03.2026).":
        "Please give a date (e.g. 4.3. or 04.03.2026).",
    "„{text}“ ist kein gültiges Datum (z. B. 4.3. oder 04.03.2026).":
        "\"{text}\" is not a valid date (e.g. 4.3. or 04.03.2026).",
    "Bitte eine Uhrzeit angeben (z. B. 9:30 oder 930).": "Please give a time (e.g. 9:30 or 930).",
    "„{text}“ ist keine gültige Uhrzeit (z. B. 9:30 oder 930).":
        "\"{text}\" is not a valid time (e.g. 9:30 or 930).",
    "Das Ende ({end}) liegt nicht nach dem Beginn ({start}).":
        "The end ({end}) is not after the start ({start}).",
    "Das Ende ({last}) liegt vor dem Beginn ({first}).":
        "The end ({last}) is before the start ({first}).",
    "Bitte eine ganze Zahl ab 1 angeben.": "Please give a whole number from 1.",
    "„{text}“ ist weder ein Datum noch eine Anzahl von Terminen (z. B. 31.12.2027 oder 10).":
        "“{text}” is neither a date nor a number of events (e.g. 31.12.2027 or 10).",
    "Bitte 1 bis {most} Termine angeben.": "Please give 1 to {most} events.",
    "Datum oder Anzahl, leer: nie": "date or number, empty: never",
    "Das Ende der Wiederholung ({until}) liegt vor dem Beginn ({first}).":
        "The series ends ({until}) before it starts ({first}).",
    "Der {day} ist nicht der letzte {weekday} im Monat.":
        "{day} is not the last {weekday} of the month.",
    "Bitte eine Regel angeben (z. B. FREQ=WEEKLY;BYDAY=MO).":
        "Please give a rule (e.g. FREQ=WEEKLY;BYDAY=MO).",
    "Der Grund": "The reason",
    # characters that control a terminal (store.text)
    "{label} enthält {char}{code}; solche Zeichen steuern Terminals und werden nicht "
    "gespeichert.": "{label} contains {char}{code}; such characters control terminals and "
    "are not saved.",
    "Die ID": "The id",
    "Der Titel": "The title",
    "Der Ort": "The location",
    "Die Notiz": "The note",
    "ein Escape-Zeichen": "an escape character",
    "ein Richtungssteuerzeichen": "a bidi control character",
    "Bytes, die kein UTF-8 sind": "bytes that are not UTF-8",
    "einen Zeilenumbruch": "a line break",
    "einen Tabulator": "a tab",
    "ein Steuerzeichen": "a control character",
}
