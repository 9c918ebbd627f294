"""A read model that cannot apply an event stops at it, says so, and holds nobody back: the
other read models and the log stay usable, queries answer, and the fix is a new version of the
model, not an edit of the log. The poison event is written past the commands' checks, as an
older program (or a bug) could have. Both engines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from click.testing import CliRunner
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.cli.main import cli
from app.store.uow import UnitOfWork
from domain.base import Meta
from domain.households import Household
from domain.units import Unit, unit_id
from projections.runner import Projections
from tests.builders import CITY, GROUP_A1, VILLAGE_A, apply, cmd, id_number, small_network
from tests.web.builders import ACCOUNTS, FAST_HASHER, PASSWORD
from tests.web.conftest import login, make_app


def poison(z: Zhucun) -> int:
    """A household of 2**63 members, written straight to the log: no column holds it."""
    uow = UnitOfWork(z.store)
    meta = Meta("old.program", "operator", z.today(), "imported", z.clock.now())
    group = uow.get(Unit, unit_id(GROUP_A1), lambda: AssertionError("no group"))
    uow.add(Household.register(uuid4(), group, "王", 2**63, id_number(99), meta))
    uow.commit()
    return z.store.max_position()


def test_an_event_a_read_model_cannot_hold_stops_that_model_only(zhucun: Zhucun) -> None:
    small_network(zhucun)
    at = poison(zhucun)
    apply(zhucun, cmd("rename_unit", on="2016-12-30", unit=CITY, name="本溪"))
    head = zhucun.store.max_position()

    summary = zhucun.summary(CITY)  # answers, from what the model held before the event
    assert summary is not None
    stopped = zhucun.projections.faults()
    assert list(stopped) == ["network"]
    assert stopped["network"]["position"] == at and stopped["network"]["error"]
    positions = zhucun.projections.positions()
    assert positions["network"] == at - 1, "stopped just before the event"
    assert all(p == head for name, p in positions.items() if name != "network")
    assert zhucun.coverage(CITY) is not None and zhucun.gaps(CITY) is not None
    assert len(zhucun.history_of_unit(CITY)) >= 2  # the log reads as ever


def test_projections_status_reports_the_stopped_model_with_its_error(
    zhucun: Zhucun, db_url: str
) -> None:
    small_network(zhucun)
    at = poison(zhucun)
    zhucun.summary(CITY)
    result = CliRunner().invoke(cli, ["--db", db_url, "projections", "status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    network = status["read_models"]["network"]
    assert network["stopped_at"] == at and network["error"]
    assert status["read_models"]["coverage"]["stopped_at"] is None
    text = CliRunner().invoke(cli, ["--db", db_url, "projections", "status"]).output
    assert "stopped" in text and str(at) in text


class Picky:
    """A read model that, in version 1, cannot apply a rename; version 2 can."""

    name = "picky"
    metadata = MetaData()
    names = Table(
        "t_picky", metadata, Column("n", Integer, primary_key=True), Column("v", String(20))
    )

    def __init__(self, version: int) -> None:
        self.version = version
        self.count = 0

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        for item in page:
            if type(item.event).__name__ == "Renamed" and self.version == 1:
                raise ValueError("cannot apply a rename")
            conn.execute(
                insert(self.names).values(n=item.position, v=type(item.event).__name__[:20])
            )

    def reset(self) -> None:
        self.count = 0


def test_a_new_version_of_the_stopped_model_is_the_fix(zhucun: Zhucun) -> None:
    small_network(zhucun)
    apply(zhucun, cmd("rename_unit", on="2016-12-30", unit=CITY, name="本溪"))
    head = zhucun.store.max_position()

    first = Projections(zhucun.engine, zhucun.store, [Picky(1)])
    first.create_tables()
    first.catch_up()
    assert first.faults()["picky"]["position"] == head
    assert first.position("picky") == head - 1
    assert first.catch_up() == 0, "a stopped model is not tried again on every read"

    fixed = Projections(zhucun.engine, zhucun.store, [Picky(2)])
    fixed.create_tables()  # another version: built again from the log
    assert fixed.faults() == {}
    fixed.catch_up()
    assert fixed.position("picky") == head


def test_every_json_answer_says_which_read_model_is_stopped_and_how_far_behind(
    zhucun: Zhucun, db_url: str
) -> None:
    small_network(zhucun)
    username, unit = ACCOUNTS["city_admin"]
    Accounts(zhucun, hasher=FAST_HASHER).add(username, "city_admin", unit, PASSWORD, actor="t")
    at = poison(zhucun)
    zhucun.summary(CITY)
    head = zhucun.store.max_position()
    asked = [
        ["summary", "--unit", CITY],
        ["coverage", "--unit", CITY],
        ["coverage", "--unit", VILLAGE_A, "--households"],
        ["gaps", "--unit", CITY],
        ["history", "--unit", CITY],
        ["teams", "--unit", CITY],
        ["audit", "log"],
        ["audit", "verify"],
        ["users", "list"],
        ["projections", "status"],
    ]
    for args in asked:
        result = CliRunner().invoke(cli, ["--db", db_url, *args, "--json"])
        assert result.exit_code == 0, (args, result.output)
        fresh = json.loads(result.stdout)["freshness"]
        assert list(fresh["stopped"]) == ["network"], args
        assert fresh["stopped"]["network"]["position"] == at, args
        assert fresh["stopped"] == zhucun.projections.faults(), args  # the error, as stored
        assert fresh["head"] == head and fresh["position"] == at - 1, args
        assert fresh["behind"] == head - (at - 1) and fresh["lag_seconds"] > 0, args

    client = make_app(zhucun).test_client()
    login(client, "city_admin")
    fresh = client.get(f"/api/v1/summary/{CITY}").get_json()["freshness"]
    assert fresh["stopped"]["network"]["position"] == at
    assert fresh["position"] == at - 1 and fresh["behind"] >= head - (at - 1)
