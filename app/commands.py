"""The commands users send (one JSON line each in ``zhucun apply``), and how each one runs.

A command names a use case of ``Network``; its arguments are a typed model beside its
handler (app/schemas.py, ADR 039), read before the handler runs. The registry itself is
``app/registry.py``; the ledger's commands register from
``app/ledger/commands.py``, imported here so that ``COMMANDS`` holds every command.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.args import ReferenceCheck, clean_text, is_blank, parse_date, refuse
from app.network import Network
from app.registry import COMMANDS as COMMANDS
from app.registry import command
from app.schemas import (
    Choice,
    CodeArg,
    CommandArgs,
    DayArg,
    Flag,
    GroupCode,
    IdArg,
    IdentityNumber,
    IdsArg,
    Integer,
    Number,
    OptCodeArg,
    OptIdArg,
    OptTextArg,
    Position,
    Read,
    Text,
    TextArg,
    VillageCode,
)
from app.teams import Teams
from domain.base import Meta
from domain.cadres import DispatchLevel, Rank, Sector
from domain.errors import InvalidInputError
from domain.fields import (
    ACTOR,
    KEY,
    MEMBERS_MAX,
    REASON,
    ROLE,
    UNIT_NAME,
    Field,
    field,
)
from domain.households import LeaveReason
from domain.levels import Level, SiteKind
from domain.teams import LeaveHow
from domain.villages import Problem


@dataclass(frozen=True)
class CommandLine:
    """One command as sent: what, with which arguments, by whom, dated when, and why."""

    command: str
    args: dict[str, Any]
    actor_id: str
    actor_role: str
    occurred_on: date
    reason: str
    key: str | None = None
    # The arguments already read by the command's model, when the sender read them to check
    # them (an import): run as they are unless a jurisdiction check must see them read.
    read: CommandArgs | None = dataclasses.field(default=None, compare=False, repr=False)

    def meta(self, recorded_at: Any) -> Meta:
        return Meta(self.actor_id, self.actor_role, self.occurred_on, self.reason, recorded_at)


MAX_LINE_CHARS = 1_000_000  # one command; a diary entry is at most 10,000 characters


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        twice = next(k for i, k in enumerate(keys) if k in keys[:i])
        raise InvalidInputError(
            "line", f"字段 {twice!r} 出现了两次", f"field {twice!r} appears twice"
        )
    return obj


def _no_constant(name: str) -> Any:
    raise InvalidInputError(
        "line", f"{name} 不是 JSON 允许的数字", f"{name} is not a number JSON allows"
    )


def read_json_line(raw: str) -> Any:
    """One line of a batch as JSON: strict (no duplicate keys, no NaN or Infinity), of
    bounded size and depth; anything else is refused by name, never a traceback."""
    if len(raw) > MAX_LINE_CHARS:
        raise InvalidInputError(
            "line",
            f"一行不能超过 {MAX_LINE_CHARS} 个字符",
            f"a line must be at most {MAX_LINE_CHARS} characters",
        )
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise InvalidInputError(
            "line",
            f"不是有效的 JSON：{e.msg}（第 {e.colno} 列）",
            f"not valid JSON: {e.msg} (column {e.colno})",
        ) from None
    except RecursionError:
        raise InvalidInputError(
            "line", "JSON 嵌套层数过多", "the JSON is nested too deeply"
        ) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InvalidInputError(
            "line", "JSON 中的数字过长", "a number in the JSON is too long"
        ) from None


def parse_command_line(obj: Any) -> CommandLine:
    """One line as sent, each of its values normalised and checked once (app/args.py)."""
    if not isinstance(obj, dict):
        raise InvalidInputError("line", "每行应为一个 JSON 对象", "each line must be a JSON object")
    unknown = sorted(
        set(obj) - {"command", "args", "actor", "role", "occurred_on", "reason", "key"}
    )
    if unknown:
        raise InvalidInputError(
            unknown[0], f"未知字段：{', '.join(unknown)}", f"unknown field(s): {', '.join(unknown)}"
        )
    name = obj.get("command")
    if not isinstance(name, str) or name.strip() not in COMMANDS:
        shown = name[:60] if isinstance(name, str) else name
        raise InvalidInputError(
            "command",
            f"未知命令 {shown!r}，可用命令见 docs/commands.md",
            f"unknown command {shown!r}; see docs/commands.md for the list",
        )
    actor: Any = obj.get("actor")
    role: Any = obj.get("role")
    if isinstance(actor, dict):
        actor, role = actor.get("id"), actor.get("role", role)
    if is_blank(actor):
        raise InvalidInputError("actor", "缺少办理人 actor", "actor is required: who did this")
    if is_blank(obj.get("reason")):
        raise InvalidInputError(
            "reason", "缺少事由 reason", "reason is required: why this was done"
        )
    if "occurred_on" not in obj:
        raise InvalidInputError(
            "occurred_on", "缺少发生日期 occurred_on", "occurred_on is required"
        )
    key = obj.get("key")
    if key is not None and is_blank(key):
        raise InvalidInputError("key", "key 应为非空文字", "key must be a non-empty string")
    args = obj.get("args") or {}
    if not isinstance(args, dict):
        raise InvalidInputError("args", "args 应为一个对象", "args must be a JSON object")
    return CommandLine(
        command=name.strip(),
        args=args,
        actor_id=clean_text("actor", actor, ACTOR),
        actor_role=clean_text("role", role, ROLE) if role is not None else "operator",
        occurred_on=parse_date(obj["occurred_on"]),
        reason=clean_text("reason", obj["reason"], REASON),
        key=clean_text("key", key, KEY) if key is not None else None,
    )


def run_command(
    network: Network, line: CommandLine, meta: Meta, check: ReferenceCheck | None = None
) -> dict[str, Any]:
    """The command's arguments read by its model (app/schemas.py), then its handler run."""
    spec = COMMANDS[line.command]
    args = line.read if line.read is not None and check is None else None
    return spec.handler(network, args or spec.model.read(line.args, check), meta)


