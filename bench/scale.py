"""A deterministic province to load: ``python -m bench.scale --villages N``.

Province scale is 10,000 villages: a province root (210000), 14 cities, 97 counties and
1,250 townships above them, about 3,000,000 households in about 80,000 villager groups, 6% of
households with a party member whose household is a central household linking ~15 neighbours,
and a service site with a person in charge at every level from the city down to the group.

Plans are made one village at a time from a seed of their own, so any prefix of the province
is the same whatever ``--villages`` says and memory stays flat however many villages follow.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from bench import people
from bench.people import GIVEN, ID_SCHEMES, SECOND, SIZES, SURNAMES
from domain.levels import Level
from domain.party import central_household_id

PROVINCE_CODE = "210000"
PROVINCE_NAME = "辽宁省"
VILLAGES_PER_TOWNSHIP = 8
TOWNSHIPS_PER_COUNTY = 13
COUNTIES_PER_CITY = 7
MAX_CITIES = 99  # two digits of the code
MAX_VILLAGES = MAX_CITIES * COUNTIES_PER_CITY * TOWNSHIPS_PER_COUNTY * VILLAGES_PER_TOWNSHIP

PARTY_SHARE = 0.06
LINKS_PER_CENTRAL = 15
POOR_SHARE = 0.10

# Effective dates, in an order every rule accepts: a thing is dated after what it depends on.
OPENED_ON = date(2014, 1, 1)
POOR_ON = date(2014, 2, 1)
REGISTERED_ON = date(2014, 3, 1)
JOINED_ON = date(2014, 4, 1)
DESIGNATED_ON = date(2014, 5, 1)
LINKED_ON = date(2014, 5, 15)
SITE_ON = date(2014, 6, 1)
RESPONSIBLE_ON = date(2014, 6, 15)
EXITED_ON = date(2016, 11, 30)

CITY_NAMES = (
    "沈阳市",
    "大连市",
    "鞍山市",
    "抚顺市",
    "本溪市",
    "丹东市",
    "锦州市",
    "营口市",
    "阜新市",
    "辽阳市",
    "盘锦市",
    "铁岭市",
    "朝阳市",
    "葫芦岛市",
)


@dataclass(frozen=True, slots=True)
class UnitPlan:
    code: str
    name: str
    level: Level
    parent_code: str | None
    responsible: str  # who runs the unit's service site ("" for the province: it has none)


@dataclass(frozen=True, slots=True)
class HouseholdPlan:
    id: UUID
    group_code: str
    head_name: str
    members: int
    id_number: str


@dataclass(frozen=True, slots=True)
class CentralPlan:
    """A party member, whose own household becomes a central household linking neighbours."""

    member_id: UUID
    member_name: str
    household: int  # index into the village's households
    linked: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class VillagePlan:
    unit: UnitPlan
    groups: tuple[UnitPlan, ...]
    households: tuple[HouseholdPlan, ...]
    centrals: tuple[CentralPlan, ...]
    poor: bool
    exited_poverty: bool

    @property
    def township(self) -> str:
        assert self.unit.parent_code is not None
        return self.unit.parent_code

    @property
    def event_count(self) -> int:
        links = sum(len(c.linked) for c in self.centrals)
        # unit + site + person in charge, for the village and each group
        return (
            3 * (1 + len(self.groups))
            + len(self.households)
            + 2 * len(self.centrals)
            + links
            + self.poor
            + self.exited_poverty
        )


Plan = UnitPlan | VillagePlan


def unit_event_count(unit: UnitPlan) -> int:
    return 1 if unit.level is Level.PROVINCE else 3


def province(villages: int, seed: int = 2014, ids: str = "ordered") -> Iterator[Plan]:
    """The whole province: its head, then every county with what lies under it."""
    yield from head(villages, seed)
    yield from counties(villages, seed, ids=ids)


def head(villages: int, seed: int = 2014) -> Iterator[UnitPlan]:
    """The province root and the cities that ``villages`` villages need."""
    _check(villages)
    yield UnitPlan(PROVINCE_CODE, PROVINCE_NAME, Level.PROVINCE, None, "")
    for n in range(-(-_county_count(villages) // COUNTIES_PER_CITY)):
        name = CITY_NAMES[n] if n < len(CITY_NAMES) else f"第{n + 1}市"
        code = _city_code(n)
        yield UnitPlan(code, name, Level.CITY, PROVINCE_CODE, people.person(_rng(seed, code)))


def counties(
    villages: int, seed: int = 2014, part: int = 0, parts: int = 1, ids: str = "ordered"
) -> Iterator[Plan]:
    """Each county of this part (county number mod ``parts``), its townships and villages."""
    _check(villages)
    if ids not in ID_SCHEMES:
        raise ValueError(f"ids must be one of {', '.join(ID_SCHEMES)}")
    numbers = people.id_numbers()
    per_county = VILLAGES_PER_TOWNSHIP * TOWNSHIPS_PER_COUNTY
    for c in range(part, _county_count(villages), parts):
        city = _city_code(c // COUNTIES_PER_CITY)
        county = f"{city[:4]}{c % COUNTIES_PER_CITY + 1:02d}"
        rng = _rng(seed, county)
        yield UnitPlan(county, people.place(rng, "县"), Level.COUNTY, city, people.person(rng))
        first = c * per_county
        for i in range(first, min(villages, first + per_county)):
            t = i // VILLAGES_PER_TOWNSHIP
            township = f"{county}{t % TOWNSHIPS_PER_COUNTY + 1:03d}"
            if i % VILLAGES_PER_TOWNSHIP == 0:
                rng = _rng(seed, township)
                yield UnitPlan(
                    township, people.place(rng, "镇"), Level.TOWNSHIP, county, people.person(rng)
                )
            code = f"{township}{i % VILLAGES_PER_TOWNSHIP + 1:03d}"
            yield _village(random.Random(seed * 1_000_003 + i), i, code, township, numbers, ids)


def _check(villages: int) -> None:
    if not 0 <= villages <= MAX_VILLAGES:
        raise ValueError(f"--villages must be between 0 and {MAX_VILLAGES}")


def _county_count(villages: int) -> int:
    return -(-villages // (VILLAGES_PER_TOWNSHIP * TOWNSHIPS_PER_COUNTY))


def _city_code(n: int) -> str:
    return f"21{n + 1:02d}00"


def _rng(seed: int, code: str) -> random.Random:
    return random.Random(f"{seed}:{code}")


def _village(
    rng: random.Random, index: int, code: str, township: str, numbers: people.IdNumbers, ids: str
) -> VillagePlan:
    # The village's station is run by one of its party members, named in ``centrals``.
    unit = UnitPlan(code, people.place(rng, "村"), Level.VILLAGE, township, "")
    groups = tuple(
        UnitPlan(f"{code}{g + 1:03d}", f"第{g + 1}村民小组", Level.GROUP, code, people.person(rng))
        for g in range(rng.randint(6, 10))
    )
    n = rng.randint(260, 340)
    new_id = people.id_maker(rng, index, ids)
    id_number = numbers.maker(code[:6])
    # Households fill the groups in order, so a central household's neighbours share its group.
    per_group = -(-n // len(groups))
    group_codes = [g.code for g in groups]
    draw = rng.getrandbits
    ns, ng, n2, nz = len(SURNAMES), len(GIVEN), len(SECOND), len(SIZES)
    households = []
    for k in range(n):
        # One draw decides name, size and identity number; fewer calls, same determinism.
        x = draw(64)
        name = (SURNAMES[x % ns] + GIVEN[(x >> 8) % ng] + SECOND[(x >> 16) % n2]).rstrip()
        households.append(
            HouseholdPlan(
                new_id(k),
                group_codes[k // per_group],
                name,
                SIZES[(x >> 24) % nz],
                id_number(x >> 32),
            )
        )
    m = max(1, round(n * PARTY_SHARE))
    at = [k * n // m for k in range(m)]
    chosen = set(at)
    others = [k for k in range(n) if k not in chosen]
    centrals = tuple(
        CentralPlan(
            new_id(2048 + j),
            households[k].head_name,
            k,
            tuple(others[j * LINKS_PER_CENTRAL : (j + 1) * LINKS_PER_CENTRAL]),
        )
        for j, k in enumerate(at)
    )
    poor = rng.random() < POOR_SHARE
    return VillagePlan(unit, groups, tuple(households), centrals, poor, poor and rng.random() < 0.5)


# -- as zhucun apply commands ------------------------------------------------------------------

ACTOR = "bench-loader"
ROLE = "operator"
REASON = "省级规模基准数据 / province-scale benchmark data"


def as_commands(plan: Plan) -> Iterator[dict[str, Any]]:
    """The same plan as JSON-lines commands for ``zhucun apply``, in an order the rules accept."""

    def cmd(command: str, on: date, **args: Any) -> dict[str, Any]:
        return {
            "command": command,
            "args": args,
            "actor": ACTOR,
            "role": ROLE,
            "occurred_on": on.isoformat(),
            "reason": REASON,
        }

    if isinstance(plan, UnitPlan):
        yield cmd(
            "open_unit",
            OPENED_ON,
            code=plan.code,
            name=plan.name,
            level=plan.level.value,
            parent=plan.parent_code,
        )
        if plan.level is not Level.PROVINCE:
            yield cmd("open_site", SITE_ON, unit=plan.code, kind="centre")
            yield cmd(
                "assign_site_responsible", RESPONSIBLE_ON, unit=plan.code, name=plan.responsible
            )
        return
    v, code = plan, plan.unit.code
    yield cmd(
        "open_unit",
        OPENED_ON,
        code=code,
        name=v.unit.name,
        level="village",
        parent=v.unit.parent_code,
    )
    if v.poor:
        yield cmd("declare_poor_village", POOR_ON, unit=code)
    for g in v.groups:
        yield cmd("open_unit", OPENED_ON, code=g.code, name=g.name, level="group", parent=code)
    for h in v.households:
        yield cmd(
            "register_household",
            REGISTERED_ON,
            group=h.group_code,
            head_name=h.head_name,
            members=h.members,
            id_number=h.id_number,
            id=str(h.id),
        )
    for c in v.centrals:
        yield cmd(
            "party_member_joined",
            JOINED_ON,
            name=c.member_name,
            household=str(v.households[c.household].id),
            id=str(c.member_id),
        )
        yield cmd("designate_central_household", DESIGNATED_ON, party_member=str(c.member_id))
    for c in v.centrals:
        cid = str(central_household_id(v.households[c.household].id))
        for k in c.linked:
            yield cmd(
                "link_household",
                LINKED_ON,
                household=str(v.households[k].id),
                central_household=cid,
            )
    yield cmd("open_site", SITE_ON, unit=code, kind="station")
    yield cmd(
        "assign_site_responsible",
        RESPONSIBLE_ON,
        unit=code,
        party_member=str(v.centrals[0].member_id),
    )
    for g in v.groups:
        yield cmd("open_site", SITE_ON, unit=g.code, kind="point")
        yield cmd("assign_site_responsible", RESPONSIBLE_ON, unit=g.code, name=g.responsible)
    if v.exited_poverty:
        yield cmd("exit_poverty", EXITED_ON, unit=code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--villages", type=int, default=10, help="how many villages (default 10)")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--ids",
        choices=ID_SCHEMES,
        default="ordered",
        help="household and party member ids: ordered (UUIDv7 layout, default) "
        "or random (like uuid4)",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print counts instead of the JSON-lines commands"
    )
    args = parser.parse_args(argv)
    if args.summary:
        counts: dict[str, int] = {}
        for plan in province(args.villages, args.seed, args.ids):
            if isinstance(plan, UnitPlan):
                counts[plan.level.value] = counts.get(plan.level.value, 0) + 1
                counts["events"] = counts.get("events", 0) + unit_event_count(plan)
                continue
            for key, n in (
                ("village", 1),
                ("group", len(plan.groups)),
                ("households", len(plan.households)),
                ("party_members", len(plan.centrals)),
                ("linked", sum(len(c.linked) for c in plan.centrals)),
                ("poor", int(plan.poor)),
                ("events", plan.event_count),
            ):
                counts[key] = counts.get(key, 0) + n
        json.dump(counts, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    out = sys.stdout
    for plan in province(args.villages, args.seed, args.ids):
        for line in as_commands(plan):
            out.write(json.dumps(line, ensure_ascii=False))
            out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
