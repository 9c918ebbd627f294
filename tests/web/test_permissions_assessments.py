"""The permission matrix of the assessment pages and actions: every role (and nobody logged in)
× every route of ``web/assessments.py``, over a published annual run of the county (its team
is village A's) and one of the other county. On SQLite: the matrix is about the rules."""

from __future__ import annotations

from uuid import UUID

from flask import Flask

from app.bootstrap import Zhucun
from domain.assessments.periods import RunKind
from tests.assess_builders import adopt, meta
from tests.builders import COUNTY, apply, cmd
from tests.team_builders import tid
from tests.web.builders import OTHER_COUNTY, web_network
from tests.web.matrix import (
    CITY_WIDE,
    EVERYONE,
    IN_COUNTY,
    covered,
    endpoints,
    matrix_test,
    store_fixture,
)

RUN, OTHER_RUN = "00000000-0000-0000-00aa-000000000001", "00000000-0000-0000-00aa-000000000002"
TEAM = tid(1)
OFFICIALS = frozenset({"city_admin", "county_admin"})
REPLAYERS = OFFICIALS | {"auditor"}
SEES_RUN = IN_COUNTY | {"team_member"}
REPORTERS = OFFICIALS | {"team_member"}  # the team's written report: its members, officials
NO_DOCUMENT = "0" * 64  # the county's run: its team's member sees its own row

ROUTES = [
    ("assessments", "GET", "/assessments", EVERYONE, 200),
    ("assessments of the other county", "GET", f"/assessments?unit={OTHER_COUNTY}", CITY_WIDE, 200),
    ("run, sent without a kind", "POST", "/assessments/run", OFFICIALS, 400),
    ("the county's run", "GET", f"/assessments/{RUN}", SEES_RUN, 200),
    ("the other county's run", "GET", f"/assessments/{OTHER_RUN}", CITY_WIDE, 200),
    ("a team's score", "GET", f"/assessments/{RUN}/teams/{TEAM}", SEES_RUN, 200),
    (
        "a figure's trace",
        "GET",
        f"/assessments/{RUN}/teams/{TEAM}/trace/days_checked_in",
        SEES_RUN,
        200,
    ),
    ("replay", "POST", f"/assessments/{RUN}/replay", REPLAYERS, 200),
    ("publish again", "POST", f"/assessments/{RUN}/publish", OFFICIALS, 422),
    ("decide, sent empty", "POST", f"/assessments/{RUN}/decide", OFFICIALS, 400),
    ("a team's assessments", "GET", f"/teams/{TEAM}/assessments", EVERYONE, 200),
    ("the written report's form", "GET", f"/teams/{TEAM}/assessments/report", REPORTERS, 200),
    ("written report, sent empty", "POST", f"/teams/{TEAM}/assessments/report", REPORTERS, 400),
    (
        "a document no report cites",
        "GET",
        f"/teams/{TEAM}/assessments/reports/{NO_DOCUMENT}",
        EVERYONE,
        404,
    ),
    # The same through the API (web/api_work.py, web/api_uploads.py).
    ("results API", "GET", f"/api/v1/assessments/{RUN}/results", SEES_RUN, 200),
    ("proposals API", "GET", f"/api/v1/assessments/{RUN}/proposals", SEES_RUN, 200),
    (
        "proposals API, other county",
        "GET",
        f"/api/v1/assessments/{OTHER_RUN}/proposals",
        CITY_WIDE,
        200,
    ),
    (
        "a figure's trace API",
        "GET",
        f"/api/v1/assessments/{RUN}/teams/{TEAM}/trace/days_checked_in",
        SEES_RUN,
        200,
    ),
    ("replay API", "POST", f"/api/v1/assessments/{RUN}/replay", REPLAYERS, 200),
    (
        "a document no report cites, API",
        "GET",
        f"/api/v1/teams/{TEAM}/assessments/reports/{NO_DOCUMENT}",
        EVERYONE,
        404,
    ),
]


def published_runs(z: Zhucun) -> None:
    """The web tests' network, and a published annual run of the county and of the other."""
    web_network(z)
    adopt(z)
    for run_id, unit in ((RUN, COUNTY), (OTHER_RUN, OTHER_COUNTY)):
        z.assessments.run(RunKind.ANNUAL, "2014", unit, None, meta(z), run_id=UUID(run_id))
        apply(z, cmd("publish_assessment_run", run=run_id, actor="org.dept", role="city_admin"))


store = store_fixture("assessments", build=published_runs)


test_assessments_permission_matrix = matrix_test(ROUTES)


def test_every_assessment_route_is_in_the_matrix(matrix_app: Flask):
    every = {(e, m) for e, m in endpoints(matrix_app) if e.split(".")[0] == "assessments"}
    pages = {(e, m) for e, m in covered(matrix_app, ROUTES) if not e.startswith("api")}
    assert every == pages
