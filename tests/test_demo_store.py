"""The demo never wipes what a user recorded: ``demo --reset`` empties a store only when the
demo wrote everything in it (logins and recorded reads aside), and ``make demo`` keeps the
demo in var/demo.db, away from the default store."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.accounts import Accounts
from app.audit.access import record_personal_data_view
from app.bootstrap import Zhucun, bootstrap
from app.cli.faults import StoreNotFoundError, check_store
from app.cli.main import cli
from app.demo.store import (
    StoreHoldsUserDataError,
    check_demo_only,
    mark_demo,
    wipe,
    written_by_others,
)
from domain.account_errors import LoginFailedError
from tests.builders import CITY, answer, cmd, open_unit, small_network
from tests.web.builders import FAST_HASHER, PASSWORD

ROOT = Path(__file__).resolve().parent.parent
USER_LINE = json.dumps(
    cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city", actor="王用户"),
    ensure_ascii=False,
)


def run(db: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=stdin)


def test_demo_reset_refuses_a_store_holding_a_users_event_and_keeps_it(db_url: str) -> None:
    assert run(db_url, "init").exit_code == 0
    assert run(db_url, "apply", "-", stdin=USER_LINE + "\n").exit_code == 0
    r = run(db_url, "demo", "--reset")
    assert r.exit_code == 1, r.output
    assert "条不是演示数据写入的事件" in r.output and "the demo did not write" in r.output
    assert "Traceback" not in r.output
    kept = run(db_url, "history", "--unit", CITY, "--json")
    assert kept.exit_code == 0, kept.output
    (event,) = answer(kept.stdout)
    assert event["actor"] == "王用户"


def test_a_store_the_demo_marked_may_be_reset_after_logins_and_reads_only(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    accounts = Accounts(zhucun, hasher=FAST_HASHER)
    accounts.add("demo.admin", "city_admin", CITY, PASSWORD, actor="demo")
    mark_demo(zhucun, 2014)  # what the demo wrote ends here
    accounts.login("demo.admin", PASSWORD, "127.0.0.1")
    with pytest.raises(LoginFailedError):
        accounts.login("demo.admin", "wrong password", "127.0.0.1")
    record_personal_data_view(zhucun, "web:demo.admin", "city_admin", None, entries=3)
    assert written_by_others(zhucun) == (0, None)
    check_demo_only(zhucun, "here")  # not refused


def test_a_store_the_demo_marked_is_kept_once_a_user_recorded_in_it(zhucun: Zhucun) -> None:
    small_network(zhucun)
    mark_demo(zhucun, 2014)
    head = zhucun.store.max_position()
    zhucun.apply_text(
        json.dumps(
            open_unit("210522", "桓仁", "county", CITY),
            ensure_ascii=False,
        )
    )
    assert written_by_others(zhucun) == (1, head + 1)
    with pytest.raises(StoreHoldsUserDataError) as refused:
        check_demo_only(zhucun, "here")
    assert refused.value.field == "db" and "the demo did not write" in refused.value.en


def test_a_store_the_demo_never_marked_is_kept_whatever_it_holds(zhucun: Zhucun) -> None:
    small_network(zhucun)
    count, first = written_by_others(zhucun)
    assert count == zhucun.store.max_position() and first == 1


def test_wiping_a_demo_store_leaves_no_store(db_url: str) -> None:
    z = bootstrap(db_url)
    small_network(z)
    z.attach_file("演示证据".encode())  # an evidence file goes with the store
    mark_demo(z, 2014)
    config = z.config
    check_demo_only(z, "here")
    wipe(z)
    z.close()
    with pytest.raises(StoreNotFoundError):
        check_store(config, create=False)


def _makefile_demo_commands() -> list[list[str]]:
    """The zhucun command lines `make demo` runs, as the Makefile has them."""
    made = subprocess.run(
        ["make", "-n", "-s", "demo", "BIN=zhucun-bin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = [shlex.split(line) for line in made.stdout.splitlines()]
    return [c[1:] for c in commands if c and c[0] == "zhucun-bin/zhucun"]


def test_make_demo_keeps_the_demo_in_its_own_store() -> None:
    load, serve = _makefile_demo_commands()
    assert load == ["--db", "sqlite:///var/demo.db", "demo", "--reset"]
    assert serve[:3] == ["--db", "sqlite:///var/demo.db", "serve"]


@pytest.mark.slow
def test_make_demo_twice_keeps_a_users_data_in_the_default_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_store: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZHUCUN_DATABASE_URL", raising=False)
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0  # var/zhucun.db, the default
    assert CliRunner().invoke(cli, ["apply", "-"], input=USER_LINE + "\n").exit_code == 0
    # What a first `make demo` leaves: a store `zhucun demo` loaded and marked as the demo's.
    shutil.copyfile(demo_store, tmp_path / "var" / "demo.db")
    load, _ = _makefile_demo_commands()
    r = CliRunner().invoke(cli, load)  # the second run reloads the demo's own store only
    assert r.exit_code == 0, r.output
    kept = CliRunner().invoke(cli, ["history", "--unit", CITY, "--json"])
    assert kept.exit_code == 0, kept.output
    assert [e["actor"] for e in answer(kept.stdout)] == ["王用户"]
    demo = CliRunner().invoke(cli, ["--db", "sqlite:///var/demo.db", "summary", "--unit", CITY])
    assert demo.exit_code == 0 and "贫困村" in demo.output


def _make_n(target: str, venv: Path) -> list[str]:
    made = subprocess.run(
        ["make", "-n", "-s", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.splitlines()


def test_make_demo_installs_the_runtime_without_the_test_tools(tmp_path: Path) -> None:
    fresh = tmp_path / "venv"  # no stamp yet: what a fresh clone runs
    demo = _make_n("demo", fresh)
    installs = [line for line in demo if "pip install" in line]
    assert installs == [f"{fresh}/bin/python -m pip install --quiet -e ."]
    assert not any(".[dev]" in line for line in demo)
    for target in ("demo-serve", "serve"):
        assert not any(".[dev]" in line for line in _make_n(target, fresh))
    assert any('install --quiet -e ".[dev]"' in line for line in _make_n("test", fresh))
