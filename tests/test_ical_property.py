"""Mutated files: the import either succeeds fully or raises IcalError – never another
exception, never a half import."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ical_export import export

from store import Coach, Kita, Store
from thekiz_tui.ical import IcalError, import_calendar, parse_calendar
from thekiz_tui.planning.occurrences import expand
from thekiz_tui.planning.timeutil import BadInput

DATA = Path(__file__).parent / "data" / "ical"
SOURCES = [export(), *(p.read_bytes() for p in sorted(DATA.glob("*.ics")))]
DATE = re.compile(rb"\d{8}(T\d{6}Z?)?")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SOURCES))
    lines = data.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        op = draw(st.sampled_from(["drop", "dup", "truncate", "flip", "date", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "truncate":
            cut = draw(st.integers(0, sum(len(x) for x in lines)))
            joined = b"".join(lines)[:cut]
            lines = joined.splitlines(keepends=True)
        elif op == "flip":
            line = bytearray(lines[i])
            if line:
                j = draw(st.integers(0, len(line) - 1))
                line[j] ^= 1 << draw(st.integers(0, 7))
            lines[i] = bytes(line)
        elif op == "date":
            found = list(DATE.finditer(lines[i]))
            if found:
                m = draw(st.sampled_from(found))
                garbage = draw(st.sampled_from(
                    [b"20250231", b"20251301", b"20250230T250000", b"2025", b"20250101T246060Z",
                     b"99999999T999999", b""]
                ))
                lines[i] = lines[i][: m.start()] + garbage + lines[i][m.end():]
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def _files(path: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for p in sorted(path.parent.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@settings(max_examples=100, deadline=None)
@given(data=mutated())
def test_parse_succeeds_or_raises_ical_error(data: bytes) -> None:
    try:
        events = parse_calendar(data)
    except IcalError as error:
        assert str(error)
        return
    # What parses must also be plannable: the occurrences expand without error.
    expand(events)


@settings(
    max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=mutated())
def test_import_is_all_or_nothing(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.json"
    if path.exists():
        for p in sorted(tmp_path.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
    store = Store.open(path)
    for coach in ("c-anna", "c-ben"):  # whom the exported sample names
        store.add_coach(Coach(id=coach, name=coach))
    for kita in ("k-sonne", "k-regen"):
        store.add_kita(Kita(id=kita, name=kita))
    import_calendar(store, SOURCES[1])  # something already there
    before = _files(path)
    count = len(store.events())
    try:
        plan = import_calendar(store, data)
    except BadInput:  # IcalError, or an entry a saved event may not be (unknown ids)
        assert _files(path) == before
        return
    assert len(store.events()) == count + len(plan.new)
