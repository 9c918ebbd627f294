"""The survey of a village (摸底排查): its registration form (本溪市贫困村简要情况登记表) and its
activities — questionnaires and statistics tables, symposiums, individual interviews.

One ``VillageSurvey`` per village (its id derived from the village code, like
``VillageProfile``), started by the first thing recorded of the survey. The opinions collected
and the problems found are aggregates of their own (``domain/ledger/findings.py``), since
other records cite them by id. Household visits are the teams' own (``MemberMonth.visit``).

Each activity (tables counted, a symposium, an interview) is known by its number: the
version of its event in the village's survey (ADR 034). A wrong one is withdrawn by that
number (``ActivityWithdrawn``): as known from then on it never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id
from domain.ledger.errors import (
    InvalidSurveyPeriodError,
    ReturnedMoreThanHandedOutError,
    SurveyActivityNotFoundError,
    SurveyActivityWithdrawnError,
    SymposiumWithoutParticipantsError,
)
from domain.villages import VillageProfile
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class CommitteeAssessment(Worded):
    """How the survey judged the two committees (村"两委"班子)."""

    STRONG = "strong"  # 好
    AVERAGE = "average"  # 一般
    WEAK_AND_LAX = "weak_and_lax"  # 软弱涣散

    __zh__: ClassVar[dict[str, str]] = {
        "strong": "好",
        "average": "一般",
        "weak_and_lax": "软弱涣散",
    }


class TableKind(StrEnum):
    QUESTIONNAIRE = "questionnaire"  # 调查问卷
    STATISTICS_TABLE = "statistics_table"  # 统计表

    @property
    def zh(self) -> str:
        return "调查问卷" if self is TableKind.QUESTIONNAIRE else "统计表"

    @property
    def en(self) -> str:
        return "questionnaires" if self is TableKind.QUESTIONNAIRE else "statistics tables"


class SurveyActivityKind(Worded):
    """The survey's activities, each known by its number and withdrawn when wrong."""

    TABLES = "tables"  # 问卷、统计表
    SYMPOSIUM = "symposium"  # 座谈会
    INTERVIEW = "interview"  # 个别访谈

    __zh__: ClassVar[dict[str, str]] = {
        "tables": "问卷、统计表",
        "symposium": "座谈会",
        "interview": "个别访谈",
    }

    @property
    def en(self) -> str:
        return {"tables": "tables counted", "symposium": "symposium", "interview": "interview"}[
            self.value
        ]


class ParticipantCategory(StrEnum):
    """Who takes part in a symposium (座谈会), by category."""

    TOWNSHIP_LEADERS = "township_leaders"  # 乡镇领导
    COMMITTEE_MEMBERS = "committee_members"  # 两委成员
    PARTY_MEMBERS = "party_members"  # 党员
    VILLAGER_REPRESENTATIVES = "villager_representatives"  # 村民代表


class IntervieweeCategory(Worded):
    """Who was interviewed (个别访谈)."""

    COMMITTEE_MEMBER = "committee_member"  # 两委成员
    PARTY_MEMBER = "party_member"  # 党员
    VILLAGER_REPRESENTATIVE = "villager_representative"  # 村民代表
    POOR_HOUSEHOLD = "poor_household"  # 贫困户
    VILLAGER = "villager"  # 村民
    OTHER = "other"  # 其他（老干部、致富能人……）

    __zh__: ClassVar[dict[str, str]] = {
        "committee_member": "两委成员",
        "party_member": "党员",
        "villager_representative": "村民代表",
        "poor_household": "贫困户",
        "villager": "村民",
        "other": "其他",
    }


@dataclass(frozen=True)
class RegistrationForm:
    """The brief registration form of a poor village; money in whole fen (ADR 023)."""

    committee_size: int
    secretary: str  # empty: the post is vacant
    assessment: CommitteeAssessment
    collective_income_fen: int
    collective_assets_fen: int
    collective_debts_fen: int
    per_capita_income_fen: int
    main_problems: str


def village_survey_id(village_code: str) -> UUID:
    return derived_id("village-survey", village_code)


