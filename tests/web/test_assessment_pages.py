"""Assessments on the web, on both engines: officials run and publish, the ranking and each
team's score by input with its trace to the events, the replay ("reproduced ✓", or with
everything known now the difference and the event that made it), and who may see and do what
(a team member its own team only, an auditor replays, others' runs refused)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.assess_builders import assessed_team, run
from tests.builders import apply, cmd
from tests.team_builders import MEMBER, cid
from tests.web.builders import ACCOUNTS, FAST_HASHER, OTHER_COUNTY, PASSWORD, other_county
from tests.web.conftest import csrf_token, login


@pytest.fixture
def team(zhucun: Zhucun, clock: SettableClock) -> str:
    return assessed_with_accounts(zhucun, clock)


def assessed_with_accounts(zhucun: Zhucun, clock: SettableClock) -> str:
    """The assessed team (tests/assess_builders.py), the other county, one account per role
    (the team member bound to the team), on the last day of 2016."""
    clock.set(datetime(2016, 12, 31, 4, tzinfo=UTC))
    team_id = assessed_team(zhucun)
    other_county(zhucun)
    accounts = Accounts(zhucun, hasher=FAST_HASHER)
    for role, (username, unit) in ACCOUNTS.items():
        bound = team_id if role == "team_member" else None
        accounts.add(username, role, unit, PASSWORD, team=bound, actor="test")
    return team_id


def text_of(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def refused_beside(
    z: Zhucun,
    field: str,
    statuses: tuple[int, ...],
    form: Callable[..., tuple[int, str]],
    *args: Any,
    **fields: Any,
) -> str:
    """Send ``form(*args, **fields)``, which must be refused: it comes back with one of
    ``statuses`` and a refusal beside ``field`` (what it says is returned), and nothing is
    written."""
    before = z.store.max_position()
    status, html = form(*args, **fields)
    assert status in statuses, html
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error is not None, html
    assert z.store.max_position() == before, "a refused form writes nothing"
    return error.group(1)


def run_from_the_form(client: FlaskClient) -> str:
    response = client.post(
        "/assessments/run",
        data={
            "csrf_token": csrf_token(client, "/assessments"),
            "kind": "annual",
            "period": "2014",
            "unit": "210521",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/assessments/([0-9a-f-]{36})$", response.headers["Location"])
    assert found
    return found.group(1)


def test_a_county_admin_runs_an_assessment_and_sees_the_ranking_in_words(
    team: str, client: FlaskClient
):
    login(client, "county_admin")
    run_id = run_from_the_form(client)
    html = client.get(f"/assessments/{run_id}").get_data(as_text=True)
    text = text_of(html)
    assert "本溪市农委驻甲村工作队" in text and "不合格" in text
    assert "没有做到经常性驻村" in text  # the criticism's reason, in words
    assert "fail" not in text and "not_regularly_resident" not in text
    assert run_id in client.get("/assessments").get_data(as_text=True)


def test_a_team_s_score_by_input_links_to_the_events_behind_each_figure(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    run_id = run(zhucun)["run_id"]
    login(client, "county_admin")
    html = client.get(f"/assessments/{run_id}/teams/{team}").get_data(as_text=True)
    assert "签到天数占应驻天数" in html and "269 / 280" in html
    trace = client.get(f"/assessments/{run_id}/teams/{team}/trace/days_checked_in")
    rows = re.findall(r"<tr><td>[^<]*</td><td>(张队长|李队员)</td>", trace.get_data(as_text=True))
    assert len(rows) == 269  # one row per check-in counted


def test_publishing_once_then_a_second_time_is_refused(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    run_id = run(zhucun)["run_id"]
    login(client, "county_admin")
    token = csrf_token(client, f"/assessments/{run_id}")
    first = client.post(f"/assessments/{run_id}/publish", data={"csrf_token": token})
    assert first.status_code == 302
    assert "county.admin" in client.get(f"/assessments/{run_id}").get_data(as_text=True)
    again = client.post(f"/assessments/{run_id}/publish", data={"csrf_token": token})
    assert again.status_code == 422  # a named refusal, and nothing written


def test_an_auditor_replays_a_run_and_it_reproduces(zhucun: Zhucun, team: str, client: FlaskClient):
    run_id = run(zhucun)["run_id"]
    login(client, "auditor")
    token = csrf_token(client, f"/assessments/{run_id}")
    html = client.post(
        f"/assessments/{run_id}/replay", data={"csrf_token": token, "mode": "reproduce"}
    ).get_data(as_text=True)
    assert 'id="reproduced"' in html


def test_with_everything_known_now_the_replay_names_the_late_entry(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    run_id = run(zhucun)["run_id"]
    late = [
        cmd("check_in", on=f"2014-08-{d:02d}", role="team_member", cadre=cid(MEMBER))
        for d in range(20, 29)
    ]
    apply(zhucun, *late)
    login(client, "auditor")
    token = csrf_token(client, f"/assessments/{run_id}")
    html = client.post(
        f"/assessments/{run_id}/replay", data={"csrf_token": token, "mode": "known_now"}
    ).get_data(as_text=True)
    assert 'id="diff"' in html and "本溪市农委驻甲村工作队" in html
    assert "签到" in text_of(html)  # the check-ins recorded since, in words


def test_a_team_member_sees_the_own_team_and_cannot_run_or_replay(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    run_id = run(zhucun)["run_id"]
    login(client, "team_member")
    assert client.get(f"/assessments/{run_id}").status_code == 200
    token = csrf_token(client, f"/assessments/{run_id}")
    replayed = client.post(f"/assessments/{run_id}/replay", data={"csrf_token": token})
    assert replayed.status_code == 403
    ran = client.post(
        "/assessments/run",
        data={"csrf_token": token, "kind": "annual", "period": "2014", "unit": "210521"},
    )
    assert ran.status_code == 403


def test_another_county_s_run_is_refused(zhucun: Zhucun, team: str, client: FlaskClient):
    run_id = run(zhucun, unit=OTHER_COUNTY)["run_id"]
    login(client, "county_admin")
    assert client.get(f"/assessments/{run_id}").status_code == 403
    assert run_id not in client.get("/assessments").get_data(as_text=True)
    token = csrf_token(client, "/assessments")
    ran = client.post(
        "/assessments/run",
        data={"csrf_token": token, "kind": "annual", "period": "2014", "unit": f" {OTHER_COUNTY}"},
    )
    assert ran.status_code == 403


def test_the_pages_speak_english_on_request(zhucun: Zhucun, team: str, client: FlaskClient):
    run_id = run(zhucun)["run_id"]
    login(client, "county_admin")
    text = text_of(client.get(f"/assessments/{run_id}?lang=en").get_data(as_text=True))
    assert "Annual assessment" in text and "Fail" in text and "Ranking" in text
    assert "不合格" not in text and "年度考核" not in text
    team_page = text_of(
        client.get(f"/assessments/{run_id}/teams/{team}?lang=en").get_data(as_text=True)
    )
    assert "days checked in of the days required" in team_page and "签到天数" not in team_page


def publish(z: Zhucun, run_id: str) -> None:
    apply(
        z,
        cmd("publish_assessment_run", run=run_id, actor="org.dept", role="city_admin"),
    )


def test_the_team_s_assessments_are_listed_on_its_own_page(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    first = run(zhucun, period="2014H2", kind="half_year")["run_id"]
    second = run(zhucun)["run_id"]
    login(client, "team_member")
    html = client.get(f"/teams/{team}/assessments").get_data(as_text=True)
    assert html.index(first) < html.index(second)  # oldest first
    assert "半年检查" in html and "年度考核" in html and "不合格" in html
    assert f'href="/teams/{team}/assessments"' in client.get(f"/teams/{team}").get_data(True)


def test_the_grades_over_the_years_count_the_published_annual_runs(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    unpublished = run(zhucun)["run_id"]
    login(client, "county_admin")
    assert 'id="grades-by-year"' not in client.get("/assessments").get_data(as_text=True)
    publish(zhucun, unpublished)
    html = client.get("/assessments").get_data(as_text=True)
    table = re.search(r'<table class="summary" id="grades-by-year">.*?</table>', html, re.S)
    assert table is not None
    assert re.search(r">2014</a></th>.*?<td class=\"num\">1</td>", table.group(0), re.S)
    assert "不合格" in table.group(0) and 'id="grades-chart"' in html


def evaluation_form(client: FlaskClient, team: str, **votes: str) -> tuple[int, str]:
    path = f"/teams/{team}/record/record-evaluation"
    data = {
        "csrf_token": csrf_token(client, path),
        "occurred_on": "2015-01-20",
        "year": "2014",
        "reason": "述职评议",
        **votes,
    }
    response = client.post(path, data=data)
    return response.status_code, response.get_data(as_text=True)


def test_an_officer_records_the_village_meeting_s_votes_and_they_count(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "township_officer")
    status, _ = evaluation_form(
        client,
        team,
        attendance="40",
        satisfied="30",
        basically_satisfied="８",  # full-width: the same eight
        dissatisfied="2",
    )
    assert status == 302
    satisfaction = next(
        t for t in zhucun.assessments.show(UUID(run(zhucun)["run_id"]))["result"]["teams"]
    )["inputs"]["satisfaction"]
    assert (satisfaction["numerator"], satisfaction["denominator"]) == (38, 40)


def test_votes_above_attendance_are_refused_beside_the_votes_and_write_nothing(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "township_officer")
    before = zhucun.store.max_position()
    status, html = evaluation_form(
        client, team, attendance="10", satisfied="9", basically_satisfied="2", dissatisfied="0"
    )
    assert status == 422
    assert 'id="satisfied-error"' in html
    assert zhucun.store.max_position() == before


def test_a_team_member_is_not_offered_the_evaluation_form(team: str, client: FlaskClient):
    login(client, "team_member")
    assert "record-evaluation" not in client.get(f"/teams/{team}").get_data(as_text=True)
    assert client.get(f"/teams/{team}/record/record-evaluation").status_code == 403
