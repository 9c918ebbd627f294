"""Read models built beside the live ones (projections/beside.py, ADR 048): a query made
while a new version or a rebuild is being built answers from the old tables until the switch
and from the new after it, never with an error or an empty answer; a build killed in the
middle resumes; what is switched in equals a build from nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, func, insert, inspect, select

from app.bootstrap import Zhucun
from projections import beside
from projections.runner import Projections
from projections.staged import ALT
from projections.tables import households
from tests.builders import CITY, VILLAGE_A, apply, cmd, small_network
from tests.test_projection_faults import Picky
from tests.test_projections import populate


class Doubled:
    """A read model whose version says what it stores: each event's position times the
    version. ``fail_at``: the number of pages after which it fails, as a process killed
    in the middle of its build would."""

    name = "doubled"
    metadata = MetaData()
    rows = Table(
        "t_doubled", metadata, Column("position", Integer, primary_key=True), Column("v", Integer)
    )

    def __init__(self, version: int, pause: float = 0.0, fail_at: int | None = None) -> None:
        self.version = version
        self.pause = pause
        self.fail_at = fail_at
        self.pages = 0

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        self.pages += 1
        if self.fail_at is not None and self.pages > self.fail_at:
            raise KeyboardInterrupt
        values = [{"position": e.position, "v": e.position * self.version} for e in page]
        conn.execute(insert(self.rows), values)
        time.sleep(self.pause)  # a build long enough for many queries to be made during it

    def reset(self) -> None:
        """Nothing is kept in memory."""


def doubled(p: Projections) -> tuple[int, int]:
    """The model's rows as a query sees them: how many, and their sum."""
    with p.reading() as conn:
        rows = Doubled.rows
        count, total = conn.execute(select(func.count(), func.sum(rows.c.v))).one()
    return int(count), int(total or 0)


@dataclass
class Asked:
    answers: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    longest: float = 0.0  # seconds the slowest answer took


@contextmanager
def asking(ask: Callable[[], Any]) -> Iterator[Asked]:
    """``ask`` called again and again in a thread of its own while the block runs."""
    asked, stop = Asked(), threading.Event()

    def loop() -> None:
        while not stop.is_set():
            start = time.monotonic()
            try:
                asked.answers.append(ask())
            except Exception as e:
                asked.errors.append(e)
            asked.longest = max(asked.longest, time.monotonic() - start)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield asked
    finally:
        time.sleep(0.2)  # and a little after it
        stop.set()
        thread.join(timeout=60)


def figures(z: Zhucun) -> tuple[Any, ...]:
    """What the queries answer: a village's and the city's figures, and the households."""
    with z.projections.reading() as conn:
        count = conn.execute(select(func.count()).select_from(households)).scalar()
    return (z.summary(VILLAGE_A), z.coverage(CITY), count)


def from_nothing(p: Projections) -> tuple[dict[str, int], str]:
    """The positions and checksum of the same read models built again from nothing, in
    place (the tables dropped first)."""
    p.drop_tables()
    p.create_tables()
    p.catch_up()
    return p.positions(), p.checksum()


def test_queries_answer_from_the_old_version_until_the_new_one_is_switched_in(
    zhucun: Zhucun,
) -> None:
    populate(zhucun, households=150)
    head = zhucun.store.max_position()
    old = Projections(zhucun.engine, zhucun.store, [Doubled(1)])
    old.create_tables()
    before = doubled(old)
    assert before[0] == head
    figured = figures(zhucun)

    new = Projections(zhucun.engine, zhucun.store, [Doubled(2, pause=0.05)])
    new.rebuild_batch_size = 20
    with asking(lambda: (doubled(old), figures(zhucun))) as asked:
        new.create_tables()  # the new version built beside, this process waiting for it
    assert not asked.errors, asked.errors
    seen = [a for a, _ in asked.answers]
    after = (head, 2 * before[1])
    switched = seen.index(after)
    assert switched > 3  # answers all the while the new version was built ...
    assert set(seen[:switched]) == {before} and set(seen[switched:]) == {after}  # ... old, new
    assert all(f == figured for _, f in asked.answers)
    assert new.positions() == {"doubled": head}
    assert not new.rebuilding()
    checksum = new.checksum()
    assert from_nothing(new) == ({"doubled": head}, checksum)


def test_a_version_built_beside_and_killed_in_the_middle_resumes(zhucun: Zhucun) -> None:
    populate(zhucun, households=60)
    head = zhucun.store.max_position()
    old = Projections(zhucun.engine, zhucun.store, [Doubled(1)])
    old.create_tables()
    before = doubled(old)

    killed = Projections(zhucun.engine, zhucun.store, [Doubled(2, fail_at=3)])
    killed.rebuild_batch_size = 20
    with pytest.raises(KeyboardInterrupt):
        killed.create_tables()
    assert killed.rebuilt_to() == 60  # three pages committed beside
    assert doubled(old) == before  # the old version untouched, and answering

    again = Projections(zhucun.engine, zhucun.store, [Doubled(2)])
    again.rebuild_batch_size = 20
    again.create_tables()
    assert doubled(again) == (head, 2 * before[1])
    assert not again.rebuilding()
    checksum = again.checksum()
    assert from_nothing(again) == ({"doubled": head}, checksum)


