"""Accounts: adding, refusing bad input whole, logging in, the failed-login limit, the CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.cli.main import cli
from app.store.clock import SettableClock
from domain.account_errors import (
    AccountNotFoundError,
    CommonPasswordError,
    DemoPasswordError,
    DuplicateUsernameError,
    EmptyPasswordError,
    InvalidUsernameError,
    LoginFailedError,
    RoleUnitLevelError,
    TeamNotAllowedError,
    TeamNotInVillageError,
    TeamRequiredError,
    TooManyFailedLoginsError,
    UnknownRoleError,
    WeakPasswordError,
)
from domain.accounts import AccessLog, Account, Role, common_passwords
from domain.errors import TeamNotFoundError, UnitNotFoundError, ZhucunError
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, answer
from tests.team_builders import second_team
from tests.web.builders import IP, PASSWORD, WebNet, events_named


def test_one_account_per_role_is_listed_with_its_unit(net: WebNet, accounts: Accounts):
    listed = {a["username"]: a for a in accounts.list()}
    assert {a["role"] for a in listed.values()} == {r.value for r in Role}
    assert listed["county.admin"]["unit"] == COUNTY
    assert listed["team.member"]["team"] == net.team
    assert listed["team.member"]["role_zh"] == "工作队队员"
    assert all(a["last_login_at"] is None for a in listed.values())


def test_password_is_stored_only_as_an_argon2_hash(net: WebNet, zhucun: Zhucun):
    (added,) = [e for e in events_named(zhucun, "Account.Added") if e.username == "city.admin"]
    assert added.password_hash.startswith("$argon2id$")
    assert PASSWORD not in added.password_hash


@pytest.mark.parametrize(
    ("args", "error", "field"),
    [
        ({"role": "mayor"}, UnknownRoleError, "role"),
        ({"unit": "210599"}, UnitNotFoundError, "unit"),
        ({"username": "city.admin"}, DuplicateUsernameError, "username"),
        ({"username": "X"}, InvalidUsernameError, "username"),
        ({"password": ""}, EmptyPasswordError, "password"),
        ({"password": "short1"}, WeakPasswordError, "password"),
        ({"password": "1234567890123"}, WeakPasswordError, "password"),
        ({"password": "aaaaaaaaaaaa"}, WeakPasswordError, "password"),
        ({"password": "new.clerk-2014"}, WeakPasswordError, "password"),
        ({"role": "county_admin", "unit": TOWNSHIP}, RoleUnitLevelError, "unit"),
        ({"role": "team_member", "unit": VILLAGE_A}, TeamRequiredError, "team"),
        ({"team": "team"}, TeamNotAllowedError, "team"),
    ],
)
def test_bad_input_is_refused_whole_naming_the_field(
    net: WebNet, accounts: Accounts, zhucun: Zhucun, args: dict, error: type, field: str
):
    if args.get("team") == "team":
        args = {**args, "team": net.team}
    given = {
        "username": "new.clerk",
        "role": "township_officer",
        "unit": TOWNSHIP,
        "password": "good-pass-2014",
        **args,
    }
    before = zhucun.store.max_position()
    with pytest.raises(error) as refused:
        accounts.add(
            given["username"],
            given["role"],
            given["unit"],
            given["password"],
            team=given.get("team"),
        )
    assert refused.value.field == field
    assert refused.value.zh and refused.value.en and refused.value.zh != refused.value.en
    assert zhucun.store.max_position() == before


def test_team_member_is_bound_to_its_own_team_village(
    net: WebNet, accounts: Accounts, zhucun: Zhucun
):
    with pytest.raises(TeamNotInVillageError):
        accounts.add("b.member", "team_member", VILLAGE_B, "good-pass-2014", team=net.team)
    with pytest.raises(TeamNotFoundError):
        accounts.add(
            "b.member",
            "team_member",
            VILLAGE_B,
            "good-pass-2014",
            team="00000000-0000-0000-0003-000000000099",
        )
    team_b = second_team(zhucun)
    added = accounts.add("b.member", "team_member", VILLAGE_B, "good-pass-2014", team=team_b)
    assert added["team"] == team_b


def test_login_records_the_event_and_gives_the_accounts_unit(
    net: WebNet, accounts: Accounts, zhucun: Zhucun
):
    principal = accounts.login("County.Admin ", PASSWORD, IP)
    assert principal.username == "county.admin" and principal.role is Role.COUNTY_ADMIN
    assert principal.unit_code == COUNTY and principal.unit_path.endswith(f"/{COUNTY}/")
    (logged,) = events_named(zhucun, "AccessLog.LoggedIn")
    assert (logged.username, logged.address, logged.actor_role) == (
        "county.admin",
        IP,
        "county_admin",
    )
    assert accounts.describe("county.admin")["last_login_at"] is not None
    accounts.logout(principal, IP)
    assert len(events_named(zhucun, "AccessLog.LoggedOut")) == 1


@pytest.mark.parametrize(
    ("username", "cause"), [("city.admin", "wrong_password"), ("ghost", "unknown_user")]
)
def test_failed_login_says_nothing_about_which_part_was_wrong(
    net: WebNet, accounts: Accounts, zhucun: Zhucun, username: str, cause: str
):
    with pytest.raises(LoginFailedError) as refused:
        accounts.login(username, "not-the-password", IP)
    assert refused.value.en == "wrong username or password"
    (failed,) = events_named(zhucun, "AccessLog.LoginFailed")
    assert (failed.username, failed.cause) == (username, cause)


def test_five_failures_pause_logins_from_that_address_for_fifteen_minutes(
    net: WebNet, accounts: Accounts, zhucun: Zhucun, clock: SettableClock
):
    for _ in range(5):
        with pytest.raises(LoginFailedError):
            accounts.login("city.admin", "wrong-password", IP)
    with pytest.raises(TooManyFailedLoginsError) as paused:
        accounts.login("city.admin", PASSWORD, IP)  # even the right password
    assert "15" in paused.value.zh and "15 minutes" in paused.value.en
    # Another address, or another account, is not held back.
    assert accounts.login("city.admin", PASSWORD, "10.0.0.8").username == "city.admin"
    assert accounts.login("county.admin", PASSWORD, IP).username == "county.admin"
    # Counted from the recorded events: a second service on the same store agrees.
    with pytest.raises(TooManyFailedLoginsError):
        Accounts(zhucun).login("city.admin", PASSWORD, IP)
    clock.advance(timedelta(minutes=16))
    assert accounts.login("city.admin", PASSWORD, IP).username == "city.admin"
    causes = [e.cause for e in events_named(zhucun, "AccessLog.LoginFailed")]
    assert causes == ["wrong_password"] * 5 + ["rate_limited"] * 2


def test_a_successful_login_clears_the_count(net: WebNet, accounts: Accounts):
    for _ in range(4):
        with pytest.raises(LoginFailedError):
            accounts.login("city.admin", "wrong-password", IP)
    accounts.login("city.admin", PASSWORD, IP)
    for _ in range(4):
        with pytest.raises(LoginFailedError):
            accounts.login("city.admin", "wrong-password", IP)
    assert accounts.login("city.admin", PASSWORD, IP).username == "city.admin"


def test_new_password_ends_sessions_opened_with_the_old(
    net: WebNet, accounts: Accounts, zhucun: Zhucun
):
    before = accounts.login("city.auditor", PASSWORD, IP)
    accounts.change_password("city.auditor", "another-pass-2015")
    assert accounts.principal("city.auditor", before.version) is None
    with pytest.raises(LoginFailedError):
        accounts.login("city.auditor", PASSWORD, IP)
    assert accounts.login("city.auditor", "another-pass-2015", IP).version == before.version + 1
    (changed,) = events_named(zhucun, "Account.PasswordChanged")
    assert isinstance(changed, Account.PasswordChanged)
    with pytest.raises(AccountNotFoundError):
        accounts.change_password("nobody", "another-pass-2015")
    with pytest.raises(WeakPasswordError):
        accounts.change_password("city.auditor", "short")


def test_refused_access_is_recorded(net: WebNet, accounts: Accounts, zhucun: Zhucun):
    principal = accounts.login("county.admin", PASSWORD, IP)
    accounts.refuse(principal, IP, "GET", "/units/210522", "outside_jurisdiction")
    (refused,) = events_named(zhucun, "AccessLog.AccessRefused")
    assert isinstance(refused, AccessLog.AccessRefused)
    assert (refused.username, refused.path, refused.why) == (
        "county.admin",
        "/units/210522",
        "outside_jurisdiction",
    )


def test_principal_covers_only_its_subtree(net: WebNet, accounts: Accounts):
    county = accounts.login("county.admin", PASSWORD, IP)
    assert county.covers(accounts.unit_path(VILLAGE_A) or "")
    assert not county.covers(accounts.unit_path(CITY) or "")
    assert not county.covers(accounts.unit_path("210522") or "")


def test_read_models_rebuilt_from_the_log_equal_the_incremental_ones(
    net: WebNet, accounts: Accounts, zhucun: Zhucun
):
    accounts.login("city.admin", PASSWORD, IP)
    with pytest.raises(ZhucunError):
        accounts.login("city.admin", "wrong-password", IP)
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def run(db_url: str, net: WebNet):
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(cli, ["--db", db_url, *args], input=stdin)

    return invoke


def test_cli_adds_lists_and_changes_a_password(run, zhucun: Zhucun):
    r = run(
        "users",
        "add",
        "--username",
        "li.officer",
        "--role",
        "township_officer",
        "--unit",
        TOWNSHIP,
        "--password-stdin",
        stdin="li-password-2014\n",
    )
    assert r.exit_code == 0, r.output
    assert "li.officer" in r.output and "township_officer" in r.output
    r = run("users", "list", "--json")
    listed = {a["username"]: a for a in answer(r.output)}
    assert listed["li.officer"]["unit"] == TOWNSHIP and len(listed) == 7
    assert "li-password" not in r.output and "argon2" not in r.output
    r = run(
        "users", "passwd", "--username", "li.officer", "--password-stdin", stdin="new-pw-2015x\n"
    )
    assert r.exit_code == 0, r.output
    assert Accounts(zhucun).login("li.officer", "new-pw-2015x", IP).username == "li.officer"
    r = run("users", "list")
    assert r.exit_code == 0 and "7 account(s)" in r.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss", "--unit", CITY], "good-pass-2014\n", "unknown_role [role]"),
        (["--role", "city_admin", "--unit", "210599"], "good-pass-2014\n", "unit_not_found [unit]"),
        (["--role", "city_admin", "--unit", CITY], "\n", "empty_password [password]"),
        (["--role", "city_admin", "--unit", CITY], "abc\n", "weak_password [password]"),
        (["--role", "city_admin", "--unit", CITY], "basketball\n", "common_password [password]"),
        (["--role", "city_admin", "--unit", CITY], "zhucun-demo\n", "demo_password [password]"),
    ],
)
def test_cli_refusals_exit_1_in_both_languages(run, args, stdin, message):
    r = run("users", "add", "--username", "new.one", *args, "--password-stdin", stdin=stdin)
    assert r.exit_code == 1
    assert message in r.output and " / " in r.output


def test_cli_duplicate_username_is_refused(run):
    r = run(
        "users",
        "add",
        "--username",
        "city.admin",
        "--role",
        "city_admin",
        "--unit",
        CITY,
        "--password-stdin",
        stdin="good-pass-2014\n",
    )
    assert r.exit_code == 1 and "duplicate_username [username]" in r.output


def test_cli_password_only_from_stdin(run):
    r = run("users", "add", "--username", "a.b", "--role", "city_admin", "--unit", CITY)
    assert r.exit_code == 2


# -- passwords a guesser tries first ----------------------------------------------------------


def test_the_vendored_list_holds_at_least_ten_thousand_common_passwords():
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"password", "123456", "qwertyuiop", "iloveyou1", "password123"} <= listed


@pytest.mark.parametrize("password", ["qwertyuiop", "Password123", "1q2w3e4r5t", "BASKETBALL"])
def test_a_common_password_is_refused_by_name_and_nothing_is_written(
    net: WebNet, accounts: Accounts, zhucun: Zhucun, password: str
):
    before = zhucun.store.max_position()
    with pytest.raises(CommonPasswordError) as refused:
        accounts.add("new.clerk", "city_admin", CITY, password)
    assert refused.value.field == "password"
    assert "密码" in refused.value.zh and "password" in refused.value.en
    with pytest.raises(CommonPasswordError):
        accounts.change_password("city.admin", password)
    assert zhucun.store.max_position() == before


def test_the_published_demo_password_is_refused_outside_the_demo(
    net: WebNet, accounts: Accounts, zhucun: Zhucun
):
    before = zhucun.store.max_position()
    with pytest.raises(DemoPasswordError) as refused:
        accounts.add("new.clerk", "city_admin", CITY, "zhucun-demo")
    assert refused.value.field == "password"
    assert "演示密码" in refused.value.zh and "demo password" in refused.value.en
    with pytest.raises(DemoPasswordError):
        accounts.change_password("city.admin", "zhucun-demo")
    assert zhucun.store.max_position() == before
    added = accounts.add("demo.clerk", "city_admin", CITY, "zhucun-demo", demo=True)
    assert added["username"] == "demo.clerk"
