"""`make demo` serves the pages while the demo loads beside them (ADR 050): the loader keeps
a progress record in the store, the accounts of the city and the county are written with its
first chunk, and every page answers meanwhile with a banner saying how far the load has come,
gone once the load is done. Nothing here is timed: the pages are asked for from inside the
load (its ``progress`` callback), between two chunks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.accounts import DEMO_PASSWORD, add_demo_accounts
from app.bootstrap import Zhucun, bootstrap
from app.demo.load import estimated_events, load_demo
from app.demo.store import finish_progress, load_progress, record_progress
from app.store.clock import SettableClock
from tests.web.builders import FAST_HASHER
from tests.web.conftest import csrf_token, make_app

LOADING_ZH = "演示数据仍在载入"
CITY_PAGE = "/units/210500"


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2019, 6, 30, 4, 0, tzinfo=UTC))  # the demo's earliest today


class Looked(Exception):
    """Ends the load once the pages were seen: the rest of the demo adds nothing here."""


def test_a_page_served_while_the_demo_loads_answers_with_its_progress_and_then_without(
    zhucun: Zhucun, db_url: str, clock: SettableClock
) -> None:
    web = bootstrap(db_url, clock)  # the server's own store, beside the loader's
    client = make_app(web).test_client()
    try:
        assert load_progress(web) is None  # a store the demo never loaded: no banner
        record_progress(zhucun, 0, 0)  # what `demo --background` records before the plan
        planning = client.get("/login").get_data(as_text=True)
        assert "正在规划演示数据的历史" in planning
        form = {"username": "city_admin", "password": DEMO_PASSWORD}
        # Too early: no account yet, and the refused try is recorded; the load goes on.
        early = client.post("/login", data={**form, "csrf_token": csrf_token(client)})
        assert early.status_code == 401 and zhucun.store.max_position() > 0
        total = estimated_events(today=zhucun.today())
        seen: list[int] = []

        def look(written: int) -> None:
            assert load_progress(web) == (written, total)
            sent = {**form, "csrf_token": csrf_token(client)}  # the first chunk's account
            assert client.post("/login", data=sent).status_code == 302
            page = client.get(CITY_PAGE)
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert "<h1>本溪市" in html
            assert f"已写入 {written:,} 条记录，共约 {total:,} 条" in html
            assert "The demo" not in html and "demo_progress" not in html  # no English, no key
            english = client.get(CITY_PAGE + "?lang=en").get_data(as_text=True)
            assert f"{written:,} of about {total:,} events written" in english
            seen.append(written)
            raise Looked

        with pytest.raises(Looked):
            load_demo(
                zhucun,
                progress=look,
                first_chunk=lambda z: add_demo_accounts(z, FAST_HASHER, team=False),
            )
        assert seen and 0 < seen[0] < total
        finish_progress(zhucun)  # what `zhucun demo` does once the load and accounts are in
        done = client.get(CITY_PAGE + "?lang=zh").get_data(as_text=True)
        assert "<h1>本溪市" in done and LOADING_ZH not in done
    finally:
        web.close()
