"""The permission matrix of the team pages, histories and recording forms: every role (and
nobody logged in) × every page and action. Allowed gives the page, or for an empty form sent
with its CSRF token the form again with the domain's refusal (nothing written); a logged-in
account outside its role or unit gets 403, recorded as an event; nobody logged in is sent to
the login page."""

from __future__ import annotations

from flask import Flask

from tests.builders import GROUP_A1, VILLAGE_A, VILLAGE_B, cmd
from tests.team_builders import MEMBER, cid, tid
from tests.web.builders import OTHER_VILLAGE
from tests.web.matrix import REFUSED_FORM, get, matrix_test, post, routes, store_fixture, uncovered

NETWORK = frozenset({"city_admin", "county_admin", "township_officer"})
TEAM_MEMBER = frozenset({"team_member"})
INSPECTOR = frozenset({"inspector"})
UNMASK = frozenset({"city_admin", "auditor"})

TEAM, TEAM_B, TEAM_OTHER = tid(1), tid(2), tid(3)
OTHER_CADRE = cid(7)  # serves on the team of the other county only
HOUSEHOLD_A, HOUSEHOLD_B = (
    "00000000-0000-0000-0000-000000000001",
    "00000000-0000-0000-0000-000000000004",
)
PARTY_MEMBER = "00000000-0000-0000-0001-000000000001"
MEMBER_CADRE = cid(MEMBER)

UNIT_FORMS = [
    "register-household",
    "move-household",
    "party-member-joined",
    "party-member-transferred-out",
    "party-member-died",
    "designate-central-household",
    "link-household",
    "unlink-household",
    "open-site",
    "assign-site-responsible",
    "close-site",
]
TEAM_FORMS = {
    "check-in": TEAM_MEMBER,
    "request-leave": TEAM_MEMBER,
    "write-diary": TEAM_MEMBER,
    "visit-household": TEAM_MEMBER,
    "decide-leave": NETWORK,
    "record-absence": INSPECTOR,
    "record-evaluation": NETWORK,
    "record-spot-check": INSPECTOR,
}

ROUTES = routes("records", globals())
# The type-ahead answers under its form's own route: another county's households only for
# those who may open that county's form, whatever the address's padding.
for label, unit in (("", OTHER_VILLAGE), (", the code padded", f"%20{OTHER_VILLAGE}%09")):
    ROUTES.append(
        get(
            f"type-ahead of a form of the other county{label}",
            f"/units/{unit}/record/link-household?options=household&household-q=a",
            frozenset({"city_admin"}),
        )
    )
ROUTES.append(
    get(
        "a form on a past day",
        f"/units/{VILLAGE_A}/record/link-household?occurred_on=2015-01-01",
        NETWORK,
    )
)
for form in UNIT_FORMS:
    unit = GROUP_A1 if "site" in form else VILLAGE_A
    ROUTES.append(get(f"{form} form", f"/units/{unit}/record/{form}", NETWORK))
    ROUTES.append(post(f"{form} sent", f"/units/{unit}/record/{form}", NETWORK, REFUSED_FORM))
for form, roles in TEAM_FORMS.items():
    ROUTES.append(get(f"{form} form", f"/teams/{TEAM}/record/{form}", roles))
    ROUTES.append(post(f"{form} sent", f"/teams/{TEAM}/record/{form}", roles, REFUSED_FORM))
    outside = roles - {"team_member", "township_officer", "county_admin", "inspector"}
    ROUTES.append(
        get(f"{form} of another county's team", f"/teams/{TEAM_OTHER}/record/{form}", outside)
    )


ON = "2014-06-01"
store = store_fixture(
    "records-matrix",
    cmd("dispatch_team", on=ON, unit="CITY-AGRI", village=VILLAGE_B, id=TEAM_B),
    cmd("dispatch_team", on=ON, unit="COUNTY-AGRI", village=OTHER_VILLAGE, id=TEAM_OTHER),
    cmd("join_team", on=ON, team=TEAM_OTHER, cadre=OTHER_CADRE),
)


test_permission_matrix_of_team_pages_histories_and_forms = matrix_test(ROUTES)


def test_every_route_of_these_pages_is_in_the_matrix(matrix_app: Flask):
    assert uncovered(matrix_app, ROUTES, {"teams", "history", "records"}) == set()


def test_every_form_is_in_the_matrix():
    from web.record_forms import FORMS

    unit = {f.name for f in FORMS.values() if f.scope == "unit"}
    team = {f.name for f in FORMS.values() if f.scope == "team"}
    assert unit == set(UNIT_FORMS) and team == set(TEAM_FORMS)
