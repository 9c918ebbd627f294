"""Who and what the audit log's ids stand for, from the read models: actors' names and units,
subjects' names, and which ids lie in a unit's subtree or on a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, Engine, MetaData, Table, inspect, or_, select

from domain.cadres import dispatching_unit_id
from projections.audit.sql import mark, rows_in
from projections.ledger.tables import (
    fund_accounts,
    goals,
    letters,
    measures,
    opinions,
    plans,
    problems,
    surveys,
)
from projections.tables import central_households, households, party_members, sites, units
from projections.teams.tables import (
    cadres,
    dispatching_units,
    member_months,
    memberships,
    teams,
    village_classes,
)


def _hex(value: str) -> str | None:
    try:
        return UUID(value).hex
    except ValueError:
        return None


class Directory:
    """Names of people, units and teams by id, read once per query."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.names: dict[str, str] = {}  # id (hex) -> a name for people
        self.actors: dict[str, tuple[str, str]] = {}  # id or name -> (name, unit)
        self._loaded = False
        self._seen: dict[str, tuple[str, str]] = {}  # actors looked up already

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        with self.engine.connect() as conn:
            unit_names = {}
            for uid, code, name in conn.execute(select(units.c.id, units.c.code, units.c.name)):
                unit_names[code] = name
                self.names[uid] = f"{name} ({code})"
            for hid, head in conn.execute(select(households.c.id, households.c.head_name)):
                self.names[hid] = f"户主 {head}"
            for pid, name, village in conn.execute(
                select(party_members.c.id, party_members.c.name, party_members.c.village_code)
            ):
                self.names[pid] = name
                self.actors[pid] = (name, _unit(village, unit_names))
            for cid, hid in conn.execute(
                select(central_households.c.id, central_households.c.household_id)
            ):
                self.names[cid] = "中心户 " + self.names.get(hid, hid)
            for sid, name in conn.execute(select(sites.c.id, sites.c.name)):
                self.names[sid] = name
            dept_names = dict(
                conn.execute(select(dispatching_units.c.code, dispatching_units.c.name)).all()
            )
            for code, name in dept_names.items():
                self.names[dispatching_unit_id(code).hex] = f"{name} ({code})"
            by_name: dict[str, list[tuple[str, str]]] = {}
            for cid, name, code in conn.execute(
                select(cadres.c.id, cadres.c.name, cadres.c.unit_code)
            ):
                unit = _unit(code, dept_names)
                self.names[cid] = name
                self.actors[cid] = (name, unit)
                by_name.setdefault(name, []).append((name, unit))
            for tid, name in conn.execute(
                select(teams.c.team_id, teams.c.name).where(teams.c.to_position.is_(None))
            ):
                self.names[tid] = name
            for mid, cadre, month in conn.execute(
                select(member_months.c.id, member_months.c.cadre_id, member_months.c.month)
            ):
                self.names[mid] = f"{self.names.get(cadre, cadre)} {month}"
            accounts = (
                Table("rm_accounts", MetaData(), autoload_with=conn)
                if inspect(conn).has_table("rm_accounts")
                else None
            )
            if accounts is not None:
                # Web accounts act under their user name; their unit is the one they serve.
                for username, unit_code in conn.execute(
                    select(accounts.c.username, accounts.c.unit_code)
                ):
                    self.actors[username] = (username, _unit(unit_code, unit_names))
        # An actor named by a name (as the demo's officials are) is resolved when exactly
        # one cadre bears it; otherwise the id is shown as it is.
        for name, found in by_name.items():
            if len(found) == 1 and name not in self.actors:
                self.actors[name] = found[0]

    def actor(self, actor_id: str) -> tuple[str, str]:
        """(name, unit) of an actor known to the read models, else (the id, "")."""
        known = self._seen.get(actor_id)
        if known is not None:
            return known
        self._load()
        found = self.actors.get(actor_id)
        if found is None:
            key = _hex(actor_id)
            found = self.actors.get(key) if key else None
        known = self._seen[actor_id] = found if found is not None else (actor_id, "")
        return known

    def name_of(self, hex_id: str) -> str:
        self._load()
        return self.names.get(hex_id, "")

    def person(self, given: str) -> tuple[set[str], set[str]]:
        """For a person given by id or by name: the ids (hex) of the records about them, and
        the actor ids they may have recorded under (the id as given, its name)."""
        self._load()
        key = _hex(given)
        actors = {given}
        ids: set[str] = set()
        if key is not None:
            ids.add(key)
            actors.add(key)
            actors.add(str(UUID(key)))
            name = self.actors.get(key, ("", ""))[0]
            if name:
                actors.add(name)
        else:
            ids.update(i for i, n in self.names.items() if n in (given, f"户主 {given}"))
        return ids, actors


def _unit(code: str, names: dict[str, str]) -> str:
    name = names.get(code)
    return f"{name} ({code})" if name else code


