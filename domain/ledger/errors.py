"""The ledger's refusals: a table of the same shape as ``domain/errors.py`` (code, field,
arguments, zh and en templates), printed with it in docs/errors.md
(``python -m domain.catalogue``)."""

from __future__ import annotations

from domain.errors import invalid, missing, name_rows, refusal, rule

# fmt: off

# -- the survey (摸底排查) ----------------------------------------------------------------------

ReturnedMoreThanHandedOutError = rule("returned_more_than_handed_out", "returned",
    "returned handed_out kind_zh kind_en",
    "收回的{kind_zh} {returned} 份多于发出的 {handed_out} 份",
    "{returned} {kind_en} returned is more than the {handed_out} handed out")

SymposiumWithoutParticipantsError = rule("symposium_without_participants", "participants", "",
    "座谈会至少要有一位参加者：请填写各类参加人数",
    "a symposium has at least one participant: give the number of each category who took part")

InvalidSurveyPeriodError = invalid("invalid_survey_period", "last_day", "first_day last_day",
    "摸底排查的最后一天 {last_day} 早于第一天 {first_day}",
    "the survey's last day {last_day} is before its first day {first_day}")

SurveyActivityNotFoundError = missing("survey_activity_not_found", "activity",
    "activity village",
    "村 {village} 的摸底排查中没有编号为 {activity} 的活动（问卷统计表、座谈会或个别访谈）",
    "village {village}'s survey has no activity numbered {activity} "
    "(tables counted, a symposium or an interview)")

SurveyActivityWithdrawnError = rule("survey_activity_already_withdrawn", "activity",
    "activity village kind_zh kind_en",
    "村 {village} 的摸底排查活动 {activity}（{kind_zh}）已经撤销",
    "activity {activity} ({kind_en}) of village {village}'s survey is already withdrawn")

OpinionNotFoundError = missing("opinion_not_found", "opinions", "opinion_id field",
    "找不到意见 {opinion_id}",
    "no opinion {opinion_id}")

OpinionOfOtherVillageError = rule("opinion_of_other_village", "opinions",
    "opinion_id village other_village",
    "意见 {opinion_id} 是在村 {other_village} 收集的，不是村 {village} 的意见",
    "opinion {opinion_id} was collected in village {other_village}, not in village {village}")

SurveyProblemNotFoundError = missing("survey_problem_not_found", "problems", "problem_id field",
    "找不到排查出的问题 {problem_id}",
    "no problem found by a survey with id {problem_id}")

ProblemOfOtherVillageError = rule("problem_of_other_village", "problems",
    "problem_id village other_village",
    "问题 {problem_id} 是村 {other_village} 排查出的，不是村 {village} 的问题",
    "problem {problem_id} was found in village {other_village}, not in village {village}")

RootCauseUnexplainedError = rule("root_cause_unexplained", "root_cause_text", "",
    "致贫根源为“其他”（other）时，请写明是什么根源（root_cause_text）",
    "a root cause of 'other' needs the cause in words (root_cause_text)")

# -- plans (帮扶规划) ----------------------------------------------------------------------------

PlanNotFoundError = missing("plan_not_found", "plan", "plan_id field",
    "找不到帮扶规划 {plan_id}",
    "no plan {plan_id}")

PlanWithoutItemsError = invalid("plan_without_items", "items", "",
    "规划至少要有一项内容：请在 items 中列出各项（编号、内容、类别）",
    "a plan has at least one item: list them in items (key, text, category)")

DuplicatePlanItemError = invalid("duplicate_plan_item", "items", "key",
    "规划内容的编号 {key} 重复：每项的编号在规划内唯一",
    "the plan item key {key} is given twice: each item's key is unique within its plan")

PlanItemNotFoundError = missing("plan_item_not_found", "item", "key plan_id field",
    "帮扶规划 {plan_id} 中没有编号为 {key} 的内容",
    "plan {plan_id} has no item {key}")

