"""What a published run proposes, and the decisions on it.

From its recorded result alone a run proposes: a circulated commendation (通报表扬) for each
team it commended (within the quota), a recommendation for priority posting or promotion
(优先使用或提拔) of each member of a commended team resident every month, a circulated
criticism (通报批评) for each of a team's criticism triggers (one of the seed's three
reasons), and, under a rule set with an ``extension`` rule, an extension of the dispatching
unit's term for a village still poor after the years it names (不脱贫不脱钩).

A named official (the organisation department or the poverty office: city and county
administrators) decides each proposal once: accept it, amend it (a criticism's reason, an
extension's last day) or reject it, giving the reason for an amendment or a rejection. Each
decision is an event citing the run and its digest (docs/adr/031).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from domain.assessments.errors import (
    AmendmentNotAllowedError,
    DecisionWithoutReasonError,
    RunNotPublishedError,
)
from domain.assessments.rules import Reason
from domain.assessments.runs import AssessmentRun
from domain.base import Meta, NetworkAggregate, derived_id
from domain.errors import InvalidInputError, WrongRoleError
from domain.worded import Worded

DECIDERS = ("city_admin", "county_admin")


class ProposalKind(Worded):
    COMMENDATION = "commendation"  # 通报表扬
    PRIORITY_POSTING = "priority_posting"  # 优先使用或提拔
    CRITICISM = "criticism"  # 通报批评
    EXTENSION = "extension"  # 延长帮扶期（不脱贫不脱钩）

    __zh__: ClassVar[dict[str, str]] = {
        "commendation": "通报表扬",
        "priority_posting": "优先使用或提拔",
        "criticism": "通报批评",
        "extension": "延长帮扶期",
    }


# What an amendment may change, by kind.
AMENDABLE: dict[ProposalKind, tuple[str, ...]] = {
    ProposalKind.COMMENDATION: (),
    ProposalKind.PRIORITY_POSTING: (),
    ProposalKind.CRITICISM: ("reason",),
    ProposalKind.EXTENSION: ("until",),
}


class Outcome(Worded):
    ACCEPTED = "accepted"
    AMENDED = "amended"
    REJECTED = "rejected"

    __zh__: ClassVar[dict[str, str]] = {"accepted": "接受", "amended": "修改", "rejected": "驳回"}

    @property
    def verb(self) -> str:
        return {"accepted": "accept", "amended": "amend", "rejected": "reject"}[self.value]


def proposals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The proposals of a run's result, in the order of its teams; each keyed by
    ``proposal`` (kind, team and, for a member or a criticism, what it is of)."""
    out: list[dict[str, Any]] = []
    for t in result["teams"]:
        team = {
            "team_id": t["team_id"],
            "team_name": t["team_name"],
            "village": t["village"],
            "dispatching_unit": t["dispatching_unit"],
        }
        if t.get("commended"):
            out.append(
                {
                    "proposal": f"commendation:{t['team_id']}",
                    "kind": ProposalKind.COMMENDATION.value,
                    **team,
                    "grade": t["grade"],
                    "score": t["score"],
                }
            )
            for m in t["members"]:
                if m["months_not_resident"] == 0 and m["name"]:
                    out.append(
                        {
                            "proposal": f"priority_posting:{t['team_id']}:{m['cadre_id']}",
                            "kind": ProposalKind.PRIORITY_POSTING.value,
                            **team,
                            "cadre_id": m["cadre_id"],
                            "name": m["name"],
                        }
                    )
        for c in t["criticisms"]:
            out.append(
                {
                    "proposal": f"criticism:{t['team_id']}:{c['reason']}",
                    "kind": ProposalKind.CRITICISM.value,
                    **team,
                    "reason": c["reason"],
                    "reason_zh": c["reason_zh"],
                    **({"members": c["members"]} if "members" in c else {}),
                    **({"input": c["input"], "value": c["value"]} if "input" in c else {}),
                }
            )
        ext = t.get("extension")
        if ext and ext["proposed"]:
            out.append(
                {
                    "proposal": f"extension:{t['team_id']}",
                    "kind": ProposalKind.EXTENSION.value,
                    **team,
                    "dispatched_on": ext["dispatched_on"],
                    "term_ends_on": ext["term_ends_on"],
                    "until": ext["until"],
                }
            )
    return out


