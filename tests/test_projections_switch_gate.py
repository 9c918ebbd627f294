"""The switch of read models built beside, on PostgreSQL, under continuous reads (ADR 052).

Readers hold several read-model tables at once (a page reads several), in different orders,
while another user writes and queries catch up; ``zhucun projections rebuild`` must still
switch its tables in, and every reader must get the old answer or the new one, never an
error (a deadlock, a lock timeout) or an empty one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Table, func, select

from app.bootstrap import Zhucun, bootstrap
from app.cli.main import cli
from app.store.clock import SettableClock
from projections import beside, gate
from projections.tables import central_households, households, units
from tests.builders import VILLAGE_A, apply, cmd
from tests.conftest import pg_url_for_new_schema
from tests.test_projections import populate

pytestmark = pytest.mark.postgres

HOLD = 0.04  # seconds a reader keeps its tables between two reads


@pytest.fixture
def pg(clock: SettableClock) -> Iterator[Zhucun]:
    z = bootstrap(pg_url_for_new_schema(), clock)
    yield z
    z.close()


def counts(z: Zhucun, tables: tuple[Table, ...]) -> dict[str, int]:
    """One read transaction over several tables, holding each until it ends."""
    found = {}
    with z.projections.reading() as conn:
        for table in tables:
            found[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar())
            time.sleep(HOLD)
    return found


def village(z: Zhucun) -> dict[str, Any]:
    """A query that catches up first (the writer keeps the log ahead); the name aside,
    which the writer changes."""
    summary = z.summary(VILLAGE_A) or {}
    return {k: v for k, v in summary.items() if k != "name"}


def repeatedly(work: Callable[[], Any], stop: threading.Event, out: dict[str, list[Any]]) -> None:
    while not stop.is_set():
        try:
            out["answers"].append(work())
        except Exception as e:
            out["errors"].append(e)


def test_a_rebuild_switches_in_while_readers_hold_several_tables_in_any_order(
    pg: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At its first or second try, and a third for what else may hold a live table a moment
    # (PostgreSQL's autovacuum analysing the tables just filled). Without the gate the
    # readers made it give up try after try: seven to fifteen times here, or all twenty.
    monkeypatch.setattr(beside, "TRIES", 3)
    populate(pg, households=90)
    tables = (units, households, central_households)
    before = counts(pg, tables)
    summary = village(pg)
    assert all(before.values())

    renames = iter(range(1_000_000))

    def write() -> None:
        apply(pg, cmd("rename_unit", unit=VILLAGE_A, name=f"甲村{next(renames)}"))
        # Between two writes the readers are at the head, holding tables; after one, they
        # catch up first.
        time.sleep(1)

    stop = threading.Event()
    # Each order of the tables read by two readers at once: at any moment some reader
    # holds each table, and others wait for it while holding another.
    orders = {f"{k}{i}": tables[k:] + tables[:k] for k in range(3) for i in range(2)}
    orders |= {f"back{n}": order[::-1] for n, order in orders.items()}
    work: dict[str, Callable[[], Any]] = {
        n: (lambda order=order: counts(pg, order)) for n, order in orders.items()
    }
    work |= {"village": lambda: village(pg), "writer": write}
    readers: dict[str, dict[str, list[Any]]] = {n: {"answers": [], "errors": []} for n in work}
    threads = [
        threading.Thread(target=repeatedly, args=(work[n], stop, readers[n]), daemon=True)
        for n in readers
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the readers at work before the rebuild starts
    try:
        result = CliRunner().invoke(cli, ["--db", pg.config.url, "projections", "rebuild"])
    finally:
        time.sleep(0.3)  # and a little after the switch
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert result.exit_code == 0, (result.output, result.exception)
    errors = {n: r["errors"] for n, r in readers.items() if r["errors"]}
    assert not errors, errors
    for name in orders:
        assert readers[name]["answers"], name
        assert all(a == before for a in readers[name]["answers"]), name
    assert readers["village"]["answers"]
    assert all(a == summary for a in readers["village"]["answers"])
    assert readers["writer"]["answers"]  # another user wrote meanwhile
    assert not pg.projections.rebuilding()
    pg.projections.catch_up()  # the writer's last event, if it came after the last read
    head = pg.store.max_position()
    assert set(pg.projections.positions().values()) == {head}


def test_a_read_inside_a_read_does_not_queue_behind_a_switch_waiting_for_the_first(
    pg: Zhucun,
) -> None:
    populate(pg, households=3)
    place = beside.place_of(pg.engine)
    outcome: list[str] = []

    def switch() -> None:  # the switch's first step, waiting for the gate
        try:
            with place.engine().connect() as conn, conn.begin():
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                gate.close(conn, place.schema)
                outcome.append("closed")
        except Exception as e:
            outcome.append(type(e).__name__)

    closing = threading.Thread(target=switch)
    try:
        with pg.projections.reading() as outer:
            outer.execute(select(func.count()).select_from(units)).scalar()
            closing.start()
            time.sleep(0.3)
            assert outcome == []  # the switch waits for the read in flight
            # Asked again, the gate would wait behind the switch, which waits for ``outer``.
            with pg.projections.reading() as inner:
                assert inner.execute(select(func.count()).select_from(households)).scalar()
            assert outcome == []
        closing.join(timeout=10)
    finally:
        place.dispose()
    assert outcome == ["closed"]
