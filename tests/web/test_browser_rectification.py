"""End to end in a real headless Chromium: a county admin assigns a blind spot (a household
not linked to a central household) for rectification, to a named person by a day; a township
officer links the household; the county admin finds the rectification closed, credited with
that link, and counted on the county's page. Screenshots go to the test's output folder."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from domain.party import central_household_id
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, hid
from tests.web.test_browser import browser, logged_in, pytestmark, server, shots  # noqa: F401

ZHANG = hid(3)  # 张三's household, village A: not linked


def log_in(chromium: object, username: str, base: str) -> object:
    return logged_in(chromium, base, username, viewport={"width": 1280, "height": 900})


def test_a_county_admin_assigns_a_gap_and_sees_it_closed_by_the_link(
    server: str,  # noqa: F811
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    admin = log_in(browser, "county.admin", server)
    admin.goto(f"{server}/units/{TOWNSHIP}/gaps?type=unlinked_household")  # type: ignore[attr-defined]
    row = admin.locator("tr.gap", has_text="张三")  # type: ignore[attr-defined]
    assert "未交办" not in row.inner_text()  # the admin is offered the form instead
    row.locator("a.assign").click()
    admin.wait_for_url("**/gaps/assign**")  # type: ignore[attr-defined]
    assert admin.inner_text("#gap-subject") == "张三"  # type: ignore[attr-defined]
    # A due day before the day of assignment is refused beside its field, nothing recorded.
    admin.fill("#assignee", "王五")  # type: ignore[attr-defined]
    admin.fill("#due_on", "2016-12-01")  # type: ignore[attr-defined]
    admin.click("#assign-submit")  # type: ignore[attr-defined]
    assert "早于交办日期" in admin.inner_text("#due_on-error")  # type: ignore[attr-defined]
    admin.screenshot(path=shots / "1-refused-beside-the-field.png", full_page=True)  # type: ignore[attr-defined]
    admin.fill("#due_on", "2017-01-15")  # type: ignore[attr-defined]
    admin.click("#assign-submit")  # type: ignore[attr-defined]
    admin.wait_for_url(f"**/units/{TOWNSHIP}/gaps")  # type: ignore[attr-defined]
    row = admin.locator("tr.gap", has_text="张三")  # type: ignore[attr-defined]
    assert "王五" in row.inner_text() and "已交办、未到期" in row.inner_text()
    admin.screenshot(path=shots / "2-assigned.png", full_page=True)  # type: ignore[attr-defined]

    officer = log_in(browser, "township.officer", server)
    officer.goto(f"{server}/units/{VILLAGE_A}/record/link-household")  # type: ignore[attr-defined]
    officer.select_option("#household", ZHANG)  # type: ignore[attr-defined]
    officer.select_option("#central_household", str(central_household_id(UUID(hid(1)))))  # type: ignore[attr-defined]
    officer.click("button.primary.big")  # type: ignore[attr-defined]
    officer.wait_for_url(f"**/units/{VILLAGE_A}**")  # type: ignore[attr-defined]

    admin.goto(f"{server}/units/{TOWNSHIP}/gaps")  # type: ignore[attr-defined]
    assert admin.locator("tr.gap", has_text="张三").count() == 0  # type: ignore[attr-defined]
    admin.select_option("#rect", "closed")  # type: ignore[attr-defined]
    admin.click("#gap-filters button[type=submit]")  # type: ignore[attr-defined]
    admin.wait_for_url("**rect=closed**")  # type: ignore[attr-defined]
    closed = admin.inner_text("#closed-rectifications")  # type: ignore[attr-defined]
    assert "张三" in closed and "王五" in closed
    assert "2016年12月31日 挂靠党员中心户 · township.officer" in closed
    admin.screenshot(path=shots / "3-closed-by-the-link.png", full_page=True)  # type: ignore[attr-defined]

    admin.goto(f"{server}/units/{COUNTY}")  # type: ignore[attr-defined]
    counts = admin.inner_text("#rectification-counts")  # type: ignore[attr-defined]
    assert "本月整改销号" in counts
    assert admin.inner_text("#rectifications-closed_this_month td") == "1"  # type: ignore[attr-defined]
    assert admin.inner_text("#rectifications-overdue td") == "0"  # type: ignore[attr-defined]
    assert len(list(shots.glob("*.png"))) == 3
