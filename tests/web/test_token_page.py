"""The account's own page: its API tokens made (the token shown once), listed and revoked
with the page's CSRF token; only the account's own tokens (ADR 041)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.api_tokens import ApiTokens, secret_hash
from app.bootstrap import Zhucun
from tests.builders import COUNTY
from tests.web.builders import WebNet, found
from tests.web.conftest import csrf_token, login


def make_token(client: FlaskClient, **fields: str):
    return client.post("/account", data={"csrf_token": csrf_token(client, "/account"), **fields})


def test_a_token_made_on_the_page_is_shown_once_and_works(client: FlaskClient, net: WebNet):
    login(client, "county_admin")
    made = make_token(client, name="县里的报表脚本", expires="2017-02-01")
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    token = found(r'id="token-secret">(zct_[A-Za-z0-9_-]{43})<', html, "the new token")
    assert "只显示这一次" in html  # the copy hint, in Chinese
    assert "县里的报表脚本" in html and "2017-02-01" in html

    # Shown once: the page never shows it again.
    again = client.get("/account").get_data(as_text=True)
    assert token not in again and "县里的报表脚本" in again and "使用中" in again

    api = FlaskClient(client.application)
    answer = api.get(f"/api/v1/summary/{COUNTY}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_revoking_on_the_page_takes_effect_and_needs_the_csrf_token(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
):
    login(client, "county_admin")
    html = make_token(client, name="x").get_data(as_text=True)
    token = found(r'id="token-secret">(zct_[^<]+)<', html)
    token_id = found(r'id="token-([0-9a-f-]{36})"', html)
    path = f"/account/tokens/{token_id}/revoke"
    before = zhucun.store.max_position()
    assert client.post(path).status_code == 400  # no CSRF token
    assert zhucun.store.max_position() == before
    revoked = client.post(path, data={"csrf_token": csrf_token(client, "/account")})
    assert revoked.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "已撤销" in page
    api = FlaskClient(client.application)
    answer = api.get(f"/api/v1/summary/{COUNTY}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401


def test_another_accounts_token_is_neither_listed_nor_revoked(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
):
    other = ApiTokens(zhucun).issue("city.admin", name="市里的脚本")
    login(client, "county_admin")
    page = client.get("/account").get_data(as_text=True)
    assert "市里的脚本" not in page and other["id"] not in page
    response = client.post(
        f"/account/tokens/{other['id']}/revoke",
        data={"csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 404
    assert ApiTokens(zhucun).describe(other["id"])["state"] == "active"


def test_an_expiry_in_the_past_is_refused_on_the_form(client: FlaskClient, net: WebNet):
    login(client, "county_admin")
    refused = make_token(client, expires="2016-01-01")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "已经过去" in html and "zct_" not in html


def test_the_page_is_in_chinese_with_beijing_times(client: FlaskClient, net: WebNet):
    login(client, "township_officer")
    make_token(client, name="乡里")
    html = client.get("/account").get_data(as_text=True)
    for words in ("我的账号", "API 令牌", "生成令牌", "有效期至", "最近使用", "撤销"):
        assert words in html, words
    # Made at 04:00 UTC: 12:00 in Beijing.
    assert re.search(r"<td>2016-12-31 12:00</td>", html)
    for raw in ("active", "revoked", "expired", "Issued"):
        assert f">{raw}<" not in html


def test_the_audit_log_shows_tokens_in_words_and_never_their_hash(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
):
    made = ApiTokens(zhucun).issue("county.admin", name="脚本")
    api = FlaskClient(client.application)
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert api.get(f"/api/v1/summary/{COUNTY}", headers=headers).status_code == 200
    ApiTokens(zhucun).revoke(made["id"], actor="city.admin")
    assert api.get(f"/api/v1/summary/{COUNTY}", headers=headers).status_code == 401
    login(client, "city_admin")
    html = client.get("/audit").get_data(as_text=True)
    for words in (
        "生成 API 令牌",
        "用 API 令牌访问",
        "撤销 API 令牌",
        "API 令牌被拒绝",
        "令牌已撤销",
    ):
        assert words in html, words
    # Event names only as the filter's option values, never as text; the hash never.
    for raw in (">TokenAccess", ">ApiToken", secret_hash(made["token"]), made["token"]):
        assert raw not in html, raw
