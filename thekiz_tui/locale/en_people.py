"""English for the office's lists and forms (coaches, Kitas, settings) and the first
steps in an empty store."""

from ..planning.settings import EXPLANATIONS

EN = {
    # forms
    "Neue*r Prozessbegleiter*in": "New coach",
    "Prozessbegleiter*in bearbeiten: {name}": "Edit coach: {name}",
    "Neue Kita": "New Kita",
    "Kita bearbeiten: {name}": "Edit Kita: {name}",
    "Einstellung {name}": "Setting {name}",
    "Die Änderungen verwerfen?": "Discard the changes?",
    "Verwerfen": "Discard",
    "Weiter bearbeiten": "Keep editing",
    "Name": "Name",
    "E-Mail": "E-mail",
    "Stundensatz €": "Hourly rate €",
    "Stundensatz": "Hourly rate",
    "Rolle": "Role",
    "Landkreis": "District",
    "Jahresbudget €": "Annual budget €",
    "Jahresbudget": "Annual budget",
    "Träger": "Provider",
    "Wert": "Value",
    "leer: nach Stufe": "empty: by stage",
    "Basisbegleitung": "Basic coaching",
    "Vertiefungsbegleitung": "In-depth coaching",
    "Konsultationseinrichtung": "Consultation centre",
    # lists
    "ID": "ID",
    "Prozessbegleiter*innen": "Coaches",
    "Gespeichert: {id}": "Saved: {id}",
    "Gelöscht: {id}": "Deleted: {id}",
    "„{id}“ löschen?": "Delete “{id}”?",
    "{why}; bitte zuerst umtragen.": "{why}; please reassign first.",
    "a/n neu · Enter/e bearbeiten · d/Entf löschen · Esc zurück":
        "a/n new · Enter/e edit · d/Del delete · Esc back",
    "Nur die Koordinationsstelle ändert diese Listen.":
        "Only the coordination office changes these lists.",
    "Einstellungen": "Settings",
    "Einstellung": "Setting",
    "Herkunft": "Source",
    "Bedeutung": "Meaning",
    "gesetzt": "set",
    "Standard": "default",
    "ungültig, bitte neu setzen": "invalid, please set again",
    "Enter/e ändert die gewählte Einstellung · Esc zurück":
        "Enter/e changes the chosen setting · Esc back",
    "Nur die Koordinationsstelle ändert die Einstellungen.":
        "Only the coordination office changes the settings.",
    # first steps
    "Erste Schritte": "First steps",
    "1. Prozessbegleiter*innen anlegen: c (oder thekiz coach add --name NAME)":
        "1. Add the coaches: c (or thekiz coach add --name NAME)",
    "2. Kitas anlegen, mit Landkreis, Stufe, Budget und Begleitung: k "
    "(oder thekiz kita add --name NAME)":
        "2. Add the Kitas, with district, stage, budget and coach: k "
        "(or thekiz kita add --name NAME)",
    "3. Den ersten Termin anlegen: n": "3. Add the first event: n",
    "4. Oder einen Kalender importieren: i (oder thekiz import DATEI)":
        "4. Or import a calendar: i (or thekiz import FILE)",
    "Einstellungen (Fahrzeit, Budgets, Arbeitszeit): s":
        "Settings (travel time, budgets, working hours): s",
    "Noch keine Prozessbegleiter*innen und Kitas: die Koordinationsstelle legt sie an.":
        "No coaches and Kitas yet: the coordination office adds them.",
    "Danach: den ersten Termin mit n anlegen oder mit i einen Kalender importieren "
    "(thekiz import DATEI).":
        "Then: add the first event with n or import a calendar with i "
        "(thekiz import FILE).",
    "Esc schließt diese Hilfe; ? zeigt alle Tasten.": "Esc closes this guide; ? shows every key.",
    # the settings' explanations (planning.settings.EXPLANATIONS)
    EXPLANATIONS["timezone"]: "Time zone of the events",
    EXPLANATIONS["travel_minutes"]:
        "Travel time in minutes to keep free between two events at different places",
    EXPLANATIONS["work_days"]: "Working days (0 = Monday … 6 = Sunday), comma-separated",
    EXPLANATIONS["work_start"]: "Start of the usual working hours (HH:MM)",
    EXPLANATIONS["work_end"]: "End of the usual working hours (HH:MM)",
    EXPLANATIONS["holiday_country"]: "Country of the public holidays",
    EXPLANATIONS["holiday_subdiv"]: "State of the public holidays",
    EXPLANATIONS["budget_basis"]: "Annual budget of a Kita in the basic stage (€)",
    EXPLANATIONS["budget_vertiefung"]: "Annual budget of a Kita in the in-depth stage (€)",
    EXPLANATIONS["budget_konsultation"]: "Annual budget in the consultation stage (€, empty: none)",
    EXPLANATIONS["basis_years"]: "Years in the basic stage",
    EXPLANATIONS["cadence_basis"]: "Visit rhythm in the basic stage (month or quarter)",
    EXPLANATIONS["cadence_vertiefung"]: "Visit rhythm in the in-depth stage (month or quarter)",
    EXPLANATIONS["cadence_horizon_months"]: "Months ahead for which missing visits are reported",
    EXPLANATIONS["recommended_hours_min"]: "Recommended shortest visit in hours",
    EXPLANATIONS["recommended_hours_max"]: "Recommended longest visit in hours",
    EXPLANATIONS["office_name"]: "Name of the coordination office",
    EXPLANATIONS["ministry_name"]: "Name of the ministry",
    EXPLANATIONS["calendar_name"]: "Name of the calendar in an export",
    EXPLANATIONS["reminder_minutes"]: "Reminder in the calendar feed, minutes before (0: none)",
    EXPLANATIONS["feed_past_months"]: "Months of the past in the calendar feed",
    EXPLANATIONS["feed_refresh_minutes"]: "How often a calendar should fetch the feed (minutes)",
    EXPLANATIONS["feed_base_url"]:
        "Address under which the calendar feed is reachable (empty: directly)",
}
