"""Every refusal has a name, the field it concerns and a message in Chinese and English.

A township clerk reads these: they say what is wrong and, where it helps, what to do instead.
"""

from __future__ import annotations


class ZhucunError(Exception):
    """Base of every refusal. ``code`` is stable and machine-readable."""

    code = "error"

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.field = field
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "field": self.field, "zh": self.zh, "en": self.en}


class InvalidInputError(ZhucunError):
    """Malformed input: a missing field, a wrong type, a bad format."""

    code = "invalid_input"


class NotFoundError(ZhucunError):
    code = "not_found"


class RuleViolation(ZhucunError):
    """Well-formed input that the rules of the programme refuse."""

    code = "rule_violation"


# -- dates ------------------------------------------------------------------------------------


class FutureDateError(RuleViolation):
    code = "future_date"

    def __init__(self, occurred_on: str, today: str) -> None:
        super().__init__(
            "occurred_on",
            f"发生日期 {occurred_on} 晚于今天 {today}，不能登记未来的事",
            f"occurred_on {occurred_on} is after today ({today}); "
            "events cannot be recorded in advance",
        )


class DatedBeforeOpeningError(RuleViolation):
    code = "dated_before_opening"

    def __init__(self, what_zh: str, what_en: str, occurred_on: str, opened_on: str) -> None:
        super().__init__(
            "occurred_on",
            f"发生日期 {occurred_on} 早于{what_zh}的起始日期 {opened_on}",
            f"occurred_on {occurred_on} is before {what_en} began on {opened_on}",
        )


class DatedAfterClosingError(RuleViolation):
    code = "dated_after_closing"

    def __init__(self, what_zh: str, what_en: str, occurred_on: str, closed_on: str) -> None:
        super().__init__(
            "occurred_on",
            f"发生日期 {occurred_on} 晚于{what_zh}的终止日期 {closed_on}",
            f"occurred_on {occurred_on} is after {what_en} ended on {closed_on}",
        )


# -- administrative units ---------------------------------------------------------------------


class DuplicateCodeError(RuleViolation):
    code = "duplicate_code"

    def __init__(self, unit_code: str, existing_name: str) -> None:
        super().__init__(
            "code",
            f"区划代码 {unit_code} 已被「{existing_name}」使用",
            f"code {unit_code} is already used by '{existing_name}'",
        )


class InvalidCodeError(InvalidInputError):
    code = "invalid_code"

    def __init__(self, unit_code: str, level_zh: str, level: str, length: int) -> None:
        super().__init__(
            "code",
            f"区划代码 {unit_code!r} 不对：{level_zh}代码应为 {length} 位数字",
            f"code {unit_code!r} is invalid: a {level} code has {length} digits",
        )


class WrongParentLevelError(RuleViolation):
    code = "wrong_parent_level"

    def __init__(
        self,
        level_zh: str,
        level: str,
        parent_level_zh: str,
        parent_level: str,
        expected_zh: str,
        expected: str,
    ) -> None:
        super().__init__(
            "parent",
            f"{level_zh}的上级应为{expected_zh}，不能挂在{parent_level_zh}下",
            f"a {level} must sit under a {expected}, not under a {parent_level}",
        )


class UnitNotFoundError(NotFoundError):
    code = "unit_not_found"

    def __init__(self, unit_code: str, field: str = "unit") -> None:
        super().__init__(
            field,
            f"找不到区划代码为 {unit_code} 的单位",
            f"no unit with code {unit_code}",
        )


class UnitClosedError(RuleViolation):
    code = "unit_closed"

    def __init__(self, unit_code: str, name: str, closed_on: str, field: str = "unit") -> None:
        super().__init__(
            field,
            f"「{name}」({unit_code}) 已于 {closed_on} 撤销，不能再办理",
            f"'{name}' ({unit_code}) was closed on {closed_on}; nothing more can be done on it",
        )


class MergeTargetError(RuleViolation):
    code = "invalid_merge_target"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__("into", zh, en)