# -- administrative units ---------------------------------------------------------------------


class OpenUnit(CommandArgs):
    code: CodeArg
    name: Read[str, Text(spec=UNIT_NAME)]
    level: Read[Level, Choice(Level)]
    parent: OptCodeArg


@command("open_unit", "设立区划单位", "open an administrative unit", OpenUnit)
def _open_unit(n: Network, a: OpenUnit, m: Meta) -> dict[str, Any]:
    return n.open_unit(a.code, a.name, a.level, a.parent, m)


class RenameUnit(CommandArgs):
    unit: CodeArg
    name: Read[str, Text(spec=UNIT_NAME)]


@command("rename_unit", "单位更名", "rename a unit", RenameUnit)
def _rename_unit(n: Network, a: RenameUnit, m: Meta) -> dict[str, Any]:
    return n.rename_unit(a.unit, a.name, m)


class MoveUnit(CommandArgs):
    unit: CodeArg
    parent: CodeArg


@command("move_unit", "调整隶属关系", "move a unit under another parent", MoveUnit)
def _move_unit(n: Network, a: MoveUnit, m: Meta) -> dict[str, Any]:
    return n.move_unit(a.unit, a.parent, m)


class MergeUnit(CommandArgs):
    unit: CodeArg
    into: CodeArg


@command("merge_unit", "合并单位", "merge a unit into another", MergeUnit)
def _merge_unit(n: Network, a: MergeUnit, m: Meta) -> dict[str, Any]:
    return n.merge_unit(a.unit, a.into, m)


class AUnit(CommandArgs):
    unit: CodeArg


@command("close_unit", "撤销单位", "close a unit", AUnit)
def _close_unit(n: Network, a: AUnit, m: Meta) -> dict[str, Any]:
    return n.close_unit(a.unit, m)


@command("declare_poor_village", "认定贫困村", "declare a village poor", AUnit)
def _declare_poor(n: Network, a: AUnit, m: Meta) -> dict[str, Any]:
    return n.declare_poor(a.unit, m)


@command("exit_poverty", "贫困村脱贫", "record that a village exited poverty", AUnit)
def _exit_poverty(n: Network, a: AUnit, m: Meta) -> dict[str, Any]:
    return n.exit_poverty(a.unit, m)


