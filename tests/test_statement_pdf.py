"""The monthly statement as a PDF (``report --format pdf``), read back with pdftotext:
one page per coach, the CSV's figures to the cent, umlauts, "€" and "–", a signature line,
and store text shown as text."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_program

from store import Coach, Event, Kita, Store


def visit(eid: str, day: str, start: str, end: str, coach: str, kita: str) -> Event:
    return Event(id=eid, kind="begleitung", start=f"{day}T{start}:00+01:00",
                 end=f"{day}T{end}:00+01:00", coaches=[coach], kita=kita)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    store = Store.open(path)
    store.add_coach(Coach(id="anna", name="Anna Müller", rate=62.5))
    store.add_coach(Coach(id="bert", name="Bert Weiß", rate=58.0))
    store.add_coach(Coach(id="cleo", name="Cleo Ohnebesuch", rate=60.0))
    store.add_kita(Kita(id="sonne", name="Kita Sonnenblume", coach="anna", budget=5000.0))
    store.add_kita(Kita(id="mark", name="Kita #set text(red) *Markup*", coach="bert"))
    store.put_events([
        visit("a1", "2027-01-12", "09:00", "12:15", "anna", "sonne"),  # 3,25 h: 203,13 €
        visit("a2", "2027-01-19", "09:00", "09:20", "anna", "sonne"),  # 0,33 h: 20,63 €
        visit("b1", "2027-01-13", "10:00", "11:30", "bert", "mark"),
    ])
    return path


def thekiz(db: Path, home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "THEKIZ_TODAY": "2027-01-31", "LANG": "C.UTF-8", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config")}
    env.pop("XDG_DOCUMENTS_DIR", None)
    return subprocess.run([sys.executable, "-m", "thekiz_tui", "--db", str(db), *args],
                          capture_output=True, env=env, timeout=120)


def pdf_text(path: Path) -> list[str]:
    """The PDF's pages as text, in reading order."""
    done = subprocess.run([need_program("pdftotext"), "-layout", str(path), "-"],
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split("\f")[:-1]


def test_her_statement_has_her_visits_the_csv_figures_and_a_signature_line(
        db: Path, tmp_path: Path) -> None:
    out = tmp_path / "januar.pdf"
    done = thekiz(db, tmp_path, "report", "--month", "2027-01", "--coach", "anna",
                  "--format", "pdf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    [page] = pdf_text(out)
    assert "Stundennachweis Januar 2027" in page and "Anna Müller" in page
    assert "Di 12.01.2027" in page and "09:00–12:15" in page and "203,13 €" in page
    assert "20,63 €" in page and "223,76 €" in page and "62,50 €" in page
    assert "Unterschrift" in page and "Ort, Datum" in page
    assert "Bert" not in page
    csv_out = thekiz(db, tmp_path, "report", "--month", "2027-01", "--coach", "anna",
                     "--format", "csv")
    [row, _total] = list(csv.reader(io.StringIO(csv_out.stdout.decode("utf-8-sig")),
                                   delimiter=";"))[1:]
    for figure in ("3,58", "223,76", "5000,00", "4776,24"):
        assert figure in row
    assert "4.776,24 €" in page and "5.000,00 €" in page


def test_the_office_gets_a_page_per_coach_with_visits(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "alle.pdf"
    assert thekiz(db, tmp_path, "report", "--month", "2027-01", "--format", "pdf",
                  "-o", str(out)).returncode == 0
    pages = pdf_text(out)
    assert len(pages) == 2
    assert "Anna Müller" in pages[0] and "Bert Weiß" in pages[1]
    # a Kita's name is text, never typst markup
    assert "Kita #set text(red) *Markup*" in pages[1]


def test_a_coach_gets_her_own_page_only(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "meins.pdf"
    done = thekiz(db, tmp_path, "--as", "bert", "report", "--month", "2027-01",
                  "--format", "pdf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    [page] = pdf_text(out)
    assert "Bert Weiß" in page and "Anna" not in page and "Sonnenblume" not in page


def test_without_a_path_it_goes_to_her_documents_folder(db: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    cwd_before = set(Path.cwd().iterdir())
    done = thekiz(db, home, "report", "--month", "2027-01", "--coach", "anna",
                  "--format", "pdf")
    assert done.returncode == 0, done.stderr
    target = home / "Documents" / "stundennachweis-2027-01-anna.pdf"
    assert target.read_bytes().startswith(b"%PDF")
    assert str(target) in done.stderr.decode()
    assert set(Path.cwd().iterdir()) == cwd_before


def test_an_unwritable_target_is_one_german_line_and_no_file(db: Path, tmp_path: Path) -> None:
    done = thekiz(db, tmp_path, "report", "--month", "2027-01", "--format", "pdf",
                  "-o", str(tmp_path / "fehlt" / "x.pdf"))
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and "gibt es nicht" in done.stderr.decode()
    assert not (tmp_path / "fehlt").exists()
