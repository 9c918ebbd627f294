"""The roster read model: which teams served under a unit on a day, with their leader and
members as they were that day."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.bootstrap import Zhucun
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, answer, apply, cmd
from tests.team_builders import (
    CITY_AGRI,
    CITY_CIVIL,
    CLERK,
    COUNTY_AGRI,
    LEADER,
    MEMBER,
    SPARE_LEADER,
    cid,
    second_team,
    team_network,
    tid,
)
from tests.web.builders import OTHER_COUNTY, OTHER_VILLAGE, other_county


def story(z: Zhucun) -> str:
    """Team 1 of CITY_AGRI in village A, whose members, ranks, leader and term change."""
    team = team_network(z).team
    apply(
        z,
        cmd("change_cadre_rank", on="2015-01-01", cadre=cid(MEMBER), rank="deputy_section"),
        cmd("join_team", on="2015-03-01", team=team, cadre=cid(CLERK)),
        cmd("leave_team", on="2015-09-30", team=team, cadre=cid(MEMBER), how="recalled"),
        cmd("join_team", on="2016-02-01", team=team, cadre=cid(SPARE_LEADER)),
        cmd("change_team_leader", on="2016-03-01", team=team, cadre=cid(SPARE_LEADER)),
        cmd(
            "extend_team_term",
            on="2016-12-01",
            team=team,
            until="2018-05-31",
            actor="zhao.fupin",
            reason="甲村尚未脱贫，不脱贫不脱钩",
        ),
    )
    return team


def far_team(z: Zhucun) -> str:
    """A village of another county, classified for governance, served by a county team."""
    other_county(z)
    apply(
        z,
        cmd(
            "classify_village",
            on="2014-05-01",
            village=OTHER_VILLAGE,
            problem="weak_committees",
            finding="两委班子软弱涣散",
        ),
    )
    return second_team(z, unit=COUNTY_AGRI, village=OTHER_VILLAGE, n=3)


def names(team: dict[str, Any]) -> list[str]:
    return [m["name"] for m in team["members"]]


def only(z: Zhucun, code: str, day: str) -> dict[str, Any]:
    roster = z.teams(code, date.fromisoformat(day))
    assert roster is not None and len(roster) == 1, roster
    return roster[0]


def test_no_team_serves_before_its_dispatch(zhucun):
    story(zhucun)
    assert zhucun.teams(COUNTY, date(2014, 5, 31)) == []


def test_the_roster_on_dispatch_day_shows_unit_village_leader_and_members(zhucun):
    team = story(zhucun)
    t = only(zhucun, COUNTY, "2014-06-01")
    assert t["team_id"] == team
    assert (t["unit_name"], t["unit_level"], t["unit_sector"]) == (
        "本溪市农委",
        "city",
        "agriculture",
    )
    assert (t["village"], t["village_name"], t["village_class"]) == (VILLAGE_A, "甲村", "economy")
    assert t["leader"]["name"] == "张队长"
    assert t["leader"]["rank"] == "deputy_division" and t["leader"]["party_member"] is True
    assert names(t) == ["张队长", "李队员"]
    assert t["members"][1]["rank"] == "clerk"
    assert (t["term_start"], t["term_end"]) == ("2014-06-01", "2017-05-31")
    assert t["flags"] == []


def test_a_member_shows_from_the_day_they_join_to_their_last_day(zhucun):
    story(zhucun)
    assert names(only(zhucun, COUNTY, "2015-02-28")) == ["张队长", "李队员"]
    assert names(only(zhucun, COUNTY, "2015-03-01")) == ["张队长", "李队员", "赵科员"]
    assert names(only(zhucun, COUNTY, "2015-09-30")) == ["张队长", "李队员", "赵科员"]
    assert names(only(zhucun, COUNTY, "2015-10-01")) == ["张队长", "赵科员"]


def test_a_members_rank_is_the_rank_they_held_that_day(zhucun):
    story(zhucun)
    by_day = {
        day: {m["name"]: m["rank"] for m in only(zhucun, COUNTY, day)["members"]}
        for day in ("2014-12-31", "2015-01-01")
    }
    assert by_day["2014-12-31"]["李队员"] == "clerk"
    assert by_day["2015-01-01"]["李队员"] == "deputy_section"


def test_the_leader_changes_on_the_day_of_the_change_and_the_old_one_stays_on(zhucun):
    story(zhucun)
    before, after = only(zhucun, COUNTY, "2016-02-29"), only(zhucun, COUNTY, "2016-03-01")
    assert before["leader"]["name"] == "张队长"
    assert after["leader"]["name"] == "钱处长"
    assert [m["name"] for m in after["members"] if m["leader"]] == ["钱处长"]
    assert "张队长" in names(after)


def test_an_extended_term_shows_from_the_day_it_was_extended_and_keeps_the_team_on(zhucun):
    story(zhucun)
    assert only(zhucun, COUNTY, "2016-11-30")["term_end"] == "2017-05-31"
    extended = only(zhucun, COUNTY, "2016-12-01")
    assert extended["term_end"] == "2018-05-31"
    flag = next(f for f in extended["flags"] if f["code"] == "term_extended")
    assert "zhao.fupin" in flag["en"] and "不脱贫不脱钩" in flag["zh"]
    assert only(zhucun, COUNTY, "2017-07-01")["term_end"] == "2018-05-31"
    assert zhucun.teams(COUNTY, date(2018, 6, 1)) == []


def test_a_team_whose_leader_left_is_flagged_without_a_leader(zhucun):
    team = team_network(zhucun).team
    apply(zhucun, cmd("leave_team", on="2014-08-31", team=team, cadre=cid(LEADER), how="recalled"))
    assert only(zhucun, COUNTY, "2014-08-31")["leader"]["name"] == "张队长"
    t = only(zhucun, COUNTY, "2014-09-01")
    assert t["leader"] is None and [f["code"] for f in t["flags"]] == ["no_leader"]


def test_only_teams_in_villages_under_the_unit_are_listed(zhucun):
    story(zhucun)
    far = far_team(zhucun)
    day = date(2015, 1, 1)
    assert [t["village"] for t in zhucun.teams(COUNTY, day) or []] == [VILLAGE_A]
    assert [t["team_id"] for t in zhucun.teams(OTHER_COUNTY, day) or []] == [far]
    assert {t["village"] for t in zhucun.teams(CITY, day) or []} == {VILLAGE_A, OTHER_VILLAGE}
    assert [t["village"] for t in zhucun.teams(VILLAGE_A, day) or []] == [VILLAGE_A]
    assert zhucun.teams(TOWNSHIP + "9", day) is None


def test_a_unit_sent_to_a_village_it_does_not_suit_is_flagged_with_the_reason(zhucun):
    team_network(zhucun)
    far = far_team(zhucun)  # an agriculture unit in a governance village
    apply(
        zhucun,
        cmd(
            "classify_village",
            on="2014-05-20",
            village=VILLAGE_B,
            problem="lagging_development",
            finding="产业空白",
        ),
        cmd("dispatch_team", on="2014-06-01", unit=CITY_CIVIL, village=VILLAGE_B, id=tid(4)),
    )
    roster = {t["team_id"]: t for t in zhucun.teams(CITY, date(2014, 7, 1)) or []}
    assert [f["code"] for f in roster[tid(1)]["flags"] if f["code"] != "no_leader"] == []
    civil = roster[tid(4)]
    assert civil["unit_sector"] == "civil_affairs" and civil["village_class"] == "economy"
    mismatch = next(f for f in civil["flags"] if f["code"] == "sector_mismatch")
    assert "不对口" in mismatch["zh"] and "does not fit" in mismatch["en"]
    assert any(f["code"] == "sector_mismatch" for f in roster[far]["flags"])


def test_a_team_in_an_unclassified_village_says_so(zhucun):
    team_network(zhucun)
    second_team(zhucun)
    t = next(t for t in zhucun.teams(VILLAGE_B, date(2014, 7, 1)) or [])
    assert t["village_class"] is None
    assert "village_unclassified" in [f["code"] for f in t["flags"]]


def test_a_reclassified_village_shows_the_class_of_that_day(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        cmd(
            "classify_village",
            on="2015-01-01",
            village=VILLAGE_A,
            problem="many_disputes",
            finding="矛盾纠纷多",
        ),
    )
    assert only(zhucun, VILLAGE_A, "2014-12-31")["village_class"] == "economy"
    assert only(zhucun, VILLAGE_A, "2015-01-01")["village_class"] == "governance"


def test_a_team_whose_term_ended_serves_up_to_its_last_day(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        cmd("dispatch_team", on="2016-12-01", unit=CITY_AGRI, village=VILLAGE_A, id=tid(2)),
        cmd("end_team_term", on="2016-11-30", team=tid(1), successor=tid(2)),
    )
    first = only(zhucun, VILLAGE_A, "2016-11-30")
    assert first["team_id"] == tid(1) and first["ended_on"] == "2016-11-30"
    assert names(first) == ["张队长", "李队员"]
    second = only(zhucun, VILLAGE_A, "2016-12-01")
    assert second["team_id"] == tid(2) and second["members"] == []


DAYS = ["2014-06-01", "2015-03-01", "2015-10-01", "2016-03-01", "2016-12-01", "2017-07-01"]


def test_a_rebuilt_roster_gives_the_same_answers(zhucun):
    story(zhucun)
    far_team(zhucun)
    before = {d: zhucun.teams(CITY, date.fromisoformat(d)) for d in DAYS}
    checksum = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert {d: zhucun.teams(CITY, date.fromisoformat(d)) for d in DAYS} == before
    assert zhucun.projections.checksum() == checksum


def test_the_teams_command_prints_the_roster_as_json(zhucun, run):
    team = story(zhucun)
    r = run("teams", "--unit", COUNTY, "--as-of", "2016-12-01", "--json")
    assert r.exit_code == 0, r.output
    (t,) = answer(r.output)
    for key in ("team_id", "village", "unit_name", "unit_level", "leader", "members"):
        assert key in t
    assert t["team_id"] == team and t["unit_level"] == "city"
    assert (t["term_start"], t["term_end"]) == ("2014-06-01", "2018-05-31")
    assert {m["name"]: (m["rank"], m["party_member"]) for m in t["members"]} == {
        "张队长": ("deputy_division", True),
        "赵科员": ("clerk", True),
        "钱处长": ("division", True),
    }
    assert [f["code"] for f in t["flags"]] == ["term_extended"]


def test_the_teams_command_prints_a_readable_roster(zhucun, run):
    story(zhucun)
    r = run("teams", "--unit", COUNTY, "--as-of", "2015-03-01")
    assert r.exit_code == 0, r.output
    assert "本溪市农委" in r.output and "甲村" in r.output and "张队长" in r.output
    assert "队长 leader" in r.output


def test_the_teams_command_refuses_an_unknown_unit(zhucun, run):
    team_network(zhucun)
    r = run("teams", "--unit", "999999")
    assert r.exit_code == 1
    assert "999999" in r.output
