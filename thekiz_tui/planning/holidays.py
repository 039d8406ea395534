"""Thuringian public holidays by date, from the ``holidays`` package.

The package is imported lazily (it costs start-up time) and asked once per year. The
language is always passed, because otherwise the names follow ``LANG``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=256)
def holidays_in_year(
    year: int, country: str = "DE", subdiv: str | None = "TH", language: str = "de"
) -> dict[str, str]:
    """ISO date text → holiday name, for one year. Do not mutate the result."""
    import holidays as holidays_package

    found = holidays_package.country_holidays(
        country, subdiv=subdiv, language=language, years=year
    )
    return {day.isoformat(): str(name) for day, name in sorted(found.items())}


def holiday_name(
    day: date | str, country: str = "DE", subdiv: str | None = "TH", language: str = "de"
) -> str | None:
    """The public holiday's name on that day, or None."""
    text = day if isinstance(day, str) else day.isoformat()
    return holidays_in_year(int(text[:4]), country, subdiv, language).get(text[:10])


class HolidayLookup:
    """Fast lookups by ISO date text for hot loops: one dict per year, filled lazily."""

    __slots__ = ("_by_day", "_years", "country", "language", "subdiv")

    def __init__(self, country: str = "DE", subdiv: str | None = "TH", language: str = "de"):
        self.country = country
        self.subdiv = subdiv
        self.language = language
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