ApproverNotOverVillageError = rule("approver_not_over_village", "approver_unit",
    "unit village",
    "批准单位 {unit} 不是村 {village} 所在的乡镇或县（区）：规划由乡镇或县（区）批准",
    "the approving unit {unit} is not the township or county of village {village}: "
    "a plan is approved by its village's township or county")

OwnPlanApprovedError = rule("own_plan_approved", "approver", "approver",
    "{approver} 参与了这份规划的起草或修订，不能批准自己的规划",
    "{approver} drafted or revised this plan and may not approve their own plan")

PlanDatedBeforeDraftingError = rule("dated_before_plan_drafted", "occurred_on",
    "what_zh what_en day drafted_on",
    "{what_zh}日期 {day} 早于规划的起草日期 {drafted_on}",
    "{what_en} dated {day} is before the plan was drafted on {drafted_on}")

PlanAlreadyApprovedError = rule("plan_already_approved", "plan", "plan_id revision",
    "规划 {plan_id} 的第 {revision} 稿已经批准；修订后才能再次批准",
    "revision {revision} of plan {plan_id} is approved already; revise it to approve again")

# -- measures (帮扶措施) ------------------------------------------------------------------------

MeasureNotFoundError = missing("measure_not_found", "measure", "measure_id field",
    "找不到帮扶措施 {measure_id}",
    "no measure {measure_id}")

PlanOfOtherVillageError = rule("plan_of_other_village", "plan",
    "plan_id village other_village field",
    "规划 {plan_id} 是村 {other_village} 的规划，不是村 {village} 的",
    "plan {plan_id} is village {other_village}'s, not village {village}'s")

PlanNotApprovedError = rule("plan_not_approved", "plan", "plan_id",
    "规划 {plan_id} 尚未批准：措施服务于已批准的规划",
    "plan {plan_id} is not approved yet: a measure serves an approved plan")

MeasureBeforePlanError = rule("measure_before_plan", "occurred_on", "day approved_on",
    "措施日期 {day} 早于其规划的批准日期 {approved_on}",
    "a measure dated {day} is before its plan was approved on {approved_on}")

DueBeforePlannedError = invalid("due_before_planned", "due_on", "due_on day",
    "完成期限 {due_on} 早于措施日期 {day}",
    "the due date {due_on} is before the measure's date {day}")

BudgetWithoutSourcesError = invalid("budget_without_sources", "sources", "",
    "有预算的措施要写明资金来源（集体自筹、财政投入、党费补贴、城乡统筹）",
    "a measure with a budget names its funding sources "
    "(collective_self_raised, fiscal, party_fee, urban_rural)")

IllegalMeasureTransitionError = rule("illegal_measure_transition", "status",
    "status_from status_to from_zh to_zh",
    "措施的状态不能从“{from_zh}”改为“{to_zh}”：计划 → 实施中 → 已完成，或放弃",
    "a measure cannot go from {status_from} to {status_to}: "
    "planned → under_way → done, or dropped")

DropWithoutReasonError = invalid("drop_without_reason", "because", "",
    "放弃措施要写明原因（because）",
    "dropping a measure needs its reason (because)")

DatedBeforeMeasureError = rule("dated_before_measure", "occurred_on", "day planned_on",
    "日期 {day} 早于措施的制定日期 {planned_on}",
    "{day} is before the measure was planned on {planned_on}")

# -- responsibility letters (工作目标责任书) ------------------------------------------------------

UnitNotServingVillageError = rule("unit_not_serving_village", "team", "unit village day",
    "派出单位 {unit} 在 {day} 没有驻村 {village} 的工作队：责任书由驻该村的派出单位签订",
    "dispatching unit {unit} had no team in village {village} on {day}: "
    "a letter is signed by a unit serving the village")

