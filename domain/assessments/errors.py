"""The assessments' refusals: a table of the same shape as ``domain/errors.py`` (code, field,
arguments, zh and en templates), printed with it in docs/errors.md
(``python -m domain.catalogue``)."""

from __future__ import annotations

from domain.errors import invalid, missing, name_rows, rule

# fmt: off

# -- rule sets -----------------------------------------------------------------------------------

InvalidAssessmentRulesError = invalid("invalid_assessment_rules", "rules", "where zh en",
    "考核规则的 {where} 不对：{zh}",
    "the assessment rules' {where} is invalid: {en}")

WeightsDoNotSumError = rule("weights_do_not_sum", "rules", "total expected",
    "考核规则各项权重之和为 {total}，应为 {expected}",
    "the assessment rules' weights add up to {total}; they must add up to {expected}")

UnknownAssessmentInputError = invalid("unknown_assessment_input", "rules", "where given known",
    "考核规则的 {where} 指标 {given!r} 不存在；可用的指标：{known}",
    "the assessment rules' {where} names no known input {given!r}; the inputs are: {known}")

RulesVersionNotNextError = rule("rules_version_not_next", "rules", "name given expected",
    "考核规则 {name} 的下一个版本应为 {expected}，不是 {given}",
    "the next version of assessment rules {name} is {expected}, not {given}")

EffectiveBeforeAdoptedError = rule("rules_effective_before_previous", "effective_from",
    "name version effective_from previous",
    "考核规则 {name} 第 {version} 版的生效日 {effective_from} 早于上一版的生效日 {previous}",
    "version {version} of assessment rules {name} takes effect on {effective_from}, before the "
    "previous version did ({previous})")

AssessmentRulesNotFoundError = missing("assessment_rules_not_found", "rules", "name field",
    "找不到考核规则 {name}",
    "no assessment rules {name}")

NoRulesInForceError = missing("no_assessment_rules_in_force", "rules", "last_day",
    "{last_day} 没有生效的考核规则：请先采用考核规则（adopt_assessment_rules）",
    "no assessment rules were in force on {last_day}: adopt a rule set first "
    "(adopt_assessment_rules)")

# -- 述职评议 -------------------------------------------------------------------------------

InvalidDocumentHashError = invalid("invalid_document_hash", "document_sha256", "",
    "述职报告的 SHA-256 应为 64 位十六进制数字",
    "the report's SHA-256 is 64 hexadecimal digits")

ReportAlreadySubmittedError = rule("report_already_submitted", "bodies", "team_name year body",
    "「{team_name}」{year} 年度的书面述职报告已报送{body}",
    "'{team_name}' already submitted its written report for {year} to {body}")

YearOutsideTermError = rule("year_outside_term", "year", "team_name year first last",
    "「{team_name}」的驻村期是 {first} 至 {last}，{year} 年度不在其中",
    "'{team_name}' served from {first} to {last}; {year} is not within its term")

VotesAboveAttendanceError = rule("votes_above_attendance", "votes", "votes attendance",
    "投票数 {votes} 多于到会人数 {attendance}",
    "{votes} votes is more than the {attendance} who attended")

EvaluationWithoutVotesError = invalid("evaluation_without_votes", "votes", "",
    "评议至少要有一票：请填写满意、基本满意、不满意的票数",
    "an evaluation has at least one vote: give the satisfied, basically satisfied and "
    "dissatisfied votes")

EvaluationAlreadyRecordedError = rule("evaluation_already_recorded", "year",
    "team_name year day",
    "「{team_name}」{year} 年度的述职评议已于 {day} 登记",
    "the evaluation of '{team_name}' for {year} was already recorded, held on {day}")

# -- runs ---------------------------------------------------------------------------------------

InvalidAssessmentPeriodError = invalid("invalid_assessment_period", "period", "period kind",
    "考核期 {period!r} 与考核类别 {kind} 不符：年度考核如 2014，半年检查如 2014H1、2014H2",
    "period {period!r} does not suit a {kind} assessment: annual as 2014, half-year as "
    "2014H1 or 2014H2")

PeriodNotEndedError = rule("period_not_ended", "period", "period last_day today",
    "考核期 {period} 到 {last_day} 才结束（今天是 {today}）：考核期结束后才能考核",
    "period {period} ends on {last_day} (today is {today}): an assessment runs once its "
    "period has ended")

RunNotFoundError = missing("assessment_run_not_found", "run", "run_id field",
    "找不到考核 {run_id}",
    "no assessment run {run_id}")

RunAlreadyPublishedError = rule("run_already_published", "run", "run_id by day",
    "考核 {run_id} 已由 {by} 于 {day} 发布",
    "assessment run {run_id} was already published by {by} on {day}")

TeamNotInRunError = missing("team_not_in_run", "team", "team_id run_id",
    "考核 {run_id} 中没有工作队 {team_id}",
    "assessment run {run_id} has no team {team_id}")

InputNotInRunError = missing("input_not_in_run", "input", "given known",
    "考核中没有指标 {given!r}；有：{known}",
    "the run has no input {given!r}; it has: {known}")

OtherRulesNameError = rule("other_rules_name", "rules", "given name",
    "只能与同一考核规则 {name} 的其他版本比较，不能是 {given}",
    "a what-if compares versions of the run's own rules, {name}, not {given}")

# -- spot checks --------------------------------------------------------------------------------

InspectorOfOwnUnitError = rule("inspector_of_own_unit", "inspectors", "name unit team_name",
    "督查人员 {name} 属于派出单位 {unit}，不能抽查本单位派出的「{team_name}」",
    "inspector {name} belongs to {unit}, the unit that dispatched '{team_name}', and cannot "
    "check it")

PresentAndAbsentError = rule("present_and_absent", "absent", "name",
    "{name} 不能既在岗又脱岗：请只列入在岗或脱岗其中之一",
    "{name} cannot be both present and absent: list them as one or the other")

SpotCheckWithoutInspectorsError = invalid("spot_check_without_inspectors", "inspectors", "",
    "抽查至少要有一名督查人员",
    "a spot check names at least one inspector")

SpotCheckWithoutMembersError = invalid("spot_check_without_members", "present", "",
    "抽查至少要登记一名在岗或脱岗的队员",
    "a spot check lists at least one member found present or absent")

# -- decisions ----------------------------------------------------------------------------------

RunNotPublishedError = rule("run_not_published", "run", "run_id",
    "考核 {run_id} 尚未发布：发布后才能对其建议作出决定",
    "assessment run {run_id} is not published: its proposals are decided once it is")

ProposalNotFoundError = missing("proposal_not_found", "proposal", "proposal run_id",
    "考核 {run_id} 没有建议 {proposal}",
    "assessment run {run_id} proposes no {proposal}")

ProposalAlreadyDecidedError = rule("proposal_already_decided", "proposal",
    "proposal outcome_zh outcome by day",
    "建议 {proposal} 已由 {by} 于 {day} 决定（{outcome_zh}）",
    "proposal {proposal} was already decided by {by} on {day} ({outcome})")

DecisionWithoutReasonError = invalid("decision_without_reason", "why", "outcome_zh outcome",
    "{outcome_zh}建议须说明理由",
    "to {outcome} a proposal, give the reason")

AmendmentNotAllowedError = invalid("amendment_not_allowed", "amend", "kind_zh kind allowed",
    "{kind_zh}建议只能修改：{allowed}",
    "a {kind} proposal can be amended in: {allowed}")
# fmt: on

name_rows(globals())
