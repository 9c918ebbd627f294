"""Households registered in villager groups, and their link to a party-member central household."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within
from domain.errors import (
    HouseholdAlreadyLinkedError,
    HouseholdEndedError,
    HouseholdInOtherVillageError,
    HouseholdNotLinkedError,
    InvalidInputError,
    NotAGroupError,
)
from domain.identity import mask_identity_number, validate_identity_number
from domain.levels import Level
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class LinkTarget(Protocol):
    """A central household as the rules of a link see it (``domain.party.CentralHousehold``,
    which stands on a household and so is defined after it)."""

    @property
    def id(self) -> UUID: ...

    @property
    def is_ended(self) -> bool: ...

    def check_acting(self, day: date) -> None: ...


class LeaveReason(Worded):
    MOVED_OUT = "moved_out"  # 迁出
    DISSOLVED = "dissolved"  # 注销

    __zh__: ClassVar[dict[str, str]] = {"moved_out": "迁出", "dissolved": "注销"}


class Household(NetworkAggregate):
    def __init__(self) -> None:
        self.group_code = ""
        self.village_code = ""
        self.head_name = ""
        self.members = 0
        self.id_number = ""
        self.registered_on = date.min
        self.ended_on: date | None = None
        self.left_how: str | None = None
        self.central_household_id: UUID | None = None

    class Registered(NetworkAggregate.CreatedSetsFields):
        group_code: str
        village_code: str
        head_name: str
        members: int
        id_number: str
        day_sets = "registered_on"

    class Moved(NetworkAggregate.Event):
        group_code: str
        village_code: str

        def apply(self, hh: Household) -> None:
            if self.village_code != hh.village_code:
                # Links stay inside one village.
                hh.central_household_id = None
            self.copy_to(hh, "group_code", "village_code")

    class Left(NetworkAggregate.Event):
        how: str

        def apply(self, hh: Household) -> None:
            hh.ended_on = self.day
            hh.left_how = self.how
            hh.central_household_id = None

    class Linked(NetworkAggregate.SetsFields):
        central_household_id: UUID

    class Unlinked(NetworkAggregate.Event):
        central_household_id: UUID

        def apply(self, hh: Household) -> None:
            hh.central_household_id = None

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def register(
        cls,
        household_id: UUID,
        group: Unit,
        head_name: str,
        members: int,
        id_number: str,
        meta: Meta,
    ) -> Household:
        if group.level is not Level.GROUP:
            raise NotAGroupError(group.code, group.level.zh, group.level.value)
        group.check_acting(meta.occurred_on, field="group")
        if members < 1:
            raise InvalidInputError(
                "members",
                f"家庭人口应至少为 1，不是 {members}",
                f"members must be at least 1, not {members}",
            )
        assert group.parent_code is not None
        return cls._create(
            cls.Registered,
            id=household_id,
            group_code=group.code,
            village_code=group.parent_code,
            head_name=head_name,
            members=members,
            id_number=validate_identity_number(id_number),
            **meta.event_kwargs(),
        )

    def move(self, new_group: Unit, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        if new_group.level is not Level.GROUP:
            raise NotAGroupError(new_group.code, new_group.level.zh, new_group.level.value)
        new_group.check_acting(meta.occurred_on, field="group")
        assert new_group.parent_code is not None
        self.trigger_event(
            self.Moved,
            group_code=new_group.code,
            village_code=new_group.parent_code,
            **meta.event_kwargs(),
        )

    def leave(self, how: LeaveReason, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        self.trigger_event(self.Left, how=how.value, **meta.event_kwargs())

    def link(
        self,
        ch: LinkTarget,
        current: LinkTarget | None,
        village: str,
        ch_village: str,
        meta: Meta,
    ) -> None:
        """Link to ``ch``; ``current`` is the central household it is linked to now, if any.

        ``village`` and ``ch_village`` are the villages of the two households today (the
        parents of their groups), which the caller reads from the units.
        """
        self.check_acting(meta.occurred_on)
        ch.check_acting(meta.occurred_on)
        if ch_village != village:
            raise HouseholdInOtherVillageError(self.head_name, village, ch_village)
        # A link to a central household that has since ended no longer binds the household.
        if current is not None and not current.is_ended:
            raise HouseholdAlreadyLinkedError(self.head_name)
        self.trigger_event(self.Linked, central_household_id=ch.id, **meta.event_kwargs())

    def unlink(self, ch_id: UUID | None, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        if self.central_household_id is None or (
            ch_id is not None and ch_id != self.central_household_id
        ):
            raise HouseholdNotLinkedError(self.head_name)
        self.trigger_event(
            self.Unlinked, central_household_id=self.central_household_id, **meta.event_kwargs()
        )

    # -- rules --------------------------------------------------------------------------------

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)

    def check_acting(self, day: date, field: str = "household") -> None:
        if self.ended_on is not None:
            raise HouseholdEndedError(self.head_name, self.ended_on.isoformat(), field)
        check_within(
            f"户主为{self.head_name}的户",
            f"the household of {self.head_name}",
            day,
            self.registered_on,
            None,
        )
