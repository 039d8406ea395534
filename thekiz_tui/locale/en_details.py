"""English for the read-only details of an event (``thekiz_tui/dialogs/details.py``)."""

EN: dict[str, str] = {
    "Termin ansehen (nur lesen)": "Event details (read only)",
}
