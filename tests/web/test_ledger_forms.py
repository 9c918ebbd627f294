"""The ledger's forms through the Flask test client, on both engines: each sends its ledger
command with the account as actor and the page's village; a refusal is shown beside the field
it names, in the page's language, and writes nothing; who may use which form (team members
in their own village, township officers and above approve plans, never their own); what a
form names must lie in the jurisdiction; a form opened from the board goes back to it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.builders import TOWNSHIP, VILLAGE_A
from tests.ledger_builders import msid, oid, plid
from tests.team_builders import CITY_AGRI, tid
from tests.web.builders import OTHER_TOWNSHIP, WebNet
from tests.web.conftest import login
from tests.web.ledger_data import (
    MEMBERS_PLAN,
    MUSHROOMS,
    OTHER_MEASURE,
    OTHER_PLAN,
    OWN_PLAN,
    ROAD,
    YOUNG,
    ledger_network,
)
from tests.web.test_ledger_pages import refusals, section, text_of
from tests.web.test_records import error_beside, open_form, send

FORMS = f"/units/{VILLAGE_A}/ledger/record"


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    return ledger_network(zhucun)


def refused_beside(
    z: Zhucun, client: FlaskClient, path: str, field: str, http: int, **fields: Any
) -> str:
    """Send the form; it comes back with the HTTP status ``http`` and the refusal beside
    ``field`` (what it says), and nothing is written."""
    before = z.store.max_position()
    response = send(client, path, **fields)
    assert response.status_code == http, response.get_data(as_text=True)[:800]
    assert z.store.max_position() == before, "a refused form writes nothing"
    return error_beside(response.get_data(as_text=True), field)


def events(z: Zhucun, qualname: str, after: int = 0) -> list[Any]:
    return [
        logged.event
        for page in z.store.iter_log(after)
        for logged in page
        if type(logged.event).__qualname__ == qualname
    ]


def test_every_ledger_form_is_on_one_tab_and_sends_a_ledger_command():
    from app.ledger import commands  # noqa: F401  (registers the ledger's commands)
    from app.registry import COMMANDS
    from web.ledger import TAB_OF, TABS
    from web.ledger_forms import LEDGER_FORMS

    assert sorted(TAB_OF) == sorted(LEDGER_FORMS)
    assert sum(len(t.forms) for t in TABS) == len(LEDGER_FORMS)
    for spec in LEDGER_FORMS.values():
        args = {a.rstrip("?") for a in COMMANDS[spec.command].args}
        sent = {n for f in spec.fields for n in (f.sends or (f.name,))} | set(spec.extra)
        assert sent <= args, (spec.name, sent - args)
        required = {a for a in COMMANDS[spec.command].args if not a.endswith("?")}
        assert required <= sent, (spec.name, required - sent)


# -- the survey -----------------------------------------------------------------------------------


def test_a_team_member_records_the_survey_through_the_forms(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    sent = [
        (
            "register-village-form",
            {
                "committee_size": "6",
                "secretary": "",
                "assessment": "average",
                "collective_income": "15,000.50",
                "collective_assets": "360000",
                "collective_debts": "0",
                "per_capita_income": "4500",
                "main_problems": "书记空缺",
            },
        ),
        ("set-survey-period", {"first_day": "2014-06-01", "last_day": "2014-06-30"}),
        ("record-survey-tables", {"kind": "questionnaire", "handed_out": "40", "returned": "0"}),
        (
            "hold-symposium",
            {"topic": "集体会诊", "party_members": "８", "collective_consultation": "1"},
        ),
        (
            "hold-interview",
            {"interviewee": "赵大", "interviewee_category": "poor_household", "interviewer": "李"},
        ),
        ("collect-opinion", {"text": "修水渠", "source": "interview", "category": "conditions"}),
    ]
    for form, fields in sent:
        response = send(client, f"{FORMS}/{form}", **fields)
        assert response.status_code == 302, (form, response.get_data(as_text=True)[:800])
        assert response.headers["Location"] == f"/units/{VILLAGE_A}/ledger?tab=survey"
    (registered,) = [e for e in events(zhucun, "VillageSurvey.FormRegistered") if e.revision == 2]
    assert (registered.actor_id, registered.actor_role) == ("team.member", "team_member")
    assert (registered.secretary, registered.collective_income_fen) == ("", 1_500_050)
    (symposium,) = [
        e for e in events(zhucun, "VillageSurvey.SymposiumHeld") if e.topic == "集体会诊"
    ]
    assert (symposium.party_members, symposium.township_leaders) == (8, 0)
    assert symposium.collective_consultation is True
    seen = text_of(client.get(f"/units/{VILLAGE_A}/ledger").get_data(as_text=True))
    assert "修水渠" in seen and "赵大" in seen and "空缺" in seen and "一般" in seen


def test_the_registration_form_starts_from_its_latest_revision(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    html = client.get(f"{FORMS}/register-village-form").get_data(as_text=True)
    assert 'name="secretary" type="text" value="刘书记"' in html
    assert 'name="collective_assets" type="text" inputmode="decimal"' in html
    assert 'value="350000.50"' in html and '<option value="weak_and_lax" selected>' in html


def test_a_problem_cites_the_opinions_ticked(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "team_member")
    path = f"{FORMS}/record-survey-problem"
    form = client.get(path).get_data(as_text=True)
    assert f'value="{oid(1)}"' in form and f'value="{oid(3)}"' not in form  # its village's only
    assert '来源于以下意见 <span class="hint-inline">可不填</span></legend>' in form
    data = open_form(client, path) | {
        "reason": "test",
        "occurred_on": "2016-12-31",
        "description": "缺少产业",
        "root_cause": "weak_collective_economy",
    }
    response = client.post(path, data={**data, "opinions": [oid(1), oid(2)]})
    assert response.status_code == 302
    (found,) = [e for e in events(zhucun, "SurveyProblem.Found") if e.description == "缺少产业"]
    assert found.opinion_ids == [oid(1).replace("-", ""), oid(2).replace("-", "")]


def test_a_root_cause_of_other_unexplained_is_refused_beside_its_words(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"{FORMS}/record-survey-problem"
    said = refused_beside(
        zhucun, client, path, "root_cause_text", 422, description="x", root_cause="other"
    )
    assert "请写明" in said


# -- plans ------------------------------------------------------------------------------------


def test_a_team_member_drafts_a_plan_row_by_row_and_revises_it(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    rows = {
        "items-0-key": "A1",
        "items-0-text": "发展党员 2 名",
        "items-0-category": "committees",
        "items-2-key": "B1",
        "items-2-text": "修桥",
        "items-2-category": "conditions",
    }
    response = send(
        client,
        f"{FORMS}/draft-plan",
        kind="annual",
        year="2017",
        title="2017 年度帮扶计划",
        drafted_by="李队员",
        **rows,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    (drafted,) = [e for e in events(zhucun, "VillagePlan.Drafted") if e.year == 2017]
    assert drafted.items == [
        {"key": "A1", "text": "发展党员 2 名", "category": "committees"},
        {"key": "B1", "text": "修桥", "category": "conditions"},
    ]
    plan = str(drafted.originator_id)
    path = f"{FORMS}/revise-plan?plan={plan}"
    html = client.get(path).get_data(as_text=True)
    assert 'value="2017 年度帮扶计划"' in html and 'name="items-1-text"' in html
    assert 'value="修桥"' in html and 'name="items-3-key"' in html  # two empty rows more
    assert 'name="items-1-text" type="text" value="修桥" aria-label="内容 2">' in html
    more = client.post(path, data=open_form(client, path) | rows | {"refresh": "rows"})
    assert 'name="items-4-key"' in more.get_data(as_text=True)  # rows 0 and 2 filled, +2
    response = send(
        client,
        path,
        plan=plan,
        title="2017 年度帮扶计划（修订）",
        revised_by="李队员",
        **rows,
        **{"items-1-key": "C1", "items-1-text": "建大棚", "items-1-category": "collective_economy"},
    )
    assert response.status_code == 302
    (revised,) = events(zhucun, "VillagePlan.Revised")
    assert [i["key"] for i in revised.items] == ["A1", "C1", "B1"]


def test_a_plan_item_twice_is_refused_beside_the_items(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    twice = {"key": "A1", "text": "x", "category": "income"}
    rows = {f"items-{n}-{k}": v for n in (0, 1) for k, v in twice.items()}
    fields = {"kind": "annual", "year": "2017", "title": "t", "drafted_by": "李", **rows}
    said = refused_beside(zhucun, client, f"{FORMS}/draft-plan", "items", 400, **fields)
    assert "A1 重复" in said


def test_a_township_officer_approves_a_plan_of_the_township(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"{FORMS}/approve-plan?plan={plid(MEMBERS_PLAN)}"
    html = client.get(path).get_data(as_text=True)
    assert f'<option value="{plid(MEMBERS_PLAN)}" selected>' in html
    assert f'<option value="{plid(1)}"' not in html  # approved already
    # Its own township only: the county is not the officer's to approve for.
    assert f'<option value="{TOWNSHIP}">' in html and 'value="210521">' not in html
    response = send(
        client, path, plan=plid(MEMBERS_PLAN), approver="王镇长", approver_unit=TOWNSHIP
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/units/{VILLAGE_A}/ledger?tab=plans"
    (approved,) = [e for e in events(zhucun, "VillagePlan.Approved") if e.approver == "王镇长"][-1:]
    assert (approved.actor_id, approved.approver_unit) == ("township.officer", TOWNSHIP)
    plans = client.get(f"/units/{VILLAGE_A}/ledger?tab=plans").get_data(as_text=True)
    assert "由王镇长批准" in text_of(section(plans, f"plan-{plid(MEMBERS_PLAN)}"))


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "不能批准自己的规划"), ("en", "may not approve their own plan")],
)
def test_approving_ones_own_plan_is_refused_beside_the_approver(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, lang: str, said: str
):
    login(client, "township_officer")
    client.get(f"/units/{VILLAGE_A}/ledger?lang={lang}")  # remembered
    path = f"{FORMS}/approve-plan"
    fields = {"plan": plid(OWN_PLAN), "approver": "王镇长", "approver_unit": TOWNSHIP}
    assert said in refused_beside(zhucun, client, path, "approver", 422, **fields)
    html = client.post(path, data=open_form(client, path) | fields).get_data(as_text=True)
    assert f'<option value="{plid(OWN_PLAN)}" selected>' in html  # what was sent is kept


def test_a_team_member_may_not_approve_a_plan(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "team_member")
    plans = client.get(f"/units/{VILLAGE_A}/ledger?tab=plans").get_data(as_text=True)
    assert "approve-plan" not in plans and "revise-plan" in plans
    before, position = refusals(zhucun), zhucun.store.max_position()
    assert client.get(f"{FORMS}/approve-plan").status_code == 403
    token = open_form(client, f"{FORMS}/draft-plan")["csrf_token"]
    response = client.post(
        f"{FORMS}/approve-plan",
        data={"csrf_token": token, "plan": plid(MEMBERS_PLAN), "approver": "李", "reason": "x"},
    )
    assert response.status_code == 403
    assert refusals(zhucun) == before + 2
    assert not events(zhucun, "VillagePlan.Approved", position)


# -- measures ---------------------------------------------------------------------------------


def test_a_measure_is_planned_for_an_item_moved_on_and_its_progress_noted(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"{FORMS}/plan-measure"
    html = client.get(path).get_data(as_text=True)
    assert f'value="{plid(1)}|B1"' in html and f'value="{plid(MEMBERS_PLAN)}|B1"' not in html
    response = client.post(
        path,
        data=open_form(client, path)
        | {
            "reason": "test",
            "occurred_on": "2016-12-30",
            "item": f"{plid(1)}|C1",
            "title": "建冷库",
            "responsible": "李队员",
            "due_on": "2017-09-30",
            "budget": "120,000",
            "sources": ["fiscal", "party_fee"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    (planned,) = [e for e in events(zhucun, "Measure.Planned") if e.title == "建冷库"]
    assert (planned.plan_id, planned.item_key) == (plid(1).replace("-", ""), "C1")
    assert (planned.budget_fen, planned.sources) == (12_000_000, ["fiscal", "party_fee"])
    measure = str(planned.originator_id)
    assert (
        send(client, f"{FORMS}/set-measure-status", measure=measure, status="under_way").status_code
        == 302
    )
    assert (
        send(client, f"{FORMS}/note-measure-progress", measure=measure, note="选址完成").status_code
        == 302
    )
    html = client.get(f"/units/{VILLAGE_A}/ledger?tab=measures").get_data(as_text=True)
    row = text_of(section(html, f"measure-{measure}"))
    assert "实施中" in row and "选址完成" in row and "财政投入、党费补贴" in row


def test_dropping_a_measure_without_a_reason_is_refused_beside_why(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path, young = f"{FORMS}/set-measure-status", msid(YOUNG)
    assert "原因" in refused_beside(
        zhucun, client, path, "because", 400, measure=young, status="dropped"
    )
    # planned → done: not a move a measure makes
    assert "不能从" in refused_beside(
        zhucun, client, path, "status", 422, measure=young, status="done"
    )


def test_a_measure_without_a_plan_item_is_refused_beside_the_item(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    base = {"title": "x", "responsible": "李", "due_on": "2017-01-31", "budget": "0"}
    for item, status in (("", 400), ("not-a-plan", 400), (f"{plid(1)}|Z9", 404)):
        path = f"{FORMS}/plan-measure"
        assert refused_beside(zhucun, client, path, "item", status, item=item, **base), item


def test_progress_noted_from_the_board_goes_back_to_the_board(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    board = f"/units/{VILLAGE_A}/measures?overdue=1"
    html = client.get(board).get_data(as_text=True)
    card = section(html, f"measure-{msid(MUSHROOMS)}")
    link = re.search(r'class="button note-progress" href="([^"]+)"', card)
    assert link, card
    path = link.group(1).replace("&amp;", "&")
    assert f"measure={msid(MUSHROOMS)}" in path and "next=" in path
    form = client.get(path).get_data(as_text=True)
    assert f'<option value="{msid(MUSHROOMS)}" selected>' in form
    response = send(client, path, measure=msid(MUSHROOMS), note="菌棒已采购")
    assert response.status_code == 302 and response.headers["Location"] == board
    after = client.get(board).get_data(as_text=True)
    assert "菌棒已采购" in section(after, f"measure-{msid(MUSHROOMS)}")


def test_a_form_goes_back_only_to_a_page_of_this_site(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    for target in ("//example.com/x", "https://example.com/", "/\\example.com"):
        path = f"{FORMS}/note-measure-progress?next={target}"
        response = send(client, path, measure=msid(ROAD), note="进展")
        assert response.headers["Location"] == f"/units/{VILLAGE_A}/ledger?tab=measures", target


# -- letters --------------------------------------------------------------------------------------


def test_a_township_officer_records_a_letter_with_its_targets(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"{FORMS}/sign-responsibility-letter"
    html = client.get(path).get_data(as_text=True)
    assert f'value="{CITY_AGRI}|{tid(1)}"' in html
    response = send(
        client,
        path,
        team=f"{CITY_AGRI}|{tid(1)}",
        unit_signatory="农委主任",
        village_signatory="刘书记",
        term_starts_on="2016-12-31",
        term_ends_on="2018-12-31",
        **{"targets-0-text": "集体年收入 5 万元", "targets-0-item": f"{plid(1)}|C1"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    (signed,) = [
        e for e in events(zhucun, "ResponsibilityLetter.Signed") if e.term_ends_on == "2018-12-31"
    ]
    assert (signed.unit_code, str(signed.team_id)) == (CITY_AGRI, tid(1))
    assert signed.targets == [
        {"text": "集体年收入 5 万元", "plan": plid(1).replace("-", ""), "item": "C1"}
    ]


def test_a_letter_without_targets_is_refused_beside_the_targets(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    said = refused_beside(
        zhucun,
        client,
        f"{FORMS}/sign-responsibility-letter",
        "targets",
        400,
        team=f"{CITY_AGRI}|{tid(1)}",
        unit_signatory="农委主任",
        village_signatory="刘书记",
        term_starts_on="2016-12-31",
        term_ends_on="2018-12-31",
    )
    assert "至少要有一项目标" in said


# -- jurisdiction and hostile values ----------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        ("note-measure-progress", {"measure": msid(OTHER_MEASURE), "note": "x"}),
        ("set-measure-status", {"measure": msid(OTHER_MEASURE).upper(), "status": "under_way"}),
        ("revise-plan", {"plan": f" {plid(OTHER_PLAN)} ", "title": "t", "revised_by": "x"}),
        ("approve-plan", {"plan": plid(OTHER_PLAN), "approver": "x", "approver_unit": TOWNSHIP}),
        (
            "approve-plan",
            {"plan": plid(MEMBERS_PLAN), "approver": "x", "approver_unit": OTHER_TOWNSHIP},
        ),
        (
            "plan-measure",
            {
                "item": f"{plid(OTHER_PLAN)}|B1",
                "title": "x",
                "responsible": "x",
                "due_on": "2017-01-01",
                "budget": "0",
            },
        ),
    ],
)
def test_what_a_form_names_in_another_county_is_refused_and_recorded(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, form: str, fields: dict[str, str]
):
    login(client, "county_admin")
    before, position = refusals(zhucun), zhucun.store.max_position()
    response = send(client, f"{FORMS}/{form}", **fields)
    assert response.status_code == 403
    assert refusals(zhucun) == before + 1
    assert [
        type(e.event).__qualname__ for page in zhucun.store.iter_log(position) for e in page
    ] == ["AccessLog.AccessRefused"]


def test_an_id_that_is_none_is_refused_beside_its_field(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"{FORMS}/note-measure-progress"
    for measure, status in (("abc", 400), (msid(99), 404)):
        assert refused_beside(zhucun, client, path, "measure", status, measure=measure, note="x")


def test_a_ledger_form_is_for_a_village_only(net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    assert client.get(f"/units/{TOWNSHIP}/ledger/record/collect-opinion").status_code == 404
    assert client.get(f"{FORMS}/no-such-form").status_code == 404
    assert client.get(f"/units/{VILLAGE_A}/record/collect-opinion").status_code == 404


def test_without_the_csrf_token_nothing_is_written(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    data = open_form(client, f"{FORMS}/collect-opinion")
    del data["csrf_token"]
    before = zhucun.store.max_position()
    response = client.post(
        f"{FORMS}/collect-opinion",
        data=data | {"text": "x", "source": "interview", "category": "other", "reason": "x"},
    )
    assert response.status_code == 400
    assert zhucun.store.max_position() == before


def test_a_form_on_a_past_day_offers_what_stood_that_day(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    html = client.get(f"{FORMS}/set-measure-status?occurred_on=2014-08-15").get_data(as_text=True)
    assert f'value="{msid(ROAD)}"' in html  # planned on 2014-08-01
    before = client.get(f"{FORMS}/set-measure-status?occurred_on=2014-07-31").get_data(as_text=True)
    assert f'value="{msid(ROAD)}"' not in before
    # The ledger of a past day opens its forms on that day.
    page = client.get(f"/units/{VILLAGE_A}/ledger?tab=measures&as_of=2015-01-01")
    assert "set-measure-status?occurred_on=2015-01-01" in page.get_data(as_text=True)
