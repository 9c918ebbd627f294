"""Use cases on the six-level service network. One method per thing a user does.

Each method loads what it needs through the unit of work, lets the aggregates check their
rules, and returns plain data. Nothing is written here: the caller commits the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from app.store.uow import UnitOfWork
from domain.base import Meta
from domain.errors import (
    AlreadyCentralHouseholdError,
    CentralHouseholdNotFoundError,
    DuplicateCodeError,
    HouseholdNotFoundError,
    PartyMemberNotFoundError,
    RuleViolation,
    SiteNotFoundError,
    UnitNotFoundError,
)
from domain.households import Household, LeaveReason
from domain.levels import Level, SiteKind
from domain.party import CentralHousehold, PartyMember, central_household_id
from domain.rules import DEFAULT_RULES, RuleSet
from domain.sites import Site, site_id
from domain.units import Unit, unit_id

# What is still open directly under a unit, as the read side knows it: child unit codes and,
# for a villager group, the ids of its households (see Network.children).
ChildLookup = Callable[[str], list[str]]
# A blind spot or work gap under a unit on a day, as the read side lists it now: (unit code,
# gap type, subject, day) -> the gap's row of ``Zhucun.gaps``, or None (app/rectifications.py).
GapLookup = Callable[[str, str, str, date], dict[str, Any] | None]


class UnitHasActiveChildrenError(RuleViolation):
    code = "unit_has_active_children"

    def __init__(self, unit_code: str, children: list[str]) -> None:
        shown = "、".join(children[:5]) + ("…" if len(children) > 5 else "")
        super().__init__(
            "unit",
            f"{unit_code} 下还有 {len(children)} 个未撤销的下级单位或在册户（{shown}），"
            "请先迁移或撤销",
            f"{unit_code} still has {len(children)} open units or households under it "
            f"({shown}); move or close them first",
        )


class Network:
    def __init__(
        self,
        uow: UnitOfWork,
        children: ChildLookup,
        rules: RuleSet = DEFAULT_RULES,
        gaps: GapLookup | None = None,
    ) -> None:
        self.uow = uow
        self._children = children
        self._gaps = gaps
        self.rules = rules  # the rule set in force, for use cases that read it

    # -- lookups ------------------------------------------------------------------------------

    def unit(self, code: str, field: str = "unit") -> Unit:
        return self.uow.get(Unit, unit_id(code), lambda: UnitNotFoundError(code, field))

    def household(self, hid: UUID, field: str = "household") -> Household:
        return self.uow.get(Household, hid, lambda: HouseholdNotFoundError(str(hid), field))

    def member(self, mid: UUID, field: str = "party_member") -> PartyMember:
        return self.uow.get(PartyMember, mid, lambda: PartyMemberNotFoundError(str(mid), field))

    def central_household(self, cid: UUID, field: str = "central_household") -> CentralHousehold:
        return self.uow.get(
            CentralHousehold, cid, lambda: CentralHouseholdNotFoundError(str(cid), field)
        )

    def village_of(self, hh: Household) -> str:
        """A household's village is its group's parent now (groups can move between villages)."""
        parent = self.unit(hh.group_code, "household").parent_code
        assert parent is not None
        return parent

    def site(self, unit_code: str) -> Site:
        return self.uow.get(Site, site_id(unit_code), lambda: SiteNotFoundError(unit_code))

    def children(self, code: str) -> list[str]:
        """Open units and households directly under ``code``: the read side's list,
        corrected by what this batch has changed so far.

        The read models hold at least every event up to the log's end as it is now; the
        commit checks that nothing put a child under ``code`` after it (app/store/uow.py)."""
        self.uow.children_read(code, self.uow.store.max_position())
        found = set(self._children(code))
        for agg in self.uow.seen():
            if isinstance(agg, Unit):
                key, inside = agg.code, agg.parent_code == code and not agg.is_closed
            elif isinstance(agg, Household):
                key, inside = str(agg.id), agg.group_code == code and not agg.is_ended
            else:
                continue
            if inside:
                found.add(key)
            else:
                found.discard(key)
        return sorted(found)

    def gap(self, code: str, gap_type: str, subject: str, day: date) -> dict[str, Any] | None:
        """The gap of ``gap_type`` about ``subject`` under the unit ``code`` on ``day``, as the
        read side lists it (None: none, or no read side to ask)."""
        return self._gaps(code, gap_type, subject, day) if self._gaps is not None else None

    # -- administrative units -----------------------------------------------------------------

    def open_unit(
        self, code: str, name: str, level: Level, parent_code: str | None, meta: Meta
    ) -> dict[str, str]:
        existing = self.uow.find(Unit, unit_id(code))
        if existing is not None:
            raise DuplicateCodeError(code, existing.name)
        parent = self.unit(parent_code, "parent") if parent_code else None
        unit = Unit.open(code, name.strip(), level, parent, meta)
        self.uow.add(unit)
        return {"unit": code, "id": str(unit.id)}

    def rename_unit(self, code: str, name: str, meta: Meta) -> dict[str, str]:
        self.unit(code).rename(name.strip(), meta)
        return {"unit": code}

    def move_unit(self, code: str, parent_code: str, meta: Meta) -> dict[str, str]:
        self.unit(code).move(self.unit(parent_code, "parent"), meta)
        return {"unit": code, "parent": parent_code}

    def merge_unit(self, code: str, into_code: str, meta: Meta) -> dict[str, object]:
        """The unit closes; its open children move under the unit it merges into."""
        unit, target = self.unit(code), self.unit(into_code, "into")
        unit.merge_into(target, meta)
        moved = self.children(code)
        for child in moved:
            if child.isdigit():
                self.unit(child).move(target, meta)
            else:  # a household of a merged villager group
                self.household(UUID(child)).move(self.unit(into_code, "into"), meta)
        return {"unit": code, "into": into_code, "moved_children": moved}

    def close_unit(self, code: str, meta: Meta) -> dict[str, str]:
        unit = self.unit(code)
        open_children = self.children(code)
        if open_children:
            raise UnitHasActiveChildrenError(code, open_children)
        unit.close(meta)
        return {"unit": code}

    def declare_poor(self, code: str, meta: Meta) -> dict[str, str]:
        self.unit(code).declare_poor(meta)
        return {"unit": code}

    def exit_poverty(self, code: str, meta: Meta) -> dict[str, str]:
        self.unit(code).exit_poverty(meta)
        return {"unit": code}

    # -- households ---------------------------------------------------------------------------

    def register_household(
        self,
        group_code: str,
        head_name: str,
        members: int,
        id_number: str,
        meta: Meta,
        household_id: UUID | None = None,
    ) -> dict[str, str]:
        hid = household_id or uuid4()
        if self.uow.find(Household, hid) is not None:
            raise RuleViolation(
                "id", f"户编号 {hid} 已被使用", f"household id {hid} is already used"
            )
        hh = Household.register(
            hid, self.unit(group_code, "group"), head_name.strip(), members, id_number, meta
        )
        self.uow.add(hh)
        return {"household": str(hid)}

    def move_household(self, hid: UUID, group_code: str, meta: Meta) -> dict[str, str]:
        hh = self.household(hid)
        self.unit(hh.group_code).check_date(meta.occurred_on)
        hh.move(self.unit(group_code, "group"), meta)
        return {"household": str(hid)}

    def household_left(self, hid: UUID, how: LeaveReason, meta: Meta) -> dict[str, str]:
        hh = self.household(hid)
        self.unit(hh.group_code).check_date(meta.occurred_on)
        hh.leave(how, meta)
        return {"household": str(hid)}

    def link_household(self, hid: UUID, cid: UUID, meta: Meta) -> dict[str, str]:
        hh = self.household(hid)
        self.unit(self.village_of(hh), "household").check_date(meta.occurred_on)
        current = (
            self.uow.find(CentralHousehold, hh.central_household_id)
            if hh.central_household_id
            else None
        )
        ch = self.central_household(cid)
        assert ch.household_id is not None
        ch_village = self.village_of(self.household(ch.household_id, "central_household"))
        hh.link(ch, current, self.village_of(hh), ch_village, meta)
        return {"household": str(hid), "central_household": str(cid)}

    def unlink_household(self, hid: UUID, cid: UUID | None, meta: Meta) -> dict[str, str]:
        self.household(hid).unlink(cid, meta)
        return {"household": str(hid)}

    # -- party members ------------------------------------------------------------------------

    def party_member_joined(
        self, name: str, hid: UUID, meta: Meta, member_id: UUID | None = None
    ) -> dict[str, str]:
        mid = member_id or uuid4()
        if self.uow.find(PartyMember, mid) is not None:
            raise RuleViolation(
                "id", f"党员编号 {mid} 已被使用", f"party member id {mid} is already used"
            )
        hh = self.household(hid)
        village = self.village_of(hh)
        self.unit(village).check_acting(meta.occurred_on, field="household")
        member = PartyMember.join(mid, name, hh, village, meta)
        self.uow.add(member)
        return {"party_member": str(mid)}

    def party_member_transferred_out(
        self, mid: UUID, destination: str, meta: Meta
    ) -> dict[str, str]:
        self.member(mid).transfer_out(destination, meta)
        return {"party_member": str(mid)}

    def party_member_died(self, mid: UUID, meta: Meta) -> dict[str, str]:
        self.member(mid).die(meta)
        return {"party_member": str(mid)}

    # -- central households -------------------------------------------------------------------

    def designate_central_household(self, mid: UUID, meta: Meta) -> dict[str, str]:
        """The party member's own household becomes a central household."""
        member = self.member(mid)
        assert member.household_id is not None
        hh = self.household(member.household_id)
        village = self.village_of(hh)
        self.unit(village).check_acting(meta.occurred_on, field="party_member")
        cid = central_household_id(hh.id)
        existing = self.uow.find(CentralHousehold, cid)
        if existing is None:
            self.uow.add(CentralHousehold.designate(member, hh, village, meta))
        elif existing.is_ended:
            existing.redesignate(member, hh, meta)
        else:
            raise AlreadyCentralHouseholdError(hh.head_name)
        return {"central_household": str(cid), "household": str(hh.id)}

    def change_central_party_member(self, cid: UUID, mid: UUID, meta: Meta) -> dict[str, str]:
        self.central_household(cid).change_party_member(self.member(mid), meta)
        return {"central_household": str(cid), "party_member": str(mid)}

    def end_central_household(self, cid: UUID, meta: Meta) -> dict[str, str]:
        self.central_household(cid).end(meta)
        return {"central_household": str(cid)}

    # -- service sites ------------------------------------------------------------------------

    def open_site(self, unit_code: str, kind: SiteKind, name: str, meta: Meta) -> dict[str, str]:
        unit = self.unit(unit_code)
        Site.check_kind(kind, unit)
        existing = self.uow.find(Site, site_id(unit_code))
        if existing is None:
            site = Site.open(kind, unit, name, meta)
            self.uow.add(site)
        else:
            existing.reopen(unit, name, meta)
            site = existing
        return {"site": str(site.id), "unit": unit_code}

    def assign_site_responsible(
        self, unit_code: str, name: str, mid: UUID | None, meta: Meta
    ) -> dict[str, str]:
        site = self.site(unit_code)
        unit = self.unit(unit_code)
        # A closed unit's site may still be closed in the records, but nothing dated after
        # the unit's closure can happen there.
        unit.check_date(meta.occurred_on)
        village = {Level.VILLAGE: unit.code, Level.GROUP: unit.parent_code}.get(unit.level)
        member = self.member(mid) if mid else None
        site.assign_responsible(name, member, village, meta)
        return {"site": str(site.id)}

    def close_site(self, unit_code: str, meta: Meta) -> dict[str, str]:
        site = self.site(unit_code)
        self.unit(unit_code).check_date(meta.occurred_on)
        site.close(meta)
        return {"site": str(site_id(unit_code))}
