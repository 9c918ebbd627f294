"""Events in words, for people: what happened, in Chinese and English."""

from __future__ import annotations

from typing import Any

META_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor_id",
    "actor_role",
    "occurred_on",
    "reason",
}

# Fields no output shows at all (an account's password hash).
SECRET_FIELDS = {"password_hash", "session", "secret_hash"}

WORDS: dict[str, tuple[str, str]] = {
    "Unit.Opened": ("设立单位", "unit opened"),
    "Unit.Renamed": ("单位更名", "unit renamed"),
    "Unit.Moved": ("调整隶属", "unit moved under another parent"),
    "Unit.Merged": ("并入其他单位", "unit merged into another"),
    "Unit.Closed": ("撤销单位", "unit closed"),
    "Unit.DeclaredPoor": ("认定为贫困村", "village declared poor"),
    "Unit.ExitedPoverty": ("贫困村脱贫", "village exited poverty"),
    "Household.Registered": ("登记户", "household registered"),
    "Household.Moved": ("户迁移", "household moved"),
    "Household.Left": ("户迁出或注销", "household left"),
    "Household.Linked": ("挂靠党员中心户", "household linked to a central household"),
    "Household.Unlinked": ("解除与中心户的联系", "household unlinked"),
    "PartyMember.Joined": ("党员入册", "party member joined"),
    "PartyMember.TransferredOut": ("党员转出", "party member transferred out"),
    "PartyMember.Died": ("党员去世", "party member died"),
    "CentralHousehold.Designated": ("确定党员中心户", "central household designated"),
    "CentralHousehold.Redesignated": ("重新确定党员中心户", "central household designated again"),
    "CentralHousehold.PartyMemberChanged": ("更换中心户党员", "central household taken over"),
    "CentralHousehold.Ended": ("撤销党员中心户", "central household ended"),
    "Site.Opened": ("设立服务场所", "service site opened"),
    "Site.Reopened": ("重新启用服务场所", "service site reopened"),
    "Site.ResponsibleAssigned": ("确定负责人", "person responsible assigned"),
    "Site.Closed": ("关闭服务场所", "service site closed"),
    "CommandReceipt.Received": ("收到命令", "command received"),
    "CommandReceipt.Answered": ("答复已记下", "answer to a command recorded"),
    # -- work teams --
    "DispatchingUnit.Registered": ("登记派出单位", "dispatching unit registered"),
    "VillageProfile.Classified": ("村分类", "village classified"),
    "VillageProfile.Reclassified": ("村重新分类", "village classified again"),
    "Cadre.Registered": ("登记干部", "cadre registered"),
    "Cadre.RankChanged": ("干部职级变动", "cadre's rank changed"),
    "Cadre.JoinedParty": ("干部入党", "cadre joined the party"),
    "Cadre.LeftParty": ("干部不再是党员", "cadre no longer a party member"),
    "Cadre.FlagsChanged": ("年轻干部、后备干部标记变动", "young / reserve cadre flags changed"),
    "Cadre.JoinedTeam": ("干部入驻工作队", "cadre joined a work team"),
    "Cadre.LeftTeam": ("干部离开工作队", "cadre left a work team"),
    "Team.Dispatched": ("派驻工作队", "work team dispatched"),
    "Team.MemberJoined": ("队员入队", "member joined the team"),
    "Team.LeaderChanged": ("更换队长", "team leader changed"),
    "Team.MemberLeft": ("队员离队", "member left the team"),
    "Team.TermExtended": ("驻村期延长", "team's term extended"),
    "Team.TermEnded": ("结束驻村", "team's term ended"),
    "MemberMonth.Started": ("开始本月驻村记录", "month's residency record started"),
    "MemberMonth.CheckedIn": ("驻村签到", "checked in"),
    "MemberMonth.LeaveGranted": ("批准的假期", "days of approved leave"),
    "MemberMonth.FoundAbsent": ("抽查发现脱岗", "found absent on a spot check"),
    "MemberMonth.DiaryWritten": ("写民情日记", "work diary entry written"),
    "MemberMonth.HouseholdVisited": ("走访入户", "household visited"),
    "LeaveRequest.Requested": ("请假", "leave requested"),
    "LeaveRequest.Approved": ("批准请假", "leave approved"),
    "LeaveRequest.Rejected": ("驳回请假", "leave rejected"),
    "VillageProfile.ProblemsCited": ("村分类所依据的问题", "problems the village's class rests on"),
    # -- the village work ledger --
    "VillageSurvey.Started": ("开始摸底排查", "survey of the village started"),
    "VillageSurvey.FormRegistered": ("填报贫困村简要情况登记表", "registration form filled in"),
    "VillageSurvey.PeriodSet": ("确定摸底排查时段", "survey period set"),
    "VillageSurvey.TablesRecorded": ("发放收回问卷、统计表", "questionnaires or tables counted"),
    "VillageSurvey.SymposiumHeld": ("召开座谈会", "symposium held"),
    "VillageSurvey.InterviewHeld": ("个别访谈", "individual interview held"),
    "VillageSurvey.ActivityWithdrawn": (
        "撤销登记错的摸底排查活动",
        "survey activity withdrawn as recorded in error",
    ),
    "Opinion.Collected": ("收集意见建议", "opinion collected"),
    "SurveyProblem.Found": ("排查出突出问题", "problem found"),
    "VillagePlan.Drafted": ("起草帮扶规划", "plan drafted"),
    "VillagePlan.Revised": ("修订帮扶规划", "plan revised"),
    "VillagePlan.Approved": ("批准帮扶规划", "plan approved"),
    "Measure.Planned": ("制定帮扶措施", "measure planned"),
    "Measure.StatusChanged": ("帮扶措施状态变更", "measure's status changed"),
    "Measure.ProgressNoted": ("记录帮扶措施进展", "measure's progress noted"),
    "ResponsibilityLetter.Signed": ("签订工作目标责任书", "responsibility letter signed"),
    # -- assessments --
    "AssessmentRuleSet.Adopted": ("采用考核规则", "assessment rules adopted"),
    "AssessmentRuleSet.Revised": ("修订考核规则", "assessment rules revised"),
    "AssessmentRun.Recorded": ("进行考核", "assessment run recorded"),
    "AssessmentRun.TeamAssessed": ("记录工作队考核结果", "a team's assessment result recorded"),
    "AssessmentRun.Published": ("公布考核结果", "assessment published"),
    "SpotCheck.Recorded": ("不定期抽查", "spot check recorded"),
    "AssessmentDecision.Decided": ("对考核建议作出决定", "decision on an assessment's proposal"),
    "TeamEvaluation.Started": ("开始述职评议", "evaluation of a team started"),
    "TeamEvaluation.ReportSubmitted": ("提交书面述职报告", "written report submitted"),
    "TeamEvaluation.Evaluated": ("现场述职评议", "team evaluated on site"),
    "SixHaveGoal.TargetSet": ("设定六有目标", "six-haves goal set"),
    "SixHaveGoal.TargetRevised": ("修订六有目标", "six-haves target revised"),
    "SixHaveGoal.EvidenceAdded": ("登记六有证据", "six-haves evidence added"),
    "SixHaveGoal.StatusJudged": ("评定六有目标状态", "six-haves status judged"),
    "FundAccount.Opened": ("开设资金账", "a village's account of a source of funds opened"),
    "FundAccount.Allocated": ("拨入资金", "funds allocated"),
    "FundAccount.Spent": ("资金支出", "funds spent"),
    "FundAccount.Reversed": ("冲销资金记录", "funding entry reversed"),
    # -- corrections and audited reads --
    "Correction.Recorded": ("更正此前的记录", "an earlier entry corrected"),
    # -- rectifications of gaps --
    "Rectification.Assigned": ("交办整改", "gap assigned for rectification"),
    "Rectification.Reassigned": ("重新交办整改", "rectification reassigned"),
    "DataAccess.Exported": ("导出数据", "data exported"),
    "DataAccess.PersonalDataViewed": ("查看个人信息", "personal data viewed"),
    # -- web accounts and their access record --
    "Account.Added": ("新增账号", "account added"),
    "Account.PasswordChanged": ("修改账号密码", "account password changed"),
    "Account.Suspended": ("停用账号", "account suspended"),
    "Account.Resumed": ("恢复账号", "account resumed"),
    "Account.BoundToCadre": ("账号绑定干部本人", "account bound to its cadre"),
    "LoginGuard.Opened": ("开始记录登录尝试", "login tries first counted"),
    "LoginGuard.TryTaken": ("尝试登录", "login tried"),
    "LoginGuard.Cleared": ("登录成功，尝试次数清零", "login tries cleared by a login"),
    "AccessLog.LoggedIn": ("登录", "logged in"),
    "AccessLog.LoggedOut": ("退出登录", "logged out"),
    "AccessLog.LoginFailed": ("登录失败", "login failed"),
    "AccessLog.AccessRefused": ("访问被拒绝", "access refused"),
    "ApiToken.Issued": ("生成 API 令牌", "API token issued"),
    "ApiToken.Revoked": ("撤销 API 令牌", "API token revoked"),
    "TokenAccess.Used": ("用 API 令牌访问", "access with an API token"),
    "TokenAccess.Refused": ("API 令牌被拒绝", "API token refused"),
}