InvalidLetterTermError = invalid("invalid_letter_term", "term_ends_on", "starts ends",
    "责任书的期限止于 {ends}，早于起始日 {starts}",
    "the letter's term ends on {ends}, before it starts on {starts}")

LetterWithoutTargetsError = invalid("letter_without_targets", "targets", "",
    "责任书至少要有一项目标：请在 targets 中列出（内容、规划、规划内容编号）",
    "a letter has at least one target: list them in targets (text, plan, item)")

# -- duties and the 六有 goals ---------------------------------------------------------------

VillageNotPoorError = rule("village_not_poor", "village", "village day",
    "村 {village} 在 {day} 不是贫困村：六有目标为贫困村设定",
    "village {village} was not a poor village on {day}: the six-haves goals are set for "
    "poor villages")

SixHaveGoalNotSetError = missing("six_have_goal_not_set", "goal", "village goal_zh goal",
    "村 {village} 还没有设定六有目标“{goal_zh}”：先用 set_six_have_goal 设定",
    "village {village} has no goal set for {goal}: set it first (set_six_have_goal)")

DatedBeforeGoalSetError = rule("dated_before_goal_set", "occurred_on",
    "what_zh what_en day set_on",
    "{what_zh}日期 {day} 早于该六有目标的设定日期 {set_on}",
    "{what_en} dated {day} is before the goal was set on {set_on}")

EvidenceWithoutDocumentError = invalid("evidence_without_document", "title", "field",
    "证据是一份文件：请写明它的标题（title）、类别（kind）和日期（dated）",
    "evidence is a document: give its title (title), kind (kind) and date (dated)")

EvidenceWithoutFileError = invalid("evidence_without_file", "file", "",
    "证据要附上文件：先用 zhucun ledger attach 存入文件，再以它给出的 SHA-256 填写 file",
    "evidence needs its file: store it with zhucun ledger attach and give the SHA-256 it "
    "prints as file")

EvidenceFileNotFoundError = missing("evidence_file_not_found", "file", "sha256",
    "存储中没有 SHA-256 为 {sha256} 的文件：先用 zhucun ledger attach 存入",
    "the store holds no file with SHA-256 {sha256}: store it first (zhucun ledger attach)")

EvidenceAlreadyCitedError = rule("evidence_already_cited", "file", "sha256 goal_zh goal",
    "文件 {sha256} 已是六有目标“{goal_zh}”的证据",
    "the file {sha256} is evidence for {goal} already")

DocumentDatedAfterEvidenceError = invalid("document_dated_after_evidence", "dated", "dated day",
    "文件日期 {dated} 晚于登记这份证据的日期 {day}",
    "the document is dated {dated}, after the day it is added as evidence ({day})")

StatusWithoutJudgeError = invalid("status_without_judge", "judged_by", "",
    "六有目标的状态由一位具名的评定人评定：请填写评定人（judged_by）",
    "a goal's status is judged by a named official: give who judged it (judged_by)")

JudgeNotOverVillageError = rule("judge_not_over_village", "judge_unit", "unit village",
    "评定单位 {unit} 不是村 {village} 的上级（所在乡镇、县（区）或市）",
    "the judging unit {unit} is not over village {village} (its township, county or city)")

MetWithoutEvidenceError = rule("met_without_evidence", "status", "goal_zh goal day",
    "六有目标“{goal_zh}”到 {day} 还没有任何证据，不能评定为已达到",
    "{goal} has no evidence by {day}: it cannot be judged met")

FileTooLargeError = rule("file_too_large", "file", "size most",
    "文件有 {size} 字节，超过了上限 {most} 字节（设置 ZHUCUN_MAX_FILE_BYTES）",
    "the file is {size} bytes, over the limit of {most} bytes (setting ZHUCUN_MAX_FILE_BYTES)")

EmptyFileError = invalid("empty_file", "file", "",
    "文件是空的（0 字节），不能作为证据",
    "the file is empty (0 bytes) and cannot be evidence")

