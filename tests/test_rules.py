"""Every rule of the network refuses with a named error, and a refused batch writes nothing."""

from __future__ import annotations

import pytest

from tests.builders import (
    apply,
    cmd,
    hid,
    household,
    id_number,
    join_party,
    link,
    mid,
    move,
    open_unit,
    refused,
    small_network,
)
from tests.units import COUNTY, GROUP_A1, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B


def test_linking_a_household_of_another_village_is_refused(zhucun):
    net = small_network(zhucun)
    r = refused(zhucun, link(net, "B1"))
    assert r.error.code == "household_in_other_village"
    assert r.error.field == "household"


def test_linking_an_already_linked_household_needs_an_unlink_first(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        join_party(net, "A2", 2),
        cmd("designate_central_household", on="2014-06-02", party_member=mid(2)),
        link(net, "A1b"),
    )
    other_ch = zhucun.history_of_id(__import__("uuid").UUID(net.households["A2"]))
    second = next(r["subject"] for r in other_ch if r["event"] == "CentralHousehold.Designated")
    r = refused(
        zhucun,
        cmd(
            "link_household",
            on="2014-06-04",
            household=net.households["A1b"],
            central_household=second,
        ),
    )
    assert r.error.code == "household_already_linked"
    apply(
        zhucun,
        cmd("unlink_household", on="2014-06-04", household=net.households["A1b"]),
        cmd(
            "link_household",
            on="2014-06-04",
            household=net.households["A1b"],
            central_household=second,
        ),
    )


def test_a_central_household_needs_an_active_party_member_of_its_village(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        join_party(net, "A1b", 2),
        cmd(
            "party_member_transferred_out", on="2014-07-01", party_member=mid(2), destination="沈阳"
        ),
        join_party(net, "B1", 3),
    )
    gone = refused(zhucun, cmd("designate_central_household", on="2014-07-02", party_member=mid(2)))
    assert gone.error.code == "not_active_party_member"
    elsewhere = refused(
        zhucun,
        cmd(
            "change_central_party_member",
            on="2014-07-02",
            central_household=net.central_household,
            party_member=mid(3),
        ),
    )
    assert elsewhere.error.code == "not_active_party_member"
    assert VILLAGE_A in elsewhere.error.zh and VILLAGE_A in elsewhere.error.en


def test_a_dead_party_members_household_cannot_become_central(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        join_party(net, "A2", 2),
        cmd("party_member_died", on="2015-01-01", party_member=mid(2)),
    )
    r = refused(zhucun, cmd("designate_central_household", on="2015-02-01", party_member=mid(2)))
    assert r.error.code == "not_active_party_member"


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        (GROUP_A1, "station"),
        (TOWNSHIP, "station"),
        (VILLAGE_A, "point"),
        (COUNTY, "point"),
        (VILLAGE_A, "centre"),
    ],
)
def test_a_site_must_suit_the_level_of_its_unit(zhucun, unit, kind):
    small_network(zhucun)
    r = refused(zhucun, cmd("open_site", unit=unit, kind=kind))
    assert r.error.code == "site_on_wrong_level"
    assert r.error.field == "kind"


@pytest.mark.parametrize(
    ("level", "code", "parent"),
    [
        ("village", "210521100299", COUNTY),  # a village directly under a county
        ("group", "210521100999001", TOWNSHIP),  # a group under a township
        ("township", "210521199", VILLAGE_A),  # a township under a village
        ("village", "210521100298", None),  # a village with no parent at all
    ],
)
def test_a_unit_must_sit_under_a_parent_of_the_level_above(zhucun, level, code, parent):
    small_network(zhucun)
    args = {"code": code, "name": "新单位", "level": level}
    if parent:
        args["parent"] = parent
    r = refused(zhucun, cmd("open_unit", **args))
    assert r.error.code == "wrong_parent_level"


def test_moving_a_unit_under_the_wrong_level_is_refused(zhucun):
    small_network(zhucun)
    r = refused(zhucun, cmd("move_unit", unit=GROUP_A1, parent=TOWNSHIP))
    assert r.error.code == "wrong_parent_level"


def test_a_code_is_used_once(zhucun):
    small_network(zhucun)
    r = refused(
        zhucun, cmd("open_unit", code=VILLAGE_B, name="重复村", level="village", parent=TOWNSHIP)
    )
    assert r.error.code == "duplicate_code"
    assert "乙村" in r.error.zh


def test_an_event_cannot_be_dated_before_its_unit_opened(zhucun):
    small_network(zhucun)
    r = refused(zhucun, household(9, GROUP_A1, "钱五", 3, on="2013-12-31"))
    assert r.error.code == "dated_before_opening"
    assert r.error.field == "occurred_on"


def test_an_event_cannot_be_dated_after_its_unit_closed(zhucun):
    small_network(zhucun)
    village_c = "210521100203"
    apply(
        zhucun,
        cmd("open_unit", code=village_c, name="丙村", level="village", parent=TOWNSHIP),
        cmd("open_site", on="2014-07-01", unit=village_c, kind="station"),
        cmd("close_unit", on="2015-01-01", unit=village_c),
    )
    r = refused(
        zhucun, cmd("assign_site_responsible", on="2015-02-01", unit=village_c, name="周六")
    )
    assert r.error.code == "dated_after_closing"
    assert r.error.field == "occurred_on"
    # Recording, afterwards, that the station closed with its village is still possible.
    apply(zhucun, cmd("close_site", on="2015-01-01", unit=village_c))


