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
    IN_COUNTY,
    covered,
    endpoints,
    matrix_test,
    routes,
    store_fixture,
)

RUN, OTHER_RUN = "00000000-0000-0000-00aa-000000000001", "00000000-0000-0000-00aa-000000000002"
TEAM = tid(1)
OFFICIALS = frozenset({"city_admin", "county_admin"})
REPLAYERS = OFFICIALS | {"auditor"}
SEES_RUN = IN_COUNTY | {"team_member"}
REPORTERS = OFFICIALS | {"team_member"}  # the team's written report: its members, officials
NO_DOCUMENT = "0" * 64  # the county's run: its team's member sees its own row

ROUTES = routes("assessments", globals())


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
