"""The check-in form sends the place and, when given, the position (latitude, longitude);
the command checks the ranges and refuses beside the field, in Chinese and English, writing
nothing; the team page shows where each member checked in, on the calendar and below it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.team_builders import MEMBER, cid
from tests.web.builders import WebNet, events_named
from tests.web.conftest import login
from tests.web.test_records import error_beside, send

MEMBER_ID = cid(MEMBER)


@pytest.fixture
def member(net: WebNet, client: FlaskClient) -> FlaskClient:
    return login(client, "team_member")


def test_a_check_in_with_place_and_position_shows_on_the_team_page(
    zhucun: Zhucun, net: WebNet, member: FlaskClient
):
    path = f"/teams/{net.team}/record/check-in"
    response = send(member, path, cadre=MEMBER_ID, place="甲村村部", lat="41.29", lon="124.12")
    assert response.status_code == 302
    [e] = events_named(zhucun, "MemberMonth.CheckedIn")
    assert (e.place, e.lat, e.lon) == ("甲村村部", 41.29, 124.12)
    page = member.get(f"/teams/{net.team}").get_data(as_text=True)
    day = re.search(r'<li class="day in" data-day="2016-12-31" title="([^"]*)" data-place', page)
    assert day and "甲村村部 (41.29000, 124.12000)" in day.group(1)
    places = re.search(rf'<ol class="places" id="places-{MEMBER_ID}">(.*?)</ol>', page, re.S)
    assert places and "甲村村部" in places.group(1) and "41.29000, 124.12000" in places.group(1)


def test_a_position_typed_with_a_minus_sign_a_decimal_comma_or_full_width_digits_is_read(
    zhucun: Zhucun, net: WebNet, member: FlaskClient
):
    path = f"/teams/{net.team}/record/check-in"
    response = send(member, path, cadre=MEMBER_ID, lat=" −４1,29 ", lon="１24.12")
    assert response.status_code == 302
    [e] = events_named(zhucun, "MemberMonth.CheckedIn")
    assert (e.lat, e.lon) == (-41.29, 124.12)


def test_a_check_in_without_a_position_is_still_one_tap(
    zhucun: Zhucun, net: WebNet, member: FlaskClient
):
    response = send(member, f"/teams/{net.team}/record/check-in", cadre=MEMBER_ID)
    assert response.status_code == 302
    [e] = events_named(zhucun, "MemberMonth.CheckedIn")
    assert (e.lat, e.lon) == (None, None)
    page = member.get(f"/teams/{net.team}").get_data(as_text=True)
    assert f'id="places-{MEMBER_ID}"' not in page


@pytest.mark.parametrize(
    ("given", "field", "zh", "en"),
    [
        (
            {"lat": "北纬", "lon": "124.1"},
            "lat",
            "纬度应为数字",
            "Latitude must be a number",
        ),
        ({"lat": "91", "lon": "124.1"}, "lat", "纬度应在 -90 到 90 之间", "between -90 and 90"),
        (
            {"lat": "41.3", "lon": "-180.5"},
            "lon",
            "经度应在 -180 到 180 之间",
            "between -180 and 180",
        ),
        (
            {"lat": "41.3"},
            "lon",
            "经纬度应同时给出",
            "give both latitude and longitude",
        ),
        ({"lat": "nan", "lon": "124.1"}, "lat", "纬度应在 -90 到 90 之间", "between -90 and 90"),
    ],
)
def test_a_bad_position_is_refused_beside_its_field_in_both_languages_and_writes_nothing(
    zhucun: Zhucun,
    net: WebNet,
    member: FlaskClient,
    given: dict[str, str],
    field: str,
    zh: str,
    en: str,
):
    path = f"/teams/{net.team}/record/check-in"
    before = zhucun.store.max_position()
    response = send(member, path, cadre=MEMBER_ID, **given)
    assert response.status_code == 400
    assert zh in error_beside(response.get_data(as_text=True), field)
    english = send(member, path + "?lang=en", cadre=MEMBER_ID, **given)
    assert en in error_beside(english.get_data(as_text=True), field)
    assert zhucun.store.max_position() == before


def test_the_check_in_form_offers_to_fill_the_position_from_the_browser(
    net: WebNet, member: FlaskClient
):
    html = member.get(f"/teams/{net.team}/record/check-in").get_data(as_text=True)
    assert 'id="lat"' in html and 'inputmode="decimal"' in html
    assert '<p class="geo" id="geo" hidden' in html  # shown by the script where it can work
    assert "/static/geo.js" in html
    assert member.get("/static/geo.js").status_code == 200
