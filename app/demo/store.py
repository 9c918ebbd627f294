"""Which stores hold nothing but the demo, so that ``zhucun demo --reset`` may empty them.

The demo marks how far the log is its own: a one-row table, ``demo_marker``, holding the last
log position the demo wrote (moved on after each chunk of the load and after the demo
accounts). A store may be reset only if it is empty, or if every event after that position
is a record of a login or of a read (``AccessLog``, ``DataAccess``: someone looked at the
demo, they did not type anything into it). Anything else was written by someone other than
the demo (a command, a form, a new account or password), and the reset is refused: nothing
a user typed is lost. A store without the marker (one loaded before the marker existed, or
a user's own store) is never reset unless empty. See docs/adr/015-demo-store.md.
"""

from __future__ import annotations

from pathlib import Path

from eventsourcing.utils import get_topic
from psycopg import sql as pgsql
from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, select, text

from app.bootstrap import Zhucun
from app.store.config import StoreConfig
from app.store.files import metadata as files_metadata
from domain.access import DataAccess
from domain.accounts import AccessLog, LoginGuard
from domain.errors import RuleViolation
from projections.runner import writing

DEMO_DB = "sqlite:///var/demo.db"  # where `make demo` keeps it, apart from var/zhucun.db

_meta = MetaData()
MARKER = Table(
    "demo_marker",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("seed", Integer, nullable=False),
    Column("last_position", BigInteger, nullable=False),
)
# Events after the demo's that only record that someone logged in or read something (a
# login's tries count on the username's guard, its session on the access record).
LOOKED_ONLY = tuple(f"{get_topic(cls)}.%" for cls in (AccessLog, DataAccess, LoginGuard))


class StoreHoldsUserDataError(RuleViolation):
    code = "store_holds_user_data"

    def __init__(self, where: str, count: int, first: int) -> None:
        super().__init__(
            "db",
            f"存储 {where} 中有 {count:,} 条不是演示数据写入的事件（第一条在日志位置 {first}），"
            "--reset 不会清空它，什么也没有删除。演示数据请放在单独的文件里"
            f"（如 --db {DEMO_DB}）；要继续使用这个存储，直接打开它（make demo-serve）；"
            "确要重新载入演示数据，先自行移走或备份该存储",
            f"the store {where} holds {count:,} event(s) the demo did not write (the first "
            f"at log position {first}), so --reset will not empty it: nothing was deleted. "
            f"Keep the demo in a store of its own (e.g. --db {DEMO_DB}); to go on using "
            "this store, open it as it is (make demo-serve); to load the demo afresh, move "
            "or back up the store yourself first",
        )


def mark_demo(z: Zhucun, seed: int, last_position: int | None = None) -> None:
    """Record that the log up to ``last_position`` (default: its head) is the demo's."""
    head = z.store.max_position() if last_position is None else last_position
    # In turn with the store's other writers (a follower of the read models, a server): on
    # SQLite, not by polling its busy lock.
    with writing(z.store.writer):
        _meta.create_all(z.engine, tables=[MARKER])
        with z.engine.begin() as conn:
            conn.execute(MARKER.delete())
            conn.execute(MARKER.insert().values(id=1, seed=seed, last_position=head))


def demo_position(z: Zhucun) -> int | None:
    """The last position the demo wrote, or None when the demo never marked this store."""
    _meta.create_all(z.engine, tables=[MARKER])
    with z.engine.connect() as conn:
        found = conn.execute(select(MARKER.c.last_position)).scalar()
    return None if found is None else int(found)


def written_by_others(z: Zhucun) -> tuple[int, int | None]:
    """How many events after the demo's are more than a login or a read, and the first one's
    position."""
    after = demo_position(z) or 0
    position = "notification_id" if z.config.is_postgres else "rowid"
    events = z.store._pg_table() if z.config.is_postgres else z.store.events_table
    query = text(
        f"SELECT COUNT(*), MIN({position}) FROM {events} WHERE {position} > :after "
        + "".join(f" AND topic NOT LIKE :t{i}" for i in range(len(LOOKED_ONLY)))
    )
    params = {"after": after, **{f"t{i}": t for i, t in enumerate(LOOKED_ONLY)}}
    with z.engine.connect() as conn:
        count, first = conn.execute(query, params).one()
    return int(count or 0), (None if first is None else int(first))


def check_demo_only(z: Zhucun, where: str) -> None:
    """Refuse (StoreHoldsUserDataError) unless the store holds the demo and nothing typed."""
    count, first = written_by_others(z)
    if count:
        raise StoreHoldsUserDataError(where, count, first or 0)


def wipe(z: Zhucun) -> None:
    """Delete the store's log, read models and marker: only after ``check_demo_only``.
    The store is closed afterwards; open it again to use it."""
    config = z.config
    if config.sqlite_path is not None:
        z.close()
        _delete_sqlite(config.sqlite_path)
        return
    events = z.store.events_table
    z.projections.drop_tables()
    _meta.drop_all(z.engine, tables=[MARKER])
    files_metadata.drop_all(z.engine)  # the evidence files (ADR 025)
    z.close()
    _drop_postgres(config, events)


def _delete_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _drop_postgres(config: StoreConfig, events: str) -> None:
    schema = config.schema or "public"
    with config.postgres_connection() as conn:
        if schema != "public":
            drop = pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            conn.execute(drop.format(pgsql.Identifier(schema)))
        else:
            conn.execute(
                pgsql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(pgsql.Identifier(events))
            )
