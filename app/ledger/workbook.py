"""The village work ledger as the workbook officials keep (工作台账): one sheet per part —
登记表, 问卷统计表, 座谈会, 走访, 访谈, 意见, 问题, 规划, 措施, 六有, 责任书 — a row per village,
batch of tables, meeting, visit, interview, opinion, problem, plan item, measure, 六有 goal or
letter of every village under the unit, Chinese headers kept in view, days as 2014年6月5日
and money as yuan.

Each sheet is data: its columns (heading, width, kind) and how a village's ledger
(``projections/ledger/sheets.py``) gives its rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from app.workbook import day_cell, header, text_cell, yuan_cell
from domain.ledger.findings import OpinionCategory, OpinionSource
from domain.ledger.measures import FundingSource
from domain.ledger.plans import MeasureCategory
from domain.ledger.survey import CommitteeAssessment, IntervieweeCategory, TableKind

Row = list[Any]
Village = dict[str, Any]
YES = "是"


@dataclass(frozen=True)
class Column:
    heading: str
    width: int
    kind: str = "text"  # text, number, day (ISO text), yuan (fen)


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Village], Iterator[Row]]


def _village(v: Village) -> Row:
    return [v["unit"], v["name"]]


VILLAGE_COLUMNS = (Column("村代码", 17), Column("村", 12))


def _forms(v: Village) -> Iterator[Row]:
    f = v["survey"]["form"]
    if f is None:
        return
    yield [
        *_village(v),
        f["registered_on"],
        f["revision"],
        f["committee_size"],
        f["secretary"] or "（空缺）",
        CommitteeAssessment(f["assessment"]).zh,
        f["collective_income_fen"],
        f["collective_assets_fen"],
        f["collective_debts_fen"],
        f["per_capita_income_fen"],
        f["main_problems"],
    ]


def _tables(v: Village) -> Iterator[Row]:
    for t in v["survey"]["table_list"]:
        kind = TableKind(t["kind"]).zh
        yield [*_village(v), t["on"], kind, t["handed_out"], t["returned"], t["activity"]]


def _symposiums(v: Village) -> Iterator[Row]:
    for s in v["survey"]["symposium_list"]:
        p = s["participants"]
        yield [
            *_village(v),
            s["on"],
            p["township_leaders"],
            p["committee_members"],
            p["party_members"],
            p["villager_representatives"],
            YES if s["collective_consultation"] else "",
            s["topic"],
            s["activity"],
        ]


def _visits(v: Village) -> Iterator[Row]:
    for x in v["visits"]:
        yield [*_village(v), x["on"], x["head_name"], x["visitor"]]


def _interviews(v: Village) -> Iterator[Row]:
    for i in v["survey"]["interview_list"]:
        category = IntervieweeCategory(i["category"]).zh
        yield [
            *_village(v),
            i["on"],
            i["interviewee"],
            category,
            i["interviewer"],
            i["note"],
            i["activity"],
        ]


def _opinions(v: Village) -> Iterator[Row]:
    for o in v["survey"]["opinion_list"]:
        source, category = OpinionSource(o["source"]).zh, OpinionCategory(o["category"]).zh
        yield [*_village(v), o["on"], source, category, o["text"], o["id"]]


def _problems(v: Village) -> Iterator[Row]:
    cited = set(v["survey"]["class_cites"])
    for p in v["survey"]["problem_list"]:
        yield [
            *_village(v),
            p["on"],
            p["description"],
            p["root_cause_zh"],
            p["root_cause_text"],
            len(p["opinions"]),
            YES if p["id"] in cited else "",
            p["id"],
        ]


def _plans(v: Village) -> Iterator[Row]:
    for p in v["plans"]:
        a = p["approval"]
        approval = [a["approver"], a["approver_unit"], a["on"], a["revision"]] if a else [""] * 4
        state = "已批准" if p["approved"] else ("待再批准" if a else "未批准")
        for item in p["items"] or [{"key": "", "text": "", "category": None}]:
            category = MeasureCategory(item["category"]).zh if item["category"] else ""
            yield [
                *_village(v),
                p["kind_zh"],
                p["year"],
                p["title"],
                p["revision"],
                p["drafted_by"],
                p["revised_on"],
                state,
                *approval,
                item["key"],
                item["text"],
                category,
            ]


def _measures(v: Village) -> Iterator[Row]:
    for m in v["measures"]:
        last = m["progress"][-1] if m["progress"] else None
        yield [
            *_village(v),
            m["category_zh"],
            m["title"],
            m["item"],
            m["responsible"],
            m["planned_on"],
            m["due_on"],
            m["budget_fen"],
            "、".join(FundingSource(s).zh for s in m["sources"]),
            m["status_zh"],
            YES if m["overdue"] else "",
            m["because"],
            last["on"] if last else None,
            last["note"] if last else "",
            m["id"],
        ]


def _six_haves(v: Village) -> Iterator[Row]:
    for duty in v["six_haves"]["duties"]:
        for g in duty["goals"]:
            if not g["set"]:
                continue
            judged = g["judgement"] or {}
            documents = "；".join(
                f"{e['title']}（{e['kind_zh']}，{e['dated']}，{e['file_name']}）"
                for e in g["evidence"]
            )
            yield [
                *_village(v),
                duty["zh"],
                g["zh"],
                g["target"],
                g["set_on"],
                g["status_zh"],
                judged.get("judged_by", ""),
                judged.get("judge_unit", ""),
                judged.get("on"),
                len(g["evidence"]),
                documents,
            ]


def _letters(v: Village) -> Iterator[Row]:
    for x in v["letters"]:
        targets = "；".join(f"{t['item']} {t['text']}" for t in x["targets"])
        yield [
            *_village(v),
            x["unit"],
            x["unit_signatory"],
            x["village_signatory"],
            x["signed_on"],
            x["term_starts_on"],
            x["term_ends_on"],
            "有效" if x["in_force"] else "",
            targets,
            x["id"],
        ]


ID = Column("编号", 38)
# An activity of the survey by its number in the village's survey (ADR 034): the number a
# withdrawal (withdraw_survey_activity) names.
ACTIVITY = Column("活动编号", 9, "number")
SHEETS = (
    Sheet(
        "登记表",
        (
            *VILLAGE_COLUMNS,
            Column("填报日期", 14, "day"),
            Column("修订", 6, "number"),
            Column("两委成员数", 10, "number"),
            Column("党组织书记", 12),
            Column("班子评价", 10),
            Column("集体年收入（元）", 16, "yuan"),
            Column("集体资产（元）", 16, "yuan"),
            Column("集体负债（元）", 16, "yuan"),
            Column("人均纯收入（元）", 16, "yuan"),
            Column("主要问题", 60),
        ),
        _forms,
    ),
    Sheet(
        "问卷统计表",
        (
            *VILLAGE_COLUMNS,
            Column("日期", 14, "day"),
            Column("类别", 10),
            Column("发出份数", 9, "number"),
            Column("收回份数", 9, "number"),
            ACTIVITY,
        ),
        _tables,
    ),
    Sheet(
        "座谈会",
        (
            *VILLAGE_COLUMNS,
            Column("日期", 14, "day"),
            Column("乡镇领导", 9, "number"),
            Column("两委成员", 9, "number"),
            Column("党员", 7, "number"),
            Column("村民代表", 9, "number"),
            Column("集体会诊", 9),
            Column("议题", 50),
            ACTIVITY,
        ),
        _symposiums,
    ),
    Sheet(
        "走访",
        (*VILLAGE_COLUMNS, Column("日期", 14, "day"), Column("户主", 12), Column("走访人", 12)),
        _visits,
    ),
    Sheet(
        "访谈",
        (
            *VILLAGE_COLUMNS,
            Column("日期", 14, "day"),
            Column("访谈对象", 12),
            Column("类别", 10),
            Column("访谈人", 12),
            Column("记录", 60),
            ACTIVITY,
        ),
        _interviews,
    ),
    Sheet(
        "意见",
        (
            *VILLAGE_COLUMNS,
            Column("日期", 14, "day"),
            Column("来源", 10),
            Column("类别", 22),
            Column("意见建议", 60),
            ID,
        ),
        _opinions,
    ),
    Sheet(
        "问题",
        (
            *VILLAGE_COLUMNS,
            Column("日期", 14, "day"),
            Column("问题", 50),
            Column("致贫根源", 14),
            Column("根源说明", 30),
            Column("来自意见（条）", 10, "number"),
            Column("分类引用", 9),
            ID,
        ),
        _problems,
    ),
    Sheet(
        "规划",
        (
            *VILLAGE_COLUMNS,
            Column("类型", 12),
            Column("年度", 7, "number"),
            Column("标题", 30),
            Column("修订", 6, "number"),
            Column("起草人", 12),
            Column("修订日期", 14, "day"),
            Column("审批状态", 10),
            Column("批准人", 12),
            Column("批准单位", 17),
            Column("批准日期", 14, "day"),
            Column("批准的修订", 9, "number"),
            Column("内容编号", 9),
            Column("规划内容", 50),
            Column("类别", 22),
        ),
        _plans,
    ),
    Sheet(
        "措施",
        (
            *VILLAGE_COLUMNS,
            Column("类别", 22),
            Column("措施", 36),
            Column("规划内容编号", 10),
            Column("责任人", 12),
            Column("制定日期", 14, "day"),
            Column("完成期限", 14, "day"),
            Column("预算（元）", 14, "yuan"),
            Column("资金来源", 24),
            Column("状态", 9),
            Column("逾期", 6),
            Column("原因", 24),
            Column("最近进展日期", 14, "day"),
            Column("最近进展", 40),
            ID,
        ),
        _measures,
    ),
    Sheet(
        "六有",
        (
            *VILLAGE_COLUMNS,
            Column("职责", 20),
            Column("六有目标", 18),
            Column("目标", 40),
            Column("设定日期", 14, "day"),
            Column("状态", 9),
            Column("评定人", 12),
            Column("评定单位", 17),
            Column("评定日期", 14, "day"),
            Column("证据（份）", 9, "number"),
            Column("证据", 60),
        ),
        _six_haves,
    ),
    Sheet(
        "责任书",
        (
            *VILLAGE_COLUMNS,
            Column("派出单位", 14),
            Column("单位签字人", 12),
            Column("村签字人", 12),
            Column("签订日期", 14, "day"),
            Column("期限起", 14, "day"),
            Column("期限止", 14, "day"),
            Column("当日有效", 9),
            Column("目标", 60),
            ID,
        ),
        _letters,
    ),
)


def write_ledger_workbook(
    path: Path, ledger: dict[str, Any], sheets: tuple[Sheet, ...] = SHEETS
) -> int:
    """Write the workbook of ``ledger`` (``Zhucun.ledger_villages``) to ``path``; the number
    of rows written, headers not counted. The file appears whole or not at all."""
    wb = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        header(ws, [c.heading for c in sheet.columns], [c.width for c in sheet.columns])
        makers = [_MAKERS[c.kind] for c in sheet.columns]
        for village in ledger["villages"]:
            for row in sheet.rows(village):
                ws.append([make(ws, value) for make, value in zip(makers, row, strict=True)])
                written += 1
    part = path.with_name(f".{path.name}.part")
    try:
        wb.save(part)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return written


_MAKERS: dict[str, Callable[[Any, Any], Any]] = {
    "text": text_cell,
    "number": lambda ws, value: value,
    "day": day_cell,
    "yuan": yuan_cell,
}
