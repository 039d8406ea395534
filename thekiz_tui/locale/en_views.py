"""English for the month, week and agenda views (``thekiz_tui/widgets/{month,week,agenda,
style}.py``)."""

from __future__ import annotations

EN: dict[str, str] = {
    # month names (timeutil.MONTHS_DE) for the month's title
    "Januar": "January",
    "Februar": "February",
    "März": "March",
    "April": "April",
    "Mai": "May",
    "Juni": "June",
    "Juli": "July",
    "August": "August",
    "September": "September",
    "Oktober": "October",
    "November": "November",
    "Dezember": "December",
    # weekdays (timeutil.WEEKDAYS_DE) for the column and day headers
    "Mo": "Mon",
    "Di": "Tue",
    "Mi": "Wed",
    "Do": "Thu",
    "Fr": "Fri",
    "Sa": "Sat",
    "So": "Sun",
    # cells and lines
    "+{n} weitere": "+{n} more",
    "heute": "today",
    "keine Termine": "no events",
    "ganztägig": "all day",
    "quittiert": "acknowledged",
    "abgesagt": "cancelled",
    # severities (style.SEVERITY_LABELS)
    "Fehler": "Error",
    "Warnung": "Warning",
    "Hinweis": "Note",
    # rules (planning.labels.RULE_LABELS)
    "Doppelbuchung": "Double booking",
    "Kita doppelt belegt": "Kita double-booked",
    "Fahrtzeit": "Travel time",
    "Feiertag": "Public holiday",
    "Wochenende": "Weekend",
    "Arbeitszeit": "Working hours",
    "Begleitungslücke": "Coaching gap",
    "Budget": "Budget",
}
