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
from sqlalchemy import select

from app.audit import lookup as audit_lookup
from app.audit.directory import PageDirectory
from app.audit.log import AuditFilter, audit_page, scan_rows
from app.audit.lookup import indexed_rows
from app.audit.people import Directory
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from domain.errors import TeamNotFoundError, UnitNotFoundError
from projections.audit import queries as audit_queries
from projections.audit.index import entries, links
from projections.tables import units
from tests.builders import GROUP_B1, VILLAGE_A, answer, apply, cmd, hid, mid, small_network
from tests.team_builders import LEADER, MEMBER, cid, lid, register_units_and_cadres, tid

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
        cmd(
            "request_leave",
            on="2014-06-03",
            role="team_member",
            cadre=cid(MEMBER),
            first_day="2014-06-10",
            last_day="2014-06-11",
            id=lid(1),
        ),
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
    "log-order": {"BY_IDS": 0, "LISTED_UNITS": 0, "LISTED_SHARE": 10**9},
    "by-ids": {"BY_IDS": 10**9},
    "tiny-windows": {"BY_IDS": 10**9, "WINDOW": 2, "CHUNK": 3},
}


@pytest.mark.parametrize("way", WAYS)
def test_every_filter_gives_the_rows_of_the_whole_log(
    zhucun: Zhucun, clock: SettableClock, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(zhucun, clock)
    for name, value in WAYS[way].items():
        module = audit_queries if name in ("WINDOW", "CHUNK") else audit_lookup
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
    ours, scanned = _both(zhucun, AuditFilter(**kw))
    assert ours == scanned, kw


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
        cmd(
            "open_unit",
            on=date.today().isoformat(),
            code="210521",
            name="县",
            level="county",
            parent="210500",
        ),
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
