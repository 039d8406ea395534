"""Every German text the UI translates has an English entry, and English really shows."""

from __future__ import annotations

import ast
from pathlib import Path

from thekiz_tui import i18n
from thekiz_tui.keys import PLANNER
from thekiz_tui.planning.labels import RULE_LABELS

ROOT = Path(__file__).resolve().parent.parent / "thekiz_tui"


def tr_literals() -> dict[str, str]:
    """``tr("…")`` first arguments in the UI code, with where they are."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "locale" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


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
