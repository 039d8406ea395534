"""What makes an event savable: the rules the CLI enforces, the form's own input rules,
and the Kita search of the form. No Textual.

A ``Problem`` keeps its German text as a template with values, so that the CLI shows the
German message (``Problem.message``) and the form translates the template first
(``tr(problem.template, **problem.kwargs)``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from store import FORTBILDUNG_SUBTYPES, KINDS, STATUSES, Event, Kita
from store.text import UNSAFE_TEMPLATE, char_parts, neutral, unsafe_char

from .occurrences import (
    MAX_COUNT,
    RULE_COUNT,
    RULE_NEVER,
    RULE_TOO_OFTEN,
    rule_refusal,
    validate_rrule,
)
from .recurrence import (
    INTERVAL_CHOICES,
    REPEATS,
    Repeat,
    build_rrule,
    is_last_weekday,
    read_count,
    weekday_name,
)
from .timeutil import BadInput, localize, parse_date, parse_time, to_stored

# Kinds the form does not save without a Kita / without a coach (DOMAIN.md: a coaching
# visit and an office visit are at one Kita; visits and private time belong to a person).
NEEDS_KITA: frozenset[str] = frozenset({"begleitung", "einrichtungsbesuch"})
NEEDS_COACH: frozenset[str] = frozenset({"begleitung", "einrichtungsbesuch", "sonstiges"})

# Every German template a Problem can carry (the form's English catalogue covers them).
KIND_UNKNOWN = "Unbekannte Art „{kind}“ (möglich: {choices})."
STATUS_UNKNOWN = "Unbekannter Status „{status}“ (möglich: {choices})."
SUBTYPE_NOT_FORTBILDUNG = "Eine Unterart (--subtype) gibt es nur bei Fortbildungen."
SUBTYPE_UNKNOWN = "Unbekannte Fortbildungsart „{subtype}“ (möglich: {choices})."
COACH_UNKNOWN = "Prozessbegleiter*in „{coach}“ gibt es nicht."
KITA_UNKNOWN = "Kita „{kita}“ gibt es nicht."
PARTICIPANT_UNKNOWN = "Teilnehmende*r „{person}“ ist weder Prozessbegleiter*in noch Kita."
COACH_TWICE = "Eine Prozessbegleiter*in ist doppelt angegeben."
RRULE_INVALID = "Ungültige Wiederholungsregel „{rule}“: {error}"
RRULE_UNUSABLE = "Ungültige Wiederholungsregel „{rule}“."
KITA_NEEDED = "Eine Prozessbegleitung braucht eine Kita."
KITA_NEEDED_VISIT = "Ein Einrichtungsbesuch braucht eine Kita."
COACH_NEEDED = "Bitte mindestens eine Prozessbegleiter*in wählen."
KITA_NOT_FOUND = "Kita „{text}“ ist unbekannt: bitte aus der Liste wählen."
KITA_AMBIGUOUS = "„{text}“ passt auf mehrere Kitas: bitte aus der Liste wählen."
DATE_MISSING = "Bitte ein Datum angeben (z. B. 4.3. oder 04.03.2026)."
DATE_INVALID = "„{text}“ ist kein gültiges Datum (z. B. 4.3. oder 04.03.2026)."
TIME_MISSING = "Bitte eine Uhrzeit angeben (z. B. 9:30 oder 930)."
TIME_INVALID = "„{text}“ ist keine gültige Uhrzeit (z. B. 9:30 oder 930)."
END_BEFORE_START = "Das Ende ({end}) liegt nicht nach dem Beginn ({start})."
LAST_DAY_BEFORE = "Das Ende ({last}) liegt vor dem Beginn ({first})."
INTERVAL_INVALID = "Bitte eine ganze Zahl ab 1 angeben."
UNTIL_BEFORE = "Das Ende der Wiederholung ({until}) liegt vor dem Beginn ({first})."
UNTIL_INVALID = ("„{text}“ ist weder ein Datum noch eine Anzahl von Terminen "
                 "(z. B. 31.12.2027 oder 10).")
COUNT_INVALID = "Bitte 1 bis {most} Termine angeben."
NOT_LAST_WEEKDAY = "Der {day} ist nicht der letzte {weekday} im Monat."
RRULE_MISSING = "Bitte eine Regel angeben (z. B. FREQ=WEEKLY;BYDAY=MO)."

TEMPLATES: tuple[str, ...] = (
    KIND_UNKNOWN, STATUS_UNKNOWN, SUBTYPE_NOT_FORTBILDUNG, SUBTYPE_UNKNOWN, COACH_UNKNOWN,
    KITA_UNKNOWN, PARTICIPANT_UNKNOWN, COACH_TWICE, RRULE_INVALID, RRULE_UNUSABLE,
    KITA_NEEDED, KITA_NEEDED_VISIT, COACH_NEEDED, KITA_NOT_FOUND, KITA_AMBIGUOUS,
    DATE_MISSING, DATE_INVALID, TIME_MISSING, TIME_INVALID, END_BEFORE_START,
    LAST_DAY_BEFORE, INTERVAL_INVALID, UNTIL_BEFORE, NOT_LAST_WEEKDAY, RRULE_MISSING,
    RULE_TOO_OFTEN, RULE_NEVER, RULE_COUNT, UNTIL_INVALID, COUNT_INVALID,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an event cannot be saved. ``field`` names the form field it belongs to:
    kind, subtype, status, day, last_day, start, end, coaches, kita, participants,
    interval, until, rrule, and id, title, location, notes (characters that control a
    terminal, ``store.text``)."""

    field: str
    template: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def kwargs(self) -> dict[str, str]:
        return dict(self.values)

    def text(self) -> str:
        """The message in the current language: thekiz's own words in it (a field's
        label, a kind of character) translated too, what was typed as typed."""
        from ..i18n import tr

        values = {k: tr(v) if k in ("label", "char") else v for k, v in self.values}
        return tr(self.template, **values)

    @property
    def message(self) -> str:
        """The German message."""
        return self.template.format(**self.kwargs) if self.values else self.template


