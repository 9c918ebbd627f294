"""What the team pages and the recording forms read: a team's row, the days of a member's
month, and the choices a form offers (households, groups, party members, central households,
pending leave) with the unit each belongs to, so the web can check the account's reach.
Plain functions over the read models, returning plain data."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from domain.rules import RuleSet
from projections.people import village_on
from projections.tables import central_households, households, party_members, sites, units
from projections.teams.tables import (
    absences,
    checkins,
    leave_days,
    leave_requests,
    memberships,
    teams,
)


def _hex(value: str) -> str | None:
    try:
        return UUID(str(value)).hex
    except ValueError:
        return None


def team_row(conn: Connection, team_id: str) -> dict[str, Any] | None:
    """The team as the log now tells it (name, village, dates); None if unknown."""
    key = _hex(team_id)
    if key is None:
        return None
    row = (
        conn.execute(
            select(teams, units.c.name.label("village_name"))
            .join(units, units.c.code == teams.c.village_code)
            .where(teams.c.team_id == key, teams.c.to_position.is_(None))
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return {
        "team_id": str(UUID(row["team_id"])),
        "name": row["name"],
        "village": row["village_code"],
        "village_name": row["village_name"],
        "unit": row["unit_code"],  # the dispatching unit
        "dispatched_on": row["dispatched_on"],
        "last_day": row["ended_on"] or row["term_ends_on"],
        "ended_on": row["ended_on"],
    }


def teams_of_cadre(conn: Connection, cadre_id: str) -> list[str]:
    """The villages of every team the cadre has served on."""
    key = _hex(cadre_id)
    if key is None:
        return []
    query = (
        select(teams.c.village_code)
        .join(memberships, memberships.c.team_id == teams.c.team_id)
        .where(memberships.c.cadre_id == key)
        .distinct()
    )
    return list(conn.execute(query).scalars())


def members_ever(conn: Connection, team_id: str) -> list[str]:
    """Every cadre who has been on the team."""
    key = UUID(team_id).hex
    found = conn.execute(
        select(memberships.c.cadre_id).where(memberships.c.team_id == key).distinct()
    )
    return [str(UUID(c)) for c in found.scalars()]


def month_days(
    conn: Connection, team_id: str, first: date, last: date
) -> dict[str, dict[str, Any]]:
    """Per member (cadre id, hex) of the team: the days of the month they served, checked in,
    were on approved leave, and were found absent, as the log now tells it."""
    key = UUID(team_id).hex
    out: dict[str, dict[str, Any]] = {}

    def member(cadre: str) -> dict[str, Any]:
        return out.setdefault(
            cadre, {"served": [], "checked_in": set(), "leave": set(), "absent": set()}
        )

    spans = conn.execute(
        select(memberships.c.cadre_id, memberships.c.valid_from, memberships.c.valid_to).where(
            memberships.c.team_id == key,
            memberships.c.to_position.is_(None),
            memberships.c.valid_from <= last,
            (memberships.c.valid_to.is_(None)) | (memberships.c.valid_to > first),
        )
    )
    for cadre, start, end in spans:
        member(cadre)["served"].append((start, end))
    for name, table in (("checked_in", checkins), ("leave", leave_days), ("absent", absences)):
        found = conn.execute(
            select(table.c.cadre_id, table.c.day).where(
                table.c.team_id == key, table.c.day >= first, table.c.day <= last
            )
        )
        for cadre, day in found:
            member(cadre)[name].add(day)
    return out


def pending_leave(conn: Connection, team_id: str) -> list[str]:
    """Ids of every leave request made on the team (the store says which are still open)."""
    key = UUID(team_id).hex
    found = conn.execute(select(leave_requests.c.id).where(leave_requests.c.team_id == key))
    return [str(UUID(i)) for i in found.scalars()]


# -- what a form offers, in one village, on the form's day -------------------------------------


def choices_on(
    conn: Connection, village: str, as_of: date, rules: RuleSet
) -> dict[str, list[dict[str, str]]]:
    """The villager groups, households, party members and central households of the village
    at the end of ``as_of`` (as known now): what a form for that day may name; and the
    households a link or an unlink may name (not linked yet; linked), the party members a
    designation may name (not a central household's yet)."""
    v = village_on(conn, village, as_of, rules)
    s = v.state
    groups = {code: s.units[code].name for code in v.groups()}
    households = sorted(
        (st.group, st.name, h) for h, st in s.households.items() if st.active and st.group in groups
    )
    members = sorted(
        (m.name, key) for key, m in s.members.items() if m.active and m.village == village
    )
    centrals = []
    own = {c.household for c in s.centrals.values() if c.active}
    designated = {c.member for c in s.centrals.values() if c.active}
    for key, c in s.centrals.items():
        if c.active and c.village == village:
            home = s.households.get(c.household)
            member = s.members.get(c.member)
            centrals.append((home.name if home else "", member.name if member else "", key))

    def household_choice(group: str, head: str, h: str) -> dict[str, str]:
        return {"value": str(UUID(h)), "label": f"{head} ({groups[group]})"}

    return {
        "groups": [{"value": code, "label": f"{name} ({code})"} for code, name in groups.items()],
        "households": [household_choice(*row) for row in households],
        "unlinked_households": [
            household_choice(*row)
            for row in households
            if s.households[row[2]].link is None and row[2] not in own
        ],
        "linked_households": [
            household_choice(*row) for row in households if s.households[row[2]].link is not None
        ],
        "party_members": [{"value": str(UUID(p)), "label": name} for name, p in members],
        "undesignated_party_members": [
            {"value": str(UUID(p)), "label": name} for name, p in members if p not in designated
        ],
        "central_households": [
            {"value": str(UUID(c)), "label": f"{head} · {member}"}
            for head, member, c in sorted(centrals)
        ],
    }


# -- where a recorded thing lies: for the account's reach ----------------------------------------


def household(conn: Connection, household_id: str) -> dict[str, Any] | None:
    key = _hex(household_id)
    if key is None:
        return None
    row = conn.execute(select(households).where(households.c.id == key)).mappings().first()
    return dict(row) if row else None


def unit_of(conn: Connection, kind: str, value: str) -> str | None:
    """The unit code a household, party member, central household or site lies in."""
    key = _hex(value)
    if key is None:
        return None
    table, column = {
        "household": (households, households.c.group_code),
        "party_member": (party_members, party_members.c.village_code),
        "central_household": (central_households, central_households.c.village_code),
        "site": (sites, sites.c.unit_code),
    }[kind]
    found = conn.execute(select(column).where(table.c.id == key)).scalar()
    return str(found) if found is not None else None


def kind_of(conn: Connection, value: str) -> str | None:
    """Which of household, party member, central household or site an id is."""
    for kind in ("household", "party_member", "central_household", "site"):
        if unit_of(conn, kind, value) is not None:
            return kind
    return None


def visits_of_household(conn: Connection, household_id: str) -> int:
    from projections.teams.visits import visits

    key = UUID(household_id).hex
    return int(
        conn.execute(
            select(func.count()).select_from(visits).where(visits.c.household_id == key)
        ).scalar()
        or 0
    )


def actors(conn: Connection, given: set[str]) -> dict[str, tuple[str, str]]:
    """Name and unit of the actors among ``given`` (a web account's username, a cadre's or a
    party member's id, or a cadre's name); the others are left out (shown as recorded)."""
    from projections.accounts import accounts
    from projections.teams.tables import cadres, dispatching_units

    out: dict[str, tuple[str, str]] = {}
    unit_names = dict(
        conn.execute(
            select(units.c.code, units.c.name).where(
                units.c.code.in_(select(accounts.c.unit_code).where(accounts.c.username.in_(given)))
            )
        ).all()
    )
    for username, code in conn.execute(
        select(accounts.c.username, accounts.c.unit_code).where(accounts.c.username.in_(given))
    ):
        out[username] = (username, unit_names.get(code, code))
    keys = {k: v for v in given if (k := _hex(v)) is not None}
    by_name = [v for v in given if v not in out and _hex(v) is None]
    found = conn.execute(
        select(cadres.c.id, cadres.c.name, dispatching_units.c.name)
        .join(dispatching_units, dispatching_units.c.code == cadres.c.unit_code, isouter=True)
        .where(cadres.c.id.in_(keys) | cadres.c.name.in_(by_name))
    )
    for cid, name, unit in found:
        if cid in keys:
            out[keys[cid]] = (name, unit or "")
        elif name not in out:
            out[name] = (name, unit or "")
    for pid, name, village in conn.execute(
        select(party_members.c.id, party_members.c.name, party_members.c.village_code).where(
            party_members.c.id.in_(keys)
        )
    ):
        out[keys[pid]] = (name, village)
    return out


def household_names(conn: Connection, ids: set[str]) -> dict[str, str]:
    """Head of household by household id (as given)."""
    keys = {k: v for v in ids if (k := _hex(v)) is not None}
    found = conn.execute(
        select(households.c.id, households.c.head_name).where(households.c.id.in_(keys))
    )
    return {keys[h]: head for h, head in found}
