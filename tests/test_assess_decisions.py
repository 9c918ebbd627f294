"""Decisions: a published run proposes commendations (within the quota), priority posting or
promotion of the members of commended teams, criticisms (one of the seed's three reasons)
and, under rules with the extension rule, extending the term of a team whose village is
still poor after the years it names. A city or county administrator decides each once:
accept, amend with a reason, reject with a reason; each decision is an event citing the run
and its digest, and an extension accepted extends the team's term. Each refusal on both
engines, writing nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.commands import parse_command_line
from app.jurisdiction import Reach
from domain.account_errors import NotInJurisdictionError
from domain.accounts import Role
from domain.assessments.errors import (
    AmendmentNotAllowedError,
    DecisionWithoutReasonError,
    ProposalAlreadyDecidedError,
    ProposalNotFoundError,
    RunNotPublishedError,
)
from domain.errors import InvalidInputError, WrongRoleError
from tests.assess_builders import RULES_FILE, RULES_NAME, adopt, assessed_team, run
from tests.builders import COUNTY, answer, apply, cmd, refused
from tests.team_builders import LEADER, cid

ONE_YEAR = {"after_years": 1, "extend_by_years": 1}


@pytest.fixture
def team(zhucun) -> str:
    team = assessed_team(zhucun)
    adopt(zhucun, version=2, extension=ONE_YEAR)
    return team


def publish(z: Any, run_id: str) -> None:
    apply(z, cmd("publish_assessment_run", on="2016-12-31", role="city_admin", run=run_id))


def decide(run_id: str, proposal: str, outcome: str = "accepted", **args: Any) -> dict[str, Any]:
    role = args.pop("role", "county_admin")
    return cmd(
        "decide_assessment_proposal",
        on="2016-12-31",
        actor="zuzhi.bu",
        role=role,
        run=run_id,
        proposal=proposal,
        outcome=outcome,
        **args,
    )


def published(z: Any, period: str = "2014") -> str:
    run_id: str = run(z, period)["run_id"]
    publish(z, run_id)
    return run_id


def test_a_published_run_proposes_a_criticism_with_its_reason(zhucun, team, db_url):
    run_id = published(zhucun)
    data = zhucun.assessments.proposals(UUID(run_id))
    (p,) = data["proposals"]
    assert p["proposal"] == f"criticism:{team}:not_regularly_resident"
    assert (p["kind"], p["reason_zh"], p["decision"]) == ("criticism", "没有做到经常性驻村", None)
    assert data["undecided"] == 1 and data["published"] is True
    out = CliRunner().invoke(cli, ["--db", db_url, "assess", "proposals", run_id, "--json"])
    assert out.exit_code == 0, out.output
    assert answer(out.output)["proposals"][0]["proposal"] == p["proposal"]


def test_a_decision_is_an_event_citing_the_run_and_its_digest(zhucun, team):
    done = run(zhucun)
    publish(zhucun, done["run_id"])
    key = f"criticism:{team}:not_regularly_resident"
    apply(zhucun, decide(done["run_id"], key))
    (p,) = zhucun.assessments.proposals(UUID(done["run_id"]))["proposals"]
    assert p["decision"]["outcome"] == "accepted" and p["decision"]["decided_by"] == "zuzhi.bu"
    logged = zhucun.store.read_log(zhucun.store.max_position() - 1, 1)[0].event
    assert (logged.run_id, logged.run_digest) == (UUID(done["run_id"]), done["digest"])


def test_a_decision_on_an_unpublished_run_is_refused(zhucun, team):
    run_id = run(zhucun)["run_id"]
    e = refused(zhucun, decide(run_id, f"criticism:{team}:not_regularly_resident"))
    assert isinstance(e.error, RunNotPublishedError) and run_id in e.error.en


@pytest.mark.parametrize(
    "given",
    ["{key}", " {key} ", "{upper}"],  # as proposed, padded, other case
)
def test_deciding_a_proposal_twice_is_refused_however_it_is_written(zhucun, team, given):
    run_id = published(zhucun)
    key = f"criticism:{team}:not_regularly_resident"
    apply(zhucun, decide(run_id, key))
    e = refused(
        zhucun, decide(run_id, given.format(key=key, upper=key.upper()), "rejected", why="x")
    )
    assert isinstance(e.error, ProposalAlreadyDecidedError) and "zuzhi.bu" in e.error.en


@pytest.mark.parametrize(
    "proposal",
    [
        "criticism:{team}:poorly_rated",  # a reason the run did not give
        "commendation:{team}",  # not commended
        "ｃｒｉｔｉｃｉｓｍ:{team}:not_regularly_resident",  # full-width
    ],
)
def test_a_proposal_the_run_did_not_make_is_refused(zhucun, team, proposal):
    run_id = published(zhucun)
    e = refused(zhucun, decide(run_id, proposal.format(team=team)))
    assert isinstance(e.error, ProposalNotFoundError | InvalidInputError)


@pytest.mark.parametrize("outcome", ["amended", "rejected"])
def test_amending_or_rejecting_without_a_reason_is_refused(zhucun, team, outcome):
    run_id = published(zhucun)
    key = f"criticism:{team}:not_regularly_resident"
    amend = {"amend": {"reason": "poorly_rated"}} if outcome == "amended" else {}
    e = refused(zhucun, decide(run_id, key, outcome, why="  ", **amend))
    assert isinstance(e.error, DecisionWithoutReasonError)
    assert ("修改" if outcome == "amended" else "驳回") in e.error.zh


def test_a_criticism_amended_to_another_reason_records_both(zhucun, team):
    run_id = published(zhucun)
    key = f"criticism:{team}:not_regularly_resident"
    same = refused(
        zhucun,
        decide(run_id, key, "amended", why="核实", amend={"reason": "not_regularly_resident"}),
    )
    assert same.error.field == "amend"
    apply(
        zhucun,
        decide(run_id, key, "amended", why="群众反映较多", amend={"reason": " Poorly_Rated "}),
    )
    (p,) = zhucun.assessments.proposals(UUID(run_id))["proposals"]
    assert p["decision"]["amended"] == {"reason": "poorly_rated", "reason_zh": "群众评价差"}
    assert p["decision"]["why"] == "群众反映较多"


def test_only_city_and_county_administrators_decide(zhucun, team):
    run_id = published(zhucun)
    key = f"criticism:{team}:not_regularly_resident"
    for role in ("township_officer", "inspector", "auditor"):
        e = refused(zhucun, decide(run_id, key, role=role))
        assert isinstance(e.error, WrongRoleError)


def test_a_decider_outside_the_run_s_unit_is_refused(zhucun, team):
    run_id = published(zhucun)
    line = parse_command_line(decide(run_id, f"criticism:{team}:not_regularly_resident"))
    before = zhucun.store.max_position()
    with pytest.raises(Exception) as info:
        zhucun.execute([line], reach=Reach(Role.COUNTY_ADMIN, "210522"))
    assert isinstance(getattr(info.value, "error", None), NotInJurisdictionError)
    assert zhucun.store.max_position() == before
    zhucun.execute([line], reach=Reach(Role.COUNTY_ADMIN, COUNTY))


def _term_ends_on(z: Any, team: str, on: date = date(2016, 12, 31)) -> str:
    """The team's last day on a day as the teams' read side shows it (``zhucun teams``)."""
    rows = z.teams(COUNTY, as_of=on) or []
    return str(next(r["term_end"] for r in rows if r["team_id"] == team))


def test_a_still_poor_village_s_team_gets_an_extension_proposal_after_the_years_named(zhucun, team):
    assert not any(
        p["kind"] == "extension"
        for p in zhucun.assessments.proposals(UUID(published(zhucun)))["proposals"]
    )  # 2014: not yet a year in the village
    run_id = published(zhucun, "2015")
    (ext,) = [
        p
        for p in zhucun.assessments.proposals(UUID(run_id))["proposals"]
        if p["kind"] == "extension"
    ]
    assert ext["proposal"] == f"extension:{team}"
    assert (ext["term_ends_on"], ext["until"]) == ("2017-05-31", "2018-05-31")
    done = apply(zhucun, decide(run_id, ext["proposal"]))
    assert done.results[0]["term_ends_on"] == "2018-05-31"
    assert _term_ends_on(zhucun, team) == "2018-05-31"


def test_an_extension_amended_extends_to_the_day_decided_and_a_rejection_extends_nothing(
    zhucun, team
):
    run_id = published(zhucun, "2015")
    key = f"extension:{team}"
    e = refused(zhucun, decide(run_id, key, "amended", why="延半年", amend={"until": "2017-05-01"}))
    assert e.error.field == "amend"  # not after the term's last day
    apply(zhucun, decide(run_id, key, "amended", why="延半年", amend={"until": "2017-11-30"}))
    assert _term_ends_on(zhucun, team) == "2017-11-30"

    other = published(zhucun, "2015")  # a second look at 2015 proposes again
    apply(zhucun, decide(other, key, "rejected", why="已延期"))
    assert _term_ends_on(zhucun, team) == "2017-11-30"


def test_a_commended_team_and_its_resident_members_are_proposed_and_cannot_be_amended(zhucun, team):
    adopt(
        zhucun,
        version=3,
        criticism=[],
        commendation={"grade": "fail", "quota_percent": "100"},
    )
    run_id = published(zhucun)
    kinds = {p["kind"]: p for p in zhucun.assessments.proposals(UUID(run_id))["proposals"]}
    assert set(kinds) == {"commendation", "priority_posting"}
    assert kinds["priority_posting"]["cadre_id"] == str(UUID(cid(LEADER)))  # resident all along
    e = refused(
        zhucun,
        decide(
            run_id,
            kinds["commendation"]["proposal"],
            "amended",
            why="x",
            amend={"until": "2018-01-01"},
        ),
    )
    assert isinstance(e.error, AmendmentNotAllowedError)
    apply(zhucun, decide(run_id, kinds["priority_posting"]["proposal"], "rejected", why="已提拔"))


def test_the_command_line_decides_and_answers_json(zhucun, team, db_url):
    run_id = published(zhucun)
    key = f"criticism:{team}:not_regularly_resident"
    base = ["--db", db_url, "assess", "decide", run_id, key]
    out = CliRunner().invoke(cli, [*base, "--reject", "--as", "zuzhi.bu", "--role", "county_admin"])
    assert out.exit_code != 0 and "reason" in out.output
    out = CliRunner().invoke(
        cli,
        [
            *base,
            "--reject",
            "--why",
            "已整改",
            "--as",
            "zuzhi.bu",
            "--role",
            "county_admin",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert answer(out.output)["outcome"] == "rejected"
    said = CliRunner().invoke(cli, ["--db", db_url, "assess", "proposals", run_id])
    assert "0 undecided" in said.output
    assert "没有做到经常性驻村)  [rejected by zuzhi.bu on " in said.output  # dated today
    assert "(已整改)]" in said.output


def test_under_version_3_as_filed_the_last_run_before_the_term_ends_proposes_the_extension(
    zhucun, clock
):
    assessed_team(zhucun)
    for version in (2, 3):  # after version 1 (assessed_team); the last in force
        filed = RULES_FILE / f"{RULES_NAME}.v{version}.json"
        document = json.loads(filed.read_text(encoding="utf-8"))
        apply(
            zhucun,
            cmd(
                "adopt_assessment_rules",
                on="2014-06-01",
                role="city_admin",
                rules=document,
                effective_from="2014-01-01",
            ),
        )
    assert document["extension"]["term_ending_within_months"] == 6
    clock.set(datetime(2017, 1, 20, 2, tzinfo=UTC))
    early = run(zhucun, "2016H1", "half_year")["run_id"]  # the term ends after 2016: not yet
    assert all(
        p["kind"] != "extension" for p in zhucun.assessments.proposals(UUID(early))["proposals"]
    )
    run_id = published(zhucun, "2016")  # the term ends within six months of the period's end
    (ext,) = [
        p
        for p in zhucun.assessments.proposals(UUID(run_id))["proposals"]
        if p["kind"] == "extension"
    ]
    assert (ext["dispatched_on"], ext["term_ends_on"], ext["until"]) == (
        "2014-06-01",
        "2017-05-31",
        "2018-05-31",
    )
    line = decide(run_id, ext["proposal"])
    line["occurred_on"] = "2017-01-20"
    apply(zhucun, line)  # decided while the term still runs
    assert _term_ends_on(zhucun, ext["team_id"], date(2017, 1, 20)) == "2018-05-31"
    clock.set(datetime(2017, 7, 10, 2, tzinfo=UTC))
    later = run(zhucun, "2017H1", "half_year")["run_id"]  # extended: no longer within six months
    assert all(
        p["kind"] != "extension" for p in zhucun.assessments.proposals(UUID(later))["proposals"]
    )
