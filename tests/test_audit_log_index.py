"""The audit log answered from the audit index equals the reading of the whole log, row for
row, for every filter and combination, every way the index can be searched, on both
engines; and the index is a read model like the others (rebuilt equal, versioned)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app.audit import lookup as audit_lookup
from app.audit import people as audit_people
from app.audit.directory import PageDirectory
from app.audit.log import AuditFilter, audit_page, scan_rows
from app.audit.lookup import indexed_rows
from app.audit.people import Directory
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from domain.errors import TeamNotFoundError, UnitNotFoundError
from projections.audit import queries as audit_queries
from projections.audit.index import entries, firsts, links
from projections.runner import Projections, default_models
from projections.tables import positions, units
from tests.builders import answer, apply, cmd, hid, household, mid, open_unit, small_network
from tests.team_builders import LEADER, MEMBER, cid, leave, lid, register_units_and_cadres, tid
from tests.units import GROUP_A1, GROUP_A2, GROUP_B1, TOWNSHIP, VILLAGE_A, VILLAGE_B

UNKNOWN = "00000000-0000-0000-0009-000000000099"


def _history(z: Zhucun, clock: SettableClock) -> None:
    """Units, households, a central household, two teams with members, months, leave,
    diaries and visits, a household moved to the other village, a link corrected; recorded
    over several days, some long after they occurred."""
    clock.set(datetime(2014, 6, 20, 3, 0, tzinfo=UTC))
    net = small_network(z)
    register_units_and_cadres(z)
    clock.set(datetime(2014, 6, 30, 17, 0, tzinfo=UTC))  # 2014-07-01 01:00 in Beijing
    apply(
        z,
        cmd("dispatch_team", on="2014-06-01", unit="CITY-AGRI", village=VILLAGE_A, id=tid(1)),
        cmd("join_team", on="2014-06-01", team=tid(1), cadre=cid(LEADER), as_leader=True),
        cmd("join_team", on="2014-06-01", team=tid(1), cadre=cid(MEMBER)),
        cmd("dispatch_team", on="2014-06-01", unit="CITY-AGRI", village="210521100202", id=tid(2)),
        cmd("join_team", on="2014-06-05", team=tid(2), cadre=cid(3)),
    )
    clock.set(datetime(2014, 7, 2, 3, 0, tzinfo=UTC))
    apply(
        z,
        cmd("check_in", on="2014-06-02", actor="张队长", role="team_member", cadre=cid(LEADER)),
        cmd("check_in", on="2014-07-01", actor="张队长", role="team_member", cadre=cid(LEADER)),
        cmd("check_in", on="2014-06-06", actor="赵科员", role="team_member", cadre=cid(3)),
        leave(1, "2014-06-10", "2014-06-11", on="2014-06-03", role="team_member"),
        cmd("write_diary", on="2014-06-20", cadre=cid(MEMBER), text="走访三户"),
        cmd("visit_household", on="2014-06-21", cadre=cid(MEMBER), household=hid(3), note="走访"),
    )
    clock.set(datetime(2016, 12, 31, 4, 0, tzinfo=UTC))
    r = apply(
        z,
        cmd("approve_leave", on="2014-06-04", actor="wang.admin", leave=lid(1)),
        cmd(
            "link_household",
            on="2016-12-28",
            household=hid(2),
            central_household=net.central_household,
        ),
        cmd("move_household", on="2016-12-30", household=hid(4), group=VILLAGE_A + "002"),
    )
    assert r.results
    z.projections.catch_up()
    linked = [
        r["position"] for r in scan_rows(z.store, z.engine, AuditFilter(event="Household.Linked"))
    ]
    apply(
        z,
        cmd("record_correction", on="2016-12-31", position=linked[-1], note="误联系"),
        cmd("unlink_household", on="2016-12-31", household=hid(2)),
        cmd("move_household", on="2016-12-31", household=hid(2), group=GROUP_B1),
    )
    z.projections.catch_up()


def _filters(z: Zhucun) -> list[dict[str, Any]]:
    with z.engine.connect() as conn:
        codes = list(conn.execute(select(units.c.code)).scalars())
    people = [
        cid(LEADER),
        cid(LEADER).replace("-", "").upper(),
        cid(MEMBER),
        cid(3),
        hid(1),
        hid(2),
        hid(4),
        mid(1),
        "张队长",
        "李队员",
        "王大",
        "户主 李二",
        "赵四",
        "中心户 户主 王大",
        "甲村 (210521100201)",
        "本溪市农委 (CITY-AGRI)",
        "张队长 2014-06",
        "li.clerk",
        "nobody",
        UNKNOWN,
    ]
    out: list[dict[str, Any]] = [{}]
    out += [{"unit": c} for c in codes]
    out += [{"team": UUID(t)} for t in (tid(1), tid(2))]
    out += [{"person": p} for p in people]
    out += [{"actor": a} for a in ("li.clerk", "张队长", "wang.admin", "nobody")]
    out += [
        {"event": e}
        for e in ("Household.Moved", "MemberMonth.CheckedIn", "Correction.Recorded", "No.Such")
    ]
    out += [{"subject": s} for s in (hid(2), cid(LEADER), tid(1), hid(2).replace("-", ""))]
    out += [
        {"occurred_from": date(2014, 6, 2), "occurred_to": date(2014, 6, 30)},
        {"recorded_from": date(2014, 7, 1), "recorded_to": date(2014, 7, 1)},
        {"recorded_to": date(2014, 6, 30)},
        {"backdated_only": True},
        {"backdated_only": True, "backdated_days": 0},
        {"backdated_only": True, "backdated_days": 1000},
        {"corrections_only": True},
        {"unit": VILLAGE_A, "event": "Household.Moved"},
        {"unit": "210521100202", "person": hid(2)},
        {"unit": VILLAGE_A, "backdated_only": True, "occurred_from": date(2014, 6, 3)},
        {"team": UUID(tid(1)), "occurred_to": date(2014, 6, 30)},
        {"person": "张队长", "recorded_from": date(2014, 7, 1), "actor": "张队长"},
        {"person": cid(MEMBER), "event": "LeaveRequest.Approved"},
        {"unit": VILLAGE_A, "after": 40, "limit": 3},
        {"unit": "210521", "limit": 4, "page": 3},
        {"person": "张队长", "after": 60},
        {"team": UUID(tid(1)), "after": 55, "limit": 2},
        {"limit": 5, "page": 4},
        {"after": 70},
        {"unit": "210599"},
        {"team": UUID(UNKNOWN)},
    ]
    return out


def _both(z: Zhucun, f: AuditFilter) -> tuple[Any, Any]:
    def answer(rows: Any) -> Any:
        try:
            return list(rows)
        except (UnitNotFoundError, TeamNotFoundError) as e:
            return type(e).__name__

    found = indexed_rows(z.store, z.engine, f)
    assert found is not None, "the index answers a caught-up store"
    return answer(found), answer(scan_rows(z.store, z.engine, f))


# The ways the index is searched: as chosen; every unit asked id by id (broad); every scope
# read in log order; every scope read from its ids; windows of two positions (merging).
WAYS = {
    "chosen": {},
    "broad-units": {"LISTED_UNITS": 0, "LISTED_SHARE": 10**9},
    "broad-from-the-start": {"LISTED_UNITS": 0, "LISTED_SHARE": 10**9, "BOUNDED": False},
    "log-order": {"BY_IDS": 0, "LISTED_UNITS": 0, "LISTED_SHARE": 10**9},
    "by-ids": {"BY_IDS": 10**9},
    "tiny-windows": {"BY_IDS": 10**9, "WINDOW": 2, "CHUNK": 3},
    # A broad unit asked where its bulk starts before any window, or after a few tiny ones.
    "broad-split-at-once": {"LISTED_UNITS": 0, "LISTED_SHARE": 10**9, "SPLIT_AFTER": 0},
    "broad-split-late": {
        "LISTED_UNITS": 0,
        "LISTED_SHARE": 10**9,
        "SPLIT_AFTER": 3,
        "WINDOW": 2,
        "CHUNK": 3,
    },
}
QUERIES = ("WINDOW", "CHUNK", "SPLIT_AFTER")  # settings of projections/audit/queries.py


@pytest.mark.parametrize("way", WAYS)
def test_every_filter_gives_the_rows_of_the_whole_log(
    zhucun: Zhucun, clock: SettableClock, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(zhucun, clock)
    for name, value in WAYS[way].items():
        module = audit_queries if name in QUERIES else audit_lookup
        monkeypatch.setattr(module, name, value)
    kept_somewhere = 0
    for kw in _filters(zhucun):
        ours, scanned = _both(zhucun, AuditFilter(**kw))
        assert ours == scanned, kw
        kept_somewhere += bool(scanned) and isinstance(scanned, list)
    assert kept_somewhere > 40  # the filters are not all empty


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_combination_of_filters_gives_the_rows_of_the_whole_log(
    zhucun: Zhucun, clock: SettableClock, data: st.DataObject
) -> None:
    if not zhucun.store.max_position():
        _history(zhucun, clock)
    pools = [kw for kw in _filters(zhucun) if len(kw) == 1]
    chosen = data.draw(st.lists(st.sampled_from(pools), min_size=1, max_size=3))
    kw: dict[str, Any] = {}
    for part in chosen:
        kw.update(part)
    kw["after"] = data.draw(st.none() | st.integers(0, zhucun.store.max_position()))
    kw["limit"] = data.draw(st.none() | st.integers(1, 8))
    way = data.draw(st.sampled_from([w for w in WAYS if w.startswith(("chosen", "broad"))]))

    def module(name: str) -> Any:
        return audit_queries if name in QUERIES else audit_lookup

    kept = {name: getattr(module(name), name) for name in WAYS[way]}
    try:
        for name, value in WAYS[way].items():
            setattr(module(name), name, value)
        ours, scanned = _both(zhucun, AuditFilter(**kw))
    finally:
        for name, value in kept.items():
            setattr(module(name), name, value)
    assert ours == scanned, (way, kw)


def test_a_page_after_a_position_is_that_part_of_the_whole_answer(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    # The leave's approval names no team or village: it belongs to village A through the
    # request, recorded before the page starts.
    _history(zhucun, clock)
    store, engine = zhucun.store, zhucun.engine
    whole = list(scan_rows(store, engine, AuditFilter(unit=VILLAGE_A)))
    (requested,) = [r["position"] for r in whole if r["event"] == "LeaveRequest.Requested"]
    for after in (0, requested, whole[-2]["position"]):
        expected = [r["position"] for r in whole if r["position"] > after]
        f = AuditFilter(unit=VILLAGE_A, after=after)
        assert [r["position"] for r in scan_rows(store, engine, f)] == expected
        assert [r["position"] for r in audit_page(store, engine, f).rows] == expected
    approval = AuditFilter(unit=VILLAGE_A, after=requested, event="LeaveRequest.Approved")
    assert [r["event"] for r in audit_page(store, engine, approval).rows] == [
        "LeaveRequest.Approved"
    ]


def test_the_page_directory_names_people_as_the_whole_directory_does(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    _history(zhucun, clock)
    whole, page = Directory(zhucun.engine), PageDirectory(zhucun.engine)
    whole._load()
    ids = [*sorted(whole.names), UUID(UNKNOWN).hex]
    page.prefetch(ids[: len(ids) // 2])
    assert {i: page.name_of(i) for i in ids} == {i: whole.name_of(i) for i in ids}
    actors = [*sorted(whole.actors), "li.clerk", "nobody", cid(LEADER), UNKNOWN]
    assert {a: page.actor(a) for a in actors} == {a: whole.actor(a) for a in actors}
    for given_ in [*sorted(set(whole.names.values())), *actors, "户主 王大", "王大"]:
        assert PageDirectory(zhucun.engine).person(given_) == whole.person(given_), given_


def test_the_index_rebuilt_equals_the_index_kept_up(zhucun: Zhucun, clock: SettableClock) -> None:
    _history(zhucun, clock)

    def rows() -> list[Any]:
        with zhucun.engine.connect() as conn:
            return [
                sorted(tuple(r) for r in conn.execute(select(entries))),
                sorted(tuple(r) for r in conn.execute(select(links))),
                sorted(tuple(r) for r in conn.execute(select(firsts))),
            ]

    kept = rows()
    assert len(kept[0]) == zhucun.store.max_position()
    checksum = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert rows() == kept and zhucun.projections.checksum() == checksum


def test_the_index_is_listed_with_the_read_models(zhucun: Zhucun, clock: SettableClock) -> None:
    _history(zhucun, clock)
    positions = zhucun.projections.positions()
    assert positions["audit_index"] == zhucun.store.max_position()


def test_cli_keeps_only_back_dated_entries_or_only_corrections(db_url: str) -> None:
    import json

    from click.testing import CliRunner

    from app.cli.main import cli

    runner = CliRunner()
    lines = [
        cmd("open_unit", on="2014-01-01", code="210500", name="本溪市", level="city"),
        open_unit("210521", "县", "county", "210500", on=date.today().isoformat()),
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0  # only init creates
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=text).exit_code == 0
    line = json.dumps(cmd("record_correction", position=2, note="日期有误"), ensure_ascii=False)
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=line).exit_code == 0

    def events(*options: str) -> list[str]:
        r = runner.invoke(cli, ["--db", db_url, "audit", "log", "--json", *options])
        assert r.exit_code == 0, r.output
        return [row["event"] for row in answer(r.stdout)]

    assert events("--backdated-only") == ["Unit.Opened", "Correction.Recorded"]
    assert events("--corrections-only") == ["Correction.Recorded"]
    assert events("--backdated-only", "--backdated-days", "36500") == []


# -- units too broad to list: read in log order from where their entries can start ----------

CITY_2, COUNTY_C, COUNTY_E = "210600", "210621", "210622"
# A city opened (with its service centre) at the start of the log, its villages only late.
CITY_3, COUNTY_3, TOWNSHIP_3 = "210700", "210721", "210721100"
VILLAGE_3, GROUP_3 = TOWNSHIP_3 + "201", TOWNSHIP_3 + "201001"
TOWNSHIP_C, TOWNSHIP_E = COUNTY_C + "100", COUNTY_E + "100"
VILLAGE_C, VILLAGE_E = TOWNSHIP_C + "201", TOWNSHIP_E + "201"
GROUP_C1, GROUP_C2, GROUP_E1 = VILLAGE_C + "001", VILLAGE_C + "002", VILLAGE_E + "001"
EARLY = 30  # households registered in the first city before the second is opened


def _household(n: int, group: str, on: str = "2014-06-01") -> dict[str, Any]:
    return household(100 + n, group, f"户{n}", 2, on)


def _late_city(z: Zhucun, clock: SettableClock) -> None:
    """``small_network`` and a busy first city; then, late in the log, a second city. Its
    first county takes in what was placed elsewhere early, after its first entries: a
    household moved in (one with a party member and a central household, who stay in their
    village), a village moved under its township with its group and household, a group
    merged into another (its household moved with it), and a household of its own moved
    out. Its second county holds only what was placed there late."""
    clock.set(datetime(2014, 6, 20, 3, 0, tzinfo=UTC))
    small_network(z)
    apply(
        z,
        cmd("open_unit", on="2014-01-01", code=CITY_3, name="锦州市", level="city"),
        cmd("open_site", on="2014-01-01", unit=CITY_3, kind="centre"),
    )
    apply(z, *[_household(n, (GROUP_A1, GROUP_A2, GROUP_B1)[n % 3]) for n in range(EARLY)])
    clock.set(datetime(2015, 6, 20, 3, 0, tzinfo=UTC))
    on = "2015-06-01"
    apply(
        z,
        open_unit(CITY_2, "丹东市", "city", on=on),
        open_unit(COUNTY_C, "丙县", "county", CITY_2, on=on),
        open_unit(COUNTY_E, "戊县", "county", CITY_2, on=on),
        open_unit(TOWNSHIP_C, "丙镇", "township", COUNTY_C, on=on),
        open_unit(TOWNSHIP_E, "戊镇", "township", COUNTY_E, on=on),
        open_unit(VILLAGE_C, "丙村", "village", TOWNSHIP_C, on=on),
        open_unit(VILLAGE_E, "戊村", "village", TOWNSHIP_E, on=on),
        open_unit(GROUP_C1, "丙村一组", "group", VILLAGE_C, on=on),
        open_unit(GROUP_C2, "丙村二组", "group", VILLAGE_C, on=on),
        open_unit(GROUP_E1, "戊村一组", "group", VILLAGE_E, on=on),
    )
    apply(
        z,
        *[_household(n, GROUP_C1, on) for n in range(EARLY, EARLY + 4)],
        *[_household(n, GROUP_E1, on) for n in range(EARLY + 4, EARLY + 12)],
        cmd("open_site", on=on, unit=VILLAGE_E, kind="station"),
        cmd("open_site", on=on, unit=GROUP_E1, kind="point"),
    )
    clock.set(datetime(2016, 6, 20, 3, 0, tzinfo=UTC))
    apply(
        z,
        cmd("move_household", on="2016-06-01", household=hid(3), group=GROUP_C2),
        cmd("move_household", on="2016-06-01", household=hid(1), group=GROUP_C1),
        cmd("move_unit", on="2016-06-01", unit=VILLAGE_B, parent=TOWNSHIP_C),
        cmd("move_household", on="2016-06-01", household=hid(100 + EARLY), group=GROUP_A2),
    )
    apply(z, cmd("merge_unit", on="2016-06-02", unit=GROUP_C2, into=GROUP_C1))
    on = "2016-06-03"
    apply(
        z,
        open_unit(COUNTY_3, "己县", "county", CITY_3, on=on),
        open_unit(TOWNSHIP_3, "己镇", "township", COUNTY_3, on=on),
        open_unit(VILLAGE_3, "己村", "village", TOWNSHIP_3, on=on),
        open_unit(GROUP_3, "己村一组", "group", VILLAGE_3, on=on),
        *[_household(n, GROUP_3, on) for n in range(EARLY + 12, EARLY + 16)],
    )
    z.projections.catch_up()


def _unit_filters(z: Zhucun) -> list[dict[str, Any]]:
    with z.engine.connect() as conn:
        codes = sorted(conn.execute(select(units.c.code)).scalars())
    middle = z.store.max_position() // 2
    out: list[dict[str, Any]] = [{"unit": c} for c in codes]
    for code in (CITY_2, COUNTY_C, COUNTY_E, CITY_3, VILLAGE_B, GROUP_C1, TOWNSHIP):
        out += [
            {"unit": code, "limit": 3},
            {"unit": code, "after": middle, "limit": 2},
            {"unit": code, "event": "Household.Moved"},
            {"unit": code, "person": hid(3)},
            {"unit": code, "after": z.store.max_position() - 3},
        ]
    return out


@pytest.mark.parametrize("way", [w for w in WAYS if w != "tiny-windows"])
def test_a_broad_unit_gives_the_rows_of_the_whole_log(
    zhucun: Zhucun, clock: SettableClock, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _late_city(zhucun, clock)
    for name, value in WAYS[way].items():
        monkeypatch.setattr(audit_queries if name in QUERIES else audit_lookup, name, value)
    for kw in _unit_filters(zhucun):
        ours, scanned = _both(zhucun, AuditFilter(**kw))
        assert ours == scanned, kw
    moved_in = _both(zhucun, AuditFilter(unit=COUNTY_C))[1]
    # What was placed elsewhere first is under the county now, from its first entry on.
    assert {hid(1), hid(3), hid(4)} <= {r["subject"] for r in moved_in}
    assert moved_in[0]["position"] < 20


def test_a_broad_unit_late_in_the_log_is_read_from_its_first_entries(
    zhucun: Zhucun, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _late_city(zhucun, clock)
    for name, value in WAYS["broad-units"].items():
        monkeypatch.setattr(audit_lookup, name, value)
    monkeypatch.setattr(audit_queries, "SPLIT_AFTER", 0)  # as after windows that found little
    read: list[int] = []
    named = audit_queries._named

    def counted(conn: Any, found: list[int]) -> Any:
        read.extend(found)
        return named(conn, found)

    monkeypatch.setattr(audit_queries, "_named", counted)
    for code in (COUNTY_E, CITY_3, CITY_2, COUNTY_C):
        whole = [
            r["position"] for r in scan_rows(zhucun.store, zhucun.engine, AuditFilter(unit=code))
        ]
        seen = {}
        for bounded in (True, False):
            monkeypatch.setattr(audit_lookup, "BOUNDED", bounded)
            read.clear()
            f = AuditFilter(unit=code, limit=4)
            assert [
                r["position"] for r in audit_page(zhucun.store, zhucun.engine, f).rows
            ] == whole[:4]
            seen[bounded] = list(read)
        assert min(seen[False]) == 1  # from the start, every entry read
        if code == COUNTY_E:  # placed there late, and only late
            assert min(seen[True]) > EARLY
            assert len(seen[True]) < len(seen[False]) / 2
        elif code == CITY_3:  # its own two entries early, then nothing until its villages
            gap = range(whole[1] + 1, whole[2])
            assert len(gap) > EARLY
            assert seen[True][:2] == whole[:2] and not set(seen[True]) & set(gap)
        else:  # what moved in was first placed elsewhere, early: read from there
            assert min(seen[True]) < 20
    # Asked after windows in log order that met the city's own entries: what those windows
    # taught the scope does not move where its bulk starts.
    whole = [
        r["position"] for r in scan_rows(zhucun.store, zhucun.engine, AuditFilter(unit=CITY_3))
    ]
    monkeypatch.setattr(audit_lookup, "BOUNDED", True)
    monkeypatch.setattr(audit_queries, "WINDOW", 2)
    windows = next(k for k in range(1, 20) if 2 * (2**k - 1) >= whole[1])
    read_so_far = 2 * (2**windows - 1)
    assert read_so_far < whole[2] - EARLY
    monkeypatch.setattr(audit_queries, "SPLIT_AFTER", windows)
    read.clear()
    f = AuditFilter(unit=CITY_3, limit=4)
    assert [r["position"] for r in audit_page(zhucun.store, zhucun.engine, f).rows] == whole[:4]
    assert not [p for p in read if read_so_far < p < whole[2]]


@pytest.mark.parametrize("history", ["history", "late-city"])
def test_the_first_positions_bound_everything_placed(
    zhucun: Zhucun, clock: SettableClock, history: str
) -> None:
    (_history if history == "history" else _late_city)(zhucun, clock)
    with zhucun.engine.connect() as conn:
        bound = dict(conn.execute(select(firsts.c.unit_code, firsts.c.position)).all())
        placed = [(code, uid) for code, uid in conn.execute(select(units.c.code, units.c.id))]
        for table, id_column, column in audit_people._PLACES_SQL:
            placed += [
                (code, i)
                for i, code in conn.exec_driver_sql(f"SELECT {id_column}, {column} FROM {table}")
            ]
        first = dict(
            conn.exec_driver_sql(
                "SELECT ref, MIN(position) FROM audit_links WHERE (roles & 3) <> 0 GROUP BY ref"
            ).all()
        )
    assert len(placed) > 10
    for code, ref in placed:
        assert bound[code] <= first[ref], (code, ref)


def test_the_first_positions_do_not_depend_on_when_the_network_was_fed(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    """Kept up after the network model in each page, rebuilt alone while the network stands
    at the head of the log, rebuilt before the network in each page: the same rows."""
    _late_city(zhucun, clock)

    def rows() -> list[Any]:
        with zhucun.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(firsts)))

    kept = rows()
    bound = dict(kept)
    assert len(bound) == 23  # a row for each unit: each has an entry of its own
    # Households moved in brought their registrations, long before the group was opened.
    assert bound[GROUP_C1] < bound[COUNTY_C] and bound[GROUP_C2] < bound[COUNTY_C]
    assert bound[COUNTY_E] > EARLY and bound[GROUP_E1] > bound[COUNTY_E]
    with zhucun.engine.begin() as conn:  # as tables built by the version before
        conn.execute(
            update(positions).where(positions.c.name == "version:audit_index").values(position=1)
        )
    zhucun.projections.create_tables()  # the new version built beside, alone, and switched in
    head = zhucun.store.max_position()
    assert zhucun.projections.positions()["audit_index"] == head
    assert zhucun.projections.positions()["network"] == head
    assert rows() == kept
    audit_first = Projections(
        zhucun.engine, zhucun.store, list(reversed(default_models())), batch_size=7
    )
    audit_first.rebuild()
    assert rows() == kept


# Events the read models handle that name a unit but place nothing the audit index bounds:
# the query follows today's paths (a unit moved), the children of a merged unit move by
# events of their own, and teams, cadres and departments are listed at query time.
NOT_PLACING = {
    "Unit.Moved",
    "Unit.Merged",
    "DispatchingUnit.Registered",
    "Cadre.Registered",
    "Team.Dispatched",
}


def test_every_event_that_names_a_unit_is_known_to_the_first_positions() -> None:
    """A new event placing something by a unit's code must be taught to ``PLACING``."""
    from projections import network
    from projections.audit.index import PLACING
    from projections.teams import model as teams

    handled = {}
    for event in [*network.HANDLERS, *teams.HANDLERS]:
        fields: dict[str, Any] = {}
        for cls in reversed(event.__mro__):
            fields.update(getattr(cls, "__annotations__", {}))
        handled[event.__qualname__] = [f for f in fields if f.endswith("code")]
    naming = {name for name, codes in handled.items() if codes}
    assert naming - NOT_PLACING <= set(PLACING)
    assert set(PLACING) <= set(handled) and not NOT_PLACING & set(PLACING)
    for name, field in PLACING.items():
        assert field in handled[name] or name == "VillageProfile.Reclassified", name
