"""English for the search (``/`` in the planner, ``thekiz search``)."""

EN = {
    "Nichts gefunden.": "Nothing found.",
    "Suchen": "Search",
    "Titel, Notiz, Ort, Kita oder Name": "Title, note, place, Kita or name",
    "Alle Jahre; Groß-/Kleinschreibung und Akzente egal.":
        "Every year; case and accents do not matter.",
    "1 Treffer": "1 hit",
    "{n} Treffer": "{n} hits",
    "{n} Treffer, die ersten {shown} stehen hier": "{n} hits, the first {shown} are listed",
    "(ohne Titel)": "(no title)",
    "[abgesagt]": "[cancelled]",
}
