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
}


def event_type(event: Any) -> str:
    return type(event).__qualname__


def describe(event: Any) -> tuple[str, str]:
    name = event_type(event)
    return WORDS.get(name, (name, name))


def details(event: Any) -> dict[str, Any]:
    """The event's own fields, identity numbers masked, ids as strings."""
    from domain.identity import mask_identity_number

    out: dict[str, Any] = {}
    for key, value in vars(event).items():
        if key in META_FIELDS:
            continue
        if key == "id_number":
            value = mask_identity_number(value)
        out[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
    return out
