"""A visit is a contact with the household: its count and last visit show beside the
household in the coverage read side, on any day and as known at any moment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import COUNTY, GROUP_A1, VILLAGE_A, answer, apply, cmd
from tests.team_builders import LEADER, MEMBER, cid, team_network

TEAM_NAME = "本溪市农委驻甲村工作队"


@pytest.fixture
def visited(zhucun, clock) -> dict[str, str]:
    """李二 (A1b, unlinked) is visited by the member on 2014-07-16, then by the leader on
    2014-08-02; a visit dated 2014-07-01 is entered a day later (back-dated)."""
    net = team_network(zhucun)
    hh = net.households["A1b"]
    apply(
        zhucun,
        cmd("visit_household", on="2014-07-16", cadre=cid(MEMBER), household=hh, note="种植"),
        cmd("visit_household", on="2014-08-02", cadre=cid(LEADER), household=hh),
    )
    clock.advance(timedelta(days=1))
    apply(zhucun, cmd("visit_household", on="2014-07-01", cadre=cid(MEMBER), household=hh))
    return {"household": hh, "team": net.team}


def unlinked(zhucun, household: str, **when) -> dict:
    rows = zhucun.gaps(VILLAGE_A, "unlinked_household", **when) or []
    return next(g for g in rows if g["subject"]["id"] == household)


def test_an_unlinked_household_shows_its_visits_and_the_last_one(zhucun, visited):
    g = unlinked(zhucun, visited["household"])
    assert g["visits"] == 3
    assert g["last_visit"] == {
        "on": "2014-08-02",
        "cadre": "张队长",
        "cadre_id": cid(LEADER),
        "team": TEAM_NAME,
        "team_id": visited["team"],
    }


def test_a_household_never_visited_has_no_last_visit(zhucun, visited):
    g = unlinked(zhucun, "00000000-0000-0000-0000-000000000003")  # 张三, group A2
    assert g["visits"] == 0 and g["last_visit"] is None


def test_as_of_a_day_counts_only_the_visits_made_by_then(zhucun, visited):
    g = unlinked(zhucun, visited["household"], as_of=date(2014, 7, 20))
    assert g["visits"] == 2 and g["last_visit"]["on"] == "2014-07-16"
    assert g["last_visit"]["cadre"] == "李队员"
    early = unlinked(zhucun, visited["household"], as_of=date(2014, 6, 30))
    assert early["visits"] == 0 and early["last_visit"] is None


def test_as_known_at_a_moment_leaves_out_visits_recorded_later(zhucun, clock, visited):
    before = clock.now() - timedelta(hours=1)  # after the first batch, before the back-dated one
    g = unlinked(zhucun, visited["household"], as_of=date(2014, 7, 20), as_known_at=before)
    assert g["visits"] == 1 and g["last_visit"]["on"] == "2014-07-16"
    nothing_yet = clock.now() - timedelta(days=2)
    assert zhucun.gaps(VILLAGE_A, as_known_at=nothing_yet) is None  # not even the village


def test_a_back_dated_visit_counts_but_does_not_become_the_last(zhucun, visited):
    g = unlinked(zhucun, visited["household"])
    assert g["last_visit"]["on"] == "2014-08-02"  # the visit entered last is dated earlier


def test_a_rebuild_gives_the_same_visits(zhucun, visited):
    before = zhucun.gaps(COUNTY, "unlinked_household")
    checksum = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == checksum
    assert zhucun.gaps(COUNTY, "unlinked_household") == before


def test_the_village_household_listing_shows_coverage_and_visits(zhucun, visited):
    data = zhucun.households(VILLAGE_A) or {}
    by_name = {h["name"]: h for h in data["households"]}
    assert set(by_name) == {"王大", "李二", "张三"}
    assert by_name["王大"]["covered"] is True and by_name["李二"]["covered"] is False
    assert by_name["李二"]["visits"] == 3 and data["visited"] == 1
    group = zhucun.households(GROUP_A1, as_of=date(2014, 7, 20)) or {}
    assert [h["name"] for h in group["households"]] == ["李二", "王大"]
    assert group["households"][0]["visits"] == 2


def test_the_command_line_shows_visits_beside_households(zhucun, visited, run):
    r = run("gaps", "--unit", VILLAGE_A, "--type", "unlinked_household", "--json")
    assert r.exit_code == 0, r.output
    rows = {g["subject"]["name"]: g for g in answer(r.output)}
    assert rows["李二"]["last_visit"]["on"] == "2014-08-02" and rows["张三"]["last_visit"] is None
    r = run("gaps", "--unit", VILLAGE_A, "--type", "unlinked_household")
    assert "走访 visits 3, last 2014-08-02 张队长" in r.output
    r = run("coverage", "--unit", VILLAGE_A, "--households", "--as-of", "2014-07-20", "--json")
    assert r.exit_code == 0, r.output
    listed = {h["name"]: h for h in answer(r.output)["households"]}
    assert listed["李二"]["visits"] == 2
    r = run("coverage", "--unit", VILLAGE_A, "--households")
    assert r.exit_code == 0 and "李二" in r.output and "未联系 unlinked" in r.output
    refused = run("coverage", "--unit", COUNTY, "--households")
    assert refused.exit_code == 1 and "village" in refused.stderr
