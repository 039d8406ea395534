"""iCalendar (RFC 5545) export and import. No Textual here."""

from .export import KIND_NAMES, STATUS_TO_ICAL, SUBTYPE_NAMES, export_calendar
from .importer import (
    MAX_BYTES,
    MAX_COMPONENTS,
    IcalError,
    ImportPlan,
    apply_import,
    import_calendar,
    parse_calendar,
    plan_import,
)
from .vtimezone import vtimezone_lines

__all__ = [
    "KIND_NAMES",
    "MAX_BYTES",
    "MAX_COMPONENTS",
    "STATUS_TO_ICAL",
    "SUBTYPE_NAMES",
    "IcalError",
    "ImportPlan",
    "apply_import",
    "export_calendar",
    "import_calendar",
    "parse_calendar",
    "plan_import",
    "vtimezone_lines",
]
