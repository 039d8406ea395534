"""The words of thekiz: German first, English on request, through gettext.

German text is the message id, so the code reads as the user sees it::

    tr("Termin gespeichert")                      # "Termin gespeichert" or "Event saved"
    tr("{n} weitere", n=3)                        # formatting after translation
    trn("{n} Befund", "{n} Befunde", 3)           # real plurals, in either language

The English catalogue is ``locale/en/LC_MESSAGES/thekiz.po``, a gettext file that
translators edit with their own tools. ``make`` compiles it to ``thekiz.mo``; where no
.mo is (a plain checkout) or the .po is newer, the .po is compiled in memory on first use
(Babel), so the words are never out of date. ``tests/test_i18n.py`` checks that every
``tr``/``trn`` literal has an English entry and that the placeholders agree.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

LANGS = ("de", "en")
DOMAIN = "thekiz"
LOCALE = Path(__file__).resolve().parent / "locale"
_state = {"lang": "de"}


def set_lang(lang: str) -> None:
    _state["lang"] = lang if lang in LANGS else "de"


def lang() -> str:
    return _state["lang"]


def po_path(lang: str = "en") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``: its .mo if it is not older than the .po,
    else the .po compiled now."""
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return gettext.GNUTranslations(file)
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


_GERMAN = gettext.NullTranslations()  # German is the message id: n != 1 is the plural


def tr(text: str, /, **values: object) -> str:
    """``text`` in the current language, then ``str.format(**values)`` if given."""
    if _state["lang"] == "en":
        text = _translations("en").gettext(text)
    return text.format(**values) if values else text


def tr_in(lang: str, text: str, /) -> str:
    """``text`` in ``lang``, whatever the current language (a label the caller was told
    the language of)."""
    return _translations("en").gettext(text) if lang == "en" else text


def trn(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The singular or plural form for ``n`` in the current language, formatted with
    ``n`` and ``values``: ``trn("{n} Befund", "{n} Befunde", 3)`` is "3 Befunde"."""
    source = _translations("en") if _state["lang"] == "en" else _GERMAN
    return source.ngettext(singular, plural, n).format(n=n, **values)


def catalogue(lang: str = "en") -> dict[str, str]:
    """Every translated text of ``lang`` (German message id → text), from its .po; a
    plural entry counts with its singular id and its first form."""
    from babel.messages.pofile import read_po

    po = po_path(lang)
    if not po.exists():
        return {}
    with po.open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)
    out: dict[str, str] = {}
    for message in catalog:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(
            message.string or ())
        if not ids[0] or not any(strings):
            continue
        out[ids[0]] = strings[0]
        if len(ids) > 1:
            out[ids[1]] = strings[-1]
    return out
