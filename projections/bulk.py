"""Many-row inserts for read models, without SQLAlchemy's per-row statement machinery.

A read model catching up writes tens of thousands of rows per page. ``conn.execute(insert(t),
dicts)`` builds the parameters of every row through the compiler (about half the cost of a
rebuild, measured). Here the statement is written once, each value goes through its column
type's own bind processor (so what is stored is exactly what SQLAlchemy would store: the same
date and time text on SQLite, JSON text, ...), and the rows go to the driver's executemany in
one call, inside the caller's transaction.

On PostgreSQL, a page's worth of rows goes in with ``COPY … FROM STDIN`` instead: psycopg's
executemany sends one INSERT per row (pipelined, but each parsed, planned and executed by the
server), and a rebuild there spent half its wall time waiting for those (a sampling profile
of `python -m bench.rebuild` at 200 villages: 34 s wall for 17.7 s of CPU).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, LargeBinary, Table
from sqlalchemy.dialects.sqlite import DATE as SQLITE_DATE
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.types import TypeEngine

# (column index, bind processor, whether None goes through it too: SQLAlchemy stores a
# JSON column's None as the JSON text ``null``, not as SQL NULL)
_Processors = list[tuple[int, Callable[[Any], Any], bool]]
_STATEMENTS: dict[tuple[str, str, tuple[str, ...]], tuple[str, _Processors]] = {}


def insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``."""
    statement, processors = _prepared(conn, table, tuple(columns))
    if processors:
        values: list[Sequence[Any]] = []
        for row in rows:
            out = list(row)
            for i, process, of_none in processors:
                if of_none or out[i] is not None:
                    out[i] = process(out[i])
            values.append(tuple(out))
    else:
        values = [tuple(r) for r in rows]
    if not values:
        return
    if conn.dialect.name == "postgresql" and len(values) >= COPY_FROM:
        _copy(conn, table, columns, values)
    else:
        conn.exec_driver_sql(statement, values)


# Below this many rows a plain executemany costs no more than a COPY's own round trips.
COPY_FROM = 16


def _copy(
    conn: Connection, table: Table, columns: Sequence[str], values: list[Sequence[Any]]
) -> None:
    """The rows through ``COPY``, on the connection's own transaction. The values are those
    executemany would have been given (already through the columns' bind processors), which
    psycopg writes in COPY's text format the same way."""
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {_name(conn, table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)
    finally:
        cursor.close()


def _prepared(conn: Connection, table: Table, columns: tuple[str, ...]) -> tuple[str, _Processors]:
    dialect = conn.dialect
    name = _name(conn, table)
    key = (dialect.name, name, columns)
    found = _STATEMENTS.get(key)
    if found is None:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        statement = (
            f"INSERT INTO {name} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})"
        )
        processors: _Processors = []
        for i, name in enumerate(columns):
            column_type = table.c[name].type
            # The dialect's own type, as SQLAlchemy's insert uses: the generic Date and
            # DateTime have no processor, and sqlite3's default adapters would store a time
            # without its microseconds where SQLAlchemy writes ``.000000``. JSON keeps the
            # generic one: psycopg's own wraps each value for its binary protocol.
            impl: TypeEngine[Any] = column_type.dialect_impl(dialect)
            generic = column_type.bind_processor(dialect)
            process: Callable[[Any], Any] | None = (
                generic if isinstance(column_type, JSON) else impl.bind_processor(dialect)
            )
            if isinstance(column_type, LargeBinary):
                # Both drivers take ``bytes`` as they are. The processor would wrap each value
                # in a new object (a memoryview on SQLite): hundreds of thousands per page for
                # the audit chain, each one more allocation for the cyclic collector to count.
                process = None
            elif process is None and isinstance(column_type, JSON):
                # Drivers that take JSON natively (psycopg) get it as text; the server casts.
                process = json_text
            process = _faster(impl, process)
            if process is not None:
                of_none = isinstance(column_type, JSON) and not column_type.none_as_null
                processors.append((i, process, of_none))
        found = _STATEMENTS[key] = (statement, processors)
    return found


def _name(conn: Connection, table: Table) -> str:
    """The table's quoted name where the connection puts it: a ``schema_translate_map`` in
    its execution options (tables built beside the ones in use, in another schema) applies
    to these statements too, which SQLAlchemy's compiler never sees."""
    schema = table.schema
    translate = conn.get_execution_options().get("schema_translate_map")
    if translate and schema in translate:
        schema = translate[schema]
    preparer = conn.dialect.identifier_preparer
    name = preparer.quote(table.name)
    return f"{preparer.quote_schema(schema)}.{name}" if schema else name


def json_text(value: Any) -> str:
    """JSON text of a column value, the read models' one way to write JSON (see
    app/bootstrap.py): compact UTF-8, keys that are not text written as text, as the
    standard module does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _faster(impl: Any, process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """SQLite's date and time processors with their default storage formats, by
    ``isoformat``: the same text (tests/test_bulk.py compares it) without building the ``%``
    formatting's mapping for every value (the dates of the coverage rows were a tenth of their
    writing, profiled). Any other value (a date given for a time, a time with a zone, a year
    before 1000) goes through SQLAlchemy's own."""
    if process is None:
        return None
    # isinstance: pysqlite's own subclasses, whose processors are these when the driver
    # does not convert dates itself (it does not: ``native_datetime`` is off). The last value
    # and its text are kept: the rows of a page share a few day and time objects (a recording
    # moment, the days of the facts), and the same object always gives the same text.
    if (
        isinstance(impl, SQLITE_DATETIME)
        and impl._storage_format == SQLITE_DATETIME._storage_format
    ):
        return _remembering(datetime, lambda v: v.isoformat(" ", "microseconds"), process)
    if isinstance(impl, SQLITE_DATE) and impl._storage_format == SQLITE_DATE._storage_format:
        return _remembering(date, date.isoformat, process)
    return process


def _remembering(
    kind: type[Any], text: Callable[[Any], str], process: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    last: list[tuple[object, Any]] = [(object(), None)]  # one tuple: a thread reads it whole

    def processed(value: Any) -> Any:
        seen, out = last[0]
        if value is seen:
            return out
        if type(value) is kind and value.year >= 1000 and getattr(value, "tzinfo", None) is None:
            out = text(value)
            last[0] = (value, out)
            return out
        return process(value)

    return processed


def upsert(conn: Connection, table: Table) -> Any:
    """``INSERT`` into ``table`` in the engine's own dialect, which knows ``ON CONFLICT … DO
    UPDATE`` (``.on_conflict_do_update``, ``.excluded``). Only that dialect is imported:
    importing both costs every command's start."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect  # type: ignore[no-redef]
    return dialect.insert(table)
