"""Every refusal has a name, the field it concerns and a message in Chinese and English.

A township clerk reads these: they say what is wrong and, where it helps, what to do instead.

The refusals are a table. Each row names the error (the class that callers raise and catch),
its stable ``code``, the field it concerns, the arguments it takes, and its two sentences as
templates that the arguments fill (``str.format``: ``{name}``, ``{name!r}``). The kind of a
row says how it is answered: ``invalid`` (malformed input), ``missing`` (not found), ``rule``
(refused by a rule of the programme), ``refusal`` (none of these). The account refusals are
the same kind of table in ``domain/account_errors.py``; docs/errors.md prints both
(``python -m domain.catalogue``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar


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


# -- the table's machinery ---------------------------------------------------------------------

Values = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Row:
    """One refusal of the catalogue: ``args`` are the names of its arguments in order;
    ``field`` among them lets the caller name another field than the row's (or, where the row
    names none, the field it concerns); ``name=None`` makes an argument optional. ``values``
    adds template values computed from the arguments."""

    code: str
    field: str
    args: str
    zh: str
    en: str
    values: Values | None = None

    @property
    def signature(self) -> inspect.Signature:
        params = []
        for arg in self.args.split():
            name, _, default = arg.partition("=")
            if name == "field" and self.field:
                default_value: Any = self.field
            elif default:
                assert default == "None", arg
                default_value = None
            else:
                default_value = inspect.Parameter.empty
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
            params.append(inspect.Parameter(name, kind, default=default_value))
        return inspect.Signature(params)


class Catalogued(ZhucunError):
    """A refusal of the table: its arguments fill its row's sentences."""

    row: ClassVar[Row]
    _signature: ClassVar[inspect.Signature]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        if self.row.values is not None:
            given.update(self.row.values(**given))
        field = given.pop("field", self.row.field)
        ZhucunError.__init__(self, field, self.row.zh.format(**given), self.row.en.format(**given))


class Invalid(Catalogued, InvalidInputError):
    pass


class Missing(Catalogued, NotFoundError):
    pass


class Rule(Catalogued, RuleViolation):
    pass


class Refused(Catalogued):
    pass


def joined(*names: str) -> Values:
    """Template values for a row: each named list argument as its items joined by commas."""

    def values(**given: Any) -> dict[str, str]:
        return {name: ", ".join(given[name]) for name in names}

    return values


C = TypeVar("C", bound=Catalogued)
CATALOGUE: list[type[Catalogued]] = []  # every row, in the order of the tables


def _define(kind: type[C], row: Row) -> type[C]:
    # Named when its module has been read (``name_rows``): the name it is bound to.
    namespace: dict[str, Any] = {"row": row, "_signature": row.signature}
    if row.code:
        namespace["code"] = row.code
    cls = type(kind.__name__, (kind,), namespace)
    CATALOGUE.append(cls)
    return cls


class _Kind(Generic[C]):
    """A kind of row: called with a row's cells, it defines the row's class (``kind`` names
    a class of the table to derive from instead, e.g. a general refusal and its cases)."""

    def __init__(self, kind: type[C]) -> None:
        self.kind = kind

    def __call__(
        self,
        code: str,
        field: str,
        args: str,
        zh: str,
        en: str,
        values: Values | None = None,
        kind: type[C] | None = None,
    ) -> type[C]:
        return _define(kind or self.kind, Row(code, field, args, zh, en, values))


invalid = _Kind(Invalid)
missing = _Kind(Missing)
rule = _Kind(Rule)
refusal = _Kind(Refused)


def name_rows(namespace: dict[str, Any]) -> None:
    """Give each row's class the name it is bound to in its module (tracebacks, the docs,
    the faults a read model records)."""
    for name, value in namespace.items():
        if isinstance(value, type) and issubclass(value, Catalogued) and value in CATALOGUE:
            value.__name__ = value.__qualname__ = name
            value.__module__ = namespace["__name__"]


# The table. Laid out by hand, one row to a paragraph: code, field, arguments; Chinese; English.
# fmt: off

