"""The summary on both clocks: on a day (``--as-of``), as known at a moment (``--as-known-at``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from click.testing import CliRunner

from app.cli.main import cli
from tests.builders import answer, apply, cmd, link, move, small_network
from tests.units import CITY, COUNTY, GROUP_A1, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B

CLOCKS = ("as_of", "as_known_at")


def _exited_in_2016(zhucun, clock):
    """The small network (village A poor since 2014-03-01), A leaving poverty on 2016-05-01,
    recorded at 2016-12-31 09:00 UTC; returns a moment before that recording."""
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1"))
    before_exit = clock.now()
    clock.set(datetime(2016, 12, 31, 9, 0, tzinfo=UTC))
    apply(zhucun, cmd("exit_poverty", on="2016-05-01", unit=VILLAGE_A))
    return before_exit


def test_a_village_that_left_poverty_is_poor_as_of_a_day_before_it_left(zhucun, clock):
    before_exit = _exited_in_2016(zhucun, clock)
    assert zhucun.summary(CITY)["poor_villages"] == 0
    assert zhucun.summary(CITY, as_of=date(2014, 12, 31))["poor_villages"] == 1
    assert zhucun.summary(CITY, as_of=date(2016, 4, 30))["poor_villages"] == 1
    assert zhucun.summary(CITY, as_of=date(2016, 5, 1))["poor_villages"] == 0
    assert zhucun.summary(CITY, as_of=date(2014, 2, 28))["poor_villages"] == 0
    # Before the exit was recorded, the system knew the village as poor, even for today.
    assert zhucun.summary(CITY, as_known_at=before_exit)["poor_villages"] == 1
    assert zhucun.summary(VILLAGE_A, as_known_at=before_exit)["poor_villages"] == 1
    assert zhucun.summary(VILLAGE_B, as_known_at=before_exit)["poor_villages"] == 0
    assert zhucun.summary(GROUP_A1, as_of=date(2014, 12, 31))["poor_villages"] == 0


def test_on_today_as_known_now_the_clocks_give_the_counts_of_now(zhucun, clock):
    _exited_in_2016(zhucun, clock)
    apply(zhucun, cmd("open_site", on="2015-01-01", unit=VILLAGE_A, kind="station"))
    for code in (CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, GROUP_A1):
        now = zhucun.summary(code)
        on_today = zhucun.summary(code, as_of=zhucun.today())
        assert {k: v for k, v in on_today.items() if k not in CLOCKS} == now, code
        assert on_today["as_of"] == zhucun.today().isoformat()
        assert on_today["as_known_at"] is None


def test_a_day_before_the_network_existed_counts_nothing_or_no_unit(zhucun, clock):
    _exited_in_2016(zhucun, clock)
    assert zhucun.summary(CITY, as_of=date(2013, 12, 31)) is None
    opened = zhucun.summary(CITY, as_of=date(2014, 1, 1))
    assert opened["villages"] == 2 and opened["households"] == 0 and opened["residents"] == 0
    registered = zhucun.summary(CITY, as_of=date(2014, 6, 1))  # before anyone was linked
    assert registered["households"] == 4 and registered["residents"] == 14
    assert registered["linked_households"] == 0 and registered["central_households"] == 0


def test_the_command_line_takes_both_clocks(zhucun, clock, db_url):
    before_exit = _exited_in_2016(zhucun, clock)
    runner = CliRunner()

    def summary(*more: str) -> dict:
        r = runner.invoke(cli, ["--db", db_url, "summary", "--unit", CITY, "--json", *more])
        assert r.exit_code == 0, r.output
        return answer(r.output)

    plain = summary()
    assert plain["poor_villages"] == 0 and "as_of" not in plain
    then = summary("--as-of", "2014-12-31")
    assert then["poor_villages"] == 1 and then["as_of"] == "2014-12-31"
    known = summary("--as-known-at", before_exit.isoformat())
    assert known["poor_villages"] == 1
    text = runner.invoke(cli, ["--db", db_url, "summary", "--unit", CITY, "--as-of", "2014-12-31"])
    assert text.exit_code == 0 and "as of 2014-12-31" in text.output
    missing = runner.invoke(
        cli, ["--db", db_url, "summary", "--unit", CITY, "--as-of", "2013-01-01"]
    )
    assert missing.exit_code == 1 and "no unit with code 210500 on 2013-01-01" in missing.output


def test_linked_households_count_recorded_links_on_the_day(zhucun, clock):
    """Linked households as ``summary`` counts them (recorded links to an active central
    household), on each day: a move to another village ends the link."""
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"), move(net, "A1b", GROUP_B1, "2015-01-01"))
    assert zhucun.summary(CITY)["linked_households"] == 0
    assert zhucun.summary(CITY, as_of=date(2014, 6, 2))["linked_households"] == 0
    assert zhucun.summary(CITY, as_of=date(2014, 12, 31))["linked_households"] == 1
    assert zhucun.summary(CITY, as_of=date(2015, 1, 1))["linked_households"] == 0
    for code in (CITY, VILLAGE_A, VILLAGE_B, GROUP_B1):
        now = zhucun.summary(code)
        on_today = zhucun.summary(code, as_of=zhucun.today())
        assert {k: v for k, v in on_today.items() if k not in CLOCKS} == now, code
