"""The permission matrix of the team pages, histories and recording forms: every role (and
nobody logged in) × every page and action. Allowed gives the page, or for an empty form sent
with its CSRF token the form again with the domain's refusal (nothing written); a logged-in
account outside its role or unit gets 403, recorded as an event; nobody logged in is sent to
the login page."""

from __future__ import annotations

from flask import Flask

from tests.builders import COUNTY, GROUP_A1, VILLAGE_A, VILLAGE_B, cmd
from tests.team_builders import MEMBER, cid, tid
from tests.web.builders import OTHER_COUNTY, OTHER_VILLAGE
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

# (name, method, path, roles allowed, status when allowed)
ROUTES: list[tuple[str, str, str, frozenset[str], int | str]] = [
    ("teams of my unit", "GET", "/teams", EVERYONE, 200),
    ("teams of the county", "GET", f"/teams?unit={COUNTY}", IN_COUNTY, 200),
    ("teams of the other county", "GET", f"/teams?unit={OTHER_COUNTY}", CITY_WIDE, 200),
    ("own team", "GET", f"/teams/{TEAM}", EVERYONE, 200),
    (
        "own team, a month, a day",
        "GET",
        f"/teams/{TEAM}?month=2016-11&as_of=2016-06-01",
        EVERYONE,
        200,
    ),
    ("team of village B", "GET", f"/teams/{TEAM_B}", IN_TOWNSHIP, 200),
    ("team of the other county", "GET", f"/teams/{TEAM_OTHER}", CITY_WIDE, 200),
    ("history of the village", "GET", f"/history/unit/{VILLAGE_A}", EVERYONE, 200),
    ("history of the county", "GET", f"/history/unit/{COUNTY}", IN_COUNTY, 200),
    ("history of the other county", "GET", f"/history/unit/{OTHER_COUNTY}", CITY_WIDE, 200),
    ("history of the own team", "GET", f"/history/team/{TEAM}", EVERYONE, 200),
    (
        "history of the own team, a page oldest first",
        "GET",
        f"/history/team/{TEAM}?order=oldest&after=1",
        EVERYONE,
        200,
    ),
    ("a page of the village's history", "GET", f"/history/unit/{VILLAGE_A}?after=1", EVERYONE, 200),
    ("history of another county's team", "GET", f"/history/team/{TEAM_OTHER}", CITY_WIDE, 200),
    ("history of a member", "GET", f"/history/cadre/{cid(MEMBER)}", EVERYONE, 200),
    ("history of another county's cadre", "GET", f"/history/cadre/{OTHER_CADRE}", CITY_WIDE, 200),
    ("history of a party member", "GET", f"/history/id/{PARTY_MEMBER}", EVERYONE, 200),
    ("household page", "GET", f"/households/{HOUSEHOLD_A}", EVERYONE, 200),
    ("household of village B", "GET", f"/households/{HOUSEHOLD_B}", IN_TOWNSHIP, 200),
    ("identity in full", "GET", f"/households/{HOUSEHOLD_A}?identity=full", UNMASK, 200),
    ("forms of the village", "GET", f"/units/{VILLAGE_A}/record", EVERYONE, 200),
    ("forms of the other county", "GET", f"/units/{OTHER_VILLAGE}/record", CITY_WIDE, 200),
    (
        "a form of the other county",
        "GET",
        f"/units/{OTHER_VILLAGE}/record/register-household",
        frozenset({"city_admin"}),
        200,
    ),
]
# The type-ahead answers under its form's own route: another county's households only for
# those who may open that county's form, whatever the address's padding.
for label, unit in (("", OTHER_VILLAGE), (", the code padded", f"%20{OTHER_VILLAGE}%09")):
    ROUTES.append(
        (
            f"type-ahead of a form of the other county{label}",
            "GET",
            f"/units/{unit}/record/link-household?options=household&household-q=a",
            frozenset({"city_admin"}),
            200,
        )
    )
ROUTES.append(
    (
        "a form on a past day",
        "GET",
        f"/units/{VILLAGE_A}/record/link-household?occurred_on=2015-01-01",
        NETWORK,
        200,
    )
)
for form in UNIT_FORMS:
    unit = GROUP_A1 if "site" in form else VILLAGE_A
    ROUTES.append((f"{form} form", "GET", f"/units/{unit}/record/{form}", NETWORK, 200))
    ROUTES.append((f"{form} sent", "POST", f"/units/{unit}/record/{form}", NETWORK, REFUSED_FORM))
for form, roles in TEAM_FORMS.items():
    ROUTES.append((f"{form} form", "GET", f"/teams/{TEAM}/record/{form}", roles, 200))
    ROUTES.append((f"{form} sent", "POST", f"/teams/{TEAM}/record/{form}", roles, REFUSED_FORM))
    outside = roles - {"team_member", "township_officer", "county_admin", "inspector"}
    ROUTES.append(
        (
            f"{form} of another county's team",
            "GET",
            f"/teams/{TEAM_OTHER}/record/{form}",
            outside,
            200,
        )
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
    every = {
        (endpoint, method)
        for endpoint, method in endpoints(matrix_app)
        if endpoint.split(".")[0] in {"teams", "history", "records"}
    }
    assert every - covered(matrix_app, ROUTES) == set()


def test_every_form_is_in_the_matrix():
    from web.record_forms import FORMS

    unit = {f.name for f in FORMS.values() if f.scope == "unit"}
    team = {f.name for f in FORMS.values() if f.scope == "team"}
    assert unit == set(UNIT_FORMS) and team == set(TEAM_FORMS)