# -- dates -------------------------------------------------------------------------------------

FutureDateError = rule("future_date", "occurred_on", "occurred_on today",
    "发生日期 {occurred_on} 晚于今天 {today}，不能登记未来的事",
    "occurred_on {occurred_on} is after today ({today}); events cannot be recorded in advance")

DatedBeforeOpeningError = rule("dated_before_opening", "occurred_on",
    "what_zh what_en occurred_on opened_on",
    "发生日期 {occurred_on} 早于{what_zh}的起始日期 {opened_on}",
    "occurred_on {occurred_on} is before {what_en} began on {opened_on}")

DatedAfterClosingError = rule("dated_after_closing", "occurred_on",
    "what_zh what_en occurred_on closed_on",
    "发生日期 {occurred_on} 晚于{what_zh}的终止日期 {closed_on}",
    "occurred_on {occurred_on} is after {what_en} ended on {closed_on}")


# -- administrative units ----------------------------------------------------------------------

DuplicateCodeError = rule("duplicate_code", "code", "unit_code existing_name",
    "区划代码 {unit_code} 已被「{existing_name}」使用",
    "code {unit_code} is already used by '{existing_name}'")

InvalidCodeError = invalid("invalid_code", "code", "unit_code level_zh level length",
    "区划代码 {unit_code!r} 不对：{level_zh}代码应为 {length} 位数字",
    "code {unit_code!r} is invalid: a {level} code has {length} digits")

WrongParentLevelError = rule("wrong_parent_level", "parent",
    "level_zh level parent_level_zh parent_level expected_zh expected",
    "{level_zh}的上级应为{expected_zh}，不能挂在{parent_level_zh}下",
    "a {level} must sit under a {expected}, not under a {parent_level}")

UnitNotFoundError = missing("unit_not_found", "unit", "unit_code field",
    "找不到区划代码为 {unit_code} 的单位",
    "no unit with code {unit_code}")

# A unit asked for on a day before it was opened: not "not found", but when it began.
UnitNotYetOpenError = missing("unit_not_yet_open", "as_of", "unit_code opened_on",
    "单位 {unit_code} 于 {opened_on} 设立，所选日期在此之前；请选择此后的日期",
    "unit {unit_code} was opened on {opened_on}, after the day asked; choose a later day")

UnitClosedError = rule("unit_closed", "unit", "unit_code name closed_on field",
    "「{name}」({unit_code}) 已于 {closed_on} 撤销，不能再办理",
    "'{name}' ({unit_code}) was closed on {closed_on}; nothing more can be done on it")

MergeTargetError = rule("invalid_merge_target", "into", "zh en",
    "{zh}",
    "{en}")

NotAVillageError = rule("not_a_village", "unit", "unit_code level_zh level field",
    "{unit_code} 是{level_zh}，不是村",
    "{unit_code} is a {level}, not a village")

NotAGroupError = rule("not_a_villager_group", "group", "unit_code level_zh level field",
    "{unit_code} 是{level_zh}，不是村民小组；户只能登记在村民小组",
    "{unit_code} is a {level}, not a villager group; households are registered in villager groups")

PovertyStatusError = rule("poverty_status", "unit", "zh en",
    "{zh}",
    "{en}")


# -- households --------------------------------------------------------------------------------

HouseholdNotFoundError = missing("household_not_found", "household", "household_id field",
    "找不到户 {household_id}",
    "no household {household_id}")

HouseholdEndedError = rule("household_ended", "household", "head_name ended_on field",
    "户主为{head_name}的户已于 {ended_on} 迁出或注销，不能再办理",
    "the household of {head_name} left on {ended_on}; nothing more can be done on it")

HouseholdInOtherVillageError = rule("household_in_other_village", "household",
    "head_name village other_village",
    "户主为{head_name}的户属于村 {village}，不能联系村 {other_village} 的中心户",
    "the household of {head_name} belongs to village {village}; it cannot be linked to a central "
    "household of village {other_village}")