def _problem(field: str, template: str, **values: object) -> Problem:
    # A value may quote typed text (a date, a Kita's name, a pasted title): shown in the
    # form and on the CLI's stderr, it never controls the terminal (store.text).
    return Problem(field, template, tuple((k, neutral(str(v))) for k, v in values.items()))


def _series_start(event: Event) -> datetime:
    if event.all_day:
        return datetime.combine(date.fromisoformat(event.start[:10]), time(0))
    return datetime.fromisoformat(event.start).replace(tzinfo=None)


def rrule_problem(rule: str, start: datetime) -> Problem | None:
    """The problem of an RRULE text for a series starting at the naive ``start``: one
    that is unreadable, repeats more often than daily, or never yields a date."""
    refusal = rule_refusal(rule.removeprefix("RRULE:"), start)
    if refusal is not None:
        return _problem("rrule", refusal, rule=neutral(rule.removeprefix("RRULE:")))
    try:
        validate_rrule(rule, start)
    except BadInput as error:
        text = rule.removeprefix("RRULE:")
        cause = error.__cause__
        if cause is None:
            return _problem("rrule", RRULE_UNUSABLE, rule=text)
        return _problem("rrule", RRULE_INVALID, rule=text, error=cause)
    return None


# The texts a person types into an event, with the label the reason names (the German
# reason is ``store.text``'s; ``lines``: whether the field keeps newlines).
_TEXTS: tuple[tuple[str, str, bool], ...] = (
    ("id", "Die ID", False),
    ("title", "Der Titel", False),
    ("location", "Der Ort", False),
    ("notes", "Die Notiz", True),
)


def text_problems(event: Event) -> list[Problem]:
    """Characters that would control a terminal in the event's id, title, place or notes
    (typed or pasted): refused, one problem per field (``store.text.text_problem``)."""
    out: list[Problem] = []
    for name, label, lines in _TEXTS:
        value = getattr(event, name)
        if value.isprintable():
            continue
        char = unsafe_char(value, lines=lines, word=name == "id")
        if char is not None:
            words, code = char_parts(char)
            out.append(_problem(name, UNSAFE_TEMPLATE, label=label, char=words, code=code))
    return out


