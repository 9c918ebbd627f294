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
from domain.assessments.decisions import (
    AssessmentDecision,
    Outcome,
    check_can_decide,
    decision_id,
    extension_until,
    proposals,
)
from domain.assessments.errors import (
    ProposalAlreadyDecidedError,
    ProposalNotFoundError,
    RunNotFoundError,
)
from domain.assessments.evaluations import Body, TeamEvaluation, evaluation_id
from domain.assessments.rules import AssessmentRuleSet, read_rules, rule_set_id
from domain.assessments.runs import AssessmentRun
from domain.assessments.spotchecks import SpotCheck
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
        return self.uow.find_or_add(
            TeamEvaluation,
            evaluation_id(team.id, year),
            lambda: TeamEvaluation.start(team, year, meta),
        )

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

    def record_spot_check(
        self,
        team_id: UUID,
        inspectors: Sequence[UUID],
        present: Sequence[UUID],
        absent: Sequence[UUID],
        findings: str,
        meta: Meta,
        check_id: UUID | None = None,
    ) -> dict[str, Any]:
        """The visit as one event, and each absence it found on the member's month, as
        ``record_absence`` records it: residency and the assessments count that once."""
        new = self.uow.new_id(check_id, "抽查", "spot check", SpotCheck)
        teams = Teams(self.uow, self.network)
        team = teams.team(team_id)
        found = SpotCheck.record(
            new,
            team,
            [teams.cadre(c, "inspectors") for c in inspectors],
            [teams.cadre(c, "present") for c in present],
            [teams.cadre(c, "absent") for c in absent],
            findings,
            meta,
        )
        self.uow.add(found)
        note = f"抽查 spot check {new}" + (f"：{findings.strip()}" if findings.strip() else "")
        for cid in absent:
            cadre = teams.cadre(cid, "absent")
            teams.month(cadre, meta.occurred_on, meta).find_absent(team.id, note, meta)
        return {
            "spot_check": str(new),
            "team": str(team.id),
            "day": meta.occurred_on.isoformat(),
            "present": len(present),
            "absent": len(absent),
        }

    def publish(self, run_id: UUID, meta: Meta) -> dict[str, Any]:
        run = self.uow.get(AssessmentRun, run_id, lambda: RunNotFoundError(str(run_id), "run"))
        run.publish(meta)
        return {"run": str(run_id), "published_on": meta.occurred_on.isoformat()}

    def decide(
        self,
        run_id: UUID,
        proposal: str,
        outcome: Outcome,
        amendment: dict[str, Any] | None,
        why: str,
        meta: Meta,
    ) -> dict[str, Any]:
        """A decision on one proposal of a published run, citing the run and its digest; an
        extension accepted or amended extends the team's term in the same transaction
        (``extend_team_term``'s use case), so the team's read side shows it."""
        run = self.uow.get(AssessmentRun, run_id, lambda: RunNotFoundError(str(run_id), "run"))
        check_can_decide(run, meta)
        key = proposal.strip().lower()  # ids and words of a key are lower-case
        proposed = next((p for p in proposals(run.result) if p["proposal"] == key), None)
        if proposed is None:
            raise ProposalNotFoundError(key[:120], str(run_id))
        found = self.uow.find(AssessmentDecision, decision_id(run_id, key))
        if found is not None:
            raise ProposalAlreadyDecidedError(
                key,
                found.outcome.zh,
                found.outcome.value,
                found.decided_by,
                found.decided_on.isoformat(),
            )
        decision = AssessmentDecision.decide(
            run, run.digest, proposed, outcome, amendment, why, meta
        )
        self.uow.add(decision)
        amended = decision.amended
        out: dict[str, Any] = {
            "decision": str(decision.id),
            "run": str(run_id),
            "proposal": key,
            "kind": proposed["kind"],
            "outcome": outcome.value,
            "amended": amended,
        }
        until = extension_until(proposed, outcome, amended)
        if until is not None:
            extended = Teams(self.uow, self.network).extend_team_term(
                UUID(proposed["team_id"]), until, meta
            )
            out["term_ends_on"] = extended["term_ends_on"]
        return out
