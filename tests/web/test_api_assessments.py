"""The API's assessment reads on both engines: the runs in reach, a run's results team by
team (a team member's own team only), another county's run refused naming nothing of it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.assess_builders import run
from tests.builders import COUNTY
from tests.web.builders import OTHER_COUNTY
from tests.web.conftest import login, make_app
from tests.web.test_api_reads import OUTSIDE_NAMES, _variants, conforming, refused_naming_nothing
from tests.web.test_assessment_pages import assessed_with_accounts

OUTSIDE = (*OUTSIDE_NAMES, OTHER_COUNTY)  # what an answer to the county never names


@pytest.fixture
def team(zhucun: Zhucun, clock: SettableClock) -> str:
    return assessed_with_accounts(zhucun, clock)


@pytest.fixture
def web(zhucun: Zhucun, team: str) -> Flask:
    return make_app(zhucun)


def test_runs_and_results_as_the_use_case_records_them(
    zhucun: Zhucun, team: str, web: Flask
) -> None:
    ours = run(zhucun)["run_id"]
    theirs = run(zhucun, unit=OTHER_COUNTY)["run_id"]
    county = login(web.test_client(), "county_admin")
    runs = conforming(county, "/api/v1/assessments")
    assert [r["run_id"] for r in runs["rows"]] == [ours]
    assert conforming(county, f"/api/v1/assessments?unit={COUNTY}")["rows"] == runs["rows"]

    results = conforming(county, f"/api/v1/assessments/{ours}/results")
    recorded: dict[str, Any] = zhucun.assessments.show(UUID(ours))
    assert results["rows"] == sorted(recorded["result"]["teams"], key=lambda t: t["team_id"])
    assert team in {t["team_id"] for t in results["rows"]}

    for value in _variants(theirs):
        refused_naming_nothing(county, "/api/v1/assessments/{}/results", value, OUTSIDE)


def test_a_team_member_sees_only_its_own_team_s_result(
    zhucun: Zhucun, team: str, web: Flask
) -> None:
    ours = run(zhucun)["run_id"]
    member = login(web.test_client(), "team_member")
    results = conforming(member, f"/api/v1/assessments/{ours}/results")
    assert [t["team_id"] for t in results["rows"]] == [team]


def test_a_run_s_proposals_a_figure_s_trace_and_a_team_s_assessments(
    zhucun: Zhucun, team: str, web: Flask
) -> None:
    ours = run(zhucun)["run_id"]
    county = login(web.test_client(), "county_admin")
    proposed = conforming(county, f"/api/v1/assessments/{ours}/proposals")
    recorded = zhucun.assessments.proposals(UUID(ours))["proposals"]
    assert sorted(p["proposal"] for p in proposed["rows"]) == sorted(
        p["proposal"] for p in recorded
    )
    traced = conforming(county, f"/api/v1/assessments/{ours}/teams/{team}/trace/days_checked_in")
    explained = zhucun.assessments.explain(UUID(ours), UUID(team), "days_checked_in")
    assert len(traced.get("entries", [])) == len(explained.get("entries", []))
    nobody = "00000000-0000-4000-8000-000000000000"
    path = f"/api/v1/assessments/{ours}/teams/{nobody}/trace/days_checked_in"
    assert conforming(county, path, 404)["code"] == "team_not_in_run"
    history = conforming(county, f"/api/v1/teams/{team}/assessments")
    assert [r["run"]["run_id"] for r in history["rows"]] == [ours]


def test_another_county_s_run_s_proposals_and_traces_are_refused(
    zhucun: Zhucun, team: str, web: Flask
) -> None:
    theirs = run(zhucun, unit=OTHER_COUNTY)["run_id"]
    county = login(web.test_client(), "county_admin")
    for value in _variants(theirs):
        for path in (
            "/api/v1/assessments/{}/proposals",
            f"/api/v1/assessments/{{}}/teams/{team}/trace/days_checked_in",
        ):
            refused_naming_nothing(county, path, value, OUTSIDE)