# -- households -------------------------------------------------------------------------------


class RegisterHousehold(CommandArgs):
    group: GroupCode
    head_name: TextArg
    members: Read[int, Integer(1, MEMBERS_MAX)]
    id_number: Read[str, IdentityNumber()]
    id: OptIdArg


@command(
    "register_household", "登记户", "register a household in a villager group", RegisterHousehold
)
def _register_household(n: Network, a: RegisterHousehold, m: Meta) -> dict[str, Any]:
    return n.register_household(a.group, a.head_name, a.members, a.id_number, m, a.id)


class MoveHousehold(CommandArgs):
    household: IdArg
    group: GroupCode


@command("move_household", "户迁移", "move a household to another villager group", MoveHousehold)
def _move_household(n: Network, a: MoveHousehold, m: Meta) -> dict[str, Any]:
    return n.move_household(a.household, a.group, m)


class HouseholdLeft(CommandArgs):
    household: IdArg
    how: Read[LeaveReason, Choice(LeaveReason)]


@command("household_left", "户迁出或注销", "a household moved out or was dissolved", HouseholdLeft)
def _household_left(n: Network, a: HouseholdLeft, m: Meta) -> dict[str, Any]:
    return n.household_left(a.household, a.how, m)


class LinkHousehold(CommandArgs):
    household: IdArg
    central_household: IdArg


@command(
    "link_household",
    "联系户挂靠中心户",
    "link a household to a central household",
    LinkHousehold,
)
def _link(n: Network, a: LinkHousehold, m: Meta) -> dict[str, Any]:
    return n.link_household(a.household, a.central_household, m)


class UnlinkHousehold(CommandArgs):
    household: IdArg
    central_household: OptIdArg


@command(
    "unlink_household",
    "解除联系",
    "unlink a household from its central household",
    UnlinkHousehold,
)
def _unlink(n: Network, a: UnlinkHousehold, m: Meta) -> dict[str, Any]:
    return n.unlink_household(a.household, a.central_household, m)


# -- party members and central households -----------------------------------------------------


class PartyMemberJoined(CommandArgs):
    name: TextArg
    household: IdArg
    id: OptIdArg


@command(
    "party_member_joined",
    "党员入册",
    "a party member joined the village branch",
    PartyMemberJoined,
)
def _member_joined(n: Network, a: PartyMemberJoined, m: Meta) -> dict[str, Any]:
    return n.party_member_joined(a.name, a.household, m, a.id)


class PartyMemberTransferredOut(CommandArgs):
    party_member: IdArg
    destination: OptTextArg


@command(
    "party_member_transferred_out",
    "党员转出",
    "a party member transferred out",
    PartyMemberTransferredOut,
)
def _member_out(n: Network, a: PartyMemberTransferredOut, m: Meta) -> dict[str, Any]:
    return n.party_member_transferred_out(a.party_member, a.destination, m)


class APartyMember(CommandArgs):
    party_member: IdArg


@command("party_member_died", "党员去世", "a party member died", APartyMember)
def _member_died(n: Network, a: APartyMember, m: Meta) -> dict[str, Any]:
    return n.party_member_died(a.party_member, m)


@command(
    "designate_central_household",
    "确定党员中心户",
    "designate a party member's household as a central household",
    APartyMember,
)
def _designate(n: Network, a: APartyMember, m: Meta) -> dict[str, Any]:
    return n.designate_central_household(a.party_member, m)


class ChangeCentralPartyMember(CommandArgs):
    central_household: IdArg
    party_member: IdArg


@command(
    "change_central_party_member",
    "更换中心户党员",
    "another party member takes over a central household",
    ChangeCentralPartyMember,
)
def _change_ch_member(n: Network, a: ChangeCentralPartyMember, m: Meta) -> dict[str, Any]:
    return n.change_central_party_member(a.central_household, a.party_member, m)


class ACentralHousehold(CommandArgs):
    central_household: IdArg


