"""What a survey found: the opinions collected (意见建议) and the problems found (突出问题),
each problem with its root cause of poverty (致贫根源) and the opinions it came from.

Each opinion and each problem is an aggregate of its own, with an id that later records cite:
a problem cites opinions, a village's class (``classify_village``) cites problems, and the
ledger's plans and measures will cite both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate
from domain.ledger.errors import (
    OpinionOfOtherVillageError,
    ProblemOfOtherVillageError,
    RootCauseUnexplainedError,
)
from domain.villages import VillageProfile
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class OpinionSource(Worded):
    """How an opinion was collected."""

    QUESTIONNAIRE = "questionnaire"  # 问卷
    SYMPOSIUM = "symposium"  # 座谈会
    HOUSEHOLD_VISIT = "household_visit"  # 入户走访
    INTERVIEW = "interview"  # 个别访谈

    __zh__: ClassVar[dict[str, str]] = {
        "questionnaire": "问卷",
        "symposium": "座谈会",
        "household_visit": "入户走访",
        "interview": "个别访谈",
    }


class OpinionCategory(Worded):
    """What an opinion is about: the four kinds of assistance measure (帮扶措施), or other."""

    COMMITTEES = "committees"  # 两委班子与党员队伍建设
    CONDITIONS = "conditions"  # 发展环境和生产生活条件
    COLLECTIVE_ECONOMY = "collective_economy"  # 集体经济
    INCOME = "income"  # 村民增收
    OTHER = "other"  # 其他

    __zh__: ClassVar[dict[str, str]] = {
        "committees": "两委班子与党员队伍建设",
        "conditions": "发展环境和生产生活条件",
        "collective_economy": "集体经济",
        "income": "村民增收",
        "other": "其他",
    }


class RootCause(Worded):
    """The root cause of poverty (致贫根源) behind a problem: a controlled list."""

    LACK_OF_FUNDS = "lack_of_funds"  # 缺资金
    LACK_OF_SKILLS = "lack_of_skills"  # 缺技术
    POOR_INFRASTRUCTURE = "poor_infrastructure"  # 基础设施薄弱
    ILLNESS = "illness"  # 因病
    DISABILITY = "disability"  # 因残
    LACK_OF_LABOUR = "lack_of_labour"  # 缺劳力
    NATURAL_CONDITIONS = "natural_conditions"  # 自然条件差
    WEAK_COLLECTIVE_ECONOMY = "weak_collective_economy"  # 集体经济薄弱
    WEAK_LEADERSHIP = "weak_leadership"  # 班子软弱
    OTHER = "other"  # 其他（写明）

    __zh__: ClassVar[dict[str, str]] = {
        "lack_of_funds": "缺资金",
        "lack_of_skills": "缺技术",
        "poor_infrastructure": "基础设施薄弱",
        "illness": "因病",
        "disability": "因残",
        "lack_of_labour": "缺劳力",
        "natural_conditions": "自然条件差",
        "weak_collective_economy": "集体经济薄弱",
        "weak_leadership": "班子软弱涣散",
        "other": "其他",
    }


class Opinion(NetworkAggregate):
    """One opinion or suggestion collected in a village during its survey."""

    def __init__(self) -> None:
        self.village_code = ""

    class Collected(NetworkAggregate.Created):
        village_code: str
        text: str
        source: str
        category: str

        def apply(self, o: Opinion) -> None:
            o.village_code = self.village_code

    @classmethod
    def collect(
        cls,
        opinion_id: UUID,
        village: Unit,
        text: str,
        source: OpinionSource,
        category: OpinionCategory,
        meta: Meta,
    ) -> Opinion:
        VillageProfile.check_village(village, meta.occurred_on)
        return cls._create(
            cls.Collected,
            id=opinion_id,
            village_code=village.code,
            text=text,
            source=source.value,
            category=category.value,
            **meta.event_kwargs(),
        )

    def check_of_village(self, village_code: str) -> None:
        """A problem cites the opinions of its own village only."""
        if self.village_code != village_code:
            raise OpinionOfOtherVillageError(str(self.id), village_code, self.village_code)


class SurveyProblem(NetworkAggregate):
    """A prominent problem a survey found in a village, with its root cause of poverty."""

    def __init__(self) -> None:
        self.village_code = ""

    class Found(NetworkAggregate.Created):
        village_code: str
        description: str
        root_cause: str
        root_cause_text: str
        opinion_ids: list[str]  # hex ids, in the order given

        def apply(self, p: SurveyProblem) -> None:
            p.village_code = self.village_code

    @classmethod
    def find(
        cls,
        problem_id: UUID,
        village: Unit,
        description: str,
        root_cause: RootCause,
        root_cause_text: str,
        opinions: Sequence[Opinion],
        meta: Meta,
    ) -> SurveyProblem:
        VillageProfile.check_village(village, meta.occurred_on)
        if root_cause is RootCause.OTHER and not root_cause_text:
            raise RootCauseUnexplainedError()
        for o in opinions:
            o.check_of_village(village.code)
        return cls._create(
            cls.Found,
            id=problem_id,
            village_code=village.code,
            description=description,
            root_cause=root_cause.value,
            root_cause_text=root_cause_text,
            opinion_ids=[o.id.hex for o in opinions],
            **meta.event_kwargs(),
        )

    def check_of_village(self, village_code: str) -> None:
        """A village's class cites the problems found in that village only."""
        if self.village_code != village_code:
            raise ProblemOfOtherVillageError(str(self.id), village_code, self.village_code)
