"""A small network with two counties, a work team, and one account per role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher

from app.accounts import Accounts
from app.bootstrap import Zhucun
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, apply, cmd, open_unit
from tests.team_builders import MEMBER, cid, team_network

OTHER_COUNTY, OTHER_TOWNSHIP = "210522", "210522100"
OTHER_VILLAGE, OTHER_GROUP = "210522100201", "210522100201001"

# Cheap to compute, so tests log in often; real accounts use argon2-cffi's defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
PASSWORD = "zhucun-test-2014"

# role -> (username, unit); the team member is bound to the team of village A as well.
ACCOUNTS = {
    "city_admin": ("city.admin", CITY),
    "county_admin": ("county.admin", COUNTY),
    "township_officer": ("township.officer", TOWNSHIP),
    "team_member": ("team.member", VILLAGE_A),
    "inspector": ("county.inspector", COUNTY),
    "auditor": ("city.auditor", CITY),
}
ROLES = list(ACCOUNTS)
IP = "10.0.0.7"  # the address the account tests log in from


@dataclass
class WebNet:
    team: str
    households: dict[str, str]


def other_county(z: Zhucun) -> None:
    apply(
        z,
        open_unit(OTHER_COUNTY, "桓仁满族自治县", "county", CITY),
        open_unit(OTHER_TOWNSHIP, "桓仁镇", "township", OTHER_COUNTY),
        open_unit(OTHER_VILLAGE, "丙村", "village", OTHER_TOWNSHIP),
        open_unit(OTHER_GROUP, "丙村一组", "group", OTHER_VILLAGE),
    )


def web_network(z: Zhucun) -> WebNet:
    net = team_network(z)
    other_county(z)
    add_accounts(z, net.team)
    return WebNet(net.team, net.households)


def add_accounts(z: Zhucun, team: str) -> None:
    """An account of every role (``ACCOUNTS``), the team member's bound to ``team``."""
    accounts = Accounts(z, hasher=FAST_HASHER)
    for role, (username, unit) in ACCOUNTS.items():
        bound = team if role == "team_member" else None
        accounts.add(username, role, unit, PASSWORD, team=bound, actor="test")


def diary_and_visit(net: WebNet) -> list[dict[str, Any]]:
    """The team member's diary of 2016-11-02 and visit of 2016-11-03 to household A1."""
    member = {"actor": "team.member", "role": "team_member", "cadre": cid(MEMBER)}
    return [
        cmd("write_diary", on="2016-11-02", **member, text="走访三户，二组灌溉渠年久失修"),
        cmd(
            "visit_household",
            on="2016-11-03",
            **member,
            household=net.households["A1"],
            note="介绍合作社",
        ),
    ]


def events_named(z: Zhucun, *qualnames: str) -> list[Any]:
    """The events of the log whose class is one of ``qualnames`` (``Account.Added``), in order."""
    return [
        logged.event
        for page in z.store.iter_log()
        for logged in page
        if type(logged.event).__qualname__ in qualnames
    ]


def found(pattern: str, html: str, what: str = "") -> str:
    """The first group of ``pattern`` in ``html``; the test fails, naming ``what`` (else the
    pattern), when nothing matches."""
    match = re.search(pattern, html, re.S)
    assert match, f"no {what}" if what else f"nothing matches {pattern}"
    return match.group(1)
