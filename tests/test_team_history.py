"""``zhucun history --team`` and ``--cadre``: every action of a team or of a cadre, oldest
first, with who, when and why."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from domain.errors import CadreNotFoundError, TeamNotFoundError
from tests.builders import answer, apply, cmd
from tests.team_builders import LEADER, MEMBER, cid, leave, lid, second_team, team_network

LEADER_NAME = "张队长"


@pytest.fixture
def story(zhucun) -> dict[str, str]:
    """Team 1 in village A; the member checks in, asks for leave (approved), is found absent,
    writes a diary, visits a household, then moves to team 2 in village B and checks in there.
    The leader records one of the member's check-ins under their own name."""
    net = team_network(zhucun)
    team2 = second_team(zhucun)
    apply(
        zhucun,
        cmd("check_in", on="2014-07-01", cadre=cid(MEMBER), actor="li.ming", role="team_member"),
        cmd("check_in", on="2014-07-02", cadre=cid(MEMBER), actor=LEADER_NAME, reason="代签"),
        cmd("check_in", on="2014-07-01", cadre=cid(LEADER), actor=LEADER_NAME),
        leave(1, "2014-07-10", "2014-07-11", on="2014-07-03", reason="家中有事"),
        cmd("approve_leave", on="2014-07-04", leave=lid(1), reason="同意"),
        cmd("record_absence", on="2014-07-15", cadre=cid(MEMBER), role="inspector", note="不在"),
        cmd("write_diary", on="2014-07-16", cadre=cid(MEMBER), text="走访三户"),
        cmd("visit_household", on="2014-07-16", cadre=cid(MEMBER), household=net.households["A1"]),
        cmd("leave_team", on="2014-07-31", team=net.team, cadre=cid(MEMBER), how="replaced"),
        cmd("join_team", on="2014-08-01", team=team2, cadre=cid(MEMBER)),
        cmd("check_in", on="2014-08-01", cadre=cid(MEMBER)),
        cmd("extend_team_term", on="2016-12-01", team=net.team, until="2018-05-31"),
    )
    return {"team": net.team, "team2": team2, "household": net.households["A1"]}


def kinds(rows: list[dict[str, Any]]) -> list[str]:
    return [r["event"] for r in rows]


def test_a_team_history_lists_its_own_events_and_its_members_days_oldest_first(zhucun, story):
    rows = zhucun.history_of_team(UUID(story["team"]))
    positions = [r["position"] for r in rows]
    assert positions == sorted(positions)
    assert kinds(rows)[:3] == ["Team.Dispatched", "Team.MemberJoined", "Team.MemberJoined"]
    for expected in (
        "MemberMonth.CheckedIn",
        "LeaveRequest.Requested",
        "LeaveRequest.Approved",
        "MemberMonth.LeaveGranted",
        "MemberMonth.FoundAbsent",
        "MemberMonth.DiaryWritten",
        "MemberMonth.HouseholdVisited",
        "Team.MemberLeft",
        "Team.TermExtended",
    ):
        assert expected in kinds(rows), expected
    assert kinds(rows).count("MemberMonth.CheckedIn") == 3


def test_a_team_history_leaves_out_what_a_former_member_did_on_another_team(zhucun, story):
    rows = zhucun.history_of_team(UUID(story["team"]))
    assert all(r["occurred_on"] <= "2014-07-31" for r in rows if r["event"].startswith("Member"))
    other = zhucun.history_of_team(UUID(story["team2"]))
    checked = [r for r in other if r["event"] == "MemberMonth.CheckedIn"]
    assert [r["occurred_on"] for r in checked] == ["2014-08-01"]
    assert "MemberMonth.Started" not in kinds(other)


def test_each_row_says_who_when_what_and_why(zhucun, story):
    rows = zhucun.history_of_team(UUID(story["team"]))
    signed = next(r for r in rows if r["actor"] == LEADER_NAME and r["occurred_on"] == "2014-07-02")
    assert signed["role"] == "township_officer" and signed["reason"] == "代签"
    assert signed["what_zh"] == "驻村签到" and signed["what_en"] == "checked in"
    assert signed["recorded_at"].endswith("+00:00")


def test_a_cadre_history_covers_their_record_teams_months_leave_and_decisions(zhucun, story):
    apply(zhucun, cmd("change_cadre_rank", on="2015-01-01", cadre=cid(MEMBER), rank="section"))
    rows = zhucun.history_of_cadre(UUID(cid(MEMBER)))
    found = kinds(rows)
    assert found[0] == "Cadre.Registered"
    for expected in (
        "Cadre.JoinedTeam",
        "Team.MemberJoined",
        "MemberMonth.Started",
        "MemberMonth.CheckedIn",
        "LeaveRequest.Requested",
        "LeaveRequest.Approved",
        "MemberMonth.FoundAbsent",
        "MemberMonth.HouseholdVisited",
        "Cadre.LeftTeam",
        "Team.MemberLeft",
        "Cadre.RankChanged",
    ):
        assert expected in found, expected
    # Both teams: two check-ins on team 1, one on team 2.
    assert found.count("MemberMonth.CheckedIn") == 3
    assert [r["position"] for r in rows] == sorted(r["position"] for r in rows)
    assert "Team.Dispatched" not in found and "Team.TermExtended" not in found