class NotAVillageError(RuleViolation):
    code = "not_a_village"

    def __init__(self, unit_code: str, level_zh: str, level: str, field: str = "unit") -> None:
        super().__init__(
            field,
            f"{unit_code} 是{level_zh}，不是村",
            f"{unit_code} is a {level}, not a village",
        )


class NotAGroupError(RuleViolation):
    code = "not_a_villager_group"

    def __init__(self, unit_code: str, level_zh: str, level: str, field: str = "group") -> None:
        super().__init__(
            field,
            f"{unit_code} 是{level_zh}，不是村民小组；户只能登记在村民小组",
            f"{unit_code} is a {level}, not a villager group; "
            "households are registered in villager groups",
        )


class PovertyStatusError(RuleViolation):
    code = "poverty_status"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__("unit", zh, en)


# -- households -------------------------------------------------------------------------------


class HouseholdNotFoundError(NotFoundError):
    code = "household_not_found"

    def __init__(self, household_id: str, field: str = "household") -> None:
        super().__init__(field, f"找不到户 {household_id}", f"no household {household_id}")


class HouseholdEndedError(RuleViolation):
    code = "household_ended"

    def __init__(self, head_name: str, ended_on: str, field: str = "household") -> None:
        super().__init__(
            field,
            f"户主为{head_name}的户已于 {ended_on} 迁出或注销，不能再办理",
            f"the household of {head_name} left on {ended_on}; nothing more can be done on it",
        )


class HouseholdInOtherVillageError(RuleViolation):
    code = "household_in_other_village"

    def __init__(self, head_name: str, village: str, other_village: str) -> None:
        super().__init__(
            "household",
            f"户主为{head_name}的户属于村 {village}，不能联系村 {other_village} 的中心户",
            f"the household of {head_name} belongs to village {village}; it cannot be linked "
            f"to a central household of village {other_village}",
        )


class HouseholdAlreadyLinkedError(RuleViolation):
    code = "household_already_linked"

    def __init__(self, head_name: str) -> None:
        super().__init__(
            "household",
            f"户主为{head_name}的户已联系一个中心户，请先解除原联系再重新联系",
            f"the household of {head_name} is already linked to a central household; "
            "unlink it first",
        )


class HouseholdNotLinkedError(RuleViolation):
    code = "household_not_linked"

    def __init__(self, head_name: str) -> None:
        super().__init__(
            "household",
            f"户主为{head_name}的户没有联系这个中心户",
            f"the household of {head_name} is not linked to this central household",
        )


class InvalidIdentityNumberError(InvalidInputError):
    code = "invalid_identity_number"

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            "id_number",
            f"身份证号码不对：{reason_zh}",
            f"identity number is invalid: {reason_en}",
        )


# -- party members and central households -----------------------------------------------------


class PartyMemberNotFoundError(NotFoundError):
    code = "party_member_not_found"

    def __init__(self, member_id: str, field: str = "party_member") -> None:
        super().__init__(field, f"找不到党员 {member_id}", f"no party member {member_id}")


class NotActivePartyMemberError(RuleViolation):
    code = "not_active_party_member"

    def __init__(
        self, name: str, village: str, why_zh: str, why_en: str, field: str = "party_member"
    ) -> None:
        super().__init__(
            field,
            f"{name} 不是村 {village} 的在册党员（{why_zh}）",
            f"{name} is not an active party member of village {village} ({why_en})",
        )


class CentralHouseholdNotFoundError(NotFoundError):
    code = "central_household_not_found"

    def __init__(self, ch_id: str, field: str = "central_household") -> None:
        super().__init__(field, f"找不到党员中心户 {ch_id}", f"no central household {ch_id}")


class CentralHouseholdEndedError(RuleViolation):
    code = "central_household_ended"

    def __init__(self, ended_on: str, field: str = "central_household") -> None:
        super().__init__(
            field,
            f"这个党员中心户已于 {ended_on} 撤销",
            f"this central household was ended on {ended_on}",
        )


