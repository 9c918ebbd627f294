"""``Directory``'s answers for the ids of one page of the audit log, read for those ids
alone (``PageDirectory``): at province scale reading every person of the store, as
``Directory`` does, takes longer than the page itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from uuid import UUID

from sqlalchemy import Connection, Engine, inspect, select

from app.audit.people import Directory, chunks, hex_id, unit_text
from domain.cadres import dispatching_unit_id
from projections.audit.sql import rows_in
from projections.tables import central_households, households, party_members, sites, units
from projections.teams.tables import cadres, dispatching_units, member_months, teams

# The sources of ``Directory.names``, in the order it reads them: a later one wins for an id.
_SOURCES = (
    "units",
    "households",
    "party_members",
    "central_households",
    "sites",
    "dispatching_units",
    "cadres",
    "teams",
    "member_months",
)
# Per source: the statement naming the ids of an IN list, and the name from its columns.
_NAME_SQL: dict[str, tuple[str, Callable[..., str]]] = {
    "units": ("SELECT id, name, code FROM rm_units WHERE id IN ({ins})", "{} ({})".format),
    "households": ("SELECT id, head_name FROM rm_households WHERE id IN ({ins})", "户主 {}".format),
    "party_members": ("SELECT id, name FROM rm_party_members WHERE id IN ({ins})", str),
    "central_households": (
        "SELECT id, household_id FROM rm_central_households WHERE id IN ({ins})",
        str,
    ),
    "sites": ("SELECT id, name FROM rm_sites WHERE id IN ({ins})", str),
    "cadres": ("SELECT id, name FROM tm_cadres WHERE id IN ({ins})", str),
    "teams": (
        "SELECT team_id, name FROM tm_teams WHERE team_id IN ({ins}) AND to_position IS NULL",
        str,
    ),
    "member_months": (
        "SELECT id, cadre_id, month FROM tm_member_months WHERE id IN ({ins})",
        "{} {}".format,
    ),
}
_UNIT_TEXT = re.compile(r"(.*) \((.*)\)", re.S)


class PageDirectory(Directory):
    """The same answers as ``Directory``, read for the ids asked about (a page's) rather
    than for every person of the store: at province scale reading them all takes longer
    than the page itself. ``prefetch`` and ``prefetch_actors`` read a page's ids at once."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._named: set[str] = set()  # ids whose names were read
        self._depts: dict[str, tuple[str, str]] | None = None  # id -> (code, name)
        self._accounts: bool | None = None  # whether the store has web accounts

    def _load(self) -> None:
        raise AssertionError("a page directory reads the ids of a page, not every id")

    # -- names ----------------------------------------------------------------------------

    def name_of(self, hex_id: str) -> str:
        self.prefetch([hex_id])
        return self.names.get(hex_id, "")

    def prefetch(self, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if i not in self._named})
        if not wanted:
            return
        with self.engine.connect() as conn:
            self.names.update(self._names(conn, wanted, _SOURCES))
        self._named.update(wanted)

    def _dept_ids(self, conn: Connection) -> dict[str, tuple[str, str]]:
        if self._depts is None:
            self._depts = {
                dispatching_unit_id(code).hex: (code, name)
                for code, name in conn.execute(
                    select(dispatching_units.c.code, dispatching_units.c.name)
                )
            }
        return self._depts

    def _names(self, conn: Connection, ids: list[str], sources: tuple[str, ...]) -> dict[str, str]:
        """Id -> name for those of ``ids`` that ``sources`` name, each from the last source
        naming it, as ``Directory._load`` would have it after reading those sources."""
        out: dict[str, str] = {}
        for source in sources:
            found = self._source(conn, source, ids)
            if source == "central_households":
                # The household's name as read so far: units, households, party members.
                heads = self._names(conn, sorted(set(found.values())), _SOURCES[:3])
                found = {c: "中心户 " + heads.get(h, h) for c, h in found.items()}
            elif source == "member_months":
                months = {m: tuple(v.split(" ", 1)) for m, v in found.items()}
                names = self._names(conn, sorted({c for c, _ in months.values()}), _SOURCES[:8])
                found = {m: f"{names.get(c, c)} {month}" for m, (c, month) in months.items()}
            out.update(found)
        return out

    def _source(self, conn: Connection, source: str, ids: list[str]) -> dict[str, str]:
        """Id -> name in one source (a central household: its household's id; a member's
        month: the cadre's id and the month, separated by a space)."""
        out: dict[str, str] = {}
        if source == "dispatching_units":
            depts = self._dept_ids(conn)
            for i in ids:
                if i in depts:
                    code, name = depts[i]
                    out[i] = f"{name} ({code})"
            return out
        sql, shape = _NAME_SQL[source]
        out.update((i, shape(*rest)) for i, *rest in rows_in(conn, sql, ids))
        return out

    # -- actors ---------------------------------------------------------------------------

    def actor(self, actor_id: str) -> tuple[str, str]:
        known = self._seen.get(actor_id)
        if known is not None:
            return known
        self.prefetch_actors([actor_id])
        return self._seen[actor_id]

    def prefetch_actors(self, actor_ids: Iterable[str]) -> None:
        wanted = {a for a in actor_ids if a not in self._seen}
        if not wanted:
            return
        keys = set(wanted)
        for a in wanted:
            key = hex_id(a)
            if key is not None:
                keys.add(key)
        with self.engine.connect() as conn:
            self.actors.update(self._actors(conn, sorted(keys)))
        for a in wanted:
            found = self.actors.get(a)
            if found is None:
                key = hex_id(a)
                found = self.actors.get(key) if key else None
            self._seen[a] = found if found is not None else (a, "")

    def _actors(self, conn: Connection, keys: list[str]) -> dict[str, tuple[str, str]]:
        """Key -> (name, unit) as ``Directory._load`` would have it for these keys: an
        account's user name over a cadre's id over a party member's id, and the name of
        exactly one cadre when nothing else bears it."""
        depts = {code: name for code, name in self._dept_ids(conn).values()}
        party = {
            pid: (name, village)
            for pid, name, village in rows_in(
                conn,
                "SELECT id, name, village_code FROM rm_party_members WHERE id IN ({ins})",
                keys,
            )
        }
        by_id = {
            cid: (name, unit_text(code, depts))
            for cid, name, code in rows_in(
                conn, "SELECT id, name, unit_code FROM tm_cadres WHERE id IN ({ins})", keys
            )
        }
        named: dict[str, list[str]] = {}
        sql = "SELECT name, unit_code FROM tm_cadres WHERE name IN ({ins})"
        for name, code in rows_in(conn, sql, keys):
            named.setdefault(name, []).append(unit_text(code, depts))
        account_unit: dict[str, str] = {}
        if self._has_accounts(conn):
            sql = "SELECT username, unit_code FROM rm_accounts WHERE username IN ({ins})"
            account_unit = dict(rows_in(conn, sql, keys))
        codes = sorted({v for _, v in party.values()} | set(account_unit.values()))
        unit_names = dict(
            rows_in(conn, "SELECT code, name FROM rm_units WHERE code IN ({ins})", codes)
        )
        out = {
            pid: (name, unit_text(village, unit_names)) for pid, (name, village) in party.items()
        }
        out.update(by_id)
        out.update((u, (u, unit_text(code, unit_names))) for u, code in account_unit.items())
        for name, found in named.items():
            if len(found) == 1 and name not in out:
                out[name] = (name, found[0])
        return out

    def _has_accounts(self, conn: Connection) -> bool:
        if self._accounts is None:
            self._accounts = inspect(conn).has_table("rm_accounts")
        return self._accounts

    # -- people ---------------------------------------------------------------------------

    def person(self, given: str) -> tuple[set[str], set[str]]:
        key = hex_id(given)
        if key is not None:
            actors = {given, key, str(UUID(key))}
            with self.engine.connect() as conn:
                name = self._actors(conn, [key]).get(key, ("", ""))[0]
            if name:
                actors.add(name)
            return {key}, actors
        targets = (given, f"户主 {given}")
        candidates: set[str] = set()
        with self.engine.connect() as conn:
            for target in targets:
                candidates |= self._bearing(conn, target)
        self.prefetch(candidates)
        return {i for i in candidates if self.names.get(i) in targets}, {given}

    def _bearing(self, conn: Connection, target: str) -> set[str]:
        """Ids whose name may be ``target`` (checked against their names afterwards)."""
        found: set[str] = set()
        for column, id_column in (
            (party_members.c.name, party_members.c.id),
            (sites.c.name, sites.c.id),
            (cadres.c.name, cadres.c.id),
            (teams.c.name, teams.c.team_id),
        ):
            found.update(conn.execute(select(id_column).where(column == target)).scalars())
        parsed = _UNIT_TEXT.fullmatch(target)
        if parsed is not None:
            name, code = parsed.group(1), parsed.group(2)
            found.update(
                conn.execute(
                    select(units.c.id).where(units.c.code == code, units.c.name == name)
                ).scalars()
            )
            if any(c == code and n == name for c, n in self._dept_ids(conn).values()):
                found.add(dispatching_unit_id(code).hex)
        heads: set[str] = set()
        if target.startswith("户主 "):
            heads = set(
                conn.execute(
                    select(households.c.id).where(households.c.head_name == target[3:])
                ).scalars()
            )
            found |= heads
        if target.startswith("中心户 "):
            rest = target[4:]
            owners = {rest}
            if rest.startswith("户主 "):
                owners |= set(
                    conn.execute(
                        select(households.c.id).where(households.c.head_name == rest[3:])
                    ).scalars()
                )
            for chunk in chunks(sorted(owners)):
                found.update(
                    conn.execute(
                        select(central_households.c.id).where(
                            central_households.c.household_id.in_(chunk)
                        )
                    ).scalars()
                )
        if " " in target:
            prefix, month = target.rsplit(" ", 1)
            owners = {prefix} | set(
                conn.execute(select(cadres.c.id).where(cadres.c.name == prefix)).scalars()
            )
            for chunk in chunks(sorted(owners)):
                found.update(
                    conn.execute(
                        select(member_months.c.id).where(
                            member_months.c.cadre_id.in_(chunk), member_months.c.month == month
                        )
                    ).scalars()
                )
        return found
