"""Logging in and out through the pages: CSRF, cookies, the failed-login limit, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts import Accounts, add_demo_accounts
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import COUNTY, VILLAGE_A
from tests.team_builders import LEADER, cid
from tests.web.builders import FAST_HASHER, PASSWORD, WebNet
from tests.web.conftest import csrf_token, login


def kinds(z: Zhucun) -> list[str]:
    return [
        type(e.event).__qualname__
        for page in z.store.iter_log()
        for e in page
        if type(e.event).__qualname__.startswith("AccessLog.")
    ]


def post_login(client: FlaskClient, username: str, password: str, **extra: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
        **extra,
    )


def test_login_page_is_a_form_with_a_csrf_token_in_chinese(net: WebNet, client: FlaskClient):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'type="password"' in html
    assert "<h1>登录</h1>" in html and "用户名" in html and "密码" in html
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "<h1>Log in</h1>" in english and "Username" in english


def test_login_goes_to_the_accounts_own_unit_and_records_it(
    net: WebNet, client: FlaskClient, zhucun: Zhucun
):
    response = post_login(client, "county.admin", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == f"/units/{COUNTY}"
    html = client.get(f"/units/{COUNTY}").get_data(as_text=True)
    assert "county.admin" in html and "县(区)管理员" in html
    assert kinds(zhucun) == ["AccessLog.LoggedIn"]


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(net: WebNet, client: FlaskClient):
    response = client.get(f"/units/{VILLAGE_A}?as_of=2015-01-01")
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith("/login?next=")
    response = client.post(
        target,
        data={"username": "city.admin", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == f"/units/{VILLAGE_A}?as_of=2015-01-01"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/summary")})
    for evil in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example/x",
        "javascript:alert(1)",
    ):
        response = client.post(
            "/login?next=" + evil,
            data={"username": "city.admin", "password": PASSWORD, "csrf_token": csrf_token(client)},
        )
        assert response.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf_token": csrf_token(client, "/summary")})


def test_wrong_password_is_shown_beside_the_field_in_the_users_language(
    net: WebNet, client: FlaskClient, zhucun: Zhucun
):
    response = post_login(client, "city.admin", "not-the-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'id="password-error"' in html and "用户名或密码不对" in html
    client.get("/login?lang=en")
    html = post_login(client, "city.admin", "not-the-password").get_data(as_text=True)
    assert "wrong username or password" in html
    assert kinds(zhucun) == ["AccessLog.LoginFailed"] * 2


def test_five_failed_logins_pause_the_next_with_a_clear_message(
    net: WebNet, client: FlaskClient, clock: SettableClock
):
    for _ in range(5):
        assert post_login(client, "city.admin", "not-the-password").status_code == 401
    response = post_login(client, "city.admin", PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "15 分钟内登录失败 5 次" in html
    clock.advance(timedelta(minutes=15, seconds=1))
    assert post_login(client, "city.admin", PASSWORD).status_code == 302


def test_post_without_csrf_token_is_refused(net: WebNet, client: FlaskClient, zhucun: Zhucun):
    response = client.post("/login", data={"username": "city.admin", "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "表单已过期或不是从本站提交的" in html
    assert kinds(zhucun) == []
    login(client, "city.admin")
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get(f"/units/{COUNTY}").status_code == 200  # still logged in


def test_a_token_from_another_session_is_refused(net: WebNet, app: Flask):
    other = app.test_client()
    token = csrf_token(other)
    client = app.test_client()
    client.get("/login")
    response = client.post(
        "/login", data={"username": "city.admin", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(net: WebNet, client: FlaskClient):
    response = post_login(client, "city.admin", PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_send_security_headers(net: WebNet, client: FlaskClient):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_logout_ends_the_session_and_is_recorded(net: WebNet, client: FlaskClient, zhucun: Zhucun):
    login(client, "township.officer")
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/summary")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/summary").status_code == 302
    assert kinds(zhucun) == ["AccessLog.LoggedIn", "AccessLog.LoggedOut"]
    assert "已退出登录" in client.get("/login").get_data(as_text=True)


def test_a_new_password_ends_open_sessions(net: WebNet, client: FlaskClient, zhucun: Zhucun):
    login(client, "county.inspector")
    assert client.get(f"/units/{COUNTY}").status_code == 200
    Accounts(zhucun, hasher=FAST_HASHER).change_password("county.inspector", "fresh-pass-2016")
    assert client.get(f"/units/{COUNTY}").status_code == 302


def test_api_asks_for_a_login_with_a_401_problem(net: WebNet, client: FlaskClient):
    response = client.get(f"/api/v1/summary/{COUNTY}")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_secret_key_is_made_once_and_kept_under_var(
    net: WebNet, zhucun: Zhucun, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    from web import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZHUCUN_SECRET_KEY", raising=False)
    first = create_app(zhucun).config["SECRET_KEY"]
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app(zhucun).config["SECRET_KEY"] == first and len(first) == 64


def test_demo_accounts_one_per_role(net: WebNet, zhucun: Zhucun, client: FlaskClient):
    added = add_demo_accounts(zhucun, hasher=FAST_HASHER)
    assert [a["username"] for a in added] == [
        "city_admin",
        "county_admin",
        "township_officer",
        "team_member",
        "inspector",
        "auditor",
    ]
    assert all(a["username"] == a["role"] for a in added)
    member = next(a for a in added if a["role"] == "team_member")
    assert member["unit"] == VILLAGE_A and member["team"] == net.team
    assert member["cadre"] == cid(LEADER)  # the account is the team's leader
    assert post_login(client, "team_member", "zhucun-demo").status_code == 302
    assert client.get("/").headers["Location"] == f"/units/{VILLAGE_A}"
