"""English for the Kita overview and the month report (screens/kitas.py, screens/report.py)."""

EN: dict[str, str] = {
    # Kita overview: keys
    "Kitas": "Kitas",
    "Termine der Kita": "Events of the Kita",
    "Jahr zurück": "Year back",
    "Jahr vor": "Year on",
    "Schließen": "Close",
    # Kita overview: table
    "Kitas {year}  (Stand {today})": "Kitas {year}  (as of {today})",
    "Kitas werden geladen ...": "Loading the Kitas ...",
    "Kitas konnten nicht geladen werden: {error}": "Could not load the Kitas: {error}",
    "Keine Kitas im Plan.": "No Kitas in the plan.",
    "Kita": "Kita",
    "Stufe": "Stage",
    "seit": "since",
    "Letzter": "Last",
    "Nächster": "Next",
    "ohne Besuch": "no visit",
    "Budget {year}": "Budget {year}",
    "Empf. e/g/f": "Rec. d/p/m",
    "Begleitung": "Coach",
    "Kreis": "District",
    "kein Budget": "no budget",
    "{amount} frei": "{amount} left",
    "{amount} über": "{amount} over",
    # Kita overview: detail
    "seit {day}": "since {day}",
    "Budget {year}: kein Budget für diese Stufe, verbraucht {used}":
        "Budget {year}: no budget for this stage, used {used}",
    "Budget {year}: {used} von {budget} verbraucht, {amount} über dem Budget":
        "Budget {year}: {used} of {budget} used, {amount} over budget",
    "Budget {year}: {used} von {budget} verbraucht, {amount} frei":
        "Budget {year}: {used} of {budget} used, {amount} left",
    "Letzter Besuch: {last}, nächster Besuch: {next}": "Last visit: {last}, next visit: {next}",
    "Ohne Besuchsrhythmus (keine Pflichtbesuche)": "No visit cadence (no required visits)",
    "Kein Monat ohne Besuch": "No month without a visit",
    "Kein Quartal ohne Besuch": "No quarter without a visit",
    "Monate ohne Besuch": "Months without a visit",
    "Quartale ohne Besuch": "Quarters without a visit",
    "Empfehlungen {year}: {done} erledigt, {planned} geplant, {missing} fehlen":
        "Recommendations {year}: {done} done, {planned} planned, {missing} missing",
    "erledigt": "done",
    "geplant": "planned",
    "fehlt": "missing",
    # month report: keys
    "Bericht": "Report",
    "Vorheriger Monat": "Previous month",
    "Nächster Monat": "Next month",
    "Begleiter*in wählen": "Choose coach",
    "Als CSV speichern": "Save as CSV",
    # month report: screen
    "Stundennachweis {month} {year} - {coach}": "Hours {month} {year} - {coach}",
    "Begleiter*in:": "Coach:",
    "Alle Prozessbegleiter*innen": "All coaches",
    "Besuche": "Visits",
    "Stunden": "Hours",
    "Honorar": "Fee",
    "Budget Jahr": "Budget year",
    "verbraucht": "used",
    "übrig": "left",
    "Kita-Std.": "Kita hrs",
    "Empf. e/g/o": "Rec. d/p/o",
    "Summe": "Total",
    "unter": "below",
    "im Rahmen": "within",
    "über": "above",
    "Adresse": "Address",
    "Kita-Std.: Prozessbegleitung der Kita im Monat (alle Begleiter*innen), "
    "empfohlen {low}-{high} Stunden.":
        "Kita hrs: the Kita's coaching in the month (all coaches), recommended "
        "{low}-{high} hours.",
    "Empf.: erledigt/geplant/offen im Jahr.": "Rec.: done/planned/open in the year.",
    "{hidden}: Budget und Empfehlungen einer Kita, die Sie nicht begleiten, sieht die "
    "Koordinationsstelle.":
        "{hidden}: the budget and recommendations of a Kita you do not accompany are "
        "for the coordination office.",
    "Keine Prozessbegleitung in diesem Monat.": "No coaching visits in this month.",
    "Bericht konnte nicht erstellt werden: {error}": "Could not build the report: {error}",
    "Der Bericht wird noch erstellt.": "The report is still being built.",
    # month report: CSV
    "Bericht als CSV speichern unter:": "Save the report as CSV to:",
    "Enter speichert, Escape bricht ab.": "Enter saves, Escape cancels.",
    "Bitte einen Dateinamen angeben.": "Please enter a file name.",
    "Abbrechen": "Cancel",
    "Speichere {path} ...": "Saving {path} ...",
    "Gespeichert: {path}": "Saved: {path}",
    "Speichern fehlgeschlagen: {reason}": "Could not save: {reason}",
}