def event_problems(
    event: Event, *, coaches: Collection[str], kitas: Collection[str]
) -> list[Problem]:
    """The rules every saved event keeps (``thekiz add`` / ``edit`` and the form), in the
    order the CLI reports them. ``coaches`` and ``kitas`` are the store's ids."""
    out: list[Problem] = text_problems(event)
    if event.kind not in KINDS:
        out.append(_problem("kind", KIND_UNKNOWN, kind=event.kind, choices=", ".join(KINDS)))
    if event.status not in STATUSES:
        out.append(_problem(
            "status", STATUS_UNKNOWN, status=event.status, choices=", ".join(STATUSES)
        ))
    if event.subtype is not None:
        if event.kind != "fortbildung":
            out.append(_problem("subtype", SUBTYPE_NOT_FORTBILDUNG))
        if event.subtype not in FORTBILDUNG_SUBTYPES:
            out.append(_problem(
                "subtype", SUBTYPE_UNKNOWN, subtype=event.subtype,
                choices=", ".join(FORTBILDUNG_SUBTYPES),
            ))
    for coach in event.coaches:
        if coach not in coaches:
            out.append(_problem("coaches", COACH_UNKNOWN, coach=coach))
    if event.kita is not None and event.kita not in kitas:
        out.append(_problem("kita", KITA_UNKNOWN, kita=event.kita))
    for person in event.participants:
        if person not in coaches and person not in kitas:
            out.append(_problem("participants", PARTICIPANT_UNKNOWN, person=person))
    if len(set(event.coaches)) != len(event.coaches):
        out.append(_problem("coaches", COACH_TWICE))
    if event.rrule and (problem := rrule_problem(event.rrule, _series_start(event))):
        out.append(problem)
    return out


def save_problems(
    event: Event, *, coaches: Collection[str], kitas: Collection[str]
) -> list[Problem]:
    """What every saved event keeps, whoever saves it (``thekiz add``/``edit``, import,
    the form): :func:`event_problems`, and a coaching visit or Kita visit needs its
    Kita. The form asks a coach for personal kinds as well (:func:`plan_problems`)."""
    return event_problems(event, coaches=coaches, kitas=kitas) + [
        p for p in plan_problems(event) if p.field == "kita"]


def plan_problems(event: Event) -> list[Problem]:
    """What the form asks beyond the CLI: a Kita for visits, a coach for the kinds that
    belong to a person."""
    out: list[Problem] = []
    if event.kind in NEEDS_KITA and event.kita is None:
        template = KITA_NEEDED if event.kind == "begleitung" else KITA_NEEDED_VISIT
        out.append(_problem("kita", template))
    if event.kind in NEEDS_COACH and not event.coaches:
        out.append(_problem("coaches", COACH_NEEDED))
    return out


