"""``thekiz access grant|list|revoke`` on a real ``authorized_keys`` file.

The file belongs to the admin as much as to thekiz: every line that is not ours stays
byte for byte, the file stays 0600, and a refused grant changes nothing.
"""

from __future__ import annotations

import json
import shlex
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import need_program
from helpers.team import (
    make_team,
    new_key,
    one_german_line,
    readme_lines,
    thekiz,
    thekiz_env,
)

from thekiz_tui.remote.grants import coach_of_command, read_grants

# Lines an admin may already have: a comment, a blank line, a key with options of its own,
# a key of another tool with a forced command, trailing blanks and a CRLF line ending.
FOREIGN = (
    b"# keys of the admin\n"
    b"\n"
    b'from="10.0.0.0/8",no-agent-forwarding ssh-ed25519 '
    b"AAAAC3NzaC1lZDI1NTE5AAAAIG5vdCBhIHJlYWwga2V5IGJ1dCB3ZWxsIGZvcm1lZAAA admin@desk  \n"
    b'command="/usr/bin/backup --session --as x" ssh-rsa AAAAB3NzaC1yc2E= backup\r\n'
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_team(tmp_path / "plan.json")


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    return folder


def access(db: Path, *args: str, input: str | None = None,
           home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = thekiz_env(**({"HOME": str(home)} if home else {}))
    return thekiz("--db", str(db), "access", *args, input=input, env=env)


def granted(db: Path, *args: str, input: str | None = None) -> str:
    result = access(db, "grant", *args, input=input)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_grant_writes_the_forced_command_and_keeps_every_other_line(
        db: Path, keys: Path, tmp_path: Path) -> None:
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    target.chmod(0o644)
    public = new_key(keys, "anna")
    key_text = public.read_text().strip()

    said = granted(db, "anna", str(public), "--authorized-keys", str(target))

    data = target.read_bytes()
    assert data.startswith(FOREIGN), "the admin's lines changed"
    line = data[len(FOREIGN):].decode()
    assert line.endswith("\n") and line.count("\n") == 1
    assert line.startswith('restrict,pty,command="') and line.rstrip("\n").endswith(key_text)
    command = line.split('command="', 1)[1].split('" ', 1)[0]
    fingerprint = read_grants(target)[0].fingerprint
    # The key and the file let a running session find its grant again (and end).
    assert shlex.split(command) == [sys.executable, "-m", "thekiz_tui", "--db", str(db),
                                    "session", "--as", "anna", "--key", fingerprint,
                                    "--grants", str(target)]
    assert coach_of_command(command) == "anna"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Anna Beispiel" in said and "eingetragen" in said
    # Only our line is a grant; the backup tool's ``--as x`` is not ours (no ``session``).
    assert [g.coach for g in read_grants(target)] == ["anna"]


def test_list_shows_coach_name_type_and_the_fingerprint_ssh_keygen_shows(
        db: Path, keys: Path, tmp_path: Path) -> None:
    keygen = need_program("ssh-keygen")
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    anna, bert = new_key(keys, "anna"), new_key(keys, "bert")
    granted(db, "anna", str(anna), "--authorized-keys", str(target))
    granted(db, "bert", "-", "--authorized-keys", str(target), input=bert.read_text())

    listed = access(db, "list", "--format", "json", "--authorized-keys", str(target))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)

    def keygen_fingerprint(path: Path) -> str:
        shown = subprocess.run([keygen, "-lf", str(path)], capture_output=True, text=True,
                               check=True).stdout
        return shown.split()[1]

    assert [(r["coach"], r["name"], r["key_type"], r["fingerprint"], r["comment"])
            for r in rows] == [
        ("anna", "Anna Beispiel", "ssh-ed25519", keygen_fingerprint(anna), "anna@laptop"),
        ("bert", "Bert Muster", "ssh-ed25519", keygen_fingerprint(bert), "bert@laptop"),
    ]
    table = access(db, "list", "--authorized-keys", str(target)).stdout
    assert "Anna Beispiel" in table and keygen_fingerprint(bert) in table
    assert "2 weitere Schlüssel" in table  # the admin's and the backup key, not ours


def test_granting_a_key_again_replaces_its_line_in_place(
        db: Path, keys: Path, tmp_path: Path) -> None:
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    shared, other = new_key(keys, "laptop"), new_key(keys, "other")
    granted(db, "anna", str(shared), "--authorized-keys", str(target))
    granted(db, "bert", str(other), "--authorized-keys", str(target))

    said = granted(db, "clara", str(shared), "--authorized-keys", str(target))

    assert "ersetzt" in said and "anna" in said
    assert [g.coach for g in read_grants(target)] == ["clara", "bert"]
    assert target.read_bytes().startswith(FOREIGN)
    assert target.read_text().count(shared.read_text().split()[1]) == 1


def test_the_default_file_is_in_home_and_ssh_is_made_private(db: Path, keys: Path,
                                                             tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = access(db, "grant", "anna", str(new_key(keys, "anna")), home=home)
    assert result.returncode == 0, result.stderr
    target = home / ".ssh" / "authorized_keys"
    assert [g.coach for g in read_grants(target)] == ["anna"]
    assert stat.S_IMODE((home / ".ssh").stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    listed = access(db, "list", "--format", "json", home=home)
    assert [r["coach"] for r in json.loads(listed.stdout)] == ["anna"]


def _private(keys: Path) -> str:
    new_key(keys, "anna")
    return (keys / "anna").read_text()


def _truncated(keys: Path) -> str:
    kind, data, _ = new_key(keys, "anna").read_text().split()
    return f"{kind} {data[:-8]}\n"


def _mismatched(keys: Path) -> str:
    _, data, comment = new_key(keys, "anna").read_text().split()
    return f"ssh-rsa {data} {comment}\n"


def _two(keys: Path) -> str:
    return new_key(keys, "anna").read_text() + new_key(keys, "bert").read_text()


@pytest.mark.parametrize(("make", "expected"), [
    (lambda keys: "", "leer"),
    (lambda keys: "hello world\n", "unbekannter Typ"),
    (lambda keys: "ssh-ed25519\n", "fehlen die Schlüsseldaten"),
    (lambda keys: "ssh-ed25519 not*base64 x\n", "beschädigt"),
    (_truncated, "beschädigt"),
    (_mismatched, "beschädigt"),
    (_private, "privater Schlüssel"),
    (_two, "mehrere Zeilen"),
], ids=["empty", "garbage", "no-data", "not-base64", "truncated", "wrong-type", "private",
        "two-keys"])
def test_malformed_keys_are_refused_and_nothing_is_written(
        db: Path, keys: Path, tmp_path: Path, make, expected: str) -> None:
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    source = keys / "given.pub"
    source.write_text(make(keys))

    message = one_german_line(access(db, "grant", "anna", str(source),
                                     "--authorized-keys", str(target)))

    assert expected in message
    assert target.read_bytes() == FOREIGN
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_unknown_coach_and_missing_arguments_are_refused(db: Path, keys: Path,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "authorized_keys"
    public = str(new_key(keys, "anna"))
    unknown = one_german_line(access(db, "grant", "zoe", public,
                                     "--authorized-keys", str(target)))
    assert "„zoe“ gibt es nicht" in unknown
    assert "Schlüssel" in one_german_line(access(db, "grant", "anna",
                                                 "--authorized-keys", str(target)))
    assert "gibt es nicht" in one_german_line(access(db, "grant", "anna", str(keys / "no.pub"),
                                                     "--authorized-keys", str(target)))
    missing = one_german_line(access(tmp_path / "nowhere.json", "grant", "anna", public,
                                     "--authorized-keys", str(target)))
    assert "nowhere.json gibt es nicht" in missing
    assert not target.exists()
    assert not (tmp_path / "nowhere.json").exists()


def test_revoke_by_coach_or_by_fingerprint(db: Path, keys: Path, tmp_path: Path) -> None:
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    for name, coach in (("anna-laptop", "anna"), ("anna-phone", "anna"), ("bert", "bert")):
        granted(db, coach, str(new_key(keys, name)), "--authorized-keys", str(target))
    phone = next(g for g in read_grants(target) if g.comment == "anna-phone@laptop")

    result = access(db, "revoke", phone.fingerprint, "--authorized-keys", str(target))
    assert result.returncode == 0, result.stderr
    assert [g.comment for g in read_grants(target)] == ["anna-laptop@laptop", "bert@laptop"]

    result = access(db, "revoke", "anna", "--authorized-keys", str(target))
    assert result.returncode == 0, result.stderr
    assert [g.coach for g in read_grants(target)] == ["bert"]
    assert target.read_bytes().startswith(FOREIGN)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    before = target.read_bytes()
    for who in ("anna", "SHA256:doesnotexist", "x"):  # ``x``: the backup line is not ours
        assert "Kein Zugang" in one_german_line(
            access(db, "revoke", who, "--authorized-keys", str(target)))
    assert target.read_bytes() == before


def test_only_the_coordination_office_grants_and_revokes_with_as(db: Path, keys: Path,
                                                                 tmp_path: Path) -> None:
    """With ``--as``, who may enter is the coordination office's matter, like the
    coaches themselves: a coach grants no key (not even to another coach) and revokes none."""
    target = tmp_path / "authorized_keys"
    granted(db, "bert", str(new_key(keys, "bert")), "--authorized-keys", str(target))
    before = target.read_bytes()
    mine = str(new_key(keys, "mine"))

    def as_(who: str, *args: str) -> subprocess.CompletedProcess[str]:
        return thekiz("--db", str(db), "--as", who, "access", *args,
                      "--authorized-keys", str(target))

    for args in (("grant", "bert", mine), ("grant", "anna", mine), ("revoke", "bert")):
        assert "Keine Berechtigung" in one_german_line(as_("anna", *args)), args
    assert target.read_bytes() == before
    assert as_("clara", "grant", "anna", mine).returncode == 0
    assert as_("clara", "revoke", "bert").returncode == 0
    assert [g.coach for g in read_grants(target)] == ["anna"]


def test_concurrent_grants_lose_none(db: Path, keys: Path, tmp_path: Path) -> None:
    target = tmp_path / "authorized_keys"
    target.write_bytes(FOREIGN)
    publics = [new_key(keys, f"key{i}") for i in range(5)]
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(
            lambda p: access(db, "grant", "anna", str(p), "--authorized-keys", str(target)),
            publics))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert sorted(g.comment for g in read_grants(target)) == [f"key{i}@laptop"
                                                              for i in range(5)]
    assert target.read_bytes().startswith(FOREIGN)


def test_the_readme_admin_commands_work_as_shown(tmp_path: Path, keys: Path) -> None:
    """The README's ``~/venv/bin/thekiz access …`` lines, run as written in the home
    folder of the thekiz user: the default store and the default authorized_keys."""
    home = tmp_path / "home"
    make_team(home / ".local" / "share" / "thekiz" / "plan.json")
    (home / "anna.pub").write_text(new_key(keys, "anna").read_text())
    env = {k: v for k, v in thekiz_env(HOME=str(home)).items() if not k.startswith("XDG_")}
    lines = readme_lines("~/venv/bin/thekiz ")
    assert [shlex.split(line)[1:3] for line in lines] == [
        ["access", "grant"], ["access", "list"], ["access", "revoke"]]
    target = home / ".ssh" / "authorized_keys"
    seen: list[list[str]] = []
    for line in lines:
        words = [sys.executable, "-m", "thekiz_tui", *shlex.split(line)[1:]]
        result = subprocess.run(words, cwd=home, env=env, capture_output=True, text=True,
                                timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (line, result.stderr)
        seen.append([g.coach for g in read_grants(target)])
        if "list" in line:
            assert "Anna Beispiel" in result.stdout
    assert seen == [["anna"], ["anna"], []]


def test_list_shows_each_grants_store_and_marks_another(db: Path, keys: Path,
                                                        tmp_path: Path) -> None:
    """``thekiz serve`` on this store lets in only this store's grants: the list says
    which store each grant is for."""
    target = tmp_path / "authorized_keys"
    other = make_team(tmp_path / "teamB.json")
    granted(db, "anna", str(new_key(keys, "anna")), "--authorized-keys", str(target))
    done = thekiz("--db", str(other), "access", "grant", "clara",
                  str(new_key(keys, "buero")), "--authorized-keys", str(target))
    assert done.returncode == 0, done.stderr

    rows = json.loads(access(db, "list", "--format", "json", "--authorized-keys",
                             str(target)).stdout)
    assert [(r["coach"], r["db"], r["this_store"], r["name"]) for r in rows] == [
        ("anna", str(db), True, "Anna Beispiel"), ("clara", str(other), False, "")]
    table = access(db, "list", "--authorized-keys", str(target)).stdout
    anna_row, clara_row = (next(line for line in table.splitlines() if line.startswith(c))
                           for c in ("anna", "clara"))
    assert str(db) in anna_row and "ANDERE" not in anna_row
    assert f"ANDERE: {other}" in clara_row and "(andere Datenbank)" in clara_row


def test_list_neutralises_what_the_file_says(db: Path, keys: Path, tmp_path: Path) -> None:
    """A comment (or coach) written into the file by hand may hold escape sequences: the
    office's terminal gets none of them. Typed into a grant, such a comment is refused."""
    target = tmp_path / "authorized_keys"
    public = new_key(keys, "anna")
    granted(db, "anna", str(public), "--authorized-keys", str(target))
    osc52 = "\x1b]52;c;ZWNobyBoaQ==\x07\u202egpj.exe"
    line = target.read_text().rstrip("\n")
    target.write_text(f"{line} {osc52}\n")
    assert read_grants(target)[0].comment.endswith(osc52)  # the file holds it

    listed = access(db, "list", "--authorized-keys", str(target))
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "\u202e" not in listed.stdout and "ZWNobyBoaQ==" in listed.stdout

    evil = keys / "evil.pub"
    kind, data = public.read_text().split()[:2]
    evil.write_text(f"{kind} {data} {osc52}\n")
    message = one_german_line(access(db, "grant", "bert", str(evil),
                                     "--authorized-keys", str(target)))
    assert "Kommentar des Schlüssels" in message and "\x1b" not in message
    assert [g.coach for g in read_grants(target)] == ["anna"]