StoredFileAlteredError = refusal("stored_file_altered", "file", "sha256",
    "存储中 SHA-256 为 {sha256} 的文件内容与其 SHA-256 不符：已被改动，没有输出",
    "the stored bytes of file {sha256} no longer match their SHA-256: they were altered, "
    "nothing was written out")
# fmt: on

name_rows(globals())

# -- four-source funding (四位一体资金) ---------------------------------------------------------
# fmt: off

AllocationWithoutPlanError = invalid("allocation_without_plan", "plan", "",
    "拨入资金要写明它支持的规划（plan）或措施（measure）",
    "an allocation names the plan (plan) or the measure (measure) it is for")

FundsBeforePlanError = rule("funds_before_plan", "occurred_on", "day plan_id approved_on",
    "资金日期 {day} 早于规划 {plan_id} 的批准（{approved_on}）：资金用于已批准的规划",
    "funds dated {day} come before plan {plan_id} was approved ({approved_on}): "
    "funds serve an approved plan")

MeasureOfOtherVillageError = rule("measure_of_other_village", "measure",
    "measure_id village other_village",
    "措施 {measure_id} 是村 {other_village} 的措施，不是村 {village} 的",
    "measure {measure_id} is village {other_village}'s, not village {village}'s")

MeasureOfOtherPlanError = rule("measure_of_other_plan", "measure", "measure_id plan_id",
    "措施 {measure_id} 不属于规划 {plan_id}：只写措施即可，规划随措施",
    "measure {measure_id} does not serve plan {plan_id}: give the measure alone, its plan "
    "goes with it")

MeasureDroppedError = rule("measure_dropped", "measure", "measure_id dropped_on day",
    "措施 {measure_id} 已于 {dropped_on} 放弃，{day} 不能再为它拨款或支出",
    "measure {measure_id} was dropped on {dropped_on}: no funds go to it on {day}")

SourceNotOfMeasureError = rule("source_not_of_measure", "source",
    "source measure_id sources",
    "措施 {measure_id} 的资金来源是 {sources}，不包括 {source}",
    "measure {measure_id} is funded from {sources}, not from {source}")

AmountNotPositiveError = invalid("amount_not_positive", "amount", "",
    "金额应大于 0 元",
    "the amount must be more than 0 yuan")

DuplicateVoucherError = rule("duplicate_voucher", "voucher",
    "voucher village source_zh source_en used_on",
    "村 {village} 的{source_zh}资金已有凭证号 {voucher}（{used_on}）：凭证号在村和资金来源内唯一",
    "village {village} has a {source_en} entry with voucher {voucher} already ({used_on}): "
    "a voucher number is used once per village and source")

VoucherNotFoundError = missing("voucher_not_found", "voucher",
    "voucher village source_zh source_en",
    "村 {village} 的{source_zh}资金中没有凭证号 {voucher}",
    "village {village} has no {source_en} entry with voucher {voucher}")

FundEntryAlreadyReversedError = rule("fund_entry_already_reversed", "voucher",
    "voucher reversed_on",
    "凭证号 {voucher} 的记录已于 {reversed_on} 冲销",
    "the entry with voucher {voucher} was reversed on {reversed_on} already")

ReversalBeforeEntryError = rule("reversal_before_entry", "occurred_on", "day entry_on voucher",
    "冲销日期 {day} 早于凭证号 {voucher} 的记录日期 {entry_on}",
    "a reversal dated {day} is before the entry with voucher {voucher} ({entry_on})")

FundsOverspentError = rule("funds_overspent", "amount",
    "village source_zh source_en day allocated spent field",
    "村 {village} 的{source_zh}资金到 {day} 拨入 {allocated} 元，支出将达 {spent} 元："
    "支出不能超过拨入",
    "village {village} would have spent {spent} yuan of {source_en} funds by {day}, more than "
    "the {allocated} yuan allocated to it")
# fmt: on

name_rows(globals())
