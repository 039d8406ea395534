"""Text from people is data, never terminal control.

One person's title, place or note is shown on another person's terminal (the coordination
office's planner, ``thekiz list`` over SSH). A C0 or C1 control character in it (ESC starts
every escape sequence: OSC 52 sets the clipboard, CSI erases or forges lines) or a bidi
override (U+202E shows text backwards) would act on that terminal. Two rules, here only:

- :func:`text_problem` refuses such characters where a person types text (the CLI, the
  event form, a paste): tab is allowed, newline only where a field has lines (notes).
- :func:`neutral` makes stored or client-supplied text harmless wherever it is read or shown:
  every such character becomes U+FFFD (visible, one column), tab a space, and a newline a
  space unless the text has lines. The records neutralise their text when they are read from
  the store (:mod:`store.records`), so a store written before these rules is safe to open;
  every writer of a terminal line neutralises what it quotes as well.

Rich's ``Text`` strips only some of these characters; ESC passes (see STYLE.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

_T = TypeVar("_T")

# C0 (without tab and newline, which are handled apart), DEL, C1; the bidi embeddings,
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069). The marks LRM/RLM only mark.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
# Lone surrogates: bytes of a command line or file that are no UTF-8 (Python keeps them
# as U+DC80–U+DCFF); no terminal can show them and no JSON file can hold them.
_SURROGATE = "\ud800-\udfff"
UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}{_SURROGATE}]")
"""Characters that never reach a terminal from a person's text."""
_UNSAFE_OR_BREAK = re.compile(f"[{_CONTROL}{_BIDI}{_SURROGATE}\t\n]")
REPLACEMENT = "\ufffd"


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char in "\t\n" else REPLACEMENT


def neutral(text: str, *, lines: bool = False) -> str:
    """``text`` without terminal control: unsafe characters as U+FFFD, tab as a space,
    newline as a space unless ``lines`` (a note keeps its lines). Cheap for clean text."""
    if text.isprintable():  # (the common case; False for every character handled here)
        return text
    if lines:
        text = text.replace("\r\n", "\n").replace("\t", " ")
        return UNSAFE.sub(REPLACEMENT, text)
    return _UNSAFE_OR_BREAK.sub(_replace, text)


def neutral_any(value: _T) -> _T:
    """:func:`neutral` for a string, the value itself for anything else (ids in lists,
    numbers); for fields read from a file that may hold anything."""
    return neutral(value) if isinstance(value, str) else value  # type: ignore[return-value]


UNSAFE_TEMPLATE = (
    "{label} enthält {char}{code}; solche Zeichen steuern Terminals und werden nicht "
    "gespeichert."
)
"""The reason :func:`text_problem` gives; ``char`` and ``code`` are :func:`char_parts`
of the character (for callers that keep a template with its values and translate them,
as the event form's problems do)."""


def char_parts(char: str) -> tuple[str, str]:
    """The German words for a refused character, and its code as the reason shows it
    (`` (U+202E)``; empty where the words say it all)."""
    code = f" (U+{ord(char):04X})"
    if char == "\x1b":
        return "ein Escape-Zeichen", " (ESC)"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "ein Richtungssteuerzeichen", code
    if "\ud800" <= char <= "\udfff":
        return "Bytes, die kein UTF-8 sind", ""
    if char == "\n":
        return "einen Zeilenumbruch", ""
    if char == "\t":
        return "einen Tabulator", ""
    return "ein Steuerzeichen", code


def char_words(char: str) -> str:
    """The German words for a refused character, as the reason names it."""
    words, code = char_parts(char)
    return words + code


def unsafe_char(text: str, *, lines: bool = False, word: bool = False) -> str | None:
    """The first character of ``text`` that a person may not type into a field, or None.
    Tab is allowed except in a ``word`` (an id); newline (also as CR LF) only with
    ``lines`` (a carriage return alone would overwrite the line before it)."""
    if text.isprintable():
        return None
    for index, char in enumerate(text):
        if char == "\t" and not word:
            continue
        if lines and (char == "\n" or text.startswith("\r\n", index)):
            continue
        if char in "\t\n" or UNSAFE.match(char):
            return char
    return None


def text_problem(
    label: str, text: str, *, lines: bool = False, word: bool = False
) -> str | None:
    """The German reason why ``text`` typed into the field ``label`` is refused, or None.
    ``word``: the field is an id (of an event, a coach, a Kita), where a tab is refused."""
    char = unsafe_char(text, lines=lines, word=word)
    if char is None:
        return None
    words, code = char_parts(char)
    return UNSAFE_TEMPLATE.format(label=label, char=words, code=code)


def removed_count(texts: Iterable[str], *, lines: bool = False) -> int:
    """How many characters :func:`neutral` would replace in ``texts`` (for the import's
    summary: a file's control characters are removed, and it says so)."""
    total = 0
    for text in texts:
        if text.isprintable():
            continue
        pattern = UNSAFE if lines else _UNSAFE_OR_BREAK
        total += sum(1 for m in pattern.finditer(text) if lines or m.group() not in "\t\n")
    return total
