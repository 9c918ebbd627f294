"""An assessment run (考核): the event that freezes what an assessment saw. It keeps the whole
result (every figure, score, grade, criticism and commendation), the log position it was
computed as known at, the rule set's name and version, the audit chain's link at that
position, and the digest of the result's canonical bytes. Nothing in it is ever edited: a
run is published once, and a later look at the same period is another run."""

from __future__ import annotations

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
        result: dict[str, Any]
        digest: str  # SHA-256 of the result's canonical bytes (domain/assessments/canonical.py)

        def apply(self, run: AssessmentRun) -> None:
            run.unit_code = self.unit_code
            run.position = self.position
            run.result = self.result
            run.digest = self.digest

    class Published(NetworkAggregate.Event):
        def apply(self, run: AssessmentRun) -> None:
            run.published_by = self.actor_id
            run.published_on = date.fromisoformat(self.occurred_on)

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
        return cls._create(
            cls.Recorded,
            id=run_id,
            kind=period.kind.value,
            period=period.text,
            unit_code=unit_code,
            position=position,
            chain_link=chain_link,
            rules_name=rules["name"],
            rules_version=rules["version"],
            result=result,
            digest=digest(result),
            **meta.event_kwargs(),
        )

    def publish(self, meta: Meta) -> None:
        if self.published_on is not None:
            raise RunAlreadyPublishedError(
                str(self.id), self.published_by, self.published_on.isoformat()
            )
        self.trigger_event(self.Published, **meta.event_kwargs())
