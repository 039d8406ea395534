"""Roles and permissions below the UI: the rules themselves, the guarded store, and every
command run with ``--as`` (in this process, on a real store file)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from store import Ack, Coach, Event, Kita, Store
from store.errors import NotFound, NotPermitted
from tests.conftest import snapshot
from thekiz_tui.cli import main
from thekiz_tui.planning.permissions import Actor
from thekiz_tui.session.guarded_store import GuardedStore, guard

ANNA, BERT, CORA = "c-anna", "c-bert", "c-cora"  # fictional: two coaches, the office


def _event(event_id: str, kind: str, day: int, hours: tuple[int, int], coaches: list[str],
           kita: str | None = None, **more: object) -> Event:
    start, end = hours
    return Event(
        id=event_id, kind=kind, title=f"Titel {event_id}", coaches=coaches, kita=kita,
        start=f"2026-03-{day:02d}T{start:02d}:00:00+01:00",
        end=f"2026-03-{day:02d}T{end:02d}:00:00+01:00", **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def team(db_path: Path) -> Path:
    store = Store.open(db_path)
    store.add_coach(Coach(id=ANNA, name="Anna Apfel", rate=60.0))
    store.add_coach(Coach(id=BERT, name="Bert Birne", rate=70.0))
    store.add_coach(Coach(id=CORA, name="Cora Quitte", rate=50.0, role="coordinator"))
    store.add_kita(Kita(id="k-a", name="Kita Ahorn", coach=ANNA))
    store.add_kita(Kita(id="k-b", name="Kita Buche", coach=BERT))
    store.put_events([
        _event("e-anna", "begleitung", 10, (9, 11), [ANNA], "k-a"),
        # the office visits Anna's Kita at the same time: a Kita double booking
        _event("e-visit", "einrichtungsbesuch", 10, (10, 12), [CORA], "k-a"),
        _event("e-bert", "begleitung", 11, (9, 11), [BERT], "k-b"),
        _event("e-bert2", "sonstiges", 11, (10, 12), [BERT]),  # Bert double booked
        _event("e-ak", "arbeitskreis", 12, (13, 16), [CORA], participants=[ANNA]),
        _event("e-ft", "fachtag", 13, (9, 15), [ANNA, BERT]),
        _event("e-fb", "fortbildung", 16, (9, 15), [CORA], participants=["k-a", BERT]),
    ])
    return db_path


# one private appointment from a personal calendar, to import
PRIVATE_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:import-1@example.org\r\nDTSTAMP:20260301T000000Z\r\n"
    b"DTSTART:20260320T090000Z\r\nDTEND:20260320T100000Z\r\nSUMMARY:Privat\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def listed(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    assert run(db, *args, "list", "--from", "1.3.2026", "--to", "31.3.2026",
               "--format", "json") == 0
    return {o["id"] for o in json.loads(capsys.readouterr().out)}


def refused(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Runs a command that must be refused: exit 2, one German line, nothing written."""
    before = snapshot(db.parent)
    assert run(db, *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("thekiz: "), captured.err
    assert "Traceback" not in captured.err
    assert snapshot(db.parent) == before
    return lines[0]


# -- the rules -------------------------------------------------------------------------


def test_a_coach_sees_her_events_and_the_shared_dates_she_takes_part_in() -> None:
    anna = Actor(Coach(id=ANNA, name="Anna Apfel"))
    sees = {
        e.id for e in (
            _event("own", "begleitung", 2, (9, 10), [ANNA], "k-a"),
            _event("other", "begleitung", 2, (9, 10), [BERT], "k-b"),
            _event("ak-participant", "arbeitskreis", 2, (9, 10), [CORA], participants=[ANNA]),
            _event("ak-without", "arbeitskreis", 2, (9, 10), [CORA], participants=["k-a"]),
            _event("visit-other", "sonstiges", 2, (9, 10), [BERT], participants=[ANNA]),
        ) if anna.sees_event(e)
    }
    assert sees == {"own", "ak-participant"}
    assert anna.sees_kita(Kita(id="k-a", name="A", coach=ANNA))
    assert not anna.sees_kita(Kita(id="k-b", name="B", coach=BERT))
    assert Actor(Coach(id=CORA, name="C", role="coordinator")).sees_event(
        _event("other", "begleitung", 2, (9, 10), [BERT], "k-b"))
    assert Actor().everything  # no --as: the owner on this machine


def test_a_coach_changes_only_her_own_events_before_and_after() -> None:
    anna = Actor(Coach(id=ANNA, name="Anna Apfel"))
    kitas = {"k-a": Kita(id="k-a", name="Kita Ahorn", coach=ANNA),
             "k-b": Kita(id="k-b", name="Kita Buche", coach=BERT)}
    own = _event("own", "begleitung", 2, (9, 10), [ANNA], "k-a")
    anna.check_event_change(None, own, kitas)  # a new one of her own
    anna.check_event_change(own, replace(own, title="neu"), kitas)
    anna.check_event_change(own, None, kitas)  # delete
    refusals = [
        (None, replace(own, coaches=[ANNA, BERT])),  # adds someone
        (own, replace(own, coaches=[BERT])),  # hands it over (removes herself)
        (own, replace(own, coaches=[ANNA, BERT])),
        (own, replace(own, kind="fachtag")),  # makes it a shared date
        (None, replace(own, kind="einrichtungsbesuch")),
        (own, replace(own, kita="k-b")),  # at a Kita she does not accompany
        (replace(own, coaches=[BERT]), replace(own, coaches=[BERT])),  # someone else's
        # a series whose one occurrence is handed to someone else
        (own, replace(own, rrule="FREQ=WEEKLY", overrides={"x": {"coaches": [BERT]}})),
    ]
    for before, after in refusals:
        with pytest.raises(NotPermitted, match="Keine Berechtigung") as refused:
            anna.check_event_change(before, after, kitas)
        assert "Buche" not in str(refused.value)  # (the name of a Kita not hers to see)
    coordinator = Actor(Coach(id=CORA, name="Cora", role="coordinator"))
    for before, after in refusals:
        coordinator.check_event_change(before, after, kitas)


def test_the_guarded_store_overrides_every_public_method_of_the_store() -> None:
    """No way around the rules: a method added to Store must be guarded too."""
    public = {n for n, v in vars(Store).items() if not n.startswith("_") and callable(v)}
    public.discard("open")  # a class method: opens a plain store
    missing = {n for n in public if n not in vars(GuardedStore)}
    assert not missing


def test_planning_decides_the_rights_and_holds_no_store_of_its_own() -> None:
    """The rules are planning's, the store that enforces them is the session layer's
    (issue 12: each class where its kind lives); import-linter keeps planning from
    importing that layer, and planning recognises a guarded store by its ``Guarded``
    face alone."""
    import importlib
    import inspect
    import pkgutil

    import thekiz_tui.planning as planning
    from thekiz_tui.planning.permissions import Guarded, actor, unguarded

    stores = []
    for info in pkgutil.iter_modules(planning.__path__):
        module = importlib.import_module(f"{planning.__name__}.{info.name}")
        stores += [
            f"{module.__name__}.{name}" for name, value in vars(module).items()
            if inspect.isclass(value) and issubclass(value, Store) and value is not Store
            and value.__module__ == module.__name__
        ]
    assert stores == []
    plain = Store.__new__(Store)
    assert not isinstance(plain, Guarded) and unguarded(plain) is plain
    assert actor(plain).everything


def test_the_guarded_store_filters_reads_and_checks_writes_first(team: Path) -> None:
    raw = Store.open(team)
    anna = guard(raw, ANNA)
    assert {e.id for e in anna.events()} == {"e-anna", "e-ak", "e-ft"}
    assert [k.id for k in anna.kitas()] == ["k-a"]
    with pytest.raises(NotFound):
        anna.event("e-bert")
    with pytest.raises(NotFound):
        anna.kita("k-b")
    rates = {c.id: c.rate for c in anna.coaches()}
    assert rates == {ANNA: 60.0, BERT: 0.0, CORA: 0.0}  # only her own fee
    before = snapshot(team.parent)
    mine = anna.event("e-anna")
    with pytest.raises(NotPermitted):  # one refused event refuses the whole import
        anna.put_events([replace(mine, title="ok"),
                         _event("e-new", "fachtag", 20, (9, 10), [ANNA])])
    with pytest.raises(NotPermitted), anna.transaction() as tx:
        tx.update_event(replace(mine, title="erst"))
        tx.update_event(replace(anna.event("e-ak"), title="dann"))
    assert snapshot(team.parent) == before
    saved = anna.update_event(replace(mine, title="geändert"), expected_sequence=mine.sequence)
    assert raw.event("e-anna").title == "geändert" == saved.title


# -- commands with --as ------------------------------------------------------------------


def test_list_and_export_show_a_coach_only_her_plan(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert listed(team, capsys, "--as", ANNA) == {"e-anna", "e-ak", "e-ft"}
    assert listed(team, capsys, "--as", BERT) == {"e-bert", "e-bert2", "e-ft", "e-fb"}
    everyone = {"e-anna", "e-visit", "e-bert", "e-bert2", "e-ak", "e-ft", "e-fb"}
    assert listed(team, capsys) == everyone
    assert listed(team, capsys, "--as", CORA) == everyone
    out = tmp_path / "anna.ics"
    assert run(team, "--as", ANNA, "export", "-o", str(out)) == 0
    from icalendar import Calendar

    calendar = Calendar.from_ical(out.read_bytes())
    uids = {str(c["UID"]) for c in calendar.walk("VEVENT")}
    assert uids == {"e-anna@thekiz", "e-ak@thekiz", "e-ft@thekiz"}


def test_a_coach_may_not_look_at_another_coachs_plan(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for command in (["list"], ["conflicts"], ["export", "-o", str(tmp_path / "x.ics")],
                    ["report", "--month", "2026-03"]):
        line = refused(team, capsys, "--as", ANNA, *command, "--coach", BERT)
        assert "Keine Berechtigung" in line and "Anna Apfel" in line
    assert not (tmp_path / "x.ics").exists()
    # the coordination office may, and filters by coach
    assert run(team, "--as", CORA, "list", "--coach", BERT, "--from", "1.3.2026",
               "--to", "31.3.2026", "--format", "json") == 0
    ids = {o["id"] for o in json.loads(capsys.readouterr().out)}
    assert ids == {"e-bert", "e-bert2", "e-ft"}


def test_conflicts_show_a_coach_the_findings_of_her_events(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def findings(*who: str) -> dict[str, set[str]]:
        run(team, *who, "conflicts", "--from", "1.3.2026", "--to", "31.3.2026",
            "--format", "json")
        found = json.loads(capsys.readouterr().out)
        return {f["rule"]: set(f["events"]) for f in found
                if f["rule"] in ("kita-overlap", "coach-overlap")}

    # Anna's visit clashes with the office's visit at her Kita: judged on the whole
    # store, shown to her without the office's event (she learns only that her Kita is
    # busy then); Bert's own double booking is not hers to see.
    assert findings("--as", ANNA) == {"kita-overlap": {"e-anna"}}
    assert findings("--as", BERT) == {"coach-overlap": {"e-bert", "e-bert2"}}
    assert findings("--as", CORA) == {"kita-overlap": {"e-anna", "e-visit"},
                                      "coach-overlap": {"e-bert", "e-bert2"}}


def test_report_of_a_coach_is_her_own(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(team, "--as", ANNA, "report", "--month", "2026-03", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["kita"] for r in rows} - {""} == {"k-a"}  # ("": the sum)
    assert run(team, "--as", CORA, "report", "--month", "2026-03", "--coach", BERT,
               "--format", "json") == 0
    assert {r["kita"] for r in json.loads(capsys.readouterr().out)} - {""} == {"k-b"}


def test_what_a_coach_may_not_change_is_refused_and_nothing_written(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    as_anna = ("--as", ANNA)
    # someone else's event: not even found
    assert "gibt es nicht" in refused(team, capsys, *as_anna, "edit", "e-bert", "--title", "x")
    assert "gibt es nicht" in refused(team, capsys, *as_anna, "remove", "e-bert")
    # shared dates she sees
    for args in (["edit", "e-ak", "--title", "x"], ["remove", "e-ft"],
                 ["edit", "e-ft", "--coach", ANNA]):
        assert "kein eigener Termin" in refused(team, capsys, *as_anna, *args)
    # her own event, handed over or shared with someone
    assert "niemanden sonst" in refused(team, capsys, *as_anna, "edit", "e-anna",
                                        "--coach", ANNA, "--coach", BERT)
    assert "niemanden sonst" in refused(team, capsys, *as_anna, "edit", "e-anna",
                                        "--coach", BERT)
    assert "kein eigener Termin" in refused(team, capsys, *as_anna, "edit", "e-anna",
                                            "--kind", "fachtag")
    assert "kein eigener Termin" in refused(
        team, capsys, *as_anna, "add", "--kind", "arbeitskreis", "--start", "2.3.2026 9:00",
        "--end", "10:00", "--coach", ANNA)
    assert "niemanden sonst" in refused(
        team, capsys, *as_anna, "add", "--kind", "sonstiges", "--start", "2.3.2026 9:00",
        "--end", "10:00", "--coach", ANNA, "--coach", BERT)
    # Kitas, coaches, settings: the coordination office's
    assert "Koordinationsstelle" in refused(team, capsys, *as_anna, "kita", "edit", "k-a",
                                            "--name", "Kita Eiche")
    refused(team, capsys, *as_anna, "kita", "add", "--name", "Kita Eiche")
    refused(team, capsys, *as_anna, "coach", "edit", ANNA, "--rate", "99")
    refused(team, capsys, *as_anna, "coach", "remove", BERT, "--force")
    refused(team, capsys, *as_anna, "settings", "set", "travel_minutes", "5")
    # a finding of someone else's events
    run(team, "--as", CORA, "conflicts", "--format", "json")
    bert_finding = next(f["id"] for f in json.loads(capsys.readouterr().out)
                        if f["rule"] == "coach-overlap")
    refused(team, capsys, *as_anna, "ack", bert_finding)
    refused(team, capsys, *as_anna, "ack", "e-bert")
    # an import into someone else's plan, or of shared dates
    ics = tmp_path / "in.ics"
    ics.write_bytes(PRIVATE_ICS)
    refused(team, capsys, *as_anna, "import", str(ics), "--coach", BERT)
    refused(team, capsys, *as_anna, "import", str(ics), "--kind", "fachtag")


def test_what_a_coach_may_change(team: Path, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    as_anna = ("--as", ANNA)
    assert run(team, *as_anna, "add", "--kind", "begleitung", "--start", "2.3.2026 9:00",
               "--end", "10:00", "--kita", "k-a", "--title", "Neu") == 0
    new_id = capsys.readouterr().out.strip()
    assert Store.open(team).event(new_id).coaches == [ANNA]  # hers, without --coach
    assert run(team, *as_anna, "edit", "e-anna", "--title", "Elterncafe") == 0
    assert run(team, *as_anna, "remove", new_id) == 0
    assert run(team, *as_anna, "ack", "e-anna", "--reason", "abgesprochen") == 0
    capsys.readouterr()
    acks = Store.open(team).acks()
    assert [a.by for a in acks] == [ANNA] and "e-anna" in acks[0].events
    ics = tmp_path / "in.ics"
    ics.write_bytes(PRIVATE_ICS)
    assert run(team, *as_anna, "import", str(ics)) == 0  # into her own plan
    capsys.readouterr()
    imported = Store.open(team).event_by_uid("import-1@example.org")
    assert imported is not None and imported.coaches == [ANNA]


def test_a_coordinator_changes_shared_dates_kitas_and_settings(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_cora = ("--as", CORA)
    assert run(team, *as_cora, "edit", "e-ak", "--title", "Arbeitskreis Ost") == 0
    assert run(team, *as_cora, "edit", "e-bert", "--coach", ANNA, "--kita", "k-a") == 0
    assert run(team, *as_cora, "kita", "edit", "k-b", "--coach", ANNA) == 0
    assert run(team, *as_cora, "settings", "set", "travel_minutes", "45") == 0
    capsys.readouterr()
    store = Store.open(team)
    assert store.event("e-ak").title == "Arbeitskreis Ost"
    assert store.kita("k-b").coach == ANNA
    # Anna now accompanies Kita Buche and sees the visit that was Bert's
    assert "e-bert" in listed(team, capsys, "--as", ANNA)


def test_an_unknown_person_is_refused(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "c-niemand" in refused(team, capsys, "--as", "c-niemand", "list")


def _vevent(uid: str, day: int, summary: str, *extra: str) -> bytes:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260301T000000Z",
             f"DTSTART:202603{day:02d}T090000Z", f"DTEND:202603{day:02d}T100000Z",
             f"SUMMARY:{summary}", *extra, "END:VEVENT"]
    return "".join(f"{line}\r\n" for line in lines).encode()


def _calendar(*events: bytes) -> bytes:
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    return head + b"".join(events) + b"END:VCALENDAR\r\n"


def test_an_import_by_a_coach_leaves_out_the_uids_of_events_she_may_not_change(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file of Anna's may carry the UID of an event she does not see (Bert's visit, as
    a shared calendar hands it on) or of a shared date she sees but does not change: it
    is skipped, named only by what her file says, and never becomes a second event with
    that UID. Her other entries are imported."""
    raw = Store.open(team)
    bert_uid = raw.event("e-bert").uid or "e-bert@thekiz"
    ak_uid = raw.event("e-ak").uid or "e-ak@thekiz"
    ics = tmp_path / "anna.ics"
    ics.write_bytes(_calendar(
        _vevent(bert_uid, 11, "Meine Notiz zu Bert"),
        _vevent(ak_uid, 12, "Arbeitskreis verlegt"),
        _vevent("privat-2@example.org", 20, "Privat"),
        # a thekiz entry of hers whose id is taken by Bert's other event
        _vevent("neu-3@example.org", 21, "Eigene Begleitung", "X-THEKIZ-KIND:begleitung",
                "X-THEKIZ-ID:e-bert2", f"X-THEKIZ-COACHES:{ANNA}", "X-THEKIZ-KITA:k-a"),
    ))
    before = {e.id: e for e in raw.events()}
    stored_before = {p: b for p, b in snapshot(team.parent).items()}

    assert run(team, "--as", ANNA, "import", "--dry-run", str(ics)) == 0
    dry = capsys.readouterr()
    assert snapshot(team.parent) == stored_before  # a dry run writes nothing
    assert "Traceback" not in dry.err
    lines = dry.out.splitlines()
    assert "neu: 2" in lines and "übersprungen: 2" in lines
    why = "gehört zu einem Termin, den Sie nicht ändern können"
    assert f"  11.03.2026 10:00  Meine Notiz zu Bert ({why})" in lines
    assert f"  12.03.2026 10:00  Arbeitskreis verlegt ({why})" in lines
    # nothing of the stored events she does not see: not Bert's title, not his Kita
    assert "Titel e-bert" not in dry.out and "Buche" not in dry.out

    assert run(team, "--as", ANNA, "import", str(ics)) == 0
    real = capsys.readouterr()
    assert real.err == "" and f"  11.03.2026 10:00  Meine Notiz zu Bert ({why})" in real.out
    after = {e.id: e for e in Store.open(team).events()}
    # the refused entries' events are exactly as they were, the others are new
    for event_id in ("e-bert", "e-bert2", "e-ak", "e-anna", "e-ft", "e-visit", "e-fb"):
        assert after[event_id] == before[event_id]
    added = [after[i] for i in set(after) - set(before)]
    assert sorted(e.title for e in added) == ["Eigene Begleitung", "Privat"]
    assert all(e.coaches == [ANNA] for e in added)
    uids = [e.uid for e in after.values()]
    assert len(uids) == len(set(uids))  # no UID twice
    assert Store.open(team).event_by_uid(bert_uid) == before["e-bert"]

    # the same file again: nothing new, the same two left out
    assert run(team, "--as", ANNA, "import", str(ics)) == 0
    again = capsys.readouterr().out.splitlines()
    assert "neu: 0" in again and "übersprungen: 2" in again
    assert len(Store.open(team).events()) == len(after)


def test_the_office_imports_every_uid(team: Path, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    """The coordination office may change Bert's visit: her file's entry updates it."""
    bert_uid = Store.open(team).event("e-bert").uid or "e-bert@thekiz"
    ics = tmp_path / "buero.ics"
    ics.write_bytes(_calendar(_vevent(bert_uid, 11, "Begleitung Buche verlegt")))
    assert run(team, "--as", CORA, "import", str(ics)) == 0
    out = capsys.readouterr().out
    assert "geändert: 1" in out and "übersprungen" not in out
    assert Store.open(team).event("e-bert").title == "Begleitung Buche verlegt"


# -- rights gaps of issue 9: no one else in her events, acks only of what she changes ----


def test_a_coach_names_no_participants_in_her_events() -> None:
    anna = Actor(Coach(id=ANNA, name="Anna Apfel"))
    kitas = {"k-a": Kita(id="k-a", name="Kita Ahorn", coach=ANNA)}
    own = _event("own", "begleitung", 2, (9, 10), [ANNA], "k-a")
    for before, after in (
        (None, replace(own, participants=[BERT])),  # a new event with someone in it
        (None, replace(own, participants=["k-a"])),
        (own, replace(own, participants=[BERT])),  # her event gains someone
        (own, replace(own, rrule="FREQ=WEEKLY", overrides={"x": {"participants": [BERT]}})),
    ):
        with pytest.raises(NotPermitted, match="Teilnehmende"):
            anna.check_event_change(before, after, kitas)
    # one the office planned with a participant stays hers to change, as it is
    planned = replace(own, participants=["k-a"])
    anna.check_event_change(planned, replace(planned, title="neu"), kitas)
    Actor(Coach(id=CORA, name="Cora", role="coordinator")).check_event_change(
        None, replace(own, participants=[BERT]), kitas)


def test_the_cli_refuses_other_coaches_and_participants_of_a_coach(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    as_anna = ("--as", ANNA)
    new = ("add", "--kind", "begleitung", "--start", "2.3.2026 9:00", "--end", "10:00",
           "--kita", "k-a")
    assert "niemanden sonst" in refused(team, capsys, *as_anna, *new, "--coach", BERT)
    for who in (BERT, "k-a"):
        assert "Teilnehmende" in refused(team, capsys, *as_anna, *new, "--participant", who)
        assert "Teilnehmende" in refused(team, capsys, *as_anna, "edit", "e-anna",
                                         "--participant", who)
    ics = tmp_path / "in.ics"
    ics.write_bytes(_calendar(_vevent(
        "mit-bert@example.org", 20, "Mit Bert", "X-THEKIZ-KIND:begleitung",
        f"X-THEKIZ-COACHES:{ANNA}", f"X-THEKIZ-PARTICIPANTS:{BERT}")))
    refused(team, capsys, *as_anna, "import", str(ics))
    # the office may
    assert run(team, "--as", CORA, *new, "--coach", ANNA, "--participant", BERT) == 0


def test_a_coach_acknowledges_only_findings_of_events_she_may_change(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """She takes part in the office's Saturday date and sees its weekend finding; it is
    the office's to acknowledge, not hers."""
    Store.open(team).add_event(
        _event("e-sat", "arbeitskreis", 14, (10, 12), [CORA], participants=[ANNA]))
    run(team, "--as", ANNA, "conflicts", "--format", "json")
    seen = json.loads(capsys.readouterr().out)
    weekend = next(f["id"] for f in seen if f["events"] == ["e-sat"])
    assert "ändern darf" in refused(team, capsys, "--as", ANNA, "ack", weekend)
    refused(team, capsys, "--as", ANNA, "ack", "e-sat")
    assert Store.open(team).acks() == []
    raw = Store.open(team)
    with pytest.raises(NotPermitted):
        guard(raw, ANNA).add_acks([Ack(finding=weekend, events=["e-sat"])])
    assert run(team, "--as", CORA, "ack", weekend) == 0
    capsys.readouterr()
    with pytest.raises(NotPermitted):  # nor takes the office's acknowledgement back
        guard(Store.open(team), ANNA).remove_ack(weekend)
    # her own event's finding (her visit against the office's at her Kita): hers
    assert run(team, "--as", ANNA, "ack", "e-anna") == 0


def test_an_import_by_a_coach_tells_nothing_of_a_kita_she_does_not_accompany(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Bert's Kita's id, written into Anna's file (or named as the target of
    --map-kita), is for her a Kita that is not there, in the words of one that does not
    exist at all: neither its name nor that it exists (``add --kita`` says the same)."""
    own = ("X-THEKIZ-KIND:begleitung", f"X-THEKIZ-COACHES:{ANNA}")
    answers = {}
    for kita in ("k-b", "k-nirgends"):
        ics = tmp_path / f"{kita}.ics"
        ics.write_bytes(_calendar(_vevent(f"probe-{kita}@example.org", 20, "Probe", *own,
                                          f"X-THEKIZ-KITA:{kita}")))
        answers[kita] = refused(team, capsys, "--as", ANNA, "import", str(ics))
        mapped = tmp_path / f"map-{kita}.ics"
        mapped.write_bytes(_calendar(_vevent(f"map-{kita}@example.org", 20, "Probe", *own,
                                             "X-THEKIZ-KITA:k-alt")))
        answers[f"map {kita}"] = refused(team, capsys, "--as", ANNA, "import",
                                         "--map-kita", f"k-alt={kita}", str(mapped))
    assert not any("Buche" in answer for answer in answers.values())
    assert answers["k-b"] == answers["k-nirgends"].replace("k-nirgends", "k-b")
    assert answers["map k-b"] == answers["map k-nirgends"].replace("k-nirgends", "k-b")
    # her own Kita is known to her: mapped to it, the entry is imported
    mine = tmp_path / "mine.ics"
    mine.write_bytes(_calendar(_vevent("mine@example.org", 20, "Probe", *own,
                                       "X-THEKIZ-KITA:k-alt")))
    assert run(team, "--as", ANNA, "import", "--map-kita", "k-alt=k-a", str(mine)) == 0
    assert Store.open(team).event_by_uid("mine@example.org").kita == "k-a"


def test_a_coachs_dry_run_says_what_her_rights_refuse(
    team: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file with a shared date (an Arbeitskreis of hers): the import is refused by the
    permission layer, and her dry run says so in the same words, exit 2; it said
    nothing and exited 0, as if the file could be imported."""
    ics = tmp_path / "ak.ics"
    ics.write_bytes(_calendar(_vevent("ak-neu@example.org", 20, "Arbeitskreis West",
                                      "X-THEKIZ-KIND:arbeitskreis",
                                      f"X-THEKIZ-COACHES:{ANNA}")))
    before = snapshot(team.parent)
    assert run(team, "--as", ANNA, "import", "--dry-run", str(ics)) == 2
    said = capsys.readouterr().err
    assert run(team, "--as", ANNA, "import", str(ics)) == 2
    assert capsys.readouterr().err == said
    assert "Keine Berechtigung" in said and "Arbeitskreis West" in said
    assert snapshot(team.parent) == before
