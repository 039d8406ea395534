"""Fictional demo data: a planning year around today, and optional history for benchmarks.

``build_demo(today, events=None, seed=0)`` returns ``(coaches, kitas, events)``;
``write_demo(store, ...)`` writes them (events with one ``store.put_events`` call).

The demo window runs from the first of the month six months before today to the end of
the month six months after it, so that the current month is full. It holds three
coaches and the coordination office, twelve Kitas in all three stages, monthly coaching
visits, trainings of every subtype, two recurring Arbeitskreise, Fachtage, office
visits, private blockers, and on purpose a few findings of every rule (see
``DELIBERATE``). Everything else is planned clash-free: Monday to Friday, 07:00–19:00,
outside Thuringian public holidays, one event per person and day.

``Kita.since`` is the day the Kita entered its *current* stage; the cadence rules count
from it. With ``events=N`` the history before the window grows (up to ten years back,
with more fictional Kitas and coaches in stage Konsultation as needed) until there are N
events in total. The same seed on the same day always gives the same data: all choices
and ids come from ``random.Random(seed)``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from store import Coach, Event, Kita, Store

from .planning.timeutil import localize, to_stored

DELIBERATE = (
    "coach-overlap", "kita-overlap", "travel-buffer", "holiday", "weekend",
    "working-hours", "cadence-gap", "budget",
)

COACHES: tuple[tuple[str, str, float, str], ...] = (
    ("c-lindner", "Jana Lindner", 62.5, "coach"),
    ("c-kraemer", "Tobias Krämer", 58.0, "coach"),
    ("c-schubert", "Mira Schubert", 65.0, "coach"),
    ("c-vogt", "Katrin Vogt", 55.0, "coordinator"),
)
COORDINATOR = "c-vogt"

# name, district, town (the Kita's place for travel), stage, coach
KITAS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Kita Sonnenblume", "Gera", "Gera", "basis", "c-lindner"),
    ("Kita Regenbogen", "Jena", "Jena", "basis", "c-lindner"),
    ("Kita Pusteblume", "Ilm-Kreis", "Arnstadt", "basis", "c-kraemer"),
    ("Kita Zwergenland", "Eichsfeld", "Heilbad Heiligenstadt", "basis", "c-schubert"),
    ("Kita Spatzennest", "Nordhausen", "Nordhausen", "basis", "c-kraemer"),
    ("Kita Wirbelwind", "Altenburger Land", "Altenburg", "vertiefung", "c-lindner"),
    ("Kita Löwenzahn", "Gotha", "Gotha", "vertiefung", "c-kraemer"),
    ("Kita Schatzkiste", "Wartburgkreis", "Eisenach", "vertiefung", "c-schubert"),
    ("Kita Waldwichtel", "Saalfeld-Rudolstadt", "Rudolstadt", "vertiefung", "c-schubert"),
    ("Kita Am Stadtpark", "Erfurt", "Erfurt", "konsultation", "c-kraemer"),
    ("Kita Kleine Strolche", "Weimar", "Weimar", "konsultation", "c-lindner"),
    ("Kita Sternschnuppe", "Suhl", "Suhl", "konsultation", "c-schubert"),
)

HISTORY_NAMES = (
    "Apfelbaum", "Birkenhain", "Drachenhöhle", "Eichhörnchen", "Farbklecks", "Glühwürmchen",
    "Hummelnest", "Igelbau", "Kunterbunt", "Lummerland", "Marienkäfer", "Nesthäkchen",
    "Purzelbaum", "Rappelkiste", "Schneckenhaus", "Traumland", "Villa Kunterbunt",
    "Wiesenzwerge", "Zauberwald", "Sausewind",
)
HISTORY_TOWNS = (
    ("Altenburger Land", "Schmölln"), ("Eichsfeld", "Leinefelde-Worbis"), ("Gotha", "Ohrdruf"),
    ("Greiz", "Zeulenroda-Triebes"), ("Hildburghausen", "Hildburghausen"),
    ("Ilm-Kreis", "Ilmenau"), ("Kyffhäuserkreis", "Sondershausen"),
    ("Nordhausen", "Ellrich"), ("Saale-Holzland-Kreis", "Eisenberg"),
    ("Saale-Orla-Kreis", "Pößneck"), ("Saalfeld-Rudolstadt", "Saalfeld"),
    ("Schmalkalden-Meiningen", "Meiningen"), ("Sömmerda", "Sömmerda"),
    ("Sonneberg", "Sonneberg"), ("Unstrut-Hainich-Kreis", "Mühlhausen"),
    ("Wartburgkreis", "Bad Salzungen"), ("Weimarer Land", "Apolda"), ("Erfurt", "Erfurt"),
    ("Gera", "Gera"), ("Jena", "Jena"), ("Suhl", "Suhl"), ("Weimar", "Weimar"),
)
FIRST_NAMES = (
    "Anke", "Bernd", "Carla", "Dirk", "Elke", "Frank", "Gesa", "Holger", "Ines", "Jörg",
    "Karin", "Lars", "Maren", "Nils", "Olga", "Peter", "Rike", "Sven", "Tina", "Uwe",
)
LAST_NAMES = (
    "Albrecht", "Brandt", "Dietrich", "Engel", "Fiedler", "Graf", "Hahn", "Jahn", "Kühn",
    "Lorenz", "Möller", "Naumann", "Opitz", "Pohl", "Reinhardt", "Seidel", "Thiele",
    "Ullrich", "Winkler", "Zimmer",
)

VISIT_TITLES = (
    "Prozessbegleitung", "Prozessbegleitung: Bedarfsanalyse", "Prozessbegleitung: Teamsitzung",
    "Prozessbegleitung: Elternbeteiligung", "Prozessbegleitung: Sozialraum",
    "Prozessbegleitung: Konzeptentwicklung", "Prozessbegleitung: Netzwerkpartner",
)
PRIVATE = (
    ("Arzttermin", 1.5), ("Privater Termin", 2.0), ("Supervision", 2.0),
    ("Werkstatt Auto", 1.0), ("Fortbildung (extern)", 3.0),
)
OFFICE_PLACE = "Erfurt, Landeskoordinations- und Fachstelle"
CONFERENCE_PLACE = "Erfurt, Tagungszentrum"
TRAINING_PLACE = "Erfurt, Bildungsstätte"


def _month_start(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class _Planner:
    """Day-granular booking: one event per person (coach or Kita) and day."""

    rng: random.Random
    today: date
    holidays: set[date]
    busy: set[tuple[str, date]] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def new_id(self, prefix: str = "ev") -> str:
        while True:
            candidate = f"{prefix}-{self.rng.getrandbits(48):012x}"
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def free(self, who: Iterable[str], days: Iterable[date]) -> bool:
        busy = self.busy
        return all((w, d) not in busy for d in days for w in who)

    def book(self, who: Iterable[str], days: Iterable[date]) -> None:
        for d in days:
            for w in who:
                self.busy.add((w, d))

    def find_day(self, who: Sequence[str], first: date, end: date, *, length: int = 1,
                 weekdays: Sequence[int] = (0, 1, 2, 3, 4)) -> date | None:
        """A random day in ``[first, end)`` that starts ``length`` free working days."""
        days = [
            first + timedelta(days=n) for n in range((end - first).days)
        ]
        self.rng.shuffle(days)
        for day in days:
            if day.weekday() not in weekdays:
                continue
            span = [day + timedelta(days=n) for n in range(length)]
            if all(self.workday(d) for d in span) and self.free(who, span):
                return day
        return None

    def status(self, last_day: date, kind: str) -> str:
        if last_day < self.today:
            return "durchgefuehrt"
        if last_day <= self.today + timedelta(days=21):
            return "bestaetigt"
        return "geplant"

    def timed(self, kind: str, day: date, start: time, hours: float, *, title: str,
              coaches: Sequence[str], kita: str | None = None, book: bool = True,
              **extra: object) -> Event:
        begin = datetime.combine(day, start)
        finish = begin + timedelta(minutes=round(hours * 60))
        if book:
            self.book([*coaches, *([kita] if kita else [])], [day])
        event = Event(
            id=self.new_id(), kind=kind, title=title,
            start=to_stored(localize(begin)), end=to_stored(localize(finish)),
            coaches=list(coaches), kita=kita, status=self.status(day, kind),
            source="demo", **extra,  # type: ignore[arg-type]
        )
        self.events.append(event)
        return event

    def all_day(self, kind: str, day: date, days: int, *, title: str,
                coaches: Sequence[str], kita: str | None = None, book: bool = True,
                **extra: object) -> Event:
        span = [day + timedelta(days=n) for n in range(days)]
        if book:
            self.book([*coaches, *([kita] if kita else [])], span)
        event = Event(
            id=self.new_id(), kind=kind, title=title, all_day=True,
            start=day.isoformat(), end=(day + timedelta(days=days)).isoformat(),
            coaches=list(coaches), kita=kita, status=self.status(span[-1], kind),
            source="demo", **extra,  # type: ignore[arg-type]
        )
        self.events.append(event)
        return event


def _holidays(first_year: int, last_year: int) -> set[date]:
    from .planning.holidays import holidays_in_year

    out: set[date] = set()
    for year in range(first_year, last_year + 1):
        out.update(date.fromisoformat(d) for d in holidays_in_year(year))
    return out


def _clock(rng: random.Random, earliest: int = 8, latest: int = 14) -> time:
    return time(rng.randint(earliest, latest), rng.choice((0, 30)))


def _people(seed_rng: random.Random) -> tuple[list[Coach], list[Kita]]:
    coaches = [
        Coach(id=cid, name=name, email=f"{name.split()[0].lower()}.{cid[2:]}@example.org",
              rate=rate, role=role)
        for cid, name, rate, role in COACHES
    ]
    return coaches, []


def _months(first: date, end: date) -> list[date]:
    out, month = [], _month_start(first)
    while month < end:
        out.append(month)
        month = _month_start(month, 1)
    return out


def build_demo(
    today: date | None = None, events: int | None = None, seed: int = 0
) -> tuple[list[Coach], list[Kita], list[Event]]:
    """The demo's coaches, Kitas and events for ``today`` (default: the real today)."""
    today = today or date.today()
    rng = random.Random(seed)
    win_start = _month_start(today, -6)
    win_end = _month_start(today, 7)
    this_month = _month_start(today)
    coaches, _ = _people(rng)
    planner = _Planner(rng, today, _holidays(win_start.year - 1, win_end.year + 1))

    # -- Kitas: `since` is the start of the current stage ----------------------------------
    kitas: list[Kita] = []
    basis_offsets = [-6, -5, -4, -3, -2]
    rng.shuffle(basis_offsets)
    for n, (name, district, town, stage, coach) in enumerate(KITAS):
        if stage == "basis":
            since = _month_start(today, basis_offsets.pop())
        elif stage == "vertiefung":
            since = _month_start(today, -6 - (n % 2))  # entered after two Basis years
            since = max(since, win_start)
        else:
            since = date(today.year - 2 - n % 3, 1 + (n * 5) % 12, 1)
        kid = "k-" + name.removeprefix("Kita ").lower().replace(" ", "-").replace(
            "ö", "oe").replace("ä", "ae").replace("ü", "ue")
        kitas.append(Kita(
            id=kid, name=name, district=district, stage=stage, since=since.isoformat(),
            coach=coach, provider=f"Träger {district}", address=town,
        ))
    by_stage = {s: [k for k in kitas if k.stage == s] for s in ("basis", "vertiefung",
                                                                "konsultation")}
    coach_ids = [c.id for c in coaches if c.role == "coach"]
    everyone = [c.id for c in coaches]

    # -- recurring Arbeitskreise (series) -------------------------------------------------
    from dateutil.rrule import rrulestr

    def series(title: str, rule: str, first: date, start: time, hours: float,
               who: Sequence[str], place: str) -> None:
        dtstart = datetime.combine(first, start)
        days = [d.date() for d in rrulestr(rule, dtstart=dtstart)]
        exdates = [d for d in days if not planner.workday(d)]
        planner.book(who, [d for d in days if d not in exdates])
        event = planner.timed("arbeitskreis", days[0], start, hours, title=title,
                              coaches=who, book=False, location=place)
        event.rrule = rule
        event.exdates = [
            to_stored(localize(datetime.combine(d, start))) for d in exdates
        ]
        event.status = "bestaetigt"

    series("Arbeitskreis ThEKiZ (landesweit)", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=5",
           win_start, time(13, 0), 3.0, everyone, OFFICE_PLACE)
    series("Regionaler Arbeitskreis Ostthüringen", "FREQ=MONTHLY;INTERVAL=2;BYDAY=3TU;COUNT=7",
           win_start, time(9, 30), 2.5, ["c-lindner", "c-schubert"], "Gera, Rathaus")

    # -- deliberate findings, in the current month ------------------------------------------
    month_end = _month_start(today, 1)
    basis = by_stage["basis"]
    vert = by_stage["vertiefung"]

    def reserve(who: Sequence[str]) -> date:
        day = planner.find_day(who, this_month, month_end)
        if day is None:  # a crowded month: take the next one
            day = planner.find_day(who, month_end, _month_start(today, 2))
        assert day is not None
        return day

    a = basis[0]  # coach-overlap: its coach at two Kitas at once
    other = next(k for k in kitas if k.coach == a.coach and k.id != a.id)
    day = reserve([a.coach or "", a.id, other.id])
    planner.timed("begleitung", day, time(10), 2, title="Prozessbegleitung: Teamsitzung",
                  coaches=[a.coach or ""], kita=a.id)
    planner.timed("begleitung", day, time(11), 1.5,
                  title="Prozessbegleitung: Elterncafé", coaches=[a.coach or ""],
                  kita=other.id)
    b = basis[1]  # kita-overlap: coaching and the office's visit at once
    day = reserve([b.coach or "", b.id, COORDINATOR])
    planner.timed("begleitung", day, time(9), 2, title="Prozessbegleitung", coaches=[b.coach or ""],
                  kita=b.id)
    planner.timed("einrichtungsbesuch", day, time(10), 2, title="Einrichtungsbesuch",
                  coaches=[COORDINATOR], kita=b.id)
    c = basis[2]  # travel-buffer: 15 minutes between two towns
    far = next(k for k in kitas if k.coach == c.coach and k.id != c.id
               and k.address != c.address)
    day = reserve([c.coach or "", c.id, far.id])
    planner.timed("begleitung", day, time(8, 30), 2, title="Prozessbegleitung",
                  coaches=[c.coach or ""], kita=c.id)
    planner.timed("begleitung", day, time(10, 45), 1.75,
                  title="Prozessbegleitung: Sozialraum", coaches=[c.coach or ""], kita=far.id)
    d = basis[3]  # working-hours: an evening with the parents
    day = reserve([d.coach or "", d.id])
    planner.timed("begleitung", day, time(18), 2.5, title="Prozessbegleitung: Elternabend",
                  coaches=[d.coach or ""], kita=d.id)
    # weekend: a Saturday family day
    saturdays = [this_month + timedelta(days=n) for n in range((month_end - this_month).days)]
    saturday = next(s for s in saturdays if s.weekday() == 5)
    e = basis[4]
    planner.all_day("fachtag", saturday, 1, title="Familienfest mit Fachtag im Sozialraum",
                    coaches=[e.coach or ""], kita=e.id, location=e.address)
    # holiday: a visit on the Thuringian public holiday nearest to today
    candidates = sorted(
        (h for h in planner.holidays if win_start <= h < win_end and h.weekday() < 5),
        key=lambda h: (abs((h - today).days), h),
    )
    hol_kita = vert[0]
    for h in candidates:
        if planner.free([hol_kita.coach or "", hol_kita.id], [h]):
            planner.timed("begleitung", h, time(10), 2, title="Prozessbegleitung (Feiertag!)",
                          coaches=[hol_kita.coach or ""], kita=hol_kita.id)
            break
    # budget: an intensive year for one Vertiefung Kita with a smaller budget
    over = vert[1]
    over.budget = 2000.0
    # cadence-gap: one Basis Kita misses last month, another next month
    skip = {(basis[1].id, _month_start(today, -1)), (basis[2].id, _month_start(today, 1))}

    # -- Fachtage, trainings, office visits ------------------------------------------------
    for offset, title in ((2, "Fachtag ThEKiZ: Familien im Sozialraum"),
                          (8, "Fachtag ThEKiZ: Eltern-Kind-Zentren gestalten")):
        month = _month_start(win_start, offset)
        slot = planner.find_day(everyone, month, _month_start(month, 1), weekdays=(1, 2, 3))
        if slot is not None:
            planner.all_day("fachtag", slot, 1, title=title, coaches=everyone,
                            location=CONFERENCE_PLACE)
    _trainings(planner, rng, win_start, win_end, coach_ids, basis, kitas)
    for kita in kitas:
        first = max(win_start, date.fromisoformat(kita.since))
        slot = planner.find_day([COORDINATOR, kita.id], first, win_end)
        if slot is not None:
            planner.timed("einrichtungsbesuch", slot, _clock(rng, 9, 13), 2,
                          title="Einrichtungsbesuch der Fachstelle", coaches=[COORDINATOR],
                          kita=kita.id)

    # -- coaching visits --------------------------------------------------------------------
    for kita in kitas:
        since = date.fromisoformat(kita.since)
        coach = kita.coach or coach_ids[0]
        for index, month in enumerate(_months(max(since, win_start), win_end)):
            if (kita.id, month) in skip:
                continue
            if kita.stage == "vertiefung" and index % 2 and kita.id != over.id:
                continue
            if kita.stage == "konsultation" and index % 3:
                continue
            visits = 2 if kita.id == over.id and month.year == today.year else 1
            hours = 3.5 if kita.id == over.id else None
            for _ in range(visits):
                slot = planner.find_day([coach, kita.id], month, _month_start(month, 1))
                if slot is None:
                    continue
                planner.timed("begleitung", slot, _clock(rng), hours or rng.choice((2, 2.5, 3)),
                              title=rng.choice(VISIT_TITLES), coaches=[coach], kita=kita.id)

    # -- private blockers -------------------------------------------------------------------
    for coach in coach_ids:
        for month in _months(win_start, win_end):
            for _ in range(rng.randint(1, 2)):
                slot = planner.find_day([coach], month, _month_start(month, 1))
                if slot is None:
                    continue
                title, hours = rng.choice(PRIVATE)
                event = planner.timed("sonstiges", slot, _clock(rng, 8, 15), hours,
                                      title=title, coaches=[coach])
                if rng.random() < 0.15:
                    event.free = True
                    event.title = f"{title} (frei)"
                elif event.status == "durchgefuehrt" and rng.random() < 0.1:
                    event.status = "abgesagt"
        # a week off, Monday to Friday
        month = _month_start(win_start, rng.randint(1, 11))
        slot = planner.find_day([coach], month, _month_start(month, 1), length=5, weekdays=(0,))
        if slot is not None:
            planner.all_day("sonstiges", slot, 5, title="Urlaub", coaches=[coach])

    result = planner.events
    if events is not None and events > len(result):
        result = result + _history(rng, today, win_start, events - len(result), coaches,
                                   kitas, planner.ids)
    return coaches, kitas, result


