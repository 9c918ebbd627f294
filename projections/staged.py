"""SQLite's switch of a build beside without holding the writers for the copy (ADR 055).

SQLite cannot move a table from one file to another, so what was built in ``<store>-next``
has to be copied into the store. Copied at the switch, in its one transaction, it held every
writer of the store for the whole copy: 54.5 s on the demo, about 6 minutes at province scale
(ADR 048). Here the copy is made before the switch, in short write transactions that take
their turn with the commands:

1. ``stage``: each built table is made in the store under the name ``<table>__staged``, with
   its indexes (named so as not to meet the live ones', below), then filled from the place in
   chunks of rows taken in rowid order, each chunk a transaction of its own sized to hold the
   writers about ``TARGET`` seconds. The place is not written meanwhile, so what is staged is
   the place as it stands.
2. ``switch_in``, in the switch's transaction: each live table renamed ``<table>__old``, each
   staged one renamed to the live name. Renaming is a change of the schema alone, whatever
   the table holds. The switch then applies the events recorded since the place stopped, on
   the tables now live.
3. ``clear``: the old tables emptied in short writes and dropped, after the switch's commit
   (and before a new staging, for what a killed process left).

SQLite cannot rename an index, and an index's name is unique in its database: a staged index
takes its declared name when it is free, else that name and ``ALT``. So a live index is named
either way, alternating from one rebuild to the next; nothing names an index of a read model
in a query. Readers are not held up at any step (WAL: they read the last commit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, Index, MetaData, Table
from sqlalchemy.schema import CreateIndex, CreateTable

STAGED = "__staged"  # a built table copied into the store, waiting for the switch
OLD = "__old"  # a live table the switch replaced, waiting to be emptied and dropped
ALT = "__alt"  # the other name of an index, when its declared one is the live table's
TARGET = 0.1  # seconds a write of the staging or of the clearing holds the writers, about
PAUSE = 0.01  # seconds left between two such writes for the writers waiting
FIRST_CHUNK, MIN_CHUNK, MAX_CHUNK = 2_000, 100, 200_000
LOWEST_ROWID = -(2**63)

Writer = AbstractContextManager[Any] | None


def in_short_writes(
    engine: Engine, writer: Writer, step: Callable[[Connection, int], bool]
) -> None:
    """``step(conn, n)`` in write transactions of their own, with the store's writer turn,
    until it says it is done; ``n`` (rows) grows or shrinks so that each takes about
    ``TARGET`` seconds. Writers waiting for the turn get it between two steps (``PAUSE``)."""
    n = FIRST_CHUNK
    while True:
        start = time.perf_counter()
        with writer or nullcontext(), engine.begin() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            more = step(conn, n)
        if not more:
            return
        took = max(time.perf_counter() - start, 1e-3)
        n = max(MIN_CHUNK, min(MAX_CHUNK, int(n * TARGET / took)))
        # Neither a thread's lock nor the kernel's file lock is handed to the one waiting
        # longest: without a pause this loop would most often take the turn straight back.
        time.sleep(PAUSE)


def stage(engine: Engine, writer: Writer, tables: list[Table], store: str) -> None:
    """Copies of ``tables`` (the place's: ``engine``'s main database) made in the database
    ``store`` of its connections (the attached store) under staged names, with their indexes,
    in short writes; what a killed staging left is cleared first."""
    clear(engine, writer, store)
    with writer or nullcontext(), engine.begin() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        taken = set(_names(conn, store, "index"))
        for table in tables:
            staged = table.to_metadata(MetaData(), schema=store, name=table.name + STAGED)
            conn.execute(CreateTable(staged))
            for index in table.indexes:
                declared = str(index.name)
                name = declared if declared not in taken else declared + ALT
                conn.exec_driver_sql(_index_ddl(conn, index, store, name))
    for table in tables:
        _copy_rows(engine, writer, table, store)


def switch_in(conn: Connection, tables: list[Table]) -> None:
    """In the switch's transaction on the store: each live table renamed away, each staged
    one renamed to its name. SQLite keeps the planner's figures by a table's name, and a
    rename does not carry them: those of the old tables are deleted, as a drop deletes them
    (the project gathers none on SQLite, runner.refresh_statistics; the place has none)."""
    live = set(_names(conn, "main", "table"))
    for table in tables:
        if table.name in live:
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "{table.name}{OLD}"')
        conn.exec_driver_sql(f'ALTER TABLE "{table.name}{STAGED}" RENAME TO "{table.name}"')
    if "sqlite_stat1" in live:  # the store analysed by hand: those figures are the old tables'
        built = [t.name for t in tables]
        marks = ", ".join("?" * len(built))
        conn.exec_driver_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({marks})", tuple(built))


def clear(engine: Engine, writer: Writer, store: str = "main") -> None:
    """Every old and staged table of the store (``engine``'s database ``store``) emptied in
    short writes, then dropped: a drop frees every page of the table in one transaction, an
    emptied table's drop has little left to free."""
    with engine.connect() as conn:
        left = [n for n in _names(conn, store, "table") if n.endswith(OLD) or n.endswith(STAGED)]
    for name in left:
        table = f'{store}."{name}"'

        def empty(conn: Connection, n: int, table: str = table) -> bool:
            gone = conn.exec_driver_sql(
                f"DELETE FROM {table} WHERE rowid IN "
                f"(SELECT rowid FROM {table} ORDER BY rowid LIMIT ?)",
                (n,),
            ).rowcount
            if gone:
                return True
            conn.exec_driver_sql(f"DROP TABLE {table}")
            return False

        in_short_writes(engine, writer, empty)


def _copy_rows(engine: Engine, writer: Writer, table: Table, store: str) -> None:
    """The place's rows of ``table`` into its staged copy, in rowid order, a chunk a write."""
    source, into = f'main."{table.name}"', f'{store}."{table.name}{STAGED}"'
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    after = [LOWEST_ROWID]

    def chunk(conn: Connection, n: int) -> bool:
        upto = conn.exec_driver_sql(
            f"SELECT max(rowid) FROM (SELECT rowid FROM {source} WHERE rowid > ? "
            "ORDER BY rowid LIMIT ?)",
            (after[0], n),
        ).scalar()
        if upto is None:
            return False
        conn.exec_driver_sql(
            f"INSERT INTO {into} ({columns}) SELECT {columns} FROM {source} "
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (after[0], upto),
        )
        after[0] = upto
        return True

    in_short_writes(engine, writer, chunk)


def _index_ddl(conn: Connection, index: Index, store: str, name: str) -> str:
    """``index`` as its table declares it (columns, expressions, a partial index's
    condition), made under ``name`` on the staged table in ``store``: from the declared
    index's own statement, as a copy of the table would name its indexes by another table."""
    table = index.table
    assert table is not None
    declared = str(CreateIndex(index).compile(dialect=conn.dialect))
    on = f" ON {conn.dialect.identifier_preparer.format_table(table)} "
    unique = "UNIQUE " if index.unique else ""
    rest = declared.split(on, 1)[1]
    return f'CREATE {unique}INDEX {store}."{name}" ON "{table.name}{STAGED}" {rest}'


def _names(conn: Connection, database: str, kind: str) -> list[str]:
    return list(
        conn.exec_driver_sql(
            f"SELECT name FROM {database}.sqlite_master WHERE type = ?", (kind,)
        ).scalars()
    )
