"""The follower of ``zhucun demo``'s second process (app/demo/follower.py, docs/adr/051): its
failures, a failing chunk, both engines and its end with the loading process. That a followed
load makes the same store as a load in one process is shown on the demo itself
(tests/test_demo.py, ``followed``)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.bootstrap import Zhucun, bootstrap
from app.cli.main import cli
from app.demo.follower import FollowerFailedError, _end_with_parent, following
from app.demo.load import _DemoUnitOfWork, load_demo
from app.demo.store import demo_position
from app.store.clock import SettableClock
from tests.builders import small_network
from tests.test_demo import NOW, SEED

pytestmark = pytest.mark.slow


def test_a_follower_that_cannot_follow_is_reported(tmp_path: Path):
    z = bootstrap(f"sqlite:///{tmp_path}/z.db", SettableClock(NOW))
    try:
        with following(z, 100) as follower:
            follower.process.kill()  # it dies before the log is taken in
            small_network(z)  # written, not taken in by any read model
            assert min(z.projections.positions().values()) < z.store.max_position()
            with pytest.raises(FollowerFailedError, match="stopped"):
                follower.wait_for(z)
    finally:
        z.close()


def test_a_chunk_that_fails_leaves_the_marker_at_the_logs_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker moves ahead of each chunk (so that the follower's page does not hold it
    up); a chunk that fails is marked back, so nothing written later counts as the demo's."""
    commits = {"n": 0}
    commit = _DemoUnitOfWork.commit

    def fails_second(self: _DemoUnitOfWork, bulk: bool = False) -> int:
        commits["n"] += 1
        if commits["n"] == 2:
            raise OSError("disk full")
        return commit(self, bulk)

    monkeypatch.setattr(_DemoUnitOfWork, "commit", fails_second)
    z = bootstrap(f"sqlite:///{tmp_path}/z.db", SettableClock(NOW))
    try:
        with pytest.raises(OSError, match="disk full"):
            load_demo(z, SEED, catch_up=False)
        head = z.store.max_position()
        assert head > 0 and demo_position(z) == head
    finally:
        z.close()


def test_the_follower_takes_in_what_is_written_on_both_engines(zhucun: Zhucun) -> None:
    """The follower is ``zhucun projections run`` on the store's own address: on SQLite it
    polls, on PostgreSQL it wakes on the library's subscription."""
    with following(zhucun, 100) as follower:
        small_network(zhucun)  # written, and left to the follower
        head = zhucun.store.max_position()
        follower.wait_for(zhucun)
        assert follower.process.poll() is None, "it goes on following"
        assert set(zhucun.projections.positions().values()) == {head}
    assert follower.process.returncode is not None  # stopped with the block


GET_DEATH_SIGNAL = """
import ctypes
found = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(found))  # PR_GET_PDEATHSIG
print(found.value)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the parent's death signal is Linux's")
def test_the_follower_is_told_to_end_with_the_loading_process() -> None:
    """A follower whose loading process was killed (``kill -9``: no ``finally`` runs there)
    gets a SIGTERM from the kernel, set before it starts."""
    plain = subprocess.run([sys.executable, "-c", GET_DEATH_SIGNAL], capture_output=True)
    told = subprocess.run(
        [sys.executable, "-c", GET_DEATH_SIGNAL], capture_output=True, preexec_fn=_end_with_parent
    )
    assert int(plain.stdout) == 0
    assert int(told.stdout) == signal.SIGTERM


@pytest.mark.parametrize("value", ["0", "3", "two", "1.5", "２"])
def test_a_bad_number_of_processes_is_refused_in_both_languages_writing_nothing(
    tmp_path: Path, value: str
) -> None:
    store = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{store}", "demo", "--processes", value])
    assert result.exit_code == 2, result.output
    assert "载入进程数" in result.output and "processes loading the demo" in result.output
    assert "'--processes'" in result.output
    assert not store.exists()
