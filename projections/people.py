"""The people of a villager group (or a village) on a day, and one central household on a
day: households with their link (to which central household, since when), party members
with their role, central households with their party member, links and load.

Read from the coverage read model's facts of the village up to that day (as known now) and
walked by the same sweep that computes coverage and gaps, so that what these pages say
(covered or not, vacant, overloaded, the count that the rule maximum is compared with)
agrees with the blind spots of the same day. A village has a few thousand facts: no replay
of the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.rules import RuleSet
from projections.coverage.facts import CENTRAL, HOUSEHOLD, as_date, stored_fact
from projections.coverage.queries import Tree, when
from projections.coverage.sweep import GAPS, Sweep, Walk
from projections.coverage.tables import facts, rows, scope_entities
from projections.tables import central_households


@dataclass
class Village:
    """A village's state at the end of a day, with the days links and designations began."""

    code: str
    state: Sweep
    linked_on: dict[str, date] = field(default_factory=dict)  # household -> its link's day
    designated_on: dict[str, date] = field(default_factory=dict)  # central household -> day
    member_since: dict[str, date] = field(default_factory=dict)  # central household -> day
    ended_on: dict[str, date] = field(default_factory=dict)  # central household -> day

    def groups(self) -> list[str]:
        return sorted(
            code
            for code, u in self.state.units.items()
            if u.level == "group" and u.open and u.parent == self.code
        )

    def serving(self, ch: str) -> bool:
        return self.state._ch_serving(ch)

    def covered(self, household: str) -> bool:
        """As the coverage rule says: its own central household serves, or its link does."""
        s = self.state
        own = s.ch_by_household.get(household)
        link = s.households[household].link
        return (own is not None and self.serving(own)) or (link is not None and self.serving(link))


def village_on(conn: Connection, village: str, as_of: date, rules: RuleSet) -> Village:
    """The village's households, party members, central households, groups and sites at the
    end of ``as_of``, as known now."""
    entities = select(scope_entities.c.entity).where(scope_entities.c.scope == village)
    found = conn.execute(
        select(facts)
        .where(facts.c.entity.in_(entities), facts.c.occurred_on <= as_of)
        .order_by(facts.c.position)
    )
    loaded = [stored_fact(r) for r in found]
    walk = Walk(village, rules)
    walk.feed(loaded)
    out = Village(village, walk.state)
    for f in sorted(loaded, key=lambda f: f.order):
        if f.kind == HOUSEHOLD and f.type == "Linked":
            out.linked_on[f.entity] = f.occurred_on
        elif f.kind == CENTRAL:
            if f.type in ("Designated", "Redesignated"):
                out.designated_on[f.entity] = f.occurred_on
                out.member_since[f.entity] = f.occurred_on
                out.ended_on.pop(f.entity, None)
            elif f.type == "PartyMemberChanged":
                out.member_since[f.entity] = f.occurred_on
            elif f.type == "Ended":
                out.ended_on[f.entity] = f.occurred_on
    return out


def _id(hex_id: str) -> str:
    return str(UUID(hex_id))


