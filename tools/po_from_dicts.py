"""Move the English entries of ``thekiz_tui/locale/en_*.py`` into the gettext catalogue
``thekiz_tui/locale/en/LC_MESSAGES/thekiz.po`` (and delete those modules).

A one-off step for texts written the old way (a dict beside the code): translators work
on the .po with their own tools (Poedit, Lokalize, Weblate); thekiz reads it compiled.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "thekiz_tui" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "thekiz.po"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if PO.exists():
        with PO.open("rb") as file:
            catalog = read_po(file, locale="en")
    else:
        catalog = Catalog(locale="en", domain="thekiz", project="thekiz",
                          msgid_bugs_address="", charset="utf-8")
    modules = sorted(LOCALE.glob("en_*.py"))
    for path in modules:
        module = importlib.import_module(f"thekiz_tui.locale.{path.stem}")
        for german, english in module.EN.items():
            catalog.add(german, english, auto_comments=[f"from {path.name}"])
    catalog.project, catalog.version = "thekiz", ""
    catalog.last_translator = catalog.language_team = "thekiz"
    catalog.msgid_bugs_address = ""
    with PO.open("wb") as file:
        write_po(file, catalog, width=100, sort_output=True, omit_header=False)
    for path in modules:
        path.unlink()
    print(f"{len(catalog)} entries in {PO.relative_to(ROOT)}; removed {len(modules)} modules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
