"""Responsibility letters (工作目标责任书): signed between a dispatching unit and a village it
serves — the parties, the signing day, the term, and the targets, each linked to an item of
the village's plans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.base import Meta, NetworkAggregate
from domain.ledger.errors import (
    InvalidLetterTermError,
    LetterWithoutTargetsError,
    PlanOfOtherVillageError,
    UnitNotServingVillageError,
)
from domain.ledger.plans import VillagePlan
from domain.villages import VillageProfile

if TYPE_CHECKING:
    from domain.cadres import DispatchingUnit
    from domain.teams import Team
    from domain.units import Unit


@dataclass(frozen=True)
class Target:
    """A target of a letter: its text and the plan item it is linked to."""

    text: str
    plan: VillagePlan
    item_key: str


class ResponsibilityLetter(NetworkAggregate):
    def __init__(self) -> None:
        self.village_code = ""
        self.unit_code = ""

    class Signed(NetworkAggregate.Created):
        village_code: str
        unit_code: str
        team_id: UUID  # the unit's team serving the village that day
        unit_signatory: str
        village_signatory: str
        term_starts_on: str
        term_ends_on: str
        targets: list[dict[str, str]]  # text, plan (hex), item

        def apply(self, letter: ResponsibilityLetter) -> None:
            self.copy_to(letter, "village_code", "unit_code")

    @classmethod
    def sign(
        cls,
        letter_id: UUID,
        unit: DispatchingUnit,
        village: Unit,
        team: Team,
        unit_signatory: str,
        village_signatory: str,
        term: tuple[date, date],
        targets: Sequence[Target],
        meta: Meta,
    ) -> ResponsibilityLetter:
        VillageProfile.check_village(village, meta.occurred_on)
        day = meta.occurred_on
        if (
            team.unit_code != unit.code
            or team.village_code != village.code
            or not team.dispatched_on <= day <= team.last_day
        ):
            raise UnitNotServingVillageError(unit.code, village.code, day.isoformat())
        starts, ends = term
        if ends < starts:
            raise InvalidLetterTermError(starts.isoformat(), ends.isoformat())
        if not targets:
            raise LetterWithoutTargetsError()
        for t in targets:
            if t.plan.village_code != village.code:
                raise PlanOfOtherVillageError(
                    str(t.plan.id), village.code, t.plan.village_code, "targets"
                )
            t.plan.item(t.item_key, "targets")
        return cls._create(
            cls.Signed,
            id=letter_id,
            village_code=village.code,
            unit_code=unit.code,
            team_id=team.id,
            unit_signatory=unit_signatory,
            village_signatory=village_signatory,
            term_starts_on=starts.isoformat(),
            term_ends_on=ends.isoformat(),
            targets=[{"text": t.text, "plan": t.plan.id.hex, "item": t.item_key} for t in targets],
            **meta.event_kwargs(),
        )
