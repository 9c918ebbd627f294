"""The spot-check form on a team's page, on both engines: an inspector ticks inspectors of
other units and the members found present or absent on the team's roster of that day, writes
the findings; the visit is listed with the team's assessments. Every refusal comes back beside
its field and writes nothing: an inspector of the team's own dispatching unit, a member not on
the team, a member both present and absent, no inspector, no member."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.team_builders import CLERK, LEADER, MEMBER, cid
from tests.web.conftest import csrf_token, login
from tests.web.test_assessment_pages import assessed_with_accounts, refused_beside, text_of

PATH = "/teams/{team}/record/record-spot-check"
INSPECTOR, SECOND_INSPECTOR = 6, 7  # cadres of COUNTY-AGRI; the team is CITY-AGRI's


@pytest.fixture
def team(zhucun: Zhucun, clock: SettableClock) -> str:
    return assessed_with_accounts(zhucun, clock)


def send(client: FlaskClient, team: str, **fields: object) -> tuple[int, str]:
    path = PATH.format(team=team)
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, path),
        "occurred_on": "2014-09-17",
        "reason": "不定期抽查",
        "inspectors": [cid(INSPECTOR)],
        "present": [cid(LEADER)],
        "absent": [cid(MEMBER)],
        "findings": "李队员不在村，未请假",
        **fields,
    }
    response = client.post(path, data=data)
    return response.status_code, response.get_data(as_text=True)


def test_an_inspector_is_offered_the_form_with_other_units_cadres_and_the_day_s_roster(
    team: str, client: FlaskClient
):
    login(client, "inspector")
    page = client.get(f"/teams/{team}").get_data(as_text=True)
    assert "record-spot-check" in page
    html = client.get(PATH.format(team=team) + "?occurred_on=2014-09-17").get_data(as_text=True)
    inspectors = re.search(r'<fieldset id="inspectors".*?</fieldset>', html, re.S)
    assert inspectors is not None
    assert "孙科长（本溪县农业局）" in inspectors.group(0)  # another unit's cadre, with its unit
    assert "张队长" not in inspectors.group(0)  # the team's own unit is not offered
    absent = re.search(r'<fieldset id="absent".*?</fieldset>', html, re.S)
    assert absent is not None and "张队长" in absent.group(0) and "李队员" in absent.group(0)
    assert "赵科员" not in absent.group(0)  # not on the team


def test_an_inspector_records_a_spot_check_and_it_is_listed_with_the_team_s_assessments(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "inspector")
    status, _ = send(client, team, inspectors=[cid(INSPECTOR), cid(SECOND_INSPECTOR)])
    assert status == 302
    (check,) = zhucun.assessments.spot_checks(team=UUID(team))
    assert check["absent"] == [str(UUID(cid(MEMBER)))]
    assert check["recorded_by"] == "county.inspector"
    (month,) = zhucun.residency("2014-09", team=UUID(team)) or []
    assert month["absences_found"] == 1  # the absence lands on the member's month
    listed = client.get(f"/teams/{team}/assessments").get_data(as_text=True)
    row = re.search(r'<table class="summary" id="spot-checks">.*?</table>', listed, re.S)
    assert row is not None
    text = text_of(row.group(0))
    assert "2014年9月17日" in text and "孙科长、周科员" in text
    assert "张队长" in text and "李队员" in text and "未请假" in text


@pytest.mark.parametrize(
    ("fields", "beside", "words"),
    [
        pytest.param({"inspectors": [cid(CLERK)]}, "inspectors", "派出单位", id="own-unit"),
        pytest.param(
            {"inspectors": [f"  {cid(CLERK).upper()} "]}, "inspectors", "派出单位", id="padded"
        ),
        pytest.param({"absent": [cid(CLERK)]}, "absent", "赵科员", id="not-on-the-team"),
        pytest.param({"present": [cid(CLERK)]}, "present", "赵科员", id="present-not-on-team"),
        pytest.param({"present": [cid(LEADER), cid(MEMBER)]}, "absent", "既在岗又脱岗", id="both"),
        pytest.param({"inspectors": []}, "inspectors", "督查", id="no-inspector"),
        pytest.param({"present": [], "absent": []}, "present", "至少", id="no-member"),
        pytest.param(
            {"absent": ["00000000-0000-0000-0002-000000000099"]}, "absent", "", id="no-such-cadre"
        ),
    ],
)
def test_each_refusal_is_shown_beside_its_field_and_writes_nothing(
    zhucun: Zhucun,
    team: str,
    client: FlaskClient,
    fields: dict[str, object],
    beside: str,
    words: str,
):
    login(client, "inspector")
    assert words in refused_beside(zhucun, beside, (400, 404, 422), send, client, team, **fields)


def test_the_form_and_the_list_speak_english_on_request(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "inspector")
    send(client, team)
    client.get(f"/teams/{team}")  # where the form leads, with the Chinese page's flash
    form = text_of(client.get(PATH.format(team=team) + "?lang=en").get_data(as_text=True))
    assert "Members found absent" in form and "Inspectors" in form and "抽查" not in form
    listed = text_of(client.get(f"/teams/{team}/assessments?lang=en").get_data(as_text=True))
    assert "Spot checks" in listed and "Sep 17, 2014" in listed


def test_only_an_inspector_is_offered_the_spot_check_form(team: str, client: FlaskClient):
    login(client, "county_admin")
    assert "record-spot-check" not in client.get(f"/teams/{team}").get_data(as_text=True)
    assert client.get(PATH.format(team=team)).status_code == 403
