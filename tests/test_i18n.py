"""Every German text the UI translates has an English entry, and English really shows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from thekiz_tui import i18n
from thekiz_tui.keys import PLANNER
from thekiz_tui.planning.labels import RULE_LABELS

ROOT = Path(__file__).resolve().parent.parent / "thekiz_tui"


def tr_literals() -> dict[str, str]:
    """``tr("…")`` first arguments and ``trn("…", "…", n)`` singular and plural in the
    code, with where they are."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            count = {"tr": 1, "trn": 2}.get(node.func.id, 0)
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.name}:{node.lineno}")
    return found


def test_the_catalogue_is_a_gettext_file_with_real_plurals() -> None:
    from babel.messages.pofile import read_po

    with i18n.po_path("en").open("rb") as file:
        catalog = read_po(file, locale="en")
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n != 1)"
    plurals = [m for m in catalog if isinstance(m.id, tuple)]
    assert len(plurals) >= 3
    # no "(e)" or "(s)" makeshift plurals in either language
    for message in catalog:
        for text in (*(message.id if isinstance(message.id, tuple) else (message.id,)),
                     *(message.string if isinstance(message.string, tuple)
                       else (message.string,))):
            assert "(e)" not in text and "(s) " not in text and "(en) " not in text, text


def test_plurals_follow_the_number() -> None:
    try:
        for lang, one, many in (("de", "1 Befund quittiert.", "3 Befunde quittiert."),
                                ("en", "1 finding acknowledged.", "3 findings acknowledged.")):
            i18n.set_lang(lang)
            assert i18n.trn("{n} Befund quittiert.", "{n} Befunde quittiert.", 1) == one
            assert i18n.trn("{n} Befund quittiert.", "{n} Befunde quittiert.", 3) == many
    finally:
        i18n.set_lang("de")


def test_every_translated_text_has_english() -> None:
    catalogue = i18n.catalogue()
    wanted = dict(tr_literals())
    for action in PLANNER:
        wanted.setdefault(action.description, f"keys.py {action.id}")
        wanted.setdefault(action.group, f"keys.py {action.id}")
    for label in RULE_LABELS.values():
        wanted.setdefault(label, "labels.RULE_LABELS")
    missing = {text: where for text, where in wanted.items() if text not in catalogue}
    assert not missing, f"without English: {missing}"
    assert len(wanted) > 50  # the scan finds the UI's texts at all


def test_english_keeps_placeholders() -> None:
    import string

    fields = string.Formatter()
    for german, english in i18n.catalogue().items():
        names_de = {f for _, f, _, _ in fields.parse(german) if f}
        names_en = {f for _, f, _, _ in fields.parse(english) if f}
        assert names_de == names_en, (german, english)


def test_tr_follows_the_language() -> None:
    try:
        i18n.set_lang("en")
        assert i18n.tr("Rückgängig: {what}", what="x") == "Undone: x"
        i18n.set_lang("de")
        assert i18n.tr("Rückgängig: {what}", what="x") == "Rückgängig: x"
        i18n.set_lang("fr")  # unknown: German
        assert i18n.lang() == "de"
    finally:
        i18n.set_lang("de")


def test_the_catalogue_names_each_german_text_once() -> None:
    # Merged branches each append their entries: a text entered twice compiles, and the
    # later English silently wins (or a translator edits the one that is not used).
    po = Path(i18n.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "thekiz.po"
    entries = re.findall(r'^msgid ((?:".*"\n)+)', po.read_text(encoding="utf-8") + "\n", re.M)
    seen: dict[str, int] = {}
    for entry in entries:
        text = "".join(re.findall(r'"(.*)"', entry))
        if text:
            seen[text] = seen.get(text, 0) + 1
    assert len(seen) > 800
    assert [text for text, count in seen.items() if count > 1] == []