class AlreadyCentralHouseholdError(RuleViolation):
    code = "already_central_household"

    def __init__(self, head_name: str) -> None:
        super().__init__(
            "party_member",
            f"户主为{head_name}的户已经是党员中心户",
            f"the household of {head_name} is already a central household",
        )


# -- service sites ----------------------------------------------------------------------------


class SiteLevelError(RuleViolation):
    code = "site_on_wrong_level"

    def __init__(
        self,
        kind_zh: str,
        kind: str,
        unit_code: str,
        level_zh: str,
        level: str,
        allowed_zh: str,
        allowed: str,
    ) -> None:
        super().__init__(
            "kind",
            f"{kind_zh}只能设在{allowed_zh}，{unit_code} 是{level_zh}",
            f"a {kind} can only be opened on a {allowed}; {unit_code} is a {level}",
        )


class SiteAlreadyOpenError(RuleViolation):
    code = "site_already_open"

    def __init__(self, unit_code: str, name: str) -> None:
        super().__init__(
            "unit",
            f"{unit_code} 已有在运行的服务场所「{name}」",
            f"{unit_code} already has an open service site, '{name}'",
        )


class SiteNotFoundError(NotFoundError):
    code = "site_not_found"

    def __init__(self, unit_code: str) -> None:
        super().__init__(
            "unit", f"{unit_code} 没有设立服务场所", f"{unit_code} has no service site"
        )


class SiteClosedError(RuleViolation):
    code = "site_closed"

    def __init__(self, name: str, closed_on: str) -> None:
        super().__init__(
            "unit",
            f"服务场所「{name}」已于 {closed_on} 关闭",
            f"service site '{name}' was closed on {closed_on}",
        )


# -- commands ---------------------------------------------------------------------------------


class ConcurrentChangeError(ZhucunError):
    code = "concurrent_change"

    def __init__(self) -> None:
        super().__init__(
            "command",
            "同一对象刚被别人修改，请重试",
            "someone else changed the same record at the same moment; please retry",
        )


# =============================================================================================
# Work teams: dispatching units, cadres, teams and their residency in the village
# =============================================================================================


class DuplicateIdError(RuleViolation):
    code = "duplicate_id"

    def __init__(self, what_zh: str, what_en: str, given: str) -> None:
        super().__init__(
            "id", f"{what_zh}编号 {given} 已被使用", f"{what_en} id {given} is already used"
        )


class InvalidDispatchingUnitCodeError(InvalidInputError):
    code = "invalid_dispatching_unit_code"

    def __init__(self, given: str) -> None:
        super().__init__(
            "code",
            f"派出单位简码 {given!r} 不对：应为 2–32 位字母、数字或连字符，如 CITY-CIVIL",
            f"dispatching unit code {given!r} is invalid: 2–32 letters, digits or hyphens, "
            "like CITY-CIVIL",
        )


class DuplicateDispatchingUnitError(RuleViolation):
    code = "duplicate_dispatching_unit"

    def __init__(self, unit_code: str, existing_name: str) -> None:
        super().__init__(
            "code",
            f"派出单位简码 {unit_code} 已被「{existing_name}」使用",
            f"dispatching unit code {unit_code} is already used by '{existing_name}'",
        )


class DispatchingUnitNotFoundError(NotFoundError):
    code = "dispatching_unit_not_found"

    def __init__(self, unit_code: str, field: str = "unit") -> None:
        super().__init__(
            field, f"找不到派出单位 {unit_code}", f"no dispatching unit with code {unit_code}"
        )


class CadreNotFoundError(NotFoundError):
    code = "cadre_not_found"

    def __init__(self, cadre_id: str, field: str = "cadre") -> None:
        super().__init__(field, f"找不到干部 {cadre_id}", f"no cadre {cadre_id}")


class CadreStatusError(RuleViolation):
    """A change that changes nothing: the same rank again, joining the party twice."""

    code = "cadre_status"

    def __init__(self, zh: str, en: str, field: str = "cadre") -> None:
        super().__init__(field, zh, en)


