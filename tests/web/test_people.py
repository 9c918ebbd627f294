"""The bottom of the drill-down through the Flask test client, on both engines: a villager
group's people (households with their link and central household, party members with their
role, central households with their load) and a central household's page (party member,
linked households with their link days, count against the rule's maximum, vacant,
overloaded, blind spots with their cause), each on the as-of day."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun, bootstrap
from app.store.clock import SettableClock
from domain.party import central_household_id
from domain.rules import RuleSet
from tests.builders import GROUP_A1, VILLAGE_A, apply, cmd, hid, household, mid
from tests.web.builders import WebNet, found, web_network
from tests.web.conftest import login, make_app

CH = str(central_household_id(UUID(hid(1))))  # 王大's household, designated 2014-06-02


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    net = web_network(zhucun)
    apply(
        zhucun,
        cmd("link_household", on="2014-07-01", household=hid(2), central_household=CH),
        cmd("party_member_joined", on="2014-08-01", name="李二", household=hid(2), id=mid(2)),
    )
    return net


def section(html: str, table_id: str) -> str:
    return found(
        rf'<table class="summary" id="{table_id}">(.*?)</table>', html, f"table {table_id}"
    )


def row(html: str, row_id: str) -> str:
    return found(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, f"row {row_id}")


def test_villager_group_page_lists_its_households_with_link_and_central_household(
    net: WebNet, client: FlaskClient
):
    html = login(client, "township_officer").get(f"/units/{GROUP_A1}").get_data(as_text=True)
    households = section(html, "household-list")
    own = row(households, f"household-{hid(1)}")
    assert "王大" in own and "本身是党员中心户" in own
    assert f'href="/central-households/{CH}"' in own
    linked = row(households, f"household-{hid(2)}")
    assert f'href="/households/{hid(2)}"' in linked
    assert f'href="/central-households/{CH}"' in linked and "2014年7月1日" in linked
    assert "张三" not in households  # group A2
    centrals = section(html, "central-household-list")
    assert "王大" in row(centrals, f"ch-{CH}") and "1 / 15" in row(centrals, f"ch-{CH}")


def test_villager_group_page_lists_party_members_with_their_role(net: WebNet, client: FlaskClient):
    html = login(client, "team_member").get(f"/units/{GROUP_A1}").get_data(as_text=True)
    members = section(html, "party-member-list")
    assert "持有党员中心户" in row(members, f"member-{mid(1)}")
    assert f'href="/central-households/{CH}"' in row(members, f"member-{mid(1)}")
    assert "无角色" in row(members, f"member-{mid(2)}")


def test_villager_group_page_shows_its_people_as_of_the_day(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    html = client.get(f"/units/{GROUP_A1}?as_of=2014-06-20&lang=en").get_data(as_text=True)
    households = section(html, "household-list")
    assert "Not linked" in row(households, f"household-{hid(2)}")
    assert f'href="/central-households/{CH}?as_of=2014-06-20"' in households
    assert "李二" not in section(html, "party-member-list")  # joined on 2014-08-01
    before = client.get(f"/units/{GROUP_A1}?as_of=2014-05-01&lang=en").get_data(as_text=True)
    assert "No central household on this day." in before


def test_village_page_lists_its_central_households_only(net: WebNet, client: FlaskClient):
    html = login(client, "township_officer").get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    assert f'href="/central-households/{CH}"' in section(html, "central-household-list")
    assert 'id="household-list"' not in html


def test_central_household_page_shows_member_links_count_and_history(
    net: WebNet, client: FlaskClient
):
    response = login(client, "team_member").get(f"/central-households/{CH}?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "王大" in found(r'id="ch-member">(.*?)</dd>', html)
    assert re.search(r'id="ch-count"[^>]*>1 / 15', html)
    assert "Serving" in found(r'id="ch-state">(.*?)</dd>', html)
    linked = row(section(html, "linked"), f"household-{hid(2)}")
    assert "李二" in linked and "Jul 1, 2014" in linked
    assert f'href="/history/id/{CH}"' in html
    trail = found(r'<nav class="trail"[^>]*>(.*?)</nav>', html)
    assert f'href="/units/{VILLAGE_A}"' in trail and f'href="/units/{GROUP_A1}"' in trail
    assert 'href="/units/210500"' not in trail  # above the team member's village


def test_central_household_page_follows_the_as_of_day(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    early = client.get(f"/central-households/{CH}?as_of=2014-06-20&lang=en")
    assert "No household linked on this day." in early.get_data(as_text=True)
    before = client.get(f"/central-households/{CH}?as_of=2014-06-01&lang=en")
    assert before.status_code == 200
    assert 'id="not-designated"' in before.get_data(as_text=True)


def test_a_vacant_central_household_shows_its_blind_spot_with_the_cause(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    apply(zhucun, cmd("party_member_died", on="2015-03-01", party_member=mid(1)))
    login(client, "township_officer")
    html = client.get(f"/central-households/{CH}?lang=en").get_data(as_text=True)
    assert 'id="ch-vacant"' in html
    gaps = section(html, "gaps")
    assert "Vacant central households" in gaps and "Died" in gaps and "Mar 1, 2015" in gaps
    # the day before, it served
    served = client.get(f"/central-households/{CH}?as_of=2015-02-28&lang=en")
    assert 'id="ch-vacant"' not in served.get_data(as_text=True)


def test_an_overloaded_central_household_is_flagged_against_the_rule(tmp_path):
    clock = SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC))
    rules = RuleSet(version="test-1", max_linked_per_central_household=1)
    z = bootstrap(f"sqlite:///{tmp_path}/zhucun.db", clock, rules)
    try:
        web_network(z)
        apply(
            z,
            cmd("link_household", on="2014-07-01", household=hid(2), central_household=CH),
            household(5, GROUP_A1, "周五", 2),
            cmd("link_household", on="2014-09-01", household=hid(5), central_household=CH),
        )
        client = make_app(z).test_client()
        login(client, "city_admin")
        html = client.get(f"/central-households/{CH}?lang=en").get_data(as_text=True)
        assert 'id="ch-overloaded"' in html and re.search(r'id="ch-count"[^>]*>2 / 1', html)
        assert "Overloaded central households" in section(html, "gaps")
        august = client.get(f"/central-households/{CH}?as_of=2014-08-01&lang=en")
        assert 'id="ch-overloaded"' not in august.get_data(as_text=True)
        group = client.get(f"/units/{GROUP_A1}?lang=en").get_data(as_text=True)
        assert "Overloaded" in row(section(group, "central-household-list"), f"ch-{CH}")
    finally:
        z.close()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/central-households/not-an-id", 400),
        ("/central-households/00000000-0000-0000-0000-00000000ffff", 404),
        (f"/central-households/{CH}?as_of=2099-01-01", 400),
    ],
)
def test_bad_central_household_addresses_are_refused_with_a_reason(
    net: WebNet, client: FlaskClient, path: str, status: int
):
    response = login(client, "city_admin").get(path)
    assert response.status_code == status


def test_a_central_household_outside_the_jurisdiction_is_refused(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    apply(
        zhucun,
        cmd("party_member_joined", name="赵四", household=hid(4), id=mid(4)),
        cmd("designate_central_household", on="2014-06-02", party_member=mid(4)),
    )
    other = str(central_household_id(UUID(hid(4))))
    response = login(client, "team_member").get(f"/central-households/{other}")
    assert response.status_code == 403
