"""Party members of a village branch, and party-member central households (党员中心户)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within, derived_id, written
from domain.errors import (
    AlreadyCentralHouseholdError,
    CentralHouseholdEndedError,
    NotActivePartyMemberError,
)
from domain.households import Household


class MemberStatus(StrEnum):
    ACTIVE = "active"
    TRANSFERRED_OUT = "transferred_out"  # 转出
    DECEASED = "deceased"  # 去世


class PartyMember(NetworkAggregate):
    def __init__(self) -> None:
        self.name = ""
        self.household_id: UUID | None = None
        self.village_code = ""
        self.joined_on = date.min
        self.status = MemberStatus.ACTIVE
        self.ended_on: date | None = None

    class Joined(NetworkAggregate.CreatedSetsFields):
        name: str
        household_id: UUID
        village_code: str
        day_sets = "joined_on"

    class TransferredOut(NetworkAggregate.SetsStatus):
        destination: str
        status = MemberStatus.TRANSFERRED_OUT
        day_sets = "ended_on"

    class Died(NetworkAggregate.SetsStatus):
        status = MemberStatus.DECEASED
        day_sets = "ended_on"

    @classmethod
    def join(
        cls, member_id: UUID, name: str, household: Household, village: str, meta: Meta
    ) -> PartyMember:
        """A member joins the branch of ``village``, where their household lives today."""
        name = written(name, "name", "党员姓名不能为空", "the party member's name is empty")
        household.check_acting(meta.occurred_on)
        return cls._create(
            cls.Joined,
            id=member_id,
            name=name,
            household_id=household.id,
            village_code=village,
            **meta.event_kwargs(),
        )

    def transfer_out(self, destination: str, meta: Meta) -> None:
        self.check_active(self.village_code, meta.occurred_on)
        self.trigger_event(self.TransferredOut, destination=destination, **meta.event_kwargs())

    def die(self, meta: Meta) -> None:
        self.check_active(self.village_code, meta.occurred_on)
        self.trigger_event(self.Died, **meta.event_kwargs())

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE

    def check_active(self, village_code: str, day: date, field: str = "party_member") -> None:
        """Active in ``village_code`` on ``day``: joined by then, not gone, same village."""
        if not self.is_active:
            why_zh = "已转出" if self.status is MemberStatus.TRANSFERRED_OUT else "已去世"
            raise NotActivePartyMemberError(
                self.name,
                village_code,
                f"{why_zh}，{self.ended_on}",
                f"{self.status}, {self.ended_on}",
                field,
            )
        if self.village_code != village_code:
            raise NotActivePartyMemberError(
                self.name,
                village_code,
                f"属于村 {self.village_code}",
                f"belongs to village {self.village_code}",
                field,
            )
        if day < self.joined_on:
            raise NotActivePartyMemberError(
                self.name,
                village_code,
                f"{self.joined_on} 才入册",
                f"joined on {self.joined_on}",
                field,
            )


def central_household_id(household_id: UUID) -> UUID:
    return derived_id("central-household", household_id.hex)


class CentralHousehold(NetworkAggregate):
    """A party member's household that looks after its neighbours (联系户).

    Its id derives from the household's: a household is a central household at most once at a
    time. The linked households record their own link (see ``Household.link``).
    """

    def __init__(self) -> None:
        self.household_id: UUID | None = None
        self.village_code = ""
        self.party_member_id: UUID | None = None
        self.designated_on = date.min
        self.ended_on: date | None = None

    class Designated(NetworkAggregate.CreatedSetsFields):
        household_id: UUID
        village_code: str
        party_member_id: UUID
        day_sets = "designated_on"

    class Redesignated(NetworkAggregate.Event):
        party_member_id: UUID

        def apply(self, ch: CentralHousehold) -> None:
            ch.party_member_id = self.party_member_id
            ch.designated_on = self.day
            ch.ended_on = None

    class PartyMemberChanged(NetworkAggregate.SetsFields):
        party_member_id: UUID

    class Ended(NetworkAggregate.SetsDay):
        day_sets = "ended_on"

    @classmethod
    def designate(
        cls, member: PartyMember, household: Household, village: str, meta: Meta
    ) -> CentralHousehold:
        """``village`` is where the household lives today (its group's village)."""
        household.check_acting(meta.occurred_on)
        member.check_active(village, meta.occurred_on)
        return cls._create(
            cls.Designated,
            id=central_household_id(household.id),
            household_id=household.id,
            village_code=village,
            party_member_id=member.id,
            **meta.event_kwargs(),
        )

    def redesignate(self, member: PartyMember, household: Household, meta: Meta) -> None:
        if not self.is_ended:
            raise AlreadyCentralHouseholdError(household.head_name)
        household.check_acting(meta.occurred_on)
        member.check_active(self.village_code, meta.occurred_on)
        self.trigger_event(self.Redesignated, party_member_id=member.id, **meta.event_kwargs())

    def change_party_member(self, member: PartyMember, meta: Meta) -> None:
        """Someone takes over a central household (for instance one left vacant)."""
        self.check_acting(meta.occurred_on)
        member.check_active(self.village_code, meta.occurred_on)
        self.trigger_event(
            self.PartyMemberChanged, party_member_id=member.id, **meta.event_kwargs()
        )

    def end(self, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        self.trigger_event(self.Ended, **meta.event_kwargs())

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None

    def check_acting(self, day: date, field: str = "central_household") -> None:
        if self.ended_on is not None:
            raise CentralHouseholdEndedError(self.ended_on.isoformat(), field)
        check_within("该党员中心户", "the central household", day, self.designated_on, None)