HouseholdAlreadyLinkedError = rule("household_already_linked", "household", "head_name",
    "户主为{head_name}的户已联系一个中心户，请先解除原联系再重新联系",
    "the household of {head_name} is already linked to a central household; unlink it first")

HouseholdNotLinkedError = rule("household_not_linked", "household", "head_name",
    "户主为{head_name}的户没有联系这个中心户",
    "the household of {head_name} is not linked to this central household")

InvalidIdentityNumberError = invalid("invalid_identity_number", "id_number", "reason_zh reason_en",
    "身份证号码不对：{reason_zh}",
    "identity number is invalid: {reason_en}")


# -- party members and central households ------------------------------------------------------

PartyMemberNotFoundError = missing("party_member_not_found", "party_member", "member_id field",
    "找不到党员 {member_id}",
    "no party member {member_id}")

NotActivePartyMemberError = rule("not_active_party_member", "party_member",
    "name village why_zh why_en field",
    "{name} 不是村 {village} 的在册党员（{why_zh}）",
    "{name} is not an active party member of village {village} ({why_en})")

CentralHouseholdNotFoundError = missing("central_household_not_found", "central_household",
    "ch_id field",
    "找不到党员中心户 {ch_id}",
    "no central household {ch_id}")

CentralHouseholdEndedError = rule("central_household_ended", "central_household", "ended_on field",
    "这个党员中心户已于 {ended_on} 撤销",
    "this central household was ended on {ended_on}")

AlreadyCentralHouseholdError = rule("already_central_household", "party_member", "head_name",
    "户主为{head_name}的户已经是党员中心户",
    "the household of {head_name} is already a central household")


# -- service sites -----------------------------------------------------------------------------

SiteLevelError = rule("site_on_wrong_level", "kind",
    "kind_zh kind unit_code level_zh level allowed_zh allowed",
    "{kind_zh}只能设在{allowed_zh}，{unit_code} 是{level_zh}",
    "a {kind} can only be opened on a {allowed}; {unit_code} is a {level}")

SiteAlreadyOpenError = rule("site_already_open", "unit", "unit_code name",
    "{unit_code} 已有在运行的服务场所「{name}」",
    "{unit_code} already has an open service site, '{name}'")

SiteNotFoundError = missing("site_not_found", "unit", "unit_code",
    "{unit_code} 没有设立服务场所",
    "{unit_code} has no service site")

SiteClosedError = rule("site_closed", "unit", "name closed_on",
    "服务场所「{name}」已于 {closed_on} 关闭",
    "service site '{name}' was closed on {closed_on}")


# -- commands ----------------------------------------------------------------------------------

ConcurrentChangeError = refusal("concurrent_change", "command", "",
    "同一对象刚被别人修改，请重试",
    "someone else changed the same record at the same moment; please retry")

# A request of the JSON API sent again with its Idempotency-Key while the first is still being
# processed (docs/adr/042-api-commands-and-idempotency.md).
RequestInProgressError = refusal("request_in_progress", "Idempotency-Key", "",
    "带此幂等键（Idempotency-Key）的请求仍在办理中，请稍后重试",
    "the request with this Idempotency-Key is still being processed; please retry later")


# -- Work teams: dispatching units, cadres, teams and their residency in the village------------

DuplicateIdError = rule("duplicate_id", "id", "what_zh what_en given",
    "{what_zh}编号 {given} 已被使用",
    "{what_en} id {given} is already used")

InvalidDispatchingUnitCodeError = invalid("invalid_dispatching_unit_code", "code", "given",
    "派出单位简码 {given!r} 不对：应为 2–32 位字母、数字或连字符，如 CITY-CIVIL",
    "dispatching unit code {given!r} is invalid: 2–32 letters, digits or hyphens, like CITY-CIVIL")

DuplicateDispatchingUnitError = rule("duplicate_dispatching_unit", "code",
    "unit_code existing_name",
    "派出单位简码 {unit_code} 已被「{existing_name}」使用",
    "dispatching unit code {unit_code} is already used by '{existing_name}'")

