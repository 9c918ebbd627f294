"""Personal API tokens (ADR 041): made, listed and revoked on the command line, stored only
as a hash, and the bearer token of an API request: it acts as its account, within the
account's jurisdiction and standing, or is refused with 401 and never falls back to the cookie.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.accounts import Accounts
from app.api_tokens import ApiTokens, secret_hash
from app.bootstrap import Zhucun
from app.cli.main import cli
from app.store.clock import SettableClock, local_today
from domain.account_errors import TokenExpiryPastError, TokenNotFoundError, TokenRevokedError
from domain.errors import InvalidInputError
from tests.builders import COUNTY, VILLAGE_A
from tests.web.builders import OTHER_COUNTY, WebNet, events_named
from tests.web.conftest import csrf_token, login

# The clock of the tests: 2016-12-31 12:00 in Beijing.
TODAY = "2016-12-31"


@pytest.fixture
def run(db_url: str, net: WebNet):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args])

    return invoke


@pytest.fixture
def tokens(zhucun: Zhucun, net: WebNet) -> ApiTokens:
    return ApiTokens(zhucun)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the command line -------------------------------------------------------------------------


def test_cli_adds_lists_and_revokes_a_token_and_never_shows_the_secret_again(run, zhucun: Zhucun):
    added = run(
        "users", "token", "add", "--username", "county.admin", "--name", "县里的脚本", "--json"
    )
    assert added.exit_code == 0, added.output
    made = json.loads(added.output)
    assert set(made) == {"token", "id", "expires"}
    assert made["token"].startswith("zct_") and len(made["token"]) == 47
    # 90 days from today, Beijing (the command line reads the real clock).
    in_90_days = (local_today(datetime.now(UTC)) + timedelta(days=90)).isoformat()
    assert made["expires"] == in_90_days

    listed = run("users", "token", "list", "--username", "county.admin", "--json")
    assert listed.exit_code == 0, listed.output
    assert made["token"] not in listed.output and secret_hash(made["token"]) not in listed.output
    (row,) = json.loads(listed.output)["rows"]
    assert (row["id"], row["name"], row["state"], row["expires"]) == (
        made["id"],
        "县里的脚本",
        "active",
        in_90_days,
    )

    revoked = run("users", "token", "revoke", made["id"], "--reason", "脚本停用")
    assert revoked.exit_code == 0, revoked.output
    listed = json.loads(run("users", "token", "list", "--json").output)["rows"]
    assert [r["state"] for r in listed] == ["revoked"]
    again = run("users", "token", "revoke", f"  {made['id'].upper()} ")
    assert again.exit_code == 1 and "token_revoked" in again.output

    # The log holds the hash, never the secret.
    (issued,) = events_named(zhucun, "ApiToken.Issued")
    assert issued.secret_hash == secret_hash(made["token"])
    for page in zhucun.store.iter_log():
        for logged in page:
            assert made["token"] not in repr(vars(logged.event))


def test_cli_plain_output_prints_the_token_alone_on_stdout(run):
    added = run("users", "token", "add", "--username", "city.admin", "--expires", "2099-01-15")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines()[0].startswith("zct_")
    listed = run("users", "token", "list")
    assert "2099-01-15" in listed.output and "zct_" not in listed.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--expires", "2016-12-30"], "token_expiry_past"),
        (["--expires", "2016-13-01"], "invalid_input"),
        (["--expires", "31/12/2017"], "invalid_input"),
        (["--name", "a\nb"], "invalid_input"),
        (["--name", "x" * 101], "invalid_input"),
    ],
)
def test_cli_refuses_a_bad_expiry_or_name_and_writes_nothing(run, zhucun: Zhucun, args, code):
    before = zhucun.store.max_position()
    out = run("users", "token", "add", "--username", "county.admin", *args)
    assert out.exit_code == 1, out.output
    assert code in out.output
    assert zhucun.store.max_position() == before


def test_cli_refuses_an_unknown_account_or_token(run):
    out = run("users", "token", "add", "--username", "nobody")
    assert out.exit_code == 1 and "account_not_found" in out.output
    out = run("users", "token", "revoke", "00000000-0000-0000-0000-000000000000")
    assert out.exit_code == 1 and "token_not_found" in out.output
    out = run("users", "token", "revoke", "not-an-id")
    assert out.exit_code == 1 and "token" in out.output


def test_expiry_today_is_allowed_full_width_digits_are_read(tokens: ApiTokens):
    made = tokens.issue("county.admin", " ２０１６-１２-３１ ")
    assert made["expires"] == TODAY
    with pytest.raises(TokenExpiryPastError):
        tokens.issue("county.admin", "2016-12-30")
    with pytest.raises(InvalidInputError):
        tokens.issue("county.admin", "2016-2-1")


def test_the_username_is_read_as_the_login_reads_it(tokens: ApiTokens):
    made = tokens.issue("  County.Admin\t")
    assert [t["id"] for t in tokens.list(" COUNTY.ADMIN ")] == [made["id"]]
    assert tokens.describe(made["id"])["username"] == "county.admin"


def test_revoking_needs_the_owner_when_one_is_given(tokens: ApiTokens):
    made = tokens.issue("county.admin")
    padded = f" {made['id'].upper()} "
    with pytest.raises(TokenNotFoundError):
        tokens.revoke(made["id"], actor="city.admin", owner="city.admin")
    tokens.revoke(padded, actor="county.admin", owner="county.admin")
    with pytest.raises(TokenRevokedError):
        tokens.revoke(made["id"], actor="county.admin")


def test_read_model_rebuilt_from_the_log_equals_the_incremental_one(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient
):
    made = tokens.issue("county.admin", name="a")
    client.get(f"/api/v1/summary/{COUNTY}", headers=bearer(made["token"]))
    tokens.revoke(tokens.issue("city.admin")["id"], actor="test")
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before


# -- the bearer token on the API --------------------------------------------------------------


def test_a_county_admins_token_reads_its_own_county_and_not_another(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient
):
    token = tokens.issue("county.admin")["token"]
    own = client.get(f"/api/v1/summary/{COUNTY}", headers=bearer(token))
    assert own.status_code == 200, own.get_data(as_text=True)
    other = client.get(f"/api/v1/summary/{OTHER_COUNTY}", headers=bearer(token))
    assert other.status_code == 403
    assert other.mimetype == "application/problem+json"
    (refused,) = events_named(zhucun, "AccessLog.AccessRefused")
    assert refused.username == "county.admin"


def test_each_use_is_recorded_with_the_account_the_token_and_the_address(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient
):
    made = tokens.issue("county.admin")
    for _ in range(2):
        client.get(
            f"/api/v1/summary/{VILLAGE_A}",
            headers=bearer(made["token"]),
            environ_base={"REMOTE_ADDR": "10.1.2.3"},
        )
    used = events_named(zhucun, "TokenAccess.Used")
    assert [(u.username, u.token, u.address, u.method) for u in used] == [
        ("county.admin", made["id"], "10.1.2.3", "GET")
    ] * 2
    assert used[0].actor_id == "county.admin" and used[0].actor_role == "county_admin"
    (row,) = tokens.list("county.admin")
    assert row["last_used_at"] is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer {t}",
        "bearer {t}",
        "BEARER {t}",
        "bEaReR {t}",
    ],
)
def test_the_scheme_is_read_in_any_case(tokens: ApiTokens, client: FlaskClient, header: str):
    token = tokens.issue("county.admin")["token"]
    response = client.get(
        f"/api/v1/summary/{COUNTY}", headers={"Authorization": header.format(t=token)}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer  {t}", id="two spaces"),
        pytest.param(" Bearer {t}", id="padded before"),
        pytest.param("Bearer {t} ", id="padded after"),
        pytest.param("Bearer {t}\u3000", id="padded with a full-width space"),
        pytest.param("Bearer\t{t}", id="tab"),
        pytest.param("Bearer {t}x", id="one character more"),
        pytest.param("Bearer {t} {t}", id="twice"),
        pytest.param("Bearer {T}", id="token in other case"),
        pytest.param("Bearer {t_}", id="without the prefix"),
        pytest.param("Bearer {tw}", id="full-width prefix"),
        pytest.param("Bearer", id="no token"),
        pytest.param("Bearer ", id="empty token"),
        pytest.param("", id="empty header"),
        pytest.param("Token {t}", id="another scheme"),
        pytest.param("Basic Y291bnR5LmFkbWluOnpodWN1bi10ZXN0LTIwMTQ=", id="basic"),
        pytest.param("Bearer zct_" + "A" * 43, id="unknown token"),
    ],
)
def test_a_hostile_or_malformed_header_is_refused_with_401_and_recorded(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient, header: str
):
    token = tokens.issue("county.admin")["token"]
    value = header.format(t=token, T=token.swapcase(), t_=token[4:], tw="ｚｃｔ＿" + token[4:])
    response = client.get(f"/api/v1/summary/{COUNTY}", headers={"Authorization": value})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    assert not events_named(zhucun, "TokenAccess.Used")
    (refused,) = events_named(zhucun, "TokenAccess.Refused")
    assert refused.cause in ("malformed", "unknown")


def test_a_bad_token_never_falls_back_to_the_cookie(client: FlaskClient, net: WebNet):
    login(client, "county_admin")
    assert client.get(f"/api/v1/summary/{COUNTY}").status_code == 200
    refused = client.get(f"/api/v1/summary/{COUNTY}", headers=bearer("zct_" + "B" * 43))
    assert refused.status_code == 401


def test_expired_and_revoked_tokens_are_refused(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient, clock: SettableClock
):
    short = tokens.issue("county.admin", "2017-01-01")
    revoked = tokens.issue("county.admin")
    path = f"/api/v1/summary/{COUNTY}"
    assert client.get(path, headers=bearer(short["token"])).status_code == 200
    tokens.revoke(revoked["id"], actor="test")
    assert client.get(path, headers=bearer(revoked["token"])).status_code == 401
    clock.advance(timedelta(days=1))  # 2017-01-01 12:00 in Beijing: still the last day
    assert client.get(path, headers=bearer(short["token"])).status_code == 200
    clock.advance(timedelta(hours=12))  # 2017-01-02 00:00 in Beijing
    assert client.get(path, headers=bearer(short["token"])).status_code == 401
    causes = [(e.cause, e.username, e.token) for e in events_named(zhucun, "TokenAccess.Refused")]
    assert causes == [
        ("revoked", "county.admin", revoked["id"]),
        ("expired", "county.admin", short["id"]),
    ]
    assert [t["state"] for t in tokens.list("county.admin")] in (
        ["expired", "revoked"],
        ["revoked", "expired"],
    )


def test_a_token_acts_with_the_accounts_standing_now(
    tokens: ApiTokens, zhucun: Zhucun, client: FlaskClient, accounts: Accounts
):
    token = tokens.issue("county.admin")["token"]
    path = f"/api/v1/summary/{COUNTY}"
    accounts.suspend("county.admin")
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 401
    assert events_named(zhucun, "TokenAccess.Refused")[-1].cause == "account"
    accounts.resume("county.admin")
    assert client.get(path, headers=bearer(token)).status_code == 200
    # A new password ends the sessions, not the tokens (ADR 041).
    accounts.change_password("county.admin", "another-pass-2017")
    assert client.get(path, headers=bearer(token)).status_code == 200


def test_bearer_works_only_under_the_api(tokens: ApiTokens, client: FlaskClient):
    token = tokens.issue("county.admin")["token"]
    page = client.get(f"/units/{COUNTY}", headers=bearer(token))
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def _echo_app(app: Flask) -> Flask:
    """The app with one API route that takes a POST (the API sends no command yet)."""
    from web.auth import login_required, principal

    @login_required
    def echo() -> dict[str, str]:
        who = principal()
        assert who is not None
        return {"username": who.username}

    app.add_url_rule("/api/v1/echo", "echo", echo, methods=["POST"])
    return app


def test_a_bearer_post_needs_no_csrf_token_and_a_cookie_post_does(
    app: Flask, tokens: ApiTokens, net: WebNet
):
    _echo_app(app)
    client = app.test_client()
    token = tokens.issue("county.admin")["token"]
    with_token = client.post("/api/v1/echo", headers=bearer(token))
    assert with_token.status_code == 200
    assert with_token.get_json() == {"username": "county.admin"}

    login(client, "city_admin")
    without = client.post("/api/v1/echo")
    assert without.status_code == 400  # the cookie alone: CSRF refused
    assert without.mimetype == "application/problem+json"
    with_csrf = client.post("/api/v1/echo", data={"csrf_token": csrf_token(client, "/account")})
    assert with_csrf.status_code == 200
    assert with_csrf.get_json() == {"username": "city.admin"}
    # A bad bearer token beside a good cookie is refused, CSRF token or not.
    refused = client.post(
        "/api/v1/echo",
        headers=bearer("zct_" + "C" * 43),
        data={"csrf_token": csrf_token(client, "/account")},
    )
    assert refused.status_code == 401


def test_bearer_failures_do_not_pause_the_accounts_password_logins(
    tokens: ApiTokens, client: FlaskClient, accounts: Accounts
):
    made = tokens.issue("county.admin")
    tokens.revoke(made["id"], actor="test")
    for _ in range(10):
        response = client.get(f"/api/v1/summary/{COUNTY}", headers=bearer(made["token"]))
        assert response.status_code == 401
    assert accounts.login("county.admin", "zhucun-test-2014", "127.0.0.1").username == (
        "county.admin"
    )


# -- the commands API with a token ------------------------------------------------------------


def test_a_token_sends_a_command_without_csrf_inside_its_jurisdiction_only(
    tokens: ApiTokens, client: FlaskClient, zhucun: Zhucun
):
    token = tokens.issue("county.admin")["token"]
    group = f"{VILLAGE_A}009"
    command = {
        "command": "open_unit",
        "args": {"code": group, "name": "九组", "level": "group", "parent": VILLAGE_A},
        "occurred_on": "2014-08-01",
        "reason": "区划调整",
    }
    sent = client.post("/api/v1/commands", data=json.dumps(command), headers=bearer(token))
    assert sent.status_code == 201, sent.get_json()
    assert zhucun.summary(group) is not None
    # A session's cookie beside the token changes nothing: the token's request needs no CSRF.
    login(client, "city_admin")
    second = {**command, "args": {**command["args"], "code": f"{VILLAGE_A}008"}}
    sent = client.post("/api/v1/commands", data=json.dumps(second), headers=bearer(token))
    assert sent.status_code == 201, sent.get_json()
    without_token = client.post("/api/v1/commands", data=json.dumps(second))
    assert without_token.status_code == 400  # the cookie alone: the CSRF header is required
    # The same token, a group under another county's village: refused, nothing written.
    head = zhucun.store.max_position()
    other = {**command, "args": {**command["args"], "code": f"{OTHER_COUNTY}100201009"}}
    other["args"]["parent"] = f"{OTHER_COUNTY}100201"
    refused = client.post("/api/v1/commands", data=json.dumps(other), headers=bearer(token))
    assert refused.status_code == 403
    assert OTHER_COUNTY not in refused.get_data(as_text=True)
    written = [type(e.event).__qualname__ for e in zhucun.store.read_log(head, 100)]
    assert written == ["TokenAccess.Used", "AccessLog.AccessRefused"]
