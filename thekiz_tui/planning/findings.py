"""Findings: what the rules report about a plan, with ids that stay stable run to run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

RULES: tuple[str, ...] = (
    "coach-overlap",
    "kita-overlap",
    "travel-buffer",
    "holiday",
    "weekend",
    "working-hours",
    "cadence-gap",
    "budget",
)

SEVERITY_DE = {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}


def severity_rank(severity: str) -> int:
    """0 for errors, 1 for warnings, 2 for infos: sort ascending for the worst first."""
    return _RANK.get(severity, len(SEVERITIES))


def finding_id(rule: str, *parts: str) -> str:
    """A stable id from the rule and what makes this finding this finding.

    For event findings the parts are the occurrence keys with their instants, so that
    moving an event gives a new id and an old acknowledgement does not cover it.
    """
    text = "\x1f".join((rule, *parts))
    import hashlib  # (imported by the first finding: the planner's first frame has none)

    return "f-" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    rule: str
    severity: str
    events: tuple[str, ...]
    coach: str | None
    kita: str | None
    start: str
    end: str
    message: str
    acknowledged: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["events"] = list(self.events)
        return data

    @property
    def counts(self) -> bool:
        """Whether it makes ``thekiz check`` fail: unacknowledged error or warning."""
        return not self.acknowledged and self.severity in ("error", "warning")


def sort_key(finding: Finding) -> tuple[str, int, str, str]:
    """Start, then severity (worst first), then rule and id for a stable order.

    Sorting by the ISO text orders by local time; only the repeated October hour can
    tie differently, which the checker avoids by sorting on instants itself.
    """
    return (finding.start, severity_rank(finding.severity), finding.rule, finding.id)


def summary_exit_code(findings: Iterable[Finding]) -> int:
    """1 if any unacknowledged error or warning, else 0."""
    return 1 if any(f.counts for f in findings) else 0
