"""Spot checks (不定期抽查): an unannounced visit to a team by named inspectors, who find each
member they look for present or absent and write down what they found.

One ``SpotCheck`` is the visit as a whole. Each absence it finds is also recorded on the
member's month (``MemberMonth.find_absent``, the same effect ``record_absence`` has), in the
same transaction: residency and the assessments count that one ``FoundAbsent`` event, never
the spot check a second time (docs/adr/031).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain.assessments.errors import (
    InspectorOfOwnUnitError,
    PresentAndAbsentError,
    SpotCheckWithoutInspectorsError,
    SpotCheckWithoutMembersError,
)
from domain.base import Meta, NetworkAggregate
from domain.cadres import Cadre
from domain.errors import WrongRoleError
from domain.residency import INSPECTOR
from domain.teams import Team


class SpotCheck(NetworkAggregate):
    def __init__(self) -> None:
        self.team_id: UUID | None = None
        self.day = date.min
        self.absent: list[UUID] = []

    class Recorded(NetworkAggregate.Created):
        team_id: UUID
        team_name: str
        village_code: str
        dispatching_unit: str
        inspectors: list[dict[str, str]]  # cadre_id, name, unit of each inspector
        present: list[UUID]
        absent: list[UUID]
        findings: str

        def apply(self, sc: SpotCheck) -> None:
            sc.team_id = self.team_id
            sc.day = self.day
            sc.absent = list(self.absent)

    @classmethod
    def record(
        cls,
        check_id: UUID,
        team: Team,
        inspectors: Sequence[Cadre],
        present: Sequence[Cadre],
        absent: Sequence[Cadre],
        findings: str,
        meta: Meta,
    ) -> SpotCheck:
        """Refused: a sender without the inspector role, no inspector or
        no member named, an inspector of the unit that dispatched the team, a member both
        present and absent, a team not serving that day, a member not on it that day. (A day
        after today is refused for every command, ``future_date``.)"""
        if meta.actor_role != INSPECTOR:
            raise WrongRoleError(meta.actor_role, "登记抽查", "record a spot check", [INSPECTOR])
        day = meta.occurred_on
        if not inspectors:
            raise SpotCheckWithoutInspectorsError()
        if not present and not absent:
            raise SpotCheckWithoutMembersError()
        for inspector in inspectors:
            if inspector.unit_code == team.unit_code:
                raise InspectorOfOwnUnitError(inspector.name, inspector.unit_code, team.name)
        absent_ids = {c.id for c in absent}
        both = next((c for c in present if c.id in absent_ids), None)
        if both is not None:
            raise PresentAndAbsentError(both.name)
        team.check_serving(day)
        for member in [*present, *absent]:
            team.check_member_on(member, day)
        return cls._create(
            cls.Recorded,
            id=check_id,
            team_id=team.id,
            team_name=team.name,
            village_code=team.village_code,
            dispatching_unit=team.unit_code,
            inspectors=[
                {"cadre_id": str(c.id), "name": c.name, "unit": c.unit_code} for c in inspectors
            ],
            present=[c.id for c in present],
            absent=[c.id for c in absent],
            findings=findings.strip(),
            **meta.event_kwargs(),
        )