def test_a_group_with_households_cannot_be_closed(zhucun):
    small_network(zhucun)
    r = refused(zhucun, cmd("close_unit", on="2015-02-01", unit=GROUP_B1))
    assert r.error.code == "unit_has_active_children"


def test_an_event_cannot_be_dated_in_the_future(zhucun, clock):
    small_network(zhucun)
    r = refused(zhucun, cmd("rename_unit", on="2017-01-02", unit=VILLAGE_A, name="新甲村"))
    assert r.error.code == "future_date"
    # Today (Beijing time) is allowed.
    apply(zhucun, cmd("rename_unit", on="2016-12-31", unit=VILLAGE_A, name="新甲村"))


def test_nothing_can_be_done_on_a_closed_unit(zhucun):
    small_network(zhucun)
    apply(
        zhucun,
        cmd("open_unit", code="210521100203", name="丙村", level="village", parent=TOWNSHIP),
        cmd("close_unit", on="2015-01-01", unit="210521100203"),
    )
    for line in (
        cmd("rename_unit", on="2015-06-01", unit="210521100203", name="丙村新"),
        cmd("open_site", on="2015-06-01", unit="210521100203", kind="station"),
        open_unit("210521100203001", "丙村一组", "group", "210521100203", on="2015-06-01"),
    ):
        assert refused(zhucun, line).error.code == "unit_closed"


def test_a_unit_with_open_children_cannot_be_closed(zhucun):
    small_network(zhucun)
    r = refused(zhucun, cmd("close_unit", on="2015-01-01", unit=VILLAGE_B))
    assert r.error.code == "unit_has_active_children"


def test_merging_a_village_moves_its_groups_to_the_other_village(zhucun):
    small_network(zhucun)
    apply(zhucun, cmd("merge_unit", on="2015-01-01", unit=VILLAGE_B, into=VILLAGE_A))
    history = zhucun.history_of_unit(GROUP_B1)
    assert history[-1]["event"] == "Unit.Moved"
    assert history[-1]["details"]["parent_code"] == VILLAGE_A
    assert zhucun.summary(VILLAGE_A)["villager_groups"] == 3


def test_nothing_can_be_done_on_a_household_that_left(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        cmd("household_left", on="2015-01-01", household=net.households["A2"], how="dissolved"),
    )
    r = refused(zhucun, link(net, "A2", on="2015-02-01"))
    assert r.error.code == "household_ended"
    r = refused(zhucun, join_party(net, "A2", on="2015-02-01"))
    assert r.error.code == "household_ended"


def test_a_household_moving_to_another_village_loses_its_link(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"))
    apply(zhucun, move(net, "A1b", GROUP_B1, "2014-09-01"))
    assert zhucun.summary(VILLAGE_A)["linked_households"] == 0
    # and may be linked again in its new village without an unlink
    apply(
        zhucun,
        join_party(net, "B1", 5),
        cmd("designate_central_household", on="2014-09-02", party_member=mid(5)),
    )
    assert zhucun.summary(VILLAGE_B)["central_households"] == 1


def test_bad_input_names_the_field(zhucun):
    small_network(zhucun)
    cases = [
        (
            cmd(
                "register_household",
                group=GROUP_A1,
                head_name="钱五",
                members="3",
                id_number=id_number(9),
            ),
            "members",
        ),
        (
            cmd("register_household", group=GROUP_A1, head_name="钱五", members=3, id_number="123"),
            "id_number",
        ),
        (
            cmd(
                "register_household",
                group=GROUP_A1,
                head_name="钱五",
                members=3,
                id_number=id_number(9)[:-1] + ("0" if id_number(9)[-1] != "0" else "1"),
            ),
            "id_number",
        ),
        (cmd("register_household", group=GROUP_A1, members=3, id_number=id_number(9)), "head_name"),
        (
            cmd(
                "register_household",
                group=GROUP_A1,
                head_name="钱五",
                members=3,
                id_number=id_number(9),
                colour="red",
            ),
            "colour",
        ),
        (
            cmd(
                "register_household",
                group=VILLAGE_A,
                head_name="钱五",
                members=3,
                id_number=id_number(9),
            ),
            "group",
        ),
        (cmd("open_unit", code="21052110", name="x", level="township", parent=COUNTY), "code"),
        (cmd("open_site", unit=VILLAGE_A, kind="tower"), "kind"),
        (cmd("link_household", household="not-an-id", central_household=hid(1)), "household"),
        (
            {**cmd("rename_unit", unit=VILLAGE_A, name="x"), "occurred_on": "2014-13-01"},
            "occurred_on",
        ),
        ({**cmd("rename_unit", unit=VILLAGE_A, name="x"), "reason": " "}, "reason"),
        ({**cmd("rename_unit", unit=VILLAGE_A, name="x"), "command": "paint_unit"}, "command"),
    ]
    for line, field in cases:
        assert refused(zhucun, line).error.field == field, line