def _trainings(planner: _Planner, rng: random.Random, win_start: date, win_end: date,
               coach_ids: Sequence[str], basis: Sequence[Kita], kitas: Sequence[Kita],
               ) -> None:
    participants = [k.id for k in basis]
    # Fachkraft-ThEKiZ-Weiterbildung: three modules of 2–3 days
    for module, (offset, days) in enumerate(((1, 3), (5, 2), (9, 3)), start=1):
        month = _month_start(win_start, offset)
        lead = coach_ids[module % len(coach_ids)]
        day = planner.find_day([lead], month, _month_start(month, 1), length=days,
                               weekdays=(0, 1, 2))
        if day is not None:
            planner.all_day("fortbildung", day, days,
                            title=f"Weiterbildung Fachkraft ThEKiZ – Modul {module}",
                            coaches=[lead], subtype="fachkraft", location=TRAINING_PLACE,
                            participants=participants)
    # Vernetzungsfortbildung – Basisqualifizierung: two days
    for offset in (3, 10):
        month = _month_start(win_start, offset)
        lead = rng.choice(list(coach_ids))
        day = planner.find_day([lead], month, _month_start(month, 1), length=2,
                               weekdays=(1, 2, 3))
        if day is not None:
            planner.all_day("fortbildung", day, 2,
                            title="Vernetzungsfortbildung – Basisqualifizierung ThEKiZ",
                            coaches=[lead], subtype="vernetzung", location=TRAINING_PLACE,
                            participants=[k.id for k in kitas if k.stage != "konsultation"])
    # Reflexionsfortbildungen: one day, timed
    for offset in (0, 4, 7, 11):
        month = _month_start(win_start, offset)
        lead = rng.choice(list(coach_ids))
        day = planner.find_day([lead], month, _month_start(month, 1))
        if day is not None:
            planner.timed("fortbildung", day, time(9), 6, title="Reflexionsfortbildung",
                          coaches=[lead], subtype="reflexion", location=TRAINING_PLACE,
                          participants=[k.id for k in rng.sample(list(kitas), 4)])
    # Auftaktveranstaltungen in each new Basis Kita's first months
    for kita in basis:
        since = date.fromisoformat(kita.since)
        coach = kita.coach or coach_ids[0]
        for subtype, title, start, hours in (
            ("auftakt-team", "Auftaktveranstaltung mit dem Team", time(13), 3),
            ("auftakt-eltern", "Auftaktveranstaltung für Eltern", time(16), 2),
            ("auftakt-traeger", "Auftaktveranstaltung mit dem Träger", time(10), 2),
        ):
            day = planner.find_day([coach, kita.id], since, _month_start(since, 2))
            if day is not None:
                planner.timed("fortbildung", day, start, hours, title=title, coaches=[coach],
                              kita=kita.id, subtype=subtype)


