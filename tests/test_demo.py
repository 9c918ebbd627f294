"""The Benxi demo: the shape the issue asks for, the gaps it leaves to find, and determinism.

The demo is loaded once for the module (a few seconds on SQLite). These tests read the network
read model only: the coverage read model has its own tests and takes much longer to build over
the whole demo. On PostgreSQL the demo is written again without read models and its log is
compared with SQLite's, which says more than repeating every check there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.bootstrap import Zhucun, bootstrap
from app.clock import SettableClock, local_today
from app.demo import DemoReport, StoreNotEmptyError, estimated_events, load_demo
from projections.network import NetworkModel
from projections.runner import Projections
from projections.tables import central_households, households, party_members, sites, units
from tests.conftest import pg_url_for_new_schema

pytestmark = pytest.mark.slow

SEED = 2014
COUNTIES = {
    "210502": "平山区",
    "210503": "溪湖区",
    "210504": "明山区",
    "210505": "南芬区",
    "210521": "本溪满族自治县",
    "210522": "桓仁满族自治县",
}


def open_store(url: str) -> Zhucun:
    z = bootstrap(url, SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)))
    z.projections = Projections(z.engine, z.store, [NetworkModel()])
    return z


def log_of(z: Zhucun) -> list[tuple[str, bytes]]:
    """(topic, state) of every stored event, in log order."""
    out: list[tuple[str, bytes]] = []
    after = 0
    while page := z.store.recorder.select_notifications(
        start=after, limit=10_000, inclusive_of_start=False
    ):
        out += [(n.topic, bytes(n.state)) for n in page]
        after = page[-1].id
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Zhucun, DemoReport]]:
    z = open_store(f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db")
    report = load_demo(z, SEED)
    yield z, report
    z.close()


@pytest.fixture(scope="module")
def events(demo: tuple[Zhucun, DemoReport]) -> list[Any]:
    return [logged.event for page in demo[0].store.iter_log() for logged in page]


def rows(z: Zhucun, query: Any) -> list[Any]:
    with z.engine.connect() as conn:
        return list(conn.execute(query))


# -- the shape of the city --------------------------------------------------------------------


def test_benxi_has_its_six_county_level_units_and_72_poor_villages(demo):
    z, report = demo
    summary = z.summary("210500")
    assert summary is not None
    assert summary["name"] == "本溪市"
    assert summary["poor_villages"] == 72 == report.poor_villages
    assert dict(rows(z, select(units.c.code, units.c.name).where(units.c.level == "county"))) == (
        COUNTIES
    )
    assert summary["villages"] == report.villages >= 72
    # Most poor villages lie in the two autonomous counties.
    poor = rows(z, select(units.c.code).where(units.c.poor_since.is_not(None)))
    in_autonomous = sum(1 for (code,) in poor if code[:6] in ("210521", "210522"))
    assert in_autonomous >= 0.8 * 72


def test_real_township_names_are_used(demo):
    z, _ = demo
    names = {name for (name,) in rows(z, select(units.c.name).where(units.c.level == "township"))}
    assert {"小市镇", "草河口镇", "桓仁镇", "雅河朝鲜族乡", "下马塘街道", "桥头镇"} <= names


def test_every_code_extends_its_parents_code(demo):
    z, _ = demo
    lengths = {"county": 6, "township": 9, "village": 12, "group": 15}
    for code, level, parent in rows(z, select(units.c.code, units.c.level, units.c.parent_code)):
        if level == "city":
            assert code == "210500" and parent is None
            continue
        # A county shares its city's first four digits; below that, the whole parent code.
        prefix = parent[:4] if level == "county" else parent
        assert len(code) == lengths[level] and code.startswith(prefix), code


def test_each_village_has_4_to_12_groups_and_150_to_600_households(demo):
    z, _ = demo
    groups = Counter(
        parent for (parent,) in rows(z, select(units.c.parent_code).where(units.c.level == "group"))
    )
    homes = Counter(
        village
        for (village,) in rows(
            z, select(households.c.village_code).where(households.c.ended_on.is_(None))
        )
    )
    villages = [c for (c,) in rows(z, select(units.c.code).where(units.c.level == "village"))]
    for village in villages:
        assert 4 <= groups[village] <= 12, village
        assert 150 <= homes[village] <= 600, village


def test_party_members_are_5_to_8_percent_of_residents_and_live_in_their_village(demo):
    z, _ = demo
    residents = dict(
        rows(
            z,
            select(households.c.village_code, func.sum(households.c.members))
            .where(households.c.ended_on.is_(None))
            .group_by(households.c.village_code),
        )
    )
    members = Counter()
    query = select(party_members.c.village_code, households.c.village_code).join(
        households, households.c.id == party_members.c.household_id
    )
    for village, home_village in rows(z, query.where(party_members.c.status == "active")):
        assert village == home_village
        members[village] += 1
    for village, people in residents.items():
        assert 0.05 <= members[village] / people <= 0.08, village


def test_central_households_link_10_to_20_neighbours(demo):
    z, _ = demo
    linked = Counter(
        ch
        for (ch,) in rows(
            z,
            select(households.c.central_household_id).where(
                households.c.ended_on.is_(None), households.c.central_household_id.is_not(None)
            ),
        )
    )
    ids = [ch for (ch,) in rows(z, select(central_households.c.id))]
    assert len(ids) > 72 * 8
    assert max(linked[ch] for ch in ids) <= 20
    assert sum(1 for ch in ids if 10 <= linked[ch] <= 20) >= 0.95 * len(ids)


# -- the gaps left to find --------------------------------------------------------------------


def test_some_groups_have_no_point_and_a_few_villages_no_station(demo):
    z, _ = demo
    open_sites = {
        unit for (unit,) in rows(z, select(sites.c.unit_code).where(sites.c.closed_on.is_(None)))
    }
    by_level: dict[str, list[str]] = {"village": [], "group": []}
    for code, level in rows(z, select(units.c.code, units.c.level)):
        if level in by_level:
            by_level[level].append(code)
    groups_without = [g for g in by_level["group"] if g not in open_sites]
    villages_without = [v for v in by_level["village"] if v not in open_sites]
    assert 0 < len(groups_without) < 0.2 * len(by_level["group"])
    assert 1 <= len(villages_without) <= 5


def test_some_households_are_unlinked_and_some_central_households_vacant(demo):
    z, _ = demo
    active_ch = {
        ch: member
        for ch, member in rows(
            z,
            select(central_households.c.id, central_households.c.party_member_id).where(
                central_households.c.ended_on.is_(None)
            ),
        )
    }
    status = dict(rows(z, select(party_members.c.id, party_members.c.status)))
    vacant = [ch for ch, member in active_ch.items() if status[member] != "active"]
    assert 3 <= len(vacant) <= 25
    homes = rows(
        z,
        select(households.c.id, households.c.central_household_id).where(
            households.c.ended_on.is_(None)
        ),
    )
    ch_homes = {h for (h,) in rows(z, select(central_households.c.household_id))}
    unlinked = [h for h, ch in homes if ch not in active_ch and h not in ch_homes]
    assert 0 < len(unlinked) < 0.1 * len(homes)


def test_some_sites_have_nobody_responsible(demo):
    z, _ = demo
    nobody = rows(
        z,
        select(sites.c.unit_code).where(
            sites.c.closed_on.is_(None), sites.c.responsible_name.is_(None)
        ),
    )
    assert len(nobody) > 0


def test_households_move_and_leave_members_go_and_a_village_is_renamed(events):
    kinds = Counter(type(e).__qualname__ for e in events)
    for kind in (
        "Household.Moved",
        "Household.Left",
        "PartyMember.TransferredOut",
        "PartyMember.Died",
        "CentralHousehold.PartyMemberChanged",
        "Unit.Renamed",
        "Site.Closed",
    ):
        assert kinds[kind] > 0, kind


# -- who and when ---------------------------------------------------------------------------


def test_named_actors_record_2014_to_2016_in_log_order_never_in_advance(events):
    roles = {e.actor_role for e in events}
    assert roles == {"city_admin", "county_admin", "township_officer", "team_member"}
    assert all(e.reason.strip() and not e.actor_id.isascii() for e in events)
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps), "the log is written in recording order"
    delays = []
    for e in events:
        recorded = local_today(e.timestamp)
        occurred = date.fromisoformat(e.occurred_on)
        assert date(2014, 1, 1) <= occurred <= recorded <= date(2016, 12, 31)
        delays.append((recorded - occurred).days)
    network = [d for d, e in zip(delays, events, strict=True) if e.occurred_on != "2014-01-01"]
    assert sum(1 for d in network if d <= 8) >= 0.8 * len(network)
    assert any(d >= 14 for d in network), "a few entries are back-dated by weeks"


def test_loading_into_a_store_that_is_not_empty_is_refused(demo):
    z, _ = demo
    before = z.store.max_position()
    with pytest.raises(StoreNotEmptyError):
        load_demo(z, SEED)
    assert z.store.max_position() == before


# -- determinism ------------------------------------------------------------------------------


def test_the_same_seed_writes_the_same_log(demo, tmp_path: Path):
    first, report = demo
    again = open_store(f"sqlite:///{tmp_path}/again.db")
    written: list[int] = []
    try:
        second = load_demo(again, SEED, progress=written.append, catch_up=False)
        assert sum(written) == second.events == report.events == estimated_events(SEED)
        assert log_of(again) == log_of(first)
    finally:
        again.close()


@pytest.mark.postgres
def test_the_demo_writes_the_same_log_on_postgresql(demo):
    first, report = demo
    z = open_store(pg_url_for_new_schema())
    try:
        assert load_demo(z, SEED, catch_up=False).events == report.events
        assert log_of(z) == log_of(first)
    finally:
        z.close()
