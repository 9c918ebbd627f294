"""An audit entry's fields in words, for a page in one language (the web's audit log): each
field's label, and for a field holding one of a fixed list of values (a level, a sector, a
cause) the value's word. Ids, codes, numbers, dates, names and free text are shown as they
were recorded; amounts in fen are shown in yuan. The command line's outputs keep the fields
as recorded (docs/audit.md)."""

from __future__ import annotations

import ast
from enum import StrEnum
from typing import Any

from app.accounts import ADMIN_REASON
from app.audit.export import DEFAULT_REASON
from app.describe import WORDS
from domain.accounts import FailureCause, Role
from domain.api_tokens import TokenFailure
from domain.assessments.decisions import Outcome, ProposalKind
from domain.cadres import DispatchLevel, Rank, Sector, SectorGroup
from domain.households import LeaveReason
from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.plans import MeasureCategory, PlanKind
from domain.ledger.survey import (
    CommitteeAssessment,
    IntervieweeCategory,
    SurveyActivityKind,
    TableKind,
)
from domain.levels import Level, SiteKind
from domain.residency import LeaveStatus, LeaveTier
from domain.teams import LeaveHow
from domain.villages import Problem
from projections.blind_spots import GAP_WORDS

Words = tuple[str, str]  # Chinese, English

