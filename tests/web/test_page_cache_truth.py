"""What the unit pages keep across writes is what they would compute afresh.

After each kind of command (dated today or back-dated; about households, units, sites,
teams, the ledger; a correction), every piece of the unit pages that the page cache keeps is
asked for through an app whose cache has lived through the whole history and through a new
app, on several days and units: the answers must be equal. And the cache must have kept something:
a page of an earlier day outlives a household registered today."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from app.bootstrap import Zhucun
from tests.builders import (
    COUNTY,
    GROUP_A1,
    GROUP_A2,
    TOWNSHIP,
    VILLAGE_A,
    apply,
    cmd,
    hid,
    household,
    id_number,
    small_network,
)
from tests.ledger_builders import tables as survey_tables
from tests.team_builders import (
    CITY_AGRI,
    DISPATCHED_ON,
    LEADER,
    cid,
    register_units_and_cadres,
    tid,
)
from tests.web.conftest import make_app
from web import dashboard, people
from web.page_cache import EXTENSION

TODAY = "2016-12-31"  # the clock fixture's day
DAYS = [date(2014, 6, 15), date(2015, 6, 30), date(2016, 12, 31)]
UNITS = [COUNTY, TOWNSHIP, VILLAGE_A, GROUP_A1]


def pieces(app: Flask, z: Zhucun) -> dict[tuple[str, date], Any]:
    out: dict[tuple[str, date], Any] = {}
    with app.test_request_context():
        for code in UNITS:
            for day in DAYS:
                data = dashboard.unit_data(code, day)
                level = data["coverage"]["level"]
                out[(code, day)] = {
                    "unit": data,
                    "people": people.unit_people(code, level, day),
                    "network": dashboard.network(code, day),
                }
    return out


def computed(app: Flask) -> int:
    cache = app.extensions.get(EXTENSION)
    return 0 if cache is None else len(cache.entries)


STEPS = [
    (
        "a household registered today",
        cmd(
            "register_household",
            on=TODAY,
            group=GROUP_A1,
            head_name="今日户",
            members=2,
            id_number=id_number(41),
            id=hid(41),
        ),
    ),
    (
        "a household registered back-dated",
        household(42, GROUP_A2, "补录户", 3, on="2014-06-10"),
    ),
    ("a link today", cmd("link_household", on=TODAY, household=hid(41), central_household="")),
    ("a check-in", cmd("check_in", on=TODAY, cadre=cid(LEADER), place="村部")),
    ("a unit renamed today", cmd("rename_unit", on=TODAY, unit=VILLAGE_A, name="新甲村")),
    ("a site opened today", cmd("open_site", on=TODAY, unit=GROUP_A2, kind="point")),
    (
        "a household left back-dated",
        cmd("household_left", on="2015-01-05", household=hid(2), how="moved_out"),
    ),
    # The survey of poor village A begins: its work gap closes from that day.
    ("a survey line back-dated", survey_tables(on="2014-06-05")),
]


def history(z: Zhucun) -> str:
    """``small_network`` with a team in village A; the central household of village A."""
    net = small_network(z)
    register_units_and_cadres(z)
    apply(
        z,
        cmd("dispatch_team", on=DISPATCHED_ON, unit=CITY_AGRI, village=VILLAGE_A, id=tid(1)),
        cmd("join_team", on=DISPATCHED_ON, team=tid(1), cadre=cid(LEADER), as_leader=True),
    )
    return net.central_household


@pytest.mark.parametrize("upto", range(1, len(STEPS) + 1), ids=[s[0] for s in STEPS])
def test_kept_pieces_equal_fresh_ones_after_each_kind_of_command(zhucun: Zhucun, upto: int):
    ch = history(zhucun)
    kept = make_app(zhucun)
    pieces(kept, zhucun)  # computed once at the start and kept from here on
    for _name, line in STEPS[:upto]:
        if line["command"] == "link_household":
            line = {**line, "args": {**line["args"], "central_household": ch}}
        apply(zhucun, line)
        assert pieces(kept, zhucun) == pieces(make_app(zhucun), zhucun)


def identities(app: Flask) -> dict[tuple[Any, ...], int]:
    """The identity of each piece the app's page cache keeps, by its key."""
    return {key: id(value) for key, (_at, value) in app.extensions[EXTENSION].entries.items()}


def asked_again_after(z: Zhucun, step: int) -> tuple[Flask, dict[tuple[Any, ...], int]]:
    """An app that computed every piece, then (after the command of ``STEPS[step]``) asked
    for them again; and the pieces it kept before that command."""
    history(z)
    app = make_app(z)
    pieces(app, z)
    before = identities(app)
    apply(z, STEPS[step][1])
    pieces(app, z)
    return app, before


def test_a_page_of_an_earlier_day_outlives_a_household_registered_today(zhucun: Zhucun):
    app, before = asked_again_after(zhucun, 0)
    head = zhucun.store.max_position()
    entries = app.extensions[EXTENSION].entries
    # The work gaps are a piece of the network's and the unit's pieces: asked for only when
    # those are computed again (today's), and then found good at the head.
    inner = {key for key in entries if key[0] == "work-gaps" and key[2] < DAYS[-1]}
    assert {at for key, (at, _v) in entries.items() if key not in inner} == {head}
    unchanged = {key for key, (_at, value) in entries.items() if before.get(key) == id(value)}
    earlier = {key for key in entries if key[2] < DAYS[-1]}
    # Earlier days: the same answers; today: computed again, but for the village's central
    # households and the work gaps, which a registration does not change.
    kept_today = {("people", VILLAGE_A, DAYS[-1])}
    kept_today |= {("work-gaps", code, DAYS[-1]) for code in UNITS}
    assert unchanged == earlier | kept_today


def test_a_check_in_keeps_every_page_even_today(zhucun: Zhucun):
    app, before = asked_again_after(zhucun, 3)
    assert identities(app) == before
