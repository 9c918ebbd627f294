"""An assessment run (考核): the events that freeze what an assessment saw. The run's first
event keeps the log position it was computed as known at, the rule set's name and version,
the audit chain's link at that position, the digest of the result's canonical bytes and the
result without its teams; each team's result (every figure, score, grade, criticism and
commendation) follows in an event of its own, in the result's order, written in the same
transaction (docs/adr/036). Put back together they are the result the digest was taken
over. Nothing in it is ever edited: a run is published once, and a later look at the same
period is another run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from domain.assessments.canonical import digest
from domain.assessments.errors import RunAlreadyPublishedError
from domain.assessments.periods import Period
from domain.base import Meta, NetworkAggregate


class AssessmentRun(NetworkAggregate):
    def __init__(self) -> None:
        self.unit_code = ""
        self.position = 0
        self.published_by: str | None = None
        self.published_on: date | None = None
        self.result: dict[str, Any] = {}
        self.digest = ""

    class Recorded(NetworkAggregate.Created):
        kind: str
        period: str
        unit_code: str
        position: int  # the result is as known once the log had reached this position
        chain_link: str  # the audit chain's link at ``position`` (hex), "" if unknown
        rules_name: str
        rules_version: int
        # The result with ``teams`` empty; the teams follow as ``TeamAssessed`` events. (A
        # run recorded before ADR 036 holds every team here and has no such event.)
        result: dict[str, Any]
        digest: str  # SHA-256 of the whole result's canonical bytes (assessments/canonical.py)

        def apply(self, run: AssessmentRun) -> None:
            self.copy_to(run, "unit_code", "position")
            run.result = {**self.result, "teams": list(self.result["teams"])}
            run.digest = self.digest

    class TeamAssessed(NetworkAggregate.Event):
        """One team's result, the ``index``-th of the result's teams."""

        index: int
        team: dict[str, Any]

        def apply(self, run: AssessmentRun) -> None:
            run.result["teams"].append(self.team)

    class Published(NetworkAggregate.Event):
        def apply(self, run: AssessmentRun) -> None:
            run.published_by = self.actor_id
            run.published_on = self.day

    @classmethod
    def record(
        cls,
        run_id: UUID,
        period: Period,
        unit_code: str,
        position: int,
        chain_link: str,
        result: dict[str, Any],
        meta: Meta,
    ) -> AssessmentRun:
        period.check_ended(meta.occurred_on)
        rules = result["rules"]
        run = cls._create(
            cls.Recorded,
            id=run_id,
            kind=period.kind.value,
            period=period.text,
            unit_code=unit_code,
            position=position,
            chain_link=chain_link,
            rules_name=rules["name"],
            rules_version=rules["version"],
            result={**result, "teams": []},
            digest=digest(result),
            **meta.event_kwargs(),
        )
        for index, team in enumerate(result["teams"]):
            run.trigger_event(cls.TeamAssessed, index=index, team=team, **meta.event_kwargs())
        return run

    def publish(self, meta: Meta) -> None:
        if self.published_on is not None:
            raise RunAlreadyPublishedError(
                str(self.id), self.published_by, self.published_on.isoformat()
            )
        self.trigger_event(self.Published, **meta.event_kwargs())


def whole_result(events: Iterable[Any]) -> tuple[AssessmentRun.Recorded, dict[str, Any]] | None:
    """A run's first event and its whole result, put back together from the run's events in
    their order (its ``Recorded``, then each ``TeamAssessed``); None if the first is not a
    run's. A team's event out of its place is left where it stands: the result then no longer
    hashes to the digest, which is how an altered or dropped one is caught."""
    found = iter(events)
    first = next(found, None)
    if not isinstance(first, AssessmentRun.Recorded):
        return None
    teams = list(first.result["teams"])
    teams += [e.team for e in found if isinstance(e, AssessmentRun.TeamAssessed)]
    return first, {**first.result, "teams": teams}