# Each field of the events, and of the filters and scope an access records.
FIELDS: dict[str, Words] = {
    "activity": ("活动编号", "activity number"),
    "activity_kind": ("活动类别", "kind of activity"),
    "address": ("地址", "address"),
    "approver": ("审批人", "approved by"),
    "approver_unit": ("审批单位", "approver's unit"),
    "assessment": ("两委评价", "two committees assessed as"),
    "because": ("原因", "because"),
    "budget_fen": ("预算（元）", "budget (yuan)"),
    "cadre_id": ("干部编号", "cadre's id"),
    "cadre_name": ("干部", "cadre"),
    "category": ("类别", "category"),
    "cause": ("原因", "cause"),
    "central_household_id": ("党员中心户编号", "central household's id"),
    "code": ("代码", "code"),
    "collective_assets_fen": ("集体资产（元）", "collective assets (yuan)"),
    "collective_consultation": ("集体协商", "collective consultation"),
    "collective_debts_fen": ("集体负债（元）", "collective debts (yuan)"),
    "collective_income_fen": ("集体收入（元）", "collective income (yuan)"),
    "committee_members": ("两委成员人数", "committee members"),
    "committee_size": ("两委人数", "committee size"),
    "corrected_event": ("被更正的事项", "entry corrected"),
    "corrects_position": ("被更正的日志位置", "log position corrected"),
    "days": ("天数", "days"),
    "description": ("说明", "description"),
    "destination": ("转往", "destination"),
    "dispatching_unit_id": ("派出单位编号", "dispatching unit's id"),
    "drafted_by": ("起草人", "drafted by"),
    "due_on": ("完成期限", "due on"),
    "entries": ("条数", "entries"),
    "filters": ("筛选条件", "filters"),
    "finding": ("调查结论", "finding"),
    "first_day": ("开始日期", "first day"),
    "flag_zh": ("标记", "flag"),
    "flag_en": ("标记", "flag"),
    "format": ("格式", "format"),
    "group": ("帮扶类别", "kind of help"),
    "group_code": ("村民小组", "villager group"),
    "handed_out": ("发放份数", "handed out"),
    "head_name": ("户主", "head of household"),
    "household_id": ("户编号", "household's id"),
    "how": ("方式", "how"),
    "id_number": ("身份证号", "identity number"),
    "interviewee": ("访谈对象", "interviewee"),
    "interviewee_category": ("访谈对象类别", "interviewee's category"),
    "interviewer": ("访谈人", "interviewer"),
    "into_code": ("并入单位", "merged into"),
    "item_key": ("计划条目", "plan item"),
    "items": ("条目", "items"),
    "kind": ("类别", "kind"),
    "last_day": ("结束日期", "last day"),
    "lat": ("纬度", "latitude"),
    "leave_id": ("请假编号", "leave request's id"),
    "level": ("层级", "level"),
    "lon": ("经度", "longitude"),
    "main_problems": ("主要问题", "main problems"),
    "members": ("家庭人口", "members"),
    "method": ("请求方式", "request method"),
    "month": ("月份", "month"),
    "name": ("名称", "name"),
    "note": ("备注", "note"),
    "opinion_ids": ("意见编号", "opinions' ids"),
    "parent_code": ("上级单位", "parent unit"),
    "party_member": ("党员", "party member"),
    "party_member_id": ("党员编号", "party member's id"),
    "party_members": ("党员人数", "party members"),
    "password_hash": ("密码（不显示）", "password (never shown)"),
    "path": ("页面", "page"),
    "per_capita_income_fen": ("人均收入（元）", "income per head (yuan)"),
    "place": ("地点", "place"),
    "plan_id": ("计划编号", "plan's id"),
    "previous_leader_id": ("原队长编号", "previous leader's id"),
    "previous_problem": ("原主要问题", "previous main problem"),
    "previous_rank": ("原职级", "previous rank"),
    "previous_term_ends_on": ("原驻村期满日期", "previous end of term"),
    "problem": ("主要问题", "main problem"),
    "problems": ("所依据的问题", "problems cited"),
    "rank": ("职级", "rank"),
    "reserve": ("后备干部", "reserve cadre"),
    "responsible": ("责任人", "responsible"),
    "returned": ("收回份数", "returned"),
    "revised_by": ("修改人", "revised by"),
    "revision": ("版本", "revision"),
    "role": ("角色", "role"),
    "root_cause": ("致贫根源", "root cause"),
    "root_cause_text": ("致贫根源说明", "root cause, in words"),
    "rows": ("条数", "rows"),
    "rules_version": ("规则版本", "rule set"),
    "scope": ("范围", "scope"),
    "secretary": ("村党组织书记", "party secretary"),
    "session": ("会话（不显示）", "session (never shown)"),
    "secret_hash": ("令牌哈希（不显示）", "token's hash (never shown)"),
    "sector": ("系统", "sector"),
    "sector_group": ("帮扶类别", "kind of help"),
    "source": ("来源", "source"),
    "sources": ("资金来源", "funding sources"),
    "status": ("状态", "status"),
    "subject_id": ("对象编号", "subject's id"),
    # Rectifications (domain/rectifications.py).
    "gap_type": ("盲点类型", "gap type"),
    "subject_name": ("对象名称", "subject"),
    "gap_unit": ("盲点所在单位", "unit of the gap"),
    "since": ("盲点开始日", "gap began on"),
    "assignee": ("整改责任人", "assigned to"),
    "successor_id": ("接续工作队编号", "next team's id"),
    "target": ("文件", "file"),
    "targets": ("目标", "targets"),
    "team_id": ("工作队编号", "team's id"),
    "term_ends_on": ("驻村期满日期", "end of term"),
    "term_starts_on": ("开始日期", "start of term"),
    "text": ("内容", "text"),
    "tier": ("审批层级", "approved at"),
    "title": ("标题", "title"),
    "topic": ("主题", "topic"),
    "township_leaders": ("乡镇领导人数", "township leaders"),
    "unit_code": ("单位", "unit"),
    "unit_level": ("派出单位层级", "dispatching unit's level"),
    "unit_signatory": ("派出单位签字人", "unit's signatory"),
    "unmasked": ("完整身份证号", "identity numbers in full"),
    "username": ("用户名", "username"),
    "token": ("API 令牌编号", "API token id"),
    "expires_on": ("有效期至", "valid until"),
    "village_code": ("村", "village"),
    "village_poor": ("村仍为贫困村", "village still poor"),
    "village_problem": ("村的主要问题", "village's main problem"),
    "village_signatory": ("村签字人", "village's signatory"),
    "villager_representatives": ("村民代表人数", "villager representatives"),
    "what": ("内容", "what"),
    "why": ("原因", "why"),
    "year": ("年度", "year"),
    "young": ("年轻干部", "young cadre"),
    # -- 六有 goals and their evidence
    "goal": ("六有目标", "six-haves goal"),
    "duty": ("职责", "duty"),
    "dated": ("文件日期", "document date"),
    "file_name": ("文件名", "file name"),
    "file_sha256": ("文件 SHA-256", "file's SHA-256"),
    "file_size": ("文件大小（字节）", "file size (bytes)"),
    "media_type": ("文件类型", "media type"),
    "judged_by": ("评定人", "judged by"),
    "judge_unit": ("评定单位", "judging unit"),
    # -- four-source funding
    "allocated_by": ("拨款单位", "allocated by"),
    "amount_fen": ("金额（元）", "amount (yuan)"),
    "document": ("文件", "document"),
    "entry": ("记录类别", "kind of entry"),
    "measure_id": ("帮扶措施编号", "measure's id"),
    "payee": ("收款人", "payee"),
    "purpose": ("用途", "purpose"),
    "voucher": ("凭证号", "voucher number"),
    # -- assessments
    "attendance": ("到会人数", "attendance"),
    "satisfied": ("满意票", "satisfied"),
    "basically_satisfied": ("基本满意票", "basically satisfied"),
    "dissatisfied": ("不满意票", "dissatisfied"),
    "bodies": ("报送单位", "bodies reported to"),
    "document_sha256": ("报告文件 SHA-256", "report's SHA-256"),
    "index": ("在考核结果中的序号", "place in the run's result"),
    "content": ("规则内容", "rules' content"),
    "effective_from": ("生效日", "effective from"),
    "version": ("版本", "version"),
    "rules_name": ("考核规则", "assessment rules"),
    "period": ("考核期", "period"),
    "position": ("日志位置", "log position"),
    "digest": ("摘要（SHA-256）", "digest (SHA-256)"),
    "chain_link": ("审计链哈希", "audit chain link"),
    "result": ("考核结果", "result"),
    "team_name": ("工作队名称", "team name"),
    "dispatching_unit": ("派出单位", "dispatching unit"),
    "inspectors": ("督查人员", "inspectors"),
    "present": ("在岗队员", "members present"),
    "absent": ("脱岗队员", "members absent"),
    "findings": ("抽查发现", "findings"),
    "run_id": ("考核编号", "assessment run"),
    "run_digest": ("考核摘要（SHA-256）", "run's digest (SHA-256)"),
    "proposal": ("建议", "proposal"),
    "proposed": ("建议内容", "as proposed"),
    "outcome": ("决定", "outcome"),
    "amended": ("修改内容", "amended"),
    # The filters of an export and the scope of a view (app/audit/entries.py, AuditFilter).
    "unit": ("单位", "unit"),
    "team": ("工作队", "team"),
    "person": ("人员", "person"),
    "actor": ("办理人", "actor"),
    "subject": ("对象", "subject"),
    "event": ("事项", "event"),
    "occurred_from": ("发生日期起", "occurred from"),
    "occurred_to": ("发生日期止", "occurred to"),
    "recorded_from": ("登记日期起", "recorded from"),
    "recorded_to": ("登记日期止", "recorded to"),
    "backdated_only": ("只看补录", "back-dated only"),
    "corrections_only": ("只看更正", "corrections only"),
    "backdated_days": ("补录天数", "back-dated after days"),
    "after": ("日志位置之后", "after log position"),
    "limit": ("条数上限", "at most"),
    "page": ("页", "page"),
    "identity": ("身份证号", "identity numbers"),
    "os_user": ("操作系统用户", "operating-system user"),
    "unmask": ("显示完整身份证号的依据", "grounds for identity numbers in full"),
}
# Never shown: kept in a field of its own by the language it is in (``flag_zh``, ``flag_en``).
HIDDEN = frozenset({"flag"})
OTHER_LANGUAGE = {"zh": "flag_en", "en": "flag_zh"}


