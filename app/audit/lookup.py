"""The audit log's answers from the audit index (projections/audit/index.py): the positions
of a page are found in the index, and only the page's events are read from the log and
decoded (docs/audit.md, docs/adr/018-audit-index.md). The rows are those a reading of the
whole log gives (``app.audit.log.scan_rows``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from itertools import islice
from math import isqrt
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, func, select, text

from app.audit.directory import PageDirectory
from app.audit.entries import AuditFilter, IdTexts, entry_row
from app.audit.people import LOWER_LEVELS, subtree, team_scope, unit_scope
from app.store.event_store import EventStore, LoggedEvent
from domain.errors import TeamNotFoundError, UnitNotFoundError
from projections.audit.chain import events_source
from projections.audit.counting import Listed
from projections.audit.counting import listed as listed_in
from projections.audit.index import NAME, streams
from projections.audit.queries import (
    Columns,
    Scope,
    corrected_by,
    first_of,
    first_under,
    index_position,
    matching,
)
from projections.audit.sql import rows_in
from projections.tables import units

# A unit of at most this many units (a township and its groups), or of at most a
# twentieth of the store's units (a county of a province), has its ids listed from the read
# models and its entries found from them; a broader one (a city, the province, a county of
# the demo) is asked about the ids of the entries read in log order, where it is met often.
LISTED_UNITS = 200
LISTED_SHARE = 20
BATCH = 100  # entries decoded at a time
# A broad unit is read in log order from where its entries can start at the earliest
# (``audit_firsts``, ADR 018); False: from the start of the log (or ``after``).
BOUNDED = True
# A scope listing fewer ids than this drives the search from its ids; None: from the size
# of the log (``_by_ids_below``).
BY_IDS: int | None = None


def indexed_rows(
    store: EventStore,
    engine: Engine,
    f: AuditFilter,
    one_more: bool = False,
    head: int | None = None,
) -> Iterator[dict[str, Any]] | None:
    """The matching rows in log order; None when the store has no audit index or the index
    has not read the log up to ``head`` (default: the log's head now; the read models were
    not caught up: the log is read). The rows reach as far as the index has read."""
    upto = _index_upto(store, engine, head)
    if upto is None:
        return None
    return _rows(store, engine, f, one_more, upto)


def indexed_count(
    store: EventStore, engine: Engine, f: AuditFilter, head: int | None = None
) -> tuple[int, list[dict[str, Any]] | None] | None:
    """How many entries match ``f`` (after ``f.after``, whatever its page and limit), and
    with a limit the rows of its page (``f.page``, the first by default) and one more if
    there is one: both from the index as far as it has read, the total counted by the
    database; None as for ``indexed_rows``."""
    upto = _index_upto(store, engine, head)
    if upto is None:
        return None
    people = PageDirectory(engine)
    with engine.connect() as conn:
        cols, scopes = _criteria(conn, engine, f, people, listed=True)
        with listed_in(conn, scopes, upto) as counted:
            total = counted.count(cols, f.after or 0)
            start = _page_start(counted, cols, f, total)
    if f.limit is None:
        return total, None
    if start is None:
        return total, []
    rows = _rows(store, engine, replace(f, after=start, page=None), True, upto)
    return total, list(islice(rows, f.limit + 1))


def _page_start(
    counted: Listed, cols: Columns, f: AuditFilter, total: int | None = None
) -> int | None:
    """The position after which the filter's page starts (the last entry of the page
    before it); None when it has no entries."""
    after = f.after or 0
    skip = (f.page - 1) * f.limit if f.page is not None and f.limit is not None else 0
    return counted.nth(cols, skip - 1, after, total) if skip else after


def _index_upto(store: EventStore, engine: Engine, head: int | None) -> int | None:
    with engine.connect() as conn:
        upto = index_position(conn, NAME)
    if upto is None or upto < (store.max_position() if head is None else head):
        return None
    return upto


def _rows(
    store: EventStore, engine: Engine, f: AuditFilter, one_more: bool, upto: int
) -> Iterator[dict[str, Any]]:
    people = PageDirectory(engine)
    with engine.connect() as conn:
        after = f.after or 0
        if f.page is not None and f.page > 1:
            # A later page starts after the last entry of the pages before it, found by the
            # database over the scopes listed in full, not by walking those pages.
            listed_cols, scopes = _criteria(conn, engine, f, people, listed=True)
            with listed_in(conn, scopes, upto) as counted:
                start = _page_start(counted, listed_cols, f)
            if start is None:
                return
            after = start
        cols, scopes = _criteria(conn, engine, f, people)
        wanted = None if f.limit is None else f.limit + (1 if one_more else 0)
        found = matching(conn, cols, scopes, after, upto, _by_ids_below(upto))
        texts = IdTexts()
        batch: list[int] = []
        for count, position in enumerate(found, 1):
            batch.append(position)
            last = wanted is not None and count >= wanted
            if len(batch) >= BATCH or last:
                yield from _page(conn, store, f, people, texts, batch)
                batch = []
            if last:
                return
        yield from _page(conn, store, f, people, texts, batch)


def _by_ids_below(upto: int) -> int:
    """Reading a scope's positions costs about as many rows as its ids name (a few each);
    reading the log in order costs a page's rows divided by the share of the log the scope
    names. The two meet around ids ~ the square root of the log's length."""
    return BY_IDS if BY_IDS is not None else max(256, isqrt(3 * upto))


