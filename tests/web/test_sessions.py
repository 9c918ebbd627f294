"""Sessions end on the server: a cookie saved before a logout, a new password or a suspension
and sent again afterwards gets the login page (a 401 from the API) and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.accounts import Accounts, session_hash
from app.bootstrap import Zhucun
from app.cli.main import cli
from domain.account_errors import (
    AccountNotSuspendedError,
    AccountSuspendedError,
    LoginFailedError,
)
from tests.builders import COUNTY
from tests.team_builders import MEMBER, cid
from tests.web.builders import IP, PASSWORD, WebNet
from tests.web.conftest import csrf_token, login


def saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(client: FlaskClient, cookie: str) -> FlaskClient:
    client.set_cookie("session", cookie)
    return client


def form_fields(client: FlaskClient, path: str) -> dict[str, str]:
    html = client.get(path).get_data(as_text=True)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def logout(client: FlaskClient) -> Any:
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/summary")})


def test_a_cookie_replayed_after_logout_gets_the_login_page_and_writes_nothing(
    net: WebNet, client: FlaskClient, zhucun: Zhucun
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/check-in"
    fields = form_fields(client, path)  # a form opened before the logout, token and all
    cookie = saved_cookie(client)
    assert logout(client).headers["Location"] == "/login"
    before = zhucun.store.max_position()

    replay(client, cookie)
    page = client.get(f"/teams/{net.team}")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    replay(client, cookie)
    data = fields | {"reason": "replayed", "occurred_on": "2016-12-31", "cadre": cid(MEMBER)}
    posted = client.post(path, data=data)
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/login")
    replay(client, cookie)
    api = client.get(f"/api/v1/summary/{COUNTY}")
    assert api.status_code == 401 and api.mimetype == "application/problem+json"
    assert zhucun.store.max_position() == before


def test_logging_out_ends_only_that_session(net: WebNet, app: Flask):
    phone, desk = app.test_client(), app.test_client()
    login(phone, "county_admin")
    login(desk, "county_admin")
    logout(phone)
    assert phone.get(f"/units/{COUNTY}").status_code == 302
    assert desk.get(f"/units/{COUNTY}").status_code == 200


def test_a_new_password_ends_every_session_even_replayed(
    net: WebNet, client: FlaskClient, accounts: Accounts
):
    login(client, "inspector")
    cookie = saved_cookie(client)
    accounts.change_password("county.inspector", "fresh-pass-2016")
    assert replay(client, cookie).get(f"/units/{COUNTY}").status_code == 302


def test_the_log_keeps_only_the_sessions_hash(net: WebNet, accounts: Accounts, zhucun: Zhucun):
    who = accounts.login("city.admin", PASSWORD, IP)
    accounts.logout(who, IP)
    entries = [
        e.event
        for page in zhucun.store.iter_log()
        for e in page
        if type(e.event).__qualname__ in ("AccessLog.LoggedIn", "AccessLog.LoggedOut")
    ]
    assert [e.session for e in entries] == [session_hash(who.session)] * 2
    assert len(who.session) >= 43 and who.session not in repr(entries)
    assert accounts.principal("city.admin", session=who.session) is None


def test_a_suspended_account_loses_its_sessions_and_cannot_log_in_until_resumed(
    net: WebNet, client: FlaskClient, accounts: Accounts, zhucun: Zhucun
):
    login(client, "county_admin")
    cookie = saved_cookie(client)
    accounts.suspend("county.admin", actor="city.admin")
    assert replay(client, cookie).get(f"/units/{COUNTY}").status_code == 302
    with pytest.raises(LoginFailedError):
        accounts.login("county.admin", PASSWORD, IP)
    assert accounts.describe("county.admin")["suspended"] is True
    before = zhucun.store.max_position()
    with pytest.raises(AccountSuspendedError) as twice:
        accounts.suspend("county.admin")
    assert twice.value.field == "username" and zhucun.store.max_position() == before
    accounts.resume("county.admin")
    assert accounts.login("county.admin", PASSWORD, IP).username == "county.admin"
    with pytest.raises(AccountNotSuspendedError):
        accounts.resume("county.admin")


def test_cli_suspends_and_resumes_an_account(db_url: str, net: WebNet, accounts: Accounts):
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", db_url, "users", "suspend", "--username", "city.auditor"])
    assert r.exit_code == 0, r.output
    assert "city.auditor" in r.output
    with pytest.raises(LoginFailedError):
        accounts.login("city.auditor", PASSWORD, IP)
    r = runner.invoke(cli, ["--db", db_url, "users", "suspend", "--username", "city.auditor"])
    assert r.exit_code == 1 and "account_suspended [username]" in r.output
    r = runner.invoke(cli, ["--db", db_url, "users", "resume", "--username", "city.auditor"])
    assert r.exit_code == 0, r.output
    assert accounts.login("city.auditor", PASSWORD, IP).username == "city.auditor"
