"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright), at
phone width: a team member logs in, opens the team page, records today's check-in with one
tap (the position filled from the browser's), and sees the day and the place on the member's
residency calendar; a second tap is refused beside the
day; the team's history; another as-of day. Screenshots go to the test's output folder
(``$ZHUCUN_TEST_OUTPUT`` if set, else the test's tmp_path)."""

from __future__ import annotations

from pathlib import Path

from tests.team_builders import MEMBER, cid
from tests.web.test_browser import (  # noqa: F401
    PHONE,
    browser,
    fits,
    logged_in,
    pytestmark,
    server,
    shots,
)

TEAM = "00000000-0000-0000-0003-000000000001"
TODAY = "2016-12-31"  # the server's clock


def test_a_team_member_checks_in_from_a_phone_and_sees_it_on_the_team_page(
    server: str,  # noqa: F811
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    here = {"latitude": 41.29, "longitude": 124.12}
    page = logged_in(
        browser, server, "team.member", **PHONE, geolocation=here, permissions=["geolocation"]
    )

    page.click("nav.account >> text=驻村工作队")
    page.wait_for_url("**/teams")
    page.click(f"#team-{TEAM} a.team-name")
    page.wait_for_url(f"**/teams/{TEAM}")
    member = f"#month-{cid(MEMBER)}"
    assert (
        "in" not in (page.get_attribute(f"{member} li[data-day='{TODAY}']", "class") or "").split()
    )
    fits(page)
    page.screenshot(path=shots / "1-team-page-before.png", full_page=True)

    page.click("#team-actions >> text=今日签到")
    page.wait_for_url(f"**/teams/{TEAM}/record/check-in")
    page.select_option("#cadre", cid(MEMBER))
    page.fill("#place", "甲村村部")
    page.click("#geo-fill")  # the browser's position, allowed in this context
    page.wait_for_function("document.getElementById('lon').value !== ''")
    assert (page.input_value("#lat"), page.input_value("#lon")) == ("41.29000", "124.12000")
    fits(page)
    page.screenshot(path=shots / "2-check-in-form.png", full_page=True)
    page.click("#record-form button[type=submit]")
    page.wait_for_url(f"**/teams/{TEAM}")
    assert "已记录：今日签到" in page.inner_text("p.flash")
    day = page.get_attribute(f"{member} li[data-day='{TODAY}']", "class") or ""
    assert "in" in day.split()
    where = page.get_attribute(f"{member} li[data-day='{TODAY}']", "title") or ""
    assert "甲村村部 (41.29000, 124.12000)" in where
    assert page.inner_text(f"{member} b.checked-in") == "1"
    fits(page)
    page.locator(member).scroll_into_view_if_needed()
    page.screenshot(path=shots / "3-team-page-after.png", full_page=True)

    # The member is remembered: one tap checks in again, and the domain refuses it by name.
    page.goto(f"{server}/teams/{TEAM}/record/check-in")
    assert page.input_value("#cadre") == cid(MEMBER)
    page.click("#record-form button[type=submit]")
    assert "已签到过" in page.inner_text("#occurred_on-error")
    fits(page)
    page.screenshot(path=shots / "4-refused-beside-the-day.png", full_page=True)

    # The history of the team shows the check-in: who, when, why.
    page.goto(f"{server}/history/team/{TEAM}")
    first = page.inner_text("#timeline li.entry >> nth=0")
    assert "驻村签到" in first and "team.member" in first
    fits(page)
    page.screenshot(path=shots / "5-team-history.png", full_page=True)

    # Another day on the team page: before the dispatch there is no roster.
    page.goto(f"{server}/teams/{TEAM}")
    page.fill("#as_of", "2014-05-01")
    page.click("form.lookup button")
    page.wait_for_url("**as_of=2014-05-01")
    assert page.is_visible("#not-serving") and not page.is_visible("#roster")
    assert "2014年5月1日" in page.inner_text("#as-of-shown")
    page.screenshot(path=shots / "6-team-before-dispatch.png", full_page=True)
    page.context.close()
    assert len(list(shots.glob("*.png"))) == 6
