"""The description of the work pages' reads (web/api_work.py), generated as the other reads'
are (web/openapi_reads.py): a msgspec Struct per answer and one ``Read`` per path."""

from __future__ import annotations

from typing import Any

import msgspec

from app.gaps import ACTOR_MAX, ALL_GAPS, RECTIFICATION_STATES
from domain.assessments.rules import INPUTS
from domain.ledger.plans import MeasureCategory
from web.api_models import Freshness
from web.openapi_reads import (
    CODE_SCHEMA,
    DAY_SCHEMA,
    FLAG,
    ID_SCHEMA,
    MONTH,
    GapSubject,
    HistoryPage,
    HistoryRow,
    Json,
    NamedUnitPage,
    Page,
    Read,
    UnitPage,
    VillageLine,
    _query,
)


class WorkListRow(msgspec.Struct):
    """工作清单的一项 / a gap of the work list (with ``cause`` and its ``rectification``), or,
    with ``rect=closed``, a rectification whose gap has closed"""

    type: str
    unit: str
    unit_name: str
    subject: GapSubject
    since: str


class WorkListPage(UnitPage, kw_only=True):
    """盲点工作清单 / the blind spots' work list: how many match, how many of each type, how
    many in each state of rectification"""

    total: int
    counts: dict[str, int]
    rect_counts: dict[str, int]
    rows: list[WorkListRow]


class MeasureRow(msgspec.Struct):
    """一项帮扶措施 / an assistance measure: its village, status that day, overdue or not,
    its progress notes"""

    id: str
    village: str
    village_name: str
    category: str
    title: str
    status: str
    due_on: str
    overdue: bool
    progress: list[dict[str, Any]]


class MeasuresPage(NamedUnitPage, kw_only=True):
    """措施看板 / the measures board of the villages under a unit"""

    villages: list[VillageLine]
    rows: list[MeasureRow]


class DiaryRow(HistoryRow, kw_only=True):
    """一篇工作日志或一次入户走访 / a diary entry or a household visit, with the member's name
    and the household's head"""

    cadre_name: str
    household: str


class TeamMonth(Page, kw_only=True):
    """工作队的一个月 / a team's month: its roster on the day, its residency report, each
    member's calendar (``days``: each day's state — in, leave, gap, off, future — and where
    they checked in) and, as the rows, the diary entries and household visits"""

    team: str
    month: str
    as_of: str
    roster: dict[str, Any] | None
    report: dict[str, Any] | None
    members: list[dict[str, Any]]
    rows: list[DiaryRow]


class Proposal(msgspec.Struct):
    """考核的一项建议 / a proposal of a run, keyed by ``proposal`` (what
    ``decide_assessment_proposal`` takes), with its decision if one was made"""

    proposal: str
    kind: str
    team_id: str
    decision: dict[str, Any] | None


class ProposalsPage(Page, kw_only=True):
    run_id: str
    unit: str
    published: bool
    rows: list[Proposal]


class Trace(msgspec.Struct, kw_only=True):
    """一项指标背后的事件 / the events behind one figure of a team's result, as known at the
    run's position"""

    run_id: str
    team_id: str
    name: str
    freshness: Freshness


class TeamAssessments(msgspec.Struct, kw_only=True):
    """工作队的历次考核 / every run in reach that assessed the team (``rows``: the run and the
    team's result), its spot checks and its written reports"""

    team: str
    rows: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    freshness: Freshness


class NetworkAnswer(msgspec.Struct, kw_only=True):
    """单位的网络 / the unit's part of the network on the day (``tree``: each unit with its
    households and blind spots) and the units above it the account sees (``trail``)"""

    unit: str
    as_of: str
    trail: list[dict[str, Any]]
    tree: dict[str, Any]
    freshness: Freshness


class TrendAnswer(msgspec.Struct, kw_only=True):
    """联系率走势 / the unit's link rate at month ends from its opening to the day"""

    unit: str
    as_of: str
    points: list[dict[str, Any]]
    freshness: Freshness


class ChainAnswer(msgspec.Struct, kw_only=True):
    """哈希链的核验 / the hash chain's latest verdict (null before the first), when it was
    reached, how many events have come since, and the chain's head"""

    verdict: dict[str, Any] | None
    verified_at: str | None
    since: int
    head: dict[str, Any]
    freshness: Freshness


class CheckpointAnswer(msgspec.Struct, kw_only=True):
    """检查点 / the chain's head as a checkpoint, to keep outside the system"""

    position: int
    link: str
    time: str
    algorithm: str
    runs: list[dict[str, Any]]
    freshness: Freshness


