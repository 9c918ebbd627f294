"""projections/bulk.py: many rows in one call (COPY on PostgreSQL) store exactly what
SQLAlchemy's own insert stores, for every kind of column the read models use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    cast,
    func,
    insert,
    inspect,
    select,
)

from app.bootstrap import bootstrap
from projections.bulk import COPY_FROM, insert_many
from tests.conftest import pg_url_for_new_schema

COLUMNS = ("id", "text", "day", "moment", "data", "raw")
AWKWARD = ["tab\there", "new\nline", "back\\slash", "\\N", '"quoted"', "本溪市 甲村", "", "a,b"]


def tables() -> tuple[MetaData, Table, Table]:
    metadata = MetaData()

    def table(name: str) -> Table:
        return Table(
            name,
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("text", String(50)),
            Column("day", Date),
            Column("moment", DateTime()),
            Column("data", JSON),
            Column("raw", LargeBinary),
        )

    return metadata, table("bulk_many"), table("bulk_reference")


def sample(n: int) -> list[tuple[Any, ...]]:
    out = []
    for i in range(n):
        text = AWKWARD[i % len(AWKWARD)]
        out.append(
            (
                i,
                None if i % 7 == 3 else text,
                None if i % 5 == 4 else date(2014, 1 + i % 12, 1 + i % 28),
                datetime(2015, 3, 4, 5, 6, 7, i * 1000),
                None if i % 9 == 8 else {"名": text, "n": i, "list": [1, None, "x"], "t": "a\tb"},
                None if i % 4 == 1 else bytes([i % 256, 0, 92, 9, 10]),
            )
        )
    return out


def test_many_rows_store_what_sqlalchemy_stores(db_url: str) -> None:
    rows = sample(3 * COPY_FROM)  # enough for COPY on PostgreSQL
    z = bootstrap(db_url)  # the store's schema, and the engine the read models use
    engine = z.engine
    metadata, many, reference = tables()
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            insert_many(conn, many, COLUMNS, rows)
            for row in rows:  # SQLAlchemy's insert, one row at a time
                conn.execute(insert(reference).values(dict(zip(COLUMNS, row, strict=True))))
        with engine.connect() as conn:
            got = conn.execute(select(many).order_by(many.c.id)).all()
            expected = conn.execute(select(reference).order_by(reference.c.id)).all()
        assert [tuple(r) for r in got] == [tuple(r) for r in expected]
        assert [tuple(r) for r in got] == rows
        # And the same text in the database, not only the same values read back: SQLite
        # compares stored times as text, and '05:06:07' sorts before '05:06:07.000000'.
        assert stored_text(engine, many) == stored_text(engine, reference)
    finally:
        metadata.drop_all(engine)
        z.close()


def stored_text(engine: Any, table: Table) -> list[tuple[Any, ...]]:
    columns = [cast(table.c[name], Text) for name in COLUMNS if name != "raw"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(table.c.id))]


def test_a_failed_page_leaves_nothing_behind(db_url: str) -> None:
    """Rows inserted in bulk belong to the caller's transaction: a later failure undoes them."""
    z = bootstrap(db_url)
    engine = z.engine
    metadata, many, _ = tables()
    try:
        metadata.create_all(engine)
        try:
            with engine.begin() as conn:
                insert_many(conn, many, COLUMNS, sample(2 * COPY_FROM))
                raise RuntimeError("the page fails after its rows went in")
        except RuntimeError:
            pass
        with engine.connect() as conn:
            assert conn.execute(select(many)).first() is None
    finally:
        metadata.drop_all(engine)
        z.close()


@pytest.mark.postgres
def test_rows_go_to_the_schema_the_connection_translates_to() -> None:
    """A read model built beside the one in use, in another schema (``schema_translate_map``),
    gets its rows there, also through COPY and executemany, which SQLAlchemy does not compile."""
    z, beside = bootstrap(pg_url_for_new_schema()), bootstrap(pg_url_for_new_schema())
    metadata, many, _ = tables()
    other = _schema_of(beside)
    try:
        with z.engine.begin() as conn:
            translated = conn.execution_options(schema_translate_map={None: other})
            metadata.create_all(translated)
            insert_many(translated, many, COLUMNS, sample(2 * COPY_FROM))  # COPY
            insert_many(translated, many, COLUMNS, [(10_000, "one", None, None, None, None)])
        with beside.engine.connect() as conn:
            assert (
                conn.execute(select(func.count()).select_from(many)).scalar() == 2 * COPY_FROM + 1
            )
        with z.engine.connect() as conn:
            assert not inspect(conn).has_table(many.name)
    finally:
        metadata.drop_all(beside.engine)
        z.close()
        beside.close()


def _schema_of(z: Any) -> str:
    with z.engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar())
