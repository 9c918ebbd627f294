"""The permission matrix of the village work ledger's pages and forms: every role (and nobody
logged in) × every page and form, GET and POST. Allowed gives the page, or for an empty form
sent with its CSRF token the form again with the domain's refusal (nothing written); a
logged-in account outside its role or unit gets 403, recorded as an event; nobody logged in
is sent to the login page."""

from __future__ import annotations

from flask import Flask

from app.jurisdiction import COMMAND_ROLES
from tests.builders import COUNTY, VILLAGE_A
from tests.ledger_builders import MINUTES, msid, plid, sha
from tests.web.builders import OTHER_VILLAGE
from tests.web.ledger_data import MEMBERS_PLAN, ROAD, ledger_network_with_funds
from tests.web.matrix import REFUSED_FORM, get, matrix_test, post, routes, store_fixture, uncovered
from web.ledger_forms import LEDGER_FORMS


def roles_of(form: str) -> frozenset[str]:
    return frozenset(r.value for r in COMMAND_ROLES[LEDGER_FORMS[form].command])


MINUTES_SHA = sha(MINUTES)  # an evidence file of village A
ROUTES = routes("ledger", globals())
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
    ROUTES.append(get(f"{form} form", path + PREFILLED.get(form, ""), roles))
    ROUTES.append(post(f"{form} sent empty", path, roles, REFUSED_FORM))
    ROUTES.append(
        get(
            f"{form} of the other county",
            f"/units/{OTHER_VILLAGE}/ledger/record/{form}",
            roles & {"city_admin"},
        )
    )


store = store_fixture("ledger-matrix", build=ledger_network_with_funds)


test_permission_matrix_of_the_ledger_pages_and_forms = matrix_test(ROUTES)


def test_every_route_of_the_ledger_is_in_the_matrix(matrix_app: Flask):
    assert uncovered(matrix_app, ROUTES, {"ledger"}) == set()


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