# -- the Kita search --------------------------------------------------------------------

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case with umlauts spelled out and other accents dropped: ``Löwenzahn``
    and ``loewenzahn`` match."""
    text = text.casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class KitaIndex:
    """The Kitas with their folded names, built once per list: the form searches it on
    every keystroke, and folding hundreds of names each time would cost milliseconds."""

    def __init__(self, kitas: Sequence[Kita]) -> None:
        self.kitas: list[Kita] = list(kitas)
        self.ids: frozenset[str] = frozenset(k.id for k in self.kitas)
        self._rows: list[tuple[Kita, str, str]] = []  # kita, folded name, folded haystack
        self._exact: dict[str, Kita] = {}  # folded id and "name (district)"
        self._named: dict[str, list[Kita]] = {}  # folded name
        for kita in self.kitas:
            name = fold(kita.name)
            self._rows.append((kita, name, f"{name} {fold(kita.district)} {fold(kita.id)}"))
            self._exact.setdefault(fold(kita.id), kita)
            self._exact.setdefault(fold(f"{kita.name} ({kita.district})"), kita)
            self._named.setdefault(name, []).append(kita)

    def label(self, kita: Kita) -> str:
        """The text the Kita field shows for a picked Kita: its name, with the district
        when another Kita has the same name."""
        if len(self._named.get(fold(kita.name), ())) > 1 and kita.district:
            return f"{kita.name} ({kita.district})"
        return kita.name

    def matches(self, query: str, limit: int = 50) -> list[Kita]:
        """Kitas whose name, district or id contain every word of ``query``; those
        whose name has a word starting with the query first."""
        words = fold(query).split()
        if not words:
            return self.kitas[:limit]
        scored: list[tuple[int, str, Kita]] = []
        for kita, name, hay in self._rows:
            if all(w in hay for w in words):
                starts = any(part.startswith(words[0]) for part in name.split())
                scored.append((0 if starts else 1, name, kita))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [kita for _, _, kita in scored[:limit]]

    def resolve(self, text: str) -> tuple[Kita | None, Problem | None]:
        """The Kita a typed text means: its name, its name with the district (as
        ``label`` shows it), or its id. Empty text is no Kita and no problem."""
        raw = text.strip()
        if not raw:
            return None, None
        wanted = fold(raw)
        if wanted in self._exact:
            return self._exact[wanted], None
        named = self._named.get(wanted, [])
        if len(named) == 1:
            return named[0], None
        if named:
            return None, _problem("kita", KITA_AMBIGUOUS, text=raw)
        return None, _problem("kita", KITA_NOT_FOUND, text=raw)


def _index(kitas: Sequence[Kita] | KitaIndex) -> KitaIndex:
    return kitas if isinstance(kitas, KitaIndex) else KitaIndex(kitas)


def kita_label(kita: Kita, kitas: Sequence[Kita] | KitaIndex = ()) -> str:
    return _index(kitas).label(kita)


def kita_matches(query: str, kitas: Sequence[Kita] | KitaIndex, limit: int = 50) -> list[Kita]:
    return _index(kitas).matches(query, limit)


def resolve_kita(
    text: str, kitas: Sequence[Kita] | KitaIndex
) -> tuple[Kita | None, Problem | None]:
    return _index(kitas).resolve(text)


# -- the form's input -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """The form's fields as typed. ``last_day`` is the optional "bis" date (inclusive
    last day of an all-day event, or the end's date of a timed one); ``repeat`` is one of
    ``recurrence.REPEATS`` with ``interval`` (every n days, weeks, months or years),
    ``until`` (an end date or a number of dates) and ``rule`` (custom)."""

    kind: str
    title: str
    day: str
    start: str = ""
    end: str = ""
    all_day: bool = False
    last_day: str = ""
    subtype: str | None = None
    coaches: tuple[str, ...] = ()
    kita: str = ""
    location: str = ""
    notes: str = ""
    status: str = "geplant"
    repeat: str = "none"
    interval: str = "1"
    until: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Built:
    """The event a draft makes, and why it cannot be saved yet. ``event`` is None only
    when the times do not parse; then there is nothing to check either."""

    event: Event | None
    problems: tuple[Problem, ...]
    checkable: Event | None  # the event for the live check (a valid rule, or none)

    @property
    def ok(self) -> bool:
        return self.event is not None and not self.problems


def _day(text: str, field: str, month: date, out: list[Problem]) -> date | None:
    """A typed day; one without a year is the next one on or after the first of
    ``month`` (the month she is planning)."""
    if not text.strip():
        if field == "day":
            out.append(_problem(field, DATE_MISSING))
        return None
    try:
        return parse_date(text, month=month)
    except BadInput:
        out.append(_problem(field, DATE_INVALID, text=text.strip()))
        return None


def _clock(text: str, field: str, out: list[Problem]) -> time | None:
    if not text.strip():
        out.append(_problem(field, TIME_MISSING))
        return None
    try:
        return parse_time(text)
    except BadInput:
        out.append(_problem(field, TIME_INVALID, text=text.strip()))
        return None


def _fmt_day(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _times(draft: Draft, tz: str, month: date, out: list[Problem]) -> tuple[str, str] | None:
    first = _day(draft.day, "day", month, out)
    last = _day(draft.last_day, "last_day", month, out)
    if draft.all_day:
        if first is None:
            return None
        if last is None:
            last = first
        if last < first:
            out.append(_problem(
                "last_day", LAST_DAY_BEFORE, last=_fmt_day(last), first=_fmt_day(first)
            ))
            return None
        return first.isoformat(), (last + timedelta(days=1)).isoformat()
    begin = _clock(draft.start, "start", out)
    finish = _clock(draft.end, "end", out)
    if first is None or begin is None or finish is None:
        return None
    start_at = localize(datetime.combine(first, begin), tz)
    end_at = localize(datetime.combine(last or first, finish), tz)
    if end_at.timestamp() <= start_at.timestamp():
        out.append(_problem(
            "end", END_BEFORE_START,
            end=f"{_fmt_day(last or first)} {finish:%H:%M}",
            start=f"{_fmt_day(first)} {begin:%H:%M}",
        ))
        return None
    return to_stored(start_at), to_stored(end_at)


def _rrule(draft: Draft, first: date, month: date, out: list[Problem]) -> str | None:
    """The draft's RRULE; problems of the interval, end date and rule go to ``out``."""
    if draft.repeat not in REPEATS or draft.repeat == "none":
        return None
    if draft.repeat == "custom":
        if not draft.rule.strip():
            out.append(_problem("rrule", RRULE_MISSING))
            return None
        return build_rrule(Repeat("custom", rule=draft.rule), first, all_day=draft.all_day)
    interval = 1
    if draft.repeat in INTERVAL_CHOICES:
        text = draft.interval.strip() or "1"
        if not text.isdigit() or not 1 <= int(text) <= 999:
            out.append(_problem("interval", INTERVAL_INVALID))
            return None
        interval = int(text)
    count = read_count(draft.until) if draft.until.strip() else None
    if count is not None:
        if not 1 <= count <= MAX_COUNT:
            out.append(_problem("until", COUNT_INVALID, most=str(MAX_COUNT)))
            return None
        until = None
    elif draft.until.strip():
        try:
            until = parse_date(draft.until, month=month)
        except BadInput:
            out.append(_problem("until", UNTIL_INVALID, text=draft.until.strip()))
            return None
    else:
        until = None
    if until is not None and until < first:
        out.append(_problem(
            "until", UNTIL_BEFORE, until=_fmt_day(until), first=_fmt_day(first)
        ))
        return None
    if draft.repeat == "monthly-last" and not is_last_weekday(first):
        out.append(_problem(
            "rrule", NOT_LAST_WEEKDAY, day=_fmt_day(first), weekday=weekday_name(first)
        ))
        return None
    return build_rrule(Repeat(draft.repeat, interval, until, count=count), first,
                       all_day=draft.all_day)


