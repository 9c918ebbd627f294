"""Statements with long IN lists for the audit log's queries, written out directly: an IN
list of a few hundred ids costs SQLAlchemy more to render, a bind at a time, than the
database takes to answer it (a page of the audit log runs dozens of them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

CHUNK = 500  # values per IN list


def mark(conn: Connection) -> str:
    """The driver's placeholder: psycopg's ``%s``, sqlite3's ``?``."""
    return "%s" if conn.dialect.name == "postgresql" else "?"


def rows_in(
    conn: Connection, sql: str, values: Sequence[Any], *params: Any, size: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` for ``values`` a chunk at a time: ``{ins}`` in ``sql`` is the chunk's
    placeholders (the first parameters), ``{m}`` a placeholder for each of ``params`` (after)."""
    m = mark(conn)
    for i in range(0, len(values), size):
        chunk = values[i : i + size]
        statement = sql.format(ins=",".join([m] * len(chunk)), m=m)
        yield from conn.exec_driver_sql(statement, (*chunk, *params))
