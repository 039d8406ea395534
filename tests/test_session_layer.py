"""The session layer without Textual: what one person sees of the others (issue 9), on a
real store, through the same calls the planner, the CLI and the SSH session make."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers.team import SHARED_BOTH, make_team

from store import Event, Store
from store.errors import NotPermitted
from thekiz_tui.cli import main
from thekiz_tui.i18n import set_lang
from thekiz_tui.planning.conflicts import checker_for
from thekiz_tui.session.guarded_store import guard

SECRETS = ("Zahnarzt", "Geheimtermin", "Praxis", "Vertraulich", "ev-bert-private")
BERT_BUSY = "Bert Muster ist am 17.11.2026 von 08:00 bis 10:00 belegt."


@pytest.fixture
def team(tmp_path: Path) -> Path:
    db = make_team(tmp_path / "plan.json")
    Store.open(db).add_event(Event(
        id="ev-bert-private", kind="sonstiges", title="Zahnarzt Geheimtermin",
        location="Praxis am Markt", notes="Vertraulich", coaches=["bert"],
        start="2026-11-17T08:00:00+01:00", end="2026-11-17T10:00:00+01:00"))
    return db


def cli(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_nothing_hidden(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, (secret, text)


def test_conflicts_tell_a_coach_only_that_bert_is_busy(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = ("--from", "1.11.2026", "--to", "30.11.2026")
    _, table, _ = cli(team, capsys, "--as", "anna", "conflicts", *snapshot)
    assert BERT_BUSY in " ".join(table.split())
    assert_nothing_hidden(table)
    _, raw, _ = cli(team, capsys, "--as", "anna", "conflicts", *snapshot, "--format", "json")
    found = json.loads(raw)
    busy = next(f for f in found if f["rule"] == "coach-overlap")
    assert busy["message"] == BERT_BUSY and busy["events"] == [SHARED_BOTH]
    assert busy["severity"] == "error" and busy["start"].startswith("2026-11-17T09:30")
    assert_nothing_hidden(raw)
    # the office sees Bert's double booking as it is
    _, office, _ = cli(team, capsys, "--as", "clara", "conflicts", *snapshot)
    assert "Zahnarzt Geheimtermin" in office


def test_a_coach_may_not_acknowledge_bert_s_double_booking(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, raw, _ = cli(team, capsys, "--as", "anna", "conflicts", "--format", "json")
    busy = next(f["id"] for f in json.loads(raw) if f["rule"] == "coach-overlap")
    code, out, err = cli(team, capsys, "--as", "anna", "ack", busy)
    assert code == 2 and out == "" and "Keine Berechtigung" in err
    assert_nothing_hidden(err)
    code, _, err = cli(team, capsys, "--as", "anna", "ack", "ev-bert-private")
    assert code == 2 and "Zahnarzt" not in err
    assert Store.open(team).acks() == []


def test_the_live_check_of_a_candidate_with_bert_is_redacted(team: Path) -> None:
    """Even a candidate that names Bert (the form no longer offers him) learns nothing
    of his private time but that he is busy."""
    raw = Store.open(team)
    anna = guard(raw, "anna")
    candidate = Event(id="ev-new", kind="begleitung", coaches=["anna", "bert"],
                      start="2026-11-17T09:00:00+01:00", end="2026-11-17T09:45:00+01:00")
    found = checker_for(anna).check_candidate(candidate)
    messages = [f.message for f in found]
    assert "Bert Muster ist am 17.11.2026 von 08:00 bis 10:00 belegt." in messages
    assert_nothing_hidden(repr(found))
    # her own clash with the shared date names both: she sees both
    assert any("Arbeitskreis Ost" in m and "Anna Beispiel" in m for m in messages)
    office = checker_for(guard(raw, "clara")).check_candidate(candidate)
    assert any("Zahnarzt Geheimtermin" in f.message for f in office)


def test_busy_in_english(team: Path) -> None:
    anna = guard(Store.open(team), "anna")
    set_lang("en")
    try:
        found = checker_for(anna).check()
    finally:
        set_lang("de")
    assert "Bert Muster is busy on 17.11.2026 from 08:00 to 10:00." in [
        f.message for f in found]


# -- the session itself: what the planner, the CLI and the SSH session go through --------


def test_a_session_saves_undoes_and_redoes_as_herself(team: Path) -> None:
    from thekiz_tui.session import Session

    session = Session.at(team, today=date(2026, 11, 25), as_coach="anna")
    assert not session.opened  # (the planner's first frame goes without the store)
    own = session.event("ev-anna")
    assert session.why_not_change(own) is None
    assert "Koordinationsstelle" in (session.why_not_change(session.event(SHARED_BOTH))
                                     or "")
    moved = replace(own, title="Elterncafe")
    assert session.apply_change("Termin ändern", [own], [moved]) == \
        "Termin ändern: gespeichert"
    assert Store.open(team).event("ev-anna").title == "Elterncafe"
    assert session.undo() == "Rückgängig: Termin ändern"
    assert Store.open(team).event("ev-anna").title == own.title
    assert session.redo() == "Wiederholt: Termin ändern"
    assert Store.open(team).event("ev-anna").title == "Elterncafe"
    assert session.undo().startswith("Rückgängig") and session.undo() == \
        "Nichts rückgängig zu machen."
    # a change of the shared date is refused below the session, nothing written
    shared = session.event(SHARED_BOTH)
    with pytest.raises(NotPermitted):
        session.apply_change("Termin ändern", [shared], [replace(shared, title="x")])
    assert Store.open(team).event(SHARED_BOTH).title == shared.title


def test_a_session_shows_her_month_kitas_and_export(team: Path) -> None:
    from thekiz_tui.planning.month_snapshot import Filters
    from thekiz_tui.session import Session

    session = Session(Store.open(team), today=date(2026, 11, 25), as_coach="anna")
    snapshot = session.month_snapshot(2026, 11, filters=Filters())
    assert {o.event.id for o in snapshot.occurrences} == {"ev-anna", SHARED_BOTH}
    assert BERT_BUSY in [f.message for f in snapshot.findings]
    assert_nothing_hidden(repr(snapshot.findings))
    assert [row.id for row in session.kita_overview(2026)] == ["wiese"]
    assert {e.id for e in session.export_scope()} == {"ev-anna", SHARED_BOTH}
    with pytest.raises(NotPermitted):
        session.export_scope(coach="bert")
    with pytest.raises(NotPermitted):
        session.findings(coach="bert")
    # her acknowledgement: only of a finding of an event she may change
    busy = next(f for f in snapshot.findings if f.message == BERT_BUSY)
    with pytest.raises(NotPermitted):
        session.acknowledge([(busy.id, "")], [busy])
    assert Store.open(team).acks() == []


def test_the_form_offers_a_coach_only_what_she_may_save(team: Path) -> None:
    from thekiz_tui.session import Session

    session = Session(Store.open(team), today=date(2026, 11, 25), as_coach="anna")
    rights = session.form_rights
    shared = session.event(SHARED_BOTH)
    copy = rights.start(replace(shared, participants=["wiese"]), new=True)
    assert (copy.kind, copy.coaches, copy.participants) == ("begleitung", ["anna"], [])
    assert rights.kinds(copy) == ("begleitung", "sonstiges")
    everyone = Store.open(team).coaches()
    assert [c.id for c in rights.coaches(everyone, copy, new=True)] == ["anna"]
    office = Session(Store.open(team), today=date(2026, 11, 25), as_coach="clara")
    assert office.form_rights.start(shared, new=True) == shared
    assert len(office.form_rights.coaches(everyone, shared, new=True)) == 3


def test_money_of_a_kita_she_does_not_accompany_stays_hidden(team: Path) -> None:
    """The office plans Anna's substitute visit at Bert's Kita, whose budget it exceeds:
    she sees her visit, not that Kita's budget; at her own Kita the budget finding is
    hers (totals only), even when another coach's visits made it."""
    from dataclasses import replace as copy

    raw = Store.open(team)
    raw.update_kita(copy(raw.kita("berg"), budget=10.0))
    raw.update_kita(copy(raw.kita("wiese"), budget=10.0))
    raw.update_coach(copy(raw.coach("anna"), rate=60.0))
    raw.update_coach(copy(raw.coach("bert"), rate=60.0))
    raw.add_event(Event(id="ev-vertretung", kind="begleitung", coaches=["anna"],
                        kita="berg", title="Vertretung",
                        start="2026-11-24T09:00:00+01:00", end="2026-11-24T10:00:00+01:00"))
    raw.add_event(Event(id="ev-bert-wiese", kind="begleitung", coaches=["bert"],
                        kita="wiese", title="Bert privat bei Wiese",
                        start="2026-11-26T09:00:00+01:00", end="2026-11-26T10:00:00+01:00"))
    office = {f.kita for f in checker_for(guard(raw, "clara")).check() if f.rule == "budget"}
    assert office == {"berg", "wiese"}
    found = checker_for(guard(raw, "anna")).check()
    budget = [f for f in found if f.rule == "budget"]
    assert [f.kita for f in budget] == ["wiese"]
    assert budget[0].events == ("ev-anna",)  # her visit; not Bert's there
    assert "Bergblick" not in repr(found) and "Bert privat" not in repr(found)