def test_queries_answer_throughout_a_rebuild_and_see_what_was_written_during_it(
    zhucun: Zhucun,
) -> None:
    populate(zhucun, households=150)
    figured = figures(zhucun)
    checksum = zhucun.projections.checksum()
    written: list[int] = []

    def write_once(_: int) -> None:
        """A command of another user during the build: it reaches the rebuilt read models
        by the switch's last events, and the live ones by the next query."""
        if not written:
            apply(zhucun, cmd("rename_unit", unit=VILLAGE_A, name="新甲村"))
            written.append(zhucun.store.max_position())

    zhucun.projections.rebuild_batch_size = 50
    with asking(lambda: figures(zhucun)) as asked:
        zhucun.projections.rebuild(progress=write_once)
    assert not asked.errors, asked.errors
    renamed = {**figured[0], "name": "新甲村"}
    assert len(asked.answers) > 5
    assert all(f[0] in (figured[0], renamed) and f[1:] == figured[1:] for f in asked.answers)
    assert figures(zhucun)[0]["name"] == "新甲村"
    head = zhucun.store.max_position()
    assert written == [head]
    assert set(zhucun.projections.positions().values()) == {head}
    rebuilt = zhucun.projections.checksum()
    assert rebuilt != checksum  # the rename is in it
    positions, again = from_nothing(zhucun.projections)
    assert again == rebuilt and set(positions.values()) == {head}


def test_an_event_the_built_model_cannot_apply_at_the_switch_stops_it_there(
    zhucun: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded after the build caught up, the event comes with the switch's last events: the
    switch is given up, the build's catch-up finds the event, and the model is switched in
    stopped before it (docs/projections.md, "A read model that cannot apply an event")."""
    small_network(zhucun)
    picky = Projections(zhucun.engine, zhucun.store, [Picky(1)])
    picky.create_tables()
    picky.catch_up()
    written: list[int] = []

    def write_once(builder: Projections) -> None:  # once the build has caught up
        if not written:
            apply(zhucun, cmd("rename_unit", on="2016-12-30", unit=CITY, name="本溪"))
            written.append(zhucun.store.max_position())

    monkeypatch.setattr(Projections, "refresh_statistics", write_once)
    picky.rebuild()
    head = zhucun.store.max_position()
    assert written == [head]
    assert picky.faults()["picky"]["position"] == head
    assert picky.position("picky") == head - 1
    assert not picky.rebuilding()


@pytest.mark.parametrize("alone", ["network", "audit_index"])
def test_a_model_rebuilt_alone_keeps_the_indexes_another_model_has_on_its_tables(
    zhucun: Zhucun, alone: str
) -> None:
    """The audit index keeps indexes on the network's tables (the names a person is looked up
    by): the network's tables built beside come with them, and the audit index built alone
    leaves them to the live tables it does not build."""
    small_network(zhucun)
    p = zhucun.projections
    p.catch_up()
    everyone = p.models
    p.models = [m for m in everyone if m.name == alone]
    try:
        p.rebuild()
    finally:
        p.models = everyone
    with zhucun.engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes(households.name)}
    # On SQLite an index switched in may carry its other name (projections/staged.py).
    assert {"ix_rm_households_head_name", "ix_rm_households_head_name" + ALT} & names


def test_a_switch_that_finds_no_moment_is_a_named_refusal_and_a_rerun_resumes(
    zhucun: Zhucun, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each try of the switch given up (a transaction holding the live read models longer
    than the wait): the rebuild stops with a named error in both languages, exit code 1, the
    built place kept; run again, it resumes and switches in."""
    small_network(zhucun)
    zhucun.projections.catch_up()
    monkeypatch.setattr(beside, "TRIES", 2)
    monkeypatch.setattr(beside.Beside, "switch", lambda self, builder, models: None)
    monkeypatch.setattr(beside.Beside, "switch_staged", lambda self, builder, models: None)
    given_up = run("projections", "rebuild")
    assert given_up.exit_code == 1, given_up.output
    assert "switch_not_possible [rebuild]" in given_up.output
    assert "2 次尝试中都未能换入" in given_up.output and "after 2 tries" in given_up.output
    assert zhucun.projections.rebuilding()
    monkeypatch.undo()
    again = run("projections", "rebuild")
    assert again.exit_code == 0 and "resumed and finished" in again.output, again.output
    assert not zhucun.projections.rebuilding()
