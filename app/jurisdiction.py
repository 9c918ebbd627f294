"""Who may send which command, and on what: the one check every write path goes through.

A command sent for an account (the web's forms, the API's commands; imports later) carries the
account's ``Reach``. Before the command runs, its role must be one the command allows
(``COMMAND_ROLES``); then every code and id it names is shown here *after* the command has
read and normalised it (app/args.py), so the value checked is the value used. What it names
must lie in the account's subtree (a team member: its own team), found on the aggregates the
command itself will load, not on a read model that may lag. What does not exist is left for
the command to refuse; what exists outside the reach is refused as "not in your jurisdiction",
naming nothing of it. A command that names nothing placed (a new dispatching unit, a cadre not
yet on a team) is for city-level accounts only.

``zhucun apply`` on the command line runs without a reach: its operator has the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app.store.uow import UnitOfWork
from domain.account_errors import NotInJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.assessments.evaluations import TeamEvaluation
from domain.assessments.runs import AssessmentRun
from domain.base import NetworkAggregate
from domain.cadres import Cadre
from domain.corrections import Correction
from domain.households import Household
from domain.ledger.findings import Opinion, SurveyProblem
from domain.ledger.funds import FundAccount
from domain.ledger.goals import SixHaveGoal
from domain.ledger.letters import ResponsibilityLetter
from domain.ledger.measures import Measure
from domain.ledger.plans import VillagePlan
from domain.ledger.survey import VillageSurvey
from domain.party import CentralHousehold, PartyMember
from domain.residency import LeaveRequest, MemberMonth
from domain.sites import Site
from domain.teams import Team
from domain.units import Unit, unit_id

NETWORK = frozenset({Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER})
TEAM_ADMIN = frozenset({Role.CITY_ADMIN, Role.COUNTY_ADMIN})
CITY = frozenset({Role.CITY_ADMIN})
TEAM_WORK = frozenset({Role.TEAM_MEMBER})
INSPECTORS = frozenset({Role.INSPECTOR})
# The survey of a village: its team's members, and township officers and above.
SURVEY = NETWORK | TEAM_WORK

# The roles that may send each command for an account. Auditors only read.
COMMAND_ROLES: dict[str, frozenset[Role]] = {
    **dict.fromkeys(
        (
            "open_unit",
            "rename_unit",
            "move_unit",
            "merge_unit",
            "close_unit",
            "declare_poor_village",
            "exit_poverty",
            "register_household",
            "move_household",
            "household_left",
            "link_household",
            "unlink_household",
            "party_member_joined",
            "party_member_transferred_out",
            "party_member_died",
            "designate_central_household",
            "change_central_party_member",
            "end_central_household",
            "open_site",
            "assign_site_responsible",
            "close_site",
            "approve_leave",
            "reject_leave",
        ),
        NETWORK,
    ),
    **dict.fromkeys(
        (
            "classify_village",
            "change_cadre_rank",
            "cadre_joined_party",
            "cadre_left_party",
            "set_cadre_flags",
            "dispatch_team",
            "join_team",
            "change_team_leader",
            "leave_team",
            "extend_team_term",
            "end_team_term",
        ),
        TEAM_ADMIN,
    ),
    **dict.fromkeys(("register_dispatching_unit", "register_cadre", "record_correction"), CITY),
    **dict.fromkeys(("check_in", "request_leave", "write_diary", "visit_household"), TEAM_WORK),
    "record_absence": INSPECTORS,
    "record_spot_check": INSPECTORS,
    **dict.fromkeys(
        (
            "register_village_form",
            "set_survey_period",
            "record_survey_tables",
            "hold_symposium",
            "hold_interview",
            "collect_opinion",
            "record_survey_problem",
            "draft_plan",
            "revise_plan",
            "plan_measure",
            "set_measure_status",
            "note_measure_progress",
            "set_six_have_goal",
            "add_six_have_evidence",
        ),
        SURVEY,
    ),
    # A survey activity recorded in error is withdrawn by officers of the network, as a fund
    # entry is reversed: what the city's figures count is not the team's own to take back.
    "withdraw_survey_activity": NETWORK,
    # A plan is approved by an official of the village's township or county; a responsibility
    # letter is recorded by officers of the network, not by the team itself.
    **dict.fromkeys(("approve_plan", "sign_responsibility_letter"), NETWORK),
    # Assessments: the organisation department and the poverty office (city and county
    # admins) adopt rule sets (the city's) and publish runs; a team submits its own report;
    # officers of the network record the village meeting's votes.
    "adopt_assessment_rules": CITY,
    "publish_assessment_run": TEAM_ADMIN,
    # ... and decide what a published run proposes, within the run's unit.
    "decide_assessment_proposal": TEAM_ADMIN,
    "submit_written_report": TEAM_WORK | TEAM_ADMIN,
    "record_evaluation": NETWORK,
    # A 六有 goal's status is judged by an official over the village, never by its team.
    "judge_six_have_goal": NETWORK,
    # Funds: the team records what its village spent; what it may spend (an allocation) and
    # the reversal of an entry are recorded by officers of the network.
    "record_expenditure": SURVEY,
    **dict.fromkeys(("allocate_funds", "reverse_fund_entry"), NETWORK),
    # A gap of the work list is assigned for rectification by officers of the network.
    "assign_rectification": NETWORK,
}

# The arguments that name something recorded. Codes name units; ids name aggregates of any
# kind (``id`` is the id a new record asks for: if it names one already, that one counts).
UNIT_CODES = frozenset({"code", "unit", "parent", "into", "group", "village", "approver_unit"})
IDS = frozenset(
    {
        "id",
        "household",
        "central_household",
        "party_member",
        "team",
        "successor",
        "cadre",
        "leave",
        "opinions",
        "problems",
        "plan",
        "measure",
        "letter",
        "run",
    }
)


@dataclass(frozen=True)
class Reach:
    """Where an account may act: its unit and all below it; a team member, its own team."""

    role: Role
    unit_code: str
    team_id: UUID | None = None
    city_level: bool = False  # bound to the top of the tree: may name unplaced records


def check_role(reach: Reach, command: str, what_zh: str, what_en: str) -> None:
    if reach.role not in COMMAND_ROLES.get(command, frozenset()):
        raise RoleNotAllowedError(reach.role.zh, what_zh, what_en)


@dataclass(frozen=True)
class _Unit:
    code: str


@dataclass(frozen=True)
class _Team:
    team_id: UUID
    village: str


Place = _Unit | _Team | None  # None: not placed (a dispatching unit, a cadre not on a team)


class JurisdictionCheck:
    """Checks the references of one command, for one account, on one unit of work."""

    def __init__(self, reach: Reach, uow: UnitOfWork) -> None:
        self.reach = reach
        self.uow = uow
        self.placed = False  # the command named something placed, inside the reach

    def __call__(self, name: str, value: Any) -> None:
        if name in UNIT_CODES and isinstance(value, str):
            unit = self.uow.find(Unit, unit_id(value))
            if unit is not None:
                self._require(_Unit(unit.code), name)
        elif name in IDS and isinstance(value, UUID):
            found = self.uow.find(NetworkAggregate, value)
            if found is not None:
                self._require(self._place(found), name)
        elif name == "position" and isinstance(value, int):
            logged = self.uow.store.read_log(value - 1, 1) if value >= 1 else []
            if logged and logged[0].position == value:
                subject = self.uow.find(NetworkAggregate, logged[0].event.originator_id)
                self._require(self._place(subject) if subject else None, name)

    def finish(self) -> None:
        """After the command: one that named nothing placed is for city-level accounts."""
        if not self.placed and not self.reach.city_level:
            raise NotInJurisdictionError("unit")

    # -- where a record lies --------------------------------------------------------------

    def _place(self, agg: NetworkAggregate) -> Place:
        if isinstance(agg, Unit):
            return _Unit(agg.code)
        if isinstance(agg, Site):
            return _Unit(agg.unit_code)
        if isinstance(agg, Household):
            return _Unit(agg.group_code)
        if isinstance(
            agg,
            PartyMember
            | CentralHousehold
            | VillageSurvey
            | Opinion
            | SurveyProblem
            | VillagePlan
            | Measure
            | ResponsibilityLetter
            | SixHaveGoal
            | FundAccount,
        ):
            return _Unit(agg.village_code)
        if isinstance(agg, Team):
            return _Team(agg.id, agg.village_code)
        if isinstance(agg, AssessmentRun):
            return _Unit(agg.unit_code)
        if isinstance(agg, TeamEvaluation) and agg.team_id is not None:
            return self._team_place(agg.team_id)
        if isinstance(agg, LeaveRequest) and agg.team_id is not None:
            return self._team_place(agg.team_id)
        if isinstance(agg, Cadre) and agg.stints:
            return self._team_place(agg.stints[-1].team_id)
        if isinstance(agg, MemberMonth) and agg.cadre_id is not None:
            cadre = self.uow.find(Cadre, agg.cadre_id)
            return self._place(cadre) if cadre is not None else None
        if isinstance(agg, Correction) and agg.subject_id is not None:
            subject = self.uow.find(NetworkAggregate, agg.subject_id)
            return self._place(subject) if subject is not None else None
        return None

    def _team_place(self, team_id: UUID) -> Place:
        team = self.uow.find(Team, team_id)
        return _Team(team.id, team.village_code) if team is not None else None

    def _require(self, place: Place, name: str) -> None:
        if place is None:
            if not self.reach.city_level:
                raise NotInJurisdictionError(name)
            return
        if not self._covers(place):
            raise NotInJurisdictionError(name)
        self.placed = True

    def _covers(self, place: _Unit | _Team) -> bool:
        if isinstance(place, _Team):
            if self.reach.role is Role.TEAM_MEMBER:
                return place.team_id == self.reach.team_id
            return self._under_reach(place.village)
        return self._under_reach(place.code)

    def _under_reach(self, code: str) -> bool:
        """Is the unit ``code``, or one of the units above it, the account's unit? Walked on
        the units' own records, so a unit moved or opened in this very batch counts."""
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            if current == self.reach.unit_code:
                return True
            seen.add(current)
            unit = self.uow.find(Unit, unit_id(current))
            current = unit.parent_code if unit is not None else None
        return False
