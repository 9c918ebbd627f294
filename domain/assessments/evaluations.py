"""述职评议: each year a team reports in writing (书面述职) to its dispatching unit, the
organisation department and the poverty office, and in person (当场述职) to a meeting of the
village's party members and villager representatives, who vote on it: 满意, 基本满意 or
不满意. One ``TeamEvaluation`` per team and year holds both.

The satisfaction an assessment reads is (满意 + 基本满意) / the votes cast: a representative
who attended and did not vote is not counted against the team (docs/adr/027).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import ClassVar
from uuid import UUID

from domain.assessments.errors import (
    EvaluationAlreadyRecordedError,
    EvaluationWithoutVotesError,
    InvalidDocumentHashError,
    ReportAlreadySubmittedError,
    VotesAboveAttendanceError,
    YearOutsideTermError,
)
from domain.base import Meta, NetworkAggregate, check_within, derived_id
from domain.teams import Team
from domain.worded import Worded

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


class Body(Worded):
    """The three bodies a written report goes to."""

    DISPATCHING_UNIT = "dispatching_unit"  # 派出单位
    ORGANISATION_DEPARTMENT = "organisation_department"  # 组织部
    POVERTY_OFFICE = "poverty_office"  # 扶贫办

    __zh__: ClassVar[dict[str, str]] = {
        "dispatching_unit": "派出单位",
        "organisation_department": "组织部",
        "poverty_office": "扶贫办",
    }


def document_hash(value: str) -> str:
    """A document's SHA-256 as 64 lower-case hex digits (written in either case)."""
    text = value.strip().lower()
    if not SHA256_PATTERN.fullmatch(text):
        raise InvalidDocumentHashError()
    return text


def evaluation_id(team_id: UUID, year: int) -> UUID:
    return derived_id("team-evaluation", f"{team_id.hex}:{year}")


class TeamEvaluation(NetworkAggregate):
    """One team's 述职评议 of one year: the written report and the meeting's votes."""

    def __init__(self) -> None:
        self.team_id: UUID | None = None
        self.team_name = ""
        self.year = 0
        self.submitted: set[str] = set()
        self.evaluated_on: date | None = None

    class Started(NetworkAggregate.CreatedSetsFields):
        team_id: UUID
        team_name: str
        year: int

    class ReportSubmitted(NetworkAggregate.Event):
        team_id: UUID
        year: int
        bodies: list[str]
        title: str
        document_sha256: str

        def apply(self, ev: TeamEvaluation) -> None:
            ev.submitted.update(self.bodies)

    class Evaluated(NetworkAggregate.SetsDay):
        team_id: UUID
        year: int
        attendance: int
        satisfied: int
        basically_satisfied: int
        dissatisfied: int
        day_sets = "evaluated_on"

    @classmethod
    def start(cls, team: Team, year: int, meta: Meta) -> TeamEvaluation:
        if not team.dispatched_on.year <= year <= team.last_day.year:
            raise YearOutsideTermError(
                team.name, year, team.dispatched_on.isoformat(), team.last_day.isoformat()
            )
        return cls._create(
            cls.Started,
            id=evaluation_id(team.id, year),
            team_id=team.id,
            team_name=team.name,
            year=year,
            **meta.event_kwargs(),
        )

    def _check_day(self, day: date) -> None:
        check_within(f"{self.year} 年度", f"the year {self.year}", day, date(self.year, 1, 1), None)

    def submit_report(self, bodies: Sequence[Body], title: str, sha256: str, meta: Meta) -> None:
        self._check_day(meta.occurred_on)
        for body in bodies:
            if body.value in self.submitted:
                raise ReportAlreadySubmittedError(self.team_name, self.year, body.zh)
        self.trigger_event(
            self.ReportSubmitted,
            team_id=self.team_id,
            year=self.year,
            bodies=[b.value for b in bodies],
            title=title,
            document_sha256=sha256,
            **meta.event_kwargs(),
        )

    def evaluate(
        self, attendance: int, satisfied: int, basically: int, dissatisfied: int, meta: Meta
    ) -> None:
        self._check_day(meta.occurred_on)
        if self.evaluated_on is not None:
            raise EvaluationAlreadyRecordedError(
                self.team_name, self.year, self.evaluated_on.isoformat()
            )
        votes = satisfied + basically + dissatisfied
        if votes == 0:
            raise EvaluationWithoutVotesError()
        if votes > attendance:
            raise VotesAboveAttendanceError(votes, attendance)
        self.trigger_event(
            self.Evaluated,
            team_id=self.team_id,
            year=self.year,
            attendance=attendance,
            satisfied=satisfied,
            basically_satisfied=basically,
            dissatisfied=dissatisfied,
            **meta.event_kwargs(),
        )
