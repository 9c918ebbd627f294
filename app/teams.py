"""Use cases of the work teams: units, cadres, teams, and the members' life in the village.

Like ``Network``: each method loads through the unit of work, lets the aggregates check their
rules and returns plain data; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid4

from app.network import Network
from app.store.uow import UnitOfWork
from domain.base import Meta
from domain.cadres import (
    Cadre,
    DispatchingUnit,
    DispatchLevel,
    Rank,
    Sector,
    dispatching_unit_id,
    normalise_unit_code,
)
from domain.errors import (
    CadreNotFoundError,
    DispatchingUnitNotFoundError,
    DuplicateDispatchingUnitError,
    DuplicateIdError,
    HouseholdNotInTeamVillageError,
    LeaveRequestNotFoundError,
    NotTeamMemberError,
    TeamNotFoundError,
)
from domain.ledger.errors import SurveyProblemNotFoundError
from domain.ledger.findings import SurveyProblem
from domain.residency import LeaveRequest, LeaveStatus, MemberMonth, member_month_id, month_key
from domain.rules import DEFAULT_RULES, RuleSet
from domain.teams import LeaveHow, Team
from domain.villages import Problem, VillageProfile, village_profile_id


class Teams:
    def __init__(self, uow: UnitOfWork, network: Network, rules: RuleSet = DEFAULT_RULES) -> None:
        self.uow = uow
        self.network = network
        self.rules = rules

    # -- lookups ------------------------------------------------------------------------------

    def dispatching_unit(self, code: str, field: str = "unit") -> DispatchingUnit:
        key = normalise_unit_code(code)
        return self.uow.get(
            DispatchingUnit,
            dispatching_unit_id(key),
            lambda: DispatchingUnitNotFoundError(key, field),
        )

    def cadre(self, cid: UUID, field: str = "cadre") -> Cadre:
        return self.uow.get(Cadre, cid, lambda: CadreNotFoundError(str(cid), field))

    def team(self, tid: UUID, field: str = "team") -> Team:
        return self.uow.get(Team, tid, lambda: TeamNotFoundError(str(tid), field))

    def leave(self, lid: UUID) -> LeaveRequest:
        return self.uow.get(LeaveRequest, lid, lambda: LeaveRequestNotFoundError(str(lid)))

    def _survey_problem(self, pid: UUID) -> SurveyProblem:
        return self.uow.get(SurveyProblem, pid, lambda: SurveyProblemNotFoundError(str(pid)))

    def profile(self, village_code: str) -> VillageProfile | None:
        return self.uow.find(VillageProfile, village_profile_id(village_code))

    def month(self, cadre: Cadre, day: date, meta: Meta) -> MemberMonth:
        """The cadre's record of the month of ``day``, started by the first thing recorded."""
        key = month_key(day)
        return self.uow.find_or_add(
            MemberMonth, member_month_id(cadre.id, key), lambda: MemberMonth.start(cadre, key, meta)
        )

    def serving_team(self, cadre: Cadre, day: date) -> Team:
        """The team the cadre served on that day, checked against the team's own record."""
        tid = cadre.team_on(day)
        if tid is None:
            raise NotTeamMemberError(cadre.name, day.isoformat())
        team = self.team(tid)
        team.check_member_on(cadre, day)
        return team

    def _check_new_id(self, cls: type[Team | Cadre | LeaveRequest], given: UUID) -> None:
        if self.uow.find(cls, given) is not None:
            what = {Team: ("工作队", "team"), Cadre: ("干部", "cadre")}.get(
                cls, ("请假申请", "leave request")
            )
            raise DuplicateIdError(what[0], what[1], str(given))

    # -- dispatching units and villages ---------------------------------------------------------

    def register_dispatching_unit(
        self, code: str, name: str, level: DispatchLevel, sector: Sector, meta: Meta
    ) -> dict[str, str]:
        key = normalise_unit_code(code)
        existing = self.uow.find(DispatchingUnit, dispatching_unit_id(key))
        if existing is not None:
            raise DuplicateDispatchingUnitError(key, existing.name)
        unit = DispatchingUnit.register(key, name, level, sector, meta)
        self.uow.add(unit)
        return {"dispatching_unit": key, "id": str(unit.id)}

    def classify_village(
        self,
        village_code: str,
        problem: Problem,
        finding: str,
        meta: Meta,
        cites: Sequence[UUID] = (),
    ) -> dict[str, str]:
        """Classify (again); ``cites``: the problems found by the survey the class rests on."""
        village = self.network.unit(village_code, "village")
        found = [self._survey_problem(pid) for pid in cites]
        profile = self.profile(village_code)
        if profile is None:
            profile = VillageProfile.classify(village, problem, finding, meta)
            self.uow.add(profile)
        else:
            profile.reclassify(village, problem, finding, meta)
        if found:
            profile.cite(found, meta)
        return {"village": village_code, "class": problem.group.value}

    # -- cadres -------------------------------------------------------------------------------

    def register_cadre(
        self,
        name: str,
        unit_code: str,
        rank: Rank,
        party_member: bool,
        young: bool,
        reserve: bool,
        meta: Meta,
        cadre_id: UUID | None = None,
    ) -> dict[str, str]:
        cid = cadre_id or uuid4()
        self._check_new_id(Cadre, cid)
        unit = self.dispatching_unit(unit_code)
        cadre = Cadre.register(cid, name, unit, rank, party_member, young, reserve, meta)
        self.uow.add(cadre)
        return {"cadre": str(cid)}

    def change_cadre_rank(self, cid: UUID, rank: Rank, meta: Meta) -> dict[str, str]:
        self.cadre(cid).change_rank(rank, meta)
        return {"cadre": str(cid), "rank": rank.value}

    def cadre_joined_party(self, cid: UUID, meta: Meta) -> dict[str, str]:
        self.cadre(cid).join_party(meta)
        return {"cadre": str(cid)}

    def cadre_left_party(self, cid: UUID, meta: Meta) -> dict[str, str]:
        self.cadre(cid).leave_party(meta)
        return {"cadre": str(cid)}

    def set_cadre_flags(
        self, cid: UUID, young: bool | None, reserve: bool | None, meta: Meta
    ) -> dict[str, str]:
        self.cadre(cid).change_flags(young, reserve, meta)
        return {"cadre": str(cid)}

    # -- teams --------------------------------------------------------------------------------

    def dispatch_team(
        self, unit_code: str, village_code: str, meta: Meta, team_id: UUID | None = None
    ) -> dict[str, object]:
        tid = team_id or uuid4()
        self._check_new_id(Team, tid)
        unit = self.dispatching_unit(unit_code)
        village = self.network.unit(village_code, "village")
        profile = self.profile(village_code)
        team = Team.dispatch(
            tid, unit, village, profile.problem if profile else None, self.rules, meta
        )
        self.uow.add(team)
        return {
            "team": str(tid),
            "term_ends_on": team.term_ends_on.isoformat(),
            "flag": team.flag,
        }

    def join_team(self, tid: UUID, cid: UUID, as_leader: bool, meta: Meta) -> dict[str, str]:
        team, cadre = self.team(tid), self.cadre(cid)
        team.add_member(cadre, as_leader, self.rules, meta)
        return {"team": str(tid), "cadre": str(cid)}

    def change_team_leader(self, tid: UUID, cid: UUID, meta: Meta) -> dict[str, str]:
        self.team(tid).change_leader(self.cadre(cid), self.rules, meta)
        return {"team": str(tid), "leader": str(cid)}

    def leave_team(self, tid: UUID, cid: UUID, how: LeaveHow, meta: Meta) -> dict[str, str]:
        self.team(tid).remove_member(self.cadre(cid), how, meta)
        return {"team": str(tid), "cadre": str(cid)}

    def extend_team_term(self, tid: UUID, until: date, meta: Meta) -> dict[str, str]:
        self.team(tid).extend_term(until, meta)
        return {"team": str(tid), "term_ends_on": until.isoformat()}

    def end_team_term(self, tid: UUID, successor: UUID | None, meta: Meta) -> dict[str, object]:
        team = self.team(tid)
        village = self.network.unit(team.village_code, "team")
        next_team = self.team(successor, "successor") if successor else None
        members = team.current_members()
        team.end_term(village, next_team, [self.cadre(c) for c in members], meta)
        return {"team": str(tid), "released": [str(c) for c in members]}

    # -- residency ----------------------------------------------------------------------------

    def check_in(
        self, cid: UUID, place: str, lat: float | None, lon: float | None, meta: Meta
    ) -> dict[str, str]:
        cadre = self.cadre(cid)
        team = self.serving_team(cadre, meta.occurred_on)
        self.month(cadre, meta.occurred_on, meta).check_in(team.id, place, lat, lon, meta)
        return {"cadre": str(cid), "team": str(team.id), "day": meta.occurred_on.isoformat()}

    def request_leave(
        self, cid: UUID, first: date, last: date, meta: Meta, leave_id: UUID | None = None
    ) -> dict[str, str]:
        lid = leave_id or uuid4()
        self._check_new_id(LeaveRequest, lid)
        cadre = self.cadre(cid)
        team = self.serving_team(cadre, first)
        leave = LeaveRequest.request(lid, cadre, team.id, first, last, self.rules, meta)
        self.uow.add(leave)
        return {"leave": str(lid), "tier": leave.tier.value}

    def decide_leave(self, lid: UUID, approve: bool, meta: Meta) -> dict[str, str]:
        leave = self.leave(lid)
        if not approve:
            leave.reject(meta)
            return {"leave": str(lid), "status": LeaveStatus.REJECTED.value}
        leave.approve(meta)
        assert leave.cadre_id is not None and leave.team_id is not None
        cadre = self.cadre(leave.cadre_id)
        for _key, first, last in leave.months():
            self.month(cadre, first, meta).grant_leave(lid, leave.team_id, first, last, meta)
        return {"leave": str(lid), "status": LeaveStatus.APPROVED.value}

    def record_absence(self, cid: UUID, note: str, meta: Meta) -> dict[str, str]:
        cadre = self.cadre(cid)
        team = self.serving_team(cadre, meta.occurred_on)
        self.month(cadre, meta.occurred_on, meta).find_absent(team.id, note, meta)
        return {"cadre": str(cid), "team": str(team.id)}

    def write_diary(self, cid: UUID, text: str, meta: Meta) -> dict[str, str]:
        cadre = self.cadre(cid)
        team = self.serving_team(cadre, meta.occurred_on)
        self.month(cadre, meta.occurred_on, meta).write_diary(team.id, text, meta)
        return {"cadre": str(cid), "team": str(team.id)}

    def visit_household(self, cid: UUID, hid: UUID, note: str, meta: Meta) -> dict[str, str]:
        cadre = self.cadre(cid)
        team = self.serving_team(cadre, meta.occurred_on)
        household = self.network.household(hid)
        household.check_acting(meta.occurred_on)
        village = self.network.village_of(household)
        if village != team.village_code:
            raise HouseholdNotInTeamVillageError(household.head_name, village, team.village_code)
        self.month(cadre, meta.occurred_on, meta).visit(team.id, hid, village, note, meta)
        return {"cadre": str(cid), "household": str(hid)}