class TeamNotFoundError(NotFoundError):
    code = "team_not_found"

    def __init__(self, team_id: str, field: str = "team") -> None:
        super().__init__(field, f"找不到驻村工作队 {team_id}", f"no work team {team_id}")


class TeamEndedError(RuleViolation):
    code = "team_ended"

    def __init__(self, team_name: str, ended_on: str, field: str = "team") -> None:
        super().__init__(
            field,
            f"「{team_name}」已于 {ended_on} 结束驻村，不能再办理",
            f"'{team_name}' ended its term on {ended_on}; nothing more can be done on it",
        )


class DatedBeforeDispatchError(DatedBeforeOpeningError):
    code = "dated_before_dispatch"

    def __init__(self, team_name: str, day: str, dispatched_on: str) -> None:
        RuleViolation.__init__(
            self,
            "occurred_on",
            f"日期 {day} 早于「{team_name}」的派驻日期 {dispatched_on}",
            f"{day} is before '{team_name}' was dispatched on {dispatched_on}",
        )


class DatedAfterTermError(DatedAfterClosingError):
    code = "dated_after_term"

    def __init__(self, team_name: str, day: str, last_day: str) -> None:
        RuleViolation.__init__(
            self,
            "occurred_on",
            f"日期 {day} 晚于「{team_name}」驻村期的最后一天 {last_day}；"
            "如驻村期已延长，请先登记延期（extend_team_term）",
            f"{day} is after the last day of '{team_name}' ({last_day}); "
            "if its term was extended, record that first (extend_team_term)",
        )


class LeaderNotPartyMemberError(RuleViolation):
    code = "leader_not_party_member"

    def __init__(self, name: str) -> None:
        super().__init__(
            "cadre",
            f"{name} 不是中共党员，不能担任驻村工作队队长",
            f"{name} is not a party member and cannot lead a work team",
        )


class LeaderRankTooLowError(RuleViolation):
    code = "leader_rank_too_low"

    def __init__(
        self, name: str, rank_zh: str, rank: str, level_zh: str, level: str, min_zh: str, min_: str
    ) -> None:
        super().__init__(
            "cadre",
            f"{level_zh}级派出单位的工作队队长应为{min_zh}以上干部，{name} 是{rank_zh}",
            f"a team of a {level}-level unit is led by a cadre of rank {min_} or above; "
            f"{name} is {rank}",
        )


class TeamHasLeaderError(RuleViolation):
    code = "team_has_leader"

    def __init__(self, team_name: str, leader_name: str) -> None:
        super().__init__(
            "role",
            f"「{team_name}」已有队长 {leader_name}；更换队长请用 change_team_leader",
            f"'{team_name}' is already led by {leader_name}; "
            "use change_team_leader to replace the leader",
        )


class CadreAlreadyOnTeamError(RuleViolation):
    code = "cadre_already_on_team"

    def __init__(self, name: str, team_id: str, since: str, until: str | None) -> None:
        when_zh = f"{since} 起" if until is None else f"{since} 至 {until}"
        when_en = f"since {since}" if until is None else f"from {since} to {until}"
        super().__init__(
            "cadre",
            f"{name} {when_zh}在工作队 {team_id}，同一时间只能在一个工作队；请先登记离队",
            f"{name} is on work team {team_id} {when_en}; a cadre serves on one team at a "
            "time, so record their leaving first",
        )


class NotTeamMemberError(RuleViolation):
    code = "not_team_member"

    def __init__(self, name: str, day: str, team_name: str | None = None) -> None:
        where_zh = f"「{team_name}」" if team_name else "任何驻村工作队"
        where_en = f"'{team_name}'" if team_name else "any work team"
        super().__init__(
            "cadre",
            f"{day} 那天 {name} 不是{where_zh}的在队队员",
            f"{name} was not a serving member of {where_en} on {day}",
        )


class VillageStillPoorError(RuleViolation):
    code = "village_still_poor"

    def __init__(self, village: str, day: str) -> None:
        super().__init__(
            "team",
            f"村 {village} 在 {day} 仍是贫困村：不脱贫不脱钩，驻村期不能结束；"
            "请登记延期（extend_team_term），或由本单位的接续工作队接替（successor）",
            f"village {village} is still poor on {day}: no decoupling until it is out of "
            "poverty. Extend the term (extend_team_term) or name a successor team of the same "
            "unit (successor)",
        )


