"""The API's assessment reads on both engines: the runs in reach, a run's results team by
team (a team member's own team only), another county's run refused naming nothing of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from flask import Flask

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.assess_builders import run
from tests.builders import COUNTY
from tests.web.builders import OTHER_COUNTY
from tests.web.conftest import login, make_app
from tests.web.test_api_reads import OUTSIDE_NAMES, _variants, conforming
from tests.web.test_assessment_pages import assessed_with_accounts


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
        sent = quote(value, safe="")
        body = conforming(county, f"/api/v1/assessments/{sent}/results", 403)
        text = str(body).replace(value, "").replace(sent, "")
        assert [s for s in (*OUTSIDE_NAMES, OTHER_COUNTY) if s in text] == [], body


def test_a_team_member_sees_only_its_own_team_s_result(
    zhucun: Zhucun, team: str, web: Flask
) -> None:
    ours = run(zhucun)["run_id"]
    member = login(web.test_client(), "team_member")
    results = conforming(member, f"/api/v1/assessments/{ours}/results")
    assert [t["team_id"] for t in results["rows"]] == [team]
