"""A team member's account bound to the cadre it is (``users add --cadre``, ``users bind``),
on both engines: only a team member's, only to a member of its own team, the id however typed,
refusals by name that write nothing, binding again changing nothing, and the principal of a
login carrying the cadre."""

from __future__ import annotations

from uuid import UUID

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.cli.main import cli
from domain.account_errors import AccountNotFoundError, CadreNotAllowedError, CadreNotOnTeamError
from domain.errors import CadreNotFoundError, InvalidInputError, ZhucunError
from domain.residency import member_month_id
from tests.builders import VILLAGE_A
from tests.team_builders import LEADER, MEMBER, SPARE_LEADER, cid
from tests.web.builders import IP, PASSWORD, WebNet, events_named
from tests.web.conftest import csrf_token, login


def test_a_team_member_added_with_the_cadre_it_is_logs_in_as_that_cadre(
    net: WebNet, accounts: Accounts
):
    added = accounts.add(
        "li.member", "team_member", VILLAGE_A, PASSWORD, team=net.team, cadre=cid(MEMBER)
    )
    assert added["cadre"] == cid(MEMBER)
    assert accounts.login("li.member", PASSWORD, IP).cadre_id == cid(MEMBER)


@pytest.mark.parametrize(
    "typed", [f"  {cid(LEADER)}\t", cid(LEADER).upper(), cid(LEADER).replace("0", "０")]
)
def test_an_account_is_bound_to_its_cadre_however_the_id_is_typed(
    net: WebNet, accounts: Accounts, typed: str
):
    assert accounts.bind_cadre("team.member", typed)["cadre"] == cid(LEADER)


def test_binding_again_to_the_same_cadre_records_nothing(
    zhucun: Zhucun, net: WebNet, accounts: Accounts
):
    accounts.bind_cadre("team.member", cid(MEMBER))
    accounts.bind_cadre("team.member", cid(MEMBER))
    assert len(events_named(zhucun, "Account.BoundToCadre")) == 1


@pytest.mark.parametrize(
    ("username", "cadre", "error"),
    [
        ("county.admin", cid(MEMBER), CadreNotAllowedError),  # not a team member's account
        ("team.member", cid(99), CadreNotFoundError),
        ("team.member", "not-an-id", InvalidInputError),
        ("nobody", cid(MEMBER), AccountNotFoundError),
    ],
)
def test_a_wrong_binding_is_refused_by_name_and_writes_nothing(
    zhucun: Zhucun, net: WebNet, accounts: Accounts, username: str, cadre: str, error: type
):
    before = zhucun.store.max_position()
    with pytest.raises(error) as refused:
        accounts.bind_cadre(username, cadre)
    assert isinstance(refused.value, ZhucunError) and refused.value.field in ("cadre", "username")
    assert zhucun.store.max_position() == before


def test_a_cadre_never_on_the_account_s_team_is_refused(
    zhucun: Zhucun, net: WebNet, accounts: Accounts
):
    before = zhucun.store.max_position()
    with pytest.raises(CadreNotOnTeamError):
        accounts.bind_cadre("team.member", cid(SPARE_LEADER))  # registered, on no team
    assert zhucun.store.max_position() == before


def test_the_command_line_binds_and_says_so(db_url: str, net: WebNet):
    result = CliRunner().invoke(
        cli, ["--db", db_url, "users", "bind", "team.member", "--cadre", cid(MEMBER)]
    )
    assert result.exit_code == 0, result.output
    assert f"bound team.member to cadre {cid(MEMBER)}" in result.output


def test_a_bound_team_member_checks_in_as_its_cadre_without_choosing(
    zhucun: Zhucun, net: WebNet, accounts: Accounts, client: FlaskClient
):
    accounts.bind_cadre("team.member", cid(MEMBER))
    login(client, "team_member")
    path = f"/teams/{net.team}/record/check-in"
    html = client.get(path).get_data(as_text=True)
    assert 'id="own-cadre"' in html and "李队员" in html
    assert '<select id="cadre"' not in html and 'name="cadre"' not in html
    # Another member's id sent by hand changes nothing: the account is its cadre.
    sent = client.post(
        path, data={"csrf_token": csrf_token(client, path), "cadre": cid(LEADER), "reason": "签到"}
    )
    assert sent.status_code == 302
    (checked,) = events_named(zhucun, "MemberMonth.CheckedIn")
    month = zhucun.today().isoformat()[:7]
    assert checked.originator_id == member_month_id(UUID(cid(MEMBER)), month)


def test_an_unbound_team_member_still_chooses_from_the_roster(net: WebNet, client: FlaskClient):
    html = login(client, "team_member").get(f"/teams/{net.team}/record/check-in")
    assert 'name="cadre"' in html.get_data(as_text=True)
