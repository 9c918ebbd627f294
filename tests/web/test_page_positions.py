"""A page position or month on the web that no log or calendar holds is refused by name (400),
never answered with a server error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.builders import WebNet
from tests.web.conftest import login


@pytest.mark.parametrize(
    "after", [str(2**63), str(10**30), "9" * 5000, "²", "١٢", "-1", "1e3", "0x10"]
)
def test_a_team_history_page_after_a_position_no_log_holds_is_refused(
    net: WebNet, client: FlaskClient, after: str
) -> None:
    response = login(client, "county_admin").get(
        f"/history/team/{net.team}", query_string={"after": after, "lang": "en"}
    )
    assert response.status_code == 400
    assert "after" in response.get_data(as_text=True)


def test_the_largest_position_a_log_holds_answers_an_empty_page(
    net: WebNet, client: FlaskClient
) -> None:
    response = login(client, "county_admin").get(
        f"/history/team/{net.team}", query_string={"after": str(2**63 - 1), "order": "oldest"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12", "99999-01"])
def test_a_month_at_the_ends_of_the_calendar_is_refused(
    net: WebNet, client: FlaskClient, month: str
) -> None:
    response = login(client, "county_admin").get(
        f"/teams/{net.team}", query_string={"month": month, "lang": "en"}
    )
    assert response.status_code == 400
    assert "is not a month" in response.get_data(as_text=True)