class VillageSurvey(NetworkAggregate):
    """A village's survey: the revisions of its form and what each activity counted."""

    def __init__(self) -> None:
        self.village_code = ""
        self.revisions = 0
        self.form: RegistrationForm | None = None
        self.activities: dict[int, SurveyActivityKind] = {}  # by number (event version)
        self.withdrawn: set[int] = set()

    class Started(NetworkAggregate.CreatedSetsFields):
        village_code: str

    class FormRegistered(NetworkAggregate.Event):
        """A revision of the form: the form as of a day is its latest revision by then."""

        revision: int
        committee_size: int
        secretary: str
        assessment: str
        collective_income_fen: int
        collective_assets_fen: int
        collective_debts_fen: int
        per_capita_income_fen: int
        main_problems: str

        def apply(self, s: VillageSurvey) -> None:
            s.revisions = self.revision
            s.form = RegistrationForm(
                self.committee_size,
                self.secretary,
                CommitteeAssessment(self.assessment),
                self.collective_income_fen,
                self.collective_assets_fen,
                self.collective_debts_fen,
                self.per_capita_income_fen,
                self.main_problems,
            )

    class PeriodSet(NetworkAggregate.Event):
        first_day: str
        last_day: str

        def apply(self, s: VillageSurvey) -> None:
            pass

    class Activity(NetworkAggregate.Event):
        """An activity of the survey, known from now on by its number (the event's version)."""

        counted_as: ClassVar[SurveyActivityKind]

        def apply(self, s: VillageSurvey) -> None:
            s.activities[self.originator_version] = self.counted_as

    class TablesRecorded(Activity):
        counted_as = SurveyActivityKind.TABLES
        kind: str
        handed_out: int
        returned: int

    class SymposiumHeld(Activity):
        counted_as = SurveyActivityKind.SYMPOSIUM
        township_leaders: int
        committee_members: int
        party_members: int
        villager_representatives: int
        collective_consultation: bool
        topic: str

    class InterviewHeld(Activity):
        counted_as = SurveyActivityKind.INTERVIEW
        interviewee: str
        interviewee_category: str
        interviewer: str
        note: str

    class ActivityWithdrawn(NetworkAggregate.Event):
        """Activity number ``activity`` was wrong: as known from this event on, it counts on
        no day; as known before, it still does."""

        activity: int
        activity_kind: str
        note: str

        def apply(self, s: VillageSurvey) -> None:
            s.withdrawn.add(self.activity)

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def start(cls, village: Unit, meta: Meta) -> VillageSurvey:
        VillageProfile.check_village(village, meta.occurred_on)
        return cls._create(
            cls.Started,
            id=village_survey_id(village.code),
            village_code=village.code,
            **meta.event_kwargs(),
        )

    def register_form(self, village: Unit, form: RegistrationForm, meta: Meta) -> int:
        VillageProfile.check_village(village, meta.occurred_on)
        revision = self.revisions + 1
        self.trigger_event(
            self.FormRegistered,
            revision=revision,
            committee_size=form.committee_size,
            secretary=form.secretary,
            assessment=form.assessment.value,
            collective_income_fen=form.collective_income_fen,
            collective_assets_fen=form.collective_assets_fen,
            collective_debts_fen=form.collective_debts_fen,
            per_capita_income_fen=form.per_capita_income_fen,
            main_problems=form.main_problems,
            **meta.event_kwargs(),
        )
        return revision

    def set_period(self, village: Unit, first: date, last: date, meta: Meta) -> None:
        VillageProfile.check_village(village, meta.occurred_on)
        if last < first:
            raise InvalidSurveyPeriodError(first.isoformat(), last.isoformat())
        village.check_acting(first, field="first_day")
        self.trigger_event(
            self.PeriodSet,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            **meta.event_kwargs(),
        )

    def record_tables(
        self, village: Unit, kind: TableKind, handed_out: int, returned: int, meta: Meta
    ) -> None:
        VillageProfile.check_village(village, meta.occurred_on)
        if returned > handed_out:
            raise ReturnedMoreThanHandedOutError(returned, handed_out, kind.zh, kind.en)
        self.trigger_event(
            self.TablesRecorded,
            kind=kind.value,
            handed_out=handed_out,
            returned=returned,
            **meta.event_kwargs(),
        )

    def hold_symposium(
        self,
        village: Unit,
        participants: dict[ParticipantCategory, int],
        collective_consultation: bool,
        topic: str,
        meta: Meta,
    ) -> None:
        VillageProfile.check_village(village, meta.occurred_on)
        if sum(participants.values()) == 0:
            raise SymposiumWithoutParticipantsError()
        self.trigger_event(
            self.SymposiumHeld,
            **{c.value: participants.get(c, 0) for c in ParticipantCategory},
            collective_consultation=collective_consultation,
            topic=topic,
            **meta.event_kwargs(),
        )

    def hold_interview(
        self,
        village: Unit,
        interviewee: str,
        category: IntervieweeCategory,
        interviewer: str,
        note: str,
        meta: Meta,
    ) -> None:
        VillageProfile.check_village(village, meta.occurred_on)
        self.trigger_event(
            self.InterviewHeld,
            interviewee=interviewee,
            interviewee_category=category.value,
            interviewer=interviewer,
            note=note,
            **meta.event_kwargs(),
        )

    def withdraw_activity(
        self, village: Unit, activity: int, note: str, meta: Meta
    ) -> SurveyActivityKind:
        """Withdraw activity number ``activity`` of this survey; its kind."""
        VillageProfile.check_village(village, meta.occurred_on)
        kind = self.activities.get(activity)
        if kind is None:
            raise SurveyActivityNotFoundError(activity, self.village_code)
        if activity in self.withdrawn:
            raise SurveyActivityWithdrawnError(activity, self.village_code, kind.zh, kind.en)
        self.trigger_event(
            self.ActivityWithdrawn,
            activity=activity,
            activity_kind=kind.value,
            note=note,
            **meta.event_kwargs(),
        )
        return kind
