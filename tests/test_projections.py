"""Read models are disposable: rebuilt after being killed at any moment, they come out the
same; a follower keeps them current when others write."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import Engine, event

from app.bootstrap import Zhucun, bootstrap
from app.store.uow import UnitOfWork
from projections.beside import Beside
from projections.staged import ALT
from tests.builders import GROUP_A1, GROUP_A2, GROUP_B1, apply, cmd, hid, id_number, small_network

ZHUCUN = [sys.executable, "-m", "app.cli"]


def populate(z: Zhucun, households: int = 400) -> None:
    net = small_network(z)
    groups = [GROUP_A1, GROUP_A2, GROUP_B1]
    lines = []
    for i in range(households):
        lines.append(
            cmd(
                "register_household",
                on="2014-06-10",
                group=groups[i % 3],
                head_name=f"户{i}",
                members=3,
                id_number=id_number(500 + i),
                id=hid(1000 + i),
            )
        )
        if i % 3 != 2:  # households of village A are linked, in two rounds
            lines.append(
                cmd(
                    "link_household",
                    on=f"2014-0{7 + i % 2}-01",
                    household=hid(1000 + i),
                    central_household=net.central_household,
                )
            )
    apply(z, *lines)
    apply(
        z,
        cmd(
            "party_member_transferred_out",
            on="2015-03-01",
            party_member=net.member,
            destination="沈阳",
        ),
    )


def run_cli(db_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [*ZHUCUN, "--db", db_url, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.slow
def test_a_rebuild_killed_at_random_moments_resumes_to_the_same_read_model(db_url, clock):
    z = bootstrap(db_url, clock)
    try:
        populate(z, households=1200)
        expected = z.projections.checksum()
        assert z.gaps("210500")  # there is something to compare
        small_pages = {"ZHUCUN_PROJECTION_BATCH": "25"}
        rng = random.Random(7)
        kills = 0
        for _ in range(4):
            proc = subprocess.Popen(
                [*ZHUCUN, "--db", db_url, "projections", "rebuild"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **small_pages},
            )
            # Wait until the rebuild is under way, then kill it at a random moment.
            deadline = time.monotonic() + 30
            while proc.poll() is None and time.monotonic() < deadline:
                if z.projections.rebuilding() and any(z.projections.positions().values()):
                    break
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.4))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
            assert z.projections.rebuilding() or proc.returncode == 0
        assert kills >= 3, "the rebuild finished too fast to be interrupted"
    finally:
        z.close()
    run_cli(db_url, "projections", "rebuild", env=small_pages)
    assert run_cli(db_url, "projections", "checksum") == expected
    # and a clean rebuild from nothing gives the same read model again
    run_cli(db_url, "projections", "rebuild")
    assert run_cli(db_url, "projections", "checksum") == expected


def test_status_reports_how_far_behind_each_read_model_is(zhucun, db_url):
    small_network(zhucun)
    zhucun.projections.catch_up()
    uow = UnitOfWork(zhucun.store)  # written behind the read models' back
    zhucun.run_in(uow, [(1, _line("rename_unit", unit="210521100201", name="新甲村"))])
    uow.commit()
    out = run_cli(db_url, "projections", "status", "--json")
    import json

    data = json.loads(out)
    assert data["read_models"]["coverage"]["behind"] == 1
    assert data["read_models"]["network"]["behind"] == 1


def _line(command: str, **args: object):
    from app.commands import parse_command_line

    return parse_command_line(cmd(command, **args))


@pytest.mark.slow
def test_the_follower_keeps_read_models_current_when_others_write(zhucun, db_url, tmp_path):
    small_network(zhucun)
    follower = subprocess.Popen(
        [*ZHUCUN, "--db", db_url, "projections", "run", "--poll", "0.2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(1.5)
        uow = UnitOfWork(zhucun.store)
        zhucun.run_in(uow, [(1, _line("open_site", unit="210521100201", kind="station"))])
        uow.commit()  # no catch-up here: only the follower can bring the read models along
        head = zhucun.store.max_position()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if min(zhucun.projections.positions().values()) == head:
                break
            time.sleep(0.1)
        assert min(zhucun.projections.positions().values()) == head
    finally:
        follower.send_signal(signal.SIGTERM)
        _, err = follower.communicate(timeout=20)
    assert follower.returncode == 0, err
    assert b"stopped" in err


def test_rebuilding_one_read_model_leaves_the_others_where_they_are(zhucun):
    small_network(zhucun)
    before = zhucun.projections.checksum()
    head = zhucun.store.max_position()
    models = zhucun.projections.models
    try:
        zhucun.projections.models = [m for m in models if m.name == "coverage"]
        zhucun.projections.rebuild()
    finally:
        zhucun.projections.models = models
    assert set(zhucun.projections.positions().values()) == {head}
    zhucun.projections.catch_up()  # nothing to apply twice
    assert zhucun.projections.checksum() == before


def test_a_command_leaves_the_read_models_to_the_next_query_which_sees_it(zhucun):
    small_network(zhucun)
    zhucun.projections.catch_up()
    apply(zhucun, cmd("rename_unit", unit="210521100201", name="新甲村"))
    head = zhucun.store.max_position()
    assert max(zhucun.projections.positions().values()) < head  # nothing done per command
    assert zhucun.gaps("210521100201") is not None  # the query caught up first ...
    assert min(zhucun.projections.positions().values()) == head
    assert zhucun.summary("210521100201")["name"] == "新甲村"  # ... and sees the write


def test_a_query_on_read_models_at_the_head_of_the_log_takes_one_connection(zhucun):
    small_network(zhucun)
    zhucun.gaps("210521100201")  # caught up
    checkouts: list[object] = []

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(zhucun.engine, "checkout", count)
    try:
        assert zhucun.gaps("210521100201") is not None
        assert len(checkouts) == 1  # the positions checked on the connection the query uses
        apply(zhucun, cmd("rename_unit", unit="210521100201", name="新甲村"))
        checkouts.clear()
        assert zhucun.summary("210521100201")["name"] == "新甲村"  # behind: caught up first
        assert len(checkouts) > 1
    finally:
        event.remove(zhucun.engine, "checkout", count)


def test_inside_one_look_the_reads_after_the_first_do_not_look_at_the_log_again(zhucun):
    small_network(zhucun)
    zhucun.projections.catch_up()
    looks: list[int] = []
    real = zhucun.projections._head

    def counted(conn):
        looks.append(1)
        return real(conn)

    zhucun.projections._head = counted
    try:
        with zhucun.projections.one_look():
            zhucun.gaps("210521100201")
            zhucun.summary("210521100201")
            head = zhucun.projections.head()
            assert len(looks) == 1  # one look at the head, for three reads
            assert head == zhucun.store.max_position()
            apply(zhucun, cmd("rename_unit", unit="210521100201", name="新甲村"))
            # Its own write ends the look: the next read catches up and sees it.
            assert zhucun.summary("210521100201")["name"] == "新甲村"
            assert zhucun.projections.head() == zhucun.store.max_position() > head
        looks.clear()
        zhucun.summary("210521100201")
        zhucun.summary("210521100201")
        assert len(looks) == 2  # outside a look, every read looks
    finally:
        del zhucun.projections._head


def test_a_look_does_not_hide_what_another_process_wrote_from_the_next_look(zhucun, db_url):
    small_network(zhucun)
    with zhucun.projections.one_look():
        before = zhucun.summary("210521100201")["name"]
    other = bootstrap(db_url)
    try:
        apply(other, cmd("rename_unit", unit="210521100201", name="新甲村"))
    finally:
        other.close()
    with zhucun.projections.one_look():
        assert zhucun.summary("210521100201")["name"] == "新甲村" != before


@pytest.mark.postgres
def test_a_rebuild_on_postgresql_leaves_fresh_planner_statistics(db_url):
    """Without them the planner takes the freshly filled tables for nearly empty ones."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's planner statistics")
    z = bootstrap(db_url)
    try:
        small_network(z)
        z.projections.rebuild()
        with z.engine.connect() as conn:
            # reltuples is -1 until a table is first analysed (or vacuumed).
            analysed = dict(
                conn.exec_driver_sql(
                    "SELECT c.relname, c.reltuples >= 0 FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                    "AND c.relkind = 'r'"
                ).all()
            )
        tables = [t.name for m in z.projections.models for t in m.metadata.sorted_tables]
        assert tables and all(analysed.get(t) for t in tables), analysed
    finally:
        z.close()


