"""Village-resident work teams (驻村工作队): dispatch, members, leader, term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within
from domain.cadres import Cadre, DispatchingUnit, DispatchLevel, OnTeam, Rank, Sector
from domain.errors import (
    DatedAfterTermError,
    DatedBeforeDispatchError,
    InvalidSuccessorTeamError,
    LeaderNotPartyMemberError,
    LeaderRankTooLowError,
    NotTeamMemberError,
    TeamEndedError,
    TeamHasLeaderError,
    TermExtensionError,
    VillageStillPoorError,
)
from domain.villages import Problem, VillageProfile, sector_fit
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.rules import RuleSet
    from domain.units import Unit


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Membership(OnTeam):
    """One cadre's time on the team, seen from the team."""

    cadre_id: UUID
    name: str
    joined_on: date
    left_on: date | None = None


class Team(NetworkAggregate):
    """A dispatching unit's team in one village, for a term (its last day included)."""

    def __init__(self) -> None:
        self.name = ""
        self.unit_code = ""
        self.unit_level = ""
        self.sector = Sector.OTHER
        self.village_code = ""
        self.dispatched_on = date.min
        self.term_ends_on = date.min
        self.ended_on: date | None = None
        self.leader_id: UUID | None = None
        self.members: list[Membership] = []
        self.flag: str | None = None

    # -- events -------------------------------------------------------------------------------

    class Dispatched(NetworkAggregate.Created):
        name: str
        dispatching_unit_id: UUID
        unit_code: str
        unit_level: str
        sector: str
        village_code: str
        village_problem: str | None
        term_ends_on: str
        rules_version: str
        # Set when the unit's sector does not suit the village's class: kept with the team.
        flag: str | None
        flag_zh: str
        flag_en: str

        def apply(self, t: Team) -> None:
            self.copy_to(t, "name", "unit_code", "unit_level")
            t.sector = Sector(self.sector)
            t.village_code = self.village_code
            t.dispatched_on = self.day
            t.term_ends_on = date.fromisoformat(self.term_ends_on)
            t.flag = self.flag

    class MemberJoined(NetworkAggregate.Event):
        cadre_id: UUID
        cadre_name: str
        role: str  # "leader" or "member"

        def apply(self, t: Team) -> None:
            day = self.day
            t.members.append(Membership(self.cadre_id, self.cadre_name, day))
            if self.role == "leader":
                t.leader_id = self.cadre_id

    class LeaderChanged(NetworkAggregate.Event):
        cadre_id: UUID
        previous_leader_id: UUID | None

        def apply(self, t: Team) -> None:
            t.leader_id = self.cadre_id

    class MemberLeft(NetworkAggregate.Event):
        cadre_id: UUID
        how: str

        def apply(self, t: Team) -> None:
            m = t.current_membership(self.cadre_id)
            assert m is not None
            m.left_on = self.day
            if t.leader_id == self.cadre_id:
                t.leader_id = None

    class TermExtended(NetworkAggregate.Event):
        term_ends_on: str
        previous_term_ends_on: str

        def apply(self, t: Team) -> None:
            t.term_ends_on = date.fromisoformat(self.term_ends_on)

    class TermEnded(NetworkAggregate.Event):
        successor_id: UUID | None
        village_poor: bool

        def apply(self, t: Team) -> None:
            day = self.day
            t.ended_on = day
            for m in t.members:
                if m.left_on is None:
                    m.left_on = day
            t.leader_id = None

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def dispatch(
        cls,
        team_id: UUID,
        unit: DispatchingUnit,
        village: Unit,
        profile_problem: Problem | None,
        rules: RuleSet,
        meta: Meta,
    ) -> Team:
        VillageProfile.check_village(village, meta.occurred_on)
        unit.check_date(meta.occurred_on)
        flag, flag_zh, flag_en = sector_fit(unit.sector, profile_problem)
        last_day = add_years(meta.occurred_on, rules.team_term_years) - timedelta(days=1)
        return cls._create(
            cls.Dispatched,
            id=team_id,
            name=f"{unit.name}驻{village.name}工作队",
            dispatching_unit_id=unit.id,
            unit_code=unit.code,
            unit_level=unit.level.value,
            sector=unit.sector.value,
            village_code=village.code,
            village_problem=profile_problem.value if profile_problem else None,
            term_ends_on=last_day.isoformat(),
            rules_version=rules.version,
            flag=flag,
            flag_zh=flag_zh,
            flag_en=flag_en,
            **meta.event_kwargs(),
        )

    def add_member(self, cadre: Cadre, as_leader: bool, rules: RuleSet, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        if as_leader:
            self._check_no_leader()
            self.check_leader(cadre, rules)
        cadre.join_team(self.id, meta)
        self.trigger_event(
            self.MemberJoined,
            cadre_id=cadre.id,
            cadre_name=cadre.name,
            role="leader" if as_leader else "member",
            **meta.event_kwargs(),
        )

    def change_leader(self, cadre: Cadre, rules: RuleSet, meta: Meta) -> None:
        """An active member becomes the leader; the previous leader stays on as a member."""
        self.check_acting(meta.occurred_on)
        self.check_member_on(cadre, meta.occurred_on)
        if self.leader_id == cadre.id:
            raise TeamHasLeaderError(self.name, cadre.name)
        self.check_leader(cadre, rules)
        self.trigger_event(
            self.LeaderChanged,
            cadre_id=cadre.id,
            previous_leader_id=self.leader_id,
            **meta.event_kwargs(),
        )

    def remove_member(self, cadre: Cadre, how: LeaveHow, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        m = self.current_membership(cadre.id)
        if m is None:
            raise NotTeamMemberError(cadre.name, meta.occurred_on.isoformat(), self.name)
        check_within(
            f"{cadre.name}在队",
            f"{cadre.name}'s time on the team",
            meta.occurred_on,
            m.joined_on,
            None,
        )
        cadre.leave_team(self.id, meta)
        self.trigger_event(self.MemberLeft, cadre_id=cadre.id, how=how.value, **meta.event_kwargs())

    def extend_term(self, until: date, meta: Meta) -> None:
        self._check_not_ended()
        self._check_from_dispatch(meta.occurred_on)
        if until <= self.term_ends_on:
            raise TermExtensionError(until.isoformat(), self.term_ends_on.isoformat())
        self.trigger_event(
            self.TermExtended,
            term_ends_on=until.isoformat(),
            previous_term_ends_on=self.term_ends_on.isoformat(),
            **meta.event_kwargs(),
        )

    def end_term(
        self, village: Unit, successor: Team | None, cadres: list[Cadre], meta: Meta
    ) -> None:
        """不脱贫不脱钩: a poor village keeps its team unless a successor of the unit takes over.

        ``cadres`` are the current members, who leave with the team.
        """
        day = meta.occurred_on
        self.check_acting(day)
        changed = self.last_membership_change()
        if changed is not None:
            check_within(
                "工作队最近一次人员变动", "the team's latest change of members", day, changed, None
            )
        poor = is_poor_on(village, day)
        if successor is not None:
            self._check_successor(successor, day)
        elif poor:
            raise VillageStillPoorError(self.village_code, day.isoformat())
        for cadre in cadres:
            cadre.leave_team(self.id, meta)
        self.trigger_event(
            self.TermEnded,
            successor_id=successor.id if successor else None,
            village_poor=poor,
            **meta.event_kwargs(),
        )

    # -- rules --------------------------------------------------------------------------------

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None

    @property
    def last_day(self) -> date:
        return self.ended_on if self.ended_on is not None else self.term_ends_on

    def current_membership(self, cadre_id: UUID) -> Membership | None:
        for m in self.members:
            if m.cadre_id == cadre_id and m.left_on is None:
                return m
        return None

    def last_membership_change(self) -> date | None:
        days = [d for m in self.members for d in (m.joined_on, m.left_on) if d is not None]
        return max(days, default=None)

    def current_members(self) -> list[UUID]:
        return [m.cadre_id for m in self.members if m.left_on is None]

    def check_leader(self, cadre: Cadre, rules: RuleSet) -> None:
        if not cadre.party_member:
            raise LeaderNotPartyMemberError(cadre.name)
        level = DispatchLevel(self.unit_level)
        minimum: Rank = rules.leader_min_rank(level)
        if not cadre.rank.at_least(minimum):
            raise LeaderRankTooLowError(
                cadre.name,
                cadre.rank.zh,
                cadre.rank.value,
                level.zh,
                level.value,
                minimum.zh,
                minimum.value,
            )

    def check_serving(self, day: date) -> None:
        """The team was in the village on ``day`` (ended teams too, up to their last day)."""
        self._check_from_dispatch(day)
        if day > self.last_day:
            raise DatedAfterTermError(self.name, day.isoformat(), self.last_day.isoformat())

    def check_acting(self, day: date) -> None:
        """Something is done to the team on ``day``: it must not have ended, and be serving."""
        self._check_not_ended()
        self.check_serving(day)

    def check_member_on(self, cadre: Cadre, day: date) -> None:
        self.check_serving(day)
        if not any(m.cadre_id == cadre.id and m.covers(day) for m in self.members):
            raise NotTeamMemberError(cadre.name, day.isoformat(), self.name)

    def _check_from_dispatch(self, day: date) -> None:
        if day < self.dispatched_on:
            raise DatedBeforeDispatchError(
                self.name, day.isoformat(), self.dispatched_on.isoformat()
            )

    def _check_not_ended(self) -> None:
        if self.ended_on is not None:
            raise TeamEndedError(self.name, self.ended_on.isoformat())

    def _check_no_leader(self) -> None:
        if self.leader_id is not None:
            leader = next(m.name for m in self.members if m.cadre_id == self.leader_id)
            raise TeamHasLeaderError(self.name, leader)

    def _check_successor(self, successor: Team, day: date) -> None:
        next_day = day + timedelta(days=1)
        problems = [
            (successor.id == self.id, "接续工作队不能是本队", "a team cannot succeed itself"),
            (
                successor.unit_code != self.unit_code,
                f"接续工作队应由同一派出单位 {self.unit_code} 派出",
                f"the successor must be sent by the same unit, {self.unit_code}",
            ),
            (
                successor.village_code != self.village_code,
                f"接续工作队应驻同一个村 {self.village_code}",
                f"the successor must serve the same village, {self.village_code}",
            ),
            (successor.is_ended, "接续工作队已结束驻村", "the successor team has ended"),
            (
                not (successor.dispatched_on <= next_day <= successor.last_day),
                f"接续工作队应在 {next_day} 在村",
                f"the successor must be serving in the village on {next_day}",
            ),
        ]
        for wrong, zh, en in problems:
            if wrong:
                raise InvalidSuccessorTeamError(zh, en)


class LeaveHow(Worded):
    """How a member leaves a team before it ends."""

    RECALLED = "recalled"  # 召回
    REPLACED = "replaced"  # 轮换、替换
    OTHER = "other"

    __zh__: ClassVar[dict[str, str]] = {
        "recalled": "召回",
        "replaced": "轮换、替换",
        "other": "其他",
    }


def is_poor_on(village: Unit, day: date) -> bool:
    return (
        village.poor_since is not None
        and village.poor_since <= day
        and (village.exited_poverty_on is None or day < village.exited_poverty_on)
    )