@command("end_central_household", "撤销党员中心户", "end a central household", ACentralHousehold)
def _end_ch(n: Network, a: ACentralHousehold, m: Meta) -> dict[str, Any]:
    return n.end_central_household(a.central_household, m)


# -- service sites ----------------------------------------------------------------------------


class OpenSite(CommandArgs):
    unit: CodeArg
    kind: Read[SiteKind, Choice(SiteKind)]
    name: Read[str, Text(required=False, spec=UNIT_NAME)]


@command("open_site", "设立服务场所", "open a service centre, station or point", OpenSite)
def _open_site(n: Network, a: OpenSite, m: Meta) -> dict[str, Any]:
    return n.open_site(a.unit, a.kind, a.name, m)


class AssignSiteResponsible(CommandArgs):
    party_member: OptIdArg
    name: OptTextArg
    unit: CodeArg


@command(
    "assign_site_responsible",
    "确定服务场所负责人",
    "assign or change the person responsible for a site",
    AssignSiteResponsible,
)
def _assign(n: Network, a: AssignSiteResponsible, m: Meta) -> dict[str, Any]:
    if a.party_member is None and not a.name:
        raise InvalidInputError(
            "name",
            "请给出负责人姓名或党员编号",
            "give the responsible person's name or party_member id",
        )
    return n.assign_site_responsible(a.unit, a.name, a.party_member, m)


@command("close_site", "关闭服务场所", "close a service site", AUnit)
def _close_site(n: Network, a: AUnit, m: Meta) -> dict[str, Any]:
    return n.close_site(a.unit, m)


# =============================================================================================
# Work teams (use cases in app/teams.py)
# =============================================================================================


def _teams(n: Network) -> Teams:
    return Teams(n.uow, n, n.rules)


class RegisterDispatchingUnit(CommandArgs):
    code: TextArg
    name: Read[str, Text(spec=UNIT_NAME)]
    level: Read[DispatchLevel, Choice(DispatchLevel)]
    sector: Read[Sector, Choice(Sector)]


@command(
    "register_dispatching_unit",
    "登记派出单位",
    "register a dispatching unit",
    RegisterDispatchingUnit,
)
def _register_dispatching_unit(n: Network, a: RegisterDispatchingUnit, m: Meta) -> dict[str, Any]:
    return _teams(n).register_dispatching_unit(a.code, a.name, a.level, a.sector, m)


class ClassifyVillage(CommandArgs):
    village: VillageCode
    problem: Read[Problem, Choice(Problem)]
    finding: TextArg
    problems: IdsArg


@command(
    "classify_village",
    "村分类",
    "classify a village by its main problem",
    ClassifyVillage,
)
def _classify_village(n: Network, a: ClassifyVillage, m: Meta) -> dict[str, Any]:
    return _teams(n).classify_village(a.village, a.problem, a.finding, m, a.problems)


class RegisterCadre(CommandArgs):
    name: TextArg
    unit: TextArg
    rank: Read[Rank, Choice(Rank)]
    party_member: Read[bool, Flag()]
    young: Read[bool, Flag(required=False, default=False)]
    reserve: Read[bool, Flag(required=False, default=False)]
    id: OptIdArg


@command(
    "register_cadre",
    "登记干部",
    "register a cadre of a dispatching unit",
    RegisterCadre,
)
def _register_cadre(n: Network, a: RegisterCadre, m: Meta) -> dict[str, Any]:
    return _teams(n).register_cadre(
        a.name, a.unit, a.rank, a.party_member, a.young, a.reserve, m, a.id
    )


class ChangeCadreRank(CommandArgs):
    cadre: IdArg
    rank: Read[Rank, Choice(Rank)]


@command("change_cadre_rank", "干部职级变动", "a cadre's rank changed", ChangeCadreRank)
def _change_cadre_rank(n: Network, a: ChangeCadreRank, m: Meta) -> dict[str, Any]:
    return _teams(n).change_cadre_rank(a.cadre, a.rank, m)


class ACadre(CommandArgs):
    cadre: IdArg


