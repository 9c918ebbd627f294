"""The ledger's commands (one JSON line each in ``zhucun apply``): their arguments, read once
(``app/args.py``), and the use case each one calls. Registered in ``app/registry.py`` like
every other command; documented in docs/commands.md, sections 4.7–4.10."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.args import INT32_MAX, Args, clean_text, refuse
from app.ledger.files import file_hash, file_name, guess_media_type, media_type
from app.ledger.funds import Funds
from app.ledger.goals import FileCitation, Goals
from app.ledger.letters import Letters
from app.ledger.measures import Measures
from app.ledger.plans import Plans
from app.ledger.survey import Survey
from app.network import Network
from app.registry import command
from domain.base import Meta
from domain.fields import (
    COMMITTEE_SIZE_MAX,
    COPIES_MAX,
    FUNDING_SOURCE,
    OPINION_TEXT,
    PEOPLE_MAX,
    PLAN_ITEM_KEY_MAX,
    PLAN_ITEM_TEXT,
    PLAN_ITEMS_MAX,
    SHORT_TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
    Field,
)
from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.goals import Document, EvidenceKind, GoalStatus, SixHave
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.plans import MeasureCategory, PlanItem, PlanKind
from domain.ledger.survey import (
    CommitteeAssessment,
    IntervieweeCategory,
    ParticipantCategory,
    RegistrationForm,
    TableKind,
)


def _survey(n: Network) -> Survey:
    return Survey(n.uow, n)


@command(
    "register_village_form",
    "填报贫困村简要情况登记表",
    "fill in (or revise) a poor village's registration form",
    "village",
    "committee_size",
    "secretary?",
    "assessment",
    "collective_income",
    "collective_assets",
    "collective_debts",
    "per_capita_income",
    "main_problems",
)
def _register_village_form(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    village = a.code("village")
    form = RegistrationForm(
        committee_size=a.integer("committee_size", 1, COMMITTEE_SIZE_MAX),
        secretary=a.opt_text("secretary"),
        assessment=a.enum("assessment", CommitteeAssessment),
        collective_income_fen=a.money("collective_income"),
        collective_assets_fen=a.money("collective_assets"),
        collective_debts_fen=a.money("collective_debts"),
        per_capita_income_fen=a.money("per_capita_income"),
        main_problems=a.text("main_problems"),
    )
    return _survey(n).register_form(village, form, m)


@command(
    "set_survey_period",
    "确定摸底排查时段",
    "set the days a village's survey ran",
    "village",
    "first_day",
    "last_day",
)
def _set_survey_period(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).set_period(a.code("village"), a.day("first_day"), a.day("last_day"), m)


@command(
    "record_survey_tables",
    "登记问卷、统计表的发放和收回",
    "count the questionnaires or statistics tables handed out and returned",
    "village",
    "kind",
    "handed_out",
    "returned",
)
def _record_survey_tables(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).record_tables(
        a.code("village"),
        a.enum("kind", TableKind),
        a.integer("handed_out", 1, COPIES_MAX),
        a.integer("returned", 0, COPIES_MAX),
        m,
    )


@command(
    "hold_symposium",
    "召开座谈会",
    "record a symposium held in the village",
    "village",
    "township_leaders?",
    "committee_members?",
    "party_members?",
    "villager_representatives?",
    "collective_consultation?",
    "topic",
)
def _hold_symposium(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    village = a.code("village")
    participants = {c: a.opt_integer(c.value, 0, PEOPLE_MAX) for c in ParticipantCategory}
    consultation = bool(a.boolean("collective_consultation", False))
    return _survey(n).hold_symposium(village, participants, consultation, a.text("topic"), m)


@command(
    "hold_interview",
    "个别访谈",
    "record an individual interview",
    "village",
    "interviewee",
    "interviewee_category",
    "interviewer",
    "note?",
)
def _hold_interview(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).hold_interview(
        a.code("village"),
        a.text("interviewee"),
        a.enum("interviewee_category", IntervieweeCategory),
        a.text("interviewer"),
        a.opt_text("note"),
        m,
    )


@command(
    "withdraw_survey_activity",
    "撤销登记错的摸底排查活动",
    "withdraw a survey activity recorded in error: it counts on no day from now on",
    "village",
    "activity",
    "note",
)
def _withdraw_survey_activity(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).withdraw_activity(
        a.code("village"), a.integer("activity", 1, INT32_MAX), a.text("note"), m
    )


@command(
    "collect_opinion",
    "收集意见建议",
    "record an opinion collected in the village",
    "village",
    "text",
    "source",
    "category",
    "id?",
)
def _collect_opinion(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).collect_opinion(
        a.code("village"),
        a.text("text", OPINION_TEXT),
        a.enum("source", OpinionSource),
        a.enum("category", OpinionCategory),
        m,
        a.opt_uuid("id"),
    )


@command(
    "record_survey_problem",
    "登记排查出的问题",
    "record a problem the survey found, with its root cause of poverty",
    "village",
    "description",
    "root_cause",
    "root_cause_text?",
    "opinions?",
    "id?",
)
def _record_survey_problem(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).record_problem(
        a.code("village"),
        a.text("description"),
        a.enum("root_cause", RootCause),
        a.opt_text("root_cause_text"),
        a.uuids("opinions"),
        m,
        a.opt_uuid("id"),
    )


# -- plans (帮扶规划) ----------------------------------------------------------------------------


def _plans(n: Network) -> Plans:
    return Plans(n.uow, n)


ITEM_KEY = Field("规划内容编号", "plan item key", PLAN_ITEM_KEY_MAX)


def _plan_items(a: Args, name: str = "items") -> list[PlanItem]:
    """``[{"key": "A1", "text": "...", "category": "income"}, ...]``: each refusal names
    ``items``."""
    out: list[PlanItem] = []
    categories = ", ".join(c.value for c in MeasureCategory)
    for n, raw in enumerate(a.objects(name, PLAN_ITEMS_MAX, keys=("key", "text", "category")), 1):
        key = clean_text(name, raw["key"], ITEM_KEY)
        text = clean_text(name, raw["text"], PLAN_ITEM_TEXT)
        category = raw["category"]
        try:
            if not isinstance(category, str):
                raise ValueError(category)
            parsed = MeasureCategory(category.strip().lower())
        except ValueError:
            raise refuse(
                name,
                f"第 {n} 项的类别应为以下之一：{categories}",
                f"item {n}'s category must be one of: {categories}",
            ) from None
        out.append(PlanItem(key, text, parsed))
    return out


@command(
    "draft_plan",
    "起草帮扶规划（三年帮扶目标或年度帮扶计划）",
    "draft a village's three-year goal or annual plan",
    "village",
    "kind",
    "year",
    "title",
    "drafted_by",
    "items",
    "id?",
)
def _draft_plan(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _plans(n).draft(
        a.code("village"),
        a.enum("kind", PlanKind),
        a.integer("year", YEAR_MIN, YEAR_MAX),
        a.text("title"),
        a.text("drafted_by"),
        _plan_items(a),
        m,
        a.opt_uuid("id"),
    )


@command(
    "revise_plan",
    "修订帮扶规划",
    "revise a plan: its title and the whole list of its items",
    "plan",
    "title",
    "revised_by",
    "items",
)
def _revise_plan(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _plans(n).revise(
        a.uuid("plan"), a.text("title"), a.text("revised_by"), _plan_items(a), m
    )


@command(
    "approve_plan",
    "批准帮扶规划",
    "approve the latest revision of a plan (a named official of its township or county)",
    "plan",
    "approver",
    "approver_unit",
)
def _approve_plan(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _plans(n).approve(a.uuid("plan"), a.text("approver"), a.code("approver_unit"), m)


# -- measures (帮扶措施) ----------------------------------------------------------------------


def _measures(n: Network) -> Measures:
    return Measures(n.uow, n)


@command(
    "plan_measure",
    "制定帮扶措施",
    "plan an assistance measure for an item of the village's approved plan",
    "village",
    "plan",
    "item",
    "title",
    "responsible",
    "due_on",
    "budget",
    "sources?",
    "id?",
)
def _plan_measure(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _measures(n).plan_measure(
        a.code("village"),
        a.uuid("plan"),
        a.text("item"),
        a.text("title"),
        a.text("responsible"),
        a.day("due_on"),
        a.money("budget"),
        a.enums("sources", FundingSource),
        m,
        a.opt_uuid("id"),
    )


@command(
    "set_measure_status",
    "变更帮扶措施状态",
    "move a measure on: under_way, done, or dropped with a reason",
    "measure",
    "status",
    "because?",
)
def _set_measure_status(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    status = a.enum("status", MeasureStatus)
    return _measures(n).set_status(a.uuid("measure"), status, a.opt_text("because"), m)


@command(
    "note_measure_progress",
    "记录帮扶措施进展",
    "note a measure's progress",
    "measure",
    "note",
)
def _note_measure_progress(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _measures(n).note_progress(a.uuid("measure"), a.text("note"), m)


# -- responsibility letters (工作目标责任书) --------------------------------------------------

TARGET_TEXT = Field("目标", "target", SHORT_TEXT_MAX * 5, multiline=True)


def _targets(a: Args, name: str = "targets") -> list[tuple[str, UUID, str]]:
    """``[{"text": "...", "plan": "<id>", "item": "B1"}, ...]``: each refusal names
    ``targets``."""
    out: list[tuple[str, UUID, str]] = []
    targets = a.objects(name, PLAN_ITEMS_MAX, False, ("text", "plan", "item"), "target")
    for n, raw in enumerate(targets, 1):
        text = clean_text(name, raw["text"], TARGET_TEXT)
        key = clean_text(name, raw["item"], ITEM_KEY)
        plan = raw["plan"]
        try:
            if not isinstance(plan, str) or not plan.strip().isascii():
                raise ValueError(plan)
            plan_id = UUID(plan.strip())
        except ValueError:
            raise refuse(
                name, f"第 {n} 项的规划编号无效", f"target {n} has an invalid plan id"
            ) from None
        out.append((text, plan_id, key))
    return out


@command(
    "sign_responsibility_letter",
    "签订工作目标责任书",
    "record a responsibility letter signed between a dispatching unit and a village it serves",
    "unit",
    "village",
    "team",
    "unit_signatory",
    "village_signatory",
    "term_starts_on",
    "term_ends_on",
    "targets",
    "id?",
)
def _sign_responsibility_letter(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return Letters(n.uow, n).sign(
        a.text("unit"),
        a.code("village"),
        a.uuid("team"),
        a.text("unit_signatory"),
        a.text("village_signatory"),
        (a.day("term_starts_on"), a.day("term_ends_on")),
        _targets(a),
        m,
        a.opt_uuid("id"),
    )


# -- duties and the 六有 goals ------------------------------------------------------------------


def _goals(n: Network) -> Goals:
    return Goals(n.uow, n)


@command(
    "set_six_have_goal",
    "设定（或修订）六有目标",
    "set (or revise) a poor village's target for one of the six haves",
    "village",
    "goal",
    "target",
)
def _set_six_have_goal(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _goals(n).set_goal(a.code("village"), a.enum("goal", SixHave), a.text("target"), m)


@command(
    "add_six_have_evidence",
    "登记六有目标的证据（文件）",
    "add evidence for a goal: a document and its stored file",
    "village",
    "goal",
    "title",
    "kind",
    "dated",
    "file",
    "file_name?",
    "media_type?",
)
def _add_six_have_evidence(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    village, goal = a.code("village"), a.enum("goal", SixHave)
    document = Document(a.opt_text("title"), a.opt_enum("kind", EvidenceKind), a.opt_day("dated"))
    sha = file_hash(a.opt_text("file"))
    name = file_name(a.opt_text("file_name")) or (sha or "")[:16]
    media = media_type(a.opt_text("media_type")) or guess_media_type(name)
    return _goals(n).add_evidence(village, goal, document, FileCitation(sha, name, media), m)


@command(
    "judge_six_have_goal",
    "评定六有目标的状态",
    "judge a goal's status: not_started, under_way or met (a named official over the village)",
    "village",
    "goal",
    "status",
    "judged_by",
    "judge_unit",
    "note?",
)
def _judge_six_have_goal(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _goals(n).judge(
        a.code("village"),
        a.enum("goal", SixHave),
        a.enum("status", GoalStatus),
        a.opt_text("judged_by"),
        a.code("judge_unit"),
        a.opt_text("note"),
        m,
    )


# -- four-source funding (四位一体资金) --------------------------------------------------------


def _funds(n: Network) -> Funds:
    return Funds(n.uow, n)


@command(
    "allocate_funds",
    "拨入资金",
    "record funds allocated to a village from one of the four sources, for its plan or a measure",
    "village",
    "source",
    "amount",
    "voucher",
    "allocated_by",
    "document?",
    "plan?",
    "measure?",
)
def _allocate_funds(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _funds(n).allocate(
        a.code("village"),
        a.enum("source", FundingSource, FUNDING_SOURCE),
        a.money("amount"),
        a.voucher("voucher"),
        a.text("allocated_by"),
        a.opt_text("document"),
        a.opt_uuid("plan"),
        a.opt_uuid("measure"),
        m,
    )


@command(
    "record_expenditure",
    "登记资金支出",
    "record what a village spent from one source on one of its measures",
    "village",
    "source",
    "amount",
    "voucher",
    "measure",
    "payee",
    "purpose",
)
def _record_expenditure(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _funds(n).spend(
        a.code("village"),
        a.enum("source", FundingSource, FUNDING_SOURCE),
        a.money("amount"),
        a.voucher("voucher"),
        a.uuid("measure"),
        a.text("payee"),
        a.text("purpose"),
        m,
    )


@command(
    "reverse_fund_entry",
    "冲销资金记录",
    "reverse an allocation or expenditure by its voucher number, with the reason",
    "village",
    "source",
    "voucher",
    "because",
)
def _reverse_fund_entry(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _funds(n).reverse(
        a.code("village"),
        a.enum("source", FundingSource, FUNDING_SOURCE),
        a.voucher("voucher"),
        a.text("because"),
        m,
    )