def build_event(
    draft: Draft,
    base: Event,
    *,
    today: date,
    coaches: Collection[str],
    kitas: Sequence[Kita] | KitaIndex,
    month: date | None = None,
) -> Built:
    """The event the form would save: ``base`` (id, participants, exceptions, ...) with
    the draft's fields, and every problem that blocks saving it. A day typed without a
    year is the next one on or after the first of ``month`` (the month she is planning;
    by default ``today``'s)."""
    out: list[Problem] = []
    index = _index(kitas)
    month = (month or today).replace(day=1)
    times = _times(draft, base.tz, month, out)
    kita, kita_problem = index.resolve(draft.kita)
    if kita_problem is not None:
        out.append(kita_problem)
    if times is None:
        rule = None
    else:
        first = date.fromisoformat(times[0][:10])
        rule = _rrule(draft, first, month, out)
    if times is None:
        return Built(None, tuple(out), None)
    rule_ok = True
    event = replace(
        base,
        kind=draft.kind,
        subtype=draft.subtype if draft.kind == "fortbildung" else None,
        title=draft.title.strip(),
        start=times[0],
        end=times[1],
        all_day=draft.all_day,
        coaches=list(draft.coaches),
        kita=None if kita is None else kita.id,
        location=draft.location.strip(),
        notes=draft.notes.rstrip(),
        status=draft.status,
        rrule=rule,
    )
    for problem in event_problems(event, coaches=coaches, kitas=index.ids):
        rule_ok = rule_ok and problem.field != "rrule"
        out.append(problem)
    if kita_problem is None:
        out.extend(plan_problems(event))
    else:
        out.extend(p for p in plan_problems(event) if p.field != "kita")
    checkable = event if rule_ok else replace(event, rrule=None)
    return Built(event, tuple(out), _quotable(checkable))


def _quotable(event: Event) -> Event:
    """The candidate as the live check's findings may quote it: a title pasted with an
    escape is refused, but the findings show it meanwhile (``store.text``)."""
    title, location = neutral(event.title), neutral(event.location)
    notes = neutral(event.notes, lines=True)
    if title is event.title and location is event.location and notes is event.notes:
        return event
    return replace(event, title=title, location=location, notes=notes)


# -- keeping the duration when the start moves ---------------------------------------


def _minutes(text: str) -> int | None:
    try:
        moment = parse_time(text)
    except BadInput:
        return None
    return moment.hour * 60 + moment.minute


def duration_of(start: str, end: str) -> int | None:
    """Minutes from the typed start to the typed end (``9:30``, ``930``); None unless both
    are times and the end comes after the start on the same day."""
    first, last = _minutes(start), _minutes(end)
    if first is None or last is None or last <= first:
        return None
    return last - first


def end_after(start: str, minutes: int) -> str | None:
    """The end that keeps ``minutes`` after the typed start, as the form shows times; None
    while the start is not a time yet, or when the end would pass midnight."""
    first = _minutes(start)
    if first is None or first + minutes >= 24 * 60:
        return None
    last = first + minutes
    return f"{last // 60:02d}:{last % 60:02d}"
