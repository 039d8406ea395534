"""End to end in a real terminal: the installed ``thekiz`` planner runs in a private tmux
server, a coach creates an event with the keyboard alone, and ``thekiz list`` finds it
with exactly the values typed.

The test sees what the coach sees. ``tmux capture-pane`` gives the screen (its text, and
with ``-e`` its styles); the terminal's cursor tells which input has the focus, because
Textual puts it on the focused input's caret (for input methods). A checkbox or a list
does not move the cursor; their focus shows as the bold label of the focused widget.

Every key waits for the screen state its predecessor leads to. Keys sent ahead would race
the focus: Textual forwards a key to the widget focused when the key arrives, so a key
typed right after Enter can land in the field that Enter is leaving.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from conftest import need_program

pytestmark = pytest.mark.external

TODAY = "2026-11-25"  # a Wednesday; the planner opens on November 2026
WIDTH, HEIGHT = 100, 30
STARTUP = 180.0  # seconds for the planner to show (an upper bound); ~1-2 s when quiet
STEP = 90.0  # seconds for any later screen state (an upper bound)
POLL = 0.05
SESSION = "thekiz"

TITLE = "Teamsitzung Sonnenschein"

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
ESCAPES = re.compile(r"\x1b\[[0-9;:?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def clean_env() -> dict[str, str]:
    """The environment of tmux and so of the planner: the user's thekiz settings and an
    enclosing tmux are left out; the calls give what the test needs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("THEKIZ_") and k not in ("TMUX", "TMUX_PANE")}
    env["THEKIZ_CONFIG"] = "/dev/null"  # no user config file (keymap, theme, db)
    return env


def has_bold(styled: str) -> bool:
    """Whether an SGR sequence of the captured line switches bold on (``38;5;1`` is a
    colour, not bold)."""
    for match in SGR.finditer(styled):
        params = re.split("[;:]", match.group(1))
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("38", "48", "58"):
                i += 3 if i + 1 < len(params) and params[i + 1] == "5" else 5
                continue
            if p == "1":
                return True
            i += 1
    return False


class Screen:
    """One capture of the pane: its lines (plain and styled), the cursor, and whether
    the planner has exited."""

    def __init__(self, styled: list[str], state: str) -> None:
        self.styled = styled
        self.lines = [ESCAPES.sub("", line) for line in styled]
        x, y, dead, status, signal = [*state.split(" ", 4), ""][:5]
        self.cursor = (int(x), int(y))
        self.dead = dead == "1"
        self.status = status.strip()
        self.signal = signal.strip()  # the signal that ended the planner, if one did

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def row(self, label: str) -> int | None:
        """The line of the form's field labelled ``label`` (``│ Datum   26.11.2026``)."""
        pattern = re.compile(rf"│ {re.escape(label)}\s")
        return next((i for i, line in enumerate(self.lines) if pattern.match(line)), None)

    def field(self, label: str) -> str:
        """The text of the row labelled ``label``, without the label and the border."""
        y = self.row(label)
        if y is None:
            return ""
        return self.lines[y].strip("│ ").removeprefix(label).strip(" │")

    def describe(self) -> str:
        ended = f", exited with {self.status!r} (signal {self.signal!r})" if self.dead else ""
        state = f"cursor {self.cursor}{ended}"
        return f"{state}; the screen:\n{self.text}"