def decision_id(run_id: UUID, proposal: str) -> UUID:
    return derived_id("assessment-decision", f"{run_id.hex}:{proposal}")


def read_amendment(
    kind: ProposalKind, proposed: dict[str, Any], given: dict[str, Any]
) -> dict[str, Any]:
    """What an amendment changes, checked: a criticism's reason (another of the three), an
    extension's last day (after the team's term as it stood)."""
    allowed = AMENDABLE[kind]
    unknown = sorted(set(given) - set(allowed))
    if unknown or not given:
        raise AmendmentNotAllowedError(kind.zh, kind.value, ", ".join(allowed) or "—")
    if kind is ProposalKind.CRITICISM:
        try:
            reason = Reason(str(given["reason"]).strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in Reason)
            raise InvalidInputError(
                "amend", f"批评理由应为以下之一：{known}", f"the reason must be one of: {known}"
            ) from None
        if reason.value == proposed["reason"]:
            raise InvalidInputError(
                "amend",
                "修改后的理由与原建议相同：请直接接受",
                "the amended reason is the one proposed: accept it instead",
            )
        return {"reason": reason.value, "reason_zh": reason.zh}
    until = given["until"]
    if not isinstance(until, date):
        raise InvalidInputError("amend", "延期至应为日期", "until must be a date")
    if until <= date.fromisoformat(proposed["term_ends_on"]):
        raise InvalidInputError(
            "amend",
            f"延期至 {until} 应晚于原驻村期的最后一天 {proposed['term_ends_on']}",
            f"until {until} must be after the term's last day {proposed['term_ends_on']}",
        )
    return {"until": until.isoformat()}


def check_can_decide(run: AssessmentRun, meta: Meta) -> None:
    """A decider is a city or county administrator; a run is decided on once published."""
    if meta.actor_role not in DECIDERS:
        raise WrongRoleError(
            meta.actor_role, "对考核建议作出决定", "decide an assessment's proposal", DECIDERS
        )
    if run.published_on is None:
        raise RunNotPublishedError(str(run.id))


class AssessmentDecision(NetworkAggregate):
    """One decision on one proposal of one run."""

    def __init__(self) -> None:
        self.run_id: UUID | None = None
        self.proposal = ""
        self.outcome = Outcome.ACCEPTED
        self.decided_by = ""
        self.decided_on = date.min
        self.amended: dict[str, Any] | None = None

    class Decided(NetworkAggregate.Created):
        run_id: UUID
        run_digest: str
        proposal: str
        kind: str
        proposed: dict[str, Any]
        outcome: str
        amended: dict[str, Any] | None
        why: str

        def apply(self, d: AssessmentDecision) -> None:
            self.copy_to(d, "run_id", "proposal")
            d.outcome = Outcome(self.outcome)
            d.decided_by = self.actor_id
            d.decided_on = self.day
            d.amended = self.amended

    @classmethod
    def decide(
        cls,
        run: AssessmentRun,
        run_digest: str,
        proposed: dict[str, Any],
        outcome: Outcome,
        amendment: dict[str, Any] | None,
        why: str,
        meta: Meta,
    ) -> AssessmentDecision:
        check_can_decide(run, meta)
        why = why.strip()
        if outcome is not Outcome.ACCEPTED and not why:
            raise DecisionWithoutReasonError(outcome.zh, outcome.verb)
        kind = ProposalKind(proposed["kind"])
        amended = None
        if outcome is Outcome.AMENDED:
            amended = read_amendment(kind, proposed, amendment or {})
        elif amendment:
            raise InvalidInputError(
                "amend",
                "只有修改建议时才能给出修改内容",
                "give what changes only when amending",
            )
        return cls._create(
            cls.Decided,
            id=decision_id(run.id, proposed["proposal"]),
            run_id=run.id,
            run_digest=run_digest,
            proposal=proposed["proposal"],
            kind=kind.value,
            proposed=proposed,
            outcome=outcome.value,
            amended=amended,
            why=why,
            **meta.event_kwargs(),
        )


def extension_until(
    proposed: dict[str, Any], outcome: Outcome, amended: dict[str, Any] | None
) -> date | None:
    """The team's new last day a decision grants, if it grants one."""
    if proposed["kind"] != ProposalKind.EXTENSION.value or outcome is Outcome.REJECTED:
        return None
    return date.fromisoformat((amended or proposed)["until"])
