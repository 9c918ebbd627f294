"""The search read model: every name an official may look for — units, households (by their
head), party members, cadres and work teams — with its pinyin, its initials and the unit it lies
in, so that one search box finds "王桂兰" from "王桂", "wangguilan" or "wgl" within the searcher's
jurisdiction (``search``).

A name lies in a unit: a household in its villager group, a party member and a team in their
village, a unit in itself, a cadre in each village whose team they joined (one row per
village; a cadre on no team yet lies nowhere, and only the city finds them). The unit's place in
the tree is read at query time from the network model's ``rm_units.path``, so a unit moved under
another parent moves its names with it.

Pinyin comes from ``pypinyin`` (its dictionary picks one reading of a polyphonic character:
the surname 单 is spelled "dan", not "shan", and found by "dxx" but not by "sxx"; the name itself
always finds it). It is computed once, when the name is recorded.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    insert,
    or_,
    select,
    update,
)

from domain import fields
from domain.cadres import Cadre
from domain.households import Household
from domain.party import PartyMember
from domain.teams import Team
from domain.units import Unit
from projections.bulk import insert_many
from projections.handlers import Handlers
from projections.tables import units

NAME = "search"
KINDS = ("unit", "household", "party_member", "cadre", "team")  # the order results come in
metadata = MetaData()

names = Table(
    "sr_names",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", String(32), primary_key=True),  # a unit's code, else the id's hex
    Column("place", String(15), primary_key=True),  # the unit it lies in ("" for nowhere)
    Column("name", String(fields.TEAM_NAME_MAX), nullable=False),
    Column("spelled", Text, nullable=False),  # "wangguilan"
    Column("initials", String(fields.TEAM_NAME_MAX), nullable=False),  # "wgl"
    Column("ended", Boolean, nullable=False),  # left, closed, transferred out or died
    Index("ix_sr_names_initials", "initials"),
    Index("ix_sr_names_spelled", "spelled"),
    Index("ix_sr_names_place", "place"),
)


def spelled(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, without tones or spaces; characters
    that are not Chinese are kept as they are (folded: full-width to half-width)."""
    # pypinyin loads its dictionaries (about 0.2 s) when imported: only a process that
    # indexes or matches a name pays it, not every query that catches this model up.
    from pypinyin import Style, lazy_pinyin

    folded = normalised(name)
    syllables = lazy_pinyin(folded, style=Style.NORMAL, errors=_each_character)
    whole = "".join(s for s in syllables if s.strip())
    initials = "".join(s[0] for s in syllables if s.strip())
    return whole.lower(), initials.lower()


def _each_character(chunk: str) -> Any:
    """A run of characters that are not Chinese: one "syllable" each (its own initial)."""
    return list(chunk)


def normalised(text: str) -> str:
    """What a query and a stored name are compared as: NFKC (full-width letters and digits
    become ASCII), lower case, no surrounding or inner white space."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


Handler = Any
_handlers: Handlers[Handler] = Handlers()


class SearchModel:
    name = NAME
    metadata = metadata
    version = 1

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        names_of_page = _Page(conn)
        for logged in page:
            handle = _handlers.get(type(logged.event))
            if handle is not None:
                handle(names_of_page, logged.event)
        names_of_page.flush()

    def reset(self) -> None:
        """Nothing is kept in memory."""


_COLUMNS = ("kind", "key", "place", "name", "spelled", "initials", "ended")


class _Page:
    """A page's new names, written in one executemany at the end (or before the first
    statement that reads or changes names already stored): one ``INSERT`` per name was
    nearly half of a rebuild of every read model (a sampling profile of
    ``python -m bench.rebuild``). A change to a name of the page itself (a household that
    moved or left in the page it registered in) is made in memory."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.new: dict[tuple[str, str], dict[str, Any]] = {}  # (kind, key) -> its row

    def add(self, kind: str, key: str, place: str, name: str) -> None:
        if (kind, key) in self.new:  # the same name twice: the table's key refuses it, as before
            self.flush()
        whole, initials = _spelled_once(name)[1:]
        self.new[(kind, key)] = {
            "kind": kind,
            "key": key,
            "place": place,
            "name": name,
            "spelled": whole,
            "initials": initials,
            "ended": False,
        }

    def set(self, kind: str, key: str, **values: Any) -> None:
        """Change every row of the name (a cadre's several places: see ``_cadre_joined``)."""
        row = self.new.get((kind, key))
        if row is not None and kind != "cadre":  # one row, not stored yet
            row.update(values)
            return
        self.sql().execute(
            update(names).where(names.c.kind == kind, names.c.key == key).values(**values)
        )

    def sql(self) -> Connection:
        """The connection, with every name of the page so far written."""
        self.flush()
        return self._conn

    def flush(self) -> None:
        if self.new:
            rows = [tuple(r[c] for c in _COLUMNS) for r in self.new.values()]
            self.new.clear()
            insert_many(self._conn, names, _COLUMNS, rows)


