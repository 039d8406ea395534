"""The overlap and travel rules over rows: sort, group per coach and Kita, sweep.

``sweep`` walks rows sorted by ``ORDER`` once and yields the overlapping pairs and the
consecutive pairs too close for the travel buffer; ``group_rules`` groups rows per coach
and per Kita (one sort, the groups inherit it) and turns the pairs within a window into
findings. Used by bounded and candidate checks; the unbounded check sweeps its own
kept groups (``incremental``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .rows import ORDER, Context, Row
from .rules import Out, overlap_finding, travel_finding


def sweep(
    rows: list[Row], buffer: int
) -> tuple[list[tuple[Row, Row]], list[tuple[Row, Row]]]:
    """Overlapping pairs and too-close consecutive pairs of rows sorted by ``ORDER``.

    ``prev`` is the earlier row that ends last: if it ends by this row's start, nothing
    earlier overlaps this row, and it is the row a coach comes from (travel).
    """
    overlaps: list[tuple[Row, Row]] = []
    travel: list[tuple[Row, Row]] = []
    active: list[Row] = []
    prev: Row | None = None
    prev_e = -(1 << 62)
    for r in rows:
        s = r.s
        e = r.e
        if prev_e > s:
            active = [a for a in active if a.e > s]
            if e > s:
                for a in active:
                    overlaps.append((a, r))
                active.append(r)
        else:
            if buffer and s - prev_e < buffer and prev is not None:
                pn = prev.pnorm
                rn = r.pnorm
                if pn and rn and pn != rn:
                    travel.append((prev, r))
            active = [r] if e > s else []
        if e >= prev_e:
            prev = r
            prev_e = e
    return overlaps, travel


def touches(r: Row, ws: int | None, we: int | None) -> bool:
    if we is not None and r.s >= we:
        return False
    return ws is None or r.e > ws or (r.s == r.e and r.s >= ws)


def group_rules(
    rows: Iterable[Row], ctx: Context, out: Out, ws: int | None, we: int | None,
    only: str | None = None,
) -> None:
    """Overlap and travel rules per coach and per Kita. ``only``: keep just the
    findings that involve this event id (candidate checks)."""
    by_coach: defaultdict[str, list[Row]] = defaultdict(list)
    by_kita: defaultdict[str | None, list[Row]] = defaultdict(list)
    # One sort (timsort: store order is nearly sorted already); the groups inherit it.
    for r in sorted(rows, key=ORDER):
        if r.blocks:
            for c in r.coaches:
                by_coach[c].append(r)
            by_kita[r.kita].append(r)
    by_kita.pop(None, None)
    lo = -(1 << 62) if ws is None else ws
    hi = 1 << 62 if we is None else we
    for who, group in by_coach.items():
        overlaps, travel = sweep(group, ctx.buffer)
        for a, b in overlaps:
            if only is not None and only not in (a.id, b.id):
                continue
            if max(a.s, b.s) < hi and min(a.e, b.e) > lo:
                overlap_finding("coach-overlap", who, a, b, ctx, out)
        for a, b in travel:
            if only is not None and only not in (a.id, b.id):
                continue
            if a.e < hi and b.s >= lo:
                travel_finding(who, a, b, ctx, out)
    for kita_id, group in by_kita.items():
        assert kita_id is not None
        who = kita_id
        overlaps, _ = sweep(group, 0)
        for a, b in overlaps:
            if only is not None and only not in (a.id, b.id):
                continue
            if max(a.s, b.s) < hi and min(a.e, b.e) > lo:
                overlap_finding("kita-overlap", who, a, b, ctx, out)
