"""The commands users send (one JSON line each in ``zhucun apply``), and how each one runs.

A command names a use case of ``Network``; this module only reads its arguments. The
registry itself is ``app/registry.py``; the ledger's commands register from
``app/ledger/commands.py``, imported here so that ``COMMANDS`` holds every command.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.args import Args, ReferenceCheck, clean_text, is_blank, parse_date, refuse
from app.network import Network
from app.registry import COMMANDS as COMMANDS
from app.registry import command
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
    args = Args(line.args, check)
    spec = COMMANDS[line.command]
    result = spec.handler(network, args, meta)
    args.finish()
    return result


# -- administrative units ---------------------------------------------------------------------


@command(
    "open_unit", "设立区划单位", "open an administrative unit", "code", "name", "level", "parent?"
)
def _open_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.open_unit(
        a.code("code"), a.text("name", UNIT_NAME), a.enum("level", Level), a.opt_code("parent"), m
    )


@command("rename_unit", "单位更名", "rename a unit", "unit", "name")
def _rename_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.rename_unit(a.code("unit"), a.text("name", UNIT_NAME), m)


@command("move_unit", "调整隶属关系", "move a unit under another parent", "unit", "parent")
def _move_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.move_unit(a.code("unit"), a.code("parent"), m)


@command("merge_unit", "合并单位", "merge a unit into another", "unit", "into")
def _merge_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.merge_unit(a.code("unit"), a.code("into"), m)


@command("close_unit", "撤销单位", "close a unit", "unit")
def _close_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.close_unit(a.code("unit"), m)


@command("declare_poor_village", "认定贫困村", "declare a village poor", "unit")
def _declare_poor(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.declare_poor(a.code("unit"), m)


@command("exit_poverty", "贫困村脱贫", "record that a village exited poverty", "unit")
def _exit_poverty(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.exit_poverty(a.code("unit"), m)


# -- households -------------------------------------------------------------------------------


@command(
    "register_household",
    "登记户",
    "register a household in a villager group",
    "group",
    "head_name",
    "members",
    "id_number",
    "id?",
)
def _register_household(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.register_household(
        a.code("group"),
        a.text("head_name"),
        a.integer("members", 1, MEMBERS_MAX),
        a.text("id_number"),
        m,
        a.opt_uuid("id"),
    )


@command(
    "move_household", "户迁移", "move a household to another villager group", "household", "group"
)
def _move_household(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.move_household(a.uuid("household"), a.code("group"), m)


@command(
    "household_left", "户迁出或注销", "a household moved out or was dissolved", "household", "how"
)
def _household_left(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.household_left(a.uuid("household"), a.enum("how", LeaveReason), m)


@command(
    "link_household",
    "联系户挂靠中心户",
    "link a household to a central household",
    "household",
    "central_household",
)
def _link(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.link_household(a.uuid("household"), a.uuid("central_household"), m)


@command(
    "unlink_household",
    "解除联系",
    "unlink a household from its central household",
    "household",
    "central_household?",
)
def _unlink(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.unlink_household(a.uuid("household"), a.opt_uuid("central_household"), m)


# -- party members and central households -----------------------------------------------------


@command(
    "party_member_joined",
    "党员入册",
    "a party member joined the village branch",
    "name",
    "household",
    "id?",
)
def _member_joined(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.party_member_joined(a.text("name"), a.uuid("household"), m, a.opt_uuid("id"))


@command(
    "party_member_transferred_out",
    "党员转出",
    "a party member transferred out",
    "party_member",
    "destination?",
)
def _member_out(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.party_member_transferred_out(a.uuid("party_member"), a.opt_text("destination"), m)


@command("party_member_died", "党员去世", "a party member died", "party_member")
def _member_died(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.party_member_died(a.uuid("party_member"), m)


@command(
    "designate_central_household",
    "确定党员中心户",
    "designate a party member's household as a central household",
    "party_member",
)
def _designate(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.designate_central_household(a.uuid("party_member"), m)


@command(
    "change_central_party_member",
    "更换中心户党员",
    "another party member takes over a central household",
    "central_household",
    "party_member",
)
def _change_ch_member(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.change_central_party_member(a.uuid("central_household"), a.uuid("party_member"), m)


@command("end_central_household", "撤销党员中心户", "end a central household", "central_household")
def _end_ch(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.end_central_household(a.uuid("central_household"), m)


# -- service sites ----------------------------------------------------------------------------


@command(
    "open_site", "设立服务场所", "open a service centre, station or point", "unit", "kind", "name?"
)
def _open_site(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.open_site(
        a.code("unit"), a.enum("kind", SiteKind), a.opt_text("name", spec=UNIT_NAME), m
    )


@command(
    "assign_site_responsible",
    "确定服务场所负责人",
    "assign or change the person responsible for a site",
    "unit",
    "name?",
    "party_member?",
)
def _assign(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    member = a.opt_uuid("party_member")
    name = a.opt_text("name")
    if member is None and not name:
        raise InvalidInputError(
            "name",
            "请给出负责人姓名或党员编号",
            "give the responsible person's name or party_member id",
        )
    return n.assign_site_responsible(a.code("unit"), name, member, m)


@command("close_site", "关闭服务场所", "close a service site", "unit")
def _close_site(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return n.close_site(a.code("unit"), m)


# =============================================================================================
# Work teams (use cases in app/teams.py)
# =============================================================================================


def _teams(n: Network) -> Teams:
    return Teams(n.uow, n, n.rules)


@command(
    "register_dispatching_unit",
    "登记派出单位",
    "register a dispatching unit",
    "code",
    "name",
    "level",
    "sector",
)
def _register_dispatching_unit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).register_dispatching_unit(
        a.text("code"),
        a.text("name", UNIT_NAME),
        a.enum("level", DispatchLevel),
        a.enum("sector", Sector),
        m,
    )


@command(
    "classify_village",
    "村分类",
    "classify a village by its main problem",
    "village",
    "problem",
    "finding",
    "problems?",
)
def _classify_village(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).classify_village(
        a.code("village"), a.enum("problem", Problem), a.text("finding"), m, a.uuids("problems")
    )


@command(
    "register_cadre",
    "登记干部",
    "register a cadre of a dispatching unit",
    "name",
    "unit",
    "rank",
    "party_member",
    "young?",
    "reserve?",
    "id?",
)
def _register_cadre(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).register_cadre(
        a.text("name"),
        a.text("unit"),
        a.enum("rank", Rank),
        bool(a.boolean("party_member", True)),
        bool(a.boolean("young", False)),
        bool(a.boolean("reserve", False)),
        m,
        a.opt_uuid("id"),
    )


@command("change_cadre_rank", "干部职级变动", "a cadre's rank changed", "cadre", "rank")
def _change_cadre_rank(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).change_cadre_rank(a.uuid("cadre"), a.enum("rank", Rank), m)


@command("cadre_joined_party", "干部入党", "a cadre joined the party", "cadre")
def _cadre_joined_party(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).cadre_joined_party(a.uuid("cadre"), m)


@command("cadre_left_party", "干部不再是党员", "a cadre is no longer a party member", "cadre")
def _cadre_left_party(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).cadre_left_party(a.uuid("cadre"), m)


@command(
    "set_cadre_flags",
    "标记年轻干部、后备干部",
    "mark a cadre as young or reserve cadre, or not",
    "cadre",
    "young?",
    "reserve?",
)
def _set_cadre_flags(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).set_cadre_flags(
        a.uuid("cadre"), a.boolean("young", False), a.boolean("reserve", False), m
    )


@command(
    "dispatch_team",
    "派驻工作队",
    "a unit dispatches a work team to a village",
    "unit",
    "village",
    "id?",
)
def _dispatch_team(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).dispatch_team(a.text("unit"), a.code("village"), m, a.opt_uuid("id"))


@command("join_team", "队员入队", "a cadre joins a work team", "team", "cadre", "as_leader?")
def _join_team(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    as_leader = bool(a.boolean("as_leader", False))
    return _teams(n).join_team(a.uuid("team"), a.uuid("cadre"), as_leader, m)


@command(
    "change_team_leader", "更换队长", "a member of the team becomes its leader", "team", "cadre"
)
def _change_team_leader(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).change_team_leader(a.uuid("team"), a.uuid("cadre"), m)


@command("leave_team", "队员离队", "a member leaves a work team", "team", "cadre", "how")
def _leave_team(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).leave_team(a.uuid("team"), a.uuid("cadre"), a.enum("how", LeaveHow), m)


@command("extend_team_term", "驻村期延长", "extend a team's term", "team", "until")
def _extend_team_term(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).extend_team_term(a.uuid("team"), a.day("until"), m)


@command("end_team_term", "结束驻村", "a team's term ends", "team", "successor?")
def _end_team_term(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).end_team_term(a.uuid("team"), a.opt_uuid("successor"), m)


@command(
    "check_in", "驻村签到", "a member checks in for the day", "cadre", "place?", "lat?", "lon?"
)
def _check_in(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).check_in(
        a.uuid("cadre"),
        a.opt_text("place"),
        a.number("lat"),
        a.number("lon"),
        m,
    )


@command(
    "request_leave", "请假", "a member asks for leave", "cadre", "first_day", "last_day", "id?"
)
def _request_leave(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).request_leave(
        a.uuid("cadre"), a.day("first_day"), a.day("last_day"), m, a.opt_uuid("id")
    )


@command("approve_leave", "批准请假", "approve a leave request", "leave")
def _approve_leave(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).decide_leave(a.uuid("leave"), True, m)


@command("reject_leave", "驳回请假", "reject a leave request", "leave")
def _reject_leave(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).decide_leave(a.uuid("leave"), False, m)


@command("record_absence", "抽查发现脱岗", "a spot check found a member absent", "cadre", "note?")
def _record_absence(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).record_absence(a.uuid("cadre"), a.opt_text("note"), m)


@command("write_diary", "写民情日记", "a member writes a work diary entry", "cadre", "text")
def _write_diary(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).write_diary(a.uuid("cadre"), a.text("text"), m)


@command(
    "visit_household",
    "走访入户",
    "a member visits a household of the team's village",
    "cadre",
    "household",
    "note?",
)
def _visit_household(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _teams(n).visit_household(a.uuid("cadre"), a.uuid("household"), a.opt_text("note"), m)


# -- corrections ------------------------------------------------------------------------------


@command(
    "record_correction",
    "更正此前的记录",
    "say that an earlier entry of the log was wrong, and why",
    "position",
    "note",
    "id?",
)
def _record_correction(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    from app.corrections import record_correction

    return record_correction(n.uow, a.position("position"), a.text("note"), m, a.opt_uuid("id"))


# -- the village work ledger (app/ledger/commands.py) -----------------------------------------

# -- every refusal of a line at once (the web's forms) -----------------------------------------


class _Stop(Exception):
    """The command's arguments are read: it is about to be run."""