# The values of lists whose members carry no Chinese of their own.
_PLAIN: dict[str, str] = {
    # domain.villages.Problem
    "weak_committees": "两委软弱涣散",
    "chaotic_affairs": "党务村务混乱",
    "many_disputes": "矛盾纠纷多",
    "lagging_development": "经济发展滞后",
    # domain.households.LeaveReason, domain.teams.LeaveHow
    "moved_out": "迁出",
    "dissolved": "注销",
    "recalled": "召回",
    "replaced": "轮换",
    "other": "其他",
    # domain.accounts.FailureCause
    "unknown_user": "用户名不存在",
    "wrong_password": "密码错误",
    "rate_limited": "失败次数过多，暂不受理",
    "suspended": "账号已停用",
    # domain.api_tokens.TokenFailure
    "malformed": "令牌格式不对",
    "unknown": "令牌不存在",
    "expired": "令牌已过期",
    "revoked": "令牌已撤销",
    "account": "令牌所属账号不能登录",
    # domain.ledger.findings.OpinionSource, OpinionCategory
    "questionnaire": "问卷",
    "symposium": "座谈会",
    "household_visit": "入户走访",
    "interview": "个别访谈",
    # domain.ledger.survey.IntervieweeCategory
    "committee_member": "两委成员",
    "party_member": "党员",
    "villager_representative": "村民代表",
    "poor_household": "贫困户",
    "villager": "村民",
}


def _plain(*enums: type[StrEnum]) -> dict[str, Words]:
    """The values of the domain's lists in words: their own Chinese and English where they
    have them (the first list that has them wins), else the words above and the value."""
    out: dict[str, Words] = {}
    for enum in enums:
        for member in enum:
            zh, en = getattr(member, "zh", None), getattr(member, "en", None)
            known = out.get(member.value)
            if known is not None and known[0] != _PLAIN.get(member.value, member.value):
                continue
            out[member.value] = (
                zh if isinstance(zh, str) else _PLAIN.get(member.value, member.value),
                en if isinstance(en, str) else member.value.replace("_", " "),
            )
    return out


