"""The largest terminal a session is drawn for, on both routes (sshd and ``thekiz serve``).

A client chooses its window size, up to 65535 × 65535 cells; the planner would build
screens of that size and grow to gigabytes in the team's shared server. No one reads
more than this on a screen, so a larger window gets a planner of this size in its top
left corner. ``thekiz serve`` clamps the size of the session's pseudo-terminal, and the
planner's driver (thekiz_tui/lean_output.py) the size it reports to Textual, which
covers sshd, where the pseudo-terminal is sized by sshd.
"""

from __future__ import annotations

MAX_COLUMNS = 500
MAX_LINES = 200


def clamp(columns: int, lines: int) -> tuple[int, int]:
    """``columns`` × ``lines`` within 1 … the largest size."""
    return max(1, min(columns, MAX_COLUMNS)), max(1, min(lines, MAX_LINES))
