"""Roll-ups of whole subtrees (projections/coverage/rollup.py) against counting the rows.

Units move between parents, merge, open and close, centres and stations open and close,
households come and go, entries are back-dated: after every step, each unit's coverage today
from its roll-up equals the same coverage counted from the rows of its subtree, and a rebuild
gives the same tables as the incremental catch-up.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.bootstrap import BatchRefused, Zhucun, bootstrap
from app.store.clock import SettableClock
from projections.coverage import queries
from projections.coverage.model import CoverageModel
from projections.coverage.tables import rollup
from projections.tables import positions
from tests.builders import id_number
from tests.conftest import pg_url_for_new_schema

CITY = "210500"
COUNTIES = ["210521", "210522"]
TOWNS = ["210521100", "210521101", "210522100"]
VILLAGES = ["210521100201", "210521100202", "210521101201", "210522100201"]
LATE_VILLAGES = ["210521100203", "210522100202"]  # opened by the steps, if at all
HOUSEHOLDS = [f"00000000-0000-0000-0000-{i:012d}" for i in range(1, 9)]
START = datetime(2014, 1, 3, 2, 0, tzinfo=UTC)


def group_of(village: str) -> str:
    return f"{village}001"


def command(command_name: str, on: str, **args: Any) -> dict[str, Any]:
    return {
        "command": command_name,
        "args": args,
        "actor": "tester",
        "occurred_on": on,
        "reason": "t",
    }


def open_unit(code: str, level: str, parent: str | None, on: str) -> dict[str, Any]:
    extra = {"parent": parent} if parent else {}
    return command("open_unit", on, code=code, name=f"单位{code[-4:]}", level=level, **extra)


def skeleton() -> list[dict[str, Any]]:
    on = "2013-01-01"
    lines = [open_unit(CITY, "city", None, on)]
    lines += [open_unit(c, "county", CITY, on) for c in COUNTIES]
    lines += [open_unit(t, "township", t[:6], on) for t in TOWNS]
    for v in VILLAGES:
        lines += [open_unit(v, "village", v[:9], on), open_unit(group_of(v), "group", v, on)]
    for i, h in enumerate(HOUSEHOLDS[:5]):  # the others are for the steps to register
        lines.append(register(h, VILLAGES[i % len(VILLAGES)], on))
    lines += [
        command("open_site", on, unit=COUNTIES[0], kind="centre"),
        command("open_site", on, unit=TOWNS[0], kind="centre"),
        command("open_site", on, unit=VILLAGES[0], kind="station"),
    ]
    return lines


def register(household: str, village: str, on: str) -> dict[str, Any]:
    n = int(household[-3:])
    return command(
        "register_household",
        on,
        group=group_of(village),
        head_name=f"户{n}",
        members=2,
        id_number=id_number(n),
        id=household,
    )


def line_for(op: tuple[Any, ...], on: str) -> list[dict[str, Any]]:
    name, *a = op
    if name in ("move_village", "move_town"):
        return [command("move_unit", on, unit=a[0], parent=a[1])]
    if name == "merge_town":
        return [command("merge_unit", on, unit=a[0], into=a[1])]
    if name == "open_village":
        return [open_unit(a[0], "village", a[1], on), open_unit(group_of(a[0]), "group", a[0], on)]
    if name == "close_village":  # its group first: a unit with open children stays open
        return [
            command("close_unit", on, unit=group_of(a[0])),
            command("close_unit", on, unit=a[0]),
        ]
    if name == "open_site":
        kind = "station" if len(a[0]) == 12 else "centre"
        return [command("open_site", on, unit=a[0], kind=kind)]
    if name == "close_site":
        return [command("close_site", on, unit=a[0])]
    if name == "register":
        return [register(a[0], a[1], on)]
    if name == "household_left":
        return [command("household_left", on, household=a[0], how="moved_out")]
    raise AssertionError(name)


ALL_VILLAGES = VILLAGES + LATE_VILLAGES
operation = st.one_of(
    st.tuples(st.just("move_village"), st.sampled_from(ALL_VILLAGES), st.sampled_from(TOWNS)),
    st.tuples(st.just("move_town"), st.sampled_from(TOWNS), st.sampled_from(COUNTIES)),
    st.tuples(st.just("merge_town"), st.sampled_from(TOWNS), st.sampled_from(TOWNS)),
    st.tuples(st.just("open_village"), st.sampled_from(LATE_VILLAGES), st.sampled_from(TOWNS)),
    st.tuples(st.just("close_village"), st.sampled_from(ALL_VILLAGES)),
    st.tuples(st.just("open_site"), st.sampled_from([CITY, *COUNTIES, *TOWNS, *ALL_VILLAGES])),
    st.tuples(st.just("close_site"), st.sampled_from([*COUNTIES, *TOWNS, *ALL_VILLAGES])),
    st.tuples(st.just("register"), st.sampled_from(HOUSEHOLDS), st.sampled_from(ALL_VILLAGES)),
    st.tuples(st.just("household_left"), st.sampled_from(HOUSEHOLDS)),
)
step = st.tuples(
    operation,
    st.integers(min_value=0, max_value=30),  # days the recording clock moves first
    st.integers(min_value=0, max_value=200),  # how many days back the entry is dated
)
UNITS = [CITY, *COUNTIES, *TOWNS, *ALL_VILLAGES]


def assert_rollups_agree(z: Zhucun) -> None:
    z.projections.catch_up()
    with z.engine.connect() as conn:
        today = z.today()
        for unit in UNITS:
            by_rollup = queries.coverage(conn, unit, today, None, z.rules, now=True)
            by_rows = queries.coverage(conn, unit, today, None, z.rules, now=False)
            assert by_rollup == by_rows, unit


def rollup_rows(z: Zhucun) -> list[tuple[Any, ...]]:
    with z.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(rollup)))


def check(url: str, steps: list[Any]) -> None:
    clock = SettableClock(START)
    z = bootstrap(url, clock)
    try:
        z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in skeleton()))
        assert_rollups_agree(z)
        for op, advance, back in steps:
            clock.advance(timedelta(days=advance, minutes=1))
            on = max(date(2013, 1, 2), clock.now().date() - timedelta(days=back))
            lines = line_for(op, on.isoformat())
            try:
                z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
                event(f"applied {op[0]}")
            except BatchRefused:
                continue
            assert_rollups_agree(z)
        incremental, checksum = rollup_rows(z), z.projections.checksum()
        z.projections.rebuild()
        assert rollup_rows(z) == incremental
        assert z.projections.checksum() == checksum
        assert_rollups_agree(z)
    finally:
        z.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=3, max_size=25))
def test_rollups_equal_counting_the_rows_on_sqlite(steps):
    with tempfile.TemporaryDirectory() as tmp:
        check(f"sqlite:///{Path(tmp) / 'z.db'}", steps)


@pytest.mark.postgres
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=3, max_size=25))
def test_rollups_equal_counting_the_rows_on_postgresql(steps):
    check(pg_url_for_new_schema(), steps)


def test_a_village_moved_to_another_county_leaves_one_rollup_and_joins_the_other():
    with tempfile.TemporaryDirectory() as tmp:
        clock = SettableClock(START)
        z = bootstrap(f"sqlite:///{Path(tmp) / 'z.db'}", clock)
        try:
            z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in skeleton()))
            before = {c: z.coverage(c) for c in COUNTIES}
            clock.advance(timedelta(days=1))
            moved = VILLAGES[0]  # two households (the 1st and 5th), under 210521100 in 210521
            z.apply_text(json.dumps(line_for(("move_village", moved, TOWNS[2]), "2014-01-03")[0]))
            after = {c: z.coverage(c) for c in COUNTIES}
            assert before[COUNTIES[0]] and before[COUNTIES[1]]
            assert after[COUNTIES[0]] and after[COUNTIES[1]]
            for key in ("total", "unlinked"):
                assert (
                    after[COUNTIES[0]]["households"][key]
                    == before[COUNTIES[0]]["households"][key] - 2
                )
                assert (
                    after[COUNTIES[1]]["households"][key]
                    == before[COUNTIES[1]]["households"][key] + 2
                )
            assert after[COUNTIES[0]]["villages"]["total"] == 2
            assert after[COUNTIES[1]]["villages"]["total"] == 2
            assert z.coverage(CITY)["households"]["total"] == 5  # type: ignore[index]
        finally:
            z.close()


def test_tables_of_an_older_version_are_built_again_from_the_log():
    """A store whose coverage tables predate the roll-ups (no version recorded, no
    cov_rollup) is brought up to date when it is opened, not answered from empty tables:
    built beside the old tables, and switched in before the store is used."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'z.db'}"
        z = bootstrap(url, SettableClock(START))
        try:
            z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in skeleton()))
            expected, checksum = z.coverage(CITY), z.projections.checksum()
            with z.engine.begin() as conn:
                conn.execute(positions.delete().where(positions.c.name == "version:coverage"))
                rollup.drop(conn)
        finally:
            z.close()
        z = bootstrap(url, SettableClock(START))
        try:
            with z.engine.connect() as conn:
                assert conn.execute(select(rollup)).first() is not None  # built again
                version = conn.execute(
                    select(positions.c.position).where(positions.c.name == "version:coverage")
                ).scalar()
            assert version == CoverageModel.version
            assert z.projections.position("coverage") == z.store.max_position()
            assert not z.projections.rebuilding()
            assert z.coverage(CITY) == expected
            assert z.projections.checksum() == checksum
        finally:
            z.close()
