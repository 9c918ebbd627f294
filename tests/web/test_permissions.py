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
    CITY,
    COUNTY,
    GROUP_A1,
    TOWNSHIP,
    VILLAGE_A,
    VILLAGE_B,
    cmd,
    hid,
    household,
    mid,
)
from tests.team_builders import cid, tid
from tests.web.builders import OTHER_COUNTY, OTHER_GROUP, OTHER_VILLAGE
from tests.web.matrix import (
    AUDITORS,
    CITY_WIDE,
    EVERYONE,
    IN_COUNTY,
    IN_TOWNSHIP,
    REFUSED_FORM,
    covered,
    endpoints,
    matrix_test,
    store_fixture,
)

ADMINS = frozenset({"city_admin", "county_admin", "auditor"})
# Who may assign a gap for rectification (app/jurisdiction.py, NETWORK), and the form of an
# unlinked household of village A.
ASSIGNERS = frozenset({"city_admin", "county_admin", "township_officer"})
ASSIGN_FORM = f"/units/{TOWNSHIP}/gaps/assign?type=unlinked_household&subject={hid(2)}"
PUBLIC = None  # no login needed
# Who may keep a file through the API: who may cite one (evidence, a written report).
FILE_KEEPERS = ASSIGNERS | {"team_member"}
TEAM_ADMINS = frozenset({"city_admin", "county_admin"})  # who runs an assessment
# Central households of village A, village B and the other county's village.
CH_A, CH_B, CH_OTHER = (str(central_household_id(UUID(hid(n)))) for n in (1, 4, 9))

NO_TOKEN = "00000000-0000-4000-8000-000000000000"

