"""Random histories, back-dated entries included: the incremental read model equals a
rebuilt one, and both agree with a plain replay of the log, on any day as known at any moment.
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
from projections.coverage.tables import rows
from projections.tables import utc_naive
from tests import oracle
from tests.builders import id_number
from tests.conftest import pg_url_for_new_schema

CITY, COUNTY, TOWN = "210500", "210521", "210521100"
VILLAGES = ["210521100201", "210521100202"]
GROUPS = ["210521100201001", "210521100201002", "210521100202001"]
HOUSEHOLDS = [f"00000000-0000-0000-0000-{i:012d}" for i in range(1, 8)]
MEMBERS = [f"00000000-0000-0000-0001-{i:012d}" for i in range(1, 5)]
START = datetime(2014, 1, 3, 2, 0, tzinfo=UTC)
MAX_LINKED = 2  # small, so that overload happens in small histories


def skeleton() -> list[dict[str, Any]]:
    on = "2013-01-01"
    units = [("city", CITY, None), ("county", COUNTY, CITY), ("township", TOWN, COUNTY)]
    units += [("village", v, TOWN) for v in VILLAGES]
    units += [("group", g, g[:12]) for g in GROUPS]
    lines = [
        {
            "command": "open_unit",
            "args": {
                "code": c,
                "name": f"单位{c[-4:]}",
                "level": lv,
                **({"parent": p} if p else {}),
            },
            "actor": "setup",
            "occurred_on": on,
            "reason": "skeleton",
        }
        for lv, c, p in units
    ]
    # People first, so that random steps can link, designate and transfer from the start.
    homes = [GROUPS[0]] * 3 + [GROUPS[1]] * 2 + [GROUPS[2]] * 2
    for h, g in zip(HOUSEHOLDS, homes, strict=True):
        lines.append(line_for(("register_household", g, h), "2013-01-01"))
    for m, h in zip(
        MEMBERS, [HOUSEHOLDS[0], HOUSEHOLDS[3], HOUSEHOLDS[5], HOUSEHOLDS[1]], strict=True
    ):
        lines.append(line_for(("party_member_joined", m, h), "2013-01-01"))
    lines.append(line_for(("designate_central_household", MEMBERS[0]), "2013-01-02"))
    lines.append(line_for(("designate_central_household", MEMBERS[2]), "2013-01-02"))
    return lines


def line_for(op: tuple[Any, ...], on: str) -> dict[str, Any]:
    return {
        "command": op[0],
        "args": args_for(op),
        "actor": "tester",
        "occurred_on": on,
        "reason": "generated",
    }


def central(household: str) -> str:
    from uuid import UUID

    from domain.party import central_household_id

    return str(central_household_id(UUID(household)))


# Households whose central household exists from the start come up more often as targets.
central_households = st.sampled_from([HOUSEHOLDS[0], HOUSEHOLDS[5], *HOUSEHOLDS])
# None: the first central household of the village the household was registered in.
link = st.tuples(
    st.just("link_household"),
    st.sampled_from(HOUSEHOLDS),
    st.one_of(st.none(), st.none(), central_households),
)
unlink = st.tuples(st.just("unlink_household"), st.sampled_from(HOUSEHOLDS))
assign = st.tuples(
    st.just("assign_site_responsible"),
    st.sampled_from([TOWN, *VILLAGES, *GROUPS]),
    st.one_of(st.none(), st.sampled_from(MEMBERS)),
)

operation = st.one_of(
    link,
    link,
    link,
    link,
    unlink,
    unlink,
    assign,
    assign,
    st.tuples(st.just("register_household"), st.sampled_from(GROUPS), st.sampled_from(HOUSEHOLDS)),
    st.tuples(st.just("move_household"), st.sampled_from(HOUSEHOLDS), st.sampled_from(GROUPS)),
    st.tuples(st.just("household_left"), st.sampled_from(HOUSEHOLDS)),
    st.tuples(
        st.just("party_member_joined"), st.sampled_from(MEMBERS), st.sampled_from(HOUSEHOLDS)
    ),
    st.tuples(st.just("party_member_transferred_out"), st.sampled_from(MEMBERS)),
    st.tuples(st.just("party_member_died"), st.sampled_from(MEMBERS)),
    st.tuples(st.just("designate_central_household"), st.sampled_from(MEMBERS)),
    st.tuples(st.just("change_central_party_member"), central_households, st.sampled_from(MEMBERS)),
    st.tuples(st.just("end_central_household"), central_households),
    st.tuples(st.just("open_site"), st.sampled_from([CITY, COUNTY, TOWN, *VILLAGES, *GROUPS])),
    st.tuples(st.just("close_site"), st.sampled_from([TOWN, *VILLAGES, *GROUPS])),
    st.tuples(st.just("move_unit"), st.sampled_from(GROUPS), st.sampled_from(VILLAGES)),
)

step = st.tuples(
    operation,
    st.integers(min_value=0, max_value=40),  # days the recording clock moves first
    st.integers(min_value=0, max_value=300),  # how many days back the entry is dated
)


def args_for(op: tuple[Any, ...]) -> dict[str, Any]:
    name, *a = op
    kind = {CITY: "centre", COUNTY: "centre", TOWN: "centre"}
    if name == "register_household":
        return {
            "group": a[0],
            "head_name": f"户{a[1][-2:]}",
            "members": 3,
            "id_number": id_number(int(a[1][-3:])),
            "id": a[1],
        }
    if name == "move_household":
        return {"household": a[0], "group": a[1]}
    if name == "household_left":
        return {"household": a[0], "how": "moved_out"}
    if name == "link_household":
        home = a[1] or (HOUSEHOLDS[0] if HOUSEHOLDS.index(a[0]) < 5 else HOUSEHOLDS[5])
        return {"household": a[0], "central_household": central(home)}
    if name in ("unlink_household",):
        return {"household": a[0]}
    if name == "party_member_joined":
        return {"name": f"党员{a[0][-1]}", "household": a[1], "id": a[0]}
    if name in ("party_member_transferred_out", "party_member_died", "designate_central_household"):
        return {"party_member": a[0]}
    if name == "change_central_party_member":
        return {"central_household": central(a[0]), "party_member": a[1]}
    if name == "end_central_household":
        return {"central_household": central(a[0])}
    if name == "open_site":
        k = kind.get(a[0]) or ("station" if a[0] in VILLAGES else "point")
        return {"unit": a[0], "kind": k}
    if name == "assign_site_responsible":
        return (
            {"unit": a[0], "name": "负责人"}
            if a[1] is None
            else {"unit": a[0], "party_member": a[1]}
        )
    if name == "close_site":
        return {"unit": a[0]}
    if name == "move_unit":
        return {"unit": a[0], "parent": a[1]}
    raise AssertionError(name)


def play(z: Zhucun, clock: SettableClock, steps: list[Any]) -> list[datetime]:
    """Apply the steps one batch each (refused ones simply do not happen)."""
    z.apply_text("\n".join(json.dumps(x, ensure_ascii=False) for x in skeleton()))
    z.projections.catch_up()
    moments = [clock.now()]
    for op, advance, back in steps:
        clock.advance(timedelta(days=advance, minutes=1 if advance == 0 else 0))
        today = clock.now().date()
        on = max(date(2013, 1, 1), today - timedelta(days=back))
        line = line_for(op, on.isoformat())
        try:
            z.apply_text(json.dumps(line, ensure_ascii=False))
            event(f"applied {op[0]}")
        except BatchRefused:
            pass
        # Incremental: the read models take each batch as a query after it would make them.
        z.projections.catch_up()
        moments.append(clock.now())
    return moments


def table(z: Zhucun) -> list[tuple[Any, ...]]:
    with z.engine.connect() as conn:
        return sorted((tuple(r[1:]) for r in conn.execute(select(rows))), key=repr)


def check_history(url: str, steps: list[Any], probes: list[tuple[int, int]]) -> None:
    from domain.rules import RuleSet

    clock = SettableClock(START)
    z = bootstrap(url, clock, rules=RuleSet("test", max_linked_per_central_household=MAX_LINKED))
    try:
        moments = play(z, clock, steps)
        incremental = table(z)
        z.projections.rebuild()
        assert table(z) == incremental, "rebuilt read model differs from the incremental one"

        # Today as known now: the roll-ups agree with counting the rows, at every level.
        from projections.coverage import queries

        with z.engine.connect() as conn:
            today = z.today()
            for unit in (CITY, COUNTY, TOWN, *VILLAGES, *GROUPS):
                by_counts = queries.coverage(conn, unit, today, None, z.rules, now=True)
                by_rows = queries.coverage(conn, unit, today, None, z.rules, now=False)
                assert by_counts == by_rows, unit

        log = [(le.position, le.event) for page in z.store.iter_log() for le in page]
        last_day = clock.now().date()
        span = (last_day - date(2012, 12, 31)).days
        for day_pick, moment_pick in probes:
            day = date(2012, 12, 31) + timedelta(days=day_pick % (span + 1))
            moment = moments[moment_pick % len(moments)] if moment_pick % 3 else None
            known = oracle.known_events(log, utc_naive(moment) if moment else None)
            expected, counts = oracle.blind_spots(oracle.state_on(known, day), MAX_LINKED)
            got = z.gaps(CITY, as_of=day, as_known_at=moment) or []
            for g in got:
                event(f"gap {g['type']}")
            assert {(g["type"], g["subject"]["id"].replace("-", "")) for g in got} == {
                (t, s.replace("-", "")) for t, s in expected
            }, (day, moment)
            c = z.coverage(CITY, as_of=day, as_known_at=moment)
            if c is None:  # before the city was opened
                assert not expected and not any(counts.values())
                continue
            assert c["households"]["total"] == counts["household"]
            assert c["villager_groups"]["total"] == counts["group"]
            assert c["villages"]["total"] == counts["village"]
            assert c["central_households"]["active"] == counts["central_household"]
            assert c["party_members"]["total"] == counts["party_member"]
    finally:
        z.close()


histories = st.lists(step, min_size=5, max_size=40)
probes = st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 500)), min_size=3, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=histories, probes=probes)
def test_random_histories_on_sqlite(steps, probes):
    with tempfile.TemporaryDirectory() as tmp:
        check_history(f"sqlite:///{Path(tmp) / 'z.db'}", steps, probes)


@pytest.mark.postgres
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=histories, probes=probes)
def test_random_histories_on_postgresql(steps, probes):
    check_history(pg_url_for_new_schema(), steps, probes)
