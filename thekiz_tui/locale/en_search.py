"""English for the search (``/`` in the planner, ``thekiz search``)."""

EN = {
    "Nichts gefunden.": "Nothing found.",
}