DispatchingUnitNotFoundError = missing("dispatching_unit_not_found", "unit", "unit_code field",
    "找不到派出单位 {unit_code}",
    "no dispatching unit with code {unit_code}")

CadreNotFoundError = missing("cadre_not_found", "cadre", "cadre_id field",
    "找不到干部 {cadre_id}",
    "no cadre {cadre_id}")

# A change that changes nothing: the same rank again, joining the party twice.

CadreStatusError = rule("cadre_status", "cadre", "zh en field",
    "{zh}",
    "{en}")

TeamNotFoundError = missing("team_not_found", "team", "team_id field",
    "找不到驻村工作队 {team_id}",
    "no work team {team_id}")

TeamEndedError = rule("team_ended", "team", "team_name ended_on field",
    "「{team_name}」已于 {ended_on} 结束驻村，不能再办理",
    "'{team_name}' ended its term on {ended_on}; nothing more can be done on it")

DatedBeforeDispatchError = rule("dated_before_dispatch", "occurred_on",
    "team_name day dispatched_on",
    "日期 {day} 早于「{team_name}」的派驻日期 {dispatched_on}",
    "{day} is before '{team_name}' was dispatched on {dispatched_on}",
    kind=DatedBeforeOpeningError)

DatedAfterTermError = rule("dated_after_term", "occurred_on", "team_name day last_day",
    "日期 {day} 晚于「{team_name}」驻村期的最后一天 {last_day}；"
    "如驻村期已延长，请先登记延期（extend_team_term）",
    "{day} is after the last day of '{team_name}' ({last_day}); if its term was extended, record "
    "that first (extend_team_term)",
    kind=DatedAfterClosingError)

LeaderNotPartyMemberError = rule("leader_not_party_member", "cadre", "name",
    "{name} 不是中共党员，不能担任驻村工作队队长",
    "{name} is not a party member and cannot lead a work team")

LeaderRankTooLowError = rule("leader_rank_too_low", "cadre",
    "name rank_zh rank level_zh level min_zh min_",
    "{level_zh}级派出单位的工作队队长应为{min_zh}以上干部，{name} 是{rank_zh}",
    "a team of a {level}-level unit is led by a cadre of rank {min_} or above; {name} is {rank}")

TeamHasLeaderError = rule("team_has_leader", "role", "team_name leader_name",
    "「{team_name}」已有队长 {leader_name}；更换队长请用 change_team_leader",
    "'{team_name}' is already led by {leader_name}; use change_team_leader to replace the leader")



def _when(since: str, until: str | None, **_: object) -> dict[str, str]:
    if until is None:
        return {"when_zh": f"{since} 起", "when_en": f"since {since}"}
    return {"when_zh": f"{since} 至 {until}", "when_en": f"from {since} to {until}"}


CadreAlreadyOnTeamError = rule("cadre_already_on_team", "cadre", "name team_id since until",
    "{name} {when_zh}在工作队 {team_id}，同一时间只能在一个工作队；请先登记离队",
    "{name} is on work team {team_id} {when_en}; a cadre serves on one team at a time, so record "
    "their leaving first",
    values=_when)



def _where(team_name: str | None, **_: object) -> dict[str, str]:
    if team_name:
        return {"where_zh": f"「{team_name}」", "where_en": f"'{team_name}'"}
    return {"where_zh": "任何驻村工作队", "where_en": "any work team"}


NotTeamMemberError = rule("not_team_member", "cadre", "name day team_name=None",
    "{day} 那天 {name} 不是{where_zh}的在队队员",
    "{name} was not a serving member of {where_en} on {day}",
    values=_where)

VillageStillPoorError = rule("village_still_poor", "team", "village day",
    "村 {village} 在 {day} 仍是贫困村：不脱贫不脱钩，驻村期不能结束；"
    "请登记延期（extend_team_term），或由本单位的接续工作队接替（successor）",
    "village {village} is still poor on {day}: no decoupling until it is out of poverty. Extend "
    "the term (extend_team_term) or name a successor team of the same unit (successor)")