@_handlers.on(Unit.Opened)
def _unit_opened(p: _Page, e: Unit.Opened) -> None:
    p.add("unit", e.code, e.code, e.name)


@_handlers.on(Unit.Renamed)
def _unit_renamed(p: _Page, e: Unit.Renamed) -> None:
    whole, initials = _spelled_once(e.name)[1:]
    code = select(units.c.code).where(units.c.id == e.originator_id.hex).scalar_subquery()
    p.sql().execute(
        update(names)
        .where(names.c.kind == "unit", names.c.key == code)
        .values(name=e.name, spelled=whole, initials=initials)
    )


@_handlers.on(Unit.Closed, Unit.Merged)
def _unit_closed(p: _Page, e: Any) -> None:
    code = select(units.c.code).where(units.c.id == e.originator_id.hex).scalar_subquery()
    p.sql().execute(
        update(names).where(names.c.kind == "unit", names.c.key == code).values(ended=True)
    )


@_handlers.on(Household.Registered)
def _registered(p: _Page, e: Household.Registered) -> None:
    p.add("household", e.originator_id.hex, e.group_code, e.head_name)


@_handlers.on(Household.Moved)
def _moved(p: _Page, e: Household.Moved) -> None:
    p.set("household", e.originator_id.hex, place=e.group_code)


@_handlers.on(Household.Left)
def _left(p: _Page, e: Household.Left) -> None:
    p.set("household", e.originator_id.hex, ended=True)


@_handlers.on(PartyMember.Joined)
def _joined(p: _Page, e: PartyMember.Joined) -> None:
    p.add("party_member", e.originator_id.hex, e.village_code, e.name)


@_handlers.on(PartyMember.TransferredOut, PartyMember.Died)
def _member_ended(p: _Page, e: Any) -> None:
    p.set("party_member", e.originator_id.hex, ended=True)


@_handlers.on(Team.Dispatched)
def _dispatched(p: _Page, e: Team.Dispatched) -> None:
    p.add("team", e.originator_id.hex, e.village_code, e.name)


@_handlers.on(Team.TermEnded)
def _team_ended(p: _Page, e: Team.TermEnded) -> None:
    p.set("team", e.originator_id.hex, ended=True)


@_handlers.on(Cadre.Registered)
def _cadre(p: _Page, e: Cadre.Registered) -> None:
    p.add("cadre", e.originator_id.hex, "", e.name)


