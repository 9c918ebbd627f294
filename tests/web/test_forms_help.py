"""Forms that help (issue 17, point 4, and the type-ahead of point 3), through the Flask test
client on both engines: every malformed field is refused at once, each beside its field under
the form's label in the page's language, keeping what was typed and writing nothing; a long
list of households is picked by typing (a name, its pinyin or initials) among at most 20 of
the form's valid choices, with or without JavaScript, and the id sent is still checked; the
pages open the forms with what they show chosen; after saving, a message says what was
recorded and links to the page where it shows."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import GROUP_A1, VILLAGE_A, apply, hid, household, id_number
from tests.team_builders import cid
from tests.web.builders import WebNet, events_named
from tests.web.conftest import login
from tests.web.test_assessment_pages import assessed_with_accounts
from tests.web.test_records import error_beside, open_form, send

FOUND = 31  # 王桂兰, found by "wgl"
MANY = [f"刘{n:02d}" for n in range(25)]  # enough households to make a long list


def _many(zhucun: Zhucun) -> None:
    apply(
        zhucun,
        household(FOUND, GROUP_A1, "王桂兰", 3),
        *(household(40 + i, GROUP_A1, name, 2) for i, name in enumerate(MANY)),
    )


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no list {name}"
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)', select.group(1))


def _ch(client: FlaskClient) -> str:
    """The central household the link form offers in village A (there is one)."""
    html = client.get(f"/units/{VILLAGE_A}/record/link-household").get_data(as_text=True)
    return _options(html, "central_household")[0][0]


# -- every error at once --------------------------------------------------------------------------


def test_every_bad_field_of_a_form_is_refused_at_once_beside_its_field_in_chinese(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/register-household"
    before = zhucun.store.max_position()
    response = send(client, path, group="", head_name="", members="三口", id_number="", reason="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(html, "group") == "村民小组为必填项"
    assert error_beside(html, "head_name") == "户主为必填项"
    assert error_beside(html, "members") == "人口应为整数"
    assert error_beside(html, "id_number") == "户主身份证号为必填项"
    assert error_beside(html, "reason") == "事由为必填项"
    assert 'value="三口"' in html  # what was typed is kept
    errors = " ".join(re.findall(r'<p class="error[^"]*"[^>]*>([^<]*)', html))
    assert not re.search(r"[A-Za-z_]{3,}", errors), errors  # no raw key, no English
    assert zhucun.store.max_position() == before


def test_every_bad_field_is_refused_at_once_in_english_under_the_forms_labels(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    client.get("/teams?lang=en")
    path = f"/units/{VILLAGE_A}/record/link-household"
    response = send(client, path, household="", central_household="nonsense")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(html, "household") == "Household is required"
    assert error_beside(html, "central_household") == "Central household is not a valid id"


def test_a_team_form_refuses_every_bad_field_at_once(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/request-leave"
    before = zhucun.store.max_position()
    response = send(client, path, first_day="2016-13-01", last_day="", reason=" ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(html, "reason") == "事由为必填项"
    assert error_beside(html, "first_day").startswith("第一天不是有效日期")
    assert error_beside(html, "last_day") == "最后一天为必填项"
    assert zhucun.store.max_position() == before


def test_a_rule_refusal_still_comes_beside_its_field_once_the_form_reads_well(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    linked = send(client, path, household=net.households["A1b"], central_household=_ch(client))
    assert linked.status_code == 302
    said = client.get(linked.headers["Location"]).get_data(as_text=True)
    assert "已记录：联系户挂靠中心户（户：李二 (甲村一组)；党员中心户：" in said  # named as offered
    before = zhucun.store.max_position()
    # Linked already: the form reads well, and the rules refuse it, beside the household.
    again = send(client, path, household=net.households["A1b"], central_household=_ch(client))
    assert again.status_code >= 400
    assert "（household）" not in error_beside(again.get_data(as_text=True), "household")
    assert zhucun.store.max_position() == before


# -- type-ahead -----------------------------------------------------------------------------------


def test_the_type_ahead_offers_the_valid_households_matching_the_initials(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    _many(zhucun)
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    html = client.get(path).get_data(as_text=True)
    assert 'id="household-q"' in html and "hx-get" in html
    listed = _options(html, "household")
    assert len(listed) == 20  # of 28 valid choices, at most 20 at once
    assert re.search(r'id="household-more">共 \d+ 项，列出 20 项', html)
    found = client.get(
        path + "?options=household&household-q=wgl", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert re.findall(r'<option value="([^"]+)" selected>([^<]*)', found) == [
        (hid(FOUND), "王桂兰 (甲村一组)")
    ]
    by_pinyin = client.get(path + "?options=household&household-q=liu").get_data(as_text=True)
    assert len(re.findall(r'<option value="0', by_pinyin)) == 20  # at most 20 of the 25


def test_the_type_ahead_offers_only_the_forms_valid_choices(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    # 王大's household is the central household itself: never offered for linking.
    found = client.get(path + "?options=household&household-q=wd").get_data(as_text=True)
    assert net.households["A1"] not in found
    assert "没有匹配项" in found
    unlink = f"/units/{VILLAGE_A}/record/unlink-household?options=household&household-q=l"
    assert net.households["A1b"] not in client.get(unlink).get_data(as_text=True)  # not linked


def test_without_javascript_the_find_button_lists_the_matches_and_the_id_is_still_checked(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    _many(zhucun)
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    data = open_form(client, path)
    shown = client.post(path, data=data | {"refresh": "1", "household-q": "王桂"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert _options(html, "household") == [(hid(FOUND), "王桂兰 (甲村一组)")]
    linked = send(client, path, household=hid(FOUND), central_household=_ch(client))
    assert linked.status_code == 302
    before = zhucun.store.max_position()
    # An id the list no longer offers (linked just now) is refused as before.
    refused = send(client, path, household=hid(FOUND), central_household=_ch(client))
    assert refused.status_code >= 400
    assert zhucun.store.max_position() == before


# -- context and after saving ---------------------------------------------------------------------


def test_a_groups_page_opens_register_household_with_that_group(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    html = client.get(f"/units/{GROUP_A1}/record/register-household").get_data(as_text=True)
    assert f'<option value="{GROUP_A1}" selected>' in html


def test_a_households_page_opens_its_forms_with_the_household_chosen(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    page = client.get(f"/households/{net.households['A1b']}").get_data(as_text=True)
    links = re.findall(r'<a class="button" href="([^"]+)">', page)
    link = next(x for x in links if "/record/link-household" in x)
    assert not any("/record/unlink-household" in x for x in links)  # not linked: no unlink
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option value="{net.households["A1b"]}" selected>' in form


def test_after_saving_the_message_says_what_was_recorded_and_links_to_the_household(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{GROUP_A1}/record/register-household"
    saved = send(
        client, path, group=GROUP_A1, head_name="周六", members="4", id_number=id_number(16)
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    message = re.search(r'<p class="flash recorded"[^>]*>(.*?)</p>', html, re.S)
    assert message, "no message after saving"
    text = message.group(1)
    assert "已记录：登记户（村民小组：甲村一组" in text and "户主：周六" in text
    assert id_number(16) not in text  # the identity number is not repeated
    registered = events_named(zhucun, "Household.Registered")[-1].originator_id
    assert f'href="/households/{registered}">查看该户' in text


def test_after_saving_a_group_typed_in_full_width_digits_is_named_as_the_one_recorded(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{GROUP_A1}/record/register-household"
    typed = " " + "".join(chr(ord(d) + 0xFEE0) for d in GROUP_A1) + "\t"
    saved = send(client, path, group=typed, head_name="周七", members="2", id_number=id_number(17))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    message = re.search(r'<p class="flash recorded"[^>]*>(.*?)</p>', html, re.S)
    assert message and "村民小组：甲村一组" in message.group(1)
    registered = events_named(zhucun, "Household.Registered")[-1]
    assert registered.group_code == GROUP_A1 and registered.head_name == "周七"


def test_a_party_members_page_opens_their_forms_with_the_member_chosen(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    member = "00000000-0000-0000-0001-000000000001"  # 王大
    page = client.get(f"/history/id/{member}").get_data(as_text=True)
    links = re.findall(r'<a class="button" href="([^"]+)">', page)
    transfer = next(x for x in links if "/record/party-member-transferred-out" in x)
    assert not any("assign-site-responsible" in x for x in links)
    form = client.get(transfer.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option value="{member}" selected>' in form


def test_a_refused_assessment_run_comes_back_beside_the_period_keeping_what_was_typed(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "county_admin")
    token = re.search(
        r'id="run-form">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
        client.get("/assessments").get_data(as_text=True),
    )
    assert token, "no run form"
    before = zhucun.store.max_position()
    response = client.post(
        "/assessments/run",
        data={"csrf_token": token.group(1), "kind": "annual", "period": "20x", "unit": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="period-error">([^<]+)</p>', html)
    assert error and "20x" in error.group(1), html[-3000:]
    assert 'value="20x"' in html
    assert zhucun.store.max_position() == before


def test_a_list_of_ticks_is_narrowed_by_typing_and_keeps_what_was_ticked(
    zhucun: Zhucun, clock: SettableClock, client: FlaskClient
):
    team = assessed_with_accounts(zhucun, clock)
    login(client, "inspector")
    ticked = cid(7)  # another inspector, ticked before typing
    found = client.get(
        f"/teams/{team}/record/record-spot-check?occurred_on=2014-09-17"
        f"&options=inspectors&inspectors-q=skz&inspectors={ticked}"
    ).get_data(as_text=True)
    box = r'<input type="checkbox" name="inspectors" value="([^"]+)"( checked)?'
    boxes = re.findall(box, found)
    assert (ticked, " checked") in boxes
    assert (cid(6), "") in boxes  # 孙科长, by the initials of his name
    assert len(boxes) == 2
