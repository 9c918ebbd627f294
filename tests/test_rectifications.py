"""Gaps assigned for rectification (整改): who is to put a gap right by when, and what
became of it on a day as known at a moment: open, overdue, or closed by the event that took
the gap off the list. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from app.bootstrap import Zhucun
from app.cli.main import cli
from app.jurisdiction import Reach
from app.rectifications import counts, rectifications
from app.store.clock import SettableClock
from domain.account_errors import NotInJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.errors import (
    DueBeforeAssignmentError,
    EmptyAssigneeError,
    GapNotFoundError,
    UnitNotFoundError,
    UnknownGapTypeError,
)
from tests.builders import (
    COUNTY,
    TOWNSHIP,
    VILLAGE_A,
    Net,
    answer,
    apply,
    cmd,
    link,
    open_unit,
    refused,
    small_network,
)

OTHER_TOWNSHIP = "210521101"
OTHER_VILLAGE = OTHER_TOWNSHIP + "201"


def assign(net: Net, who: str = "A1b", on: str = "2016-12-01", **kw: object) -> dict:
    args = {
        "type": "unlinked_household",
        "subject": net.households[who],
        "unit": VILLAGE_A,
        "assignee": "王五",
        "due_on": "2016-12-20",
    } | kw
    return cmd("assign_rectification", on=on, role="county_admin", **args)


@pytest.fixture
def net(zhucun: Zhucun) -> Net:
    n = small_network(zhucun)
    apply(
        zhucun,
        open_unit(OTHER_TOWNSHIP, "草河口镇", "township", COUNTY),
        open_unit(OTHER_VILLAGE, "丙村", "village", OTHER_TOWNSHIP),
    )
    return n


def test_an_unlinked_household_assigned_is_open_until_its_due_date_and_overdue_after(
    zhucun: Zhucun, net: Net
) -> None:
    result = apply(zhucun, assign(net, note="先走访"))
    assert result.results[0]["assigned"] is True
    [r] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 10)) or []
    assert (r["state"], r["assignee"], r["due_on"], r["note"]) == (
        "open",
        "王五",
        "2016-12-20",
        "先走访",
    )
    assert r["subject"] == {"id": net.households["A1b"], "name": "李二"}
    [late] = rectifications(zhucun, TOWNSHIP, date(2016, 12, 21)) or []
    assert late["state"] == "overdue" and late["closed_by"] is None
    assert rectifications(zhucun, VILLAGE_A, date(2016, 11, 30)) == []  # not assigned yet


def test_linking_the_household_closes_it_credited_with_the_link(
    zhucun: Zhucun, clock: SettableClock, net: Net
) -> None:
    apply(zhucun, assign(net))
    before_link = clock.now()
    clock.set(datetime(2016, 12, 31, 6, 0, tzinfo=UTC))
    linked = apply(zhucun, link(net, "A1b", on="2016-12-05"))
    assert linked.events == 1
    head = zhucun.store.max_position()
    [r] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 31)) or []
    assert r["state"] == "closed"
    assert r["closed_by"] == {
        "position": head,
        "event": "Household.Linked",
        "on": "2016-12-05",
        "actor": "li.clerk",
    }
    # On a day before the link, it was still open; as known before the link, open still.
    [earlier] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 4)) or []
    assert earlier["state"] == "open"
    [known] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 31), before_link) or []
    assert known["state"] == "overdue"
    assert counts(zhucun, COUNTY, date(2016, 12, 31)) == {
        "open": 0,
        "overdue": 0,
        "closed_this_month": 1,
    }
    assert rectifications(zhucun, COUNTY, date(2016, 12, 31), state="open") == []


def test_assigning_again_reassigns_the_same_rectification(zhucun: Zhucun, net: Net) -> None:
    first = apply(zhucun, assign(net)).results[0]["rectification"]
    again = apply(zhucun, assign(net, on="2016-12-02", assignee="赵六", due_on="2017-01-10"))
    assert again.results[0] == {
        "line": 1,
        "rectification": first,
        "reassigned": True,
        "since": "2014-06-01",
    }
    [r] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 31)) or []
    assert (r["assignee"], r["due_on"], r["state"], r["assigned_on"]) == (
        "赵六",
        "2017-01-10",
        "open",
        "2016-12-01",
    )
    [before] = rectifications(zhucun, VILLAGE_A, date(2016, 12, 1)) or []
    assert before["assignee"] == "王五"


def test_a_household_already_linked_is_no_gap_and_is_refused_writing_nothing(
    zhucun: Zhucun, net: Net
) -> None:
    apply(zhucun, link(net, "A1b"))
    e = refused(zhucun, assign(net)).error
    assert isinstance(e, GapNotFoundError) and e.field == "subject"


def test_a_gap_under_another_unit_is_refused(zhucun: Zhucun, net: Net) -> None:
    e = refused(zhucun, assign(net, unit=OTHER_VILLAGE)).error
    assert isinstance(e, GapNotFoundError)


def test_a_gap_of_another_village_named_under_ones_own_is_refused(zhucun: Zhucun, net: Net) -> None:
    e = refused(zhucun, assign(net, who="B1")).error  # 赵四, village B, under village A
    assert isinstance(e, GapNotFoundError) and e.field == "subject"


def test_a_gap_on_a_day_before_it_began_is_refused(zhucun: Zhucun, net: Net) -> None:
    e = refused(zhucun, assign(net, on="2014-05-01", due_on="2014-06-01")).error
    assert isinstance(e, GapNotFoundError)


@pytest.mark.parametrize("kind", ["no_such_gap", "", "unlinked household"])
def test_an_unknown_gap_type_is_refused_by_name(zhucun: Zhucun, net: Net, kind: str) -> None:
    e = refused(zhucun, assign(net, type=kind)).error
    if kind:
        assert isinstance(e, UnknownGapTypeError) and e.field == "type"
        assert "；驻村期届满、既未延期又无接续的工作队" in e.zh  # the types in words
        assert "unlinked_household" not in e.zh
        assert e.en.endswith("overdue_measure, lapsed_team_term")  # the values to type
    else:
        assert e.field == "type"


def test_the_gap_type_and_subject_may_be_padded_upper_case_or_full_width(
    zhucun: Zhucun, net: Net
) -> None:
    padded = assign(
        net,
        type="  ＵＮＬＩＮＫＥＤ_household ",
        subject=" " + net.households["A1b"].upper() + " ",
        unit="２１０５２１１００２０１",
    )
    assert apply(zhucun, padded).results[0]["assigned"] is True


def test_a_due_date_before_the_day_of_assignment_is_refused(zhucun: Zhucun, net: Net) -> None:
    e = refused(zhucun, assign(net, due_on="2016-11-30")).error
    assert isinstance(e, DueBeforeAssignmentError) and e.field == "due_on"
    assert "2016-11-30" in e.zh and "2016-11-30" in e.en


@pytest.mark.parametrize("who", ["", "   ", "\u3000"])
def test_an_empty_assignee_is_refused(zhucun: Zhucun, net: Net, who: str) -> None:
    e = refused(zhucun, assign(net, assignee=who)).error
    assert isinstance(e, EmptyAssigneeError) and e.field == "assignee"


def test_a_unit_that_does_not_exist_is_refused(zhucun: Zhucun, net: Net) -> None:
    e = refused(zhucun, assign(net, unit="210521100299")).error
    assert isinstance(e, UnitNotFoundError)


@pytest.mark.parametrize("unit", [OTHER_VILLAGE, f"  {OTHER_VILLAGE} ", "２１０５２１１０１２０１"])
def test_another_townships_unit_in_any_form_is_refused_to_a_township_officer(
    zhucun: Zhucun, net: Net, unit: str
) -> None:
    from app.commands import parse_command_line

    reach = Reach(Role.TOWNSHIP_OFFICER, TOWNSHIP)
    line = assign(net, unit=unit) | {"role": "township_officer"}
    before = zhucun.store.max_position()
    from app.bootstrap import BatchRefused

    with pytest.raises(BatchRefused) as info:
        zhucun.execute([parse_command_line(line)], reach=reach)
    assert isinstance(info.value.error, NotInJurisdictionError)
    assert zhucun.store.max_position() == before


def test_a_team_member_may_not_assign_and_a_township_officer_may(zhucun: Zhucun, net: Net) -> None:
    from app.bootstrap import BatchRefused
    from app.commands import parse_command_line

    line = parse_command_line(assign(net))
    with pytest.raises(BatchRefused) as info:
        zhucun.execute([line], reach=Reach(Role.TEAM_MEMBER, VILLAGE_A))
    assert isinstance(info.value.error, RoleNotAllowedError)
    zhucun.execute([line], reach=Reach(Role.TOWNSHIP_OFFICER, TOWNSHIP))
    assert len(rectifications(zhucun, TOWNSHIP, date(2016, 12, 31)) or []) == 1


def test_the_command_line_lists_rectifications_by_state(
    zhucun: Zhucun, db_url: str, net: Net
) -> None:
    apply(zhucun, assign(net), assign(net, who="A2", due_on="2017-06-30"))
    apply(zhucun, link(net, "A2", on="2016-12-10"))
    runner = CliRunner()
    base = ["--db", db_url, "rectifications", "--unit", COUNTY, "--as-of", "2016-12-31"]
    r = runner.invoke(cli, [*base, "--json"])
    assert r.exit_code == 0, r.output
    rows = answer(r.stdout)
    assert [(x["subject"]["name"], x["state"]) for x in rows] == [
        ("李二", "overdue"),
        ("张三", "closed"),
    ]
    assert rows[1]["closed_by"]["event"] == "Household.Linked"
    r = runner.invoke(cli, [*base, "--state", "closed"])
    assert r.exit_code == 0, r.output
    assert "张三" in r.stdout and "Household.Linked" in r.stdout and "李二" not in r.stdout
    r = runner.invoke(cli, ["--db", db_url, "rectifications", "--unit", "210521199"])
    assert r.exit_code != 0
