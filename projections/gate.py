"""The gate every transaction on the read models passes on PostgreSQL, and the switch of
read models built beside closes (ADR 052).

Each transaction of a store's engine takes PostgreSQL's advisory lock of the gate shared as
it begins (``pass_gate``, an engine event: every query, catch-up, follower and command of
the engine passes it, whatever code opened the connection); the switch (projections/beside.py)
takes it exclusive before it touches any table or position row. The switch then waits only
for the transactions in flight, and those that begin meanwhile queue behind it (PostgreSQL
grants a lock in the order asked, a shared request behind a waiting exclusive one): no
transaction can hold one read-model table while waiting for another the switch holds, which
made the switch and the readers wait for each other in a cycle until one gave up.

SQLite needs no gate: readers read the last commit (WAL) and never hold the switch up.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, event, text

# PostgreSQL's advisory lock of the gate is a pair of numbers: this one, the set-up lock's
# (runner.SETUP_LOCK) and two, next to the build beside's (beside.BESIDE_LOCK, the set-up
# lock's and one), and the hash of the store's schema, so that stores in other schemas of the
# same database do not wait for each other's switch. Locks named by two numbers never meet
# those named by one (the set-up lock, the build beside's).
GATE = 0x7A68_7565
_SHARED = "SELECT pg_advisory_xact_lock_shared(%s, hashtext(current_schema()))"
# An execution option: connections (or a whole engine) that do not pass the gate. The
# builder's connections work in the place beside, not on the live tables, and the switch
# closes the gate; the turn to build beside (``pg_advisory_lock(BESIDE_LOCK)``) is waited
# for by a process whose switch waits for the gate: holding the gate while waiting for the
# turn would be a cycle PostgreSQL cannot see.
UNGATED = "zhucun_ungated"

# The connection through which this thread holds the gate, by database: another transaction
# of the same thread on the same database, begun while that one is open (a read inside a
# read), does not ask again. Asked again it would queue behind a switch waiting for the
# thread's first transaction, which cannot end: a cycle through this thread, not through
# PostgreSQL, that only the switch's lock timeout would break.
_held = threading.local()


def install(engine: Engine) -> None:
    """Every transaction of ``engine`` passes the gate (PostgreSQL; nothing elsewhere, nor
    for an engine made ``UNGATED``). Installed once per engine, however many runners share it."""
    if engine.dialect.name != "postgresql" or engine.get_execution_options().get(UNGATED):
        return
    if not event.contains(engine, "begin", pass_gate):
        event.listen(engine, "begin", pass_gate)


def pass_gate(conn: Connection) -> None:
    """Take the gate shared for the transaction ``conn`` begins (SQLAlchemy's ``begin``
    event, autobegin included), released by PostgreSQL when it ends."""
    if conn.get_execution_options().get(UNGATED):
        return
    key = f"{conn.engine.url}/{conn.dialect.default_schema_name}"
    held: dict[str, Connection] = _held.__dict__.setdefault("by_database", {})
    other = held.get(key)
    if other is not None and other is not conn and _in_transaction(other):
        return
    # On the driver's cursor: the event comes before SQLAlchemy records the transaction,
    # and a statement through ``conn`` would begin another. psycopg begins the transaction
    # at its first statement, this one, so the lock is the transaction's.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(_SHARED, (GATE,))
    finally:
        cursor.close()
    held[key] = conn


def close(conn: Connection, schema: str) -> None:
    """Take the gate of the store in ``schema`` exclusive for ``conn``'s transaction (the
    switch): once granted, no other transaction of the gate is running, and those that come
    wait until it ends."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(:s))"), {"k": GATE, "s": schema})


def _in_transaction(conn: Connection) -> bool:
    try:
        return not conn.closed and not conn.invalidated and conn.in_transaction()
    except Exception:  # a connection gone bad: it holds nothing
        return False


def ungated(options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execution options for an engine or connection that does not pass the gate."""
    return {**(options or {}), UNGATED: True}
