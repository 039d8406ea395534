"""Thuringian public holidays by date, from the ``holidays`` package.

The package is imported lazily (it costs start-up time) and asked once per year. The
language is always passed, because otherwise the names follow ``LANG``: the names are the
package's own, in thekiz's language (``None``: the current one, ``i18n``) — the package
names German holidays in English too ("Christmas Day"), so the catalogue need not.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

# thekiz's languages as the package spells them (it has no plain "en" for Germany)
_PACKAGE_LANGUAGE = {"de": "de", "en": "en_US"}


def _language(language: str | None) -> str:
    from ..i18n import lang

    return language or lang()


def holidays_in_year(
    year: int, country: str = "DE", subdiv: str | None = "TH", language: str | None = None
) -> dict[str, str]:
    """ISO date text → holiday name, for one year. Do not mutate the result."""
    return _holidays_in_year(year, country, subdiv, _language(language))


@lru_cache(maxsize=256)
def _holidays_in_year(year: int, country: str, subdiv: str | None,
                      language: str) -> dict[str, str]:
    import holidays as holidays_package

    found = holidays_package.country_holidays(
        country, subdiv=subdiv, years=year,
        language=_PACKAGE_LANGUAGE.get(language, language),
    )
    return {day.isoformat(): str(name) for day, name in sorted(found.items())}


def holiday_name(
    day: date | str, country: str = "DE", subdiv: str | None = "TH",
    language: str | None = None,
) -> str | None:
    """The public holiday's name on that day, or None."""
    text = day if isinstance(day, str) else day.isoformat()
    return holidays_in_year(int(text[:4]), country, subdiv, language).get(text[:10])


class HolidayLookup:
    """Fast lookups by ISO date text for hot loops: one dict per year, filled lazily."""

    __slots__ = ("_by_day", "_years", "country", "language", "subdiv")

    def __init__(self, country: str = "DE", subdiv: str | None = "TH",
                 language: str | None = None):
        self.country = country
        self.subdiv = subdiv
        self.language = _language(language)
        self._by_day: dict[str, str] = {}
        self._years: set[str] = set()

    def get(self, day: str) -> str | None:
        year = day[:4]
        if year not in self._years:
            self._years.add(year)
            self._by_day.update(
                holidays_in_year(int(year), self.country, self.subdiv, self.language)
            )
        return self._by_day.get(day)