# (name, method, path, roles allowed, status when allowed)
ROUTES: list[tuple[str, str, str, frozenset[str] | None, int]] = [
    ("start page", "GET", "/", EVERYONE, 302),
    ("city dashboard", "GET", f"/units/{CITY}", CITY_WIDE, 200),
    ("county dashboard", "GET", f"/units/{COUNTY}", IN_COUNTY, 200),
    ("other county", "GET", f"/units/{OTHER_COUNTY}", CITY_WIDE, 200),
    ("other county's village", "GET", f"/units/{OTHER_VILLAGE}", CITY_WIDE, 200),
    ("township", "GET", f"/units/{TOWNSHIP}", IN_TOWNSHIP, 200),
    ("own village of the team", "GET", f"/units/{VILLAGE_A}", EVERYONE, 200),
    ("village as of a day", "GET", f"/units/{VILLAGE_A}?as_of=2014-06-01", EVERYONE, 200),
    ("another village", "GET", f"/units/{VILLAGE_B}", IN_TOWNSHIP, 200),
    ("villager group", "GET", f"/units/{GROUP_A1}", EVERYONE, 200),
    ("villager group as of a day", "GET", f"/units/{GROUP_A1}?as_of=2014-06-20", EVERYONE, 200),
    ("other county's villager group", "GET", f"/units/{OTHER_GROUP}", CITY_WIDE, 200),
    ("central household of village A", "GET", f"/central-households/{CH_A}", EVERYONE, 200),
    (
        "central household as of a day",
        "GET",
        f"/central-households/{CH_A}?as_of=2014-06-20",
        EVERYONE,
        200,
    ),
    ("central household of village B", "GET", f"/central-households/{CH_B}", IN_TOWNSHIP, 200),
    (
        "central household of the other county",
        "GET",
        f"/central-households/{CH_OTHER}",
        CITY_WIDE,
        200,
    ),
    ("chart data of the city", "GET", f"/units/{CITY}/children.json", CITY_WIDE, 200),
    ("chart data of the county", "GET", f"/units/{COUNTY}/children.json", IN_COUNTY, 200),
    ("network map of the county", "GET", f"/units/{COUNTY}/network.json", IN_COUNTY, 200),
    ("link rate over time, village", "GET", f"/units/{VILLAGE_A}/trend.json", EVERYONE, 200),
    ("link rate over time, city", "GET", f"/units/{CITY}/trend.json", CITY_WIDE, 200),
    (
        "network map of the other county",
        "GET",
        f"/units/{OTHER_COUNTY}/network.json",
        CITY_WIDE,
        200,
    ),
    ("own summary", "GET", "/summary", EVERYONE, 200),
    ("city summary", "GET", f"/summary?unit={CITY}", CITY_WIDE, 200),
    ("summary API, county", "GET", f"/api/v1/summary/{COUNTY}", IN_COUNTY, 200),
    ("summary API, village", "GET", f"/api/v1/summary/{VILLAGE_A}", EVERYONE, 200),
    ("accounts", "GET", "/accounts", ADMINS, 200),
    ("accounts API", "GET", "/api/v1/accounts", ADMINS, 200),
    ("own account and its API tokens", "GET", "/account", EVERYONE, 200),
    ("make an API token, sent empty", "POST", "/account", EVERYONE, 201),
    (
        "revoke an API token of nobody's",
        "POST",
        f"/account/tokens/{NO_TOKEN}/revoke",
        EVERYONE,
        404,
    ),
    ("audit log", "GET", "/audit", AUDITORS, 200),
    ("audit log of the county", "GET", f"/audit?unit={COUNTY}", AUDITORS, 200),
    ("audit log of the other county", "GET", f"/audit?unit={OTHER_COUNTY}", CITY_WIDE, 200),
    ("audit log, Excel export", "POST", "/audit/export/xlsx", AUDITORS, 200),
    ("audit log, CSV export", "POST", "/audit/export/csv", AUDITORS, 200),
    ("audit chain verified", "GET", "/audit/chain", AUDITORS, 200),
    ("audit checkpoint", "GET", "/audit/checkpoint.json", AUDITORS, 200),
    ("work list of blind spots", "GET", f"/units/{TOWNSHIP}/gaps", IN_TOWNSHIP, 200),
    ("work list, Excel export", "GET", f"/units/{TOWNSHIP}/gaps.xlsx", IN_TOWNSHIP, 200),
    ("assign a gap for rectification, form", "GET", ASSIGN_FORM, ASSIGNERS, 200),
    ("assign a gap for rectification, sent empty", "POST", ASSIGN_FORM, ASSIGNERS, REFUSED_FORM),
    ("search", "GET", "/search?q=wd", EVERYONE, 200),
    ("search, as the box types (htmx)", "GET", "/search?q=%E7%8E%8B", EVERYONE, 200),
    ("favicon", "GET", "/favicon.ico", PUBLIC, 302),
    ("log out", "POST", "/logout", EVERYONE, 302),
    ("login page", "GET", "/login", PUBLIC, 200),
    ("API description", "GET", "/api/v1/openapi.json", PUBLIC, 200),
    # The API's reads (web/api_reads.py): the pages' checks, the pages' reach.
    ("coverage API, county", "GET", f"/api/v1/units/{COUNTY}/coverage", IN_COUNTY, 200),
    ("coverage API, other county", "GET", f"/api/v1/units/{OTHER_COUNTY}/coverage", CITY_WIDE, 200),
    ("gaps API, township", "GET", f"/api/v1/units/{TOWNSHIP}/gaps", IN_TOWNSHIP, 200),
    ("households API, village", "GET", f"/api/v1/units/{VILLAGE_A}/households", EVERYONE, 200),
    ("households API, village B", "GET", f"/api/v1/units/{VILLAGE_B}/households", IN_TOWNSHIP, 200),
    ("teams API, county", "GET", f"/api/v1/units/{COUNTY}/teams", IN_COUNTY, 200),
    ("residency API, village", "GET", f"/api/v1/units/{VILLAGE_A}/residency", EVERYONE, 200),
    ("ledger API, village", "GET", f"/api/v1/units/{VILLAGE_A}/ledger", EVERYONE, 200),
    ("history API, village", "GET", f"/api/v1/units/{VILLAGE_A}/history", EVERYONE, 200),
    ("team API", "GET", f"/api/v1/teams/{tid(1)}", EVERYONE, 200),
    ("team residency API", "GET", f"/api/v1/teams/{tid(1)}/residency", EVERYONE, 200),
    ("team history API", "GET", f"/api/v1/teams/{tid(1)}/history", EVERYONE, 200),
    ("household history API", "GET", f"/api/v1/households/{hid(1)}/history", EVERYONE, 200),
    ("other county's household API", "GET", f"/api/v1/households/{hid(9)}/history", CITY_WIDE, 200),
    ("cadre history API", "GET", f"/api/v1/cadres/{cid(1)}/history", EVERYONE, 200),
    ("audit log API", "GET", "/api/v1/audit", AUDITORS, 200),
    ("audit log API, other county", "GET", f"/api/v1/audit?unit={OTHER_COUNTY}", CITY_WIDE, 200),
    ("audit log API, CSV export", "POST", "/api/v1/audit/export/csv", AUDITORS, 200),
    ("audit log API, Excel export", "POST", "/api/v1/audit/export/xlsx", AUDITORS, 200),
    ("assessment runs API", "GET", "/api/v1/assessments", EVERYONE, 200),
    ("people API, village", "GET", f"/api/v1/units/{VILLAGE_A}/people", EVERYONE, 200),
    ("people API, villager group", "GET", f"/api/v1/units/{GROUP_A1}/people", EVERYONE, 200),
    (
        "people API, other county's villager group",
        "GET",
        f"/api/v1/units/{OTHER_GROUP}/people",
        CITY_WIDE,
        200,
    ),
    ("central household API", "GET", f"/api/v1/central-households/{CH_A}", EVERYONE, 200),
    (
        "central household API, village B",
        "GET",
        f"/api/v1/central-households/{CH_B}?as_of=2014-06-20",
        IN_TOWNSHIP,
        200,
    ),
    (
        "central household API, other county",
        "GET",
        f"/api/v1/central-households/{CH_OTHER}",
        CITY_WIDE,
        200,
    ),
    ("search API", "GET", "/api/v1/search?q=wd", EVERYONE, 200),
    # The import page offers each account the kinds its role may record (none: a note).
    ("import page", "GET", "/import", EVERYONE, 200),
    # The work pages' reads and the writes outside the commands (web/api_work.py,
    # web/api_uploads.py); a write sent empty is refused by its field (422).
    ("work list API", "GET", f"/api/v1/units/{TOWNSHIP}/work-list?rect=none", IN_TOWNSHIP, 200),
    ("measures API, village", "GET", f"/api/v1/units/{VILLAGE_A}/measures", EVERYONE, 200),
    ("measures API, other county", "GET", f"/api/v1/units/{OTHER_COUNTY}/measures", CITY_WIDE, 200),
    ("team month API", "GET", f"/api/v1/teams/{tid(1)}/month", EVERYONE, 200),
    ("team assessments API", "GET", f"/api/v1/teams/{tid(1)}/assessments", EVERYONE, 200),
    ("network API, county", "GET", f"/api/v1/units/{COUNTY}/network", IN_COUNTY, 200),
    ("trend API, village", "GET", f"/api/v1/units/{VILLAGE_A}/trend", EVERYONE, 200),
    ("audit chain API", "GET", "/api/v1/audit/chain", AUDITORS, 200),
    ("audit checkpoint API", "GET", "/api/v1/audit/checkpoint", AUDITORS, 200),
    ("history API, village A", "GET", f"/api/v1/history/{CH_A}", EVERYONE, 200),
    ("history API, village B", "GET", f"/api/v1/history/{CH_B}", IN_TOWNSHIP, 200),
    ("history API, other county", "GET", f"/api/v1/history/{hid(9)}", CITY_WIDE, 200),
    ("file API, sent empty", "POST", "/api/v1/files", FILE_KEEPERS, 422),
    ("import kinds API", "GET", "/api/v1/imports", EVERYONE, 200),
    ("import template API", "GET", "/api/v1/imports/households/template.xlsx", ASSIGNERS, 200),
    ("import API, sent empty", "POST", "/api/v1/imports/households", ASSIGNERS, 422),
    ("assessment run API, sent empty", "POST", "/api/v1/assessments", TEAM_ADMINS, 422),
]


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
