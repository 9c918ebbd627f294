"""Audit queries: filtered rows of the whole log, identity numbers masked, back-dating flagged."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.audit.log import AuditFilter, audit_page, audit_rows
from app.bootstrap import Zhucun
from app.cli.main import cli
from app.store.clock import SettableClock
from tests.builders import answer, apply, cmd, hid, id_number, open_unit, small_network
from tests.units import CITY, GROUP_B1, VILLAGE_A, VILLAGE_B


def rows(z: Zhucun, **kw: Any) -> list[dict[str, Any]]:
    z.projections.catch_up()  # the log reads names and units from the read models
    return list(audit_rows(z.store, z.engine, AuditFilter(**kw)))


def test_every_event_is_a_row_in_log_order_with_who_when_and_why(zhucun: Zhucun) -> None:
    small_network(zhucun)
    found = rows(zhucun)
    assert [r["position"] for r in found] == list(range(1, zhucun.store.max_position() + 1))
    first = found[0]
    assert first["actor"] == "li.clerk" and first["role"] == "township_officer"
    assert first["what_zh"] == "设立单位" and first["what_en"] == "unit opened"
    assert first["reason"] == "test" and first["occurred_on"] == "2014-01-01"


def test_a_unit_filter_keeps_that_unit_and_everything_under_it(zhucun: Zhucun) -> None:
    small_network(zhucun)
    found = rows(zhucun, unit=VILLAGE_B)
    codes = {r["details"].get("code") for r in found if r["event"] == "Unit.Opened"}
    assert codes == {VILLAGE_B, GROUP_B1}
    names = {r["details"].get("head_name") for r in found if r["event"] == "Household.Registered"}
    assert names == {"赵四"}
    assert all(VILLAGE_A not in json.dumps(r["details"]) for r in found)


def test_identity_numbers_are_masked(zhucun: Zhucun) -> None:
    small_network(zhucun)
    text = json.dumps(rows(zhucun, event="Household.Registered"), ensure_ascii=False)
    assert id_number(1) not in text and text.count("Household.Registered") == 4


def test_entries_recorded_long_after_they_occurred_are_flagged_back_dated(zhucun: Zhucun) -> None:
    # The clock says 2016-12-31; recorded the same day or within 7 days is not back-dated.
    apply(
        zhucun,
        cmd("open_unit", on="2016-12-01", code="210500", name="本溪市", level="city"),
        cmd(
            "open_unit", on="2016-12-30", code="210521", name="县", level="county", parent="210500"
        ),
    )
    assert [r["backdated"] for r in rows(zhucun)] == [True, False]
    assert [r["backdated"] for r in rows(zhucun, backdated_days=60)] == [False, False]


def test_actor_type_dates_and_limit_filter(zhucun: Zhucun) -> None:
    small_network(zhucun)
    group = VILLAGE_B + "002"
    apply(
        zhucun,
        open_unit(group, "二组", "group", VILLAGE_B, on="2014-06-01", actor="wang.admin"),
    )
    assert [r["details"]["code"] for r in rows(zhucun, actor="wang.admin")] == [group]
    assert len(rows(zhucun, event="Unit.Opened")) == 9
    june = rows(zhucun, occurred_from=date(2014, 6, 1), occurred_to=date(2014, 6, 1))
    assert june and all(r["occurred_on"] == "2014-06-01" for r in june)
    assert len(rows(zhucun, limit=3)) == 3
    about = rows(zhucun, subject="00000000-0000-0000-0000-000000000004")
    assert {r["event"] for r in about} == {"Household.Registered"}
    assert rows(zhucun, recorded_from=date(2016, 12, 31), recorded_to=date(2016, 12, 31))
    assert not rows(zhucun, recorded_to=date(2016, 12, 30))


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_cli_audit_log_outputs_carry_the_back_dated_flag(db_url: str, fmt: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0
    line = json.dumps(cmd("open_unit", code="210500", name="本溪市", level="city"))
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=line).exit_code == 0
    r = runner.invoke(cli, ["--db", db_url, "audit", "log", fmt, "--unit", "210500"])
    assert r.exit_code == 0, r.output
    if fmt == "--json":
        (row,) = answer(r.stdout)
    else:
        (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert row["event"] == "Unit.Opened" and str(row["backdated"]) == "True"


# -- teams, people, actors, pages ---------------------------------------------------------------


def _team_with_life(z: Zhucun) -> str:
    from tests.team_builders import LEADER, cid, leave, lid, second_team, team_network

    team = team_network(z).team
    other = second_team(z)
    apply(
        z,
        cmd("check_in", on="2014-06-02", actor="张队长", role="team_member", cadre=cid(LEADER)),
        leave(1, "2014-06-10", "2014-06-11", on="2014-06-03", role="team_member"),
        cmd("approve_leave", on="2014-06-04", role="township_officer", leave=lid(1)),
        cmd("join_team", on="2014-06-05", team=other, cadre=cid(3)),
        cmd("check_in", on="2014-06-06", cadre=cid(3)),
    )
    return team


def test_a_team_filter_keeps_the_team_and_its_members_months_and_leave(zhucun: Zhucun) -> None:
    team = _team_with_life(zhucun)
    found = rows(zhucun, team=UUID(team))
    kinds = [r["event"] for r in found]
    assert kinds[0] == "Team.Dispatched" and kinds.count("Team.MemberJoined") == 2
    assert "MemberMonth.CheckedIn" in kinds and "MemberMonth.Started" in kinds
    assert {"LeaveRequest.Requested", "LeaveRequest.Approved"} <= set(kinds)
    assert kinds.count("Cadre.JoinedTeam") == 2
    # The other team's member and check-in are not this team's.
    from tests.team_builders import cid

    assert all(r["subject"] != cid(3) for r in found)
    assert all(r["details"].get("cadre_id") != cid(3) for r in found)


def test_a_person_filter_keeps_what_they_recorded_and_what_is_about_them(zhucun: Zhucun) -> None:
    from tests.team_builders import LEADER, cid

    _team_with_life(zhucun)
    mine = rows(zhucun, person=cid(LEADER))
    kinds = {r["event"] for r in mine}
    assert {"Cadre.Registered", "Cadre.JoinedTeam", "Team.MemberJoined"} <= kinds
    # Recorded under the cadre's name, and the month stream started by that check-in.
    assert {"MemberMonth.CheckedIn", "MemberMonth.Started"} <= kinds
    assert rows(zhucun, person="张队长") and not rows(zhucun, person="nobody")
    household = rows(zhucun, person=hid(1))
    assert {"Household.Registered", "CentralHousehold.Designated"} <= {
        r["event"] for r in household
    }


def test_actors_known_to_the_read_models_show_their_name_and_unit(zhucun: Zhucun) -> None:
    _team_with_life(zhucun)
    (check_in,) = rows(zhucun, event="MemberMonth.CheckedIn", actor="张队长")
    assert check_in["actor_name"] == "张队长" and "本溪市农委" in check_in["actor_unit"]
    stranger = rows(zhucun, actor="li.clerk", limit=1)[0]
    assert stranger["actor_name"] == "li.clerk" and stranger["actor_unit"] == ""
    assert stranger["subject_name"] == "本溪市 (210500)"


def test_pages_follow_each_other_without_gaps_or_repeats(zhucun: Zhucun) -> None:
    small_network(zhucun)
    everything = [r["position"] for r in rows(zhucun)]
    zhucun.projections.catch_up()
    first = audit_page(zhucun.store, zhucun.engine, AuditFilter(limit=4))
    assert first.more and first.next_hint(AuditFilter(limit=4)) == "--after 4 --limit 4"
    second = rows(zhucun, after=first.last_position, limit=4)
    third = rows(zhucun, limit=4, page=3)
    got = [r["position"] for r in first.rows + second + third]
    assert got == everything[:12]
    last = audit_page(zhucun.store, zhucun.engine, AuditFilter(after=everything[-2], limit=4))
    assert not last.more and len(last.rows) == 1


def test_cli_tells_how_to_get_the_next_page(db_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0
    lines = "\n".join(
        json.dumps(cmd("open_unit", code=c, name=n, level=lv, parent=p))
        for c, n, lv, p in [
            ("210500", "本溪市", "city", None),
            ("210521", "县", "county", "210500"),
            ("210522", "县二", "county", "210500"),
        ]
    ).replace(', "parent": null', "")
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=lines).exit_code == 0
    r = runner.invoke(cli, ["--db", db_url, "audit", "log", "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert "next page: --after 2 --limit 2" in r.stderr
    r = runner.invoke(cli, ["--db", db_url, "audit", "log", "--page", "2", "--limit", "2"])
    assert r.stdout.startswith("#3 ") and "next page" not in r.stderr


def test_password_hashes_are_never_shown() -> None:
    from types import SimpleNamespace

    from app.describe import details

    event = SimpleNamespace(username="li", password_hash="$argon2id$v=19$secret")
    assert details(event) == {"username": "li", "password_hash": "***"}
    assert details(event, unmasked=True)["password_hash"] == "***"


def test_a_unit_filter_keeps_the_teams_serving_there_and_their_members_records(
    zhucun: Zhucun,
) -> None:
    from tests.team_builders import LEADER, cid

    team = _team_with_life(zhucun)
    found = rows(zhucun, unit=VILLAGE_A)
    kinds = {r["event"] for r in found}
    assert {"Team.Dispatched", "Team.MemberJoined", "MemberMonth.CheckedIn"} <= kinds
    assert {"LeaveRequest.Requested", "LeaveRequest.Approved", "Cadre.Registered"} <= kinds
    assert any(r["subject"] == team for r in found)
    assert any(r["subject"] == cid(LEADER) for r in found)
    # Village B's team and its member's check-in stay out.
    assert all(r["details"].get("cadre_id") != cid(3) for r in found)
    assert all(r["subject"] != cid(3) for r in found)
    assert rows(zhucun, team=UUID(team))[0]["subject_name"]


def test_the_recording_day_is_the_beijing_day_at_either_edge(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    from datetime import UTC, datetime

    clock.set(datetime(2016, 12, 30, 16, 30, tzinfo=UTC))  # 2016-12-31 00:30 in Beijing
    apply(zhucun, cmd("open_unit", on="2016-12-30", code="210500", name="本溪市", level="city"))
    clock.set(datetime(2016, 12, 31, 15, 59, tzinfo=UTC))  # 2016-12-31 23:59 in Beijing
    apply(
        zhucun,
        cmd("open_unit", on="2016-12-30", code="210521", name="县", level="county", parent=CITY),
    )
    day = date(2016, 12, 31)
    assert len(rows(zhucun, recorded_from=day, recorded_to=day)) == 2
    assert rows(zhucun, recorded_to=date(2016, 12, 30)) == []
    assert rows(zhucun, recorded_from=date(2017, 1, 1)) == []
    assert rows(zhucun, recorded_from=day)[0]["recorded_at"] == "2016-12-31T00:30:00+08:00"


@pytest.mark.parametrize(
    ("option", "value", "code"),
    [("--unit", "210599", "unit_not_found"), ("--team", hid(99), "team_not_found")],
)
def test_an_unknown_unit_or_team_is_refused_not_shown_as_empty(
    db_url: str, option: str, value: str, code: str
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0
    line = json.dumps(cmd("open_unit", code="210500", name="本溪市", level="city"))
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=line).exit_code == 0
    r = runner.invoke(cli, ["--db", db_url, "audit", "log", option, value])
    assert r.exit_code == 1 and code in r.stderr
