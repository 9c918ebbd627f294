"""A read model stopped by an event it cannot apply is named on every page, in the page's
language, while the pages go on answering."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.builders import CITY
from tests.test_projection_faults import poison
from tests.web.builders import web_network
from tests.web.conftest import login


def test_every_page_names_a_stopped_read_model_in_its_language(
    zhucun: Zhucun, client: FlaskClient
) -> None:
    web_network(zhucun)
    login(client, "city_admin")
    assert "stop before log entry" not in client.get(f"/units/{CITY}?lang=en").get_data(True)
    at = poison(zhucun)
    zh = client.get(f"/units/{CITY}?lang=zh")
    assert zh.status_code == 200
    assert f"单位、农户和党员的数据停在日志第 {at} 条之前" in zh.get_data(as_text=True)
    en = client.get(f"/units/{CITY}?lang=en").get_data(as_text=True)
    assert f"units, households and party members stop before log entry {at}" in en