def _path(name: str, description: str, schema: Json) -> Json:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


WORK_READS: tuple[Read, ...] = (
    Read(
        "/api/v1/units/{code}/work-list",
        "getWorkList",
        "盲点工作清单及整改 / the blind spots' work list, each gap with its rectification",
        WorkListPage,
        "code",
        extra=(
            _query("type", "只列这一类 / only this kind", {"type": "string", "enum": ALL_GAPS}),
            _query("unit", "只列该下级单位的 / only under this unit", CODE_SCHEMA),
            _query("since_from", "此日或以后开始的 / began on or after", DAY_SCHEMA),
            _query("since_to", "此日或以前开始的 / began on or before", DAY_SCHEMA),
            _query(
                "actor",
                "起因人（姓名或其一部分） / who caused it, or a part of the name",
                {"type": "string", "maxLength": ACTOR_MAX},
            ),
            _query(
                "rect",
                "整改状态：未交办、未到期、逾期、已销号 / rectification: none, open, overdue, "
                "closed (the rectifications whose gap has closed)",
                {"type": "string", "enum": list(RECTIFICATION_STATES)},
            ),
        ),
    ),
    Read(
        "/api/v1/units/{code}/measures",
        "getMeasures",
        "措施看板 / the measures board",
        MeasuresPage,
        "code",
        extra=(
            _query(
                "category",
                "只列这一类 / only this category",
                {"type": "string", "enum": [c.value for c in MeasureCategory]},
            ),
            _query("village", "只列该村的 / only this village's", CODE_SCHEMA),
            _query("overdue", "只列逾期的 / only the overdue ones", FLAG),
        ),
    ),
    Read(
        "/api/v1/teams/{team_id}/month",
        "getTeamMonth",
        "工作队的一个月：日历、日志与走访 / a team's month: calendars, diary and visits",
        TeamMonth,
        "team_id",
        clocks=("as_of",),
        extra=(MONTH,),
    ),
    Read(
        "/api/v1/assessments/{run_id}/proposals",
        "getAssessmentProposals",
        "考核的建议及其决定 / a run's proposals and their decisions",
        ProposalsPage,
        "run_id",
        clocks=(),
    ),
    Read(
        "/api/v1/assessments/{run_id}/teams/{team_id}/trace/{name}",
        "getAssessmentTrace",
        "一项指标背后的事件 / the events behind one figure of a team's result",
        Trace,
        "run_id",
        clocks=(),
        paged=False,
        extra=(
            _path("team_id", "工作队的编号 / the team's id", ID_SCHEMA),
            _path("name", "指标 / the input", {"type": "string", "enum": sorted(INPUTS)}),
            _query("member", "只看这名队员的 / only this member's", ID_SCHEMA),
        ),
    ),
    Read(
        "/api/v1/teams/{team_id}/assessments",
        "getTeamAssessments",
        "工作队的历次考核、抽查与书面述职 / a team's assessments, spot checks and written reports",
        TeamAssessments,
        "team_id",
        clocks=(),
        paged=False,
    ),
    Read(
        "/api/v1/units/{code}/network",
        "getNetwork",
        "单位的网络（看板的地图）/ the unit's part of the network (the dashboard's map)",
        NetworkAnswer,
        "code",
        clocks=("as_of",),
        paged=False,
    ),
    Read(
        "/api/v1/units/{code}/trend",
        "getTrend",
        "联系率走势（看板的折线图）/ the link rate at month ends (the dashboard's line chart)",
        TrendAnswer,
        "code",
        clocks=("as_of",),
        paged=False,
    ),
    Read(
        "/api/v1/audit/chain",
        "getAuditChain",
        "哈希链的核验（审计页的角色）/ the hash chain's verdict (the audit page's roles)",
        ChainAnswer,
        None,
        clocks=(),
        paged=False,
        extra=(_query("again", "现在再核验一次 / verify now", FLAG),),
    ),
    Read(
        "/api/v1/audit/checkpoint",
        "getAuditCheckpoint",
        "检查点（审计页的角色）/ the chain's head as a checkpoint (the audit page's roles)",
        CheckpointAnswer,
        None,
        clocks=(),
        paged=False,
    ),
    Read(
        "/api/v1/history/{subject_id}",
        "getHistory",
        "任一编号的全部事件（党员、中心户、服务站点、户：户的查阅留痕）/ every event about "
        "whatever an id names (a household's view is recorded)",
        HistoryPage,
        "subject_id",
    ),
)
