"""Duties and the 六有 goals of a village.

A team has four duties (``Duty``); a poor village aims at the six haves (``SixHave``, 六有),
each falling under one duty (``SixHave.duty``), so the ledger shows the goals under the
duties as headings. Each of a village's six goals is an aggregate of its own
(``SixHaveGoal``, its id derived from the village and the item): its target, set and revised;
the evidence for it, a document (title, kind, date) with its file cited by SHA-256 (the bytes
are kept write-once outside the log, ADR 025); and its status (not started / under way /
met) judged by a named official of a unit over the village on a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id
from domain.ledger.errors import (
    DatedBeforeGoalSetError,
    DocumentDatedAfterEvidenceError,
    EvidenceAlreadyCitedError,
    EvidenceWithoutDocumentError,
    EvidenceWithoutFileError,
    JudgeNotOverVillageError,
    MetWithoutEvidenceError,
    StatusWithoutJudgeError,
    VillageNotPoorError,
)
from domain.teams import is_poor_on
from domain.villages import VillageProfile
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class Duty(StrEnum):
    """The four duties of a work team (工作队职责)."""

    LEADERSHIP = "leadership"  # 抓好班子、建好队伍
    DEVELOPMENT = "development"  # 谋好思路、富民强村
    RULES = "rules"  # 建章立制、规范管理
    SERVICE = "service"  # 服务群众、促进和谐

    @property
    def zh(self) -> str:
        return DUTY_WORDS[self][0]

    @property
    def en(self) -> str:
        return DUTY_WORDS[self][1]


DUTY_WORDS = {
    Duty.LEADERSHIP: ("抓好班子、建好队伍", "build the leadership and the team"),
    Duty.DEVELOPMENT: ("谋好思路、富民强村", "plan development and enrich the village"),
    Duty.RULES: ("建章立制、规范管理", "set rules and standardise management"),
    Duty.SERVICE: ("服务群众、促进和谐", "serve the people and keep harmony"),
}


class SixHave(StrEnum):
    """The six haves (六有) a poor village aims at."""

    LEADERSHIP_TEAM = "leadership_team"  # 坚强有力的领导班子
    BACKBONE_TEAM = "backbone_team"  # 本领过硬的骨干队伍
    SERVICE_VENUE = "service_venue"  # 功能实用的服务场所
    SERVICE_CARRIERS = "service_carriers"  # 形式多样的服务载体
    RULES_AND_MECHANISMS = "rules_and_mechanisms"  # 健全完善的制度机制
    SERVICE_RESULTS = "service_results"  # 群众满意的服务业绩

    @property
    def zh(self) -> str:
        return SIX_HAVE_WORDS[self][0]

    @property
    def en(self) -> str:
        return SIX_HAVE_WORDS[self][1]

    @property
    def duty(self) -> Duty:
        return SIX_HAVE_WORDS[self][2]


# Each item under the duty whose work brings it about; every duty heads at least one.
SIX_HAVE_WORDS = {
    SixHave.LEADERSHIP_TEAM: ("坚强有力的领导班子", "a strong leadership team", Duty.LEADERSHIP),
    SixHave.BACKBONE_TEAM: ("本领过硬的骨干队伍", "a capable backbone team", Duty.LEADERSHIP),
    SixHave.SERVICE_RESULTS: (
        "群众满意的服务业绩",
        "service results villagers are satisfied with",
        Duty.DEVELOPMENT,
    ),
    SixHave.RULES_AND_MECHANISMS: (
        "健全完善的制度机制",
        "sound rules and mechanisms",
        Duty.RULES,
    ),
    SixHave.SERVICE_VENUE: ("功能实用的服务场所", "a functional service venue", Duty.SERVICE),
    SixHave.SERVICE_CARRIERS: ("形式多样的服务载体", "diverse service carriers", Duty.SERVICE),
}


class GoalStatus(Worded):
    NOT_STARTED = "not_started"  # 未开始
    UNDER_WAY = "under_way"  # 推进中
    MET = "met"  # 已达到

    __zh__: ClassVar[dict[str, str]] = {
        "not_started": "未开始",
        "under_way": "推进中",
        "met": "已达到",
    }


class EvidenceKind(Worded):
    """What kind of document a piece of evidence is."""

    MINUTES = "minutes"  # 会议记录
    RULES = "rules"  # 制度文件
    ROSTER = "roster"  # 名册、台账
    PHOTO = "photo"  # 照片
    REPORT = "report"  # 总结、报告
    APPROVAL = "approval"  # 批复、证书
    OTHER = "other"  # 其他

    __zh__: ClassVar[dict[str, str]] = {
        "minutes": "会议记录",
        "rules": "制度文件",
        "roster": "名册台账",
        "photo": "照片",
        "report": "总结报告",
        "approval": "批复证书",
        "other": "其他",
    }


@dataclass(frozen=True)
class EvidenceFile:
    """A stored file as an event cites it: the bytes are kept apart, by their SHA-256."""

    sha256: str  # 64 lower-case hex digits
    size: int  # bytes, as stored
    media_type: str
    name: str


@dataclass(frozen=True)
class Document:
    """The document a piece of evidence is: its title, kind and date (each required, and
    refused by name when left out: ``EvidenceWithoutDocumentError``)."""

    title: str
    kind: EvidenceKind | None
    dated: date | None

    def check(self) -> tuple[str, EvidenceKind, date]:
        if not self.title:
            raise EvidenceWithoutDocumentError("title")
        if self.kind is None:
            raise EvidenceWithoutDocumentError("kind")
        if self.dated is None:
            raise EvidenceWithoutDocumentError("dated")
        return self.title, self.kind, self.dated


def six_have_goal_id(village_code: str, goal: SixHave) -> UUID:
    return derived_id("six-have-goal", f"{village_code}/{goal.value}")


class SixHaveGoal(NetworkAggregate):
    """One of the six haves of one village: its target, evidence and judged status."""

    def __init__(self) -> None:
        self.village_code = ""
        self.goal = SixHave.LEADERSHIP_TEAM
        self.set_on = date.min
        self.revision = 0
        self.files: set[str] = set()
        self.first_evidence_on: date | None = None

    class TargetSet(NetworkAggregate.Created):
        village_code: str
        goal: str
        duty: str
        target: str

        def apply(self, g: SixHaveGoal) -> None:
            g.village_code = self.village_code
            g.goal = SixHave(self.goal)
            g.set_on = self.day
            g.revision = 1

    class TargetRevised(NetworkAggregate.Event):
        revision: int
        target: str

        def apply(self, g: SixHaveGoal) -> None:
            g.revision = self.revision

    class EvidenceAdded(NetworkAggregate.Event):
        title: str
        kind: str
        dated: str
        file_sha256: str
        file_size: int
        media_type: str
        file_name: str

        def apply(self, g: SixHaveGoal) -> None:
            g.files.add(self.file_sha256)
            day = self.day
            if g.first_evidence_on is None or day < g.first_evidence_on:
                g.first_evidence_on = day

    class StatusJudged(NetworkAggregate.Event):
        status: str
        judged_by: str
        judge_unit: str
        note: str

        def apply(self, g: SixHaveGoal) -> None:
            pass

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def set_target(cls, village: Unit, goal: SixHave, target: str, meta: Meta) -> SixHaveGoal:
        """The first target of the village's goal: the village is poor that day."""
        VillageProfile.check_village(village, meta.occurred_on)
        if not is_poor_on(village, meta.occurred_on):
            raise VillageNotPoorError(village.code, meta.occurred_on.isoformat())
        return cls._create(
            cls.TargetSet,
            id=six_have_goal_id(village.code, goal),
            village_code=village.code,
            goal=goal.value,
            duty=goal.duty.value,
            target=target,
            **meta.event_kwargs(),
        )

    def _check_dated(self, what_zh: str, what_en: str, meta: Meta) -> None:
        if meta.occurred_on < self.set_on:
            raise DatedBeforeGoalSetError(
                what_zh, what_en, meta.occurred_on.isoformat(), self.set_on.isoformat()
            )

    def revise_target(self, target: str, meta: Meta) -> int:
        self._check_dated("目标修订", "a revision of the target", meta)
        self.trigger_event(
            self.TargetRevised, revision=self.revision + 1, target=target, **meta.event_kwargs()
        )
        return self.revision

    def add_evidence(self, document: Document, file: EvidenceFile | None, meta: Meta) -> None:
        """Evidence is a document and its file. ``file``: found in the store by the caller
        (None: the line named none)."""
        title, kind, dated = document.check()
        if file is None:
            raise EvidenceWithoutFileError()
        self._check_dated("证据", "evidence", meta)
        if dated > meta.occurred_on:
            raise DocumentDatedAfterEvidenceError(dated.isoformat(), meta.occurred_on.isoformat())
        if file.sha256 in self.files:
            raise EvidenceAlreadyCitedError(file.sha256, self.goal.zh, self.goal.value)
        self.trigger_event(
            self.EvidenceAdded,
            title=title,
            kind=kind.value,
            dated=dated.isoformat(),
            file_sha256=file.sha256,
            file_size=file.size,
            media_type=file.media_type,
            file_name=file.name,
            **meta.event_kwargs(),
        )

    def judge(
        self,
        status: GoalStatus,
        judged_by: str,
        judge_unit: Unit,
        above: Sequence[str],
        note: str,
        meta: Meta,
    ) -> None:
        """``above``: the codes of the units above the village, nearest first."""
        if not judged_by:
            raise StatusWithoutJudgeError()
        if judge_unit.code not in above:
            raise JudgeNotOverVillageError(judge_unit.code, self.village_code)
        self._check_dated("评定", "a judgement", meta)
        if status is GoalStatus.MET and (
            self.first_evidence_on is None or self.first_evidence_on > meta.occurred_on
        ):
            raise MetWithoutEvidenceError(
                self.goal.zh, self.goal.value, meta.occurred_on.isoformat()
            )
        self.trigger_event(
            self.StatusJudged,
            status=status.value,
            judged_by=judged_by,
            judge_unit=judge_unit.code,
            note=note,
            **meta.event_kwargs(),
        )