_PROBLEMS = _plain(Problem)
VALUES: dict[str, dict[str, Words]] = {
    "gap_type": GAP_WORDS,  # the kinds of gap a rectification is about
    "level": _plain(Level, DispatchLevel),
    "unit_level": _plain(DispatchLevel),
    "kind": _plain(SiteKind, TableKind, PlanKind, ProposalKind),
    "outcome": _plain(Outcome),
    "rank": _plain(Rank),
    "previous_rank": _plain(Rank),
    "sector": _plain(Sector),
    "sector_group": _plain(SectorGroup),
    "group": _plain(SectorGroup),
    "problem": _PROBLEMS,
    "previous_problem": _PROBLEMS,
    "village_problem": _PROBLEMS,
    "how": _plain(LeaveReason, LeaveHow),
    "cause": _plain(FailureCause, TokenFailure),
    "tier": _plain(LeaveTier),
    "status": _plain(MeasureStatus, LeaveStatus),
    "assessment": _plain(CommitteeAssessment),
    "interviewee_category": _plain(IntervieweeCategory),
    "activity_kind": _plain(SurveyActivityKind),
    "source": _plain(OpinionSource),
    "category": _plain(MeasureCategory, OpinionCategory),
    "root_cause": _plain(RootCause),
    "sources": _plain(FundingSource),
    "role": {
        **_plain(Role),
        "leader": ("队长", "leader"),
        "member": ("队员", "member"),
        "operator": ("操作员（命令行）", "operator (command line)"),
        "anonymous": ("未登录", "not logged in"),
    },
    # Who and why, where the application itself writes them (app/accounts.py).
    "actor": {"anonymous": ("未登录的访问者", "anonymous")},
    "reason": {
        "web login": ("网页登录", "web login"),
        DEFAULT_REASON: ("审计导出", "audit export"),
        "网页查阅 web page": ("网页查阅", "looked at on a web page"),
        ADMIN_REASON: ("账号管理", "account administration"),
        "refused: jurisdiction": ("拒绝访问：超出管辖范围", "refused: outside the jurisdiction"),
        "refused: role": ("拒绝访问：角色不允许", "refused: role not allowed"),
    },
    "why": {
        "jurisdiction": ("超出管辖范围", "outside the jurisdiction"),
        "role": ("角色不允许", "role not allowed"),
    },
    "what": {
        "audit log": ("审计日志", "audit log"),
        "household page": ("户的页面", "household page"),
    },
    "format": {
        "xlsx": ("Excel 工作簿", "Excel workbook"),
        "csv": ("CSV 文件", "CSV file"),
        "json": ("JSON 文件", "JSON file"),
    },
    "identity": {"full": ("完整", "in full"), "masked": ("已遮盖", "masked")},
    "unmask": {
        "os_allow_list": ("在管理员名单上", "on the administrator's list"),
        "override": ("越权查阅", "override"),
    },
    "event": dict(WORDS),
    "corrected_event": dict(WORDS),
}
YES_NO = {True: ("是", "yes"), False: ("否", "no")}
MONEY = "_fen"  # amounts in fen; shown in yuan
FLAGS = ("backdated_only", "corrections_only", "unmasked")


def field_label(name: str, lang: str) -> str:
    """A field's label in the page's language; a field of no known name as it is."""
    words = FIELDS.get(name)
    return name if words is None else words[0 if lang == "zh" else 1]


def value_in_words(name: str, value: Any, lang: str) -> str:
    """A field's value in the page's language."""
    at = 0 if lang == "zh" else 1
    if value is None or value == "":
        return "–"
    if isinstance(value, bool) or (name in FLAGS and value in ("True", "False")):
        return YES_NO[value in (True, "True")][at]
    if name.endswith(MONEY) and isinstance(value, int):
        return f"{value / 100:,.2f}"
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(k, lang)}：{value_in_words(k, v, lang)}" for k, v in value.items()
        )
    if isinstance(value, str) and value[:1] == "[":
        listed = _list(value)
        if listed is not None:
            return "；".join(_item(name, item, lang) for item in listed)
    words = VALUES.get(name, {}).get(str(value))
    return str(value) if words is None else words[at]


def _item(name: str, item: Any, lang: str) -> str:
    if isinstance(item, dict):  # a plan's item, a letter's target: their texts, not their keys
        return " · ".join(value_in_words(name, v, lang) for v in item.values() if v)
    return value_in_words(name, item, lang)


def _list(text: str) -> list[Any] | None:
    """A list field as the entry's details hold it (its text, app/describe.py)."""
    try:
        found = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return found if isinstance(found, list) else None


def details_in_words(details: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """An entry's fields as (label, value) in the page's language."""
    hidden = HIDDEN | {OTHER_LANGUAGE[lang]}
    return [
        (field_label(k, lang), value_in_words(k, v, lang))
        for k, v in details.items()
        if k not in hidden
    ]