@_handlers.on(Cadre.JoinedTeam)
def _cadre_joined(p: _Page, e: Cadre.JoinedTeam) -> None:
    """The cadre now lies in the team's village too (and no longer nowhere)."""
    conn = p.sql()
    key = e.originator_id.hex
    village = conn.execute(
        select(names.c.place).where(names.c.kind == "team", names.c.key == e.team_id.hex)
    ).scalar()
    own = (
        conn.execute(select(names).where(names.c.kind == "cadre", names.c.key == key).limit(1))
        .mappings()
        .first()
    )
    if village is None or own is None:
        return
    there = select(names.c.key).where(
        names.c.kind == "cadre", names.c.key == key, names.c.place == village
    )
    if conn.execute(there).first() is None:
        conn.execute(insert(names).values(dict(own) | {"place": village}))
    conn.execute(
        names.delete().where(names.c.kind == "cadre", names.c.key == key, names.c.place == "")
    )


# -- the query ----------------------------------------------------------------------------------

LIMIT = 50


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    conn: Connection, query: str, within: str, everywhere: bool = False, limit: int = LIMIT
) -> list[dict[str, Any]]:
    """Names matching ``query`` (already ``normalised``) — by a part of the name, the start of
    its pinyin or initials, or the start of a unit's code — that lie under the unit whose
    materialised path is ``within``; ``everywhere`` (the city) also finds cadres on no team.
    Exact names first, then names that begin with the query, then by kind and name; each
    name once (a cadre who served in two villages of the subtree is one result)."""
    if not query:
        return []
    part = f"%{_like(query)}%"
    start = f"{_like(query)}%"
    matches = or_(
        names.c.name.like(part, escape="\\"),
        names.c.spelled.like(start, escape="\\"),
        names.c.initials.like(start, escape="\\"),
        and_(names.c.kind == "unit", names.c.key.like(start, escape="\\")),
    )
    closeness = case(
        (names.c.name == query, 0),
        (names.c.initials == query, 1),
        (names.c.spelled == query, 1),
        (names.c.name.like(start, escape="\\"), 2),
        (names.c.spelled.like(start, escape="\\"), 3),
        else_=4,
    )
    kind_rank = case({k: i for i, k in enumerate(KINDS)}, value=names.c.kind)
    under: ColumnElement[bool] = units.c.path.like(f"{_like(within)}%", escape="\\")
    if everywhere:
        under = or_(under, names.c.place == "")
    found = (
        select(names, units.c.name.label("place_name"), closeness.label("closeness"))
        .join(units, units.c.code == names.c.place, isouter=everywhere)
        .where(matches, under)
        .order_by(closeness, names.c.ended, kind_rank, names.c.spelled, names.c.key)
        .limit(limit * 2)  # a cadre may come once per village: enough to fill the page
    )
    seen: set[tuple[str, str]] = set()
    out = []
    for r in conn.execute(found).mappings():
        if (r["kind"], r["key"]) in seen:
            continue
        seen.add((r["kind"], r["key"]))
        out.append(dict(r))
        if len(out) == limit:
            break
    return out


# Names repeat (200 generated villages: 65,124 names, 29,228 different ones), and pypinyin
# was half of this model's rebuild: enough of them stay spelled (about 20 MB at most).
@functools.lru_cache(maxsize=65_536)
def _spelled_once(name: str) -> tuple[str, str, str]:
    return (normalised(name), *spelled(name))


def closeness(query: str, name: str) -> int | None:
    """How near ``name`` is to ``query`` (already ``normalised``) by the rule ``search``
    applies in the database — 0 the name itself, 1 its initials or pinyin, 2 the start of the
    name, 3 the start of its pinyin, 4 a part of the name or the start of its initials — or
    None when it does not match. For lists already in memory (a form's valid choices)."""
    folded, whole, initials = _spelled_once(name)
    if not query:
        return None
    if folded == query:
        return 0
    if query in (initials, whole):
        return 1
    if folded.startswith(query):
        return 2
    if whole.startswith(query):
        return 3
    if query in folded or initials.startswith(query):
        return 4
    return None


__all__ = [
    "KINDS",
    "NAME",
    "SearchModel",
    "closeness",
    "names",
    "normalised",
    "search",
    "spelled",
]