def _criteria(
    conn: Connection, engine: Engine, f: AuditFilter, people: PageDirectory, listed: bool = False
) -> tuple[Columns, list[Scope]]:
    """The filter as conditions on the entries' columns and scopes of ids; the same
    refusals as the reading of the whole log, in the same order. ``listed``: every scope
    with its ids listed in full, however broad (to be counted)."""
    cols = Columns(
        actor=f.actor,
        event=f.event,
        occurred_from=f.occurred_from,
        occurred_to=f.occurred_to,
        recorded_from=f.recorded_from,
        recorded_to=f.recorded_to,
        lag_over=f.backdated_days if f.backdated_only else None,
        corrections=f.corrections_only,
    )
    scopes: list[Scope] = []
    if f.unit is not None:
        scopes.append(_unit(conn, engine, f.unit, listed))
    if f.team is not None:
        scopes.append(_team(conn, engine, f.team, people))
    if f.person is not None:
        ids, actors = people.person(f.person)
        scopes.append(Scope(any=ids, actors=actors, own=_streams(conn, "owner", ids)))
    if f.subject is not None:
        scopes.append(Scope(oa=_subject(f.subject)))
    return cols, scopes


def _subject(given: str) -> set[str]:
    """The id an entry must be about: entries are matched on the id's usual text."""
    try:
        key = UUID(given)
    except ValueError:
        return set()
    return {key.hex} if str(key) == given else set()


