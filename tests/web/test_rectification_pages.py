"""Rectification (整改) on the web, on both engines: a gap's row on the work list shows its
rectification and, for the roles that may, a form to assign it; refusals beside their
fields, writing nothing; the filter by rectification; the unit page's counts."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from domain.party import central_household_id
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, apply, link
from tests.web.builders import web_network
from tests.web.conftest import login

HOUSEHOLD = "00000000-0000-0000-0000-000000000002"  # 李二, in village A, not linked


@pytest.fixture
def net(zhucun: Zhucun, clock: SettableClock):
    clock.set(datetime(2016, 12, 31, 4, tzinfo=UTC))
    return web_network(zhucun)


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def text_of(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def form_path(code: str = TOWNSHIP) -> str:
    return f"/units/{code}/gaps/assign?type=unlinked_household&subject={HOUSEHOLD}"


def send(client: FlaskClient, **fields: str):
    html = client.get(form_path()).get_data(as_text=True)
    data = {
        "csrf_token": token_of(html),
        "type": "unlinked_household",
        "subject": HOUSEHOLD,
        "occurred_on": "2016-12-01",
        "assignee": "王五",
        "due_on": "2016-12-20",
        "note": "",
        "reason": "整改交办",
    } | fields
    return client.post(form_path(), data=data)


def test_a_county_admin_assigns_a_gap_and_its_row_shows_it_overdue(
    zhucun: Zhucun, client: FlaskClient, net: object
) -> None:
    login(client, "county_admin")
    html = client.get(f"/units/{TOWNSHIP}/gaps").get_data(as_text=True)
    assert f"/units/{TOWNSHIP}/gaps/assign?type=unlinked_household&amp;subject={HOUSEHOLD}" in html
    r = send(client)
    assert r.status_code == 302
    html = client.get(f"/units/{TOWNSHIP}/gaps?rect=overdue").get_data(as_text=True)
    text = text_of(html)
    assert "王五" in text and "逾期" in text and "李二" in text
    assert len(re.findall(r'<tr class="gap ', html)) == 1
    assert "overdue_measure" not in text and "overdue flag" in html
    sheet = load_workbook(
        io.BytesIO(client.get(f"/units/{TOWNSHIP}/gaps.xlsx?rect=overdue").data)
    ).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][-3:] == ("整改责任人", "整改期限", "整改")
    assert len(table) == 2 and table[1][-3] == "王五" and table[1][-1] == "逾期"
    unit = client.get(f"/units/{COUNTY}").get_data(as_text=True)
    overdue = re.search(
        r'id="rectifications-overdue">.*?<td class="num[^"]*">(\d+)</td>', unit, re.S
    )
    assert overdue and overdue.group(1) == "1"


def test_refusals_show_beside_their_fields_and_write_nothing(
    zhucun: Zhucun, client: FlaskClient, net: object
) -> None:
    login(client, "township_officer")
    before = zhucun.store.max_position()
    r = send(client, assignee="  ", due_on="2016-11-01")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'id="assignee-error"' in html and "整改责任人" in html
    r = send(client, due_on="2016-11-01")
    assert r.status_code == 422 or r.status_code == 409 or r.status_code == 400
    assert 'id="due_on-error"' in r.get_data(as_text=True)
    assert zhucun.store.max_position() == before


def test_a_gap_not_on_the_list_says_so_and_offers_no_form(
    zhucun: Zhucun, client: FlaskClient, net: object
) -> None:
    apply(zhucun, link(_Net(), "A1b"))  # type: ignore[arg-type]
    login(client, "county_admin")
    r = client.get(form_path())
    assert r.status_code == 404
    assert 'id="record-form"' not in r.get_data(as_text=True)


def test_a_team_member_sees_no_assign_link_and_may_not_open_the_form(
    client: FlaskClient, net: object
) -> None:
    login(client, "team_member")
    html = client.get(f"/units/{VILLAGE_A}/gaps").get_data(as_text=True)
    assert "/gaps/assign" not in html
    assert client.get(form_path(VILLAGE_A)).status_code == 403


def test_the_closed_filter_credits_the_link_that_closed_it(
    zhucun: Zhucun, client: FlaskClient, clock: SettableClock, net: object
) -> None:
    login(client, "county_admin")
    assert send(client).status_code == 302
    clock.set(datetime(2016, 12, 31, 5, tzinfo=UTC))
    apply(zhucun, link(_Net(), "A1b", on="2016-12-10"))  # type: ignore[arg-type]
    html = client.get(f"/units/{TOWNSHIP}/gaps?rect=closed").get_data(as_text=True)
    text = text_of(html)
    assert "李二" in text and "王五" in text and "2016年12月10日 挂靠党员中心户" in text
    unit = client.get(f"/units/{COUNTY}").get_data(as_text=True)
    closed = re.search(
        r'id="rectifications-closed_this_month">.*?<td class="num[^"]*">(\d+)</td>', unit, re.S
    )
    assert closed and closed.group(1) == "1"


class _Net:
    """The small network's ids, as ``link`` reads them."""

    households: ClassVar[dict[str, str]] = {"A1b": HOUSEHOLD}
    central_household = str(central_household_id(UUID("00000000-0000-0000-0000-000000000001")))


def test_the_list_the_form_and_the_counts_speak_english_on_request(
    zhucun: Zhucun, client: FlaskClient, net: object
) -> None:
    login(client, "county_admin")
    assert send(client).status_code == 302
    client.get(f"/units/{TOWNSHIP}/gaps?lang=en")
    listed = text_of(client.get(f"/units/{TOWNSHIP}/gaps?rect=overdue").get_data(as_text=True))
    assert "Overdue" in listed and "due " in listed and "Assign again" in listed
    form = text_of(client.get(form_path()).get_data(as_text=True))
    assert "Assign for rectification" in form and "Assigned to" in form
    unit = text_of(client.get(f"/units/{COUNTY}").get_data(as_text=True))
    assert "Rectifications" in unit and "Closed this month" in unit
    for text in (listed, form, unit):
        for word in ("整改", "交办", "逾期", "到期", "销号"):
            assert word not in text, word


def test_the_unit_pages_counts_follow_an_assignment_seen_before_it(
    zhucun: Zhucun, client: FlaskClient, net: object
) -> None:
    """The counts are kept across the events that change no page, but not across a
    rectification's own: the page read before the assignment is not shown after it."""
    login(client, "county_admin")

    def overdue() -> str:
        html = client.get(f"/units/{TOWNSHIP}").get_data(as_text=True)
        found = re.search(r'rect=overdue[^>]*>[^<]*</a></th>\s*<td class="num[^"]*">([^<]+)<', html)
        assert found, "no overdue count on the unit page"
        return found.group(1)

    assert overdue() == "0"
    assert send(client).status_code == 302
    assert overdue() == "1"