InvalidSuccessorTeamError = rule("invalid_successor_team", "successor", "zh en",
    "{zh}",
    "{en}")

TermExtensionError = rule("invalid_term_extension", "until", "until current",
    "延期后的最后一天 {until} 应晚于现在的最后一天 {current}",
    "the new last day {until} must be after the current last day {current}")

AlreadyCheckedInError = rule("already_checked_in", "occurred_on", "name day",
    "{name} {day} 已签到过",
    "{name} already checked in on {day}")

OnApprovedLeaveError = rule("on_approved_leave", "occurred_on", "name day what_zh what_en",
    "{name} {day} 在批准的假期内，不能{what_zh}",
    "{name} is on approved leave on {day}; cannot {what_en}")

AlreadyFoundAbsentError = rule("already_found_absent", "occurred_on", "name day",
    "{name} {day} 的脱岗已登记过",
    "{name} was already found absent on {day}")

LeaveConflictError = rule("leave_conflict", "leave", "name day why_zh why_en",
    "{name} {day} {why_zh}，不能批准覆盖这一天的假期",
    "{name} {why_en} on {day}; a leave covering that day cannot be approved")

InvalidLeaveDatesError = invalid("invalid_leave_dates", "last_day", "first_day last_day",
    "请假结束日 {last_day} 早于开始日 {first_day}",
    "the last day of leave {last_day} is before its first day {first_day}")

LeaveRequestNotFoundError = missing("leave_request_not_found", "leave", "leave_id",
    "找不到请假申请 {leave_id}",
    "no leave request {leave_id}")

LeaveAlreadyDecidedError = rule("leave_already_decided", "leave", "status_zh status decided_on",
    "这份请假申请已于 {decided_on} {status_zh}",
    "this leave request was already {status} on {decided_on}")

WrongRoleError = rule("wrong_role", "role", "role what_zh what_en allowed",
    "角色 {role} 不能{what_zh}；可办理的角色：{allowed}",
    "role {role} cannot {what_en}; roles that can: {allowed}",
    values=joined("allowed"))

HouseholdNotInTeamVillageError = rule("household_not_in_team_village", "household",
    "head_name village team_village",
    "户主为{head_name}的户属于村 {village}，不在工作队所驻的村 {team_village}",
    "the household of {head_name} belongs to village {village}, not to the team's village "
    "{team_village}")

CorrectedEntryNotFoundError = missing("corrected_entry_not_found", "position", "position head",
    "日志中没有第 {position} 条记录（目前共 {head} 条），无法更正",
    "there is no entry at log position {position} (the log has {head}); nothing to correct")

# -- rectifications (domain/rectifications.py) -------------------------------------------------

def _gap_types(allowed: list[str], allowed_zh: list[str], **_: object) -> dict[str, str]:
    # The Chinese sentence names the types in words, the English one by the values to type.
    return {"allowed": ", ".join(allowed), "allowed_zh": "；".join(allowed_zh)}


UnknownGapTypeError = invalid("unknown_gap_type", "type", "given allowed allowed_zh field",
    "未知的盲点类型 {given!r}，应为以下之一：{allowed_zh}",
    "unknown gap type {given!r}; one of: {allowed}",
    values=_gap_types)

GapNotFoundError = missing("gap_not_found", "subject", "subject unit_code day",
    "{day} 那天单位 {unit_code} 之下没有这个盲点或工作缺口（对象 {subject}）；只能交办名单上的缺口",
    "on {day} there is no such blind spot or work gap under unit {unit_code} (subject "
    "{subject}); only a gap on the list can be assigned")

EmptyAssigneeError = invalid("assignee_required", "assignee", "",
    "请写明整改责任人的姓名",
    "name the person who is to put the gap right")

DueBeforeAssignmentError = rule("due_before_assignment", "due_on", "due_on day",
    "整改期限 {due_on} 早于交办日期 {day}",
    "the due date {due_on} is before the day of assignment {day}")
# fmt: on

name_rows(globals())
