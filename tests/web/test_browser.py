"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
log in, open the dashboard, drill down to a village, change the as-of day, switch language,
and look at the village page at phone width. Screenshots go to the test's output folder
(``$ZHUCUN_TEST_OUTPUT`` if set, else the test's tmp_path)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from app.bootstrap import Zhucun, bootstrap
from app.store.clock import SettableClock
from domain.party import central_household_id
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, apply, cmd
from tests.web.builders import PASSWORD, web_network
from tests.web.conftest import make_app, serving

CHROMIUM = "/usr/bin/chromium"
ON_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not ON_CI, reason=f"{CHROMIUM} is not installed"
    ),
]


def served(tmp_path: Path, build: Callable[[Zhucun], Any]) -> Iterator[str]:
    """The app on a free port, in a thread, over what ``build`` records on SQLite."""
    z: Zhucun = bootstrap(
        f"sqlite:///{tmp_path}/zhucun.db", SettableClock(datetime(2016, 12, 31, 4, tzinfo=UTC))
    )
    build(z)
    try:
        with serving(make_app(z), threaded=False) as base:
            yield base
    finally:
        z.close()


# A phone's screen, as the pages meant for the team members are tried at.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
}


def logged_in(
    chromium: Any, server: str, username: str, landing: str = "**/units/**", **context: Any
) -> Any:
    """A page in a new context of ``chromium`` (``context``: its viewport, a phone's, no
    JavaScript, …), logged in through the login form as ``username``, on the page the login
    leads to (``landing``)."""
    page = chromium.new_context(**context).new_page()
    page.goto(server + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(landing)
    return page


def fits(page: Any) -> None:
    """The page is no wider than a 390 px phone: nothing to scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def _small_network(z: Zhucun) -> None:
    net = web_network(z)
    apply(
        z,
        cmd(
            "link_household",
            on="2015-03-01",
            household=net.households["A1b"],
            central_household=str(central_household_id(UUID(net.households["A1"]))),
        ),
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app over a small network (tests/web/builders.py, one more household linked)."""
    yield from served(tmp_path, _small_network)


@pytest.fixture
def shots(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    base = os.environ.get("ZHUCUN_TEST_OUTPUT")
    folder = (Path(base) if base else tmp_path) / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def test_log_in_drill_down_to_a_village_and_change_the_day(
    server: str, browser: object, shots: Path
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("#username", "county.admin")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"**/units/{COUNTY}")
    assert page.inner_text("h1") == "本溪满族自治县"
    # The chart is drawn by the vendored ECharts from the JSON endpoint.
    page.wait_for_selector("#link-rate-chart[data-ready='true'] svg")
    page.wait_for_selector("#network-map[data-ready='true'] svg")
    page.wait_for_selector("#trend-chart[data-ready='true'] svg")
    page.screenshot(path=shots / "1-county-dashboard.png", full_page=True)

    page.click(f"#child-{TOWNSHIP} a")
    page.wait_for_url(f"**/units/{TOWNSHIP}")
    page.click(f"#child-{VILLAGE_A} a")
    page.wait_for_url(f"**/units/{VILLAGE_A}")
    assert page.inner_text("h1") == "甲村"
    assert "甲村一组" in page.inner_text("#children")
    assert "没有为民服务点的村民小组" in page.inner_text("#gaps")
    linked_today = page.inner_text("#households")
    assert "已联系\t2" in linked_today or "已联系 2" in linked_today.replace("\n", " ")
    page.screenshot(path=shots / "2-village-today.png", full_page=True)

    # A type of blind spot: htmx replaces only the list, the page around it stays.
    page.evaluate("window.stillTheSamePage = true")
    page.click("#gaps-group_without_point a")
    page.wait_for_url("**gap=group_without_point**")
    page.wait_for_selector("#gap-list >> text=没有为民服务点的村民小组")
    assert page.evaluate("window.stillTheSamePage === true")
    assert "未联系党员中心户的户" not in page.inner_text("#gaps")
    page.screenshot(path=shots / "2b-village-one-gap-type.png", full_page=True)
    page.click("#gap-section >> text=全部类型")
    page.wait_for_selector("#gaps >> text=未联系党员中心户的户")
    assert page.evaluate("window.stillTheSamePage === true")

    page.fill("#as_of", "2015-01-01")
    page.click("form.lookup button")
    page.wait_for_url("**as_of=2015-01-01")
    assert "2015年1月1日" in page.inner_text("#as-of-shown")
    linked_then = page.inner_text("#households").replace("\n", " ").replace("\t", " ")
    assert "已联系 1" in linked_then
    page.screenshot(path=shots / "3-village-2015-01-01.png", full_page=True)

    page.click("text=English")
    assert page.inner_text("h2 >> nth=0") == "Coverage"
    assert "Jan 1, 2015" in page.inner_text("#as-of-shown")
    page.screenshot(path=shots / "4-village-english.png", full_page=True)

    page.click("form.logout button")
    page.wait_for_url("**/login")
    assert len(list(shots.glob("*.png"))) == 5


def test_village_page_fits_a_phone(server: str, browser: object, shots: Path):
    page = logged_in(browser, server, "team.member", f"**/units/{VILLAGE_A}", **PHONE)
    page.wait_for_selector("#link-rate-chart[data-ready='true'] svg")
    fits(page)
    page.screenshot(path=shots / "village-phone.png", full_page=True)
    # A team member opening another village is refused.
    response = page.goto(server + "/units/210521100202")
    assert response is not None and response.status == 403
    page.context.close()