@command("cadre_joined_party", "干部入党", "a cadre joined the party", ACadre)
def _cadre_joined_party(n: Network, a: ACadre, m: Meta) -> dict[str, Any]:
    return _teams(n).cadre_joined_party(a.cadre, m)


@command("cadre_left_party", "干部不再是党员", "a cadre is no longer a party member", ACadre)
def _cadre_left_party(n: Network, a: ACadre, m: Meta) -> dict[str, Any]:
    return _teams(n).cadre_left_party(a.cadre, m)


class SetCadreFlags(CommandArgs):
    cadre: IdArg
    young: Read[bool | None, Flag(required=False)]  # left out: unchanged
    reserve: Read[bool | None, Flag(required=False)]


@command(
    "set_cadre_flags",
    "标记年轻干部、后备干部",
    "mark a cadre as young or reserve cadre, or not",
    SetCadreFlags,
)
def _set_cadre_flags(n: Network, a: SetCadreFlags, m: Meta) -> dict[str, Any]:
    return _teams(n).set_cadre_flags(a.cadre, a.young, a.reserve, m)


class DispatchTeam(CommandArgs):
    unit: TextArg
    village: VillageCode
    id: OptIdArg


@command(
    "dispatch_team",
    "派驻工作队",
    "a unit dispatches a work team to a village",
    DispatchTeam,
)
def _dispatch_team(n: Network, a: DispatchTeam, m: Meta) -> dict[str, Any]:
    return _teams(n).dispatch_team(a.unit, a.village, m, a.id)


class JoinTeam(CommandArgs):
    as_leader: Read[bool, Flag(required=False, default=False)]
    team: IdArg
    cadre: IdArg


@command("join_team", "队员入队", "a cadre joins a work team", JoinTeam)
def _join_team(n: Network, a: JoinTeam, m: Meta) -> dict[str, Any]:
    return _teams(n).join_team(a.team, a.cadre, a.as_leader, m)


class TeamAndCadre(CommandArgs):
    team: IdArg
    cadre: IdArg


@command(
    "change_team_leader",
    "更换队长",
    "a member of the team becomes its leader",
    TeamAndCadre,
)
def _change_team_leader(n: Network, a: TeamAndCadre, m: Meta) -> dict[str, Any]:
    return _teams(n).change_team_leader(a.team, a.cadre, m)


class LeaveTeam(CommandArgs):
    team: IdArg
    cadre: IdArg
    how: Read[LeaveHow, Choice(LeaveHow)]


@command("leave_team", "队员离队", "a member leaves a work team", LeaveTeam)
def _leave_team(n: Network, a: LeaveTeam, m: Meta) -> dict[str, Any]:
    return _teams(n).leave_team(a.team, a.cadre, a.how, m)


class ExtendTeamTerm(CommandArgs):
    team: IdArg
    until: DayArg


@command("extend_team_term", "驻村期延长", "extend a team's term", ExtendTeamTerm)
def _extend_team_term(n: Network, a: ExtendTeamTerm, m: Meta) -> dict[str, Any]:
    return _teams(n).extend_team_term(a.team, a.until, m)


class EndTeamTerm(CommandArgs):
    team: IdArg
    successor: OptIdArg


@command("end_team_term", "结束驻村", "a team's term ends", EndTeamTerm)
def _end_team_term(n: Network, a: EndTeamTerm, m: Meta) -> dict[str, Any]:
    return _teams(n).end_team_term(a.team, a.successor, m)


class CheckIn(CommandArgs):
    cadre: IdArg
    place: OptTextArg
    lat: Read[float | None, Number(required=False)]
    lon: Read[float | None, Number(required=False)]


@command("check_in", "驻村签到", "a member checks in for the day", CheckIn)
def _check_in(n: Network, a: CheckIn, m: Meta) -> dict[str, Any]:
    return _teams(n).check_in(a.cadre, a.place, a.lat, a.lon, m)


class RequestLeave(CommandArgs):
    cadre: IdArg
    first_day: DayArg
    last_day: DayArg
    id: OptIdArg


@command("request_leave", "请假", "a member asks for leave", RequestLeave)
def _request_leave(n: Network, a: RequestLeave, m: Meta) -> dict[str, Any]:
    return _teams(n).request_leave(a.cadre, a.first_day, a.last_day, m, a.id)


