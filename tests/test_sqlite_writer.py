"""The turn to write to a SQLite file is taken across processes too (projections.runner
``SqliteWriter``): a second process waits on the kernel's lock of a file beside the store
until the first lets go, instead of polling SQLite's lock."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from projections.runner import SqliteWriter, sqlite_writer, writing


def _hold(database: str, held: multiprocessing.synchronize.Event, seconds: float) -> None:
    writer = SqliteWriter(database)
    with writer:
        held.set()
        time.sleep(seconds)


def test_another_process_waits_for_the_writer_to_let_go(tmp_path: Path):
    database = str(tmp_path / "store.db")
    context = multiprocessing.get_context("fork")
    held = context.Event()
    other = context.Process(target=_hold, args=(database, held, 0.5))
    other.start()
    try:
        assert held.wait(30)
        started = time.monotonic()
        with writing(SqliteWriter(database)):
            waited = time.monotonic() - started
        assert waited >= 0.3  # it got its turn only when the other process let go
    finally:
        other.join(30)
    assert other.exitcode == 0


def test_the_turn_is_reentrant_in_a_thread_and_let_go_at_the_outermost(tmp_path: Path):
    database = str(tmp_path / "store.db")
    writer = sqlite_writer(database)
    assert writer is not None and writer is sqlite_writer(database)
    with writing(writer), writing(writer):
        assert writer.depth == 2
    assert writer.depth == 0
    context = multiprocessing.get_context("fork")
    held = context.Event()
    other = context.Process(target=_hold, args=(database, held, 0.0))
    other.start()
    other.join(30)
    assert held.is_set() and other.exitcode == 0  # nothing left held


def test_no_lock_file_where_none_can_be_made_still_takes_the_threads_turn(tmp_path: Path):
    writer = SqliteWriter(str(tmp_path / "missing-directory" / "store.db"))
    with writer:
        assert writer.depth == 1 and writer.fd is None
    assert writer.depth == 0
