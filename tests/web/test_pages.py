"""The summary page and the JSON API, through the Flask test client, on both engines."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import (
    CITY,
    GROUP_A1,
    VILLAGE_A,
    apply,
    cmd,
    household,
    link,
    small_network,
)
from tests.web.builders import FAST_HASHER, PASSWORD
from tests.web.conftest import login
from web import create_app
from web.i18n import LEVELS, _, in_chinese
from web.summary import ROWS

FIELDS = [field for _group, rows in ROWS for field, _label, _note in rows]


def figure(html: str, field: str) -> int:
    """The number shown in the table row of one summary field."""
    row = re.search(rf'<tr id="{field}">.*?<td class="num">([\d,]+)</td>', html, re.S)
    assert row, f"no row for {field}"
    return int(row.group(1).replace(",", ""))


@pytest.fixture
def network(zhucun: Zhucun) -> Zhucun:
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"))
    Accounts(zhucun, hasher=FAST_HASHER).add("city.admin", "city_admin", CITY, PASSWORD)
    return zhucun


@pytest.fixture
def city(network: Zhucun, client: FlaskClient) -> FlaskClient:
    """A client logged in as the city administrator."""
    return login(client, "city.admin")


# -- the page ---------------------------------------------------------------------------------


def test_city_page_shows_every_figure_of_the_summary(network: Zhucun, city: FlaskClient):
    response = city.get("/summary")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>本溪市</h1>" in html and "210500" in html
    summary = network.summary(CITY)
    assert summary is not None
    for field in FIELDS:
        assert figure(html, field) == summary[field]
    assert figure(html, "villages") == 2 and figure(html, "linked_households") == 1


def test_page_is_in_chinese_by_default(network: Zhucun, city: FlaskClient):
    html = city.get("/summary").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    for label in ("行政村", "贫困村", "在册户数", "党员中心户", "联系户", "六级便民服务网络"):
        assert label in html
    assert "<dd>市</dd>" in html
    assert "Villages" not in html


def test_lang_en_shows_english_labels_and_is_remembered(network: Zhucun, city: FlaskClient):
    response = city.get("/summary?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    for label in (
        "Villages",
        "Poor villages",
        "Households",
        "Party-member central households",
        "Six-level service network",
    ):
        assert label in html
    assert "<dd>City</dd>" in html
    assert "行政村" not in html
    assert "lang=en" in response.headers["Set-Cookie"]

    assert "Villages" in city.get("/summary").get_data(as_text=True)
    assert "行政村" in city.get("/summary?lang=zh").get_data(as_text=True)
    assert "行政村" in city.get("/summary").get_data(as_text=True)


def test_language_switch_keeps_the_unit(network: Zhucun, city: FlaskClient):
    html = city.get(f"/summary?unit={VILLAGE_A}").get_data(as_text=True)
    assert f'href="/summary?unit={VILLAGE_A}&amp;lang=en"' in html


def test_unit_parameter_shows_that_unit(network: Zhucun, city: FlaskClient):
    html = city.get(f"/summary?unit={VILLAGE_A}").get_data(as_text=True)
    assert "<h1>甲村</h1>" in html and "<dd>村</dd>" in html
    assert figure(html, "households") == 3
    assert figure(html, "residents") == 12
    assert figure(html, "villager_groups") == 2


def test_page_shows_what_was_recorded_since_the_last_request(network: Zhucun, city: FlaskClient):
    assert figure(city.get("/summary").get_data(as_text=True), "households") == 4
    apply(network, household(5, GROUP_A1, "孙五", 2, on="2014-07-01"))
    assert figure(city.get("/summary").get_data(as_text=True), "households") == 5


def test_unknown_unit_is_a_404_page_with_the_message_in_both_languages(
    network: Zhucun, city: FlaskClient
):
    response = city.get("/summary?unit=210599")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "找不到区划代码为 210599 的单位" in html
    assert "no unit with code 210599" in html
    assert html.index("找不到区划代码") < html.index("no unit with code")

    english = city.get("/summary?unit=210599&lang=en").get_data(as_text=True)
    assert english.index("no unit with code") < english.index("找不到区划代码")


def test_start_page_of_an_empty_store_asks_to_log_in(client: FlaskClient):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/login").status_code == 200


def test_malformed_unit_code_is_a_400_page(network: Zhucun, city: FlaskClient):
    response = city.get("/summary?unit=benxi")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "应为 6 至 15 位数字" in html and "it has 6 to 15 digits" in html


def test_unknown_address_is_a_404_page_in_both_languages(client: FlaskClient):
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "这个地址没有对应的页面" in html and "There is no page at this address" in html


def test_page_loads_only_its_own_assets(network: Zhucun, city: FlaskClient):
    html = city.get("/summary").get_data(as_text=True)
    for address in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert address.startswith(("/", "?")), address
    css = city.get("/static/zhucun.css")
    assert css.status_code == 200 and "url(" not in css.get_data(as_text=True)
    css.close()


# -- the API ----------------------------------------------------------------------------------


def test_api_returns_the_summary_as_json(network: Zhucun, city: FlaskClient):
    response = city.get(f"/api/v1/summary/{CITY}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    fresh = body.pop("freshness")
    assert body == network.summary(CITY)
    head = network.store.max_position()
    assert fresh == {"position": head, "head": head, "behind": 0, "lag_seconds": 0.0, "stopped": {}}
    assert "本溪市" in response.get_data(as_text=True)  # not \u-escaped


def test_api_summary_on_both_clocks(network: Zhucun, city: FlaskClient, clock: SettableClock):
    clock.set(datetime(2016, 12, 31, 9, 0, tzinfo=UTC))  # the exit is recorded after the rest
    apply(network, cmd("exit_poverty", on="2016-05-01", unit=VILLAGE_A))
    now = city.get(f"/api/v1/summary/{CITY}").get_json()
    assert now["poor_villages"] == 0 and "as_of" not in now
    then = city.get(f"/api/v1/summary/{CITY}?as_of=2014-12-31").get_json()
    assert then["poor_villages"] == 1 and then["as_of"] == "2014-12-31"
    assert then["as_known_at"] is None
    known = city.get(f"/api/v1/summary/{CITY}?as_known_at=2016-12-31T12:30").get_json()
    assert known["poor_villages"] == 1 and known["as_known_at"] == "2016-12-31T04:30:00+00:00"
    for query, status in [
        ("as_of=x", 400),
        ("as_of=2014-1-1", 400),
        ("as_known_at=yesterday", 400),
        ("as_of=2099-01-01", 404),
        ("as_of=1899-12-31", 404),
        ("as_of=2014-02-31", 404),
        ("as_known_at=1969-12-31", 404),
    ]:
        response = city.get(f"/api/v1/summary/{CITY}?{query}")
        assert response.status_code == status, query
        assert response.get_json(force=True)["field"] == query.split("=")[0]
    assert city.get(f"/api/v1/summary/{CITY}?as_of=2013-12-31").status_code == 404


def test_api_unknown_unit_is_problem_json(network: Zhucun, city: FlaskClient):
    response = city.get("/api/v1/summary/210599")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.get_json(force=True)
    assert problem["type"] == "tag:zhucun.example,2014:problem:unit_not_found"
    assert problem["status"] == 404
    assert problem["title"] and problem["detail"] == "找不到区划代码为 210599 的单位"
    assert problem["code"] == "unit_not_found" and problem["field"] == "code"
    assert problem["en"] == "no unit with code 210599"
    assert problem["instance"] == "/api/v1/summary/210599"


@pytest.mark.parametrize(
    ("query", "headers", "detail"),
    [
        ("?lang=en", {}, "no unit with code 210599"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "no unit with code 210599"),
        ("", {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}, "找不到区划代码为 210599 的单位"),
        ("?lang=zh", {"Accept-Language": "en"}, "找不到区划代码为 210599 的单位"),
    ],
)
def test_api_problem_detail_follows_the_asked_language(
    network: Zhucun, city: FlaskClient, query: str, headers: dict[str, str], detail: str
):
    response = city.get(f"/api/v1/summary/210599{query}", headers=headers)
    assert response.get_json(force=True)["detail"] == detail


def test_api_malformed_code_is_a_400_problem(network: Zhucun, city: FlaskClient):
    response = city.get("/api/v1/summary/benxi")
    problem = response.get_json(force=True)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert problem["type"].endswith(":invalid_input") and problem["field"] == "code"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nothing-here", 404),
        ("post", "/api/v1/summary/210500", 405),
    ],
)
def test_api_http_errors_are_problem_json(client: FlaskClient, method: str, path: str, status: int):
    response = getattr(client, method)(path)
    problem = response.get_json(force=True)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert problem["type"] == "about:blank" and problem["status"] == status
    assert problem["title"] and problem["detail"]


def test_openapi_describes_the_api(network: Zhucun, city: FlaskClient):
    response = city.get("/api/v1/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"].startswith("3.1")
    own = {"/api/v1/summary/{code}", "/api/v1/openapi.json"}  # the reads: test_api_reads.py
    assert own <= set(document["paths"])
    summary = network.summary(CITY)
    assert summary is not None
    schema = document["components"]["schemas"]["Summary"]
    answered = set(summary) | {"freshness"}
    assert answered == set(schema["required"])
    on_a_day = network.summary(CITY, as_of=network.today())
    assert on_a_day is not None
    assert set(schema["properties"]) == set(on_a_day) | {"freshness"}
    for path in own:
        assert city.get(path.replace("{code}", CITY)).status_code == 200


# -- wiring -----------------------------------------------------------------------------------


def test_every_label_has_a_chinese_text(app):
    texts = [text for group, rows in ROWS for text in (group, *(t for r in rows for t in r[1:]))]
    texts += [str(level) for level in LEVELS.values()]
    with app.test_request_context("/"), in_chinese():
        missing = [t for t in texts if _(t) == t]
    assert missing == []


def test_factory_without_arguments_opens_the_store_named_by_the_environment(
    db_url: str, monkeypatch: pytest.MonkeyPatch
):
    # What gunicorn does with 'web:create_app()'.
    monkeypatch.setenv("ZHUCUN_DATABASE_URL", db_url)
    monkeypatch.setenv("ZHUCUN_SECRET_KEY", "from-the-environment")
    app = create_app(config={"TESTING": True})
    zhucun = app.extensions["zhucun"]
    try:
        assert zhucun.config.url == db_url
        assert app.config["SECRET_KEY"] == "from-the-environment"
        client = app.test_client()
        assert client.get("/").status_code == 302
        small_network(zhucun)
        Accounts(zhucun, hasher=FAST_HASHER).add("city.admin", "city_admin", CITY, PASSWORD)
        assert login(client, "city.admin").get("/summary").status_code == 200
    finally:
        zhucun.close()


def test_a_day_before_the_unit_existed_says_when_it_was_opened(network: Zhucun, city: FlaskClient):
    response = city.get(f"/units/{VILLAGE_A}?as_of=2013-06-01")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "于 2014-01-01 设立" in html and "找不到区划代码" not in html


def test_the_favicon_is_served_without_a_login(client: FlaskClient):
    found = client.get("/favicon.ico", follow_redirects=True)
    assert found.status_code == 200 and b"<svg" in found.data


def test_every_page_prints_on_a4_without_its_navigation(network: Zhucun, city: FlaskClient):
    css = city.get("/static/zhucun.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css
    assert 'rel="icon"' in city.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
