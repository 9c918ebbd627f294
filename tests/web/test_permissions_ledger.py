"""The permission matrix of the village work ledger's pages and forms: every role (and nobody
logged in) × every page and form, GET and POST. Allowed gives the page, or for an empty form
sent with its CSRF token the form again with the domain's refusal (nothing written); a
logged-in account outside its role or unit gets 403, recorded as an event; nobody logged in
is sent to the login page."""

from __future__ import annotations

from flask import Flask

from app.jurisdiction import COMMAND_ROLES
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B
from tests.ledger_builders import MINUTES, msid, plid, sha
from tests.web.builders import OTHER_COUNTY, OTHER_VILLAGE
from tests.web.ledger_data import MEMBERS_PLAN, ROAD, ledger_network_with_funds
from tests.web.matrix import (
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
from web.ledger_forms import LEDGER_FORMS


def roles_of(form: str) -> frozenset[str]:
    return frozenset(r.value for r in COMMAND_ROLES[LEDGER_FORMS[form].command])


# (name, method, path, roles allowed, status when allowed)
ROUTES: list[tuple[str, str, str, frozenset[str], int | str]] = [
    ("ledger of the village", "GET", f"/units/{VILLAGE_A}/ledger", EVERYONE, 200),
    ("its plans", "GET", f"/units/{VILLAGE_A}/ledger?tab=plans", EVERYONE, 200),
    (
        "its measures on a day",
        "GET",
        f"/units/{VILLAGE_A}/ledger?tab=measures&as_of=2015-01-01",
        EVERYONE,
        200,
    ),
    (
        "its letters as known at a moment",
        "GET",
        f"/units/{VILLAGE_A}/ledger?tab=letters&as_known_at=2016-12-31T12:00",
        EVERYONE,
        200,
    ),
    ("ledger of village B", "GET", f"/units/{VILLAGE_B}/ledger", IN_TOWNSHIP, 200),
    ("roll-up of the township", "GET", f"/units/{TOWNSHIP}/ledger", IN_TOWNSHIP, 200),
    ("roll-up of the county", "GET", f"/units/{COUNTY}/ledger", IN_COUNTY, 200),
    ("roll-up of the city", "GET", f"/units/{CITY}/ledger", CITY_WIDE, 200),
    ("ledger of the other county", "GET", f"/units/{OTHER_VILLAGE}/ledger", CITY_WIDE, 200),
    ("board of the village", "GET", f"/units/{VILLAGE_A}/measures", EVERYONE, 200),
    ("board of the county, filtered", "GET", f"/units/{COUNTY}/measures?overdue=1", IN_COUNTY, 200),
    ("board of the other county", "GET", f"/units/{OTHER_COUNTY}/measures", CITY_WIDE, 200),
    ("workbook of the village", "GET", f"/units/{VILLAGE_A}/ledger.xlsx", EVERYONE, 200),
    ("workbook of the township", "GET", f"/units/{TOWNSHIP}/ledger.xlsx", IN_TOWNSHIP, 200),
    ("workbook of the other county", "GET", f"/units/{OTHER_COUNTY}/ledger.xlsx", CITY_WIDE, 200),
    ("its duties and six haves", "GET", f"/units/{VILLAGE_A}/ledger?tab=goals", EVERYONE, 200),
    (
        "its funds on a day",
        "GET",
        f"/units/{VILLAGE_A}/ledger?tab=funds&as_of=2014-08-20",
        EVERYONE,
        200,
    ),
    ("funds of village B", "GET", f"/units/{VILLAGE_B}/ledger?tab=funds", IN_TOWNSHIP, 200),
    ("an evidence file", "GET", f"/units/{VILLAGE_A}/ledger/files/{sha(MINUTES)}", EVERYONE, 200),
    (
        "village A's file asked of village B",
        "GET",
        f"/units/{VILLAGE_B}/ledger/files/{sha(MINUTES)}",
        IN_TOWNSHIP,
        404,
    ),
    (
        "a file in the other county",
        "GET",
        f"/units/{OTHER_VILLAGE}/ledger/files/{sha(MINUTES)}",
        CITY_WIDE,
        404,
    ),
    # The same through the API (web/api_work.py).
    (
        "an evidence file, API",
        "GET",
        f"/api/v1/units/{VILLAGE_A}/ledger/files/{sha(MINUTES)}",
        EVERYONE,
        200,
    ),
    (
        "a file in the other county, API",
        "GET",
        f"/api/v1/units/{OTHER_VILLAGE}/ledger/files/{sha(MINUTES)}",
        CITY_WIDE,
        404,
    ),
]
PREFILLED = {
    "revise-plan": f"?plan={plid(MEMBERS_PLAN)}",
    "approve-plan": f"?plan={plid(MEMBERS_PLAN)}",
    "note-measure-progress": f"?measure={msid(ROAD)}&next=/units/{COUNTY}/measures",
    "add-six-have-evidence": "?goal=leadership_team",
    "judge-six-have-goal": "?goal=service_venue&occurred_on=2015-01-01",
    "record-expenditure": f"?measure={msid(ROAD)}",
}
for form in LEDGER_FORMS:
    roles = roles_of(form)
    path = f"/units/{VILLAGE_A}/ledger/record/{form}"
    ROUTES.append((f"{form} form", "GET", path + PREFILLED.get(form, ""), roles, 200))
    ROUTES.append((f"{form} sent empty", "POST", path, roles, REFUSED_FORM))
    ROUTES.append(
        (
            f"{form} of the other county",
            "GET",
            f"/units/{OTHER_VILLAGE}/ledger/record/{form}",
            roles & {"city_admin"},
            200,
        )
    )


store = store_fixture("ledger-matrix", build=ledger_network_with_funds)


test_permission_matrix_of_the_ledger_pages_and_forms = matrix_test(ROUTES)


def test_every_route_of_the_ledger_is_in_the_matrix(matrix_app: Flask):
    every = {(e, m) for e, m in endpoints(matrix_app) if e.split(".")[0] == "ledger"}
    assert every - covered(matrix_app, ROUTES) == set()


def test_who_may_use_a_ledger_form_is_who_may_send_its_command():
    """Team members record the survey, plans, measures, 六有 goals and evidence, and the
    expenditures of their village; township officers and above too, and they alone approve
    plans, record letters, judge a goal, allocate funds and reverse an entry."""
    team = {f for f in LEDGER_FORMS if "team_member" in roles_of(f)}
    assert team == set(LEDGER_FORMS) - {
        "approve-plan",
        "sign-responsibility-letter",
        "judge-six-have-goal",
        "allocate-funds",
        "reverse-fund-entry",
    }
    for form in LEDGER_FORMS:
        assert {"inspector", "auditor"} & roles_of(form) == set()
        assert {"township_officer", "county_admin", "city_admin"} <= roles_of(form)