class Terminal:
    """A private tmux server (``-L`` with a unique name, no config file) with one session."""

    def __init__(self, tmux: str, server: str, status_file: Path) -> None:
        self.base = [tmux, "-L", server, "-f", "/dev/null"]
        self.env = clean_env()
        self.socket: str | None = None
        self.status_file = status_file

    def exit_status(self) -> str | None:
        """The planner's exit status once it has exited, written by the pane's shell:
        tmux's own #{pane_dead_status} at times never came (the planner left as a zombie
        that the tmux server did not reap)."""
        try:
            text = self.status_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return text.strip() if text.endswith("\n") else None

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True,
            encoding="utf-8", errors="replace", timeout=30, check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.tmux(*args)
        assert result.returncode == 0, f"tmux {' '.join(args)}: {result.stderr}"
        return result.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        """Start ``command`` in a new session. The pane stays after the program exits
        (remain-on-exit), so that its exit status and what it printed on leaving the
        alternate screen can be read; set before the session, so no early exit is missed.
        tmux sets TERM of a pane from default-terminal (``-e TERM=...`` is overridden)."""
        extra = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self.ok(
            "set-option", "-g", "default-terminal", "tmux-256color", ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT),
            *extra, f"{shlex.join(command)}; echo $? > {shlex.quote(str(self.status_file))}",
        )
        self.socket = self.ok("display-message", "-p", "-t", SESSION, "#{socket_path}").strip()

    def capture(self) -> Screen:
        out = self.ok(
            "capture-pane", "-p", "-e", "-t", SESSION, ";",
            "display-message", "-p", "-t", SESSION,
            "#{cursor_x} #{cursor_y} #{pane_dead} #{pane_dead_status} #{pane_dead_signal}",
        )
        *lines, state = out.rstrip("\n").split("\n")
        return Screen(lines, state)

    def history(self) -> str:
        """Everything the pane shows and scrolled off (after the planner's exit)."""
        return self.ok("capture-pane", "-p", "-S", "-", "-t", SESSION)

    def keys(self, *keys: str) -> None:
        self.ok("send-keys", "-t", SESSION, *keys)

    def type(self, text: str) -> None:
        self.ok("send-keys", "-t", SESSION, "-l", text)

    def wait(self, what: str, ready: Callable[[Screen], bool], *, timeout: float = STEP,
             hint: Callable[[], str] | None = None) -> Screen:
        """Poll the screen until ``ready``; fail with the last screen after ``timeout``,
        or at once when the planner has exited."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if ready(screen):
                return screen
            if self.exit_status() is not None:
                pytest.fail(f"the planner exited while waiting for: {what}; "
                            f"{screen.describe()}\n{self.history()}")
            if time.monotonic() > deadline:
                extra = f"\n{hint()}" if hint is not None else ""
                pytest.fail(f"not within {timeout:.0f} s: {what}; {screen.describe()}{extra}")
            time.sleep(POLL)

    def stop(self) -> None:
        self.tmux("kill-server")
        if self.socket:  # tmux 3.3 leaves the socket file behind
            with suppress(OSError):
                Path(self.socket).unlink()


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    tmux = need_program("tmux")
    term = Terminal(tmux, f"thekiz-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}",
                    tmp_path / "exit-status")
    try:
        yield term
    finally:
        term.stop()


def run_thekiz(thekiz: str, db: Path, *args: str) -> str:
    result = subprocess.run(
        [thekiz, "--db", str(db), *args], env=clean_env(), capture_output=True, text=True,
        encoding="utf-8", timeout=120, check=False,
    )
    assert result.returncode == 0, f"thekiz {' '.join(args)}: {result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


# -- what the screen shows --------------------------------------------------------------


def input_focused(label: str, part: int | None = None) -> Callable[[Screen], bool]:
    """The cursor is in the input of the row ``label``; ``part`` 0 or 1 on a row of two
    inputs ("von ... bis ..."): the one before or after "bis"."""

    def check(screen: Screen) -> bool:
        y = screen.row(label)
        if y is None or screen.cursor[1] != y:
            return False
        if part is None:
            return True
        bis = screen.lines[y].find(" bis ")
        return bis >= 0 and (screen.cursor[0] < bis if part == 0 else screen.cursor[0] > bis)

    return check


def bold_on(label: str) -> Callable[[Screen], bool]:
    """The focused checkbox or list of the row ``label``: its label is bold."""

    def check(screen: Screen) -> bool:
        y = screen.row(label)
        return y is not None and has_bold(screen.styled[y])

    return check


def both(*checks: Callable[[Screen], bool]) -> Callable[[Screen], bool]:
    return lambda screen: all(check(screen) for check in checks)


# -- the test -----------------------------------------------------------------------------


def test_a_coach_creates_an_event_with_the_keyboard_in_a_real_terminal(
    terminal: Terminal, tmp_path: Path
) -> None:
    thekiz = need_program("thekiz")
    db = tmp_path / "plan.json"
    run_thekiz(thekiz, db, "coach", "add", "--id", "mara", "--name", "Mara Beispiel",
               "--rate", "60")
    run_thekiz(thekiz, db, "kita", "add", "--id", "kita-sonne", "--name", "Kita Sonnenschein",
               "--district", "Gotha", "--stage", "basis", "--since", "2026-01-01",
               "--coach", "mara")

    terminal.start([thekiz, "--db", str(db)], {"THEKIZ_TODAY": TODAY})
    screen = terminal.wait(
        "the planner shows November 2026 on Wednesday 25.11.2026",
        lambda s: "Mi 25.11.2026" in s.lines[0] and "November 2026" in s.text,
        timeout=STARTUP,
    )

    # Thursday, the next day: l (or the right arrow).
    terminal.keys("l")
    terminal.wait("the header shows Thursday 26.11.2026", lambda s: "Do 26.11.2026" in s.lines[0])

    # n: a new event on that day. The form has read the coaches when they are listed;
    # the title has the focus.
    terminal.keys("n")
    screen = terminal.wait(
        "the form 'Neuer Termin' for 26.11.2026, with the coaches read, the title focused",
        both(
            lambda s: "Neuer Termin" in s.text,
            lambda s: s.field("Datum").startswith("26.11.2026"),
            lambda s: "Mara Beispiel" in s.field("Begleitung"),
            input_focused("Titel"),
        ),
    )
    assert screen.field("Art").startswith("Prozessbegleitung"), screen.describe()

    terminal.type(TITLE)
    terminal.wait("the title typed", lambda s: s.field("Titel") == TITLE)

    # Enter goes to the next field: the day (kept), the last day (empty), the checkbox
    # "ganztägig" (Enter would tick it: Tab goes on), the start time.
    terminal.keys("Enter")
    terminal.wait("the day has the focus", input_focused("Datum", 0))
    terminal.keys("Enter")
    terminal.wait("the last day has the focus", input_focused("Datum", 1))
    terminal.keys("Enter")
    terminal.wait("the checkbox 'ganztägig' has the focus", bold_on("Datum"))
    terminal.keys("Tab")
    terminal.wait("the start time has the focus", input_focused("Zeit", 0))

    # An input selects its text on focus: typing replaces 09:00, and the end (10:30)
    # moves along, keeping the 90 minutes.
    terminal.type("10:00")
    terminal.wait("the start typed", lambda s: re.fullmatch(r"10:00\s+bis 11:30", s.field("Zeit")))
    terminal.keys("Enter")
    terminal.wait("the end time has the focus", input_focused("Zeit", 1))
    terminal.type("11:30")
    terminal.wait("the end typed", lambda s: re.fullmatch(r"10:00\s+bis 11:30", s.field("Zeit")))

    # The coach list: Space ticks the highlighted coach; Tab goes on to the Kita.
    terminal.keys("Enter")
    terminal.wait("the coach list has the focus", bold_on("Begleitung"))
    terminal.keys("Space")
    terminal.wait("Mara ticked: the form no longer asks for a coach",
                  lambda s: "Bitte mindestens eine Prozessbegleiter" not in s.text)
    terminal.keys("Tab")
    terminal.wait("the Kita field has the focus", input_focused("Kita"))

    # Part of the Kita's name; Enter picks the highlighted suggestion.
    terminal.type("sonnen")
    terminal.wait("the Kita suggested", lambda s: "Kita Sonnenschein (Gotha)" in s.text)
    terminal.keys("Enter")
    screen = terminal.wait(
        "the Kita picked and the form ready to save",
        lambda s: s.field("Kita") == "Kita Sonnenschein" and "Bereit zum Speichern." in s.text,
    )
    assert screen.field("Art").startswith("Prozessbegleitung"), screen.describe()
    assert screen.field("Titel") == TITLE, screen.describe()
    assert screen.field("Datum").startswith("26.11.2026"), screen.describe()
    assert "Traceback" not in screen.text

    # ctrl+s saves. Textual puts the terminal in raw mode (no IXON), so ^S reaches it.
    terminal.keys("C-s")
    terminal.wait(
        "the form closes and the planner reports the event saved",
        lambda s: "Neuer Termin" not in s.text and "gespeichert" in s.text,
        hint=lambda: "the terminal's modes (is ixon on, so that ^S stops output?):\n"
        + pane_modes(terminal),
    )

    # The agenda shows the event with its times, kind, title, Kita and coach.
    terminal.keys("a")
    screen = terminal.wait(
        "the agenda lists the new event on Thursday 26.11.2026",
        lambda s: "Do 26.11.2026" in s.text
        and f"10:00-11:30 Prozessbegleitung {TITLE}" in s.text
        and "Mara Beispiel" in s.text,
    )
    assert "Traceback" not in screen.text, screen.describe()

    # q quits: the planner exits with status 0 and prints nothing on leaving.
    terminal.keys("q")
    screen = terminal.wait("the planner exits after q",
                           lambda s: terminal.exit_status() is not None,
                           hint=lambda: subprocess.run(
                               ["ps", "-eo", "pid,ppid,stat,etime,args"], capture_output=True,
                               text=True, check=False).stdout)
    after = terminal.history()
    assert terminal.exit_status() == "0", f"{screen.describe()}\n{after}"
    assert "Traceback" not in after, after
    terminal.ok("kill-session", "-t", SESSION)
    assert terminal.tmux("has-session", "-t", SESSION).returncode != 0

    events = json.loads(run_thekiz(thekiz, db, "list", "--from", "1.11.2026",
                                   "--to", "30.11.2026", "--format", "json"))
    assert len(events) == 1, events
    event = events[0]
    keys = ("kind", "title", "start", "end", "all_day", "tz", "coaches", "kita", "status",
            "location", "notes", "rrule")
    assert {k: event[k] for k in keys} == {
        "kind": "begleitung",
        "title": TITLE,
        "start": "2026-11-26T10:00:00+01:00",
        "end": "2026-11-26T11:30:00+01:00",
        "all_day": False,
        "tz": "Europe/Berlin",
        "coaches": ["mara"],
        "kita": "kita-sonne",
        "status": "geplant",
        "location": "",
        "notes": "",
        "rrule": None,
    }


def pane_modes(terminal: Terminal) -> str:
    """``stty -a`` of the pane's terminal, for a key that did not arrive."""
    tty = terminal.tmux("display-message", "-p", "-t", SESSION, "#{pane_tty}").stdout.strip()
    if not tty:
        return "(no pane)"
    result = subprocess.run(["stty", "-F", tty, "-a"], capture_output=True, text=True,
                            timeout=10, check=False)
    return result.stdout or result.stderr
