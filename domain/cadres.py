"""Dispatching units (派出单位) and the cadres (干部) they send to live in poor villages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within, derived_id, written
from domain.errors import (
    CadreAlreadyOnTeamError,
    CadreStatusError,
    InvalidDispatchingUnitCodeError,
)
from domain.worded import Worded


class Rank(Worded):
    """The civil-service ladder, lowest first: the order is the declaration order."""

    CLERK = "clerk"  # 科员
    DEPUTY_SECTION = "deputy_section"  # 副科级
    SECTION = "section"  # 正科级
    DEPUTY_DIVISION = "deputy_division"  # 副处级
    DIVISION = "division"  # 正处级
    DEPUTY_BUREAU = "deputy_bureau"  # 副厅级
    BUREAU = "bureau"  # 正厅级

    __zh__: ClassVar[dict[str, str]] = {
        "clerk": "科员",
        "deputy_section": "副科级",
        "section": "正科级",
        "deputy_division": "副处级",
        "division": "正处级",
        "deputy_bureau": "副厅级",
        "bureau": "正厅级",
    }

    @property
    def order(self) -> int:
        return list(Rank).index(self)

    def at_least(self, other: Rank) -> bool:
        return self.order >= other.order


class DispatchLevel(Worded):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"

    __zh__: ClassVar[dict[str, str]] = {"province": "省", "city": "市", "county": "县(区)"}


class SectorGroup(Worded):
    """Which kind of village a sector helps best (measure 2 of the seed)."""

    GOVERNANCE = "governance"
    ECONOMY = "economy"
    OTHER = "other"

    __zh__: ClassVar[dict[str, str]] = {
        "governance": "治理类",
        "economy": "经济类",
        "other": "其他",
    }


class Sector(Worded):
    CIVIL_AFFAIRS = "civil_affairs"
    PUBLIC_SECURITY = "public_security"
    JUSTICE = "justice"
    CONSTRUCTION = "construction"
    HOUSING = "housing"
    LAND_RESOURCES = "land_resources"
    LAW_ENFORCEMENT = "law_enforcement"
    AGRICULTURE = "agriculture"
    POVERTY_ALLEVIATION = "poverty_alleviation"
    FINANCE = "finance"
    TRANSPORT = "transport"
    BANKING = "banking"
    OTHER = "other"

    __zh__: ClassVar[dict[str, str]] = {
        "civil_affairs": "民政",
        "public_security": "公安",
        "justice": "司法",
        "construction": "城乡建设",
        "housing": "住房",
        "land_resources": "国土资源",
        "law_enforcement": "行政执法",
        "agriculture": "农业",
        "poverty_alleviation": "扶贫",
        "finance": "财政",
        "transport": "交通",
        "banking": "银行",
        "other": "其他",
    }

    @property
    def group(self) -> SectorGroup:
        return SECTOR_GROUP[self]


_GOVERNANCE = {
    Sector.CIVIL_AFFAIRS,
    Sector.PUBLIC_SECURITY,
    Sector.JUSTICE,
    Sector.CONSTRUCTION,
    Sector.HOUSING,
    Sector.LAND_RESOURCES,
    Sector.LAW_ENFORCEMENT,
}
_ECONOMY = {
    Sector.AGRICULTURE,
    Sector.POVERTY_ALLEVIATION,
    Sector.FINANCE,
    Sector.TRANSPORT,
    Sector.BANKING,
}
SECTOR_GROUP = {
    s: SectorGroup.GOVERNANCE
    if s in _GOVERNANCE
    else SectorGroup.ECONOMY
    if s in _ECONOMY
    else SectorGroup.OTHER
    for s in Sector
}

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,31}")


def normalise_unit_code(code: str) -> str:
    upper = code.strip().upper()
    if not _CODE.fullmatch(upper):
        raise InvalidDispatchingUnitCodeError(code)
    return upper


def dispatching_unit_id(code: str) -> UUID:
    return derived_id("dispatching-unit", code)


class DispatchingUnit(NetworkAggregate):
    """A province, city or county department that sends work teams. Id from its short code."""

    def __init__(self) -> None:
        self.code = ""
        self.name = ""
        self.level = DispatchLevel.CITY
        self.sector = Sector.OTHER
        self.registered_on = date.min

    class Registered(NetworkAggregate.Created):
        code: str
        name: str
        level: str
        sector: str
        sector_group: str

        def apply(self, u: DispatchingUnit) -> None:
            self.copy_to(u, "code", "name")
            u.level = DispatchLevel(self.level)
            u.sector = Sector(self.sector)
            u.registered_on = self.day

    @classmethod
    def register(
        cls, code: str, name: str, level: DispatchLevel, sector: Sector, meta: Meta
    ) -> DispatchingUnit:
        code = normalise_unit_code(code)
        return cls._create(
            cls.Registered,
            id=dispatching_unit_id(code),
            code=code,
            name=name.strip(),
            level=level.value,
            sector=sector.value,
            sector_group=sector.group.value,
            **meta.event_kwargs(),
        )

    def check_date(self, day: date) -> None:
        check_within(
            f"「{self.name}」", f"'{self.name}' ({self.code})", day, self.registered_on, None
        )


class OnTeam:
    """A cadre's time on a team, both days included; ``left_on`` is None while still there.
    Seen from the cadre (``Stint``) and from the team (``teams.Membership``)."""

    joined_on: date
    left_on: date | None

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass
class Stint(OnTeam):
    """A time on one team, seen from the cadre."""

    team_id: UUID
    joined_on: date
    left_on: date | None = None


class Cadre(NetworkAggregate):
    """A cadre of a dispatching unit. It records its own team, so that two commands putting
    the same cadre on two teams clash on this aggregate's version, even when concurrent."""

    def __init__(self) -> None:
        self.name = ""
        self.unit_code = ""
        self.rank = Rank.CLERK
        self.party_member = False
        self.young = False
        self.reserve = False
        self.registered_on = date.min
        self.stints: list[Stint] = []

    class Registered(NetworkAggregate.Created):
        name: str
        dispatching_unit_id: UUID
        unit_code: str
        rank: str
        party_member: bool
        young: bool
        reserve: bool

        def apply(self, c: Cadre) -> None:
            self.copy_to(c, "name", "unit_code")
            c.rank = Rank(self.rank)
            self.copy_to(c, "party_member", "young", "reserve")
            c.registered_on = self.day

    class RankChanged(NetworkAggregate.Event):
        rank: str
        previous_rank: str

        def apply(self, c: Cadre) -> None:
            c.rank = Rank(self.rank)

    class JoinedParty(NetworkAggregate.Event):
        def apply(self, c: Cadre) -> None:
            c.party_member = True

    class LeftParty(NetworkAggregate.Event):
        def apply(self, c: Cadre) -> None:
            c.party_member = False

    class FlagsChanged(NetworkAggregate.SetsFields):
        young: bool
        reserve: bool

    class JoinedTeam(NetworkAggregate.Event):
        team_id: UUID

        def apply(self, c: Cadre) -> None:
            c.stints.append(Stint(self.team_id, self.day))

    class LeftTeam(NetworkAggregate.Event):
        team_id: UUID

        def apply(self, c: Cadre) -> None:
            c.stints[-1].left_on = self.day

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def register(
        cls,
        cadre_id: UUID,
        name: str,
        unit: DispatchingUnit,
        rank: Rank,
        party_member: bool,
        young: bool,
        reserve: bool,
        meta: Meta,
    ) -> Cadre:
        name = written(name, "name", "干部姓名不能为空", "the cadre's name is empty")
        unit.check_date(meta.occurred_on)
        return cls._create(
            cls.Registered,
            id=cadre_id,
            name=name,
            dispatching_unit_id=unit.id,
            unit_code=unit.code,
            rank=rank.value,
            party_member=party_member,
            young=young,
            reserve=reserve,
            **meta.event_kwargs(),
        )

    def change_rank(self, rank: Rank, meta: Meta) -> None:
        self.check_date(meta.occurred_on)
        if rank is self.rank:
            raise CadreStatusError(
                f"{self.name} 已是{rank.zh}", f"{self.name} is already of rank {rank}", "rank"
            )
        self.trigger_event(
            self.RankChanged, rank=rank.value, previous_rank=self.rank.value, **meta.event_kwargs()
        )

    def join_party(self, meta: Meta) -> None:
        self.check_date(meta.occurred_on)
        if self.party_member:
            raise CadreStatusError(
                f"{self.name} 已是中共党员", f"{self.name} is already a party member"
            )
        self.trigger_event(self.JoinedParty, **meta.event_kwargs())

    def leave_party(self, meta: Meta) -> None:
        self.check_date(meta.occurred_on)
        if not self.party_member:
            raise CadreStatusError(
                f"{self.name} 不是中共党员", f"{self.name} is not a party member"
            )
        self.trigger_event(self.LeftParty, **meta.event_kwargs())

    def change_flags(self, young: bool | None, reserve: bool | None, meta: Meta) -> None:
        self.check_date(meta.occurred_on)
        new_young = self.young if young is None else young
        new_reserve = self.reserve if reserve is None else reserve
        if (new_young, new_reserve) == (self.young, self.reserve):
            raise CadreStatusError(
                f"{self.name} 的年轻干部、后备干部标记没有变化",
                f"{self.name}'s young and reserve cadre flags are unchanged",
                "young",
            )
        self.trigger_event(
            self.FlagsChanged, young=new_young, reserve=new_reserve, **meta.event_kwargs()
        )

    def join_team(self, team_id: UUID, meta: Meta) -> None:
        """One team at a time: the previous stint must be over, and over by ``occurred_on``."""
        self.check_date(meta.occurred_on)
        last = self.stints[-1] if self.stints else None
        if last is not None and (last.left_on is None or meta.occurred_on < last.left_on):
            raise CadreAlreadyOnTeamError(
                self.name,
                str(last.team_id),
                last.joined_on.isoformat(),
                last.left_on.isoformat() if last.left_on else None,
            )
        self.trigger_event(self.JoinedTeam, team_id=team_id, **meta.event_kwargs())

    def leave_team(self, team_id: UUID, meta: Meta) -> None:
        # The team checked the membership and the date; this only mirrors it.
        assert self.current_team_id == team_id
        self.trigger_event(self.LeftTeam, team_id=team_id, **meta.event_kwargs())

    # -- rules --------------------------------------------------------------------------------

    @property
    def current_team_id(self) -> UUID | None:
        if self.stints and self.stints[-1].left_on is None:
            return self.stints[-1].team_id
        return None

    def team_on(self, day: date) -> UUID | None:
        """The team this cadre was on that day (the later one on a day of transfer)."""
        for stint in reversed(self.stints):
            if stint.covers(day):
                return stint.team_id
        return None

    def check_date(self, day: date) -> None:
        check_within(
            f"干部{self.name}的登记", f"{self.name}'s record", day, self.registered_on, None
        )
