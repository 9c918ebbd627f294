"""The audit chain: a hash chain over the stored log, in log order, one link per event.

Each stored row is first reduced to a digest of its bytes as stored, and each link hashes
the link before it, the position and that digest (docs/adr/007-hash-chain.md):

    digest_n = sha256(id (16 bytes) || version (8) || len(topic) (4) || topic || state)
    link_n   = sha256(link_{n-1} || position (8) || digest_n),   link_0 = 32 zero bytes

Keeping the digest beside the link lets ``verify`` say what happened at the first bad
position (changed, deleted, inserted, reordered), not only where.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from hashlib import sha256
from struct import Struct
from struct import error as struct_error
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    LargeBinary,
    MetaData,
    Table,
    func,
    select,
    text,
)

from projections.bulk import insert_many

NAME = "audit_chain"
GENESIS = bytes(32)

metadata = MetaData()
chain = Table(
    "audit_chain",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("digest", LargeBinary(32), nullable=False),
    Column("link", LargeBinary(32), nullable=False),
)

RawRow = tuple[int, Any, int, str, bytes]  # position, originator_id, version, topic, state

_HEAD = Struct(">16sqI")  # originator id, version, topic length
_POS = Struct(">q")


def id_bytes(originator_id: Any) -> bytes:
    """The originator id as 16 bytes, whichever way the engine hands it over (a UUID on
    PostgreSQL, 32 hex characters on SQLite), so both engines chain a log alike."""
    if type(originator_id) is UUID:
        return originator_id.bytes
    text_id = str(originator_id)
    if len(text_id) == 32:
        try:
            return bytes.fromhex(text_id)
        except ValueError:
            pass
    try:
        return UUID(text_id).bytes
    except ValueError:
        return sha256(text_id.encode("utf8")).digest()[:16]


def extend(previous: bytes, rows: Iterable[RawRow]) -> list[tuple[int, bytes, bytes]]:
    """(position, digest, link) for each row, chained on from ``previous``."""
    out: list[tuple[int, bytes, bytes]] = []
    append = out.append
    pack_head, pack_pos, fromhex, hash_ = _HEAD.pack, _POS.pack, bytes.fromhex, sha256
    # One join per hash: '+' would copy the stored bytes twice (a tenth of verify's time).
    join = b"".join
    topics: dict[str, bytes] = {}
    for position, oid, version, topic, state in rows:
        t = topics.get(topic)
        if t is None:
            if type(topic) is not str:
                digest = _odd_row_digest(oid, version, topic, state)
                previous = hash_(previous + pack_pos(position) + digest).digest()
                append((position, digest, previous))
                continue
            t = topics[topic] = topic.encode("utf8")
        try:
            ob = oid.bytes if type(oid) is UUID else fromhex(oid)
        except (TypeError, ValueError):
            ob = id_bytes(oid)
        if len(ob) != 16:
            ob = id_bytes(oid)
        try:
            digest = hash_(join((pack_head(ob, version, len(t)), t, state))).digest()
        except (TypeError, ValueError, struct_error):
            digest = _odd_row_digest(oid, version, topic, state)
        previous = hash_(join((previous, pack_pos(position), digest))).digest()
        append((position, digest, previous))
    return out


def row_digest(originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    """One row's digest, exactly as ``extend`` computes it, whatever the columns hold."""
    return extend(GENESIS, [(0, originator_id, version, topic, state)])[0][1]


def links(previous: bytes, rows: Iterable[RawRow]) -> list[tuple[int, bytes]]:
    """(position, link) for each row, chained on from ``previous``: the links of ``extend``
    without the digests, for ``verify``, whose pages are mostly rows as SQLite returns
    them (hex text ids, text topics, blob states). Any other row takes ``extend``'s own
    path (``row_digest``), so both give the same links for every row."""
    out: list[tuple[int, bytes]] = []
    append = out.append
    pack_pos, hash_, join = _POS.pack, sha256, b"".join
    for position, digest in _digested(rows):
        previous = hash_(join((previous, pack_pos(position), digest))).digest()
        append((position, previous))
    return out


