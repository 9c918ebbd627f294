"""The permission matrix: every role (and nobody logged in) × every page and action.

Allowed gives the page (200, or the redirect the route makes); a logged-in account outside its
role or unit gets 403, recorded as an event; nobody logged in is sent to the login page (the
API answers 401). On SQLite: the matrix is about the rules, not the engine.
"""

from __future__ import annotations

from uuid import UUID

from flask import Flask

from domain.party import central_household_id
from tests.builders import (
    TOWNSHIP,
    cmd,
    hid,
    household,
    mid,
)
from tests.team_builders import cid, tid
from tests.web.builders import OTHER_GROUP
from tests.web.matrix import (
    covered,
    endpoints,
    matrix_test,
    routes,
    store_fixture,
)

ADMINS = frozenset({"city_admin", "county_admin", "auditor"})
# Who may assign a gap for rectification (app/jurisdiction.py, NETWORK), and the form of an
# unlinked household of village A.
ASSIGNERS = frozenset({"city_admin", "county_admin", "township_officer"})
ASSIGN_FORM = f"/units/{TOWNSHIP}/gaps/assign?type=unlinked_household&subject={hid(2)}"
# Who may keep a file through the API: who may cite one (evidence, a written report).
FILE_KEEPERS = ASSIGNERS | {"team_member"}
TEAM_ADMINS = frozenset({"city_admin", "county_admin"})  # who runs an assessment
# Central households of village A, village B and the other county's village.
CH_A, CH_B, CH_OTHER = (str(central_household_id(UUID(hid(n)))) for n in (1, 4, 9))

NO_TOKEN = "00000000-0000-4000-8000-000000000000"
# Records the routes name (tests/web/permissions.toml).
TEAM, CADRE, HOUSEHOLD, OTHER_HOUSEHOLD = tid(1), cid(1), hid(1), hid(9)

ROUTES = routes("pages", globals())


# What the routes above name beyond the web network: a central household in each county.
NAMED = (
    cmd("party_member_joined", name="赵四", household=hid(4), id=mid(4)),
    cmd("designate_central_household", on="2014-06-02", party_member=mid(4)),
    household(9, OTHER_GROUP, "钱九", 3),
    cmd("party_member_joined", name="钱九", household=hid(9), id=mid(9)),
    cmd("designate_central_household", on="2014-06-02", party_member=mid(9)),
)


store = store_fixture("matrix", *NAMED)


test_permission_matrix = matrix_test(ROUTES)


def test_every_route_of_the_app_is_in_the_matrix(matrix_app: Flask):
    every = {
        (endpoint, method)
        for endpoint, method in endpoints(matrix_app)
        # Team pages, histories and forms: their own matrix, test_permissions_records.py; the
        # village work ledger: test_permissions_ledger.py.
        # Assessments: test_permissions_assessments.py.
        if endpoint.split(".")[0] not in {"teams", "history", "records", "ledger", "assessments"}
    }
    # The login form's POST is the login itself, tested in test_auth.py; a run's results
    # through the API need a run, an evidence file a ledger: their matrices run them
    # (test_permissions_assessments.py, test_permissions_ledger.py); the commands API has its
    # matrix of every role × command × disguise: test_api_commands_matrix.py; a kind's
    # template and an upload answer 404 for a kind the role may not record (it is not
    # offered), in tests/web/test_import_page.py.
    assert every - covered(matrix_app, ROUTES) == {
        ("auth.login", "POST"),
        ("api_reads.assessment_results", "GET"),
        ("api_uploads.replay_assessment", "POST"),
        ("api_work.proposals", "GET"),
        ("api_work.trace", "GET"),
        ("api_work.evidence_file", "GET"),
        ("api_work.report_document", "GET"),
        ("api_commands.commands", "POST"),
        ("imports.template_file", "GET"),
        ("imports.upload", "POST"),
    }
