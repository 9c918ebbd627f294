"""Decisions on a published run's proposals on the web, on both engines: the run page lists
what the run proposes with its state; a city or county administrator accepts, amends (with the
amended value and the reason) or rejects (with the reason) each one; a decided proposal shows
who decided, when and why. Each refusal comes back beside the proposal's field and writes
nothing: an unpublished run, a proposal decided twice, no reason, no amended value, no
decision; another county's run and other roles get 403. The runs list names the unit's
criticised and commended teams."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.assess_builders import adopt, run
from tests.team_builders import LEADER, cid
from tests.web.builders import OTHER_COUNTY
from tests.web.conftest import csrf_token, login
from tests.web.test_assessment_pages import assessed_with_accounts, publish, text_of
from tests.web.test_ledger_pages import section


@pytest.fixture
def team(zhucun: Zhucun, clock: SettableClock) -> str:
    return assessed_with_accounts(zhucun, clock)


def criticism(team: str) -> str:
    return f"criticism:{team}:not_regularly_resident"


def anchor(proposal: str) -> str:
    return "proposal-" + proposal.replace(":", "-")


@pytest.fixture
def published(zhucun: Zhucun, team: str) -> str:
    run_id = run(zhucun)["run_id"]
    publish(zhucun, run_id)
    return run_id


def decide(client: FlaskClient, run_id: str, proposal: str, **fields: str) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, f"/assessments/{run_id}"), "proposal": proposal}
    response = client.post(f"/assessments/{run_id}/decide", data=data | fields)
    return response.status_code, response.get_data(as_text=True)


def block(html: str, proposal: str) -> str:
    return section(html, anchor(proposal))


def test_a_published_run_lists_its_proposals_in_words_each_with_a_form(
    published: str, team: str, client: FlaskClient
):
    login(client, "county_admin")
    html = client.get(f"/assessments/{published}").get_data(as_text=True)
    item = block(html, criticism(team))
    text = text_of(item)
    assert "通报批评" in text and "本溪市农委驻甲村工作队" in text and "没有做到经常性驻村" in text
    assert "尚未决定" in text and 'class="decide-form"' in item
    assert "接受" in text and "修改" in text and "驳回" in text
    page = text_of(html)
    assert "criticism" not in page and "not_regularly_resident" not in page


def test_a_county_admin_accepts_a_proposal_and_the_page_shows_who_and_when(
    zhucun: Zhucun, published: str, team: str, client: FlaskClient
):
    login(client, "county_admin")
    status, _ = decide(client, published, criticism(team), outcome="accepted")
    assert status == 302
    (p,) = zhucun.assessments.proposals(UUID(published))["proposals"]
    assert p["decision"]["outcome"] == "accepted" and p["decision"]["decided_by"] == "county.admin"
    item = block(client.get(f"/assessments/{published}").get_data(as_text=True), criticism(team))
    assert "已接受 · county.admin · 2016年12月31日" in text_of(item)
    assert "decide-form" not in item  # decided once: no form any more


def test_an_amended_criticism_shows_the_new_reason_and_why(
    zhucun: Zhucun, published: str, team: str, client: FlaskClient
):
    login(client, "city_admin")
    status, _ = decide(
        client,
        published,
        criticism(team),
        outcome=" Amended ",  # padded, another case: the same
        reason_to="targets_not_met",
        why="驻村天数已补登，主要问题是目标任务未完成",
    )
    assert status == 302
    (p,) = zhucun.assessments.proposals(UUID(published))["proposals"]
    assert p["decision"]["amended"]["reason"] == "targets_not_met"
    text = text_of(
        block(client.get(f"/assessments/{published}").get_data(as_text=True), criticism(team))
    )
    assert "已修改 · city.admin" in text and "改为：没有完成目标任务" in text
    assert "理由：驻村天数已补登" in text


def test_a_rejection_shows_its_reason_in_english_on_request(
    published: str, team: str, client: FlaskClient
):
    login(client, "county_admin")
    status, _ = decide(client, published, criticism(team), outcome="rejected", why="已整改")
    assert status == 302
    page = client.get(f"/assessments/{published}?lang=en").get_data(as_text=True)
    text = text_of(block(page, criticism(team)))
    assert "Rejected · county.admin · Dec 31, 2016" in text and "why: 已整改" in text
    assert "Circulated criticism" in text and "not regularly resident" in text


@pytest.mark.parametrize(
    ("fields", "beside", "words"),
    [
        pytest.param({"outcome": "rejected"}, "why", "理由", id="rejected-without-reason"),
        pytest.param({"outcome": "rejected", "why": "　 "}, "why", "理由", id="blank-reason"),
        pytest.param(
            {"outcome": "amended", "reason_to": "targets_not_met"},
            "why",
            "理由",
            id="amended-without-reason",
        ),
        pytest.param({"outcome": "amended", "why": "改"}, "amend", "只能修改", id="no-new-value"),
        pytest.param({}, "outcome", "", id="no-decision"),
    ],
)
def test_each_refused_decision_is_shown_beside_its_field_and_writes_nothing(
    zhucun: Zhucun,
    published: str,
    team: str,
    client: FlaskClient,
    fields: dict[str, str],
    beside: str,
    words: str,
):
    login(client, "county_admin")
    before = zhucun.store.max_position()
    status, html = decide(client, published, criticism(team), **fields)
    assert status in (400, 422)
    error = re.search(rf'<p class="error {beside}-error">([^<]*)</p>', block(html, criticism(team)))
    assert error is not None and words in error.group(1)
    assert zhucun.store.max_position() == before


def test_a_decision_on_an_unpublished_run_is_refused_and_no_form_is_offered(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    run_id = run(zhucun)["run_id"]
    login(client, "county_admin")
    page = client.get(f"/assessments/{run_id}").get_data(as_text=True)
    assert 'id="not-published"' in page and "decide-form" not in page
    before = zhucun.store.max_position()
    status, html = decide(client, run_id, criticism(team), outcome="accepted")
    assert status == 422
    assert "尚未发布" in block(html, criticism(team))
    assert zhucun.store.max_position() == before


def test_a_proposal_decided_twice_is_refused_naming_the_first_decision(
    zhucun: Zhucun, published: str, team: str, client: FlaskClient
):
    login(client, "county_admin")
    assert decide(client, published, criticism(team), outcome="accepted")[0] == 302
    before = zhucun.store.max_position()
    status, html = decide(client, published, criticism(team), outcome="rejected", why="重复")
    assert status == 422
    error = re.search(r'<p class="error general"[^>]*>([^<]*)</p>', block(html, criticism(team)))
    assert error is not None and "county.admin" in error.group(1) and "接受" in error.group(1)
    assert zhucun.store.max_position() == before


@pytest.mark.parametrize("role", ["inspector", "team_member", "auditor", "township_officer"])
def test_other_roles_are_not_offered_the_form_and_are_refused(
    zhucun: Zhucun, published: str, team: str, client: FlaskClient, role: str
):
    login(client, role)
    assert "decide-form" not in client.get(f"/assessments/{published}").get_data(as_text=True)
    before = zhucun.store.max_position()
    status, _ = decide(client, published, criticism(team), outcome="accepted")
    assert status == 403
    assert zhucun.assessments.proposals(UUID(published))["undecided"] == 1
    added = [type(x.event).__qualname__ for x in zhucun.store.read_log(before, 10)]
    assert added and "AssessmentDecision.Decided" not in added  # the refusal, recorded


def test_another_county_s_run_is_refused_outside_the_jurisdiction(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    other = run(zhucun, unit=OTHER_COUNTY)["run_id"]
    publish(zhucun, other)
    login(client, "county_admin")
    token = csrf_token(client, "/assessments")
    response = client.post(
        f"/assessments/{other}/decide",
        data={"csrf_token": token, "proposal": criticism(team), "outcome": "accepted"},
    )
    assert response.status_code == 403


def test_the_runs_list_names_the_unit_s_criticised_teams_with_their_reasons(
    published: str, team: str, client: FlaskClient
):
    login(client, "county_admin")
    assert decide(client, published, criticism(team), outcome="accepted")[0] == 302
    html = client.get("/assessments").get_data(as_text=True)
    found = re.search(r'<div class="outcome" id="unit-outcome">.*?</div>', html, re.S)
    assert found is not None
    text = text_of(found.group(0))
    assert "本溪市农委驻甲村工作队：没有做到经常性驻村（已接受）" in text
    assert "表扬的工作队 无" in text  # no team commended
    english = client.get("/assessments?lang=en").get_data(as_text=True)
    found = re.search(r'<div class="outcome" id="unit-outcome">.*?</div>', english, re.S)
    assert found is not None
    text = text_of(found.group(0))
    assert "Criticised teams" in text and "not regularly resident in the village" in text
    assert "Accepted" in text and "已接受" not in text and "没有做到" not in text


def test_an_extension_amended_too_early_is_refused_beside_its_day_then_amended_later(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    adopt(zhucun, version=2, extension={"after_years": 1, "extend_by_years": 1})
    run_id = run(zhucun, period="2015")["run_id"]
    publish(zhucun, run_id)
    key = f"extension:{team}"
    login(client, "county_admin")
    item = text_of(block(client.get(f"/assessments/{run_id}").get_data(as_text=True), key))
    assert "延长帮扶期" in item and "驻村期至 2017年5月31日，建议延长至 2018年5月31日" in item
    before = zhucun.store.max_position()
    status, html = decide(client, run_id, key, outcome="amended", until="2017-05-01", why="延半年")
    assert status == 400
    error = re.search(r'<p class="error amend-error">([^<]*)</p>', block(html, key))
    assert error is not None and "2017-05-31" in error.group(1)
    assert zhucun.store.max_position() == before
    status, _ = decide(client, run_id, key, outcome="amended", until="2017-11-30", why="延半年")
    assert status == 302
    item = text_of(block(client.get(f"/assessments/{run_id}").get_data(as_text=True), key))
    assert "已修改" in item and "改为：2017年11月30日" in item and "理由：延半年" in item


def test_a_commended_team_and_its_resident_member_are_proposed_and_listed_for_the_unit(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    adopt(zhucun, version=2, criticism=[], commendation={"grade": "fail", "quota_percent": "100"})
    run_id = run(zhucun)["run_id"]
    publish(zhucun, run_id)
    login(client, "county_admin")
    html = client.get(f"/assessments/{run_id}").get_data(as_text=True)
    assert "通报表扬" in text_of(block(html, f"commendation:{team}"))
    posting = text_of(block(html, f"priority_posting:{team}:{UUID(cid(LEADER))}"))
    assert "优先使用或提拔" in posting and "张队长" in posting
    outcome = client.get("/assessments").get_data(as_text=True)
    commended = re.search(r'<ul id="commended">.*?</ul>', outcome, re.S)
    assert commended is not None and "本溪市农委驻甲村工作队：不合格" in text_of(commended.group(0))


@pytest.mark.parametrize(
    "proposal",
    [
        "commendation:{team}",  # not commended
        "criticism:{team}:poorly_rated",  # not this reason
        "ＣＲＩＴＩＣＩＳＭ:{team}:not_regularly_resident",  # full-width
    ],
)
def test_a_proposal_the_run_did_not_make_is_refused_above_the_proposals(
    zhucun: Zhucun, published: str, team: str, client: FlaskClient, proposal: str
):
    login(client, "county_admin")
    before = zhucun.store.max_position()
    status, html = decide(client, published, proposal.format(team=team), outcome="accepted")
    assert status == 404
    error = re.search(r'<p class="error general" role="alert" id="decision-error">([^<]*)', html)
    assert error is not None and "没有建议" in error.group(1)
    assert zhucun.store.max_position() == before
