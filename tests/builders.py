"""Small helpers to write commands in tests the way users write them in ``zhucun apply``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from app.bootstrap import BatchRefused, BatchResult, Zhucun, bootstrap
from domain.identity import check_digit
from tests.units import CITY, COUNTY, GROUP_A1, GROUP_A2, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B


def cmd(
    command: str,
    on: str = "2014-06-01",
    actor: str = "li.clerk",
    role: str = "township_officer",
    reason: str = "test",
    key: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "command": command,
        "args": args,
        "actor": actor,
        "role": role,
        "occurred_on": on,
        "reason": reason,
    }
    if key is not None:
        line["key"] = key
    return line


def answer(text: str) -> Any:
    """A query's ``--json`` answer without the read models' ``freshness`` that every such
    answer carries: the object itself, or the rows of a list."""
    data = json.loads(text)
    fresh = data.pop("freshness")
    assert fresh["position"] <= fresh["head"] and fresh["behind"] >= 0, fresh
    return data["rows"] if set(data) == {"rows"} else data


def apply(z: Zhucun, *lines: dict[str, Any]) -> BatchResult:
    return z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))


def refused(z: Zhucun, *lines: dict[str, Any]) -> BatchRefused:
    """Apply, expect a refusal, and check the log did not move."""
    before = z.store.max_position()
    with pytest.raises(BatchRefused) as info:
        apply(z, *lines)
    assert z.store.max_position() == before, "a refused batch must write nothing"
    err = info.value.error
    assert err.zh and err.en and err.field
    return info.value


def id_number(serial: int) -> str:
    first17 = f"21052119800101{serial % 1000:03d}"
    return first17 + check_digit(first17)


def hid(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


def mid(n: int) -> str:
    return f"00000000-0000-0000-0001-{n:012d}"


def open_unit(
    code: str, name: str, level: str, parent: str | None = None, on: str = "2014-01-01", **kw: Any
) -> dict[str, Any]:
    """The command opening unit ``code`` (``kw``: the line's actor, reason or key)."""
    above = {"parent": parent} if parent is not None else {}
    return cmd("open_unit", on, code=code, name=name, level=level, **above, **kw)


def household(
    n: int, group: str, head_name: str, members: int, on: str = "2014-06-01", **envelope: Any
) -> dict[str, Any]:
    """The command registering household ``hid(n)``, its head's identity number
    ``id_number(n)`` (``envelope``: the line's actor, role, reason or key)."""
    return cmd(
        "register_household",
        on=on,
        group=group,
        head_name=head_name,
        members=members,
        id_number=id_number(n),
        id=hid(n),
        **envelope,
    )


@dataclass
class Net:
    households: dict[str, str]  # name -> household id
    member: str  # party member id living in household "A1"
    central_household: str


# The heads of the small network's households, by the names the tests give the households.
HEADS = {"A1": "王大", "A1b": "李二", "A2": "张三", "B1": "赵四"}


def small_network(z: Zhucun) -> Net:
    """A city, a county, a township, two villages (A poor), three groups, a few households,
    one party member whose household is a central household in village A."""
    r = apply(
        z,
        open_unit(CITY, "本溪市", "city"),
        open_unit(COUNTY, "本溪满族自治县", "county", CITY),
        open_unit(TOWNSHIP, "小市镇", "township", COUNTY),
        open_unit(VILLAGE_A, "甲村", "village", TOWNSHIP),
        open_unit(VILLAGE_B, "乙村", "village", TOWNSHIP),
        open_unit(GROUP_A1, "甲村一组", "group", VILLAGE_A),
        open_unit(GROUP_A2, "甲村二组", "group", VILLAGE_A),
        open_unit(GROUP_B1, "乙村一组", "group", VILLAGE_B),
        cmd("declare_poor_village", on="2014-03-01", unit=VILLAGE_A),
        household(1, GROUP_A1, "王大", 4),
        household(2, GROUP_A1, "李二", 3),
        household(3, GROUP_A2, "张三", 5),
        household(4, GROUP_B1, "赵四", 2),
        cmd("party_member_joined", name="王大", household=hid(1), id=mid(1)),
        cmd("designate_central_household", on="2014-06-02", party_member=mid(1)),
    )
    ch = r.results[-1]["central_household"]
    return Net({"A1": hid(1), "A1b": hid(2), "A2": hid(3), "B1": hid(4)}, mid(1), ch)


def join_party(
    net: Net, household: str, n: int | None = None, on: str = "2014-06-01"
) -> dict[str, Any]:
    """The command by which the head of a household of the small network (by its name there)
    joins the party; as party member ``mid(n)`` when ``n`` is given."""
    member = {"id": mid(n)} if n is not None else {}
    head = HEADS[household]
    return cmd("party_member_joined", on, name=head, household=net.households[household], **member)


def move(net: Net, household: str, group: str, on: str) -> dict[str, Any]:
    """The command moving a household of the small network (by its name there) to ``group``."""
    return cmd("move_household", on, household=net.households[household], group=group)


def small_network_at(url: str) -> str:
    """The small network written to the store at ``url``, closed again; the url."""
    z = bootstrap(url)
    try:
        small_network(z)
    finally:
        z.close()
    return url


def link(net: Net, household: str, on: str = "2014-06-03") -> dict[str, Any]:
    """The command linking a household of the small network (by its name there) to the
    network's central household; by default the day after the central household was named."""
    return cmd(
        "link_household",
        on=on,
        household=net.households[household],
        central_household=net.central_household,
    )
