"""Villages classified by their main problem (分类实施), with the finding behind the class."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id, written
from domain.cadres import Sector, SectorGroup
from domain.errors import NotAVillageError
from domain.levels import Level
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class Problem(Worded):
    """A village's main problem, found by the survey (摸底排查)."""

    WEAK_COMMITTEES = "weak_committees"  # 两委软弱涣散
    CHAOTIC_AFFAIRS = "chaotic_affairs"  # 党务村务混乱
    MANY_DISPUTES = "many_disputes"  # 矛盾纠纷多
    LAGGING_DEVELOPMENT = "lagging_development"  # 经济发展滞后

    __zh__: ClassVar[dict[str, str]] = {
        "weak_committees": "两委软弱涣散",
        "chaotic_affairs": "党务村务混乱",
        "many_disputes": "矛盾纠纷多",
        "lagging_development": "经济发展滞后",
    }

    @property
    def group(self) -> SectorGroup:
        if self is Problem.LAGGING_DEVELOPMENT:
            return SectorGroup.ECONOMY
        return SectorGroup.GOVERNANCE


class CitedProblem(Protocol):
    """A problem a survey found (``domain/ledger/findings.py``), as a class cites it."""

    @property
    def id(self) -> UUID: ...

    def check_of_village(self, village_code: str) -> None: ...


def village_profile_id(village_code: str) -> UUID:
    return derived_id("village-profile", village_code)


class VillageProfile(NetworkAggregate):
    """What the survey found in a village. Kept apart from ``Unit`` (see ADR 006)."""

    def __init__(self) -> None:
        self.village_code = ""
        self.problem = Problem.LAGGING_DEVELOPMENT
        self.finding = ""

    class Classified(NetworkAggregate.Created):
        village_code: str
        problem: str
        group: str
        finding: str

        def apply(self, p: VillageProfile) -> None:
            self.copy_to(p, "village_code", "finding")
            p.problem = Problem(self.problem)

    class Reclassified(NetworkAggregate.Event):
        problem: str
        group: str
        finding: str
        previous_problem: str

        def apply(self, p: VillageProfile) -> None:
            p.problem = Problem(self.problem)
            p.finding = self.finding

    class ProblemsCited(NetworkAggregate.Event):
        """The class just given rests on these problems found by the survey (hex ids).

        An event of its own beside ``Classified`` / ``Reclassified``, so that the lines
        and events written before classes cited problems stay as they were (ADR 023)."""

        problems: list[str]

        def apply(self, p: VillageProfile) -> None:
            pass

    @staticmethod
    def check_village(village: Unit, day: date) -> None:
        if village.level is not Level.VILLAGE:
            raise NotAVillageError(village.code, village.level.zh, village.level.value, "village")
        village.check_acting(day, field="village")

    @classmethod
    def classify(cls, village: Unit, problem: Problem, finding: str, meta: Meta) -> VillageProfile:
        cls.check_village(village, meta.occurred_on)
        return cls._create(
            cls.Classified,
            id=village_profile_id(village.code),
            village_code=village.code,
            problem=problem.value,
            group=problem.group.value,
            finding=_finding(finding),
            **meta.event_kwargs(),
        )

    def reclassify(self, village: Unit, problem: Problem, finding: str, meta: Meta) -> None:
        self.check_village(village, meta.occurred_on)
        self.trigger_event(
            self.Reclassified,
            problem=problem.value,
            group=problem.group.value,
            finding=_finding(finding),
            previous_problem=self.problem.value,
            **meta.event_kwargs(),
        )

    def cite(self, problems: Sequence[CitedProblem], meta: Meta) -> None:
        """Say which problems the class rests on: each one found in this village."""
        for problem in problems:
            problem.check_of_village(self.village_code)
        self.trigger_event(
            self.ProblemsCited, problems=[p.id.hex for p in problems], **meta.event_kwargs()
        )


def _finding(text: str) -> str:
    return written(text, "finding", "请写明分类的依据", "give the finding behind the class")


def sector_fit(sector: Sector, problem: Problem | None) -> tuple[str | None, str, str]:
    """A flag code (None when the unit fits the village) and the reason in zh and en."""
    if problem is None:
        return (
            "village_unclassified",
            "所驻村尚未分类，无法判断派出单位是否对口",
            "the village has not been classified, so the unit's fit cannot be judged",
        )
    if sector.group is problem.group:
        return None, "", ""
    return (
        "sector_mismatch",
        f"{sector.zh}（{sector.group.zh}）单位派驻{problem.group.zh}村，不对口",
        f"a {sector} unit ({sector.group} sector) sent to a {problem.group} village does not fit",
    )
