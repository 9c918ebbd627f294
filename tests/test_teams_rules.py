"""Every rule of the work teams refuses with a named error, and a refused batch writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from app.network import Network
from app.store.uow import UnitOfWork
from app.teams import Teams
from domain.base import Meta
from domain.cadres import Rank, Sector, SectorGroup
from domain.errors import ConcurrentChangeError, LeaderRankTooLowError
from domain.rules import RuleSet
from domain.villages import Problem, sector_fit, village_profile_id
from tests.builders import GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply, cmd, open_unit
from tests.team_builders import (
    CITY_AGRI,
    CITY_CIVIL,
    CITY_OTHER,
    CLERK,
    COUNTY_AGRI,
    LEADER,
    MEMBER,
    NON_PARTY,
    PROV_FIN,
    SPARE_LEADER,
    cid,
    events_of,
    refused,
    second_team,
    team_network,
    tid,
)


def teams_on(zhucun, rules: RuleSet | None = None) -> tuple[UnitOfWork, Teams]:
    uow = UnitOfWork(zhucun.store)
    network = Network(uow, lambda code: [])
    return uow, Teams(uow, network, rules) if rules else Teams(uow, network)


def meta(day: str) -> Meta:
    return Meta("li.clerk", "operator", date.fromisoformat(day), "test", datetime.now(UTC))


# -- dispatching units, villages and cadres ---------------------------------------------------


def test_a_dispatching_unit_code_is_used_once_whatever_its_case(zhucun):
    team_network(zhucun)
    line = cmd(
        "register_dispatching_unit", code="city-agri", name="重复", level="city", sector="banking"
    )
    r = refused(zhucun, line)
    assert r.error.code == "duplicate_dispatching_unit"
    assert "本溪市农委" in r.error.zh


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (
            {"code": "X", "level": "city", "sector": "finance"},
            "invalid_dispatching_unit_code",
            "code",
        ),
        (
            {"code": "CITY FIN", "level": "city", "sector": "finance"},
            "invalid_dispatching_unit_code",
            "code",
        ),
        ({"code": "TOWN-FIN", "level": "township", "sector": "finance"}, "invalid_input", "level"),
        ({"code": "CITY-TAX", "level": "city", "sector": "tax"}, "invalid_input", "sector"),
    ],
)
def test_a_dispatching_unit_needs_a_short_code_a_level_and_a_sector(zhucun, args, code, field):
    r = refused(zhucun, cmd("register_dispatching_unit", name="某单位", **args))
    assert (r.error.code, r.error.field) == (code, field)


def test_only_a_village_can_be_classified(zhucun):
    team_network(zhucun)
    for unit in (TOWNSHIP, GROUP_A1):
        r = refused(
            zhucun, cmd("classify_village", village=unit, problem="many_disputes", finding="纠纷多")
        )
        assert (r.error.code, r.error.field) == ("not_a_village", "village")


def test_classifying_a_village_again_keeps_both_findings(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        cmd(
            "classify_village",
            on="2015-01-05",
            village=VILLAGE_A,
            problem="weak_committees",
            finding="支部书记长期空缺",
        ),
    )
    rows = zhucun.history_of_id(village_profile_id(VILLAGE_A))
    assert [r["event"] for r in rows] == [
        "VillageProfile.Classified",
        "VillageProfile.Reclassified",
    ]
    assert rows[-1]["details"]["group"] == "governance"
    assert rows[-1]["details"]["previous_problem"] == "lagging_development"


def test_a_cadre_change_that_changes_nothing_is_refused(zhucun):
    team_network(zhucun)
    for line in (
        cmd("change_cadre_rank", cadre=cid(LEADER), rank="deputy_division"),
        cmd("cadre_joined_party", cadre=cid(LEADER)),
        cmd("cadre_left_party", cadre=cid(NON_PARTY)),
        cmd("set_cadre_flags", cadre=cid(LEADER), young=False),
    ):
        assert refused(zhucun, line).error.code == "cadre_status"
    apply(
        zhucun,
        cmd("change_cadre_rank", on="2015-01-01", cadre=cid(CLERK), rank="deputy_section"),
        cmd("set_cadre_flags", on="2015-01-01", cadre=cid(CLERK), young=True, reserve=True),
    )
    assert [r["event"] for r in events_of(zhucun, cid(CLERK))][-2:] == [
        "Cadre.RankChanged",
        "Cadre.FlagsChanged",
    ]


def test_ranks_are_ordered_from_clerk_to_bureau():
    assert [r.zh for r in Rank] == [
        "科员",
        "副科级",
        "正科级",
        "副处级",
        "正处级",
        "副厅级",
        "正厅级",
    ]
    assert Rank.DIVISION.at_least(Rank.DEPUTY_DIVISION)
    assert not Rank.SECTION.at_least(Rank.DEPUTY_DIVISION)


# -- dispatching a team -----------------------------------------------------------------------


def test_a_team_goes_to_an_open_village_only(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("dispatch_team", unit=CITY_AGRI, village=TOWNSHIP))
    assert (r.error.code, r.error.field) == ("not_a_village", "village")
    apply(
        zhucun,
        open_unit("210521100203", "丙村", "village", TOWNSHIP),
        cmd("close_unit", on="2014-05-01", unit="210521100203"),
    )
    r = refused(zhucun, cmd("dispatch_team", unit=CITY_AGRI, village="210521100203"))
    assert (r.error.code, r.error.field) == ("unit_closed", "village")
    r = refused(zhucun, cmd("dispatch_team", unit="CITY-NONE", village=VILLAGE_B))
    assert (r.error.code, r.error.field) == ("dispatching_unit_not_found", "unit")


def test_a_team_serves_three_years_by_default(zhucun):
    team_network(zhucun)
    dispatched = events_of(zhucun, tid(1))[0]
    assert dispatched["details"]["term_ends_on"] == "2017-05-31"
    assert dispatched["details"]["rules_version"] == "benxi-2014"


@pytest.mark.parametrize(
    ("unit", "village_problem", "flag"),
    [
        (CITY_AGRI, "lagging_development", None),
        (CITY_CIVIL, "weak_committees", None),
        (CITY_CIVIL, "lagging_development", "sector_mismatch"),
        (CITY_AGRI, "many_disputes", "sector_mismatch"),
        (CITY_OTHER, "lagging_development", "sector_mismatch"),
        (CITY_OTHER, "chaotic_affairs", "sector_mismatch"),
        (CITY_AGRI, None, "village_unclassified"),
    ],
)
def test_a_team_that_does_not_suit_its_village_is_accepted_and_flagged(
    zhucun, unit, village_problem, flag
):
    team_network(zhucun)
    if village_problem:
        apply(
            zhucun,
            cmd("classify_village", village=VILLAGE_B, problem=village_problem, finding="摸底"),
        )
    r = apply(zhucun, cmd("dispatch_team", unit=unit, village=VILLAGE_B, id=tid(2)))
    assert r.results[0]["flag"] == flag
    details = events_of(zhucun, tid(2))[0]["details"]
    assert details["flag"] == flag
    assert bool(details["flag_zh"]) == bool(details["flag_en"]) == (flag is not None)


def test_other_sectors_fit_no_class_of_village():
    for problem in Problem:
        assert sector_fit(Sector.OTHER, problem)[0] == "sector_mismatch"
    assert Sector.OTHER.group is SectorGroup.OTHER


# -- leaders ----------------------------------------------------------------------------------


def test_a_leader_must_be_a_party_member(zhucun):
    team_network(zhucun)
    team = second_team(zhucun)
    r = refused(zhucun, cmd("join_team", team=team, cadre=cid(NON_PARTY), as_leader=True))
    assert (r.error.code, r.error.field) == ("leader_not_party_member", "cadre")
    apply(zhucun, cmd("join_team", team=team, cadre=cid(NON_PARTY)))
    r = refused(zhucun, cmd("change_team_leader", team=team, cadre=cid(NON_PARTY)))
    assert r.error.code == "leader_not_party_member"


@pytest.mark.parametrize(
    ("unit", "cadre", "accepted"),
    [
        (CITY_AGRI, CLERK, False),  # 科员 for a city unit
        (CITY_AGRI, 6, False),  # 副科级 for a city unit
        (CITY_AGRI, SPARE_LEADER, True),  # 正处级
        (COUNTY_AGRI, 7, False),  # 科员 for a county unit
        (COUNTY_AGRI, 6, True),  # 副科级 for a county unit
        (PROV_FIN, 6, False),  # 副科级 for a province unit
        (PROV_FIN, 8, True),  # 副处级 for a province unit (the default rule)
    ],
)
def test_a_leader_has_the_rank_the_units_level_asks_for(zhucun, unit, cadre, accepted):
    team_network(zhucun)
    team = second_team(zhucun, unit)
    line = cmd("join_team", team=team, cadre=cid(cadre), as_leader=True)
    if accepted:
        apply(zhucun, line)
    else:
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("leader_rank_too_low", "cadre")


def test_the_rank_a_province_unit_asks_of_its_leaders_is_a_rule(zhucun):
    team_network(zhucun)
    team = second_team(zhucun, PROV_FIN)
    _, strict = teams_on(zhucun, RuleSet("strict", province_leader_min_rank=Rank.DIVISION))
    with pytest.raises(LeaderRankTooLowError):
        strict.join_team(UUID(team), UUID(cid(8)), True, meta("2014-06-02"))
    apply(zhucun, cmd("join_team", team=team, cadre=cid(8), as_leader=True))


def test_a_team_has_one_leader_at_a_time(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("join_team", team=tid(1), cadre=cid(SPARE_LEADER), as_leader=True))
    assert (r.error.code, r.error.field) == ("team_has_leader", "role")
    assert "张队长" in r.error.zh
    apply(
        zhucun,
        cmd("join_team", on="2015-01-01", team=tid(1), cadre=cid(SPARE_LEADER)),
        cmd("change_team_leader", on="2015-01-02", team=tid(1), cadre=cid(SPARE_LEADER)),
    )
    changed = events_of(zhucun, tid(1))[-1]
    assert changed["event"] == "Team.LeaderChanged"
    assert changed["details"]["previous_leader_id"] == cid(LEADER)
    # The former leader is still a member, and can check in.
    apply(zhucun, cmd("check_in", on="2015-01-03", cadre=cid(LEADER)))
    r = refused(zhucun, cmd("change_team_leader", on="2015-01-03", team=tid(1), cadre=cid(CLERK)))
    assert r.error.code == "not_team_member"


# -- members ----------------------------------------------------------------------------------


def test_a_cadre_serves_on_one_team_at_a_time(zhucun):
    team_network(zhucun)
    other = second_team(zhucun)
    r = refused(zhucun, cmd("join_team", on="2014-07-01", team=other, cadre=cid(MEMBER)))
    assert (r.error.code, r.error.field) == ("cadre_already_on_team", "cadre")
    apply(
        zhucun,
        cmd("leave_team", on="2014-08-01", team=tid(1), cadre=cid(MEMBER), how="replaced"),
        cmd("join_team", on="2014-08-01", team=other, cadre=cid(MEMBER)),
    )
    # Back-dating a join into the time on another team is refused too.
    apply(zhucun, cmd("leave_team", on="2014-09-01", team=other, cadre=cid(MEMBER), how="recalled"))
    r = refused(zhucun, cmd("join_team", on="2014-08-15", team=tid(1), cadre=cid(MEMBER)))
    assert r.error.code == "cadre_already_on_team"


def test_two_batches_racing_to_put_one_cadre_on_two_teams_cannot_both_be_written(zhucun):
    team_network(zhucun)
    second_team(zhucun, CITY_AGRI, VILLAGE_B, 2)
    second_team(zhucun, CITY_CIVIL, VILLAGE_A, 3)
    first, one = teams_on(zhucun)
    second, other = teams_on(zhucun)
    one.join_team(UUID(tid(2)), UUID(cid(CLERK)), False, meta("2014-07-01"))
    other.join_team(UUID(tid(3)), UUID(cid(CLERK)), False, meta("2014-07-01"))
    first.commit()
    with pytest.raises(ConcurrentChangeError):
        second.commit()
    joined = [r for r in events_of(zhucun, cid(CLERK)) if r["event"] == "Cadre.JoinedTeam"]
    assert [r["details"]["team_id"] for r in joined] == [tid(2)]
    assert [r["event"] for r in events_of(zhucun, tid(3))] == ["Team.Dispatched"]


def test_a_member_is_dated_within_the_teams_term(zhucun, clock):
    team_network(zhucun)
    r = refused(zhucun, cmd("join_team", on="2014-05-31", team=tid(1), cadre=cid(CLERK)))
    assert (r.error.code, r.error.field) == ("dated_before_dispatch", "occurred_on")
    clock.set(datetime(2018, 1, 1, 4, tzinfo=UTC))
    r = refused(zhucun, cmd("join_team", on="2017-06-01", team=tid(1), cadre=cid(CLERK)))
    assert (r.error.code, r.error.field) == ("dated_after_term", "occurred_on")
    assert "2017-05-31" in r.error.en
    apply(zhucun, cmd("join_team", on="2017-05-31", team=tid(1), cadre=cid(CLERK)))


def test_only_a_member_can_leave_and_not_before_joining(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("leave_team", team=tid(1), cadre=cid(CLERK), how="recalled"))
    assert r.error.code == "not_team_member"
    apply(zhucun, cmd("join_team", on="2014-09-01", team=tid(1), cadre=cid(CLERK)))
    r = refused(
        zhucun, cmd("leave_team", on="2014-08-01", team=tid(1), cadre=cid(CLERK), how="recalled")
    )
    assert r.error.code == "dated_before_opening"


# -- the end of a term: 不脱贫不脱钩 ------------------------------------------------------------


def test_a_poor_villages_team_cannot_end_its_term(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("end_team_term", on="2016-06-01", team=tid(1)))
    assert (r.error.code, r.error.field) == ("village_still_poor", "team")
    assert "不脱贫不脱钩" in r.error.zh and "extend_team_term" in r.error.en


def test_once_the_village_is_out_of_poverty_the_team_ends_and_its_members_are_free(zhucun):
    team_network(zhucun)
    apply(zhucun, cmd("exit_poverty", on="2016-05-01", unit=VILLAGE_A))
    r = apply(zhucun, cmd("end_team_term", on="2016-06-01", team=tid(1)))
    assert sorted(r.results[0]["released"]) == [cid(LEADER), cid(MEMBER)]
    assert events_of(zhucun, tid(1))[-1]["details"]["village_poor"] is False
    other = second_team(zhucun)
    apply(zhucun, cmd("join_team", on="2016-06-02", team=other, cadre=cid(MEMBER)))
    r = refused(zhucun, cmd("join_team", on="2016-06-02", team=tid(1), cadre=cid(CLERK)))
    assert r.error.code == "team_ended"
    # Check-ins of the days it served can still be recorded late.
    apply(zhucun, cmd("check_in", on="2016-05-31", cadre=cid(LEADER)))
    r = refused(zhucun, cmd("check_in", on="2016-06-02", cadre=cid(LEADER)))
    assert r.error.code == "not_team_member"


def test_a_successor_team_of_the_same_unit_lets_a_poor_villages_team_end(zhucun):
    team_network(zhucun)
    apply(
        zhucun, cmd("dispatch_team", on="2016-06-01", unit=CITY_CIVIL, village=VILLAGE_A, id=tid(3))
    )
    r = refused(zhucun, cmd("end_team_term", on="2016-06-01", team=tid(1), successor=tid(3)))
    assert (r.error.code, r.error.field) == ("invalid_successor_team", "successor")
    apply(
        zhucun, cmd("dispatch_team", on="2016-06-01", unit=CITY_AGRI, village=VILLAGE_B, id=tid(4))
    )
    r = refused(zhucun, cmd("end_team_term", on="2016-06-01", team=tid(1), successor=tid(4)))
    assert r.error.code == "invalid_successor_team"
    apply(
        zhucun, cmd("dispatch_team", on="2016-07-01", unit=CITY_AGRI, village=VILLAGE_A, id=tid(5))
    )
    r = refused(zhucun, cmd("end_team_term", on="2016-06-01", team=tid(1), successor=tid(5)))
    assert r.error.code == "invalid_successor_team"  # not there yet the next day
    apply(
        zhucun,
        cmd("end_team_term", on="2016-06-30", team=tid(1), successor=tid(5)),
        cmd("join_team", on="2016-07-01", team=tid(5), cadre=cid(LEADER), as_leader=True),
    )
    assert events_of(zhucun, tid(1))[-1]["details"]["successor_id"] == tid(5)


def test_extending_a_term_moves_its_last_day(zhucun, clock):
    team_network(zhucun)
    clock.set(datetime(2018, 1, 1, 4, tzinfo=UTC))
    r = refused(zhucun, cmd("check_in", on="2017-06-01", cadre=cid(LEADER)))
    assert r.error.code == "dated_after_term"
    r = refused(zhucun, cmd("extend_team_term", on="2017-05-20", team=tid(1), until="2017-05-01"))
    assert (r.error.code, r.error.field) == ("invalid_term_extension", "until")
    apply(
        zhucun,
        cmd(
            "extend_team_term",
            on="2017-05-20",
            actor="zhao.fupin",
            role="poverty_office",
            reason="村未脱贫，延期一年",
            team=tid(1),
            until="2018-05-31",
        ),
        cmd("check_in", on="2017-06-01", cadre=cid(LEADER)),
    )
    extended = events_of(zhucun, tid(1))[-1]
    assert (extended["actor"], extended["reason"]) == ("zhao.fupin", "村未脱贫，延期一年")
    assert extended["details"]["previous_term_ends_on"] == "2017-05-31"