def _odd_row_digest(originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    """A row whose columns do not hold the types the library writes (SQLite keeps whatever
    it is given, say a state turned to text by an edit): digest what is there, so verify
    reports the row instead of failing on it."""
    parts = [
        repr(type(v).__name__).encode() + b"=" + repr(v).encode()
        for v in (originator_id, version, topic, state)
    ]
    return sha256(b"odd-row\x00" + b"\x00".join(parts)).digest()


def events_source(dialect: str) -> tuple[str, str]:
    """The log's table and its position column, as the library lays them out."""
    if dialect == "postgresql":
        return "zhucun_events", "notification_id"
    return "stored_events", "rowid"


class AuditChainModel:
    """Extends the chain as the log grows. It reads the raw rows (not the decoded events of
    the page) in the same transaction, so the chain covers the bytes as stored."""

    name = NAME
    metadata = metadata

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        if not page:
            return
        head = conn.execute(select(func.max(chain.c.position))).scalar()
        after = int(head or 0)
        previous = GENESIS
        if head is not None:
            previous = bytes(
                conn.execute(select(chain.c.link).where(chain.c.position == head)).scalar_one()
            )
        table, pos = events_source(conn.dialect.name)
        rows = conn.execute(
            text(
                f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {pos} > :after AND {pos} <= :upto ORDER BY {pos}"
            ),
            {"after": after, "upto": page[-1].position},
        ).all()
        links = extend(previous, ((r[0], r[1], r[2], r[3], r[4]) for r in rows))
        if links:
            insert_many(conn, chain, ("position", "digest", "link"), links)

    def reset(self) -> None:
        """Nothing kept in memory: the head is read from the table on every page."""


def digests(rows: Iterable[RawRow]) -> list[tuple[int, bytes]]:
    """(position, digest) of each row, exactly as ``extend`` computes them, without the
    links: for checking chosen rows against the digests the chain stored for them."""
    return list(_digested(rows))


def _digested(rows: Iterable[RawRow]) -> Iterator[tuple[int, bytes]]:
    """(position, digest) of each row, on the quick path for rows as the engines return
    them (hex text or UUID ids, text topics, blob states); any other row takes ``extend``'s
    own path (``row_digest``), so both give the same digest for every row."""
    pack_head, fromhex, hash_, join = _HEAD.pack, bytes.fromhex, sha256, b"".join
    topics: dict[Any, bytes] = {}
    for position, oid, version, topic, state in rows:
        try:
            t = topics[topic]
            ob = oid.bytes if type(oid) is UUID else fromhex(oid)
            if len(ob) != 16:
                raise ValueError(oid)
            digest = hash_(join((pack_head(ob, version, len(t)), t, state))).digest()
        except (KeyError, TypeError, ValueError, struct_error):
            if type(topic) is str and topic not in topics:
                topics[topic] = topic.encode("utf8")
            digest = row_digest(oid, version, topic, state)
        yield position, digest


def chained_to(
    conn: Connection, upto: int, wanted: Iterable[int] = (), page: int = 100_000
) -> tuple[int, bytes, dict[int, bytes]]:
    """The stored chain's digests from the first position up to ``upto`` linked again
    from ``GENESIS``: the last position stored, the link they give there, and the stored
    digests at the ``wanted`` positions. Reads the digests only (never the stored links):
    a link that equals one kept elsewhere (a run's, a checkpoint's) proves every digest
    up to it is the one chained then."""
    want = set(wanted)
    found: dict[int, bytes] = {}
    previous, after = GENESIS, 0
    pack_pos, hash_, join = _POS.pack, sha256, b"".join
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        scanned = _scan_in_table_order(conn, upto, want)
        if scanned is not None:
            return scanned
    mark = "?" if sqlite else "%s"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        query = f"SELECT position, digest FROM {NAME}"
        for rows in _pages_by_key(cursor, query, "position", mark, (after, upto), page):
            for position, digest in rows:
                previous = hash_(join((previous, pack_pos(position), digest))).digest()
            if want:
                for position, digest in rows:
                    if position in want:
                        found[position] = bytes(digest)
            after = int(rows[-1][0])
    finally:
        cursor.close()
    return after, previous, found


def _scan_in_table_order(
    conn: Connection, upto: int, want: set[int], page: int = 100_000
) -> tuple[int, bytes, dict[int, bytes]] | None:
    """``chained_to`` on SQLite by one scan of the table in its own (rowid) order, which
    the chain's appends in position order make the position order, without the key's
    index; None as soon as a position is not above the one before (a table written some
    other way), for the walk by the key."""
    found: dict[int, bytes] = {}
    previous, after = GENESIS, 0
    pack_pos, hash_, join = _POS.pack, sha256, b"".join
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SELECT position, digest FROM {NAME} WHERE +position <= ? ORDER BY rowid", (upto,)
        )
        while rows := cursor.fetchmany(page):
            for position, digest in rows:
                if position <= after:
                    return None
                previous = hash_(join((previous, pack_pos(position), digest))).digest()
                after = position
            if want:
                for position, digest in rows:
                    if position in want:
                        found[position] = bytes(digest)
    finally:
        cursor.close()
    return after, previous, found


def rows_at(
    conn: Connection, positions: Sequence[int], page: int = 20_000
) -> Iterator[list[RawRow]]:
    """The log's stored rows at these positions (those still there), as stored, a page at
    a time. Positions spread over the log are looked up by key, 500 at a time; where they
    are more than half the stretch they span (a province's run rests on nine events in
    ten), the stretch is read in order and the others dropped, cheaper than the lookups."""
    if not positions:
        return
    table, pos = events_source(conn.dialect.name)
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    columns = f"{pos}, originator_id, originator_version, topic, state"
    first, last = min(positions), max(positions)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if len(positions) * 2 < last - first + 1:
            for i in range(0, len(positions), 500):
                part = positions[i : i + 500]
                cursor.execute(
                    f"SELECT {columns} FROM {table} "
                    f"WHERE {pos} IN ({', '.join([mark] * len(part))})",
                    tuple(part),
                )
                yield cursor.fetchall()
            return
        want = set(positions)
        query = f"SELECT {columns} FROM {table}"
        for rows in _pages_by_key(cursor, query, pos, mark, (first - 1, last), page):
            yield [r for r in rows if r[0] in want]
    finally:
        cursor.close()


def _pages_by_key(
    cursor: Any, query: str, pos: str, mark: str, span: tuple[int, int], page: int
) -> Iterator[list[Any]]:
    """The rows of ``query`` (a SELECT whose first column is ``pos``) with ``pos`` in the
    ``span`` (after, upto], in its order, a page at a time: each page starts after the last
    position of the one before."""
    after, upto = span
    while after < upto:
        cursor.execute(
            f"{query} WHERE {pos} > {mark} AND {pos} <= {mark} ORDER BY {pos} LIMIT {mark}",
            (after, upto, page),
        )
        rows = cursor.fetchall()
        if not rows:
            return
        after = int(rows[-1][0])
        yield rows
