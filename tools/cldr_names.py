"""Write thekiz_tui/planning/cldr.py: the calendar words thekiz shows (weekday and month
names, the date pattern of its tables), taken from Babel's CLDR data.

Run after upgrading Babel (tests/test_english.py fails when the file and Babel differ):

    $ .venv/bin/python tools/cldr_names.py
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import babel

TARGET = Path(__file__).resolve().parent.parent / "thekiz_tui" / "planning" / "cldr.py"
LOCALES = {"de": "de_DE", "en": "en_GB"}


def from_babel(lang: str) -> dict[str, tuple[str, ...] | str]:
    """The calendar words of ``lang`` as Babel's CLDR data has them: weekday and month
    names (Monday first, January first) and the patterns of a date in a table
    (``yMMdd``), of a day in a week (``MMdd``) and of a month's title (``yMMMM``), as
    %-format strings over CLDR fields."""
    from babel import Locale

    locale = Locale.parse(LOCALES[lang])
    days, months = locale.days["stand-alone"], locale.months["stand-alone"]
    skeletons = locale.datetime_skeletons
    date_pattern = skeletons.get("yMMdd") or skeletons["yMd"]
    return {
        "weekdays": tuple(days["abbreviated"][i] for i in range(7)),
        "weekdays_wide": tuple(locale.days["format"]["wide"][i] for i in range(7)),
        "months": tuple(months["wide"][i] for i in range(1, 13)),
        "months_short": tuple(months["abbreviated"][i] for i in range(1, 13)),
        "date": date_pattern.format,
        "day_month": skeletons["MMdd"].format,
        "month_title": skeletons["yMMMM"].format,
    }


def _value(value: tuple[str, ...] | str) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    items = ", ".join(json.dumps(v, ensure_ascii=False) for v in value)
    return "(\n" + textwrap.fill(items, 96, initial_indent=" " * 12,
                                 subsequent_indent=" " * 12) + ",\n        )"


def source() -> str:
    lines = [
        f'"""Calendar words from CLDR, written by tools/cldr_names.py from Babel '
        f'{babel.__version__}:',
        'do not edit (see ``planning.labels``)."""',
        "",
    ]
    for name, kind, wanted in (("NAMES", "tuple[str, ...]", tuple), ("PATTERNS", "str", str)):
        lines.append(f"{name}: dict[str, dict[str, {kind}]] = {{")
        for lang in LOCALES:
            lines.append(f'    "{lang}": {{')
            lines += [f'        "{key}": {_value(value)},'
                      for key, value in from_babel(lang).items() if isinstance(value, wanted)]
            lines.append("    },")
        lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(source(), encoding="utf-8")
    print(f"written: {TARGET}")