def test_a_long_catch_up_refreshes_the_planner_statistics_as_the_tables_grow(zhucun, monkeypatch):
    """Each time the events applied have grown REFRESH_GROWTH times, and once at the end: a
    rebuild's own lookups are not planned on the statistics of empty tables."""
    from projections import runner
    from projections.runner import Projections

    populate(zhucun, households=150)
    head = zhucun.store.max_position()
    monkeypatch.setattr(runner, "REFRESH_AFTER", 20)
    monkeypatch.setattr(runner, "REBUILD_PAGE", 10)
    zhucun.projections.rebuild_batch_size = 10
    applied: list[int] = []
    # The rebuild's own catch-up, of the tables built beside (projections/beside.py).
    monkeypatch.setattr(
        Projections, "refresh_statistics", lambda self: applied.append(self.position("network"))
    )
    zhucun.projections.rebuild()
    expected, at = [], 20
    while at < head:
        expected.append(at)
        at *= runner.REFRESH_GROWTH
    assert applied == [*expected, head]


def _index_names(engine: Engine) -> set[str]:
    """Every index of the store (or of a build beside it: its connections see its own first),
    from the engine's own catalogue: SQLAlchemy's inspector leaves out expression indexes on
    SQLite."""
    if engine.dialect.name == "sqlite":
        catalogue = "SELECT name FROM main.sqlite_master WHERE type = 'index'"
    else:
        catalogue = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    with engine.connect() as conn:
        # An index switched in on SQLite may carry its other name (projections/staged.py).
        return {n.removesuffix(ALT) for n in conn.exec_driver_sql(catalogue).scalars()}