def scope_under(engine: Engine, code: str) -> tuple[set[str], set[str], set[str]]:
    """What lies in the subtree of ``code`` as the read models know it now: the ids (hex) of
    its units, households, party members, central households, service sites, village
    profiles, the teams serving its villages, the cadres who served on them and the
    departments that sent them; the teams; and the cadres."""
    with engine.connect() as conn:
        found = _subtree(conn, code)
        codes = [r[0] for r in found]
        ids = {r[1] for r in found}
        if not codes:
            return ids, set(), set()
        for column, id_column in _PLACES:
            for chunk in _chunks(codes):
                ids.update(conn.execute(select(id_column).where(column.in_(chunk))).scalars())
        team_ids, cadre_ids, dept_ids = _teams_under(conn, codes)
    return ids | team_ids | cadre_ids | dept_ids, team_ids, cadre_ids


# Where the read models place an id: (the column naming its unit, the id column). The
# network's households, party members, central households and sites; the teams' village
# profiles; the ledger's surveys, opinions, problems, plans, measures, letters, 六有 goals and
# the accounts of its funds (each source of a village: its allocations and expenditures).
_PLACES = (
    (households.c.group_code, households.c.id),
    (party_members.c.village_code, party_members.c.id),
    (central_households.c.village_code, central_households.c.id),
    (sites.c.unit_code, sites.c.id),
    (village_classes.c.village_code, village_classes.c.profile_id),
    (surveys.c.village_code, surveys.c.survey_id),
    (opinions.c.village_code, opinions.c.opinion_id),
    (problems.c.village_code, problems.c.problem_id),
    (plans.c.village_code, plans.c.plan_id),
    (measures.c.village_code, measures.c.measure_id),
    (letters.c.village_code, letters.c.letter_id),
    (goals.c.village_code, goals.c.goal_id),
    (fund_accounts.c.village_code, fund_accounts.c.account_id),
)


def _subtree(conn: Connection, code: str) -> list[tuple[str, str]]:
    """(code, id) of the unit and every unit under it."""
    return list(
        conn.execute(
            select(units.c.code, units.c.id).where(
                or_(units.c.code == code, units.c.path.like(f"%/{code}/%"))
            )
        )
    )


def _teams_under(conn: Connection, codes: list[str]) -> tuple[set[str], set[str], set[str]]:
    """The teams that served in these units' villages, the cadres who served on them, and
    the ids of the departments that sent them."""
    sql = "SELECT DISTINCT team_id, unit_code FROM tm_teams WHERE village_code IN ({ins})"
    team_rows = set(rows_in(conn, sql, codes))
    team_ids = {t for t, _ in team_rows}
    sql = "SELECT cadre_id FROM tm_memberships WHERE team_id IN ({ins})"
    cadre_ids = {c for (c,) in rows_in(conn, sql, sorted(team_ids))}
    return team_ids, cadre_ids, {dispatching_unit_id(u).hex for _, u in team_rows}


@dataclass
class UnitScope:
    """``scope_under`` in parts: the teams' side, small, and the units and the network's
    ids. A unit of a few units has its codes listed (``codes``); a broad one (a city of a
    province: tens of thousands of units, millions of households) is asked about ids a few
    at a time (``placed``), its subtree tested in SQL by the same condition."""

    code: str
    codes: set[str] | None  # None: a broad unit, codes not listed
    unit_ids: set[str]  # the units' own ids, when listed
    team_ids: set[str]
    cadre_ids: set[str]
    dept_ids: set[str]
    engine: Engine

    def listed(self) -> set[str]:
        """Every id ``scope_under`` gives, read from the read models (a listed unit)."""
        assert self.codes is not None
        codes = sorted(self.codes)
        ids = set(self.unit_ids)
        with self.engine.connect() as conn:
            for table, id_column, column in _PLACES_SQL:
                sql = f"SELECT {id_column} FROM {table} WHERE {column} IN ({{ins}})"
                ids.update(i for (i,) in rows_in(conn, sql, codes))
        return ids | self.team_ids | self.cadre_ids | self.dept_ids

    def placed(self, refs: set[str]) -> set[str]:
        """Those of ``refs`` that ``scope_under`` lists among the units' and the network's
        ids."""
        wanted = sorted(refs)
        under = "(u.code = {m} OR u.path LIKE {m})"
        args = (self.code, f"%/{self.code}/%")
        with self.engine.connect() as conn:
            sql = f"SELECT u.id FROM rm_units u WHERE u.id IN ({{ins}}) AND {under}"
            out = {i for (i,) in rows_in(conn, sql, wanted, *args)}
            for table, id_column, column in _PLACES_SQL:
                sql = (
                    f"SELECT p.{id_column} FROM {table} p JOIN rm_units u ON u.code = p.{column} "
                    f"WHERE p.{id_column} IN ({{ins}}) AND {under}"
                )
                out.update(i for (i,) in rows_in(conn, sql, wanted, *args))
        return out

    def upper(self, conn: Connection) -> set[str]:
        """Those of the ids ``placed`` gives that are placed at the codes of the subtree's
        units above village level: the units themselves and their service sites, a few per
        unit (households are placed by villager group; party members, central households
        and village profiles by village)."""
        under, args = subtree(conn, self.code)
        levels = ",".join([mark(conn)] * len(LOWER_LEVELS))
        found = conn.exec_driver_sql(
            f"SELECT u.code, u.id FROM rm_units u WHERE {under} AND u.level NOT IN ({levels})",
            (*args, *LOWER_LEVELS),
        ).all()
        codes = sorted(c for c, _ in found)
        ids = {i for _, i in found}
        for table, id_column, column in _PLACES_SQL:
            sql = f"SELECT {id_column} FROM {table} WHERE {column} IN ({{ins}})"
            ids.update(i for (i,) in rows_in(conn, sql, codes))
        return ids