def _central_row(v: Village, ch: str, rules: RuleSet) -> dict[str, Any]:
    s = v.state
    c = s.centrals[ch]
    home = s.households.get(c.household)
    member = s.members.get(c.member)
    count = s.load.get(ch, 0)
    active = c.active and c.village == v.code
    return {
        "id": _id(ch),
        "household": {
            "id": _id(c.household),
            "name": home.name if home else "",
            "group": home.group if home else "",
        },
        "party_member": {
            "id": _id(c.member),
            "name": member.name if member else "",
            "active": bool(member and member.active),
        },
        "active": active,
        "vacant": active and not s.member_active(c.member),
        "designated_on": _iso(v.designated_on.get(ch)),
        "member_since": _iso(v.member_since.get(ch)),
        "ended_on": None if active else _iso(v.ended_on.get(ch)),
        "linked_count": count,
        "max_linked": rules.max_linked_per_central_household,
        "overloaded": active and count > rules.max_linked_per_central_household,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def people(conn: Connection, code: str, as_of: date, rules: RuleSet) -> dict[str, Any] | None:
    """The households, party members and central households of a villager group on that day;
    of a village, its central households only (its people are listed group by group: a
    village holds hundreds of households). None when the unit is unknown then; a ValueError
    naming the level for a unit above village level."""
    tree = Tree(conn, as_of, None)
    if not tree.find(code):
        return None
    level, village = tree.level[code], tree.village_of(code)
    v = village_on(conn, village, as_of, rules)
    wanted = set(v.groups()) if level == "village" else {code}
    return {
        "unit": code,
        "name": tree.name[code],
        "level": level,
        "village": village,
        "as_of": as_of.isoformat(),
        "households": _households(v, wanted) if level == "group" else [],
        "party_members": _members(v, wanted) if level == "group" else [],
        "central_households": _centrals(v, wanted),
    }


def _households(v: Village, wanted: set[str]) -> list[dict[str, Any]]:
    s = v.state
    out = []
    for h, st in s.households.items():
        if not (st.active and st.group in wanted and s.village_of_group(st.group) == v.code):
            continue
        own = s.ch_by_household.get(h)
        link = st.link
        linked_to = None
        if link is not None and link in s.centrals:
            c = s.centrals[link]
            home = s.households.get(c.household)
            member = s.members.get(c.member)
            linked_to = {
                "id": _id(link),
                "name": home.name if home else "",
                "party_member": member.name if member else "",
                "serving": v.serving(link),
            }
        out.append(
            {
                "id": _id(h),
                "name": st.name,
                "group": st.group,
                "covered": v.covered(h),
                "central_household": _id(own) if own and s.centrals[own].active else None,
                "linked_to": linked_to,
                "linked_on": _iso(v.linked_on.get(h)) if link else None,
            }
        )
    out.sort(key=lambda r: (r["group"], r["name"], r["id"]))
    return out


def _members(v: Village, wanted: set[str]) -> list[dict[str, Any]]:
    """Active party members living in the groups, with the roles they hold on the day."""
    s = v.state
    out = []
    for m, ms in s.members.items():
        home = s.households.get(ms.household)
        if not (ms.active and ms.village == v.code and home and home.group in wanted):
            continue
        holds = [_id(c) for c in sorted(s.chs_by_member.get(m, ())) if s.centrals[c].active]
        keeps = [s.sites[x].name for x in sorted(s.sites_by_member.get(m, ())) if s.sites[x].open]
        out.append(
            {
                "id": _id(m),
                "name": ms.name,
                "household": {"id": _id(ms.household), "name": home.name},
                "group": home.group,
                "central_households": holds,
                "sites": keeps,
                "has_role": bool(holds or keeps),
            }
        )
    out.sort(key=lambda r: (r["group"], r["name"], r["id"]))
    return out


def _centrals(v: Village, wanted: set[str]) -> list[dict[str, Any]]:
    s = v.state
    rows = [
        _central_row(v, ch, s.rules)
        for ch, c in s.centrals.items()
        if c.active and c.village == v.code and _lives_in(s, c.household, wanted)
    ]
    return sorted(rows, key=lambda r: (r["household"]["group"], r["household"]["name"], r["id"]))


def _lives_in(s: Sweep, household: str, groups: set[str]) -> bool:
    home = s.households.get(household)
    return home is not None and home.group in groups


def village_of_central_household(conn: Connection, ch_id: str) -> str | None:
    """The village a central household was designated in (it never changes village)."""
    try:
        key = UUID(ch_id).hex
    except ValueError:
        return None
    found = conn.execute(
        select(central_households.c.village_code).where(central_households.c.id == key)
    ).scalar()
    return str(found) if found is not None else None


def central_household(
    conn: Connection, ch_id: str, as_of: date, rules: RuleSet
) -> dict[str, Any] | None:
    """A central household on that day: its party member, the households linked to it with
    the day of each link, the count the rule maximum is compared with, whether it is vacant
    or overloaded, and its blind spots with their cause. None for an unknown id;
    ``designated`` False when it was not yet designated on that day."""
    village = village_of_central_household(conn, ch_id)
    if village is None:
        return None
    key = UUID(ch_id).hex
    v = village_on(conn, village, as_of, rules)
    s = v.state
    base: dict[str, Any] = {"id": _id(key), "village": village, "as_of": as_of.isoformat()}
    if key not in s.centrals:
        return base | {"designated": False}
    row = _central_row(v, key, rules)
    linked = [
        {
            "id": _id(h),
            "name": st.name,
            "group": st.group,
            "linked_on": _iso(v.linked_on.get(h)),
            "counted": s.covered_via.get(h) == key,
        }
        for h, st in s.households.items()
        if st.active and st.link == key
    ]
    linked.sort(key=lambda r: (r["linked_on"] or "", r["name"], r["id"]))
    return base | row | {"designated": True, "linked": linked, "gaps": _gaps_of(conn, key, as_of)}


def _gaps_of(conn: Connection, subject: str, as_of: date) -> list[dict[str, Any]]:
    query = select(rows).where(
        rows.c.subject == subject, rows.c.kind.in_(list(GAPS)), when(as_of, None)
    )
    return [
        {
            "type": r.kind,
            "since": as_date(r.since).isoformat(),
            "cause": {"type": r.cause_type, "position": r.cause_position, "actor": r.cause_actor},
        }
        for r in conn.execute(query)
    ]
