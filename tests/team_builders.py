"""A small network with dispatching units, cadres and one work team, written as users write it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.bootstrap import Zhucun
from tests.builders import VILLAGE_A, VILLAGE_B, apply, cmd, small_network
from tests.builders import refused as refused  # the team tests take it from here

CITY_AGRI, CITY_CIVIL, CITY_OTHER = "CITY-AGRI", "CITY-CIVIL", "CITY-OTHER"
COUNTY_AGRI, PROV_FIN = "COUNTY-AGRI", "PROV-FIN"

UNITS = [
    (CITY_AGRI, "本溪市农委", "city", "agriculture"),
    (CITY_CIVIL, "本溪市民政局", "city", "civil_affairs"),
    (CITY_OTHER, "本溪市档案局", "city", "other"),
    (COUNTY_AGRI, "本溪县农业局", "county", "agriculture"),
    (PROV_FIN, "辽宁省财政厅", "province", "finance"),
]


def cid(n: int) -> str:
    return f"00000000-0000-0000-0002-{n:012d}"


def tid(n: int) -> str:
    return f"00000000-0000-0000-0003-{n:012d}"


def lid(n: int) -> str:
    return f"00000000-0000-0000-0004-{n:012d}"


# The cadres of every test: (id number, name, unit, rank, party member)
LEADER, MEMBER, NON_PARTY, CLERK, SPARE_LEADER = 1, 2, 3, 4, 5
CADRES = [
    (LEADER, "张队长", CITY_AGRI, "deputy_division", True),
    (MEMBER, "李队员", CITY_AGRI, "clerk", True),
    (NON_PARTY, "王处长", CITY_AGRI, "division", False),
    (CLERK, "赵科员", CITY_AGRI, "clerk", True),
    (SPARE_LEADER, "钱处长", CITY_AGRI, "division", True),
    (6, "孙科长", COUNTY_AGRI, "deputy_section", True),
    (7, "周科员", COUNTY_AGRI, "clerk", True),
    (8, "吴副处", PROV_FIN, "deputy_division", True),
]

DISPATCHED_ON = "2014-06-01"


@dataclass
class TeamNet:
    team: str  # the team of CITY_AGRI in village A: leader and one member
    households: dict[str, str]


def register_units_and_cadres(z: Zhucun) -> None:
    lines: list[dict[str, Any]] = [
        cmd(
            "register_dispatching_unit",
            on="2014-01-01",
            code=code,
            name=name,
            level=level,
            sector=sector,
        )
        for code, name, level, sector in UNITS
    ]
    lines += [
        cmd(
            "register_cadre",
            on="2014-01-01",
            name=name,
            unit=unit,
            rank=rank,
            party_member=party,
            id=cid(n),
        )
        for n, name, unit, rank, party in CADRES
    ]
    apply(z, *lines)


def team_network(z: Zhucun) -> TeamNet:
    """``small_network`` (village A poor since 2014-03-01) plus units, cadres, village A
    classified as an economy village and a team of CITY_AGRI serving there since 2014-06-01."""
    net = small_network(z)
    register_units_and_cadres(z)
    apply(
        z,
        cmd(
            "classify_village",
            on="2014-05-20",
            village=VILLAGE_A,
            problem="lagging_development",
            finding="集体经济空壳，人均收入低于全县平均",
        ),
        cmd("dispatch_team", on=DISPATCHED_ON, unit=CITY_AGRI, village=VILLAGE_A, id=tid(1)),
        cmd("join_team", on=DISPATCHED_ON, team=tid(1), cadre=cid(LEADER), as_leader=True),
        cmd("join_team", on=DISPATCHED_ON, team=tid(1), cadre=cid(MEMBER)),
    )
    return TeamNet(tid(1), net.households)


def leave(
    n: int, first: str, last: str, on: str = "2014-07-01", who: int = MEMBER, **envelope: Any
) -> dict[str, Any]:
    """The command by which cadre ``who`` asks for leave ``lid(n)``, ``first`` to ``last``."""
    return cmd(
        "request_leave", on, cadre=cid(who), first_day=first, last_day=last, id=lid(n), **envelope
    )


def visit(household: str, on: str, who: int = MEMBER, **kw: Any) -> dict[str, Any]:
    """The command by which cadre ``who`` visits ``household`` on ``on``."""
    return cmd("visit_household", on, cadre=cid(who), household=household, **kw)


def second_team(z: Zhucun, unit: str = CITY_AGRI, village: str = VILLAGE_B, n: int = 2) -> str:
    apply(z, cmd("dispatch_team", on=DISPATCHED_ON, unit=unit, village=village, id=tid(n)))
    return tid(n)


def events_of(z: Zhucun, aggregate_id: str) -> list[dict[str, Any]]:
    from uuid import UUID

    return z.history_of_id(UUID(aggregate_id))