# The levels whose codes place the bulk of the network (``UnitScope.upper``).
LOWER_LEVELS = ("village", "group")


def subtree(conn: Connection, code: str) -> tuple[str, tuple[str, ...]]:
    """A condition on ``rm_units u`` for the unit ``code`` and the units under it, with its
    parameters: those whose path contains the code, as ``UnitScope.placed`` asks. On SQLite
    the same units are a range of the index of paths (the unit's own path and every path
    it begins; paths compare byte by byte there)."""
    m = mark(conn)
    if conn.dialect.name != "sqlite":
        return f"(u.code = {m} OR u.path LIKE {m})", (code, f"%/{code}/%")
    path = conn.exec_driver_sql(f"SELECT path FROM rm_units WHERE code = {m}", (code,)).scalar()
    if path is None:
        return "1 = 0", ()
    # Every path that begins with "/…/code/" and no other: "/" is followed by "0".
    return f"u.path >= {m} AND u.path < {m}", (path, path[:-1] + "0")


# ``_PLACES`` as tables and columns: (table, id column, the column naming its unit).
_PLACES_SQL = tuple((id_.table.name, id_.name, unit.name) for unit, id_ in _PLACES)


def unit_scope(engine: Engine, code: str, listed_up_to: int) -> UnitScope | None:
    """The unit's scope, its codes listed when it has at most ``listed_up_to`` units; None
    when no unit has that code."""
    under = or_(units.c.code == code, units.c.path.like(f"%/{code}/%"))
    with engine.connect() as conn:
        found = list(
            conn.execute(select(units.c.code, units.c.id).where(under).limit(listed_up_to + 1))
        )
        if not found:
            return None
        if len(found) <= listed_up_to:
            codes = [r[0] for r in found]
            team_ids, cadre_ids, dept_ids = _teams_under(conn, codes)
            return UnitScope(
                code, set(codes), {r[1] for r in found}, team_ids, cadre_ids, dept_ids, engine
            )
        team_rows = set(
            conn.execute(
                select(teams.c.team_id, teams.c.unit_code)
                .join(units, units.c.code == teams.c.village_code)
                .where(under)
                .distinct()
            )
        )
        team_ids = {t for t, _ in team_rows}
        sql = "SELECT cadre_id FROM tm_memberships WHERE team_id IN ({ins})"
        cadre_ids = {c for (c,) in rows_in(conn, sql, sorted(team_ids))}
        dept_ids = {dispatching_unit_id(u).hex for _, u in team_rows}
    return UnitScope(code, None, set(), team_ids, cadre_ids, dept_ids, engine)


def team_scope(engine: Engine, team_hex: str) -> dict[str, list[tuple[date, date | None]]]:
    """The team's members: cadre id (hex) -> the spans [from, to) they were on it."""
    out: dict[str, list[tuple[date, date | None]]] = {}
    with engine.connect() as conn:
        for cadre, start, end in conn.execute(
            select(memberships.c.cadre_id, memberships.c.valid_from, memberships.c.valid_to)
            .where(memberships.c.team_id == team_hex)
            .where(memberships.c.to_position.is_(None))  # rows as known now
        ):
            out.setdefault(cadre, []).append((start, end))
    return out


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


# For app/audit/directory.py, which answers as ``Directory`` does.
hex_id = _hex
unit_text = _unit
chunks = _chunks


def holds_every_unit(engine: Engine, code: str) -> bool:
    """Whether every unit the read models know lies in the subtree of ``code``: an account
    bound to it reaches the whole log, what no unit holds (accounts, logins, reads) too."""
    outside = ~or_(units.c.code == code, units.c.path.like(f"%/{code}/%"))
    with engine.connect() as conn:
        return conn.execute(select(units.c.code).where(outside).limit(1)).first() is None
