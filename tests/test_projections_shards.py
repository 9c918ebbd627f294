"""A rebuild shared among worker processes (projections/shards.py, ADR 050): on both engines,
two workers (coverage cut in two by scope) switch in the same read models as one process,
a worker killed with SIGKILL in the middle leaves a rebuild that the next run finishes to the
same checksum, and the plan deals whole models and coverage's parts evenly."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from app.bootstrap import Zhucun, bootstrap
from bench import harness
from projections.beside import place_of
from projections.shards import MAX_WORKERS, Sharded, WorkerFailed, plan
from tests.conftest import pg_url_for_new_schema
from tests.test_projections import populate

NAMES = [
    "network",
    "coverage",
    "teams",
    "audit_chain",
    "accounts",
    "audit_index",
    "ledger",
    "assessments",
    "search",
    "rectifications",
]


@pytest.fixture
def province(zhucun: Zhucun) -> Zhucun:
    """Six generated villages (bench/scale.py) and the households of tests/test_projections."""
    harness.load_province(zhucun.store, 6, 2014)
    populate(zhucun, households=60)
    return zhucun


def _coverage_rows_by_part(z: Zhucun) -> None:
    """Both parts of coverage have scopes of their own (else the test proves little)."""
    from sqlalchemy import select

    from projections.coverage.model import owns
    from projections.coverage.tables import rows

    with z.engine.connect() as conn:
        scopes = set(conn.execute(select(rows.c.scope).distinct()).scalars())
    assert {owns(s, 0, 2) for s in scopes} == {True, False}


def test_two_workers_switch_in_what_one_process_builds(province: Zhucun) -> None:
    z = province
    z.projections.rebuild()
    one = z.projections.checksum()
    _coverage_rows_by_part(z)
    read = z.projections.rebuild(workers=2, store=z.worker_opener(), coverage_parts=2)
    assert read >= z.store.max_position()
    assert z.projections.checksum() == one
    assert not z.projections.rebuilding()
    assert not place_of(z.engine, "__next1").exists()  # the worker's place is gone


def test_whole_models_alone_among_three_workers_give_the_same_read_models(
    province: Zhucun,
) -> None:
    z = province
    z.projections.rebuild()
    one = z.projections.checksum()
    z.projections.rebuild(workers=3, store=z.worker_opener(), coverage_parts=1)
    assert z.projections.checksum() == one


class KillOne(Sharded):
    """Kills worker 1 with SIGKILL once its place has committed a page."""

    def started(self, workers: list[Any]) -> None:
        victim = workers[1]
        place = place_of(self.live.engine, "__next1")

        def watch() -> None:
            from sqlalchemy import select

            from projections.tables import positions

            while victim.is_alive():
                with place.engine().connect() as conn:
                    at = conn.execute(
                        select(positions.c.position).where(positions.c.name == "coverage")
                    ).scalar()
                if at:
                    os.kill(victim.pid, signal.SIGKILL)
                    return
                time.sleep(0.01)

        threading.Thread(target=watch, daemon=True).start()


def killed(z: Zhucun, monkeypatch: pytest.MonkeyPatch) -> str:
    """The one-process checksum, after a 2-worker rebuild whose worker 1 was killed."""
    z.projections.rebuild()
    one = z.projections.checksum()
    z.projections.rebuild_batch_size = 50  # many pages: the worker is killed between two
    monkeypatch.setattr("projections.shards.Sharded", KillOne)
    with pytest.raises(WorkerFailed, match="signal 9"):
        z.projections.rebuild(workers=2, store=z.worker_opener(), coverage_parts=2)
    monkeypatch.undo()
    return one


def test_a_worker_killed_in_the_middle_resumes_to_the_same_checksum(
    province: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    z = province
    one = killed(z, monkeypatch)
    assert z.projections.checksum() == one  # the live read models untouched
    assert z.projections.rebuilding()
    z.projections.rebuild(workers=2, store=z.worker_opener(), coverage_parts=2)
    assert not z.projections.rebuilding()
    assert z.projections.checksum() == one


def test_a_killed_rebuild_run_again_with_other_workers_starts_again_and_leaves_no_place(
    province: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    z = province
    one = killed(z, monkeypatch)
    z.projections.rebuild(workers=3, store=z.worker_opener())  # another plan: its places made anew
    assert z.projections.checksum() == one
    assert not z.projections.rebuilding()
    assert not any(place_of(z.engine, f"__next{k}").exists() for k in range(1, MAX_WORKERS))


def test_the_plan_keeps_the_search_model_with_the_network_and_balances_two_workers() -> None:
    shares = plan(NAMES, 2)
    names = [[n for u in share for n in u.names] for share in shares]
    assert sorted(n for share in names for n in share).count("coverage") in (1, 2)
    together = next(share for share in names if "search" in share)
    assert "network" in together
    loads = [sum(u.weight for u in share) for share in shares]
    assert max(loads) / min(loads) < 1.3


@pytest.mark.parametrize("workers", [2, 3, MAX_WORKERS])
def test_coverage_parts_go_to_workers_of_their_own(workers: int) -> None:
    shares = plan(NAMES, workers, coverage_parts=workers)
    assert [sum(u.names == ("coverage",) for u in s) for s in shares] == [1] * workers


@pytest.mark.parametrize("value", ["0", "-1", "two", "2.5", "２", "02", str(MAX_WORKERS + 1)])
@pytest.mark.parametrize("command", ["rebuild", "run"])
def test_a_bad_number_of_workers_is_refused_in_both_languages_writing_nothing(
    zhucun: Zhucun, run: Any, command: str, value: str
) -> None:
    populate(zhucun, households=3)
    before = zhucun.projections.positions(), zhucun.store.max_position()
    result = run("projections", command, "--workers", value)
    assert result.exit_code == 2, result.output
    assert "工作进程数" in result.output and "worker processes" in result.output
    assert "'--workers'" in result.output
    assert (zhucun.projections.positions(), zhucun.store.max_position()) == before
    assert not place_of(zhucun.engine).exists()


def test_following_with_two_workers_is_refused_on_sqlite(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from app.cli.main import cli

    db = f"sqlite:///{tmp_path / 'one.db'}"
    assert CliRunner().invoke(cli, ["--db", db, "init"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--db", db, "projections", "run", "--workers", "2"])
    assert result.exit_code == 2
    assert "SQLite 同一时间只允许一个写入者" in result.output
    assert "SQLite lets one writer in at a time" in result.output


def test_the_command_line_rebuilds_with_two_workers_to_the_same_checksum(
    province: Zhucun, run: Any
) -> None:
    one = run("projections", "checksum").output
    result = run("projections", "rebuild", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "rebuilt:" in result.output
    assert run("projections", "checksum").output == one


@pytest.mark.postgres
def test_two_followers_keep_every_read_model_at_the_head_on_postgresql() -> None:
    z = bootstrap(pg_url_for_new_schema())
    stop = threading.Event()
    follower = threading.Thread(
        target=z.projections.follow, args=(stop,), kwargs={"workers": 2, "store": z.worker_opener()}
    )
    follower.start()
    try:
        # Written straight to the log (the bulk path), so that no query of this process
        # catches the read models up: the followers must.
        harness.load_province(z.store, 2, 2014)
        head = z.store.max_position()
        deadline = time.monotonic() + 120  # a bound on waiting, not a figure under test
        while min(z.projections.positions().values()) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        reached = z.projections.positions()
    finally:
        stop.set()
        follower.join()
    try:
        assert set(reached.values()) == {head}  # the followers, not a query, brought them
        followed = z.projections.checksum()
        z.projections.rebuild()
        assert z.projections.checksum() == followed
    finally:
        z.close()


def test_the_benchmark_prints_the_baseline_beside_both_rebuilds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench import shards as bench_shards

    assert bench_shards.main(["--villages", "1", "--repeat", "1", "--no-postgres"]) == 0
    out = capsys.readouterr().out
    assert "baseline (library read+decode, no writes)" in out
    assert "rebuild, 1 worker" in out and "rebuild, 2 workers" in out
    assert "same checksum every run: yes" in out and "load average" in out