class ALeave(CommandArgs):
    leave: IdArg


@command("approve_leave", "批准请假", "approve a leave request", ALeave)
def _approve_leave(n: Network, a: ALeave, m: Meta) -> dict[str, Any]:
    return _teams(n).decide_leave(a.leave, True, m)


@command("reject_leave", "驳回请假", "reject a leave request", ALeave)
def _reject_leave(n: Network, a: ALeave, m: Meta) -> dict[str, Any]:
    return _teams(n).decide_leave(a.leave, False, m)


class RecordAbsence(CommandArgs):
    cadre: IdArg
    note: OptTextArg


@command("record_absence", "抽查发现脱岗", "a spot check found a member absent", RecordAbsence)
def _record_absence(n: Network, a: RecordAbsence, m: Meta) -> dict[str, Any]:
    return _teams(n).record_absence(a.cadre, a.note, m)


class WriteDiary(CommandArgs):
    cadre: IdArg
    text: TextArg


@command("write_diary", "写民情日记", "a member writes a work diary entry", WriteDiary)
def _write_diary(n: Network, a: WriteDiary, m: Meta) -> dict[str, Any]:
    return _teams(n).write_diary(a.cadre, a.text, m)


class VisitHousehold(CommandArgs):
    cadre: IdArg
    household: IdArg
    note: OptTextArg


@command(
    "visit_household",
    "走访入户",
    "a member visits a household of the team's village",
    VisitHousehold,
)
def _visit_household(n: Network, a: VisitHousehold, m: Meta) -> dict[str, Any]:
    return _teams(n).visit_household(a.cadre, a.household, a.note, m)


# -- corrections ------------------------------------------------------------------------------


class RecordCorrection(CommandArgs):
    position: Read[int, Position()]
    note: TextArg
    id: OptIdArg


@command(
    "record_correction",
    "更正此前的记录",
    "say that an earlier entry of the log was wrong, and why",
    RecordCorrection,
)
def _record_correction(n: Network, a: RecordCorrection, m: Meta) -> dict[str, Any]:
    from app.corrections import record_correction

    return record_correction(n.uow, a.position, a.note, m, a.id)


# -- the village work ledger (app/ledger/commands.py) -----------------------------------------

# -- every refusal of a line at once (the web's forms) -----------------------------------------


def every_refusal(obj: dict[str, Any]) -> list[InvalidInputError]:
    """Every malformed part of one line as sent (a missing or badly written argument, a
    missing reason, a day that is not one), each by its field, found by reading the line as
    ``parse_command_line`` and the command do, without running anything. An empty list
    when the line reads well: the command may still refuse it by the rules, when run."""
    found: list[InvalidInputError] = []
    envelope: tuple[tuple[str, Field, Any], ...] = (
        ("reason", REASON, lambda v: clean_text("reason", v, REASON)),
        ("occurred_on", field("occurred_on"), parse_date),
    )
    for name, spec_of, read in envelope:
        value = obj.get(name)
        try:
            if is_blank(value):
                raise refuse(name, "为必填项", "is required", spec_of)
            read(value)
        except InvalidInputError as e:
            found.append(e)
    spec = COMMANDS.get(str(obj.get("command", "")).strip())
    args = obj.get("args")
    if spec is None or not isinstance(args, dict):
        return found
    refused: list[InvalidInputError] = []
    # Each argument read by its definition (app/schemas.py), as ``CommandArgs.read`` does,
    # going on past a refusal: one per field, in the model's order.
    for name, arg in spec.model.arguments():
        value = args.get(name)
        try:
            if value is None or (isinstance(value, str) and not value.strip()):
                arg.absent(name)
            else:
                arg.read(name, value)
        except InvalidInputError as e:
            refused.append(e)
    return [*refused, *found]


# and the assessments' (app/assessments/commands.py)
import app.assessments.commands  # noqa: E402
import app.ledger.commands  # noqa: E402  (its commands join the registry after these)
import app.rectifications_commands  # noqa: E402, F401