def event_type(event: Any) -> str:
    return type(event).__qualname__


def describe(event: Any) -> tuple[str, str]:
    name = event_type(event)
    return WORDS.get(name, (name, name))


def details(event: Any, unmasked: bool = False) -> dict[str, Any]:
    """The event's own fields, identity numbers masked (unless ``unmasked``: for the roles
    allowed, see domain/access.py), ids as strings."""
    from domain.identity import mask_identity_number

    out: dict[str, Any] = {}
    plain = _PLAIN
    for key, value in vars(event).items():
        if key in META_FIELDS:
            continue
        kind = type(value)
        if kind is str:
            if key in _GUARDED:
                if key == "id_number" and not unmasked:
                    value = mask_identity_number(value)
                elif key in SECRET_FIELDS:
                    value = "***"  # never shown, to anyone
            out[key] = value
        elif key in SECRET_FIELDS:
            out[key] = "***"
        elif kind in plain:
            out[key] = value
        elif kind is dict:
            out[key] = {str(k): str(v) for k, v in value.items()}
        else:
            out[key] = value if isinstance(value, str | int | float | bool) else str(value)
    return out


_PLAIN = {int, float, bool, type(None)}
_GUARDED = {"id_number"} | SECRET_FIELDS


def history_row(logged: Any) -> dict[str, Any]:
    """One event for people: where in the log, when, who, what and why."""
    e = logged.event
    zh, en = describe(e)
    return {
        "position": logged.position,
        "recorded_at": e.timestamp.isoformat(),
        "occurred_on": e.occurred_on,
        "actor": e.actor_id,
        "role": e.actor_role,
        "event": event_type(e),
        "what_zh": zh,
        "what_en": en,
        "subject": str(e.originator_id),
        "details": details(e),
        "reason": e.reason,
    }