class _NotRun:
    """Stands for the use cases while a line's arguments are read: any call stops there."""

    def __getattr__(self, name: str) -> _NotRun:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise _Stop


class _EveryRefusal(Args):
    """Args that note each refused argument and go on (the value then reads as None), so
    that one reading finds every malformed argument of a line, not only the first."""

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        self.refused: list[InvalidInputError] = []

    def __getattribute__(self, name: str) -> Any:
        found = super().__getattribute__(name)
        if name.startswith("_") or name in ("finish", "refused") or not callable(found):
            return found
        refused: list[InvalidInputError] = super().__getattribute__("refused")

        def noting(*args: Any, **kwargs: Any) -> Any:
            try:
                return found(*args, **kwargs)
            except InvalidInputError as e:
                if all(r.field != e.field for r in refused):
                    refused.append(e)
                return None

        return noting


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
    reading = _EveryRefusal(args)
    # Stopped at the use case, or on a value read as None: what was read is what is known.
    with contextlib.suppress(Exception):
        spec.handler(_NotRun(), reading, None)  # type: ignore[arg-type]
    return [*reading.refused, *found]


# and the assessments' (app/assessments/commands.py)
import app.assessments.commands  # noqa: E402
import app.ledger.commands  # noqa: E402  (its commands join the registry after these)
import app.rectifications_commands  # noqa: E402, F401