def _declared_index_names(z: Zhucun) -> set[str]:
    return {
        str(ix.name)
        for model in z.projections.models
        for table in model.metadata.sorted_tables
        for ix in table.indexes
    }


def test_a_rebuild_builds_the_query_only_indexes_at_the_end_even_after_an_interruption(
    zhucun: Zhucun,
) -> None:
    populate(zhucun, households=120)
    expected = zhucun.projections.checksum()
    head = zhucun.store.max_position()
    deferred = {
        str(ix.name) for m in zhucun.projections.models for ix in getattr(m, "deferred_indexes", ())
    }
    assert "ix_cov_rows_subject" in deferred and "ix_rm_households_village_code" in deferred
    assert _index_names(zhucun.engine) >= _declared_index_names(zhucun)

    # A rebuild that dies after its first page of 50 events: no query-only index yet in the
    # tables built beside, and the live ones untouched.
    def die(_: int) -> None:
        raise KeyboardInterrupt

    zhucun.projections.rebuild_batch_size = 50
    with pytest.raises(KeyboardInterrupt):
        zhucun.projections.rebuild(progress=die)
    assert zhucun.projections.rebuilding()
    assert zhucun.projections.rebuilt_to() == 50
    place = Beside(zhucun.projections).place
    try:
        built = _index_names(place.engine())
    finally:
        place.dispose()
    assert "ix_cov_rows_scope_kind_lasting" in built and not built & deferred
    assert set(zhucun.projections.positions().values()) == {head}
    assert _index_names(zhucun.engine) >= _declared_index_names(zhucun)
    assert zhucun.projections.checksum() == expected

    # Run again, it resumes, builds them, switches in, and the read models are what they were.
    assert zhucun.projections.rebuild() == head - 50
    assert not zhucun.projections.rebuilding()
    assert _index_names(zhucun.engine) >= _declared_index_names(zhucun)
    assert zhucun.projections.checksum() == expected


def test_a_catch_up_reads_its_page_before_the_writers_turn(zhucun, monkeypatch):
    """The page is read and decoded before the turn to write is taken, so that another
    process writes meanwhile; and read once: the positions locked then start where it does."""
    populate(zhucun, households=30)
    head = zhucun.store.max_position()
    writer = zhucun.projections.writer
    real = zhucun.projections.log.read_log
    reads: list[tuple[int, int]] = []

    def read_log(after: int, limit: int, upto: int | None = None) -> list:
        reads.append((after, writer.depth if writer is not None else 0))
        return real(after, limit, upto)

    monkeypatch.setattr(zhucun.projections.log, "read_log", read_log)
    assert zhucun.projections.catch_up() == head
    assert reads == [(0, 0)]  # once, from the start, the writer's turn not held
    assert set(zhucun.projections.positions().values()) == {head}


def test_a_page_read_ahead_is_not_applied_when_another_process_took_it_meanwhile(
    zhucun, db_url, monkeypatch
):
    populate(zhucun, households=30)
    head = zhucun.store.max_position()
    other = bootstrap(db_url)
    real = zhucun.projections.log.read_log
    reads: list[int] = []

    def read_log(after: int, limit: int, upto: int | None = None) -> list:
        if not reads:
            other.projections.catch_up()  # another process applies the page meanwhile
        reads.append(after)
        return real(after, limit, upto)

    monkeypatch.setattr(zhucun.projections.log, "read_log", read_log)
    try:
        assert zhucun.projections.catch_up() == 0  # nothing applied twice
        assert reads == [0, head]  # the page read again from where the positions are
        kept = zhucun.projections.checksum()
        zhucun.projections.rebuild()
        assert zhucun.projections.checksum() == kept
    finally:
        other.close()
