"""The ledger's commands (one JSON line each in ``zhucun apply``): their arguments, each
command's model (app/schemas.py), and the use case each one calls. Registered in
``app/registry.py`` like every other command; documented in docs/commands.md, sections 4.7–4.10."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.args import INT32_MAX, clean_text, refuse
from app.ledger.files import file_hash, guess_media_type
from app.ledger.files import file_name as bare_file_name
from app.ledger.files import media_type as read_media_type
from app.ledger.funds import Funds
from app.ledger.goals import FileCitation, Goals
from app.ledger.letters import Letters
from app.ledger.measures import Measures
from app.ledger.plans import Plans
from app.ledger.survey import Survey
from app.network import Network
from app.registry import command
from app.schemas import (
    Choice,
    Choices,
    CodeArg,
    CommandArgs,
    DayArg,
    Flag,
    IdArg,
    IdsArg,
    Integer,
    Money,
    Objects,
    OptDayArg,
    OptIdArg,
    OptTextArg,
    Read,
    Text,
    TextArg,
    VillageCode,
    Voucher,
)
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


MoneyArg = Read[int, Money()]  # whole fen


class RegisterVillageForm(CommandArgs):
    village: VillageCode
    committee_size: Read[int, Integer(1, COMMITTEE_SIZE_MAX)]
    secretary: OptTextArg
    assessment: Read[CommitteeAssessment, Choice(CommitteeAssessment)]
    collective_income: MoneyArg
    collective_assets: MoneyArg
    collective_debts: MoneyArg
    per_capita_income: MoneyArg
    main_problems: TextArg


@command(
    "register_village_form",
    "填报贫困村简要情况登记表",
    "fill in (or revise) a poor village's registration form",
    RegisterVillageForm,
)
def _register_village_form(n: Network, a: RegisterVillageForm, m: Meta) -> dict[str, Any]:
    form = RegistrationForm(
        committee_size=a.committee_size,
        secretary=a.secretary,
        assessment=a.assessment,
        collective_income_fen=a.collective_income,
        collective_assets_fen=a.collective_assets,
        collective_debts_fen=a.collective_debts,
        per_capita_income_fen=a.per_capita_income,
        main_problems=a.main_problems,
    )
    return _survey(n).register_form(a.village, form, m)


class SetSurveyPeriod(CommandArgs):
    village: VillageCode
    first_day: DayArg
    last_day: DayArg


@command(
    "set_survey_period",
    "确定摸底排查时段",
    "set the days a village's survey ran",
    SetSurveyPeriod,
)
def _set_survey_period(n: Network, a: SetSurveyPeriod, m: Meta) -> dict[str, Any]:
    return _survey(n).set_period(a.village, a.first_day, a.last_day, m)


class RecordSurveyTables(CommandArgs):
    village: VillageCode
    kind: Read[TableKind, Choice(TableKind)]
    handed_out: Read[int, Integer(1, COPIES_MAX)]
    returned: Read[int, Integer(0, COPIES_MAX)]


@command(
    "record_survey_tables",
    "登记问卷、统计表的发放和收回",
    "count the questionnaires or statistics tables handed out and returned",
    RecordSurveyTables,
)
def _record_survey_tables(n: Network, a: RecordSurveyTables, m: Meta) -> dict[str, Any]:
    return _survey(n).record_tables(a.village, a.kind, a.handed_out, a.returned, m)


People = Read[int, Integer(0, PEOPLE_MAX, required=False)]


class HoldSymposium(CommandArgs):
    village: VillageCode
    # One count per ParticipantCategory, by its value.
    township_leaders: People
    committee_members: People
    party_members: People
    villager_representatives: People
    collective_consultation: Read[bool, Flag(required=False, default=False)]
    topic: TextArg


@command(
    "hold_symposium",
    "召开座谈会",
    "record a symposium held in the village",
    HoldSymposium,
)
def _hold_symposium(n: Network, a: HoldSymposium, m: Meta) -> dict[str, Any]:
    participants = {c: getattr(a, c.value) for c in ParticipantCategory}
    return _survey(n).hold_symposium(a.village, participants, a.collective_consultation, a.topic, m)


class HoldInterview(CommandArgs):
    village: VillageCode
    interviewee: TextArg
    interviewee_category: Read[IntervieweeCategory, Choice(IntervieweeCategory)]
    interviewer: TextArg
    note: OptTextArg


@command(
    "hold_interview",
    "个别访谈",
    "record an individual interview",
    HoldInterview,
)
def _hold_interview(n: Network, a: HoldInterview, m: Meta) -> dict[str, Any]:
    return _survey(n).hold_interview(
        a.village, a.interviewee, a.interviewee_category, a.interviewer, a.note, m
    )


class WithdrawSurveyActivity(CommandArgs):
    village: VillageCode
    activity: Read[int, Integer(1, INT32_MAX)]
    note: TextArg


@command(
    "withdraw_survey_activity",
    "撤销登记错的摸底排查活动",
    "withdraw a survey activity recorded in error: it counts on no day from now on",
    WithdrawSurveyActivity,
)
def _withdraw_survey_activity(n: Network, a: WithdrawSurveyActivity, m: Meta) -> dict[str, Any]:
    return _survey(n).withdraw_activity(a.village, a.activity, a.note, m)


class CollectOpinion(CommandArgs):
    village: VillageCode
    text: Read[str, Text(spec=OPINION_TEXT)]
    source: Read[OpinionSource, Choice(OpinionSource)]
    category: Read[OpinionCategory, Choice(OpinionCategory)]
    id: OptIdArg


@command(
    "collect_opinion",
    "收集意见建议",
    "record an opinion collected in the village",
    CollectOpinion,
)
def _collect_opinion(n: Network, a: CollectOpinion, m: Meta) -> dict[str, Any]:
    return _survey(n).collect_opinion(a.village, a.text, a.source, a.category, m, a.id)


class RecordSurveyProblem(CommandArgs):
    village: VillageCode
    description: TextArg
    root_cause: Read[RootCause, Choice(RootCause)]
    root_cause_text: OptTextArg
    opinions: IdsArg
    id: OptIdArg


@command(
    "record_survey_problem",
    "登记排查出的问题",
    "record a problem the survey found, with its root cause of poverty",
    RecordSurveyProblem,
)
def _record_survey_problem(n: Network, a: RecordSurveyProblem, m: Meta) -> dict[str, Any]:
    return _survey(n).record_problem(
        a.village, a.description, a.root_cause, a.root_cause_text, a.opinions, m, a.id
    )


# -- plans (帮扶规划) ----------------------------------------------------------------------------


def _plans(n: Network) -> Plans:
    return Plans(n.uow, n)


ITEM_KEY = Field("规划内容编号", "plan item key", PLAN_ITEM_KEY_MAX)
CATEGORIES = ", ".join(c.value for c in MeasureCategory)


class PlanItems(Objects):
    """``[{"key": "A1", "text": "...", "category": "income"}, ...]``: each refusal names
    ``items``."""

    kind = "plan items"

    def __init__(self) -> None:
        super().__init__(PLAN_ITEMS_MAX, ("key", "text", "category"))

    def item(self, name: str, n: int, raw: dict[str, Any]) -> PlanItem:
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
                f"第 {n} 项的类别应为以下之一：{CATEGORIES}",
                f"item {n}'s category must be one of: {CATEGORIES}",
            ) from None
        return PlanItem(key, text, parsed)

    def json_schema(self, name: str) -> dict[str, Any]:
        schema = super().json_schema(name)
        schema["items"]["properties"] = {
            "key": {"type": "string", "maxLength": PLAN_ITEM_KEY_MAX},
            "text": {"type": "string", "maxLength": PLAN_ITEM_TEXT.max_length},
            "category": {"type": "string", "enum": [c.value for c in MeasureCategory]},
        }
        return schema

    def rule(self, name: str, lang: str) -> str:
        return (
            f"对象的列表，至多 {PLAN_ITEMS_MAX} 项，每项有 key（至多 {PLAN_ITEM_KEY_MAX} 个字）、"
            f"text（至多 {PLAN_ITEM_TEXT.max_length} 个字）、category（{CATEGORIES} 之一）"
            if lang == "zh"
            else f"list of objects, at most {PLAN_ITEMS_MAX}, each with key (at most "
            f"{PLAN_ITEM_KEY_MAX} characters), text (at most {PLAN_ITEM_TEXT.max_length}) "
            f"and category (one of: {CATEGORIES})"
        )


class DraftPlan(CommandArgs):
    village: VillageCode
    kind: Read[PlanKind, Choice(PlanKind)]
    year: Read[int, Integer(YEAR_MIN, YEAR_MAX)]
    title: TextArg
    drafted_by: TextArg
    items: Read[list[PlanItem], PlanItems()]
    id: OptIdArg


@command(
    "draft_plan",
    "起草帮扶规划（三年帮扶目标或年度帮扶计划）",
    "draft a village's three-year goal or annual plan",
    DraftPlan,
)
def _draft_plan(n: Network, a: DraftPlan, m: Meta) -> dict[str, Any]:
    return _plans(n).draft(a.village, a.kind, a.year, a.title, a.drafted_by, a.items, m, a.id)


class RevisePlan(CommandArgs):
    plan: IdArg
    title: TextArg
    revised_by: TextArg
    items: Read[list[PlanItem], PlanItems()]


@command(
    "revise_plan",
    "修订帮扶规划",
    "revise a plan: its title and the whole list of its items",
    RevisePlan,
)
def _revise_plan(n: Network, a: RevisePlan, m: Meta) -> dict[str, Any]:
    return _plans(n).revise(a.plan, a.title, a.revised_by, a.items, m)


class ApprovePlan(CommandArgs):
    plan: IdArg
    approver: TextArg
    approver_unit: CodeArg


@command(
    "approve_plan",
    "批准帮扶规划",
    "approve the latest revision of a plan (a named official of its township or county)",
    ApprovePlan,
)
def _approve_plan(n: Network, a: ApprovePlan, m: Meta) -> dict[str, Any]:
    return _plans(n).approve(a.plan, a.approver, a.approver_unit, m)


# -- measures (帮扶措施) ----------------------------------------------------------------------


def _measures(n: Network) -> Measures:
    return Measures(n.uow, n)


class PlanMeasure(CommandArgs):
    village: VillageCode
    plan: IdArg
    item: TextArg
    title: TextArg
    responsible: TextArg
    due_on: DayArg
    budget: MoneyArg
    sources: Read[list[FundingSource], Choices(FundingSource)]
    id: OptIdArg


@command(
    "plan_measure",
    "制定帮扶措施",
    "plan an assistance measure for an item of the village's approved plan",
    PlanMeasure,
)
def _plan_measure(n: Network, a: PlanMeasure, m: Meta) -> dict[str, Any]:
    return _measures(n).plan_measure(
        a.village, a.plan, a.item, a.title, a.responsible, a.due_on, a.budget, a.sources, m, a.id
    )


class SetMeasureStatus(CommandArgs):
    status: Read[MeasureStatus, Choice(MeasureStatus)]
    measure: IdArg
    because: OptTextArg


@command(
    "set_measure_status",
    "变更帮扶措施状态",
    "move a measure on: under_way, done, or dropped with a reason",
    SetMeasureStatus,
)
def _set_measure_status(n: Network, a: SetMeasureStatus, m: Meta) -> dict[str, Any]:
    return _measures(n).set_status(a.measure, a.status, a.because, m)


class NoteMeasureProgress(CommandArgs):
    measure: IdArg
    note: TextArg


@command(
    "note_measure_progress",
    "记录帮扶措施进展",
    "note a measure's progress",
    NoteMeasureProgress,
)
def _note_measure_progress(n: Network, a: NoteMeasureProgress, m: Meta) -> dict[str, Any]:
    return _measures(n).note_progress(a.measure, a.note, m)


# -- responsibility letters (工作目标责任书) --------------------------------------------------

TARGET_TEXT = Field("目标", "target", SHORT_TEXT_MAX * 5, multiline=True)


class Targets(Objects):
    """``[{"text": "...", "plan": "<id>", "item": "B1"}, ...]``: each refusal names
    ``targets``."""

    kind = "targets"

    def __init__(self) -> None:
        super().__init__(PLAN_ITEMS_MAX, ("text", "plan", "item"), "target", required=False)

    def item(self, name: str, n: int, raw: dict[str, Any]) -> tuple[str, UUID, str]:
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
        return (text, plan_id, key)

    def json_schema(self, name: str) -> dict[str, Any]:
        schema = super().json_schema(name)
        schema["items"]["properties"] = {
            "text": {"type": "string", "maxLength": TARGET_TEXT.max_length},
            "plan": {"type": "string", "format": "uuid"},
            "item": {"type": "string", "maxLength": PLAN_ITEM_KEY_MAX},
        }
        return schema


class SignResponsibilityLetter(CommandArgs):
    unit: TextArg
    village: VillageCode
    team: IdArg
    unit_signatory: TextArg
    village_signatory: TextArg
    term_starts_on: DayArg
    term_ends_on: DayArg
    targets: Read[list[tuple[str, UUID, str]], Targets()]
    id: OptIdArg


@command(
    "sign_responsibility_letter",
    "签订工作目标责任书",
    "record a responsibility letter signed between a dispatching unit and a village it serves",
    SignResponsibilityLetter,
)
def _sign_responsibility_letter(n: Network, a: SignResponsibilityLetter, m: Meta) -> dict[str, Any]:
    return Letters(n.uow, n).sign(
        a.unit,
        a.village,
        a.team,
        a.unit_signatory,
        a.village_signatory,
        (a.term_starts_on, a.term_ends_on),
        a.targets,
        m,
        a.id,
    )


# -- duties and the 六有 goals ------------------------------------------------------------------


def _goals(n: Network) -> Goals:
    return Goals(n.uow, n)


Goal = Read[SixHave, Choice(SixHave)]


class SetSixHaveGoal(CommandArgs):
    village: VillageCode
    goal: Goal
    target: TextArg


@command(
    "set_six_have_goal",
    "设定（或修订）六有目标",
    "set (or revise) a poor village's target for one of the six haves",
    SetSixHaveGoal,
)
def _set_six_have_goal(n: Network, a: SetSixHaveGoal, m: Meta) -> dict[str, Any]:
    return _goals(n).set_goal(a.village, a.goal, a.target, m)


class AddSixHaveEvidence(CommandArgs):
    village: VillageCode
    goal: Goal
    title: OptTextArg
    kind: Read[EvidenceKind | None, Choice(EvidenceKind, required=False)]
    dated: OptDayArg
    file: Read[str | None, Text(required=False, default=None, then=file_hash)]
    file_name: Read[str, Text(required=False, then=bare_file_name)]
    media_type: Read[str, Text(required=False, then=read_media_type)]


@command(
    "add_six_have_evidence",
    "登记六有目标的证据（文件）",
    "add evidence for a goal: a document and its stored file",
    AddSixHaveEvidence,
)
def _add_six_have_evidence(n: Network, a: AddSixHaveEvidence, m: Meta) -> dict[str, Any]:
    document = Document(a.title, a.kind, a.dated)
    name = a.file_name or (a.file or "")[:16]
    media = a.media_type or guess_media_type(name)
    return _goals(n).add_evidence(a.village, a.goal, document, FileCitation(a.file, name, media), m)


class JudgeSixHaveGoal(CommandArgs):
    village: VillageCode
    goal: Goal
    status: Read[GoalStatus, Choice(GoalStatus)]
    judged_by: OptTextArg
    judge_unit: CodeArg
    note: OptTextArg


@command(
    "judge_six_have_goal",
    "评定六有目标的状态",
    "judge a goal's status: not_started, under_way or met (a named official over the village)",
    JudgeSixHaveGoal,
)
def _judge_six_have_goal(n: Network, a: JudgeSixHaveGoal, m: Meta) -> dict[str, Any]:
    return _goals(n).judge(a.village, a.goal, a.status, a.judged_by, a.judge_unit, a.note, m)


# -- four-source funding (四位一体资金) --------------------------------------------------------


def _funds(n: Network) -> Funds:
    return Funds(n.uow, n)


Source = Read[FundingSource, Choice(FundingSource, spec=FUNDING_SOURCE)]
VoucherArg = Read[str, Voucher()]


class AllocateFunds(CommandArgs):
    village: VillageCode
    source: Source
    amount: MoneyArg
    voucher: VoucherArg
    allocated_by: TextArg
    document: OptTextArg
    plan: OptIdArg
    measure: OptIdArg


@command(
    "allocate_funds",
    "拨入资金",
    "record funds allocated to a village from one of the four sources, for its plan or a measure",
    AllocateFunds,
)
def _allocate_funds(n: Network, a: AllocateFunds, m: Meta) -> dict[str, Any]:
    return _funds(n).allocate(
        a.village, a.source, a.amount, a.voucher, a.allocated_by, a.document, a.plan, a.measure, m
    )


class RecordExpenditure(CommandArgs):
    village: VillageCode
    source: Source
    amount: MoneyArg
    voucher: VoucherArg
    measure: IdArg
    payee: TextArg
    purpose: TextArg


@command(
    "record_expenditure",
    "登记资金支出",
    "record what a village spent from one source on one of its measures",
    RecordExpenditure,
)
def _record_expenditure(n: Network, a: RecordExpenditure, m: Meta) -> dict[str, Any]:
    return _funds(n).spend(
        a.village, a.source, a.amount, a.voucher, a.measure, a.payee, a.purpose, m
    )


class ReverseFundEntry(CommandArgs):
    village: VillageCode
    source: Source
    voucher: VoucherArg
    because: TextArg


@command(
    "reverse_fund_entry",
    "冲销资金记录",
    "reverse an allocation or expenditure by its voucher number, with the reason",
    ReverseFundEntry,
)
def _reverse_fund_entry(n: Network, a: ReverseFundEntry, m: Meta) -> dict[str, Any]:
    return _funds(n).reverse(a.village, a.source, a.voucher, a.because, m)
