"""The planner's words: German first, English on request.

German text is the key (as with gettext), so the code reads as the user sees it::

    tr("Termin gespeichert")            # "Termin gespeichert" or "Event saved"
    tr("{n} weitere", n=3)              # formatting after translation

The English catalogue is the union of the ``EN`` dicts of the modules
``thekiz_tui/locale/en_*.py`` (one per area of the UI, so that areas do not share a file).
``tests/test_i18n.py`` checks that every ``tr("…")`` literal has an English entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

LANGS = ("de", "en")
_state = {"lang": "de"}


def set_lang(lang: str) -> None:
    _state["lang"] = lang if lang in LANGS else "de"


def lang() -> str:
    return _state["lang"]


@cache
def catalogue() -> dict[str, str]:
    from . import locale

    merged: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(locale.__path__), key=lambda m: m.name):
        if info.name.startswith("en_"):
            module = importlib.import_module(f"{locale.__name__}.{info.name}")
            merged.update(module.EN)
    return merged


def tr(text: str, /, **values: object) -> str:
    """``text`` in the current language, then ``str.format(**values)`` if given."""
    if _state["lang"] == "en":
        text = catalogue().get(text, text)
    return text.format(**values) if values else text
