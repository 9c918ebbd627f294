"""What an assessment reads, as plain data: the teams under the unit in the period, their
members' time on them, and each recorded thing an input counts, each with the log position
it was recorded at (and, for what a later event replaced, the position of that event).

The read side gathers them as known at a log position (projections/assessments/facts.py);
``scoring`` computes from them alone, so the same facts always give the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.assessments.periods import Period


@dataclass(frozen=True)
class TeamFacts:
    team_id: str  # canonical UUID text
    name: str
    village: str
    dispatching_unit: str
    first_day: date  # the team's days in the village within the period
    last_day: date
    position: int  # the version of the team's record read (its dispatch, or a later change)
    replaced_at: int | None = None  # the event that replaced that version, if any
    dispatched_on: date | None = None
    term_ends_on: date | None = None  # as known (an extension moves it), None once ended
    village_poor: bool = False  # on the period's last day, as known


@dataclass(frozen=True)
class Stint:
    """A member's time on a team, both days included (``last_day`` None: still on it)."""

    team_id: str
    cadre_id: str
    name: str
    first_day: date
    last_day: date | None
    position: int
    replaced_at: int | None = None


@dataclass(frozen=True)
class Entry:
    """One recorded day of a member: a check-in, an absence found, a diary entry, a visit
    (``household``)."""

    team_id: str
    cadre_id: str
    day: date
    position: int
    household: str = ""


@dataclass(frozen=True)
class MeasureFacts:
    """A measure of a team's village due in the period, with its status on the period's
    last day and the positions of the events that say so."""

    village: str
    measure_id: str
    title: str
    due_on: date
    status: str
    positions: tuple[int, ...]


@dataclass(frozen=True)
class EvaluationFacts:
    team_id: str
    day: date
    attendance: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    position: int


@dataclass
class Facts:
    period: Period
    unit: str
    teams: list[TeamFacts] = field(default_factory=list)
    stints: list[Stint] = field(default_factory=list)
    checkins: list[Entry] = field(default_factory=list)
    absences: list[Entry] = field(default_factory=list)
    diaries: list[Entry] = field(default_factory=list)
    visits: list[Entry] = field(default_factory=list)
    measures: list[MeasureFacts] = field(default_factory=list)
    evaluations: list[EvaluationFacts] = field(default_factory=list)
