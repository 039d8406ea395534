"""Calendar words from CLDR, written by tools/cldr_names.py from Babel 2.19.0:
do not edit (see ``planning.labels``)."""

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "weekdays": (
            "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So",
        ),
        "weekdays_wide": (
            "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
        ),
        "months": (
            "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
            "Oktober", "November", "Dezember",
        ),
        "months_short": (
            "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
        ),
    },
    "en": {
        "weekdays": (
            "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
        ),
        "weekdays_wide": (
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        ),
        "months": (
            "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December",
        ),
        "months_short": (
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec",
        ),
    },
}
PATTERNS: dict[str, dict[str, str]] = {
    "de": {
        "date": "%(dd)s.%(MM)s.%(y)s",
        "day_month": "%(dd)s.%(MM)s.",
        "month_title": "%(MMMM)s %(y)s",
    },
    "en": {
        "date": "%(dd)s/%(MM)s/%(y)s",
        "day_month": "%(dd)s/%(MM)s",
        "month_title": "%(MMMM)s %(y)s",
    },
}
