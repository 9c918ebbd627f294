"""Use cases that record: a rule set adopted or revised, a written report submitted, a
述职评议 meeting's votes, a run published. Like ``Network``, each loads through the unit of
work, lets the aggregate check its rules and returns plain data; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from app.network import Network
from app.teams import Teams
from domain.assessments.errors import RunNotFoundError
from domain.assessments.evaluations import Body, TeamEvaluation, evaluation_id
from domain.assessments.rules import AssessmentRuleSet, read_rules, rule_set_id
from domain.assessments.runs import AssessmentRun
from domain.base import Meta


class AssessmentRecords:
    def __init__(self, network: Network) -> None:
        self.uow = network.uow
        self.network = network

    def adopt_rules(
        self, content: dict[str, Any], effective_from: date, meta: Meta
    ) -> dict[str, Any]:
        """Version 1 of a rule set, or its next version: the whole document, in force from
        ``effective_from``."""
        rules = read_rules(content)
        found = self.uow.find(AssessmentRuleSet, rule_set_id(rules.name))
        if found is None:
            self.uow.add(AssessmentRuleSet.adopt(rules, effective_from, meta))
        else:
            found.revise(rules, effective_from, meta)
        return {"rules": rules.ref, "effective_from": effective_from.isoformat()}

    def _evaluation(self, team_id: UUID, year: int, meta: Meta) -> TeamEvaluation:
        team = Teams(self.uow, self.network).team(team_id)
        found = self.uow.find(TeamEvaluation, evaluation_id(team.id, year))
        if found is None:
            found = TeamEvaluation.start(team, year, meta)
            self.uow.add(found)
        return found

    def submit_report(
        self,
        team_id: UUID,
        year: int,
        bodies: Sequence[Body],
        title: str,
        sha256: str,
        meta: Meta,
    ) -> dict[str, Any]:
        self._evaluation(team_id, year, meta).submit_report(bodies, title, sha256, meta)
        return {"team": str(team_id), "year": year, "bodies": [b.value for b in bodies]}

    def evaluate(
        self,
        team_id: UUID,
        year: int,
        attendance: int,
        votes: tuple[int, int, int],
        meta: Meta,
    ) -> dict[str, Any]:
        self._evaluation(team_id, year, meta).evaluate(attendance, *votes, meta)
        cast = sum(votes)
        return {
            "team": str(team_id),
            "year": year,
            "votes": cast,
            "satisfied_or_basically": votes[0] + votes[1],
        }

    def publish(self, run_id: UUID, meta: Meta) -> dict[str, Any]:
        run = self.uow.get(AssessmentRun, run_id, lambda: RunNotFoundError(str(run_id), "run"))
        run.publish(meta)
        return {"run": str(run_id), "published_on": meta.occurred_on.isoformat()}