def _history(rng: random.Random, today: date, win_start: date, wanted: int,
             coaches: list[Coach], kitas: list[Kita], ids: set[str]) -> list[Event]:
    """``wanted`` events before ``win_start``: up to ten years, the same mix."""
    per_kita_year = 15  # a little less than made (about 17), so that enough come out
    years = max(1, min(10, math.ceil(wanted / (len(kitas) * per_kita_year))))
    per_year = math.ceil(wanted / years)
    n_kitas = max(len(kitas), math.ceil(per_year / per_kita_year))
    pool = list(kitas)
    for n in range(len(kitas), n_kitas):
        district, town = HISTORY_TOWNS[n % len(HISTORY_TOWNS)]
        name = f"Kita {HISTORY_NAMES[n % len(HISTORY_NAMES)]}"
        if n >= len(HISTORY_NAMES):
            name = f"{name} {town}"
        if any(k.name == name for k in pool):
            name = f"{name} {n}"
        pool.append(Kita(
            id=f"k-h{n:03d}", name=name, district=district, stage="konsultation",
            since=date(win_start.year - years - 1, 1 + n % 12, 1).isoformat(),
            provider=f"Träger {district}", address=town,
        ))
    n_coaches = max(3, math.ceil(n_kitas / 6))
    team = [c.id for c in coaches if c.role == "coach"]
    for n in range(len(team), n_coaches):
        first, last = FIRST_NAMES[n % 20], LAST_NAMES[(n * 7) % 20]
        cid = f"c-h{n:03d}"
        coaches.append(Coach(id=cid, name=f"{first} {last}",
                             email=f"{first.lower()}.{cid}@example.org",
                             rate=float(rng.choice((55, 58, 60, 62.5, 65))), role="coach"))
        team.append(cid)
    for n, kita in enumerate(pool[len(kitas):], start=len(kitas)):
        kita.coach = team[n % len(team)]
    kitas.extend(pool[len(kitas):])
    first_year = win_start.year - years
    planner = _Planner(rng, today, _holidays(first_year - 1, win_start.year))
    planner.ids = ids
    start = date(first_year, win_start.month, 1)
    for month in _months(start, win_start):
        end = _month_start(month, 1)
        if month.month in (3, 6, 9, 12):
            day = planner.find_day([*team, COORDINATOR], month, end, weekdays=(2,))
            if day is not None:
                planner.timed("arbeitskreis", day, time(13), 3,
                              title="Arbeitskreis ThEKiZ (landesweit)",
                              coaches=[*team, COORDINATOR], location=OFFICE_PLACE)
        if month.month in (5, 11):
            day = planner.find_day([*team, COORDINATOR], month, end, weekdays=(1, 2, 3))
            if day is not None:
                planner.all_day("fachtag", day, 1, title="Fachtag ThEKiZ",
                                coaches=[*team, COORDINATOR], location=CONFERENCE_PLACE)
        for lead in team:
            if rng.random() < 0.25:
                subtype = rng.choice(("fachkraft", "vernetzung", "reflexion"))
                if subtype == "reflexion":
                    day = planner.find_day([lead], month, end)
                    if day is not None:
                        planner.timed("fortbildung", day, time(9), 6,
                                      title="Reflexionsfortbildung", coaches=[lead],
                                      subtype=subtype, location=TRAINING_PLACE)
                else:
                    days = 3 if subtype == "fachkraft" else 2
                    day = planner.find_day([lead], month, end, length=days, weekdays=(0, 1, 2))
                    if day is not None:
                        planner.all_day(
                            "fortbildung", day, days, subtype=subtype, coaches=[lead],
                            location=TRAINING_PLACE,
                            title="Weiterbildung Fachkraft ThEKiZ" if days == 3
                            else "Vernetzungsfortbildung – Basisqualifizierung ThEKiZ")
            for _ in range(rng.randint(1, 2)):
                day = planner.find_day([lead], month, end)
                if day is not None:
                    title, hours = rng.choice(PRIVATE)
                    planner.timed("sonstiges", day, _clock(rng, 8, 15), hours, title=title,
                                  coaches=[lead])
        for kita in pool:
            coach = kita.coach or team[0]
            day = planner.find_day([coach, kita.id], month, end)
            if day is not None:
                planner.timed("begleitung", day, _clock(rng), rng.choice((2, 2.5, 3)),
                              title=rng.choice(VISIT_TITLES), coaches=[coach], kita=kita.id)
            if month.month == 1 + hash_index(kita.id) % 12:
                day = planner.find_day([COORDINATOR, kita.id], month, end)
                if day is not None:
                    planner.timed("einrichtungsbesuch", day, _clock(rng, 9, 13), 2,
                                  title="Einrichtungsbesuch der Fachstelle",
                                  coaches=[COORDINATOR], kita=kita.id)
            if month.month == 1 + (hash_index(kita.id) + 2) % 12:
                for subtype, title, at, hours in (
                    ("auftakt-team", "Auftaktveranstaltung mit dem Team", time(13), 3),
                    ("auftakt-eltern", "Auftaktveranstaltung für Eltern", time(16), 2),
                    ("auftakt-traeger", "Auftaktveranstaltung mit dem Träger", time(10), 2),
                ):
                    if rng.random() < 0.3:
                        day = planner.find_day([coach, kita.id], month, end)
                        if day is not None:
                            planner.timed("fortbildung", day, at, hours, title=title,
                                          coaches=[coach], kita=kita.id, subtype=subtype)
    history = planner.events
    # Exactly ``wanted``: drop the oldest.
    history.sort(key=lambda e: e.start[:10])
    return history[len(history) - wanted:] if len(history) > wanted else history


def hash_index(text: str) -> int:
    """A stable small number from a text (``hash()`` changes between runs)."""
    return sum(text.encode("utf-8"))


def write_demo(
    store: Store, today: date | None = None, events: int | None = None, seed: int = 0
) -> tuple[list[Coach], list[Kita], list[Event]]:
    """Write the demo into an empty store: coaches, Kitas, then all events at once."""
    coaches, kitas, items = build_demo(today, events=events, seed=seed)
    with store.transaction():
        for coach in coaches:
            store.add_coach(coach)
        for kita in kitas:
            store.add_kita(kita)
        store.put_events(items)
    return coaches, kitas, items
