"""Realistic benchmark data: ~10 coaches, ~70 Kitas, events over ~10 years.

Used when ``thekiz_tui.demo`` offers no generator. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from store import Coach, Event, Kita

TZ = "Europe/Berlin"
_ZONE = ZoneInfo(TZ)
DISTRICTS = (
    "Erfurt", "Weimar", "Jena", "Gera", "Gotha", "Eisenach", "Nordhausen", "Suhl",
    "Weimarer Land", "Saale-Holzland-Kreis", "Ilm-Kreis", "Wartburgkreis",
    "Unstrut-Hainich-Kreis", "Saalfeld-Rudolstadt",
)
KITA_NAMES = (
    "Sonnenschein", "Regenbogen", "Pusteblume", "Spatzennest", "Kunterbunt",
    "Zwergenland", "Löwenzahn", "Wichtelhaus", "Sternschnuppe", "Villa Kunterbunt",
)
FIRST = ("Anna", "Ben", "Carla", "David", "Elif", "Frank", "Greta", "Hanna", "Ilse", "Jonas")
LAST = ("Schmidt", "Müller", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch",
        "Richter", "Klein")


def stamp(day: date, hour: int, minute: int = 0) -> str:
    """Local wall time with its UTC offset, as the store keeps it."""
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_ZONE)
    return moment.isoformat()


def people(seed: int = 1) -> tuple[list[Coach], list[Kita]]:
    rng = random.Random(seed)
    coaches = [
        Coach(id=f"c-{i:02d}", name=f"{FIRST[i % 10]} {LAST[(i * 3) % 10]}",
              email=f"pb{i}@example.org", rate=float(rng.choice((55, 60, 62.5, 70))))
        for i in range(10)
    ]
    kitas = [
        Kita(id=f"k-{i:02d}",
             name=f"Kita {KITA_NAMES[i % 10]} {DISTRICTS[i % len(DISTRICTS)]}",
             district=DISTRICTS[i % len(DISTRICTS)],
             stage=("basis", "vertiefung", "konsultation")[i % 3],
             since=f"{2019 + i % 6}-08-01", coach=coaches[i % 10].id,
             budget=(5000.0, 2500.0, None)[i % 3])
        for i in range(70)
    ]
    return coaches, kitas


def events(count: int = 50_000, seed: int = 1, first_year: int = 2020,
           years: int = 10) -> list[Event]:
    """``count`` events from January of ``first_year`` over ``years`` years, mostly
    coaching visits on working days, plus trainings, conferences, office visits,
    private blockers and some recurring working groups."""
    rng = random.Random(seed)
    coaches, kitas = people(seed)
    out: list[Event] = []
    start_day = date(first_year, 1, 1)
    span_days = years * 365

    # Recurring: quarterly regional working groups, a monthly jour fixe per coach.
    for region in range(6):
        day = start_day + timedelta(days=30 + region * 7)
        while day.weekday() != 1:
            day += timedelta(days=1)
        out.append(Event(
            id=f"e-ak-{region}", kind="arbeitskreis", start=stamp(day, 14), end=stamp(day, 16),
            title=f"Arbeitskreis ThEKiZ Region {region + 1}", tz=TZ,
            coaches=[c.id for c in coaches[region % 5::5]], location="Erfurt",
            rrule="FREQ=MONTHLY;INTERVAL=3", exdates=[], uid=f"e-ak-{region}@bench",
        ))
    for c in coaches:
        day = start_day + timedelta(days=rng.randrange(28))
        out.append(Event(
            id=f"e-jf-{c.id}", kind="sonstiges", start=stamp(day, 8), end=stamp(day, 9),
            title="Jour fixe", tz=TZ, coaches=[c.id],
            rrule=f"FREQ=MONTHLY;COUNT={12 * years}", uid=f"e-jf-{c.id}@bench",
        ))

    i = 0
    while len(out) < count:
        i += 1
        day = start_day + timedelta(days=rng.randrange(span_days))
        if day.weekday() >= 5 and rng.random() < 0.9:
            continue
        roll = rng.random()
        kita = rng.choice(kitas)
        if roll < 0.72:
            hour = rng.randint(8, 15)
            length = rng.choice((60, 90, 120, 120, 180))
            end = datetime(day.year, day.month, day.day, hour, tzinfo=_ZONE) + timedelta(
                minutes=length)
            out.append(Event(
                id=f"e-{i:06d}", kind="begleitung", start=stamp(day, hour),
                end=end.isoformat(), title=f"Prozessbegleitung {kita.name}", tz=TZ,
                coaches=[kita.coach or coaches[0].id], kita=kita.id,
                location=kita.district, status=rng.choice(
                    ("geplant", "bestaetigt", "durchgefuehrt", "durchgefuehrt")),
            ))
        elif roll < 0.82:
            subtype = rng.choice(("fachkraft", "reflexion", "vernetzung", "auftakt-team",
                                  "auftakt-eltern", "auftakt-traeger"))
            out.append(Event(
                id=f"e-{i:06d}", kind="fortbildung", subtype=subtype,
                start=stamp(day, 9), end=stamp(day, 15), title=f"Fortbildung {subtype}",
                tz=TZ, coaches=rng.sample([c.id for c in coaches], 2),
                participants=[k.id for k in rng.sample(kitas, 4)], location="Weimar",
            ))
        elif roll < 0.86:
            days = rng.choice((1, 1, 2))
            out.append(Event(
                id=f"e-{i:06d}", kind="fachtag", start=day.isoformat(),
                end=(day + timedelta(days=days)).isoformat(), all_day=True,
                title="Fachtag ThEKiZ", tz=TZ,
                coaches=[c.id for c in rng.sample(coaches, 3)], location="Erfurt",
            ))
        elif roll < 0.90:
            hour = rng.randint(9, 13)
            out.append(Event(
                id=f"e-{i:06d}", kind="einrichtungsbesuch", start=stamp(day, hour),
                end=stamp(day, hour + 2), title=f"Einrichtungsbesuch {kita.name}", tz=TZ,
                kita=kita.id, location=kita.district,
            ))
        else:
            hour = rng.randint(7, 18)
            out.append(Event(
                id=f"e-{i:06d}", kind="sonstiges", start=stamp(day, hour),
                end=stamp(day, hour + 1), title="privat", tz=TZ,
                coaches=[rng.choice(coaches).id], free=rng.random() < 0.2,
                source="import",
            ))
    return out


def yearly_rules_ics(count: int = 36) -> bytes:
    """An iCalendar file of ``count`` yearly series (birthdays, Kita anniversaries) that
    start in 2000–2004, as a calendar program exports them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//thekiz bench//DE"]
    for n in range(count):
        day = date(2000 + n % 5, n % 12 + 1, n % 28 + 1)
        lines += [
            "BEGIN:VEVENT", f"UID:yearly-{n}@bench.thekiz", "DTSTAMP:20250101T000000Z",
            f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T{9 + n % 8:02d}0000",
            f"DTEND;TZID=Europe/Berlin:{day:%Y%m%d}T{10 + n % 8:02d}0000",
            "RRULE:FREQ=YEARLY", f"SUMMARY:Jahrestag {n + 1}", "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