def _unit(conn: Connection, engine: Engine, code: str, in_full: bool = False) -> Scope:
    with engine.connect() as c:
        total = c.execute(select(func.count()).select_from(units)).scalar_one()
    # Listed: every unit of the subtree, whatever their number.
    up_to = max(LISTED_UNITS, total // LISTED_SHARE) if LISTED_UNITS else 0
    up_to = total if in_full else up_to
    scope = unit_scope(engine, code, up_to)
    if scope is None:
        raise UnitNotFoundError(code)  # a typo must not read as "nothing happened"
    if scope.codes is not None:
        learnt = _streams(conn, "team", scope.team_ids) | _streams(
            conn, "cadre", scope.cadre_ids, "MemberMonth.Started"
        )
        return Scope(oa=scope.listed() | learnt, team=scope.team_ids, drive=True)
    listed = frozenset(scope.team_ids | scope.cadre_ids | scope.dept_ids)

    def placed(refs: set[str]) -> set[str]:
        # The network's ids in the unit, and the streams of its teams and cadres.
        return scope.placed(refs) | _streams_of(conn, refs, scope.team_ids, scope.cadre_ids)

    def split() -> tuple[int | None, set[str]]:
        # What is placed at the codes of its villages and groups now starts no earlier than
        # the lowest first position of those codes; its teams, cadres and departments (and
        # so their leave requests and months, which name them) no earlier than their own
        # first entries. Before that: only what is placed at the codes above (a city's own
        # unit and site, opened long before its villages), a few ids.
        under, args = subtree(conn, code)
        starts = [first_under(conn, under, args, LOWER_LEVELS), first_of(conn, listed)]
        return min((p for p in starts if p is not None), default=None), scope.upper(conn)

    # ``oa`` grows as windows are asked about (``Scope.learn``): a set of its own.
    return Scope(
        oa=set(listed), team=scope.team_ids, placed=placed, split=split if BOUNDED else None
    )


def _streams_of(
    conn: Connection, refs: set[str], team_ids: set[str], cadre_ids: set[str]
) -> set[str]:
    """Those of ``refs`` that are a leave request of one of the teams, or a month of one of
    the cadres (what a scan of the log learns of a unit, app.audit.log._Matcher.learn)."""
    sql = "SELECT stream, event, team, cadre FROM audit_streams WHERE stream IN ({ins})"
    return {
        stream
        for stream, event, team, cadre in rows_in(conn, sql, sorted(refs))
        if (event in LEARNT and team in team_ids)
        or (event == "MemberMonth.Started" and cadre in cadre_ids)
    }


def _team(conn: Connection, engine: Engine, team: UUID, people: PageDirectory) -> Scope:
    team_hex = team.hex
    spans = team_scope(engine, team_hex)
    if not people.name_of(team_hex):
        raise TeamNotFoundError(str(team))
    leave = _streams(conn, "team", {team_hex}, "LeaveRequest.Requested")
    started: set[int] = set()
    for chunk in _chunks(sorted(spans)):
        for position, cadre, month in conn.execute(
            select(streams.c.position, streams.c.cadre, streams.c.month).where(
                streams.c.event == "MemberMonth.Started", streams.c.cadre.in_(chunk)
            )
        ):
            # The month's first day to its last: on the team at any day of it.
            first = date.fromisoformat(month + "-01")
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            if any(s < last and (e is None or e > first) for s, e in spans[cadre]):
                started.add(int(position))
    return Scope(oa={team_hex} | leave, team={team_hex}, positions=started)


LEARNT = ("MemberMonth.Started", "LeaveRequest.Requested")


def _streams(conn: Connection, column: str, ids: set[str], event: str | None = None) -> set[str]:
    """Streams whose creation names one of ``ids`` in ``column`` (of that event type; of
    a team: a month or a leave request)."""
    sql = f"SELECT stream, event FROM audit_streams WHERE {column} IN ({{ins}})"
    kinds = (event,) if event is not None else LEARNT if column == "team" else None
    return {s for s, e in rows_in(conn, sql, sorted(ids)) if kinds is None or e in kinds}


def _page(
    conn: Connection,
    store: EventStore,
    f: AuditFilter,
    people: PageDirectory,
    texts: IdTexts,
    wanted: list[int],
) -> Iterator[dict[str, Any]]:
    if not wanted:
        return
    logged = _decoded(conn, store, wanted)
    corrected = corrected_by(conn, wanted)
    people.prefetch_actors({x.event.actor_id for x in logged})
    people.prefetch(
        e.subject_id.hex if type(e).__qualname__ == "Correction.Recorded" else e.originator_id.hex
        for e in (x.event for x in logged)
    )
    for x in logged:
        yield entry_row(x, f, people, corrected.get(x.position, []), texts)


def _decoded(conn: Connection, store: EventStore, wanted: list[int]) -> list[LoggedEvent]:
    """The events at these positions, read and decoded (a cipher is honoured)."""
    table, pos = events_source(conn.dialect.name)
    query = text(
        f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} "
        f"WHERE {pos} IN :wanted ORDER BY {pos}"
    ).bindparams(bindparam("wanted", expanding=True))
    decode = store.decoder.decode
    out = []
    for position, oid, version, topic, state in conn.execute(query, {"wanted": wanted}):
        uuid = oid if type(oid) is UUID else UUID(str(oid))
        out.append(LoggedEvent(int(position), decode(uuid, version, topic, bytes(state))))
    return out


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
