"""A team member's day on a 390 px phone, end to end in headless Chromium: the account is the
cadre (users bind), so checking in today and writing the diary name nobody; a household found
by its head's pinyin initials in the search box opens its page, whose "record a visit" opens
the visit form with that household chosen; each save says what was recorded, and the page
never grows wider than the phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.accounts import Accounts
from app.bootstrap import Zhucun
from tests.builders import GROUP_A1, apply, hid, household
from tests.team_builders import MEMBER, cid
from tests.web.builders import FAST_HASHER, web_network
from tests.web.test_browser import (  # noqa: F401
    PHONE,
    browser,
    fits,
    logged_in,
    pytestmark,
    served,
    shots,
)

TEAM = "00000000-0000-0000-0003-000000000001"
FOUND = 31  # 王桂兰's household, found by "wgl"


def _day(z: Zhucun) -> None:
    web_network(z)
    apply(z, household(FOUND, GROUP_A1, "王桂兰", 3))
    Accounts(z, hasher=FAST_HASHER).bind_cadre("team.member", cid(MEMBER))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, _day)


def test_a_team_member_checks_in_writes_the_diary_and_visits_a_household_found_by_search(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page = logged_in(browser, server, "team.member", **PHONE)

    page.goto(f"{server}/teams/{TEAM}")
    page.click("#team-actions >> text=今日签到")
    page.wait_for_url(f"**/teams/{TEAM}/record/check-in")
    assert page.inner_text("#own-cadre") == "李队员"  # the account is the cadre: no list
    assert page.locator("#cadre").count() == 0
    fits(page)
    page.click("button.primary")
    page.wait_for_url(f"**/teams/{TEAM}")
    assert "已记录" in page.inner_text("p.flash")
    page.screenshot(path=shots / "1-checked-in.png", full_page=True)

    page.click("#team-actions >> text=写民情日记")
    page.fill("#text", "走访二组，了解灌溉渠修缮意见")
    page.click("button.primary")
    page.wait_for_url(f"**/teams/{TEAM}")
    assert "已记录" in page.inner_text("p.flash")

    page.fill("form.nav-search input[name=q]", "wgl")
    page.press("form.nav-search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=wgl")
    fits(page)
    page.screenshot(path=shots / "2-found-by-initials.png", full_page=True)
    page.click("#search-results a >> text=王桂兰")
    page.wait_for_url(f"**/households/{hid(FOUND)}")
    page.click("#record-visit")
    page.wait_for_url(f"**/teams/{TEAM}/record/visit-household**")
    assert page.input_value("#household") == hid(FOUND)  # chosen already
    page.fill("#note", "询问种植意向")
    page.click("button.primary")
    page.wait_for_url(f"**/teams/{TEAM}")
    assert "已记录" in page.inner_text("p.flash")
    fits(page)
    page.screenshot(path=shots / "3-visit-recorded.png", full_page=True)
    page.goto(f"{server}/households/{hid(FOUND)}")
    visits = page.inner_text("#household div:has(> dt:text-is('工作队走访次数')) dd")
    assert visits.strip() == "1"  # the visit just recorded
    page.context.close()