class InvalidSuccessorTeamError(RuleViolation):
    code = "invalid_successor_team"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__("successor", zh, en)


class TermExtensionError(RuleViolation):
    code = "invalid_term_extension"

    def __init__(self, until: str, current: str) -> None:
        super().__init__(
            "until",
            f"延期后的最后一天 {until} 应晚于现在的最后一天 {current}",
            f"the new last day {until} must be after the current last day {current}",
        )


class AlreadyCheckedInError(RuleViolation):
    code = "already_checked_in"

    def __init__(self, name: str, day: str) -> None:
        super().__init__(
            "occurred_on", f"{name} {day} 已签到过", f"{name} already checked in on {day}"
        )


class OnApprovedLeaveError(RuleViolation):
    code = "on_approved_leave"

    def __init__(self, name: str, day: str, what_zh: str, what_en: str) -> None:
        super().__init__(
            "occurred_on",
            f"{name} {day} 在批准的假期内，不能{what_zh}",
            f"{name} is on approved leave on {day}; cannot {what_en}",
        )


class AlreadyFoundAbsentError(RuleViolation):
    code = "already_found_absent"

    def __init__(self, name: str, day: str) -> None:
        super().__init__(
            "occurred_on",
            f"{name} {day} 的脱岗已登记过",
            f"{name} was already found absent on {day}",
        )


class LeaveConflictError(RuleViolation):
    code = "leave_conflict"

    def __init__(self, name: str, day: str, why_zh: str, why_en: str) -> None:
        super().__init__(
            "leave",
            f"{name} {day} {why_zh}，不能批准覆盖这一天的假期",
            f"{name} {why_en} on {day}; a leave covering that day cannot be approved",
        )


class InvalidLeaveDatesError(InvalidInputError):
    code = "invalid_leave_dates"

    def __init__(self, first_day: str, last_day: str) -> None:
        super().__init__(
            "last_day",
            f"请假结束日 {last_day} 早于开始日 {first_day}",
            f"the last day of leave {last_day} is before its first day {first_day}",
        )


class LeaveRequestNotFoundError(NotFoundError):
    code = "leave_request_not_found"

    def __init__(self, leave_id: str) -> None:
        super().__init__("leave", f"找不到请假申请 {leave_id}", f"no leave request {leave_id}")


class LeaveAlreadyDecidedError(RuleViolation):
    code = "leave_already_decided"

    def __init__(self, status_zh: str, status: str, decided_on: str) -> None:
        super().__init__(
            "leave",
            f"这份请假申请已于 {decided_on} {status_zh}",
            f"this leave request was already {status} on {decided_on}",
        )


class WrongRoleError(RuleViolation):
    code = "wrong_role"

    def __init__(self, role: str, what_zh: str, what_en: str, allowed: list[str]) -> None:
        names = ", ".join(allowed)
        super().__init__(
            "role",
            f"角色 {role} 不能{what_zh}；可办理的角色：{names}",
            f"role {role} cannot {what_en}; roles that can: {names}",
        )


class HouseholdNotInTeamVillageError(RuleViolation):
    code = "household_not_in_team_village"

    def __init__(self, head_name: str, village: str, team_village: str) -> None:
        super().__init__(
            "household",
            f"户主为{head_name}的户属于村 {village}，不在工作队所驻的村 {team_village}",
            f"the household of {head_name} belongs to village {village}, not to the team's "
            f"village {team_village}",
        )


class CorrectedEntryNotFoundError(NotFoundError):
    code = "corrected_entry_not_found"

    def __init__(self, position: int, head: int) -> None:
        super().__init__(
            "position",
            f"日志中没有第 {position} 条记录（目前共 {head} 条），无法更正",
            f"there is no entry at log position {position} (the log has {head}); "
            "nothing to correct",
        )