def test_her_findings_name_the_kita_of_her_substitute_visit_busy_and_by_name(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The office plans a substitute visit for Anna at Bert's Kita, at the time of Bert's
    own visit there: Anna's findings say that Kita Bergblick is busy, by its name (the
    Kita of her own visit), and nothing of Bert's visit."""
    store = Store.open(team)
    store.add_event(Event(
        id="ev-bert-visit", kind="begleitung", title="Vertraulich Teamkrise", coaches=["bert"],
        kita="berg", start="2026-11-24T09:00:00+01:00", end="2026-11-24T11:00:00+01:00"))
    store.add_event(Event(
        id="ev-anna-subst", kind="begleitung", title="Vertretung", coaches=["anna"],
        kita="berg", start="2026-11-24T10:00:00+01:00", end="2026-11-24T12:00:00+01:00"))
    _, table, _ = cli(team, capsys, "--as", "anna", "conflicts", "--from", "24.11.2026",
                      "--to", "24.11.2026")
    lines = [line for line in table.splitlines() if "doppelt belegt" in line]
    assert len(lines) == 1, table
    assert "Kita Bergblick" in lines[0].split("Kita Bergblick ist am")[0]  # its column
    assert "Kita Bergblick ist am 24.11.2026 von 09:00 bis 11:00 belegt." in lines[0]
    assert "Teamkrise" not in table and "ev-bert-visit" not in table
