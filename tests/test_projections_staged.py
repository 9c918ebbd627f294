"""SQLite's switch of a rebuild beside (projections/staged.py, ADR 055): the built tables are
copied into the store before the switch in short writes that commands get in between, renamed
in at the switch, and the replaced tables cleared after it; a staging killed in the middle
leaves nothing a rerun trips on, and what is switched in equals a build from nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from app.bootstrap import Zhucun, bootstrap
from app.store.clock import SettableClock
from projections import staged
from projections.staged import ALT, OLD, STAGED
from tests.builders import GROUP_A1, apply, cmd, hid, id_number
from tests.test_projections import populate


@pytest.fixture
def z(tmp_path: Any, clock: SettableClock) -> Iterator[Zhucun]:
    """A SQLite store with a few hundred households: the switch copies only on SQLite."""
    store = bootstrap(f"sqlite:///{tmp_path}/staged.db", clock)
    populate(store, households=150)
    store.projections.catch_up()
    yield store
    store.close()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 20 rows: many writes even for these few hundred households."""
    for name in ("FIRST_CHUNK", "MIN_CHUNK", "MAX_CHUNK"):
        monkeypatch.setattr(staged, name, 20)


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        return set(found.scalars())


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {n for n in found.scalars() if not n.startswith("sqlite_autoindex")}


def _steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float]]:
    """The start and end of every short write of the staging and the clearing, as taken."""
    steps: list[tuple[float, float]] = []
    real = staged.in_short_writes

    def timed(engine: Engine, writer: Any, step: Callable[[Connection, int], bool]) -> None:
        def one(conn: Connection, n: int) -> bool:
            start = time.monotonic()
            try:
                return step(conn, n)
            finally:
                steps.append((start, time.monotonic()))

        real(engine, writer, one)

    monkeypatch.setattr(staged, "in_short_writes", timed)
    return steps


def _household(z: Zhucun, i: int) -> None:
    apply(
        z,
        cmd(
            "register_household",
            on="2014-06-11",
            group=GROUP_A1,
            head_name=f"新户{i}",
            members=2,
            id_number=id_number(5000 + i),
            id=hid(50_000 + i),
        ),
    )


def test_commands_are_written_between_the_copy_s_writes_and_are_in_what_is_switched_in(
    z: Zhucun, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = _steps(monkeypatch)
    written: list[float] = []
    done = threading.Event()

    def commands() -> None:  # another thread of the process, as a server's would be
        i = 0
        while not done.is_set() and i < 200:
            _household(z, i)
            written.append(time.monotonic())
            i += 1

    before = z.projections.checksum()
    writer = threading.Thread(target=commands)
    writer.start()
    try:
        z.projections.rebuild()
    finally:
        done.set()
        writer.join()
    assert len(steps) > 50, "the copy was made in many short writes"
    first, last = steps[0][0], steps[-1][1]
    between = [t for t in written if first < t < last]
    assert between, "commands got in between the copy's writes"
    # Every command's household is in the read models switched in (the switch applies the
    # events recorded since the place stopped), as a build from nothing has it.
    assert z.projections.checksum() != before
    after = z.projections.checksum()
    z.projections.rebuild()
    assert z.projections.checksum() == after
    assert not {t for t in _tables(z.engine) if t.endswith((STAGED, OLD))}


def test_index_names_alternate_and_every_declared_index_is_there_once(z: Zhucun) -> None:
    declared = {
        str(ix.name)
        for m in z.projections.models
        for t in m.metadata.sorted_tables
        for ix in t.indexes
    }
    assert _indexes(z.engine) >= declared
    z.projections.rebuild()
    first = _indexes(z.engine)
    assert {n.removesuffix(ALT) for n in first} >= declared
    assert len(first) == len({n.removesuffix(ALT) for n in first})  # no index twice
    z.projections.rebuild()
    second = _indexes(z.engine)
    assert {n.removesuffix(ALT) for n in second} == {n.removesuffix(ALT) for n in first}
    moved = [n for n in declared if (n in first) != (n in second)]
    assert moved, "each rebuild names a rebuilt table's indexes the other way"


def test_no_figures_of_the_old_tables_are_left_under_the_names_of_the_new(z: Zhucun) -> None:
    """The store analysed by hand: SQLite keeps the figures by table name and a rename does
    not carry them, so those of the replaced tables are deleted, as their drop would."""
    with z.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        analysed = {t for (t,) in conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1")}
    built = {t.name for m in z.projections.models for t in m.metadata.sorted_tables}
    assert analysed & built
    z.projections.rebuild()
    with z.engine.connect() as conn:
        left = {t for (t,) in conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1")}
    assert not left & built and left  # the log's own figures are kept


def test_a_staging_killed_in_the_middle_is_cleared_and_a_rerun_switches_in(
    z: Zhucun, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = z.projections.checksum()
    real = staged._copy_rows
    copied = [0]

    def dies(*args: Any) -> None:
        copied[0] += 1
        if copied[0] == 3:
            raise KeyboardInterrupt  # as a process killed there
        real(*args)

    monkeypatch.setattr(staged, "_copy_rows", dies)
    with pytest.raises(KeyboardInterrupt):
        z.projections.rebuild()
    left = {t for t in _tables(z.engine) if t.endswith(STAGED)}
    assert left, "the killed staging left staged tables in the store"
    assert z.projections.checksum() == expected  # the live read models untouched
    monkeypatch.setattr(staged, "_copy_rows", real)
    z.projections.rebuild()
    assert not {t for t in _tables(z.engine) if t.endswith((STAGED, OLD))}
    assert z.projections.checksum() == expected


def test_old_tables_a_killed_clearing_left_are_cleared_by_the_next_rebuild(
    z: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = z.projections.checksum()
    monkeypatch.setattr(staged, "clear", lambda *args, **kwargs: None)
    z.projections.rebuild()
    old = {t for t in _tables(z.engine) if t.endswith(OLD)}
    assert old, "the switch renamed the live tables away"
    assert z.projections.checksum() == expected
    monkeypatch.undo()
    z.projections.rebuild()
    assert not {t for t in _tables(z.engine) if t.endswith((STAGED, OLD))}
    assert z.projections.checksum() == expected
