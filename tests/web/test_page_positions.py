"""A page position or month on the web that no log or calendar holds is refused by name (400),
never answered with a server error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.builders import WebNet
from tests.web.conftest import login


def refused(client: FlaskClient, path: str, **query: str) -> str:
    """The English page ``path`` asked by the county admin: refused (400); its text."""
    response = login(client, "county_admin").get(path, query_string={**query, "lang": "en"})
    assert response.status_code == 400
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "after", [str(2**63), str(10**30), "9" * 5000, "²", "١٢", "-1", "1e3", "0x10"]
)
def test_a_team_history_page_after_a_position_no_log_holds_is_refused(
    net: WebNet, client: FlaskClient, after: str
) -> None:
    assert "after" in refused(client, f"/history/team/{net.team}", after=after)


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
    assert "is not a month" in refused(client, f"/teams/{net.team}", month=month)
