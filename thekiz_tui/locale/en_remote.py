"""English for the planner of an SSH login, which reads and writes no server files."""

EN: dict[str, str] = {
    "Nicht über SSH: Der Planer speichert keine Dateien auf dem Server. Ihren Kalender holen "
    "Sie auf Ihrem Rechner mit: ssh … export > meine-termine.ics":
        "Not over SSH: the planner saves no files on the server. To get your calendar, "
        "run on your computer: ssh … export > my-events.ics",
    "Nicht über SSH: Der Planer liest keine Dateien des Servers. Termine aus .ics-Dateien "
    "importiert die Koordinationsstelle.":
        "Not over SSH: the planner reads no files of the server. The coordination office "
        "imports events from .ics files.",
    "Nicht über SSH: Der Planer speichert keine Dateien auf dem Server. Den Bericht holen "
    "Sie auf Ihrem Rechner mit: ssh … report --month {month} --format csv > bericht.csv":
        "Not over SSH: the planner saves no files on the server. To get the report, run on "
        "your computer: ssh … report --month {month} --format csv > report.csv",
}
