"""Coverage and blind spots: what each gap means, when it began and which event caused it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from click.testing import CliRunner

from app.cli.main import cli
from domain.rules import RuleSet
from tests.builders import (
    answer,
    apply,
    cmd,
    hid,
    id_number,
    join_party,
    link,
    mid,
    move,
    small_network,
)
from tests.units import CITY, COUNTY, GROUP_A1, GROUP_A2, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B


def gap_set(z, code, **kw):
    return {(g["type"], g["subject"]["name"]) for g in z.gaps(code, **kw)}


def test_moving_party_member_unlinks_all_their_households(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"), link(net, "A2"))
    assert ("unlinked_household", "李二") not in gap_set(zhucun, VILLAGE_A)
    moved = apply(
        zhucun,
        cmd(
            "party_member_transferred_out",
            on="2015-03-01",
            actor="zhou.org",
            party_member=net.member,
            destination="沈阳市",
        ),
    )
    assert moved.events == 1
    position = zhucun.store.max_position()
    unlinked = [g for g in zhucun.gaps(VILLAGE_A, "unlinked_household")]
    assert {g["subject"]["name"] for g in unlinked} == {"王大", "李二", "张三"}
    for g in unlinked:
        if g["subject"]["name"] in ("王大", "李二"):
            assert g["since"] == "2015-03-01"
            assert g["cause"] == {
                "type": "TransferredOut",
                "position": position,
                "actor": "zhou.org",
            }
    vacant = zhucun.gaps(VILLAGE_A, "vacant_central_household")
    assert [g["since"] for g in vacant] == ["2015-03-01"]


def test_a_gap_that_closes_leaves_the_list_but_keeps_its_interval(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b", on="2014-09-01"))
    assert ("unlinked_household", "李二") not in gap_set(zhucun, VILLAGE_A)
    before = zhucun.gaps(VILLAGE_A, "unlinked_household", as_of=date(2014, 8, 31))
    li = [g for g in before if g["subject"]["name"] == "李二"]
    assert li and li[0]["since"] == "2014-06-01" and li[0]["cause"]["type"] == "Registered"


def test_as_known_at_shows_what_the_system_knew_before_a_back_dated_entry(zhucun, clock):
    small_network(zhucun)
    first_known = clock.now()
    clock.set(datetime(2016, 12, 31, 9, 0, tzinfo=UTC))
    apply(
        zhucun,
        cmd(
            "open_site",
            on="2014-05-01",
            unit=VILLAGE_A,
            kind="station",
            reason="补录：服务站 2014 年 5 月已建成",
        ),
    )
    day = date(2015, 1, 1)
    assert ("village_without_station", "甲村") not in gap_set(zhucun, VILLAGE_A, as_of=day)
    then = gap_set(zhucun, VILLAGE_A, as_of=day, as_known_at=first_known)
    assert ("village_without_station", "甲村") in then
    # And before it was back-dated to, the station did not exist in either view.
    assert ("village_without_station", "甲村") in gap_set(
        zhucun, VILLAGE_A, as_of=date(2014, 4, 30)
    )


def test_a_central_household_linking_more_than_the_rule_allows_is_overloaded(db_url, clock):
    from app.bootstrap import bootstrap

    z = bootstrap(db_url, clock, rules=RuleSet(version="test", max_linked_per_central_household=2))
    try:
        net = small_network(z)
        lines = [
            cmd(
                "register_household",
                group=GROUP_A1,
                head_name=f"户{i}",
                members=2,
                id_number=id_number(100 + i),
                id=hid(100 + i),
            )
            for i in range(3)
        ]
        lines += [
            cmd(
                "link_household",
                on="2014-07-01",
                household=hid(100 + i),
                central_household=net.central_household,
            )
            for i in range(3)
        ]
        apply(z, *lines)
        over = z.gaps(VILLAGE_A, "overloaded_central_household")
        assert len(over) == 1 and over[0]["since"] == "2014-07-01"
        c = z.coverage(VILLAGE_A)
        assert c["central_households"]["overloaded"] == 1
        assert c["central_households"]["max_linked"] == 2
        assert c["rules"] == "test"
    finally:
        z.close()


def test_party_members_need_a_role_and_sites_a_responsible_person(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        join_party(net, "A2", 2),
        cmd("open_site", on="2014-06-05", unit=GROUP_A2, kind="point"),
    )
    names = gap_set(zhucun, VILLAGE_A)
    assert ("party_member_without_role", "张三") in names
    assert ("site_without_responsible", "甲村二组为民服务点") in names
    apply(
        zhucun, cmd("assign_site_responsible", on="2014-06-06", unit=GROUP_A2, party_member=mid(2))
    )
    names = gap_set(zhucun, VILLAGE_A)
    assert ("party_member_without_role", "张三") not in names
    assert ("site_without_responsible", "甲村二组为民服务点") not in names
    assert ("group_without_point", "甲村二组") not in names
    # The responsible member dies: the point has nobody responsible from that day.
    apply(zhucun, cmd("party_member_died", on="2015-05-01", party_member=mid(2)))
    gone = [g for g in zhucun.gaps(VILLAGE_A, "site_without_responsible")]
    assert gone[0]["since"] == "2015-05-01" and gone[0]["cause"]["type"] == "Died"


def test_units_above_the_village_need_an_active_centre(zhucun):
    small_network(zhucun)
    assert {g["unit"] for g in zhucun.gaps(CITY, "unit_without_centre")} == {CITY, COUNTY, TOWNSHIP}
    apply(zhucun, cmd("open_site", on="2014-02-01", unit=TOWNSHIP, kind="centre"))
    c = zhucun.coverage(COUNTY)
    assert c["centres"]["township"] == {"total": 1, "with_centre": 1, "without_centre": 0}
    assert c["centres"]["county"]["without_centre"] == 1


def test_coverage_rolls_up_counts_not_averages(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"))
    a, b, town = (zhucun.coverage(x)["households"] for x in (VILLAGE_A, VILLAGE_B, TOWNSHIP))
    assert (a["total"], a["linked"]) == (3, 2) and (b["total"], b["linked"]) == (1, 0)
    assert (town["total"], town["linked"]) == (4, 2)
    assert town["link_rate"] == 0.5  # not the mean of 2/3 and 0/1
    assert zhucun.coverage(GROUP_A1)["households"]["total"] == 2


def test_a_household_moving_to_another_village_is_unlinked_there(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"))
    apply(zhucun, move(net, "A1b", GROUP_B1, "2015-01-10"))
    moved = [
        g for g in zhucun.gaps(VILLAGE_B, "unlinked_household") if g["subject"]["name"] == "李二"
    ]
    assert moved[0]["since"] == "2015-01-10" and moved[0]["cause"]["type"] == "Moved"
    assert zhucun.coverage(VILLAGE_A)["households"]["total"] == 2


def test_rebuilding_gives_the_same_answers(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        link(net, "A1b"),
        cmd(
            "party_member_transferred_out",
            on="2015-03-01",
            party_member=net.member,
            destination="x",
        ),
    )
    before = (zhucun.coverage(CITY), zhucun.gaps(CITY))
    zhucun.projections.rebuild()
    assert (zhucun.coverage(CITY), zhucun.gaps(CITY)) == before


def test_gaps_cli_prints_json_rows_with_every_field(zhucun, db_url):
    small_network(zhucun)
    r = CliRunner().invoke(
        cli,
        ["--db", db_url, "gaps", "--unit", VILLAGE_A, "--json", "--type", "group_without_point"],
    )
    assert r.exit_code == 0, r.output
    rows = answer(r.output)
    assert {g["unit"] for g in rows} == {GROUP_A1, GROUP_A2}
    assert set(rows[0]) == {"type", "unit", "subject", "since", "cause"}
    assert set(rows[0]["cause"]) == {"type", "position", "actor"}
    bad = CliRunner().invoke(cli, ["--db", db_url, "gaps", "--unit", VILLAGE_A, "--type", "x"])
    assert bad.exit_code == 1 and "unknown gap type" in bad.stderr
    for given in (" GROUP_WITHOUT_POINT ", "ｇｒｏｕｐ_without_point"):
        same = CliRunner().invoke(
            cli, ["--db", db_url, "gaps", "--unit", VILLAGE_A, "--json", "--type", given]
        )
        assert same.exit_code == 0 and answer(same.output) == rows, given
    close = CliRunner().invoke(
        cli, ["--db", db_url, "gaps", "--unit", VILLAGE_A, "--type", "group_without_points"]
    )
    assert close.exit_code == 1 and "未知的盲点类型 'group_without_points'" in close.stderr


def test_a_party_member_responsible_for_a_township_centre_has_a_role(zhucun):
    net = small_network(zhucun)
    apply(
        zhucun,
        join_party(net, "A1b", 7),
        cmd("open_site", on="2014-06-05", unit=TOWNSHIP, kind="centre"),
    )
    assert ("party_member_without_role", "李二") in gap_set(zhucun, VILLAGE_A)
    apply(
        zhucun, cmd("assign_site_responsible", on="2014-06-06", unit=TOWNSHIP, party_member=mid(7))
    )
    assert ("party_member_without_role", "李二") not in gap_set(zhucun, VILLAGE_A)
    # and the centre has nobody responsible once that member has gone
    apply(
        zhucun,
        cmd(
            "party_member_transferred_out",
            on="2015-01-01",
            party_member=mid(7),
            destination="本溪市",
        ),
    )
    assert {g["type"] for g in zhucun.gaps(TOWNSHIP, "site_without_responsible")} == {
        "site_without_responsible"
    }


def test_a_long_running_process_notices_a_rebuild_made_by_another(db_url, clock):
    from datetime import timedelta

    from sqlalchemy import text

    from app.bootstrap import bootstrap

    first, second = bootstrap(db_url, clock), bootstrap(db_url, clock)
    try:
        net = small_network(first)
        clock.advance(timedelta(hours=1))
        apply(
            first,
            link(net, "A1b"),
            cmd("unlink_household", on="2014-06-03", household=net.households["A1b"]),
            link(net, "A1b"),
            link(net, "A2", on="2014-06-04"),
        )
        first.coverage(CITY)  # the first process keeps what it wrote in memory
        second.projections.rebuild()  # ends at the same position
        with second.engine.begin() as conn:  # a rebuild may number its rows differently
            conn.execute(text("UPDATE cov_rows SET id = id + 100000"))
        clock.advance(timedelta(hours=1))
        apply(
            first,
            cmd(
                "party_member_transferred_out",
                on="2015-03-01",
                party_member=net.member,
                destination="x",
            ),
        )
        gaps, seen = first.gaps(VILLAGE_A), first.coverage(CITY)
        first.projections.rebuild()
        assert first.gaps(VILLAGE_A) == gaps
        assert first.coverage(CITY) == seen
        assert {g["subject"]["name"] for g in gaps if g["type"] == "unlinked_household"} == {
            "王大",
            "李二",
            "张三",
        }
    finally:
        first.close()
        second.close()


def test_a_moment_split_across_pages_ends_as_if_read_in_one(db_url, clock, monkeypatch):
    from datetime import timedelta

    from app.bootstrap import bootstrap

    monkeypatch.setenv("ZHUCUN_PROJECTION_BATCH", "1")
    z = bootstrap(db_url, clock)
    try:
        net = small_network(z)
        clock.advance(timedelta(hours=1))
        # Ended and designated again on the same day, in one batch: one recording moment,
        # read one event per page.
        apply(
            z,
            cmd("end_central_household", on="2014-07-01", central_household=net.central_household),
            cmd("designate_central_household", on="2014-07-01", party_member=net.member),
        )
        paged = z.projections.checksum()
    finally:
        z.close()
    monkeypatch.setenv("ZHUCUN_PROJECTION_BATCH", "5000")
    z = bootstrap(db_url, clock)
    try:
        z.projections.rebuild()
        assert z.projections.checksum() == paged
    finally:
        z.close()