def test_a_cadre_history_includes_what_they_recorded_as_actor(zhucun, story):
    rows = zhucun.history_of_cadre(UUID(cid(LEADER)))
    about_member = [r for r in rows if r["actor"] == LEADER_NAME and r["reason"] == "代签"]
    assert len(about_member) == 1 and about_member[0]["event"] == "MemberMonth.CheckedIn"
    assert "CommandReceipt.Received" not in kinds(rows)
    # The member's own days recorded by someone else are not the leader's.
    assert not any(r["occurred_on"] == "2014-07-15" for r in rows)


def test_unknown_team_or_cadre_is_refused_with_a_named_error(zhucun, story):
    with pytest.raises(TeamNotFoundError):
        zhucun.history_of_team(UUID(cid(MEMBER)))  # a cadre's id is not a team's
    with pytest.raises(CadreNotFoundError):
        zhucun.history_of_cadre(UUID(story["team"]))


@pytest.mark.parametrize("option", ["--team", "--cadre"])
def test_the_command_line_refuses_an_unknown_or_malformed_id(db_url, zhucun, story, option):
    runner = CliRunner()
    unknown = "00000000-0000-0000-0009-000000000009"
    for value in (unknown, "not-an-id"):
        result = runner.invoke(cli, ["--db", db_url, "history", option, value])
        assert result.exit_code == 1
        assert "/" in result.stderr and value in result.stderr


def test_the_command_line_prints_a_team_history_as_text_and_json(db_url, zhucun, story):
    runner = CliRunner()
    text = runner.invoke(cli, ["--db", db_url, "history", "--team", story["team"]])
    assert text.exit_code == 0, text.output
    assert "work team dispatched" in text.output and "事由 reason" in text.output
    out = runner.invoke(cli, ["--db", db_url, "history", "--cadre", cid(MEMBER), "--json"])
    assert out.exit_code == 0, out.output
    rows = answer(out.output)
    assert {"position", "recorded_at", "occurred_on", "actor", "role", "what_zh", "what_en"} <= set(
        rows[0]
    )
    both = runner.invoke(cli, ["--db", db_url, "history", "--team", story["team"], "--cadre", "x"])
    assert both.exit_code == 2


@pytest.fixture
def moved_mid_month(zhucun) -> dict[str, str]:
    """The member checks in on team 1, moves to team 2 in the middle of July and checks in
    there: the July month holds days of both teams."""
    net = team_network(zhucun)
    team2 = second_team(zhucun)
    member = cid(MEMBER)
    apply(
        zhucun,
        cmd("check_in", on="2014-07-01", cadre=member),
        cmd("check_in", on="2014-07-02", cadre=member),
        cmd("write_diary", on="2014-07-02", cadre=member, text="走访三户"),
        cmd("leave_team", on="2014-07-15", team=net.team, cadre=member, how="replaced"),
        cmd("join_team", on="2014-07-16", team=team2, cadre=member),
        cmd("check_in", on="2014-07-16", cadre=member),
        cmd("check_in", on="2014-07-17", cadre=member),
        cmd("check_in", on="2014-07-18", cadre=cid(LEADER)),
    )
    return {"team": net.team, "team2": team2}


def pages(zhucun, team: str, limit: int, newest_first: bool) -> list[list[int]]:
    out, after = [], None
    while True:
        page = zhucun.history_of_team_page(UUID(team), limit, after, newest_first)
        out.append([r["position"] for r in page["rows"]])
        if page["next"] is None:
            return out
        assert page["next"] == page["rows"][-1]["position"]
        after = page["next"]


@pytest.mark.parametrize("limit", [1, 2, 5, 100])
def test_paging_through_a_team_history_gives_the_whole_history_in_either_order(
    zhucun, moved_mid_month, limit
):
    for team in moved_mid_month.values():
        whole = [r["position"] for r in zhucun.history_of_team(UUID(team))]
        newest = pages(zhucun, team, limit, newest_first=True)
        oldest = pages(zhucun, team, limit, newest_first=False)
        assert [p for page in newest for p in page] == whole[::-1]
        assert [p for page in oldest for p in page] == whole
        assert all(0 < len(page) <= limit for page in newest + oldest)


def test_a_page_of_a_team_history_leaves_out_the_days_spent_on_another_team(
    zhucun, moved_mid_month
):
    page = zhucun.history_of_team_page(UUID(moved_mid_month["team"]), 3, None, True)
    checked = [r["occurred_on"] for r in page["rows"] if r["event"] == "MemberMonth.CheckedIn"]
    assert "2014-07-16" not in checked and "2014-07-17" not in checked
    assert page["rows"][0]["occurred_on"] == "2014-07-18"  # the leader, still on team 1


def test_a_page_of_an_unknown_team_is_refused(zhucun):
    with pytest.raises(TeamNotFoundError):
        zhucun.history_of_team_page(UUID(int=12345), 10)
