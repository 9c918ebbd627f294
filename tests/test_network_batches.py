"""The network read model writes a page of events in a few batched statements: the tables come
out the same whether the log is read one event per page or in one page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.bootstrap import Zhucun
from projections import tables
from projections.network import NetworkModel
from tests.builders import apply, cmd, hid, id_number, mid, open_unit, small_network
from tests.units import GROUP_A1, GROUP_A2, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B

TOWNSHIP_2 = "210521101"
VILLAGE_C = "210521100203"
GROUP_C1, GROUP_C2, GROUP_C3, GROUP_C4 = (VILLAGE_C + f"00{n}" for n in range(1, 5))


def household(n: int, group: str, on: str) -> dict[str, Any]:
    return cmd(
        "register_household",
        on=on,
        group=group,
        head_name=f"户{n}",
        members=3,
        id_number=id_number(100 + n),
        id=hid(n),
    )


def interleaved_log(z: Zhucun) -> str:
    """Every kind of network event, interleaved; returns the central household's id.

    A batch of commands records its events aggregate by aggregate, so events that need
    another aggregate's earlier events (a unit moved under a unit opened) go in a later batch.
    """
    net = small_network(z)  # units opened under units opened just before them
    ch = net.central_household
    apply(
        z,
        open_unit(VILLAGE_C, "丙村", "village", TOWNSHIP, on="2015-01-05"),
        open_unit(GROUP_C1, "丙村一组", "group", VILLAGE_C, on="2015-01-05"),
        household(5, GROUP_A2, "2015-01-06"),
        open_unit(GROUP_C2, "丙村二组", "group", VILLAGE_C, on="2015-01-06"),
        household(6, GROUP_C2, "2015-01-07"),
        # A household linked, then left: it ends unlinked.
        cmd("link_household", on="2015-01-08", household=hid(5), central_household=ch),
        cmd("household_left", on="2015-01-09", household=hid(5), how="moved_out"),
        cmd("link_household", on="2015-01-10", household=hid(2), central_household=ch),
        cmd("link_household", on="2015-01-10", household=hid(3), central_household=ch),
        household(7, GROUP_A1, "2015-01-12"),
        cmd("link_household", on="2015-01-12", household=hid(7), central_household=ch),
        cmd("unlink_household", on="2015-01-13", household=hid(7)),
        # A site given a responsible, closed and reopened: nobody is responsible any more.
        cmd("open_site", on="2015-02-01", unit=VILLAGE_A, kind="station"),
        cmd("assign_site_responsible", on="2015-02-02", unit=VILLAGE_A, party_member=mid(1)),
        cmd("close_site", on="2015-02-03", unit=VILLAGE_A),
        cmd("open_site", on="2015-02-04", unit=VILLAGE_A, kind="station", name="甲村服务站"),
        cmd("open_site", on="2015-02-01", unit=GROUP_A1, kind="point", name="一组服务点"),
        cmd("assign_site_responsible", on="2015-02-02", unit=GROUP_A1, name="王五"),
        cmd("party_member_joined", on="2015-03-01", name="张三", household=hid(3), id=mid(2)),
        cmd("party_member_joined", on="2015-03-01", name="户7", household=hid(7), id=mid(3)),
        open_unit(TOWNSHIP_2, "草河镇", "township", "210521", on="2015-04-02"),
    )
    apply(
        z,
        # Units moved: the paths below them follow; a unit opened then moved at once.
        cmd("rename_unit", on="2015-04-02", unit=GROUP_C1, name="丙村新一组"),
        cmd("move_unit", on="2015-04-03", unit=VILLAGE_C, parent=TOWNSHIP_2),
        open_unit(GROUP_C3, "丙村三组", "group", VILLAGE_C, on="2015-04-03"),
        cmd("move_unit", on="2015-04-04", unit=GROUP_C3, parent=VILLAGE_B),
        # The central household changing hands, ending, designated again.
        cmd(
            "change_central_party_member",
            on="2015-04-04",
            central_household=ch,
            party_member=mid(2),
        ),
        cmd("end_central_household", on="2015-04-05", central_household=ch),
        cmd("designate_central_household", on="2015-04-06", party_member=mid(1)),
        cmd("party_member_died", on="2015-04-07", party_member=mid(2)),
        cmd(
            "party_member_transferred_out", on="2015-04-07", party_member=mid(3), destination="沈阳"
        ),
    )
    apply(
        z,
        # A unit opened under the moved one takes its new path.
        open_unit(GROUP_C4, "丙村四组", "group", VILLAGE_C, on="2015-05-01"),
        # Linked households moved to another village (unlinked) or within theirs (kept), and
        # one registered and moved at once.
        cmd("move_household", on="2015-05-02", household=hid(2), group=GROUP_B1),
        cmd("move_household", on="2015-05-02", household=hid(3), group=GROUP_A1),
        household(8, GROUP_A2, "2015-05-02"),
        cmd("move_household", on="2015-05-03", household=hid(8), group=GROUP_B1),
        cmd("close_unit", on="2015-05-03", unit=GROUP_C3),
        cmd("merge_unit", on="2015-05-04", unit=GROUP_C2, into=GROUP_C1),
        cmd("exit_poverty", on="2015-05-05", unit=VILLAGE_A),
        cmd("declare_poor_village", on="2015-05-06", unit=VILLAGE_B),
    )
    return ch


Rows = dict[str, list[dict[str, Any]]]


def network_tables(z: Zhucun, page_size: int) -> Rows:
    """The network tables built from the whole log read in pages of ``page_size`` events,
    each page in a transaction of its own as when catching up."""
    log = z.store.read_log(0, 100_000)
    model = NetworkModel()
    with z.engine.begin() as conn:
        tables.metadata.drop_all(conn)
        tables.metadata.create_all(conn)
    for start in range(0, len(log), page_size):
        with z.engine.begin() as conn:
            model.process(conn, log[start : start + page_size])
    with z.engine.connect() as conn:
        return {
            table.name: sorted((dict(r._mapping) for r in conn.execute(select(table))), key=repr)
            for table in tables.metadata.sorted_tables
        }


def by(rows: list[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}


def hex_id(text: str) -> str:
    return UUID(text).hex


def test_the_network_tables_are_the_same_read_event_by_event_or_in_one_page(zhucun):
    ch = interleaved_log(zhucun)
    one_page = network_tables(zhucun, page_size=10_000)
    assert network_tables(zhucun, page_size=1) == one_page

    # and they are what the events say
    units = by(one_page["rm_units"], "code")
    for group in (GROUP_C1, GROUP_C4):
        assert units[group]["path"] == f"/210500/210521/{TOWNSHIP_2}/{VILLAGE_C}/{group}/"
    assert units[GROUP_C3]["path"] == f"/210500/210521/{TOWNSHIP}/{VILLAGE_B}/{GROUP_C3}/"
    assert units[GROUP_C1]["name"] == "丙村新一组"
    assert units[GROUP_C2]["closed_on"] and units[GROUP_C3]["closed_on"]
    assert units[VILLAGE_A]["poor_since"] and units[VILLAGE_A]["exited_poverty_on"]
    assert units[VILLAGE_B]["poor_since"] and units[VILLAGE_B]["exited_poverty_on"] is None

    households = by(one_page["rm_households"])
    left = households[hex_id(hid(5))]  # linked, then left
    assert left["ended_on"] and left["central_household_id"] is None
    other_village = households[hex_id(hid(2))]
    assert (other_village["village_code"], other_village["central_household_id"]) == (
        VILLAGE_B,
        None,
    )
    same_village = households[hex_id(hid(3))]
    assert (same_village["group_code"], same_village["central_household_id"]) == (
        GROUP_A1,
        hex_id(ch),
    )
    assert households[hex_id(hid(6))]["group_code"] == GROUP_C1  # moved with its merged group
    assert households[hex_id(hid(7))]["central_household_id"] is None  # unlinked
    assert households[hex_id(hid(8))]["group_code"] == GROUP_B1  # registered, then moved

    sites = by(one_page["rm_sites"], "unit_code")
    reopened = sites[VILLAGE_A]
    assert reopened["name"] == "甲村服务站" and reopened["closed_on"] is None
    assert reopened["responsible_name"] is None and reopened["responsible_member_id"] is None
    point = sites[GROUP_A1]
    assert point["responsible_name"] == "王五" and point["responsible_member_id"] is None

    members = by(one_page["rm_party_members"])
    assert members[hex_id(mid(2))]["status"] == "deceased" and members[hex_id(mid(2))]["ended_on"]
    assert members[hex_id(mid(3))]["status"] == "transferred_out"
    (central,) = one_page["rm_central_households"]  # ended, then designated again
    assert central["party_member_id"] == hex_id(mid(1)) and central["ended_on"] is None
